//! The run as a space-time diagram: per server, the events that happened on it (it sent a
//! message, received one, or something happened locally: a timeout, an election, a commit, a
//! crash, a restart), each with its Lamport timestamp and vector clock, and the messages that
//! were lost on the way.
//!
//! The clocks follow the rules of the course notes (CS351, "Logical Clocks"):
//! - every event on a server adds 1 to its Lamport clock; a message carries the clock of its
//!   send event, and a receive event takes `max(own, carried) + 1`;
//! - every event on server i adds 1 to entry i of its vector clock; a message carries the
//!   vector of its send event, and a receive event first takes the entry-wise maximum of its
//!   own vector and the carried one.
//!
//! Then event a happened before event b (a → b: same server and earlier, or a send and its
//! receipt, or a chain of those) exactly when v(a) ≤ v(b) entry by entry and v(a) ≠ v(b); two
//! events are concurrent when neither happened before the other.
//!
//! Only servers are processes here: client requests and replies are outside the diagram.
//!
//! [`SpaceTime`] is an observer (engine/observe.rs): it watches the run without steering it
//! and is copied with every time-travel checkpoint, so at any moment of a session it holds
//! exactly what happened up to that moment. The engine tells it of each message sent, arrived
//! or lost as it happens (`Seen::Sent`, `Seen::Arrived`, `Seen::Lost`), and of each server's
//! step and crash, so its cost per event does not grow with the messages in flight. It keeps
//! the clocks from the run's start but only the most recent [`MAX_EVENTS`] events and
//! [`MAX_LOSSES`] losses, in shared chunks, and one small record per server-to-server message
//! in flight (fewer than the simulator's own, which its budget counts): a ten-minute run costs
//! a bounded amount of memory.
use crate::engine::network::{Endpoint, LossCause};
use crate::engine::observe::{NodeObservation, Observer, Retained, Seen, Wants};
use crate::engine::sim::{InFlight, Payload, Simulation};
use crate::scenario::format::MAX_NODES;
use raft_core::chunked::ChunkedVec;
use raft_core::{Index, Micros, NodeId, Role, Term};
use std::collections::BTreeMap;

/// Events kept (the oldest go first, 1,024 at a time).
pub const MAX_EVENTS: usize = 16_384;
/// Lost messages kept.
pub const MAX_LOSSES: usize = 4_096;
const TRIM: usize = 1_024;

/// A vector clock: one entry per server (S1 first).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VectorClock {
    len: u8,
    entries: [u32; MAX_NODES as usize],
}

impl VectorClock {
    fn zero(nodes: u32) -> VectorClock {
        VectorClock { len: nodes.min(MAX_NODES) as u8, entries: [0; MAX_NODES as usize] }
    }

    /// The entries, S1's first.
    pub fn entries(&self) -> &[u32] {
        &self.entries[..self.len as usize]
    }

    fn tick(&mut self, node: NodeId) {
        if let Some(e) = self.entries.get_mut(node as usize - 1) {
            *e = e.saturating_add(1);
        }
    }

    fn merge(&mut self, other: &VectorClock) {
        for (mine, theirs) in self.entries.iter_mut().zip(other.entries) {
            *mine = (*mine).max(theirs);
        }
    }

    /// ≤ in every entry.
    fn at_most(&self, other: &VectorClock) -> bool {
        self.entries().iter().zip(other.entries()).all(|(a, b)| a <= b)
    }

    /// How two events are ordered, read from their vectors.
    pub fn order(&self, other: &VectorClock) -> CausalOrder {
        match (self.at_most(other), other.at_most(self)) {
            (true, true) => CausalOrder::Same,
            (true, false) => CausalOrder::Before,
            (false, true) => CausalOrder::After,
            (false, false) => CausalOrder::Concurrent,
        }
    }
}

impl std::fmt::Display for VectorClock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "[")?;
        for (i, e) in self.entries().iter().enumerate() {
            if i > 0 {
                write!(f, ",")?;
            }
            write!(f, "{e}")?;
        }
        write!(f, "]")
    }
}

/// Event a compared with event b.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CausalOrder {
    /// a happened before b.
    Before,
    /// b happened before a.
    After,
    /// The same event.
    Same,
    /// Neither happened before the other.
    Concurrent,
}

/// Something that happened on one server by itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Local {
    /// Its election timer fired and it started an election (as a candidate, or asking first
    /// with PreVote).
    Timeout {
        term: Term,
        pre_vote: bool,
    },
    /// It started an election because a message told it to (a leadership transfer).
    Election {
        term: Term,
    },
    Leader {
        term: Term,
    },
    /// A leader or candidate became a follower.
    SteppedDown {
        term: Term,
    },
    /// Its commit index went up to `index`.
    Commit {
        index: Index,
    },
    Crash,
    Restart,
    /// Another protocol's node took on a new badge (`protocols::view::NodeView::badge`: a
    /// catalogue id such as "decided", "primary", "recorded").
    Became {
        badge: &'static str,
    },
    /// Another protocol's node was paused, or resumed.
    Paused,
    Resumed,
}

