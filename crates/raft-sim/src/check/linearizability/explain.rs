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
/// the prefix), found by bisection; with the operations of that prefix. `limit` gives the
/// search's bound on the step counter before each search. When a search runs out, bisection
/// stops where it is (the time found may then be later than the earliest).
pub fn first_failure<M: Model>(
    model: &mut M,
    ops: &[SearchOp<M::Op>],
    options: Options,
    limit: impl Fn(u64) -> u64,
    steps: &mut u64,
) -> (u64, Vec<SearchOp<M::Op>>, Vec<usize>) {
    let mut times: Vec<u64> = ops.iter().filter_map(|o| o.ret).collect();
    times.sort_unstable();
    times.dedup();
    let (mut lo, mut hi) = (0usize, times.len().saturating_sub(1));
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

/// A subset of `ops` (indices, in order) that cannot be linearized and from which no single
/// operation can be removed without it becoming linearizable (when every search finished
/// within `limit`): chunks are removed while the rest still fails, halving the chunk down to
/// single operations (in the manner of delta debugging). `ops` must fail.
pub fn minimize<M: Model>(
    model: &mut M,
    ops: &[SearchOp<M::Op>],
    options: Options,
    limit: u64,
    steps: &mut u64,
) -> Vec<usize> {
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
            if *steps < limit && fails(model, &trial, options, limit, steps) {
                keep.drain(start..end);
            }
            end = start;
        }
        // Removing one operation can make another removable (a read no longer explained by a
        // write makes the write's own removal fail), so single operations are tried until a
        // pass removes none.
        if chunk == 1 && keep.len() == before {
            return keep;
        }
        chunk = chunk.div_ceil(2);
    }
}
