//! `raftsim` with Two Generals' scenarios: `run` prints each general's messengers, decision
//! and the check (exit 3 when Agreement breaks), `list` shows the built-ins, and the commands
//! that take only Raft scenarios refuse them by protocol.
use std::process::{Command, Output};

fn raftsim(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_raftsim")).args(args).output().expect("raftsim runs")
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn run_prints_each_generals_messengers_decision_and_the_check() {
    let out = raftsim(&["run", "two-generals-all-arrive"]);
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    for line in [
        "trace hash bac6e8adaa158592",
        "A1: sent [#1, #3], received [#2]; waits for #2: attacks; cannot tell whether #3 arrived",
        "A2: sent [#2], received [#1, #3]; waits for #3: attacks",
        "messenger #3 A1 -> A2: arrived",
        "Agreement: holds",
    ] {
        assert!(text.contains(line), "{line:?} in\n{text}");
    }
}

#[test]
fn the_captured_last_messenger_exits_3_and_json_names_the_check() {
    let out = raftsim(&["run", "two-generals-last-lost"]);
    assert_eq!(out.status.code(), Some(3));
    let text = stdout(&out);
    for line in [
        "A2: sent [#2], received [#1]; waits for #3: does not attack",
        "messenger #3 A1 -> A2: captured",
        "Agreement: VIOLATED at 160.0 ms (event 6): A1 attacks and A2 does not",
    ] {
        assert!(text.contains(line), "{line:?} in\n{text}");
    }
    let out = raftsim(&["run", "two-generals-last-lost", "--json"]);
    assert_eq!(out.status.code(), Some(3));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON object");
    assert_eq!(v["protocol"], "two-generals");
    assert_eq!(v["violations"][0]["property"], "Agreement");
    assert_eq!(v["generals"][0]["attacks"], true);
    assert_eq!(v["generals"][1]["attacks"], false);
    assert_eq!(v["messengers"][2]["fate"], "captured");
}

#[test]
fn list_shows_the_two_generals_builtins() {
    let text = stdout(&raftsim(&["list"]));
    for id in ["two-generals-all-arrive ", "two-generals-last-lost ", "two-generals-four-last-lost "] {
        assert!(text.contains(id), "{id}");
    }
}

#[test]
fn raft_only_commands_and_options_refuse_a_two_generals_scenario_by_protocol() {
    let file = format!("{}/../raft-sim/scenarios/two-generals-last-lost.json", env!("CARGO_MANIFEST_DIR"));
    for args in [
        vec!["shrink", "two-generals-last-lost"],
        vec!["shrink", file.as_str()],
        vec!["run", "two-generals-last-lost", "--events"],
    ] {
        let out = raftsim(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("'two-generals' scenario") && !err.contains("panicked"), "{args:?}: {err}");
    }
    let out = raftsim(&["run", file.as_str()]);
    assert_eq!(out.status.code(), Some(3), "a file runs as the built-in does");
}

#[test]
fn a_bad_file_is_refused_with_the_field() {
    let dir = std::env::temp_dir().join(format!("raftsim-generals-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temp dir");
    let file = dir.join("bad.json");
    std::fs::write(&file, r#"{"protocol": "two-generals", "name": "bad", "messages": 3, "lose": [7]}"#).unwrap();
    let out = raftsim(&["run", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("lose[0]"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}
