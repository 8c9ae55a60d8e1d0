//! `raftsim` with failure-detector scenarios: `run` prints the accuracy and completeness
//! figures, every suspicion with its cause and the checks (exit 3 when one breaks), `list`
//! shows the built-ins, `detector-sweep` prints the timeout's trade-off, and the commands that
//! take only Raft scenarios refuse them by protocol.
use std::process::{Command, Output};

fn raftsim(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_raftsim")).args(args).output().expect("raftsim runs")
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn run_prints_the_detections_and_the_checks() {
    let out = raftsim(&["run", "fd-crash-detected"]);
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    for line in [
        "trace hash b53488180c95b53d",
        "accuracy: 0 false suspicions",
        "completeness: 3 of 3 crash detections, detection time mean 84.6 ms, max 85.5 ms",
        "1083.4 ms P4 suspects P2 until the end (crashed)",
        "P2 crashed at 1000.0 ms: P1 suspects it after 84.8 ms",
        "P2: crashed at 1000.0 ms; 20 heartbeats sent, suspects []",
        "StrongCompleteness: holds",
        "StrongAccuracy: holds",
        "EventualStrongAccuracy: holds",
    ] {
        assert!(text.contains(line), "{line:?} in\n{text}");
    }
}

#[test]
fn false_suspicions_are_listed_with_their_cause_and_break_the_perfect_detectors_accuracy() {
    let out = raftsim(&["run", "fd-pause-false-suspicion"]);
    assert_eq!(out.status.code(), Some(3));
    let text = stdout(&out);
    for line in [
        "accuracy: 3 false suspicions (Pause 3), live processes wrongly suspected for 631.4 ms in all",
        "699.1 ms P1 suspects P3 until 913.1 ms (false suspicion, cause Pause)",
        "P3: paused 300.0 ms",
        "StrongAccuracy: VIOLATED at 699.1 ms",
        "EventualStrongAccuracy: holds",
    ] {
        assert!(text.contains(line), "{line:?} in\n{text}");
    }
    let text = stdout(&raftsim(&["run", "fd-drift-adaptive"]));
    assert!(text.contains("timeouts [P2 70, P3 70, P4 80] ms"), "{text}");
}

#[test]
fn the_fixed_timeout_too_short_exits_3_and_json_names_the_checks() {
    let out = raftsim(&["run", "fd-drift-fixed-timeout", "--json"]);
    assert_eq!(out.status.code(), Some(3));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON object");
    assert_eq!(v["protocol"], "failure-detector");
    assert_eq!(v["adaptive"], false);
    assert_eq!(v["metrics"]["false_suspicions"], 82);
    assert_eq!(v["metrics"]["false_by_cause"]["drift"], 82);
    assert_eq!(v["violations"][0]["property"], "StrongAccuracy");
    assert_eq!(v["violations"][1]["property"], "EventualStrongAccuracy");
    assert_eq!(v["suspicions"][0]["cause"], "drift");
    assert_eq!(v["checked"].as_array().map(Vec::len), Some(3));
}

#[test]
fn list_shows_the_failure_detector_builtins() {
    let text = stdout(&raftsim(&["list"]));
    for id in [
        "fd-crash-detected ",
        "fd-pause-false-suspicion ",
        "fd-delay-spike ",
        "fd-drift-fixed-timeout ",
        "fd-drift-adaptive ",
        "fd-tradeoff ",
    ] {
        assert!(text.contains(id), "{id}");
    }
    assert!(text.contains("failure-detector, 4 processes, adaptive timeout 70 ms, heartbeat 50 ms"), "{text}");
}

#[test]
fn the_sweep_prints_fewer_false_suspicions_and_slower_detection_as_the_timeout_grows() {
    let out = raftsim(&["detector-sweep", "fd-tradeoff", "--timeouts", "60,100,400"]);
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    for line in [
        "timeout ms | false suspicions | wrongly suspected ms | detected | detection mean ms | detection max ms",
        "        60 |               67 |               2032.4 |      3/3 |              45.6 |             48.2",
        "       100 |                9 |                941.7 |      3/3 |              85.6 |             88.2",
        "       400 |                0 |                  0.0 |      3/3 |             385.6 |            388.2",
    ] {
        assert!(text.contains(line), "{line:?} in\n{text}");
    }
    let out = raftsim(&["detector-sweep", "fd-tradeoff", "--timeouts", "100,200", "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON object");
    assert_eq!(v["rows"][0]["false_suspicions"], 9);
    assert_eq!(v["rows"][1]["timeout_ms"], 200.0);
    assert_eq!(v["rows"][1]["false_suspicions"], 3);
}

#[test]
fn bad_sweeps_and_raft_only_commands_are_refused_by_name() {
    for (args, said) in [
        (vec!["detector-sweep", "fd-tradeoff", "--timeouts", "40"], "--timeouts"),
        (vec!["detector-sweep", "fd-tradeoff", "--timeouts", "100,abc"], "--timeouts"),
        (vec!["detector-sweep", "fd-tradeoff", "--timeouts", ""], "--timeouts"),
        (vec!["detector-sweep", "fd-tradeoff", "--timeouts", "-5"], "--timeouts"),
        (vec!["detector-sweep", "pb-primary-crash", "--timeouts", "100"], "'failure-detector' scenario"),
        (vec!["detector-sweep", "no-such-thing", "--timeouts", "100"], "not a built-in scenario"),
        (vec!["shrink", "fd-crash-detected"], "'failure-detector' scenario"),
        (vec!["run", "fd-crash-detected", "--events"], "'failure-detector' scenario"),
    ] {
        let out = raftsim(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(said) && !err.contains("panicked"), "{args:?}: {err}");
    }
    let file = format!("{}/../raft-sim/scenarios/fd-crash-detected.json", env!("CARGO_MANIFEST_DIR"));
    let out = raftsim(&["run", file.as_str()]);
    assert_eq!(out.status.code(), Some(0), "a file runs as the built-in does");
    assert!(stdout(&out).contains("trace hash b53488180c95b53d"));
}

#[test]
fn until_ms_prints_the_picture_the_stage_draws() {
    let out = raftsim(&["run", "fd-pause-false-suspicion", "--until-ms", "750"]);
    assert_eq!(out.status.code(), Some(3), "StrongAccuracy broke by then");
    let text = stdout(&out);
    for line in [
        "fd-pause-false-suspicion (failure-detector) at 750.0 ms of 3000.0 ms",
        "P1: suspects=P3  timeout=100 ms  heartbeats=15",
        "P3 [suspected] (paused): timeout=100 ms  heartbeats=12",
        "in flight: Heartbeat P4→P3 #12 (sent 600.0 ms, arrives 611.1 ms)",
        "false-suspicions: 3",
        "StrongAccuracy: VIOLATED at 699.1 ms",
        "EventualStrongAccuracy: holds so far",
    ] {
        assert!(text.contains(line), "{line:?} in\n{text}");
    }
}
