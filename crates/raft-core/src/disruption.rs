//! Disruption control and leadership transfer, from Ongaro's thesis: PreVote (§9.6), CheckQuorum
//! and leader liveliness (§6.2, §4.2.3; the seed notes' "Leader Liveliness"), and leadership
//! transfer (§3.10).
//!
//! Plain Raft lets a server that was cut off come back with a higher term and depose a healthy
//! leader, and lets a leader cut off from the majority keep believing it leads. These rules stop
//! both without touching safety: none of them changes what a server persists or how votes are
//! counted, only when elections start and which requests are ignored.
use crate::config::ReadMode;
use crate::message::{Message, PreVote, PreVoteReply, TimeoutNow};
use crate::node::{RaftNode, Role};
use crate::progress::LeaderState;
use crate::ready::Notice;
use crate::state_machine::{ClientReply, ClientRequest};
use crate::types::{ClientId, Micros, NodeId};
use crate::Entropy;
use std::collections::BTreeSet;
use std::fmt;

/// Volatile state for these rules on any server (none of it survives a crash). A leader's
/// CheckQuorum window and transfer live in its `LeaderState` (progress.rs).
#[derive(Clone, Debug, Default)]
pub(crate) struct Disruption {
    /// When this server last received AppendEntries from a leader of its current term.
    pub(crate) leader_contact: Option<Micros>,
    /// True only while an election started by TimeoutNow sends its RequestVotes.
    pub(crate) transfer_campaign: bool,
}

/// A leadership transfer in progress, in the leader's `LeaderState`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Transfer {
    pub(crate) target: NodeId,
    /// The transfer is abandoned if the leader still leads at this time.
    pub(crate) deadline: Micros,
    pub(crate) timeout_now_sent: bool,
}

/// Why a leadership transfer was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TransferError {
    /// Only the leader can hand leadership over; `leader_hint` is the leader this server knows.
    NotLeader {
        /// The leader this server knows of, if any.
        leader_hint: Option<NodeId>,
    },
    /// The target already leads.
    AlreadyLeader,
    /// The target is not a member of the cluster.
    UnknownNode(NodeId),
}

impl fmt::Display for TransferError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TransferError::NotLeader { leader_hint: Some(l) } => {
                write!(f, "this server is not the leader (S{l} is); only the leader can transfer leadership")
            }
            TransferError::NotLeader { leader_hint: None } => {
                write!(f, "this server is not the leader; only the leader can transfer leadership")
            }
            TransferError::AlreadyLeader => write!(f, "the target already is the leader"),
            TransferError::UnknownNode(n) => write!(f, "S{n} is not a member of the cluster"),
        }
    }
}

impl std::error::Error for TransferError {}

impl RaftNode {
    // ----- Operator action and views ----------------------------------------------------------

    /// Operator action at the leader: hand leadership to `target` (thesis §3.10).
    /// 1. The leader stops accepting new client commands.
    /// 2. It brings the target's log up to date (ordinary AppendEntries).
    /// 3. Once the target's matchIndex is the leader's last index, it sends TimeoutNow.
    /// 4. If it still leads an election timeout later, it gives up and resumes normal operation
    ///    (and says so: `Notice::TransferAbandoned`).
    ///
    /// Asking again restarts the transfer (to the new target, with a new deadline).
    pub fn transfer_leadership(&mut self, now: Micros, target: NodeId) -> Result<(), TransferError> {
        if self.role != Role::Leader {
            return Err(TransferError::NotLeader { leader_hint: self.leader_id });
        }
        if target == self.id {
            return Err(TransferError::AlreadyLeader);
        }
        // Only a voter of the configuration in force can be elected.
        if !self.configuration.is_voter(target) {
            return Err(TransferError::UnknownNode(target));
        }
        // Rules 1 and 4: transfer_blocks_client refuses commands until the deadline.
        let deadline = now + self.election_timeout_span();
        if let Some(leader) = self.leader.as_mut() {
            leader.transfer = Some(Transfer { target, deadline, timeout_now_sent: false });
        }
        // Rule 3, if the target is already caught up; otherwise rule 2 starts at once rather
        // than at the next heartbeat.
        if !self.send_timeout_now_if_caught_up() {
            self.send_append_entries(target);
        }
        Ok(())
    }

