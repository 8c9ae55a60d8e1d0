//! `raftsim` with Chandy–Lamport scenarios: `run` prints each process's balance and recorded
//! state, each channel's recorded state, the markers, the snapshot's total and the checks
//! (exit 3 when one breaks), `list` shows the built-ins, and the commands that take only Raft
//! scenarios refuse them by protocol.
use std::process::{Command, Output};

fn raftsim(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_raftsim")).args(args).output().expect("raftsim runs")
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn run_prints_the_recorded_states_the_channels_the_markers_and_the_total() {
    let out = raftsim(&["run", "cl-bank-snapshot"]);
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    for line in [
        "3 processes, FIFO channels, bank total 300, 69 transfers",
        "trace hash 7a106c0459eb7bcf",
        "p1 initiates the snapshot at 60.0 ms",
        "p2: balance 176 (recorded 108 at 79.6 ms); sent 22, received 22",
        "channel p1→p2: [] (Done)",
        "channel p2→p1: [21, 14] (Done)",
        "marker p1→p3: sent 60.0 ms, arrived 72.5 ms, its first: records",
        "marker p2→p1: sent 79.6 ms, arrived 119.2 ms\n",
        "snapshot complete at 119.2 ms: states 205 + channels 95 = 300 (bank 300)",
        "MoneyConserved: holds",
        "ConsistentCut: holds",
        "SnapshotTotal: holds",
    ] {
        assert!(text.contains(line), "{line:?} in\n{text}");
    }
}

#[test]
fn the_broken_variants_exit_3_and_json_names_the_checks() {
    let out = raftsim(&["run", "cl-broken-not-fifo", "--json"]);
    assert_eq!(out.status.code(), Some(3));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON object");
    assert_eq!(v["protocol"], "chandy-lamport");
    assert_eq!(v["fifo"], false);
    assert_eq!(v["violations"][0]["property"], "ConsistentCut");
    assert_eq!(v["violations"][1]["property"], "SnapshotTotal");
    assert_eq!(v["snapshot"]["counted_without_send"], serde_json::json!([15]));
    assert_eq!(v["channels"][2]["recording"], "done");
    let out = raftsim(&["run", "cl-broken-no-channel-state"]);
    assert_eq!(out.status.code(), Some(3));
    let text = stdout(&out);
    assert!(
        text.contains("in flight across the cut but in no channel state: transfers 6, 9, 10, 11, 14, 16"),
        "{text}"
    );
    assert!(text.contains("SnapshotTotal: VIOLATED at 119.2 ms"), "{text}");
    assert!(text.contains("ConsistentCut: holds"), "{text}");
}

#[test]
fn until_ms_prints_the_stage_at_that_moment_markers_in_flight_and_channels_recording() {
    let out = raftsim(&["run", "cl-bank-snapshot", "--until-ms", "70"]);
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    for line in [
        "cl-bank-snapshot (chandy-lamport) at 70.0 ms",
        "  p1 [recorded]: balance=",
        "initiator=60 ms  recorded-state=80  channel-recording=p2→p1 [21]  channel-recording=p3→p1 []",
        "  p2: balance=",
        "in flight: Marker p1→p2  (sent 60.0 ms, arrives 79.6 ms)",
        "in flight: Marker p1→p3  (sent 60.0 ms, arrives 72.5 ms)",
        "in flight: Transfer p1→p2 #12 $5 (sent 54.2 ms, arrives 79.6 ms)",
        "  in-flight: 151\n",
        "  recorded-states: 80\n  recorded-channels: 21\n",
        "  ConsistentCut: holds so far",
    ] {
        assert!(text.contains(line), "{line:?} in\n{text}");
    }
    let out = raftsim(&["run", "cl-broken-not-fifo", "--until-ms", "200", "--json"]);
    assert_eq!(out.status.code(), Some(3), "a check broke by then");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON object");
    assert_eq!(v["checks"][1]["property"], "ConsistentCut");
    assert!(v["checks"][1]["broken"]["detail"].as_str().unwrap().contains("transfer 15 (26)"));
}

#[test]
fn list_shows_the_chandy_lamport_builtins() {
    let text = stdout(&raftsim(&["list"]));
    for id in ["cl-bank-snapshot ", "cl-broken-not-fifo ", "cl-broken-no-channel-state "] {
        assert!(text.contains(id), "{id}");
    }
    assert!(text.contains("chandy-lamport, 3 processes, channels not FIFO"), "{text}");
}

#[test]
fn raft_only_commands_and_options_refuse_a_chandy_lamport_scenario_by_protocol() {
    let file = format!("{}/../raft-sim/scenarios/cl-bank-snapshot.json", env!("CARGO_MANIFEST_DIR"));
    for args in [
        vec!["shrink", "cl-bank-snapshot"],
        vec!["shrink", file.as_str()],
        vec!["run", "cl-bank-snapshot", "--events"],
        vec!["run", "cl-bank-snapshot", "--trace"],
    ] {
        let out = raftsim(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("'chandy-lamport' scenario") && !err.contains("panicked"), "{args:?}: {err}");
    }
    let out = raftsim(&["run", file.as_str()]);
    assert_eq!(out.status.code(), Some(0), "a file runs as the built-in does");
    assert!(stdout(&out).contains("trace hash 7a106c0459eb7bcf"));
    let bad = r#"{"protocol": "chandy-lamport", "name": "x", "initiator": 7}"#;
    let path = std::env::temp_dir().join(format!("cl-bad-{}.json", std::process::id()));
    std::fs::write(&path, bad).unwrap();
    let out = raftsim(&["run", path.to_str().unwrap()]);
    let _ = std::fs::remove_file(&path);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("initiator"));
}
