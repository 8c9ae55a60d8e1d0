//! Log compaction and the InstallSnapshot RPC (§7 of the paper, Figure 13).
//!
//! Each server snapshots on its own: once its log holds more than `snapshot_threshold`
//! entries, it writes its state machine (as of lastApplied) into a snapshot and drops the log
//! entries the snapshot replaces. Only applied entries — committed ones — are compacted. When a
//! follower needs an entry the leader has compacted (nextIndex ≤ the leader's snapshot index),
//! the leader sends its snapshot instead, in chunks, with InstallSnapshot.
use crate::membership::Configuration;
use crate::message::{AppendEntries, InstallSnapshot, InstallSnapshotReply, Message};
use crate::node::{RaftNode, Role};
use crate::progress::{Progress, ProgressState};
use crate::state_machine::KvStore;
use crate::types::{Entry, EntryPayload, Index, Micros, NodeId, Term};
use crate::Entropy;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

/// What a snapshot holds: the last entry it replaces, the cluster configuration as of that
/// entry, and the state machine (key-value data and client sessions).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Snapshot {
    /// The index of the last entry the snapshot replaces.
    pub last_included_index: Index,
    /// That entry's term.
    pub last_included_term: Term,
    /// The cluster configuration in force as of lastIncludedIndex (receiver rule 8: "load
    /// snapshot's cluster configuration"), and the index of the entry that set it (0: the
    /// configuration the cluster booted with).
    pub configuration: Configuration,
    /// See `configuration`.
    pub configuration_index: Index,
    /// The state machine: key-value data and client sessions (so retried commands are still
    /// recognised after the entries that applied them are gone).
    pub kv: KvStore,
}

impl Snapshot {
    /// The snapshot file: JSON, and deterministic because every map in it is a BTreeMap.
    pub fn to_bytes(&self) -> Result<Vec<u8>, SnapshotEncodeError> {
        serde_json::to_vec(self).map_err(SnapshotEncodeError)
    }

    /// Read a snapshot file, saying why if the bytes are not one.
    pub fn from_bytes(bytes: &[u8]) -> Result<Snapshot, SnapshotDecodeError> {
        // Through `from_str`, the reader every other document uses: the page then carries one
        // JSON parser, not a second one for byte slices.
        let text = std::str::from_utf8(bytes).map_err(SnapshotDecodeError::NotUtf8)?;
        serde_json::from_str(text).map_err(SnapshotDecodeError::NotASnapshot)
    }
}

/// Bytes that are not a snapshot file (a follower that assembles one from chunks starts the
/// transfer over).
#[derive(Debug)]
pub enum SnapshotDecodeError {
    /// The bytes are not UTF-8 text.
    NotUtf8(std::str::Utf8Error),
    /// The text is not a snapshot's JSON.
    NotASnapshot(serde_json::Error),
}

impl fmt::Display for SnapshotDecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SnapshotDecodeError::NotUtf8(e) => write!(f, "the snapshot file is not UTF-8 text: {e}"),
            SnapshotDecodeError::NotASnapshot(e) => write!(f, "the snapshot file is not a snapshot: {e}"),
        }
    }
}

impl std::error::Error for SnapshotDecodeError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            SnapshotDecodeError::NotUtf8(e) => Some(e),
            SnapshotDecodeError::NotASnapshot(e) => Some(e),
        }
    }
}

/// A snapshot that could not be written as bytes. Every field serialises today (string keys,
/// plain numbers), so this is for a future field that does not: the leader then sends no
/// snapshot rather than an empty file a follower would reject forever.
#[derive(Debug)]
pub struct SnapshotEncodeError(serde_json::Error);

impl fmt::Display for SnapshotEncodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the snapshot could not be encoded: {}", self.0)
    }
}

impl std::error::Error for SnapshotEncodeError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.0)
    }
}

