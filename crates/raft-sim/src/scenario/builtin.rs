//! Built-in scenarios: the seed notes' figures and the paper's, as runnable timelines. The
//! Byzantine and disruption families live in their own files.
pub mod byzantine;
pub mod disruption;

use crate::scenario::{Action, ClientOpKind, CrashMode, Scenario, Workload};
use raft_core::{Backtrack, MembershipMode, NodeId, ReadMode, UnsafeRule};

pub fn list() -> Vec<Scenario> {
    let mut all = vec![
        first_election(),
        split_vote(),
        crash_example(),
        minority_leader(),
        figure_8(false),
        figure_8(true),
        steady_load(),
        add_server(),
        remove_leader(),
        replace_server(),
        removed_server_disrupts(),
        removed_server_quiet(),
        single_server_change(true),
        single_server_change(false),
        stale_read(),
        read_index(),
        lease_read_drift(),
        snapshot_catch_up(),
        snapshot_conflict(),
    ];
    all.extend(disruption::list());
    all.extend(byzantine::list());
    all
}

/// A built-in's description, for `raftsim list`, reports and tests. The page leaves them out
/// (the `descriptions` feature): it does not show them, and they would weigh on its download.
#[cfg(feature = "descriptions")]
pub(crate) fn describe(text: &'static str) -> String {
    text.to_string()
}

#[cfg(not(feature = "descriptions"))]
pub(crate) fn describe(_text: &'static str) -> String {
    String::new()
}

/// Scripts that force elections on a compressed schedule — sooner after the others last heard
/// a leader than the minimum election timeout — switch leader liveliness (paper §6) off: with
/// it, the others would disregard the forced candidate's RequestVote. They say so.
pub(crate) fn forced_elections(mut s: Scenario) -> Scenario {
    s.raft.leader_liveliness = false;
    if !s.description.is_empty() {
        s.description.push_str(
            " (Leader liveliness, the paper's §6 rule, is off here: this script forces elections sooner after a \
             leader was heard than the minimum election timeout, which the rule would make the others ignore.)",
        );
    }
    s
}

pub fn by_name(name: &str) -> Option<Scenario> {
    list().into_iter().find(|s| s.name == name)
}

fn put(node: NodeId, key: &str, value: &str) -> Action {
    Action::Client { node, op: ClientOpKind::Put, key: key.into(), value: Some(value.into()) }
}

fn crash(node: NodeId) -> Action {
    Action::Crash { node, mode: CrashMode::Recover }
}

/// Three servers boot as followers; the first whose timer runs out becomes candidate and wins.
pub fn first_election() -> Scenario {
    let mut s = Scenario::new("first-election", 3, 1);
    s.description = describe("Three servers boot as followers with random election timeouts (150-300 ms). The first to time out \
                     becomes a candidate for term 1, votes for itself and asks the others; both vote for it and it becomes \
                     leader, then keeps them following with heartbeats.");
    s.duration_ms = 1_000.0;
    s
}

/// Four servers; two time out together and split the vote; a later candidate wins.
pub fn split_vote() -> Scenario {
    let mut s = Scenario::new("split-vote", 4, 1);
    s.description = describe(
        "Four servers. S1 and S3 time out at the same moment and both ask for votes in term 1: S2 votes for S1 \
                     and S4 for S3, so each has 2 of 4 votes, short of the majority of 3. Nobody wins term 1; the next \
                     server to time out starts term 2 and is elected.",
    );
    s.duration_ms = 2_000.0;
    s.network.latency_ms = [10.0, 10.0];
    // S2 is nearer S1 and S4 nearer S3, so each candidate's RequestVote reaches "its" voter
    // first.
    s.network.links = vec![link(1, 2, 2.0), link(3, 4, 2.0), link(1, 4, 20.0), link(3, 2, 20.0)];
    s.at(50.0, Action::Timeout { node: 1 }).at(50.0, Action::Timeout { node: 3 })
}

fn link(from: NodeId, to: NodeId, ms: f64) -> crate::scenario::LinkOverride {
    crate::scenario::LinkOverride { from, to, latency_ms: Some([ms, ms]), loss: None, duplicate: None, reorder: None }
}

