//! A Chandy–Lamport scenario: n processes (a bank's branches) with the same opening balance,
//! a seeded workload of random transfers between them until `workload_until_ms`, the
//! channels' latency, and the snapshot: which process initiates it and when.
//!
//! ```json
//! {"protocol": "chandy-lamport", "name": "cl-bank-snapshot", "seed": 1,
//!  "processes": 3, "balance": 100, "transfer_every_ms": [5, 20], "max_amount": 30,
//!  "workload_until_ms": 300, "latency_ms": [10, 40],
//!  "initiator": 1, "snapshot_at_ms": 60, "fifo": true, "record_channels": true}
//! ```
//!
//! The last two are the broken variants' switches: `"fifo": false` lets a message on a channel
//! be held back past later ones (the notes require FIFO channels), and `"record_channels":
//! false` makes every process record only its own state, not its incoming channels'.
//!
//! Every field is checked with a message naming it; nothing here panics.
use crate::protocols::reading::{self, err, number, range, whole, SeedWords};
use crate::scenario::format::ScenarioError;
use crate::scenario::protocol::CHANDY_LAMPORT;
use serde_json::Value;

pub const MAX_PROCESSES: u32 = 8;
pub const MAX_BALANCE: u64 = 1_000_000;
pub const MAX_WORKLOAD_MS: f64 = 10_000.0;
/// The most transfers a workload may start (processes × workload time / shortest gap): it
/// bounds the run's events and the messages in flight at once, which the page's watched run
/// compares after every event.
pub const MAX_TRANSFERS: f64 = 5_000.0;
pub const MAX_LATENCY_MS: f64 = 10_000.0;
/// The shortest gap between two transfers of one process.
pub const MIN_GAP_MS: f64 = 1.0;
/// With `"fifo": false`, the chance that a message is held back past the later messages on
/// its channel (the network's reorder).
pub const NOT_FIFO_REORDER: f64 = 0.5;

#[derive(Clone, Debug, PartialEq)]
pub struct ClScenario {
    pub name: String,
    pub description: String,
    pub seed: u64,
    /// n: processes p1..pn, every one with a channel to every other (strongly connected).
    pub processes: u32,
    /// Every process's opening balance.
    pub balance: u64,
    /// Each process waits a time in this range (drawn from the seed) between its transfers.
    pub transfer_every_ms: [f64; 2],
    /// A transfer moves 1 to this much (at most the sender's balance).
    pub max_amount: u64,
    /// No transfer starts after this time.
    pub workload_until_ms: f64,
    pub latency_ms: [f64; 2],
    /// The process that records its state first and sends the first markers.
    pub initiator: u32,
    pub snapshot_at_ms: f64,
    /// The notes' FIFO channels (false: the broken variant).
    pub fifo: bool,
    /// Whether processes record their incoming channels (false: the broken variant).
    pub record_channels: bool,
}

impl ClScenario {
    /// The bank's money: what the snapshot must add up to.
    pub fn total(&self) -> u64 {
        self.balance * self.processes as u64
    }
}

const FIELDS: &[&str] = &[
    "protocol",
    "name",
    "description",
    "seed",
    "processes",
    "balance",
    "transfer_every_ms",
    "max_amount",
    "workload_until_ms",
    "latency_ms",
    "initiator",
    "snapshot_at_ms",
    "fifo",
    "record_channels",
];

fn flag(v: Option<&Value>, field: &str, default: bool) -> Result<bool, ScenarioError> {
    match v {
        None => Ok(default),
        Some(Value::Bool(b)) => Ok(*b),
        Some(_) => err(field, "must be true or false"),
    }
}

impl ClScenario {
    /// Read and check a scenario (the caller has already seen `"protocol": "chandy-lamport"`;
    /// it is checked again here).
    pub fn from_json(text: &str) -> Result<ClScenario, ScenarioError> {
        let value = reading::parse(text)?;
        Self::from_value(&value)
    }

