//! What a leader knows about each follower, and everything else only a leader has.
//!
//! Figure 2, volatile state on leaders (reinitialised after election):
//! - nextIndex[]: for each server, index of the next log entry to send to that server
//!   (initialised to leader last log index + 1);
//! - matchIndex[]: for each server, index of the highest log entry known to be replicated on
//!   server (initialised to 0, increases monotonically).
//!
//! Each follower's pair lives in a [`Progress`] with the rest of what the leader tracks for it
//! (the idea of etcd-io/raft's `tracker/progress.go`): how it sends to the follower (probing,
//! pipelining, or sending a snapshot) and what it last heard from it. All of it sits in a
//! [`LeaderState`] that exists only while the node leads, so stepping down drops it at once.
use crate::disruption::Transfer;
use crate::membership::PendingChange;
use crate::reads::Lease;
use crate::snapshot::SnapshotTransfer;
use crate::types::{ClientId, Index, Micros, NodeId};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// How the leader is sending to one follower.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ProgressState {
    /// The follower's log is not known to match: one AppendEntries at a time (a lagging
    /// follower never has a growing pile of duplicate requests in flight), nextIndex backing
    /// up on each rejection. Every follower starts here.
    #[default]
    Probe,
    /// The follower's log is known to match (an AppendEntries succeeded): each entry is sent
    /// once, nextIndex moving past it as it goes out (pipelining). A rejection (a lost message)
    /// goes back to probing.
    Replicate,
    /// The follower needs entries the leader has compacted: it is sent the snapshot, chunk by
    /// chunk, until it answers that it installed it (then it is probed again).
    Snapshot,
}

/// The leader's view of one follower.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Progress {
    /// matchIndex: the highest entry known to be replicated on the follower. Only moves forward.
    pub match_index: Index,
    /// nextIndex: the next entry to send it.
    pub next_index: Index,
    /// How the leader is sending to it.
    pub state: ProgressState,
    /// Lease and ReadIndex reads (reads.rs): the highest heartbeat round it acknowledged in
    /// this term.
    pub acked_round: u64,
    /// CheckQuorum (disruption.rs): whether it was heard from in the current window.
    pub recent_active: bool,
    /// The snapshot transfer to it, once one started. It stays when the follower catches up
    /// another way, so one that needs the same snapshot again resumes where it was.
    pub snapshot: Option<SnapshotTransfer>,
}

impl Progress {
    /// A follower as a new leader (or a server new to the configuration) first sees it:
    /// nextIndex = `next`, matchIndex = 0, probing, nothing heard.
    pub(crate) fn new(next_index: Index) -> Progress {
        Progress {
            match_index: 0,
            next_index,
            state: ProgressState::Probe,
            acked_round: 0,
            recent_active: false,
            snapshot: None,
        }
    }
}

/// Everything only a leader has. `RaftNode::leader` is `Some` exactly while the role is
/// `Leader`; stepping down sets it to `None`, which drops all of it at once.
#[derive(Clone, Debug, Default)]
pub(crate) struct LeaderState {
    /// Every other server of the configuration in force, in id order.
    pub(crate) progress: BTreeMap<NodeId, Progress>,
    /// Client commands this leader appended and must answer once applied.
    pub(crate) pending: BTreeSet<(ClientId, u64)>,
    /// The membership change it is carrying out (membership.rs).
    pub(crate) membership_change: Option<PendingChange>,
    /// When the next heartbeat round is due.
    pub(crate) heartbeat_deadline: Micros,
    /// CheckQuorum (disruption.rs): when the current window ends. Who was heard from in it is
    /// each follower's `Progress::recent_active`.
    pub(crate) quorum_deadline: Micros,
    /// The leadership transfer in progress (disruption.rs).
    pub(crate) transfer: Option<Transfer>,
    /// Lease reads (reads.rs): when recent rounds started, the lease they earned.
    pub(crate) lease: Lease,
}

impl LeaderState {
    /// A new leader whose last log index is `last_index`, elected at `now`: every peer at
    /// nextIndex = last_index + 1, matchIndex = 0, nothing heard yet; the first heartbeat
    /// round due `heartbeat_interval` from now and the first CheckQuorum window ending
    /// `quorum_window` from now; no transfer, no lease.
    pub(crate) fn new(
        peers: impl Iterator<Item = NodeId>,
        last_index: Index,
        now: Micros,
        heartbeat_interval: Micros,
        quorum_window: Micros,
    ) -> LeaderState {
        LeaderState {
            progress: crate::ordered::map_of(peers.map(|p| (p, Progress::new(last_index + 1)))),
            pending: BTreeSet::new(),
            membership_change: None,
            heartbeat_deadline: now + heartbeat_interval,
            quorum_deadline: now + quorum_window,
            transfer: None,
            lease: Lease::default(),
        }
    }
}
