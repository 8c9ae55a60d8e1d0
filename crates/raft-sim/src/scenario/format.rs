//! The scenario format: everything needed to reproduce a run, as JSON.
//!
//! Times are milliseconds of virtual time (fractions allowed); the simulator works in integer
//! microseconds. Every field but `name` and `nodes` has a default. Unknown fields are errors,
//! so a typo is reported rather than silently ignored.
use raft_core::{
    Backtrack, MembershipMode, NodeId, RaftConfig, ReadMode, UnsafeRule, UnsafeRules, DEFAULT_LEASE_DRIFT_BOUND_PPM,
    DEFAULT_SNAPSHOT_CHUNK_BYTES,
};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

// The format's parts kept in files of their own (role targets, triggers, message rules), named
// here so that the engine reads them as the format (the layering rule, src/lib.rs).
pub use crate::scenario::message_rule::{MessageRule, RuleEffect};
pub use crate::scenario::target::{describe as describe_roles, Holders, Targeted};
pub use crate::scenario::trigger::{Trigger, When};
pub mod initial;
pub use initial::{CommandSpec, EntrySpec, ServerSetup};

pub const MAX_NODES: u32 = 9;
/// Scenario files and links larger than this are refused before parsing (input.rs reads no more).
pub const MAX_SCENARIO_BYTES: usize = crate::scenario::input::MAX_INPUT_BYTES;
pub const MAX_TIMELINE_ACTIONS: usize = 10_000;
pub const MAX_DURATION_MS: f64 = 24.0 * 3600.0 * 1000.0;
pub const MAX_LATENCY_MS: f64 = 60_000.0;
pub const MAX_CLIENTS: u32 = 16;
pub const MAX_TEXT: usize = 64;
/// A one-off client request is sent again at most this many times (`retry_ms`).
pub const MAX_CLIENT_RETRIES: u32 = 5;
pub const MAX_CLIENT_RETRY_MS: f64 = 60_000.0;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// Number of servers, 1 to 9, with ids 1..=nodes.
    pub nodes: u32,
    #[serde(default)]
    pub seed: u64,
    /// How long the run lasts.
    #[serde(default = "default_duration_ms")]
    pub duration_ms: f64,
    #[serde(default)]
    pub raft: RaftSettings,
    #[serde(default)]
    pub network: NetworkSettings,
    /// Per-node faults present from the start.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub faults: Vec<NodeFaults>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workload: Option<Workload>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub timeline: Vec<TimedAction>,
    /// The servers of the initial configuration (all voters); the others boot with an empty
    /// log and no configuration, and wait to be added. Default: all `nodes`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub members: Option<Vec<NodeId>>,
    /// Actions that run when something happens (scenario/trigger.rs).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub triggers: Vec<crate::scenario::trigger::Trigger>,
    /// What servers start with (initial.rs): their persistent state and their own election
    /// timeout, by id. Default: none (term 0, no vote, an empty log, the cluster's timeout).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub servers: BTreeMap<NodeId, ServerSetup>,
    /// Claims (the tours' checks) the run must make true, at the end or at their `at_ms`
    /// (expect.rs); `raftsim run` exits 5 when one does not hold.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub expect: Vec<crate::scenario::tour::Claim>,
}

