//! Blast-radius tests: the real graphs in `../shared/fixtures/graphs`
//! against their expected dependents tables, and hand-checked small graphs
//! for probabilities, paths, limits, cycles and aggregates.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a panic is a failed test"
)]

use std::path::Path;

use blastgate_graph::{
    BlastRadius, BuildOptions, EdgeSpec, FrozenGraph, GraphBuilder, GraphFragment, NodeKind, NodeSpec, Origin,
    Probability, RadiusConfig, RadiusScratch, Strength, Tier, TierWeights, Traffic, radius, radius_batch, radius_with,
    reach_count_batch, reach_count_with,
};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/fixtures/graphs");

/// A graph from declared nodes and edges `(dependent, dependency,
/// probability)`; nodes named only by edges are declared with no attributes.
fn build(nodes: &[(&str, NodeSpec)], edges: &[(&str, &str, EdgeSpec)]) -> FrozenGraph {
    let mut fragment = GraphFragment::new("test", Origin::Declared);
    for (id, spec) in nodes {
        fragment.declare(id, spec.clone(), String::new).unwrap();
    }
    for (a, b, spec) in edges {
        let a = fragment.node(a, String::new).unwrap();
        let b = fragment.node(b, String::new).unwrap();
        fragment.edge(a, b, *spec).unwrap();
    }
    let mut builder = GraphBuilder::new(BuildOptions::default());
    builder.add(fragment).unwrap();
    builder.build().unwrap().freeze()
}

fn p(probability: f64) -> EdgeSpec {
    EdgeSpec { probability: Some(Probability::new(probability).unwrap()), ..EdgeSpec::default() }
}

fn plain() -> EdgeSpec {
    EdgeSpec::default()
}

fn ix(graph: &FrozenGraph, id: &str) -> u32 {
    graph.index_of(id).unwrap_or_else(|| panic!("no node `{id}`"))
}

fn ids(graph: &FrozenGraph, nodes: impl IntoIterator<Item = u32>) -> Vec<String> {
    nodes.into_iter().map(|i| graph.node(i).unwrap().id().to_owned()).collect()
}

fn affected_ids(graph: &FrozenGraph, blast: &BlastRadius) -> Vec<String> {
    ids(graph, blast.affected().iter().map(|a| a.node()))
}

fn path_ids(graph: &FrozenGraph, blast: &BlastRadius, id: &str) -> Vec<String> {
    ids(graph, blast.path_to(ix(graph, id)))
}

fn prob(graph: &FrozenGraph, blast: &BlastRadius, id: &str) -> f64 {
    blast.get(ix(graph, id)).unwrap_or_else(|| panic!("`{id}` not affected")).probability().get()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}

fn change(graph: &FrozenGraph, changed: &[&str], config: &RadiusConfig) -> BlastRadius {
    let changed: Vec<u32> = changed.iter().map(|id| ix(graph, id)).collect();
    radius(graph, &changed, config)
}

/// Checks what every blast radius must satisfy: paths start at a changed
/// node, follow edges, stay among changed and affected nodes, and multiply
/// to the reported probability.
fn check_paths(graph: &FrozenGraph, blast: &BlastRadius) {
    for a in blast.affected() {
        let path = blast.path_to(a.node());
        assert!(path.len() >= 2, "path to an affected node has an edge");
        assert!(blast.changed().contains(&path[0]));
        assert_eq!(*path.last().unwrap(), a.node());
        assert_eq!(path[path.len() - 2], a.predecessor());
        assert!((path.len() - 1) as u32 >= a.distance());
        let mut product = 1.0f64;
        for step in path.windows(2) {
            assert!(blast.is_affected(step[1]), "path node is affected");
            let dep = graph.dependency(step[1], step[0]).expect("path follows an edge");
            product *= f64::from(dep.probability().get() as f32);
        }
        assert!(close(product, a.probability().get()), "{product} vs {}", a.probability().get());
    }
}

