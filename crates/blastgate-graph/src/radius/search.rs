//! The traversals behind a blast radius: multi-source BFS for distances and
//! the depth ball, then max-product Dijkstra for probabilities and
//! predecessors, over arrays reused across queries.
//!
//! # Speed
//!
//! - **Visited bitset.** A node's "reached" flag is one bit: a graph of 1M
//!   nodes needs 128 KiB, which stays in the processor's L2 cache while
//!   the BFS tests it once per edge. Only the bits the last query set are
//!   cleared (or the whole set, when that is cheaper).
//! - **Direction-optimising BFS** (Beamer, Asanović and Patterson, 2012).
//!   While the frontier is small, each of its nodes lists its dependents
//!   (top-down). Once the frontier's edges outnumber a share of the edges
//!   left to explore, each unreached node instead looks through its
//!   dependencies for one in the frontier and stops at the first
//!   (bottom-up): on graphs with hubs a query that reaches most of the
//!   graph then reads a fraction of its edges. Both directions give the
//!   same levels, so distances do not depend on the switch.
//! - **One probability for every edge.** When every edge of the graph has
//!   the same probability `p` (as in an edge list without a probability
//!   column), a path's probability depends on its length alone:
//!   `P(v) = p^dist(v)`, multiplied from the changed end. As long as those
//!   powers strictly decrease (checked for the depths reached), Dijkstra
//!   would settle nodes level by level and, within a level, by dense id; so
//!   a node's predecessor is its lowest-numbered dependency on the level
//!   before. The BFS finds exactly that (a top-down step keeps the lowest
//!   of the level's nodes that find a node, marking the new level in a
//!   bitset; a bottom-up step scans the sorted dependencies), and no heap
//!   or sorting is needed. Otherwise Dijkstra runs.
//! - **Radix heap.** Dijkstra's queue is a radix heap (Ahuja, Mehlhorn,
//!   Orlin and Tarjan, 1990) over the bits of the probabilities, which only
//!   decrease as Dijkstra proceeds. Entries of equal probability leave in
//!   ascending node order, exactly as from the binary heap it replaces.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use super::RadiusConfig;
use crate::frozen::FrozenGraph;

/// Reusable working memory for blast-radius queries: per-node arrays sized
/// to the graph, a queue and a heap.
///
/// The per-node arrays are not cleared between queries: a node's entries
/// are written when the BFS reaches it, and only reached nodes are read.
/// The bitset of reached nodes is cleared for the nodes the last query
/// reached, so starting a query costs time in proportion to the last one,
/// not to the graph.
///
/// A scratch is not tied to one graph: a query on a larger graph grows it.
/// It is `Send`, so each thread can own one (see
/// [`radius_batch`](super::radius_batch)).
pub struct RadiusScratch {
    /// Number of nodes the bitsets cover.
    nodes: usize,
    /// Bit `v` is set iff `v` was reached in the current query (it is in
    /// the depth ball). INVARIANT: every set bit's node is in `queue`.
    visited: Vec<u64>,
    /// The nodes of the current BFS level, for bottom-up steps.
    frontier: Vec<u64>,
    /// Impact probability of each node reached in the current query
    /// ([`NodeState::BELOW_FLOOR`] until Dijkstra reaches it); stale for the
    /// others. Kept apart from `links` because Dijkstra reads it once per
    /// edge: a compact array stays in cache longer. Made on the first query
    /// that runs Dijkstra: a graph with one probability on every edge never
    /// needs it (see `levels`).
    probability: Vec<f64>,
    /// The probability of each BFS level, or [`NodeState::BELOW_FLOOR`]
    /// below the floor, when the query took the one-probability path.
    levels: Vec<f64>,
    /// Whether the current query's probabilities are `levels` (by
    /// distance) rather than `probability` (by node).
    by_level: bool,
    /// Distance and predecessor of each node reached in the current query
    /// ([`Link::pack`]); stale for the others, so never cleared: made
    /// zeroed, the memory comes from the system untouched and only the
    /// pages a query reaches are ever written.
    links: Vec<u64>,
    /// The changed nodes, then every other reached node in BFS order.
    pub(super) queue: Vec<u32>,
    /// Number of changed nodes at the head of `queue`.
    pub(super) sources: usize,
    heap: RadixHeap,
    /// Spare room for sorting keys when assembling a result.
    pub(super) keys: Vec<u64>,
    pub(super) spare: Vec<u64>,
    tuning: Tuning,
}

