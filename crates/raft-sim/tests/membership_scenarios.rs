//! The membership built-in scenarios do what their descriptions say, and membership requests
//! are validated and refused cleanly.
mod common;

use common::{became, run};
use raft_sim::scenario::{Action, ClientOpKind};
use raft_sim::trace::What;
use raft_sim::{builtin, Property, Report, Scenario, Simulation};

fn configs(r: &Report, id: u32) -> Vec<String> {
    r.nodes[(id - 1) as usize]
        .log
        .iter()
        .filter(|e| e.command.starts_with("config"))
        .map(|e| e.command.clone())
        .collect()
}

#[test]
fn add_server_grows_three_to_five_through_learners_joint_and_new() {
    let (sim, r) = run("add-server");
    assert!(r.violations.is_empty(), "{:?}", r.violations);
    let expected = vec![
        "config {S1,S2,S3} learners={S4,S5}".to_string(),
        "config old={S1,S2,S3} new={S1,S2,S3,S4,S5}".to_string(),
        "config {S1,S2,S3,S4,S5}".to_string(),
    ];
    for n in &r.nodes {
        assert_eq!(configs(&r, n.id), expected, "S{}", n.id);
        assert_eq!(n.configuration.voters, vec![1, 2, 3, 4, 5]);
        assert!(n.configuration.committed && n.member && n.voter);
        assert_eq!(n.kv.get("after").map(String::as_str), Some("5"), "S{}", n.id);
        assert_eq!(n.kv.get("k0").map(String::as_str), Some("v0"), "S{} caught up", n.id);
    }
    // The spares never campaigned, before or after: S1 led throughout.
    assert_eq!(became(&sim, "candidate"), vec![(1, 1)]);
    assert_eq!(became(&sim, "leader"), vec![(1, 1)]);
    // Before the change, S4 and S5 were outside: empty logs, no configuration.
    let mut early = Simulation::new(&builtin::by_name("add-server").unwrap()).unwrap();
    early.run_until(500_000);
    let before = Report::of(&early);
    for id in [4, 5] {
        let n = &before.nodes[id - 1];
        assert!(n.log.is_empty() && !n.member && !n.voter && n.configuration.voters.is_empty());
    }
}

#[test]
fn remove_leader_steps_down_after_c_new_commits_and_the_rest_elect() {
    let (sim, r) = run("remove-leader");
    assert!(r.violations.is_empty(), "{:?}", r.violations);
    let s1 = &r.nodes[0];
    assert_eq!(s1.role, "follower");
    assert!(!s1.member && !s1.voter);
    assert_eq!(s1.configuration.voters, vec![2, 3, 4, 5]);
    assert_eq!(s1.term, 1, "S1 never campaigned after stepping down");
    assert_eq!(configs(&r, 1).last().map(String::as_str), Some("config {S2,S3,S4,S5}"));
    let leaders = became(&sim, "leader");
    assert_eq!(leaders[0], (1, 1));
    let (new_leader, term) = *leaders.last().unwrap();
    assert!(new_leader != 1 && term >= 2, "{leaders:?}");
    // S1 stepped down only after C_new (index 4) committed on it.
    let step_down = sim
        .trace()
        .iter()
        .find(|e| matches!(e.what, What::Became { node: 1, role: "follower", term: 1 }) && e.time_us > 0)
        .map(|e| e.time_us);
    assert!(step_down.is_some());
    assert!(s1.commit_index >= 4);
    for id in 2..=5 {
        assert_eq!(r.nodes[id - 1].kv.get("y").map(String::as_str), Some("2"), "S{id}");
    }
}

#[test]
fn replace_server_swaps_s3_for_s4() {
    let (sim, r) = run("replace-server");
    assert!(r.violations.is_empty(), "{:?}", r.violations);
    for id in [1, 2, 4] {
        let n = &r.nodes[id - 1];
        assert_eq!(n.configuration.voters, vec![1, 2, 4], "S{id}");
        assert!(n.configuration.new_voters.is_none() && n.voter);
        assert_eq!(n.kv.get("y").map(String::as_str), Some("2"), "S{id}");
    }
    assert!(configs(&r, 1).contains(&"config old={S1,S2,S3} new={S1,S2,S4}".to_string()));
    assert!(!r.nodes[2].alive, "S3 was shut down");
    assert_eq!(became(&sim, "leader"), vec![(1, 1)], "no disruption: S3 was shut down in time");
}

