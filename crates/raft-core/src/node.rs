//! One Raft server: the state of Figure 2 and the "Rules for Servers" that tie the RPCs together.
//! The RPC receiver rules live in `voting.rs` (RequestVote), `replication.rs` (AppendEntries) and
//! `disruption.rs` (PreVote, TimeoutNow, CheckQuorum and leader liveliness).
use crate::config::RaftConfig;
use crate::disruption::Disruption;
use crate::log::RaftLog;
use crate::membership::Configuration;
use crate::message::Message;
use crate::progress::{LeaderState, Progress};
use crate::reads::ReadState;
use crate::ready::{Applied, Entries, Envelope, HardState, LogWrite, Ready, Unsaved};
use crate::snapshot::{Snapshot, SnapshotState};
use crate::state_machine::{ClientReply, ClientRequest, KvStore};
use crate::types::{ClientId, Command, Entry, EntryPayload, Index, Micros, NodeId, Op, Term};
use crate::Entropy;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::sync::Arc;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
/// Which of Figure 2's roles a server is in (plus PreVote's pre-candidate).
pub enum Role {
    /// Answers leaders and candidates; starts an election when its timer fires.
    Follower,
    /// Asking for votes in a term of its own.
    Candidate,
    /// Handles clients and replicates the log.
    Leader,
    /// PreVote is on and the election timer fired: asking whether it could win before
    /// starting a real election (disruption.rs).
    PreCandidate,
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Role::Follower => "follower",
            Role::Candidate => "candidate",
            Role::Leader => "leader",
            Role::PreCandidate => "pre-candidate",
        })
    }
}

/// What survives a crash: "updated on stable storage before responding to RPCs".
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersistentState {
    /// The latest term the server has seen.
    pub current_term: Term,
    /// The candidate voted for in the current term, if any.
    pub voted_for: Option<NodeId>,
    /// The log entries (after `snapshot`).
    pub log: RaftLog,
    /// The latest snapshot; `log` starts after it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub snapshot: Option<Arc<Snapshot>>,
}

#[derive(Clone, Debug)]
/// One Raft server as a pure state machine: inputs in (`handle_*`), effects out
/// ([`RaftNode::take_ready`]).
pub struct RaftNode {
    pub(crate) id: NodeId,
    /// The configuration this server booted with (before any configuration entry in its log):
    /// every server of the initial cluster in id order, or none for a server added later.
    pub(crate) members: Vec<NodeId>,
    pub(crate) config: RaftConfig,

    // Persistent state on all servers.
    pub(crate) current_term: Term,
    pub(crate) voted_for: Option<NodeId>,
    pub(crate) log: RaftLog,

    // Volatile state on all servers.
    pub(crate) commit_index: Index,
    pub(crate) last_applied: Index,
    pub(crate) role: Role,
    pub(crate) leader_id: Option<NodeId>,
    pub(crate) kv: KvStore,

    // Volatile state on candidates: who answered our RequestVote this term.
    pub(crate) votes_granted: BTreeSet<NodeId>,
    pub(crate) votes_denied: BTreeSet<NodeId>,

    // Volatile state on leaders (reinitialised after election): nextIndex and matchIndex in a
    // `Progress` per follower, with the rest only a leader has (progress.rs). `Some` exactly
    // while the role is Leader.
    pub(crate) leader: Option<LeaderState>,

    // The election timer, on the caller's clock (a leader's timers are in `leader`).
    pub(crate) election_timeout: Micros,
    pub(crate) election_deadline: Micros,

    /// PreVote, CheckQuorum, leader liveliness and leadership transfer (disruption.rs).
    pub(crate) disruption: Disruption,

    /// What the next drain hands over: the lists of effects (the data to write is filled in
    /// from `unsaved` when drained).
    pub(crate) ready: Ready,
    /// What must reach stable storage at the next drain.
    pub(crate) unsaved: Unsaved,

