//! What flood-based consensus promises, checked after every event like Raft's invariants.
//!
//! The notes' claim: all processes apply the same selection procedure to the same set, so
//! "all processes will execute the same". As properties of the processes' decisions:
//! - **Agreement**: no two processes decide different commands.
//! - **Validity**: a decided command is one some process proposed.
//! - **Integrity**: a process decides at most once (a decision never changes).
//! - **Termination**: once the last round has ended, every process that has not crashed has
//!   decided.
//!
//! The checks read only the decisions (plain values), so a test can hand them a broken state.
use crate::protocols::said::Said;
use serde::Serialize;

/// What a broken check says, in English (`protocols::said`; the page words `proto.check.ID`).
pub const SAID: &[(&str, &str)] = &[
    ("flood.agreement", "P{p} decided {a} but P{q} decided {b}"),
    ("flood.validity", "P{p} decided {command}, which no process proposed"),
    ("flood.integrity", "P{p} had decided {was} and now holds {now}"),
    ("flood.integrity-nothing", "P{p} had decided {was} and now holds nothing"),
    ("flood.termination", "P{p} did not crash and never decided"),
];

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum FloodProperty {
    Agreement,
    Validity,
    Integrity,
    Termination,
}

/// One process's state as the checks see it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decided {
    pub process: u32,
    pub crashed: bool,
    /// (command, round) once it decided.
    pub decision: Option<(String, u32)>,
}

/// A broken property, with what shows it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FloodViolation {
    pub property: FloodProperty,
    pub detail: Said,
    /// When it was first seen.
    pub at_ms: f64,
    pub event: u64,
}

/// The properties `now` breaks. `before` is the state after the previous event (Integrity),
/// `proposals[i - 1]` is P_i's command, and `over` says whether the last round has ended.
pub fn check(before: &[Decided], now: &[Decided], proposals: &[String], over: bool) -> Vec<(FloodProperty, Said)> {
    let mut broken = Vec::new();
    let decided: Vec<(u32, &str)> =
        now.iter().filter_map(|d| d.decision.as_ref().map(|(c, _)| (d.process, c.as_str()))).collect();
    if let Some((&(p, a), &(q, b))) =
        decided.iter().flat_map(|x| decided.iter().map(move |y| (x, y))).find(|(x, y)| x.1 != y.1)
    {
        let values = [("p", p.to_string()), ("a", a.to_string()), ("q", q.to_string()), ("b", b.to_string())];
        broken.push((FloodProperty::Agreement, Said::new("flood.agreement", values)));
    }
    if let Some(&(p, c)) = decided.iter().find(|(_, c)| !proposals.iter().any(|x| x == c)) {
        let values = [("p", p.to_string()), ("command", c.to_string())];
        broken.push((FloodProperty::Validity, Said::new("flood.validity", values)));
    }
    for d in now {
        let Some(was) = before.iter().find(|b| b.process == d.process).and_then(|b| b.decision.as_ref()) else {
            continue;
        };
        if d.decision.as_ref() != Some(was) {
            let (p, was) = (("p", d.process.to_string()), ("was", was.0.clone()));
            let said = match &d.decision {
                Some((now, _)) => Said::new("flood.integrity", [p, was, ("now", now.clone())]),
                None => Said::new("flood.integrity-nothing", [p, was]),
            };
            broken.push((FloodProperty::Integrity, said));
            break;
        }
    }
    if over {
        if let Some(d) = now.iter().find(|d| !d.crashed && d.decision.is_none()) {
            broken.push((FloodProperty::Termination, Said::new("flood.termination", [("p", d.process.to_string())])));
        }
    }
    broken
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(process: u32, crashed: bool, decision: Option<&str>) -> Decided {
        Decided { process, crashed, decision: decision.map(|c| (c.to_string(), 2)) }
    }

    fn props(v: Vec<(FloodProperty, Said)>) -> Vec<FloodProperty> {
        v.into_iter().map(|(p, _)| p).collect()
    }

    #[test]
    fn each_check_catches_its_broken_state_and_passes_a_sound_one() {
        let proposals: Vec<String> = ["a", "b", "c"].iter().map(|s| s.to_string()).collect();
        let sound = vec![d(1, true, None), d(2, false, Some("a")), d(3, false, Some("a"))];
        assert!(check(&sound, &sound, &proposals, true).is_empty());
        let split = vec![d(1, false, Some("a")), d(2, false, Some("b")), d(3, false, Some("a"))];
        assert_eq!(props(check(&split, &split, &proposals, false)), vec![FloodProperty::Agreement]);
        let invented = vec![d(1, false, Some("z")), d(2, false, None), d(3, false, None)];
        assert_eq!(props(check(&invented, &invented, &proposals, false)), vec![FloodProperty::Validity]);
        let changed = vec![d(1, false, Some("b")), d(2, false, None), d(3, false, None)];
        let first = vec![d(1, false, Some("a")), d(2, false, None), d(3, false, None)];
        assert_eq!(props(check(&first, &changed, &proposals, false)), vec![FloodProperty::Integrity]);
        let silent = vec![d(1, false, Some("a")), d(2, false, None), d(3, true, None)];
        assert!(check(&silent, &silent, &proposals, false).is_empty(), "not over yet");
        assert_eq!(props(check(&silent, &silent, &proposals, true)), vec![FloodProperty::Termination]);
    }
}
