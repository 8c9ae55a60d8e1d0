//! The "Break Raft" switches: each one must change behaviour exactly where the safe rule applies.
//! Every test checks the safe configuration too, so a switch that does nothing fails.
mod common;

use common::*;
use raft_core::{RaftConfig, RaftNode, Role, UnsafeRule, UnsafeRules};
use raft_sim::Property;

const MEMBERS: [u32; 3] = [1, 2, 3];

fn config(rule: Option<UnsafeRule>) -> RaftConfig {
    let unsafe_rules = match rule {
        Some(r) => UnsafeRules::default().with(r),
        None => UnsafeRules::default(),
    };
    // Without leader liveliness (paper §6): the rules broken here are Figure 2's, and the
    // demonstrations need servers that still answer a rival candidate.
    RaftConfig { unsafe_rules, ..without_liveliness() }
}

fn node(rule: Option<UnsafeRule>, term: u64, voted_for: Option<u32>, terms: &[u64]) -> RaftNode {
    node_with(1, &MEMBERS, config(rule), term, voted_for, terms)
}

#[test]
fn all_rules_are_off_by_default() {
    assert!(RaftConfig::default().unsafe_rules.enabled().is_empty());
    for rule in UnsafeRule::ALL {
        assert_eq!(rule.name().parse::<UnsafeRule>(), Ok(rule));
        assert!(UnsafeRules::default().with(rule).contains(rule));
    }
    assert!("nonsense".parse::<UnsafeRule>().is_err());
}

#[test]
fn no_vote_restriction_grants_to_an_out_of_date_candidate() {
    // The candidate's log [1] is behind the voter's [1, 2, 2].
    let mut safe = node(None, 2, None, &[1, 2, 2]);
    safe.handle_message(10, 2, request_vote(3, 2, 1, 1), &mut rng());
    assert!(!only_vote_reply(&drain(&mut safe), 2).vote_granted);

    let mut broken = node(Some(UnsafeRule::NoVoteRestriction), 2, None, &[1, 2, 2]);
    broken.handle_message(10, 2, request_vote(3, 2, 1, 1), &mut rng());
    assert!(only_vote_reply(&drain(&mut broken), 2).vote_granted);
    assert_eq!(broken.voted_for(), Some(2));
}

#[test]
fn no_vote_restriction_still_refuses_stale_terms_and_second_votes() {
    let mut n = node(Some(UnsafeRule::NoVoteRestriction), 3, Some(3), &[1, 2, 2]);
    n.handle_message(10, 2, request_vote(2, 2, 1, 1), &mut rng());
    assert!(!only_vote_reply(&drain(&mut n), 2).vote_granted);
    n.handle_message(10, 2, request_vote(3, 2, 1, 1), &mut rng());
    assert!(!only_vote_reply(&drain(&mut n), 2).vote_granted);
}

#[test]
fn forget_vote_lets_a_node_vote_twice_in_one_term() {
    let mut safe = node(None, 2, None, &[1]);
    safe.handle_message(10, 2, request_vote(3, 2, 1, 1), &mut rng());
    assert!(only_vote_reply(&drain(&mut safe), 2).vote_granted);
    safe.handle_message(20, 3, request_vote(3, 3, 1, 1), &mut rng());
    assert!(!only_vote_reply(&drain(&mut safe), 3).vote_granted);

    let mut broken = node(Some(UnsafeRule::ForgetVote), 2, None, &[1]);
    broken.handle_message(10, 2, request_vote(3, 2, 1, 1), &mut rng());
    assert!(only_vote_reply(&drain(&mut broken), 2).vote_granted);
    broken.handle_message(20, 3, request_vote(3, 3, 1, 1), &mut rng());
    assert!(only_vote_reply(&drain(&mut broken), 3).vote_granted, "second vote in term 3");
    assert_eq!(broken.voted_for(), Some(3));
    assert_eq!(broken.current_term(), 3);
}

