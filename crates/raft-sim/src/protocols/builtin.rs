//! The built-in scenarios of the protocols other than Raft: the entries of the shared index
//! (`scenarios/index.json`) that name the protocol in `"protocol"`, compiled in with Raft's
//! (the `embedded-scenarios` feature; the page does not run them yet). One reader for every
//! protocol: each says only how its scenario is read and named ([`Described`]).

/// What the built-in catalogue needs of a protocol's scenario.
pub trait Described: Sized {
    /// The `"protocol"` its index entries name (`crate::scenario::protocol`).
    const PROTOCOL: &'static str;
    /// The scenario read and validated from a file's text (its reader's refusal names the field).
    fn read(text: &str) -> Result<Self, crate::scenario::format::ScenarioError>;
    fn name(&self) -> &str;
    fn description(&self) -> &str;
}

/// A built-in with its index title and group.
#[derive(Clone, Debug, PartialEq)]
pub struct Builtin<S> {
    pub title: String,
    pub group: String,
    pub scenario: S,
}

/// Every built-in of `S`'s protocol, in the index's order (a file that does not parse, or whose
/// name is not its id, is left out: each protocol's tests check that none is).
#[cfg(feature = "embedded-scenarios")]
pub fn catalog<S: Described>() -> Vec<Builtin<S>> {
    use crate::scenario::builtin::{parse_index, EMBEDDED_FILES, EMBEDDED_INDEX};
    let Ok(index) = parse_index(EMBEDDED_INDEX) else { return Vec::new() };
    index
        .iter()
        .filter(|e| e.protocol == S::PROTOCOL)
        .filter_map(|e| {
            let name = e.file_name();
            let (_, text) = EMBEDDED_FILES.iter().find(|(n, _)| *n == name)?;
            let scenario = S::read(text).ok().filter(|s| s.name() == e.id)?;
            Some(Builtin { title: e.title.clone(), group: e.group.clone(), scenario })
        })
        .collect()
}

#[cfg(not(feature = "embedded-scenarios"))]
pub fn catalog<S: Described>() -> Vec<Builtin<S>> {
    Vec::new()
}

/// The built-in of `S`'s protocol named `name`.
pub fn by_name<S: Described>(name: &str) -> Option<S> {
    catalog::<S>().into_iter().find(|b| b.scenario.name() == name).map(|b| b.scenario)
}

/// The built-ins' English words by id, as [`crate::scenario::tour_text::builtin_texts`] gives
/// Raft's (`NAME.title`, `NAME.description`, `group.GROUP`), for the translations to cover.
pub fn texts<S: Described>() -> crate::scenario::tour_text::Texts {
    let mut out = crate::scenario::tour_text::Texts::new();
    for b in catalog::<S>() {
        out.insert(format!("{}.title", b.scenario.name()), b.title.clone());
        if !b.scenario.description().is_empty() {
            out.insert(format!("{}.description", b.scenario.name()), b.scenario.description().to_string());
        }
        out.insert(format!("group.{}", b.group), b.group.clone());
    }
    out
}
