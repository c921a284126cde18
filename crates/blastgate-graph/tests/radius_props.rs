//! Property tests of the blast-radius engine on random graphs with cycles:
//! the fast engine against a naive reference (plain BFS and Bellman-Ford
//! on the build-time graph), metamorphic properties (adding an edge,
//! shuffling the changeset, batching), and snapshots reading back as the
//! graph written.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a panic is a failed test"
)]

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use blastgate_graph::{
    BlastRadius, BuildOptions, EdgeSpec, FrozenGraph, GraphBuilder, GraphFragment, NodeKind, NodeSpec, Origin,
    Probability, RadiusConfig, RadiusScratch, ServiceGraph, Tier, Traffic, radius, radius_batch, radius_with,
    reach_count_batch, reach_count_with,
};
use proptest::prelude::*;

/// A random graph: node attributes and edges `(dependent, dependency,
/// probability)` over ids `n0000`, `n0001`, ... (zero-padded, so id order is index order)
#[derive(Debug, Clone)]
struct Spec {
    nodes: Vec<NodeSpec>,
    edges: Vec<(u32, u32, Option<f64>)>,
}

impl Spec {
    /// The graph, with no self-loops and each `(dependent, dependency)`
    /// once (the first wins). Nodes are declared in order, so `n{i}` has
    /// dense id `i`.
    fn build(&self) -> ServiceGraph {
        let mut fragment = GraphFragment::new("random", Origin::Declared);
        for (i, spec) in self.nodes.iter().enumerate() {
            let local = fragment.declare(&format!("n{i:04}"), spec.clone(), String::new).unwrap();
            assert_eq!(local as usize, i);
        }
        let mut seen = BTreeSet::new();
        for &(a, b, p) in &self.edges {
            if a == b || !seen.insert((a, b)) {
                continue;
            }
            let spec = EdgeSpec { probability: p.map(|p| Probability::new(p).unwrap()), ..EdgeSpec::default() };
            fragment.edge(a, b, spec).unwrap();
        }
        let mut builder = GraphBuilder::new(BuildOptions::default());
        builder.add(fragment).unwrap();
        let graph = builder.build().unwrap();
        for i in 0..self.nodes.len() {
            assert_eq!(graph.index_of(&format!("n{i:04}")), Some(i as u32));
        }
        graph
    }

    fn has_edge(&self, a: u32, b: u32) -> bool {
        self.edges.iter().any(|&(x, y, _)| (x, y) == (a, b))
    }
}

fn arb_node() -> impl Strategy<Value = NodeSpec> {
    let kind =
        prop_oneof![Just(NodeKind::Service), Just(NodeKind::Journey), Just(NodeKind::Datastore), Just(NodeKind::Queue)];
    let tier = prop::option::of(0u8..4);
    let owner = prop::option::of(prop_oneof![Just("alpha"), Just("beta"), Just("gamma")]);
    let traffic = prop::option::of(prop_oneof![Just(0.0), 0.0..1e6f64]);
    (kind, tier, owner, traffic).prop_map(|(kind, tier, owner, traffic)| NodeSpec {
        kind: Some(kind),
        tier: tier.and_then(Tier::new),
        owner: owner.map(str::to_owned),
        traffic: traffic.and_then(Traffic::new),
        ..NodeSpec::default()
    })
}

fn arb_probability() -> impl Strategy<Value = Option<f64>> {
    prop_oneof![
        2 => Just(None),
        1 => Just(Some(0.0)),
        1 => Just(Some(1.0)),
        1 => Just(Some(0.5)),
        4 => (0.0..=1.0f64).prop_map(Some),
    ]
}

fn arb_spec() -> impl Strategy<Value = Spec> {
    (1usize..=60).prop_flat_map(|n| {
        let n32 = n as u32;
        let nodes = prop::collection::vec(arb_node(), n);
        let edges = prop::collection::vec((0..n32, 0..n32, arb_probability()), 0..=3 * n);
        (nodes, edges).prop_map(|(nodes, edges)| Spec { nodes, edges })
    })
}

/// Changed ids: mostly in range, sometimes duplicated or out of range.
fn arb_changed(n: usize) -> impl Strategy<Value = Vec<u32>> {
    let n = n as u32;
    prop::collection::vec(prop_oneof![9 => 0..n, 1 => n..n + 3], 0..5)
}

