//! Figure 2, "RequestVote RPC — Receiver implementation", one rule per test.
mod common;

use common::*;
use raft_core::Role;

const MEMBERS: [u32; 3] = [1, 2, 3];

#[test]
fn rule1_rejects_a_request_from_an_older_term() {
    let mut n = follower(1, &MEMBERS, 5, None, &[1, 2]);
    // The candidate's log is far more up to date, only its term is stale.
    n.handle_message(10, 2, request_vote(4, 2, 10, 4), &mut rng());
    let reply = only_vote_reply(&drain(&mut n), 2);
    assert!(!reply.vote_granted);
    assert_eq!(reply.term, 5, "the reply carries currentTerm so the candidate can update itself");
    assert_eq!(n.current_term(), 5);
    assert_eq!(n.voted_for(), None);
}

#[test]
fn rule2_grants_when_voted_for_is_null_and_logs_are_equal() {
    let mut n = follower(1, &MEMBERS, 3, None, &[1, 2, 3]);
    n.handle_message(10, 2, request_vote(3, 2, 3, 3), &mut rng());
    let ready = drain(&mut n);
    let reply = only_vote_reply(&ready, 2);
    assert!(reply.vote_granted);
    assert_eq!(reply.term, 3);
    assert_eq!(n.voted_for(), Some(2));
    assert!(ready.hard_state.is_some(), "votedFor must be persisted before replying");
    assert!(ready.persist);
}

#[test]
fn rule2_grants_again_to_the_same_candidate_in_the_same_term() {
    let mut n = follower(1, &MEMBERS, 3, Some(2), &[1]);
    n.handle_message(10, 2, request_vote(3, 2, 1, 1), &mut rng());
    assert!(only_vote_reply(&drain(&mut n), 2).vote_granted, "a retransmitted request gets the same answer");
    assert_eq!(n.voted_for(), Some(2));
}

#[test]
fn rule2_denies_when_already_voted_for_another_candidate() {
    let mut n = follower(1, &MEMBERS, 3, Some(3), &[1]);
    n.handle_message(10, 2, request_vote(3, 2, 5, 3), &mut rng());
    let reply = only_vote_reply(&drain(&mut n), 2);
    assert!(!reply.vote_granted);
    assert_eq!(reply.term, 3);
    assert_eq!(n.voted_for(), Some(3));
}

#[test]
fn rule2_grants_to_a_candidate_whose_last_term_is_higher_even_if_its_log_is_shorter() {
    let mut n = follower(1, &MEMBERS, 4, None, &[1, 1, 2, 2, 2]);
    n.handle_message(10, 2, request_vote(4, 2, 3, 3), &mut rng());
    assert!(only_vote_reply(&drain(&mut n), 2).vote_granted);
    assert_eq!(n.voted_for(), Some(2));
}

#[test]
fn rule2_denies_a_candidate_whose_last_term_is_lower_even_if_its_log_is_longer() {
    let mut n = follower(1, &MEMBERS, 4, None, &[1, 3]);
    n.handle_message(10, 2, request_vote(4, 2, 10, 2), &mut rng());
    assert!(!only_vote_reply(&drain(&mut n), 2).vote_granted);
    assert_eq!(n.voted_for(), None);
}

#[test]
fn rule2_grants_a_candidate_with_the_same_last_term_and_a_longer_log() {
    let mut n = follower(1, &MEMBERS, 4, None, &[1, 2, 2]);
    n.handle_message(10, 2, request_vote(4, 2, 4, 2), &mut rng());
    assert!(only_vote_reply(&drain(&mut n), 2).vote_granted);
}

#[test]
fn rule2_denies_a_candidate_with_the_same_last_term_and_a_shorter_log() {
    let mut n = follower(1, &MEMBERS, 4, None, &[1, 2, 2]);
    n.handle_message(10, 2, request_vote(4, 2, 2, 2), &mut rng());
    assert!(!only_vote_reply(&drain(&mut n), 2).vote_granted);
    assert_eq!(n.voted_for(), None);
}

