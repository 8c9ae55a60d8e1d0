//! The Two Generals' built-in scenarios: read by the protocols' shared catalogue ([`crate::protocols::builtin`]).
use super::scenario::GeneralsScenario;
use crate::protocols::builtin::{self, Builtin, Described};

impl Described for GeneralsScenario {
    const PROTOCOL: &'static str = crate::scenario::protocol::TWO_GENERALS;
    fn read(text: &str) -> Result<Self, crate::scenario::format::ScenarioError> {
        GeneralsScenario::from_json(text)
    }
    fn name(&self) -> &str {
        &self.name
    }
    fn description(&self) -> &str {
        &self.description
    }
}

/// A built-in with its index title and group.
pub type GeneralsBuiltin = Builtin<GeneralsScenario>;

/// Every built-in of this protocol, in the index's order.
pub fn catalog() -> Vec<GeneralsBuiltin> {
    builtin::catalog()
}

pub fn by_name(name: &str) -> Option<GeneralsScenario> {
    builtin::by_name(name)
}
