//! The replicated key-value state machine, with client sessions so that a retried command is
//! applied at most once (§8 of the paper).
use crate::types::{ClientId, Command, NodeId, Op};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::Arc;

/// A request as a client sends it to some server.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientRequest {
    /// The client's sequence number: a retry carries the same one.
    pub seq: u64,
    #[serde(flatten)]
    /// What to do.
    pub op: Op,
}

/// A server's answer to a client.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum ClientReply {
    /// The command was applied; `value` is the key's value (for a get) or the previous value
    /// (for a put).
    Ok {
        /// The sequence number of the request answered.
        seq: u64,
        /// The value read, or the one a put replaced.
        value: Option<String>,
    },
    /// This server is not the leader; `leader_hint` is the leader it knows of, if any.
    NotLeader {
        /// The sequence number of the request answered.
        seq: u64,
        /// The leader this server knows of, if any.
        leader_hint: Option<NodeId>,
    },
}

impl std::fmt::Display for ClientReply {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ClientReply::Ok { seq, value: Some(v) } => write!(f, "ok #{seq}: {v}"),
            ClientReply::Ok { seq, value: None } => write!(f, "ok #{seq}: none"),
            ClientReply::NotLeader { seq, leader_hint: Some(l) } => write!(f, "not the leader #{seq}, try S{l}"),
            ClientReply::NotLeader { seq, leader_hint: None } => write!(f, "not the leader #{seq}, leader unknown"),
        }
    }
}

impl ClientReply {
    /// The sequence number of the request answered.
    pub fn seq(&self) -> u64 {
        match self {
            ClientReply::Ok { seq, .. } | ClientReply::NotLeader { seq, .. } => *seq,
        }
    }
}

/// The last command applied for a client, and its result.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    /// The sequence number of the client's latest applied command.
    pub last_seq: u64,
    /// Its result.
    pub last_value: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
/// The key-value store with its client sessions (the state machine every server applies
/// committed commands to).
///
/// Copy-on-write (the notes' Definition 1.16): cloning the store, as taking a snapshot does,
/// copies nothing; the clone and the live store share the data until a command writes to one
/// of them, which then copies the whole map for itself (`Arc::make_mut`). The snapshot keeps
/// the state as of its index without an eager copy. (Real systems copy at a finer grain, a
/// page or a node of a tree; here the shared unit is the whole map.)
pub struct KvStore {
    data: Arc<BTreeMap<String, String>>,
    sessions: Arc<BTreeMap<ClientId, Session>>,
}

/// The outcome of applying one command.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApplyOutcome {
    pub value: Option<String>,
    /// True when the command had already been applied (a retry): nothing changed.
    pub duplicate: bool,
}

impl KvStore {
    /// The keys and their values.
    pub fn data(&self) -> &BTreeMap<String, String> {
        &self.data
    }

    /// Each client's latest applied command.
    pub fn sessions(&self) -> &BTreeMap<ClientId, Session> {
        &self.sessions
    }

    /// Whether this store and `other` still share their key-value data (copy-on-write: no
    /// write to either since one was cloned from the other).
    pub fn shares_data_with(&self, other: &KvStore) -> bool {
        Arc::ptr_eq(&self.data, &other.data)
    }

    /// A command already applied for this client (same or later seq) has a cached answer for the
    /// same seq and none for older ones.
    pub fn cached(&self, client: ClientId, seq: u64) -> Option<Option<Option<String>>> {
        let session = self.sessions.get(&client)?;
        if seq == session.last_seq {
            Some(Some(session.last_value.clone()))
        } else if seq < session.last_seq {
            Some(None)
        } else {
            None
        }
    }

    /// Apply a committed command: at most once per client sequence number (a duplicate returns
    /// the cached result and changes nothing).
    pub fn apply(&mut self, command: &Command) -> ApplyOutcome {
        self.apply_with(command, true)
    }

