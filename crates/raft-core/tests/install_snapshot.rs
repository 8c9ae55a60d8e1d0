//! Log compaction and the InstallSnapshot RPC (§7, Figure 13): each receiver rule, the leader's
//! side of the transfer, and the rest of Raft on a compacted log.
mod common;

use common::*;
use raft_core::{
    Command, Configuration, Entry, EntryPayload, Index, InstallSnapshot, InstallSnapshotReply, KvStore, Message,
    NodeId, Op, PersistentState, RaftConfig, RaftLog, RaftNode, Ready, Role, Snapshot, SnapshotDecodeError, Term,
};

const MEMBERS: [NodeId; 3] = [1, 2, 3];

fn kv_of(pairs: &[(&str, &str)]) -> KvStore {
    let mut kv = KvStore::default();
    for (seq, (k, v)) in pairs.iter().enumerate() {
        kv.apply(&Command { client: 9, seq: seq as u64 + 1, op: Op::Put { key: (*k).into(), value: (*v).into() } });
    }
    kv
}

fn snapshot(index: Index, term: Term, pairs: &[(&str, &str)]) -> Snapshot {
    Snapshot {
        last_included_index: index,
        last_included_term: term,
        configuration: Configuration::new(MEMBERS.iter().copied()),
        configuration_index: 0,
        kv: kv_of(pairs),
    }
}

/// The snapshot as InstallSnapshot chunks of `size` bytes from leader S1 in `term`.
fn chunks(s: &Snapshot, term: Term, size: usize) -> Vec<InstallSnapshot> {
    let bytes = s.to_bytes().expect("a snapshot encodes");
    let n = bytes.len().div_ceil(size);
    (0..n)
        .map(|k| InstallSnapshot {
            term,
            leader_id: 1,
            last_included_index: s.last_included_index,
            last_included_term: s.last_included_term,
            offset: (k * size) as u64,
            data: bytes[k * size..((k + 1) * size).min(bytes.len())].to_vec(),
            done: k + 1 == n,
        })
        .collect()
}

fn send(node: &mut RaftNode, chunk: &InstallSnapshot) -> (Ready, InstallSnapshotReply) {
    node.handle_message(10, 1, Message::InstallSnapshot(chunk.clone()), &mut rng());
    let ready = drain(node);
    let reply = match only_message(&ready, 1) {
        Message::InstallSnapshotReply(r) => r,
        other => panic!("expected an InstallSnapshotReply, got {other:?}"),
    };
    (ready, reply)
}

fn install_all(node: &mut RaftNode, s: &Snapshot, term: Term) -> (Ready, InstallSnapshotReply) {
    let mut last = None;
    for c in chunks(s, term, 40) {
        last = Some(send(node, &c));
    }
    last.expect("at least one chunk")
}

fn with_commands(terms: &[Term]) -> Vec<Entry> {
    terms
        .iter()
        .enumerate()
        .map(|(i, &t)| put_entry(t, i as Index + 1, 5, i as u64 + 1, "log", &format!("{i}")))
        .collect()
}

// ----- Receiver rules ------------------------------------------------------------------------

#[test]
fn rule_1_a_stale_term_is_refused() {
    let mut n = follower(2, &MEMBERS, 3, None, &[1, 1]);
    let s = snapshot(5, 2, &[("x", "1")]);
    let (ready, reply) = install_all(&mut n, &s, 2);
    assert_eq!(reply.term, 3, "the reply carries our term so the stale leader steps down");
    assert!(!reply.installed);
    assert!(n.snapshot().is_none() && n.incoming_snapshot().is_none());
    assert_eq!(log_terms(&n), vec![1, 1]);
    assert!(ready.snapshot.is_none());
}