fn arb_config() -> impl Strategy<Value = RadiusConfig> {
    let depth = prop::option::of(0u32..6);
    let floor = prop_oneof![3 => Just(0.0), 1 => Just(1.0), 1 => Just(0.5), 3 => 0.0..0.9f64];
    (depth, floor, 0usize..6).prop_map(|(depth, floor, top)| {
        let mut config =
            RadiusConfig::default().with_min_probability(Probability::new(floor).unwrap()).with_top_paths(top);
        config.max_depth = depth;
        config
    })
}

fn graph_and_changed() -> impl Strategy<Value = (Spec, Vec<u32>, RadiusConfig)> {
    arb_spec().prop_flat_map(|spec| {
        let n = spec.nodes.len();
        (Just(spec), arb_changed(n), arb_config())
    })
}

/// What the reference finds for one affected node.
#[derive(Debug, Clone, Copy)]
struct Expected {
    distance: u32,
    probability: f64,
}

/// The naive reference, written for clarity: a plain BFS from the changed
/// nodes over `dependents_of` for distances, the depth ball, then
/// Bellman-Ford relaxation over every edge inside the ball until nothing
/// changes for the best path probabilities (with each edge's probability
/// rounded to `f32`, as the frozen graph stores it).
fn reference(graph: &ServiceGraph, changed: &[u32], config: &RadiusConfig) -> BTreeMap<u32, Expected> {
    let n = graph.node_count();
    let changed: BTreeSet<u32> = changed.iter().copied().filter(|&c| (c as usize) < n).collect();

    let mut distance: Vec<Option<u32>> = vec![None; n];
    let mut queue = VecDeque::new();
    for &c in &changed {
        distance[c as usize] = Some(0);
        queue.push_back(c);
    }
    while let Some(v) = queue.pop_front() {
        let d = distance[v as usize].unwrap();
        for (u, _) in graph.dependents_of(v) {
            if distance[u as usize].is_none() {
                distance[u as usize] = Some(d + 1);
                queue.push_back(u);
            }
        }
    }
    let in_ball = |v: u32| distance[v as usize].is_some_and(|d| config.max_depth.is_none_or(|max| d <= max));

    let mut best: Vec<Option<f64>> = vec![None; n];
    for &c in &changed {
        best[c as usize] = Some(1.0);
    }
    loop {
        let mut improved = false;
        for v in 0..n as u32 {
            let Some(pv) = best[v as usize] else { continue };
            if !in_ball(v) {
                continue;
            }
            for (u, dep) in graph.dependents_of(v) {
                if !in_ball(u) {
                    continue;
                }
                let candidate = pv * f64::from(dep.probability().get() as f32);
                if best[u as usize].is_none_or(|pu| candidate > pu) {
                    best[u as usize] = Some(candidate);
                    improved = true;
                }
            }
        }
        if !improved {
            break;
        }
    }

    // The floor, with its documented relative slack of 2^-20.
    let floor = config.min_probability.get() * (1.0 - 1.0 / 1_048_576.0);
    (0..n as u32)
        .filter(|&v| !changed.contains(&v) && in_ball(v))
        .filter_map(|v| {
            let probability = best[v as usize]?;
            (probability >= floor).then(|| (v, Expected { distance: distance[v as usize].unwrap(), probability }))
        })
        .collect()
}

