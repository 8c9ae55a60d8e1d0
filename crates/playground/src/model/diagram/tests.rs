//! The diagram's window and what it draws, on small runs.
use super::*;
use raft_sim::builtin;
use raft_sim::scenario::Action;
use raft_sim::session::Session;

fn run(to_us: u64) -> Session {
    let mut s = builtin::cluster(3, false);
    s.duration_ms = 600_000.0;
    let mut session = Session::new(&s).unwrap();
    session.advance(to_us, u64::MAX, false);
    session
}

fn view(session: &Session, state: &DiagramState) -> DiagramView {
    DiagramView::of(session.spacetime().unwrap(), state, session.sim().now())
}

#[test]
fn the_window_follows_the_present_until_panned() {
    let mut state = DiagramState { span_us: 1_000_000, ..DiagramState::default() };
    assert_eq!(state.end(5_000_000), 5_000_000);
    state.apply(DiagramAction::Pan(-0.5), 5_000_000);
    assert_eq!(state.end_us, Some(4_500_000));
    // Time goes on: a panned window stays put.
    assert_eq!(state.end(6_000_000), 4_500_000);
    state.apply(DiagramAction::Pan(10.0), 6_000_000);
    assert_eq!(state.end_us, None, "panning past the present follows it again");
    state.apply(DiagramAction::Pan(-100.0), 6_000_000);
    assert_eq!(state.end(6_000_000), 1_000_000, "never before the run's start");
    state.apply(DiagramAction::Follow, 6_000_000);
    assert_eq!(state.end_us, None);
}

#[test]
fn zooming_keeps_the_time_under_the_pointer() {
    let mut state = DiagramState { end_us: Some(3_000_000), span_us: 1_000_000, ..DiagramState::default() };
    // The middle of [2 s, 3 s] is 2.5 s; zooming in twice keeps 2.5 s in the middle.
    state.apply(DiagramAction::Zoom { factor: 0.5, anchor: 0.5 }, 10_000_000);
    assert_eq!(state.span_us, 500_000);
    assert_eq!(state.end_us, Some(2_750_000));
    state.apply(DiagramAction::Zoom { factor: 1e-9, anchor: f64::NAN }, 10_000_000);
    assert_eq!(state.span_us, MIN_SPAN_US, "clamped");
    state.apply(DiagramAction::Zoom { factor: 1e12, anchor: 1.0 }, 10_000_000);
    assert_eq!(state.span_us, MAX_SPAN_US);
}

#[test]
fn every_receipt_in_the_window_is_an_arrow_and_clicks_map_to_times() {
    let session = run(1_500_000);
    let state = DiagramState { span_us: 1_500_000, ..DiagramState::default() };
    assert!(!view(&session, &state).coarse, "a quiet cluster's window has room for every event");
    let v = view(&session, &state);
    let receipts =
        session.spacetime().unwrap().events().iter().filter(|e| matches!(e.what, Happening::Receive { .. })).count();
    let delivered = v.arrows().filter(|a| a.fate == Fate::Delivered).count();
    assert_eq!(delivered, receipts);
    assert!(delivered > 20);
    assert!(v.arrows().all(|a| a.x1 <= a.x2 && a.x2 + v.shift <= WIDTH + 0.01));
    assert!(v.dots().any(|d| d.kind() == "leader" && d.glyph() == Some("★")));
    assert!(v.dots().all(|d| d.x + v.shift >= LEFT - 0.01 && d.x + v.shift <= WIDTH + 0.01));
    assert_eq!(v.width, WIDTH);
    assert_eq!(v.time_at(LEFT / WIDTH), v.start_us);
    assert_eq!(v.time_at(1.0), v.end_us);
    assert_eq!(v.time_at(0.5), v.start_us + (0.5 * WIDTH - LEFT) as u64 * v.span_us / (WIDTH - LEFT) as u64);
    // Early in a run the window is wider than the run: the drawing fills only part of it.
    let early = run(300_000);
    let e = view(&early, &DiagramState { span_us: 1_000_000, ..DiagramState::default() });
    assert_eq!((e.start_us, e.end_us), (0, 300_000));
    assert!(e.now_x.unwrap() < WIDTH / 2.0);
    assert_eq!(e.time_at(0.9), 300_000);
    assert_eq!(v.now_x, Some(WIDTH));
    assert_eq!(v.lanes, 3);
    // Measured narrower (a phone): the same times, drawn in fewer pixels.
    let mut narrow = state.clone();
    narrow.apply(DiagramAction::Resize(350.0), 0);
    let n = view(&session, &narrow);
    assert_eq!((n.width, n.now_x), (350.0, Some(350.0)));
    assert_eq!(n.arrows().count(), v.arrows().count());
    narrow.apply(DiagramAction::Resize(f64::NAN), 0);
    narrow.apply(DiagramAction::Resize(5.0), 0);
    assert_eq!(narrow.width, MIN_WIDTH);
    // Tick labels (about 50 pixels wide) never run together.
    for w in [320.0, 390.0, 1366.0] {
        let mut s = state.clone();
        s.apply(DiagramAction::Resize(w), 0);
        let ticks = view(&session, &s).ticks;
        assert!(ticks.len() >= 2);
        assert!(ticks.windows(2).all(|t| t[1].0 - t[0].0 >= 80.0), "{w}: {ticks:?}");
    }
}

