//! A failure-detector scenario: how many processes, the heartbeat period and the timeout after
//! which a silent process is suspected, whether the timeout grows after a false suspicion (the
//! notes' eventually perfect detector), the links (latency, loss, timing model) and the faults:
//! crashes, pauses (a process stops for a while, like a garbage-collection pause), latency
//! spikes (on every link or on one) and clock drift.
//!
//! ```json
//! {"protocol": "failure-detector", "name": "fd-crash-detected", "seed": 1,
//!  "processes": 4, "heartbeat_ms": 50, "timeout_ms": 120, "adaptive": false,
//!  "latency_ms": [5, 15], "loss": 0, "timing": {"model": "synchronous"},
//!  "duration_ms": 3000, "accuracy_from_ms": 1500,
//!  "faults": [{"at_ms": 1000, "crash": 2},
//!             {"at_ms": 500, "pause": 3, "for_ms": 200},
//!             {"at_ms": 800, "latency_ms": [100, 150], "for_ms": 300, "link": [1, 4]},
//!             {"at_ms": 0, "drift": 4, "rate": -0.3}]}
//! ```
//!
//! Every field is checked with a message naming it; nothing here panics.
use crate::protocols::reading::{self, err, number, range, SeedWords};
use crate::scenario::format::{ScenarioError, TimingModel};
use crate::scenario::protocol::FAILURE_DETECTOR;
use serde_json::Value;

pub const MAX_PROCESSES: u32 = 8;
pub const MAX_DURATION_MS: f64 = 60_000.0;
pub const MAX_FAULTS: usize = 40;
/// Heartbeats at least this far apart, so that the busiest run (8 processes all-to-all for a
/// minute) stays under a million messages.
pub const MIN_HEARTBEAT_MS: f64 = 5.0;
pub const MAX_TIMEOUT_MS: f64 = 30_000.0;
/// The drift a clock may have, as in Raft's scenarios (`engine::clock` clamps to it).
pub const MAX_DRIFT: f64 = 0.5;

#[derive(Clone, Debug, PartialEq)]
pub enum FaultKind {
    /// The process stops for good (crash-stop).
    Crash(u32),
    /// The process stops for `for_ms` and then carries on (a GC pause): it sends nothing and
    /// what reaches it waits until it resumes.
    Pause { process: u32, for_ms: f64 },
    /// Every link (or one directed link) takes this latency, for `for_ms` or to the end.
    Latency { latency_ms: [f64; 2], for_ms: Option<f64>, link: Option<(u32, u32)> },
    /// The process's local clock runs at (1 + rate) times real time from now on.
    Drift { process: u32, rate: f64 },
}

#[derive(Clone, Debug, PartialEq)]
pub struct Fault {
    pub at_ms: f64,
    pub kind: FaultKind,
}

#[derive(Clone, Debug, PartialEq)]
pub struct FdScenario {
    pub name: String,
    pub description: String,
    pub seed: u64,
    pub processes: u32,
    pub heartbeat_ms: f64,
    pub timeout_ms: f64,
    /// The notes' eventually perfect detector: after a false suspicion, the monitor's timeout
    /// for that process grows by `increase_ms`.
    pub adaptive: bool,
    pub increase_ms: f64,
    pub latency_ms: [f64; 2],
    pub loss: f64,
    pub timing: TimingModel,
    pub duration_ms: f64,
    /// From when the run is expected to be "eventually" accurate (EventualStrongAccuracy).
    pub accuracy_from_ms: f64,
    pub faults: Vec<Fault>,
}

const FIELDS: &[&str] = &[
    "protocol",
    "name",
    "description",
    "seed",
    "processes",
    "heartbeat_ms",
    "timeout_ms",
    "adaptive",
    "increase_ms",
    "latency_ms",
    "loss",
    "timing",
    "duration_ms",
    "accuracy_from_ms",
    "faults",
];

const FAULT_FIELDS: &[&str] = &["at_ms", "crash", "pause", "for_ms", "latency_ms", "link", "drift", "rate"];

