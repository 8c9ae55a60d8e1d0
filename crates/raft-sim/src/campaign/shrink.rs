//! Shrinking: from a scenario whose run breaks a property, find a smaller one that breaks the
//! same property (delta debugging, in the spirit of QuickCheck's and Hypothesis's shrinkers).
//!
//! Passes, each proposing candidates one at a time and keeping the first that still breaks the
//! property, repeated in rounds until a whole round keeps nothing:
//! 0. **claims**: drop the scenario's `expect` claims (they describe the original run);
//! 1. **duration**: end the run just after the violation (and drop the actions after the end);
//! 2. **timeline**: drop actions, a half at a time, then smaller chunks, then one by one;
//! 3. **earlier**: move an action to half its time (whole milliseconds), so the run can end
//!    sooner (the duration pass of the next round cuts it);
//! 4. **faults**: drop each server's omission/drift entry and each link override, then zero
//!    the remaining entries' fields one at a time;
//! 5. **network**: loss, duplication and reordering to 0, the timing model to synchronous, the
//!    latency range narrowed (to its minimum, then towards the defaults);
//! 6. **workload**: no workload, then one client, fewer clients, one key, fewer keys;
//! 7. **servers**: remove one server (the highest first), dropping the actions that name only it
//!    and renumbering the ones above it; only tried when nothing else names servers (triggers,
//!    per-server setups, expectations, message rules and role-named actions are left alone);
//! 8. **raft**: each Raft setting back to its default (the broken rules are kept).
//!
//! A candidate is accepted when it validates ([`Scenario::validate`]) and its run, with the
//! invariant checker, breaks the same property *first* (as a campaign reports it: the first
//! invariant violation, or, when none, a non-linearizable client history, or, when neither, the
//! first liveness failure), within an event budget. A liveness failure shrinks like any other:
//! the duration pass ends the run just after its bound passed. Every candidate moves one setting strictly towards its target (zero, synchronous,
//! the default, fewer), so a round cannot undo another, and the [`Size`] never grows. The
//! search is bounded by a number of attempts, not by wall-clock time, so the result depends
//! only on the input: the same scenario shrinks to the same scenario on every machine. The
//! scenario's seed is kept (its randomness is the scenario's own).
use crate::check::invariants::{Property, Violation};
use crate::check::linearizability;
use crate::engine::sim::Simulation;
use crate::scenario::format::{Action, NetworkSettings, RaftSettings, Scenario, TimingModel, Workload};
use raft_core::NodeId;
use serde::{Deserialize, Serialize};
use std::fmt;

/// How big a scenario is, for shrinking: the parts a reader has to follow. A shrunk scenario
/// is never larger in any of them.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Size {
    pub servers: u32,
    /// Timeline actions.
    pub actions: usize,
    /// Per-server fault entries (omission, drift) plus link overrides.
    pub faults: usize,
    /// Workload clients (0 without a workload).
    pub clients: u32,
    pub duration_ms: f64,
}

impl Size {
    pub fn of(s: &Scenario) -> Size {
        Size {
            servers: s.nodes,
            actions: s.timeline.len(),
            faults: s.faults.len() + s.network.links.len(),
            clients: s.workload.as_ref().map_or(0, |w| w.clients),
            duration_ms: s.duration_ms,
        }
    }

    /// No part larger than `other`'s.
    pub fn within(&self, other: &Size) -> bool {
        self.servers <= other.servers
            && self.actions <= other.actions
            && self.faults <= other.faults
            && self.clients <= other.clients
            && self.duration_ms <= other.duration_ms
    }
}

impl fmt::Display for Size {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} servers, {} actions, {} faults, {} clients, {} ms",
            self.servers, self.actions, self.faults, self.clients, self.duration_ms
        )
    }
}

/// The bounds of a shrink.
#[derive(Clone, Copy, Debug)]
pub struct ShrinkConfig {
    /// Candidate runs at most (each validated and run once).
    pub max_attempts: u64,
    /// Events per candidate run at most; `None`: four times the original run's events to its
    /// violation, plus 100,000 (at most the campaigns' budget).
    pub max_events: Option<u64>,
}

impl Default for ShrinkConfig {
    fn default() -> Self {
        ShrinkConfig { max_attempts: 1_000, max_events: None }
    }
}

/// One accepted step.
#[derive(Clone, Debug)]
pub struct Step {
    pub pass: &'static str,
    pub what: String,
    /// The size after the step.
    pub size: Size,
    /// The attempt (1-based) it was accepted at.
    pub attempt: u64,
}

