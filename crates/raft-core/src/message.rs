//! The two RPCs of Figure 2, InstallSnapshot (Figure 13), and their replies.
use crate::types::{Entry, Index, NodeId, Term};
use serde::{Deserialize, Serialize};

/// Invoked by candidates to gather votes (§5.2).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestVote {
    /// The candidate's term.
    pub term: Term,
    /// The candidate requesting the vote.
    pub candidate_id: NodeId,
    /// The index of the candidate's last log entry.
    pub last_log_index: Index,
    /// The term of the candidate's last log entry.
    pub last_log_term: Term,
    /// Sent by the target of a leadership transfer (thesis §3.10) after TimeoutNow: leader
    /// liveliness must not make the other servers ignore it (disruption.rs).
    #[serde(default, skip_serializing_if = "is_false")]
    pub leadership_transfer: bool,
}

fn is_false(b: &bool) -> bool {
    !*b
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
/// The answer to a [`RequestVote`].
pub struct RequestVoteReply {
    /// currentTerm, for the candidate to update itself.
    pub term: Term,
    /// True means the candidate received the vote.
    pub vote_granted: bool,
}

/// Invoked by the leader to replicate log entries (§5.3); also used as heartbeat (§5.2).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppendEntries {
    /// The leader's term.
    pub term: Term,
    /// So the follower can redirect clients.
    pub leader_id: NodeId,
    /// The index of the log entry immediately preceding the new ones.
    pub prev_log_index: Index,
    /// The term of the entry at prevLogIndex.
    pub prev_log_term: Term,
    /// The entries to store (empty for a heartbeat; may be several for efficiency).
    pub entries: Vec<Entry>,
    /// The leader's commitIndex.
    pub leader_commit: Index,
    /// The leader's heartbeat round when it sent this (ReadIndex and leases: an acknowledgement
    /// of a round proves the leader was still leader when the round started).
    #[serde(default)]
    pub round: u64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
/// The answer to an [`AppendEntries`].
pub struct AppendEntriesReply {
    /// currentTerm, for the leader to update itself.
    pub term: Term,
    /// True if the follower contained an entry matching prevLogIndex and prevLogTerm.
    pub success: bool,
    /// On success: the index of the last entry the follower now matches (prevLogIndex + entries).
    /// On failure: the prevLogIndex that was rejected, so stale replies can be recognised.
    pub match_or_rejected_index: Index,
    /// On failure with the conflict-term optimisation: the term of the follower's conflicting
    /// entry (None when its log is too short) and the first index it stores for that term (or
    /// its log length + 1).
    pub conflict_term: Option<Term>,
    /// See `conflict_term`.
    pub conflict_index: Option<Index>,
    /// The `round` of the AppendEntries this answers.
    #[serde(default)]
    pub round: u64,
}

/// PreVote (thesis §9.6): "could I win an election for `term` (my currentTerm + 1)?" Asked
/// before a real election; it changes neither side's currentTerm or votedFor.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreVote {
    /// The term the pre-candidate would stand in: its currentTerm + 1.
    pub term: Term,
    /// The pre-candidate.
    pub candidate_id: NodeId,
    /// The index of its last log entry.
    pub last_log_index: Index,
    /// The term of its last log entry.
    pub last_log_term: Term,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
/// The answer to a [`PreVote`].
pub struct PreVoteReply {
    /// The term of the PreVote this answers (not the replier's currentTerm), so the
    /// pre-candidate can match it to its round.
    pub term: Term,
    /// True if the receiver would vote for it.
    pub vote_granted: bool,
}

/// Leadership transfer (thesis §3.10): the leader tells a caught-up follower to start an
/// election at once, without waiting for its election timeout.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimeoutNow {
    /// The leader's currentTerm.
    pub term: Term,
    /// The leader handing over.
    pub leader_id: NodeId,
}

/// Invoked by the leader to send chunks of a snapshot to a follower (§7, Figure 13). Leaders
/// always send chunks in order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InstallSnapshot {
    /// Leader's term.
    pub term: Term,
    /// So the follower can redirect clients.
    pub leader_id: NodeId,
    /// The snapshot replaces all entries up through and including this index.
    pub last_included_index: Index,
    /// Term of lastIncludedIndex.
    pub last_included_term: Term,
    /// Byte offset where the chunk is positioned in the snapshot file.
    pub offset: u64,
    /// Raw bytes of the snapshot chunk, starting at offset.
    pub data: Vec<u8>,
    /// True if this is the last chunk.
    pub done: bool,
}

