//! A language's words beyond the UI catalogue: one catalogue per tour
//! (`text/LANG/tours/ID.json`), the glossary's (`text/LANG/glossary.json`) and the built-in
//! scenarios' (`text/LANG/scenarios.json`), laid over the English data the page fetched
//! (`raft_sim::tour_text`). And the page's address with the language in its query. Plain
//! functions, tested natively; the store holds the result (store/language.rs).
use raft_sim::builtin::Builtin;
use raft_sim::glossary::Glossary;
use raft_sim::tour::Tour;
use raft_sim::tour_text::{self, Texts};
use std::collections::BTreeMap;

/// The folder of a language's tour catalogues, under its text folder.
pub const TOURS_FOLDER: &str = "tours";
/// The glossary's catalogue file in a language's text folder.
pub const GLOSSARY_FILE: &str = "glossary.json";
/// The built-in scenarios' catalogue file in a language's text folder.
pub const SCENARIOS_FILE: &str = "scenarios.json";

/// The catalogues of one language, each as fetched: a tour's by its id. A catalogue that could
/// not be had or read is absent (its text stays English) and named in `problems`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Translations {
    pub tours: BTreeMap<String, Texts>,
    pub glossary: Option<Texts>,
    pub builtins: Option<Texts>,
    /// What could not be loaded, file by file ("tours/safety.json: HTTP 404").
    pub problems: Vec<String>,
}

/// A language's catalogue files as the browser fetched them (or why not).
#[derive(Clone, Debug, PartialEq)]
pub struct Files {
    /// Each tour's id and its catalogue file.
    pub tours: Vec<(String, Result<String, String>)>,
    pub glossary: Result<String, String>,
    pub builtins: Result<String, String>,
}

/// The address of `file` in `language`'s text folder (`text/zh-CN/tours/safety.json`).
pub fn url(language: &str, file: &str) -> String {
    format!("{}/{language}/{file}", crate::text::FOLDER)
}

/// A tour's catalogue file in a language's folder.
pub fn tour_file(id: &str) -> String {
    format!("{TOURS_FOLDER}/{id}.json")
}

impl Translations {
    /// Read fetched catalogue files strictly (`text::parse`: one object of strings, bounded).
    pub fn of(files: Files) -> Translations {
        let mut out = Translations::default();
        let mut read = |name: String, file: Result<String, String>| -> Option<Texts> {
            match file.and_then(|text| crate::text::parse(&text)) {
                Ok(texts) => Some(texts),
                Err(e) => {
                    out.problems.push(format!("{name}: {e}"));
                    None
                }
            }
        };
        let mut tours = BTreeMap::new();
        for (id, file) in files.tours {
            if let Some(texts) = read(tour_file(&id), file) {
                tours.insert(id, texts);
            }
        }
        let glossary = read(GLOSSARY_FILE.to_string(), files.glossary);
        let builtins = read(SCENARIOS_FILE.to_string(), files.builtins);
        Translations { tours, glossary, builtins, problems: out.problems }
    }

    /// The tours in this language (a tour without a catalogue stays English).
    pub fn tours(&self, english: &[Tour]) -> Vec<Tour> {
        english.iter().map(|t| self.tour(t)).collect()
    }

    /// One tour in this language.
    pub fn tour(&self, english: &Tour) -> Tour {
        match self.tours.get(&english.id) {
            Some(texts) => tour_text::translate_tour(english, texts),
            None => english.clone(),
        }
    }

    /// The glossary in this language, or why the catalogue cannot be used (English then).
    pub fn glossary(&self, english: &Glossary) -> Result<Glossary, String> {
        match &self.glossary {
            Some(texts) => tour_text::translate_glossary(english, texts),
            None => Ok(english.clone()),
        }
    }

    /// The built-ins in this language.
    pub fn builtins(&self, english: &[Builtin]) -> Vec<Builtin> {
        match &self.builtins {
            Some(texts) => tour_text::translate_builtins(english, texts),
            None => english.to_vec(),
        }
    }
}

