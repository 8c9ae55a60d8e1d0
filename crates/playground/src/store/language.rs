//! The page's language: the store keeps the English tours, glossary and built-ins as fetched,
//! and shows them through the chosen language's catalogues (model/translation.rs). Choosing a
//! language asks the browser for its catalogues ([`Effect::FetchLanguage`]); when they arrive
//! the UI catalogue is installed (`text::install`), everything shown is made again in the new
//! language, and the run stays where it is. Links the page makes carry `lang=TAG` unless the
//! language is English ([`Store::address`]).
use super::{Action, Effect, Store};
use crate::model::translation::{Files, Translations};
use crate::text::{self, FALLBACK, LANGUAGES};
use raft_sim::builtin::Builtin;
use raft_sim::glossary::Glossary;
use raft_sim::tour::Tour;
use std::rc::Rc;

/// The English data, as fetched, and the chosen language's catalogues over it.
#[derive(Default)]
pub struct Words {
    pub(super) tours: Vec<Tour>,
    pub(super) glossary: Option<Rc<Glossary>>,
    pub(super) builtins: Vec<Builtin>,
    pub(super) translations: Translations,
}

/// A language's files as the browser fetched them: the UI catalogue (None: installed already,
/// before the page first drew) and the tours', glossary's and built-ins' catalogues.
#[derive(Clone, Debug, PartialEq)]
pub struct LanguageFiles {
    pub language: &'static str,
    pub ui: Option<Result<String, String>>,
    pub files: Files,
}

/// The shipped language `tag` names exactly, as its `&'static` tag.
pub fn shipped(tag: &str) -> Option<&'static str> {
    LANGUAGES.iter().map(|(l, _)| *l).find(|l| *l == tag)
}

/// A language's name in that language ("简体中文"), or the tag itself.
pub fn name_of(tag: &str) -> &'static str {
    LANGUAGES.iter().find(|(l, _)| *l == tag).map_or("", |(_, name)| *name)
}

impl Store {
    /// A link to this page with `query` (`embed`...) and, unless the page is in English, the
    /// language (`lang=zh-CN`), then `#fragment`.
    pub fn address(&self, query: &[&str], fragment: &str) -> String {
        let mut params: Vec<String> = query.iter().map(|q| q.to_string()).collect();
        if self.language != FALLBACK {
            params.push(format!("lang={}", self.language));
        }
        let query = if params.is_empty() { String::new() } else { format!("?{}", params.join("&")) };
        format!("{}{query}#{fragment}", self.base)
    }

    pub(super) fn language_action(&mut self, action: Action) {
        match action {
            Action::ChooseLanguage(tag) => match shipped(&tag) {
                Some(l) if l == self.language => {}
                Some(FALLBACK) => {
                    text::install(FALLBACK, None);
                    self.show_language(FALLBACK, Translations::default());
                }
                Some(l) => self.fetch_language(l, true),
                None => self.error = Some(text::tf("language.unknown", &[("language", &tag)])),
            },
            Action::LanguageLoaded(files) => self.language_loaded(*files),
            _ => {}
        }
    }

    fn language_loaded(&mut self, loaded: LanguageFiles) {
        let LanguageFiles { language, ui, files } = loaded;
        if let Some(ui) = ui {
            match ui.and_then(|json| text::parse(&json)) {
                Ok(catalogue) => text::install(language, Some(catalogue)),
                Err(why) => {
                    text::install(FALLBACK, None);
                    self.show_language(FALLBACK, Translations::default());
                    return self.language_failed(language, &why);
                }
            }
        }
        let translations = Translations::of(files);
        let problems = translations.problems.clone();
        self.show_language(language, translations);
        if !problems.is_empty() {
            let said =
                text::tf("language.files-problem", &[("language", name_of(language)), ("why", &problems.join("; "))]);
            self.say(said);
        }
    }

    /// The UI catalogue of `language` could not be had (`why`): the page is in English, and
    /// says so.
    pub fn language_failed(&mut self, language: &str, why: &str) {
        let name = match name_of(language) {
            "" => language,
            name => name,
        };
        self.say(text::tf("language.problem", &[("language", name), ("why", why)]));
    }

    /// Add `said` to the notice (after what is there: it may be the cause).
    fn say(&mut self, said: String) {
        self.notice = Some(match self.notice.take() {
            Some(before) => format!("{before} {said}"),
            None => said,
        });
    }

