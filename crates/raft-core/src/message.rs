//! The two RPCs of Figure 2, InstallSnapshot (Figure 13), and their replies.
use crate::types::{Entry, Index, NodeId, Term};
use serde::{Deserialize, Serialize};

/// Invoked by candidates to gather votes (§5.2).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestVote {
    /// The candidate's term.
    pub term: Term,
    /// The candidate requesting the vote.
    pub candidate_id: NodeId,
    /// The index of the candidate's last log entry.
    pub last_log_index: Index,
    /// The term of the candidate's last log entry.
    pub last_log_term: Term,
    /// Sent by the target of a leadership transfer (thesis §3.10) after TimeoutNow: leader
    /// liveliness must not make the other servers ignore it (disruption.rs).
    #[serde(default, skip_serializing_if = "is_false")]
    pub leadership_transfer: bool,
}

fn is_false(b: &bool) -> bool {
    !*b
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
/// The answer to a [`RequestVote`].
pub struct RequestVoteReply {
    /// currentTerm, for the candidate to update itself.
    pub term: Term,
    /// True means the candidate received the vote.
    pub vote_granted: bool,
}

/// Invoked by the leader to replicate log entries (§5.3); also used as heartbeat (§5.2).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppendEntries {
    /// The leader's term.
    pub term: Term,
    /// So the follower can redirect clients.
    pub leader_id: NodeId,
    /// The index of the log entry immediately preceding the new ones.
    pub prev_log_index: Index,
    /// The term of the entry at prevLogIndex.
    pub prev_log_term: Term,
    /// The entries to store (empty for a heartbeat; may be several for efficiency).
    pub entries: Vec<Entry>,
    /// The leader's commitIndex.
    pub leader_commit: Index,
    /// The leader's heartbeat round when it sent this (ReadIndex and leases: an acknowledgement
    /// of a round proves the leader was still leader when the round started).
    #[serde(default)]
    pub round: u64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
/// The answer to an [`AppendEntries`].
pub struct AppendEntriesReply {
    /// currentTerm, for the leader to update itself.
    pub term: Term,
    /// True if the follower contained an entry matching prevLogIndex and prevLogTerm.
    pub success: bool,
    /// On success: the index of the last entry the follower now matches (prevLogIndex + entries).
    /// On failure: the prevLogIndex that was rejected, so stale replies can be recognised.
    pub match_or_rejected_index: Index,
    /// On failure with the conflict-term optimisation: the term of the follower's conflicting
    /// entry (None when its log is too short) and the first index it stores for that term (or
    /// its log length + 1).
    pub conflict_term: Option<Term>,
    /// See `conflict_term`.
    pub conflict_index: Option<Index>,
    /// The `round` of the AppendEntries this answers.
    #[serde(default)]
    pub round: u64,
}

/// PreVote (thesis §9.6): "could I win an election for `term` (my currentTerm + 1)?" Asked
/// before a real election; it changes neither side's currentTerm or votedFor.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreVote {
    /// The term the pre-candidate would stand in: its currentTerm + 1.
    pub term: Term,
    /// The pre-candidate.
    pub candidate_id: NodeId,
    /// The index of its last log entry.
    pub last_log_index: Index,
    /// The term of its last log entry.
    pub last_log_term: Term,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
/// The answer to a [`PreVote`].
pub struct PreVoteReply {
    /// The term of the PreVote this answers (not the replier's currentTerm), so the
    /// pre-candidate can match it to its round.
    pub term: Term,
    /// True if the receiver would vote for it.
    pub vote_granted: bool,
}

/// Leadership transfer (thesis §3.10): the leader tells a caught-up follower to start an
/// election at once, without waiting for its election timeout.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimeoutNow {
    /// The leader's currentTerm.
    pub term: Term,
    /// The leader handing over.
    pub leader_id: NodeId,
}

