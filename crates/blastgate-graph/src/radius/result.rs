//! The result of a blast-radius query and its aggregates.

use std::cmp::Ordering;

use super::search::{NodeState, RadiusScratch};
use super::{RadiusConfig, is_journey};
use crate::frozen::FrozenGraph;
use crate::model::{Node, Probability, Tier};

/// The blast radius of a changeset: every affected node with its distance,
/// impact probability and most probable path, and the aggregates a gate
/// scores. See the [module docs](super) for the definitions.
#[derive(Debug, Clone, PartialEq)]
pub struct BlastRadius {
    changed: Vec<u32>,
    unknown: Vec<u32>,
    /// Sorted by id string.
    affected: Vec<Affected>,
    /// `(node, position in affected)`, sorted by node, for lookups.
    by_node: Vec<(u32, u32)>,
    tier_counts: [usize; 4],
    weighted_impact: f64,
    max_distance: u32,
    /// The affected journeys, in the order of `affected`.
    journeys: Vec<Affected>,
    owners: Vec<Box<str>>,
    evidence: Vec<EvidencePath>,
}

impl BlastRadius {
    /// The changed nodes that are in the graph: dense ids, ascending,
    /// without duplicates.
    pub fn changed(&self) -> &[u32] {
        &self.changed
    }

    /// The changed ids that are not in the graph (ignored), ascending,
    /// without duplicates.
    pub fn unknown(&self) -> &[u32] {
        &self.unknown
    }

    /// Every affected node, sorted by id string. Changed nodes are never
    /// listed, even when another changed node reaches them.
    pub fn affected(&self) -> &[Affected] {
        &self.affected
    }

    /// Number of affected nodes.
    pub fn affected_count(&self) -> usize {
        self.affected.len()
    }

    /// Whether no node is affected.
    pub fn is_empty(&self) -> bool {
        self.affected.is_empty()
    }

    /// What the query found about `node`, if it is affected.
    ///
    /// # Complexity
    /// `O(log A)` for `A` affected nodes.
    pub fn get(&self, node: u32) -> Option<&Affected> {
        let i = self.by_node.binary_search_by_key(&node, |&(n, _)| n).ok()?;
        let &(_, position) = self.by_node.get(i)?;
        self.affected.get(position as usize)
    }

    /// Whether `node` is affected.
    pub fn is_affected(&self, node: u32) -> bool {
        self.get(node).is_some()
    }

    /// The most probable propagation path to `node`, from a changed node to
    /// `node` (so each node depends on the one before it). `[node]` for a
    /// changed node; empty for a node that is neither changed nor affected.
    /// Every node on the path is changed (the first) or affected, and the
    /// product of its edges' probabilities is [`Affected::probability`].
    ///
    /// # Complexity
    /// `O(L log A)` for a path of `L` nodes and `A` affected nodes.
    pub fn path_to(&self, node: u32) -> Vec<u32> {
        if self.changed.binary_search(&node).is_ok() {
            return vec![node];
        }
        let Some(mut step) = self.get(node) else {
            return Vec::new();
        };
        let mut path = vec![node];
        // INVARIANT: predecessors form a forest rooted at changed nodes (the
        // Dijkstra tree), so the walk ends at a changed node; the bound only
        // guards against a bug turning it into an endless loop.
        for _ in 0..=self.affected.len() {
            let p = step.predecessor;
            if p == NodeState::NONE {
                break;
            }
            path.push(p);
            match self.get(p) {
                Some(next) => step = next,
                None => break,
            }
        }
        path.reverse();
        path
    }

    /// Number of affected nodes in each tier, by tier number (0 is
    /// critical), using [`Node::effective_tier`].
    pub fn tier_counts(&self) -> [usize; 4] {
        self.tier_counts
    }

    /// Number of affected nodes in `tier`.
    pub fn count_in_tier(&self, tier: Tier) -> usize {
        self.tier_counts.get(usize::from(tier.level())).copied().unwrap_or(0)
    }

