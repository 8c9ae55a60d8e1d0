//! Issue 16's scenario format additions: role targets ("leader", "a follower"), triggers and
//! message rules. Each resolves, fires or matches as docs/scenario-format.md says, is written
//! into the trace, and bad input is refused naming the field.
mod common;

use raft_sim::network::{Endpoint, LossCause};
use raft_sim::sim::{MilestoneKind, NodeStatus};
use raft_sim::trace::What;
use raft_sim::{Scenario, ScenarioError, Simulation};
use serde_json::{json, Value};

fn scenario(extra: Value) -> Scenario {
    let mut doc = json!({"name": "additions", "nodes": 5, "seed": 7, "duration_ms": 3000});
    for (k, v) in extra.as_object().expect("an object") {
        doc[k] = v.clone();
    }
    Scenario::from_json(&doc.to_string()).unwrap_or_else(|e| panic!("{e}\n{doc}"))
}

fn refused(extra: Value) -> ScenarioError {
    let mut doc = json!({"name": "additions", "nodes": 5, "seed": 7});
    for (k, v) in extra.as_object().expect("an object") {
        doc[k] = v.clone();
    }
    Scenario::from_json(&doc.to_string()).expect_err("must be refused")
}

fn lines(sim: &Simulation) -> Vec<String> {
    sim.trace().iter().map(|e| e.to_string()).collect()
}

/// The leader at `ms` in the run of `s` without its timeline and triggers (the same run up
/// to the first action).
fn leader_at(s: &Scenario, ms: u64) -> u32 {
    let mut bare = s.clone();
    bare.timeline.clear();
    bare.triggers.clear();
    let mut sim = Simulation::new(&bare).expect("valid");
    sim.run_until(ms * 1000);
    sim.leader().expect("a leader by then")
}

fn followers_at(s: &Scenario, ms: u64) -> Vec<u32> {
    let mut bare = s.clone();
    bare.timeline.clear();
    bare.triggers.clear();
    let mut sim = Simulation::new(&bare).expect("valid");
    sim.run_until(ms * 1000);
    sim.role_holders().followers
}

// ----- Role targets ------------------------------------------------------------------------

#[test]
fn leader_resolves_to_the_leader_when_the_action_runs_and_the_trace_says_which() {
    let s = scenario(json!({"timeline": [{"at_ms": 1000, "action": "crash", "node": "leader"}]}));
    let leader = leader_at(&s, 1000);
    let sim = common::run_scenario(&s);
    for n in sim.nodes() {
        let crashed = matches!(n.status, NodeStatus::Crashed(_));
        assert_eq!(crashed, n.id == leader, "S{} crashed: {crashed}; the leader at 1000 ms was S{leader}", n.id);
    }
    let lines = lines(&sim);
    let said = format!("crash: node \"leader\" = S{leader} (runs as {{\"action\":\"crash\",\"node\":{leader},");
    assert!(lines.iter().any(|l| l.contains(&said)), "no trace line {said:?} in\n{}", lines.join("\n"));
}

#[test]
fn the_leader_and_one_follower_is_the_leader_and_the_lowest_id_running_follower() {
    let s =
        scenario(json!({"timeline": [{"at_ms": 1000, "action": "partition", "groups": [["leader", "a follower"]]}]}));
    let leader = leader_at(&s, 1000);
    let follower = *followers_at(&s, 1000).iter().min().expect("followers");
    let mut sim = Simulation::new(&s).expect("valid");
    sim.run_until(1_000_001);
    let mut pair = vec![leader, follower];
    pair.sort_unstable();
    let rest: Vec<u32> = (1..=5).filter(|n| !pair.contains(n)).collect();
    assert_eq!(sim.network().groups(), Some(vec![pair, rest]));
}

#[test]
fn two_followers_in_one_action_are_two_different_servers() {
    let s = scenario(json!({"timeline": [{"at_ms": 1000, "action": "cut", "from": "a follower", "to": "a follower"}]}));
    let mut followers = followers_at(&s, 1000);
    followers.sort_unstable();
    let mut sim = Simulation::new(&s).expect("valid");
    sim.run_until(1_000_001);
    let cuts: Vec<(u32, u32)> = sim.network().cuts().iter().copied().collect();
    assert_eq!(cuts, vec![(followers[0], followers[1])]);
    // A follower named by id is not picked again by "a follower".
    let s = scenario(json!({"timeline": [
        {"at_ms": 1000, "action": "cut", "from": followers[0], "to": "a follower"}
    ]}));
    let mut sim = Simulation::new(&s).expect("valid");
    sim.run_until(1_000_001);
    let cuts: Vec<(u32, u32)> = sim.network().cuts().iter().copied().collect();
    assert_eq!(cuts, vec![(followers[0], followers[1])]);
}

