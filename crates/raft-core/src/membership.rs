//! Cluster membership changes (§6 of the Raft paper, chapter 4 of Ongaro's thesis).
//!
//! A configuration is a log entry like any other, and every server uses the latest one in its
//! log, committed or not (falling back to the one before if that entry is truncated away). In
//! joint consensus (C_old,new) every decision — electing a leader, committing an entry — needs
//! separate majorities of the old and of the new voters. Learners receive the log but never vote
//! and never count.
//!
//! The leader drives a change in steps, one change at a time:
//! 1. servers that are not yet voters join as learners (a configuration entry) and catch up in
//!    rounds (thesis §4.2.1, see `CatchUp`); a learner too slow or unavailable aborts the change;
//! 2. joint mode: the leader appends C_old,new, and once that commits, C_new;
//!    single-server mode: the leader appends C_new directly (it differs by one voter);
//! 3. a leader that is not in C_new manages the cluster until C_new commits (replicating but not
//!    counting itself), then steps down, handing leadership to a caught-up voter of C_new with
//!    TimeoutNow (thesis §3.10) so the cluster need not wait for an election timeout.
use crate::config::MembershipMode;
use crate::node::{RaftNode, Role};
use crate::progress::Progress;
use crate::ready::Notice;
use crate::types::{Entry, EntryPayload, Index, Micros, NodeId, Term};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
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

/// A server's place in a [`Configuration`] (see [`Configuration::membership`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Membership {
    /// Votes in every configuration in force (C_old and C_new when joint).
    Voter,
    /// Votes only in C_new: being added by a joint change.
    Joining,
    /// Votes only in C_old: being removed by a joint change.
    Leaving,
    /// Receives the log but does not vote.
    Learner,
    /// Not in the configuration at all.
    Outside,
}

impl Membership {
    /// The word for it, in lower case (`voter`, `joining`, ...).
    pub fn name(self) -> &'static str {
        match self {
            Membership::Voter => "voter",
            Membership::Joining => "joining",
            Membership::Leaving => "leaving",
            Membership::Learner => "learner",
            Membership::Outside => "outside",
        }
    }
}

/// The highest index stored on a majority of `voters`, given each server's matchIndex (0 for
/// an empty voter set, which has no majority).
fn majority_index(voters: &BTreeSet<NodeId>, matched: &dyn Fn(NodeId) -> Index) -> Index {
    // A leader asks after every acknowledgement: sort on the stack for clusters of usual size.
    const ON_STACK: usize = 16;
    let mut stack = [0; ON_STACK];
    let mut heap = Vec::new();
    let indexes: &mut [Index] = if voters.len() <= ON_STACK {
        &mut stack[..voters.len()]
    } else {
        heap.resize(voters.len(), 0);
        &mut heap
    };
    for (slot, &voter) in indexes.iter_mut().zip(voters) {
        *slot = matched(voter);
    }
    // Highest first. (Sorted up, then reversed: one copy of the sort serves every list of
    // numbers in the page's wasm; a descending comparator would compile another.)
    indexes.sort_unstable();
    indexes.reverse();
    indexes.get(voters.len() / 2).copied().unwrap_or(0)
}

