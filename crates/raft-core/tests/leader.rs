//! Figure 2, "Rules for Servers — Leaders".
mod common;

use common::*;
use raft_core::{Backtrack, EntryPayload, Message, RaftConfig, RaftNode, Role};

const MEMBERS: [u32; 3] = [1, 2, 3];
const FIVE: [u32; 5] = [1, 2, 3, 4, 5];

fn leader_with(config: RaftConfig, members: &[u32], term: u64, terms: &[u64]) -> RaftNode {
    let mut n = node_with(1, members, config, term, None, terms);
    make_leader(&mut n, 1_000);
    n
}

fn leader(members: &[u32], term: u64, terms: &[u64]) -> RaftNode {
    leader_with(fixed_config(), members, term, terms)
}

#[test]
fn sends_empty_append_entries_to_every_peer_on_becoming_leader() {
    let mut n = follower(1, &MEMBERS, 1, None, &[1, 1]);
    n.force_election_timeout(10, &mut rng());
    drain(&mut n);
    n.handle_message(20, 2, vote_reply(2, true), &mut rng());
    assert_eq!(n.role(), Role::Leader);
    let ready = drain(&mut n);
    for peer in [2, 3] {
        let ae = append_to(&ready, peer);
        assert_eq!(ae.term, 2);
        assert_eq!(ae.leader_id, 1);
        assert_eq!((ae.prev_log_index, ae.prev_log_term), (2, 1));
        assert!(ae.entries.is_empty(), "a heartbeat (no no-op configured)");
        assert_eq!(ae.leader_commit, 0);
    }
    assert_eq!(n.next_deadline(), 20 + HB);
}

#[test]
fn sends_heartbeats_every_heartbeat_interval() {
    let mut n = leader(&MEMBERS, 1, &[1]);
    let deadline = n.next_deadline();
    assert_eq!(deadline, 1_000 + HB);
    // Before the deadline: nothing.
    n.handle_timeout(deadline - 1, &mut rng());
    assert!(drain(&mut n).messages.is_empty());
    for round in 0..3 {
        let now = n.next_deadline();
        n.handle_timeout(now, &mut rng());
        let ready = drain(&mut n);
        assert_eq!(appends(&ready).len(), 2, "round {round}: one AppendEntries per peer");
        for peer in [2, 3] {
            let ae = append_to(&ready, peer);
            assert_eq!(ae.term, 2);
            assert!(ae.entries.is_empty());
        }
        assert_eq!(n.next_deadline(), now + HB);
        assert_eq!(n.role(), Role::Leader, "a leader never starts an election on its own");
    }
}

#[test]
fn appends_a_noop_on_election_when_configured() {
    let config = RaftConfig { noop_on_election: true, ..fixed_config() };
    let mut n = node_with(1, &MEMBERS, config, 1, None, &[1, 1]);
    n.force_election_timeout(10, &mut rng());
    drain(&mut n);
    n.handle_message(20, 2, vote_reply(2, true), &mut rng());
    let ready = drain(&mut n);
    assert_eq!(log_terms(&n), vec![1, 1, 2]);
    assert_eq!(n.log().get(3).unwrap().payload, EntryPayload::Noop);
    assert_eq!(ready.log_changed_from, Some(3));
    for peer in [2, 3] {
        let ae = append_to(&ready, peer);
        assert_eq!((ae.prev_log_index, ae.prev_log_term), (2, 1));
        assert_eq!(ae.entries, vec![noop(2, 3)]);
    }
}

#[test]
fn appends_no_noop_when_not_configured() {
    let n = leader(&MEMBERS, 1, &[1, 1]);
    assert_eq!(log_terms(&n), vec![1, 1]);
}

