//! The traversals behind a blast radius: multi-source BFS for distances and
//! the depth ball, then max-product Dijkstra for probabilities and
//! predecessors, over arrays reused across queries.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use super::RadiusConfig;
use crate::frozen::FrozenGraph;

/// Reusable working memory for blast-radius queries: per-node arrays sized
/// to the graph, a queue and a heap.
///
/// Arrays are not cleared between queries: each query takes a new epoch
/// number and a node counts as visited only when its stamp equals the
/// current epoch, so starting a query costs `O(1)`, not `O(V)`. Every
/// `u32::MAX - 1` queries the stamps are reset once.
///
/// A scratch is not tied to one graph: a query on a larger graph grows it.
/// It is `Send`, so each thread can own one (see
/// [`radius_batch`](super::radius_batch)).
pub struct RadiusScratch {
    /// The current query's number; 0 before the first query.
    epoch: u32,
    /// `stamp[v] == epoch` iff `v` was reached in the current query (it is
    /// in the depth ball). INVARIANT: no stamp is above `epoch`.
    stamp: Vec<u32>,
    /// Impact probability of each node reached in the current query
    /// ([`NodeState::BELOW_FLOOR`] until Dijkstra reaches it); stale for the
    /// others. Kept apart from `links` because Dijkstra reads it once per
    /// edge: a compact array stays in cache longer.
    probability: Vec<f64>,
    /// Distance and predecessor of each node reached in the current query;
    /// stale for the others.
    links: Vec<Link>,
    /// The changed nodes, then every other reached node in BFS order.
    pub(super) queue: Vec<u32>,
    /// Number of changed nodes at the head of `queue`.
    pub(super) sources: usize,
    heap: BinaryHeap<Candidate>,
    /// Spare room for sorting positions when assembling a result.
    pub(super) work: Vec<u32>,
}

impl RadiusScratch {
    /// A scratch for graphs of up to `node_count` nodes (it grows if used on
    /// a larger one).
    ///
    /// # Complexity
    /// `O(node_count)` time; 20 bytes per node.
    pub fn new(node_count: usize) -> Self {
        Self {
            epoch: 0,
            stamp: vec![0; node_count],
            probability: vec![NodeState::BELOW_FLOOR; node_count],
            links: vec![Link::UNREACHED; node_count],
            queue: Vec::new(),
            sources: 0,
            heap: BinaryHeap::new(),
            work: Vec::new(),
        }
    }

    /// A scratch sized for `graph`.
    pub fn for_graph(graph: &FrozenGraph) -> Self {
        Self::new(graph.node_count())
    }

    /// Number of nodes the per-node arrays cover.
    pub fn capacity(&self) -> usize {
        self.stamp.len()
    }

    /// Starts a query on a graph of `n` nodes: grows the arrays if needed
    /// and moves to a new epoch. Returns the epoch.
    fn begin(&mut self, n: usize) -> u32 {
        if self.stamp.len() < n {
            self.stamp.resize(n, 0);
            self.probability.resize(n, NodeState::BELOW_FLOOR);
            self.links.resize(n, Link::UNREACHED);
        }
        self.epoch = match self.epoch.checked_add(1) {
            Some(e) => e,
            None => {
                // INVARIANT: after the reset every stamp is 0, below epoch 1.
                self.stamp.fill(0);
                1
            }
        };
        self.queue.clear();
        self.heap.clear();
        self.sources = 0;
        self.epoch
    }

    /// Marks `v` reached in this epoch; false if it already was or is out of
    /// range.
    fn reach(&mut self, epoch: u32, v: u32) -> bool {
        match self.stamp.get_mut(v as usize) {
            Some(s) if *s != epoch => {
                *s = epoch;
                true
            }
            _ => false,
        }
    }

    /// Runs BFS and Dijkstra for `sources` (sorted, deduplicated, in
    /// range). Afterwards `queue` holds the sources then the other reached
    /// nodes, and [`RadiusScratch::found`] what was found about them.
    pub(super) fn search(&mut self, graph: &FrozenGraph, sources: &[u32], config: &RadiusConfig) {
        let epoch = self.begin(graph.node_count());
        for &c in sources {
            if self.reach(epoch, c) {
                self.queue.push(c);
                self.set(c, Link { distance: 0, predecessor: NodeState::NONE }, 1.0);
            }
        }
        self.sources = self.queue.len();
        self.bfs::<true>(graph, epoch, config.max_depth);
        self.dijkstra(graph, epoch, config.max_depth.is_some(), config.probability_threshold());
    }

    /// What the last [`RadiusScratch::search`] found about `v`: `None` if
    /// its probability is below the floor. Meaningful only for nodes in the
    /// queue.
    pub(super) fn found(&self, v: u32) -> Option<NodeState> {
        let probability = *self.probability.get(v as usize)?;
        let link = self.links.get(v as usize)?;
        (probability >= 0.0).then_some(NodeState {
            distance: link.distance,
            predecessor: link.predecessor,
            probability,
        })
    }

