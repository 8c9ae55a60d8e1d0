//! What `raftsim run` and `raftsim list` say of a failure-detector scenario: the faults' effect
//! in numbers (false suspicions with their causes, wrongly-suspected time, detection times),
//! every suspicion, each process's end state, the checks and the trace hash.
use super::scenario::FdScenario;
use super::{run, Detector, FdReport};
use crate::protocols::summary::{check_lines, Reported, Summary};

impl Summary for Detector {
    fn about(s: &FdScenario) -> String {
        let kind = if s.adaptive { "adaptive timeout" } else { "fixed timeout" };
        format!("{} processes, {kind} {} ms, heartbeat {} ms", s.processes, s.timeout_ms, s.heartbeat_ms)
    }

    fn report(s: &FdScenario) -> Reported {
        let r = run(s);
        Reported::new(&r, lines(&r), !r.violations.is_empty())
    }
}

/// The summary, line by line.
pub fn lines(r: &FdReport) -> Vec<String> {
    let mut out = Vec::new();
    out.push(format!(
        "scenario {} ({}, seed {}): {} processes, heartbeat every {} ms, {} timeout {} ms; {} events, ended at {:.1} ms, trace hash {}",
        r.scenario,
        r.protocol,
        r.seed,
        r.processes.len(),
        r.heartbeat_ms,
        if r.adaptive { "adaptive" } else { "fixed" },
        r.timeout_ms,
        r.events,
        r.end_ms,
        r.trace_hash
    ));
    let m = &r.metrics;
    let causes: Vec<String> = m.false_by_cause.iter().map(|(c, n)| format!("{c:?} {n}")).collect();
    let causes = if causes.is_empty() { String::new() } else { format!(" ({})", causes.join(", ")) };
    out.push(format!(
        "  accuracy: {} false suspicions{causes}, live processes wrongly suspected for {:.1} ms in all",
        m.false_suspicions, m.wrongly_suspected_ms
    ));
    match (m.detection_mean_ms, m.detection_max_ms) {
        (Some(mean), Some(max)) => out.push(format!(
            "  completeness: {} of {} crash detections, detection time mean {mean:.1} ms, max {max:.1} ms",
            m.detected,
            m.detected + m.undetected
        )),
        _ if m.undetected > 0 => out.push(format!("  completeness: none of {} crash detections made", m.undetected)),
        _ => out.push("  completeness: no process crashed".to_string()),
    }
    for x in &r.suspicions {
        let to = x.to_ms.map_or("the end".to_string(), |t| format!("{t:.1} ms"));
        let what = match x.cause {
            Some(c) if x.false_suspicion => format!("false suspicion, cause {c:?}"),
            _ if x.false_suspicion => "false suspicion".to_string(),
            _ => "crashed".to_string(),
        };
        out.push(format!("  {:>7.1} ms P{} suspects P{} until {to} ({what})", x.from_ms, x.monitor, x.process));
    }
    if r.unlisted > 0 {
        out.push(format!("  ... and {} more suspicions (not listed)", r.unlisted));
    }
    for d in &r.detections {
        match d.detection_ms {
            Some(t) => out.push(format!(
                "  P{} crashed at {:.1} ms: P{} suspects it after {t:.1} ms",
                d.process, d.crashed_at_ms, d.monitor
            )),
            None => out.push(format!(
                "  P{} crashed at {:.1} ms: P{} does not suspect it",
                d.process, d.crashed_at_ms, d.monitor
            )),
        }
    }
    for p in &r.processes {
        let mut state = Vec::new();
        if let Some(t) = p.crashed_at_ms {
            state.push(format!("crashed at {t:.1} ms"));
        }
        if p.paused_ms > 0.0 {
            state.push(format!("paused {:.1} ms", p.paused_ms));
        }
        if p.drift != 0.0 {
            state.push(format!("clock drift {:+}", p.drift));
        }
        let suspects: Vec<String> = p.suspects.iter().map(|q| format!("P{q}")).collect();
        state.push(format!("{} heartbeats sent, suspects [{}]", p.heartbeats_sent, suspects.join(", ")));
        if r.adaptive {
            let t: Vec<String> = p.timeouts_ms.iter().map(|(q, t)| format!("P{q} {t}")).collect();
            state.push(format!("timeouts [{}] ms", t.join(", ")));
        }
        out.push(format!("  P{}: {}", p.process, state.join("; ")));
    }
    out.extend(check_lines(&r.checked, |p| {
        r.violations.iter().find(|v| v.property == *p).map(|v| (v.at_ms, v.event, &v.detail))
    }));
    out
}
