//! The discrete-event simulator: one queue of events on integer virtual time, processed in
//! (time, sequence) order, with every source of randomness drawn from seeded streams. The same
//! scenario always produces the same events in the same order, natively and in wasm.
use crate::engine::budget::{self, Budget, Footprint, Stopped};
use crate::engine::clock::DriftClock;
use crate::engine::network::{Endpoint, LossCause, Network, Transit};
use crate::engine::observe::{NodeObservation, Observer, Observers, Retained, Seen, Wants};
use crate::engine::rng::{Probability, SimRng};
use crate::engine::trace::{TraceEvent, TraceHash, What};
use crate::engine::workload::{ClientState, ClientWake, HistoryOp};
use crate::scenario::format::{ms_to_us, Action, CrashMode, NodeFaults, Scenario, ScenarioError, TimedAction};
use raft_core::chunked::ChunkedVec;
use raft_core::{
    ClientId, ClientReply, ClientRequest, Message, Micros, NodeId, Notice, PersistentState, RaftNode, Ready, Role,
};
use std::cmp::Ordering;
use std::collections::BinaryHeap;
use std::sync::Arc;

mod actions;
mod clients;
mod membership;
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

    /// The number the trace hash folds in for a message. Not taken from raft-core's message
    /// description: the numbers are pinned by every golden trace hash, and this runs on every
    /// delivery, where building the description's field list would cost time.
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

/// What a counted event was, as folded into the trace hash. The codes are part of every
/// golden trace hash, so they never change; a new kind of event takes a new number.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum EventType {
    /// A timeline action of the scenario.
    TimelineAction,
    /// A node's timer fired (election timeout or heartbeat).
    Timer,
    /// A message died: lost, partitioned, receiver down, omitted.
    Dropped,
    /// A message reached its receiver.
    Delivered,
    /// A workload client gave up waiting and tries the next server.
    ClientTimeout,
    /// A workload client sends (a new request, or again after a redirect).
    ClientSend,
    /// An operator's action while running (the page).
    OperatorAction,
}

impl EventType {
    /// The number the trace hash folds in before the event's two operands.
    const fn code(self) -> u64 {
        match self {
            EventType::TimelineAction => 7,
            EventType::Timer => 8,
            EventType::Dropped => 9,
            EventType::Delivered => 10,
            EventType::ClientTimeout => 11,
            EventType::ClientSend => 12,
            EventType::OperatorAction => 13,
        }
    }
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
    /// (role, term) after its last event, to record role changes.
    last_role: (Role, u64),
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
    nodes: Nodes,
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
    /// What watches the run (observe.rs): the invariant checker, the availability tracker.
    observers: Observers,
    /// Problems the observers found so far.
    findings: u64,
    hash: TraceHash,
    events: u64,
    record: bool,
    trace: Vec<TraceEvent>,
    ready: Ready,
    transits: Vec<Transit>,
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
    /// A run of `scenario` watched by `observers` (they see the servers boot). The checked run
    /// everyone uses, `Simulation::new`, attaches the checks (check/observers.rs).
    pub fn with_observers(scenario: &Scenario, observers: Vec<Box<dyn Observer>>) -> Result<Simulation, ScenarioError> {
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
                last_role: (Role::Follower, 0),
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
            observers: Observers::new(observers),
            findings: 0,
            hash: TraceHash::default(),
            events: 0,
            record: false,
            trace: Vec::new(),
            ready: Ready::default(),
            transits: Vec::new(),
            members,
            nodes: Nodes(nodes),
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
        &self.network
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
    }
    /// Stop watching with the observer of type `T`.
    pub fn remove_observer<T: Observer>(&mut self) {
        self.observers.remove::<T>();
    }

    /// Show every observer what happened (each sees the run without the observers).
    fn notify(&mut self, seen: &Seen<'_>) {
        if !self.observers.want(seen.kind()) {
            return;
        }
        let mut observers = std::mem::take(&mut self.observers);
        self.findings += observers.show(self, seen);
        self.put_back(observers);
    }