    /// The server a leader is handing leadership to, if a transfer is in progress.
    pub fn transfer_target(&self) -> Option<NodeId> {
        self.leader.as_ref()?.transfer.map(|t| t.target)
    }

    /// Whether this server believes a leader is alive: it leads, or it heard from the leader
    /// of its term within the minimum election timeout (leader liveliness).
    pub fn has_current_leader(&self, now: Micros) -> bool {
        match self.role {
            Role::Leader => true,
            _ => {
                self.leader_id.is_some()
                    && self
                        .disruption
                        .leader_contact
                        .is_some_and(|t| now < t.saturating_add(self.config.election_timeout_min))
            }
        }
    }

    /// Leaders with CheckQuorum: the servers heard from in the current window (itself included).
    pub fn quorum_heard_from(&self) -> BTreeSet<NodeId> {
        let heard = self.progress().filter(|(_, p)| p.recent_active).map(|(&peer, _)| peer);
        let me = self.leader.as_ref().map(|_| self.id);
        crate::ordered::set_of(heard.chain(me))
    }

    // ----- Hooks called from node.rs ------------------------------------------------------------

    /// Looks at every message before the Figure 2 rules do. Returns true if the message must be
    /// ignored altogether.
    pub(crate) fn screen_message(&mut self, now: Micros, from: NodeId, message: &Message) -> bool {
        // CheckQuorum: a leader notes every server it hears from in its term (any reply counts).
        if self.role == Role::Leader && !message.is_pre_vote() && message.term() == self.current_term {
            if let Some(p) = self.progress_mut(from) {
                p.recent_active = true;
            }
        }
        match message {
            // Leader liveliness (paper §6): "servers disregard RequestVote RPCs when they believe a
            // current leader exists. Specifically, if a server receives a RequestVote RPC within
            // the minimum election timeout of hearing from a current leader, it does not update
            // its term or grant its vote." Thesis §4.2.3: a leadership transfer's RequestVote is
            // the exception (the leader itself asked for that election).
            Message::RequestVote(rv) if self.config.leader_liveliness && !rv.leadership_transfer => {
                self.has_current_leader(now)
            }
            Message::AppendEntries(ae) if ae.term >= self.current_term && self.role != Role::Leader => {
                self.disruption.leader_contact = Some(now);
                false
            }
            _ => false,
        }
    }

    /// After a message was handled: a leader transferring leadership checks whether the
    /// target has caught up (rule 3 of `transfer_leadership`).
    pub(crate) fn after_message(&mut self, from: NodeId) {
        if self.transfer_target() == Some(from) {
            self.send_timeout_now_if_caught_up();
        }
    }

    /// The next time a leader must wake up: its heartbeat, and the CheckQuorum and transfer
    /// deadlines when they apply.
    pub(crate) fn leader_next_deadline(&self, leader: &LeaderState) -> Micros {
        let mut next = leader.heartbeat_deadline;
        if self.config.check_quorum {
            next = next.min(leader.quorum_deadline);
        }
        if let Some(t) = leader.transfer {
            next = next.min(t.deadline);
        }
        next
    }

