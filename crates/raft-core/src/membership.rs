//! Cluster membership changes (§6 of the Raft paper, chapter 4 of Ongaro's thesis).
//!
//! A configuration is a log entry like any other, and every server uses the latest one in its
//! log, committed or not (falling back to the one before if that entry is truncated away). In
//! joint consensus (C_old,new) every decision — electing a leader, committing an entry — needs
//! separate majorities of the old and of the new voters. Learners receive the log but never vote
//! and never count.
//!
//! The leader drives a change in steps, one change at a time:
//! 1. servers that are not yet voters join as learners (a configuration entry) and receive the
//!    log until they have caught up (their matchIndex reaches the leader's commitIndex);
//! 2. joint mode: the leader appends C_old,new, and once that commits, C_new;
//!    single-server mode: the leader appends C_new directly (it differs by one voter);
//! 3. a leader that is not in C_new manages the cluster until C_new commits (replicating but not
//!    counting itself), then steps down.
use crate::config::MembershipMode;
use crate::node::{RaftNode, Role};
use crate::types::{Entry, EntryPayload, Index, Micros, NodeId, Term};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::fmt;

/// The servers of the cluster and what each may do.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Configuration {
    /// The voters (C_old during joint consensus).
    pub voters: BTreeSet<NodeId>,
    /// C_new during joint consensus; `None` otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub new_voters: Option<BTreeSet<NodeId>>,
    /// Servers that receive the log but do not vote (new servers catching up).
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub learners: BTreeSet<NodeId>,
}

/// Whether `servers` hold a majority of `voters`. An empty voter set has no majority.
/// The highest index stored on a majority of `voters`, given each server's matchIndex.
fn majority_index(voters: &BTreeSet<NodeId>, matched: &dyn Fn(NodeId) -> Index) -> Index {
    if voters.is_empty() {
        return 0;
    }
    let mut indexes: Vec<Index> = voters.iter().map(|&v| matched(v)).collect();
    indexes.sort_unstable_by(|a, b| b.cmp(a));
    indexes[voters.len() / 2]
}

impl Configuration {
    /// A plain configuration of voters.
    pub fn new(voters: impl IntoIterator<Item = NodeId>) -> Configuration {
        Configuration { voters: voters.into_iter().collect(), new_voters: None, learners: BTreeSet::new() }
    }

    /// C_old,new.
    pub fn is_joint(&self) -> bool {
        self.new_voters.is_some()
    }

    /// Whether `id` votes (in C_old or C_new).
    pub fn is_voter(&self, id: NodeId) -> bool {
        self.voters.contains(&id) || self.new_voters.as_ref().is_some_and(|n| n.contains(&id))
    }

    /// Whether `id` is part of the configuration at all (voter or learner).
    pub fn contains(&self, id: NodeId) -> bool {
        self.is_voter(id) || self.learners.contains(&id)
    }

    /// Every voter (C_old ∪ C_new), in id order.
    pub fn all_voters(&self) -> BTreeSet<NodeId> {
        let mut all = self.voters.clone();
        if let Some(new) = &self.new_voters {
            all.extend(new.iter().copied());
        }
        all
    }

    /// Every server (voters and learners), in id order: who the leader replicates to.
    pub fn servers(&self) -> BTreeSet<NodeId> {
        let mut all = self.all_voters();
        all.extend(self.learners.iter().copied());
        all
    }

    /// The voter set this configuration is heading for: C_new when joint, else the voters.
    pub fn target_voters(&self) -> &BTreeSet<NodeId> {
        self.new_voters.as_ref().unwrap_or(&self.voters)
    }

    /// Whether `servers` can decide: a majority of the voters, and in joint consensus also a
    /// majority of C_new. Learners never count.
    pub fn is_quorum(&self, servers: &BTreeSet<NodeId>) -> bool {
        self.is_quorum_where(|s| servers.contains(&s))
    }

