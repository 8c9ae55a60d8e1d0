//! The failure detector's one message: a heartbeat ("I am alive"), numbered per sender.
use crate::engine::hash::StableHash;
use crate::engine::kernel::Wire;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Heartbeat {
    /// The sender's count of heartbeat rounds (1, 2, …).
    pub seq: u64,
}

/// The heartbeat's code in the trace hash (clear of the kernel's own codes, 9 and 10).
const CODE_HEARTBEAT: u64 = 1;

impl Wire for Heartbeat {
    fn code(&self) -> u64 {
        CODE_HEARTBEAT
    }
    fn digest(&self, h: &mut StableHash) {
        h.word(CODE_HEARTBEAT).word(self.seq);
    }
}
