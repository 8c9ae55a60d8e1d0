//! Native tests of the store: each drives it with actions, as the page's events would, and
//! checks the state the components would draw and the effects the browser would be asked for.
use super::{Action, Effect, Store, SPEED_DEFAULT_EXP};
use raft_sim::scenario::{Action as Operator, CrashMode, TimingModel, MAX_SCENARIO_BYTES};
use raft_sim::sim::NodeStatus;

const BASE: &str = "https://example.org/playground/";

/// A clock that moves 2 ms each time it is read, so a timed jump has a known duration.
fn ticking_clock() -> f64 {
    thread_local!(static NOW: std::cell::Cell<f64> = const { std::cell::Cell::new(0.0) });
    NOW.with(|n| {
        n.set(n.get() + 2.0);
        n.get()
    })
}

pub(super) fn store(fragment: &str) -> Store {
    let mut s = Store::new(BASE.to_string(), fragment, ticking_clock);
    browser(&mut s);
    s
}

/// Do what the browser does with the store's deflate requests (the page uses the browser's
/// `CompressionStream`; here miniz_oxide, as raftsim does) and hand the results back; the other
/// effects stay for the test to take.
pub(super) fn browser(s: &mut Store) {
    let mut kept = Vec::new();
    loop {
        let mut answered = false;
        for effect in s.take_effects() {
            match effect {
                Effect::Pack { json, then } => {
                    answered = true;
                    s.apply(Action::Packed(then, Ok(miniz_oxide::deflate::compress_to_vec(&json, 9))));
                }
                Effect::Unpack(packed) => {
                    answered = true;
                    let json = miniz_oxide::inflate::decompress_to_vec_with_limit(&packed, MAX_SCENARIO_BYTES);
                    s.apply(Action::Unpacked(json.map_err(|e| format!("{e:?}"))));
                }
                other => kept.push(other),
            }
        }
        if !answered {
            break;
        }
    }
    s.effects = kept;
}

fn now_ms(s: &Store) -> f64 {
    s.now_us() as f64 / 1000.0
}

fn events(s: &Store) -> u64 {
    s.session.as_ref().map_or(0, |s| s.sim().events())
}

fn hash(s: &Store) -> String {
    s.session.as_ref().map(|s| s.sim().trace_hash_hex()).unwrap_or_default()
}

/// The shipped tours, as the page fetches them (other modules' tests read them too).
pub(crate) fn tour_files() -> Vec<(String, Result<String, String>)> {
    raft_sim::tour::TOUR_FILE_NAMES
        .iter()
        .map(|name| {
            let path = format!("{}/../raft-sim/tours/{name}", env!("CARGO_MANIFEST_DIR"));
            (name.to_string(), std::fs::read_to_string(&path).map_err(|e| e.to_string()))
        })
        .collect()
}

#[test]
fn a_page_without_a_fragment_plays_the_first_built_in() {
    let s = store("");
    assert_eq!(s.scenario, raft_sim::builtin::list()[0]);
    assert!(s.playing);
    assert_eq!((s.error.as_deref(), s.notice.as_deref()), (None, None));
    assert_eq!(s.speed_exp, SPEED_DEFAULT_EXP);
    assert_eq!(s.now_us(), 0);
}

#[test]
fn frames_play_by_real_time_times_the_speed_and_only_while_playing() {
    let mut s = store("");
    s.apply(Action::ToggleSkipIdle); // the chosen speed throughout (see timekit_tests.rs)
    s.apply(Action::Speed(0.0)); // 1x: a real ms is a virtual ms
    s.apply(Action::Frame(1_000.0));
    assert_eq!(s.now_us(), 0, "the first frame only notes the time");
    s.apply(Action::Frame(1_050.0));
    assert_eq!(now_ms(&s), 50.0);
    // A long gap (a background tab) counts as one frame's worth, not a leap.
    s.apply(Action::Frame(60_000.0));
    assert_eq!(now_ms(&s), 150.0);
    s.apply(Action::TogglePlay);
    assert!(!s.playing);
    s.apply(Action::Frame(60_050.0));
    assert_eq!(now_ms(&s), 150.0, "a paused run stands still");
    // Playing again starts a fresh frame count: the pause is not played back.
    s.apply(Action::TogglePlay);
    s.apply(Action::Frame(90_000.0));
    assert_eq!(now_ms(&s), 150.0);
}

