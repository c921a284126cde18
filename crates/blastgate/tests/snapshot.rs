//! Graph snapshots through the facade: `write_snapshot` and every loader
//! method give back the same graph (queries, DOT and native JSON export
//! identical), snapshots are recognised by their bytes, and a snapshot
//! with other sources, a damaged one or a strict load of one with
//! placeholders are typed errors.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a panic is a failed test"
)]

use std::path::{Path, PathBuf};

use blastgate::GraphFormat;
use blastgate::graph::{
    BuildOptions, FrozenGraph, GraphLoader, detect_format, is_snapshot, to_native_json, write_snapshot,
};
use blastgate::radius::{RadiusConfig, radius};

const SHARED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/fixtures");

/// A file in the temporary directory, removed when dropped.
struct Temp(PathBuf);

impl Temp {
    fn new(name: &str) -> Self {
        Self(std::env::temp_dir().join(format!("blastgate-snapshot-{}-{name}", std::process::id())))
    }
}

impl Drop for Temp {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

fn load(files: &[&Path], strict: bool) -> Result<GraphLoader, blastgate::GraphError> {
    let mut loader = GraphLoader::new(BuildOptions::strict(strict));
    for f in files {
        loader.add_file(f, None)?;
    }
    Ok(loader)
}

/// The graph of `sources`, its snapshot written to `out`.
fn frozen_to(sources: &[&Path], out: &Path) -> FrozenGraph {
    let graph = load(sources, false).unwrap().build_frozen().unwrap();
    write_snapshot(&graph, out).unwrap();
    graph
}

fn sources() -> Vec<Vec<PathBuf>> {
    let shared = Path::new(SHARED);
    let backstage: Vec<PathBuf> = std::fs::read_dir(shared.join("backstage"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    vec![
        vec![shared.join("graphs/online-boutique.edges")],
        vec![shared.join("graphs/dsb-media-microservices.edges")],
        backstage,
        vec![shared.join("backstage/derived.edges"), shared.join("graphs/online-boutique.edges")],
    ]
}

#[test]
fn a_snapshot_loads_back_as_the_same_graph() {
    let demo = Temp::new("demo.yaml");
    std::fs::write(&demo.0, blastgate::demo::TOPOLOGY).unwrap();
    let mut all = sources();
    all.push(vec![demo.0.clone()]);
    for (i, files) in all.iter().enumerate() {
        let files: Vec<&Path> = files.iter().map(PathBuf::as_path).collect();
        let out = Temp::new(&format!("{i}.bgs"));
        let original = frozen_to(&files, &out.0);
        let back = load(&[&out.0], false).unwrap().build_frozen().unwrap();
        assert_eq!(original.nodes().collect::<Vec<_>>(), back.nodes().collect::<Vec<_>>());
        assert_eq!(original.warnings(), back.warnings());
        let edges = |g: &FrozenGraph| g.edges().map(|(a, b, d)| (a, b, d.clone())).collect::<Vec<_>>();
        assert_eq!(edges(&original), edges(&back));
        let config = RadiusConfig::default();
        for v in 0..u32::try_from(original.node_count()).unwrap() {
            assert_eq!(radius(&original, &[v], &config), radius(&back, &[v], &config));
        }
        // The export of the snapshot is the export of its sources.
        let from_sources = load(&files, false).unwrap().build().unwrap();
        let from_snapshot = load(&[&out.0], false).unwrap().build().unwrap();
        assert_eq!(to_native_json(&from_sources).unwrap(), to_native_json(&from_snapshot).unwrap());
        assert_eq!(from_sources.to_dot(), from_snapshot.to_dot());
        assert_eq!(from_snapshot.sources(), [out.0.display().to_string()]);
        // The same bytes through `add_bytes` and `add_reader`.
        let bytes = std::fs::read(&out.0).unwrap();
        let mut loader = GraphLoader::default();
        loader.add_bytes("inline", &bytes, Some(GraphFormat::EdgeList)).unwrap();
        assert_eq!(loader.build_frozen().unwrap().nodes().collect::<Vec<_>>(), original.nodes().collect::<Vec<_>>());
        let mut loader = GraphLoader::default();
        loader.add_reader("pipe", bytes.as_slice(), None).unwrap();
        assert_eq!(loader.build_frozen().unwrap().nodes().collect::<Vec<_>>(), original.nodes().collect::<Vec<_>>());
    }
}

#[test]
fn snapshots_are_recognised_by_their_bytes_not_their_name() {
    let files = &sources()[0];
    let out = Temp::new("looks-like.edges");
    let original = frozen_to(&[&files[0]], &out.0);
    let bytes = std::fs::read(&out.0).unwrap();
    assert!(is_snapshot(&bytes));
    assert_eq!(detect_format("graph.edges", &bytes).unwrap(), GraphFormat::Snapshot);
    let back = load(&[&out.0], false).unwrap().build_frozen().unwrap();
    assert_eq!(back.nodes().collect::<Vec<_>>(), original.nodes().collect::<Vec<_>>());
    // A snapshot is not a source for the parsers.
    let e = blastgate_ingest::parse("g.bgs", &bytes, None).unwrap_err();
    assert_eq!(e.kind_name(), "usage", "{e}");
}

#[test]
fn a_snapshot_is_never_merged_with_other_sources() {
    let files = &sources()[0];
    let out = Temp::new("alone.bgs");
    frozen_to(&[&files[0]], &out.0);
    for order in [[out.0.as_path(), files[0].as_path()], [files[0].as_path(), out.0.as_path()], [&out.0, &out.0]] {
        let e = load(&order, false).unwrap_err();
        assert_eq!(e.kind_name(), "usage", "{e}");
        let text = e.to_string();
        assert!(text.contains("cannot be merged") && text.contains("graph freeze"), "{text}");
    }
}

#[test]
fn damaged_snapshots_are_typed_errors() {
    let files = &sources()[1];
    let out = Temp::new("damaged.bgs");
    frozen_to(&[&files[0]], &out.0);
    let bytes = std::fs::read(&out.0).unwrap();
    let cut = Temp::new("cut.bgs");
    for at in [1, 7, 8, 40, 64, 100, bytes.len() / 3, bytes.len() - 1] {
        std::fs::write(&cut.0, &bytes[..at]).unwrap();
        let e = load(&[&cut.0], false).unwrap_err();
        assert_eq!(e.kind_name(), "corrupt", "cut at {at}: {e}");
        assert_eq!(e.file(), cut.0.display().to_string());
    }
    let mut flipped = bytes.clone();
    let last = flipped.len() - 1;
    flipped[last / 2] ^= 0x10;
    std::fs::write(&cut.0, &flipped).unwrap();
    assert_eq!(load(&[&cut.0], false).unwrap_err().kind_name(), "corrupt");
    let missing = Temp::new("missing.bgs");
    assert_eq!(load(&[&missing.0], false).unwrap_err().kind_name(), "io");
}

#[test]
fn strict_loading_refuses_a_snapshot_with_placeholders() {
    let source = Temp::new("ref.yaml");
    std::fs::write(
        &source.0,
        "apiVersion: blastgate.dev/v1\nkind: ServiceGraph\nservices:\n  - id: web\n    depends_on: [ghost]\n",
    )
    .unwrap();
    let out = Temp::new("ref.bgs");
    frozen_to(&[&source.0], &out.0);
    assert!(load(&[&out.0], false).unwrap().build_frozen().is_ok());
    let e = load(&[&out.0], true).unwrap().build_frozen().unwrap_err();
    assert_eq!(e.kind_name(), "dangling", "{e}");
    assert!(e.to_string().contains("ghost"), "{e}");
}

#[test]
fn version_1_snapshots_still_load_as_the_same_graph() {
    // Written by blastgate before format version 2 (they hold the forward
    // rows too, which are skipped): the demo topology and a fixture graph.
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/snapshot-v1");
    let demo = Temp::new("v1-demo.yaml");
    std::fs::write(&demo.0, blastgate::demo::TOPOLOGY).unwrap();
    let boutique = Path::new(SHARED).join("graphs/online-boutique.edges");
    for (file, source) in [("demo-topology.bgs", demo.0.as_path()), ("online-boutique.bgs", boutique.as_path())] {
        let old = std::fs::read(data.join(file)).unwrap();
        assert_eq!(u32::from_le_bytes(old[8..12].try_into().unwrap()), 1, "{file} is a version 1 file");
        let back = load(&[&data.join(file)], false).unwrap().build_frozen().unwrap();
        let original = load(&[source], false).unwrap().build_frozen().unwrap();
        assert_eq!(original.nodes().collect::<Vec<_>>(), back.nodes().collect::<Vec<_>>(), "{file}");
        let edges = |g: &FrozenGraph| g.edges().map(|(a, b, d)| (a, b, d.clone())).collect::<Vec<_>>();
        assert_eq!(edges(&original), edges(&back), "{file}");
        let config = RadiusConfig::default();
        for v in 0..u32::try_from(original.node_count()).unwrap() {
            assert_eq!(radius(&original, &[v], &config), radius(&back, &[v], &config), "{file}");
        }
        // The graph's digest and the input digest, which holds it, are the same.
        let digest = |g: FrozenGraph| {
            let engine = blastgate::assess::Engine::new(g, blastgate::assess::default_policy().unwrap()).unwrap();
            let change = blastgate::change::parse_changeset(
                "c.json",
                br#"{"apiVersion": "blastgate.dev/v1", "kind": "Changeset", "id": "c", "services": []}"#,
            )
            .unwrap();
            let now = blastgate::context::Timestamp::parse("2026-11-30T00:00:00Z").unwrap();
            let input = engine.assess(&change, &blastgate::context::Context::new(now)).input_digest;
            assert!(engine.graph_digest().starts_with("blake3:") && engine.graph_digest().len() == 71);
            (engine.graph_digest().to_owned(), input)
        };
        assert_eq!(digest(original), digest(back), "{file}");
    }
}
