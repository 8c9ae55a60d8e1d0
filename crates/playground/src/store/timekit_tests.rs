//! Native tests of the time kit (timekit.rs): markers, seeds, pacing, feedback.
use super::timekit::IDLE_SPEEDUP;
use super::{Action, Store};
use raft_sim::narrate::Topic;
use raft_sim::scenario::{Action as Operator, CrashMode};
use raft_sim::share::RunDocument;
use raft_sim::sim::MilestoneKind;

fn clock() -> f64 {
    0.0
}

fn store() -> Store {
    Store::new("https://example.org/p/".to_string(), "", clock)
}

fn events(s: &Store) -> u64 {
    s.session.as_ref().map_or(0, |s| s.sim().events())
}

fn in_flight(s: &Store) -> usize {
    s.session.as_ref().map_or(0, |s| s.sim().in_flight().count())
}

/// The events of the markers one can jump to (not the student's own actions).
fn stops(s: &Store) -> Vec<u64> {
    let session = s.session.as_ref().unwrap();
    session.milestones().iter().filter(|m| m.kind != MilestoneKind::Action).map(|m| m.events).collect()
}

#[test]
fn an_action_while_paused_says_how_to_see_it_or_resumes_by_the_setting() {
    let mut s = store();
    s.play_hook(Some(2_000_000));
    s.apply(Action::TogglePlay);
    let leader = s.session.as_ref().unwrap().sim().leader().unwrap();
    s.apply(Action::Act(Operator::CrashLeader { mode: CrashMode::Recover }));
    let note = s.paused_note.clone().unwrap();
    assert_eq!(note, format!("Paused — press Play (Space) to see what the others do without S{leader}."));
    s.apply(Action::TogglePlay);
    assert!(s.playing && s.paused_note.is_none(), "playing clears the note");
    s.apply(Action::TogglePlay);
    s.apply(Action::Act(Operator::Restart { node: leader }));
    assert!(s.paused_note.is_some(), "restarting while paused gets its note");
    s.apply(Action::ToggleResumeOnAct);
    s.apply(Action::Act(Operator::Heal));
    assert!(s.playing, "the setting resumes instead");
    assert!(s.paused_note.is_none(), "and the old note goes");
}

#[test]
fn aligning_timers_under_a_leader_says_why_it_shows_nothing() {
    let mut s = store();
    s.apply(Action::Act(Operator::AlignTimers));
    assert_eq!(s.hint, None, "with no leader yet, aligned timers make a split vote");
    s.play_hook(Some(2_000_000));
    let leader = s.session.as_ref().unwrap().sim().leader().unwrap();
    s.apply(Action::Act(Operator::AlignTimers));
    let hint = s.hint.clone().unwrap();
    assert!(hint.starts_with(&format!("S{leader} leads and its heartbeats reset every follower's timer")), "{hint}");
}

#[test]
fn share_says_link_copied_until_the_next_action() {
    let mut s = store();
    s.play_hook(Some(500_000));
    s.apply(Action::Share);
    super::tests::browser(&mut s);
    assert!(s.link_copied);
    s.apply(Action::Act(Operator::Heal));
    assert!(!s.link_copied);
}

#[test]
fn back_and_next_jump_between_markers() {
    let mut s = store();
    s.play_hook(Some(2_000_000));
    s.apply(Action::Act(Operator::CrashLeader { mode: CrashMode::Recover }));
    assert!(s.playing);
    s.play_hook(Some(4_000_000));
    let end = events(&s);
    let stops = stops(&s);
    assert!(stops.len() >= 4, "election, leader, crash, a new election: {stops:?}");
    s.apply(Action::PrevMarker);
    assert!(!s.playing, "jumping pauses");
    assert_eq!(events(&s), *stops.iter().rev().find(|&&e| e < end).unwrap());
    s.apply(Action::PrevMarker);
    let before_last = *stops.iter().rev().filter(|&&e| e < end).nth(1).unwrap();
    assert_eq!(events(&s), before_last);
    s.apply(Action::NextMarker);
    assert_eq!(events(&s), *stops.iter().find(|&&e| e > before_last).unwrap());
    // Back from the first marker goes to the start.
    s.apply(Action::SeekEvent(stops[0]));
    s.apply(Action::PrevMarker);
    assert_eq!(events(&s), 0);
}

#[test]
fn next_past_the_furthest_point_runs_on_to_the_next_marker() {
    let mut s = store();
    s.apply(Action::TogglePlay);
    assert_eq!(stops(&s), Vec::<u64>::new());
    s.apply(Action::NextMarker);
    let session = s.session.as_ref().unwrap();
    let first = session.milestones().first().copied().unwrap();
    assert!(matches!(first.kind, MilestoneKind::Election { .. }), "{first:?}");
    assert_eq!(events(&s), first.events, "it stops at the marker it found");
    assert!(!s.playing);
}

