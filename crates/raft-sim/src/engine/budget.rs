//! How much a run may do and keep: a budget of events and an estimate of the memory the run
//! holds, both counted by the simulator itself. Wall-clock time and the process's real memory
//! are never looked at: a run must stop at the same event natively and in wasm, on a fast
//! machine and a loaded one, so that a shared run replays exactly.
//!
//! The estimate counts what grows with a run (the client history, each server's log in memory
//! and on its simulated disk, the checker's per-index records, messages in flight, the trace
//! when recorded, milestones) at fixed per-item sizes. The sizes are those of a 64-bit build
//! with the workload's short keys and values, written out as constants (not `size_of`) so that
//! wasm32 counts the same.
use serde::Serialize;
use std::fmt;

/// A log entry holding a client command (in a server's log, on its disk, or in a message).
pub const ENTRY_BYTES: u64 = 176;
/// One operation of the client history.
pub const HISTORY_OP_BYTES: u64 = 176;
/// One recorded trace event (with its text).
pub const TRACE_EVENT_BYTES: u64 = 160;
/// A message in flight (without the entries it carries), with its place in the queue.
pub const MESSAGE_BYTES: u64 = 224;
/// Any other queued event (timers, client wake-ups).
pub const QUEUED_BYTES: u64 = 48;
/// A milestone, an operator action, a refusal.
pub const RECORD_BYTES: u64 = 96;
/// The invariant checker's records for one committed log index (the prefix fingerprints seen
/// there, the committed and applied entry, the reference state after it).
pub const CHECKER_INDEX_BYTES: u64 = 128;
/// The checker's shadow of one server's log, per entry.
pub const SHADOW_ENTRY_BYTES: u64 = 16;
/// One key (or client session) of a server's key-value store.
pub const KV_ITEM_BYTES: u64 = 112;

/// What a run may use before it is stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Budget {
    /// Stop after this many events.
    pub max_events: u64,
    /// Stop once the estimated memory the run holds exceeds this many bytes.
    pub max_bytes: u64,
}

/// The events every run may process (`raftsim run --max-events` changes it).
pub const DEFAULT_MAX_EVENTS: u64 = 200_000_000;
/// The memory every run may hold, estimated (`raftsim run --memory-budget-mb` changes it).
/// A run stopped there peaks at about 0.7 GB of real memory, its report included.
pub const DEFAULT_MAX_BYTES: u64 = 512 << 20;

impl Default for Budget {
    fn default() -> Self {
        Budget { max_events: DEFAULT_MAX_EVENTS, max_bytes: DEFAULT_MAX_BYTES }
    }
}

/// The budget is checked after every this many events (and at the event budget itself):
/// estimating costs a few dozen additions, so checking after every event would be waste.
pub const CHECK_EVERY: u64 = 1024;

/// Why a run stopped before the end it was asked to reach.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Stopped {
    /// It processed its budget of events.
    MaxEvents,
    /// The memory it holds (estimated) reached its budget.
    MemoryBudget,
}

impl Stopped {
    pub fn name(self) -> &'static str {
        match self {
            Stopped::MaxEvents => "max-events",
            Stopped::MemoryBudget => "memory-budget",
        }
    }
}

impl fmt::Display for Stopped {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The estimated memory a run holds, by part.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Footprint {
    /// Client operations recorded.
    pub history_ops: u64,
    /// Log entries held by the servers, in memory and on their disks, summed.
    pub log_entries: u64,
    /// Messages in flight, and the entries they carry.
    pub messages: u64,
    pub message_entries: u64,
    /// Trace events recorded (`--trace`, tests).
    pub trace_events: u64,
    /// Bytes of everything, estimated.
    pub bytes: u64,
}

impl Footprint {
    pub fn mib(&self) -> f64 {
        self.bytes as f64 / (1 << 20) as f64
    }
}

/// Where and why a run stopped early, in words: what `raftsim` prints and the page shows.
pub fn explain(stopped: Stopped, budget: &Budget, footprint: &Footprint, at_us: u64, events: u64) -> String {
    let at = format!("{:.1} ms", at_us as f64 / 1000.0);
    match stopped {
        Stopped::MaxEvents => {
            format!("stopped after {events} events at {at}: the run's budget is {} events", budget.max_events)
        }
        Stopped::MemoryBudget => format!(
            "stopped at {at} (event {events}): the run holds about {:.0} MiB (estimated: {} client operations, \
             {} log entries across the servers' logs and disks, {} messages in flight), over its memory budget \
             of {} MiB. Log compaction (raft.snapshot_threshold), fewer clients or a longer workload interval let \
             a run go further",
            footprint.mib(),
            footprint.history_ops,
            footprint.log_entries,
            footprint.messages,
            budget.max_bytes >> 20
        ),
    }
}
