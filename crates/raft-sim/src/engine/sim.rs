//! The Raft host: a cluster of [`RaftNode`]s, its clients and its operator, run on the
//! engine's protocol-agnostic kernel ([`crate::engine::kernel`]), which owns the virtual clock,
//! the event queue, the messages in flight, the network's faults and the trace hash. This
//! module owns what is Raft's: the servers' slots (state, stable storage, drifting clocks,
//! pauses), their `Ready` handling, the workload and scripted clients, the timeline's actions,
//! membership changes, Byzantine rewriting, observers, milestones and the run's budget.
//! Every source of randomness is drawn from seeded streams, so the same scenario always
//! produces the same events in the same order, natively and in wasm.
use crate::engine::budget::{self, Budget, Footprint, Stopped};
use crate::engine::clock::DriftClock;
use crate::engine::kernel::{self, Kernel, Pending};
use crate::engine::network::{Endpoint, Network};
use crate::engine::observe::{NodeObservation, Observer, Observers, Seen, Wants};
use crate::engine::rng::{Probability, SimRng};
use crate::engine::trace::{TraceEvent, What};
use crate::engine::workload::{ClientState, ClientWake, HistoryOp, SCRIPT_CLIENT};
use crate::scenario::format::{ms_to_us, Action, CrashMode, NodeFaults, Scenario, ScenarioError, TimedAction};
use raft_core::chunked::ChunkedVec;
use raft_core::{ClientId, Micros, NodeId, Notice, PersistentState, RaftNode, Ready, Role};
use std::collections::BTreeMap;
use std::sync::Arc;

mod actions;
mod clients;
mod footprint;
mod host;
mod membership;
mod operator;
mod payload;
mod rules;
mod targets;
mod triggers;

pub use payload::{summarize, Payload};

/// A message in the network.
pub type InFlight = kernel::InFlight<Payload>;

/// The Raft host's own wake-ups, queued on the kernel beside the messages (the kernel's
/// `Host::Timer`).
#[derive(Clone, Debug)]
pub enum EventKind {
    /// A server's one live wake-up (`token` tells a reset one apart).
    NodeTimer { node: NodeId, token: u64 },
    /// The scenario's timeline action at this index; past the timeline's end, the action of
    /// trigger `index - timeline.len()` (triggers.rs). (One variant for both keeps the queue's
    /// dispatch as it was for runs without triggers.)
    Action(usize),
    /// A workload client's next move.
    Client { client: ClientId, token: u64, wake: ClientWake },
    /// The operator's request `seq`, last sent to `tried`, is due to be sent again if still
    /// unanswered (its `retry_ms`, `every`, in µs; this would be retry number `attempt`). Small
    /// fields keep every queued event at 24 bytes.
    ScriptRetry { seq: u64, tried: NodeId, every: u32, attempt: u8 },
}

/// What a counted event was, as folded into the trace hash. The codes are part of every
/// golden trace hash, so they never change; a new kind of event takes a new number.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum EventType {
    /// A timeline action of the scenario.
    TimelineAction,
    /// A node's timer fired (election timeout or heartbeat).
    Timer,
    /// A workload client gave up waiting and tries the next server.
    ClientTimeout,
    /// A workload client sends (a new request, or again after a redirect).
    ClientSend,
    /// An operator's action while running (the page).
    OperatorAction,
    /// An operator's request sent again after its `retry_ms` passed unanswered.
    ScriptRetry,
    /// A scenario trigger's action runs (triggers.rs).
    Trigger,
}

impl EventType {
    /// The number the trace hash folds in before the event's two operands. 9 and 10 are the
    /// kernel's, for a message dropped and delivered ([`kernel::CODE_DROPPED`]).
    const fn code(self) -> u64 {
        match self {
            EventType::TimelineAction => 7,
            EventType::Timer => 8,
            EventType::ClientTimeout => 11,
            EventType::ClientSend => 12,
            EventType::OperatorAction => 13,
            EventType::ScriptRetry => 14,
            EventType::Trigger => 15,
        }
    }
}

/// Why a node is not running.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NodeStatus {
    Up,
    Paused,
    Crashed(CrashMode),
}

impl NodeStatus {
    /// "up", "paused" or "crashed", as reports and the embed API write it.
    pub fn name(self) -> &'static str {
        match self {
            NodeStatus::Up => "up",
            NodeStatus::Paused => "paused",
            NodeStatus::Crashed(_) => "crashed",
        }
    }
}

#[derive(Clone, Debug)]
pub struct NodeSlot {
    pub id: NodeId,
    pub raft: Option<RaftNode>,
    pub status: NodeStatus,
    /// Stable storage: what survives a crash-recovery.
    pub disk: PersistentState,
    pub clock: DriftClock,
    pub faults: NodeFaults,
    send_omission: Probability,
    receive_omission: Probability,
    rng: SimRng,
    timer_token: u64,
    timer_at: Option<Micros>,
    /// Events that reached the node while it was paused, replayed in order on resume.
    deferred: Vec<Pending<EventKind>>,
    pub crashes: u32,
    /// (role, term) after its last event, to record role changes.
    last_role: (Role, u64),
    /// How many times this server's state machine has applied each of the operator's requests
    /// (by sequence number) since it last booted; a retry its session skipped does not count.
    /// Bounded by the operator's requests (the timeline's and the page's).
    script_applied: BTreeMap<u64, u32>,
}

