//! Chain replication (the notes' Definition 2.6) natively on the engine's kernel: what each
//! built-in does (the failover cases of the notes), the checks catching the variant whose head
//! answers early, determinism and pinned hashes, the scenario format's messages, and the notes'
//! comparison with primary-backup (Theorem 2.1) measured on one workload.
use raft_sim::protocols::chain::checks::ChainProperty;
use raft_sim::protocols::chain::compare::{self, Spec};
use raft_sim::protocols::chain::scenario::{ChainScenario, Layout, Op};
use raft_sim::protocols::chain::{self, builtin, ChainReport};
use raft_sim::scenario::protocol;
use raft_sim::Scenario;

fn builtin(name: &str) -> ChainScenario {
    builtin::by_name(name).unwrap_or_else(|| panic!("{name} is a chain-replication built-in"))
}

fn broken(r: &ChainReport) -> Vec<ChainProperty> {
    let mut v: Vec<ChainProperty> = r.violations.iter().map(|v| v.property).collect();
    v.sort();
    v
}

/// The CFG's chain over time: "0.0: S1 S2 S3".
fn chain_over_time(r: &ChainReport) -> Vec<String> {
    r.chain_over_time
        .iter()
        .map(|c| {
            let who: Vec<String> = c.chain.iter().map(|p| format!("S{p}")).collect();
            format!("{:.1}: {}", c.at_ms, who.join(" "))
        })
        .collect()
}

/// Who acknowledged each write, in request order (None: never).
fn acked_by(r: &ChainReport) -> Vec<Option<u32>> {
    r.requests.iter().filter(|q| q.write.is_some()).map(|q| q.answered_by).collect()
}

/// Every server's history, for servers that did not crash.
fn live_histories(r: &ChainReport) -> Vec<&Vec<String>> {
    r.server_reports.iter().filter(|s| !s.crashed).map(|s| &s.writes).collect()
}

#[test]
fn the_normal_chain_answers_writes_from_the_tail_and_reads_see_every_acknowledged_write() {
    let r = chain::run(&builtin("chain-normal"));
    assert!(r.violations.is_empty(), "{:?}", r.violations);
    assert_eq!(chain_over_time(&r), ["0.0: S1 S2 S3"]);
    assert_eq!(acked_by(&r), [Some(3); 3], "the tail answers every write (the commit point)");
    let roles: Vec<&str> = r.server_reports.iter().map(|s| s.role).collect();
    assert_eq!(roles, ["head", "middle", "tail"]);
    for s in &r.server_reports {
        assert_eq!(s.writes, ["x=1", "y=2", "x=3"]);
        assert_eq!(s.unacknowledged, 0, "the tail's acknowledgements cleared every sent list");
    }
    let reads: Vec<(Option<u32>, Option<u64>)> =
        r.requests.iter().filter(|q| q.write.is_none()).map(|q| (q.answered_by, q.read_len)).collect();
    assert_eq!(reads, [(Some(3), Some(2)), (Some(3), Some(3))], "reads at the tail see the writes before them");
}

#[test]
fn a_middle_crash_makes_the_predecessor_resend_what_was_not_acknowledged() {
    let r = chain::run(&builtin("chain-middle-crash"));
    assert!(r.violations.is_empty(), "{:?}", r.violations);
    assert_eq!(chain_over_time(&r), ["0.0: S1 S2 S3", "340.0: S1 S3"], "detected 100 ms after the crash");
    let (s1, s2, s3) = (&r.server_reports[0], &r.server_reports[1], &r.server_reports[2]);
    assert!(s2.crashed);
    assert_eq!(s2.writes, ["x=1"], "S2 had applied only the first write: the rest were in its queue");
    assert_eq!(s1.resent, 3, "S1 resent the three writes the tail had not acknowledged");
    assert_eq!(s3.writes, s1.writes);
    assert_eq!(s1.writes, ["x=1", "y=2", "z=3", "x=4", "y=5"]);
    assert_eq!(acked_by(&r), [Some(3); 5]);
    let after: Vec<bool> =
        r.requests.iter().filter(|q| q.write.is_some()).map(|q| q.answered_ms.is_some_and(|t| t > 340.0)).collect();
    assert_eq!(after, [false, true, true, true, true], "the queued writes reached the tail after the failover");
}

