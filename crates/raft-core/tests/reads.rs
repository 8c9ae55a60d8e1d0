//! Reads without the log (thesis §6.4): ReadIndex, leases, and the `stale-reads` break rule.
mod common;

use common::*;
use raft_core::{AppendEntries, ClientReply, Message, Notice, RaftConfig, RaftNode, ReadMode, Ready, Role, UnsafeRule};

const MS: u64 = 1_000;

fn config(mode: ReadMode) -> RaftConfig {
    RaftConfig { noop_on_election: true, read_mode: mode, ..fixed_config() }
}

/// A reply acknowledging heartbeat round `round`.
fn ack(term: u64, match_index: u64, round: u64) -> Message {
    append_ok_in_round(term, match_index, round)
}

/// The round stamped on the AppendEntries in `ready` (they all carry the same one).
fn sent_round(ready: &Ready) -> u64 {
    let rounds: Vec<u64> = appends(ready).values().flatten().map(|ae: &AppendEntries| ae.round).collect();
    assert!(!rounds.is_empty(), "no AppendEntries sent");
    assert!(rounds.iter().all(|&r| r == rounds[0]), "one round per broadcast: {rounds:?}");
    rounds[0]
}

/// Node 1 leads `members` in term 1 and has committed its no-op (and, if given, x=v at index 2).
fn leader_with_commit(members: &[u32], config: RaftConfig, now: u64, x: Option<&str>) -> RaftNode {
    let mut n = node_with(1, members, config, 0, None, &[]);
    make_leader(&mut n, now);
    let majority = members.len() / 2;
    let mut last = 1;
    if let Some(v) = x {
        n.handle_client_request(now, 50, put(1, "x", v));
        drain(&mut n);
        last = 2;
    }
    let round = n.heartbeat_round();
    for &p in members.iter().filter(|&&p| p != 1).take(majority) {
        n.handle_message(now, p, ack(1, last, round), &mut rng());
    }
    drain(&mut n);
    assert_eq!(n.commit_index(), last);
    n
}

#[test]
fn a_read_waits_until_the_leader_commits_an_entry_of_its_term() {
    let mut n = node_with(1, &[1, 2, 3], config(ReadMode::ReadIndex), 0, None, &[]);
    make_leader(&mut n, 10 * MS);
    assert_eq!(n.commit_index(), 0, "the no-op is not committed yet");
    n.handle_client_request(20 * MS, 7, get(1, "x"));
    let ready = drain(&mut n);
    assert!(ready.replies.is_empty());
    let round = sent_round(&ready);
    assert_eq!(n.pending_reads().len(), 1);
    assert_eq!(n.pending_reads()[0].read_index, None, "no readIndex before an entry of the term commits");
    // S2 acknowledges the round but does not yet hold the no-op: leadership is confirmed, yet the
    // leader's commitIndex might still lag what earlier leaders committed.
    n.handle_message(30 * MS, 2, ack(1, 0, round), &mut rng());
    assert!(drain(&mut n).replies.is_empty(), "answered before the no-op committed");
    n.handle_message(40 * MS, 2, ack(1, 1, round), &mut rng());
    assert_eq!(n.commit_index(), 1);
    assert_eq!(drain(&mut n).replies, vec![(7, ClientReply::Ok { seq: 1, value: None })]);
    assert!(n.pending_reads().is_empty());
    assert_eq!(n.log().last_index(), 1, "the read added nothing to the log");
}

#[test]
fn a_read_is_answered_only_after_a_majority_acknowledges_a_round_started_after_it() {
    let mut n = leader_with_commit(&[1, 2, 3, 4, 5], config(ReadMode::ReadIndex), 10 * MS, Some("1"));
    let old_round = n.heartbeat_round();
    n.handle_client_request(20 * MS, 7, get(1, "x"));
    let ready = drain(&mut n);
    assert!(ready.replies.is_empty(), "answered without confirming leadership");
    let round = sent_round(&ready);
    assert!(round > old_round, "the read starts a new round");
    assert_eq!(n.pending_reads()[0].read_index, Some(2), "readIndex = commitIndex when the read arrived");
    // Late acknowledgements of the earlier round prove nothing about the time after the read.
    n.handle_message(21 * MS, 4, ack(1, 2, old_round), &mut rng());
    n.handle_message(21 * MS, 5, ack(1, 2, old_round), &mut rng());
    assert!(drain(&mut n).replies.is_empty(), "answered on acknowledgements of an older round");
    // One follower of five plus the leader is not a majority.
    n.handle_message(22 * MS, 2, ack(1, 2, round), &mut rng());
    assert!(drain(&mut n).replies.is_empty(), "answered with 2 of 5");
    n.handle_message(23 * MS, 3, ack(1, 2, round), &mut rng());
    assert_eq!(drain(&mut n).replies, vec![(7, ClientReply::Ok { seq: 1, value: Some("1".into()) })]);
}

