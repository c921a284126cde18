#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(c) = blastgate::change::CodeOwners::parse("CODEOWNERS", data) {
        let _ = c.owners_of("src/a/b.go");
        codeowners_resolve(c);
    }
});

/// Resolves a changeset of a few paths (one long, one with capitals)
/// against the file within a small matching budget: an answer or a
/// `max_match_state_bytes` error, never a panic.
fn codeowners_resolve(c: blastgate::change::CodeOwners) {
    use blastgate::change::{Classifier, RepoMapping, ResolveOptions, parse_changeset, resolve};
    static GRAPH: std::sync::OnceLock<blastgate::graph::FrozenGraph> = std::sync::OnceLock::new();
    let graph = GRAPH.get_or_init(|| {
        let mut loader = blastgate::graph::GraphLoader::default();
        loader.add_bytes("g.edges", b"web src\n", None).unwrap();
        loader.build().unwrap().freeze()
    });
    let long = "ab".repeat(150);
    let change = format!(
        r#"{{"apiVersion": "blastgate.dev/v1", "kind": "Changeset", "id": "c", "author": {{"id": "a"}},
            "files": [{{"path": "src/a/b.go"}}, {{"path": "src/A/B.go"}}, {{"path": "src/{long}/x.go"}}]}}"#
    );
    let change = parse_changeset("c.json", change.as_bytes()).unwrap();
    let mapping = RepoMapping::from_graph(graph).with_codeowners(c);
    let options = ResolveOptions::default().with_match_state_bytes(1 << 20);
    if let Err(e) = resolve("c.json", &change, graph, &mapping, &Classifier::default(), options) {
        assert!(e.to_string().contains("max_match_state_bytes"), "{e}");
    }
}
