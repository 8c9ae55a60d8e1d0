//! What a node hands back after each input: the effects the caller must carry out.
use crate::message::Message;
use crate::state_machine::ClientReply;
use crate::types::{ClientId, Index, NodeId, Term};

/// A message addressed to a peer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Envelope {
    pub from: NodeId,
    pub to: NodeId,
    pub message: Message,
}

/// An entry the node applied to its state machine.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Applied {
    pub index: Index,
    pub term: Term,
}

/// Everything produced since the last drain (etcd-raft's `Ready`). The caller must make
/// `persist` durable before sending `messages` (Figure 2: "stored on stable storage before
/// responding to RPCs"); a simulator can do both at once.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Ready {
    pub messages: Vec<Envelope>,
    /// currentTerm or votedFor changed and must be written.
    pub hard_state_changed: bool,
    /// The log changed from this index on (truncated and/or appended).
    pub log_changed_from: Option<Index>,
    /// Whether the changes above must reach stable storage. False only under the
    /// `no-persist` break rule, which is exactly the bug it teaches.
    pub persist: bool,
    pub applied: Vec<Applied>,
    pub replies: Vec<(ClientId, ClientReply)>,
    /// The node took or installed a snapshot: the snapshot and the (compacted) log must be
    /// written.
    pub snapshot_changed: bool,
}

impl Ready {
    pub fn is_empty(&self) -> bool {
        self.messages.is_empty()
            && !self.hard_state_changed
            && self.log_changed_from.is_none()
            && self.applied.is_empty()
            && self.replies.is_empty()
            && !self.snapshot_changed
    }

    pub fn clear(&mut self) {
        self.messages.clear();
        self.hard_state_changed = false;
        self.log_changed_from = None;
        self.persist = false;
        self.applied.clear();
        self.replies.clear();
        self.snapshot_changed = false;
    }
}
