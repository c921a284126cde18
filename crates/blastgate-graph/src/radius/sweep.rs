//! Reach counts of many changesets at once: one sweep over the graph's
//! condensation counts 64 changesets.
//!
//! # Why
//!
//! A batch of random changesets on a service graph is heavy-tailed: a fifth
//! of them touch the shared core and reach most of the graph, and separate
//! searches walk that core once per changeset. Here each node holds a
//! 64-bit word, bit `j` set when the node reaches a changed node of
//! changeset `j`, and one pass over the graph settles every word: the core
//! is read once for 64 changesets. (The bit-parallel idea is that of Then
//! et al., "The More the Merrier: Efficient Multi-Source Graph Traversal",
//! VLDB 2014; a reach count needs no levels, so the words can be settled in
//! dependency order instead of by rounds of BFS, each node once.)
//!
//! # Algorithm
//!
//! [`Condensation::new`] numbers the strongly connected components so that
//! a component's dependencies come before it (Tarjan's completion order)
//! and lays the nodes out by component, each with the positions of its
//! dependencies. A node reaches a changed node iff it is one, or one of its
//! dependencies reaches one; within a component every node reaches every
//! other. So, in order, each component's word is the OR of its members' own
//! changed bits and of their dependencies' words (those outside it settled
//! already, being earlier; those inside it still holding only their own
//! changed bits), and every member gets it. The
//! count of changeset `j` is the number of nodes whose word has bit `j`,
//! less the changeset's distinct changed nodes: exactly what
//! [`reach_count_with`](super::reach_count_with) returns, checked against
//! it in the tests.
//!
//! The words are summed with a bit-sliced counter (`planes[k]` holds bit
//! `k` of all 64 counts; adding a word is a ripple carry), so the sum costs
//! a few operations a node, not one a set bit.
//!
//! # Complexity
//!
//! Building: Tarjan's algorithm over the forward rows, `O(V + E)`, and a
//! copy of the rows in sweep order, 4 bytes an edge and 12 a node (at a
//! million services and ten million edges, 0.12 to 0.2 s and 51 MB, once
//! per graph). A sweep: `O(V + E)`, the copy read in order and 8 bytes a
//! node at random, whatever the changesets reach (30 to 60 ms at that
//! size), plus 8 bytes a node of scratch per thread.

use rayon::prelude::*;

use super::search::RadiusScratch;
use crate::FrozenGraph;

/// Changesets one sweep counts: the bits of a word.
pub(crate) const WORD: usize = 64;

/// The graph's nodes laid out by strongly connected component, each
/// component after the components it depends on.
#[derive(Debug, Clone)]
pub(crate) struct Condensation {
    /// The position of each node in the sweep order.
    position: Vec<u32>,
    /// The first position of each component, then the node count.
    start: Vec<u32>,
    /// Row bounds by position (`positions + 1` entries).
    offsets: Vec<u32>,
    /// The positions of each node's dependencies.
    targets: Vec<u32>,
}

