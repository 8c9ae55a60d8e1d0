//! Failure detection by heartbeats and timeouts, natively on the engine's kernel, as the
//! course notes give it (slides "Failure Detection", and the system-model notes' timing
//! models):
//!
//! - Every process has a **failure detection module**. Each process sends a heartbeat to every
//!   other process every `heartbeat_ms` (on its own clock); a process p that has not received
//!   anything from q **within time t** (`timeout_ms`, on p's clock) **suspects** q.
//! - If q later sends a message that p receives, p **stops suspecting** q; the notes'
//!   **eventually perfect** detector (`"adaptive": true`) also **increases** its timeout for q
//!   (by `increase_ms`), so that it makes fewer mistakes. If q does crash, p keeps suspecting it.
//! - In a synchronous system (bounded delays, speeds and drift) a timeout above the heartbeat
//!   period plus the largest delay makes "a suspected crash a known crash": a **perfect**
//!   detector. In an asynchronous system nobody can tell slow from dead, so no detector is
//!   perfect. Real systems are partially synchronous: synchronous most of the time, with
//!   unpredictable, finite asynchronous periods "such as network congestion or STW caused by
//!   GC". The faults here are those periods: latency spikes (on every link or one), the timing
//!   model's heavy-tailed delays, lost heartbeats, pauses of a process (it stops, like a
//!   stop-the-world GC, and what reaches it waits) and clock drift (a slow clock sends
//!   heartbeats late, a fast one gives up early).
//!
//! A timeout trades **accuracy** (few false suspicions of live processes) against
//! **completeness** in good time (how soon a crash is suspected): [`sweep`] runs one scenario
//! across timeouts to draw that trade-off. Each run measures both: every suspicion with its
//! start and end, each false one with its cause when it can be told ([`Cause`]), and for every
//! crash how long each correct process took to suspect it. The checks ([`checks`]) run after
//! every event.
//!
//! Processes P1..Pn are network nodes 1..n; there are no clients.
pub mod builtin;
pub mod checks;
pub mod message;
pub mod scenario;
pub mod summary;
pub mod sweep;
pub mod view;

use crate::engine::clock::DriftClock;
use crate::engine::kernel::{self, Envelope, Host, InFlight, Kernel, Pending, Reception};
use crate::engine::network::{Endpoint, LossCause, Network};
use crate::engine::rng::{Probability, SimRng};
use crate::scenario::format::{ms_to_us, LinkOverride, NetworkSettings};
use checks::{FdProperty, FdViolation, Pair, PROPERTIES};
use message::Heartbeat;
use scenario::{FaultKind, FdScenario};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// The host's wake-ups. A token that no longer matches its process's is stale (a heartbeat
/// moved the deadline, or a drift change moved the clock).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Timer {
    /// The process sends its heartbeats.
    Tick { process: u32, token: u64 },
    /// The monitor's deadline for `process` may have passed.
    Check { monitor: u32, process: u32, token: u64 },
    /// The scenario's fault number `index` starts.
    Fault { index: usize },
    /// ...and ends (a pause or a latency spike with `for_ms`).
    FaultEnd { index: usize },
}

/// Event codes of the protocol's own events in the trace hash (clear of the kernel's 9, 10).
const CODE_TICK: u64 = 1;
const CODE_SUSPECT: u64 = 2;
const CODE_FAULT: u64 = 3;
const CODE_FAULT_END: u64 = 4;

/// At most this many suspicions are listed in a report (all are counted): a fixed timeout
/// that is far too short suspects on every heartbeat, and the list must not grow without end.
pub const MAX_LISTED: usize = 2_000;

/// Why a live process was suspected, as far as the run can tell (the first that applies).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Cause {
    /// The process, or the monitor, was paused since the monitor last heard from it.
    Pause,
    /// A heartbeat from it to the monitor was lost since.
    Loss,
    /// A heartbeat from it is on its way, slower than the links' usual maximum (a latency
    /// spike, or the timing model's heavy tail).
    Delay,
    /// The monitor's or the process's clock drifts: heartbeats go out late, or the timeout
    /// runs out early.
    Drift,
    /// None of these: the timeout is shorter than the heartbeat period plus the links' usual
    /// spread of delays.
    ShortTimeout,
}

