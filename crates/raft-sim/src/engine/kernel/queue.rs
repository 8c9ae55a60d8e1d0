//! The event queue's entries: what is due, when, and in which order among equals.
use raft_core::Micros;
use std::cmp::Ordering;

/// What a queued event does: a message arrives (or dies), or a wake-up the host set for
/// itself fires. The host's wake-ups are its own type `T`: the engine only orders them.
#[derive(Clone, Debug)]
pub enum Pending<T> {
    /// A message arrives (or dies): its slot in the kernel's message slab.
    Arrive(u32),
    /// A wake-up of the host's: a node's timer, a timeline action, a client's next move.
    Wake(T),
}

/// An entry of the queue. Events run in (time, sequence) order: the sequence number, taken
/// when the event is scheduled, breaks ties between events due at the same microsecond, so
/// the order never depends on the heap's internals.
#[derive(Clone, Debug)]
pub struct Scheduled<T> {
    pub at: Micros,
    pub seq: u64,
    pub kind: Pending<T>,
}

impl<T> PartialEq for Scheduled<T> {
    fn eq(&self, other: &Self) -> bool {
        (self.at, self.seq) == (other.at, other.seq)
    }
}
impl<T> Eq for Scheduled<T> {}
impl<T> PartialOrd for Scheduled<T> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl<T> Ord for Scheduled<T> {
    // Reversed: BinaryHeap is a max-heap and we want the earliest (time, seq) first.
    fn cmp(&self, other: &Self) -> Ordering {
        (other.at, other.seq).cmp(&(self.at, self.seq))
    }
}
