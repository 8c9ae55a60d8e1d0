//! Transcript tests: each file in `tests/testdata/` is a session with a cluster — commands and
//! the output each must print — that reads like a trace of the paper's rules at work (in the
//! spirit of etcd-io/raft's `testdata/*.txt`). The commands are listed in
//! `transcript/interaction.rs`; every step is also watched by the simulator's invariant
//! checker, which prints `VIOLATION ...` in the output where a property breaks.
//!
//! A test fails with a line diff of the first block whose output differs. When a change in
//! output is intended, rewrite the files with what the code prints now and review the diff:
//!
//! ```text
//! RAFT_TRANSCRIPT_REWRITE=1 cargo test -p raft-core --test transcripts
//! git diff crates/raft-core/tests/testdata
//! ```
//!
//! A new transcript: add `tests/testdata/NAME.txt` (commands with empty outputs will do),
//! add `transcript!(NAME);` below, and run the rewrite.
mod common;
mod transcript;

use std::path::{Path, PathBuf};
use transcript::interaction::Interaction;
use transcript::script::{self, Item};

fn testdata() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/testdata")
}

fn rewriting() -> bool {
    std::env::var_os("RAFT_TRANSCRIPT_REWRITE").is_some_and(|v| !v.is_empty() && v != "0")
}

/// Run one transcript: compare every block's output (or, rewriting, write the outputs back).
fn run(name: &str) {
    let path = testdata().join(format!("{name}.txt"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let items = script::parse(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut interaction = Interaction::default();
    let mut outputs = Vec::new();
    for item in &items {
        let Item::Block(block) = item else { continue };
        let actual = interaction.run(&block.command).unwrap_or_else(|e| format!("error: {e}"));
        if !rewriting() && actual != block.expected {
            panic!(
                "{}:{}: `{}` printed something else (- expected, + actual):\n{}\n\
                 If the change is intended: RAFT_TRANSCRIPT_REWRITE=1 cargo test -p raft-core --test transcripts",
                path.display(),
                block.line,
                block.command,
                script::diff(&block.expected, &actual)
            );
        }
        outputs.push(actual);
    }
    if rewriting() {
        std::fs::write(&path, script::render(&items, &outputs)).unwrap();
    }
}

/// One test per transcript, so each passes or fails (and can be run) on its own.
macro_rules! transcripts {
    ($($name:ident),* $(,)?) => {
        $(#[test] fn $name() { run(stringify!($name)); })*
        const LISTED: &[&str] = &[$(stringify!($name)),*];
    };
}

transcripts!(
    election,
    log_repair,
    figure8_commit_current_term,
    partitioned_leader_steps_down,
    pre_vote_check_quorum,
    membership_change,
    snapshot_install,
    persistent_state,
    no_persist_broken,
    figure8_commit_old_terms_broken,
);

/// A transcript added to testdata but not listed above would never run.
#[test]
fn every_transcript_is_listed() {
    let mut found: Vec<String> = std::fs::read_dir(testdata())
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().to_str()?.strip_suffix(".txt").map(String::from))
        .collect();
    found.sort();
    let mut listed: Vec<&str> = LISTED.to_vec();
    listed.sort();
    assert_eq!(found, listed, "tests/testdata and the transcripts! list differ");
}

/// The harness itself: a wrong expectation must fail with a diff naming the line.
#[test]
fn a_wrong_expectation_fails_with_a_diff() {
    let d = script::diff("a\nb\nc", "a\nx\nc");
    assert_eq!(d, "  a\n+ x\n- b\n  c\n");
    // Far from any change, unchanged lines are left out.
    let d = script::diff("1\n2\n3\n4\n5\n6\nb", "1\n2\n3\n4\n5\n6\nx");
    assert_eq!(d, "...\n  5\n  6\n+ x\n- b\n");
    let items = script::parse("# c\n\ncampaign 1\n----\nold\n").unwrap();
    assert!(matches!(&items[2], Item::Block(b) if b.line == 3 && b.expected == "old"));
    assert_eq!(script::render(&items, &["new".into()]), "# c\n\ncampaign 1\n----\nnew\n");
    assert!(script::parse("campaign 1\nno separator\n").is_err());
    let mut i = Interaction::default();
    assert!(i.run("campaign 1").unwrap_err().contains("add-nodes"));
}
