//! The hunt's coordinator: "Find a bug with these settings" runs the campaign `raftsim check`
//! runs, with the page's Break Raft rules, in Web Workers (hunt_pool.rs, web/hunt/worker.js).
//! This hands the seeds out in order, a small batch to each idle worker, and counts what comes
//! back; when a batch reports a failure, no more seeds are handed out and the batches below it
//! finish, so the reported seed is the lowest failing one, exactly as `campaign::run`'s threads
//! report it. Then the failure is shrunk (in a worker: never on the page's thread) and the
//! shrunk run is opened in the player, paused at the violation.
//!
//! No browser API here: workers are spawned, sent jobs and terminated through [`Effect`]s, and
//! their answers come back as [`HuntAction`]s, so the whole protocol is tested natively
//! (store/hunt_tests.rs) with the JSON a worker sends.
use super::{Action, Effect, Store, TOUR_REPLAY_EVENTS};
use crate::hunt_wire::{self, BatchOptions, BatchReply, CampaignFlags, Found, ShrinkReply};
use crate::text::tf;
use raft_sim::Property;
use std::collections::{BTreeMap, VecDeque};

/// The budget `scripts/test.sh` gives each campaign: the page's default.
pub const DEFAULT_SEEDS: u64 = 20_000;
/// Seeds per batch: small, so a failure stops the hunt soon and the progress moves often; a
/// seed takes milliseconds, far more than a message to a worker.
pub const BATCH: u64 = 8;
/// Batches queued at each worker: while it runs one, the next waits in its queue, so it never
/// idles while the page's thread (busy drawing) handles its answer.
pub const PIPELINE: usize = 2;
/// The most seeds one hunt may be given.
pub const MAX_SEEDS: u64 = 10_000_000;
/// The most workers, whatever the browser reports.
pub const MAX_WORKERS: usize = 64;

/// The hunt's actions: its panel's fields and buttons, and the workers' answers.
#[derive(Clone, Debug, PartialEq)]
pub enum HuntAction {
    /// The cluster size every seed uses (`--nodes`); None: drawn per seed (3 to 7).
    SetNodes(Option<u32>),
    SetMembership(bool),
    SetLeaseWindow(bool),
    /// The seeds field's text.
    SetSeeds(String),
    Start,
    Stop,
    /// A worker's answer to its batch, or why it failed; `serial` names the hunt.
    Batch {
        serial: u64,
        worker: usize,
        reply: Result<BatchReply, String>,
    },
    /// The shrinking worker's answer.
    Shrunk {
        serial: u64,
        reply: Result<ShrinkReply, String>,
    },
    /// A worker could not start or crashed.
    WorkerFailed {
        serial: u64,
        message: String,
    },
}

/// A job for a worker.
#[derive(Clone, Debug, PartialEq)]
pub enum HuntJob {
    Batch(BatchOptions),
    Shrink { scenario: serde_json::Value, max_attempts: u64 },
}

/// Where a hunt is.
#[derive(Clone, Debug, PartialEq)]
pub enum Phase {
    Idle,
    Running,
    /// A seed failed: the batches below it finish.
    Settling,
    Shrinking(Found),
    /// The shrunk run is open in the player.
    Found {
        found: Found,
        shrunk: Box<ShrinkReply>,
    },
    /// The whole budget ran and nothing broke.
    Nothing,
    Stopped,
    /// A seed went past the campaigns' event budget (and none below it failed).
    Runaway(u64),
    Failed(String),
}

/// The panel's fields.
#[derive(Clone, Debug, PartialEq)]
pub struct HuntFields {
    pub nodes: Option<u32>,
    pub membership: bool,
    pub lease_window: bool,
    pub seeds: String,
}

impl Default for HuntFields {
    fn default() -> Self {
        HuntFields { nodes: None, membership: false, lease_window: false, seeds: DEFAULT_SEEDS.to_string() }
    }
}

/// A hunt: what it runs and how far it got.
#[derive(Clone, Debug, PartialEq)]
pub struct Hunt {
    pub fields: HuntFields,
    /// What is wrong with the fields (named), after Start refused them.
    pub field_error: Option<String>,
    /// Workers to run: the browser's core count (at least 1), or `?hunt-workers=N`.
    pub workers: usize,
    /// Counts the hunts started: a worker's answer for another hunt is ignored.
    pub serial: u64,
    /// The campaign the hunt runs and its seeds.
    pub flags: CampaignFlags,
    pub budget: u64,
    pub phase: Phase,
    /// The next seed to hand out.
    next: u64,
    /// Each busy worker's batches (first seed, count), in the order it runs them.
    in_flight: BTreeMap<usize, VecDeque<(u64, u64)>>,
    pub seeds_done: u64,
    pub events: u64,
    /// Real ms (the store's clock) when it started, and at the last answer.
    pub started_ms: f64,
    pub last_ms: f64,
    /// Real ms from the start to the failure settled, and the shrink's.
    pub find_ms: Option<f64>,
    pub shrink_ms: Option<f64>,
    /// The run (`Store::run_serial`) the counterexample was opened as: its share link is
    /// offered while that run is open.
    pub opened_run: Option<u64>,
    /// The lowest failing seed so far, and the lowest runaway.
    found: Option<Found>,
    runaway: Option<u64>,
}

