//! Strict parsing everywhere (issue 12, point 3): objects only where objects are documented,
//! names only where names are, unknown fields refused for every action and check, one entry
//! per server, and every field of a run document checked against the run it replays. Each
//! refusal names the field.
use raft_core::NodeId;
use raft_sim::byzantine::Behaviour;
use raft_sim::scenario::{Action, ClientOpKind, CrashMode, NodeFaults, TimingModel};
use raft_sim::session::{Session, Target};
use raft_sim::shape;
use raft_sim::share::{RunDocument, View};
use raft_sim::tour::{Check, Tour};
use raft_sim::{builtin, Scenario, ScenarioError};
use serde_json::{json, Value};

fn scenario_err(text: &str) -> ScenarioError {
    Scenario::from_json(text).expect_err("must be refused")
}

/// A scenario with `extra` merged in at the top level.
fn with(extra: Value) -> String {
    let mut doc = json!({"name": "m", "nodes": 3});
    for (k, v) in extra.as_object().expect("an object") {
        doc[k] = v.clone();
    }
    doc.to_string()
}

fn assert_refused(text: &str, field: &str, says: &str) {
    let e = scenario_err(text);
    assert_eq!(e.field, field, "{e}");
    assert!(e.problem.contains(says), "{e} (expected it to say {says:?})");
}

/// One of every action, with every optional field given.
fn every_action() -> Vec<Action> {
    let faults = NodeFaults {
        node: 2,
        send_omission: 0.1,
        receive_omission: 0.2,
        drift: 0.05,
        byzantine: vec![Behaviour::InflateTerm],
    };
    vec![
        Action::Crash { node: 1, mode: CrashMode::Amnesia },
        Action::CrashLeader { mode: CrashMode::Stop },
        Action::Restart { node: 1 },
        Action::Pause { node: 1 },
        Action::Resume { node: 1 },
        Action::Partition { groups: vec![vec![1], vec![2, 3]] },
        Action::Cut { from: 1, to: 2 },
        Action::Isolate { node: 3 },
        Action::Heal,
        Action::SetNetwork {
            latency_ms: Some([1.0, 2.0]),
            loss: Some(0.1),
            duplicate: Some(0.1),
            reorder: Some(0.1),
            timing: Some(TimingModel::PartiallySynchronous { gst_ms: 500.0, tail_probability: 0.3 }),
        },
        Action::SetFaults(faults),
        Action::Timeout { node: 2 },
        Action::Client {
            node: 1,
            op: ClientOpKind::Put,
            key: "k".into(),
            value: Some("v".into()),
            retry_ms: Some(250.0),
        },
        Action::DropMessage { message: 7 },
        Action::DuplicateMessage { message: 7 },
        Action::ManualDelivery { on: true },
        Action::DeliverMessage { message: 7 },
        Action::AlignTimers,
        Action::SpreadTimers,
        Action::TransferLeadership { node: 2 },
        Action::AddServer { node: 3, via: Some(1) },
        Action::RemoveServer { node: 3, via: Some(1) },
        Action::ChangeMembership { voters: vec![1, 2], via: Some(1) },
        Action::MessageRule(raft_sim::scenario::message_rule::MessageRule {
            rule: raft_sim::scenario::message_rule::RuleEffect::Delay,
            kind: Some("AppendEntries".into()),
            from: Some(1),
            to: Some(2),
            delay_ms: Some(5.0),
            for_ms: Some(100.0),
        }),
        Action::StopClients { clients: Some(vec![2]) },
        Action::StartClients { clients: Some(vec![1, 2]) },
        Action::ChangeClients {
            clients: Some(vec![1]),
            interval_ms: Some(20.0),
            keys: Some(5),
            get_ratio: Some(0.5),
            node: Some(3),
        },
    ]
}

fn timeline_of(actions: &[Action]) -> Value {
    let mut s = Scenario::new("every-action", 3, 1);
    s.members = Some(vec![1, 2]);
    s.workload = Some(raft_sim::scenario::Workload { clients: 2, ..Default::default() });
    for (i, a) in actions.iter().enumerate() {
        s = s.at(100.0 * (i + 1) as f64, a.clone());
    }
    serde_json::to_value(&s).expect("serializes")
}

