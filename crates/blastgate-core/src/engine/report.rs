//! The blast radius as an assessment reports it.

use std::collections::BTreeMap;

use blastgate_graph::{Affected, BlastRadius, FrozenGraph, RadiusConfig};

use crate::assessment::{AffectedNode, EvidencePath, JourneyReached, MAX_PATH_NODES, RadiusReport, round6};

/// The `k` most critical affected nodes, with their ids: by weight x
/// probability (descending), then id. Selected in linear time and only
/// those `k` sorted, so a radius of hundreds of thousands of nodes costs
/// one pass.
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
    let mut ranked: Vec<(f64, u32, &Affected)> = blast
        .affected()
        .iter()
        .filter_map(|a| graph.node(a.node()).map(|n| (a.probability().get() * config.weight(n), rank(a.node()), a)))
        .collect();
    let order = |a: &(f64, u32, &Affected), b: &(f64, u32, &Affected)| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1));
    if ranked.len() > k && k > 0 {
        ranked.select_nth_unstable_by(k - 1, order);
    }
    ranked.truncate(k);
    ranked.sort_by(order);
    ranked.into_iter().filter_map(|(_, _, a)| graph.node(a.node()).map(|n| (n.id(), a))).collect()
}

/// The report of `blast`, listing at most `limit` affected nodes: the most
/// critical first (weight x probability, descending, then id).
pub(crate) fn radius_report(
    graph: &FrozenGraph,
    blast: &BlastRadius,
    config: &RadiusConfig,
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
    let ranked = most_critical(graph, blast, config, limit);
    let affected: Vec<AffectedNode> = ranked
        .into_iter()
        .map(|(service, a)| {
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
