//! The Chandy–Lamport snapshot algorithm (the notes' §2.1, Definition 1.3), natively on the
//! engine's kernel, on a running bank: "a snapshot is a consistent global state of a
//! distributed system at a specific point in time", recorded without stopping the system.
//!
//! The bank: processes p1..pn each hold a balance and, at random times drawn from the seed,
//! transfer a random amount to a random other process over their channel (every process has a
//! channel to every other: the notes' strongly connected network). The money leaves the
//! sender when sent and joins the receiver when it arrives; while it travels it is only on
//! the channel. So a snapshot that is a state the bank could have been in must hold every
//! coin exactly once: in a process's recorded state or in a channel's recorded state.
//!
//! The algorithm, as the notes state it. The initiator (at the scenario's time) records its
//! local state, sends a **Marker** on every outgoing channel, and records its incoming
//! channels. A process that receives a marker for the first time "designates the channel
//! which the marker arrived as **empty**", records its local state and starts recording all
//! its other incoming channels, and sends the marker on all its outgoing channels. A marker
//! that arrives later, on a channel being recorded, stops the recording of that channel: its
//! recorded state is the transfers that arrived on it between the receiver's recording and
//! the marker. "When all processes have received and sent a marker, the snapshot is complete."
//!
//! The notes' model requires no failures, a single initiator, a strongly connected network and
//! **FIFO channels**. The kernel's network keeps each link FIFO unless a message is reordered,
//! so the working variant runs with no reordering; `"fifo": false` (a broken variant) lets
//! messages be held back past later ones on their channel: a marker can then overtake a
//! transfer sent before it (the transfer is in no recorded state: money vanishes from the
//! snapshot) or be overtaken by a transfer sent after it (the receipt is recorded without its
//! send: an inconsistent cut). `"record_channels": false` (the other broken variant) records
//! only the processes' states: the cut is consistent, but the money in flight across it is
//! missing. The checks ([`checks`]) catch both.
pub mod builtin;
pub mod checks;
pub mod message;
pub mod scenario;
pub mod summary;
pub mod view;

use crate::engine::kernel::{self, Envelope, Host, Kernel, Pending, Reception};
use crate::engine::network::{Endpoint, Network};
use crate::engine::rng::{Probability, SimRng};
use crate::protocols::said::Said;
use crate::scenario::format::{ms_to_us, NetworkSettings};
use checks::{ClProperty, ClViolation, CutSeen, CHECKED};
use message::ClMessage;
use raft_core::Micros;
use scenario::{ClScenario, NOT_FIFO_REORDER};
use serde::Serialize;
use std::collections::BTreeMap;

/// The run's wake-ups: a process's next transfer, and the initiator's snapshot.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Timer {
    Transfer { process: u32 },
    Snapshot,
}

/// Event codes of the protocol's own events in the trace hash (clear of the kernel's 9, 10).
const CODE_TRANSFER: u64 = 1;
const CODE_SNAPSHOT: u64 = 2;

/// The workload's random stream (the network has 1 and the faults 3, as in Raft's host).
const STREAM_WORKLOAD: u64 = 2;

/// Where a channel's recording stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Recording {
    /// Its receiver has not recorded its state yet.
    NotStarted,
    /// Its receiver has recorded and waits for the marker on it: every transfer that arrives
    /// now joins the channel's recorded state.
    Recording,
    /// The broken variant (`"record_channels": false`): its receiver has recorded its own
    /// state but does not record this channel; it waits for the marker all the same.
    Ignored,
    /// The marker came: the channel's recorded state is final (empty if the marker was the
    /// receiver's first).
    Done,
}

/// An incoming channel `from` → `to`, as its receiver records it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Channel {
    pub from: u32,
    pub to: u32,
    pub recording: Recording,
    /// The transfers recorded on it (id, amount), in arrival order.
    pub recorded: Vec<(u64, u64)>,
}

impl Channel {
    pub fn recorded_total(&self) -> u64 {
        self.recorded.iter().map(|&(_, a)| a).sum()
    }
}

/// One process of the bank.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Process {
    pub balance: u64,
    /// Its recorded state (its balance when it recorded), once it has recorded.
    pub recorded: Option<u64>,
    pub recorded_at: Option<Micros>,
    pub sent: u64,
    pub received: u64,
}