    /// The same for the servers for which `counts` holds, without building a set (the
    /// simulator asks this after every event).
    pub fn is_quorum_where(&self, counts: impl Fn(NodeId) -> bool) -> bool {
        let majority = |voters: &BTreeSet<NodeId>| voters.iter().filter(|&&v| counts(v)).count() > voters.len() / 2;
        majority(&self.voters) && self.new_voters.as_ref().is_none_or(majority)
    }

    /// The highest index stored on a quorum (both majorities in joint consensus).
    pub fn committed_index(&self, matched: &dyn Fn(NodeId) -> Index) -> Index {
        let old = majority_index(&self.voters, matched);
        match &self.new_voters {
            Some(new) => old.min(majority_index(new, matched)),
            None => old,
        }
    }

    /// The latest configuration in `log` and its index; `bootstrap` (index 0) if there is none.
    pub fn latest_in<'a>(
        entries: impl DoubleEndedIterator<Item = &'a Entry>,
        bootstrap: &[NodeId],
    ) -> (Configuration, Index) {
        for entry in entries.rev() {
            if let EntryPayload::Configuration(c) = &entry.payload {
                return (c.clone(), entry.index);
            }
        }
        (Configuration::new(bootstrap.iter().copied()), 0)
    }
}

fn list(set: &BTreeSet<NodeId>) -> String {
    let names: Vec<String> = set.iter().map(|n| format!("S{n}")).collect();
    format!("{{{}}}", names.join(","))
}

impl fmt::Display for Configuration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.new_voters {
            Some(new) => write!(f, "config old={} new={}", list(&self.voters), list(new))?,
            None => write!(f, "config {}", list(&self.voters))?,
        }
        if !self.learners.is_empty() {
            write!(f, " learners={}", list(&self.learners))?;
        }
        Ok(())
    }
}

/// Why the leader did not accept a membership change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ChangeRefused {
    NotLeader {
        leader_hint: Option<NodeId>,
    },
    /// A change is under way: a pending request, a joint configuration, or an uncommitted
    /// configuration entry.
    ChangeInProgress,
    /// The new configuration would have no voters.
    NoVoters,
    /// The request does not change the voters.
    NothingToChange,
    /// Single-server mode changes one voter at a time.
    MoreThanOneServer {
        added: usize,
        removed: usize,
    },
    /// Single-server mode: the leader has not yet committed an entry of its own term (the bug
    /// in Ongaro's 2015 raft-dev post comes from skipping this).
    NoEntryCommittedInTerm {
        term: Term,
    },
}

impl fmt::Display for ChangeRefused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ChangeRefused::NotLeader { leader_hint: Some(l) } => write!(f, "not the leader (the leader is S{l})"),
            ChangeRefused::NotLeader { leader_hint: None } => write!(f, "not the leader (no leader known)"),
            ChangeRefused::ChangeInProgress => {
                write!(f, "a membership change is already in progress (one change at a time)")
            }
            ChangeRefused::NoVoters => write!(f, "the new configuration would have no voters"),
            ChangeRefused::NothingToChange => write!(f, "the voters are already exactly those"),
            ChangeRefused::MoreThanOneServer { added, removed } => write!(
                f,
                "single-server mode adds or removes one voter at a time (this adds {added} and removes {removed})"
            ),
            ChangeRefused::NoEntryCommittedInTerm { term } => write!(
                f,
                "the leader has not yet committed an entry of its own term {term}; a configuration change must wait for it"
            ),
        }
    }
}

/// A change the leader has accepted and is carrying out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PendingChange {
    /// The voters wanted.
    pub target: BTreeSet<NodeId>,
    /// Give up if the new servers have not caught up by then (they may be down).
    pub catch_up_deadline: Micros,
}

/// How many maximum election timeouts new servers get to catch up before the change is dropped.
const CATCH_UP_TIMEOUTS: u64 = 10;

impl RaftNode {
    /// The configuration in force here: the latest in the log, committed or not.
    pub fn configuration(&self) -> &Configuration {
        &self.configuration
    }

