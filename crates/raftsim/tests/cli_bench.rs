//! `raftsim bench --scenario`: every protocol's scenario timed with Raft's bench figures. The
//! figures are reported, never asserted (they depend on the machine); what is checked is what
//! was run: the scenario's own run (its trace hash), whole runs until the events asked for.
use std::process::{Command, Output};

fn raftsim(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_raftsim")).args(args).output().expect("raftsim runs")
}

fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).expect("one JSON object")
}

/// One working built-in of each protocol, the ones scripts/test.sh benches.
const REPRESENTATIVES: &[(&str, &str)] = &[
    ("steady-load", "raft"),
    ("flood-p1-p4", "flood-consensus"),
    ("two-generals-all-arrive", "two-generals"),
    ("pb-primary-crash", "primary-backup"),
    ("cl-bank-snapshot", "chandy-lamport"),
    ("chain-load", "chain-replication"),
    ("fd-crash-detected", "failure-detector"),
];

#[test]
fn each_protocol_is_benched_on_its_own_run_until_the_events_asked_for() {
    for &(name, protocol) in REPRESENTATIVES {
        let run = json(&raftsim(&["run", name, "--json"]));
        let one_run = run["events"].as_u64().expect("events");
        let out = raftsim(&["bench", "--scenario", name, "--events", "2000", "--json"]);
        assert_eq!(out.status.code(), Some(0), "{name}");
        let b = json(&out);
        assert_eq!((b["scenario"].as_str(), b["protocol"].as_str()), (Some(name), Some(protocol)));
        assert_eq!(b["trace_hash"], run["trace_hash"], "{name}: the bench runs the scenario's own run");
        let (runs, events) = (b["runs"].as_u64().expect("runs"), b["events"].as_u64().expect("events"));
        assert_eq!(runs, 2000u64.div_ceil(one_run), "{name}: whole runs, the fewest reaching 2000 events");
        assert_eq!(events, runs * one_run, "{name}");
        for figure in ["wall_seconds", "events_per_second", "simulated_seconds", "sim_seconds_per_wall_second"] {
            assert!(b[figure].as_f64().is_some_and(|x| x > 0.0), "{name}: {figure} in {b}");
        }
        assert_eq!(b["violations"], 0, "{name}");
    }
}

#[test]
fn the_summary_is_one_line_and_a_broken_run_exits_3() {
    let out = raftsim(&["bench", "--scenario", "flood-p1-p4", "--events", "100"]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(text.lines().count(), 1, "{text}");
    assert!(text.starts_with("bench: flood-p1-p4 (flood-consensus), 4 runs: 128 events in"), "{text}");
    assert!(text.contains(" events/s, ") && text.contains("0 violations (trace 18a3585bcc633d5c)"), "{text}");
    let out = raftsim(&["bench", "--scenario", "pb-partition-no-arbiter", "--events", "1", "--json"]);
    assert_eq!(out.status.code(), Some(3), "two primaries: a violation, as Raft's bench reports one");
    assert_eq!(json(&out)["violations"], 2);
}

#[test]
fn the_fixed_workloads_options_and_bad_names_are_refused() {
    assert_eq!(raftsim(&["bench", "--scenario", "flood-p1-p4", "--nodes", "3"]).status.code(), Some(2));
    assert_eq!(raftsim(&["bench", "--events", "10"]).status.code(), Some(2), "--events goes with --scenario");
    assert_eq!(raftsim(&["bench", "--scenario", "flood-p1-p4", "--events", "0"]).status.code(), Some(2));
    let out = raftsim(&["bench", "--scenario", "no-such-scenario"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no-such-scenario: not a built-in scenario"));
}