#[test]
fn a_role_nobody_holds_skips_the_action_and_says_why() {
    // At 0 ms nobody leads yet.
    let s = scenario(json!({"timeline": [
        {"at_ms": 0, "action": "crash", "node": "leader"},
        {"at_ms": 0, "action": "isolate", "node": "leader"}
    ]}));
    let sim = common::run_scenario(&s);
    assert!(sim.nodes().iter().all(|n| n.status == NodeStatus::Up), "nothing crashed");
    assert!(sim.network().cuts().is_empty(), "nothing isolated");
    let reasons: Vec<&str> = sim.refusals().iter().map(|(_, r)| r.as_str()).collect();
    assert_eq!(reasons, ["crash skipped: node: there is no leader", "isolate skipped: node: there is no leader"]);
    let skipped = sim
        .trace()
        .iter()
        .filter(|e| matches!(&e.what, What::Refused { reason } if reason.contains("skipped")))
        .count();
    assert_eq!(skipped, 2);
    // With every follower named or gone, "a follower" finds no one either.
    let s = scenario(json!({"nodes": 3, "timeline": [
        {"at_ms": 1000, "action": "partition", "groups": [["a follower"], ["a follower"], ["a follower"]]}
    ]}));
    let sim = common::run_scenario(&s);
    assert_eq!(sim.network().groups(), None, "the partition was skipped");
    assert!(sim.refusals()[0].1.contains("groups[2][0]: no running follower is left"), "{:?}", sim.refusals());
}

#[test]
fn roles_round_trip_and_runs_are_deterministic() {
    let s = scenario(json!({"timeline": [
        {"at_ms": 500, "action": "client", "node": "leader", "op": "put", "key": "k", "value": "v"},
        {"at_ms": 900, "action": "add_server", "node": "a follower", "via": "leader"},
        {"at_ms": 1000, "action": "set_faults", "node": "a follower", "drift": 0.1},
        {"at_ms": 1500, "action": "transfer_leadership", "node": "a follower"}
    ]}));
    let text = s.to_json();
    assert!(text.contains("\"leader\"") && text.contains("\"a follower\""), "{text}");
    assert_eq!(Scenario::from_json(&text).expect("reads back"), s);
    let (a, b) = (common::run_scenario(&s), common::run_scenario(&s));
    assert_eq!(a.trace_hash(), b.trace_hash());
    assert_eq!(lines(&a), lines(&b));
    let put = a.script_history().next().expect("the put was sent");
    assert!(put.completed_us.is_some(), "sent to the leader, it is answered: {put:?}");
}

#[test]
fn bad_role_targets_are_refused_naming_the_field() {
    let e = refused(json!({"timeline": [{"at_ms": 1, "action": "crash", "node": "the leader"}]}));
    assert_eq!(e.field, "timeline[0].node", "{e}");
    assert!(e.problem.contains("\"leader\", \"a follower\""), "{e}");
    let e = refused(json!({"timeline": [{"at_ms": 1, "action": "partition", "groups": [[1, "follower"]]}]}));
    assert_eq!(e.field, "timeline[0].groups[0][1]", "{e}");
    let e = refused(json!({"timeline": [{"at_ms": 1, "action": "partition", "groups": [["leader"], ["leader"]]}]}));
    assert_eq!(e.field, "timeline[0].groups[1][0]", "{e}");
    assert!(e.problem.contains("second time"), "{e}");
    let e = refused(json!({"nodes": 3, "timeline": [
        {"at_ms": 1, "action": "partition", "groups": [[1, 2], ["a follower", "leader"]]}
    ]}));
    assert_eq!(e.field, "timeline[0]", "{e}");
    assert!(e.problem.contains("more than the 3 servers"), "{e}");
    // Only actions take roles: a scenario's faults, a membership's voters and a check do not.
    let e = refused(json!({"faults": [{"node": "leader", "drift": 0.1}]}));
    assert_eq!(e.field, "faults[0].node", "{e}");
    let e = refused(json!({"timeline": [{"at_ms": 1, "action": "change_membership", "voters": ["leader", 2]}]}));
    assert_eq!(e.field, "timeline[0].voters[0]", "{e}");
    let e = refused(json!({"timeline": [{"at_ms": 1, "action": "crash", "node": -1}]}));
    assert_eq!(e.field, "timeline[0].node", "{e}");
    let e = refused(json!({"timeline": [{"at_ms": 1, "action": "crash", "node": 6}]}));
    assert_eq!(e.field, "timeline[0].node", "{e}");
}