    /// The log index of that configuration (0: the one the server booted with).
    pub fn configuration_index(&self) -> Index {
        self.configuration_index
    }

    /// The change this leader is carrying out, if any.
    pub fn membership_change(&self) -> Option<&PendingChange> {
        self.membership_change.as_ref()
    }

    /// Whether a configuration change is under way here: one accepted and not finished, a joint
    /// configuration, or a configuration entry not yet known to be committed.
    pub fn membership_change_in_progress(&self) -> bool {
        self.membership_change.is_some()
            || self.configuration.is_joint()
            || self.configuration_index > self.commit_index
    }

    /// Whether this leader would accept a change to `voters` now (no state changes).
    pub fn check_membership_change(&self, voters: &BTreeSet<NodeId>) -> Result<(), ChangeRefused> {
        if self.role != Role::Leader {
            return Err(ChangeRefused::NotLeader { leader_hint: self.leader_id.filter(|&l| l != self.id) });
        }
        if voters.is_empty() {
            return Err(ChangeRefused::NoVoters);
        }
        if self.membership_change_in_progress() {
            return Err(ChangeRefused::ChangeInProgress);
        }
        let current = &self.configuration.voters;
        if voters == current {
            return Err(ChangeRefused::NothingToChange);
        }
        if self.config.membership_mode == MembershipMode::SingleServer {
            let added = voters.difference(current).count();
            let removed = current.difference(voters).count();
            if added + removed > 1 {
                return Err(ChangeRefused::MoreThanOneServer { added, removed });
            }
            // Thesis §4.1, and the fix to the 2015 bug: a new leader must commit an entry of its
            // term before it changes the configuration, or a change from an earlier term that it
            // never saw may still commit with a majority disjoint from this one's.
            let own_term_committed = self.log.term_at(self.commit_index) == Some(self.current_term);
            if !own_term_committed && !self.config.unsafe_rules.unsafe_single_server_change {
                return Err(ChangeRefused::NoEntryCommittedInTerm { term: self.current_term });
            }
        }
        Ok(())
    }

    /// Operator request at the leader: make `voters` the voters of the cluster.
    pub fn change_membership(&mut self, now: Micros, voters: BTreeSet<NodeId>) -> Result<(), ChangeRefused> {
        self.check_membership_change(&voters)?;
        let newcomers: BTreeSet<NodeId> = voters.difference(&self.configuration.all_voters()).copied().collect();
        let catch_up_deadline = now + CATCH_UP_TIMEOUTS * self.config.election_timeout_max.max(1);
        self.membership_change = Some(PendingChange { target: voters, catch_up_deadline });
        if !newcomers.is_subset(&self.configuration.learners) {
            // New servers first join as learners: they get the log but no vote yet.
            let mut learners = self.configuration.learners.clone();
            learners.extend(newcomers);
            let next = Configuration { learners, ..self.configuration.clone() };
            self.append_configuration(next);
        }
        self.progress_membership(now);
        Ok(())
    }

    /// Operator request: add `node` as a voter.
    pub fn add_server(&mut self, now: Micros, node: NodeId) -> Result<(), ChangeRefused> {
        let mut voters = self.configuration.voters.clone();
        voters.insert(node);
        self.change_membership(now, voters)
    }

    /// Operator request: remove `node` from the voters.
    pub fn remove_server(&mut self, now: Micros, node: NodeId) -> Result<(), ChangeRefused> {
        let mut voters = self.configuration.voters.clone();
        voters.remove(&node);
        self.change_membership(now, voters)
    }

    /// Leaders: append a configuration entry; it takes effect at once (before it commits).
    fn append_configuration(&mut self, next: Configuration) {
        self.append_as_leader(EntryPayload::Configuration(next));
        self.broadcast_append_entries();
        self.advance_commit_index();
    }

