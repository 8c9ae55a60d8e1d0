//! The network between servers (and clients): per-link latency, loss, duplication and
//! reordering; partitions and one-way cuts; the seed notes' timing models.
use crate::engine::rng::{Probability, SimRng};
use crate::scenario::format::{ms_to_us, LinkOverride, NetworkSettings, TimingModel, MAX_LATENCY_MS};
use raft_core::{ClientId, Micros, NodeId};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// Who is at either end of a message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum Endpoint {
    Node(NodeId),
    Client(ClientId),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct LinkParams {
    latency_min: Micros,
    latency_max: Micros,
    loss: Probability,
    duplicate: Probability,
    reorder: Probability,
}

/// Why a message did not arrive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LossCause {
    /// The link lost it (fair-loss link).
    Lost,
    /// Sender and receiver are in different partitions, or the link is cut.
    Partitioned,
    /// The sender's send omission.
    SendOmission,
    /// The receiver's receive omission.
    ReceiveOmission,
    /// The receiver is down.
    ReceiverDown,
    /// An operator dropped it by hand.
    Dropped,
    /// A message rule of the scenario dropped it (`message_rule` with `"rule": "drop"`).
    MessageRule,
}

impl std::fmt::Display for LossCause {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            LossCause::Lost => "Lost",
            LossCause::Partitioned => "Partitioned",
            LossCause::SendOmission => "SendOmission",
            LossCause::ReceiveOmission => "ReceiveOmission",
            LossCause::ReceiverDown => "ReceiverDown",
            LossCause::Dropped => "Dropped",
            LossCause::MessageRule => "MessageRule",
        })
    }
}

/// One copy of a message as the network will handle it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Transit {
    pub arrive_at: Micros,
    /// Some: the copy dies at `arrive_at` (part way along) instead of arriving.
    pub lost: Option<LossCause>,
}

#[derive(Clone, Debug)]
pub struct Network {
    settings: NetworkSettings,
    nodes: u32,
    /// Node-to-node parameters, indexed [(from-1) * nodes + (to-1)].
    links: Vec<LinkParams>,
    default_link: LinkParams,
    /// Partition group per node (all equal: no partition).
    group: Vec<u32>,
    cuts: BTreeSet<(NodeId, NodeId)>,
    /// Latest arrival scheduled per directed node-to-node link ([(from-1) * nodes + (to-1)]),
    /// to keep links FIFO unless reordered.
    last_arrival: Vec<Micros>,
    /// The same for links to and from clients.
    last_arrival_clients: BTreeMap<(Endpoint, Endpoint), Micros>,
    rng: SimRng,
}

const TAIL_CAP_US: Micros = 60_000_000;

impl Network {
    pub fn new(settings: NetworkSettings, nodes: u32, rng: SimRng) -> Network {
        let mut network = Network {
            settings,
            nodes,
            links: Vec::new(),
            default_link: LinkParams {
                latency_min: 0,
                latency_max: 0,
                loss: Probability::NEVER,
                duplicate: Probability::NEVER,
                reorder: Probability::NEVER,
            },
            group: vec![0; nodes as usize],
            cuts: BTreeSet::new(),
            last_arrival: vec![0; (nodes * nodes) as usize],
            last_arrival_clients: BTreeMap::new(),
            rng,
        };
        network.rebuild_links();
        network
    }

    pub fn settings(&self) -> &NetworkSettings {
        &self.settings
    }

    pub fn update(&mut self, f: impl FnOnce(&mut NetworkSettings)) {
        f(&mut self.settings);
        self.rebuild_links();
    }

    fn rebuild_links(&mut self) {
        let s = &self.settings;
        let base = |o: Option<&LinkOverride>| {
            let latency = o.and_then(|o| o.latency_ms).unwrap_or(s.latency_ms);
            let prob = |v: Option<f64>, d: f64| Probability::from_f64(v.unwrap_or(d));
            LinkParams {
                latency_min: ms_to_us(latency[0].min(MAX_LATENCY_MS)),
                latency_max: ms_to_us(latency[1].min(MAX_LATENCY_MS)),
                loss: prob(o.and_then(|o| o.loss), s.loss),
                duplicate: prob(o.and_then(|o| o.duplicate), s.duplicate),
                reorder: prob(o.and_then(|o| o.reorder), s.reorder),
            }
        };
        self.default_link = base(None);
        let n = self.nodes;
        self.links = (0..n * n)
            .map(|k| {
                let (from, to) = (k / n + 1, k % n + 1);
                base(s.links.iter().rev().find(|l| l.from == from && l.to == to))
            })
            .collect();
    }

    fn params(&self, from: Endpoint, to: Endpoint) -> LinkParams {
        match (from, to) {
            (Endpoint::Node(a), Endpoint::Node(b)) => self.links[((a - 1) * self.nodes + (b - 1)) as usize],
            _ => self.default_link,
        }
    }

    // ----- Partitions -------------------------------------------------------------------