impl NodeSlot {
    /// How many times the state machine applied the operator's request `seq` since this server
    /// last booted (a tour's `applied` claim).
    pub fn times_applied(&self, seq: u64) -> u32 {
        self.script_applied.get(&seq).copied().unwrap_or(0)
    }
}

/// The servers, in id order. Ids run from 1; this is the one place that turns an id into an
/// index, and an id that names no server finds nothing rather than panicking.
#[derive(Clone, Debug)]
pub struct Nodes(Vec<NodeSlot>);

impl Nodes {
    pub fn node(&self, id: NodeId) -> Option<&NodeSlot> {
        self.0.get((id as usize).wrapping_sub(1))
    }
    pub fn node_mut(&mut self, id: NodeId) -> Option<&mut NodeSlot> {
        self.0.get_mut((id as usize).wrapping_sub(1))
    }
}

impl std::ops::Deref for Nodes {
    type Target = [NodeSlot];
    fn deref(&self) -> &[NodeSlot] {
        &self.0
    }
}

/// Something worth a marker on the time scrubber.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum MilestoneKind {
    /// The first candidate of a term: an election starts.
    Election {
        node: NodeId,
        term: u64,
    },
    /// A node became leader.
    Leader {
        node: NodeId,
        term: u64,
        /// The servers whose votes it won with, as a bit set (bit `id`; ids above 63 are
        /// left out), so the page can say who elected it without a trace.
        voters: u64,
    },
    Crash {
        node: NodeId,
    },
    Restart {
        node: NodeId,
    },
    /// The invariant checker found a broken property.
    Violation,
    /// An operator action.
    Action,
    /// A follower removed entries from its log that conflicted with its leader's
    /// AppendEntries (§5.3) or a snapshot it installed (Figure 13 rule 7), as raft-core's
    /// `Ready::overwritten` reported them: `count` entries from index `from` on. They were never committed
    /// (a committed entry is never overwritten unless a safety property broke), so the
    /// clients that asked for them got no answer. See [`Simulation::overwritten`].
    Overwritten {
        node: NodeId,
        from: u64,
        count: u64,
        /// The terms of the first and the last entry removed.
        terms: (u64, u64),
        /// Whether any of them was a client's command: no-ops, configurations and the entries a
        /// scenario's `servers` seeded were asked for by no client.
        asked: bool,
    },
}

/// One entry a follower removed from its log because its leader's log disagreed (§5.3).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub struct OverwrittenEntry {
    /// The event it was removed at.
    pub events: u64,
    pub time_us: Micros,
    pub node: NodeId,
    pub index: u64,
    pub term: u64,
    /// The client request it held (client, sequence number), if it held one.
    pub request: Option<(ClientId, u64)>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Milestone {
    /// The event it happened at (the number of events counted when it happened).
    pub events: u64,
    pub time_us: Micros,
    #[serde(flatten)]
    pub kind: MilestoneKind,
}

#[derive(Clone)]
pub struct Simulation {
    scenario: Arc<Scenario>,
    /// The clock, the queue, the messages in flight, the network and the trace hash.
    kernel: Kernel<Payload, EventKind>,
    end: Micros,
    nodes: Nodes,
    clients: Vec<ClientState>,
    client_rng: SimRng,
    workload_interval: Micros,
    workload_timeout: Micros,
    /// Chunked, so checkpoints of a long run share it.
    history: ChunkedVec<HistoryOp>,
    /// Where the operator's own requests are in `history`.
    script_ops: Vec<usize>,
    interventions: Vec<TimedAction>,
    script_seq: u64,
    /// The leader the operator's client last heard of (an answer, a redirect's hint), where
    /// its retries go.
    script_leader: Option<NodeId>,
    /// What watches the run (observe.rs): the invariant checker, the availability tracker.
    observers: Observers,
    /// Problems the observers found so far.
    findings: u64,
    record: bool,
    trace: Vec<TraceEvent>,
    ready: Ready,
    members: Vec<NodeId>,
    milestones: Vec<Milestone>,
    /// Entries followers removed on a conflict, oldest first (a teaching record: it is not
    /// part of the trace hash, like the milestones).
    overwritten: Vec<OverwrittenEntry>,
    /// The highest term in which an election milestone was recorded.
    last_election_term: u64,
    /// The servers of the initial configuration; the others boot with none.
    initial_members: Vec<NodeId>,
    /// Operator requests that the cluster refused or gave up (membership changes, leadership
    /// transfers): (time, reason).
    refusals: Vec<(Micros, String)>,
    /// What the run may use (events, estimated memory), and the event at which it is next
    /// checked.
    budget: Budget,
    next_budget_check: u64,
    /// Set when the budget ran out: no more events are processed.
    stopped: Option<(Stopped, Footprint)>,
    /// The operator's membership request while it is in its learner stage (operator.rs).
    operator_change: Option<operator::OperatorChange>,
    /// The message rules in force (rules.rs), and how many were ever made.
    rules: Vec<rules::ActiveRule>,
    rules_made: u64,
    /// The scenario's triggers still armed (triggers.rs); None without triggers.
    triggers: Option<Box<triggers::Armed>>,
    /// Whether sends go through `send_watched` (a rule is in force or a trigger waits for a
    /// message): false in most runs, where a send pays one test for both.
    watch_sends: bool,
    /// Whether every step is looked at after it (triggers are armed, or the operator follows a
    /// membership request): `step_hooks` in triggers.rs.
    step_hooks: bool,
}