#[test]
fn lost_messages_are_drawn_as_lost() {
    let mut session = run(800_000);
    let leader = session.sim().leader().unwrap();
    let other = if leader == 1 { 2 } else { 1 };
    session.act(Action::Isolate { node: other }).unwrap();
    session.advance(1_200_000, u64::MAX, false);
    let v = view(&session, &DiagramState::default());
    let lost: Vec<&Arrow> = v.arrows().filter(|a| matches!(a.fate, Fate::Lost(_))).collect();
    assert!(!lost.is_empty());
    assert!(lost.iter().any(|a| a.label(&v.names).contains("cut off by a partition")), "{lost:?}");
    assert!(lost.iter().all(|a| a.fate_name() == "lost"));
}

#[test]
fn selecting_an_event_splits_the_window_into_before_after_and_concurrent() {
    let session = run(1_000_000);
    let st = session.spacetime().unwrap();
    // A receipt in the middle of the window.
    let chosen = st
        .events()
        .iter()
        .filter(|e| matches!(e.what, Happening::Receive { .. }) && e.time_us >= 750_000)
        .nth(2)
        .unwrap();
    let state = DiagramState { selected: Some(chosen.seq), ..DiagramState::default() };
    let v = view(&session, &state);
    let s = v.selected.as_ref().expect("selected");
    assert_eq!(s.before + s.after + s.concurrent + 1, v.dots().filter(|d| d.time_us >= v.start_us).count());
    assert!(s.before > 0 && s.after > 0);
    assert_eq!(v.dots().filter(|d| d.relation == Relation::Selected).count(), 1);
    for d in v.dots() {
        let e = st.event(d.seq).unwrap();
        if d.relation == Relation::Before {
            assert!(e.lamport < chosen.lamport);
        }
    }
    // Clicking it again clears the selection.
    let mut state = state;
    state.apply(DiagramAction::Select(Some(chosen.seq)), 0);
    assert_eq!(state.selected, None);
}

#[test]
fn clocks_are_written_where_they_fit() {
    let session = run(2_000_000);
    let close = DiagramState { clocks: true, span_us: 20_000, ..DiagramState::default() };
    let labelled = |v: &DiagramView| v.dots().filter(|d| d.show_clocks).count() as f64 / v.dots().count() as f64;
    let v = view(&session, &close);
    assert!(v.dots().next().is_some());
    let near = labelled(&v);
    assert!(near >= 0.5, "a narrow window labels most events: {near}");
    let wide = DiagramState { clocks: true, span_us: 2_000_000, ..DiagramState::default() };
    let v = view(&session, &wide);
    assert!(v.unlabelled > 0 && v.dots().any(|d| d.show_clocks));
    assert!(labelled(&v) < near);
    let off = DiagramState { clocks: false, ..wide };
    assert!(view(&session, &off).dots().all(|d| !d.show_clocks));
}

