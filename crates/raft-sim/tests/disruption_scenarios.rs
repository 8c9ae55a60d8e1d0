//! The disruption-control and leadership-transfer built-ins do what their descriptions say:
//! each problem happens with the rule off and does not with it on.
mod common;

use common::sim_of;
use raft_sim::network::Endpoint;
use raft_sim::trace::What;
use raft_sim::{builtin, Report, Simulation};

/// A built-in run to its end, which must break no invariant.
fn run(name: &str) -> (Simulation, Report) {
    let (sim, report) = common::run(name);
    assert!(report.violations.is_empty(), "{name}: {:?}", report.violations);
    (sim, report)
}

/// (time, node, term) of every change to `role`.
fn became(sim: &Simulation, role: &str) -> Vec<(u64, u32, u64)> {
    sim.trace()
        .iter()
        .filter_map(|e| match &e.what {
            What::Became { node, role: r, term } if *r == role => Some((e.time_us, *node, *term)),
            _ => None,
        })
        .collect()
}

fn has_entry(r: &Report, id: u32, command: &str) -> bool {
    let n = &r.nodes[(id - 1) as usize];
    n.log.iter().take(n.commit_index as usize).any(|e| e.command == command)
}

const HEAL_US: u64 = 2_500_000;

#[test]
fn rejoin_disrupts_without_prevote() {
    let mut sim = sim_of("rejoin-disrupts");
    sim.run_until(HEAL_US - 1);
    assert_eq!(sim.leader(), Some(1));
    let s1 = sim.node(1).unwrap().raft.as_ref().unwrap();
    let s5 = sim.node(5).unwrap().raft.as_ref().unwrap();
    assert_eq!(s1.current_term(), 1);
    assert!(s5.current_term() >= 5, "the cut-off S5 kept starting elections: term {}", s5.current_term());
    let s5_term = s5.current_term();
    sim.run_to_end();
    let r = Report::of(&sim);
    assert!(r.violations.is_empty());
    // S1 was deposed after the heal, and the cluster moved to (at least) S5's term.
    let deposed = became(&sim, "follower").into_iter().any(|(t, n, term)| n == 1 && t >= HEAL_US && term >= s5_term);
    assert!(deposed, "S1 stepped down when S5 rejoined");
    assert!(r.nodes.iter().all(|n| n.term >= s5_term));
    let leaders = became(&sim, "leader");
    assert!(leaders.iter().any(|&(t, _, term)| t >= HEAL_US && term >= s5_term), "{leaders:?}");
    assert!(leaders.iter().all(|&(_, n, _)| n != 5), "S5 lacks x and cannot win");
    assert!((1..=5).all(|id| has_entry(&r, id, "x=1")));
}

#[test]
fn rejoin_with_prevote_does_not_disrupt() {
    let mut sim = sim_of("rejoin-prevote");
    sim.run_until(HEAL_US - 1);
    let s5 = sim.node(5).unwrap().raft.as_ref().unwrap();
    assert_eq!(s5.current_term(), 1, "pre-votes do not raise the term");
    assert_eq!(s5.voted_for(), Some(1), "nor change votedFor (its vote for S1 in term 1)");
    let pre = became(&sim, "pre-candidate");
    assert!(pre.iter().filter(|&&(_, n, _)| n == 5).count() >= 1, "S5 tried pre-votes: {pre:?}");
    sim.run_to_end();
    let r = Report::of(&sim);
    assert!(r.violations.is_empty());
    assert_eq!(became(&sim, "leader").iter().map(|&(_, n, t)| (n, t)).collect::<Vec<_>>(), vec![(1, 1)]);
    assert!(became(&sim, "candidate").iter().all(|&(t, _, _)| t < 300_000), "no election after the first");
    assert!(r.nodes.iter().all(|n| n.term == 1));
    assert_eq!(r.nodes[0].role, "leader");
    assert!((1..=5).all(|id| has_entry(&r, id, "x=1")), "S5 caught up");
    assert!(r.pre_vote && !r.check_quorum);
}

#[test]
fn one_way_partition_keeps_forcing_elections_without_check_quorum() {
    let (sim, r) = run("one-way-partition");
    let leaders_after_cut = became(&sim, "leader").into_iter().filter(|&(t, _, _)| t > 300_000).count();
    assert!(leaders_after_cut >= 3, "leader after leader is deposed: {leaders_after_cut}");
    assert!(r.nodes[0].term >= 5);
    // S3 never hears anyone, so it never wins.
    assert!(became(&sim, "leader").iter().all(|&(_, n, _)| n != 3));
    assert!(!has_entry(&r, 1, "x=1"), "the put arrived between leaders");
}