/// The lecture's crash example: S2 commits o1 with S1, S3, S4 while S5 misses it and crashes;
/// S4 is elected, commits o2, and every server ends with o1 and o2.
pub fn crash_example() -> Scenario {
    let mut s = Scenario::new("crash-example", 5, 1);
    s.description = describe("The lecture's example. S2 is leader of term 1. A client sends o1; S2 records it at index 1, term 1 and \
                     S1, S3 and S4 acknowledge, but S5 does not receive it. S2 commits o1 and crashes. S4 notices, \
                     becomes leader of term 2, records o2 at index 2, term 2, replicates it (repairing S5's log with o1) \
                     and commits both; all servers commit o1. (No no-op entries here, to match the lecture's numbering.)");
    s.duration_ms = 3_000.0;
    s.raft.noop_on_election = false;
    s.raft.election_timeout_ms = [300.0, 600.0];
    let s = forced_elections(s);
    s.at(10.0, Action::Timeout { node: 2 })
        .at(200.0, Action::Cut { from: 2, to: 5 })
        .at(210.0, put(2, "o1", "1"))
        .at(400.0, crash(2))
        .at(410.0, Action::Heal)
        .at(420.0, Action::Timeout { node: 4 })
        .at(700.0, put(4, "o2", "2"))
}

/// The leader ends up in the minority side of a partition: it cannot commit; the majority
/// elects a new leader; after healing the old leader steps down and its uncommitted entry is
/// replaced.
pub fn minority_leader() -> Scenario {
    let mut s = Scenario::new("minority-leader", 5, 1);
    s.description = describe("S1 leads five servers, then a partition leaves S1 and S2 on one side and S3, S4, S5 on the other. A \
                     client's put to S1 cannot commit: S1 reaches only 2 of 5. The majority side elects a new leader in \
                     a higher term and commits a put of its own. When the partition heals, S1 sees the higher term, steps \
                     down, and its uncommitted entry is overwritten.");
    s.duration_ms = 3_000.0;
    s.at(10.0, Action::Timeout { node: 1 })
        .at(300.0, Action::Partition { groups: vec![vec![1, 2], vec![3, 4, 5]] })
        .at(350.0, put(1, "x", "lost"))
        .at(1_200.0, Action::Client { node: 3, op: ClientOpKind::Put, key: "x".into(), value: Some("kept".into()) })
        .at(1_210.0, Action::Client { node: 4, op: ClientOpKind::Put, key: "x".into(), value: Some("kept".into()) })
        .at(1_220.0, Action::Client { node: 5, op: ClientOpKind::Put, key: "x".into(), value: Some("kept".into()) })
        .at(2_000.0, Action::Heal)
}

