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
/// a comma, `#` or `"`, which the edge list reads as separators, a comment
/// or quoting; nothing is written then (export the native JSON instead).
/// The edge list reader takes such ids quoted, but the tools this writer
/// serves do not, so it writes none.
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
    let n = u32::try_from(graph.node_count()).unwrap_or(u32::MAX);
    let id = |i: u32| graph.node_at(i).map_or("", |node| node.id());
    // Nodes in id order: the builder numbers them so (checked, then sorted
    // only if not), and each row is sorted by its targets' rank in that
    // order, so the text is sorted by the two ids with integer sorts.
    let mut order: Vec<u32> = (0..n).collect();
    if !order.windows(2).all(|w| matches!(w, [a, b] if id(*a) < id(*b))) {
        order.sort_unstable_by(|&a, &b| id(a).cmp(id(b)));
    }
    let mut rank = vec![0u32; order.len()];
    for (r, &i) in (0u32..).zip(&order) {
        if let Some(slot) = rank.get_mut(i as usize) {
            *slot = r;
        }
    }
    let has_edges = |i: u32| graph.dependencies_of(i).next().is_some() || graph.dependents_of(i).next().is_some();
    let unwritable = |i: u32| id(i).contains([' ', '\t', ',', '#', '"']);
    if let Some(bad) = (0..n).find(|&i| has_edges(i) && unwritable(i)) {
        let bad = id(bad);
        return Err(GraphError::invalid(
            "(edge list)",
            format!("node `{bad}`"),
            bad,
            "an edge list cannot hold a node id with a space, a tab, a comma, `#` or `\"` (they separate columns, start a comment or quote)",
        )
        .with_help("export the graph as native JSON (`--to json`) instead"));
    }
    let named = (0..n).filter(|&i| has_edges(i)).count();
    let mut out = String::with_capacity(graph.edge_count().saturating_mul(24).saturating_add(128));
    // Writing to a `String` cannot fail.
    let _ = writeln!(
        out,
        "{} {named} nodes, {} edges (ids and propagation probabilities only)",
        super::header::EXPORT_MARK,
        graph.edge_count(),
    );
    let mut row: Vec<(u32, u32, f64)> = Vec::new();
    for &from in &order {
        row.clear();
        row.extend(
            graph
                .dependencies_of(from)
                .map(|(to, d)| (rank.get(to as usize).copied().unwrap_or(u32::MAX), to, d.probability().get() + 0.0)),
        );
        row.sort_unstable_by_key(|&(r, _, _)| r);
        for &(_, to, p) in &row {
            out.push_str(id(from));
            out.push(' ');
            out.push_str(id(to));
            if p.to_bits() != plain.to_bits() {
                let _ = write!(out, " {p}");
            }
            out.push('\n');
        }
    }
    Ok(out)
}
