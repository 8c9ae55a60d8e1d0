//! Chain replication (the notes' Definition 2.6, after van Renesse and Schneider, OSDI 2004),
//! natively on the engine's kernel:
//!
//! - The servers form a chain S1 → S2 → … → Sn: S1 is the **head**, Sn the **tail**.
//! - **Writes**: the client sends a write to the head, which executes it and forwards it to its
//!   successor; each server applies it and forwards it on, until the tail. The tail answers the
//!   client: that is the commit point. Each server keeps the writes it **sent but that are not
//!   acknowledged** yet; acknowledgements flow back up from the tail (as in the paper).
//! - **Reads** go to the tail, "ensuring fully processed states": every write the tail has is
//!   at every server before it.
//! - **Failover** (the notes': fail-stop servers, a configuration service (CFG) assumed never to
//!   fail, failures detectable): the CFG notices a crash `detect_ms` later and removes the server
//!   from the chain. If a middle server fails, its predecessor forwards to the successor instead
//!   and first resends what it sent but was not acknowledged (the successor keeps what it lacks);
//!   if the head fails, its successor becomes the head; if the tail fails, its predecessor
//!   becomes the tail and answers the writes it had sent on (they are now at the tail). The CFG
//!   tells the client the new head and tail; a client with no answer after `retry_ms` sends again.
//!
//! Each server works through a FIFO queue ([`scenario::Service`]), so under load a server is a
//! bottleneck; the report measures latency, throughput and utilisation ([`stats`]). The
//! `primary-backup` layout runs primary-backup's normal case on the same queues and workload
//! for the notes' comparison ([`compare`]).
//!
//! The broken variant (`"early_ack": true`): the head answers the client as soon as a write
//! arrives, before the tail has it. A read at the tail then misses an acknowledged write, and a
//! head that crashes with the write still in its queue loses it: the checks ([`checks`]) catch both.
//!
//! Servers are network nodes 1..=n, the CFG node n+1; the client is outside faults.
pub mod builtin;
pub mod checks;
pub mod compare;
pub mod message;
pub mod scenario;
pub mod stats;
pub mod summary;
pub mod view;

use crate::engine::kernel::{self, Envelope, Host, Kernel, Pending, Reception};
use crate::engine::network::Endpoint;
use crate::engine::network::Network;
use crate::engine::rng::{Probability, SimRng};
use crate::protocols::said::Said;
use crate::scenario::format::{ms_to_us, NetworkSettings};
use checks::{ChainProperty, ChainViolation, Needed, Seen};
use message::ChainMessage;
use scenario::{ChainScenario, Layout, Op, Request};
use serde::Serialize;
use stats::Stats;
use std::collections::{BTreeMap, BTreeSet, VecDeque};

/// The host's wake-ups.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Timer {
    /// The client sends request `id` (1-based index in [`ChainScenario::all_requests`]).
    Send { id: u64 },
    /// The client has had no answer to `id`: it sends it again to the head (tail) it knows now.
    Retry { id: u64 },
    /// A server finishes the piece of work it is on.
    Done { server: u32 },
    /// The scenario's fault number `index`: a server crashes.
    Crash { index: usize },
    /// The CFG has detected that `server` crashed.
    Detect { server: u32 },
}

/// Event codes of the protocol's own events in the trace hash (clear of the kernel's 9, 10).
const CODE_SEND: u64 = 1;
const CODE_RETRY: u64 = 2;
const CODE_DONE: u64 = 3;
const CODE_CRASH: u64 = 4;
const CODE_DETECT: u64 = 5;

/// A piece of work in a server's queue.
#[derive(Clone, Debug)]
enum Job {
    /// The head (primary) executes a client's write.
    Execute { id: u64, value: String },
    /// A forwarded write to apply.
    Apply { seq: u64, id: u64, value: String },
    /// A read to answer.
    Read { id: u64 },
}

