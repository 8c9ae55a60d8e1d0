//! The vocabulary of the protocol: terms, indices, entries and the commands they carry.
use crate::membership::Configuration;
use serde::{Deserialize, Serialize};
use std::fmt;

/// A server's id. The paper numbers servers S1..Sn; so do we.
pub type NodeId = u32;
/// A client's id; part of every command so retries can be deduplicated.
pub type ClientId = u64;
/// An election term.
pub type Term = u64;
/// A 1-based log index; 0 means "before the first entry".
pub type Index = u64;
/// Time as the caller's clock reads it, in microseconds.
pub type Micros = u64;

/// An operation on the replicated key-value store.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Op {
    /// Set `key` to `value`.
    Put {
        /// The key written.
        key: String,
        /// Its new value.
        value: String,
    },
    /// Read `key`.
    Get {
        /// The key read.
        key: String,
    },
}

/// A client command: the operation plus (client, seq) so a retried command applies at most once.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Command {
    /// The client that sent it.
    pub client: ClientId,
    /// The client's sequence number for it.
    pub seq: u64,
    #[serde(flatten)]
    /// What to do.
    pub op: Op,
}

/// What a log entry holds.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum EntryPayload {
    /// Appended by a new leader so entries of earlier terms can commit promptly (§8 of the paper).
    Noop,
    /// A client's command.
    Command(Command),
    /// A cluster configuration (§6): in force on each server as soon as it is in its log.
    Configuration(Configuration),
}

/// One log entry.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Entry {
    /// The term in which the leader created it.
    pub term: Term,
    /// Its position in the log.
    pub index: Index,
    /// What it holds.
    pub payload: EntryPayload,
}

impl fmt::Display for Op {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Op::Put { key, value } => write!(f, "{key}={value}"),
            Op::Get { key } => write!(f, "get {key}"),
        }
    }
}

impl fmt::Display for EntryPayload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EntryPayload::Noop => write!(f, "no-op"),
            EntryPayload::Command(c) => write!(f, "{}", c.op),
            EntryPayload::Configuration(c) => write!(f, "{c}"),
        }
    }
}
