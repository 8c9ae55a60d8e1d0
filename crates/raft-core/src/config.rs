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
}

impl UnsafeRule {
    pub const ALL: [UnsafeRule; 4] =
        [UnsafeRule::NoVoteRestriction, UnsafeRule::CommitOldTerms, UnsafeRule::NoPersist, UnsafeRule::ForgetVote];

    pub fn name(self) -> &'static str {
        match self {
            UnsafeRule::NoVoteRestriction => "no-vote-restriction",
            UnsafeRule::CommitOldTerms => "commit-old-terms",
            UnsafeRule::NoPersist => "no-persist",
            UnsafeRule::ForgetVote => "forget-vote",
        }
    }
}

impl fmt::Display for UnsafeRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for UnsafeRule {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        UnsafeRule::ALL.into_iter().find(|r| r.name() == s).ok_or_else(|| {
            let names: Vec<_> = UnsafeRule::ALL.iter().map(|r| r.name()).collect();
            format!("unknown unsafe rule '{s}' (expected one of: {})", names.join(", "))
        })
    }
}

/// The set of broken rules in force.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnsafeRules {
    pub no_vote_restriction: bool,
    pub commit_old_terms: bool,
    pub no_persist: bool,
    pub forget_vote: bool,
}

impl UnsafeRules {
    pub fn with(mut self, rule: UnsafeRule) -> Self {
        self.set(rule, true);
        self
    }

    pub fn set(&mut self, rule: UnsafeRule, on: bool) {
        match rule {
            UnsafeRule::NoVoteRestriction => self.no_vote_restriction = on,
            UnsafeRule::CommitOldTerms => self.commit_old_terms = on,
            UnsafeRule::NoPersist => self.no_persist = on,
            UnsafeRule::ForgetVote => self.forget_vote = on,
        }
    }

    pub fn contains(&self, rule: UnsafeRule) -> bool {
        match rule {
            UnsafeRule::NoVoteRestriction => self.no_vote_restriction,
            UnsafeRule::CommitOldTerms => self.commit_old_terms,
            UnsafeRule::NoPersist => self.no_persist,
            UnsafeRule::ForgetVote => self.forget_vote,
        }
    }

    pub fn enabled(&self) -> Vec<UnsafeRule> {
        UnsafeRule::ALL.into_iter().filter(|r| self.contains(*r)).collect()
    }
}

/// Per-node protocol settings.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RaftConfig {
    /// Election timeouts are drawn uniformly from [min, max] (§5.2: "e.g., 150–300ms").
    pub election_timeout_min: Micros,
    pub election_timeout_max: Micros,
    /// How often an idle leader sends empty AppendEntries.
    pub heartbeat_interval: Micros,
    pub backtrack: Backtrack,
    /// Append a no-op entry on becoming leader.
    pub noop_on_election: bool,
    /// At most this many entries in one AppendEntries.
    pub max_entries_per_message: usize,
    pub unsafe_rules: UnsafeRules,
    /// Log compaction (§7): a server snapshots its applied state once its log holds more
    /// than this many entries. 0 turns snapshots off. (The paper triggers on the log's size in
    /// bytes; counting entries is the same idea and easier to watch.)
    #[serde(default)]
    pub snapshot_threshold: usize,
    /// InstallSnapshot sends a snapshot in chunks of at most this many bytes.
    #[serde(default = "default_snapshot_chunk_bytes")]
    pub snapshot_chunk_bytes: usize,
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
            snapshot_threshold: 0,
            snapshot_chunk_bytes: DEFAULT_SNAPSHOT_CHUNK_BYTES,
        }
    }
}
