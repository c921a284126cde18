//! Assessing changes: the whole decision (resolution, blast radius,
//! context, likelihood, rules, approvals, rollout, counterfactuals, digest)
//! in process.
//!
//! - `assess/demo/<change>`: each change of the demo ladder on the embedded
//!   27-node topology.
//! - `assess/synth_<N>_nodes/one`: 100 changesets of 1 to 10 random
//!   services (seeded) on a synthetic graph, assessed one after another;
//!   the time is per changeset.
//! - `assess/synth_<N>_nodes/batch_100`: the same 100 with `assess_batch`
//!   (rayon, every core).
//! - `assess/synth_<N>_nodes/median_changeset_reach_<R>`: one assessment of
//!   the changeset whose blast radius (R nodes) is the median of the 100.
//!
//! The synthetic graph's size comes from `BLASTGATE_BENCH_NODES` and
//! `BLASTGATE_BENCH_EDGES` (defaults 100,000 and 1,000,000):
//!
//! ```text
//! cargo bench -p blastgate-benches --bench assess
//! ```

#![expect(clippy::expect_used, reason = "a benchmark whose input does not load should stop loudly")]

use std::hint::black_box;
use std::time::Duration;

use blastgate::assess::{AssessOptions, Engine, default_policy};
use blastgate::change::{Changeset, parse_changeset};
use blastgate::context::{Context, Timestamp, parse_context};
use blastgate::graph::{BuildOptions, GraphLoader};
use blastgate::synth::{SynthConfig, write_edge_list};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

fn size(variable: &str, default: u64) -> u64 {
    std::env::var(variable).ok().and_then(|v| v.replace('_', "").parse().ok()).unwrap_or(default)
}

fn demo(c: &mut Criterion) {
    let mut loader = GraphLoader::new(BuildOptions::default());
    loader.add_bytes(blastgate::demo::TOPOLOGY_NAME, blastgate::demo::TOPOLOGY.as_bytes(), None).expect("demo loads");
    let engine =
        Engine::new(loader.build().expect("demo builds").freeze(), default_policy().expect("policy")).expect("engine");
    let mut group = c.benchmark_group("assess/demo");
    for step in blastgate::demo::LADDER {
        let change = parse_changeset("c", step.changeset.as_bytes()).expect("changeset");
        let context = parse_context("x", step.context.as_bytes()).expect("context");
        group.bench_function(change.id.clone(), |b| b.iter(|| engine.assess(black_box(&change), black_box(&context))));
    }
    group.finish();
}

/// 100 changesets of 1 to 10 services `s<i>` (xorshift, seed 7).
fn changesets(services: u64) -> Vec<(Changeset, Context)> {
    let mut state = 0x9E37_79B9_7F4A_7C15u64 ^ 7;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let now = Context::new(Timestamp::parse("2026-11-27T10:00:00Z").expect("time"));
    (0..100)
        .map(|q| {
            let k = 1 + next() % 10;
            let ids: Vec<String> = (0..k).map(|_| format!("\"s{}\"", next() % services)).collect();
            let doc = format!(
                r#"{{"apiVersion": "blastgate.dev/v1", "kind": "Changeset", "id": "q{q}",
                    "author": {{"id": "dev", "seniority": "mid", "prior_changes": 50}},
                    "services": [{}]}}"#,
                ids.join(", ")
            );
            (parse_changeset("q", doc.as_bytes()).expect("changeset"), now.clone())
        })
        .collect()
}

fn synth(c: &mut Criterion) {
    let nodes = size("BLASTGATE_BENCH_NODES", 100_000);
    let edges = size("BLASTGATE_BENCH_EDGES", 1_000_000);
    let mut input = Vec::new();
    let services = u32::try_from(nodes).expect("BLASTGATE_BENCH_NODES fits in 32 bits");
    write_edge_list(&SynthConfig::new(services, edges), &mut input).expect("writing to memory succeeds");
    let mut loader = GraphLoader::new(BuildOptions::default());
    loader.add_bytes("synth.edges", &input, None).expect("synthetic graph loads");
    drop(input);
    let engine =
        Engine::new(loader.build().expect("builds").freeze(), default_policy().expect("policy")).expect("engine");
    let items = changesets(nodes);
    let options = AssessOptions::default();
    let mut group = c.benchmark_group(format!("assess/synth_{nodes}_nodes"));
    group.sample_size(10);
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(5));
    group.throughput(Throughput::Elements(items.len() as u64));
    group.bench_function("one_by_one_100", |b| {
        b.iter(|| {
            for (change, context) in &items {
                black_box(engine.assess_with(change, context, &options));
            }
        });
    });
    group.bench_function("batch_100", |b| b.iter(|| black_box(engine.assess_batch(black_box(&items), &options))));
    group.finish();

    // One assessment of the median changeset: the one whose blast radius
    // is the median of the 100 (cost follows reach), so criterion's
    // estimate is the median changeset's time, not the mean of all.
    let mut by_reach: Vec<(usize, usize)> = items
        .iter()
        .enumerate()
        .map(|(i, (change, context))| (engine.assess_with(change, context, &options).blast_radius.affected_count, i))
        .collect();
    by_reach.sort_unstable();
    let (reach, median) = by_reach.get(by_reach.len() / 2).copied().expect("100 changesets");
    let (change, context) = items.get(median).expect("the median changeset");
    let mut group = c.benchmark_group(format!("assess/synth_{nodes}_nodes"));
    group.sample_size(20);
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(5));
    group.bench_function(format!("median_changeset_reach_{reach}"), |b| {
        b.iter(|| black_box(engine.assess_with(black_box(change), context, &options)));
    });
    group.finish();
}

criterion_group!(benches, demo, synth);
criterion_main!(benches);