    // Membership (membership.rs): the configuration in force (the latest in the log), its
    // index (0: `members`), the indexes of every configuration entry in the log, and on a
    // leader the change it is carrying out.
    pub(crate) configuration: Configuration,
    pub(crate) configuration_index: Index,
    pub(crate) configuration_indexes: Vec<Index>,
    /// ReadIndex and lease reads (reads.rs).
    pub(crate) reads: ReadState,
    /// Log compaction: the snapshot, one being received, transfers being sent (snapshot.rs).
    pub(crate) snap: SnapshotState,
    /// The configuration in force before the first configuration entry in the log: the boot
    /// configuration, or the one a snapshot recorded (its entry compacted away), and its index.
    pub(crate) base_configuration: Configuration,
    pub(crate) base_configuration_index: Index,
}

impl RaftNode {
    /// Boot a server (first boot: pass `PersistentState::default()`; after a crash: what was
    /// on stable storage). Volatile state starts empty; the node starts as a follower.
    /// `members` is the initial configuration (all voters); a server that joins later boots
    /// with none (`&[]`) and waits to hear from a leader.
    pub fn new(
        id: NodeId,
        members: &[NodeId],
        config: RaftConfig,
        persisted: PersistentState,
        now: Micros,
        rng: &mut dyn Entropy,
    ) -> RaftNode {
        let mut members = members.to_vec();
        members.sort_unstable();
        members.dedup();
        let configuration = Configuration::new(members.iter().copied());
        let mut node = RaftNode {
            id,
            members,
            config,
            current_term: persisted.current_term,
            voted_for: persisted.voted_for,
            log: persisted.log,
            commit_index: 0,
            last_applied: 0,
            role: Role::Follower,
            leader_id: None,
            kv: KvStore::default(),
            votes_granted: BTreeSet::new(),
            votes_denied: BTreeSet::new(),
            leader: None,
            election_timeout: 0,
            election_deadline: 0,
            disruption: Disruption::default(),
            ready: Ready::default(),
            unsaved: Unsaved::default(),
            configuration: configuration.clone(),
            configuration_index: 0,
            configuration_indexes: Vec::new(),
            reads: ReadState::new(now),
            snap: SnapshotState::default(),
            base_configuration: configuration,
            base_configuration_index: 0,
        };
        if let Some(snapshot) = persisted.snapshot {
            node.restore_snapshot(snapshot);
        }
        node.configuration_changed_from(node.log.first_index());
        node.reset_election_timer(now, rng);
        node
    }

    // ----- Inputs -------------------------------------------------------------------------

    /// A message from a peer arrived.
    pub fn handle_message(&mut self, now: Micros, from: NodeId, message: Message, rng: &mut dyn Entropy) {
        self.maybe_snapshot();
        // Leader liveliness may ignore the message; CheckQuorum notes who was heard from.
        if self.screen_message(now, from, &message) {
            return;
        }
        // Lease reads: a follower may have to ignore a candidate before adopting its term.
        if !self.read_rules_before(now, &message) {
            return;
        }
        // For reads.rs after the RPC rules: leader contact (Some(None)) or a round's
        // acknowledgement (Some(Some(round))).
        let message_term = message.term();
        let heard = match &message {
            Message::AppendEntries(_) => Some(None),
            Message::AppendEntriesReply(r) => Some(Some(r.round)),
            _ => None,
        };
        // Rules for all servers: a request or response with a higher term makes us a follower
        // of that term. (PreVote carries a term nobody holds yet and never counts.)
        if message.term() > self.current_term && !message.is_pre_vote() {
            let leader = match &message {
                Message::AppendEntries(ae) => Some(ae.leader_id),
                Message::InstallSnapshot(m) => Some(m.leader_id),
                _ => None,
            };
            self.become_follower(now, message.term(), leader, rng);
        }
        match message {
            Message::RequestVote(m) => self.handle_request_vote(now, from, m, rng),
            Message::RequestVoteReply(m) => self.handle_request_vote_reply(now, from, m),
            Message::AppendEntries(m) => self.handle_append_entries(now, from, m, rng),
            Message::AppendEntriesReply(m) => self.handle_append_entries_reply(now, from, m),
            Message::PreVote(m) => self.handle_pre_vote(now, from, m),
            Message::PreVoteReply(m) => self.handle_pre_vote_reply(now, from, m, rng),
            Message::TimeoutNow(m) => self.handle_timeout_now(now, m, rng),
            Message::InstallSnapshot(m) => self.handle_install_snapshot(now, from, m, rng),
            Message::InstallSnapshotReply(m) => self.handle_install_snapshot_reply(from, m),
        }
        self.after_message(from);
        self.progress_membership(now);
        if let Some(ack_round) = heard {
            self.read_rules_after(now, from, message_term, ack_round);
        }
    }