/// What the run knows of one transfer (the report and the checks read it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Transfer {
    from: u32,
    to: u32,
    amount: u64,
    sent_after_record: bool,
    received: bool,
    received_before_record: bool,
    in_channel_state: bool,
}

/// One marker's journey.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct MarkerReport {
    pub from: u32,
    pub to: u32,
    pub sent_at_ms: f64,
    pub arrived_at_ms: Option<f64>,
    /// It was the receiver's first marker: the receiver recorded its state on it.
    pub first: bool,
}

/// A Chandy–Lamport run.
pub struct ChandyLamport {
    kernel: Kernel<ClMessage, Timer>,
    scenario: ClScenario,
    workload: SimRng,
    processes: Vec<Process>,
    /// Every channel, by (from, to).
    channels: BTreeMap<(u32, u32), Channel>,
    /// Transfer `id` at index `id - 1`.
    transfers: Vec<Transfer>,
    markers: Vec<MarkerReport>,
    /// The amounts of the transfers on the channels now (kept as they go rather than summed
    /// over the network after every event: a long run holds tens of thousands in flight).
    in_flight: u64,
    initiated_at: Option<Micros>,
    completed_at: Option<Micros>,
    /// Breaches seen while handling the current event, judged in `event_done`.
    pending: Vec<(ClProperty, Said)>,
    violations: Vec<ClViolation>,
}

/// One process at the end of the run.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ProcessReport {
    pub process: u32,
    pub balance: u64,
    pub recorded: Option<u64>,
    pub recorded_at_ms: Option<f64>,
    pub sent: u64,
    pub received: u64,
}

/// One channel's recorded state at the end of the run.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ChannelReport {
    pub from: u32,
    pub to: u32,
    pub recording: Recording,
    /// The recorded transfers' ids and amounts.
    pub recorded_ids: Vec<u64>,
    pub recorded_amounts: Vec<u64>,
}

/// The snapshot as recorded, and how it compares with the bank.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SnapshotReport {
    pub initiator: u32,
    pub initiated_at_ms: Option<f64>,
    pub completed_at_ms: Option<f64>,
    pub states_total: u64,
    pub channels_total: u64,
    pub recorded_total: u64,
    /// Transfers sent before their sender recorded and received after their receiver did (in
    /// flight across the cut) that no channel state holds: money the snapshot lost.
    pub missed: Vec<u64>,
    /// Transfers sent after their sender recorded but counted in the snapshot (received before
    /// the receiver recorded, or recorded on their channel): money counted without its send.
    pub counted_without_send: Vec<u64>,
}

/// The outcome of a run: `raftsim run`'s summary and `--json`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ClReport {
    pub protocol: &'static str,
    pub scenario: String,
    pub seed: u64,
    pub fifo: bool,
    pub record_channels: bool,
    /// The bank's money: every process's opening balance together.
    pub total: u64,
    pub transfers: u64,
    pub processes: Vec<ProcessReport>,
    pub channels: Vec<ChannelReport>,
    pub markers: Vec<MarkerReport>,
    pub snapshot: SnapshotReport,
    pub checked: Vec<ClProperty>,
    pub violations: Vec<ClViolation>,
    pub events: u64,
    pub end_ms: f64,
    pub trace_hash: String,
}

fn ms(t: Micros) -> f64 {
    t as f64 / 1000.0
}

