//! Disruption control and leadership transfer (disruption.rs), one rule per test: PreVote
//! (thesis §9.6), CheckQuorum and leader liveliness (§6.2), TimeoutNow and transfers (§3.10).
mod common;

use common::*;
use raft_core::{
    ClientReply, Message, Micros, NodeId, Notice, PreVote, PreVoteReply, RaftConfig, RaftNode, Ready, RequestVote,
    Role, TimeoutNow, TransferError,
};

const THREE: [NodeId; 3] = [1, 2, 3];
const FIVE: [NodeId; 5] = [1, 2, 3, 4, 5];

fn pre_vote_config() -> RaftConfig {
    RaftConfig { pre_vote: true, ..fixed_config() }
}

fn check_quorum_config() -> RaftConfig {
    RaftConfig { check_quorum: true, ..fixed_config() }
}

fn pre_vote(term: u64, candidate_id: NodeId, last_log_index: u64, last_log_term: u64) -> Message {
    Message::PreVote(PreVote { term, candidate_id, last_log_index, last_log_term })
}

fn pre_vote_reply(term: u64, vote_granted: bool) -> Message {
    Message::PreVoteReply(PreVoteReply { term, vote_granted })
}

fn transfer_vote(term: u64, candidate_id: NodeId, last_log_index: u64, last_log_term: u64) -> Message {
    Message::RequestVote(RequestVote { term, candidate_id, last_log_index, last_log_term, leadership_transfer: true })
}

fn only_pre_vote_reply(ready: &Ready, to: NodeId) -> PreVoteReply {
    match only_message(ready, to) {
        Message::PreVoteReply(r) => r,
        other => panic!("expected a PreVoteReply, got {other:?}"),
    }
}

/// A follower of `term` that heard a heartbeat from leader 2 at `at`.
fn follower_that_heard_leader(config: RaftConfig, term: u64, terms: &[u64], at: Micros) -> RaftNode {
    let mut n = node_with(1, &THREE, config, term, None, terms);
    let last = terms.len() as u64;
    let last_term = terms.last().copied().unwrap_or(0);
    n.handle_message(at, 2, append(term, 2, last, last_term, vec![], 0), &mut rng());
    assert!(only_append_reply(&drain(&mut n), 2).success);
    n
}

// ----- PreVote -------------------------------------------------------------------------------

#[test]
fn election_timeout_with_prevote_makes_a_pre_candidate_that_keeps_its_term() {
    let mut n = node_with(1, &THREE, pre_vote_config(), 4, Some(3), &[1, 4]);
    n.handle_timeout(ET, &mut rng());
    assert_eq!(n.role(), Role::PreCandidate);
    assert_eq!(n.current_term(), 4, "no term increment before a majority says it could win");
    assert_eq!(n.voted_for(), Some(3), "votedFor untouched");
    let ready = drain(&mut n);
    assert!(ready.hard_state.is_none(), "nothing to persist");
    let mut to: Vec<NodeId> = Vec::new();
    for env in &ready.messages {
        match &env.message {
            Message::PreVote(p) => {
                assert_eq!(*p, PreVote { term: 5, candidate_id: 1, last_log_index: 2, last_log_term: 4 });
                to.push(env.to);
            }
            other => panic!("only PreVote expected, got {other:?}"),
        }
    }
    assert_eq!(to, vec![2, 3]);
    assert_eq!(n.next_deadline(), 2 * ET, "the election timer restarts for the next round");
}

#[test]
fn without_prevote_the_timeout_starts_a_real_election() {
    let mut n = follower(1, &THREE, 4, None, &[1]);
    n.handle_timeout(ET, &mut rng());
    assert_eq!((n.role(), n.current_term()), (Role::Candidate, 5));
}

