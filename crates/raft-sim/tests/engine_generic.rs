//! The engine does not need to know it runs Raft: a small flooding protocol, written here
//! against the kernel's traits only (`Host`, `Wire`), runs on the same kernel as the Raft
//! simulation, with the same network and its faults (delays, loss, partitions, a crashed or
//! paused receiver), and is deterministic for a seed.
//!
//! The protocol: every node starts knowing its own value (bit `id` of a set). When it learns
//! something new it sends everything it knows to every other node, and every round it sends
//! it again, so that what the network loses is made good later.
use raft_sim::engine::hash::StableHash;
use raft_sim::engine::kernel::{self, Envelope, Host, InFlight, Kernel, Pending, Reception, Wire};
use raft_sim::engine::network::{Endpoint, LossCause, Network};
use raft_sim::engine::rng::{Probability, SimRng};
use raft_sim::scenario::format::NetworkSettings;
use std::collections::BTreeMap;

/// What a node knows: bit `id` for each node's value.
#[derive(Clone, Debug, PartialEq)]
struct Known(u64);

impl Wire for Known {
    fn code(&self) -> u64 {
        1 + 16 * self.0
    }
    fn digest(&self, h: &mut StableHash) {
        h.word(1).word(self.0);
    }
}

/// The one kind of event of the protocol's own (besides messages): a node's round. Its code
/// is clear of the kernel's (`CODE_DROPPED`, `CODE_DELIVERED`).
const CODE_ROUND: u64 = 1;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    Up,
    Paused,
    Down,
}

struct Flood {
    kernel: Kernel<Known, u32>,
    nodes: u32,
    known: Vec<u64>,
    state: Vec<State>,
    deferred: Vec<Pending<u32>>,
    round_us: u64,
    /// Messages that died, by cause.
    lost: BTreeMap<String, u64>,
    delivered: u64,
    /// (sent, arrived) of every delivered message.
    delays: Vec<(u64, u64)>,
}

impl Flood {
    fn new(seed: u64, nodes: u32, settings: NetworkSettings) -> Flood {
        // The same stream numbers as the Raft host's, though nothing requires it.
        let network = Network::new(settings, nodes, SimRng::stream(seed, 1));
        let mut flood = Flood {
            kernel: Kernel::new(network, SimRng::stream(seed, 3)),
            nodes,
            known: (1..=nodes).map(|id| 1 << id).collect(),
            state: vec![State::Up; nodes as usize],
            deferred: Vec::new(),
            round_us: 50_000,
            lost: BTreeMap::new(),
            delivered: 0,
            delays: Vec::new(),
        };
        for id in 1..=nodes {
            flood.broadcast(id);
            // Rounds start at different times: a node's id staggers it.
            flood.kernel.schedule(flood.round_us + id as u64 * 1_000, Pending::Wake(id));
        }
        flood
    }

    fn broadcast(&mut self, from: u32) {
        let known = self.known[from as usize - 1];
        for to in (1..=self.nodes).filter(|&to| to != from) {
            self.kernel.send(Endpoint::Node(from), Endpoint::Node(to), Known(known), Probability::NEVER);
        }
    }

    fn run_until(&mut self, t: u64) {
        while kernel::step_until(self, t) {}
        self.kernel.advance_to(t);
    }

    fn pause(&mut self, id: u32) {
        self.state[id as usize - 1] = State::Paused;
    }

    fn resume(&mut self, id: u32) {
        self.state[id as usize - 1] = State::Up;
        let now = self.kernel.now();
        for event in std::mem::take(&mut self.deferred) {
            self.kernel.schedule(now, event);
        }
    }

    fn all(&self) -> u64 {
        (1..=self.nodes).fold(0, |all, id| all | 1 << id)
    }
}

impl Host for Flood {
    type Message = Known;
    type Timer = u32;

    fn kernel(&self) -> &Kernel<Known, u32> {
        &self.kernel
    }
    fn kernel_mut(&mut self) -> &mut Kernel<Known, u32> {
        &mut self.kernel
    }

    fn reception(&self, node: u32) -> Option<Reception> {
        match self.state.get((node as usize).wrapping_sub(1))? {
            State::Up => Some(Reception::Up(Probability::NEVER)),
            State::Paused => Some(Reception::Paused),
            State::Down => Some(Reception::Down),
        }
    }

    fn defer(&mut self, _node: u32, event: Pending<u32>) {
        self.deferred.push(event);
    }

    fn on_message(&mut self, m: Envelope, payload: Known) {
        let Endpoint::Node(to) = m.to else { return };
        self.delivered += 1;
        self.delays.push((m.sent_us, m.arrive_us));
        let known = &mut self.known[to as usize - 1];
        let before = *known;
        *known |= payload.0;
        let after = *known;
        // What the event left the node with, as the Raft host folds a server's state.
        self.kernel.hash_mut().words().word(to as u64).word(after);
        if after != before {
            self.broadcast(to);
        }
    }