    /// Time has reached (or passed) [`RaftNode::next_deadline`].
    pub fn handle_timeout(&mut self, now: Micros, rng: &mut dyn Entropy) {
        self.maybe_snapshot();
        match self.role {
            Role::Leader => {
                if self.leader_timeouts(now, rng) {
                    return; // CheckQuorum: stepped down
                }
                if self.leader.as_ref().is_some_and(|l| now >= l.heartbeat_deadline) {
                    self.broadcast_append_entries(now);
                    if let Some(leader) = self.leader.as_mut() {
                        leader.heartbeat_deadline = now + self.config.heartbeat_interval;
                    }
                }
                self.progress_membership(now);
            }
            // Followers and candidates: "if election timeout elapses ... convert to candidate" /
            // "start new election".
            // With PreVote, a pre-vote round comes first (disruption.rs).
            Role::Follower | Role::Candidate | Role::PreCandidate => {
                if now >= self.election_deadline {
                    if self.config.pre_vote {
                        self.start_pre_vote(now, rng);
                    } else {
                        self.start_election(now, rng);
                    }
                }
            }
        }
    }

    /// Operator action: make this node's election timer fire now, whatever its role. (A
    /// leader starts an election at once; others pre-vote first when PreVote is on.)
    pub fn force_election_timeout(&mut self, now: Micros, rng: &mut dyn Entropy) {
        if self.config.pre_vote && self.role != Role::Leader {
            self.start_pre_vote(now, rng);
        } else {
            self.start_election(now, rng);
        }
    }

    /// Operator action: restart a follower's or candidate's election timer so that it fires
    /// `timeout` from now (the page's "align timers" and "spread timers"). Leaders have no
    /// election timer and are left alone.
    pub fn set_election_timer(&mut self, now: Micros, timeout: Micros) {
        if self.role != Role::Leader {
            self.election_timeout = timeout;
            self.election_deadline = now + timeout;
        }
    }

    /// A client sent a request to this server.
    pub fn handle_client_request(&mut self, now: Micros, client: ClientId, request: ClientRequest) {
        self.maybe_snapshot();
        if self.role != Role::Leader {
            // Followers redirect clients to the leader they know of.
            let reply = ClientReply::NotLeader { seq: request.seq, leader_hint: self.leader_id };
            self.ready.replies.push((client, reply));
            return;
        }
        if self.transfer_blocks_client(client, &request) {
            return; // a leadership transfer is in progress (disruption.rs)
        }
        if let Op::Get { key } = &request.op {
            if self.handle_read(now, client, request.seq, key) {
                return;
            }
        }
        let dedup = !self.config.unsafe_rules.no_dedup;
        match self.kv.cached(client, request.seq).filter(|_| dedup) {
            Some(Some(value)) => {
                // Already applied: answer from the session without appending again.
                self.ready.replies.push((client, ClientReply::Ok { seq: request.seq, value }));
                return;
            }
            Some(None) => return, // older than the client's latest command: the client moved on
            None => {}
        }
        let Some(leader) = self.leader.as_mut() else { return };
        if !leader.pending.insert((client, request.seq)) && dedup {
            return; // already in our log, awaiting commitment
        }
        let command = Command { client, seq: request.seq, op: request.op };
        self.append_as_leader(EntryPayload::Command(command));
        self.broadcast_append_entries(now);
        self.advance_commit_index();
        self.progress_membership(now);
    }

