//! Authoring a tour in the store, natively: play a built-in, add moments as steps with every
//! offered claim picked and a recorded task, export, and check the file with the tour checker
//! `raftsim tour` runs (`raft_sim::tour::verify`); import it back, link it, refuse bad input.
use super::authoring::{AuthorAction as A, MAX_TOUR_LINK_CHARS};
use super::tests::browser;
use super::{Action, Effect, Store};
use raft_sim::scenario::{Action as Operator, ClientOpKind, CrashMode};
use raft_sim::tour::{self, Goal, Tour};

const BASE: &str = "https://example.org/playground/";

fn store() -> Store {
    let mut s = Store::new(BASE.to_string(), "", || 0.0);
    browser(&mut s);
    s
}

fn author(s: &mut Store, a: A) {
    s.apply(Action::Author(a));
}

fn note(s: &Store) -> String {
    s.author_ref().0.note.clone().unwrap_or_default()
}

fn play_to(s: &mut Store, ms: u64) {
    if !s.playing {
        s.apply(Action::TogglePlay);
    }
    s.play_hook(Some(ms * 1_000));
}

/// The downloaded file the last actions asked for.
fn downloaded(s: &mut Store) -> Option<(String, String)> {
    s.take_effects().into_iter().find_map(|e| match e {
        Effect::Download { name, text } => Some((name, text)),
        _ => None,
    })
}

/// first-election played to 1.5 s, a put of x = 1 sent to the leader, played to 2 s: step 1
/// there (every offered claim picked), with a task recorded from there (crash the leader); then
/// step 2 at 4 s. Returns the store and the exported file's text.
fn authored() -> (Store, String) {
    let mut s = store();
    let index = s.builtins.iter().position(|b| b.scenario.name == "first-election").expect("a built-in");
    s.apply(Action::Load(index));
    play_to(&mut s, 1_500);
    let leader = s.session.as_ref().and_then(|x| x.sim().leader()).expect("a leader by 1.5 s");
    let put = Operator::Client {
        node: leader,
        op: ClientOpKind::Put,
        key: "x".into(),
        value: Some("1".into()),
        retry_ms: None,
    };
    s.apply(Action::Act(put));
    play_to(&mut s, 2_000);

    author(&mut s, A::AddMoment);
    assert!(note(&s).starts_with("Step 1 added"), "{}", note(&s));
    assert!(!s.playing, "adding a moment pauses the run");
    let offered = s.author_ref().0.steps[0].offered.len();
    assert!(offered >= 10, "statements about the leader, logs, values: {offered}");
    for i in 0..offered {
        author(&mut s, A::ToggleClaim(i));
    }
    author(&mut s, A::StepTitle("A leader and a committed put".into()));
    author(&mut s, A::StepText("The cluster elected a leader.\n\nA client put x = 1.".into()));
    author(&mut s, A::ToggleNode(leader));
    author(&mut s, A::ToggleKind("AppendEntries".into()));

    author(&mut s, A::RecordTask);
    assert_eq!(s.task_recorded(), Some(0), "{}", note(&s));
    s.apply(Action::Act(Operator::CrashLeader { mode: CrashMode::Recover }));
    assert_eq!(s.task_recorded(), Some(1));
    play_to(&mut s, 3_500);
    author(&mut s, A::FinishTask);
    let goals = s.author_ref().0.task.clone().and_then(|t| t.goals).expect("goals offered");
    let new_leader = goals.iter().position(|g| *g == Goal::NewLeader).expect("a new leader is offered");
    assert!(goals.iter().any(|g| matches!(g, Goal::Holds { check: tour::Check::Crashed { node } } if *node == leader)));
    author(&mut s, A::PickGoal(new_leader));
    author(&mut s, A::TaskPrompt("Crash the leader and wait for a new one.".into()));
    author(&mut s, A::TaskSuccess("A follower timed out and won an election.".into()));
    author(&mut s, A::SaveTask);
    assert_eq!(note(&s), "Task saved on step 1.");

    play_to(&mut s, 4_000);
    author(&mut s, A::AddMoment);
    let n = s.author_ref().0.steps[1].offered.len();
    for i in 0..n {
        author(&mut s, A::ToggleClaim(i));
    }
    author(&mut s, A::StepTitle("A new leader".into()));
    author(&mut s, A::StepText("The crashed leader's followers elected another.".into()));

    author(&mut s, A::Export);
    assert!(note(&s).contains("field `id`"), "the tour's id is asked for: {}", note(&s));
    author(&mut s, A::TourId("my-first-tour".into()));
    author(&mut s, A::TourTitle("My first tour".into()));
    author(&mut s, A::TourSummary("An election, a put, a crash.".into()));
    author(&mut s, A::Export);
    let (name, text) = downloaded(&mut s).expect("a file");
    assert_eq!(name, "my-first-tour.json");
    (s, text)
}

