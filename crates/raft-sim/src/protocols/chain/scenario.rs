//! A chain-replication scenario: the servers (the chain S1 → … → Sn, head S1, tail Sn), the
//! configuration service (CFG, node n+1 on the network) and how long it takes to detect a
//! crash, each server's service times (a FIFO queue per server), the clients' requests (listed,
//! or a workload generated at a rate from the seed) and the crashes.
//!
//! ```json
//! {"protocol": "chain-replication", "name": "chain-middle-crash", "seed": 1, "servers": 3,
//!  "latency_ms": [5, 15], "duration_ms": 1500, "retry_ms": 300, "detect_ms": 100,
//!  "service_ms": {"execute": 2, "apply": 1, "read": 1},
//!  "requests": [{"at_ms": 100, "write": "x=1"}, {"at_ms": 200, "read": true}],
//!  "workload": {"rate_per_s": 200, "read_fraction": 0.5, "from_ms": 0, "until_ms": 1000},
//!  "faults": [{"at_ms": 500, "crash": 2}]}
//! ```
//!
//! `"layout": "primary-backup"` runs the same servers, queues and workload as primary-backup's
//! normal case (Definition 2.4: S1 is the primary and forwards each write to every other server
//! at once) for the comparison ([`super::compare`]); it has no failover, so it takes no faults.
//! `"early_ack": true` is the broken variant: the head answers the client as soon as a write
//! arrives, before the tail has it.
//!
//! Every field is checked with a message naming it; nothing here panics.
use crate::engine::rng::SimRng;
use crate::protocols::reading::{self, err, number, object, range, SeedWords};
use crate::scenario::format::{ms_to_us, ScenarioError};
use crate::scenario::protocol::CHAIN_REPLICATION;
use serde_json::Value;

pub const MAX_SERVERS: u32 = 8;
pub const MAX_DURATION_MS: f64 = 60_000.0;
/// Listed and generated requests together: a bound on the run's memory and time.
pub const MAX_REQUESTS: usize = 20_000;
pub const MAX_LISTED: usize = 200;
pub const MAX_FAULTS: usize = 20;
pub const MAX_VALUE_BYTES: usize = 32;

/// How the servers are arranged.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub enum Layout {
    /// The notes' chain: writes at the head, forwarded down, answered by the tail; reads at the tail.
    Chain,
    /// Primary-backup's normal case: S1 takes writes and reads and forwards to all backups at once.
    PrimaryBackup,
}

/// What a request asks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Op {
    Write(String),
    Read,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Request {
    pub at_ms: f64,
    pub op: Op,
}