// ----- Triggers ------------------------------------------------------------------------------

fn leaders(sim: &Simulation) -> Vec<(u64, u32)> {
    sim.milestones()
        .iter()
        .filter_map(|m| match m.kind {
            MilestoneKind::Leader { node, .. } => Some((m.time_us, node)),
            _ => None,
        })
        .collect()
}

#[test]
fn a_trigger_fires_once_by_default_after_its_delay_and_the_trace_says_so() {
    let put = json!({"action": "client", "node": "leader", "op": "put", "key": "k", "value": "v"});
    let crashes = json!([
        {"at_ms": 1000, "action": "crash_leader"},
        {"at_ms": 2000, "action": "crash_leader"}
    ]);
    let s = scenario(json!({
        "timeline": crashes,
        "triggers": [{"when": {"event": "becomes_leader"}, "delay_ms": 25, "do": put}]
    }));
    let sim = common::run_scenario(&s);
    let elected = leaders(&sim);
    assert!(elected.len() >= 3, "three leaders one after another: {elected:?}");
    let ops: Vec<_> = sim.script_history().collect();
    assert_eq!(ops.len(), 1, "once by default");
    assert_eq!(ops[0].invoked_us, elected[0].0 + 25_000, "25 ms after the first leader won");
    let lines = lines(&sim);
    let fired = format!("trigger 0 (a server becomes leader) fires (1 of 1): S{} became leader", elected[0].1);
    assert!(lines.iter().any(|l| l.contains(&fired)), "{fired:?} not in the trace");
    assert_eq!(lines.iter().filter(|l| l.contains("trigger 0 action:")).count(), 1);

    // `times` lets it fire again, once for each new leader.
    let mut s = s;
    s.triggers[0].times = 3;
    let sim = common::run_scenario(&s);
    let invoked: Vec<u64> = sim.script_history().map(|op| op.invoked_us).collect();
    let expected: Vec<u64> = leaders(&sim).iter().take(3).map(|(t, _)| t + 25_000).collect();
    assert_eq!(invoked, expected);
}

#[test]
fn triggers_on_candidates_commits_terms_and_messages() {
    // S2 is paused right when it commits index 3.
    let s = scenario(json!({
        "workload": {"clients": 1, "interval_ms": 50},
        "triggers": [{"when": {"event": "commits", "index": 3, "node": 2}, "do": {"action": "pause", "node": 2}}]
    }));
    let sim = common::run_scenario(&s);
    let s2 = sim.node(2).expect("S2");
    assert_eq!(s2.status, NodeStatus::Paused);
    assert_eq!(s2.raft.as_ref().map(|r| r.commit_index()), Some(3), "paused at the step that committed index 3");

    // The first candidate of term 1, and a term reached.
    let s = scenario(json!({"triggers": [
        {"when": {"event": "becomes_candidate"}, "do": {"action": "crash", "node": "leader"}},
        {"when": {"event": "term_reached", "term": 2}, "do": {"action": "heal"}}
    ]}));
    let sim = common::run_scenario(&s);
    let traced = lines(&sim);
    let first = sim.milestones().iter().find_map(|m| match m.kind {
        MilestoneKind::Election { node, term } => Some((node, term)),
        _ => None,
    });
    let (node, term) = first.expect("an election");
    let said =
        format!("trigger 0 (a server becomes candidate) fires (1 of 1): S{node} became candidate in term {term}");
    assert!(traced.iter().any(|l| l.contains(&said)), "{said:?}");
    assert!(traced.iter().any(|l| l.contains("crash skipped: node: there is no leader")), "nobody led yet");
    // Nothing in this run reaches term 2 (one election, no crash): the second never fires.
    assert!(!traced.iter().any(|l| l.contains("trigger 1")), "term 2 is never reached");

    // The leader crashes right after it sends TimeoutNow.
    let s = scenario(json!({
        "timeline": [{"at_ms": 1000, "action": "transfer_leadership", "node": "a follower"}],
        "triggers": [{"when": {"event": "message_sent", "kind": "TimeoutNow"}, "do": {"action": "crash", "node": "leader"}}]
    }));
    let leader = leader_at(&s, 1000);
    let sim = common::run_scenario(&s);
    assert!(matches!(sim.node(leader).expect("leader").status, NodeStatus::Crashed(_)));
    let lines = lines(&sim);
    assert!(lines.iter().any(|l| l.contains(&format!("S{leader} sent TimeoutNow to S"))), "the firing is traced");
}

