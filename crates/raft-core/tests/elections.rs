//! Figure 2, "Rules for Servers — Followers and Candidates": election timeouts and vote counting.
mod common;

use common::*;
use raft_core::{HardState, Message, RaftConfig, RaftNode, RequestVote, Role};
use std::collections::BTreeMap;

const FIVE: [u32; 5] = [1, 2, 3, 4, 5];

fn request_votes(ready: &raft_core::Ready) -> BTreeMap<u32, RequestVote> {
    ready
        .messages
        .iter()
        .map(|env| match &env.message {
            Message::RequestVote(rv) => (env.to, rv.clone()),
            other => panic!("expected only RequestVote, got {other:?}"),
        })
        .collect()
}

#[test]
fn a_follower_does_nothing_before_its_election_timeout() {
    let mut n = follower(1, &FIVE, 2, None, &[1]);
    n.handle_timeout(ET - 1, &mut rng());
    assert_eq!(n.role(), Role::Follower);
    assert_eq!(n.current_term(), 2);
    assert!(drain(&mut n).is_empty());
}

#[test]
fn election_timeout_starts_an_election() {
    let mut n = follower(1, &FIVE, 2, Some(3), &[1, 1, 2]);
    n.handle_timeout(ET, &mut rng());
    let ready = drain(&mut n);
    assert_eq!(n.role(), Role::Candidate);
    assert_eq!(n.current_term(), 3, "currentTerm incremented");
    assert_eq!(n.voted_for(), Some(1), "votes for itself");
    assert_eq!(n.leader_id(), None);
    assert!(n.votes_granted().contains(&1));
    let written = HardState { current_term: 3, voted_for: Some(1) };
    assert_eq!(ready.hard_state, Some(written), "term and vote are persisted");
    assert!(ready.persist);
    let rvs = request_votes(&ready);
    assert_eq!(rvs.keys().copied().collect::<Vec<_>>(), vec![2, 3, 4, 5], "one RequestVote per peer");
    for rv in rvs.values() {
        assert_eq!(
            *rv,
            RequestVote { term: 3, candidate_id: 1, last_log_index: 3, last_log_term: 2, leadership_transfer: false }
        );
    }
    assert_eq!(n.next_deadline(), ET + ET, "the election timer is reset");
}

#[test]
fn the_election_timeout_is_drawn_within_bounds() {
    let config = RaftConfig { election_timeout_min: 100, election_timeout_max: 200, ..fixed_config() };
    let mut r = Lcg(3);
    let mut seen = std::collections::BTreeSet::new();
    for i in 0..200 {
        let n = RaftNode::new(1, &FIVE, config.clone(), Default::default(), i, &mut r);
        assert!((100..=200).contains(&n.election_timeout()));
        assert_eq!(n.next_deadline(), i + n.election_timeout());
        seen.insert(n.election_timeout());
    }
    assert!(seen.len() > 10, "timeouts are randomised");
}

#[test]
fn a_candidate_with_a_majority_of_votes_becomes_leader() {
    let mut n = follower(1, &FIVE, 0, None, &[]);
    make_candidate(&mut n, 10);
    n.handle_message(20, 2, vote_reply(1, true), &mut rng());
    assert_eq!(n.role(), Role::Candidate, "2 of 5");
    n.handle_message(30, 3, vote_reply(1, false), &mut rng());
    n.handle_message(35, 5, vote_reply(1, false), &mut rng());
    assert_eq!(n.role(), Role::Candidate, "denials do not count");
    assert_eq!(n.votes_denied().len(), 2);
    n.handle_message(40, 4, vote_reply(1, true), &mut rng());
    assert_eq!(n.role(), Role::Leader, "3 of 5");
    assert_eq!(n.leader_id(), Some(1));
    assert_eq!(n.current_term(), 1);
    assert_eq!(n.next_deadline(), 40 + HB);
}

#[test]
fn a_duplicated_vote_is_counted_once() {
    let mut n = follower(1, &FIVE, 0, None, &[]);
    make_candidate(&mut n, 10);
    for _ in 0..3 {
        n.handle_message(20, 2, vote_reply(1, true), &mut rng());
    }
    assert_eq!(n.role(), Role::Candidate);
    assert_eq!(n.votes_granted().len(), 2);
}

#[test]
fn vote_replies_of_an_earlier_term_are_ignored() {
    let mut n = follower(1, &[1, 2, 3], 4, None, &[]);
    make_candidate(&mut n, 10);
    assert_eq!(n.current_term(), 5);
    n.handle_message(20, 2, vote_reply(4, true), &mut rng());
    n.handle_message(20, 3, vote_reply(3, true), &mut rng());
    assert_eq!(n.role(), Role::Candidate, "granted votes from older elections do not count");
    assert_eq!(n.votes_granted().len(), 1);
    n.handle_message(30, 3, vote_reply(5, true), &mut rng());
    assert_eq!(n.role(), Role::Leader);
}

#[test]
fn votes_from_an_earlier_election_of_the_same_node_are_not_carried_over() {
    let mut n = follower(1, &FIVE, 0, None, &[]);
    make_candidate(&mut n, 10);
    n.handle_message(20, 2, vote_reply(1, true), &mut rng());
    n.handle_message(20, 3, vote_reply(1, true), &mut rng()); // leader now
    assert_eq!(n.role(), Role::Leader);

    let mut m = follower(1, &FIVE, 0, None, &[]);
    make_candidate(&mut m, 10);
    m.handle_message(20, 2, vote_reply(1, true), &mut rng());
    m.handle_timeout(10 + ET, &mut rng()); // split vote, new election in term 2
    drain(&mut m);
    m.handle_message(30, 3, vote_reply(2, true), &mut rng());
    assert_eq!(m.role(), Role::Candidate, "node 2's vote was for term 1");
    assert_eq!(m.votes_granted().len(), 2);
}