#[test]
fn forget_vote_can_elect_two_leaders_in_one_term() {
    let states = (1..=3).map(|id| (id, persisted(0, None, &[]))).collect();
    let mut c = Cluster::with_states(states, config(Some(UnsafeRule::ForgetVote)));
    c.campaign(1);
    assert_eq!(c.node(1).role(), Role::Leader);
    // A rival node 2 that lost its state (boots fresh) campaigns in the same term 1, and node 3,
    // which already voted for node 1 in term 1, votes again.
    c.panic_on_violation = false;
    c.boot(2, Default::default());
    c.start_campaign(2);
    assert_eq!(c.node(2).current_term(), 1);
    c.deliver_queued(|e| e.from == 2 && e.to == 3);
    c.deliver_queued(|e| e.from == 3 && e.to == 2);
    assert_eq!(c.node(2).role(), Role::Leader);
    assert_eq!((c.node(2).current_term(), c.node(1).current_term()), (1, 1), "two leaders of term 1");
    // The invariant checker the simulator uses sees both: node 2's term went back (it lost
    // its disk) and term 1 has two leaders.
    let found: Vec<Property> = c.violations().iter().map(|v| v.property).collect();
    assert_eq!(found, [Property::MonotonicTerm, Property::ElectionSafety]);
}

#[test]
fn commit_old_terms_commits_an_earlier_term_entry_by_counting_replicas() {
    for (rule, expected) in [(None, 0), (Some(UnsafeRule::CommitOldTerms), 3)] {
        let mut n = node(rule, 2, None, &[1, 1, 2]);
        make_leader(&mut n, 10);
        assert_eq!(n.current_term(), 3);
        n.handle_message(20, 2, append_ok(3, 3), &mut rng());
        assert_eq!(n.commit_index(), expected, "{rule:?}");
    }
}

#[test]
fn no_persist_reports_nothing_to_persist() {
    let mut safe = node(None, 1, None, &[1]);
    safe.handle_message(10, 2, request_vote(2, 2, 1, 1), &mut rng());
    let ready = drain(&mut safe);
    assert!(ready.hard_state.is_some());
    assert!(ready.persist, "safe: a term change must be persisted");

    let mut broken = node(Some(UnsafeRule::NoPersist), 1, None, &[1]);
    broken.handle_message(10, 2, request_vote(2, 2, 1, 1), &mut rng());
    let ready = drain(&mut broken);
    assert!(ready.hard_state.is_some(), "the change is still reported...");
    assert!(!ready.persist, "...but not to be made durable");

    // The same for log changes.
    broken.handle_message(20, 2, append(2, 2, 1, 1, entries_from(2, &[2]), 0), &mut rng());
    let ready = drain(&mut broken);
    assert_eq!(ready.log_changed_from, Some(2));
    assert!(!ready.persist);
}

#[test]
fn persist_is_false_when_nothing_changed() {
    let mut n = node(None, 1, None, &[1]);
    n.handle_message(10, 2, append(1, 2, 1, 1, vec![], 0), &mut rng());
    let ready = drain(&mut n);
    assert!(ready.hard_state.is_none() && ready.log_changed_from.is_none());
    assert!(!ready.persist);
}

#[test]
fn a_leader_refuses_append_entries_from_a_rival_leader_of_its_term() {
    // Only reachable under a break rule (two leaders in one term): the leader neither steps down
    // nor lets the rival overwrite its log.
    let mut n = node(Some(UnsafeRule::ForgetVote), 1, None, &[1]);
    make_leader(&mut n, 10);
    n.handle_client_request(20, 9, put(1, "x", "1"));
    drain(&mut n);
    n.handle_message(30, 3, append(2, 3, 1, 1, entries_from(2, &[2, 2]), 3), &mut rng());
    let reply = only_append_reply(&drain(&mut n), 3);
    assert!(!reply.success);
    assert_eq!(reply.term, 2);
    assert_eq!(n.role(), Role::Leader);
    assert_eq!(n.leader_id(), Some(1));
    assert_eq!(log_terms(&n), vec![1, 2]);
    assert_eq!(n.commit_index(), 0);
}