#[test]
fn the_speed_stays_within_its_range_and_moves_in_tenths() {
    let mut s = store("");
    s.apply(Action::Speed(9.0));
    assert_eq!(s.speed_exp, raft_sim::share::SPEED_MAX_EXP);
    s.apply(Action::Speed(0.0));
    s.apply(Action::SpeedBy(0.1));
    s.apply(Action::SpeedBy(0.1));
    assert_eq!(s.speed_exp, 0.2);
}

#[test]
fn stepping_and_seeking_pause_and_jumps_are_timed() {
    let mut s = store("");
    s.apply(Action::Step);
    assert!(!s.playing, "a step pauses");
    assert_eq!(events(&s), 1);
    s.play_hook(Some(500_000));
    assert_eq!(events(&s), 1, "the hook does not play a paused run");
    s.apply(Action::TogglePlay);
    s.play_hook(Some(500_000));
    assert_eq!(now_ms(&s), 500.0);
    let (at, hash_at) = (events(&s), hash(&s));
    s.apply(Action::SeekTime(100_000));
    assert!(!s.playing);
    assert!(now_ms(&s) <= 100.0);
    assert_eq!(s.last_seek_ms, Some(2.0), "the clock read twice, 2 ms apart");
    s.apply(Action::SeekEvent(at));
    assert_eq!((events(&s), hash(&s)), (at, hash_at), "back to the same moment");
    s.apply(Action::StepBack);
    assert_eq!(events(&s), at - 1);
}

#[test]
fn selecting_a_server_twice_unselects_it_and_inspecting_a_message_pauses() {
    let mut s = store("");
    s.apply(Action::Select(2));
    assert_eq!(s.selected, Some(2));
    s.apply(Action::Select(2));
    assert_eq!(s.selected, None);
    s.apply(Action::SelectMessage(7));
    assert_eq!((s.selected_message, s.playing), (Some(7), false));
    s.apply(Action::CloseMessage);
    assert_eq!(s.selected_message, None);
}

#[test]
fn refused_settings_keep_the_run_and_say_why() {
    let mut s = store("");
    s.play_hook(Some(300_000));
    let before = events(&s);
    let mut bad = s.scenario.raft.clone();
    bad.heartbeat_ms = f64::NAN;
    s.apply(Action::Configure(bad));
    assert!(s.error.as_deref().is_some_and(|e| e.contains("heartbeat")), "{:?}", s.error);
    assert_eq!(events(&s), before, "the running cluster stays");
    let mut good = s.scenario.raft.clone();
    good.pre_vote = !good.pre_vote;
    s.apply(Action::TogglePlay);
    s.apply(Action::Configure(good.clone()));
    assert_eq!((s.error.as_deref(), s.scenario.raft.pre_vote, s.now_us(), s.playing), (None, good.pre_vote, 0, true));
}

#[test]
fn operator_actions_reach_the_simulator_and_refusals_are_shown() {
    let mut s = store("");
    s.apply(Action::Act(Operator::Crash { node: 1, mode: CrashMode::Stop }));
    assert_eq!(s.error, None);
    let status = s.session.as_ref().and_then(|x| x.sim().node(1)).map(|n| n.status);
    assert_eq!(status, Some(NodeStatus::Crashed(CrashMode::Stop)));
    s.apply(Action::Act(Operator::Restart { node: 42 }));
    assert!(s.error.is_some(), "no server 42");
}

#[test]
fn gst_from_now_is_placed_when_the_button_is_pressed() {
    let mut s = store("");
    s.play_hook(Some(1_234_000));
    s.apply(Action::GstFromNow { after_ms: 3_000.0, tail_probability: 0.2 });
    let timing = s.session.as_ref().map(|x| x.sim().network().settings().timing.clone());
    assert_eq!(timing, Some(TimingModel::PartiallySynchronous { gst_ms: 4_234.0, tail_probability: 0.2 }));
}

#[test]
fn a_shared_link_opens_the_same_run_at_the_same_moment() {
    let mut s = store("");
    s.play_hook(Some(700_000));
    s.apply(Action::Act(Operator::Crash { node: 2, mode: CrashMode::Recover }));
    s.apply(Action::Select(3));
    s.apply(Action::Share);
    assert!(matches!(&s.effects[..], [Effect::Pack { .. }]), "the browser deflates the link");
    browser(&mut s);
    let effects = s.take_effects();
    let [Effect::ReplaceFragment(fragment), Effect::Copy(link)] = &effects[..] else { panic!("{effects:?}") };
    assert_eq!(link, &format!("{BASE}#{fragment}"));
    assert_eq!(s.share_link.as_ref(), Some(link));
    assert!(s.take_effects().is_empty(), "effects are handed out once");
    let opened = store(fragment);
    assert_eq!((events(&opened), hash(&opened), opened.selected), (events(&s), hash(&s), Some(3)));
    assert!(!opened.playing, "a shared moment opens paused");
    s.apply(Action::Export);
    let effects = s.take_effects();
    assert!(matches!(&effects[..], [Effect::Download { name, .. }] if name.starts_with("raft-run-")), "{effects:?}");
}

