//! Times the stages of assessing on a graph of your own, as a gate does:
//! reading the graph (a snapshot or any graph file), making the engine
//! (which digests the graph), and assessing changesets one at a time and
//! as a batch:
//!
//! ```text
//! cargo run --release -p blastgate-benches --bin assess_timing -- GRAPH CHANGES [ROUNDS] [--json] [--each]
//! ```
//!
//! `CHANGES` holds one changeset a line, as service ids separated by spaces
//! (what `benches/peers/changes.py` writes); each becomes a changeset of
//! those services with one 40-line source file. Prints the time of each
//! stage, the median and range of single assessments, and the batch
//! throughput on every core (`RAYON_NUM_THREADS` to change); `--json`
//! prints the same as one JSON object (what `benches/peers/scale.sh`
//! reads), with the peak RSS of the process; `--each` first lists every
//! changeset's median time beside its radius, depth and id (`c` and its
//! line's number from 0), slowest last.

#![expect(clippy::expect_used, reason = "a measuring tool: an input that does not load should stop it loudly")]

use std::path::PathBuf;
use std::time::{Duration, Instant};

use blastgate::assess::{AssessOptions, Engine, default_policy};
use blastgate::change::{Changeset, parse_changeset};
use blastgate::context::{Context, Timestamp};
use blastgate::graph::{BuildOptions, GraphLoader};

fn main() {
    let json = std::env::args().any(|a| a == "--json");
    let each = std::env::args().any(|a| a == "--each");
    let mut args = std::env::args().skip(1).filter(|a| a != "--json" && a != "--each");
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
    // Digested here, so that this stage times it (an engine digests on
    // its first assessment otherwise, beside that assessment's work).
    let _ = engine.graph_digest();
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
    if each {
        // Per changeset: its median time over the rounds, with what its
        // radius reached and the depth, sorted by time.
        let mut rows: Vec<(Duration, usize, String, usize, String)> = changesets
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let mut times: Vec<Duration> =
                    (0..rounds).filter_map(|r| singles.get(r * changesets.len() + i).copied()).collect();
                times.sort_unstable();
                let a = engine.assess(c, &context);
                let t = times.get(times.len() / 2).copied().unwrap_or_default();
                (
                    t,
                    a.blast_radius.affected_count,
                    a.decision.review_depth.to_string(),
                    a.counterfactuals.len(),
                    a.change_id,
                )
            })
            .collect();
        rows.sort();
        for (i, (t, affected, depth, counterfactuals, id)) in rows.iter().enumerate() {
            println!(
                "{i:>4} {:>8.3} ms  affected {affected:>8}  {depth:<12} counterfactuals {counterfactuals}  {id}",
                ms(*t)
            );
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

    if json {
        let rss = blastgate_benches::peak_rss_kib();
        println!(
            "{{\"tool\":\"blastgate\",\"nodes\":{nodes},\"edges\":{edges},\"load_s\":{:.6},\"engine_s\":{:.6},\
\"assess_median_s\":{:.6},\"assess_max_s\":{:.6},\"batch_per_s\":{per_second:.1},\"threads\":{},\"peak_rss_kib\":{rss}}}",
            load.as_secs_f64(),
            make.as_secs_f64(),
            median.as_secs_f64(),
            max.as_secs_f64(),
            rayon::current_num_threads(),
        );
        return;
    }
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
