//! The run in plain sentences: an event log for people (the page's event list and its
//! screen-reader summary). Every sentence is made from something the simulator recorded (a
//! milestone, an operator action, a client request and its answer), never inferred, so it is
//! true of the run; the words are the course notes' ("becomes a Candidate", "RequestVote RPC",
//! "receives the majority vote and becomes the Leader").
use crate::engine::sim::{Milestone, MilestoneKind};
use crate::engine::workload::{HistoryOp, SCRIPT_CLIENT};
use raft_core::{ClientId, Micros, NodeId};

/// What a sentence is about, for filtering.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Topic {
    Elections,
    Replication,
    Client,
    Faults,
    /// A broken safety property: shown whatever the filter.
    Safety,
}

impl Topic {
    pub fn name(self) -> &'static str {
        match self {
            Topic::Elections => "elections",
            Topic::Replication => "replication",
            Topic::Client => "client",
            Topic::Faults => "faults",
            Topic::Safety => "safety",
        }
    }
}

/// One sentence of the run, at the moment it happened.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line {
    pub time_us: Micros,
    /// The event it happened at, when known (client answers are known by time only).
    pub events: Option<u64>,
    pub topic: Topic,
    /// What it says: its kind and values, put into words by [`Sentence::english`] (or by the
    /// page's message catalogue, one id per kind).
    pub sentence: Sentence,
}

impl Line {
    /// The sentence in English.
    pub fn text(&self) -> String {
        self.sentence.english()
    }
}

/// Whose client request a line is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Asker {
    /// The operator's (the page's client panel, a scenario's script).
    You,
    /// A workload client's, by id.
    Client(ClientId),
}

/// What a line says, as a kind of sentence and its values: the words are put in by
/// [`Sentence::english`] here, and by the page's catalogue (`narrate.*` ids) in other languages.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Sentence {
    /// The first candidate of a term.
    Election {
        node: NodeId,
        term: u64,
    },
    /// A leader, with the servers whose votes it won (empty when not known).
    Leader {
        node: NodeId,
        term: u64,
        voters: Vec<NodeId>,
    },
    Crash {
        node: NodeId,
    },
    Restart {
        node: NodeId,
    },
    /// A safety property broke.
    Violation,
    /// An operator action, by its kind (`Action::kind`) when known.
    Acted {
        kind: Option<&'static str>,
    },
    /// Entries `from`..`from + count - 1` of terms `first_term`..`last_term` discarded.
    Overwritten {
        node: NodeId,
        from: u64,
        count: u64,
        first_term: u64,
        last_term: u64,
        /// Whether a client asked for any of them (then it gets no answer from that leader).
        asked: bool,
    },
    /// A client request sent; `op` as "get x" / "put x=1".
    Request {
        asker: Asker,
        op: String,
    },
    /// A client request answered by `by` (None: by the cluster, server unknown); `put`: the
    /// answer came after its entry committed.
    Answer {
        by: Option<NodeId>,
        asker: Asker,
        op: String,
        put: bool,
    },
}

impl Sentence {
    /// The sentence in English: the event log's words, the CLI's and the screen reader's.
    pub fn english(&self) -> String {
        match self {
            Sentence::Election { node, term } => {
                format!("S{node} became a Candidate for term {term} and sent RequestVote RPCs to the other servers")
            }
            Sentence::Leader { node, term, voters } if voters.is_empty() => {
                format!("S{node} became the Leader for term {term}")
            }
            Sentence::Leader { node, term, voters } => format!(
                "S{node} won the election for term {term} with votes from {} and became the Leader",
                server_names(voters)
            ),
            Sentence::Crash { node } => format!("S{node} crashed"),
            Sentence::Restart { node } => format!("S{node} restarted"),
            Sentence::Violation => "A safety property broke (see the invariant monitor)".to_string(),
            Sentence::Acted { kind: Some(kind) } => format!("You acted on the cluster: {}", kind.replace('_', " ")),
            Sentence::Acted { kind: None } => "You acted on the cluster".to_string(),
            Sentence::Overwritten { node, from, count, first_term: t1, last_term: t2, asked } => {
                let entries = match count {
                    1 => format!("entry {from}"),
                    _ => format!("entries {from}–{}", from + count - 1),
                };
                let terms = if t1 == t2 { format!("term {t1}") } else { format!("terms {t1}–{t2}") };
                let (they, them) = if *count == 1 { ("it", "it") } else { ("they", "them") };
                if *asked {
                    format!(
                        "S{node} discarded {entries} of {terms}: {they} conflicted with the Leader's log, and the \
                         clients who asked for {them} get no answer from that leader"
                    )
                } else {
                    format!("S{node} discarded {entries} of {terms}: {they} conflicted with the Leader's log")
                }
            }
            Sentence::Request { asker, op } => {
                let who = match asker {
                    Asker::You => "You".to_string(),
                    Asker::Client(c) => format!("Client {c}"),
                };
                format!("{who} sent a request: {op}")
            }
            Sentence::Answer { by, asker, op, put } => {
                let by = by.map(|n| format!("S{n}")).unwrap_or_else(|| "The cluster".to_string());
                let whose = match asker {
                    Asker::You => "your".to_string(),
                    Asker::Client(c) => format!("client {c}'s"),
                };
                // A put is answered once its entry is committed and applied; a get may be
                // answered by a read that commits no entry (ReadIndex, a lease), so nothing
                // more is said.
                let how = if *put { " after committing it" } else { "" };
                format!("{by} answered {whose} {op}{how}")
            }
        }
    }
}

