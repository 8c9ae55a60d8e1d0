//! The simulator's client history of puts and gets, checked by the shared search against
//! [`SimStore`] (a put returns the previous value), one key at a time, and reported as the
//! campaigns, tours, the CLI's `raftsim check` and the page have always had it.
use super::explain::first_failure;
use super::model::{SimOp, SimStore};
use super::search::{search, Exhausted, Options, SearchOp};
use crate::engine::sim::Simulation;
use crate::engine::workload::HistoryOp;
use raft_core::{ClientId, NodeId, Op};
use serde::Serialize;
use std::collections::BTreeMap;

/// The default step budget: enough for every campaign seed by a wide margin.
pub const DEFAULT_BUDGET: u64 = 5_000_000;

/// The checker's answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Ok,
    Violation,
    /// The step budget ran out before an answer.
    Unknown,
}

/// One operation as the report shows it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ReportedOp {
    /// Its position in the simulation's history.
    pub history_index: usize,
    pub client: ClientId,
    pub seq: u64,
    /// "put" or "get".
    pub kind: &'static str,
    pub key: String,
    /// The value a put writes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// What it returned (a get's value, a put's previous value); null for "absent" or open.
    pub result: Option<String>,
    pub open: bool,
    /// The server that answered it.
    pub answered_by: Option<NodeId>,
    pub invoked_ms: f64,
    pub completed_ms: Option<f64>,
}

/// The verdict on a history, with the evidence of a violation.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LinearizabilityReport {
    pub verdict: Verdict,
    /// A sentence for people.
    pub message: String,
    /// The key whose operations cannot be linearized.
    pub key: Option<String>,
    /// A small set of that key's operations that cannot be linearized together (in invocation
    /// order), or, when no smaller set could be confirmed, the key's operations up to the point
    /// of failure.
    pub ops: Vec<ReportedOp>,
    /// The history index of the operation whose response made the history non-linearizable.
    pub culprit: Option<usize>,
    /// Whether `ops` alone was confirmed non-linearizable.
    pub minimal: bool,
    /// Operations checked and search steps taken.
    pub operations: usize,
    pub steps: u64,
    /// How many keys the history touches, and the search budget it was checked with: with the
    /// fields above, what `message` says, for a page that words it in another language (not
    /// written out: `message` already says it).
    #[serde(skip)]
    pub keys: usize,
    #[serde(skip)]
    pub budget: u64,
}

impl LinearizabilityReport {
    pub fn is_violation(&self) -> bool {
        self.verdict == Verdict::Violation
    }
}

/// One key's operations as the search sees them, with their indices in the history.
struct KeyOps {
    ops: Vec<SearchOp<SimOp>>,
    history_index: Vec<usize>,
}

/// Check a run's client history so far, within `budget` search steps ([`DEFAULT_BUDGET`] is
/// plenty for a campaign run). Operations without an answer yet count as open: they may or may
/// not have taken effect. The checker reads the engine's history; the engine never calls it.
pub fn check_run(sim: &Simulation, budget: u64) -> LinearizabilityReport {
    check_history(&sim.history().to_vec(), budget)
}

/// Check a whole history within `budget` search steps.
pub fn check_history(history: &[HistoryOp], budget: u64) -> LinearizabilityReport {
    let mut by_key: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, h) in history.iter().enumerate() {
        let key = match &h.op {
            Op::Put { key, .. } | Op::Get { key } => key.as_str(),
        };
        by_key.entry(key).or_default().push(i);
    }
    let mut steps = 0u64;
    let mut unknown: Option<&str> = None;
    for (key, indices) in &by_key {
        let ops = key_ops(history, indices);
        // The limit is the budget left, compared with the steps counted so far: how the
        // budget has always been applied here, kept so that reports do not change.
        match search(&mut SimStore, &ops.ops, Options::PLAIN, budget.saturating_sub(steps), &mut steps) {
            Ok(found) if found.linearizable => {}
            Ok(_) => return LinearizabilityReport { keys: by_key.len(), ..explain(history, key, &ops, budget, steps) },
            Err(Exhausted) => {
                unknown = Some(key);
                break;
            }
        }
    }
    let operations = history.len();
    match unknown {
        None => LinearizabilityReport {
            verdict: Verdict::Ok,
            message: format!(
                "linearizable: all {operations} operations on {} key{}",
                by_key.len(),
                if by_key.len() == 1 { "" } else { "s" }
            ),
            key: None,
            ops: Vec::new(),
            culprit: None,
            minimal: false,
            operations,
            steps,
            keys: by_key.len(),
            budget,
        },
        Some(key) => LinearizabilityReport {
            verdict: Verdict::Unknown,
            message: format!("unknown (budget exceeded): {budget} search steps were not enough for key {key}"),
            key: Some(key.to_string()),
            ops: Vec::new(),
            culprit: None,
            minimal: false,
            operations,
            steps,
            keys: by_key.len(),
            budget,
        },
    }
}

