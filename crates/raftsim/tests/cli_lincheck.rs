//! `raftsim lincheck`: histories from elsewhere (Porcupine's vendored test data), judged with
//! exit 0 / 3 / 4 / 2, the unorderable operations printed, bad input named by line and field,
//! and the JSON lines the benchmark reads.
use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

fn raftsim(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_raftsim")).args(args).output().expect("raftsim runs")
}

fn data(path: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../third_party/porcupine/test_data")
        .join(path)
        .to_string_lossy()
        .into_owned()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn a_linearizable_history_exits_0() {
    let out = raftsim(&["lincheck", &data("jepsen/etcd_002.log")]);
    assert_eq!(out.status.code(), Some(0), "{}{}", stdout(&out), stderr(&out));
    assert!(stdout(&out).contains("etcd_002.log: linearizable"), "{}", stdout(&out));
    let out = raftsim(&["lincheck", &data("kv/c10-ok.txt"), "--format", "porcupine-kv"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
}

#[test]
fn a_violation_exits_3_and_names_the_operations_that_cannot_be_ordered() {
    let out = raftsim(&["lincheck", &data("jepsen/etcd_000.log")]);
    assert_eq!(out.status.code(), Some(3), "{}{}", stdout(&out), stderr(&out));
    let text = stdout(&out);
    for part in ["NOT linearizable", "cannot be ordered", "culprit: line 85", "longest partial linearization"] {
        assert!(text.contains(part), "{part:?} in\n{text}");
    }
    // Each operation with its line, client and description.
    assert!(
        text.lines().any(|l| l.trim_start().starts_with("line ") && l.contains("client") && l.contains("write(")),
        "{text}"
    );
    // Several files: one bad is enough for 3.
    let out = raftsim(&["lincheck", &data("jepsen/etcd_002.log"), &data("kv/c01-bad.txt")]);
    assert_eq!(out.status.code(), Some(3));
    assert!(stdout(&out).contains("on key \"7\""), "{}", stdout(&out));
}

#[test]
fn json_is_one_object_per_file_with_the_fields_the_benchmark_reads() {
    let out = raftsim(&["lincheck", "--json", &data("kv/c01-bad.txt"), &data("jepsen/etcd_002.log")]);
    assert_eq!(out.status.code(), Some(3));
    let lines: Vec<serde_json::Value> =
        stdout(&out).lines().map(|l| serde_json::from_str(l).expect("a JSON object a line")).collect();
    assert_eq!(lines.len(), 2);
    let bad = &lines[0];
    assert!(bad["file"].as_str().unwrap().ends_with("c01-bad.txt"));
    assert_eq!(bad["format"], "porcupine-kv");
    assert_eq!(bad["model"], "key-value");
    assert_eq!(bad["verdict"], "violation");
    assert_eq!(bad["operations"], 38);
    assert_eq!(bad["partitions"], 8);
    assert!(bad["steps"].as_u64().unwrap() > 0);
    assert!(bad["elapsed_us"].is_u64());
    assert!(bad["verdict_us"].as_u64().unwrap() <= bad["elapsed_us"].as_u64().unwrap(), "the verdict comes first");
    let unorderable = bad["unorderable"].as_array().unwrap();
    assert!(!unorderable.is_empty());
    for o in unorderable {
        assert!(o["line"].is_u64() && o["client"].is_u64() && o["op"].is_string(), "{o}");
    }
    let good = &lines[1];
    assert_eq!(
        (good["verdict"].as_str(), good["format"].as_str(), good["model"].as_str()),
        (Some("ok"), Some("jepsen"), Some("register"))
    );
    assert_eq!(good["unorderable"].as_array().map(Vec::len), Some(0));
}

#[test]
fn an_exhausted_budget_says_unknown_and_exits_4() {
    let out = raftsim(&["lincheck", &data("jepsen/etcd_002.log"), "--budget", "100"]);
    assert_eq!(out.status.code(), Some(4));
    assert!(stdout(&out).contains("unknown: 100 search steps were not enough"), "{}", stdout(&out));
}

#[test]
fn bad_input_exits_2_naming_the_file_line_and_field() {
    let dir = std::env::temp_dir().join(format!("raftsim-lincheck-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("broken.log");
    std::fs::write(&file, "INFO  jepsen.util - 0\t:invoke\t:read\tnil\nINFO  jepsen.util - 0\t:ok\t:read\tseven\n")
        .unwrap();
    let out = raftsim(&["lincheck", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("broken.log: line 2, value: expected an integer, found 'seven'"), "{err}");
    // --json says it too, as a line the benchmark can read.
    let out = raftsim(&["lincheck", "--json", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let v: serde_json::Value = serde_json::from_str(stdout(&out).trim()).unwrap();
    assert_eq!(
        (v["verdict"].as_str(), v["line"].as_u64(), v["field"].as_str()),
        (Some("bad_input"), Some(2), Some("value"))
    );
    // A directory, a device, an empty file, a file of neither format, a bad --format.
    let empty = dir.join("empty.log");
    std::fs::write(&empty, "").unwrap();
    let binary = dir.join("binary.log");
    std::fs::write(&binary, [0x00u8, 0x9f, 0x92, 0x96, 0xff]).unwrap();
    let prose = dir.join("prose.txt");
    std::fs::write(&prose, "hello world\n").unwrap();
    for (args, says) in [
        (vec![dir.to_str().unwrap()], "is a directory"),
        (vec!["/dev/zero"], "larger than the limit"),
        (vec![empty.to_str().unwrap()], "empty"),
        (vec![binary.to_str().unwrap()], "UTF-8"),
        (vec![prose.to_str().unwrap()], "line 1, format: neither a Jepsen log"),
        (vec!["--format", "csv", prose.to_str().unwrap()], "--format csv"),
    ] {
        let mut all = vec!["lincheck"];
        all.extend(args.iter().copied());
        let out = raftsim(&all);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(stderr(&out).contains(says), "{args:?}: {}", stderr(&out));
    }
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn standard_input_is_read_bounded() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_raftsim"))
        .args(["lincheck", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let text = std::fs::read(data("kv/c01-ok.txt")).unwrap();
    child.stdin.take().unwrap().write_all(&text).unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).contains("standard input: linearizable"), "{}", stdout(&out));
}
