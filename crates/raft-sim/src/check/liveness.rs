//! Liveness: what must eventually happen, checked after every event like the invariants, and
//! reported apart from them. Safety says nothing bad happens; a run where no leader is ever
//! elected breaks no invariant. These properties say something good happens in time, *once the
//! network lets it*: they are judged only while the network is **stable**, and only after a
//! bound has passed, so a run that ends (or stops being stable) before a bound is reached is
//! *not judged* — never a false failure.
//!
//! ## Stable
//!
//! The network is stable at a moment when all of these hold:
//! - the timing model bounds message delays: synchronous, or partially synchronous after its
//!   GST (never asynchronous);
//! - no manual delivery and no message rule in force;
//! - there is a group Q of servers, each running (not crashed, not paused), without send or
//!   receive omission and without Byzantine behaviour, that are pairwise connected **both
//!   ways** by links that lose nothing (no partition or cut between them, loss 0), and Q is a
//!   quorum of the configuration in force (of both halves of a joint one). Q is the largest
//!   such group (the first in id order among equals). Servers outside Q may be anywhere: down,
//!   partitioned, or cut one way;
//! - a leader's heartbeat reaches every member of Q before its election timer can run out:
//!   `h + δ < t`, where δ is the longest one-way latency on Q's links, `h` the longest
//!   heartbeat interval and `t` the shortest election timeout of Q's servers, both in real time
//!   (a server's clock drift stretches or shrinks its timers).
//!
//! This is deliberately weaker than the paper's timing requirement (broadcast time ≪ election
//! timeout ≪ MTBF, §5.6): a round trip may still exceed the election timeout, and a server
//! outside Q may still send into it. Raft can then lose liveness, and these checks show it
//! (the built-ins `latency-above-timeout` and `one-way-partition-no-leader`). The stable
//! stretch begins when these conditions become true (at GST for a partially synchronous
//! network) and lasts while they hold: an action that keeps them (a restart, a heal, a crash
//! of a server outside Q) does not end it.
//!
//! ## The bounds
//!
//! With `T` the longest election timeout of Q's servers in real time and δ as above:
//! - **B** = 10 × (T + 2δ): ten election rounds, each a timeout and a RequestVote round trip;
//! - **H** = 2 × T: how long a leader must keep its term to count as elected;
//! - **R** = B + H + (n + 1) × (c + 2δ' + 2 ms) + T for a client request, with `n` servers,
//!   `c` the workload's client timeout and δ' the longest latency of any link (clients try the
//!   servers in turn, one timeout each, and a read or a write then takes a commit).
//!
//! ## The properties
//!
//! - **Leader Elected** ([`Property::LeaderElected`]): the cluster *needs* a leader from the
//!   moment the stable stretch begins, and again from each moment its leader is lost after one
//!   was elected (no running leader of the highest term reaches a quorum both ways). Every
//!   operator action but the client ones (a crash, a restart, a cut, a heal, a forced
//!   timeout…) starts a need's clock again: the bound runs from the last disruption. It fails
//!   when a need lasts past B + H, that is when no leader that can commit has kept its term for
//!   H within B. Endless split votes fail it, and so do leaders deposed again and again, or a
//!   leader that cannot hear its followers and is never replaced.
//! - **Requests Answered** ([`Property::RequestsAnswered`]): every request of a workload
//!   client that is pending while the network is stable is answered within R of the latest of
//!   its invocation, the start of the stable stretch, the last loss of the leader and the last
//!   disruption. The operator's own requests (`client` actions, the page's client panel) are
//!   not judged: they are sent once, or retried a few times, and may legitimately be lost; nor
//!   are the requests of stopped clients.
//! - **Leader Kept** ([`Property::LeaderKept`]), only with PreVote and CheckQuorum both on: a
//!   leader that has kept its term for H in a stable stretch (H after the operator last asked
//!   for an election, so that an election it asked for has settled) is not deposed — its term
//!   does not change and no other server leads a later term — while the stretch lasts, unless
//!   the operator asks for an election (a forced timeout, a leadership transfer, a membership
//!   change, a crash of the leader), the leader hands over (a transfer, or removing itself),
//!   leaves the configuration, crashes, pauses or stops reaching a quorum. A server that
//!   rejoins (a restart, a resume, a heal) must not depose it; one that comes back with a
//!   higher term does, even with PreVote (PreVote keeps a server's term from climbing while it
//!   is away, not a term it already had).
//!
//! The checker only reads the run: it changes nothing the trace hash covers, so golden traces
//! stay the same, and its results are not in the hash either (they are read from the run, as
//! the invariant checker's are). A failure is recorded once per property, at the event where
//! its bound passed.
use super::availability::committing_leader;
use super::invariants::{Property, Violation};
use crate::engine::network::Endpoint;
use crate::engine::observe::{Observer, Seen, Wants};
use crate::engine::sim::{NodeStatus, Simulation};
use crate::engine::workload::SCRIPT_CLIENT;
use crate::scenario::format::{ms_to_us, Action, Scenario, TimingModel};
use raft_core::{ClientId, Configuration, Index, Micros, NodeId, Role, Term};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// Election rounds in the bound B.
pub const ELECTION_ROUNDS: u64 = 10;
/// Election timeouts a leader must keep its term for (H).
pub const HOLD_TIMEOUTS: u64 = 2;

