//! The engine's kernel: a discrete-event loop that does not know which protocol it runs.
//!
//! It holds what every message-passing simulation needs and nothing a protocol owns: the
//! virtual clock, the event queue in (time, sequence) order, the messages in flight (a slab,
//! so the queue holds small entries that are cheap to sift), the network with its faults
//! (delays, loss, duplication, reordering, partitions; [`crate::engine::network`]), the
//! senders' and receivers' omissions, the event count and the trace hash.
//!
//! A protocol runs on it by implementing [`Host`] (its state and what it does with a message
//! or a wake-up) and [`Wire`] (its messages' codes and digests for the hash). The Raft
//! simulation ([`crate::engine::sim::Simulation`]) is one host; `tests/engine_generic.rs`
//! runs a flooding protocol on the same kernel. As in tokio-rs/turmoil, the loop, the
//! topology and the hosts live in separate files: `run.rs` (the loop), `network.rs` beside
//! this folder (the topology), and each host in its own module.
//!
//! Determinism: the kernel draws randomness only from the streams it is given (the network's
//! and the fault stream), in an order fixed by the events, so a seed gives one run.
pub mod host;
pub mod queue;
pub mod run;

pub use host::{Host, Reception, Wire};
pub use queue::{Pending, Scheduled};
pub use run::{step_until, CODE_DELIVERED, CODE_DROPPED};

use crate::engine::network::{Endpoint, LossCause, Network, Transit};
use crate::engine::rng::{Probability, SimRng};
use crate::engine::trace::TraceHash;
use raft_core::Micros;
use std::collections::BinaryHeap;

/// A message in the network.
#[derive(Clone, Debug, PartialEq)]
pub struct InFlight<M> {
    pub id: u64,
    pub from: Endpoint,
    pub to: Endpoint,
    pub sent_us: Micros,
    pub arrive_us: Micros,
    pub lost: Option<LossCause>,
    /// When an operator dropped it (it is drawn dying there).
    pub dropped_us: Option<Micros>,
    /// Held for the operator (manual delivery): it has no arrival time and stays in the
    /// network until delivered or dropped by hand ([`Kernel::deliver_held`]).
    pub held: bool,
    pub payload: M,
}

/// What a message rule does to one send ([`Kernel::send_shaped`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shaping {
    Drop,
    /// Arrive this much later.
    Delay(Micros),
    Duplicate,
}

/// Manual delivery holds at most this many messages: past it, a message travels the network
/// as usual (counted in [`Kernel::unheld`]), so a student who never delivers anything does
/// not make the page's memory grow without end.
pub const MAX_HELD: usize = 256;

/// A delivered message's envelope: who sent it to whom, and when. The host gets it apart from
/// the payload, so that handing a message over does not copy the whole of it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Envelope {
    pub id: u64,
    pub from: Endpoint,
    pub to: Endpoint,
    pub sent_us: Micros,
    pub arrive_us: Micros,
}

/// The clock, the queue, the messages in flight, the network and the trace hash of one run.
/// `M` is the protocol's message, `T` its host's wake-ups.
#[derive(Clone, Debug)]
pub struct Kernel<M, T> {
    now: Micros,
    queue: BinaryHeap<Scheduled<T>>,
    /// Messages in the network, by slot; `free_slots` lists the empty ones.
    messages: Vec<Option<InFlight<M>>>,
    free_slots: Vec<u32>,
    next_seq: u64,
    next_message: u64,
    network: Network,
    /// Decides send and receive omissions.
    fault_rng: SimRng,
    /// Scratch for the network's verdict on a send (kept to reuse its allocation).
    transits: Vec<Transit>,
    /// The slots of the copies the latest `send` put in the network ([`Kernel::just_sent`]),
    /// kept only while `list_sent` is on.
    sent: Vec<u32>,
    list_sent: bool,
    hash: TraceHash,
    events: u64,
    /// Entries, and bytes beyond the envelope, carried by the messages in flight.
    in_flight_entries: u64,
    in_flight_bytes: u64,
    /// Manual delivery: messages between nodes are held when sent (see [`InFlight::held`]).
    manual: bool,
    /// The held messages' slots, in the order they were sent.
    held: Vec<u32>,
    /// Messages that went through the network because the hold was full.
    unheld: u64,
}

