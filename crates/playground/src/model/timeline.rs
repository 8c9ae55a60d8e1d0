//! The time scrubber's markers: which milestones of the run it shows (a long run has too many)
//! and how each is labelled. Plain data (no web types).
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
                let (kind, label) = match m.kind {
                    MilestoneKind::Election { node, term } => {
                        ("election", format!("S{node} starts an election for term {term}"))
                    }
                    MilestoneKind::Leader { node, term, .. } => {
                        ("leader", format!("S{node} becomes leader of term {term}"))
                    }
                    MilestoneKind::Crash { node } => ("crash", format!("S{node} crashes")),
                    MilestoneKind::Restart { node } => ("restart", format!("S{node} restarts")),
                    MilestoneKind::Violation => ("violation", "a safety property breaks".to_string()),
                    MilestoneKind::Action => ("action", "your action".to_string()),
                    MilestoneKind::Overwritten { node, from, count, .. } => {
                        ("overwritten", format!("S{node} loses {count} uncommitted entries from index {from}"))
                    }
                };
                let label = format!("{:.1} ms, event {}: {label}", m.time_us as f64 / 1000.0, m.events);
                MarkerView { events: m.events, time_us: m.time_us, kind, glyph: glyph(kind), label }
            })
            .collect()
    }
}