/// When an event happened: the virtual time and the simulator's event count right after it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Moment {
    pub time_us: Micros,
    pub events: u64,
}

impl Moment {
    fn of(sim: &Simulation) -> Moment {
        Moment { time_us: sim.now(), events: sim.events() }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Happening {
    Send {
        message: u64,
        to: NodeId,
        kind: &'static str,
    },
    /// `sent_events`: the simulator's event count right after the send (where the message
    /// can be inspected in flight).
    Receive {
        message: u64,
        from: NodeId,
        kind: &'static str,
        sent_us: Micros,
        sent_events: u64,
    },
    Local(Local),
}

/// One event on one server.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Event {
    /// Its place among all the run's events (0 first), kept or not.
    pub seq: u64,
    pub node: NodeId,
    pub time_us: Micros,
    /// The simulator's event count right after it: where to seek to see it.
    pub events: u64,
    pub what: Happening,
    pub lamport: u64,
    pub vector: VectorClock,
}

impl Event {
    pub fn order(&self, other: &Event) -> CausalOrder {
        if self.seq == other.seq {
            return CausalOrder::Same;
        }
        self.vector.order(&other.vector)
    }
}

/// A message between servers that never arrived.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Loss {
    pub message: u64,
    pub from: NodeId,
    pub to: NodeId,
    pub kind: &'static str,
    pub sent_us: Micros,
    /// The simulator's event count right after the send.
    pub sent_events: u64,
    /// When it died.
    pub at_us: Micros,
    pub cause: LossCause,
}

/// A message between servers still on its way (or held for a paused server).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pending {
    pub message: u64,
    pub from: NodeId,
    pub to: NodeId,
    pub kind: &'static str,
    pub sent_us: Micros,
    /// The event that sent it, to seek to while it is in flight.
    pub events: u64,
    /// What its send event's clocks were (the receipt merges them).
    lamport: u64,
    vector: VectorClock,
    /// Lost on the way (by the link, an omission or the operator): it will die, not arrive.
    pub lost: Option<LossCause>,
}

#[derive(Clone, Copy, Default)]
struct Known {
    role: Option<Role>,
    term: Term,
    commit: Index,
}

/// The observer: see the module's comment.
#[derive(Clone)]
pub struct SpaceTime {
    nodes: u32,
    events: ChunkedVec<Event>,
    /// How many events were dropped from the front.
    dropped_events: u64,
    losses: ChunkedVec<Loss>,
    dropped_losses: u64,
    /// Messages between servers in flight, by id.
    pending: BTreeMap<u64, Pending>,
    lamport: Vec<u64>,
    vectors: Vec<VectorClock>,
    known: Vec<Known>,
    /// The servers a message reached in the event under way (a step there that starts an
    /// election was told to, not timed out).
    arrived: Vec<NodeId>,
}

fn server(e: Endpoint) -> Option<NodeId> {
    match e {
        Endpoint::Node(n) => Some(n),
        Endpoint::Client(_) => None,
    }
}

impl SpaceTime {
    /// Start watching `sim` from where it is (normally before its first event).
    pub fn new(sim: &Simulation) -> SpaceTime {
        let nodes = sim.scenario().nodes.min(MAX_NODES);
        let known = (1..=nodes)
            .map(|id| match sim.node(id).and_then(|s| s.raft.as_ref()) {
                Some(r) => Known { role: Some(r.role()), term: r.current_term(), commit: r.commit_index() },
                None => Known::default(),
            })
            .collect();
        SpaceTime {
            nodes,
            events: ChunkedVec::new(),
            dropped_events: 0,
            losses: ChunkedVec::new(),
            dropped_losses: 0,
            pending: BTreeMap::new(),
            lamport: vec![0; nodes as usize],
            vectors: vec![VectorClock::zero(nodes); nodes as usize],
            known,
            arrived: Vec::new(),
        }
    }

    /// An empty record for `lanes` processes of a protocol other than Raft, which tells it of
    /// its events itself ([`SpaceTime::sent`], [`SpaceTime::arrived`], [`SpaceTime::lost`],
    /// [`SpaceTime::local`]; `playback::protocol_run` does, for every protocol).
    pub fn blank(lanes: u32) -> SpaceTime {
        let nodes = lanes.min(MAX_NODES);
        SpaceTime {
            nodes,
            events: ChunkedVec::new(),
            dropped_events: 0,
            losses: ChunkedVec::new(),
            dropped_losses: 0,
            pending: BTreeMap::new(),
            lamport: vec![0; nodes as usize],
            vectors: vec![VectorClock::zero(nodes); nodes as usize],
            known: vec![Known::default(); nodes as usize],
            arrived: Vec::new(),
        }
    }

