//! `raftsim` with chain-replication scenarios: `run` prints the CFG's chain over time, each
//! server's history, the requests, the latency and throughput figures and the checks (exit 3
//! when one breaks), `list` shows the built-ins, and `compare-replication` prints the notes'
//! primary-backup vs chain comparison on one workload.
use std::process::{Command, Output};

fn raftsim(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_raftsim")).args(args).output().expect("raftsim runs")
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn run_prints_the_chain_over_time_the_resend_and_the_checks() {
    let out = raftsim(&["run", "chain-middle-crash"]);
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    for line in [
        "trace hash cc0b95a7c6dbec6c",
        "from     0.0 ms the CFG's chain: S1 -> S2 -> S3",
        "from   340.0 ms the CFG's chain: S1 -> S3",
        "S1 head: 5 writes [x=1, y=2, z=3, x=4, y=5]; 0 sent unacknowledged; resent 3 to its new successor",
        "S2 out, crashed: 1 writes [x=1]",
        "request 2 write y=2 at 200.0 ms: acknowledged by S3 at 399.9 ms",
        "request 5 read at 600.0 ms: S3 answered at 623.3 ms, seeing 4 writes",
        "7 requests, 7 answered",
        "UpdatePropagation: holds",
        "NoAckedWriteLost: holds",
        "ReadsSeeAckedWrites: holds",
    ] {
        assert!(text.contains(line), "{line:?} in\n{text}");
    }
}

#[test]
fn the_early_ack_variant_exits_3_and_json_names_the_checks() {
    let out = raftsim(&["run", "chain-early-ack", "--json"]);
    assert_eq!(out.status.code(), Some(3));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON object");
    assert_eq!(v["protocol"], "chain-replication");
    assert_eq!(v["early_ack"], true);
    let broken: Vec<&str> = v["violations"].as_array().unwrap().iter().filter_map(|x| x["property"].as_str()).collect();
    assert_eq!(broken, ["ReadsSeeAckedWrites", "NoAckedWriteLost"]);
    assert_eq!(v["stats"]["answered"], 4);
    let text = stdout(&raftsim(&["run", "chain-early-ack"]));
    assert!(text.contains("NoAckedWriteLost: VIOLATED at 330.0 ms"), "{text}");
}

#[test]
fn list_shows_the_chain_builtins() {
    let text = stdout(&raftsim(&["list"]));
    for id in ["chain-normal ", "chain-middle-crash ", "chain-head-crash ", "chain-tail-crash ", "chain-early-ack "] {
        assert!(text.contains(id), "{id}");
    }
    assert!(text.contains("chain-replication, 3 servers, the head answers early"), "{text}");
}

#[test]
fn raft_only_commands_refuse_a_chain_scenario_by_protocol() {
    for args in [vec!["shrink", "chain-normal"], vec!["run", "chain-normal", "--events"]] {
        let out = raftsim(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("'chain-replication' scenario") && !err.contains("panicked"), "{args:?}: {err}");
    }
    let file = format!("{}/../raft-sim/scenarios/chain-normal.json", env!("CARGO_MANIFEST_DIR"));
    let out = raftsim(&["run", file.as_str()]);
    assert_eq!(out.status.code(), Some(0), "a file runs as the built-in does");
    assert!(stdout(&out).contains("trace hash 88fde3153fafa165"));
}

#[test]
fn compare_replication_prints_both_layouts_per_rate_and_refuses_bad_options() {
    let out = raftsim(&["compare-replication", "--rates", "50,800"]);
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    let rows: Vec<&str> = text.lines().filter(|l| l.contains("primary-backup") || l.contains(" chain ")).collect();
    assert_eq!(rows.len(), 4, "{text}");
    assert!(rows[0].trim_start().starts_with("50  primary-backup") && rows[1].contains("chain"), "{text}");
    assert!(rows[2].trim_start().starts_with("800  primary-backup") && rows[2].contains("S1  99%"), "{text}");
    let v: serde_json::Value =
        serde_json::from_slice(&raftsim(&["compare-replication", "--rates", "800", "--json"]).stdout).expect("JSON");
    let (pb, chain) = (&v["rows"][0], &v["rows"][1]);
    assert_eq!((pb["layout"].as_str(), chain["layout"].as_str()), (Some("PrimaryBackup"), Some("Chain")));
    let tp = |r: &serde_json::Value| r["stats"]["throughput_per_s"].as_f64().unwrap();
    assert!(tp(chain) > tp(pb), "the chain carries more at 800 a second: {v}");
    for (args, flag) in [
        (vec!["compare-replication", "--servers", "0"], "--servers"),
        (vec!["compare-replication", "--rates", "100000"], "--rates"),
        (vec!["compare-replication", "--read-fraction", "2"], "--read-fraction"),
        (vec!["compare-replication", "--latency-ms", "5,1"], "--latency-ms"),
    ] {
        let out = raftsim(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(String::from_utf8_lossy(&out.stderr).contains(flag), "{args:?}");
    }
}

#[test]
fn until_ms_prints_the_stage_picture_after_the_cfg_removes_the_middle_server() {
    let out = raftsim(&["run", "chain-middle-crash", "--until-ms", "345"]);
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    for line in [
        "S1 [head]: history=x=1 y=2 z=3 x=4  unacknowledged=3",
        "S2 [out] (crashed): history=x=1",
        "CFG [configuration]: chain=S1 → S3",
        "in flight: Neighbours CFG→S1 – ← · → S3",
        "NoAckedWriteLost: holds so far",
    ] {
        assert!(text.contains(line), "{line:?} in\n{text}");
    }
}
