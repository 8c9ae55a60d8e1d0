//! Membership changes (§6 of the paper, chapter 4 of Ongaro's thesis): one test per rule.
mod common;

use common::*;
use raft_core::{
    ChangeRefused, Configuration, Entry, EntryPayload, MembershipMode, Message, NodeId, Notice, RaftConfig, RaftNode,
    Role, UnsafeRule, UnsafeRules, CATCH_UP_ROUNDS,
};
use std::collections::BTreeSet;

fn set(ids: &[NodeId]) -> BTreeSet<NodeId> {
    ids.iter().copied().collect()
}

fn config_entry(term: u64, index: u64, c: Configuration) -> Entry {
    Entry { term, index, payload: EntryPayload::Configuration(c) }
}

fn joint(old: &[NodeId], new: &[NodeId]) -> Configuration {
    Configuration { voters: set(old), new_voters: Some(set(new)), learners: BTreeSet::new() }
}

/// A cluster of `n` initial voters plus servers `n+1..=total` that boot with no configuration.
fn cluster_with_spares(n: u32, total: u32, config: RaftConfig) -> Cluster {
    let mut c = Cluster::new(n, config);
    for id in n + 1..=total {
        c.add_spare(id);
    }
    c
}

fn configurations(node: &RaftNode) -> Vec<Configuration> {
    node.log()
        .iter()
        .filter_map(|e| match &e.payload {
            EntryPayload::Configuration(c) => Some(c.clone()),
            _ => None,
        })
        .collect()
}

fn request_vote_targets(node: &mut RaftNode) -> BTreeSet<NodeId> {
    drain(node).messages.iter().filter(|m| matches!(m.message, Message::RequestVote(_))).map(|m| m.to).collect()
}

#[test]
fn a_server_uses_the_latest_configuration_in_its_log_even_uncommitted() {
    let mut n = follower(1, &[1, 2, 3], 1, None, &[1]);
    let five = Configuration::new([1, 2, 3, 4, 5]);
    n.handle_message(10, 2, append(1, 2, 1, 1, vec![config_entry(1, 2, five.clone())], 0), &mut rng());
    assert_eq!(n.commit_index(), 0, "nothing is committed");
    assert_eq!(n.configuration(), &five);
    assert_eq!(n.configuration_index(), 2);
    // Its next election asks the voters of that configuration.
    drain(&mut n);
    n.force_election_timeout(20, &mut rng());
    assert_eq!(request_vote_targets(&mut n), set(&[2, 3, 4, 5]));
}

#[test]
fn truncating_a_configuration_entry_reverts_to_the_previous_one() {
    let four = Configuration::new([1, 2, 3, 4]);
    let five = Configuration::new([1, 2, 3, 4, 5]);
    let mut n = follower(1, &[1, 2, 3], 1, None, &[]);
    let entries = vec![config_entry(1, 1, four.clone()), config_entry(1, 2, five.clone())];
    n.handle_message(10, 2, append(1, 2, 0, 0, entries, 0), &mut rng());
    assert_eq!(n.configuration(), &five);
    // A leader of term 2 has a different entry 2: the follower deletes its own, and with it C5.
    n.handle_message(20, 3, append(2, 3, 1, 1, vec![noop(2, 2)], 0), &mut rng());
    assert_eq!(n.configuration(), &four);
    assert_eq!(n.configuration_index(), 1);
    // And deleting every configuration entry falls back to the boot configuration.
    n.handle_message(30, 3, append(3, 3, 0, 0, vec![noop(3, 1)], 0), &mut rng());
    assert_eq!(n.configuration(), &Configuration::new([1, 2, 3]));
    assert_eq!(n.configuration_index(), 0);
}

