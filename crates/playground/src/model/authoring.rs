//! Authoring a tour on the page: the statements the claim picker offers about a moment, in
//! words. Every candidate is a `raft_sim::tour::Check` (the checks the tours and `raftsim tour`
//! use) read off the simulator's state; the store keeps only those that hold both in the live
//! run and in the step's own replay (store/authoring.rs), so every offered claim is true by
//! construction. Plain Rust, no web types: tested natively.
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
        [] => "nobody".into(),
        _ => ids.iter().map(|n| format!("S{n}")).collect::<Vec<_>>().join(", "),
    }
}

fn on(node: &Option<NodeId>) -> String {
    node.map_or("every running server".into(), |n| format!("S{n}"))
}

/// The claim in words, as the picker lists it (the page's wording; the file keeps the check).
pub fn sentence(check: &Check) -> String {
    match check {
        Check::Leader { node: Some(n), term: Some(t) } => format!("S{n} is leader in term {t}"),
        Check::Leader { node: Some(n), term: None } => format!("S{n} is the one leader"),
        Check::Leader { node: None, term: Some(t) } => format!("one server is leader, in term {t}"),
        Check::Leader { node: None, term: None } => "exactly one server is leader".into(),
        Check::NoLeader => "no leader".into(),
        Check::Role { node, role } => format!("S{node} is a {role}"),
        Check::TermAtLeast { node, term } => format!("{} is in term {term} or later", on(node)),
        Check::Committed { node: None, index } => format!("index {index} committed on every running server"),
        Check::Committed { node: Some(n), index } => format!("index {index} committed on S{n}"),
        Check::CommitIndex { node, index } => format!("S{node}'s commitIndex is {index}"),
        Check::LogLength { node, length } => format!("S{node}'s log has length {length}"),
        Check::EntryTerm { node, index, term } => format!("S{node}'s entry {index} is of term {term}"),
        Check::NextIndex { leader, follower, index } => format!("S{leader}'s nextIndex for S{follower} is {index}"),
        Check::MatchIndex { leader, follower, index } => {
            format!("S{leader}'s matchIndex for S{follower} is {index}")
        }
        Check::LastApplied { node, index } => format!("S{node}'s lastApplied is {index}"),
        Check::Value { node, key, value } => match node {
            Some(n) => format!("{key} = {value} on S{n}"),
            None => format!("{key} = {value} on every running server"),
        },
        Check::VotedFor { node, candidate } => format!("S{node} voted for S{candidate} in its term"),
        Check::Votes { node, granted, denied } => {
            format!("S{node} holds votes from {}, refusals from {}", server_list(granted), server_list(denied))
        }
        Check::Crashed { node } => format!("S{node} is crashed"),
        Check::Paused { node } => format!("S{node} is paused"),
        Check::NoViolation => "no safety property has broken".into(),
        Check::Violation { property: Some(p) } => format!("{p} has broken"),
        Check::Violation { property: None } => "a safety property has broken".into(),
        Check::SnapshotIndex { node, index } => format!("S{node}'s log starts after a snapshot through {index}"),
        Check::Answer { request, node, value } => match value {
            Some(v) => format!("request #{request} was answered by S{node} with {v}"),
            None => format!("request #{request} was answered by S{node} (no value)"),
        },
        Check::Unanswered { request } => format!("request #{request} has no answer yet"),
        // Checks the picker does not offer (an imported tour may hold them): their kind.
        Check::ReadAnswer { node, key, value } => {
            format!("the last answered get of {key} was answered by S{node} with {value}")
        }
        Check::ReadPending { key } => format!("a get of {key} waits for an answer"),
        Check::Linearizable { holds: true } => "the client history is linearizable".into(),
        Check::Linearizable { holds: false } => "the client history is not linearizable".into(),
        Check::SnapshotShared { node, shared } => {
            format!(
                "S{node}'s state machine {} its data with its snapshot",
                if *shared { "shares" } else { "no longer shares" }
            )
        }
        Check::Configuration { node, .. } => format!("S{node}'s configuration is as the tour says"),
        Check::Applied { node, request, times } => format!("S{node} applied request #{request} {times} times"),
        Check::Availability { failures, repairs, .. } => {
            format!("availability: {failures} failures, {repairs} repairs")
        }
    }
}

/// A goal's words ("a new leader", or the check's sentence).
pub fn goal_sentence(goal: &raft_sim::tour::Goal) -> String {
    match goal {
        raft_sim::tour::Goal::NewLeader => "a new leader (of a higher term than when the task began)".into(),
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
