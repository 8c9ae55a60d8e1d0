//! Helpers shared by the integration tests: a deterministic entropy source, builders for
//! messages, logs and nodes in a given state, and the one test network ([`cluster::Cluster`]),
//! which runs the simulator's invariant checker after every step.
#![allow(dead_code)]

pub mod cluster;
#[allow(unused_imports)] // not every test file runs a cluster
pub use cluster::Cluster;

use raft_core::{
    AppendEntries, AppendEntriesReply, ClientId, ClientRequest, Command, Entropy, Entry, EntryPayload, Index, Message,
    Micros, NodeId, Op, PersistentState, RaftConfig, RaftLog, RaftNode, Ready, RequestVote, RequestVoteReply, Role,
    Term,
};
use std::collections::BTreeMap;

/// A 64-bit linear congruential generator: deterministic and good enough for timeouts.
#[derive(Clone, Debug)]
pub struct Lcg(pub u64);

impl Entropy for Lcg {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        self.0 >> 33
    }
}

/// The election timeout used by `fixed_config` (min == max, so deadlines are exact).
pub const ET: Micros = 150_000;
/// The heartbeat interval used by `fixed_config`.
pub const HB: Micros = 50_000;

/// A config with a fixed election timeout, so `next_deadline` is predictable, and no no-op.
pub fn fixed_config() -> RaftConfig {
    RaftConfig {
        election_timeout_min: ET,
        election_timeout_max: ET,
        heartbeat_interval: HB,
        noop_on_election: false,
        ..RaftConfig::default()
    }
}

/// `fixed_config` without leader liveliness (paper §6), for Figure 2's RequestVote rules on
/// their own: with it, a server that believes a leader exists (a leader, or a follower that
/// heard from one) disregards RequestVote before those rules are reached (disruption.rs).
pub fn without_liveliness() -> RaftConfig {
    RaftConfig { leader_liveliness: false, ..fixed_config() }
}

pub fn rng() -> Lcg {
    Lcg(42)
}

// ----- Entries and logs ------------------------------------------------------------------------

pub fn noop(term: Term, index: Index) -> Entry {
    Entry { term, index, payload: EntryPayload::Noop }
}

pub fn put_entry(term: Term, index: Index, client: ClientId, seq: u64, key: &str, value: &str) -> Entry {
    Entry {
        term,
        index,
        payload: EntryPayload::Command(Command { client, seq, op: Op::Put { key: key.into(), value: value.into() } }),
    }
}

/// No-op entries at indices 1.. with the given terms.
pub fn entries_with_terms(terms: &[Term]) -> Vec<Entry> {
    terms.iter().enumerate().map(|(i, &t)| noop(t, i as Index + 1)).collect()
}

/// No-op entries starting at `first` with the given terms.
pub fn entries_from(first: Index, terms: &[Term]) -> Vec<Entry> {
    terms.iter().enumerate().map(|(i, &t)| noop(t, first + i as Index)).collect()
}

pub fn log_of(terms: &[Term]) -> RaftLog {
    RaftLog::from_entries(entries_with_terms(terms))
}

pub fn log_terms(node: &RaftNode) -> Vec<Term> {
    node.log().iter().map(|e| e.term).collect()
}

// ----- Nodes ---------------------------------------------------------------------------------

pub fn persisted(term: Term, voted_for: Option<NodeId>, terms: &[Term]) -> PersistentState {
    PersistentState { current_term: term, voted_for, log: log_of(terms), snapshot: None }
}

/// A follower booted at time 0 from the given persistent state.
pub fn node_with(
    id: NodeId,
    members: &[NodeId],
    config: RaftConfig,
    term: Term,
    voted_for: Option<NodeId>,
    terms: &[Term],
) -> RaftNode {
    RaftNode::new(id, members, config, persisted(term, voted_for, terms), 0, &mut rng())
}

/// A follower booted at time 0 with a fixed election timeout.
pub fn follower(id: NodeId, members: &[NodeId], term: Term, voted_for: Option<NodeId>, terms: &[Term]) -> RaftNode {
    node_with(id, members, fixed_config(), term, voted_for, terms)
}

pub fn drain(node: &mut RaftNode) -> Ready {
    drain_written(node).0
}

/// What a drain asked stable storage to do with the log, copied out of the borrowed
/// [`raft_core::LogWrite`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Written {
    Unchanged,
    Append { from: Index, entries: Vec<Entry> },
    Replace(raft_core::RaftLog),
}

/// Drain `node`: its Ready and the log write handed out with it.
pub fn drain_written(node: &mut RaftNode) -> (Ready, Written) {
    let mut ready = Ready::default();
    let written = match node.take_ready(&mut ready) {
        raft_core::LogWrite::Unchanged => Written::Unchanged,
        raft_core::LogWrite::Append { from, entries } => Written::Append { from, entries: entries.to_vec() },
        raft_core::LogWrite::Replace(log) => Written::Replace(log.clone()),
    };
    (ready, written)
}

