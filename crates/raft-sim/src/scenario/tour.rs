//! Guided tours: stories told with the real simulator. A tour is data (one JSON file per tour in
//! `crates/raft-sim/tours/`, documented in docs/tour-format.md): an ordered list of steps, each
//! with a short text, the scenario state it shows, what to highlight, the claims its text makes
//! (checked by tests, so a tour can never say something its scenario does not do) and optionally
//! a "now you try" task the page checks while the student plays.
//!
//! Every step is self-contained — the scenario of the step (or of the nearest earlier step that
//! names one) plus the actions of the steps since, run to the step's start — so a link can open
//! any step directly and always shows the same thing.
use crate::check::invariants::Property;
use crate::engine::sim::{NodeStatus, Simulation};
use crate::scenario::builtin;
use crate::scenario::{ms_to_us, Action, Scenario, ScenarioError, TimedAction, MAX_SCENARIO_BYTES};
use raft_core::{Index, NodeId, Role, Term};
use serde::{Deserialize, Serialize};

/// The tours shipped with the playground, in teaching order: files in `tours/`. The page
/// fetches them when it starts (they are content, not code, and stay out of its wasm); the CLI
/// and the tests embed them (`embedded-tours`).
pub const TOUR_FILE_NAMES: &[&str] = &[
    // The course's order (issue 18): the protocols that lead up to Raft, then Raft's tours.
    "c1-clocks.json",
    "c2-snapshots.json",
    "c3-replication.json",
    "c4-failure-detection.json",
    "c5-two-generals.json",
    "c6-flood-consensus.json",
    "01-replicated-state-machines.json",
    "02-leader-election.json",
    "03-split-vote.json",
    "04-log-replication.json",
    "04a-four-indexes.json",
    "05-leader-crash.json",
    "06-log-repair.json",
    "07-partitions.json",
    "08-safety.json",
    "09-persistence.json",
    "09a-failures-and-availability.json",
    "10-failure-models.json",
    "11-timing.json",
    "12-membership-changes.json",
    "12a-joint-consensus-crash.json",
    "13-snapshots.json",
    "13a-copy-on-write.json",
    "14-prevote-checkquorum.json",
    "14a-client-command-ids.json",
    "15-linearizable-reads.json",
    "16-how-we-know.json",
];

#[cfg(feature = "embedded-tours")]
const TOUR_FILES: &[&str] = &[
    include_str!("../../tours/c1-clocks.json"),
    include_str!("../../tours/c2-snapshots.json"),
    include_str!("../../tours/c3-replication.json"),
    include_str!("../../tours/c4-failure-detection.json"),
    include_str!("../../tours/c5-two-generals.json"),
    include_str!("../../tours/c6-flood-consensus.json"),
    include_str!("../../tours/01-replicated-state-machines.json"),
    include_str!("../../tours/02-leader-election.json"),
    include_str!("../../tours/03-split-vote.json"),
    include_str!("../../tours/04-log-replication.json"),
    include_str!("../../tours/04a-four-indexes.json"),
    include_str!("../../tours/05-leader-crash.json"),
    include_str!("../../tours/06-log-repair.json"),
    include_str!("../../tours/07-partitions.json"),
    include_str!("../../tours/08-safety.json"),
    include_str!("../../tours/09-persistence.json"),
    include_str!("../../tours/09a-failures-and-availability.json"),
    include_str!("../../tours/10-failure-models.json"),
    include_str!("../../tours/11-timing.json"),
    include_str!("../../tours/12-membership-changes.json"),
    include_str!("../../tours/12a-joint-consensus-crash.json"),
    include_str!("../../tours/13-snapshots.json"),
    include_str!("../../tours/13a-copy-on-write.json"),
    include_str!("../../tours/14-prevote-checkquorum.json"),
    include_str!("../../tours/14a-client-command-ids.json"),
    include_str!("../../tours/15-linearizable-reads.json"),
    include_str!("../../tours/16-how-we-know.json"),
];

/// A tour file is refused above this size, and above this many steps.
pub const MAX_STEPS: usize = 100;
const MAX_TEXT: usize = 4_000;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tour {
    /// Short, URL-safe: deep links name a tour by it.
    pub id: String,
    pub title: String,
    /// One sentence for the tour menu.
    pub summary: String,
    pub steps: Vec<Step>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    pub title: String,
    /// Paragraphs of plain text.
    pub text: Vec<String>,
    /// The protocol of the step's built-in when it is not Raft (flood consensus, the Two
    /// Generals, primary-backup…): the step then runs that built-in, and says what its run shows
    /// with `shows` instead of `claims` (it has no actions or task).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protocol: Option<String>,
    /// The scenario this step (and the following ones, until another names one) runs: a
    /// built-in by name, or a whole scenario. (Two fields rather than an untagged enum: serde
    /// would buffer and deserialize a scenario a second way, and the page would carry both.)
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub builtin: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scenario: Option<Box<Scenario>>,
    /// Actions added to the scenario's timeline from this step on (times are of the run).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub actions: Vec<TimedAction>,
    /// The step opens at this moment of the run (replayed at once).
    #[serde(default)]
    pub start_ms: f64,
    /// The page then plays to this moment and pauses (none: it plays on).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pause_ms: Option<f64>,
    /// Playing speed as a power of ten (-1 is 0.1x); the page's default when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub speed_exp: Option<f64>,
    #[serde(default)]
    pub highlight: Highlight,
    /// What the text says happens, checked by the tour tests.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub claims: Vec<Claim>,
    /// What another protocol's run shows (see `protocol`), checked like `claims`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub shows: Vec<crate::scenario::shows::Shows>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task: Option<Task>,
}

/// What the page draws attention to.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Highlight {
    pub nodes: Vec<NodeId>,
    /// Message kinds, e.g. "RequestVote".
    pub messages: Vec<String>,
    /// Panels of the page: "log", "monitor", "history", "clients", "failures", "settings".
    pub panels: Vec<String>,
}

/// A statement about the run at a moment (by default the step's pause, or its start). Read
/// through `CheckFlat` (flat.rs), which refuses unknown fields; written flattened.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "crate::scenario::flat::CheckFlat")]
pub struct Claim {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at_ms: Option<f64>,
    #[serde(flatten)]
    pub check: Check,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "check", rename_all = "snake_case", deny_unknown_fields)]
