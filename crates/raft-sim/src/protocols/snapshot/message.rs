//! The messages on a Chandy–Lamport run's channels: the bank's transfers (the application's
//! messages, carrying money) and the snapshot's **Marker** (the notes' Definition 1.3), its own
//! kind so that the stage can draw it apart from the money.
use crate::engine::hash::StableHash;
use crate::engine::kernel::Wire;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClMessage {
    /// `amount` leaves the sender's balance when sent and joins the receiver's on arrival.
    /// `id` numbers the transfers of the run from 1, for the checks and the report.
    Transfer { id: u64, amount: u64 },
    /// The snapshot's marker: it separates, on its channel, the messages sent before the
    /// sender recorded its state from those sent after.
    Marker,
}

/// The messages' kinds in the trace hash (clear of the kernel's own codes, 9 and 10).
const KIND_TRANSFER: u64 = 1;
const KIND_MARKER: u64 = 2;

impl Wire for ClMessage {
    fn code(&self) -> u64 {
        match self {
            ClMessage::Transfer { .. } => KIND_TRANSFER,
            ClMessage::Marker => KIND_MARKER,
        }
    }
    fn digest(&self, h: &mut StableHash) {
        match *self {
            ClMessage::Transfer { id, amount } => h.word(KIND_TRANSFER).word(id).word(amount),
            ClMessage::Marker => h.word(KIND_MARKER),
        };
    }
}
