//! What the failure panel shows and keeps: the text typed into its fields (one draft), the
//! servers it names, and the partition and cuts in force in words. Plain data (no web types).
//!
//! Number fields keep the text typed, not a parsed number: Yew puts a field's value back on
//! each re-render, so a half-typed "0." must survive. Each part of the draft remembers the
//! value in force it was started from; when that value changes in the simulator (an apply, a
//! new scenario), [`FailureDraft::synced`] starts the part again from the new value, at render
//! time, so nothing has to re-sync the draft after the fact.
use crate::text::{t, tf};
use raft_core::NodeId;
use raft_sim::scenario::{CrashMode, NetworkSettings, NodeFaults, TimingModel};
use raft_sim::sim::NodeStatus;

/// The scenario format's default tail probability.
const DEFAULT_TAIL: f64 = 0.2;
/// A GST to offer when the network is not partially synchronous yet (virtual ms).
const DEFAULT_GST_MS: f64 = 5_000.0;
pub const GROUP_NAMES: [&str; 3] = ["A", "B", "C"];

/// Unparsable text becomes NaN, which the simulator rejects with a message.
pub fn number(text: &str) -> f64 {
    crate::number::parse_f64(text).unwrap_or(f64::NAN)
}

/// A choice made for a larger cluster falls back to S1.
pub fn in_range(id: NodeId, nodes: u32) -> NodeId {
    if (1..=nodes).contains(&id) {
        id
    } else {
        1
    }
}

pub fn status_of(statuses: &[NodeStatus], id: NodeId) -> Option<NodeStatus> {
    statuses.get((id as usize).wrapping_sub(1)).copied()
}

/// A server's state in words ("" when not known).
pub fn status_text(status: Option<NodeStatus>) -> &'static str {
    match status {
        None => "",
        Some(NodeStatus::Up) => t("failures.up"),
        Some(NodeStatus::Paused) => t("failures.paused"),
        Some(NodeStatus::Crashed(CrashMode::Stop)) => t("failures.crashed-stop"),
        Some(NodeStatus::Crashed(CrashMode::Recover)) => t("failures.crashed-recover"),
        Some(NodeStatus::Crashed(CrashMode::Amnesia)) => t("failures.crashed-amnesia"),
    }
}

/// A server's name in a select, with its state when known: "S2 (paused)".
pub fn node_label(statuses: &[NodeStatus], id: NodeId) -> String {
    match status_of(statuses, id) {
        None => format!("S{id}"),
        status => tf("failures.node-status", &[("node", &id.to_string()), ("status", status_text(status))]),
    }
}

/// Every server's faults, 1..=nodes (a server without an entry has none).
pub fn faults_of(nodes: u32, faults: &[NodeFaults]) -> Vec<NodeFaults> {
    (1..=nodes)
        .map(|id| {
            faults.iter().find(|f| f.node == id).cloned().unwrap_or(NodeFaults { node: id, ..NodeFaults::default() })
        })
        .collect()
}

pub fn groups_text(nodes: u32, groups: &Option<Vec<Vec<NodeId>>>) -> String {
    let Some(gs) = groups else { return t("failures.no-partition").into() };
    let name = |g: &[NodeId]| g.iter().map(|id| format!("S{id}")).collect::<Vec<_>>().join(" ");
    let mut parts: Vec<String> = gs.iter().filter(|g| !g.is_empty()).map(|g| format!("{{{}}}", name(g))).collect();
    let rest: Vec<NodeId> = (1..=nodes).filter(|id| !gs.iter().any(|g| g.contains(id))).collect();
    if !rest.is_empty() {
        parts.push(format!("{{{}}}", name(&rest)));
    }
    tf("failures.partitioned", &[("groups", &parts.join(" | "))])
}

pub fn cuts_text(cuts: &[(NodeId, NodeId)]) -> String {
    if cuts.is_empty() {
        t("failures.no-cuts").into()
    } else {
        let list: Vec<String> = cuts.iter().map(|(from, to)| format!("S{from}→S{to}")).collect();
        tf("failures.cuts", &[("cuts", &list.join(", "))])
    }
}

/// The partition and the one-way cuts in force, in two sentences.
pub fn partition_text(nodes: u32, groups: &Option<Vec<Vec<NodeId>>>, cuts: &[(NodeId, NodeId)]) -> String {
    tf("failures.partition-and-cuts", &[("partition", &groups_text(nodes, groups)), ("cuts", &cuts_text(cuts))])
}

/// What the panel's drafts start from: the settings and faults in force in the simulator.
#[derive(Clone, Debug, PartialEq)]
pub struct FailureSource {
    /// Servers are 1..=nodes (1 to 9).
    pub nodes: u32,
    pub network: NetworkSettings,
    /// The partition groups in force, None if there is no partition.
    pub groups: Option<Vec<Vec<NodeId>>>,
    /// Per node, index = id - 1.
    pub faults: Vec<NodeFaults>,
}

/// One node's omission and drift fields.
#[derive(Clone, Debug, PartialEq)]
pub struct FaultDraft {
    pub node: NodeId,
    pub send: String,
    pub receive: String,
    pub drift: String,
}

fn fault_drafts(nodes: u32, faults: &[NodeFaults]) -> Vec<FaultDraft> {
    faults_of(nodes, faults)
        .into_iter()
        .map(|f| FaultDraft {
            node: f.node,
            send: f.send_omission.to_string(),
            receive: f.receive_omission.to_string(),
            drift: f.drift.to_string(),
        })
        .collect()
}