/// The follower's answer. Figure 13's reply holds only `term`; the other two fields are this
/// implementation's: the network may lose, duplicate and reorder messages, so the leader must
/// know which snapshot and how much of it a reply acknowledges before it sends the next chunk
/// or counts the follower's log as matching (matchIndex).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InstallSnapshotReply {
    /// currentTerm, for the leader to update itself.
    pub term: Term,
    /// The snapshot this reply is about (the request's lastIncludedIndex).
    pub last_included_index: Index,
    /// How many bytes of that snapshot the follower holds from offset 0: the offset of the
    /// next chunk it needs. Meaningless once `installed`.
    pub next_offset: u64,
    /// The follower's log now covers lastIncludedIndex with the committed entries (it
    /// installed the snapshot, or already had them): the leader can set
    /// matchIndex = lastIncludedIndex.
    pub installed: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type")]
/// Every RPC request and reply a server sends another.
pub enum Message {
    /// Figure 2's RequestVote.
    RequestVote(RequestVote),
    /// The answer to a RequestVote.
    RequestVoteReply(RequestVoteReply),
    /// Figure 2's AppendEntries (a heartbeat when it carries no entry).
    AppendEntries(AppendEntries),
    /// The answer to an AppendEntries.
    AppendEntriesReply(AppendEntriesReply),
    /// PreVote (thesis §9.6).
    PreVote(PreVote),
    /// The answer to a PreVote.
    PreVoteReply(PreVoteReply),
    /// TimeoutNow (thesis §3.10): start an election now.
    TimeoutNow(TimeoutNow),
    /// Figure 13's InstallSnapshot (one chunk).
    InstallSnapshot(InstallSnapshot),
    /// The answer to an InstallSnapshot chunk.
    InstallSnapshotReply(InstallSnapshotReply),
}

impl Message {
    /// The term the message carries.
    pub fn term(&self) -> Term {
        match self {
            Message::RequestVote(m) => m.term,
            Message::RequestVoteReply(m) => m.term,
            Message::AppendEntries(m) => m.term,
            Message::AppendEntriesReply(m) => m.term,
            Message::PreVote(m) => m.term,
            Message::PreVoteReply(m) => m.term,
            Message::TimeoutNow(m) => m.term,
            Message::InstallSnapshot(m) => m.term,
            Message::InstallSnapshotReply(m) => m.term,
        }
    }

    /// A short name for traces and the UI.
    pub fn kind(&self) -> &'static str {
        match self {
            Message::RequestVote(_) => "RequestVote",
            Message::RequestVoteReply(_) => "RequestVoteReply",
            Message::AppendEntries(_) => "AppendEntries",
            Message::AppendEntriesReply(_) => "AppendEntriesReply",
            Message::PreVote(_) => "PreVote",
            Message::PreVoteReply(_) => "PreVoteReply",
            Message::TimeoutNow(_) => "TimeoutNow",
            Message::InstallSnapshot(_) => "InstallSnapshot",
            Message::InstallSnapshotReply(_) => "InstallSnapshotReply",
        }
    }

    /// PreVote and its reply carry a term nobody holds yet; they never make a server adopt it.
    pub fn is_pre_vote(&self) -> bool {
        matches!(self, Message::PreVote(_) | Message::PreVoteReply(_))
    }
}

/// How a message reads at a glance, for styling it: a request, or a reply and, for the
/// replies that answer yes or no, which answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tone {
    /// A request carrying something to act on (a vote request, entries, a snapshot chunk).
    Request,
    /// An AppendEntries with no entries: only asserts leadership and carries leaderCommit
    /// (§5.2: "empty AppendEntries RPCs (heartbeat)").
    Heartbeat,
    /// A reply that is neither a yes nor a no (InstallSnapshot's acknowledgement).
    Reply,
    /// A vote granted, or an AppendEntries accepted.
    Granted,
    /// A vote refused, or an AppendEntries rejected.
    Denied,
}

