//! A run you can travel in: the simulation, the operator's actions pinned to exact points of
//! the run, and checkpoints (copies of the simulation) taken as it goes. Going back restores
//! the nearest earlier checkpoint and replays forward, re-applying the recorded actions at the
//! same points, so every moment is re-created exactly; acting in the past drops what came
//! after and starts a new branch from there.
use crate::engine::sim::{Milestone, Simulation};
use crate::playback::spacetime::SpaceTime;
use crate::scenario::{Action, Scenario, ScenarioError};
use raft_core::Micros;
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;

/// A point in a run. The simulator counts events; a point is "right after event `events`"
/// (where Step stops) or, when `drained`, "every event due at or before `time_us` done"
/// (where the animation clock stops after a frame). Both are reached the same way from any
/// earlier point of the same run, which is what makes replay exact.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mark {
    #[serde(rename = "e")]
    pub events: u64,
    #[serde(rename = "t")]
    pub time_us: Micros,
    #[serde(rename = "d", default, skip_serializing_if = "is_false")]
    pub drained: bool,
}

fn is_false(b: &bool) -> bool {
    !b
}

impl Mark {
    fn key(&self) -> (u64, bool, Micros) {
        (self.events, self.drained, self.time_us)
    }
}

impl PartialOrd for Mark {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Mark {
    fn cmp(&self, other: &Self) -> Ordering {
        self.key().cmp(&other.key())
    }
}

/// An operator action and the point of the run where it was taken.
// Read through `ActionFlat` (scenario/flat.rs), which refuses unknown fields; written flattened.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "crate::scenario::flat::ActionFlat")]
pub struct Intervention {
    pub at: Mark,
    #[serde(flatten)]
    pub action: Action,
}

impl TryFrom<crate::scenario::flat::ActionFlat> for Intervention {
    type Error = serde::de::value::Error;

    fn try_from(mut f: crate::scenario::flat::ActionFlat) -> Result<Intervention, Self::Error> {
        use crate::scenario::flat::{need, refuse};
        use serde::de::Error as _;
        refuse(f.at_ms.is_some(), "at_ms", "an intervention")?;
        let at =
            Mark::deserialize(need(f.at.take(), "at")?).map_err(|e| Self::Error::custom(format_args!("at: {e}")))?;
        Ok(Intervention { at, action: f.into_action()? })
    }
}

/// Where to go.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    /// Right after this many events.
    Event(u64),
    /// Every event due at or before this virtual time.
    Time(Micros),
    Mark(Mark),
}

impl Target {
    /// Whether the run passes `mark` on its way to this target (an action at `mark` is applied).
    fn passes(&self, mark: &Mark) -> bool {
        match *self {
            // The action's own event would be number mark.events + 1.
            Target::Event(k) => mark.events < k,
            Target::Time(t) => mark.time_us <= t,
            // The state at a mark is the one before an action taken there.
            Target::Mark(m) => *mark < m,
        }
    }

    /// Whether a copy taken at `mark` can be the starting point for this target.
    fn can_start_from(&self, mark: &Mark) -> bool {
        match *self {
            Target::Event(k) => mark.events < k || (mark.events == k && !mark.drained),
            Target::Time(t) => mark.time_us <= t,
            Target::Mark(m) => *mark <= m,
        }
    }
}

/// Why a bounded advance stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stop {
    /// Reached the target.
    Reached,
    /// Used up its event budget first (try again next frame).
    Budget,
    /// An event broke a safety property; stopped right after it.
    Violation,
    /// Nothing more can happen (the scenario's end).
    End,
}

struct Checkpoint {
    mark: Mark,
    /// How many interventions the copy has applied.
    applied: usize,
    sim: Simulation,
    /// What the copy holds of its own (see `Simulation::copy_bytes`).
    bytes: u64,
}

/// Take a checkpoint every this many events...
const CHECKPOINT_EVENTS: u64 = 4_000;
/// ...keeping at most this many: past it, every other one is dropped (so the gap doubles and
/// a long run costs a bounded amount of memory).
const MAX_CHECKPOINTS: usize = 96;
/// ...and together at most this many bytes of their own (estimated). A copy shares the logs,
/// the history and the checker's tables with the run, but copies the key-value stores, the
/// messages in flight and the run's records: 1.5 MB per copy under the heaviest workload, and
/// more with a slow network and fast heartbeats. Checkpoints only make seeking faster, so
/// thinning them never changes what a run does.
const MAX_CHECKPOINT_BYTES: u64 = 128 << 20;

