//! The streamed batch (`radius_batch_streamed`, what `radius --batch`
//! uses) gives what the collected batch gives, in input order, on any
//! number of threads, and stops at the first error of its consumer.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a panic is a failed test"
)]

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