#[test]
fn initialises_next_index_and_match_index() {
    let config = RaftConfig { noop_on_election: true, ..fixed_config() };
    let n = leader_with(config, &FIVE, 3, &[1, 2, 3]);
    // nextIndex = leader's last log index + 1 (taken before the no-op), matchIndex = 0.
    for peer in [2, 3, 4, 5] {
        assert_eq!(n.next_index().get(&peer), Some(&4));
        assert_eq!(n.match_index().get(&peer), Some(&0));
    }
    assert!(!n.next_index().contains_key(&1));
    let m = leader(&FIVE, 3, &[1, 2, 3]);
    for peer in [2, 3, 4, 5] {
        assert_eq!(m.next_index().get(&peer), Some(&4));
        assert_eq!(m.match_index().get(&peer), Some(&0));
    }
}

#[test]
fn a_successful_reply_updates_next_index_and_match_index() {
    let mut n = leader(&MEMBERS, 1, &[1, 1, 1]);
    n.handle_message(2_000, 2, append_ok(2, 3), &mut rng());
    assert_eq!(n.match_index()[&2], 3);
    assert_eq!(n.next_index()[&2], 4);
    // A reordered, older success does not move them back.
    n.handle_message(2_001, 2, append_ok(2, 1), &mut rng());
    assert_eq!(n.match_index()[&2], 3);
    assert_eq!(n.next_index()[&2], 4);
    assert_eq!(n.match_index()[&3], 0, "other followers are untouched");
}

#[test]
fn a_successful_reply_triggers_sending_what_the_follower_still_lacks() {
    let config = RaftConfig { max_entries_per_message: 2, ..fixed_config() };
    let mut n = leader_with(config, &MEMBERS, 1, &[]);
    for seq in 1..=5 {
        n.handle_client_request(2_000, 9, put(seq, "k", "v"));
    }
    drain(&mut n);
    // Follower 2 confirms entries 1..2; the leader sends 3..4 next.
    n.handle_message(2_100, 2, append_ok(2, 2), &mut rng());
    let ae = append_to(&drain(&mut n), 2);
    assert_eq!((ae.prev_log_index, ae.prev_log_term), (2, 2));
    assert_eq!(ae.entries.iter().map(|e| e.index).collect::<Vec<_>>(), vec![3, 4]);
    // Once it has everything, the leader has nothing more to send.
    n.handle_message(2_200, 2, append_ok(2, 5), &mut rng());
    assert!(drain(&mut n).messages.is_empty());
}

#[test]
fn a_rejection_decrements_next_index_by_one() {
    let config = RaftConfig { backtrack: Backtrack::OneByOne, ..fixed_config() };
    let mut n = leader_with(config, &MEMBERS, 2, &[1, 1, 2, 2, 2]);
    assert_eq!(n.next_index()[&2], 6);
    // Even with conflict information, OneByOne steps back by one.
    n.handle_message(2_000, 2, append_reject(3, 5, Some(1), Some(2)), &mut rng());
    assert_eq!(n.next_index()[&2], 5);
    let ae = append_to(&drain(&mut n), 2);
    assert_eq!((ae.prev_log_index, ae.prev_log_term), (4, 2), "the leader retries at once");
    assert_eq!(ae.entries, vec![noop(2, 5)]);
    n.handle_message(2_001, 2, append_reject(3, 4, None, Some(2)), &mut rng());
    assert_eq!(n.next_index()[&2], 4);
}

#[test]
fn a_rejection_skips_the_conflicting_term_the_leader_lacks() {
    let config = RaftConfig { backtrack: Backtrack::ConflictTerm, ..fixed_config() };
    // Leader [1,1,1,3,3]; the follower has [1,1,1,2,2,2].
    let mut n = leader_with(config, &MEMBERS, 3, &[1, 1, 1, 3, 3]);
    assert_eq!(n.next_index()[&2], 6);
    n.handle_message(2_000, 2, append_reject(4, 5, Some(2), Some(4)), &mut rng());
    assert_eq!(n.next_index()[&2], 4, "jump to the follower's first index of term 2");
    let ae = append_to(&drain(&mut n), 2);
    assert_eq!((ae.prev_log_index, ae.prev_log_term), (3, 1));
}