#[test]
fn pre_vote_granted_when_log_up_to_date_and_no_leader_heard_without_changing_term_or_vote() {
    let mut n = follower(1, &THREE, 3, None, &[1, 2]);
    n.handle_message(10, 2, pre_vote(9, 2, 2, 2), &mut rng());
    let ready = drain(&mut n);
    let reply = only_pre_vote_reply(&ready, 2);
    assert!(reply.vote_granted);
    assert_eq!(reply.term, 9, "the reply names the term it was asked about");
    assert_eq!(n.current_term(), 3, "a PreVote's term is never adopted");
    assert_eq!(n.voted_for(), None, "a pre-vote is not a vote");
    assert!(ready.hard_state.is_none());
    assert_eq!(n.next_deadline(), ET, "granting a pre-vote does not reset the election timer");
}

#[test]
fn pre_vote_denied_when_the_candidates_log_is_behind() {
    let mut n = follower(1, &THREE, 3, None, &[1, 3]);
    n.handle_message(10, 2, pre_vote(4, 2, 5, 2), &mut rng());
    assert!(!only_pre_vote_reply(&drain(&mut n), 2).vote_granted, "lower last term");
    n.handle_message(10, 2, pre_vote(4, 2, 1, 3), &mut rng());
    assert!(!only_pre_vote_reply(&drain(&mut n), 2).vote_granted, "same last term, shorter");
    n.handle_message(10, 2, pre_vote(4, 2, 2, 3), &mut rng());
    assert!(only_pre_vote_reply(&drain(&mut n), 2).vote_granted, "as up to date");
}

#[test]
fn pre_vote_denied_within_the_minimum_election_timeout_of_hearing_from_a_leader() {
    let mut n = follower_that_heard_leader(fixed_config(), 2, &[1, 2], 1_000);
    assert!(n.has_current_leader(1_000 + ET - 1));
    n.handle_message(1_000 + ET - 1, 3, pre_vote(3, 3, 2, 2), &mut rng());
    assert!(!only_pre_vote_reply(&drain(&mut n), 3).vote_granted, "leader liveliness");
    assert!(!n.has_current_leader(1_000 + ET));
    n.handle_message(1_000 + ET, 3, pre_vote(3, 3, 2, 2), &mut rng());
    assert!(only_pre_vote_reply(&drain(&mut n), 3).vote_granted, "the leader has gone quiet");
    assert_eq!((n.current_term(), n.role()), (2, Role::Follower));
}

#[test]
fn a_leader_denies_pre_votes() {
    let mut n = follower(1, &THREE, 1, None, &[]);
    make_leader(&mut n, 0);
    n.handle_message(10 * ET, 2, pre_vote(3, 2, 5, 2), &mut rng());
    assert!(!only_pre_vote_reply(&drain(&mut n), 2).vote_granted);
    assert_eq!((n.role(), n.current_term()), (Role::Leader, 2));
}

#[test]
fn pre_vote_replies_never_change_terms() {
    let mut n = node_with(1, &THREE, pre_vote_config(), 4, None, &[1]);
    n.handle_timeout(ET, &mut rng());
    drain(&mut n);
    // A denial "for term 9" (a reply to some other round) neither counts nor is adopted.
    n.handle_message(ET + 1, 2, pre_vote_reply(9, false), &mut rng());
    n.handle_message(ET + 1, 3, pre_vote_reply(9, true), &mut rng());
    assert_eq!((n.role(), n.current_term()), (Role::PreCandidate, 4));
    assert!(n.votes_denied().is_empty() && n.votes_granted().len() == 1);
}

#[test]
fn a_pre_candidate_becomes_candidate_only_with_a_majority_of_pre_votes() {
    let mut n = node_with(1, &FIVE, pre_vote_config(), 2, None, &[1, 2]);
    n.handle_timeout(ET, &mut rng());
    drain(&mut n);
    n.handle_message(ET + 1, 2, pre_vote_reply(3, true), &mut rng());
    n.handle_message(ET + 1, 3, pre_vote_reply(3, false), &mut rng());
    n.handle_message(ET + 1, 4, pre_vote_reply(3, false), &mut rng());
    assert_eq!((n.role(), n.current_term()), (Role::PreCandidate, 2), "2 of 5 granted; denials do not count");
    assert!(drain(&mut n).messages.is_empty());
    n.handle_message(ET + 2, 5, pre_vote_reply(3, true), &mut rng());
    assert_eq!((n.role(), n.current_term(), n.voted_for()), (Role::Candidate, 3, Some(1)));
    let ready = drain(&mut n);
    assert!(ready.hard_state.is_some());
    let votes: Vec<NodeId> = ready
        .messages
        .iter()
        .filter(|e| matches!(&e.message, Message::RequestVote(rv) if rv.term == 3 && !rv.leadership_transfer))
        .map(|e| e.to)
        .collect();
    assert_eq!(votes, vec![2, 3, 4, 5], "a real election follows");
}