#[test]
fn a_broken_link_or_file_says_so_and_keeps_a_run() {
    let s = store("not-a-run");
    assert!(s.notice.as_deref().is_some_and(
        |n| n.starts_with("This link could not be opened") && n.ends_with("Showing the default scenario instead.")
    ));
    assert!(s.session.is_some() && s.playing);
    let mut s = store("");
    s.play_hook(Some(200_000));
    let before = hash(&s);
    s.apply(Action::Imported(Ok("{ not json".into())));
    assert!(s.notice.as_deref().is_some_and(|n| n.starts_with("This file could not be opened")));
    assert_eq!(hash(&s), before);
    s.apply(Action::Imported(Err("run.json is larger than 1 MB".into())));
    assert!(s.notice.as_deref().is_some_and(|n| n.contains("run.json is larger")));
}

#[test]
fn a_tour_link_opens_its_step_once_the_tours_arrive_and_pauses_there() {
    let mut s = store("tour/leader-election/2");
    assert!(s.tour.is_none(), "the default scenario runs while the tours load");
    s.apply(Action::ToursLoaded(tour_files()));
    assert_eq!(s.notice, None);
    let t = s.tour.as_ref().expect("the step is open");
    assert_eq!((t.tour.id.as_str(), t.step), ("leader-election", 1));
    assert_eq!(s.take_effects(), vec![Effect::ReplaceFragment("tour/leader-election/2".into())]);
    // The step plays from 200 ms to its pause at 240 ms, then stops.
    s.play_hook(Some(10_000_000));
    assert_eq!(now_ms(&s), 240.0);
    assert!(!s.playing);
    let view = s.tour.as_ref().and_then(|t| t.view()).expect("a view");
    assert!(view.paused_at_end);
    assert_eq!(view.claims, Some((3, 3)), "the step's claims hold at its pause");
    assert_eq!(s.spot("monitor"), None);
    s.apply(Action::TourLink);
    assert_eq!(s.take_effects(), vec![Effect::Copy(format!("{BASE}#tour/leader-election/2"))]);
    s.apply(Action::CloseTour);
    assert!(s.tour.is_none());
    assert_eq!(s.take_effects(), vec![Effect::ReplaceFragment(String::new())]);
}

/// The shipped glossary, as the page fetches it.
fn glossary_file() -> Result<String, String> {
    let path = format!("{}/../raft-sim/tours/{}", env!("CARGO_MANIFEST_DIR"), raft_sim::glossary::GLOSSARY_FILE_NAME);
    std::fs::read_to_string(path).map_err(|e| e.to_string())
}