#[test]
fn a_trigger_that_never_fires_and_a_rule_that_matches_nothing_change_nothing() {
    // A rule for a kind nobody sends: the run is the one with a no-op action at that moment.
    let noop = scenario(json!({"timeline": [{"at_ms": 500, "action": "heal"}]}));
    let rule = scenario(json!({"timeline": [
        {"at_ms": 500, "action": "message_rule", "rule": "drop", "kind": "InstallSnapshot"}
    ]}));
    assert_eq!(common::run_scenario(&noop).trace_hash(), common::run_scenario(&rule).trace_hash());
    let never = scenario(json!({
        "timeline": [{"at_ms": 500, "action": "heal"}],
        "triggers": [{"when": {"event": "term_reached", "term": 50}, "do": {"action": "heal"}}]
    }));
    assert_eq!(common::run_scenario(&noop).trace_hash(), common::run_scenario(&never).trace_hash());
}

#[test]
fn bad_triggers_are_refused_naming_the_field() {
    let heal = json!({"action": "heal"});
    let cases = [
        (json!({"when": {"event": "wins"}, "do": heal}), "triggers[0].when.event", "unknown event"),
        (json!({"when": {"event": "commits"}, "do": heal}), "triggers[0].when.index", "missing"),
        (json!({"when": {"event": "commits", "index": 0}, "do": heal}), "triggers[0].when.index", "at least 1"),
        (json!({"when": {"event": "term_reached", "term": 0}, "do": heal}), "triggers[0].when.term", "at least 1"),
        (
            json!({"when": {"event": "becomes_leader", "index": 2}, "do": heal}),
            "triggers[0].when.index",
            "unknown field",
        ),
        (
            json!({"when": {"event": "becomes_leader", "node": 6}, "do": heal}),
            "triggers[0].when.node",
            "does not exist",
        ),
        (
            json!({"when": {"event": "message_sent", "kind": "Hello"}, "do": heal}),
            "triggers[0].when.kind",
            "unknown name",
        ),
        (json!({"when": {"event": "becomes_leader"}, "times": 0, "do": heal}), "triggers[0].times", "between 1"),
        (json!({"when": {"event": "becomes_leader"}, "delay_ms": -1, "do": heal}), "triggers[0].delay_ms", "between"),
        (json!({"when": {"event": "becomes_leader"}}), "triggers[0].do", "missing"),
        (
            json!({"when": {"event": "becomes_leader"}, "do": {"at_ms": 5, "action": "heal"}}),
            "triggers[0].do.at_ms",
            "unknown field",
        ),
        (
            json!({"when": {"event": "becomes_leader"}, "do": {"action": "crash", "node": 9}}),
            "triggers[0].do.node",
            "does not exist",
        ),
        (json!({"when": {"event": "becomes_leader"}, "do": heal, "once": true}), "triggers[0].once", "unknown field"),
    ];
    for (trigger, field, says) in cases {
        let e = refused(json!({"triggers": [trigger]}));
        assert_eq!(e.field, field, "{e}");
        assert!(e.problem.contains(says), "{e} (expected it to say {says:?})");
    }
}

// ----- Message rules --------------------------------------------------------------------------

/// Message ids a rule acted on, with the time (µs) of the trace line.
fn ruled(sim: &Simulation, verb: &str) -> Vec<(u64, u64, String)> {
    sim.trace()
        .iter()
        .filter_map(|e| match &e.what {
            What::Notice { text } if text.starts_with("message rule 1 ") && text.contains(verb) => {
                let id = text.rsplit('#').next()?.parse().ok()?;
                Some((e.time_us, id, text.clone()))
            }
            _ => None,
        })
        .collect()
}

