//! The scenario format's additions of issue 16 (docs/scenario-format.md): initial server state,
//! per-server election timeouts, workload actions, `expect`, and the event stream.
use raft_core::{EntryPayload, Role};
use raft_sim::engine::sim::MilestoneKind;
use raft_sim::events::RunEvents;
use raft_sim::expect::run_checking;
use raft_sim::scenario::{ms_to_us, ms_to_us as us};
use raft_sim::{builtin, Action, Scenario, ScenarioError, Simulation};
use serde_json::{json, Value};

fn scenario(v: Value) -> Result<Scenario, ScenarioError> {
    Scenario::from_json(&v.to_string())
}

fn refused(v: Value, field: &str, says: &str) {
    let e = scenario(v).expect_err("refused");
    assert_eq!(e.field, field, "{e}");
    assert!(e.problem.contains(says), "{e} (expected it to say {says:?})");
}

fn terms(sim: &Simulation, id: u32) -> Vec<u64> {
    let slot = sim.node(id).expect("exists");
    match slot.raft.as_ref() {
        Some(r) => r.log().iter().map(|e| e.term).collect(),
        None => slot.disk.log.iter().map(|e| e.term).collect(),
    }
}

// ----- Initial state ------------------------------------------------------------------------

#[test]
fn figure_7_boots_with_the_papers_logs_and_the_leader_repairs_them() {
    let s = builtin::by_name("figure-7").expect("a built-in");
    assert_eq!(s.nodes, 7);
    let mut sim = Simulation::new(&s).unwrap();
    // At time 0 every server holds its log from the figure, on disk and in memory.
    let figure: [&[u64]; 7] = [
        &[1, 1, 1, 4, 4, 5, 5, 6, 6, 6],
        &[1, 1, 1, 4, 4, 5, 5, 6, 6],
        &[1, 1, 1, 4],
        &[1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 6],
        &[1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 7, 7],
        &[1, 1, 1, 4, 4, 4, 4],
        &[1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 3],
    ];
    for (k, log) in figure.iter().enumerate() {
        let id = k as u32 + 1;
        assert_eq!(terms(&sim, id), log.to_vec(), "S{id} at boot");
        let slot = sim.node(id).unwrap();
        assert_eq!(slot.disk.log.iter().map(|e| e.term).collect::<Vec<_>>(), log.to_vec(), "S{id}'s disk");
        let raft = slot.raft.as_ref().unwrap();
        assert_eq!(raft.commit_index(), 0, "commitIndex is volatile: it starts at 0");
        // Every entry holds a command (a put of x, its index as the value), so the leader's
        // own no-op of term 8 is the only no-op once the logs are repaired.
        assert!(raft.log().iter().all(|e| matches!(e.payload, EntryPayload::Command(_))), "S{id}: commands");
    }
    assert_eq!(sim.node(1).unwrap().raft.as_ref().unwrap().current_term(), 7);
    assert_eq!(sim.node(5).unwrap().raft.as_ref().unwrap().current_term(), 7);
    sim.run_to_end();
    let repaired = [1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 8];
    for id in 1..=7 {
        assert_eq!(terms(&sim, id), repaired.to_vec(), "S{id} after repair");
    }
    assert_eq!(sim.leader(), Some(1));
    assert!(sim.violations().is_empty());
    // The followers (c)–(f) deleted their conflicting entries (§5.3); (a) and (b) had none.
    let overwritten: Vec<u32> = sim
        .milestones()
        .iter()
        .filter_map(|m| match m.kind {
            MilestoneKind::Overwritten { node, .. } => Some(node),
            _ => None,
        })
        .collect();
    assert_eq!(overwritten, vec![4, 5, 6, 7]);
    let noops: Vec<u64> = sim
        .node(1)
        .unwrap()
        .raft
        .as_ref()
        .unwrap()
        .log()
        .iter()
        .filter(|e| e.payload == EntryPayload::Noop)
        .map(|e| e.term)
        .collect();
    assert_eq!(noops, vec![8], "the leader's no-op of its term is the only no-op");
}