#[serde(try_from = "crate::scenario::flat::CheckFlat")]
pub enum Check {
    /// Exactly one running server believes it leads its current term (and it is `node`, of
    /// `term`, when given).
    Leader {
        #[serde(default)]
        node: Option<NodeId>,
        #[serde(default)]
        term: Option<Term>,
    },
    /// No running server is leader.
    NoLeader,
    Role {
        node: NodeId,
        role: Role,
    },
    /// Every running server (or `node`) has currentTerm ≥ term.
    TermAtLeast {
        #[serde(default)]
        node: Option<NodeId>,
        term: Term,
    },
    /// Every running server (or `node`) has commitIndex ≥ index.
    Committed {
        #[serde(default)]
        node: Option<NodeId>,
        index: Index,
    },
    /// `node`'s last log index is exactly `length`: the length of its log counting the entries
    /// a snapshot replaced, since indexes run on after compaction (§7). With no snapshot, the
    /// number of entries it holds; after one through `i`, it holds `length - i`.
    LogLength {
        node: NodeId,
        length: Index,
    },
    /// Every running server (or `node`) maps key to value in its state machine.
    Value {
        #[serde(default)]
        node: Option<NodeId>,
        key: String,
        value: String,
    },
    /// `node` voted for `candidate` in its current term.
    VotedFor {
        node: NodeId,
        candidate: NodeId,
    },
    Crashed {
        node: NodeId,
    },
    /// `node` is paused (a stop-the-world pause: its state kept, its events waiting).
    Paused {
        node: NodeId,
    },
    /// `node` has a snapshot and its state machine's data is (`shared` true) or is no longer
    /// (false) shared with it: copy-on-write, the first write after a snapshot copies the data.
    SnapshotShared {
        node: NodeId,
        shared: bool,
    },
    /// A safety property (or any, without `property`) has broken; for a liveness property
    /// (`leader-elected`, `requests-answered`, `leader-kept`), it has failed (check/liveness.rs).
    Violation {
        #[serde(default)]
        property: Option<String>,
    },
    /// No safety property has broken (liveness failures are not counted).
    NoViolation,
    /// `node`'s log holds an entry at `index` with `term` (an overwritten entry changes term).
    EntryTerm {
        node: NodeId,
        index: Index,
        term: Term,
    },
    /// `node`'s commitIndex is exactly `index` (says what has not committed yet).
    CommitIndex {
        node: NodeId,
        index: Index,
    },
    /// `leader` leads and its nextIndex for `follower` is `index`: where it will probe next.
    NextIndex {
        leader: NodeId,
        follower: NodeId,
        index: Index,
    },
    /// `node` is a candidate holding exactly these votes of its current election: `granted`
    /// (its own included) and `denied`. Says who refused, and why nobody won. Also holds for
    /// a leader, with the votes counted until it won (later replies are not counted).
    Votes {
        node: NodeId,
        granted: Vec<NodeId>,
        #[serde(default)]
        denied: Vec<NodeId>,
    },
    /// The most recently sent get of `key` that has an answer was answered by `node` with
    /// `value`: what a client was told, right or stale.
    ReadAnswer {
        node: NodeId,
        key: String,
        value: String,
    },
    /// A client's get of `key` has been sent and has no answer yet (a server holds it).
    ReadPending {
        key: String,
    },
    /// The linearizability checker's verdict on the client history so far (operations without
    /// an answer count as open): `true` when it finds an order, `false` when it proves none.
    Linearizable {
        holds: bool,
    },
    /// `node`'s log starts after a snapshot through exactly `index` (0: nothing compacted).
    SnapshotIndex {
        node: NodeId,
        index: Index,
    },
    /// `node`'s current configuration (the latest in its log, committed or not) has exactly
    /// these `voters` (C_old in joint consensus), `new_voters` (C_new; absent: not joint) and
    /// `learners`.
    Configuration {
        node: NodeId,
        voters: Vec<NodeId>,
        #[serde(default)]
        new_voters: Option<Vec<NodeId>>,
        #[serde(default)]
        learners: Vec<NodeId>,
    },
    /// `node`'s lastApplied (the highest index its state machine has applied) is exactly `index`.
    LastApplied {
        node: NodeId,
        index: Index,
    },
    /// `leader` leads and its matchIndex for `follower` (the highest index known to be
    /// replicated there) is `index`.
    MatchIndex {
        leader: NodeId,
        follower: NodeId,
        index: Index,
    },
    /// `node`'s state machine has applied the operator's request number `request` (the
    /// timeline's client requests are numbered from 1 in the order sent) exactly `times` times
    /// since the server last booted. A retry its client session recognised does not count.
    Applied {
        node: NodeId,
        request: u64,
        times: u32,
    },
    /// The operator's request number `request` was answered by `node` with `value` (a get's
    /// value, or the value a put replaced; absent: there was none).
    Answer {
        request: u64,
        node: NodeId,
        #[serde(default)]
        value: Option<String>,
    },
    /// The operator's request number `request` has been sent and has no answer yet.
    Unanswered {
        request: u64,
    },
    /// A client of the workload sent its put of `key` = `value` again after a timeout exactly
    /// `times` times (no answer reached it in time: lost, or late). The workload's puts write
    /// values unique to the client and request, so key and value name one request.
    Retried {
        client: u64,
        key: String,
        value: String,
        times: u32,
    },
    /// The cluster's availability so far, as the lab measures it (up: a leader can commit):
    /// exactly `failures` up periods ended and `repairs` down periods ended since the first
    /// leader; optionally it is `up` now, and MTTF, MTTR (ms) and the share of time up lie in
    /// [min, max] (the share both as measured and as MTTF / (MTTF + MTTR)).
    Availability {
        failures: u32,
        repairs: u32,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        up: Option<bool>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        mttf_ms: Option<[f64; 2]>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        mttr_ms: Option<[f64; 2]>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        share: Option<[f64; 2]>,
    },
}

/// A "now you try": a goal the page checks every frame once the step is reached.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Task {
    pub prompt: String,
    pub goal: Goal,
    /// Said when the goal is reached.
    pub success: String,
    /// Operator actions that reach the goal, applied one after the other at the step's pause:
    /// the tests use them to prove the task can be done.
    pub solution: Vec<Action>,
    /// How long after the solution the goal must hold (ms of virtual time).
    #[serde(default = "default_within_ms")]
    pub within_ms: f64,
}

fn default_within_ms() -> f64 {
    3_000.0
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "goal", rename_all = "snake_case", deny_unknown_fields)]
#[serde(try_from = "crate::scenario::flat::GoalFlat")]
pub enum Goal {
    /// A leader of a higher term than any leader when the task began.
    NewLeader,
    /// The check holds.
    Holds { check: Check },
}

/// What a goal is measured against: the state when the task was given.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Baseline {
    pub leader_term: Term,
}

impl Baseline {
    pub fn of(sim: &Simulation) -> Baseline {
        Baseline { leader_term: leader_term(sim).unwrap_or(0) }
    }
}

fn leader_term(sim: &Simulation) -> Option<Term> {
    running(sim).filter(|(_, r)| r.role() == Role::Leader).map(|(_, r)| r.current_term()).max()
}

fn running(sim: &Simulation) -> impl Iterator<Item = (NodeId, &raft_core::RaftNode)> + '_ {
    sim.nodes().iter().filter(|s| s.status == NodeStatus::Up).filter_map(|s| s.raft.as_ref().map(|r| (s.id, r)))
}

/// "S1, S3" (or "nobody"): Debug output would bring its own formatting code into the page.
fn servers(ids: &[NodeId]) -> String {
    if ids.is_empty() {
        return "nobody".into();
    }
    ids.iter().map(|n| format!("S{n}")).collect::<Vec<_>>().join(", ")
}

/// A safety or liveness property by its kebab-case name (`leader-completeness`,
/// `leader-elected`).
pub(crate) fn property_named(name: &str) -> Option<Property> {
    Property::ALL
        .into_iter()
        .chain(Property::LIVENESS)
        .find(|p| serde_json::to_value(p).ok().and_then(|v| v.as_str().map(|s| s == name)) == Some(true))
}

