//! Byzantine behaviours (byzantine.rs): each one breaks a named property of Raft in a small
//! scenario, and the same scenario without the liar breaks nothing.
mod common;

use common::run_scenario;
use raft_core::NodeId;
use raft_sim::byzantine::Behaviour;
use raft_sim::scenario::{Action, ClientOpKind, NodeFaults};
use raft_sim::trace::What;
use raft_sim::{builtin, Property, Scenario, Simulation};

fn put(node: u32, key: &str, value: &str) -> Action {
    Action::Client { node, op: ClientOpKind::Put, key: key.into(), value: Some(value.into()), retry_ms: None }
}

fn liar(node: u32, behaviour: Behaviour) -> NodeFaults {
    NodeFaults { node, byzantine: vec![behaviour], ..Default::default() }
}

fn properties(sim: &Simulation) -> Vec<Property> {
    let mut p: Vec<Property> = sim.violations().iter().map(|v| v.property).collect();
    p.dedup();
    p
}

/// The scenario with every Byzantine behaviour removed.
fn honest(s: &Scenario) -> Scenario {
    let mut s = s.clone();
    for f in &mut s.faults {
        f.byzantine.clear();
    }
    s
}

fn assert_control_is_clean(s: &Scenario) {
    let sim = run_scenario(&honest(s));
    assert!(sim.violations().is_empty(), "{}: {:?}", s.name, sim.violations());
}

fn leaders(sim: &Simulation) -> Vec<(u32, u64)> {
    sim.trace()
        .iter()
        .filter_map(|e| match &e.what {
            What::Became { node, role: "leader", term } => Some((*node, *term)),
            _ => None,
        })
        .collect()
}

#[test]
fn vote_for_all_elects_two_leaders_in_one_term() {
    let s = builtin::by_name("byzantine-double-vote").unwrap();
    let sim = run_scenario(&s);
    assert_eq!(sim.violations().first().map(|v| v.property), Some(Property::ElectionSafety));
    let l = leaders(&sim);
    assert!(l.contains(&(1, 1)) && l.contains(&(2, 1)), "S1 and S2 both lead term 1: {l:?}");
    assert_control_is_clean(&s);
    // Honest, only one of them wins term 1.
    let l = leaders(&run_scenario(&honest(&s)));
    assert_eq!(l.iter().filter(|&&(_, t)| t == 1).count(), 1, "{l:?}");
}

#[test]
fn forge_entries_overwrites_a_committed_entry() {
    let s = builtin::by_name("byzantine-forged-entries").unwrap();
    let mut sim = Simulation::new(&s).unwrap();
    // Before S3 crashes: both followers hold the forgery at index 1 and no longer hold x=1,
    // though they committed it.
    sim.run_until(1_199_000);
    for id in [1, 2] {
        let raft = sim.node(id).unwrap().raft.as_ref().unwrap();
        let first = raft.log().get(1).expect("an entry at index 1");
        assert_eq!(first.term, 2, "S{id}");
        assert!(format!("{:?}", first.payload).contains("forged"), "S{id}: {:?}", first.payload);
        assert!(raft.commit_index() >= 2, "S{id} had committed x=1");
        assert_eq!(raft.log().last_index(), 1, "S{id} deleted everything after the forgery");
    }
    // The checker noticed the loss where it happened, on each follower, as it happened: long
    // before a leader without x=1 is elected.
    let lost: Vec<(NodeId, Vec<(u64, u64)>)> = sim
        .violations()
        .iter()
        .filter(|v| v.property == Property::StateMachineSafety && v.message.contains("lost the committed entry"))
        .map(|v| (v.nodes[0], v.entries.clone()))
        .collect();
    assert_eq!(lost, vec![(2, vec![(1, 1)]), (1, vec![(1, 1)])], "{:?}", sim.violations());
    sim.run_to_end();
    let p = properties(&sim);
    assert_eq!(p.first(), Some(&Property::StateMachineSafety), "{:?}", sim.violations());
    assert!(p.contains(&Property::LeaderCompleteness), "and then the new leader lacks it: {p:?}");
    assert_control_is_clean(&s);
}

/// S1 leads with S2 on its side of a partition; a put reaches only them, but S1's forged
/// leaderCommit makes S2 commit it. The majority side then commits something else there.
fn forge_commit_scenario() -> Scenario {
    let mut s = Scenario::new("byz-forge-commit", 5, 1);
    s.duration_ms = 1_500.0;
    s.faults = vec![liar(1, Behaviour::ForgeCommit)];
    s.at(10.0, Action::Timeout { node: 1 })
        .at(300.0, Action::Partition { groups: vec![vec![1, 2], vec![3, 4, 5]] })
        .at(400.0, put(1, "y", "1"))
        .at(600.0, Action::Timeout { node: 3 })
        .at(800.0, put(3, "z", "1"))
}