#[test]
fn a_drop_rule_drops_only_what_it_matches_in_its_window() {
    let probe = scenario(json!({}));
    let leader = leader_at(&probe, 1000);
    let follower = *followers_at(&probe, 1000).iter().min().expect("followers");
    let s = scenario(json!({"timeline": [{
        "at_ms": 1000, "action": "message_rule", "rule": "drop", "kind": "AppendEntries",
        "from": leader, "to": follower, "for_ms": 200
    }]}));
    let sim = common::run_scenario(&s);
    let dropped = ruled(&sim, "drops");
    assert!(dropped.len() >= 3, "heartbeats every 50 ms for 200 ms: {dropped:?}");
    for (t, _, text) in &dropped {
        assert!((1_000_000..1_200_000).contains(t), "sent in the window: {t} {text}");
        assert!(text.contains(&format!("S{leader} -> S{follower} AppendEntries")), "{text}");
    }
    // Each is reported as a loss with its own cause, and nothing else is.
    let mut lost: Vec<u64> = sim
        .trace()
        .iter()
        .filter_map(|e| match &e.what {
            What::Dropped { message, cause: LossCause::MessageRule, .. } => Some(*message),
            _ => None,
        })
        .collect();
    lost.sort_unstable();
    let ids: Vec<u64> = dropped.iter().map(|(_, id, _)| *id).collect();
    assert_eq!(lost, ids);
    // AppendEntries from the leader still reach the others, and this follower again after.
    let delivered = |to: u32, from_us: u64, until_us: u64| {
        sim.trace().iter().any(|e| {
            matches!(&e.what, What::Delivered { from: Endpoint::Node(f), to: Endpoint::Node(t), kind: "AppendEntries", .. }
                if *f == leader && *t == to)
                && (from_us..until_us).contains(&e.time_us)
        })
    };
    let other = (1..=5).find(|&n| n != leader && n != follower).expect("another server");
    assert!(delivered(other, 1_050_000, 1_200_000), "the rule matches one receiver only");
    assert!(!delivered(follower, 1_030_000, 1_200_000), "none reach the follower in the window");
    assert!(delivered(follower, 1_200_000, 1_400_000), "the rule ends after 200 ms");
}

#[test]
fn delay_and_duplicate_rules_shape_what_they_match() {
    let probe = scenario(json!({}));
    let leader = leader_at(&probe, 1000);
    let s = scenario(json!({"timeline": [{
        "at_ms": 1000, "action": "message_rule", "rule": "delay", "delay_ms": 100,
        "from": "leader", "kind": "AppendEntries", "for_ms": 100
    }]}));
    let mut sim = Simulation::new(&s).expect("valid");
    sim.set_record_trace(true);
    sim.run_until(1_090_000);
    let delayed: Vec<_> = sim
        .in_flight()
        .filter(|m| m.from == Endpoint::Node(leader) && m.sent_us >= 1_000_000)
        .map(|m| (m.id, m.arrive_us - m.sent_us))
        .collect();
    assert!(!delayed.is_empty());
    for (id, took) in &delayed {
        assert!(*took >= 100_000 + 10_000, "message #{id} takes the latency and 100 ms more: {took} µs");
    }
    assert!(ruled(&sim, "delays by 100 ms").len() >= delayed.len());

    let s = scenario(json!({"timeline": [{
        "at_ms": 1000, "action": "message_rule", "rule": "duplicate", "kind": "AppendEntries",
        "from": "leader", "to": "a follower", "for_ms": 120
    }]}));
    let sim = common::run_scenario(&s);
    let copied = ruled(&sim, "duplicates");
    assert!(copied.len() >= 2, "{copied:?}");
    for (_, id, text) in &copied {
        // The original and its copy (the next id) both reach the follower.
        let arrived = |want: u64| {
            sim.trace()
                .iter()
                .filter(|e| matches!(&e.what, What::Delivered { message, .. } if *message == want))
                .count()
        };
        assert_eq!((arrived(*id), arrived(id + 1)), (1, 1), "{text}");
    }
}