/// When the BFS changes direction, and whether the one-probability path may
/// be taken. Fixed outside tests, which force each path.
#[derive(Debug, Clone, Copy)]
struct Tuning {
    /// Go bottom-up when the frontier's edges exceed the unexplored edges
    /// divided by this (Beamer's alpha).
    alpha: u64,
    /// Go back top-down when the frontier holds fewer than the nodes
    /// divided by this (Beamer's beta).
    beta: u64,
    /// Whether a graph with one probability on every edge skips Dijkstra.
    uniform: bool,
}

impl Tuning {
    const DEFAULT: Tuning = Tuning { alpha: 14, beta: 24, uniform: true };
}

/// What a BFS records about the nodes it reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Record {
    /// Nothing: the reach count.
    Nothing,
    /// Distances, with probabilities marked unknown for Dijkstra.
    Distances,
    /// Distances and the lowest-numbered dependency on the level before
    /// (the one-probability path).
    Parents,
}

impl RadiusScratch {
    /// A scratch for graphs of up to `node_count` nodes (it grows if used on
    /// a larger one).
    ///
    /// # Complexity
    /// `O(node_count / 64)` time; a quarter of a byte per node, plus 8
    /// bytes per node once a full radius runs and 8 more once one runs
    /// Dijkstra (a reach count needs only the bits, a graph with one
    /// probability on every edge never runs Dijkstra), each made on first
    /// need so that queries do not pay for what they do not use.
    pub fn new(node_count: usize) -> Self {
        let words = node_count.div_ceil(64);
        Self {
            nodes: node_count,
            visited: vec![0; words],
            frontier: vec![0; words],
            probability: Vec::new(),
            levels: Vec::new(),
            by_level: false,
            links: Vec::new(),
            queue: Vec::new(),
            sources: 0,
            heap: RadixHeap::default(),
            keys: Vec::new(),
            spare: Vec::new(),
            tuning: Tuning::DEFAULT,
        }
    }

    /// A scratch sized for `graph`.
    pub fn for_graph(graph: &FrozenGraph) -> Self {
        Self::new(graph.node_count())
    }

    /// Number of nodes the per-node arrays cover.
    pub fn capacity(&self) -> usize {
        self.nodes
    }

    /// Starts a query on a graph of `n` nodes: grows the arrays if needed
    /// and clears what the last query left.
    fn begin(&mut self, n: usize) {
        let words = n.div_ceil(64);
        if self.visited.len() < words {
            self.visited.resize(words, 0);
            self.frontier.resize(words, 0);
        }
        self.nodes = self.nodes.max(n);
        // INVARIANT: the set bits are those of the queued nodes.
        if self.queue.len() < self.visited.len() / 8 {
            for &v in &self.queue {
                if let Some(w) = self.visited.get_mut(v as usize / 64) {
                    *w = 0;
                }
            }
        } else {
            self.visited.fill(0);
        }
        self.queue.clear();
        self.heap.clear();
        self.sources = 0;
    }

    /// Marks `v` reached; false if it already was or is out of range.
    #[inline]
    fn reach(&mut self, v: u32) -> bool {
        let bit = 1u64 << (v % 64);
        match self.visited.get_mut(v as usize / 64) {
            Some(w) if *w & bit == 0 => {
                *w |= bit;
                true
            }
            _ => false,
        }
    }

