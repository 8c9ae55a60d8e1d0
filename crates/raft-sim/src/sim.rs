//! The discrete-event simulator: one queue of events on integer virtual time, processed in
//! (time, sequence) order, with every source of randomness drawn from seeded streams. The same
//! scenario always produces the same events in the same order, natively and in wasm.
use crate::availability::{leader_can_commit, Availability, AvailabilityTracker};
use crate::budget::{self, Budget, Footprint, Stopped};
use crate::clock::DriftClock;
use crate::invariants::{InvariantChecker, NodeObservation, Violation};
use crate::network::{Endpoint, LossCause, Network, Transit};
use crate::rng::{Probability, SimRng};
use crate::scenario::{ms_to_us, Action, ClientOpKind, CrashMode, NodeFaults, Scenario, ScenarioError, TimedAction};
use crate::trace::{TraceEvent, TraceHash, What};
use crate::workload::{ClientState, ClientWake, HistoryOp, Outstanding, SCRIPT_CLIENT};
use raft_core::chunked::ChunkedVec;
use raft_core::{
    ClientId, ClientReply, ClientRequest, Message, Micros, NodeId, Notice, Op, PersistentState, RaftNode, Ready, Role,
    TransferError,
};
use std::cmp::Ordering;
use std::collections::{BTreeSet, BinaryHeap};
use std::sync::Arc;

mod operator;

/// What travels: a Raft RPC between servers, or a client's request or a server's reply.
#[derive(Clone, Debug, PartialEq)]
pub enum Payload {
    Raft(Message),
    Request { client: ClientId, request: ClientRequest },
    Reply { client: ClientId, reply: ClientReply },
}

impl Payload {
    /// What the message carries beyond its envelope, for the memory estimate: the entries of
    /// an AppendEntries, the bytes of an InstallSnapshot chunk.
    fn carried(&self) -> (u64, u64) {
        match self {
            Payload::Raft(Message::AppendEntries(m)) => {
                (m.entries.len() as u64, m.entries.len() as u64 * budget::ENTRY_BYTES)
            }
            Payload::Raft(Message::InstallSnapshot(m)) => (0, m.data.len() as u64),
            _ => (0, 0),
        }
    }

    pub fn kind(&self) -> &'static str {
        match self {
            Payload::Raft(m) => m.kind(),
            Payload::Request { .. } => "ClientRequest",
            Payload::Reply { .. } => "ClientReply",
        }
    }

    fn code(&self) -> u64 {
        match self {
            Payload::Raft(Message::RequestVote(_)) => 1,
            Payload::Raft(Message::RequestVoteReply(m)) => 2 + 16 * m.vote_granted as u64,
            Payload::Raft(Message::AppendEntries(m)) => 3 + 16 * m.entries.len() as u64,
            Payload::Raft(Message::AppendEntriesReply(m)) => 4 + 16 * m.success as u64,
            Payload::Request { .. } => 5,
            Payload::Reply { .. } => 6,
            Payload::Raft(Message::PreVote(_)) => 7,
            Payload::Raft(Message::PreVoteReply(m)) => 8 + 16 * m.vote_granted as u64,
            Payload::Raft(Message::TimeoutNow(_)) => 9,
            // (7 and 8 are the PreVote messages' codes.)
            Payload::Raft(Message::InstallSnapshot(m)) => 10 + 16 * m.done as u64,
            Payload::Raft(Message::InstallSnapshotReply(m)) => 11 + 16 * m.installed as u64,
        }
    }
}

/// A message in the network.
#[derive(Clone, Debug, PartialEq)]
pub struct InFlight {
    pub id: u64,
    pub from: Endpoint,
    pub to: Endpoint,
    pub sent_us: Micros,
    pub arrive_us: Micros,
    pub lost: Option<LossCause>,
    /// When an operator dropped it (it is drawn dying there).
    pub dropped_us: Option<Micros>,
    pub payload: Payload,
}

#[derive(Clone, Debug)]
enum EventKind {
    /// A message arrives (or dies): its slot in `Simulation::messages`.
    Arrive(u32),
    NodeTimer {
        node: NodeId,
        token: u64,
    },
    Action(usize),
    Client {
        client: ClientId,
        token: u64,
        wake: ClientWake,
    },
}

#[derive(Clone, Debug)]
struct Scheduled {
    at: Micros,
    seq: u64,
    kind: EventKind,
}