#[test]
fn every_action_kind_is_in_the_shapes_and_round_trips() {
    let actions = every_action();
    let mut kinds: Vec<&str> = actions.iter().map(Action::kind).collect();
    let mut shaped: Vec<&str> = shape::ACTIONS.kinds.iter().map(|(k, _)| *k).collect();
    kinds.sort_unstable();
    shaped.sort_unstable();
    assert_eq!(kinds, shaped, "every action has a shape, and the test lists every action");
    let doc = timeline_of(&actions);
    let parsed = Scenario::from_json(&doc.to_string()).expect("every action, every field: accepted");
    assert_eq!(parsed.timeline.len(), actions.len());
}

#[test]
fn unknown_fields_are_refused_for_every_action() {
    // Before: `{"action": "heal", "node": 1}` healed the whole network; the same for
    // align_timers and spread_timers (serde ignores the rest of a unit variant).
    let doc = timeline_of(&every_action());
    for i in 0..every_action().len() {
        let mut bad = doc.clone();
        bad["timeline"][i]["bogus"] = json!(1);
        let e = scenario_err(&bad.to_string());
        assert_eq!(e.field, format!("timeline[{i}].bogus"), "{e}");
        assert!(e.problem.contains("unknown field"), "{e}");
    }
    assert_refused(
        &with(json!({"timeline": [{"at_ms": 5, "action": "heal", "node": 1}]})),
        "timeline[0].node",
        "`heal` action",
    );
    for kind in ["align_timers", "spread_timers"] {
        assert_refused(
            &with(json!({"timeline": [{"at_ms": 5, "action": kind, "node": 1}]})),
            "timeline[0].node",
            "unknown field",
        );
    }
}

#[test]
fn lists_are_refused_where_objects_are_documented() {
    // Before: serde read a list as a struct, field by field, and these took effect.
    assert_refused(&with(json!({"workload": [2, 100]})), "workload", "must be an object");
    assert_refused(&with(json!({"network": [[300, 400]]})), "network", "must be an object");
    assert_refused(&with(json!({"raft": []})), "raft", "must be an object");
    assert_refused(&with(json!({"faults": [[2, 0.5]]})), "faults[0]", "must be an object");
    assert_refused(&with(json!({"network": {"links": [[1, 2]]}})), "network.links[0]", "must be an object");
    assert_refused(&with(json!({"network": {"timing": ["synchronous"]}})), "network.timing", "\"model\" field");
}

#[test]
fn names_are_required_where_names_are_documented() {
    // Before: `"action": 0` was read as the first action kind (crash).
    assert_refused(&with(json!({"timeline": [{"at_ms": 5, "action": 0, "node": 1}]})), "timeline[0].action", "name");
    assert_refused(
        &with(json!({"network": {"timing": {"model": 1, "tail_probability": 0.2}}})),
        "network.timing.model",
        "name",
    );
    // The map form of a name ({"stop": null}) is serde's, not the format's.
    assert_refused(
        &with(json!({"timeline": [{"at_ms": 5, "action": "crash", "node": 1, "mode": {"stop": null}}]})),
        "timeline[0].mode",
        "must be a name",
    );
    assert_refused(&with(json!({"raft": {"backtrack": 0}})), "raft.backtrack", "must be a name");
    assert_refused(&with(json!({"raft": {"unsafe": ["no-persist", 2]}})), "raft.unsafe[1]", "must be a name");
    assert_refused(&with(json!({"timeline": [{"at_ms": 5, "node": 1}]})), "timeline[0].action", "is missing");
    assert_refused(
        &with(json!({"timeline": [{"at_ms": 5, "action": "explode"}]})),
        "timeline[0].action",
        "unknown action \"explode\"",
    );
}

