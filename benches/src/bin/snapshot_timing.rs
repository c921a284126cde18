//! Times reading a graph snapshot, as `--graph FILE.bgs` does, and prints
//! the node and edge counts, the heap bytes of the graph read
//! ([`FrozenGraph::heap_bytes`](blastgate::graph::FrozenGraph::heap_bytes))
//! and the median and range of the read times:
//!
//! ```text
//! cargo run --release -p blastgate-benches --bin snapshot_timing -- FILE.bgs [ROUNDS]
//! ```
//!
//! Each round reads the file into a fresh graph (the page cache holds the
//! file after the first round; a gate that reads the same snapshot on every
//! deploy sees the same) and drops it outside the timed region.

#![expect(clippy::expect_used, reason = "a measuring tool: a file that does not load should stop it loudly")]

use std::path::PathBuf;
use std::time::{Duration, Instant};

use blastgate::graph::{BuildOptions, GraphLoader};
// The library holds the allocator (jemalloc, as in the `blastgate`
// binary); a tool that names nothing of it would not link it in and would
// measure the system allocator instead.
use blastgate_benches as _;

fn main() {
    let mut args = std::env::args().skip(1);
    let path = PathBuf::from(args.next().expect("usage: snapshot_timing FILE.bgs [ROUNDS]"));
    let rounds: usize = args.next().and_then(|r| r.parse().ok()).unwrap_or(11).max(1);
    let mut times = Vec::with_capacity(rounds);
    let mut counts = (0, 0);
    let mut heap = 0;
    for _ in 0..rounds {
        let started = Instant::now();
        let mut loader = GraphLoader::new(BuildOptions::default());
        loader.add_file(&path, None).expect("the snapshot loads");
        let graph = loader.build_frozen().expect("the snapshot is a graph");
        times.push(started.elapsed());
        counts = (graph.node_count(), graph.edge_count());
        heap = graph.heap_bytes();
        drop(graph);
    }
    times.sort_unstable();
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    let (first, last) = (times.first().copied().unwrap_or_default(), times.last().copied().unwrap_or_default());
    let median = times.get(times.len() / 2).copied().unwrap_or_default();
    println!("{}: {} nodes, {} edges", path.display(), counts.0, counts.1);
    let per_edge = heap as f64 / counts.1.max(1) as f64;
    println!("frozen graph: {:.0} MiB on the heap, {per_edge:.1} bytes per edge", heap as f64 / 1048576.0);
    println!("read: median {:.1} ms, min {:.1} ms, max {:.1} ms over {rounds} rounds", ms(median), ms(first), ms(last));
}
