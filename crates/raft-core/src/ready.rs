//! What a node hands back after each input: the effects the caller must carry out.
use crate::membership::CatchUpFailed;
use crate::message::Message;
use crate::state_machine::ClientReply;
use crate::types::{ClientId, Index, NodeId, Term};
use std::collections::BTreeSet;
use std::fmt;

/// A message addressed to a peer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Envelope {
    /// The sender.
    pub from: NodeId,
    /// The recipient.
    pub to: NodeId,
    /// What is sent.
    pub message: Message,
}

/// An entry the node applied to its state machine.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Applied {
    /// The entry's index.
    pub index: Index,
    /// The entry's term.
    pub term: Term,
}

/// Something a leader gave up or handed over on its own, which the operator who asked for it
/// must hear about (the simulator records these in its trace).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Notice {
    /// A leadership transfer to `target` did not complete within an election timeout; the
    /// leader resumed normal operation. `lease_kept`: no TimeoutNow had gone out, so the
    /// followers' promise never to vote while they hear from this leader still holds and its
    /// read lease stands.
    TransferAbandoned {
        /// The server that was to take over.
        target: NodeId,
        /// Whether TimeoutNow had gone out.
        timeout_now_sent: bool,
        /// Whether the read lease still stands.
        lease_kept: bool,
    },
    /// A leader outside the committed C_new handed leadership to `target` (TimeoutNow) as it
    /// stepped down.
    HandedOver {
        /// The voter of C_new sent TimeoutNow.
        target: NodeId,
    },
    /// A leader outside the committed C_new stepped down without TimeoutNow: no voter of C_new
    /// held all of its entries yet, so the cluster elects a leader after an election timeout.
    SteppedDownWithoutHandover {
        /// The target of a leadership transfer this abandons, if one was under way.
        transfer_target: Option<NodeId>,
    },
    /// A membership change toward `voters` was given up before any voter changed.
    MembershipAborted {
        /// The voters the change aimed at.
        voters: BTreeSet<NodeId>,
        /// Which learner failed its catch-up, and how.
        reason: CatchUpFailed,
    },
}

impl fmt::Display for Notice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Notice::TransferAbandoned { target, timeout_now_sent, lease_kept } => {
                write!(
                    f,
                    "leadership transfer to S{target} abandoned: it did not take over within an election timeout"
                )?;
                if *timeout_now_sent {
                    write!(f, " (TimeoutNow was sent)")?;
                } else {
                    write!(f, " (S{target} never caught up; no TimeoutNow sent)")?;
                }
                if *lease_kept {
                    write!(f, "; the lease stands")?;
                }
                Ok(())
            }
            Notice::HandedOver { target } => {
                write!(f, "removed from the configuration: hands leadership to S{target} (TimeoutNow) and steps down")
            }
            Notice::SteppedDownWithoutHandover { transfer_target } => {
                write!(f, "removed from the configuration: steps down without TimeoutNow (no voter of the new configuration holds all its entries)")?;
                if let Some(t) = transfer_target {
                    write!(f, "; the transfer to S{t} is abandoned")?;
                }
                Ok(())
            }
            Notice::MembershipAborted { voters, reason } => {
                let names: Vec<String> = voters.iter().map(|n| format!("S{n}")).collect();
                write!(f, "membership change to {{{}}} aborted: {reason}", names.join(","))
            }
        }
    }
}

/// Everything produced since the last drain (etcd-raft's `Ready`). The caller must make
/// `persist` durable before sending `messages` (Figure 2: "stored on stable storage before
/// responding to RPCs"); a simulator can do both at once.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Ready {
    /// Messages to send, after `persist` is durable.
    pub messages: Vec<Envelope>,
    /// currentTerm or votedFor changed and must be written.
    pub hard_state_changed: bool,
    /// The log changed from this index on (truncated and/or appended).
    pub log_changed_from: Option<Index>,
    /// Whether the changes above must reach stable storage. False only under the
    /// `no-persist` break rule, which is exactly the bug it teaches.
    pub persist: bool,
    /// Entries applied to the state machine, in order.
    pub applied: Vec<Applied>,
    /// Answers to clients.
    pub replies: Vec<(ClientId, ClientReply)>,
    /// The node took or installed a snapshot: the snapshot and the (compacted) log must be
    /// written.
    pub snapshot_changed: bool,
    /// Transfers and membership changes given up or handed over (for the operator).
    pub notices: Vec<Notice>,
}

impl Ready {
    /// Whether nothing at all was produced.
    pub fn is_empty(&self) -> bool {
        self.messages.is_empty()
            && !self.hard_state_changed
            && self.log_changed_from.is_none()
            && self.applied.is_empty()
            && self.replies.is_empty()
            && !self.snapshot_changed
            && self.notices.is_empty()
    }

    /// Empty it, keeping its allocations.
    pub fn clear(&mut self) {
        self.messages.clear();
        self.hard_state_changed = false;
        self.log_changed_from = None;
        self.persist = false;
        self.applied.clear();
        self.replies.clear();
        self.snapshot_changed = false;
        self.notices.clear();
    }
}