    /// The most critical tier among affected nodes (the lowest number), or
    /// `None` if nothing is affected.
    pub fn highest_tier(&self) -> Option<Tier> {
        let level = self.tier_counts.iter().position(|&c| c > 0)?;
        u8::try_from(level).ok().and_then(Tier::new)
    }

    /// The criticality-weighted impact: the sum over affected nodes of
    /// probability times [`RadiusConfig::weight`], summed in the order of
    /// [`BlastRadius::affected`].
    pub fn weighted_impact(&self) -> f64 {
        self.weighted_impact
    }

    /// The largest distance of an affected node (0 if none).
    pub fn max_distance(&self) -> u32 {
        self.max_distance
    }

    /// The affected user journeys ([`NodeKind::Journey`](crate::NodeKind::Journey)
    /// nodes), sorted by id string.
    pub fn journeys(&self) -> &[Affected] {
        &self.journeys
    }

    /// The distinct owners of affected nodes, sorted by byte order.
    pub fn owners(&self) -> impl ExactSizeIterator<Item = &str> + '_ {
        self.owners.iter().map(|o| &**o)
    }

    /// Evidence: paths to the most critical affected nodes, at most
    /// [`RadiusConfig::top_paths`], ranked by tier (most critical first),
    /// then probability (highest first), then id string.
    pub fn evidence(&self) -> &[EvidencePath] {
        &self.evidence
    }
}

/// One affected node.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Affected {
    node: u32,
    distance: u32,
    predecessor: u32,
    tier: Tier,
    probability: Probability,
}

impl Affected {
    /// The node's dense id.
    pub fn node(&self) -> u32 {
        self.node
    }

    /// Fewest edges from a changed node (at least 1).
    pub fn distance(&self) -> u32 {
        self.distance
    }

    /// Impact probability: the most probable propagation path's product of
    /// edge probabilities.
    pub fn probability(&self) -> Probability {
        self.probability
    }

    /// The node before this one on its most probable path: a changed node
    /// or another affected node.
    pub fn predecessor(&self) -> u32 {
        self.predecessor
    }

    /// The node's effective tier.
    pub fn tier(&self) -> Tier {
        self.tier
    }
}

/// The most probable path to one of the most critical affected nodes.
#[derive(Debug, Clone, PartialEq)]
pub struct EvidencePath {
    nodes: Vec<u32>,
    tier: Tier,
    probability: Probability,
}

impl EvidencePath {
    /// The path, from a changed node to the target (dense ids).
    pub fn nodes(&self) -> &[u32] {
        &self.nodes
    }

    /// The affected node the path leads to.
    pub fn target(&self) -> u32 {
        self.nodes.last().copied().unwrap_or(NodeState::NONE)
    }

    /// The target's effective tier.
    pub fn tier(&self) -> Tier {
        self.tier
    }

    /// The path's probability (the target's impact probability).
    pub fn probability(&self) -> Probability {
        self.probability
    }
}

/// Splits `changed` into the sorted, deduplicated ids in the graph and
/// those not in it.
pub(super) fn split_changed(graph: &FrozenGraph, changed: &[u32]) -> (Vec<u32>, Vec<u32>) {
    let mut all = changed.to_vec();
    all.sort_unstable();
    all.dedup();
    let n = graph.node_count();
    let known = all.partition_point(|&c| (c as usize) < n);
    let unknown = all.split_off(known);
    (all, unknown)
}

