//! Judging a history from elsewhere: partition it (by key for the key-value store, the whole
//! history for the register), search each partition with the shared search, and for a
//! partition that fails, explain it: the partial linearizations Porcupine's visualiser would
//! draw, the culprit, and a smallest set of operations that cannot be ordered.
use super::explain::{minimize, prefix};
use super::history::{History, Input, ModelKind, Output};
use super::model::{KvOp, KvStore, Model, Register, RegisterOp, Value, NIL};
use super::search::{search, Exhausted, Found, Options, Search, SearchOp, MEMO_CAP};
use super::simulator::Verdict;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// The default step budget for [`check`]: it decides every one of Porcupine's 108 test
/// histories with a wide margin (the hardest takes about a tenth of it; README, "Bring your own
/// history").
pub const DEFAULT_BUDGET: u64 = 20_000_000;

/// The verdict on a history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Judgement {
    /// Violation if any partition is not linearizable; else Unknown if any ran out of budget.
    pub verdict: Verdict,
    /// One per key (a register history has one), in key order.
    pub partitions: Vec<PartitionResult>,
    /// Search steps taken, explanations included.
    pub steps: u64,
}

impl Judgement {
    /// The operations that cannot be ordered, over every failing partition (indices into
    /// `History::ops`, in invocation order).
    pub fn unorderable(&self) -> Vec<usize> {
        let mut all: Vec<usize> = self.partitions.iter().flat_map(|p| p.unorderable.iter().copied()).collect();
        all.sort_unstable();
        all
    }
}

/// One partition's verdict and evidence.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PartitionResult {
    /// The key (None for a register).
    pub key: Option<String>,
    /// Its operations (indices into `History::ops`, in invocation order), including those that
    /// constrain nothing (a read that failed) and so were left out of the search.
    pub ops: Vec<usize>,
    pub verdict: Verdict,
    /// `verdict == Verdict::Ok`.
    pub ok: bool,
    /// Distinct longest partial linearizations found (indices into `History::ops`, in
    /// linearization order), as Porcupine's visualiser keeps them: for a linearizable
    /// partition, the one linearization (operations that never returned and did not take
    /// effect are not in it) ...
    pub linearizations: Vec<Vec<usize>>,
    /// ... and for each op of `ops` (same order), which of them is the longest containing it
    /// (None: the op was never linearized in any explored prefix).
    pub best_for_op: Vec<Option<usize>>,
    /// When not linearizable: a smallest set of operations that cannot be ordered (indices
    /// into `History::ops`, in invocation order): no order of them, each taking effect between
    /// its invocation and its response, gives their results, and ...
    pub unorderable: Vec<usize>,
    /// ... whether removing any one of them was confirmed to leave a linearizable set (false
    /// when the explanation ran out of budget: the set is then still unorderable, but maybe not
    /// the smallest).
    pub minimal: bool,
    /// The operation whose response made the partition non-linearizable: before it returned,
    /// an order existed.
    pub culprit: Option<usize>,
}

/// How many steps a partition's search takes before the next partition's turn.
const SLICE: u64 = 4_096;

/// Judge `history` within `budget` search steps for the verdict (the explanation of a
/// violation may spend as much again): [`decide`], then [`Decision::explain`].
pub fn check(history: &History, budget: u64) -> Judgement {
    decide(history, budget).explain()
}