/// Each node's group index (0 = A); nodes left out of the groups form one more group.
fn assignment_of(nodes: u32, groups: &Option<Vec<Vec<NodeId>>>) -> Vec<usize> {
    (1..=nodes)
        .map(|id| match groups {
            None => 0,
            Some(gs) => gs.iter().position(|g| g.contains(&id)).unwrap_or(gs.len()).min(GROUP_NAMES.len() - 1),
        })
        .collect()
}

/// The link-fault fields.
#[derive(Clone, Debug, PartialEq)]
pub struct LinkDraft {
    pub min_ms: String,
    pub max_ms: String,
    pub loss: String,
    pub duplicate: String,
    pub reorder: String,
}

impl LinkDraft {
    fn of(n: &NetworkSettings) -> Self {
        LinkDraft {
            min_ms: n.latency_ms[0].to_string(),
            max_ms: n.latency_ms[1].to_string(),
            loss: n.loss.to_string(),
            duplicate: n.duplicate.to_string(),
            reorder: n.reorder.to_string(),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Timing {
    Synchronous,
    PartiallySynchronous,
    Asynchronous,
}

/// The timing fields; GST and tail are kept while the student switches models.
#[derive(Clone, Debug, PartialEq)]
pub struct TimingDraft {
    pub kind: Timing,
    pub gst_ms: String,
    pub tail: String,
}

impl TimingDraft {
    fn of(t: &TimingModel) -> Self {
        let (kind, gst_ms, tail) = match *t {
            TimingModel::Synchronous => (Timing::Synchronous, DEFAULT_GST_MS, DEFAULT_TAIL),
            TimingModel::PartiallySynchronous { gst_ms, tail_probability } => {
                (Timing::PartiallySynchronous, gst_ms, tail_probability)
            }
            TimingModel::Asynchronous { tail_probability } => (Timing::Asynchronous, DEFAULT_GST_MS, tail_probability),
        };
        TimingDraft { kind, gst_ms: gst_ms.to_string(), tail: tail.to_string() }
    }

    /// The model the fields describe (numbers parsed only now; the simulator validates them).
    pub fn model(&self) -> TimingModel {
        match self.kind {
            Timing::Synchronous => TimingModel::Synchronous,
            Timing::PartiallySynchronous => {
                TimingModel::PartiallySynchronous { gst_ms: number(&self.gst_ms), tail_probability: number(&self.tail) }
            }
            Timing::Asynchronous => TimingModel::Asynchronous { tail_probability: number(&self.tail) },
        }
    }
}

/// Everything typed or chosen in the failure panel and not applied yet.
#[derive(Clone, Debug, PartialEq)]
pub struct FailureDraft {
    /// What each part below was started from (see [`FailureDraft::synced`]).
    from: FailureSource,
    pub faults: Vec<FaultDraft>,
    pub link: LinkDraft,
    pub timing: TimingDraft,
    /// Each server's group index in the partition being drawn up (index = id - 1).
    pub assignment: Vec<usize>,
    /// The servers chosen in the crash-stop and crash-recovery selects, and the cut's ends.
    pub stop_node: NodeId,
    pub recover_node: NodeId,
    pub cut_from: NodeId,
    pub cut_to: NodeId,
}

impl FailureDraft {
    pub fn of(source: &FailureSource) -> FailureDraft {
        FailureDraft {
            from: source.clone(),
            faults: fault_drafts(source.nodes, &source.faults),
            link: LinkDraft::of(&source.network),
            timing: TimingDraft::of(&source.network.timing),
            assignment: assignment_of(source.nodes, &source.groups),
            stop_node: 1,
            recover_node: 1,
            cut_from: 1,
            cut_to: 2,
        }
    }

    /// This draft where `source` still says what it was started from; each part whose value in
    /// force changed starts again from the new value (the other parts keep what was typed).
    pub fn synced(mut self, source: &FailureSource) -> FailureDraft {
        let was = &self.from;
        if (was.nodes, &was.faults) != (source.nodes, &source.faults) {
            self.faults = fault_drafts(source.nodes, &source.faults);
        }
        if LinkDraft::of(&was.network) != LinkDraft::of(&source.network) {
            self.link = LinkDraft::of(&source.network);
        }
        if was.network.timing != source.network.timing {
            self.timing = TimingDraft::of(&source.network.timing);
        }
        if (was.nodes, &was.groups) != (source.nodes, &source.groups) {
            self.assignment = assignment_of(source.nodes, &source.groups);
        }
        self.from = source.clone();
        self
    }

    /// The partition the group selects describe: servers by group, empty groups left out.
    pub fn partition(&self) -> Vec<Vec<NodeId>> {
        let nodes = self.from.nodes;
        (0..GROUP_NAMES.len())
            .map(|g| {
                (1..=nodes).filter(|id| self.assignment.get((id - 1) as usize).copied().unwrap_or(0) == g).collect()
            })
            .filter(|g: &Vec<NodeId>| !g.is_empty())
            .collect()
    }
}

impl FailureSource {
    pub fn of(sim: &raft_sim::Simulation) -> FailureSource {
        let network = sim.network();
        FailureSource {
            nodes: sim.scenario().nodes,
            network: network.settings().clone(),
            groups: network.groups(),
            faults: sim.nodes().iter().map(|n| n.faults.clone()).collect(),
        }
    }
}