/// A snapshot being received, chunk by chunk (the "snapshot file" of Figure 13). Volatile:
/// a follower that restarts mid-transfer starts over.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PartialSnapshot {
    /// The snapshot's lastIncludedIndex.
    pub last_included_index: Index,
    /// The snapshot's lastIncludedTerm.
    pub last_included_term: Term,
    /// The bytes received so far.
    pub data: Vec<u8>,
}

/// A leader's transfer of one snapshot to one follower: one chunk at a time, the chunk at
/// `offset` being the one awaiting an answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SnapshotTransfer {
    /// The leader's term when the transfer started (a new term starts over).
    pub term: Term,
    /// The snapshot's lastIncludedIndex.
    pub last_included_index: Index,
    /// The snapshot's lastIncludedTerm.
    pub last_included_term: Term,
    /// The snapshot file being sent. The leader may take newer snapshots meanwhile; the
    /// transfer finishes with this one, or a busy leader could never finish any.
    pub data: Arc<Vec<u8>>,
    /// Where the chunk awaiting an answer starts.
    pub offset: u64,
}

/// A node's snapshot state, in one field of [`RaftNode`].
#[derive(Clone, Debug, Default)]
pub(crate) struct SnapshotState {
    /// The latest snapshot (taken or installed); the log starts after it.
    pub current: Option<Arc<Snapshot>>,
    /// `current` as bytes, made when first needed.
    pub bytes: Option<Arc<Vec<u8>>>,
    /// Followers: the snapshot being received.
    pub incoming: Option<PartialSnapshot>,
}

impl RaftNode {
    /// The latest snapshot this server took or installed, if any.
    pub fn snapshot(&self) -> Option<&Snapshot> {
        self.snap.current.as_deref()
    }

    /// Followers: the snapshot being received, if a transfer is under way.
    pub fn incoming_snapshot(&self) -> Option<&PartialSnapshot> {
        self.snap.incoming.as_ref()
    }

    /// Leaders: snapshot transfers in progress, by follower.
    pub fn snapshot_transfers(&self) -> BTreeMap<NodeId, SnapshotTransfer> {
        crate::ordered::map_of(self.progress().filter_map(|(&p, pr)| Some((p, pr.snapshot.clone()?))))
    }

    /// Start from a snapshot read back from stable storage: the state machine restarts from
    /// it, and lastApplied = commitIndex = its last included index.
    pub(crate) fn restore_snapshot(&mut self, snapshot: Arc<Snapshot>) {
        if snapshot.last_included_index != self.log.snapshot_index() {
            return; // storage out of step with the log: ignore the snapshot, keep the log
        }
        self.load_configuration(&snapshot);
        self.kv = snapshot.kv.clone();
        self.last_applied = snapshot.last_included_index;
        self.commit_index = snapshot.last_included_index;
        self.snap.current = Some(snapshot);
    }

    /// The snapshot's configuration becomes the one in force before the log's first entry;
    /// configuration entries still in the log (after the snapshot) override it as usual.
    fn load_configuration(&mut self, snapshot: &Snapshot) {
        self.rebase_configuration(snapshot);
        // Recompute from scratch: the entry the old index named may be gone.
        self.configuration_index = Index::MAX;
        self.configuration_changed_from(self.log.first_index());
    }

    /// The configuration entries up to the snapshot are compacted: the snapshot's configuration
    /// stands for them from now on.
    fn rebase_configuration(&mut self, snapshot: &Snapshot) {
        self.base_configuration = snapshot.configuration.clone();
        self.base_configuration_index = snapshot.configuration_index;
        self.configuration_indexes.retain(|&i| i > snapshot.last_included_index);
    }

    /// The configuration in force at `index` (≤ lastApplied, so still in the log or before it).
    fn configuration_at(&self, index: Index) -> (Configuration, Index) {
        let latest = self.configuration_indexes.iter().rev().copied().find(|&i| i <= index);
        match latest.and_then(|i| self.log.get(i).map(|e| (i, &e.payload))) {
            Some((i, EntryPayload::Configuration(c))) => (c.clone(), i),
            _ => (self.base_configuration.clone(), self.base_configuration_index),
        }
    }

