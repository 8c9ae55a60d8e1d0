//! A tour step's text split into plain runs and glossary terms, and the line that names the
//! step's settings that differ from the defaults. Plain data (no web types).
//!
//! Which uses are linked (drawn with a dotted underline; hover, focus or tap shows the
//! definition): in each step, the first use of a term is linked when it is the term's first use
//! in this tour, or when the step comes before the tour step that defines the term (its
//! `defined_in`, in menu order), or when no tour defines it. [`order_problems`] checks, over all
//! the tours, that no step uses a term before the step that defines it without linking it.
use raft_sim::glossary::{defined_at, step_texts, Glossary};
use raft_sim::tour::Tour;
#[cfg(test)]
use std::collections::BTreeSet;

#[derive(Clone, Debug, PartialEq)]
pub enum Segment {
    Text(String),
    /// A linked use of a glossary term: the words as written, and which of the step's
    /// [`Gloss`]es it shows.
    Term {
        text: String,
        gloss: usize,
    },
}

/// A term's definition as the popup shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct Gloss {
    pub term: String,
    pub definition: String,
    pub source: String,
    /// The glossary entry's index (stable ids for the page).
    pub entry: usize,
}

/// A step's texts as the tour panel draws them.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct StepText {
    pub paragraphs: Vec<Vec<Segment>>,
    /// The task's prompt and success message, when the step has a task.
    pub prompt: Vec<Segment>,
    pub success: Vec<Segment>,
    /// The definitions the linked segments show, in order of first use.
    pub glosses: Vec<Gloss>,
    /// "no-op off; PreVote on; …": the step's settings that are not the defaults (empty: none).
    pub settings: String,
}

/// What the tests read (the panel walks the pieces itself).
#[cfg(test)]
impl StepText {
    /// Every segment, paragraphs first, then the task's prompt and success.
    pub fn segments(&self) -> impl Iterator<Item = &Segment> {
        self.paragraphs.iter().flatten().chain(&self.prompt).chain(&self.success)
    }

    /// The glossary entries linked in this step.
    pub fn linked(&self) -> BTreeSet<usize> {
        self.glosses.iter().map(|g| g.entry).collect()
    }
}

fn plain(text: &str) -> Vec<Segment> {
    if text.is_empty() {
        Vec::new()
    } else {
        vec![Segment::Text(text.to_string())]
    }
}

/// Marks, by glossary entry, the entries used anywhere in `step` of `tour` (a plain list of
/// flags: a set type would add its code to the page for this one use).
fn mark_used(glossary: &Glossary, tour: &Tour, step: usize, marks: &mut [bool]) {
    for text in tour.steps.get(step).map(step_texts).unwrap_or_default() {
        for u in glossary.uses(text) {
            if let Some(m) = marks.get_mut(u.entry) {
                *m = true;
            }
        }
    }
}

/// The entries used anywhere in `step` of `tour`.
#[cfg(test)]
fn used_in(glossary: &Glossary, tour: &Tour, step: usize) -> BTreeSet<usize> {
    let mut marks = vec![false; glossary.terms.len()];
    mark_used(glossary, tour, step, &mut marks);
    marks.iter().enumerate().filter(|(_, m)| **m).map(|(e, _)| e).collect()
}

/// Step `step` of `tour` split for the panel. `tours` is the menu (its order decides what comes
/// before a term's defining step); without a glossary the text stays plain.
pub fn step_text(tours: &[Tour], tour: &Tour, step: usize, glossary: Option<&Glossary>) -> StepText {
    let Some(s) = tour.steps.get(step) else { return StepText::default() };
    let mut out = StepText::default();
    let Some(g) = glossary else {
        out.paragraphs = s.text.iter().map(|p| plain(p)).collect();
        if let Some(task) = &s.task {
            (out.prompt, out.success) = (plain(&task.prompt), plain(&task.success));
        }
        return out;
    };
    let here = (tours.iter().position(|t| t.id == tour.id).unwrap_or(tours.len()), step);
    let mut earlier = vec![false; g.terms.len()];
    for k in 0..step {
        mark_used(g, tour, k, &mut earlier);
    }
    let wanted =
        |entry: usize| !earlier[entry] || defined_at(&g.terms[entry], tours).is_none_or(|defined| here < defined);
    let mut split = |text: &str| {
        let mut segments = Vec::new();
        let mut at = 0;
        for u in g.uses(text) {
            if !wanted(u.entry) || out.glosses.iter().any(|x| x.entry == u.entry) {
                continue;
            }
            segments.extend(plain(&text[at..u.start]));
            let e = &g.terms[u.entry];
            out.glosses.push(Gloss {
                term: e.term.clone(),
                definition: e.definition.clone(),
                source: e.source.clone(),
                entry: u.entry,
            });
            segments.push(Segment::Term { text: text[u.start..u.end].to_string(), gloss: out.glosses.len() - 1 });
            at = u.end;
        }
        segments.extend(plain(&text[at..]));
        segments
    };
    let paragraphs: Vec<Vec<Segment>> = s.text.iter().map(|p| split(p)).collect();
    let task = s.task.as_ref().map(|t| (split(&t.prompt), split(&t.success)));
    out.paragraphs = paragraphs;
    if let Some((prompt, success)) = task {
        (out.prompt, out.success) = (prompt, success);
    }
    out
}

