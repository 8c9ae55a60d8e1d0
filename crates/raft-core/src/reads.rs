//! Linearizable reads without the log (Ongaro's thesis §6.4): ReadIndex, leases, and the
//! `stale-reads` break rule that skips both.
//!
//! Heartbeat rounds: every time a leader broadcasts AppendEntries it starts a new round and
//! stamps it on what it sends; followers echo the round in their reply. A reply of the current
//! term for round r proves the follower still accepted this leader after round r started. A read
//! that arrived before round r started is safe to answer once a majority (this leader included)
//! acknowledged r: no other leader with a newer term can have committed anything the leader has
//! not seen when the read arrived, or that majority would have had to vote for it first.
use crate::config::ReadMode;
use crate::message::Message;
use crate::node::{RaftNode, Role};
use crate::state_machine::ClientReply;
use crate::types::{ClientId, Index, Micros, NodeId};
use serde::Serialize;
use std::collections::BTreeMap;

/// A leader forgets the start times of unacknowledged rounds beyond this many (a partitioned
/// leader keeps starting rounds nobody answers); forgetting only shortens its lease.
const MAX_TRACKED_ROUNDS: usize = 64;
/// A leader holds at most this many unanswered reads (a partitioned leader keeps receiving them
/// from clients that have long timed out); the oldest are dropped without an answer.
const MAX_PENDING_READS: usize = 1024;

/// A get waiting for its leader to confirm it still leads.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PendingRead {
    /// The client that asked.
    pub client: ClientId,
    /// The client's sequence number for the read.
    pub seq: u64,
    /// The key read.
    pub key: String,
    /// commitIndex once the leader has committed an entry of its term; None before.
    pub read_index: Option<Index>,
    /// The heartbeat round started after the read arrived; a majority must acknowledge it.
    pub round: u64,
}

/// What a node keeps for reads. Volatile: lost in a crash. A leader's lease is in its
/// `LeaderState` ([`Lease`]), each follower's acknowledged round in its `Progress`.
#[derive(Clone, Debug, Default)]
pub(crate) struct ReadState {
    /// The round of the leader's latest broadcast. Never reset (not even between terms as
    /// leader), so rounds only grow.
    pub(crate) round: u64,
    /// Reads waiting for a majority to confirm this server leads. Kept outside `LeaderState`
    /// because a leader removed from the configuration keeps them, and answers them only if it
    /// leads again (membership.rs); any other step-down answers them "not the leader".
    pub(crate) pending: Vec<PendingRead>,
    /// Followers: the round of the AppendEntries being answered, echoed in the reply.
    pub(crate) echo_round: u64,
    /// Followers in lease mode: when they last heard from a leader they accepted (or booted).
    pub(crate) leader_contact: Micros,
}

impl ReadState {
    pub(crate) fn new(now: Micros) -> ReadState {
        ReadState { leader_contact: now, ..ReadState::default() }
    }
}

/// A leader's read lease, in its `LeaderState`: new with each term as leader, gone when it
/// steps down (acknowledgements and leases are for one term).
#[derive(Clone, Debug, Default)]
pub(crate) struct Lease {
    /// Lease mode: when recent rounds started (local clock).
    pub(crate) round_started: BTreeMap<u64, Micros>,
    /// Lease mode: the start of the latest round a majority acknowledged.
    pub(crate) start: Option<Micros>,
    /// TimeoutNow was sent this term (a leadership transfer, or a removed leader's hand-over).
    /// The target's RequestVotes pass the followers' lease promise, so this leader holds no
    /// lease again until it is re-elected. A transfer abandoned before TimeoutNow went out
    /// never sets it: the lease stands.
    pub(crate) given_up: bool,
}

impl RaftNode {
    /// Leaders: a broadcast at `now` starts a new heartbeat round.
    pub(crate) fn start_round(&mut self, now: Micros) {
        self.reads.round += 1;
        let round = self.reads.round;
        if let Some(lease) =
            self.leader.as_mut().map(|l| &mut l.lease).filter(|_| self.config.read_mode == ReadMode::Lease)
        {
            lease.round_started.insert(round, now);
            while lease.round_started.len() > MAX_TRACKED_ROUNDS {
                lease.round_started.pop_first();
            }
        }
    }

    /// Whether the leader has committed an entry of its own term; until then its commitIndex may
    /// lag behind what earlier leaders committed (thesis §6.4 step 1).
    pub(crate) fn committed_in_term(&self) -> bool {
        self.log.term_at(self.commit_index) == Some(self.current_term)
    }

    /// How long a lease lasts after the round that earned it started: electionTimeoutMin ×
    /// (1 − drift bound). Followers that acknowledged that round ignore candidates for
    /// electionTimeoutMin after hearing it, on their own clocks.
    pub fn lease_duration(&self) -> Micros {
        let bound = self.config.lease_drift_bound_ppm.min(1_000_000);
        (self.config.election_timeout_min as u128 * (1_000_000 - bound) as u128 / 1_000_000) as Micros
    }

    /// Leaders in lease mode: the local time until which the lease lets it answer reads at once.
    pub fn lease_expiry(&self) -> Option<Micros> {
        let lease = &self.leader.as_ref()?.lease;
        if self.config.read_mode != ReadMode::Lease || lease.given_up {
            return None;
        }
        lease.start.map(|t| t + self.lease_duration())
    }

    /// Reads a leader holds until a majority confirms its leadership.
    pub fn pending_reads(&self) -> &[PendingRead] {
        &self.reads.pending
    }

    /// The round of the leader's latest heartbeat broadcast.
    pub fn heartbeat_round(&self) -> u64 {
        self.reads.round
    }

