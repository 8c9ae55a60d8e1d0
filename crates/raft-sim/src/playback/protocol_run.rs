//! A run of any protocol other than Raft, held without naming the protocol: what the page plays
//! and `raftsim run --at` prints. It wraps the protocol's host ([`View`]) and watches it after
//! every event, as Raft's `Session` does with its observers:
//!
//! - the space-time diagram's record ([`SpaceTime`]): each message sent, received or lost,
//!   each node's new badge, crash and pause, with Lamport and vector clocks, for every protocol
//!   alike (the host does nothing for it);
//! - time travel: going back re-runs the scenario from the start to the moment wanted. The
//!   course's protocols run thousands of events, not millions, so this costs milliseconds and
//!   needs no checkpoints; one seed gives the same run every time.
//!
//! Watching changes nothing in the run: the host is stepped exactly as a bare run steps it,
//! so the trace hash is the one `raftsim run` prints.
use crate::engine::kernel;
use crate::engine::network::{Endpoint, LossCause};
use crate::playback::protocol_table;
use crate::playback::spacetime::{Local, Moment, SpaceTime};
use crate::protocols::view::{self, Picture, Status, View};
use crate::scenario::format::ScenarioError;
use raft_core::{Micros, NodeId};
use std::collections::BTreeMap;

/// A run stops after this many events even if its protocol would go on: the page's memory and
/// time stay bounded whatever a scenario asks (the course's runs take a few thousand).
pub const MAX_RUN_EVENTS: u64 = 2_000_000;

/// A protocol's run, as the page and the CLI hold it.
pub trait ProtocolRun {
    fn protocol(&self) -> &'static str;
    fn scenario_name(&self) -> &str;
    fn now_us(&self) -> Micros;
    /// When the whole run is over (its last event, found by a bare run when it was opened).
    fn end_us(&self) -> Micros;
    /// Events so far, and in the whole run.
    fn events(&self) -> u64;
    fn total_events(&self) -> u64;
    /// Process the next event; false at the end.
    fn step(&mut self) -> bool;
    /// Process every event due by `t` (at most `max_events` of them), then stand at `t`
    /// (clamped to the run's end). True if events due by `t` remain.
    fn run_until(&mut self, t: Micros, max_events: u64) -> bool;
    /// Go to right after event `n` (0: the start), forward or back.
    fn seek_event(&mut self, n: u64);
    /// Go to time `t`, forward or back.
    fn seek_time(&mut self, t: Micros);
    fn picture(&self) -> Picture;
    fn spacetime(&self) -> &SpaceTime;
    /// The diagram's lanes: lane i + 1 is this endpoint (nodes, then clients).
    fn lanes(&self) -> &[Endpoint];
    fn trace_hash(&self) -> u64;
}

/// Open a scenario of another protocol from its text (a file, a link, a fetched built-in).
/// A Raft scenario is refused: it runs in `Session`.
pub fn open(text: &str) -> Result<Box<dyn ProtocolRun>, ScenarioError> {
    Ok(protocol_table::read(text)?.watch())
}

/// A built-in of another protocol, by name (the embedded catalogue).
pub fn open_builtin(name: &str) -> Option<Box<dyn ProtocolRun>> {
    protocol_table::builtin(name).map(|s| s.watch())
}

/// `scenario`'s run, watched.
pub(crate) fn watch<H: View + 'static>(scenario: H::Scenario) -> Box<dyn ProtocolRun> {
    Box::new(Watched::<H>::new(scenario))
}

/// `scenario`'s run to its end (at most [`MAX_RUN_EVENTS`] events) with nothing watching, and
/// its end: the last counted event's time (a stale wake-up popped after it, a client's retry
/// whose answer came, moves the kernel's clock but is no event).
pub(crate) fn bare<H: View>(scenario: &H::Scenario) -> (H, Micros) {
    let mut host = H::open(scenario);
    let (mut counted, mut end_us) = (0, 0);
    while counted < MAX_RUN_EVENTS && kernel::step_until(&mut host, u64::MAX) {
        counted += 1;
        end_us = host.kernel().now();
    }
    (host, end_us)
}

/// A host and what watches it.
struct Watched<H: View> {
    scenario: H::Scenario,
    host: H,
    record: SpaceTime,
    lanes: Vec<Endpoint>,
    end_us: Micros,
    total_events: u64,
    /// Messages in flight after the last event: id → (from lane, to lane, lost on the way).
    flying: BTreeMap<u64, Flying>,
    /// The highest message id seen: anything above it is new.
    last_id: Option<u64>,
    /// Each lane's badge and status after the last event.
    seen: Vec<(Option<&'static str>, Status)>,
}

#[derive(Clone, Copy)]
struct Flying {
    to: Endpoint,
    lost: Option<LossCause>,
}

impl<H: View> Watched<H> {
    fn new(scenario: H::Scenario) -> Watched<H> {
        // A bare run first, to know where the run ends (the time bar's length).
        let (bare, end_us) = bare::<H>(&scenario);
        let total_events = bare.kernel().events();
        drop(bare);
        let host = H::open(&scenario);
        let nodes = host.nodes();
        let lanes: Vec<Endpoint> = nodes.iter().map(|n| n.at).collect();
        let seen = nodes.iter().map(|n| (n.badge, n.status)).collect();
        let record = SpaceTime::blank(lanes.len() as u32);
        Watched { scenario, host, record, lanes, end_us, total_events, flying: BTreeMap::new(), last_id: None, seen }
    }

