//! Primary-backup replication with an arbitration server (the notes' Definitions 2.4 and 2.5),
//! natively on the engine's kernel: what each built-in does, the checks catching the variant
//! without the arbiter, determinism and pinned hashes, and the scenario format's messages.
use raft_sim::protocols::primary_backup::checks::PbProperty;
use raft_sim::protocols::primary_backup::scenario::PbScenario;
use raft_sim::protocols::primary_backup::{self, builtin, PbReport, Role};
use raft_sim::scenario::protocol;
use raft_sim::Scenario;

fn builtin(name: &str) -> PbScenario {
    builtin::by_name(name).unwrap_or_else(|| panic!("{name} is a primary-backup built-in"))
}

/// Who could answer clients, from when: "0.0: S1", "500.0: none".
fn timeline(r: &PbReport) -> Vec<String> {
    r.primary_over_time
        .iter()
        .map(|c| {
            let who: Vec<String> = c.primaries.iter().map(|p| format!("S{p}")).collect();
            format!("{:.1}: {}", c.at_ms, if who.is_empty() { "none".to_string() } else { who.join("+") })
        })
        .collect()
}

fn broken(r: &PbReport) -> Vec<PbProperty> {
    r.violations.iter().map(|v| v.property).collect()
}

/// The values of the writes the client was told are committed.
fn acknowledged(r: &PbReport) -> Vec<&str> {
    r.writes.iter().filter(|w| w.acknowledged_by.is_some()).map(|w| w.value.as_str()).collect()
}

#[test]
fn the_primary_crashes_and_the_backups_test_and_set_wins_with_every_acknowledged_write() {
    let r = primary_backup::run(&builtin("pb-primary-crash"));
    assert_eq!(timeline(&r), ["0.0: S1", "500.0: none", "721.5: S2"]);
    assert_eq!(r.test_and_set.len(), 1);
    assert!(r.test_and_set[0].server == 2 && r.test_and_set[0].won, "{:?}", r.test_and_set);
    assert_eq!(r.cfg_flag, 1);
    let (s1, s2) = (&r.servers[0], &r.servers[1]);
    assert!(s1.crashed);
    assert_eq!(s2.role, Role::Primary);
    // Acknowledged before the crash by S1, after it by S2: all on the new primary.
    assert_eq!(
        r.writes.iter().map(|w| w.acknowledged_by).collect::<Vec<_>>(),
        [Some(1), Some(1), Some(1), Some(2), Some(2)]
    );
    assert_eq!(s2.writes, acknowledged(&r));
    assert!(r.violations.is_empty(), "{:?}", r.violations);
}

#[test]
fn with_two_backups_one_test_and_set_wins_and_the_other_backup_follows_the_winner() {
    let r = primary_backup::run(&builtin("pb-two-backups-crash"));
    assert_eq!(r.servers.len(), 3);
    // Both backups suspect S1 and call; S2's call is served first and wins, S3's finds f = 1.
    let calls: Vec<(u32, bool)> = r.test_and_set.iter().map(|c| (c.server, c.won)).collect();
    assert_eq!(calls, [(2, true), (3, false)]);
    assert_eq!(timeline(&r), ["0.0: S1", "500.0: none", "728.7: S2"]);
    let (s2, s3) = (&r.servers[1], &r.servers[2]);
    assert_eq!(s2.role, Role::Primary);
    assert_eq!(s3.role, Role::Backup, "S3 is not promoted");
    assert_eq!(s3.suspected, None, "S3 follows S2 (NewPrimary), no longer suspecting anyone");
    // Every write is acknowledged, the first three by S1, the last two by S2; S2's commit point
    // waits for S3 again, so both hold every acknowledged write.
    assert_eq!(
        r.writes.iter().map(|w| w.acknowledged_by).collect::<Vec<_>>(),
        [Some(1), Some(1), Some(1), Some(2), Some(2)]
    );
    assert_eq!(s2.writes, acknowledged(&r));
    assert_eq!(s3.writes, acknowledged(&r));
    assert!(r.violations.is_empty(), "{:?}", r.violations);
}