/// Figure 8 of the Raft paper, scripted. With `commit-old-terms` the leader of term 4 commits
/// the term-2 entry by counting replicas, and S5 (term 5) then overwrites it: a committed entry
/// is lost. With the rule in force, nothing committed is ever lost.
pub fn figure_8(unsafe_rule: bool) -> Scenario {
    let name = if unsafe_rule { "figure-8-unsafe" } else { "figure-8" };
    let mut s = Scenario::new(name, 5, 1);
    s.description = describe(if unsafe_rule {
        "Figure 8 of the Raft paper with the rule broken (commit-old-terms). S1, leader of term 2, replicates entry 2 only \
         to S2 and crashes. S5 wins term 3 with votes from S3 and S4, appends its own entry 2 and crashes. S1 restarts, wins \
         term 4 and copies its term-2 entry to S3: three of five hold it, so S1 counts it committed. S1 crashes; S5 wins \
         term 5 (its last term, 3, beats their 2) and overwrites entry 2 everywhere: a committed entry is lost, breaking \
         Leader Completeness and State Machine Safety."
    } else {
        "Figure 8 of the Raft paper with the rule in force. The same moves as figure-8-unsafe, but S1, leader of term 4, \
         does not count replicas of its term-2 entry: a leader only commits entries of its own term. When S5 later wins \
         term 5 and overwrites entry 2, nothing committed is lost; S5's entries commit once an entry of term 5 does."
    });
    s.duration_ms = 5_000.0;
    s.raft.noop_on_election = false;
    s.raft.backtrack = Backtrack::OneByOne;
    // Long timeouts: elections happen only when the timeline forces them.
    s.raft.election_timeout_ms = [10_000.0, 12_000.0];
    if unsafe_rule {
        s.raft.unsafe_rules = vec![UnsafeRule::CommitOldTerms];
    }
    s.network.latency_ms = [5.0, 5.0];
    let s = forced_elections(s);
    let cut_from = |s: Scenario, t: f64, from: NodeId, to: &[NodeId]| {
        to.iter().fold(s, |s, &n| s.at(t, Action::Cut { from, to: n }))
    };
    // (a) term 1: S1 leads, entry 1 everywhere. Term 2: S1 leads again, entry 2 reaches S2 only.
    let s = s.at(10.0, Action::Timeout { node: 1 }).at(100.0, put(1, "x", "1")).at(300.0, Action::Timeout { node: 1 });
    let s = cut_from(s, 400.0, 1, &[3, 4, 5]).at(410.0, put(1, "y", "2")).at(500.0, crash(1)).at(510.0, Action::Heal);
    // (b) term 3: S5 elected by S3, S4, S5; appends its entry 2 but reaches nobody.
    let s = s.at(520.0, Action::Timeout { node: 5 });
    let s =
        cut_from(s, 600.0, 5, &[1, 2, 3, 4]).at(610.0, put(5, "z", "3")).at(700.0, crash(5)).at(710.0, Action::Heal);
    // (c) term 4: S1 restarts and is elected; its entry 2 (term 2) reaches S3, not S4.
    let s = s
        .at(800.0, Action::Restart { node: 1 })
        .at(810.0, Action::Timeout { node: 1 })
        .at(900.0, Action::Timeout { node: 1 });
    let s = cut_from(s, 805.0, 1, &[4, 5]).at(1_100.0, crash(1)).at(1_110.0, Action::Heal);
    // (d) term 5: S5 restarts and is elected by S2, S3, S4; it overwrites entry 2.
    let s = s
        .at(1_200.0, Action::Restart { node: 5 })
        .at(1_210.0, Action::Timeout { node: 5 })
        .at(1_300.0, Action::Timeout { node: 5 });
    s.at(1_600.0, put(5, "w", "5")).at(2_000.0, Action::Restart { node: 1 })
}

/// A healthy five-node cluster under steady client load.
pub fn steady_load() -> Scenario {
    let mut s = Scenario::new("steady-load", 5, 7);
    s.description = describe("Five servers and three clients sending puts and gets every 50 ms. Clients start at a random server, \
                     follow redirects to the leader, and retry elsewhere after a timeout; every request commits through \
                     the leader's log.");
    s.duration_ms = 5_000.0;
    s.workload = Some(Workload { clients: 3, interval_ms: 50.0, ..Workload::default() });
    s
}

fn get(node: NodeId, key: &str) -> Action {
    Action::Client { node, op: ClientOpKind::Get, key: key.into(), value: None }
}

/// The old leader and the new one, for the two read scenarios: S1 leads, x=1 commits, a
/// partition cuts S1 and S2 off, S3 wins term 2 and commits x=2, and at 800 ms a client asks S1
/// for x. The partition heals at 1200 ms.
fn partitioned_old_leader(name: &str) -> Scenario {
    let mut s = Scenario::new(name, 5, 1);
    s.duration_ms = 2_000.0;
    s.network.latency_ms = [5.0, 10.0];
    s.at(10.0, Action::Timeout { node: 1 })
        .at(100.0, put(1, "x", "1"))
        .at(300.0, Action::Partition { groups: vec![vec![1, 2], vec![3, 4, 5]] })
        .at(400.0, Action::Timeout { node: 3 })
        .at(600.0, put(3, "x", "2"))
        .at(800.0, get(1, "x"))
        .at(1_200.0, Action::Heal)
}

/// Break Raft: a deposed leader answers a get from its own, outdated, state.
pub fn stale_read() -> Scenario {
    let mut s = partitioned_old_leader("stale-read");
    s.description = describe("Reads that skip the checks (the stale-reads rule is on). S1 leads five servers and x=1 commits. A \
                     partition leaves S1 and S2 on one side; S3, S4 and S5 elect S3 in term 2 and a client writes x=2 \
                     there. S1 does not know it was replaced: when a client asks it for x at 800 ms it answers at once \
                     from its own state machine, x=1. The write of 2 had already finished before the read began, so the \
                     read should have seen it: the linearizability checker reports the stale read.");
    s.raft.unsafe_rules = vec![UnsafeRule::StaleReads];
    forced_elections(s)
}