#[test]
fn a_removed_server_left_running_disrupts_the_cluster() {
    let (sim, r) = run("removed-server-disrupts");
    assert!(r.violations.is_empty(), "{:?}", r.violations);
    let s3_campaigns: Vec<u64> = became(&sim, "candidate").iter().filter(|c| c.0 == 3).map(|c| c.1).collect();
    assert!(s3_campaigns.len() >= 3, "S3 keeps campaigning: {s3_campaigns:?}");
    assert!(became(&sim, "leader").iter().all(|&(n, _)| n != 3), "S3 never wins");
    // Each of its higher terms deposes the leader: leaders are elected again and again.
    assert!(became(&sim, "leader").len() >= 3, "{:?}", became(&sim, "leader"));
    assert!(r.nodes[0].term >= 5);
    // S3 still believes in C_old,new, in which it is a voter.
    let s3 = &r.nodes[2];
    assert!(s3.configuration.new_voters.is_some() && s3.voter);
    assert_eq!(r.nodes[0].configuration.voters, vec![1, 2]);
}

#[test]
fn with_prevote_and_checkquorum_a_removed_server_disrupts_nobody() {
    let (sim, r) = run("removed-server-prevote");
    assert!(r.violations.is_empty(), "{:?}", r.violations);
    assert!(became(&sim, "pre-candidate").iter().any(|c| c.0 == 3), "S3 still times out and asks for pre-votes");
    assert!(became(&sim, "candidate").iter().all(|c| c.0 != 3), "but never wins them, so never campaigns");
    assert_eq!(became(&sim, "leader"), vec![(1, 1)], "S1 leads term 1 throughout");
    assert_eq!((r.nodes[0].role.as_str(), r.nodes[0].term), ("leader", 1));
    assert!(r.nodes[0].kv.get("y").is_some_and(|v| v == "2"), "the cluster keeps committing");
}

#[test]
fn the_2015_single_server_bug_breaks_election_safety_and_the_rule_prevents_it() {
    let (sim, r) = run("single-server-change-bug");
    let broken: Vec<&str> = r.violations.iter().map(|v| v.property.as_str()).collect();
    assert!(broken.contains(&Property::ElectionSafety.name()), "{broken:?}");
    let leaders = became(&sim, "leader");
    assert!(leaders.contains(&(1, 3)) && leaders.contains(&(3, 3)), "two leaders of term 3: {leaders:?}");

    let (sim, r) = run("single-server-change-safe");
    assert!(r.violations.is_empty(), "{:?}", r.violations);
    assert!(sim.refusals().iter().any(|(_, why)| why.contains("own term")), "{:?}", sim.refusals());
    let leaders = became(&sim, "leader");
    assert!(leaders.contains(&(1, 3)) && !leaders.contains(&(3, 3)), "{leaders:?}");
}

