//! Linearizability: one checker, more models.
//!
//! A history of operations on a shared object is *linearizable* (Herlihy and Wing, 1990) if
//! every operation can be given a single instant between its invocation and its response such
//! that the results are what one copy of the object would give with the operations run one at
//! a time in the order of those instants. Operations that overlap may take effect in either
//! order; one that finished before another began must come first. An operation that never
//! returned (Jepsen's `:info`, a crash, a request still open) may take effect at any instant
//! after its invocation, or never, as Porcupine and Knossos treat them.
//!
//! **How it is checked.** Wing and Gong's search (1993) tries orders: walk the history's
//! events in time order, tentatively linearize an operation whose result agrees with the
//! current state, and backtrack when some operation's response is reached before it was
//! linearized. Lowe (2017) keeps the pending invocations and responses in one linked list (so
//! an operation is linearized just in time, when its response forces it, and taken out and put
//! back in O(1)) and remembers every (set of linearized operations, state) pair already
//! explored, so that no configuration is searched twice. Porcupine (Athalye) adds
//! *P-compositionality* (Horn and Kroening): a history is linearizable iff each key's
//! sub-history is, so a key-value history is checked key by key; and its cache of
//! (bitset, state) pairs. Here the set is a 128-bit Zobrist hash rather than a bitset (16
//! bytes an entry whatever the history's length), states are small interned integers, and
//! identical operations that never returned are linearized only in invocation order (a
//! symmetry reduction that leaves the verdict unchanged). The search is exponential in the
//! worst case, so it runs on a step budget and a memory cap and says "unknown" when either
//! runs out rather than hang.
//!
//! **The modules.**
//! - [`model`]: the [`model::Model`] trait (a state, an initial one, a step) and the three
//!   models: the simulator's store (a put returns the previous value), Jepsen's
//!   compare-and-set register, Porcupine's key-value store with get / put / append.
//! - [`search`]: the one search all models use, with Porcupine's partial linearizations.
//! - [`explain`]: the culprit and a smallest set of operations that cannot be ordered, checked
//!   by searching again.
//! - [`simulator`]: the simulator's history ([`check_run`], [`check_history`]), reported as
//!   campaigns, tours, the CLI and the page read it.
//! - [`history`], [`jepsen`], [`porcupine_kv`]: histories from elsewhere and their file
//!   formats, read with bounds; [`judge`]: [`check`] for them. The crate re-exports this
//!   module as `raft_sim::lincheck`. [`states`]: the model's state along a linearization, in
//!   words (the page's scrubber shows it).
pub mod explain;
pub mod history;
pub mod jepsen;
pub mod judge;
pub mod model;
pub mod porcupine_kv;
pub mod search;
pub mod simulator;
pub mod states;

pub use history::{
    detect, parse, Format, History, Input, ModelKind, Operation, Output, ParseError, MAX_HISTORY_BYTES, MAX_LINE_BYTES,
    MAX_OPERATIONS,
};
pub use judge::{check, decide, Decision, Judgement, PartitionResult, DEFAULT_BUDGET as DEFAULT_LINCHECK_BUDGET};
pub use simulator::{check_history, check_run, LinearizabilityReport, ReportedOp, Verdict, DEFAULT_BUDGET};
pub use states::states;
