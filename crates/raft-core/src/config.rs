//! Tunables of one node, including the "Break Raft" switches used for teaching.
use crate::types::Micros;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// How a leader moves `nextIndex` back after a follower rejects AppendEntries.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Backtrack {
    /// Decrement nextIndex by one per rejection (Figure 2).
    OneByOne,
    /// The follower returns the conflicting term and its first index; the leader skips the whole
    /// term (§5.3, "the protocol can be optimized").
    ConflictTerm,
}

/// How a leader changes the set of voters (§6 of the paper; chapter 4 of Ongaro's thesis).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MembershipMode {
    /// Joint consensus: C_old,new (majorities of both), then C_new. Any change in one go.
    #[default]
    Joint,
    /// One voter added or removed per change, C_new straight into the log; safe only if the
    /// leader has committed an entry of its own term first.
    SingleServer,
}

/// A safety rule that can be switched off to watch Raft break. All are off by default.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum UnsafeRule {
    /// Grant votes without checking that the candidate's log is at least as up to date.
    NoVoteRestriction,
    /// Commit entries of earlier terms by counting replicas (the paper's Figure 8).
    CommitOldTerms,
    /// Never write currentTerm, votedFor or the log to stable storage: a restart forgets them.
    NoPersist,
    /// Ignore votedFor: a node may vote for several candidates in one term.
    ForgetVote,
    /// Single-server membership changes without the rule that a leader first commits an entry
    /// of its own term (the bug of Ongaro's 2015 raft-dev post).
    UnsafeSingleServerChange,
    /// A leader (or a server that still believes it is one) answers gets at once from its own
    /// state machine, confirming nothing: a deposed leader serves stale reads.
    StaleReads,
    /// Keep no client sessions: a command that reaches the log twice (a client's retry) is
    /// applied twice, and a leader appends a retry it has already applied or appended. The
    /// server gives at-least-once semantics instead of exactly-once (§8 of the paper).
    NoDedup,
}

impl UnsafeRule {
    /// Every rule, in the order the page and the CLI list them.
    pub const ALL: [UnsafeRule; 7] = [
        UnsafeRule::NoVoteRestriction,
        UnsafeRule::CommitOldTerms,
        UnsafeRule::NoPersist,
        UnsafeRule::ForgetVote,
        UnsafeRule::UnsafeSingleServerChange,
        UnsafeRule::StaleReads,
        UnsafeRule::NoDedup,
    ];

    /// The rule's name, as the CLI and scenario files spell it.
    pub fn name(self) -> &'static str {
        match self {
            UnsafeRule::NoVoteRestriction => "no-vote-restriction",
            UnsafeRule::CommitOldTerms => "commit-old-terms",
            UnsafeRule::NoPersist => "no-persist",
            UnsafeRule::ForgetVote => "forget-vote",
            UnsafeRule::UnsafeSingleServerChange => "unsafe-single-server-change",
            UnsafeRule::StaleReads => "stale-reads",
            UnsafeRule::NoDedup => "no-dedup",
        }
    }
}

impl fmt::Display for UnsafeRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A name that is not one of [`UnsafeRule::ALL`]; the message lists the names that are.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownUnsafeRule(pub String);

impl fmt::Display for UnknownUnsafeRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<_> = UnsafeRule::ALL.iter().map(|r| r.name()).collect();
        write!(f, "unknown unsafe rule '{}' (expected one of: {})", self.0, names.join(", "))
    }
}

impl std::error::Error for UnknownUnsafeRule {}

impl FromStr for UnsafeRule {
    type Err = UnknownUnsafeRule;
    fn from_str(s: &str) -> Result<Self, UnknownUnsafeRule> {
        UnsafeRule::ALL.into_iter().find(|r| r.name() == s).ok_or_else(|| UnknownUnsafeRule(s.to_string()))
    }
}

