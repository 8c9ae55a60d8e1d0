//! Each invariant is fed a broken state and must catch it; a legal sequence must not trip it.
use raft_core::{Applied, Command, Entry, EntryPayload, Index, NodeId, Op, RaftLog, Role, Term};
use raft_sim::invariants::{InvariantChecker, NodeObservation};
use raft_sim::Property;

fn entry(index: Index, term: Term, value: &str) -> Entry {
    let op = Op::Put { key: "x".into(), value: value.into() };
    Entry { term, index, payload: EntryPayload::Command(Command { client: 1, seq: index, op }) }
}

struct Obs {
    node: NodeId,
    role: Role,
    term: Term,
    log: Vec<Entry>,
    commit: Index,
    changed: Option<Index>,
    applied: Vec<Applied>,
    restarted: bool,
}

fn obs(node: NodeId, role: Role, term: Term, log: Vec<Entry>) -> Obs {
    Obs { node, role, term, log, commit: 0, changed: Some(1), applied: vec![], restarted: false }
}

fn feed(checker: &mut InvariantChecker, o: &Obs) {
    let log = RaftLog::from_entries(o.log.clone());
    let observation = NodeObservation {
        node: o.node,
        role: o.role,
        term: o.term,
        log: &log,
        commit_index: o.commit,
        log_changed_from: o.changed,
        applied: &o.applied,
        restarted: o.restarted,
    };
    checker.observe(0, 0, &observation);
}

fn properties(checker: &InvariantChecker) -> Vec<Property> {
    checker.violations().iter().map(|v| v.property).collect()
}

#[test]
fn election_safety_two_leaders_in_one_term() {
    let mut c = InvariantChecker::new();
    feed(&mut c, &obs(1, Role::Leader, 3, vec![]));
    feed(&mut c, &obs(2, Role::Leader, 4, vec![]));
    assert!(properties(&c).is_empty(), "leaders of different terms are fine");
    feed(&mut c, &obs(3, Role::Leader, 3, vec![]));
    assert_eq!(properties(&c), vec![Property::ElectionSafety]);
    assert_eq!(c.violations()[0].nodes, vec![1, 3]);
}

#[test]
fn leader_append_only_catches_overwrite_and_truncation() {
    let mut c = InvariantChecker::new();
    feed(&mut c, &obs(1, Role::Leader, 2, vec![entry(1, 2, "a"), entry(2, 2, "b")]));
    let mut appended = obs(1, Role::Leader, 2, vec![entry(1, 2, "a"), entry(2, 2, "b"), entry(3, 2, "c")]);
    appended.changed = Some(3);
    feed(&mut c, &appended);
    assert!(properties(&c).is_empty(), "appending is what leaders do");
    let mut truncated = obs(1, Role::Leader, 2, vec![entry(1, 2, "a")]);
    truncated.changed = Some(2);
    feed(&mut c, &truncated);
    assert_eq!(properties(&c), vec![Property::LeaderAppendOnly]);

    // A node that misreports its changes is still caught (the checker compares lengths/terms).
    let mut c = InvariantChecker::new();
    feed(&mut c, &obs(1, Role::Leader, 2, vec![entry(1, 2, "a"), entry(2, 2, "b")]));
    let mut silent = obs(1, Role::Leader, 2, vec![entry(1, 2, "a")]);
    silent.changed = None;
    feed(&mut c, &silent);
    assert_eq!(properties(&c), vec![Property::LeaderAppendOnly]);
}

#[test]
fn log_matching_same_index_and_term_different_prefix() {
    let mut c = InvariantChecker::new();
    feed(&mut c, &obs(1, Role::Follower, 2, vec![entry(1, 1, "a"), entry(2, 2, "b")]));
    feed(&mut c, &obs(2, Role::Follower, 2, vec![entry(1, 1, "a"), entry(2, 2, "b")]));
    assert!(properties(&c).is_empty());
    feed(&mut c, &obs(3, Role::Follower, 2, vec![entry(1, 1, "DIFFERENT"), entry(2, 2, "b")]));
    assert!(properties(&c).contains(&Property::LogMatching));
}

