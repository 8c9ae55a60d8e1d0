//! Failure detection by heartbeats and timeouts (the notes' "Failure Detection" slides),
//! natively on the engine's kernel: what each built-in's description says of its run, the
//! checks catching the fixed timeout that is too short, the causes of false suspicions, the
//! accuracy/completeness trade-off as the timeout changes, determinism and pinned hashes.
use raft_sim::protocols::detector::checks::FdProperty;
use raft_sim::protocols::detector::scenario::FdScenario;
use raft_sim::protocols::detector::{self, builtin, sweep, Cause, FdReport};

fn builtin(name: &str) -> FdScenario {
    builtin::by_name(name).unwrap_or_else(|| panic!("{name} is a failure-detector built-in"))
}

fn broken(r: &FdReport) -> Vec<FdProperty> {
    r.violations.iter().map(|v| v.property).collect()
}

fn scenario(text: &str) -> FdScenario {
    FdScenario::from_json(text).unwrap_or_else(|e| panic!("{e}"))
}

/// The false suspicions' (monitor, process) pairs and causes.
fn mistakes(r: &FdReport) -> Vec<(u32, u32, Option<Cause>)> {
    r.suspicions.iter().filter(|s| s.false_suspicion).map(|s| (s.monitor, s.process, s.cause)).collect()
}

#[test]
fn every_builtin_is_in_the_catalogue() {
    let names: Vec<String> = builtin::catalog().into_iter().map(|b| b.scenario.name).collect();
    assert_eq!(
        names,
        [
            "fd-crash-detected",
            "fd-pause-false-suspicion",
            "fd-delay-spike",
            "fd-drift-fixed-timeout",
            "fd-drift-adaptive",
            "fd-tradeoff"
        ]
    );
}

#[test]
fn in_a_synchronous_system_the_crash_is_suspected_by_everyone_and_nobody_else_is() {
    let r = detector::run(&builtin("fd-crash-detected"));
    assert!(r.violations.is_empty(), "{:?}", r.violations);
    assert_eq!(r.metrics.false_suspicions, 0);
    assert_eq!((r.metrics.detected, r.metrics.undetected), (3, 0));
    let times: Vec<f64> = r.detections.iter().map(|d| d.detection_ms.unwrap()).collect();
    assert!(times.iter().all(|&t| (83.0..86.0).contains(&t)), "83 to 86 ms: {times:?}");
    for p in [1, 3, 4] {
        assert_eq!(r.processes[p - 1].suspects, [2], "P{p} keeps suspecting P2");
    }
}

#[test]
fn a_pause_is_taken_for_a_crash_until_the_process_resumes() {
    let r = detector::run(&builtin("fd-pause-false-suspicion"));
    assert_eq!(broken(&r), [FdProperty::StrongAccuracy]);
    assert_eq!(mistakes(&r), [(1, 3, Some(Cause::Pause)), (2, 3, Some(Cause::Pause)), (4, 3, Some(Cause::Pause))]);
    for s in r.suspicions.iter().filter(|s| s.false_suspicion) {
        assert!((698.0..702.0).contains(&s.from_ms), "about 700 ms: {s:?}");
        let to = s.to_ms.expect("ended");
        assert!((906.0..913.5).contains(&to), "906 to 913 ms: {s:?}");
    }
    assert!(!r.suspicions.iter().any(|s| s.monitor == 3 && s.from_ms < 2000.0), "P3 suspects nobody after its pause");
    assert_eq!((r.metrics.detected, r.metrics.undetected), (3, 0));
    assert!(r.metrics.detection_max_ms.unwrap() < 87.0);
}

#[test]
fn a_latency_spike_makes_false_suspicions_caused_by_delay_that_end_after_it() {
    let r = detector::run(&builtin("fd-delay-spike"));
    assert_eq!(broken(&r), [FdProperty::StrongAccuracy]);
    assert_eq!(r.metrics.false_suspicions, 31);
    assert_eq!(r.metrics.false_by_cause.keys().collect::<Vec<_>>(), [&Cause::Delay]);
    let first = r.suspicions.iter().map(|s| s.from_ms).fold(f64::MAX, f64::min);
    let last = r.suspicions.iter().map(|s| s.from_ms).fold(0.0, f64::max);
    let end = r.suspicions.iter().map(|s| s.to_ms.unwrap()).fold(0.0, f64::max);
    assert_eq!((first.round(), last.round()), (858.0, 1332.0));
    assert!(end <= 1412.0, "the last ends by 1412 ms: {end}");
    assert!(r.processes.iter().all(|p| p.crashed_at_ms.is_none()));
}

#[test]
fn a_fixed_timeout_too_short_for_a_slow_clock_never_stops_suspecting_and_is_caught() {
    let r = detector::run(&builtin("fd-drift-fixed-timeout"));
    assert_eq!(broken(&r), [FdProperty::StrongAccuracy, FdProperty::EventualStrongAccuracy]);
    assert_eq!(r.metrics.false_suspicions, 82);
    assert_eq!(r.metrics.false_by_cause.get(&Cause::Drift), Some(&82));
    assert!(mistakes(&r).iter().all(|&(_, q, _)| q == 4), "only the slow process is suspected");
    let v = &r.violations[1];
    assert_eq!(format!("{:.1}", v.at_ms), "1506.7");
    assert!(v.detail.english().contains("P3 suspects P4"), "{v:?}");
    assert_eq!(r.processes[3].heartbeats_sent, 42, "every 71 ms of real time");
}