#[test]
fn a_pre_candidate_that_hears_from_the_leader_goes_back_to_following() {
    let mut n = node_with(1, &THREE, pre_vote_config(), 2, None, &[1]);
    n.handle_timeout(ET, &mut rng());
    drain(&mut n);
    n.handle_message(ET + 5, 2, append(2, 2, 1, 1, vec![], 0), &mut rng());
    assert_eq!((n.role(), n.leader_id(), n.current_term()), (Role::Follower, Some(2), 2));
    // A late pre-vote grant does not start an election any more.
    n.handle_message(ET + 6, 3, pre_vote_reply(3, true), &mut rng());
    assert_eq!(n.role(), Role::Follower);
}

#[test]
fn a_pre_candidate_that_votes_for_a_real_candidate_gives_up_its_round() {
    let mut n = node_with(1, &THREE, pre_vote_config(), 2, None, &[1]);
    n.handle_timeout(ET, &mut rng());
    drain(&mut n);
    n.handle_message(ET + 5, 3, request_vote(2, 3, 1, 1), &mut rng());
    assert!(only_vote_reply(&drain(&mut n), 3).vote_granted);
    assert_eq!(n.role(), Role::Follower);
    n.handle_message(ET + 6, 2, pre_vote_reply(3, true), &mut rng());
    assert_eq!((n.role(), n.current_term()), (Role::Follower, 2));
}

#[test]
fn a_lone_server_with_prevote_still_elects_itself() {
    let mut n = node_with(1, &[1], pre_vote_config(), 0, None, &[]);
    n.handle_timeout(ET, &mut rng());
    assert_eq!((n.role(), n.current_term()), (Role::Leader, 1));
}

#[test]
fn prevote_cluster_elects_a_leader_and_a_rejoining_server_does_not_raise_terms() {
    let mut c = Cluster::new(3, RaftConfig { pre_vote: true, ..RaftConfig::default() });
    let leader = c.elect_any();
    let term = c.node(leader).current_term();
    let other = (1..=3).find(|&n| n != leader).unwrap();
    c.isolated.insert(other);
    for _ in 0..10 {
        c.step_time();
    }
    assert_eq!(c.node(other).current_term(), term, "pre-votes nobody answers leave the term alone");
    c.isolated.clear();
    c.run_until(10, |c| c.node(other).role() == Role::Follower && c.node(other).leader_id() == Some(leader));
    assert_eq!(c.leader(), Some(leader));
    assert!(c.nodes.values().all(|n| n.current_term() == term));
}

// ----- CheckQuorum and leader liveliness ------------------------------------------------------

#[test]
fn a_leader_that_hears_from_no_majority_within_an_election_timeout_steps_down() {
    let mut n = node_with(1, &THREE, check_quorum_config(), 1, None, &[]);
    make_leader(&mut n, 0);
    assert_eq!(n.next_deadline(), HB);
    // Heartbeats go out, nobody answers.
    let mut now = 0;
    while n.role() == Role::Leader && now < 10 * ET {
        now = n.next_deadline();
        n.handle_timeout(now, &mut rng());
        drain(&mut n);
    }
    assert_eq!(now, ET, "the check runs one election timeout after winning");
    assert_eq!((n.role(), n.current_term(), n.leader_id()), (Role::Follower, 2, None));
    assert_eq!(n.voted_for(), Some(1), "same term, vote kept");
    assert!(n.next_deadline() > now, "a follower again, with an election timer");
}