fn fixture_graph(edges_file: &Path) -> FrozenGraph {
    let text = std::fs::read_to_string(edges_file).unwrap();
    let mut fragment = GraphFragment::new(&edges_file.display().to_string(), Origin::Listed);
    for (n, line) in text.lines().enumerate() {
        let mut cols = line.split_whitespace();
        let (Some(src), Some(dst), None) = (cols.next(), cols.next(), cols.next()) else {
            panic!("{}:{}: not `src dst`: {line:?}", edges_file.display(), n + 1)
        };
        let a = fragment.node(src, String::new).unwrap();
        let b = fragment.node(dst, String::new).unwrap();
        fragment.edge(a, b, EdgeSpec::default()).unwrap();
    }
    let mut builder = GraphBuilder::new(BuildOptions::default());
    builder.add(fragment).unwrap();
    builder.build().unwrap().freeze()
}

fn split_list(cell: &str) -> Vec<String> {
    let mut v: Vec<String> = cell.split(',').filter(|s| !s.is_empty()).map(str::to_owned).collect();
    v.sort();
    v
}

#[test]
fn fixtures_match_expected_dependents() {
    let mut files: Vec<_> = std::fs::read_dir(FIXTURES)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "edges"))
        .collect();
    files.sort();
    assert!(files.len() >= 4, "fixtures found: {files:?}");
    let mut rows_checked = 0;
    for edges_file in files {
        let graph = fixture_graph(&edges_file);
        let tsv = edges_file.with_extension("expected.tsv");
        let text = std::fs::read_to_string(&tsv).unwrap();
        let mut lines = text.lines();
        let header: Vec<&str> = lines.next().unwrap().split('\t').collect();
        let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
        let (c_node, c_direct, c_trans, c_n) =
            (col("node"), col("direct_dependents"), col("transitive_dependents"), col("n_transitive_dependents"));
        let mut scratch = RadiusScratch::for_graph(&graph);
        let mut rows = 0;
        for line in lines.filter(|l| !l.is_empty()) {
            let cells: Vec<&str> = line.split('\t').collect();
            let node = ix(&graph, cells[c_node]);
            let what = format!("{}: {}", tsv.display(), cells[c_node]);
            let blast = radius_with(&mut scratch, &graph, &[node], &RadiusConfig::default());
            let mut got = affected_ids(&graph, &blast);
            assert!(got.is_sorted(), "{what}: affected sorted by id");
            got.sort();
            assert_eq!(got, split_list(cells[c_trans]), "{what}: transitive dependents");
            assert_eq!(blast.affected_count(), cells[c_n].parse::<usize>().unwrap(), "{what}");
            assert_eq!(reach_count_with(&mut scratch, &graph, &[node]), blast.affected_count(), "{what}");
            let direct: Vec<String> =
                ids(&graph, blast.affected().iter().filter(|a| a.distance() == 1).map(|a| a.node()));
            assert_eq!(direct, split_list(cells[c_direct]), "{what}: direct dependents");
            let one_hop = radius_with(&mut scratch, &graph, &[node], &RadiusConfig::default().with_max_depth(1));
            assert_eq!(affected_ids(&graph, &one_hop), split_list(cells[c_direct]), "{what}: max_depth 1");
            check_paths(&graph, &blast);
            rows += 1;
        }
        assert_eq!(rows, graph.node_count(), "{}: one row per node", tsv.display());
        rows_checked += rows;
    }
    assert!(rows_checked >= 80);
}

#[test]
fn online_boutique_product_catalog_headline() {
    let graph = fixture_graph(&Path::new(FIXTURES).join("online-boutique.edges"));
    let blast = change(&graph, &["productcatalogservice"], &RadiusConfig::default());
    assert_eq!(affected_ids(&graph, &blast), ["checkoutservice", "frontend", "loadgenerator", "recommendationservice"]);
    // Edge-list edges are sync and hard: 0.9 per hop, in f32.
    let hop = f64::from(0.9f32);
    assert!(close(prob(&graph, &blast, "frontend"), hop));
    assert!(close(prob(&graph, &blast, "loadgenerator"), hop * hop));
    assert_eq!(path_ids(&graph, &blast, "loadgenerator"), ["productcatalogservice", "frontend", "loadgenerator"]);
}