#[test]
fn membership_requests_are_validated_and_refusals_returned() {
    // Bad input names the field.
    let bad = r#"{"name":"x","nodes":3,"members":[1,4]}"#;
    assert_eq!(Scenario::from_json(bad).unwrap_err().field, "members[1]");
    let bad = r#"{"name":"x","nodes":3,"members":[]}"#;
    assert_eq!(Scenario::from_json(bad).unwrap_err().field, "members");
    let bad = r#"{"name":"x","nodes":3,"timeline":[{"at_ms":1,"action":"change_membership","voters":[1,1]}]}"#;
    assert_eq!(Scenario::from_json(bad).unwrap_err().field, "timeline[0].voters[1]");
    let bad = r#"{"name":"x","nodes":3,"raft":{"membership_mode":"both"}}"#;
    assert!(Scenario::from_json(bad).unwrap_err().field.contains("membership_mode"));

    let mut s = Scenario::new("act", 4, 1);
    s.members = Some(vec![1, 2, 3]);
    let mut sim = Simulation::new(&s).unwrap();
    // No leader yet.
    let err = sim.act(Action::AddServer { node: 4, via: None }).unwrap_err();
    assert!(err.problem.contains("no leader"), "{err}");
    sim.act(Action::Timeout { node: 1 }).unwrap();
    sim.run_until(300_000);
    // At a follower.
    let err = sim.act(Action::AddServer { node: 4, via: Some(2) }).unwrap_err();
    assert!(err.problem.contains("not the leader"), "{err}");
    let before = sim.interventions().len();
    sim.act(Action::AddServer { node: 4, via: None }).unwrap();
    assert_eq!(sim.interventions().len(), before + 1);
    // One change at a time.
    let err = sim.act(Action::RemoveServer { node: 2, via: None }).unwrap_err();
    assert!(err.problem.contains("in progress"), "{err}");
    assert_eq!(sim.interventions().len(), before + 1, "a refused request is not recorded");
    sim.run_until(1_000_000);
    let r = Report::of(&sim);
    assert!(r.violations.is_empty());
    assert!(r.nodes.iter().all(|n| n.configuration.voters == vec![1, 2, 3, 4]));
    // A removal then works.
    sim.act(Action::RemoveServer { node: 2, via: None }).unwrap();
    sim.run_until(2_000_000);
    assert_eq!(Report::of(&sim).nodes[0].configuration.voters, vec![1, 3, 4]);
}

#[test]
fn membership_actions_travel_in_share_links_and_replay_exactly() {
    use raft_sim::scenario::MAX_DURATION_MS;
    use raft_sim::session::{Session, Target};
    use raft_sim::share::{RunDocument, View};
    let mut scenario = Scenario::new("grow", 5, 3);
    scenario.members = Some(vec![1, 2, 3]);
    scenario.duration_ms = MAX_DURATION_MS;
    let mut session = Session::new(&scenario).unwrap();
    session.advance(600_000, u64::MAX, false);
    session.act(Action::ChangeMembership { voters: vec![1, 2, 3, 4, 5], via: None }).unwrap();
    // A second request while the first is under way is refused and leaves no trace.
    assert!(session.act(Action::RemoveServer { node: 1, via: None }).is_err());
    assert_eq!(session.interventions().len(), 1);
    session.advance(1_500_000, u64::MAX, false);
    session.act(Action::RemoveServer { node: 2, via: None }).unwrap();
    session.advance(2_500_000, u64::MAX, false);
    let r = Report::of(session.sim());
    assert!(r.violations.is_empty());
    assert!(r.nodes.iter().filter(|n| n.id != 2).all(|n| n.configuration.voters == vec![1, 3, 4, 5]));

    let doc = RunDocument::of(&session, View::default());
    let replayed = RunDocument::from_link(&doc.to_link_fragment()).unwrap().replay().unwrap();
    assert_eq!(replayed.sim().trace_hash(), session.sim().trace_hash());

    // Travelling back before the first change and forward again gives the same run.
    let end = session.position();
    session.seek(Target::Time(300_000));
    assert!(Report::of(session.sim()).nodes.iter().all(|n| n.configuration.index == 0));
    session.seek(Target::Mark(end));
    assert_eq!(session.sim().trace_hash(), replayed.sim().trace_hash());
}

/// Three voters and a spare S4; S1 leads and is asked to add S4, and crashes while S4 is still
/// a learner catching up. Nothing in any log says which voters were wanted.
fn learner_stage_crash(also_crash: &[u32]) -> Scenario {
    let mut s = Scenario::new("learner-stage-crash", 4, 1);
    s.duration_ms = 5_000.0;
    s.members = Some(vec![1, 2, 3]);
    let mut s = s.at(10.0, Action::Timeout { node: 1 }).at(400.0, Action::AddServer { node: 4, via: None });
    for &n in [1].iter().chain(also_crash) {
        s = s.at(401.0, Action::Crash { node: n, mode: raft_sim::scenario::CrashMode::Stop });
    }
    s
}

fn trace_lines(s: &Scenario) -> (Simulation, Vec<String>) {
    let mut sim = Simulation::new(s).unwrap();
    sim.set_record_trace(true);
    sim.run_to_end();
    let lines = sim.trace().iter().map(|e| e.to_string()).collect();
    (sim, lines)
}

