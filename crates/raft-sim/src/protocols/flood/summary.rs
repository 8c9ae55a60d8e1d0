//! What `raftsim run` and `raftsim list` say of a flood-consensus scenario: each process's
//! decision and round, what it knows and suspects, the checks and the trace hash.
use super::scenario::FloodScenario;
use super::{run, FloodConsensus, FloodReport};
use crate::protocols::summary::{check_lines, Reported, Summary};

impl Summary for FloodConsensus {
    fn about(s: &FloodScenario) -> String {
        format!("{} processes, rounds: {}", s.processes(), s.rounds)
    }

    fn report(s: &FloodScenario) -> Reported {
        let r = run(s);
        Reported::new(&r, lines(&r), !r.violations.is_empty())
    }
}

/// The summary, line by line.
pub fn lines(r: &FloodReport) -> Vec<String> {
    let mut out = Vec::new();
    out.push(format!(
        "scenario {} ({}, seed {}): {} processes, f = {}, rounds: {}, {} failure detector; {} events, ended at {:.1} ms, trace hash {}",
        r.scenario,
        r.protocol,
        r.seed,
        r.processes.len(),
        r.f,
        r.rounds,
        r.detector,
        r.events,
        r.end_ms,
        r.trace_hash
    ));
    for p in &r.processes {
        let outcome = match (&p.decision, p.decided_in_round, p.crashed_in_round) {
            (_, _, Some(round)) => format!("crashed in round {round}"),
            (Some(c), Some(round), None) => format!("decided {c} in round {round}"),
            _ => "undecided".to_string(),
        };
        let suspected: Vec<String> = p
            .suspected
            .iter()
            .map(|q| {
                format!("P{} (since round {}{})", q.process, q.since_round, if q.crashed { "" } else { ", falsely" })
            })
            .collect();
        let suspects =
            if suspected.is_empty() { String::new() } else { format!("; suspects {}", suspected.join(", ")) };
        out.push(format!(
            "  P{} proposed {}: {outcome}; knows {{{}}}{suspects}",
            p.process,
            p.proposal,
            p.known.join(", ")
        ));
    }
    out.extend(check_lines(&r.checked, |p| {
        r.violations.iter().find(|v| v.property == *p).map(|v| (v.at_ms, v.event, &v.detail))
    }));
    out
}
