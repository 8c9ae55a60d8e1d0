//! What the invariant monitor lists: the properties broken so far and the first distinct
//! violations, with when each began (and ended) in words. Plain data (no web types).
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
    let began = format!("{:.1} ms (event {})", v.time_us as f64 / 1000.0, v.event);
    match (v.property.is_condition(), v.ended_us, v.ended_event) {
        (true, Some(t), Some(e)) => format!("from {began} until {:.1} ms (event {e})", t as f64 / 1000.0),
        (true, _, _) => format!("from {began}, still holding"),
        (false, Some(t), _) if v.detections > 1 => {
            format!("at {began}, again {} times until {:.1} ms", v.detections - 1, t as f64 / 1000.0)
        }
        _ => format!("at {began}"),
    }
}
