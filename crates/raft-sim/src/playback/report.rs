//! A run's outcome as plain data: what `raftsim run --json` prints and the page shows.
use crate::check::invariants::{Property, Violation};
use crate::check::linearizability::{check_run, LinearizabilityReport, DEFAULT_BUDGET};
use crate::check::liveness::Status;
use crate::engine::budget::Stopped;
use crate::engine::sim::Simulation;
use crate::engine::workload::HistoryOp;
use crate::scenario::{Scenario, ScenarioError};
use raft_core::{Configuration, EntryPayload, NodeId};
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Report {
    pub name: String,
    pub seed: u64,
    /// 16 hex digits: the same scenario gives the same hash everywhere.
    pub trace_hash: String,
    pub events: u64,
    pub end_ms: f64,
    /// Why the run stopped before its end (its budget of events or of memory ran out); null
    /// when it reached the end it was asked to reach.
    pub stopped: Option<Stopped>,
    /// Where and why it stopped, in words (null when `stopped` is).
    pub stopped_message: Option<String>,
    /// The disruption-control settings in force (thesis §9.6, §6.2).
    pub pre_vote: bool,
    pub check_quorum: bool,
    /// Leader liveliness (the paper's §6 rule; on unless the scenario switches it off).
    pub leader_liveliness: bool,
    /// Each distinct violation once, in the order they began (the first 100).
    pub violations: Vec<ViolationReport>,
    /// How many distinct violations were found (listed or not).
    pub violations_total: u64,
    pub nodes: Vec<NodeReport>,
    pub history: Vec<HistoryOp>,
    /// Whether the client history is linearizable (ok, violation with the operations involved,
    /// or unknown when the checker's step budget ran out).
    pub linearizability: LinearizabilityReport,
    /// The liveness properties (check/liveness.rs), each with where it stands: not judged,
    /// off, holding or failed. Not part of the trace hash.
    pub liveness: Vec<LivenessReport>,
}

/// One liveness property in a report.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LivenessReport {
    /// Its name, as `violations[].property` writes names ("Leader Elected").
    pub property: String,
    /// "not_judged", "off", "holding" or "failed".
    pub status: &'static str,
    /// How many times it was judged and held (leaders elected, requests answered, leaders
    /// guarded).
    pub judged: u64,
    /// For a failed one: when its bound passed, and what was seen.
    pub failed_ms: Option<f64>,
    pub failed_event: Option<u64>,
    pub message: Option<String>,
}

