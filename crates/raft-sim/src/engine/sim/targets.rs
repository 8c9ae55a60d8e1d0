//! Role targets at run time: an action that names "leader" or "a follower" is resolved when it
//! runs (scenario/target.rs says how), the trace says what each role stood for, and an action
//! whose role has no holder is skipped with the reason (in the trace and in
//! `Simulation::refusals()`).
use super::{action_text, NodeStatus, Simulation};
use crate::engine::trace::What;
use crate::scenario::format::{describe_roles as describe, Holders, Targeted};
use raft_core::Role;

impl Simulation {
    /// Who holds each role now.
    pub fn role_holders(&self) -> Holders {
        let followers = self
            .nodes
            .iter()
            .filter(|s| s.status == NodeStatus::Up && s.raft.as_ref().is_some_and(|r| r.role() == Role::Follower))
            .map(|s| s.id)
            .collect();
        Holders { leader: self.leader(), followers }
    }

    pub(super) fn apply_targeted(&mut self, targeted: &Targeted) {
        let kind = targeted.action.kind();
        let resolved = self.role_holders().resolve(targeted).and_then(|ids| {
            let action = targeted.with_ids(&ids);
            // An explicit id may name the server a role resolved to (a partition with the
            // leader in two groups): the resolved action is checked like any other.
            self.scenario.check_action("action", &action).map_err(|e| e.to_string())?;
            Ok((ids, action))
        });
        match resolved {
            Ok((ids, action)) => {
                self.log(|| What::Notice {
                    text: format!("{kind}: {} (runs as {})", describe(targeted, &ids), action_text(&action)),
                });
                self.apply(&action);
            }
            Err(reason) => {
                let summary = format!("{kind} skipped: {reason}");
                self.log(|| What::Refused { reason: summary.clone() });
                self.refusals.push((self.kernel.now(), summary));
            }
        }
    }
}
