//! Each failure model of the course has the effect it should, and Raft stays safe under the
//! ones it tolerates.
mod common;

use common::run_scenario;
use raft_sim::scenario::{Action, CrashMode, NodeFaults, TimingModel, Workload};
use raft_sim::sim::NodeStatus;
use raft_sim::trace::What;
use raft_sim::{Property, Scenario, Simulation};

fn base(nodes: u32) -> Scenario {
    let mut s = Scenario::new("test", nodes, 3);
    s.duration_ms = 3_000.0;
    // S1 leads from the start, deterministically.
    s.at(5.0, Action::Timeout { node: 1 })
}

fn leader(sim: &Simulation) -> Option<u32> {
    sim.leader()
}

fn term_of(sim: &Simulation, id: u32) -> u64 {
    sim.node(id).unwrap().raft.as_ref().map_or(0, |r| r.current_term())
}

#[test]
fn crash_stop_node_never_comes_back() {
    let s =
        base(3).at(500.0, Action::Crash { node: 1, mode: CrashMode::Stop }).at(1_000.0, Action::Restart { node: 1 });
    let sim = run_scenario(&s);
    assert_eq!(sim.node(1).unwrap().status, NodeStatus::Crashed(CrashMode::Stop));
    assert!(matches!(leader(&sim), Some(2 | 3)), "the others elect a new leader");
    assert!(sim.violations().is_empty());
}

#[test]
fn crash_recovery_keeps_stable_storage_and_catches_up() {
    let s = base(3)
        .at(
            100.0,
            Action::Client {
                node: 1,
                op: raft_sim::scenario::ClientOpKind::Put,
                key: "k".into(),
                value: Some("v".into()),
                retry_ms: None,
            },
        )
        .at(500.0, Action::Crash { node: 1, mode: CrashMode::Recover })
        .at(1_500.0, Action::Restart { node: 1 });
    let mut sim = Simulation::new(&s).unwrap();
    sim.run_until(1_500_000);
    let s1 = sim.node(1).unwrap().raft.as_ref().unwrap();
    assert_eq!(s1.commit_index(), 0, "commitIndex is volatile");
    assert!(s1.current_term() >= 1 && s1.log().last_index() >= 2, "term and log survived");
    sim.run_to_end();
    let s1 = sim.node(1).unwrap().raft.as_ref().unwrap();
    assert!(s1.commit_index() >= 2 && s1.kv().data().get("k").map(String::as_str) == Some("v"));
    assert!(sim.violations().is_empty());
}

#[test]
fn amnesia_loses_stable_storage_and_the_monitor_says_so() {
    let s =
        base(3).at(500.0, Action::Crash { node: 2, mode: CrashMode::Amnesia }).at(600.0, Action::Restart { node: 2 });
    let mut sim = Simulation::new(&s).unwrap();
    sim.run_until(600_000);
    let s2 = sim.node(2).unwrap().raft.as_ref().unwrap();
    assert_eq!((s2.current_term(), s2.log().last_index()), (0, 0));
    assert!(sim.violations().iter().any(|v| v.property == Property::MonotonicTerm));
}

#[test]
fn send_omission_on_the_leader_gets_it_replaced() {
    let s = base(3).at(500.0, Action::SetFaults(NodeFaults { node: 1, send_omission: 1.0, ..Default::default() }));
    let sim = run_scenario(&s);
    assert!(matches!(leader(&sim), Some(2 | 3)));
    assert!(term_of(&sim, 2) >= 2);
    assert!(sim.violations().is_empty());
}

#[test]
fn receive_omission_drops_arrivals() {
    let mut s = base(3);
    s.faults.push(NodeFaults { node: 3, receive_omission: 1.0, ..Default::default() });
    let sim = run_scenario(&s);
    let dropped = sim
        .trace()
        .iter()
        .filter(|e| {
            matches!(
                &e.what,
                What::Dropped {
                    to: raft_sim::network::Endpoint::Node(3),
                    cause: raft_sim::network::LossCause::ReceiveOmission,
                    ..
                }
            )
        })
        .count();
    assert!(dropped > 10);
    assert_eq!(sim.node(3).unwrap().raft.as_ref().unwrap().log().last_index(), 0, "S3 hears nothing");
    assert!(sim.violations().is_empty());
}

#[test]
fn paused_leader_is_replaced_and_steps_down_on_resume() {
    let s = base(3).at(500.0, Action::Pause { node: 1 }).at(2_000.0, Action::Resume { node: 1 });
    let mut sim = Simulation::new(&s).unwrap();
    sim.run_until(1_900_000);
    assert_eq!(sim.node(1).unwrap().status, NodeStatus::Paused);
    let new_leader =
        [2, 3].into_iter().find(|&n| sim.node(n).unwrap().raft.as_ref().unwrap().role() == raft_core::Role::Leader);
    assert!(new_leader.is_some(), "the others elected a leader while S1 was frozen");
    sim.run_to_end();
    let s1 = sim.node(1).unwrap().raft.as_ref().unwrap();
    assert_ne!(s1.role(), raft_core::Role::Leader, "S1 learned of the new term");
    assert!(s1.current_term() >= 2);
    assert!(sim.violations().is_empty());
}