    /// Snapshot if the log has grown past the threshold. Called as each input begins, so the
    /// entries applied by the previous input have been handed to the caller (`Ready::applied`)
    /// while still in the log.
    pub(crate) fn maybe_snapshot(&mut self) {
        let threshold = self.config.snapshot_threshold;
        if threshold == 0 || self.log.len() <= threshold || self.last_applied <= self.log.snapshot_index() {
            return;
        }
        self.take_snapshot();
    }

    /// Write the state machine as of lastApplied into a snapshot and compact the log through
    /// lastApplied. Entries not yet applied (so perhaps not committed) stay in the log.
    pub(crate) fn take_snapshot(&mut self) {
        let index = self.last_applied;
        let Some(term) = self.log.get(index).map(|e| e.term) else { return };
        let (configuration, configuration_index) = self.configuration_at(index);
        let snapshot = Snapshot {
            last_included_index: index,
            last_included_term: term,
            configuration,
            configuration_index,
            kv: self.kv.clone(),
        };
        self.log.compact_through(index);
        self.rebase_configuration(&snapshot);
        self.snap.current = Some(Arc::new(snapshot));
        self.snap.bytes = None;
        self.unsaved.snapshot = true;
    }

    fn snapshot_bytes(&mut self) -> Option<Arc<Vec<u8>>> {
        if self.snap.bytes.is_none() {
            // An encoding failure sends nothing (see `SnapshotEncodeError`); the follower keeps
            // asking with each heartbeat, so the failure shows as a stalled follower.
            self.snap.bytes = self.snap.current.as_ref().and_then(|s| s.to_bytes().ok()).map(Arc::new);
        }
        self.snap.bytes.clone()
    }

    /// Leaders: a follower needs entries we have compacted; send it (the next chunk of) our
    /// snapshot. Called instead of AppendEntries, so a lost chunk is sent again with the next
    /// heartbeat.
    pub(crate) fn send_snapshot_chunk(&mut self, peer: NodeId) {
        let Some(progress) = self.progress_of(peer) else { return };
        let matched = progress.match_index;
        let term = self.current_term;
        let fresh = match &progress.snapshot {
            Some(t) => t.term != term || t.last_included_index <= matched,
            None => true,
        };
        if fresh {
            let (Some(snapshot), Some(data)) = (self.snap.current.clone(), self.snapshot_bytes()) else { return };
            let transfer = SnapshotTransfer {
                term,
                last_included_index: snapshot.last_included_index,
                last_included_term: snapshot.last_included_term,
                data,
                offset: 0,
            };
            if let Some(p) = self.progress_mut(peer) {
                p.snapshot = Some(transfer);
            }
        }
        let Some(t) = self.progress_of(peer).and_then(|p| p.snapshot.as_ref()) else { return };
        let len = t.data.len() as u64;
        let offset = t.offset.min(len);
        let end = (offset + self.config.snapshot_chunk_bytes.max(1) as u64).min(len);
        let request = InstallSnapshot {
            term,
            leader_id: self.id,
            last_included_index: t.last_included_index,
            last_included_term: t.last_included_term,
            offset,
            data: t.data[offset as usize..end as usize].to_vec(),
            done: end == len,
        };
        if let Some(p) = self.progress_mut(peer) {
            p.state = ProgressState::Snapshot;
        }
        self.send(peer, Message::InstallSnapshot(request));
    }