#[derive(Clone, Debug)]
pub struct ShrinkOutcome {
    pub scenario: Scenario,
    /// The shrunk scenario's violation (same property as the original's).
    pub violation: Violation,
    pub before: Size,
    pub after: Size,
    pub attempts: u64,
    pub steps: Vec<Step>,
    /// The attempt budget ran out before a round kept nothing.
    pub exhausted: bool,
}

/// Why a scenario cannot be shrunk.
#[derive(Clone, Debug, PartialEq)]
pub enum ShrinkError {
    Invalid(crate::scenario::format::ScenarioError),
    /// Its run breaks no property (within the event budget).
    NoViolation,
}

impl fmt::Display for ShrinkError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ShrinkError::Invalid(e) => write!(f, "{e}"),
            ShrinkError::NoViolation => write!(f, "its run breaks no property: nothing to shrink"),
        }
    }
}

/// Run `scenario` with the invariant checker for at most `max_events` events and return what a
/// campaign would report: the first invariant violation, else a linearizability violation of
/// the client history, else the first liveness failure (both only if the run reached its end).
/// `None`: nothing broke, or the budget ran out first.
pub fn first_violation(scenario: &Scenario, max_events: u64) -> Option<Violation> {
    let mut sim = Simulation::new(scenario).ok()?;
    while sim.step() {
        if let Some(v) = sim.violations().first() {
            return Some(v.clone());
        }
        if sim.events() > max_events {
            return None;
        }
    }
    if sim.stop_message().is_some() {
        return None;
    }
    super::linearizability_violation(&sim, linearizability::check_run(&sim, linearizability::DEFAULT_BUDGET))
        .or_else(|| sim.liveness_failure().map(|f| f.violation()))
}

/// A candidate with what it changes.
type Candidate = (String, Scenario);

/// What a candidate's run breaks first (see [`first_violation`]); a parameter so the passes
/// can be tested with a property of their own.
type Oracle<'a> = &'a dyn Fn(&Scenario) -> Option<Violation>;

struct Shrinker<'a> {
    property: Property,
    oracle: Oracle<'a>,
    max_attempts: u64,
    attempts: u64,
    current: Scenario,
    violation: Violation,
    steps: Vec<Step>,
    on_step: &'a mut dyn FnMut(&Step),
}

impl Shrinker<'_> {
    fn out_of_attempts(&self) -> bool {
        self.attempts >= self.max_attempts
    }

    /// Try one candidate; keep it if it is no larger, differs, and still breaks the property.
    fn try_candidate(&mut self, pass: &'static str, (what, candidate): Candidate) -> bool {
        if self.out_of_attempts() || candidate == self.current {
            return false;
        }
        let size = Size::of(&candidate);
        if !size.within(&Size::of(&self.current)) || candidate.validate().is_err() {
            return false; // not counted: nothing was run
        }
        self.attempts += 1;
        match (self.oracle)(&candidate) {
            Some(v) if v.property == self.property => {
                self.current = candidate;
                self.violation = v;
                let step = Step { pass, what, size, attempt: self.attempts };
                (self.on_step)(&step);
                self.steps.push(step);
                true
            }
            _ => false,
        }
    }

    /// Try candidates made from the current scenario, one by one, until one is kept; `make`
    /// is asked again after each kept one (the scenario changed). Returns whether any was kept.
    fn pass(&mut self, pass: &'static str, make: fn(&Scenario, &Violation) -> Vec<Candidate>) -> bool {
        let mut kept = false;
        'again: loop {
            for c in make(&self.current, &self.violation) {
                if self.out_of_attempts() {
                    return kept;
                }
                if self.try_candidate(pass, c) {
                    kept = true;
                    continue 'again;
                }
            }
            return kept;
        }
    }

    /// Delta debugging over the timeline: drop chunks of n equal parts, from halves down to
    /// single actions.
    fn timeline(&mut self) -> bool {
        let mut kept = false;
        let mut parts = 2usize;
        loop {
            let len = self.current.timeline.len();
            if len == 0 || self.out_of_attempts() {
                return kept;
            }
            let parts_now = parts.min(len);
            let chunk = len.div_ceil(parts_now);
            let mut dropped = false;
            let mut start = 0;
            while start < len {
                let end = (start + chunk).min(len);
                let mut s = self.current.clone();
                s.timeline.drain(start..end);
                let what = if end - start == 1 {
                    format!("dropped action {} ({})", start + 1, self.current.timeline[start].action.kind())
                } else {
                    format!("dropped actions {}–{}", start + 1, end)
                };
                if self.try_candidate("timeline", (what, s)) {
                    kept = true;
                    dropped = true;
                    break;
                }
                if self.out_of_attempts() {
                    return kept;
                }
                start = end;
            }
            if dropped {
                parts = parts.saturating_sub(1).max(2);
            } else if chunk == 1 {
                return kept;
            } else {
                parts = parts_now * 2;
            }
        }
    }
}