/// `d` is the base; `a` and `b` depend on it; `top` depends on both.
fn diamond() -> FrozenGraph {
    build(&[], &[("top", "a", p(0.75)), ("top", "b", p(0.25)), ("a", "d", p(0.5)), ("b", "d", p(0.75))])
}

#[test]
fn diamond_probabilities_and_path() {
    let graph = diamond();
    let blast = change(&graph, &["d"], &RadiusConfig::default());
    assert_eq!(affected_ids(&graph, &blast), ["a", "b", "top"]);
    assert!(close(prob(&graph, &blast, "a"), 0.5));
    assert!(close(prob(&graph, &blast, "b"), 0.75));
    // Through a: 0.5 * 0.75 = 0.375; through b: 0.75 * 0.25 = 0.1875.
    assert!(close(prob(&graph, &blast, "top"), 0.375));
    assert_eq!(path_ids(&graph, &blast, "top"), ["d", "a", "top"]);
    assert_eq!(blast.get(ix(&graph, "top")).unwrap().distance(), 2);
    assert_eq!(blast.get(ix(&graph, "a")).unwrap().distance(), 1);
    assert_eq!(path_ids(&graph, &blast, "d"), ["d"], "a changed node's path is itself");
    check_paths(&graph, &blast);

    // Changing `a` reaches only `top`, directly.
    let blast = change(&graph, &["a"], &RadiusConfig::default());
    assert_eq!(affected_ids(&graph, &blast), ["top"]);
    assert!(close(prob(&graph, &blast, "top"), 0.75));
    assert!(blast.path_to(ix(&graph, "b")).is_empty(), "no path to an unaffected node");
}

#[test]
fn default_probabilities_come_from_kind_and_strength() {
    // Sync hard is 0.9, sync soft 0.3: both routes to `top` give 0.27. On
    // the tie the path through the node settled first (`a`, 0.9) is kept.
    let soft = EdgeSpec { strength: Some(Strength::Soft), ..EdgeSpec::default() };
    let graph = build(&[], &[("top", "a", soft), ("top", "b", plain()), ("a", "d", plain()), ("b", "d", soft)]);
    let blast = change(&graph, &["d"], &RadiusConfig::default());
    let (hard, soft) = (f64::from(0.9f32), f64::from(0.3f32));
    assert!(close(prob(&graph, &blast, "a"), hard));
    assert!(close(prob(&graph, &blast, "b"), soft));
    assert!(close(prob(&graph, &blast, "top"), hard * soft));
    assert_eq!(path_ids(&graph, &blast, "top"), ["d", "a", "top"]);
}

#[test]
fn probability_floor_is_inclusive_and_prunes() {
    let graph = diamond();
    let floor = |f: f64| RadiusConfig::default().with_min_probability(Probability::new(f).unwrap());
    let blast = change(&graph, &["d"], &floor(0.375));
    assert_eq!(affected_ids(&graph, &blast), ["a", "b", "top"]);
    let blast = change(&graph, &["d"], &floor(0.376));
    assert_eq!(affected_ids(&graph, &blast), ["a", "b"]);
    let blast = change(&graph, &["d"], &floor(0.5));
    assert_eq!(affected_ids(&graph, &blast), ["a", "b"]);
    let blast = change(&graph, &["d"], &floor(0.51));
    assert_eq!(affected_ids(&graph, &blast), ["b"]);
    let blast = change(&graph, &["d"], &floor(1.0));
    assert!(blast.is_empty());
}