#[derive(Clone, Debug, Default)]
struct Server {
    crashed: bool,
    /// Its neighbours in the chain (0: none: it is the head / the tail).
    pred: u32,
    succ: u32,
    /// Its history: the writes it applied, in order (request id, value).
    history: Vec<(u64, String)>,
    ids: Vec<u64>,
    /// `prefix[i]`: the hash of the first i ids ([`checks::prefix_hashes`]).
    prefix: Vec<u64>,
    /// Every write id it holds or has queued (what NoAckedWriteLost looks for).
    known: BTreeSet<u64>,
    /// By position in its history: writes sent to the successor and not acknowledged yet.
    sent: BTreeSet<u64>,
    /// The tail has every write up to here (from the acknowledgements).
    acked_through: u64,
    /// Forwards that came before a write they follow.
    early: BTreeMap<u64, (u64, String)>,
    queue: VecDeque<Job>,
    current: Option<Job>,
    /// Busy time within the measurement window, in µs.
    busy_us: u64,
    /// Writes it resent to a new successor after a failover.
    resent: usize,
    /// Primary-backup layout, at the primary: the backups each write still waits for.
    waiting: BTreeMap<u64, BTreeSet<u32>>,
}

/// The chain as the CFG had it, from when.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ChainChange {
    pub at_ms: f64,
    pub chain: Vec<u32>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ServerReport {
    pub server: u32,
    pub crashed: bool,
    /// Head, middle, tail (in the chain at the end), primary or backup, or out.
    pub role: &'static str,
    /// How many writes its history holds, and the first [`REPORT_WRITES`] of their values.
    pub history_len: usize,
    pub writes: Vec<String>,
    /// Sent to the successor, not acknowledged at the end.
    pub unacknowledged: usize,
    /// Writes it resent to a new successor after a middle server failed.
    pub resent: usize,
    pub utilisation: f64,
}

/// How many of a server's writes the report lists.
pub const REPORT_WRITES: usize = 40;

/// One request and its answer (listed in the report when the run has at most
/// [`scenario::MAX_LISTED`] requests).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RequestReport {
    pub id: u64,
    pub sent_ms: f64,
    /// The write's value, or None for a read.
    pub write: Option<String>,
    pub answered_by: Option<u32>,
    pub answered_ms: Option<f64>,
    /// A read's answer: how many writes of the history it saw.
    pub read_len: Option<u64>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ChainReport {
    pub protocol: &'static str,
    pub scenario: String,
    pub seed: u64,
    pub layout: Layout,
    pub servers: u32,
    pub early_ack: bool,
    pub chain_over_time: Vec<ChainChange>,
    pub server_reports: Vec<ServerReport>,
    pub requests: Vec<RequestReport>,
    pub stats: Stats,
    pub checked: Vec<ChainProperty>,
    pub violations: Vec<ChainViolation>,
    pub events: u64,
    pub end_ms: f64,
    pub trace_hash: String,
}

/// The client's record of one request.
#[derive(Clone, Debug)]
struct Sent {
    op: Op,
    first_us: Option<u64>,
    answer: Option<(u32, u64)>,
    read_len: Option<u64>,
    /// For a read: what its answer must include (fixed when it is first sent).
    needed: Option<Needed>,
}

pub struct Chain {
    kernel: Kernel<ChainMessage, Timer>,
    scenario: ChainScenario,
    servers: Vec<Server>,
    cfg: u32,
    /// The CFG's chain, head first.
    chain: Vec<u32>,
    timeline: Vec<ChainChange>,
    /// Where the client sends writes and reads.
    head: u32,
    tail: u32,
    requests: Vec<Sent>,
    /// Which write each history position holds at the head that executed it: a write's
    /// position is the same at every server (the head numbers the history).
    seq_of: BTreeMap<u64, u64>,
    /// Acknowledged writes, in the order the client heard; the largest position among them,
    /// and those acknowledged before any server applied them (only the broken variant).
    acked: Vec<u64>,
    acked_upto: u64,
    acked_unplaced: BTreeSet<u64>,
    /// Writes to look for in NoAckedWriteLost after this event (all of them after a crash).
    check_lost: Vec<u64>,
    check_all_lost: bool,
    stale: Vec<Said>,
    window_us: (u64, u64),
    violations: Vec<ChainViolation>,
}