/// Search `history` for a verdict within `budget` steps, and stop there: what Porcupine's
/// `CheckEvents` does. [`Decision::explain`] then finds the evidence a person reads (the
/// partial linearizations, the culprit, the operations that cannot be ordered), which takes
/// further searches; the two are apart so that a benchmark can time the verdict alone.
///
/// The partitions are searched in turns of [`SLICE`] steps, as Porcupine searches them in
/// parallel, and the verdict is given as soon as one fails: a history with one easy violation
/// and one hard key is decided by the easy one. The partitions still undecided then are left
/// "unknown" (the verdict does not depend on them).
pub fn decide(history: &History, budget: u64) -> Decision {
    let mut steps = 0u64;
    let parts = match history.model {
        ModelKind::Register => {
            let all: Vec<usize> = (0..history.ops.len()).collect();
            let part = register_partition(history, all);
            Parts::Register(search_all(vec![part], budget, &mut steps))
        }
        ModelKind::KeyValue => {
            let mut by_key: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
            for (i, op) in history.ops.iter().enumerate() {
                by_key.entry(op.key().unwrap_or("")).or_default().push(i);
            }
            let parts = by_key.into_iter().map(|(key, all)| kv_partition(history, key, all)).collect();
            Parts::KeyValue(search_all(parts, budget, &mut steps))
        }
    };
    let outcomes: Vec<&Outcome> = match &parts {
        Parts::Register(p) => p.iter().map(|(_, o)| o).collect(),
        Parts::KeyValue(p) => p.iter().map(|(_, o)| o).collect(),
    };
    let verdict = if outcomes.iter().any(|o| matches!(o, Some(Ok(found)) if !found.linearizable)) {
        Verdict::Violation
    } else if outcomes.iter().any(|o| !matches!(o, Some(Ok(_)))) {
        Verdict::Unknown
    } else {
        Verdict::Ok
    };
    Decision { parts, verdict, budget, steps }
}

/// A history's verdict, before its explanation: see [`decide`].
pub struct Decision {
    parts: Parts,
    verdict: Verdict,
    budget: u64,
    steps: u64,
}

/// What each partition's search came to: None when it was not searched to the end (another
/// partition failed first, or the budget ran out).
type Outcome = Option<Result<Found, Exhausted>>;

/// The partitions with their searches' outcomes, for one model or the other.
enum Parts {
    Register(Vec<(Part<Register>, Outcome)>),
    KeyValue(Vec<(Part<KvStore>, Outcome)>),
}

impl Decision {
    /// Violation if any partition is not linearizable; else Unknown if any ran out of budget.
    pub fn verdict(&self) -> Verdict {
        self.verdict
    }

    /// Search steps taken so far.
    pub fn steps(&self) -> u64 {
        self.steps
    }

    /// The judgement: each partition's result, and for each that failed, its explanation.
    pub fn explain(self) -> Judgement {
        let Decision { parts, verdict, budget, mut steps } = self;
        let partitions = match parts {
            Parts::Register(p) => p.into_iter().map(|(part, o)| judge(part, o, budget, &mut steps)).collect(),
            Parts::KeyValue(p) => p.into_iter().map(|(part, o)| judge(part, o, budget, &mut steps)).collect(),
        };
        Judgement { verdict, partitions, steps }
    }
}

/// One partition, ready to search.
struct Part<M: Model> {
    model: M,
    key: Option<String>,
    /// Every history index of the partition.
    all: Vec<usize>,
    /// The operations the search sees, and the history index of each.
    ops: Vec<SearchOp<M::Op>>,
    index: Vec<usize>,
}

/// The register's operations, values interned (nil is [`NIL`]); reads without an answer and
/// writes that failed are left out (they constrain nothing and changed nothing).
fn register_partition(history: &History, all: Vec<usize>) -> Part<Register> {
    let mut interned: HashMap<i64, Value> = HashMap::new();
    let mut intern = |v: i64| -> Value {
        let next = interned.len() as Value;
        *interned.entry(v).or_insert(next)
    };
    let mut ops = Vec::new();
    let mut index = Vec::new();
    for &i in &all {
        let o = &history.ops[i];
        let op = match (&o.input, &o.output) {
            (Input::Read, Output::Int(v)) => RegisterOp::Read(v.map_or(NIL, &mut intern)),
            (Input::Write { value }, Output::Ok | Output::Unknown) => RegisterOp::Write(intern(*value)),
            (Input::Cas { from, to }, Output::Ok) => RegisterOp::CasOk { from: intern(*from), to: intern(*to) },
            (Input::Cas { from, .. }, Output::Fail) => RegisterOp::CasFail { from: intern(*from) },
            (Input::Cas { from, to }, Output::Unknown) => {
                RegisterOp::CasUnknown { from: intern(*from), to: intern(*to) }
            }
            _ => continue,
        };
        ops.push(search_op(o, op));
        index.push(i);
    }
    Part { model: Register, key: None, all, ops, index }
}