/// Invoked by the leader to send chunks of a snapshot to a follower (§7, Figure 13). Leaders
/// always send chunks in order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InstallSnapshot {
    /// Leader's term.
    pub term: Term,
    /// So the follower can redirect clients.
    pub leader_id: NodeId,
    /// The snapshot replaces all entries up through and including this index.
    pub last_included_index: Index,
    /// Term of lastIncludedIndex.
    pub last_included_term: Term,
    /// Byte offset where the chunk is positioned in the snapshot file.
    pub offset: u64,
    /// Raw bytes of the snapshot chunk, starting at offset.
    pub data: Vec<u8>,
    /// True if this is the last chunk.
    pub done: bool,
}

/// The follower's answer. Figure 13's reply holds only `term`; the other two fields are this
/// implementation's: the network may lose, duplicate and reorder messages, so the leader must
/// know which snapshot and how much of it a reply acknowledges before it sends the next chunk
/// or counts the follower's log as matching (matchIndex).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InstallSnapshotReply {
    /// currentTerm, for the leader to update itself.
    pub term: Term,
    /// The snapshot this reply is about (the request's lastIncludedIndex).
    pub last_included_index: Index,
    /// How many bytes of that snapshot the follower holds from offset 0: the offset of the
    /// next chunk it needs. Meaningless once `installed`.
    pub next_offset: u64,
    /// The follower's log now covers lastIncludedIndex with the committed entries (it
    /// installed the snapshot, or already had them): the leader can set
    /// matchIndex = lastIncludedIndex.
    pub installed: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type")]
/// Every RPC request and reply a server sends another.
pub enum Message {
    /// Figure 2's RequestVote.
    RequestVote(RequestVote),
    /// The answer to a RequestVote.
    RequestVoteReply(RequestVoteReply),
    /// Figure 2's AppendEntries (a heartbeat when it carries no entry).
    AppendEntries(AppendEntries),
    /// The answer to an AppendEntries.
    AppendEntriesReply(AppendEntriesReply),
    /// PreVote (thesis §9.6).
    PreVote(PreVote),
    /// The answer to a PreVote.
    PreVoteReply(PreVoteReply),
    /// TimeoutNow (thesis §3.10): start an election now.
    TimeoutNow(TimeoutNow),
    /// Figure 13's InstallSnapshot (one chunk).
    InstallSnapshot(InstallSnapshot),
    /// The answer to an InstallSnapshot chunk.
    InstallSnapshotReply(InstallSnapshotReply),
}

impl Message {
    /// The term the message carries.
    pub fn term(&self) -> Term {
        match self {
            Message::RequestVote(m) => m.term,
            Message::RequestVoteReply(m) => m.term,
            Message::AppendEntries(m) => m.term,
            Message::AppendEntriesReply(m) => m.term,
            Message::PreVote(m) => m.term,
            Message::PreVoteReply(m) => m.term,
            Message::TimeoutNow(m) => m.term,
            Message::InstallSnapshot(m) => m.term,
            Message::InstallSnapshotReply(m) => m.term,
        }
    }

    /// A short name for traces and the UI.
    pub fn kind(&self) -> &'static str {
        match self {
            Message::RequestVote(_) => "RequestVote",
            Message::RequestVoteReply(_) => "RequestVoteReply",
            Message::AppendEntries(_) => "AppendEntries",
            Message::AppendEntriesReply(_) => "AppendEntriesReply",
            Message::PreVote(_) => "PreVote",
            Message::PreVoteReply(_) => "PreVoteReply",
            Message::TimeoutNow(_) => "TimeoutNow",
            Message::InstallSnapshot(_) => "InstallSnapshot",
            Message::InstallSnapshotReply(_) => "InstallSnapshotReply",
        }
    }

    /// PreVote and its reply carry a term nobody holds yet; they never make a server adopt it.
    pub fn is_pre_vote(&self) -> bool {
        matches!(self, Message::PreVote(_) | Message::PreVoteReply(_))
    }
}