impl Default for Hunt {
    fn default() -> Self {
        Hunt {
            fields: HuntFields::default(),
            field_error: None,
            workers: 1,
            serial: 0,
            flags: CampaignFlags::default(),
            budget: DEFAULT_SEEDS,
            phase: Phase::Idle,
            next: 0,
            in_flight: BTreeMap::new(),
            seeds_done: 0,
            events: 0,
            started_ms: 0.0,
            last_ms: 0.0,
            find_ms: None,
            shrink_ms: None,
            opened_run: None,
            found: None,
            runaway: None,
        }
    }
}

impl Hunt {
    /// Workers are at work (or shrinking).
    pub fn active(&self) -> bool {
        matches!(self.phase, Phase::Running | Phase::Settling | Phase::Shrinking(_))
    }

    /// The campaign's flags with the page's rules and the panel's fields.
    pub fn flags_with(&self, rules: &[raft_core::UnsafeRule]) -> CampaignFlags {
        CampaignFlags {
            rules: rules.iter().map(|r| r.name().to_string()).collect(),
            nodes: self.fields.nodes,
            membership: self.fields.membership,
            lease_window: self.fields.lease_window,
        }
    }

    /// The seeds field read, or what is wrong with it.
    pub fn seeds(&self) -> Result<u64, String> {
        let text = self.fields.seeds.trim();
        match text.parse::<u64>() {
            Ok(n) if (1..=MAX_SEEDS).contains(&n) => Ok(n),
            _ => Err(tf("hunt.bad-seeds", &[("text", text), ("max", &MAX_SEEDS.to_string())])),
        }
    }

    /// The lowest seed that stops the hunt (a failure or a runaway), if any.
    fn stopper(&self) -> Option<u64> {
        match (self.found.as_ref().map(|f| f.seed), self.runaway) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// The worker count the browser reports, as the hunt uses it: at least 1, at most
    /// [`MAX_WORKERS`]; `forced` (`?hunt-workers=N`, for tests) wins.
    pub fn worker_count(reported: f64, forced: Option<&str>) -> usize {
        let forced = forced.and_then(|f| f.trim().parse::<usize>().ok()).filter(|&n| n >= 1);
        let reported = if reported.is_finite() && reported >= 1.0 { reported as usize } else { 1 };
        forced.unwrap_or(reported).clamp(1, MAX_WORKERS)
    }
}

impl Store {
    pub(super) fn hunt_action(&mut self, action: HuntAction) {
        match action {
            HuntAction::SetNodes(n) => {
                self.hunt.fields.nodes = n.filter(|n| (1..=raft_sim::scenario::MAX_NODES).contains(n))
            }
            HuntAction::SetMembership(on) => self.hunt.fields.membership = on,
            HuntAction::SetLeaseWindow(on) => self.hunt.fields.lease_window = on,
            HuntAction::SetSeeds(text) => {
                self.hunt.fields.seeds = text;
                self.hunt.field_error = None;
            }
            HuntAction::Start => self.start_hunt(),
            HuntAction::Stop => {
                if self.hunt.active() {
                    self.effects.push(Effect::HuntTerminate);
                    self.hunt.serial += 1;
                    self.hunt.in_flight.clear();
                    self.hunt.last_ms = (self.clock)();
                    self.hunt.phase = Phase::Stopped;
                }
            }
            HuntAction::Batch { serial, worker, reply } if serial == self.hunt.serial => self.batch_done(worker, reply),
            HuntAction::Shrunk { serial, reply } if serial == self.hunt.serial => self.shrunk(reply),
            HuntAction::WorkerFailed { serial, message } if serial == self.hunt.serial && self.hunt.active() => {
                self.hunt_failed(message)
            }
            // An answer from a hunt that was stopped or replaced.
            HuntAction::Batch { .. } | HuntAction::Shrunk { .. } | HuntAction::WorkerFailed { .. } => {}
        }
    }

    fn start_hunt(&mut self) {
        if self.hunt.active() {
            return;
        }
        let budget = match self.hunt.seeds() {
            Ok(n) => n,
            Err(e) => {
                self.hunt.field_error = Some(e);
                return;
            }
        };
        let now = (self.clock)();
        let h = &mut self.hunt;
        h.field_error = None;
        h.serial += 1;
        h.flags = h.flags_with(&self.scenario.raft.unsafe_rules);
        h.budget = budget;
        h.phase = Phase::Running;
        h.next = 0;
        h.in_flight.clear();
        (h.seeds_done, h.events) = (0, 0);
        (h.started_ms, h.last_ms, h.find_ms, h.shrink_ms) = (now, now, None, None);
        (h.found, h.runaway, h.opened_run) = (None, None, None);
        let (serial, workers) = (h.serial, h.workers.clamp(1, MAX_WORKERS));
        self.effects.push(Effect::HuntSpawn { serial, workers });
        for _ in 0..PIPELINE {
            for worker in 0..workers {
                self.hand_out(worker);
            }
        }
    }