pub struct Session {
    sim: Simulation,
    interventions: Vec<Intervention>,
    /// How many of `interventions` the current simulation has applied.
    applied: usize,
    checkpoints: Vec<Checkpoint>,
    checkpoint_gap: u64,
    position: Mark,
    /// The furthest point of this branch, and its milestones once we have gone back.
    frontier: Mark,
    frontier_milestones: Option<Vec<Milestone>>,
}

impl Session {
    pub fn new(scenario: &Scenario) -> Result<Session, ScenarioError> {
        let mut sim = Simulation::new(scenario)?;
        // A session is watched (the page, a replay): it measures availability from the start,
        // so every checkpoint, and every point re-created from one, has the whole record.
        sim.set_track_availability(true);
        // ...and records what the space-time diagram draws (spacetime.rs), from the start too:
        // the clocks count every event since then.
        let recorder = SpaceTime::new(&sim);
        sim.add_observer(Box::new(recorder));
        let position = Mark { events: sim.events(), time_us: sim.now(), drained: false };
        let mut session = Session {
            sim,
            interventions: Vec::new(),
            applied: 0,
            checkpoints: Vec::new(),
            checkpoint_gap: CHECKPOINT_EVENTS,
            position,
            frontier: position,
            frontier_milestones: None,
        };
        session.checkpoint();
        Ok(session)
    }

    /// A session that replays recorded actions (from a share link or a file) and then goes to
    /// `at`. The actions are validated first; points that do not come in order are refused.
    /// Replaying more than `max_events` events is refused (a hostile link must not hang the page).
    pub fn replay(
        scenario: &Scenario,
        interventions: Vec<Intervention>,
        at: Option<Mark>,
        max_events: u64,
    ) -> Result<Session, ScenarioError> {
        let mut session = Session::new(scenario)?;
        let mut last: Option<Mark> = None;
        for (i, intervention) in interventions.iter().enumerate() {
            let field = format!("actions[{i}]");
            session.sim.check_action(&intervention.action).map_err(|e| e.within(&field))?;
            if last.is_some_and(|l| intervention.at < l) {
                return Err(ScenarioError::new(format!("{field}.at"), "actions must be in the order they were taken"));
            }
            last = Some(intervention.at);
        }
        // Every recorded point is checked against the run: the run must really be there (that
        // many events, at that time) when an action is applied and where the viewer stops. A
        // document that says otherwise was edited or damaged, and would replay something else.
        // `None` is `at`, `Some(i)` the point of action i.
        let mut points: Vec<(Option<usize>, Mark)> =
            interventions.iter().enumerate().map(|(i, v)| (Some(i), v.at)).collect();
        points.extend(at.map(|m| (None, m)));
        session.interventions = interventions;
        let mut budget = max_events;
        for &(action, mark) in &points {
            let field = action.map_or("at".to_string(), |i| format!("actions[{i}].at"));
            if mark < session.position {
                // `at` before the last action: the viewer had gone back.
                session.seek(Target::Mark(mark));
            } else {
                let before = session.sim.events();
                let stop = session.run_to(Target::Mark(mark), budget, false);
                budget = budget.saturating_sub(session.sim.events() - before);
                if stop == Stop::Budget {
                    return Err(ScenarioError::new(
                        field,
                        format!("the run is longer than {max_events} events before this point"),
                    ));
                }
            }
            if session.position != mark {
                let p = session.position;
                return Err(ScenarioError::new(
                    field,
                    format!(
                        "the run does not pass this point (event {}, {} µs{}); replaying it reaches event {} at {} µs",
                        mark.events,
                        mark.time_us,
                        if mark.drained { ", drained" } else { "" },
                        p.events,
                        p.time_us
                    ),
                ));
            }
            // The page records an action only if the simulation accepted it there, so one it
            // refuses at its point (a membership request with no leader to take it) is not
            // from this run.
            if let Some(i) = action {
                session.sim.check_request(&session.interventions[i].action).map_err(|e| {
                    ScenarioError::new(format!("actions[{i}]"), format!("is refused at its point: {}", e.problem))
                })?;
            }
        }
        if points.is_empty() {
            session.run_to(Target::Event(0), budget, false);
        }
        Ok(session)
    }

