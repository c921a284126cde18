//! The `k` least items of a sequence, in one pass and memory in
//! proportion to `k`: for the few most critical nodes of a blast radius
//! that can hold most of the graph.

use std::collections::BinaryHeap;

/// The `k` least of `items`, ascending. The order must be total for the
/// answer not to depend on the order of `items` (ties broken by an id).
///
/// When the items are known to number over `8k` (their `size_hint`), keeps
/// the best `k` so far in a heap whose top is the worst of them; otherwise
/// collects them and selects in linear time.
///
/// # Complexity
/// `O(n log k)` time and `O(k)` memory for `n` items and a small `k`;
/// `O(n)` time and memory otherwise.
pub fn least<T: Ord>(items: impl IntoIterator<Item = T>, k: usize) -> Vec<T> {
    let items = items.into_iter();
    if k == 0 {
        return Vec::new();
    }
    let mut out = if k.saturating_mul(8) < items.size_hint().0 {
        let mut heap = BinaryHeap::with_capacity(k + 1);
        for item in items {
            if heap.len() < k {
                heap.push(item);
            } else if heap.peek().is_some_and(|worst| item < *worst) {
                heap.pop();
                heap.push(item);
            }
        }
        heap.into_vec()
    } else {
        let mut all: Vec<T> = items.collect();
        if all.len() > k {
            all.select_nth_unstable(k - 1);
            all.truncate(k);
        }
        all
    };
    out.sort_unstable();
    out
}

#[cfg(test)]
mod tests {
    use super::least;

    #[test]
    fn least_equals_sorting_both_ways() {
        let items: Vec<u32> = (0..500u32).map(|i| i.wrapping_mul(2_654_435_761) % 997).collect();
        for k in [0, 1, 3, 10, 62, 63, 64, 499, 500, 800] {
            let mut sorted = items.clone();
            sorted.sort_unstable();
            sorted.truncate(k);
            assert_eq!(least(items.iter().copied(), k), sorted, "k = {k}");
            // Without a size hint the heap is never taken: the same answer.
            assert_eq!(least(items.iter().copied().filter(|_| true), k), sorted, "k = {k}");
        }
    }
}