/// The value of one message field, typed so each view can write it its own way (a trace
/// line compactly, the inspector in full) from the same data.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldValue<'a> {
    /// A term, an index, an offset, a round.
    Number(u64),
    /// A server id, written `S<id>`.
    Server(NodeId),
    /// A yes/no field, written `true` or `false`.
    Flag(bool),
    /// A length of raw bytes, written `<n> bytes`.
    Bytes(usize),
    /// Log entries, written `index: tTerm payload`, comma-separated (`[]` when empty).
    Entries(&'a [Entry]),
}

impl std::fmt::Display for FieldValue<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FieldValue::Number(n) => write!(f, "{n}"),
            FieldValue::Server(id) => write!(f, "S{id}"),
            FieldValue::Flag(b) => write!(f, "{b}"),
            FieldValue::Bytes(n) => write!(f, "{n} bytes"),
            FieldValue::Entries([]) => f.write_str("[]"),
            FieldValue::Entries(entries) => {
                for (k, e) in entries.iter().enumerate() {
                    let sep = if k == 0 { "" } else { ", " };
                    write!(f, "{sep}{}: t{} {}", e.index, e.term, e.payload)?;
                }
                Ok(())
            }
        }
    }
}

/// One field of a message: its name as Figure 2 (or Figure 13, or the thesis) writes it, its
/// value, and a note saying what the value means here when it is not obvious.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Field<'a> {
    /// The paper's name (`prevLogIndex`, `voteGranted`, …).
    pub name: &'static str,
    /// The value.
    pub value: FieldValue<'a>,
    /// What this value means, e.g. "heartbeat" for an empty `entries[]`.
    pub note: Option<&'static str>,
}

impl<'a> Field<'a> {
    fn new(name: &'static str, value: FieldValue<'a>) -> Self {
        Field { name, value, note: None }
    }

    fn noted(name: &'static str, value: FieldValue<'a>, note: &'static str) -> Self {
        Field { name, value, note: Some(note) }
    }
}

/// The one description of a message that traces, the CLI, the inspector and the stage all
/// read: every view of a message is written from this, so a new message kind or field is
/// described once.
impl Message {
    /// Whether this is a request, a heartbeat, or a reply (and which answer), for styling.
    pub fn tone(&self) -> Tone {
        let answer = |yes: bool| if yes { Tone::Granted } else { Tone::Denied };
        match self {
            Message::AppendEntries(m) if m.entries.is_empty() => Tone::Heartbeat,
            Message::RequestVote(_)
            | Message::AppendEntries(_)
            | Message::PreVote(_)
            | Message::TimeoutNow(_)
            | Message::InstallSnapshot(_) => Tone::Request,
            Message::RequestVoteReply(m) => answer(m.vote_granted),
            Message::PreVoteReply(m) => answer(m.vote_granted),
            Message::AppendEntriesReply(m) => answer(m.success),
            Message::InstallSnapshotReply(_) => Tone::Reply,
        }
    }