    /// The highest round that a majority (this leader included) acknowledged.
    pub fn quorum_round(&self) -> u64 {
        let mut candidates: Vec<u64> = self.progress().map(|(_, p)| p.acked_round).collect();
        candidates.push(self.reads.round);
        // Highest first (up, then reversed: see `membership::majority_index`'s note).
        candidates.sort_unstable();
        candidates.reverse();
        candidates.dedup();
        for r in candidates {
            let mut ackers =
                crate::ordered::set_of(self.progress().filter(|(_, p)| p.acked_round >= r).map(|(&peer, _)| peer));
            ackers.insert(self.id);
            if self.is_quorum(&ackers) {
                return r;
            }
        }
        0
    }

    /// A get reached the leader. Returns false if it goes through the log instead.
    pub(crate) fn handle_read(&mut self, now: Micros, client: ClientId, seq: u64, key: &str) -> bool {
        if self.config.unsafe_rules.stale_reads {
            // Broken on purpose: whatever this server has applied, without asking anyone.
            let value = self.kv.data().get(key).cloned();
            self.ready.replies.push((client, ClientReply::Ok { seq, value }));
            return true;
        }
        match self.config.read_mode {
            ReadMode::Log => return false,
            ReadMode::Lease if self.committed_in_term() && self.lease_expiry().is_some_and(|end| now < end) => {
                // Applying is synchronous here, so lastApplied == commitIndex already.
                let value = self.kv.data().get(key).cloned();
                self.ready.replies.push((client, ClientReply::Ok { seq, value }));
                return true;
            }
            ReadMode::ReadIndex | ReadMode::Lease => {}
        }
        if self.reads.pending.iter().any(|r| r.client == client && r.seq == seq) {
            return true; // a retry of a read already waiting
        }
        // A fresh round, started after the read arrived.
        self.broadcast_append_entries(now);
        let read_index = self.committed_in_term().then_some(self.commit_index);
        let read = PendingRead { client, seq, key: key.to_string(), read_index, round: self.reads.round };
        self.reads.pending.push(read);
        if self.reads.pending.len() > MAX_PENDING_READS {
            self.reads.pending.remove(0);
        }
        self.serve_reads();
        true
    }

    /// Inspect a message before the RPC rules see it. Returns false if it must be ignored.
    pub(crate) fn read_rules_before(&mut self, now: Micros, message: &Message) -> bool {
        // Lease safety (thesis §4.2.3): a follower that heard from a leader less than an election
        // timeout ago neither updates its term nor votes, so no new leader can be elected while
        // a majority's acknowledgement still backs the old leader's lease.
        // A transfer's RequestVote is let through: the leader that sent TimeoutNow gave up its
        // lease first (`lease_given_up`).
        if let Message::RequestVote(rv) = message {
            if !rv.leadership_transfer
                && self.config.read_mode == ReadMode::Lease
                && self.role == Role::Follower
                && now < self.reads.leader_contact.saturating_add(self.config.election_timeout_min)
            {
                return false;
            }
        }
        if let Message::AppendEntries(ae) = message {
            self.reads.echo_round = ae.round;
        }
        true
    }

    /// After the RPC rules: note leader contact (followers) and acknowledgements (leaders).
    pub(crate) fn read_rules_after(&mut self, now: Micros, from: NodeId, message_term: u64, ack_round: Option<u64>) {
        match ack_round {
            None => {
                // An AppendEntries of the current term accepted by a follower.
                if self.role == Role::Follower && message_term == self.current_term && self.leader_id == Some(from) {
                    self.reads.leader_contact = now;
                }
            }
            Some(round) => {
                if self.role != Role::Leader || message_term != self.current_term {
                    return;
                }
                if let Some(p) = self.progress_mut(from) {
                    p.acked_round = p.acked_round.max(round);
                }
                if self.config.read_mode == ReadMode::Lease {
                    let q = self.quorum_round();
                    if let Some(lease) = self.leader.as_mut().map(|l| &mut l.lease) {
                        if let Some(&started) = lease.round_started.get(&q) {
                            lease.start = Some(lease.start.map_or(started, |s| s.max(started)));
                        }
                        // Rounds before q can no longer extend the lease.
                        lease.round_started = lease.round_started.split_off(&q);
                    }
                }
                self.serve_reads();
            }
        }
    }

    /// Leaders: answer every read whose round a majority acknowledged and whose readIndex has
    /// been applied.
    pub(crate) fn serve_reads(&mut self) {
        if self.role != Role::Leader || self.reads.pending.is_empty() {
            return;
        }
        let in_term = self.committed_in_term();
        let commit = self.commit_index;
        let confirmed = self.quorum_round();
        let last_applied = self.last_applied;
        let mut waiting = Vec::new();
        for mut read in std::mem::take(&mut self.reads.pending) {
            if read.read_index.is_none() && in_term {
                read.read_index = Some(commit);
            }
            match read.read_index {
                Some(ri) if confirmed >= read.round && last_applied >= ri => {
                    let value = self.kv.data().get(&read.key).cloned();
                    self.ready.replies.push((read.client, ClientReply::Ok { seq: read.seq, value }));
                }
                _ => waiting.push(read),
            }
        }
        self.reads.pending = waiting;
    }

    /// A leader stepping down answers its waiting reads "not the leader".
    pub(crate) fn fail_pending_reads(&mut self) {
        let hint = self.leader_id.filter(|&l| l != self.id);
        for read in std::mem::take(&mut self.reads.pending) {
            self.ready.replies.push((read.client, ClientReply::NotLeader { seq: read.seq, leader_hint: hint }));
        }
    }
}