fn default_duration_ms() -> f64 {
    10_000.0
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RaftSettings {
    /// [min, max] of the randomized election timeout.
    pub election_timeout_ms: [f64; 2],
    pub heartbeat_ms: f64,
    pub backtrack: Backtrack,
    pub noop_on_election: bool,
    pub max_entries_per_message: usize,
    /// "Break Raft" switches: no-vote-restriction, commit-old-terms, no-persist, forget-vote.
    #[serde(rename = "unsafe", skip_serializing_if = "Vec::is_empty")]
    pub unsafe_rules: Vec<UnsafeRule>,
    /// PreVote (thesis §9.6): ask for pre-votes before incrementing the term.
    #[serde(skip_serializing_if = "is_false")]
    pub pre_vote: bool,
    /// CheckQuorum (thesis §6.2): a leader that hears from no majority steps down.
    #[serde(skip_serializing_if = "is_false")]
    pub check_quorum: bool,
    /// Leader liveliness (paper §6): a server that heard from a leader within the minimum
    /// election timeout ignores RequestVote. On unless switched off.
    #[serde(skip_serializing_if = "is_true")]
    pub leader_liveliness: bool,
    /// How membership changes are made: "joint" (joint consensus) or "single_server".
    #[serde(skip_serializing_if = "is_joint")]
    pub membership_mode: MembershipMode,
    /// How leaders answer gets: `log`, `read_index` or `lease`.
    #[serde(skip_serializing_if = "is_log_mode")]
    pub read_mode: ReadMode,
    /// Lease reads: the clock drift bound the lease allows for (0.1 = 10%).
    #[serde(skip_serializing_if = "is_default_lease_bound")]
    pub lease_drift_bound: f64,
    /// Log compaction: each server snapshots once its log holds more than this many entries.
    /// 0 (the default) turns snapshots off.
    #[serde(skip_serializing_if = "is_zero")]
    pub snapshot_threshold: usize,
    /// InstallSnapshot chunk size in bytes.
    #[serde(skip_serializing_if = "is_default_chunk")]
    pub snapshot_chunk_bytes: usize,
}

fn is_false(b: &bool) -> bool {
    !*b
}

fn is_true(b: &bool) -> bool {
    *b
}

fn is_joint(mode: &MembershipMode) -> bool {
    *mode == MembershipMode::Joint
}

fn is_log_mode(mode: &ReadMode) -> bool {
    *mode == ReadMode::Log
}

pub const DEFAULT_LEASE_DRIFT_BOUND: f64 = DEFAULT_LEASE_DRIFT_BOUND_PPM as f64 / 1_000_000.0;

fn is_default_lease_bound(bound: &f64) -> bool {
    *bound == DEFAULT_LEASE_DRIFT_BOUND
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

fn is_default_chunk(n: &usize) -> bool {
    *n == DEFAULT_SNAPSHOT_CHUNK_BYTES
}

pub const MAX_SNAPSHOT_THRESHOLD: usize = 1_000_000;
pub const MAX_SNAPSHOT_CHUNK_BYTES: usize = 1 << 20;

impl Default for RaftSettings {
    fn default() -> Self {
        RaftSettings {
            election_timeout_ms: [150.0, 300.0],
            heartbeat_ms: 50.0,
            backtrack: Backtrack::ConflictTerm,
            noop_on_election: true,
            max_entries_per_message: 64,
            unsafe_rules: Vec::new(),
            pre_vote: false,
            check_quorum: false,
            leader_liveliness: true,
            membership_mode: MembershipMode::Joint,
            read_mode: ReadMode::Log,
            lease_drift_bound: DEFAULT_LEASE_DRIFT_BOUND,
            snapshot_threshold: 0,
            snapshot_chunk_bytes: DEFAULT_SNAPSHOT_CHUNK_BYTES,
        }
    }
}

impl RaftSettings {
    pub fn to_config(&self) -> RaftConfig {
        let mut rules = UnsafeRules::default();
        for rule in &self.unsafe_rules {
            rules.set(*rule, true);
        }
        RaftConfig {
            election_timeout_min: ms_to_us(self.election_timeout_ms[0]),
            election_timeout_max: ms_to_us(self.election_timeout_ms[1]),
            heartbeat_interval: ms_to_us(self.heartbeat_ms).max(1),
            backtrack: self.backtrack,
            noop_on_election: self.noop_on_election,
            max_entries_per_message: self.max_entries_per_message,
            unsafe_rules: rules,
            pre_vote: self.pre_vote,
            check_quorum: self.check_quorum,
            leader_liveliness: self.leader_liveliness,
            membership_mode: self.membership_mode,
            read_mode: self.read_mode,
            lease_drift_bound_ppm: (self.lease_drift_bound.clamp(0.0, 1.0) * 1_000_000.0).round() as u64,
            snapshot_threshold: self.snapshot_threshold,
            snapshot_chunk_bytes: self.snapshot_chunk_bytes,
        }
    }
}

/// The seed notes' timing models.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(tag = "model", rename_all = "snake_case", deny_unknown_fields)]
#[serde(try_from = "crate::scenario::flat::TimingModelFlat")]
pub enum TimingModel {
    /// Every delay is bounded by Δ = the latency maximum.
    #[default]
    Synchronous,
    /// Delays are unbounded (heavy-tailed) until the global stabilisation time, bounded after.
    PartiallySynchronous {
        gst_ms: f64,
        #[serde(default = "default_tail")]
        tail_probability: f64,
    },
    /// No bound: a fraction of messages take a heavy-tailed (Pareto) extra delay.
    Asynchronous {
        #[serde(default = "default_tail")]
        tail_probability: f64,
    },
}

pub(crate) fn default_tail() -> f64 {
    0.2
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct NetworkSettings {
    /// One-way delay of a message, uniform in [min, max].
    pub latency_ms: [f64; 2],
    /// Probability that a message is lost.
    pub loss: f64,
    /// Probability that a message is delivered twice.
    pub duplicate: f64,
    /// Probability that a message is held back so later ones overtake it (links are FIFO
    /// otherwise).
    pub reorder: f64,
    pub timing: TimingModel,
    /// Settings for particular directed links, overriding the above.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<LinkOverride>,
}

impl Default for NetworkSettings {
    fn default() -> Self {
        NetworkSettings {
            latency_ms: [10.0, 20.0],
            loss: 0.0,
            duplicate: 0.0,
            reorder: 0.0,
            timing: TimingModel::Synchronous,
            links: Vec::new(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LinkOverride {
    pub from: NodeId,
    pub to: NodeId,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latency_ms: Option<[f64; 2]>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub loss: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duplicate: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reorder: Option<f64>,
}

/// Faults of one node: omission (the seed notes' send and receive omission) and clock drift.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NodeFaults {
    pub node: NodeId,
    /// Probability that a message this node sends is never sent.
    #[serde(default)]
    pub send_omission: f64,
    /// Probability that a message arriving at this node is not received.
    #[serde(default)]
    pub receive_omission: f64,
    /// Clock rate error: 0.1 makes this node's timers run 10% fast, -0.1 10% slow.
    #[serde(default)]
    pub drift: f64,
    /// Byzantine behaviours (byzantine.rs): the node rewrites what it sends, lying in the ways
    /// listed. Empty (and absent from the JSON) for an honest node.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub byzantine: Vec<crate::engine::byzantine::Behaviour>,
}

/// Closed-loop clients issuing puts and gets, with retries, recorded in a history.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Workload {
    pub clients: u32,
    /// Pause between a response and a client's next request.
    pub interval_ms: f64,
    /// Keys are k0 .. k{keys-1}.
    pub keys: u32,
    /// Fraction of requests that are gets.
    pub get_ratio: f64,
    /// A client that hears nothing for this long retries with another server.
    pub timeout_ms: f64,
    pub start_ms: f64,
}

impl Default for Workload {
    fn default() -> Self {
        Workload { clients: 1, interval_ms: 100.0, keys: 3, get_ratio: 0.3, timeout_ms: 500.0, start_ms: 0.0 }
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CrashMode {
    /// Crash-stop: the node never comes back.
    Stop,
    /// Crash-recovery: stable storage survives, volatile state is lost.
    #[default]
    Recover,
    /// Crash-recovery with amnesia: stable storage is lost too.
    Amnesia,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClientOpKind {
    Put,
    Get,
}

/// Something that happens at a given time. (Read through a flat struct, flat.rs: serde's
/// `flatten` and `tag` would buffer it.)
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "crate::scenario::flat::ActionFlat")]
pub struct TimedAction {
    pub at_ms: f64,
    #[serde(flatten)]
    pub action: Action,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case", deny_unknown_fields)]
#[serde(try_from = "crate::scenario::flat::ActionFlat")]
pub enum Action {
    Crash {
        node: NodeId,
        #[serde(default)]
        mode: CrashMode,
    },
    /// Crash whichever node leads (the one with the highest term) at that moment, if any.
    CrashLeader {
        #[serde(default)]
        mode: CrashMode,
    },
    Restart {
        node: NodeId,
    },
    /// Freeze a node (a stop-the-world pause): it processes nothing until resumed.
    Pause {
        node: NodeId,
    },
    Resume {
        node: NodeId,
    },
    /// Split the cluster: nodes in different groups cannot talk. Unlisted nodes form one more
    /// group together.
    Partition {
        groups: Vec<Vec<NodeId>>,
    },
    /// Cut the one-way link from → to.
    Cut {
        from: NodeId,
        to: NodeId,
    },
    /// Cut every link to and from a node.
    Isolate {
        node: NodeId,
    },
    /// Remove all partitions and cuts.
    Heal,
    /// Change network settings from now on (only the fields given).
    SetNetwork {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        latency_ms: Option<[f64; 2]>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        loss: Option<f64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        duplicate: Option<f64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reorder: Option<f64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        timing: Option<TimingModel>,
    },
    /// Replace a node's omission and drift settings.
    SetFaults(NodeFaults),
    /// Make a node's election timer fire now.
    Timeout {
        node: NodeId,
    },
    /// A one-off client request sent to a given node (the reply is recorded).
    Client {
        node: NodeId,
        op: ClientOpKind,
        key: String,
        /// Required for a put.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        value: Option<String>,
        /// Unanswered this long, the request is sent again, as a client library would: the
        /// same request (its sequence number, so the state machine applies it at most once)
        /// to the leader last heard of, else the next server; at most
        /// [`MAX_CLIENT_RETRIES`] times. None (the default): sent once.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        retry_ms: Option<f64>,
    },
    /// Drop one message in flight (by its id, as the page and `raftsim run --trace` show it).
    /// No effect if it is no longer in flight.
    DropMessage {
        message: u64,
    },
    /// Deliver one more copy of a message in flight, arriving after the original (a copy of
    /// a held message is held too).
    DuplicateMessage {
        message: u64,
    },
    /// Manual delivery on or off. While on, every message between servers waits in flight
    /// until the operator delivers, drops or duplicates it; timers and clients run on. On
    /// also stops the messages between servers already on their way. Off
    /// sends the waiting messages on, in order, with the network's usual delays.
    ManualDelivery {
        on: bool,
    },
    /// Deliver a message held by manual delivery now.
    DeliverMessage {
        message: u64,
    },
    /// Make every follower's and candidate's election timer fire at the same moment, one
    /// minimum election timeout from now (the largest minimum, where servers have their own
    /// timeouts): a split vote is then very likely.
    AlignTimers,
    /// Spread the election timers evenly over the timeout range (each server's own, where it
    /// has one), so one server clearly times out first and wins.
    SpreadTimers,
    /// Ask the current leader (the one with the highest term) to hand leadership to `node`
    /// (thesis §3.10). No effect if there is no leader or `node` already leads.
    TransferLeadership {
        node: NodeId,
    },
    /// Ask the leader (or the server `via`) to add `node` as a voter: it joins as a learner,
    /// catches up, then the configuration changes (joint consensus or single-server).
    AddServer {
        node: NodeId,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        via: Option<NodeId>,
    },
    /// Ask the leader (or `via`) to remove `node` from the voters. The removed server keeps
    /// running.
    RemoveServer {
        node: NodeId,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        via: Option<NodeId>,
    },
    /// Ask the leader (or `via`) to make `voters` the voters of the cluster.
    ChangeMembership {
        voters: Vec<NodeId>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        via: Option<NodeId>,
    },
    /// Stop workload clients (`clients`, or all): they send nothing more, not even a retry,
    /// until started again. An answer already on its way is still recorded.
    StopClients {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        clients: Option<Vec<u32>>,
    },
    /// Start stopped workload clients again (`clients`, or all): a request left open is sent
    /// again (same sequence number), else a new one is issued now.
    StartClients {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        clients: Option<Vec<u32>>,
    },
    /// Change workload clients (`clients`, or all) from now on: their pause between requests,
    /// how many keys they use, their share of gets, and the server their next request goes to.
    ChangeClients {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        clients: Option<Vec<u32>>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        interval_ms: Option<f64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        keys: Option<u32>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        get_ratio: Option<f64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        node: Option<NodeId>,
    },
    /// Drop, delay or duplicate the messages between servers that match, for a while
    /// (scenario/message_rule.rs).
    MessageRule(crate::scenario::message_rule::MessageRule),
    /// An action that names servers by role ("leader", "a follower"), resolved when it runs
    /// (scenario/target.rs). Written as the action itself, with the role names in place.
    #[serde(untagged)]
    Targeted(Box<crate::scenario::target::Targeted>),
}

impl Action {
    pub fn kind(&self) -> &'static str {
        match self {
            Action::Crash { .. } => "crash",
            Action::CrashLeader { .. } => "crash_leader",
            Action::Restart { .. } => "restart",
            Action::Pause { .. } => "pause",
            Action::Resume { .. } => "resume",
            Action::Partition { .. } => "partition",
            Action::Cut { .. } => "cut",
            Action::Isolate { .. } => "isolate",
            Action::Heal => "heal",
            Action::SetNetwork { .. } => "set_network",
            Action::SetFaults(_) => "set_faults",
            Action::Timeout { .. } => "timeout",
            Action::Client { .. } => "client",
            Action::DropMessage { .. } => "drop_message",
            Action::DuplicateMessage { .. } => "duplicate_message",
            Action::ManualDelivery { .. } => "manual_delivery",
            Action::DeliverMessage { .. } => "deliver_message",
            Action::AlignTimers => "align_timers",
            Action::SpreadTimers => "spread_timers",
            Action::TransferLeadership { .. } => "transfer_leadership",
            Action::AddServer { .. } => "add_server",
            Action::RemoveServer { .. } => "remove_server",
            Action::ChangeMembership { .. } => "change_membership",
            Action::MessageRule(_) => "message_rule",
            Action::Targeted(t) => t.action.kind(),
            Action::StopClients { .. } => "stop_clients",
            Action::StartClients { .. } => "start_clients",
            Action::ChangeClients { .. } => "change_clients",
        }
    }
}

/// A scenario that cannot be used, with the field at fault.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScenarioError {
    /// Where the problem is, e.g. `network.loss` or `timeline[3].node` (empty: the document).
    pub field: String,
    pub problem: String,
}

impl ScenarioError {
    pub fn new(field: impl Into<String>, problem: impl Into<String>) -> Self {
        ScenarioError { field: field.into(), problem: problem.into() }
    }

    /// The same error, for a document that holds this one at `prefix` (e.g. `scenario`).
    pub fn within(self, prefix: &str) -> Self {
        let field = if self.field.is_empty() {
            prefix.to_string()
        } else if self.field.starts_with('[') {
            format!("{prefix}{}", self.field)
        } else {
            format!("{prefix}.{}", self.field)
        };
        ScenarioError { field, problem: self.problem }
    }
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.field.is_empty() {
            write!(f, "{}", self.problem)
        } else {
            write!(f, "field `{}`: {}", self.field, self.problem)
        }
    }
}

impl std::error::Error for ScenarioError {}

/// Deserialize a whole JSON document. With the `field-paths` feature the error names the
/// field at fault by its path (`timeline[3].node`); without it, serde's message says which
/// field and where in the text. Every document (scenario, run, tour) is parsed here, so the
/// page carries one deserializer per type.
pub(crate) fn parse_json<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, ScenarioError> {
    let mut de = serde_json::Deserializer::from_str(text);
    #[cfg(feature = "field-paths")]
    let value = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let field = if path == "." { String::new() } else { path };
        ScenarioError::new(field, e.into_inner().to_string())
    })?;
    #[cfg(not(feature = "field-paths"))]
    let value = T::deserialize(&mut de).map_err(|e| ScenarioError::new("", e.to_string()))?;
    de.end().map_err(|e| ScenarioError::new("", e.to_string()))?;
    Ok(value)
}

pub fn ms_to_us(ms: f64) -> u64 {
    if ms.is_finite() && ms > 0.0 {
        (ms * 1000.0).round() as u64
    } else {
        0
    }
}

impl Scenario {
    /// Parse and validate. Oversized input is refused before parsing.
    pub fn from_json(text: &str) -> Result<Scenario, ScenarioError> {
        if text.len() > MAX_SCENARIO_BYTES {
            return Err(ScenarioError::new(
                "",
                format!("scenario is {} bytes; the limit is {MAX_SCENARIO_BYTES}", text.len()),
            ));
        }
        // A scenario of another protocol is refused by name; `"protocol": "raft"` is the
        // default spelled out, and read as if absent.
        let protocol = crate::scenario::protocol::protocol_of(text)?;
        if protocol != crate::scenario::protocol::RAFT {
            return Err(crate::scenario::protocol::not_raft(protocol));
        }
        let stripped = crate::scenario::protocol::without_raft_field(text);
        let text = stripped.as_deref().unwrap_or(text);
        let scenario: Scenario = crate::scenario::shape::parse_strict(text, &crate::scenario::shape::SCENARIO)?;
        scenario.validate()?;
        Ok(scenario)
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// A minimal scenario with defaults everywhere.
    pub fn new(name: &str, nodes: u32, seed: u64) -> Scenario {
        Scenario {
            name: name.to_string(),
            description: String::new(),
            nodes,
            seed,
            duration_ms: default_duration_ms(),
            raft: RaftSettings::default(),
            network: NetworkSettings::default(),
            faults: Vec::new(),
            workload: None,
            timeline: Vec::new(),
            members: None,
            triggers: Vec::new(),
            servers: BTreeMap::new(),
            expect: Vec::new(),
        }
    }

    pub fn node_ids(&self) -> Vec<NodeId> {
        (1..=self.nodes).collect()
    }

    /// The servers of the initial configuration, in id order (all of them by default).
    pub fn initial_members(&self) -> Vec<NodeId> {
        match &self.members {
            Some(m) => {
                let mut m = m.clone();
                m.sort_unstable();
                m.dedup();
                m
            }
            None => self.node_ids(),
        }
    }

    pub fn at(mut self, at_ms: f64, action: Action) -> Scenario {
        self.timeline.push(TimedAction { at_ms, action });
        self
    }

    /// Check every bound; the simulator relies on these.
    pub fn validate(&self) -> Result<(), ScenarioError> {
        if self.name.len() > 200 {
            return Err(ScenarioError::new("name", "is longer than 200 characters"));
        }
        if self.description.len() > 4000 {
            return Err(ScenarioError::new("description", "is longer than 4000 characters"));
        }
        if !(1..=MAX_NODES).contains(&self.nodes) {
            return Err(ScenarioError::new("nodes", format!("must be between 1 and {MAX_NODES}, got {}", self.nodes)));
        }
        check_ms("duration_ms", self.duration_ms, 0.0, MAX_DURATION_MS)?;
        if let Some(members) = &self.members {
            self.check_node_list("members", members)?;
        }

        let r = &self.raft;
        check_range_ms("raft.election_timeout_ms", r.election_timeout_ms, 1.0, 600_000.0)?;
        check_ms("raft.heartbeat_ms", r.heartbeat_ms, 0.1, 600_000.0)?;
        if !(1..=10_000).contains(&r.max_entries_per_message) {
            return Err(ScenarioError::new("raft.max_entries_per_message", "must be between 1 and 10000"));
        }
        if !(0.0..=0.9).contains(&r.lease_drift_bound) {
            return Err(ScenarioError::new("raft.lease_drift_bound", "must be between 0 and 0.9"));
        }
        if r.snapshot_threshold > MAX_SNAPSHOT_THRESHOLD {
            return Err(ScenarioError::new(
                "raft.snapshot_threshold",
                format!("must be between 0 (off) and {MAX_SNAPSHOT_THRESHOLD}"),
            ));
        }
        if !(1..=MAX_SNAPSHOT_CHUNK_BYTES).contains(&r.snapshot_chunk_bytes) {
            return Err(ScenarioError::new(
                "raft.snapshot_chunk_bytes",
                format!("must be between 1 and {MAX_SNAPSHOT_CHUNK_BYTES}"),
            ));
        }

        let n = &self.network;
        check_range_ms("network.latency_ms", n.latency_ms, 0.0, MAX_LATENCY_MS)?;
        check_probability("network.loss", n.loss)?;
        check_probability("network.duplicate", n.duplicate)?;
        check_probability("network.reorder", n.reorder)?;
        check_timing("network.timing", &n.timing)?;
        if n.links.len() > 100 {
            return Err(ScenarioError::new("network.links", "has more than 100 entries"));
        }
        for (i, link) in n.links.iter().enumerate() {
            let f = format!("network.links[{i}]");
            self.check_node(&format!("{f}.from"), link.from)?;
            self.check_node(&format!("{f}.to"), link.to)?;
            // Two entries for one link: which one wins would be an accident of the code.
            if let Some(k) = n.links[..i].iter().position(|l| (l.from, l.to) == (link.from, link.to)) {
                return Err(ScenarioError::new(
                    f,
                    format!("the link S{} → S{} already has an entry (network.links[{k}])", link.from, link.to),
                ));
            }
            if let Some(l) = link.latency_ms {
                check_range_ms(&format!("{f}.latency_ms"), l, 0.0, MAX_LATENCY_MS)?;
            }
            for (name, p) in [("loss", link.loss), ("duplicate", link.duplicate), ("reorder", link.reorder)] {
                if let Some(p) = p {
                    check_probability(&format!("{f}.{name}"), p)?;
                }
            }
        }

        if self.faults.len() > 100 {
            return Err(ScenarioError::new("faults", "has more than 100 entries"));
        }
        for (i, faults) in self.faults.iter().enumerate() {
            self.check_faults(&format!("faults[{i}]"), faults)?;
            // One entry per server: with two, one would silently replace the other.
            if let Some(k) = self.faults[..i].iter().position(|f| f.node == faults.node) {
                return Err(ScenarioError::new(
                    format!("faults[{i}].node"),
                    format!("S{} already has an entry (faults[{k}]); give each server one", faults.node),
                ));
            }
        }

        if let Some(w) = &self.workload {
            if w.clients > MAX_CLIENTS {
                return Err(ScenarioError::new("workload.clients", format!("must be at most {MAX_CLIENTS}")));
            }
            check_ms("workload.interval_ms", w.interval_ms, 0.1, 600_000.0)?;
            if !(1..=1000).contains(&w.keys) {
                return Err(ScenarioError::new("workload.keys", "must be between 1 and 1000"));
            }
            check_probability("workload.get_ratio", w.get_ratio)?;
            check_ms("workload.timeout_ms", w.timeout_ms, 1.0, 600_000.0)?;
            check_ms("workload.start_ms", w.start_ms, 0.0, MAX_DURATION_MS)?;
        }
        self.check_servers()?;

        if self.timeline.len() > MAX_TIMELINE_ACTIONS {
            return Err(ScenarioError::new("timeline", format!("has more than {MAX_TIMELINE_ACTIONS} actions")));
        }
        for (i, timed) in self.timeline.iter().enumerate() {
            let f = format!("timeline[{i}]");
            check_ms(&format!("{f}.at_ms"), timed.at_ms, 0.0, MAX_DURATION_MS)?;
            self.check_action(&f, &timed.action)?;
        }
        crate::scenario::trigger::validate(self)?;
        crate::scenario::expect::check_claims(self)?;
        Ok(())
    }

    /// A non-empty list of distinct, existing servers.
    fn check_node_list(&self, field: &str, nodes: &[NodeId]) -> Result<(), ScenarioError> {
        if nodes.is_empty() {
            return Err(ScenarioError::new(field, "needs at least one server"));
        }
        if nodes.len() > MAX_NODES as usize {
            return Err(ScenarioError::new(field, format!("has more than {MAX_NODES} servers")));
        }
        for (k, &node) in nodes.iter().enumerate() {
            self.check_node(&format!("{field}[{k}]"), node)?;
            if nodes[..k].contains(&node) {
                return Err(ScenarioError::new(format!("{field}[{k}]"), format!("node {node} is listed twice")));
            }
        }
        Ok(())
    }

    /// The workload clients an action names (none: all), which must exist.
    fn check_clients(&self, f: &str, clients: &Option<Vec<u32>>) -> Result<(), ScenarioError> {
        let count = self.workload.as_ref().map_or(0, |w| w.clients);
        if count == 0 {
            return Err(ScenarioError::new(f, "the scenario has no workload clients (`workload.clients`)"));
        }
        let Some(list) = clients else { return Ok(()) };
        if list.is_empty() || list.len() > MAX_CLIENTS as usize {
            return Err(ScenarioError::new(format!("{f}.clients"), format!("lists 1 to {MAX_CLIENTS} clients")));
        }
        for (k, &c) in list.iter().enumerate() {
            if !(1..=count).contains(&c) {
                return Err(ScenarioError::new(
                    format!("{f}.clients[{k}]"),
                    format!("client {c} does not exist (the workload's clients are 1 to {count})"),
                ));
            }
            if list[..k].contains(&c) {
                return Err(ScenarioError::new(format!("{f}.clients[{k}]"), format!("client {c} is listed twice")));
            }
        }
        Ok(())
    }

    pub(crate) fn check_node(&self, field: &str, node: NodeId) -> Result<(), ScenarioError> {
        if node == 0 || node > self.nodes {
            return Err(ScenarioError::new(
                field,
                format!("node {node} does not exist (nodes are 1 to {})", self.nodes),
            ));
        }
        Ok(())
    }

    fn check_faults(&self, f: &str, faults: &NodeFaults) -> Result<(), ScenarioError> {
        self.check_node(&format!("{f}.node"), faults.node)?;
        check_probability(&format!("{f}.send_omission"), faults.send_omission)?;
        check_probability(&format!("{f}.receive_omission"), faults.receive_omission)?;
        if !faults.drift.is_finite() || !(-0.5..=0.5).contains(&faults.drift) {
            return Err(ScenarioError::new(format!("{f}.drift"), "must be between -0.5 and 0.5"));
        }
        for (k, b) in faults.byzantine.iter().enumerate() {
            if faults.byzantine[..k].contains(b) {
                return Err(ScenarioError::new(format!("{f}.byzantine[{k}]"), format!("{} is listed twice", b.name())));
            }
        }
        Ok(())
    }

    /// Whether an action makes sense for this scenario (its nodes exist, its numbers are in
    /// range); `f` names it in the error.
    pub fn check_action(&self, f: &str, action: &Action) -> Result<(), ScenarioError> {
        match action {
            Action::Crash { node, .. }
            | Action::Restart { node }
            | Action::Pause { node }
            | Action::Resume { node }
            | Action::Isolate { node }
            | Action::Timeout { node }
            | Action::TransferLeadership { node } => self.check_node(&format!("{f}.node"), *node),
            Action::Cut { from, to } => {
                self.check_node(&format!("{f}.from"), *from)?;
                self.check_node(&format!("{f}.to"), *to)
            }
            Action::Partition { groups } => {
                let mut seen = Vec::new();
                for (g, group) in groups.iter().enumerate() {
                    for (k, &node) in group.iter().enumerate() {
                        let field = format!("{f}.groups[{g}][{k}]");
                        self.check_node(&field, node)?;
                        if seen.contains(&node) {
                            return Err(ScenarioError::new(field, format!("node {node} is in two groups")));
                        }
                        seen.push(node);
                    }
                }
                Ok(())
            }
            Action::Heal
            | Action::CrashLeader { .. }
            | Action::DropMessage { .. }
            | Action::DuplicateMessage { .. }
            | Action::ManualDelivery { .. }
            | Action::DeliverMessage { .. }
            | Action::AlignTimers
            | Action::SpreadTimers => Ok(()),
            Action::SetNetwork { latency_ms, loss, duplicate, reorder, timing } => {
                if let Some(l) = latency_ms {
                    check_range_ms(&format!("{f}.latency_ms"), *l, 0.0, MAX_LATENCY_MS)?;
                }
                for (name, p) in [("loss", loss), ("duplicate", duplicate), ("reorder", reorder)] {
                    if let Some(p) = p {
                        check_probability(&format!("{f}.{name}"), *p)?;
                    }
                }
                if let Some(t) = timing {
                    check_timing(&format!("{f}.timing"), t)?;
                }
                Ok(())
            }
            Action::SetFaults(faults) => self.check_faults(f, faults),
            Action::MessageRule(rule) => crate::scenario::message_rule::check(self, f, rule),
            Action::Targeted(targeted) => crate::scenario::target::check(self, f, targeted),
            Action::AddServer { node, via } | Action::RemoveServer { node, via } => {
                self.check_node(&format!("{f}.node"), *node)?;
                via.map_or(Ok(()), |v| self.check_node(&format!("{f}.via"), v))
            }
            Action::ChangeMembership { voters, via } => {
                self.check_node_list(&format!("{f}.voters"), voters)?;
                via.map_or(Ok(()), |v| self.check_node(&format!("{f}.via"), v))
            }
            Action::Client { node, op, key, value, retry_ms } => {
                self.check_node(&format!("{f}.node"), *node)?;
                if let Some(ms) = retry_ms {
                    check_ms(&format!("{f}.retry_ms"), *ms, 1.0, MAX_CLIENT_RETRY_MS)?;
                }
                if *op == ClientOpKind::Put && value.is_none() {
                    return Err(ScenarioError::new(format!("{f}.value"), "a put needs a value"));
                }
                if key.is_empty() || key.len() > MAX_TEXT {
                    return Err(ScenarioError::new(format!("{f}.key"), format!("must be 1 to {MAX_TEXT} bytes")));
                }
                if value.as_ref().is_some_and(|v| v.len() > MAX_TEXT) {
                    return Err(ScenarioError::new(format!("{f}.value"), format!("must be at most {MAX_TEXT} bytes")));
                }
                Ok(())
            }
            Action::StopClients { clients } | Action::StartClients { clients } => self.check_clients(f, clients),
            Action::ChangeClients { clients, interval_ms, keys, get_ratio, node } => {
                self.check_clients(f, clients)?;
                if let Some(ms) = interval_ms {
                    check_ms(&format!("{f}.interval_ms"), *ms, 0.1, 600_000.0)?;
                }
                if keys.is_some_and(|k| !(1..=1000).contains(&k)) {
                    return Err(ScenarioError::new(format!("{f}.keys"), "must be between 1 and 1000"));
                }
                if let Some(p) = get_ratio {
                    check_probability(&format!("{f}.get_ratio"), *p)?;
                }
                node.map_or(Ok(()), |n| self.check_node(&format!("{f}.node"), n))
            }
        }
    }
}

pub(crate) fn check_ms(field: &str, v: f64, min: f64, max: f64) -> Result<(), ScenarioError> {
    if !v.is_finite() || v < min || v > max {
        return Err(ScenarioError::new(
            field,
            format!("must be a number of milliseconds between {min} and {max}, got {v}"),
        ));
    }
    Ok(())
}

fn check_range_ms(field: &str, [lo, hi]: [f64; 2], min: f64, max: f64) -> Result<(), ScenarioError> {
    check_ms(&format!("{field}[0]"), lo, min, max)?;
    check_ms(&format!("{field}[1]"), hi, min, max)?;
    if lo > hi {
        return Err(ScenarioError::new(field, format!("minimum {lo} is greater than maximum {hi}")));
    }
    Ok(())
}

fn check_probability(field: &str, p: f64) -> Result<(), ScenarioError> {
    if !p.is_finite() || !(0.0..=1.0).contains(&p) {
        return Err(ScenarioError::new(field, format!("must be a probability between 0 and 1, got {p}")));
    }
    Ok(())
}

fn check_timing(field: &str, timing: &TimingModel) -> Result<(), ScenarioError> {
    match timing {
        TimingModel::Synchronous => Ok(()),
        TimingModel::PartiallySynchronous { gst_ms, tail_probability } => {
            check_ms(&format!("{field}.gst_ms"), *gst_ms, 0.0, MAX_DURATION_MS)?;
            check_probability(&format!("{field}.tail_probability"), *tail_probability)
        }
        TimingModel::Asynchronous { tail_probability } => {
            check_probability(&format!("{field}.tail_probability"), *tail_probability)
        }
    }
}
