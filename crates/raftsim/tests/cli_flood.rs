//! `raftsim` with flood-consensus scenarios: `run` prints each process's decision and the
//! checks (exit 3 when one breaks), `list` shows the built-ins, and the commands that take
//! only Raft scenarios refuse them by protocol.
use std::process::{Command, Output};

fn raftsim(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_raftsim")).args(args).output().expect("raftsim runs")
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn run_prints_each_process_decision_and_the_checks() {
    let out = raftsim(&["run", "flood-p1-p4"]);
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    for line in [
        "trace hash 18a3585bcc633d5c",
        "P1 proposed a: crashed in round 1",
        "P3 proposed c: decided a in round 2; knows {a, b, c, d}; suspects P1 (since round 1)",
        "Agreement: holds",
        "Termination: holds",
    ] {
        assert!(text.contains(line), "{line:?} in\n{text}");
    }
}

#[test]
fn a_broken_check_exits_3_and_json_names_it() {
    let out = raftsim(&["run", "flood-p1-p4-one-round", "--json"]);
    assert_eq!(out.status.code(), Some(3));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON object");
    assert_eq!(v["protocol"], "flood-consensus");
    assert_eq!(v["violations"][0]["property"], "Agreement");
    assert_eq!(v["processes"][1]["decision"], "a");
    assert_eq!(v["processes"][2]["decision"], "b");
    let out = raftsim(&["run", "flood-slow-process"]);
    assert_eq!(out.status.code(), Some(3));
    assert!(stdout(&out).contains("suspects P1 (since round 1, falsely)"), "{}", stdout(&out));
}

#[test]
fn list_shows_the_flood_builtins() {
    let text = stdout(&raftsim(&["list"]));
    for id in ["flood-p1-p4 ", "flood-p1-p4-one-round ", "flood-slow-process "] {
        assert!(text.contains(id), "{id}");
    }
}

#[test]
fn raft_only_commands_and_options_refuse_a_flood_scenario_by_protocol() {
    let file = format!("{}/../raft-sim/scenarios/flood-p1-p4.json", env!("CARGO_MANIFEST_DIR"));
    for args in [vec!["shrink", "flood-p1-p4"], vec!["shrink", file.as_str()], vec!["run", "flood-p1-p4", "--events"]] {
        let out = raftsim(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("'flood-consensus' scenario") && !err.contains("panicked"), "{args:?}: {err}");
    }
    let out = raftsim(&["run", "flood-p1-p4", "--json"]);
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn run_until_ms_prints_the_stage_at_that_moment() {
    // After round 1 (100 ms): P1 crashed having reached P2 only, so P3 suspects P1 and lacks a.
    let out = raftsim(&["run", "flood-p1-p4", "--until-ms", "100"]);
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    assert!(text.contains("at 100.0 ms of 200.0 ms"), "{text}");
    assert!(text.contains("P3: proposal=c  known={b, c, d}  round=2/2  suspects=P1"), "{text}");
    assert!(text.contains("in flight: Known P2→P3 r2 {a, b, c, d}"), "{text}");
    // The same picture as JSON; a run with one round too few shows Agreement broken (exit 3).
    let out = raftsim(&["run", "flood-p1-p4", "--until-ms", "100", "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["nodes"][0]["status"], "crashed");
    assert_eq!(v["now_us"], 100_000);
    let out = raftsim(&["run", "flood-p1-p4-one-round", "--until-ms", "1000"]);
    assert_eq!(out.status.code(), Some(3), "{}", stdout(&out));
    assert!(stdout(&out).contains("Agreement: VIOLATED"));
}

#[test]
fn the_flood_consensus_tour_is_checked_step_by_step() {
    let out = raftsim(&["tour", "flood-consensus", "--text"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let text = stdout(&out);
    assert!(text.contains("step  2  P3 cannot know what P2 knows"), "{text}");
    assert!(text.contains("ok (6 checks)"), "{text}");
    assert!(text.contains("This step runs the 'flood-consensus' built-in flood-p1-p4."), "{text}");
    // In the list, the course's order: the clocks tour first, flood consensus before Raft's tours.
    let list = stdout(&raftsim(&["tour"]));
    assert!(list.trim_start().starts_with("logical-clocks"), "{list}");
    let at = |id: &str| list.find(&format!("{id} ")).unwrap_or_else(|| panic!("{id} is listed: {list}"));
    assert!(at("flood-consensus") < at("replicated-state-machines"), "{list}");
}
