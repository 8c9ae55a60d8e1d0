//! Liveness (check/liveness.rs): each property holds in a run that satisfies it, fails in one
//! that breaks it, and is not judged in one that ends (or is never stable) before its bound;
//! campaigns report a liveness failure apart from safety and shrink it; the checker changes no
//! trace.
use raft_sim::campaign::shrink::{first_violation, shrink, ShrinkConfig};
use raft_sim::campaign::{self, SeedResult};
use raft_sim::check::invariants::InvariantChecker;
use raft_sim::liveness::{LivenessFinding, Status};
use raft_sim::scenario::format::initial::ServerSetup;
use raft_sim::{builtin, Action, Property, Scenario, Simulation};

/// Where each liveness property stands at the end of `scenario`'s run.
fn statuses(scenario: &Scenario) -> Vec<(Property, Status)> {
    let mut sim = Simulation::new(scenario).expect("valid");
    sim.run_to_end();
    assert!(sim.violations().is_empty(), "{}: {:?}", scenario.name, sim.violations().first());
    sim.liveness()
}

fn status(scenario: &Scenario, p: Property) -> Status {
    statuses(scenario).into_iter().find(|(q, _)| *q == p).map(|(_, s)| s).expect("listed")
}

fn held(s: &Status) -> bool {
    matches!(s, Status::Holding { judged } if *judged > 0)
}

fn failed(s: &Status) -> Option<&LivenessFinding> {
    match s {
        Status::Failed(f) => Some(&f.finding),
        _ => None,
    }
}

fn named(name: &str) -> Scenario {
    builtin::by_name(name).expect("built-in")
}

/// Three servers with client load for `ms`: a leader is elected and every request answered.
fn healthy(ms: f64) -> Scenario {
    let mut s = builtin::cluster(3, true);
    s.duration_ms = ms;
    s
}

#[test]
fn leader_elected_holds_fails_and_is_not_judged_before_its_bound() {
    assert!(held(&status(&healthy(5_000.0), Property::LeaderElected)));
    // A round trip longer than the election timeout: nobody is ever elected.
    let never = named("latency-above-timeout");
    let s = status(&never, Property::LeaderElected);
    match failed(&s) {
        Some(LivenessFinding::NoLeader { since_us: 0, bound_us, hold_us }) => {
            // B + H = 10 × (200 + 2 × 120) + 2 × 200 ms.
            assert_eq!((*bound_us, *hold_us), (4_800_000, 400_000));
        }
        other => panic!("expected no leader, got {other:?}"),
    }
    // The same run ended before the bound: not judged, not failed.
    let mut short = never.clone();
    short.duration_ms = 4_500.0;
    short.expect.clear();
    assert_eq!(status(&short, Property::LeaderElected), Status::NotJudged);
    // Never stable (messages may be lost): not judged however long it runs.
    let mut lossy = never;
    lossy.network.loss = 0.01;
    lossy.expect.clear();
    assert_eq!(status(&lossy, Property::LeaderElected), Status::NotJudged);
}

#[test]
fn requests_answered_holds_fails_and_is_not_judged_before_its_bound() {
    assert!(held(&status(&healthy(5_000.0), Property::RequestsAnswered)));
    let cut = named("one-way-partition-no-leader");
    let all = statuses(&cut);
    assert!(matches!(failed(&all[1].1), Some(LivenessFinding::Unanswered { client: 1, .. })), "{:?}", all[1]);
    // Leader Elected's bound passes first; ended between the two, the unanswered request is
    // not judged (the one answered before the cut is all that was).
    let mut short = cut;
    short.duration_ms = 6_000.0;
    short.expect.clear();
    let all = statuses(&short);
    assert!(failed(&all[0].1).is_some(), "{:?}", all[0]);
    assert_eq!(all[1].1, Status::Holding { judged: 1 });
    // Never stable: nothing judged.
    let mut lossy = healthy(5_000.0);
    lossy.network.loss = 0.05;
    assert_eq!(status(&lossy, Property::RequestsAnswered), Status::NotJudged);
}