impl Check {
    /// Whether the check holds now; Err says, in words, what was seen instead.
    pub fn evaluate(&self, sim: &Simulation) -> Result<(), String> {
        let pick = |node: Option<NodeId>| -> Vec<(NodeId, &raft_core::RaftNode)> {
            running(sim).filter(|(id, _)| node.is_none_or(|n| n == *id)).collect()
        };
        let fail = |what: String| Err(what);
        match self {
            Check::Leader { node, term } => {
                let leaders: Vec<_> = running(sim).filter(|(_, r)| r.role() == Role::Leader).collect();
                match leaders.as_slice() {
                    [(id, r)] if node.is_none_or(|n| n == *id) && term.is_none_or(|t| t == r.current_term()) => Ok(()),
                    [] => fail("no server is leader".into()),
                    [(id, r)] => fail(format!("S{id} leads term {}", r.current_term())),
                    many => fail(format!(
                        "{} servers believe they lead: {}",
                        many.len(),
                        many.iter()
                            .map(|(id, r)| format!("S{id} (term {})", r.current_term()))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )),
                }
            }
            Check::NoLeader => match running(sim).find(|(_, r)| r.role() == Role::Leader) {
                None => Ok(()),
                Some((id, r)) => fail(format!("S{id} leads term {}", r.current_term())),
            },
            Check::Role { node, role } => match pick(Some(*node)).first() {
                Some((_, r)) if r.role() == *role => Ok(()),
                Some((_, r)) => fail(format!("S{node} is {}", r.role())),
                None => fail(format!("S{node} is not running")),
            },
            Check::TermAtLeast { node, term } => match pick(*node).iter().find(|(_, r)| r.current_term() < *term) {
                None if !pick(*node).is_empty() => Ok(()),
                None => fail("no such running server".into()),
                Some((id, r)) => fail(format!("S{id} is in term {}", r.current_term())),
            },
            Check::Committed { node, index } => match pick(*node).iter().find(|(_, r)| r.commit_index() < *index) {
                None if !pick(*node).is_empty() => Ok(()),
                None => fail("no such running server".into()),
                Some((id, r)) => fail(format!("S{id} has commitIndex {}", r.commit_index())),
            },
            Check::LogLength { node, length } => match pick(Some(*node)).first() {
                Some((_, r)) if r.log().last_index() == *length => Ok(()),
                Some((_, r)) => match r.log().snapshot_index() {
                    0 => fail(format!("S{node}'s log ends at index {}", r.log().last_index())),
                    through => fail(format!(
                        "S{node}'s log ends at index {} (a snapshot through {through}, then {} entries)",
                        r.log().last_index(),
                        r.log().len()
                    )),
                },
                None => fail(format!("S{node} is not running")),
            },
            Check::Value { node, key, value } => {
                let servers = pick(*node);
                match servers.iter().find(|(_, r)| r.kv().data().get(key) != Some(value)) {
                    None if !servers.is_empty() => Ok(()),
                    None => fail("no such running server".into()),
                    Some((id, r)) => {
                        fail(format!("S{id} has {key} = {}", r.kv().data().get(key).map_or("nothing", |v| v.as_str())))
                    }
                }
            }
            Check::VotedFor { node, candidate } => match pick(Some(*node)).first() {
                Some((_, r)) if r.voted_for() == Some(*candidate) => Ok(()),
                Some((_, r)) => fail(format!(
                    "S{node} voted for {} in term {}",
                    r.voted_for().map_or("nobody".into(), |v| format!("S{v}")),
                    r.current_term()
                )),
                None => fail(format!("S{node} is not running")),
            },
            Check::SnapshotShared { node, shared } => match pick(Some(*node)).first() {
                Some((_, r)) => match r.snapshot() {
                    Some(snap) if snap.kv.shares_data_with(r.kv()) == *shared => Ok(()),
                    Some(_) if *shared => {
                        fail(format!("S{node}'s state machine has copied its data since the snapshot"))
                    }
                    Some(_) => fail(format!("S{node}'s state machine still shares its data with the snapshot")),
                    None => fail(format!("S{node} has no snapshot")),
                },
                None => fail(format!("S{node} is not running")),
            },
            Check::Paused { node } => match sim.node(*node).map(|s| s.status) {
                Some(NodeStatus::Paused) => Ok(()),
                Some(NodeStatus::Up) => fail(format!("S{node} is up")),
                Some(NodeStatus::Crashed(_)) => fail(format!("S{node} is crashed")),
                None => fail(format!("there is no S{node}")),
            },
            Check::Crashed { node } => match sim.node(*node).map(|s| s.status) {
                Some(NodeStatus::Crashed(_)) => Ok(()),
                Some(NodeStatus::Up) => fail(format!("S{node} is up")),
                Some(NodeStatus::Paused) => fail(format!("S{node} is paused")),
                None => fail(format!("there is no S{node}")),
            },
            Check::Violation { property } => {
                let wanted = match property {
                    Some(name) => Some(property_named(name).ok_or_else(|| format!("unknown property '{name}'"))?),
                    None => None,
                };
                // A liveness property names its own failure; without a name, a safety violation.
                let liveness = wanted.filter(|p| p.is_liveness());
                if let Some(p) = liveness {
                    match sim.liveness().into_iter().find(|(q, _)| *q == p) {
                        Some((_, crate::check::liveness::Status::Failed(_))) => Ok(()),
                        _ => fail(format!("{p} has not failed")),
                    }
                } else if sim.violations().iter().any(|v| wanted.is_none_or(|p| p == v.property)) {
                    Ok(())
                } else {
                    fail("no such violation".into())
                }
            }
            Check::NoViolation => match sim.violations().first() {
                None => Ok(()),
                Some(v) => fail(format!("{} broke: {}", v.property, v.message)),
            },
            Check::EntryTerm { node, index, term } => match pick(Some(*node)).first() {
                Some((_, r)) => match r.log().get(*index) {
                    Some(e) if e.term == *term => Ok(()),
                    Some(e) => fail(format!("S{node}'s entry {index} is of term {}", e.term)),
                    None => fail(format!("S{node}'s log has no entry {index}")),
                },
                None => fail(format!("S{node} is not running")),
            },
            Check::CommitIndex { node, index } => match pick(Some(*node)).first() {
                Some((_, r)) if r.commit_index() == *index => Ok(()),
                Some((_, r)) => fail(format!("S{node} has commitIndex {}", r.commit_index())),
                None => fail(format!("S{node} is not running")),
            },
            Check::NextIndex { leader, follower, index } => match pick(Some(*leader)).first() {
                Some((_, r)) if r.role() != Role::Leader => fail(format!("S{leader} is {}", r.role())),
                Some((_, r)) => match r.next_index().get(follower) {
                    Some(next) if next == index => Ok(()),
                    Some(next) => fail(format!("S{leader}'s nextIndex for S{follower} is {next}")),
                    None => fail(format!("S{leader} keeps no nextIndex for S{follower}")),
                },
                None => fail(format!("S{leader} is not running")),
            },
            Check::MatchIndex { leader, follower, index } => match pick(Some(*leader)).first() {
                Some((_, r)) if r.role() != Role::Leader => fail(format!("S{leader} is {}", r.role())),
                Some((_, r)) => match r.match_index().get(follower) {
                    Some(m) if m == index => Ok(()),
                    Some(m) => fail(format!("S{leader}'s matchIndex for S{follower} is {m}")),
                    None => fail(format!("S{leader} keeps no matchIndex for S{follower}")),
                },
                None => fail(format!("S{leader} is not running")),
            },
            Check::LastApplied { node, index } => match pick(Some(*node)).first() {
                Some((_, r)) if r.last_applied() == *index => Ok(()),
                Some((_, r)) => fail(format!("S{node}'s lastApplied is {}", r.last_applied())),
                None => fail(format!("S{node} is not running")),
            },
            Check::Applied { node, request, times } => match (pick(Some(*node)).first(), sim.node(*node)) {
                (Some(_), Some(slot)) if slot.times_applied(*request) == *times => Ok(()),
                (Some(_), Some(slot)) => fail(format!(
                    "S{node}'s state machine applied request #{request} {} times",
                    slot.times_applied(*request)
                )),
                _ => fail(format!("S{node} is not running")),
            },
            Check::Answer { request, node, value } => match sim.script_history().find(|h| h.seq == *request) {
                Some(h) if h.completed_us.is_some() && h.answered_by == Some(*node) && h.value == *value => Ok(()),
                Some(h) if h.completed_us.is_some() => fail(format!(
                    "request #{request} was answered by {} with {}",
                    h.answered_by.map_or("nobody".to_string(), |n| format!("S{n}")),
                    h.value.as_deref().unwrap_or("none")
                )),
                Some(_) => fail(format!("request #{request} has no answer")),
                None => fail(format!("there is no request #{request}")),
            },
            Check::Unanswered { request } => match sim.script_history().find(|h| h.seq == *request) {
                Some(h) if h.completed_us.is_none() => Ok(()),
                Some(h) => fail(format!(
                    "request #{request} was answered by {}",
                    h.answered_by.map_or("nobody".to_string(), |n| format!("S{n}"))
                )),
                None => fail(format!("there is no request #{request}")),
            },
            Check::Retried { client, key, value, times } => {
                let put = |h: &&crate::engine::workload::HistoryOp| {
                    h.client == *client
                        && matches!(&h.op, raft_core::Op::Put { key: k, value: v } if k.as_str() == key.as_str() && v.as_str() == value.as_str())
                };
                match sim.history().iter().find(put) {
                    Some(h) if h.retries == *times => Ok(()),
                    Some(h) => fail(format!("client {client}'s put {key}={value} was sent again {} times", h.retries)),
                    None => fail(format!("client {client} has sent no put {key}={value}")),
                }
            }
            Check::Availability { failures, repairs, up, mttf_ms, mttr_ms, share } => {
                let Some(a) = sim.availability() else {
                    return fail("availability is not measured in this run".into());
                };
                let within = |v: Option<f64>, range: &Option<[f64; 2]>| {
                    range.is_none_or(|[lo, hi]| v.is_some_and(|v| lo <= v && v <= hi))
                };
                let ms = |us: Option<f64>| us.map(|us| us / 1_000.0);
                let held = a.failures == *failures
                    && a.repairs == *repairs
                    && up.is_none_or(|u| u == a.up_now)
                    && within(ms(a.mttf_us), mttf_ms)
                    && within(ms(a.mttr_us), mttr_ms)
                    && within(a.measured, share)
                    && (share.is_none() || within(a.formula, share));
                let shown = |v: Option<f64>| v.map_or("unknown".to_string(), |v| format!("{v:.3}"));
                if held {
                    Ok(())
                } else {
                    fail(format!(
                        "{} failures, {} repairs, {} now, MTTF {} ms, MTTR {} ms, up {} of the time (formula {})",
                        a.failures,
                        a.repairs,
                        if a.up_now { "up" } else { "down" },
                        shown(ms(a.mttf_us)),
                        shown(ms(a.mttr_us)),
                        shown(a.measured),
                        shown(a.formula)
                    ))
                }
            }
            Check::Votes { node, granted, denied } => match pick(Some(*node)).first() {
                Some((_, r)) if r.role() == Role::Follower => fail(format!("S{node} is {}", r.role())),
                Some((_, r)) => {
                    let names = |set: &mut dyn Iterator<Item = NodeId>| {
                        let mut ids: Vec<NodeId> = set.collect();
                        ids.sort_unstable();
                        ids.dedup();
                        ids
                    };
                    let has =
                        (names(&mut r.votes_granted().iter().copied()), names(&mut r.votes_denied().iter().copied()));
                    let want = (names(&mut granted.iter().copied()), names(&mut denied.iter().copied()));
                    if has == want {
                        Ok(())
                    } else {
                        fail(format!("S{node} holds votes from {}, refusals from {}", servers(&has.0), servers(&has.1)))
                    }
                }
                None => fail(format!("S{node} is not running")),
            },
            Check::ReadAnswer { node, key, value } => {
                let answered =
                    sim.history().iter().rev().find(|h| {
                        matches!(&h.op, raft_core::Op::Get { key: k } if k == key) && h.completed_us.is_some()
                    });
                match answered {
                    Some(h) if h.answered_by == Some(*node) && h.value.as_ref() == Some(value) => Ok(()),
                    Some(h) => fail(format!(
                        "the last answered get of {key} was answered by {} with {:?}",
                        h.answered_by.map_or("nobody".to_string(), |n| format!("S{n}")),
                        h.value
                    )),
                    None => fail(format!("no get of {key} has been answered")),
                }
            }
            Check::ReadPending { key } => {
                let pending = sim
                    .history()
                    .iter()
                    .any(|h| matches!(&h.op, raft_core::Op::Get { key: k } if k == key) && h.completed_us.is_none());
                if pending {
                    Ok(())
                } else {
                    fail(format!("no get of {key} is waiting for an answer"))
                }
            }
            Check::Linearizable { holds } => {
                use crate::check::linearizability::{Verdict, DEFAULT_BUDGET};
                let report = crate::check::linearizability::check_run(sim, DEFAULT_BUDGET);
                match (report.verdict, holds) {
                    (Verdict::Ok, true) | (Verdict::Violation, false) => Ok(()),
                    (Verdict::Unknown, _) => fail(format!("the checker gave no answer: {}", report.message)),
                    _ => fail(report.message),
                }
            }
            Check::SnapshotIndex { node, index } => match pick(Some(*node)).first() {
                Some((_, r)) if r.log().snapshot_index() == *index => Ok(()),
                Some((_, r)) => {
                    fail(format!("S{node}'s log starts after a snapshot through {}", r.log().snapshot_index()))
                }
                None => fail(format!("S{node} is not running")),
            },
            Check::Configuration { node, voters, new_voters, learners } => match pick(Some(*node)).first() {
                Some((_, r)) => {
                    let set = |ids: &[NodeId]| raft_core::ordered::set_of(ids.iter().copied());
                    let c = r.configuration();
                    let same = c.voters == set(voters)
                        && c.new_voters == new_voters.as_deref().map(set)
                        && c.learners == set(learners);
                    if same {
                        Ok(())
                    } else {
                        fail(format!("S{node}'s configuration is {c}"))
                    }
                }
                None => fail(format!("S{node} is not running")),
            },
        }
    }
}