    /// Give `worker` the next batch, if the hunt is still handing seeds out.
    fn hand_out(&mut self, worker: usize) {
        let h = &mut self.hunt;
        if h.phase != Phase::Running || h.next >= h.budget {
            return;
        }
        let count = BATCH.min(h.budget - h.next);
        h.in_flight.entry(worker).or_default().push_back((h.next, count));
        let job = HuntJob::Batch(BatchOptions::new(&h.flags, h.next, count));
        h.next += count;
        self.effects.push(Effect::HuntSend { serial: h.serial, worker, job });
    }

    fn batch_done(&mut self, worker: usize, reply: Result<BatchReply, String>) {
        let reply = match reply {
            Ok(r) => r,
            Err(e) => return self.hunt_failed(e),
        };
        let now = (self.clock)();
        let h = &mut self.hunt;
        // The batch the answer names, among those this worker was sent.
        let Some(queue) = h.in_flight.get_mut(&worker) else { return };
        let Some(at) = queue.iter().position(|&b| b == (reply.first, reply.count)) else {
            return; // not a batch this hunt is waiting for
        };
        queue.remove(at);
        h.seeds_done += reply.seeds_run;
        h.events += reply.events;
        h.last_ms = now;
        if let Some(f) = reply.failure {
            if h.found.as_ref().is_none_or(|old| f.seed < old.seed) {
                h.found = Some(f);
            }
        }
        if let Some(seed) = reply.runaway_seed {
            h.runaway = Some(h.runaway.map_or(seed, |old| old.min(seed)));
        }
        if h.phase == Phase::Running && h.stopper().is_some() {
            h.phase = Phase::Settling;
        }
        match h.phase {
            Phase::Running => {
                self.hand_out(worker);
                if self.hunt.in_flight.values().all(VecDeque::is_empty) {
                    self.effects.push(Effect::HuntTerminate);
                    self.hunt.phase = Phase::Nothing;
                }
            }
            Phase::Settling => self.settle_hunt(),
            _ => {}
        }
    }

    /// Once no batch below the lowest failing seed is still running: shrink the failure (or
    /// report the runaway).
    fn settle_hunt(&mut self) {
        let h = &mut self.hunt;
        let Some(stopper) = h.stopper() else { return };
        if h.in_flight.values().flatten().any(|&(first, _)| first < stopper) {
            return;
        }
        h.in_flight.clear();
        self.effects.push(Effect::HuntTerminate);
        h.find_ms = Some(h.last_ms - h.started_ms);
        match h.found.clone() {
            Some(found) => {
                let serial = h.serial;
                let scenario = found.scenario.clone();
                h.phase = Phase::Shrinking(found);
                let max_attempts = raft_sim::campaign::shrink::ShrinkConfig::default().max_attempts;
                self.effects.push(Effect::HuntSpawn { serial, workers: 1 });
                self.effects.push(Effect::HuntSend {
                    serial,
                    worker: 0,
                    job: HuntJob::Shrink { scenario, max_attempts },
                });
            }
            None => h.phase = Phase::Runaway(stopper),
        }
    }

    fn shrunk(&mut self, reply: Result<ShrinkReply, String>) {
        let Phase::Shrinking(found) = self.hunt.phase.clone() else { return };
        self.effects.push(Effect::HuntTerminate);
        let now = (self.clock)();
        self.hunt.shrink_ms = Some(now - self.hunt.last_ms);
        let shrunk = match reply.and_then(|r| hunt_wire::scenario_of(&r.scenario).map(|s| (r, s))) {
            Ok(shrunk) => shrunk,
            Err(e) => return self.hunt_failed(e),
        };
        let (reply, scenario) = shrunk;
        self.open_counterexample(scenario, &reply);
        self.hunt.opened_run = self.session.is_some().then_some(self.run_serial);
        // The player: the stage (beside it on a wide screen, the event log and the monitor).
        self.effects.push(Effect::Reveal("[data-testid=\"stage\"]"));
        self.hunt.phase = Phase::Found { found, shrunk: Box::new(reply) };
    }

    /// Open the shrunk scenario in the player, paused at its violation (for a history that is
    /// not linearizable: at its end, with the history checked, which marks the operations).
    fn open_counterexample(&mut self, scenario: raft_sim::Scenario, reply: &ShrinkReply) {
        let linearizability = reply.property == Property::Linearizability.name();
        let end = raft_sim::scenario::ms_to_us(scenario.duration_ms);
        self.load(scenario);
        if self.session.is_none() {
            return;
        }
        self.playing = true;
        let target = if linearizability { end } else { reply.time_us.saturating_add(1) };
        self.play_within(target, TOUR_REPLAY_EVENTS);
        self.playing = false;
        if linearizability {
            self.apply(Action::CheckLinearizability);
        }
    }

    fn hunt_failed(&mut self, message: String) {
        self.effects.push(Effect::HuntTerminate);
        self.hunt.in_flight.clear();
        self.hunt.serial += 1;
        self.hunt.phase = Phase::Failed(message);
    }
}