#[test]
fn floor_at_a_stated_probability_keeps_its_edges() {
    // 0.9 is stored as 0.89999998 (f32): the floor's slack keeps a node
    // whose decimal probability equals the floor, on one edge or several.
    let graph = build(&[], &[("a", "d", p(0.9)), ("b", "a", p(0.9)), ("c", "b", p(0.3))]);
    let floor = |f: f64| RadiusConfig::default().with_min_probability(Probability::new(f).unwrap());
    assert_eq!(affected_ids(&graph, &change(&graph, &["d"], &floor(0.9))), ["a"]);
    assert_eq!(affected_ids(&graph, &change(&graph, &["d"], &floor(0.81))), ["a", "b"]);
    assert_eq!(affected_ids(&graph, &change(&graph, &["d"], &floor(0.8101))), ["a"]);
    assert_eq!(affected_ids(&graph, &change(&graph, &["d"], &floor(0.243))), ["a", "b", "c"]);
    assert_eq!(affected_ids(&graph, &change(&graph, &["d"], &floor(0.2431))), ["a", "b"]);
    assert_eq!(affected_ids(&graph, &change(&graph, &["d"], &floor(0.9001))), Vec::<String>::new());
    let threshold = floor(0.5).probability_threshold();
    assert!(threshold < 0.5 && threshold > 0.5 - 1e-6);
}

#[test]
fn zero_probability_edges_still_reach_without_a_floor() {
    let graph = build(&[], &[("a", "d", p(0.0)), ("b", "a", p(1.0))]);
    let blast = change(&graph, &["d"], &RadiusConfig::default());
    assert_eq!(affected_ids(&graph, &blast), ["a", "b"]);
    assert!(close(prob(&graph, &blast, "b"), 0.0));
    assert_eq!(path_ids(&graph, &blast, "b"), ["d", "a", "b"]);
    let floor = RadiusConfig::default().with_min_probability(Probability::new(1e-300).unwrap());
    assert!(change(&graph, &["d"], &floor).is_empty());
}

#[test]
fn depth_limit_bounds_nodes_not_paths() {
    // `v` depends on `x` directly (0.1) and through `b` and `a` (0.99 each).
    let graph = build(&[], &[("v", "x", p(0.1)), ("a", "x", p(0.99)), ("b", "a", p(0.99)), ("v", "b", p(0.99))]);
    let unlimited = change(&graph, &["x"], &RadiusConfig::default());
    assert_eq!(affected_ids(&graph, &unlimited), ["a", "b", "v"]);
    let strong = f64::from(0.99f32).powi(3);
    assert!(close(prob(&graph, &unlimited, "v"), strong));
    assert_eq!(unlimited.get(ix(&graph, "v")).unwrap().distance(), 1);
    assert_eq!(path_ids(&graph, &unlimited, "v"), ["x", "a", "b", "v"]);

    // Depth 1: the ball is {x, a, v}; v's best path inside it is direct.
    let one = change(&graph, &["x"], &RadiusConfig::default().with_max_depth(1));
    assert_eq!(affected_ids(&graph, &one), ["a", "v"]);
    assert!(close(prob(&graph, &one, "v"), f64::from(0.1f32)));
    assert_eq!(path_ids(&graph, &one, "v"), ["x", "v"]);
    check_paths(&graph, &one);

    // Depth 2 adds `b`, and v's path through it takes 3 hops.
    let two = change(&graph, &["x"], &RadiusConfig::default().with_max_depth(2));
    assert_eq!(affected_ids(&graph, &two), ["a", "b", "v"]);
    assert!(close(prob(&graph, &two, "v"), strong));
    assert_eq!(path_ids(&graph, &two, "v"), ["x", "a", "b", "v"]);

    assert!(change(&graph, &["x"], &RadiusConfig::default().with_max_depth(0)).is_empty());
}