fn process(v: Option<&Value>, field: &str, n: u32) -> Result<u32, ScenarioError> {
    match v.and_then(Value::as_u64) {
        Some(x) if (1..=n as u64).contains(&x) => Ok(x as u32),
        _ => err(field, format!("must be a process, 1 to {n}")),
    }
}

impl FdScenario {
    pub fn from_json(text: &str) -> Result<FdScenario, ScenarioError> {
        let value = reading::parse(text)?;
        Self::from_value(&value)
    }

    pub fn from_value(value: &Value) -> Result<FdScenario, ScenarioError> {
        let reading::Header { map, name, description, seed } =
            reading::header(value, FIELDS, FAILURE_DETECTOR, "failure-detector", SeedWords::Plain)?;
        let processes = match map.get("processes") {
            None => 4,
            Some(v) => match v.as_u64() {
                Some(n) if (2..=MAX_PROCESSES as u64).contains(&n) => n as u32,
                _ => return err("processes", format!("must be a whole number from 2 to {MAX_PROCESSES}")),
            },
        };
        let heartbeat_ms = number(map.get("heartbeat_ms"), "heartbeat_ms", MIN_HEARTBEAT_MS, 10_000.0)?.unwrap_or(50.0);
        let timeout_ms = number(map.get("timeout_ms"), "timeout_ms", 1.0, MAX_TIMEOUT_MS)?.unwrap_or(200.0);
        check_timeout(timeout_ms, heartbeat_ms, "timeout_ms")?;
        let adaptive = match map.get("adaptive") {
            None => false,
            Some(Value::Bool(b)) => *b,
            Some(_) => return err("adaptive", "must be true (the timeout grows after a false suspicion) or false"),
        };
        let increase_ms = number(map.get("increase_ms"), "increase_ms", 1.0, MAX_TIMEOUT_MS)?.unwrap_or(heartbeat_ms);
        let latency_ms = range(map.get("latency_ms"), "latency_ms", 0.001, 10_000.0, [5.0, 15.0])?;
        let loss = number(map.get("loss"), "loss", 0.0, 1.0)?.unwrap_or(0.0);
        let timing = match map.get("timing") {
            None => TimingModel::Synchronous,
            Some(v) => serde_json::from_value::<TimingModel>(v.clone()).map_err(|e| {
                ScenarioError::new(
                    "timing",
                    format!(
                        "{e} (expected {{\"model\": \"synchronous\"}}, {{\"model\": \"partially_synchronous\", \"gst_ms\": ..}} or {{\"model\": \"asynchronous\"}})"
                    ),
                )
            })?,
        };
        match &timing {
            TimingModel::PartiallySynchronous { gst_ms, tail_probability }
                if !(gst_ms.is_finite() && *gst_ms >= 0.0 && (0.0..=1.0).contains(tail_probability)) =>
            {
                return err("timing", "gst_ms must be at least 0 and tail_probability from 0 to 1")
            }
            TimingModel::Asynchronous { tail_probability } if !(0.0..=1.0).contains(tail_probability) => {
                return err("timing.tail_probability", "must be from 0 to 1")
            }
            _ => {}
        }
        let duration_ms = number(map.get("duration_ms"), "duration_ms", 1.0, MAX_DURATION_MS)?.unwrap_or(3_000.0);
        let accuracy_from_ms =
            number(map.get("accuracy_from_ms"), "accuracy_from_ms", 0.0, duration_ms)?.unwrap_or(duration_ms / 2.0);
        let faults = match map.get("faults") {
            None => Vec::new(),
            Some(Value::Array(list)) if list.len() <= MAX_FAULTS => list
                .iter()
                .enumerate()
                .map(|(i, v)| fault(v, &format!("faults[{i}]"), processes, duration_ms))
                .collect::<Result<Vec<_>, _>>()?,
            Some(_) => {
                return err(
                    "faults",
                    format!("must be a list of at most {MAX_FAULTS} {{at_ms, crash | pause | latency_ms | drift}}"),
                )
            }
        };
        Ok(FdScenario {
            name,
            description,
            seed,
            processes,
            heartbeat_ms,
            timeout_ms,
            adaptive,
            increase_ms,
            latency_ms,
            loss,
            timing,
            duration_ms,
            accuracy_from_ms,
            faults,
        })
    }