#[test]
fn every_offered_claim_and_the_recorded_task_pass_the_tour_checker() {
    let (_, text) = authored();
    let tour = Tour::from_json(&text).expect("the exported tour reads back");
    assert_eq!(tour.steps.len(), 2);
    let (one, two) = (&tour.steps[0], &tour.steps[1]);
    assert_eq!(one.builtin.as_deref(), Some("first-election"));
    assert_eq!(one.actions.len(), 1, "the put, as a timeline action");
    assert_eq!(one.pause_ms, Some(2_000.0));
    assert_eq!(one.text.len(), 2, "paragraphs split at the blank line");
    assert!(one.claims.len() >= 10);
    assert_eq!(one.highlight.messages, vec!["AppendEntries".to_string()]);
    let task = one.task.as_ref().expect("a task");
    assert_eq!(task.solution, vec![Operator::CrashLeader { mode: CrashMode::Recover }]);
    assert!(task.within_ms >= 2_500.0, "the time the teacher took, and more: {}", task.within_ms);
    // Step 2 continues step 1's run: no scenario named, its new action (the crash) only.
    assert_eq!((two.builtin.as_ref(), two.scenario.as_ref()), (None, None));
    assert_eq!(two.actions.len(), 1);
    assert_eq!(two.start_ms, 2_000.0, "it starts where step 1 paused");
    assert_eq!(tour::verify(&tour), vec![], "every claim holds and the task's solution reaches its goal");
}

#[test]
fn an_exported_tour_imports_again_and_plays_as_a_tour() {
    let (mut s, text) = authored();
    author(&mut s, A::Import(Ok(text.clone())));
    assert!(note(&s).contains("Opened the tour 'my-first-tour' (2 steps)"), "{}", note(&s));
    let run = s.tour.as_ref().expect("it plays as a tour");
    assert_eq!((run.tour.id.as_str(), run.step), ("my-first-tour", 0));
    s.play_hook(Some(2_000_000));
    let run = s.tour.as_ref().expect("still the tour");
    let claims = run.claims.expect("the pause was reached");
    assert_eq!(claims.0, claims.1, "every claim holds on the page too");
    assert!(s.take_effects().iter().all(|e| !matches!(e, Effect::ReplaceFragment(_))), "no link to an unlisted tour");
    author(&mut s, A::Export);
    assert_eq!(downloaded(&mut s).map(|(_, t)| t), Some(text), "import then export gives the same file");
}

#[test]
fn preview_plays_the_draft_and_goes_back_to_the_run() {
    let (mut s, _) = authored();
    let hash = s.session.as_ref().map(|x| x.sim().trace_hash_hex());
    author(&mut s, A::Select(1));
    author(&mut s, A::Preview);
    assert_eq!(s.tour.as_ref().map(|t| t.step), Some(1));
    author(&mut s, A::BackToRun);
    assert!(s.tour.is_none());
    assert_eq!(s.session.as_ref().map(|x| x.sim().trace_hash_hex()), hash, "the same run, at the same moment");
}

#[test]
fn steps_reorder_and_delete() {
    let (mut s, _) = authored();
    author(&mut s, A::Move(1, true));
    let titles: Vec<String> = s.author_ref().0.steps.iter().map(|x| x.title.clone()).collect();
    assert_eq!(titles, ["A new leader", "A leader and a committed put"]);
    author(&mut s, A::Export);
    let (_, text) = downloaded(&mut s).expect("still exports");
    let tour = Tour::from_json(&text).expect("reads");
    assert!(tour.steps[1].builtin.is_some(), "out of order, each step names its scenario");
    assert_eq!(tour::verify(&tour), vec![]);
    author(&mut s, A::Delete(0));
    assert_eq!(s.author_ref().0.steps.len(), 1);
    assert_eq!(s.author_ref().0.selected, Some(0));
}