#[test]
fn depth_limit_on_a_chain() {
    let edges: Vec<(String, String)> = (0..6).map(|i| (format!("n{i}"), format!("n{}", i + 1))).collect();
    let edges: Vec<(&str, &str, EdgeSpec)> = edges.iter().map(|(a, b)| (a.as_str(), b.as_str(), plain())).collect();
    let graph = build(&[], &edges);
    let blast = change(&graph, &["n6"], &RadiusConfig::default().with_max_depth(2));
    assert_eq!(affected_ids(&graph, &blast), ["n4", "n5"]);
    assert_eq!(blast.max_distance(), 2);
    let blast = change(&graph, &["n6"], &RadiusConfig::default());
    assert_eq!(blast.affected_count(), 6);
    assert_eq!(blast.max_distance(), 6);
}

#[test]
fn cycles_are_walked_once() {
    // a -> b -> c -> a is a cycle; c also depends on d.
    let graph = build(&[], &[("a", "b", p(0.5)), ("b", "c", p(0.5)), ("c", "a", p(0.5)), ("c", "d", p(0.5))]);
    let blast = change(&graph, &["d"], &RadiusConfig::default());
    assert_eq!(affected_ids(&graph, &blast), ["a", "b", "c"]);
    let dist = |id: &str| blast.get(ix(&graph, id)).unwrap().distance();
    assert_eq!((dist("c"), dist("b"), dist("a")), (1, 2, 3));
    assert!(close(prob(&graph, &blast, "a"), 0.125));
    assert_eq!(path_ids(&graph, &blast, "a"), ["d", "c", "b", "a"]);
    check_paths(&graph, &blast);

    // Changing a node on the cycle reaches the rest of it, not itself.
    let blast = change(&graph, &["a"], &RadiusConfig::default());
    assert_eq!(affected_ids(&graph, &blast), ["b", "c"]);
}

#[test]
fn several_changed_nodes() {
    let graph = build(&[], &[("a", "b", p(0.5)), ("b", "c", p(0.5)), ("c", "a", p(0.5)), ("c", "d", p(0.5))]);
    let (a, d) = (ix(&graph, "a"), ix(&graph, "d"));
    let blast = radius(&graph, &[d, a, d, 99, a, 77, 99], &RadiusConfig::default());
    let mut changed = vec![a, d];
    changed.sort();
    assert_eq!(blast.changed(), changed);
    assert_eq!(blast.unknown(), [77, 99]);
    // `a` is changed, so not affected even though `d` reaches it.
    assert_eq!(affected_ids(&graph, &blast), ["b", "c"]);
    let dist = |id: &str| blast.get(ix(&graph, id)).unwrap().distance();
    assert_eq!((dist("c"), dist("b")), (1, 2));
    // c depends on both changed nodes (0.5 each): on the tie the path from
    // the source settled first, the lower dense id, is kept.
    assert!(close(prob(&graph, &blast, "c"), 0.5));
    assert!(close(prob(&graph, &blast, "b"), 0.25));
    check_paths(&graph, &blast);
    let path = blast.path_to(ix(&graph, "b"));
    assert_eq!(path.len(), 3);
    assert_eq!(path[1], ix(&graph, "c"));
    assert_eq!(path[0], a.min(d), "tie goes to the lower dense id");
    assert_eq!(path_ids(&graph, &blast, "a"), ["a"]);

    let none = radius(&graph, &[], &RadiusConfig::default());
    assert!(none.is_empty() && none.changed().is_empty() && none.evidence().is_empty());
    assert_eq!(none.highest_tier(), None);
}

fn spec(kind: NodeKind, tier: Option<u8>, owner: Option<&str>, traffic: Option<f64>) -> NodeSpec {
    NodeSpec {
        kind: Some(kind),
        tier: tier.and_then(Tier::new),
        owner: owner.map(str::to_owned),
        traffic: traffic.and_then(Traffic::new),
        ..NodeSpec::default()
    }
}

/// `db` (changed) <- `api` <- `web` <- `checkout` (a journey); `batch`
/// also uses `db`.
fn shop() -> FrozenGraph {
    build(
        &[
            ("db", spec(NodeKind::Datastore, Some(0), Some("data"), None)),
            ("api", spec(NodeKind::Service, Some(1), Some("platform"), Some(99.0))),
            ("web", spec(NodeKind::Service, None, Some("web"), None)),
            ("checkout", spec(NodeKind::Journey, Some(0), Some("web"), None)),
            ("batch", spec(NodeKind::Service, Some(3), None, None)),
        ],
        &[("api", "db", p(0.5)), ("web", "api", p(0.75)), ("checkout", "web", p(1.0)), ("batch", "db", p(0.25))],
    )
}