impl ChandyLamport {
    pub fn new(s: &ClScenario) -> ChandyLamport {
        let reorder = if s.fifo { 0.0 } else { NOT_FIFO_REORDER };
        let settings = NetworkSettings { latency_ms: s.latency_ms, reorder, ..NetworkSettings::default() };
        // The same stream numbers as Raft's host: 1 for the network, 3 for the faults.
        let network = Network::new(settings, s.processes, SimRng::stream(s.seed, 1));
        let mut kernel = Kernel::new(network, SimRng::stream(s.seed, 3));
        let mut workload = SimRng::stream(s.seed, STREAM_WORKLOAD);
        let until = ms_to_us(s.workload_until_ms);
        for process in 1..=s.processes {
            let first = Self::gap(&mut workload, s);
            if first <= until {
                kernel.schedule(first, Pending::Wake(Timer::Transfer { process }));
            }
        }
        kernel.schedule(ms_to_us(s.snapshot_at_ms), Pending::Wake(Timer::Snapshot));
        let n = s.processes;
        let channels = (1..=n)
            .flat_map(|from| (1..=n).filter(move |&to| to != from).map(move |to| (from, to)))
            .map(|(from, to)| {
                ((from, to), Channel { from, to, recording: Recording::NotStarted, recorded: Vec::new() })
            })
            .collect();
        let process = Process { balance: s.balance, recorded: None, recorded_at: None, sent: 0, received: 0 };
        ChandyLamport {
            kernel,
            scenario: s.clone(),
            workload,
            processes: vec![process; n as usize],
            channels,
            transfers: Vec::new(),
            markers: Vec::new(),
            in_flight: 0,
            initiated_at: None,
            completed_at: None,
            pending: Vec::new(),
            violations: Vec::new(),
        }
    }

    /// A process's wait until its next transfer, drawn from the workload stream.
    fn gap(rng: &mut SimRng, s: &ClScenario) -> Micros {
        let [lo, hi] = s.transfer_every_ms;
        rng.between(ms_to_us(lo).max(1), ms_to_us(hi).max(1))
    }

    /// Run every event (the workload stops at its time, and the markers stop once every
    /// channel has carried one).
    pub fn run(&mut self) {
        while kernel::step_until(self, u64::MAX) {}
    }

    /// Process the next event due no later than `limit` (virtual µs); false when none is.
    pub fn step_until(&mut self, limit: Micros) -> bool {
        kernel::step_until(self, limit)
    }

    pub fn scenario(&self) -> &ClScenario {
        &self.scenario
    }
    pub fn violations(&self) -> &[ClViolation] {
        &self.violations
    }
    /// Process `p`'s state (p from 1).
    pub fn process(&self, p: u32) -> Option<&Process> {
        self.processes.get((p as usize).checked_sub(1)?)
    }
    /// Every channel, by (from, to).
    pub fn channels(&self) -> &BTreeMap<(u32, u32), Channel> {
        &self.channels
    }
    /// When the snapshot completed: every process recorded and every channel got its marker.
    pub fn completed_at(&self) -> Option<Micros> {
        self.completed_at
    }

    fn process_mut(&mut self, p: u32) -> Option<&mut Process> {
        self.processes.get_mut((p as usize).checked_sub(1)?)
    }

    /// A workload step of process `p`: transfer a random amount to a random other process if
    /// it has money, then wait for the next one (while the workload lasts).
    fn transfer(&mut self, p: u32) {
        let s = &self.scenario;
        let (n, max_amount) = (s.processes, s.max_amount);
        let balance = self.process(p).map_or(0, |me| me.balance);
        if balance > 0 {
            let other = self.workload.below(n as u64 - 1) as u32 + 1;
            let to = if other >= p { other + 1 } else { other };
            let amount = self.workload.between(1, max_amount.min(balance));
            let sent_after_record = self.process(p).is_some_and(|me| me.recorded.is_some());
            if let Some(me) = self.process_mut(p) {
                me.balance -= amount;
                me.sent += 1;
            }
            self.transfers.push(Transfer {
                from: p,
                to,
                amount,
                sent_after_record,
                received: false,
                received_before_record: false,
                in_channel_state: false,
            });
            self.in_flight += amount;
            let id = self.transfers.len() as u64;
            let payload = ClMessage::Transfer { id, amount };
            self.kernel.send(Endpoint::Node(p), Endpoint::Node(to), payload, Probability::NEVER);
        }
        let next = self.kernel.now() + Self::gap(&mut self.workload, &self.scenario);
        if next <= ms_to_us(self.scenario.workload_until_ms) {
            self.kernel.schedule(next, Pending::Wake(Timer::Transfer { process: p }));
        }
    }

