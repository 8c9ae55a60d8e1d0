//! Primary-backup (passive) replication with an arbitration server, natively on the engine's
//! kernel, as the course notes give it (Definitions 2.2 to 2.5):
//!
//! - **Passive replication**: the client sends its write to the primary, which forwards it to
//!   the backups; each backup applies it and acknowledges; once all have, the primary
//!   acknowledges the client. That last step is the **commit point**, and why the notes warn of
//!   the overhead "as we scale the number of backups".
//! - Heartbeats: the primary sends one every `heartbeat_ms`; the backups answer. A partner
//!   silent for `timeout_ms` is suspected to have failed (or become unreachable).
//! - **Arbitration server (CFG)**: on a suspected failure a server executes
//!   `test_and_set(f, 1)` on the CFG's shared variable f (0 while the primary is there). If
//!   f = 0 the caller sets f = 1 and wins: a backup becomes the new primary, a primary carries
//!   on without the backup it suspects. If f = 1, "another server has already taken over": a
//!   primary steps down, a backup stays out. The CFG serialises the calls (the notes' mutex),
//!   so only the first caller wins.
//! - With more than one backup, the backups that suspect a crashed primary all call; the winner
//!   takes the others as its backups and tells them (`NewPrimary`, with its state, which theirs
//!   becomes: the notes' state replication), and they follow it. A primary that won the flag
//!   drops a further silent backup without asking again: the flag is already its own.
//! - Clients redirect their requests to the new primary (a client that waits `retry_ms`
//!   without an answer tries the next server; a server that is not primary says so).
//!
//! Without the arbiter (`"arbiter": false`, the broken variant) a server acts on its timeout
//! alone: a backup promotes itself (the primary of nobody), a primary drops the backup. A
//! partition between them then leaves two primaries that answer clients, which the checks
//! ([`checks`]) catch.
//!
//! Servers S1 (primary at the start) to S(backups + 1) are network nodes 1 to backups + 1; the
//! CFG is the next node (never crashes, as the notes assume of the configuration service); the
//! client is outside partitions. f is never reset, so a run has one failover, as in the notes.
pub mod builtin;
pub mod checks;
pub mod message;
pub mod scenario;
pub mod summary;
pub mod view;

use crate::engine::kernel::{self, Envelope, Host, Kernel, Pending, Reception};
use crate::engine::network::{Endpoint, Network};
use crate::engine::rng::{Probability, SimRng};
use crate::scenario::format::{ms_to_us, NetworkSettings};
use checks::{PbProperty, PbViolation, Seen};
use message::PbMessage;
use scenario::{FaultKind, PbScenario};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// The host's wake-ups.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Timer {
    /// A server's heartbeat period: the primary sends heartbeats; both look for silence.
    Tick { server: u32 },
    /// The client sends (or sends again) write `id`.
    Send { id: u64 },
    /// The scenario's fault number `index`.
    Fault { index: usize },
}

/// Event codes of the protocol's own events in the trace hash (clear of the kernel's 9, 10).
const CODE_TICK: u64 = 1;
const CODE_SEND: u64 = 2;
const CODE_FAULT: u64 = 3;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Role {
    Primary,
    Backup,
    /// A primary whose test-and-set found f = 1: another server has taken over.
    SteppedDown,
}

#[derive(Clone, Debug)]
struct Server {
    role: Role,
    crashed: bool,
    /// The writes it applied, in order: (id, value).
    log: Vec<(u64, String)>,
    /// A primary's backups: whom it forwards to and waits for.
    backups: BTreeSet<u32>,
    /// A backup's primary.
    primary: u32,
    /// When it last heard from each partner.
    last_heard: BTreeMap<u32, u64>,
    /// The partner it suspects, once it suspected one (it acts on one suspicion only, unless
    /// it is a primary that won the flag or acts without an arbiter: see `suspect`).
    suspects: Option<u32>,
    /// Whether its test-and-set won: the flag is its own.
    won_flag: bool,
    /// A primary's writes waiting for backups' acknowledgements.
    pending: BTreeMap<u64, BTreeSet<u32>>,
}

