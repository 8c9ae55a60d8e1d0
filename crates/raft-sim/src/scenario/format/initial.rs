//! What a server starts with (`"servers"` in a scenario): the persistent state of Figure 2
//! (currentTerm, votedFor, the log) as if read back from its disk, and its own election
//! timeout range. Figure 7's follower logs (a)–(f) are written this way:
//!
//! ```json
//! "servers": { "1": { "term": 7, "log": [1, 1, 1, 4, 4, 5, 5, 6, 6, 6] } }
//! ```
//!
//! A log entry is its term (an entry holding no command: a no-op) or an object with the term
//! and a client command (`{"term": 4, "op": "put", "key": "x", "value": "3"}`). The server
//! boots through raft-core's ordinary restart path, `RaftNode::new` with that persistent
//! state, exactly as after a crash-recovery: commitIndex and lastApplied start at 0 and a
//! leader learns what is committed.
use super::{check_range_ms, ClientOpKind, Scenario, ScenarioError, MAX_TEXT};
use raft_core::{ClientId, Command, Entry, EntryPayload, NodeId, Op, PersistentState, RaftConfig, RaftLog, Term};
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize};
use std::fmt;

/// At most this many entries in one server's initial log.
pub const MAX_INITIAL_LOG: usize = 1_000;
/// Terms in initial state are at most this (far above anything a run reaches, and far below
/// where `term + 1` could overflow).
pub const MAX_INITIAL_TERM: Term = 1_000_000;
/// The client id the commands of initial logs carry: no workload client or operator request
/// uses it, so their sessions never mistake one for another (the sequence number is the
/// entry's index).
pub const INITIAL_CLIENT: ClientId = ClientId::MAX;

/// One server's starting state and settings (`servers."1"`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServerSetup {
    /// currentTerm at boot; left out: the term of the last log entry (0 for an empty log).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub term: Option<Term>,
    /// votedFor at boot (in `term`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub voted_for: Option<NodeId>,
    /// The log at boot, from index 1.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub log: Vec<EntrySpec>,
    /// This server's [min, max] election timeout, instead of `raft.election_timeout_ms`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub election_timeout_ms: Option<[f64; 2]>,
}

/// A log entry as written: its term alone (a no-op) or the term with a command.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum EntrySpec {
    Term(Term),
    Command(CommandSpec),
}

/// `{"term": 4, "op": "put", "key": "x", "value": "3"}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CommandSpec {
    pub term: Term,
    pub op: ClientOpKind,
    pub key: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
}

impl EntrySpec {
    pub fn term(&self) -> Term {
        match self {
            EntrySpec::Term(t) => *t,
            EntrySpec::Command(c) => c.term,
        }
    }

    /// The entry at `index`.
    pub fn entry(&self, index: u64) -> Entry {
        let payload = match self {
            EntrySpec::Term(_) => EntryPayload::Noop,
            EntrySpec::Command(c) => {
                let op = match c.op {
                    ClientOpKind::Put => Op::Put { key: c.key.clone(), value: c.value.clone().unwrap_or_default() },
                    ClientOpKind::Get => Op::Get { key: c.key.clone() },
                };
                EntryPayload::Command(Command { client: INITIAL_CLIENT, seq: index, op })
            }
        };
        Entry { term: self.term(), index, payload }
    }
}

/// Read by hand (not `#[serde(untagged)]`, which buffers the value and tries each variant).
impl<'de> Deserialize<'de> for EntrySpec {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<EntrySpec, D::Error> {
        struct EntryVisitor;
        impl<'de> Visitor<'de> for EntryVisitor {
            type Value = EntrySpec;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a term (a whole number) or an entry {\"term\", \"op\", \"key\", \"value\"}")
            }
            fn visit_u64<E: de::Error>(self, term: u64) -> Result<EntrySpec, E> {
                Ok(EntrySpec::Term(term))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<EntrySpec, A::Error> {
                CommandSpec::deserialize(de::value::MapAccessDeserializer::new(map)).map(EntrySpec::Command)
            }
        }
        deserializer.deserialize_any(EntryVisitor)
    }
}

impl ServerSetup {
    /// The log it boots with.
    pub fn raft_log(&self) -> RaftLog {
        RaftLog::from_entries(self.log.iter().enumerate().map(|(i, e)| e.entry(i as u64 + 1)).collect())
    }

    fn last_term(&self) -> Term {
        self.log.last().map_or(0, EntrySpec::term)
    }
}

impl Scenario {
    /// What server `id` finds on its disk when it first boots: the state given in `servers`,
    /// else nothing (term 0, no vote, an empty log).
    pub fn initial_state(&self, id: NodeId) -> PersistentState {
        match self.servers.get(&id) {
            Some(s) => PersistentState {
                current_term: s.term.unwrap_or_else(|| s.last_term()),
                voted_for: s.voted_for,
                log: s.raft_log(),
                snapshot: None,
            },
            None => PersistentState::default(),
        }
    }