#[test]
fn a_head_crash_promotes_the_successor_and_the_client_sends_again() {
    let r = chain::run(&builtin("chain-head-crash"));
    assert!(r.violations.is_empty(), "{:?}", r.violations);
    assert_eq!(chain_over_time(&r), ["0.0: S1 S2 S3", "340.0: S2 S3"]);
    assert_eq!(r.server_reports[0].writes, ["x=1"], "three writes were still in the head's queue");
    assert_eq!(r.server_reports[1].role, "head");
    assert_eq!(acked_by(&r), [Some(3); 5], "every write is acknowledged in the end");
    // The three queued writes were answered only after the client sent them again to S2 (its
    // retry is 300 ms after the first send).
    let late: Vec<bool> = r
        .requests
        .iter()
        .filter(|q| q.write.is_some() && q.sent_ms < 240.0)
        .map(|q| q.answered_ms.is_some_and(|t| t > 500.0))
        .collect();
    assert_eq!(late, [false, true, true, true]);
    for h in live_histories(&r) {
        assert_eq!(h, &["x=1", "y=2", "z=3", "x=4", "y=5"]);
    }
}

#[test]
fn a_tail_crash_makes_the_predecessor_the_tail_and_it_answers_what_it_had_sent() {
    let r = chain::run(&builtin("chain-tail-crash"));
    assert!(r.violations.is_empty(), "{:?}", r.violations);
    assert_eq!(chain_over_time(&r), ["0.0: S1 S2 S3", "340.0: S1 S2"]);
    assert_eq!(r.server_reports[1].role, "tail");
    assert_eq!(r.server_reports[2].writes, ["x=1"], "S3 had applied only the first write");
    assert_eq!(acked_by(&r), [Some(3), Some(2), Some(2), Some(2), Some(2)]);
    // The three S2 had sent on are answered together, when S2 learns it is the tail.
    let answered: Vec<Option<f64>> = r.requests[1..4].iter().map(|q| q.answered_ms).collect();
    assert!(answered.iter().all(|t| *t == answered[0] && t.is_some_and(|t| t > 340.0)), "{answered:?}");
    let reads: Vec<Option<u32>> = r.requests.iter().filter(|q| q.write.is_none()).map(|q| q.answered_by).collect();
    assert_eq!(reads, [Some(2), Some(2)], "later reads go to the new tail");
}

#[test]
fn the_head_answering_early_is_caught_by_both_checks_and_the_sound_chain_is_not() {
    let s = builtin("chain-early-ack");
    let r = chain::run(&s);
    // Would fail if the checks did nothing: the violations are the run's only report of it.
    assert_eq!(broken(&r), [ChainProperty::NoAckedWriteLost, ChainProperty::ReadsSeeAckedWrites]);
    let stale = r.violations.iter().find(|v| v.property == ChainProperty::ReadsSeeAckedWrites).unwrap();
    assert!(stale.detail.english().contains("read 2") && stale.detail.english().contains("S3"), "{}", stale.detail);
    let lost = r.violations.iter().find(|v| v.property == ChainProperty::NoAckedWriteLost).unwrap();
    assert_eq!(lost.at_ms, 330.0, "lost when the head crashes");
    // The description: the read is sent about 6 ms after the first acknowledgement, and sees nothing.
    let first_ack = r.requests[0].answered_ms.unwrap();
    assert_eq!((r.requests[0].answered_by, (r.requests[1].sent_ms - first_ack).round()), (Some(1), 6.0));
    assert_eq!(r.requests[1].read_len, Some(0));
    // Two acknowledged writes are on no running server.
    assert!(r.requests[2..].iter().all(|q| q.answered_by == Some(1)));
    for h in live_histories(&r) {
        assert_eq!(h, &["x=1"]);
    }
    // The same requests and crash with the sound chain: nothing is acknowledged early, the
    // client sends the lost writes again, and the checks hold.
    let sound = chain::run(&ChainScenario { early_ack: false, ..s });
    assert!(sound.violations.is_empty(), "{:?}", sound.violations);
    assert!(sound.requests.iter().all(|q| q.answered_by.is_some()));
}

#[test]
fn across_seeds_failover_keeps_the_checks_and_the_early_head_is_always_caught() {
    for seed in 1..=30 {
        for name in ["chain-normal", "chain-middle-crash", "chain-head-crash", "chain-tail-crash"] {
            let r = chain::run(&ChainScenario { seed, ..builtin(name) });
            assert!(r.violations.is_empty(), "{name} seed {seed}: {:?}", r.violations);
            assert!(r.requests.iter().all(|q| q.answered_by.is_some()), "{name} seed {seed}: all answered");
        }
        let r = chain::run(&ChainScenario { seed, ..builtin("chain-early-ack") });
        assert!(broken(&r).contains(&ChainProperty::NoAckedWriteLost), "seed {seed}: {:?}", r.violations);
    }
}