#[test]
fn a_leader_that_hears_from_a_majority_stays_and_the_window_restarts() {
    let mut n = node_with(1, &THREE, check_quorum_config(), 1, None, &[]);
    make_leader(&mut n, 0);
    n.handle_message(10, 2, append_ok(2, 0), &mut rng());
    assert!(n.quorum_heard_from().contains(&2));
    n.handle_timeout(ET, &mut rng());
    assert_eq!(n.role(), Role::Leader, "itself and S2: 2 of 3");
    drain(&mut n);
    // Stale-term or pre-vote messages do not count; nothing else arrives.
    n.handle_message(ET + 10, 3, append_ok(1, 0), &mut rng());
    n.handle_message(ET + 10, 3, pre_vote_reply(2, false), &mut rng());
    n.handle_timeout(2 * ET, &mut rng());
    assert_eq!(n.role(), Role::Follower, "the next window heard from nobody");
}

#[test]
fn without_check_quorum_a_lonely_leader_leads_forever() {
    let mut n = follower(1, &THREE, 1, None, &[]);
    make_leader(&mut n, 0);
    for _ in 0..100 {
        let now = n.next_deadline();
        n.handle_timeout(now, &mut rng());
        drain(&mut n);
    }
    assert_eq!(n.role(), Role::Leader);
}

/// Paper §6: "servers disregard RequestVote RPCs when they believe a current leader exists.
/// Specifically, if a server receives a RequestVote RPC within the minimum election timeout of
/// hearing from a current leader, it does not update its term or grant its vote." On by
/// default, without CheckQuorum.
#[test]
fn liveliness_ignores_request_vote_within_the_minimum_election_timeout_of_a_leader() {
    assert!(RaftConfig::default().leader_liveliness && !RaftConfig::default().check_quorum);
    let mut n = follower_that_heard_leader(fixed_config(), 2, &[1, 2], 1_000);
    n.handle_message(1_000 + ET - 1, 3, request_vote(7, 3, 2, 2), &mut rng());
    let ready = drain(&mut n);
    assert!(ready.messages.is_empty(), "ignored: not even a denial");
    assert!(ready.hard_state.is_none());
    assert_eq!((n.current_term(), n.voted_for(), n.leader_id()), (2, None, Some(2)), "term not adopted");
    // Once the leader has been quiet for the minimum election timeout, the usual rules apply.
    n.handle_message(1_000 + ET, 3, request_vote(7, 3, 2, 2), &mut rng());
    assert!(only_vote_reply(&drain(&mut n), 3).vote_granted);
    assert_eq!((n.current_term(), n.voted_for()), (7, Some(3)));
}

/// Thesis §3.10: the target of a leadership transfer "sends its RequestVote ... regardless of
/// its election timer"; the request says so, and liveliness lets it through.
#[test]
fn liveliness_lets_a_leadership_transfer_request_vote_through() {
    let mut n = follower_that_heard_leader(fixed_config(), 2, &[1, 2], 1_000);
    n.handle_message(1_010, 3, transfer_vote(3, 3, 2, 2), &mut rng());
    assert!(only_vote_reply(&drain(&mut n), 3).vote_granted);
    assert_eq!((n.current_term(), n.voted_for()), (3, Some(3)));
}

#[test]
fn a_leader_ignores_request_vote_but_not_a_transfer() {
    let mut n = node_with(1, &THREE, fixed_config(), 1, None, &[]);
    make_leader(&mut n, 0);
    n.handle_message(10, 3, request_vote(5, 3, 9, 9), &mut rng());
    assert!(drain(&mut n).messages.is_empty());
    assert_eq!((n.role(), n.current_term()), (Role::Leader, 2));
    n.handle_message(20, 3, transfer_vote(5, 3, 9, 9), &mut rng());
    assert_eq!((n.role(), n.current_term(), n.voted_for()), (Role::Follower, 5, Some(3)));
}