impl Chain {
    pub fn new(s: &ChainScenario) -> Chain {
        let n = s.servers;
        let cfg = n + 1;
        let settings = NetworkSettings { latency_ms: s.latency_ms, ..NetworkSettings::default() };
        // The same stream numbers as the other hosts: 1 for the network, 3 for the faults
        // (the workload draws from 5, [`ChainScenario::all_requests`]).
        let network = Network::new(settings, cfg, SimRng::stream(s.seed, 1));
        let mut kernel = Kernel::new(network, SimRng::stream(s.seed, 3));
        for (i, f) in s.faults.iter().enumerate() {
            kernel.schedule(ms_to_us(f.at_ms), Pending::Wake(Timer::Crash { index: i }));
        }
        let all = s.all_requests();
        for (i, r) in all.iter().enumerate() {
            kernel.schedule(ms_to_us(r.at_ms), Pending::Wake(Timer::Send { id: i as u64 + 1 }));
        }
        let servers = (1..=n)
            .map(|i| {
                let (pred, succ) = match s.layout {
                    Layout::Chain => (i - 1, if i == n { 0 } else { i + 1 }),
                    Layout::PrimaryBackup => (if i == 1 { 0 } else { 1 }, 0),
                };
                Server { pred, succ, prefix: vec![0], ..Server::default() }
            })
            .collect();
        let window_us = match &s.workload {
            Some(w) => (ms_to_us(w.from_ms), ms_to_us(w.until_ms)),
            None => (0, ms_to_us(s.duration_ms)),
        };
        let tail = if s.layout == Layout::Chain { n } else { 1 };
        let requests = all.into_iter().map(|Request { op, .. }| Sent {
            op,
            first_us: None,
            answer: None,
            read_len: None,
            needed: None,
        });
        Chain {
            kernel,
            scenario: s.clone(),
            servers,
            cfg,
            chain: (1..=n).collect(),
            timeline: vec![ChainChange { at_ms: 0.0, chain: (1..=n).collect() }],
            head: 1,
            tail,
            requests: requests.collect(),
            seq_of: BTreeMap::new(),
            acked: Vec::new(),
            acked_upto: 0,
            acked_unplaced: BTreeSet::new(),
            check_lost: Vec::new(),
            check_all_lost: false,
            stale: Vec::new(),
            window_us,
            violations: Vec::new(),
        }
    }

    pub fn run(&mut self) {
        while kernel::step_until(self, u64::MAX) {}
    }

    pub fn trace_hash(&self) -> u64 {
        self.kernel.hash().value()
    }

    pub fn violations(&self) -> &[ChainViolation] {
        &self.violations
    }

    fn now_ms(&self) -> f64 {
        self.kernel.now() as f64 / 1000.0
    }

    fn srv(&mut self, s: u32) -> Option<&mut Server> {
        self.servers.get_mut((s as usize).checked_sub(1)?)
    }

    fn send(&mut self, from: u32, to: Endpoint, m: ChainMessage) {
        self.kernel.send(Endpoint::Node(from), to, m, Probability::NEVER);
    }

    fn answer_client(&mut self, from: u32, m: ChainMessage) {
        self.send(from, Endpoint::Client(1), m);
    }

    /// The client sends request `id` to the head (a write) or the tail (a read) it knows.
    fn client_send(&mut self, id: u64) {
        let now = self.kernel.now();
        let Some(r) = self.requests.get_mut(id as usize - 1) else { return };
        let first = r.first_us.is_none();
        r.first_us.get_or_insert(now);
        let (to, m) = match &r.op {
            Op::Write(value) => (self.head, ChainMessage::Write { id, value: value.clone() }),
            Op::Read => (self.tail, ChainMessage::Read { id }),
        };
        if first && r.op == Op::Read {
            // What the answer must include: every write acknowledged by now.
            r.needed = Some(match self.acked_unplaced.first() {
                Some(&w) => Needed::Missing(w),
                None => Needed::Upto(self.acked_upto),
            });
        }
        self.kernel.send(Endpoint::Client(1), Endpoint::Node(to), m, Probability::NEVER);
        let next = now + ms_to_us(self.scenario.retry_ms).max(1);
        if next <= ms_to_us(self.scenario.duration_ms) {
            self.kernel.schedule(next, Pending::Wake(Timer::Retry { id }));
        }
    }

