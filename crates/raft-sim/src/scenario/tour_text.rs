//! The words of the tours, the glossary and the built-in scenarios' index as message catalogues:
//! flat maps from a stable id to a text, one per tour (`text/LANG/tours/ID.json` beside the
//! page), one for the glossary (`text/LANG/glossary.json`) and one for the built-ins
//! (`text/LANG/scenarios.json`). English is the tour and scenario files themselves; a
//! translation is a catalogue with the same ids, laid over them by the `translate_*`
//! functions. Only words change: ids, claims, highlights, actions, timings, goals and a
//! term's `defined_in` are the English file's, so a claim checked on the English run holds for
//! every language (claims are language-independent).
//!
//! Ids:
//! - a tour: `title`, `summary`, `N.title` (steps from 1), `N.text.K` (paragraphs from 1),
//!   `N.description` (the description of an inline scenario, when it has one),
//!   `N.task.prompt`, `N.task.success`;
//! - the glossary: `TERM.term`, `TERM.forms` (the forms joined by ` | `), `TERM.definition`,
//!   `TERM.source`, TERM being the English term;
//! - the built-ins: `NAME.title`, `NAME.description` (NAME the scenario's id) and
//!   `group.GROUP` (GROUP the English group's name).
use crate::scenario::builtin::Builtin;
use crate::scenario::glossary::Glossary;
use crate::scenario::tour::Tour;
use std::collections::BTreeMap;

/// Message id to text.
pub type Texts = BTreeMap<String, String>;

/// Between a glossary term's forms in its catalogue.
pub const FORM_SEPARATOR: &str = " | ";

/// A tour's English words by id (see the module's list of ids).
pub fn tour_texts(tour: &Tour) -> Texts {
    let mut out = Texts::new();
    out.insert("title".into(), tour.title.clone());
    out.insert("summary".into(), tour.summary.clone());
    for (i, step) in tour.steps.iter().enumerate() {
        let n = i + 1;
        out.insert(format!("{n}.title"), step.title.clone());
        for (k, paragraph) in step.text.iter().enumerate() {
            out.insert(format!("{n}.text.{}", k + 1), paragraph.clone());
        }
        if let Some(scenario) = step.scenario.as_ref().filter(|s| !s.description.is_empty()) {
            out.insert(format!("{n}.description"), scenario.description.clone());
        }
        if let Some(task) = &step.task {
            out.insert(format!("{n}.task.prompt"), task.prompt.clone());
            out.insert(format!("{n}.task.success"), task.success.clone());
        }
    }
    out
}

/// `text` replaced by the catalogue's text for `id`, when it has a non-empty one.
fn over(text: &mut String, catalogue: &Texts, id: &str) {
    if let Some(t) = catalogue.get(id).filter(|t| !t.trim().is_empty()) {
        text.clone_from(t);
    }
}

/// `tour` with its words from `catalogue` (an id it lacks keeps the English); nothing else
/// changes.
pub fn translate_tour(tour: &Tour, catalogue: &Texts) -> Tour {
    let mut out = tour.clone();
    over(&mut out.title, catalogue, "title");
    over(&mut out.summary, catalogue, "summary");
    for (i, step) in out.steps.iter_mut().enumerate() {
        let n = i + 1;
        over(&mut step.title, catalogue, &format!("{n}.title"));
        for (k, paragraph) in step.text.iter_mut().enumerate() {
            over(paragraph, catalogue, &format!("{n}.text.{}", k + 1));
        }
        if let Some(scenario) = step.scenario.as_mut().filter(|s| !s.description.is_empty()) {
            over(&mut scenario.description, catalogue, &format!("{n}.description"));
        }
        if let Some(task) = step.task.as_mut() {
            over(&mut task.prompt, catalogue, &format!("{n}.task.prompt"));
            over(&mut task.success, catalogue, &format!("{n}.task.success"));
        }
    }
    out
}

/// The glossary's English words by id (see the module's list of ids).
pub fn glossary_texts(glossary: &Glossary) -> Texts {
    let mut out = Texts::new();
    for e in &glossary.terms {
        out.insert(format!("{}.term", e.term), e.term.clone());
        out.insert(format!("{}.forms", e.term), e.forms.join(FORM_SEPARATOR));
        out.insert(format!("{}.definition", e.term), e.definition.clone());
        out.insert(format!("{}.source", e.term), e.source.clone());
    }
    out
}