/// The set of broken rules in force.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnsafeRules {
    /// Votes without checking that the candidate's log is at least as up-to-date (§5.4.1).
    pub no_vote_restriction: bool,
    /// Commits entries of earlier terms by counting replicas (the Figure 8 bug, §5.4.2).
    pub commit_old_terms: bool,
    /// Never write currentTerm, votedFor or the log to stable storage: a restart forgets them.
    pub no_persist: bool,
    /// Ignore votedFor: a node may vote for several candidates in one term.
    pub forget_vote: bool,
    #[serde(default)]
    /// Single-server changes without waiting for an entry of the leader's term to commit.
    pub unsafe_single_server_change: bool,
    /// The leader answers reads from its state machine without confirming it still leads.
    pub stale_reads: bool,
    /// Apply every committed command, retries included (no client sessions).
    #[serde(default)]
    pub no_dedup: bool,
}

impl UnsafeRules {
    /// These rules with `rule` also on.
    pub fn with(mut self, rule: UnsafeRule) -> Self {
        self.set(rule, true);
        self
    }

    /// Turn `rule` on or off.
    pub fn set(&mut self, rule: UnsafeRule, on: bool) {
        match rule {
            UnsafeRule::NoVoteRestriction => self.no_vote_restriction = on,
            UnsafeRule::CommitOldTerms => self.commit_old_terms = on,
            UnsafeRule::NoPersist => self.no_persist = on,
            UnsafeRule::ForgetVote => self.forget_vote = on,
            UnsafeRule::UnsafeSingleServerChange => self.unsafe_single_server_change = on,
            UnsafeRule::StaleReads => self.stale_reads = on,
            UnsafeRule::NoDedup => self.no_dedup = on,
        }
    }

    /// Whether `rule` is on.
    pub fn contains(&self, rule: UnsafeRule) -> bool {
        match rule {
            UnsafeRule::NoVoteRestriction => self.no_vote_restriction,
            UnsafeRule::CommitOldTerms => self.commit_old_terms,
            UnsafeRule::NoPersist => self.no_persist,
            UnsafeRule::ForgetVote => self.forget_vote,
            UnsafeRule::UnsafeSingleServerChange => self.unsafe_single_server_change,
            UnsafeRule::StaleReads => self.stale_reads,
            UnsafeRule::NoDedup => self.no_dedup,
        }
    }

    /// The rules that are on, in [`UnsafeRule::ALL`] order.
    pub fn enabled(&self) -> Vec<UnsafeRule> {
        UnsafeRule::ALL.into_iter().filter(|r| self.contains(*r)).collect()
    }
}

/// Per-node protocol settings.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RaftConfig {
    /// Election timeouts are drawn uniformly from [min, max] (§5.2: "e.g., 150–300ms").
    pub election_timeout_min: Micros,
    /// The upper end of the range election timeouts are drawn from.
    pub election_timeout_max: Micros,
    /// How often an idle leader sends empty AppendEntries.
    pub heartbeat_interval: Micros,
    /// How a leader backs nextIndex up after a rejected AppendEntries.
    pub backtrack: Backtrack,
    /// Append a no-op entry on becoming leader.
    pub noop_on_election: bool,
    /// At most this many entries in one AppendEntries.
    pub max_entries_per_message: usize,
    /// The broken rules in force (none by default).
    pub unsafe_rules: UnsafeRules,
    /// PreVote (thesis §9.6): a server whose election timer fires first asks whether it could
    /// win before it increments its term (disruption.rs).
    #[serde(default)]
    pub pre_vote: bool,
    /// CheckQuorum (thesis §6.2): a leader that hears from no majority within an election
    /// timeout steps down (disruption.rs).
    #[serde(default)]
    pub check_quorum: bool,
    /// Leader liveliness (paper §6, thesis §4.2.3): a server that heard from a current leader
    /// within the minimum election timeout (or that leads) disregards RequestVote, so a removed
    /// server cannot depose leader after leader. On by default, as in the paper; a leadership
    /// transfer's RequestVote always gets through (disruption.rs).
    #[serde(default = "default_true")]
    pub leader_liveliness: bool,
    /// How the voters change: joint consensus (C_old,new then C_new) or one server at a time.
    #[serde(default)]
    pub membership_mode: MembershipMode,
    /// How a leader answers gets (thesis §6.4).
    #[serde(default)]
    pub read_mode: ReadMode,
    /// Lease reads: the largest clock drift the lease allows for, in parts per million. A lease
    /// lasts electionTimeoutMin × (1 − bound) from the start of an acknowledged heartbeat round.
    #[serde(default = "default_lease_drift_bound_ppm")]
    pub lease_drift_bound_ppm: u64,
    /// Log compaction (§7): a server snapshots its applied state once its log holds more
    /// than this many entries. 0 turns snapshots off. (The paper triggers on the log's size in
    /// bytes; counting entries is the same idea and easier to watch.)
    #[serde(default)]
    pub snapshot_threshold: usize,
    /// InstallSnapshot sends a snapshot in chunks of at most this many bytes.
    #[serde(default = "default_snapshot_chunk_bytes")]
    pub snapshot_chunk_bytes: usize,
}

