//! Built-in scenarios for disruption control and leadership transfer (Ongaro's thesis §9.6,
//! §6.2, §3.10): each problem shown with the rule off, then solved with it on.
use crate::scenario::builtin::describe;
use crate::scenario::{Action, ClientOpKind, Scenario};
use raft_core::NodeId;

pub fn list() -> Vec<Scenario> {
    vec![
        rejoin(false),
        rejoin(true),
        one_way_partition(false),
        one_way_partition(true),
        leadership_transfer(),
        cut_off_leader(false),
        cut_off_leader(true),
    ]
}

fn put(node: NodeId, key: &str, value: &str) -> Action {
    Action::Client { node, op: ClientOpKind::Put, key: key.into(), value: Some(value.into()) }
}

/// A follower cut off from everyone keeps timing out. Without PreVote each timeout starts an
/// election in a new term, so it comes back with a high term and deposes the healthy leader.
/// With PreVote it only asks whether it could win, nobody answers, and its term stays put.
pub fn rejoin(pre_vote: bool) -> Scenario {
    let name = if pre_vote { "rejoin-prevote" } else { "rejoin-disrupts" };
    let mut s = Scenario::new(name, 5, 1);
    s.description = describe(if pre_vote {
        "The same as rejoin-disrupts, with PreVote on. S1 leads term 1 and S5 is cut off. When S5's timer runs out it \
         does not start an election: it becomes a pre-candidate and asks the others whether they would vote for it in \
         term 2, without changing its own term. Nobody can hear it, so it asks again and again, still in term 1. When \
         the network heals, the others refuse its pre-votes (they hear from S1 and S5's log is missing x), S1's \
         heartbeats reach S5, and S5 simply catches up and follows S1. No election, no new term."
    } else {
        "Five servers; S1 leads term 1. At 300 ms S5 is cut off from everyone. A client's put of x commits without it. \
         S5 hears no heartbeats, so its timer runs out again and again: each time it becomes a candidate in a new term \
         that nobody hears, and its term climbs to about 10. When the network heals at 2.5 s, S5 answers S1's heartbeat \
         with its high term; S1 sees a higher term and steps down, and the whole cluster jumps to S5's term to elect a \
         new leader (not S5: its log is missing x). A healthy leader was deposed for nothing. See rejoin-prevote. \
         (Leader liveliness, the paper's §6 rule, is off here; on, it would not save S1 — S5's term reaches it in a \
         reply to its own heartbeat, not in a RequestVote — it would only delay the election that follows.)"
    });
    s.duration_ms = 3_500.0;
    s.raft.pre_vote = pre_vote;
    // With PreVote, liveliness stays as it is by default (on).
    s.raft.leader_liveliness = pre_vote;
    s.at(10.0, Action::Timeout { node: 1 })
        .at(300.0, Action::Isolate { node: 5 })
        .at(500.0, put(1, "x", "1"))
        .at(2_500.0, Action::Heal)
}