#[test]
fn a_deposed_leader_fails_its_pending_reads() {
    let mut n = leader_with_commit(&[1, 2, 3], config(ReadMode::ReadIndex), 10 * MS, None);
    n.handle_client_request(20 * MS, 7, get(1, "x"));
    n.handle_client_request(21 * MS, 8, get(4, "y"));
    drain(&mut n);
    assert_eq!(n.pending_reads().len(), 2);
    // S3 leads term 2 now.
    n.handle_message(30 * MS, 3, append(2, 3, 1, 1, vec![], 1), &mut rng());
    assert_eq!(n.role(), Role::Follower);
    let replies = drain(&mut n).replies;
    assert_eq!(
        replies,
        vec![
            (7, ClientReply::NotLeader { seq: 1, leader_hint: Some(3) }),
            (8, ClientReply::NotLeader { seq: 4, leader_hint: Some(3) }),
        ]
    );
    assert!(n.pending_reads().is_empty());
}

#[test]
fn a_leader_that_starts_an_election_fails_its_pending_reads_without_a_hint() {
    let mut n = leader_with_commit(&[1, 2, 3], config(ReadMode::ReadIndex), 10 * MS, None);
    n.handle_client_request(20 * MS, 7, get(1, "x"));
    drain(&mut n);
    n.force_election_timeout(30 * MS, &mut rng());
    assert_eq!(drain(&mut n).replies, vec![(7, ClientReply::NotLeader { seq: 1, leader_hint: None })]);
}

#[test]
fn a_lease_answers_at_once_until_it_expires_then_falls_back_to_read_index() {
    // ET = 150 ms and a 10% drift bound: a lease lasts 135 ms from the start of its round.
    let mut n = node_with(1, &[1, 2, 3], config(ReadMode::Lease), 0, None, &[]);
    make_leader(&mut n, 10 * MS);
    assert_eq!(n.lease_duration(), 135 * MS);
    let round = n.heartbeat_round();
    assert_eq!(n.lease_expiry(), None, "no lease before a majority acknowledges");
    n.handle_message(20 * MS, 2, ack(1, 1, round), &mut rng());
    drain(&mut n);
    assert_eq!(n.lease_expiry(), Some(145 * MS), "the lease runs from when the round started, not the ack");

    n.handle_client_request(100 * MS, 7, get(1, "x"));
    let ready = drain(&mut n);
    assert_eq!(ready.replies, vec![(7, ClientReply::Ok { seq: 1, value: None })]);
    assert!(ready.messages.is_empty(), "a lease read needs no round trip");

    n.handle_client_request(145 * MS, 7, get(2, "x"));
    let ready = drain(&mut n);
    assert!(ready.replies.is_empty(), "answered on an expired lease");
    let round = sent_round(&ready);
    n.handle_message(150 * MS, 3, ack(1, 1, round), &mut rng());
    assert_eq!(drain(&mut n).replies, vec![(7, ClientReply::Ok { seq: 2, value: None })]);
    assert_eq!(n.lease_expiry(), Some(145 * MS + 135 * MS), "the read's round renewed the lease");
}

#[test]
fn a_lease_is_not_used_before_the_leader_commits_an_entry_of_its_term() {
    let mut n = node_with(1, &[1, 2, 3], config(ReadMode::Lease), 0, None, &[]);
    make_leader(&mut n, 10 * MS);
    let round = n.heartbeat_round();
    n.handle_message(20 * MS, 2, ack(1, 0, round), &mut rng());
    drain(&mut n);
    assert!(n.lease_expiry().is_some());
    n.handle_client_request(30 * MS, 7, get(1, "x"));
    assert!(drain(&mut n).replies.is_empty());
}

