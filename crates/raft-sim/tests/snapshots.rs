//! Log compaction and InstallSnapshot in the simulator: the built-in scenarios, stable storage
//! across each crash mode, the checker on compacted logs, and the campaign's use of snapshots.
mod common;

use common::run_reported;
use raft_core::{
    Applied, Command, Configuration, Entry, EntryPayload, Index, KvStore, NodeId, Op, RaftLog, Role, Snapshot, Term,
};
use raft_sim::invariants::{InvariantChecker, NodeObservation};
use raft_sim::network::Endpoint;
use raft_sim::scenario::{ClientOpKind, CrashMode};
use raft_sim::trace::What;
use raft_sim::{builtin, campaign, Action, Property, Scenario, Simulation};

/// (offset, done) of every InstallSnapshot delivered to `node`.
fn chunks_delivered_to(sim: &Simulation, node: NodeId) -> Vec<(u64, bool)> {
    sim.trace()
        .iter()
        .filter_map(|e| match &e.what {
            What::Delivered { to: Endpoint::Node(n), kind: "InstallSnapshot", summary, .. } if *n == node => {
                let field = |name: &str| {
                    summary.split(' ').find_map(|w| w.strip_prefix(name)).map(str::to_string).unwrap_or_default()
                };
                Some((field("offset=").parse().unwrap_or(u64::MAX), field("done=") == "true"))
            }
            _ => None,
        })
        .collect()
}

fn put(node: NodeId, key: &str) -> Action {
    Action::Client { node, op: ClientOpKind::Put, key: key.into(), value: Some(format!("v-{key}")), retry_ms: None }
}

#[test]
fn snapshot_catch_up_installs_a_chunked_snapshot_and_the_follower_catches_up() {
    let (sim, r) = run_reported(&builtin::by_name("snapshot-catch-up").expect("a built-in"));
    assert!(r.violations.is_empty(), "{:?}", r.violations);
    let chunks = chunks_delivered_to(&sim, 3);
    let offsets: std::collections::BTreeSet<u64> = chunks.iter().map(|c| c.0).collect();
    assert!(offsets.len() >= 3, "several distinct chunks reach S3: {chunks:?}");
    assert!(chunks.iter().any(|c| c.1), "the last chunk (done) reaches S3");
    // The chunks go out in order: the first delivery of each offset comes in increasing order.
    let mut firsts = Vec::new();
    for (offset, _) in &chunks {
        if !firsts.contains(offset) {
            firsts.push(*offset);
        }
    }
    assert!(firsts.windows(2).all(|w| w[0] < w[1]), "in order: {firsts:?}");

    let (s1, s3) = (&r.nodes[0], &r.nodes[2]);
    assert_eq!(s1.role, "leader");
    assert!(s1.snapshot_index > 0 && s3.snapshot_index > 0, "both compacted their logs");
    assert_eq!(s3.kv, s1.kv, "S3's state machine equals the leader's");
    assert_eq!(s3.kv.len(), 30);
    assert_eq!(s3.commit_index, s1.commit_index);
    assert_eq!(s3.log_first_index, s3.snapshot_index + 1);
    // S3 never received most of the entries one by one: its log is short.
    assert!(s3.log.len() <= 9, "S3 holds {} entries", s3.log.len());
}

#[test]
fn snapshot_conflict_discards_the_conflicting_log_and_resets_the_state_machine() {
    let (sim, r) = run_reported(&builtin::by_name("snapshot-conflict").expect("a built-in"));
    assert!(r.violations.is_empty(), "{:?}", r.violations);
    assert!(chunks_delivered_to(&sim, 1).iter().any(|c| c.1), "S1 receives a whole snapshot");
    let s1 = &r.nodes[0];
    let leader = r.nodes.iter().find(|n| n.role == "leader").expect("a leader");
    assert_ne!(leader.id, 1);
    assert!(s1.snapshot_index > 0 && s1.snapshot_term >= 2);
    assert!(s1.log.iter().all(|e| e.term >= 2), "no term-1 entry survives: {:?}", s1.log);
    assert!(s1.kv.keys().all(|k| !k.starts_with("lost")), "uncommitted writes are gone: {:?}", s1.kv);
    assert_eq!(s1.kv, leader.kv);
    assert_eq!(s1.kv.len(), 17, "a, b and k0..k14");
}