#[test]
fn a_log_entry_written_as_a_term_alone_is_a_no_op() {
    let s =
        scenario(json!({"name": "bare", "nodes": 3, "duration_ms": 10, "servers": {"1": {"log": [1, 1, 2]}}})).unwrap();
    let sim = Simulation::new(&s).unwrap();
    let raft = sim.node(1).unwrap().raft.as_ref().unwrap();
    assert_eq!(raft.log().len(), 3);
    assert!(raft.log().iter().all(|e| e.payload == EntryPayload::Noop), "terms alone are no-ops");
    assert_eq!(raft.current_term(), 2, "the term defaults to the last entry's");
}

#[test]
fn initial_commands_the_term_default_and_voted_for() {
    let s = scenario(json!({
        "name": "init", "nodes": 3, "duration_ms": 2000,
        "servers": {
            "1": {"log": [1, {"term": 2, "op": "put", "key": "x", "value": "7"}], "voted_for": 1},
            "2": {"term": 5, "log": [1]}
        }
    }))
    .unwrap();
    let mut sim = Simulation::new(&s).unwrap();
    let s1 = sim.node(1).unwrap().raft.as_ref().unwrap();
    assert_eq!(s1.current_term(), 2, "left out, currentTerm is the last entry's term");
    assert_eq!(s1.voted_for(), Some(1));
    assert!(matches!(&s1.log().get(2).unwrap().payload, EntryPayload::Command(c) if c.op.to_string() == "x=7"));
    assert_eq!(sim.node(2).unwrap().raft.as_ref().unwrap().current_term(), 5);
    assert_eq!(sim.node(3).unwrap().raft.as_ref().unwrap().current_term(), 0);
    sim.run_to_end();
    // S1 holds the most up-to-date log; whoever leads, x=7 reaches every state machine.
    for id in 1..=3 {
        let r = sim.node(id).unwrap().raft.as_ref().unwrap();
        assert_eq!(r.kv().data().get("x").map(String::as_str), Some("7"), "S{id}");
    }
    assert!(sim.violations().is_empty());
}

#[test]
fn a_crash_keeps_the_initial_state_on_disk_and_amnesia_loses_it() {
    let s = scenario(json!({
        "name": "init-crash", "nodes": 3, "duration_ms": 200,
        "raft": {"election_timeout_ms": [5000, 6000]},
        "servers": {"1": {"term": 3, "log": [1, 2, 3]}, "2": {"term": 3, "log": [1, 2, 3]}},
        "timeline": [
            {"at_ms": 10, "action": "crash", "node": 1},
            {"at_ms": 20, "action": "restart", "node": 1},
            {"at_ms": 10, "action": "crash", "node": 2, "mode": "amnesia"},
            {"at_ms": 20, "action": "restart", "node": 2}
        ]
    }))
    .unwrap();
    let mut sim = Simulation::new(&s).unwrap();
    sim.run_to_end();
    assert_eq!(terms(&sim, 1), vec![1, 2, 3]);
    assert_eq!(sim.node(1).unwrap().raft.as_ref().unwrap().current_term(), 3);
    assert_eq!(terms(&sim, 2), Vec::<u64>::new());
    assert_eq!(sim.node(2).unwrap().raft.as_ref().unwrap().current_term(), 0);
}

