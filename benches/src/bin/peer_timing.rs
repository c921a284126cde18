//! blastgate's column of the side-by-side comparison (benches/peers/run.sh):
//! loads an edge list, then times the same queries the Python peers run, on
//! the same changesets, and prints one JSON object.
//!
//! Usage: `peer_timing GRAPH.edges CHANGES.txt [THREADS]`. CHANGES holds one
//! changeset per line (ids separated by spaces).

#![allow(clippy::print_stdout, reason = "a benchmark tool prints its figures")]

use std::time::{Duration, Instant};

use blastgate_graph::{
    BuildOptions, GraphBuilder, RadiusConfig, RadiusScratch, radius_batch, radius_with, reach_count_batch,
    reach_count_with,
};
use rayon::prelude::*;

fn main() {
    if let Err(e) = run() {
        eprintln!("error: {e}");
        std::process::exit(2);
    }
}

fn median(mut v: Vec<Duration>) -> f64 {
    v.sort_unstable();
    v.get(v.len() / 2).map_or(0.0, Duration::as_secs_f64)
}

fn run() -> Result<(), String> {
    let args: Vec<String> = std::env::args().collect();
    let (Some(graph_path), Some(changes_path)) = (args.get(1), args.get(2)) else {
        return Err("usage: peer_timing GRAPH.edges CHANGES.txt [THREADS]".into());
    };
    let threads: usize = args.get(3).and_then(|t| t.parse().ok()).unwrap_or(2);

    let t = Instant::now();
    let bytes = std::fs::read(graph_path).map_err(|e| format!("{graph_path}: {e}"))?;
    let read = t.elapsed();
    let t = Instant::now();
    let fragment = blastgate_ingest::edgelist::parse(graph_path, &bytes).map_err(|e| e.to_string())?;
    let parse = t.elapsed();
    drop(bytes);
    let t = Instant::now();
    let mut builder = GraphBuilder::new(BuildOptions::default());
    builder.add(fragment).map_err(|e| e.to_string())?;
    let graph = builder.build().map_err(|e| e.to_string())?;
    let build = t.elapsed();
    let t = Instant::now();
    let graph = graph.freeze();
    let freeze = t.elapsed();

    let text = std::fs::read_to_string(changes_path).map_err(|e| format!("{changes_path}: {e}"))?;
    let changesets: Vec<Vec<u32>> =
        text.lines().map(|l| l.split_whitespace().filter_map(|id| graph.index_of(id)).collect()).collect();

    let mut scratch = RadiusScratch::for_graph(&graph);
    let config = RadiusConfig::default();
    // Warm the scratch's queue and heap once, as a long-running gate would.
    if let Some(first) = changesets.first() {
        let _ = radius_with(&mut scratch, &graph, first, &config);
    }

    let mut reach_times = Vec::new();
    let mut reached = Vec::new();
    let t = Instant::now();
    for c in &changesets {
        let q = Instant::now();
        reached.push(reach_count_with(&mut scratch, &graph, c));
        reach_times.push(q.elapsed());
    }
    let reach_total = t.elapsed();

    let mut mpp_times = Vec::new();
    let t = Instant::now();
    for c in &changesets {
        let q = Instant::now();
        let r = radius_with(&mut scratch, &graph, c, &config);
        mpp_times.push(q.elapsed());
        std::hint::black_box(r);
    }
    let mpp_total = t.elapsed();

    let fresh = graph.clone();
    let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().map_err(|e| e.to_string())?;
    // The batch API, as a process that answers one batch sees it (making
    // the graph's layout for sweeps when the batch is heavy enough), then
    // a second batch on the same graph (the layout kept).
    let (reach_par, reach_par_warm, counts, mpp_par) = pool.install(|| {
        let t = Instant::now();
        let counts = reach_count_batch(&graph, &changesets);
        let reach_par = t.elapsed();
        let t = Instant::now();
        let again = reach_count_batch(&graph, &changesets);
        let reach_par_warm = t.elapsed();
        std::hint::black_box(again);
        let t = Instant::now();
        std::hint::black_box(radius_batch(&graph, &changesets, &config));
        (reach_par, reach_par_warm, counts, t.elapsed())
    });
    let t = Instant::now();
    fresh.prepare_batch_reach();
    let layout = t.elapsed();
    drop(fresh);
    if counts != reached {
        return Err("the batch's reach counts differ from the single queries'".into());
    }
    let t = Instant::now();
    let _: Vec<usize> = pool.install(|| {
        changesets
            .par_iter()
            .map_init(|| RadiusScratch::for_graph(&graph), |s, c| reach_count_with(s, &graph, c))
            .collect()
    });
    let reach_par_searches = t.elapsed();

    let mut sorted = reached.clone();
    sorted.sort_unstable();
    let rss = blastgate_benches::peak_rss_kib();
    println!(
        "{{\"tool\":\"blastgate\",\"nodes\":{},\"edges\":{},\"queries\":{},\"threads\":{threads},\
\"read_s\":{:.4},\"parse_s\":{:.4},\"build_s\":{:.4},\"freeze_s\":{:.4},\"load_s\":{:.4},\
\"reach_total_s\":{:.4},\"reach_median_s\":{:.6},\"reach_total_parallel_s\":{:.4},\
\"reach_total_parallel_warm_s\":{:.4},\"reach_layout_s\":{:.4},\"reach_total_parallel_searches_s\":{:.4},\
\"mpp_total_s\":{:.4},\"mpp_median_s\":{:.6},\"mpp_total_parallel_s\":{:.4},\
\"reached_median\":{},\"reached_max\":{},\"frozen_bytes\":{},\"peak_rss_kib\":{rss}}}",
        graph.node_count(),
        graph.edge_count(),
        changesets.len(),
        read.as_secs_f64(),
        parse.as_secs_f64(),
        build.as_secs_f64(),
        freeze.as_secs_f64(),
        (read + parse + build + freeze).as_secs_f64(),
        reach_total.as_secs_f64(),
        median(reach_times),
        reach_par.as_secs_f64(),
        reach_par_warm.as_secs_f64(),
        layout.as_secs_f64(),
        reach_par_searches.as_secs_f64(),
        mpp_total.as_secs_f64(),
        median(mpp_times),
        mpp_par.as_secs_f64(),
        sorted.get(sorted.len() / 2).copied().unwrap_or(0),
        sorted.last().copied().unwrap_or(0),
        graph.heap_bytes(),
    );
    Ok(())
}