#[test]
fn a_busy_chain_with_crashes_keeps_its_invariants() {
    // A workload of 300 requests a second and two crashes, one after the other, on 5 servers.
    let text = r#"{"protocol": "chain-replication", "name": "busy", "servers": 5, "duration_ms": 3000,
        "service_ms": {"execute": 2, "apply": 1, "read": 1},
        "workload": {"rate_per_s": 300, "read_fraction": 0.3, "until_ms": 2000},
        "faults": [{"at_ms": 500, "crash": 3}, {"at_ms": 1200, "crash": 5}, {"at_ms": 1500, "crash": 1}]}"#;
    let s = ChainScenario::from_json(text).expect("valid");
    for seed in 1..=5 {
        let r = chain::run(&ChainScenario { seed, ..s.clone() });
        assert!(r.violations.is_empty(), "seed {seed}: {:?}", r.violations);
        assert_eq!(r.stats.answered, r.stats.sent, "seed {seed}: every request answered");
        assert_eq!(chain_over_time(&r).last().map(|c| c.ends_with("S2 S4")), Some(true), "seed {seed}");
    }
}

#[test]
fn the_same_seed_gives_the_same_trace_hash_and_another_seed_another() {
    for b in builtin::catalog() {
        let first = chain::run(&b.scenario);
        assert_eq!(first, chain::run(&b.scenario), "{}", b.scenario.name);
        let other = ChainScenario { seed: b.scenario.seed + 1, ..b.scenario.clone() };
        assert_ne!(first.trace_hash, chain::run(&other).trace_hash, "{}", other.name);
    }
}

#[test]
fn the_builtins_trace_hashes_are_pinned() {
    let hashes: Vec<(String, String)> =
        builtin::catalog().iter().map(|b| (b.scenario.name.clone(), chain::run(&b.scenario).trace_hash)).collect();
    let names: Vec<&str> = hashes.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "chain-normal",
            "chain-middle-crash",
            "chain-head-crash",
            "chain-tail-crash",
            "chain-early-ack",
            "chain-load",
            "chain-load-primary-backup"
        ]
    );
    let now: Vec<&str> = hashes.iter().map(|(_, h)| h.as_str()).collect();
    assert_eq!(now, PINNED, "a chain-replication run changed (in the index's order)");
}

const PINNED: [&str; 7] = [
    "88fde3153fafa165",
    "cc0b95a7c6dbec6c",
    "4fdd4f4103d2b9b5",
    "66a72eb511c8222e",
    "f717ca122584735c",
    "bc9cfecc11ed392b",
    "b80acfa7e5af62b9",
];

#[test]
fn raft_readers_refuse_a_chain_scenario_by_protocol() {
    let text = include_str!("../scenarios/chain-normal.json");
    let e = Scenario::from_json(text).unwrap_err();
    assert_eq!(e.field, "protocol");
    assert!(e.problem.contains("'chain-replication'"), "{}", e.problem);
    assert_eq!(protocol::protocol_of(text).unwrap(), protocol::CHAIN_REPLICATION);
    assert_eq!(protocol::foreign_protocol(text), Some(protocol::CHAIN_REPLICATION));
}

