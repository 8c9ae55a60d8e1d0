//! The one search: Wing and Gong's, with Lowe's list of pending events and Porcupine's memo.
//!
//! The operations' invocations and responses are put in one list in time order. The search
//! walks it from the front: at an invocation it tries to linearize that operation now (the
//! model's step must accept its recorded output in the current state), and if so takes it out
//! of the list (invocation and response) and starts again from the front; at a response it has
//! met an operation that returned before being linearized, so the latest choice was wrong: undo
//! it and try the next invocation after it. The history is linearizable once every operation
//! that returned has been linearized (operations that never returned need not be: they may
//! never have taken effect). It is not once there is nothing left to undo.
//!
//! Every (set of linearized operations, state) pair already explored is remembered, so no
//! configuration is searched twice (Lowe; Porcupine's cache). The set is remembered by a
//! 128-bit Zobrist hash (the XOR of a fixed random key per operation), updated in O(1) per
//! step, so an entry is 16 bytes plus the state whatever the history's length. Two different
//! sets colliding is a 2^-128 event per pair.
//!
//! The search is exponential in the worst case, so it runs on a step budget and a cap on the
//! memo, and says "exhausted" (the caller's "unknown") rather than hang or run out of memory.
use super::model::Model;
use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hash, Hasher};

/// One operation of a partition, as the search sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SearchOp<O> {
    /// When it was invoked and when it returned (None: never, or not yet), on any clock whose
    /// order is the real-time order. Ties: an invocation and a response at the same instant
    /// count as concurrent.
    pub call: u64,
    pub ret: Option<u64>,
    pub op: O,
}

/// The step budget or the memo's cap ran out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Exhausted;

/// How to search.
#[derive(Clone, Copy, Debug)]
pub struct Options {
    /// Identical operations that never returned are interchangeable: linearize them only in
    /// the order they were invoked (a symmetry reduction: any linearization using the later
    /// one first is matched by one using the earlier). Off for the simulator's path, whose step
    /// counts are reported and must not change.
    pub twins: bool,
    /// Record, for each operation, the longest linearized prefix found that contains it (as
    /// Porcupine's visualiser does): costs a pass over the stack at every backtrack.
    pub partials: bool,
    /// The most (set, state) pairs remembered; past it the search is exhausted.
    pub memo_cap: usize,
}

/// The memo's cap by default: about 32 bytes an entry, so half a gigabyte at most, and far
/// above what the vendored histories need (see the README's figures).
pub const MEMO_CAP: usize = 16_000_000;

/// The most operation indices kept in partial linearizations by one search.
const PARTIALS_CAP: usize = 4_000_000;

impl Options {
    /// As the simulator's history has always been checked.
    pub const PLAIN: Options = Options { twins: false, partials: false, memo_cap: MEMO_CAP };
    /// As imported histories are checked.
    pub const FAST: Options = Options { twins: true, partials: false, memo_cap: MEMO_CAP };
}

/// What the search found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Found {
    pub linearizable: bool,
    /// The linearization found (indices into the search's operations, in order): every
    /// operation that returned, and those that never did which took effect. Empty when not
    /// linearizable.
    pub linearization: Vec<usize>,
    /// With [`Options::partials`]: distinct longest partial linearizations (for a linearizable
    /// partition, just the linearization) ...
    pub partials: Vec<Vec<usize>>,
    /// ... and for each operation, which of them is the longest containing it.
    pub best: Vec<Option<usize>>,
    /// The latest response the search was stopped by: some configuration had linearized every
    /// operation that returned before it. (So, when not linearizable, every prefix of the
    /// history that ends before it is: the culprit is no earlier.) 0 if none.
    pub frontier: u64,
}

const NIL: usize = usize::MAX;

/// Search `ops` against `model`. `steps` counts steps across calls; the search is exhausted when
/// it passes `limit` (a bound on `*steps`, not on this call's own steps).
pub fn search<M: Model>(
    model: &mut M,
    ops: &[SearchOp<M::Op>],
    options: Options,
    limit: u64,
    steps: &mut u64,
) -> Result<Found, Exhausted> {
    let mut s = Search::new(model, ops, options);
    loop {
        if let Some(done) = s.run(model, u64::MAX, limit, steps) {
            return done;
        }
    }
}

/// A search that can be paused and resumed, so that several partitions can be searched in
/// turns (as Porcupine searches them in parallel) and the history judged as soon as one fails.
pub struct Search<'a, M: Model> {
    ops: &'a [SearchOp<M::Op>],
    options: Options,
    /// Events: (time, is_return, op), in time order. At equal times invocations come first, so
    /// operations that touch at an instant count as concurrent (their order was not observed).
    events: Vec<(u64, bool, usize)>,
    /// A doubly linked list over the events, with a head sentinel at index `events.len()`.
    next: Vec<usize>,
    prev: Vec<usize>,
    head: usize,
    return_of: Vec<usize>,
    returns_left: usize,
    twin_before: Vec<usize>,
    is_linearized: Vec<bool>,
    partials: Partials,
    zobrist: Vec<u128>,
    linearized: u128,
    seen: HashSet<(u128, M::State), BuildHasherDefault<MemoHasher>>,
    stack: Vec<(usize, M::State)>,
    state: M::State,
    entry: usize,
    frontier: u64,
}

