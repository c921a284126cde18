//! The attributes of every edge, stored once per edge or not at all.
//!
//! Large graphs come from edge lists, whose edges have no attributes of
//! their own: each edge's attributes follow from the kind of its
//! dependency. Storing a [`Dependency`] per edge would cost 32 bytes an
//! edge (320 MB for 10M edges) to repeat one of four values, so such
//! graphs store the four values and nothing per edge.

use crate::build::default_edge_kind;
use crate::model::{Dependency, EdgeKind, NodeKind, Origin, Strength};

/// The attributes of the edges of a graph, by forward edge number.
#[derive(Debug, Clone)]
pub(crate) enum EdgeAttributes {
    /// Each edge's own attributes. INVARIANT: one per edge.
    Each(Vec<Dependency>),
    /// No source stated any edge attribute, and every source that named
    /// edges had the same trust: an edge's attributes are those of a hard
    /// edge of the default kind for its dependency (see
    /// [`default_edge_kind`]), with no probability or observation stated.
    Plain(Plain),
}

/// The attributes of the edges of a [`EdgeAttributes::Plain`] graph.
#[derive(Debug, Clone)]
pub(crate) struct Plain {
    origin: Origin,
    /// The attributes of an edge of each kind, in [`EdgeKind::ALL`] order.
    by_kind: [Dependency; 4],
}

impl EdgeAttributes {
    /// The attributes of plain edges whose sources have trust `origin`.
    pub(crate) fn plain(origin: Origin) -> Self {
        let of = |kind| Dependency { kind, strength: Strength::Hard, probability: None, observation: None, origin };
        Self::Plain(Plain { origin, by_kind: EdgeKind::ALL.map(of) })
    }

    /// The attributes of edge `edge`, whose dependency is `target`, where
    /// `kind_of` gives a node's kind. `None` past the last edge.
    #[inline]
    pub(crate) fn get(
        &self,
        edge: usize,
        targets: &[u32],
        kind_of: impl FnOnce(u32) -> Option<NodeKind>,
    ) -> Option<&Dependency> {
        match self {
            Self::Each(deps) => deps.get(edge),
            Self::Plain(plain) => {
                let slot = match default_edge_kind(kind_of(*targets.get(edge)?)) {
                    EdgeKind::Sync => 0,
                    EdgeKind::Async => 1,
                    EdgeKind::Data => 2,
                    EdgeKind::Infrastructure => 3,
                };
                plain.by_kind.get(slot)
            }
        }
    }

    /// Every edge's attributes, for tests.
    #[cfg(test)]
    pub(crate) fn expand(&self, targets: &[u32], kinds: &[NodeKind]) -> Vec<Dependency> {
        let kind_of = |v: u32| kinds.get(v as usize).copied();
        (0..targets.len()).filter_map(|e| self.get(e, targets, kind_of).cloned()).collect()
    }

    /// The trust of every edge's sources, for plain edges.
    pub(crate) fn plain_origin(&self) -> Option<Origin> {
        match self {
            Self::Each(_) => None,
            Self::Plain(plain) => Some(plain.origin),
        }
    }

    /// Heap bytes held.
    pub(crate) fn heap_bytes(&self) -> usize {
        match self {
            Self::Each(deps) => deps.capacity() * std::mem::size_of::<Dependency>(),
            Self::Plain(_) => 0,
        }
    }
}