#[test]
fn rule2_grants_a_candidate_with_an_identical_last_entry() {
    let mut n = follower(1, &MEMBERS, 4, None, &[1, 2, 2]);
    n.handle_message(10, 2, request_vote(4, 2, 3, 2), &mut rng());
    assert!(only_vote_reply(&drain(&mut n), 2).vote_granted);
}

#[test]
fn rule2_empty_logs_are_equally_up_to_date() {
    let mut n = follower(1, &MEMBERS, 0, None, &[]);
    n.handle_message(10, 2, request_vote(1, 2, 0, 0), &mut rng());
    assert!(only_vote_reply(&drain(&mut n), 2).vote_granted);
    // ...but an empty log is not as up to date as a non-empty one.
    let mut m = follower(1, &MEMBERS, 1, None, &[1]);
    m.handle_message(10, 2, request_vote(2, 2, 0, 0), &mut rng());
    assert!(!only_vote_reply(&drain(&mut m), 2).vote_granted);
}

#[test]
fn votes_at_most_once_per_term() {
    let mut n = follower(1, &MEMBERS, 2, None, &[1]);
    n.handle_message(10, 2, request_vote(3, 2, 1, 1), &mut rng());
    assert!(only_vote_reply(&drain(&mut n), 2).vote_granted);
    n.handle_message(20, 3, request_vote(3, 3, 1, 1), &mut rng());
    assert!(!only_vote_reply(&drain(&mut n), 3).vote_granted, "second vote in term 3");
    assert_eq!(n.voted_for(), Some(2));
    // A new term clears votedFor: node 3 may now get the vote.
    n.handle_message(30, 3, request_vote(4, 3, 1, 1), &mut rng());
    assert!(only_vote_reply(&drain(&mut n), 3).vote_granted);
    assert_eq!(n.voted_for(), Some(3));
    assert_eq!(n.current_term(), 4);
}

#[test]
fn granting_a_vote_resets_the_election_timer() {
    let mut n = follower(1, &MEMBERS, 1, None, &[1]);
    assert_eq!(n.next_deadline(), ET);
    n.handle_message(100_000, 2, request_vote(1, 2, 1, 1), &mut rng());
    assert!(only_vote_reply(&drain(&mut n), 2).vote_granted);
    assert_eq!(n.next_deadline(), 100_000 + ET);
    // So the timer that would have fired at ET does not.
    n.handle_timeout(ET, &mut rng());
    assert_eq!(n.role(), Role::Follower);
    assert_eq!(n.current_term(), 1);
}

#[test]
fn denying_a_vote_does_not_reset_the_election_timer() {
    let mut n = follower(1, &MEMBERS, 1, None, &[1, 1]);
    n.handle_message(100_000, 2, request_vote(1, 2, 1, 1), &mut rng());
    assert!(!only_vote_reply(&drain(&mut n), 2).vote_granted);
    assert_eq!(n.next_deadline(), ET);
    // Nor when the request carries a higher term that the node adopts.
    n.handle_message(120_000, 2, request_vote(2, 2, 1, 1), &mut rng());
    assert!(!only_vote_reply(&drain(&mut n), 2).vote_granted);
    assert_eq!(n.current_term(), 2);
    assert_eq!(n.next_deadline(), ET);
}

#[test]
fn a_higher_term_request_makes_a_follower_adopt_the_term_and_clear_its_vote() {
    let mut n = follower(1, &MEMBERS, 3, Some(3), &[1, 1]);
    // Out of date candidate: no vote, but the term is adopted and the old vote is forgotten.
    n.handle_message(10, 2, request_vote(7, 2, 1, 1), &mut rng());
    let ready = drain(&mut n);
    let reply = only_vote_reply(&ready, 2);
    assert!(!reply.vote_granted);
    assert_eq!(reply.term, 7, "the reply carries the adopted currentTerm");
    assert_eq!(n.current_term(), 7);
    assert_eq!(n.voted_for(), None);
    assert!(ready.hard_state.is_some() && ready.persist);
}

