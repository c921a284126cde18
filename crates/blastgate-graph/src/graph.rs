//! The merged, validated, build-time graph.

use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::EdgeRef;

use crate::fragment::{NameIndex, Warning};
use crate::frozen::FrozenGraph;
use crate::model::{Dependency, Node};

/// A validated service dependency graph, as merged from its sources.
///
/// Node ids are interned to dense integers `0..node_count()` in order of
/// first appearance over the inputs. Edges point from dependent to
/// dependency ("A depends on B"), sorted by `(dependent, dependency)`, with
/// no duplicates and no self-loops.
///
/// This is the build-time form (on petgraph). Queries run on the
/// [`FrozenGraph`] made by [`ServiceGraph::freeze`].
#[derive(Debug, Clone)]
pub struct ServiceGraph {
    graph: DiGraph<Node, Dependency, u32>,
    index: NameIndex,
    warnings: Vec<Warning>,
    sources: Vec<String>,
}

impl ServiceGraph {
    pub(crate) fn new(
        graph: DiGraph<Node, Dependency, u32>,
        index: NameIndex,
        warnings: Vec<Warning>,
        sources: Vec<String>,
    ) -> Self {
        Self { graph, index, warnings, sources }
    }

    /// Number of nodes.
    pub fn node_count(&self) -> usize {
        self.graph.node_count()
    }

    /// Number of edges (after duplicates were merged and self-loops dropped).
    pub fn edge_count(&self) -> usize {
        self.graph.edge_count()
    }

    /// The dense id of the node named `id`.
    pub fn index_of(&self, id: &str) -> Option<u32> {
        self.index.get(id).copied()
    }

    /// The node named `id`.
    pub fn node(&self, id: &str) -> Option<&Node> {
        self.index_of(id).and_then(|i| self.node_at(i))
    }

    /// The node with dense id `index`.
    pub fn node_at(&self, index: u32) -> Option<&Node> {
        self.graph.node_weight(NodeIndex::new(index as usize))
    }

    /// Every node, by dense id.
    pub fn nodes(&self) -> impl ExactSizeIterator<Item = &Node> + '_ {
        self.graph.raw_nodes().iter().map(|n| &n.weight)
    }

    /// Every edge as `(dependent, dependency, attributes)`, sorted by
    /// dependent then dependency (dense ids).
    pub fn dependencies(&self) -> impl Iterator<Item = (&Node, &Node, &Dependency)> + '_ {
        self.graph.raw_edges().iter().filter_map(move |e| {
            let a = self.graph.node_weight(e.source())?;
            let b = self.graph.node_weight(e.target())?;
            Some((a, b, &e.weight))
        })
    }

    /// Warnings from loading and merging.
    pub fn warnings(&self) -> &[Warning] {
        &self.warnings
    }

    /// The names of the sources merged, in order.
    pub fn sources(&self) -> &[String] {
        &self.sources
    }

    /// The graph as Graphviz DOT (petgraph's dot writer), edges labelled
    /// with kind and probability, soft edges dashed.
    pub fn to_dot(&self) -> String {
        use petgraph::dot::{Config, Dot};
        let edge_attr = |_: &DiGraph<Node, Dependency, u32>, e: petgraph::graph::EdgeReference<'_, Dependency, u32>| {
            let d = e.weight();
            let style = if d.strength() == crate::model::Strength::Soft { ", style = dashed" } else { "" };
            format!("label = \"{} {:.2}\"{style}", d.kind(), d.probability().get())
        };
        let node_attr = |_: &DiGraph<Node, Dependency, u32>, (_, n): (NodeIndex<u32>, &Node)| {
            let shape = match n.kind() {
                crate::model::NodeKind::Datastore | crate::model::NodeKind::Cache => "cylinder",
                crate::model::NodeKind::Queue => "cds",
                crate::model::NodeKind::Journey => "doubleoctagon",
                crate::model::NodeKind::External => "plaintext",
                crate::model::NodeKind::Api => "note",
                _ => "box",
            };
            let tier = n.tier().map(|t| format!("\\ntier {t}")).unwrap_or_default();
            format!("label = \"{}{tier}\", shape = {shape}", escape_dot(n.id()))
        };
        let dot =
            Dot::with_attr_getters(&self.graph, &[Config::EdgeNoLabel, Config::NodeNoLabel], &edge_attr, &node_attr);
        format!("{dot:?}")
    }

    /// Freezes the graph into the compact query structure.
    ///
    /// # Complexity
    /// `O(V + E)` time; the result holds about 40 bytes per edge.
    pub fn freeze(self) -> FrozenGraph {
        let (nodes, edges) = self.graph.into_nodes_edges();
        let nodes: Vec<Node> = nodes.into_iter().map(|n| n.weight).collect();
        let edges: Vec<(u32, u32, Dependency)> =
            edges.into_iter().map(|e| (e.source().index() as u32, e.target().index() as u32, e.weight)).collect();
        FrozenGraph::from_sorted(nodes, self.index, edges, self.warnings)
    }

    /// Edges out of `index` (its dependencies), for the naive reference
    /// algorithms in tests.
    pub fn dependencies_of(&self, index: u32) -> impl Iterator<Item = (u32, &Dependency)> + '_ {
        self.graph.edges(NodeIndex::new(index as usize)).map(|e| (e.target().index() as u32, e.weight()))
    }

    /// Edges into `index` (its dependents), for the naive reference
    /// algorithms in tests.
    pub fn dependents_of(&self, index: u32) -> impl Iterator<Item = (u32, &Dependency)> + '_ {
        self.graph
            .edges_directed(NodeIndex::new(index as usize), petgraph::Direction::Incoming)
            .map(|e| (e.source().index() as u32, e.weight()))
    }
}

/// Escapes a string for a double-quoted DOT id or label.
pub fn escape_dot(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}
