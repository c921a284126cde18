//! Times the stages of assessing on a graph of your own, as a gate does:
//! reading the graph (a snapshot or any graph file), making the engine
//! (which digests the graph), and assessing changesets one at a time and
//! as a batch:
//!
//! ```text
//! cargo run --release -p blastgate-benches --bin assess_timing -- GRAPH CHANGES [ROUNDS]
//! ```
//!
//! `CHANGES` holds one changeset a line, as service ids separated by spaces
//! (what `benches/peers/changes.py` writes); each becomes a changeset of
//! those services with one 40-line source file. Prints the time of each
//! stage, the median and range of single assessments, and the batch
//! throughput on every core (`RAYON_NUM_THREADS` to change).

#![expect(clippy::expect_used, reason = "a measuring tool: an input that does not load should stop it loudly")]

use std::path::PathBuf;
use std::time::{Duration, Instant};

use blastgate::assess::{AssessOptions, Engine, default_policy};
use blastgate::change::{Changeset, parse_changeset};
use blastgate::context::{Context, Timestamp};
use blastgate::graph::{BuildOptions, GraphLoader};

fn main() {
    let mut args = std::env::args().skip(1);
    let usage = "usage: assess_timing GRAPH CHANGES [ROUNDS]";
    let graph_path = PathBuf::from(args.next().expect(usage));
    let changes_path = PathBuf::from(args.next().expect(usage));
    let rounds: usize = args.next().and_then(|r| r.parse().ok()).unwrap_or(3).max(1);
    let ms = |d: Duration| d.as_secs_f64() * 1e3;

    let started = Instant::now();
    let mut loader = GraphLoader::new(BuildOptions::default());
    loader.add_file(&graph_path, None).expect("the graph loads");
    let graph = loader.build_frozen().expect("the graph builds");
    let load = started.elapsed();
    let (nodes, edges) = (graph.node_count(), graph.edge_count());

    let started = Instant::now();
    let engine = Engine::new(graph, default_policy().expect("policy")).expect("engine");
    let make = started.elapsed();

    let text = std::fs::read_to_string(&changes_path).expect("the changes file reads");
    let changesets: Vec<Changeset> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .enumerate()
        .map(|(i, line)| {
            let services: Vec<String> = line.split_whitespace().map(|s| format!("\"{s}\"")).collect();
            let json = format!(
                r#"{{"apiVersion": "blastgate.dev/v1", "kind": "Changeset", "id": "c{i}", "services": [{}],
                    "files": [{{"path": "src/main.go", "added": 30, "deleted": 10}}]}}"#,
                services.join(", ")
            );
            parse_changeset("changes", json.as_bytes()).expect("a changeset")
        })
        .collect();
    let context = Context::new(Timestamp::parse("2026-11-27T10:00:00Z").expect("a time"));

    let mut singles = Vec::with_capacity(changesets.len() * rounds);
    for _ in 0..rounds {
        for c in &changesets {
            let started = Instant::now();
            std::hint::black_box(engine.assess(c, &context));
            singles.push(started.elapsed());
        }
    }
    singles.sort_unstable();
    let median = singles.get(singles.len() / 2).copied().unwrap_or_default();
    let (min, max) = (singles.first().copied().unwrap_or_default(), singles.last().copied().unwrap_or_default());

    let pairs: Vec<(Changeset, Context)> = changesets.iter().map(|c| (c.clone(), context.clone())).collect();
    let started = Instant::now();
    for _ in 0..rounds {
        std::hint::black_box(engine.assess_batch(&pairs, &AssessOptions::default()));
    }
    let batch = started.elapsed();
    let per_second = (pairs.len() * rounds) as f64 / batch.as_secs_f64();

    println!("{}: {nodes} nodes, {edges} edges", graph_path.display());
    println!("read the graph: {:.1} ms", ms(load));
    println!("make the engine (validate the policy, digest the graph): {:.1} ms", ms(make));
    println!(
        "assess one: median {:.2} ms, min {:.2} ms, max {:.2} ms over {} assessments",
        ms(median),
        ms(min),
        ms(max),
        singles.len()
    );
    println!(
        "assess_batch: {per_second:.0} assessments a second on {} threads ({} changesets x {rounds})",
        rayon::current_num_threads(),
        pairs.len()
    );
}
