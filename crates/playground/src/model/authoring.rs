//! Authoring a tour on the page: the statements the claim picker offers about a moment, in
//! words. Every candidate is a `raft_sim::tour::Check` (the checks the tours and `raftsim tour`
//! use) read off the simulator's state; the store keeps only those that hold both in the live
//! run and in the step's own replay (store/authoring.rs), so every offered claim is true by
//! construction. Plain Rust, no web types: tested natively.
use crate::text::{t, tf};
use raft_core::{NodeId, Role};
use raft_sim::sim::NodeStatus;
use raft_sim::tour::Check;
use raft_sim::Simulation;

/// At most this many keys of the state machines are offered (each as one or more claims).
const MAX_KEYS: usize = 8;
/// At most this many of the operator's requests (the most recent) are offered.
const MAX_REQUESTS: usize = 6;

/// True statements about this moment of `sim`, in a fixed order: the cluster first (leader,
/// terms, commitment, safety), then each server, then the state machines and the operator's
/// requests. Each is checked against `sim` before it is listed.
pub fn candidates(sim: &Simulation) -> Vec<Check> {
    let mut out = Vec::new();
    let running: Vec<(NodeId, &raft_core::RaftNode)> = sim
        .nodes()
        .iter()
        .filter(|s| s.status == NodeStatus::Up)
        .filter_map(|s| s.raft.as_ref().map(|r| (s.id, r)))
        .collect();
    let leaders: Vec<_> = running.iter().filter(|(_, r)| r.role() == Role::Leader).collect();
    match leaders.as_slice() {
        [] => out.push(Check::NoLeader),
        [(id, r)] => out.push(Check::Leader { node: Some(*id), term: Some(r.current_term()) }),
        _ => {}
    }
    if let Some(term) = running.iter().map(|(_, r)| r.current_term()).min() {
        if term > 0 {
            out.push(Check::TermAtLeast { node: None, term });
        }
    }
    if let Some(index) = running.iter().map(|(_, r)| r.commit_index()).min() {
        if index > 0 {
            out.push(Check::Committed { node: None, index });
        }
    }
    if sim.violations().is_empty() {
        out.push(Check::NoViolation);
    }
    let mut broken: Vec<&'static str> = Vec::new();
    for v in sim.violations() {
        if !broken.contains(&v.property.name()) {
            broken.push(v.property.name());
        }
    }
    for name in broken {
        out.push(Check::Violation { property: Some(name.to_string()) });
    }
    for slot in sim.nodes() {
        let node = slot.id;
        match (slot.status, slot.raft.as_ref()) {
            (NodeStatus::Crashed(_), _) => out.push(Check::Crashed { node }),
            (NodeStatus::Paused, _) => out.push(Check::Paused { node }),
            (NodeStatus::Up, Some(r)) => {
                if r.role() != Role::Leader {
                    out.push(Check::Role { node, role: r.role() });
                }
                if let Some(candidate) = r.voted_for() {
                    out.push(Check::VotedFor { node, candidate });
                }
                if matches!(r.role(), Role::Candidate | Role::PreCandidate) {
                    out.push(Check::Votes {
                        node,
                        granted: r.votes_granted().iter().copied().collect(),
                        denied: r.votes_denied().iter().copied().collect(),
                    });
                }
                let last = r.log().last_index();
                out.push(Check::LogLength { node, length: last });
                if let Some(e) = r.log().get(last).filter(|_| last > 0) {
                    out.push(Check::EntryTerm { node, index: last, term: e.term });
                }
                out.push(Check::CommitIndex { node, index: r.commit_index() });
                out.push(Check::LastApplied { node, index: r.last_applied() });
                if r.log().snapshot_index() > 0 {
                    out.push(Check::SnapshotIndex { node, index: r.log().snapshot_index() });
                }
                if r.role() == Role::Leader {
                    for (follower, index) in r.next_index() {
                        out.push(Check::NextIndex { leader: node, follower, index });
                    }
                    for (follower, index) in r.match_index() {
                        out.push(Check::MatchIndex { leader: node, follower, index });
                    }
                }
            }
            (NodeStatus::Up, None) => {}
        }
    }
    // Keys: one claim for the whole cluster when every running server agrees, else one per
    // server that holds the key.
    // In order, each once (inserted in place: no sort of its own for the page to carry).
    let mut keys: Vec<&String> = Vec::new();
    for key in running.iter().flat_map(|(_, r)| r.kv().data().keys()) {
        if let Err(at) = keys.binary_search(&key) {
            keys.insert(at, key);
        }
    }
    for key in keys.into_iter().take(MAX_KEYS) {
        let values: Vec<Option<&String>> = running.iter().map(|(_, r)| r.kv().data().get(key)).collect();
        match values.first() {
            Some(Some(v)) if values.iter().all(|x| *x == Some(*v)) => {
                out.push(Check::Value { node: None, key: key.clone(), value: (*v).clone() })
            }
            _ => {
                for (id, r) in &running {
                    if let Some(v) = r.kv().data().get(key) {
                        out.push(Check::Value { node: Some(*id), key: key.clone(), value: v.clone() });
                    }
                }
            }
        }
    }
    let requests: Vec<_> = sim.script_history().rev().take(MAX_REQUESTS).collect();
    for h in requests.into_iter().rev() {
        match (h.completed_us, h.answered_by) {
            (Some(_), Some(node)) => out.push(Check::Answer { request: h.seq, node, value: h.value.clone() }),
            (None, _) => out.push(Check::Unanswered { request: h.seq }),
            _ => {}
        }
    }
    out.retain(|c| c.evaluate(sim).is_ok());
    out
}