/// `glossary` with its words from `catalogue` (an id it lacks keeps the English; forms are
/// split at `|` and trimmed, empty ones dropped). Where a term is defined and whether it is
/// used stay the English file's. The result is checked as a glossary file is: a catalogue
/// whose forms clash (one form for two terms) is refused, naming the field.
pub fn translate_glossary(glossary: &Glossary, catalogue: &Texts) -> Result<Glossary, String> {
    let mut out = glossary.clone();
    for e in &mut out.terms {
        let english = e.term.clone();
        over(&mut e.term, catalogue, &format!("{english}.term"));
        if let Some(forms) = catalogue.get(&format!("{english}.forms")) {
            let forms: Vec<String> =
                forms.split('|').map(str::trim).filter(|f| !f.is_empty()).map(str::to_string).collect();
            if !forms.is_empty() {
                e.forms = forms;
            }
        }
        over(&mut e.definition, catalogue, &format!("{english}.definition"));
        over(&mut e.source, catalogue, &format!("{english}.source"));
    }
    out.check().map_err(|e| e.to_string())?;
    Ok(out)
}

/// The built-ins' English words by id: `NAME.title`, `NAME.description` (when it has one),
/// `group.GROUP` once per group.
pub fn builtin_texts(builtins: &[Builtin]) -> Texts {
    let mut out = Texts::new();
    for b in builtins {
        out.insert(format!("{}.title", b.scenario.name), b.title.clone());
        if !b.scenario.description.is_empty() {
            out.insert(format!("{}.description", b.scenario.name), b.scenario.description.clone());
        }
        out.insert(format!("group.{}", b.group), b.group.clone());
    }
    out
}

/// The built-ins with their titles, groups and descriptions from `catalogue` (an id it lacks
/// keeps the English); the scenarios are otherwise unchanged.
pub fn translate_builtins(builtins: &[Builtin], catalogue: &Texts) -> Vec<Builtin> {
    builtins
        .iter()
        .map(|b| {
            let mut out = b.clone();
            over(&mut out.title, catalogue, &format!("{}.title", b.scenario.name));
            over(&mut out.group, catalogue, &format!("group.{}", b.group));
            if !out.scenario.description.is_empty() {
                over(&mut out.scenario.description, catalogue, &format!("{}.description", b.scenario.name));
            }
            out
        })
        .collect()
}

/// What is wrong with `translation` as a catalogue for `english` (both by id): ids it lacks,
/// ids English does not have, empty texts, and texts whose `{name}` placeholders differ. Empty:
/// nothing.
pub fn problems(english: &Texts, translation: &Texts) -> Vec<String> {
    let mut out = Vec::new();
    for id in english.keys().filter(|id| !translation.contains_key(*id)) {
        out.push(format!("missing id \"{id}\""));
    }
    for (id, text) in translation {
        match english.get(id) {
            None => out.push(format!("extra id \"{id}\" (English has none)")),
            Some(_) if text.trim().is_empty() => out.push(format!("\"{id}\" is empty")),
            Some(en) if placeholders(en) != placeholders(text) => out.push(format!(
                "\"{id}\" has the placeholders {:?}, English {:?}",
                placeholders(text),
                placeholders(en)
            )),
            Some(_) => {}
        }
    }
    out
}