/// What a liveness check found, as a kind and its values; [`LivenessFinding::english`] is the
/// sentence the CLI prints, the page words it through its catalogue.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum LivenessFinding {
    /// The cluster needed a leader from `since_us` and none that can commit kept its term for
    /// `hold_us` within `bound_us`.
    NoLeader { since_us: Micros, bound_us: Micros, hold_us: Micros },
    /// A workload client's request was pending from `since_us` (with the network stable) and
    /// had no answer after `bound_us`.
    Unanswered { client: ClientId, seq: u64, since_us: Micros, bound_us: Micros },
    /// `leader`, leader of `term` in the stable stretch, was deposed: `by`, another running
    /// server (the lowest id among those with the highest term), holds the higher term
    /// `new_term`; None when no other server does (`new_term` is then the leader's own).
    Deposed { leader: NodeId, term: Term, by: Option<NodeId>, new_term: Term },
}

/// Milliseconds as the findings write them: "4849.22" (no trailing zeros).
pub fn ms_text(us: Micros) -> String {
    let whole = us / 1000;
    match us % 1000 {
        0 => format!("{whole}"),
        frac => format!("{whole}.{}", format!("{frac:03}").trim_end_matches('0')),
    }
}

impl LivenessFinding {
    pub fn english(&self) -> String {
        match self {
            LivenessFinding::NoLeader { since_us, bound_us, hold_us } => format!(
                "the network was stable and the cluster needed a leader from {} ms, but within {} ms no leader that can commit kept its term for {} ms",
                ms_text(*since_us),
                ms_text(*bound_us),
                ms_text(*hold_us)
            ),
            LivenessFinding::Unanswered { client, seq, since_us, bound_us } => format!(
                "client {client}'s request {seq} was pending from {} ms with the network stable, and had no answer within {} ms",
                ms_text(*since_us),
                ms_text(*bound_us)
            ),
            LivenessFinding::Deposed { leader, term, by: Some(by), new_term } => format!(
                "S{leader}, leader of term {term} while the network was stable, was deposed: S{by} holds term {new_term}"
            ),
            LivenessFinding::Deposed { leader, term, by: None, .. } => {
                format!("S{leader}, leader of term {term} while the network was stable, stepped down")
            }
        }
    }
}

/// A liveness property that failed: when its bound passed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LivenessFailure {
    pub property: Property,
    pub time_us: Micros,
    /// The event after which the bound had passed.
    pub event: u64,
    pub finding: LivenessFinding,
    pub message: String,
}

impl LivenessFailure {
    /// As campaigns, the shrinker and reports carry a broken property.
    pub fn violation(&self) -> Violation {
        let nodes = match self.finding {
            LivenessFinding::Deposed { leader, by, .. } => std::iter::once(leader).chain(by).collect(),
            _ => Vec::new(),
        };
        Violation::new(self.property, self.time_us, self.event, nodes, Vec::new(), self.message.clone())
    }
}

/// Where a liveness property stands.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Status {
    /// Nothing judged yet: the network has not been stable for a whole bound (or, for
    /// requests, no request was answered while it was).
    NotJudged,
    /// Not checked in this run (Leader Kept without both PreVote and CheckQuorum).
    Off,
    /// Judged `judged` times (leaders elected, requests answered, leaders guarded) and held.
    Holding {
        judged: u64,
    },
    Failed(LivenessFailure),
}

