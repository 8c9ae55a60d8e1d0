//! The `raftsim` binary's contract: exit codes, JSON fields, error messages naming the file,
//! field and problem.
use std::path::PathBuf;
use std::process::{Command, Output};

fn raftsim(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_raftsim")).args(args).output().expect("raftsim runs")
}

fn temp_file(name: &str, contents: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("raftsim-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, contents).unwrap();
    path
}

fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).expect("stdout is one JSON object")
}

#[test]
fn run_json_has_the_documented_fields_and_exit_0() {
    let out = raftsim(&["run", "crash-example", "--json"]);
    assert_eq!(out.status.code(), Some(0));
    let v = json(&out);
    assert_eq!(v["trace_hash"].as_str().unwrap().len(), 16);
    assert!(v["events"].as_u64().unwrap() > 0);
    assert_eq!(v["end_ms"].as_f64().unwrap(), 3000.0);
    assert_eq!(v["violations"].as_array().unwrap().len(), 0);
    let nodes = v["nodes"].as_array().unwrap();
    assert_eq!(nodes.len(), 5);
    for key in ["id", "role", "term", "commit_index", "alive", "log"] {
        assert!(nodes[0].get(key).is_some(), "node field {key}");
    }
    let s4_log = nodes[3]["log"].as_array().unwrap();
    assert_eq!(s4_log[0]["term"], 1);
    assert_eq!(s4_log[0]["command"], "o1=1");
    assert_eq!(s4_log[1]["term"], 2);
}

#[test]
fn a_violation_exits_3() {
    let out = raftsim(&["run", "figure-8-unsafe", "--json"]);
    assert_eq!(out.status.code(), Some(3));
    assert!(!json(&out)["violations"].as_array().unwrap().is_empty());
}

#[test]
fn until_ms_stops_early() {
    let v = json(&raftsim(&["run", "steady-load", "--json", "--until-ms", "1000"]));
    assert_eq!(v["end_ms"].as_f64().unwrap(), 1000.0);
}

