//! The store with another protocol's run open: opened from its built-in, a file or a link,
//! played by the same controls as a Raft run, shared as a link that reopens the same moment.
use super::tests::{browser, store};
use super::{Action, CourseAction, Effect, Store};

fn with_builtins() -> Store {
    let mut s = store("");
    let index = raft_sim::builtin::parse_index(raft_sim::builtin::EMBEDDED_INDEX).expect("the index parses");
    let files = raft_sim::builtin::EMBEDDED_FILES.iter().map(|(n, t)| (n.to_string(), Ok(t.to_string()))).collect();
    s.apply(Action::BuiltinsLoaded(Ok(index), files));
    s
}

fn course_now(s: &Store) -> u64 {
    s.course.as_ref().expect("a course run is open").run.now_us()
}

#[test]
fn the_other_protocols_builtins_arrive_with_rafts_and_open_by_name() {
    let mut s = with_builtins();
    assert!(s.notice.is_none(), "{:?}", s.notice);
    let ids: Vec<&str> = s.course_builtins.iter().map(|b| b.id.as_str()).collect();
    for id in ["flood-p1-p4", "two-generals-last-lost", "pb-partition-no-arbiter", "cl-bank-snapshot"] {
        assert!(ids.contains(&id), "{ids:?}");
    }
    assert!(s.builtins.iter().all(|b| !ids.contains(&b.scenario.name.as_str())), "Raft's picker keeps its own");
    s.apply(Action::OpenBuiltin("flood-p1-p4".into()));
    let c = s.course.as_ref().expect("open");
    assert_eq!(c.run.protocol(), "flood-consensus");
    assert_eq!(s.course_builtin().map(|b| b.title.as_str()), Some(s.course_builtins[0].title.as_str()));
    let (title, description) = s.course_caption();
    assert!(!title.is_empty() && description.contains("P1 crashes"), "{title}: {description}");
    assert!(s.playing);
    // A Raft built-in closes it.
    s.apply(Action::Load(0));
    assert!(s.course.is_none());
    assert!(s.session.is_some());
}

#[test]
fn the_time_controls_play_step_and_go_back_in_the_course_run() {
    let mut s = with_builtins();
    s.apply(Action::Course(CourseAction::Open("flood-p1-p4".into())));
    // Frames advance it at the chosen speed.
    s.apply(Action::Speed(0.0)); // 1x
    s.apply(Action::Frame(1_000.0));
    s.apply(Action::Frame(1_050.0));
    assert_eq!(course_now(&s), 50_000, "50 ms of real time at 1x");
    s.apply(Action::Step);
    assert!(!s.playing, "a step pauses");
    let events = s.course.as_ref().map(|c| c.run.events()).unwrap_or_default();
    s.apply(Action::StepBack);
    assert_eq!(s.course.as_ref().map(|c| c.run.events()), Some(events - 1));
    s.apply(Action::SeekTime(150_000));
    assert_eq!(course_now(&s), 150_000);
    s.apply(Action::SeekTime(u64::MAX));
    let end = s.course.as_ref().map(|c| c.run.end_us()).unwrap_or_default();
    assert_eq!(course_now(&s), end, "clamped to the run's end");
    // Play at the end starts again from the start; the test hook plays to a time and stops at the end.
    s.apply(Action::TogglePlay);
    assert!(s.playing);
    assert_eq!(course_now(&s), 0);
    s.play_hook(Some(u64::MAX));
    assert_eq!(course_now(&s), end);
    assert!(!s.playing, "it stops at the end");
    // The diagram's window follows the course run's time.
    assert_eq!(s.now_us(), end);
}

#[test]
fn a_file_of_another_protocol_opens_and_a_broken_one_is_refused_naming_the_field() {
    let mut s = with_builtins();
    let generals = include_str!("../../../raft-sim/scenarios/two-generals-last-lost.json");
    s.apply(Action::Imported(Ok(generals.to_string())));
    let c = s.course.as_ref().expect("opened");
    assert_eq!(c.run.protocol(), "two-generals");
    assert_eq!(c.builtin.as_deref(), Some("two-generals-last-lost"), "recognised as the built-in");
    // A scenario with a bad field: refused with the field named; the open run stays.
    let bad = r#"{"protocol": "flood-consensus", "name": "x", "proposals": ["a", "b"], "f": 5}"#;
    s.apply(Action::Imported(Ok(bad.to_string())));
    let error = s.error.clone().unwrap_or_default();
    assert!(error.contains("f"), "{error}");
    assert_eq!(s.course.as_ref().map(|c| c.run.protocol()), Some("two-generals"), "the open run stays");
    // A primary-backup file too.
    let pb = include_str!("../../../raft-sim/scenarios/pb-primary-crash.json");
    s.apply(Action::Imported(Ok(pb.to_string())));
    assert_eq!(s.course.as_ref().map(|c| c.run.scenario_name()), Some("pb-primary-crash"));
}

