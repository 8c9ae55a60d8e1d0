//! A scenario's `expect`: claims about its run, written and checked exactly as a tour's
//! (`Claim`, `Check::evaluate` in tour.rs: one checker for both), each at its `at_ms` or, without
//! one, at the end of the run. `raftsim run` reports every claim that does not hold, with what
//! was seen instead, and exits 5.
use crate::engine::sim::Simulation;
use crate::scenario::format::{ms_to_us, Scenario, ScenarioError, MAX_DURATION_MS};
use crate::scenario::tour::{property_named, Check, Claim};
use raft_core::{Micros, NodeId};
use serde::Serialize;

/// At most this many claims in one scenario.
pub const MAX_EXPECT: usize = 1_000;

/// The fields of a check that hold a list of servers (the others hold one).
fn is_list(name: &str) -> bool {
    matches!(name, "granted" | "denied" | "voters" | "new_voters" | "learners")
}

/// The servers a check names, by field.
fn named_nodes(check: &Check) -> Vec<(&'static str, Vec<NodeId>)> {
    let one = |name, id: NodeId| (name, vec![id]);
    match check {
        Check::Leader { node, .. }
        | Check::TermAtLeast { node, .. }
        | Check::Committed { node, .. }
        | Check::Value { node, .. } => node.map(|n| one("node", n)).into_iter().collect(),
        Check::Role { node, .. }
        | Check::LogLength { node, .. }
        | Check::Crashed { node }
        | Check::Paused { node }
        | Check::SnapshotShared { node, .. }
        | Check::EntryTerm { node, .. }
        | Check::CommitIndex { node, .. }
        | Check::ReadAnswer { node, .. }
        | Check::SnapshotIndex { node, .. }
        | Check::LastApplied { node, .. }
        | Check::Applied { node, .. }
        | Check::Answer { node, .. } => vec![one("node", *node)],
        Check::VotedFor { node, candidate } => vec![one("node", *node), one("candidate", *candidate)],
        Check::NextIndex { leader, follower, .. } | Check::MatchIndex { leader, follower, .. } => {
            vec![one("leader", *leader), one("follower", *follower)]
        }
        Check::Votes { node, granted, denied } => {
            vec![one("node", *node), ("granted", granted.clone()), ("denied", denied.clone())]
        }
        Check::Configuration { node, voters, new_voters, learners } => {
            let mut out = vec![one("node", *node), ("voters", voters.clone()), ("learners", learners.clone())];
            out.extend(new_voters.clone().map(|v| ("new_voters", v)));
            out
        }
        Check::NoLeader
        | Check::Violation { .. }
        | Check::NoViolation
        | Check::ReadPending { .. }
        | Check::Linearizable { .. }
        | Check::Unanswered { .. }
        | Check::Retried { .. }
        | Check::Availability { .. } => Vec::new(),
    }
}

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
                    .chain(crate::check::invariants::Property::LIVENESS.iter())
                    .filter_map(|p| serde_json::to_value(p).ok()?.as_str().map(str::to_string))
                    .collect();
                return Err(ScenarioError::new(
                    format!("{f}.property"),
                    format!("unknown property \"{name}\"; expected one of: {}", names.join(", ")),
                ));
            }
        }
        // The servers a check names must exist.
        for (name, ids) in named_nodes(&claim.check) {
            for (k, &id) in ids.iter().enumerate() {
                if id == 0 || id > scenario.nodes {
                    let field = if ids.len() == 1 && !is_list(name) {
                        format!("{f}.{name}")
                    } else {
                        format!("{f}.{name}[{k}]")
                    };
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
