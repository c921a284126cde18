//! The blast radius against a naive reference, on a small graph decoded
//! from arbitrary bytes. Shared by the `radius_reference` fuzz target and
//! the regression replay test (`crates/blastgate/tests/fuzz_regressions.rs`
//! includes this file), so both check exactly the same thing.
//!
//! Bytes: `n = 2 + b0 % 40` nodes `n00..`; `k = 1 + b1 % 4` changed nodes
//! from the next `k` bytes; then edges from 3-byte chunks `(a, b, p)`:
//! `a` depends on `b` with probability `p / 255` (self-loops and repeated
//! pairs skipped). The reference: plain BFS for distances, Bellman-Ford with
//! max-product for probabilities; every path must be a real path whose
//! product is the reported probability. Batches of reach counts must give
//! the reference's reach sizes.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use blastgate::graph::GraphLoader;
use blastgate::radius::{RadiusConfig, radius, reach_count_batch};

pub fn check(data: &[u8]) {
    let (Some(&b0), Some(&b1)) = (data.first(), data.get(1)) else { return };
    let n = 2 + usize::from(b0) % 40;
    let k = 1 + usize::from(b1) % 4;
    let Some(changed_bytes) = data.get(2..2 + k) else { return };
    let name = |i: usize| format!("n{i:02}");
    let changed: BTreeSet<usize> = changed_bytes.iter().map(|&b| usize::from(b) % n).collect();
    let mut edges: BTreeMap<(usize, usize), u8> = BTreeMap::new();
    for chunk in data.get(2 + k..).unwrap_or_default().chunks_exact(3) {
        let (a, b) = (usize::from(chunk[0]) % n, usize::from(chunk[1]) % n);
        if a != b {
            edges.entry((a, b)).or_insert(chunk[2]);
        }
    }
    // Every node is listed (as an isolated line would not be), so declare
    // them in a native document and add the edges as an edge list.
    let mut yaml = String::from("apiVersion: blastgate.dev/v1\nkind: ServiceGraph\nservices:\n");
    for i in 0..n {
        yaml += &format!("  - {{id: {}}}\n", name(i));
    }
    let mut list = String::new();
    for (&(a, b), &p) in &edges {
        list += &format!("{} {} {}\n", name(a), name(b), f64::from(p) / 255.0);
    }
    let mut loader = GraphLoader::default();
    loader.add_bytes("nodes.yaml", yaml.as_bytes(), None).expect("nodes load");
    // An empty edge list is refused as input that arrived empty: a graph
    // without edges is the node list alone.
    if !list.is_empty() {
        loader.add_bytes("edges.edges", list.as_bytes(), None).expect("edges load");
    }
    let graph = loader.build().expect("builds").freeze();
    let index = |i: usize| graph.index_of(&name(i)).expect("every node is in the graph");
    // The weight the engine uses for each edge (f32 in the frozen graph).
    let weight = |a: usize, b: usize| -> f64 {
        let w = graph.dependency(index(a), index(b)).expect("edge").probability().get();
        f64::from(w as f32)
    };

    let (dist, prob) = naive(n, &changed, &edges, weight);

    let changed_idx: Vec<u32> = changed.iter().map(|&c| index(c)).collect();
    let blast = radius(&graph, &changed_idx, &RadiusConfig::default());
    let got: BTreeSet<String> =
        blast.affected().iter().map(|a| graph.node(a.node()).expect("node").id().to_owned()).collect();
    let want: BTreeSet<String> = (0..n).filter(|&i| dist[i].is_some() && !changed.contains(&i)).map(name).collect();
    assert_eq!(got, want, "affected set");
    for a in blast.affected() {
        let id = graph.node(a.node()).expect("node").id().to_owned();
        let i: usize = id[1..].parse().expect("n<i>");
        assert_eq!(Some(a.distance()), dist[i], "distance of {id}");
        let p = a.probability().get();
        assert!((p - prob[i]).abs() <= 1e-12 * prob[i].max(1e-300), "probability of {id}: {p} vs {}", prob[i]);
        let path = blast.path_to(a.node());
        assert_eq!(path.last(), Some(&a.node()));
        assert!(changed_idx.contains(&path[0]), "path of {id} starts at a changed node");
        let mut product = 1.0f64;
        for w in path.windows(2) {
            let (from, to) = (w[0], w[1]);
            let dep = graph.dependency(to, from).expect("each path step is an edge");
            product *= f64::from(dep.probability().get() as f32);
        }
        assert!((product - p).abs() <= 1e-12 * p.max(1e-300), "path product of {id}: {product} vs {p}");
    }

    // Batches of reach counts: the changeset, then every node alone, twice
    // over (enough heavy changesets to be swept 64 at a time over the
    // graph's layout by component), then the same batch again on the
    // layout made: each count the reference's reach size.
    let mut sets: Vec<Vec<u32>> = vec![changed_idx.clone()];
    let mut want: Vec<usize> = vec![blast.affected_count()];
    for _ in 0..2 {
        for i in 0..n {
            let (d, _) = naive(n, &BTreeSet::from([i]), &edges, weight);
            sets.push(vec![index(i)]);
            want.push(d.iter().filter(|x| x.is_some()).count() - 1);
        }
    }
    assert_eq!(reach_count_batch(&graph, &sets), want, "batch reach counts");
    assert_eq!(reach_count_batch(&graph, &sets), want, "batch reach counts, graph laid out");
}

/// The naive reference over `n` nodes: hop distances by plain BFS from the
/// `changed` nodes over dependents, and the most probable path's
/// probability by Bellman-Ford with max-product (`-1` where unreached), for
/// `edges` keyed `(dependent, dependency)` with `weight(a, b)` the edge's
/// probability. Written for clarity, not speed.
pub fn naive(
    n: usize,
    changed: &BTreeSet<usize>,
    edges: &BTreeMap<(usize, usize), u8>,
    weight: impl Fn(usize, usize) -> f64,
) -> (Vec<Option<u32>>, Vec<f64>) {
    let mut dist: Vec<Option<u32>> = vec![None; n];
    let mut queue = VecDeque::new();
    for &c in changed {
        dist[c] = Some(0);
        queue.push_back(c);
    }
    while let Some(b) = queue.pop_front() {
        for &(a, bb) in edges.keys() {
            if bb == b && dist[a].is_none() {
                dist[a] = Some(dist[b].unwrap_or(0) + 1);
                queue.push_back(a);
            }
        }
    }
    let mut prob: Vec<f64> = (0..n).map(|i| if changed.contains(&i) { 1.0 } else { -1.0 }).collect();
    for _ in 0..n {
        for &(a, b) in edges.keys() {
            if prob[b] >= 0.0 {
                let q = prob[b] * weight(a, b);
                if q > prob[a] {
                    prob[a] = q;
                }
            }
        }
    }
    (dist, prob)
}
