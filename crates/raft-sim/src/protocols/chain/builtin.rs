//! Chain replication's built-in scenarios: read by the protocols' shared catalogue ([`crate::protocols::builtin`]).
use super::scenario::ChainScenario;
use crate::protocols::builtin::{self, Builtin, Described};

impl Described for ChainScenario {
    const PROTOCOL: &'static str = crate::scenario::protocol::CHAIN_REPLICATION;
    fn read(text: &str) -> Result<Self, crate::scenario::format::ScenarioError> {
        ChainScenario::from_json(text)
    }
    fn name(&self) -> &str {
        &self.name
    }
    fn description(&self) -> &str {
        &self.description
    }
}

/// A built-in with its index title and group.
pub type ChainBuiltin = Builtin<ChainScenario>;

/// Every built-in of this protocol, in the index's order.
pub fn catalog() -> Vec<ChainBuiltin> {
    builtin::catalog()
}

pub fn by_name(name: &str) -> Option<ChainScenario> {
    builtin::by_name(name)
}