    fn cost(&self, job: &Job) -> u64 {
        let s = &self.scenario.service;
        ms_to_us(match job {
            Job::Execute { .. } => s.execute_ms,
            Job::Apply { .. } => s.apply_ms,
            Job::Read { .. } => s.read_ms,
        })
    }

    /// Queue `job` at `s`, starting it at once if `s` is idle.
    fn enqueue(&mut self, s: u32, job: Job) {
        let Some(me) = self.srv(s) else { return };
        me.queue.push_back(job);
        self.start_next(s);
    }

    /// `s` takes the next piece of work from its queue, if it is idle: work that costs
    /// nothing is done at once.
    fn start_next(&mut self, s: u32) {
        loop {
            let now = self.kernel.now();
            let (lo, hi) = self.window_us;
            let Some(me) = self.servers.get((s as usize).wrapping_sub(1)) else { return };
            if me.crashed || me.current.is_some() {
                return;
            }
            let Some(job) = me.queue.front().cloned() else { return };
            let d = self.cost(&job);
            let me = &mut self.servers[s as usize - 1];
            me.queue.pop_front();
            me.busy_us += (now + d).clamp(lo, hi) - now.clamp(lo, hi);
            if d == 0 {
                self.complete(s, job);
                continue;
            }
            me.current = Some(job);
            self.kernel.schedule(now + d, Pending::Wake(Timer::Done { server: s }));
            return;
        }
    }

    /// `s` has finished `job`.
    fn complete(&mut self, s: u32, job: Job) {
        match job {
            Job::Execute { id, value } => {
                let seq = self.servers[s as usize - 1].history.len() as u64 + 1;
                self.seq_of.insert(id, seq);
                if self.acked_unplaced.remove(&id) {
                    self.acked_upto = self.acked_upto.max(seq);
                }
                self.append(s, seq, id, value);
            }
            Job::Apply { seq, id, value } => {
                let me = &mut self.servers[s as usize - 1];
                let len = me.history.len() as u64;
                if seq > len + 1 {
                    me.early.insert(seq, (id, value));
                    return;
                }
                if seq <= len {
                    return;
                }
                self.append(s, seq, id, value);
                loop {
                    let me = &mut self.servers[s as usize - 1];
                    let next = me.history.len() as u64 + 1;
                    let Some((id, value)) = me.early.remove(&next) else { break };
                    self.append(s, next, id, value);
                }
            }
            Job::Read { id } => {
                let len = self.servers[s as usize - 1].history.len() as u64;
                self.answer_client(s, ChainMessage::ReadReply { id, len });
            }
        }
    }

    /// `s` appends the `seq`-th write to its history and passes it on: to its successor, or
    /// (the tail) to the client with an acknowledgement up the chain.
    fn append(&mut self, s: u32, seq: u64, id: u64, value: String) {
        let layout = self.scenario.layout;
        let n = self.scenario.servers;
        let me = &mut self.servers[s as usize - 1];
        me.history.push((id, value.clone()));
        me.ids.push(id);
        let last = me.prefix.last().copied().unwrap_or(0);
        me.prefix.push(checks::extend(last, id));
        me.known.insert(id);
        let (pred, succ) = (me.pred, me.succ);
        match layout {
            Layout::Chain if succ != 0 => {
                me.sent.insert(seq);
                self.send(s, Endpoint::Node(succ), ChainMessage::Forward { seq, id, value });
            }
            Layout::Chain => {
                // The tail: the commit point.
                me.acked_through = seq;
                self.answer_client(s, ChainMessage::Reply { id });
                if pred != 0 {
                    self.send(s, Endpoint::Node(pred), ChainMessage::Ack { seq });
                }
            }
            Layout::PrimaryBackup if s == 1 => {
                let backups: BTreeSet<u32> = (2..=n).collect();
                if backups.is_empty() {
                    self.answer_client(s, ChainMessage::Reply { id });
                    return;
                }
                me.waiting.insert(seq, backups.clone());
                // Primary-backup forwards to every backup at once (the notes' parallelism).
                for b in backups {
                    self.send(s, Endpoint::Node(b), ChainMessage::Forward { seq, id, value: value.clone() });
                }
            }
            Layout::PrimaryBackup => self.send(s, Endpoint::Node(1), ChainMessage::Ack { seq }),
        }
    }