#[test]
fn the_seed_field_and_new_run_start_again_and_the_link_carries_the_seed() {
    let mut s = store();
    s.play_hook(Some(1_000_000));
    s.apply(Action::SetSeed(" 42 ".into()));
    assert_eq!((s.scenario.seed, s.now_us(), s.error.as_deref()), (42, 0, None));
    s.apply(Action::SetSeed("forty".into()));
    let error = s.error.clone().unwrap();
    assert!(error.starts_with("seed: 'forty' is not a whole number"), "{error}");
    assert!(error.ends_with("the run keeps seed 42."), "{error}");
    assert_eq!(s.scenario.seed, 42);
    s.apply(Action::NewRun(7));
    assert_eq!((s.scenario.seed, s.error.as_deref()), (7, None));
    let doc = s.document().unwrap();
    assert_eq!(doc.scenario.seed, 7);
    let back = RunDocument::from_link(&doc.to_link_fragment()).unwrap();
    assert_eq!(back.scenario.seed, 7);
    assert!(RunDocument::from_json(&doc.to_json()).unwrap().scenario.seed == 7);
    // Two fresh seeds differ (2^-53 chance of a false failure).
    assert_ne!(super::fresh_seed().unwrap(), super::fresh_seed().unwrap());
}

#[test]
fn quiet_stretches_go_fast_and_messages_cross_at_the_chosen_speed() {
    let mut s = store();
    s.apply(Action::Speed(0.0)); // 1x
    s.apply(Action::Frame(0.0));
    assert_eq!(in_flight(&s), 0, "nothing in flight before the first timeout");
    s.apply(Action::Frame(4.0));
    // Quiet: 25x until a message is sent (a first election timeout is at least 150 ms).
    assert!(s.now_us() > 4_000, "idle time is skipped: {}", s.now_us());
    assert!(s.now_us() <= (4_000.0 * IDLE_SPEEDUP) as u64);
    // Play on to a moment with messages in flight; then a frame moves exactly 1x.
    let mut t = 4.0;
    while in_flight(&s) == 0 {
        t += 4.0;
        s.apply(Action::Frame(t));
    }
    let before = s.now_us();
    s.apply(Action::Frame(t + 1.0));
    assert_eq!(s.now_us() - before, 1_000, "a message crossing is shown at the chosen speed");
    // Switched off: the chosen speed throughout.
    let mut s = store();
    s.apply(Action::ToggleSkipIdle);
    s.apply(Action::Speed(0.0));
    s.apply(Action::Frame(0.0));
    s.apply(Action::Frame(4.0));
    assert_eq!(s.now_us(), 4_000);
}

#[test]
fn a_tour_step_that_sets_the_speed_says_so() {
    let mut s = store();
    let files = crate::store::tests::tour_files();
    s.apply(Action::ToursLoaded(files));
    let (id, step, exp) = s
        .tours
        .iter()
        .find_map(|t| {
            t.steps.iter().position(|st| st.speed_exp.is_some()).map(|i| (t.id.clone(), i, t.steps[i].speed_exp))
        })
        .unwrap();
    s.apply(Action::OpenTour(id));
    s.apply(Action::TourStep(step));
    let speed = super::speed_text(super::exp10(exp.unwrap()));
    assert_eq!(s.hint.as_deref(), Some(format!("This step plays at {speed} (the tour set the speed).").as_str()));
}

#[test]
fn the_event_log_filter_is_kept_and_lines_are_remade_only_when_the_run_changed() {
    let mut s = store();
    s.play_hook(Some(2_000_000));
    let lines = s.event_lines();
    assert!(lines.iter().any(|l| l.topic == Topic::Elections));
    assert!(std::rc::Rc::ptr_eq(&lines, &s.event_lines()), "nothing new: the same lines");
    s.apply(Action::Act(Operator::CrashLeader { mode: CrashMode::Recover }));
    assert!(s.event_lines().len() > lines.len());
    s.apply(Action::FilterEvents(Some(Topic::Faults)));
    assert_eq!(s.event_filter, Some(Topic::Faults));
}

/// Held messages (manual delivery) stand still: with only those in flight the run is quiet and
/// goes at the fast rate until a timer sends something.
#[test]
fn held_messages_do_not_slow_the_quiet_stretches() {
    use raft_sim::scenario::Action as Operator;
    let mut s = store();
    s.apply(Action::Speed(0.0)); // 1x
    s.apply(Action::Act(Operator::ManualDelivery { on: true }));
    s.apply(Action::Frame(0.0));
    let mut t = 0.0;
    while s.session.as_ref().unwrap().sim().held_count() == 0 {
        t += 4.0;
        s.apply(Action::Frame(t));
    }
    assert!(s.session.as_ref().unwrap().sim().in_flight().all(|m| m.held));
    let before = s.now_us();
    s.apply(Action::Frame(t + 1.0));
    assert!(s.now_us() - before > 1_000, "skipped at the fast rate: {}", s.now_us() - before);
}

#[test]
fn exp10_agrees_with_powf_over_the_speed_range() {
    for step in -200..=200 {
        let exp = f64::from(step) / 100.0;
        let (ours, std) = (super::exp10(exp), 10f64.powf(exp));
        assert!(((ours - std) / std).abs() < 1e-15, "10^{exp}: {ours} against {std}");
        assert_eq!(super::speed_text(ours), super::speed_text(std), "10^{exp}");
    }
    assert_eq!(super::exp10(0.0), 1.0);
    assert_eq!(super::exp10(2.0), 100.0);
    assert_eq!(super::exp10(-2.0), 0.01);
}