#[test]
fn the_eventually_perfect_detector_raises_its_timeout_and_stops_making_mistakes() {
    let r = detector::run(&builtin("fd-drift-adaptive"));
    assert_eq!(broken(&r), [FdProperty::StrongAccuracy], "eventual accuracy holds");
    assert_eq!(mistakes(&r), [(1, 4, Some(Cause::Drift)), (2, 4, Some(Cause::Drift)), (3, 4, Some(Cause::Drift))]);
    for s in &r.suspicions {
        assert_eq!(s.from_ms, 70.0);
        let after = s.to_ms.unwrap() - 70.0;
        assert!((7.0..11.2).contains(&after), "7 to 11 ms later: {s:?}");
    }
    for p in 1..=3 {
        assert_eq!(r.processes[p - 1].timeouts_ms[&4], 80.0, "P{p} waits 80 ms for P4");
        assert_eq!(r.processes[p - 1].timeouts_ms[&((p as u32 % 3) + 1)], 70.0, "and 70 for the others");
    }
    // The same run with a fixed timeout is the broken built-in.
    let fixed = detector::run(&FdScenario { adaptive: false, ..builtin("fd-drift-adaptive") });
    assert!(broken(&fixed).contains(&FdProperty::EventualStrongAccuracy));
}

#[test]
fn the_tradeoff_builtin_says_what_its_run_does() {
    let r = detector::run(&builtin("fd-tradeoff"));
    assert_eq!(broken(&r), [FdProperty::StrongAccuracy]);
    let m = &r.metrics;
    assert_eq!(m.false_suspicions, 9);
    assert_eq!((m.false_by_cause.get(&Cause::Pause), m.false_by_cause.get(&Cause::Delay)), (Some(&6), Some(&3)));
    assert_eq!(format!("{:.1} {:.1}", m.wrongly_suspected_ms, m.detection_mean_ms.unwrap()), "941.7 85.6");
}

#[test]
fn a_longer_timeout_makes_fewer_false_suspicions_and_detects_later() {
    let timeouts = [60.0, 80.0, 100.0, 150.0, 200.0, 300.0, 400.0];
    let rows = sweep::sweep(&builtin("fd-tradeoff"), &timeouts, "--timeouts").unwrap();
    assert_eq!(rows.iter().map(|r| r.timeout_ms).collect::<Vec<_>>(), timeouts);
    for w in rows.windows(2) {
        let (a, b) = (&w[0], &w[1]);
        assert!(b.false_suspicions <= a.false_suspicions, "{a:?} {b:?}");
        assert!(b.wrongly_suspected_ms <= a.wrongly_suspected_ms, "{a:?} {b:?}");
        assert!(b.detection_mean_ms.unwrap() > a.detection_mean_ms.unwrap(), "{a:?} {b:?}");
        assert!(b.detection_max_ms.unwrap() > a.detection_max_ms.unwrap(), "{a:?} {b:?}");
    }
    let (short, long) = (&rows[0], &rows[6]);
    assert_eq!((short.false_suspicions, long.false_suspicions), (67, 0));
    assert_eq!(format!("{:.1} {:.1}", short.detection_mean_ms.unwrap(), long.detection_mean_ms.unwrap()), "45.6 385.6");
    assert!(rows.iter().all(|r| r.detected == 3 && r.undetected == 0), "every timeout detects the crash");
    assert!(long.violated.is_empty() && short.violated.contains(&FdProperty::StrongAccuracy));
}