    fn on_write(&mut self, s: u32, id: u64, value: String) {
        let layout = self.scenario.layout;
        let early_ack = self.scenario.early_ack;
        let Some(me) = self.srv(s) else { return };
        let entry = match layout {
            Layout::Chain => me.pred == 0,
            Layout::PrimaryBackup => s == 1,
        };
        if !entry {
            return; // Not the head: the client will hear the new head from the CFG and retry.
        }
        if me.known.contains(&id) {
            // A retry: answer it if the tail has it; otherwise the tail's answer is on its way.
            let seq = me.ids.iter().position(|&i| i == id).map(|p| p as u64 + 1);
            let committed = match layout {
                Layout::Chain => seq.is_some_and(|q| q <= me.acked_through),
                Layout::PrimaryBackup => seq.is_some_and(|q| !me.waiting.contains_key(&q)),
            };
            if committed {
                self.answer_client(s, ChainMessage::Reply { id });
            }
            return;
        }
        me.known.insert(id);
        if early_ack {
            // The broken variant: the head answers before anyone has applied the write.
            self.answer_client(s, ChainMessage::Reply { id });
        }
        self.enqueue(s, Job::Execute { id, value });
    }

    fn on_server_message(&mut self, from: u32, to: u32, m: ChainMessage) {
        let (layout, cfg) = (self.scenario.layout, self.cfg);
        let Some(me) = self.srv(to) else { return };
        match m {
            ChainMessage::Forward { seq, id, value } => {
                if seq <= me.history.len() as u64 {
                    // Already applied (a resend after a failover): the tail acknowledges again.
                    if me.succ == 0 && me.pred != 0 && layout == Layout::Chain {
                        let (pred, upto) = (me.pred, me.history.len() as u64);
                        self.send(to, Endpoint::Node(pred), ChainMessage::Ack { seq: upto });
                    }
                    return;
                }
                me.known.insert(id);
                self.enqueue(to, Job::Apply { seq, id, value });
            }
            ChainMessage::Ack { seq } => match layout {
                Layout::Chain => {
                    if seq <= me.acked_through {
                        return;
                    }
                    me.acked_through = seq;
                    me.sent = me.sent.split_off(&(seq + 1));
                    let pred = me.pred;
                    if pred != 0 {
                        self.send(to, Endpoint::Node(pred), ChainMessage::Ack { seq });
                    }
                }
                Layout::PrimaryBackup => {
                    let Some(waiting) = me.waiting.get_mut(&seq) else { return };
                    waiting.remove(&from);
                    if waiting.is_empty() {
                        me.waiting.remove(&seq);
                        // The commit point: every backup has it.
                        if let Some((id, _)) = me.history.get(seq as usize - 1) {
                            let id = *id;
                            self.answer_client(to, ChainMessage::Reply { id });
                        }
                    }
                }
            },
            ChainMessage::Neighbours { pred, succ } if from == cfg => {
                let (old_pred, old_succ) = (me.pred, me.succ);
                me.pred = pred;
                me.succ = succ;
                if succ != old_succ && succ != 0 {
                    // A middle server failed: resend what the new successor may lack.
                    let resend: Vec<(u64, u64, String)> = me
                        .sent
                        .iter()
                        .filter_map(|&q| me.history.get(q as usize - 1).map(|(i, v)| (q, *i, v.clone())))
                        .collect();
                    me.resent += resend.len();
                    for (seq, id, value) in resend {
                        self.send(to, Endpoint::Node(succ), ChainMessage::Forward { seq, id, value });
                    }
                } else if succ == 0 && old_succ != 0 {
                    // The tail failed: this server is the tail now, so what it sent on is at
                    // the tail: answer those writes and acknowledge them up the chain.
                    let answered: Vec<u64> =
                        me.sent.iter().filter_map(|&q| me.history.get(q as usize - 1).map(|(i, _)| *i)).collect();
                    me.sent.clear();
                    me.acked_through = me.history.len() as u64;
                    for id in answered {
                        self.answer_client(to, ChainMessage::Reply { id });
                    }
                }
                let me = &self.servers[to as usize - 1];
                if pred != 0 && (pred != old_pred || succ == 0) {
                    let seq = me.acked_through;
                    self.send(to, Endpoint::Node(pred), ChainMessage::Ack { seq });
                }
            }
            _ => {}
        }
    }

