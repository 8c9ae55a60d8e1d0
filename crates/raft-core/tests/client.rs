//! Client interaction (§8): redirection, replication before replying, at-most-once retries.
mod common;

use common::*;
use raft_core::{ClientReply, EntryPayload, Op, RaftConfig, Role, UnsafeRule, UnsafeRules};

const MEMBERS: [u32; 3] = [1, 2, 3];

#[test]
fn a_follower_replies_not_leader_with_the_leader_it_knows() {
    let mut n = follower(1, &MEMBERS, 1, None, &[]);
    n.handle_client_request(10, 7, put(1, "x", "1"));
    assert_eq!(drain(&mut n).replies, vec![(7, ClientReply::NotLeader { seq: 1, leader_hint: None })]);
    n.handle_message(20, 3, append(1, 3, 0, 0, vec![], 0), &mut rng());
    drain(&mut n);
    n.handle_client_request(30, 7, put(2, "x", "1"));
    let ready = drain(&mut n);
    assert_eq!(ready.replies, vec![(7, ClientReply::NotLeader { seq: 2, leader_hint: Some(3) })]);
    assert!(ready.messages.is_empty());
    assert_eq!(n.log().last_index(), 0, "nothing appended");
}

#[test]
fn a_candidate_replies_not_leader_without_a_hint() {
    let mut n = follower(1, &MEMBERS, 1, None, &[]);
    n.handle_message(20, 3, append(1, 3, 0, 0, vec![], 0), &mut rng());
    make_candidate(&mut n, 30);
    n.handle_client_request(40, 7, get(1, "x"));
    assert_eq!(drain(&mut n).replies, vec![(7, ClientReply::NotLeader { seq: 1, leader_hint: None })]);
}

#[test]
fn a_leader_appends_replicates_and_replies_only_after_applying() {
    let mut n = follower(1, &MEMBERS, 1, None, &[]);
    make_leader(&mut n, 10);
    n.handle_client_request(20, 7, put(1, "x", "1"));
    let ready = drain(&mut n);
    assert!(ready.replies.is_empty(), "not committed yet");
    assert_eq!(ready.log_changed_from, Some(1));
    let entry = n.log().get(1).unwrap().clone();
    assert_eq!(entry.term, 2);
    match &entry.payload {
        EntryPayload::Command(c) => {
            assert_eq!((c.client, c.seq), (7, 1));
            assert_eq!(c.op, Op::Put { key: "x".into(), value: "1".into() });
        }
        other => panic!("expected a command, got {other:?}"),
    }
    for peer in [2, 3] {
        let ae = append_to(&ready, peer);
        assert_eq!(ae.entries, vec![entry.clone()]);
        assert_eq!((ae.prev_log_index, ae.prev_log_term), (0, 0));
    }
    n.handle_message(30, 2, append_ok(2, 1), &mut rng());
    let ready = drain(&mut n);
    assert_eq!(n.commit_index(), 1);
    assert_eq!(n.last_applied(), 1);
    assert_eq!(ready.replies, vec![(7, ClientReply::Ok { seq: 1, value: None })]);
    assert_eq!(n.kv().data().get("x").map(String::as_str), Some("1"));
}

#[test]
fn a_retry_while_pending_is_not_appended_twice() {
    let mut n = follower(1, &MEMBERS, 1, None, &[]);
    make_leader(&mut n, 10);
    n.handle_client_request(20, 7, put(1, "x", "1"));
    n.handle_client_request(21, 7, put(1, "x", "1"));
    drain(&mut n);
    assert_eq!(n.log().last_index(), 1);
    n.handle_message(30, 2, append_ok(2, 1), &mut rng());
    assert_eq!(drain(&mut n).replies.len(), 1, "one reply for one command");
}

#[test]
fn a_retry_after_applying_is_answered_from_the_session() {
    let mut c = Cluster::new(3, RaftConfig::default());
    let l = c.elect_any();
    c.client(l, 1, put(1, "x", "a"));
    c.client(l, 2, put(1, "x", "b"));
    c.settle();
    let last = c.node(l).log().last_index();
    c.replies.clear();
    // Client 1 did not hear back and retries: the retry must not overwrite "b".
    c.client(l, 1, put(1, "x", "a"));
    c.settle();
    assert_eq!(c.node(l).log().last_index(), last, "not appended again");
    assert_eq!(c.replies, vec![(l, 1, ClientReply::Ok { seq: 1, value: None })]);
    for n in c.nodes.values() {
        assert_eq!(n.kv().data().get("x").map(String::as_str), Some("b"));
    }
}

#[test]
fn a_command_in_the_log_twice_is_applied_once() {
    // A retry that reached a new leader before the first copy committed lands in the log twice.
    let mut n = follower(1, &MEMBERS, 2, None, &[]);
    let entries =
        vec![put_entry(1, 1, 7, 1, "x", "a"), put_entry(1, 2, 8, 1, "x", "b"), put_entry(2, 3, 7, 1, "x", "a")];
    n.handle_message(10, 2, append(2, 2, 0, 0, entries, 3), &mut rng());
    assert_eq!(n.last_applied(), 3);
    assert_eq!(n.kv().data().get("x").map(String::as_str), Some("b"));
}