    pub fn partition(&mut self, groups: &[Vec<NodeId>]) {
        let rest = groups.len() as u32 + 1;
        self.group = vec![rest; self.nodes as usize];
        for (g, members) in groups.iter().enumerate() {
            for &n in members {
                self.group[(n - 1) as usize] = g as u32 + 1;
            }
        }
    }

    pub fn cut(&mut self, from: NodeId, to: NodeId) {
        if from != to {
            self.cuts.insert((from, to));
        }
    }

    pub fn isolate(&mut self, node: NodeId) {
        for other in 1..=self.nodes {
            self.cut(node, other);
            self.cut(other, node);
        }
    }

    pub fn heal(&mut self) {
        self.group.iter_mut().for_each(|g| *g = 0);
        self.cuts.clear();
    }

    pub fn cuts(&self) -> &BTreeSet<(NodeId, NodeId)> {
        &self.cuts
    }

    /// Partition groups, when the cluster is partitioned.
    pub fn groups(&self) -> Option<Vec<Vec<NodeId>>> {
        let first = *self.group.first()?;
        if self.group.iter().all(|&g| g == first) {
            return None;
        }
        let mut by_group: BTreeMap<u32, Vec<NodeId>> = BTreeMap::new();
        for (i, &g) in self.group.iter().enumerate() {
            by_group.entry(g).or_default().push(i as NodeId + 1);
        }
        Some(by_group.into_values().collect())
    }

    /// Can a message go from → to right now? Clients are outside partitions.
    pub fn connected(&self, from: Endpoint, to: Endpoint) -> bool {
        match (from, to) {
            (Endpoint::Node(a), Endpoint::Node(b)) => {
                a == b || (self.group[(a - 1) as usize] == self.group[(b - 1) as usize] && !self.cuts.contains(&(a, b)))
            }
            _ => true,
        }
    }

    // ----- Sending ----------------------------------------------------------------------

    fn sample_delay(&mut self, now: Micros, p: LinkParams) -> Micros {
        let base = self.rng.between(p.latency_min, p.latency_max);
        let tail = match self.settings.timing {
            TimingModel::Synchronous => None,
            TimingModel::PartiallySynchronous { gst_ms, tail_probability } => {
                (now < ms_to_us(gst_ms)).then_some(tail_probability)
            }
            TimingModel::Asynchronous { tail_probability } => Some(tail_probability),
        };
        match tail {
            Some(t) if self.rng.chance(Probability::from_f64(t)) => {
                // Pareto with shape 2 starting at the latency maximum: x = max / sqrt(U). Only
                // basic IEEE operations (sqrt included) so wasm and native agree to the bit.
                let scale = p.latency_max.max(1_000) as f64;
                let tail = (scale / self.rng.unit_open().sqrt()) as Micros;
                base.max(tail).min(TAIL_CAP_US)
            }
            _ => base,
        }
    }

    fn delay_bound(&self, now: Micros, p: LinkParams) -> Option<Micros> {
        match self.settings.timing {
            TimingModel::Synchronous => Some(p.latency_max),
            TimingModel::PartiallySynchronous { gst_ms, .. } if now >= ms_to_us(gst_ms) => Some(p.latency_max),
            _ => None,
        }
    }

    /// Decide the fate of a message sent now: one or two copies (duplication), each arriving
    /// or dying on the way.
    pub fn send(&mut self, now: Micros, from: Endpoint, to: Endpoint, out: &mut Vec<Transit>) {
        out.clear();
        let p = self.params(from, to);
        let copies = if self.rng.chance(p.duplicate) { 2 } else { 1 };
        for _ in 0..copies {
            let mut delay = self.sample_delay(now, p);
            let reordered = self.rng.chance(p.reorder);
            if reordered {
                // Held back past later messages, within Δ when the model bounds delays.
                delay += self.rng.between(0, p.latency_max.max(1_000));
                if let Some(bound) = self.delay_bound(now, p) {
                    delay = delay.min(bound.max(1));
                }
            }
            let mut arrive_at = now + delay.max(1);
            if !reordered {
                let last = match (from, to) {
                    (Endpoint::Node(a), Endpoint::Node(b)) => {
                        &mut self.last_arrival[((a - 1) * self.nodes + (b - 1)) as usize]
                    }
                    _ => self.last_arrival_clients.entry((from, to)).or_insert(0),
                };
                arrive_at = arrive_at.max(*last);
                *last = arrive_at;
            }
            let lost = if !self.connected(from, to) {
                Some(LossCause::Partitioned)
            } else if self.rng.chance(p.loss) {
                Some(LossCause::Lost)
            } else {
                None
            };
            if lost.is_some() {
                // Show it dying part way along.
                arrive_at = now + (arrive_at - now) * self.rng.between(25, 75) / 100;
                arrive_at = arrive_at.max(now + 1);
            }
            out.push(Transit { arrive_at, lost });
        }
    }
}
