//! The frozen graph: an immutable, compact query structure.
//!
//! Forward (dependencies) and reverse (dependents) adjacency are kept as
//! compressed sparse rows over dense `u32` ids. Traversals run here, never
//! on the build-time petgraph graph: a reverse walk over a compact CSR is
//! several times faster than petgraph's `Bfs` over `Reversed` (measured on a
//! 10M-edge graph; see docs/performance.md).

use crate::fragment::{NameIndex, Warning};
use crate::model::{Dependency, Node};
use crate::scc::{Components, strongly_connected_components};

/// An immutable graph ready for queries. Cheap to share across threads
/// (`Send + Sync`, no interior mutability).
///
/// INVARIANT: `fwd_offsets` and `rev_offsets` have `node_count() + 1`
/// non-decreasing entries ending at `edge_count()`; every target in
/// `fwd_targets`, source in `rev_sources` and edge in `rev_edges` is in
/// range. [`FrozenGraph::from_sorted`] establishes this and nothing mutates
/// it afterwards.
#[derive(Debug, Clone)]
pub struct FrozenGraph {
    nodes: Vec<Node>,
    index: NameIndex,
    fwd_offsets: Vec<u32>,
    fwd_targets: Vec<u32>,
    /// Attributes of edge `e` (forward order).
    deps: Vec<Dependency>,
    rev_offsets: Vec<u32>,
    rev_sources: Vec<u32>,
    /// The forward edge number of each reverse entry.
    rev_edges: Vec<u32>,
    /// Propagation probability of each reverse entry (hot in traversals).
    rev_probability: Vec<f32>,
    warnings: Vec<Warning>,
}

impl FrozenGraph {
    /// Builds from edges sorted by `(dependent, dependency)`.
    ///
    /// The reverse rows are filled by one scattered write per array and
    /// edge, in a loop kept small so that the processor overlaps the cache
    /// misses; the attributes move into their array in place, with no
    /// second copy of the largest array.
    pub(crate) fn from_sorted(
        nodes: Vec<Node>,
        index: NameIndex,
        edges: Vec<(u32, u32, Dependency)>,
        warnings: Vec<Warning>,
    ) -> Self {
        let n = nodes.len();
        let m = edges.len();
        let mut fwd_offsets = vec![0u32; n + 1];
        let mut rev_offsets = vec![0u32; n + 1];
        let mut fwd_targets = Vec::with_capacity(m);
        let mut probability = Vec::with_capacity(m);
        for (from, to, dep) in &edges {
            bump(&mut fwd_offsets, *from as usize + 1);
            bump(&mut rev_offsets, *to as usize + 1);
            fwd_targets.push(*to);
            probability.push(dep.probability().get() as f32);
        }
        prefix_sum(&mut fwd_offsets);
        prefix_sum(&mut rev_offsets);
        let mut rev_sources = vec![0u32; m];
        let mut rev_edges = vec![0u32; m];
        let mut rev_probability = vec![0f32; m];
        let mut cursor: Vec<u32> = rev_offsets.clone();
        for from in 0..n {
            let (a, b) = range(&fwd_offsets, from as u32);
            let from = u32::try_from(from).unwrap_or(u32::MAX);
            let targets = fwd_targets.get(a..b).unwrap_or_default();
            let probabilities = probability.get(a..b).unwrap_or_default();
            for ((&to, &p), e) in targets.iter().zip(probabilities).zip(a..) {
                let Some(c) = cursor.get_mut(to as usize) else { continue };
                let slot = *c as usize;
                *c += 1;
                if let (Some(s), Some(re), Some(rp)) =
                    (rev_sources.get_mut(slot), rev_edges.get_mut(slot), rev_probability.get_mut(slot))
                {
                    *s = from;
                    *re = u32::try_from(e).unwrap_or(u32::MAX);
                    *rp = p;
                }
            }
        }
        drop(cursor);
        drop(probability);
        // In place: the tuples' buffer is reused for the attributes.
        let deps: Vec<Dependency> = edges.into_iter().map(|(_, _, dep)| dep).collect();
        Self {
            nodes,
            index,
            fwd_offsets,
            fwd_targets,
            deps,
            rev_offsets,
            rev_sources,
            rev_edges,
            rev_probability,
            warnings,
        }
    }

    /// Number of nodes.
    pub fn node_count(&self) -> usize {
        self.nodes.len()
    }

    /// Number of edges.
    pub fn edge_count(&self) -> usize {
        self.fwd_targets.len()
    }

    /// The dense id of the node named `id`.
    pub fn index_of(&self, id: &str) -> Option<u32> {
        self.index.get(id).copied()
    }

    /// The node with dense id `index`.
    pub fn node(&self, index: u32) -> Option<&Node> {
        self.nodes.get(index as usize)
    }

    /// Every node, by dense id.
    pub fn nodes(&self) -> &[Node] {
        &self.nodes
    }

