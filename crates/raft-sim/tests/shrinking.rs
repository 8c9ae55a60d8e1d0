//! Shrinking campaign failures: what `raftsim check` finds for a broken rule shrinks to a
//! strictly smaller scenario that breaks the same property, the same way every time.
use raft_core::UnsafeRule;
use raft_sim::campaign::shrink::{first_violation, shrink, ShrinkConfig, Size};
use raft_sim::campaign::{self, CampaignConfig};

/// The campaign's failure for `rule` from `first_seed` (the seed `raftsim check` reports).
fn failure(rule: UnsafeRule, first_seed: u64, seeds: u64) -> campaign::Failure {
    let outcome = campaign::run(&CampaignConfig {
        first_seed,
        seeds,
        nodes: None,
        unsafe_rules: vec![rule],
        threads: 2,
        membership: false,
        lease_window: false,
    });
    outcome.failure.unwrap_or_else(|| panic!("{} is found from seed {first_seed}", rule.name()))
}

fn check_shrinks(rule: UnsafeRule, first_seed: u64, seeds: u64) {
    let found = failure(rule, first_seed, seeds);
    let mut progress = Vec::new();
    let out = shrink(&found.scenario, &ShrinkConfig::default(), &mut |step| progress.push(step.size)).unwrap();
    assert_eq!(out.violation.property, found.violation.property, "{}: the same property", rule.name());
    assert_eq!(out.before, Size::of(&found.scenario));
    assert!(out.after.within(&out.before), "{}: {} -> {}", rule.name(), out.before, out.after);
    assert!(out.after.actions < out.before.actions, "{}: fewer actions: {} -> {}", rule.name(), out.before, out.after);
    assert!(out.after.duration_ms < out.before.duration_ms, "{}: a shorter run", rule.name());
    assert!(!out.steps.is_empty() && progress.len() == out.steps.len());
    assert!(progress.windows(2).all(|w| w[1].within(&w[0])), "each step is no larger than the one before");
    // The written scenario reproduces it on its own, from JSON.
    let reread = raft_sim::Scenario::from_json(&out.scenario.to_json()).expect("valid");
    let again = first_violation(&reread, raft_sim::campaign::EVENT_BUDGET).expect("still broken");
    assert_eq!(again.property, found.violation.property);
    assert_eq!(again, out.violation);
    // Deterministic: the same output twice.
    let second = shrink(&found.scenario, &ShrinkConfig::default(), &mut |_| {}).unwrap();
    assert_eq!(second.scenario, out.scenario);
    assert_eq!((second.attempts, second.steps.len()), (out.attempts, out.steps.len()));
}

#[test]
fn a_commit_old_terms_failure_shrinks_to_a_smaller_one() {
    // `raftsim check --unsafe commit-old-terms` finds its first violation at seed 3685.
    check_shrinks(UnsafeRule::CommitOldTerms, 3685, 1);
}

#[test]
fn a_forget_vote_failure_shrinks_to_a_smaller_one() {
    check_shrinks(UnsafeRule::ForgetVote, 0, 200);
}

/// Moving an action earlier keeps the timeline in time order, so the file reads as it runs and
/// its trace hash is the one a tour step playing it shows (a tour sorts its scenario's timeline).
/// The single-server-change campaign's scenario lists its transfers after the other actions.
#[test]
fn a_shrunk_timeline_is_in_time_order() {
    let found = failure(UnsafeRule::UnsafeSingleServerChange, 272, 1);
    let outcome = shrink(&found.scenario, &ShrinkConfig::default(), &mut |_| {}).expect("it breaks a property");
    let times: Vec<f64> = outcome.scenario.timeline.iter().map(|t| t.at_ms).collect();
    assert!(times.windows(2).all(|w| w[0] <= w[1]), "timeline out of order: {times:?}");
}