impl<'a, M: Model> Search<'a, M> {
    pub fn new(model: &M, ops: &'a [SearchOp<M::Op>], options: Options) -> Self {
        let mut events: Vec<(u64, bool, usize)> = Vec::with_capacity(ops.len() * 2);
        for (k, op) in ops.iter().enumerate() {
            events.push((op.call, false, k));
            if let Some(r) = op.ret {
                events.push((r.max(op.call), true, k));
            }
        }
        events.sort_unstable();
        let m = events.len();
        let head = m;
        let mut next: Vec<usize> = (1..=m).map(|i| if i == m { NIL } else { i }).collect();
        next.push(if m == 0 { NIL } else { 0 });
        let mut prev: Vec<usize> = (0..m).map(|i| if i == 0 { head } else { i - 1 }).collect();
        prev.push(NIL);
        let mut return_of = vec![NIL; ops.len()];
        for (e, &(_, is_return, k)) in events.iter().enumerate() {
            if is_return {
                return_of[k] = e;
            }
        }
        let entry = next[head];
        Search {
            ops,
            options,
            returns_left: ops.iter().filter(|o| o.ret.is_some()).count(),
            twin_before: if options.twins { twins(ops) } else { Vec::new() },
            is_linearized: vec![false; if options.twins { ops.len() } else { 0 }],
            partials: Partials::new(ops.len(), options.partials),
            zobrist: (0..ops.len() as u64).map(zobrist_key).collect(),
            linearized: 0,
            seen: HashSet::default(),
            stack: Vec::new(),
            state: model.init(),
            events,
            next,
            prev,
            head,
            return_of,
            entry,
            frontier: 0,
        }
    }

    /// The (set, state) pairs remembered so far.
    pub fn memo_len(&self) -> usize {
        self.seen.len()
    }

    /// Search on until the step counter reaches `pause_at` (then None: not finished), or an
    /// answer: found, or exhausted once the counter passes `limit` or the memo its cap.
    pub fn run(
        &mut self,
        model: &mut M,
        pause_at: u64,
        limit: u64,
        steps: &mut u64,
    ) -> Option<Result<Found, Exhausted>> {
        let ops = self.ops;
        let options = self.options;
        let (next, prev) = (&mut self.next, &mut self.prev);
        let events = &self.events;
        while self.returns_left > 0 {
            if *steps >= pause_at {
                return None;
            }
            *steps += 1;
            if *steps > limit || self.seen.len() >= options.memo_cap {
                return Some(Err(Exhausted));
            }
            let entry = self.entry;
            let is_call = entry != NIL && !events[entry].1;
            if is_call {
                let k = events[entry].2;
                let blocked = options.twins && self.twin_before[k] != NIL && !self.is_linearized[self.twin_before[k]];
                if !blocked {
                    if let Some(new_state) = model.step(self.state, ops[k].op) {
                        if self.seen.insert((self.linearized ^ self.zobrist[k], new_state)) {
                            self.linearized ^= self.zobrist[k];
                            self.stack.push((entry, self.state));
                            self.state = new_state;
                            if options.twins {
                                self.is_linearized[k] = true;
                            }
                            lift(entry, next, prev);
                            if self.return_of[k] != NIL {
                                lift(self.return_of[k], next, prev);
                                self.returns_left -= 1;
                            }
                            self.entry = next[self.head];
                            continue;
                        }
                    }
                }
                self.entry = next[entry];
            } else {
                // A response whose operation was not linearized yet: undo the latest choice.
                if entry != NIL {
                    self.frontier = self.frontier.max(events[entry].0);
                }
                self.partials.backtrack(&self.stack, events);
                let Some((e, old_state)) = self.stack.pop() else {
                    let (partials, best) = std::mem::replace(&mut self.partials, Partials::new(0, false)).finish();
                    return Some(Ok(Found {
                        linearizable: false,
                        linearization: Vec::new(),
                        partials,
                        best,
                        frontier: self.frontier,
                    }));
                };
                let k = events[e].2;
                self.state = old_state;
                self.linearized ^= self.zobrist[k];
                if options.twins {
                    self.is_linearized[k] = false;
                }
                if self.return_of[k] != NIL {
                    unlift(self.return_of[k], next, prev);
                    self.returns_left += 1;
                }
                unlift(e, next, prev);
                self.entry = next[e];
            }
        }
        let linearization: Vec<usize> = self.stack.iter().map(|&(e, _)| events[e].2).collect();
        let (partials, best) = if options.partials {
            let mut best = vec![None; ops.len()];
            for &k in &linearization {
                best[k] = Some(0);
            }
            (vec![linearization.clone()], best)
        } else {
            (Vec::new(), Vec::new())
        };
        Some(Ok(Found { linearizable: true, linearization, partials, best, frontier: self.frontier }))
    }
}

