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
/// violation may spend as much again).
///
/// The partitions are searched in turns of [`SLICE`] steps, as Porcupine searches them in
/// parallel, and the verdict is given as soon as one fails: a history with one easy violation
/// and one hard key is decided by the easy one. The partitions still undecided then are left
/// "unknown" (the verdict does not depend on them).
pub fn check(history: &History, budget: u64) -> Judgement {
    let mut steps = 0u64;
    let partitions = match history.model {
        ModelKind::Register => {
            let all: Vec<usize> = (0..history.ops.len()).collect();
            let part = register_partition(history, all);
            judge_all(vec![part], budget, &mut steps)
        }
        ModelKind::KeyValue => {
            let mut by_key: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
            for (i, op) in history.ops.iter().enumerate() {
                by_key.entry(op.key().unwrap_or("")).or_default().push(i);
            }
            let parts = by_key.into_iter().map(|(key, all)| kv_partition(history, key, all)).collect();
            judge_all(parts, budget, &mut steps)
        }
    };
    let verdict = if partitions.iter().any(|p| p.verdict == Verdict::Violation) {
        Verdict::Violation
    } else if partitions.iter().any(|p| p.verdict == Verdict::Unknown) {
        Verdict::Unknown
    } else {
        Verdict::Ok
    };
    Judgement { verdict, partitions, steps }
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

/// Search the partitions in turns until one fails or all are decided, then explain each that
/// failed.
fn judge_all<M: Model>(mut parts: Vec<Part<M>>, budget: u64, steps: &mut u64) -> Vec<PartitionResult> {
    let n = parts.len();
    let mut outcome: Vec<Option<Result<Found, Exhausted>>> = vec![None; n];
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
    let mut results = Vec::with_capacity(n);
    for (part, outcome) in parts.into_iter().zip(outcome) {
        results.push(judge(part, outcome, budget, steps));
    }
    results
}

/// One partition's result from its search's outcome; if it failed, explain it.
fn judge<M: Model>(
    part: Part<M>,
    outcome: Option<Result<Found, Exhausted>>,
    budget: u64,
    steps: &mut u64,
) -> PartitionResult {
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