    /// Lane `from` sent message `id` to lane `to` (a send event on `from`). `lost`: it will die.
    pub fn note_sent(
        &mut self,
        at: Moment,
        id: u64,
        from: NodeId,
        to: NodeId,
        kind: &'static str,
        lost: Option<LossCause>,
    ) {
        if !self.valid(from) || !self.valid(to) || self.pending.contains_key(&id) {
            return;
        }
        let (lamport, vector) = self.tick(at, from, Happening::Send { message: id, to, kind });
        let pending =
            Pending { message: id, from, to, kind, sent_us: at.time_us, events: at.events, lamport, vector, lost };
        self.pending.insert(id, pending);
    }

    /// Message `id` reached its receiver (a receive event there, merging the sender's clocks).
    pub fn note_arrived(&mut self, at: Moment, id: u64) {
        if let Some(m) = self.pending.remove(&id) {
            self.receive(at, &m);
        }
    }

    /// Message `id` died.
    pub fn note_lost(&mut self, at: Moment, id: u64, cause: LossCause) {
        if let Some(m) = self.pending.remove(&id) {
            self.lose(at, &m, cause);
        }
    }

    /// Something happened on lane `node` by itself.
    pub fn note_local(&mut self, at: Moment, node: NodeId, what: Local) {
        if self.valid(node) {
            self.tick(at, node, Happening::Local(what));
        }
    }

    pub fn nodes(&self) -> u32 {
        self.nodes
    }

    /// The events kept, oldest first.
    pub fn events(&self) -> &ChunkedVec<Event> {
        &self.events
    }

    /// How many of the run's events are no longer kept (the oldest).
    pub fn dropped_events(&self) -> u64 {
        self.dropped_events
    }

    /// The lost messages kept, in the order they died.
    pub fn losses(&self) -> &ChunkedVec<Loss> {
        &self.losses
    }

    pub fn dropped_losses(&self) -> u64 {
        self.dropped_losses
    }