/// "S1, S3" for server ids.
pub fn server_names(ids: &[NodeId]) -> String {
    ids.iter().map(|id| format!("S{id}")).collect::<Vec<_>>().join(", ")
}

fn milestone_line(m: &Milestone, actions: &[&'static str], action_index: &mut usize) -> Line {
    let (topic, sentence) = match m.kind {
        MilestoneKind::Election { node, term } => (Topic::Elections, Sentence::Election { node, term }),
        MilestoneKind::Leader { node, term, voters } => {
            let voters = crate::engine::sim::vote_ids(voters).collect();
            (Topic::Elections, Sentence::Leader { node, term, voters })
        }
        MilestoneKind::Crash { node } => (Topic::Faults, Sentence::Crash { node }),
        MilestoneKind::Restart { node } => (Topic::Faults, Sentence::Restart { node }),
        MilestoneKind::Violation => (Topic::Safety, Sentence::Violation),
        MilestoneKind::Action => {
            // Operator action milestones come one per action, in order.
            let kind = actions.get(*action_index).copied();
            *action_index += 1;
            (Topic::Faults, Sentence::Acted { kind })
        }
        MilestoneKind::Overwritten { node, from, count, terms: (first_term, last_term), asked } => {
            (Topic::Replication, Sentence::Overwritten { node, from, count, first_term, last_term, asked })
        }
    };
    Line { time_us: m.time_us, events: Some(m.events), topic, sentence }
}

fn op_text(h: &HistoryOp) -> String {
    match &h.op {
        raft_core::Op::Get { key } => format!("get {key}"),
        raft_core::Op::Put { key, value } => format!("put {key}={value}"),
    }
}

/// The run so far in sentences, oldest first: `milestones` (elections, leaders, crashes,
/// restarts, violations, operator actions, overwritten entries), the kinds of the operator's
/// actions in order (`Action::kind`, to name each action milestone), and the client requests `ops` (each invoked and,
/// if answered, answered).
pub fn narrate<'a>(
    milestones: &[Milestone],
    actions: &[&'static str],
    ops: impl IntoIterator<Item = &'a HistoryOp>,
) -> Vec<Line> {
    let mut action_index = 0;
    let mut lines: Vec<Line> = milestones.iter().map(|m| milestone_line(m, actions, &mut action_index)).collect();
    for h in ops {
        let op = op_text(h);
        // The operator's requests (the page's client panel, a scenario's script) are "yours".
        let asker = if h.client == SCRIPT_CLIENT { Asker::You } else { Asker::Client(h.client) };
        lines.push(Line {
            time_us: h.invoked_us,
            events: None,
            topic: Topic::Client,
            sentence: Sentence::Request { asker, op: op.clone() },
        });
        if let Some(done) = h.completed_us {
            let put = matches!(h.op, raft_core::Op::Put { .. });
            lines.push(Line {
                time_us: done,
                events: None,
                topic: Topic::Client,
                sentence: Sentence::Answer { by: h.answered_by, asker, op, put },
            });
        }
    }
    // Stable: at one moment, milestones (in event order) before client lines.
    crate::engine::order::sort_by_key_stable(&mut lines, |l| l.time_us);
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::format::Action;

    fn at(events: u64, kind: MilestoneKind) -> Milestone {
        Milestone { events, time_us: events * 1000, kind }
    }

    #[test]
    fn elections_and_faults_read_as_sentences() {
        let milestones = [
            at(5, MilestoneKind::Election { node: 3, term: 2 }),
            at(9, MilestoneKind::Leader { node: 3, term: 2, voters: (1 << 3) | (1 << 1) }),
            at(12, MilestoneKind::Action),
            at(12, MilestoneKind::Crash { node: 3 }),
            at(20, MilestoneKind::Overwritten { node: 2, from: 4, count: 2, terms: (2, 3), asked: true }),
            at(21, MilestoneKind::Overwritten { node: 1, from: 7, count: 1, terms: (4, 4), asked: true }),
        ];
        let actions = [Action::Crash { node: 3, mode: Default::default() }.kind()];
        let lines = narrate(&milestones, &actions, []);
        let texts: Vec<String> = lines.iter().map(Line::text).collect();
        assert_eq!(texts[0], "S3 became a Candidate for term 2 and sent RequestVote RPCs to the other servers");
        assert_eq!(texts[1], "S3 won the election for term 2 with votes from S1, S3 and became the Leader");
        assert_eq!(texts[2], "You acted on the cluster: crash");
        assert_eq!(texts[3], "S3 crashed");
        assert!(texts[4].starts_with("S2 discarded entries 4–5 of terms 2–3: they conflicted"), "{}", texts[4]);
        assert_eq!(
            texts[5],
            "S1 discarded entry 7 of term 4: it conflicted with the Leader's log, and the clients who asked for it \
             get no answer from that leader"
        );
        assert_eq!(lines[1].events, Some(9));
        assert_eq!(lines[1].topic, Topic::Elections);
        assert_eq!(lines[3].topic, Topic::Faults);
        assert_eq!(lines[4].topic, Topic::Replication);
    }

    #[test]
    fn client_requests_and_answers_are_placed_in_time() {
        let milestones = [at(5, MilestoneKind::Election { node: 1, term: 1 })];
        let mut answered = HistoryOp::invoked(7, 1, raft_core::Op::Put { key: "x".into(), value: "1".into() }, 2_000);
        answered.completed_us = Some(8_000);
        answered.answered_by = Some(1);
        let pending = HistoryOp::invoked(7, 2, raft_core::Op::Get { key: "x".into() }, 9_000);
        let mut yours = HistoryOp::invoked(SCRIPT_CLIENT, 1, raft_core::Op::Get { key: "y".into() }, 10_000);
        yours.completed_us = Some(11_000);
        yours.answered_by = Some(2);
        let lines = narrate(&milestones, &[], [&answered, &pending, &yours]);
        let texts: Vec<String> = lines.iter().map(Line::text).collect();
        assert_eq!(
            texts,
            [
                "Client 7 sent a request: put x=1",
                "S1 became a Candidate for term 1 and sent RequestVote RPCs to the other servers",
                "S1 answered client 7's put x=1 after committing it",
                "Client 7 sent a request: get x",
                "You sent a request: get y",
                "S2 answered your get y",
            ]
        );
        assert!(lines.iter().filter(|l| l.topic == Topic::Client).all(|l| l.events.is_none()));
    }

    /// Built from a real run: the first election of the default cluster is narrated with the
    /// votes its leader actually won.
    #[test]
    fn a_real_election_names_its_voters() {
        let scenario = crate::builtin::cluster(3, false);
        let mut sim = crate::Simulation::new(&scenario).unwrap();
        sim.run_until(2_000_000);
        let lines = narrate(sim.milestones(), &[], []);
        let leader = sim.leader().unwrap();
        let won = lines.iter().find(|l| l.text().starts_with(&format!("S{leader} won the election"))).unwrap();
        let node = sim.node(leader).unwrap().raft.as_ref().unwrap();
        let votes = node.votes_granted().iter().map(|id| format!("S{id}")).collect::<Vec<_>>().join(", ");
        assert!(won.text().contains(&format!("with votes from {votes} and")), "{} vs {votes}", won.text());
        assert!(node.votes_granted().len() >= 2, "a majority of three");
    }
}