#[test]
fn a_membership_request_survives_a_leader_crash_in_the_learner_stage() {
    let (sim, lines) = trace_lines(&learner_stage_crash(&[]));
    assert!(sim.violations().is_empty(), "{:?}", sim.violations());
    let noted = |what: &str| lines.iter().any(|l| l.contains(what));
    assert!(noted("add_server lost: S1 crashed while the new servers were catching up"), "{lines:#?}");
    assert!(noted("add_server retried at S"), "{lines:#?}");
    // The next leader carried it out: S4 votes.
    let leader = sim.leader().expect("a leader");
    let raft = sim.node(leader).unwrap().raft.as_ref().unwrap();
    assert_eq!(raft.configuration().voters.iter().copied().collect::<Vec<_>>(), vec![1, 2, 3, 4]);
    assert!(raft.configuration().learners.is_empty());
    assert!(sim.refusals().is_empty(), "{:?}", sim.refusals());
}

#[test]
fn a_membership_request_no_leader_can_take_up_is_refused_with_a_message() {
    // S2 crashes too: S3 and S4 alone elect no one, and the request is dropped, saying why.
    let (sim, lines) = trace_lines(&learner_stage_crash(&[2]));
    assert_eq!(sim.refusals().len(), 1, "{:?}", sim.refusals());
    let (at, why) = &sim.refusals()[0];
    assert!(why.contains("add_server dropped: no leader could take it up within 3000 ms"), "{why}");
    assert!((3_401_000..3_500_000).contains(at), "{at}");
    assert!(lines.iter().any(|l| l.contains("add_server dropped")), "the trace says so too");
}

/// Thesis §3.10: a transfer that does not complete within an election timeout is abandoned;
/// the simulator records it where the operator sees refusals.
#[test]
fn an_abandoned_leadership_transfer_is_recorded() {
    let mut s = Scenario::new("transfer-to-a-crashed-server", 3, 1);
    s.duration_ms = 1_500.0;
    let s = s
        .at(10.0, Action::Timeout { node: 1 })
        .at(300.0, Action::Crash { node: 3, mode: raft_sim::scenario::CrashMode::Stop })
        .at(
            305.0,
            Action::Client { node: 1, op: ClientOpKind::Put, key: "x".into(), value: Some("1".into()), retry_ms: None },
        )
        .at(340.0, Action::TransferLeadership { node: 3 });
    let (sim, lines) = trace_lines(&s);
    assert_eq!(sim.refusals().len(), 1, "{:?}", sim.refusals());
    let (at, why) = &sim.refusals()[0];
    assert!(why.contains("S1: leadership transfer to S3 abandoned"), "{why}");
    assert!(why.contains("no TimeoutNow sent"), "{why}");
    assert_eq!(*at, 640_000, "an election timeout (the maximum, 300 ms) after it began");
    assert!(lines.iter().any(|l| l.contains("abandoned")));
    assert_eq!(sim.leader(), Some(1), "S1 resumed as leader");
}

/// The paper's §6 rule, on by default: the removed server's RequestVotes are disregarded by
/// servers that hear from their leader, so it deposes nobody (without PreVote or CheckQuorum).
#[test]
fn with_default_settings_a_removed_server_disrupts_nobody() {
    let mut s = builtin::by_name("removed-server-disrupts").unwrap();
    assert!(!s.raft.leader_liveliness, "the built-in switches the rule off to show why it exists");
    s.raft.leader_liveliness = true;
    assert!(!s.raft.pre_vote && !s.raft.check_quorum);
    let sim = {
        let mut sim = Simulation::new(&s).unwrap();
        sim.set_record_trace(true);
        sim.run_to_end();
        sim
    };
    assert!(sim.violations().is_empty());
    assert!(became(&sim, "candidate").iter().filter(|c| c.0 == 3).count() >= 3, "S3 still campaigns");
    assert_eq!(became(&sim, "leader"), vec![(1, 1)], "S1 leads term 1 throughout");
    let s1 = sim.node(1).unwrap().raft.as_ref().unwrap();
    assert_eq!(s1.kv().data().get("y").map(String::as_str), Some("2"), "and commits y=2");
}