#[test]
fn with_leases_a_follower_ignores_candidates_for_an_election_timeout_after_hearing_its_leader() {
    // The lease's promise holds with leader liveliness (paper §6) switched off too: switching
    // that off must not make leases unsafe.
    let no_liveliness = |mode| RaftConfig { leader_liveliness: false, ..config(mode) };
    let mut n = node_with(2, &[1, 2, 3], no_liveliness(ReadMode::Lease), 0, None, &[]);
    n.handle_message(200 * MS, 1, append(1, 1, 0, 0, vec![], 0), &mut rng());
    drain(&mut n);
    // 149 ms later S3 asks for a vote in term 2: ignored, term unchanged, no reply.
    n.handle_message(349 * MS, 3, request_vote(2, 3, 0, 0), &mut rng());
    assert!(drain(&mut n).messages.is_empty());
    assert_eq!(n.current_term(), 1);
    // After a full minimum election timeout without the leader it votes as usual.
    n.handle_message(350 * MS, 3, request_vote(2, 3, 0, 0), &mut rng());
    assert!(only_vote_reply(&drain(&mut n), 3).vote_granted);
    assert_eq!(n.current_term(), 2);

    // Without leases (and without leader liveliness) the vote is granted at once (Figure 2).
    let mut n = node_with(2, &[1, 2, 3], no_liveliness(ReadMode::ReadIndex), 0, None, &[]);
    n.handle_message(200 * MS, 1, append(1, 1, 0, 0, vec![], 0), &mut rng());
    drain(&mut n);
    n.handle_message(210 * MS, 3, request_vote(2, 3, 0, 0), &mut rng());
    assert!(only_vote_reply(&drain(&mut n), 3).vote_granted);
}

#[test]
fn followers_echo_the_round_of_the_append_entries_they_answer() {
    let mut n = follower(2, &[1, 2, 3], 1, None, &[]);
    let request = AppendEntries {
        term: 1,
        leader_id: 1,
        prev_log_index: 0,
        prev_log_term: 0,
        entries: vec![],
        leader_commit: 0,
        round: 41,
    };
    n.handle_message(10, 1, Message::AppendEntries(request.clone()), &mut rng());
    assert_eq!(only_append_reply(&drain(&mut n), 1).round, 41);
    // A rejected (stale-term) request is answered with its round too.
    n.handle_message(20, 3, Message::AppendEntries(AppendEntries { term: 2, round: 7, ..request.clone() }), &mut rng());
    drain(&mut n);
    n.handle_message(30, 1, Message::AppendEntries(AppendEntries { round: 9, ..request }), &mut rng());
    let reply = only_append_reply(&drain(&mut n), 1);
    assert!(!reply.success);
    assert_eq!(reply.round, 9);
}

#[test]
fn stale_reads_answers_at_once_from_local_state() {
    for mode in [ReadMode::Log, ReadMode::ReadIndex, ReadMode::Lease] {
        let mut cfg = config(mode);
        cfg.unsafe_rules = cfg.unsafe_rules.with(UnsafeRule::StaleReads);
        let mut n = leader_with_commit(&[1, 2, 3], cfg, 10 * MS, Some("old"));
        // Unbeknown to S1, S2 and S3 have moved on. It still believes it leads and answers
        // from what it has applied, with no round trip and no log entry.
        n.handle_client_request(500 * MS, 7, get(1, "x"));
        let ready = drain(&mut n);
        assert_eq!(ready.replies, vec![(7, ClientReply::Ok { seq: 1, value: Some("old".into()) })], "{mode}");
        assert!(ready.messages.is_empty(), "{mode}");
        assert_eq!(n.log().last_index(), 2, "{mode}");
    }
    // The same leader with the rule in force holds the read until a majority confirms.
    let mut n = leader_with_commit(&[1, 2, 3], config(ReadMode::ReadIndex), 10 * MS, Some("old"));
    n.handle_client_request(500 * MS, 7, get(1, "x"));
    assert!(drain(&mut n).replies.is_empty());
}

#[test]
fn a_single_server_answers_reads_at_once() {
    let mut n = node_with(1, &[1], config(ReadMode::ReadIndex), 0, None, &[]);
    n.handle_timeout(ET, &mut rng());
    assert_eq!(n.role(), Role::Leader);
    drain(&mut n);
    n.handle_client_request(ET + 1, 7, get(1, "x"));
    assert_eq!(drain(&mut n).replies, vec![(7, ClientReply::Ok { seq: 1, value: None })]);
}

#[test]
fn in_log_mode_a_get_still_goes_through_the_log() {
    let mut n = leader_with_commit(&[1, 2, 3], config(ReadMode::Log), 10 * MS, None);
    n.handle_client_request(20 * MS, 7, get(1, "x"));
    assert!(drain(&mut n).replies.is_empty());
    assert_eq!(n.log().last_index(), 2);
    assert!(n.pending_reads().is_empty());
}

