//! Loading a large graph: parsing a plain edge list, merging it into a
//! [`ServiceGraph`] and freezing it into the query structure.
//!
//! The input is a synthetic edge list in the generator's default shape
//! ([`blastgate_graph::synth`]: services that call a core of power-law hubs
//! and each other, 1% cycle-forming edges, lines grouped by dependent)
//! generated in memory before timing, seed 0. Its size comes from `BLASTGATE_BENCH_NODES` and
//! `BLASTGATE_BENCH_EDGES` (defaults 100,000 and 1,000,000, so that CI's
//! `cargo bench --no-run` and quick runs stay cheap):
//!
//! ```text
//! BLASTGATE_BENCH_NODES=1000000 BLASTGATE_BENCH_EDGES=10000000 \
//!     cargo bench -p blastgate-benches --bench graph_load
//! ```
//!
//! Three measurements, each from the same bytes: `parse` (edge list to
//! fragment), `parse_build` (plus merging into a [`ServiceGraph`]) and
//! `parse_build_freeze` (plus [`ServiceGraph::freeze`]). Results are dropped
//! outside the timed region.

#![expect(clippy::expect_used, reason = "a benchmark whose input does not load should stop loudly")]

use std::hint::black_box;
use std::time::Duration;

use blastgate_graph::synth::{SynthConfig, write_edge_list};
use blastgate_graph::{BuildOptions, GraphBuilder, ServiceGraph};
use blastgate_ingest::edgelist;
use criterion::{Criterion, SamplingMode, Throughput, criterion_group, criterion_main};

/// A size from the environment (underscores allowed: `10_000_000`).
fn size(variable: &str, default: u64) -> u64 {
    std::env::var(variable).ok().and_then(|v| v.replace('_', "").parse().ok()).unwrap_or(default)
}

fn parse_and_build(input: &[u8]) -> ServiceGraph {
    let fragment = edgelist::parse("synth.edges", black_box(input)).expect("the synthetic edge list parses");
    let mut builder = GraphBuilder::new(BuildOptions::default());
    builder.add(fragment).expect("the synthetic graph is within limits");
    builder.build().expect("the synthetic graph builds")
}

fn graph_load(c: &mut Criterion) {
    let nodes = size("BLASTGATE_BENCH_NODES", 100_000);
    let edges = size("BLASTGATE_BENCH_EDGES", 1_000_000);
    let services = u32::try_from(nodes).expect("BLASTGATE_BENCH_NODES fits in 32 bits");
    let mut input = Vec::new();
    write_edge_list(&SynthConfig::new(services, edges), &mut input).expect("writing to memory succeeds");

    let mut group = c.benchmark_group(format!("graph_load/{nodes}_nodes_{edges}_edges"));
    group.throughput(Throughput::Bytes(input.len() as u64));
    // One iteration of a large input takes seconds: few samples of one
    // iteration each, with a time budget that grows with the input.
    group.sampling_mode(SamplingMode::Flat);
    group.sample_size(10);
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs_f64((edges as f64 * 2e-6).max(3.0)));
    group.bench_function("parse", |b| {
        b.iter_with_large_drop(|| edgelist::parse("synth.edges", black_box(&input)).expect("parses"))
    });
    group.bench_function("parse_build", |b| b.iter_with_large_drop(|| parse_and_build(&input)));
    group.bench_function("parse_build_freeze", |b| b.iter_with_large_drop(|| parse_and_build(&input).freeze()));
    group.finish();
}

criterion_group!(benches, graph_load);
criterion_main!(benches);
