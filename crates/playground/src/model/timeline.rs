//! The time scrubber's markers: which milestones of the run it shows (a long run has too many)
//! and how each is labelled. Plain data (no web types).
use crate::text::{t, tf};
use raft_sim::sim::{Milestone, MilestoneKind};

/// A long run can have thousands of elections; the bar shows at most this many markers
/// (leaders, crashes, actions and violations first).
const MAX_MARKERS: usize = 400;

#[derive(Clone, Debug, PartialEq)]
pub struct MarkerView {
    pub events: u64,
    pub time_us: u64,
    pub kind: &'static str,
    /// A short visible mark (the full label is the accessible name and tooltip).
    pub glyph: &'static str,
    pub label: String,
}

/// The visible mark of each kind of marker: words and shapes, not colour alone.
pub fn glyph(kind: &str) -> &'static str {
    match kind {
        "election" => "E",
        "leader" => "★",
        "crash" => "✕",
        "restart" => "↻",
        "violation" => "!",
        "overwritten" => "⌫",
        _ => "•",
    }
}

impl MarkerView {
    pub fn of(milestones: &[Milestone]) -> Vec<MarkerView> {
        let important = |m: &&Milestone| !matches!(m.kind, MilestoneKind::Election { .. });
        let mut picked: Vec<&Milestone> = milestones.iter().filter(important).take(MAX_MARKERS).collect();
        let room = MAX_MARKERS - picked.len();
        picked.extend(milestones.iter().filter(|m| !important(m)).take(room));
        raft_sim::order::sort_by_key_stable(&mut picked, |m| m.events);
        picked
            .into_iter()
            .map(|m| {
                let s = |n: u32| n.to_string();
                let (kind, label) = match m.kind {
                    MilestoneKind::Election { node, term } => {
                        ("election", tf("timeline.election", &[("node", &s(node)), ("term", &term.to_string())]))
                    }
                    MilestoneKind::Leader { node, term, .. } => {
                        ("leader", tf("timeline.leader", &[("node", &s(node)), ("term", &term.to_string())]))
                    }
                    MilestoneKind::Crash { node } => ("crash", tf("timeline.crash", &[("node", &s(node))])),
                    MilestoneKind::Restart { node } => ("restart", tf("timeline.restart", &[("node", &s(node))])),
                    MilestoneKind::Violation => ("violation", t("timeline.violation").to_string()),
                    MilestoneKind::Action => ("action", t("timeline.action").to_string()),
                    MilestoneKind::Overwritten { node, from, count, .. } => (
                        "overwritten",
                        tf(
                            "timeline.overwritten",
                            &[("node", &s(node)), ("count", &count.to_string()), ("from", &from.to_string())],
                        ),
                    ),
                };
                let label = tf(
                    "timeline.marker",
                    &[
                        ("ms", &format!("{:.1}", m.time_us as f64 / 1000.0)),
                        ("events", &m.events.to_string()),
                        ("label", &label),
                    ],
                );
                MarkerView { events: m.events, time_us: m.time_us, kind, glyph: glyph(kind), label }
            })
            .collect()
    }
}
