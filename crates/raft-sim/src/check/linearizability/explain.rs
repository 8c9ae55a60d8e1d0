//! Why a partition is not linearizable: the culprit (the response after which no order works)
//! and a smallest set of operations that cannot be ordered, each claim verified by searching
//! again. For every model, through the same search.
use super::model::Model;
use super::search::{search, Exhausted, Options, SearchOp};

/// The partition as it stood at time `t`: later invocations unseen, later responses not yet
/// received (those operations are open: their outputs forgotten, and an open operation that
/// constrains nothing dropped). Returns the operations and their indices in `ops`.
pub fn prefix<M: Model>(ops: &[SearchOp<M::Op>], t: u64) -> (Vec<SearchOp<M::Op>>, Vec<usize>) {
    let mut out = Vec::new();
    let mut index = Vec::new();
    for (k, o) in ops.iter().enumerate() {
        if o.call > t {
            continue;
        }
        let mut o = *o;
        if o.ret.is_some_and(|r| r > t) {
            o.ret = None;
            match M::forget_output(o.op) {
                Some(op) => o.op = op,
                None => continue,
            }
        }
        out.push(o);
        index.push(k);
    }
    (out, index)
}

/// The earliest response time after which `ops` cannot be linearized (failing is monotone in
/// the prefix), found by bisection among the response times from `from` on (a time before
/// which every prefix is known to be linearizable, such as the search's
/// [`super::search::Found::frontier`]); with the operations of that prefix. `limit` gives the
/// search's bound on the step counter before each search. When a search runs out, bisection
/// stops where it is (the time found may then be later than the earliest).
pub fn first_failure<M: Model>(
    model: &mut M,
    ops: &[SearchOp<M::Op>],
    options: Options,
    from: u64,
    limit: impl Fn(u64) -> u64,
    steps: &mut u64,
) -> (u64, Vec<SearchOp<M::Op>>, Vec<usize>) {
    let mut times: Vec<u64> = ops.iter().filter_map(|o| o.ret).collect();
    times.sort_unstable();
    times.dedup();
    let hi = times.len().saturating_sub(1);
    let (mut lo, mut hi) = (times.partition_point(|&t| t < from).min(hi), hi);
    while lo < hi {
        let mid = (lo + hi) / 2;
        let bound = limit(*steps);
        match search(model, &prefix::<M>(ops, times[mid]).0, options, bound, steps) {
            Ok(found) if !found.linearizable => hi = mid,
            Ok(_) => lo = mid + 1,
            Err(Exhausted) => break,
        }
    }
    let t = times.get(hi).copied().unwrap_or(0);
    let (failing, index) = prefix::<M>(ops, t);
    (t, failing, index)
}

/// Whether `ops` is known not to be linearizable (an exhausted search counts as not known).
fn fails<M: Model>(model: &mut M, ops: &[SearchOp<M::Op>], options: Options, limit: u64, steps: &mut u64) -> bool {
    matches!(search(model, ops, options, limit, steps), Ok(found) if !found.linearizable)
}

/// Whether `ops` is known to be linearizable once real time is forgotten (every operation
/// concurrent with every other): whether some sequential order explains all their results.
/// With every operation concurrent the search is at its hardest when no order exists, so it
/// gets a small budget: when an order exists, the search finds one quickly; running out
/// counts as "no".
fn explainable<M: Model>(
    model: &mut M,
    ops: &[SearchOp<M::Op>],
    options: Options,
    limit: u64,
    steps: &mut u64,
) -> bool {
    let limit = limit.min(steps.saturating_add(RELAXED_STEPS + 64 * ops.len() as u64));
    let relaxed: Vec<SearchOp<M::Op>> =
        ops.iter().map(|o| SearchOp { call: 0, ret: o.ret.map(|_| 1), op: o.op }).collect();
    matches!(search(model, &relaxed, options, limit, steps), Ok(found) if found.linearizable)
}

/// The budget of a search with real time forgotten, beyond 64 steps an operation.
const RELAXED_STEPS: u64 = 4_096;

/// A subset of `ops` (indices, in order) that cannot be linearized, found by removing
/// operations while what is left still fails: chunks first, halving the chunk down to single
/// operations (in the manner of delta debugging), then single operations until none can go.
///
/// Removing the write of a value makes every read of it fail on its own ("a value nobody
/// wrote"), which explains nothing about order. So when some sequential order explains all of
/// `ops`' results and only real time rules it out, a removal is kept only if that stays so:
/// the set found cannot be *ordered*, though each result has its source in it. Then removing
/// any one operation leaves a set that is linearizable or whose results no order explains.
/// (When no order explains `ops` at all, some result has no source, and the set found is
/// plainly minimal: removing any one operation leaves it linearizable.) Searches that run out
/// of `limit` count as "not known to fail": the set found is then still unorderable, perhaps
/// not minimal. `ops` must fail.
pub fn minimize<M: Model>(
    model: &mut M,
    ops: &[SearchOp<M::Op>],
    options: Options,
    limit: u64,
    steps: &mut u64,
) -> Vec<usize> {
    let ordering_only = explainable(model, ops, options, limit, steps);
    let mut keep: Vec<usize> = (0..ops.len()).collect();
    let mut chunk = keep.len().div_ceil(2).max(1);
    let mut trial: Vec<SearchOp<M::Op>> = Vec::with_capacity(ops.len());
    loop {
        let before = keep.len();
        // From the end backwards: the operations nearest the failure are tried last, when the
        // set is already small.
        let mut end = keep.len();
        while end > 0 && keep.len() > 1 {
            let start = end.saturating_sub(chunk);
            trial.clear();
            trial.extend(keep[..start].iter().chain(&keep[end..]).map(|&k| ops[k]));
            if *steps < limit
                && fails(model, &trial, options, limit, steps)
                && (!ordering_only || explainable(model, &trial, options, limit, steps))
            {
                keep.drain(start..end);
            }
            end = start;
        }
        // Removing one operation can make another removable, so single operations are tried
        // until a pass removes none.
        if chunk == 1 && keep.len() == before {
            return keep;
        }
        chunk = chunk.div_ceil(2);
    }
}
