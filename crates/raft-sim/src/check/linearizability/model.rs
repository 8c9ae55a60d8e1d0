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
use std::collections::HashMap;
use std::hash::Hash;

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
/// A state is not the string but a 122-bit polynomial hash of it (two residues modulo the prime
/// 2^61 - 1), so that it is `Copy`, a step allocates nothing, and an append is two
/// multiplications: hash(s + v) = hash(s) * B^len(v) + hash(v). A get compares the state with
/// its answer's hash. Two different strings of the vendored histories' lengths share a hash
/// with a probability below 2^-100 a pair (the same kind of risk as the memo's Zobrist hash).
pub struct KvStore {
    /// For each interned value: its hash, and B^len for each residue.
    values: Vec<(KvState, KvState)>,
    ids: HashMap<String, Value>,
}

/// A string's hash: two residues modulo 2^61 - 1.
pub type KvState = (u64, u64);

/// An operation on one key of Porcupine's store, strings interned by [`KvStore::intern`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum KvOp {
    /// A get that answered `Value` (gets without an answer are left out).
    Get(Value),
    Put(Value),
    Append(Value),
}

const P61: u64 = (1 << 61) - 1;
/// Two fixed bases (odd, large, unrelated).
const BASES: (u64, u64) = (0x1F3D_5B79_A1C3_E5F7 % P61, 0x0A2B_4C6D_8E0F_1A3B % P61);

fn mul_mod(a: u64, b: u64) -> u64 {
    let p = (a as u128) * (b as u128);
    let r = ((p & P61 as u128) as u64) + ((p >> 61) as u64);
    let r = (r & P61) + (r >> 61);
    if r >= P61 {
        r - P61
    } else {
        r
    }
}

fn add_mod(a: u64, b: u64) -> u64 {
    let r = a + b;
    if r >= P61 {
        r - P61
    } else {
        r
    }
}

/// The hash of `s` and B^len(s), per residue. Bytes count from 1 so that no string hashes
/// like a longer one padded with zeros.
fn hash_str(s: &str) -> (KvState, KvState) {
    let (mut h, mut pow) = ((0u64, 0u64), (1u64, 1u64));
    for &b in s.as_bytes() {
        let c = b as u64 + 1;
        h = (add_mod(mul_mod(h.0, BASES.0), c), add_mod(mul_mod(h.1, BASES.1), c));
        pow = (mul_mod(pow.0, BASES.0), mul_mod(pow.1, BASES.1));
    }
    (h, pow)
}

impl KvStore {
    /// The empty string's id.
    pub const EMPTY: Value = 0;

    pub fn new() -> KvStore {
        let mut store = KvStore { values: Vec::new(), ids: HashMap::new() };
        store.intern("");
        store
    }

    /// The id of `s`, interning it if new.
    pub fn intern(&mut self, s: &str) -> Value {
        if let Some(&id) = self.ids.get(s) {
            return id;
        }
        let id = self.values.len() as Value;
        self.values.push(hash_str(s));
        self.ids.insert(s.to_string(), id);
        id
    }

    /// The state holding exactly the string `v` (interned).
    pub fn state_of(&self, v: Value) -> KvState {
        self.values[v as usize].0
    }
}

impl Default for KvStore {
    fn default() -> Self {
        KvStore::new()
    }
}

impl Model for KvStore {
    type State = KvState;
    type Op = KvOp;
    fn init(&self) -> KvState {
        (0, 0)
    }
    fn step(&mut self, state: KvState, op: KvOp) -> Option<KvState> {
        match op {
            KvOp::Get(v) => (self.values[v as usize].0 == state).then_some(state),
            KvOp::Put(v) => Some(self.values[v as usize].0),
            KvOp::Append(v) => {
                let (h, pow) = self.values[v as usize];
                Some((add_mod(mul_mod(state.0, pow.0), h.0), add_mod(mul_mod(state.1, pow.1), h.1)))
            }
        }
    }
    fn forget_output(op: KvOp) -> Option<KvOp> {
        match op {
            KvOp::Get(_) => None,
            other => Some(other),
        }
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
        let empty = m.init();
        assert_eq!(m.state_of(KvStore::EMPTY), empty, "absent reads as \"\"");
        assert_eq!(m.step(empty, KvOp::Get(KvStore::EMPTY)), Some(empty));
        assert_eq!(m.step(empty, KvOp::Get(x)), None);
        let sx = m.step(m.state_of(y), KvOp::Put(x)).unwrap();
        assert_eq!(sx, m.state_of(x));
        let sxy = m.step(sx, KvOp::Append(y)).unwrap();
        assert_eq!(sxy, m.state_of(xy), "appending gives the state a get of the whole string reads");
        assert_eq!(m.step(sxy, KvOp::Get(xy)), Some(sxy));
        assert_eq!(m.step(sxy, KvOp::Get(x)), None);
        let yx = m.intern("yx");
        let sy = m.step(empty, KvOp::Append(y)).unwrap();
        let syx = m.step(sy, KvOp::Append(x)).unwrap();
        assert_eq!(syx, m.state_of(yx));
        assert_ne!(syx, sxy, "order matters");
        // No zero-padding collisions: "a" then "" differs from "a\0".
        let a0 = m.intern("a\0");
        let a = m.intern("a");
        assert_ne!(m.state_of(a0), m.state_of(a));
        assert_eq!(m.step(m.state_of(a), KvOp::Append(KvStore::EMPTY)), Some(m.state_of(a)));
        assert_eq!(KvStore::forget_output(KvOp::Get(x)), None);
    }
}