impl Goal {
    pub fn reached(&self, sim: &Simulation, baseline: Baseline) -> bool {
        match self {
            Goal::NewLeader => leader_term(sim).is_some_and(|t| t > baseline.leader_term),
            Goal::Holds { check } => check.evaluate(sim).is_ok(),
        }
    }
}

impl Tour {
    pub fn from_json(text: &str) -> Result<Tour, ScenarioError> {
        if text.len() > MAX_SCENARIO_BYTES {
            return Err(ScenarioError::new("", format!("a tour file may hold at most {MAX_SCENARIO_BYTES} bytes")));
        }
        let tour: Tour = crate::scenario::shape::parse_strict(text, &crate::scenario::shape::TOUR)
            .map_err(|e| ScenarioError::new(e.field, format!("not a valid tour: {}", e.problem)))?;
        tour.validate()?;
        Ok(tour)
    }

    fn validate(&self) -> Result<(), ScenarioError> {
        let err = |path: String, message: String| Err(ScenarioError::new(&path, message));
        if self.id.is_empty() || !self.id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-') {
            return err("id".into(), "a tour id is lower-case letters, digits and '-'".into());
        }
        if self.steps.is_empty() || self.steps.len() > MAX_STEPS {
            return err("steps".into(), format!("a tour has 1 to {MAX_STEPS} steps"));
        }
        for (i, step) in self.steps.iter().enumerate() {
            if step.text.iter().map(String::len).sum::<usize>() > MAX_TEXT {
                return err(format!("steps[{i}].text"), format!("at most {MAX_TEXT} characters"));
            }
            if !step.start_ms.is_finite() || step.start_ms < 0.0 {
                return err(format!("steps[{i}].start_ms"), "must be a time of the run, 0 or more".into());
            }
            crate::scenario::speed::check_speed(&format!("steps[{i}].speed_exp"), step.speed_exp)?;
            if step.pause_ms.is_some_and(|pause| !pause.is_finite()) {
                return err(format!("steps[{i}].pause_ms"), "must be a time of the run".into());
            }
            if step.pause_ms.is_some_and(|pause| pause < step.start_ms) {
                return err(format!("steps[{i}].pause_ms"), "must not be before start_ms".into());
            }
            if let Some((protocol, _)) = self.course_step(i) {
                let raft_only = [
                    (!step.claims.is_empty(), "claims"),
                    (!step.actions.is_empty(), "actions"),
                    (step.task.is_some(), "task"),
                    (step.scenario.is_some(), "scenario"),
                ];
                if let Some((_, field)) = raft_only.iter().find(|(on, _)| *on) {
                    return err(
                        format!("steps[{i}].{field}"),
                        format!("is for Raft steps; this step runs a '{protocol}' built-in (say what it shows with 'shows')"),
                    );
                }
                if step.protocol.as_deref() == Some(crate::scenario::protocol::RAFT) {
                    return err(format!("steps[{i}].protocol"), "leave it out for a Raft step".into());
                }
                if let Some((k, problem)) = step.shows.iter().enumerate().find_map(|(k, c)| Some((k, c.problem()?))) {
                    return err(format!("steps[{i}].shows[{k}]"), problem);
                }
                continue;
            }
            if !step.shows.is_empty() {
                return err(format!("steps[{i}].shows"), "is for a step about another protocol ('protocol')".into());
            }
            self.scenario_at(i).map_err(|e| e.within(&format!("steps[{i}]")))?;
            // A property is named, as in reports: a misspelt one would make the claim always fail.
            let goal = step.task.as_ref().and_then(|t| match &t.goal {
                Goal::Holds { check } => Some(("task.goal.check".to_string(), check)),
                Goal::NewLeader => None,
            });
            let claims = step.claims.iter().enumerate().map(|(k, c)| (format!("claims[{k}]"), &c.check));
            for (field, check) in claims.chain(goal) {
                if let Check::Violation { property: Some(name) } = check {
                    if property_named(name).is_none() {
                        let names: Vec<String> = Property::ALL
                            .iter()
                            .chain(Property::LIVENESS.iter())
                            .filter_map(|p| serde_json::to_value(p).ok()?.as_str().map(str::to_string))
                            .collect();
                        return err(
                            format!("steps[{i}].{field}.property"),
                            format!("unknown property \"{name}\"; expected one of: {}", names.join(", ")),
                        );
                    }
                }
            }
        }
        Ok(())
    }

    /// The protocol and built-in step `index` runs, when it runs another protocol's: the
    /// nearest step at or before it that names a scenario names one with `protocol`.
    pub fn course_step(&self, index: usize) -> Option<(&str, &str)> {
        let names = |s: &Step| s.builtin.is_some() || s.scenario.is_some();
        let base = (0..=index.min(self.steps.len().checked_sub(1)?)).rev().find(|&i| names(&self.steps[i]))?;
        let step = &self.steps[base];
        match (step.protocol.as_deref(), step.builtin.as_deref()) {
            (Some(p), Some(b)) if p != crate::scenario::protocol::RAFT => Some((p, b)),
            _ => None,
        }
    }

    /// The scenario step `index` runs: the nearest scenario at or before it, plus the actions
    /// of every step from that one to this one.
    pub fn scenario_at(&self, index: usize) -> Result<Scenario, ScenarioError> {
        if index >= self.steps.len() {
            return Err(ScenarioError::new("steps", format!("this tour has {} steps", self.steps.len())));
        }
        let names = |s: &Step| s.builtin.is_some() || s.scenario.is_some();
        let Some(base) = (0..=index).rev().find(|&i| names(&self.steps[i])) else {
            return Err(ScenarioError::new("steps[0].scenario", "the first step must name a scenario"));
        };
        let mut scenario = match (&self.steps[base].builtin, &self.steps[base].scenario) {
            (Some(name), None) => builtin::by_name(name).ok_or_else(|| match builtin::protocol_of_builtin(name) {
                // Another protocol's built-in: tours run only Raft so far.
                Some(protocol) => ScenarioError::new(
                    "builtin",
                    format!("'{name}' is a '{protocol}' scenario; tours run only Raft scenarios so far"),
                ),
                None => ScenarioError::new("builtin", format!("no built-in scenario '{name}'")),
            })?,
            (None, Some(s)) => (**s).clone(),
            _ => return Err(ScenarioError::new("builtin", "name a built-in scenario or give a scenario, not both")),
        };
        for step in &self.steps[base..=index] {
            scenario.timeline.extend(step.actions.iter().cloned());
        }
        // Stable: actions at the same moment keep the order they were written in.
        crate::engine::order::sort_by_key_stable(&mut scenario.timeline, |a| crate::engine::order::f64_key(a.at_ms));
        scenario.name = format!("{} ({}/{})", self.id, index + 1, self.steps.len());
        let needed = self.steps[index].pause_ms.unwrap_or(self.steps[index].start_ms);
        scenario.duration_ms = scenario.duration_ms.max(needed + 1.0);
        scenario.validate()?;
        Ok(scenario)
    }
}

