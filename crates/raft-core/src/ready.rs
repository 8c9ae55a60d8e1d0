//! What a node hands back after each input: the effects the caller must carry out.
use crate::log::RaftLog;
use crate::membership::CatchUpFailed;
use crate::message::Message;
use crate::node::PersistentState;
use crate::snapshot::Snapshot;
use crate::state_machine::ClientReply;
use crate::types::{ClientId, Entry, Index, NodeId, Term};
use std::collections::BTreeSet;
use std::fmt;
use std::sync::Arc;

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
    /// The client command (client id, sequence number) the entry held, when applying it took
    /// effect: none for a no-op or configuration, or for a retry the client's session skipped.
    pub command: Option<(ClientId, u64)>,
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

/// currentTerm and votedFor, as stable storage must hold them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct HardState {
    /// currentTerm.
    pub current_term: Term,
    /// votedFor.
    pub voted_for: Option<NodeId>,
}

/// Everything produced since the last drain (etcd-raft's `Ready`): what to write to stable
/// storage, then what to send. The caller must make the writes durable before sending
/// `messages` (Figure 2: "updated on stable storage before responding to RPCs"); a simulator
/// can do both at once. The log entries to write come with it from
/// [`RaftNode::take_ready`](crate::RaftNode::take_ready) as a [`LogWrite`] borrowed from the
/// node's log, so they are copied once, into storage, and never into the `Ready`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Ready {
    /// Messages to send, after the writes are durable.
    pub messages: Vec<Envelope>,
    /// currentTerm or votedFor changed: write these.
    pub hard_state: Option<HardState>,
    /// The log changed from this index on (truncated and/or appended): the [`LogWrite`] handed
    /// out with this `Ready` holds the entries to write.
    pub log_changed_from: Option<Index>,
    /// The node took or installed this snapshot: write it (the [`LogWrite`] then holds the
    /// compacted log that follows it).
    pub snapshot: Option<Arc<Snapshot>>,
    /// Whether the writes above must reach stable storage. False only under the
    /// `no-persist` break rule, which is exactly the bug it teaches.
    pub persist: bool,
    /// Entries applied to the state machine, in order.
    pub applied: Vec<Applied>,
    /// Answers to clients.
    pub replies: Vec<(ClientId, ClientReply)>,
    /// Transfers and membership changes given up or handed over (for the operator).
    pub notices: Vec<Notice>,
    /// Entries deleted from the log because the leader's log disagreed, in index order:
    /// AppendEntries receiver rule 3 ("delete the existing entry and all that follow it"), or
    /// InstallSnapshot rule 7 ("discard the entire log") for the entries the snapshot cannot
    /// hold. They were never committed (unless a break rule let State Machine Safety break),
    /// so the clients that asked for them get no answer from this leader.
    pub overwritten: Vec<Entry>,
}

impl Ready {
    /// Whether nothing at all was produced.
    pub fn is_empty(&self) -> bool {
        self.messages.is_empty()
            && self.hard_state.is_none()
            && self.log_changed_from.is_none()
            && self.applied.is_empty()
            && self.replies.is_empty()
            && self.snapshot.is_none()
            && self.notices.is_empty()
            && self.overwritten.is_empty()
    }

    /// Empty it, keeping its allocations.
    pub fn clear(&mut self) {
        // Hosts drain the lists, so they are usually empty already: clearing an empty list
        // still calls the element type's drop for nothing, once per list and step.
        fn clear<T>(list: &mut Vec<T>) {
            if !list.is_empty() {
                list.clear();
            }
        }
        clear(&mut self.messages);
        self.hard_state = None;
        self.log_changed_from = None;
        self.snapshot = None;
        self.persist = false;
        clear(&mut self.applied);
        clear(&mut self.replies);
        clear(&mut self.notices);
        clear(&mut self.overwritten);
    }
}

/// The log entries a [`Ready`] asks stable storage to write, borrowed from the node's log: the
/// storage copies them once, into itself (nothing is copied to hand them over). It lives until
/// the node's next input, so write it before stepping the node again.
#[derive(Clone, Copy, Debug)]
#[must_use = "the log entries must be written to stable storage before the messages are sent"]
pub enum LogWrite<'a> {
    /// The log did not change.
    Unchanged,
    /// Drop the stored entries from `from` on, then append `entries` (the node's log from
    /// `from` on, as it now is).
    Append {
        /// The first index to drop and rewrite.
        from: Index,
        /// The entries to append.
        entries: Entries<'a>,
    },
    /// A snapshot was taken or installed ([`Ready::snapshot`]): the stored log is replaced by
    /// this one, which starts after it. (Cloning a [`RaftLog`] shares its chunks.)
    Replace(&'a RaftLog),
}

/// The entries of a node's log from one index on, borrowed.
#[derive(Clone, Copy)]
pub struct Entries<'a> {
    log: &'a RaftLog,
    from: Index,
}

impl<'a> Entries<'a> {
    pub(crate) fn new(log: &'a RaftLog, from: Index) -> Entries<'a> {
        Entries { log, from }
    }

    /// The entries, first to last.
    pub fn iter(&self) -> impl Iterator<Item = &'a Entry> + 'a {
        self.log.slice_from(self.from, usize::MAX)
    }

    /// The entries as a plain vector (a copy, for tests and hosts that want one).
    pub fn to_vec(&self) -> Vec<Entry> {
        self.iter().cloned().collect()
    }
}

impl fmt::Debug for Entries<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl PersistentState {
    /// Stable storage in memory: write what a drained [`Ready`] and its [`LogWrite`] ask for
    /// (the caller checks [`Ready::persist`] first). Afterwards this state equals the node's
    /// [`RaftNode::persistent_state`](crate::RaftNode::persistent_state), provided it did before
    /// the step.
    pub fn write(&mut self, ready: &Ready, log: LogWrite<'_>) {
        if let Some(hard_state) = ready.hard_state {
            self.current_term = hard_state.current_term;
            self.voted_for = hard_state.voted_for;
        }
        if let Some(snapshot) = &ready.snapshot {
            self.snapshot = Some(snapshot.clone());
        }
        match log {
            LogWrite::Unchanged => {}
            LogWrite::Append { from, entries } => {
                self.log.truncate_from(from);
                for entry in entries.iter() {
                    self.log.append(entry.clone());
                }
            }
            LogWrite::Replace(log) => self.log = log.clone(),
        }
    }
}

/// What changed since the last drain and must reach stable storage. [`Ready`] is filled from
/// it, with the values as they stand, when the caller drains, so a term changed twice in one
/// step is written once.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Unsaved {
    pub(crate) hard_state: bool,
    pub(crate) log_from: Option<Index>,
    pub(crate) snapshot: bool,
}