impl Configuration {
    /// A plain configuration of voters.
    pub fn new(voters: impl IntoIterator<Item = NodeId>) -> Configuration {
        Configuration { voters: crate::ordered::set_of(voters), new_voters: None, learners: BTreeSet::new() }
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

    /// Every server (voters and learners), in id order, into `out` (cleared first): the same as
    /// [`Configuration::servers`] without building a set (a leader asks on every broadcast).
    pub fn servers_into(&self, out: &mut Vec<NodeId>) {
        out.clear();
        out.extend(self.voters.iter().chain(self.new_voters.iter().flatten()).chain(&self.learners));
        out.sort_unstable();
        out.dedup();
    }

    /// Every server (voters and learners), in id order: who the leader replicates to.
    pub fn servers(&self) -> BTreeSet<NodeId> {
        let mut all = self.all_voters();
        all.extend(self.learners.iter().copied());
        all
    }

    /// Where `id` stands in this configuration: a voter of both C_old and C_new (or of the one
    /// plain configuration), joining (only in C_new), leaving (only in C_old), a learner, or
    /// outside the cluster.
    pub fn membership(&self, id: NodeId) -> Membership {
        let old = self.voters.contains(&id);
        match (&self.new_voters, old) {
            (Some(new), true) if !new.contains(&id) => Membership::Leaving,
            (Some(new), false) if new.contains(&id) => Membership::Joining,
            _ if self.is_voter(id) => Membership::Voter,
            _ if self.learners.contains(&id) => Membership::Learner,
            _ => Membership::Outside,
        }
    }

    /// The voters after replacing `old` with `new`, in id order: what one membership change
    /// asks for when a server takes another's place (joint consensus swaps both at once).
    /// It starts from `voters` (C_old when joint: a leader takes one change at a time, so a
    /// request made during another change is refused whatever it asks).
    pub fn voters_replacing(&self, old: NodeId, new: NodeId) -> Vec<NodeId> {
        let mut next = crate::ordered::set_of(self.voters.iter().copied().filter(|&v| v != old));
        next.insert(new);
        next.into_iter().collect()
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
    /// Only the leader changes the membership.
    NotLeader {
        /// The leader this server knows of, if any.
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
        /// Voters the request adds.
        added: usize,
        /// Voters the request removes.
        removed: usize,
    },
    /// Single-server mode: the leader has not yet committed an entry of its own term (the bug
    /// in Ongaro's 2015 raft-dev post comes from skipping this).
    NoEntryCommittedInTerm {
        /// The leader's term.
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
    /// Each new server's catch-up rounds, until it is added.
    pub catch_up: BTreeMap<NodeId, CatchUp>,
}

/// A new server catching up in rounds (thesis §4.2.1): "each round replicates all the log
/// entries present in the leader's log at the start of the round to the new server's log.
/// While replicating entries for its current round, new entries may arrive at the leader; it
/// will replicate these during the next round. [...] The algorithm waits a fixed number of
/// rounds (such as 10). If the last round lasts less than an election timeout, then the leader
/// adds the new server to the cluster [...]. Otherwise, the leader aborts the configuration
/// change with an error." A server that is unavailable never finishes a round: a round that
/// lasts `CATCH_UP_TIMEOUTS` election timeouts aborts the change too.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CatchUp {
    /// The round under way, from 1; `CATCH_UP_ROUNDS + 1` once every round is done.
    pub round: u32,
    /// The leader's last index when the round started: the round ends when matchIndex reaches it.
    pub until: Index,
    /// When the round started.
    pub started: Micros,
    /// How long the previous round lasted.
    pub last_round: Option<Micros>,
}

/// Why a learner's catch-up failed, aborting the membership change (`Notice::MembershipAborted`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CatchUpFailed {
    /// `server` did not finish `round` within `CATCH_UP_TIMEOUTS` election timeouts.
    Unavailable {
        /// The learner.
        server: NodeId,
        /// The round it did not finish.
        round: u32,
    },
    /// `server`'s last round took `last_round`, not less than an election timeout.
    TooSlow {
        /// The learner.
        server: NodeId,
        /// How long its last round took.
        last_round: Micros,
        /// The election timeout it had to beat.
        election_timeout: Micros,
    },
}

impl fmt::Display for CatchUpFailed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            CatchUpFailed::Unavailable { server, round } => write!(
                f,
                "S{server} did not finish catch-up round {round} within {CATCH_UP_TIMEOUTS} election timeouts (unavailable?)"
            ),
            CatchUpFailed::TooSlow { server, last_round, election_timeout } => write!(
                f,
                "S{server} is too slow: its last catch-up round ({CATCH_UP_ROUNDS}) took {} ms, not less than an election timeout ({} ms)",
                last_round / 1000,
                election_timeout / 1000
            ),
        }
    }
}

impl std::error::Error for CatchUpFailed {}

