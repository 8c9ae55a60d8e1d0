//! Built-in scenarios: the seed notes' figures and the paper's, as runnable timelines.
use crate::scenario::{Action, ClientOpKind, CrashMode, Scenario, Workload};
use raft_core::{Backtrack, NodeId, UnsafeRule};

pub fn list() -> Vec<Scenario> {
    vec![
        first_election(),
        split_vote(),
        crash_example(),
        minority_leader(),
        figure_8(false),
        figure_8(true),
        steady_load(),
        snapshot_catch_up(),
        snapshot_conflict(),
    ]
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
    s.description = "Three servers boot as followers with random election timeouts (150-300 ms). The first to time out \
                     becomes a candidate for term 1, votes for itself and asks the others; both vote for it and it becomes \
                     leader, then keeps them following with heartbeats."
        .into();
    s.duration_ms = 1_000.0;
    s
}

/// Four servers; two time out together and split the vote; a later candidate wins.
pub fn split_vote() -> Scenario {
    let mut s = Scenario::new("split-vote", 4, 1);
    s.description =
        "Four servers. S1 and S3 time out at the same moment and both ask for votes in term 1: S2 votes for S1 \
                     and S4 for S3, so each has 2 of 4 votes, short of the majority of 3. Nobody wins term 1; the next \
                     server to time out starts term 2 and is elected."
            .into();
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
    s.description = "The lecture's example. S2 is leader of term 1. A client sends o1; S2 records it at index 1, term 1 and \
                     S1, S3 and S4 acknowledge, but S5 does not receive it. S2 commits o1 and crashes. S4 notices, \
                     becomes leader of term 2, records o2 at index 2, term 2, replicates it (repairing S5's log with o1) \
                     and commits both; all servers commit o1. (No no-op entries here, to match the lecture's numbering.)"
        .into();
    s.duration_ms = 3_000.0;
    s.raft.noop_on_election = false;
    s.raft.election_timeout_ms = [300.0, 600.0];
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
    s.description = "S1 leads five servers, then a partition leaves S1 and S2 on one side and S3, S4, S5 on the other. A \
                     client's put to S1 cannot commit: S1 reaches only 2 of 5. The majority side elects a new leader in \
                     a higher term and commits a put of its own. When the partition heals, S1 sees the higher term, steps \
                     down, and its uncommitted entry is overwritten."
        .into();
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
    s.description = if unsafe_rule {
        "Figure 8 of the Raft paper with the rule broken (commit-old-terms). S1, leader of term 2, replicates entry 2 only \
         to S2 and crashes. S5 wins term 3 with votes from S3 and S4, appends its own entry 2 and crashes. S1 restarts, wins \
         term 4 and copies its term-2 entry to S3: three of five hold it, so S1 counts it committed. S1 crashes; S5 wins \
         term 5 (its last term, 3, beats their 2) and overwrites entry 2 everywhere: a committed entry is lost, breaking \
         Leader Completeness and State Machine Safety."
    } else {
        "Figure 8 of the Raft paper with the rule in force. The same moves as figure-8-unsafe, but S1, leader of term 4, \
         does not count replicas of its term-2 entry: a leader only commits entries of its own term. When S5 later wins \
         term 5 and overwrites entry 2, nothing committed is lost; S5's entries commit once an entry of term 5 does."
    }
    .into();
    s.duration_ms = 5_000.0;
    s.raft.noop_on_election = false;
    s.raft.backtrack = Backtrack::OneByOne;
    // Long timeouts: elections happen only when the timeline forces them.
    s.raft.election_timeout_ms = [10_000.0, 12_000.0];
    if unsafe_rule {
        s.raft.unsafe_rules = vec![UnsafeRule::CommitOldTerms];
    }
    s.network.latency_ms = [5.0, 5.0];
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
    s.description = "Five servers and three clients sending puts and gets every 50 ms. Clients start at a random server, \
                     follow redirects to the leader, and retry elsewhere after a timeout; every request commits through \
                     the leader's log."
        .into();
    s.duration_ms = 5_000.0;
    s.workload = Some(Workload { clients: 3, interval_ms: 50.0, ..Workload::default() });
    s
}

/// Log compaction and InstallSnapshot: a follower that was down while the others compacted
/// their logs is brought up to date with the leader's snapshot, sent in several chunks.
pub fn snapshot_catch_up() -> Scenario {
    let mut s = Scenario::new("snapshot-catch-up", 3, 1);
    s.description = "Snapshots on: each server replaces its log with a snapshot of its key-value store once the log holds                      more than 8 entries. S1 leads; S3 crashes, and while it is down a client writes 30 keys through S1,                      so S1 and S2 compact their logs several times. When S3 restarts, the entries it misses are gone from                      S1's log, so S1 sends its snapshot instead: InstallSnapshot in chunks of 64 bytes, one at a time,                      each answered before the next is sent. S3 installs it (its state machine restarts from the                      snapshot), then takes the remaining entries with AppendEntries and ends with the same keys and                      values as S1."
        .into();
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
    s.description = "Snapshots on (more than 8 entries). S1 leads term 1 and commits two puts, then is cut off from \
                     the others. A client keeps writing to S1, which appends 12 entries in term 1 that no majority ever \
                     stores. S2 and S3 stop hearing from S1; S3's timer runs out first and it is elected in term 2. It \
                     commits 15 puts, compacting its log. The entries S1 lacks are gone from S3's log, so S3 sends its \
                     snapshot instead (the chunks are lost while S1 is cut off and sent again with each heartbeat). When \
                     the network heals, S1 steps down and receives the snapshot. Its log holds term-1 entries where the \
                     snapshot holds committed term-2 ones: the entry at the snapshot's last index does not match, so S1 \
                     discards its whole log (rule 7) and resets its key-value store from the snapshot (rule 8). The \
                     uncommitted writes are gone; S1 ends with the same keys as S2 and S3."
        .into();
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

/// The scenarios whose trace hashes must agree between native and wasm builds: every built-in,
/// plus generated check scenarios that exercise what the built-ins do not (heavy-tailed delays,
/// drift, omission, loss, duplication, reordering, pauses, amnesia).
pub fn determinism_probes() -> Vec<Scenario> {
    let mut probes = list();
    for seed in 0..8 {
        let rules: &[UnsafeRule] = if seed % 4 == 3 { &[UnsafeRule::NoPersist] } else { &[] };
        probes.push(crate::campaign::generate(seed, None, rules));
    }
    probes
}