#[test]
fn rule_2_the_first_chunk_creates_a_new_snapshot_file() {
    let mut n = follower(2, &MEMBERS, 1, None, &[]);
    let s = snapshot(4, 1, &[("x", "1"), ("y", "2")]);
    let c = chunks(&s, 1, 40);
    assert!(c.len() >= 3);
    let (_, reply) = send(&mut n, &c[0]);
    let file = n.incoming_snapshot().expect("a file was created");
    assert_eq!((file.last_included_index, file.last_included_term), (4, 1));
    assert_eq!(file.data, c[0].data);
    assert_eq!((reply.next_offset, reply.installed), (40, false));
    // The first chunk of another snapshot starts another file, replacing the partial one.
    let other = snapshot(6, 1, &[("z", "3")]);
    let c2 = chunks(&other, 1, 40);
    send(&mut n, &c2[0]);
    assert_eq!(n.incoming_snapshot().unwrap().last_included_index, 6);
    assert_eq!(n.incoming_snapshot().unwrap().data, c2[0].data);
}

#[test]
fn rule_3_chunks_are_written_at_their_offset() {
    let mut n = follower(2, &MEMBERS, 1, None, &[]);
    let s = snapshot(4, 1, &[("x", "1"), ("y", "2"), ("z", "3")]);
    let bytes = s.to_bytes().expect("a snapshot encodes");
    let c = chunks(&s, 1, 40);
    send(&mut n, &c[0]);
    let (_, reply) = send(&mut n, &c[1]);
    assert_eq!(n.incoming_snapshot().unwrap().data, bytes[..80].to_vec());
    assert_eq!(reply.next_offset, 80);
    // A duplicate of an earlier chunk overwrites the same bytes and loses nothing.
    let (_, reply) = send(&mut n, &c[0]);
    assert_eq!(n.incoming_snapshot().unwrap().data, bytes[..80].to_vec());
    assert_eq!(reply.next_offset, 80);
    // A chunk past the end of the file (one went missing) is not written.
    let (_, reply) = send(&mut n, &c[3]);
    assert_eq!(n.incoming_snapshot().unwrap().data.len(), 80);
    assert_eq!(reply.next_offset, 80, "the leader is told where to resume");
    // A later chunk of a snapshot we have no file for: start from 0.
    let mut fresh = follower(3, &MEMBERS, 1, None, &[]);
    let (_, reply) = send(&mut fresh, &c[1]);
    assert!(fresh.incoming_snapshot().is_none());
    assert_eq!((reply.next_offset, reply.installed), (0, false));
}

#[test]
fn rule_4_reply_and_wait_for_more_chunks_if_not_done() {
    let mut n = follower(2, &MEMBERS, 1, None, &[1, 1]);
    let s = snapshot(4, 1, &[("x", "1"), ("y", "2")]);
    let c = chunks(&s, 1, 40);
    for (k, chunk) in c[..c.len() - 1].iter().enumerate() {
        let (ready, reply) = send(&mut n, chunk);
        assert!(!chunk.done);
        assert_eq!(reply.next_offset, 40 * (k as u64 + 1));
        assert!(!reply.installed && ready.snapshot.is_none());
        assert!(n.snapshot().is_none(), "nothing is installed before the last chunk");
        assert_eq!(log_terms(&n), vec![1, 1]);
    }
    let (ready, reply) = send(&mut n, c.last().unwrap());
    assert!(reply.installed && ready.snapshot.is_some() && ready.persist);
    assert_eq!(n.snapshot(), Some(&s));
}

#[test]
fn rule_5_save_the_snapshot_and_discard_older_or_partial_ones() {
    let mut n = follower(2, &MEMBERS, 1, None, &[]);
    let older = snapshot(3, 1, &[("x", "1")]);
    let newer = snapshot(6, 1, &[("x", "2"), ("y", "2")]);
    // A partial file of the older snapshot...
    send(&mut n, &chunks(&older, 1, 40)[0]);
    // ...is discarded by the newer one, which is saved whole.
    let (_, reply) = install_all(&mut n, &newer, 1);
    assert!(reply.installed);
    assert_eq!(n.snapshot(), Some(&newer));
    assert!(n.incoming_snapshot().is_none(), "no partial file is left");
    assert_eq!(n.persistent_state().snapshot.as_deref(), Some(&newer), "saved to stable storage");
    // An older snapshot arriving later changes nothing: ours already covers it.
    let (ready, reply) = install_all(&mut n, &older, 1);
    assert!(reply.installed, "our log covers index 3 with committed entries");
    assert_eq!(reply.last_included_index, 3);
    assert_eq!(n.snapshot(), Some(&newer));
    assert!(ready.snapshot.is_none());
}