    /// Show everything in `language` (its UI catalogue installed), the run left where it is.
    fn show_language(&mut self, language: &'static str, translations: Translations) {
        self.language = language;
        // Words made once and kept (the event log's sentences, the time bar's markers) are
        // made again, in the new language.
        *self.markers.borrow_mut() = Default::default();
        *self.event_lines.borrow_mut() = Default::default();
        self.words.translations = translations;
        self.show_builtins();
        self.show_glossary();
        self.show_tours();
        self.effects.push(Effect::LanguageShown(language));
    }

    /// The built-ins as fetched (English): kept, and shown in the language. A run of a
    /// built-in stays that built-in, with its description in the language.
    pub(super) fn builtins_arrived(&mut self, english: Vec<Builtin>) {
        self.words.builtins = english;
        self.show_builtins();
    }

    fn show_builtins(&mut self) {
        let was = self.builtins.iter().position(|b| b.scenario == self.scenario);
        self.builtins = self.words.translations.builtins(&self.words.builtins);
        if let Some(b) = was.and_then(|i| self.builtins.get(i)) {
            self.scenario.description = b.scenario.description.clone();
        }
    }

    /// Ask for `language`'s catalogues (its UI catalogue too when `ui`).
    fn fetch_language(&mut self, language: &'static str, ui: bool) {
        let tours = self.words.tours.iter().map(|t| t.id.clone()).collect();
        self.effects.push(Effect::FetchLanguage { language, ui, tours });
    }

    /// The tours as fetched (English). In another language their catalogues are fetched now
    /// (they are named by the tours' ids); the page shows the English meanwhile.
    pub(super) fn tours_arrived(&mut self, english: Vec<Tour>) {
        self.words.tours = english;
        self.show_tours();
        if self.language != FALLBACK {
            self.fetch_language(self.language, false);
        }
    }

    /// The tours in the language; an open step shows its text in it, where the run is.
    fn show_tours(&mut self) {
        self.tours = self.words.translations.tours(&self.words.tours);
        let Some(run) = &self.tour else { return };
        let english = self.words.tours.iter().find(|t| t.id == run.tour.id);
        // A tour opened from a file or the draft is not among them: it stays as it is.
        let Some(tour) = english.map(|t| self.words.translations.tour(t)) else { return };
        let step = run.step;
        if let Some(description) = self.step_description(&tour, step) {
            self.scenario.description = description;
        }
        if let Some(run) = self.tour.as_mut() {
            run.tour = tour;
        }
        self.redo_step_text();
    }

    /// The description of the scenario tour step `step` runs, in the language: an inline
    /// scenario's own, or its built-in's.
    pub(super) fn step_description(&self, tour: &Tour, step: usize) -> Option<String> {
        let base = (0..=step.min(tour.steps.len().checked_sub(1)?))
            .rev()
            .find(|&i| tour.steps[i].builtin.is_some() || tour.steps[i].scenario.is_some())?;
        match (&tour.steps[base].builtin, &tour.steps[base].scenario) {
            (Some(name), _) => {
                self.builtins.iter().find(|b| &b.scenario.name == name).map(|b| b.scenario.description.clone())
            }
            (None, Some(s)) => Some(s.description.clone()),
            _ => None,
        }
    }

    pub(super) fn glossary_arrived(&mut self, english: Glossary) {
        self.words.glossary = Some(Rc::new(english));
        self.show_glossary();
        self.redo_step_text();
    }

    fn show_glossary(&mut self) {
        let Some(english) = &self.words.glossary else { return };
        match self.words.translations.glossary(english) {
            Ok(g) if self.words.translations.glossary.is_some() => self.glossary = Some(Rc::new(g)),
            Ok(_) => self.glossary = Some(english.clone()),
            Err(why) => {
                self.glossary = Some(english.clone());
                self.words.translations.glossary = None;
                let said = text::tf(
                    "language.files-problem",
                    &[("language", name_of(self.language)), ("why", &format!("glossary.json: {why}"))],
                );
                self.say(said);
            }
        }
    }

    /// The open tour step's text made again (its glossary links, in the language).
    fn redo_step_text(&mut self) {
        if let Some(t) = self.tour.as_mut() {
            t.text = Rc::new(crate::model::glossary::StepText {
                settings: t.text.settings.clone(),
                ..crate::model::glossary::step_text(&self.tours, &t.tour, t.step, self.glossary.as_deref())
            });
        }
    }
}