impl LivenessReport {
    pub fn of(property: Property, status: &Status) -> LivenessReport {
        let (name, judged, failure) = match status {
            Status::NotJudged => ("not_judged", 0, None),
            Status::Off => ("off", 0, None),
            Status::Holding { judged } => ("holding", *judged, None),
            Status::Failed(f) => ("failed", 0, Some(f)),
        };
        LivenessReport {
            property: property.name().to_string(),
            status: name,
            judged,
            failed_ms: failure.map(|f| f.time_us as f64 / 1000.0),
            failed_event: failure.map(|f| f.event),
            message: failure.map(|f| f.message.clone()),
        }
    }
    pub fn failed(&self) -> bool {
        self.status == "failed"
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ViolationReport {
    pub property: String,
    pub message: String,
    /// When it began: the event after which it was first detected (`time_ms` and `event` are
    /// the same moment, kept under their earlier names).
    pub began_ms: f64,
    pub began_event: u64,
    pub time_ms: f64,
    pub event: u64,
    /// When it ended (see `Violation::ended_us`); null: it still held at the end of the run.
    pub ended_ms: Option<f64>,
    pub ended_event: Option<u64>,
    /// Whether it is a lasting condition (checked again after every event) rather than
    /// something that happened in one event.
    pub lasting: bool,
    /// How many events it was detected after.
    pub detections: u64,
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
    /// A leader's leadership transfer in progress: the server it hands over to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transfer_to: Option<u32>,
    /// The configuration in force at this server (the latest in its log, committed or not).
    pub configuration: ConfigurationReport,
    /// Whether this server is part of its own configuration (a voter or a learner).
    pub member: bool,
    /// Whether it votes in its own configuration.
    pub voter: bool,
    /// Log compaction: lastIncludedIndex and lastIncludedTerm of the node's latest snapshot
    /// (0 and 0: none), and the index of the first entry in `log` (snapshot_index + 1).
    pub snapshot_index: u64,
    pub snapshot_term: u64,
    pub log_first_index: u64,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ConfigurationReport {
    /// The voters (C_old during joint consensus).
    pub voters: Vec<NodeId>,
    /// C_new during joint consensus.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new_voters: Option<Vec<NodeId>>,
    pub learners: Vec<NodeId>,
    /// The log index of the configuration entry (0: the one the server booted with).
    pub index: u64,
    /// Whether this server knows that entry to be committed.
    pub committed: bool,
}

impl ConfigurationReport {
    fn of(c: &Configuration, index: u64, commit_index: u64) -> Self {
        ConfigurationReport {
            voters: c.voters.iter().copied().collect(),
            new_voters: c.new_voters.as_ref().map(|n| n.iter().copied().collect()),
            learners: c.learners.iter().copied().collect(),
            index,
            committed: index <= commit_index,
        }
    }
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
            began_ms: v.time_us as f64 / 1000.0,
            began_event: v.event,
            time_ms: v.time_us as f64 / 1000.0,
            event: v.event,
            ended_ms: v.ended_us.map(|t| t as f64 / 1000.0),
            ended_event: v.ended_event,
            lasting: v.property.is_condition(),
            detections: v.detections,
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
                let status = slot.status.name();
                let bootstrap: &[NodeId] =
                    if sim.initial_members().contains(&slot.id) { sim.initial_members() } else { &[] };
                match &slot.raft {
                    Some(raft) => NodeReport {
                        configuration: ConfigurationReport::of(
                            raft.configuration(),
                            raft.configuration_index(),
                            raft.commit_index(),
                        ),
                        member: raft.configuration().contains(slot.id),
                        voter: raft.configuration().is_voter(slot.id),
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
                        transfer_to: raft.transfer_target(),
                        snapshot_index: raft.log().snapshot_index(),
                        snapshot_term: raft.log().snapshot_term(),
                        log_first_index: raft.log().first_index(),
                    },
                    // A crashed node shows what is on its disk.
                    None => {
                        // The latest configuration entry on disk, else the one its snapshot holds.
                        let (config, index) =
                            match (&slot.disk.snapshot, Configuration::latest_in(slot.disk.log.iter(), bootstrap)) {
                                (Some(snap), (_, 0)) => (snap.configuration.clone(), snap.configuration_index),
                                (_, latest) => latest,
                            };
                        NodeReport {
                            configuration: ConfigurationReport::of(&config, index, 0),
                            member: config.contains(slot.id),
                            voter: config.is_voter(slot.id),
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
                            transfer_to: None,
                            snapshot_index: slot.disk.log.snapshot_index(),
                            snapshot_term: slot.disk.log.snapshot_term(),
                            log_first_index: slot.disk.log.first_index(),
                        }
                    }
                }
            })
            .collect();
        Report {
            name: sim.scenario().name.clone(),
            seed: sim.scenario().seed,
            trace_hash: sim.trace_hash_hex(),
            events: sim.events(),
            end_ms: sim.now() as f64 / 1000.0,
            stopped: sim.stopped(),
            stopped_message: sim.stop_message(),
            pre_vote: sim.scenario().raft.pre_vote,
            check_quorum: sim.scenario().raft.check_quorum,
            leader_liveliness: sim.scenario().raft.leader_liveliness,
            violations: sim.violations().iter().map(ViolationReport::from).collect(),
            violations_total: sim.total_violations(),
            nodes,
            history: sim.history().to_vec(),
            linearizability: check_run(sim, DEFAULT_BUDGET),
            liveness: sim.liveness().iter().map(|(p, s)| LivenessReport::of(*p, s)).collect(),
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
