//! What the invariant monitor lists: the properties broken so far and the first distinct
//! violations, with when each began (and ended) in words. Plain data (no web types).
use crate::text::tf;
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
