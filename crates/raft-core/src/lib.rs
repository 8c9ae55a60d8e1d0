//! A sans-IO Raft core.
//!
//! [`RaftNode`] is one server of Figure 2 of the Raft paper as a pure state machine. The caller
//! feeds it inputs — a received [`Message`], the passing of time (`now` on every call plus
//! [`RaftNode::handle_timeout`]), a client request, an operator action — and drains a [`Ready`]
//! holding what must reach stable storage (the hard state, a snapshot, and with it a
//! [`LogWrite`] of log entries borrowed from the node), the messages to send, the entries
//! applied and the replies to clients. The node never reads a clock, performs I/O or draws global randomness:
//! the election timeout comes from an [`Entropy`] source the caller passes in, so a simulator
//! can replay any run exactly.
//!
//! The loop every host runs: give a node an input, then drain its [`Ready`] — write what must
//! be persisted, send the messages — and repeat. Three servers on a network without latency,
//! until one of them is elected:
//!
//! ```
//! use raft_core::{Entropy, HardState, LogWrite, PersistentState, RaftConfig, RaftNode, Ready, Role};
//! use std::collections::VecDeque;
//!
//! // The core owns no randomness: the host supplies it (here a small xorshift generator).
//! struct Xorshift(u64);
//! impl Entropy for Xorshift {
//!     fn next_u64(&mut self) -> u64 {
//!         self.0 ^= self.0 << 13;
//!         self.0 ^= self.0 >> 7;
//!         self.0 ^= self.0 << 17;
//!         self.0
//!     }
//! }
//!
//! let mut rng = Xorshift(0x2545_f491_4f6c_dd1d);
//! let ids = [1, 2, 3];
//! let boot = |id, rng: &mut Xorshift| {
//!     RaftNode::new(id, &ids, RaftConfig::default(), PersistentState::default(), 0, rng)
//! };
//! let mut nodes: Vec<RaftNode> = ids.iter().map(|&id| boot(id, &mut rng)).collect();
//! let mut disks = vec![PersistentState::default(); nodes.len()];
//! let (mut now, mut in_flight, mut ready) = (0, VecDeque::new(), Ready::default());
//!
//! for _ in 0..1_000 {
//!     if nodes.iter().any(|n| n.role() == Role::Leader) {
//!         break;
//!     }
//!     match in_flight.pop_front() {
//!         // An input: a message arrives...
//!         Some(raft_core::Envelope { from, to, message }) => {
//!             let node = nodes.iter_mut().find(|n| n.id() == to).unwrap();
//!             node.handle_message(now, from, message, &mut rng);
//!         }
//!         // ...or, with nothing in flight, time passes to the earliest deadline.
//!         None => {
//!             now = nodes.iter().map(RaftNode::next_deadline).min().unwrap();
//!             for node in nodes.iter_mut().filter(|n| n.next_deadline() <= now) {
//!                 node.handle_timeout(now, &mut rng);
//!             }
//!         }
//!     }
//!     // The output: what each node produced. Stable storage first (Figure 2), then send.
//!     for (node, disk) in nodes.iter_mut().zip(&mut disks) {
//!         let log = node.take_ready(&mut ready);
//!         if ready.persist {
//!             if let Some(HardState { current_term, voted_for }) = ready.hard_state {
//!                 (disk.current_term, disk.voted_for) = (current_term, voted_for);
//!             }
//!             if let LogWrite::Append { from, entries } = log {
//!                 disk.log.truncate_from(from);
//!                 entries.iter().for_each(|entry| disk.log.append(entry.clone()));
//!             }
//!             // (`disk.write(&ready, log)` does all of this, and writes snapshots too.)
//!         }
//!         in_flight.extend(ready.messages.drain(..));
//!     }
//! }
//! let leaders: Vec<_> = nodes.iter().filter(|n| n.role() == Role::Leader).collect();
//! assert_eq!(leaders.len(), 1);
//! assert!(leaders[0].current_term() >= 1);
//! // What each server wrote is what it would boot from after a crash.
//! for (node, disk) in nodes.iter().zip(&disks) {
//!     assert_eq!(disk, &node.persistent_state());
//! }
//! ```

pub mod chunked;
mod config;
mod disruption;
mod log;
mod membership;
mod message;
mod node;
pub mod ordered;
mod progress;
mod reads;
mod ready;
mod replication;
mod snapshot;
mod state_machine;
mod types;
mod voting;

pub use config::{
    Backtrack, MembershipMode, RaftConfig, ReadMode, UnknownReadMode, UnknownUnsafeRule, UnsafeRule, UnsafeRules,
    DEFAULT_LEASE_DRIFT_BOUND_PPM, DEFAULT_SNAPSHOT_CHUNK_BYTES,
};
pub use disruption::TransferError;
pub use log::RaftLog;
pub use membership::{
    CatchUp, CatchUpFailed, ChangeRefused, Configuration, Membership, PendingChange, CATCH_UP_ROUNDS,
};
pub use message::{
    AppendEntries, AppendEntriesReply, Field, FieldValue, InstallSnapshot, InstallSnapshotReply, Message, PreVote,
    PreVoteReply, RequestVote, RequestVoteReply, TimeoutNow, Tone,
};
pub use node::{PersistentState, RaftNode, Role};
pub use progress::{Progress, ProgressState};
pub use reads::PendingRead;
pub use ready::{Applied, Entries, Envelope, HardState, LogWrite, Notice, Ready};
pub use snapshot::{PartialSnapshot, Snapshot, SnapshotDecodeError, SnapshotEncodeError, SnapshotTransfer};
pub use state_machine::{ClientReply, ClientRequest, KvStore, Session};
pub use types::{ClientId, Command, Entry, EntryPayload, Index, Micros, NodeId, Op, Term};

/// A source of randomness supplied by the caller (the core owns none).
pub trait Entropy {
    /// The next 64 random bits.
    fn next_u64(&mut self) -> u64;
}