/// The stable stretch in progress.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Stable {
    pub since_us: Micros,
    /// The servers of Q, as a bit set (bit `id`).
    pub core: u64,
    pub election_bound_us: Micros,
    pub hold_us: Micros,
    pub request_bound_us: Micros,
}

/// The liveness observer: attached to every checked run (`Simulation::new`).
#[derive(Clone, Debug)]
pub struct LivenessChecker {
    guard_on: bool,
    paused: bool,
    conditions_dirty: bool,
    /// When the conditions last changed (an action, a crash, a restart, a configuration).
    changed_at: Micros,
    leader_dirty: bool,
    election_asked: bool,
    recheck_at: Option<Micros>,
    /// (role, term) per server as last seen, to notice elections.
    roles: Vec<(Role, Term)>,
    /// The committing leader and its configuration's index, to notice a configuration change.
    leader: Option<(NodeId, Term)>,
    leader_config: Option<Index>,
    stable: Option<Stable>,
    /// The committing leader and since when it has been so.
    held: Option<(NodeId, Term, Micros)>,
    need_since: Option<Micros>,
    last_need: Micros,
    seen_ops: usize,
    /// Workload requests without an answer: history index → (client, invoked).
    pending: BTreeMap<usize, (ClientId, Micros)>,
    /// Stopped workload clients (`stop_clients`); None in the set means all of them.
    stopped: BTreeSet<ClientId>,
    all_stopped: bool,
    /// The moment of the latest disruptive action not yet taken into account.
    disrupted_at: Option<Micros>,
    guard: Option<(NodeId, Term)>,
    /// When the operator last asked for an election (a leader is guarded H after it).
    asked_at: Micros,
    /// The last leader seen handing over its leadership (never guarded again).
    handed_over: Option<(NodeId, Term)>,
    status: [Status; 3],
}

impl LivenessChecker {
    pub fn for_scenario(scenario: &Scenario) -> LivenessChecker {
        let guard_on = scenario.raft.pre_vote && scenario.raft.check_quorum;
        LivenessChecker {
            guard_on,
            paused: false,
            conditions_dirty: true,
            changed_at: 0,
            leader_dirty: true,
            election_asked: false,
            recheck_at: None,
            roles: vec![(Role::Follower, 0); scenario.nodes as usize],
            leader: None,
            leader_config: None,
            stable: None,
            held: None,
            need_since: None,
            last_need: 0,
            seen_ops: 0,
            pending: BTreeMap::new(),
            stopped: BTreeSet::new(),
            all_stopped: false,
            disrupted_at: None,
            guard: None,
            handed_over: None,
            asked_at: 0,
            status: [Status::NotJudged, Status::NotJudged, if guard_on { Status::NotJudged } else { Status::Off }],
        }
    }

    /// The three properties in [`Property::LIVENESS`]'s order, with where each stands.
    pub fn statuses(&self) -> Vec<(Property, Status)> {
        Property::LIVENESS.into_iter().zip(self.status.iter().cloned()).collect()
    }

    /// The stable stretch in progress, if the network is stable now.
    pub fn stable(&self) -> Option<Stable> {
        self.stable
    }

    /// The first failure (by event), if any property failed.
    pub fn first_failure(&self) -> Option<&LivenessFailure> {
        self.status
            .iter()
            .filter_map(|s| match s {
                Status::Failed(f) => Some(f),
                _ => None,
            })
            .min_by_key(|f| (f.event, f.time_us))
    }

    fn slot(p: Property) -> usize {
        match p {
            Property::LeaderElected => 0,
            Property::RequestsAnswered => 1,
            _ => 2,
        }
    }

    fn held_once(&mut self, p: Property) {
        let s = &mut self.status[Self::slot(p)];
        match s {
            Status::NotJudged => *s = Status::Holding { judged: 1 },
            Status::Holding { judged } => *judged += 1,
            Status::Off | Status::Failed(_) => {}
        }
    }

    fn fail(&mut self, p: Property, sim: &Simulation, finding: LivenessFinding) {
        let s = &mut self.status[Self::slot(p)];
        if matches!(s, Status::Failed(_) | Status::Off) {
            return;
        }
        let message = finding.english();
        *s = Status::Failed(LivenessFailure { property: p, time_us: sim.now(), event: sim.events(), finding, message });
    }