#[test]
fn leader_completeness_new_leader_missing_a_committed_entry() {
    let mut c = InvariantChecker::new();
    let mut committer = obs(1, Role::Leader, 2, vec![entry(1, 2, "a")]);
    committer.commit = 1;
    feed(&mut c, &committer);
    // A leader of a later term holding the entry is fine.
    feed(&mut c, &obs(2, Role::Leader, 3, vec![entry(1, 2, "a"), entry(2, 3, "b")]));
    assert!(properties(&c).is_empty());
    // One without it breaks Leader Completeness.
    feed(&mut c, &obs(3, Role::Leader, 4, vec![entry(1, 4, "z")]));
    assert_eq!(properties(&c), vec![Property::LeaderCompleteness]);
}

#[test]
fn state_machine_safety_different_entries_applied_at_one_index() {
    let mut c = InvariantChecker::new();
    let mut first = obs(1, Role::Follower, 2, vec![entry(1, 1, "a")]);
    first.applied = vec![Applied { index: 1, term: 1, command: None }];
    feed(&mut c, &first);
    let mut same = obs(2, Role::Follower, 2, vec![entry(1, 1, "a")]);
    same.applied = vec![Applied { index: 1, term: 1, command: None }];
    feed(&mut c, &same);
    assert!(properties(&c).is_empty());
    let mut other = obs(3, Role::Follower, 2, vec![entry(1, 2, "b")]);
    other.applied = vec![Applied { index: 1, term: 2, command: None }];
    feed(&mut c, &other);
    assert_eq!(properties(&c), vec![Property::StateMachineSafety]);
}

#[test]
fn committing_a_different_entry_at_a_committed_index_is_caught() {
    let mut c = InvariantChecker::new();
    let mut a = obs(1, Role::Follower, 2, vec![entry(1, 1, "a")]);
    a.commit = 1;
    feed(&mut c, &a);
    let mut b = obs(2, Role::Follower, 2, vec![entry(1, 2, "b")]);
    b.commit = 1;
    feed(&mut c, &b);
    assert!(properties(&c).contains(&Property::StateMachineSafety));
}

#[test]
fn monotonic_term_holds_across_restarts() {
    let mut c = InvariantChecker::new();
    feed(&mut c, &obs(1, Role::Follower, 5, vec![]));
    let mut restarted = obs(1, Role::Follower, 5, vec![]);
    restarted.restarted = true;
    feed(&mut c, &restarted);
    assert!(properties(&c).is_empty(), "a restart that kept its term is fine");
    let mut amnesia = obs(1, Role::Follower, 0, vec![]);
    amnesia.restarted = true;
    feed(&mut c, &amnesia);
    assert_eq!(properties(&c), vec![Property::MonotonicTerm]);
}

#[test]
fn monotonic_commit_index_while_running_but_not_across_restarts() {
    let mut c = InvariantChecker::new();
    let log = vec![entry(1, 1, "a"), entry(2, 1, "b")];
    let mut o = obs(1, Role::Follower, 1, log.clone());
    o.commit = 2;
    feed(&mut c, &o);
    let mut restarted = obs(1, Role::Follower, 1, log.clone());
    restarted.restarted = true;
    feed(&mut c, &restarted);
    assert!(properties(&c).is_empty(), "commitIndex is volatile: it restarts from 0");
    let mut o = obs(1, Role::Follower, 1, log.clone());
    o.commit = 2;
    o.changed = None;
    feed(&mut c, &o);
    let mut back = obs(1, Role::Follower, 1, log);
    back.commit = 1;
    back.changed = None;
    feed(&mut c, &back);
    assert_eq!(properties(&c), vec![Property::MonotonicCommitIndex]);
}