/// A page query (`?embed&lang=en`, or empty) with `lang=TAG` set, or removed when `language`
/// is English; the other parameters stay as they were, in order.
pub fn query_with_language(search: &str, language: &str) -> String {
    let mut params: Vec<&str> = search
        .trim_start_matches('?')
        .split('&')
        .filter(|p| !p.is_empty() && p.split('=').next() != Some("lang"))
        .collect();
    let lang = format!("lang={language}");
    if language != crate::text::FALLBACK {
        params.push(&lang);
    }
    if params.is_empty() {
        String::new()
    } else {
        format!("?{}", params.join("&"))
    }
}

/// The `lang` parameter of a page query, if it has one.
pub fn asked_language(search: &str) -> Option<&str> {
    search.trim_start_matches('?').split('&').find_map(|p| p.strip_prefix("lang="))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::{FALLBACK, LANGUAGES};
    use raft_sim::tour_text::{builtin_texts, glossary_texts, problems, tour_texts};

    fn dir() -> String {
        env!("CARGO_MANIFEST_DIR").to_string()
    }

    fn read(path: &str) -> String {
        std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    /// The English tours (every file in crates/raft-sim/tours, in menu order) and glossary.
    fn english() -> (Vec<Tour>, Glossary) {
        let tours = raft_sim::tour::TOUR_FILE_NAMES
            .iter()
            .map(|name| {
                let path = format!("{}/../raft-sim/tours/{name}", dir());
                Tour::from_json(&read(&path)).unwrap_or_else(|e| panic!("{path}: {e}"))
            })
            .collect();
        let path = format!("{}/../raft-sim/tours/{}", dir(), raft_sim::glossary::GLOSSARY_FILE_NAME);
        (tours, Glossary::from_json(&read(&path)).unwrap_or_else(|e| panic!("{path}: {e}")))
    }

    fn catalogue(language: &str, file: &str) -> Texts {
        let path = format!("{}/text/{language}/{file}", dir());
        crate::text::parse(&read(&path)).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    fn translated_languages() -> impl Iterator<Item = &'static str> {
        LANGUAGES.iter().map(|(l, _)| *l).filter(|l| *l != FALLBACK)
    }

    #[test]
    fn every_tour_file_is_listed_so_a_translation_cannot_miss_one() {
        let mut files: Vec<String> = std::fs::read_dir(format!("{}/../raft-sim/tours", dir()))
            .expect("the tours folder")
            .map(|e| e.expect("an entry").file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".json") && n != raft_sim::glossary::GLOSSARY_FILE_NAME)
            .collect();
        files.sort();
        let mut listed: Vec<String> = raft_sim::tour::TOUR_FILE_NAMES.iter().map(|s| s.to_string()).collect();
        listed.sort();
        assert_eq!(files, listed);
    }

    #[test]
    fn every_shipped_language_has_every_tour_glossary_and_builtin_text_and_no_other() {
        let (tours, glossary) = english();
        let builtins = raft_sim::builtin::catalog();
        for language in translated_languages() {
            let mut wrong = Vec::new();
            for tour in &tours {
                let file = tour_file(&tour.id);
                let zh = catalogue(language, &file);
                wrong.extend(problems(&tour_texts(tour), &zh).into_iter().map(|p| format!("{file}: {p}")));
            }
            let zh = catalogue(language, GLOSSARY_FILE);
            wrong.extend(problems(&glossary_texts(&glossary), &zh).into_iter().map(|p| format!("glossary: {p}")));
            let zh = catalogue(language, SCENARIOS_FILE);
            // Other protocols' built-ins are translated too, ready for the page to run them.
            let mut english = builtin_texts(builtins);
            english.extend(raft_sim::playback::protocol_table::texts());
            wrong.extend(problems(&english, &zh).into_iter().map(|p| format!("scenarios: {p}")));
            assert!(wrong.is_empty(), "text/{language}: {} problems:\n{}", wrong.len(), wrong.join("\n"));
            // No catalogue for a tour that is not shipped.
            let folder = format!("{}/text/{language}/{TOURS_FOLDER}", dir());
            for entry in std::fs::read_dir(&folder).unwrap_or_else(|e| panic!("{folder}: {e}")) {
                let name = entry.expect("an entry").file_name().to_string_lossy().into_owned();
                assert!(
                    tours.iter().any(|t| tour_file(&t.id) == format!("{TOURS_FOLDER}/{name}")),
                    "{folder}/{name}: no such tour"
                );
            }
        }
    }

    #[test]
    fn a_translated_tour_makes_the_english_claims_and_passes_the_tour_checks() {
        let (tours, _) = english();
        for language in translated_languages() {
            for tour in &tours {
                let t = tour_text::translate_tour(tour, &catalogue(language, &tour_file(&tour.id)));
                assert_ne!(t.title, tour.title, "{language}: {} is translated", tour.id);
                assert_eq!(t.id, tour.id);
                assert_eq!(t.steps.len(), tour.steps.len());
                for (a, b) in t.steps.iter().zip(&tour.steps) {
                    assert_eq!(a.claims, b.claims, "{language}: {}: claims are the English ones", tour.id);
                    assert_eq!(a.task.as_ref().map(|t| &t.goal), b.task.as_ref().map(|t| &t.goal));
                    assert_eq!(
                        (&a.highlight, &a.actions, a.start_ms, a.pause_ms),
                        (&b.highlight, &b.actions, b.start_ms, b.pause_ms)
                    );
                }
                // It is still a valid tour file: within its limits, and it reads back as itself.
                let json = serde_json::to_string(&t).expect("a tour serializes");
                assert_eq!(Tour::from_json(&json).map_err(|e| e.to_string()), Ok(t), "{language}: {}", tour.id);
            }
        }
    }

    #[test]
    fn in_every_shipped_language_terms_are_linked_before_their_definition_and_used_where_defined() {
        use crate::model::glossary::{order_problems, step_text};
        let (tours, glossary) = english();
        for language in translated_languages() {
            let tours: Vec<Tour> =
                tours.iter().map(|t| tour_text::translate_tour(t, &catalogue(language, &tour_file(&t.id)))).collect();
            let g = tour_text::translate_glossary(&glossary, &catalogue(language, GLOSSARY_FILE))
                .unwrap_or_else(|e| panic!("text/{language}/{GLOSSARY_FILE}: {e}"));
            let problems = order_problems(&tours, &g, |t, s| step_text(&tours, t, s, Some(&g)));
            assert!(problems.is_empty(), "{language}: {} problems:\n{}", problems.len(), problems.join("\n"));
            let first = step_text(&tours, &tours[0], 0, Some(&g));
            assert!(!first.glosses.is_empty(), "{language}: the first step links a term");
        }
    }

    #[test]
    fn fetched_files_are_read_strictly_and_what_failed_is_named() {
        let t = Translations::of(Files {
            tours: vec![("a".into(), Ok(r#"{"title": "甲"}"#.into())), ("b".into(), Err("HTTP 404".into()))],
            glossary: Ok("[1]".into()),
            builtins: Ok(r#"{"first-election.title": "第一次选举"}"#.into()),
        });
        assert_eq!(t.tours.keys().collect::<Vec<_>>(), ["a"]);
        assert!(t.glossary.is_none());
        assert_eq!(t.problems.len(), 2, "{:?}", t.problems);
        assert!(t.problems[0].starts_with("tours/b.json: HTTP 404"));
        assert!(t.problems[1].starts_with("glossary.json: "));
        let builtins = t.builtins(raft_sim::builtin::catalog());
        assert_eq!(builtins[0].title, "第一次选举");
        assert_eq!(builtins[0].scenario, raft_sim::builtin::catalog()[0].scenario);
        assert_eq!(url("zh-CN", &tour_file("safety")), "text/zh-CN/tours/safety.json");
    }

    #[test]
    fn the_query_carries_the_language_unless_it_is_english() {
        assert_eq!(query_with_language("", "zh-CN"), "?lang=zh-CN");
        assert_eq!(query_with_language("?embed&lang=zh-CN", "en"), "?embed");
        assert_eq!(query_with_language("?lang=en&test-hook", "zh-CN"), "?test-hook&lang=zh-CN");
        assert_eq!(query_with_language("?lang=zh-CN", "en"), "");
        assert_eq!(asked_language("?embed&lang=zh-CN"), Some("zh-CN"));
        assert_eq!(asked_language("?language=x"), None);
    }
}