#[test]
fn each_cause_is_told_apart() {
    let base = r#"{"protocol": "failure-detector", "name": "c", "processes": 2, "duration_ms": 1500, "#;
    let causes = |rest: &str| -> Vec<Cause> {
        let r = detector::run(&scenario(&format!("{base}{rest}")));
        r.metrics.false_by_cause.keys().copied().collect()
    };
    assert_eq!(causes(r#""timeout_ms": 120, "loss": 0.5}"#), [Cause::Loss]);
    assert_eq!(causes(r#""timeout_ms": 120, "faults": [{"at_ms": 500, "pause": 2, "for_ms": 400}]}"#), [Cause::Pause]);
    assert_eq!(
        causes(
            r#""timeout_ms": 120, "faults": [{"at_ms": 500, "latency_ms": [300, 300], "for_ms": 200, "link": [2, 1]}]}"#
        ),
        [Cause::Delay]
    );
    let fast = r#""timeout_ms": 70, "faults": [{"at_ms": 0, "drift": 1, "rate": 0.5}]}"#;
    assert_eq!(causes(fast), [Cause::Drift], "a fast monitor gives up early");
    assert_eq!(causes(r#""timeout_ms": 55, "latency_ms": [1, 30]}"#), [Cause::ShortTimeout]);
    assert_eq!(causes(r#""timeout_ms": 70, "faults": []}"#), [], "nothing wrong, no mistake");
}

#[test]
fn a_crash_is_always_detected_in_time_whatever_the_timing_pauses_and_drift() {
    // The completeness check holds the implementation to its bound on every event, under
    // every timing model, with pauses, drift (either way) and loss; and every crash is
    // suspected by the end.
    for seed in 1..=20 {
        for timing in [
            r#"{"model": "synchronous"}"#,
            r#"{"model": "partially_synchronous", "gst_ms": 1500}"#,
            r#"{"model": "asynchronous", "tail_probability": 0.3}"#,
        ] {
            let text = format!(
                r#"{{"protocol": "failure-detector", "name": "c", "seed": {seed}, "processes": 5, "timeout_ms": 150,
                "adaptive": {}, "loss": 0.1, "timing": {timing}, "duration_ms": 4000,
                "faults": [{{"at_ms": 300, "drift": 1, "rate": -0.4}}, {{"at_ms": 400, "drift": 3, "rate": 0.3}},
                           {{"at_ms": 700, "pause": 1, "for_ms": 500}}, {{"at_ms": 900, "crash": 2}},
                           {{"at_ms": 1000, "crash": 1}}, {{"at_ms": 1100, "latency_ms": [50, 400], "for_ms": 300}},
                           {{"at_ms": 1300, "pause": 4, "for_ms": 200}}, {{"at_ms": 2000, "crash": 5}}]}}"#,
                seed % 2 == 0
            );
            let r = detector::run(&scenario(&text));
            assert!(!broken(&r).contains(&FdProperty::StrongCompleteness), "seed {seed} {timing}: {:?}", r.violations);
            assert_eq!((r.metrics.detected, r.metrics.undetected), (6, 0), "seed {seed} {timing}");
        }
    }
}

#[test]
fn the_same_seed_gives_the_same_trace_hash_and_another_seed_another() {
    for b in builtin::catalog() {
        let first = detector::run(&b.scenario);
        assert_eq!(first, detector::run(&b.scenario), "{}", b.scenario.name);
        let other = FdScenario { seed: b.scenario.seed + 1, ..b.scenario.clone() };
        assert_ne!(first.trace_hash, detector::run(&other).trace_hash, "{}", other.name);
    }
}

#[test]
fn the_builtins_trace_hashes_are_pinned() {
    let hashes: Vec<String> = builtin::catalog()
        .iter()
        .map(|b| format!("{} {}", b.scenario.name, detector::run(&b.scenario).trace_hash))
        .collect();
    assert_eq!(
        hashes,
        [
            "fd-crash-detected b53488180c95b53d",
            "fd-pause-false-suspicion a87602254e4238a8",
            "fd-delay-spike 45adfb8808958444",
            "fd-drift-fixed-timeout 6fc6095668d654ba",
            "fd-drift-adaptive 4cf47aeb846f9638",
            "fd-tradeoff 0b552cb797543029"
        ]
    );
}

#[test]
fn raft_readers_refuse_a_failure_detector_scenario_by_protocol() {
    let text = include_str!("../scenarios/fd-crash-detected.json");
    let e = raft_sim::Scenario::from_json(text).unwrap_err();
    assert!(e.problem.contains("'failure-detector'"), "{e}");
}

#[test]
fn bad_failure_detector_scenarios_are_refused_with_the_field() {
    let base = include_str!("../scenarios/fd-tradeoff.json");
    let with = |key: &str, value: &str| {
        let mut v: serde_json::Value = serde_json::from_str(base).unwrap();
        v[key] = serde_json::from_str(value).unwrap();
        FdScenario::from_json(&v.to_string()).map(|_| ()).unwrap_err().field
    };
    assert_eq!(with("protocol", r#""primary-backup""#), "protocol");
    assert_eq!(with("processes", "20"), "processes");
    assert_eq!(with("heartbeat_ms", "0"), "heartbeat_ms");
    assert_eq!(with("timeout_ms", "50"), "timeout_ms", "not longer than the heartbeat");
    assert_eq!(with("timing", r#"{"model": "partially_synchronous"}"#), "timing");
    assert_eq!(with("faults", r#"[{"at_ms": 10, "crash": 5}]"#), "faults[0].crash");
    assert_eq!(with("faults", r#"[{"at_ms": 10, "pause": 1, "for_ms": -3}]"#), "faults[0].for_ms");
    assert_eq!(with("faults", r#"[{"at_ms": 10, "latency_ms": [5]}]"#), "faults[0].latency_ms");
    assert_eq!(with("faults", r#"[{"at_ms": 10, "drift": 1, "rate": 0.2, "link": [1, 2]}]"#), "faults[0].link");
    assert_eq!(with("colour", "1"), "colour");
    assert_eq!(FdScenario::from_json("[]").unwrap_err().field, "");
    assert_eq!(FdScenario::from_json("{").unwrap_err().field, "");
}