    fn on_lost(&mut self, _m: &InFlight<Known>, cause: LossCause) {
        *self.lost.entry(cause.to_string()).or_default() += 1;
    }

    fn on_timer(&mut self, id: u32) -> bool {
        match self.state[id as usize - 1] {
            State::Down => return false,
            State::Paused => {
                self.deferred.push(Pending::Wake(id));
                return false;
            }
            State::Up => {}
        }
        self.kernel.begin_event(CODE_ROUND, id as u64, 0);
        self.broadcast(id);
        let next = self.kernel.now() + self.round_us;
        self.kernel.schedule(next, Pending::Wake(id));
        true
    }
}

fn lossy(loss: f64) -> NetworkSettings {
    NetworkSettings { latency_ms: [10.0, 20.0], loss, ..NetworkSettings::default() }
}

/// (trace hash, events) of a 2 s run.
fn fingerprint(seed: u64, settings: NetworkSettings) -> (u64, u64) {
    let mut flood = Flood::new(seed, 5, settings);
    flood.run_until(2_000_000);
    (flood.kernel.hash().value(), flood.kernel.events())
}

#[test]
fn every_node_learns_every_value_with_delays_in_the_links_bounds() {
    let mut flood = Flood::new(7, 5, lossy(0.0));
    flood.run_until(1_000_000);
    assert!(flood.known.iter().all(|&k| k == flood.all()), "{:?}", flood.known);
    assert!(flood.delivered > 0 && flood.lost.is_empty(), "{:?}", flood.lost);
    // Links are FIFO, so a message may wait for the one before it, but never arrives early.
    assert!(flood.delays.iter().all(|&(sent, arrived)| arrived - sent >= 10_000));
    let within = flood.delays.iter().filter(|&&(sent, arrived)| arrived - sent <= 20_000).count();
    assert!(within * 10 >= flood.delays.len() * 9, "most delays are within [10, 20] ms");
}

#[test]
fn the_same_seed_gives_the_same_trace_and_another_seed_another() {
    let settings = lossy(0.2);
    let first = fingerprint(42, settings.clone());
    assert_eq!(first, fingerprint(42, settings.clone()));
    assert_ne!(first.0, fingerprint(43, settings.clone()).0);
    // The hash sees the network's draws: the same seed on a faster network is another run.
    let faster = NetworkSettings { latency_ms: [1.0, 2.0], ..settings };
    assert_ne!(first.0, fingerprint(42, faster).0);
}

#[test]
fn a_lossy_network_loses_messages_and_rounds_make_good() {
    let mut flood = Flood::new(3, 5, lossy(0.3));
    flood.run_until(2_000_000);
    assert!(flood.lost.get("Lost").copied().unwrap_or(0) > 0, "{:?}", flood.lost);
    assert!(flood.known.iter().all(|&k| k == flood.all()), "{:?}", flood.known);
}

#[test]
fn a_partition_keeps_values_apart_until_it_heals() {
    let mut flood = Flood::new(11, 5, lossy(0.0));
    flood.kernel.network_mut().partition(&[vec![1, 2], vec![3, 4, 5]]);
    flood.run_until(500_000);
    assert_eq!(flood.known[0], 1 << 1 | 1 << 2, "S1 hears only S2");
    assert_eq!(flood.known[2], 1 << 3 | 1 << 4 | 1 << 5, "S3 hears only S4 and S5");
    assert!(flood.lost.get("Partitioned").copied().unwrap_or(0) > 0, "{:?}", flood.lost);
    flood.kernel.network_mut().heal();
    flood.run_until(1_000_000);
    assert!(flood.known.iter().all(|&k| k == flood.all()), "{:?}", flood.known);
}

#[test]
fn a_crashed_receiver_loses_messages_and_a_paused_one_gets_them_on_resume() {
    let mut flood = Flood::new(5, 5, lossy(0.0));
    flood.state[3] = State::Down;
    flood.pause(5);
    flood.run_until(500_000);
    assert!(flood.lost.get("ReceiverDown").copied().unwrap_or(0) > 0, "{:?}", flood.lost);
    assert_eq!(flood.known[3], 1 << 4, "S4 crashed after its first broadcast and hears nothing");
    assert_eq!(flood.known[4], 1 << 5, "S5 is paused: what reached it waits");
    assert!(!flood.deferred.is_empty());
    flood.resume(5);
    flood.run_until(1_000_000);
    // S4's value went out before it crashed.
    assert_eq!(flood.known[4], flood.all(), "S5 caught up on resume");
    assert!(flood.deferred.is_empty());
}