    pub fn sim(&self) -> &Simulation {
        &self.sim
    }
    /// What the space-time diagram draws, up to this moment.
    pub fn spacetime(&self) -> Option<&SpaceTime> {
        self.sim.observer::<SpaceTime>()
    }
    pub fn position(&self) -> Mark {
        self.position
    }
    /// The furthest point reached on this branch (the end of the scrubber).
    pub fn frontier(&self) -> Mark {
        self.frontier
    }
    /// Every action on this branch, including those ahead of the current position.
    /// The actions the run has applied so far: those before this point of the run (the rest
    /// of `interventions` is further on, after a step back in time).
    pub fn applied_interventions(&self) -> &[Intervention] {
        &self.interventions[..self.applied]
    }

    pub fn interventions(&self) -> &[Intervention] {
        &self.interventions
    }
    /// Milestones of the whole branch up to the frontier, for the scrubber's markers.
    pub fn milestones(&self) -> &[Milestone] {
        self.frontier_milestones.as_deref().unwrap_or(self.sim.milestones())
    }
    /// Change what the run may use (see [`Simulation::set_budget`]); every checkpoint gets the
    /// same budget, so a point re-created from one stops where the run did.
    pub fn set_budget(&mut self, budget: crate::engine::budget::Budget) {
        self.sim.set_budget(budget);
        for c in &mut self.checkpoints {
            c.sim.set_budget(budget);
        }
    }

    pub fn checkpoints(&self) -> usize {
        self.checkpoints.len()
    }

    /// Go forward to virtual time `t`, processing at most `budget` events; with
    /// `stop_on_violation`, stop right after an event that breaks a property.
    pub fn advance(&mut self, t: Micros, budget: u64, stop_on_violation: bool) -> Stop {
        self.run_to(Target::Time(t), budget, stop_on_violation)
    }

    /// One event forward (applying any recorded action due first). False at the end.
    pub fn step(&mut self) -> bool {
        let next = self.sim.events() + 1;
        let stop = self.run_to(Target::Event(next), u64::MAX, false);
        stop != Stop::End
    }

    /// One event back. False at the start.
    pub fn step_back(&mut self) -> bool {
        let events = self.sim.events();
        if events == 0 {
            return false;
        }
        self.seek(Target::Event(events - 1));
        true
    }

    /// Re-create the state at `target` (backwards or forwards), from the nearest checkpoint.
    pub fn seek(&mut self, target: Target) {
        let behind = match target {
            Target::Event(k) => k < self.sim.events() || (k == self.sim.events() && self.position.drained),
            Target::Time(t) => t < self.sim.now(),
            Target::Mark(m) => m < self.position,
        };
        let best = self.checkpoints.iter().rev().find(|c| target.can_start_from(&c.mark));
        // Going forward too, a checkpoint ahead of us saves replaying the stretch before it.
        if let Some(checkpoint) = best.filter(|c| behind || c.mark > self.position) {
            if self.frontier_milestones.is_none() && self.position == self.frontier {
                self.frontier_milestones = Some(self.sim.milestones().to_vec());
            }
            self.sim = checkpoint.sim.clone();
            self.applied = checkpoint.applied;
            self.position = checkpoint.mark;
        }
        self.run_to(target, u64::MAX, false);
    }

    /// Take an operator action here. In the past, this starts a new branch: the actions and
    /// checkpoints after this point are dropped.
    pub fn act(&mut self, action: Action) -> Result<(), ScenarioError> {
        // Checked before a branch is cut: a refused membership request changes nothing.
        self.sim.check_request(&action)?;
        if self.position < self.frontier || self.applied < self.interventions.len() {
            self.interventions.truncate(self.applied);
            let here = self.position;
            self.checkpoints.retain(|c| c.mark <= here);
            self.frontier_milestones = None;
        }
        let at = self.position;
        self.sim.act(action.clone())?;
        self.interventions.push(Intervention { at, action });
        self.applied = self.interventions.len();
        self.position = Mark { events: self.sim.events(), time_us: self.sim.now(), drained: false };
        self.frontier = self.position;
        Ok(())
    }

