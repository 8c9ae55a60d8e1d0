//! The one message of the Two Generals' protocol: a messenger crossing the valley. Messenger 1
//! is General A1's proposal ("Attack at 09:00 on August 4"); messenger n > 1 is the
//! acknowledgement of messenger n - 1, sent back by the general who received it.
use crate::engine::hash::StableHash;
use crate::engine::kernel::Wire;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Messenger {
    /// Its place in the exchange, from 1 (the proposal).
    pub number: u32,
    /// The attack time A1 proposed, carried by every messenger.
    pub attack_time: String,
}

/// The message's kind in the trace hash (clear of the kernel's own codes, 9 and 10).
const KIND_MESSENGER: u64 = 1;

impl Wire for Messenger {
    fn code(&self) -> u64 {
        KIND_MESSENGER + 16 * self.number as u64
    }
    fn digest(&self, h: &mut StableHash) {
        h.word(KIND_MESSENGER).word(self.number as u64).str(&self.attack_time);
    }
    fn carried(&self) -> (u64, u64) {
        (1, self.attack_time.len() as u64)
    }
}
