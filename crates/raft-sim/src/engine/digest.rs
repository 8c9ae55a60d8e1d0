//! Digests of what the trace hash must see besides the schedule of events: the contents of
//! each delivered message and the state each event left a server in.
//!
//! The schedule alone (time, event kind, message id) is blind to anything that does not move
//! an event: `figure-8` and `figure-8-unsafe` once had the same trace hash although one breaks
//! two safety properties. Folding these digests in makes a divergence in contents or state (native
//! vs wasm, before vs after a change, a share link replayed) change the hash at the event where
//! it happens. Each digest hashes only fixed-size fields and the entries a message carries, so
//! it stays cheap on the simulator's hot path.
use crate::engine::hash::StableHash;
use crate::engine::sim::Payload;
use crate::engine::trace::TraceHash;
use raft_core::{ClientReply, Entry, EntryPayload, Message, Op, RaftNode, Role};

/// Fingerprint of one entry's contents: index, term and payload.
pub fn entry_fingerprint(entry: &Entry) -> u64 {
    let mut h = StableHash::new();
    h.word(entry.index).word(entry.term);
    match &entry.payload {
        EntryPayload::Noop => {
            h.word(0);
        }
        EntryPayload::Command(c) => {
            h.word(1).word(c.client).word(c.seq);
            op(&mut h, &c.op);
        }
        EntryPayload::Configuration(c) => {
            h.word(4);
            let sets = [Some(&c.voters), c.new_voters.as_ref(), Some(&c.learners)];
            for set in sets {
                match set {
                    Some(set) => {
                        h.word(set.len() as u64 + 1);
                        for &n in set {
                            h.word(n as u64);
                        }
                    }
                    None => {
                        h.word(0);
                    }
                }
            }
        }
    }
    h.finish()
}

fn op(h: &mut StableHash, op: &Op) {
    match op {
        Op::Put { key, value } => h.word(2).str(key).str(value),
        Op::Get { key } => h.word(3).str(key),
    };
}

fn option(h: &mut StableHash, v: Option<u64>) {
    match v {
        Some(v) => h.word(1).word(v),
        None => h.word(0),
    };
}

/// Every field of a message, in a fixed order, tagged by its kind, folded into `h`.
pub fn fold_payload(h: &mut StableHash, payload: &Payload) {
    match payload {
        Payload::Raft(message) => match message {
            Message::RequestVote(m) => {
                h.word(1).word(m.term).word(m.candidate_id as u64).word(m.last_log_index).word(m.last_log_term);
                h.word(m.leadership_transfer as u64);
            }
            Message::RequestVoteReply(m) => {
                h.word(2).word(m.term).word(m.vote_granted as u64);
            }
            Message::AppendEntries(m) => {
                h.word(3).word(m.term).word(m.leader_id as u64).word(m.prev_log_index).word(m.prev_log_term);
                h.word(m.leader_commit).word(m.round).word(m.entries.len() as u64);
                for entry in &m.entries {
                    h.word(entry_fingerprint(entry));
                }
            }
            Message::AppendEntriesReply(m) => {
                h.word(4).word(m.term).word(m.success as u64).word(m.match_or_rejected_index).word(m.round);
                option(h, m.conflict_term);
                option(h, m.conflict_index);
            }
            Message::PreVote(m) => {
                h.word(7).word(m.term).word(m.candidate_id as u64).word(m.last_log_index).word(m.last_log_term);
            }
            Message::PreVoteReply(m) => {
                h.word(8).word(m.term).word(m.vote_granted as u64);
            }
            Message::TimeoutNow(m) => {
                h.word(9).word(m.term).word(m.leader_id as u64);
            }
            Message::InstallSnapshot(m) => {
                h.word(10).word(m.term).word(m.leader_id as u64).word(m.last_included_index);
                h.word(m.last_included_term).word(m.offset).word(m.done as u64).bytes(&m.data);
            }
            Message::InstallSnapshotReply(m) => {
                h.word(11).word(m.term).word(m.last_included_index).word(m.next_offset).word(m.installed as u64);
            }
        },
        Payload::Request { client, request } => {
            h.word(5).word(*client).word(request.seq);
            op(h, &request.op);
        }
        Payload::Reply { client, reply } => {
            h.word(6).word(*client);
            match reply {
                ClientReply::Ok { seq, value } => {
                    h.word(1).word(*seq);
                    match value {
                        Some(v) => h.word(1).str(v),
                        None => h.word(0),
                    };
                }
                ClientReply::NotLeader { seq, leader_hint } => {
                    h.word(2).word(*seq);
                    option(h, leader_hint.map(u64::from));
                }
            }
        }
    }
}

/// What a server's event left it with: Figure 2's persistent state (currentTerm, votedFor, the
/// log's last index and term), its commitIndex and its role.
pub fn fold_node_state(h: &mut StableHash, raft: &RaftNode) {
    let role = match raft.role() {
        Role::Follower => 1,
        Role::Candidate => 2,
        Role::Leader => 3,
        Role::PreCandidate => 4,
    };
    // Node ids are below 2^16 and roles below 2^8: one word holds the id, the role and the vote.
    let who = raft.id() as u64 | role << 16 | raft.voted_for().map_or(0, |v| v as u64 + 1) << 24;
    h.word(who).word(raft.current_term()).word(raft.commit_index());
    h.word(raft.log().last_index()).word(raft.log().last_term());
}

impl TraceHash {
    /// The state a server's event left it in ([`fold_node_state`]).
    #[inline]
    pub fn node_state(&mut self, raft: &RaftNode) {
        fold_node_state(self.words(), raft);
    }
}