#[test]
fn without_leader_liveliness_request_vote_is_heard_even_right_after_a_heartbeat() {
    let mut n = follower_that_heard_leader(without_liveliness(), 2, &[1, 2], 1_000);
    n.handle_message(1_001, 3, request_vote(7, 3, 2, 2), &mut rng());
    assert!(only_vote_reply(&drain(&mut n), 3).vote_granted);
    assert_eq!(n.current_term(), 7);
}

// ----- TimeoutNow and leadership transfer ------------------------------------------------------

/// Node 1 leading term 2 of three, with node 2 caught up and node 3 knowing nothing.
fn leader_with_caught_up_2(config: RaftConfig) -> RaftNode {
    let mut n = node_with(1, &THREE, config, 1, None, &[1]);
    make_leader(&mut n, 0);
    n.handle_message(1, 2, append_ok(2, 1), &mut rng());
    drain(&mut n);
    n
}

fn timeout_nows(ready: &Ready) -> Vec<(NodeId, TimeoutNow)> {
    ready
        .messages
        .iter()
        .filter_map(|e| match &e.message {
            Message::TimeoutNow(t) => Some((e.to, t.clone())),
            _ => None,
        })
        .collect()
}

#[test]
fn timeout_now_starts_an_election_at_once_marked_as_a_transfer_even_with_prevote() {
    let mut n =
        node_with(2, &THREE, RaftConfig { pre_vote: true, check_quorum: true, ..fixed_config() }, 2, None, &[1]);
    n.handle_message(5, 1, Message::TimeoutNow(TimeoutNow { term: 2, leader_id: 1 }), &mut rng());
    assert_eq!((n.role(), n.current_term(), n.voted_for()), (Role::Candidate, 3, Some(2)), "no pre-vote round");
    let ready = drain(&mut n);
    let marked: Vec<NodeId> = ready
        .messages
        .iter()
        .filter(|e| matches!(&e.message, Message::RequestVote(rv) if rv.leadership_transfer && rv.term == 3))
        .map(|e| e.to)
        .collect();
    assert_eq!(marked, vec![1, 3]);
    // Its next election (a timeout) is an ordinary one again.
    n.handle_timeout(n.next_deadline(), &mut rng());
    assert_eq!(n.role(), Role::PreCandidate);
}

#[test]
fn a_stale_timeout_now_is_ignored() {
    let mut n = follower(2, &THREE, 4, None, &[1]);
    n.handle_message(5, 1, Message::TimeoutNow(TimeoutNow { term: 3, leader_id: 1 }), &mut rng());
    assert_eq!((n.role(), n.current_term()), (Role::Follower, 4));
    assert!(drain(&mut n).messages.is_empty());
}

#[test]
fn transfer_to_a_caught_up_follower_sends_timeout_now_at_once() {
    let mut n = leader_with_caught_up_2(fixed_config());
    assert_eq!(n.transfer_leadership(100, 2), Ok(()));
    assert_eq!(n.transfer_target(), Some(2));
    assert_eq!(timeout_nows(&drain(&mut n)), vec![(2, TimeoutNow { term: 2, leader_id: 1 })]);
    // Sent once: later replies from the target do not repeat it.
    n.handle_message(110, 2, append_ok(2, 1), &mut rng());
    assert!(timeout_nows(&drain(&mut n)).is_empty());
    // The target's election deposes the leader.
    n.handle_message(120, 2, transfer_vote(3, 2, 1, 1), &mut rng());
    assert_eq!((n.role(), n.current_term(), n.transfer_target()), (Role::Follower, 3, None));
}

