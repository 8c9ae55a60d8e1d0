//! What a protocol's check says when it breaks, and the few of its picture's values that are
//! words, as an id and named values ([`Said`]) rather than an English sentence, so the page can
//! say it in the reader's language: its catalogues word `proto.check.ID` with the same `{name}`
//! placeholders (crates/playground/src/model/course.rs).
//!
//! The English templates are written once, here, in each protocol's table ([`TEMPLATES`]):
//! [`Said::english`] renders them for the command line (`raftsim run`, `check --scenario`,
//! the JSON reports, where a `Said` serializes as its English sentence), and a test of the page
//! fails if its English catalogue words an id differently, so the two cannot drift apart.
//! Values are data, written the same in every language: numbers, names (P1, S2, A1), commands,
//! amounts. A word that varies with the run (a snapshot's "counted twice" or "not recorded")
//! is a template of its own, never a value.
use serde::{Serialize, Serializer};
use std::fmt;

/// An id of [`TEMPLATES`] and its values.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Said {
    pub id: &'static str,
    pub values: Vec<(&'static str, String)>,
}

impl Said {
    pub fn new<const N: usize>(id: &'static str, values: [(&'static str, String); N]) -> Said {
        Said { id, values: values.into() }
    }

    /// The sentence in English: its template with each `{name}` filled.
    pub fn english(&self) -> String {
        let values: Vec<(&str, &str)> = self.values.iter().map(|(k, v)| (*k, v.as_str())).collect();
        // Every id is made by this crate from its own tables (a test checks each built-in's);
        // one not found is written as its id, never a panic.
        fill(template(self.id).unwrap_or(self.id), &values)
    }
}

impl fmt::Display for Said {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.english())
    }
}

/// As its English sentence: the reports' JSON reads as it did when details were strings.
impl Serialize for Said {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.english())
    }
}

/// Every protocol's templates: (id, English). The page's catalogue id is `proto.check.ID`.
pub const TEMPLATES: [&[(&str, &str)]; 6] = [
    super::flood::checks::SAID,
    super::generals::checks::SAID,
    super::primary_backup::checks::SAID,
    super::snapshot::checks::SAID,
    super::chain::checks::SAID,
    super::detector::checks::SAID,
];

/// The facts' values and messages' labels that are words (`view::Fact::said`,
/// `view::View::said`): (id, English). The page's catalogue
/// id is `proto.value.ID`.
pub const VALUES: &[(&str, &str)] = &[
    ("flood.detector-perfect", "perfect"),
    ("flood.detector-timeout", "timeout"),
    ("flood.decision", "{command} (round {round})"),
    ("chain.layout-chain", "chain"),
    ("chain.layout-early-ack", "chain, early ack"),
    ("chain.layout-primary-backup", "primary-backup"),
    ("chain.read-reply", "#{id}: {len} writes"),
    ("pb.test-and-set-won", "won"),
    ("pb.test-and-set-lost", "lost"),
];

/// The English template of `id`.
pub fn template(id: &str) -> Option<&'static str> {
    TEMPLATES.iter().flat_map(|t| t.iter()).chain(VALUES).find(|(k, _)| *k == id).map(|(_, v)| *v)
}

/// `text` with each `{name}` replaced by its value (a `{` that names no value is left as it
/// is): the page's `text::fill`, so a template reads the same rendered here or there.
pub fn fill(text: &str, values: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let named =
            after.find('}').and_then(|close| Some((close, values.iter().find(|(n, _)| *n == &after[..close])?.1)));
        match named {
            Some((close, value)) => {
                out.push_str(value);
                rest = &after[close + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::tour_text::placeholders;
    use std::collections::BTreeSet;

    #[test]
    fn ids_are_unique_and_every_said_fills_every_placeholder() {
        let mut seen = BTreeSet::new();
        for (id, text) in TEMPLATES.iter().flat_map(|t| t.iter()).chain(VALUES) {
            assert!(seen.insert(*id), "{id} twice");
            assert!(!placeholders(text).is_empty() || !text.contains('{'), "{id}: {text}");
        }
        let s =
            Said::new("flood.agreement", [("p", "2".into()), ("a", "a".into()), ("q", "3".into()), ("b", "b".into())]);
        assert_eq!(s.english(), "P2 decided a but P3 decided b");
        assert_eq!(serde_json::to_string(&s).expect("json"), "\"P2 decided a but P3 decided b\"");
        assert_eq!(Said::new("no-such-id", []).english(), "no-such-id");
    }
}