/// Over every tour in menu order: a use of a term in a step before the step that defines it (or
/// of a term no tour defines) that `render` does not link in that step; a `defined_in` that
/// names no tour step, or a step that does not use the term; a term no tour uses and not
/// flagged `unused`. `render` is how the page splits a step ([`step_text`]). Empty: all is well.
/// A test (below) runs it on the shipped tours and glossary; the page does not need it.
#[cfg(test)]
pub fn order_problems(tours: &[Tour], glossary: &Glossary, render: impl Fn(&Tour, usize) -> StepText) -> Vec<String> {
    let mut problems = Vec::new();
    let mut used = BTreeSet::new();
    for (t, tour) in tours.iter().enumerate() {
        for step in 0..tour.steps.len() {
            let uses = used_in(glossary, tour, step);
            let linked = render(tour, step).linked();
            for &entry in &uses {
                let e = &glossary.terms[entry];
                let defined = defined_at(e, tours).is_some_and(|d| (t, step) >= d);
                if !defined && !linked.contains(&entry) {
                    let before =
                        e.defined_in.as_deref().map_or("no tour defines it".to_string(), |d| format!("before {d}"));
                    problems.push(format!(
                        "{}/{} uses \"{}\" ({before}) and the page does not link it there",
                        tour.id,
                        step + 1,
                        e.term
                    ));
                }
            }
            used.extend(uses);
        }
    }
    for (entry, e) in glossary.terms.iter().enumerate() {
        if let Some(d) = &e.defined_in {
            match (e.defining_step(), defined_at(e, tours)) {
                (Some((_, step)), Some((t, _))) if step < tours[t].steps.len() => {
                    if !used_in(glossary, &tours[t], step).contains(&entry) {
                        problems.push(format!("\"{}\" is defined_in {d}, whose text does not use it", e.term));
                    }
                }
                _ => problems.push(format!("\"{}\" is defined_in {d}: there is no such tour step", e.term)),
            }
        }
        if !used.contains(&entry) && !e.unused {
            problems.push(format!("no tour uses \"{}\": use it, remove it or flag it \"unused\"", e.term));
        }
        if used.contains(&entry) && e.unused {
            problems.push(format!("\"{}\" is flagged \"unused\" but a tour uses it: drop the flag", e.term));
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(name: &str) -> String {
        let path = format!("{}/../raft-sim/tours/{name}", env!("CARGO_MANIFEST_DIR"));
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    /// The shipped tours in menu order and the shipped glossary, as the page fetches them.
    fn shipped() -> (Vec<Tour>, Glossary) {
        let tours = raft_sim::tour::TOUR_FILE_NAMES
            .iter()
            .map(|name| Tour::from_json(&read(name)).unwrap_or_else(|e| panic!("{name}: {e}")))
            .collect();
        let glossary = Glossary::from_json(&read(raft_sim::glossary::GLOSSARY_FILE_NAME))
            .unwrap_or_else(|e| panic!("the glossary: {e}"));
        (tours, glossary)
    }

    fn small_tour(id: &str, steps: &[&str]) -> Tour {
        let steps: Vec<String> = steps
            .iter()
            .enumerate()
            .map(|(i, text)| {
                let scenario = if i == 0 { r#""builtin": "first-election","# } else { "" };
                format!(r#"{{"title": "s{i}", {scenario} "text": [{}]}}"#, serde_json::to_string(text).expect("text"))
            })
            .collect();
        let json = format!(r#"{{"id": "{id}", "title": "t", "summary": "s", "steps": [{}]}}"#, steps.join(","));
        Tour::from_json(&json).unwrap_or_else(|e| panic!("{e}"))
    }

    fn small_glossary() -> Glossary {
        Glossary::from_json(
            r#"{"terms": [
                {"term": "quorum", "forms": ["quorum", "quorums"], "definition": "Enough servers.", "source": "paper §6", "defined_in": "b/2"},
                {"term": "term", "forms": ["term", "terms"], "definition": "A period.", "source": "000", "defined_in": "a/1"},
                {"term": "lastApplied", "forms": ["lastApplied"], "definition": "Applied.", "source": "000", "unused": true}
            ]}"#,
        )
        .expect("a glossary")
    }

    fn words(text: &StepText) -> Vec<String> {
        text.segments()
            .map(|s| match s {
                Segment::Text(t) => t.clone(),
                Segment::Term { text, gloss } => format!("[{text}:{gloss}]"),
            })
            .collect()
    }

    #[test]
    fn the_first_use_in_a_tour_is_linked_and_uses_before_the_definition_in_every_step() {
        let g = small_glossary();
        let a = small_tour("a", &["A term, then Terms again; a quorum.", "The term and a quorum."]);
        let b = small_tour("b", &["Quorums and terms.", "A quorum is a majority.", "Quorum, term."]);
        let tours = vec![a.clone(), b.clone()];
        let split = |t: &Tour, s: usize| words(&step_text(&tours, t, s, Some(&g)));
        assert_eq!(split(&a, 0), vec!["A ", "[term:0]", ", then Terms again; a ", "[quorum:1]", "."]);
        // "term" is defined at a/1: not linked again in tour a. "quorum" is defined only at b/2.
        assert_eq!(split(&a, 1), vec!["The term and a ", "[quorum:0]", "."]);
        // Tour b links each term's first use again; "quorum" is not linked at its defining step
        // (b/2), where the tour's text explains it, nor after.
        assert_eq!(split(&b, 0), vec!["[Quorums:0]", " and ", "[terms:1]", "."]);
        assert_eq!(split(&b, 1), vec!["A quorum is a majority."]);
        assert_eq!(split(&b, 2), vec!["Quorum, term."]);
        let glosses = step_text(&tours, &a, 0, Some(&g)).glosses;
        assert_eq!(glosses[0].term, "term");
        assert_eq!((glosses[1].definition.as_str(), glosses[1].source.as_str()), ("Enough servers.", "paper §6"));
        // Without a glossary (not fetched yet) the text is plain.
        assert_eq!(words(&step_text(&tours, &a, 0, None)), vec!["A term, then Terms again; a quorum."]);
        assert!(order_problems(&tours, &g, |t, s| step_text(&tours, t, s, Some(&g))).is_empty());
    }

    #[test]
    fn the_order_check_fails_on_unlinked_early_uses_bad_definitions_and_unused_terms() {
        let g = small_glossary();
        let tours = vec![
            small_tour("a", &["A term; a quorum.", "A quorum again."]),
            small_tour("b", &["Nothing here.", "A quorum."]),
        ];
        // A page that links nothing: both early uses of "quorum" are caught (a/1, a/2), and the
        // first use of "term", which is its defining step, is not.
        let unlinked = order_problems(&tours, &g, |t, s| step_text(&tours, t, s, None));
        assert_eq!(
            unlinked,
            vec![
                "a/1 uses \"quorum\" (before b/2) and the page does not link it there".to_string(),
                "a/2 uses \"quorum\" (before b/2) and the page does not link it there".to_string(),
            ]
        );
        // A defining step that does not use its term, or does not exist; a term nobody uses.
        let mut bad = g.clone();
        bad.terms[0].defined_in = Some("b/1".into());
        bad.terms[1].defined_in = Some("c/1".into());
        bad.terms[2].unused = false;
        bad.terms[1].unused = true;
        let problems = order_problems(&tours, &bad, |t, s| step_text(&tours, t, s, Some(&bad)));
        assert_eq!(
            problems,
            vec![
                "\"quorum\" is defined_in b/1, whose text does not use it".to_string(),
                "\"term\" is defined_in c/1: there is no such tour step".to_string(),
                "\"term\" is flagged \"unused\" but a tour uses it: drop the flag".to_string(),
                "no tour uses \"lastApplied\": use it, remove it or flag it \"unused\"".to_string(),
            ]
        );
    }

    #[test]
    fn every_tour_uses_a_glossary_term_only_after_its_definition_or_where_the_page_links_it() {
        let (tours, glossary) = shipped();
        let problems = order_problems(&tours, &glossary, |t, s| step_text(&tours, t, s, Some(&glossary)));
        assert!(problems.is_empty(), "{} problems:\n{}", problems.len(), problems.join("\n"));
        // Linking is on: the first Raft tour's first step links "state machine".
        let rsm = tours.iter().find(|t| t.id == "replicated-state-machines").expect("shipped");
        let first = step_text(&tours, rsm, 0, Some(&glossary));
        assert!(first.glosses.iter().any(|g| g.term == "state machine"), "{:?}", first.glosses);
    }
}