/// The time a server spends on each piece of work, one piece at a time (a FIFO queue).
/// Acknowledgements and configuration messages are bookkeeping and cost nothing.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
pub struct Service {
    /// The server the client sent a write to (the head, the primary) executes it: computes
    /// the update it forwards (the notes' request replication forwards the request itself;
    /// either way the first server does the client's work first).
    pub execute_ms: f64,
    /// A server further on applies a forwarded write.
    pub apply_ms: f64,
    /// The tail (the primary) answers a read.
    pub read_ms: f64,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Workload {
    pub rate_per_s: f64,
    pub read_fraction: f64,
    pub from_ms: f64,
    pub until_ms: f64,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Fault {
    pub at_ms: f64,
    /// The server that stops for good (fail-stop, as the notes assume).
    pub crash: u32,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ChainScenario {
    pub name: String,
    pub description: String,
    pub seed: u64,
    pub servers: u32,
    pub layout: Layout,
    pub early_ack: bool,
    pub latency_ms: [f64; 2],
    pub duration_ms: f64,
    pub retry_ms: f64,
    pub detect_ms: f64,
    pub service: Service,
    pub requests: Vec<Request>,
    pub workload: Option<Workload>,
    pub faults: Vec<Fault>,
}

const FIELDS: &[&str] = &[
    "protocol",
    "name",
    "description",
    "seed",
    "servers",
    "layout",
    "early_ack",
    "latency_ms",
    "duration_ms",
    "retry_ms",
    "detect_ms",
    "service_ms",
    "requests",
    "workload",
    "faults",
];

impl ChainScenario {
    pub fn from_json(text: &str) -> Result<ChainScenario, ScenarioError> {
        let value = reading::parse(text)?;
        Self::from_value(&value)
    }

    pub fn from_value(value: &Value) -> Result<ChainScenario, ScenarioError> {
        let reading::Header { map, name, description, seed } =
            reading::header(value, FIELDS, CHAIN_REPLICATION, "chain-replication", SeedWords::Plain)?;
        let servers = match map.get("servers") {
            None => 3,
            Some(v) => match v.as_u64() {
                Some(n) if (1..=MAX_SERVERS as u64).contains(&n) => n as u32,
                _ => return err("servers", format!("must be a whole number from 1 to {MAX_SERVERS}")),
            },
        };
        let layout = match map.get("layout") {
            None => Layout::Chain,
            Some(Value::String(s)) if s == "chain" => Layout::Chain,
            Some(Value::String(s)) if s == "primary-backup" => Layout::PrimaryBackup,
            Some(_) => return err("layout", "must be \"chain\" or \"primary-backup\""),
        };
        let early_ack = match map.get("early_ack") {
            None => false,
            Some(Value::Bool(b)) => *b,
            Some(_) => return err("early_ack", "must be true (the head answers at once: broken) or false"),
        };
        if early_ack && layout != Layout::Chain {
            return err("early_ack", "is a variant of the chain layout only");
        }
        let latency_ms = range(map.get("latency_ms"), "latency_ms", 0.001, 10_000.0, [5.0, 15.0])?;
        let duration_ms = number(map.get("duration_ms"), "duration_ms", 1.0, MAX_DURATION_MS)?.unwrap_or(2_000.0);
        let retry_ms = number(map.get("retry_ms"), "retry_ms", 1.0, MAX_DURATION_MS)?.unwrap_or(300.0);
        let detect_ms = number(map.get("detect_ms"), "detect_ms", 0.0, MAX_DURATION_MS)?.unwrap_or(100.0);
        let service = match map.get("service_ms") {
            None => Service { execute_ms: 0.0, apply_ms: 0.0, read_ms: 0.0 },
            Some(v) => {
                let m = object(v, "service_ms", &["execute", "apply", "read"])?;
                let get = |k: &str| number(m.get(k), &format!("service_ms.{k}"), 0.0, 1_000.0);
                Service {
                    execute_ms: get("execute")?.unwrap_or(0.0),
                    apply_ms: get("apply")?.unwrap_or(0.0),
                    read_ms: get("read")?.unwrap_or(0.0),
                }
            }
        };
        let mut requests = Vec::new();
        match map.get("requests") {
            None => {}
            Some(Value::Array(list)) if list.len() <= MAX_LISTED => {
                for (i, v) in list.iter().enumerate() {
                    let at = format!("requests[{i}]");
                    let r = object(v, &at, &["at_ms", "write", "read"])?;
                    let at_ms = number(r.get("at_ms"), &format!("{at}.at_ms"), 0.0, duration_ms)?.ok_or_else(|| {
                        ScenarioError::new(format!("{at}.at_ms"), "must say when the client sends it")
                    })?;
                    let op = match (r.get("write"), r.get("read")) {
                        (Some(Value::String(s)), None) if !s.is_empty() && s.len() <= MAX_VALUE_BYTES => {
                            Op::Write(s.clone())
                        }
                        (Some(_), None) => {
                            return err(
                                format!("{at}.write"),
                                format!("must be a non-empty string of at most {MAX_VALUE_BYTES} bytes"),
                            )
                        }
                        (None, Some(Value::Bool(true))) => Op::Read,
                        (None, Some(_)) => return err(format!("{at}.read"), "must be true"),
                        _ => return err(at, "must be exactly one of write (a value) or read (true)"),
                    };
                    requests.push(Request { at_ms, op });
                }
            }
            Some(_) => {
                return err("requests", format!("must be a list of at most {MAX_LISTED} {{at_ms, write | read}}"))
            }
        }
        let workload = match map.get("workload") {
            None => None,
            Some(v) => {
                let m = object(v, "workload", &["rate_per_s", "read_fraction", "from_ms", "until_ms"])?;
                let rate_per_s = number(m.get("rate_per_s"), "workload.rate_per_s", 0.001, 100_000.0)?
                    .ok_or_else(|| ScenarioError::new("workload.rate_per_s", "must say how many requests a second"))?;
                let read_fraction = number(m.get("read_fraction"), "workload.read_fraction", 0.0, 1.0)?.unwrap_or(0.5);
                let from_ms = number(m.get("from_ms"), "workload.from_ms", 0.0, duration_ms)?.unwrap_or(0.0);
                let until_ms =
                    number(m.get("until_ms"), "workload.until_ms", from_ms, duration_ms)?.unwrap_or(duration_ms);
                let expected = rate_per_s * (until_ms - from_ms) / 1000.0;
                if expected + requests.len() as f64 > MAX_REQUESTS as f64 {
                    return err(
                        "workload.rate_per_s",
                        format!(
                            "makes about {expected:.0} requests from {from_ms} to {until_ms} ms; the limit is {MAX_REQUESTS}"
                        ),
                    );
                }
                Some(Workload { rate_per_s, read_fraction, from_ms, until_ms })
            }
        };
        let mut faults = Vec::new();
        match map.get("faults") {
            None => {}
            Some(Value::Array(list)) if list.len() <= MAX_FAULTS => {
                for (i, v) in list.iter().enumerate() {
                    let at = format!("faults[{i}]");
                    let f = object(v, &at, &["at_ms", "crash"])?;
                    let at_ms = number(f.get("at_ms"), &format!("{at}.at_ms"), 0.0, duration_ms)?
                        .ok_or_else(|| ScenarioError::new(format!("{at}.at_ms"), "must say when it happens"))?;
                    let crash = match f.get("crash").and_then(Value::as_u64) {
                        Some(s) if (1..=servers as u64).contains(&s) => s as u32,
                        _ => return err(format!("{at}.crash"), format!("must be a server from 1 to {servers}")),
                    };
                    faults.push(Fault { at_ms, crash });
                }
            }
            Some(_) => return err("faults", format!("must be a list of at most {MAX_FAULTS} {{at_ms, crash}}")),
        }
        if layout == Layout::PrimaryBackup && !faults.is_empty() {
            return err(
                "faults",
                "the primary-backup layout is the normal case only (its failover is the primary-backup protocol's)",
            );
        }
        Ok(ChainScenario {
            name,
            description,
            seed,
            servers,
            layout,
            early_ack,
            latency_ms,
            duration_ms,
            retry_ms,
            detect_ms,
            service,
            requests,
            workload,
            faults,
        })
    }

    /// Every request the clients send, in time order: the listed ones and the workload's. The
    /// workload draws from its own stream of the seed (5), so it is the same whatever the layout:
    /// the gap to the next request is uniform in [0, 2/rate] (mean 1/rate), and each request is
    /// a read with probability `read_fraction`. Integer arithmetic on microseconds only, so the
    /// page and the command line draw the same requests.
    pub fn all_requests(&self) -> Vec<Request> {
        let mut out = self.requests.clone();
        if let Some(w) = &self.workload {
            let mut rng = SimRng::stream(self.seed, 5);
            let gap = ms_to_us(2_000.0 / w.rate_per_s).max(1);
            let reads = (w.read_fraction * 1_000_000.0).round() as u64;
            let (mut t, end) = (ms_to_us(w.from_ms), ms_to_us(w.until_ms));
            let mut n = 0u64;
            while out.len() < MAX_REQUESTS {
                t += rng.between(0, gap);
                if t > end {
                    break;
                }
                n += 1;
                let op = if rng.below(1_000_000) < reads { Op::Read } else { Op::Write(format!("w{n}")) };
                out.push(Request { at_ms: t as f64 / 1000.0, op });
            }
        }
        // Stable: listed requests before generated ones at the same time.
        out.sort_by(|a, b| a.at_ms.total_cmp(&b.at_ms));
        out
    }
}
