//! A primary-backup scenario: servers S1 (the primary at the start) and its `backups` (S2, and
//! S3 … when there are more; one unless said), the arbitration server (CFG, the node after the
//! last server on the network) or none, the heartbeat and the timeout
//! after which a silent partner is suspected, the client's writes and the faults.
//!
//! ```json
//! {"protocol": "primary-backup", "name": "pb-primary-crash", "seed": 1,
//!  "arbiter": true, "backups": 1, "heartbeat_ms": 50, "timeout_ms": 200, "latency_ms": [5, 15],
//!  "duration_ms": 2000, "retry_ms": 300,
//!  "writes": [{"at_ms": 100, "value": "x=1"}],
//!  "faults": [{"at_ms": 500, "crash": 1}, {"at_ms": 600, "partition": [1, 2]}, {"at_ms": 900, "heal": true}]}
//! ```
//!
//! Every field is checked with a message naming it; nothing here panics.
use crate::protocols::reading::{self, err, number, object, range, SeedWords};
use crate::scenario::format::ScenarioError;
use crate::scenario::protocol::PRIMARY_BACKUP;
use serde_json::Value;

/// The most backups a scenario may ask for (S1 and up to four backups fit a stage's row).
pub const MAX_BACKUPS: u32 = 4;
pub const MAX_DURATION_MS: f64 = 60_000.0;
pub const MAX_WRITES: usize = 50;
pub const MAX_FAULTS: usize = 20;
pub const MAX_VALUE_BYTES: usize = 32;