/// ReadIndex: the deposed leader cannot confirm its leadership, so it never answers the read.
pub fn read_index() -> Scenario {
    let mut s = partitioned_old_leader("read-index");
    s.description = describe("The stale-read moves with ReadIndex reads (thesis 6.4). S1 leads and x=1 commits; a partition leaves \
                     S1 with S2 only; S3 wins term 2 and commits x=2. When a client asks S1 for x, S1 notes its commit \
                     index and sends a round of heartbeats, but only S2 answers: 2 of 5 is not a majority, so S1 cannot \
                     be sure it still leads and holds the read. When the partition heals S1 hears of term 2, steps down \
                     and tells the client 'not the leader, try S3'; S3 confirms its own leadership with a majority and \
                     answers x=2. The checker finds the history linearizable.");
    s.raft.read_mode = ReadMode::ReadIndex;
    forced_elections(s)
}

/// Lease reads are only as safe as the clocks: a leader whose clock runs slow keeps a lease its
/// followers have already let go of.
pub fn lease_read_drift() -> Scenario {
    let mut s = Scenario::new("lease-read-drift", 5, 1);
    s.description = describe("Lease reads (thesis 6.4.1) with a clock that drifts beyond the bound. Once a majority acknowledges a \
                     heartbeat round, the leader S1 answers reads at once for 150 ms x (1 - 0.1) = 135 ms on its own \
                     clock; its followers promise not to elect anyone for 150 ms after hearing from it. That is safe \
                     while clocks drift less than the 10% bound. Here S1's clock runs at half speed, so its 135 ms last \
                     270 ms of real time. A write just before 500 ms renews S1's lease; then a partition cuts S1 and S2 \
                     off. 150 ms after they last heard from S1, S3, S4 and S5 may vote again: they elect S3, which \
                     commits x=2. At 700 ms S1, its lease still running by its slow clock, answers a get with x=1: a \
                     stale read the checker reports. Set S1's drift to 0 and the same read falls back to ReadIndex and \
                     waits.");
    s.duration_ms = 2_000.0;
    s.network.latency_ms = [5.0, 5.0];
    s.raft.read_mode = ReadMode::Lease;
    s.raft.lease_drift_bound = 0.1;
    s.faults = vec![crate::scenario::NodeFaults { node: 1, drift: -0.5, ..Default::default() }];
    // With leases, servers vote for nobody during their first 150 ms (they might have
    // acknowledged a leader just before a restart), so S1 campaigns after that.
    s.at(155.0, Action::Timeout { node: 1 })
        .at(250.0, put(1, "x", "1"))
        // A write just before the partition renews S1's lease at about 485 ms.
        .at(480.0, put(1, "y", "1"))
        .at(500.0, Action::Partition { groups: vec![vec![1, 2], vec![3, 4, 5]] })
        // S3, S4 and S5 last heard from S1 at 490 ms: from 640 ms they may vote again.
        .at(642.0, Action::Timeout { node: 3 })
        .at(670.0, put(3, "x", "2"))
        .at(700.0, get(1, "x"))
        .at(1_200.0, Action::Heal)
}

/// Log compaction and InstallSnapshot: a follower that was down while the others compacted
/// their logs is brought up to date with the leader's snapshot, sent in several chunks.
pub fn snapshot_catch_up() -> Scenario {
    let mut s = Scenario::new("snapshot-catch-up", 3, 1);
    s.description = describe("Snapshots on: each server replaces its log with a snapshot of its key-value store once the log holds \
                     more than 8 entries. S1 leads; S3 crashes, and while it is down a client writes 30 keys through S1, \
                     so S1 and S2 compact their logs several times. When S3 restarts, the entries it misses are gone from \
                     S1's log, so S1 sends its snapshot instead: InstallSnapshot in chunks of 64 bytes, one at a time, \
                     each answered before the next is sent. S3 installs it (its state machine restarts from the \
                     snapshot), then takes the remaining entries with AppendEntries and ends with the same keys and \
                     values as S1.");
    s.duration_ms = 3_000.0;
    s.raft.snapshot_threshold = 8;
    s.raft.snapshot_chunk_bytes = 64;
    s.network.latency_ms = [5.0, 10.0];
    let mut s = s.at(10.0, Action::Timeout { node: 1 }).at(200.0, crash(3));
    for k in 0..30 {
        let key = format!("k{k}");
        s = s.at(300.0 + 30.0 * k as f64, put(1, &key, &format!("v{k}")));
    }
    s.at(1_500.0, Action::Restart { node: 3 })
}