    /// Messages between servers now in flight, by id.
    pub fn pending(&self) -> impl Iterator<Item = &Pending> + '_ {
        self.pending.values()
    }

    /// The event numbered `seq`, if kept.
    pub fn event(&self, seq: u64) -> Option<&Event> {
        seq.checked_sub(self.dropped_events).and_then(|i| self.events.get(i as usize))
    }

    /// The kept events from the first at or after `time_us`, oldest first.
    pub fn events_from(&self, time_us: Micros) -> impl Iterator<Item = &Event> + '_ {
        let start = self.events.partition_point(|e| e.time_us < time_us);
        self.events.iter_from(start)
    }

    /// The kept losses from the first at or after `time_us`.
    pub fn losses_from(&self, time_us: Micros) -> impl Iterator<Item = &Loss> + '_ {
        let start = self.losses.partition_point(|l| l.at_us < time_us);
        self.losses.iter_from(start)
    }

    /// The time of the oldest event kept, if some were dropped: before it the diagram is blank.
    pub fn kept_since_us(&self) -> Option<Micros> {
        (self.dropped_events > 0).then(|| self.events.get(0).map_or(0, |e| e.time_us))
    }

    /// Record an event on `node` with clocks already advanced.
    fn record(&mut self, at: Moment, node: NodeId, what: Happening) -> (u64, VectorClock) {
        let i = node as usize - 1;
        let (lamport, vector) = (self.lamport[i], self.vectors[i]);
        let seq = self.dropped_events + self.events.len() as u64;
        self.events.push(Event { seq, node, time_us: at.time_us, events: at.events, what, lamport, vector });
        if self.events.len() > MAX_EVENTS {
            self.events.remove_front(TRIM);
            self.dropped_events += TRIM as u64;
        }
        (lamport, vector)
    }

    /// A local event or a send on `node`: one tick.
    fn tick(&mut self, at: Moment, node: NodeId, what: Happening) -> (u64, VectorClock) {
        let i = node as usize - 1;
        self.lamport[i] += 1;
        self.vectors[i].tick(node);
        self.record(at, node, what)
    }

    fn receive(&mut self, at: Moment, m: &Pending) {
        let i = m.to as usize - 1;
        self.lamport[i] = self.lamport[i].max(m.lamport) + 1;
        self.vectors[i].merge(&m.vector);
        self.vectors[i].tick(m.to);
        let what = Happening::Receive {
            message: m.message,
            from: m.from,
            kind: m.kind,
            sent_us: m.sent_us,
            sent_events: m.events,
        };
        self.record(at, m.to, what);
    }

    fn lose(&mut self, at: Moment, m: &Pending, cause: LossCause) {
        self.losses.push(Loss {
            message: m.message,
            from: m.from,
            to: m.to,
            kind: m.kind,
            sent_us: m.sent_us,
            sent_events: m.events,
            at_us: at.time_us,
            cause,
        });
        if self.losses.len() > MAX_LOSSES {
            self.losses.remove_front(TRIM);
            self.dropped_losses += TRIM as u64;
        }
    }

    fn valid(&self, node: NodeId) -> bool {
        (1..=self.nodes).contains(&node)
    }

    /// A server's step: the local events it made (an election, a new leader, a step down, a
    /// commit, a restart), after what arrived and before what it sends.
    fn step(&mut self, sim: &Simulation, node: &NodeObservation<'_>) {
        if !self.valid(node.node) {
            return;
        }
        let i = node.node as usize - 1;
        let before = self.known[i];
        // At most two: a restart alone, or a role change and a commit.
        let mut marks: [Option<Local>; 2] = [None, None];
        let mut mark = |l: Local| {
            if let Some(slot) = marks.iter_mut().find(|m| m.is_none()) {
                *slot = Some(l);
            }
        };
        let (role, term) = (node.role, node.term);
        if node.restarted {
            mark(Local::Restart);
        } else {
            let role_changed = before.role != Some(role);
            match role {
                Role::Candidate | Role::PreCandidate if role_changed || term > before.term => {
                    mark(if self.arrived.contains(&node.node) {
                        Local::Election { term }
                    } else {
                        Local::Timeout { term, pre_vote: role == Role::PreCandidate }
                    });
                }
                Role::Leader if role_changed => mark(Local::Leader { term }),
                Role::Follower if matches!(before.role, Some(Role::Leader | Role::Candidate)) => {
                    mark(Local::SteppedDown { term })
                }
                _ => {}
            }
            if node.commit_index > before.commit {
                mark(Local::Commit { index: node.commit_index });
            }
        }
        self.known[i] = Known { role: Some(role), term, commit: node.commit_index };
        for mark in marks.into_iter().flatten() {
            self.tick(Moment::of(sim), node.node, Happening::Local(mark));
        }
    }

    /// A message put in the network: a send event on its server, unless it is a copy (the
    /// network's duplicate, the operator's "deliver it twice"), which belongs to the send of
    /// its original.
    fn sent(&mut self, sim: &Simulation, m: &InFlight, copy_of: Option<u64>) {
        let (Some(from), Some(to)) = (server(m.from), server(m.to)) else { return };
        if !self.valid(from) || !self.valid(to) || !matches!(m.payload, Payload::Raft(_)) {
            return;
        }
        let kind = m.payload.kind();
        let (lamport, vector) = match copy_of.and_then(|of| self.pending.get(&of)) {
            Some(original) => (original.lamport, original.vector),
            None => self.tick(Moment::of(sim), from, Happening::Send { message: m.id, to, kind }),
        };
        let pending = Pending {
            message: m.id,
            from,
            to,
            kind,
            sent_us: m.sent_us,
            events: sim.events(),
            lamport,
            vector,
            lost: m.lost,
        };
        self.pending.insert(m.id, pending);
    }
}

impl Observer for SpaceTime {
    fn wants(&self) -> Wants {
        Wants::STEPS.and(Wants::CRASHES).and(Wants::EVENTS).and(Wants::MESSAGES)
    }

    fn observe(&mut self, sim: &Simulation, seen: &Seen<'_>) -> u64 {
        match *seen {
            Seen::Step { node, .. } => self.step(sim, node),
            Seen::Crash(node) if self.valid(node) => {
                self.tick(Moment::of(sim), node, Happening::Local(Local::Crash));
                self.known[node as usize - 1].role = None;
            }
            Seen::Sent { message, copy_of } => self.sent(sim, message, copy_of),
            Seen::Arrived(id) => {
                if let Some(m) = self.pending.remove(&id) {
                    self.arrived.push(m.to);
                    self.receive(Moment::of(sim), &m);
                }
            }
            Seen::Lost { message, cause } => {
                if let Some(m) = self.pending.remove(&message) {
                    self.lose(Moment::of(sim), &m, cause);
                }
            }
            Seen::Dropped(id) => {
                if let Some(m) = self.pending.get_mut(&id) {
                    m.lost = Some(LossCause::Dropped);
                }
            }
            Seen::EventDone => self.arrived.clear(),
            Seen::Crash(_) | Seen::Answered { .. } | Seen::Action(_) => {}
        }
        0
    }

    /// Nothing toward the run's budget: the record is bounded by constants (MAX_EVENTS,
    /// MAX_LOSSES) and by the messages in flight, which the budget counts already; and the
    /// budget must stop a watched run (the page, a replay) at the same event as a bare one.
    fn retained(&self) -> Retained {
        Retained::default()
    }
}

#[cfg(test)]
mod tests;