impl Condensation {
    /// Lays out `graph` for sweeps.
    pub(crate) fn new(graph: &FrozenGraph) -> Self {
        let n = graph.node_count();
        let components = graph.components();
        let count = components.count() as usize;
        // Counting sort of the nodes by component.
        let mut start = vec![0u32; count + 1];
        for v in 0..n as u32 {
            if let Some(s) = components.of(v).and_then(|c| start.get_mut(c as usize + 1)) {
                *s += 1;
            }
        }
        let mut total = 0u32;
        for s in &mut start {
            total += *s;
            *s = total;
        }
        let mut fill = start.clone();
        let mut order = vec![0u32; n];
        let mut position = vec![0u32; n];
        for v in 0..n as u32 {
            let Some(at) = components.of(v).and_then(|c| fill.get_mut(c as usize)) else { continue };
            if let (Some(o), Some(p)) = (order.get_mut(*at as usize), position.get_mut(v as usize)) {
                *o = v;
                *p = *at;
            }
            *at += 1;
        }
        drop(components);
        // Each node's row in sweep order: the positions of its dependencies.
        // Those in its own component are kept: their words hold only their
        // own changed bits until the component is settled, which the
        // component's word takes in anyway.
        let mut offsets = Vec::with_capacity(n + 1);
        let mut end = 0u32;
        offsets.push(end);
        for &v in &order {
            end = end.saturating_add(u32::try_from(graph.dependencies_of(v).len()).unwrap_or(u32::MAX));
            offsets.push(end);
        }
        // Filled in parts on rayon's threads, each part a run of positions
        // and the slice of `targets` its rows take.
        let mut targets = vec![0u32; end as usize];
        let parts = rayon::current_num_threads().saturating_mul(4).max(1);
        let per_part = n.div_ceil(parts).max(1);
        let mut work = Vec::with_capacity(parts);
        let mut rest: &mut [u32] = &mut targets;
        for first in (0..n).step_by(per_part) {
            let last = (first + per_part).min(n);
            let (a, b) = (offsets.get(first).copied().unwrap_or(0), offsets.get(last).copied().unwrap_or(0));
            // INVARIANT: the parts' lengths add up to `targets`' (the same
            // rows counted), so the split never falls short.
            let Some((mine, after)) = std::mem::take(&mut rest).split_at_mut_checked(b.saturating_sub(a) as usize)
            else {
                break;
            };
            rest = after;
            work.push((order.get(first..last).unwrap_or_default(), mine));
        }
        work.into_par_iter().for_each(|(nodes, slots)| {
            let mut slots = slots.iter_mut();
            for &v in nodes {
                for (&u, slot) in graph.dependencies_of(v).iter().zip(&mut slots) {
                    *slot = position.get(u as usize).copied().unwrap_or(0);
                }
            }
        });
        drop(order);
        Self { position, start, offsets, targets }
    }

    /// Heap bytes held.
    pub(crate) fn heap_bytes(&self) -> usize {
        (self.position.capacity() + self.start.capacity() + self.offsets.capacity() + self.targets.capacity()) * 4
    }

    /// The reach count of each of `changesets` (the first [`WORD`]; any
    /// more get no count), as [`RadiusScratch::reach_count`] gives it.
    /// `words` is a scratch of one word a node, zero between calls.
    pub(crate) fn reach_counts<C: AsRef<[u32]>>(
        &self,
        graph: &FrozenGraph,
        changesets: &[C],
        words: &mut Vec<u64>,
    ) -> Vec<usize> {
        let n = self.position.len();
        if words.len() < n {
            words.resize(n, 0);
        }
        let mut sources = [0usize; WORD];
        for ((changed, bit), sources) in changesets.iter().zip(0..WORD).zip(&mut sources) {
            let bit = 1u64 << bit;
            for &c in changed.as_ref() {
                let word = self.position.get(c as usize).filter(|_| (c as usize) < graph.node_count());
                if let Some(w) = word.and_then(|&at| words.get_mut(at as usize))
                    && *w & bit == 0
                {
                    *w |= bit;
                    *sources += 1;
                }
            }
        }
        // Words of the dependencies `AHEAD` edges on are requested early:
        // the rows are read in order, the words they name at random.
        const AHEAD: usize = 16;
        let mut planes = [0u64; 33];
        let mut edge = 0usize;
        for bounds in self.start.windows(2) {
            let (first, end) =
                (bounds.first().copied().unwrap_or(0) as usize, bounds.last().copied().unwrap_or(0) as usize);
            let mut word = 0u64;
            for at in first..end {
                word |= words.get(at).copied().unwrap_or(0);
                let row_end = self.offsets.get(at + 1).copied().unwrap_or(0) as usize;
                for (i, &u) in self.targets.get(edge..row_end).unwrap_or_default().iter().enumerate() {
                    if let Some(w) = self.targets.get(edge + i + AHEAD).and_then(|&ahead| words.get(ahead as usize)) {
                        crate::frozen::prefetch(w);
                    }
                    word |= words.get(u as usize).copied().unwrap_or(0);
                }
                edge = edge.max(row_end);
            }
            for at in first..end {
                if let Some(w) = words.get_mut(at) {
                    *w = word;
                }
                let mut carry = word;
                for plane in &mut planes {
                    if carry == 0 {
                        break;
                    }
                    let overflow = *plane & carry;
                    *plane ^= carry;
                    carry = overflow;
                }
            }
        }
        // INVARIANT: `words` is zero between calls.
        words.iter_mut().take(n).for_each(|w| *w = 0);
        sources
            .iter()
            .zip(0..changesets.len().min(WORD))
            .map(|(&s, j)| {
                let total: usize = planes.iter().zip(0..).map(|(&p, k)| (((p >> j) & 1) as usize) << k).sum();
                total.saturating_sub(s)
            })
            .collect()
    }
}