impl<M: Wire + Clone, T> Kernel<M, T> {
    /// A kernel at time 0 with nothing queued. `fault_rng` decides omissions; the network
    /// draws delays and losses from its own stream.
    pub fn new(network: Network, fault_rng: SimRng) -> Self {
        Kernel {
            now: 0,
            queue: BinaryHeap::new(),
            messages: Vec::new(),
            free_slots: Vec::new(),
            next_seq: 0,
            next_message: 0,
            network,
            fault_rng,
            transits: Vec::new(),
            sent: Vec::new(),
            list_sent: false,
            hash: TraceHash::default(),
            events: 0,
            in_flight_entries: 0,
            in_flight_bytes: 0,
            manual: false,
            held: Vec::new(),
            unheld: 0,
        }
    }

    #[inline]
    pub fn now(&self) -> Micros {
        self.now
    }
    /// Move the clock forward to `t` between events (never back).
    pub fn advance_to(&mut self, t: Micros) {
        self.now = self.now.max(t);
    }
    /// Events counted so far.
    #[inline]
    pub fn events(&self) -> u64 {
        self.events
    }
    pub fn hash(&self) -> &TraceHash {
        &self.hash
    }
    /// The trace hash, for a host to fold in what its nodes' events left them with.
    #[inline]
    pub fn hash_mut(&mut self) -> &mut TraceHash {
        &mut self.hash
    }
    pub fn network(&self) -> &Network {
        &self.network
    }
    pub fn network_mut(&mut self) -> &mut Network {
        &mut self.network
    }
    /// Events waiting in the queue (messages included).
    pub fn queued(&self) -> usize {
        self.queue.len()
    }
    /// When the earliest queued event is due (for a host that stops at a time of its own).
    #[inline]
    pub fn next_due(&self) -> Option<Micros> {
        self.queue.peek().map(|e| e.at)
    }
    /// The queue's entries, in no particular order.
    pub fn queue(&self) -> impl Iterator<Item = &Scheduled<T>> {
        self.queue.iter()
    }
    /// Messages currently in the network, in no particular order.
    pub fn in_flight(&self) -> impl Iterator<Item = &InFlight<M>> {
        self.messages.iter().flatten()
    }
    pub fn in_flight_mut(&mut self) -> impl Iterator<Item = &mut InFlight<M>> {
        self.messages.iter_mut().flatten()
    }
    /// How many messages are in the network.
    pub fn in_flight_count(&self) -> usize {
        self.messages.len() - self.free_slots.len()
    }
    /// Entries and bytes (beyond their envelopes) the messages in flight carry ([`Wire::carried`]).
    pub fn in_flight_carried(&self) -> (u64, u64) {
        (self.in_flight_entries, self.in_flight_bytes)
    }

    /// Count an event and fold its identity into the trace hash: its time, its kind's code
    /// (each host numbers its own kinds, clear of [`CODE_DROPPED`] and [`CODE_DELIVERED`])
    /// and two operands.
    #[inline]
    pub fn begin_event(&mut self, code: u64, a: u64, b: u64) {
        self.events += 1;
        self.hash.event(self.now, code, a, b);
    }

    /// Queue `kind` to happen at `at`, after everything already queued for that time.
    #[inline]
    pub fn schedule(&mut self, at: Micros, kind: Pending<T>) {
        self.next_seq += 1;
        self.queue.push(Scheduled { at, seq: self.next_seq, kind });
    }

    /// A fresh message id (for a copy an operator makes by hand).
    pub fn new_message_id(&mut self) -> u64 {
        self.next_message += 1;
        self.next_message
    }