/// InstallSnapshot where the follower's log conflicts with the snapshot: rule 7 discards it.
pub fn snapshot_conflict() -> Scenario {
    let mut s = Scenario::new("snapshot-conflict", 3, 1);
    s.description = describe("Snapshots on (more than 8 entries). S1 leads term 1 and commits two puts, then is cut off from \
                     the others. A client keeps writing to S1, which appends 12 entries in term 1 that no majority ever \
                     stores. S2 and S3 stop hearing from S1; S3's timer runs out first and it is elected in term 2. It \
                     commits 15 puts, compacting its log. The entries S1 lacks are gone from S3's log, so S3 sends its \
                     snapshot instead (the chunks are lost while S1 is cut off and sent again with each heartbeat). When \
                     the network heals, S1 steps down and receives the snapshot. Its log holds term-1 entries where the \
                     snapshot holds committed term-2 ones: the entry at the snapshot's last index does not match, so S1 \
                     discards its whole log (rule 7) and resets its key-value store from the snapshot (rule 8). The \
                     uncommitted writes are gone; S1 ends with the same keys as S2 and S3.");
    s.duration_ms = 3_000.0;
    s.raft.snapshot_threshold = 8;
    s.raft.snapshot_chunk_bytes = 128;
    s.network.latency_ms = [5.0, 10.0];
    let mut s = s.at(10.0, Action::Timeout { node: 1 }).at(100.0, put(1, "a", "1")).at(150.0, put(1, "b", "1"));
    s = s.at(300.0, Action::Isolate { node: 1 });
    for k in 0..12 {
        s = s.at(320.0 + 10.0 * k as f64, put(1, &format!("lost{k}"), "x"));
    }
    for k in 0..15 {
        s = s.at(800.0 + 30.0 * k as f64, put(3, &format!("k{k}"), "y"));
    }
    s.at(1_600.0, Action::Heal)
}

/// A cluster of `nodes` servers (1 to 9) for free play, with two clients sending requests
/// when `load` is set.
pub fn cluster(nodes: u32, load: bool) -> Scenario {
    let nodes = nodes.clamp(1, crate::scenario::MAX_NODES);
    let name = if load { format!("cluster-{nodes}-load") } else { format!("cluster-{nodes}") };
    let mut s = Scenario::new(&name, nodes, 11);
    s.description = format!(
        "{nodes} server{} booting as followers{}. Break them and watch what Raft does.",
        if nodes == 1 { "" } else { "s" },
        if load { ", with two clients sending a put or get every 100 ms" } else { "" }
    );
    s.duration_ms = 10_000.0;
    if load {
        s.workload = Some(Workload { clients: 2, interval_ms: 100.0, ..Workload::default() });
    }
    s
}

fn cut_links(s: Scenario, t: f64, from: NodeId, to: &[NodeId]) -> Scenario {
    to.iter().fold(s, |s, &n| s.at(t, Action::Cut { from, to: n }))
}

/// Joint consensus growing a cluster: two new servers catch up as learners, then C_old,new,
/// then C_new.
pub fn add_server() -> Scenario {
    let mut s = Scenario::new("add-server", 5, 1);
    s.description = describe("A three-server cluster (S1, S2, S3) grows to five. S4 and S5 are running but outside the \
                     configuration: they have empty logs and never start elections. S1 leads and commits a few writes. The \
                     operator asks S1 to make the voters S1-S5. First S4 and S5 join as learners: they receive the whole \
                     log but do not vote. Once they have caught up, S1 appends the joint configuration C_old,new: from now \
                     on every decision needs a majority of the old three AND a majority of the new five. When that \
                     commits, S1 appends C_new (S1-S5), and once that commits the change is done; a last write commits on \
                     all five."
        );
    s.duration_ms = 2_000.0;
    s.members = Some(vec![1, 2, 3]);
    let mut s = s.at(10.0, Action::Timeout { node: 1 });
    for k in 0..6 {
        s = s.at(200.0 + 20.0 * k as f64, put(1, &format!("k{k}"), &format!("v{k}")));
    }
    s.at(600.0, Action::ChangeMembership { voters: vec![1, 2, 3, 4, 5], via: None }).at(1_200.0, put(1, "after", "5"))
}

