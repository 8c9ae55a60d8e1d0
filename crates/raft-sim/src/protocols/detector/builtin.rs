//! The failure detector's built-in scenarios: read by the protocols' shared catalogue
//! ([`crate::protocols::builtin`]).
use super::scenario::FdScenario;
use crate::protocols::builtin::{self, Builtin, Described};

impl Described for FdScenario {
    const PROTOCOL: &'static str = crate::scenario::protocol::FAILURE_DETECTOR;
    fn read(text: &str) -> Result<Self, crate::scenario::format::ScenarioError> {
        FdScenario::from_json(text)
    }
    fn name(&self) -> &str {
        &self.name
    }
    fn description(&self) -> &str {
        &self.description
    }
}

/// A built-in with its index title and group.
pub type FdBuiltin = Builtin<FdScenario>;

/// Every built-in of this protocol, in the index's order.
pub fn catalog() -> Vec<FdBuiltin> {
    builtin::catalog()
}

pub fn by_name(name: &str) -> Option<FdScenario> {
    builtin::by_name(name)
}
