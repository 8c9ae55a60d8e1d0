//! A one-off client request with `retry_ms` is sent again, as a client library would, when the
//! leader it went to crashes or is deposed: the same request (client and sequence number), so
//! the state machine's session applies it once whichever copy commits.
use raft_core::{EntryPayload, Op};
use raft_sim::linearizability::{check_run, DEFAULT_BUDGET};
use raft_sim::scenario::{Action, ClientOpKind, MAX_CLIENT_RETRIES};
use raft_sim::workload::HistoryOp;
use raft_sim::{Scenario, Simulation};

fn put(node: u32, value: &str, retry_ms: Option<f64>) -> Action {
    Action::Client { node, op: ClientOpKind::Put, key: "x".into(), value: Some(value.into()), retry_ms }
}

/// S1 leads; x=1 commits; x=2 goes to S1, which crashes `crash_after_ms` later.
fn crashed_leader(crash_after_ms: f64, retry_ms: Option<f64>) -> Simulation {
    let mut s = Scenario::new("retry-after-crash", 3, 1)
        .at(10.0, Action::Timeout { node: 1 })
        .at(200.0, put(1, "1", None))
        .at(400.0, put(1, "2", retry_ms))
        .at(400.0 + crash_after_ms, Action::Crash { node: 1, mode: Default::default() });
    s.duration_ms = 4_000.0;
    let mut sim = Simulation::new(&s).unwrap();
    sim.run_to_end();
    sim
}

fn second_put(sim: &Simulation) -> HistoryOp {
    sim.script_history().nth(1).unwrap().clone()
}

/// How many entries of `sim`'s leader hold the operator's request `seq`.
fn copies_in_leader_log(sim: &Simulation, seq: u64) -> usize {
    let leader = sim.leader().expect("a new leader");
    let log = sim.node(leader).unwrap().raft.as_ref().unwrap().log();
    log.iter().filter(|e| matches!(&e.payload, EntryPayload::Command(c) if c.client == 0 && c.seq == seq)).count()
}

#[test]
fn without_retry_a_request_to_a_leader_that_crashes_gets_no_answer() {
    let sim = crashed_leader(1.0, None);
    let op = second_put(&sim);
    assert_eq!((op.completed_us, op.retries, op.retried_to), (None, 0, None));
}

#[test]
fn a_request_lost_with_its_leader_is_retried_and_committed_once() {
    // S1 crashes before its AppendEntries reach anyone: the entry is gone with it.
    let sim = crashed_leader(1.0, Some(500.0));
    let op = second_put(&sim);
    assert!(op.completed_us.is_some(), "answered after a retry: {op:?}");
    assert!(op.retries >= 1 && op.retried_to.is_some_and(|to| to != 1), "{op:?}");
    assert_ne!(op.answered_by, Some(1));
    assert_eq!(op.value.as_deref(), Some("1"), "x=2 replaced x=1 once");
    assert_eq!(copies_in_leader_log(&sim, op.seq), 1, "appended once, by the new leader");
    assert!(!check_run(&sim, DEFAULT_BUDGET).is_violation());
}

#[test]
fn a_request_whose_entry_survives_its_leader_is_answered_once_on_retry() {
    // S1 crashes after the followers stored the entry but before they learn it committed:
    // the new leader commits the entry it holds, and the retry is answered from the session
    // (the put's previous value is x=1: it was applied once).
    let sim = crashed_leader(35.0, Some(500.0));
    let op = second_put(&sim);
    assert!(op.completed_us.is_some() && op.retries >= 1, "{op:?}");
    assert_eq!(op.value.as_deref(), Some("1"), "{op:?}");
    for node in sim.nodes().iter().filter_map(|n| n.raft.as_ref()) {
        assert_eq!(node.kv().data().get("x").map(String::as_str), Some("2"));
    }
    assert_eq!(copies_in_leader_log(&sim, op.seq), 1, "S1's entry, committed by the new leader: not appended again");
    assert!(!check_run(&sim, DEFAULT_BUDGET).is_violation());
}

#[test]
fn retries_are_bounded() {
    // Every server crashes: the request is sent again at most MAX_CLIENT_RETRIES times.
    let mut s = Scenario::new("retry-bounded", 3, 1)
        .at(10.0, Action::Timeout { node: 1 })
        .at(200.0, Action::Crash { node: 2, mode: Default::default() })
        .at(200.0, Action::Crash { node: 3, mode: Default::default() })
        .at(300.0, put(1, "1", Some(100.0)))
        .at(301.0, Action::Crash { node: 1, mode: Default::default() });
    s.duration_ms = 5_000.0;
    let mut sim = Simulation::new(&s).unwrap();
    // Retries at 400, 500, …, 800 ms; at 850 ms the fifth is still awaited.
    sim.run_until(850_000);
    let op = sim.script_history().next().unwrap();
    assert_eq!((op.retries, op.gave_up), (MAX_CLIENT_RETRIES, false), "{op:?}");
    sim.run_to_end();
    let op = sim.script_history().next().unwrap();
    assert_eq!((op.completed_us, op.retries), (None, MAX_CLIENT_RETRIES), "{op:?}");
    assert!(op.gave_up, "one retry_ms after the last retry the client stops waiting: {op:?}");
    assert!(matches!(op.op, Op::Put { .. }));
}

#[test]
fn without_dedup_a_retry_surviving_its_leader_is_applied_twice_and_breaks_linearizability() {
    // The run above (S1 crashes after the followers stored x=2) with the `no-dedup` rule: the new
    // leader appends the retry again and every state machine applies it twice; the retried put
    // answers with the value its own first application wrote.
    let mut s = Scenario::new("retry-no-dedup", 3, 1)
        .at(10.0, Action::Timeout { node: 1 })
        .at(200.0, put(1, "1", None))
        .at(400.0, put(1, "2", Some(500.0)))
        .at(435.0, Action::Crash { node: 1, mode: Default::default() });
    s.raft.unsafe_rules.push(raft_core::UnsafeRule::NoDedup);
    s.duration_ms = 4_000.0;
    let mut sim = Simulation::new(&s).unwrap();
    sim.run_to_end();
    let op = second_put(&sim);
    assert_eq!(op.value.as_deref(), Some("2"), "{op:?}");
    assert_eq!(copies_in_leader_log(&sim, op.seq), 2);
    for slot in sim.nodes().iter().filter(|n| n.raft.is_some()) {
        assert_eq!(slot.times_applied(op.seq), 2, "S{}", slot.id);
        assert_eq!(slot.times_applied(1), 1, "S{}", slot.id);
    }
    assert!(check_run(&sim, DEFAULT_BUDGET).is_violation());
}

#[test]
fn a_no_dedup_campaign_finds_a_linearizability_violation_the_safe_one_does_not() {
    // Seed 1 of `raftsim check --unsafe no-dedup`: a workload client's retry is applied twice.
    let config = |unsafe_rules| raft_sim::campaign::CampaignConfig {
        first_seed: 1,
        seeds: 1,
        nodes: None,
        unsafe_rules,
        threads: 1,
        membership: false,
        lease_window: false,
    };
    let outcome = raft_sim::campaign::run(&config(vec![raft_core::UnsafeRule::NoDedup]));
    let failure = outcome.failure.expect("a retry applied twice");
    assert_eq!(failure.violation.property, raft_sim::Property::Linearizability);
    assert!(raft_sim::campaign::run(&config(vec![])).failure.is_none());
}
