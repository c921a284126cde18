//! The blast radius of a change: which nodes it can break, how likely, how
//! far away, and along which path.
//!
//! # Model
//!
//! Edges point from dependent to dependency (`a -> b`: `a` depends on `b`),
//! so a change to `b` can break `a`, then whatever depends on `a`, and so on.
//! The blast radius of a set `C` of changed nodes is found by walking edges
//! backwards from `C` (reverse reachability). Each edge `e` carries a
//! propagation probability `p(e)` in `[0, 1]`:
//! [`Dependency::probability`](crate::Dependency::probability), stored as an
//! `f32` in the [`FrozenGraph`] and widened exactly to `f64` here.
//!
//! A *propagation path* to `v` is `c = v0, v1, ..., vk = v` with `c` in `C`
//! and an edge `v(i+1) -> v(i)` for each step (each node depends on the one
//! before it). Then, for [`RadiusConfig`] `max_depth = D` (unbounded when
//! `None`) and `min_probability = F`:
//!
//! - **Distance.** `dist(v)` is the fewest edges on any propagation path to
//!   `v` (multi-source BFS over reverse edges); `dist(c) = 0` for `c` in `C`.
//!   It is structural: it ignores probabilities and the floor `F`.
//! - **Depth ball.** `B` is the set of nodes with `dist(v) <= D` (every
//!   reachable node when `D` is unbounded).
//! - **Impact probability.** The probability of a path is the product of
//!   its edges' probabilities, multiplied in `f64` from the changed end:
//!   `((1 * p(e1)) * p(e2)) * ... * p(ek)`. `P(v)` is the largest
//!   probability of a propagation path to `v` *all of whose nodes lie in
//!   `B`*; `P(c) = 1` for `c` in `C`. It is the probability of the single
//!   most likely chain of failures, so it is a lower bound of the chance
//!   that `v` breaks when edges fail independently (that exact chance,
//!   over all paths, is #P-hard to compute).
//! - **Affected.** `v` is affected iff `v` is not in `C`, `v` is in `B` and
//!   `P(v) >= F * (1 - FLOOR_SLACK)`. The bounds are inclusive: a node at
//!   exactly `D` hops, or with exactly `P(v) = F`, is affected. The slack
//!   ([`FLOOR_SLACK`], 2^-20, about 1e-6 relative) absorbs the `f32`
//!   storage of edge probabilities: `0.9` is stored as `0.89999998`, and
//!   without it a floor of `0.9` would exclude a dependent behind one `0.9`
//!   edge. Rounding costs under 2^-24 relative per edge, so the slack
//!   covers paths of up to 16 edges; a node it admits has an exact
//!   probability within 1e-6 of the floor.
//! - **Path.** [`BlastRadius::path_to`] gives a path that attains `P(v)`,
//!   from its changed node to `v`.
//!
//! Consequences, each tested:
//!
//! - With the defaults (no depth limit, floor 0) the affected set is exactly
//!   the set of nodes that can reach a changed node, minus the changed
//!   nodes: probabilities never remove a node, even an edge of probability 0.
//! - Every node on a path from [`BlastRadius::path_to`] is changed (the
//!   first) or affected: it lies in `B` by definition, and a prefix of a
//!   path is at least as probable as the whole path.
//! - `D` bounds which nodes count, not how long their paths are: a path
//!   inside `B` may take more than `D` hops. For example with edges
//!   `v -> x` (0.1), `a -> x`, `b -> a`, `v -> b` (0.99 each) and `x`
//!   changed, `D = 1` gives `B = {x, a, v}` and `P(v) = 0.1` (path `x, v`),
//!   while `D = 2` adds `b` to `B` and gives `P(v) = 0.99^3` (path
//!   `x, a, b, v`).
//! - Monotone: adding an edge never removes an affected node nor lowers a
//!   probability; adding a changed node never removes an affected node
//!   other than itself.
//! - Cycles need no special case: BFS and Dijkstra expand each node once.
//!
//! # Aggregates
//!
//! Computed in the order of [`BlastRadius::affected`] (by id string), so
//! float sums are the same bits on every run and thread count.
//!
//! - Counts per tier ([`NodeRef::effective_tier`]) and the highest tier
//!   reached (the lowest tier number).
//! - Criticality-weighted impact: `sum over affected v of P(v) * w(v)` with
//!   `w(v) = tier_weight(tier(v)) * t(v)`, where the tier weights are
//!   [`TierWeights`] (8, 4, 2, 1 for tiers 0 to 3 by default) and
//!   `t(v) = 1 + log10(1 + traffic(v))` when the node states its traffic,
//!   else 1 ([`RadiusConfig::weight`]).
//! - Journeys reached: affected nodes of kind [`NodeKind::Journey`](crate::NodeKind::Journey).
//! - Owners: the distinct owners of affected nodes, sorted by byte order.
//! - Evidence: the [`RadiusConfig::top_paths`] most critical affected nodes,
//!   ranked by tier (most critical first), then `P` (highest first), then
//!   id, each with its path; paths are kept in that order while together
//!   they hold at most [`MAX_EVIDENCE_PATH_NODES`] nodes.
//!
//! # Algorithm
//!
//! 1. Multi-source BFS over reverse edges from `C` gives `dist` and `B`,
//!    stopping after depth `D`. It switches to bottom-up steps (each
//!    unreached node looks for a dependency in the frontier) while the
//!    frontier is large; both directions give the same levels.
//! 2. Max-product Dijkstra from `C` over reverse edges inside `B`: a queue
//!    of `(P, node)`, highest `P` first, ties to the lower dense id
//!    (floats compared with `total_cmp`). It is exact because edge
//!    probabilities are at most 1, so path probabilities never grow along a
//!    path; in floating point too, since rounding is monotone and `x * p`
//!    never rounds above `x` when `p <= 1`. So `P(v)` is, bit for bit, the
//!    largest left-to-right product over paths (tested against
//!    Bellman-Ford). A candidate below the floor is never pushed: all its
//!    extensions are below it too. Because probabilities only decrease,
//!    the queue is a radix heap over their bits, which pops in the same
//!    order as a binary heap would.
//! 3. The predecessor of `v` is the node whose relaxation last strictly
//!    raised `P(v)`. On an exact tie between two paths the one found first
//!    is kept: its last step leaves the node settled first (higher `P`,
//!    then lower dense id).
//!
//! When every edge of the graph has the same probability `p` (an edge list
//! without a probability column), step 2 is skipped: `P(v) = p^dist(v)`
//! and the predecessor is the lowest-numbered dependency on the level
//! before, which is what Dijkstra would find as long as the powers of `p`
//! strictly decrease (checked; otherwise Dijkstra runs). Tested against
//! Dijkstra on every path.
//!
//! # Determinism
//!
//! The changed ids are sorted and deduplicated before anything else, the
//! queue breaks ties by dense id and the outputs are sorted by id string
//! (through the graph's rank of each id, [`FrozenGraph::id_rank`], for
//! large results), so the result does not depend on the order of the
//! changed ids nor on the number of threads of [`radius_batch`].
//!
//! # Complexity
//!
//! `O(V_B + E_B)` for the BFS and `O(E_B * 64)` at worst for Dijkstra
//! (each entry moves down at most 64 radix buckets; in practice a few) for
//! `V_B` nodes and `E_B` reverse edges in the ball, plus sorting the `A`
//! affected nodes: a radix sort on their ranks, `O(A)`, for large results,
//! `O(A log A)` comparisons of ids for small ones. The first large result
//! ranks the graph's ids once, `O(V log V)` on rayon's threads. Memory is a
//! reusable [`RadiusScratch`] of about 8 bytes per graph node (16 once a
//! query has run Dijkstra: a graph with one probability on every edge
//! never does) plus the queue and heap (at most one entry per node and one
//! per edge in the ball); a query allocates nothing else beyond its result.
//!
//! # Untrusted input
//!
//! No function here panics, recurses or fails: a 1,000,000-node chain runs
//! on a 2 MiB stack. Changed ids outside the graph are ignored and listed by
//! [`BlastRadius::unknown`].

