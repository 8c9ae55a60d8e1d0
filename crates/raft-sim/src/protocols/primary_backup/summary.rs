//! What `raftsim run` and `raftsim list` say of a primary-backup scenario: who was the primary
//! able to answer clients over time, the CFG's test-and-set calls, each server's writes, each
//! client write's acknowledgement, the checks and the trace hash.
use super::scenario::PbScenario;
use super::{run, PbReport, PrimaryBackup};
use crate::protocols::summary::{check_lines, Reported, Summary};

impl Summary for PrimaryBackup {
    fn about(s: &PbScenario) -> String {
        let arbiter = if s.arbiter { "with the CFG" } else { "without an arbiter" };
        format!("{arbiter}, {} ms", s.duration_ms)
    }

    fn report(s: &PbScenario) -> Reported {
        let r = run(s);
        Reported::new(&r, lines(&r), !r.violations.is_empty())
    }
}

/// "S1 and S2", "S1, S2 and S3", …
fn servers(n: usize) -> String {
    let names: Vec<String> = (1..=n).map(|s| format!("S{s}")).collect();
    match names.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        _ => names.join(""),
    }
}

/// The summary, line by line.
pub fn lines(r: &PbReport) -> Vec<String> {
    let mut out = Vec::new();
    out.push(format!(
        "scenario {} ({}, seed {}): {}, {}; {} events, ended at {:.1} ms, trace hash {}",
        r.scenario,
        r.protocol,
        r.seed,
        servers(r.servers.len()),
        if r.arbiter { "arbitration server (CFG) with test-and-set" } else { "no arbitration server" },
        r.events,
        r.end_ms,
        r.trace_hash
    ));
    for c in &r.primary_over_time {
        let who: Vec<String> = c.primaries.iter().map(|p| format!("S{p}")).collect();
        let who = if who.is_empty() { "none".to_string() } else { who.join(" and ") };
        out.push(format!("  from {:>7.1} ms primary answering clients: {who}", c.at_ms));
    }
    for c in &r.test_and_set {
        out.push(format!(
            "  {:>7.1} ms S{} test_and_set(f, 1): {}",
            c.at_ms,
            c.server,
            if c.won { "won (f was 0)" } else { "lost (f was 1)" }
        ));
    }
    if r.arbiter {
        out.push(format!("  CFG f = {}", r.cfg_flag));
    }
    for v in &r.servers {
        let state = if v.crashed { format!("{:?}, crashed", v.role) } else { format!("{:?}", v.role) };
        let suspects = v.suspected.map_or(String::new(), |p| format!("; suspected S{p}"));
        out.push(format!("  S{} {state}: writes [{}]{suspects}", v.server, v.writes.join(", ")));
    }
    for w in &r.writes {
        match (w.acknowledged_by, w.acknowledged_at_ms) {
            (Some(s), Some(at)) => {
                out.push(format!("  write {} {}: acknowledged by S{s} at {at:.1} ms", w.id, w.value))
            }
            _ => out.push(format!("  write {} {}: never acknowledged", w.id, w.value)),
        }
    }
    out.extend(check_lines(&r.checked, |p| {
        r.violations.iter().find(|v| v.property == *p).map(|v| (v.at_ms, v.event, &v.detail))
    }));
    out
}