/// The leader removes itself: it manages the cluster until C_new commits, then hands over to a
/// caught-up voter (TimeoutNow) and steps down.
pub fn remove_leader() -> Scenario {
    let mut s = Scenario::new("remove-leader", 5, 1);
    s.description = describe("Five servers; S1 leads. The operator asks S1 to remove S1 itself. S1 appends C_old,new (old: \
                     S1-S5, new: S2-S5) and then C_new (S2-S5). Until C_new commits S1 keeps leading, replicating \
                     entries but no longer counting itself in C_new's majority. Once C_new commits, S1 tells the others, \
                     sends TimeoutNow to S2 (a voter of C_new holding all its entries: leadership transfer, thesis \
                     §3.10) and steps down. It knows it is no longer a voter, so it never starts an election; S2 starts \
                     one at once, is elected by the others in term 2 and serves writes.");
    s.duration_ms = 2_000.0;
    s.at(10.0, Action::Timeout { node: 1 })
        .at(200.0, put(1, "x", "1"))
        .at(400.0, Action::RemoveServer { node: 1, via: None })
        .at(1_500.0, put(2, "y", "2"))
}

/// Replace a server: S4 joins, S3 leaves, in one joint-consensus change; S3 is then shut down.
pub fn replace_server() -> Scenario {
    let mut s = Scenario::new("replace-server", 4, 1);
    s.description = describe("Three servers S1-S3 and a spare S4 outside the cluster. S1 leads. The operator replaces S3 with S4 \
                     in one change: voters S1, S2, S4. S4 first catches up as a learner; then C_old,new ({S1,S2,S3} and \
                     {S1,S2,S4}) and C_new ({S1,S2,S4}) commit. S3 no longer gets heartbeats, and the operator shuts it \
                     down as soon as C_new has committed (a removed server left running would disrupt the cluster: see \
                     removed-server-disrupts). Writes keep committing on S1, S2 and S4.");
    s.duration_ms = 2_000.0;
    s.members = Some(vec![1, 2, 3]);
    s.at(10.0, Action::Timeout { node: 1 })
        .at(200.0, put(1, "x", "1"))
        .at(400.0, Action::ChangeMembership { voters: vec![1, 2, 4], via: None })
        .at(520.0, Action::Crash { node: 3, mode: CrashMode::Stop })
        .at(1_000.0, put(1, "y", "2"))
}

/// A removed server that keeps running times out and campaigns with ever higher terms.
pub fn removed_server_disrupts() -> Scenario {
    let mut s = Scenario::new("removed-server-disrupts", 3, 1);
    s.description = describe("Three servers; S1 leads and removes S3 (voters S1, S2). S3 is not shut down. Once C_new is appended \
                     S3 gets no more heartbeats, and it never learns that it was removed: its log still holds \
                     C_old,new, in which it is a voter. So it times out and starts elections with ever higher terms. It \
                     can never win (S1 and S2 have a newer log), but each RequestVote with a higher term makes the \
                     leader step down, and the cluster keeps losing its leader. This is why the paper's §6 rule \
                     exists: servers that heard from a leader within the minimum election timeout disregard \
                     RequestVote (leader liveliness, on by default). Here it is switched off, as are PreVote and \
                     CheckQuorum (the thesis, §4.2.3).");
    s.duration_ms = 4_000.0;
    s.raft.leader_liveliness = false;
    s.at(10.0, Action::Timeout { node: 1 })
        .at(200.0, put(1, "x", "1"))
        .at(400.0, Action::RemoveServer { node: 3, via: None })
        .at(2_000.0, put(1, "y", "2"))
}

/// The same removal with PreVote and CheckQuorum: the removed server cannot disrupt anyone.
pub fn removed_server_quiet() -> Scenario {
    let mut s = removed_server_disrupts();
    s.name = "removed-server-prevote".into();
    s.description = describe(
        "The removed-server-disrupts moves with leader liveliness back on (the default) and PreVote and \
         CheckQuorum on too. S1 removes S3, which keeps running and never learns it was removed. Its timer \
         runs out, but it first asks for pre-votes: S1 and S2 hear from their leader regularly, so they \
         refuse, and S3 never raises its term. Any RequestVote it did send would be ignored by servers that \
         heard from a leader recently (leader liveliness). S1 stays leader of term 1 and commits y=2.",
    );
    s.raft.pre_vote = true;
    s.raft.check_quorum = true;
    s.raft.leader_liveliness = true;
    s
}