#[test]
fn with_two_backups_across_seeds_one_winner_and_without_the_arbiter_both_backups_take_over() {
    let mut winners = std::collections::BTreeSet::new();
    for seed in 1..=40 {
        let mut s = builtin("pb-two-backups-crash");
        s.seed = seed;
        let r = primary_backup::run(&s);
        assert!(r.violations.is_empty(), "seed {seed}: {:?}", r.violations);
        let won: Vec<u32> = r.test_and_set.iter().filter(|c| c.won).map(|c| c.server).collect();
        assert_eq!(won.len(), 1, "seed {seed}: exactly one caller wins");
        winners.extend(won.iter().copied());
        let other = if won[0] == 2 { 3 } else { 2 };
        assert_eq!(r.servers[other as usize - 1].role, Role::Backup, "seed {seed}");
        // The follower holds the winner's writes in the winner's order (the order they reached
        // it, which a retry can change), and so every acknowledged write.
        let (winner, follower) = (&r.servers[won[0] as usize - 1], &r.servers[other as usize - 1]);
        assert_eq!(follower.writes, winner.writes, "seed {seed}");
        assert!(acknowledged(&r).iter().all(|w| follower.writes.iter().any(|x| x == w)), "seed {seed}");
        assert_eq!(acknowledged(&r).len(), 5, "seed {seed}");
        // Without the arbiter each backup promotes itself on its own timeout: two primaries.
        s.arbiter = false;
        let r = primary_backup::run(&s);
        assert!(broken(&r).contains(&PbProperty::SinglePrimary), "seed {seed}");
        assert!(r.servers[1..].iter().all(|x| x.role == Role::Primary), "seed {seed}");
    }
    assert_eq!(winners, std::collections::BTreeSet::from([2, 3]), "the race goes both ways");
}

#[test]
fn a_primary_that_won_the_flag_drops_each_crashed_backup_and_carries_on() {
    // Three backups; S3 crashes, S1 wins the flag and drops it; then S4 crashes: S1 drops it
    // too without asking again (the flag is its own) and keeps answering with S2 alone.
    let text = r#"{"protocol": "primary-backup", "name": "two-crashed-backups", "backups": 3,
        "duration_ms": 2500,
        "writes": [{"at_ms": 100, "value": "a"}, {"at_ms": 700, "value": "b"}, {"at_ms": 1600, "value": "c"}],
        "faults": [{"at_ms": 300, "crash": 3}, {"at_ms": 900, "crash": 4}]}"#;
    let s = PbScenario::from_json(text).expect("valid");
    for seed in 1..=10 {
        let r = primary_backup::run(&PbScenario { seed, ..s.clone() });
        assert!(r.violations.is_empty(), "seed {seed}: {:?}", r.violations);
        let calls: Vec<(u32, bool)> = r.test_and_set.iter().map(|c| (c.server, c.won)).collect();
        assert_eq!(calls, [(1, true)], "seed {seed}: one call, for the first crash only");
        assert_eq!(acknowledged(&r), ["a", "b", "c"], "seed {seed}");
        assert!(r.writes.iter().all(|w| w.acknowledged_by == Some(1)), "seed {seed}");
        assert_eq!(r.servers[1].writes, ["a", "b", "c"], "seed {seed}: S2 still gets every write");
        assert_eq!(r.primary_over_time.last().map(|c| c.primaries.clone()), Some(vec![1]), "seed {seed}");
    }
}

#[test]
fn the_commit_point_a_write_the_backup_never_got_is_never_acknowledged_so_failover_loses_nothing() {
    // S1 is cut off from S2, receives a write, then crashes: the forward never reached S2.
    let text = r#"{"protocol": "primary-backup", "name": "commit-point", "duration_ms": 1500,
        "writes": [{"at_ms": 100, "value": "x=1"}, {"at_ms": 480, "value": "y=2"}],
        "faults": [{"at_ms": 470, "partition": [1, 2]}, {"at_ms": 560, "crash": 1}]}"#;
    let s = PbScenario::from_json(text).expect("valid");
    for seed in 1..=10 {
        let r = primary_backup::run(&PbScenario { seed, ..s.clone() });
        assert!(r.violations.is_empty(), "seed {seed}: {:?}", r.violations);
        assert_eq!(r.servers[0].writes, ["x=1", "y=2"], "seed {seed}: S1 logged y=2 before it crashed");
        assert_eq!(r.servers[1].role, Role::Primary, "seed {seed}");
        // y=2 was not acknowledged by S1; the client's retry reached S2 after the failover.
        assert_eq!(r.writes[1].acknowledged_by, Some(2), "seed {seed}");
    }
}