fn server_list(ids: &[NodeId]) -> String {
    match ids {
        [] => t("authoring.sentence-nobody").into(),
        _ => ids.iter().map(|n| format!("S{n}")).collect::<Vec<_>>().join(", "),
    }
}

fn on(node: &Option<NodeId>) -> String {
    node.map_or(t("authoring.sentence-every-server").into(), |n| format!("S{n}"))
}

/// The claim in words, as the picker lists it (the page's wording; the file keeps the check).
pub fn sentence(check: &Check) -> String {
    let n = |n: &NodeId| n.to_string();
    let u = |n: &u64| n.to_string();
    match check {
        Check::Leader { node: Some(l), term: Some(term) } => {
            tf("authoring.sentence-leader-in-term", &[("node", &n(l)), ("term", &u(term))])
        }
        Check::Leader { node: Some(l), term: None } => tf("authoring.sentence-the-leader", &[("node", &n(l))]),
        Check::Leader { node: None, term: Some(term) } => {
            tf("authoring.sentence-a-leader-in-term", &[("term", &u(term))])
        }
        Check::Leader { node: None, term: None } => t("authoring.sentence-one-leader").into(),
        Check::NoLeader => t("authoring.sentence-no-leader").into(),
        Check::Role { node, role } => tf(
            "authoring.sentence-role",
            &[("node", &n(node)), ("role", crate::model::stage::state_text(&role.to_string()))],
        ),
        Check::TermAtLeast { node, term } => {
            tf("authoring.sentence-term-at-least", &[("servers", &on(node)), ("term", &u(term))])
        }
        Check::Committed { node: None, index } => tf("authoring.sentence-committed-all", &[("index", &u(index))]),
        Check::Committed { node: Some(s), index } => {
            tf("authoring.sentence-committed-on", &[("index", &u(index)), ("node", &n(s))])
        }
        Check::CommitIndex { node, index } => {
            tf("authoring.sentence-commit-index", &[("node", &n(node)), ("index", &u(index))])
        }
        Check::LogLength { node, length } => {
            tf("authoring.sentence-log-length", &[("node", &n(node)), ("length", &u(length))])
        }
        Check::EntryTerm { node, index, term } => {
            tf("authoring.sentence-entry-term", &[("node", &n(node)), ("index", &u(index)), ("term", &u(term))])
        }
        Check::NextIndex { leader, follower, index } => tf(
            "authoring.sentence-next-index",
            &[("leader", &n(leader)), ("follower", &n(follower)), ("index", &u(index))],
        ),
        Check::MatchIndex { leader, follower, index } => tf(
            "authoring.sentence-match-index",
            &[("leader", &n(leader)), ("follower", &n(follower)), ("index", &u(index))],
        ),
        Check::LastApplied { node, index } => {
            tf("authoring.sentence-last-applied", &[("node", &n(node)), ("index", &u(index))])
        }
        Check::Value { node, key, value } => match node {
            Some(s) => tf("authoring.sentence-value-on", &[("key", key), ("value", value), ("node", &n(s))]),
            None => tf("authoring.sentence-value-all", &[("key", key), ("value", value)]),
        },
        Check::VotedFor { node, candidate } => {
            tf("authoring.sentence-voted-for", &[("node", &n(node)), ("candidate", &n(candidate))])
        }
        Check::Votes { node, granted, denied } => tf(
            "authoring.sentence-votes",
            &[("node", &n(node)), ("granted", &server_list(granted)), ("denied", &server_list(denied))],
        ),
        Check::Crashed { node } => tf("authoring.sentence-crashed", &[("node", &n(node))]),
        Check::Paused { node } => tf("authoring.sentence-paused", &[("node", &n(node))]),
        Check::NoViolation => t("authoring.sentence-no-violation").into(),
        Check::Violation { property: Some(p) } => tf("authoring.sentence-violation", &[("property", p)]),
        Check::Violation { property: None } => t("authoring.sentence-a-violation").into(),
        Check::SnapshotIndex { node, index } => {
            tf("authoring.sentence-snapshot-index", &[("node", &n(node)), ("index", &u(index))])
        }
        Check::Answer { request, node, value } => match value {
            Some(v) => tf("authoring.sentence-answer", &[("request", &u(request)), ("node", &n(node)), ("value", v)]),
            None => tf("authoring.sentence-answer-no-value", &[("request", &u(request)), ("node", &n(node))]),
        },
        Check::Unanswered { request } => tf("authoring.sentence-unanswered", &[("request", &u(request))]),
        // Checks the picker does not offer (an imported tour may hold them): their kind.
        Check::ReadAnswer { node, key, value } => {
            tf("authoring.sentence-read-answer", &[("key", key), ("node", &n(node)), ("value", value)])
        }
        Check::ReadPending { key } => tf("authoring.sentence-read-pending", &[("key", key)]),
        Check::Linearizable { holds: true } => t("authoring.sentence-linearizable").into(),
        Check::Linearizable { holds: false } => t("authoring.sentence-not-linearizable").into(),
        Check::SnapshotShared { node, shared } => tf(
            if *shared { "authoring.sentence-snapshot-shared" } else { "authoring.sentence-snapshot-not-shared" },
            &[("node", &n(node))],
        ),
        Check::Configuration { node, .. } => tf("authoring.sentence-configuration", &[("node", &n(node))]),
        Check::Applied { node, request, times } => tf(
            "authoring.sentence-applied",
            &[("node", &n(node)), ("request", &u(request)), ("times", &times.to_string())],
        ),
        Check::Retried { client, key, value, times } => tf(
            "authoring.sentence-retried",
            &[("client", &u(client)), ("key", key), ("value", value), ("times", &times.to_string())],
        ),
        Check::Availability { failures, repairs, .. } => tf(
            "authoring.sentence-availability",
            &[("failures", &failures.to_string()), ("repairs", &repairs.to_string())],
        ),
    }
}