    /// Process `q` records its state: its balance now. Its incoming channel `came_on` (the
    /// first marker's) is recorded as empty; the others start recording (unless the broken
    /// variant records no channels). Then it sends a marker on every outgoing channel.
    fn record(&mut self, q: u32, came_on: Option<u32>) {
        let now = self.kernel.now();
        let Some(me) = self.process_mut(q) else { return };
        me.recorded = Some(me.balance);
        me.recorded_at = Some(now);
        let record_channels = self.scenario.record_channels;
        for (&(from, _), c) in self.channels.iter_mut().filter(|((_, to), _)| *to == q) {
            c.recording = if Some(from) == came_on {
                Recording::Done
            } else if record_channels {
                Recording::Recording
            } else {
                Recording::Ignored
            };
        }
        for r in (1..=self.scenario.processes).filter(|&r| r != q) {
            self.markers.push(MarkerReport { from: q, to: r, sent_at_ms: ms(now), arrived_at_ms: None, first: false });
            self.kernel.send(Endpoint::Node(q), Endpoint::Node(r), ClMessage::Marker, Probability::NEVER);
        }
    }

    fn on_marker(&mut self, p: u32, q: u32) {
        let now = ms(self.kernel.now());
        let first = self.process(q).is_some_and(|me| me.recorded.is_none());
        if let Some(m) = self.markers.iter_mut().find(|m| (m.from, m.to) == (p, q) && m.arrived_at_ms.is_none()) {
            m.arrived_at_ms = Some(now);
            m.first = first;
        }
        if first {
            self.record(q, Some(p));
        } else if let Some(c) = self.channels.get_mut(&(p, q)) {
            c.recording = Recording::Done;
        }
        let done = self.processes.iter().all(|me| me.recorded.is_some())
            && self.channels.values().all(|c| c.recording == Recording::Done);
        if done && self.completed_at.is_none() {
            self.completed_at = Some(self.kernel.now());
            let report = self.snapshot_report();
            let states: Vec<u64> = self.processes.iter().filter_map(|me| me.recorded).collect();
            if let Some(detail) = checks::snapshot_total(&states, report.channels_total, self.scenario.total()) {
                self.pending.push((ClProperty::SnapshotTotal, detail));
            }
        }
    }

    fn on_transfer(&mut self, p: u32, q: u32, id: u64, amount: u64) {
        let Some(me) = self.process_mut(q) else { return };
        me.balance += amount;
        me.received += 1;
        let before_record = me.recorded.is_none();
        self.in_flight = self.in_flight.saturating_sub(amount);
        let recording = self.channels.get_mut(&(p, q)).filter(|c| c.recording == Recording::Recording);
        let in_channel = recording.is_some();
        if let Some(c) = recording {
            c.recorded.push((id, amount));
        }
        let Some(t) = self.transfers.get_mut((id as usize).wrapping_sub(1)) else { return };
        t.received = true;
        t.received_before_record = before_record;
        t.in_channel_state = in_channel;
        let seen = CutSeen {
            id,
            from: t.from,
            to: t.to,
            amount,
            sent_after_record: t.sent_after_record,
            received_before_record: before_record,
            in_channel_state: in_channel,
        };
        if let Some(detail) = checks::cut(&seen) {
            self.pending.push((ClProperty::ConsistentCut, detail));
        }
    }

    /// The amounts of the transfers on the channels now.
    pub fn in_flight_amount(&self) -> u64 {
        self.in_flight
    }

    fn fold_state(&mut self, p: u32) {
        let Some(me) = self.process(p) else { return };
        let recorded = me.recorded.map_or(0, |r| r + 1);
        let (balance, p) = (me.balance, p as u64);
        self.kernel.hash_mut().words().word(p).word(balance).word(recorded);
    }

    fn snapshot_report(&self) -> SnapshotReport {
        let states_total = self.processes.iter().filter_map(|me| me.recorded).sum();
        let channels_total = self.channels.values().map(Channel::recorded_total).sum();
        let ids = |f: &dyn Fn(&Transfer) -> bool| {
            self.transfers.iter().enumerate().filter(|(_, t)| f(t)).map(|(i, _)| i as u64 + 1).collect::<Vec<u64>>()
        };
        // Only a receiver that has recorded can tell a transfer crossed the cut.
        let receiver_recorded = |t: &Transfer| self.process(t.to).is_some_and(|me| me.recorded.is_some());
        SnapshotReport {
            initiator: self.scenario.initiator,
            initiated_at_ms: self.initiated_at.map(ms),
            completed_at_ms: self.completed_at.map(ms),
            states_total,
            channels_total,
            recorded_total: states_total + channels_total,
            missed: ids(&|t| {
                !t.sent_after_record && receiver_recorded(t) && !t.received_before_record && !t.in_channel_state
            }),
            counted_without_send: ids(&|t| {
                t.sent_after_record && t.received && (t.received_before_record || t.in_channel_state)
            }),
        }
    }