#[test]
fn aggregates_tiers_impact_journeys_owners_evidence() {
    let graph = shop();
    let blast = change(&graph, &["db"], &RadiusConfig::default());
    assert_eq!(affected_ids(&graph, &blast), ["api", "batch", "checkout", "web"]);
    // web has no tier: it counts as the default, 2.
    assert_eq!(blast.tier_counts(), [1, 1, 1, 1]);
    assert_eq!(blast.count_in_tier(Tier::CRITICAL), 1);
    assert_eq!(blast.highest_tier(), Some(Tier::CRITICAL));
    // api: 0.5 * 4 * (1 + log10(100)) = 6; batch: 0.25 * 1; checkout:
    // 0.375 * 8; web: 0.375 * 2.
    assert!(close(blast.weighted_impact(), 6.0 + 0.25 + 3.0 + 0.75), "{}", blast.weighted_impact());
    assert_eq!(ids(&graph, blast.journeys().iter().map(|a| a.node())), ["checkout"]);
    assert!(close(blast.journeys()[0].probability().get(), 0.375));
    assert_eq!(blast.owners().collect::<Vec<_>>(), ["platform", "web"], "changed db's owner is not listed");
    let evidence: Vec<Vec<String>> = blast.evidence().iter().map(|e| ids(&graph, e.nodes().iter().copied())).collect();
    assert_eq!(
        evidence,
        [vec!["db", "api", "web", "checkout"], vec!["db", "api"], vec!["db", "api", "web"], vec!["db", "batch"]]
    );
    let first = &blast.evidence()[0];
    assert_eq!((first.target(), first.tier()), (ix(&graph, "checkout"), Tier::CRITICAL));
    assert!(close(first.probability().get(), 0.375));

    let two = change(&graph, &["db"], &RadiusConfig::default().with_top_paths(2));
    assert_eq!(ids(&graph, two.evidence().iter().map(|e| e.target())), ["checkout", "api"]);
    assert!(change(&graph, &["db"], &RadiusConfig::default().with_top_paths(0)).evidence().is_empty());

    let flat = RadiusConfig::default().with_tier_weights(TierWeights::new([1.0; 4]).unwrap());
    let blast = change(&graph, &["db"], &flat);
    assert!(close(blast.weighted_impact(), 1.5 + 0.25 + 0.375 + 0.375), "{}", blast.weighted_impact());
    assert_eq!(TierWeights::new([1.0, f64::NAN, 1.0, 1.0]), None);
    assert_eq!(TierWeights::new([1.0, -1.0, 1.0, 1.0]), None);
    assert!(close(TierWeights::default().get(Tier::CRITICAL), 8.0));
}

#[test]
fn evidence_ranks_probability_within_a_tier() {
    let graph = build(&[], &[("a", "d", p(0.25)), ("b", "d", p(0.75)), ("c", "d", p(0.75))]);
    let blast = change(&graph, &["d"], &RadiusConfig::default());
    // All tier 2 (default): b and c tie on probability, then id order.
    assert_eq!(ids(&graph, blast.evidence().iter().map(|e| e.target())), ["b", "c", "a"]);
    assert_eq!(blast.highest_tier(), Some(Tier::DEFAULT));
    assert_eq!(blast.tier_counts(), [0, 0, 3, 0]);
}