/// Unlink an operation's invocation (or response) from the list, or put it back.
fn lift(e: usize, next: &mut [usize], prev: &mut [usize]) {
    let (p, n) = (prev[e], next[e]);
    next[p] = n;
    if n != NIL {
        prev[n] = p;
    }
}

fn unlift(e: usize, next: &mut [usize], prev: &mut [usize]) {
    let (p, n) = (prev[e], next[e]);
    next[p] = e;
    if n != NIL {
        prev[n] = e;
    }
}

/// For each operation that never returned, the previous such operation (in invocation order)
/// identical to it, NIL if none: the one it must wait for under [`Options::twins`].
fn twins<O: Copy + Eq + Hash>(ops: &[SearchOp<O>]) -> Vec<usize> {
    let mut out = vec![NIL; ops.len()];
    let mut open: Vec<usize> = (0..ops.len()).filter(|&k| ops[k].ret.is_none()).collect();
    open.sort_unstable_by_key(|&k| (ops[k].call, k));
    let mut last: HashMap<O, usize> = HashMap::new();
    for k in open {
        if let Some(j) = last.insert(ops[k].op, k) {
            out[k] = j;
        }
    }
    out
}

/// Porcupine's partial linearizations: at every backtrack, the stack is a linearized prefix;
/// each operation on it remembers the longest such prefix it was part of.
struct Partials {
    on: bool,
    best_len: Vec<usize>,
    best: Vec<Option<usize>>,
    kept: Vec<Vec<usize>>,
    kept_len: usize,
}

impl Partials {
    fn new(n: usize, on: bool) -> Partials {
        let n = if on { n } else { 0 };
        Partials { on, best_len: vec![0; n], best: vec![None; n], kept: Vec::new(), kept_len: 0 }
    }

    fn backtrack<S>(&mut self, stack: &[(usize, S)], events: &[(u64, bool, usize)]) {
        if !self.on || self.kept_len > PARTIALS_CAP {
            return;
        }
        let d = stack.len();
        let mut snapshot: Option<usize> = None;
        for &(e, _) in stack {
            let k = events[e].2;
            if self.best_len[k] < d {
                let id = *snapshot.get_or_insert_with(|| {
                    self.kept.push(stack.iter().map(|&(e, _)| events[e].2).collect());
                    self.kept_len += d;
                    self.kept.len() - 1
                });
                self.best_len[k] = d;
                self.best[k] = Some(id);
            }
        }
    }

    /// The prefixes still some operation's longest, renumbered, and each operation's.
    fn finish(self) -> (Vec<Vec<usize>>, Vec<Option<usize>>) {
        if !self.on {
            return (Vec::new(), Vec::new());
        }
        let mut renumber = vec![NIL; self.kept.len()];
        let mut kept: Vec<Vec<usize>> = Vec::new();
        let mut slots: Vec<Option<Vec<usize>>> = self.kept.into_iter().map(Some).collect();
        let best = self
            .best
            .iter()
            .map(|b| {
                b.map(|id| {
                    if renumber[id] == NIL {
                        renumber[id] = kept.len();
                        kept.push(slots[id].take().unwrap_or_default());
                    }
                    renumber[id]
                })
            })
            .collect();
        (kept, best)
    }
}

/// A fixed pseudo-random 128-bit key for operation `k` (SplitMix64, twice).
fn zobrist_key(k: u64) -> u128 {
    fn splitmix(mut z: u64) -> u64 {
        z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    ((splitmix(2 * k) as u128) << 64) | splitmix(2 * k + 1) as u128
}

/// The memo's hasher: its keys start with a Zobrist hash, already uniformly random, so mixing
/// in the few words that follow (the state) with one multiply each is enough; SipHash would
/// spend most of a step's time here.
#[derive(Default)]
pub struct MemoHasher(u64);

impl Hasher for MemoHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(b as u64);
        }
    }
    fn write_u8(&mut self, n: u8) {
        self.write_u64(n as u64);
    }
    fn write_u32(&mut self, n: u32) {
        self.write_u64(n as u64);
    }
    fn write_usize(&mut self, n: usize) {
        self.write_u64(n as u64);
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(26) ^ n).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
    fn write_u128(&mut self, n: u128) {
        self.write_u64(n as u64);
        self.write_u64((n >> 64) as u64);
    }
}
