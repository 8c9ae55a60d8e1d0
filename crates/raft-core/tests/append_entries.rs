//! Figure 2, "AppendEntries RPC — Receiver implementation", one rule per test, plus the
//! "Rules for Servers" that AppendEntries triggers on followers and candidates.
mod common;

use common::*;
use raft_core::Role;

const MEMBERS: [u32; 3] = [1, 2, 3];

#[test]
fn rule1_rejects_a_request_from_an_older_term() {
    let mut n = follower(1, &MEMBERS, 3, None, &[1, 1]);
    n.handle_message(100_000, 2, append(2, 2, 2, 1, entries_from(3, &[2]), 3), &mut rng());
    let ready = drain(&mut n);
    let reply = only_append_reply(&ready, 2);
    assert!(!reply.success);
    assert_eq!(reply.term, 3, "the reply carries currentTerm so the stale leader steps down");
    assert_eq!(log_terms(&n), vec![1, 1], "nothing appended");
    assert_eq!(n.commit_index(), 0, "leaderCommit of a stale leader ignored");
    assert_eq!(n.leader_id(), None, "a stale leader is not learned");
    assert_eq!(n.next_deadline(), ET, "a stale leader does not reset the election timer");
    assert!(ready.log_changed_from.is_none());
}

#[test]
fn rule2_rejects_when_the_log_has_no_entry_at_prev_log_index() {
    let mut n = follower(1, &MEMBERS, 1, None, &[1, 1]);
    n.handle_message(10, 2, append(1, 2, 5, 1, entries_from(6, &[1]), 0), &mut rng());
    let reply = only_append_reply(&drain(&mut n), 2);
    assert!(!reply.success);
    assert_eq!(reply.term, 1);
    assert_eq!(reply.match_or_rejected_index, 5, "the rejected prevLogIndex is echoed");
    assert_eq!(reply.conflict_term, None, "the log is too short: no conflicting term");
    assert_eq!(reply.conflict_index, Some(3), "conflict_index = last log index + 1");
    assert_eq!(log_terms(&n), vec![1, 1]);
}

#[test]
fn rule2_rejects_when_the_term_at_prev_log_index_differs() {
    let mut n = follower(1, &MEMBERS, 3, None, &[1, 1, 2, 2, 2]);
    n.handle_message(10, 2, append(3, 2, 4, 3, entries_from(5, &[3]), 0), &mut rng());
    let ready = drain(&mut n);
    let reply = only_append_reply(&ready, 2);
    assert!(!reply.success);
    assert_eq!(reply.match_or_rejected_index, 4);
    assert_eq!(reply.conflict_term, Some(2), "the term of the follower's entry at prevLogIndex");
    assert_eq!(reply.conflict_index, Some(3), "the first index the follower holds for term 2");
    assert_eq!(log_terms(&n), vec![1, 1, 2, 2, 2], "a rejection never truncates");
    assert!(ready.log_changed_from.is_none());
}

#[test]
fn rule2_conflict_index_reaches_the_start_of_the_log() {
    let mut n = follower(1, &MEMBERS, 3, None, &[2, 2, 2]);
    n.handle_message(10, 2, append(3, 2, 3, 1, vec![], 0), &mut rng());
    let reply = only_append_reply(&drain(&mut n), 2);
    assert!(!reply.success);
    assert_eq!((reply.conflict_term, reply.conflict_index), (Some(2), Some(1)));
}

#[test]
fn rule2_prev_log_index_zero_always_matches() {
    let mut n = follower(1, &MEMBERS, 1, None, &[]);
    n.handle_message(10, 2, append(1, 2, 0, 0, entries_from(1, &[1, 1]), 0), &mut rng());
    let reply = only_append_reply(&drain(&mut n), 2);
    assert!(reply.success);
    assert_eq!(reply.match_or_rejected_index, 2);
    assert_eq!(log_terms(&n), vec![1, 1]);
}

