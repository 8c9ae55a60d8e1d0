//! `raftsim lincheck FILE...`: judge histories from elsewhere (Jepsen's register logs,
//! Porcupine's key-value logs) with the simulator's linearizability checker.
use raft_sim::lincheck::{self, Format, History, Judgement, Operation, PartitionResult, Verdict};
use serde_json::{json, Value};
use std::process::ExitCode;
use std::time::Instant;

use crate::{EXIT_BAD_INPUT, EXIT_STOPPED, EXIT_VIOLATION};

/// The longest partial linearization printed in full; longer ones show their start and end.
const SHOWN_IN_FULL: usize = 30;

/// What became of one file.
enum FileOutcome {
    Judged(Verdict),
    BadInput,
}

/// Judge every file; exit 2 if any could not be read, else 3 if any history is not
/// linearizable, else 4 if any is undecided within the budget, else 0.
pub fn command(files: &[String], format: Option<&str>, json: bool, budget: u64) -> ExitCode {
    let format = match format.map(|f| (f, Format::from_name(f))) {
        None => None,
        Some((_, Some(f))) => Some(f),
        Some((name, None)) => {
            eprintln!("raftsim: --format {name}: expected jepsen or porcupine-kv");
            return ExitCode::from(EXIT_BAD_INPUT);
        }
    };
    let mut outcomes = Vec::new();
    for file in files {
        outcomes.push(one(file, format, json, budget));
    }
    let any = |v: Verdict| outcomes.iter().any(|o| matches!(o, FileOutcome::Judged(x) if *x == v));
    if outcomes.iter().any(|o| matches!(o, FileOutcome::BadInput)) {
        ExitCode::from(EXIT_BAD_INPUT)
    } else if any(Verdict::Violation) {
        ExitCode::from(EXIT_VIOLATION)
    } else if any(Verdict::Unknown) {
        ExitCode::from(EXIT_STOPPED)
    } else {
        ExitCode::SUCCESS
    }
}

fn one(file: &str, format: Option<Format>, json: bool, budget: u64) -> FileOutcome {
    let shown = if file == "-" { "standard input" } else { file };
    let text = match raft_sim::input::read_path(file, raft_sim::input::MAX_INPUT_BYTES) {
        Ok(text) => text,
        Err(message) => {
            bad_input(json, shown, &message, None);
            return FileOutcome::BadInput;
        }
    };
    let start = Instant::now();
    let history = match lincheck::parse(&text, format) {
        Ok(h) => h,
        Err(e) => {
            bad_input(json, shown, &format!("{shown}: {e}"), Some(&e));
            return FileOutcome::BadInput;
        }
    };
    let decision = lincheck::decide(&history, budget);
    let verdict_us = start.elapsed().as_micros() as u64;
    let judgement = decision.explain();
    let elapsed_us = start.elapsed().as_micros() as u64;
    if json {
        say!("{}", to_json(shown, &history, &judgement, verdict_us, elapsed_us));
    } else {
        print_summary(shown, &history, &judgement, elapsed_us, budget);
    }
    FileOutcome::Judged(judgement.verdict)
}

fn bad_input(json: bool, file: &str, message: &str, error: Option<&lincheck::ParseError>) {
    if json {
        let v = json!({
            "file": file,
            "verdict": "bad_input",
            "error": message,
            "line": error.map(|e| e.line),
            "field": error.map(|e| e.field),
        });
        say!("{v}");
    }
    eprintln!("raftsim: {message}");
}

fn op_json(history: &History, i: usize) -> Value {
    let o = &history.ops[i];
    json!({ "line": o.line, "client": o.client, "op": o.describe() })
}

/// The failing partitions, or none.
fn failing(judgement: &Judgement) -> impl Iterator<Item = &PartitionResult> {
    judgement.partitions.iter().filter(|p| p.verdict == Verdict::Violation)
}

