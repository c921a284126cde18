//! Exporting a graph as native JSON and loading it back gives the same
//! graph: same ids in the same order, same attributes, same edges.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a panic is a failed test"
)]

use blastgate::graph::{BuildOptions, GraphFormat, GraphLoader, ServiceGraph};

fn load(name: &str, bytes: &[u8], format: Option<GraphFormat>) -> ServiceGraph {
    let mut loader = GraphLoader::new(BuildOptions::default());
    loader.add_bytes(name, bytes, format).unwrap();
    loader.build().unwrap()
}

/// Everything but the origin (a reloaded graph is all "declared").
fn fingerprint(g: &ServiceGraph) -> String {
    let mut out = String::new();
    for n in g.nodes() {
        out += &format!(
            "{} {:?} {:?} {:?} {:?} {:?} {:?} {:?}\n",
            n.id(),
            n.kind(),
            n.tier(),
            n.owner(),
            n.system(),
            n.labels(),
            n.traffic(),
            n.user_facing()
        );
    }
    for (a, b, d) in g.dependencies() {
        out += &format!(
            "{} -> {} {:?} {:?} {:?} {:?}\n",
            a.id(),
            b.id(),
            d.kind(),
            d.strength(),
            d.stated_probability(),
            d.observation()
        );
    }
    out
}

fn roundtrip(g: &ServiceGraph) {
    let json = blastgate::graph::to_native_json(g).unwrap();
    let again = load("exported.json", json.as_bytes(), None);
    assert_eq!(fingerprint(g), fingerprint(&again));
    // And the export is a fixed point.
    assert_eq!(json, blastgate::graph::to_native_json(&again).unwrap());
}

#[test]
fn demo_topology_roundtrips() {
    let g = load(blastgate::demo::TOPOLOGY_NAME, blastgate::demo::TOPOLOGY.as_bytes(), None);
    assert_eq!((g.node_count(), g.edge_count()), (27, 53));
    roundtrip(&g);
}

#[test]
fn real_graphs_roundtrip() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures/graphs");
    for name in ["online-boutique", "sock-shop", "dsb-hotel-reservation", "dsb-media-microservices"] {
        let bytes = std::fs::read(dir.join(format!("{name}.edges"))).unwrap();
        roundtrip(&load(name, &bytes, Some(GraphFormat::EdgeList)));
    }
}

#[test]
fn dangling_external_nodes_roundtrip() {
    let doc = "apiVersion: blastgate.dev/v1\nkind: ServiceGraph\nservices: [{id: a, labels: {x: y}}]\n\
               dependencies: [{dependent: a, dependency: ghost, calls: 3, errors: 1, probability: 0.5}]\n";
    roundtrip(&load("g.yaml", doc.as_bytes(), None));
}