#[test]
fn rule3_deletes_a_conflicting_entry_and_all_that_follow() {
    let mut n = follower(1, &MEMBERS, 3, None, &[1, 1, 2, 2, 2]);
    // The leader of term 3 has [1, 1, 3]: entry 3 conflicts.
    n.handle_message(10, 2, append(3, 2, 2, 1, entries_from(3, &[3]), 0), &mut rng());
    let (ready, written) = drain_written(&mut n);
    let reply = only_append_reply(&ready, 2);
    assert!(reply.success);
    assert_eq!(reply.match_or_rejected_index, 3);
    assert_eq!(log_terms(&n), vec![1, 1, 3], "entries 3..5 of term 2 deleted, the new one appended");
    assert_eq!(ready.log_changed_from, Some(3));
    let deleted: Vec<(u64, u64)> = ready.overwritten.iter().map(|e| (e.index, e.term)).collect();
    assert_eq!(deleted, [(3, 2), (4, 2), (5, 2)], "the host hears which entries were deleted");
    let entries = entries_from(3, &[3]);
    assert_eq!(written, Written::Append { from: 3, entries }, "storage drops 3.. and writes the new entry");
    assert!(ready.persist);
}

#[test]
fn rule3_keeps_entries_that_do_not_conflict() {
    let mut n = follower(1, &MEMBERS, 3, None, &[1, 1, 2, 2]);
    // Entries 3 and 4 match; the conflict is only after them, and nothing is deleted before it.
    n.handle_message(10, 2, append(3, 2, 2, 1, entries_from(3, &[2, 2, 3]), 0), &mut rng());
    let ready = drain(&mut n);
    assert!(only_append_reply(&ready, 2).success);
    assert!(ready.overwritten.is_empty(), "appending deletes nothing");
    assert_eq!(log_terms(&n), vec![1, 1, 2, 2, 3]);
}

#[test]
fn rule4_appends_new_entries() {
    let mut n = follower(1, &MEMBERS, 1, None, &[1]);
    let sent = entries_from(2, &[1, 1]);
    n.handle_message(10, 2, append(1, 2, 1, 1, sent.clone(), 0), &mut rng());
    let (ready, written) = drain_written(&mut n);
    let reply = only_append_reply(&ready, 2);
    assert!(reply.success);
    assert_eq!(reply.match_or_rejected_index, 3);
    assert_eq!(&n.log().to_vec()[1..], &sent[..]);
    assert_eq!(ready.log_changed_from, Some(2));
    assert_eq!(written, Written::Append { from: 2, entries: sent }, "the entries to write come with the Ready");
    assert!(ready.persist);
}

#[test]
fn rule4_a_duplicated_shorter_request_does_not_truncate() {
    let mut n = follower(1, &MEMBERS, 1, None, &[1, 1, 1, 1]);
    n.handle_message(10, 2, append(1, 2, 0, 0, entries_from(1, &[1, 1]), 0), &mut rng());
    let ready = drain(&mut n);
    let reply = only_append_reply(&ready, 2);
    assert!(reply.success);
    assert_eq!(reply.match_or_rejected_index, 2, "the follower matches up to the request's last entry");
    assert_eq!(log_terms(&n), vec![1, 1, 1, 1], "entries after the request are kept");
    assert!(ready.log_changed_from.is_none(), "nothing to persist");
}

#[test]
fn rule4_reordered_requests_do_not_truncate() {
    let mut n = follower(1, &MEMBERS, 2, None, &[]);
    let first = append(2, 2, 0, 0, entries_from(1, &[2, 2]), 0);
    let second = append(2, 2, 0, 0, entries_from(1, &[2, 2, 2, 2]), 0);
    n.handle_message(10, 2, second, &mut rng());
    n.handle_message(20, 2, first.clone(), &mut rng());
    n.handle_message(30, 2, first, &mut rng());
    drain(&mut n);
    assert_eq!(log_terms(&n), vec![2, 2, 2, 2]);
}