/// Ongaro's 2015 raft-dev post: two single-server changes across a leader change give two
/// disjoint majorities unless a new leader first commits an entry of its own term.
pub fn single_server_change(unsafe_rule: bool) -> Scenario {
    let name = if unsafe_rule { "single-server-change-bug" } else { "single-server-change-safe" };
    let mut s = Scenario::new(name, 5, 1);
    s.description = describe(if unsafe_rule {
        "Single-server changes with the safety rule broken (unsafe-single-server-change): the bug Diego Ongaro \
         reported on raft-dev in 2015. Four voters S1-S4; S1 leads term 1 and adds S5. C1 = {S1..S5} reaches only S5 \
         before S1 crashes. S2 is elected in term 2 by S2, S3, S4 (it never saw C1) and at once removes S1: C2 = \
         {S2,S3,S4} goes into its log before S2 has committed anything of term 2, and commits with S2 and S3. S1 \
         restarts with C1 and is elected in term 3 by S1, S4 and S5 (a majority of C1), without the entries S2 \
         committed (Leader Completeness breaks). S3 is then elected in term 3 too, by S2 and S3 (a majority of C2). \
         The two majorities do not overlap: two leaders in term 3, breaking Election Safety."
    } else {
        "The same moves as single-server-change-bug, with the safety rule in force: a leader must commit an entry of \
         its own term before it changes the configuration. S2, new leader of term 2, cannot commit its no-op yet (it \
         reaches only S3), so it refuses to remove S1 (the refusal shows in the trace). S1 still wins term 3 with S1, \
         S4 and S5, but S3 cannot: under S2's configuration (S1-S4) it needs three votes and gets two. One leader per \
         term."
    });
    s.duration_ms = 2_000.0;
    s.members = Some(vec![1, 2, 3, 4]);
    s.raft.membership_mode = MembershipMode::SingleServer;
    // Long timeouts: elections happen only when the timeline forces them.
    s.raft.election_timeout_ms = [10_000.0, 12_000.0];
    s.network.latency_ms = [5.0, 5.0];
    if unsafe_rule {
        s.raft.unsafe_rules = vec![UnsafeRule::UnsafeSingleServerChange];
    }
    // S5 is farther away than the others (20 ms instead of 5).
    s.network.links = vec![link(1, 5, 20.0), link(5, 1, 20.0)];
    let s = forced_elections(s);
    // Term 1: S1 leads S1-S4, then adds S5. S5 catches up as a learner (the others learn that
    // its learner entry committed from the heartbeat at 220 ms); C1 = {S1..S5} is appended once
    // it has, at 280 ms, but by then S1's links to S2-S4 are cut: only S5 gets C1.
    let s = s.at(10.0, Action::Timeout { node: 1 }).at(200.0, Action::AddServer { node: 5, via: Some(1) });
    let s = cut_links(s, 230.0, 1, &[2, 3, 4]).at(320.0, crash(1)).at(330.0, Action::Heal);
    // Term 2: S2 is elected by S2, S3, S4; its entries then reach S3 only (not S1, restarted
    // below, which would otherwise lose C1 to S2's log). It removes S1.
    let s = s.at(340.0, Action::Timeout { node: 2 });
    let s = cut_links(s, 347.0, 2, &[1, 4, 5]).at(360.0, Action::RemoveServer { node: 1, via: Some(2) });
    // Term 3: S1 restarts (with C1) and is elected by S1, S4, S5; it cannot reach S2 and S3, which
    // stay in term 2. (Its first try, term 2, fails: S4 voted for S2 in term 2.) Then S3 times
    // out and asks S2.
    let s = s.at(420.0, Action::Restart { node: 1 });
    let s =
        cut_links(s, 425.0, 1, &[2, 3]).at(430.0, Action::Timeout { node: 1 }).at(470.0, Action::Timeout { node: 1 });
    s.at(600.0, Action::Timeout { node: 3 })
}