#[test]
fn rule_6_retain_the_entries_following_a_matching_entry() {
    // Entries 1..=5 (terms 1,1,1,2,2), none known committed; the snapshot ends at (3, 1).
    let mut n = RaftNode::new(
        2,
        &MEMBERS,
        fixed_config(),
        PersistentState {
            current_term: 2,
            log: RaftLog::from_entries(with_commands(&[1, 1, 1, 2, 2])),
            ..Default::default()
        },
        0,
        &mut rng(),
    );
    let s = snapshot(3, 1, &[("log", "0"), ("log2", "x")]);
    let (ready, reply) = install_all(&mut n, &s, 2);
    assert!(reply.installed);
    assert_eq!(n.log().snapshot_index(), 3);
    assert_eq!(n.log().first_index(), 4);
    assert_eq!(n.log().to_vec(), with_commands(&[1, 1, 1, 2, 2])[3..].to_vec(), "entries 4 and 5 are kept");
    assert_eq!(ready.log_changed_from, None, "the entries kept are unchanged");
    assert!(ready.overwritten.is_empty(), "entries 1..=3 are in the snapshot, 4 and 5 are kept");
    // This follower had not applied entries 1..=3 and they are gone: it loads the snapshot.
    assert_eq!(n.kv(), &s.kv);
    assert_eq!((n.last_applied(), n.commit_index()), (3, 3));

    // A follower that has applied past the snapshot keeps its state machine (rule 6 replies).
    let mut n = follower(2, &MEMBERS, 2, None, &[]);
    let entries = with_commands(&[1, 1, 1, 2, 2]);
    n.handle_message(5, 1, append(2, 1, 0, 0, entries, 4), &mut rng());
    drain(&mut n);
    let applied_kv = n.kv().clone();
    assert_eq!(n.last_applied(), 4);
    let (_, reply) = install_all(&mut n, &s, 2);
    assert!(reply.installed);
    assert_eq!(n.kv(), &applied_kv, "not rolled back to the snapshot");
    assert_eq!((n.last_applied(), n.commit_index()), (4, 4));
    assert_eq!(n.log().first_index(), 4);
    assert_eq!(n.log().last_index(), 5);
}

#[test]
fn rule_7_discard_the_entire_log_when_the_entry_does_not_match() {
    // Conflicting entries beyond the snapshot point: index 3 holds term 2, the snapshot term 3.
    let mut n = follower(2, &MEMBERS, 3, None, &[1, 1, 2, 2, 2]);
    let s = snapshot(3, 3, &[("x", "1")]);
    let (ready, reply) = install_all(&mut n, &s, 3);
    assert!(reply.installed);
    assert!(n.log().is_empty(), "every entry is gone");
    assert_eq!((n.log().last_index(), n.log().last_term()), (3, 3));
    assert_eq!(ready.log_changed_from, Some(4));
    // Entries 3..=5 (term 2) cannot be in a snapshot whose entry 3 has term 3: overwritten.
    // Entries 1 and 2 may be in it (Log Matching cannot tell), so they are not reported.
    let lost: Vec<(Index, Term)> = ready.overwritten.iter().map(|e| (e.index, e.term)).collect();
    assert_eq!(lost, [(3, 2), (4, 2), (5, 2)]);
    // A log too short to hold lastIncludedIndex is discarded too.
    let mut n = follower(3, &MEMBERS, 3, None, &[1]);
    install_all(&mut n, &s, 3);
    assert!(n.log().is_empty());
    assert_eq!(n.log().last_index(), 3);
}