/// Every shipped tour, in order. They are checked by the tests; one that does not parse is left
/// out rather than breaking the page.
#[cfg(feature = "embedded-tours")]
pub fn list() -> Vec<Tour> {
    TOUR_FILES.iter().filter_map(|text| Tour::from_json(text).ok()).collect()
}

#[cfg(feature = "embedded-tours")]
pub fn by_id(id: &str) -> Option<Tour> {
    list().into_iter().find(|t| t.id == id)
}

/// Parse fetched tour files, in order: the tours, and what went wrong with the others.
pub fn parse_files(files: &[(String, Result<String, String>)]) -> (Vec<Tour>, Vec<String>) {
    let mut tours = Vec::new();
    let mut problems = Vec::new();
    for (name, text) in files {
        match text.as_ref().map_err(String::clone).and_then(|t| Tour::from_json(t).map_err(|e| e.to_string())) {
            Ok(t) => tours.push(t),
            Err(e) => problems.push(format!("{name}: {e}")),
        }
    }
    (tours, problems)
}

/// One claim or task of a tour that does not hold.
#[derive(Clone, Debug, PartialEq)]
pub struct TourFailure {
    pub step: usize,
    pub what: String,
}

/// Run every step of a tour headless and check each claim at its moment and each task's
/// solution. Returns what failed (empty: the tour says only true things).
pub fn verify(tour: &Tour) -> Vec<TourFailure> {
    let mut failures = Vec::new();
    for (i, step) in tour.steps.iter().enumerate() {
        let problems = verify_step(tour, i, step).unwrap_or_else(|e| vec![e]);
        failures.extend(problems.into_iter().map(|what| TourFailure { step: i + 1, what }));
    }
    failures
}