    /// Server `id`'s Raft settings: the cluster's, with its own election timeout if it has one.
    pub fn config_for(&self, id: NodeId) -> RaftConfig {
        let mut config = self.raft.to_config();
        if let Some([min, max]) = self.servers.get(&id).and_then(|s| s.election_timeout_ms) {
            config.election_timeout_min = super::ms_to_us(min);
            config.election_timeout_max = super::ms_to_us(max);
        }
        config
    }

    /// `servers`: existing servers, bounded logs whose terms never go down, a currentTerm at
    /// least the last entry's, and logs that agree wherever they hold an entry of the same
    /// index and term (Log Matching): a state Raft could have reached.
    pub(crate) fn check_servers(&self) -> Result<(), ScenarioError> {
        let members = self.initial_members();
        for (&id, s) in &self.servers {
            let f = format!("servers.{id}");
            self.check_node(&f, id)?;
            if let Some(range) = s.election_timeout_ms {
                check_range_ms(&format!("{f}.election_timeout_ms"), range, 1.0, 600_000.0)?;
            }
            if let Some(v) = s.voted_for {
                self.check_node(&format!("{f}.voted_for"), v)?;
            }
            if s.log.len() > MAX_INITIAL_LOG {
                return Err(ScenarioError::new(
                    format!("{f}.log"),
                    format!("has {} entries; at most {MAX_INITIAL_LOG}", s.log.len()),
                ));
            }
            if !s.log.is_empty() && !members.contains(&id) {
                return Err(ScenarioError::new(
                    format!("{f}.log"),
                    format!("S{id} is not in `members`: a server outside the cluster starts with an empty log"),
                ));
            }
            let mut previous = 0;
            for (k, entry) in s.log.iter().enumerate() {
                let at = format!("{f}.log[{k}]");
                let term = entry.term();
                if !(1..=MAX_INITIAL_TERM).contains(&term) {
                    return Err(ScenarioError::new(
                        at,
                        format!("the term of an entry is 1 to {MAX_INITIAL_TERM}, not {term}"),
                    ));
                }
                if term < previous {
                    return Err(ScenarioError::new(
                        at,
                        format!("term {term} after term {previous}: terms never decrease along a log"),
                    ));
                }
                previous = term;
                if let EntrySpec::Command(c) = entry {
                    if c.key.is_empty() || c.key.len() > MAX_TEXT {
                        return Err(ScenarioError::new(format!("{at}.key"), format!("must be 1 to {MAX_TEXT} bytes")));
                    }
                    match (&c.op, &c.value) {
                        (ClientOpKind::Put, None) => {
                            return Err(ScenarioError::new(format!("{at}.value"), "a put needs a value"))
                        }
                        (ClientOpKind::Get, Some(_)) => {
                            return Err(ScenarioError::new(format!("{at}.value"), "a get has no value"))
                        }
                        (_, Some(v)) if v.len() > MAX_TEXT => {
                            return Err(ScenarioError::new(
                                format!("{at}.value"),
                                format!("must be at most {MAX_TEXT} bytes"),
                            ))
                        }
                        _ => {}
                    }
                }
            }
            if let Some(term) = s.term {
                if term > MAX_INITIAL_TERM {
                    return Err(ScenarioError::new(format!("{f}.term"), format!("must be at most {MAX_INITIAL_TERM}")));
                }
                if term < s.last_term() {
                    return Err(ScenarioError::new(
                        format!("{f}.term"),
                        format!(
                            "currentTerm {term} is below the term of the last log entry ({}): a server has seen every term in its log",
                            s.last_term()
                        ),
                    ));
                }
            }
        }
        // Log Matching between every two logs: the same index and term means the same entry
        // and the same entries before it.
        let logs: Vec<(NodeId, &[EntrySpec])> =
            self.servers.iter().filter(|(_, s)| !s.log.is_empty()).map(|(&id, s)| (id, s.log.as_slice())).collect();
        for (i, &(a, log_a)) in logs.iter().enumerate() {
            for &(b, log_b) in &logs[i + 1..] {
                let Some(last_same) =
                    (0..log_a.len().min(log_b.len())).rev().find(|&k| log_a[k].term() == log_b[k].term())
                else {
                    continue;
                };
                if let Some(k) = (0..=last_same).find(|&k| log_a[k] != log_b[k]) {
                    return Err(ScenarioError::new(
                        format!("servers.{b}.log[{k}]"),
                        format!(
                            "S{a} and S{b} both hold an entry of term {} at index {}, so by Log Matching they hold the same entries up to there; they differ at index {}",
                            log_a[last_same].term(),
                            last_same + 1,
                            k + 1
                        ),
                    ));
                }
            }
        }
        Ok(())
    }
}