/// Shrink `scenario`, whose run must break a property (the first one, as a campaign reports
/// it). `on_step` is called with each accepted step, as it is accepted.
pub fn shrink(
    scenario: &Scenario,
    config: &ShrinkConfig,
    on_step: &mut dyn FnMut(&Step),
) -> Result<ShrinkOutcome, ShrinkError> {
    scenario.validate().map_err(ShrinkError::Invalid)?;
    let probe = config.max_events.unwrap_or(crate::campaign::EVENT_BUDGET);
    let violation = first_violation(scenario, probe).ok_or(ShrinkError::NoViolation)?;
    let max_events = config.max_events.unwrap_or_else(|| {
        violation.event.saturating_mul(4).saturating_add(100_000).min(crate::campaign::EVENT_BUDGET)
    });
    Ok(shrink_with(scenario, violation, config.max_attempts, &|c| first_violation(c, max_events), on_step))
}

/// The passes, in rounds, with `oracle` telling what each candidate breaks.
fn shrink_with(
    scenario: &Scenario,
    violation: Violation,
    max_attempts: u64,
    oracle: Oracle<'_>,
    on_step: &mut dyn FnMut(&Step),
) -> ShrinkOutcome {
    let mut s = Shrinker {
        property: violation.property,
        oracle,
        max_attempts,
        attempts: 0,
        current: scenario.clone(),
        violation,
        steps: Vec::new(),
        on_step,
    };
    loop {
        let mut kept = false;
        kept |= s.pass("claims", claim_candidates);
        kept |= s.pass("duration", duration_candidates);
        kept |= s.timeline();
        kept |= s.pass("earlier", earlier_candidates);
        kept |= s.pass("faults", fault_candidates);
        kept |= s.pass("network", network_candidates);
        kept |= s.pass("workload", workload_candidates);
        kept |= s.pass("servers", server_candidates);
        kept |= s.pass("raft", raft_candidates);
        if !kept || s.out_of_attempts() {
            break;
        }
    }
    // Written in time order: a campaign appends some actions at random times (its transfers)
    // and the "earlier" pass moves actions, and the file should read as it runs (a tour step
    // playing it sorts it too). Stable, so actions at one moment keep their order and the run
    // is the same event for event. Sorted only here: the search itself works on the list as it
    // came (its chunks are by position), so its result does not change.
    let exhausted = s.out_of_attempts();
    let mut shrunk = s.current;
    crate::engine::order::sort_by_key_stable(&mut shrunk.timeline, |a| crate::engine::order::f64_key(a.at_ms));
    ShrinkOutcome {
        before: Size::of(scenario),
        after: Size::of(&shrunk),
        exhausted,
        scenario: shrunk,
        violation: s.violation,
        attempts: s.attempts,
        steps: s.steps,
    }
}

/// Without the scenario's `expect` claims: they describe the original run, not the shrunk one.
fn claim_candidates(s: &Scenario, _: &Violation) -> Vec<Candidate> {
    if s.expect.is_empty() {
        return Vec::new();
    }
    let mut c = s.clone();
    c.expect.clear();
    vec![(format!("dropped the {} claims of `expect` (they describe the original run)", s.expect.len()), c)]
}

/// End the run 1 ms after the violation (whole milliseconds), dropping the actions after it.
fn duration_candidates(s: &Scenario, v: &Violation) -> Vec<Candidate> {
    let end = (v.time_us / 1000 + 1) as f64;
    if end >= s.duration_ms {
        return Vec::new();
    }
    let mut c = s.clone();
    c.duration_ms = end;
    c.timeline.retain(|t| t.at_ms <= end);
    vec![(format!("ended the run at {end} ms, just after the violation"), c)]
}

/// Each action at half its time (whole milliseconds), so that the run can end sooner.
fn earlier_candidates(s: &Scenario, _: &Violation) -> Vec<Candidate> {
    let mut out = Vec::new();
    for (i, t) in s.timeline.iter().enumerate() {
        let half = (t.at_ms / 2.0).floor();
        if half < t.at_ms {
            let mut c = s.clone();
            c.timeline[i].at_ms = half;
            out.push((format!("action {} ({}) at {half} ms instead of {} ms", i + 1, t.action.kind(), t.at_ms), c));
        }
    }
    out
}

/// Sets one field of a server's fault entry to zero.
type ZeroField = fn(&mut crate::scenario::format::NodeFaults);