/// One key's operations, strings interned; gets without an answer and failed operations are
/// left out.
fn kv_partition(history: &History, key: &str, all: Vec<usize>) -> Part<KvStore> {
    let mut model = KvStore::new();
    let mut ops = Vec::new();
    let mut index = Vec::new();
    for &i in &all {
        let o = &history.ops[i];
        let op = match (&o.input, &o.output) {
            (Input::Get { .. }, Output::Text(v)) => KvOp::Get(model.intern(v)),
            (Input::Put { value, .. }, Output::Ok | Output::Unknown) => KvOp::Put(model.intern(value)),
            (Input::Append { value, .. }, Output::Ok | Output::Unknown) => KvOp::Append(model.intern(value)),
            _ => continue,
        };
        ops.push(search_op(o, op));
        index.push(i);
    }
    Part { model, key: Some(key.to_string()), all, ops, index }
}

fn search_op<O>(o: &super::history::Operation, op: O) -> SearchOp<O> {
    // An operation that did not answer has no response, whatever the file said.
    let ret = if o.output == Output::Unknown { None } else { o.ret };
    SearchOp { call: o.call, ret, op }
}

/// Search the partitions in turns until one fails or all are decided.
fn search_all<M: Model>(mut parts: Vec<Part<M>>, budget: u64, steps: &mut u64) -> Vec<(Part<M>, Outcome)> {
    let n = parts.len();
    let mut outcome: Vec<Outcome> = vec![None; n];
    {
        let mut models: Vec<&mut M> = Vec::with_capacity(n);
        let mut searches: Vec<Option<Search<'_, M>>> = Vec::with_capacity(n);
        for part in parts.iter_mut() {
            searches.push(Some(Search::new(&part.model, &part.ops, Options::FAST)));
            models.push(&mut part.model);
        }
        loop {
            let mut running = false;
            for i in 0..n {
                let Some(search) = searches[i].as_mut() else { continue };
                let pause = steps.saturating_add(SLICE);
                match search.run(models[i], pause, budget, steps) {
                    None => running = true,
                    Some(done) => {
                        outcome[i] = Some(done);
                        searches[i] = None; // its memory back
                    }
                }
            }
            let failed = outcome.iter().any(|o| matches!(o, Some(Ok(found)) if !found.linearizable));
            let memo: usize = searches.iter().flatten().map(|s| s.memo_len()).sum();
            if !running || failed || *steps >= budget || memo >= MEMO_CAP {
                break;
            }
        }
    }
    parts.into_iter().zip(outcome).collect()
}

/// One partition's result from its search's outcome; if it failed, explain it.
fn judge<M: Model>(part: Part<M>, outcome: Outcome, budget: u64, steps: &mut u64) -> PartitionResult {
    let Part { mut model, key, all, ops, index } = part;
    let mut result = PartitionResult {
        key,
        best_for_op: vec![None; all.len()],
        ops: all,
        verdict: Verdict::Unknown,
        ok: false,
        linearizations: Vec::new(),
        unorderable: Vec::new(),
        minimal: false,
        culprit: None,
    };
    let Some(Ok(found)) = outcome else { return result };
    let position: HashMap<usize, usize> = result.ops.iter().enumerate().map(|(p, &h)| (h, p)).collect();
    if found.linearizable {
        result.verdict = Verdict::Ok;
        result.ok = true;
        for &k in &found.linearization {
            result.best_for_op[position[&index[k]]] = Some(0);
        }
        result.linearizations = vec![found.linearization.iter().map(|&k| index[k]).collect()];
        return result;
    }
    result.verdict = Verdict::Violation;
    // The explanation has a budget of its own, as large again.
    let limit = steps.saturating_add(budget);
    let ops = &ops[..];
    // The partial linearizations, by searching again keeping track of them: tracking costs a
    // pass over the stack at every backtrack, which would double the time of every history
    // that turns out linearizable.
    let tracked = Options { partials: true, ..Options::FAST };
    if let Ok(found) = search(&mut model, ops, tracked, limit, steps) {
        result.linearizations = found.partials.iter().map(|p| p.iter().map(|&k| index[k]).collect()).collect();
        for (k, best) in found.best.iter().enumerate() {
            result.best_for_op[position[&index[k]]] = *best;
        }
    }
    // The culprit is the response the search could never get past: every prefix of the
    // history before it is linearizable (some configuration linearized all that returned
    // before it), and the prefix up to it is not (had some order linearized it, the search,
    // which misses no order, would have got past it).
    let t = found.frontier;
    let (_, failing) = prefix::<M>(ops, t);
    result.culprit = failing.iter().rev().find(|&&k| ops[k].ret == Some(t)).map(|&k| index[k]);
    // Minimise over the operations as they are (not as the prefix left them: an operation
    // answering later keeps its answer), so that the set claimed is exactly these operations.
    let candidates: Vec<SearchOp<M::Op>> = failing.iter().map(|&k| ops[k]).collect();
    let before = *steps;
    let keep = minimize(&mut model, &candidates, Options::FAST, limit, steps);
    result.minimal = *steps <= limit && before <= limit;
    let mut unorderable: Vec<usize> = keep.iter().map(|&j| index[failing[j]]).collect();
    unorderable.sort_unstable();
    result.unorderable = unorderable;
    result
}