/// A goal's words ("a new leader", or the check's sentence).
pub fn goal_sentence(goal: &raft_sim::tour::Goal) -> String {
    match goal {
        raft_sim::tour::Goal::NewLeader => t("authoring.sentence-new-leader").into(),
        raft_sim::tour::Goal::Holds { check } => sentence(check),
    }
}

/// The message kinds a step may highlight (docs/tour-format.md): the formats' one list.
pub use raft_sim::scenario::message_rule::MESSAGE_KINDS;

#[cfg(test)]
mod tests {
    use super::*;
    use raft_sim::scenario::ms_to_us;

    #[test]
    fn candidates_hold_and_name_the_leader_and_the_logs() {
        let scenario = raft_sim::builtin::by_name("first-election").expect("a built-in");
        let mut sim = Simulation::new(&scenario).expect("runs");
        sim.run_until(ms_to_us(1_500.0));
        let leader = sim.leader().expect("a leader by 1.5 s");
        let found = candidates(&sim);
        assert!(found.iter().all(|c| c.evaluate(&sim).is_ok()));
        let term = sim.node(leader).and_then(|s| s.raft.as_ref()).map(|r| r.current_term()).expect("runs");
        assert!(found.contains(&Check::Leader { node: Some(leader), term: Some(term) }));
        assert!(found.contains(&Check::NoViolation));
        assert!(found.iter().any(|c| matches!(c, Check::LogLength { node, .. } if *node == leader)));
        assert!(!found.contains(&Check::NoLeader));
        assert_eq!(sentence(&Check::Leader { node: Some(2), term: Some(3) }), "S2 is leader in term 3");
        assert_eq!(sentence(&Check::NoLeader), "no leader");
        assert_eq!(sentence(&Check::LogLength { node: 1, length: 5 }), "S1's log has length 5");
        let x = Check::Value { node: Some(1), key: "x".into(), value: "1".into() };
        assert_eq!(sentence(&x), "x = 1 on S1");
    }

    #[test]
    fn before_any_election_there_is_no_leader_and_nothing_committed() {
        let scenario = raft_sim::builtin::cluster(3, false);
        let sim = Simulation::new(&scenario).expect("runs");
        let found = candidates(&sim);
        assert!(found.contains(&Check::NoLeader));
        assert!(!found.iter().any(|c| matches!(c, Check::Committed { .. } | Check::TermAtLeast { .. })));
        assert_eq!(found.iter().filter(|c| matches!(c, Check::Role { .. })).count(), 3);
    }
}