#[test]
fn a_partition_with_the_arbiter_leaves_one_primary_the_first_caller_wins() {
    let r = primary_backup::run(&builtin("pb-partition-arbiter"));
    // Both suspect each other; S1's call reaches the CFG first and wins, S2's finds f = 1.
    let calls: Vec<(u32, bool)> = r.test_and_set.iter().map(|c| (c.server, c.won)).collect();
    assert_eq!(calls, [(1, true), (2, false)]);
    assert_eq!(timeline(&r), ["0.0: S1"], "S1 is the only primary answering clients throughout");
    assert_eq!(r.servers[1].role, Role::Backup, "S2 was not promoted");
    assert_eq!(acknowledged(&r).len(), 5, "the write sent during the partition is acknowledged once S1 wins");
    assert!(r.writes[2].acknowledged_at_ms.is_some_and(|t| t > r.test_and_set[0].at_ms));
    assert!(r.violations.is_empty(), "{:?}", r.violations);
}

#[test]
fn without_the_arbiter_a_partition_makes_two_primaries_and_the_checks_catch_it() {
    let r = primary_backup::run(&builtin("pb-partition-no-arbiter"));
    assert!(r.test_and_set.is_empty());
    assert_eq!(timeline(&r), ["0.0: S1", "700.0: S1+S2"]);
    assert!(r.servers.iter().all(|s| s.role == Role::Primary));
    // Would fail if the checks did nothing: the violations are the run's only report.
    assert_eq!(broken(&r), [PbProperty::SinglePrimary, PbProperty::NoAckedWriteLost]);
    assert!(r.violations[0].detail.english().contains("S1 and S2"), "{}", r.violations[0].detail);
    assert!(r.violations[1].detail.english().contains("write 3") && r.violations[1].detail.english().contains("S2"));
}

#[test]
fn across_seeds_the_arbiter_always_keeps_one_primary_and_without_it_the_split_is_always_caught() {
    let mut winners = std::collections::BTreeSet::new();
    for seed in 1..=40 {
        let mut s = builtin("pb-partition-arbiter");
        s.seed = seed;
        let r = primary_backup::run(&s);
        assert!(r.violations.is_empty(), "seed {seed}: {:?}", r.violations);
        assert_eq!(r.test_and_set.iter().filter(|c| c.won).count(), 1, "seed {seed}: exactly one caller wins");
        winners.extend(r.test_and_set.iter().filter(|c| c.won).map(|c| c.server));
        let mut crash = builtin("pb-primary-crash");
        crash.seed = seed;
        assert!(primary_backup::run(&crash).violations.is_empty(), "seed {seed}");
        let mut broken_variant = builtin("pb-partition-no-arbiter");
        broken_variant.seed = seed;
        let r = primary_backup::run(&broken_variant);
        assert!(broken(&r).contains(&PbProperty::SinglePrimary), "seed {seed}");
    }
    // The race goes both ways (the latencies decide who suspects first): either way, one primary.
    assert_eq!(winners, std::collections::BTreeSet::from([1, 2]));
}

#[test]
fn the_same_seed_gives_the_same_trace_hash_and_another_seed_another() {
    for b in builtin::catalog() {
        let first = primary_backup::run(&b.scenario);
        assert_eq!(first, primary_backup::run(&b.scenario), "{}", b.scenario.name);
        let mut other = b.scenario.clone();
        other.seed += 1;
        assert_ne!(first.trace_hash, primary_backup::run(&other).trace_hash, "{}", other.name);
    }
}

#[test]
fn the_builtins_trace_hashes_are_pinned() {
    let hashes: Vec<(String, String)> = builtin::catalog()
        .iter()
        .map(|b| (b.scenario.name.clone(), primary_backup::run(&b.scenario).trace_hash))
        .collect();
    let names: Vec<&str> = hashes.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["pb-primary-crash", "pb-partition-arbiter", "pb-partition-no-arbiter", "pb-two-backups-crash"]);
    let now: Vec<&str> = hashes.iter().map(|(_, h)| h.as_str()).collect();
    assert_eq!(now, PINNED, "a primary-backup run changed (in the index's order)");
}

