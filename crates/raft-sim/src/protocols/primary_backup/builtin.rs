//! Primary-backup's built-in scenarios: the entries of the shared index
//! (`scenarios/index.json`) that name `"protocol": "primary-backup"`, compiled in with the
//! other built-ins (the `embedded-scenarios` feature; the page does not run them yet).
use super::scenario::PbScenario;

/// A built-in with its index title and group.
#[derive(Clone, Debug, PartialEq)]
pub struct PbBuiltin {
    pub title: String,
    pub group: String,
    pub scenario: PbScenario,
}

/// Every flood-consensus built-in, in the index's order (a file that does not parse is left
/// out: a test checks that none is).
#[cfg(feature = "embedded-scenarios")]
pub fn catalog() -> Vec<PbBuiltin> {
    use crate::scenario::builtin::{parse_index, EMBEDDED_FILES, EMBEDDED_INDEX};
    use crate::scenario::protocol::PRIMARY_BACKUP;
    let Ok(index) = parse_index(EMBEDDED_INDEX) else { return Vec::new() };
    index
        .iter()
        .filter(|e| e.protocol == PRIMARY_BACKUP)
        .filter_map(|e| {
            let name = e.file_name();
            let (_, text) = EMBEDDED_FILES.iter().find(|(n, _)| *n == name)?;
            let scenario = PbScenario::from_json(text).ok().filter(|s| s.name == e.id)?;
            Some(PbBuiltin { title: e.title.clone(), group: e.group.clone(), scenario })
        })
        .collect()
}

#[cfg(not(feature = "embedded-scenarios"))]
pub fn catalog() -> Vec<PbBuiltin> {
    Vec::new()
}

pub fn by_name(name: &str) -> Option<PbScenario> {
    catalog().into_iter().find(|b| b.scenario.name == name).map(|b| b.scenario)
}

/// The built-ins' English words by id, as [`crate::scenario::tour_text::builtin_texts`] gives
/// Raft's (`NAME.title`, `NAME.description`, `group.GROUP`), for the translations to cover.
pub fn texts() -> crate::scenario::tour_text::Texts {
    let mut out = crate::scenario::tour_text::Texts::new();
    for b in catalog() {
        out.insert(format!("{}.title", b.scenario.name), b.title.clone());
        if !b.scenario.description.is_empty() {
            out.insert(format!("{}.description", b.scenario.name), b.scenario.description.clone());
        }
        out.insert(format!("group.{}", b.group), b.group.clone());
    }
    out
}
