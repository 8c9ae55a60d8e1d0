//! A shrunk run told as a story: the scenario's actions and the narrated events (elections,
//! leaders, crashes, restarts, overwritten entries; when the property is linearizability, the
//! client requests the checker names) up to the violation, then the violation. `raftsim
//! shrink`, `raftsim check` and the page's hunt (its module export) print the same lines.
use crate::check::invariants::{Property, Violation};
use crate::check::linearizability;
use crate::engine::sim::Simulation;
use crate::playback::narrate::{narrate, Topic};
use crate::scenario::format::Scenario;

/// At most this many sentences of a story.
pub const STORY_LINES: usize = 24;

/// The run of `scenario` up to `violation` as lines of text (English): a heading, then the last
/// [`STORY_LINES`] sentences, each with its virtual time. Empty if the scenario does not start.
pub fn story(scenario: &Scenario, violation: &Violation) -> Vec<String> {
    let Ok(mut sim) = Simulation::new(scenario) else { return Vec::new() };
    let until = violation.time_us;
    while sim.now() <= until && sim.violations().is_empty() && sim.step() {}
    // For a non-linearizable history, the requests the checker names (not the whole workload).
    let ops: Vec<_> = if violation.property == Property::Linearizability {
        sim.run_to_end();
        let report = linearizability::check_run(&sim, linearizability::DEFAULT_BUDGET);
        let involved: std::collections::BTreeSet<(u64, u64)> = report.ops.iter().map(|o| (o.client, o.seq)).collect();
        sim.history().iter().filter(|h| involved.contains(&(h.client, h.seq))).cloned().collect()
    } else {
        Vec::new()
    };
    let mut lines: Vec<(u64, String)> = narrate(sim.milestones(), &[], ops.iter())
        .into_iter()
        .filter(|l| l.time_us <= until && l.topic != Topic::Safety)
        .map(|l| (l.time_us, l.text()))
        .collect();
    for t in &scenario.timeline {
        let at = crate::scenario::ms_to_us(t.at_ms);
        if at <= until {
            let mut what = serde_json::to_value(&t.action).unwrap_or_default();
            if let Some(map) = what.as_object_mut() {
                map.remove("action");
            }
            let args = if what.as_object().is_some_and(|m| m.is_empty()) { String::new() } else { format!(" {what}") };
            lines.push((at, format!("The scenario acts: {}{args}", t.action.kind().replace('_', " "))));
        }
    }
    // Stable: at one moment, the scenario's action before what it caused.
    let mut order: Vec<usize> = (0..lines.len()).collect();
    order.sort_by_key(|&i| (lines[i].0, usize::from(!lines[i].1.starts_with("The scenario acts")), i));
    let mut text: Vec<String> =
        order.into_iter().map(|i| format!("  {:>10.3} ms  {}", lines[i].0 as f64 / 1000.0, lines[i].1)).collect();
    text.push(format!(
        "  {:>10.3} ms  {} {}: {}",
        violation.time_us as f64 / 1000.0,
        if violation.property.is_liveness() { "LIVENESS" } else { "VIOLATION" },
        violation.property,
        violation.message
    ));
    let skipped = text.len().saturating_sub(STORY_LINES);
    let mut out = vec![format!(
        "the shrunk run{}:",
        if skipped > 0 { format!(" (last {STORY_LINES} events)") } else { String::new() }
    )];
    if skipped > 0 {
        out.push(format!("  … {skipped} earlier"));
    }
    out.extend(text.into_iter().skip(skipped));
    out
}
