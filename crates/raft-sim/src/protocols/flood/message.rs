//! The one message of flood-based consensus: in round r, P_i multicasts its known set of
//! commands C_i^r to all others.
use crate::engine::hash::StableHash;
use crate::engine::kernel::Wire;
use std::collections::BTreeSet;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Known {
    /// The round the sender was in when it multicast.
    pub round: u32,
    /// C_i^r: every command the sender knew at the start of the round.
    pub commands: BTreeSet<String>,
}

/// The message's kind in the trace hash (clear of the kernel's own codes, 9 and 10).
const KIND_KNOWN: u64 = 1;

impl Wire for Known {
    fn code(&self) -> u64 {
        KIND_KNOWN + 16 * self.round as u64
    }
    fn digest(&self, h: &mut StableHash) {
        h.word(KIND_KNOWN).word(self.round as u64).word(self.commands.len() as u64);
        for c in &self.commands {
            h.str(c);
        }
    }
    fn carried(&self) -> (u64, u64) {
        (self.commands.len() as u64, self.commands.iter().map(|c| c.len() as u64).sum())
    }
}