/// Builds the result from the scratch after
/// [`RadiusScratch::search`] ran for `changed`.
pub(super) fn assemble(
    scratch: &mut RadiusScratch,
    graph: &FrozenGraph,
    changed: Vec<u32>,
    unknown: Vec<u32>,
    config: &RadiusConfig,
) -> BlastRadius {
    let affected = collect_affected(scratch, graph);
    let mut by_node: Vec<(u32, u32)> = affected.iter().zip(0u32..).map(|(a, i)| (a.node, i)).collect();
    by_node.sort_unstable();

    let mut tier_counts = [0usize; 4];
    let mut weighted_impact = 0.0;
    let mut max_distance = 0;
    let mut journeys = Vec::new();
    for a in &affected {
        if let Some(c) = tier_counts.get_mut(usize::from(a.tier.level())) {
            *c += 1;
        }
        max_distance = max_distance.max(a.distance);
        if let Some(node) = graph.node(a.node) {
            weighted_impact += a.probability.get() * config.weight(node);
            if is_journey(node) {
                journeys.push(*a);
            }
        }
    }
    let owners = owners(&mut scratch.work, graph, &affected);
    let mut blast = BlastRadius {
        changed,
        unknown,
        affected,
        by_node,
        tier_counts,
        weighted_impact,
        max_distance,
        journeys,
        owners,
        evidence: Vec::new(),
    };
    blast.evidence = evidence(&mut scratch.work, &blast, config.top_paths);
    blast
}

/// The nodes reached with a probability at or above the floor, other than
/// the changed nodes, sorted by id string.
fn collect_affected(scratch: &RadiusScratch, graph: &FrozenGraph) -> Vec<Affected> {
    let reached = scratch.queue.get(scratch.sources..).unwrap_or_default();
    let kept = |v: u32| scratch.found(v);
    let count = reached.iter().filter(|&&v| kept(v).is_some()).count();
    let mut affected = Vec::with_capacity(count);
    for &v in reached {
        let (Some(s), Some(node)) = (kept(v), graph.node(v)) else { continue };
        affected.push(Affected {
            node: v,
            distance: s.distance,
            predecessor: s.predecessor,
            tier: node.effective_tier(),
            // A product of probabilities is one; fail closed if not.
            probability: Probability::new(s.probability).unwrap_or(Probability::ONE),
        });
    }
    affected.sort_unstable_by(|a, b| id(graph, a.node).cmp(id(graph, b.node)).then(a.node.cmp(&b.node)));
    affected
}

/// The distinct owners of `affected`, sorted, using `work` for sorting.
fn owners(work: &mut Vec<u32>, graph: &FrozenGraph, affected: &[Affected]) -> Vec<Box<str>> {
    let owner = |v: u32| graph.node(v).and_then(Node::owner);
    work.clear();
    work.extend(affected.iter().map(|a| a.node).filter(|&v| owner(v).is_some()));
    work.sort_unstable_by(|&a, &b| owner(a).cmp(&owner(b)));
    work.dedup_by(|a, b| owner(*a) == owner(*b));
    work.iter().filter_map(|&v| owner(v)).map(Box::from).collect()
}

/// The paths to the `top` most critical affected nodes, using `work` for
/// ranking.
fn evidence(work: &mut Vec<u32>, blast: &BlastRadius, top: usize) -> Vec<EvidencePath> {
    let affected = blast.affected();
    let k = top.min(affected.len());
    let rank = |&i: &u32, &j: &u32| -> Ordering {
        match (affected.get(i as usize), affected.get(j as usize)) {
            (Some(a), Some(b)) => {
                a.tier.cmp(&b.tier).then_with(|| b.probability.get().total_cmp(&a.probability.get())).then(i.cmp(&j))
            }
            _ => i.cmp(&j),
        }
    };
    work.clear();
    work.extend(0..u32::try_from(affected.len()).unwrap_or(u32::MAX));
    if k > 0 && k < work.len() {
        work.select_nth_unstable_by(k - 1, rank);
    }
    work.truncate(k);
    work.sort_unstable_by(rank);
    work.iter()
        .filter_map(|&i| affected.get(i as usize))
        .map(|a| EvidencePath { nodes: blast.path_to(a.node), tier: a.tier, probability: a.probability })
        .collect()
}

fn id(graph: &FrozenGraph, v: u32) -> &str {
    graph.node(v).map_or("", Node::id)
}
