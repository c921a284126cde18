//! The blast radius as an assessment reports it.

use std::collections::BTreeMap;

use blastgate_graph::{Affected, BlastRadius, FrozenGraph, RadiusConfig};

use crate::assessment::{AffectedNode, EvidencePath, JourneyReached, MAX_PATH_NODES, RadiusReport, round6};

/// The `k` most critical affected nodes, with their ids: by weight x
/// probability (descending), then id. One pass keeps the `k` best so far in
/// a heap whose top is the worst of them, so a radius of hundreds of
/// thousands of nodes costs one pass and no memory in proportion to it;
/// a `k` near the radius's size selects in linear time instead.
///
/// The order is total (ids are distinct), so the first `j` of the `k` most
/// critical are the `j` most critical: one call serves every list.
pub(crate) fn most_critical<'a>(
    graph: &'a FrozenGraph,
    blast: &'a BlastRadius,
    config: &RadiusConfig,
    k: usize,
) -> Vec<(&'a str, &'a Affected)> {
    // Ties are broken by the rank of the id (its position in id order),
    // which orders as the ids do without comparing strings: in a large
    // radius many nodes tie on weight x probability.
    let identity = graph.numbered_in_id_order();
    let rank = |i: u32| if identity { i } else { graph.id_rank(i).unwrap_or(u32::MAX) };
    // A map, not a filter, so that `least` knows how many there are (every
    // affected node is in the graph).
    let candidates = blast
        .affected()
        .iter()
        .map(|a| Ranked(a.probability().get() * config.weight_at(graph, a.node()), rank(a.node()), a));
    blastgate_graph::least(candidates, k)
        .into_iter()
        .filter_map(|Ranked(_, _, a)| graph.node(a.node()).map(|n| (n.id(), a)))
        .collect()
}

/// An affected node with its weight x probability and id rank, ordered
/// most critical first: the larger product, then the smaller rank.
struct Ranked<'a>(f64, u32, &'a Affected);

impl Ord for Ranked<'_> {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        other.0.total_cmp(&self.0).then(self.1.cmp(&other.1))
    }
}

impl PartialOrd for Ranked<'_> {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Ranked<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == std::cmp::Ordering::Equal
    }
}

impl Eq for Ranked<'_> {}

/// The report of `blast`, listing at most `limit` affected nodes: the most
/// critical first (weight x probability, descending, then id).
pub(crate) fn radius_report(
    graph: &FrozenGraph,
    blast: &BlastRadius,
    ranked: &[(&str, &Affected)],
    limit: usize,
) -> RadiusReport {
    let id = |i: u32| graph.node(i).map_or_else(String::new, |n| n.id().to_owned());
    // The path's ids, its first and last halves when it is longer than
    // MAX_PATH_NODES, and how many were left out between them.
    let ids = |path: Vec<u32>| -> (Vec<String>, usize) {
        let half = MAX_PATH_NODES / 2;
        if path.len() <= MAX_PATH_NODES {
            return (path.into_iter().map(id).collect(), 0);
        }
        let omitted = path.len() - 2 * half;
        let head = path.iter().take(half);
        let tail = path.iter().skip(path.len() - half);
        (head.chain(tail).map(|&i| id(i)).collect(), omitted)
    };
    let mut changed: Vec<String> = blast.changed().iter().map(|&i| id(i)).collect();
    changed.sort_unstable();
    let affected: Vec<AffectedNode> = ranked
        .iter()
        .take(limit)
        .map(|&(service, a)| {
            let node = graph.node(a.node());
            let (path, path_omitted) = ids(blast.path_to(a.node()));
            AffectedNode {
                service: service.to_owned(),
                distance: a.distance(),
                probability: round6(a.probability().get()),
                path,
                path_omitted,
                tier: a.tier().level(),
                kind: node.map_or("service", |n| n.kind().as_str()).to_owned(),
                owner: node.and_then(|n| n.owner()).map(str::to_owned),
            }
        })
        .collect();
    let by_tier: BTreeMap<String, usize> =
        blast.tier_counts().iter().enumerate().map(|(t, c)| (t.to_string(), *c)).collect();
    RadiusReport {
        affected_not_listed: blast.affected_count().saturating_sub(affected.len()),
        changed,
        affected,
        affected_count: blast.affected_count(),
        by_tier,
        highest_tier: blast.highest_tier().map(|t| t.level()),
        weighted_impact: round6(blast.weighted_impact()),
        max_distance: blast.max_distance(),
        journey_count: blast.journeys().len(),
        owner_count: blast.owners().len(),
        journeys: blast
            .journeys()
            .iter()
            .take(limit)
            .map(|j| JourneyReached {
                service: id(j.node()),
                probability: round6(j.probability().get()),
                distance: j.distance(),
            })
            .collect(),
        owners: blast.owners().take(limit).map(str::to_owned).collect(),
        evidence: blast
            .evidence()
            .iter()
            .map(|e| {
                let (path, path_omitted) = ids(e.nodes().to_vec());
                EvidencePath {
                    target: id(e.target()),
                    tier: e.tier().level(),
                    probability: round6(e.probability().get()),
                    path,
                    path_omitted,
                }
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "test code: a panic is a failed test")]

    use blastgate_graph::{
        BuildOptions, EdgeSpec, GraphBuilder, GraphFragment, Origin, Probability, RadiusConfig, radius,
    };

    use super::most_critical;

    /// The heap that keeps the `k` best in one pass lists what sorting the
    /// whole radius lists first, ties (many) broken by id.
    #[test]
    fn the_k_most_critical_are_the_first_k_of_all() {
        let mut f = GraphFragment::new("g", Origin::Listed);
        let hub = f.node("hub", String::new).unwrap();
        for i in 0..3000u32 {
            let d = f.node(&format!("d{}", (i * 7919) % 3000), String::new).unwrap();
            let p = Probability::new(f64::from(i % 37 + 1) / 40.0).unwrap();
            f.edge(d, hub, EdgeSpec { probability: Some(p), ..EdgeSpec::default() }).unwrap();
        }
        let mut builder = GraphBuilder::new(BuildOptions::default());
        builder.add(f).unwrap();
        let graph = builder.build().unwrap().freeze();
        let config = RadiusConfig::default();
        let blast = radius(&graph, &[graph.index_of("hub").unwrap()], &config);
        assert_eq!(blast.affected_count(), 3000);
        let all = most_critical(&graph, &blast, &config, 3000);
        for window in all.windows(2) {
            let ((id_a, a), (id_b, b)) = (window[0], window[1]);
            let order = b.probability().get().total_cmp(&a.probability().get()).then(id_a.cmp(id_b));
            assert_eq!(order, std::cmp::Ordering::Less, "sorted by probability, then id");
        }
        for k in [0, 1, 10, 50, 374, 375, 376, 2999] {
            assert_eq!(most_critical(&graph, &blast, &config, k), all[..k], "k = {k}");
        }
    }
}