#[test]
fn joint_quorum_needs_majorities_of_both_old_and_new() {
    let c = joint(&[1, 2, 3], &[3, 4, 5]);
    assert!(!c.is_quorum(&set(&[1, 2, 3])), "old majority only");
    assert!(!c.is_quorum(&set(&[3, 4, 5])), "new majority only");
    assert!(!c.is_quorum(&set(&[1, 4])), "one of each");
    assert!(c.is_quorum(&set(&[2, 3, 4])));
    assert!(c.is_quorum(&set(&[1, 2, 4, 5])));
    let plain = Configuration::new([1, 2, 3]);
    assert!(plain.is_quorum(&set(&[1, 3])) && !plain.is_quorum(&set(&[3, 4, 5])));

    // A leader in joint consensus commits only when both majorities hold the entry.
    let mut leader = follower(1, &[1, 2, 3], 0, None, &[]);
    leader.handle_message(0, 2, append(1, 2, 0, 0, vec![config_entry(1, 1, c.clone())], 1), &mut rng());
    leader.force_election_timeout(10, &mut rng());
    let term = leader.current_term();
    leader.handle_message(10, 2, vote_reply(term, true), &mut rng());
    assert_eq!(leader.role(), Role::Candidate, "S1 and S2 are no majority of C_new");
    leader.handle_message(10, 4, vote_reply(term, true), &mut rng());
    assert_eq!(leader.role(), Role::Candidate, "S1 and S4 are no majority of C_old");
    leader.handle_message(10, 5, vote_reply(term, true), &mut rng());
    assert_eq!(leader.role(), Role::Leader);
    leader.handle_client_request(20, 9, put(1, "x", "1"));
    drain(&mut leader);
    let last = leader.log().last_index();
    leader.handle_message(30, 2, append_ok(term, last), &mut rng());
    assert!(leader.commit_index() < last, "S1 and S2 are a majority of C_old, not of C_new");
    leader.handle_message(30, 4, append_ok(term, last), &mut rng());
    assert!(leader.commit_index() < last, "S4 alone is not a majority of C_new {{3,4,5}}");
    leader.handle_message(30, 5, append_ok(term, last), &mut rng());
    assert_eq!(leader.commit_index(), last, "now {{1,2}} of C_old and {{4,5}} of C_new");
}

#[test]
fn learners_receive_the_log_but_never_vote_or_count() {
    let with_learner = Configuration { voters: set(&[1, 2, 3]), new_voters: None, learners: set(&[4]) };
    // A learner never campaigns.
    let mut learner = follower(4, &[], 0, None, &[]);
    learner.handle_message(0, 1, append(1, 1, 0, 0, vec![config_entry(1, 1, with_learner.clone())], 1), &mut rng());
    assert_eq!(learner.configuration(), &with_learner);
    for t in [ET, 3 * ET, 10 * ET] {
        learner.handle_timeout(t, &mut rng());
        assert_eq!(learner.role(), Role::Follower);
        assert_eq!(learner.current_term(), 1);
    }
    assert!(drain(&mut learner).messages.iter().all(|m| !matches!(m.message, Message::RequestVote(_))));

    // A candidate does not ask it, and its vote does not count.
    let mut cand = follower(1, &[1, 2, 3], 0, None, &[]);
    cand.handle_message(0, 2, append(1, 2, 0, 0, vec![config_entry(1, 1, with_learner.clone())], 1), &mut rng());
    drain(&mut cand);
    cand.force_election_timeout(10, &mut rng());
    assert_eq!(request_vote_targets(&mut cand), set(&[2, 3]));
    cand.handle_message(20, 4, vote_reply(2, true), &mut rng());
    assert_eq!(cand.role(), Role::Candidate, "the learner's vote does not make a majority");
    cand.handle_message(20, 2, vote_reply(2, true), &mut rng());
    assert_eq!(cand.role(), Role::Leader);

    // The leader replicates to it but its acknowledgement does not count.
    let ready = drain(&mut cand);
    assert!(appends(&ready).contains_key(&4), "learners get AppendEntries");
    cand.handle_client_request(30, 9, put(1, "x", "1"));
    drain(&mut cand);
    let last = cand.log().last_index();
    cand.handle_message(40, 4, append_ok(2, last), &mut rng());
    assert!(cand.commit_index() < last);
    cand.handle_message(40, 3, append_ok(2, last), &mut rng());
    assert_eq!(cand.commit_index(), last);
}