/// A three-node cluster with snapshots every few entries, S1 leading and 12 puts committed.
fn compacting_cluster(threshold: usize) -> Scenario {
    let mut s = Scenario::new("compacting", 3, 5);
    s.duration_ms = 2_000.0;
    s.raft.snapshot_threshold = threshold;
    s.raft.election_timeout_ms = [400.0, 800.0];
    s.network.latency_ms = [2.0, 4.0];
    let mut s = s.at(5.0, Action::Timeout { node: 1 });
    for k in 0..12 {
        s = s.at(100.0 + 20.0 * k as f64, put(1, &format!("k{k}")));
    }
    s
}

#[test]
fn crash_recovery_restarts_the_state_machine_from_the_snapshot() {
    let s = compacting_cluster(4)
        .at(500.0, Action::Isolate { node: 2 })
        .at(510.0, Action::Crash { node: 2, mode: CrashMode::Recover })
        .at(520.0, Action::Restart { node: 2 });
    let mut sim = Simulation::new(&s).unwrap();
    sim.run_until(505_000);
    let before = sim.node(2).unwrap().raft.clone().unwrap();
    let snapshot = before.snapshot().expect("S2 compacted its log").clone();
    assert_eq!(sim.node(2).unwrap().disk.snapshot.as_deref(), Some(&snapshot), "the snapshot is on disk");
    sim.run_until(530_000);
    let after = sim.node(2).unwrap().raft.as_ref().unwrap();
    assert_eq!(after.snapshot(), Some(&snapshot));
    assert_eq!(after.log().snapshot_index(), snapshot.last_included_index);
    assert_eq!(after.log().to_vec(), before.log().to_vec(), "the log after the snapshot is restored");
    assert_eq!(after.last_applied(), snapshot.last_included_index);
    assert_eq!(after.commit_index(), snapshot.last_included_index);
    assert_eq!(after.kv(), &snapshot.kv, "the state machine restarts from the snapshot");
    assert!(sim.violations().is_empty());
}

#[test]
fn amnesia_and_no_persist_lose_the_snapshot() {
    let s = compacting_cluster(4)
        .at(500.0, Action::Isolate { node: 2 })
        .at(510.0, Action::Crash { node: 2, mode: CrashMode::Amnesia })
        .at(520.0, Action::Restart { node: 2 });
    let mut sim = Simulation::new(&s).unwrap();
    sim.run_until(530_000);
    let s2 = sim.node(2).unwrap();
    assert!(s2.disk.snapshot.is_none());
    let raft = s2.raft.as_ref().unwrap();
    assert!(raft.snapshot().is_none() && raft.log().last_index() == 0 && raft.kv().data().is_empty());

    let mut s = compacting_cluster(4);
    s.raft.unsafe_rules = vec![raft_core::UnsafeRule::NoPersist];
    let mut sim = Simulation::new(&s).unwrap();
    sim.run_until(500_000);
    let s2 = sim.node(2).unwrap();
    assert!(s2.raft.as_ref().unwrap().snapshot().is_some(), "S2 compacted in memory");
    assert!(s2.disk.snapshot.is_none() && s2.disk.log.last_index() == 0, "but wrote nothing");
}

#[test]
fn a_server_returning_far_behind_gets_the_snapshot_after_a_recover_restart() {
    let s = compacting_cluster(3)
        .at(50.0, Action::Crash { node: 3, mode: CrashMode::Recover })
        .at(800.0, Action::Restart { node: 3 });
    let (sim, r) = run_reported(&s);
    assert!(r.violations.is_empty(), "{:?}", r.violations);
    assert!(chunks_delivered_to(&sim, 3).iter().any(|c| c.1));
    assert_eq!(r.nodes[2].kv, r.nodes[0].kv);
    assert_eq!(r.nodes[2].kv.len(), 12);
}

