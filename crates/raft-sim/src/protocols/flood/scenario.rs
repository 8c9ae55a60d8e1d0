//! A flood-consensus scenario: the processes' proposals, how many crashes the group tolerates
//! (f), how many rounds it runs, the round's length and the links' latency, which processes
//! crash and when (possibly in the middle of a multicast), and the failure detector.
//!
//! ```json
//! {"protocol": "flood-consensus", "name": "flood-p1-p4", "seed": 1,
//!  "proposals": ["a", "b", "c", "d"], "f": 1, "rounds": 2, "round_ms": 100,
//!  "latency_ms": [10, 40], "detector": "perfect",
//!  "crashes": [{"process": 1, "round": 1, "sent_to": [2]}]}
//! ```
//!
//! Every field is checked with a message naming it; nothing here panics.
use crate::protocols::reading::{self, err, number, object, range, whole, SeedWords};
use crate::scenario::format::{ms_to_us, ScenarioError};
use crate::scenario::protocol::FLOOD_CONSENSUS;
use serde_json::Value;

/// At most this many processes (P1 to P9), as Raft's servers.
pub const MAX_PROCESSES: usize = 9;
/// At most this many rounds.
pub const MAX_ROUNDS: u32 = 20;
pub const MAX_ROUND_MS: f64 = 10_000.0;
pub const MAX_SLOW_MS: f64 = 60_000.0;
/// A proposed command's length limit.
pub const MAX_COMMAND_BYTES: usize = 32;

/// How a process learns that another has crashed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Detector {
    /// Fail-stop's reliable failure detection: in a synchronous system a suspected crash is a
    /// known crash (the lecture's perfect failure detector). Only a crashed process is silent
    /// for a whole round, so the scenario must keep every message within its round.
    Perfect,
    /// A timeout: a process from which nothing came within the round is suspected to have
    /// crashed and is excluded from then on, even if it was only slow.
    Timeout,
}

impl Detector {
    pub fn name(self) -> &'static str {
        match self {
            Detector::Perfect => "perfect",
            Detector::Timeout => "timeout",
        }
    }
}

/// Process `process` crashes in round `round`, after sending its multicast to `sent_to` only
/// (in that order; empty: it crashes before sending anything).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Crash {
    pub process: u32,
    pub round: u32,
    pub sent_to: Vec<u32>,
}

/// Everything `process` sends arrives this much later than the network's latency.
#[derive(Clone, Debug, PartialEq)]
pub struct Slow {
    pub process: u32,
    pub delay_ms: f64,
}

#[derive(Clone, Debug, PartialEq)]
pub struct FloodScenario {
    pub name: String,
    pub description: String,
    pub seed: u64,
    /// P_i's proposed command is `proposals[i - 1]`.
    pub proposals: Vec<String>,
    /// How many crashes the group tolerates.
    pub f: u32,
    /// How many rounds run before a process decides (f + 1 unless the scenario says).
    pub rounds: u32,
    pub round_ms: f64,
    pub latency_ms: [f64; 2],
    pub detector: Detector,
    pub crashes: Vec<Crash>,
    pub slow: Vec<Slow>,
}

const FIELDS: &[&str] = &[
    "protocol",
    "name",
    "description",
    "seed",
    "proposals",
    "f",
    "rounds",
    "round_ms",
    "latency_ms",
    "detector",
    "crashes",
    "slow",
];

fn process(v: Option<&Value>, field: &str, n: usize) -> Result<u32, ScenarioError> {
    match whole(v, field, 1, n as u64)? {
        Some(p) => Ok(p as u32),
        None => err(field, format!("must name a process, 1 to {n}")),
    }
}

impl FloodScenario {
    /// Read and check a scenario (the caller has already seen `"protocol": "flood-consensus"`;
    /// it is checked again here).
    pub fn from_json(text: &str) -> Result<FloodScenario, ScenarioError> {
        let value = reading::parse(text)?;
        Self::from_value(&value)
    }