#[test]
fn initial_state_is_validated_naming_the_field() {
    let base = |servers: Value| json!({"name": "bad", "nodes": 3, "servers": servers});
    refused(base(json!({"1": {"log": [1, 3, 2]}})), "servers.1.log[2]", "never decrease");
    refused(base(json!({"1": {"term": 2, "log": [1, 3]}})), "servers.1.term", "below the term of the last log entry");
    refused(base(json!({"1": {"log": [0]}})), "servers.1.log[0]", "the term of an entry is 1");
    refused(base(json!({"4": {"term": 1}})), "servers.4", "does not exist");
    refused(base(json!({"one": {"term": 1}})), "servers.one", "not a server id");
    refused(base(json!({"01": {"term": 1}})), "servers.01", "not a server id");
    refused(base(json!({"1": {"term": 1, "color": "red"}})), "servers.1.color", "unknown field");
    refused(base(json!({"1": {"log": ["1"]}})), "servers.1.log[0]", "whole number");
    refused(
        base(json!({"1": {"log": [{"term": 1, "op": "put", "key": "x"}]}})),
        "servers.1.log[0].value",
        "a put needs",
    );
    refused(
        base(json!({"1": {"log": [{"term": 1, "op": "put", "key": "x", "v": 1}]}})),
        "servers.1.log[0].v",
        "unknown field",
    );
    refused(base(json!({"1": {"voted_for": 9}})), "servers.1.voted_for", "does not exist");
    refused(base(json!({"1": {"term": 2000000}})), "servers.1.term", "at most");
    refused(base(json!({"1": {"log": vec![1; 1001]}})), "servers.1.log", "at most 1000");
    refused(base(json!([1])), "servers", "keyed by server id");
    // Log Matching: the same index and term on two servers means the same entries up to there.
    refused(base(json!({"1": {"log": [1, 1, 2]}, "2": {"log": [1, 2, 2]}})), "servers.2.log[1]", "Log Matching");
    refused(
        base(json!({"1": {"log": [{"term": 1, "op": "put", "key": "x", "value": "1"}]}, "2": {"log": [1]}})),
        "servers.2.log[0]",
        "Log Matching",
    );
    // A server outside the initial configuration starts empty.
    refused(
        json!({"name": "bad", "nodes": 3, "members": [1, 2], "servers": {"3": {"log": [1]}}}),
        "servers.3.log",
        "not in `members`",
    );
    // Logs that diverge the way Figure 7's do are accepted.
    scenario(base(json!({"1": {"log": [1, 1, 2]}, "2": {"log": [1, 1, 3, 3]}, "3": {"log": [1]}}))).unwrap();
}

#[test]
fn scenarios_with_initial_state_round_trip_and_old_ones_write_nothing_new() {
    let s = builtin::by_name("figure-7").unwrap();
    assert_eq!(Scenario::from_json(&s.to_json()).unwrap(), s);
    let plain = builtin::by_name("crash-example").unwrap().to_json();
    assert!(!plain.contains("\"servers\"") && !plain.contains("\"expect\""));
}

// ----- Per-server election timeouts -------------------------------------------------------

#[test]
fn a_servers_own_election_timeout_overrides_the_clusters() {
    let s = scenario(json!({
        "name": "own-timeout", "nodes": 5, "duration_ms": 3000,
        "raft": {"election_timeout_ms": [1000, 2000]},
        "servers": {"4": {"election_timeout_ms": [50, 60]}},
        "timeline": [{"at_ms": 1500, "action": "crash", "node": 4}, {"at_ms": 1600, "action": "restart", "node": 4}]
    }))
    .unwrap();
    let mut sim = Simulation::new(&s).unwrap();
    let s4 = sim.node(4).unwrap().raft.as_ref().unwrap().config().clone();
    assert_eq!((s4.election_timeout_min, s4.election_timeout_max), (us(50.0), us(60.0)));
    let s1 = sim.node(1).unwrap().raft.as_ref().unwrap().config().clone();
    assert_eq!((s1.election_timeout_min, s1.election_timeout_max), (us(1000.0), us(2000.0)));
    sim.run_until(ms_to_us(200.0));
    let first = sim.milestones().iter().find_map(|m| match m.kind {
        MilestoneKind::Election { node, term } => Some((node, term, m.time_us)),
        _ => None,
    });
    let (node, term, at) = first.expect("an election before 200 ms");
    assert_eq!((node, term), (4, 1));
    assert!((us(50.0)..=us(60.0)).contains(&at), "S4 times out within its own range: {at}");
    assert_eq!(sim.leader(), Some(4));
    sim.run_to_end();
    // Restarted from its disk, S4 keeps its own settings.
    let s4 = sim.node(4).unwrap().raft.as_ref().unwrap().config().clone();
    assert_eq!(s4.election_timeout_min, us(50.0));
    refused(
        json!({"name": "bad", "nodes": 3, "servers": {"2": {"election_timeout_ms": [300, 100]}}}),
        "servers.2.election_timeout_ms",
        "greater than maximum",
    );
    refused(
        json!({"name": "bad", "nodes": 3, "servers": {"2": {"election_timeout_ms": [0, 100]}}}),
        "servers.2.election_timeout_ms[0]",
        "between 1 and",
    );
}

