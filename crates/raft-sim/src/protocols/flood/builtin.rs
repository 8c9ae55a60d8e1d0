//! Flood consensus's built-in scenarios: read by the protocols' shared catalogue ([`crate::protocols::builtin`]).
use super::scenario::FloodScenario;
use crate::protocols::builtin::{self, Builtin, Described};

impl Described for FloodScenario {
    const PROTOCOL: &'static str = crate::scenario::protocol::FLOOD_CONSENSUS;
    fn read(text: &str) -> Result<Self, crate::scenario::format::ScenarioError> {
        FloodScenario::from_json(text)
    }
    fn name(&self) -> &str {
        &self.name
    }
    fn description(&self) -> &str {
        &self.description
    }
}

/// A built-in with its index title and group.
pub type FloodBuiltin = Builtin<FloodScenario>;

/// Every built-in of this protocol, in the index's order.
pub fn catalog() -> Vec<FloodBuiltin> {
    builtin::catalog()
}

pub fn by_name(name: &str) -> Option<FloodScenario> {
    builtin::by_name(name)
}
