//! The Chandy–Lamport built-in scenarios: read by the protocols' shared catalogue ([`crate::protocols::builtin`]).
use super::scenario::ClScenario;
use crate::protocols::builtin::{self, Builtin, Described};

impl Described for ClScenario {
    const PROTOCOL: &'static str = crate::scenario::protocol::CHANDY_LAMPORT;
    fn read(text: &str) -> Result<Self, crate::scenario::format::ScenarioError> {
        ClScenario::from_json(text)
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