    /// Send `payload` now: the sender's omission (`send_omission`) may swallow it, else the
    /// network decides each copy's delay and fate (in manual delivery, a message between
    /// nodes is held instead, until the operator decides).
    #[inline(never)]
    pub fn send(&mut self, from: Endpoint, to: Endpoint, payload: M, send_omission: Probability) {
        self.next_message += 1;
        let id = self.next_message;
        let omitted = !send_omission.is_never() && self.fault_rng.chance(send_omission);
        if self.manual && !omitted && matches!((from, to), (Endpoint::Node(_), Endpoint::Node(_))) {
            return self.hold(id, from, to, payload);
        }
        self.route(id, from, to, payload, omitted);
    }

    /// Manual delivery's send: hold the message, or if the hold is full, route it as usual.
    /// Kept out of `send`, which every run takes and few hold in.
    #[cold]
    #[inline(never)]
    fn hold(&mut self, id: u64, from: Endpoint, to: Endpoint, payload: M) {
        if self.held.len() >= MAX_HELD {
            self.unheld += 1;
            return self.route(id, from, to, payload, false);
        }
        let now = self.now;
        let message =
            InFlight { id, from, to, sent_us: now, arrive_us: now, lost: None, dropped_us: None, held: true, payload };
        let k = self.enqueue(message);
        if self.list_sent {
            self.sent.clear();
            self.sent.push(k);
        }
    }

    /// Let the network decide the fate of message `id` sent now (or of its omission).
    #[inline(always)]
    fn route(&mut self, id: u64, from: Endpoint, to: Endpoint, payload: M, omitted: bool) {
        let mut transits = std::mem::take(&mut self.transits);
        if omitted {
            transits.clear();
            transits.push(Transit { arrive_at: self.now + 1, lost: Some(LossCause::SendOmission) });
        } else {
            self.network.send(self.now, from, to, &mut transits);
        }
        self.launch(id, from, to, self.now, payload, &transits);
        self.transits = transits;
    }

    /// Put the copies of message `id` the network decided on (`transits`) in flight.
    #[inline(always)]
    fn launch(&mut self, id: u64, from: Endpoint, to: Endpoint, sent_us: Micros, payload: M, transits: &[Transit]) {
        let n = transits.len();
        if self.list_sent {
            self.sent.clear();
        }
        let mut payload = Some(payload);
        for (k, t) in transits.iter().enumerate() {
            // The last copy takes the payload; only a duplicate pays for a clone.
            let payload = if k + 1 == n { payload.take() } else { payload.clone() };
            let Some(payload) = payload else { break };
            let message = InFlight {
                id: if k == 0 { id } else { self.next_message + k as u64 },
                from,
                to,
                sent_us,
                arrive_us: t.arrive_at,
                lost: t.lost,
                dropped_us: None,
                held: false,
                payload,
            };
            let k = self.enqueue(message);
            if self.list_sent {
                self.sent.push(k);
            }
        }
        self.next_message += n.saturating_sub(1) as u64;
    }

