//! Times blast-radius queries on a synthetic power-law graph.
//!
//! ```text
//! cargo run --release -p blastgate-graph --example radius_timing -- [SERVICES] [EDGES] [QUERIES]
//! ```
//!
//! Defaults: 1,000,000 services, 10,000,000 edges, 21 queries. Times are
//! wall clock and this thread's CPU time (from `/proc`, on Linux). Edge
//! probabilities cycle through the default table (0.9, 0.3, 0.5, 0.95, ...)
//! so the heap sees many distinct values. Prints the median and range of a
//! reach count (BFS only) and of a full radius (BFS, max-product Dijkstra,
//! sorting and aggregates), each from one reused scratch.

#![allow(clippy::indexing_slicing, reason = "a measuring tool, not library code; every list has at least one entry")]

use std::time::{Duration, Instant};

use blastgate_graph::synth::{SynthConfig, write_edge_list};
use blastgate_graph::{
    BuildOptions, EdgeSpec, FrozenGraph, GraphBuilder, GraphFragment, Origin, Probability, RadiusConfig, RadiusScratch,
    radius_with, reach_count_with,
};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1).map(|a| a.parse::<u64>());
    let services = u32::try_from(args.next().transpose()?.unwrap_or(1_000_000))?;
    let edges = args.next().transpose()?.unwrap_or(10_000_000);
    let queries = args.next().transpose()?.unwrap_or(21).max(1);

    let start = Instant::now();
    let graph = synthetic(services, edges)?;
    println!(
        "graph: {} nodes, {} edges, built in {:.1?}, {} MiB frozen",
        graph.node_count(),
        graph.edge_count(),
        start.elapsed(),
        graph.heap_bytes() >> 20
    );

    // Query nodes: the largest hub, then a deterministic spread.
    let n = graph.node_count() as u64;
    let mut targets: Vec<u32> = graph.index_of("s0").into_iter().collect();
    let mut x = 0x9E37_79B9_7F4A_7C15u64;
    while (targets.len() as u64) < queries {
        x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        targets.push(u32::try_from((x >> 33) % n)?);
    }

    let mut scratch = RadiusScratch::for_graph(&graph);
    let config = RadiusConfig::default();
    // Warm up: grow the queue and heap once.
    let _ = radius_with(&mut scratch, &graph, &targets[..1], &config);

    let (mut reach, mut reach_cpu) = (Vec::new(), Vec::new());
    let mut reached = Vec::new();
    for &t in &targets {
        let (s, c) = (Instant::now(), cpu_time());
        let count = reach_count_with(&mut scratch, &graph, &[t]);
        reach.push(s.elapsed());
        reach_cpu.push(cpu_time().saturating_sub(c));
        reached.push(count);
    }
    let (mut full, mut full_cpu) = (Vec::new(), Vec::new());
    for &t in &targets {
        let (s, c) = (Instant::now(), cpu_time());
        let blast = radius_with(&mut scratch, &graph, &[t], &config);
        full.push(s.elapsed());
        full_cpu.push(cpu_time().saturating_sub(c));
        std::hint::black_box(&blast);
    }
    let bounded = RadiusConfig::default().with_max_depth(2);
    let (mut near, mut near_cpu, mut near_sizes) = (Vec::new(), Vec::new(), Vec::new());
    for &t in &targets {
        let (s, c) = (Instant::now(), cpu_time());
        let blast = radius_with(&mut scratch, &graph, &[t], &bounded);
        near.push(s.elapsed());
        near_cpu.push(cpu_time().saturating_sub(c));
        near_sizes.push(blast.affected_count());
    }
    near_sizes.sort_unstable();
    reached.sort_unstable();
    println!(
        "affected per query: min {} median {} max {}",
        reached[0],
        reached[reached.len() / 2],
        reached[reached.len() - 1]
    );
    println!(
        "affected within 2 hops: min {} median {} max {}",
        near_sizes[0],
        near_sizes[near_sizes.len() / 2],
        near_sizes[near_sizes.len() - 1]
    );
    report("reach_count_with (BFS only), wall", &mut reach);
    report("reach_count_with (BFS only), thread CPU", &mut reach_cpu);
    report("radius_with (BFS + Dijkstra + result), wall", &mut full);
    report("radius_with (BFS + Dijkstra + result), thread CPU", &mut full_cpu);
    report("radius_with, max_depth 2, wall", &mut near);
    report("radius_with, max_depth 2, thread CPU", &mut near_cpu);
    Ok(())
}

fn report(name: &str, times: &mut [Duration]) {
    times.sort_unstable();
    println!(
        "{name}: median {:.1?} (min {:.1?}, max {:.1?}, {} queries)",
        times[times.len() / 2],
        times[0],
        times[times.len() - 1],
        times.len()
    );
}

/// CPU time of this thread so far (Linux; zero elsewhere), so that other
/// processes on a busy machine do not inflate the figures.
fn cpu_time() -> Duration {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next().and_then(|ns| ns.parse().ok()))
        .map_or(Duration::ZERO, Duration::from_nanos)
}

/// The synthetic graph, parsed by hand (this crate does not depend on the
/// edge-list parser).
fn synthetic(services: u32, edges: u64) -> Result<FrozenGraph, Box<dyn std::error::Error>> {
    let mut bytes = Vec::new();
    write_edge_list(&SynthConfig::new(services, edges), &mut bytes)?;
    let table: Vec<Probability> =
        [0.9, 0.3, 0.5, 0.2, 0.95, 0.4, 0.95, 0.5].into_iter().filter_map(Probability::new).collect();
    let mut fragment = GraphFragment::new("synthetic", Origin::Listed);
    fragment.reserve(services as usize, edges as usize);
    let text = std::str::from_utf8(&bytes)?;
    for (i, line) in text.lines().filter(|l| !l.starts_with('#')).enumerate() {
        let Some((a, b)) = line.split_once(' ') else { continue };
        let a = fragment.node(a, String::new)?;
        let b = fragment.node(b, String::new)?;
        let probability = table.get(i % table.len()).copied();
        fragment.edge(a, b, EdgeSpec { probability, ..EdgeSpec::default() })?;
    }
    drop(bytes);
    let mut builder = GraphBuilder::new(BuildOptions::default());
    builder.add(fragment)?;
    Ok(builder.build()?.freeze())
}