mod result;
mod search;
mod sweep;

use rayon::prelude::*;

pub(crate) use sweep::Condensation;

pub use result::{Affected, BlastRadius, EvidencePath, MAX_EVIDENCE_PATH_NODES};
pub use search::RadiusScratch;

use crate::frozen::{FrozenGraph, NodeClass};
use crate::model::{NodeRef, Probability, Tier};

/// The relative slack of the probability floor: a node counts when its
/// probability is at least `min_probability * (1 - FLOOR_SLACK)`. See the
/// [module docs](self) for why.
pub const FLOOR_SLACK: f64 = 1.0 / 1_048_576.0;

/// What a blast-radius query counts. See the [module docs](self) for the
/// exact semantics of each field.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub struct RadiusConfig {
    /// Largest hop distance from a changed node at which a node still
    /// counts (inclusive); `None` for no limit (the default).
    pub max_depth: Option<u32>,
    /// Smallest impact probability at which a node still counts
    /// (inclusive, with a relative slack of [`FLOOR_SLACK`]); the default 0
    /// keeps every reachable node.
    pub min_probability: Probability,
    /// Number of evidence paths kept (default 10).
    pub top_paths: usize,
    /// Weight of each tier in the criticality-weighted impact.
    pub tier_weights: TierWeights,
}