/// What does not hold in one step: its claims, then its task (Err: the step cannot even run).
fn verify_step(tour: &Tour, i: usize, step: &Step) -> Result<Vec<String>, String> {
    if let Some((protocol, _)) = tour.course_step(i) {
        // Its run is another protocol's, which this layer cannot open: the tour is checked
        // whole by `playback::course_tour::verify`, which runs these steps.
        return Err(format!("a '{protocol}' step: check the tour with playback::course_tour::verify"));
    }
    let mut problems = Vec::new();
    let scenario = tour.scenario_at(i).map_err(|e| e.to_string())?;
    let mut claims: Vec<&Claim> = step.claims.iter().collect();
    let default_at = step.pause_ms.unwrap_or(step.start_ms);
    crate::engine::order::sort_by_key_stable(&mut claims, |c| {
        crate::engine::order::f64_key(c.at_ms.unwrap_or(default_at))
    });
    let mut sim = Simulation::new(&scenario).map_err(|e| e.to_string())?;
    // As the page's session does: availability is measured from the start.
    sim.set_track_availability(true);
    for claim in claims {
        let at = claim.at_ms.unwrap_or(default_at);
        sim.run_until(ms_to_us(at));
        if let Err(seen) = claim.check.evaluate(&sim) {
            problems.push(format!("at {at} ms, {:?}: {seen}", claim.check));
        }
    }
    let Some(task) = &step.task else { return Ok(problems) };
    // The page runs a step open-ended; the task has its whole time after the pause.
    let mut scenario = scenario;
    scenario.duration_ms = scenario.duration_ms.max(default_at + task.within_ms + 1.0);
    let mut sim = match Simulation::new(&scenario) {
        Ok(sim) => sim,
        Err(e) => {
            problems.push(e.to_string());
            return Ok(problems);
        }
    };
    sim.set_track_availability(true);
    sim.run_until(ms_to_us(default_at));
    let baseline = Baseline::of(&sim);
    if task.goal.reached(&sim, baseline) {
        problems.push("the task's goal holds before the student does anything".into());
    }
    for action in &task.solution {
        if let Err(e) = sim.act(action.clone()) {
            problems.push(format!("the solution's action {action:?} is refused: {e}"));
        }
    }
    let deadline = sim.now() + ms_to_us(task.within_ms);
    let mut reached = task.goal.reached(&sim, baseline);
    while !reached && sim.now() < deadline && sim.step_until(deadline) {
        reached = task.goal.reached(&sim, baseline);
    }
    if !reached {
        problems.push(format!("the task's solution does not reach its goal within {} ms", task.within_ms));
    }
    Ok(problems)
}

