//! A scenario's `expect`: claims about its run, written and checked exactly as a tour's
//! (`Claim`, `Check::evaluate` in tour.rs: one checker for both), each at its `at_ms` or, without
//! one, at the end of the run. `raftsim run` reports every claim that does not hold, with what
//! was seen instead, and exits 5.
use crate::engine::sim::Simulation;
use crate::scenario::format::{ms_to_us, Scenario, ScenarioError, MAX_DURATION_MS};
use crate::scenario::tour::{property_named, Check, Claim};
use raft_core::Micros;
use serde::Serialize;

/// At most this many claims in one scenario.
pub const MAX_EXPECT: usize = 1_000;

/// The fields of a check that name a server (a single id or a list of them).
const NODE_FIELDS: &[&str] =
    &["node", "candidate", "leader", "follower", "granted", "denied", "voters", "new_voters", "learners"];

/// How one claim came out.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ExpectOutcome {
    /// Its place in `expect`.
    pub index: usize,
    /// The moment it was checked at (ms): its `at_ms`, or where the run ended.
    pub at_ms: f64,
    /// The claim as written.
    pub claim: Claim,
    /// Whether it held. False with `reached` false: the run stopped before its moment.
    pub holds: bool,
    /// Whether the run got to its moment (a run stopped by its budget, or by `--until-ms`
    /// before an `at_ms`, does not).
    pub reached: bool,
    /// What was seen instead, in words (empty when it held).
    pub seen: String,
}

impl ExpectOutcome {
    pub fn failed(&self) -> bool {
        self.reached && !self.holds
    }
}

/// `expect`: bounded, each moment a time of the run, properties named as in reports, servers
/// that exist.
pub(crate) fn check_claims(scenario: &Scenario) -> Result<(), ScenarioError> {
    if scenario.expect.len() > MAX_EXPECT {
        return Err(ScenarioError::new("expect", format!("has more than {MAX_EXPECT} claims")));
    }
    for (i, claim) in scenario.expect.iter().enumerate() {
        let f = format!("expect[{i}]");
        if let Some(at) = claim.at_ms {
            if !at.is_finite() || !(0.0..=MAX_DURATION_MS).contains(&at) {
                return Err(ScenarioError::new(
                    format!("{f}.at_ms"),
                    format!("must be a time of the run, 0 to {MAX_DURATION_MS} ms, got {at}"),
                ));
            }
        }
        if let Check::Violation { property: Some(name) } = &claim.check {
            if property_named(name).is_none() {
                let names: Vec<String> = crate::check::invariants::Property::ALL
                    .iter()
                    .filter_map(|p| serde_json::to_value(p).ok()?.as_str().map(str::to_string))
                    .collect();
                return Err(ScenarioError::new(
                    format!("{f}.property"),
                    format!("unknown property \"{name}\"; expected one of: {}", names.join(", ")),
                ));
            }
        }
        // The servers a check names must exist: read them off its written form, where every
        // such field has one of these names.
        let Ok(serde_json::Value::Object(fields)) = serde_json::to_value(&claim.check) else { continue };
        for name in NODE_FIELDS {
            let ids: Vec<(String, u64)> = match fields.get(*name) {
                Some(serde_json::Value::Number(n)) => {
                    n.as_u64().map(|id| (format!("{f}.{name}"), id)).into_iter().collect()
                }
                Some(serde_json::Value::Array(list)) => list
                    .iter()
                    .enumerate()
                    .filter_map(|(k, v)| v.as_u64().map(|id| (format!("{f}.{name}[{k}]"), id)))
                    .collect(),
                _ => Vec::new(),
            };
            for (field, id) in ids {
                if id == 0 || id > u64::from(scenario.nodes) {
                    return Err(ScenarioError::new(
                        field,
                        format!("node {id} does not exist (nodes are 1 to {})", scenario.nodes),
                    ));
                }
            }
        }
    }
    Ok(())
}

/// Run `sim` to `until` (or its end), checking each claim of its scenario's `expect` at its
/// moment; `after_event` is called after every event (for `raftsim run --events`). The
/// outcomes are in the order of `expect`.
pub fn run_checking(
    sim: &mut Simulation,
    until: Micros,
    mut after_event: impl FnMut(&Simulation),
) -> Vec<ExpectOutcome> {
    let claims = sim.scenario().expect.clone();
    let end = until.min(sim.end());
    if claims.iter().any(|c| matches!(c.check, Check::Availability { .. })) {
        // As a tour step does: availability is measured from the start.
        sim.set_track_availability(true);
    }
    let moment = |c: &Claim| c.at_ms.map_or(end, ms_to_us);
    let mut order: Vec<usize> = (0..claims.len()).collect();
    order.sort_by_key(|&i| (moment(&claims[i]), i));
    let mut outcomes: Vec<Option<ExpectOutcome>> = vec![None; claims.len()];
    for i in order {
        let claim = &claims[i];
        let at = moment(claim);
        let reachable = at <= end;
        let target = at.min(end);
        while sim.step_until(target) {
            after_event(sim);
        }
        if sim.stop_message().is_none() {
            sim.run_until(target);
        }
        let reached = reachable && sim.stop_message().is_none() && sim.now() >= target;
        let (holds, seen) = match reached.then(|| claim.check.evaluate(sim)) {
            Some(Ok(())) => (true, String::new()),
            Some(Err(seen)) => (false, seen),
            None => {
                let why =
                    if reachable { "the run stopped before this moment" } else { "the run ends before this moment" };
                (false, format!("{why} (it reached {:.3} ms)", sim.now() as f64 / 1000.0))
            }
        };
        let at_ms = if reached { at as f64 / 1000.0 } else { claim.at_ms.unwrap_or(end as f64 / 1000.0) };
        outcomes[i] = Some(ExpectOutcome { index: i, at_ms, claim: claim.clone(), holds, reached, seen });
    }
    while sim.step_until(end) {
        after_event(sim);
    }
    if sim.stop_message().is_none() {
        sim.run_until(end);
    }
    outcomes.into_iter().flatten().collect()
}