impl RadiusConfig {
    /// The default number of evidence paths.
    pub const DEFAULT_TOP_PATHS: usize = 10;

    /// The same config with a depth limit.
    #[must_use]
    pub fn with_max_depth(mut self, max_depth: u32) -> Self {
        self.max_depth = Some(max_depth);
        self
    }

    /// The same config with a probability floor.
    #[must_use]
    pub fn with_min_probability(mut self, min_probability: Probability) -> Self {
        self.min_probability = min_probability;
        self
    }

    /// The same config keeping `top_paths` evidence paths.
    #[must_use]
    pub fn with_top_paths(mut self, top_paths: usize) -> Self {
        self.top_paths = top_paths;
        self
    }

    /// The same config with other tier weights.
    #[must_use]
    pub fn with_tier_weights(mut self, tier_weights: TierWeights) -> Self {
        self.tier_weights = tier_weights;
        self
    }

    /// The smallest probability a node may have and count:
    /// `min_probability * (1 - FLOOR_SLACK)`.
    pub fn probability_threshold(&self) -> f64 {
        self.min_probability.get() * (1.0 - FLOOR_SLACK)
    }

    /// The weight of `node` in the criticality-weighted impact:
    /// `tier_weight(effective tier) * (1 + log10(1 + traffic))`, the second
    /// factor being 1 when the node states no traffic.
    pub fn weight(&self, node: NodeRef<'_>) -> f64 {
        let traffic = node.traffic().map_or(1.0, |t| 1.0 + t.get().ln_1p() / std::f64::consts::LN_10);
        self.tier_weights.get(node.effective_tier()) * traffic
    }

    /// [`RadiusConfig::weight`] of node `index` of `graph` (0 if out of
    /// range), without reading the node when it states no traffic: the
    /// traffic factor is then exactly 1 and the tier is in the node's
    /// class.
    pub fn weight_at(&self, graph: &FrozenGraph, index: u32) -> f64 {
        let class = graph.class(index);
        if class.has(NodeClass::TRAFFIC) {
            graph.node(index).map_or(0.0, |node| self.weight(node))
        } else if (index as usize) < graph.node_count() {
            self.tier_weights.get(class.tier())
        } else {
            0.0
        }
    }
}

