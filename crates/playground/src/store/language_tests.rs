//! Native tests of the page's language in the store: choosing one asks the browser for its
//! catalogues, their arrival shows everything in it with the run where it was, links carry it,
//! and what could not be loaded falls back to English and says so.
use super::tests::browser;
use super::{Action, Effect, LanguageFiles, Store};
use crate::model::translation::{tour_file, Files, GLOSSARY_FILE, SCENARIOS_FILE};
use crate::text;

const BASE: &str = "https://example.org/playground/";

fn read(path: String) -> Result<String, String> {
    std::fs::read_to_string(&path).map_err(|e| format!("{path}: {e}"))
}

/// A language's shipped files, as the browser would fetch them.
fn shipped(language: &'static str, ui: bool, tours: &[String]) -> Action {
    let file = |name: &str| read(format!("{}/text/{language}/{name}", env!("CARGO_MANIFEST_DIR")));
    let files = Files {
        tours: tours.iter().map(|id| (id.clone(), file(&tour_file(id)))).collect(),
        glossary: file(GLOSSARY_FILE),
        builtins: file(SCENARIOS_FILE),
    };
    Action::LanguageLoaded(Box::new(LanguageFiles { language, ui: ui.then(|| file("ui.json")), files }))
}

/// A page with its built-ins, tours and glossary fetched (English), a tour step open.
fn page(fragment: &str) -> Store {
    let mut s = Store::new(BASE.to_string(), fragment, || 0.0);
    browser(&mut s);
    let tours = super::tests::tour_files();
    let glossary = read(format!("{}/../raft-sim/tours/glossary.json", env!("CARGO_MANIFEST_DIR")));
    s.apply(Action::GlossaryLoaded(glossary));
    s.apply(Action::ToursLoaded(tours));
    s.take_effects();
    s
}

/// Choose `language` and answer the fetch it asks for with the shipped files.
fn choose(s: &mut Store, language: &'static str) {
    s.apply(Action::ChooseLanguage(language.into()));
    let effects = s.take_effects();
    let [Effect::FetchLanguage { language: asked, ui: true, tours }] = &effects[..] else { panic!("{effects:?}") };
    assert_eq!(*asked, language);
    assert_eq!(tours.len(), raft_sim::tour::TOUR_FILE_NAMES.len(), "one catalogue per tour");
    s.apply(shipped(language, true, tours));
}

fn step_words(s: &Store) -> String {
    let view = s.tour.as_ref().and_then(|t| t.view()).expect("a tour step is open");
    view.text
        .segments()
        .map(|x| match x {
            crate::model::glossary::Segment::Text(t) => t.clone(),
            crate::model::glossary::Segment::Term { text, .. } => text.clone(),
        })
        .collect()
}

#[test]
fn choosing_a_language_shows_everything_in_it_and_keeps_the_run_where_it_is() {
    let mut s = page("tour/leader-election/2");
    s.play_hook(Some(10_000_000));
    let (now, hash) = (s.now_us(), s.session.as_ref().map(|x| x.sim().trace_hash_hex()));
    let english_claims = s.tour.as_ref().map(|t| t.tour.steps[1].claims.clone());
    assert!(step_words(&s).contains("timer"), "{}", step_words(&s));
    choose(&mut s, "zh-CN");
    assert_eq!(s.language, "zh-CN");
    assert_eq!(s.take_effects(), vec![Effect::LanguageShown("zh-CN")]);
    assert_eq!(s.notice, None);
    assert_eq!(text::t("language.menu"), "语言");
    // The tour step, its glossary links, the tour menu and the built-ins are in Chinese...
    assert!(step_words(&s).contains("计时器"), "{}", step_words(&s));
    let view = s.tour.as_ref().and_then(|t| t.view()).expect("a view");
    assert!(view.text.glosses.iter().any(|g| g.definition.contains("领导者")), "{:?}", view.text.glosses);
    assert!(s.tours.iter().all(|t| !t.title.is_ascii()), "every tour's title is translated");
    assert_eq!(s.builtins[0].title, "第一次选举");
    // ...the claims are the English ones, and the run has not moved.
    assert_eq!(s.tour.as_ref().map(|t| t.tour.steps[1].claims.clone()), english_claims);
    assert_eq!((s.now_us(), s.session.as_ref().map(|x| x.sim().trace_hash_hex())), (now, hash));
    // Links carry the language.
    s.apply(Action::TourLink);
    assert_eq!(s.take_effects(), vec![Effect::Copy(format!("{BASE}?lang=zh-CN#tour/leader-election/2"))]);
    assert_eq!(s.address(&["embed"], "run1.x"), format!("{BASE}?embed&lang=zh-CN#run1.x"));
    s.apply(Action::Share);
    browser(&mut s);
    let effects = s.take_effects();
    let [Effect::ReplaceFragment(fragment), Effect::Copy(link)] = &effects[..] else { panic!("{effects:?}") };
    assert_eq!(link, &format!("{BASE}?lang=zh-CN#{fragment}"));
    // Back to English: no fetch, English everywhere, links without a language.
    s.apply(Action::ChooseLanguage("en".into()));
    assert_eq!(s.take_effects(), vec![Effect::LanguageShown("en")]);
    assert_eq!(text::t("language.menu"), "Language");
    assert!(step_words(&s).contains("timer"));
    assert_eq!(s.builtins[0].title, "First election");
    assert_eq!(s.now_us(), now);
    s.apply(Action::TourLink);
    assert_eq!(s.take_effects(), vec![Effect::Copy(format!("{BASE}#tour/leader-election/2"))]);
    // The language already shown, or one not shipped.
    s.apply(Action::ChooseLanguage("en".into()));
    assert!(s.take_effects().is_empty());
    s.apply(Action::ChooseLanguage("xx".into()));
    assert!(s.take_effects().is_empty() && s.error.as_deref() == Some("there is no language 'xx'"));
}