    /// Every field, named and ordered as in Figure 2 (InstallSnapshot: Figure 13; PreVote and
    /// TimeoutNow: the thesis), with this implementation's additions after the paper's.
    /// Optional fields that are absent are left out.
    pub fn fields(&self) -> Vec<Field<'_>> {
        use FieldValue::{Bytes, Entries, Flag, Number, Server};
        match self {
            Message::RequestVote(m) => {
                let mut f = vec![
                    Field::new("term", Number(m.term)),
                    Field::new("candidateId", Server(m.candidate_id)),
                    Field::new("lastLogIndex", Number(m.last_log_index)),
                    Field::new("lastLogTerm", Number(m.last_log_term)),
                ];
                if m.leadership_transfer {
                    f.push(Field::noted("leadershipTransfer", Flag(true), "the leader asked for this election"));
                }
                f
            }
            Message::RequestVoteReply(m) => {
                vec![Field::new("term", Number(m.term)), Field::new("voteGranted", Flag(m.vote_granted))]
            }
            Message::AppendEntries(m) => vec![
                Field::new("term", Number(m.term)),
                Field::new("leaderId", Server(m.leader_id)),
                Field::new("prevLogIndex", Number(m.prev_log_index)),
                Field::new("prevLogTerm", Number(m.prev_log_term)),
                match m.entries.is_empty() {
                    true => Field::noted("entries[]", Entries(&m.entries), "heartbeat"),
                    false => Field::new("entries[]", Entries(&m.entries)),
                },
                Field::new("leaderCommit", Number(m.leader_commit)),
            ],
            Message::AppendEntriesReply(m) => {
                let mut f = vec![Field::new("term", Number(m.term)), Field::new("success", Flag(m.success))];
                f.push(match m.success {
                    true => Field::new("matchIndex", Number(m.match_or_rejected_index)),
                    false => Field::new("rejected prevLogIndex", Number(m.match_or_rejected_index)),
                });
                f.extend(m.conflict_term.map(|t| Field::new("conflictTerm", Number(t))));
                f.extend(m.conflict_index.map(|i| Field::new("conflictIndex", Number(i))));
                f
            }
            Message::PreVote(m) => vec![
                Field::new("term (proposed)", Number(m.term)),
                Field::new("candidateId", Server(m.candidate_id)),
                Field::new("lastLogIndex", Number(m.last_log_index)),
                Field::new("lastLogTerm", Number(m.last_log_term)),
            ],
            Message::PreVoteReply(m) => {
                vec![Field::new("term (proposed)", Number(m.term)), Field::new("voteGranted", Flag(m.vote_granted))]
            }
            Message::TimeoutNow(m) => {
                vec![Field::new("term", Number(m.term)), Field::new("leaderId", Server(m.leader_id))]
            }
            Message::InstallSnapshot(m) => vec![
                Field::new("term", Number(m.term)),
                Field::new("leaderId", Server(m.leader_id)),
                Field::new("lastIncludedIndex", Number(m.last_included_index)),
                Field::new("lastIncludedTerm", Number(m.last_included_term)),
                Field::new("offset", Number(m.offset)),
                Field::new("data[]", Bytes(m.data.len())),
                Field::new("done", Flag(m.done)),
            ],
            Message::InstallSnapshotReply(m) => vec![
                Field::new("term", Number(m.term)),
                Field::new("lastIncludedIndex", Number(m.last_included_index)),
                Field::new("nextOffset", Number(m.next_offset)),
                Field::new("installed", Flag(m.installed)),
            ],
        }
    }

    /// A one-line summary for trace lines: the fields a reader of a trace follows (term, the
    /// log position, counts rather than contents). The wording is fixed: the simulator's text
    /// traces are compared byte for byte.
    pub fn summary(&self) -> String {
        match self {
            Message::RequestVote(m) => format!(
                "term={} lastLog=({}, t{}){}",
                m.term,
                m.last_log_index,
                m.last_log_term,
                if m.leadership_transfer { " leadershipTransfer" } else { "" }
            ),
            Message::RequestVoteReply(m) => format!("term={} granted={}", m.term, m.vote_granted),
            Message::AppendEntries(m) => format!(
                "term={} prev=({}, t{}) entries={} commit={}",
                m.term,
                m.prev_log_index,
                m.prev_log_term,
                m.entries.len(),
                m.leader_commit
            ),
            Message::AppendEntriesReply(m) => {
                format!("term={} success={} index={}", m.term, m.success, m.match_or_rejected_index)
            }
            Message::PreVote(m) => format!("term={} lastLog=({}, t{})", m.term, m.last_log_index, m.last_log_term),
            Message::PreVoteReply(m) => format!("term={} granted={}", m.term, m.vote_granted),
            Message::TimeoutNow(m) => format!("term={} leader=S{}", m.term, m.leader_id),
            Message::InstallSnapshot(m) => format!(
                "term={} last=({}, t{}) offset={} bytes={} done={}",
                m.term,
                m.last_included_index,
                m.last_included_term,
                m.offset,
                m.data.len(),
                m.done
            ),
            Message::InstallSnapshotReply(m) => format!(
                "term={} last={} next_offset={} installed={}",
                m.term, m.last_included_index, m.next_offset, m.installed
            ),
        }
    }
}

#[cfg(test)]
mod description_tests {
    use super::*;
    use crate::types::{Command, EntryPayload, Op};