    fn run_to(&mut self, target: Target, budget: u64, stop_on_violation: bool) -> Stop {
        let mut budget = budget;
        loop {
            let due = self.interventions.get(self.applied).filter(|i| target.passes(&i.at)).map(|i| i.at);
            let stop = match due {
                Some(mark) => self.go(Target::Mark(mark), &mut budget, stop_on_violation),
                None => self.go(target, &mut budget, stop_on_violation),
            };
            if stop != Stop::Reached || due.is_none() {
                self.after_moving();
                return stop;
            }
            let action = self.interventions[self.applied].action.clone();
            // Validated when recorded or decoded, so this cannot fail; if it did, skipping
            // the action is the safe choice.
            let _ = self.sim.act(action);
            self.applied += 1;
            self.position = Mark { events: self.sim.events(), time_us: self.sim.now(), drained: false };
        }
    }

    /// Process events towards `target` with no action in between.
    fn go(&mut self, target: Target, budget: &mut u64, stop_on_violation: bool) -> Stop {
        let violations = self.sim.total_violations();
        let (events_goal, time_goal) = match target {
            Target::Event(k) => (Some(k), None),
            Target::Time(t) => (None, Some(t)),
            Target::Mark(m) if m.drained => (None, Some(m.time_us)),
            Target::Mark(m) => (Some(m.events), None),
        };
        if let Some(k) = events_goal {
            while self.sim.events() < k {
                if *budget == 0 {
                    return Stop::Budget;
                }
                if !self.sim.step() {
                    self.position = Mark { events: self.sim.events(), time_us: self.sim.now(), drained: false };
                    return Stop::End;
                }
                *budget -= 1;
                self.position = Mark { events: self.sim.events(), time_us: self.sim.now(), drained: false };
                if stop_on_violation && self.sim.total_violations() > violations {
                    return Stop::Violation;
                }
            }
            return Stop::Reached;
        }
        let t = time_goal.unwrap_or(0);
        if self.position.drained && self.position.time_us >= t {
            return Stop::Reached;
        }
        while self.sim.step_until(t) {
            self.position = Mark { events: self.sim.events(), time_us: self.sim.now(), drained: false };
            if stop_on_violation && self.sim.total_violations() > violations {
                return Stop::Violation;
            }
            *budget = budget.saturating_sub(1);
            if *budget == 0 {
                return Stop::Budget;
            }
        }
        self.sim.run_until(t);
        self.position = Mark { events: self.sim.events(), time_us: self.sim.now(), drained: true };
        if self.sim.now() < t {
            return Stop::End;
        }
        Stop::Reached
    }

    fn after_moving(&mut self) {
        if self.position > self.frontier {
            self.frontier = self.position;
            self.frontier_milestones = None;
        }
        let last = self.checkpoints.last().map(|c| c.mark);
        if last.is_none_or(|m| self.position > m && self.position.events >= m.events + self.checkpoint_gap) {
            self.checkpoint();
        }
    }

    fn checkpoint(&mut self) {
        let bytes = self.sim.copy_bytes();
        self.checkpoints.push(Checkpoint { mark: self.position, applied: self.applied, sim: self.sim.clone(), bytes });
        while self.checkpoints.len() > MAX_CHECKPOINTS
            || (self.checkpoints.len() > 1 && self.checkpoint_bytes() > MAX_CHECKPOINT_BYTES)
        {
            // Keep the first (the start of the run) and every other one after it.
            let mut index = 0;
            self.checkpoints.retain(|_| {
                index += 1;
                index % 2 == 1
            });
            self.checkpoint_gap = self.checkpoint_gap.saturating_mul(2);
        }
    }

    /// What the checkpoints hold of their own, estimated.
    pub fn checkpoint_bytes(&self) -> u64 {
        self.checkpoints.iter().map(|c| c.bytes).sum()
    }
}