/// Checks `blast` against the reference, aggregates included.
fn check_against_reference(
    graph: &ServiceGraph,
    frozen: &FrozenGraph,
    changed: &[u32],
    config: &RadiusConfig,
    blast: &BlastRadius,
) -> Result<(), TestCaseError> {
    let expected = reference(graph, changed, config);
    let got: BTreeSet<u32> = blast.affected().iter().map(|a| a.node()).collect();
    prop_assert_eq!(&got, &expected.keys().copied().collect::<BTreeSet<u32>>());

    let n = frozen.node_count() as u32;
    let known: BTreeSet<u32> = changed.iter().copied().filter(|&c| c < n).collect();
    let unknown: BTreeSet<u32> = changed.iter().copied().filter(|&c| c >= n).collect();
    prop_assert_eq!(blast.changed().to_vec(), known.iter().copied().collect::<Vec<_>>());
    prop_assert_eq!(blast.unknown().to_vec(), unknown.iter().copied().collect::<Vec<_>>());

    let id = |v: u32| frozen.node(v).unwrap().id().to_owned();
    let order: Vec<String> = blast.affected().iter().map(|a| id(a.node())).collect();
    prop_assert!(order.is_sorted(), "affected sorted by id string");

    for a in blast.affected() {
        let e = expected[&a.node()];
        prop_assert_eq!(a.distance(), e.distance);
        // Bit for bit: both compute the largest left-to-right product over
        // paths, and rounding is monotone.
        prop_assert!(
            a.probability().get().total_cmp(&e.probability).is_eq(),
            "{} vs {}",
            a.probability().get(),
            e.probability
        );
        let node = frozen.node(a.node()).unwrap();
        prop_assert_eq!(a.tier(), node.effective_tier());
        // The path: from a changed node, along edges, among changed and
        // affected nodes, multiplying to the probability.
        let path = blast.path_to(a.node());
        prop_assert!(known.contains(&path[0]));
        prop_assert_eq!(*path.last().unwrap(), a.node());
        let mut product = 1.0f64;
        for step in path.windows(2) {
            prop_assert!(blast.is_affected(step[1]));
            let dep = graph.dependents_of(step[0]).find(|&(u, _)| u == step[1]).map(|(_, d)| d);
            prop_assert!(dep.is_some(), "path follows an edge");
            product *= f64::from(dep.unwrap().probability().get() as f32);
        }
        // Bit for bit: the path is the one whose product set the probability.
        prop_assert!(product.total_cmp(&a.probability().get()).is_eq(), "{product} vs {}", a.probability().get());
    }

    // Aggregates, written out straight.
    let affected: Vec<(u32, f64)> =
        blast.affected().iter().map(|a| (a.node(), expected[&a.node()].probability)).collect();
    let mut tiers = [0usize; 4];
    let mut impact = 0.0;
    let mut owners = BTreeSet::new();
    let mut journeys = Vec::new();
    for &(v, p) in &affected {
        let node = frozen.node(v).unwrap();
        tiers[usize::from(node.effective_tier().level())] += 1;
        let tier_weight = [8.0, 4.0, 2.0, 1.0][usize::from(node.effective_tier().level())];
        let traffic = node.traffic().map_or(1.0, |t| 1.0 + (1.0 + t.get()).log10());
        impact += p * tier_weight * traffic;
        owners.extend(node.owner().map(str::to_owned));
        if node.kind() == NodeKind::Journey {
            journeys.push(v);
        }
    }
    prop_assert_eq!(blast.tier_counts(), tiers);
    prop_assert_eq!(blast.highest_tier(), tiers.iter().position(|&c| c > 0).and_then(|t| Tier::new(t as u8)));
    prop_assert!(
        (blast.weighted_impact() - impact).abs() <= 1e-9 * impact.max(1.0),
        "{} vs {impact}",
        blast.weighted_impact()
    );
    prop_assert_eq!(blast.owners().map(str::to_owned).collect::<Vec<_>>(), owners.into_iter().collect::<Vec<_>>());
    prop_assert_eq!(blast.journeys().iter().map(|a| a.node()).collect::<Vec<_>>(), journeys);
    prop_assert_eq!(blast.max_distance(), expected.values().map(|e| e.distance).max().unwrap_or(0));

    let mut ranked: Vec<(Tier, f64, String, u32)> =
        blast.affected().iter().map(|a| (a.tier(), a.probability().get(), id(a.node()), a.node())).collect();
    ranked.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.total_cmp(&a.1)).then(a.2.cmp(&b.2)));
    let top: Vec<u32> = ranked.iter().take(config.top_paths).map(|r| r.3).collect();
    prop_assert_eq!(blast.evidence().iter().map(|e| e.target()).collect::<Vec<_>>(), top);
    for e in blast.evidence() {
        prop_assert_eq!(e.nodes().to_vec(), blast.path_to(e.target()));
    }
    let path_nodes: usize = blast.affected().iter().map(|a| blast.path_to(a.node()).len()).sum();
    prop_assert_eq!(blast.path_nodes_total(), path_nodes as u64);
    // Weighted by a node's number modulo 7 (a weight of 0 counts as 1).
    let weight = |n: u32| u64::from(n % 7);
    let weighted: u64 = blast.affected().iter().flat_map(|a| blast.path_to(a.node())).map(|n| weight(n).max(1)).sum();
    prop_assert_eq!(blast.path_weight_total(weight), weighted);
    Ok(())
}

