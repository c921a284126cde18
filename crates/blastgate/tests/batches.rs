//! The streamed batches (`radius_batch_streamed`, what `radius --batch`
//! uses, and `Engine::assess_batch_streamed`) give what the collected
//! batches give, in input order, on any number of threads, across pieces,
//! and stop at the first error of their consumer.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a panic is a failed test"
)]

use blastgate::assess::{AssessOptions, Engine, default_policy};
use blastgate::change::{Changeset, parse_changeset};
use blastgate::context::{Context, Timestamp};
use blastgate::graph::{BuildOptions, FrozenGraph, GraphFormat, GraphLoader};
use blastgate::radius::{RadiusConfig, radius_batch, radius_batch_streamed};
use blastgate::synth::{SynthConfig, write_edge_list};

fn graph() -> FrozenGraph {
    let mut edges = Vec::new();
    write_edge_list(&SynthConfig::new(3000, 24_000).with_seed(11), &mut edges).unwrap();
    let mut loader = GraphLoader::new(BuildOptions::default());
    loader.add_bytes("synth.edges", &edges, Some(GraphFormat::EdgeList)).unwrap();
    loader.build_frozen().unwrap()
}

/// 150 changesets of 0 to 9 nodes (more than a chunk of the stream on any
/// pool below), drawn by a fixed linear congruential sequence.
fn changesets(n: u32) -> Vec<Vec<u32>> {
    let mut state = 7u64;
    let mut next = move || {
        state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        (state >> 33) as u32
    };
    (0..150).map(|_| (0..next() % 10).map(|_| next() % n).collect()).collect()
}

#[test]
fn streamed_batch_equals_the_collected_batch_in_order() {
    let g = graph();
    let sets = changesets(g.node_count() as u32);
    let config = RadiusConfig::default();
    let expected = radius_batch(&g, &sets, &config);
    for threads in [1, 3] {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
        let mut got = Vec::new();
        pool.install(|| {
            radius_batch_streamed(&g, &sets, &config, Clone::clone, |b| {
                got.push(b);
                Ok::<(), ()>(())
            })
        })
        .unwrap();
        assert_eq!(got, expected, "{threads} threads");
    }
}

#[test]
fn streamed_batch_stops_at_the_first_error() {
    let g = graph();
    let sets = changesets(g.node_count() as u32);
    let mut seen = 0;
    let result = radius_batch_streamed(
        &g,
        &sets,
        &RadiusConfig::default(),
        |b| b.affected_count(),
        |_| {
            seen += 1;
            if seen == 5 { Err("stop") } else { Ok(()) }
        },
    );
    assert_eq!(result, Err("stop"));
    assert_eq!(seen, 5);
}

/// 150 changes of the sets above, as changesets of the graph's ids with
/// one source file each (more than a piece of the stream on one thread).
fn changes(g: &FrozenGraph) -> Vec<(Changeset, Context)> {
    let context = Context::new(Timestamp::parse("2026-11-29T12:00:00Z").unwrap());
    changesets(g.node_count() as u32)
        .iter()
        .enumerate()
        .map(|(i, set)| {
            let services: Vec<String> = set.iter().map(|&v| format!("{:?}", g.node(v).unwrap().id())).collect();
            let json = format!(
                r#"{{"apiVersion": "blastgate.dev/v1", "kind": "Changeset", "id": "c{i}",
                    "services": [{}], "files": [{{"path": "src/main.go", "added": {}, "deleted": 3}}]}}"#,
                services.join(", "),
                i * 7 % 400
            );
            (parse_changeset("c.json", json.as_bytes()).unwrap(), context.clone())
        })
        .collect()
}

#[test]
fn streamed_assessments_equal_the_collected_batch_in_order() {
    let engine = Engine::new(graph(), default_policy().unwrap()).unwrap();
    let items = changes(engine.graph());
    let options = AssessOptions::default();
    let json = |a: &blastgate::assess::Assessment| blastgate::assess::try_to_json(a).unwrap();
    let expected: Vec<String> = engine.assess_batch(&items, &options).iter().map(json).collect();
    for threads in [1, 3] {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
        let mut got = Vec::new();
        pool.install(|| {
            engine.assess_batch_streamed(&items, &options, |a| {
                got.push(json(&a));
                Ok::<(), ()>(())
            })
        })
        .unwrap();
        assert_eq!(got, expected, "{threads} threads");
    }
    let mut seen = 0;
    let stopped = engine.assess_batch_streamed(&items, &options, |_| {
        seen += 1;
        if seen == 40 { Err("stop") } else { Ok(()) }
    });
    assert_eq!((stopped, seen), (Err("stop"), 40));
}
