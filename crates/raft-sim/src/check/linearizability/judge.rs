//! Judging a history from elsewhere: partition it (by key for the key-value store, the whole
//! history for the register), search each partition with the shared search, and for a
//! partition that fails, explain it: the partial linearizations Porcupine's visualiser would
//! draw, the culprit, and a smallest set of operations that cannot be ordered.
use super::explain::{first_failure, minimize};
use super::history::{History, Input, ModelKind, Output};
use super::model::{KvOp, KvStore, Model, Register, RegisterOp, Value, NIL};
use super::search::{search, Exhausted, Options, SearchOp};
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

/// Judge `history` within `budget` search steps for the verdict (the explanation of a
/// violation may spend as much again).
pub fn check(history: &History, budget: u64) -> Judgement {
    let mut steps = 0u64;
    let partitions = match history.model {
        ModelKind::Register => {
            let all: Vec<usize> = (0..history.ops.len()).collect();
            vec![register_partition(history, all, budget, &mut steps)]
        }
        ModelKind::KeyValue => {
            let mut by_key: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
            for (i, op) in history.ops.iter().enumerate() {
                by_key.entry(op.key().unwrap_or("")).or_default().push(i);
            }
            by_key.into_iter().map(|(key, all)| kv_partition(history, key, all, budget, &mut steps)).collect()
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

/// The register's operations, values interned (nil is [`NIL`]); reads without an answer and
/// writes that failed are left out (they constrain nothing and changed nothing).
fn register_partition(history: &History, all: Vec<usize>, budget: u64, steps: &mut u64) -> PartitionResult {
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
    judge(Register, None, all, &ops, &index, budget, steps)
}

/// One key's operations, strings interned; gets without an answer and failed operations are
/// left out.
fn kv_partition(history: &History, key: &str, all: Vec<usize>, budget: u64, steps: &mut u64) -> PartitionResult {
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
    judge(model, Some(key.to_string()), all, &ops, &index, budget, steps)
}

fn search_op<O>(o: &super::history::Operation, op: O) -> SearchOp<O> {
    // An operation that did not answer has no response, whatever the file said.
    let ret = if o.output == Output::Unknown { None } else { o.ret };
    SearchOp { call: o.call, ret, op }
}

/// Search one partition and, if it fails, explain it. `index[k]` is the history index of
/// `ops[k]`; `all` every history index of the partition.
fn judge<M: Model>(
    mut model: M,
    key: Option<String>,
    all: Vec<usize>,
    ops: &[SearchOp<M::Op>],
    index: &[usize],
    budget: u64,
    steps: &mut u64,
) -> PartitionResult {
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
    let found = match search(&mut model, ops, Options::FAST, budget, steps) {
        Ok(found) => found,
        Err(Exhausted) => return result,
    };
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
    let tracked = Options { partials: true, ..Options::FAST };
    if let Ok(found) = search(&mut model, ops, tracked, limit, steps) {
        result.linearizations = found.partials.iter().map(|p| p.iter().map(|&k| index[k]).collect()).collect();
        for (k, best) in found.best.iter().enumerate() {
            result.best_for_op[position[&index[k]]] = *best;
        }
    }
    let (t, _, failing) = first_failure(&mut model, ops, Options::FAST, |_| limit, steps);
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