#[test]
fn snapshots_off_leave_logs_whole() {
    let (_, r) = run_reported(&builtin::by_name("steady-load").expect("a built-in"));
    assert!(r.nodes.iter().all(|n| n.snapshot_index == 0 && n.snapshot_term == 0 && n.log_first_index == 1));
}

#[test]
fn snapshot_settings_are_validated_and_round_trip() {
    let mut s = compacting_cluster(4);
    s.raft.snapshot_chunk_bytes = 0;
    let e = s.validate().unwrap_err();
    assert_eq!(e.field, "raft.snapshot_chunk_bytes");
    let json = r#"{"name":"x","nodes":3,"raft":{"snapshot_threshold":10,"snapshot_chunk_bytes":32}}"#;
    let parsed = Scenario::from_json(json).unwrap();
    assert_eq!((parsed.raft.snapshot_threshold, parsed.raft.snapshot_chunk_bytes), (10, 32));
    let e = Scenario::from_json(r#"{"name":"x","nodes":3,"raft":{"snapshot_threshold":-1}}"#).unwrap_err();
    assert!(e.field.contains("snapshot_threshold"), "{e}");
    // Off: nothing new is written, so old scenario files and links read back the same.
    let plain = serde_json::to_string(&builtin::by_name("steady-load").expect("a built-in")).unwrap();
    assert!(!plain.contains("snapshot"));
}

#[test]
fn the_campaign_turns_snapshots_on_and_they_are_installed() {
    let mut with = 0;
    let mut installs = 0;
    for seed in 0..40 {
        let s = campaign::generate(seed, None, &[]);
        let mut plain = s.clone();
        plain.raft.snapshot_threshold = 0;
        plain.raft.snapshot_chunk_bytes = raft_core::DEFAULT_SNAPSHOT_CHUNK_BYTES;
        assert_eq!(plain, campaign::generate_without_snapshots(seed, None, &[]), "the rest is unchanged");
        if s.raft.snapshot_threshold == 0 {
            continue;
        }
        with += 1;
        assert!((5..=50).contains(&s.raft.snapshot_threshold));
        let (sim, r) = run_reported(&s);
        assert!(r.violations.is_empty(), "seed {seed}: {:?}", r.violations);
        installs += (1..=s.nodes).filter(|&n| chunks_delivered_to(&sim, n).iter().any(|c| c.1)).count();
    }
    assert!(with >= 10, "{with} of 40 seeds use snapshots");
    assert!(installs >= 5, "only {installs} snapshots installed");
}

// ----- The checker on compacted logs ---------------------------------------------------------

fn entry(index: Index, term: Term, key: &str) -> Entry {
    let op = Op::Put { key: key.into(), value: format!("v{index}") };
    Entry { term, index, payload: EntryPayload::Command(Command { client: 1, seq: index, op }) }
}

fn observe(c: &mut InvariantChecker, node: NodeId, log: &RaftLog, commit: Index, applied: &[Applied], restarted: bool) {
    let obs = NodeObservation {
        node,
        role: Role::Follower,
        term: 1,
        log,
        commit_index: commit,
        log_changed_from: Some(1),
        applied,
        restarted,
    };
    c.observe(0, 0, &obs);
}

fn kv_after(entries: &[Entry]) -> KvStore {
    let mut kv = KvStore::default();
    for e in entries {
        if let EntryPayload::Command(c) = &e.payload {
            kv.apply(c);
        }
    }
    kv
}

/// S1 commits and applies entries 1..=4 (term 1); the checker has seen it.
fn checker_with_committed() -> (InvariantChecker, Vec<Entry>) {
    let mut c = InvariantChecker::new();
    c.track_state_machine();
    let entries: Vec<Entry> = (1..=4).map(|i| entry(i, 1, &format!("k{i}"))).collect();
    let applied: Vec<Applied> = (1..=4).map(|index| Applied { index, term: 1, command: None }).collect();
    observe(&mut c, 1, &RaftLog::from_entries(entries.clone()), 4, &applied, false);
    (c, entries)
}

#[test]
fn checker_accepts_a_correct_snapshot_and_compacted_logs() {
    let (mut c, entries) = checker_with_committed();
    let snapshot = Snapshot {
        last_included_index: 3,
        last_included_term: 1,
        configuration: Configuration::new([1, 2, 3]),
        configuration_index: 0,
        kv: kv_after(&entries[..3]),
    };
    c.observe_snapshot(0, 0, 2, &snapshot);
    // S2 restarts from that snapshot plus entry 4: Log Matching and commitment hold.
    let log = RaftLog::after_snapshot(3, 1, vec![entries[3].clone()]);
    observe(&mut c, 2, &log, 3, &[], true);
    assert!(c.violations().is_empty(), "{:?}", c.violations());
    // A different entry 4 after the same prefix is caught, compacted prefix or not.
    let log = RaftLog::after_snapshot(3, 1, vec![entry(4, 1, "other")]);
    observe(&mut c, 3, &log, 3, &[], true);
    assert!(c.violations().iter().any(|v| v.property == Property::LogMatching), "{:?}", c.violations());
}

#[test]
fn checker_catches_a_snapshot_with_the_wrong_term_or_state() {
    let (mut c, entries) = checker_with_committed();
    let wrong_term = Snapshot {
        last_included_index: 3,
        last_included_term: 2,
        configuration: Configuration::default(),
        configuration_index: 0,
        kv: kv_after(&entries[..3]),
    };
    c.observe_snapshot(0, 0, 2, &wrong_term);
    assert_eq!(c.violations().last().map(|v| v.property), Some(Property::SnapshotSafety));

    let (mut c, entries) = checker_with_committed();
    let wrong_state = Snapshot {
        last_included_index: 3,
        last_included_term: 1,
        configuration: Configuration::default(),
        configuration_index: 0,
        kv: kv_after(&entries[..2]),
    };
    c.observe_snapshot(0, 0, 2, &wrong_state);
    assert_eq!(c.violations().last().map(|v| v.property), Some(Property::SnapshotSafety));

    let (mut c, entries) = checker_with_committed();
    let uncommitted = Snapshot {
        last_included_index: 6,
        last_included_term: 1,
        configuration: Configuration::default(),
        configuration_index: 0,
        kv: kv_after(&entries),
    };
    c.observe_snapshot(0, 0, 2, &uncommitted);
    assert_eq!(c.violations().last().map(|v| v.property), Some(Property::SnapshotSafety));
}

#[test]
fn checker_leader_completeness_counts_a_compacted_prefix() {
    let (mut c, entries) = checker_with_committed();
    // S2 holds entries 1..=4 only as a snapshot and becomes leader of term 2: complete.
    let log = RaftLog::after_snapshot(4, 1, vec![]);
    let obs = NodeObservation {
        node: 2,
        role: Role::Leader,
        term: 2,
        log: &log,
        commit_index: 4,
        log_changed_from: Some(1),
        applied: &[],
        restarted: true,
    };
    c.observe(0, 0, &obs);
    assert!(c.violations().is_empty(), "{:?}", c.violations());
    // S3 becomes leader of term 3 with entry 4 missing: caught.
    let log = RaftLog::from_entries(entries[..3].to_vec());
    let obs = NodeObservation { node: 3, term: 3, log: &log, commit_index: 0, ..obs };
    c.observe(0, 0, &obs);
    assert!(c.violations().iter().any(|v| v.property == Property::LeaderCompleteness), "{:?}", c.violations());
}