fn fault_candidates(s: &Scenario, _: &Violation) -> Vec<Candidate> {
    let mut out = Vec::new();
    for (i, f) in s.faults.iter().enumerate() {
        let mut c = s.clone();
        c.faults.remove(i);
        out.push((format!("dropped S{}'s faults", f.node), c));
    }
    for (i, l) in s.network.links.iter().enumerate() {
        let mut c = s.clone();
        c.network.links.remove(i);
        out.push((format!("dropped the override of link S{}→S{}", l.from, l.to), c));
    }
    for (i, f) in s.faults.iter().enumerate() {
        let fields: [(&str, ZeroField, bool); 3] = [
            ("send omission", |f| f.send_omission = 0.0, f.send_omission != 0.0),
            ("receive omission", |f| f.receive_omission = 0.0, f.receive_omission != 0.0),
            ("drift", |f| f.drift = 0.0, f.drift != 0.0),
        ];
        for (name, zero, set) in fields {
            if set {
                let mut c = s.clone();
                zero(&mut c.faults[i]);
                out.push((format!("S{}'s {name} to 0", f.node), c));
            }
        }
    }
    out
}

fn network_candidates(s: &Scenario, _: &Violation) -> Vec<Candidate> {
    let n = &s.network;
    let mut out = Vec::new();
    let mut with = |what: String, change: &dyn Fn(&mut NetworkSettings)| {
        let mut c = s.clone();
        change(&mut c.network);
        out.push((what, c));
    };
    if n.loss != 0.0 {
        with("loss to 0".into(), &|n| n.loss = 0.0);
    }
    if n.duplicate != 0.0 {
        with("duplication to 0".into(), &|n| n.duplicate = 0.0);
    }
    if n.reorder != 0.0 {
        with("reordering to 0".into(), &|n| n.reorder = 0.0);
    }
    if n.timing != TimingModel::Synchronous {
        with("timing model to synchronous".into(), &|n| n.timing = TimingModel::Synchronous);
    }
    let [lo, hi] = n.latency_ms;
    let d = NetworkSettings::default().latency_ms;
    if hi > lo {
        with(format!("latency {lo}–{hi} ms to {lo}–{lo} ms"), &|n| n.latency_ms = [lo, lo]);
        let mid = ((lo + hi) / 2.0).floor();
        if mid > lo && mid < hi {
            with(format!("latency {lo}–{hi} ms to {lo}–{mid} ms"), &|n| n.latency_ms = [lo, mid]);
        }
    }
    // Towards the defaults, only by narrowing (a range that holds the default's).
    if (lo < d[0] || hi > d[1]) && lo <= d[0] && hi >= d[1] {
        with(format!("latency {lo}–{hi} ms to the default {}–{} ms", d[0], d[1]), &|n| n.latency_ms = d);
    }
    out
}

fn workload_candidates(s: &Scenario, _: &Violation) -> Vec<Candidate> {
    let Some(w) = &s.workload else { return Vec::new() };
    let mut out = Vec::new();
    let mut with = |what: String, change: &dyn Fn(&mut Workload)| {
        let mut c = s.clone();
        if let Some(w) = c.workload.as_mut() {
            change(w);
        }
        out.push((what, c));
    };
    if w.clients > 1 {
        with("one client".into(), &|w| w.clients = 1);
        let fewer = w.clients - 1;
        with(format!("{fewer} clients"), &|w| w.clients = fewer);
    }
    if w.keys > 1 {
        with("one key".into(), &|w| w.keys = 1);
        let fewer = w.keys - 1;
        with(format!("{fewer} keys"), &|w| w.keys = fewer);
    }
    let mut none = s.clone();
    none.workload = None;
    out.insert(0, ("no workload".into(), none));
    out
}

