//! The sequential specifications the search checks histories against.
//!
//! A [`Model`] is a state machine: an initial state and a step function that, given a state and
//! an operation (its input and its recorded output together), says whether the output is one
//! the object could have given in that state, and if so the state after. The search
//! ([`super::search`]) knows nothing else about the object, so one search serves every model.
//!
//! Partitioning (Porcupine's P-compositionality: a history is linearizable iff each key's
//! sub-history is) is done before the search, by whoever builds the search's input: one key of
//! the simulator's store or of Porcupine's key-value store per partition, the whole register
//! as one.
//!
//! States are small `Copy` values, so the memo of (linearized set, state) pairs stays compact and
//! a step allocates nothing: values are interned as small integers before the search, and the
//! key-value store's strings (which `append` grows) are interned as they first appear.
use super::search::MemoHasher;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hash};

/// A sequential specification.
pub trait Model {
    /// The object's state: small and `Copy` (interned values, not strings).
    type State: Copy + Eq + Hash;
    /// An operation as the search sees it: its input and recorded output, interned.
    type Op: Copy + Eq + Hash;
    /// The state before any operation.
    fn init(&self) -> Self::State;
    /// Apply `op` in `state`: the state after, or None if `op`'s recorded output could not have
    /// come from `state`. `&mut self` lets a model intern the states it meets (the key-value
    /// store's strings); the answer depends only on `state` and `op`.
    fn step(&mut self, state: Self::State, op: Self::Op) -> Option<Self::State>;
    /// The same operation with its output forgotten, as if it had not returned yet (what the
    /// explanation does to operations that return after the moment it looks at): None when an
    /// operation without an output constrains nothing and changes nothing (a read).
    fn forget_output(op: Self::Op) -> Option<Self::Op>;
    /// Whether the search may cap its memory here: a model that interns states it meets may
    /// have run out of room (see [`KvStore`]), and then the search says "unknown".
    fn exhausted(&self) -> bool {
        false
    }
}

/// An interned value: values are numbered in order of first appearance within a partition.
pub type Value = u32;

/// The simulator's key-value store, one key: `put` writes and returns the previous value (or
/// nothing when the key was absent), `get` returns the value.
pub struct SimStore;

/// An operation on the simulator's store, values interned.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SimOp {
    /// Writes `value`; returns the previous value (`None` when the response is unknown).
    Put { value: Value, returned: Option<Option<Value>> },
    /// Returns the value (gets without a response constrain nothing and are left out).
    Get { returned: Option<Value> },
}

impl Model for SimStore {
    type State = Option<Value>;
    type Op = SimOp;
    fn init(&self) -> Option<Value> {
        None
    }
    fn step(&mut self, state: Option<Value>, op: SimOp) -> Option<Option<Value>> {
        match op {
            SimOp::Put { value, returned } => match returned {
                Some(prev) if prev != state => None,
                _ => Some(Some(value)),
            },
            SimOp::Get { returned } => (returned == state).then_some(state),
        }
    }
    fn forget_output(op: SimOp) -> Option<SimOp> {
        match op {
            SimOp::Put { value, .. } => Some(SimOp::Put { value, returned: None }),
            SimOp::Get { .. } => None,
        }
    }
}

/// Jepsen's compare-and-set register (etcd in Porcupine's test histories): it starts empty
/// (nil); read returns the value or nil; write always succeeds; cas(from, to) succeeds iff the
/// value is `from`, and then writes `to`.
pub struct Register;

/// The register's "nil": no value written yet.
pub const NIL: Value = Value::MAX;

/// An operation on the register, values interned ([`NIL`] for nil).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RegisterOp {
    /// A read that returned `Value` (reads without an answer constrain nothing: left out).
    Read(Value),
    /// A write, acknowledged or not (an unacknowledged one may or may not have taken effect,
    /// which the search gets by never being forced to linearize it).
    Write(Value),
    /// A cas that answered ok: the value was `from`, and is now `to`.
    CasOk { from: Value, to: Value },
    /// A cas that answered fail: the value was not `from` (and is unchanged). This is
    /// Porcupine's reading of `:fail :cas [from to]`: a failed compare is an observation.
    CasFail { from: Value },
    /// A cas with no answer (`:info`): if it took effect and the value was `from`, it is `to`.
    CasUnknown { from: Value, to: Value },
}

impl Model for Register {
    type State = Value;
    type Op = RegisterOp;
    fn init(&self) -> Value {
        NIL
    }
    fn step(&mut self, state: Value, op: RegisterOp) -> Option<Value> {
        match op {
            RegisterOp::Read(v) => (v == state).then_some(state),
            RegisterOp::Write(v) => Some(v),
            RegisterOp::CasOk { from, to } => (from == state).then_some(to),
            RegisterOp::CasFail { from } => (from != state).then_some(state),
            RegisterOp::CasUnknown { from, to } => Some(if from == state { to } else { state }),
        }
    }
    fn forget_output(op: RegisterOp) -> Option<RegisterOp> {
        match op {
            RegisterOp::Read(_) => None,
            RegisterOp::Write(v) => Some(RegisterOp::Write(v)),
            RegisterOp::CasOk { from, to } | RegisterOp::CasUnknown { from, to } => {
                Some(RegisterOp::CasUnknown { from, to })
            }
            // A failed cas changed nothing whatever it answered: without its answer, nothing.
            RegisterOp::CasFail { .. } => None,
        }
    }
}

