//! Exporting a graph as native JSON and loading it back gives the same
//! graph: same ids in the same order, same attributes, same edges. An edge
//! list export loads back with the same blast radii.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a panic is a failed test"
)]

use blastgate::graph::{BuildOptions, GraphFormat, GraphLoader, ServiceGraph};
use blastgate::radius::{RadiusConfig, radius};

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

/// Every node's blast radius, as (changed id, affected id, distance,
/// probability bits, path), for nodes with edges (an edge list has no
/// others).
fn radii(g: ServiceGraph) -> Vec<String> {
    let g = g.freeze();
    let config = RadiusConfig::default();
    let mut out = Vec::new();
    for i in 0..g.node_count() as u32 {
        if g.dependencies_of(i).is_empty() && g.dependents_of(i).is_empty() {
            continue;
        }
        let blast = radius(&g, &[i], &config);
        let id = |n: u32| g.node(n).unwrap().id().to_owned();
        for a in blast.affected() {
            let path: Vec<String> = blast.path_to(a.node()).into_iter().map(id).collect();
            out.push(format!(
                "{} {} {} {:x} {}",
                id(i),
                id(a.node()),
                a.distance(),
                a.probability().get().to_bits(),
                path.join(">")
            ));
        }
        out.push(format!("{} reaches {}", id(i), blast.affected_count()));
    }
    out
}

fn edges_roundtrip(g: ServiceGraph) {
    let text = blastgate::graph::to_edge_list(&g).unwrap();
    let again = load("exported.edges", text.as_bytes(), Some(GraphFormat::EdgeList));
    // A fixed point, and deterministic.
    assert_eq!(text, blastgate::graph::to_edge_list(&again).unwrap());
    let with_edges = radii(g);
    assert!(!with_edges.is_empty());
    assert_eq!(with_edges, radii(again));
}

#[test]
fn edge_list_export_keeps_every_blast_radius() {
    // The demo has datastores, queues, soft and asynchronous edges and
    // stated probabilities: all become a third column.
    let demo = load(blastgate::demo::TOPOLOGY_NAME, blastgate::demo::TOPOLOGY.as_bytes(), None);
    let text = blastgate::graph::to_edge_list(&demo).unwrap();
    assert!(text.lines().skip(1).any(|l| l.split(' ').count() == 3), "{text}");
    assert_eq!(text.lines().count(), demo.edge_count() + 1);
    edges_roundtrip(demo);

    let graphs = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures/graphs");
    for name in ["online-boutique", "sock-shop", "dsb-hotel-reservation", "dsb-media-microservices"] {
        let bytes = std::fs::read(graphs.join(format!("{name}.edges"))).unwrap();
        let g = load(name, &bytes, Some(GraphFormat::EdgeList));
        let text = blastgate::graph::to_edge_list(&g).unwrap();
        // Plain edges between services: two columns.
        assert!(text.lines().skip(1).all(|l| l.split(' ').count() == 2), "{name}");
        edges_roundtrip(g);
    }

    // A Backstage catalog (real files): APIs and resources are nodes of
    // other kinds, so their edges carry probabilities of their own.
    let catalog = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures/backstage");
    let mut loader = GraphLoader::new(BuildOptions::default());
    let mut files: Vec<_> = std::fs::read_dir(&catalog)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    files.sort();
    for f in &files {
        loader.add_file(f, Some(GraphFormat::Backstage)).unwrap();
    }
    edges_roundtrip(loader.build().unwrap());
}

#[test]
fn edge_list_export_leaves_out_nodes_without_edges() {
    let doc = "apiVersion: blastgate.dev/v1\nkind: ServiceGraph\nservices: [{id: a}, {id: b}, {id: alone}]\n\
               dependencies: [{dependent: a, dependency: b}]\n";
    let text = blastgate::graph::to_edge_list(&load("g.yaml", doc.as_bytes(), None)).unwrap();
    assert_eq!(text, "# blastgate edge list: 2 nodes, 1 edges (ids and propagation probabilities only)\na b\n");
}