fn raft_candidates(s: &Scenario, _: &Violation) -> Vec<Candidate> {
    let d = RaftSettings::default();
    let r = &s.raft;
    let mut out = Vec::new();
    let mut with = |what: &str, differs: bool, change: &dyn Fn(&mut RaftSettings, &RaftSettings)| {
        if differs {
            let mut c = s.clone();
            change(&mut c.raft, &d);
            out.push((format!("{what} back to its default"), c));
        }
    };
    with("the election timeout", r.election_timeout_ms != d.election_timeout_ms, &|r, d| {
        r.election_timeout_ms = d.election_timeout_ms
    });
    with("the heartbeat interval", r.heartbeat_ms != d.heartbeat_ms, &|r, d| r.heartbeat_ms = d.heartbeat_ms);
    with("backtracking", r.backtrack != d.backtrack, &|r, d| r.backtrack = d.backtrack);
    with("the no-op on election", r.noop_on_election != d.noop_on_election, &|r, d| {
        r.noop_on_election = d.noop_on_election
    });
    with("entries per message", r.max_entries_per_message != d.max_entries_per_message, &|r, d| {
        r.max_entries_per_message = d.max_entries_per_message
    });
    with("PreVote", r.pre_vote != d.pre_vote, &|r, d| r.pre_vote = d.pre_vote);
    with("CheckQuorum", r.check_quorum != d.check_quorum, &|r, d| r.check_quorum = d.check_quorum);
    with("leader liveliness", r.leader_liveliness != d.leader_liveliness, &|r, d| {
        r.leader_liveliness = d.leader_liveliness
    });
    with("the membership mode", r.membership_mode != d.membership_mode, &|r, d| r.membership_mode = d.membership_mode);
    with("the read mode", r.read_mode != d.read_mode, &|r, d| r.read_mode = d.read_mode);
    with("the lease drift bound", r.lease_drift_bound != d.lease_drift_bound, &|r, d| {
        r.lease_drift_bound = d.lease_drift_bound
    });
    with("the snapshot threshold", r.snapshot_threshold != d.snapshot_threshold, &|r, d| {
        r.snapshot_threshold = d.snapshot_threshold
    });
    with("the snapshot chunk size", r.snapshot_chunk_bytes != d.snapshot_chunk_bytes, &|r, d| {
        r.snapshot_chunk_bytes = d.snapshot_chunk_bytes
    });
    out
}

/// Remove each server in turn, the highest first.
fn server_candidates(s: &Scenario, _: &Violation) -> Vec<Candidate> {
    if s.nodes <= 1 {
        return Vec::new();
    }
    (1..=s.nodes).rev().filter_map(|gone| without_server(s, gone).map(|c| (format!("removed S{gone}"), c))).collect()
}