#[test]
fn a_busy_window_draws_at_most_the_cap_and_says_so() {
    let mut s = builtin::cluster(9, true);
    s.duration_ms = 600_000.0;
    let mut session = Session::new(&s).unwrap();
    session.advance(40_000_000, u64::MAX, false);
    let state = DiagramState { span_us: MAX_SPAN_US, ..DiagramState::default() };
    let v = view(&session, &state);
    assert!(v.arrows().count() <= MAX_ARROWS);
    assert!(v.hidden_dots > 0, "the page says it left some out");
    // Sends and receipts are only arrow ends here; the local events are still marked.
    assert!(v.coarse);
    assert!(v.dots().all(|d| d.glyph().is_some()) && v.dots().next().is_some());
    assert!(!view(&session, &DiagramState { span_us: 20_000, ..DiagramState::default() }).coarse);
    assert!(v.blank_before_x.is_some(), "older events than the record keeps are blank");
}

#[test]
fn what_is_drawn_stays_put_while_the_window_follows_the_present() {
    let mut session = run(1_200_000);
    let state = DiagramState { clocks: true, ..DiagramState::default() };
    let before = view(&session, &state);
    session.advance(1_250_000, u64::MAX, false);
    let after = view(&session, &state);
    assert!(after.shift < before.shift, "the sheet slid left");
    // Every event drawn both times is drawn at the same place, with the same label choice: the
    // component need not draw it again.
    let same = before.dots().filter(|d| after.dots().any(|a| a == *d)).count();
    let both = before.dots().filter(|d| after.dots().any(|a| a.seq == d.seq)).count();
    assert!(both > 10);
    assert_eq!(same, both);
    // Stretches that are over compare equal: only the one at the present changed.
    let unchanged = before.chunks.iter().filter(|c| after.chunks.contains(c)).count();
    assert!(unchanged + 2 >= before.chunks.len().min(after.chunks.len()), "{unchanged} of {}", before.chunks.len());
}

#[test]
fn messages_a_rule_drops_are_drawn_as_lost_and_say_so() {
    let mut session = run(800_000);
    let leader = session.sim().leader().unwrap();
    let rule = raft_sim::scenario::message_rule::MessageRule {
        rule: raft_sim::scenario::message_rule::RuleEffect::Drop,
        kind: Some("AppendEntries".into()),
        from: Some(leader),
        to: None,
        delay_ms: None,
        for_ms: Some(200.0),
    };
    session.act(Action::MessageRule(rule)).unwrap();
    session.advance(1_100_000, u64::MAX, false);
    let v = view(&session, &DiagramState::default());
    let ruled: Vec<&Arrow> =
        v.arrows().filter(|a| a.label(&v.names).contains("dropped by a message rule of the scenario")).collect();
    assert!(!ruled.is_empty(), "the leader's heartbeats in the window are drawn dropped");
    assert!(ruled.iter().all(|a| a.fate_name() == "lost"));
}

#[test]
fn the_key_names_raft_marks_only_under_a_raft_run() {
    let session = run(2_000_000);
    let st = session.spacetime().unwrap();
    let state = DiagramState::default();
    assert_eq!(DiagramView::of(st, &state, session.sim().now()).key, "diagram.key");
    let names = Rc::new(vec!["P1".to_string(), "P2".to_string(), "P3".to_string()]);
    let other = DiagramView::named(st, &state, session.sim().now(), names);
    assert_eq!(other.key, "diagram.key-course", "another protocol's diagram has no elections or commits to key");
    // Both keys are worded in every language the page speaks.
    for key in ["diagram.key", "diagram.key-course"] {
        assert_ne!(crate::text::t(key), key, "{key} has words");
    }
}
