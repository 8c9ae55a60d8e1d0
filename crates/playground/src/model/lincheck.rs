//! What the imported-history view draws: a history file (Jepsen's log or Porcupine's key-value
//! format) as raft_sim::lincheck parsed and judged it. One partition (key) at a time, as
//! Porcupine's visualiser shows it: a lane per client, a bar per operation from its invocation to
//! its response (one that never returned runs on to the end, open), the operations that cannot
//! be ordered highlighted, and a partial linearization (the longest one containing the chosen
//! operation) drawn as its linearization points, scrubbed step by step with the model's state
//! after each. Plain data (no web types): the checker's answer is only laid out here, never
//! recomputed.
use crate::text::{t, tf};
use raft_sim::lincheck::{History, Operation};
use serde::Deserialize;
use std::collections::BTreeSet;

/// raft_sim::lincheck's judgement as the page keeps it: the fields it draws, read from the
/// judgement's JSON (a worker's answer: checking runs off the page's thread) or converted from
/// the judgement itself. Fields the checker adds are ignored.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct Judged {
    pub verdict: Outcome,
    pub partitions: Vec<JudgedPartition>,
    pub steps: u64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Ok,
    Violation,
    Unknown,
}

/// One partition's verdict and evidence (see raft_sim::lincheck::PartitionResult).
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct JudgedPartition {
    pub key: Option<String>,
    pub ops: Vec<usize>,
    pub ok: bool,
    pub linearizations: Vec<Vec<usize>>,
    pub best_for_op: Vec<Option<usize>>,
    pub unorderable: Vec<usize>,
}

impl Judged {
    /// The judgement's JSON (as `raftsim lincheck --json` and the worker write it) read back.
    pub fn from_json(json: &str) -> Result<Judged, String> {
        serde_json::from_str(json).map_err(|e| e.to_string())
    }

    /// The judgement made in this thread.
    pub fn of(judgement: &raft_sim::lincheck::Judgement) -> Result<Judged, String> {
        serde_json::to_value(judgement).and_then(serde_json::from_value).map_err(|e| e.to_string())
    }
}

/// Left margin for the lane labels.
pub const LABEL: f64 = 56.0;
/// A lane's height, and a bar's within it.
pub const LANE: f64 = 26.0;
pub const BAR: f64 = 18.0;
/// The picture is at least this wide (its viewBox); a long history gets wider (and scrolls).
pub const MIN_WIDTH: f64 = 1000.0;
/// The space between two consecutive moments of the history, at least: Porcupine's visualiser
/// also spaces the history's instants evenly (only their order matters to linearizability).
const MIN_SLOT: f64 = 7.0;
/// Room under the lanes for the axis line.
const FOOT: f64 = 14.0;

/// One operation's bar.
#[derive(Clone, Debug, PartialEq)]
pub struct Bar {
    /// Index into the history's operations.
    pub op: usize,
    pub x0: f64,
    pub x1: f64,
    pub y: f64,
    /// Never returned: its bar runs to the end, drawn open.
    pub open: bool,
    /// The file's line of its invocation.
    pub line: usize,
    /// "cas(1, 4) -> ok"
    pub label: String,
    /// The tooltip: the operation, its client, file line, and what the shown linearization
    /// says of it (its step and the state after it, or that it is not in it).
    pub title: String,
    /// In the checker's smallest set of operations that cannot be ordered.
    pub unorderable: bool,
    /// Its step (from 1) in the linearization shown, if it is in it.
    pub step: Option<usize>,
    /// In the linearization and at or before the scrubbed step.
    pub placed: bool,
    /// The step the scrubber is on.
    pub current: bool,
    /// Not in the linearization shown (drawn faint).
    pub dimmed: bool,
    pub selected: bool,
    /// Could have come next after the whole linearization, but the model refuses it: Porcupine's
    /// "illegal next" operations, drawn red at the end of the linearization.
    pub refused: bool,
}

/// A linearization point: where an operation of the shown linearization takes effect.
#[derive(Clone, Debug, PartialEq)]
pub struct Point {
    pub x: f64,
    pub y: f64,
    pub current: bool,
}

/// One step of the linearization shown: the operation and the model's state after it.
#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    pub op: usize,
    pub text: String,
    pub state: String,
}