#[test]
fn a_trigger_can_start_a_rule() {
    // "When S1's successor is elected, drop its AppendEntries to every other server for 300 ms."
    let s = scenario(json!({
        "timeline": [{"at_ms": 1000, "action": "crash_leader"}],
        "triggers": [{"when": {"event": "becomes_leader"}, "times": 2,
            "do": {"action": "message_rule", "rule": "drop", "from": "leader", "kind": "AppendEntries", "for_ms": 300}}]
    }));
    let sim = common::run_scenario(&s);
    let lines = lines(&sim);
    assert_eq!(lines.iter().filter(|l| l.contains("in force: drop AppendEntries")).count(), 2, "one rule per leader");
}

#[test]
fn bad_message_rules_are_refused_naming_the_field() {
    let rule = |extra: Value| {
        let mut action = json!({"at_ms": 1, "action": "message_rule"});
        for (k, v) in extra.as_object().expect("object") {
            action[k] = v.clone();
        }
        refused(json!({"timeline": [action]}))
    };
    let cases = [
        (json!({}), "timeline[0].rule", "missing"),
        (json!({"rule": "lose"}), "timeline[0].rule", "unknown name"),
        (json!({"rule": "delay"}), "timeline[0].delay_ms", "is missing"),
        (json!({"rule": "delay", "delay_ms": 0}), "timeline[0].delay_ms", "between"),
        (json!({"rule": "drop", "delay_ms": 5}), "timeline[0].delay_ms", "only a delay rule"),
        (json!({"rule": "drop", "kind": "Heartbeat"}), "timeline[0].kind", "unknown name"),
        (json!({"rule": "drop", "from": 8}), "timeline[0].from", "does not exist"),
        (json!({"rule": "drop", "to": "everyone"}), "timeline[0].to", "a role"),
        (json!({"rule": "drop", "for_ms": -3}), "timeline[0].for_ms", "between"),
        (json!({"rule": "drop", "until_ms": 30}), "timeline[0].until_ms", "unknown field"),
        (json!({"rule": "drop", "node": 1}), "timeline[0].node", "unknown field"),
    ];
    for (extra, field, says) in cases {
        let e = rule(extra);
        assert_eq!(e.field, field, "{e}");
        assert!(e.problem.contains(says), "{e} (expected it to say {says:?})");
    }
}

#[test]
fn triggers_and_rules_round_trip_through_json() {
    let s = scenario(json!({
        "timeline": [{"at_ms": 100, "action": "message_rule", "rule": "delay", "delay_ms": 5, "to": "leader"}],
        "triggers": [
            {"when": {"event": "becomes_leader", "node": 2}, "delay_ms": 10, "times": 3, "do": {"action": "heal"}},
            {"when": {"event": "becomes_candidate"}, "do": {"action": "timeout", "node": 1}},
            {"when": {"event": "commits", "index": 4}, "do": {"action": "crash", "node": "a follower", "mode": "stop"}},
            {"when": {"event": "term_reached", "term": 3, "node": 1}, "do": {"action": "message_rule", "rule": "duplicate"}},
            {"when": {"event": "message_sent", "kind": "PreVote", "from": 1, "to": 2}, "do": {"action": "heal"}}
        ]
    }));
    let text = s.to_json();
    assert_eq!(Scenario::from_json(&text).unwrap_or_else(|e| panic!("{e}\n{text}")), s);
    assert_eq!(s.triggers.len(), 5);
    assert_eq!(s.triggers[1].times, 1, "once by default");
}

#[test]
fn change_clients_can_send_the_next_requests_to_the_leader() {
    // "Send the request to the leader": change_clients' `node` takes a role like any server field.
    let s = scenario(json!({
        "workload": {"clients": 1, "interval_ms": 50},
        "timeline": [{"at_ms": 1000, "action": "change_clients", "node": "leader"}]
    }));
    let leader = leader_at(&s, 1000);
    let sim = common::run_scenario(&s);
    let said = format!("change_clients: node \"leader\" = S{leader} (runs as ");
    let lines = lines(&sim);
    assert!(lines.iter().any(|l| l.contains(&said)), "no trace line {said:?} in\n{}", lines.join("\n"));
    let back = Scenario::from_json(&serde_json::to_string(&s).expect("writes")).expect("reads back");
    assert_eq!(back, s, "the role is written back as a role");
}