    /// The next time at which [`RaftNode::handle_timeout`] must be called.
    pub fn next_deadline(&self) -> Micros {
        match &self.leader {
            Some(leader) => self.leader_next_deadline(leader),
            None => self.election_deadline,
        }
    }

    /// Move everything produced so far into `out` (which is cleared first). Swapping buffers
    /// lets the caller reuse allocations across steps. The log entries to write come back as a
    /// [`LogWrite`] borrowed from this node's log (no copy): write them, with the rest of
    /// `out`, before sending `out.messages` and before the node's next input.
    pub fn take_ready(&mut self, out: &mut Ready) -> LogWrite<'_> {
        out.clear();
        // List by list: the caller's (empty) buffers become the node's for the next step.
        std::mem::swap(&mut self.ready.messages, &mut out.messages);
        std::mem::swap(&mut self.ready.applied, &mut out.applied);
        std::mem::swap(&mut self.ready.replies, &mut out.replies);
        std::mem::swap(&mut self.ready.notices, &mut out.notices);
        std::mem::swap(&mut self.ready.overwritten, &mut out.overwritten);
        let unsaved = std::mem::take(&mut self.unsaved);
        if unsaved.hard_state {
            out.hard_state = Some(HardState { current_term: self.current_term, voted_for: self.voted_for });
        }
        out.log_changed_from = unsaved.log_from;
        if unsaved.snapshot {
            out.snapshot = self.snap.current.clone();
        }
        out.persist = !self.config.unsafe_rules.no_persist
            && (unsaved.hard_state || unsaved.log_from.is_some() || unsaved.snapshot);
        match unsaved.log_from {
            // The snapshot and the compacted log are written together.
            _ if unsaved.snapshot => LogWrite::Replace(&self.log),
            Some(from) => LogWrite::Append { from, entries: Entries::new(&self.log, from) },
            None => LogWrite::Unchanged,
        }
    }

    // ----- Read-only views -----------------------------------------------------------------

    /// This server's id.
    pub fn id(&self) -> NodeId {
        self.id
    }
    /// The configuration it booted with (empty for a server added later).
    pub fn members(&self) -> &[NodeId] {
        &self.members
    }
    /// Its protocol settings.
    pub fn config(&self) -> &RaftConfig {
        &self.config
    }
    /// Its role.
    pub fn role(&self) -> Role {
        self.role
    }
    /// currentTerm.
    pub fn current_term(&self) -> Term {
        self.current_term
    }
    /// votedFor.
    pub fn voted_for(&self) -> Option<NodeId> {
        self.voted_for
    }
    /// Its log.
    pub fn log(&self) -> &RaftLog {
        &self.log
    }
    /// commitIndex: the highest entry known to be committed.
    pub fn commit_index(&self) -> Index {
        self.commit_index
    }
    /// lastApplied: the highest entry applied to its state machine.
    pub fn last_applied(&self) -> Index {
        self.last_applied
    }
    /// The leader it knows of in its term, if any.
    pub fn leader_id(&self) -> Option<NodeId> {
        self.leader_id
    }
    /// Its state machine.
    pub fn kv(&self) -> &KvStore {
        &self.kv
    }
    /// Candidates and pre-candidates: who granted the vote in this election.
    pub fn votes_granted(&self) -> &BTreeSet<NodeId> {
        &self.votes_granted
    }
    /// Candidates and pre-candidates: who denied it.
    pub fn votes_denied(&self) -> &BTreeSet<NodeId> {
        &self.votes_denied
    }
    /// Leaders: nextIndex of every other server of the configuration (empty on others).
    pub fn next_index(&self) -> BTreeMap<NodeId, Index> {
        crate::ordered::map_of(self.progress().map(|(&p, pr)| (p, pr.next_index)))
    }
    /// Leaders: matchIndex of every other server of the configuration (empty on others).
    pub fn match_index(&self) -> BTreeMap<NodeId, Index> {
        crate::ordered::map_of(self.progress().map(|(&p, pr)| (p, pr.match_index)))
    }
    /// Leaders: what it knows of every other server of the configuration, in id order
    /// (nothing on others).
    pub fn progress(&self) -> impl Iterator<Item = (&NodeId, &Progress)> + '_ {
        self.leader.iter().flat_map(|l| l.progress.iter())
    }
    /// Leaders: what it knows of `peer`.
    pub fn progress_of(&self, peer: NodeId) -> Option<&Progress> {
        self.leader.as_ref()?.progress.get(&peer)
    }
    /// The election timeout currently drawn (for drawing the timer arc).
    pub fn election_timeout(&self) -> Micros {
        self.election_timeout
    }
    /// What stable storage must hold right now.
    pub fn persistent_state(&self) -> PersistentState {
        PersistentState {
            current_term: self.current_term,
            voted_for: self.voted_for,
            log: self.log.clone(),
            snapshot: self.snap.current.clone(),
        }
    }

    // ----- Transitions ---------------------------------------------------------------------

    /// Whether `servers` (which may include this one) form a majority of the configuration in
    /// force — of both C_old and C_new during joint consensus; learners never count. Every
    /// "heard from a majority" decision goes through here, so the rule lives in one place.
    pub(crate) fn is_quorum(&self, servers: &BTreeSet<NodeId>) -> bool {
        self.configuration.is_quorum(servers)
    }

    /// Every other server of the configuration in force (voters and learners), in id order.
    pub(crate) fn peers(&self) -> Vec<NodeId> {
        let mut peers = Vec::new();
        self.configuration.servers_into(&mut peers);
        peers.retain(|&p| p != self.id);
        peers
    }

    pub(crate) fn progress_mut(&mut self, peer: NodeId) -> Option<&mut Progress> {
        self.leader.as_mut()?.progress.get_mut(&peer)
    }

    /// Stop leading, if it leads: drop everything only a leader has (one assignment), and
    /// answer the reads it held "not the leader". Returns whether it led. (A leader removed
    /// from the configuration steps down in membership.rs, keeping its reads on purpose.)
    fn stop_leading(&mut self) -> bool {
        if self.leader.is_none() {
            return false; // (checked first: most calls come to followers, with nothing to drop)
        }
        self.leader = None;
        self.fail_pending_reads();
        true
    }

    pub(crate) fn send(&mut self, to: NodeId, message: Message) {
        self.ready.messages.push(Envelope { from: self.id, to, message });
    }

    pub(crate) fn hard_state_changed(&mut self) {
        self.unsaved.hard_state = true;
    }

    pub(crate) fn log_changed_from(&mut self, index: Index) {
        let from = self.unsaved.log_from.map_or(index, |f| f.min(index));
        self.unsaved.log_from = Some(from);
    }

    pub(crate) fn reset_election_timer(&mut self, now: Micros, rng: &mut dyn Entropy) {
        let (min, max) =
            (self.config.election_timeout_min, self.config.election_timeout_max.max(self.config.election_timeout_min));
        let span = max - min + 1;
        self.election_timeout = min + rng.next_u64() % span;
        self.election_deadline = now + self.election_timeout;
    }

    /// Step down (or stay) as follower of `term`. A new term clears votedFor.
    pub(crate) fn become_follower(&mut self, now: Micros, term: Term, leader: Option<NodeId>, rng: &mut dyn Entropy) {
        if term > self.current_term {
            self.current_term = term;
            self.voted_for = None;
            self.hard_state_changed();
        }
        self.role = Role::Follower;
        self.leader_id = leader;
        // (Checked first: every AppendEntries comes here, and clearing an empty set still
        // walks it.)
        if !self.votes_granted.is_empty() || !self.votes_denied.is_empty() {
            self.votes_granted.clear();
            self.votes_denied.clear();
        }
        if self.stop_leading() {
            // A leader runs no election timer; a deposed one needs a fresh one.
            self.reset_election_timer(now, rng);
        }
    }

    /// Candidates (§5.2): on conversion to candidate, start an election: increment currentTerm,
    /// vote for self, reset the election timer, send RequestVote RPCs to all other servers.
    pub(crate) fn start_election(&mut self, now: Micros, rng: &mut dyn Entropy) {
        if !self.configuration.is_voter(self.id) {
            // A server outside the configuration (not yet added, a learner, or removed and
            // aware of it) never campaigns; its timer just sleeps again.
            if self.role == Role::Candidate {
                self.role = Role::Follower;
            }
            if self.role != Role::Leader {
                self.election_deadline = now + self.election_timeout;
            }
            return;
        }
        self.stop_leading();
        self.role = Role::Candidate;
        self.current_term += 1;
        self.voted_for = Some(self.id);
        self.leader_id = None;
        self.hard_state_changed();
        self.votes_granted.clear();
        self.votes_denied.clear();
        self.votes_granted.insert(self.id);
        self.reset_election_timer(now, rng);
        self.broadcast_request_vote();
        if self.is_quorum(&self.votes_granted) {
            self.become_leader(now);
        }
    }

    /// Leaders: reinitialise nextIndex/matchIndex, optionally append a no-op, and send initial
    /// empty AppendEntries (heartbeats) to each server.
    pub(crate) fn become_leader(&mut self, now: Micros) {
        self.role = Role::Leader;
        self.leader_id = Some(self.id);
        // Fresh progress for every follower, the first heartbeat and CheckQuorum deadlines, no
        // transfer and no lease yet: all of it new, in one value.
        let (interval, window) = (self.config.heartbeat_interval, self.election_timeout_span());
        let peers = self.peers().into_iter();
        self.leader = Some(LeaderState::new(peers, self.log.last_index(), now, interval, window));
        if self.config.noop_on_election {
            self.append_as_leader(EntryPayload::Noop);
        }
        self.broadcast_append_entries(now);
        self.advance_commit_index();
    }

    pub(crate) fn append_as_leader(&mut self, payload: EntryPayload) {
        let index = self.log.last_index() + 1;
        let is_configuration = matches!(payload, EntryPayload::Configuration(_));
        self.log.append(Entry { term: self.current_term, index, payload });
        self.log_changed_from(index);
        if is_configuration {
            self.configuration_changed_from(index);
        }
    }

    /// All servers: while commitIndex > lastApplied, apply log[lastApplied + 1]. A leader
    /// answers the clients whose commands it appended.
    pub(crate) fn apply_committed(&mut self) {
        while self.last_applied < self.commit_index {
            let index = self.last_applied + 1;
            let Some(entry) = self.log.get(index) else { break };
            let term = entry.term;
            let mut took_effect = None;
            if let EntryPayload::Command(command) = &entry.payload {
                let outcome = self.kv.apply_with(command, !self.config.unsafe_rules.no_dedup);
                let key = (command.client, command.seq);
                took_effect = (!outcome.duplicate).then_some(key);
                // A command older than the client's latest applied one was skipped as a
                // duplicate: it did not take effect, so it must not be acknowledged (only the
                // operator's client, which has several requests in flight, can get here).
                let skipped = outcome.duplicate && self.kv.cached(key.0, key.1) == Some(None);
                let was_pending = self.leader.as_mut().is_some_and(|l| l.pending.remove(&key));
                if was_pending && !skipped {
                    self.ready.replies.push((key.0, ClientReply::Ok { seq: key.1, value: outcome.value }));
                }
            }
            self.last_applied = index;
            self.ready.applied.push(Applied { index, term, command: took_effect });
        }
    }
}