/// The operations on one key, values interned, gets without a response dropped.
fn key_ops(history: &[HistoryOp], indices: &[usize]) -> KeyOps {
    let mut interned: BTreeMap<String, u32> = BTreeMap::new();
    let mut intern = |v: &str| -> u32 {
        let next = interned.len() as u32;
        *interned.entry(v.to_string()).or_insert(next)
    };
    let mut out = KeyOps { ops: Vec::new(), history_index: Vec::new() };
    for &i in indices {
        let h = &history[i];
        let op = match &h.op {
            Op::Put { value, .. } => {
                let value = intern(value);
                let returned = h.completed_us.map(|_| h.value.as_deref().map(&mut intern));
                SimOp::Put { value, returned }
            }
            Op::Get { .. } => {
                if h.completed_us.is_none() {
                    continue;
                }
                SimOp::Get { returned: h.value.as_deref().map(&mut intern) }
            }
        };
        out.ops.push(SearchOp { call: h.invoked_us, ret: h.completed_us, op });
        out.history_index.push(i);
    }
    out
}

/// A key failed: find the earliest response after which it cannot be linearized (the culprit),
/// then a handful of operations that explain it.
fn explain(history: &[HistoryOp], key: &str, ops: &KeyOps, budget: u64, mut steps: u64) -> LinearizabilityReport {
    let limit = |steps: u64| budget.saturating_sub(steps);
    let (t, failing_ops, index) = first_failure(&mut SimStore, &ops.ops, Options::PLAIN, 0, limit, &mut steps);
    let failing: Vec<(usize, SearchOp<SimOp>)> =
        failing_ops.iter().zip(&index).map(|(o, &k)| (ops.history_index[k], *o)).collect();
    let culprit = failing.iter().filter(|(_, o)| o.ret == Some(t)).map(|&(h, _)| h).next_back();

    // The explanation: the culprit, the operations overlapping it, the last writes completed
    // before it was invoked, and the write of the value it returned.
    let mut chosen: Vec<usize> = Vec::new();
    if let Some(c) = culprit.and_then(|c| failing.iter().position(|&(h, _)| h == c)) {
        let cop = failing[c].1;
        chosen.push(c);
        for (j, (_, o)) in failing.iter().enumerate() {
            let overlaps = o.call <= t && o.ret.is_none_or(|r| r >= cop.call);
            if j != c && overlaps {
                chosen.push(j);
            }
        }
        let last_write_before = failing
            .iter()
            .enumerate()
            .filter(|(_, (_, o))| matches!(o.op, SimOp::Put { .. }) && o.ret.is_some_and(|r| r < cop.call))
            .max_by_key(|(_, (_, o))| o.ret);
        if let Some((j, _)) = last_write_before {
            chosen.push(j);
        }
        let read = match cop.op {
            SimOp::Get { returned } => returned,
            SimOp::Put { returned, .. } => returned.flatten(),
        };
        if let Some(v) = read {
            let source =
                failing.iter().enumerate().rfind(|(_, (_, o))| matches!(o.op, SimOp::Put { value, .. } if value == v));
            if let Some((j, _)) = source {
                chosen.push(j);
            }
        }
    }
    chosen.sort_unstable();
    chosen.dedup();
    const MAX_SHOWN: usize = 24;
    let small: Vec<SearchOp<SimOp>> = chosen.iter().map(|&j| failing[j].1).collect();
    let minimal = !small.is_empty()
        && small.len() <= MAX_SHOWN
        && matches!(
            search(&mut SimStore, &small, Options::PLAIN, budget.saturating_sub(steps), &mut steps),
            Ok(found) if !found.linearizable
        );
    let shown: Vec<usize> = if minimal {
        chosen.iter().map(|&j| failing[j].0).collect()
    } else {
        // Fall back to the operations just before the failure.
        failing.iter().skip(failing.len().saturating_sub(MAX_SHOWN)).map(|&(h, _)| h).collect()
    };
    let ops_out: Vec<ReportedOp> = shown.iter().map(|&h| reported(history, h)).collect();
    let message = match culprit.map(|c| reported(history, c)) {
        Some(c) => format!(
            "not linearizable: on key {key}, {} by client {} (invoked {:.3} ms, answered {:.3} ms{}) returned {} — no \
             order of the {} operations shown, each taking effect between its invocation and its response, gives that",
            describe(&c),
            c.client,
            c.invoked_ms,
            c.completed_ms.unwrap_or(f64::NAN),
            c.answered_by.map_or(String::new(), |n| format!(" by S{n}")),
            c.result.as_deref().map_or("nothing (absent)".to_string(), |v| format!("\"{v}\"")),
            ops_out.len()
        ),
        None => format!("not linearizable: the operations on key {key} cannot be ordered"),
    };
    LinearizabilityReport {
        verdict: Verdict::Violation,
        message,
        key: Some(key.to_string()),
        ops: ops_out,
        culprit,
        minimal,
        operations: history.len(),
        steps,
        keys: 1,
        budget,
    }
}