    /// A leader's timers other than the heartbeat. Returns true if it stepped down.
    pub(crate) fn leader_timeouts(&mut self, now: Micros, rng: &mut dyn Entropy) -> bool {
        let Some(leader) = self.leader.as_mut() else { return false };
        // Transfer rule 4: the target did not take over in time; resume normal operation.
        if let Some(t) = leader.transfer.take_if(|t| now >= t.deadline) {
            // Lease reads: a leader gives its lease up only when it sends TimeoutNow (see
            // `send_timeout_now_if_caught_up`), so a transfer abandoned before that leaves it
            // standing. One abandoned after it stays given up for the term: the TimeoutNow, or
            // the RequestVotes it triggers, may still be on their way, and they pass the
            // followers' promise.
            let lease_kept = self.config.read_mode == ReadMode::Lease && !leader.lease.given_up;
            let notice =
                Notice::TransferAbandoned { target: t.target, timeout_now_sent: t.timeout_now_sent, lease_kept };
            self.ready.notices.push(notice);
        }
        // CheckQuorum: a leader that has not heard from a majority (itself included) within an
        // election timeout steps down to follower of the same term; it may be on the minority
        // side of a partition, where it can commit nothing.
        let quorum_deadline = self.leader.as_ref().map_or(Micros::MAX, |l| l.quorum_deadline);
        if self.config.check_quorum && now >= quorum_deadline {
            let heard = self.quorum_heard_from();
            if !self.is_quorum(&heard) {
                let term = self.current_term;
                self.become_follower(now, term, None, rng);
                return true;
            }
            self.reset_quorum_window(now);
        }
        false
    }

    fn reset_quorum_window(&mut self, now: Micros) {
        let window = self.election_timeout_span();
        if let Some(leader) = self.leader.as_mut() {
            for p in leader.progress.values_mut() {
                p.recent_active = false;
            }
            leader.quorum_deadline = now + window;
        }
    }

    /// Transfer rule 1: while transferring, a leader refuses new client commands and points
    /// the client at the leader-to-be. Returns true if it answered.
    pub(crate) fn transfer_blocks_client(&mut self, client: ClientId, request: &ClientRequest) -> bool {
        let Some(target) = self.transfer_target() else { return false };
        let reply = ClientReply::NotLeader { seq: request.seq, leader_hint: Some(target) };
        self.ready.replies.push((client, reply));
        true
    }

    /// "An election timeout" for CheckQuorum and transfers: the longest one a server may draw,
    /// so a leader never gives up before a follower could have started an election.
    pub(crate) fn election_timeout_span(&self) -> Micros {
        self.config.election_timeout_max.max(self.config.election_timeout_min).max(1)
    }

    /// Transfer rule 3. Returns true if TimeoutNow was (or had already been) sent.
    fn send_timeout_now_if_caught_up(&mut self) -> bool {
        let Some(transfer) = self.leader.as_ref().and_then(|l| l.transfer) else { return false };
        if transfer.timeout_now_sent {
            return true;
        }
        if !self.holds_all_entries(transfer.target) {
            return false;
        }
        if let Some(t) = self.leader.as_mut().and_then(|l| l.transfer.as_mut()) {
            t.timeout_now_sent = true;
        }
        self.send_timeout_now(transfer.target);
        true
    }

    /// Whether `peer`'s matchIndex is this leader's last index (a transfer target must be).
    pub(crate) fn holds_all_entries(&self, peer: NodeId) -> bool {
        self.progress_of(peer).map(|p| p.match_index) == Some(self.log.last_index())
    }

    /// Send TimeoutNow. The target's RequestVote will pass the followers' lease promise
    /// (reads.rs): from here on this leader answers no read from its lease.
    pub(crate) fn send_timeout_now(&mut self, target: NodeId) {
        if let Some(leader) = self.leader.as_mut() {
            leader.lease.given_up = true;
        }
        let message = TimeoutNow { term: self.current_term, leader_id: self.id };
        self.send(target, Message::TimeoutNow(message));
    }

    // ----- PreVote ------------------------------------------------------------------------------