/// The fixed number of catch-up rounds (the thesis's "such as 10").
pub const CATCH_UP_ROUNDS: u32 = 10;
/// A round lasting this many election timeouts means the new server is unavailable.
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
        self.leader.as_ref()?.membership_change.as_ref()
    }

    /// Whether a configuration change is under way here: one accepted and not finished, a joint
    /// configuration, or a configuration entry not yet known to be committed.
    pub fn membership_change_in_progress(&self) -> bool {
        self.membership_change().is_some()
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
        let newcomers = crate::ordered::set_of(voters.difference(&self.configuration.all_voters()).copied());
        // Round 1 of each new server replicates the log as it is now.
        let first = CatchUp { round: 1, until: self.log.last_index(), started: now, last_round: None };
        let catch_up = crate::ordered::map_of(newcomers.iter().map(|&n| (n, first)));
        if let Some(leader) = self.leader.as_mut() {
            leader.membership_change = Some(PendingChange { target: voters, catch_up });
        }
        if !newcomers.is_subset(&self.configuration.learners) {
            // New servers first join as learners: they get the log but no vote yet.
            let mut learners = self.configuration.learners.clone();
            learners.extend(newcomers);
            let next = Configuration { learners, ..self.configuration.clone() };
            self.append_configuration(now, next);
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
    fn append_configuration(&mut self, now: Micros, next: Configuration) {
        self.append_as_leader(EntryPayload::Configuration(next));
        self.broadcast_append_entries(now);
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
                let learners = crate::ordered::set_of(self.configuration.learners.difference(&new).copied());
                self.append_configuration(now, Configuration { voters: new, new_voters: None, learners });
                continue;
            }
            if !self.configuration.is_voter(self.id) {
                self.step_down_after_removal(now);
                return;
            }
            let Some(leader) = self.leader.as_mut() else { return };
            let Some(change) = leader.membership_change.clone() else { return };
            if change.target == self.configuration.voters {
                leader.membership_change = None; // done
                return;
            }
            match self.catch_up_rounds(now) {
                Ok(true) => {}
                Ok(false) => return, // still catching up
                Err(reason) => {
                    // Too slow or unavailable: give up before any voter changes (the new
                    // servers stay learners) and tell the operator why.
                    if let Some(leader) = self.leader.as_mut() {
                        leader.membership_change = None;
                    }
                    self.ready.notices.push(Notice::MembershipAborted { voters: change.target, reason });
                    return;
                }
            }
            let learners = crate::ordered::set_of(self.configuration.learners.difference(&change.target).copied());
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
            self.append_configuration(now, next);
        }
    }

    /// Leaders in the learner stage: move each new server's catch-up rounds on (see
    /// `CatchUp`). Ok(true) once every new server has done its rounds, the last one shorter
    /// than an election timeout; Err with the reason if the change must be aborted.
    fn catch_up_rounds(&mut self, now: Micros) -> Result<bool, CatchUpFailed> {
        let election_timeout = self.election_timeout_span();
        let last_index = self.log.last_index();
        let Some(leader) = self.leader.as_mut() else { return Ok(true) };
        let Some(change) = leader.membership_change.as_mut() else { return Ok(true) };
        let mut done = true;
        for (&server, c) in change.catch_up.iter_mut() {
            let matched = leader.progress.get(&server).map_or(0, |p| p.match_index);
            // Rounds that end now are followed by the next at once (an empty round takes no time).
            while c.round <= CATCH_UP_ROUNDS && matched >= c.until {
                c.last_round = Some(now - c.started);
                c.round += 1;
                c.until = last_index;
                c.started = now;
            }
            if c.round <= CATCH_UP_ROUNDS {
                done = false;
                if now >= c.started + CATCH_UP_TIMEOUTS * election_timeout {
                    return Err(CatchUpFailed::Unavailable { server, round: c.round });
                }
            } else if let Some(last_round) = c.last_round.filter(|&d| d >= election_timeout) {
                return Err(CatchUpFailed::TooSlow { server, last_round, election_timeout });
            }
        }
        Ok(done)
    }

    /// A leader outside C_new steps down once C_new has committed. It first tells the others
    /// the new commitIndex, so they learn C_new committed without waiting for a new leader.
    /// Thesis §3.10: leadership transfer is useful "when the leader must step down": it sends
    /// TimeoutNow to a voter of C_new that holds all its entries (the target of a transfer in
    /// progress if it does), so that server starts an election at once instead of the cluster
    /// waiting an election timeout. Without such a voter it says so and just steps down.
    fn step_down_after_removal(&mut self, now: Micros) {
        self.broadcast_append_entries(now);
        let transfer_target = self.transfer_target();
        let candidates = transfer_target.into_iter().chain(self.configuration.all_voters());
        let mut chosen = None;
        for peer in candidates {
            if peer != self.id && self.configuration.is_voter(peer) && self.holds_all_entries(peer) {
                chosen = Some(peer);
                break;
            }
        }
        match chosen {
            Some(target) => {
                self.send_timeout_now(target);
                self.ready.notices.push(Notice::HandedOver { target });
            }
            None => self.ready.notices.push(Notice::SteppedDownWithoutHandover { transfer_target }),
        }
        self.role = Role::Follower;
        self.leader_id = None;
        // Everything only a leader has goes (the transfer included). Its reads stay pending: a
        // removed leader answers them only if it leads again.
        self.leader = None;
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
            if let Some(leader) = self.leader.as_mut() {
                leader.progress.retain(|p, _| servers.contains(p));
                for &p in &servers {
                    if p != self.id {
                        leader.progress.entry(p).or_insert_with(|| Progress::new(next));
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(ids: &[NodeId]) -> BTreeSet<NodeId> {
        ids.iter().copied().collect()
    }

    #[test]
    fn the_committed_index_is_held_by_a_majority_of_each_voter_set() {
        let matched = |id: NodeId| [7, 3, 9, 5].get(id as usize - 1).copied().unwrap_or(0);
        assert_eq!(Configuration::new([1, 2, 3, 4, 5]).committed_index(&matched), 5, "S1, S3 and S4 hold 5");
        assert_eq!(Configuration::new([]).committed_index(&matched), 0, "no voters, no majority");
        // Joint consensus: C_old {1,2,3} holds 7 on a majority, C_new {3,4,5} only 5.
        let joint = Configuration { voters: set(&[1, 2, 3]), new_voters: Some(set(&[3, 4, 5])), learners: set(&[]) };
        assert_eq!(joint.committed_index(&matched), 5);
        // More voters than are sorted on the stack.
        let big = Configuration::new(1..=21);
        assert_eq!(big.committed_index(&|id| Index::from(id)), 11, "S11..S21 hold 11");
    }

    #[test]
    fn membership_names_each_place_in_a_joint_configuration() {
        // C_old = {1,2,3}, C_new = {2,3,4}, learner 5.
        let c = Configuration { voters: set(&[1, 2, 3]), new_voters: Some(set(&[2, 3, 4])), learners: set(&[5]) };
        assert_eq!(c.membership(1), Membership::Leaving);
        assert_eq!(c.membership(2), Membership::Voter);
        assert_eq!(c.membership(4), Membership::Joining);
        assert_eq!(c.membership(5), Membership::Learner);
        assert_eq!(c.membership(6), Membership::Outside);
    }

    #[test]
    fn membership_in_a_plain_configuration_is_voter_learner_or_outside() {
        let mut c = Configuration::new([1, 2, 3]);
        c.learners.insert(4);
        assert_eq!(c.membership(3), Membership::Voter);
        assert_eq!(c.membership(4), Membership::Learner);
        assert_eq!(c.membership(9), Membership::Outside);
        assert_eq!(Membership::Joining.name(), "joining");
    }

    #[test]
    fn replacing_swaps_one_voter_for_another_in_id_order() {
        let c = Configuration::new([1, 2, 3]);
        assert_eq!(c.voters_replacing(1, 4), vec![2, 3, 4]);
        assert_eq!(c.voters_replacing(3, 0), vec![0, 1, 2]);
        // Replacing a server that is not a voter only adds the new one.
        assert_eq!(c.voters_replacing(7, 4), vec![1, 2, 3, 4]);
    }

    #[test]
    fn replacing_during_a_joint_change_starts_from_c_old() {
        let c = Configuration { voters: set(&[1, 2, 3]), new_voters: Some(set(&[2, 3, 4])), learners: set(&[]) };
        assert_eq!(c.voters_replacing(2, 5), vec![1, 3, 5]);
    }
}
