//! Triggers at run time (scenario/trigger.rs): after each server's step the simulator looks
//! for the edges the armed triggers wait for (became leader or candidate, commitIndex or term
//! reached a value), and at each send for the messages they wait for. A trigger that fires
//! schedules its action `delay_ms` later (a counted event of its own, code 15 in the trace
//! hash) and is disarmed once it has fired `times` times. Both the firing and the action are
//! written into the trace. A run without triggers pays one test per step.
use super::{action_text, EventKind, EventType, Simulation};
use crate::engine::trace::What;
use crate::scenario::format::{ms_to_us, Scenario, When};
use raft_core::{NodeId, Role};

/// What is left of the scenario's triggers.
#[derive(Clone, Debug)]
pub(super) struct Armed {
    /// Firings left, per trigger.
    left: Vec<u32>,
    /// Each server's role, term and commitIndex after its last step (to see them change; kept
    /// here so that a run without triggers does not carry them through every step).
    last: Vec<(Role, u64, u64)>,
    /// Which triggers wait for a message to be sent.
    on_send: Vec<bool>,
}

impl Armed {
    pub(super) fn new(scenario: &Scenario) -> Option<Box<Armed>> {
        if scenario.triggers.is_empty() {
            return None;
        }
        let left = scenario.triggers.iter().map(|t| t.times).collect();
        let on_send = scenario.triggers.iter().map(|t| matches!(t.when, When::MessageSent { .. })).collect();
        Some(Box::new(Armed { left, last: vec![(Role::Follower, 0, 0); scenario.nodes as usize], on_send }))
    }

    pub(super) fn watches_sends(&self) -> bool {
        self.left.iter().zip(&self.on_send).any(|(&n, &on_send)| on_send && n > 0)
    }
}

impl Simulation {
    /// After a step, while triggers are armed or the operator follows a membership request
    /// (operator.rs): the two share one test in `after_step`.
    #[inline(never)]
    pub(super) fn step_hooks(&mut self, id: NodeId, restarted: bool) {
        if self.triggers.is_some() {
            self.watch_step(id, restarted);
        }
        self.follow_operator_change();
        // Triggers that have all fired are done with.
        if self.triggers.as_ref().is_some_and(|t| t.left.iter().all(|&n| n == 0)) {
            self.triggers = None;
            self.watch_sends = self.sends_watched();
        }
        self.step_hooks = self.triggers.is_some() || self.operator_change.is_some();
    }

    /// After server `id`'s step: fire the triggers whose event it was.
    fn watch_step(&mut self, id: NodeId, restarted: bool) {
        let Some(raft) = self.nodes.node(id).and_then(|slot| slot.raft.as_ref()) else { return };
        let now = (raft.role(), raft.current_term(), raft.commit_index());
        let Some(mut armed) = self.triggers.take() else { return };
        let Some(last) = armed.last.get_mut((id as usize).wrapping_sub(1)) else {
            self.triggers = Some(armed);
            return;
        };
        let (role, term, commit) = now;
        let (role_before, term_before, commit_before) = std::mem::replace(last, now);
        // A rebooted server is a follower again; it reached its term before it crashed.
        let term_before = if restarted { term } else { term_before };
        let changed = restarted || (role_before, term_before) != (role, term);
        let after = (role, term);
        let scenario = self.scenario.clone();
        for (i, trigger) in scenario.triggers.iter().enumerate() {
            if armed.left[i] == 0 {
                continue;
            }
            let this = |node: &Option<NodeId>| node.is_none_or(|n| n == id);
            let what = match &trigger.when {
                When::BecomesLeader { node } if this(node) && changed && after.0 == Role::Leader => {
                    format!("S{id} became leader in term {}", after.1)
                }
                When::BecomesCandidate { node } if this(node) && changed && after.0 == Role::Candidate => {
                    format!("S{id} became candidate in term {}", after.1)
                }
                When::Commits { index, node } if this(node) && commit_before < *index && commit >= *index => {
                    format!("S{id} committed index {index} (commitIndex {commit})")
                }
                When::TermReached { term, node } if this(node) && term_before < *term && after.1 >= *term => {
                    match after.1 {
                        now if now == *term => format!("S{id} reached term {term}"),
                        now => format!("S{id} reached term {now}"),
                    }
                }
                _ => continue,
            };
            self.arm_firing(&mut armed, i, what);
        }
        self.triggers = Some(armed);
        self.watch_sends = self.sends_watched();
    }

    /// At a send from `from` to `to` of a message of `kind`: fire the triggers waiting for it.
    pub(super) fn watch_send(&mut self, from: NodeId, to: NodeId, kind: &str) {
        let Some(mut armed) = self.triggers.take() else { return };
        let scenario = self.scenario.clone();
        for (i, trigger) in scenario.triggers.iter().enumerate() {
            let When::MessageSent { kind: k, from: f, to: t } = &trigger.when else { continue };
            if armed.left[i] == 0
                || f.is_some_and(|f| f != from)
                || t.is_some_and(|t| t != to)
                || k.as_deref().is_some_and(|k| k != kind)
            {
                continue;
            }
            self.arm_firing(&mut armed, i, format!("S{from} sent {kind} to S{to}"));
        }
        self.triggers = Some(armed);
        self.watch_sends = self.sends_watched();
    }

    /// Trigger `i` fired: its action is due `delay_ms` from now.
    fn arm_firing(&mut self, armed: &mut Armed, i: usize, what: String) {
        let Some(trigger) = self.scenario.triggers.get(i) else { return };
        armed.left[i] -= 1;
        let fire = trigger.times - armed.left[i];
        let delay = ms_to_us(trigger.delay_ms);
        let when = if delay == 0 { "now".to_string() } else { format!("in {} ms", trigger.delay_ms) };
        let (condition, times) = (trigger.when.describe(), trigger.times);
        self.log(|| What::Notice {
            text: format!("trigger {i} ({condition}) fires ({fire} of {times}): {what}; its action runs {when}"),
        });
        let at = self.kernel.now() + delay;
        self.schedule(at, EventKind::Action(self.scenario.timeline.len() + i));
    }

    /// A trigger's action is due: a counted event.
    pub(super) fn fire_trigger(&mut self, index: usize) -> bool {
        let Some(trigger) = self.scenario.triggers.get(index) else { return false };
        let action = trigger.action.clone();
        self.begin_event(EventType::Trigger, index as u64, 0);
        self.log(|| What::Notice { text: format!("trigger {index} action: {}", action_text(&action)) });
        self.apply(&action);
        true
    }
}
