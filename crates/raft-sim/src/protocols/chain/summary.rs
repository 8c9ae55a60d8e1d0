//! What `raftsim run` and `raftsim list` say of a chain-replication scenario: the CFG's chain
//! over time, each server's role, history and utilisation, the requests and their answers (up to
//! 200), the latency and throughput figures, the checks and the trace hash.
use super::scenario::{ChainScenario, Layout};
use super::{run, Chain, ChainReport};
use crate::protocols::summary::{check_lines, Reported, Summary};

impl Summary for Chain {
    fn about(s: &ChainScenario) -> String {
        let variant = if s.early_ack { ", the head answers early" } else { "" };
        format!("{} servers{variant}, {} ms", s.servers, s.duration_ms)
    }

    fn report(s: &ChainScenario) -> Reported {
        let r = run(s);
        Reported::new(&r, lines(&r), !r.violations.is_empty())
    }
}

/// The summary, line by line.
pub fn lines(r: &ChainReport) -> Vec<String> {
    let mut out = Vec::new();
    let layout = match r.layout {
        Layout::Chain => "a chain",
        Layout::PrimaryBackup => "primary-backup's layout",
    };
    let variant = if r.early_ack { "; the head answers writes on arrival (broken)" } else { "" };
    out.push(format!(
        "scenario {} ({}, seed {}): {} servers in {layout}{variant}; {} events, ended at {:.1} ms, trace hash {}",
        r.scenario, r.protocol, r.seed, r.servers, r.events, r.end_ms, r.trace_hash
    ));
    if r.layout == Layout::Chain {
        for c in &r.chain_over_time {
            let chain: Vec<String> = c.chain.iter().map(|p| format!("S{p}")).collect();
            out.push(format!("  from {:>7.1} ms the CFG's chain: {}", c.at_ms, chain.join(" -> ")));
        }
    }
    for v in &r.server_reports {
        let state = if v.crashed { format!("{}, crashed", v.role) } else { v.role.to_string() };
        let more = if v.history_len > v.writes.len() { ", ..." } else { "" };
        let resent = if v.resent > 0 { format!("; resent {} to its new successor", v.resent) } else { String::new() };
        out.push(format!(
            "  S{} {state}: {} writes [{}{more}]; {} sent unacknowledged{resent}; busy {:.0}%",
            v.server,
            v.history_len,
            v.writes.join(", "),
            v.unacknowledged,
            v.utilisation * 100.0
        ));
    }
    for q in &r.requests {
        let what = match &q.write {
            Some(v) => format!("write {v}"),
            None => "read".to_string(),
        };
        match (q.answered_by, q.answered_ms, q.read_len) {
            (Some(s), Some(at), Some(n)) => out.push(format!(
                "  request {} {what} at {:.1} ms: S{s} answered at {at:.1} ms, seeing {n} writes",
                q.id, q.sent_ms
            )),
            (Some(s), Some(at), None) => out
                .push(format!("  request {} {what} at {:.1} ms: acknowledged by S{s} at {at:.1} ms", q.id, q.sent_ms)),
            _ => out.push(format!("  request {} {what} at {:.1} ms: never answered", q.id, q.sent_ms)),
        }
    }
    let st = &r.stats;
    out.push(format!(
        "  {} requests, {} answered; throughput {:.1}/s; busiest S{} at {:.0}%",
        st.sent,
        st.answered,
        st.throughput_per_s,
        st.busiest_server,
        st.busiest_utilisation * 100.0
    ));
    for (kind, l) in [("writes", &st.writes), ("reads", &st.reads)] {
        out.push(format!(
            "  {kind}: {} answered, latency mean {:.1} ms, p50 {:.1}, p99 {:.1}, max {:.1}",
            l.count, l.mean_ms, l.p50_ms, l.p99_ms, l.max_ms
        ));
    }
    out.extend(check_lines(&r.checked, |p| {
        r.violations.iter().find(|v| v.property == *p).map(|v| (v.at_ms, v.event, &v.detail))
    }));
    out
}