#[cfg(test)]
mod tests {
    use super::super::history::parse;
    use super::*;

    fn judge_text(text: &str) -> (History, Judgement) {
        let h = parse(text, None).expect("parses");
        let j = check(&h, DEFAULT_BUDGET);
        (h, j)
    }

    fn verdict(text: &str) -> Verdict {
        judge_text(text).1.verdict
    }

    #[test]
    fn an_info_write_may_take_effect_late_or_never() {
        // Took effect after the first read.
        let late = "0 :invoke :write 1\n0 :info :write :timed-out\n1 :invoke :read nil\n1 :ok :read nil\n\
                    1 :invoke :read nil\n1 :ok :read 1\n";
        assert_eq!(verdict(late), Verdict::Ok);
        // Never took effect (and never returned: no completion line at all).
        let never = "0 :invoke :write 1\n1 :invoke :read nil\n1 :ok :read nil\n";
        assert_eq!(verdict(never), Verdict::Ok);
        // But only once: 1, then nil again, is impossible.
        let flicker = "0 :invoke :write 1\n0 :info :write :timed-out\n1 :invoke :read nil\n1 :ok :read 1\n\
                       1 :invoke :read nil\n1 :ok :read nil\n";
        assert_eq!(verdict(flicker), Verdict::Violation);
        // A write that failed did not happen.
        let failed = "0 :invoke :write 1\n0 :fail :write 1\n1 :invoke :read nil\n1 :ok :read 1\n";
        assert_eq!(verdict(failed), Verdict::Violation);
    }

    #[test]
    fn a_failed_cas_saw_another_value() {
        let ok = "0 :invoke :write 1\n0 :ok :write 1\n1 :invoke :cas [2 3]\n1 :fail :cas [2 3]\n";
        assert_eq!(verdict(ok), Verdict::Ok);
        let bad = "0 :invoke :write 1\n0 :ok :write 1\n1 :invoke :cas [1 3]\n1 :fail :cas [1 3]\n";
        let (h, j) = judge_text(bad);
        assert_eq!(j.verdict, Verdict::Violation);
        let p = &j.partitions[0];
        assert_eq!(p.unorderable, vec![0, 1], "the write and the failed cas");
        assert_eq!(p.culprit, Some(1));
        assert_eq!(h.ops[1].describe(), "cas(1, 3) -> fail");
        // A cas that succeeded changed the value; a read that timed out constrains nothing.
        let cas = "0 :invoke :cas [nil 3]\n0 :fail :cas [1 3]\n1 :invoke :write 1\n1 :ok :write 1\n\
                   0 :invoke :cas [1 3]\n0 :ok :cas [1 3]\n2 :invoke :read nil\n2 :fail :read :timed-out\n\
                   2 :invoke :read nil\n2 :ok :read 3\n";
        assert!(parse(cas, None).is_err(), "nil is not an integer: the first line is refused");
        let cas = &cas[cas.find("1 :invoke").unwrap()..];
        assert_eq!(verdict(cas), Verdict::Ok);
    }