#[test]
fn adding_servers_goes_through_learners_then_joint_then_new() {
    let mut c = cluster_with_spares(3, 5, fixed_config());
    let leader = 1;
    c.campaign(1);
    c.settle_members(&[1, 2, 3]);
    // The spares never campaign while they are outside the configuration.
    assert!(c.nodes.values().filter(|n| n.id() > 3).all(|n| n.current_term() == 0 && n.role() == Role::Follower));
    let now = c.now;
    c.node_mut(leader).change_membership(now, set(&[1, 2, 3, 4, 5])).unwrap();
    c.deliver_all();
    c.run_until(100, |c| {
        c.nodes.values().all(|n| n.configuration() == &Configuration::new([1, 2, 3, 4, 5]))
            && c.nodes.values().all(|n| n.commit_index() >= n.configuration_index())
    });
    let steps = configurations(c.node(leader));
    assert_eq!(
        steps,
        vec![
            Configuration { voters: set(&[1, 2, 3]), new_voters: None, learners: set(&[4, 5]) },
            joint(&[1, 2, 3], &[1, 2, 3, 4, 5]),
            Configuration::new([1, 2, 3, 4, 5]),
        ]
    );
    assert!(c.node(leader).membership_change().is_none(), "the change is finished");
    // The grown cluster keeps serving clients, on all five servers.
    let l = c.leader().unwrap();
    c.client(l, 9, put(1, "x", "1"));
    c.settle();
    assert!(c.nodes.values().all(|n| n.kv().data().get("x").map(String::as_str) == Some("1")));
}

/// Thesis §4.2.2: a leader outside C_new "steps down (returns to follower state) once the
/// C_new entry is committed"; §3.10: leadership transfer is useful when "the leader must step
/// down", so it first sends TimeoutNow to a voter of C_new that holds all its entries, and the
/// cluster has a leader again without waiting for an election timeout.
#[test]
fn a_leader_outside_c_new_steps_down_after_committing_it_and_hands_over() {
    let mut c = Cluster::new(3, fixed_config());
    c.campaign(1);
    c.settle();
    let now = c.now;
    c.node_mut(1).remove_server(now, 1).unwrap();
    c.deliver_all();
    // Until C_new commits it keeps leading (C_old,new counts it in C_old only).
    c.run_until(50, |c| c.node(1).role() != Role::Leader);
    let last = configurations(c.node(1)).last().cloned().unwrap();
    assert_eq!(last, Configuration::new([2, 3]));
    assert!(c.node(1).commit_index() >= c.node(1).configuration_index(), "it stepped down after C_new committed");
    // It told S2 (the first voter of C_new holding all its entries) to campaign at once: the
    // others learned the commit and elected S2 before any election timer fired.
    let stepped_down_at = c.now;
    let handed: Vec<NodeId> = c
        .delivered
        .iter()
        .filter(|e| e.from == 1 && matches!(e.message, Message::TimeoutNow(_)))
        .map(|e| e.to)
        .collect();
    assert_eq!(handed, vec![2]);
    assert_eq!(c.leader(), Some(2));
    assert_eq!(c.now, stepped_down_at, "no timer had to fire");
    assert!(c.node(2).commit_index() >= 2 && c.node(3).commit_index() >= 2);
    let term_of_1 = c.node(1).current_term();
    for _ in 0..20 {
        c.step_time();
    }
    assert_eq!(c.node(1).role(), Role::Follower);
    assert!(c.node(1).current_term() <= term_of_1 + 1, "S1 never campaigns");
    let l = c.leader().unwrap();
    assert!(l == 2 || l == 3);
    assert!(!c.node(l).configuration().is_voter(1));
}