#[test]
fn an_untiered_journey_counts_and_weighs_as_tier_0() {
    // The rules treat every journey as critical; the counts and weights
    // say the same when the graph gives the journey no tier. A declared
    // tier is kept.
    let graph = build(
        &[
            ("browse", spec(NodeKind::Journey, None, None, None)),
            ("report", spec(NodeKind::Journey, Some(3), None, None)),
            ("worker", spec(NodeKind::Service, None, None, None)),
        ],
        &[("browse", "d", p(0.5)), ("report", "d", p(0.5)), ("worker", "d", p(0.5))],
    );
    assert_eq!(graph.node(ix(&graph, "browse")).unwrap().effective_tier(), Tier::CRITICAL);
    assert_eq!(graph.node(ix(&graph, "report")).unwrap().effective_tier(), Tier::LOWEST);
    assert_eq!(graph.node(ix(&graph, "worker")).unwrap().effective_tier(), Tier::DEFAULT);
    let blast = change(&graph, &["d"], &RadiusConfig::default());
    assert_eq!(blast.tier_counts(), [1, 0, 1, 1]);
    assert_eq!(blast.highest_tier(), Some(Tier::CRITICAL));
    // 0.5 * 8 + 0.5 * 1 + 0.5 * 2.
    assert!(close(blast.weighted_impact(), 4.0 + 0.5 + 1.0), "{}", blast.weighted_impact());
    assert_eq!(blast.journeys().iter().map(|a| a.tier()).collect::<Vec<_>>(), [Tier::CRITICAL, Tier::LOWEST]);
}

#[test]
fn scratch_is_reusable_across_graphs_and_queries() {
    let small = diamond();
    let big = shop();
    let mut scratch = RadiusScratch::new(0);
    for _ in 0..3 {
        for (graph, id) in [(&small, "d"), (&big, "db"), (&small, "a"), (&big, "web")] {
            let node = ix(graph, id);
            let reused = radius_with(&mut scratch, graph, &[node], &RadiusConfig::default());
            assert_eq!(reused, radius(graph, &[node], &RadiusConfig::default()));
            assert_eq!(reach_count_with(&mut scratch, graph, &[node, node, 1000]), reused.affected_count());
        }
    }
    assert!(scratch.capacity() >= big.node_count());
}

#[test]
fn batch_keeps_order() {
    let graph = shop();
    let sets: Vec<Vec<u32>> =
        vec![vec![ix(&graph, "db")], vec![], vec![ix(&graph, "web"), 500], vec![ix(&graph, "api")]];
    let config = RadiusConfig::default().with_top_paths(3);
    let batch = radius_batch(&graph, &sets, &config);
    let sequential: Vec<BlastRadius> = sets.iter().map(|s| radius(&graph, s, &config)).collect();
    assert_eq!(batch, sequential);
}

#[test]
fn million_node_chain_on_a_small_stack() {
    const N: u32 = 1_000_000;
    let mut fragment = GraphFragment::new("chain", Origin::Listed);
    fragment.reserve(N as usize, N as usize);
    let mut prev = fragment.node("n0", String::new).unwrap();
    for i in 1..N {
        let next = fragment.node(&format!("n{i}"), String::new).unwrap();
        fragment.edge(prev, next, EdgeSpec::default()).unwrap();
        prev = next;
    }
    let mut builder = GraphBuilder::new(BuildOptions::default());
    builder.add(fragment).unwrap();
    let graph = builder.build().unwrap().freeze();
    std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(move || {
            let tail = graph.index_of(&format!("n{}", N - 1)).unwrap();
            let head = graph.index_of("n0").unwrap();
            let blast = radius(&graph, &[tail], &RadiusConfig::default());
            assert_eq!(blast.affected_count(), N as usize - 1);
            assert_eq!(blast.get(head).unwrap().distance(), N - 1);
            assert_eq!(blast.max_distance(), N - 1);
            let path = blast.path_to(head);
            assert_eq!((path.len(), path[0], path[path.len() - 1]), (N as usize, tail, head));
            let mut scratch = RadiusScratch::for_graph(&graph);
            assert_eq!(reach_count_with(&mut scratch, &graph, &[tail]), N as usize - 1);
            // A batch heavy enough to be swept over the condensation
            // (whose strongly connected components are found without
            // recursion too).
            let sets: Vec<Vec<u32>> =
                (0..20).map(|i| vec![graph.index_of(&format!("n{}", N - 1 - i)).unwrap()]).collect();
            let expected: Vec<usize> = (0..20).map(|i| (N - 1 - i) as usize).collect();
            assert_eq!(reach_count_batch(&graph, &sets), expected);
        })
        .unwrap()
        .join()
        .unwrap();
}