/// Align and Spread set each timer within its server's own range: aligned timers fire together
/// at the latest minimum (no server before its own), spread ones each within their range.
#[test]
fn align_and_spread_timers_respect_a_servers_own_election_timeout() {
    // S2 leads first (S3's range is long); it crashes at 500 ms, and at 600 ms (its last
    // heartbeats delivered) the two followers' timers are set.
    let sim_with = |action: &str| {
        let s = scenario(json!({
            "name": "own-timeout-align", "nodes": 3, "seed": 2, "duration_ms": 3000,
            "servers": {"3": {"election_timeout_ms": [1000, 1200]}},
            "timeline": [{"at_ms": 500, "action": "crash_leader"}, {"at_ms": 600, "action": action}]
        }))
        .unwrap();
        Simulation::new(&s).unwrap()
    };
    let role = |sim: &Simulation, id| sim.node(id).unwrap().raft.as_ref().unwrap().role();
    let mut aligned = sim_with("align_timers");
    aligned.run_until(us(1599.999));
    assert_eq!((role(&aligned, 1), role(&aligned, 3)), (Role::Follower, Role::Follower), "S1 waits for S3's minimum");
    aligned.run_until(us(1600.0));
    assert_eq!((role(&aligned, 1), role(&aligned, 3)), (Role::Candidate, Role::Candidate), "together at 1600 ms");
    let mut spread = sim_with("spread_timers");
    spread.run_until(us(900.0));
    let first = spread.milestones().iter().find_map(|m| match m.kind {
        MilestoneKind::Election { node, .. } if m.time_us > us(600.0) => Some((node, m.time_us)),
        _ => None,
    });
    let (node, at) = first.expect("an election soon after 600 ms");
    assert_eq!(node, 1, "the server with the short range times out first");
    assert!((us(750.0)..=us(900.0)).contains(&at), "within its own 150-300 ms: {at}");
    assert_eq!(role(&spread, 3), Role::Follower, "S3 waits within its own range");
}

// ----- Workload actions -------------------------------------------------------------------

fn workload(timeline: Value) -> Scenario {
    scenario(json!({
        "name": "clients", "nodes": 3, "seed": 3, "duration_ms": 4000,
        "workload": {"clients": 2, "interval_ms": 20, "keys": 3},
        "timeline": timeline
    }))
    .unwrap()
}

fn invoked_by(sim: &Simulation, client: u64, from_ms: f64, to_ms: f64) -> Vec<raft_sim::workload::HistoryOp> {
    sim.history()
        .iter()
        .filter(|h| h.client == client && (ms_to_us(from_ms)..ms_to_us(to_ms)).contains(&h.invoked_us))
        .cloned()
        .collect()
}

#[test]
fn clients_stop_start_and_change_mid_run() {
    let mut sim = Simulation::new(&workload(json!([
        {"at_ms": 1000, "action": "stop_clients", "clients": [2]},
        {"at_ms": 2000, "action": "start_clients"},
        {"at_ms": 2500, "action": "change_clients", "clients": [1], "keys": 1, "get_ratio": 0.0, "interval_ms": 300}
    ])))
    .unwrap();
    sim.run_to_end();
    assert!(!invoked_by(&sim, 2, 500.0, 1000.0).is_empty(), "client 2 runs before the stop");
    assert!(invoked_by(&sim, 2, 1000.0, 2000.0).is_empty(), "stopped: nothing sent between 1 and 2 s");
    assert!(!invoked_by(&sim, 1, 1000.0, 2000.0).is_empty(), "client 1 was not stopped");
    assert!(!invoked_by(&sim, 2, 2000.0, 2500.0).is_empty(), "started again at 2 s");
    let changed = invoked_by(&sim, 1, 2501.0, 4000.0);
    // Closed loop: a request, its answer (a round trip and a commit), then 300 ms of pause.
    assert!((3..=5).contains(&changed.len()), "every 300 ms now: {}", changed.len());
    assert!(invoked_by(&sim, 2, 2501.0, 4000.0).len() > 10, "client 2 keeps its 20 ms");
    assert!(changed.iter().all(|h| h.op.to_string().starts_with("k0=")), "puts on k0 only");
    let before = invoked_by(&sim, 1, 0.0, 2500.0);
    assert!(before.iter().any(|h| !h.op.to_string().starts_with("k0=")), "three keys before the change");
    assert!(sim.violations().is_empty());
}