    /// Send like [`Kernel::send`], shaped by a message rule: dropped on the way (it dies half
    /// way along the link's minimum latency, as a `MessageRule` loss), delayed by the given
    /// time, or sent with one more copy arriving after the original. The sender's omission
    /// comes first, and manual delivery holds the message as usual. Returns the message's id.
    #[cold]
    #[inline(never)]
    pub fn send_shaped(
        &mut self,
        from: Endpoint,
        to: Endpoint,
        payload: M,
        send_omission: Probability,
        shaping: Shaping,
    ) -> u64 {
        self.next_message += 1;
        let id = self.next_message;
        let omitted = !send_omission.is_never() && self.fault_rng.chance(send_omission);
        if self.manual && !omitted && matches!((from, to), (Endpoint::Node(_), Endpoint::Node(_))) {
            self.hold(id, from, to, payload);
            return id;
        }
        let now = self.now;
        let mut transits = std::mem::take(&mut self.transits);
        transits.clear();
        if omitted {
            transits.push(Transit { arrive_at: now + 1, lost: Some(LossCause::SendOmission) });
        } else if shaping == Shaping::Drop {
            let half = crate::scenario::format::ms_to_us(self.network.settings().latency_ms[0]) / 2;
            transits.push(Transit { arrive_at: now + half.max(1), lost: Some(LossCause::MessageRule) });
        } else {
            self.network.send(now, from, to, &mut transits);
            match shaping {
                Shaping::Delay(extra) => transits.iter_mut().for_each(|t| t.arrive_at += extra),
                Shaping::Duplicate => {
                    if let Some(&last) = transits.last() {
                        let span = last.arrive_at.saturating_sub(now);
                        transits.push(Transit { arrive_at: last.arrive_at + span / 2 + 1, lost: last.lost });
                    }
                }
                Shaping::Drop => {}
            }
        }
        self.launch(id, from, to, now, payload, &transits);
        self.transits = transits;
        id
    }

    // ----- Manual delivery ------------------------------------------------------------------

    /// Whether messages between nodes are held for the operator.
    pub fn manual(&self) -> bool {
        self.manual
    }
    /// How many messages are held now.
    pub fn held_count(&self) -> usize {
        self.held.len()
    }
    /// Messages sent through the network because the hold was full ([`MAX_HELD`]).
    pub fn unheld(&self) -> u64 {
        self.unheld
    }

    /// Turn manual delivery on or off. On also stops the messages between nodes already on
    /// their way ([`Kernel::hold_in_flight`]). Off releases every held message, in the order
    /// they were sent, through the network as if sent now (its delays, losses and copies), so
    /// the run stays one run per seed.
    pub fn set_manual(&mut self, on: bool) {
        let was = self.manual;
        self.manual = on;
        if on {
            if !was {
                self.hold_in_flight();
            }
            return;
        }
        let mut transits = std::mem::take(&mut self.transits);
        for k in std::mem::take(&mut self.held) {
            let Some(m) = self.take_message(k) else { continue };
            self.network.send(self.now, m.from, m.to, &mut transits);
            self.launch(m.id, m.from, m.to, m.sent_us, m.payload, &transits);
        }
        self.transits = transits;
    }

    /// Manual delivery switched on mid-run: every message between nodes still on its way
    /// stops and waits for the operator, as if it had been sent in manual mode, oldest first
    /// and as many as the hold takes (the rest travel on, counted in [`Kernel::unheld`]). A
    /// loss the network had already decided for it is forgotten, as a held message's send
    /// never asks the network; one the sender omitted, or an operator dropped, still dies at
    /// its time. A message for a paused node waits with that node, outside the queue, and is
    /// left to it. The caught messages' arrivals leave the queue, so that a slot freed by a
    /// delivery and reused never meets a stale arrival.
    #[cold]
    #[inline(never)]
    fn hold_in_flight(&mut self) {
        let catchable = |m: &InFlight<M>| {
            matches!((m.from, m.to), (Endpoint::Node(_), Endpoint::Node(_)))
                && matches!(m.lost, None | Some(LossCause::Lost | LossCause::Partitioned))
        };
        let mut caught: Vec<(u64, u32)> = self
            .queue
            .iter()
            .filter_map(|e| match e.kind {
                Pending::Arrive(k) => self.message(k).filter(|m| catchable(m)).map(|m| (m.id, k)),
                Pending::Wake(_) => None,
            })
            .collect();
        caught.sort_unstable();
        let room = MAX_HELD.saturating_sub(self.held.len());
        if caught.len() > room {
            self.unheld += (caught.len() - room) as u64;
            caught.truncate(room);
        }
        if caught.is_empty() {
            return;
        }
        let mut slots: Vec<u32> = caught.iter().map(|&(_, k)| k).collect();
        slots.sort_unstable();
        self.queue.retain(|e| !matches!(e.kind, Pending::Arrive(k) if slots.binary_search(&k).is_ok()));
        let now = self.now;
        for (_, k) in caught {
            if let Some(m) = self.messages.get_mut(k as usize).and_then(Option::as_mut) {
                m.held = true;
                m.arrive_us = now;
                m.lost = None;
            }
            self.held.push(k);
        }
    }

