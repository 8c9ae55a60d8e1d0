//! What a failure detector promises, checked after every event like Raft's invariants, in the
//! words of the notes (slides "Failure Detection"):
//! - **StrongCompleteness**: every crashed process is eventually suspected by every correct
//!   process. "Eventually" is made a bound here: a correct monitor that has heard nothing from
//!   a crashed process (and has nothing from it on the way) for its timeout plus one heartbeat
//!   period must suspect it.
//! - **StrongAccuracy**: no correct process is ever suspected. This is the *perfect* failure
//!   detector's promise, which only a synchronous system can keep ("a suspected crash is a
//!   known crash"); under delays, pauses and drift a timeout cannot tell slow from dead, so
//!   runs with those faults break it on purpose.
//! - **EventualStrongAccuracy**: eventually, no correct process is suspected by any correct
//!   process: the eventually perfect detector's promise. A finite run cannot wait for ever,
//!   so "eventually" is the scenario's `accuracy_from_ms`: from then on, no correct process may
//!   be suspected. A detector that raises its timeout after each false suspicion keeps it once
//!   the system behaves; a fixed timeout that is too short does not.
//!
//! A paused process has not crashed: suspecting it is a false suspicion. The checks read plain
//! values, so a test can hand them a broken state.
use crate::protocols::said::Said;
use serde::Serialize;

/// What a broken check says, in English (`protocols::said`; the page words `proto.check.ID`).
pub const SAID: &[(&str, &str)] = &[
    (
        "fd.completeness",
        "P{process} crashed at {crashed} ms but P{monitor} has not suspected it {quiet} ms after it last could have heard from it (bound {bound} ms)",
    ),
    ("fd.accuracy", "P{monitor} suspects P{process}, which has not crashed"),
    ("fd.eventual-accuracy", "P{monitor} suspects P{process}, which has not crashed, at or after {from} ms"),
];

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum FdProperty {
    StrongCompleteness,
    StrongAccuracy,
    EventualStrongAccuracy,
}

/// Every property, in the order reports list them.
pub const PROPERTIES: [FdProperty; 3] =
    [FdProperty::StrongCompleteness, FdProperty::StrongAccuracy, FdProperty::EventualStrongAccuracy];

/// One monitor's view of one other process, as the checks see it.
#[derive(Clone, Debug, PartialEq)]
pub struct Pair {
    pub monitor: u32,
    pub process: u32,
    /// The monitor has not crashed (a paused monitor is correct, but cannot act).
    pub monitor_correct: bool,
    pub monitor_paused: bool,
    /// When the process crashed, if it did.
    pub crashed_at_ms: Option<f64>,
    pub suspected: bool,
    /// Since when the monitor could have known: the latest of the crash, the last message it
    /// got from the process, and its own last resume.
    pub quiet_since_ms: f64,
    /// A message from the process to the monitor is still on its way.
    pub in_flight: bool,
    /// The monitor's timeout in real time (its clock may drift) plus one heartbeat period.
    pub bound_ms: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FdViolation {
    pub property: FdProperty,
    pub detail: Said,
    pub at_ms: f64,
    pub event: u64,
}

/// The properties the pairs break at `now_ms`, one detail each (the first pair that breaks it).
pub fn check(now_ms: f64, pairs: &[Pair], accuracy_from_ms: f64) -> Vec<(FdProperty, Said)> {
    let mut broken: Vec<(FdProperty, Said)> = Vec::new();
    let mut add = |p: FdProperty, detail: Said| {
        if !broken.iter().any(|(q, _)| *q == p) {
            broken.push((p, detail));
        }
    };
    for x in pairs.iter().filter(|x| x.monitor_correct) {
        // The values are made only for a pair that breaks something: this runs after every event.
        let m = || ("monitor", x.monitor.to_string());
        let q = || ("process", x.process.to_string());
        match x.crashed_at_ms {
            Some(crashed) => {
                let overdue = now_ms - x.quiet_since_ms > x.bound_ms;
                if !x.suspected && !x.monitor_paused && !x.in_flight && overdue {
                    let values = [
                        q(),
                        ("crashed", format!("{crashed:.1}")),
                        m(),
                        ("quiet", format!("{:.1}", now_ms - x.quiet_since_ms)),
                        ("bound", format!("{:.1}", x.bound_ms)),
                    ];
                    add(FdProperty::StrongCompleteness, Said::new("fd.completeness", values));
                }
            }
            None if x.suspected => {
                add(FdProperty::StrongAccuracy, Said::new("fd.accuracy", [m(), q()]));
                if now_ms >= accuracy_from_ms {
                    let from = ("from", format!("{accuracy_from_ms:.1}"));
                    add(FdProperty::EventualStrongAccuracy, Said::new("fd.eventual-accuracy", [m(), q(), from]));
                }
            }
            None => {}
        }
    }
    broken
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pair(crashed: Option<f64>, suspected: bool) -> Pair {
        Pair {
            monitor: 1,
            process: 2,
            monitor_correct: true,
            monitor_paused: false,
            crashed_at_ms: crashed,
            suspected,
            quiet_since_ms: 100.0,
            in_flight: false,
            bound_ms: 150.0,
        }
    }

    fn props(v: Vec<(FdProperty, Said)>) -> Vec<FdProperty> {
        v.into_iter().map(|b| b.0).collect()
    }

    #[test]
    fn each_check_catches_its_broken_state_and_passes_a_sound_one() {
        // A crashed process, not yet suspected: fine within the bound, broken past it.
        assert!(check(240.0, &[pair(Some(90.0), false)], 1_000.0).is_empty());
        let late = check(260.0, &[pair(Some(90.0), false)], 1_000.0);
        assert_eq!(props(late.clone()), [FdProperty::StrongCompleteness]);
        let said = late[0].1.english();
        assert!(said.contains("P2 crashed at 90.0 ms") && said.contains("P1"), "{said}");
        // ...unless a message from it is still on the way, or the monitor is paused or crashed.
        assert!(check(260.0, &[Pair { in_flight: true, ..pair(Some(90.0), false) }], 1_000.0).is_empty());
        assert!(check(260.0, &[Pair { monitor_paused: true, ..pair(Some(90.0), false) }], 1_000.0).is_empty());
        assert!(check(260.0, &[Pair { monitor_correct: false, ..pair(Some(90.0), false) }], 1_000.0).is_empty());
        assert!(check(260.0, &[pair(Some(90.0), true)], 1_000.0).is_empty());
        // A live process suspected: the perfect detector's accuracy breaks at once, the
        // eventual one only from `accuracy_from_ms` on.
        assert_eq!(props(check(500.0, &[pair(None, true)], 1_000.0)), [FdProperty::StrongAccuracy]);
        assert_eq!(
            props(check(1_000.0, &[pair(None, true)], 1_000.0)),
            [FdProperty::StrongAccuracy, FdProperty::EventualStrongAccuracy]
        );
        assert!(check(5_000.0, &[pair(None, false)], 1_000.0).is_empty());
    }
}