#[test]
fn transfer_to_a_lagging_follower_first_brings_its_log_up_to_date() {
    let mut n = leader_with_caught_up_2(fixed_config());
    assert_eq!(n.transfer_leadership(100, 3), Ok(()));
    let ready = drain(&mut n);
    assert!(timeout_nows(&ready).is_empty(), "S3 is behind");
    let ae = append_to(&ready, 3);
    assert_eq!(ae.term, 2);
    // S3 rejects (its log is empty), then accepts the repair.
    n.handle_message(110, 3, append_reject(2, ae.prev_log_index, None, Some(1)), &mut rng());
    let ready = drain(&mut n);
    assert!(timeout_nows(&ready).is_empty());
    let repair = append_to(&ready, 3);
    assert_eq!(repair.prev_log_index, 0);
    n.handle_message(120, 3, append_ok(2, n.log().last_index()), &mut rng());
    assert_eq!(timeout_nows(&drain(&mut n)), vec![(3, TimeoutNow { term: 2, leader_id: 1 })]);
}

#[test]
fn a_transferring_leader_refuses_client_commands_and_resumes_after_an_election_timeout() {
    let mut n = leader_with_caught_up_2(fixed_config());
    n.transfer_leadership(100, 3).unwrap();
    drain(&mut n);
    let last = n.log().last_index();
    n.handle_client_request(110, 7, put(1, "k", "v"));
    let ready = drain(&mut n);
    assert_eq!(ready.replies, vec![(7, ClientReply::NotLeader { seq: 1, leader_hint: Some(3) })]);
    assert_eq!(n.log().last_index(), last, "nothing appended");
    // The transfer deadline is a wake-up of its own.
    assert_eq!(n.next_deadline(), n.next_deadline().min(100 + ET));
    let mut now = 110;
    while n.transfer_target().is_some() {
        now = n.next_deadline();
        assert!(now <= 100 + ET, "abandoned by its deadline");
        n.handle_timeout(now, &mut rng());
        drain(&mut n);
    }
    assert_eq!(now, 100 + ET);
    assert_eq!(n.role(), Role::Leader, "it resumes as leader");
    assert_eq!(n.transfer_target(), None);
    n.handle_client_request(now + 1, 7, put(1, "k", "v"));
    assert_eq!(n.log().last_index(), last + 1, "commands are accepted again");
}

#[test]
fn transfer_errors_are_refusals_not_panics() {
    let mut f = follower(2, &THREE, 1, None, &[]);
    f.handle_message(1, 1, append(1, 1, 0, 0, vec![], 0), &mut rng());
    assert_eq!(f.transfer_leadership(2, 3), Err(TransferError::NotLeader { leader_hint: Some(1) }));
    let mut n = leader_with_caught_up_2(fixed_config());
    assert_eq!(n.transfer_leadership(100, 1), Err(TransferError::AlreadyLeader));
    assert_eq!(n.transfer_leadership(100, 9), Err(TransferError::UnknownNode(9)));
    assert_eq!(n.transfer_target(), None);
    assert!(drain(&mut n).messages.is_empty());
    assert!(TransferError::UnknownNode(9).to_string().contains("S9"));
}

#[test]
fn a_transfer_in_a_cluster_makes_the_target_leader_of_the_next_term() {
    for config in [RaftConfig::default(), RaftConfig { pre_vote: true, check_quorum: true, ..RaftConfig::default() }] {
        let mut c = Cluster::new(5, config);
        let leader = c.elect_any();
        c.client(leader, 1, put(1, "a", "1"));
        c.settle();
        let term = c.node(leader).current_term();
        let target = if leader == 4 { 5 } else { 4 };
        let now = c.now;
        c.node_mut(leader).transfer_leadership(now, target).unwrap();
        c.deliver_all();
        assert_eq!(c.leader(), Some(target));
        assert_eq!(c.node(target).current_term(), term + 1);
        assert_eq!(c.node(leader).role(), Role::Follower);
    }
}