#[test]
fn change_clients_sends_the_next_request_to_the_server_named() {
    let mut sim = Simulation::new(&workload(json!([
        {"at_ms": 1000, "action": "stop_clients"},
        {"at_ms": 1500, "action": "change_clients", "node": 3},
        {"at_ms": 1600, "action": "crash_leader"},
        {"at_ms": 1600, "action": "start_clients"}
    ])))
    .unwrap();
    sim.set_record_trace(true);
    sim.run_to_end();
    let sent: Vec<String> = sim
        .trace()
        .iter()
        .filter(|e| e.time_us == ms_to_us(1600.0))
        .map(|e| e.to_string())
        .filter(|t| t.contains(" sends "))
        .collect();
    assert_eq!(sent.len(), 2, "both clients send as they start: {sent:?}");
    assert!(sent.iter().all(|t| t.ends_with("to S3")), "{sent:?}");
}

#[test]
fn workload_actions_are_validated_naming_the_field() {
    let bad = |action: Value| json!({"name": "bad", "nodes": 3, "workload": {"clients": 2}, "timeline": [action]});
    refused(
        bad(json!({"at_ms": 1, "action": "stop_clients", "clients": [3]})),
        "timeline[0].clients[0]",
        "does not exist",
    );
    refused(bad(json!({"at_ms": 1, "action": "start_clients", "clients": [1, 1]})), "timeline[0].clients[1]", "twice");
    refused(bad(json!({"at_ms": 1, "action": "change_clients", "keys": 0})), "timeline[0].keys", "between 1 and 1000");
    refused(
        bad(json!({"at_ms": 1, "action": "change_clients", "get_ratio": 2})),
        "timeline[0].get_ratio",
        "probability",
    );
    refused(bad(json!({"at_ms": 1, "action": "change_clients", "node": 4})), "timeline[0].node", "does not exist");
    refused(
        bad(json!({"at_ms": 1, "action": "change_clients", "interval_ms": 0})),
        "timeline[0].interval_ms",
        "between",
    );
    refused(bad(json!({"at_ms": 1, "action": "stop_clients", "node": 1})), "timeline[0].node", "unknown field");
    refused(
        json!({"name": "bad", "nodes": 3, "timeline": [{"at_ms": 1, "action": "stop_clients"}]}),
        "timeline[0]",
        "no workload clients",
    );
}

// ----- expect -------------------------------------------------------------------------------

#[test]
fn expect_checks_claims_at_their_moment_and_says_what_was_seen() {
    let mut s = builtin::by_name("first-election").unwrap();
    let claims = json!([
        {"at_ms": 0, "check": "no_leader"},
        {"check": "leader", "term": 1},
        {"check": "leader", "node": 9},
        {"check": "term_at_least", "term": 50},
        {"at_ms": 999999, "check": "no_violation"}
    ]);
    let mut v: Value = serde_json::from_str(&s.to_json()).unwrap();
    v["expect"] = claims.clone();
    refused(v.clone(), "expect[2].node", "does not exist");
    v["expect"][2] = json!({"check": "votes", "node": 1, "granted": [1, 4]});
    refused(v.clone(), "expect[2].granted[1]", "does not exist");
    v["expect"][2] = json!({"check": "next_index", "leader": 1, "follower": 0, "index": 1});
    refused(v.clone(), "expect[2].follower", "does not exist");
    v["expect"][2] = json!({"check": "violation", "property": "ElectionSafety"});
    refused(v.clone(), "expect[2].property", "unknown property");
    v["expect"][2] = json!({"at_ms": -1, "check": "no_leader"});
    refused(v.clone(), "expect[2].at_ms", "time of the run");
    v["expect"][2] = json!({"check": "no_violation", "at_ms": 0, "bogus": 1});
    refused(v.clone(), "expect[2].bogus", "unknown field");
    v["expect"][2] = json!({"check": "no_violation"});
    s = scenario(v).unwrap();
    let mut sim = Simulation::new(&s).unwrap();
    let outcomes = run_checking(&mut sim, u64::MAX, |_| {});
    assert_eq!(outcomes.len(), 5);
    assert!(outcomes[0].holds && outcomes[0].at_ms == 0.0);
    assert!(outcomes[1].holds, "{:?}", outcomes[1]);
    assert_eq!(outcomes[1].at_ms, s.duration_ms, "without at_ms: at the end");
    assert!(outcomes[2].holds);
    assert!(!outcomes[3].holds && outcomes[3].failed());
    assert!(outcomes[3].seen.contains("term"), "{}", outcomes[3].seen);
    assert!(!outcomes[4].reached && !outcomes[4].failed(), "past the end: not checked");
    assert_eq!(sim.now(), ms_to_us(s.duration_ms), "the run goes on to its end");
}