/// Make `node` a candidate (election timeout forced at `now`), discarding its output.
pub fn make_candidate(node: &mut RaftNode, now: Micros) {
    node.force_election_timeout(now, &mut rng());
    assert_eq!(node.role(), Role::Candidate);
    drain(node);
}

/// Make `node` leader of `current_term + 1` by feeding it granted votes from its peers,
/// discarding its output.
pub fn make_leader(node: &mut RaftNode, now: Micros) {
    node.force_election_timeout(now, &mut rng());
    let term = node.current_term();
    let peers: Vec<NodeId> = node.members().iter().copied().filter(|&p| p != node.id()).collect();
    for p in peers {
        if node.role() == Role::Leader {
            break;
        }
        node.handle_message(now, p, vote_reply(term, true), &mut rng());
    }
    assert_eq!(node.role(), Role::Leader);
    assert_eq!(node.current_term(), term);
    drain(node);
}

// ----- Messages ------------------------------------------------------------------------------

pub fn request_vote(term: Term, candidate_id: NodeId, last_log_index: Index, last_log_term: Term) -> Message {
    Message::RequestVote(RequestVote { term, candidate_id, last_log_index, last_log_term, leadership_transfer: false })
}

pub fn vote_reply(term: Term, vote_granted: bool) -> Message {
    Message::RequestVoteReply(RequestVoteReply { term, vote_granted })
}

pub fn append(
    term: Term,
    leader_id: NodeId,
    prev_log_index: Index,
    prev_log_term: Term,
    entries: Vec<Entry>,
    leader_commit: Index,
) -> Message {
    Message::AppendEntries(AppendEntries {
        term,
        leader_id,
        prev_log_index,
        prev_log_term,
        entries,
        leader_commit,
        round: 0,
    })
}

pub fn append_ok(term: Term, match_index: Index) -> Message {
    append_ok_in_round(term, match_index, 0)
}

/// A success reply that acknowledges heartbeat round `round` (reads.rs).
pub fn append_ok_in_round(term: Term, match_index: Index, round: u64) -> Message {
    Message::AppendEntriesReply(AppendEntriesReply {
        term,
        success: true,
        match_or_rejected_index: match_index,
        conflict_term: None,
        conflict_index: None,
        round,
    })
}

pub fn append_reject(
    term: Term,
    rejected_index: Index,
    conflict_term: Option<Term>,
    conflict_index: Option<Index>,
) -> Message {
    Message::AppendEntriesReply(AppendEntriesReply {
        term,
        success: false,
        match_or_rejected_index: rejected_index,
        conflict_term,
        conflict_index,
        round: 0,
    })
}

pub fn put(seq: u64, key: &str, value: &str) -> ClientRequest {
    ClientRequest { seq, op: Op::Put { key: key.into(), value: value.into() } }
}

pub fn get(seq: u64, key: &str) -> ClientRequest {
    ClientRequest { seq, op: Op::Get { key: key.into() } }
}

/// The only message in `ready`, asserting it goes to `to`.
pub fn only_message(ready: &Ready, to: NodeId) -> Message {
    assert_eq!(ready.messages.len(), 1, "expected exactly one message, got {:?}", ready.messages);
    assert_eq!(ready.messages[0].to, to);
    ready.messages[0].message.clone()
}

pub fn only_vote_reply(ready: &Ready, to: NodeId) -> RequestVoteReply {
    match only_message(ready, to) {
        Message::RequestVoteReply(r) => r,
        other => panic!("expected a RequestVoteReply, got {other:?}"),
    }
}

pub fn only_append_reply(ready: &Ready, to: NodeId) -> AppendEntriesReply {
    match only_message(ready, to) {
        Message::AppendEntriesReply(r) => r,
        other => panic!("expected an AppendEntriesReply, got {other:?}"),
    }
}

/// Every AppendEntries in `ready`, by destination.
pub fn appends(ready: &Ready) -> BTreeMap<NodeId, Vec<AppendEntries>> {
    let mut out: BTreeMap<NodeId, Vec<AppendEntries>> = BTreeMap::new();
    for env in &ready.messages {
        if let Message::AppendEntries(ae) = &env.message {
            out.entry(env.to).or_default().push(ae.clone());
        }
    }
    out
}

/// The single AppendEntries in `ready` addressed to `to`.
pub fn append_to(ready: &Ready, to: NodeId) -> AppendEntries {
    let all = appends(ready);
    let list = all.get(&to).unwrap_or_else(|| panic!("no AppendEntries to {to} in {:?}", ready.messages));
    assert_eq!(list.len(), 1, "expected one AppendEntries to {to}, got {list:?}");
    list[0].clone()
}