    /// Warnings from loading and merging.
    pub fn warnings(&self) -> &[Warning] {
        &self.warnings
    }

    /// The dependencies of `index` (targets of its out-edges), ascending.
    pub fn dependencies_of(&self, index: u32) -> &[u32] {
        let (a, b) = range(&self.fwd_offsets, index);
        self.fwd_targets.get(a..b).unwrap_or_default()
    }

    /// The dependents of `index` (sources of its in-edges), ascending.
    pub fn dependents_of(&self, index: u32) -> &[u32] {
        let (a, b) = range(&self.rev_offsets, index);
        self.rev_sources.get(a..b).unwrap_or_default()
    }

    /// The dependents of `index` with the propagation probability of each
    /// edge, ascending by dependent.
    pub fn dependents_with_probability(&self, index: u32) -> impl Iterator<Item = (u32, f32)> + '_ {
        let (a, b) = range(&self.rev_offsets, index);
        let s = self.rev_sources.get(a..b).unwrap_or_default();
        let p = self.rev_probability.get(a..b).unwrap_or_default();
        s.iter().copied().zip(p.iter().copied())
    }

    /// The attributes of the edge `dependent -> dependency`, if present.
    ///
    /// # Complexity
    /// `O(log d)` for `d` dependencies of `dependent`.
    pub fn dependency(&self, dependent: u32, dependency: u32) -> Option<&Dependency> {
        let (a, _) = range(&self.fwd_offsets, dependent);
        let pos = self.dependencies_of(dependent).binary_search(&dependency).ok()?;
        self.deps.get(a + pos)
    }

    /// Every edge as `(dependent, dependency, attributes)` in sorted order.
    pub fn edges(&self) -> impl Iterator<Item = (u32, u32, &Dependency)> + '_ {
        (0..self.nodes.len() as u32).flat_map(move |from| {
            let (a, b) = range(&self.fwd_offsets, from);
            let targets = self.fwd_targets.get(a..b).unwrap_or_default();
            let deps = self.deps.get(a..b).unwrap_or_default();
            targets.iter().zip(deps).map(move |(&to, d)| (from, to, d))
        })
    }

    /// The forward edge number of each reverse entry of `index`, parallel to
    /// [`FrozenGraph::dependents_of`].
    pub fn dependent_edges_of(&self, index: u32) -> &[u32] {
        let (a, b) = range(&self.rev_offsets, index);
        self.rev_edges.get(a..b).unwrap_or_default()
    }

    /// The attributes of forward edge number `edge`.
    pub fn dependency_at(&self, edge: u32) -> Option<&Dependency> {
        self.deps.get(edge as usize)
    }

    /// Strongly connected components (iterative Tarjan; no recursion).
    ///
    /// # Complexity
    /// `O(V + E)` time and `O(V)` extra memory.
    pub fn components(&self) -> Components {
        strongly_connected_components(&self.fwd_offsets, &self.fwd_targets)
    }

    /// The cycles: every strongly connected component of more than one
    /// node, each as ids sorted by id, the list sorted by its first id.
    pub fn cycles(&self) -> Vec<Vec<&str>> {
        let components = self.components();
        let mut out: Vec<Vec<&str>> = components
            .groups()
            .into_iter()
            .filter(|g| g.len() > 1)
            .map(|g| {
                let mut ids: Vec<&str> = g.iter().filter_map(|&i| self.node(i).map(Node::id)).collect();
                ids.sort_unstable();
                ids
            })
            .collect();
        out.sort_unstable();
        out
    }

    /// Approximate heap bytes held, for docs/performance.md.
    pub fn heap_bytes(&self) -> usize {
        use std::mem::size_of;
        let ids: usize = self.nodes.iter().map(|n| 2 * n.id().len()).sum();
        self.nodes.capacity() * size_of::<Node>()
            + ids
            + self.index.capacity() * (size_of::<Box<str>>() + size_of::<u32>() + 1)
            + (self.fwd_offsets.capacity() + self.rev_offsets.capacity()) * 4
            + (self.fwd_targets.capacity() + self.rev_sources.capacity() + self.rev_edges.capacity()) * 4
            + self.rev_probability.capacity() * 4
            + self.deps.capacity() * size_of::<Dependency>()
    }
}

fn bump(counts: &mut [u32], i: usize) {
    if let Some(c) = counts.get_mut(i) {
        *c += 1;
    }
}

fn prefix_sum(counts: &mut [u32]) {
    let mut acc = 0u32;
    for c in counts.iter_mut() {
        acc += *c;
        *c = acc;
    }
}

fn range(offsets: &[u32], index: u32) -> (usize, usize) {
    let i = index as usize;
    let a = offsets.get(i).copied().unwrap_or(0) as usize;
    let b = offsets.get(i + 1).copied().unwrap_or(0) as usize;
    (a, b.max(a))
}