#[test]
fn a_small_tour_goes_into_a_link_that_opens_it() {
    let (mut s, text) = authored();
    author(&mut s, A::Link);
    browser(&mut s);
    let link = s.author_ref().0.link.clone().expect("a link");
    assert!(s.take_effects().contains(&Effect::Copy(link.clone())));
    let fragment = link.split_once('#').map(|(_, f)| f.to_string()).expect("a fragment");
    assert!(fragment.starts_with("tour1."));
    // Opened on a fresh page: once the built-ins are there (natively: compiled in).
    let mut page = Store::new(BASE.to_string(), &fragment, || 0.0);
    browser(&mut page);
    let index = raft_sim::builtin::parse_index(raft_sim::builtin::EMBEDDED_INDEX).expect("the index parses");
    let files = raft_sim::builtin::EMBEDDED_FILES.iter().map(|(n, t)| (n.to_string(), Ok(t.to_string()))).collect();
    page.apply(Action::BuiltinsLoaded(Ok(index), files));
    assert_eq!(page.tour.as_ref().map(|t| t.tour.id.as_str()), Some("my-first-tour"), "{}", note(&page));
    page.apply(Action::Author(A::Export));
    assert_eq!(downloaded(&mut page).map(|(_, t)| t), Some(text));

    // "Link to this step" in the opened tour (not one of the page's) links the tour itself.
    page.take_effects();
    page.apply(Action::TourLink);
    browser(&mut page);
    let copied = page.take_effects().into_iter().find_map(|e| match e {
        Effect::Copy(l) => Some(l),
        _ => None,
    });
    assert_eq!(copied.as_deref().and_then(|l| l.split_once("#tour1.")).map(|(b, _)| b), Some(BASE));

    // A damaged link says so and the page runs the default scenario.
    let mut page = Store::new(BASE.to_string(), "tour1.AAAA", || 0.0);
    browser(&mut page);
    assert!(note(&page).contains("could not be opened"), "{}", note(&page));
    assert!(page.session.is_some());
}

#[test]
fn a_large_tour_is_offered_as_a_file_not_a_link() {
    let (mut s, _) = authored();
    // Text that does not deflate well: letters from a xorshift generator.
    let mut x = 0x9e37_79b9_7f4a_7c15u64;
    let mut letters = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        char::from(b'a' + (x % 26) as u8)
    };
    for _ in 0..12 {
        let long: String = (0..3_000).map(|_| letters()).collect();
        author(&mut s, A::AddMoment);
        author(&mut s, A::StepTitle("Again".into()));
        author(&mut s, A::StepText(long));
    }
    author(&mut s, A::Link);
    browser(&mut s);
    assert!(note(&s).contains("too large for a link"), "{}", note(&s));
    assert!(note(&s).contains(&MAX_TOUR_LINK_CHARS.to_string()));
    assert!(s.author_ref().0.link.is_none());
}

#[test]
fn hostile_and_oversized_tours_are_refused_naming_the_field() {
    let (mut s, text) = authored();
    let cases = [
        (text.replacen("\"check\": \"leader\"", "\"check\": \"leader\", \"extra\": 1", 1), "steps[0].claims[0]"),
        (text.replacen("\"id\": \"my-first-tour\"", "\"id\": \"Not An Id\"", 1), "`id`"),
        (text.replacen("\"pause_ms\": 2000.0", "\"pause_ms\": -5.0", 1), "steps[0].pause_ms"),
        (text.replacen("\"title\": \"My first tour\"", "\"title\": 7", 1), "title"),
        ("[1, 2, 3]".to_string(), "tour"),
        (format!("{{\"id\": \"x\", \"pad\": \"{}\"}}", "x".repeat(1_100_000)), "at most 1048576 bytes"),
    ];
    for (bad, field) in cases {
        author(&mut s, A::Import(Ok(bad)));
        let said = note(&s);
        assert!(said.starts_with("This tour file could not be opened") && said.contains(field), "{field}: {said}");
        assert_eq!(s.author_ref().0.steps.len(), 2, "the draft stays");
    }
    author(&mut s, A::Import(Err("the file could not be read".into())));
    assert!(note(&s).contains("the file could not be read"));
}
