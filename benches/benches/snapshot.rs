//! Graph snapshots: writing a frozen graph as a snapshot, and reading one
//! back into a frozen graph, from memory and from a file as `--graph
//! FILE.bgs` does (through the facade's loader).
//!
//! The graph is the synthetic edge list of `graph_load` (the generator's
//! default shape, seed 0), parsed, merged and frozen before timing. Its
//! size comes from `BLASTGATE_BENCH_NODES` and `BLASTGATE_BENCH_EDGES`
//! (defaults 100,000 and 1,000,000, so that CI's `cargo test --benches`
//! stays cheap):
//!
//! ```text
//! BLASTGATE_BENCH_NODES=1000000 BLASTGATE_BENCH_EDGES=10000000 \
//!     cargo bench -p blastgate-benches --bench snapshot
//! ```
//!
//! Three measurements: `write` (into a buffer reused across iterations),
//! `read_memory` (from the bytes in memory) and `read_file` (from a
//! temporary file, which the page cache holds after the first read). Read
//! graphs are dropped outside the timed region.

#![expect(clippy::expect_used, reason = "a benchmark whose input does not load should stop loudly")]

use std::hint::black_box;
use std::time::Duration;

use blastgate::graph::{BuildOptions, GraphLoader};
use blastgate_graph::synth::{SynthConfig, write_edge_list};
use blastgate_graph::{FrozenGraph, GraphBuilder};
use blastgate_ingest::edgelist;
use criterion::{Criterion, SamplingMode, Throughput, criterion_group, criterion_main};

/// A size from the environment (underscores allowed: `10_000_000`).
fn size(variable: &str, default: u64) -> u64 {
    std::env::var(variable).ok().and_then(|v| v.replace('_', "").parse().ok()).unwrap_or(default)
}

fn graph(nodes: u64, edges: u64) -> FrozenGraph {
    let services = u32::try_from(nodes).expect("BLASTGATE_BENCH_NODES fits in 32 bits");
    let mut input = Vec::new();
    write_edge_list(&SynthConfig::new(services, edges), &mut input).expect("writing to memory succeeds");
    let fragment = edgelist::parse("synth.edges", &input).expect("the synthetic edge list parses");
    let mut builder = GraphBuilder::new(BuildOptions::default());
    builder.add(fragment).expect("the synthetic graph is within limits");
    builder.build().expect("the synthetic graph builds").freeze()
}

fn snapshot(c: &mut Criterion) {
    let nodes = size("BLASTGATE_BENCH_NODES", 100_000);
    let edges = size("BLASTGATE_BENCH_EDGES", 1_000_000);
    let graph = graph(nodes, edges);
    let mut bytes = Vec::new();
    graph.write_snapshot(&mut bytes).expect("writing to memory succeeds");
    let path = std::env::temp_dir().join(format!("blastgate-bench-{}.bgs", std::process::id()));
    std::fs::write(&path, &bytes).expect("the temporary directory is writable");

    let mut group = c.benchmark_group(format!("snapshot/{nodes}_nodes_{edges}_edges"));
    group.throughput(Throughput::Bytes(bytes.len() as u64));
    group.sampling_mode(SamplingMode::Flat);
    group.sample_size(10);
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs_f64((edges as f64 * 3e-7).max(3.0)));
    let mut out = Vec::with_capacity(bytes.len());
    group.bench_function("write", |b| {
        b.iter(|| {
            out.clear();
            black_box(&graph).write_snapshot(&mut out).expect("writing to memory succeeds");
        })
    });
    group.bench_function("read_memory", |b| {
        b.iter_with_large_drop(|| FrozenGraph::read_snapshot("bench.bgs", black_box(bytes.as_slice())).expect("reads"))
    });
    group.bench_function("read_file", |b| {
        b.iter_with_large_drop(|| {
            let mut loader = GraphLoader::new(BuildOptions::default());
            loader.add_file(black_box(&path), None).expect("the snapshot loads");
            loader.build_frozen().expect("the snapshot is a graph")
        })
    });
    group.finish();
    let _ = std::fs::remove_file(&path);
}

criterion_group!(benches, snapshot);
criterion_main!(benches);