#[test]
fn rule_8_reset_the_state_machine_and_load_the_configuration() {
    let mut n = follower(2, &MEMBERS, 1, None, &[]);
    n.handle_message(5, 1, append(1, 1, 0, 0, vec![put_entry(1, 1, 5, 1, "old", "1")], 1), &mut rng());
    drain(&mut n);
    assert_eq!(n.kv().data().get("old"), Some(&"1".to_string()));
    let mut s = snapshot(7, 1, &[("new", "2")]);
    s.configuration = Configuration::new([1, 2, 3, 4, 5]);
    s.configuration_index = 6;
    install_all(&mut n, &s, 1);
    assert_eq!(n.kv(), &s.kv, "the key-value store and client sessions are the snapshot's");
    assert!(n.kv().sessions().contains_key(&9));
    assert_eq!(n.configuration(), &Configuration::new([1, 2, 3, 4, 5]), "the snapshot's configuration is in force");
    assert_eq!(n.configuration_index(), 6);
    assert_eq!((n.last_applied(), n.commit_index()), (7, 7));
}

// ----- Taking snapshots, restarts, and Raft on a compacted log --------------------------------

fn snapshot_config(threshold: usize, chunk: usize) -> RaftConfig {
    RaftConfig { snapshot_threshold: threshold, snapshot_chunk_bytes: chunk, ..fixed_config() }
}

/// Leader S1 (term 2) with `puts` commands committed by S2 and compacted.
fn compacted_leader(puts: u64) -> RaftNode {
    let mut n = node_with(1, &MEMBERS, snapshot_config(3, 32), 1, None, &[]);
    make_leader(&mut n, 1_000);
    for seq in 1..=puts {
        n.handle_client_request(1_000, 7, put(seq, &format!("k{seq}"), "v"));
        drain(&mut n);
        n.handle_message(1_000, 2, append_ok(2, seq), &mut rng());
        drain(&mut n);
    }
    n
}

#[test]
fn a_server_snapshots_applied_entries_once_its_log_passes_the_threshold() {
    let mut n = compacted_leader(3);
    assert_eq!(n.log().len(), 3);
    n.handle_timeout(n.next_deadline(), &mut rng());
    drain(&mut n);
    assert!(n.snapshot().is_none(), "not more than 3 entries yet");
    n.handle_client_request(1_000, 7, put(4, "k4", "v"));
    assert!(n.snapshot().is_none() && drain(&mut n).messages.len() == 2);
    // The log holds 4 entries now; the server snapshots as its next input begins.
    n.handle_timeout(n.next_deadline(), &mut rng());
    let (ready, written) = drain_written(&mut n);
    assert!(ready.persist);
    let s = n.snapshot().expect("compacted").clone();
    assert_eq!((s.last_included_index, s.last_included_term), (3, 2), "through lastApplied, no further");
    assert_eq!(ready.snapshot.as_deref(), Some(&s), "Ready carries the snapshot to write...");
    assert_eq!(written, Written::Replace(n.log().clone()), "...and the compacted log that follows it");
    assert_eq!(&s.kv, n.kv(), "the state machine as of lastApplied");
    assert_eq!(s.configuration, Configuration::new(MEMBERS.iter().copied()));
    assert_eq!(n.log().first_index(), 4);
    assert_eq!(n.log().len(), 1, "the unapplied entry stays");
    assert_eq!(n.log().last_index(), 4);
    // Snapshots off (the default): logs are never compacted.
    let mut plain = node_with(1, &MEMBERS, fixed_config(), 1, None, &[]);
    make_leader(&mut plain, 1_000);
    for seq in 1..=10 {
        plain.handle_client_request(1_000, 7, put(seq, "k", "v"));
        plain.handle_message(1_000, 2, append_ok(2, seq), &mut rng());
    }
    assert!(plain.snapshot().is_none() && plain.log().len() == 10);
}