#[test]
fn a_rejection_skips_to_the_end_of_the_conflicting_term_the_leader_has() {
    let config = RaftConfig { backtrack: Backtrack::ConflictTerm, ..fixed_config() };
    // Leader [1,1,2,2,3,3]; the follower has [1,1,2,2,2,2,2].
    let mut n = leader_with(config, &MEMBERS, 3, &[1, 1, 2, 2, 3, 3]);
    n.handle_message(2_000, 2, append_reject(4, 6, Some(2), Some(3)), &mut rng());
    assert_eq!(n.next_index()[&2], 5, "one past the leader's last entry of term 2");
}

#[test]
fn a_rejection_from_a_short_log_jumps_to_its_end() {
    let config = RaftConfig { backtrack: Backtrack::ConflictTerm, ..fixed_config() };
    let mut n = leader_with(config, &MEMBERS, 3, &[1, 1, 2, 2, 3, 3]);
    n.handle_message(2_000, 2, append_reject(4, 6, None, Some(3)), &mut rng());
    assert_eq!(n.next_index()[&2], 3);
}

#[test]
fn duplicated_and_stale_rejections_are_ignored() {
    for backtrack in [Backtrack::OneByOne, Backtrack::ConflictTerm] {
        let config = RaftConfig { backtrack, ..fixed_config() };
        let mut n = leader_with(config, &MEMBERS, 2, &[1, 1, 2, 2, 2]);
        n.handle_message(2_000, 2, append_reject(3, 5, None, Some(5)), &mut rng());
        assert_eq!(n.next_index()[&2], 5, "{backtrack:?}");
        drain(&mut n);
        // The same rejection again (duplicated by the network) must not move nextIndex twice.
        n.handle_message(2_001, 2, append_reject(3, 5, None, Some(5)), &mut rng());
        assert_eq!(n.next_index()[&2], 5, "{backtrack:?}: duplicate");
        assert!(drain(&mut n).messages.is_empty());
        // A rejection from an earlier term is ignored too.
        n.handle_message(2_002, 2, append_reject(2, 4, None, Some(1)), &mut rng());
        assert_eq!(n.next_index()[&2], 5, "{backtrack:?}: older term");
        assert_eq!(n.role(), Role::Leader);
    }
}

#[test]
fn next_index_never_drops_below_match_index_plus_one() {
    let config = RaftConfig { backtrack: Backtrack::ConflictTerm, ..fixed_config() };
    let mut n = leader_with(config, &MEMBERS, 2, &[1, 1, 2, 2, 2]);
    n.handle_message(2_000, 2, append_ok(3, 3), &mut rng());
    assert_eq!(n.next_index()[&2], 6, "next index is not lowered by a success");
    // A (bogus or very late) rejection of the probe at 6 that claims the log is empty.
    n.handle_message(2_001, 2, append_reject(3, 5, None, Some(1)), &mut rng());
    assert_eq!(n.next_index()[&2], 4, "never below matchIndex + 1");
}

#[test]
fn commits_an_entry_of_its_term_once_a_majority_stores_it() {
    let mut n = leader(&FIVE, 1, &[]);
    n.handle_client_request(2_000, 9, put(1, "x", "1"));
    drain(&mut n);
    assert_eq!(n.commit_index(), 0);
    n.handle_message(2_100, 2, append_ok(2, 1), &mut rng());
    assert_eq!(n.commit_index(), 0, "2 of 5 is not a majority");
    // Duplicate replies from the same follower do not count twice.
    n.handle_message(2_150, 2, append_ok(2, 1), &mut rng());
    assert_eq!(n.commit_index(), 0);
    n.handle_message(2_200, 4, append_ok(2, 1), &mut rng());
    assert_eq!(n.commit_index(), 1, "3 of 5");
    let ready = drain(&mut n);
    assert_eq!(ready.applied.len(), 1);
    // The new commit index reaches followers with the next AppendEntries.
    n.handle_timeout(n.next_deadline(), &mut rng());
    let ready = drain(&mut n);
    assert_eq!(append_to(&ready, 3).leader_commit, 1);
}