#[test]
fn one_way_partition_is_harmless_with_check_quorum() {
    let (sim, r) = run("one-way-partition-checkquorum");
    assert_eq!(became(&sim, "leader").iter().map(|&(_, n, t)| (n, t)).collect::<Vec<_>>(), vec![(1, 1)]);
    for id in [1, 2, 4, 5] {
        assert_eq!(r.nodes[(id - 1) as usize].term, 1, "S{id} ignored S3's RequestVotes");
        assert!(has_entry(&r, id, "x=1") && has_entry(&r, id, "y=2"), "S{id}");
    }
    assert!(r.nodes[2].term >= 5, "S3 itself still starts elections");
    // The others received S3's RequestVotes and did not answer them.
    let delivered_to_others = sim.trace().iter().any(|e| {
        matches!(&e.what, What::Delivered { from: Endpoint::Node(3), kind: "RequestVote", .. } if e.time_us > 300_000)
    });
    assert!(delivered_to_others);
    let answered = sim.trace().iter().any(|e| {
        matches!(&e.what, What::Delivered { to: Endpoint::Node(3), kind: "RequestVoteReply", .. })
            || matches!(&e.what, What::Dropped { to: Endpoint::Node(3), kind: "RequestVoteReply", .. })
    });
    assert!(!answered, "RequestVotes are ignored, not answered");
}

#[test]
fn leadership_transfer_hands_over_to_s4_in_the_next_term() {
    let (sim, r) = run("leadership-transfer");
    let leaders: Vec<(u32, u64)> = became(&sim, "leader").iter().map(|&(_, n, t)| (n, t)).collect();
    assert_eq!(leaders, vec![(1, 1), (4, 2)]);
    let candidates: Vec<(u32, u64)> = became(&sim, "candidate").iter().map(|&(_, n, t)| (n, t)).collect();
    assert_eq!(candidates, vec![(1, 1), (4, 2)], "S4 went straight to candidate, without a pre-vote");
    // S1 sent TimeoutNow only after S4 had caught up with x.
    let timeout_now: Vec<u64> = sim
        .trace()
        .iter()
        .filter_map(|e| match &e.what {
            What::Delivered { from: Endpoint::Node(1), to: Endpoint::Node(4), kind: "TimeoutNow", .. } => {
                Some(e.time_us)
            }
            _ => None,
        })
        .collect();
    assert_eq!(timeout_now.len(), 1);
    let caught_up = sim.trace().iter().any(|e| {
        e.time_us >= 500_000
            && e.time_us < timeout_now[0]
            && matches!(&e.what, What::Delivered { from: Endpoint::Node(1), to: Endpoint::Node(4), kind: "AppendEntries", summary, .. } if !summary.contains("entries=0"))
    });
    assert!(caught_up, "S1 sent S4 its missing entries first");
    let marked = sim.trace().iter().any(|e| {
        matches!(&e.what, What::Delivered { from: Endpoint::Node(4), kind: "RequestVote", summary, .. } if summary.contains("leadershipTransfer"))
    });
    assert!(marked);
    assert_eq!(r.nodes[3].role, "leader");
    assert!((1..=5).all(|id| has_entry(&r, id, "x=1") && has_entry(&r, id, "y=2")));
    let y = r.history.iter().find(|h| h.op.to_string() == "y=2").unwrap();
    assert!(y.completed_us.is_some() && y.redirects >= 1, "S1 sent the client on to S4");
}

#[test]
fn cut_off_leader_keeps_leading_without_check_quorum() {
    let (_, r) = run("cut-off-leader");
    assert_eq!((r.nodes[0].role.as_str(), r.nodes[0].term), ("leader", 1), "S1 still believes it leads");
    assert!(r.nodes[2..].iter().any(|n| n.role == "leader" && n.term >= 2), "the majority elected its own");
}

#[test]
fn check_quorum_makes_a_cut_off_leader_step_down() {
    let (sim, r) = run("check-quorum-step-down");
    let step_down = became(&sim, "follower").into_iter().find(|&(_, n, term)| n == 1 && term == 1);
    let (t, _, _) = step_down.expect("S1 stepped down in term 1");
    assert!(t > 300_000 && t <= 300_000 + 2 * 300_000, "within two CheckQuorum windows: {t}");
    assert!(r.nodes[..2].iter().all(|n| n.role != "leader"));
    assert!(r.nodes[2..].iter().any(|n| n.role == "leader" && n.term >= 2));
    assert!(r.check_quorum && !r.pre_vote);
}