/// How a leader answers a get.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReadMode {
    /// Through the log, like a put: linearizable, and costs a log entry.
    #[default]
    Log,
    /// ReadIndex (thesis §6.4): once an entry of its term is committed, the leader records
    /// readIndex = commitIndex, confirms with a heartbeat round acknowledged by a majority that
    /// it is still leader, and answers once lastApplied ≥ readIndex.
    ReadIndex,
    /// Lease reads (thesis §6.4.1): while a majority acknowledged a heartbeat round started less
    /// than a lease ago, the leader answers at once; otherwise it falls back to ReadIndex. Safe
    /// only while clocks drift less than the configured bound.
    Lease,
}

impl ReadMode {
    /// Every read mode, in the order the page lists them.
    pub const ALL: [ReadMode; 3] = [ReadMode::Log, ReadMode::ReadIndex, ReadMode::Lease];

    /// The mode's name, as the CLI and scenario files spell it.
    pub fn name(self) -> &'static str {
        match self {
            ReadMode::Log => "log",
            ReadMode::ReadIndex => "read_index",
            ReadMode::Lease => "lease",
        }
    }
}

impl fmt::Display for ReadMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A name that is not one of [`ReadMode::ALL`]; the message lists the names that are.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownReadMode(pub String);

impl fmt::Display for UnknownReadMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<_> = ReadMode::ALL.iter().map(|m| m.name()).collect();
        write!(f, "unknown read mode '{}' (expected one of: {})", self.0, names.join(", "))
    }
}

impl std::error::Error for UnknownReadMode {}

impl FromStr for ReadMode {
    type Err = UnknownReadMode;
    fn from_str(s: &str) -> Result<Self, UnknownReadMode> {
        ReadMode::ALL.into_iter().find(|m| m.name() == s).ok_or_else(|| UnknownReadMode(s.to_string()))
    }
}

fn default_true() -> bool {
    true
}

/// 10%: clocks whose rates differ by less than this keep leases safe.
pub const DEFAULT_LEASE_DRIFT_BOUND_PPM: u64 = 100_000;

fn default_lease_drift_bound_ppm() -> u64 {
    DEFAULT_LEASE_DRIFT_BOUND_PPM
}

/// The chunk size when none is given.
pub const DEFAULT_SNAPSHOT_CHUNK_BYTES: usize = 512;

fn default_snapshot_chunk_bytes() -> usize {
    DEFAULT_SNAPSHOT_CHUNK_BYTES
}

impl Default for RaftConfig {
    fn default() -> Self {
        RaftConfig {
            election_timeout_min: 150_000,
            election_timeout_max: 300_000,
            heartbeat_interval: 50_000,
            backtrack: Backtrack::ConflictTerm,
            noop_on_election: true,
            max_entries_per_message: 64,
            unsafe_rules: UnsafeRules::default(),
            pre_vote: false,
            check_quorum: false,
            leader_liveliness: true,
            membership_mode: MembershipMode::Joint,
            read_mode: ReadMode::Log,
            lease_drift_bound_ppm: DEFAULT_LEASE_DRIFT_BOUND_PPM,
            snapshot_threshold: 0,
            snapshot_chunk_bytes: DEFAULT_SNAPSHOT_CHUNK_BYTES,
        }
    }
}
