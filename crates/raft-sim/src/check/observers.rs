//! The checks attached to a run: the invariant checker and the availability tracker are
//! observers (engine/observe.rs) the engine calls after every event, and this is where a run
//! gets them. `Simulation::new` is the engine with the invariant checker attached; the
//! accessors below read the observers' results back.
use super::availability::{leader_can_commit, Availability, AvailabilityTracker};
use super::invariants::{InvariantChecker, Violation};
use super::liveness::{LivenessChecker, LivenessFailure, Stable, Status};
use crate::check::invariants::Property;
use crate::engine::observe::{Observer, Retained, Seen, Wants};
use crate::engine::sim::Simulation;
use crate::scenario::format::{Scenario, ScenarioError};

impl Observer for InvariantChecker {
    fn wants(&self) -> Wants {
        Wants::STEPS.and(Wants::CRASHES)
    }
    fn observe(&mut self, sim: &Simulation, seen: &Seen<'_>) -> u64 {
        let before = self.total_violations;
        match seen {
            Seen::Step { node, snapshot } if !self.paused => {
                InvariantChecker::observe(self, sim.now(), sim.events(), node);
                if let Some(snapshot) = snapshot {
                    self.observe_snapshot(sim.now(), sim.events(), node.node, snapshot);
                }
            }
            Seen::Crash(node) => self.observe_crash(sim.now(), sim.events(), *node),
            _ => {}
        }
        self.total_violations - before
    }
    fn retained(&self) -> Retained {
        let (indexes, shadow_entries, records) = InvariantChecker::retained(self);
        Retained { indexes, shadow_entries, records }
    }
}

impl Observer for AvailabilityTracker {
    fn wants(&self) -> Wants {
        Wants::EVENTS.and(Wants::ANSWERS)
    }
    fn observe(&mut self, sim: &Simulation, seen: &Seen<'_>) -> u64 {
        match seen {
            Seen::EventDone => AvailabilityTracker::observe(self, sim.now(), leader_can_commit(sim)),
            Seen::Answered { latency } => self.answered(*latency),
            _ => {}
        }
        0
    }
}

impl InvariantChecker {
    /// A checker for a run of `scenario`: it knows the boot configuration, and keeps the
    /// reference state machine when snapshots are on.
    pub fn for_scenario(scenario: &Scenario) -> InvariantChecker {
        let mut checker = InvariantChecker::new();
        checker.set_initial_members(scenario.initial_members());
        if scenario.raft.snapshot_threshold > 0 {
            checker.track_state_machine();
        }
        checker
    }
}

impl Simulation {
    /// A run of `scenario` with the invariant checker and the liveness checker watching every
    /// event.
    pub fn new(scenario: &Scenario) -> Result<Simulation, ScenarioError> {
        Simulation::with_observers(
            scenario,
            vec![Box::new(InvariantChecker::for_scenario(scenario)), Box::new(LivenessChecker::for_scenario(scenario))],
        )
    }

    /// The liveness properties and where each stands (all "not judged" on a run without the
    /// liveness checker).
    pub fn liveness(&self) -> Vec<(Property, Status)> {
        match self.observer::<LivenessChecker>() {
            Some(checker) => checker.statuses(),
            None => Property::LIVENESS.into_iter().map(|p| (p, Status::NotJudged)).collect(),
        }
    }
    /// The first liveness failure of the run so far, if any.
    pub fn liveness_failure(&self) -> Option<&LivenessFailure> {
        self.observer::<LivenessChecker>().and_then(|c| c.first_failure())
    }
    /// The stable stretch the network is in now, if it is stable (check/liveness.rs).
    pub fn stable_network(&self) -> Option<Stable> {
        self.observer::<LivenessChecker>().and_then(|c| c.stable())
    }

    /// The distinct violations found so far (the first hundred).
    pub fn violations(&self) -> &[Violation] {
        self.observer::<InvariantChecker>().map_or(&[], |c| c.violations())
    }
    /// How many distinct violations were found so far.
    pub fn total_violations(&self) -> u64 {
        self.observer::<InvariantChecker>().map_or(0, |c| c.total_violations)
    }
    /// Check invariants after each server's step, or stop checking (the benchmark compares both).
    pub fn set_check_invariants(&mut self, on: bool) {
        if let Some(checker) = self.observer_mut::<InvariantChecker>() {
            checker.paused = !on;
        }
        if let Some(checker) = self.observer_mut::<LivenessChecker>() {
            checker.set_paused(!on);
        }
    }

    /// Measure availability from now on (it costs a quorum check after every event).
    pub fn set_track_availability(&mut self, on: bool) {
        if on && self.observer::<AvailabilityTracker>().is_none() {
            let mut tracker = AvailabilityTracker::default();
            tracker.observe(self.now(), leader_can_commit(self));
            self.add_observer(Box::new(tracker));
        } else if !on {
            self.remove_observer::<AvailabilityTracker>();
        }
    }
    /// The availability figures so far, if tracked.
    pub fn availability(&self) -> Option<Availability> {
        self.observer::<AvailabilityTracker>().map(|t| t.summary(self.now()))
    }
}