    fn action(&mut self, action: &Action, now: Micros) {
        self.conditions_dirty = true;
        self.changed_at = now;
        self.leader_dirty = true;
        if !matches!(
            action,
            Action::Client { .. }
                | Action::StopClients { .. }
                | Action::StartClients { .. }
                | Action::ChangeClients { .. }
        ) {
            self.disrupted_at = Some(now);
        }
        match action {
            Action::Timeout { .. }
            | Action::TransferLeadership { .. }
            | Action::CrashLeader { .. }
            | Action::AddServer { .. }
            | Action::RemoveServer { .. }
            | Action::ChangeMembership { .. } => self.election_asked = true,
            Action::StopClients { clients: None } => {
                self.all_stopped = true;
                self.pending.clear();
            }
            Action::StopClients { clients: Some(list) } => {
                self.stopped.extend(list.iter().map(|&c| ClientId::from(c)));
                self.pending.retain(|_, (c, _)| !self.stopped.contains(c));
            }
            Action::StartClients { clients } => {
                match clients {
                    None => {
                        self.all_stopped = false;
                        self.stopped.clear();
                    }
                    Some(list) => list.iter().for_each(|&c| {
                        self.stopped.remove(&ClientId::from(c));
                    }),
                }
                // Their open requests are sent again: judge them again from the next event.
                self.seen_ops = 0;
            }
            _ => {}
        }
    }

    fn stopped(&self, client: ClientId) -> bool {
        self.all_stopped || self.stopped.contains(&client)
    }

    /// After every event: bring the stable stretch, the leader and the requests up to date,
    /// and judge what a bound has passed for.
    fn tick(&mut self, sim: &Simulation) {
        let now = sim.now();
        if let Some((id, _)) = self.leader {
            let index = sim.node(id).and_then(|s| s.raft.as_ref()).map(|r| r.configuration_index());
            if index != self.leader_config {
                self.conditions_dirty = true;
                self.changed_at = now;
            }
        }
        if self.conditions_dirty || self.recheck_at.is_some_and(|t| now >= t) {
            self.conditions_dirty = false;
            self.recheck_at = None;
            self.leader_dirty = true;
            match self.conditions(sim) {
                Some(mut stable) => match self.stable {
                    Some(old) => {
                        stable.since_us = old.since_us;
                        self.stable = Some(stable);
                    }
                    None => {
                        self.stable = Some(stable);
                        self.need_since = Some(stable.since_us);
                        self.last_need = stable.since_us;
                    }
                },
                None => {
                    self.stable = None;
                    self.need_since = None;
                    self.guard = None;
                }
            }
        }
        if self.leader_dirty {
            self.leader_dirty = false;
            self.leader = committing_leader(sim);
            self.leader_config = self
                .leader
                .and_then(|(id, _)| sim.node(id))
                .and_then(|s| s.raft.as_ref())
                .map(|r| r.configuration_index());
        }
        self.collect_requests(sim);
        let Some(stable) = self.stable else {
            self.held = self.leader.map(|(l, t)| (l, t, now));
            self.election_asked = false;
            self.disrupted_at = None;
            return;
        };
        self.judge_election(sim, stable);
        self.judge_requests(sim, stable);
        if self.guard_on {
            self.judge_guard(sim, stable);
        }
        self.election_asked = false;
    }

    fn judge_election(&mut self, sim: &Simulation, stable: Stable) {
        let now = sim.now();
        // The operator's disruptions restart the clock: the bound runs from the last of them.
        if let Some(t) = self.disrupted_at.take() {
            if self.need_since.is_some() {
                self.need_since = Some(t.max(stable.since_us));
            }
            self.last_need = self.last_need.max(t);
        }
        let same = match (self.held, self.leader) {
            (Some((l, t, _)), Some((l2, t2))) => l == l2 && t == t2,
            (None, None) => true,
            _ => false,
        };
        if !same {
            if self.held.is_some() && self.need_since.is_none() {
                self.need_since = Some(now);
                self.last_need = now;
            }
            self.held = self.leader.map(|(l, t)| (l, t, now));
        }
        if let (Some((_, _, since)), Some(_)) = (self.held, self.need_since) {
            if now >= since.max(stable.since_us) + stable.hold_us {
                self.need_since = None;
                self.held_once(Property::LeaderElected);
            }
        }
        if let Some(need) = self.need_since {
            let bound = stable.election_bound_us + stable.hold_us;
            if now > need + bound {
                self.need_since = None;
                let finding = LivenessFinding::NoLeader { since_us: need, bound_us: bound, hold_us: stable.hold_us };
                self.fail(Property::LeaderElected, sim, finding);
            }
        }
    }