#[test]
fn fields_are_given_once_and_required_ones_are_present() {
    let e = scenario_err(
        r#"{"name": "m", "nodes": 3, "timeline": [{"at_ms": 5, "action": "crash", "node": 1, "node": 2}]}"#,
    );
    assert_eq!((e.field.as_str(), e.problem.as_str()), ("timeline[0].node", "is given twice"), "{e}");
    assert_refused(&with(json!({"timeline": [{"at_ms": 5, "action": "crash"}]})), "timeline[0].node", "is missing");
    assert_refused(&with(json!({"timeline": [{"action": "heal"}]})), "timeline[0].at_ms", "is missing");
    let retry = |ms: f64| json!({"timeline": [{"at_ms": 5, "action": "client", "node": 1, "op": "get", "key": "x", "retry_ms": ms}]});
    assert_refused(&with(retry(0.0)), "timeline[0].retry_ms", "between 1 and 60000");
    assert_refused(&with(retry(1e9)), "timeline[0].retry_ms", "between 1 and 60000");
    assert!(Scenario::from_json(&with(retry(300.0))).is_ok());
    assert_refused(r#"{"nodes": 3}"#, "name", "is missing");
    assert_refused(&with(json!({"nodes": 3.5})), "nodes", "whole number");
    assert_refused(&with(json!({"nodes": 4294967296u64})), "nodes", "whole number");
    assert_refused(&with(json!({"seed": -1})), "seed", "whole number");
    assert_refused(&with(json!({"duration_ms": "10"})), "duration_ms", "must be a number");
    assert_refused(&with(json!({"raft": {"election_timeout_ms": [150]}})), "raft.election_timeout_ms", "[min, max]");
}

#[test]
fn one_entry_per_server_and_per_link() {
    // Before: both entries were accepted and one silently replaced the other.
    assert_refused(
        &with(json!({"faults": [{"node": 2, "drift": 0.1}, {"node": 2, "send_omission": 0.5}]})),
        "faults[1].node",
        "S2 already has an entry (faults[0])",
    );
    assert_refused(
        &with(json!({"network": {"links": [{"from": 1, "to": 2, "loss": 0.1}, {"from": 1, "to": 2, "loss": 0.9}]}})),
        "network.links[1]",
        "already has an entry",
    );
    // Both directions of one pair are two links.
    let ok =
        with(json!({"network": {"links": [{"from": 1, "to": 2, "loss": 0.1}, {"from": 2, "to": 1, "loss": 0.9}]}}));
    assert!(Scenario::from_json(&ok).is_ok());
}

#[test]
fn the_shipped_documents_still_parse() {
    for s in builtin::list() {
        assert_eq!(Scenario::from_json(&s.to_json()).as_ref(), Ok(&s), "{}", s.name);
    }
    for t in raft_sim::tour::list() {
        let text = serde_json::to_string(&t).expect("serializes");
        assert_eq!(Tour::from_json(&text).as_ref(), Ok(&t), "{}", t.id);
    }
}

/// The JSON blocks of a Markdown file.
fn json_blocks(path: &str) -> Vec<String> {
    let text = std::fs::read_to_string(format!("{}/../../{path}", env!("CARGO_MANIFEST_DIR"))).expect("the doc exists");
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    for line in text.lines() {
        match (&mut current, line.trim_start()) {
            (None, "```json") => current = Some(String::new()),
            (Some(block), "```") => {
                blocks.push(std::mem::take(block));
                current = None;
            }
            (Some(block), _) => {
                block.push_str(line);
                block.push('\n');
            }
            _ => {}
        }
    }
    blocks
}

#[test]
fn the_examples_in_the_docs_parse_and_replay() {
    let mut checked = 0;
    for path in ["docs/scenario-format.md", "docs/tour-format.md", "README.md"] {
        for block in json_blocks(path) {
            let Ok(value) = serde_json::from_str::<Value>(&block) else { continue };
            if value.get("format").is_some() {
                let doc = RunDocument::from_json(&block).unwrap_or_else(|e| panic!("{path}: {e}\n{block}"));
                doc.replay().unwrap_or_else(|e| panic!("{path}: the example run does not replay: {e}"));
            } else if value.get("steps").is_some() {
                Tour::from_json(&block).unwrap_or_else(|e| panic!("{path}: {e}\n{block}"));
            } else if value.get("terms").is_some() {
                raft_sim::glossary::Glossary::from_json(&block).unwrap_or_else(|e| panic!("{path}: {e}\n{block}"));
            } else if value.get("nodes").is_some() {
                Scenario::from_json(&block).unwrap_or_else(|e| panic!("{path}: {e}\n{block}"));
            } else {
                continue;
            }
            checked += 1;
        }
    }
    assert!(checked >= 4, "the docs hold a scenario, a run and a tour example; found {checked}");
}

/// A real run document: a crash of the leader, a restart, the viewer at a later point.
fn recorded_run() -> RunDocument {
    let scenario = Scenario::new("cluster-3", 3, 1);
    let mut session = Session::new(&scenario).expect("starts");
    session.seek(Target::Time(1_000_000));
    session.act(Action::CrashLeader { mode: CrashMode::Recover }).expect("acts");
    session.seek(Target::Time(2_000_000));
    session.act(Action::Restart { node: 1 }).expect("acts");
    session.seek(Target::Time(3_000_000));
    RunDocument::of(&session, View { selected: Some(2), speed_exp: Some(0.0), playing: false })
}

fn run_err(doc: Value) -> ScenarioError {
    let text = doc.to_string();
    match RunDocument::from_json(&text) {
        Err(e) => e,
        Ok(d) => d.replay().err().expect("must be refused"),
    }
}

#[test]
fn a_recorded_run_replays_to_the_same_point() {
    let doc = recorded_run();
    let again = RunDocument::from_json(&doc.to_json()).expect("parses");
    let session = again.replay().expect("replays");
    assert_eq!(Some(session.position()), doc.at);
    // Through a link too.
    let linked = RunDocument::from_link(&doc.to_link_fragment()).expect("decodes");
    assert_eq!(linked, doc);
}

#[test]
fn run_documents_are_checked_against_the_run_they_replay() {
    let good = serde_json::to_value(recorded_run()).expect("serializes");
    // Before: a speed of 10^1000 was accepted (and clamped by the page).
    let mut bad = good.clone();
    bad["view"]["speed_exp"] = json!(1000);
    let e = run_err(bad);
    assert_eq!(e.field, "view.speed_exp", "{e}");
    let mut bad = good.clone();
    bad["view"]["selected"] = json!(7);
    assert_eq!(run_err(bad).field, "view.selected");
    // Before: `at.t` was never compared with the run.
    // (A drained point may be any time between two events; 1 s earlier, events are missing.)
    let mut bad = good.clone();
    bad["at"]["t"] = json!(good["at"]["t"].as_u64().unwrap() - 1_000_000);
    let e = run_err(bad);
    assert_eq!(e.field, "at", "{e}");
    assert!(e.problem.contains("does not pass this point"), "{e}");
    let mut bad = good.clone();
    bad["actions"][1]["at"]["e"] = json!(good["actions"][1]["at"]["e"].as_u64().unwrap() + 1);
    let e = run_err(bad);
    assert_eq!(e.field, "actions[1].at", "{e}");
    let mut bad = good.clone();
    bad["actions"][1]["at"]["t"] = json!(999_999_999_999u64);
    let e = run_err(bad);
    assert_eq!(e.field, "actions[1].at.t", "{e}");
    // Objects and names here too.
    let mut bad = good.clone();
    bad["view"] = json!([2, 0, false]);
    assert_eq!(run_err(bad).field, "view");
    let mut bad = good.clone();
    bad["actions"][0]["action"] = json!(0);
    assert_eq!(run_err(bad).field, "actions[0].action");
    let mut bad = good.clone();
    bad["at"]["x"] = json!(1);
    assert_eq!(run_err(bad).field, "at.x");
    let mut bad = good.clone();
    bad["actions"][1]["mode"] = json!("stop");
    assert_eq!(run_err(bad).field, "actions[1].mode", "restart has no mode");
    // An action the run refuses at its point was never taken there (the page records only
    // accepted actions): before, it was skipped silently.
    let doc = json!({"format": "raft-playground-run", "version": 1,
        "scenario": {"name": "m", "nodes": 3, "members": [1, 2]},
        "actions": [{"at": {"e": 0, "t": 0}, "action": "add_server", "node": 3}]});
    let e = run_err(doc);
    assert_eq!(e.field, "actions[0]", "{e}");
    assert!(e.problem.contains("refused"), "{e}");
    // A viewer who went back before the last action: still exact.
    let mut back = good.clone();
    let first = good["actions"][0]["at"].clone();
    back["at"] = first;
    let doc = RunDocument::from_json(&back.to_string()).expect("parses");
    let session = doc.replay().expect("an earlier point of the same run replays");
    assert_eq!(Some(session.position()), doc.at);
}

#[test]
fn tours_are_strict_too() {
    let tour = |claim: Value, speed: Value| {
        json!({"id": "t", "title": "T", "summary": "S", "steps": [{
            "title": "one", "text": ["x"], "builtin": "first-election", "speed_exp": speed,
            "claims": [claim]
        }]})
        .to_string()
    };
    assert!(Tour::from_json(&tour(json!({"check": "no_violation"}), json!(-1))).is_ok());
    let e = Tour::from_json(&tour(json!({"check": "no_violation", "node": 1}), json!(-1))).unwrap_err();
    assert_eq!(e.field, "steps[0].claims[0].node", "{e}");
    let e = Tour::from_json(&tour(json!({"check": 0}), json!(-1))).unwrap_err();
    assert_eq!(e.field, "steps[0].claims[0].check", "{e}");
    let e = Tour::from_json(&tour(json!({"check": "no_violation"}), json!(50))).unwrap_err();
    assert_eq!(e.field, "steps[0].speed_exp", "{e}");
    let e = Tour::from_json(&tour(json!({"check": "role", "node": 1, "role": 2}), json!(-1))).unwrap_err();
    assert_eq!(e.field, "steps[0].claims[0].role", "{e}");
    // Names where names are documented: properties, message kinds, panels.
    let e = Tour::from_json(&tour(json!({"check": "violation", "property": "ElectionSafety"}), json!(-1))).unwrap_err();
    assert_eq!(e.field, "steps[0].claims[0].property", "{e}");
    assert!(e.problem.contains("election-safety"), "{e}");
    let mut doc: Value = serde_json::from_str(&tour(json!({"check": "no_violation"}), json!(-1))).unwrap();
    doc["steps"][0]["highlight"] = json!({"messages": ["RequestVotes"]});
    let e = Tour::from_json(&doc.to_string()).unwrap_err();
    assert_eq!(e.field, "steps[0].highlight.messages[0]", "{e}");
    doc["steps"][0]["highlight"] = json!({"panels": [3]});
    let e = Tour::from_json(&doc.to_string()).unwrap_err();
    assert_eq!(e.field, "steps[0].highlight.panels[0]", "{e}");
}

#[test]
fn every_check_kind_is_in_the_shapes() {
    let some: Option<NodeId> = Some(1);
    let checks = vec![
        Check::Leader { node: some, term: Some(1) },
        Check::NoLeader,
        Check::Role { node: 1, role: raft_core::Role::PreCandidate },
        Check::TermAtLeast { node: some, term: 1 },
        Check::Committed { node: some, index: 1 },
        Check::LogLength { node: 1, length: 1 },
        Check::Value { node: some, key: "k".into(), value: "v".into() },
        Check::VotedFor { node: 1, candidate: 2 },
        Check::Crashed { node: 1 },
        Check::Violation { property: Some("election-safety".into()) },
        Check::NoViolation,
        Check::EntryTerm { node: 1, index: 1, term: 1 },
        Check::CommitIndex { node: 1, index: 1 },
        Check::NextIndex { leader: 1, follower: 2, index: 1 },
        Check::Votes { node: 1, granted: vec![1], denied: vec![2] },
        Check::ReadAnswer { node: 1, key: "k".into(), value: "v".into() },
        Check::ReadPending { key: "k".into() },
        Check::Linearizable { holds: true },
        Check::SnapshotIndex { node: 1, index: 0 },
        Check::Configuration { node: 1, voters: vec![1], new_voters: Some(vec![1, 2]), learners: vec![3] },
        Check::LastApplied { node: 1, index: 1 },
        Check::MatchIndex { leader: 1, follower: 2, index: 1 },
        Check::Applied { node: 1, request: 1, times: 2 },
        Check::Answer { request: 1, node: 1, value: Some("v".into()) },
        Check::Answer { request: 2, node: 1, value: None },
        Check::Unanswered { request: 1 },
        Check::Retried { client: 1, key: "k".into(), value: "v".into(), times: 1 },
        Check::Availability {
            failures: 1,
            repairs: 1,
            up: Some(true),
            mttf_ms: Some([1.0, 2.0]),
            mttr_ms: Some([1.0, 2.0]),
            share: Some([0.5, 0.9]),
        },
        Check::Paused { node: 1 },
        Check::SnapshotShared { node: 1, shared: true },
    ];
    let names: Vec<String> =
        checks.iter().map(|c| serde_json::to_value(c).unwrap()["check"].as_str().unwrap().to_string()).collect();
    let shaped: Vec<String> = shape::CHECKS.kinds.iter().map(|(k, _)| k.to_string()).collect();
    let (mut a, mut b) = (names.clone(), shaped);
    a.sort();
    a.dedup();
    b.sort();
    assert_eq!(a, b, "every check has a shape, and the test lists every check");
    let claims: Vec<Value> = checks.iter().map(|c| serde_json::to_value(c).unwrap()).collect();
    let doc = json!({"id": "t", "title": "T", "summary": "S", "steps": [{
        "title": "one", "text": ["x"], "builtin": "first-election", "claims": claims,
        "task": {"prompt": "p", "goal": {"goal": "holds", "check": {"check": "no_leader"}}, "success": "s",
                 "solution": serde_json::to_value(every_action()).unwrap(), "within_ms": 100}
    }]});
    let e = Tour::from_json(&doc.to_string());
    // The claims' nodes must exist in first-election (5 servers); the shapes accept every field.
    assert!(e.is_ok(), "{e:?}");
}