#[test]
fn one_change_at_a_time_and_only_at_the_leader() {
    let mut c = cluster_with_spares(3, 5, fixed_config());
    c.campaign(1);
    c.settle_members(&[1, 2, 3]);
    let now = c.now;
    assert_eq!(c.node_mut(2).add_server(now, 4), Err(ChangeRefused::NotLeader { leader_hint: Some(1) }));
    c.node_mut(1).add_server(now, 4).unwrap();
    assert_eq!(c.node_mut(1).add_server(now, 5), Err(ChangeRefused::ChangeInProgress));
    assert_eq!(c.node_mut(1).remove_server(now, 2), Err(ChangeRefused::ChangeInProgress));
    c.deliver_all();
    c.run_until(50, |c| !c.node(1).membership_change_in_progress());
    assert_eq!(c.node(1).configuration(), &Configuration::new([1, 2, 3, 4]));
    // Once finished, the next change is accepted; no-ops and empty sets are refused.
    let now = c.now;
    assert_eq!(c.node_mut(1).change_membership(now, set(&[1, 2, 3, 4])), Err(ChangeRefused::NothingToChange));
    assert_eq!(c.node_mut(1).change_membership(now, set(&[])), Err(ChangeRefused::NoVoters));
    assert_eq!(c.node_mut(1).add_server(now, 5), Ok(()));
}

#[test]
fn single_server_mode_requires_an_entry_of_the_leaders_term_committed() {
    let single = |rule: Option<UnsafeRule>| RaftConfig {
        membership_mode: MembershipMode::SingleServer,
        unsafe_rules: rule.map_or(UnsafeRules::default(), |r| UnsafeRules::default().with(r)),
        ..fixed_config()
    };
    for rule in [None, Some(UnsafeRule::UnsafeSingleServerChange)] {
        // A fresh leader of term 2 whose log holds only term-1 entries (nothing of its term).
        let mut n = node_with(1, &[1, 2, 3], single(rule), 1, None, &[1]);
        make_leader(&mut n, 10);
        let result = n.remove_server(20, 3);
        if rule.is_none() {
            assert_eq!(result, Err(ChangeRefused::NoEntryCommittedInTerm { term: 2 }));
            // Once an entry of term 2 commits, the change is accepted.
            n.handle_client_request(30, 9, put(1, "x", "1"));
            drain(&mut n);
            let last = n.log().last_index();
            n.handle_message(40, 2, append_ok(2, last), &mut rng());
            assert_eq!(n.commit_index(), last);
            assert_eq!(n.remove_server(50, 3), Ok(()));
        } else {
            assert_eq!(result, Ok(()), "the broken rule appends at once");
        }
        // Single-server mode: C_new straight into the log, no joint configuration.
        assert_eq!(n.configuration(), &Configuration::new([1, 2]));
        assert!(configurations(&n).iter().all(|c| !c.is_joint()));
    }
    // And one voter at a time.
    let mut n = node_with(1, &[1, 2, 3], single(None), 0, None, &[]);
    make_leader(&mut n, 10);
    n.handle_client_request(30, 9, put(1, "x", "1"));
    drain(&mut n);
    n.handle_message(40, 2, append_ok(1, n.log().last_index()), &mut rng());
    assert_eq!(
        n.change_membership(50, set(&[1, 4, 5])),
        Err(ChangeRefused::MoreThanOneServer { added: 2, removed: 2 })
    );
}

#[test]
fn joint_mode_does_not_need_the_own_term_rule_but_still_one_change_at_a_time() {
    let mut n = node_with(1, &[1, 2, 3], fixed_config(), 1, None, &[1]);
    make_leader(&mut n, 10);
    // Its volatile commitIndex is 0 and the configuration (index 0) is committed by definition.
    assert_eq!(n.change_membership(20, set(&[1, 2])), Ok(()));
    assert!(n.configuration().is_joint());
    assert_eq!(n.add_server(20, 4), Err(ChangeRefused::ChangeInProgress));
}

#[test]
fn new_servers_that_never_catch_up_make_the_leader_give_up() {
    let mut c = cluster_with_spares(3, 4, fixed_config());
    c.isolated.insert(4);
    c.campaign(1);
    c.settle_members(&[1, 2, 3]);
    let now = c.now;
    c.node_mut(1).add_server(now, 4).unwrap();
    c.deliver_all();
    c.run_until(200, |c| c.node(1).membership_change().is_none());
    // S4 is left a learner; the voters are unchanged and the next change is accepted.
    assert_eq!(c.node(1).configuration().voters, set(&[1, 2, 3]));
    assert_eq!(c.node(1).configuration().learners, set(&[4]));
    let now = c.now;
    assert_eq!(c.node_mut(1).remove_server(now, 3), Ok(()));
}