#[test]
fn a_tour_step_links_its_glossary_terms_once_the_glossary_arrives_and_names_its_settings() {
    use crate::model::glossary::Segment;
    let linked = |s: &Store| -> Vec<String> {
        let view = s.tour.as_ref().and_then(|t| t.view()).expect("a view");
        view.text
            .segments()
            .filter_map(|x| match x {
                Segment::Term { text, .. } => Some(text.clone()),
                Segment::Text(_) => None,
            })
            .collect()
    };
    // A link opened before the glossary arrives shows plain text, then is linked in place.
    let mut s = store("tour/leader-crash/1");
    s.apply(Action::ToursLoaded(tour_files()));
    assert!(linked(&s).is_empty());
    s.apply(Action::GlossaryLoaded(glossary_file()));
    assert_eq!(s.notice, None);
    let words = linked(&s);
    assert!(words.iter().any(|w| w == "leader"), "{words:?}");
    let view = s.tour.as_ref().and_then(|t| t.view()).expect("a view");
    // This tour's first steps run without the no-op: the step says so above its text.
    assert!(view.text.settings.contains("no no-op entry on election"), "{}", view.text.settings);
    // Steps opened later are linked at once; a step with the default settings has no line.
    s.apply(Action::OpenTour("leader-election".into()));
    assert!(!linked(&s).is_empty());
    assert_eq!(s.tour.as_ref().and_then(|t| t.view()).map(|v| v.text.settings.clone()), Some(String::new()));
    // A glossary that cannot be read leaves the text plain and says why.
    let mut s = store("");
    s.apply(Action::GlossaryLoaded(Ok(r#"{"terms": [{"term": "x"}]}"#.into())));
    assert!(s.glossary.is_none());
    assert!(s.notice.as_deref().is_some_and(|n| n.contains("glossary could not be loaded")), "{:?}", s.notice);
}

#[test]
fn a_link_to_a_missing_tour_says_so() {
    let mut s = store("tour/no-such-tour/1");
    s.apply(Action::ToursLoaded(tour_files()));
    assert!(s.notice.as_deref().is_some_and(|n| n.contains("there is no tour 'no-such-tour'")), "{:?}", s.notice);
    assert!(s.tour.is_none() && s.session.is_some());
}

#[test]
fn the_linearizability_check_flags_nothing_on_a_correct_run() {
    let mut s = store("");
    s.apply(Action::Cluster { nodes: 3, load: true });
    s.play_hook(Some(2_000_000));
    s.apply(Action::CheckLinearizability);
    let v = s.verdict.as_ref().expect("a verdict");
    assert_eq!(v.view.verdict, "ok");
    assert!(v.flagged.is_empty());
    assert_eq!(v.view.events, events(&s));
    s.apply(Action::Load(0));
    assert!(s.verdict.is_none(), "a new run has not been checked");
}

#[test]
fn the_timeline_markers_follow_the_run() {
    let mut s = store("");
    assert!(s.markers().is_empty());
    s.play_hook(Some(2_000_000));
    let markers = s.markers();
    assert!(markers.iter().any(|m| m.kind == "leader"), "a leader was elected");
    s.apply(Action::Act(Operator::Crash { node: 1, mode: CrashMode::Recover }));
    assert_eq!(s.markers().len(), markers.len() + 2, "the action and the crash are new markers");
}

/// The page before its fetch answered: no built-ins, no run.
fn store_before_fetch() -> Store {
    let mut s = store("");
    s.builtins.clear();
    s.session = None;
    s
}

#[test]
fn fetched_built_ins_open_the_first_and_a_failed_fetch_says_so_and_runs_a_cluster() {
    let mut s = store_before_fetch();
    let index = raft_sim::builtin::parse_index(raft_sim::builtin::EMBEDDED_INDEX).expect("the index parses");
    let files = raft_sim::builtin::EMBEDDED_FILES.iter().map(|(n, t)| (n.to_string(), Ok(t.to_string()))).collect();
    s.apply(Action::BuiltinsLoaded(Ok(index), files));
    assert_eq!(s.builtins.len(), raft_sim::builtin::catalog().len());
    assert_eq!(s.scenario.name, "first-election");
    assert_eq!(s.current_builtin().map(|b| b.title.as_str()), Some("First election"));
    assert!(s.notice.is_none(), "{:?}", s.notice);

    let mut s = store_before_fetch();
    s.apply(Action::BuiltinsLoaded(Err("HTTP 404 for scenarios/index.json".into()), Vec::new()));
    assert_eq!(s.scenario.name, "cluster-3", "the page still runs a cluster");
    assert!(s.session.is_some());
    assert!(
        s.notice.as_deref().is_some_and(|n| n.contains("HTTP 404") && n.contains("none could be loaded")),
        "{:?}",
        s.notice
    );
}

#[test]
fn a_link_to_a_built_in_leaves_its_description_out_and_gets_it_back() {
    let mut s = store("");
    s.apply(Action::Load(5));
    let title = s.current_builtin().map(|b| b.title.clone()).expect("a built-in");
    let doc = s.document().expect("a run");
    assert!(doc.scenario.description.is_empty(), "links stay short");
    let reopened = store(&doc.to_link_fragment());
    assert_eq!(reopened.current_builtin().map(|b| b.title.clone()), Some(title));
}

#[test]
fn inspecting_a_diagram_arrow_goes_back_to_its_send_and_selects_it() {
    let mut s = store("");
    s.play_hook(Some(1_500_000));
    let session = s.session.as_ref().unwrap();
    let (message, sent_events) = session
        .spacetime()
        .unwrap()
        .events()
        .iter()
        .find_map(|e| match e.what {
            raft_sim::spacetime::Happening::Receive { message, sent_events, .. } => Some((message, sent_events)),
            _ => None,
        })
        .expect("a message arrived");
    assert!(session.sim().in_flight().all(|m| m.id != message), "it has arrived by now");
    s.apply(Action::InspectMessage { message, events: sent_events });
    assert_eq!(s.selected_message, Some(message));
    assert!(!s.playing);
    assert_eq!(events(&s), sent_events);
    assert!(
        s.session.as_ref().unwrap().sim().in_flight().any(|m| m.id == message),
        "in flight: the inspector shows it"
    );
    // The diagram's window and selection are the store's too; a new run keeps the zoom.
    s.apply(Action::Diagram(crate::model::diagram::DiagramAction::Zoom { factor: 0.5, anchor: 1.0 }));
    s.apply(Action::Diagram(crate::model::diagram::DiagramAction::Select(Some(3))));
    s.apply(Action::Load(1));
    assert_eq!((s.diagram.span_us, s.diagram.selected), (crate::model::diagram::DEFAULT_SPAN_US / 2, None));
}

#[test]
fn the_embed_snippet_holds_the_run_as_it_was_when_opened() {
    let mut s = store("");
    s.apply(Action::Frame(0.0));
    s.apply(Action::Frame(50.0));
    s.apply(Action::ToggleEmbedSnippet);
    assert_eq!(s.embed_snippet, None, "not until the browser has deflated it");
    browser(&mut s);
    let opened = s.embed_snippet.clone().expect("the dialog is open");
    assert!(opened.starts_with("run1."), "{opened}");
    s.apply(Action::Frame(90.0));
    assert_eq!(s.embed_snippet.as_ref(), Some(&opened), "time moving does not remake it");
    s.apply(Action::ToggleEmbedSnippet);
    assert_eq!(s.embed_snippet, None);
}

/// Manual delivery through the store: a held message delivered while paused arrives at once
/// (no note to press Play), and a link to the forced run reopens it with the same hash.
#[test]
fn a_held_message_delivered_while_paused_arrives_at_once_and_the_link_keeps_it() {
    let mut s = store("");
    s.apply(Action::Act(Operator::ManualDelivery { on: true }));
    s.play_hook(Some(400_000));
    s.apply(Action::TogglePlay); // pause
    assert!(!s.playing);
    let sim = || s.session.as_ref().unwrap().sim();
    let first = sim().held().next().map(|m| (m.id, m.to)).expect("a RequestVote waits");
    let before = events(&s);
    s.apply(Action::Act(Operator::DeliverMessage { message: first.0 }));
    assert_eq!(s.error, None);
    assert_eq!(s.paused_note, None, "delivered now: nothing to press Play for");
    assert!(events(&s) > before + 1, "the delivery was played, not only recorded");
    assert!(!s.session.as_ref().unwrap().sim().in_flight().any(|m| m.id == first.0));
    s.apply(Action::Act(Operator::DeliverMessage { message: first.0 }));
    assert!(s.error.as_deref().is_some_and(|e| e.contains("not waiting")), "{:?}", s.error);
    s.apply(Action::Share);
    browser(&mut s);
    let Some(Effect::ReplaceFragment(fragment)) = s.take_effects().into_iter().next() else { panic!("no link") };
    let opened = store(&fragment);
    assert_eq!((events(&opened), hash(&opened)), (events(&s), hash(&s)));
    assert!(opened.session.as_ref().unwrap().sim().manual_delivery());
}

/// The page's links are deflated by the browser, whose bytes differ from miniz_oxide's: any raw
/// deflate stream of the run opens it. Data that does not inflate is said and the default runs.
#[test]
fn a_link_opens_whatever_deflates_it_and_damaged_data_is_said() {
    let mut s = store("");
    s.play_hook(Some(600_000));
    s.apply(Action::Share);
    let [Effect::Pack { json, .. }] = &s.take_effects()[..] else { panic!("no deflate asked") };
    for level in [1, 6] {
        let fragment = raft_sim::share::fragment_of_packed(&miniz_oxide::deflate::compress_to_vec(json, level));
        let opened = store(&fragment);
        assert_eq!((events(&opened), hash(&opened)), (events(&s), hash(&s)), "level {level}");
    }
    let damaged = store("#run1.AAAA");
    let notice = damaged.notice.clone().unwrap_or_default();
    assert!(notice.contains(raft_sim::share::UNPACK_ERROR), "{notice}");
    assert!(notice.ends_with("Showing the default scenario instead."), "{notice}");
    assert!(damaged.session.is_some() && damaged.playing);
}

/// The embed API's commands are store actions: a built-in by id, play and pause, going to a
/// moment past the furthest played, a host task that is done once its goal holds.
#[test]
fn the_embed_commands_drive_the_store_and_tell_what_changed() {
    let mut s = store("");
    s.apply(Action::OpenBuiltin("no-such".into()));
    assert!(s.error.as_deref().is_some_and(|e| e.contains("no-such")));
    s.apply(Action::OpenBuiltin("split-vote".into()));
    assert_eq!((s.scenario.name.as_str(), s.error.as_deref()), ("split-vote", None));
    assert!(s.embed_events().is_empty(), "a new run is where the events start");
    s.apply(Action::SetPlaying(false));
    assert!(!s.playing);
    s.apply(Action::SetPlaying(false));
    assert!(!s.playing, "pause is not a toggle");
    s.apply(Action::GoTo(3_000_000));
    assert_eq!(s.now_us(), 3_000_000);
    let leader = s.session.as_ref().and_then(|x| x.sim().leader()).expect("a leader by 3 s");
    let events = s.embed_events();
    assert!(events.iter().any(|e| matches!(e, crate::model::embed::Event::Leader { node, .. } if *node == leader)));
    let other = (1..=s.scenario.nodes).find(|&n| n != leader).expect("another server");
    let goal = raft_sim::tour::Goal::Holds { check: raft_sim::tour::Check::Leader { node: Some(other), term: None } };
    s.apply(Action::SetTask(goal));
    assert!(!s.embed_events().iter().any(|e| matches!(e, crate::model::embed::Event::Done { .. })));
    s.apply(Action::Act(Operator::TransferLeadership { node: other }));
    s.apply(Action::SetPlaying(true));
    s.play_hook(Some(4_000_000));
    let events = s.embed_events();
    assert!(
        events.iter().any(|e| matches!(e, crate::model::embed::Event::Done { task } if task == "host")),
        "{events:?}"
    );
    assert!(s.embed_events().is_empty(), "told once");
    s.apply(Action::GoTo(1_000_000));
    assert_eq!(s.now_us(), 1_000_000);
}

/// A server whose role and term did not change since it was last told is not told again, across
/// frames and a jump in time.
#[test]
fn the_embed_events_tell_each_role_change_once() {
    use crate::model::embed::Event;
    let mut s = store("");
    s.apply(Action::OpenBuiltin("first-election".into()));
    assert!(s.embed_events().is_empty());
    let mut told = Vec::new();
    for ms in (10..=400).step_by(10) {
        s.play_hook(Some(ms * 1000));
        told.extend(s.embed_events());
    }
    s.apply(Action::GoTo(1_000_000));
    told.extend(s.embed_events());
    let roles: Vec<_> = told
        .iter()
        .filter_map(|e| match e {
            Event::Role { node, role, term, .. } => Some((*node, role.clone(), *term)),
            _ => None,
        })
        .collect();
    for node in 1..=3 {
        let mut of: Vec<_> = roles.iter().filter(|r| r.0 == node).collect();
        let told_of = of.len();
        of.dedup();
        assert_eq!(of.len(), told_of, "S{node} told the same role twice running: {told:?}");
    }
    assert_eq!(told.iter().filter(|e| matches!(e, Event::Leader { .. })).count(), 1, "{told:?}");
}

/// A tour step opened through the embed API tells when it reaches its pause; an unknown tour is
/// refused by name.
#[test]
fn an_embedded_tour_step_tells_when_it_reaches_its_pause() {
    use crate::model::embed::Event;
    let mut s = store("");
    s.apply(Action::ToursLoaded(tour_files()));
    s.apply(Action::OpenTourStep("no-such-tour".into(), 0));
    assert!(s.error.as_deref().is_some_and(|e| e.contains("no-such-tour")));
    s.error = None;
    s.apply(Action::OpenTourStep("leader-election".into(), 1));
    assert_eq!(s.error, None);
    let pause = s.tour.as_ref().and_then(|t| t.pause_us).expect("the step pauses");
    let mut told = s.embed_events();
    s.play_hook(Some(pause));
    told.extend(s.embed_events());
    let steps: Vec<_> = told.iter().filter(|e| matches!(e, Event::Step { .. })).collect();
    assert_eq!(steps, [&Event::Step { tour: "leader-election".into(), step: 2 }], "{told:?}");
    assert!(s.embed_events().is_empty());
}
