//! One seed reproduces everything.
use raft_sim::{builtin, Report, Simulation};

#[test]
fn same_scenario_same_trace() {
    for scenario in builtin::list() {
        let a = raft_sim::run_scenario(&scenario, None).unwrap();
        let b = raft_sim::run_scenario(&scenario, None).unwrap();
        assert_eq!(a, b, "{}", scenario.name);
    }
}

#[test]
fn another_seed_another_trace() {
    let mut s = builtin::by_name("steady-load").unwrap();
    let a = raft_sim::run_scenario(&s, None).unwrap().trace_hash;
    s.seed += 1;
    assert_ne!(a, raft_sim::run_scenario(&s, None).unwrap().trace_hash);
}

#[test]
fn a_clone_midway_and_chunked_runs_agree() {
    let scenario = raft_sim::campaign::generate(17, None, &[]);
    let mut whole = Simulation::new(&scenario).unwrap();
    whole.run_to_end();
    let mut chunked = Simulation::new(&scenario).unwrap();
    for t in (0..=whole.end()).step_by(777_777) {
        chunked.run_until(t);
    }
    let mut clone = chunked.clone();
    chunked.run_to_end();
    clone.run_to_end();
    assert_eq!(Report::of(&whole), Report::of(&chunked));
    assert_eq!(Report::of(&whole), Report::of(&clone));
}

#[test]
fn operator_actions_are_recorded_and_reproducible() {
    use raft_sim::scenario::{Action, CrashMode};
    let scenario = builtin::by_name("steady-load").unwrap();
    let run = || {
        let mut sim = Simulation::new(&scenario).unwrap();
        sim.run_until(1_234_000);
        sim.act(Action::CrashLeader { mode: CrashMode::Recover }).unwrap();
        sim.run_until(2_000_000);
        sim.act(Action::Restart { node: 1 }).unwrap();
        sim.run_to_end();
        sim
    };
    let (a, b) = (run(), run());
    assert_eq!(a.trace_hash(), b.trace_hash());
    assert_eq!(a.interventions().len(), 2);
    assert_eq!(a.interventions()[0].at_ms, 1234.0);
    let untouched = raft_sim::run_scenario(&scenario, None).unwrap();
    assert_ne!(untouched.trace_hash, Report::of(&a).trace_hash);
    // An action naming a server that does not exist is refused and changes nothing.
    let mut sim = Simulation::new(&scenario).unwrap();
    let before = sim.trace_hash();
    assert!(sim.act(Action::Restart { node: 42 }).is_err());
    assert_eq!(sim.trace_hash(), before);
    assert!(sim.interventions().is_empty());
}

/// The trace hash sees what events carry and the state they leave, not only when they happen.
#[test]
fn the_trace_hash_sees_message_contents_and_server_state() {
    let safe = raft_sim::run_scenario(&builtin::by_name("figure-8").unwrap(), None).unwrap();
    let broken = raft_sim::run_scenario(&builtin::by_name("figure-8-unsafe").unwrap(), None).unwrap();
    assert!(safe.violations.is_empty() && !broken.violations.is_empty());
    assert_ne!(safe.trace_hash, broken.trace_hash, "one run breaks safety, the other does not");

    // Two runs whose events happen at the same moments, one value apart.
    let put = |value: &str| {
        use raft_sim::scenario::{Action, ClientOpKind};
        let mut scenario = builtin::by_name("first-election").unwrap();
        scenario.timeline.push(raft_sim::TimedAction {
            at_ms: 900.0,
            action: Action::Client {
                node: 1,
                op: ClientOpKind::Put,
                key: "x".into(),
                value: Some(value.into()),
                retry_ms: None,
            },
        });
        let mut sim = Simulation::new(&scenario).unwrap();
        sim.run_to_end();
        sim
    };
    let (one, two) = (put("1"), put("2"));
    assert_eq!(one.events(), two.events(), "the same schedule of events");
    assert_ne!(one.trace_hash(), two.trace_hash(), "but different contents");
}
