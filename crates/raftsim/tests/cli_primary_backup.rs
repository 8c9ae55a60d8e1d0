//! `raftsim` with primary-backup scenarios: `run` prints who is primary over time, the CFG's
//! test-and-set calls, each server's writes and the checks (exit 3 when one breaks), `list`
//! shows the built-ins, and the commands that take only Raft scenarios refuse them by protocol.
use std::process::{Command, Output};

fn raftsim(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_raftsim")).args(args).output().expect("raftsim runs")
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn run_prints_the_primary_over_time_the_test_and_set_and_each_servers_writes() {
    let out = raftsim(&["run", "pb-primary-crash"]);
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    for line in [
        "trace hash f2050966ad5a030d",
        "from     0.0 ms primary answering clients: S1",
        "from   500.0 ms primary answering clients: none",
        "from   721.5 ms primary answering clients: S2",
        "  714.1 ms S2 test_and_set(f, 1): won (f was 0)",
        "S1 Primary, crashed: writes [x=1, y=2, x=3]",
        "S2 Primary: writes [x=1, y=2, x=3, z=4, y=5]; suspected S1",
        "write 4 z=4: acknowledged by S2 at 1216.1 ms",
        "SinglePrimary: holds",
        "NoAckedWriteLost: holds",
    ] {
        assert!(text.contains(line), "{line:?} in\n{text}");
    }
    let text = stdout(&raftsim(&["run", "pb-partition-arbiter"]));
    assert!(text.contains("S1 test_and_set(f, 1): won (f was 0)"), "{text}");
    assert!(text.contains("S2 test_and_set(f, 1): lost (f was 1)"), "{text}");
}

#[test]
fn the_variant_without_the_arbiter_exits_3_and_json_names_the_checks() {
    let out = raftsim(&["run", "pb-partition-no-arbiter", "--json"]);
    assert_eq!(out.status.code(), Some(3));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON object");
    assert_eq!(v["protocol"], "primary-backup");
    assert_eq!(v["arbiter"], false);
    assert_eq!(v["violations"][0]["property"], "SinglePrimary");
    assert_eq!(v["violations"][1]["property"], "NoAckedWriteLost");
    assert_eq!(v["primary_over_time"][1]["primaries"], serde_json::json!([1, 2]));
    let out = raftsim(&["run", "pb-partition-no-arbiter"]);
    assert_eq!(out.status.code(), Some(3));
    assert!(stdout(&out).contains("SinglePrimary: VIOLATED at 700.0 ms"), "{}", stdout(&out));
}

#[test]
fn list_shows_the_primary_backup_builtins() {
    let text = stdout(&raftsim(&["list"]));
    for id in ["pb-primary-crash ", "pb-partition-arbiter ", "pb-partition-no-arbiter "] {
        assert!(text.contains(id), "{id}");
    }
    assert!(text.contains("primary-backup, without an arbiter"), "{text}");
}

#[test]
fn raft_only_commands_and_options_refuse_a_primary_backup_scenario_by_protocol() {
    let file = format!("{}/../raft-sim/scenarios/pb-primary-crash.json", env!("CARGO_MANIFEST_DIR"));
    for args in
        [vec!["shrink", "pb-primary-crash"], vec!["shrink", file.as_str()], vec!["run", "pb-primary-crash", "--events"]]
    {
        let out = raftsim(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("'primary-backup' scenario") && !err.contains("panicked"), "{args:?}: {err}");
    }
    let out = raftsim(&["run", file.as_str()]);
    assert_eq!(out.status.code(), Some(0), "a file runs as the built-in does");
    assert!(stdout(&out).contains("trace hash f2050966ad5a030d"));
}