/// A partition in the picker: its key (or the register's name), how many operations it has,
/// whether it is linearizable.
#[derive(Clone, Debug, PartialEq)]
pub struct PartitionChoice {
    pub label: String,
    pub ok: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct LincheckView {
    /// "ok", "violation" or "unknown".
    pub verdict: &'static str,
    /// The verdict in a sentence: operations, partitions, steps taken.
    pub summary: String,
    pub operations: usize,
    pub partitions: Vec<PartitionChoice>,
    pub partition: usize,
    pub lanes: Vec<String>,
    pub bars: Vec<Bar>,
    /// The linearization points up to the scrubbed step, in order.
    pub points: Vec<Point>,
    pub width: f64,
    pub height: f64,
    /// The linearization shown, step by step.
    pub steps: Vec<Step>,
    /// How many of its steps are placed (0: none yet, the initial state).
    pub step: usize,
    /// The model's state before the first step.
    pub initial: String,
    /// What the picture shows: the longest linearization, the one through the chosen
    /// operation, or that the chosen one was never linearized.
    pub note: String,
    /// The operations of this partition that cannot be ordered, in words.
    pub unorderable: Vec<String>,
}

/// Which of the partition's linearizations is shown: the longest containing the selected
/// operation (Porcupine's "largest"), else the longest one after which it was a refused next
/// step, else (nothing selected) the longest of all. None: nothing to show.
pub fn shown_linearization(history: &History, part: &JudgedPartition, selected: Option<usize>) -> Option<usize> {
    let longest = |candidates: &mut dyn Iterator<Item = usize>| {
        candidates.max_by_key(|&i| (part.linearizations[i].len(), std::cmp::Reverse(i)))
    };
    match selected {
        None => longest(&mut (0..part.linearizations.len())),
        Some(op) => {
            let at = part.ops.iter().position(|&o| o == op)?;
            if let Some(Some(best)) = part.best_for_op.get(at) {
                return (*best < part.linearizations.len()).then_some(*best);
            }
            longest(
                &mut (0..part.linearizations.len())
                    .filter(|&i| refused_next(history, part, &part.linearizations[i]).contains(&op)),
            )
        }
    }
}

/// The operations of the partition that could come right after `lin` as far as time goes (no
/// operation left out returned before they were invoked) yet are not in it: when `lin` is as
/// far as the search got, the model refused each of them (Porcupine's red "illegal next").
pub fn refused_next(history: &History, part: &JudgedPartition, lin: &[usize]) -> BTreeSet<usize> {
    let included: BTreeSet<usize> = lin.iter().copied().collect();
    let rest: Vec<&Operation> =
        part.ops.iter().filter(|o| !included.contains(o)).filter_map(|&o| history.ops.get(o)).collect();
    let first_return = rest.iter().filter_map(|o| o.ret).min().unwrap_or(u64::MAX);
    part.ops
        .iter()
        .copied()
        .filter(|o| !included.contains(o))
        .filter(|&o| history.ops.get(o).is_some_and(|op| op.call < first_return))
        .collect()
}

impl LincheckView {
    /// `states`: the model's state before the shown linearization (first) and after each of its
    /// steps, as raft_sim::lincheck describes them. `step`: how many steps are placed (None:
    /// all, clamped to the linearization's length).
    pub fn of(
        history: &History,
        judgement: &Judged,
        partition: usize,
        selected: Option<usize>,
        step: Option<usize>,
        states: &[String],
    ) -> LincheckView {
        let verdict = match judgement.verdict {
            Outcome::Ok => "ok",
            Outcome::Violation => "violation",
            Outcome::Unknown => "unknown",
        };
        let partitions: Vec<PartitionChoice> = judgement
            .partitions
            .iter()
            .map(|p| PartitionChoice {
                label: tf(
                    "lincheck.partition",
                    &[("key", &partition_name(p)), ("operations", &p.ops.len().to_string())],
                ),
                ok: p.ok,
            })
            .collect();
        let summary = summary(history, judgement);
        let partition = partition.min(judgement.partitions.len().saturating_sub(1));
        let mut view = LincheckView {
            verdict,
            summary,
            operations: history.ops.len(),
            partitions,
            partition,
            lanes: Vec::new(),
            bars: Vec::new(),
            points: Vec::new(),
            width: MIN_WIDTH,
            height: LANE + FOOT,
            steps: Vec::new(),
            step: 0,
            initial: states.first().cloned().unwrap_or_default(),
            note: String::new(),
            unorderable: Vec::new(),
        };
        let Some(part) = judgement.partitions.get(partition) else { return view };
        let ops: Vec<usize> = part.ops.iter().copied().filter(|&o| o < history.ops.len()).collect();
        let selected = selected.filter(|o| ops.contains(o));
        let shown = shown_linearization(history, part, selected);
        let lin: &[usize] = shown.map_or(&[], |i| part.linearizations[i].as_slice());
        // Only a partition that is not linearizable has refused operations: in one that is, an
        // operation left out never returned and did not take effect.
        let refused = if lin.is_empty() || part.ok { BTreeSet::new() } else { refused_next(history, part, lin) };
        view.step = step.unwrap_or(lin.len()).min(lin.len());
        view.note = note(history, part, selected, lin);

        // The lanes: the partition's clients in id order.
        let clients: Vec<u64> =
            raft_core::ordered::set_of(ops.iter().map(|&o| history.ops[o].client)).into_iter().collect();
        view.lanes = clients.iter().map(|c| tf("lincheck.client", &[("client", &c.to_string())])).collect();
        // The x axis: the partition's moments (invocations and responses) in order, evenly spaced.
        let moments: Vec<u64> = raft_core::ordered::set_of(
            ops.iter().flat_map(|&o| std::iter::once(history.ops[o].call).chain(history.ops[o].ret)),
        )
        .into_iter()
        .collect();
        let slot = ((MIN_WIDTH - LABEL - 8.0) / (moments.len() as f64 + 1.0)).max(MIN_SLOT);
        let x_of = |moment: u64| LABEL + (moments.partition_point(|&m| m < moment) as f64 + 0.5) * slot;
        let end = LABEL + (moments.len() as f64 + 0.5) * slot;
        view.width = (end + 8.0).max(MIN_WIDTH);
        view.height = LANE * clients.len().max(1) as f64 + FOOT;
        let lane_of = |client: u64| clients.iter().position(|&c| c == client).unwrap_or(0);
        let unorderable: BTreeSet<usize> = part.unorderable.iter().copied().collect();

        let position: std::collections::BTreeMap<usize, usize> = lin.iter().enumerate().map(|(i, &o)| (o, i)).collect();
        for &o in &ops {
            let op = &history.ops[o];
            let x0 = x_of(op.call);
            let x1 = op.ret.map_or(end, x_of).max(x0 + 2.0);
            let label = op.describe();
            let at = position.get(&o).copied();
            let title = bar_title(op, &label, at, states, refused.contains(&o));
            view.bars.push(Bar {
                op: o,
                x0,
                x1,
                y: LANE * lane_of(op.client) as f64 + (LANE - BAR) / 2.0,
                open: op.ret.is_none(),
                line: op.line,
                label,
                title,
                unorderable: unorderable.contains(&o),
                step: at.map(|i| i + 1),
                placed: at.is_some_and(|i| i < view.step),
                current: at.is_some_and(|i| i + 1 == view.step),
                dimmed: at.is_none() && !refused.contains(&o),
                selected: selected == Some(o),
                refused: refused.contains(&o) && view.step == lin.len(),
            });
        }
        // Linearization points, as Porcupine places them: at the operation's invocation, or
        // just after the previous point when that is later (the order must read left to right).
        let gap = (slot / 3.0).min(4.0);
        let mut previous: Option<f64> = None;
        for (i, &o) in lin.iter().enumerate().take(view.step) {
            let Some(bar) = view.bars.iter().find(|b| b.op == o) else { continue };
            let x = previous.map_or(bar.x0 + gap, |p| (p + gap).max(bar.x0 + gap)).min(bar.x1 - 1.0);
            previous = Some(x);
            view.points.push(Point { x, y: bar.y + BAR / 2.0, current: i + 1 == view.step });
        }
        view.steps = lin
            .iter()
            .enumerate()
            .map(|(i, &o)| Step {
                op: o,
                text: history.ops.get(o).map(Operation::describe).unwrap_or_default(),
                state: states.get(i + 1).cloned().unwrap_or_default(),
            })
            .collect();
        view.unorderable = part
            .unorderable
            .iter()
            .filter_map(|&o| history.ops.get(o))
            .map(|op| {
                let client = op.client.to_string();
                let line = op.line.to_string();
                tf("lincheck.unorderable-op", &[("op", &op.describe()), ("client", &client), ("line", &line)])
            })
            .collect();
        view
    }

