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
//! exactly what happened up to that moment. It works out sends and receipts from the messages
//! in flight after each event (a new id is a send, a vanished one arrived or died), so the
//! engine needs no hook of its own. It keeps the clocks from the run's start but only the most
//! recent [`MAX_EVENTS`] events and [`MAX_LOSSES`] losses, in shared chunks: a ten-minute run
//! costs a bounded amount of memory.
use crate::engine::network::{Endpoint, LossCause};
use crate::engine::observe::{Observer, Retained, Seen, Wants};
use crate::engine::sim::{InFlight, Payload, Simulation};
use crate::scenario::format::MAX_NODES;
use raft_core::chunked::ChunkedVec;
use raft_core::{Index, Micros, NodeId, Role, Term};

/// Events kept (the oldest go first, 1,024 at a time).
pub const MAX_EVENTS: usize = 16_384;
/// Lost messages kept.
pub const MAX_LOSSES: usize = 4_096;
/// The recorder finds sends and receipts by walking the messages in flight after each event,
/// so its cost grows with them. Past this many it stops recording for good (and says when), so
/// a run with a slow network and fast heartbeats (hundreds of thousands in flight) plays at the
/// simulator's speed; the diagram could not draw that many arrows anyway.
pub const MAX_IN_FLIGHT: usize = 4_096;
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