/// Five servers, PreVote and CheckQuorum on; S5 is isolated at 300 ms and the network heals at
/// 2.5 s (rejoin-disrupts with the cures on). `s5_term`: S5's term at boot.
fn rejoin(s5_term: Option<u64>, until_ms: f64) -> Scenario {
    let mut s = named("rejoin-disrupts");
    s.raft.pre_vote = true;
    s.raft.check_quorum = true;
    s.duration_ms = until_ms;
    if let Some(term) = s5_term {
        // Away from the start, so its term is still the higher one when it comes back.
        s.servers.insert(5, ServerSetup { term: Some(term), ..Default::default() });
        s = s.at(0.0, Action::Isolate { node: 5 });
    }
    s
}

#[test]
fn leader_kept_holds_with_prevote_fails_when_a_rejoining_server_brings_a_higher_term() {
    // With PreVote, S5's term does not climb while it is away: its return deposes nobody.
    assert!(held(&status(&rejoin(None, 3_500.0), Property::LeaderKept)));
    // A server that comes back with a higher term (here it had it on disk from the start)
    // deposes the leader even with PreVote and CheckQuorum.
    match failed(&status(&rejoin(Some(7), 3_500.0), Property::LeaderKept)) {
        Some(LivenessFinding::Deposed { leader: 1, term: 1, by: Some(5), new_term: 7 }) => {}
        other => panic!("expected a deposed leader, got {other:?}"),
    }
    // Ended before the leader had kept its term for H: not judged.
    assert_eq!(status(&rejoin(Some(7), 500.0), Property::LeaderKept), Status::NotJudged);
    // Without PreVote and CheckQuorum it is not checked at all.
    assert_eq!(status(&named("rejoin-disrupts"), Property::LeaderKept), Status::Off);
}

#[test]
fn the_liveness_checker_changes_no_trace() {
    for scenario in builtin::list() {
        let mut watched = Simulation::new(&scenario).expect("valid");
        watched.run_to_end();
        let checker = InvariantChecker::for_scenario(&scenario);
        let mut bare = Simulation::with_observers(&scenario, vec![Box::new(checker)]).expect("valid");
        bare.run_to_end();
        assert_eq!(watched.trace_hash(), bare.trace_hash(), "{}", scenario.name);
        assert_eq!(watched.events(), bare.events(), "{}", scenario.name);
        assert_eq!(watched.milestones(), bare.milestones(), "{}: no milestone of its own", scenario.name);
    }
}

#[test]
fn a_campaign_reports_a_liveness_failure_and_it_shrinks() {
    let scenario = named("one-way-partition-no-leader");
    let failure = match campaign::run_scenario(scenario.clone()) {
        SeedResult::Violated(f) => f,
        other => panic!("expected a failure, got {other:?}"),
    };
    // Reported as liveness, the first to fail.
    assert_eq!(failure.violation.property, Property::LeaderElected);
    assert!(failure.violation.property.is_liveness());
    let out = shrink(&scenario, &ShrinkConfig::default(), &mut |_| {}).expect("it shrinks");
    assert_eq!(out.violation.property, Property::LeaderElected);
    assert!(out.after.within(&out.before), "{} -> {}", out.before, out.after);
    assert!(out.after.duration_ms < out.before.duration_ms && out.after.servers < out.before.servers);
    let reread = Scenario::from_json(&out.scenario.to_json()).expect("valid");
    assert_eq!(first_violation(&reread, campaign::EVENT_BUDGET), Some(out.violation.clone()));
    // A safety violation comes first: a run that breaks both reports safety.
    let mut both = named("figure-8-unsafe");
    both.expect.clear();
    match campaign::run_scenario(both) {
        SeedResult::Violated(f) => assert!(!f.violation.property.is_liveness(), "{:?}", f.violation),
        other => panic!("figure 8 breaks safety: {other:?}"),
    }
}

#[test]
fn an_operator_action_restarts_the_election_bound() {
    // The one-way cut again, but the operator crashes and restarts a follower every second:
    // each disruption starts the bound again, so it never passes within the run.
    let mut s = named("one-way-partition-no-leader");
    s.expect.clear();
    for k in 1..7 {
        s = s.at(300.0 + 1_000.0 * k as f64, Action::Restart { node: 4 });
    }
    assert_eq!(status(&s, Property::LeaderElected), Status::NotJudged);
}