    fn collect_requests(&mut self, sim: &Simulation) {
        let history = sim.history();
        if self.seen_ops < history.len() {
            for i in self.seen_ops..history.len() {
                let Some(op) = history.get(i) else { continue };
                if op.client != SCRIPT_CLIENT && op.completed_us.is_none() && !self.stopped(op.client) {
                    self.pending.insert(i, (op.client, op.invoked_us));
                }
            }
            self.seen_ops = history.len();
        }
    }

    fn judge_requests(&mut self, sim: &Simulation, stable: Stable) {
        if self.pending.is_empty() {
            return;
        }
        let now = sim.now();
        let from = stable.since_us.max(self.last_need);
        let mut answered = 0;
        let mut late = None;
        self.pending.retain(|&i, &mut (client, invoked)| {
            let Some(op) = sim.history().get(i) else { return false };
            if op.completed_us.is_some() {
                answered += 1;
                return false;
            }
            let since = invoked.max(from);
            if late.is_none() && now > since + stable.request_bound_us {
                late = Some(LivenessFinding::Unanswered {
                    client,
                    seq: op.seq,
                    since_us: since,
                    bound_us: stable.request_bound_us,
                });
                return false;
            }
            true
        });
        for _ in 0..answered {
            self.held_once(Property::RequestsAnswered);
        }
        if let Some(finding) = late {
            self.fail(Property::RequestsAnswered, sim, finding);
        }
    }

    fn judge_guard(&mut self, sim: &Simulation, stable: Stable) {
        if self.election_asked {
            self.guard = None;
            self.asked_at = sim.now();
        }
        // A leader handing over (a transfer, or removing itself) is not guarded from then on:
        // its successor deposes it on purpose.
        let transferring =
            |id: NodeId| sim.node(id).and_then(|s| s.raft.as_ref()).is_some_and(|r| r.transfer_target().is_some());
        if let Some((l, t)) = self.leader.filter(|&(l, _)| transferring(l)) {
            self.handed_over = Some((l, t));
            self.guard = None;
        }
        let Some((l, t)) = self.guard else {
            // Guarded once it has kept its term for H: an election the operator asked for has
            // settled by then (a candidate it left behind would otherwise depose the winner).
            let now = sim.now();
            if let Some((l, t, since)) = self.held {
                let settled = now >= since.max(stable.since_us).max(self.asked_at) + stable.hold_us;
                if settled && self.leader == Some((l, t)) && self.handed_over != Some((l, t)) {
                    self.guard = Some((l, t));
                    self.held_once(Property::LeaderKept);
                }
            }
            return;
        };
        if self.leader == Some((l, t)) {
            return;
        }
        self.guard = None;
        let Some(raft) = sim.node(l).filter(|s| s.status == NodeStatus::Up).and_then(|s| s.raft.as_ref()) else {
            return; // crashed or paused: not deposed
        };
        let config = raft.configuration();
        if !config.is_voter(l) || !reaches_quorum(sim, l, config) {
            return; // it left the configuration, or lost its quorum: not deposed by a rejoin
        }
        let higher = sim
            .nodes()
            .iter()
            .filter(|s| s.status == NodeStatus::Up)
            .filter_map(|s| s.raft.as_ref().map(|r| (r.current_term(), s.id)))
            // Another server: the leader itself has adopted the term by now.
            .filter(|&(term, id)| term > t && id != l)
            .max_by_key(|&(term, id)| (term, std::cmp::Reverse(id)));
        let finding = match higher {
            Some((new_term, by)) => LivenessFinding::Deposed { leader: l, term: t, by: Some(by), new_term },
            None if raft.role() != Role::Leader => {
                LivenessFinding::Deposed { leader: l, term: t, by: None, new_term: t }
            }
            None => return,
        };
        self.fail(Property::LeaderKept, sim, finding);
    }

