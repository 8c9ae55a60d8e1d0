//! What travels between the Raft host's endpoints, and how the kernel sees it ([`Wire`]): the
//! code and digest the trace hash folds in, and what a message carries for the memory estimate.
use crate::engine::budget;
use crate::engine::hash::StableHash;
use crate::engine::kernel::Wire;
use raft_core::{ClientId, ClientReply, ClientRequest, Message};

/// What travels: a Raft RPC between servers, or a client's request or a server's reply.
#[derive(Clone, Debug, PartialEq)]
pub enum Payload {
    Raft(Message),
    Request { client: ClientId, request: ClientRequest },
    Reply { client: ClientId, reply: ClientReply },
}

impl Payload {
    pub fn kind(&self) -> &'static str {
        match self {
            Payload::Raft(m) => m.kind(),
            Payload::Request { .. } => "ClientRequest",
            Payload::Reply { .. } => "ClientReply",
        }
    }
}

impl Wire for Payload {
    /// What the message carries beyond its envelope, for the memory estimate: the entries of
    /// an AppendEntries, the bytes of an InstallSnapshot chunk.
    #[inline]
    fn carried(&self) -> (u64, u64) {
        match self {
            Payload::Raft(Message::AppendEntries(m)) => {
                (m.entries.len() as u64, m.entries.len() as u64 * budget::ENTRY_BYTES)
            }
            Payload::Raft(Message::InstallSnapshot(m)) => (0, m.data.len() as u64),
            _ => (0, 0),
        }
    }

    /// The number the trace hash folds in for a message. Not taken from raft-core's message
    /// description: the numbers are pinned by every golden trace hash, and this runs on every
    /// delivery, where building the description's field list would cost time.
    #[inline]
    fn code(&self) -> u64 {
        match self {
            Payload::Raft(Message::RequestVote(_)) => 1,
            Payload::Raft(Message::RequestVoteReply(m)) => 2 + 16 * m.vote_granted as u64,
            Payload::Raft(Message::AppendEntries(m)) => 3 + 16 * m.entries.len() as u64,
            Payload::Raft(Message::AppendEntriesReply(m)) => 4 + 16 * m.success as u64,
            Payload::Request { .. } => 5,
            Payload::Reply { .. } => 6,
            Payload::Raft(Message::PreVote(_)) => 7,
            Payload::Raft(Message::PreVoteReply(m)) => 8 + 16 * m.vote_granted as u64,
            Payload::Raft(Message::TimeoutNow(_)) => 9,
            // (7 and 8 are the PreVote messages' codes.)
            Payload::Raft(Message::InstallSnapshot(m)) => 10 + 16 * m.done as u64,
            Payload::Raft(Message::InstallSnapshotReply(m)) => 11 + 16 * m.installed as u64,
        }
    }

    /// Every field, in a fixed order (digest.rs).
    #[inline]
    fn digest(&self, h: &mut StableHash) {
        crate::engine::digest::fold_payload(h, self);
    }
}

/// A one-line description of a message's contents, for traces: a Raft message's is the
/// summary raft-core's message description gives.
pub fn summarize(payload: &Payload) -> String {
    match payload {
        Payload::Raft(m) => m.summary(),
        Payload::Request { request, .. } => format!("#{} {}", request.seq, request.op),
        Payload::Reply { reply, .. } => reply.to_string(),
    }
}
