//! A run's outcome as plain data: what `raftsim run --json` prints and the page shows.
use crate::invariants::Violation;
use crate::scenario::{Scenario, ScenarioError};
use crate::sim::{NodeStatus, Simulation};
use crate::workload::HistoryOp;
use raft_core::EntryPayload;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Report {
    pub name: String,
    pub seed: u64,
    /// 16 hex digits: the same scenario gives the same hash everywhere.
    pub trace_hash: String,
    pub events: u64,
    pub end_ms: f64,
    pub violations: Vec<ViolationReport>,
    pub nodes: Vec<NodeReport>,
    pub history: Vec<HistoryOp>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ViolationReport {
    pub property: String,
    pub message: String,
    pub time_ms: f64,
    pub event: u64,
    pub nodes: Vec<u32>,
    pub entries: Vec<(u64, u64)>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct NodeReport {
    pub id: u32,
    /// follower, candidate or leader (the last role it had, for a crashed node).
    pub role: String,
    /// up, paused or crashed.
    pub status: String,
    pub term: u64,
    pub voted_for: Option<u32>,
    pub commit_index: u64,
    pub last_applied: u64,
    pub alive: bool,
    pub log: Vec<EntryReport>,
    pub kv: std::collections::BTreeMap<String, String>,
    /// Log compaction: lastIncludedIndex and lastIncludedTerm of the node's latest snapshot
    /// (0 and 0: none), and the index of the first entry in `log` (snapshot_index + 1).
    pub snapshot_index: u64,
    pub snapshot_term: u64,
    pub log_first_index: u64,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct EntryReport {
    pub term: u64,
    pub command: String,
}

impl From<&Violation> for ViolationReport {
    fn from(v: &Violation) -> Self {
        ViolationReport {
            property: v.property.name().to_string(),
            message: v.message.clone(),
            time_ms: v.time_us as f64 / 1000.0,
            event: v.event,
            nodes: v.nodes.clone(),
            entries: v.entries.clone(),
        }
    }
}

impl Report {
    pub fn of(sim: &Simulation) -> Report {
        let nodes = sim
            .nodes()
            .iter()
            .map(|slot| {
                let status = match slot.status {
                    NodeStatus::Up => "up",
                    NodeStatus::Paused => "paused",
                    NodeStatus::Crashed(_) => "crashed",
                };
                match &slot.raft {
                    Some(raft) => NodeReport {
                        id: slot.id,
                        role: raft.role().to_string(),
                        status: status.into(),
                        term: raft.current_term(),
                        voted_for: raft.voted_for(),
                        commit_index: raft.commit_index(),
                        last_applied: raft.last_applied(),
                        alive: true,
                        log: raft
                            .log()
                            .iter()
                            .map(|e| EntryReport { term: e.term, command: command_text(&e.payload) })
                            .collect(),
                        kv: raft.kv().data().clone(),
                        snapshot_index: raft.log().snapshot_index(),
                        snapshot_term: raft.log().snapshot_term(),
                        log_first_index: raft.log().first_index(),
                    },
                    // A crashed node shows what is on its disk.
                    None => NodeReport {
                        id: slot.id,
                        role: "follower".into(),
                        status: status.into(),
                        term: slot.disk.current_term,
                        voted_for: slot.disk.voted_for,
                        commit_index: 0,
                        last_applied: 0,
                        alive: false,
                        log: slot
                            .disk
                            .log
                            .iter()
                            .map(|e| EntryReport { term: e.term, command: command_text(&e.payload) })
                            .collect(),
                        kv: Default::default(),
                        snapshot_index: slot.disk.log.snapshot_index(),
                        snapshot_term: slot.disk.log.snapshot_term(),
                        log_first_index: slot.disk.log.first_index(),
                    },
                }
            })
            .collect();
        Report {
            name: sim.scenario().name.clone(),
            seed: sim.scenario().seed,
            trace_hash: sim.trace_hash_hex(),
            events: sim.events(),
            end_ms: sim.now() as f64 / 1000.0,
            violations: sim.violations().iter().map(ViolationReport::from).collect(),
            nodes,
            history: sim.history().to_vec(),
        }
    }
}

fn command_text(payload: &EntryPayload) -> String {
    payload.to_string()
}

/// Run a scenario to its end (or to `until_ms`, if earlier) and report.
pub fn run_scenario(scenario: &Scenario, until_ms: Option<u64>) -> Result<Report, ScenarioError> {
    let mut sim = Simulation::new(scenario)?;
    match until_ms {
        Some(ms) => sim.run_until(ms.saturating_mul(1000)),
        None => sim.run_to_end(),
    }
    Ok(Report::of(&sim))
}