#[test]
fn a_restart_restores_the_snapshot_and_the_log_after_it() {
    let mut n = compacted_leader(6);
    n.handle_timeout(n.next_deadline(), &mut rng());
    drain(&mut n);
    let state = n.persistent_state();
    let s = state.snapshot.clone().expect("a snapshot");
    let restarted = RaftNode::new(1, &MEMBERS, snapshot_config(3, 32), state, 0, &mut rng());
    assert_eq!(restarted.snapshot(), Some(s.as_ref()));
    assert_eq!(restarted.kv(), &s.kv);
    assert_eq!((restarted.last_applied(), restarted.commit_index()), (s.last_included_index, s.last_included_index));
    assert_eq!(restarted.log().to_vec(), n.log().to_vec());
    assert_eq!(restarted.role(), Role::Follower);
}

#[test]
fn the_leader_sends_its_snapshot_in_order_one_chunk_at_a_time() {
    let mut n = compacted_leader(6);
    // S3 never answered: its nextIndex is 1. The heartbeat that follows the snapshot finds
    // entry 1 compacted and sends S3 the snapshot's first chunk instead of AppendEntries.
    assert_eq!(n.next_index()[&3], 1);
    n.handle_timeout(n.next_deadline(), &mut rng());
    let ready = drain(&mut n);
    let s = n.snapshot().expect("compacted").clone();
    let bytes = s.to_bytes().expect("a snapshot encodes");
    assert!(bytes.len() > 64, "several chunks of 32 bytes");
    let to_s3: Vec<Message> = ready.messages.iter().filter(|e| e.to == 3).map(|e| e.message.clone()).collect();
    assert_eq!(to_s3.len(), 1);
    let first = match &to_s3[0] {
        Message::InstallSnapshot(m) => m.clone(),
        other => panic!("expected InstallSnapshot, got {other:?}"),
    };
    assert_eq!((first.term, first.leader_id, first.offset, first.done), (2, 1, 0, false));
    assert_eq!((first.last_included_index, first.last_included_term), (s.last_included_index, 2));
    assert_eq!(first.data, bytes[..32].to_vec());
    // A lost chunk goes again with the next heartbeat.
    n.handle_timeout(n.next_deadline(), &mut rng());
    let again = drain(&mut n);
    let resent: Vec<_> = again.messages.iter().filter(|e| e.to == 3).map(|e| e.message.clone()).collect();
    assert_eq!(resent, vec![Message::InstallSnapshot(first.clone())]);
    // Each answer brings the next chunk; a duplicated answer brings nothing.
    let ack = |next_offset: u64| {
        Message::InstallSnapshotReply(InstallSnapshotReply {
            term: 2,
            last_included_index: s.last_included_index,
            next_offset,
            installed: false,
        })
    };
    let mut offset = 0u64;
    let mut received = Vec::new();
    let mut last = first;
    loop {
        received.extend_from_slice(&last.data);
        offset += last.data.len() as u64;
        if last.done {
            break;
        }
        n.handle_message(1_000, 3, ack(offset), &mut rng());
        let ready = drain(&mut n);
        last = match only_message(&ready, 3) {
            Message::InstallSnapshot(m) => m,
            other => panic!("expected InstallSnapshot, got {other:?}"),
        };
        assert_eq!(last.offset, offset, "in order");
        n.handle_message(1_000, 3, ack(offset), &mut rng());
        assert!(drain(&mut n).messages.is_empty(), "a duplicate answer sends nothing");
    }
    assert_eq!(received, bytes);
    // The final answer: matchIndex and nextIndex move past the snapshot; AppendEntries follow.
    let done =
        InstallSnapshotReply { term: 2, last_included_index: s.last_included_index, next_offset: 0, installed: true };
    n.handle_message(1_000, 3, Message::InstallSnapshotReply(done), &mut rng());
    assert_eq!(n.match_index()[&3], s.last_included_index);
    assert_eq!(n.next_index()[&3], s.last_included_index + 1);
    assert!(n.snapshot_transfers().is_empty());
    let ae = append_to(&drain(&mut n), 3);
    assert_eq!((ae.prev_log_index, ae.prev_log_term), (s.last_included_index, s.last_included_term));
}