impl Default for RadiusConfig {
    fn default() -> Self {
        Self {
            max_depth: None,
            min_probability: Probability::ZERO,
            top_paths: Self::DEFAULT_TOP_PATHS,
            tier_weights: TierWeights::default(),
        }
    }
}

/// The weight of each tier in the criticality-weighted impact: finite and
/// not negative. The default is 8, 4, 2, 1 for tiers 0 (critical) to 3
/// (low): each tier counts twice the next.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TierWeights([f64; 4]);

impl TierWeights {
    /// The default weights.
    pub const DEFAULT: TierWeights = TierWeights([8.0, 4.0, 2.0, 1.0]);

    /// Weights for tiers 0 to 3, if all are finite and not negative.
    pub fn new(weights: [f64; 4]) -> Option<Self> {
        weights.iter().all(|w| w.is_finite() && *w >= 0.0).then_some(TierWeights(weights))
    }

    /// The weight of `tier`.
    pub fn get(&self, tier: Tier) -> f64 {
        self.0.get(usize::from(tier.level())).copied().unwrap_or(0.0)
    }
}

impl Default for TierWeights {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// The blast radius of changing the nodes `changed` (dense ids; order and
/// duplicates do not matter, ids outside the graph are ignored).
///
/// Allocates a [`RadiusScratch`] for the call; use [`radius_with`] to reuse
/// one across queries.
///
/// # Complexity
/// `O(V)` to allocate the scratch, plus the cost of [`radius_with`].
///
/// # Example
/// ```
/// # use blastgate_graph::{BuildOptions, EdgeSpec, GraphBuilder, GraphFragment, Origin, RadiusConfig, radius};
/// # let mut fragment = GraphFragment::new("deps", Origin::Listed);
/// # let web = fragment.node("web", String::new)?;
/// # let api = fragment.node("api", String::new)?;
/// # let db = fragment.node("db", String::new)?;
/// # fragment.edge(web, api, EdgeSpec::default())?;
/// # fragment.edge(api, db, EdgeSpec::default())?;
/// # let mut builder = GraphBuilder::new(BuildOptions::default());
/// # builder.add(fragment)?;
/// # let graph = builder.build()?.freeze();
/// // `graph`: web -> api -> db, frozen (`blastgate::graph::GraphLoader`
/// // builds one from files: `loader.build_frozen()?`).
/// let db = graph.index_of("db").unwrap_or_default();
/// let blast = radius(&graph, &[db], &RadiusConfig::default());
/// let ids: Vec<&str> = blast.affected().iter().filter_map(|a| graph.node(a.node())).map(|n| n.id()).collect();
/// assert_eq!(ids, ["api", "web"]);
/// let path: Vec<&str> = blast.path_to(graph.index_of("web").unwrap_or_default()).into_iter()
///     .filter_map(|i| graph.node(i)).map(|n| n.id()).collect();
/// assert_eq!(path, ["db", "api", "web"]);
/// # Ok::<(), blastgate_graph::GraphError>(())
/// ```
pub fn radius(graph: &FrozenGraph, changed: &[u32], config: &RadiusConfig) -> BlastRadius {
    let mut scratch = RadiusScratch::new(graph.node_count());
    radius_with(&mut scratch, graph, changed, config)
}

/// The blast radius of changing `changed`, reusing `scratch` (grown to the
/// graph's size if smaller). Apart from that growth and the first queries'
/// growth of its queue and heap, a query allocates only its result.
///
/// # Complexity
/// About `O(V_B + E_B + A)` for `V_B` nodes and `E_B` reverse edges within
/// the depth ball and `A` affected nodes; see the [module docs](self).
pub fn radius_with(
    scratch: &mut RadiusScratch,
    graph: &FrozenGraph,
    changed: &[u32],
    config: &RadiusConfig,
) -> BlastRadius {
    let (sources, unknown) = result::split_changed(graph, changed);
    scratch.search(graph, &sources, config);
    result::assemble(scratch, graph, sources, unknown, config)
}

/// Radius scratches kept between queries, for callers that run many on
/// any threads (an engine, a streamed batch). A scratch holds arrays the
/// size of the graph; making one per query cost more than the query itself
/// on large graphs (fresh pages, each faulted in and zeroed). At most one
/// per thread that queried at once is kept.
#[derive(Default)]
pub struct ScratchPool(std::sync::Mutex<Vec<RadiusScratch>>);

impl std::fmt::Debug for ScratchPool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kept = self.0.lock().map_or(0, |p| p.len());
        f.debug_struct("ScratchPool").field("kept", &kept).finish()
    }
}

