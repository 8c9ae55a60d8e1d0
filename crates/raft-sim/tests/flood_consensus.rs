//! Flood-based consensus (the lecture's P1–P4 example), natively on the engine's kernel: what
//! each built-in decides, the checks catching the broken variants, determinism, the scenario
//! format's messages, and a campaign over random crash schedules.
use raft_sim::engine::rng::SimRng;
use raft_sim::protocols::flood::checks::FloodProperty;
use raft_sim::protocols::flood::scenario::{Crash, Detector, FloodScenario};
use raft_sim::protocols::flood::{self, builtin, FloodReport};
use raft_sim::scenario::protocol;
use raft_sim::Scenario;

fn builtin(name: &str) -> FloodScenario {
    builtin::by_name(name).unwrap_or_else(|| panic!("{name} is a flood-consensus built-in"))
}

/// Each process's decision as "P2: a (round 2)", "P1: crashed in round 1".
fn decisions(r: &FloodReport) -> Vec<String> {
    r.processes
        .iter()
        .map(|p| match (&p.decision, p.decided_in_round, p.crashed_in_round) {
            (_, _, Some(round)) => format!("P{}: crashed in round {round}", p.process),
            (Some(c), Some(round), None) => format!("P{}: {c} (round {round})", p.process),
            _ => format!("P{}: undecided", p.process),
        })
        .collect()
}

fn broken(r: &FloodReport) -> Vec<FloodProperty> {
    r.violations.iter().map(|v| v.property).collect()
}

#[test]
fn the_lecture_example_p1_crashes_mid_multicast_and_the_extra_round_makes_everyone_agree() {
    let r = flood::run(&builtin("flood-p1-p4"));
    assert_eq!(decisions(&r), ["P1: crashed in round 1", "P2: a (round 2)", "P3: a (round 2)", "P4: a (round 2)"]);
    // At the end of round 1, P3 (and P4) detected that P1 crashed, without a: it could not decide then.
    let p3 = &r.processes[2];
    assert_eq!(p3.suspected.len(), 1);
    assert_eq!((p3.suspected[0].process, p3.suspected[0].since_round, p3.suspected[0].crashed), (1, 1, true));
    assert_eq!(p3.known, ["a", "b", "c", "d"], "P2 passed a on in round 2");
    assert!(r.violations.is_empty(), "{:?}", r.violations);
    assert_eq!(r.checked.len(), 4);
}

#[test]
fn with_one_round_for_one_crash_p2_and_p3_decide_differently_and_agreement_is_caught() {
    let r = flood::run(&builtin("flood-p1-p4-one-round"));
    assert_eq!(decisions(&r), ["P1: crashed in round 1", "P2: a (round 1)", "P3: b (round 1)", "P4: b (round 1)"]);
    // Would fail if the check did nothing: the run's only report of the split is the violation.
    assert_eq!(broken(&r), [FloodProperty::Agreement]);
    let v = &r.violations[0];
    assert!(v.detail.english().contains("P2 decided a") && v.detail.english().contains("decided b"), "{}", v.detail);
    assert_eq!(v.at_ms, 100.0, "seen at the end of round 1, when the processes decide");
}

#[test]
fn an_unreliable_detector_suspects_a_slow_process_and_agreement_breaks_without_any_crash() {
    let r = flood::run(&builtin("flood-slow-process"));
    assert_eq!(decisions(&r), ["P1: a (round 2)", "P2: b (round 2)", "P3: b (round 2)", "P4: b (round 2)"]);
    for p in &r.processes[1..] {
        assert_eq!(p.suspected.len(), 1, "P{} suspects P1", p.process);
        assert!(!p.suspected[0].crashed, "a false suspicion: P1 never crashed");
        assert!(p.ignored_messages >= 2, "P1's late messages were ignored");
    }
    assert!(r.processes[0].suspected.is_empty(), "P1 heard everyone in time");
    assert_eq!(broken(&r), [FloodProperty::Agreement]);
}

#[test]
fn the_same_detector_with_nobody_slow_agrees() {
    let mut s = builtin("flood-slow-process");
    s.slow.clear();
    let r = flood::run(&s);
    assert!(r.processes.iter().all(|p| p.decision.as_deref() == Some("a")), "{:?}", decisions(&r));
    assert!(r.violations.is_empty());
}

#[test]
fn the_same_seed_gives_the_same_trace_hash_and_another_seed_another() {
    for b in builtin::catalog() {
        let first = flood::run(&b.scenario);
        assert_eq!(first, flood::run(&b.scenario), "{}", b.scenario.name);
        let mut other = b.scenario.clone();
        other.seed += 1;
        assert_ne!(first.trace_hash, flood::run(&other).trace_hash, "{}: the hash sees the latencies", other.name);
    }
}

#[test]
fn the_builtins_trace_hashes_are_pinned() {
    let hashes: Vec<(String, String)> =
        builtin::catalog().iter().map(|b| (b.scenario.name.clone(), flood::run(&b.scenario).trace_hash)).collect();
    let names: Vec<&str> = hashes.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["flood-p1-p4", "flood-p1-p4-one-round", "flood-slow-process"]);
    let pinned = [PINNED_P1_P4, PINNED_ONE_ROUND, PINNED_SLOW];
    let now: Vec<&str> = hashes.iter().map(|(_, h)| h.as_str()).collect();
    assert_eq!(now, pinned, "a flood-consensus run changed (in the index's order)");
}

const PINNED_P1_P4: &str = "18a3585bcc633d5c";
const PINNED_ONE_ROUND: &str = "254e5821053352ba";
const PINNED_SLOW: &str = "cfcf30dd45ec1943";