#[test]
fn append_entries_and_elections_work_on_a_compacted_log() {
    let mut n = follower(2, &MEMBERS, 2, None, &[]);
    install_all(&mut n, &snapshot(5, 2, &[("x", "1")]), 2);
    // prevLogIndex inside the snapshot: the compacted prefix matches; only new entries count.
    let entries: Vec<Entry> = (4..=7).map(|i| noop(2, i)).collect();
    n.handle_message(20, 1, append(2, 1, 3, 2, entries, 6), &mut rng());
    let reply = only_append_reply(&drain(&mut n), 1);
    assert!(reply.success);
    assert_eq!(reply.match_or_rejected_index, 7);
    assert_eq!(n.log().first_index(), 6);
    assert_eq!(n.log().last_index(), 7);
    assert_eq!(n.commit_index(), 6);
    // prevLogIndex at the snapshot's last entry is checked against lastIncludedTerm.
    n.handle_message(30, 1, append(2, 1, 5, 1, vec![], 6), &mut rng());
    assert!(!only_append_reply(&drain(&mut n), 1).success);
    // The election restriction uses the last entry, compacted or not.
    let mut m = follower(3, &MEMBERS, 2, None, &[]);
    install_all(&mut m, &snapshot(5, 2, &[]), 2);
    assert_eq!((m.log().last_index(), m.log().last_term()), (5, 2));
    m.handle_message(40, 2, request_vote(3, 2, 4, 2), &mut rng());
    assert!(!only_vote_reply(&drain(&mut m), 2).vote_granted, "a shorter log is not up to date");
    m.handle_message(41, 1, request_vote(3, 1, 5, 2), &mut rng());
    assert!(only_vote_reply(&drain(&mut m), 1).vote_granted);
}

#[test]
fn a_cluster_catches_up_a_follower_through_snapshots() {
    // Randomized election timeouts, so the elections S3's return causes end.
    let config = RaftConfig { snapshot_threshold: 4, snapshot_chunk_bytes: 24, ..RaftConfig::default() };
    let mut c = Cluster::new(3, config);
    c.campaign(1);
    c.isolated.insert(3);
    for seq in 1..=20 {
        c.client(1, 7, put(seq, &format!("k{}", seq % 6), &format!("v{seq}")));
        c.step_time();
    }
    assert!(c.node(1).snapshot().is_some() && c.node(2).snapshot().is_some());
    c.isolated.clear();
    // (S3's elections while cut off may have moved leadership; whoever leads catches it up.)
    c.run_until(200, |c| {
        c.leader().is_some_and(|l| {
            let l = c.node(l);
            c.node(3).kv() == l.kv() && c.node(3).commit_index() == l.commit_index()
        })
    });
    let chunks = c.delivered.iter().filter(|e| matches!(e.message, Message::InstallSnapshot(_)) && e.to == 3).count();
    assert!(chunks >= 2, "the snapshot went in {chunks} chunks");
    assert!(c.node(3).snapshot().is_some());
    assert_eq!(c.node(3).kv().data().len(), 6);
}

#[test]
fn a_rejection_of_an_acknowledged_index_waits_for_the_heartbeat() {
    // Only a break rule lets a follower reject an index it acknowledged (here: a snapshot it
    // said it installed). Resending at once would ping-pong at network speed.
    let mut n = compacted_leader(6);
    n.handle_timeout(n.next_deadline(), &mut rng());
    drain(&mut n);
    let s = n.snapshot().expect("compacted").clone();
    let installed =
        InstallSnapshotReply { term: 2, last_included_index: s.last_included_index, next_offset: 0, installed: true };
    n.handle_message(1_000, 3, Message::InstallSnapshotReply(installed), &mut rng());
    drain(&mut n);
    assert_eq!(n.next_index()[&3], s.last_included_index + 1);
    n.handle_message(1_000, 3, append_reject(2, s.last_included_index, Some(1), Some(1)), &mut rng());
    assert!(drain(&mut n).messages.is_empty());
    n.handle_timeout(n.next_deadline(), &mut rng());
    assert_eq!(append_to(&drain(&mut n), 3).prev_log_index, s.last_included_index, "the heartbeat probes again");
}