#[test]
fn a_shared_link_reopens_the_same_run_at_the_same_moment_paused() {
    let mut s = with_builtins();
    s.apply(Action::Course(CourseAction::Open("pb-partition-no-arbiter".into())));
    s.apply(Action::SeekTime(700_000));
    s.apply(Action::Share);
    browser(&mut s);
    let effects = s.take_effects();
    let [Effect::ReplaceFragment(fragment), Effect::Copy(_)] = &effects[..] else { panic!("{effects:?}") };
    let link_picture = s.course.as_ref().map(|c| c.run.picture());
    let mut opened = store(fragment);
    let index = raft_sim::builtin::parse_index(raft_sim::builtin::EMBEDDED_INDEX).expect("the index parses");
    let files = raft_sim::builtin::EMBEDDED_FILES.iter().map(|(n, t)| (n.to_string(), Ok(t.to_string()))).collect();
    opened.apply(Action::BuiltinsLoaded(Ok(index), files));
    let c = opened.course.as_ref().expect("the link opens the course run");
    assert_eq!(Some(c.run.picture()), link_picture, "the same moment");
    assert_eq!(c.builtin.as_deref(), Some("pb-partition-no-arbiter"), "named as its built-in once they arrive");
    assert!(opened.course_caption().1.contains("partition"), "{:?}", opened.course_caption());
    assert!(!opened.playing, "paused there");
    assert!(opened.session.is_none() || opened.course.is_some());
    assert!(opened.notice.is_none(), "{:?}", opened.notice);
}

#[test]
fn a_failure_detector_builtin_opens_and_shows_the_paused_process_suspected() {
    let mut s = with_builtins();
    let ids: Vec<&str> = s.course_builtins.iter().map(|b| b.id.as_str()).collect();
    for id in ["fd-crash-detected", "fd-drift-fixed-timeout", "fd-tradeoff"] {
        assert!(ids.contains(&id), "{ids:?}");
    }
    s.apply(Action::OpenBuiltin("fd-pause-false-suspicion".into()));
    let c = s.course.as_mut().expect("open");
    assert_eq!(c.run.protocol(), "failure-detector");
    c.run.seek_time(750_000);
    let p = c.run.picture();
    assert_eq!((p.nodes[2].name.as_str(), p.nodes[2].badge), ("P3", Some("suspected")));
    let v = crate::model::course::CourseView::of(&p, "", "", None, c.run.total_events());
    let p3 = v.nodes.iter().find(|n| n.name == "P3").expect("P3");
    assert_eq!(p3.status, "paused");
    assert_eq!(p3.badge.as_ref().map(|b| b.1.as_str()), Some("suspected"));
}

#[test]
fn a_failure_detector_run_brings_its_tradeoff_figure_and_other_protocols_none() {
    let mut s = with_builtins();
    s.apply(Action::OpenBuiltin("fd-tradeoff".into()));
    let c = s.course.as_ref().expect("open");
    let rows = c.sweep.as_ref().expect("a figure");
    assert_eq!(rows.iter().map(|r| r.timeout_ms).collect::<Vec<_>>(), [60.0, 80.0, 100.0, 150.0, 200.0, 300.0, 400.0]);
    assert_eq!(rows.iter().map(|r| r.false_suspicions).collect::<Vec<_>>(), [67, 24, 9, 4, 3, 3, 0]);
    assert_eq!(c.timeout_ms, Some(100.0));
    s.apply(Action::OpenBuiltin("flood-p1-p4".into()));
    assert!(s.course.as_ref().expect("open").sweep.is_none());
}

#[test]
fn a_tour_step_about_flood_consensus_opens_its_run_and_pauses_where_its_claims_hold() {
    let mut s = with_builtins();
    s.apply(Action::ToursLoaded(super::tests::tour_files()));
    s.apply(Action::OpenTour("flood-consensus".into()));
    s.apply(Action::TourStep(1));
    let c = s.course.as_ref().expect("the step's run is open");
    assert_eq!(c.builtin.as_deref(), Some("flood-p1-p4"));
    assert_eq!(c.run.now_us(), 0, "at the step's start");
    assert!(s.playing);
    s.play_hook(Some(10_000_000));
    assert_eq!(course_now(&s), 100_000, "stopped at the step's pause");
    assert!(!s.playing);
    let t = s.tour.as_ref().expect("the tour is open");
    assert_eq!(t.claims, Some((6, 6)), "every claim of the step holds on the page");
    assert_eq!(s.take_effects().last(), Some(&Effect::ReplaceFragment("tour/flood-consensus/2".into())));
    // The next step runs another built-in; a Raft tour's step closes the course run.
    s.apply(Action::TourStep(3));
    assert_eq!(s.course.as_ref().and_then(|c| c.builtin.as_deref()), Some("flood-p1-p4-one-round"));
    s.apply(Action::OpenTour("leader-election".into()));
    assert!(s.course.is_none());
    assert!(s.session.is_some());
}
