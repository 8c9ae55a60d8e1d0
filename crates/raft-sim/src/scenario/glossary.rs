//! The glossary: every term the guided tours use that a student needs defined, each defined once
//! in the course's words with the passage it comes from. It is data like the tours
//! (`crates/raft-sim/tours/glossary.json`, documented in docs/tour-format.md): the page fetches
//! it and marks where a tour uses a term; the CLI and the tests embed it.
//!
//! A term is found in a tour's text by its `forms` (plural, hyphenated, spaced spellings): a use
//! is a form matched without regard to ASCII case, not inside a longer word (ASCII letters,
//! digits and `_` continue a word), the longest form
//! winning where two start at the same place ("Log Matching Property" is one use, of that term,
//! not a use of "log"). Tour text carries no markers, so a tour rewritten or added elsewhere is
//! linked by the same rule.
use crate::scenario::tour::{Step, Tour};
use crate::scenario::{ScenarioError, MAX_SCENARIO_BYTES};
use serde::{Deserialize, Serialize};

/// The glossary's file beside the tours (`tours/glossary.json`).
pub const GLOSSARY_FILE_NAME: &str = "glossary.json";

#[cfg(feature = "embedded-tours")]
const GLOSSARY_FILE: &str = include_str!("../../tours/glossary.json");

/// At most this many terms, forms per term, characters per form and per definition.
pub const MAX_TERMS: usize = 300;
const MAX_FORMS: usize = 16;
const MAX_FORM: usize = 60;
const MAX_DEFINITION: usize = 1_200;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Glossary {
    pub terms: Vec<Entry>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// The term as the popup names it.
    pub term: String,
    /// The spellings that count as a use of it (ASCII case is ignored).
    pub forms: Vec<String>,
    /// In the course's words.
    pub definition: String,
    /// Where the definition comes from: a seed of the course notes and its section, or a
    /// section of the Raft paper or Ongaro's thesis.
    pub source: String,
    /// The tour step whose text defines the term, `tour-id/N` (N counts from 1), if a tour does.
    /// Before it (in menu order) the page links every step's first use of the term.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub defined_in: Option<String>,
    /// Kept although no tour uses it (yet): the glossary test accepts it unused, and fails if a
    /// tour does use it (the flag is then stale).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub unused: bool,
}

/// One use of a glossary term in a text: bytes `start..end`, entry `entry`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Use {
    pub start: usize,
    pub end: usize,
    pub entry: usize,
}

impl Entry {
    /// `defined_in` as (tour id, 0-based step).
    pub fn defining_step(&self) -> Option<(&str, usize)> {
        let (id, n) = self.defined_in.as_deref()?.split_once('/')?;
        let n: usize = n.parse().ok()?;
        Some((id, n.checked_sub(1)?))
    }
}