    /// The client hears an answer.
    fn on_answer(&mut self, from: u32, m: ChainMessage) {
        let now = self.kernel.now();
        match m {
            ChainMessage::Reply { id } => {
                let Some(r) = self.requests.get_mut(id as usize - 1) else { return };
                if r.answer.is_some() {
                    return;
                }
                r.answer = Some((from, now));
                self.acked.push(id);
                self.check_lost.push(id);
                match self.seq_of.get(&id) {
                    Some(&q) => self.acked_upto = self.acked_upto.max(q),
                    None => {
                        self.acked_unplaced.insert(id);
                    }
                }
            }
            ChainMessage::ReadReply { id, len } => {
                let Some(r) = self.requests.get_mut(id as usize - 1) else { return };
                if r.answer.is_some() {
                    return;
                }
                r.answer = Some((from, now));
                r.read_len = Some(len);
                // A write acknowledged before the read was sent but then unplaced may have
                // been placed since: judge it by where it is now.
                let needed = match r.needed {
                    Some(Needed::Missing(w)) => match self.seq_of.get(&w) {
                        Some(&q) => Needed::Upto(q),
                        None => Needed::Missing(w),
                    },
                    Some(n) => n,
                    None => Needed::Upto(0),
                };
                if let Some(d) = checks::stale_read(id, from, needed, len) {
                    self.stale.push(d);
                }
            }
            ChainMessage::Config { head, tail } => {
                self.head = head;
                self.tail = tail;
            }
            _ => {}
        }
    }

    /// The CFG removes crashed `server` from the chain and tells its neighbours and the client.
    fn detect(&mut self, server: u32) {
        let Some(at) = self.chain.iter().position(|&s| s == server) else { return };
        self.chain.remove(at);
        self.timeline.push(ChainChange { at_ms: self.now_ms(), chain: self.chain.clone() });
        let prev = at.checked_sub(1).and_then(|i| self.chain.get(i)).copied();
        let next = self.chain.get(at).copied();
        let cfg = self.cfg;
        if let Some(p) = prev {
            let pred = at.checked_sub(2).and_then(|i| self.chain.get(i)).copied().unwrap_or(0);
            self.send(cfg, Endpoint::Node(p), ChainMessage::Neighbours { pred, succ: next.unwrap_or(0) });
        }
        if let Some(q) = next {
            let succ = self.chain.get(at + 1).copied().unwrap_or(0);
            self.send(cfg, Endpoint::Node(q), ChainMessage::Neighbours { pred: prev.unwrap_or(0), succ });
        }
        if let (Some(&head), Some(&tail)) = (self.chain.first(), self.chain.last()) {
            self.send(cfg, Endpoint::Client(1), ChainMessage::Config { head, tail });
        }
    }

    fn fold_state(&mut self, s: u32) {
        let Some(me) = self.servers.get((s as usize).wrapping_sub(1)) else { return };
        let words = [
            s as u64,
            me.history.len() as u64,
            me.prefix.last().copied().unwrap_or(0),
            me.queue.len() as u64,
            me.acked_through,
            me.pred as u64,
            me.succ as u64,
        ];
        let h = self.kernel.hash_mut().words();
        for w in words {
            h.word(w);
        }
    }