#[test]
fn rule4_a_heartbeat_does_not_truncate() {
    let mut n = follower(1, &MEMBERS, 1, None, &[1, 1, 1]);
    n.handle_message(10, 2, append(1, 2, 1, 1, vec![], 0), &mut rng());
    let reply = only_append_reply(&drain(&mut n), 2);
    assert!(reply.success);
    assert_eq!(reply.match_or_rejected_index, 1);
    assert_eq!(log_terms(&n), vec![1, 1, 1]);
}

#[test]
fn rule5_commit_index_is_min_of_leader_commit_and_last_new_entry() {
    let mut n = follower(1, &MEMBERS, 1, None, &[]);
    n.handle_message(10, 2, append(1, 2, 0, 0, entries_from(1, &[1, 1, 1]), 10), &mut rng());
    assert_eq!(n.commit_index(), 3, "leaderCommit 10 > last new entry 3");
    let mut m = follower(1, &MEMBERS, 1, None, &[]);
    m.handle_message(10, 2, append(1, 2, 0, 0, entries_from(1, &[1, 1, 1]), 2), &mut rng());
    assert_eq!(m.commit_index(), 2, "leaderCommit 2 < last new entry 3");
}

#[test]
fn rule5_does_not_commit_entries_the_request_did_not_vouch_for() {
    // Entries 3 and 4 may be leftovers that the current leader has not checked yet.
    let mut n = follower(1, &MEMBERS, 2, None, &[1, 1, 1, 1]);
    n.handle_message(10, 2, append(2, 2, 2, 1, vec![], 4), &mut rng());
    assert_eq!(n.commit_index(), 2, "the last new entry of a heartbeat at prevLogIndex 2 is 2");
    assert_eq!(n.last_applied(), 2);
}

#[test]
fn rule5_commit_index_never_decreases() {
    let mut n = follower(1, &MEMBERS, 1, None, &[]);
    n.handle_message(10, 2, append(1, 2, 0, 0, entries_from(1, &[1, 1, 1, 1]), 3), &mut rng());
    assert_eq!(n.commit_index(), 3);
    // A delayed request with a lower leaderCommit.
    n.handle_message(20, 2, append(1, 2, 0, 0, entries_from(1, &[1]), 1), &mut rng());
    assert_eq!(n.commit_index(), 3);
    // A delayed request whose last new entry is below commitIndex, with a high leaderCommit.
    n.handle_message(30, 2, append(1, 2, 0, 0, entries_from(1, &[1]), 4), &mut rng());
    assert_eq!(n.commit_index(), 3, "min(4, 1) = 1 must not lower commitIndex");
    n.handle_message(40, 2, append(1, 2, 4, 1, vec![], 4), &mut rng());
    assert_eq!(n.commit_index(), 4);
}

#[test]
fn committed_entries_are_applied_in_order() {
    let mut n = follower(1, &MEMBERS, 1, None, &[]);
    let entries =
        vec![put_entry(1, 1, 7, 1, "x", "a"), put_entry(1, 2, 7, 2, "y", "b"), put_entry(1, 3, 7, 3, "x", "c")];
    n.handle_message(10, 2, append(1, 2, 0, 0, entries, 2), &mut rng());
    let ready = drain(&mut n);
    assert_eq!(ready.applied.iter().map(|a| (a.index, a.term)).collect::<Vec<_>>(), vec![(1, 1), (2, 1)]);
    assert_eq!(n.last_applied(), 2);
    assert_eq!(n.kv().data().get("x").map(String::as_str), Some("a"));
    assert_eq!(n.kv().data().get("y").map(String::as_str), Some("b"));
    assert!(ready.replies.is_empty(), "followers do not answer clients");
    n.handle_message(20, 2, append(1, 2, 3, 1, vec![], 3), &mut rng());
    assert_eq!(n.kv().data().get("x").map(String::as_str), Some("c"));
}

