//! Times loading and blast-radius queries on a synthetic power-law graph.
//!
//! ```text
//! cargo run --release -p blastgate-graph --example radius_timing -- [SERVICES] [EDGES] [CHANGESETS] [SEED] [mixed|default]
//! ```
//!
//! Defaults: 1,000,000 services, 10,000,000 edges, 100 changesets, seed 7,
//! `mixed`. Each changeset holds 1 to 10 services drawn at random (seeded),
//! as in `benches/peers/changes.py`. With `mixed`, edge probabilities cycle
//! through the default table (0.9, 0.3, 0.5, 0.95, ...) so Dijkstra's queue
//! sees many distinct values; with `default`, no edge states one, so every
//! edge has the default 0.9 (as in an edge list without a probability
//! column) and the radius takes the one-probability path.
//!
//! Prints the build and freeze times, then for each query kind the median,
//! range and total wall-clock time over the changesets, and the total CPU
//! time of this thread (from `/proc`, on Linux; it ticks in milliseconds,
//! so only totals are shown): the reach count (BFS only,
//! [`reach_count_with`]), the full radius ([`radius_with`]: BFS,
//! max-product Dijkstra, sorting and aggregates) and the full radius with a
//! depth limit of 2, each from one reused scratch; then the batch
//! functions over all changesets on rayon's threads.

#![allow(clippy::indexing_slicing, reason = "a measuring tool, not library code; every list has at least one entry")]

use std::time::{Duration, Instant};

use blastgate_graph::synth::{SynthConfig, write_edge_list};
use blastgate_graph::{
    BuildOptions, EdgeSpec, FrozenGraph, GraphBuilder, GraphFragment, Origin, Probability, RadiusConfig, RadiusScratch,
    radius_batch, radius_with, reach_count_with,
};
use rayon::prelude::*;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1).map(|a| a.parse::<u64>());
    let services = u32::try_from(args.next().transpose()?.unwrap_or(1_000_000))?;
    let edges = args.next().transpose()?.unwrap_or(10_000_000);
    let queries = args.next().transpose()?.unwrap_or(100).max(1);
    let seed = args.next().transpose()?.unwrap_or(7);
    let mixed = std::env::args().nth(5).is_none_or(|p| p != "default");

    let graph = synthetic(services, edges, mixed)?;
    println!(
        "graph: {} nodes, {} edges, {} MiB frozen ({:.1} bytes per edge)",
        graph.node_count(),
        graph.edge_count(),
        graph.heap_bytes() >> 20,
        graph.heap_bytes() as f64 / graph.edge_count().max(1) as f64
    );

    // Changesets of 1 to 10 services (a xorshift generator, seeded).
    let n = graph.node_count() as u64;
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut next = move |bound: u64| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state % bound
    };
    let changesets: Vec<Vec<u32>> = (0..queries)
        .map(|_| {
            let k = 1 + next(10);
            (0..k).filter_map(|_| graph.index_of(&format!("s{}", next(n)))).collect()
        })
        .collect();

    let mut scratch = RadiusScratch::for_graph(&graph);
    let config = RadiusConfig::default();
    // Warm up: grow the queue and heap once, as a long-running gate would.
    let start = Instant::now();
    let _ = radius_with(&mut scratch, &graph, &changesets[0], &config);
    println!("first query (includes lazy set-up): {:.1?}", start.elapsed());

    let mut reached = Vec::new();
    let reach = time(&changesets, |c| reached.push(reach_count_with(&mut scratch, &graph, c)));
    let full = time(&changesets, |c| {
        std::hint::black_box(radius_with(&mut scratch, &graph, c, &config));
    });
    let bounded = RadiusConfig::default().with_max_depth(2);
    let mut near_sizes = Vec::new();
    let near = time(&changesets, |c| near_sizes.push(radius_with(&mut scratch, &graph, c, &bounded).affected_count()));
    near_sizes.sort_unstable();
    reached.sort_unstable();
    println!(
        "affected per changeset: min {} median {} max {}",
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
    report("reach_count_with (BFS only)", reach);
    report("radius_with (BFS + Dijkstra + result)", full);
    report("radius_with, max_depth 2", near);

    let threads = rayon::current_num_threads();
    let start = Instant::now();
    let counts: Vec<usize> = changesets
        .par_iter()
        .map_init(|| RadiusScratch::for_graph(&graph), |s, c| reach_count_with(s, &graph, c))
        .collect();
    std::hint::black_box(counts);
    println!("reach counts in parallel ({threads} threads): total {:.3?}", start.elapsed());
    let start = Instant::now();
    std::hint::black_box(radius_batch(&graph, &changesets, &config));
    println!("radius_batch ({threads} threads): total {:.3?}", start.elapsed());
    Ok(())
}

/// Wall and thread CPU time of `query` on each changeset.
fn time(changesets: &[Vec<u32>], mut query: impl FnMut(&[u32])) -> (Vec<Duration>, Vec<Duration>) {
    let (mut wall, mut cpu) = (Vec::new(), Vec::new());
    for c in changesets {
        let (s, t) = (Instant::now(), cpu_time());
        query(c);
        wall.push(s.elapsed());
        cpu.push(cpu_time().saturating_sub(t));
    }
    (wall, cpu)
}

fn report(name: &str, (mut wall, cpu): (Vec<Duration>, Vec<Duration>)) {
    let total: Duration = wall.iter().sum();
    let cpu: Duration = cpu.iter().sum();
    wall.sort_unstable();
    println!(
        "{name}: median {:.3?} (min {:.3?}, max {:.3?}), total {:.3?} over {} changesets (thread CPU {:.3?})",
        wall[wall.len() / 2],
        wall[0],
        wall[wall.len() - 1],
        total,
        wall.len(),
        cpu
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
fn synthetic(services: u32, edges: u64, mixed: bool) -> Result<FrozenGraph, Box<dyn std::error::Error>> {
    let mut bytes = Vec::new();
    write_edge_list(&SynthConfig::new(services, edges), &mut bytes)?;
    let table: Vec<Probability> =
        [0.9, 0.3, 0.5, 0.2, 0.95, 0.4, 0.95, 0.5].into_iter().filter_map(Probability::new).collect();
    let start = Instant::now();
    let mut fragment = GraphFragment::new("synthetic", Origin::Listed);
    fragment.reserve(services as usize, edges as usize);
    let text = std::str::from_utf8(&bytes)?;
    for (i, line) in text.lines().filter(|l| !l.starts_with('#')).enumerate() {
        let Some((a, b)) = line.split_once(' ') else { continue };
        let a = fragment.node(a, String::new)?;
        let b = fragment.node(b, String::new)?;
        let probability = table.get(i % table.len()).copied().filter(|_| mixed);
        fragment.edge(a, b, EdgeSpec { probability, ..EdgeSpec::default() })?;
    }
    drop(bytes);
    let fragment_time = start.elapsed();
    let start = Instant::now();
    let mut builder = GraphBuilder::new(BuildOptions::default());
    builder.add(fragment)?;
    let graph = builder.build()?;
    let build_time = start.elapsed();
    let start = Instant::now();
    let frozen = graph.freeze();
    println!(
        "load: fragment {fragment_time:.3?}, build {build_time:.3?}, freeze {:.3?} ({})",
        start.elapsed(),
        if mixed { "every edge states a probability" } else { "every edge has the default probability" }
    );
    Ok(frozen)
}
