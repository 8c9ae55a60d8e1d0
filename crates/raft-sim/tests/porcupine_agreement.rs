//! Every history of Porcupine's test data gets Porcupine's verdict: the 102 Jepsen logs of etcd
//! (the expected verdicts read from Porcupine's own `porcupine_test.go`, its
//! `checkJepsen(t, N, true|false)` lines) and the 6 key-value logs (the verdict in the file's
//! name). "Unknown" is a failure: the default budget must decide every one.
use raft_sim::lincheck::{self, Format, Verdict};
use std::path::{Path, PathBuf};

fn porcupine() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../third_party/porcupine")
}

/// `checkJepsen(t, N, bool)` lines of porcupine_test.go: (N, linearizable).
fn expected_jepsen() -> Vec<(u32, bool)> {
    let source = std::fs::read_to_string(porcupine().join("porcupine_test.go")).expect("porcupine_test.go vendored");
    let mut out = Vec::new();
    for line in source.lines() {
        let line = line.trim();
        let Some(args) = line.strip_prefix("checkJepsen(t, ").and_then(|r| r.strip_suffix(')')) else { continue };
        let (n, verdict) = args.split_once(", ").expect("checkJepsen(t, N, bool)");
        out.push((n.parse().expect("a log number"), verdict == "true"));
    }
    out
}

fn judge(path: &Path, format: Format) -> (Verdict, lincheck::History, lincheck::Judgement) {
    let text = std::fs::read_to_string(path).expect("readable history");
    let history = lincheck::parse(&text, None).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert_eq!(history.format, format, "{} detected as {:?}", path.display(), history.format);
    let judgement = lincheck::check(&history, lincheck::DEFAULT_LINCHECK_BUDGET);
    (judgement.verdict, history, judgement)
}

#[test]
fn porcupine_test_go_lists_102_jepsen_histories_23_linearizable() {
    let expected = expected_jepsen();
    assert_eq!(expected.len(), 102);
    assert_eq!(expected.iter().filter(|(_, ok)| *ok).count(), 23);
    assert_eq!(expected.iter().filter(|(_, ok)| !*ok).count(), 79);
    // Every one names a vendored log, and every vendored log is named (there is no 095).
    let mut named: Vec<String> = expected.iter().map(|(n, _)| format!("etcd_{n:03}.log")).collect();
    named.sort();
    let mut files: Vec<String> = std::fs::read_dir(porcupine().join("test_data/jepsen"))
        .expect("jepsen test data")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".log"))
        .collect();
    files.sort();
    // Porcupine ships an empty etcd_095.log and does not test it.
    files.retain(|f| f != "etcd_095.log");
    assert_eq!(named, files);
}

#[test]
fn every_jepsen_history_gets_porcupines_verdict() {
    let mut wrong = Vec::new();
    for (n, ok) in expected_jepsen() {
        let path = porcupine().join(format!("test_data/jepsen/etcd_{n:03}.log"));
        let (verdict, history, judgement) = judge(&path, Format::Jepsen);
        let want = if ok { Verdict::Ok } else { Verdict::Violation };
        if verdict != want {
            wrong.push(format!("etcd_{n:03}: {verdict:?}, Porcupine says {want:?} ({} steps)", judgement.steps));
        }
        check_evidence(&history, &judgement);
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn every_kv_history_gets_porcupines_verdict() {
    let dir = porcupine().join("test_data/kv");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("kv test data")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".txt"))
        .collect();
    names.sort();
    assert_eq!(names.len(), 6, "{names:?}");
    for name in names {
        let want = if name.contains("-ok") { Verdict::Ok } else { Verdict::Violation };
        let (verdict, history, judgement) = judge(&dir.join(&name), Format::PorcupineKv);
        assert_eq!(verdict, want, "{name}");
        check_evidence(&history, &judgement);
    }
}

/// A violation names operations that cannot be ordered; a linearizable partition has a
/// linearization holding every operation that returned.
fn check_evidence(history: &lincheck::History, judgement: &lincheck::Judgement) {
    for p in &judgement.partitions {
        assert_eq!(p.best_for_op.len(), p.ops.len());
        match p.verdict {
            Verdict::Ok => {
                assert_eq!(p.linearizations.len(), 1);
                assert!(p.unorderable.is_empty());
                for (&i, best) in p.ops.iter().zip(&p.best_for_op) {
                    if history.ops[i].ret.is_some() && history.ops[i].output != lincheck::Output::Fail {
                        assert_eq!(*best, Some(0), "{} is in the linearization", history.ops[i].describe());
                    }
                }
            }
            Verdict::Violation => {
                assert!(p.culprit.is_some());
                assert!(!p.linearizations.is_empty());
                assert!(p.best_for_op.iter().all(|b| b.is_none_or(|b| b < p.linearizations.len())));
                unorderable_is_minimal(history, &p.unorderable);
            }
            // Another partition's violation decided the history first.
            Verdict::Unknown => assert_eq!(judgement.verdict, Verdict::Violation),
        }
    }
}

/// The history of just `ops` (indices into `history`).
fn sub(history: &lincheck::History, ops: &[usize]) -> lincheck::History {
    lincheck::History { ops: ops.iter().map(|&i| history.ops[i].clone()).collect(), ..history.clone() }
}

/// The same operations, all concurrent: real time forgotten.
fn timeless(history: &lincheck::History) -> lincheck::History {
    let mut h = history.clone();
    for o in &mut h.ops {
        o.call = 0;
        o.ret = o.ret.map(|_| 1);
    }
    h
}

/// The set cannot be ordered, and removing any one of its operations leaves a set that can,
/// or one whose results no order explains even with real time forgotten (a read of a value
/// nobody in it wrote: removing the write a stale read saw says nothing about order).
fn unorderable_is_minimal(history: &lincheck::History, set: &[usize]) {
    assert!(!set.is_empty());
    let budget = lincheck::DEFAULT_LINCHECK_BUDGET;
    assert_eq!(lincheck::check(&sub(history, set), budget).verdict, Verdict::Violation);
    for drop in 0..set.len() {
        let rest: Vec<usize> = set.iter().enumerate().filter(|&(j, _)| j != drop).map(|(_, &i)| i).collect();
        let h = sub(history, &rest);
        if lincheck::check(&h, budget).verdict != Verdict::Ok {
            assert_eq!(
                lincheck::check(&timeless(&h), budget).verdict,
                Verdict::Violation,
                "removing {} leaves a set that still cannot be ordered",
                history.ops[set[drop]].describe()
            );
        }
    }
}
