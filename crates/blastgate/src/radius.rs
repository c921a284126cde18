//! The blast radius of a change: every node that transitively depends on a
//! changed node, how likely a failure reaches it (the most probable
//! propagation path), how far away it is, and the aggregates a gate scores
//! (counts per tier, criticality-weighted impact, journeys reached, owning
//! teams, evidence paths). The semantics and the math are in docs/model.md.
//!
//! ```
//! use blastgate::graph::{BuildOptions, GraphLoader};
//! use blastgate::radius::{RadiusConfig, radius};
//!
//! let mut loader = GraphLoader::new(BuildOptions::default());
//! loader.add_bytes(blastgate::demo::TOPOLOGY_NAME, blastgate::demo::TOPOLOGY.as_bytes(), None)?;
//! let graph = loader.build()?.freeze();
//! let pricing = graph.index_of("pricing").unwrap_or_default();
//! let blast = radius(&graph, &[pricing], &RadiusConfig::default());
//! let checkout = graph.index_of("checkout-journey").unwrap_or_default();
//! assert!(blast.get(checkout).is_some(), "a pricing change reaches checkout");
//! # Ok::<(), blastgate::GraphError>(())
//! ```

pub use blastgate_graph::{
    Affected, BlastRadius, EvidencePath, FLOOR_SLACK, RadiusConfig, RadiusScratch, TierWeights, radius, radius_batch,
    radius_with, reach_count_with,
};

use blastgate_graph::FrozenGraph;
use rayon::prelude::*;

/// The affected count of each changeset (no depth limit, no probability
/// floor), computed in parallel, in the order given: the cheap path for
/// large batches that need only sizes.
///
/// # Complexity
/// One BFS per changeset over the nodes that reach it, spread over rayon's
/// threads; no allocation per changeset beyond one scratch per worker.
pub fn reach_count_batch<C: AsRef<[u32]> + Sync>(graph: &FrozenGraph, changesets: &[C]) -> Vec<usize> {
    changesets
        .par_iter()
        .map_init(|| RadiusScratch::new(graph.node_count()), |s, c| reach_count_with(s, graph, c.as_ref()))
        .collect()
}
