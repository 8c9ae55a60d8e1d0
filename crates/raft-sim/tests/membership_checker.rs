//! The membership invariants are fed broken states and must catch them; legal ones must not trip
//! them.
use raft_core::{Configuration, Entry, EntryPayload, Index, NodeId, RaftLog, Role, Term};
use raft_sim::invariants::{InvariantChecker, NodeObservation};
use raft_sim::Property;
use std::collections::BTreeSet;

fn noop(index: Index, term: Term) -> Entry {
    Entry { term, index, payload: EntryPayload::Noop }
}

fn config(index: Index, term: Term, old: &[NodeId], new: Option<&[NodeId]>) -> Entry {
    let c = Configuration {
        voters: old.iter().copied().collect(),
        new_voters: new.map(|n| n.iter().copied().collect()),
        learners: BTreeSet::new(),
    };
    Entry { term, index, payload: EntryPayload::Configuration(c) }
}

/// Show the checker one node after an event; the log changed from index 1 on the first
/// observation of a node, and later only by appending (`changed`).
fn feed(c: &mut InvariantChecker, node: NodeId, role: Role, term: Term, log: &[Entry], commit: Index) {
    feed_changed(c, node, role, term, log, commit, Some(1));
}

fn feed_changed(
    c: &mut InvariantChecker,
    node: NodeId,
    role: Role,
    term: Term,
    log: &[Entry],
    commit: Index,
    changed: Option<Index>,
) {
    let log = RaftLog::from_entries(log.to_vec());
    let obs = NodeObservation {
        node,
        role,
        term,
        log: &log,
        commit_index: commit,
        log_changed_from: changed,
        applied: &[],
        restarted: false,
    };
    c.observe(0, 0, &obs);
}

fn properties(c: &InvariantChecker) -> Vec<Property> {
    c.violations().iter().map(|v| v.property).collect()
}

fn checker() -> InvariantChecker {
    let mut c = InvariantChecker::new();
    c.set_initial_members(vec![1, 2, 3]);
    c
}

#[test]
fn two_uncommitted_configuration_changes_in_a_leaders_log() {
    let mut c = checker();
    let one = [noop(1, 1), config(2, 1, &[1, 2, 3], Some(&[1, 2]))];
    feed(&mut c, 2, Role::Follower, 1, &one, 0);
    feed(&mut c, 1, Role::Leader, 1, &one, 1);
    assert!(properties(&c).is_empty(), "one uncommitted change is fine");
    let two = [noop(1, 1), config(2, 1, &[1, 2, 3], Some(&[1, 2])), config(3, 1, &[1, 2], None)];
    feed_changed(&mut c, 1, Role::Leader, 1, &two, 1, Some(3));
    assert_eq!(properties(&c), vec![Property::OneChangeAtATime]);
    // A follower's log may hold them (it only follows); and once committed they are fine.
    let mut c = checker();
    feed(&mut c, 2, Role::Follower, 1, &two, 0);
    assert!(properties(&c).is_empty());
}

#[test]
fn a_commit_without_a_quorum_of_the_boot_configuration() {
    let mut c = checker();
    let log = [noop(1, 1)];
    feed(&mut c, 1, Role::Leader, 1, &log, 0);
    feed_changed(&mut c, 1, Role::Leader, 1, &log, 1, None);
    assert_eq!(properties(&c), vec![Property::QuorumCommit], "only S1 holds index 1 of 3 voters");

    let mut c = checker();
    feed(&mut c, 2, Role::Follower, 1, &log, 0);
    feed(&mut c, 1, Role::Leader, 1, &log, 0);
    feed_changed(&mut c, 1, Role::Leader, 1, &log, 1, None);
    assert!(properties(&c).is_empty(), "S1 and S2 are a majority");
}

#[test]
fn a_joint_commit_needs_both_majorities() {
    let joint = config(1, 1, &[1, 2, 3], Some(&[3, 4, 5]));
    let log = [joint.clone(), noop(2, 1)];
    let mut c = checker();
    for n in [2, 3] {
        feed(&mut c, n, Role::Follower, 1, &log, 0);
    }
    feed(&mut c, 1, Role::Leader, 1, &log, 0);
    feed_changed(&mut c, 1, Role::Leader, 1, &log, 2, None);
    assert_eq!(properties(&c), vec![Property::QuorumCommit], "S1-S3 hold it: C_old, but only S3 of C_new");
    assert!(c.violations()[0].message.contains("new={S3,S4,S5}"), "{}", c.violations()[0].message);

    let mut c = checker();
    for n in [2, 4, 5] {
        feed(&mut c, n, Role::Follower, 1, &log, 0);
    }
    feed(&mut c, 1, Role::Leader, 1, &log, 0);
    feed_changed(&mut c, 1, Role::Leader, 1, &log, 2, None);
    assert!(properties(&c).is_empty(), "{{1,2}} of C_old and {{4,5}} of C_new");
}