#[test]
fn a_split_vote_times_out_and_starts_a_new_election_in_a_higher_term() {
    let mut n = follower(1, &FIVE, 0, None, &[1]);
    make_candidate(&mut n, 0);
    assert_eq!(n.current_term(), 1);
    n.handle_message(10, 2, vote_reply(1, true), &mut rng());
    n.handle_message(10, 3, vote_reply(1, false), &mut rng());
    n.handle_message(10, 4, vote_reply(1, false), &mut rng());
    // Not yet timed out.
    n.handle_timeout(ET - 1, &mut rng());
    assert_eq!(n.current_term(), 1);
    assert!(drain(&mut n).messages.is_empty());
    n.handle_timeout(ET, &mut rng());
    let ready = drain(&mut n);
    assert_eq!(n.role(), Role::Candidate);
    assert_eq!(n.current_term(), 2);
    assert_eq!(n.voted_for(), Some(1));
    assert_eq!(n.votes_granted().iter().copied().collect::<Vec<_>>(), vec![1]);
    assert!(n.votes_denied().is_empty());
    let rvs = request_votes(&ready);
    assert_eq!(rvs.len(), 4);
    assert!(rvs.values().all(|rv| rv.term == 2 && rv.last_log_index == 1 && rv.last_log_term == 1));
    assert_eq!(n.next_deadline(), 2 * ET);
}

#[test]
fn a_single_node_cluster_becomes_leader_at_once() {
    let config = RaftConfig { noop_on_election: true, ..fixed_config() };
    let mut n = node_with(1, &[1], config, 0, None, &[]);
    n.handle_timeout(ET, &mut rng());
    assert_eq!(n.role(), Role::Leader);
    assert_eq!(n.current_term(), 1);
    let ready = drain(&mut n);
    assert!(ready.messages.is_empty(), "no peers to talk to");
    assert_eq!(n.commit_index(), 1, "its no-op is committed by its own replica alone");
    assert_eq!(ready.applied.len(), 1);
    n.handle_client_request(ET + 1, 5, put(1, "k", "v"));
    let ready = drain(&mut n);
    assert_eq!(n.commit_index(), 2);
    assert_eq!(ready.replies, vec![(5, raft_core::ClientReply::Ok { seq: 1, value: None })]);
}

#[test]
fn a_candidate_steps_down_on_a_vote_reply_with_a_higher_term() {
    let mut n = follower(1, &FIVE, 0, None, &[]);
    make_candidate(&mut n, 10);
    n.handle_message(20, 2, vote_reply(4, false), &mut rng());
    let ready = drain(&mut n);
    assert_eq!(n.role(), Role::Follower);
    assert_eq!(n.current_term(), 4);
    assert_eq!(n.voted_for(), None);
    assert!(ready.hard_state.is_some());
}

#[test]
fn force_election_timeout_makes_even_a_leader_campaign() {
    let mut n = follower(1, &[1, 2, 3], 0, None, &[]);
    make_leader(&mut n, 10);
    n.force_election_timeout(20, &mut rng());
    assert_eq!(n.role(), Role::Candidate);
    assert_eq!(n.current_term(), 2);
    assert!(n.next_index().is_empty());
    assert_eq!(request_votes(&drain(&mut n)).len(), 2);
}

// ----- Whole elections over the in-test network --------------------------------------------------

#[test]
fn three_nodes_elect_exactly_one_leader() {
    let mut c = Cluster::new(3, RaftConfig::default());
    let leader = c.elect_any();
    let term = c.node(leader).current_term();
    assert_eq!(c.leaders(), vec![leader]);
    for n in c.nodes.values() {
        assert_eq!(n.current_term(), term);
        assert_eq!(n.leader_id(), Some(leader));
    }
    // Heartbeats keep it in place for a long while.
    for _ in 0..100 {
        c.step_time();
    }
    assert_eq!(c.leaders(), vec![leader]);
    assert_eq!(c.node(leader).current_term(), term);
}

#[test]
fn five_nodes_elect_a_leader_and_replace_it_when_it_is_cut_off() {
    let mut c = Cluster::new(5, RaftConfig::default());
    let first = c.elect_any();
    let first_term = c.node(first).current_term();
    c.client(first, 1, put(1, "x", "1"));
    c.settle();
    c.isolated.insert(first);
    c.run_until(200, |c| c.leader().is_some_and(|l| l != first));
    let second = c.leader().unwrap();
    assert!(c.node(second).current_term() > first_term);
    assert_eq!(c.node(second).log().get(2).map(|e| e.term), Some(first_term), "committed entry kept");
    // The old leader rejoins and learns the new term.
    c.isolated.clear();
    c.run_until(50, |c| c.node(first).role() == raft_core::Role::Follower);
    c.settle();
    assert_eq!(c.leaders(), vec![second]);
    assert_eq!(c.node(first).leader_id(), Some(second));
}

#[test]
fn a_candidate_with_a_stale_log_cannot_win() {
    // Node 3 missed the last entry; forcing it to campaign repeatedly never makes it leader.
    let states =
        vec![(1, persisted(2, None, &[1, 2])), (2, persisted(2, None, &[1, 2])), (3, persisted(2, None, &[1]))];
    let mut c = Cluster::with_states(states, fixed_config());
    for _ in 0..3 {
        c.campaign(3);
        assert_ne!(c.node(3).role(), Role::Leader);
    }
    c.campaign(1);
    assert_eq!(c.leaders(), vec![1]);
}
