//! The Chandy–Lamport built-in scenarios: read by the protocols' shared catalogue ([`crate::protocols::builtin`]).
use super::scenario::ClScenario;
use crate::protocols::builtin::{self, Builtin, Described};

impl Described for ClScenario {
    const PROTOCOL: &'static str = crate::scenario::protocol::CHANDY_LAMPORT;
    fn read(text: &str) -> Option<Self> {
        ClScenario::from_json(text).ok()
    }
    fn name(&self) -> &str {
        &self.name
    }
    fn description(&self) -> &str {
        &self.description
    }
}

/// A built-in with its index title and group.
pub type ClBuiltin = Builtin<ClScenario>;

/// Every built-in of this protocol, in the index's order.
pub fn catalog() -> Vec<ClBuiltin> {
    builtin::catalog()
}

pub fn by_name(name: &str) -> Option<ClScenario> {
    builtin::by_name(name)
}

/// The built-ins' English words by id, for the translations to cover.
pub fn texts() -> crate::scenario::tour_text::Texts {
    builtin::texts::<ClScenario>()
}