const PINNED: [&str; 4] = ["f2050966ad5a030d", "576dcbc3cffe1e57", "1b3daba416764a64", "271370916a5b4a7e"];

#[test]
fn raft_readers_refuse_a_primary_backup_scenario_by_protocol() {
    let text = include_str!("../scenarios/pb-primary-crash.json");
    let e = Scenario::from_json(text).unwrap_err();
    assert_eq!(e.field, "protocol");
    assert!(e.problem.contains("'primary-backup'"), "{}", e.problem);
    assert_eq!(protocol::protocol_of(text).unwrap(), protocol::PRIMARY_BACKUP);
    assert_eq!(protocol::foreign_protocol(text), Some(protocol::PRIMARY_BACKUP));
    let doc = format!(r#"{{"format": "raft-playground-run", "version": 1, "scenario": {text}}}"#);
    let e = raft_sim::share::RunDocument::from_json(&doc).unwrap_err();
    assert!(e.problem.contains("'primary-backup'"), "a run document holding it is refused too: {e}");
}

#[test]
fn bad_primary_backup_scenarios_are_refused_with_the_field() {
    let base = include_str!("../scenarios/pb-primary-crash.json");
    let with = |key: &str, value: &str| {
        let mut v: serde_json::Value = serde_json::from_str(base).unwrap();
        v[key] = serde_json::from_str(value).unwrap();
        PbScenario::from_json(&v.to_string()).map(|_| ()).unwrap_err().field
    };
    assert_eq!(with("protocol", r#""flood-consensus""#), "protocol");
    assert_eq!(with("arbiter", "1"), "arbiter");
    assert_eq!(with("heartbeat_ms", "0"), "heartbeat_ms");
    assert_eq!(with("timeout_ms", "50"), "timeout_ms", "not longer than the heartbeat");
    assert_eq!(with("latency_ms", "[5]"), "latency_ms");
    assert_eq!(with("latency_ms", "[20, 5]"), "latency_ms[1]");
    assert_eq!(with("duration_ms", "-1"), "duration_ms");
    assert_eq!(with("writes", r#"[{"at_ms": 10, "value": ""}]"#), "writes[0].value");
    assert_eq!(with("writes", r#"[{"at_ms": 99999, "value": "x"}]"#), "writes[0].at_ms");
    assert_eq!(with("writes", r#"[{"value": "x", "by": 1}]"#), "writes[0].by");
    assert_eq!(with("faults", r#"[{"at_ms": 10, "crash": 3}]"#), "faults[0].crash", "the CFG never crashes");
    assert_eq!(with("faults", r#"[{"at_ms": 10, "partition": [1, 1]}]"#), "faults[0].partition");
    assert_eq!(with("faults", r#"[{"at_ms": 10, "partition": [1, 4]}]"#), "faults[0].partition[1]");
    assert_eq!(with("faults", r#"[{"at_ms": 10, "crash": 1, "heal": true}]"#), "faults[0]");
    assert_eq!(with("faults", r#"[{"at_ms": 10, "heal": false}]"#), "faults[0].heal");
    assert_eq!(with("colour", "1"), "colour");
    assert_eq!(with("backups", "0"), "backups");
    assert_eq!(with("backups", "5"), "backups");
    assert_eq!(with("backups", r#""two""#), "backups");
    // With two backups S3 is a server and the CFG is node 4.
    let two = |faults: &str| {
        let mut v: serde_json::Value = serde_json::from_str(base).unwrap();
        v["backups"] = 2.into();
        v["faults"] = serde_json::from_str(faults).unwrap();
        PbScenario::from_json(&v.to_string())
    };
    assert!(two(r#"[{"at_ms": 10, "crash": 3}, {"at_ms": 20, "partition": [1, 4]}]"#).is_ok());
    let e = two(r#"[{"at_ms": 10, "crash": 4}]"#).unwrap_err();
    assert_eq!(e.field, "faults[0].crash");
    assert!(e.problem.contains("1 to 3"), "{}", e.problem);
    assert_eq!(two(r#"[{"at_ms": 10, "partition": [1, 5]}]"#).unwrap_err().field, "faults[0].partition[1]");
    assert_eq!(PbScenario::from_json("[]").unwrap_err().field, "");
    assert_eq!(PbScenario::from_json("{").unwrap_err().field, "");
}