/// A scripted (operator's) request follows at most this many "not the leader" redirects.
const MAX_SCRIPT_REDIRECTS: u32 = 3;

const STREAM_NETWORK: u64 = 1;
const STREAM_CLIENTS: u64 = 2;
const STREAM_FAULTS: u64 = 3;
const STREAM_NODE: u64 = 100;

impl Simulation {
    /// A run of `scenario` watched by `observers` (they see the servers boot). The checked run
    /// everyone uses, `Simulation::new`, attaches the checks (check/observers.rs).
    pub fn with_observers(scenario: &Scenario, observers: Vec<Box<dyn Observer>>) -> Result<Simulation, ScenarioError> {
        scenario.validate()?;
        let scenario = Arc::new(scenario.clone());
        let seed = scenario.seed;
        let members = scenario.node_ids();
        let initial_members = scenario.initial_members();
        let mut nodes = Vec::new();
        for &id in &members {
            let mut rng = SimRng::stream(seed, STREAM_NODE + id as u64);
            let faults = scenario
                .faults
                .iter()
                .rev()
                .find(|f| f.node == id)
                .cloned()
                .unwrap_or(NodeFaults { node: id, ..Default::default() });
            let clock = DriftClock::new(faults.drift);
            let bootstrap: &[NodeId] = if initial_members.contains(&id) { &initial_members } else { &[] };
            // A server boots from what is on its disk: nothing, or the scenario's initial state
            // (`servers`), read by raft-core's ordinary restart path.
            let disk = scenario.initial_state(id);
            let config = scenario.config_for(id);
            let raft = RaftNode::new(id, bootstrap, config, disk.clone(), clock.local(0), &mut rng);
            nodes.push(NodeSlot {
                id,
                raft: Some(raft),
                status: NodeStatus::Up,
                disk,
                clock,
                send_omission: Probability::from_f64(faults.send_omission),
                receive_omission: Probability::from_f64(faults.receive_omission),
                faults,
                rng,
                timer_token: 0,
                timer_at: None,
                deferred: Vec::new(),
                crashes: 0,
                last_role: (Role::Follower, 0),
                script_applied: BTreeMap::new(),
            });
        }
        let network = Network::new(scenario.network.clone(), scenario.nodes, SimRng::stream(seed, STREAM_NETWORK));
        let mut sim = Simulation {
            kernel: Kernel::new(network, SimRng::stream(seed, STREAM_FAULTS)),
            end: ms_to_us(scenario.duration_ms),
            clients: Vec::new(),
            client_rng: SimRng::stream(seed, STREAM_CLIENTS),
            workload_interval: 0,
            workload_timeout: 0,
            history: ChunkedVec::new(),
            script_ops: Vec::new(),
            interventions: Vec::new(),
            script_seq: 0,
            script_leader: None,
            observers: Observers::new(observers),
            findings: 0,
            record: false,
            trace: Vec::new(),
            ready: Ready::default(),
            members,
            nodes: Nodes(nodes),
            scenario: scenario.clone(),
            milestones: Vec::new(),
            overwritten: Vec::new(),
            last_election_term: 0,
            initial_members,
            refusals: Vec::new(),
            budget: Budget::default(),
            next_budget_check: budget::CHECK_EVERY,
            stopped: None,
            operator_change: None,
            rules: Vec::new(),
            rules_made: 0,
            triggers: triggers::Armed::new(&scenario),
            watch_sends: false,
            step_hooks: !scenario.triggers.is_empty(),
        };
        sim.watch_sends = sim.sends_watched();
        sim.watch_messages();
        for (index, timed) in scenario.timeline.iter().enumerate() {
            sim.schedule(ms_to_us(timed.at_ms), EventKind::Action(index));
        }
        if let Some(w) = &scenario.workload {
            sim.workload_interval = ms_to_us(w.interval_ms).max(1);
            sim.workload_timeout = ms_to_us(w.timeout_ms).max(1);
            let start = ms_to_us(w.start_ms);
            for c in 1..=w.clients as ClientId {
                let target = sim.client_rng.between(1, scenario.nodes as u64) as NodeId;
                sim.clients.push(ClientState::new(target));
                let jitter = sim.client_rng.below(sim.workload_interval);
                sim.arm_client(c, start + jitter, ClientWake::Issue);
            }
        }
        for id in sim.members.clone() {
            sim.after_step(id, true);
            sim.reschedule_timer(id);
        }
        Ok(sim)
    }