    /// Runs BFS and Dijkstra for `sources` (sorted, deduplicated, in
    /// range). Afterwards `queue` holds the sources then the other reached
    /// nodes, and [`RadiusScratch::found`] what was found about them.
    pub(super) fn search(&mut self, graph: &FrozenGraph, sources: &[u32], config: &RadiusConfig) {
        let n = graph.node_count();
        self.begin(n);
        if self.links.len() < n {
            self.links = bytemuck::zeroed_vec(n);
        }
        for &c in sources {
            if self.reach(c) {
                self.queue.push(c);
                self.set_link(c, Link { distance: 0, predecessor: NodeState::NONE });
            }
        }
        self.sources = self.queue.len();
        let floor = config.probability_threshold();
        let uniform = graph.csr().uniform_probability().filter(|_| self.tuning.uniform);
        let Some(p) = uniform else {
            self.by_level = false;
            self.bfs(graph, Record::Distances, config.max_depth);
            self.dijkstra(graph, config.max_depth.is_some(), floor);
            return;
        };
        let depth = self.bfs(graph, Record::Parents, config.max_depth);
        // The probability of each level, if the powers strictly decrease;
        // below the floor, Dijkstra would never have reached the level.
        self.levels.clear();
        let mut power = 1.0f64;
        self.levels.push(power);
        for _ in 0..depth {
            let next = power * f64::from(p);
            if next.total_cmp(&power).is_ge() {
                // Equal powers would tie across levels: Dijkstra decides.
                self.by_level = false;
                self.dijkstra(graph, config.max_depth.is_some(), floor);
                return;
            }
            power = next;
            self.levels.push(if power.total_cmp(&floor).is_lt() { NodeState::BELOW_FLOOR } else { power });
        }
        self.by_level = true;
    }

    /// The bitset of the nodes the current query reached (changed nodes
    /// included), one bit a node.
    pub(super) fn visited_words(&self) -> &[u64] {
        &self.visited
    }

    /// What the last [`RadiusScratch::search`] found about `v`: `None` if
    /// its probability is below the floor. Meaningful only for nodes in the
    /// queue.
    #[inline]
    pub(super) fn found(&self, v: u32) -> Option<NodeState> {
        let link = Link::unpack(*self.links.get(v as usize)?);
        let probability = if self.by_level {
            *self.levels.get(link.distance as usize)?
        } else {
            *self.probability.get(v as usize)?
        };
        (probability >= 0.0).then_some(NodeState {
            distance: link.distance,
            predecessor: link.predecessor,
            probability,
        })
    }

    fn set_link(&mut self, v: u32, link: Link) {
        if let Some(l) = self.links.get_mut(v as usize) {
            *l = link.pack();
        }
    }

    /// Sets the predecessor of `v` to `keep(old, u)`.
    fn set_predecessor(&mut self, v: u32, u: u32, keep: impl Fn(u32, u32) -> u32) {
        if let Some(l) = self.links.get_mut(v as usize) {
            let mut link = Link::unpack(*l);
            link.predecessor = keep(link.predecessor, u);
            *l = link.pack();
        }
    }

    /// The number of nodes that can reach one of `changed`, not counting
    /// `changed` itself (ids out of range are ignored).
    pub(super) fn reach_count(&mut self, graph: &FrozenGraph, changed: &[u32]) -> usize {
        self.begin_count(graph, changed);
        self.bfs(graph, Record::Nothing, None);
        self.queue.len() - self.sources
    }

    /// Starts a reach count: the changed nodes in range, each once, queued
    /// as the sources.
    fn begin_count(&mut self, graph: &FrozenGraph, changed: &[u32]) {
        let n = graph.node_count();
        self.begin(n);
        for &c in changed {
            if (c as usize) < n && self.reach(c) {
                self.queue.push(c);
            }
        }
        self.sources = self.queue.len();
    }

    /// [`RadiusScratch::reach_count`], or `None` once the search has
    /// reached more than `bound` nodes besides the changed ones: top-down
    /// levels only, so a search that stops early costs at most about
    /// `bound` nodes' rows.
    pub(crate) fn reach_count_bounded(&mut self, graph: &FrozenGraph, changed: &[u32], bound: usize) -> Option<usize> {
        self.begin_count(graph, changed);
        let limit = self.sources.saturating_add(bound);
        if self.queue.len() > limit {
            return None;
        }
        let mut head = 0;
        while head < self.queue.len() {
            let end = self.queue.len();
            if !self.expand_counting(graph, head, end, limit) {
                return None;
            }
            head = end;
        }
        Some(self.queue.len() - self.sources)
    }

