//! The operator's membership request after the leader accepted it. A leader keeps the change
//! it is carrying out in volatile state: if it crashes or is deposed while the new servers are
//! still catching up as learners, nothing in any log says which voters were wanted, and the
//! next leader would never finish the change. The operator (this module) notices, retries the
//! request at the next leader, and records a refusal with the reason if that cannot be done.
use super::{NodeStatus, Simulation};
use crate::engine::trace::What;
use raft_core::{ChangeRefused, Micros, NodeId, Role};
use std::collections::BTreeSet;

/// A request accepted by a leader and still in its learner stage.
#[derive(Clone, Debug)]
pub(super) struct OperatorChange {
    /// The action's kind, for messages (`add_server`, ...).
    kind: &'static str,
    voters: BTreeSet<NodeId>,
    /// The leader carrying it out, and its term.
    leader: NodeId,
    term: u64,
    /// When that leader stopped leading with the change still in its learner stage.
    lost_at: Option<Micros>,
}

/// How many maximum election timeouts the operator waits for a leader to retry at.
const RETRY_TIMEOUTS: u64 = 10;

impl Simulation {
    /// A membership request was just handed to `leader`: follow it while it is in the learner
    /// stage (a request that appended its voter entry at once is in the log from then on).
    pub(super) fn track_operator_change(&mut self, kind: &'static str, leader: NodeId, voters: BTreeSet<NodeId>) {
        let Some(raft) = self.node(leader).and_then(|slot| slot.raft.as_ref()) else { return };
        let change = OperatorChange { kind, voters, leader, term: raft.current_term(), lost_at: None };
        self.operator_change = in_learner_stage(self, &change).then_some(change);
        self.step_hooks |= self.operator_change.is_some();
    }

    /// After every step: notice a lost learner stage, retry it at the next leader, or give up
    /// with a recorded reason.
    pub(super) fn follow_operator_change(&mut self) {
        let Some(mut change) = self.operator_change.take() else { return };
        if change.lost_at.is_none() {
            let raft = self.node(change.leader).and_then(|slot| slot.raft.as_ref());
            let leads = raft.is_some_and(|r| r.role() == Role::Leader && r.current_term() == change.term);
            if leads {
                // Still carrying it out; once past the learner stage the log carries it.
                if in_learner_stage(self, &change) {
                    self.operator_change = Some(change);
                }
                return;
            }
            let how = if raft.is_none() { "crashed" } else { "stopped leading" };
            let text = format!(
                "{} lost: S{} {how} while the new servers were catching up as learners; retrying at the next leader",
                change.kind, change.leader
            );
            self.log(|| What::Notice { text });
            change.lost_at = Some(self.kernel.now());
        }
        let lost_at = change.lost_at.unwrap_or(self.kernel.now());
        if let Some(leader) = self.leader().filter(|&l| self.node(l).is_some_and(|slot| slot.status == NodeStatus::Up))
        {
            let Some(raft) = self.node(leader).and_then(|slot| slot.raft.as_ref()) else { return };
            let term = raft.current_term();
            match raft.check_membership_change(&change.voters) {
                Ok(()) => {
                    let voters = change.voters.clone();
                    let mut accepted = false;
                    self.with_node(leader, |raft, local, _| accepted = raft.change_membership(local, voters).is_ok());
                    if accepted {
                        let text = format!("{} retried at S{leader} (term {term})", change.kind);
                        self.log(|| What::Notice { text });
                        change.leader = leader;
                        change.term = term;
                        change.lost_at = None;
                        self.operator_change = in_learner_stage(self, &change).then_some(change);
                        return;
                    }
                }
                // Done already (the new leader found the voters it was asked for).
                Err(ChangeRefused::NothingToChange) => return,
                // Transient: wait for the leader's own change or its first commit.
                Err(ChangeRefused::ChangeInProgress | ChangeRefused::NoEntryCommittedInTerm { .. }) => {}
                Err(e) => {
                    return self.refuse_operator_change(&change, format!("the retry at S{leader} was refused: {e}"))
                }
            }
        }
        let config = self.scenario.raft.to_config();
        let patience = RETRY_TIMEOUTS * config.election_timeout_max.max(config.election_timeout_min).max(1);
        if self.kernel.now() >= lost_at + patience {
            let text = format!("no leader could take it up within {} ms of losing it", patience / 1000);
            return self.refuse_operator_change(&change, text);
        }
        self.operator_change = Some(change);
    }

    fn refuse_operator_change(&mut self, change: &OperatorChange, why: String) {
        let summary = format!("{} dropped: {why}", change.kind);
        self.log(|| What::Refused { reason: summary.clone() });
        self.refusals.push((self.kernel.now(), summary));
    }
}

/// Whether the leader carrying `change` is still in its learner stage: a change under way whose
/// voters it has not yet touched (no joint configuration, the old voters still in force).
fn in_learner_stage(sim: &Simulation, change: &OperatorChange) -> bool {
    let Some(raft) = sim.node(change.leader).and_then(|slot| slot.raft.as_ref()) else { return false };
    raft.membership_change().is_some_and(|c| c.target == change.voters)
        && !raft.configuration().is_joint()
        && raft.configuration().voters != change.voters
}