#[derive(Clone, Copy)]
struct Step {
    node: NodeId,
    role: Role,
    term: Term,
    commit: Index,
    restarted: bool,
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
    /// Messages between servers in flight, by id (ascending).
    pending: Vec<Pending>,
    /// The highest message id seen.
    max_seen: u64,
    lamport: Vec<u64>,
    vectors: Vec<VectorClock>,
    known: Vec<Known>,
    /// What happened during the event being processed.
    steps: Vec<Step>,
    crashes: Vec<NodeId>,
    /// Scratch space: which of `pending` are still in flight after the event.
    here: Vec<bool>,
    /// When recording stopped because more than [`MAX_IN_FLIGHT`] messages were in flight.
    stopped_at_us: Option<Micros>,
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
        let mut st = SpaceTime {
            nodes,
            events: ChunkedVec::new(),
            dropped_events: 0,
            losses: ChunkedVec::new(),
            dropped_losses: 0,
            pending: Vec::new(),
            max_seen: 0,
            lamport: vec![0; nodes as usize],
            vectors: vec![VectorClock::zero(nodes); nodes as usize],
            known,
            steps: Vec::new(),
            crashes: Vec::new(),
            here: Vec::new(),
            stopped_at_us: None,
        };
        // Messages already on their way (none at a run's start) count as sent before it.
        for m in sim.in_flight() {
            st.max_seen = st.max_seen.max(m.id);
        }
        st
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
    pub fn pending(&self) -> &[Pending] {
        &self.pending
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

    /// When recording stopped because more than [`MAX_IN_FLIGHT`] messages were in flight.
    pub fn stopped_at_us(&self) -> Option<Micros> {
        self.stopped_at_us
    }

    /// The time of the oldest event kept, if some were dropped: before it the diagram is blank.
    pub fn kept_since_us(&self) -> Option<Micros> {
        (self.dropped_events > 0).then(|| self.events.get(0).map_or(0, |e| e.time_us))
    }

    /// Record an event on `node` with clocks already advanced.
    fn record(&mut self, sim: &Simulation, node: NodeId, what: Happening) -> (u64, VectorClock) {
        let i = node as usize - 1;
        let (lamport, vector) = (self.lamport[i], self.vectors[i]);
        let seq = self.dropped_events + self.events.len() as u64;
        self.events.push(Event { seq, node, time_us: sim.now(), events: sim.events(), what, lamport, vector });
        if self.events.len() > MAX_EVENTS {
            self.events.remove_front(TRIM);
            self.dropped_events += TRIM as u64;
        }
        (lamport, vector)
    }

    /// A local event or a send on `node`: one tick.
    fn tick(&mut self, sim: &Simulation, node: NodeId, what: Happening) -> (u64, VectorClock) {
        let i = node as usize - 1;
        self.lamport[i] += 1;
        self.vectors[i].tick(node);
        self.record(sim, node, what)
    }

    fn receive(&mut self, sim: &Simulation, m: &Pending) {
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
        self.record(sim, m.to, what);
    }

    fn lose(&mut self, sim: &Simulation, m: &Pending, cause: LossCause) {
        self.losses.push(Loss {
            message: m.message,
            from: m.from,
            to: m.to,
            kind: m.kind,
            sent_us: m.sent_us,
            sent_events: m.events,
            at_us: sim.now(),
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

    /// Everything the event just finished did, in the order a server does it: what arrived,
    /// what that changed, what it sent.
    fn event_done(&mut self, sim: &Simulation) {
        if self.stopped_at_us.is_some() {
            return;
        }
        if sim.in_flight_count() > MAX_IN_FLIGHT {
            // Arrows still open would never be closed: they end with the record.
            self.stopped_at_us = Some(sim.now());
            self.pending.clear();
            return;
        }
        // 1. The ids in flight now: new ones are sends, vanished ones arrived or died.
        // (`pending` is sorted by id: ids only grow, and new ones are added in order.)
        // Most events send or receive a message or two among dozens in flight, so this pass
        // only counts: the server-to-server messages seen before are exactly the pending
        // ones unless one vanished. Only then (or for a message the operator dropped since)
        // are they looked up one by one.
        let mut fresh: Vec<&InFlight> = Vec::new();
        let mut still = 0;
        let mut lost_seen = 0;
        for m in sim.in_flight() {
            if m.id > self.max_seen {
                fresh.push(m);
            } else if matches!((m.from, m.to), (Endpoint::Node(_), Endpoint::Node(_))) {
                still += 1;
                lost_seen += usize::from(m.lost.is_some());
            }
        }
        let newly_lost = lost_seen > 0 && lost_seen > self.pending.iter().filter(|p| p.lost.is_some()).count();
        if still < self.pending.len() || newly_lost {
            self.here.clear();
            self.here.resize(self.pending.len(), false);
            for m in sim.in_flight().filter(|m| m.id <= self.max_seen) {
                if let Ok(k) = self.pending.binary_search_by_key(&m.id, |p| p.message) {
                    self.here[k] = true;
                    // Dropped by the operator since it was sent: it will die.
                    if m.lost.is_some() {
                        self.pending[k].lost = m.lost;
                    }
                }
            }
            still = self.here.iter().filter(|h| **h).count();
        }
        let mut delivered_to: Vec<NodeId> = Vec::new();
        if still < self.pending.len() {
            let mut gone = Vec::new();
            let mut k = 0;
            let here = std::mem::take(&mut self.here);
            self.pending.retain(|p| {
                k += 1;
                if !here[k - 1] {
                    gone.push(*p);
                }
                here[k - 1]
            });
            self.here = here;
            for m in gone {
                let delivered = m.lost.is_none() && self.steps.iter().any(|s| s.node == m.to && !s.restarted);
                if delivered {
                    delivered_to.push(m.to);
                    self.receive(sim, &m);
                } else {
                    let cause = if let Some(cause) = m.lost {
                        cause
                    } else if sim.node(m.to).is_none_or(|s| s.raft.is_none()) {
                        LossCause::ReceiverDown
                    } else if !sim.network().connected(Endpoint::Node(m.from), Endpoint::Node(m.to)) {
                        LossCause::Partitioned
                    } else {
                        LossCause::ReceiveOmission
                    };
                    self.lose(sim, &m, cause);
                }
            }
        }
        // 2. What changed on each server.
        for node in std::mem::take(&mut self.crashes) {
            if self.valid(node) {
                self.tick(sim, node, Happening::Local(Local::Crash));
                self.known[node as usize - 1].role = None;
            }
        }
        for step in std::mem::take(&mut self.steps) {
            if !self.valid(step.node) {
                continue;
            }
            let before = self.known[step.node as usize - 1];
            // At most two: a restart alone, or a role change and a commit.
            let mut marks: [Option<Local>; 2] = [None, None];
            let mut mark = |l: Local| {
                if let Some(slot) = marks.iter_mut().find(|m| m.is_none()) {
                    *slot = Some(l);
                }
            };
            if step.restarted {
                mark(Local::Restart);
            } else {
                let new_term = step.term > before.term;
                let role_changed = before.role != Some(step.role);
                match step.role {
                    Role::Candidate | Role::PreCandidate if role_changed || new_term => {
                        let pre_vote = step.role == Role::PreCandidate;
                        mark(if delivered_to.contains(&step.node) {
                            Local::Election { term: step.term }
                        } else {
                            Local::Timeout { term: step.term, pre_vote }
                        });
                    }
                    Role::Leader if role_changed => mark(Local::Leader { term: step.term }),
                    Role::Follower if matches!(before.role, Some(Role::Leader | Role::Candidate)) => {
                        mark(Local::SteppedDown { term: step.term })
                    }
                    _ => {}
                }
                if step.commit > before.commit {
                    mark(Local::Commit { index: step.commit });
                }
            }
            self.known[step.node as usize - 1] = Known { role: Some(step.role), term: step.term, commit: step.commit };
            for mark in marks.into_iter().flatten() {
                self.tick(sim, step.node, Happening::Local(mark));
            }
        }
        // 3. What was sent, in id order (the order the servers sent them).
        // A few per event, in the network's slots: put them in id order by insertion (a
        // general sort would add kilobytes to the page's download for this).
        for i in 1..fresh.len() {
            let mut j = i;
            while j > 0 && fresh[j - 1].id > fresh[j].id {
                fresh.swap(j - 1, j);
                j -= 1;
            }
        }
        let mut previous: Option<(&InFlight, u64, VectorClock)> = None;
        for m in fresh {
            self.max_seen = self.max_seen.max(m.id);
            let (Some(from), Some(to)) = (server(m.from), server(m.to)) else { continue };
            if !self.valid(from) || !self.valid(to) {
                continue;
            }
            let Payload::Raft(_) = &m.payload else { continue };
            let kind = m.payload.kind();
            // A copy made by the network (duplication) or the operator ("deliver it twice")
            // belongs to the send of its original.
            let original = previous
                .filter(|(p, _, _)| {
                    p.from == m.from && p.to == m.to && p.sent_us == m.sent_us && p.payload == m.payload
                })
                .map(|(_, l, v)| (l, v))
                .or_else(|| {
                    // A copy of a message sent in an earlier event: same envelope, same contents.
                    let p = self
                        .pending
                        .iter()
                        .find(|p| p.from == from && p.to == to && p.sent_us == m.sent_us && p.kind == kind)?;
                    let original = sim.in_flight().find(|o| o.id == p.message)?;
                    (original.payload == m.payload).then_some((p.lamport, p.vector))
                });
            let (lamport, vector) = match original {
                Some(clocks) => clocks,
                None => self.tick(sim, from, Happening::Send { message: m.id, to, kind }),
            };
            previous = Some((m, lamport, vector));
            self.pending.push(Pending {
                message: m.id,
                from,
                to,
                kind,
                sent_us: m.sent_us,
                events: sim.events(),
                lamport,
                vector,
                lost: m.lost,
            });
        }
    }
}

impl Observer for SpaceTime {
    fn wants(&self) -> Wants {
        Wants::STEPS.and(Wants::CRASHES).and(Wants::EVENTS)
    }

    fn observe(&mut self, sim: &Simulation, seen: &Seen<'_>) -> u64 {
        match seen {
            Seen::Step { node, .. } => self.steps.push(Step {
                node: node.node,
                role: node.role,
                term: node.term,
                commit: node.commit_index,
                restarted: node.restarted,
            }),
            Seen::Crash(node) => self.crashes.push(*node),
            Seen::EventDone => self.event_done(sim),
            Seen::Answered { .. } => {}
        }
        0
    }

    /// Nothing toward the run's budget: the record is bounded by constants (MAX_EVENTS,
    /// MAX_LOSSES, MAX_IN_FLIGHT), and the budget must stop a watched run (the page, a
    /// replay) at the same event as a bare one.
    fn retained(&self) -> Retained {
        Retained::default()
    }
}

#[cfg(test)]
mod tests;