    /// The run's outcome.
    pub fn report(&self) -> ClReport {
        let s = &self.scenario;
        let processes = self
            .processes
            .iter()
            .enumerate()
            .map(|(i, me)| ProcessReport {
                process: i as u32 + 1,
                balance: me.balance,
                recorded: me.recorded,
                recorded_at_ms: me.recorded_at.map(ms),
                sent: me.sent,
                received: me.received,
            })
            .collect();
        let channels = self
            .channels
            .values()
            .map(|c| ChannelReport {
                from: c.from,
                to: c.to,
                recording: c.recording,
                recorded_ids: c.recorded.iter().map(|&(id, _)| id).collect(),
                recorded_amounts: c.recorded.iter().map(|&(_, a)| a).collect(),
            })
            .collect();
        ClReport {
            protocol: crate::scenario::protocol::CHANDY_LAMPORT,
            scenario: s.name.clone(),
            seed: s.seed,
            fifo: s.fifo,
            record_channels: s.record_channels,
            total: s.total(),
            transfers: self.transfers.len() as u64,
            processes,
            channels,
            markers: self.markers.clone(),
            snapshot: self.snapshot_report(),
            checked: CHECKED.to_vec(),
            violations: self.violations.clone(),
            events: self.kernel.events(),
            end_ms: ms(self.kernel.now()),
            trace_hash: self.kernel.hash().hex(),
        }
    }
}

/// Run a scenario to its end.
pub fn run(s: &ClScenario) -> ClReport {
    let mut sim = ChandyLamport::new(s);
    sim.run();
    sim.report()
}

impl Host for ChandyLamport {
    type Message = ClMessage;
    type Timer = Timer;

    fn kernel(&self) -> &Kernel<ClMessage, Timer> {
        &self.kernel
    }
    fn kernel_mut(&mut self) -> &mut Kernel<ClMessage, Timer> {
        &mut self.kernel
    }

    /// The notes' model: no failures during the snapshot.
    fn reception(&self, node: u32) -> Option<Reception> {
        (1..=self.scenario.processes).contains(&node).then_some(Reception::Up(Probability::NEVER))
    }

    /// Nobody is ever paused in this protocol.
    fn defer(&mut self, _node: u32, _event: Pending<Timer>) {}

    fn on_message(&mut self, m: Envelope, payload: ClMessage) {
        let (Endpoint::Node(p), Endpoint::Node(q)) = (m.from, m.to) else { return };
        match payload {
            ClMessage::Transfer { id, amount } => self.on_transfer(p, q, id, amount),
            ClMessage::Marker => self.on_marker(p, q),
        }
        self.fold_state(q);
    }

    fn on_timer(&mut self, timer: Timer) -> bool {
        match timer {
            Timer::Transfer { process } => {
                self.kernel.begin_event(CODE_TRANSFER, process as u64, 0);
                self.transfer(process);
                self.fold_state(process);
            }
            Timer::Snapshot => {
                let p = self.scenario.initiator;
                self.kernel.begin_event(CODE_SNAPSHOT, p as u64, 0);
                self.initiated_at = Some(self.kernel.now());
                if self.process(p).is_some_and(|me| me.recorded.is_none()) {
                    self.record(p, None);
                }
                self.fold_state(p);
            }
        }
        true
    }

    /// The checks, after every counted event (as Raft's invariant checker observes). Each
    /// property is reported once, where it first breaks.
    fn event_done(&mut self) {
        let balances: Vec<u64> = self.processes.iter().map(|me| me.balance).collect();
        if let Some(detail) = checks::money(&balances, self.in_flight, self.scenario.total()) {
            self.pending.push((ClProperty::MoneyConserved, detail));
        }
        let (at_ms, event) = (ms(self.kernel.now()), self.kernel.events());
        for (property, detail) in std::mem::take(&mut self.pending) {
            if !self.violations.iter().any(|v| v.property == property) {
                self.violations.push(ClViolation { property, detail, at_ms, event });
            }
        }
    }
}