#[test]
fn expect_sees_the_same_run_as_without_it() {
    let s = builtin::by_name("figure-7").unwrap();
    let mut plain = s.clone();
    plain.expect.clear();
    let mut a = Simulation::new(&s).unwrap();
    let outcomes = run_checking(&mut a, u64::MAX, |_| {});
    assert!(outcomes.iter().all(|o| o.holds), "{outcomes:?}");
    let mut b = Simulation::new(&plain).unwrap();
    b.run_to_end();
    assert_eq!(a.trace_hash(), b.trace_hash(), "checking claims does not steer the run");
}

// ----- Events -------------------------------------------------------------------------------

#[test]
fn the_event_stream_reports_elections_commits_crashes_partitions_and_violations() {
    let mut s = builtin::by_name("crash-example").unwrap();
    s.timeline.push(raft_sim::TimedAction { at_ms: 2500.0, action: Action::Partition { groups: vec![vec![1, 2]] } });
    s.timeline.push(raft_sim::TimedAction { at_ms: 2700.0, action: Action::Heal });
    let crashed = s.timeline.iter().find_map(|t| match t.action {
        Action::Crash { node, .. } => Some(node),
        _ => None,
    });
    let crashed = crashed.expect("crash-example crashes a server");
    s.timeline.push(raft_sim::TimedAction { at_ms: 2800.0, action: Action::Restart { node: crashed } });
    let mut sim = Simulation::new(&s).unwrap();
    let mut watch = RunEvents::new(&sim);
    let mut lines = Vec::new();
    run_checking(&mut sim, u64::MAX, |sim| watch.poll(sim, &mut lines));
    let kinds: Vec<&str> = lines.iter().map(|l| l["kind"].as_str().unwrap()).collect();
    for kind in ["election", "leader", "commit", "crash", "restart", "network", "healed"] {
        assert!(kinds.contains(&kind), "{kind} in {kinds:?}");
    }
    let times: Vec<f64> = lines.iter().map(|l| l["at_ms"].as_f64().unwrap()).collect();
    assert!(times.windows(2).all(|w| w[0] <= w[1]), "in order: {times:?}");
    let leaders: Vec<(u64, u64)> = lines
        .iter()
        .filter(|l| l["kind"] == "leader")
        .map(|l| (l["node"].as_u64().unwrap(), l["term"].as_u64().unwrap()))
        .collect();
    let from_milestones: Vec<(u64, u64)> = sim
        .milestones()
        .iter()
        .filter_map(|m| match m.kind {
            MilestoneKind::Leader { node, term, .. } => Some((node as u64, term)),
            _ => None,
        })
        .collect();
    assert_eq!(leaders, from_milestones);
    let partition = lines.iter().find(|l| l["kind"] == "network" && l["at_ms"] == json!(2500.0)).unwrap();
    assert_eq!(partition["groups"], json!([[1, 2], [3, 4, 5]]));
    assert!(lines.iter().any(|l| l["kind"] == "healed" && l["at_ms"] == json!(2700.0)));

    let mut sim = Simulation::new(&builtin::by_name("figure-8-unsafe").unwrap()).unwrap();
    let mut watch = RunEvents::new(&sim);
    let mut lines = Vec::new();
    run_checking(&mut sim, u64::MAX, |sim| watch.poll(sim, &mut lines));
    let violations: Vec<&Value> = lines.iter().filter(|l| l["kind"] == "violation").collect();
    assert_eq!(violations.len(), sim.violations().len());
    assert!(violations[0]["property"].is_string() && violations[0]["message"].is_string());
    let stepped: Vec<&Value> = lines.iter().filter(|l| l["kind"] == "stepped_down").collect();
    assert!(stepped.iter().all(|l| l["role"] != json!(Role::Leader.to_string())));
}