fn describe(op: &ReportedOp) -> String {
    match &op.value {
        Some(v) => format!("put {}={v}", op.key),
        None => format!("get {}", op.key),
    }
}

fn reported(history: &[HistoryOp], i: usize) -> ReportedOp {
    let h = &history[i];
    let (kind, key, value) = match &h.op {
        Op::Put { key, value } => ("put", key.clone(), Some(value.clone())),
        Op::Get { key } => ("get", key.clone(), None),
    };
    ReportedOp {
        history_index: i,
        client: h.client,
        seq: h.seq,
        kind,
        key,
        value,
        result: h.value.clone(),
        open: h.completed_us.is_none(),
        answered_by: h.answered_by,
        invoked_ms: h.invoked_us as f64 / 1000.0,
        completed_ms: h.completed_us.map(|t| t as f64 / 1000.0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use raft_core::Micros;

    const MS: Micros = 1_000;

    fn put(client: ClientId, key: &str, value: &str, call: u64, ret: Option<u64>, prev: Option<&str>) -> HistoryOp {
        HistoryOp {
            client,
            seq: 0,
            op: Op::Put { key: key.into(), value: value.into() },
            invoked_us: call * MS,
            completed_us: ret.map(|r| r * MS),
            value: prev.map(String::from),
            redirects: 0,
            retries: 0,
            answered_by: ret.map(|_| 1),
            retried_to: None,
            gave_up: false,
        }
    }

    fn get(client: ClientId, key: &str, call: u64, ret: Option<u64>, value: Option<&str>) -> HistoryOp {
        HistoryOp {
            client,
            seq: 0,
            op: Op::Get { key: key.into() },
            invoked_us: call * MS,
            completed_us: ret.map(|r| r * MS),
            value: value.map(String::from),
            redirects: 0,
            retries: 0,
            answered_by: ret.map(|_| 1),
            retried_to: None,
            gave_up: false,
        }
    }

    fn verdict(h: &[HistoryOp]) -> Verdict {
        check_history(h, DEFAULT_BUDGET).verdict
    }

    #[test]
    fn sequential_histories() {
        let h = vec![
            put(1, "x", "a", 0, Some(10), None),
            get(2, "x", 20, Some(30), Some("a")),
            put(2, "x", "b", 40, Some(50), Some("a")),
            get(1, "x", 60, Some(70), Some("b")),
        ];
        assert_eq!(verdict(&h), Verdict::Ok);
        assert_eq!(verdict(&[]), Verdict::Ok);
        // A put must return the previous value.
        let wrong_prev = vec![put(1, "x", "a", 0, Some(10), None), put(2, "x", "b", 40, Some(50), None)];
        assert_eq!(verdict(&wrong_prev), Verdict::Violation);
    }

    #[test]
    fn a_stale_read_is_a_violation_and_is_explained() {
        let h = vec![
            put(1, "x", "old", 0, Some(10), None),
            put(1, "y", "other", 12, Some(14), None),
            put(1, "x", "new", 20, Some(30), Some("old")),
            get(2, "y", 35, Some(38), Some("other")),
            // Invoked after the write of "new" was acknowledged, yet returns "old".
            get(2, "x", 40, Some(45), Some("old")),
            get(1, "x", 50, Some(55), Some("new")),
        ];
        let r = check_history(&h, DEFAULT_BUDGET);
        assert_eq!(r.verdict, Verdict::Violation);
        assert_eq!(r.key.as_deref(), Some("x"));
        assert_eq!(r.culprit, Some(4));
        assert!(r.minimal);
        let shown: Vec<usize> = r.ops.iter().map(|o| o.history_index).collect();
        assert_eq!(shown, vec![0, 2, 4], "the old write, the new write and the stale read");
        assert!(r.message.contains("get x"), "{}", r.message);
    }

    #[test]
    fn a_lost_write_is_a_violation() {
        let h = vec![put(1, "x", "a", 0, Some(10), None), get(2, "x", 20, Some(30), None)];
        let r = check_history(&h, DEFAULT_BUDGET);
        assert_eq!(r.verdict, Verdict::Violation);
        assert_eq!(r.culprit, Some(1));
    }

    #[test]
    fn reading_a_value_never_written_is_a_violation() {
        let h = vec![put(1, "x", "a", 0, Some(10), None), get(2, "x", 5, Some(30), Some("zzz"))];
        let r = check_history(&h, DEFAULT_BUDGET);
        assert_eq!(r.verdict, Verdict::Violation);
        assert_eq!(r.culprit, Some(1));
    }

    #[test]
    fn concurrent_operations_may_take_effect_in_either_order() {
        // The get overlaps both puts; it may see either, or neither.
        for seen in [None, Some("a"), Some("b")] {
            let h = vec![
                put(1, "x", "a", 0, Some(50), None),
                put(2, "x", "b", 10, Some(60), Some("a")),
                get(3, "x", 5, Some(70), seen),
            ];
            assert_eq!(verdict(&h), Verdict::Ok, "{seen:?}");
        }
        // The two puts may be ordered either way, as their results say.
        let h = vec![put(1, "x", "a", 0, Some(50), Some("b")), put(2, "x", "b", 10, Some(60), None)];
        assert_eq!(verdict(&h), Verdict::Ok);
        // But not both first.
        let h = vec![put(1, "x", "a", 0, Some(50), None), put(2, "x", "b", 10, Some(60), None)];
        assert_eq!(verdict(&h), Verdict::Violation);
        // Once a get saw b after a, a later get cannot see a again.
        let h = vec![
            put(1, "x", "a", 0, Some(50), None),
            put(2, "x", "b", 10, Some(60), None),
            get(3, "x", 70, Some(80), Some("a")),
            get(3, "x", 90, Some(95), Some("b")),
        ];
        assert_eq!(verdict(&h), Verdict::Violation);
    }

    #[test]
    fn open_operations_may_or_may_not_take_effect() {
        // An open put that took effect (later reads see it) ...
        let took = vec![put(1, "x", "a", 0, None, None), get(2, "x", 100, Some(110), Some("a"))];
        assert_eq!(verdict(&took), Verdict::Ok);
        // ... or not.
        let not = vec![put(1, "x", "a", 0, None, None), get(2, "x", 100, Some(110), None)];
        assert_eq!(verdict(&not), Verdict::Ok);
        // It may take effect late, but only once: absent, then a, then absent again is impossible.
        let flicker = vec![
            put(1, "x", "a", 0, None, None),
            get(2, "x", 100, Some(110), None),
            get(2, "x", 120, Some(130), Some("a")),
            get(2, "x", 140, Some(150), None),
        ];
        assert_eq!(verdict(&flicker), Verdict::Violation);
        // Not before it was invoked.
        let early = vec![get(2, "x", 0, Some(10), Some("a")), put(1, "x", "a", 20, None, None)];
        assert_eq!(verdict(&early), Verdict::Violation);
        // An open get constrains nothing.
        let open_get = vec![put(1, "x", "a", 0, Some(10), None), get(2, "x", 20, None, Some("zzz"))];
        assert_eq!(verdict(&open_get), Verdict::Ok);
    }

    #[test]
    fn keys_are_checked_independently() {
        let h = vec![
            put(1, "x", "a", 0, Some(10), None),
            put(1, "y", "b", 0, Some(10), None),
            get(2, "x", 20, Some(30), Some("a")),
            get(2, "y", 20, Some(30), Some("b")),
            get(2, "z", 40, Some(50), None),
        ];
        assert_eq!(verdict(&h), Verdict::Ok);
    }

    #[test]
    fn a_tiny_budget_gives_unknown_not_a_hang() {
        // Many concurrent puts that never answered, then a read of a value none wrote: every
        // subset and order of the puts must be ruled out.
        let mut h: Vec<HistoryOp> = (0..40).map(|i| put(i, "x", &format!("v{i}"), 0, None, None)).collect();
        h.push(get(99, "x", 2_000, Some(2_010), Some("nope")));
        let r = check_history(&h, 1_000);
        assert_eq!(r.verdict, Verdict::Unknown);
        assert!(r.message.contains("budget"));
        assert!(r.steps <= 1_001);
    }

    #[test]
    fn long_sequential_histories_are_cheap() {
        let mut h = Vec::new();
        let mut prev: Option<String> = None;
        for i in 0..50_000u64 {
            let v = format!("v{i}");
            h.push(put(i % 3, "x", &v, i * 10, Some(i * 10 + 5), prev.as_deref()));
            prev = Some(v);
        }
        let r = check_history(&h, DEFAULT_BUDGET);
        assert_eq!(r.verdict, Verdict::Ok);
        assert!(r.steps < 500_000, "{} steps", r.steps);
    }
}