/// The randomized campaign really exercises these rules: some seeds have PreVote, some
/// CheckQuorum, and transfers in the timeline lead to TimeoutNow and transfer elections.
#[test]
fn the_campaign_exercises_prevote_check_quorum_and_transfers() {
    use raft_sim::scenario::Action;
    let (mut pre_vote, mut check_quorum, mut pre_votes_sent, mut timeout_nows, mut transfer_votes) = (0, 0, 0, 0, 0);
    for seed in 0..40 {
        let scenario = raft_sim::campaign::generate(seed, None, &[]);
        pre_vote += scenario.raft.pre_vote as u32;
        check_quorum += scenario.raft.check_quorum as u32;
        let mut sim = Simulation::new(&scenario).unwrap();
        sim.set_record_trace(true);
        sim.run_to_end();
        assert!(sim.violations().is_empty(), "seed {seed}");
        for e in sim.trace() {
            if let What::Delivered { kind, summary, .. } = &e.what {
                pre_votes_sent += (*kind == "PreVote") as u32;
                timeout_nows += (*kind == "TimeoutNow") as u32;
                transfer_votes += (*kind == "RequestVote" && summary.contains("leadershipTransfer")) as u32;
            }
        }
        let transfers = scenario.timeline.iter().filter(|a| matches!(a.action, Action::TransferLeadership { .. }));
        assert!(transfers.count() <= 4);
    }
    assert!((10..=30).contains(&pre_vote) && (10..=30).contains(&check_quorum), "{pre_vote} {check_quorum}");
    assert!(
        pre_votes_sent > 100 && timeout_nows >= 10 && transfer_votes >= 10,
        "{pre_votes_sent} {timeout_nows} {transfer_votes}"
    );
}

/// The page's path: `Simulation::act` with a transfer, refusals that change nothing, and the
/// settings and action in scenario JSON (with clear errors for bad values).
#[test]
fn transfer_through_act_and_the_scenario_format() {
    use raft_core::TransferError;
    use raft_sim::scenario::Action;
    use raft_sim::Scenario;
    let scenario = builtin::by_name("steady-load").unwrap();
    let mut sim = Simulation::new(&scenario).unwrap();
    sim.run_until(1_000_000);
    let leader = sim.leader().expect("a leader by 1 s");
    let term = sim.node(leader).unwrap().raft.as_ref().unwrap().current_term();
    let target = if leader == 5 { 1 } else { leader + 1 };
    assert_eq!(sim.check_transfer(leader), Err(TransferError::AlreadyLeader));
    assert_eq!(sim.check_transfer(42), Err(TransferError::UnknownNode(42)));
    assert_eq!(sim.check_transfer(target), Ok(leader));
    assert!(sim.act(Action::TransferLeadership { node: 42 }).is_err());
    sim.act(Action::TransferLeadership { node: target }).unwrap();
    assert_eq!(sim.node(leader).unwrap().raft.as_ref().unwrap().transfer_target(), Some(target));
    sim.run_until(1_500_000);
    assert_eq!(sim.leader(), Some(target));
    assert_eq!(sim.node(target).unwrap().raft.as_ref().unwrap().current_term(), term + 1);
    // A transfer to the leader itself is recorded but changes nothing.
    let before = sim.clone();
    sim.act(Action::TransferLeadership { node: target }).unwrap();
    sim.run_to_end();
    let mut untouched = before;
    untouched.run_to_end();
    assert_eq!(Report::of(&sim).nodes, Report::of(&untouched).nodes);
    assert!(Report::of(&sim).violations.is_empty());

    let json = r#"{"name": "t", "nodes": 3, "raft": {"pre_vote": true, "check_quorum": true},
        "timeline": [{"at_ms": 500, "action": "transfer_leadership", "node": 2}]}"#;
    let s = Scenario::from_json(json).unwrap();
    assert!(s.raft.pre_vote && s.raft.check_quorum);
    assert_eq!(s.timeline[0].action, Action::TransferLeadership { node: 2 });
    assert_eq!(Scenario::from_json(&s.to_json()).unwrap(), s);
    let plain = Scenario::new("p", 3, 1).to_json();
    assert!(!plain.contains("pre_vote") && !plain.contains("check_quorum"), "off means absent: old links unchanged");
    let bad = Scenario::from_json(
        r#"{"name": "t", "nodes": 3, "timeline": [{"at_ms": 1, "action": "transfer_leadership", "node": 4}]}"#,
    );
    assert_eq!(bad.unwrap_err().field, "timeline[0].node");
    let bad = Scenario::from_json(r#"{"name": "t", "nodes": 3, "raft": {"pre_vote": "yes"}}"#);
    assert_eq!(bad.unwrap_err().field, "raft.pre_vote");
}