#[test]
fn a_snapshot_with_our_index_but_another_term_is_installed() {
    // (Only under a break rule can two snapshots end at one index with different terms.)
    let mut n = follower(2, &MEMBERS, 3, None, &[]);
    install_all(&mut n, &snapshot(4, 1, &[("x", "1")]), 3);
    let other = snapshot(4, 2, &[("y", "2")]);
    let (_, reply) = install_all(&mut n, &other, 3);
    assert!(reply.installed);
    assert_eq!(n.snapshot(), Some(&other));
    assert_eq!(n.kv(), &other.kv);
}

#[test]
fn a_snapshot_keeps_the_configuration_whose_entry_it_compacted() {
    // S2 learns a configuration entry (five voters) at index 2, commits it, and compacts it away.
    let five = Configuration::new([1, 2, 3, 4, 5]);
    let mut n = node_with(2, &MEMBERS, snapshot_config(1, 512), 1, None, &[]);
    let config_entry = Entry { term: 1, index: 2, payload: EntryPayload::Configuration(five.clone()) };
    n.handle_message(5, 1, append(1, 1, 0, 0, vec![noop(1, 1), config_entry], 2), &mut rng());
    drain(&mut n);
    n.handle_message(10, 1, append(1, 1, 2, 1, vec![], 2), &mut rng());
    drain(&mut n);
    assert_eq!(n.log().snapshot_index(), 2, "compacted through the configuration entry");
    assert_eq!(n.configuration(), &five);
    // After a restart the configuration comes from the snapshot, not from the boot member list.
    let restarted = RaftNode::new(2, &MEMBERS, snapshot_config(1, 512), n.persistent_state(), 20, &mut rng());
    assert_eq!(restarted.configuration(), &five);
    assert_eq!(restarted.configuration_index(), 2);
}

#[test]
fn a_second_snapshot_still_records_the_configuration_the_first_one_compacted() {
    let five = Configuration::new([1, 2, 3, 4, 5]);
    let mut n = node_with(2, &MEMBERS, snapshot_config(1, 512), 1, None, &[]);
    let config_entry = Entry { term: 1, index: 2, payload: EntryPayload::Configuration(five.clone()) };
    n.handle_message(5, 1, append(1, 1, 0, 0, vec![noop(1, 1), config_entry], 2), &mut rng());
    drain(&mut n);
    let puts = vec![put_entry(1, 3, 7, 1, "x", "1"), put_entry(1, 4, 7, 2, "y", "2")];
    n.handle_message(10, 1, append(1, 1, 2, 1, puts, 4), &mut rng());
    drain(&mut n);
    n.handle_message(15, 1, append(1, 1, 4, 1, vec![], 4), &mut rng());
    drain(&mut n);
    assert_eq!(n.log().snapshot_index(), 4, "compacted twice");
    let snapshot = n.snapshot().expect("a snapshot").clone();
    assert_eq!((snapshot.configuration.clone(), snapshot.configuration_index), (five.clone(), 2));
    let restarted = RaftNode::new(2, &MEMBERS, snapshot_config(1, 512), n.persistent_state(), 20, &mut rng());
    assert_eq!(restarted.configuration(), &five);
}

#[test]
fn a_snapshot_file_reads_back_and_bad_bytes_say_why() {
    let s = Snapshot { last_included_index: 3, last_included_term: 2, ..Snapshot::default() };
    let bytes = s.to_bytes().expect("every field encodes");
    assert_eq!(Snapshot::from_bytes(&bytes).expect("its own file"), s);
    let not_text = Snapshot::from_bytes(&[0xff, 0xfe]).expect_err("not UTF-8");
    assert!(matches!(not_text, SnapshotDecodeError::NotUtf8(_)), "{not_text}");
    let truncated = Snapshot::from_bytes(&bytes[..bytes.len() / 2]).expect_err("cut short");
    assert!(matches!(truncated, SnapshotDecodeError::NotASnapshot(_)), "{truncated}");
    assert!(truncated.to_string().contains("not a snapshot"));
}
