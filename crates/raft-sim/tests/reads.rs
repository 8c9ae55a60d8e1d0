//! Reads and linearizability end to end: the read scenarios, the campaign's read modes, and the
//! stale-reads rule being caught.
mod common;

use common::run_reported;
use raft_core::{Op, ReadMode, UnsafeRule};
use raft_sim::campaign::{self, SeedResult};
use raft_sim::linearizability::Verdict;
use raft_sim::scenario::{Action, Scenario};
use raft_sim::workload::HistoryOp;
use raft_sim::{builtin, Property, Report};

/// The scripted get of the read scenarios (the only get in them).
fn the_get(r: &Report) -> &HistoryOp {
    let gets: Vec<&HistoryOp> = r.history.iter().filter(|h| matches!(h.op, Op::Get { .. })).collect();
    assert_eq!(gets.len(), 1);
    gets[0]
}

#[test]
fn stale_read_the_deposed_leader_answers_with_the_old_value_and_the_checker_says_so() {
    let r = run_reported(&builtin::by_name("stale-read").expect("a built-in")).1;
    assert!(r.violations.is_empty(), "Raft's own invariants hold: {:?}", r.violations);
    let get = the_get(&r);
    assert_eq!(get.value.as_deref(), Some("1"), "S1 answered from its outdated state");
    assert_eq!(get.answered_by, Some(1));
    assert_eq!(get.redirects, 0);
    let lin = &r.linearizability;
    assert_eq!(lin.verdict, Verdict::Violation, "{}", lin.message);
    assert_eq!(lin.key.as_deref(), Some("x"));
    assert!(lin.minimal);
    let culprit = lin.culprit.expect("a culprit");
    assert!(matches!(r.history[culprit].op, Op::Get { .. }));
    // The write the read should have seen is part of the evidence.
    assert!(lin.ops.iter().any(|o| o.value.as_deref() == Some("2") && !o.open));
    assert!(lin.ops.len() <= 3, "{:?}", lin.ops);
}

#[test]
fn read_index_the_deposed_leader_cannot_answer_and_the_history_is_linearizable() {
    let r = run_reported(&builtin::by_name("read-index").expect("a built-in")).1;
    assert!(r.violations.is_empty());
    assert_eq!(r.linearizability.verdict, Verdict::Ok, "{}", r.linearizability.message);
    let get = the_get(&r);
    assert_ne!(get.value.as_deref(), Some("1"), "a stale value was returned");
    // S1 held the read until it stepped down, then redirected it to S3, which answered.
    assert!(get.redirects >= 1);
    assert_eq!(get.value.as_deref(), Some("2"));
    assert_eq!(get.answered_by, Some(3));
    assert!(get.completed_us.unwrap() > 1_200_000, "answered only after the partition healed");
    // Without the partition healing, the read stays open: still linearizable.
    let mut s = builtin::by_name("read-index").expect("a built-in");
    s.timeline.retain(|t| t.action != Action::Heal);
    let r = run_reported(&s).1;
    assert_eq!(the_get(&r).completed_us, None);
    assert_eq!(r.linearizability.verdict, Verdict::Ok);
}

#[test]
fn lease_read_drift_a_slow_clock_breaks_the_lease_and_without_drift_it_holds() {
    let r = run_reported(&builtin::by_name("lease-read-drift").expect("a built-in")).1;
    assert!(r.violations.is_empty());
    assert_eq!(the_get(&r).value.as_deref(), Some("1"));
    assert_eq!(r.linearizability.verdict, Verdict::Violation, "{}", r.linearizability.message);

    let mut s = builtin::by_name("lease-read-drift").expect("a built-in");
    s.faults.clear();
    let r = run_reported(&s).1;
    assert_eq!(r.linearizability.verdict, Verdict::Ok, "{}", r.linearizability.message);
    // S1's lease ran out at about 620 ms: it fell back to ReadIndex and held the read until the
    // partition healed, then redirected it.
    let get = the_get(&r);
    assert!(get.redirects >= 1);
    assert!(get.completed_us.is_none_or(|t| t > 1_200_000), "{get:?}");
    // The same read with ReadIndex is safe whatever the clocks do.
    let mut s = builtin::by_name("lease-read-drift").expect("a built-in");
    s.raft.read_mode = ReadMode::ReadIndex;
    assert_eq!(run_reported(&s).1.linearizability.verdict, Verdict::Ok);
}

#[test]
fn the_campaign_draws_every_read_mode_and_keeps_leases_within_their_drift_bound() {
    let mut modes = [0u32; 3];
    for seed in 0..300 {
        let s = campaign::generate_for_check(seed, None, &[]);
        assert!(s.validate().is_ok());
        let base = campaign::generate(seed, None, &[]);
        match s.raft.read_mode {
            ReadMode::Log => {
                modes[0] += 1;
                assert_eq!(s, base, "log-mode seeds run the scenario generate() always gave");
            }
            ReadMode::ReadIndex => modes[1] += 1,
            ReadMode::Lease => {
                modes[2] += 1;
                for f in &s.faults {
                    assert!(f.drift.abs() <= s.raft.lease_drift_bound / 2.0, "seed {seed}: {f:?}");
                }
                assert!(!s.timeline.iter().any(|t| matches!(t.action, Action::Timeout { .. })));
            }
        }
        if s.raft.read_mode != ReadMode::Log {
            assert!(s.workload.as_ref().unwrap().get_ratio >= 0.3);
        }
    }
    assert!(modes.iter().all(|&m| m > 60), "{modes:?}");
}

