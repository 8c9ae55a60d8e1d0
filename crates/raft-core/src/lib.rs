//! A sans-IO Raft core.
//!
//! [`RaftNode`] is one server of Figure 2 of the Raft paper as a pure state machine. The caller
//! feeds it inputs — a received [`Message`], the passing of time (`now` on every call plus
//! [`RaftNode::handle_timeout`]), a client request, an operator action — and drains a [`Ready`]
//! holding the messages to send, what must reach stable storage, the entries applied and the
//! replies to clients. The node never reads a clock, performs I/O or draws global randomness:
//! the election timeout comes from an [`Entropy`] source the caller passes in, so a simulator
//! can replay any run exactly.

pub mod chunked;
mod config;
mod disruption;
mod log;
mod membership;
mod message;
mod node;
mod reads;
mod ready;
mod replication;
mod snapshot;
mod state_machine;
mod types;
mod voting;

pub use config::{
    Backtrack, MembershipMode, RaftConfig, ReadMode, UnsafeRule, UnsafeRules, DEFAULT_LEASE_DRIFT_BOUND_PPM,
    DEFAULT_SNAPSHOT_CHUNK_BYTES,
};
pub use disruption::TransferError;
pub use log::RaftLog;
pub use membership::{CatchUp, ChangeRefused, Configuration, Membership, PendingChange, CATCH_UP_ROUNDS};
pub use message::{
    AppendEntries, AppendEntriesReply, InstallSnapshot, InstallSnapshotReply, Message, PreVote, PreVoteReply,
    RequestVote, RequestVoteReply, TimeoutNow,
};
pub use node::{PersistentState, RaftNode, Role};
pub use reads::PendingRead;
pub use ready::{Applied, Envelope, Notice, Ready};
pub use snapshot::{PartialSnapshot, Snapshot, SnapshotTransfer};
pub use state_machine::{ClientReply, ClientRequest, KvStore, Session};
pub use types::{ClientId, Command, Entry, EntryPayload, Index, Micros, NodeId, Op, Term};

/// A source of randomness supplied by the caller (the core owns none).
pub trait Entropy {
    fn next_u64(&mut self) -> u64;
}