/// One suspicion: `monitor` suspected `process` from `from_ms` to `to_ms` (None: to the end).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Suspicion {
    pub monitor: u32,
    pub process: u32,
    pub from_ms: f64,
    pub to_ms: Option<f64>,
    /// The process had not crashed: a false suspicion (a mistake of accuracy).
    pub false_suspicion: bool,
    pub cause: Option<Cause>,
}

/// How long `monitor` took to suspect `process` for good after it crashed.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Detection {
    pub monitor: u32,
    pub process: u32,
    pub crashed_at_ms: f64,
    /// When its suspicion that lasts to the end began (None: it does not suspect it).
    pub suspected_at_ms: Option<f64>,
    pub detection_ms: Option<f64>,
}

/// The run's accuracy and completeness in numbers.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Metrics {
    pub false_suspicions: u64,
    /// Total time live processes spent wrongly suspected, summed over monitors.
    pub wrongly_suspected_ms: f64,
    pub false_by_cause: BTreeMap<Cause, u64>,
    /// (correct monitor, crashed process) pairs suspected at the end, and not.
    pub detected: u32,
    pub undetected: u32,
    pub detection_mean_ms: Option<f64>,
    pub detection_max_ms: Option<f64>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ProcessReport {
    pub process: u32,
    pub crashed_at_ms: Option<f64>,
    pub paused_ms: f64,
    pub drift: f64,
    pub heartbeats_sent: u64,
    /// Whom it suspects at the end.
    pub suspects: Vec<u32>,
    /// Its timeout for each other process at the end (grown if adaptive).
    pub timeouts_ms: BTreeMap<u32, f64>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FdReport {
    pub protocol: &'static str,
    pub scenario: String,
    pub seed: u64,
    pub heartbeat_ms: f64,
    pub timeout_ms: f64,
    pub adaptive: bool,
    pub processes: Vec<ProcessReport>,
    pub suspicions: Vec<Suspicion>,
    /// Suspicions past [`MAX_LISTED`], counted but not listed.
    pub unlisted: u64,
    pub detections: Vec<Detection>,
    pub metrics: Metrics,
    pub checked: Vec<FdProperty>,
    pub violations: Vec<FdViolation>,
    pub events: u64,
    pub end_ms: f64,
    pub trace_hash: String,
}

/// A monitor's suspicion in progress.
#[derive(Clone, Copy, Debug)]
struct Open {
    since: u64,
    false_suspicion: bool,
    listed: Option<usize>,
}

/// What a monitor knows of one other process.
#[derive(Clone, Debug)]
struct Watch {
    /// When it last got a message from it (virtual time).
    last_heard: u64,
    /// Its local time at which it suspects the process, unless a message comes first.
    deadline_local: u64,
    /// Its timeout for this process, on its own clock.
    timeout_us: u64,
    token: u64,
    suspected: Option<Open>,
    /// When a message from the process to it was last lost.
    last_lost: Option<u64>,
}

#[derive(Clone, Debug)]
struct Proc {
    crashed_at: Option<u64>,
    paused: bool,
    /// Pauses, as (start, end); an open one has no end.
    pauses: Vec<(u64, Option<u64>)>,
    last_resume: u64,
    /// What reached it, or came due, while it was paused.
    deferred: Vec<Pending<Timer>>,
    clock: DriftClock,
    drift: f64,
    /// The slowest its clock has run (1 + drift), for the completeness bound.
    min_rate: f64,
    seq: u64,
    next_tick_local: u64,
    tick_token: u64,
    watch: BTreeMap<u32, Watch>,
}

pub struct Detector {
    kernel: Kernel<Heartbeat, Timer>,
    scenario: FdScenario,
    procs: Vec<Proc>,
    base_settings: NetworkSettings,
    /// The latency faults in force, by index.
    spikes: BTreeSet<usize>,
    suspicions: Vec<Suspicion>,
    unlisted: u64,
    false_count: u64,
    false_by_cause: BTreeMap<Cause, u64>,
    /// Wrongly-suspected time of the suspicions already over.
    wrong_us: u64,
    violations: Vec<FdViolation>,
}

impl Detector {
    pub fn new(s: &FdScenario) -> Detector {
        let settings =
            NetworkSettings { latency_ms: s.latency_ms, loss: s.loss, timing: s.timing.clone(), ..Default::default() };
        // The same stream numbers as Raft's host: 1 for the network, 3 for the faults.
        let network = Network::new(settings.clone(), s.processes, SimRng::stream(s.seed, 1));
        let mut kernel = Kernel::new(network, SimRng::stream(s.seed, 3));
        for (i, f) in s.faults.iter().enumerate() {
            kernel.schedule(ms_to_us(f.at_ms), Pending::Wake(Timer::Fault { index: i }));
        }
        let (beat, timeout) = (ms_to_us(s.heartbeat_ms).max(1), ms_to_us(s.timeout_ms).max(1));
        let n = s.processes;
        let mut procs = Vec::new();
        for p in 1..=n {
            // Heartbeats staggered over the first period, so that not everyone sends at once.
            let first = beat * p as u64 / n as u64;
            let watch = (1..=n)
                .filter(|&q| q != p)
                .map(|q| {
                    let w = Watch {
                        last_heard: 0,
                        deadline_local: timeout,
                        timeout_us: timeout,
                        token: 0,
                        suspected: None,
                        last_lost: None,
                    };
                    kernel.schedule(timeout, Pending::Wake(Timer::Check { monitor: p, process: q, token: 0 }));
                    (q, w)
                })
                .collect();
            kernel.schedule(first, Pending::Wake(Timer::Tick { process: p, token: 0 }));
            procs.push(Proc {
                crashed_at: None,
                paused: false,
                pauses: Vec::new(),
                last_resume: 0,
                deferred: Vec::new(),
                clock: DriftClock::new(0.0),
                drift: 0.0,
                min_rate: 1.0,
                seq: 0,
                next_tick_local: first,
                tick_token: 0,
                watch,
            });
        }
        Detector {
            kernel,
            scenario: s.clone(),
            procs,
            base_settings: settings,
            spikes: BTreeSet::new(),
            suspicions: Vec::new(),
            unlisted: 0,
            false_count: 0,
            false_by_cause: BTreeMap::new(),
            wrong_us: 0,
            violations: Vec::new(),
        }
    }

    fn end_us(&self) -> u64 {
        ms_to_us(self.scenario.duration_ms)
    }

    /// Run to the end (the host halts itself there: [`Host::halted`]).
    pub fn run(&mut self) {
        while kernel::step_until(self, u64::MAX) {}
    }

    pub fn trace_hash(&self) -> u64 {
        self.kernel.hash().value()
    }

    pub fn violations(&self) -> &[FdViolation] {
        &self.violations
    }

    fn proc(&mut self, p: u32) -> Option<&mut Proc> {
        self.procs.get_mut((p as usize).checked_sub(1)?)
    }

    fn ms(us: u64) -> f64 {
        us as f64 / 1000.0
    }

    /// Queue `timer` for when `p`'s clock reads `local` (never in the past, never past the end).
    fn at_local(&mut self, p: u32, local: u64, timer: Timer) {
        let now = self.kernel.now();
        let Some(clock) = self.procs.get(p as usize - 1).map(|x| &x.clock) else { return };
        let at = clock.global(local).max(now);
        if at <= self.end_us() {
            self.kernel.schedule(at, Pending::Wake(timer));
        }
    }

    fn on_tick(&mut self, p: u32, token: u64) -> bool {
        let now = self.kernel.now();
        let beat = ms_to_us(self.scenario.heartbeat_ms).max(1);
        let n = self.scenario.processes;
        let Some(me) = self.proc(p) else { return false };
        if me.crashed_at.is_some() || token != me.tick_token {
            return false;
        }
        if me.paused {
            me.deferred.push(Pending::Wake(Timer::Tick { process: p, token }));
            return false;
        }
        me.seq += 1;
        let seq = me.seq;
        let local = me.clock.local(now);
        // After a pause the process beats at once and carries on from there.
        me.next_tick_local = if me.next_tick_local + beat > local { me.next_tick_local + beat } else { local + beat };
        let next = me.next_tick_local;
        self.kernel.begin_event(CODE_TICK, p as u64, seq);
        for q in (1..=n).filter(|&q| q != p) {
            self.kernel.send(Endpoint::Node(p), Endpoint::Node(q), Heartbeat { seq }, Probability::NEVER);
        }
        self.at_local(p, next, Timer::Tick { process: p, token });
        true
    }

    fn on_check(&mut self, m: u32, q: u32, token: u64) -> bool {
        let now = self.kernel.now();
        let Some(me) = self.proc(m) else { return false };
        if me.crashed_at.is_some() {
            return false;
        }
        let paused = me.paused;
        let local = me.clock.local(now);
        let Some(w) = me.watch.get(&q) else { return false };
        if w.token != token || w.suspected.is_some() {
            return false;
        }
        if paused {
            me.deferred.push(Pending::Wake(Timer::Check { monitor: m, process: q, token }));
            return false;
        }
        if local < w.deadline_local {
            return false;
        }
        self.kernel.begin_event(CODE_SUSPECT, m as u64, q as u64);
        self.suspect(m, q);
        true
    }

    /// `m` starts suspecting `q`.
    fn suspect(&mut self, m: u32, q: u32) {
        let now = self.kernel.now();
        let false_suspicion = self.procs[q as usize - 1].crashed_at.is_none();
        let cause = false_suspicion.then(|| self.cause(m, q));
        if let Some(c) = cause {
            self.false_count += 1;
            *self.false_by_cause.entry(c).or_default() += 1;
        }
        let listed = self.list(Suspicion {
            monitor: m,
            process: q,
            from_ms: Self::ms(now),
            to_ms: None,
            false_suspicion,
            cause,
        });
        if let Some(w) = self.procs[m as usize - 1].watch.get_mut(&q) {
            w.suspected = Some(Open { since: now, false_suspicion, listed });
        }
    }

    fn list(&mut self, s: Suspicion) -> Option<usize> {
        if self.suspicions.len() >= MAX_LISTED {
            self.unlisted += 1;
            return None;
        }
        self.suspicions.push(s);
        Some(self.suspicions.len() - 1)
    }

    /// `m`'s suspicion of `q` (if any) ends now.
    fn close(&mut self, m: u32, q: u32) -> bool {
        let now = self.kernel.now();
        let Some(open) = self.procs[m as usize - 1].watch.get_mut(&q).and_then(|w| w.suspected.take()) else {
            return false;
        };
        if open.false_suspicion {
            self.wrong_us += now.saturating_sub(open.since);
        }
        if let Some(s) = open.listed.and_then(|i| self.suspicions.get_mut(i)) {
            s.to_ms = Some(Self::ms(now));
        }
        true
    }

    /// Why `m` suspects the live process `q` now (see [`Cause`]).
    fn cause(&self, m: u32, q: u32) -> Cause {
        let since = self.procs[m as usize - 1].watch.get(&q).map_or(0, |w| w.last_heard);
        let paused_since = |p: u32| {
            let x = &self.procs[p as usize - 1];
            x.paused || x.pauses.iter().any(|&(_, end)| end.is_none_or(|e| e > since))
        };
        if paused_since(q) || paused_since(m) {
            return Cause::Pause;
        }
        let usual = ms_to_us(self.scenario.latency_ms[1]);
        let from_q = |f: &&InFlight<Heartbeat>| f.from == Endpoint::Node(q) && f.to == Endpoint::Node(m);
        let lost_since = self.procs[m as usize - 1].watch.get(&q).and_then(|w| w.last_lost).is_some_and(|t| t >= since);
        if lost_since || self.kernel.in_flight().filter(from_q).any(|f| f.lost.is_some()) {
            return Cause::Loss;
        }
        if self.kernel.in_flight().filter(from_q).any(|f| f.arrive_us.saturating_sub(f.sent_us) > usual) {
            return Cause::Delay;
        }
        if self.procs[m as usize - 1].drift != 0.0 || self.procs[q as usize - 1].drift != 0.0 {
            return Cause::Drift;
        }
        Cause::ShortTimeout
    }

    /// A heartbeat from `q` reaches `m`: `m` stops suspecting `q` (and, adaptive, waits longer
    /// for it from now on), and its deadline for `q` starts again.
    fn on_heartbeat(&mut self, q: u32, m: u32) {
        let now = self.kernel.now();
        let increase = if self.scenario.adaptive { ms_to_us(self.scenario.increase_ms) } else { 0 };
        let was_suspected = self.close(m, q);
        let Some(me) = self.proc(m) else { return };
        let local = me.clock.local(now);
        let Some(w) = me.watch.get_mut(&q) else { return };
        if was_suspected {
            w.timeout_us = (w.timeout_us + increase).min(ms_to_us(scenario::MAX_TIMEOUT_MS));
        }
        w.last_heard = now;
        w.deadline_local = local + w.timeout_us;
        w.token += 1;
        let (deadline, token) = (w.deadline_local, w.token);
        self.at_local(m, deadline, Timer::Check { monitor: m, process: q, token });
    }

    fn crash(&mut self, p: u32) {
        let now = self.kernel.now();
        let n = self.scenario.processes;
        let Some(me) = self.proc(p).filter(|x| x.crashed_at.is_none()) else { return };
        me.crashed_at = Some(now);
        me.paused = false;
        if let Some(last) = me.pauses.last_mut().filter(|x| x.1.is_none()) {
            last.1 = Some(now);
        }
        // What a paused process had not yet received dies with it.
        for event in std::mem::take(&mut me.deferred) {
            if let Pending::Arrive(k) = event {
                self.kernel.take_message(k);
            }
        }
        for other in (1..=n).filter(|&o| o != p) {
            // Its own suspicions stop counting: it is no longer a correct process.
            self.close(p, other);
            // A false suspicion of it turns true from now on.
            let wrong = self.procs[other as usize - 1]
                .watch
                .get(&p)
                .and_then(|w| w.suspected)
                .is_some_and(|o| o.false_suspicion);
            if wrong {
                self.close(other, p);
                self.suspect(other, p);
            }
        }
    }

    fn resume(&mut self, p: u32) {
        let now = self.kernel.now();
        let Some(me) = self.proc(p).filter(|x| x.paused) else { return };
        me.paused = false;
        me.last_resume = now;
        if let Some(last) = me.pauses.last_mut() {
            last.1 = Some(now);
        }
        // What piled up is handled now, messages first (in the order they came), then the
        // timers: a monitor that finds a heartbeat waiting does not suspect its sender.
        let deferred = std::mem::take(&mut me.deferred);
        let (messages, timers): (Vec<_>, Vec<_>) = deferred.into_iter().partition(|e| matches!(e, Pending::Arrive(_)));
        for event in messages.into_iter().chain(timers) {
            self.kernel.schedule(now, event);
        }
    }

    /// The network as the base settings and the latency faults in force say.
    fn apply_spikes(&mut self) {
        let mut settings = self.base_settings.clone();
        for &i in &self.spikes {
            if let Some(FaultKind::Latency { latency_ms, link, .. }) = self.scenario.faults.get(i).map(|f| &f.kind) {
                match link {
                    Some((from, to)) => settings.links.push(LinkOverride {
                        from: *from,
                        to: *to,
                        latency_ms: Some(*latency_ms),
                        loss: None,
                        duplicate: None,
                        reorder: None,
                    }),
                    None => settings.latency_ms = *latency_ms,
                }
            }
        }
        self.kernel.network_mut().update(|s| *s = settings);
    }

    /// `p`'s clock runs at (1 + rate) from now: its pending timers move with it.
    fn set_drift(&mut self, p: u32, rate: f64) {
        let now = self.kernel.now();
        let Some(me) = self.proc(p).filter(|x| x.crashed_at.is_none()) else { return };
        me.clock.set_drift(now, rate);
        me.drift = rate;
        me.min_rate = me.min_rate.min(1.0 + rate);
        me.tick_token += 1;
        let tick = (me.next_tick_local, me.tick_token);
        let checks: Vec<(u32, u64, u64)> = me
            .watch
            .iter_mut()
            .map(|(&q, w)| {
                w.token += 1;
                (q, w.deadline_local, w.token)
            })
            .collect();
        self.at_local(p, tick.0, Timer::Tick { process: p, token: tick.1 });
        for (q, deadline, token) in checks {
            self.at_local(p, deadline, Timer::Check { monitor: p, process: q, token });
        }
    }

    fn on_fault(&mut self, index: usize) -> bool {
        let Some(f) = self.scenario.faults.get(index).cloned() else { return false };
        let now = self.kernel.now();
        self.kernel.begin_event(CODE_FAULT, index as u64, 0);
        match f.kind {
            FaultKind::Crash(p) => self.crash(p),
            FaultKind::Pause { process, for_ms } => {
                if let Some(me) = self.proc(process).filter(|x| x.crashed_at.is_none() && !x.paused) {
                    me.paused = true;
                    me.pauses.push((now, None));
                    let end = now + ms_to_us(for_ms).max(1);
                    self.kernel.schedule(end, Pending::Wake(Timer::FaultEnd { index }));
                }
            }
            FaultKind::Latency { for_ms, .. } => {
                self.spikes.insert(index);
                self.apply_spikes();
                if let Some(d) = for_ms {
                    self.kernel.schedule(now + ms_to_us(d).max(1), Pending::Wake(Timer::FaultEnd { index }));
                }
            }
            FaultKind::Drift { process, rate } => self.set_drift(process, rate),
        }
        self.fold_all();
        true
    }

    fn on_fault_end(&mut self, index: usize) -> bool {
        let Some(f) = self.scenario.faults.get(index).cloned() else { return false };
        self.kernel.begin_event(CODE_FAULT_END, index as u64, 0);
        match f.kind {
            FaultKind::Pause { process, .. } => self.resume(process),
            FaultKind::Latency { .. } => {
                self.spikes.remove(&index);
                self.apply_spikes();
            }
            FaultKind::Crash(_) | FaultKind::Drift { .. } => {}
        }
        true
    }

    /// Fold what process `p`'s event left it with: whom it suspects, and its timeouts.
    fn fold(&mut self, p: u32) {
        let Some(me) = self.procs.get((p as usize).wrapping_sub(1)) else { return };
        let suspects = me.watch.iter().filter(|(_, w)| w.suspected.is_some()).fold(0u64, |acc, (&q, _)| acc | 1 << q);
        let timeouts: u64 = me.watch.values().map(|w| w.timeout_us).sum();
        self.kernel.hash_mut().words().word(p as u64).word(suspects).word(timeouts);
    }

    fn fold_all(&mut self) {
        for p in 1..=self.scenario.processes {
            self.fold(p);
        }
    }

    /// Every (monitor, process) pair as the checks see it.
    fn pairs(&self) -> Vec<Pair> {
        let beat = self.scenario.heartbeat_ms;
        let crashed: Vec<u32> =
            (1..=self.scenario.processes).filter(|&p| self.procs[p as usize - 1].crashed_at.is_some()).collect();
        // Messages from crashed processes still on their way (completeness waits for them).
        let on_way: BTreeSet<(u32, u32)> = if crashed.is_empty() {
            BTreeSet::new()
        } else {
            self.kernel
                .in_flight()
                .filter(|f| f.lost.is_none())
                .filter_map(|f| match (f.from, f.to) {
                    (Endpoint::Node(a), Endpoint::Node(b)) if crashed.contains(&a) => Some((a, b)),
                    _ => None,
                })
                .collect()
        };
        let mut out = Vec::new();
        for (i, me) in self.procs.iter().enumerate() {
            let m = i as u32 + 1;
            for (&q, w) in &me.watch {
                let crashed_at = self.procs[q as usize - 1].crashed_at;
                let quiet = crashed_at.unwrap_or(0).max(w.last_heard).max(me.last_resume);
                out.push(Pair {
                    monitor: m,
                    process: q,
                    monitor_correct: me.crashed_at.is_none(),
                    monitor_paused: me.paused,
                    crashed_at_ms: crashed_at.map(Self::ms),
                    suspected: w.suspected.is_some(),
                    quiet_since_ms: Self::ms(quiet),
                    in_flight: on_way.contains(&(q, m)),
                    bound_ms: Self::ms(w.timeout_us) / me.min_rate + beat + 1.0,
                });
            }
        }
        out
    }

    /// The accuracy and completeness figures of the whole run, suspicions still open counted
    /// to its end.
    pub fn metrics(&self) -> Metrics {
        self.metrics_until(self.kernel.now().max(self.end_us()))
    }

    /// The figures so far, suspicions still open counted to `end`.
    pub fn metrics_until(&self, end: u64) -> Metrics {
        let mut wrong = self.wrong_us;
        let mut times = Vec::new();
        let mut undetected = 0;
        for d in self.detections() {
            match d.detection_ms {
                Some(t) => times.push(t),
                None => undetected += 1,
            }
        }
        for me in &self.procs {
            for w in me.watch.values() {
                if let Some(o) = w.suspected.filter(|o| o.false_suspicion) {
                    wrong += end.saturating_sub(o.since);
                }
            }
        }
        let detected = times.len() as u32;
        Metrics {
            false_suspicions: self.false_count,
            wrongly_suspected_ms: Self::ms(wrong),
            false_by_cause: self.false_by_cause.clone(),
            detected,
            undetected,
            detection_mean_ms: (detected > 0).then(|| times.iter().sum::<f64>() / detected as f64),
            detection_max_ms: times.iter().copied().reduce(f64::max),
        }
    }

    /// For every crashed process and every monitor still correct: its detection time.
    pub fn detections(&self) -> Vec<Detection> {
        let mut out = Vec::new();
        for (j, dead) in self.procs.iter().enumerate() {
            let Some(crashed) = dead.crashed_at else { continue };
            let q = j as u32 + 1;
            for (i, me) in self.procs.iter().enumerate() {
                if i == j || me.crashed_at.is_some() {
                    continue;
                }
                let since = me.watch.get(&q).and_then(|w| w.suspected).map(|o| o.since.max(crashed));
                out.push(Detection {
                    monitor: i as u32 + 1,
                    process: q,
                    crashed_at_ms: Self::ms(crashed),
                    suspected_at_ms: since.map(Self::ms),
                    detection_ms: since.map(|s| Self::ms(s - crashed)),
                });
            }
        }
        out
    }

    pub fn report(&self) -> FdReport {
        let s = &self.scenario;
        let end = self.kernel.now().max(self.end_us());
        FdReport {
            protocol: crate::scenario::protocol::FAILURE_DETECTOR,
            scenario: s.name.clone(),
            seed: s.seed,
            heartbeat_ms: s.heartbeat_ms,
            timeout_ms: s.timeout_ms,
            adaptive: s.adaptive,
            processes: self
                .procs
                .iter()
                .enumerate()
                .map(|(i, x)| ProcessReport {
                    process: i as u32 + 1,
                    crashed_at_ms: x.crashed_at.map(Self::ms),
                    paused_ms: Self::ms(x.pauses.iter().map(|&(a, b)| b.unwrap_or(end).saturating_sub(a)).sum()),
                    drift: x.drift,
                    heartbeats_sent: x.seq,
                    suspects: x.watch.iter().filter(|(_, w)| w.suspected.is_some()).map(|(&q, _)| q).collect(),
                    timeouts_ms: x.watch.iter().map(|(&q, w)| (q, Self::ms(w.timeout_us))).collect(),
                })
                .collect(),
            suspicions: self.suspicions.clone(),
            unlisted: self.unlisted,
            detections: self.detections(),
            metrics: self.metrics(),
            checked: PROPERTIES.to_vec(),
            violations: self.violations.clone(),
            events: self.kernel.events(),
            end_ms: Self::ms(end),
            trace_hash: self.kernel.hash().hex(),
        }
    }
}

pub fn run(s: &FdScenario) -> FdReport {
    let mut sim = Detector::new(s);
    sim.run();
    sim.report()
}

impl Host for Detector {
    type Message = Heartbeat;
    type Timer = Timer;

    fn kernel(&self) -> &Kernel<Heartbeat, Timer> {
        &self.kernel
    }
    fn kernel_mut(&mut self) -> &mut Kernel<Heartbeat, Timer> {
        &mut self.kernel
    }

    /// The run is over once nothing is due by its end (heartbeats still on their way then, and
    /// a pause that outlasts the run, are left), so every caller of the engine's loop, the
    /// page's generic run included, stops at the same event.
    fn halted(&self) -> bool {
        let end = self.end_us();
        self.kernel.next_due().is_none_or(|t| t > end)
    }

    fn reception(&self, node: u32) -> Option<Reception> {
        let p = self.procs.get((node as usize).checked_sub(1)?)?;
        Some(if p.crashed_at.is_some() {
            Reception::Down
        } else if p.paused {
            Reception::Paused
        } else {
            Reception::Up(Probability::NEVER)
        })
    }

    /// A paused process holds what reaches it until it resumes ([`Detector::resume`]).
    fn defer(&mut self, node: u32, event: Pending<Timer>) {
        if let Some(p) = self.proc(node) {
            p.deferred.push(event);
        }
    }

    fn on_message(&mut self, m: Envelope, _payload: Heartbeat) {
        if let (Endpoint::Node(from), Endpoint::Node(to)) = (m.from, m.to) {
            self.on_heartbeat(from, to);
            self.fold(to);
        }
    }

    fn on_lost(&mut self, m: &InFlight<Heartbeat>, cause: LossCause) {
        let now = self.kernel.now();
        if cause == LossCause::ReceiverDown {
            return;
        }
        if let (Endpoint::Node(from), Endpoint::Node(to)) = (m.from, m.to) {
            if let Some(w) = self.proc(to).and_then(|x| x.watch.get_mut(&from)) {
                w.last_lost = Some(now);
            }
        }
    }

    fn on_timer(&mut self, timer: Timer) -> bool {
        match timer {
            Timer::Tick { process, token } => self.on_tick(process, token),
            Timer::Check { monitor, process, token } => {
                let counted = self.on_check(monitor, process, token);
                if counted {
                    self.fold(monitor);
                }
                counted
            }
            Timer::Fault { index } => self.on_fault(index),
            Timer::FaultEnd { index } => self.on_fault_end(index),
        }
    }

    /// The checks after every counted event.
    fn event_done(&mut self) {
        // Each property is reported once: when all have broken, there is nothing left to check.
        if self.violations.len() == PROPERTIES.len() {
            return;
        }
        let now_ms = Self::ms(self.kernel.now());
        let broken = checks::check(now_ms, &self.pairs(), self.scenario.accuracy_from_ms);
        for (property, detail) in broken {
            if !self.violations.iter().any(|v| v.property == property) {
                let event = self.kernel.events();
                self.violations.push(FdViolation { property, detail, at_ms: now_ms, event });
            }
        }
    }
}