    /// Apply a committed command; with `dedup` false the sessions are still kept but never
    /// consulted, so a command that reaches the log twice takes effect twice (the `no-dedup`
    /// break rule: at-least-once instead of exactly-once).
    pub fn apply_with(&mut self, command: &Command, dedup: bool) -> ApplyOutcome {
        if let Some(session) = self.sessions.get(&command.client).filter(|_| dedup) {
            if command.seq <= session.last_seq {
                let value = if command.seq == session.last_seq { session.last_value.clone() } else { None };
                return ApplyOutcome { value, duplicate: true };
            }
        }
        let value = match &command.op {
            // Overwrite in place when the key exists: no copy of the key to throw away. A map
            // still shared with a snapshot is copied first (copy-on-write).
            Op::Put { key, value } => {
                let data = Arc::make_mut(&mut self.data);
                match data.get_mut(key) {
                    Some(slot) => Some(std::mem::replace(slot, value.clone())),
                    None => data.insert(key.clone(), value.clone()),
                }
            }
            Op::Get { key } => self.data.get(key).cloned(),
        };
        let session = Session { last_seq: command.seq, last_value: value.clone() };
        Arc::make_mut(&mut self.sessions).insert(command.client, session);
        ApplyOutcome { value, duplicate: false }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn put(client: ClientId, seq: u64, key: &str, value: &str) -> Command {
        Command { client, seq, op: Op::Put { key: key.into(), value: value.into() } }
    }

    #[test]
    fn a_retried_command_applies_at_most_once() {
        let mut kv = KvStore::default();
        assert_eq!(kv.apply(&put(1, 1, "x", "a")), ApplyOutcome { value: None, duplicate: false });
        assert_eq!(kv.apply(&put(2, 1, "x", "b")).value, Some("a".into()));
        // Client 1 retries seq 1 after client 2 wrote: it must not overwrite "b".
        let retry = kv.apply(&put(1, 1, "x", "a"));
        assert!(retry.duplicate);
        assert_eq!(retry.value, None, "the cached answer of the first application is returned");
        assert_eq!(kv.data().get("x"), Some(&"b".to_string()));
    }

    #[test]
    fn without_dedup_a_retried_command_applies_again() {
        let mut kv = KvStore::default();
        kv.apply_with(&put(1, 1, "x", "a"), false);
        kv.apply_with(&put(2, 1, "x", "b"), false);
        // Client 1's retry of seq 1 takes effect a second time and overwrites client 2's "b".
        let retry = kv.apply_with(&put(1, 1, "x", "a"), false);
        assert_eq!(retry, ApplyOutcome { value: Some("b".into()), duplicate: false });
        assert_eq!(kv.data().get("x"), Some(&"a".to_string()));
    }

    #[test]
    fn a_clone_shares_the_data_until_a_write_copies_it() {
        let mut live = KvStore::default();
        live.apply(&put(1, 1, "x", "a"));
        let snapshot = live.clone();
        assert!(live.shares_data_with(&snapshot), "a clone copies nothing");
        let get = Command { client: 1, seq: 2, op: Op::Get { key: "x".into() } };
        live.apply(&get);
        assert!(live.shares_data_with(&snapshot), "a get writes no data");
        live.apply(&put(1, 3, "x", "b"));
        assert!(!live.shares_data_with(&snapshot), "the first write copied the map");
        assert_eq!(snapshot.data().get("x"), Some(&"a".to_string()), "the snapshot kept its state");
        assert_eq!(live.data().get("x"), Some(&"b".to_string()));
    }

    #[test]
    fn get_reads_the_current_value() {
        let mut kv = KvStore::default();
        kv.apply(&put(1, 1, "k", "v"));
        let get = Command { client: 1, seq: 2, op: Op::Get { key: "k".into() } };
        assert_eq!(kv.apply(&get).value, Some("v".into()));
        assert_eq!(kv.cached(1, 2), Some(Some(Some("v".into()))));
        assert_eq!(kv.cached(1, 1), Some(None));
        assert_eq!(kv.cached(1, 3), None);
    }
}
