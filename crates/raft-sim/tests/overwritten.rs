//! Entries a follower removes on a conflict (§5.3) are recorded as they happen, outside the
//! trace hash: the page strikes them through and narrates them.
use raft_core::UnsafeRule;
use raft_sim::sim::MilestoneKind;
use raft_sim::{builtin, Scenario, Simulation};

/// Every recorded removal is true of the log: just after it, the server's log no longer holds
/// that (index, term); and every removal has its milestone.
fn check_removals(name: &str) -> usize {
    check_run(&builtin::list().into_iter().find(|s| s.name == name).unwrap())
}

fn check_run(scenario: &Scenario) -> usize {
    let name = &scenario.name;
    let mut sim = Simulation::new(scenario).unwrap();
    let mut seen = 0;
    while sim.step() {
        for e in &sim.overwritten()[seen..] {
            let raft = sim.node(e.node).and_then(|n| n.raft.as_ref()).unwrap();
            assert_ne!(raft.log().term_at(e.index), Some(e.term), "{name}: {e:?} is still in the log");
            assert_eq!(e.events, sim.events());
            let m = sim.milestones().last().unwrap();
            assert!(
                matches!(m.kind, MilestoneKind::Overwritten { node, from, count, .. }
                    if node == e.node && (from..from + count).contains(&e.index)),
                "{name}: {m:?} for {e:?}"
            );
        }
        seen = sim.overwritten().len();
    }
    seen
}

#[test]
fn a_minority_leaders_lost_write_is_recorded_as_overwritten() {
    let names: Vec<String> = builtin::list().into_iter().map(|s| s.name).collect();
    let minority = names.iter().find(|n| n.contains("minority")).expect("a minority-leader built-in");
    assert!(check_removals(minority) > 0, "{minority}: the old leader's uncommitted write is overwritten");
}

#[test]
fn a_quiet_election_overwrites_nothing() {
    assert_eq!(check_removals(&builtin::list()[0].name), 0);
}

#[test]
fn the_overwritten_entry_names_the_request_it_held() {
    let scenario = builtin::list().into_iter().find(|s| s.name == "minority-leader").unwrap();
    let mut sim = Simulation::new(&scenario).unwrap();
    sim.run_to_end();
    let lost = sim.script_history().find(|h| h.completed_us.is_none()).expect("the put to S1 gets no answer").clone();
    let e =
        sim.overwritten().iter().find(|e| e.request == Some((lost.client, lost.seq))).expect("its entry was removed");
    assert_eq!(e.term, 1, "S1 appended it as leader of term 1: {e:?}");
}

/// The removal is raft-core's own report (`Ready::overwritten`), so it is seen even when
/// nothing reaches stable storage: under `no-persist` S1's lost put is still recorded, at the
/// index S1 held it (its no-op is entry 1, the put entry 2).
#[test]
fn a_removal_is_recorded_when_the_server_does_not_persist() {
    let mut scenario = builtin::by_name("minority-leader").unwrap();
    scenario.raft.unsafe_rules.push(UnsafeRule::NoPersist);
    assert!(check_run(&scenario) > 0);
    let mut sim = Simulation::new(&scenario).unwrap();
    sim.run_to_end();
    let lost = sim.script_history().find(|h| h.completed_us.is_none()).expect("the put to S1 gets no answer").clone();
    let e = sim.overwritten().iter().find(|e| e.request == Some((lost.client, lost.seq))).expect("recorded");
    assert_eq!((e.index, e.term), (2, 1), "{e:?}");
    let m = sim.milestones().iter().find(|m| m.events == e.events).expect("its milestone");
    assert!(
        matches!(m.kind, MilestoneKind::Overwritten { node, from: 2, terms: (1, 1), .. } if node == e.node),
        "{m:?}"
    );
}

/// InstallSnapshot rule 7: S1's uncommitted term-1 writes are discarded with its log when
/// S3's snapshot arrives. Those at or after the snapshot's last index cannot be in it and are
/// recorded as overwritten; earlier ones may be in it as far as S1 can tell (the script client's
/// later requests, committed by S3, hide them from the session check), so none is claimed.
#[test]
fn a_log_discarded_for_a_snapshot_records_the_writes_it_loses() {
    let scenario = builtin::by_name("snapshot-conflict").unwrap();
    let mut sim = Simulation::new(&scenario).unwrap();
    sim.run_to_end();
    let lost: Vec<_> = sim.script_history().filter(|h| h.completed_us.is_none()).map(|h| (h.client, h.seq)).collect();
    assert_eq!(lost.len(), 12, "the writes S1 took while cut off");
    let recorded: Vec<_> = sim.overwritten().iter().map(|e| (e.node, e.term, e.request.unwrap())).collect();
    assert!(recorded.iter().all(|&(node, term, request)| node == 1 && term == 1 && lost.contains(&request)));
    assert_eq!(recorded.last().unwrap().2, *lost.last().unwrap(), "through the last write S1 took");
    assert_eq!(check_removals("snapshot-conflict"), recorded.len());
}

/// The event log says a client gets no answer only where a client asked: minority-leader's
/// lost put was a client's; Figure 7's followers lose entries the scenario seeded and no-ops,
/// which nobody asked for.
#[test]
fn the_narration_names_clients_only_for_entries_a_client_asked_for() {
    let lines = |name: &str| {
        let mut sim = Simulation::new(&builtin::by_name(name).expect("a built-in")).expect("valid");
        sim.run_to_end();
        raft_sim::narrate::narrate(sim.milestones(), &[], sim.history().iter())
            .into_iter()
            .map(|l| l.text())
            .filter(|t| t.contains(" discarded "))
            .collect::<Vec<_>>()
    };
    let minority = lines("minority-leader");
    assert!(
        !minority.is_empty() && minority.iter().all(|t| t.ends_with("get no answer from that leader")),
        "{minority:?}"
    );
    let figure7 = lines("figure-7");
    assert!(!figure7.is_empty(), "Figure 7's followers discard entries");
    assert!(figure7.iter().all(|t| t.ends_with("conflicted with the Leader's log")), "{figure7:?}");
}