#[test]
fn raft_readers_refuse_a_flood_scenario_by_protocol_and_read_raft_spelled_out_as_before() {
    let text = include_str!("../scenarios/flood-p1-p4.json");
    let e = Scenario::from_json(text).unwrap_err();
    assert_eq!(e.field, "protocol");
    assert!(e.problem.contains("'flood-consensus'"), "{}", e.problem);
    let raft = include_str!("../scenarios/first-election.json");
    let spelled = raft.replacen('{', "{\"protocol\": \"raft\", ", 1);
    assert_eq!(Scenario::from_json(&spelled).expect("raft spelled out"), Scenario::from_json(raft).expect("raft"));
    assert_eq!(protocol::protocol_of(text).unwrap(), protocol::FLOOD_CONSENSUS);
    let twice = r#"{"protocol": "raft", "name": "x", "nodes": 3, "nodes": 4}"#;
    assert_eq!(Scenario::from_json(twice).unwrap_err().field, "nodes", "a key given twice is still refused");
}

#[test]
fn bad_flood_scenarios_are_refused_with_the_field() {
    let base = include_str!("../scenarios/flood-p1-p4.json");
    let with = |key: &str, value: &str| {
        let mut v: serde_json::Value = serde_json::from_str(base).unwrap();
        v[key] = serde_json::from_str(value).unwrap();
        FloodScenario::from_json(&v.to_string()).map(|_| ()).unwrap_err().field
    };
    assert_eq!(with("proposals", r#"["a"]"#), "proposals");
    assert_eq!(with("proposals", r#"["a", ""]"#), "proposals[1]");
    assert_eq!(with("f", "4"), "f");
    assert_eq!(with("rounds", "0"), "rounds");
    assert_eq!(with("round_ms", "-1"), "round_ms");
    assert_eq!(with("latency_ms", "[10, 100]"), "latency_ms", "perfect detection needs messages within the round");
    assert_eq!(with("detector", r#""psychic""#), "detector");
    assert_eq!(with("crashes", r#"[{"process": 5, "round": 1}]"#), "crashes[0].process");
    assert_eq!(with("crashes", r#"[{"process": 1, "round": 3}]"#), "crashes[0].round");
    assert_eq!(with("crashes", r#"[{"process": 1, "round": 1, "sent_to": [1]}]"#), "crashes[0].sent_to[0]");
    assert_eq!(with("crashes", r#"[{"process": 1, "round": 1}, {"process": 2, "round": 1}]"#), "crashes");
    assert_eq!(with("crashes", r#"[{"process": 1, "round": 1, "when": 2}]"#), "crashes[0].when");
    assert_eq!(
        with("slow", r#"[{"process": 1, "delay_ms": 150}]"#),
        "slow",
        "a slow process needs the timeout detector"
    );
    assert_eq!(with("colour", "1"), "colour");
    assert_eq!(FloodScenario::from_json("[]").unwrap_err().field, "");
    assert_eq!(FloodScenario::from_json("{").unwrap_err().field, "");
}

/// A random crash schedule of `f` crashes among `n` processes, each in a random round with its
/// multicast cut at a random subset.
fn random_schedule(seed: u64, rounds_for: impl Fn(u32) -> u32) -> FloodScenario {
    let mut rng = SimRng::stream(seed, 99);
    let n = 3 + rng.below(4) as u32;
    let f = 1 + rng.below((n - 1) as u64) as u32;
    let rounds = rounds_for(f);
    let mut crashes = Vec::new();
    let mut order: Vec<u32> = (1..=n).collect();
    for i in 0..f as usize {
        let j = i + rng.below((n as usize - i) as u64) as usize;
        order.swap(i, j);
        let process = order[i];
        let round = 1 + rng.below(rounds as u64) as u32;
        let sent_to = (1..=n).filter(|&q| q != process && rng.below(2) == 0).collect();
        crashes.push(Crash { process, round, sent_to });
    }
    FloodScenario {
        name: format!("random-{seed}"),
        description: String::new(),
        seed,
        proposals: (0..n).map(|i| ((b'a' + i as u8) as char).to_string()).collect(),
        f,
        rounds,
        round_ms: 100.0,
        latency_ms: [10.0, 40.0],
        detector: Detector::Perfect,
        crashes,
        slow: Vec::new(),
    }
}

#[test]
fn a_campaign_of_random_crash_schedules_finds_nothing_with_f_plus_one_rounds_and_a_split_with_f() {
    for seed in 0..300 {
        let s = random_schedule(seed, |f| f + 1);
        let r = flood::run(&s);
        assert!(r.violations.is_empty(), "seed {seed}: {:?} {:?}", s.crashes, r.violations);
        assert!(r.processes.iter().all(|p| p.crashed_in_round.is_some() || p.decision.is_some()));
    }
    let split = (0..300).find(|&seed| !flood::run(&random_schedule(seed, |f| f)).violations.is_empty());
    let seed = split.expect("some schedule of f crashes breaks agreement in f rounds");
    let r = flood::run(&random_schedule(seed, |f| f));
    assert_eq!(broken(&r), [FloodProperty::Agreement], "seed {seed}");
}

#[test]
fn a_tour_naming_a_flood_builtin_is_refused_by_protocol() {
    let mut tour: serde_json::Value =
        serde_json::from_str(include_str!("../tours/03-split-vote.json")).expect("a shipped tour");
    tour["steps"][0]["builtin"] = "flood-p1-p4".into();
    let problem = match raft_sim::tour::Tour::from_json(&tour.to_string()) {
        Err(e) => e.to_string(),
        Ok(t) => t.scenario_at(0).expect_err("not a Raft scenario").to_string(),
    };
    assert!(problem.contains("'flood-consensus' scenario"), "{problem}");
}
