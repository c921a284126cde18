//! The result of a blast-radius query and its aggregates.

use std::cmp::Ordering;

use super::RadiusConfig;
use super::search::{NodeState, RadiusScratch};
use crate::frozen::{FrozenGraph, NodeClass};
use crate::model::{Probability, Tier};

/// The blast radius of a changeset: every affected node with its distance,
/// impact probability and most probable path, and the aggregates a gate
/// scores. See the [module docs](super) for the definitions.
#[derive(Debug, Clone, PartialEq)]
pub struct BlastRadius {
    changed: Vec<u32>,
    unknown: Vec<u32>,
    /// Sorted by id string.
    affected: Vec<Affected>,
    /// `(node, position in affected)`, sorted by node, for lookups; empty
    /// when `affected` itself is in node order (a graph numbered in id
    /// order), which saves 8 bytes an affected node.
    by_node: Vec<(u32, u32)>,
    /// Whether `affected` is sorted by node (and `by_node` empty).
    in_node_order: bool,
    tier_counts: [usize; 4],
    weighted_impact: f64,
    max_distance: u32,
    /// The dependents of every changed and affected node, counted.
    reached_edges: u64,
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
        if self.in_node_order {
            let i = self.affected.binary_search_by_key(&node, |a| a.node).ok()?;
            return self.affected.get(i);
        }
        let i = self.by_node.binary_search_by_key(&node, |&(n, _)| n).ok()?;
        let &(_, position) = self.by_node.get(i)?;
        self.affected.get(position as usize)
    }

    /// Every affected node's dense id, ascending.
    pub fn affected_nodes(&self) -> impl ExactSizeIterator<Item = u32> + '_ {
        AffectedNodes(if self.in_node_order {
            Nodes::Affected(self.affected.iter())
        } else {
            Nodes::ByNode(self.by_node.iter())
        })
    }

    /// Whether `node` is affected.
    pub fn is_affected(&self, node: u32) -> bool {
        self.get(node).is_some()
    }

    /// The position of `node` in [`Self::affected`], if it is affected.
    fn position(&self, node: u32) -> Option<usize> {
        if self.in_node_order {
            return self.affected.binary_search_by_key(&node, |a| a.node).ok();
        }
        let i = self.by_node.binary_search_by_key(&node, |&(n, _)| n).ok()?;
        self.by_node.get(i).map(|&(_, position)| position as usize)
    }

    /// The number of nodes on all the affected nodes' paths together (the
    /// sum of `path_to(node).len()`), without making them: what listing
    /// every path would write. On a chain of `n` services it is about
    /// `n² / 2`, which no output can hold; callers check it first.
    ///
    /// # Complexity
    /// `O(A log A)` time and `O(A)` memory for `A` affected nodes: each
    /// node's path length is found once, from its predecessor's.
    pub fn path_nodes_total(&self) -> u64 {
        self.path_weight_total(|_| 1)
    }

    /// The sum over all the affected nodes' paths of `weight` of each node
    /// on them (a weight of 0 counts as 1): with an id's length as its
    /// weight, about the bytes listing every path would write. Like
    /// [`BlastRadius::path_nodes_total`], without making the paths.
    ///
    /// # Complexity
    /// `O(A log A)` time and `O(A)` memory for `A` affected nodes.
    pub fn path_weight_total(&self, weight: impl Fn(u32) -> u64) -> u64 {
        let weight = |node: u32| weight(node).max(1);
        // 0: not known yet. Totals count the changed node at the start.
        let mut totals = vec![0_u64; self.affected.len()];
        let mut stack: Vec<usize> = Vec::new();
        let mut total = 0_u64;
        for start in 0..self.affected.len() {
            let mut at = start;
            let base = loop {
                match totals.get(at) {
                    Some(&l) if l != 0 => break l,
                    _ => {}
                }
                stack.push(at);
                let predecessor = self.affected.get(at).map_or(NodeState::NONE, |a| a.predecessor);
                if predecessor == NodeState::NONE {
                    break 0;
                }
                match self.position(predecessor) {
                    // INVARIANT: predecessors form a forest (see `path_to`);
                    // the bound only guards against a bug.
                    Some(next) if stack.len() <= self.affected.len() => at = next,
                    // A changed node starts the path.
                    _ => break weight(predecessor),
                }
            };
            let mut sum = base;
            while let Some(k) = stack.pop() {
                let node = self.affected.get(k).map_or(0, |a| a.node);
                sum = sum.saturating_add(weight(node));
                if let Some(l) = totals.get_mut(k) {
                    *l = sum;
                }
            }
            total = total.saturating_add(totals.get(start).copied().unwrap_or(0));
        }
        total
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
    /// critical), using [`NodeRef::effective_tier`](crate::NodeRef::effective_tier).
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

    /// The number of reverse edges out of the changed and affected nodes
    /// (each one's dependents, counted): the work of a search over this
    /// radius, which an assessment charges to its work budget.
    pub fn reached_edges(&self) -> u64 {
        self.reached_edges
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

/// The iterator of [`BlastRadius::affected_nodes`].
struct AffectedNodes<'a>(Nodes<'a>);

enum Nodes<'a> {
    Affected(std::slice::Iter<'a, Affected>),
    ByNode(std::slice::Iter<'a, (u32, u32)>),
}

impl Iterator for AffectedNodes<'_> {
    type Item = u32;

    fn next(&mut self) -> Option<u32> {
        match &mut self.0 {
            Nodes::Affected(it) => it.next().map(|a| a.node),
            Nodes::ByNode(it) => it.next().map(|&(node, _)| node),
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        match &self.0 {
            Nodes::Affected(it) => it.size_hint(),
            Nodes::ByNode(it) => it.size_hint(),
        }
    }
}

impl ExactSizeIterator for AffectedNodes<'_> {}

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
    let (affected, by_node) = collect_affected(scratch, graph);
    let in_node_order = by_node.is_none();
    let by_node = by_node.unwrap_or_default();
    let mut tier_counts = [0usize; 4];
    let mut weighted_impact = 0.0;
    let mut max_distance = 0;
    let mut journeys = Vec::new();
    let mut reached_edges: u64 = changed.iter().map(|&c| graph.dependents_of(c).len() as u64).sum();
    for a in &affected {
        if let Some(c) = tier_counts.get_mut(usize::from(a.tier.level())) {
            *c += 1;
        }
        max_distance = max_distance.max(a.distance);
        reached_edges += graph.dependents_of(a.node).len() as u64;
        weighted_impact += a.probability.get() * config.weight_at(graph, a.node);
        if graph.class(a.node).has(NodeClass::JOURNEY) {
            journeys.push(*a);
        }
    }
    let owners = owners(graph, &affected);
    let mut blast = BlastRadius {
        changed,
        unknown,
        affected,
        by_node,
        in_node_order,
        tier_counts,
        weighted_impact,
        max_distance,
        reached_edges,
        journeys,
        owners,
        evidence: Vec::new(),
    };
    blast.evidence = evidence(&blast, config.top_paths);
    blast
}

/// The nodes reached with a probability at or above the floor, other than
/// the changed nodes, sorted by id string; and `(node, position)` for each,
/// sorted by node, or `None` when the list itself is in node order.
///
/// A graph numbered in id order (every graph from the builder or a
/// snapshot) takes [`collect_in_node_order`]. Otherwise large results sort
/// by the graph's rank of each id, an integer (made on the first large
/// result, see [`FrozenGraph::id_rank`]); small ones, while the ranks are
/// not made, compare the ids themselves, which costs less than ranking
/// every id of a large graph. The order is the same.
fn collect_affected(scratch: &mut RadiusScratch, graph: &FrozenGraph) -> (Vec<Affected>, Option<Vec<(u32, u32)>>) {
    if graph.numbered_in_id_order() {
        return collect_in_node_order(scratch, graph);
    }
    let mut keys = std::mem::take(&mut scratch.keys);
    let mut spare = std::mem::take(&mut scratch.spare);
    let reached = scratch.queue.get(scratch.sources..).unwrap_or_default();
    let n = graph.node_count();
    let bits = u32::BITS - (n.max(1) as u32 - 1).leading_zeros();
    keys.clear();
    let ranks = (graph.has_id_ranks() || reached.len() >= n / RANK_SHARE).then(|| graph.id_ranks());
    for &v in reached {
        if scratch.found(v).is_some() {
            let rank = ranks.map_or(0, |r| r.get(v as usize).copied().unwrap_or(u32::MAX));
            keys.push(u64::from(rank) << 32 | u64::from(v));
        }
    }
    if ranks.is_some() {
        sort_by_high_half(&mut keys, &mut spare, bits);
    } else {
        let id = |k: u64| graph.id(k as u32).unwrap_or_default();
        keys.sort_unstable_by(|&a, &b| id(a).cmp(id(b)).then(a.cmp(&b)));
    }
    let affected: Vec<Affected> = keys
        .iter()
        .filter_map(|&k| {
            let v = k as u32;
            let s = scratch.found(v)?;
            Some(Affected {
                node: v,
                distance: s.distance,
                predecessor: s.predecessor,
                tier: graph.class(v).tier(),
                // A product of probabilities is one; fail closed if not.
                probability: Probability::new(s.probability).unwrap_or(Probability::ONE),
            })
        })
        .collect();
    keys.clear();
    keys.extend(affected.iter().zip(0u32..).map(|(a, i)| u64::from(a.node) << 32 | u64::from(i)));
    sort_by_high_half(&mut keys, &mut spare, bits);
    let by_node = keys.iter().map(|&k| ((k >> 32) as u32, k as u32)).collect();
    scratch.keys = keys;
    scratch.spare = spare;
    (affected, Some(by_node))
}

/// [`collect_affected`] for a graph numbered in id order, where node order
/// is id order: a large result walks the bitset of reached nodes, which
/// lists them in order without sorting; a small one sorts its few nodes.
/// Either way the list is in node order, so no lookup by node is made.
fn collect_in_node_order(scratch: &RadiusScratch, graph: &FrozenGraph) -> (Vec<Affected>, Option<Vec<(u32, u32)>>) {
    let reached = scratch.queue.get(scratch.sources..).unwrap_or_default();
    let affected_of = |v: u32| {
        scratch.found(v).map(|s| Affected {
            node: v,
            distance: s.distance,
            predecessor: s.predecessor,
            tier: graph.class(v).tier(),
            // A product of probabilities is one; fail closed if not.
            probability: Probability::new(s.probability).unwrap_or(Probability::ONE),
        })
    };
    let affected: Vec<Affected> = if reached.len() >= graph.node_count() / RANK_SHARE {
        let mut sources: Vec<u32> = scratch.queue.get(..scratch.sources).unwrap_or_default().to_vec();
        sources.sort_unstable();
        let mut out = Vec::with_capacity(reached.len());
        for (w, &word) in (0u32..).zip(scratch.visited_words()) {
            let mut bits = word;
            while bits != 0 {
                let v = w * 64 + bits.trailing_zeros();
                bits &= bits - 1;
                if sources.binary_search(&v).is_err()
                    && let Some(a) = affected_of(v)
                {
                    out.push(a);
                }
            }
        }
        out
    } else {
        let mut nodes: Vec<u32> = reached.to_vec();
        nodes.sort_unstable();
        nodes.into_iter().filter_map(affected_of).collect()
    };
    (affected, None)
}

/// A result reaching at least one node in this many makes the graph rank
/// its ids (see [`collect_affected`]).
const RANK_SHARE: usize = 64;

/// Sorts `keys` by their high halves, which are distinct and below
/// `2^bits`: a least-significant-digit radix sort, two passes of 11 bits
/// for a graph of up to 4M nodes, with `spare` as the second buffer; a
/// comparison sort for short lists.
fn sort_by_high_half(keys: &mut Vec<u64>, spare: &mut Vec<u64>, bits: u32) {
    const DIGIT: u32 = 11;
    const MASK: u64 = (1 << DIGIT) - 1;
    if keys.len() < 4096 {
        keys.sort_unstable();
        return;
    }
    spare.clear();
    spare.resize(keys.len(), 0);
    for pass in 0..bits.div_ceil(DIGIT) {
        let shift = 32 + pass * DIGIT;
        let mut offsets = [0usize; 1 << DIGIT];
        for &k in keys.iter() {
            if let Some(c) = offsets.get_mut(((k >> shift) & MASK) as usize) {
                *c += 1;
            }
        }
        let mut acc = 0;
        for o in &mut offsets {
            let c = *o;
            *o = acc;
            acc += c;
        }
        for &k in keys.iter() {
            if let Some(o) = offsets.get_mut(((k >> shift) & MASK) as usize) {
                if let Some(slot) = spare.get_mut(*o) {
                    *slot = k;
                }
                *o += 1;
            }
        }
        std::mem::swap(keys, spare);
    }
}

/// The distinct owners of `affected`, sorted: a bit for each of the
/// graph's owners ([`FrozenGraph::owners`], made once), set from each
/// affected node's place among them, read in order. Sorting the nodes by
/// owner name instead was most of an assessment reaching 50,000 owned
/// nodes.
fn owners(graph: &FrozenGraph, affected: &[Affected]) -> Vec<Box<str>> {
    if !affected.iter().any(|a| graph.class(a.node).has(NodeClass::OWNER)) {
        return Vec::new();
    }
    let table = graph.owners();
    let mut seen = vec![0u64; table.names.len().div_ceil(64)];
    for a in affected {
        if let Some(&o) = table.of_node.get(a.node as usize)
            && let Some(word) = seen.get_mut(o as usize / 64)
        {
            *word |= 1 << (o % 64);
        }
    }
    // Co-owners own the node too (rare: looked up only when there are any).
    if !table.co.is_empty() {
        for a in affected {
            let first = table.co.partition_point(|&(n, _)| n < a.node);
            for &(_, o) in table.co.get(first..).unwrap_or_default().iter().take_while(|&&(n, _)| n == a.node) {
                if let Some(word) = seen.get_mut(o as usize / 64) {
                    *word |= 1 << (o % 64);
                }
            }
        }
    }
    let mut out = Vec::new();
    for (w, &word) in seen.iter().enumerate() {
        let mut bits = word;
        while bits != 0 {
            let o = w * 64 + bits.trailing_zeros() as usize;
            bits &= bits - 1;
            if let Some(name) = table.names.get(o) {
                out.push(name.clone());
            }
        }
    }
    out
}

/// The paths to the `top` most critical affected nodes, found by
/// [`least`](crate::least) in one pass (`top` is small; the radius can hold
/// most of the graph).
fn evidence(blast: &BlastRadius, top: usize) -> Vec<EvidencePath> {
    let affected = blast.affected();
    // Most critical first: the lower tier number, then the higher
    // probability, then the earlier id (position in `affected`).
    let candidates =
        (0u32..).zip(affected).map(|(i, a)| (a.tier, std::cmp::Reverse(OrdProbability(a.probability.get())), i));
    let mut left = MAX_EVIDENCE_PATH_NODES;
    crate::least(candidates, top)
        .into_iter()
        .filter_map(|(_, _, i)| affected.get(i as usize))
        .map(|a| EvidencePath { nodes: blast.path_to(a.node), tier: a.tier, probability: a.probability })
        .take_while(|path| match left.checked_sub(path.nodes.len()) {
            Some(rest) => {
                left = rest;
                true
            }
            None => false,
        })
        .collect()
}

/// The most nodes the evidence paths of one radius hold together: paths
/// are kept, most critical first, while they fit. On a chain of a million
/// services a path can hold a million nodes, and past the hops where
/// probabilities round to 0 the ranking reaches the far end: `radius
/// --top-paths 7200` held 3.6 GB and wrote 1.8 GB (a red team). Sixteen
/// million nodes (64 MB) keep ten paths of a million-node chain.
pub const MAX_EVIDENCE_PATH_NODES: usize = 16_000_000;

/// A probability ordered by [`f64::total_cmp`].
#[derive(Debug, Clone, Copy)]
struct OrdProbability(f64);

impl Ord for OrdProbability {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0.total_cmp(&other.0)
    }
}

impl PartialOrd for OrdProbability {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for OrdProbability {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for OrdProbability {}