#[test]
fn bad_chain_scenarios_are_refused_with_the_field() {
    let base = include_str!("../scenarios/chain-middle-crash.json");
    let with = |key: &str, value: &str| {
        let mut v: serde_json::Value = serde_json::from_str(base).unwrap();
        v[key] = serde_json::from_str(value).unwrap();
        ChainScenario::from_json(&v.to_string()).map(|_| ()).unwrap_err().field
    };
    assert_eq!(with("protocol", r#""primary-backup""#), "protocol");
    assert_eq!(with("servers", "0"), "servers");
    assert_eq!(with("servers", "9"), "servers");
    assert_eq!(with("layout", r#""ring""#), "layout");
    assert_eq!(with("layout", r#""primary-backup""#), "faults", "primary-backup's layout has no failover");
    assert_eq!(with("early_ack", "1"), "early_ack");
    assert_eq!(with("latency_ms", "[20, 5]"), "latency_ms[1]");
    assert_eq!(with("service_ms", r#"{"apply": -1}"#), "service_ms.apply");
    assert_eq!(with("service_ms", r#"{"queue": 1}"#), "service_ms.queue");
    assert_eq!(with("requests", r#"[{"at_ms": 10, "write": ""}]"#), "requests[0].write");
    assert_eq!(with("requests", r#"[{"at_ms": 10, "read": false}]"#), "requests[0].read");
    assert_eq!(with("requests", r#"[{"at_ms": 10, "read": true, "write": "x"}]"#), "requests[0]");
    assert_eq!(with("requests", r#"[{"at_ms": 99999, "read": true}]"#), "requests[0].at_ms");
    assert_eq!(with("workload", r#"{"rate_per_s": 100000}"#), "workload.rate_per_s", "too many requests");
    assert_eq!(with("workload", r#"{"read_fraction": 0.5}"#), "workload.rate_per_s");
    assert_eq!(with("workload", r#"{"rate_per_s": 10, "read_fraction": 2}"#), "workload.read_fraction");
    assert_eq!(with("faults", r#"[{"at_ms": 10, "crash": 4}]"#), "faults[0].crash", "the CFG never crashes");
    assert_eq!(with("faults", r#"[{"at_ms": 10, "partition": [1, 2]}]"#), "faults[0].partition");
    assert_eq!(with("colour", "1"), "colour");
    assert_eq!(ChainScenario::from_json("[]").unwrap_err().field, "");
    let pb = r#"{"protocol": "chain-replication", "name": "x", "layout": "primary-backup", "early_ack": true}"#;
    assert_eq!(ChainScenario::from_json(pb).unwrap_err().field, "early_ack");
}

#[test]
fn both_layouts_get_the_same_workload() {
    let spec = Spec::default();
    let a = compare::scenario(&spec, Layout::Chain, 400.0).all_requests();
    let b = compare::scenario(&spec, Layout::PrimaryBackup, 400.0).all_requests();
    assert_eq!(a, b);
    let reads = a.iter().filter(|r| r.op == Op::Read).count() as f64;
    assert!((700..=900).contains(&a.len()), "about 400 a second for 2 s: {}", a.len());
    assert!((reads / a.len() as f64 - 0.5).abs() < 0.06, "about half are reads");
}

/// The notes' Theorem 2.1: primary-backup has the lower latency, chain replication the higher
/// throughput. Measured, not assumed: these fail if the layouts' message patterns or queues
/// change so that the direction flips.
#[test]
fn the_notes_comparison_primary_backup_is_faster_chain_replication_carries_more() {
    // Low load, 4 servers: a chain write takes 5 one-way delays and 4 services in turn;
    // primary-backup's takes 4 delays (the backups work in parallel) and 2 services.
    let low = compare::compare(&Spec { servers: 4, rates: vec![50.0], ..Spec::default() });
    let (pb, ch) = (&low[0], &low[1]);
    assert_eq!((pb.layout, ch.layout), (Layout::PrimaryBackup, Layout::Chain));
    assert!(ch.stats.writes.mean_ms > pb.stats.writes.mean_ms + 5.0, "{:?} vs {:?}", ch.stats.writes, pb.stats.writes);
    assert!(ch.stats.writes.p50_ms > pb.stats.writes.p50_ms, "chain writes slower at low load");
    // With 3 servers both take 4 one-way delays: the chain's extra apply is about 1 ms, and
    // primary-backup waits for the slower of two backups: the write latencies are within 3 ms.
    let three = compare::compare(&Spec { rates: vec![50.0], ..Spec::default() });
    assert!((three[1].stats.writes.mean_ms - three[0].stats.writes.mean_ms).abs() < 3.0, "{three:?}");
    // High load, 3 servers: the primary executes every write (2 ms) and answers every read
    // (1 ms): 1.5 ms a request, about 667 a second at most. The chain splits the work between
    // head (writes) and tail (reads and applies): 1 ms a request each.
    let high = compare::compare(&Spec { rates: vec![800.0], ..Spec::default() });
    let (pb, ch) = (&high[0].stats, &high[1].stats);
    assert_eq!(pb.busiest_server, 1, "the primary is the bottleneck");
    assert!(pb.busiest_utilisation > 0.97, "{pb:?}");
    assert!((600.0..700.0).contains(&pb.throughput_per_s), "{pb:?}");
    assert!(ch.throughput_per_s > pb.throughput_per_s + 80.0, "{ch:?} vs {pb:?}");
    assert!(ch.busiest_utilisation < 0.9, "{ch:?}");
    assert!(ch.writes.p99_ms * 3.0 < pb.writes.p99_ms, "the primary's queue grows: {ch:?} vs {pb:?}");
    assert!(high.iter().all(|r| r.violations == 0));
}

#[test]
fn the_load_builtins_show_the_comparison_their_descriptions_give() {
    let chain = chain::run(&builtin("chain-load"));
    let pb = chain::run(&builtin("chain-load-primary-backup"));
    assert_eq!((chain.layout, pb.layout), (Layout::Chain, Layout::PrimaryBackup));
    assert_eq!(chain.stats.sent, pb.stats.sent, "the same requests");
    assert!((790..=830).contains(&chain.stats.sent), "about 800 in one second: {}", chain.stats.sent);
    let reads = chain.stats.reads.count as f64 / chain.stats.sent as f64;
    assert!((0.45..0.55).contains(&reads), "half of them reads: {reads}");
    for r in [&chain, &pb] {
        assert!(r.violations.is_empty(), "{:?}", r.violations);
        assert_eq!(r.stats.answered, r.stats.sent, "all answered in the end");
    }
    // The chain: about 780 a second, the tail about 80% busy, half the writes within 56 ms.
    let c = &chain.stats;
    assert!((760.0..800.0).contains(&c.throughput_per_s), "{c:?}");
    assert_eq!(c.busiest_server, 3);
    assert!((0.75..0.85).contains(&c.busiest_utilisation), "{c:?}");
    assert!(c.writes.p50_ms <= 56.0, "{c:?}");
    // Primary-backup: the primary about 98% busy, about 640 a second, half the writes 155 ms or more.
    let p = &pb.stats;
    assert_eq!(p.busiest_server, 1);
    assert!(p.busiest_utilisation > 0.95, "{p:?}");
    assert!((620.0..660.0).contains(&p.throughput_per_s), "{p:?}");
    assert!(p.writes.p50_ms >= 155.0, "{p:?}");
    assert!(pb.server_reports[1..].iter().all(|s| s.role == "backup" && s.utilisation < 0.4));
}

/// Random crash schedules on random chains under a random workload: with at most n - 1 crashes
/// (the notes' fail-stop servers and a CFG that never fails), every check holds and every
/// request is answered. The early-answering head, run on the same schedules, is caught.
#[test]
fn random_crash_schedules_never_break_the_chain_and_the_early_head_is_caught() {
    use raft_sim::engine::rng::SimRng;
    let mut rng = SimRng::new(18);
    let mut caught = 0;
    for case in 0..60 {
        let servers = 2 + rng.below(5) as u32;
        let crashes = rng.below(servers as u64) as usize;
        let mut victims: Vec<u32> = (1..=servers).collect();
        let mut faults = Vec::new();
        for _ in 0..crashes {
            let v = victims.remove(rng.below(victims.len() as u64) as usize);
            faults.push(serde_json::json!({"at_ms": 50 + rng.below(1500), "crash": v}));
        }
        let text = serde_json::json!({
            "protocol": "chain-replication", "name": format!("random-{case}"), "seed": rng.next_u64() % 1000,
            "servers": servers, "duration_ms": 4000, "detect_ms": rng.below(200), "retry_ms": 300,
            "service_ms": {"execute": rng.below(4), "apply": rng.below(4), "read": 1},
            "workload": {"rate_per_s": 50 + rng.below(300), "read_fraction": 0.4, "until_ms": 2000},
            "faults": faults,
        })
        .to_string();
        let s = ChainScenario::from_json(&text).expect("valid");
        let r = chain::run(&s);
        assert!(r.violations.is_empty(), "{text}: {:?}", r.violations);
        assert_eq!(r.stats.answered, r.stats.sent, "{text}: every request answered");
        let early = chain::run(&ChainScenario { early_ack: true, ..s });
        if !early.violations.is_empty() {
            caught += 1;
        }
    }
    // The early head breaks ReadsSeeAckedWrites whenever a read follows an early answer closely;
    // with a workload that happens in most runs.
    assert!(caught >= 30, "the broken variant was caught in {caught} of 60 runs");
}

#[test]
fn garbled_scenarios_are_refused_without_a_panic() {
    use raft_sim::engine::rng::SimRng;
    let base = include_str!("../scenarios/chain-middle-crash.json").as_bytes().to_vec();
    let mut rng = SimRng::new(7);
    for _ in 0..2000 {
        let mut bytes = base.clone();
        for _ in 0..1 + rng.below(4) {
            let i = rng.below(bytes.len() as u64) as usize;
            bytes[i] = b"{}[]\",:0123456789-e.tfn x"[rng.below(25) as usize];
        }
        let text = String::from_utf8_lossy(&bytes);
        if let Ok(s) = ChainScenario::from_json(&text) {
            let r = chain::run(&s);
            assert!(r.events < 1_000_000, "{text}");
        }
    }
}