    /// Multi-source BFS over reverse edges from the nodes already in the
    /// queue, level by level, stopping after level `max_depth`; returns the
    /// last level reached. See the module docs for the two directions.
    fn bfs(&mut self, graph: &FrozenGraph, record: Record, max_depth: Option<u32>) -> u32 {
        let csr = graph.csr();
        let n = graph.node_count() as u64;
        let edges = graph.edge_count() as u64;
        let mut head = 0;
        let mut depth = 0u32;
        let mut bottom_up = false;
        while head < self.queue.len() {
            if max_depth.is_some_and(|d| depth >= d) {
                break;
            }
            let level_end = self.queue.len();
            let next = depth.saturating_add(1);
            let frontier_len = (level_end - head) as u64;
            // Beamer's test, with the unexplored edges estimated from the
            // unreached nodes.
            let unexplored = edges.saturating_mul(n.saturating_sub(level_end as u64)) / n.max(1);
            bottom_up = if bottom_up {
                frontier_len.saturating_mul(self.tuning.beta) >= n
            } else {
                let level = self.queue.get(head..level_end).unwrap_or_default();
                let ahead = level.get(16..).unwrap_or_default().iter().map(Some).chain(std::iter::repeat(None));
                let frontier_edges: u64 = level
                    .iter()
                    .zip(ahead)
                    .map(|(&u, w)| {
                        if let Some(&w) = w {
                            csr.prefetch_dependents(w, false);
                        }
                        csr.dependents_of(u).len() as u64
                    })
                    .sum();
                frontier_edges.saturating_mul(self.tuning.alpha) > unexplored && frontier_len > 0
            };
            if bottom_up {
                self.bottom_up(graph, head, level_end, next, record);
            } else {
                self.top_down(graph, head, level_end, next, record);
            }
            head = level_end;
            if self.queue.len() > level_end {
                depth = next;
            }
        }
        depth
    }

    /// Expands the level `queue[head..end]` through each node's dependents.
    ///
    /// Prefetching: the row of a node `PREFETCH` places ahead is requested
    /// (its offsets were requested `PREFETCH` places before that), so the
    /// cache misses of the next nodes overlap with this one's work.
    ///
    /// Recording parents, the nodes found on the new level are marked in
    /// `frontier` (clear between steps) so that a node found again from
    /// another node of this level keeps the lowest-numbered one: the
    /// parent the module docs promise, in any order of the level.
    fn top_down(&mut self, graph: &FrozenGraph, head: usize, end: usize, next: u32, record: Record) {
        const PREFETCH: usize = 8;
        let csr = graph.csr();
        if record == Record::Nothing {
            self.expand_counting(graph, head, end, usize::MAX);
            return;
        }
        let parents = record == Record::Parents;
        for i in head..end {
            if let Some(&w) = self.queue.get(i + PREFETCH).filter(|_| i + PREFETCH < end) {
                csr.prefetch_dependents(w, true);
            }
            let Some(&u) = self.queue.get(i) else { break };
            for &v in csr.dependents_of(u) {
                if self.reach(v) {
                    self.queue.push(v);
                    self.visit(v, u, next, record);
                    if parents {
                        set_bit(&mut self.frontier, v);
                    }
                } else if parents && is_set(&self.frontier, v) {
                    // Found on this level by another parent: keep the
                    // lowest-numbered one.
                    self.set_predecessor(v, u, u32::min);
                }
            }
        }
        if parents {
            clear_bits(&mut self.frontier, self.queue.get(end..).unwrap_or_default());
        }
    }

    /// The reach count's top-down step: expands `queue[head..end]` keeping
    /// only the bits and the queue; false (the step left unfinished) once
    /// the queue holds more than `limit` nodes.
    fn expand_counting(&mut self, graph: &FrozenGraph, head: usize, end: usize, limit: usize) -> bool {
        const PREFETCH: usize = 8;
        let csr = graph.csr();
        let Self { queue, visited, .. } = self;
        for i in head..end {
            if let Some(&w) = queue.get(i + PREFETCH).filter(|_| i + PREFETCH < end) {
                csr.prefetch_dependents(w, true);
            }
            let Some(&u) = queue.get(i) else { break };
            for &v in csr.dependents_of(u) {
                let bit = 1u64 << (v % 64);
                if let Some(word) = visited.get_mut(v as usize / 64)
                    && *word & bit == 0
                {
                    *word |= bit;
                    queue.push(v);
                }
            }
            if queue.len() > limit {
                return false;
            }
        }
        true
    }