#[test]
fn a_built_in_run_keeps_being_that_built_in_with_its_description_in_the_language() {
    let mut s = page("");
    s.apply(Action::Load(1));
    s.play_hook(Some(300_000));
    choose(&mut s, "zh-CN");
    let b = s.current_builtin().expect("still the built-in");
    assert_eq!(b.scenario.name, "split-vote");
    assert!(s.scenario.description.starts_with("四台服务器"), "{}", s.scenario.description);
    assert_eq!(s.now_us(), 300_000);
    // A link leaves the description out; the page in Chinese gets the Chinese one back.
    let doc = s.document().expect("a run");
    assert!(doc.scenario.description.is_empty());
}

#[test]
fn a_page_opened_in_a_language_fetches_its_tour_catalogues_once_the_tours_arrive() {
    text::install("zh-CN", text::parse(r#"{"language.menu": "语言"}"#).ok());
    let mut s = Store::new(BASE.to_string(), "tour/safety/1", || 0.0);
    browser(&mut s);
    assert_eq!(s.language, "zh-CN");
    let tours = super::tests::tour_files();
    s.apply(Action::ToursLoaded(tours));
    let effects = s.take_effects();
    let fetch = effects.iter().find_map(|e| match e {
        Effect::FetchLanguage { language: "zh-CN", ui: false, tours } => Some(tours.clone()),
        _ => None,
    });
    let tours = fetch.expect("the catalogues are asked for, not the UI's (installed before the page drew)");
    // Until they arrive the step is in English; then in Chinese, where it was.
    assert!(step_words(&s).is_ascii());
    let now = s.now_us();
    s.apply(shipped("zh-CN", false, &tours));
    assert!(!step_words(&s).is_ascii(), "{}", step_words(&s));
    assert_eq!(s.now_us(), now);
    assert_eq!(s.address(&[], "x"), format!("{BASE}?lang=zh-CN#x"));
    text::install("en", None);
}

#[test]
fn what_cannot_be_loaded_stays_english_and_is_said() {
    // The UI catalogue: the whole page stays English, and the notice names the language.
    let mut s = page("");
    s.apply(Action::ChooseLanguage("zh-CN".into()));
    s.take_effects();
    let files = Files { tours: Vec::new(), glossary: Err("x".into()), builtins: Err("x".into()) };
    let ui = Some(Err("HTTP 404 for text/zh-CN/ui.json".to_string()));
    s.apply(Action::LanguageLoaded(Box::new(LanguageFiles { language: "zh-CN", ui, files })));
    assert_eq!(s.language, "en");
    assert_eq!(text::language(), "en");
    let notice = s.notice.take().expect("a notice");
    assert!(notice.contains("简体中文") && notice.contains("HTTP 404"), "{notice}");
    assert_eq!(s.builtins[0].title, "First election");
    // One tour's catalogue: that tour is English, the others Chinese, and the notice names it.
    let ids: Vec<String> = s.tours.iter().map(|t| t.id.clone()).collect();
    // Compared with the English titles, not by being ASCII: "Chandy–Lamport" has an en dash.
    let english: Vec<String> = s.tours.iter().map(|t| t.title.clone()).collect();
    s.apply(Action::ChooseLanguage("zh-CN".into()));
    s.take_effects();
    let Action::LanguageLoaded(mut loaded) = shipped("zh-CN", true, &ids) else { unreachable!() };
    loaded.files.tours[1].1 = Ok("{ broken".into());
    loaded.files.glossary = Ok(r#"{"log.forms": "任期", "term.forms": "任期"}"#.into());
    s.apply(Action::LanguageLoaded(loaded));
    assert_eq!(s.language, "zh-CN");
    assert!(s.tours[1].title == english[1] && s.tours[0].title != english[0]);
    let notice = s.notice.clone().expect("a notice");
    assert!(notice.contains(&tour_file(&ids[1])), "{notice}");
    // A glossary catalogue whose forms clash is refused: the English glossary is used.
    assert!(notice.contains("glossary.json"), "{notice}");
    assert!(s.glossary.as_ref().is_some_and(|g| g.terms.iter().any(|e| e.term == "log")));
    text::install("en", None);
}