    fn every_kind() -> Vec<Message> {
        let entry = |index, term, payload| Entry { index, term, payload };
        let put =
            EntryPayload::Command(Command { client: 1, seq: 1, op: Op::Put { key: "x".into(), value: "1".into() } });
        vec![
            Message::RequestVote(RequestVote {
                term: 3,
                candidate_id: 2,
                last_log_index: 5,
                last_log_term: 2,
                leadership_transfer: true,
            }),
            Message::RequestVoteReply(RequestVoteReply { term: 3, vote_granted: false }),
            Message::AppendEntries(AppendEntries {
                term: 4,
                leader_id: 1,
                prev_log_index: 6,
                prev_log_term: 3,
                entries: vec![entry(7, 4, EntryPayload::Noop), entry(8, 4, put)],
                leader_commit: 6,
                round: 9,
            }),
            Message::AppendEntriesReply(AppendEntriesReply {
                term: 4,
                success: false,
                match_or_rejected_index: 6,
                conflict_term: Some(2),
                conflict_index: None,
                round: 9,
            }),
            Message::PreVote(PreVote { term: 5, candidate_id: 3, last_log_index: 8, last_log_term: 4 }),
            Message::PreVoteReply(PreVoteReply { term: 5, vote_granted: true }),
            Message::TimeoutNow(TimeoutNow { term: 4, leader_id: 1 }),
            Message::InstallSnapshot(InstallSnapshot {
                term: 4,
                leader_id: 1,
                last_included_index: 8,
                last_included_term: 4,
                offset: 0,
                data: vec![0; 12],
                done: true,
            }),
            Message::InstallSnapshotReply(InstallSnapshotReply {
                term: 4,
                last_included_index: 8,
                next_offset: 12,
                installed: true,
            }),
        ]
    }

    fn written(m: &Message) -> Vec<(&'static str, String)> {
        m.fields().iter().map(|f| (f.name, f.value.to_string())).collect()
    }

    /// Every message's first field is its term, as in each RPC of Figure 2.
    #[test]
    fn every_description_starts_with_the_term() {
        for m in every_kind() {
            let fields = m.fields();
            assert!(fields[0].name.starts_with("term"), "{}", m.kind());
            assert_eq!(fields[0].value, FieldValue::Number(m.term()), "{}", m.kind());
        }
    }

    #[test]
    fn fields_follow_figure_2() {
        let all = every_kind();
        let names = |m: &Message| m.fields().iter().map(|f| f.name).collect::<Vec<_>>();
        assert_eq!(names(&all[0]), ["term", "candidateId", "lastLogIndex", "lastLogTerm", "leadershipTransfer"]);
        assert_eq!(names(&all[2]), ["term", "leaderId", "prevLogIndex", "prevLogTerm", "entries[]", "leaderCommit"]);
        assert_eq!(
            written(&all[2])[4],
            ("entries[]", "7: t4 no-op, 8: t4 x=1".to_string()),
            "entries are written index: term payload"
        );
        assert_eq!(written(&all[0])[1], ("candidateId", "S2".to_string()));
        // A rejection names the index it rejected, and only the conflict hints it carries.
        assert_eq!(names(&all[3]), ["term", "success", "rejected prevLogIndex", "conflictTerm"]);
        assert_eq!(written(&all[7])[5], ("data[]", "12 bytes".to_string()));
    }

    #[test]
    fn an_empty_append_is_a_heartbeat_with_a_note() {
        let Message::AppendEntries(mut a) = every_kind().swap_remove(2) else { panic!("fixture order") };
        a.entries.clear();
        let m = Message::AppendEntries(a);
        assert_eq!(m.tone(), Tone::Heartbeat);
        let entries = m.fields()[4];
        assert_eq!((entries.value.to_string(), entries.note), ("[]".to_string(), Some("heartbeat")));
    }

    #[test]
    fn tones_tell_requests_from_answers() {
        let tones: Vec<Tone> = every_kind().iter().map(Message::tone).collect();
        use Tone::*;
        assert_eq!(tones, [Request, Denied, Request, Denied, Request, Granted, Request, Request, Reply]);
    }

    /// The simulator's text traces are compared byte for byte: these are their words.
    #[test]
    fn summaries_keep_the_trace_wording() {
        let summaries: Vec<String> = every_kind().iter().map(Message::summary).collect();
        assert_eq!(
            summaries,
            [
                "term=3 lastLog=(5, t2) leadershipTransfer",
                "term=3 granted=false",
                "term=4 prev=(6, t3) entries=2 commit=6",
                "term=4 success=false index=6",
                "term=5 lastLog=(8, t4)",
                "term=5 granted=true",
                "term=4 leader=S1",
                "term=4 last=(8, t4) offset=0 bytes=12 done=true",
                "term=4 last=8 next_offset=12 installed=true",
            ]
        );
    }
}