    /// Finds the level after `queue[head..end]` by scanning every unreached
    /// node's dependencies for one in the level (for the reach count, any
    /// reached one: the count is the same and the scan ends sooner).
    fn bottom_up(&mut self, graph: &FrozenGraph, head: usize, end: usize, next: u32, record: Record) {
        let csr = graph.csr();
        let n = graph.node_count();
        if record != Record::Nothing {
            self.frontier.fill(0);
            for &u in self.queue.get(head..end).unwrap_or_default() {
                if let Some(w) = self.frontier.get_mut(u as usize / 64) {
                    *w |= 1 << (u % 64);
                }
            }
        }
        for word in 0..n.div_ceil(64) {
            let reached = self.visited.get(word).copied().unwrap_or(u64::MAX);
            let mut open = !reached;
            if word == n / 64 {
                open &= (1u64 << (n % 64)) - 1;
            }
            while open != 0 {
                let bit = open.trailing_zeros();
                open &= open - 1;
                let v = (word * 64) as u32 + bit;
                let parents = if record == Record::Nothing { &self.visited } else { &self.frontier };
                let parent = csr.dependencies_of(v).iter().copied().find(|&u| is_set(parents, u));
                if let Some(u) = parent {
                    if let Some(w) = self.visited.get_mut(word) {
                        *w |= 1 << bit;
                    }
                    self.queue.push(v);
                    self.visit(v, u, next, record);
                }
            }
        }
        if record != Record::Nothing {
            // INVARIANT: `frontier` is clear between steps.
            let Self { frontier, queue, .. } = self;
            clear_bits(frontier, queue.get(head..end).unwrap_or_default());
        }
    }

    /// Records what `record` asks about `v`, reached from `u` at `distance`.
    #[inline]
    fn visit(&mut self, v: u32, u: u32, distance: u32, record: Record) {
        match record {
            Record::Nothing => {}
            Record::Distances => self.set_link(v, Link { distance, predecessor: NodeState::NONE }),
            Record::Parents => self.set_link(v, Link { distance, predecessor: u }),
        }
    }

    /// Max-product Dijkstra from the sources over reverse edges whose
    /// dependent was reached by the BFS, never keeping a probability below
    /// `floor`. Unless the BFS was depth-`limited` it reached every
    /// dependent of every node Dijkstra settles, so the check is skipped.
    fn dijkstra(&mut self, graph: &FrozenGraph, limited: bool, floor: f64) {
        let csr = graph.csr();
        if self.probability.len() < self.links.len() {
            self.probability.resize(self.links.len(), NodeState::BELOW_FLOOR);
        }
        let Self { queue, probability, sources, .. } = &mut *self;
        for (i, &v) in queue.iter().enumerate() {
            if let Some(s) = probability.get_mut(v as usize) {
                *s = if i < *sources { 1.0 } else { NodeState::BELOW_FLOOR };
            }
        }
        for &c in self.queue.get(..self.sources).unwrap_or_default() {
            self.heap.push(1.0, c);
        }
        while let Some((p, u)) = self.heap.pop() {
            // A stale entry: `u` was raised above `p` after this was pushed.
            let settled = self.probability.get(u as usize).is_some_and(|s| p.total_cmp(s).is_ge());
            if !settled {
                continue;
            }
            let (sources, probabilities) = csr.dependents_with_probability(u);
            for (&v, &w) in sources.iter().zip(probabilities) {
                if limited && !is_set(&self.visited, v) {
                    continue;
                }
                let q = p * f64::from(w);
                if q.total_cmp(&floor).is_lt() {
                    continue;
                }
                if let Some(s) = self.probability.get_mut(v as usize)
                    && q.total_cmp(s).is_gt()
                {
                    *s = q;
                    self.set_predecessor(v, u, |_, u| u);
                    self.heap.push(q, v);
                }
            }
        }
    }
}

