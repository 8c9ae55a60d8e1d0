//! What `raftsim run` and `raftsim list` say of a Two Generals' scenario: each general's
//! messengers sent and received and its decision, each messenger's fate, the check and the
//! trace hash.
use super::scenario::GeneralsScenario;
use super::{run, GeneralsReport, TwoGenerals};
use crate::protocols::summary::{check_lines, Reported, Summary};

impl Summary for TwoGenerals {
    fn about(s: &GeneralsScenario) -> String {
        format!("{} messengers", s.messages)
    }

    fn report(s: &GeneralsScenario) -> Reported {
        let r = run(s);
        Reported::new(&r, lines(&r), !r.violations.is_empty())
    }
}

/// The summary, line by line.
pub fn lines(r: &GeneralsReport) -> Vec<String> {
    let mut out = Vec::new();
    out.push(format!(
        "scenario {} ({}, seed {}): {} messengers, attack at {}, loss {}, lost for certain: {:?}; {} events, ended at {:.1} ms, trace hash {}",
        r.scenario,
        r.protocol,
        r.seed,
        r.messages,
        r.attack_time,
        r.loss,
        r.lose,
        r.events,
        r.end_ms,
        r.trace_hash
    ));
    let list = |v: &[u32]| v.iter().map(|n| format!("#{n}")).collect::<Vec<_>>().join(", ");
    for g in &r.generals {
        let waits = g.last_expected.map_or("nothing (it proposed)".to_string(), |n| format!("#{n}"));
        let unsure = g.unconfirmed.map_or(String::new(), |n| format!("; cannot tell whether #{n} arrived"));
        out.push(format!(
            "  {}: sent [{}], received [{}]; waits for {waits}: {}{unsure}",
            g.general,
            list(&g.sent),
            list(&g.received),
            if g.attacks { "attacks" } else { "does not attack" }
        ));
    }
    for m in &r.messengers {
        out.push(format!("  messenger #{} {} -> {}: {}", m.number, m.from, m.to, m.fate));
    }
    out.extend(check_lines(&r.checked, |p| {
        r.violations.iter().find(|v| v.property == *p).map(|v| (v.at_ms, v.event, &v.detail))
    }));
    out
}
