//! Chain replication's messages: the client's writes (to the head) and reads (to the tail)
//! and their answers, the writes forwarded down the chain with the acknowledgements flowing
//! back up from the tail, and the configuration service's (CFG) new neighbours for a server
//! and new head and tail for the client.
use crate::engine::hash::StableHash;
use crate::engine::kernel::Wire;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ChainMessage {
    /// Client to the head: write `value` (request `id`, the same on every retry).
    Write { id: u64, value: String },
    /// Client to the tail: read.
    Read { id: u64 },
    /// To the client: write `id` is committed (the tail has it; the commit point).
    Reply { id: u64 },
    /// The tail to the client: the answer to read `id` is the state after the first `len`
    /// writes of the chain's history.
    ReadReply { id: u64, len: u64 },
    /// A server to its successor: apply the `seq`-th write of the history (request `id`).
    Forward { seq: u64, id: u64, value: String },
    /// A server to its predecessor: the tail has every write up to `seq` (so it can leave
    /// the list of writes sent but not acknowledged).
    Ack { seq: u64 },
    /// CFG to a server: your predecessor and successor now (0: none; you are the head / tail).
    Neighbours { pred: u32, succ: u32 },
    /// CFG to the client: send writes to `head`, reads to `tail`.
    Config { head: u32, tail: u32 },
}

impl ChainMessage {
    fn kind(&self) -> u64 {
        match self {
            ChainMessage::Write { .. } => 1,
            ChainMessage::Read { .. } => 2,
            ChainMessage::Reply { .. } => 3,
            ChainMessage::ReadReply { .. } => 4,
            ChainMessage::Forward { .. } => 5,
            ChainMessage::Ack { .. } => 6,
            ChainMessage::Neighbours { .. } => 7,
            ChainMessage::Config { .. } => 8,
        }
    }
}

impl Wire for ChainMessage {
    /// The kind (clear of the kernel's own codes, 9 and 10).
    fn code(&self) -> u64 {
        self.kind()
    }
    fn digest(&self, h: &mut StableHash) {
        h.word(self.kind());
        match self {
            ChainMessage::Write { id, value } => {
                h.word(*id).str(value);
            }
            ChainMessage::Read { id } | ChainMessage::Reply { id } => {
                h.word(*id);
            }
            ChainMessage::ReadReply { id, len } => {
                h.word(*id).word(*len);
            }
            ChainMessage::Forward { seq, id, value } => {
                h.word(*seq).word(*id).str(value);
            }
            ChainMessage::Ack { seq } => {
                h.word(*seq);
            }
            ChainMessage::Neighbours { pred, succ } => {
                h.word(*pred as u64).word(*succ as u64);
            }
            ChainMessage::Config { head, tail } => {
                h.word(*head as u64).word(*tail as u64);
            }
        }
    }
    fn carried(&self) -> (u64, u64) {
        match self {
            ChainMessage::Write { value, .. } | ChainMessage::Forward { value, .. } => (1, value.len() as u64),
            _ => (0, 0),
        }
    }
}
