//! The accuracy/completeness trade-off: one scenario run once per timeout, on the same seed,
//! so the runs differ only in the timeout (the heartbeats go out, and are delayed, lost and
//! paused, exactly alike). A longer timeout makes fewer false suspicions and detects a crash
//! later; the rows are the figures the command line prints and the page draws.
use super::scenario::FdScenario;
use super::{checks::FdProperty, run};
use crate::scenario::format::ScenarioError;
use serde::Serialize;

/// At most this many timeouts in one sweep. (The text of a list is read by its caller: the
/// command line parses it; the page reads numbers through the browser, not Rust's float parser.)
pub const MAX_TIMEOUTS: usize = 20;

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SweepRow {
    pub timeout_ms: f64,
    pub false_suspicions: u64,
    pub wrongly_suspected_ms: f64,
    /// (correct monitor, crashed process) pairs suspected at the end, and not.
    pub detected: u32,
    pub undetected: u32,
    pub detection_mean_ms: Option<f64>,
    pub detection_max_ms: Option<f64>,
    /// The properties the run broke.
    pub violated: Vec<FdProperty>,
}

/// `s` run with each of `timeouts` (in the order given). A timeout the scenario could not
/// have is refused, naming `field` (the caller's name for the list).
pub fn sweep(s: &FdScenario, timeouts: &[f64], field: &str) -> Result<Vec<SweepRow>, ScenarioError> {
    if timeouts.is_empty() || timeouts.len() > MAX_TIMEOUTS {
        return Err(ScenarioError::new(field, format!("must list 1 to {MAX_TIMEOUTS} timeouts")));
    }
    let scenarios = timeouts.iter().map(|&t| s.with_timeout(t, field)).collect::<Result<Vec<_>, _>>()?;
    Ok(scenarios
        .iter()
        .map(|s| {
            let r = run(s);
            SweepRow {
                timeout_ms: s.timeout_ms,
                false_suspicions: r.metrics.false_suspicions,
                wrongly_suspected_ms: r.metrics.wrongly_suspected_ms,
                detected: r.metrics.detected,
                undetected: r.metrics.undetected,
                detection_mean_ms: r.metrics.detection_mean_ms,
                detection_max_ms: r.metrics.detection_max_ms,
                violated: r.violations.iter().map(|v| v.property).collect(),
            }
        })
        .collect())
}

/// The timeouts a figure of `s` tries: its own, and 0.6 to 4 times it (those longer than the
/// heartbeat period), shortest first. For a timeout of 100 ms: 60, 80, 100, 150, 200, 300, 400.
pub fn around(s: &FdScenario) -> Vec<f64> {
    let mut out: Vec<f64> = [0.6, 0.8, 1.0, 1.5, 2.0, 3.0, 4.0]
        .iter()
        .map(|k| (s.timeout_ms * k).round())
        .filter(|&t| t > s.heartbeat_ms && t <= super::scenario::MAX_TIMEOUT_MS)
        .collect();
    out.dedup();
    out
}

/// The trade-off figure of a scenario that the page opened (its JSON), if it is a
/// failure-detector scenario whose runs are short enough to run once per timeout at once.
pub fn figure(scenario: &serde_json::Value, events: u64) -> Option<Vec<SweepRow>> {
    if events > FIGURE_MAX_EVENTS {
        return None;
    }
    let s = FdScenario::from_value(scenario).ok()?;
    sweep(&s, &around(&s), "timeouts").ok()
}

/// A figure is drawn only for runs of at most this many events (it takes seven of them).
pub const FIGURE_MAX_EVENTS: u64 = 20_000;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timeouts_the_scenario_could_not_have_are_refused_by_field() {
        let s = FdScenario::from_json(r#"{"protocol": "failure-detector", "name": "x", "duration_ms": 300}"#).unwrap();
        assert_eq!(sweep(&s, &[20.0], "--timeouts").unwrap_err().field, "--timeouts", "not above the heartbeat");
        assert_eq!(sweep(&s, &[], "--timeouts").unwrap_err().field, "--timeouts");
        assert_eq!(sweep(&s, &[100.0, 200.0], "--timeouts").unwrap().len(), 2);
        assert_eq!(
            around(&FdScenario { timeout_ms: 100.0, ..s.clone() }),
            [60.0, 80.0, 100.0, 150.0, 200.0, 300.0, 400.0]
        );
        assert_eq!(around(&FdScenario { timeout_ms: 70.0, ..s.clone() }), [56.0, 70.0, 105.0, 140.0, 210.0, 280.0]);
        let value: serde_json::Value =
            serde_json::from_str(r#"{"protocol": "failure-detector", "name": "x", "duration_ms": 300}"#).unwrap();
        assert_eq!(figure(&value, 100).map(|rows| rows.len()), Some(7), "200 ms: 120 to 800");
        assert_eq!(figure(&value, FIGURE_MAX_EVENTS + 1), None, "too long to run seven times at once");
        assert_eq!(figure(&serde_json::json!({"protocol": "two-generals"}), 100), None);
    }
}