    #[test]
    fn key_value_histories_are_judged_key_by_key() {
        let text = r#"{:process 0, :type :invoke, :f :put, :key "a", :value "1"}
{:process 0, :type :ok, :f :put, :key "a", :value "1"}
{:process 1, :type :invoke, :f :append, :key "b", :value "x"}
{:process 1, :type :ok, :f :append, :key "b", :value "x"}
{:process 0, :type :invoke, :f :get, :key "a", :value nil}
{:process 0, :type :ok, :f :get, :key "a", :value "1"}
{:process 1, :type :invoke, :f :get, :key "b", :value nil}
{:process 1, :type :ok, :f :get, :key "b", :value ""}
"#;
        let (_, j) = judge_text(text);
        assert_eq!(j.verdict, Verdict::Violation);
        assert_eq!(j.partitions.len(), 2);
        let (a, b) = (&j.partitions[0], &j.partitions[1]);
        assert_eq!((a.key.as_deref(), a.verdict), (Some("a"), Verdict::Ok));
        assert_eq!(a.linearizations, vec![vec![0, 2]]);
        assert_eq!(a.best_for_op, vec![Some(0), Some(0)]);
        assert_eq!((b.key.as_deref(), b.verdict), (Some("b"), Verdict::Violation));
        assert_eq!(b.unorderable, vec![1, 3], "the append, and the get that missed it");
        // The longest partial linearization of b holds the append only (the get never fits).
        let best: Vec<Option<&Vec<usize>>> = b.best_for_op.iter().map(|i| i.map(|i| &b.linearizations[i])).collect();
        assert_eq!(best, vec![Some(&vec![1]), None]);
    }

    #[test]
    fn a_tiny_budget_is_unknown_not_a_hang() {
        let mut text = String::new();
        for p in 0..30 {
            text.push_str(&format!("{p} :invoke :write {p}\n{p} :info :write :timed-out\n"));
        }
        text.push_str("99 :invoke :read nil\n99 :ok :read 1000\n");
        let h = parse(&text, None).unwrap();
        let j = check(&h, 1_000);
        assert_eq!(j.verdict, Verdict::Unknown);
        assert!(j.steps <= 1_001, "{}", j.steps);
    }

    #[test]
    fn the_verdict_comes_before_its_explanation_and_the_explanation_keeps_it() {
        // A write of 1 answered before a read starts that still sees nil: the verdict needs one
        // search; the explanation searches again (partial linearizations, smallest set).
        let text = "0 :invoke :write 1\n0 :ok :write 1\n1 :invoke :read nil\n1 :ok :read nil\n";
        let h = parse(text, None).unwrap();
        let decision = decide(&h, DEFAULT_BUDGET);
        assert_eq!(decision.verdict(), Verdict::Violation);
        let decided_in = decision.steps();
        let j = decision.explain();
        assert_eq!(j.verdict, Verdict::Violation);
        assert!(j.steps > decided_in, "the explanation searched too: {} then {}", decided_in, j.steps);
        assert_eq!(j.unorderable(), vec![0, 1], "the write and the read that missed it");
        assert_eq!(check(&h, DEFAULT_BUDGET), j, "check is decide then explain");
        // A linearizable history has nothing to explain.
        let ok = parse("0 :invoke :write 1\n0 :ok :write 1\n1 :invoke :read nil\n1 :ok :read 1\n", None).unwrap();
        let decision = decide(&ok, DEFAULT_BUDGET);
        let decided_in = decision.steps();
        assert_eq!(decision.verdict(), Verdict::Ok);
        assert_eq!(decision.explain().steps, decided_in);
    }

    #[test]
    fn identical_open_operations_are_not_searched_in_every_order() {
        // 30 writes of the same value that never returned, then a read of a value nobody wrote:
        // without the symmetry reduction, every subset of the writes (2^30) would be tried.
        let mut text = String::new();
        for p in 0..30 {
            text.push_str(&format!(
                "{p} :invoke :write 7
{p} :info :write :timed-out
"
            ));
        }
        text.push_str(
            "99 :invoke :read nil
99 :ok :read 1000
",
        );
        let j = check(&parse(&text, None).unwrap(), DEFAULT_BUDGET);
        assert_eq!(j.verdict, Verdict::Violation);
        assert!(j.steps < 100_000, "{}", j.steps);
    }
}