    /// Whether the network is stable now, and if so the stretch's group and bounds (`since_us`
    /// is now, or GST).
    fn conditions(&mut self, sim: &Simulation) -> Option<Stable> {
        let now = sim.now();
        if sim.manual_delivery() || sim.message_rules_in_force() {
            return None;
        }
        let network = sim.network();
        let settings = network.settings();
        // From the change that made it so (the boot, an action, a crash, a restart), or GST.
        let since = match settings.timing {
            TimingModel::Synchronous => self.changed_at,
            TimingModel::PartiallySynchronous { gst_ms, .. } => {
                let gst = ms_to_us(gst_ms);
                if now < gst {
                    self.recheck_at = Some(gst);
                    return None;
                }
                self.changed_at.max(gst)
            }
            TimingModel::Asynchronous { .. } => return None,
        };
        let link = |a: NodeId, b: NodeId| {
            let o = settings.links.iter().rev().find(|l| l.from == a && l.to == b);
            let loss = o.and_then(|o| o.loss).unwrap_or(settings.loss);
            let latency = o.and_then(|o| o.latency_ms).unwrap_or(settings.latency_ms);
            (loss, ms_to_us(latency[1].max(0.0)))
        };
        let candidates: Vec<NodeId> = sim
            .nodes()
            .iter()
            .filter(|s| s.status == NodeStatus::Up && s.raft.is_some())
            .filter(|s| {
                s.faults.send_omission <= 0.0 && s.faults.receive_omission <= 0.0 && s.faults.byzantine.is_empty()
            })
            .map(|s| s.id)
            .collect();
        let good = |a: NodeId, b: NodeId| {
            network.connected(Endpoint::Node(a), Endpoint::Node(b))
                && network.connected(Endpoint::Node(b), Endpoint::Node(a))
                && link(a, b).0 <= 0.0
                && link(b, a).0 <= 0.0
        };
        let config = sim.configuration_in_force()?;
        let core = largest_quorum_clique(&candidates, &good, config)?;
        let mut delta = 0;
        for &a in &core {
            for &b in &core {
                if a != b {
                    delta = delta.max(link(a, b).1);
                }
            }
        }
        // Timers in real time: a clock running at (1 + drift) fires a local duration d after
        // d / (1 + drift) of virtual time.
        let real = |local: Micros, drift: f64| (local as f64 / (1.0 + drift.clamp(-0.5, 0.5))) as Micros;
        let (mut t_min, mut t_max, mut hb) = (Micros::MAX, 0, 0);
        for &id in &core {
            let (Some(slot), config) = (sim.node(id), sim.scenario().config_for(id)) else { continue };
            let drift = slot.faults.drift;
            t_min = t_min.min(real(config.election_timeout_min, drift));
            t_max = t_max.max(real(config.election_timeout_max.max(config.election_timeout_min), drift));
            hb = hb.max(real(config.heartbeat_interval, drift));
        }
        if hb + delta >= t_min {
            return None;
        }
        let n = sim.nodes().len() as Micros;
        let any_latency = sim
            .nodes()
            .iter()
            .flat_map(|a| sim.nodes().iter().map(move |b| (a.id, b.id)))
            .map(|(a, b)| link(a, b).1)
            .max()
            .unwrap_or(0)
            .max(ms_to_us(settings.latency_ms[1].max(0.0)));
        let client_timeout = sim.scenario().workload.as_ref().map_or(0, |w| ms_to_us(w.timeout_ms));
        let election_bound_us = ELECTION_ROUNDS * (t_max + 2 * delta);
        let hold_us = HOLD_TIMEOUTS * t_max;
        let request_bound_us =
            election_bound_us + hold_us + (n + 1) * (client_timeout + 2 * any_latency + 2_000) + t_max;
        let core_bits = core.iter().filter(|&&id| id < 64).fold(0u64, |bits, &id| bits | (1 << id));
        Some(Stable { since_us: since, core: core_bits, election_bound_us, hold_us, request_bound_us })
    }
}

/// Whether `id` reaches, both ways, running servers forming a quorum of `config`.
fn reaches_quorum(sim: &Simulation, id: NodeId, config: &Configuration) -> bool {
    let network = sim.network();
    config.is_quorum_where(|p: NodeId| {
        p == id
            || (sim.node(p).is_some_and(|s| s.status == NodeStatus::Up && s.raft.is_some())
                && network.connected(Endpoint::Node(id), Endpoint::Node(p))
                && network.connected(Endpoint::Node(p), Endpoint::Node(id)))
    })
}