#[test]
fn a_command_overtaken_by_a_later_one_of_its_client_is_not_acknowledged() {
    // The operator's client has several requests in flight; seq 2 reaches the leader first.
    let mut n = leader_with_commit(&[1, 2, 3], config(ReadMode::Log), 10 * MS, None);
    n.handle_client_request(20 * MS, 0, put(2, "x", "b"));
    n.handle_client_request(21 * MS, 0, put(1, "x", "a"));
    drain(&mut n);
    let round = n.heartbeat_round();
    n.handle_message(30 * MS, 2, ack(1, 3, round), &mut rng());
    let replies = drain(&mut n).replies;
    // seq 1 was skipped by the session (it is older than seq 2): x stays "b", and only seq 2
    // is acknowledged.
    assert_eq!(n.kv().data().get("x").map(String::as_str), Some("b"));
    assert_eq!(replies, vec![(0, ClientReply::Ok { seq: 2, value: None })]);
}

#[test]
fn a_leader_that_sends_timeout_now_gives_up_its_lease_for_the_term() {
    let mut n = leader_with_commit(&[1, 2, 3], config(ReadMode::Lease), 10 * MS, None);
    assert!(n.lease_expiry().is_some_and(|end| end > 20 * MS));
    n.transfer_leadership(20 * MS, 2).expect("a follower of the configuration");
    assert_eq!(n.lease_expiry(), None, "the target's RequestVote will pass the followers' promise");
    // Acknowledgements of later rounds do not bring it back in this term, nor does the
    // transfer's abandonment: its TimeoutNow or the RequestVotes that follow may still be on
    // their way, and they pass the followers' promise.
    let round = n.heartbeat_round();
    n.handle_message(25 * MS, 3, ack(1, 1, round), &mut rng());
    drain(&mut n);
    assert_eq!(n.lease_expiry(), None);
    n.handle_timeout(20 * MS + ET, &mut rng());
    let ready = drain(&mut n);
    assert_eq!(ready.notices, vec![Notice::TransferAbandoned { target: 2, timeout_now_sent: true, lease_kept: false }]);
    assert_eq!(n.lease_expiry(), None);
}

/// A leader gives its lease up when it sends TimeoutNow (the target's RequestVote passes the
/// followers' promise), not when the transfer starts: a transfer abandoned before any
/// TimeoutNow went out leaves the promise intact, so the lease stands and later rounds renew it.
#[test]
fn an_abandoned_transfer_that_sent_no_timeout_now_restores_the_lease() {
    let mut n = leader_with_commit(&[1, 2, 3], config(ReadMode::Lease), 10 * MS, None);
    // S3 acknowledged nothing: it is not caught up, so no TimeoutNow goes out.
    n.transfer_leadership(20 * MS, 3).unwrap();
    let ready = drain(&mut n);
    assert!(!ready.messages.iter().any(|e| matches!(e.message, Message::TimeoutNow(_))));
    assert!(n.lease_expiry().is_some(), "the followers' promise still holds");
    // An election timeout later S3 has not taken over: abandoned, and the lease kept.
    let deadline = 20 * MS + ET;
    n.handle_timeout(deadline, &mut rng());
    let ready = drain(&mut n);
    assert_eq!(ready.notices, vec![Notice::TransferAbandoned { target: 3, timeout_now_sent: false, lease_kept: true }]);
    // A round acknowledged after that renews the lease, and a get is answered at once from it.
    let round = n.heartbeat_round();
    n.handle_message(deadline + MS, 2, ack(1, 1, round), &mut rng());
    drain(&mut n);
    assert!(n.lease_expiry().is_some_and(|end| end > deadline + MS));
    n.handle_client_request(deadline + 2 * MS, 7, get(1, "x"));
    let ready = drain(&mut n);
    assert_eq!(ready.replies, vec![(7, ClientReply::Ok { seq: 1, value: None })]);
    assert!(ready.messages.is_empty(), "answered from the lease, no round needed");
}

#[test]
fn with_leases_a_follower_still_votes_in_a_leadership_transfer() {
    let mut n = node_with(2, &[1, 2, 3], config(ReadMode::Lease), 0, None, &[]);
    n.handle_message(200 * MS, 1, append(1, 1, 0, 0, vec![], 0), &mut rng());
    drain(&mut n);
    let transfer = Message::RequestVote(raft_core::RequestVote {
        term: 2,
        candidate_id: 3,
        last_log_index: 0,
        last_log_term: 0,
        leadership_transfer: true,
    });
    n.handle_message(210 * MS, 3, transfer, &mut rng());
    assert!(only_vote_reply(&drain(&mut n), 3).vote_granted, "the leader itself asked for this election");
    assert_eq!(n.current_term(), 2);
}