#[test]
fn forge_commit_makes_a_follower_commit_what_no_majority_stores() {
    let s = forge_commit_scenario();
    let sim = run_scenario(&s);
    // S2 committed y at index 2 on S1's word; the majority elects S3, which lacks it (Leader
    // Completeness), and applies its own entry at index 2 (State Machine Safety).
    let v = sim.violations();
    assert_eq!(v.first().map(|v| v.property), Some(Property::LeaderCompleteness), "{v:?}");
    assert!(
        v.iter()
            .any(|v| v.property == Property::StateMachineSafety && v.nodes.contains(&2) && v.entries.contains(&(2, 1))),
        "{v:?}"
    );
    assert_control_is_clean(&s);
}

/// S3 missed everything while cut off; back with S1 (S2 now cut off), it claims to store
/// what S1 sends, so S1 commits a put only S1 stores.
fn lie_in_replies_scenario() -> Scenario {
    let mut s = Scenario::new("byz-lie-in-replies", 3, 1);
    s.duration_ms = 1_500.0;
    s.faults = vec![liar(3, Behaviour::LieInReplies)];
    s.at(5.0, Action::Partition { groups: vec![vec![1, 2], vec![3]] })
        .at(10.0, Action::Timeout { node: 1 })
        .at(300.0, put(1, "x", "1"))
        .at(600.0, Action::Partition { groups: vec![vec![1, 3], vec![2]] })
        .at(800.0, put(1, "y", "1"))
}

#[test]
fn lie_in_replies_lets_a_leader_commit_what_nobody_stores() {
    let s = lie_in_replies_scenario();
    let sim = run_scenario(&s);
    assert_eq!(properties(&sim).first(), Some(&Property::QuorumCommit), "{:?}", sim.violations());
    let s3 = sim.node(3).unwrap().raft.as_ref().unwrap();
    assert_eq!(s3.log().last_index(), 0, "S3 stores nothing, whatever it claims");
    assert_control_is_clean(&s);
}

#[test]
fn inflate_term_deposes_every_leader() {
    let mut s = Scenario::new("byz-inflate-term", 3, 1);
    s.duration_ms = 2_000.0;
    s.faults = vec![liar(3, Behaviour::InflateTerm)];
    let s = s.at(10.0, Action::Timeout { node: 1 }).at(300.0, put(1, "x", "1"));
    let sim = run_scenario(&s);
    // A liveness attack: terms climb by 100s and leaders keep falling, but no safety
    // property breaks.
    assert!(sim.violations().is_empty(), "{:?}", sim.violations());
    let top = (1..=3).map(|id| sim.node(id).unwrap().raft.as_ref().unwrap().current_term()).max().unwrap();
    assert!(top >= 200, "terms climb by 100 per exchange: {top}");
    let l = leaders(&sim);
    let control = leaders(&run_scenario(&honest(&s)));
    assert_eq!(control.len(), 1, "honest: S1 leads throughout: {control:?}");
    assert!(l.len() > control.len() + 2, "the liar keeps deposing leaders: {l:?}");
}

#[test]
fn byzantine_faults_can_be_switched_on_while_running() {
    let s = honest(&builtin::by_name("byzantine-double-vote").unwrap());
    let mut sim = Simulation::new(&s).unwrap();
    sim.act(Action::SetFaults(liar(3, Behaviour::VoteForAll))).unwrap();
    sim.run_to_end();
    assert_eq!(properties(&sim).first(), Some(&Property::ElectionSafety));
    assert_eq!(sim.node(3).unwrap().faults.byzantine, vec![Behaviour::VoteForAll]);
}

#[test]
fn behaviours_round_trip_and_bad_names_are_rejected() {
    let json = r#"{"name": "m", "nodes": 3, "faults": [{"node": 2, "byzantine":
        ["inflate_term", "vote_for_all", "forge_entries", "forge_commit", "lie_in_replies"]}]}"#;
    let s = Scenario::from_json(json).unwrap();
    assert_eq!(s.faults[0].byzantine, Behaviour::ALL.to_vec());
    assert_eq!(Scenario::from_json(&s.to_json()).unwrap(), s);
    let e = Scenario::from_json(r#"{"name": "m", "nodes": 3, "faults": [{"node": 2, "byzantine": ["lie"]}]}"#)
        .expect_err("unknown behaviour");
    assert_eq!(e.field, "faults[0].byzantine[0]", "{e}");
    let e = Scenario::from_json(
        r#"{"name": "m", "nodes": 3, "faults": [{"node": 2, "byzantine": ["forge_commit", "forge_commit"]}]}"#,
    )
    .expect_err("listed twice");
    assert_eq!(e.field, "faults[0].byzantine[1]", "{e}");
    // Absent when honest: existing scenarios serialise as before.
    assert!(!honest(&s).to_json().contains("byzantine"));
}

#[test]
fn campaigns_never_draw_byzantine_faults() {
    for seed in 0..200 {
        for s in [
            raft_sim::campaign::generate_for_check(seed, None, &[]),
            raft_sim::campaign::generate_membership(seed, None, &[]),
        ] {
            assert!(s.faults.iter().all(|f| f.byzantine.is_empty()), "seed {seed}");
        }
    }
}
