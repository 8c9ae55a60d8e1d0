//! Native tests of the view-models: each runs a built-in scenario in the simulator and checks
//! what the page would draw from it.
use super::{clock, log, monitor, stage, timeline};
use raft_sim::builtin;
use raft_sim::scenario::{Action, CrashMode};
use raft_sim::session::{Session, Target};
use raft_sim::sim::{Milestone, MilestoneKind};
use raft_sim::{Property, Simulation};

/// A 3-server cluster (clients on or off) run to `ms`.
fn cluster_at(load: bool, ms: u64) -> Simulation {
    let mut scenario = builtin::cluster(3, load);
    scenario.duration_ms = scenario.duration_ms.max(ms as f64);
    let mut sim = Simulation::new(&scenario).expect("the built-in cluster is valid");
    sim.run_until(ms * 1000);
    sim
}

#[test]
fn the_stage_shows_one_leader_among_voters_of_a_plain_configuration() {
    let sim = cluster_at(false, 2_000);
    let data = stage::StageData::of(&sim);
    assert_eq!(data.nodes.len(), 3);
    let leaders: Vec<u32> = data.nodes.iter().filter(|n| n.state == "leader").map(|n| n.id).collect();
    assert_eq!(leaders, vec![sim.leader().expect("a leader within 2 s")]);
    assert_eq!(data.configuration, "voters {S1, S2, S3}");
    assert!(!data.joint);
    assert!(data.nodes.iter().all(|n| n.membership == "voter"));
    assert!(data.nodes.iter().all(|n| (0.0..=1.0).contains(&n.timer_left)));
    assert!(data.messages.iter().all(|m| (0.0..=1.0).contains(&m.progress)));
    assert_eq!(data.now_ms, sim.now() as f64 / 1000.0);
}

#[test]
fn the_stage_shows_a_crashed_server_with_its_disk_term() {
    let mut sim = cluster_at(false, 2_000);
    let leader = sim.leader().expect("a leader");
    let term = sim.node(leader).and_then(|s| s.raft.as_ref()).map(|r| r.current_term()).expect("running");
    sim.act(Action::Crash { node: leader, mode: CrashMode::Recover }).expect("crash is allowed");
    let data = stage::StageData::of(&sim);
    let shown = data.nodes.iter().find(|n| n.id == leader).expect("every server is shown");
    assert_eq!(shown.state, "crashed");
    assert_eq!(shown.term, term, "a crashed server shows the term on its disk");
    assert_eq!(shown.votes, 0);
}

#[test]
fn the_log_view_shows_a_window_of_the_latest_indices() {
    let sim = cluster_at(true, 3_000);
    let data = log::LogData::of(&sim);
    assert_eq!(data.rows.len(), 3);
    assert_eq!(data.leader, sim.leader());
    let longest = data.rows.iter().map(|r| r.length).max().unwrap_or(0);
    assert!(longest > 16, "clients wrote more than one window's worth ({longest} entries)");
    assert_eq!(data.first, longest - 15, "the window ends at the longest log");
    for row in &data.rows {
        assert!(row.entries.len() <= 16);
        assert!(row.entries_from >= data.first);
        assert!(row.commit_index <= row.length);
    }
    // The leader knows each server's nextIndex and matchIndex; matchIndex is below nextIndex.
    let leader = data.leader.expect("a leader");
    for row in data.rows.iter().filter(|r| r.id != leader) {
        let (next, matched) = row.next_match.expect("the leader tracks every follower");
        assert!(matched < next);
    }
}

#[test]
fn the_timeline_keeps_the_important_markers_in_event_order() {
    let election = |events: u64| Milestone {
        events,
        time_us: events * 10,
        kind: MilestoneKind::Election { node: 1, term: events },
    };
    // Far more elections than the bar shows, then a crash at the end.
    let mut milestones: Vec<Milestone> = (1..=1_000).map(election).collect();
    milestones.push(Milestone { events: 2_000, time_us: 20_000, kind: MilestoneKind::Crash { node: 2 } });
    let markers = timeline::MarkerView::of(&milestones);
    assert_eq!(markers.len(), 400);
    assert!(markers.windows(2).all(|w| w[0].events < w[1].events));
    let last = markers.last().expect("markers");
    assert_eq!((last.kind, last.events), ("crash", 2_000), "the crash is kept though it came last");
    assert_eq!(last.label, "20.0 ms, event 2000: S2 crashes");
    assert_eq!(markers[0].label, "0.0 ms, event 1: S1 starts an election for term 1");
}

#[test]
fn the_monitor_lists_a_broken_property_once() {
    let mut sim = Simulation::new(&builtin::by_name("byzantine-double-vote").expect("built in")).expect("valid");
    assert!(monitor::broken(&sim).is_empty());
    sim.run_to_end();
    assert_eq!(monitor::broken(&sim), vec![Property::ElectionSafety]);
    let listed = monitor::listed_violations(&sim);
    assert!(!listed.is_empty() && listed.len() <= monitor::LISTED);
    assert!(monitor::span_text(&listed[0]).contains("ms (event "));
}

#[test]
fn the_clock_says_when_the_page_replays_the_past() {
    let mut session = Session::new(&builtin::cluster(3, false)).expect("valid");
    session.advance(500_000, 1_000_000, false);
    let live = clock::clock_text(&session);
    assert!(live.starts_with("t = 500.0 ms · "), "{live}");
    assert!(!live.contains("replaying"));
    session.seek(Target::Time(100_000));
    let past = clock::clock_text(&session);
    assert!(past.contains("replaying (the run goes on to 500.0 ms)"), "{past}");
}
