//! Primary-backup's built-in scenarios: read by the protocols' shared catalogue ([`crate::protocols::builtin`]).
use super::scenario::PbScenario;
use crate::protocols::builtin::{self, Builtin, Described};

impl Described for PbScenario {
    const PROTOCOL: &'static str = crate::scenario::protocol::PRIMARY_BACKUP;
    fn read(text: &str) -> Result<Self, crate::scenario::format::ScenarioError> {
        PbScenario::from_json(text)
    }
    fn name(&self) -> &str {
        &self.name
    }
    fn description(&self) -> &str {
        &self.description
    }
}

/// A built-in with its index title and group.
pub type PbBuiltin = Builtin<PbScenario>;

/// Every built-in of this protocol, in the index's order.
pub fn catalog() -> Vec<PbBuiltin> {
    builtin::catalog()
}

pub fn by_name(name: &str) -> Option<PbScenario> {
    builtin::by_name(name)
}
