//! Primary-backup's messages: the client's writes and their answers, the primary's forwards
//! and heartbeats with the backups' acknowledgements, the test-and-set on the arbitration
//! server (CFG), and the winner's word to the other backups.
use crate::engine::hash::StableHash;
use crate::engine::kernel::Wire;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PbMessage {
    /// Client to server: write `value` (write `id`, the same on every retry).
    Write { id: u64, value: String },
    /// Server to client: the write is committed (the commit point).
    Ack { id: u64 },
    /// Server to client: I am not the primary (and whom I follow, if anyone).
    NotPrimary { id: u64, hint: Option<u32> },
    /// Primary to backup: apply this write.
    Forward { id: u64, value: String },
    /// Backup to primary: applied.
    ForwardAck { id: u64 },
    /// Primary to backup: I am alive.
    Heartbeat,
    /// Backup to primary: so am I.
    HeartbeatAck,
    /// Server to CFG: `test_and_set(f, 1)`.
    TestAndSet,
    /// CFG to server: whether this call set f (it was 0).
    TestAndSetReply { won: bool },
    /// A backup that won the test-and-set, to the other backups: I am the primary now; here is
    /// my state (its writes, in order), which yours becomes. Only with more than one backup.
    NewPrimary { log: Vec<(u64, String)> },
}

impl PbMessage {
    fn kind(&self) -> u64 {
        match self {
            PbMessage::Write { .. } => 1,
            PbMessage::Ack { .. } => 2,
            PbMessage::NotPrimary { .. } => 3,
            PbMessage::Forward { .. } => 4,
            PbMessage::ForwardAck { .. } => 5,
            PbMessage::Heartbeat => 6,
            PbMessage::HeartbeatAck => 7,
            PbMessage::TestAndSet => 8,
            PbMessage::TestAndSetReply { .. } => 11,
            PbMessage::NewPrimary { .. } => 12,
        }
    }
}

impl Wire for PbMessage {
    /// The kind (clear of the kernel's own codes, 9 and 10).
    fn code(&self) -> u64 {
        self.kind()
    }
    fn digest(&self, h: &mut StableHash) {
        h.word(self.kind());
        match self {
            PbMessage::Write { id, value } | PbMessage::Forward { id, value } => {
                h.word(*id).str(value);
            }
            PbMessage::Ack { id } | PbMessage::ForwardAck { id } => {
                h.word(*id);
            }
            PbMessage::NotPrimary { id, hint } => {
                h.word(*id).word(hint.map_or(0, u64::from));
            }
            PbMessage::TestAndSetReply { won } => {
                h.word(*won as u64);
            }
            PbMessage::NewPrimary { log } => {
                h.word(log.len() as u64);
                for (id, value) in log {
                    h.word(*id).str(value);
                }
            }
            PbMessage::Heartbeat | PbMessage::HeartbeatAck | PbMessage::TestAndSet => {}
        }
    }
    fn carried(&self) -> (u64, u64) {
        match self {
            PbMessage::Write { value, .. } | PbMessage::Forward { value, .. } => (1, value.len() as u64),
            PbMessage::NewPrimary { log } => (log.len() as u64, log.iter().map(|(_, v)| v.len() as u64).sum()),
            _ => (0, 0),
        }
    }
}