    /// Return the observers taken out to be called. What they replaced is an empty list that
    /// owns no memory: forgetting it skips a drop call on the engine's hottest path.
    fn put_back(&mut self, observers: Observers) {
        std::mem::forget(std::mem::replace(&mut self.observers, observers));
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
        self.begin_event(EventType::OperatorAction, index as u64, 0);
        self.log(|| What::Action { index, summary: format!("operator: {}", action_text(&action)) });
        self.milestone(MilestoneKind::Action);
        self.apply(&action);
        self.interventions.push(TimedAction { at_ms: self.now as f64 / 1000.0, action });
        self.notify(&Seen::EventDone);
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
        for slot in self.nodes.iter() {
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
        let Retained { indexes: checker_indexes, shadow_entries, records: checker_records } = self.retained();
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

    /// What the observers keep.
    fn retained(&self) -> Retained {
        self.observers.retained()
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
        let checker_records = self.retained().records;
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
                self.notify(&Seen::EventDone);
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
            if self.findings > 0 {
                return true;
            }
        }
        if self.stopped.is_none() {
            self.now = self.end;
        }
        self.findings > 0
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
            let Some(slot) = self.nodes.node_mut(n) else { return false };
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
                self.begin_event(EventType::TimelineAction, index as u64, 0);
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

    fn begin_event(&mut self, kind: EventType, a: u64, b: u64) {
        self.events += 1;
        self.hash.event(self.now, kind.code(), a, b);
    }

    // ----- Nodes -------------------------------------------------------------------------

    fn node_timer(&mut self, id: NodeId, token: u64) -> bool {
        let Some(slot) = self.nodes.node_mut(id) else { return false };
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
        self.begin_event(EventType::Timer, id as u64, 0);
        self.log(|| What::Timer { node: id, role_before: role_name(role_before) });
        self.with_node(id, |raft, local, rng| raft.handle_timeout(local, rng));
        true
    }

    /// Run `f` on a live node with its local time and randomness, then carry out its effects.
    fn with_node(&mut self, id: NodeId, f: impl FnOnce(&mut RaftNode, Micros, &mut SimRng)) {
        let Some(slot) = self.nodes.node_mut(id) else { return };
        let local = slot.clock.local(self.now);
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
        self.hash.node_state(raft);
        let role = (raft.role(), raft.current_term());
        let role_changed = std::mem::replace(&mut slot.last_role, role) != role;
        // A Byzantine node's messages are rewritten on their way out (byzantine.rs).
        let byzantine = std::mem::take(&mut slot.faults.byzantine);
        if self.observers.want(Wants::STEPS) {
            self.observe_step(id, restarted);
        }
        if role_changed {
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
                    self.refusals.push((self.now, text.clone()));
                }
                self.log(|| What::Notice { text });
            }
            self.ready.notices = notices;
        }
        self.reschedule_timer(id);
        self.follow_operator_change();
    }

    /// Show the observers the server `id` as its step left it; a problem found marks a milestone.
    fn observe_step(&mut self, id: NodeId, restarted: bool) {
        let mut observers = std::mem::take(&mut self.observers);
        let found: u64 = match self.nodes.node(id).and_then(|slot| slot.raft.as_ref()) {
            None => 0,
            Some(raft) => {
                let node = NodeObservation {
                    node: id,
                    role: raft.role(),
                    term: raft.current_term(),
                    log: raft.log(),
                    commit_index: raft.commit_index(),
                    log_changed_from: self.ready.log_changed_from,
                    applied: &self.ready.applied,
                    restarted,
                };
                let snapshot = self.ready.snapshot.as_deref();
                let seen = Seen::Step { node: &node, snapshot };
                observers.show(self, &seen)
            }
        };
        self.put_back(observers);
        if found > 0 {
            self.findings += found;
            self.milestones.push(Milestone { events: self.events, time_us: self.now, kind: MilestoneKind::Violation });
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
                let p = self.nodes.node(n).map_or(Probability::NEVER, |slot| slot.send_omission);
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
                // The receiver's omission rate, if it is running.
                let running = self.nodes.node(n).filter(|slot| slot.raft.is_some()).map(|slot| slot.receive_omission);
                match running {
                    None => cause = Some(LossCause::ReceiverDown),
                    Some(_) if !self.network.connected(m.from, m.to) => cause = Some(LossCause::Partitioned),
                    Some(p) => {
                        if !p.is_never() && self.network_rng_chance(p) {
                            cause = Some(LossCause::ReceiveOmission);
                        }
                    }
                }
            }
        }
        if let Some(cause) = cause {
            self.begin_event(EventType::Dropped, m.id, code);
            self.log(|| What::Dropped { message: m.id, from: m.from, to: m.to, kind: m.payload.kind(), cause });
            return true;
        }
        self.begin_event(EventType::Delivered, m.id, code);
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

/// A one-line description of a message's contents, for traces: a Raft message's is the
/// summary raft-core's message description gives.
pub fn summarize(payload: &Payload) -> String {
    match payload {
        Payload::Raft(m) => m.summary(),
        Payload::Request { request, .. } => format!("#{} {}", request.seq, request.op),
        Payload::Reply { reply, .. } => reply.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

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

    /// Two kinds of event with one code would hash alike: a run could change without its
    /// trace hash noticing.
    #[test]
    fn event_codes_are_distinct() {
        use EventType::*;
        let all = [TimelineAction, Timer, Dropped, Delivered, ClientTimeout, ClientSend, OperatorAction];
        let codes: BTreeSet<u64> = all.iter().map(|e| e.code()).collect();
        assert_eq!(codes.len(), all.len());
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