    // ----- Accessors -----------------------------------------------------------------------

    pub fn scenario(&self) -> &Scenario {
        &self.scenario
    }
    pub fn now(&self) -> Micros {
        self.kernel.now()
    }
    pub fn end(&self) -> Micros {
        self.end
    }
    pub fn events(&self) -> u64 {
        self.kernel.events()
    }
    pub fn trace_hash(&self) -> u64 {
        self.kernel.hash().value()
    }
    pub fn trace_hash_hex(&self) -> String {
        self.kernel.hash().hex()
    }
    /// How many problems the observers found so far.
    pub fn findings(&self) -> u64 {
        self.findings
    }
    pub fn nodes(&self) -> &[NodeSlot] {
        &self.nodes
    }
    pub fn node(&self, id: NodeId) -> Option<&NodeSlot> {
        self.nodes.node(id)
    }
    pub fn network(&self) -> &Network {
        self.kernel.network()
    }
    pub fn history(&self) -> &ChunkedVec<HistoryOp> {
        &self.history
    }
    /// The operator's own requests (scenario `client` actions and the page's client panel).
    pub fn script_history(&self) -> impl DoubleEndedIterator<Item = &HistoryOp> + '_ {
        self.script_ops.iter().filter_map(|&i| self.history.get(i))
    }
    pub fn trace(&self) -> &[TraceEvent] {
        &self.trace
    }
    /// Elections, new leaders, crashes, restarts, violations and operator actions so far.
    pub fn milestones(&self) -> &[Milestone] {
        &self.milestones
    }
    /// Entries followers removed from their logs on a conflict with their leader, oldest first.
    pub fn overwritten(&self) -> &[OverwrittenEntry] {
        &self.overwritten
    }
    /// Record every event (for printing and the UI); off by default, for speed.
    pub fn set_record_trace(&mut self, on: bool) {
        self.record = on;
    }
    /// The attached observer of type `T`, to read its results.
    pub fn observer<T: Observer>(&self) -> Option<&T> {
        self.observers.get()
    }
    pub fn observer_mut<T: Observer>(&mut self) -> Option<&mut T> {
        self.observers.get_mut()
    }
    /// Watch the run from now on.
    pub fn add_observer(&mut self, observer: Box<dyn Observer>) {
        self.observers.add(observer);
        self.watch_messages();
    }
    /// Stop watching with the observer of type `T`.
    pub fn remove_observer<T: Observer>(&mut self) {
        self.observers.remove::<T>();
        self.watch_messages();
    }
    /// The kernel lists each send's copies only while an observer wants to see messages.
    fn watch_messages(&mut self) {
        let on = self.observers.want(Wants::MESSAGES);
        self.kernel.list_sends(on);
        self.watch_sends = self.sends_watched();
    }

    /// Show every observer what happened (each sees the run without the observers). Inlined:
    /// this runs after every event, and most events have nobody who wants them, so the test
    /// is all they pay for (a call each cost 0.3% of the benchmark).
    #[inline]
    fn notify(&mut self, seen: &Seen<'_>) {
        if self.observers.want(seen.kind()) {
            self.show_observers(seen);
        }
    }

    #[inline(never)]
    fn show_observers(&mut self, seen: &Seen<'_>) {
        let mut observers = std::mem::take(&mut self.observers);
        self.findings += observers.show(self, seen);
        self.put_back(observers);
    }

    /// Return the observers taken out to be called. What they replaced is an empty list that
    /// owns no memory: forgetting it skips a drop call on the engine's hottest path.
    fn put_back(&mut self, observers: Observers) {
        std::mem::forget(std::mem::replace(&mut self.observers, observers));
    }

    /// How many messages are in the network now (without walking them).
    pub fn in_flight_count(&self) -> usize {
        self.kernel.in_flight_count()
    }
    /// Messages currently in the network, in no particular order.
    pub fn in_flight(&self) -> impl Iterator<Item = &InFlight> {
        self.kernel.in_flight()
    }
    /// Membership requests of the timeline the cluster refused, with when and why.
    pub fn refusals(&self) -> &[(Micros, String)] {
        &self.refusals
    }
    /// The servers of the initial configuration (the others start outside the cluster).
    pub fn initial_members(&self) -> &[NodeId] {
        &self.initial_members
    }
    /// Operator actions taken while running (from the page), in order, with their times.
    pub fn interventions(&self) -> &[TimedAction] {
        &self.interventions
    }

    /// Carry out an operator action now, between events. It is recorded (see
    /// [`Simulation::interventions`]) so that running the scenario to the same time and applying
    /// the same actions reproduces the run exactly.
    pub fn act(&mut self, action: Action) -> Result<(), ScenarioError> {
        self.check_request(&action)?;
        let index = self.interventions.len();
        self.begin_event(EventType::OperatorAction, index as u64, 0);
        self.log(|| What::Action { index, summary: format!("operator: {}", action_text(&action)) });
        self.milestone(MilestoneKind::Action);
        self.apply(&action);
        self.interventions.push(TimedAction { at_ms: self.kernel.now() as f64 / 1000.0, action });
        self.notify(&Seen::EventDone);
        if self.kernel.events() >= self.next_budget_check {
            self.check_budget();
        }
        Ok(())
    }

    /// Whether `action` can be carried out now: valid for this cluster, and for a membership
    /// request, accepted by the server it goes to. A membership request the cluster would
    /// refuse changes nothing, so [`Simulation::act`] does not record it.
    pub fn check_request(&self, action: &Action) -> Result<(), ScenarioError> {
        if let Some(message) = self.stop_message() {
            return Err(ScenarioError::new("action", format!("the run has {message}")));
        }
        self.check_action(action)?;
        self.check_manual(action)?;
        if let Some(Err(reason)) = self.membership_request(action) {
            return Err(ScenarioError::new("action", format!("{} refused: {reason}", action.kind())));
        }
        Ok(())
    }

    /// Manual delivery's refusals: delivering a message that is not held, copying a held one
    /// when the hold is full.
    fn check_manual(&self, action: &Action) -> Result<(), ScenarioError> {
        let held = |id: u64| self.in_flight().any(|m| m.id == id && m.held);
        match action {
            Action::DeliverMessage { message } if !held(*message) => Err(ScenarioError::new(
                "action.message",
                format!("message #{message} is not waiting to be delivered (manual delivery holds it)"),
            )),
            Action::DuplicateMessage { message } if held(*message) && self.kernel.held_count() >= kernel::MAX_HELD => {
                Err(ScenarioError::new(
                    "action.message",
                    format!(
                        "at most {} messages can wait to be delivered: deliver or drop some first",
                        kernel::MAX_HELD
                    ),
                ))
            }
            _ => Ok(()),
        }
    }

    /// Whether manual delivery is on: messages between servers wait for the operator.
    pub fn manual_delivery(&self) -> bool {
        self.kernel.manual()
    }
    /// The messages waiting to be delivered by hand, oldest first.
    pub fn held(&self) -> impl Iterator<Item = &InFlight> + '_ {
        self.kernel.held_slots().iter().filter_map(|&k| self.kernel.message(k))
    }
    /// How many messages are waiting to be delivered by hand.
    pub fn held_count(&self) -> usize {
        self.kernel.held_count()
    }
    /// How many messages were sent on through the network because [`kernel::MAX_HELD`]
    /// were already waiting.
    pub fn unheld(&self) -> u64 {
        self.kernel.unheld()
    }

    /// Whether `action` can be carried out on this cluster.
    pub fn check_action(&self, action: &Action) -> Result<(), ScenarioError> {
        self.scenario.check_action("action", action)
    }

    /// Where a node's timer stands: (start, deadline) in virtual time, for drawing.
    pub fn timer_span(&self, id: NodeId) -> Option<(Micros, Micros)> {
        let slot = self.node(id)?;
        let raft = slot.raft.as_ref()?;
        let deadline = slot.clock.global(raft.next_deadline());
        let length = match raft.role() {
            Role::Leader => raft.config().heartbeat_interval,
            _ => raft.election_timeout(),
        };
        let start = slot.clock.global(raft.next_deadline().saturating_sub(length));
        Some((start, deadline))
    }

    pub fn leader(&self) -> Option<NodeId> {
        self.nodes
            .iter()
            .filter_map(|s| s.raft.as_ref().filter(|r| r.role() == Role::Leader).map(|r| (r.current_term(), s.id)))
            .max()
            .map(|(_, id)| id)
    }

    // ----- Running -------------------------------------------------------------------------

    /// Process the next event if it is due no later than the scenario's end. Returns false
    /// when there is nothing more to do.
    pub fn step(&mut self) -> bool {
        self.step_until(self.end)
    }

    /// Process the next event if it is due no later than `limit` (the kernel's loop, calling
    /// this host: see the `Host` impl below).
    pub fn step_until(&mut self, limit: Micros) -> bool {
        kernel::step_until(self, limit.min(self.end))
    }

    /// Run until virtual time `t` (or the end), leaving `now` at `t` (unless the budget ran
    /// out first: then `now` stays at the last event).
    pub fn run_until(&mut self, t: Micros) {
        while self.step_until(t) {}
        if self.stopped.is_none() {
            self.kernel.advance_to(t.min(self.end));
        }
    }

    pub fn run_to_end(&mut self) {
        self.run_until(self.end);
    }

    /// Run until the first violation or the end; true if one was found.
    pub fn run_until_violation(&mut self) -> bool {
        while self.step() {
            if self.findings > 0 {
                return true;
            }
        }
        if self.stopped.is_none() {
            self.kernel.advance_to(self.end);
        }
        self.findings > 0
    }

    fn schedule(&mut self, at: Micros, kind: EventKind) {
        self.kernel.schedule(at, Pending::Wake(kind));
    }

    fn log(&mut self, what: impl FnOnce() -> What) {
        if self.record {
            self.trace.push(TraceEvent { number: self.kernel.events(), time_us: self.kernel.now(), what: what() });
        }
    }

    fn milestone(&mut self, kind: MilestoneKind) {
        self.milestones.push(Milestone { events: self.kernel.events(), time_us: self.kernel.now(), kind });
    }

    fn begin_event(&mut self, kind: EventType, a: u64, b: u64) {
        self.kernel.begin_event(kind.code(), a, b);
    }

    // ----- Nodes -------------------------------------------------------------------------

    fn node_timer(&mut self, id: NodeId, token: u64) -> bool {
        let Some(slot) = self.nodes.node_mut(id) else { return false };
        if token != slot.timer_token || slot.raft.is_none() {
            return false;
        }
        slot.timer_at = None;
        let local = slot.clock.local(self.kernel.now());
        let raft = slot.raft.as_ref().expect("checked");
        if local < raft.next_deadline() {
            // The deadline moved later since this wake-up was set: sleep again.
            self.reschedule_timer(id);
            return false;
        }
        let role_before = raft.role();
        self.begin_event(EventType::Timer, id as u64, 0);
        self.log(|| What::Timer { node: id, role_before: role_name(role_before) });
        self.with_node(id, |raft, local, rng| raft.handle_timeout(local, rng));
        true
    }

    /// Run `f` on a live node with its local time and randomness, then carry out its effects.
    fn with_node(&mut self, id: NodeId, f: impl FnOnce(&mut RaftNode, Micros, &mut SimRng)) {
        let Some(slot) = self.nodes.node_mut(id) else { return };
        let local = slot.clock.local(self.kernel.now());
        let Some(raft) = slot.raft.as_mut() else { return };
        f(raft, local, &mut slot.rng);
        self.after_step(id, false);
    }

    fn after_step(&mut self, id: NodeId, restarted: bool) {
        // The Ready stays in `self.ready` (its buffers reused from step to step); only the
        // lists sent below are taken out while `self` is borrowed to send them.
        let Some(slot) = self.nodes.node_mut(id) else { return };
        let Some(raft) = slot.raft.as_mut() else { return };
        let log = raft.take_ready(&mut self.ready);
        // Stable storage first ("before responding to RPCs"), from what the Ready carries.
        if self.ready.persist {
            slot.disk.write(&self.ready, log);
        }
        if restarted {
            slot.script_applied.clear(); // a new state machine
        }
        for applied in &self.ready.applied {
            if let Some((SCRIPT_CLIENT, seq)) = applied.command {
                *slot.script_applied.entry(seq).or_insert(0) += 1;
            }
        }
        self.kernel.hash_mut().node_state(raft);
        let role = (raft.role(), raft.current_term());
        let role_changed = std::mem::replace(&mut slot.last_role, role) != role;
        let voters = if role_changed && role.0 == Role::Leader { vote_bits(raft.votes_granted()) } else { 0 };
        // A Byzantine node's messages are rewritten on their way out (byzantine.rs).
        let byzantine = std::mem::take(&mut slot.faults.byzantine);
        if !self.ready.overwritten.is_empty() {
            self.record_overwritten(id);
        }
        if self.observers.want(Wants::STEPS) {
            self.observe_step(id, restarted);
        }
        if role_changed {
            self.log(|| What::Became { node: id, role: role_name(role.0), term: role.1 });
            let (events, time_us) = (self.kernel.events(), self.kernel.now());
            match role.0 {
                Role::Leader => self.milestones.push(Milestone {
                    events,
                    time_us,
                    kind: MilestoneKind::Leader { node: id, term: role.1, voters },
                }),
                Role::Candidate if role.1 > self.last_election_term => {
                    self.last_election_term = role.1;
                    self.milestones.push(Milestone {
                        events,
                        time_us,
                        kind: MilestoneKind::Election { node: id, term: role.1 },
                    });
                }
                _ => {}
            }
        }
        let mut messages = std::mem::take(&mut self.ready.messages);
        for mut envelope in messages.drain(..) {
            if !byzantine.is_empty() {
                crate::engine::byzantine::rewrite(envelope.from, &byzantine, &mut envelope.message);
            }
            self.send(Endpoint::Node(envelope.from), Endpoint::Node(envelope.to), Payload::Raft(envelope.message));
        }
        self.ready.messages = messages;
        // (Most steps answer no client and give no notice: skip the empty drains.)
        if !self.ready.replies.is_empty() {
            let mut replies = std::mem::take(&mut self.ready.replies);
            for (client, reply) in replies.drain(..) {
                self.send(Endpoint::Node(id), Endpoint::Client(client), Payload::Reply { client, reply });
            }
            self.ready.replies = replies;
        }
        if let Some(slot) = self.nodes.node_mut(id) {
            slot.faults.byzantine = byzantine;
        }
        // Transfers and membership changes a leader gave up or handed over: the operator hears.
        if !self.ready.notices.is_empty() {
            let mut notices = std::mem::take(&mut self.ready.notices);
            for notice in notices.drain(..) {
                let text = format!("S{id}: {notice}");
                if matches!(notice, Notice::TransferAbandoned { .. } | Notice::MembershipAborted { .. }) {
                    self.refusals.push((self.kernel.now(), text.clone()));
                }
                self.log(|| What::Notice { text });
            }
            self.ready.notices = notices;
        }
        self.reschedule_timer(id);
        // Triggers and the operator's membership request watch every step: one test for both.
        if self.step_hooks {
            self.step_hooks(id, restarted);
        }
    }

    /// Note the entries server `id` deleted from its log, as its Ready reported them.
    #[inline(never)]
    fn record_overwritten(&mut self, id: NodeId) {
        let (events, time_us) = (self.kernel.events(), self.kernel.now());
        let removed = &self.ready.overwritten;
        let (first, last) =
            (removed.first().map_or((0, 0), |e| (e.index, e.term)), removed.last().map_or(0, |e| e.term));
        let (from, count, terms) = (first.0, removed.len() as u64, (first.1, last));
        let asked = removed.iter().any(|e| {
            matches!(&e.payload, raft_core::EntryPayload::Command(c) if c.client != crate::scenario::format::initial::INITIAL_CLIENT)
        });
        self.milestones.push(Milestone {
            events,
            time_us,
            kind: MilestoneKind::Overwritten { node: id, from, count, terms, asked },
        });
        self.overwritten.extend(removed.iter().map(|e| OverwrittenEntry {
            events,
            time_us,
            node: id,
            index: e.index,
            term: e.term,
            request: match &e.payload {
                raft_core::EntryPayload::Command(c) => Some((c.client, c.seq)),
                _ => None,
            },
        }));
    }

    /// Show the observers the server `id` as its step left it; a problem found marks a milestone.
    fn observe_step(&mut self, id: NodeId, restarted: bool) {
        let mut observers = std::mem::take(&mut self.observers);
        let found: u64 = match self.nodes.node(id).and_then(|slot| slot.raft.as_ref()) {
            None => 0,
            Some(raft) => {
                let node = NodeObservation::of(raft, &self.ready, restarted);
                let snapshot = self.ready.snapshot.as_deref();
                let seen = Seen::Step { node: &node, snapshot };
                observers.show(self, &seen)
            }
        };
        self.put_back(observers);
        if found > 0 {
            self.findings += found;
            let (events, time_us) = (self.kernel.events(), self.kernel.now());
            self.milestones.push(Milestone { events, time_us, kind: MilestoneKind::Violation });
        }
    }

    /// Keep exactly one live wake-up per node, no later than its deadline. A deadline that
    /// moved later is found when the earlier wake-up fires, so resetting the election timer on
    /// every heartbeat costs no queue traffic.
    fn reschedule_timer(&mut self, id: NodeId) {
        let Some(slot) = self.nodes.node_mut(id) else { return };
        let Some(raft) = slot.raft.as_ref() else { return };
        if slot.status != NodeStatus::Up {
            return;
        }
        let at = slot.clock.global(raft.next_deadline()).max(self.kernel.now());
        if slot.timer_at.is_some_and(|t| t <= at) {
            return;
        }
        slot.timer_token += 1;
        slot.timer_at = Some(at);
        let token = slot.timer_token;
        self.schedule(at, EventKind::NodeTimer { node: id, token });
    }

    /// Send through the kernel, with the sending server's send omission. One test decides
    /// whether anything else looks at the send (an observer that wants messages, a message
    /// rule, a trigger waiting for a message): most runs have none, and pay only that test.
    fn send(&mut self, from: Endpoint, to: Endpoint, payload: Payload) {
        let omission = match from {
            Endpoint::Node(n) => self.nodes.node(n).map_or(Probability::NEVER, |slot| slot.send_omission),
            _ => Probability::NEVER,
        };
        if self.watch_sends {
            return self.send_watched(from, to, payload, omission);
        }
        self.kernel.send(from, to, payload, omission);
    }

    /// Show the observers what the latest send put in the network (a copy the network made
    /// belongs to the first), or the operator's copy in slot `k` of message `of`.
    #[inline(never)]
    fn observe_sent(&mut self, operator_copy: Option<(u32, u64)>) {
        let mut observers = std::mem::take(&mut self.observers);
        let mut found = 0;
        if let Some((k, of)) = operator_copy {
            if let Some(message) = self.kernel.message(k) {
                found += observers.show(self, &Seen::Sent { message, copy_of: Some(of) });
            }
        } else {
            let mut first = None;
            for message in self.kernel.just_sent() {
                found += observers.show(self, &Seen::Sent { message, copy_of: first });
                first = first.or(Some(message.id));
            }
        }
        self.findings += found;
        self.put_back(observers);
    }
}