/// Porcupine's key-value store, one key: the value is a string, "" when absent; get returns
/// it, put replaces it, append appends to it.
///
/// States are interned strings: a get's answer is interned before the search (so comparing a
/// state with it is comparing two integers), and the strings `append` makes are interned when
/// first made, with the transition remembered so a step allocates only the first time. The
/// strings kept are capped at [`KvStore::MAX_BYTES`]; past that, [`Model::exhausted`] is true
/// and the search answers "unknown" rather than use unbounded memory.
pub struct KvStore {
    strings: Vec<String>,
    ids: HashMap<String, Value>,
    /// (state, appended value) -> state after: hashed with the memo's cheap hasher, as this is
    /// on the search's hot path.
    appended: HashMap<(Value, Value), Value, BuildHasherDefault<MemoHasher>>,
    bytes: usize,
}

/// An operation on one key of Porcupine's store, strings interned by [`KvStore::intern`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum KvOp {
    /// A get that answered `Value` (gets without an answer are left out).
    Get(Value),
    Put(Value),
    Append(Value),
}

impl KvStore {
    /// The most bytes of state strings one search keeps (far above what the vendored histories
    /// need: their longest value is a few kilobytes).
    pub const MAX_BYTES: usize = 256 << 20;
    /// The empty string's id: the initial state.
    pub const EMPTY: Value = 0;

    pub fn new() -> KvStore {
        let mut store = KvStore { strings: Vec::new(), ids: HashMap::new(), appended: HashMap::default(), bytes: 0 };
        store.intern("");
        store
    }

    /// The id of `s`, interning it if new.
    pub fn intern(&mut self, s: &str) -> Value {
        if let Some(&id) = self.ids.get(s) {
            return id;
        }
        let id = self.strings.len() as Value;
        self.bytes += s.len();
        self.strings.push(s.to_string());
        self.ids.insert(s.to_string(), id);
        id
    }
}

impl Default for KvStore {
    fn default() -> Self {
        KvStore::new()
    }
}

impl Model for KvStore {
    type State = Value;
    type Op = KvOp;
    fn init(&self) -> Value {
        KvStore::EMPTY
    }
    fn step(&mut self, state: Value, op: KvOp) -> Option<Value> {
        match op {
            KvOp::Get(v) => (v == state).then_some(state),
            KvOp::Put(v) => Some(v),
            KvOp::Append(v) => {
                if v == KvStore::EMPTY {
                    return Some(state);
                }
                if let Some(&next) = self.appended.get(&(state, v)) {
                    return Some(next);
                }
                if self.exhausted() {
                    // Out of room: any answer will do, the search stops at its next step.
                    return Some(state);
                }
                let joined = format!("{}{}", self.strings[state as usize], self.strings[v as usize]);
                let next = self.intern(&joined);
                self.appended.insert((state, v), next);
                Some(next)
            }
        }
    }
    fn forget_output(op: KvOp) -> Option<KvOp> {
        match op {
            KvOp::Get(_) => None,
            other => Some(other),
        }
    }
    fn exhausted(&self) -> bool {
        self.bytes > KvStore::MAX_BYTES
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_simulators_store_returns_the_previous_value() {
        let mut m = SimStore;
        assert_eq!(m.step(None, SimOp::Put { value: 1, returned: Some(None) }), Some(Some(1)));
        assert_eq!(m.step(Some(2), SimOp::Put { value: 1, returned: Some(None) }), None);
        assert_eq!(m.step(Some(2), SimOp::Put { value: 1, returned: None }), Some(Some(1)));
        assert_eq!(m.step(Some(2), SimOp::Get { returned: Some(2) }), Some(Some(2)));
        assert_eq!(m.step(None, SimOp::Get { returned: Some(2) }), None);
        assert_eq!(SimStore::forget_output(SimOp::Get { returned: None }), None);
    }

    #[test]
    fn the_register_reads_writes_and_compares() {
        let mut m = Register;
        assert_eq!(m.step(NIL, RegisterOp::Read(NIL)), Some(NIL));
        assert_eq!(m.step(NIL, RegisterOp::Read(3)), None);
        assert_eq!(m.step(NIL, RegisterOp::Write(3)), Some(3));
        assert_eq!(m.step(3, RegisterOp::CasOk { from: 3, to: 4 }), Some(4));
        assert_eq!(m.step(2, RegisterOp::CasOk { from: 3, to: 4 }), None);
        assert_eq!(m.step(2, RegisterOp::CasFail { from: 3 }), Some(2));
        assert_eq!(m.step(3, RegisterOp::CasFail { from: 3 }), None);
        assert_eq!(m.step(NIL, RegisterOp::CasFail { from: 3 }), Some(NIL));
        assert_eq!(m.step(3, RegisterOp::CasUnknown { from: 3, to: 4 }), Some(4));
        assert_eq!(m.step(2, RegisterOp::CasUnknown { from: 3, to: 4 }), Some(2));
        assert_eq!(
            Register::forget_output(RegisterOp::CasOk { from: 1, to: 2 }),
            Some(RegisterOp::CasUnknown { from: 1, to: 2 })
        );
        assert_eq!(Register::forget_output(RegisterOp::CasFail { from: 1 }), None);
    }

    #[test]
    fn the_kv_store_gets_puts_and_appends() {
        let mut m = KvStore::new();
        let x = m.intern("x");
        let y = m.intern("y");
        let xy = m.intern("xy");
        assert_eq!(m.step(KvStore::EMPTY, KvOp::Get(KvStore::EMPTY)), Some(KvStore::EMPTY));
        assert_eq!(m.step(KvStore::EMPTY, KvOp::Get(x)), None);
        assert_eq!(m.step(y, KvOp::Put(x)), Some(x));
        assert_eq!(m.step(x, KvOp::Append(y)), Some(xy), "appending interns to the same id as the read");
        assert_eq!(m.step(x, KvOp::Append(y)), Some(xy), "and remembers the transition");
        let xyy = m.step(xy, KvOp::Append(y)).unwrap();
        assert_eq!(m.intern("xyy"), xyy);
        assert!(!m.exhausted());
    }
}
