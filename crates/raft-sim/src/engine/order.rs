//! One stable sort for every element type that orders by a number.
//!
//! The standard library's sorts are generic: each element type sorted gets its own copy of
//! quicksort, driftsort and the small-slice sorts, several kilobytes each in the page's wasm.
//! Sorting `(key, position)` pairs instead compiles that code once; the position breaks ties,
//! so the result is exactly the stable order `sort_by_key` gives.

/// Sorts `items` by `key`, keeping items with equal keys in their current order.
pub fn sort_by_key_stable<T>(items: &mut Vec<T>, key: impl Fn(&T) -> u64) {
    if items.len() < 2 {
        return;
    }
    let mut keyed: Vec<(u64, usize)> = items.iter().enumerate().map(|(i, t)| (key(t), i)).collect();
    keyed.sort_unstable();
    let mut slots: Vec<Option<T>> = items.drain(..).map(Some).collect();
    // Each position appears once in `keyed`, so every slot is taken exactly once.
    items.extend(keyed.into_iter().filter_map(|(_, i)| slots.get_mut(i).and_then(Option::take)));
}

/// A key that orders as `f64::total_cmp` does: negative numbers flip all bits, the others
/// set the sign bit, so unsigned comparison of the keys is the IEEE total order.
pub fn f64_key(x: f64) -> u64 {
    let bits = x.to_bits();
    if bits >> 63 == 1 {
        !bits
    } else {
        bits | 1 << 63
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_keys_keep_their_order() {
        let mut v = vec![(3, 'a'), (1, 'b'), (3, 'c'), (1, 'd'), (2, 'e')];
        sort_by_key_stable(&mut v, |p| p.0);
        assert_eq!(v, vec![(1, 'b'), (1, 'd'), (2, 'e'), (3, 'a'), (3, 'c')]);
    }

    #[test]
    fn f64_keys_order_like_total_cmp() {
        let xs = [3.5, -0.0, 0.0, -1e300, f64::INFINITY, f64::NEG_INFINITY, 1e-300, -2.0, 2.0, f64::NAN, -f64::NAN];
        let mut by_key = xs.to_vec();
        by_key.sort_by_key(|x| f64_key(*x));
        let mut by_cmp = xs.to_vec();
        by_cmp.sort_by(f64::total_cmp);
        assert_eq!(
            by_key.iter().map(|x| x.to_bits()).collect::<Vec<_>>(),
            by_cmp.iter().map(|x| x.to_bits()).collect::<Vec<_>>()
        );
    }

    #[test]
    fn matches_the_standard_stable_sort() {
        let mut v: Vec<(u64, usize)> = (0..200).map(|i| ((i * 7919 % 13) as u64, i)).collect();
        let mut expected = v.clone();
        expected.sort_by_key(|p| p.0);
        sort_by_key_stable(&mut v, |p| p.0);
        assert_eq!(v, expected);
    }
}
