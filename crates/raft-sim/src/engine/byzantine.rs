//! Byzantine servers: a node that lies. Raft (and raft-core) assumes servers fail by crashing,
//! never by sending something the protocol would not send, so a Byzantine server is not a Raft
//! server with a bug: it is modelled here, in the simulator, as a fault that rewrites what a
//! node sends. The node's own `RaftNode` runs unchanged; only its outgoing messages are forged.
//!
//! Every rewrite is deterministic (no randomness), small and bounded, and each names the
//! property of Figure 3 it breaks. Tolerating f such servers needs a Byzantine fault tolerant
//! protocol (e.g. PBFT) with 3f+1 servers; Raft's majorities of 2f+1 only tolerate f crashes.
use raft_core::{Command, Entry, EntryPayload, Message, NodeId, Op};
use serde::{Deserialize, Serialize};

/// One way a Byzantine node lies, set in `NodeFaults::byzantine`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Behaviour {
    /// Every message it sends carries its term + `TERM_INFLATION`.
    InflateTerm,
    /// It grants every RequestVote (and PreVote) it answers, several in one term.
    VoteForAll,
    /// As leader, its AppendEntries carry a fabricated entry at index 1.
    ForgeEntries,
    /// Its AppendEntries claim a commit index far beyond what a majority stores.
    ForgeCommit,
    /// Its AppendEntries replies claim success and a match index beyond anything it stores.
    LieInReplies,
}

impl Behaviour {
    pub const ALL: [Behaviour; 5] = [
        Behaviour::InflateTerm,
        Behaviour::VoteForAll,
        Behaviour::ForgeEntries,
        Behaviour::ForgeCommit,
        Behaviour::LieInReplies,
    ];

    /// The name used in scenario JSON.
    pub fn name(self) -> &'static str {
        match self {
            Behaviour::InflateTerm => "inflate_term",
            Behaviour::VoteForAll => "vote_for_all",
            Behaviour::ForgeEntries => "forge_entries",
            Behaviour::ForgeCommit => "forge_commit",
            Behaviour::LieInReplies => "lie_in_replies",
        }
    }
}

/// How far `inflate_term` pushes each term it sends.
pub const TERM_INFLATION: u64 = 100;
/// How far `forge_commit` and `lie_in_replies` push the indexes they claim. Receivers clamp
/// them (a follower to its last new entry, a leader to its last index), as honest ones would.
pub const INDEX_INFLATION: u64 = 1_000;
/// The client id of forged commands: no simulated client uses it.
pub const FORGED_CLIENT: u64 = u64::MAX;

/// Rewrite one message `from` sends, applying `behaviours` in their fixed order.
pub fn rewrite(from: NodeId, behaviours: &[Behaviour], message: &mut Message) {
    for &b in Behaviour::ALL.iter().filter(|b| behaviours.contains(b)) {
        match (b, &mut *message) {
            // Election Safety (at most one leader per term) rests on each server granting at
            // most one vote per term: two candidates that each count this vote can both reach a
            // majority in the same term.
            (Behaviour::VoteForAll, Message::RequestVoteReply(m)) => m.vote_granted = true,
            (Behaviour::VoteForAll, Message::PreVoteReply(m)) => m.vote_granted = true,
            // Followers trust the leader's consistency check: prevLogIndex 0 always matches, and
            // an entry of the leader's (current, highest) term conflicts with whatever they hold
            // at index 1, so rule 3 deletes their log, committed entries included, and appends
            // the forgery. Breaks Leader Completeness / State Machine Safety (a committed entry
            // is gone) and Log Matching.
            (Behaviour::ForgeEntries, Message::AppendEntries(m)) => {
                m.prev_log_index = 0;
                m.prev_log_term = 0;
                m.entries = vec![forged_entry(from, m.term)];
            }
            // Rule 5: followers set commitIndex = min(leaderCommit, last new entry), trusting the
            // leader to count a majority first. A lying leader makes them commit (and apply)
            // entries only they and the leader store, which a later leader may replace: State
            // Machine Safety.
            (Behaviour::ForgeCommit, Message::AppendEntries(m)) => {
                m.leader_commit = (m.prev_log_index + m.entries.len() as u64).saturating_add(INDEX_INFLATION);
            }
            // The leader counts a replica from the follower's own word (matchIndex). A follower
            // that claims to store everything lets a leader commit entries that no majority
            // stores; the next leader may lack them: Leader Completeness, State Machine Safety.
            (Behaviour::LieInReplies, Message::AppendEntriesReply(m)) => {
                m.success = true;
                m.match_or_rejected_index = m.match_or_rejected_index.saturating_add(INDEX_INFLATION);
                m.conflict_term = None;
                m.conflict_index = None;
            }
            // Any server that sees a higher term adopts it and steps down (Figure 2, rules for
            // all servers): a liar's term deposes every leader, again and again. A liveness
            // attack: no safety property breaks, but the cluster stops making progress.
            (Behaviour::InflateTerm, m) => set_term(m, m.term().saturating_add(TERM_INFLATION)),
            _ => {}
        }
    }
}

/// The fabricated entry `forge_entries` sends: a put no client made, in `term`.
pub fn forged_entry(from: NodeId, term: u64) -> Entry {
    Entry {
        term,
        index: 1,
        payload: EntryPayload::Command(Command {
            client: FORGED_CLIENT,
            seq: term,
            op: Op::Put { key: "forged".into(), value: format!("S{from}") },
        }),
    }
}

fn set_term(message: &mut Message, term: u64) {
    match message {
        Message::RequestVote(m) => m.term = term,
        Message::RequestVoteReply(m) => m.term = term,
        Message::AppendEntries(m) => m.term = term,
        Message::AppendEntriesReply(m) => m.term = term,
        Message::PreVote(m) => m.term = term,
        Message::PreVoteReply(m) => m.term = term,
        Message::TimeoutNow(m) => m.term = term,
        Message::InstallSnapshot(m) => m.term = term,
        Message::InstallSnapshotReply(m) => m.term = term,
    }
}