    /// The state after the scrubbed step (the initial state at step 0).
    pub fn state_now(&self) -> &str {
        match self.step {
            0 => &self.initial,
            n => self.steps.get(n - 1).map_or("", |s| s.state.as_str()),
        }
    }
}

/// The width of a character of a bar's label (11 px monospace), and the room a bar keeps.
const CHAR_W: f64 = 6.7;
const BAR_PAD: f64 = 6.0;

/// A bar's label cut to fit its width (with "…" when cut), or None when too little of it would.
pub fn fitted(label: &str, width: f64) -> Option<String> {
    let room = ((width - BAR_PAD) / CHAR_W).floor().max(0.0) as usize;
    let count = label.chars().count();
    match room {
        _ if count <= room => Some(label.to_string()),
        0..=4 => None,
        _ => Some(label.chars().take(room - 1).chain(std::iter::once('…')).collect()),
    }
}

/// A partition's name: its key, or "the register" for a history with one.
pub fn partition_name(part: &JudgedPartition) -> String {
    match &part.key {
        Some(key) => tf("lincheck.key", &[("key", key)]),
        None => t("lincheck.register").to_string(),
    }
}

fn summary(history: &History, judgement: &Judged) -> String {
    let operations = history.ops.len().to_string();
    let partitions = judgement.partitions.len().to_string();
    let open = history.ops.iter().filter(|o| o.ret.is_none()).count().to_string();
    let steps = judgement.steps.to_string();
    let values = [("operations", operations.as_str()), ("partitions", &partitions), ("open", &open), ("steps", &steps)];
    match judgement.verdict {
        Outcome::Ok => tf("lincheck.summary-ok", &values),
        Outcome::Violation => {
            let bad = judgement.partitions.iter().filter(|p| !p.ok).count().to_string();
            let mut values = values.to_vec();
            values.push(("bad", &bad));
            tf("lincheck.summary-violation", &values)
        }
        Outcome::Unknown => tf("lincheck.summary-unknown", &values),
    }
}

fn note(history: &History, part: &JudgedPartition, selected: Option<usize>, lin: &[usize]) -> String {
    let total = part.ops.len().to_string();
    let length = lin.len().to_string();
    let values = |op: &str| vec![("op", op.to_string()), ("length", length.clone()), ("total", total.clone())];
    let fill = |id: &'static str, values: Vec<(&str, String)>| {
        let values: Vec<(&str, &str)> = values.iter().map(|(n, v)| (*n, v.as_str())).collect();
        tf(id, &values)
    };
    match selected.and_then(|o| history.ops.get(o)) {
        None if lin.is_empty() => t("lincheck.note-none").to_string(),
        None if part.ok => fill("lincheck.note-whole", values("")),
        None => fill("lincheck.note-longest", values("")),
        Some(op) if lin.contains(&selected.unwrap_or(usize::MAX)) => {
            fill("lincheck.note-through", values(&op.describe()))
        }
        Some(op) if !lin.is_empty() => fill("lincheck.note-refused", values(&op.describe())),
        Some(op) => fill("lincheck.note-never", values(&op.describe())),
    }
}