/// The `{name}` placeholders of a text, sorted (a translation must use the same ones).
pub fn placeholders(text: &str) -> Vec<&str> {
    let mut out: Vec<&str> = text
        .match_indices('{')
        .filter_map(|(at, _)| {
            let after = &text[at + 1..];
            let name = &after[..after.find('}')?];
            (!name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')).then_some(name)
        })
        .collect();
    out.sort_unstable();
    out
}

#[cfg(all(test, feature = "embedded-tours", feature = "embedded-scenarios"))]
mod tests {
    use super::*;

    #[test]
    fn a_tour_catalogue_round_trips_and_leaves_everything_but_words_alone() {
        for tour in crate::scenario::tour::list() {
            let english = tour_texts(&tour);
            assert_eq!(translate_tour(&tour, &english), tour, "{}: English over English is the tour", tour.id);
            let marked: Texts = english.iter().map(|(k, v)| (k.clone(), format!("«{v}»"))).collect();
            let translated = translate_tour(&tour, &marked);
            assert_eq!(tour_texts(&translated), marked, "{}: every id lands in its field", tour.id);
            assert_eq!(translated.id, tour.id);
            for (a, b) in translated.steps.iter().zip(&tour.steps) {
                assert_eq!(a.claims, b.claims);
                assert_eq!(a.highlight, b.highlight);
                assert_eq!(a.actions, b.actions);
                assert_eq!(a.task.as_ref().map(|t| &t.goal), b.task.as_ref().map(|t| &t.goal));
            }
            let partial: Texts = marked.iter().take(1).map(|(k, v)| (k.clone(), v.clone())).collect();
            let mostly = tour_texts(&translate_tour(&tour, &partial));
            assert_eq!(mostly.values().filter(|v| v.starts_with('«')).count(), 1, "a missing id stays English");
        }
    }

    #[test]
    fn tour_ids_are_numbered_from_one_and_name_inline_descriptions() {
        let tour = crate::scenario::tour::by_id("log-repair").expect("a shipped tour");
        let ids = tour_texts(&tour);
        assert!(ids.contains_key("1.title") && ids.contains_key("1.text.1") && ids.contains_key("1.description"));
        assert!(!ids.contains_key("0.title") && !ids.contains_key("1.text.0"));
        assert!(!ids.contains_key("2.description"), "a step naming no inline scenario has no description");
    }

    #[test]
    fn a_glossary_catalogue_round_trips_and_keeps_where_terms_are_defined() {
        let g = crate::scenario::glossary::shipped().expect("the shipped glossary");
        let english = glossary_texts(&g);
        assert_eq!(translate_glossary(&g, &english), Ok(g.clone()));
        let mut marked = english.clone();
        marked.insert("log.term".into(), "日志".into());
        marked.insert("log.forms".into(), "日志 | 日志条目 ".into());
        let t = translate_glossary(&g, &marked).expect("a valid glossary");
        let log = t.terms.iter().find(|e| e.term == "日志").expect("translated");
        assert_eq!(log.forms, ["日志", "日志条目"]);
        assert_eq!(log.defined_in, g.terms.iter().find(|e| e.term == "log").and_then(|e| e.defined_in.clone()));
        marked.insert("term.forms".into(), "日志".into());
        assert!(translate_glossary(&g, &marked).is_err_and(|e| e.contains("forms")), "a form given twice");
    }

    #[test]
    fn a_builtin_catalogue_translates_titles_groups_and_descriptions_only() {
        let builtins = crate::scenario::builtin::catalog();
        let english = builtin_texts(builtins);
        assert_eq!(translate_builtins(builtins, &english), builtins);
        assert!(english.contains_key("group.Elections") && english.contains_key("first-election.title"));
        let marked: Texts = english.iter().map(|(k, v)| (k.clone(), format!("«{v}»"))).collect();
        for (t, b) in translate_builtins(builtins, &marked).iter().zip(builtins) {
            assert_eq!(t.title, format!("«{}»", b.title));
            assert_eq!(t.group, format!("«{}»", b.group));
            assert_eq!(Scenario { description: b.scenario.description.clone(), ..t.scenario.clone() }, b.scenario);
        }
    }

    #[test]
    fn problems_name_missing_extra_empty_and_placeholder_changes() {
        let en: Texts =
            [("a", "x {n}"), ("b", "y"), ("c", "z")].iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        let zh: Texts =
            [("a", "甲 {m}"), ("b", " "), ("d", "丁")].iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        let p = problems(&en, &zh);
        assert_eq!(p.len(), 4, "{p:?}");
        assert!(p.iter().any(|s| s.contains("missing id \"c\"")));
        assert!(p.iter().any(|s| s.contains("extra id \"d\"")));
        assert!(p.iter().any(|s| s.contains("\"b\" is empty")));
        assert!(p.iter().any(|s| s.contains("\"a\" has the placeholders")));
        assert!(problems(&en, &en).is_empty());
    }

    use crate::scenario::Scenario;
}
