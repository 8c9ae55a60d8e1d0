//! Every run has a budget of events and of memory (estimated by counting what the run keeps),
//! so that no valid scenario can exhaust memory or run for ever, natively or in the page; a run
//! that reaches its budget stops at a deterministic event and says why.
use raft_sim::budget::{Budget, Stopped, DEFAULT_MAX_BYTES};
use raft_sim::scenario::{Action, CrashMode};
use raft_sim::session::Session;
use raft_sim::{Scenario, Simulation};

/// The heaviest workload the scenario format allows (tests/data/heaviest-24h.json: 9 servers,
/// 16 clients each sending a put 0.1 ms after its previous answer, no log compaction), run for
/// `duration_ms`. The wasm test runs the same file.
fn heaviest(duration_ms: f64) -> Scenario {
    let mut s = Scenario::from_json(include_str!("data/heaviest-24h.json")).unwrap();
    let w = s.workload.as_ref().unwrap();
    assert_eq!((s.nodes, w.clients, w.interval_ms), (9, 16, 0.1), "the format's maximum");
    s.duration_ms = duration_ms;
    s
}

fn small_budget() -> Budget {
    Budget { max_events: u64::MAX, max_bytes: 16 << 20 }
}

#[test]
fn a_heavy_run_stops_at_its_memory_budget_whatever_its_length() {
    let mut stops = Vec::new();
    for hours in [1.0, 24.0] {
        let mut sim = Simulation::new(&heaviest(hours * 3_600_000.0)).unwrap();
        sim.set_budget(small_budget());
        sim.run_to_end();
        assert_eq!(sim.stopped(), Some(Stopped::MemoryBudget), "{hours} h");
        assert!(sim.now() < sim.end(), "stopped before the end");
        let footprint = sim.footprint();
        // Checked every 1024 events: it overshoots by at most what 1024 events add.
        assert!(footprint.bytes <= (16 << 20) + (1 << 20), "{} bytes held", footprint.bytes);
        let message = sim.stop_message().unwrap();
        assert!(message.contains("memory budget of 16 MiB"), "{message}");
        assert!(message.contains("snapshot_threshold"), "says what helps: {message}");
        stops.push((sim.events(), sim.now(), sim.trace_hash()));
    }
    // Memory is bounded by the budget, not by the length of the run: the 24-hour run stops
    // exactly where the 1-hour one does.
    assert_eq!(stops[0], stops[1]);
}

#[test]
fn the_stop_does_not_depend_on_how_the_run_is_driven() {
    let budget = Budget { max_events: u64::MAX, max_bytes: 4 << 20 };
    let mut whole = Simulation::new(&heaviest(3_600_000.0)).unwrap();
    whole.set_budget(budget);
    whole.run_to_end();
    assert_eq!(whole.stopped(), Some(Stopped::MemoryBudget));
    // Frame by frame, as the page plays it (a session: checkpoints, availability measured).
    let mut session = Session::new(&heaviest(3_600_000.0)).unwrap();
    session.set_budget(budget);
    let mut t = 0;
    while session.sim().stopped().is_none() {
        t += 7_000;
        session.advance(t, 5_000, false);
    }
    let stopped = |sim: &Simulation| (sim.events(), sim.now(), sim.trace_hash(), sim.stop_message());
    assert_eq!(stopped(session.sim()), stopped(&whole));
    // Going back and forth re-creates the same stop.
    session.seek(raft_sim::session::Target::Event(whole.events() / 3));
    session.seek(raft_sim::session::Target::Time(whole.end()));
    assert_eq!(stopped(session.sim()), stopped(&whole));
}

#[test]
fn max_events_stops_exactly_there_and_says_so() {
    let scenario = raft_sim::builtin::by_name("steady-load").unwrap();
    let mut sim = Simulation::new(&scenario).unwrap();
    sim.set_budget(Budget { max_events: 1_234, max_bytes: DEFAULT_MAX_BYTES });
    sim.run_to_end();
    assert_eq!(sim.events(), 1_234);
    assert_eq!(sim.stopped(), Some(Stopped::MaxEvents));
    let now = sim.now();
    assert!(now < sim.end());
    // Stopped for good: more running does nothing, and time does not jump to the end.
    assert!(!sim.step());
    sim.run_until(sim.end());
    assert_eq!((sim.events(), sim.now()), (1_234, now));
    assert!(sim.stop_message().unwrap().contains("1234 events"));
    let report = raft_sim::Report::of(&sim);
    assert_eq!(report.stopped, Some(Stopped::MaxEvents));
    // A run that reaches its end is not "stopped".
    let full = raft_sim::run_scenario(&scenario, None).unwrap();
    assert_eq!(full.stopped, None);
    assert_eq!(full.stopped_message, None);
}

#[test]
fn a_stopped_session_refuses_actions_with_the_reason_and_can_still_go_back() {
    let mut session = Session::new(&heaviest(3_600_000.0)).unwrap();
    session.set_budget(small_budget());
    let mut t = 0;
    while session.sim().stopped().is_none() {
        t += 50_000;
        session.advance(t, 200_000, false);
        assert!(t < 3_600_000_000, "the run never stopped");
    }
    assert_eq!(session.sim().stopped(), Some(Stopped::MemoryBudget));
    let err = session.act(Action::Crash { node: 1, mode: CrashMode::Recover }).unwrap_err();
    assert!(err.to_string().contains("memory budget"), "{err}");
    let stop = session.sim().events();
    session.seek(raft_sim::session::Target::Event(stop / 2));
    assert_eq!(session.sim().events(), stop / 2);
    assert_eq!(session.sim().stopped(), None);
}

#[test]
fn checkpoints_that_copy_many_messages_are_thinned() {
    // A slow network with fast heartbeats: tens of thousands of messages in flight, which
    // every checkpoint copies.
    let mut s = Scenario::new("slow-network", 9, 3);
    s.duration_ms = 600_000.0;
    s.raft.heartbeat_ms = 0.5;
    s.raft.election_timeout_ms = [20_000.0, 40_000.0];
    s.network.latency_ms = [2_000.0, 4_000.0];
    let mut session = Session::new(&s).unwrap();
    let mut t = 0;
    while t < 60_000_000 && session.sim().stopped().is_none() {
        t += 500_000;
        session.advance(t, 1_000_000, false);
    }
    assert!(session.sim().footprint().messages > 10_000, "{:?}", session.sim().footprint());
    assert!(session.checkpoint_bytes() <= 128 << 20, "{}", session.checkpoint_bytes());
    assert!(session.checkpoints() >= 1);
}