fn bar_title(op: &Operation, label: &str, at: Option<usize>, states: &[String], refused: bool) -> String {
    let client = op.client.to_string();
    let line = op.line.to_string();
    let mut values = vec![("op", label.to_string()), ("client", client), ("line", line)];
    let head = {
        let v: Vec<(&str, &str)> = values.iter().map(|(n, v)| (*n, v.as_str())).collect();
        if op.ret.is_none() {
            tf("lincheck.op-open", &v)
        } else {
            tf("lincheck.op", &v)
        }
    };
    let tail = match at {
        Some(i) => {
            values.push(("step", (i + 1).to_string()));
            values.push(("before", states.get(i).cloned().unwrap_or_default()));
            values.push(("after", states.get(i + 1).cloned().unwrap_or_default()));
            let v: Vec<(&str, &str)> = values.iter().map(|(n, v)| (*n, v.as_str())).collect();
            tf("lincheck.op-step", &v)
        }
        None if refused => {
            // A refused operation would have come after the whole linearization.
            let before = states.last().cloned().unwrap_or_default();
            tf("lincheck.op-refused", &[("before", &before)])
        }
        None => t("lincheck.op-not-in").to_string(),
    };
    format!("{head}\n{tail}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use raft_sim::lincheck;

    /// A Jepsen log line: process, type, function, value.
    fn line(p: u64, kind: &str, f: &str, v: &str) -> String {
        format!("INFO  jepsen.util - {p}\t:{kind}\t:{f}\t{v}\n")
    }

    fn judged(text: &str) -> (History, Judged) {
        let history = lincheck::parse(text, None).expect("the history parses");
        let judgement = lincheck::check(&history, lincheck::DEFAULT_LINCHECK_BUDGET);
        (history, Judged::of(&judgement).expect("the judgement reads"))
    }

    fn view(text: &str, selected: Option<usize>, step: Option<usize>) -> (History, Judged, LincheckView) {
        let (h, j) = judged(text);
        let part = &j.partitions[0];
        let shown = shown_linearization(&h, part, selected);
        let lin = shown.map_or(&[][..], |i| part.linearizations[i].as_slice());
        let states = lincheck::states(&h, lin);
        let v = LincheckView::of(&h, &j, 0, selected, step, &states);
        (h, j, v)
    }

    /// P0 writes 1; P1 reads it while P2's write of 2 never returns.
    fn good() -> String {
        [
            line(0, "invoke", "write", "1"),
            line(2, "invoke", "write", "2"),
            line(0, "ok", "write", "1"),
            line(1, "invoke", "read", "nil"),
            line(1, "ok", "read", "1"),
            line(2, "info", "write", "2"),
        ]
        .concat()
    }

    /// P0 writes 1 and then P1 reads 3, a value never written: no order explains it.
    fn bad() -> String {
        [
            line(0, "invoke", "write", "1"),
            line(0, "ok", "write", "1"),
            line(1, "invoke", "read", "nil"),
            line(1, "ok", "read", "3"),
            line(0, "invoke", "write", "4"),
            line(0, "ok", "write", "4"),
        ]
        .concat()
    }

    #[test]
    fn a_lane_per_client_and_a_bar_per_operation_from_invocation_to_response() {
        let (h, _, v) = view(&good(), None, None);
        assert_eq!(v.verdict, "ok");
        assert_eq!(v.lanes, ["P0", "P1", "P2"]);
        assert_eq!(v.bars.len(), h.ops.len());
        let bar = |client: u64| v.bars.iter().find(|b| h.ops[b.op].client == client).expect("a bar");
        let (write, read, open) = (bar(0), bar(1), bar(2));
        assert!(write.x0 < write.x1 && read.x0 < read.x1);
        assert!(write.x1 < read.x0, "the write returned before the read was invoked");
        assert!(open.open && !write.open, "the :info write never returned");
        assert!(open.x1 >= v.bars.iter().map(|b| b.x1).fold(0.0, f64::max), "an open bar runs to the end");
        assert!(v.bars.iter().all(|b| b.x1 <= v.width), "every bar fits the picture");
        assert_eq!(read.y, LANE + (LANE - BAR) / 2.0, "lanes in client order");
        assert!(v.unorderable.is_empty() && v.bars.iter().all(|b| !b.unorderable));
        assert!(v.bars.iter().all(|b| !b.refused), "nothing is refused in a linearizable history");
        assert!(
            v.bars.iter().all(|b| b.step.is_some() || (b.open && b.dimmed)),
            "only what never returned is left out"
        );
    }

    #[test]
    fn a_violation_highlights_the_operations_that_cannot_be_ordered() {
        let (h, j, v) = view(&bad(), None, None);
        assert_eq!(v.verdict, "violation");
        let flagged: Vec<usize> = v.bars.iter().filter(|b| b.unorderable).map(|b| b.op).collect();
        assert!(!flagged.is_empty(), "some bars are highlighted");
        let mut expected = j.partitions[0].unorderable.clone();
        expected.sort_unstable();
        assert_eq!(flagged, expected);
        assert!(flagged.iter().any(|&o| h.ops[o].describe().contains('3')), "the read of 3 is among them");
        assert_eq!(v.unorderable.len(), flagged.len());
        // The linearization shown stops short of the read of 3: the model refuses it next.
        assert!(v.steps.len() < h.ops.len());
        assert!(v.bars.iter().any(|b| b.refused), "the refused next operation is marked");
    }

    #[test]
    fn scrubbing_places_the_linearization_step_by_step_with_the_state_after_each() {
        let (_, _, whole) = view(&good(), None, None);
        let n = whole.steps.len();
        assert!(n >= 2, "the whole good history is linearized: {:?}", whole.steps);
        assert_eq!(whole.step, n, "all steps are placed at first");
        assert_eq!(whole.points.len(), n);
        let (_, _, start) = view(&good(), None, Some(0));
        assert!(start.points.is_empty() && start.bars.iter().all(|b| !b.placed && !b.current));
        assert_eq!(start.state_now(), start.initial);
        for k in 1..=n {
            let (_, _, v) = view(&good(), None, Some(k));
            assert_eq!(v.points.len(), k);
            assert_eq!(v.bars.iter().filter(|b| b.placed).count(), k);
            let current: Vec<_> = v.bars.iter().filter(|b| b.current).map(|b| b.op).collect();
            assert_eq!(current, [v.steps[k - 1].op]);
            assert_eq!(v.state_now(), v.steps[k - 1].state);
            assert!(v.points.windows(2).all(|w| w[0].x < w[1].x), "points read left to right");
            for (p, s) in v.points.iter().zip(&v.steps) {
                let bar = v.bars.iter().find(|b| b.op == s.op).expect("its bar");
                assert!(bar.x0 < p.x && p.x < bar.x1, "a point lies inside its bar");
            }
        }
        let (_, _, past) = view(&good(), None, Some(n + 5));
        assert_eq!(past.step, n, "the scrubber stops at the end");
    }

    #[test]
    fn choosing_an_operation_shows_the_longest_linearization_through_it_and_dims_the_rest() {
        let (h, j, v) = view(&bad(), None, None);
        let part = &j.partitions[0];
        for &o in &part.ops {
            let (_, _, chosen) = view(&bad(), Some(o), None);
            let selected: Vec<_> = chosen.bars.iter().filter(|b| b.selected).map(|b| b.op).collect();
            assert_eq!(selected, [o]);
            let through = chosen.steps.iter().any(|s| s.op == o);
            let at = part.ops.iter().position(|&p| p == o).expect("in the partition");
            assert_eq!(through, part.best_for_op[at].is_some(), "{}", h.ops[o].describe());
            let lin = chosen_lin(&chosen);
            let refused = if lin.is_empty() || part.ok { BTreeSet::new() } else { refused_next(&h, part, &lin) };
            for b in &chosen.bars {
                assert_eq!(b.dimmed, b.step.is_none() && !refused.contains(&b.op));
            }
        }
        assert!(!v.note.is_empty());
    }

    fn chosen_lin(v: &LincheckView) -> Vec<usize> {
        v.steps.iter().map(|s| s.op).collect()
    }

    #[test]
    fn a_label_is_cut_to_its_bar() {
        assert_eq!(fitted("write(1)", 200.0).as_deref(), Some("write(1)"));
        let cut = fitted("cas(1, 4) -> ok", 60.0).expect("some of it fits");
        assert!(cut.ends_with('…') && (cut.chars().count() as f64) * CHAR_W <= 60.0 - BAR_PAD, "{cut}");
        assert_eq!(fitted("cas(1, 4) -> ok", 30.0), None);
        assert_eq!(fitted("x", 0.0), None);
    }

    #[test]
    fn a_key_value_history_is_shown_one_key_at_a_time() {
        let text = [
            "{:process 0, :type :invoke, :f :put, :key \"a\", :value \"x\"}\n",
            "{:process 0, :type :ok, :f :put, :key \"a\", :value \"x\"}\n",
            "{:process 1, :type :invoke, :f :get, :key \"b\", :value nil}\n",
            "{:process 1, :type :ok, :f :get, :key \"b\", :value \"\"}\n",
            "{:process 1, :type :invoke, :f :get, :key \"a\", :value nil}\n",
            "{:process 1, :type :ok, :f :get, :key \"a\", :value \"x\"}\n",
        ]
        .concat();
        let (h, j) = judged(&text);
        assert_eq!(j.partitions.len(), 2);
        for p in 0..2 {
            let v = LincheckView::of(&h, &j, p, None, None, &[]);
            assert_eq!(v.partition, p);
            assert_eq!(v.bars.len(), j.partitions[p].ops.len(), "only the chosen key's operations");
            assert_eq!(v.partitions.len(), 2);
        }
        // A partition past the last shows the last (never a panic).
        assert_eq!(LincheckView::of(&h, &j, 9, None, None, &[]).partition, 1);
    }
}