/// Names from people and other tools: `index_of_name` picks the one node a
/// trace name would join (or none on a tie), `nodes_named` every node the
/// name could mean, case and surrounding spaces ignored, so that what
/// applies wherever a name points (a freeze) is never dropped.
#[test]
fn names_find_ids_and_catalog_entities() {
    let edges = [
        ("web", "component:a/payments", plain()),
        ("web", "component:b/payments", plain()),
        ("web", "resource:cart", plain()),
        ("web", "component:cart", plain()),
        ("web", "Artists-DB", plain()),
    ];
    let g = build(&[], &edges);
    let id = |i: u32| g.id(i).unwrap().to_owned();
    let named = |name: &str| g.nodes_named(name).into_iter().map(id).collect::<Vec<_>>();
    assert_eq!(named("web"), ["web"]);
    assert_eq!(named(" WEB "), ["web"]);
    assert_eq!(named("artists-db"), ["Artists-DB"]);
    assert_eq!(named("payments"), ["component:a/payments", "component:b/payments"]);
    assert_eq!(named("B/Payments"), ["component:b/payments"], "namespace/name, as Backstage refers");
    assert_eq!(named("Cart"), ["component:cart", "resource:cart"]);
    assert!(named("nothing").is_empty());
    // Backstage's full ref of a `default` entity, as tools on the catalog
    // write it (an SRE audit: an incident on `component:default/payments`
    // was dropped with a warning, and the change went from block to peer).
    assert_eq!(named("component:default/cart"), ["component:cart"]);
    assert_eq!(named("Resource:Default/Cart"), ["resource:cart"]);
    assert_eq!(named("default/cart"), ["component:cart", "resource:cart"]);
    assert!(named("default/payments").is_empty(), "not in the default namespace");
    assert!(named("component:default/artists-db").is_empty(), "not a catalog id");
    assert_eq!(g.index_of_name("payments"), None, "a tie names none");
    assert_eq!(g.index_of_name("cart").map(id).as_deref(), Some("component:cart"), "components first");
}

/// The evidence paths of one radius hold at most
/// `MAX_EVIDENCE_PATH_NODES` nodes together, most critical first (a red
/// team's: `radius --top-paths 7200` on a million-service chain held 3.6 GB
/// of paths). A chain of 6,000 with every node asked for holds about 18
/// million path nodes; the paths kept stop before the budget.
#[test]
fn evidence_paths_are_held_to_a_budget() {
    let n = 6_000;
    let edges: Vec<(String, String)> = (0..n).map(|i| (format!("n{i:05}"), format!("n{:05}", i + 1))).collect();
    let edges: Vec<(&str, &str, EdgeSpec)> = edges.iter().map(|(a, b)| (a.as_str(), b.as_str(), p(0.999))).collect();
    let graph = build(&[], &edges);
    let blast = change(&graph, &[&format!("n{n:05}")], &RadiusConfig::default().with_top_paths(n));
    let held: usize = blast.evidence().iter().map(|e| e.nodes().len()).sum();
    assert!(held <= blastgate_graph::MAX_EVIDENCE_PATH_NODES, "{held}");
    assert!(blast.evidence().len() < n && blast.evidence().len() > 5_000, "{}", blast.evidence().len());
    // Most critical first: the nearest (most probable) nodes' paths, whole.
    let first = &blast.evidence()[0];
    assert_eq!(first.nodes().len(), 2);
    assert!(blast.evidence().windows(2).all(|w| w[0].probability().get() >= w[1].probability().get()));
}
