//! The built-in scenarios do what their descriptions (and the course notes) say.
mod common;

use common::{became, run};
use raft_sim::trace::What;
use raft_sim::{Property, Report};

fn log_of(r: &Report, id: u32) -> Vec<(u64, String)> {
    r.nodes[(id - 1) as usize].log.iter().map(|e| (e.term, e.command.clone())).collect()
}

#[test]
fn first_election_one_leader_in_term_1() {
    let (sim, r) = run("first-election");
    assert!(r.violations.is_empty());
    assert_eq!(became(&sim, "leader").len(), 1);
    let leaders: Vec<_> = r.nodes.iter().filter(|n| n.role == "leader").collect();
    assert_eq!(leaders.len(), 1);
    assert!(r.nodes.iter().all(|n| n.term == 1 && n.log == r.nodes[0].log && n.commit_index == 1));
}

#[test]
fn split_vote_nobody_wins_term_1_then_s4_wins_term_2() {
    let (sim, r) = run("split-vote");
    assert!(r.violations.is_empty());
    let candidates = became(&sim, "candidate");
    assert!(candidates.contains(&(1, 1)) && candidates.contains(&(3, 1)), "{candidates:?}");
    let leaders = became(&sim, "leader");
    assert!(leaders.iter().all(|&(_, term)| term >= 2), "no leader in term 1: {leaders:?}");
    assert_eq!(leaders.first(), Some(&(4, 2)), "like the notes: D (S4) wins the next term");
}

#[test]
fn crash_example_matches_the_lecture() {
    let (sim, r) = run("crash-example");
    assert!(r.violations.is_empty());
    let leaders = became(&sim, "leader");
    assert_eq!(leaders, vec![(2, 1), (4, 2)]);
    // When S2 crashed, S5 had not received o1.
    let crash_time = 400_000;
    let s5_got_o1_before_crash = sim.trace().iter().any(|e| {
        e.time_us < crash_time
            && matches!(&e.what, What::Delivered { to: raft_sim::network::Endpoint::Node(5), kind: "AppendEntries", summary, .. } if summary.contains("entries=1"))
    });
    assert!(!s5_got_o1_before_crash);
    let expected = vec![(1, "o1=1".to_string()), (2, "o2=2".to_string())];
    for id in [1, 3, 4, 5] {
        assert_eq!(log_of(&r, id), expected, "S{id}");
        assert_eq!(r.nodes[(id - 1) as usize].commit_index, 2, "S{id} committed o1 and o2");
    }
    assert!(!r.nodes[1].alive);
    assert_eq!(log_of(&r, 2), vec![(1, "o1=1".to_string())], "S2's disk holds o1");
}

#[test]
fn minority_leader_cannot_commit_and_steps_down() {
    let (sim, r) = run("minority-leader");
    assert!(r.violations.is_empty());
    let lost = r.history.iter().find(|h| h.op.to_string() == "x=lost").unwrap();
    assert_eq!(lost.completed_us, None, "the minority leader never commits the write");
    let leaders = became(&sim, "leader");
    assert_eq!(leaders[0], (1, 1));
    assert!(leaders.iter().any(|&(n, t)| [3, 4, 5].contains(&n) && t >= 2), "{leaders:?}");
    for n in &r.nodes {
        assert_eq!(n.kv.get("x").map(String::as_str), Some("kept"), "S{}", n.id);
        assert!(n.log.iter().all(|e| e.command != "x=lost"), "S{}", n.id);
    }
    assert_eq!(r.nodes[0].role, "follower", "S1 stepped down after healing");
    assert!(r.nodes[0].term >= 2);
}

#[test]
fn figure_8_is_safe_with_the_rule_and_broken_without() {
    let (_, safe) = run("figure-8");
    assert!(safe.violations.is_empty());
    let (_, unsafe_run) = run("figure-8-unsafe");
    let broken: Vec<&str> = unsafe_run.violations.iter().map(|v| v.property.as_str()).collect();
    assert!(broken.contains(&Property::LeaderCompleteness.name()), "{broken:?}");
    assert!(broken.contains(&Property::StateMachineSafety.name()), "{broken:?}");
    // Both end with S5's entry 2 (term 3) everywhere: the term-2 entry was overwritten.
    for r in [&safe, &unsafe_run] {
        for n in &r.nodes {
            assert_eq!(n.log[1].term, 3, "S{}", n.id);
        }
    }
}

#[test]
fn steady_load_commits_client_operations() {
    let (_, r) = run("steady-load");
    assert!(r.violations.is_empty());
    let done = r.history.iter().filter(|h| h.completed_us.is_some()).count();
    assert!(done > 100 && done * 10 >= r.history.len() * 9, "{done} of {}", r.history.len());
}

/// A built-in that states what its run shows (`expect`) shows it: every claim holds at its
/// moment. Rewritten built-ins say their lesson this way (minority-leader, cut-off-leader,
/// stale-read, figure-7), so a change to the protocol or the simulator that alters the lesson
/// fails here, naming the claim.
#[test]
fn every_builtin_with_expectations_meets_them() {
    let mut with_claims = 0;
    for builtin in raft_sim::scenario::builtin::catalog() {
        let scenario = &builtin.scenario;
        if scenario.expect.is_empty() {
            continue;
        }
        with_claims += 1;
        let mut sim = raft_sim::Simulation::new(scenario).expect("a built-in runs");
        let end = sim.end();
        let outcomes = raft_sim::scenario::expect::run_checking(&mut sim, end, |_| {});
        for o in outcomes {
            assert!(
                o.reached && o.holds,
                "{}: expect[{}] {:?} at {} ms: {}",
                scenario.name,
                o.index,
                o.claim,
                o.at_ms,
                o.seen
            );
        }
    }
    assert!(with_claims >= 4, "the rewritten built-ins state their lesson ({with_claims} do)");
}