    /// Whether [`Kernel::send`] keeps what it enqueued for [`Kernel::just_sent`] (a host turns
    /// it on only while something watches the messages, so that a bare run pays nothing).
    pub fn list_sends(&mut self, on: bool) {
        self.list_sent = on;
        self.sent.clear();
    }

    /// The copies the latest [`Kernel::send`] put in the network, the original first (the
    /// network may duplicate it), while [`Kernel::list_sends`] is on.
    pub fn just_sent(&self) -> impl Iterator<Item = &InFlight<M>> {
        self.sent.iter().filter_map(|&k| self.message(k))
    }

    /// End the hold on message `id`: it arrives now (after what is already due now), or with
    /// `lost`, dies now. False if no held message has that id.
    pub fn deliver_held(&mut self, id: u64, lost: Option<LossCause>) -> bool {
        let Some(i) = self.held.iter().position(|&k| self.message(k).is_some_and(|m| m.id == id)) else {
            return false;
        };
        let k = self.held.remove(i);
        let now = self.now;
        if let Some(m) = self.messages.get_mut(k as usize).and_then(Option::as_mut) {
            m.held = false;
            m.arrive_us = now;
            m.lost = lost;
            m.dropped_us = lost.map(|_| now);
        }
        self.schedule(now, Pending::Arrive(k));
        true
    }

    /// The held messages' slots, oldest first (for checks that every slot is accounted for).
    pub fn held_slots(&self) -> &[u32] {
        &self.held
    }

    /// Put a message in the network, to arrive (or die) at its `arrive_us`, or if it is
    /// `held`, to wait for the operator; its slot.
    pub fn enqueue(&mut self, message: InFlight<M>) -> u32 {
        let (at, held) = (message.arrive_us, message.held);
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
        if held {
            self.park(k);
        } else {
            self.schedule(at, Pending::Arrive(k));
        }
        k
    }

    /// Add slot `k` to the held messages (out of line: most runs never hold one).
    #[cold]
    #[inline(never)]
    fn park(&mut self, k: u32) {
        self.held.push(k);
    }

    /// The message in slot `k`, if it is still in the network.
    #[inline]
    pub fn message(&self, k: u32) -> Option<&InFlight<M>> {
        self.messages.get(k as usize).and_then(Option::as_ref)
    }

    /// Take the message in slot `k` out of the network (it arrives, dies, or is discarded
    /// with a crashed receiver) and free its slot.
    #[inline]
    pub fn take_message(&mut self, k: u32) -> Option<InFlight<M>> {
        // The slot's Option is returned as it is: unwrapping and rewrapping the message would
        // copy it once more on the engine's hottest path.
        let taken = self.messages.get_mut(k as usize)?.take();
        if let Some(m) = &taken {
            self.free_slots.push(k);
            let (entries, bytes) = m.payload.carried();
            self.in_flight_entries -= entries;
            self.in_flight_bytes -= bytes;
        }
        taken
    }

    /// Whether the fault stream says an omission of probability `p` happens now.
    #[inline]
    fn omission(&mut self, p: Probability) -> bool {
        !p.is_never() && self.fault_rng.chance(p)
    }

    /// The next event if it is due no later than `limit`, with the clock moved to it.
    #[inline]
    fn pop_due(&mut self, limit: Micros) -> Option<Scheduled<T>> {
        if self.queue.peek()?.at > limit {
            return None;
        }
        let event = self.queue.pop()?;
        self.now = event.at;
        Some(event)
    }
}
