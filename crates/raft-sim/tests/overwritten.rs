//! Entries a follower removes on a conflict (§5.3) are recorded as they happen, outside the
//! trace hash: the page strikes them through and narrates them.
use raft_sim::sim::MilestoneKind;
use raft_sim::{builtin, Simulation};

/// Every recorded removal is true of the log: just after it, the server's log no longer holds
/// that (index, term); and every removal has its milestone.
fn check_removals(name: &str) -> usize {
    let scenario = builtin::list().into_iter().find(|s| s.name == name).unwrap();
    let mut sim = Simulation::new(&scenario).unwrap();
    let mut seen = 0;
    while sim.step() {
        for e in &sim.overwritten()[seen..] {
            let raft = sim.node(e.node).and_then(|n| n.raft.as_ref()).unwrap();
            assert_ne!(raft.log().term_at(e.index), Some(e.term), "{name}: {e:?} is still in the log");
            assert_eq!(e.events, sim.events());
            let m = sim.milestones().last().unwrap();
            assert!(
                matches!(m.kind, MilestoneKind::Overwritten { node, from, count }
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