/// One test-and-set the CFG served.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TasCall {
    pub at_ms: f64,
    pub server: u32,
    pub won: bool,
}

/// Who was a primary able to answer clients, from when.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PrimaryChange {
    pub at_ms: f64,
    pub primaries: Vec<u32>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ServerReport {
    pub server: u32,
    pub role: Role,
    pub crashed: bool,
    /// Its writes' values, in order.
    pub writes: Vec<String>,
    pub suspected: Option<u32>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct WriteReport {
    pub id: u64,
    pub value: String,
    /// The server whose answer first told the client it is committed, and when.
    pub acknowledged_by: Option<u32>,
    pub acknowledged_at_ms: Option<f64>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PbReport {
    pub protocol: &'static str,
    pub scenario: String,
    pub seed: u64,
    pub arbiter: bool,
    /// f on the CFG at the end.
    pub cfg_flag: u32,
    pub test_and_set: Vec<TasCall>,
    pub primary_over_time: Vec<PrimaryChange>,
    pub servers: Vec<ServerReport>,
    pub writes: Vec<WriteReport>,
    pub checked: Vec<PbProperty>,
    pub violations: Vec<PbViolation>,
    pub events: u64,
    pub end_ms: f64,
    pub trace_hash: String,
}

pub struct PrimaryBackup {
    kernel: Kernel<PbMessage, Timer>,
    scenario: PbScenario,
    servers: Vec<Server>,
    /// The CFG's shared variable f.
    flag: u32,
    calls: Vec<TasCall>,
    /// The client: where it sends next, and each write's acknowledgement (server, time).
    target: u32,
    /// Where the client last sent each write.
    sent_to: BTreeMap<u64, u32>,
    acked: BTreeMap<u64, (u32, u64)>,
    timeline: Vec<PrimaryChange>,
    violations: Vec<PbViolation>,
}

impl PrimaryBackup {
    pub fn new(s: &PbScenario) -> PrimaryBackup {
        let settings = NetworkSettings { latency_ms: s.latency_ms, ..NetworkSettings::default() };
        // The same stream numbers as Raft's host: 1 for the network, 3 for the faults.
        let n = s.servers();
        let network = Network::new(settings, n + 1, SimRng::stream(s.seed, 1));
        let mut kernel = Kernel::new(network, SimRng::stream(s.seed, 3));
        for (i, f) in s.faults.iter().enumerate() {
            kernel.schedule(ms_to_us(f.at_ms), Pending::Wake(Timer::Fault { index: i }));
        }
        for (i, w) in s.writes.iter().enumerate() {
            kernel.schedule(ms_to_us(w.at_ms), Pending::Wake(Timer::Send { id: i as u64 + 1 }));
        }
        let beat = ms_to_us(s.heartbeat_ms).max(1);
        for server in 1..=n {
            kernel.schedule(beat, Pending::Wake(Timer::Tick { server }));
        }
        let server = |id: u32| Server {
            role: if id == 1 { Role::Primary } else { Role::Backup },
            crashed: false,
            log: Vec::new(),
            backups: if id == 1 { (2..=n).collect() } else { BTreeSet::new() },
            primary: 1,
            last_heard: (1..=n).map(|p| (p, 0)).collect(),
            suspects: None,
            won_flag: false,
            pending: BTreeMap::new(),
        };
        let mut sim = PrimaryBackup {
            kernel,
            scenario: s.clone(),
            servers: (1..=n).map(server).collect(),
            flag: 0,
            calls: Vec::new(),
            target: 1,
            sent_to: BTreeMap::new(),
            acked: BTreeMap::new(),
            timeline: Vec::new(),
            violations: Vec::new(),
        };
        sim.timeline.push(PrimaryChange { at_ms: 0.0, primaries: sim.answering() });
        sim
    }

    pub fn run(&mut self) {
        while kernel::step_until(self, u64::MAX) {}
    }

    pub fn trace_hash(&self) -> u64 {
        self.kernel.hash().value()
    }

    pub fn violations(&self) -> &[PbViolation] {
        &self.violations
    }

    fn server(&mut self, id: u32) -> Option<&mut Server> {
        self.servers.get_mut((id as usize).checked_sub(1)?)
    }

    /// The server after `s`, round the ring: where a client tries next.
    fn next_server(&self, s: u32) -> u32 {
        s % self.scenario.servers() + 1
    }

    fn now_ms(&self) -> f64 {
        self.kernel.now() as f64 / 1000.0
    }

    /// Whether `s` is a primary that can answer clients now: every backup it waits for
    /// follows it as a running backup (else no write of its reaches the commit point).
    fn can_answer(&self, s: u32) -> bool {
        let Some(me) = self.servers.get(s as usize - 1) else { return false };
        !me.crashed
            && me.role == Role::Primary
            && me.backups.iter().all(|&b| {
                self.servers.get(b as usize - 1).is_some_and(|o| !o.crashed && o.role == Role::Backup && o.primary == s)
            })
    }

    fn answering(&self) -> Vec<u32> {
        (1..=self.scenario.servers()).filter(|&s| self.can_answer(s)).collect()
    }

    fn send(&mut self, from: Endpoint, to: Endpoint, m: PbMessage) {
        self.kernel.send(from, to, m, Probability::NEVER);
    }

    /// The client sends write `id` to the server it believes is primary; it tries the next
    /// server if no answer came within `retry_ms`.
    fn client_send(&mut self, id: u64) {
        let Some(w) = self.scenario.writes.get(id as usize - 1) else { return };
        let value = w.value.clone();
        self.send(Endpoint::Client(1), Endpoint::Node(self.target), PbMessage::Write { id, value });
        let next = self.kernel.now() + ms_to_us(self.scenario.retry_ms).max(1);
        if next <= ms_to_us(self.scenario.duration_ms) {
            self.kernel.schedule(next, Pending::Wake(Timer::Send { id }));
        }
    }

    fn on_write(&mut self, s: u32, id: u64, value: String) {
        let Some(me) = self.server(s) else { return };
        if me.role != Role::Primary {
            let hint = (me.role == Role::Backup && me.suspects.is_none()).then_some(me.primary);
            self.send(Endpoint::Node(s), Endpoint::Client(1), PbMessage::NotPrimary { id, hint });
            return;
        }
        if me.log.iter().any(|(i, _)| *i == id) {
            // A retry: answer once it is committed (the backups' acknowledgements answer it).
            if !me.pending.contains_key(&id) {
                self.send(Endpoint::Node(s), Endpoint::Client(1), PbMessage::Ack { id });
            }
            return;
        }
        me.log.push((id, value.clone()));
        if me.backups.is_empty() {
            self.send(Endpoint::Node(s), Endpoint::Client(1), PbMessage::Ack { id });
            return;
        }
        me.pending.insert(id, me.backups.clone());
        for b in me.backups.clone() {
            self.send(Endpoint::Node(s), Endpoint::Node(b), PbMessage::Forward { id, value: value.clone() });
        }
    }

    /// `s` no longer waits for `b`: writes that waited only for it reach the commit point.
    fn drop_backup(&mut self, s: u32, b: u32) {
        let Some(me) = self.server(s) else { return };
        me.backups.remove(&b);
        let mut done = Vec::new();
        for (id, waiting) in me.pending.iter_mut() {
            waiting.remove(&b);
            if waiting.is_empty() {
                done.push(*id);
            }
        }
        for id in done {
            me.pending.remove(&id);
        }
        for id in self.servers[s as usize - 1].log.iter().map(|(i, _)| *i).collect::<Vec<_>>() {
            let committed = !self.servers[s as usize - 1].pending.contains_key(&id);
            if committed && !self.acked.contains_key(&id) {
                self.send(Endpoint::Node(s), Endpoint::Client(1), PbMessage::Ack { id });
            }
        }
    }

    /// `s` suspects `other` has failed: it asks the CFG, or (no arbiter) acts at once.
    fn suspect(&mut self, s: u32, other: u32) {
        let arbiter = self.scenario.arbiter;
        let cfg = self.scenario.cfg();
        let Some(me) = self.server(s) else { return };
        if me.role == Role::SteppedDown {
            return;
        }
        if me.suspects.is_some() {
            // A later silent backup (only with several): a primary that holds the flag, or
            // acts without an arbiter, drops it as it dropped the first; anyone else waits.
            if me.role == Role::Primary && (me.won_flag || !arbiter) {
                self.drop_backup(s, other);
            }
            return;
        }
        me.suspects = Some(other);
        if arbiter {
            self.send(Endpoint::Node(s), Endpoint::Node(cfg), PbMessage::TestAndSet);
        } else {
            self.take_over(s, other);
        }
    }

    /// `s` acts on its suspicion of `other`: a backup becomes the primary, a primary carries
    /// on without that backup. A backup that won the flag takes the other backups as its own
    /// and tells them, with its state; one acting without an arbiter is the primary of nobody
    /// (it cannot know the others did not promote themselves too).
    fn take_over(&mut self, s: u32, other: u32) {
        let n = self.scenario.servers();
        let arbiter = self.scenario.arbiter;
        let Some(me) = self.server(s) else { return };
        match me.role {
            Role::Backup => {
                me.role = Role::Primary;
                me.primary = s;
                me.backups =
                    if arbiter { (1..=n).filter(|&b| b != s && b != other).collect() } else { BTreeSet::new() };
                let (log, told) = (me.log.clone(), me.backups.clone());
                for b in told {
                    self.send(Endpoint::Node(s), Endpoint::Node(b), PbMessage::NewPrimary { log: log.clone() });
                }
            }
            Role::Primary => self.drop_backup(s, other),
            Role::SteppedDown => {}
        }
    }

    fn on_tick(&mut self, s: u32) {
        let now = self.kernel.now();
        let timeout = ms_to_us(self.scenario.timeout_ms);
        let Some(me) = self.servers.get(s as usize - 1) else { return };
        let (role, backups, primary) = (me.role, me.backups.clone(), me.primary);
        let silent = |p: u32| now.saturating_sub(me.last_heard.get(&p).copied().unwrap_or(0)) > timeout;
        let mut suspect = None;
        match role {
            Role::Primary => {
                for &b in &backups {
                    if silent(b) && suspect.is_none() {
                        suspect = Some(b);
                    }
                }
                for b in backups {
                    self.send(Endpoint::Node(s), Endpoint::Node(b), PbMessage::Heartbeat);
                }
            }
            Role::Backup if primary != s && silent(primary) => suspect = Some(primary),
            _ => {}
        }
        if let Some(o) = suspect {
            self.suspect(s, o);
        }
        let next = now + ms_to_us(self.scenario.heartbeat_ms).max(1);
        if next <= ms_to_us(self.scenario.duration_ms) {
            self.kernel.schedule(next, Pending::Wake(Timer::Tick { server: s }));
        }
    }

    /// A server-to-server message reaches `to`; the answer it sends, if any.
    fn on_server_message(&mut self, from: u32, to: u32, payload: PbMessage) -> Option<(Endpoint, PbMessage)> {
        let now = self.kernel.now();
        let cfg = self.scenario.cfg();
        let me = self.server(to)?;
        me.last_heard.insert(from, now);
        match payload {
            PbMessage::Forward { id, value } if me.role == Role::Backup && me.primary == from => {
                if !me.log.iter().any(|(i, _)| *i == id) {
                    me.log.push((id, value));
                }
                Some((Endpoint::Node(from), PbMessage::ForwardAck { id }))
            }
            PbMessage::Heartbeat if me.role == Role::Backup && me.primary == from => {
                Some((Endpoint::Node(from), PbMessage::HeartbeatAck))
            }
            PbMessage::NewPrimary { log } if me.role == Role::Backup => {
                // Only a test-and-set's winner sends this: follow it, and take its state.
                me.primary = from;
                me.suspects = None;
                me.log = log;
                Some((Endpoint::Node(from), PbMessage::HeartbeatAck))
            }
            PbMessage::ForwardAck { id } => {
                let waiting = me.pending.get_mut(&id)?;
                waiting.remove(&from);
                if !waiting.is_empty() {
                    return None;
                }
                me.pending.remove(&id);
                // The commit point: every backup has it, so the client may be told.
                Some((Endpoint::Client(1), PbMessage::Ack { id }))
            }
            PbMessage::TestAndSetReply { won } if from == cfg => {
                let suspected = me.suspects;
                if won {
                    me.won_flag = true;
                    if let Some(o) = suspected {
                        self.take_over(to, o);
                    }
                } else if me.role == Role::Primary {
                    // f = 1: another server has already taken over.
                    me.role = Role::SteppedDown;
                    me.pending.clear();
                }
                None
            }
            _ => None,
        }
    }

    fn fold_state(&mut self, s: u32) {
        let Some(me) = self.servers.get((s as usize).wrapping_sub(1)) else { return };
        let role = match me.role {
            Role::Primary => 1,
            Role::Backup => 2,
            Role::SteppedDown => 3,
        };
        let mut h = crate::engine::hash::StableHash::new();
        for (id, v) in &me.log {
            h.word(*id).str(v);
        }
        let (log, backups, suspects) = (h.finish(), me.backups.len() as u64, me.suspects.unwrap_or(0) as u64);
        self.kernel.hash_mut().words().word(s as u64).word(role).word(log).word(backups).word(suspects);
    }

    pub fn report(&self) -> PbReport {
        let s = &self.scenario;
        PbReport {
            protocol: crate::scenario::protocol::PRIMARY_BACKUP,
            scenario: s.name.clone(),
            seed: s.seed,
            arbiter: s.arbiter,
            cfg_flag: self.flag,
            test_and_set: self.calls.clone(),
            primary_over_time: self.timeline.clone(),
            servers: self
                .servers
                .iter()
                .enumerate()
                .map(|(i, x)| ServerReport {
                    server: i as u32 + 1,
                    role: x.role,
                    crashed: x.crashed,
                    writes: x.log.iter().map(|(_, v)| v.clone()).collect(),
                    suspected: x.suspects,
                })
                .collect(),
            writes: s
                .writes
                .iter()
                .enumerate()
                .map(|(i, w)| {
                    let a = self.acked.get(&(i as u64 + 1));
                    WriteReport {
                        id: i as u64 + 1,
                        value: w.value.clone(),
                        acknowledged_by: a.map(|x| x.0),
                        acknowledged_at_ms: a.map(|x| x.1 as f64 / 1000.0),
                    }
                })
                .collect(),
            checked: vec![PbProperty::SinglePrimary, PbProperty::NoAckedWriteLost],
            violations: self.violations.clone(),
            events: self.kernel.events(),
            end_ms: self.now_ms(),
            trace_hash: self.kernel.hash().hex(),
        }
    }
}

pub fn run(s: &PbScenario) -> PbReport {
    let mut sim = PrimaryBackup::new(s);
    sim.run();
    sim.report()
}

impl Host for PrimaryBackup {
    type Message = PbMessage;
    type Timer = Timer;

    fn kernel(&self) -> &Kernel<PbMessage, Timer> {
        &self.kernel
    }
    fn kernel_mut(&mut self) -> &mut Kernel<PbMessage, Timer> {
        &mut self.kernel
    }

    fn reception(&self, node: u32) -> Option<Reception> {
        if node == self.scenario.cfg() {
            return Some(Reception::Up(Probability::NEVER));
        }
        let s = self.servers.get((node as usize).checked_sub(1)?)?;
        Some(if s.crashed { Reception::Down } else { Reception::Up(Probability::NEVER) })
    }

    /// Nobody is ever paused in this protocol.
    fn defer(&mut self, _node: u32, _event: Pending<Timer>) {}

    fn on_message(&mut self, m: Envelope, payload: PbMessage) {
        let now = self.kernel.now();
        match (m.from, m.to) {
            (Endpoint::Client(_), Endpoint::Node(s)) => {
                if let PbMessage::Write { id, value } = payload {
                    self.on_write(s, id, value);
                }
                self.fold_state(s);
            }
            (Endpoint::Node(s), Endpoint::Client(_)) => match payload {
                PbMessage::Ack { id } => {
                    self.acked.entry(id).or_insert((s, now));
                    self.target = s;
                }
                PbMessage::NotPrimary { hint, .. } => {
                    self.target = hint.filter(|&h| h != s).unwrap_or_else(|| self.next_server(s));
                }
                _ => {}
            },
            (Endpoint::Node(s), Endpoint::Node(cfg)) if cfg == self.scenario.cfg() => {
                // The CFG's mutex: calls are served one at a time, so only the first wins.
                let won = self.flag == 0;
                self.flag = 1;
                self.calls.push(TasCall { at_ms: self.now_ms(), server: s, won });
                self.send(Endpoint::Node(cfg), Endpoint::Node(s), PbMessage::TestAndSetReply { won });
            }
            (Endpoint::Node(from), Endpoint::Node(to)) => {
                let reply = self.on_server_message(from, to, payload);
                if let Some((dest, m)) = reply {
                    self.send(Endpoint::Node(to), dest, m);
                }
                self.fold_state(to);
            }
            _ => {}
        }
    }

    fn on_timer(&mut self, timer: Timer) -> bool {
        match timer {
            Timer::Tick { server } => {
                if self.servers.get(server as usize - 1).is_none_or(|s| s.crashed) {
                    return false;
                }
                self.kernel.begin_event(CODE_TICK, server as u64, 0);
                self.on_tick(server);
                self.fold_state(server);
            }
            Timer::Send { id } => {
                if self.acked.contains_key(&id) {
                    return false;
                }
                // No answer in time from the server it tried: the client tries the next one
                // (unless it has learnt the primary since).
                if self.sent_to.get(&id) == Some(&self.target) {
                    self.target = self.next_server(self.target);
                }
                self.sent_to.insert(id, self.target);
                self.kernel.begin_event(CODE_SEND, id, self.target as u64);
                self.client_send(id);
            }
            Timer::Fault { index } => {
                let Some(f) = self.scenario.faults.get(index).cloned() else { return false };
                self.kernel.begin_event(CODE_FAULT, index as u64, 0);
                match f.kind {
                    FaultKind::Crash(s) => {
                        if let Some(me) = self.server(s) {
                            me.crashed = true;
                        }
                    }
                    FaultKind::Partition(a, b) => {
                        let net = self.kernel.network_mut();
                        net.cut(a, b);
                        net.cut(b, a);
                    }
                    FaultKind::Heal => self.kernel.network_mut().heal(),
                }
            }
        }
        true
    }

    /// The checks, and the primaries' timeline, after every counted event.
    fn event_done(&mut self) {
        let answering = self.answering();
        if self.timeline.last().is_none_or(|c| c.primaries != answering) {
            self.timeline.push(PrimaryChange { at_ms: self.now_ms(), primaries: answering.clone() });
        }
        let seen: Vec<Seen> = (1..=self.scenario.servers())
            .map(|s| Seen {
                server: s,
                answering: answering.contains(&s),
                log: self.servers[s as usize - 1].log.iter().map(|(i, _)| *i).collect(),
            })
            .collect();
        let acked: Vec<u64> = self.acked.keys().copied().collect();
        for (property, detail) in checks::check(&seen, &acked) {
            if !self.violations.iter().any(|v| v.property == property) {
                let (at_ms, event) = (self.now_ms(), self.kernel.events());
                self.violations.push(PbViolation { property, detail, at_ms, event });
            }
        }
    }
}
