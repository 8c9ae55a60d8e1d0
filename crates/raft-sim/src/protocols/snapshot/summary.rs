//! What `raftsim run` and `raftsim list` say of a Chandy–Lamport scenario: each process's
//! balance and recorded state, each channel's recorded state, the markers, the snapshot's total
//! against the bank's, the checks and the trace hash.
use super::scenario::ClScenario;
use super::{run, ChandyLamport, ClReport};
use crate::protocols::summary::{check_lines, Reported, Summary};

impl Summary for ChandyLamport {
    fn about(s: &ClScenario) -> String {
        let variant = match (s.fifo, s.record_channels) {
            (true, true) => "FIFO channels",
            (false, _) => "channels not FIFO",
            (true, false) => "channel states not recorded",
        };
        format!("{} processes, {variant}", s.processes)
    }

    fn report(s: &ClScenario) -> Reported {
        let r = run(s);
        Reported::new(&r, lines(&r), !r.violations.is_empty())
    }
}

/// The summary, line by line.
pub fn lines(r: &ClReport) -> Vec<String> {
    let mut out = Vec::new();
    let channels = match (r.fifo, r.record_channels) {
        (true, true) => "FIFO channels",
        (false, _) => "channels NOT FIFO",
        (true, false) => "FIFO channels, channel states NOT recorded",
    };
    out.push(format!(
        "scenario {} ({}, seed {}): {} processes, {channels}, bank total {}, {} transfers; {} events, ended at {:.1} ms, trace hash {}",
        r.scenario,
        r.protocol,
        r.seed,
        r.processes.len(),
        r.total,
        r.transfers,
        r.events,
        r.end_ms,
        r.trace_hash
    ));
    let snap = &r.snapshot;
    match snap.initiated_at_ms {
        Some(at) => out.push(format!("  p{} initiates the snapshot at {at:.1} ms", snap.initiator)),
        None => out.push("  the snapshot was never initiated".to_string()),
    }
    for p in &r.processes {
        let recorded = match (p.recorded, p.recorded_at_ms) {
            (Some(v), Some(at)) => format!("recorded {v} at {at:.1} ms"),
            _ => "never recorded".to_string(),
        };
        out.push(format!(
            "  p{}: balance {} ({recorded}); sent {}, received {}",
            p.process, p.balance, p.sent, p.received
        ));
    }
    for c in &r.channels {
        let amounts: Vec<String> = c.recorded_amounts.iter().map(u64::to_string).collect();
        out.push(format!("  channel p{}→p{}: [{}] ({:?})", c.from, c.to, amounts.join(", "), c.recording));
    }
    for m in &r.markers {
        let arrived = m.arrived_at_ms.map_or("never arrived".to_string(), |t| format!("arrived {t:.1} ms"));
        let first = if m.first { ", its first: records" } else { "" };
        out.push(format!("  marker p{}→p{}: sent {:.1} ms, {arrived}{first}", m.from, m.to, m.sent_at_ms));
    }
    match snap.completed_at_ms {
        Some(at) => out.push(format!(
            "  snapshot complete at {at:.1} ms: states {} + channels {} = {} (bank {})",
            snap.states_total, snap.channels_total, snap.recorded_total, r.total
        )),
        None => out.push("  snapshot not complete".to_string()),
    }
    let list = |ids: &[u64]| ids.iter().map(u64::to_string).collect::<Vec<_>>().join(", ");
    if !snap.missed.is_empty() {
        out.push(format!("  in flight across the cut but in no channel state: transfers {}", list(&snap.missed)));
    }
    if !snap.counted_without_send.is_empty() {
        out.push(format!(
            "  counted in the snapshot but sent after the cut: transfers {}",
            list(&snap.counted_without_send)
        ));
    }
    out.extend(check_lines(&r.checked, |p| {
        r.violations.iter().find(|v| v.property == *p).map(|v| (v.at_ms, v.event, &v.detail))
    }));
    out
}