/// The largest group of `candidates` pairwise `good` that is a quorum of `config` (the first
/// in id order among equals). Every subset is tried up to 16 candidates (65,536, and only when
/// the network or the servers change); beyond, one greedy group in id order.
fn largest_quorum_clique(
    candidates: &[NodeId],
    good: &dyn Fn(NodeId, NodeId) -> bool,
    config: &Configuration,
) -> Option<Vec<NodeId>> {
    let k = candidates.len();
    let quorum = |group: &[NodeId]| config.is_quorum_where(|p| group.contains(&p));
    if k > 16 {
        let mut group: Vec<NodeId> = Vec::new();
        for &c in candidates {
            if group.iter().all(|&g| good(g, c)) {
                group.push(c);
            }
        }
        return quorum(&group).then_some(group);
    }
    let adjacent: Vec<u32> = (0..k)
        .map(|i| (0..k).filter(|&j| j != i && good(candidates[i], candidates[j])).fold(0u32, |m, j| m | (1 << j)))
        .collect();
    let mut best: Option<(u32, u32)> = None; // (size, mask)
    for mask in 1u32..(1u32 << k) {
        let size = mask.count_ones();
        if best.is_some_and(|(b, _)| size <= b) {
            continue;
        }
        let clique = (0..k).filter(|&i| mask & (1 << i) != 0).all(|i| mask & !(1 << i) & !adjacent[i] == 0);
        if !clique {
            continue;
        }
        let group: Vec<NodeId> = (0..k).filter(|&i| mask & (1 << i) != 0).map(|i| candidates[i]).collect();
        if quorum(&group) {
            best = Some((size, mask));
        }
    }
    best.map(|(_, mask)| (0..k).filter(|&i| mask & (1 << i) != 0).map(|i| candidates[i]).collect())
}

impl Observer for LivenessChecker {
    fn wants(&self) -> Wants {
        Wants::STEPS.and(Wants::CRASHES).and(Wants::EVENTS).and(Wants::ACTIONS)
    }
    fn observe(&mut self, sim: &Simulation, seen: &Seen<'_>) -> u64 {
        if self.paused {
            return 0;
        }
        match seen {
            Seen::Step { node, .. } => {
                let index = (node.node as usize).wrapping_sub(1);
                if let Some(last) = self.roles.get_mut(index) {
                    if *last != (node.role, node.term) {
                        *last = (node.role, node.term);
                        self.leader_dirty = true;
                    }
                }
                if node.restarted {
                    self.conditions_dirty = true;
                    self.changed_at = sim.now();
                }
            }
            Seen::Crash(_) => {
                self.conditions_dirty = true;
                self.changed_at = sim.now();
                self.leader_dirty = true;
            }
            Seen::Action(action) => self.action(action, sim.now()),
            Seen::EventDone => self.tick(sim),
            _ => {}
        }
        // Liveness failures are not safety violations: they stop nothing and mark no milestone.
        0
    }
}

impl LivenessChecker {
    /// Stop (or resume) checking, with the invariants (the benchmark compares both).
    pub fn set_paused(&mut self, paused: bool) {
        self.paused = paused;
        self.conditions_dirty = true;
        self.leader_dirty = true;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_largest_connected_quorum_is_found_and_a_minority_is_none() {
        let config = Configuration::new(1..=5);
        // S1 is cut from S2 (one link is enough: both ways are needed); S5 reaches nobody.
        let good = |a: NodeId, b: NodeId| !(a == 5 || b == 5 || (a.min(b) == 1 && a.max(b) == 2));
        let all: Vec<NodeId> = (1..=5).collect();
        assert_eq!(largest_quorum_clique(&all, &good, &config), Some(vec![1, 3, 4]));
        // Two servers of five are no quorum, however well connected.
        assert_eq!(largest_quorum_clique(&[3, 4], &good, &config), None);
    }

    #[test]
    fn milliseconds_read_without_trailing_zeros() {
        assert_eq!(
            (ms_text(0), ms_text(170_980), ms_text(4_800_000), ms_text(1_001)),
            ("0".into(), "170.98".into(), "4800".into(), "1.001".into())
        );
    }
}