#[test]
fn a_follower_learns_the_leader_id() {
    let mut n = follower(1, &MEMBERS, 1, None, &[]);
    assert_eq!(n.leader_id(), None);
    n.handle_message(10, 3, append(1, 3, 0, 0, vec![], 0), &mut rng());
    assert_eq!(n.leader_id(), Some(3));
    // Even a rejected (log mismatch) request comes from the legitimate leader.
    n.handle_message(20, 2, append(2, 2, 9, 2, vec![], 0), &mut rng());
    assert_eq!(n.leader_id(), Some(2));
}

#[test]
fn a_valid_append_entries_resets_the_election_timer() {
    let mut n = follower(1, &MEMBERS, 1, None, &[]);
    assert_eq!(n.next_deadline(), ET);
    n.handle_message(100_000, 2, append(1, 2, 0, 0, vec![], 0), &mut rng());
    assert_eq!(n.next_deadline(), 100_000 + ET);
    n.handle_timeout(ET, &mut rng());
    assert_eq!(n.role(), Role::Follower, "the old deadline no longer fires");
    // Also when the request is rejected for a log mismatch.
    n.handle_message(200_000, 2, append(1, 2, 5, 1, vec![], 0), &mut rng());
    assert_eq!(n.next_deadline(), 200_000 + ET);
}

#[test]
fn a_candidate_receiving_append_entries_of_its_term_becomes_follower() {
    let mut n = follower(1, &MEMBERS, 1, None, &[1]);
    make_candidate(&mut n, 10);
    assert_eq!(n.current_term(), 2);
    n.handle_message(50, 3, append(2, 3, 1, 1, entries_from(2, &[2]), 0), &mut rng());
    let reply = only_append_reply(&drain(&mut n), 3);
    assert!(reply.success);
    assert_eq!(n.role(), Role::Follower);
    assert_eq!(n.current_term(), 2);
    assert_eq!(n.leader_id(), Some(3));
    assert_eq!(n.voted_for(), Some(1), "the vote of this term is kept");
    assert_eq!(log_terms(&n), vec![1, 2]);
    assert_eq!(n.next_deadline(), 50 + ET);
}

#[test]
fn a_candidate_ignores_stale_append_entries() {
    let mut n = follower(1, &MEMBERS, 1, None, &[1]);
    make_candidate(&mut n, 10);
    n.handle_message(50, 3, append(1, 3, 1, 1, vec![], 0), &mut rng());
    assert!(!only_append_reply(&drain(&mut n), 3).success);
    assert_eq!(n.role(), Role::Candidate);
}

#[test]
fn a_higher_term_append_entries_is_adopted_and_clears_the_vote() {
    let mut n = follower(1, &MEMBERS, 2, Some(2), &[1]);
    n.handle_message(10, 3, append(5, 3, 1, 1, vec![], 0), &mut rng());
    let ready = drain(&mut n);
    let reply = only_append_reply(&ready, 3);
    assert!(reply.success);
    assert_eq!(reply.term, 5);
    assert_eq!(n.current_term(), 5);
    assert_eq!(n.voted_for(), None);
    assert_eq!(n.leader_id(), Some(3));
    assert!(ready.hard_state.is_some() && ready.persist);
}

#[test]
fn a_higher_term_append_entries_deposes_a_leader() {
    let mut n = follower(1, &MEMBERS, 1, None, &[1]);
    make_leader(&mut n, 10);
    n.handle_message(20, 3, append(4, 3, 1, 1, entries_from(2, &[4]), 0), &mut rng());
    let reply = only_append_reply(&drain(&mut n), 3);
    assert!(reply.success);
    assert_eq!(n.role(), Role::Follower);
    assert_eq!(n.current_term(), 4);
    assert_eq!(n.leader_id(), Some(3));
    assert_eq!(log_terms(&n), vec![1, 4]);
}
