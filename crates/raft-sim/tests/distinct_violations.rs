//! The checker reports each distinct violation once, from the event where it began and, for a
//! lasting condition (two leaders in one term), until the event where it ended.
mod common;

use common::run_scenario;
use raft_sim::scenario::{Action, CrashMode, TimedAction};
use raft_sim::sim::MilestoneKind;
use raft_sim::{builtin, Property, Report};

#[test]
fn two_leaders_of_one_term_are_reported_once_with_when_it_began() {
    let sim = run_scenario(&builtin::by_name("single-server-change-bug").unwrap());
    let election: Vec<_> = sim.violations().iter().filter(|v| v.property == Property::ElectionSafety).collect();
    assert_eq!(election.len(), 1, "{election:#?}");
    let v = election[0];
    assert_eq!(v.message, "S1 and S3 are both leaders of term 3");
    assert!(v.detections > 50, "found after each of S3's events: {}", v.detections);
    assert!(v.last_event > v.event);
    // Both are still leaders of term 3 when the scenario ends.
    assert!(v.ongoing());
    // No two records are the same violation, and the count is of distinct ones.
    for (i, a) in sim.violations().iter().enumerate() {
        for b in &sim.violations()[i + 1..] {
            assert!(!b.same_as(a.property, &a.nodes, &a.entries, &a.message), "{a:?} listed twice");
        }
    }
    assert_eq!(sim.total_violations(), sim.violations().len() as u64);
    // One marker on the scrubber per distinct violation, at the event where it began.
    let markers: Vec<u64> =
        sim.milestones().iter().filter(|m| m.kind == MilestoneKind::Violation).map(|m| m.events).collect();
    let mut began: Vec<u64> = sim.violations().iter().map(|v| v.event).collect();
    began.dedup();
    assert_eq!(markers, began);
    let report = Report::of(&sim);
    let r = report.violations.iter().find(|r| r.property == "Election Safety").unwrap();
    assert_eq!((r.began_event, r.ended_ms, r.lasting), (v.event, None, true));
}

#[test]
fn a_lasting_violation_ends_when_it_no_longer_holds() {
    let mut scenario = builtin::by_name("single-server-change-bug").unwrap();
    // S3, the second leader of term 3, crashes at 1000 ms: from then on one leader is left.
    scenario.timeline.push(TimedAction { at_ms: 1000.0, action: Action::Crash { node: 3, mode: CrashMode::Stop } });
    let sim = run_scenario(&scenario);
    let v = sim.violations().iter().find(|v| v.property == Property::ElectionSafety).unwrap();
    assert_eq!(v.ended_us, Some(1_000_000), "{v:?}");
    assert!(v.ended_event.unwrap() > v.last_event);
    let r = Report::of(&sim);
    let r = r.violations.iter().find(|r| r.property == "Election Safety").unwrap();
    assert_eq!(r.ended_ms, Some(1000.0));
}

#[test]
fn something_that_happened_once_ends_where_it_began() {
    let sim = run_scenario(&builtin::by_name("single-server-change-bug").unwrap());
    let v = sim.violations().iter().find(|v| v.property == Property::LeaderCompleteness).unwrap();
    assert_eq!(v.detections, 1);
    assert_eq!((v.ended_us, v.ended_event), (Some(v.time_us), Some(v.event)));
}