    /// InstallSnapshot receiver implementation (Figure 13):
    /// 1. Reply immediately if term < currentTerm.
    /// 2. Create new snapshot file if first chunk (offset is 0).
    /// 3. Write data into snapshot file at given offset.
    /// 4. Reply and wait for more data chunks if done is false.
    /// 5. Save snapshot file, discard any existing or partial snapshot with a smaller index.
    /// 6. If existing log entry has same index and term as snapshot's last included entry,
    ///    retain log entries following it and reply.
    /// 7. Discard the entire log.
    /// 8. Reset state machine using snapshot contents (and load snapshot's cluster
    ///    configuration).
    pub(crate) fn handle_install_snapshot(
        &mut self,
        now: Micros,
        from: NodeId,
        request: InstallSnapshot,
        rng: &mut dyn Entropy,
    ) {
        let index = request.last_included_index;
        // Rule 1.
        if request.term < self.current_term {
            self.reply_install_snapshot(from, index, 0, false);
            return;
        }
        if self.role == Role::Leader {
            // A rival leader of our own term (possible only under a break rule): refuse.
            self.reply_install_snapshot(from, index, 0, false);
            return;
        }
        // The sender is the leader of our term: follow it, as for AppendEntries.
        self.become_follower(now, request.term, Some(request.leader_id), rng);
        self.reset_election_timer(now, rng);

        // Rule 5, ahead of time: we already hold a newer snapshot, or this very one, so our
        // log covers lastIncludedIndex with committed entries; nothing to receive.
        let ours = self.log.snapshot_index();
        if index < ours || (index == ours && request.last_included_term == self.log.snapshot_term()) {
            self.reply_install_snapshot(from, index, 0, true);
            return;
        }

        // Rule 2. A chunk at offset 0 of the snapshot we are already receiving is a resent
        // first chunk: it is written over the same bytes rather than starting over, so a
        // duplicate arriving late does not throw away the chunks that followed it.
        let same_file =
            |p: &PartialSnapshot| p.last_included_index == index && p.last_included_term == request.last_included_term;
        if request.offset == 0 && !self.snap.incoming.as_ref().is_some_and(same_file) {
            self.snap.incoming = Some(PartialSnapshot {
                last_included_index: index,
                last_included_term: request.last_included_term,
                data: Vec::new(),
            });
        }
        let Some(file) = self.snap.incoming.as_mut().filter(|p| same_file(p)) else {
            // A later chunk of a snapshot whose start we do not have: ask for it from 0.
            self.reply_install_snapshot(from, index, 0, false);
            return;
        };

        // Rule 3. A chunk beyond the end of what we hold means one went missing: ignore it and
        // say where to resume.
        let offset = request.offset as usize;
        if offset > file.data.len() {
            let held = file.data.len() as u64;
            self.reply_install_snapshot(from, index, held, false);
            return;
        }
        let end = offset + request.data.len();
        if file.data.len() < end {
            file.data.resize(end, 0);
        }
        file.data[offset..end].copy_from_slice(&request.data);

        // Rule 4.
        if !request.done {
            let held = file.data.len() as u64;
            self.reply_install_snapshot(from, index, held, false);
            return;
        }

        // Rule 5. The last chunk ends the file.
        let mut file = self.snap.incoming.take().expect("checked above");
        file.data.truncate(end);
        let snapshot = match Snapshot::from_bytes(&file.data) {
            Ok(s) if s.last_included_index == index && s.last_included_term == request.last_included_term => s,
            _ => {
                // Not a snapshot after all (or not the one announced): start over.
                self.reply_install_snapshot(from, index, 0, false);
                return;
            }
        };
        let snapshot = Arc::new(snapshot);
        self.snap.current = Some(snapshot.clone());
        self.snap.bytes = Some(Arc::new(file.data));
        self.unsaved.snapshot = true;

        // Rules 6 and 7: keep the entries after lastIncludedIndex if our entry there has the
        // same term (by Log Matching, everything before it agrees too); else discard the log.
        // Of a discarded log, the host hears of the uncommitted entries the snapshot does not
        // hold (`Ready::overwritten`): those from lastIncludedIndex on (by Log Matching, had one
        // matched, the entry there would have too), any of a later term, and commands its
        // client sessions never applied. (A no-op or configuration entry before it, of an
        // earlier term, may be in the snapshot: nothing here tells, so it is not reported.)
        let term = snapshot.last_included_term;
        let unapplied = |e: &Entry| match &e.payload {
            EntryPayload::Command(c) => snapshot.kv.sessions().get(&c.client).is_none_or(|s| s.last_seq < c.seq),
            _ => false,
        };
        let conflicting =
            |e: &&Entry| e.index > self.commit_index && (e.index >= index || e.term > term || unapplied(e));
        let discarded: Vec<Entry> = self.log.iter().filter(conflicting).cloned().collect();
        let retained = self.log.restart_after(index, term);
        if !retained {
            self.log_changed_from(index + 1);
            self.ready.overwritten.extend(discarded);
        }
        self.commit_index = self.commit_index.max(index);
        // Rule 6 replies without touching the state machine: it has applied those entries
        // already. If it has not (our log held them, uncommitted here), the entries are gone
        // now and the snapshot is the only way to reach them, so rule 8 applies after all.
        if retained && self.last_applied >= index {
            self.reply_install_snapshot(from, index, 0, true);
            return;
        }

        // Rule 8.
        self.load_configuration(&snapshot);
        self.kv = snapshot.kv.clone();
        self.last_applied = index;
        self.apply_committed();
        self.reply_install_snapshot(from, index, 0, true);
    }