    /// Leaders: take the next step of a change once the previous one has committed; step down
    /// once a C_new that excludes this server has committed. Called after every input that can
    /// commit entries or that passes time.
    pub(crate) fn progress_membership(&mut self, now: Micros) {
        // Each pass appends at most one entry; a single-voter cluster commits it at once, so a
        // few passes can run in one call (bounded: learners, joint, new).
        for _ in 0..4 {
            if self.role != Role::Leader {
                return;
            }
            let committed = self.configuration_index <= self.commit_index;
            if !committed {
                return;
            }
            if let Some(new) = self.configuration.new_voters.clone() {
                // C_old,new committed: move on to C_new. A new leader that finds a committed
                // joint configuration finishes the change too.
                let learners = self.configuration.learners.difference(&new).copied().collect();
                self.append_configuration(Configuration { voters: new, new_voters: None, learners });
                continue;
            }
            if !self.configuration.is_voter(self.id) {
                self.step_down_after_removal(now);
                return;
            }
            let Some(change) = self.membership_change.clone() else { return };
            if change.target == self.configuration.voters {
                self.membership_change = None; // done
                return;
            }
            let newcomers: Vec<NodeId> = change.target.difference(&self.configuration.voters).copied().collect();
            let caught_up = newcomers.iter().all(|n| self.match_index.get(n).is_some_and(|&m| m >= self.commit_index));
            if !caught_up {
                if now >= change.catch_up_deadline {
                    // The new servers are down or too slow: give up (they stay learners).
                    self.membership_change = None;
                }
                return;
            }
            let learners = self.configuration.learners.difference(&change.target).copied().collect();
            let next = match self.config.membership_mode {
                MembershipMode::Joint => Configuration {
                    voters: self.configuration.voters.clone(),
                    new_voters: Some(change.target.clone()),
                    learners,
                },
                MembershipMode::SingleServer => {
                    Configuration { voters: change.target.clone(), new_voters: None, learners }
                }
            };
            self.append_configuration(next);
        }
    }

    /// A leader outside C_new steps down once C_new has committed. It first tells the others
    /// the new commitIndex, so they learn C_new committed without waiting for a new leader.
    fn step_down_after_removal(&mut self, now: Micros) {
        self.broadcast_append_entries();
        self.role = Role::Follower;
        self.leader_id = None;
        self.next_index.clear();
        self.match_index.clear();
        self.replicating.clear();
        self.pending.clear();
        self.membership_change = None;
        // Not a voter: its election timer only keeps it asleep (it never campaigns).
        self.election_deadline = now + self.election_timeout;
    }

    /// Recompute the configuration in force after the log changed from `from` on: a truncated
    /// configuration entry gives way to the one before it, an appended one takes effect.
    pub(crate) fn configuration_changed_from(&mut self, from: Index) {
        let before = self.configuration_index;
        while self.configuration_indexes.last().is_some_and(|&i| i >= from) {
            self.configuration_indexes.pop();
        }
        for entry in self.log.slice_from(from, usize::MAX) {
            if matches!(entry.payload, EntryPayload::Configuration(_)) {
                self.configuration_indexes.push(entry.index);
            }
        }
        let index = self.configuration_indexes.last().copied().unwrap_or(self.base_configuration_index);
        if index == before && index < from {
            return; // unchanged
        }
        self.configuration = match self.log.get(index).map(|e| &e.payload) {
            Some(EntryPayload::Configuration(c)) => c.clone(),
            _ => self.base_configuration.clone(),
        };
        self.configuration_index = index;
        if self.role == Role::Leader {
            // Replicate to every server of the new configuration, and only to them.
            let servers = self.configuration.servers();
            let next = self.log.last_index() + 1;
            self.next_index.retain(|p, _| servers.contains(p));
            self.match_index.retain(|p, _| servers.contains(p));
            self.replicating.retain(|p| servers.contains(p));
            for &p in &servers {
                if p != self.id {
                    self.next_index.entry(p).or_insert(next);
                    self.match_index.entry(p).or_insert(0);
                }
            }
        }
    }
}