#[test]
fn does_not_commit_an_entry_of_an_earlier_term_by_counting_replicas() {
    // Leader of term 3 with [1, 1, 2] from earlier terms (no no-op).
    let mut n = leader(&MEMBERS, 2, &[1, 1, 2]);
    assert_eq!(n.current_term(), 3);
    n.handle_message(2_000, 2, append_ok(3, 3), &mut rng());
    n.handle_message(2_000, 3, append_ok(3, 3), &mut rng());
    assert_eq!(n.match_index()[&2], 3);
    assert_eq!(n.commit_index(), 0, "all replicas hold index 3, but it is of term 2 (Figure 8)");
}

#[test]
fn earlier_term_entries_commit_once_a_current_term_entry_commits() {
    let mut n = leader(&MEMBERS, 2, &[1, 1, 2]);
    n.handle_message(2_000, 2, append_ok(3, 3), &mut rng());
    assert_eq!(n.commit_index(), 0);
    n.handle_client_request(2_100, 9, put(1, "x", "1"));
    drain(&mut n);
    assert_eq!(n.log().last_index(), 4);
    n.handle_message(2_200, 2, append_ok(3, 4), &mut rng());
    assert_eq!(n.commit_index(), 4, "entries 1..3 commit indirectly with entry 4");
    let ready = drain(&mut n);
    assert_eq!(ready.applied.iter().map(|a| a.index).collect::<Vec<_>>(), vec![1, 2, 3, 4]);
}

#[test]
fn the_noop_lets_earlier_term_entries_commit_without_client_traffic() {
    let config = RaftConfig { noop_on_election: true, ..fixed_config() };
    let mut n = leader_with(config, &MEMBERS, 2, &[1, 1, 2]);
    assert_eq!(log_terms(&n), vec![1, 1, 2, 3]);
    n.handle_message(2_000, 3, append_ok(3, 4), &mut rng());
    assert_eq!(n.commit_index(), 4);
}

#[test]
fn steps_down_on_a_reply_with_a_higher_term() {
    let mut n = leader(&MEMBERS, 1, &[1]);
    n.handle_client_request(2_000, 9, put(1, "x", "1"));
    drain(&mut n);
    n.handle_message(3_000, 2, append_reject(7, 1, None, None), &mut rng());
    let ready = drain(&mut n);
    assert_eq!(n.role(), Role::Follower);
    assert_eq!(n.current_term(), 7);
    assert_eq!(n.voted_for(), None);
    assert_eq!(n.leader_id(), None);
    assert!(ready.hard_state.is_some() && ready.persist);
    assert!(n.next_index().is_empty() && n.match_index().is_empty());
    assert_eq!(n.next_deadline(), 3_000 + ET, "back on an election timer");
    // It no longer sends heartbeats; when the timer fires it campaigns instead.
    n.handle_timeout(3_000 + ET, &mut rng());
    assert_eq!(n.role(), Role::Candidate);
    assert_eq!(n.current_term(), 8);
    assert!(drain(&mut n).messages.iter().all(|e| matches!(e.message, Message::RequestVote(_))));
}

#[test]
fn steps_down_on_a_vote_reply_with_a_higher_term() {
    let mut n = leader(&MEMBERS, 1, &[1]);
    n.handle_message(3_000, 3, vote_reply(9, false), &mut rng());
    assert_eq!(n.role(), Role::Follower);
    assert_eq!(n.current_term(), 9);
}

#[test]
fn replies_of_an_earlier_term_do_not_update_a_leader() {
    let mut n = leader(&MEMBERS, 4, &[1, 1]);
    assert_eq!(n.current_term(), 5);
    n.handle_message(2_000, 2, append_ok(4, 2), &mut rng());
    assert_eq!(n.match_index()[&2], 0);
    assert_eq!(n.next_index()[&2], 3);
}