    pub fn from_value(value: &Value) -> Result<ClScenario, ScenarioError> {
        let reading::Header { map, name, description, seed } =
            reading::header(value, FIELDS, CHANDY_LAMPORT, "Chandy–Lamport", SeedWords::Range)?;
        let processes = whole(map.get("processes"), "processes", 2, MAX_PROCESSES as u64)?.unwrap_or(3) as u32;
        let balance = whole(map.get("balance"), "balance", 0, MAX_BALANCE)?.unwrap_or(100);
        let transfer_every_ms =
            range(map.get("transfer_every_ms"), "transfer_every_ms", MIN_GAP_MS, MAX_WORKLOAD_MS, [5.0, 20.0])?;
        let max_amount = whole(map.get("max_amount"), "max_amount", 1, MAX_BALANCE)?.unwrap_or(30);
        let workload_until_ms =
            number(map.get("workload_until_ms"), "workload_until_ms", 0.0, MAX_WORKLOAD_MS)?.unwrap_or(300.0);
        let most = processes as f64 * workload_until_ms / transfer_every_ms[0];
        if most > MAX_TRANSFERS {
            return err(
                "workload_until_ms",
                format!(
                    "the workload could start {most:.0} transfers (processes × workload_until_ms / transfer_every_ms[0]); the limit is {MAX_TRANSFERS}"
                ),
            );
        }
        let latency_ms = range(map.get("latency_ms"), "latency_ms", 0.001, MAX_LATENCY_MS, [10.0, 40.0])?;
        let initiator = whole(map.get("initiator"), "initiator", 1, processes as u64)?.unwrap_or(1) as u32;
        let snapshot_at_ms = number(map.get("snapshot_at_ms"), "snapshot_at_ms", 0.0, MAX_WORKLOAD_MS)?
            .unwrap_or(workload_until_ms / 2.0);
        let fifo = flag(map.get("fifo"), "fifo", true)?;
        let record_channels = flag(map.get("record_channels"), "record_channels", true)?;
        Ok(ClScenario {
            name,
            description,
            seed,
            processes,
            balance,
            transfer_every_ms,
            max_amount,
            workload_until_ms,
            latency_ms,
            initiator,
            snapshot_at_ms,
            fifo,
            record_channels,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_fill_in_and_bad_fields_are_named() {
        let s = ClScenario::from_json(r#"{"protocol": "chandy-lamport", "name": "t"}"#).unwrap();
        assert_eq!((s.processes, s.balance, s.total(), s.initiator), (3, 100, 300, 1));
        assert_eq!((s.snapshot_at_ms, s.fifo, s.record_channels), (150.0, true, true));
        for (text, field) in [
            (r#"{"protocol": "chandy-lamport", "name": "t", "processes": 1}"#, "processes"),
            (r#"{"protocol": "chandy-lamport", "name": "t", "initiator": 4}"#, "initiator"),
            (r#"{"protocol": "chandy-lamport", "name": "t", "transfer_every_ms": [0, 5]}"#, "transfer_every_ms[0]"),
            (r#"{"protocol": "chandy-lamport", "name": "t", "latency_ms": [5, 1]}"#, "latency_ms[1]"),
            (r#"{"protocol": "chandy-lamport", "name": "t", "fifo": "no"}"#, "fifo"),
            (
                r#"{"protocol": "chandy-lamport", "name": "t", "processes": 8, "workload_until_ms": 700, "transfer_every_ms": [1, 2]}"#,
                "workload_until_ms",
            ),
            (r#"{"protocol": "chandy-lamport", "name": "t", "markers": 2}"#, "markers"),
            (r#"{"protocol": "flood-consensus", "name": "t"}"#, "protocol"),
            (r#"{"protocol": "chandy-lamport"}"#, "name"),
            ("[1]", ""),
        ] {
            assert_eq!(ClScenario::from_json(text).unwrap_err().field, field, "{text}");
        }
    }
}