/// A changeset whose search reaches more nodes than this share of the graph
/// (one in `HEAVY_SHARE`) is counted by a sweep instead, once the batch has
/// enough of them (see [`reach_counts`]).
const HEAVY_SHARE: usize = 32;

/// A batch builds the condensation (unless the graph has it already) when
/// at least this many of its changesets are heavy. Building reads every
/// edge two or three times (Tarjan's algorithm, then the copy); each heavy
/// search reads at least a `1/HEAVY_SHARE` of the graph, so fewer heavy
/// changesets than this are cheaper searched than laid out for.
const HEAVY_TO_BUILD: usize = 32;

/// The reach count of each changeset, in order, as
/// [`reach_count_with`](super::reach_count_with) gives it, in parallel.
///
/// Each changeset is first searched by BFS with a bound of a
/// `1/HEAVY_SHARE` of the graph's nodes; those that exceed it (the heavy
/// ones) are counted 64 at a time by sweeps over the condensation when
/// there are at least [`HEAVY_TO_BUILD`] of them or the graph has made it
/// already, else searched in full. Every path gives the same exact counts.
pub(crate) fn reach_counts<C: AsRef<[u32]> + Sync>(graph: &FrozenGraph, changesets: &[C]) -> Vec<usize> {
    let n = graph.node_count();
    let bound = n / HEAVY_SHARE;
    let mut counts: Vec<Option<usize>> = changesets
        .par_iter()
        .map_init(
            || RadiusScratch::new(n),
            |scratch, changed| scratch.reach_count_bounded(graph, changed.as_ref(), bound),
        )
        .collect();
    let heavy: Vec<usize> = (0..counts.len()).filter(|&i| counts.get(i).is_some_and(Option::is_none)).collect();
    let found: Vec<usize> = if heavy.len() >= HEAVY_TO_BUILD || graph.has_condensation() {
        let condensation = graph.condensation();
        // At least one group per thread: a sweep costs the same for one
        // changeset as for 64, and the groups run side by side.
        let groups = heavy.len().div_ceil(WORD).max(rayon::current_num_threads().min(heavy.len())).max(1);
        let size = heavy.len().div_ceil(groups);
        let parts: Vec<&[usize]> = heavy.chunks(size.max(1)).collect();
        let found: Vec<Vec<usize>> = parts
            .par_iter()
            .map_init(Vec::new, |words, part| {
                let sets: Vec<&[u32]> =
                    part.iter().map(|&i| changesets.get(i).map_or(&[][..], |c| c.as_ref())).collect();
                condensation.reach_counts(graph, &sets, words)
            })
            .collect();
        found.into_iter().flatten().collect()
    } else {
        heavy
            .par_iter()
            .map_init(
                || RadiusScratch::new(n),
                |scratch, &i| scratch.reach_count(graph, changesets.get(i).map_or(&[][..], |c| c.as_ref())),
            )
            .collect()
    };
    for (&i, count) in heavy.iter().zip(found) {
        if let Some(slot) = counts.get_mut(i) {
            *slot = Some(count);
        }
    }
    // INVARIANT: every slot is filled (each group of at most `WORD` gets a
    // count each); a slot left empty is searched in full, never read as 0.
    let mut scratch = RadiusScratch::new(0);
    counts
        .into_iter()
        .zip(changesets)
        .map(|(count, changed)| count.unwrap_or_else(|| scratch.reach_count(graph, changed.as_ref())))
        .collect()
}
