//! Availability measured on real runs: a leader that can commit means up; crashes and
//! partitions that leave no quorum mean down.
use raft_sim::scenario::{Action, CrashMode, Workload};
use raft_sim::{Scenario, Simulation};

fn ms(t: u64) -> u64 {
    t * 1000
}

#[test]
fn a_leader_crash_is_a_failure_and_the_next_election_its_repair() {
    let s = Scenario::new("avail", 3, 5).at(2_000.0, Action::CrashLeader { mode: CrashMode::Recover });
    let mut sim = Simulation::new(&s).unwrap();
    sim.set_track_availability(true);
    sim.run_until(ms(1_900));
    let before = sim.availability().unwrap();
    assert!(before.boot_us.is_some() && before.up_now && before.failures == 0, "{before:?}");
    sim.run_until(ms(5_000));
    let a = sim.availability().unwrap();
    assert_eq!((a.failures, a.repairs), (1, 1), "{a:?}");
    assert!(a.up_now);
    // Down from the crash until a new leader is elected: at least a minimum election timeout.
    assert!(a.down_us >= 150_000 && a.down_us < 1_000_000, "{a:?}");
    assert!((a.measured.unwrap() - a.formula.unwrap()).abs() < 1e-9, "A = MTTF / (MTTF + MTTR): {a:?}");
}

#[test]
fn without_a_quorum_the_cluster_is_down_until_it_returns() {
    let s = Scenario::new("avail", 3, 5)
        .at(1_000.0, Action::Crash { node: 1, mode: CrashMode::Recover })
        .at(1_000.0, Action::Crash { node: 2, mode: CrashMode::Recover })
        .at(1_000.0, Action::Crash { node: 3, mode: CrashMode::Recover })
        .at(3_000.0, Action::Restart { node: 1 })
        .at(3_000.0, Action::Restart { node: 2 });
    let mut sim = Simulation::new(&s).unwrap();
    sim.set_track_availability(true);
    sim.run_until(ms(2_900));
    let a = sim.availability().unwrap();
    assert!(!a.up_now && a.failures == 1 && a.down_us >= ms(1_800), "{a:?}");
    sim.run_until(ms(6_000));
    let a = sim.availability().unwrap();
    assert!(a.up_now && a.repairs == 1, "two of three back: a quorum again: {a:?}");
}

#[test]
fn answered_requests_give_the_commit_latency_and_tracking_changes_no_trace() {
    let mut s = Scenario::new("avail", 3, 5);
    s.workload = Some(Workload { clients: 2, interval_ms: 50.0, ..Workload::default() });
    let mut tracked = Simulation::new(&s).unwrap();
    tracked.set_track_availability(true);
    tracked.run_until(ms(3_000));
    let a = tracked.availability().unwrap();
    assert!(a.answered > 10, "{a:?}");
    // Two message delays at least (request to the leader, replication, answer): over 20 ms.
    assert!(a.commit_latency_us.unwrap() > 20_000.0, "{a:?}");
    let mut plain = Simulation::new(&s).unwrap();
    plain.run_until(ms(3_000));
    assert_eq!(plain.trace_hash(), tracked.trace_hash());
    assert!(plain.availability().is_none());
}

#[test]
fn a_session_re_creates_the_same_figures_after_a_jump_in_time() {
    use raft_sim::session::{Session, Target};
    let s = Scenario::new("avail", 3, 5)
        .at(2_000.0, Action::CrashLeader { mode: CrashMode::Recover })
        .at(4_000.0, Action::CrashLeader { mode: CrashMode::Recover });
    let mut session = Session::new(&s).unwrap();
    session.advance(ms(6_000), u64::MAX, false);
    let live = session.sim().availability().expect("sessions track availability");
    assert_eq!(live.failures, 2);
    session.seek(Target::Time(ms(1_000)));
    session.seek(Target::Time(ms(6_000)));
    assert_eq!(session.sim().availability(), Some(live));
}