/// Sets bit `v` of `bits`.
#[inline]
fn set_bit(bits: &mut [u64], v: u32) {
    if let Some(w) = bits.get_mut(v as usize / 64) {
        *w |= 1 << (v % 64);
    }
}

/// Clears the words holding the bits of `nodes`.
fn clear_bits(bits: &mut [u64], nodes: &[u32]) {
    for &v in nodes {
        if let Some(w) = bits.get_mut(v as usize / 64) {
            *w = 0;
        }
    }
}

/// Whether bit `v` of `bits` is set.
#[inline]
fn is_set(bits: &[u64], v: u32) -> bool {
    bits.get(v as usize / 64).is_some_and(|w| w & (1 << (v % 64)) != 0)
}

impl std::fmt::Debug for RadiusScratch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RadiusScratch")
            .field("capacity", &self.nodes)
            .field("queue_capacity", &self.queue.capacity())
            .finish_non_exhaustive()
    }
}

/// What a query found about one node.
#[derive(Debug, Clone, Copy)]
pub(super) struct NodeState {
    pub(super) distance: u32,
    /// The node before this one on its most probable path, or
    /// [`NodeState::NONE`] for a changed node.
    pub(super) predecessor: u32,
    /// At least the floor, so at least 0.
    pub(super) probability: f64,
}

impl NodeState {
    /// No predecessor.
    pub(super) const NONE: u32 = u32::MAX;
    /// The probability of a node not (yet) reached by Dijkstra: below every
    /// floor, since floors are at least 0.
    const BELOW_FLOOR: f64 = -1.0;
}

/// How a node was reached.
#[derive(Debug, Clone, Copy)]
struct Link {
    distance: u32,
    predecessor: u32,
}

impl Link {
    /// The link as one word: the distance in the high half.
    fn pack(self) -> u64 {
        u64::from(self.distance) << 32 | u64::from(self.predecessor)
    }

    fn unpack(word: u64) -> Self {
        Self { distance: (word >> 32) as u32, predecessor: word as u32 }
    }
}

/// A monotone priority queue of `(probability, node)`: the most probable
/// first, then the lowest node. Probabilities pushed must be in `[0, 1]`
/// and at most the last one popped (Dijkstra's order), which makes a radix
/// heap exact.
///
/// A probability's key is `1.0`'s bits minus its bits: for non-negative
/// floats the bits grow with the value, so keys grow as probabilities
/// shrink. An entry sits in the bucket of the highest bit in which its key
/// differs from the last key popped; `equal` holds the entries whose key is
/// the last one, by node.
#[derive(Debug, Default)]
struct RadixHeap {
    buckets: Vec<Vec<(u64, u32)>>,
    equal: BinaryHeap<Reverse<u32>>,
    last: u64,
}

impl RadixHeap {
    const ONE: u64 = 0x3FF0_0000_0000_0000;

    fn clear(&mut self) {
        for b in &mut self.buckets {
            b.clear();
        }
        self.equal.clear();
        self.last = 0;
    }

    fn key(p: f64) -> u64 {
        Self::ONE.saturating_sub(p.to_bits())
    }

    fn push(&mut self, p: f64, node: u32) {
        let key = Self::key(p);
        if key <= self.last {
            // Equal (a key below the last cannot happen; if it did, popping
            // it next is the best order left).
            self.equal.push(Reverse(node));
            return;
        }
        self.place(key, node);
    }

    fn place(&mut self, key: u64, node: u32) {
        let b = (64 - (key ^ self.last).leading_zeros()) as usize;
        if self.buckets.len() <= b {
            self.buckets.resize_with(b + 1, Vec::new);
        }
        if let Some(bucket) = self.buckets.get_mut(b) {
            bucket.push((key, node));
        }
    }