    /// The same scenario with another timeout (for a sweep), or why it cannot have it.
    pub fn with_timeout(&self, timeout_ms: f64, field: &str) -> Result<FdScenario, ScenarioError> {
        if !(timeout_ms.is_finite() && (1.0..=MAX_TIMEOUT_MS).contains(&timeout_ms)) {
            return err(field, format!("a timeout must be a number from 1 to {MAX_TIMEOUT_MS} ms"));
        }
        check_timeout(timeout_ms, self.heartbeat_ms, field)?;
        Ok(FdScenario { timeout_ms, ..self.clone() })
    }
}

/// A timeout no longer than the heartbeat period suspects every process between two of its
/// heartbeats: refused, as it shows nothing but that.
fn check_timeout(timeout_ms: f64, heartbeat_ms: f64, field: &str) -> Result<(), ScenarioError> {
    if timeout_ms <= heartbeat_ms {
        return err(
            field,
            format!("{timeout_ms} ms must be longer than heartbeat_ms ({heartbeat_ms} ms), or every process is suspected between two heartbeats"),
        );
    }
    Ok(())
}

fn fault(v: &Value, at: &str, n: u32, duration_ms: f64) -> Result<Fault, ScenarioError> {
    let Value::Object(f) = v else { return err(at, "must be an object") };
    if let Some(key) = f.keys().find(|k| !FAULT_FIELDS.contains(&k.as_str())) {
        return err(format!("{at}.{key}"), format!("unknown field (expected {})", FAULT_FIELDS.join(", ")));
    }
    let at_ms = number(f.get("at_ms"), &format!("{at}.at_ms"), 0.0, duration_ms)?
        .ok_or_else(|| ScenarioError::new(format!("{at}.at_ms"), "must say when it happens"))?;
    let kinds = ["crash", "pause", "latency_ms", "drift"].iter().filter(|k| f.contains_key(**k)).count();
    if kinds != 1 {
        return err(at, "must be exactly one of crash, pause, latency_ms, drift");
    }
    let only = |allowed: &[&str], kind: &str| -> Result<(), ScenarioError> {
        match f.keys().find(|k| !allowed.contains(&k.as_str()) && k.as_str() != "at_ms") {
            Some(k) => err(format!("{at}.{k}"), format!("does not go with {kind}")),
            None => Ok(()),
        }
    };
    let for_ms = |required: bool| -> Result<Option<f64>, ScenarioError> {
        let field = format!("{at}.for_ms");
        let v = number(f.get("for_ms"), &field, 0.001, MAX_DURATION_MS)?;
        if required && v.is_none() {
            return err(field, "must say how long it lasts");
        }
        Ok(v)
    };
    let kind = if let Some(c) = f.get("crash") {
        only(&["crash"], "crash")?;
        FaultKind::Crash(process(Some(c), &format!("{at}.crash"), n)?)
    } else if let Some(p) = f.get("pause") {
        only(&["pause", "for_ms"], "pause")?;
        let process = process(Some(p), &format!("{at}.pause"), n)?;
        FaultKind::Pause { process, for_ms: for_ms(true)?.unwrap_or(1.0) }
    } else if let Some(l) = f.get("latency_ms") {
        only(&["latency_ms", "for_ms", "link"], "latency_ms")?;
        let latency_ms = range(Some(l), &format!("{at}.latency_ms"), 0.001, 10_000.0, [5.0, 15.0])?;
        let link = match f.get("link") {
            None => None,
            Some(Value::Array(pair)) if pair.len() == 2 => {
                let field = format!("{at}.link");
                let a = process(pair.first(), &format!("{field}[0]"), n)?;
                let b = process(pair.get(1), &format!("{field}[1]"), n)?;
                if a == b {
                    return err(field, "must be two different processes [from, to]");
                }
                Some((a, b))
            }
            Some(_) => return err(format!("{at}.link"), "must be two processes [from, to]"),
        };
        FaultKind::Latency { latency_ms, for_ms: for_ms(false)?, link }
    } else {
        only(&["drift", "rate"], "drift")?;
        let process = process(f.get("drift"), &format!("{at}.drift"), n)?;
        let rate = number(f.get("rate"), &format!("{at}.rate"), -MAX_DRIFT, MAX_DRIFT)?.ok_or_else(|| {
            ScenarioError::new(format!("{at}.rate"), "must say how fast the clock runs: -0.5 to 0.5 (0.1 = 10% fast)")
        })?;
        FaultKind::Drift { process, rate }
    };
    Ok(Fault { at_ms, kind })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(text: &str) -> String {
        FdScenario::from_json(text).unwrap_err().field
    }

    #[test]
    fn defaults_and_every_bad_field_named() {
        let s = FdScenario::from_json(r#"{"protocol": "failure-detector", "name": "x"}"#).unwrap();
        assert_eq!((s.processes, s.heartbeat_ms, s.timeout_ms, s.adaptive), (4, 50.0, 200.0, false));
        assert_eq!((s.increase_ms, s.accuracy_from_ms), (50.0, 1_500.0));
        let base = r#"{"protocol": "failure-detector", "name": "x", "#;
        for (text, want) in [
            (r#""processes": 1}"#, "processes"),
            (r#""processes": 9}"#, "processes"),
            (r#""heartbeat_ms": 2}"#, "heartbeat_ms"),
            (r#""timeout_ms": 50}"#, "timeout_ms"),
            (r#""adaptive": 1}"#, "adaptive"),
            (r#""loss": 2}"#, "loss"),
            (r#""timing": {"model": "sometimes"}}"#, "timing"),
            (r#""latency_ms": [20, 10]}"#, "latency_ms[1]"),
            (r#""accuracy_from_ms": 5000}"#, "accuracy_from_ms"),
            (r#""bogus": 1}"#, "bogus"),
            (r#""faults": [{"at_ms": 1, "crash": 5}]}"#, "faults[0].crash"),
            (r#""faults": [{"at_ms": 1, "pause": 2}]}"#, "faults[0].for_ms"),
            (r#""faults": [{"at_ms": 1, "crash": 2, "for_ms": 3}]}"#, "faults[0].for_ms"),
            (r#""faults": [{"at_ms": 1, "crash": 2, "pause": 3}]}"#, "faults[0]"),
            (r#""faults": [{"at_ms": 1, "drift": 2}]}"#, "faults[0].rate"),
            (r#""faults": [{"at_ms": 1, "drift": 2, "rate": 0.9}]}"#, "faults[0].rate"),
            (r#""faults": [{"at_ms": 1, "latency_ms": [1, 2], "link": [2, 2]}]}"#, "faults[0].link"),
            (r#""faults": [{"at_ms": 9000, "crash": 1}]}"#, "faults[0].at_ms"),
            (r#""faults": [{"crash": 1}]}"#, "faults[0].at_ms"),
        ] {
            assert_eq!(field(&format!("{base}{text}")), want, "{text}");
        }
        assert_eq!(field(r#"{"protocol": "raft", "name": "x"}"#), "protocol");
        let s = FdScenario::from_json(r#"{"protocol": "failure-detector", "name": "x", "timing": {"model": "partially_synchronous", "gst_ms": 500}}"#).unwrap();
        assert!(matches!(s.timing, TimingModel::PartiallySynchronous { .. }));
        assert_eq!(s.with_timeout(40.0, "--timeouts").unwrap_err().field, "--timeouts");
        assert_eq!(s.with_timeout(400.0, "--timeouts").unwrap().timeout_ms, 400.0);
    }
}
