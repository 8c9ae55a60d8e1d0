//! Ordered sets and maps built by inserting one item at a time. `collect()` into a `BTreeSet`
//! or `BTreeMap` sorts the items first, and every element type then brings its own copy of the
//! standard library's merge sort (several KB each in the page's wasm); inserting needs no sort.
//! The sets and maps built here hold one entry per server, so inserting costs no more.
use std::collections::{BTreeMap, BTreeSet};

/// The items, in order, each once (what `collect::<BTreeSet<_>>()` gives).
pub fn set_of<T: Ord>(items: impl IntoIterator<Item = T>) -> BTreeSet<T> {
    let mut set = BTreeSet::new();
    set.extend(items);
    set
}

/// The pairs by key; a key given twice keeps its last value (as `collect()` does).
pub fn map_of<K: Ord, V>(pairs: impl IntoIterator<Item = (K, V)>) -> BTreeMap<K, V> {
    let mut map = BTreeMap::new();
    map.extend(pairs);
    map
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_as_collect() {
        let items = [5u32, 1, 3, 1, 9];
        assert_eq!(set_of(items), items.iter().copied().collect::<BTreeSet<_>>());
        let pairs = [(2u32, 'a'), (1, 'b'), (2, 'c')];
        assert_eq!(map_of(pairs), pairs.iter().copied().collect::<BTreeMap<_, _>>());
        assert_eq!(map_of(pairs)[&2], 'c', "the last value of a repeated key");
    }
}