impl PartialEq for Scheduled {
    fn eq(&self, other: &Self) -> bool {
        (self.at, self.seq) == (other.at, other.seq)
    }
}
impl Eq for Scheduled {}
impl PartialOrd for Scheduled {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Scheduled {
    // Reversed: BinaryHeap is a max-heap and we want the earliest (time, seq) first.
    fn cmp(&self, other: &Self) -> Ordering {
        (other.at, other.seq).cmp(&(self.at, self.seq))
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
    deferred: Vec<Scheduled>,
    pub crashes: u32,
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
    now: Micros,
    end: Micros,
    queue: BinaryHeap<Scheduled>,
    /// Messages in the network, by slot; `free_slots` lists the empty ones.
    messages: Vec<Option<InFlight>>,
    free_slots: Vec<u32>,
    next_seq: u64,
    next_message: u64,
    nodes: Vec<NodeSlot>,
    network: Network,
    clients: Vec<ClientState>,
    client_rng: SimRng,
    /// Decides send and receive omissions.
    fault_rng: SimRng,
    workload_interval: Micros,
    workload_timeout: Micros,
    /// Chunked, so checkpoints of a long run share it.
    history: ChunkedVec<HistoryOp>,
    /// Where the operator's own requests are in `history`.
    script_ops: Vec<usize>,
    interventions: Vec<TimedAction>,
    script_seq: u64,
    checker: InvariantChecker,
    check_invariants: bool,
    /// Up and down time, failures and repairs, answer latency (when asked for: the page).
    availability: Option<AvailabilityTracker>,
    hash: TraceHash,
    events: u64,
    record: bool,
    trace: Vec<TraceEvent>,
    ready: Ready,
    transits: Vec<Transit>,
    /// (role, term) per node after its last event, to record role changes.
    last_role: Vec<(Role, u64)>,
    members: Vec<NodeId>,
    milestones: Vec<Milestone>,
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
    /// Entries, and bytes beyond the envelope, carried by the messages in flight.
    in_flight_entries: u64,
    in_flight_bytes: u64,
    /// Set when the budget ran out: no more events are processed.
    stopped: Option<(Stopped, Footprint)>,
    /// The operator's membership request while it is in its learner stage (operator.rs).
    operator_change: Option<operator::OperatorChange>,
}

/// A scripted (operator's) request follows at most this many "not the leader" redirects.
const MAX_SCRIPT_REDIRECTS: u32 = 3;

const STREAM_NETWORK: u64 = 1;
const STREAM_CLIENTS: u64 = 2;
const STREAM_FAULTS: u64 = 3;
const STREAM_NODE: u64 = 100;

impl Simulation {
    pub fn new(scenario: &Scenario) -> Result<Simulation, ScenarioError> {
        scenario.validate()?;
        let scenario = Arc::new(scenario.clone());
        let seed = scenario.seed;
        let members = scenario.node_ids();
        let initial_members = scenario.initial_members();
        let config = scenario.raft.to_config();
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
            let raft =
                RaftNode::new(id, bootstrap, config.clone(), PersistentState::default(), clock.local(0), &mut rng);
            nodes.push(NodeSlot {
                id,
                raft: Some(raft),
                status: NodeStatus::Up,
                disk: PersistentState::default(),
                clock,
                send_omission: Probability::from_f64(faults.send_omission),
                receive_omission: Probability::from_f64(faults.receive_omission),
                faults,
                rng,
                timer_token: 0,
                timer_at: None,
                deferred: Vec::new(),
                crashes: 0,
            });
        }
        let network = Network::new(scenario.network.clone(), scenario.nodes, SimRng::stream(seed, STREAM_NETWORK));
        let mut sim = Simulation {
            now: 0,
            end: ms_to_us(scenario.duration_ms),
            queue: BinaryHeap::new(),
            messages: Vec::new(),
            free_slots: Vec::new(),
            next_seq: 0,
            next_message: 0,
            network,
            clients: Vec::new(),
            client_rng: SimRng::stream(seed, STREAM_CLIENTS),
            fault_rng: SimRng::stream(seed, STREAM_FAULTS),
            workload_interval: 0,
            workload_timeout: 0,
            history: ChunkedVec::new(),
            script_ops: Vec::new(),
            interventions: Vec::new(),
            script_seq: 0,
            checker: {
                let mut checker = InvariantChecker::new();
                checker.set_initial_members(initial_members.clone());
                checker
            },
            check_invariants: true,
            availability: None,
            hash: TraceHash::default(),
            events: 0,
            record: false,
            trace: Vec::new(),
            ready: Ready::default(),
            transits: Vec::new(),
            last_role: vec![(Role::Follower, 0); members.len()],
            members,
            nodes,
            scenario: scenario.clone(),
            milestones: Vec::new(),
            last_election_term: 0,
            initial_members,
            refusals: Vec::new(),
            budget: Budget::default(),
            next_budget_check: budget::CHECK_EVERY,
            in_flight_entries: 0,
            in_flight_bytes: 0,
            stopped: None,
            operator_change: None,
        };
        if scenario.raft.snapshot_threshold > 0 {
            sim.checker.track_state_machine();
        }
        for (index, timed) in scenario.timeline.iter().enumerate() {
            sim.schedule(ms_to_us(timed.at_ms), EventKind::Action(index));
        }
        if let Some(w) = &scenario.workload {
            sim.workload_interval = ms_to_us(w.interval_ms).max(1);
            sim.workload_timeout = ms_to_us(w.timeout_ms).max(1);
            let start = ms_to_us(w.start_ms);
            for c in 1..=w.clients as ClientId {
                let target = sim.client_rng.between(1, scenario.nodes as u64) as NodeId;
                sim.clients.push(ClientState { next_seq: 1, outstanding: None, target, token: 0 });
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
        self.now
    }
    pub fn end(&self) -> Micros {
        self.end
    }
    pub fn events(&self) -> u64 {
        self.events
    }
    pub fn trace_hash(&self) -> u64 {
        self.hash.value()
    }
    pub fn trace_hash_hex(&self) -> String {
        self.hash.hex()
    }
    pub fn violations(&self) -> &[Violation] {
        self.checker.violations()
    }
    pub fn total_violations(&self) -> u64 {
        self.checker.total_violations
    }
    pub fn nodes(&self) -> &[NodeSlot] {
        &self.nodes
    }
    pub fn node(&self, id: NodeId) -> Option<&NodeSlot> {
        self.nodes.get((id as usize).wrapping_sub(1))
    }
    pub fn network(&self) -> &Network {
        &self.network
    }
    pub fn history(&self) -> &ChunkedVec<HistoryOp> {
        &self.history
    }
    /// Check the client history so far for linearizability, within `budget` search steps
    /// (`linearizability::DEFAULT_BUDGET` is plenty for a campaign run). Operations without an
    /// answer yet count as open: they may or may not have taken effect.
    pub fn check_linearizability(&self, budget: u64) -> crate::linearizability::LinearizabilityReport {
        crate::linearizability::check_history(&self.history.to_vec(), budget)
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
    /// Record every event (for printing and the UI); off by default, for speed.
    pub fn set_record_trace(&mut self, on: bool) {
        self.record = on;
    }
    /// Measure availability from now on (it costs a quorum check after every event).
    pub fn set_track_availability(&mut self, on: bool) {
        if on && self.availability.is_none() {
            let mut tracker = AvailabilityTracker::default();
            tracker.observe(self.now, leader_can_commit(self));
            self.availability = Some(tracker);
        } else if !on {
            self.availability = None;
        }
    }

    /// The availability figures so far, if tracked.
    pub fn availability(&self) -> Option<Availability> {
        self.availability.as_ref().map(|t| t.summary(self.now))
    }

    fn observe_availability(&mut self) {
        if self.availability.is_some() {
            let up = leader_can_commit(self);
            let now = self.now;
            if let Some(t) = self.availability.as_mut() {
                t.observe(now, up);
            }
        }
    }

    pub fn set_check_invariants(&mut self, on: bool) {
        self.check_invariants = on;
    }
    /// Messages currently in the network, in no particular order.
    pub fn in_flight(&self) -> impl Iterator<Item = &InFlight> {
        self.messages.iter().flatten()
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
        self.begin_event(13, index as u64, 0);
        self.log(|| What::Action { index, summary: format!("operator: {}", action_text(&action)) });
        self.milestone(MilestoneKind::Action);
        self.apply(&action);
        self.interventions.push(TimedAction { at_ms: self.now as f64 / 1000.0, action });
        self.observe_availability();
        if self.events >= self.next_budget_check {
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
        if let Some(Err(reason)) = self.membership_request(action) {
            return Err(ScenarioError::new("action", format!("{} refused: {reason}", action.kind())));
        }
        Ok(())
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

    // ----- Budget --------------------------------------------------------------------------

    pub fn budget(&self) -> Budget {
        self.budget
    }

    /// Change what the run may use. Checked after the next event.
    pub fn set_budget(&mut self, budget: Budget) {
        self.budget = budget;
        self.next_budget_check = self.events.saturating_add(1).min(budget.max_events.max(1));
    }

    /// Why the run stopped before its end, if its budget ran out.
    pub fn stopped(&self) -> Option<Stopped> {
        self.stopped.map(|(s, _)| s)
    }

    /// Where and why the run stopped early, in words.
    pub fn stop_message(&self) -> Option<String> {
        let (stopped, footprint) = self.stopped?;
        Some(budget::explain(stopped, &self.budget, &footprint, self.now, self.events))
    }

    /// The memory the run holds, estimated by counting what grows with it (see budget.rs).
    pub fn footprint(&self) -> Footprint {
        use budget::*;
        let history_ops = self.history.len() as u64;
        let mut log_entries = 0u64;
        let mut kv_items = 0u64;
        for slot in &self.nodes {
            let disk = &slot.disk.log;
            log_entries += disk.last_index() - disk.snapshot_index();
            if let Some(raft) = &slot.raft {
                let log = raft.log();
                log_entries += log.last_index() - log.snapshot_index();
                kv_items += (raft.kv().data().len() + raft.kv().sessions().len()) as u64;
            }
        }
        let messages = (self.messages.len() - self.free_slots.len()) as u64;
        let trace_events = self.trace.len() as u64;
        let records =
            (self.milestones.len() + self.interventions.len() + self.refusals.len() + self.script_ops.len()) as u64;
        let (checker_indexes, shadow_entries, checker_records) = self.checker.retained();
        let bytes = history_ops * HISTORY_OP_BYTES
            + log_entries * ENTRY_BYTES
            + messages * MESSAGE_BYTES
            + self.in_flight_bytes
            + (self.queue.len() as u64).saturating_sub(messages) * QUEUED_BYTES
            + trace_events * TRACE_EVENT_BYTES
            + (records + checker_records) * RECORD_BYTES
            + checker_indexes * CHECKER_INDEX_BYTES
            + shadow_entries * SHADOW_ENTRY_BYTES
            + kv_items * KV_ITEM_BYTES;
        Footprint { history_ops, log_entries, messages, message_entries: self.in_flight_entries, trace_events, bytes }
    }

    /// What a copy of the simulation (a time-travel checkpoint) holds of its own, estimated:
    /// logs, the history and the checker's tables are stored in shared chunks, of which a copy
    /// only ends up owning the last, partly filled one of each (the original copies it on its
    /// next append); the key-value stores, messages in flight, the queue and the run's records
    /// are copied whole.
    pub fn copy_bytes(&self) -> u64 {
        use budget::*;
        // Half a chunk (of 256) of each server's log and disk log, the history and the checker.
        let chunked = 2 * self.nodes.len() as u64 + 2;
        let kv_items: u64 = self
            .nodes
            .iter()
            .filter_map(|slot| slot.raft.as_ref())
            .map(|raft| (raft.kv().data().len() + raft.kv().sessions().len()) as u64)
            .sum();
        let messages = (self.messages.len() - self.free_slots.len()) as u64;
        let records =
            (self.milestones.len() + self.interventions.len() + self.refusals.len() + self.script_ops.len()) as u64;
        let (_, _, checker_records) = self.checker.retained();
        chunked * 128 * ENTRY_BYTES
            + kv_items * KV_ITEM_BYTES
            + messages * MESSAGE_BYTES
            + self.in_flight_bytes
            + (self.queue.len() as u64).saturating_sub(messages) * QUEUED_BYTES
            + self.trace.len() as u64 * TRACE_EVENT_BYTES
            + (records + checker_records) * RECORD_BYTES
    }

    /// Stop the run if it has used its budget; otherwise say when to look again.
    fn check_budget(&mut self) {
        let footprint = self.footprint();
        if self.events >= self.budget.max_events {
            self.stopped = Some((Stopped::MaxEvents, footprint));
        } else if footprint.bytes > self.budget.max_bytes {
            self.stopped = Some((Stopped::MemoryBudget, footprint));
        }
        self.next_budget_check = (self.events / budget::CHECK_EVERY + 1)
            .saturating_mul(budget::CHECK_EVERY)
            .min(self.budget.max_events.max(self.events + 1));
    }

    // ----- Running -------------------------------------------------------------------------

    /// Process the next event if it is due no later than the scenario's end. Returns false
    /// when there is nothing more to do.
    pub fn step(&mut self) -> bool {
        self.step_until(self.end)
    }

    /// Process the next event if it is due no later than `limit`.
    pub fn step_until(&mut self, limit: Micros) -> bool {
        loop {
            if self.stopped.is_some() {
                return false;
            }
            let Some(top) = self.queue.peek() else { return false };
            if top.at > limit.min(self.end) {
                return false;
            }
            let event = self.queue.pop().expect("peeked");
            self.now = event.at;
            if self.dispatch(event) {
                self.observe_availability();
                if self.events >= self.next_budget_check {
                    self.check_budget();
                }
                return true;
            }
        }
    }

    /// Run until virtual time `t` (or the end), leaving `now` at `t` (unless the budget ran
    /// out first: then `now` stays at the last event).
    pub fn run_until(&mut self, t: Micros) {
        while self.step_until(t) {}
        if self.stopped.is_none() {
            self.now = self.now.max(t.min(self.end));
        }
    }

    pub fn run_to_end(&mut self) {
        self.run_until(self.end);
    }

    /// Run until the first violation or the end; true if one was found.
    pub fn run_until_violation(&mut self) -> bool {
        while self.step() {
            if self.checker.total_violations > 0 {
                return true;
            }
        }
        if self.stopped.is_none() {
            self.now = self.end;
        }
        self.checker.total_violations > 0
    }

    fn schedule(&mut self, at: Micros, kind: EventKind) {
        self.next_seq += 1;
        self.queue.push(Scheduled { at, seq: self.next_seq, kind });
    }

    fn log(&mut self, what: impl FnOnce() -> What) {
        if self.record {
            self.trace.push(TraceEvent { number: self.events, time_us: self.now, what: what() });
        }
    }

    /// Handle one event; false if it turned out to be stale (not counted, not hashed).
    fn dispatch(&mut self, event: Scheduled) -> bool {
        // A paused node holds everything addressed to it until it resumes.
        let target = match &event.kind {
            EventKind::Arrive(k) => match &self.messages[*k as usize] {
                Some(InFlight { lost: None, to: Endpoint::Node(n), .. }) => Some(*n),
                _ => None,
            },
            EventKind::NodeTimer { node, .. } => Some(*node),
            _ => None,
        };
        if let Some(n) = target {
            let slot = &mut self.nodes[(n - 1) as usize];
            if slot.status == NodeStatus::Paused {
                if let EventKind::NodeTimer { token, .. } = event.kind {
                    if token != slot.timer_token {
                        return false;
                    }
                    slot.timer_at = None;
                }
                slot.deferred.push(event);
                return false;
            }
        }
        match event.kind {
            EventKind::Arrive(k) => {
                let Some(m) = self.messages[k as usize].take() else { return false };
                self.free_slots.push(k);
                self.forget_carried(&m.payload);
                self.arrive(m)
            }
            EventKind::NodeTimer { node, token } => self.node_timer(node, token),
            EventKind::Action(index) => {
                self.begin_event(7, index as u64, 0);
                let timed: TimedAction = self.scenario.timeline[index].clone();
                self.log(|| What::Action { index, summary: action_text(&timed.action) });
                self.apply(&timed.action);
                true
            }
            EventKind::Client { client, token, wake } => self.client_wake(client, token, wake),
        }
    }

    fn milestone(&mut self, kind: MilestoneKind) {
        self.milestones.push(Milestone { events: self.events, time_us: self.now, kind });
    }

    fn begin_event(&mut self, code: u64, a: u64, b: u64) {
        self.events += 1;
        self.hash.event(self.now, code, a, b);
    }

    // ----- Nodes -------------------------------------------------------------------------

    fn node_timer(&mut self, id: NodeId, token: u64) -> bool {
        let slot = &mut self.nodes[(id - 1) as usize];
        if token != slot.timer_token || slot.raft.is_none() {
            return false;
        }
        slot.timer_at = None;
        let local = slot.clock.local(self.now);
        let raft = slot.raft.as_ref().expect("checked");
        if local < raft.next_deadline() {
            // The deadline moved later since this wake-up was set: sleep again.
            self.reschedule_timer(id);
            return false;
        }
        let role_before = raft.role();
        self.begin_event(8, id as u64, 0);
        self.log(|| What::Timer { node: id, role_before: role_name(role_before) });
        self.with_node(id, |raft, local, rng| raft.handle_timeout(local, rng));
        true
    }

    /// Run `f` on a live node with its local time and randomness, then carry out its effects.
    fn with_node(&mut self, id: NodeId, f: impl FnOnce(&mut RaftNode, Micros, &mut SimRng)) {
        let slot = &mut self.nodes[(id - 1) as usize];
        let local = slot.clock.local(self.now);
        let Some(raft) = slot.raft.as_mut() else { return };
        f(raft, local, &mut slot.rng);
        self.after_step(id, false);
    }

    fn after_step(&mut self, id: NodeId, restarted: bool) {
        let mut ready = std::mem::take(&mut self.ready);
        let slot = &mut self.nodes[(id - 1) as usize];
        let Some(raft) = slot.raft.as_mut() else { return };
        raft.take_ready(&mut ready);
        self.hash.node_state(raft);
        // Stable storage first ("before responding to RPCs").
        if ready.persist {
            if ready.hard_state_changed {
                slot.disk.current_term = raft.current_term();
                slot.disk.voted_for = raft.voted_for();
            }
            if ready.snapshot_changed {
                // The snapshot and the compacted log are written together (sharing chunks).
                slot.disk.snapshot = raft.shared_snapshot();
                slot.disk.log = raft.log().clone();
            } else if let Some(from) = ready.log_changed_from {
                slot.disk.log.truncate_from(from);
                for entry in raft.log().slice_from(from, usize::MAX) {
                    slot.disk.log.append(entry.clone());
                }
            }
        }
        if self.check_invariants {
            let obs = NodeObservation {
                node: id,
                role: raft.role(),
                term: raft.current_term(),
                log: raft.log(),
                commit_index: raft.commit_index(),
                log_changed_from: ready.log_changed_from,
                applied: &ready.applied,
                restarted,
            };
            let before = self.checker.total_violations;
            self.checker.observe(self.now, self.events, &obs);
            if ready.snapshot_changed {
                if let Some(snapshot) = raft.snapshot() {
                    self.checker.observe_snapshot(self.now, self.events, id, snapshot);
                }
            }
            if self.checker.total_violations > before {
                self.milestones.push(Milestone {
                    events: self.events,
                    time_us: self.now,
                    kind: MilestoneKind::Violation,
                });
            }
        }
        let role = (raft.role(), raft.current_term());
        if self.last_role[(id - 1) as usize] != role {
            self.last_role[(id - 1) as usize] = role;
            self.log(|| What::Became { node: id, role: role_name(role.0), term: role.1 });
            let (events, time_us) = (self.events, self.now);
            match role.0 {
                Role::Leader => self.milestones.push(Milestone {
                    events,
                    time_us,
                    kind: MilestoneKind::Leader { node: id, term: role.1 },
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
        // A Byzantine node's messages are rewritten on their way out (byzantine.rs).
        let byzantine = std::mem::take(&mut self.nodes[(id - 1) as usize].faults.byzantine);
        for mut envelope in ready.messages.drain(..) {
            if !byzantine.is_empty() {
                crate::byzantine::rewrite(envelope.from, &byzantine, &mut envelope.message);
            }
            self.send(Endpoint::Node(envelope.from), Endpoint::Node(envelope.to), Payload::Raft(envelope.message));
        }
        for (client, reply) in ready.replies.drain(..) {
            self.send(Endpoint::Node(id), Endpoint::Client(client), Payload::Reply { client, reply });
        }
        self.nodes[(id - 1) as usize].faults.byzantine = byzantine;
        // Transfers and membership changes a leader gave up or handed over: the operator hears.
        for notice in ready.notices.drain(..) {
            let text = format!("S{id}: {notice}");
            if matches!(notice, Notice::TransferAbandoned { .. } | Notice::MembershipAborted { .. }) {
                self.refusals.push((self.now, text.clone()));
            }
            self.log(|| What::Notice { text });
        }
        self.ready = ready;
        self.reschedule_timer(id);
        self.follow_operator_change();
    }

    /// Keep exactly one live wake-up per node, no later than its deadline. A deadline that
    /// moved later is found when the earlier wake-up fires, so resetting the election timer on
    /// every heartbeat costs no queue traffic.
    fn reschedule_timer(&mut self, id: NodeId) {
        let slot = &mut self.nodes[(id - 1) as usize];
        let Some(raft) = slot.raft.as_ref() else { return };
        if slot.status != NodeStatus::Up {
            return;
        }
        let at = slot.clock.global(raft.next_deadline()).max(self.now);
        if slot.timer_at.is_some_and(|t| t <= at) {
            return;
        }
        slot.timer_token += 1;
        slot.timer_at = Some(at);
        let token = slot.timer_token;
        self.schedule(at, EventKind::NodeTimer { node: id, token });
    }

    fn send(&mut self, from: Endpoint, to: Endpoint, payload: Payload) {
        self.next_message += 1;
        let id = self.next_message;
        let omitted = match from {
            Endpoint::Node(n) => {
                let p = self.nodes[(n - 1) as usize].send_omission;
                !p.is_never() && self.network_rng_chance(p)
            }
            _ => false,
        };
        let mut transits = std::mem::take(&mut self.transits);
        if omitted {
            transits.clear();
            transits.push(Transit { arrive_at: self.now + 1, lost: Some(LossCause::SendOmission) });
        } else {
            self.network.send(self.now, from, to, &mut transits);
        }
        let n = transits.len();
        let mut payload = Some(payload);
        for (k, t) in transits.iter().enumerate() {
            // The last copy takes the payload; only a duplicate pays for a clone.
            let payload = if k + 1 == n { payload.take() } else { payload.clone() };
            let Some(payload) = payload else { break };
            let message = InFlight {
                id: if k == 0 { id } else { self.next_message + k as u64 },
                from,
                to,
                sent_us: self.now,
                arrive_us: t.arrive_at,
                lost: t.lost,
                dropped_us: None,
                payload,
            };
            self.enqueue(message);
        }
        self.next_message += n.saturating_sub(1) as u64;
        self.transits = transits;
    }

    /// Messages live in a slab; the queue holds small entries that are cheap to sift.
    fn enqueue(&mut self, message: InFlight) {
        let at = message.arrive_us;
        let (entries, bytes) = message.payload.carried();
        self.in_flight_entries += entries;
        self.in_flight_bytes += bytes;
        let k = match self.free_slots.pop() {
            Some(k) => {
                self.messages[k as usize] = Some(message);
                k
            }
            None => {
                self.messages.push(Some(message));
                (self.messages.len() - 1) as u32
            }
        };
        self.schedule(at, EventKind::Arrive(k));
    }

    fn forget_carried(&mut self, payload: &Payload) {
        let (entries, bytes) = payload.carried();
        self.in_flight_entries -= entries;
        self.in_flight_bytes -= bytes;
    }

    fn network_rng_chance(&mut self, p: Probability) -> bool {
        self.fault_rng.chance(p)
    }

    fn arrive(&mut self, m: InFlight) -> bool {
        let code = m.payload.code();
        let mut cause = m.lost;
        if cause.is_none() {
            if let Endpoint::Node(n) = m.to {
                let slot = &self.nodes[(n - 1) as usize];
                if slot.raft.is_none() {
                    cause = Some(LossCause::ReceiverDown);
                } else if !self.network.connected(m.from, m.to) {
                    cause = Some(LossCause::Partitioned);
                } else {
                    let p = slot.receive_omission;
                    if !p.is_never() && self.network_rng_chance(p) {
                        cause = Some(LossCause::ReceiveOmission);
                    }
                }
            }
        }
        if let Some(cause) = cause {
            self.begin_event(9, m.id, code);
            self.log(|| What::Dropped { message: m.id, from: m.from, to: m.to, kind: m.payload.kind(), cause });
            return true;
        }
        self.begin_event(10, m.id, code);
        self.hash.contents(&m.payload);
        self.log(|| What::Delivered {
            message: m.id,
            from: m.from,
            to: m.to,
            kind: m.payload.kind(),
            summary: summarize(&m.payload),
        });
        match (m.to, m.payload) {
            (Endpoint::Node(n), Payload::Raft(message)) => {
                let Endpoint::Node(from) = m.from else { return true };
                self.with_node(n, |raft, local, rng| raft.handle_message(local, from, message, rng));
            }
            (Endpoint::Node(n), Payload::Request { client, request }) => {
                self.with_node(n, |raft, local, _| raft.handle_client_request(local, client, request));
            }
            (Endpoint::Client(c), Payload::Reply { reply, .. }) => {
                let Endpoint::Node(from) = m.from else { return true };
                self.client_reply(c, from, reply);
            }
            _ => {}
        }
        true
    }

    // ----- Operator actions ------------------------------------------------------------------

    fn apply(&mut self, action: &Action) {
        match action {
            Action::Crash { node, mode } => self.crash(*node, *mode),
            Action::CrashLeader { mode } => {
                if let Some(leader) = self.leader() {
                    self.crash(leader, *mode);
                }
            }
            Action::Restart { node } => self.restart(*node),
            Action::Pause { node } => {
                let slot = &mut self.nodes[(*node - 1) as usize];
                if slot.status == NodeStatus::Up {
                    slot.status = NodeStatus::Paused;
                }
            }
            Action::Resume { node } => self.resume(*node),
            Action::Partition { groups } => self.network.partition(groups),
            Action::Cut { from, to } => self.network.cut(*from, *to),
            Action::Isolate { node } => self.network.isolate(*node),
            Action::Heal => self.network.heal(),
            Action::SetNetwork { latency_ms, loss, duplicate, reorder, timing } => self.network.update(|s| {
                if let Some(l) = latency_ms {
                    s.latency_ms = *l;
                }
                if let Some(p) = loss {
                    s.loss = *p;
                }
                if let Some(p) = duplicate {
                    s.duplicate = *p;
                }
                if let Some(p) = reorder {
                    s.reorder = *p;
                }
                if let Some(t) = timing {
                    s.timing = t.clone();
                }
            }),
            Action::SetFaults(faults) => {
                let now = self.now;
                let slot = &mut self.nodes[(faults.node - 1) as usize];
                slot.send_omission = Probability::from_f64(faults.send_omission);
                slot.receive_omission = Probability::from_f64(faults.receive_omission);
                slot.clock.set_drift(now, faults.drift);
                slot.faults = faults.clone();
                // The node's timers now convert to a different global time.
                slot.timer_at = None;
                slot.timer_token += 1;
                self.reschedule_timer(faults.node);
            }
            Action::Timeout { node } => {
                if self.nodes[(*node - 1) as usize].status == NodeStatus::Up {
                    self.with_node(*node, |raft, local, rng| raft.force_election_timeout(local, rng));
                }
            }
            Action::Client { node, op, key, value } => {
                self.script_seq += 1;
                let op = match op {
                    ClientOpKind::Put => Op::Put { key: key.clone(), value: value.clone().unwrap_or_default() },
                    ClientOpKind::Get => Op::Get { key: key.clone() },
                };
                let seq = self.script_seq;
                self.script_ops.push(self.history.len());
                self.history.push(HistoryOp {
                    client: SCRIPT_CLIENT,
                    seq,
                    op: op.clone(),
                    invoked_us: self.now,
                    completed_us: None,
                    value: None,
                    redirects: 0,
                    retries: 0,
                    answered_by: None,
                });
                let request = ClientRequest { seq, op };
                self.send(
                    Endpoint::Client(SCRIPT_CLIENT),
                    Endpoint::Node(*node),
                    Payload::Request { client: SCRIPT_CLIENT, request },
                );
            }
            Action::DropMessage { message } => {
                let now = self.now;
                if let Some(m) = self.messages.iter_mut().flatten().find(|m| m.id == *message && m.lost.is_none()) {
                    m.lost = Some(LossCause::Dropped);
                    m.dropped_us = Some(now);
                }
            }
            Action::DuplicateMessage { message } => {
                let Some(original) = self.in_flight().find(|m| m.id == *message).cloned() else { return };
                self.next_message += 1;
                // The copy takes half as long again as the original: it arrives second.
                let span = original.arrive_us.saturating_sub(original.sent_us);
                let copy = InFlight {
                    id: self.next_message,
                    arrive_us: original.arrive_us.max(self.now) + span / 2 + 1,
                    ..original
                };
                self.enqueue(copy);
            }
            Action::AlignTimers | Action::SpreadTimers => {
                let config = self.scenario.raft.to_config();
                let (min, max) =
                    (config.election_timeout_min, config.election_timeout_max.max(config.election_timeout_min));
                let waiting: Vec<NodeId> = self
                    .nodes
                    .iter()
                    .filter(|s| s.raft.as_ref().is_some_and(|r| r.role() != Role::Leader))
                    .map(|s| s.id)
                    .collect();
                let count = waiting.len().max(1) as u64;
                for (i, id) in waiting.into_iter().enumerate() {
                    let fire_at = match action {
                        Action::AlignTimers => self.now + min,
                        _ => self.now + min + (max - min) * i as u64 / count,
                    };
                    let slot = &mut self.nodes[(id - 1) as usize];
                    // Timers run on the node's own (possibly drifting) clock.
                    let (local_now, local_fire) = (slot.clock.local(self.now), slot.clock.local(fire_at));
                    if let Some(raft) = slot.raft.as_mut() {
                        raft.set_election_timer(local_now, local_fire.saturating_sub(local_now));
                    }
                    slot.timer_at = None;
                    slot.timer_token += 1;
                    self.reschedule_timer(id);
                }
            }
            Action::TransferLeadership { node } => {
                // Refusals (no leader, or the target already leads) leave the run untouched, and
                // a paused leader hears nothing, operators included.
                let running = |sim: &Self, id: NodeId| sim.nodes[(id - 1) as usize].status == NodeStatus::Up;
                if let Some(leader) = self.check_transfer(*node).ok().filter(|&l| running(self, l)) {
                    let target = *node;
                    self.with_node(leader, |raft, local, _| {
                        let _ = raft.transfer_leadership(local, target);
                    });
                }
            }
            Action::AddServer { .. } | Action::RemoveServer { .. } | Action::ChangeMembership { .. } => {
                match self.membership_request(action) {
                    Some(Ok((via, voters))) => {
                        let wanted = voters.clone();
                        self.with_node(via, |raft, local, _| {
                            // Checked just above: the request is accepted.
                            let _ = raft.change_membership(local, voters);
                        });
                        self.track_operator_change(action.kind(), via, wanted);
                    }
                    Some(Err(reason)) => {
                        let summary = format!("{} refused: {reason}", action.kind());
                        self.log(|| What::Refused { reason: summary.clone() });
                        self.refusals.push((self.now, summary));
                    }
                    None => {}
                }
            }
        }
    }

    /// Whether the current leader could hand leadership to `target` now: the leader that
    /// would do it, or why not.
    pub fn check_transfer(&self, target: NodeId) -> Result<NodeId, TransferError> {
        if self.node(target).is_none() {
            return Err(TransferError::UnknownNode(target));
        }
        let leader = self.leader().ok_or(TransferError::NotLeader { leader_hint: None })?;
        if leader == target {
            return Err(TransferError::AlreadyLeader);
        }
        Ok(leader)
    }

    /// For a membership action: the server that takes the request (`via`, or the leader) and
    /// the voters wanted, or why the request is refused. `None` for other actions.
    fn membership_request(&self, action: &Action) -> Option<Result<(NodeId, BTreeSet<NodeId>), String>> {
        let via = match action {
            Action::AddServer { via, .. } | Action::RemoveServer { via, .. } | Action::ChangeMembership { via, .. } => {
                *via
            }
            _ => return None,
        };
        let Some(via) = via.or_else(|| self.leader()) else {
            return Some(Err("there is no leader to ask".into()));
        };
        let Some(slot) = self.node(via) else { return Some(Err(format!("S{via} does not exist"))) };
        let Some(raft) = slot.raft.as_ref() else { return Some(Err(format!("S{via} is down"))) };
        if slot.status == NodeStatus::Paused {
            return Some(Err(format!("S{via} is paused")));
        }
        let mut voters = raft.configuration().voters.clone();
        match action {
            Action::AddServer { node, .. } => {
                voters.insert(*node);
            }
            Action::RemoveServer { node, .. } => {
                voters.remove(node);
            }
            Action::ChangeMembership { voters: wanted, .. } => voters = wanted.iter().copied().collect(),
            _ => {}
        }
        Some(raft.check_membership_change(&voters).map(|()| (via, voters)).map_err(|e| format!("S{via}: {e}")))
    }

    fn crash(&mut self, id: NodeId, mode: CrashMode) {
        let slot = &mut self.nodes[(id - 1) as usize];
        if slot.raft.is_none() {
            return;
        }
        slot.raft = None;
        slot.status = NodeStatus::Crashed(mode);
        // What a paused node had not yet received dies with it.
        for event in std::mem::take(&mut slot.deferred) {
            if let EventKind::Arrive(k) = event.kind {
                if let Some(m) = self.messages[k as usize].take() {
                    self.forget_carried(&m.payload);
                }
                self.free_slots.push(k);
            }
        }
        let slot = &mut self.nodes[(id - 1) as usize];
        slot.timer_token += 1;
        slot.timer_at = None;
        slot.crashes += 1;
        if mode == CrashMode::Amnesia {
            slot.disk = PersistentState::default();
        }
        self.checker.observe_crash(self.now, self.events, id);
        self.milestone(MilestoneKind::Crash { node: id });
    }

    fn restart(&mut self, id: NodeId) {
        let config = self.scenario.raft.to_config();
        let now = self.now;
        let slot = &mut self.nodes[(id - 1) as usize];
        if !matches!(slot.status, NodeStatus::Crashed(CrashMode::Recover | CrashMode::Amnesia)) {
            return; // running, or crash-stop: stopped for good
        }
        let local = slot.clock.local(now);
        let bootstrap: &[NodeId] = if self.initial_members.contains(&id) { &self.initial_members } else { &[] };
        slot.raft = Some(RaftNode::new(id, bootstrap, config, slot.disk.clone(), local, &mut slot.rng));
        slot.status = NodeStatus::Up;
        self.last_role[(id - 1) as usize] = (Role::Follower, u64::MAX);
        self.milestone(MilestoneKind::Restart { node: id });
        self.after_step(id, true);
    }

    fn resume(&mut self, id: NodeId) {
        let slot = &mut self.nodes[(id - 1) as usize];
        if slot.status != NodeStatus::Paused {
            return;
        }
        slot.status = NodeStatus::Up;
        let deferred = std::mem::take(&mut slot.deferred);
        // Everything that piled up is handled now, in the order it arrived.
        for event in deferred {
            self.schedule(self.now, event.kind);
        }
        self.reschedule_timer(id);
    }

    // ----- Clients -----------------------------------------------------------------------

    fn arm_client(&mut self, client: ClientId, at: Micros, wake: ClientWake) {
        let state = &mut self.clients[(client - 1) as usize];
        state.token += 1;
        let token = state.token;
        self.schedule(at, EventKind::Client { client, token, wake });
    }

    fn client_wake(&mut self, client: ClientId, token: u64, wake: ClientWake) -> bool {
        let nodes = self.scenario.nodes as u64;
        let state = &self.clients[(client - 1) as usize];
        if state.token != token {
            return false;
        }
        match wake {
            ClientWake::Issue => {
                let (keys, get_ratio) = self.scenario.workload.as_ref().map_or((1, 0.0), |w| (w.keys, w.get_ratio));
                let key = format!("k{}", self.client_rng.below(keys as u64));
                let state = &mut self.clients[(client - 1) as usize];
                let seq = state.next_seq;
                state.next_seq += 1;
                let is_get = self.client_rng.chance(Probability::from_f64(get_ratio));
                let op = if is_get { Op::Get { key } } else { Op::Put { key, value: format!("{client}.{seq}") } };
                self.history.push(HistoryOp {
                    client,
                    seq,
                    op: op.clone(),
                    invoked_us: self.now,
                    completed_us: None,
                    value: None,
                    redirects: 0,
                    retries: 0,
                    answered_by: None,
                });
                let history = self.history.len() - 1;
                self.clients[(client - 1) as usize].outstanding = Some(Outstanding { seq, op, history });
            }
            ClientWake::Timeout => {
                let state = &mut self.clients[(client - 1) as usize];
                let Some(out) = &state.outstanding else { return false };
                state.target = (state.target % nodes as NodeId) + 1;
                let (seq, history) = (out.seq, out.history);
                if let Some(op) = self.history.get_mut(history) {
                    op.retries += 1;
                }
                self.begin_event(11, client, seq);
                self.log(|| What::ClientTimeout { client, seq });
                self.client_send(client);
                return true;
            }
            ClientWake::Resend => {}
        }
        let Some(out) = &self.clients[(client - 1) as usize].outstanding else { return false };
        self.begin_event(12, client, out.seq);
        self.client_send(client);
        true
    }

    fn client_send(&mut self, client: ClientId) {
        let state = &self.clients[(client - 1) as usize];
        let Some(out) = &state.outstanding else { return };
        let (target, request) = (state.target, ClientRequest { seq: out.seq, op: out.op.clone() });
        self.log(|| What::ClientIssued { client, seq: request.seq, node: target, summary: request.op.to_string() });
        self.send(Endpoint::Client(client), Endpoint::Node(target), Payload::Request { client, request });
        let at = self.now + self.workload_timeout;
        self.arm_client(client, at, ClientWake::Timeout);
    }

    fn client_reply(&mut self, client: ClientId, from: NodeId, reply: ClientReply) {
        if client == SCRIPT_CLIENT {
            let seq = reply.seq();
            let now = self.now;
            let open =
                self.history.iter().position(|h| h.client == SCRIPT_CLIENT && h.seq == seq && h.completed_us.is_none());
            let mut follow = None;
            if let Some(op) = open.and_then(|i| self.history.get_mut(i)) {
                match reply {
                    ClientReply::Ok { value, .. } => {
                        op.completed_us = Some(now);
                        op.value = value;
                        op.answered_by = Some(from);
                        if let Some(t) = self.availability.as_mut() {
                            t.answered(now.saturating_sub(op.invoked_us));
                        }
                    }
                    ClientReply::NotLeader { leader_hint, .. } => {
                        op.redirects += 1;
                        // Follow the hint, as a client library would, a few times at most.
                        if let Some(leader) = leader_hint.filter(|&l| l != from && op.redirects <= MAX_SCRIPT_REDIRECTS)
                        {
                            follow = Some((leader, ClientRequest { seq, op: op.op.clone() }));
                        }
                    }
                }
            }
            if let Some((leader, request)) = follow {
                self.send(
                    Endpoint::Client(SCRIPT_CLIENT),
                    Endpoint::Node(leader),
                    Payload::Request { client: SCRIPT_CLIENT, request },
                );
            }
            return;
        }
        let nodes = self.scenario.nodes as NodeId;
        let Some(state) = self.clients.get_mut((client as usize).wrapping_sub(1)) else { return };
        let Some(out) = &state.outstanding else { return };
        if out.seq != reply.seq() {
            return; // an answer to an earlier attempt
        }
        let history = out.history;
        match reply {
            ClientReply::Ok { value, .. } => {
                state.outstanding = None;
                state.target = from;
                let now = self.now;
                if let Some(op) = self.history.get_mut(history) {
                    op.completed_us = Some(now);
                    op.value = value;
                    op.answered_by = Some(from);
                    if let Some(t) = self.availability.as_mut() {
                        t.answered(now.saturating_sub(op.invoked_us));
                    }
                }
                let at = self.now + self.workload_interval;
                self.arm_client(client, at, ClientWake::Issue);
            }
            ClientReply::NotLeader { leader_hint, .. } => {
                state.target = match leader_hint {
                    Some(leader) if leader != from => leader,
                    _ => from % nodes + 1,
                };
                if let Some(op) = self.history.get_mut(history) {
                    op.redirects += 1;
                }
                // A short pause so that a cluster without a leader is not flooded.
                let at = self.now + 2_000;
                self.arm_client(client, at, ClientWake::Resend);
            }
        }
    }
}

fn role_name(role: Role) -> &'static str {
    match role {
        Role::Follower => "follower",
        Role::Candidate => "candidate",
        Role::Leader => "leader",
        Role::PreCandidate => "pre-candidate",
    }
}

/// A one-line description of a message's contents, for traces.
/// An action as the scenario format writes it (the page already carries that serializer; a
/// Debug rendering would add one of its own).
fn action_text(action: &Action) -> String {
    serde_json::to_string(action).unwrap_or_else(|_| action.kind().to_string())
}

pub fn summarize(payload: &Payload) -> String {
    match payload {
        Payload::Raft(Message::RequestVote(m)) => format!(
            "term={} lastLog=({}, t{}){}",
            m.term,
            m.last_log_index,
            m.last_log_term,
            if m.leadership_transfer { " leadershipTransfer" } else { "" }
        ),
        Payload::Raft(Message::RequestVoteReply(m)) => format!("term={} granted={}", m.term, m.vote_granted),
        Payload::Raft(Message::AppendEntries(m)) => format!(
            "term={} prev=({}, t{}) entries={} commit={}",
            m.term,
            m.prev_log_index,
            m.prev_log_term,
            m.entries.len(),
            m.leader_commit
        ),
        Payload::Raft(Message::AppendEntriesReply(m)) => {
            format!("term={} success={} index={}", m.term, m.success, m.match_or_rejected_index)
        }
        Payload::Raft(Message::PreVote(m)) => {
            format!("term={} lastLog=({}, t{})", m.term, m.last_log_index, m.last_log_term)
        }
        Payload::Raft(Message::PreVoteReply(m)) => format!("term={} granted={}", m.term, m.vote_granted),
        Payload::Raft(Message::TimeoutNow(m)) => format!("term={} leader=S{}", m.term, m.leader_id),
        Payload::Raft(Message::InstallSnapshot(m)) => format!(
            "term={} last=({}, t{}) offset={} bytes={} done={}",
            m.term,
            m.last_included_index,
            m.last_included_term,
            m.offset,
            m.data.len(),
            m.done
        ),
        Payload::Raft(Message::InstallSnapshotReply(m)) => format!(
            "term={} last={} next_offset={} installed={}",
            m.term, m.last_included_index, m.next_offset, m.installed
        ),
        Payload::Request { request, .. } => format!("#{} {}", request.seq, request.op),
        Payload::Reply { reply, .. } => reply.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every message in the slab is referenced by exactly one pending event (queued, or held
    /// for a paused node), so nothing leaks and the UI never draws a phantom message.
    fn slab_matches_events(sim: &Simulation) -> bool {
        let referenced = sim.queue.iter().chain(sim.nodes.iter().flat_map(|n| n.deferred.iter()));
        let mut slots: Vec<u32> =
            referenced.filter_map(|e| if let EventKind::Arrive(k) = e.kind { Some(k) } else { None }).collect();
        slots.sort_unstable();
        let before = slots.len();
        slots.dedup();
        before == slots.len() && slots.len() == sim.in_flight().count()
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
}