impl ScratchPool {
    /// How many scratches are kept, waiting for a query.
    pub fn kept(&self) -> usize {
        self.0.lock().map_or(0, |p| p.len())
    }

    /// The blast radius of `changed` ([`radius_with`]), with a kept scratch
    /// or a new one, kept afterwards.
    pub fn radius(&self, graph: &FrozenGraph, changed: &[u32], config: &RadiusConfig) -> BlastRadius {
        // A poisoned lock (a panic elsewhere while holding it) only loses
        // the kept scratches.
        let kept = self.0.lock().ok().and_then(|mut p| p.pop());
        let mut scratch = kept.unwrap_or_else(|| RadiusScratch::for_graph(graph));
        let blast = radius_with(&mut scratch, graph, changed, config);
        if let Ok(mut p) = self.0.lock() {
            p.push(scratch);
        }
        blast
    }
}

/// The blast radius of each changeset, computed in parallel (rayon), in
/// the order given. Each worker reuses one scratch; the results are the
/// same as calling [`radius`] on each changeset in turn.
///
/// # Complexity
/// The sum of the queries' costs, spread over rayon's threads, plus `O(V)`
/// per worker for its scratch.
pub fn radius_batch<C: AsRef<[u32]> + Sync>(
    graph: &FrozenGraph,
    changesets: &[C],
    config: &RadiusConfig,
) -> Vec<BlastRadius> {
    changesets
        .par_iter()
        .map_init(
            || RadiusScratch::new(graph.node_count()),
            |scratch, changed| radius_with(scratch, graph, changed.as_ref(), config),
        )
        .collect()
}

/// The affected count of each changeset (no depth limit, no probability
/// floor), in the order given, computed in parallel: the same numbers as
/// [`reach_count_with`] on each changeset, for large batches that need only
/// sizes.
///
/// # Complexity
/// Each changeset is first searched by BFS until it has reached a 32nd of
/// the graph. When at least 32 go further (or the graph was laid out
/// before), the graph is laid out once by strongly connected component
/// ([`FrozenGraph::prepare_batch_reach`]: `O(V + E)`, 12 bytes a node and 4
/// an edge, kept) and those changesets are counted 64 at a time by one
/// sweep each over that layout, `O(V + E)` whatever they reach; else their
/// searches run to the end. One scratch per rayon worker.
pub fn reach_count_batch<C: AsRef<[u32]> + Sync>(graph: &FrozenGraph, changesets: &[C]) -> Vec<usize> {
    sweep::reach_counts(graph, changesets)
}

/// The number of affected nodes of `changed` with no depth limit and no
/// probability floor: the nodes that can reach a changed node, minus the
/// changed nodes. A BFS only: no probabilities, paths or result.
///
/// # Complexity
/// `O(V_R + E_R)` for the `V_R` reachable nodes and their `E_R` reverse
/// edges; no allocation once `scratch` has grown.
pub fn reach_count_with(scratch: &mut RadiusScratch, graph: &FrozenGraph, changed: &[u32]) -> usize {
    scratch.reach_count(graph, changed)
}