#[test]
fn bad_input_exits_2_naming_file_field_and_problem() {
    let path = temp_file("bad-loss.json", r#"{"name": "x", "nodes": 3, "network": {"loss": 1.5}}"#);
    let out = raftsim(&["run", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("bad-loss.json"), "{err}");
    assert!(err.contains("network.loss"), "{err}");
    assert!(err.contains("between 0 and 1"), "{err}");

    let typo =
        temp_file("typo.json", r#"{"name": "x", "nodes": 3, "timeline": [{"at_ms": 1, "action": "crash", "nod": 1}]}"#);
    let err = String::from_utf8_lossy(&raftsim(&["run", typo.to_str().unwrap()]).stderr).to_string();
    assert!(err.contains("typo.json") && err.contains("timeline[0]") && err.contains("nod"), "{err}");

    let missing = raftsim(&["run", "/nonexistent/scenario.json"]);
    assert_eq!(missing.status.code(), Some(2));

    let garbage = temp_file("garbage.json", "{\"name\": ");
    assert_eq!(raftsim(&["run", garbage.to_str().unwrap()]).status.code(), Some(2));
}

#[test]
fn max_events_bounds_a_run() {
    let out = raftsim(&["run", "steady-load", "--json", "--max-events", "100"]);
    // Cut short: exit 4, not 0 (issue 12, point 4).
    assert_eq!(out.status.code(), Some(4));
    let v = json(&out);
    assert_eq!(v["events"], 100);
    assert!(v["end_ms"].as_f64().unwrap() < 5000.0);
    assert!(String::from_utf8_lossy(&out.stderr).contains("stopped after 100 events"));
}

#[test]
fn list_and_hashes_cover_every_builtin() {
    let list = String::from_utf8(raftsim(&["list"]).stdout).unwrap();
    let hashes = String::from_utf8(raftsim(&["hashes"]).stdout).unwrap();
    for name in ["first-election", "split-vote", "crash-example", "minority-leader", "figure-8", "figure-8-unsafe"] {
        assert!(list.contains(name), "{name} listed");
        assert!(hashes.lines().any(|l| l.starts_with(&format!("{name} "))), "{name} hashed");
    }
}

#[test]
fn check_writes_a_reproducing_scenario_on_violation() {
    let dir = std::env::temp_dir().join(format!("raftsim-check-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let out = raftsim(&["check", "--seeds", "50", "--unsafe", "forget-vote", "--out-dir", dir.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(3), "{}", String::from_utf8_lossy(&out.stdout));
    let file = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .find(|e| e.file_name().to_string_lossy().starts_with("raftsim-failure-"));
    let file = file.expect("a failure scenario was written").path();
    assert_eq!(raftsim(&["run", file.to_str().unwrap()]).status.code(), Some(3), "the file reproduces the violation");

    let safe = raftsim(&["check", "--seeds", "20"]);
    assert_eq!(safe.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&safe.stdout).contains("20 seeds run"));
}

#[test]
fn check_json_reports_the_lowest_failing_seed_in_one_object() {
    let dir = std::env::temp_dir().join(format!("raftsim-check-json-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    // One thread: the seeds run stop exactly at the failure (a second thread may run a seed
    // above it meanwhile).
    let dir_text = dir.to_str().unwrap();
    let args = ["check", "--seeds", "50", "--unsafe", "forget-vote", "--json", "--threads", "1", "--out-dir", dir_text];
    let out = raftsim(&args);
    assert_eq!(out.status.code(), Some(3));
    let v = json(&out);
    let seed = v["failure"]["seed"].as_u64().expect("the failing seed");
    assert_eq!(v["failure"]["property"], "Election Safety");
    assert_eq!(v["seeds_run"].as_u64(), Some(seed + 1), "{v}");
    assert!(dir.join(format!("raftsim-failure-{seed}.json")).exists(), "its scenario is written");
    assert!(!String::from_utf8_lossy(&out.stdout).contains("shrunk"), "not shrunk");
    // The same counts as the summary, on one thread or two.
    let safe = json(&raftsim(&["check", "--seeds", "20", "--json", "--threads", "1"]));
    let two = json(&raftsim(&["check", "--seeds", "20", "--json", "--threads", "2"]));
    assert_eq!((safe["seeds_run"].as_u64(), &safe["failure"]), (Some(20), &serde_json::Value::Null));
    assert_eq!(safe["events"], two["events"]);
    assert!(safe["seeds_per_second"].as_f64().unwrap() > 0.0);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn bench_reports_rates_and_accepts_workload_flags() {
    let out = raftsim(&["bench", "--seconds", "2", "--nodes", "3", "--latency-ms", "2,4", "--json"]);
    assert_eq!(out.status.code(), Some(0));
    let v = json(&out);
    assert!(v["events_per_second"].as_f64().unwrap() > 0.0);
    assert!(v["sim_seconds_per_wall_second"].as_f64().unwrap() > 0.0);
    assert_eq!(v["config"]["nodes"], 3);
    assert_eq!(raftsim(&["bench", "--nodes", "0"]).status.code(), Some(2));
    assert_eq!(raftsim(&["bench", "--latency-ms", "nope"]).status.code(), Some(2));
}

#[test]
fn run_reports_and_overrides_the_disruption_settings() {
    let plain = json(&raftsim(&["run", "rejoin-disrupts", "--json"]));
    assert_eq!((plain["pre_vote"].as_bool(), plain["check_quorum"].as_bool()), (Some(false), Some(false)));
    let forced = json(&raftsim(&["run", "rejoin-disrupts", "--json", "--pre-vote"]));
    assert_eq!(forced["pre_vote"].as_bool(), Some(true));
    let builtin = json(&raftsim(&["run", "rejoin-prevote", "--json"]));
    assert_eq!(forced["trace_hash"], builtin["trace_hash"], "the same scenario with PreVote on");
    assert_ne!(forced["trace_hash"], plain["trace_hash"]);
    let both = json(&raftsim(&["run", "cut-off-leader", "--json", "--check-quorum"]));
    assert_eq!(both["check_quorum"].as_bool(), Some(true));
    assert_ne!(both["nodes"][0]["role"], "leader", "S1 stepped down");
    let list = String::from_utf8_lossy(&raftsim(&["list"]).stdout).to_string();
    for name in ["rejoin-disrupts", "rejoin-prevote", "one-way-partition-checkquorum", "leadership-transfer"] {
        assert!(list.contains(name), "{name}");
    }
}

#[test]
fn membership_runs_report_configurations_and_the_campaign_flags_work() {
    let out = raftsim(&["run", "add-server", "--json", "--until-ms", "300"]);
    assert_eq!(out.status.code(), Some(0));
    let v = json(&out);
    let nodes = v["nodes"].as_array().unwrap();
    assert_eq!(nodes[0]["configuration"]["voters"], serde_json::json!([1, 2, 3]));
    assert_eq!(nodes[0]["member"], true);
    assert_eq!(nodes[4]["member"], false, "S5 starts outside the cluster");
    assert_eq!(nodes[4]["configuration"]["voters"], serde_json::json!([]));
    let out = raftsim(&["run", "add-server", "--json"]);
    let v = json(&out);
    for n in v["nodes"].as_array().unwrap() {
        assert_eq!(n["configuration"]["voters"], serde_json::json!([1, 2, 3, 4, 5]));
        assert!(n["configuration"].get("new_voters").is_none(), "not joint any more");
        assert_eq!(n["voter"], true);
    }
    // The unsafe scenario exits with the violation code; the campaign flags parse.
    assert_eq!(raftsim(&["run", "single-server-change-bug"]).status.code(), Some(3));
    let dir = std::env::temp_dir().join(format!("raftsim-cli-m-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let out = raftsim(&["check", "--seeds", "5", "--membership", "--out-dir", dir.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stdout));
    assert!(String::from_utf8_lossy(&out.stdout).contains("membership changes"));
    let out = raftsim(&[
        "check",
        "--seeds",
        "1",
        "--unsafe",
        "unsafe-single-server-change",
        "--out-dir",
        dir.to_str().unwrap(),
    ]);
    assert!(matches!(out.status.code(), Some(0) | Some(3)), "the rule name parses");
}

#[test]
fn run_json_reports_linearizability_and_a_stale_read_exits_3() {
    let out = raftsim(&["run", "read-index", "--json"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(json(&out)["linearizability"]["verdict"], "ok");

    let out = raftsim(&["run", "stale-read", "--json"]);
    assert_eq!(out.status.code(), Some(3), "a linearizability violation exits 3");
    let v = json(&out);
    assert_eq!(v["violations"].as_array().unwrap().len(), 0, "Raft's invariants hold");
    let lin = &v["linearizability"];
    assert_eq!(lin["verdict"], "violation");
    assert_eq!(lin["key"], "x");
    let ops = lin["ops"].as_array().unwrap();
    assert!(ops.iter().any(|o| o["kind"] == "get" && o["result"] == "1" && o["history_index"] == lin["culprit"]));
    for key in ["client", "seq", "invoked_ms", "completed_ms", "open"] {
        assert!(ops[0].get(key).is_some(), "op field {key}");
    }
    let text = raftsim(&["run", "stale-read"]);
    assert_eq!(text.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&text.stdout).contains("VIOLATION Linearizability"));
}

#[test]
fn check_with_stale_reads_finds_a_linearizability_violation_that_reproduces() {
    let dir = std::env::temp_dir().join(format!("raftsim-cli-stale-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let out = raftsim(&["check", "--seeds", "200", "--unsafe", "stale-reads", "--out-dir", dir.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(3));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("Linearizability"), "{stdout}");
    let file = std::fs::read_dir(&dir).unwrap().flatten().find(|e| e.file_name().to_string_lossy().ends_with(".json"));
    let file = file.expect("the failing scenario was written").path();
    let rerun = raftsim(&["run", file.to_str().unwrap(), "--json"]);
    assert_eq!(rerun.status.code(), Some(3));
    assert_eq!(json(&rerun)["linearizability"]["verdict"], "violation");
}

#[test]
fn a_run_cut_short_by_max_events_exits_4_and_says_so_in_json() {
    let out = raftsim(&["run", "steady-load", "--json", "--max-events", "1000"]);
    assert_eq!(out.status.code(), Some(4));
    let v = json(&out);
    assert_eq!(v["stopped"], "max-events");
    assert_eq!(v["events"], 1000);
    assert!(v["stopped_message"].as_str().unwrap().contains("1000 events"));
    assert!(String::from_utf8_lossy(&out.stderr).contains("raise --max-events"));
    // Without --json too.
    let out = raftsim(&["run", "steady-load", "--max-events", "1000"]);
    assert_eq!(out.status.code(), Some(4));
    assert!(String::from_utf8_lossy(&out.stdout).contains("STOPPED (max-events)"));
    // A run that reaches its end says `"stopped": null`.
    let v = json(&raftsim(&["run", "crash-example", "--json"]));
    assert!(v["stopped"].is_null());
    assert!(v["stopped_message"].is_null());
}

#[test]
fn a_run_over_its_memory_budget_exits_4_naming_the_budget() {
    let path = temp_file(
        "heavy.json",
        r#"{"name": "heavy", "nodes": 9, "duration_ms": 86400000,
            "workload": {"clients": 16, "interval_ms": 0.1, "keys": 1000, "get_ratio": 0}}"#,
    );
    let out = raftsim(&["run", path.to_str().unwrap(), "--json", "--memory-budget-mb", "8"]);
    assert_eq!(out.status.code(), Some(4));
    let v = json(&out);
    assert_eq!(v["stopped"], "memory-budget");
    assert!(v["end_ms"].as_f64().unwrap() < 86_400_000.0);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("memory budget of 8 MiB") && err.contains("--memory-budget-mb"), "{err}");
    // Bad budgets are bad input.
    let out = raftsim(&["run", "steady-load", "--memory-budget-mb", "0"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn replay_reports_whether_the_run_was_stopped() {
    let path = temp_file("replay-me.json", r#"{"name": "r", "nodes": 3, "duration_ms": 2000}"#);
    let out = raftsim(&["replay", path.to_str().unwrap(), "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let v = json(&out);
    assert!(v.get("stopped").is_some_and(|s| s.is_null()));
}

#[test]
fn each_distinct_violation_is_listed_once_with_when_it_began() {
    let out = raftsim(&["run", "single-server-change-bug", "--json"]);
    assert_eq!(out.status.code(), Some(3));
    let v = json(&out);
    let violations = v["violations"].as_array().unwrap();
    let election: Vec<_> = violations.iter().filter(|v| v["property"] == "Election Safety").collect();
    assert_eq!(election.len(), 1, "listed once, not after every event");
    let e = election[0];
    assert_eq!(e["message"], "S1 and S3 are both leaders of term 3");
    assert_eq!(e["began_event"], e["event"]);
    assert!(e["began_ms"].as_f64().unwrap() > 0.0);
    assert!(e["ended_ms"].is_null(), "still two leaders at the end");
    assert_eq!(e["lasting"], true);
    assert!(e["detections"].as_u64().unwrap() > 50);
    assert_eq!(v["violations_total"].as_u64().unwrap(), violations.len() as u64);
    let text = String::from_utf8_lossy(&raftsim(&["run", "single-server-change-bug"]).stdout).to_string();
    assert_eq!(text.matches("are both leaders of term 3").count(), 1, "{text}");
    assert!(text.contains("still at the end"), "{text}");
}

/// Run raftsim with `stdin` fed from a thread (it may stop reading early: write errors are
/// expected), failing the test if it takes longer than `secs` (an unbounded read never ends).
fn raftsim_within(args: &[&str], stdin_bytes: usize, secs: u64) -> Output {
    use std::io::Write as _;
    use std::process::Stdio;
    let mut child = Command::new(env!("CARGO_BIN_EXE_raftsim"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("raftsim starts");
    let mut stdin = child.stdin.take().expect("a pipe");
    let feeder = std::thread::spawn(move || {
        let chunk = vec![b' '; 64 * 1024];
        let mut left = stdin_bytes;
        while left > 0 {
            let n = left.min(chunk.len());
            if stdin.write_all(&chunk[..n]).is_err() {
                break;
            }
            left -= n;
        }
    });
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(secs);
    while child.try_wait().expect("waits").is_none() {
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            panic!("raftsim {args:?} did not finish within {secs} s");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let out = child.wait_with_output().expect("output");
    let _ = feeder.join();
    out
}

#[test]
fn endless_and_oversized_input_is_cut_at_the_cap() {
    // Before: `run /dev/zero` grew by about 1.2 GB/s and never ended; replay and tour too.
    for command in ["run", "replay", "tour"] {
        let out = raftsim_within(&[command, "/dev/zero"], 0, 20);
        assert_eq!(out.status.code(), Some(2), "{command}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("/dev/zero") && err.contains("limit of 1048576 bytes"), "{command}: {err}");
    }
    // Before: 50 MB through a pipe were read in full before being refused.
    for source in ["-", "/dev/stdin"] {
        let out = raftsim_within(&["run", source], 50_000_000, 20);
        assert_eq!(out.status.code(), Some(2), "{source}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("limit of 1048576 bytes"), "{source}: {err}");
    }
    // Just over the cap from a file: refused; a scenario on standard input: read.
    let big =
        temp_file("big.json", &format!(r#"{{"name": "m", "nodes": 3, "description": "{}"}}"#, "x".repeat(1 << 20)));
    let out = raftsim(&["run", big.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("big.json: is larger than the limit"));
}

#[test]
fn standard_input_symlinks_directories_and_devices_get_clear_messages() {
    use std::io::Write as _;
    use std::process::Stdio;
    let mut child = Command::new(env!("CARGO_BIN_EXE_raftsim"))
        .args(["run", "-", "--json"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(br#"{"name": "piped", "nodes": 3, "duration_ms": 500}"#).unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(json(&out)["name"], "piped");

    let target = temp_file("target.json", r#"{"name": "linked", "nodes": 3, "duration_ms": 500}"#);
    let link = target.with_file_name("link.json");
    let _ = std::fs::remove_file(&link);
    std::os::unix::fs::symlink(&target, &link).unwrap();
    let out = raftsim(&["run", link.to_str().unwrap(), "--json"]);
    assert_eq!(json(&out)["name"], "linked");
    let to_zero = target.with_file_name("zero.json");
    let _ = std::fs::remove_file(&to_zero);
    std::os::unix::fs::symlink("/dev/zero", &to_zero).unwrap();
    let out = raftsim(&["run", to_zero.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("zero.json: is larger than the limit"));

    let dir = target.parent().unwrap().to_str().unwrap().to_string();
    for command in ["run", "replay", "tour"] {
        let out = raftsim(&[command, &dir]);
        assert_eq!(out.status.code(), Some(2), "{command}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("is a directory"), "{command}: {err}");
    }
    let out = raftsim(&["run", "/dev/null"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/dev/null: not valid JSON"));
    let out = raftsim(&["replay", "/nonexistent/run.json"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no such file"));
}

#[test]
fn list_prints_no_runs_of_spaces_inside_descriptions() {
    // Before: removed-server-prevote's description held four runs of ~20 spaces.
    let list = String::from_utf8(raftsim(&["list"]).stdout).unwrap();
    // Each scenario is a line `name  N nodes, T ms`, then its description, indented.
    let descriptions: Vec<&str> = list.lines().filter(|l| l.starts_with(' ')).map(str::trim_start).collect();
    assert!(descriptions.len() > 20, "{list}");
    for text in descriptions {
        assert!(!text.contains("  "), "a description with a run of spaces: {text}");
    }
}

#[test]
fn strict_formats_on_the_command_line() {
    let heal =
        temp_file("heal.json", r#"{"name": "x", "nodes": 3, "timeline": [{"at_ms": 5, "action": "heal", "node": 1}]}"#);
    let out = raftsim(&["run", heal.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("heal.json") && err.contains("timeline[0].node") && err.contains("unknown field"), "{err}");
    let workload = temp_file("workload.json", r#"{"name": "x", "nodes": 3, "workload": [2, 100]}"#);
    let err = String::from_utf8_lossy(&raftsim(&["run", workload.to_str().unwrap()]).stderr).to_string();
    assert!(err.contains("field `workload`: must be an object"), "{err}");
}

/// A run the page made in manual delivery (votes delivered by hand in the order that makes S2
/// win S3's vote, though S1 asked first) replays here to the same trace.
#[test]
fn replay_of_a_manual_delivery_export_gives_the_pages_hash() {
    use raft_sim::network::Endpoint;
    use raft_sim::scenario::{Action, MAX_DURATION_MS};
    use raft_sim::session::Session;
    use raft_sim::share::{RunDocument, View};
    let mut scenario = raft_sim::Scenario::new("manual", 3, 11);
    scenario.duration_ms = MAX_DURATION_MS;
    let mut session = Session::new(&scenario).unwrap();
    for action in [Action::ManualDelivery { on: true }, Action::Timeout { node: 1 }, Action::Timeout { node: 2 }] {
        session.act(action).unwrap();
    }
    let to_s3: Vec<u64> = session.sim().held().filter(|m| m.to == Endpoint::Node(3)).map(|m| m.id).collect();
    assert_eq!(to_s3.len(), 2);
    for &message in to_s3.iter().rev() {
        session.act(Action::DeliverMessage { message }).unwrap();
        session.step();
    }
    assert_eq!(session.sim().node(3).unwrap().raft.as_ref().unwrap().voted_for(), Some(2));
    let path = temp_file("manual-run.json", &RunDocument::of(&session, View::default()).to_json());
    let out = raftsim(&["replay", path.to_str().unwrap(), "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(json(&out)["trace_hash"], session.sim().trace_hash_hex());
}

#[test]
fn tour_text_announces_each_steps_non_default_settings_as_the_page_does() {
    let out = raftsim(&["tour", "leader-crash", "--text"]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("This step's cluster: election timeout 300-600 ms; no no-op entry on election"), "{text}");
    // A tour that runs with the defaults announces nothing.
    let out = raftsim(&["tour", "leader-election", "--text"]);
    assert!(!String::from_utf8_lossy(&out.stdout).contains("This step's cluster"));
}

#[test]
fn run_traces_roles_triggers_and_rules_and_names_a_skipped_action() {
    let scenario = r#"{"name": "additions", "nodes": 3, "seed": 1, "duration_ms": 1500,
        "timeline": [
            {"at_ms": 0, "action": "crash", "node": "leader"},
            {"at_ms": 1000, "action": "message_rule", "rule": "drop", "kind": "AppendEntries", "from": "leader", "for_ms": 120}
        ],
        "triggers": [{"when": {"event": "becomes_leader"}, "do": {"action": "pause", "node": "a follower"}}]}"#;
    let path = temp_file("additions.json", scenario);
    let out = raftsim(&["run", path.to_str().unwrap(), "--trace"]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    for says in [
        "crash skipped: node: there is no leader",
        "trigger 0 (a server becomes leader) fires (1 of 1): S",
        "pause: node \"a follower\" = S",
        "message rule 1 in force: drop AppendEntries S",
        "AppendEntries dropped (MessageRule)",
        "  at 0.0 ms: crash skipped: node: there is no leader",
    ] {
        assert!(text.contains(says), "{says:?} not in\n{text}");
    }
    // A bad role is refused naming the field, exit 2.
    let path = temp_file(
        "bad-role.json",
        r#"{"name": "b", "nodes": 3, "timeline": [{"at_ms": 1, "action": "isolate", "node": "the leader"}]}"#,
    );
    let out = raftsim(&["run", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("timeline[0].node"));
}

#[test]
fn events_print_the_run_as_json_lines() {
    let out = raftsim(&["run", "figure-7", "--events"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let lines: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is one JSON object"))
        .collect();
    for l in &lines {
        assert!(l["at_ms"].is_number() && l["kind"].is_string(), "{l}");
    }
    let kind = |k: &str| lines.iter().filter(|l| l["kind"] == k).collect::<Vec<_>>();
    assert_eq!(kind("election")[0]["node"], 1);
    let leader = kind("leader");
    assert_eq!((leader[0]["node"].as_u64(), leader[0]["term"].as_u64()), (Some(1), Some(8)));
    assert_eq!(leader[0]["votes"], serde_json::json!([1, 2, 3, 6]));
    let overwritten: Vec<u64> = kind("overwritten").iter().map(|l| l["node"].as_u64().unwrap()).collect();
    assert_eq!(overwritten, vec![4, 5, 6, 7]);
    assert_eq!(kind("commit").last().unwrap()["index"], 11);
    assert!(kind("expect").iter().all(|l| l["holds"] == true));
    let end = lines.last().unwrap();
    assert_eq!(end["kind"], "end");
    assert_eq!(end["trace_hash"], json(&raftsim(&["run", "figure-7", "--json"]))["trace_hash"]);
    assert_eq!(end["expect_failed"], 0);
    // --events is its own output.
    assert_eq!(raftsim(&["run", "figure-7", "--events", "--json"]).status.code(), Some(2));
}

#[test]
fn a_claim_of_expect_that_does_not_hold_exits_5_saying_what_was_seen() {
    let path = temp_file(
        "expect.json",
        r#"{"name": "e", "nodes": 3, "duration_ms": 2000,
            "expect": [{"check": "leader"}, {"at_ms": 500, "check": "term_at_least", "term": 40}]}"#,
    );
    let out = raftsim(&["run", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(5));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("expect: 1 of 2 claims hold"), "{text}");
    assert!(text.contains("EXPECT FAILED expect[1] at 500.000 ms"), "{text}");
    assert!(text.contains("\"term_at_least\""), "{text}");
    assert!(text.contains("seen: "), "{text}");
    let v = json(&raftsim(&["run", path.to_str().unwrap(), "--json"]));
    assert_eq!(v["expect"][1]["holds"], false);
    assert!(v["expect"][1]["seen"].as_str().unwrap().contains("term"));
    // A violation still exits 3, whatever the claims say.
    let out = raftsim(&["run", "figure-8-unsafe"]);
    assert_eq!(out.status.code(), Some(3));
}

#[test]
fn check_shrinks_what_it_finds_unless_told_not_to() {
    let dir = std::env::temp_dir().join(format!("raftsim-cli-shrink-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let out = raftsim(&["check", "--seeds", "50", "--unsafe", "forget-vote", "--out-dir", dir.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(3));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("  before: ") && stdout.contains("  after:  "), "{stdout}");
    assert!(stdout.contains("VIOLATION Election Safety"), "the story ends at the violation: {stdout}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("shrink: attempt"), "progress on stderr");
    let shrunk = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .find(|e| e.file_name().to_string_lossy().ends_with("-shrunk.json"))
        .expect("the shrunk scenario was written")
        .path();
    assert_eq!(raftsim(&["run", shrunk.to_str().unwrap()]).status.code(), Some(3), "it reproduces");
    std::fs::remove_file(&shrunk).unwrap();

    let out = raftsim(&[
        "check",
        "--seeds",
        "50",
        "--unsafe",
        "forget-vote",
        "--no-shrink",
        "--out-dir",
        dir.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(3));
    assert!(!String::from_utf8_lossy(&out.stdout).contains("before:"));
    assert!(!std::fs::read_dir(&dir).unwrap().flatten().any(|e| e.file_name().to_string_lossy().contains("shrunk")));
}

#[test]
fn shrink_writes_a_smaller_scenario_the_same_way_twice() {
    let dir = std::env::temp_dir().join(format!("raftsim-cli-shrink2-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let out = raftsim(&[
        "check",
        "--seeds",
        "50",
        "--unsafe",
        "forget-vote",
        "--no-shrink",
        "--out-dir",
        dir.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(3));
    let raw = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .find(|e| e.file_name().to_string_lossy().starts_with("raftsim-failure-"))
        .expect("written")
        .path();
    let (first, second) = (dir.join("first.json"), dir.join("second.json"));
    let a = raftsim(&["shrink", raw.to_str().unwrap(), "--out", first.to_str().unwrap()]);
    assert_eq!(a.status.code(), Some(3), "{}", String::from_utf8_lossy(&a.stderr));
    let b = raftsim(&["shrink", raw.to_str().unwrap(), "--out", second.to_str().unwrap()]);
    assert_eq!(std::fs::read(&first).unwrap(), std::fs::read(&second).unwrap(), "deterministic");
    let text = |o: &Output| {
        String::from_utf8_lossy(&o.stdout)
            .lines()
            .filter(|l| !l.starts_with("shrunk ("))
            .map(|l| l.replace("second.json", "first.json"))
            .collect::<Vec<_>>()
    };
    assert_eq!(text(&a), text(&b), "the same sizes and story (the time taken aside)");
    let size = |path: &PathBuf| {
        let v: serde_json::Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
        (v["timeline"].as_array().map_or(0, |t| t.len()), v["duration_ms"].as_f64().unwrap())
    };
    let (raw_size, small) = (size(&raw), size(&first));
    assert!(small.0 < raw_size.0 && small.1 < raw_size.1, "{raw_size:?} -> {small:?}");
    assert_eq!(raftsim(&["run", first.to_str().unwrap()]).status.code(), Some(3));
    // --max-attempts 0 changes nothing but still writes (and reports) the scenario.
    let zero = raftsim(&["shrink", raw.to_str().unwrap(), "--max-attempts", "0", "--out", second.to_str().unwrap()]);
    assert_eq!(zero.status.code(), Some(3));
    assert_eq!(size(&second), raw_size);
}

#[test]
fn shrink_refuses_bad_input_and_scenarios_that_break_nothing() {
    let out = raftsim(&["shrink", "/no/such/file.json"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no such file"));
    let bad = temp_file("shrink-bad.json", r#"{"name": "b", "nodes": 0}"#);
    let out = raftsim(&["shrink", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("nodes"), "{}", String::from_utf8_lossy(&out.stderr));
    let safe = temp_file("shrink-safe.json", r#"{"name": "s", "nodes": 3, "duration_ms": 1000}"#);
    let out = raftsim(&["shrink", safe.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("nothing to shrink"));
    assert_eq!(raftsim(&["shrink", safe.to_str().unwrap(), "--max-attempts", "x"]).status.code(), Some(2));
}

#[test]
fn catalogue_prints_the_english_a_translator_starts_from_and_checks_a_language() {
    let out = raftsim(&["catalogue", "tour", "leader-election"]);
    assert_eq!(out.status.code(), Some(0));
    let v = json(&out);
    assert_eq!(v["1.title"], "Everyone starts as a follower");
    assert!(v["2.text.1"].as_str().is_some_and(|t| t.starts_with("S2's timer")));
    let glossary = json(&raftsim(&["catalogue", "glossary"]));
    assert!(glossary["log.forms"].as_str().is_some_and(|f| f.contains(" | ")), "{}", glossary["log.forms"]);
    let scenarios = json(&raftsim(&["catalogue", "scenarios"]));
    assert_eq!(scenarios["group.Elections"], "Elections");
    assert_eq!(scenarios["first-election.title"], "First election");
    let out = raftsim(&["catalogue", "tour", "no-such-tour"]);
    assert_eq!(out.status.code(), Some(2));

    // The shipped Chinese folder passes.
    let zh = concat!(env!("CARGO_MANIFEST_DIR"), "/../playground/text/zh-CN");
    let out = raftsim(&["catalogue", "check", zh]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stdout));
    // A folder with one catalogue missing an id and one with an extra id, a placeholder
    // changed in ui.json, and a tour file no tour has.
    let dir = std::env::temp_dir().join(format!("raftsim-catalogue-{}", std::process::id()));
    let lang = dir.join("xx");
    std::fs::create_dir_all(lang.join("tours")).unwrap();
    std::fs::create_dir_all(dir.join("en")).unwrap();
    for entry in std::fs::read_dir(format!("{zh}/tours")).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, lang.join("tours").join(path.file_name().unwrap())).unwrap();
    }
    let mut scenarios: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(&std::fs::read_to_string(format!("{zh}/scenarios.json")).unwrap()).unwrap();
    scenarios.remove("split-vote.title");
    scenarios.insert("nonexistent.title".into(), "x".into());
    std::fs::write(lang.join("scenarios.json"), serde_json::to_string(&scenarios).unwrap()).unwrap();
    std::fs::write(lang.join("glossary.json"), std::fs::read_to_string(format!("{zh}/glossary.json")).unwrap())
        .unwrap();
    std::fs::write(dir.join("en/ui.json"), r#"{"a.b": "S{node} is down", "a.c": "x"}"#).unwrap();
    std::fs::write(lang.join("ui.json"), r#"{"a.b": "S{server}宕机", "a.c": "叉"}"#).unwrap();
    std::fs::write(lang.join("tours/not-a-tour.json"), "{}").unwrap();
    let out = raftsim(&["catalogue", "check", lang.to_str().unwrap()]);
    let said = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{said}");
    assert!(said.contains("scenarios.json: missing id \"split-vote.title\""), "{said}");
    assert!(said.contains("scenarios.json: extra id \"nonexistent.title\""), "{said}");
    assert!(said.contains("ui.json: \"a.b\" has the placeholders"), "{said}");
    assert!(said.contains("not-a-tour.json: no shipped tour has this id"), "{said}");
    assert!(said.contains("4 problem(s)"), "{said}");
    let out = raftsim(&["catalogue", "check", dir.join("nowhere").to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_liveness_failure_is_reported_apart_exits_6_and_shrinks() {
    let text = raftsim(&["run", "latency-above-timeout"]);
    assert_eq!(text.status.code(), Some(6), "a liveness failure, nothing else: exit 6");
    let stdout = String::from_utf8_lossy(&text.stdout);
    assert!(stdout.contains("no invariant violated"), "{stdout}");
    assert!(stdout.contains("LIVENESS Leader Elected failed at"), "{stdout}");
    assert!(stdout.contains("expect: 3 of 3 claims hold"), "{stdout}");
    let out = raftsim(&["run", "one-way-partition-no-leader", "--json"]);
    assert_eq!(out.status.code(), Some(6));
    let v = json(&out);
    assert_eq!(v["violations"].as_array().map(Vec::len), Some(0), "safety is clean");
    let liveness = v["liveness"].as_array().expect("a liveness list");
    let statuses: Vec<&str> = liveness.iter().map(|l| l["status"].as_str().unwrap_or("")).collect();
    assert_eq!(statuses, ["failed", "failed", "off"]);
    assert_eq!(liveness[0]["property"], "Leader Elected");
    assert!(liveness[0]["failed_ms"].as_f64().is_some() && liveness[0]["message"].is_string());
    // A safe run judges liveness and passes.
    let safe = raftsim(&["run", "steady-load"]);
    assert_eq!(safe.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&safe.stdout).contains("liveness: Leader Elected holds"));
    // Shrinking a liveness failure: exit 6, a smaller scenario that still fails.
    let shrunk = std::env::temp_dir().join(format!("raftsim-cli-live-{}.json", std::process::id()));
    let out = raftsim(&["shrink", "one-way-partition-no-leader", "--out", shrunk.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(6), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("shrunk (Leader Elected)") && stdout.contains("LIVENESS Leader Elected:"), "{stdout}");
    let rerun = raftsim(&["run", shrunk.to_str().unwrap(), "--json"]);
    assert_eq!(rerun.status.code(), Some(6));
    assert_eq!(json(&rerun)["liveness"][0]["status"], "failed");
}