#[test]
fn edge_list_export_refuses_ids_it_cannot_write() {
    // (A tab is a control character, which no id holds.)
    for id in ["a b", "a,b", "a#b", "a #b", "a\"b"] {
        let doc = format!(
            "{{\"apiVersion\": \"blastgate.dev/v1\", \"kind\": \"ServiceGraph\", \"services\": [{{\"id\": \"x\"}}],\
             \"dependencies\": [{{\"dependent\": \"x\", \"dependency\": {id:?}}}]}}"
        );
        let err = blastgate::graph::to_edge_list(&load("g.json", doc.as_bytes(), None)).unwrap_err();
        let text = err.to_string();
        assert!(text.contains("cannot hold a node id") && text.contains(id), "{text}");
    }
}

proptest::proptest! {
    // 64 cases, or `PROPTEST_CASES` for a deeper run (`.ci/deep`).
    #![proptest_config(proptest::prelude::ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(64),
        ..Default::default()
    })]

    /// On random graphs with cycles, node kinds, soft and asynchronous
    /// edges and stated probabilities (0 and 1 included), the edge list
    /// export reloads with the same radius from every node (affected ids,
    /// distances, probability bits, paths).
    #[test]
    fn edge_list_export_keeps_every_radius_on_random_graphs(
        kinds in proptest::collection::vec(0usize..5, 2..24),
        edges in proptest::collection::vec((0usize..24, 0usize..24, 0usize..3, 0usize..3, proptest::option::of(0u32..=20)), 0..60),
    ) {
        const KINDS: [&str; 5] = ["service", "datastore", "queue", "cache", "infrastructure"];
        const EDGE_KINDS: [&str; 3] = ["sync", "async", "data"];
        const STRENGTHS: [&str; 3] = ["hard", "soft", "hard"];
        let n = kinds.len();
        let mut doc = String::from("apiVersion: blastgate.dev/v1\nkind: ServiceGraph\nservices:\n");
        for (i, k) in kinds.iter().enumerate() {
            doc += &format!("  - {{id: n{i}, kind: {}}}\n", KINDS[*k]);
        }
        doc += "dependencies:\n";
        let mut seen = std::collections::BTreeSet::new();
        for &(a, b, kind, strength, p) in &edges {
            let (a, b) = (a % n, b % n);
            if a == b || !seen.insert((a, b)) {
                continue;
            }
            doc += &format!("  - {{dependent: n{a}, dependency: n{b}, kind: {}, strength: {}", EDGE_KINDS[kind], STRENGTHS[strength]);
            if let Some(p) = p {
                doc += &format!(", probability: {}", f64::from(p) / 20.0);
            }
            doc += "}\n";
        }
        if seen.is_empty() {
            doc = doc.replace("dependencies:\n", "dependencies: []\n");
        }
        let g = load("g.yaml", doc.as_bytes(), None);
        let text = blastgate::graph::to_edge_list(&g).unwrap();
        if seen.is_empty() {
            // An edge list cannot hold a node without edges: the export of
            // a graph without edges reads back as an empty graph, refused.
            let mut loader = GraphLoader::new(BuildOptions::default());
            loader.add_bytes("exported.edges", text.as_bytes(), Some(GraphFormat::EdgeList)).unwrap();
            let err = loader.build().unwrap_err();
            proptest::prop_assert_eq!(err.kind_name(), "invalid_value");
            return Ok(());
        }
        let again = load("exported.edges", text.as_bytes(), Some(GraphFormat::EdgeList));
        proptest::prop_assert_eq!(&text, &blastgate::graph::to_edge_list(&again).unwrap());
        proptest::prop_assert_eq!(radii(g), radii(again));
    }
}