#[test]
fn a_fast_clock_times_out_first() {
    let mut s = Scenario::new("drift", 3, 3);
    s.duration_ms = 1_000.0;
    s.raft.election_timeout_ms = [300.0, 300.0];
    s.faults.push(NodeFaults { node: 3, drift: 0.5, ..Default::default() });
    let sim = run_scenario(&s);
    assert_eq!(leader(&sim), Some(3));
}

#[test]
fn partitions_cuts_isolation_and_heal() {
    // Minority side cannot elect.
    let s = base(5).at(300.0, Action::Partition { groups: vec![vec![1, 2, 3], vec![4, 5]] });
    let sim = run_scenario(&s);
    assert_eq!(leader(&sim), Some(1));
    assert!(sim.node(4).unwrap().raft.as_ref().unwrap().role() != raft_core::Role::Leader);
    // Isolating the leader: the rest elect; healing brings it back as follower.
    let s = base(5).at(300.0, Action::Isolate { node: 1 }).at(2_000.0, Action::Heal);
    let sim = run_scenario(&s);
    assert!(matches!(leader(&sim), Some(2..=5)));
    assert_eq!(sim.node(1).unwrap().raft.as_ref().unwrap().role(), raft_core::Role::Follower);
    // A one-way cut: S1's messages to S2 vanish, S2's to S1 still arrive.
    let s = base(3).at(300.0, Action::Cut { from: 1, to: 2 });
    let sim = run_scenario(&s);
    let partitioned = |to: u32| {
        sim.trace().iter().filter(|e| matches!(&e.what, What::Dropped { to: raft_sim::network::Endpoint::Node(t), cause: raft_sim::network::LossCause::Partitioned, .. } if *t == to)).count()
    };
    assert!(partitioned(2) > 0 && partitioned(1) == 0);
    assert!(sim.violations().is_empty());
}

#[test]
fn total_loss_means_no_leader_ever() {
    let mut s = Scenario::new("loss", 3, 1);
    s.duration_ms = 3_000.0;
    s.network.loss = 1.0;
    let sim = run_scenario(&s);
    assert_eq!(leader(&sim), None);
    assert!(term_of(&sim, 1) > 1, "elections keep failing");
}

#[test]
fn duplication_and_reordering_keep_safety_and_progress() {
    let mut s = Scenario::new("messy", 5, 11);
    s.duration_ms = 5_000.0;
    s.network.duplicate = 0.3;
    s.network.reorder = 0.3;
    s.network.loss = 0.05;
    s.workload = Some(Workload { clients: 3, interval_ms: 20.0, ..Workload::default() });
    let sim = run_scenario(&s);
    assert!(sim.violations().is_empty());
    assert!(sim.history().iter().filter(|h| h.completed_us.is_some()).count() > 50);
}

fn max_delay_us(s: &Scenario) -> u64 {
    let mut sim = Simulation::new(s).unwrap();
    let mut max = 0;
    while sim.step() {
        for m in sim.in_flight() {
            max = max.max(m.arrive_us - m.sent_us);
        }
    }
    max
}

#[test]
fn timing_models_bound_or_do_not_bound_delays() {
    let mut s = Scenario::new("timing", 3, 5);
    s.duration_ms = 3_000.0;
    s.network.latency_ms = [5.0, 10.0];
    s.workload = Some(Workload::default());
    assert!(max_delay_us(&s) <= 10_000, "synchronous: every delay within Δ");
    s.network.timing = TimingModel::Asynchronous { tail_probability: 0.3 };
    assert!(max_delay_us(&s) > 30_000, "asynchronous: heavy-tailed delays");
    s.network.timing = TimingModel::PartiallySynchronous { gst_ms: 0.0, tail_probability: 0.3 };
    assert!(max_delay_us(&s) <= 10_000, "partially synchronous after GST: bounded");
}

#[test]
fn an_operator_request_sent_to_a_follower_follows_the_redirect_and_commits() {
    use raft_sim::scenario::{ClientOpKind, MAX_DURATION_MS};
    let mut scenario = raft_sim::builtin::by_name("first-election").unwrap();
    scenario.duration_ms = MAX_DURATION_MS;
    let mut sim = Simulation::new(&scenario).unwrap();
    sim.run_until(1_000_000);
    let leader = sim.leader().unwrap();
    let follower = sim.nodes().iter().map(|n| n.id).find(|&n| n != leader).unwrap();
    sim.act(raft_sim::Action::Client {
        node: follower,
        op: ClientOpKind::Put,
        key: "x".into(),
        value: Some("7".into()),
        retry_ms: None,
    })
    .unwrap();
    sim.run_until(1_500_000);
    let op = sim.script_history().last().unwrap();
    assert_eq!(op.redirects, 1);
    assert!(op.completed_us.is_some(), "the leader answered after the redirect");
    for node in sim.nodes() {
        assert_eq!(node.raft.as_ref().unwrap().kv().data().get("x").map(String::as_str), Some("7"));
    }
}
