//! The store with a history file: opened over the run (paused, untouched), checked by the
//! action the shell sends once "checking" shows, scrubbed, closed back to the run.
use super::lincheck::HistoryAction;
use super::tests::store;
use super::{Action, Effect};

fn jepsen(path: &str) -> String {
    let path = format!("{}/../../third_party/porcupine/test_data/jepsen/{path}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn hash(s: &super::Store) -> String {
    s.session.as_ref().map(|s| s.sim().trace_hash_hex()).unwrap_or_default()
}

/// Open `text` as an imported file and run the check the shell would send after drawing.
fn open(s: &mut super::Store, text: &str) {
    s.apply(Action::Imported(Ok(text.to_string())));
    let serial = s
        .take_effects()
        .into_iter()
        .find_map(|e| match e {
            Effect::CheckHistory { serial, .. } => Some(serial),
            _ => None,
        })
        .expect("the check is asked for");
    assert!(s.imported.as_ref().is_some_and(|h| h.judgement.is_none()), "checking");
    s.apply(super::lincheck::check_action(serial));
}

#[test]
fn a_history_file_opens_over_the_paused_run_and_closes_back_to_it() {
    let mut s = store("");
    s.play_hook(Some(200_000));
    assert!(s.playing);
    let before = hash(&s);
    open(&mut s, &jepsen("etcd_002.log"));
    let h = s.imported.as_ref().expect("the history is open");
    let j = h.judgement.as_ref().expect("and judged");
    assert_eq!(j.verdict, crate::model::lincheck::Outcome::Ok, "Porcupine: etcd_002 is linearizable");
    assert!(!s.playing, "the run waits behind the history");
    // The run's controls do nothing meanwhile.
    s.apply(Action::TogglePlay);
    s.apply(Action::Step);
    assert!(!s.playing);
    assert_eq!(hash(&s), before);
    s.apply(Action::History(HistoryAction::Close));
    assert!(s.imported.is_none());
    assert!(s.playing, "it plays on as it did");
    assert_eq!(hash(&s), before, "untouched");
}

#[test]
fn a_violation_opens_on_its_bad_partition_and_scrubs_within_the_linearization() {
    let mut s = store("");
    open(&mut s, &jepsen("etcd_097.log"));
    let h = s.imported.as_ref().expect("open");
    let j = h.judgement.as_ref().expect("judged").clone();
    assert_eq!(j.verdict, crate::model::lincheck::Outcome::Violation, "Porcupine: etcd_097 is not");
    assert!(!j.partitions[h.partition].ok);
    assert!(!j.partitions[h.partition].unorderable.is_empty());
    let len = h.states().len() - 1;
    assert!(len > 0, "a partial linearization to scrub");
    s.apply(Action::History(HistoryAction::Scrub(1)));
    assert_eq!(s.imported.as_ref().and_then(|h| h.step), Some(1));
    // The keys' → and ← step through it (the run's Step and StepBack).
    s.apply(Action::Step);
    assert_eq!(s.imported.as_ref().and_then(|h| h.step), Some(2));
    s.apply(Action::StepBack);
    s.apply(Action::StepBack);
    s.apply(Action::StepBack);
    assert_eq!(s.imported.as_ref().and_then(|h| h.step), Some(0), "not before the start");
    s.apply(Action::History(HistoryAction::Scrub(len + 10)));
    assert_eq!(s.imported.as_ref().and_then(|h| h.step), None, "past the end is the end");
    // Choosing an operation shows the linearization through it, from its end.
    s.apply(Action::History(HistoryAction::Scrub(0)));
    s.apply(Action::History(HistoryAction::Select(Some(0))));
    let h = s.imported.as_ref().expect("open");
    assert_eq!((h.selected, h.step), (Some(0), None));
    s.apply(Action::History(HistoryAction::Select(Some(0))));
    assert_eq!(s.imported.as_ref().and_then(|h| h.selected), None, "choosing it again lets go");
    s.apply(Action::History(HistoryAction::Select(Some(usize::MAX))));
    assert_eq!(s.imported.as_ref().and_then(|h| h.selected), None, "an operation the file lacks is ignored");
    s.apply(Action::History(HistoryAction::Partition(99)));
    assert!(s.imported.is_some(), "a partition the history lacks changes nothing");
    s.apply(Action::Escape);
    assert!(s.imported.is_none(), "Escape closes the history");
}

#[test]
fn a_malformed_history_says_which_line_and_field_and_the_page_keeps_working() {
    let mut s = store("");
    s.play_hook(Some(100_000));
    let before = hash(&s);
    let mut text = jepsen("etcd_002.log");
    text.push_str("INFO  jepsen.util - 3\t:ok\t:cas\t[3 x]\n");
    let bad_line = text.lines().count();
    s.apply(Action::Imported(Ok(text)));
    let notice = s.notice.clone().expect("a notice");
    assert!(notice.contains(&format!("line {bad_line}")), "{notice}");
    assert!(notice.contains("field"), "{notice}");
    assert!(s.imported.is_none());
    assert_eq!(hash(&s), before);
    assert!(s.playing, "the run goes on");
    // A run document still opens as a run.
    s.apply(Action::Imported(Ok("{ not json".into())));
    assert!(s.notice.as_deref().is_some_and(|n| n.starts_with("This file could not be opened")));
    assert!(s.imported.is_none());
}

#[test]
fn histories_and_run_documents_are_told_apart_by_their_first_characters() {
    use super::lincheck::is_history;
    assert!(is_history("INFO  jepsen.util - 0\t:invoke\t:read\tnil\n"));
    assert!(is_history("  {:process 0, :type :invoke, :f :get, :key \"1\", :value nil}\n"));
    assert!(is_history("anything else"), "the history parser says what is wrong with it");
    assert!(!is_history("{\"version\": 1}"));
    assert!(!is_history("\n{ not json"));
}

#[test]
fn a_workers_judgement_is_the_pages_own_and_a_failed_worker_falls_back_to_the_page() {
    let text = jepsen("etcd_097.log");
    let history = raft_sim::lincheck::parse(&text, None).expect("parses");
    let json = serde_json::to_string(&raft_sim::lincheck::check(&history, super::lincheck::BUDGET)).expect("writes");
    let judged = |reply: Result<String, String>| {
        let mut s = store("");
        s.apply(Action::Imported(Ok(text.clone())));
        let serial = s.imported.as_ref().expect("open").serial;
        // An answer for another history is ignored.
        s.apply(Action::History(HistoryAction::Checked { serial: serial + 1, reply: Ok("{}".into()) }));
        assert!(s.imported.as_ref().is_some_and(|h| h.judgement.is_none()));
        s.apply(Action::History(HistoryAction::Checked { serial, reply }));
        let h = s.imported.as_ref().expect("open");
        (h.judgement.as_deref().cloned().expect("judged"), h.partition)
    };
    let mut here = store("");
    open(&mut here, &text);
    let h = here.imported.as_ref().expect("open");
    let expected = (h.judgement.as_deref().cloned().expect("judged"), h.partition);
    assert_eq!(judged(Ok(json)), expected, "the worker's JSON reads as the judgement made here");
    assert_eq!(judged(Err("worker.js: failed".into())), expected, "no worker: checked here");
    assert_eq!(judged(Ok("{ not a judgement".into())), expected, "an unreadable answer: checked here");
}

#[test]
fn linearizability_is_explained_by_the_glossary_once_it_has_arrived() {
    let mut s = store("");
    let before = super::lincheck::explanation(&s);
    assert!(before.contains(crate::text::t("property.linearizability-statement")), "{before}");
    let path = format!("{}/../raft-sim/tours/{}", env!("CARGO_MANIFEST_DIR"), raft_sim::glossary::GLOSSARY_FILE_NAME);
    s.apply(Action::GlossaryLoaded(std::fs::read_to_string(path).map_err(|e| e.to_string())));
    let after = super::lincheck::explanation(&s);
    let glossary = s.glossary.as_ref().expect("the glossary");
    let entry = glossary.terms.iter().find(|e| e.term == "linearizable").expect("the term");
    assert_eq!(after, entry.definition);
}