/// `s` without server `gone`: the servers above it renumbered one down, its fault entries,
/// link overrides and the actions that name only it dropped, and it taken out of the lists
/// that name it among others (partition groups, configurations). `None` when the scenario
/// names servers where this cannot follow (triggers, per-server setups, expectations, message
/// rules, role-named actions), or an action would lose its meaning.
pub fn without_server(s: &Scenario, gone: NodeId) -> Option<Scenario> {
    if gone == 0 || gone > s.nodes || s.nodes <= 1 {
        return None;
    }
    if !s.triggers.is_empty() || !s.servers.is_empty() || !s.expect.is_empty() {
        return None;
    }
    let map = |id: NodeId| -> Option<NodeId> {
        match id.cmp(&gone) {
            std::cmp::Ordering::Less => Some(id),
            std::cmp::Ordering::Equal => None,
            std::cmp::Ordering::Greater => Some(id - 1),
        }
    };
    let list = |ids: &[NodeId]| -> Vec<NodeId> { ids.iter().filter_map(|&i| map(i)).collect() };
    let mut c = s.clone();
    c.nodes = s.nodes - 1;
    if let Some(m) = &s.members {
        let m = list(m);
        if m.is_empty() {
            return None;
        }
        c.members = Some(m);
    }
    c.faults = s
        .faults
        .iter()
        .filter_map(|f| map(f.node).map(|node| crate::scenario::format::NodeFaults { node, ..f.clone() }))
        .collect();
    c.network.links = s
        .network
        .links
        .iter()
        .filter_map(|l| Some(crate::scenario::format::LinkOverride { from: map(l.from)?, to: map(l.to)?, ..l.clone() }))
        .collect();
    let mut timeline = Vec::with_capacity(s.timeline.len());
    for t in &s.timeline {
        let action = match &t.action {
            Action::Crash { node, mode } => map(*node).map(|node| Action::Crash { node, mode: *mode }),
            Action::Restart { node } => map(*node).map(|node| Action::Restart { node }),
            Action::Pause { node } => map(*node).map(|node| Action::Pause { node }),
            Action::Resume { node } => map(*node).map(|node| Action::Resume { node }),
            Action::Isolate { node } => map(*node).map(|node| Action::Isolate { node }),
            Action::Timeout { node } => map(*node).map(|node| Action::Timeout { node }),
            Action::TransferLeadership { node } => map(*node).map(|node| Action::TransferLeadership { node }),
            Action::Cut { from, to } => match (map(*from), map(*to)) {
                (Some(from), Some(to)) => Some(Action::Cut { from, to }),
                _ => None,
            },
            Action::Partition { groups } => {
                let groups: Vec<Vec<NodeId>> = groups.iter().map(|g| list(g)).filter(|g| !g.is_empty()).collect();
                (!groups.is_empty()).then_some(Action::Partition { groups })
            }
            Action::SetFaults(f) => {
                map(f.node).map(|node| Action::SetFaults(crate::scenario::format::NodeFaults { node, ..f.clone() }))
            }
            Action::Client { node, op, key, value, retry_ms } => map(*node).map(|node| Action::Client {
                node,
                op: *op,
                key: key.clone(),
                value: value.clone(),
                retry_ms: *retry_ms,
            }),
            Action::AddServer { node, via } => match (map(*node), via.map(map)) {
                (Some(node), None) => Some(Action::AddServer { node, via: None }),
                (Some(node), Some(Some(v))) => Some(Action::AddServer { node, via: Some(v) }),
                _ => None,
            },
            Action::RemoveServer { node, via } => match (map(*node), via.map(map)) {
                (Some(node), None) => Some(Action::RemoveServer { node, via: None }),
                (Some(node), Some(Some(v))) => Some(Action::RemoveServer { node, via: Some(v) }),
                _ => None,
            },
            Action::ChangeMembership { voters, via } => {
                let voters = list(voters);
                match via.map(map) {
                    _ if voters.is_empty() => None,
                    None => Some(Action::ChangeMembership { voters, via: None }),
                    Some(Some(v)) => Some(Action::ChangeMembership { voters, via: Some(v) }),
                    Some(None) => None,
                }
            }
            Action::ChangeClients { clients, interval_ms, keys, get_ratio, node } => match node.map(map) {
                Some(None) => None,
                node => Some(Action::ChangeClients {
                    clients: clients.clone(),
                    interval_ms: *interval_ms,
                    keys: *keys,
                    get_ratio: *get_ratio,
                    node: node.flatten(),
                }),
            },
            Action::MessageRule(_) | Action::Targeted(_) => return None,
            other => Some(other.clone()),
        };
        if let Some(action) = action {
            timeline.push(crate::scenario::format::TimedAction { at_ms: t.at_ms, action });
        }
    }
    c.timeline = timeline;
    Some(c)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::format::{CrashMode, LinkOverride, NodeFaults, TimedAction};

    fn violation(property: Property, time_us: u64) -> Violation {
        Violation::new(property, time_us, 1, Vec::new(), Vec::new(), "test".to_string())
    }

    /// Three servers, a noisy network, faults, a workload and a timeline naming every server.
    fn busy() -> Scenario {
        let mut s = Scenario::new("busy", 3, 7);
        s.duration_ms = 10_000.0;
        s.network.loss = 0.05;
        s.network.duplicate = 0.02;
        s.network.timing = TimingModel::Asynchronous { tail_probability: 0.05 };
        s.network.latency_ms = [2.0, 30.0];
        s.faults.push(NodeFaults { node: 2, send_omission: 0.1, drift: 0.1, ..Default::default() });
        s.faults.push(NodeFaults { node: 3, receive_omission: 0.2, ..Default::default() });
        s.network.links.push(LinkOverride {
            from: 3,
            to: 1,
            latency_ms: None,
            loss: Some(0.3),
            duplicate: None,
            reorder: None,
        });
        s.workload =
            Some(Workload { clients: 3, interval_ms: 20.0, keys: 4, get_ratio: 0.3, timeout_ms: 300.0, start_ms: 0.0 });
        s.at(100.0, Action::Crash { node: 2, mode: CrashMode::Recover })
            .at(200.0, Action::Partition { groups: vec![vec![1, 2], vec![3]] })
            .at(300.0, Action::Cut { from: 3, to: 1 })
            .at(400.0, Action::Timeout { node: 3 })
            .at(5_000.0, Action::Heal)
            .at(6_000.0, Action::Restart { node: 2 })
    }

    /// The timeline's actions at the given places (1-based), as an oracle's condition.
    fn has(s: &Scenario, action: &Action) -> bool {
        s.timeline.iter().any(|t| &t.action == action)
    }

    #[test]
    fn the_duration_pass_ends_just_after_the_violation() {
        let s = busy();
        let c = duration_candidates(&s, &violation(Property::ElectionSafety, 2_000_500));
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].1.duration_ms, 2_001.0);
        assert_eq!(c[0].1.timeline.len(), 4, "the heal and the restart come after the end");
        assert!(duration_candidates(&s, &violation(Property::ElectionSafety, 9_999_500)).is_empty());
    }

    #[test]
    fn the_claims_pass_drops_expect() {
        let mut s = busy();
        assert!(claim_candidates(&s, &violation(Property::ElectionSafety, 0)).is_empty());
        s.expect = serde_json::from_str(r#"[{"check": "leader"}, {"check": "no_leader"}]"#).unwrap();
        let c = claim_candidates(&s, &violation(Property::ElectionSafety, 0));
        assert_eq!(c.len(), 1);
        assert!(c[0].1.expect.is_empty());
        assert_eq!(c[0].1.timeline, s.timeline);
    }

    #[test]
    fn the_earlier_pass_halves_each_actions_time() {
        let s = busy();
        let c = earlier_candidates(&s, &violation(Property::ElectionSafety, 0));
        assert_eq!(c.len(), 6);
        assert_eq!(c[0].1.timeline[0].at_ms, 50.0);
        assert_eq!(c[0].1.timeline[1..], s.timeline[1..], "one action at a time");
        assert_eq!(c[5].1.timeline[5].at_ms, 3_000.0);
        let at_start = Scenario::new("z", 3, 1).at(0.0, Action::Heal);
        assert!(earlier_candidates(&at_start, &violation(Property::ElectionSafety, 0)).is_empty());
    }

    #[test]
    fn the_fault_pass_drops_each_entry_then_zeroes_each_field() {
        let s = busy();
        let c = fault_candidates(&s, &violation(Property::ElectionSafety, 0));
        let what: Vec<&str> = c.iter().map(|(w, _)| w.as_str()).collect();
        assert_eq!(
            what,
            [
                "dropped S2's faults",
                "dropped S3's faults",
                "dropped the override of link S3→S1",
                "S2's send omission to 0",
                "S2's drift to 0",
                "S3's receive omission to 0"
            ]
        );
        assert_eq!(c[0].1.faults.len(), 1);
        assert_eq!(c[2].1.network.links.len(), 0);
        assert_eq!(c[4].1.faults[0].drift, 0.0);
        assert_eq!(c[4].1.faults[0].send_omission, 0.1, "one field at a time");
        assert!(fault_candidates(&Scenario::new("calm", 3, 1), &violation(Property::ElectionSafety, 0)).is_empty());
    }

    #[test]
    fn the_network_pass_calms_one_setting_at_a_time() {
        let s = busy();
        let c = network_candidates(&s, &violation(Property::ElectionSafety, 0));
        let what: Vec<&str> = c.iter().map(|(w, _)| w.as_str()).collect();
        assert_eq!(
            what,
            [
                "loss to 0",
                "duplication to 0",
                "timing model to synchronous",
                "latency 2–30 ms to 2–2 ms",
                "latency 2–30 ms to 2–16 ms",
                "latency 2–30 ms to the default 10–20 ms"
            ]
        );
        assert_eq!(c[0].1.network.duplicate, 0.02);
        assert_eq!(c[2].1.network.timing, TimingModel::Synchronous);
        let mut calm = Scenario::new("calm", 3, 1);
        calm.network =
            NetworkSettings { latency_ms: [5.0, 5.0], timing: TimingModel::Synchronous, ..NetworkSettings::default() };
        assert!(network_candidates(&calm, &violation(Property::ElectionSafety, 0)).is_empty(), "{:?}", calm.network);
    }

    #[test]
    fn the_workload_pass_tries_none_then_fewer_clients_and_keys() {
        let s = busy();
        let c = workload_candidates(&s, &violation(Property::ElectionSafety, 0));
        let what: Vec<&str> = c.iter().map(|(w, _)| w.as_str()).collect();
        assert_eq!(what, ["no workload", "one client", "2 clients", "one key", "3 keys"]);
        assert!(c[0].1.workload.is_none());
        assert_eq!(c[2].1.workload.as_ref().map(|w| (w.clients, w.keys)), Some((2, 4)));
        assert!(workload_candidates(&Scenario::new("idle", 3, 1), &violation(Property::ElectionSafety, 0)).is_empty());
    }

    #[test]
    fn the_raft_pass_moves_each_setting_back_to_its_default_but_keeps_broken_rules() {
        let mut s = Scenario::new("r", 3, 1);
        assert!(raft_candidates(&s, &violation(Property::ElectionSafety, 0)).is_empty());
        s.raft.heartbeat_ms = 17.0;
        s.raft.pre_vote = !s.raft.pre_vote;
        s.raft.unsafe_rules = vec![raft_core::UnsafeRule::CommitOldTerms];
        let c = raft_candidates(&s, &violation(Property::ElectionSafety, 0));
        assert_eq!(c.len(), 2);
        assert_eq!(c[0].1.raft.heartbeat_ms, RaftSettings::default().heartbeat_ms);
        assert_eq!(c[0].1.raft.pre_vote, s.raft.pre_vote);
        assert!(c.iter().all(|(_, c)| c.raft.unsafe_rules == s.raft.unsafe_rules));
    }

    #[test]
    fn removing_a_server_renumbers_the_ones_above_it() {
        let s = busy();
        let c = without_server(&s, 2).expect("removable");
        assert_eq!(c.nodes, 2);
        assert!(c.validate().is_ok(), "{:?}", c.validate());
        let actions: Vec<&Action> = c.timeline.iter().map(|t| &t.action).collect();
        assert_eq!(
            actions,
            [
                &Action::Partition { groups: vec![vec![1], vec![2]] },
                &Action::Cut { from: 2, to: 1 },
                &Action::Timeout { node: 2 },
                &Action::Heal,
            ],
            "S2's crash and restart are gone; S3 is S2 now"
        );
        assert_eq!(c.faults.iter().map(|f| f.node).collect::<Vec<_>>(), [2]);
        assert_eq!(c.faults[0].receive_omission, 0.2, "S3's entry, renumbered");
        assert_eq!((c.network.links[0].from, c.network.links[0].to), (2, 1));
        // Where servers are named in ways this does not follow, nothing is removed.
        let mut triggered = s.clone();
        triggered.expect = serde_json::from_str(r#"[{"check": "leader"}]"#).unwrap();
        assert!(without_server(&triggered, 2).is_none());
        assert!(without_server(&Scenario::new("one", 1, 1), 1).is_none());
        assert!(without_server(&s, 4).is_none());
    }

    /// The whole loop with a property of its own: "broken" while the timeline holds both the
    /// timeout of S3 and the cut, the run lasts past 400 ms and S3 exists. Everything else goes.
    #[test]
    fn the_passes_keep_exactly_what_the_property_needs() {
        let s = busy();
        let oracle = |c: &Scenario| -> Option<Violation> {
            let needed = c.nodes >= 3
                && has(c, &Action::Timeout { node: 3 })
                && has(c, &Action::Cut { from: 3, to: 1 })
                && c.duration_ms > 400.0;
            needed.then(|| violation(Property::LogMatching, 450_000))
        };
        let mut seen = Vec::new();
        let out = shrink_with(&s, violation(Property::LogMatching, 450_000), 1_000, &oracle, &mut |step| {
            seen.push(step.what.clone())
        });
        assert!(!out.exhausted);
        assert_eq!(seen.len(), out.steps.len(), "every kept step is reported as it is kept");
        assert_eq!(
            out.scenario.timeline,
            vec![
                TimedAction { at_ms: 0.0, action: Action::Cut { from: 3, to: 1 } },
                TimedAction { at_ms: 0.0, action: Action::Timeout { node: 3 } },
            ],
            "the property does not care when, so both are moved to the start"
        );
        assert_eq!(out.after, Size { servers: 3, actions: 2, faults: 0, clients: 0, duration_ms: 451.0 });
        assert_eq!(out.scenario.network, NetworkSettings { latency_ms: [2.0, 2.0], ..NetworkSettings::default() });
        assert!(out.scenario.workload.is_none());
        assert_eq!(out.before, Size::of(&s));
        // A second time: the same steps, the same scenario.
        let again = shrink_with(&s, violation(Property::LogMatching, 450_000), 1_000, &oracle, &mut |_| {});
        assert_eq!((again.scenario, again.attempts), (out.scenario, out.attempts));
        // A candidate breaking another property is not kept.
        let other = |_: &Scenario| Some(violation(Property::ElectionSafety, 1));
        let kept = shrink_with(&s, violation(Property::LogMatching, 450_000), 1_000, &other, &mut |_| {});
        assert_eq!(kept.scenario, s);
        assert!(kept.steps.is_empty());
        // The attempt budget bounds the search.
        let bounded = shrink_with(&s, violation(Property::LogMatching, 450_000), 3, &oracle, &mut |_| {});
        assert_eq!(bounded.attempts, 3);
        assert!(bounded.exhausted);
    }

    #[test]
    fn a_scenario_that_breaks_nothing_or_is_invalid_is_refused() {
        let safe = Scenario::new("safe", 3, 1);
        assert_eq!(shrink(&safe, &ShrinkConfig::default(), &mut |_| {}).err(), Some(ShrinkError::NoViolation));
        let mut bad = safe.clone();
        bad.nodes = 0;
        assert!(
            matches!(shrink(&bad, &ShrinkConfig::default(), &mut |_| {}), Err(ShrinkError::Invalid(e)) if e.field == "nodes")
        );
    }
}
