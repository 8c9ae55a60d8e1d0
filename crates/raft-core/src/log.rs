//! The replicated log: entries indexed from 1, with index 0 standing for the empty prefix.
use crate::chunked::ChunkedVec;
use crate::types::{Entry, Index, Term};
use serde::{Deserialize, Serialize};

/// Stored in shared chunks, so copying a server (a simulator checkpoint) is cheap.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RaftLog {
    entries: ChunkedVec<Entry>,
}

impl RaftLog {
    pub fn new() -> Self {
        RaftLog::default()
    }

    pub fn from_entries(entries: Vec<Entry>) -> Self {
        RaftLog { entries: entries.into_iter().collect() }
    }

    /// All entries, first to last.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &Entry> + '_ {
        self.entries.iter()
    }

    pub fn to_vec(&self) -> Vec<Entry> {
        self.entries.to_vec()
    }

    pub fn last_index(&self) -> Index {
        self.entries.len() as Index
    }

    pub fn last_term(&self) -> Term {
        self.entries.last().map_or(0, |e| e.term)
    }

    pub fn get(&self, index: Index) -> Option<&Entry> {
        if index == 0 {
            return None;
        }
        self.entries.get((index - 1) as usize)
    }

    /// The term of the entry at `index`; index 0 has term 0 by convention.
    pub fn term_at(&self, index: Index) -> Option<Term> {
        if index == 0 {
            Some(0)
        } else {
            self.get(index).map(|e| e.term)
        }
    }

    /// Entries from `from` (inclusive), at most `max`.
    pub fn slice_from(&self, from: Index, max: usize) -> impl Iterator<Item = &Entry> + '_ {
        self.entries.iter_from((from.max(1) - 1) as usize).take(max)
    }

    /// Delete the entry at `from` and all that follow it.
    pub fn truncate_from(&mut self, from: Index) {
        self.entries.truncate((from.max(1) - 1) as usize);
    }

    pub fn append(&mut self, entry: Entry) {
        debug_assert_eq!(entry.index, self.last_index() + 1);
        self.entries.push(entry);
    }

    /// The first index holding an entry of `term`, searching back from `index` (which holds it).
    pub fn first_index_of_term_at(&self, index: Index) -> Index {
        let Some(term) = self.term_at(index) else { return index };
        let mut first = index;
        while first > 1 && self.term_at(first - 1) == Some(term) {
            first -= 1;
        }
        first
    }

    /// The last index holding an entry of `term`, if the log has one.
    pub fn last_index_of_term(&self, term: Term) -> Option<Index> {
        self.entries.iter().rev().find(|e| e.term == term).map(|e| e.index)
    }

    /// §5.4.1: is a log ending at (last_index, last_term) at least as up to date as this one?
    pub fn is_up_to_date(&self, last_index: Index, last_term: Term) -> bool {
        last_term > self.last_term() || (last_term == self.last_term() && last_index >= self.last_index())
    }
}