#[test]
fn reads_without_the_log_stay_live_in_campaign_scenarios() {
    // Most gets complete, in both modes (a handful may be open at the end of a run or stuck at
    // a partitioned leader).
    for mode in [ReadMode::ReadIndex, ReadMode::Lease] {
        let (mut gets, mut done) = (0usize, 0usize);
        let mut seed = 0;
        let mut runs = 0;
        while runs < 8 {
            let s = campaign::generate_for_check(seed, None, &[]);
            seed += 1;
            if s.raft.read_mode != mode {
                continue;
            }
            runs += 1;
            let r = run_reported(&s).1;
            assert!(r.violations.is_empty());
            assert_eq!(r.linearizability.verdict, Verdict::Ok, "seed {}: {}", seed - 1, r.linearizability.message);
            for h in r.history.iter().filter(|h| matches!(h.op, Op::Get { .. })) {
                gets += 1;
                done += h.completed_us.is_some() as usize;
            }
        }
        assert!(gets > 100, "{mode}: only {gets} gets");
        assert!(done * 10 >= gets * 9, "{mode}: {done} of {gets} gets answered");
    }
}

#[test]
fn a_stale_reads_campaign_is_caught_and_its_scenario_reproduces_the_violation() {
    let outcome = campaign::run(&campaign::CampaignConfig {
        first_seed: 0,
        seeds: 200,
        nodes: None,
        unsafe_rules: vec![UnsafeRule::StaleReads],
        threads: 2,
        membership: false,
        lease_window: false,
    });
    let failure = outcome.failure.expect("stale reads are found within 200 seeds");
    assert_eq!(failure.violation.property, Property::Linearizability);
    // The written scenario, read back, reproduces it.
    let scenario = Scenario::from_json(&failure.scenario.to_json()).expect("round trip");
    assert!(scenario.raft.unsafe_rules.contains(&UnsafeRule::StaleReads));
    let r = run_reported(&scenario).1;
    assert_eq!(r.linearizability.verdict, Verdict::Violation);
    assert_eq!(r.linearizability.message, failure.violation.message);
}

#[test]
fn a_safe_seed_passes_the_linearizability_check() {
    for seed in 0..20 {
        match campaign::run_seed(seed, None, &[]) {
            SeedResult::Passed { linearizability_unknown, .. } => assert!(!linearizability_unknown),
            other => panic!("seed {seed}: {other:?}"),
        }
    }
}

/// `raftsim check --lease-window`: every seed reads with leases and takes a server away around
/// writes. With the rules in force every clock's drift is within half the lease's bound; with
/// `stale-reads` some clock drifts beyond it, and the rule itself stays off (the stale read
/// must come from a lease).
#[test]
fn the_lease_window_campaign_keeps_clocks_within_the_bound_unless_told_to_break_it() {
    let mut beyond = 0;
    for seed in 0..300 {
        let safe = campaign::generate_lease_window(seed, None, &[]);
        let broken = campaign::generate_lease_window(seed, None, &[UnsafeRule::StaleReads]);
        for s in [&safe, &broken] {
            assert!(s.validate().is_ok(), "seed {seed}: {:?}", s.validate());
            assert_eq!(s.raft.read_mode, ReadMode::Lease);
            assert!(s.raft.unsafe_rules.is_empty(), "the stale-reads rule is never switched on");
            assert!(!s.timeline.iter().any(|t| matches!(t.action, Action::Timeout { .. })));
            assert!(s
                .timeline
                .iter()
                .any(|t| !matches!(t.action, Action::Heal | Action::Resume { .. } | Action::Restart { .. })));
        }
        assert!(safe.faults.iter().all(|f| f.drift.abs() <= safe.raft.lease_drift_bound / 2.0), "seed {seed}");
        beyond += broken.faults.iter().any(|f| f.drift.abs() > broken.raft.lease_drift_bound) as u32;
        assert_eq!(safe, campaign::generate_lease_window(seed, None, &[]), "deterministic");
    }
    assert_eq!(beyond, 300, "every broken seed has a clock beyond the bound");
}

#[test]
fn a_lease_window_campaign_finds_stale_lease_reads_when_clocks_break_the_bound() {
    // Seed 1040 is the first of `raftsim check --lease-window --unsafe stale-reads` to fail
    // (about 5 s in release); the safe campaign's seeds pass.
    let config = |first_seed, seeds, unsafe_rules: Vec<UnsafeRule>| campaign::CampaignConfig {
        first_seed,
        seeds,
        nodes: None,
        unsafe_rules,
        threads: 2,
        membership: false,
        lease_window: true,
    };
    let outcome = campaign::run(&config(1_040, 1, vec![UnsafeRule::StaleReads]));
    let failure = outcome.failure.expect("a stale read under leases");
    assert_eq!(failure.violation.property, Property::Linearizability);
    let scenario = Scenario::from_json(&failure.scenario.to_json()).expect("round trip");
    assert_eq!(scenario.raft.read_mode, ReadMode::Lease);
    assert!(scenario.raft.unsafe_rules.is_empty());
    let r = run_reported(&scenario).1;
    assert_eq!(r.linearizability.verdict, Verdict::Violation);
    // The same seeds with the clocks within the bound are linearizable.
    let safe = campaign::run(&config(1_030, 20, vec![]));
    assert!(safe.failure.is_none(), "{:?}", safe.failure.map(|f| f.violation));
}