    fn restart(&mut self) {
        self.host = H::open(&self.scenario);
        self.record = SpaceTime::blank(self.lanes.len() as u32);
        self.flying.clear();
        self.last_id = None;
        self.seen = self.host.nodes().iter().map(|n| (n.badge, n.status)).collect();
    }

    fn lane(&self, e: Endpoint) -> Option<NodeId> {
        self.lanes.iter().position(|&l| l == e).map(|i| i as NodeId + 1)
    }

    /// One event, then what it did, in causal order: the message it delivered (or that died),
    /// the badges it changed, the messages it sent, and a crash or pause last (a process that
    /// crashes in the middle of a multicast has sent before it stops).
    fn advance(&mut self, limit: Micros) -> bool {
        // The bare run stopped here: its end, or the event cap.
        if self.host.kernel().events() >= self.total_events {
            return false;
        }
        if !kernel::step_until(&mut self.host, limit) {
            return false;
        }
        let at = Moment { time_us: self.host.kernel().now(), events: self.host.kernel().events() };
        let now: BTreeMap<u64, (Endpoint, Endpoint, Option<LossCause>, &'static str)> = self
            .host
            .kernel()
            .in_flight()
            .filter(|m| !m.held)
            .map(|m| (m.id, (m.from, m.to, m.lost, H::words(&m.payload).0)))
            .collect();
        // What ended: delivered, unless it was lost on the way or its receiver could not take it.
        let ended: Vec<(u64, Flying)> =
            self.flying.iter().filter(|(id, _)| !now.contains_key(id)).map(|(&id, &f)| (id, f)).collect();
        for (id, f) in ended {
            self.flying.remove(&id);
            let down =
                self.lane(f.to).and_then(|l| self.seen.get(l as usize - 1)).is_some_and(|s| s.1 == Status::Crashed);
            match (f.lost, down) {
                (Some(cause), _) => self.record.note_lost(at, id, cause),
                (None, true) => self.record.note_lost(at, id, LossCause::ReceiverDown),
                (None, false) => self.record.note_arrived(at, id),
            }
        }
        let nodes = self.host.nodes();
        for (i, n) in nodes.iter().enumerate() {
            let lane = i as NodeId + 1;
            if let Some(before) = self.seen.get(i).copied() {
                if n.badge != before.0 && n.status != Status::Crashed {
                    if let Some(badge) = n.badge {
                        self.record.note_local(at, lane, Local::Became { badge });
                    }
                }
            }
        }
        let last = self.last_id;
        for (&id, &(from, to, lost, kind)) in now.iter().filter(|(&id, _)| last.is_none_or(|l| id > l)) {
            if let (Some(a), Some(b)) = (self.lane(from), self.lane(to)) {
                self.record.note_sent(at, id, a, b, kind, lost);
            }
            self.flying.insert(id, Flying { to, lost });
            self.last_id = Some(self.last_id.map_or(id, |l| l.max(id)));
        }
        for (i, n) in nodes.iter().enumerate() {
            let lane = i as NodeId + 1;
            let before = self.seen.get(i).map(|s| s.1);
            match (before, n.status) {
                (Some(Status::Up | Status::Paused), Status::Crashed) => self.record.note_local(at, lane, Local::Crash),
                (Some(Status::Up), Status::Paused) => self.record.note_local(at, lane, Local::Paused),
                (Some(Status::Paused), Status::Up) => self.record.note_local(at, lane, Local::Resumed),
                (Some(Status::Crashed), Status::Up) => self.record.note_local(at, lane, Local::Restart),
                _ => {}
            }
        }
        self.seen = nodes.iter().map(|n| (n.badge, n.status)).collect();
        true
    }
}

impl<H: View> ProtocolRun for Watched<H> {
    fn protocol(&self) -> &'static str {
        H::PROTOCOL
    }

    fn scenario_name(&self) -> &str {
        self.host.scenario_name()
    }

    fn now_us(&self) -> Micros {
        self.host.kernel().now()
    }

    fn end_us(&self) -> Micros {
        self.end_us
    }

    fn events(&self) -> u64 {
        self.host.kernel().events()
    }

    fn total_events(&self) -> u64 {
        self.total_events
    }

    fn step(&mut self) -> bool {
        self.advance(u64::MAX)
    }

    fn run_until(&mut self, t: Micros, max_events: u64) -> bool {
        let t = t.min(self.end_us);
        for _ in 0..max_events {
            if !self.advance(t) {
                if self.host.kernel().now() < t {
                    self.host.kernel_mut().advance_to(t);
                }
                return false;
            }
        }
        true
    }

    fn seek_event(&mut self, n: u64) {
        if n < self.events() {
            self.restart();
        }
        while self.events() < n.min(self.total_events) && self.advance(u64::MAX) {}
    }

    fn seek_time(&mut self, t: Micros) {
        if t < self.now_us() {
            self.restart();
        }
        while self.run_until(t, 100_000) {}
    }

    fn picture(&self) -> Picture {
        view::picture(&self.host, self.end_us)
    }

    fn spacetime(&self) -> &SpaceTime {
        &self.record
    }

    fn lanes(&self) -> &[Endpoint] {
        &self.lanes
    }

    fn trace_hash(&self) -> u64 {
        self.host.kernel().hash().value()
    }
}

#[cfg(test)]
mod tests;