#[cfg(all(test, feature = "embedded-tours"))]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_tours_are_the_files_the_page_fetches() {
        assert_eq!(TOUR_FILES.len(), TOUR_FILE_NAMES.len());
        for (text, name) in TOUR_FILES.iter().zip(TOUR_FILE_NAMES) {
            let path = format!("{}/tours/{name}", env!("CARGO_MANIFEST_DIR"));
            assert_eq!(*text, std::fs::read_to_string(&path).expect("the file exists"), "{name}");
        }
    }

    #[test]
    fn every_shipped_tour_parses() {
        for text in TOUR_FILES {
            if let Err(e) = Tour::from_json(text) {
                panic!("a shipped tour does not parse: {e}");
            }
        }
        assert_eq!(list().len(), TOUR_FILES.len());
    }

    #[test]
    fn tour_ids_are_unique() {
        let mut ids: Vec<String> = list().into_iter().map(|t| t.id).collect();
        let n = ids.len();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), n);
    }

    /// `retried` counts a workload put's retries: the no-dedup counterexample of "How we know
    /// Raft is safe" (step 12), whose client sends put k0=1.15 again once.
    #[test]
    fn the_retried_check_counts_a_workload_put_sent_again() {
        let tour = by_id("how-we-know").expect("the tour ships");
        let mut sim = Simulation::new(&tour.scenario_at(11).expect("step 12's scenario")).expect("runs");
        sim.run_until(ms_to_us(1100.0));
        let retried = |client, value: &str, times| {
            Check::Retried { client, key: "k0".into(), value: value.into(), times }.evaluate(&sim)
        };
        assert_eq!(retried(1, "1.15", 1), Ok(()));
        assert!(retried(1, "1.15", 0).is_err_and(|e| e.contains("sent again 1 times")));
        assert!(retried(1, "9.99", 0).is_err_and(|e| e.contains("has sent no put k0=9.99")));
        assert!(retried(2, "1.15", 1).is_err_and(|e| e.contains("client 2 has sent no put")));
    }

    #[test]
    fn entry_commit_and_next_index_checks_compare_with_the_run() {
        let scenario = builtin::by_name("first-election").expect("a built-in scenario");
        let mut sim = Simulation::new(&scenario).expect("runs");
        sim.run_until(ms_to_us(900.0));
        let leader = sim.leader().expect("a leader by 900 ms");
        let r = sim.node(leader).and_then(|s| s.raft.as_ref()).expect("the leader runs");
        let (last, term, commit) = (r.log().last_index(), r.log().last_term(), r.commit_index());
        let follower = *r.next_index().keys().next().expect("the leader tracks its followers");
        let next = r.next_index()[&follower];
        assert!(last >= 1, "the leader's no-op is in its log");
        let holds = |c: Check| c.evaluate(&sim);
        assert_eq!(holds(Check::EntryTerm { node: leader, index: last, term }), Ok(()));
        assert!(holds(Check::EntryTerm { node: leader, index: last, term: term + 1 }).is_err());
        assert!(holds(Check::EntryTerm { node: leader, index: last + 1, term }).is_err());
        assert_eq!(holds(Check::CommitIndex { node: leader, index: commit }), Ok(()));
        assert!(holds(Check::CommitIndex { node: leader, index: commit + 1 }).is_err());
        assert_eq!(holds(Check::NextIndex { leader, follower, index: next }), Ok(()));
        assert!(holds(Check::NextIndex { leader, follower, index: next + 1 }).is_err());
        // A follower keeps no nextIndex: the check names the role instead.
        assert!(holds(Check::NextIndex { leader: follower, follower: leader, index: next })
            .is_err_and(|e| e.contains("follower")));
        assert!(holds(Check::Votes { node: leader, granted: vec![leader], denied: vec![] }).is_err());
    }

    #[test]
    fn the_votes_check_names_who_granted_and_who_refused() {
        // split-vote: S1 and S3 both run in term 1; each gets one vote besides its own.
        let scenario = builtin::by_name("split-vote").expect("a built-in scenario");
        let mut sim = Simulation::new(&scenario).expect("runs");
        let mut seen = None;
        while sim.step_until(ms_to_us(2_000.0)) {
            let candidate = running(&sim).find(|(_, r)| r.role() == Role::Candidate && r.votes_granted().len() == 2);
            if let Some((id, r)) = candidate {
                seen = Some((id, r.votes_granted().iter().copied().collect::<Vec<_>>(), r.votes_denied().clone()));
                break;
            }
        }
        let (node, granted, denied) = seen.expect("a candidate with two votes");
        let denied: Vec<NodeId> = denied.into_iter().collect();
        let check = Check::Votes { node, granted: granted.iter().rev().copied().collect(), denied: denied.clone() };
        assert_eq!(check.evaluate(&sim), Ok(()), "order does not matter");
        let fewer = Check::Votes { node, granted: granted[..1].to_vec(), denied };
        assert!(fewer.evaluate(&sim).is_err_and(|e| e.contains("holds votes from")));
    }

    #[test]
    fn read_checks_see_answers_waits_and_the_linearizability_verdict() {
        // stale-read: S1, cut off, answers a get of x at once with the old value 1.
        let scenario = builtin::by_name("stale-read").expect("a built-in scenario");
        let mut sim = Simulation::new(&scenario).expect("runs");
        sim.run_until(ms_to_us(700.0));
        let holds = |sim: &Simulation, c: Check| c.evaluate(sim);
        assert!(holds(&sim, Check::ReadAnswer { node: 1, key: "x".into(), value: "1".into() })
            .is_err_and(|e| e.contains("no get")));
        assert_eq!(holds(&sim, Check::Linearizable { holds: true }), Ok(()));
        sim.run_until(ms_to_us(1_000.0));
        assert_eq!(holds(&sim, Check::ReadAnswer { node: 1, key: "x".into(), value: "1".into() }), Ok(()));
        assert!(holds(&sim, Check::ReadAnswer { node: 1, key: "x".into(), value: "2".into() }).is_err());
        assert!(holds(&sim, Check::ReadAnswer { node: 3, key: "x".into(), value: "1".into() }).is_err());
        assert!(holds(&sim, Check::ReadPending { key: "x".into() }).is_err());
        assert_eq!(holds(&sim, Check::Linearizable { holds: false }), Ok(()));
        assert!(holds(&sim, Check::Linearizable { holds: true }).is_err_and(|e| e.contains("not linearizable")));

        // read-index: the same get waits at S1 until the partition heals, then S3 answers 2.
        let scenario = builtin::by_name("read-index").expect("a built-in scenario");
        let mut sim = Simulation::new(&scenario).expect("runs");
        sim.run_until(ms_to_us(1_000.0));
        assert_eq!(holds(&sim, Check::ReadPending { key: "x".into() }), Ok(()));
        assert!(holds(&sim, Check::ReadPending { key: "y".into() }).is_err());
        sim.run_until(ms_to_us(2_000.0));
        assert!(holds(&sim, Check::ReadPending { key: "x".into() }).is_err());
        assert_eq!(holds(&sim, Check::ReadAnswer { node: 3, key: "x".into(), value: "2".into() }), Ok(()));
        assert_eq!(holds(&sim, Check::Linearizable { holds: true }), Ok(()));
    }

    #[test]
    fn snapshot_and_configuration_checks_compare_with_the_run() {
        // snapshot-catch-up: S1 compacts its log while S3 is down; S3 then installs the snapshot.
        let scenario = builtin::by_name("snapshot-catch-up").expect("a built-in scenario");
        let mut sim = Simulation::new(&scenario).expect("runs");
        let holds = |sim: &Simulation, c: Check| c.evaluate(sim);
        sim.run_until(ms_to_us(100.0));
        assert_eq!(holds(&sim, Check::SnapshotIndex { node: 1, index: 0 }), Ok(()));
        sim.run_until(ms_to_us(3_000.0));
        let r = sim.node(1).and_then(|s| s.raft.as_ref()).expect("S1 runs");
        let through = r.log().snapshot_index();
        assert!(through > 0, "S1 compacted its log");
        assert_eq!(holds(&sim, Check::SnapshotIndex { node: 1, index: through }), Ok(()));
        assert_eq!(holds(&sim, Check::SnapshotIndex { node: 3, index: through }), Ok(()));
        assert!(
            holds(&sim, Check::SnapshotIndex { node: 1, index: through + 1 }).is_err_and(|e| e.contains("snapshot"))
        );
        // log_length is the last index, compacted entries included, not the entries still held.
        let (last, held) = (r.log().last_index(), r.log().len() as u64);
        assert!(held < last, "after a snapshot S1 holds fewer entries than its last index");
        assert_eq!(holds(&sim, Check::LogLength { node: 1, length: last }), Ok(()));
        assert!(holds(&sim, Check::LogLength { node: 1, length: held }).is_err_and(
            |e| e.contains(&format!("ends at index {last} (a snapshot through {through}, then {held} entries)"))
        ));
        // Without membership changes every server keeps the bootstrap voters.
        let plain = Check::Configuration { node: 2, voters: vec![3, 1, 2], new_voters: None, learners: vec![] };
        assert_eq!(holds(&sim, plain), Ok(()), "order does not matter");
        assert!(holds(&sim, Check::Configuration { node: 2, voters: vec![1, 2], new_voters: None, learners: vec![] })
            .is_err());
        assert!(holds(
            &sim,
            Check::Configuration { node: 2, voters: vec![1, 2, 3], new_voters: Some(vec![1, 2, 3]), learners: vec![] }
        )
        .is_err_and(|e| e.contains("configuration")));
    }

    /// S1 leads, x=1 commits (request #1); x=2 (request #2, retried after 500 ms) reaches S2 and
    /// S3 just before S1 crashes; S3 leads term 2. `dedup` off: the `no-dedup` rule.
    fn retried_put(dedup: bool) -> Simulation {
        use crate::scenario::{ClientOpKind, CrashMode};
        let put = |value: &str, retry_ms| Action::Client {
            node: 1,
            op: ClientOpKind::Put,
            key: "x".into(),
            value: Some(value.into()),
            retry_ms,
        };
        let mut s = Scenario::new("retried-put", 3, 0)
            .at(10.0, Action::Timeout { node: 1 })
            .at(200.0, put("1", None))
            .at(400.0, put("2", Some(500.0)))
            .at(435.0, Action::Crash { node: 1, mode: CrashMode::Recover });
        if !dedup {
            s.raft.unsafe_rules.push(raft_core::UnsafeRule::NoDedup);
        }
        s.duration_ms = 2_000.0;
        Simulation::new(&s).expect("valid")
    }

    #[test]
    fn applied_and_answer_checks_count_what_the_state_machines_did() {
        let holds = |sim: &Simulation, c: Check| c.evaluate(sim);
        for dedup in [true, false] {
            let mut sim = retried_put(dedup);
            sim.run_until(ms_to_us(850.0));
            assert_eq!(holds(&sim, Check::Unanswered { request: 2 }), Ok(()));
            assert!(holds(&sim, Check::Unanswered { request: 1 }).is_err_and(|e| e.contains("answered by S1")));
            assert!(holds(&sim, Check::Unanswered { request: 9 }).is_err_and(|e| e.contains("no request")));
            assert_eq!(holds(&sim, Check::Answer { request: 1, node: 1, value: None }), Ok(()));
            assert!(
                holds(&sim, Check::Answer { request: 2, node: 3, value: None }).is_err_and(|e| e.contains("no answer"))
            );
            assert_eq!(holds(&sim, Check::Applied { node: 3, request: 2, times: 1 }), Ok(()));
            assert!(
                holds(&sim, Check::Applied { node: 1, request: 2, times: 0 }).is_err_and(|e| e.contains("not running"))
            );
            sim.run_until(ms_to_us(1_200.0));
            let times = if dedup { 1 } else { 2 };
            let answer = if dedup { "1" } else { "2" };
            for node in [2, 3] {
                assert_eq!(holds(&sim, Check::Applied { node, request: 2, times }), Ok(()), "dedup {dedup}");
                assert!(holds(&sim, Check::Applied { node, request: 2, times: 3 - times })
                    .is_err_and(|e| e.contains(&format!("{times} times"))));
            }
            let value = Some(answer.to_string());
            assert_eq!(holds(&sim, Check::Answer { request: 2, node: 3, value }), Ok(()), "dedup {dedup}");
            assert!(holds(&sim, Check::Answer { request: 2, node: 2, value: Some(answer.into()) }).is_err());
            assert_eq!(holds(&sim, Check::Linearizable { holds: dedup }), Ok(()));
        }
    }

    #[test]
    fn last_applied_and_match_index_checks_compare_with_the_run() {
        let mut sim = retried_put(true);
        sim.run_until(ms_to_us(1_200.0));
        let r = sim.node(3).and_then(|s| s.raft.as_ref()).expect("S3 runs");
        let (applied, matched) = (r.last_applied(), r.match_index()[&2]);
        assert!(applied >= 4 && matched >= 4, "S3 applied its no-op and S2 stores it");
        let holds = |c: Check| c.evaluate(&sim);
        assert_eq!(holds(Check::LastApplied { node: 3, index: applied }), Ok(()));
        assert!(holds(Check::LastApplied { node: 3, index: applied + 1 }).is_err_and(|e| e.contains("lastApplied")));
        assert_eq!(holds(Check::MatchIndex { leader: 3, follower: 2, index: matched }), Ok(()));
        assert!(holds(Check::MatchIndex { leader: 3, follower: 2, index: matched - 1 })
            .is_err_and(|e| e.contains("matchIndex")));
        assert!(
            holds(Check::MatchIndex { leader: 2, follower: 3, index: matched }).is_err_and(|e| e.contains("follower"))
        );
        assert!(holds(Check::MatchIndex { leader: 3, follower: 1, index: 0 }).is_ok(), "S1 is down: nothing matched");
    }

    #[test]
    fn availability_and_paused_checks_compare_with_the_run() {
        use crate::scenario::CrashMode;
        let s = Scenario::new("avail", 3, 5)
            .at(10.0, Action::Timeout { node: 1 })
            .at(1_000.0, Action::Crash { node: 1, mode: CrashMode::Recover })
            .at(2_000.0, Action::Pause { node: 2 });
        let mut sim = Simulation::new(&s).expect("valid");
        let holds = |sim: &Simulation, c: Check| c.evaluate(sim);
        let plain = |failures, repairs| Check::Availability {
            failures,
            repairs,
            up: None,
            mttf_ms: None,
            mttr_ms: None,
            share: None,
        };
        sim.run_until(ms_to_us(500.0));
        assert!(holds(&sim, plain(0, 0)).is_err_and(|e| e.contains("not measured")));
        sim.set_track_availability(true);
        sim.run_until(ms_to_us(1_900.0));
        let a = sim.availability().expect("tracked");
        assert_eq!((a.failures, a.repairs, a.up_now), (1, 1, true));
        let mttr = a.mttr_us.expect("one repair") / 1_000.0;
        assert_eq!(holds(&sim, plain(1, 1)), Ok(()));
        assert!(holds(&sim, plain(2, 1)).is_err_and(|e| e.contains("1 failures, 1 repairs, up now")));
        let ranged = |mttr_ms, share| Check::Availability {
            failures: 1,
            repairs: 1,
            up: Some(true),
            mttf_ms: None,
            mttr_ms: Some(mttr_ms),
            share: Some(share),
        };
        let share = a.measured.expect("measured");
        assert_eq!(holds(&sim, ranged([mttr - 1.0, mttr + 1.0], [share - 0.01, share + 0.01])), Ok(()));
        assert!(holds(&sim, ranged([mttr + 1.0, mttr + 2.0], [share - 0.01, share + 0.01])).is_err());
        assert!(holds(&sim, ranged([mttr - 1.0, mttr + 1.0], [share + 0.01, 1.0])).is_err());
        assert!(holds(&sim, Check::Paused { node: 2 }).is_err_and(|e| e.contains("up")));
        assert!(holds(&sim, Check::Paused { node: 1 }).is_err_and(|e| e.contains("crashed")));
        sim.run_until(ms_to_us(2_100.0));
        assert_eq!(holds(&sim, Check::Paused { node: 2 }), Ok(()));
        assert!(holds(&sim, Check::Paused { node: 9 }).is_err_and(|e| e.contains("no S9")));
    }

    #[test]
    fn the_snapshot_shared_check_sees_copy_on_write() {
        // Snapshots past four entries; S1 snapshots through index 4 when the fourth put (index
        // 5) is in its log, then applies that put and copies the data.
        use crate::scenario::ClientOpKind;
        let put = |key: &str| Action::Client {
            node: 1,
            op: ClientOpKind::Put,
            key: key.into(),
            value: Some("v".into()),
            retry_ms: None,
        };
        let mut s = Scenario::new("cow", 3, 0)
            .at(10.0, Action::Timeout { node: 1 })
            .at(200.0, put("a"))
            .at(300.0, put("b"))
            .at(400.0, put("c"))
            .at(500.0, put("d"));
        s.raft.snapshot_threshold = 4;
        let mut sim = Simulation::new(&s).expect("valid");
        let holds = |sim: &Simulation, c: Check| c.evaluate(sim);
        sim.run_until(ms_to_us(450.0));
        assert!(holds(&sim, Check::SnapshotShared { node: 1, shared: true }).is_err_and(|e| e.contains("no snapshot")));
        sim.run_until(ms_to_us(540.0));
        assert_eq!(holds(&sim, Check::SnapshotIndex { node: 1, index: 4 }), Ok(()));
        assert_eq!(holds(&sim, Check::SnapshotShared { node: 1, shared: true }), Ok(()));
        assert!(
            holds(&sim, Check::SnapshotShared { node: 1, shared: false }).is_err_and(|e| e.contains("still shares"))
        );
        sim.run_until(ms_to_us(580.0));
        assert_eq!(holds(&sim, Check::LastApplied { node: 1, index: 5 }), Ok(()));
        assert_eq!(holds(&sim, Check::SnapshotShared { node: 1, shared: false }), Ok(()));
        assert!(holds(&sim, Check::SnapshotShared { node: 1, shared: true }).is_err_and(|e| e.contains("copied")));
    }
}