/// `-0` and `0` are one traffic figure: declared in either order, by any
/// reader, the merged graph exports and digests the same (a red-team
/// finding: the first declaration's sign used to win).
#[test]
fn negative_zero_traffic_is_zero_in_any_order() {
    let native =
        |t: &str| format!("apiVersion: blastgate.dev/v1\nkind: ServiceGraph\nservices:\n  - {{id: a, traffic: {t}}}\n");
    let json = "{\"apiVersion\": \"blastgate.dev/v1\", \"kind\": \"ServiceGraph\", \"services\": [{\"id\": \"a\", \"traffic\": -0}]}";
    let catalog = "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: a\n  annotations: {blastgate.dev/traffic: \"-0\"}\nspec: {owner: team-a}\n";
    let merged = |first: (&str, &str), second: (&str, &str)| {
        let g = loader_build(first, second);
        let json = blastgate::graph::to_native_json(&g).unwrap();
        (json, blastgate::graph::graph_digest(&g.freeze()))
    };
    let zero = native("0");
    let expected = merged(("zero.yaml", &zero), ("zero-again.yaml", &zero));
    for minus in
        [("minus.yaml", native("-0.0")), ("minus.json", json.to_string()), ("catalog.yaml", catalog.to_string())]
    {
        let minus = (minus.0, minus.1.as_str());
        if minus.0 != "catalog.yaml" {
            assert_eq!(merged(minus, ("zero.yaml", &zero)), expected, "{}", minus.0);
            assert_eq!(merged(("zero.yaml", &zero), minus), expected, "{}", minus.0);
        }
        let alone = load(minus.0, minus.1.as_bytes(), None);
        assert!(!blastgate::graph::to_native_json(&alone).unwrap().contains("-0"), "{}", minus.0);
    }
}

fn loader_build(first: (&str, &str), second: (&str, &str)) -> ServiceGraph {
    let mut loader = GraphLoader::new(BuildOptions::default());
    loader.add_bytes(first.0, first.1.as_bytes(), None).unwrap();
    loader.add_bytes(second.0, second.1.as_bytes(), None).unwrap();
    loader.build().unwrap()
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(256),
        ..Default::default()
    })]

    /// A number reads as the same `f64` from JSON as from YAML, written
    /// shortest or with 17 digits, and a JSON export loads back with the
    /// same bits (a radius audit: serde_json's fast float parsing read
    /// `207.49314245735678` one step off, so the same graph had two digests
    /// and an export did not load back unchanged).
    #[test]
    fn numbers_read_the_same_from_json_and_yaml(traffic in 0.0f64..1e12, p in 0.0f64..=1.0) {
        for (t, q) in [(format!("{traffic}"), format!("{p}")), (format!("{traffic:.16e}"), format!("{p:.16e}"))] {
            let yaml = format!(
                "apiVersion: blastgate.dev/v1\nkind: ServiceGraph\nservices:\n  - {{id: a, traffic: {t}}}\n  - {{id: b}}\n\
                 dependencies:\n  - {{dependent: a, dependency: b, probability: {q}}}\n"
            );
            let json = format!(
                "{{\"apiVersion\": \"blastgate.dev/v1\", \"kind\": \"ServiceGraph\", \"services\": [{{\"id\": \"a\", \
                 \"traffic\": {t}}}, {{\"id\": \"b\"}}], \"dependencies\": [{{\"dependent\": \"a\", \"dependency\": \"b\", \
                 \"probability\": {q}}}]}}"
            );
            let (from_yaml, from_json) = (load("g.yaml", yaml.as_bytes(), None), load("g.json", json.as_bytes(), None));
            proptest::prop_assert_eq!(from_json.nodes().next().and_then(|n| n.traffic()).map(|t| t.get().to_bits()), Some(traffic.to_bits()));
            proptest::prop_assert_eq!(fingerprint(&from_yaml), fingerprint(&from_json));
            let exported = blastgate::graph::to_native_json(&from_json).unwrap();
            let again = load("exported.json", exported.as_bytes(), None);
            proptest::prop_assert_eq!(&exported, &blastgate::graph::to_native_json(&again).unwrap());
            proptest::prop_assert_eq!(
                blastgate::graph::graph_digest(&from_yaml.freeze()),
                blastgate::graph::graph_digest(&again.freeze())
            );
        }
    }
}
