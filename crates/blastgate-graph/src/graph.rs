//! The merged, validated, build-time graph.

use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::EdgeRef;

use crate::fragment::{NameIndex, Warning};
use crate::frozen::{Csr, EdgeAttributes, FrozenGraph};
use crate::model::{Dependency, Node};

/// A validated service dependency graph, as merged from its sources.
///
/// Node ids are numbered `0..node_count()` in id order (byte order), so
/// the numbering, and everything ordered by it, does not depend on the
/// order of the inputs. Edges point from dependent to
/// dependency ("A depends on B"), sorted by `(dependent, dependency)`, with
/// no duplicates and no self-loops.
///
/// This is the build-time form (on petgraph). Queries run on the
/// [`FrozenGraph`] made by [`ServiceGraph::freeze`].
///
/// The petgraph graph holds the structure only: node `i` is `nodes[i]` and
/// edge `e` has the attributes `deps.get(e, ..)` (edges are added in sorted order and never
/// removed), which keeps petgraph's per-node entries at 8 bytes and its
/// per-edge ones at 16. The compact adjacency that freezing needs is made
/// while the graph is built, so freezing moves arrays and copies nothing.
#[derive(Debug, Clone)]
pub struct ServiceGraph {
    graph: DiGraph<(), (), u32>,
    nodes: Vec<Node>,
    deps: EdgeAttributes,
    csr: Csr,
    index: NameIndex,
    warnings: Vec<Warning>,
    sources: Vec<String>,
}

impl ServiceGraph {
    pub(crate) fn new(
        graph: DiGraph<(), (), u32>,
        nodes: Vec<Node>,
        deps: EdgeAttributes,
        csr: Csr,
        index: NameIndex,
        warnings: Vec<Warning>,
        sources: Vec<String>,
    ) -> Self {
        Self { graph, nodes, deps, csr, index, warnings, sources }
    }

    /// Number of nodes.
    pub fn node_count(&self) -> usize {
        self.nodes.len()
    }

    /// Number of edges (after duplicates were merged and self-loops dropped).
    pub fn edge_count(&self) -> usize {
        self.csr.edge_count()
    }

    /// The dense id of the node named `id`.
    pub fn index_of(&self, id: &str) -> Option<u32> {
        self.index.get(id, |i| self.nodes.get(i as usize).map(Node::id))
    }

    /// The node named `id`.
    pub fn node(&self, id: &str) -> Option<&Node> {
        self.index_of(id).and_then(|i| self.node_at(i))
    }

    /// The node with dense id `index`.
    pub fn node_at(&self, index: u32) -> Option<&Node> {
        self.nodes.get(index as usize)
    }

    /// Every node, by dense id.
    pub fn nodes(&self) -> impl ExactSizeIterator<Item = &Node> + '_ {
        self.nodes.iter()
    }

    /// Every edge as `(dependent, dependency, attributes)`, sorted by
    /// dependent then dependency (dense ids).
    pub fn dependencies(&self) -> impl Iterator<Item = (&Node, &Node, &Dependency)> + '_ {
        self.graph.raw_edges().iter().enumerate().filter_map(move |(i, e)| {
            let a = self.nodes.get(e.source().index())?;
            let b = self.nodes.get(e.target().index())?;
            Some((a, b, self.dependency_at(i)?))
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
        let edge_attr = |_: &DiGraph<(), (), u32>, e: petgraph::graph::EdgeReference<'_, (), u32>| {
            let Some(d) = self.dependency_at(e.id().index()) else { return String::new() };
            let style = if d.strength() == crate::model::Strength::Soft { ", style = dashed" } else { "" };
            format!("label = \"{} {:.2}\"{style}", d.kind(), d.probability().get())
        };
        let node_attr = |_: &DiGraph<(), (), u32>, (i, _): (NodeIndex<u32>, &())| {
            let Some(n) = self.nodes.get(i.index()) else { return String::new() };
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
    /// `O(V)`: the adjacency was made while building; the petgraph graph is
    /// dropped and each node classified in a byte. The result holds about
    /// 44 bytes per edge plus about 120 per node (see
    /// [`FrozenGraph::heap_bytes`]).
    pub fn freeze(self) -> FrozenGraph {
        let Self { graph, nodes, deps, csr, index, warnings, .. } = self;
        // Returning petgraph's arrays to the system takes a while: overlap
        // it with classifying the nodes.
        rayon::join(move || drop(graph), move || FrozenGraph::new(nodes, index, csr, deps, warnings)).1
    }

    /// Edges out of `index` (its dependencies), for the naive reference
    /// algorithms in tests.
    pub fn dependencies_of(&self, index: u32) -> impl Iterator<Item = (u32, &Dependency)> + '_ {
        self.graph
            .edges(NodeIndex::new(index as usize))
            .filter_map(|e| Some((e.target().index() as u32, self.dependency_at(e.id().index())?)))
    }

    /// Edges into `index` (its dependents), for the naive reference
    /// algorithms in tests.
    pub fn dependents_of(&self, index: u32) -> impl Iterator<Item = (u32, &Dependency)> + '_ {
        self.graph
            .edges_directed(NodeIndex::new(index as usize), petgraph::Direction::Incoming)
            .filter_map(|e| Some((e.source().index() as u32, self.dependency_at(e.id().index())?)))
    }
}

impl ServiceGraph {
    /// The attributes of edge number `edge` (petgraph's edge index).
    fn dependency_at(&self, edge: usize) -> Option<&Dependency> {
        let (_, targets) = self.csr.fwd();
        self.deps.get(edge, targets, |v| self.nodes.get(v as usize).map(Node::kind))
    }
}

/// Escapes a string for a double-quoted DOT id or label.
pub fn escape_dot(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            // Graphviz decodes character references (`&#10;`, `&#x202e;`)
            // in labels: an id could add a line or a character ids may not
            // hold (a rendering audit).
            '&' => out.push_str("&amp;"),
            '\n' => out.push_str("\\n"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::escape_dot;

    /// Graphviz decodes character references in labels: an id must not
    /// add a line or a character ids may not hold (a rendering audit).
    #[test]
    fn dot_labels_hold_no_character_references() {
        assert_eq!(escape_dot("a&#10;tier 3&#x202e;"), "a&amp;#10;tier 3&amp;#x202e;");
        assert_eq!(escape_dot("say \"hi\"\\"), "say \\\"hi\\\"\\\\");
    }
}
