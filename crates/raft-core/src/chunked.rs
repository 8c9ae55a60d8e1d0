//! A vector stored in fixed-size, shared chunks. Cloning copies one pointer per chunk, not the
//! elements, and a clone's writes copy only the chunk they touch. The simulator clones whole
//! clusters for its time-travel checkpoints; with logs in chunks a checkpoint of a ten-minute
//! run costs kilobytes instead of tens of megabytes.
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::sync::Arc;

const CHUNK: usize = 256;

#[derive(Clone)]
/// A vector stored in shared chunks of 256: cloning it (a node's log, a snapshot of the
/// simulation) copies pointers, not elements, and a chunk is copied only when written.
pub struct ChunkedVec<T> {
    chunks: Vec<Arc<Vec<T>>>,
    len: usize,
    /// Elements at the front of the first chunk that `remove_front` dropped (always < CHUNK).
    /// Element i lives at position `skip + i` of the chunks.
    skip: usize,
}

impl<T> Default for ChunkedVec<T> {
    fn default() -> Self {
        ChunkedVec { chunks: Vec::new(), len: 0, skip: 0 }
    }
}

impl<T: Clone> ChunkedVec<T> {
    /// An empty vector.
    pub fn new() -> Self {
        Self::default()
    }

    /// The number of elements.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether it holds no element.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    #[inline]
    /// The element at `i`, if any.
    pub fn get(&self, i: usize) -> Option<&T> {
        if i >= self.len {
            return None;
        }
        let p = self.skip + i;
        self.chunks[p / CHUNK].get(p % CHUNK)
    }

    /// Mutable access; copies the chunk first if a clone shares it.
    pub fn get_mut(&mut self, i: usize) -> Option<&mut T> {
        if i >= self.len {
            return None;
        }
        let p = self.skip + i;
        Arc::make_mut(&mut self.chunks[p / CHUNK]).get_mut(p % CHUNK)
    }

    /// The last element, if any.
    pub fn last(&self) -> Option<&T> {
        self.len.checked_sub(1).and_then(|i| self.get(i))
    }

    /// Append `value` at the end.
    pub fn push(&mut self, value: T) {
        if (self.skip + self.len).is_multiple_of(CHUNK) {
            let mut chunk = Vec::with_capacity(CHUNK);
            chunk.push(value);
            self.chunks.push(Arc::new(chunk));
        } else if let Some(last) = self.chunks.last_mut() {
            Arc::make_mut(last).push(value);
        }
        self.len += 1;
    }

    /// Keep the first `len` elements.
    #[inline]
    pub fn truncate(&mut self, len: usize) {
        // Most calls (the checker's, every event) keep everything: stay cheap and inlined.
        if len < self.len {
            self.shorten(len);
        }
    }

    fn shorten(&mut self, len: usize) {
        if len == 0 {
            self.chunks.clear();
            self.len = 0;
            self.skip = 0;
            return;
        }
        let end = self.skip + len;
        self.chunks.truncate(end.div_ceil(CHUNK));
        if !end.is_multiple_of(CHUNK) {
            if let Some(last) = self.chunks.last_mut() {
                Arc::make_mut(last).truncate(end % CHUNK);
            }
        }
        self.len = len;
    }

    /// Drop the first `n` elements (all of them if there are fewer). Whole chunks are released;
    /// a partly dropped chunk stays shared with any clone until it is written to.
    pub fn remove_front(&mut self, n: usize) {
        if n >= self.len {
            self.shorten(0);
            return;
        }
        let start = self.skip + n;
        self.chunks.drain(..start / CHUNK);
        self.skip = start % CHUNK;
        self.len -= n;
    }

    /// The elements, first to last.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &T> + '_ {
        let skip = self.skip;
        self.chunks.iter().enumerate().flat_map(move |(k, c)| c[if k == 0 { skip } else { 0 }..].iter())
    }

    /// The elements from position `start` on.
    pub fn iter_from(&self, start: usize) -> impl Iterator<Item = &T> + '_ {
        let start = self.skip + start;
        let first = start / CHUNK;
        let skip = start % CHUNK;
        self.chunks.iter().skip(first).enumerate().flat_map(move |(k, c)| c.iter().skip(if k == 0 { skip } else { 0 }))
    }

    /// The number of leading elements for which `pred` holds (which must be a prefix).
    pub fn partition_point(&self, pred: impl Fn(&T) -> bool) -> usize {
        let (mut lo, mut hi) = (0, self.len);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if self.get(mid).is_some_and(&pred) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        lo
    }

    /// The elements as a plain vector.
    pub fn to_vec(&self) -> Vec<T> {
        self.iter().cloned().collect()
    }
}

impl<T: Clone> FromIterator<T> for ChunkedVec<T> {
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Self {
        let mut v = ChunkedVec::new();
        for x in iter {
            v.push(x);
        }
        v
    }
}

impl<T: Clone + PartialEq> PartialEq for ChunkedVec<T> {
    fn eq(&self, other: &Self) -> bool {
        self.len == other.len && self.iter().eq(other.iter())
    }
}

impl<T: Clone + Eq> Eq for ChunkedVec<T> {}

impl<T: Clone + std::fmt::Debug> std::fmt::Debug for ChunkedVec<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl<T: Clone + Serialize> Serialize for ChunkedVec<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter())
    }
}

impl<'de, T: Clone + Deserialize<'de>> Deserialize<'de> for ChunkedVec<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(Vec::<T>::deserialize(deserializer)?.into_iter().collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn behaves_like_a_vec_across_chunk_boundaries_and_clones() {
        let mut model: Vec<u32> = Vec::new();
        let mut v: ChunkedVec<u32> = ChunkedVec::new();
        let mut snapshots = Vec::new();
        let mut x: u32 = 7;
        for step in 0..5_000u32 {
            x = x.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            if x.is_multiple_of(7) {
                let len = (x as usize >> 3) % (model.len() + 1);
                model.truncate(len);
                v.truncate(len);
            } else if x.is_multiple_of(11) {
                let n = (x as usize >> 5) % (model.len() / 2 + 2);
                model.drain(..n.min(model.len()));
                v.remove_front(n);
            } else {
                model.push(step);
                v.push(step);
            }
            if step % 97 == 0 {
                snapshots.push((model.clone(), v.clone()));
            }
            if let (Some(i), true) = (model.len().checked_sub(1), x.is_multiple_of(5)) {
                model[i] += 1;
                *v.get_mut(i).unwrap() += 1;
            }
            assert_eq!(v.len(), model.len());
            assert_eq!(v.last(), model.last());
        }
        assert_eq!(v.to_vec(), model);
        for k in [0, 1, 300, 100_000] {
            assert_eq!(v.partition_point(|&x| x < k), model.partition_point(|&x| x < k));
        }
        for start in [0, 1, 255, 256, 257, model.len(), model.len() + 3] {
            assert_eq!(v.iter_from(start).copied().collect::<Vec<_>>(), model.get(start..).unwrap_or(&[]).to_vec());
        }
        // Writes after a clone never show through in the clone.
        for (m, s) in snapshots {
            assert_eq!(s.to_vec(), m);
        }
    }
}