    /// Pre-candidates (§9.6): when the election timer fires with PreVote on, become a
    /// pre-candidate: keep currentTerm and votedFor, count a pre-vote for self, reset the
    /// election timer and send PreVote for currentTerm + 1 to all other servers. Only with
    /// pre-votes from a majority start a real election.
    pub(crate) fn start_pre_vote(&mut self, now: Micros, rng: &mut dyn Entropy) {
        if !self.configuration.is_voter(self.id) {
            // Outside the configuration a server never campaigns, pre-votes included.
            self.start_election(now, rng);
            return;
        }
        self.role = Role::PreCandidate;
        self.leader_id = None;
        self.votes_granted.clear();
        self.votes_denied.clear();
        self.votes_granted.insert(self.id);
        self.reset_election_timer(now, rng);
        let request = PreVote {
            term: self.current_term + 1,
            candidate_id: self.id,
            last_log_index: self.log.last_index(),
            last_log_term: self.log.last_term(),
        };
        // Like RequestVote, only voters are asked: learners' answers would not count.
        let me = self.id;
        let peers: Vec<NodeId> = self.configuration.all_voters().into_iter().filter(|&p| p != me).collect();
        for peer in peers {
            self.send(peer, Message::PreVote(request.clone()));
        }
        if self.is_quorum(&self.votes_granted) {
            self.start_election(now, rng);
        }
    }

    /// PreVote receiver implementation (§9.6):
    /// 1. Reply false if the candidate's log is not at least as up to date as the receiver's.
    /// 2. Reply false if the receiver believes a leader is alive: it leads, or it heard from a
    ///    leader within the minimum election timeout (leader liveliness).
    /// 3. Otherwise reply true.
    ///
    /// Either way currentTerm, votedFor and the election timer stay as they are. The term is not
    /// compared: a pre-candidate with a stale term that is granted loses its real election and
    /// learns the term from the denials, without disturbing anyone.
    pub(crate) fn handle_pre_vote(&mut self, now: Micros, from: NodeId, request: PreVote) {
        let log_ok = self.config.unsafe_rules.no_vote_restriction
            || self.log.is_up_to_date(request.last_log_index, request.last_log_term); // rule 1
        let leader_alive = self.has_current_leader(now); // rule 2
        let reply = PreVoteReply { term: request.term, vote_granted: log_ok && !leader_alive };
        self.send(from, Message::PreVoteReply(reply));
    }

    /// Pre-candidates: if pre-votes received from a majority of servers, start an election.
    pub(crate) fn handle_pre_vote_reply(
        &mut self,
        now: Micros,
        from: NodeId,
        reply: PreVoteReply,
        rng: &mut dyn Entropy,
    ) {
        if self.role != Role::PreCandidate || reply.term != self.current_term + 1 {
            return; // not pre-voting, or a reply to an earlier round
        }
        if reply.vote_granted {
            self.votes_granted.insert(from);
            if self.is_quorum(&self.votes_granted) {
                self.start_election(now, rng);
            }
        } else {
            self.votes_denied.insert(from);
        }
    }

    /// A pre-candidate that grants its vote to a real candidate gives up its own attempt.
    pub(crate) fn abandon_pre_vote(&mut self) {
        if self.role == Role::PreCandidate {
            self.role = Role::Follower;
            self.votes_granted.clear();
            self.votes_denied.clear();
        }
    }

    // ----- TimeoutNow ---------------------------------------------------------------------------

    /// TimeoutNow receiver implementation (§3.10):
    /// 1. Ignore it if term < currentTerm (a stale transfer) or if this server leads.
    /// 2. Otherwise start an election at once, without PreVote, sending RequestVote marked as a
    ///    leadership transfer so that leader liveliness does not make the others ignore it.
    pub(crate) fn handle_timeout_now(&mut self, now: Micros, message: TimeoutNow, rng: &mut dyn Entropy) {
        if message.term < self.current_term || self.role == Role::Leader {
            return; // rule 1
        }
        self.disruption.transfer_campaign = true; // rule 2
        self.start_election(now, rng);
        self.disruption.transfer_campaign = false;
    }
}
