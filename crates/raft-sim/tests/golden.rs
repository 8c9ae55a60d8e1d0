//! Behaviour pinned across commits: the trace hash of every built-in scenario and of every tour
//! step, and the full text trace of a few short built-ins, as stored in `tests/golden/`.
//!
//! A change that alters a run on purpose rewrites them with
//!
//! ```sh
//! RAFTSIM_BLESS=1 cargo test -p raft-sim --test golden
//! ```
//!
//! and says in its commit message why the runs changed. Any other difference fails here.
use raft_sim::scenario::ms_to_us;
use raft_sim::{builtin, tour, Simulation};
use std::fmt::Write as _;
use std::path::PathBuf;

/// Short built-ins whose every event is pinned, not just their hash: a difference shows where a
/// run first went another way.
const TRACED: [&str; 3] = ["first-election", "split-vote", "crash-example"];

fn golden_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
}

fn blessing() -> bool {
    std::env::var_os("RAFTSIM_BLESS").is_some_and(|v| v != "0")
}

/// Compare `actual` with the golden file `name`, or rewrite it when blessing.
fn check(name: &str, actual: &str) {
    let path = golden_dir().join(name);
    if blessing() {
        std::fs::create_dir_all(path.parent().expect("inside tests/golden")).expect("create the golden folder");
        std::fs::write(&path, actual).expect("write the golden file");
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_default();
    if expected == actual {
        return;
    }
    let first_difference = expected
        .lines()
        .zip(actual.lines())
        .enumerate()
        .find(|(_, (e, a))| e != a)
        .map(|(i, (e, a))| format!("line {}:\n  golden: {e}\n  now:    {a}", i + 1))
        .unwrap_or_else(|| {
            format!("the golden file has {} lines, the run {}", expected.lines().count(), actual.lines().count())
        });
    panic!(
        "{} differs from this run ({first_difference}).\nIf the change is intended, rewrite the golden files with\n  \
         RAFTSIM_BLESS=1 cargo test -p raft-sim --test golden\nand say why in the commit message.",
        path.display()
    );
}

fn hashes() -> String {
    let mut out =
        String::from("# kind name [step] trace-hash events  (RAFTSIM_BLESS=1 cargo test -p raft-sim --test golden)\n");
    for scenario in builtin::list() {
        let mut sim = Simulation::new(&scenario).expect("built-ins are valid");
        sim.run_to_end();
        writeln!(out, "builtin {} {} {}", scenario.name, sim.trace_hash_hex(), sim.events()).unwrap();
    }
    for t in tour::list() {
        for (i, step) in t.steps.iter().enumerate() {
            let at = ms_to_us(step.pause_ms.unwrap_or(step.start_ms));
            if let Some((_, builtin)) = t.course_step(i) {
                // Another protocol's run, pinned the same way at the step's pause.
                let mut run = raft_sim::playback::protocol_run::open_builtin(builtin).expect("a built-in");
                run.seek_time(at);
                writeln!(out, "tour {} {} {:016x} {}", t.id, i + 1, run.trace_hash(), run.events()).unwrap();
                continue;
            }
            let scenario = t.scenario_at(i).expect("shipped tours are valid");
            let mut sim = Simulation::new(&scenario).expect("shipped tours are valid");
            sim.run_until(ms_to_us(step.pause_ms.unwrap_or(step.start_ms)));
            writeln!(out, "tour {} {} {} {}", t.id, i + 1, sim.trace_hash_hex(), sim.events()).unwrap();
        }
    }
    out
}

fn text_trace(name: &str) -> String {
    let scenario = builtin::by_name(name).expect("a built-in");
    let mut sim = Simulation::new(&scenario).expect("built-ins are valid");
    sim.set_record_trace(true);
    sim.run_to_end();
    let mut out = String::new();
    for event in sim.trace() {
        writeln!(out, "{event}").unwrap();
    }
    writeln!(out, "end: {} events, trace hash {}", sim.events(), sim.trace_hash_hex()).unwrap();
    out
}

#[test]
fn every_builtin_and_tour_step_has_its_golden_trace_hash() {
    check("hashes.txt", &hashes());
}

#[test]
fn short_builtins_have_their_golden_text_traces() {
    for name in TRACED {
        check(&format!("traces/{name}.txt"), &text_trace(name));
    }
}

#[test]
fn the_golden_files_are_not_empty() {
    if blessing() {
        return;
    }
    let text = std::fs::read_to_string(golden_dir().join("hashes.txt")).expect("hashes.txt is in the repository");
    let builtins = text.lines().filter(|l| l.starts_with("builtin ")).count();
    assert_eq!(builtins, builtin::list().len(), "one line per built-in");
    assert!(text.lines().filter(|l| l.starts_with("tour ")).count() > 50, "one line per tour step");
}