/// A set of server ids as bits (ids above 63 do not fit and are left out).
fn vote_bits(votes: &std::collections::BTreeSet<NodeId>) -> u64 {
    votes.iter().filter(|&&id| id < 64).fold(0, |bits, &id| bits | 1 << id)
}

/// The server ids in a set written by `vote_bits` (a leader milestone's `voters`), in order.
pub fn vote_ids(bits: u64) -> impl Iterator<Item = NodeId> {
    (0..64).filter(move |id| bits & (1u64 << id) != 0)
}

fn role_name(role: Role) -> &'static str {
    match role {
        Role::Follower => "follower",
        Role::Candidate => "candidate",
        Role::Leader => "leader",
        Role::PreCandidate => "pre-candidate",
    }
}

/// An action as the scenario format writes it (the page already carries that serializer; a
/// Debug rendering would add one of its own).
fn action_text(action: &Action) -> String {
    serde_json::to_string(action).unwrap_or_else(|_| action.kind().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    /// Every message in the slab is referenced by exactly one pending event (queued, or held
    /// for a paused node), so nothing leaks and the UI never draws a phantom message.
    fn slab_matches_events(sim: &Simulation) -> bool {
        let queued = sim.kernel.queue().map(|e| &e.kind);
        let referenced = queued.chain(sim.nodes.iter().flat_map(|n| n.deferred.iter()));
        let mut slots: Vec<u32> =
            referenced.filter_map(|e| if let Pending::Arrive(k) = e { Some(*k) } else { None }).collect();
        // Held messages (manual delivery) wait outside the queue.
        slots.extend(sim.kernel.held_slots());
        slots.sort_unstable();
        let before = slots.len();
        slots.dedup();
        before == slots.len() && slots.len() == sim.in_flight().count()
    }

    /// Two kinds of event with one code would hash alike: a run could change without its
    /// trace hash noticing.
    #[test]
    fn event_codes_are_distinct() {
        use EventType::*;
        let all = [TimelineAction, Timer, ClientTimeout, ClientSend, OperatorAction];
        let kernels = [kernel::CODE_DROPPED, kernel::CODE_DELIVERED];
        let codes: BTreeSet<u64> = all.iter().map(|e| e.code()).chain(kernels).collect();
        assert_eq!(codes.len(), all.len() + kernels.len());
    }

    #[test]
    fn message_slab_never_leaks_through_pauses_and_crashes() {
        for seed in 0..40 {
            let scenario = crate::campaign::generate(seed, None, &[]);
            let mut sim = Simulation::new(&scenario).unwrap();
            let mut steps = 0u64;
            while sim.step() {
                steps += 1;
                if steps.is_multiple_of(997) {
                    assert!(slab_matches_events(&sim), "seed {seed} step {steps}");
                }
            }
            assert!(slab_matches_events(&sim), "seed {seed} at the end");
        }
    }

    /// Manual delivery switched on and off mid-run, with messages on their way each time and
    /// held ones delivered, dropped and copied while slots are freed and reused: every slot
    /// stays referenced once (a stale arrival for a reused slot would deliver the wrong
    /// message early).
    #[test]
    fn message_slab_stays_whole_when_manual_delivery_catches_messages_on_their_way() {
        for seed in 0..12 {
            let scenario = crate::campaign::generate(seed, None, &[]);
            let mut sim = Simulation::new(&scenario).unwrap();
            let mut steps = 0u64;
            while sim.step() && steps < 20_000 {
                steps += 1;
                if steps % 1_500 == 300 && sim.act(Action::ManualDelivery { on: true }).is_ok() {
                    assert!(slab_matches_events(&sim), "seed {seed} step {steps}: on");
                    let between_nodes = |m: &InFlight| matches!((m.from, m.to), (Endpoint::Node(_), Endpoint::Node(_)));
                    let paused: Vec<u32> = sim.nodes.iter().filter(|n| !n.deferred.is_empty()).map(|n| n.id).collect();
                    assert!(
                        sim.in_flight().all(|m| m.held
                            || !between_nodes(m)
                            || m.lost.is_some()
                            || matches!(m.to, Endpoint::Node(n) if paused.contains(&n))),
                        "seed {seed} step {steps}: a message between servers still travels"
                    );
                }
                if sim.manual_delivery() && steps.is_multiple_of(7) {
                    let pick: Vec<u64> = sim.held().map(|m| m.id).take(3).collect();
                    for (i, id) in pick.into_iter().enumerate() {
                        let action = match (steps / 7 + i as u64) % 5 {
                            0 => Action::DropMessage { message: id },
                            1 => Action::DuplicateMessage { message: id },
                            _ => Action::DeliverMessage { message: id },
                        };
                        let _refused_when_the_hold_is_full = sim.act(action);
                    }
                    assert!(slab_matches_events(&sim), "seed {seed} step {steps}: held");
                }
                if steps % 1_500 == 1_200 && sim.manual_delivery() {
                    let _ = sim.act(Action::ManualDelivery { on: false });
                    assert!(slab_matches_events(&sim), "seed {seed} step {steps}: off");
                }
            }
            assert!(slab_matches_events(&sim), "seed {seed} at the end");
        }
    }
}

#[cfg(test)]
mod size {
    /// The queue holds one of these per timer and message: keep it small.
    #[test]
    fn a_queued_event_stays_at_24_bytes() {
        assert_eq!(std::mem::size_of::<super::EventKind>(), 24);
    }
}
