//! Log repair over the in-test network (§5.3, Figure 7): a new leader brings followers with
//! missing entries and with extra uncommitted entries from old terms back in line with its log.
mod common;

use common::*;
use raft_core::{Backtrack, Message, RaftConfig, Role};

fn config(backtrack: Backtrack) -> RaftConfig {
    RaftConfig { backtrack, noop_on_election: true, ..fixed_config() }
}

/// Rejected AppendEntries each node sent, in delivery order.
fn rejections(c: &Cluster, from: u32) -> usize {
    c.delivered
        .iter()
        .filter(|e| e.from == from && matches!(&e.message, Message::AppendEntriesReply(r) if !r.success))
        .count()
}

/// Figure 7 of the paper: the leader of term 8 and followers (a)–(f).
fn figure7(backtrack: Backtrack) -> Cluster {
    let leader = [1, 1, 1, 4, 4, 5, 5, 6, 6, 6];
    let states = vec![
        (1, persisted(7, None, &leader)),
        (2, persisted(6, None, &[1, 1, 1, 4, 4, 5, 5, 6, 6])), // (a) one entry missing
        (3, persisted(4, None, &[1, 1, 1, 4])),                // (b) many missing
        (4, persisted(6, None, &[1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 6])), // (c) one extra of term 6
        (5, persisted(7, None, &[1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 7, 7])), // (d) extra of term 7
        (6, persisted(4, None, &[1, 1, 1, 4, 4, 4, 4])),       // (e) missing and extra
        (7, persisted(3, None, &[1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 3])), // (f) missing and extra
    ];
    Cluster::with_states(states, config(backtrack))
}

fn repair_figure7(backtrack: Backtrack) -> Vec<usize> {
    let mut c = figure7(backtrack);
    c.campaign(1);
    assert_eq!(c.node(1).role(), Role::Leader, "(a), (b), (e), (f) vote for it; (c), (d) do not");
    assert_eq!(c.node(1).current_term(), 8);
    let expected = vec![1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 8];
    // campaign() delivered everything: the repair needs no timer at all.
    for n in c.nodes.values() {
        assert_eq!(log_terms(n), expected, "{backtrack:?}: node {} not repaired", n.id());
        assert_eq!(n.log(), c.node(1).log());
    }
    let counts = (2..=7).map(|id| rejections(&c, id)).collect();
    c.settle();
    for n in c.nodes.values() {
        assert_eq!(n.commit_index(), 11);
        assert_eq!(n.current_term(), 8);
    }
    assert_eq!(c.leaders(), vec![1]);
    counts
}

#[test]
fn figure7_followers_are_repaired_one_by_one() {
    let counts = repair_figure7(Backtrack::OneByOne);
    // One rejection per index between the leader's last index and the end of the common prefix.
    assert_eq!(counts, vec![1, 6, 0, 0, 5, 7]);
}

#[test]
fn figure7_followers_are_repaired_skipping_conflicting_terms() {
    let counts = repair_figure7(Backtrack::ConflictTerm);
    // (a), (b): one jump to their log end. (e): to its end, then past term 4's extra entries.
    // (f): past term 3, then past term 2.
    assert_eq!(counts, vec![1, 1, 0, 0, 2, 2]);
}

fn repair_three_nodes(backtrack: Backtrack) {
    // S1 has the most up-to-date log; S2 misses entries; S3 holds extra uncommitted entries of
    // the old term 1 where S1 has term 2.
    let states = vec![
        (1, persisted(2, None, &[1, 1, 2, 2])),
        (2, persisted(2, None, &[1])),
        (3, persisted(1, None, &[1, 1, 1, 1, 1, 1])),
    ];
    let mut c = Cluster::with_states(states, config(backtrack));
    c.campaign(1);
    assert_eq!(c.leaders(), vec![1]);
    c.client(1, 9, put(1, "x", "1"));
    c.settle();
    for n in c.nodes.values() {
        assert_eq!(log_terms(n), vec![1, 1, 2, 2, 3, 3], "{backtrack:?}: node {}", n.id());
        assert_eq!(n.commit_index(), 6);
        assert_eq!(n.kv().data().get("x").map(String::as_str), Some("1"));
    }
}

#[test]
fn three_nodes_missing_and_extra_entries_are_repaired_one_by_one() {
    repair_three_nodes(Backtrack::OneByOne);
}

#[test]
fn three_nodes_missing_and_extra_entries_are_repaired_skipping_conflicting_terms() {
    repair_three_nodes(Backtrack::ConflictTerm);
}

#[test]
fn repair_works_with_one_entry_per_message_and_lossy_delivery() {
    for backtrack in [Backtrack::OneByOne, Backtrack::ConflictTerm] {
        let mut c = figure7(backtrack);
        for n in c.nodes.values_mut() {
            // Rebuild with a tiny batch size, keeping each node's state.
            let state = n.persistent_state();
            let small = RaftConfig { max_entries_per_message: 1, ..config(backtrack) };
            *n = raft_core::RaftNode::new(n.id(), &[1, 2, 3, 4, 5, 6, 7], small, state, 0, &mut rng());
        }
        c.campaign(1);
        assert_eq!(c.node(1).role(), Role::Leader);
        // Drop every fifth message from here on by cutting (f) off now and then.
        for round in 0..40 {
            if round % 5 == 0 {
                c.isolated.insert(7);
            } else {
                c.isolated.remove(&7);
            }
            c.step_time();
        }
        c.isolated.clear();
        c.settle();
        for n in c.nodes.values() {
            assert_eq!(n.log(), c.node(1).log(), "{backtrack:?}: node {}", n.id());
        }
    }
}