    fn role(&self, s: u32) -> &'static str {
        let me = &self.servers[s as usize - 1];
        match self.scenario.layout {
            Layout::PrimaryBackup if s == 1 => "primary",
            Layout::PrimaryBackup => "backup",
            Layout::Chain if me.crashed || !self.chain.contains(&s) => "out",
            Layout::Chain if self.chain.len() == 1 => "head and tail",
            Layout::Chain if self.chain.first() == Some(&s) => "head",
            Layout::Chain if self.chain.last() == Some(&s) => "tail",
            Layout::Chain => "middle",
        }
    }

    pub fn report(&self) -> ChainReport {
        let s = &self.scenario;
        let all = s.all_requests();
        let (lo, hi) = self.window_us;
        let span = hi.saturating_sub(lo).max(1);
        let utilisation = |x: &Server| x.busy_us as f64 / span as f64;
        let done: Vec<stats::Done> = self
            .requests
            .iter()
            .filter_map(|r| {
                let (_, at) = r.answer?;
                Some(stats::Done { write: matches!(r.op, Op::Write(_)), sent_us: r.first_us?, answered_us: at })
            })
            .collect();
        let busy: Vec<f64> = self.servers.iter().map(utilisation).collect();
        let stats = Stats::of(&done, self.requests.len(), (lo, hi), &busy);
        ChainReport {
            protocol: crate::scenario::protocol::CHAIN_REPLICATION,
            scenario: s.name.clone(),
            seed: s.seed,
            layout: s.layout,
            servers: s.servers,
            early_ack: s.early_ack,
            chain_over_time: self.timeline.clone(),
            server_reports: self
                .servers
                .iter()
                .enumerate()
                .map(|(i, x)| ServerReport {
                    server: i as u32 + 1,
                    crashed: x.crashed,
                    role: self.role(i as u32 + 1),
                    history_len: x.history.len(),
                    writes: x.history.iter().take(REPORT_WRITES).map(|(_, v)| v.clone()).collect(),
                    unacknowledged: x.sent.len(),
                    resent: x.resent,
                    utilisation: utilisation(x),
                })
                .collect(),
            requests: if self.requests.len() <= scenario::MAX_LISTED {
                self.requests
                    .iter()
                    .zip(&all)
                    .enumerate()
                    .map(|(i, (r, q))| RequestReport {
                        id: i as u64 + 1,
                        sent_ms: q.at_ms,
                        write: match &r.op {
                            Op::Write(v) => Some(v.clone()),
                            Op::Read => None,
                        },
                        answered_by: r.answer.map(|a| a.0),
                        answered_ms: r.answer.map(|a| a.1 as f64 / 1000.0),
                        read_len: r.read_len,
                    })
                    .collect()
            } else {
                Vec::new()
            },
            stats,
            checked: checks::ALL.to_vec(),
            violations: self.violations.clone(),
            events: self.kernel.events(),
            end_ms: self.now_ms(),
            trace_hash: self.kernel.hash().hex(),
        }
    }
}

pub fn run(s: &ChainScenario) -> ChainReport {
    let mut sim = Chain::new(s);
    sim.run();
    sim.report()
}

impl Host for Chain {
    type Message = ChainMessage;
    type Timer = Timer;

    fn kernel(&self) -> &Kernel<ChainMessage, Timer> {
        &self.kernel
    }
    fn kernel_mut(&mut self) -> &mut Kernel<ChainMessage, Timer> {
        &mut self.kernel
    }

    fn reception(&self, node: u32) -> Option<Reception> {
        if node == self.cfg {
            return Some(Reception::Up(Probability::NEVER));
        }
        let s = self.servers.get((node as usize).checked_sub(1)?)?;
        Some(if s.crashed { Reception::Down } else { Reception::Up(Probability::NEVER) })
    }

    /// Nobody is ever paused in this protocol.
    fn defer(&mut self, _node: u32, _event: Pending<Timer>) {}