/// A character that continues a word: ASCII letters, digits and `_`. (Not Unicode's classes:
/// their tables would add kilobytes to the page.) Chinese has no spaces between words, so a
/// form in Chinese is found inside a run of Chinese text: a Chinese character does not continue
/// an ASCII word, and a form may begin and end with any non-ASCII character (see
/// [`is_form_edge`]).
fn is_word(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// What a form may begin and end with: an ASCII letter, digit or `_`, or a non-ASCII
/// character (a Chinese form is made of them).
fn is_form_edge(c: char) -> bool {
    is_word(c) || !c.is_ascii()
}

impl Glossary {
    /// Read a glossary file through the same bounds as a tour: at most 1 MiB, every field
    /// known, and a refusal that names the field at fault.
    pub fn from_json(text: &str) -> Result<Glossary, ScenarioError> {
        if text.len() > MAX_SCENARIO_BYTES {
            return Err(ScenarioError::new("", format!("a glossary may hold at most {MAX_SCENARIO_BYTES} bytes")));
        }
        let glossary: Glossary = crate::scenario::shape::parse_strict(text, &crate::scenario::shape::GLOSSARY)
            .map_err(|e| ScenarioError::new(e.field, format!("not a valid glossary: {}", e.problem)))?;
        glossary.validate()?;
        Ok(glossary)
    }

    /// The checks [`Glossary::from_json`] makes of a file's content, for a glossary made
    /// another way (a translated one, see `tour_text::translate_glossary`).
    pub fn check(&self) -> Result<(), ScenarioError> {
        self.validate()
    }

    fn validate(&self) -> Result<(), ScenarioError> {
        let err = |path: String, message: &str| Err(ScenarioError::new(&path, message));
        if self.terms.len() > MAX_TERMS {
            return err("terms".into(), &format!("at most {MAX_TERMS} terms"));
        }
        let mut seen: Vec<(String, usize)> = Vec::new();
        for (i, e) in self.terms.iter().enumerate() {
            let at = |field: &str| format!("terms[{i}].{field}");
            if e.term.trim().is_empty() {
                return err(at("term"), "a term is not empty");
            }
            if e.forms.is_empty() || e.forms.len() > MAX_FORMS {
                return err(at("forms"), &format!("1 to {MAX_FORMS} forms"));
            }
            for (k, form) in e.forms.iter().enumerate() {
                let starts = form.chars().next().is_some_and(is_form_edge);
                let ends = form.chars().last().is_some_and(is_form_edge);
                if !starts || !ends || form.len() > MAX_FORM {
                    return err(
                        at(&format!("forms[{k}]")),
                        &format!("a form begins and ends with a letter, digit or non-ASCII character, at most {MAX_FORM} bytes"),
                    );
                }
                let key = form.to_ascii_lowercase();
                if let Some((_, other)) = seen.iter().find(|(f, _)| *f == key) {
                    return err(
                        at(&format!("forms[{k}]")),
                        &format!("\"{form}\" is already a form of \"{}\"", self.terms[*other].term),
                    );
                }
                seen.push((key, i));
            }
            if e.definition.trim().is_empty() || e.definition.len() > MAX_DEFINITION {
                return err(at("definition"), &format!("1 to {MAX_DEFINITION} characters"));
            }
            if e.source.trim().is_empty() {
                return err(at("source"), "say where the definition comes from");
            }
            if e.defined_in.is_some() && e.defining_step().is_none() {
                return err(at("defined_in"), "a tour step: tour-id/N, N counting from 1");
            }
        }
        Ok(())
    }

    /// The uses of glossary terms in `text`, in order, none overlapping.
    pub fn uses(&self, text: &str) -> Vec<Use> {
        let bytes = text.as_bytes();
        let mut out = Vec::new();
        let mut at = 0;
        let mut before: Option<char> = None;
        while at < text.len() {
            let Some(c) = text[at..].chars().next() else { break };
            let mut best: Option<(usize, usize)> = None;
            if before.is_none_or(|b| !is_word(b)) {
                for (entry, e) in self.terms.iter().enumerate() {
                    for form in &e.forms {
                        let end = at + form.len();
                        let fits = end <= text.len()
                            && bytes[at..end].eq_ignore_ascii_case(form.as_bytes())
                            && text.is_char_boundary(end)
                            && text[end..].chars().next().is_none_or(|n| !is_word(n));
                        if fits && best.is_none_or(|(_, e)| end > e) {
                            best = Some((entry, end));
                        }
                    }
                }
            }
            match best {
                Some((entry, end)) => {
                    out.push(Use { start: at, end, entry });
                    before = text[..end].chars().next_back();
                    at = end;
                }
                None => {
                    before = Some(c);
                    at += c.len_utf8();
                }
            }
        }
        out
    }
}

/// The texts of a step the page shows in the tour panel, in order: its paragraphs, then its
/// task's prompt and success message.
pub fn step_texts(step: &Step) -> Vec<&str> {
    let mut texts: Vec<&str> = step.text.iter().map(String::as_str).collect();
    if let Some(task) = &step.task {
        texts.push(&task.prompt);
        texts.push(&task.success);
    }
    texts
}

/// Where `entry` is defined, as a place in menu order: (tour index in `tours`, 0-based step).
/// None when no tour defines it, or the tour it names is not in `tours`.
pub fn defined_at(entry: &Entry, tours: &[Tour]) -> Option<(usize, usize)> {
    let (id, step) = entry.defining_step()?;
    let t = tours.iter().position(|t| t.id == id)?;
    Some((t, step))
}

/// The shipped glossary. It is checked by the tests; one that does not parse gives none.
#[cfg(feature = "embedded-tours")]
pub fn shipped() -> Option<Glossary> {
    Glossary::from_json(GLOSSARY_FILE).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(term: &str, forms: &[&str]) -> Entry {
        Entry {
            term: term.into(),
            forms: forms.iter().map(|f| f.to_string()).collect(),
            definition: "d".into(),
            source: "s".into(),
            defined_in: None,
            unused: false,
        }
    }

    fn found<'a>(g: &Glossary, text: &'a str) -> Vec<(&'a str, usize)> {
        g.uses(text).into_iter().map(|u| (&text[u.start..u.end], u.entry)).collect()
    }

    #[test]
    fn uses_are_whole_words_any_case_the_longest_form_winning() {
        let g = Glossary {
            terms: vec![
                entry("log", &["log", "logs"]),
                entry("Log Matching Property", &["Log Matching Property", "Log Matching"]),
                entry("commit", &["commit", "commits", "committed"]),
                entry("up-to-date", &["up to date", "up-to-date"]),
            ],
        };
        assert_eq!(
            found(&g, "Logs differ; the Log Matching Property holds. A catalog commits? commitIndex"),
            vec![("Logs", 0), ("Log Matching Property", 1), ("commits", 2)]
        );
        assert_eq!(
            found(&g, "its log is at least as up to date — S1's log≪"),
            vec![("log", 0), ("up to date", 3), ("log", 0)]
        );
        assert_eq!(found(&g, "leader's log’s up-to-date"), vec![("log", 0), ("up-to-date", 3)]);
        assert!(found(&g, "blog, logical, _log, 2log").is_empty());
    }

    #[test]
    fn chinese_forms_are_found_inside_chinese_text_without_spaces() {
        let g = Glossary {
            terms: vec![
                entry("log", &["日志"]),
                entry("log entry", &["日志条目", "条目"]),
                entry("leader", &["领导者"]),
                entry("AppendEntries", &["AppendEntries"]),
            ],
        };
        assert_eq!(
            found(&g, "领导者把日志条目写入自己的日志，再发送AppendEntries消息。"),
            vec![("领导者", 2), ("日志条目", 1), ("日志", 0), ("AppendEntries", 3)]
        );
        assert!(found(&g, "XAppendEntries, AppendEntriesY").is_empty(), "ASCII words still end at ASCII letters");
        let ok = r#"{"terms": [{"term": "日志", "forms": ["日志", "日志条目"], "definition": "d", "source": "s"}]}"#;
        assert!(Glossary::from_json(ok).is_ok(), "a Chinese form is a valid form");
        assert!(Glossary::from_json(&ok.replace("\"日志\",", "\"日志。 \",")).is_err(), "not ending in a space");
    }

    #[test]
    fn a_glossary_file_is_read_strictly_and_names_the_field_at_fault() {
        let ok = r#"{"terms": [{"term": "term", "forms": ["term", "terms"], "definition": "d", "source": "000, Def. 1.6", "defined_in": "leader-election/1"}]}"#;
        let g = Glossary::from_json(ok).expect("a valid glossary");
        assert_eq!(g.terms[0].defining_step(), Some(("leader-election", 0)));
        let bad = |text: &str, field: &str| {
            let e = Glossary::from_json(text).expect_err("refused");
            assert!(e.to_string().contains(field), "{e} names {field}");
        };
        bad(&ok.replace("\"source\"", "\"sauce\""), "terms[0]");
        bad(&ok.replace("\"terms\"]", "\"terms\", \" x\"]"), "terms[0].forms[2]");
        bad(&ok.replace("leader-election/1", "leader-election/0"), "terms[0].defined_in");
        bad(&ok.replace("\"d\"", "\"\""), "terms[0].definition");
        let twice =
            ok.replace("]}", ", {\"term\": \"t\", \"forms\": [\"Terms\"], \"definition\": \"d\", \"source\": \"s\"}]}");
        bad(&twice, "terms[1].forms[0]");
        bad(&format!("{}{}", ok, " ".repeat(MAX_SCENARIO_BYTES)), "at most");
    }

    #[cfg(feature = "embedded-tours")]
    #[test]
    fn the_shipped_glossary_parses_and_is_the_file_the_page_fetches() {
        if let Err(e) = Glossary::from_json(GLOSSARY_FILE) {
            panic!("the shipped glossary does not parse: {e}");
        }
        let path = format!("{}/tours/{GLOSSARY_FILE_NAME}", env!("CARGO_MANIFEST_DIR"));
        assert_eq!(GLOSSARY_FILE, std::fs::read_to_string(path).expect("the file exists"));
        assert!(shipped().is_some_and(|g| g.terms.len() >= 40));
    }
}