    fn reply_install_snapshot(&mut self, to: NodeId, last_included_index: Index, next_offset: u64, installed: bool) {
        let reply = InstallSnapshotReply { term: self.current_term, last_included_index, next_offset, installed };
        self.send(to, Message::InstallSnapshotReply(reply));
    }

    /// Leaders: a follower answered a chunk. On the final answer its log matches ours through
    /// the snapshot: set matchIndex and nextIndex and go on with AppendEntries. Otherwise send
    /// the next chunk — only for an answer that moves the transfer forward, so duplicated or
    /// reordered answers never put two chunks in flight.
    pub(crate) fn handle_install_snapshot_reply(&mut self, from: NodeId, reply: InstallSnapshotReply) {
        if self.role != Role::Leader || reply.term != self.current_term {
            return;
        }
        let Some(&Progress { next_index: next, match_index: matched, .. }) = self.progress_of(from) else {
            return;
        };
        if reply.installed {
            let new_match = self.record_match(from, reply.last_included_index, matched, next);
            if let Some(p) = self.progress_mut(from) {
                // Back to probing: the entries after the snapshot go one AppendEntries at a time
                // until one succeeds. (A late answer to a follower already replicating leaves
                // it replicating.)
                if p.state == ProgressState::Snapshot {
                    p.state = ProgressState::Probe;
                }
                if p.snapshot.as_ref().is_some_and(|t| t.last_included_index <= new_match) {
                    p.snapshot = None;
                }
            }
            // The entries after the snapshot (or a newer snapshot).
            self.commit_and_send_rest(from);
            return;
        }
        let term = self.current_term;
        let Some(t) = self.progress_mut(from).and_then(|p| p.snapshot.as_mut()) else { return };
        if t.term != term || t.last_included_index != reply.last_included_index {
            return;
        }
        let next_offset = reply.next_offset.min(t.data.len() as u64);
        if next_offset > t.offset {
            t.offset = next_offset;
            self.send_snapshot_chunk(from);
        } else if next_offset < t.offset {
            // The follower lost chunks (it restarted, or a chunk was lost): resume where it
            // is, with the next heartbeat.
            t.offset = next_offset;
        }
    }

    /// AppendEntries on a compacted log: entries up through our snapshot are committed, so
    /// they match the leader's (Leader Completeness). Check consistency at the snapshot's last
    /// entry instead of a compacted prevLogIndex, and skip the entries the snapshot covers.
    pub(crate) fn skip_compacted(&self, request: &mut AppendEntries) {
        let first = self.log.snapshot_index();
        if request.prev_log_index < first {
            request.entries.retain(|e| e.index > first);
            request.prev_log_index = first;
            request.prev_log_term = self.log.snapshot_term();
        }
    }
}
