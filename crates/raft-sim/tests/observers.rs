//! Observers watch a run without steering it: the engine shows them every event, and the same
//! scenario runs the same with or without them.
use raft_sim::engine::observe::{Observer, Seen, Wants};
use raft_sim::invariants::InvariantChecker;
use raft_sim::{builtin, Action, Simulation};

/// Counts what it is shown.
#[derive(Clone, Default)]
struct Counter {
    events: u64,
    steps: u64,
    crashes: u64,
    answers: u64,
    /// Messages put in the network, arrived, died.
    sent: u64,
    arrived: u64,
    lost: u64,
    actions: u64,
}

impl Observer for Counter {
    fn wants(&self) -> Wants {
        Wants::EVENTS.and(Wants::STEPS).and(Wants::CRASHES).and(Wants::ANSWERS).and(Wants::MESSAGES).and(Wants::ACTIONS)
    }
    fn observe(&mut self, sim: &Simulation, seen: &Seen<'_>) -> u64 {
        match seen {
            Seen::EventDone => {
                self.events += 1;
                // Called after the event is counted: the run is there to be read.
                assert_eq!(self.events, sim.events());
            }
            Seen::Step { .. } => self.steps += 1,
            Seen::Crash(_) => self.crashes += 1,
            Seen::Answered { .. } => self.answers += 1,
            Seen::Sent { message, .. } => {
                self.sent += 1;
                assert!(sim.in_flight().any(|m| m.id == message.id), "shown once in the network");
            }
            Seen::Arrived(_) => self.arrived += 1,
            Seen::Lost { .. } => self.lost += 1,
            Seen::Dropped(_) => {}
            Seen::Action(_) => self.actions += 1,
        }
        0
    }
}

#[test]
fn an_observer_sees_every_event_and_changes_nothing() {
    let scenario = builtin::by_name("crash-example").expect("built-in exists");
    let mut plain = Simulation::with_observers(&scenario, Vec::new()).expect("valid");
    plain.run_to_end();
    let mut watched = Simulation::new(&scenario).expect("valid");
    watched.add_observer(Box::new(Counter::default()));
    watched.run_until(watched.end() / 2);
    watched.act(Action::Crash { node: 1, mode: raft_sim::scenario::CrashMode::Recover }).expect("valid action");
    let mut replay = Simulation::new(&scenario).expect("valid");
    replay.run_until(replay.end() / 2);
    replay.act(Action::Crash { node: 1, mode: raft_sim::scenario::CrashMode::Recover }).expect("valid action");
    watched.run_to_end();
    replay.run_to_end();

    let counter = watched.observer::<Counter>().expect("attached");
    assert_eq!(counter.events, watched.events(), "one EventDone per counted event, operator actions included");
    assert!(counter.steps > counter.events / 2, "server steps are shown ({} of {})", counter.steps, counter.events);
    assert!(counter.crashes >= 1, "the operator's crash is shown");
    // The timeline's actions and the operator's crash, each once.
    assert_eq!(counter.actions, scenario.timeline.len() as u64 + 1, "every action is shown, once");
    // Every message sent is seen to arrive or die, or is still in flight.
    assert!(counter.arrived > 100 && counter.lost > 0, "{} arrived, {} lost", counter.arrived, counter.lost);
    assert_eq!(counter.sent, counter.arrived + counter.lost + watched.in_flight_count() as u64);
    assert_eq!(watched.trace_hash(), replay.trace_hash(), "a watched run is the run");
    // No observers at all: the same events, the same hash, nothing checked.
    let mut bare = Simulation::new(&scenario).expect("valid");
    bare.run_to_end();
    assert_eq!(plain.trace_hash(), bare.trace_hash());
    assert!(plain.observer::<InvariantChecker>().is_none() && plain.findings() == 0);
}

#[test]
fn a_checker_observer_marks_violations_and_stops_the_run() {
    let scenario = builtin::by_name("figure-8-unsafe").expect("built-in exists");
    let mut sim = Simulation::new(&scenario).expect("valid");
    assert!(sim.run_until_violation(), "figure-8-unsafe breaks a property");
    assert_eq!(sim.findings(), sim.total_violations());
    assert!(sim.milestones().iter().any(|m| m.kind == raft_sim::sim::MilestoneKind::Violation));
    // Removing the checker leaves a run that finds nothing more.
    let mut unchecked = Simulation::with_observers(&scenario, Vec::new()).expect("valid");
    assert!(!unchecked.run_until_violation());
    assert!(unchecked.violations().is_empty());
}