/// One-way partition: S3 can send to everyone but hears nobody. Without leader liveliness
/// (switched off here) its RequestVotes keep deposing leaders; with liveliness (the default)
/// and CheckQuorum they are ignored.
pub fn one_way_partition(check_quorum: bool) -> Scenario {
    let name = if check_quorum { "one-way-partition-checkquorum" } else { "one-way-partition" };
    let mut s = Scenario::new(name, 5, 1);
    s.description = describe(if check_quorum {
        "The same one-way partition as one-way-partition, with leader liveliness (the paper's §6 rule, on by default) \
         and CheckQuorum on. S3 still \
         hears nothing and its term still climbs as it starts election after election, but the others ignore its \
         RequestVotes: each of them heard from the leader S1 within the minimum election timeout, so they neither \
         adopt S3's term nor vote (and S1, which knows it leads, ignores them too). S1 stays leader of term 1 and keeps \
         committing. (With PreVote on as well, S3 would not even raise its own term.)"
    } else {
        "Five servers; S1 leads term 1. At 300 ms the links into S3 are cut, one way only: S3 can still send to \
         everyone, but nothing reaches it, not even the leader's heartbeats. S3's timer runs out, it becomes a \
         candidate in term 2 and its RequestVote reaches everyone: they all adopt term 2, and S1 steps down. S3 never \
         hears the votes, so a leader is elected again in a later term without it, and S3 soon times out again \
         and deposes that leader too. The cluster keeps losing its leader for as long as the one-way partition lasts: \
         the client's puts to S1 arrive between leaders and are refused. Leader liveliness, the paper's §6 rule that \
         is on by default, is switched off here to show what it prevents. See one-way-partition-checkquorum."
    });
    s.duration_ms = 3_000.0;
    s.raft.check_quorum = check_quorum;
    s.raft.leader_liveliness = check_quorum;
    let mut s = s.at(10.0, Action::Timeout { node: 1 });
    for from in [1, 2, 4, 5] {
        s = s.at(300.0, Action::Cut { from, to: 3 });
    }
    s.at(600.0, put(1, "x", "1"))
        .at(1_500.0, Action::Client { node: 1, op: ClientOpKind::Put, key: "y".into(), value: Some("2".into()) })
}

/// The leader hands leadership to a chosen follower, which first has to catch up.
pub fn leadership_transfer() -> Scenario {
    let mut s = Scenario::new("leadership-transfer", 5, 1);
    s.description = describe("Five servers with PreVote and CheckQuorum on; S1 leads term 1. While the link S1 -> S4 is cut, a \
                     client's put of x commits without S4 (which, hearing nothing from S1, asks for pre-votes that the others \
                     refuse: they hear from S1). At 500 ms the link comes back and the operator asks S1 to \
                     hand leadership to S4. S1 stops taking new commands, sends S4 the entries it is missing, and once \
                     S4's log matches its own sends it TimeoutNow. S4 starts an election at once, in term 2; its \
                     RequestVote is marked as a leadership transfer, so the others vote even though they heard from S1 \
                     moments ago. S4 leads term 2 and S1 follows it. A later put sent to S1 is redirected to S4.");
    s.duration_ms = 1_500.0;
    s.raft.pre_vote = true;
    s.raft.check_quorum = true;
    s.at(10.0, Action::Timeout { node: 1 })
        .at(200.0, Action::Cut { from: 1, to: 4 })
        .at(250.0, put(1, "x", "1"))
        .at(500.0, Action::Heal)
        .at(500.0, Action::TransferLeadership { node: 4 })
        .at(900.0, put(1, "y", "2"))
}

/// A partition leaves the leader with a minority. Without CheckQuorum it goes on believing it
/// leads; with CheckQuorum it notices it hears from no majority and steps down.
pub fn cut_off_leader(check_quorum: bool) -> Scenario {
    let name = if check_quorum { "check-quorum-step-down" } else { "cut-off-leader" };
    let mut s = Scenario::new(name, 5, 1);
    s.description = describe(if check_quorum {
        "The same partition as cut-off-leader, with CheckQuorum on. S1 counts the servers it hears from: in each \
         election timeout (at most 300 ms) it must hear from a majority, itself included. After the partition it \
         hears only from S2, 2 of 5, so it steps down to follower of term 1 and stops answering clients as leader. \
         Only S3, S4 and S5's leader of term 2 remains. (S1 and S2 then time out and start elections they cannot win.)"
    } else {
        "Five servers; S1 leads term 1. At 300 ms a partition leaves S1 and S2 on one side and S3, S4, S5 on the other. \
         The majority side elects a new leader in term 2. S1 never hears of it: it keeps sending heartbeats to S2 and \
         still believes it is the leader of term 1 to the end, although it can commit nothing. Two servers call \
         themselves leader (in different terms). See check-quorum-step-down."
    });
    s.duration_ms = 2_000.0;
    s.raft.check_quorum = check_quorum;
    s.at(10.0, Action::Timeout { node: 1 }).at(300.0, Action::Partition { groups: vec![vec![1, 2], vec![3, 4, 5]] })
}
