//! The replicated log: entries indexed from 1, with index 0 standing for the empty prefix.
//!
//! After log compaction (§7 of the paper) the log starts after a snapshot: the entries up
//! through `snapshot_index` are gone, replaced by the snapshot, and only the last of them is
//! remembered by its index and term, so that AppendEntries' consistency check (prevLogIndex,
//! prevLogTerm) and the election restriction keep working on the first retained entry.
use crate::chunked::ChunkedVec;
use crate::types::{Entry, Index, Term};
use serde::{Deserialize, Serialize};

/// Stored in shared chunks, so copying a server (a simulator checkpoint) is cheap.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RaftLog {
    entries: ChunkedVec<Entry>,
    /// lastIncludedIndex of the snapshot the log starts after (0: nothing compacted).
    #[serde(default, skip_serializing_if = "is_zero")]
    snapshot_index: Index,
    /// lastIncludedTerm of that snapshot.
    #[serde(default, skip_serializing_if = "is_zero")]
    snapshot_term: Term,
}

fn is_zero(x: &u64) -> bool {
    *x == 0
}

impl RaftLog {
    /// An empty log.
    pub fn new() -> Self {
        RaftLog::default()
    }

    /// A log holding `entries` (which must be numbered from 1), with no snapshot.
    pub fn from_entries(entries: Vec<Entry>) -> Self {
        RaftLog { entries: entries.into_iter().collect(), snapshot_index: 0, snapshot_term: 0 }
    }

    /// A log that starts after a snapshot ending at (`index`, `term`) and holds `entries`
    /// (which must follow it: `index + 1`, `index + 2`, ...).
    pub fn after_snapshot(index: Index, term: Term, entries: Vec<Entry>) -> Self {
        RaftLog { entries: entries.into_iter().collect(), snapshot_index: index, snapshot_term: term }
    }

    /// All retained entries, first to last.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &Entry> + '_ {
        self.entries.iter()
    }

    /// All retained entries as a plain vector.
    pub fn to_vec(&self) -> Vec<Entry> {
        self.entries.to_vec()
    }

    /// The index of the last entry the log covers, compacted or not.
    pub fn last_index(&self) -> Index {
        self.snapshot_index + self.entries.len() as Index
    }

    /// The term of the last entry the log covers (the snapshot's, if no entry is retained).
    pub fn last_term(&self) -> Term {
        self.entries.last().map_or(self.snapshot_term, |e| e.term)
    }

    /// The index of the first entry still held (one past the snapshot).
    pub fn first_index(&self) -> Index {
        self.snapshot_index + 1
    }

    /// lastIncludedIndex of the snapshot the log starts after; 0 if nothing was compacted.
    pub fn snapshot_index(&self) -> Index {
        self.snapshot_index
    }

    /// lastIncludedTerm of that snapshot; 0 if nothing was compacted.
    pub fn snapshot_term(&self) -> Term {
        self.snapshot_term
    }

    /// How many entries the log holds (not counting compacted ones).
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether no entry is retained (all may be compacted into the snapshot).
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The entry at `index`, if the log still holds it (not compacted, not past the end).
    pub fn get(&self, index: Index) -> Option<&Entry> {
        if index <= self.snapshot_index {
            return None;
        }
        self.entries.get((index - self.snapshot_index - 1) as usize)
    }

    /// The term of the entry at `index`; index 0 has term 0 by convention, and the snapshot's
    /// lastIncludedIndex answers with lastIncludedTerm. None for compacted or missing entries.
    pub fn term_at(&self, index: Index) -> Option<Term> {
        if index == self.snapshot_index {
            Some(self.snapshot_term)
        } else {
            self.get(index).map(|e| e.term)
        }
    }

    /// Retained entries from `from` (inclusive; compacted indexes are skipped), at most `max`.
    pub fn slice_from(&self, from: Index, max: usize) -> impl Iterator<Item = &Entry> + '_ {
        let from = from.max(self.snapshot_index + 1);
        self.entries.iter_from((from - self.snapshot_index - 1) as usize).take(max)
    }

    /// Delete the entry at `from` and all that follow it (never the snapshot: compacted
    /// entries are committed).
    pub fn truncate_from(&mut self, from: Index) {
        let from = from.max(self.snapshot_index + 1);
        self.entries.truncate((from - self.snapshot_index - 1) as usize);
    }

    /// Append `entry`, which must be numbered last index + 1.
    pub fn append(&mut self, entry: Entry) {
        debug_assert_eq!(entry.index, self.last_index() + 1);
        self.entries.push(entry);
    }

    /// Log compaction: drop the entries up through `index`, which the log holds, keeping those
    /// that follow. Returns false (and changes nothing) if `index` is not a retained entry.
    pub fn compact_through(&mut self, index: Index) -> bool {
        let Some(term) = self.get(index).map(|e| e.term) else { return false };
        self.entries.remove_front((index - self.snapshot_index) as usize);
        self.snapshot_index = index;
        self.snapshot_term = term;
        true
    }

    /// InstallSnapshot rules 6 and 7: start the log after a snapshot ending at (`index`,
    /// `term`), keeping the entries that follow it if the log holds that very entry, discarding
    /// the whole log otherwise. Returns whether the suffix was retained.
    pub fn restart_after(&mut self, index: Index, term: Term) -> bool {
        let retain = index > self.snapshot_index && self.term_at(index) == Some(term);
        if retain {
            self.entries.remove_front((index - self.snapshot_index) as usize);
        } else {
            self.entries.truncate(0);
        }
        self.snapshot_index = index;
        self.snapshot_term = term;
        retain
    }

    /// The first index holding an entry of `term`, searching back from `index` (which holds it)
    /// no further than the first retained entry.
    pub fn first_index_of_term_at(&self, index: Index) -> Index {
        let Some(term) = self.term_at(index) else { return index };
        let mut first = index;
        while first > self.first_index() && self.term_at(first - 1) == Some(term) {
            first -= 1;
        }
        first
    }

    /// The last index holding an entry of `term`, if the log has one (the snapshot's last
    /// entry counts).
    pub fn last_index_of_term(&self, term: Term) -> Option<Index> {
        self.entries
            .iter()
            .rev()
            .find(|e| e.term == term)
            .map(|e| e.index)
            .or((self.snapshot_index > 0 && self.snapshot_term == term).then_some(self.snapshot_index))
    }

    /// §5.4.1: is a log ending at (last_index, last_term) at least as up to date as this one?
    pub fn is_up_to_date(&self, last_index: Index, last_term: Term) -> bool {
        last_term > self.last_term() || (last_term == self.last_term() && last_index >= self.last_index())
    }
}
