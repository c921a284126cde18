//! Writing a graph as an edge list, for tools that read only edges
//! (python-igraph's `Read_Ncol`, networkx's `read_edgelist`) and for
//! measuring blastgate on a graph of one's own beside them.

use std::fmt::Write as _;

use blastgate_graph::{GraphError, NodeKind, Probability, ServiceGraph, Strength, default_edge_kind};

/// Renders `graph` as an edge list that loads back with the same blast
/// radii: one line `dependent dependency` per edge, sorted by the two ids,
/// with a third column holding the edge's propagation probability when it
/// differs from the one an edge-list edge gets by default (every node of an
/// edge list is a `service`, so a call to a datastore, a soft or an
/// asynchronous edge, or a stated probability is written out). A comment
/// line comes first, with the numbers of nodes and edges written.
///
/// What an edge list cannot hold is left out: node attributes (kind, tier,
/// owner, traffic, labels), edge kinds and observations, and nodes without
/// edges. Reloaded, the graph reaches the same nodes with the same
/// probabilities from every changed node; tiers, journeys and owners, and
/// so impacts and decisions, need the other formats.
///
/// # Errors
/// [`GraphError::InvalidValue`] if an edge's node id holds a space, a tab,
/// a comma or `#`, which the edge list reads as separators or a comment;
/// nothing is written then (export the native JSON instead).
///
/// # Example
/// ```
/// use blastgate_graph::{BuildOptions, GraphBuilder};
/// let mut b = GraphBuilder::new(BuildOptions::default());
/// b.add(blastgate_ingest::edgelist::parse("a.edges", b"web api\napi db 0.5\n")?)?;
/// let text = blastgate_ingest::edgelist::to_edge_list(&b.build()?)?;
/// assert!(text.ends_with("api db 0.5\nweb api\n"));
/// # Ok::<(), blastgate_graph::GraphError>(())
/// ```
pub fn to_edge_list(graph: &ServiceGraph) -> Result<String, GraphError> {
    let plain = Probability::default_for(default_edge_kind(Some(NodeKind::Service)), Strength::Hard).get();
    let mut edges: Vec<(&str, &str, f64)> =
        graph.dependencies().map(|(a, b, d)| (a.id(), b.id(), d.probability().get() + 0.0)).collect();
    if let Some(id) = edges.iter().flat_map(|&(a, b, _)| [a, b]).find(|id| id.contains([' ', '\t', ',', '#'])) {
        return Err(GraphError::invalid(
            "(edge list)",
            format!("node `{id}`"),
            id,
            "an edge list cannot hold a node id with a space, a tab, a comma or `#` (they separate columns or start a comment)",
        )
        .with_help("export the graph as native JSON (`--to json`) instead"));
    }
    edges.sort_unstable_by(|x, y| (x.0, x.1).cmp(&(y.0, y.1)));
    let mut named: Vec<&str> = edges.iter().flat_map(|&(a, b, _)| [a, b]).collect();
    named.sort_unstable();
    named.dedup();
    let mut out = String::with_capacity(edges.len().saturating_mul(24).saturating_add(128));
    // Writing to a `String` cannot fail.
    let _ = writeln!(
        out,
        "# blastgate edge list: {} nodes, {} edges (ids and propagation probabilities only)",
        named.len(),
        edges.len(),
    );
    for (a, b, p) in edges {
        out.push_str(a);
        out.push(' ');
        out.push_str(b);
        if p.to_bits() != plain.to_bits() {
            let _ = write!(out, " {p}");
        }
        out.push('\n');
    }
    Ok(out)
}