#[derive(Clone, Debug, PartialEq)]
pub enum FaultKind {
    /// The server stops for good (fail-stop).
    Crash(u32),
    /// The link between the two nodes (a server or the CFG) is cut both ways.
    Partition(u32, u32),
    /// Every cut link is restored.
    Heal,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Fault {
    pub at_ms: f64,
    pub kind: FaultKind,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Write {
    pub at_ms: f64,
    pub value: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct PbScenario {
    pub name: String,
    pub description: String,
    pub seed: u64,
    /// Whether a suspicious server asks the CFG (`test_and_set(f, 1)`) before acting; without
    /// it, it acts on its own timeout (the broken variant).
    pub arbiter: bool,
    /// How many backups S1 forwards to at the start: S2 … S(backups + 1).
    pub backups: u32,
    pub heartbeat_ms: f64,
    pub timeout_ms: f64,
    pub latency_ms: [f64; 2],
    pub duration_ms: f64,
    pub retry_ms: f64,
    pub writes: Vec<Write>,
    pub faults: Vec<Fault>,
}

const FIELDS: &[&str] = &[
    "protocol",
    "name",
    "description",
    "seed",
    "arbiter",
    "backups",
    "heartbeat_ms",
    "timeout_ms",
    "latency_ms",
    "duration_ms",
    "retry_ms",
    "writes",
    "faults",
];

fn node(v: Option<&Value>, field: &str, max: u32, what: &str) -> Result<u32, ScenarioError> {
    match v.and_then(Value::as_u64) {
        Some(x) if (1..=max as u64).contains(&x) => Ok(x as u32),
        _ => err(field, format!("must be {what}")),
    }
}

impl PbScenario {
    /// The servers: S1 and its backups, network nodes 1 to `servers()`.
    pub fn servers(&self) -> u32 {
        self.backups + 1
    }

    /// The arbitration server's node on the network: the one after the last server.
    pub fn cfg(&self) -> u32 {
        self.servers() + 1
    }

    pub fn from_json(text: &str) -> Result<PbScenario, ScenarioError> {
        let value = reading::parse(text)?;
        Self::from_value(&value)
    }

    pub fn from_value(value: &Value) -> Result<PbScenario, ScenarioError> {
        let reading::Header { map, name, description, seed } =
            reading::header(value, FIELDS, PRIMARY_BACKUP, "primary-backup", SeedWords::Plain)?;
        let arbiter = match map.get("arbiter") {
            None => true,
            Some(Value::Bool(b)) => *b,
            Some(_) => {
                return err("arbiter", "must be true (ask the CFG with test-and-set) or false (act on a timeout alone)")
            }
        };
        let backups = match map.get("backups") {
            None => 1,
            Some(v) => match v.as_u64() {
                Some(n) if (1..=MAX_BACKUPS as u64).contains(&n) => n as u32,
                _ => return err("backups", format!("must be a whole number from 1 to {MAX_BACKUPS}")),
            },
        };
        let (servers, cfg) = (backups + 1, backups + 2);
        let server_words = format!("a server, 1 to {servers}");
        let node_words = format!("1 to {servers} (servers) or {cfg} (the CFG)");
        let heartbeat_ms = number(map.get("heartbeat_ms"), "heartbeat_ms", 1.0, 10_000.0)?.unwrap_or(50.0);
        let timeout_ms = number(map.get("timeout_ms"), "timeout_ms", 1.0, 30_000.0)?.unwrap_or(200.0);
        if timeout_ms <= heartbeat_ms {
            return err("timeout_ms", "must be longer than heartbeat_ms, or every server suspects its partner");
        }
        let latency_ms = range(map.get("latency_ms"), "latency_ms", 0.001, 10_000.0, [5.0, 15.0])?;
        let duration_ms = number(map.get("duration_ms"), "duration_ms", 1.0, MAX_DURATION_MS)?.unwrap_or(2_000.0);
        let retry_ms = number(map.get("retry_ms"), "retry_ms", 1.0, MAX_DURATION_MS)?.unwrap_or(300.0);
        let mut writes = Vec::new();
        match map.get("writes") {
            None => {}
            Some(Value::Array(list)) if list.len() <= MAX_WRITES => {
                for (i, v) in list.iter().enumerate() {
                    let at = format!("writes[{i}]");
                    let w = object(v, &at, &["at_ms", "value"])?;
                    let at_ms = number(w.get("at_ms"), &format!("{at}.at_ms"), 0.0, duration_ms)?.ok_or_else(|| {
                        ScenarioError::new(format!("{at}.at_ms"), "must say when the client sends it")
                    })?;
                    let value = match w.get("value") {
                        Some(Value::String(s)) if !s.is_empty() && s.len() <= MAX_VALUE_BYTES => s.clone(),
                        _ => {
                            return err(
                                format!("{at}.value"),
                                format!("must be a non-empty string of at most {MAX_VALUE_BYTES} bytes"),
                            )
                        }
                    };
                    writes.push(Write { at_ms, value });
                }
            }
            Some(_) => return err("writes", format!("must be a list of at most {MAX_WRITES} {{at_ms, value}}")),
        }
        let mut faults = Vec::new();
        match map.get("faults") {
            None => {}
            Some(Value::Array(list)) if list.len() <= MAX_FAULTS => {
                for (i, v) in list.iter().enumerate() {
                    let at = format!("faults[{i}]");
                    let f = object(v, &at, &["at_ms", "crash", "partition", "heal"])?;
                    let at_ms = number(f.get("at_ms"), &format!("{at}.at_ms"), 0.0, duration_ms)?
                        .ok_or_else(|| ScenarioError::new(format!("{at}.at_ms"), "must say when it happens"))?;
                    let kinds = ["crash", "partition", "heal"].iter().filter(|k| f.contains_key(**k)).count();
                    if kinds != 1 {
                        return err(at, "must be exactly one of crash, partition, heal");
                    }
                    let kind = if let Some(c) = f.get("crash") {
                        FaultKind::Crash(node(Some(c), &format!("{at}.crash"), servers, &server_words)?)
                    } else if let Some(p) = f.get("partition") {
                        let field = format!("{at}.partition");
                        let Value::Array(pair) = p else {
                            return err(field, format!("must be two nodes: {node_words}"));
                        };
                        if pair.len() != 2 {
                            return err(field, format!("must be two nodes: {node_words}"));
                        }
                        let a = node(pair.first(), &format!("{field}[0]"), cfg, &node_words)?;
                        let b = node(pair.get(1), &format!("{field}[1]"), cfg, &node_words)?;
                        if a == b {
                            return err(field, "must be two different nodes");
                        }
                        FaultKind::Partition(a, b)
                    } else {
                        match f.get("heal") {
                            Some(Value::Bool(true)) => FaultKind::Heal,
                            _ => return err(format!("{at}.heal"), "must be true"),
                        }
                    };
                    faults.push(Fault { at_ms, kind });
                }
            }
            Some(_) => {
                return err(
                    "faults",
                    format!("must be a list of at most {MAX_FAULTS} {{at_ms, crash | partition | heal}}"),
                )
            }
        }
        Ok(PbScenario {
            name,
            description,
            seed,
            arbiter,
            backups,
            heartbeat_ms,
            timeout_ms,
            latency_ms,
            duration_ms,
            retry_ms,
            writes,
            faults,
        })
    }
}