    pub fn from_value(value: &Value) -> Result<FloodScenario, ScenarioError> {
        let reading::Header { map, name, description, seed } =
            reading::header(value, FIELDS, FLOOD_CONSENSUS, "flood-consensus", SeedWords::Range)?;
        let proposals: Vec<String> = match map.get("proposals") {
            Some(Value::Array(list)) if (2..=MAX_PROCESSES).contains(&list.len()) => {
                let mut out = Vec::new();
                for (i, v) in list.iter().enumerate() {
                    match v {
                        Value::String(s) if !s.is_empty() && s.len() <= MAX_COMMAND_BYTES => out.push(s.clone()),
                        _ => {
                            return err(
                                format!("proposals[{i}]"),
                                format!("must be a command: a non-empty string of at most {MAX_COMMAND_BYTES} bytes"),
                            )
                        }
                    }
                }
                out
            }
            _ => {
                return err(
                    "proposals",
                    format!("must list each process's proposed command, P1 first: 2 to {MAX_PROCESSES} strings"),
                )
            }
        };
        let n = proposals.len();
        let f = whole(map.get("f"), "f", 0, n as u64 - 1)?.ok_or_else(|| {
            ScenarioError::new("f", format!("must say how many crashes the group tolerates, 0 to {}", n - 1))
        })? as u32;
        let rounds = whole(map.get("rounds"), "rounds", 1, MAX_ROUNDS as u64)?.map_or(f + 1, |r| r as u32);
        if rounds > MAX_ROUNDS {
            return err("f", format!("f + 1 rounds must be at most {MAX_ROUNDS}"));
        }
        let round_ms = number(map.get("round_ms"), "round_ms", 1.0, MAX_ROUND_MS)?.unwrap_or(100.0);
        let latency_ms = range(map.get("latency_ms"), "latency_ms", 0.001, MAX_ROUND_MS, [10.0, 40.0])?;
        let detector = match map.get("detector") {
            None => Detector::Perfect,
            Some(Value::String(d)) if d == "perfect" => Detector::Perfect,
            Some(Value::String(d)) if d == "timeout" => Detector::Timeout,
            Some(_) => return err("detector", "must be \"perfect\" (fail-stop) or \"timeout\" (unreliable)"),
        };
        let mut crashes: Vec<Crash> = Vec::new();
        match map.get("crashes") {
            None => {}
            Some(Value::Array(list)) => {
                for (i, v) in list.iter().enumerate() {
                    let at = format!("crashes[{i}]");
                    let c = object(v, &at, &["process", "round", "sent_to"])?;
                    let p = process(c.get("process"), &format!("{at}.process"), n)?;
                    if crashes.iter().any(|x| x.process == p) {
                        return err(
                            format!("{at}.process"),
                            format!("P{p} already crashes (a crashed process stays down)"),
                        );
                    }
                    let round = whole(c.get("round"), &format!("{at}.round"), 1, rounds as u64)?.ok_or_else(|| {
                        ScenarioError::new(format!("{at}.round"), format!("must be a round, 1 to {rounds}"))
                    })? as u32;
                    let mut sent_to = Vec::new();
                    match c.get("sent_to") {
                        None => {}
                        Some(Value::Array(to)) => {
                            for (j, t) in to.iter().enumerate() {
                                let field = format!("{at}.sent_to[{j}]");
                                let t = process(Some(t), &field, n)?;
                                if t == p || sent_to.contains(&t) {
                                    return err(field, format!("P{t} is P{p} itself or listed twice"));
                                }
                                sent_to.push(t);
                            }
                        }
                        Some(_) => {
                            return err(format!("{at}.sent_to"), "must list the processes the multicast reached")
                        }
                    }
                    crashes.push(Crash { process: p, round, sent_to });
                }
            }
            Some(_) => return err("crashes", "must be a list of {process, round, sent_to}"),
        }
        if crashes.len() > f as usize {
            return err(
                "crashes",
                format!("{} processes crash but the group tolerates f = {f}: raise f or crash fewer", crashes.len()),
            );
        }
        let mut slow: Vec<Slow> = Vec::new();
        match map.get("slow") {
            None => {}
            Some(Value::Array(list)) => {
                for (i, v) in list.iter().enumerate() {
                    let at = format!("slow[{i}]");
                    let s = object(v, &at, &["process", "delay_ms"])?;
                    let p = process(s.get("process"), &format!("{at}.process"), n)?;
                    if slow.iter().any(|x| x.process == p) {
                        return err(format!("{at}.process"), format!("P{p} is listed twice"));
                    }
                    let delay_ms =
                        number(s.get("delay_ms"), &format!("{at}.delay_ms"), 0.0, MAX_SLOW_MS)?.ok_or_else(|| {
                            ScenarioError::new(format!("{at}.delay_ms"), "must say how much later its messages arrive")
                        })?;
                    slow.push(Slow { process: p, delay_ms });
                }
            }
            Some(_) => return err("slow", "must be a list of {process, delay_ms}"),
        }
        if detector == Detector::Perfect {
            // Reliable failure detection holds only in a synchronous system: every message
            // arrives within its round, so a silent process is a crashed one.
            if ms_to_us(latency_ms[1]) >= ms_to_us(round_ms) {
                return err(
                    "latency_ms",
                    "with the perfect detector every message must arrive within its round: keep the highest latency below round_ms (or use \"detector\": \"timeout\")",
                );
            }
            if !slow.is_empty() {
                return err(
                    "slow",
                    "a slow process needs an unreliable detector: with \"perfect\", only a crashed process is ever silent",
                );
            }
        }
        Ok(FloodScenario {
            name,
            description,
            seed,
            proposals,
            f,
            rounds,
            round_ms,
            latency_ms,
            detector,
            crashes,
            slow,
        })
    }

    /// How many processes: one per proposal.
    pub fn processes(&self) -> u32 {
        self.proposals.len() as u32
    }

    /// The crash of process `p`, if it crashes.
    pub fn crash_of(&self, p: u32) -> Option<&Crash> {
        self.crashes.iter().find(|c| c.process == p)
    }

    /// How much later than the network's latency `p`'s messages arrive.
    pub fn extra_delay_us(&self, p: u32) -> u64 {
        self.slow.iter().find(|s| s.process == p).map_or(0, |s| ms_to_us(s.delay_ms))
    }
}
