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