// A leader facing RequestVote: Figure 2's rules alone. With leader liveliness (on by default,
// paper §6) a leader disregards every RequestVote but a leadership transfer's (disruption.rs).

#[test]
fn a_higher_term_request_turns_a_leader_into_a_follower_and_it_may_vote() {
    let mut n = node_with(1, &MEMBERS, without_liveliness(), 1, None, &[1]);
    make_leader(&mut n, 10);
    assert_eq!((n.role(), n.current_term(), n.voted_for()), (Role::Leader, 2, Some(1)));
    n.handle_message(20, 3, request_vote(5, 3, 1, 1), &mut rng());
    let reply = only_vote_reply(&drain(&mut n), 3);
    assert_eq!(n.role(), Role::Follower);
    assert_eq!(n.current_term(), 5);
    assert!(reply.vote_granted, "votedFor was cleared by the new term");
    assert_eq!(reply.term, 5);
    assert_eq!(n.voted_for(), Some(3));
    assert_eq!(n.leader_id(), None);
}

#[test]
fn a_higher_term_request_turns_a_leader_into_a_follower_even_when_denied() {
    let mut n = node_with(1, &MEMBERS, without_liveliness(), 1, None, &[1, 1]);
    make_leader(&mut n, 10);
    n.handle_message(20, 3, request_vote(5, 3, 1, 1), &mut rng());
    let reply = only_vote_reply(&drain(&mut n), 3);
    assert!(!reply.vote_granted);
    assert_eq!(n.role(), Role::Follower);
    assert_eq!(n.current_term(), 5);
    assert_eq!(n.voted_for(), None);
    // A deposed leader runs an election timer again.
    assert_eq!(n.next_deadline(), 20 + ET);
}

#[test]
fn a_higher_term_request_turns_a_candidate_into_a_follower() {
    let mut n = follower(1, &MEMBERS, 1, None, &[1]);
    make_candidate(&mut n, 10);
    assert_eq!(n.voted_for(), Some(1));
    n.handle_message(20, 2, request_vote(3, 2, 1, 1), &mut rng());
    let reply = only_vote_reply(&drain(&mut n), 2);
    assert_eq!(n.role(), Role::Follower);
    assert_eq!(n.current_term(), 3);
    assert!(reply.vote_granted);
    assert_eq!(n.voted_for(), Some(2));
}

#[test]
fn a_candidate_denies_a_rival_of_its_own_term() {
    let mut n = follower(1, &MEMBERS, 1, None, &[1]);
    make_candidate(&mut n, 10);
    n.handle_message(20, 2, request_vote(2, 2, 5, 1), &mut rng());
    let reply = only_vote_reply(&drain(&mut n), 2);
    assert!(!reply.vote_granted, "it voted for itself");
    assert_eq!(n.role(), Role::Candidate);
    assert_eq!(n.voted_for(), Some(1));
}

#[test]
fn a_leader_denies_a_candidate_of_its_own_term() {
    let mut n = node_with(1, &MEMBERS, without_liveliness(), 1, None, &[1]);
    make_leader(&mut n, 10);
    n.handle_message(20, 2, request_vote(2, 2, 5, 1), &mut rng());
    assert!(!only_vote_reply(&drain(&mut n), 2).vote_granted);
    assert_eq!(n.role(), Role::Leader);
}

#[test]
fn a_stale_request_does_not_depose_a_leader() {
    let mut n = node_with(1, &MEMBERS, without_liveliness(), 3, None, &[1]);
    make_leader(&mut n, 10);
    n.handle_message(20, 2, request_vote(2, 2, 9, 3), &mut rng());
    let reply = only_vote_reply(&drain(&mut n), 2);
    assert!(!reply.vote_granted);
    assert_eq!(reply.term, 4);
    assert_eq!(n.role(), Role::Leader);
}