    fn pop(&mut self) -> Option<(f64, u32)> {
        if self.equal.is_empty() {
            // Refill from the first non-empty bucket: its smallest key
            // becomes the last, and its entries move to lower buckets.
            let b = self.buckets.iter().position(|b| !b.is_empty())?;
            let mut bucket = std::mem::take(self.buckets.get_mut(b)?);
            self.last = bucket.iter().map(|e| e.0).min()?;
            for &(key, node) in &bucket {
                if key == self.last {
                    self.equal.push(Reverse(node));
                } else {
                    self.place(key, node);
                }
            }
            bucket.clear();
            if let Some(slot) = self.buckets.get_mut(b) {
                *slot = bucket;
            }
        }
        let Reverse(node) = self.equal.pop()?;
        Some((f64::from_bits(Self::ONE - self.last), node))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::radius::{radius_with, reach_count_with};
    use crate::{BuildOptions, EdgeSpec, GraphBuilder, GraphFragment, Origin, Probability};

    /// A random graph of `n` nodes and `m` edge records, every edge with
    /// probability `p` (the default, 0.9, when `None`).
    fn graph(n: u32, m: usize, p: Option<f64>, mut state: u64) -> FrozenGraph {
        let mut next = move |bound: u32| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % u64::from(bound)) as u32
        };
        let mut fragment = GraphFragment::new("random", Origin::Listed);
        for i in 0..n {
            fragment.node(&format!("n{}", (i * 7919) % n), String::new).unwrap();
        }
        for _ in 0..m {
            // Hubs: a third of the edges go to the first few nodes.
            let (a, b) = (next(n), if next(3) == 0 { next(n.min(8)) } else { next(n) });
            let spec = EdgeSpec { probability: p.and_then(Probability::new), ..EdgeSpec::default() };
            fragment.edge(a, b, spec).unwrap();
        }
        let mut builder = GraphBuilder::new(BuildOptions::default());
        builder.add(fragment).unwrap();
        builder.build().unwrap().freeze()
    }

    /// Every way through the code gives the same result: BFS top-down only,
    /// bottom-up whenever possible, Beamer's switch; with or without the
    /// one-probability shortcut.
    #[test]
    fn every_strategy_gives_the_same_radius() {
        let reference = Tuning { alpha: 0, beta: 24, uniform: false };
        let others = [
            Tuning { alpha: u64::MAX, beta: u64::MAX, uniform: false },
            Tuning::DEFAULT,
            Tuning { alpha: 0, beta: 24, uniform: true },
            Tuning { alpha: u64::MAX, beta: u64::MAX, uniform: true },
        ];
        let configs = [
            RadiusConfig::default(),
            RadiusConfig::default().with_max_depth(2),
            RadiusConfig::default().with_min_probability(Probability::new(0.3).unwrap()),
            RadiusConfig::default().with_max_depth(1).with_min_probability(Probability::new(0.95).unwrap()),
        ];
        let mut uniform_graphs = 0;
        for (seed, p) in [None, Some(0.5), Some(1.0), Some(0.0), Some(0.999), Some(0.3)].into_iter().enumerate() {
            for (n, m) in [(12, 30), (300, 900), (3000, 12_000)] {
                let graph = graph(n, m, p, 0x2545_f491_4f6c_dd1d + seed as u64);
                uniform_graphs += usize::from(graph.csr().uniform_probability().is_some());
                let changesets = [vec![0], vec![1, 5], vec![n - 1], (0..n).step_by(97).collect()];
                for config in &configs {
                    for changed in &changesets {
                        let mut scratch = RadiusScratch::new(0);
                        scratch.tuning = reference;
                        let expected = radius_with(&mut scratch, &graph, changed, config);
                        let count = reach_count_with(&mut scratch, &graph, changed);
                        for tuning in others {
                            scratch.tuning = tuning;
                            let got = radius_with(&mut scratch, &graph, changed, config);
                            assert_eq!(got, expected, "{tuning:?} p {p:?} n {n} {config:?} {changed:?}");
                            assert_eq!(reach_count_with(&mut scratch, &graph, changed), count, "{tuning:?}");
                        }
                    }
                }
            }
        }
        assert!(uniform_graphs >= 15, "{uniform_graphs}");
    }

    /// Small results sort by id string until the graph ranks its ids, then
    /// by rank: the same order.
    #[test]
    fn sorting_by_id_or_by_rank_agrees() {
        let graph = graph(20_000, 16_000, None, 7);
        let mut scratch = RadiusScratch::new(0);
        let sets: Vec<Vec<u32>> = (8..20_000).step_by(997).map(|i| vec![i, i + 1]).collect();
        let before: Vec<_> =
            sets.iter().map(|c| radius_with(&mut scratch, &graph, c, &RadiusConfig::default())).collect();
        assert!(!graph.has_id_ranks());
        assert!(before.iter().any(|b| b.affected_count() > 1));
        let _ = graph.id_ranks();
        for (c, b) in sets.iter().zip(&before) {
            assert_eq!(&radius_with(&mut scratch, &graph, c, &RadiusConfig::default()), b);
        }
    }

    /// A stated probability of `-0` (the edge list reads `-0` as a number
    /// in `[0, 1]`) once sorted below the floor 0 and hid the dependent.
    #[test]
    fn negative_zero_probability_still_reaches() {
        let mut fragment = GraphFragment::new("zero", Origin::Listed);
        let web = fragment.node("web", String::new).unwrap();
        let db = fragment.node("db", String::new).unwrap();
        let spec = EdgeSpec { probability: Probability::new(-0.0), ..EdgeSpec::default() };
        // Fragment ids are local: the graph numbers nodes in id order.
        assert!(spec.probability.is_some());
        fragment.edge(web, db, spec).unwrap();
        let mut builder = GraphBuilder::new(BuildOptions::default());
        builder.add(fragment).unwrap();
        let graph = builder.build().unwrap().freeze();
        let (web, db) = (graph.index_of("web").unwrap(), graph.index_of("db").unwrap());
        let blast = crate::radius::radius(&graph, &[db], &RadiusConfig::default());
        let affected = blast.get(web).map(|a| a.probability().get().to_bits());
        assert_eq!(affected, Some(0.0f64.to_bits()));
    }

    #[test]
    fn heap_order_is_probability_then_lower_id() {
        let mut heap = RadixHeap::default();
        for (p, node) in [(0.5, 3), (0.9, 7), (0.5, 1), (0.9, 2), (0.0, 0), (1.0, 9)] {
            heap.push(p, node);
        }
        let mut order = Vec::new();
        while let Some((p, node)) = heap.pop() {
            order.push(node);
            // Pushing the probability just popped (an edge of probability 1)
            // comes out before anything less probable, lowest node first.
            if node == 7 {
                heap.push(p, 4);
                heap.push(p, 8);
            }
        }
        assert_eq!(order, [9, 2, 7, 4, 8, 1, 3, 0]);
    }

    #[test]
    fn heap_matches_a_binary_heap() {
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let mut radix = RadixHeap::default();
        let mut reference = BinaryHeap::new();
        let mut last = 1.0f64;
        for round in 0..20_000 {
            if round % 3 != 0 || reference.is_empty() {
                // Never above the last popped, as in Dijkstra.
                let p = match next() % 4 {
                    0 => last,
                    1 => last * 0.5,
                    _ => last * ((next() % 1000) as f64 / 1000.0),
                };
                let node = (next() % 500) as u32;
                radix.push(p, node);
                reference.push((p.to_bits(), Reverse(node)));
            } else {
                let (bits, Reverse(node)) = reference.pop().unwrap();
                let got = radix.pop().unwrap();
                assert_eq!((got.0.to_bits(), got.1), (bits, node));
                last = f64::from_bits(bits);
            }
        }
    }

    #[test]
    fn bits_are_cleared_between_queries() {
        let mut scratch = RadiusScratch::new(200);
        scratch.begin(200);
        for v in [3, 64, 199] {
            assert!(scratch.reach(v));
            scratch.queue.push(v);
        }
        assert!(!scratch.reach(64));
        scratch.begin(200);
        assert!(scratch.visited.iter().all(|&w| w == 0));
        assert!(scratch.reach(64));
    }

    #[test]
    fn grows_for_a_larger_graph() {
        let mut scratch = RadiusScratch::new(1);
        scratch.begin(10);
        assert_eq!(scratch.capacity(), 10);
        assert!(scratch.reach(9));
    }
}
