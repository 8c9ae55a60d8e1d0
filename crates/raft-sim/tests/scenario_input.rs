//! Bad scenario input gets a clear error naming the field; never a panic.
use raft_sim::scenario::MAX_SCENARIO_BYTES;
use raft_sim::{builtin, Scenario, ScenarioError};

fn err(json: &str) -> ScenarioError {
    Scenario::from_json(json).expect_err("must be rejected")
}

#[test]
fn every_builtin_round_trips_through_json() {
    for s in builtin::list() {
        assert_eq!(Scenario::from_json(&s.to_json()).unwrap(), s, "{}", s.name);
    }
}

#[test]
fn minimal_scenario_gets_defaults() {
    let s = Scenario::from_json(r#"{"name": "m", "nodes": 3}"#).unwrap();
    assert_eq!((s.seed, s.duration_ms, s.raft.heartbeat_ms), (0, 10_000.0, 50.0));
}

#[test]
fn not_json_truncated_and_trailing_garbage() {
    assert!(!err("hello").problem.is_empty());
    assert!(!err(r#"{"name": "m", "nodes": 3"#).problem.is_empty());
    assert!(!err(r#"{"name": "m", "nodes": 3} extra"#).problem.is_empty());
    assert!(!err("").problem.is_empty());
}

#[test]
fn wrong_types_and_unknown_fields_name_the_path() {
    assert_eq!(err(r#"{"name": "m", "nodes": "three"}"#).field, "nodes");
    let e = err(r#"{"name": "m", "nodes": 3, "network": {"los": 0.1}}"#);
    assert!(e.field.starts_with("network"), "{e}");
    assert!(e.to_string().contains("los"), "{e}");
    let e = err(r#"{"name": "m", "nodes": 3, "timeline": [{"at_ms": 1, "action": "explode", "node": 1}]}"#);
    assert!(e.field.starts_with("timeline[0]"), "{e}");
}

#[test]
fn bounds_are_checked_with_field_names() {
    assert_eq!(err(r#"{"name": "m", "nodes": 0}"#).field, "nodes");
    assert_eq!(err(r#"{"name": "m", "nodes": 10}"#).field, "nodes");
    assert_eq!(err(r#"{"name": "m", "nodes": 3, "network": {"loss": 1.5}}"#).field, "network.loss");
    assert_eq!(err(r#"{"name": "m", "nodes": 3, "network": {"duplicate": -0.1}}"#).field, "network.duplicate");
    assert_eq!(err(r#"{"name": "m", "nodes": 3, "network": {"latency_ms": [20, 10]}}"#).field, "network.latency_ms");
    assert_eq!(err(r#"{"name": "m", "nodes": 3, "duration_ms": 1e400}"#).field, "duration_ms");
    assert_eq!(err(r#"{"name": "m", "nodes": 3, "raft": {"heartbeat_ms": 0}}"#).field, "raft.heartbeat_ms");
    assert_eq!(err(r#"{"name": "m", "nodes": 3, "faults": [{"node": 3, "drift": 2}]}"#).field, "faults[0].drift");
    assert_eq!(err(r#"{"name": "m", "nodes": 3, "workload": {"clients": 1000}}"#).field, "workload.clients");
}

#[test]
fn actions_must_name_existing_nodes() {
    let e = err(r#"{"name": "m", "nodes": 3, "timeline": [{"at_ms": 1, "action": "crash", "node": 4}]}"#);
    assert_eq!(e.field, "timeline[0].node");
    assert!(e.problem.contains("node 4 does not exist"), "{e}");
    let e = err(
        r#"{"name": "m", "nodes": 3, "timeline": [{"at_ms": 1, "action": "partition", "groups": [[1, 2], [2, 3]]}]}"#,
    );
    assert_eq!(e.field, "timeline[0].groups[1][0]");
    let e = err(
        r#"{"name": "m", "nodes": 3, "timeline": [{"at_ms": 1, "action": "client", "node": 1, "op": "put", "key": "k"}]}"#,
    );
    assert_eq!(e.field, "timeline[0].value");
    let e = err(r#"{"name": "m", "nodes": 3, "timeline": [{"at_ms": -5, "action": "heal"}]}"#);
    assert_eq!(e.field, "timeline[0].at_ms");
}

#[test]
fn oversized_and_deeply_nested_input_is_refused_without_crashing() {
    let big = format!(r#"{{"name": "{}", "nodes": 3}}"#, "x".repeat(MAX_SCENARIO_BYTES));
    assert!(err(&big).problem.contains("limit"));
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    assert!(!err(&deep).problem.is_empty());
}

#[test]
fn display_mentions_field_and_problem() {
    let text = err(r#"{"name": "m", "nodes": 3, "network": {"loss": 2}}"#).to_string();
    assert!(text.contains("network.loss") && text.contains("between 0 and 1"), "{text}");
}

#[test]
fn read_settings_are_checked_and_default_to_log_reads() {
    let s = Scenario::from_json(r#"{"name": "m", "nodes": 3}"#).unwrap();
    assert_eq!(s.raft.read_mode, raft_core::ReadMode::Log);
    assert!(!s.to_json().contains("read_mode"), "defaults are not written, so old files stay as they were");
    let s = Scenario::from_json(r#"{"name": "m", "nodes": 3, "raft": {"read_mode": "lease", "lease_drift_bound": 0.2, "unsafe": ["stale-reads"]}}"#)
        .unwrap();
    assert_eq!(s.raft.read_mode, raft_core::ReadMode::Lease);
    assert_eq!(s.raft.to_config().lease_drift_bound_ppm, 200_000);
    assert!(s.raft.to_config().unsafe_rules.stale_reads);
    let e = err(r#"{"name": "m", "nodes": 3, "raft": {"read_mode": "quorum"}}"#);
    assert_eq!(e.field, "raft.read_mode", "{e}");
    for bad in ["1.5", "-0.1"] {
        let e = err(&format!(r#"{{"name": "m", "nodes": 3, "raft": {{"lease_drift_bound": {bad}}}}}"#));
        assert_eq!(e.field, "raft.lease_drift_bound", "{e}");
    }
}