/// The longest partial linearization of a partition (history indices), if any.
fn longest(p: &PartitionResult) -> &[usize] {
    p.linearizations.iter().max_by_key(|l| l.len()).map_or(&[], |l| l.as_slice())
}

fn to_json(file: &str, history: &History, judgement: &Judgement, verdict_us: u64, elapsed_us: u64) -> Value {
    let first = failing(judgement).next();
    json!({
        "file": file,
        "format": history.format.name(),
        "model": history.model.name(),
        "verdict": judgement.verdict,
        "operations": history.ops.len(),
        "partitions": judgement.partitions.len(),
        "steps": judgement.steps,
        "verdict_us": verdict_us,
        "elapsed_us": elapsed_us,
        "unorderable": judgement.unorderable().into_iter().map(|i| op_json(history, i)).collect::<Vec<_>>(),
        "key": first.and_then(|p| p.key.clone()),
        "culprit": first.and_then(|p| p.culprit).map(|i| op_json(history, i)),
        "partial_linearization": first.map(|p| longest(p).iter().map(|&i| op_json(history, i)).collect::<Vec<_>>()),
    })
}

fn line_of(o: &Operation) -> String {
    format!("line {:<5} client {:<4} {}", o.line, o.client, o.describe())
}

fn print_summary(file: &str, history: &History, judgement: &Judgement, elapsed_us: u64, budget: u64) {
    let n = judgement.partitions.len();
    let what = format!(
        "{} history ({} model), {} operations, {n} partition{}",
        history.format.name(),
        history.model.name(),
        history.ops.len(),
        if n == 1 { "" } else { "s" }
    );
    let verdict = match judgement.verdict {
        Verdict::Ok => "linearizable".to_string(),
        Verdict::Violation => "NOT linearizable".to_string(),
        Verdict::Unknown => format!("unknown: {budget} search steps were not enough (try --budget)"),
    };
    say!("{file}: {verdict}");
    say!("  {what}; {} search steps, {:.3} ms", judgement.steps, elapsed_us as f64 / 1000.0);
    for p in failing(judgement) {
        let on = p.key.as_deref().map_or(String::new(), |k| format!(" on key {k:?}"));
        say!("");
        let count = p.unorderable.len();
        say!(
            "  {count} operation{}{on} cannot be ordered, even taken alone: no order of them, each taking effect between \
             its invocation and its response, gives their results{}",
            if count == 1 { "" } else { "s" },
            if p.minimal { " (a smallest such set: drop any one and the rest can be ordered, or a value read loses its write)" } else { "" }
        );
        for &i in &p.unorderable {
            say!("    {}", line_of(&history.ops[i]));
        }
        if let Some(c) = p.culprit {
            say!("  culprit: {} (no order works once it has returned)", line_of(&history.ops[c]));
        }
        let partial = longest(p);
        say!("  longest partial linearization{on}: {} of the {} operations in order", partial.len(), p.ops.len());
        let shown: Vec<(usize, usize)> = partial.iter().copied().enumerate().collect();
        let (head, tail) = if shown.len() > SHOWN_IN_FULL { (5, SHOWN_IN_FULL - 5) } else { (shown.len(), 0) };
        for &(k, i) in &shown[..head] {
            say!("    {:>4}. {}", k + 1, line_of(&history.ops[i]));
        }
        if tail > 0 {
            say!("          … {} more …", shown.len() - head - tail);
            for &(k, i) in &shown[shown.len() - tail..] {
                say!("    {:>4}. {}", k + 1, line_of(&history.ops[i]));
            }
        }
    }
    let undecided = judgement.partitions.iter().filter(|p| p.verdict == Verdict::Unknown).count();
    if judgement.verdict == Verdict::Violation && undecided > 0 {
        say!(
            "  ({undecided} other partition{} not decided: the verdict does not depend on them)",
            if undecided == 1 { "" } else { "s" }
        );
    }
}