    fn set(&mut self, v: u32, link: Link, probability: f64) {
        if let (Some(l), Some(p)) = (self.links.get_mut(v as usize), self.probability.get_mut(v as usize)) {
            *l = link;
            *p = probability;
        }
    }

    /// The number of nodes that can reach one of `changed`, not counting
    /// `changed` itself (ids out of range are ignored).
    pub(super) fn reach_count(&mut self, graph: &FrozenGraph, changed: &[u32]) -> usize {
        let n = graph.node_count();
        let epoch = self.begin(n);
        for &c in changed {
            if (c as usize) < n && self.reach(epoch, c) {
                self.queue.push(c);
            }
        }
        self.sources = self.queue.len();
        self.bfs::<false>(graph, epoch, None);
        self.queue.len() - self.sources
    }

    /// Multi-source BFS over reverse edges from the nodes already in the
    /// queue, level by level, stopping after level `max_depth`. With
    /// `RECORD`, sets the distance of each node reached and marks its
    /// probability unknown.
    fn bfs<const RECORD: bool>(&mut self, graph: &FrozenGraph, epoch: u32, max_depth: Option<u32>) {
        let mut head = 0;
        let mut depth = 0u32;
        while head < self.queue.len() {
            if max_depth.is_some_and(|d| depth >= d) {
                break;
            }
            let level_end = self.queue.len();
            let next = depth.saturating_add(1);
            while head < level_end {
                let Some(&u) = self.queue.get(head) else { break };
                head += 1;
                for &v in graph.dependents_of(u) {
                    if self.reach(epoch, v) {
                        self.queue.push(v);
                        if RECORD {
                            let link = Link { distance: next, predecessor: NodeState::NONE };
                            self.set(v, link, NodeState::BELOW_FLOOR);
                        }
                    }
                }
            }
            depth = next;
        }
    }

    /// Max-product Dijkstra from the sources over reverse edges whose
    /// dependent was reached by the BFS, never keeping a probability below
    /// `floor`. Unless the BFS was depth-`limited` it reached every
    /// dependent of every node Dijkstra settles, so the check is skipped.
    fn dijkstra(&mut self, graph: &FrozenGraph, epoch: u32, limited: bool, floor: f64) {
        for &c in self.queue.get(..self.sources).unwrap_or_default() {
            self.heap.push(Candidate { probability: 1.0, node: c });
        }
        while let Some(Candidate { probability: p, node: u }) = self.heap.pop() {
            // A stale entry: `u` was raised above `p` after this was pushed.
            let settled = self.probability.get(u as usize).is_some_and(|s| p.total_cmp(s).is_ge());
            if !settled {
                continue;
            }
            for (v, w) in graph.dependents_with_probability(u) {
                if limited && self.stamp.get(v as usize) != Some(&epoch) {
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
                    if let Some(link) = self.links.get_mut(v as usize) {
                        link.predecessor = u;
                    }
                    self.heap.push(Candidate { probability: q, node: v });
                }
            }
        }
    }
}

impl std::fmt::Debug for RadiusScratch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RadiusScratch")
            .field("epoch", &self.epoch)
            .field("capacity", &self.stamp.len())
            .field("queue_capacity", &self.queue.capacity())
            .field("heap_capacity", &self.heap.capacity())
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
    const UNREACHED: Link = Link { distance: u32::MAX, predecessor: NodeState::NONE };
}

/// A heap entry: the most probable first, then the lowest dense id.
#[derive(Debug, Clone, Copy)]
struct Candidate {
    probability: f64,
    node: u32,
}

impl Ord for Candidate {
    fn cmp(&self, other: &Self) -> Ordering {
        self.probability.total_cmp(&other.probability).then_with(|| other.node.cmp(&self.node))
    }
}

impl PartialOrd for Candidate {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Candidate {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Candidate {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heap_order_is_probability_then_lower_id() {
        let mut heap = BinaryHeap::new();
        for (p, node) in [(0.5, 3), (0.9, 7), (0.5, 1), (0.9, 2), (0.0, 0)] {
            heap.push(Candidate { probability: p, node });
        }
        let order: Vec<u32> = std::iter::from_fn(|| heap.pop()).map(|c| c.node).collect();
        assert_eq!(order, [2, 7, 1, 3, 0]);
    }

    #[test]
    fn epoch_wraps_by_resetting_stamps() {
        let mut scratch = RadiusScratch::new(4);
        scratch.epoch = u32::MAX - 1;
        let e = scratch.begin(4);
        assert_eq!(e, u32::MAX);
        assert!(scratch.reach(e, 2));
        assert!(!scratch.reach(e, 2));
        let e = scratch.begin(4);
        assert_eq!(e, 1);
        assert!(scratch.stamp.iter().all(|&s| s == 0));
        assert!(scratch.reach(e, 2));
    }

    #[test]
    fn grows_for_a_larger_graph() {
        let mut scratch = RadiusScratch::new(1);
        let e = scratch.begin(10);
        assert_eq!(scratch.capacity(), 10);
        assert!(scratch.reach(e, 9));
        assert!(!scratch.reach(e, 10));
    }
}
