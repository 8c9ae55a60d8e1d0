//! What the invariant monitor lists: the properties broken so far and the first distinct
//! violations, with when each began (and ended) in words; and, in a section of their own, the
//! liveness properties with where each stands. Plain data (no web types).
use crate::model::sim_text::{liveness_text, property_name, property_statement};
use crate::text::{t, tf};
use raft_sim::liveness::Status;
use raft_sim::{Property, Simulation, Violation};

/// The monitor lists at most this many violations (the first to begin): a broken run can
/// have many.
pub const LISTED: usize = 12;

/// The distinct violations the monitor lists, in the order they began.
pub fn listed_violations(sim: &Simulation) -> Vec<Violation> {
    sim.violations().iter().take(LISTED).cloned().collect()
}

/// The properties broken so far, in [`Property::ALL`]'s order.
pub fn broken(sim: &Simulation) -> Vec<Property> {
    let violations = sim.violations();
    Property::ALL.iter().copied().filter(|p| violations.iter().any(|v| v.property == *p)).collect()
}

/// When a violation began and, for a lasting one, until when, in words.
pub fn span_text(v: &Violation) -> String {
    let ms = |t: u64| format!("{:.1}", t as f64 / 1000.0);
    let (time, event) = (ms(v.time_us), v.event.to_string());
    let began = [("time", time.as_str()), ("event", event.as_str())];
    match (v.property.is_condition(), v.ended_us, v.ended_event) {
        (true, Some(t), Some(e)) => {
            let (end, end_event) = (ms(t), e.to_string());
            tf("monitor.span-ended", &[began[0], began[1], ("end", &end), ("end_event", &end_event)])
        }
        (true, _, _) => tf("monitor.span-holding", &began),
        (false, Some(t), _) if v.detections > 1 => {
            let (end, again) = (ms(t), (v.detections - 1).to_string());
            tf("monitor.span-again", &[began[0], began[1], ("again", &again), ("end", &end)])
        }
        _ => tf("monitor.span-at", &began),
    }
}

/// One liveness property as the monitor's "Liveness" section shows it, in the page's words.
#[derive(Clone, Debug, PartialEq)]
pub struct LivenessRow {
    pub property: Property,
    /// Its name and statement in the page's language.
    pub name: &'static str,
    pub statement: &'static str,
    /// "holding", "not-judged", "off" or "failed" (`data-status`).
    pub status: &'static str,
    /// Its CSS class ("holds", "broken", "pending") and mark (✓, ✗, …), which say the same by
    /// colour and by shape.
    pub class: &'static str,
    pub mark: &'static str,
    /// Where it stands, in words: holding (judged n times), not yet judged, off, or failed at
    /// a moment with what was seen.
    pub text: String,
    /// The event to jump to, for a failed one.
    pub event: Option<u64>,
}

/// The liveness properties, in [`Property::LIVENESS`]'s order, as the monitor shows them.
pub fn liveness_rows(sim: &Simulation) -> Vec<LivenessRow> {
    sim.liveness()
        .into_iter()
        .map(|(p, status)| {
            let (status, text, event) = match status {
                Status::Holding { judged } => {
                    ("holding", tf("monitor.liveness-holding", &[("count", &judged.to_string())]), None)
                }
                Status::NotJudged => ("not-judged", t("monitor.liveness-not-judged").to_string(), None),
                Status::Off => ("off", t("monitor.liveness-off").to_string(), None),
                Status::Failed(f) => {
                    let (time, event) = (format!("{:.1}", f.time_us as f64 / 1000.0), f.event.to_string());
                    let message = liveness_text(&f.finding);
                    let text =
                        tf("monitor.liveness-failed", &[("time", &time), ("event", &event), ("message", &message)]);
                    ("failed", text, Some(f.event))
                }
            };
            let (class, mark) = match status {
                "holding" => ("holds", "✓ "),
                "failed" => ("broken", "✗ "),
                _ => ("pending", "… "),
            };
            LivenessRow {
                property: p,
                name: property_name(p),
                statement: property_statement(p),
                status,
                class,
                mark,
                text,
                event,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use raft_sim::builtin;

    fn rows_of(name: &str, until_ms: Option<u64>) -> Vec<LivenessRow> {
        let scenario = builtin::by_name(name).expect("built-in");
        let mut sim = Simulation::new(&scenario).expect("valid");
        match until_ms {
            Some(ms) => sim.run_until(ms * 1000),
            None => sim.run_to_end(),
        }
        liveness_rows(&sim)
    }

    #[test]
    fn the_liveness_section_says_holding_not_judged_off_and_failed() {
        crate::text::install(crate::text::FALLBACK, None);
        let load = rows_of("steady-load", None);
        assert_eq!(load.iter().map(|r| r.property).collect::<Vec<_>>(), Property::LIVENESS.to_vec());
        assert_eq!(load.iter().map(|r| r.status).collect::<Vec<_>>(), ["holding", "holding", "off"]);
        assert_eq!(load[0].text, "holding (judged 1×)");
        assert_eq!(load[2].text, "off: needs PreVote and CheckQuorum");
        assert_eq!(load[0].name, "Leader Elected");

        // Before its bound has passed, the run without a leader is not judged: no false failure.
        let early = rows_of("latency-above-timeout", Some(3_000));
        assert_eq!(early[0].status, "not-judged");
        assert_eq!(early[0].text, "not yet judged");

        let failed = rows_of("latency-above-timeout", None);
        assert_eq!(failed[0].status, "failed");
        assert!(failed[0].event.is_some());
        assert!(
            failed[0].text.starts_with("failed at 4849.2 ms (event ")
                && failed[0].text.contains("no leader that can commit kept its term for 400 ms"),
            "{}",
            failed[0].text
        );
    }

    #[test]
    fn the_liveness_section_is_worded_in_chinese() {
        let path = format!("{}/text/zh-CN/ui.json", env!("CARGO_MANIFEST_DIR"));
        let zh = crate::text::parse(&std::fs::read_to_string(path).expect("the zh-CN catalogue")).expect("valid");
        crate::text::install("zh-CN", Some(zh));
        let rows = rows_of("one-way-partition-no-leader", None);
        crate::text::install(crate::text::FALLBACK, None);
        assert_eq!(rows[0].name, "选出领导者");
        assert_eq!(rows[1].status, "failed");
        assert!(rows[1].text.contains("客户端1的请求"), "{}", rows[1].text);
        assert_eq!(rows[2].text, "未启用：需要PreVote和CheckQuorum");
    }
}