/// Thesis §3.10: "If the transfer does not complete within an election timeout, the prior
/// leader aborts the transfer and resumes accepting client requests." It also says so, for the
/// operator who asked: a transfer either completes or is reported abandoned.
#[test]
fn an_abandoned_transfer_is_reported_with_whether_timeout_now_went_out() {
    // S3 never catches up: no TimeoutNow.
    let mut n = leader_with_caught_up_2(fixed_config());
    n.transfer_leadership(100, 3).unwrap();
    drain(&mut n);
    n.handle_timeout(100 + ET - 1, &mut rng());
    assert!(drain(&mut n).notices.is_empty(), "not before its deadline");
    n.handle_timeout(100 + ET, &mut rng());
    let notices = drain(&mut n).notices;
    assert_eq!(notices, vec![Notice::TransferAbandoned { target: 3, timeout_now_sent: false, lease_kept: false }]);
    assert!(notices[0].to_string().contains("abandoned"), "{}", notices[0]);
    // S2 got TimeoutNow but never took over (it crashed, say).
    let mut n = leader_with_caught_up_2(fixed_config());
    n.transfer_leadership(100, 2).unwrap();
    assert_eq!(timeout_nows(&drain(&mut n)).len(), 1);
    n.handle_timeout(100 + ET, &mut rng());
    assert_eq!(
        drain(&mut n).notices,
        vec![Notice::TransferAbandoned { target: 2, timeout_now_sent: true, lease_kept: false }]
    );
    assert_eq!(n.role(), Role::Leader);
}

/// Thesis §3.10 lists a leader that "must step down" (it is removed from the configuration) as
/// a use of leadership transfer. A leader asked to transfer that is removed before its target
/// caught up still hands over: TimeoutNow to a voter of C_new holding all its entries, sent
/// before it steps down, so the cluster does not wait an election timeout for a leader.
#[test]
fn a_leader_removing_itself_during_a_transfer_sends_timeout_now_before_stepping_down() {
    let mut n = node_with(1, &FIVE, fixed_config(), 1, None, &[]);
    make_leader(&mut n, 0);
    let term = n.current_term();
    n.handle_client_request(5, 7, put(1, "k", "v"));
    for p in [2, 3, 4] {
        n.handle_message(6, p, append_ok(term, 1), &mut rng());
    }
    drain(&mut n);
    n.transfer_leadership(10, 5).unwrap(); // S5 lags: no TimeoutNow yet
    assert!(timeout_nows(&drain(&mut n)).is_empty());
    n.remove_server(20, 1).unwrap();
    drain(&mut n);
    // S2, S3 and S4 store everything; S5 stays silent. C_old,new commits, then C_new.
    for round in 0..2 {
        let last = n.log().last_index();
        for p in [2, 3, 4] {
            n.handle_message(30 + round, p, append_ok(term, last), &mut rng());
        }
        if round == 0 {
            drain(&mut n);
        }
    }
    assert_eq!(n.role(), Role::Follower, "C_new committed without it: it stepped down");
    let ready = drain(&mut n);
    assert_eq!(timeout_nows(&ready), vec![(2, TimeoutNow { term, leader_id: 1 })], "S5 holds nothing: S2 instead");
    assert_eq!(ready.notices, vec![Notice::HandedOver { target: 2 }]);
    assert_eq!(n.transfer_target(), None);
}

/// The same, but a client command reached the leader after C_new: no voter of C_new holds its
/// last entry, so none could be told to campaign; it steps down and says why.
#[test]
fn a_removed_leader_without_a_caught_up_voter_steps_down_and_says_so() {
    let mut n = node_with(1, &THREE, fixed_config(), 1, None, &[]);
    make_leader(&mut n, 0);
    let term = n.current_term();
    n.remove_server(10, 1).unwrap();
    drain(&mut n);
    let joint = n.log().last_index();
    for p in [2, 3] {
        n.handle_message(20, p, append_ok(term, joint), &mut rng());
    }
    drain(&mut n);
    let c_new = n.log().last_index();
    n.handle_client_request(25, 7, put(1, "k", "v"));
    drain(&mut n);
    for p in [2, 3] {
        n.handle_message(30, p, append_ok(term, c_new), &mut rng());
    }
    assert_eq!(n.role(), Role::Follower);
    let ready = drain(&mut n);
    assert!(timeout_nows(&ready).is_empty());
    assert_eq!(ready.notices, vec![Notice::SteppedDownWithoutHandover { transfer_target: None }]);
}