    fn on_message(&mut self, m: Envelope, payload: ChainMessage) {
        match (m.from, m.to) {
            (Endpoint::Client(_), Endpoint::Node(s)) => {
                match payload {
                    ChainMessage::Write { id, value } => self.on_write(s, id, value),
                    ChainMessage::Read { id } => {
                        let layout = self.scenario.layout;
                        let Some(me) = self.srv(s) else { return };
                        let serves = match layout {
                            Layout::Chain => me.succ == 0,
                            Layout::PrimaryBackup => s == 1,
                        };
                        // Not the tail: the client will hear the new tail from the CFG and retry.
                        if serves {
                            self.enqueue(s, Job::Read { id });
                        }
                    }
                    _ => {}
                }
                self.fold_state(s);
            }
            (Endpoint::Node(s), Endpoint::Client(_)) => self.on_answer(s, payload),
            (Endpoint::Node(from), Endpoint::Node(to)) => {
                self.on_server_message(from, to, payload);
                self.fold_state(to);
            }
            _ => {}
        }
    }

    fn on_timer(&mut self, timer: Timer) -> bool {
        match timer {
            Timer::Send { id } => {
                self.kernel.begin_event(CODE_SEND, id, 0);
                self.client_send(id);
            }
            Timer::Retry { id } => {
                if self.requests.get(id as usize - 1).is_none_or(|r| r.answer.is_some()) {
                    return false;
                }
                self.kernel.begin_event(CODE_RETRY, id, 0);
                self.client_send(id);
            }
            Timer::Done { server } => {
                let Some(me) = self.srv(server) else { return false };
                if me.crashed {
                    return false;
                }
                let Some(job) = me.current.take() else { return false };
                self.kernel.begin_event(CODE_DONE, server as u64, 0);
                self.complete(server, job);
                self.start_next(server);
                self.fold_state(server);
            }
            Timer::Crash { index } => {
                let Some(f) = self.scenario.faults.get(index).cloned() else { return false };
                self.kernel.begin_event(CODE_CRASH, index as u64, f.crash as u64);
                let Some(me) = self.srv(f.crash) else { return false };
                if me.crashed {
                    return true;
                }
                // Fail-stop: its queue and its unfinished work are gone with it.
                me.crashed = true;
                me.queue.clear();
                me.current = None;
                self.check_all_lost = true;
                let at = self.kernel.now() + ms_to_us(self.scenario.detect_ms);
                self.kernel.schedule(at, Pending::Wake(Timer::Detect { server: f.crash }));
            }
            Timer::Detect { server } => {
                self.kernel.begin_event(CODE_DETECT, server as u64, 0);
                self.detect(server);
            }
        }
        true
    }

    /// The checks after every counted event.
    fn event_done(&mut self) {
        let mut broken: Vec<(ChainProperty, Said)> = Vec::new();
        if self.scenario.layout == Layout::Chain {
            let seen: Vec<Seen<'_>> = self
                .chain
                .iter()
                .filter_map(|&s| self.servers.get(s as usize - 1).filter(|x| !x.crashed).map(|x| (s, x)))
                .map(|(s, x)| Seen { server: s, history: &x.ids, prefix: &x.prefix })
                .collect();
            if let Some(d) = checks::propagation(&seen) {
                broken.push((ChainProperty::UpdatePropagation, d));
            }
        }
        if self.check_all_lost || !self.check_lost.is_empty() {
            let live: Vec<(u32, &BTreeSet<u64>)> = self
                .servers
                .iter()
                .enumerate()
                .filter(|(_, x)| !x.crashed)
                .map(|(i, x)| (i as u32 + 1, &x.known))
                .collect();
            let which = if self.check_all_lost { &self.acked } else { &self.check_lost };
            if let Some(d) = checks::lost(which, &live) {
                broken.push((ChainProperty::NoAckedWriteLost, d));
            }
            self.check_all_lost = false;
            self.check_lost.clear();
        }
        for d in std::mem::take(&mut self.stale) {
            broken.push((ChainProperty::ReadsSeeAckedWrites, d));
        }
        for (property, detail) in broken {
            if !self.violations.iter().any(|v| v.property == property) {
                let (at_ms, event) = (self.now_ms(), self.kernel.events());
                self.violations.push(ChainViolation { property, detail, at_ms, event });
            }
        }
    }
}