#[test]
fn without_dedup_a_command_in_the_log_twice_is_applied_twice() {
    // The same log as above with the `no-dedup` rule: the second copy of client 7's seq 1 takes
    // effect again and overwrites client 8's "b"; both copies are reported as applied commands.
    let config = RaftConfig { unsafe_rules: UnsafeRules::default().with(UnsafeRule::NoDedup), ..fixed_config() };
    let mut n = node_with(1, &MEMBERS, config, 2, None, &[]);
    let entries =
        vec![put_entry(1, 1, 7, 1, "x", "a"), put_entry(1, 2, 8, 1, "x", "b"), put_entry(2, 3, 7, 1, "x", "a")];
    n.handle_message(10, 2, append(2, 2, 0, 0, entries.clone(), 3), &mut rng());
    assert_eq!(n.last_applied(), 3);
    assert_eq!(n.kv().data().get("x").map(String::as_str), Some("a"));
    let applied: Vec<_> = drain(&mut n).applied.iter().map(|a| a.command).collect();
    assert_eq!(applied, vec![Some((7, 1)), Some((8, 1)), Some((7, 1))]);

    // With sessions the third entry is skipped and not reported as taking effect.
    let mut safe = node_with(1, &MEMBERS, fixed_config(), 2, None, &[]);
    safe.handle_message(10, 2, append(2, 2, 0, 0, entries, 3), &mut rng());
    let applied: Vec<_> = drain(&mut safe).applied.iter().map(|a| a.command).collect();
    assert_eq!(applied, vec![Some((7, 1)), Some((8, 1)), None]);
}

#[test]
fn without_dedup_a_leader_appends_a_retry_it_already_applied() {
    let config = RaftConfig { unsafe_rules: UnsafeRules::default().with(UnsafeRule::NoDedup), ..RaftConfig::default() };
    let mut c = Cluster::new(3, config);
    let l = c.elect_any();
    c.client(l, 1, put(1, "x", "a"));
    c.settle();
    let last = c.node(l).log().last_index();
    c.replies.clear();
    c.client(l, 1, put(1, "x", "a"));
    c.settle();
    assert_eq!(c.node(l).log().last_index(), last + 1, "appended again");
    // Applied a second time: the put replaced its own value.
    assert_eq!(c.replies, vec![(l, 1, ClientReply::Ok { seq: 1, value: Some("a".into()) })]);
}

#[test]
fn a_get_returns_the_value() {
    let mut c = Cluster::new(3, RaftConfig::default());
    let l = c.elect_any();
    c.client(l, 1, put(1, "k", "v1"));
    c.client(l, 1, put(2, "k", "v2"));
    c.client(l, 1, get(3, "k"));
    c.client(l, 1, get(4, "missing"));
    c.settle();
    let replies: Vec<_> = c.replies.iter().map(|(_, client, r)| (*client, r.clone())).collect();
    assert_eq!(
        replies,
        vec![
            (1, ClientReply::Ok { seq: 1, value: None }),
            (1, ClientReply::Ok { seq: 2, value: Some("v1".into()) }),
            (1, ClientReply::Ok { seq: 3, value: Some("v2".into()) }),
            (1, ClientReply::Ok { seq: 4, value: None }),
        ]
    );
}

#[test]
fn a_deposed_leader_does_not_answer_pending_clients() {
    let mut n = follower(1, &MEMBERS, 1, None, &[]);
    make_leader(&mut n, 10);
    n.handle_client_request(20, 7, put(1, "x", "1"));
    drain(&mut n);
    // A new leader of term 5 overwrites the uncommitted entry and commits its own.
    n.handle_message(30, 3, append(5, 3, 0, 0, vec![put_entry(5, 1, 8, 1, "y", "2")], 1), &mut rng());
    let ready = drain(&mut n);
    assert_eq!(n.role(), Role::Follower);
    assert!(ready.replies.is_empty(), "client 7's command was never applied");
    assert_eq!(n.kv().data().get("y").map(String::as_str), Some("2"));
    assert_eq!(n.kv().data().get("x"), None);
}

#[test]
fn entries_commit_on_all_nodes_of_a_five_node_cluster() {
    let mut c = Cluster::new(5, RaftConfig::default());
    let l = c.elect_any();
    for seq in 1..=20 {
        c.client(l, seq % 3, put(seq, &format!("k{}", seq % 4), &format!("v{seq}")));
    }
    c.settle();
    let leader_log = c.node(l).log().clone();
    assert_eq!(leader_log.last_index(), 21, "no-op + 20 commands");
    for n in c.nodes.values() {
        assert_eq!(n.log(), &leader_log);
        assert_eq!(n.commit_index(), 21);
        assert_eq!(n.last_applied(), 21);
        assert_eq!(n.kv(), c.node(l).kv());
    }
    assert_eq!(c.replies.len(), 20);
    assert!(c.replies.iter().all(|(from, _, r)| *from == l && matches!(r, ClientReply::Ok { .. })));
}