/// Leader S1 of {1,2,3} (no no-op) that has just asked to add S4: S4 joins as a learner.
/// Returns the leader and the index of the learner entry (committed by S2).
fn leader_adding_4() -> (RaftNode, u64) {
    let mut n = node_with(1, &[1, 2, 3], fixed_config(), 1, None, &[]);
    make_leader(&mut n, 0);
    n.add_server(0, 4).unwrap();
    let learners = n.log().last_index();
    n.handle_message(1, 2, append_ok(2, learners), &mut rng());
    drain(&mut n);
    assert_eq!(n.configuration().learners, set(&[4]));
    (n, learners)
}

/// Drive S4's catch-up rounds with client load: in each round a new command arrives at the
/// leader, and S4 acknowledges exactly the entries present at the round's start, `round_ms`
/// after it started. Returns what the leader said and did once it stopped waiting.
fn catch_up_with_rounds_lasting(round: u64) -> (RaftNode, Vec<Notice>) {
    let (mut n, learners) = leader_adding_4();
    let (mut now, mut until, mut notices) = (1, learners, Vec::new());
    for seq in 1..=CATCH_UP_ROUNDS as u64 + 2 {
        if n.membership_change().is_none() || n.configuration().is_joint() {
            break;
        }
        n.handle_client_request(now, 9, put(seq, "k", "v"));
        let last = n.log().last_index();
        now += round;
        n.handle_message(now, 4, append_ok(2, until), &mut rng());
        n.handle_message(now, 2, append_ok(2, last), &mut rng());
        notices.extend(drain(&mut n).notices);
        until = last;
    }
    (n, notices)
}

/// Thesis §4.2.1: "The algorithm waits a fixed number of rounds (such as 10). If the last round
/// lasts less than an election timeout, then the leader adds the new server to the cluster."
#[test]
fn a_learner_is_added_after_its_rounds_once_the_last_is_shorter_than_an_election_timeout() {
    let (n, notices) = catch_up_with_rounds_lasting(ET / 2);
    assert!(notices.is_empty(), "{notices:?}");
    assert!(n.configuration().is_joint(), "S4 added: C_old,new appended");
    assert_eq!(n.configuration().new_voters, Some(set(&[1, 2, 3, 4])));
}

/// "Otherwise, the leader aborts the configuration change with an error." Before the rounds,
/// a learner counted as caught up once its matchIndex reached commitIndex: this one would have
/// been added after its first acknowledgement.
#[test]
fn a_learner_whose_last_round_takes_an_election_timeout_is_not_added_and_the_change_aborts() {
    let (n, notices) = catch_up_with_rounds_lasting(ET + 1);
    assert_eq!(n.configuration().voters, set(&[1, 2, 3]), "no voter changed");
    assert_eq!(n.configuration().learners, set(&[4]), "S4 stays a learner");
    assert!(n.membership_change().is_none());
    assert_eq!(notices.len(), 1, "{notices:?}");
    match &notices[0] {
        Notice::MembershipAborted { voters, reason } => {
            assert_eq!(voters, &set(&[1, 2, 3, 4]));
            let reason = reason.to_string();
            assert!(reason.contains("too slow") && reason.contains("S4"), "{reason}");
        }
        other => panic!("expected an abort, got {other:?}"),
    }
}

/// Rounds end when the entries present at their start are stored: an idle cluster's learner
/// does all its rounds at once when it catches up, and the change goes ahead.
#[test]
fn an_idle_learner_does_its_rounds_at_once() {
    let (mut n, learners) = leader_adding_4();
    let c = n.membership_change().unwrap().catch_up[&4];
    assert_eq!((c.round, c.until), (2, learners), "round 1 (the empty log before the learner entry) is done");
    n.handle_message(2, 4, append_ok(2, learners), &mut rng());
    assert!(n.configuration().is_joint());
}