proptest! {
    // 512 cases, or `PROPTEST_CASES` for a deeper run (`.ci/deep`); one
    // property rejects about one generated edge in six (a self-loop or one
    // the graph has), so the rejects allowed grow with the cases.
    #![proptest_config({
        let cases = std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(512);
        ProptestConfig { cases, max_global_rejects: cases.max(1024), ..ProptestConfig::default() }
    })]

    #[test]
    fn radius_reference((spec, changed, config) in graph_and_changed()) {
        let graph = spec.build();
        let frozen = graph.clone().freeze();
        let blast = radius(&frozen, &changed, &config);
        check_against_reference(&graph, &frozen, &changed, &config, &blast)?;
        if config == RadiusConfig::default().with_top_paths(config.top_paths) {
            let mut scratch = RadiusScratch::for_graph(&frozen);
            prop_assert_eq!(reach_count_with(&mut scratch, &frozen, &changed), blast.affected_count());
        }
    }

    #[test]
    fn adding_an_edge_never_shrinks_the_radius(
        (spec, changed, config, a, b, p) in graph_and_changed().prop_flat_map(|(spec, changed, config)| {
            let n = spec.nodes.len() as u32;
            (Just(spec), Just(changed), Just(config), 0..n, 0..n, arb_probability())
        })
    ) {
        prop_assume!(a != b && !spec.has_edge(a, b));
        let before = radius(&spec.build().freeze(), &changed, &config);
        let mut bigger = spec.clone();
        bigger.edges.push((a, b, p));
        let after = radius(&bigger.build().freeze(), &changed, &config);
        for x in before.affected() {
            let y = after.get(x.node());
            prop_assert!(y.is_some(), "node {} dropped out", x.node());
            let y = y.unwrap();
            prop_assert!(y.probability().get() >= x.probability().get());
            prop_assert!(y.distance() <= x.distance());
        }
        prop_assert!(after.weighted_impact() >= before.weighted_impact() - 1e-9 * before.weighted_impact());
    }

    #[test]
    fn adding_a_changed_node_only_removes_itself(
        (spec, changed, config, extra) in graph_and_changed().prop_flat_map(|(spec, changed, config)| {
            let n = spec.nodes.len() as u32;
            (Just(spec), Just(changed), Just(config), 0..n)
        })
    ) {
        let frozen = spec.build().freeze();
        let before = radius(&frozen, &changed, &config);
        let mut more = changed.clone();
        more.push(extra);
        let after = radius(&frozen, &more, &config);
        for x in before.affected().iter().filter(|a| a.node() != extra) {
            let y = after.get(x.node());
            prop_assert!(y.is_some(), "node {} dropped out", x.node());
            let y = y.unwrap();
            prop_assert!(y.probability().get() >= x.probability().get());
            prop_assert!(y.distance() <= x.distance());
        }
        prop_assert!(!after.is_affected(extra));
    }

    #[test]
    fn changeset_order_and_duplicates_do_not_matter(
        (spec, changed, config, shuffled) in graph_and_changed().prop_flat_map(|(spec, changed, config)| {
            let mut doubled = changed.clone();
            doubled.extend(changed.iter().rev());
            (Just(spec), Just(changed), Just(config), Just(doubled).prop_shuffle())
        })
    ) {
        let frozen = spec.build().freeze();
        let mut scratch = RadiusScratch::new(0);
        let a = radius(&frozen, &changed, &config);
        let b = radius_with(&mut scratch, &frozen, &shuffled, &config);
        prop_assert_eq!(&a, &b);
        // And the scratch, now used, still gives the same answer.
        let c = radius_with(&mut scratch, &frozen, &changed, &config);
        prop_assert_eq!(&a, &c);
    }

    /// One scratch taking turns between a graph whose edges share one
    /// probability (the path that skips Dijkstra and keeps no per-node
    /// probabilities) and another graph gives what fresh scratches give,
    /// whichever of them ran last.
    #[test]
    fn a_scratch_shared_by_two_graphs_answers_each_as_new(
        (general, uniform, p, changed, other, config) in (arb_spec(), arb_spec()).prop_flat_map(|(general, uniform)| {
            let (n, m) = (general.nodes.len(), uniform.nodes.len());
            let p = prop_oneof![Just(1.0), Just(0.9), Just(0.5), Just(0.0), 0.0..=1.0f64];
            (Just(general), Just(uniform), p, arb_changed(n), arb_changed(m), arb_config())
        })
    ) {
        let general = general.build().freeze();
        let mut uniform = uniform;
        for edge in &mut uniform.edges {
            edge.2 = Some(p);
        }
        let uniform = uniform.build().freeze();
        let mut scratch = RadiusScratch::new(0);
        for _ in 0..2 {
            for (graph, set) in [(&uniform, &other), (&general, &changed)] {
                let reused = radius_with(&mut scratch, graph, set, &config);
                prop_assert_eq!(&reused, &radius(graph, set, &config));
                prop_assert_eq!(reach_count_with(&mut scratch, graph, set), radius(graph, set, &RadiusConfig::default()).affected_count());
            }
        }
    }

    /// Batches of reach counts (searched, or swept 64 at a time over the
    /// condensation, whether the batch builds it or finds it made) equal
    /// the naive reference's counts, in input order. Batches of up to 150
    /// cover the paths: fewer heavy changesets than build the condensation,
    /// more than one word of them, and a last word part full.
    #[test]
    fn reach_count_batch_equals_the_reference(
        (spec, sets, prepare) in arb_spec().prop_flat_map(|spec| {
            let n = spec.nodes.len();
            (Just(spec), prop::collection::vec(arb_changed(n), 0..150), any::<bool>())
        })
    ) {
        let graph = spec.build();
        let frozen = graph.clone().freeze();
        if prepare {
            frozen.prepare_batch_reach();
        }
        let expected: Vec<usize> =
            sets.iter().map(|s| reference(&graph, s, &RadiusConfig::default()).len()).collect();
        prop_assert_eq!(reach_count_batch(&frozen, &sets), expected.clone());
        // The condensation made by that batch (or before) gives the same.
        prop_assert_eq!(reach_count_batch(&frozen, &sets), expected);
    }

    #[test]
    fn batch_equals_sequential(
        (spec, sets, config) in arb_spec().prop_flat_map(|spec| {
            let n = spec.nodes.len();
            (Just(spec), prop::collection::vec(arb_changed(n), 0..12), arb_config())
        })
    ) {
        let frozen = spec.build().freeze();
        let batch = radius_batch(&frozen, &sets, &config);
        let sequential: Vec<BlastRadius> = sets.iter().map(|s| radius(&frozen, s, &config)).collect();
        prop_assert_eq!(batch, sequential);
    }

    /// load(serialise(graph)) == graph for snapshots: the same nodes, the
    /// same edges with the same attributes, the same radius.
    #[test]
    fn a_snapshot_reads_back_as_its_graph((spec, changed, config) in graph_and_changed()) {
        let frozen = spec.build().freeze();
        let mut bytes = Vec::new();
        frozen.write_snapshot(&mut bytes).unwrap();
        let back = FrozenGraph::read_snapshot("g.bgs", bytes.as_slice()).unwrap();
        prop_assert_eq!(back.nodes().collect::<Vec<_>>(), frozen.nodes().collect::<Vec<_>>());
        let edges = |g: &FrozenGraph| g.edges().map(|(a, b, d)| (a, b, d.clone())).collect::<Vec<_>>();
        prop_assert_eq!(edges(&back), edges(&frozen));
        for v in 0..frozen.node_count() as u32 {
            prop_assert_eq!(
                back.dependents_with_probability(v).collect::<Vec<_>>(),
                frozen.dependents_with_probability(v).collect::<Vec<_>>()
            );
        }
        prop_assert_eq!(radius(&back, &changed, &config), radius(&frozen, &changed, &config));
    }
}

#[test]
fn batch_is_the_same_on_one_thread_and_many() {
    let spec = Spec {
        nodes: (0..40).map(|_| NodeSpec::default()).collect(),
        edges: (0..40u32).flat_map(|i| [(i, (i * 7 + 3) % 40, Some(0.5)), (i, (i * 13 + 1) % 40, None)]).collect(),
    };
    let frozen = spec.build().freeze();
    let sets: Vec<Vec<u32>> = (0..40u32).map(|i| vec![i, (i * 3) % 40]).collect();
    let config = RadiusConfig::default();
    let run = |threads: usize| rayon_pool(threads).install(|| radius_batch(&frozen, &sets, &config));
    assert_eq!(run(1), run(4));
}

fn rayon_pool(threads: usize) -> rayon::ThreadPool {
    rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap()
}
