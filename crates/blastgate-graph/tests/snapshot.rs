//! Binary snapshots: a frozen graph written and read back answers every
//! query the same, and damaged, foreign, future or crafted files are typed
//! errors, never panics.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a panic is a failed test"
)]

use std::collections::{BTreeMap, BTreeSet};

use blastgate_graph::snapshot::{FORMAT_VERSION, MAGIC, is_snapshot};
use blastgate_graph::{
    BuildOptions, EdgeKind, EdgeSpec, FrozenGraph, GraphBuilder, GraphError, GraphFragment, NodeKind, NodeSpec,
    Observation, Origin, Probability, RadiusConfig, Strength, Tier, Traffic, radius,
};

/// A graph with every kind of attribute: declared nodes with tiers, owners,
/// labels and traffic; stated and default edge attributes; observations;
/// a placeholder node; warnings; a cycle.
fn rich() -> FrozenGraph {
    let mut declared = GraphFragment::new("catalog.yaml", Origin::Declared);
    let mut labels = BTreeMap::new();
    labels.insert("team-slack".to_owned(), "#checkout".to_owned());
    labels.insert("région".to_owned(), "eu-west".to_owned());
    let web = NodeSpec {
        kind: Some(NodeKind::Service),
        tier: Tier::new(0),
        owner: Some("team-web".into()),
        system: Some("shop".into()),
        labels,
        traffic: Traffic::new(1250.5),
        user_facing: Some(true),
    };
    let w = declared.declare("web", web, || "$.services[0]".into()).unwrap();
    let db = NodeSpec { kind: Some(NodeKind::Datastore), tier: Tier::new(1), ..NodeSpec::default() };
    let d = declared.declare("orders-db", db, || "$.services[1]".into()).unwrap();
    let q = declared.declare("events", NodeSpec { kind: Some(NodeKind::Queue), ..NodeSpec::default() }, String::new);
    let q = q.unwrap();
    let j =
        declared.declare("checkout", NodeSpec { kind: Some(NodeKind::Journey), ..NodeSpec::default() }, String::new);
    let j = j.unwrap();
    let ghost = declared.reference("ghost", || "$.services[0].depends_on[3]".into()).unwrap();
    let soft = EdgeSpec { strength: Some(Strength::Soft), ..EdgeSpec::default() };
    declared.edge(w, d, EdgeSpec { probability: Probability::new(0.125), ..EdgeSpec::default() }).unwrap();
    declared.edge(w, q, soft).unwrap();
    declared.edge(w, ghost, EdgeSpec::default()).unwrap();
    declared.edge(j, w, EdgeSpec { kind: Some(EdgeKind::Async), ..EdgeSpec::default() }).unwrap();
    let mut traces = GraphFragment::new("traces.json", Origin::Observed);
    let (a, b) = (traces.node("events", String::new).unwrap(), traces.node("worker", String::new).unwrap());
    let seen = EdgeSpec { observation: Some(Observation { calls: 900, errors: 7 }), ..EdgeSpec::default() };
    traces.edge(a, b, seen).unwrap();
    traces.edge(b, a, EdgeSpec::default()).unwrap();
    traces.edge(b, b, EdgeSpec::default()).unwrap();
    let mut builder = GraphBuilder::new(BuildOptions::default());
    builder.add(declared).unwrap();
    builder.add(traces).unwrap();
    builder.build().unwrap().freeze()
}

/// A plain graph (no edge attributes, one trust level) with dependencies of
/// several kinds, as an edge list makes.
fn plain(n: u32, m: u32) -> FrozenGraph {
    let ids: Vec<String> = (0..n).map(|i| format!("svc-{i:04}")).collect();
    let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
    let mut state = 0x9e37_79b9_7f4a_7c15_u64;
    let mut next = move |bound: u32| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % u64::from(bound)) as u32
    };
    let edges = (0..m).map(|_| (next(n), next(n))).collect();
    let fragment = GraphFragment::from_parts("plain.edges", Origin::Listed, &ids, edges, Vec::new()).unwrap();
    let mut kinds = GraphFragment::new("kinds.yaml", Origin::Listed);
    kinds
        .declare("svc-0001", NodeSpec { kind: Some(NodeKind::Datastore), ..NodeSpec::default() }, String::new)
        .unwrap();
    let mut builder = GraphBuilder::new(BuildOptions::default());
    builder.add(fragment).unwrap();
    builder.add(kinds).unwrap();
    builder.build().unwrap().freeze()
}

fn write(graph: &FrozenGraph) -> Vec<u8> {
    let mut out = Vec::new();
    graph.write_snapshot(&mut out).unwrap();
    out
}

fn read(bytes: &[u8]) -> Result<FrozenGraph, GraphError> {
    FrozenGraph::read_snapshot("g.bgs", bytes)
}

/// Every query of `a` and `b` gives the same answer.
fn assert_same(a: &FrozenGraph, b: &FrozenGraph) {
    assert_eq!((a.node_count(), a.edge_count()), (b.node_count(), b.edge_count()));
    assert_eq!(a.nodes().collect::<Vec<_>>(), b.nodes().collect::<Vec<_>>());
    assert_eq!(a.warnings(), b.warnings());
    for g in [a, b] {
        let labelled: Vec<_> = g.nodes().filter(|n| !n.labels().is_empty()).collect();
        assert_eq!(g.nodes_with_labels().collect::<Vec<_>>(), labelled);
    }
    let edges = |g: &FrozenGraph| g.edges().map(|(x, y, d)| (x, y, d.clone())).collect::<Vec<_>>();
    assert_eq!(edges(a), edges(b));
    let n = u32::try_from(a.node_count()).unwrap();
    for v in 0..n {
        assert_eq!(a.dependencies_of(v), b.dependencies_of(v));
        assert_eq!(a.dependents_of(v), b.dependents_of(v));
        assert_eq!(a.dependent_edges_of(v), b.dependent_edges_of(v));
        let bits =
            |g: &FrozenGraph| g.dependents_with_probability(v).map(|(u, p)| (u, p.to_bits())).collect::<Vec<_>>();
        assert_eq!(bits(a), bits(b));
        let id = a.node(v).unwrap().id();
        assert_eq!(b.index_of(id), Some(v));
        assert_eq!(a.id_rank(v), b.id_rank(v));
        // The kind packed with the node's class is the node's.
        assert_eq!(a.node_kind(v), Some(a.node(v).unwrap().kind()));
        assert_eq!(b.node_kind(v), a.node_kind(v));
        let config = RadiusConfig::default();
        assert_eq!(radius(a, &[v], &config), radius(b, &[v], &config), "radius of `{id}`");
    }
    assert_eq!(b.index_of("no-such-node"), None);
    assert_eq!(b.index_of(""), None);
    assert_eq!(a.cycles(), b.cycles());
    assert_eq!(a.edges_are_plain(), b.edges_are_plain());
    assert!(a.numbered_in_id_order() && b.numbered_in_id_order(), "builders and snapshots number nodes by id");
    let all: Vec<u32> = (0..n).step_by(3).collect();
    assert_eq!(radius(a, &all, &RadiusConfig::default()), radius(b, &all, &RadiusConfig::default()));
}

#[test]
fn roundtrip_answers_every_query_the_same() {
    for graph in [rich(), plain(300, 2000), plain(1, 0), plain(2, 5)] {
        let bytes = write(&graph);
        assert!(is_snapshot(&bytes));
        let back = read(&bytes).unwrap();
        assert_same(&graph, &back);
        // Writing what was read gives the same bytes.
        assert_eq!(write(&back), bytes);
    }
    let rich = rich();
    assert!(rich.warnings().iter().any(|w| w.message().contains("self-loop")));
    assert!(rich.nodes().any(|n| n.origin() == Origin::Placeholder));
}

#[test]
fn an_empty_graph_roundtrips() {
    let graph = GraphBuilder::new(BuildOptions::default()).build().unwrap().freeze();
    let back = read(&write(&graph)).unwrap();
    assert_eq!((back.node_count(), back.edge_count()), (0, 0));
}

#[test]
fn the_header_says_what_and_who() {
    let bytes = write(&rich());
    assert_eq!(bytes[..8], MAGIC);
    assert_eq!(u32::from_le_bytes(bytes[8..12].try_into().unwrap()), FORMAT_VERSION);
    assert!(bytes[16..32].starts_with(env!("CARGO_PKG_VERSION").as_bytes()));
    assert_eq!(u64::from_le_bytes(bytes[48..56].try_into().unwrap()), bytes.len() as u64);
}

#[test]
fn every_truncation_is_a_corrupt_error() {
    let bytes = write(&plain(40, 120));
    assert_eq!(read(&[]).unwrap_err().kind_name(), "unknown_format");
    for cut in 1..bytes.len() {
        let e = read(&bytes[..cut]).unwrap_err();
        assert_eq!(e.kind_name(), "corrupt", "cut at {cut}: {e}");
        assert!(e.to_string().starts_with("g.bgs: "), "{e}");
    }
    let e = read(&bytes[..bytes.len() / 2]).unwrap_err();
    assert!(e.to_string().contains("cut short"), "{e}");
    let mut longer = bytes.clone();
    longer.push(0);
    assert!(read(&longer).unwrap_err().to_string().contains("past the"), "trailing bytes");
}

#[test]
fn every_flipped_byte_is_caught() {
    let graph = rich();
    let bytes = write(&graph);
    for at in 0..bytes.len() {
        for mask in [0x01u8, 0x80] {
            let mut damaged = bytes.clone();
            damaged[at] ^= mask;
            let e = match read(&damaged) {
                Ok(_) => panic!("a flip of bit {mask:#x} at byte {at} was not caught"),
                Err(e) => e,
            };
            let expected: &[&str] = match at {
                0..8 => &["unknown_format"],
                8..12 => &["unsupported_version", "corrupt"],
                _ => &["corrupt", "limit_exceeded"],
            };
            assert!(expected.contains(&e.kind_name()), "byte {at}: {e}");
        }
    }
    // A flipped bit in a section names the section and the checksum.
    let (offset, _) = section(&bytes, 8);
    let mut damaged = bytes.clone();
    damaged[offset] ^= 1;
    let e = read(&damaged).unwrap_err().to_string();
    assert!(e.contains("section `rev_sources`") && e.contains("checksum mismatch"), "{e}");
}

#[test]
fn foreign_files_are_unknown_formats() {
    for bytes in
        [&b"frontend cart\ncart redis\n"[..], b"{\"apiVersion\": \"blastgate.dev/v1\"}", b"\x89PNG\r\n\x1a\n...."]
    {
        let e = read(bytes).unwrap_err();
        assert_eq!(e.kind_name(), "unknown_format", "{e}");
        assert!(e.to_string().contains("not a blastgate graph snapshot"), "{e}");
        assert!(!is_snapshot(bytes));
    }
}

#[test]
fn a_newer_version_is_unsupported_whatever_follows() {
    let mut bytes = write(&rich());
    bytes[8..12].copy_from_slice(&(FORMAT_VERSION + 1).to_le_bytes());
    let e = read(&bytes).unwrap_err();
    assert_eq!(e.kind_name(), "unsupported_version", "{e}");
    assert!(e.to_string().contains(&format!("format version {}", FORMAT_VERSION + 1)), "{e}");
    // Even when the rest is of another layout entirely.
    bytes.truncate(12);
    assert_eq!(read(&bytes).unwrap_err().kind_name(), "unsupported_version");
    bytes[8..12].copy_from_slice(&0u32.to_le_bytes());
    bytes.resize(64, 0);
    assert_eq!(read(&bytes).unwrap_err().kind_name(), "corrupt");
}

/// The offset and length of section `id`.
fn section(bytes: &[u8], id: u32) -> (usize, usize) {
    let count = u32::from_le_bytes(bytes[12..16].try_into().unwrap()) as usize;
    for i in 0..count {
        let e = &bytes[64 + 32 * i..64 + 32 * (i + 1)];
        if u32::from_le_bytes(e[..4].try_into().unwrap()) == id {
            let offset = u64::from_le_bytes(e[8..16].try_into().unwrap()) as usize;
            let len = u64::from_le_bytes(e[16..24].try_into().unwrap()) as usize;
            return (offset, len);
        }
    }
    panic!("no section {id}");
}

/// The ids of the sections, in the order of the table.
fn section_ids(bytes: &[u8]) -> Vec<u32> {
    let count = u32::from_le_bytes(bytes[12..16].try_into().unwrap()) as usize;
    (0..count).map(|i| u32::from_le_bytes(bytes[64 + 32 * i..68 + 32 * i].try_into().unwrap())).collect()
}

/// Every edge as (dependent, dependency), from the forward rows.
fn edge_list(graph: &FrozenGraph) -> BTreeSet<(u32, u32)> {
    (0..graph.node_count() as u32)
        .flat_map(|u| graph.dependencies_of(u).iter().map(move |&v| (u, v)).collect::<Vec<_>>())
        .collect()
}

/// Recomputes every checksum, as a crafted file would.
fn reseal(bytes: &mut [u8]) {
    blastgate_graph::snapshot::seal(bytes);
}

/// Applies `edit` to section `id`, reseals and reads: the error, as text.
fn crafted(graph: &FrozenGraph, id: u32, edit: impl FnOnce(&mut [u8])) -> String {
    let mut bytes = write(graph);
    let (offset, len) = section(&bytes, id);
    edit(&mut bytes[offset..offset + len]);
    reseal(&mut bytes);
    let Err(e) = read(&bytes) else { panic!("a crafted section {id} loaded") };
    assert_eq!(e.kind_name(), "corrupt", "{e}");
    e.to_string()
}

fn word(bytes: &mut [u8], i: usize) -> &mut [u8] {
    &mut bytes[4 * i..4 * i + 4]
}

fn set_word(bytes: &mut [u8], i: usize, value: u32) {
    word(bytes, i).copy_from_slice(&value.to_le_bytes());
}

fn get_word(bytes: &[u8], i: usize) -> u32 {
    u32::from_le_bytes(bytes[4 * i..4 * i + 4].try_into().unwrap())
}

#[test]
fn crafted_files_with_valid_checksums_cannot_break_an_invariant() {
    let graph = plain(50, 300);
    let n = graph.node_count();
    // Reseal alone changes nothing.
    let mut bytes = write(&graph);
    reseal(&mut bytes);
    assert_same(&graph, &read(&bytes).unwrap());

    // The forward rows are not stored: they are made from the reverse
    // rows, so the two cannot disagree.
    assert!(section_ids(&write(&graph)).iter().all(|&id| id != 5 && id != 6), "no forward rows in version 2");
    // Offsets that decrease, in either table.
    for id in [1, 7] {
        let e = crafted(&graph, id, |s| {
            let (a, b) = (get_word(s, 10), get_word(s, 11));
            set_word(s, 10, b + 1);
            set_word(s, 11, a);
        });
        assert!(e.contains("never decrease"), "{e}");
    }
    // Offsets that do not end at the edge count, or do not start at 0.
    let e = crafted(&graph, 7, |s| set_word(s, n, get_word(s, n) - 1));
    assert!(e.contains("section `rev_offsets`"), "{e}");
    assert!(crafted(&graph, 7, |s| set_word(s, 0, 1)).contains("start at 0"));
    // A source out of range, a self-loop, a row out of order (node 0's row
    // starts the section).
    let e = crafted(&graph, 8, |s| set_word(s, 0, 4_000_000));
    assert!(e.contains("section `rev_sources`, row of node 0"), "{e}");
    let first_row_len = graph.dependents_of(0).len();
    assert!(first_row_len >= 2, "the test needs a row of two");
    assert!(crafted(&graph, 8, |s| set_word(s, 0, 0)).contains("self-loop"));
    let e = crafted(&graph, 8, |s| {
        let (a, b) = (get_word(s, 0), get_word(s, 1));
        set_word(s, 0, b);
        set_word(s, 1, a);
    });
    assert!(e.contains("strictly ascending"), "{e}");
    let e = crafted(&graph, 8, |s| set_word(s, 0, get_word(s, 0) + 10_000));
    assert!(e.contains("section `rev_sources`"), "{e}");
    // A reverse row changed into another valid one reads as another graph,
    // the same one forwards and backwards: what the digest hashes and the
    // dependencies an export lists are what the radius walks.
    let (slot, moved) = (0..n as u32)
        .scan(0usize, |start, v| {
            let row = graph.dependents_of(v);
            let here = *start;
            *start += row.len();
            Some((here, v, row.to_vec()))
        })
        .find_map(|(start, v, row)| {
            (0..row.len()).find_map(|i| {
                let x = row[i] + 1;
                let fits = (x as usize) < n && x != v && row.get(i + 1).is_none_or(|&next| next > x);
                fits.then_some((start + i, x))
            })
        })
        .unwrap();
    let mut bytes = write(&graph);
    let (offset, len) = section(&bytes, 8);
    set_word(&mut bytes[offset..offset + len], slot, moved);
    reseal(&mut bytes);
    // (The edge keeps its dependency, so its probability stays valid.)
    let other = read(&bytes).unwrap();
    assert_ne!(edge_list(&other), edge_list(&graph));
    let backwards: BTreeSet<(u32, u32)> =
        (0..n as u32).flat_map(|v| other.dependents_of(v).iter().map(move |&u| (u, v)).collect::<Vec<_>>()).collect();
    assert_eq!(edge_list(&other), backwards);
    // Probabilities other than the edges' attributes give: one per edge
    // (this graph's dependencies are of two kinds), one for all (a graph of
    // services only), and one per edge with attributes of their own.
    assert!(section(&write(&graph), 9).1 > 4, "the test needs a probability per edge");
    let e = crafted(&graph, 9, |s| set_word(s, 0, 0.25f32.to_bits()));
    assert!(e.contains("differs from its edge's attributes"), "{e}");
    let services = {
        let ids: Vec<String> = (0..20).map(|i| format!("s{i:02}")).collect();
        let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
        let edges = (0..19).map(|i| (i + 1, i)).collect();
        let fragment = GraphFragment::from_parts("chain.edges", Origin::Listed, &ids, edges, Vec::new()).unwrap();
        let mut builder = GraphBuilder::new(BuildOptions::default());
        builder.add(fragment).unwrap();
        builder.build().unwrap().freeze()
    };
    assert_eq!(section(&write(&services), 9).1, 4, "the test needs one probability for all");
    let e = crafted(&services, 9, |s| set_word(s, 0, 0.25f32.to_bits()));
    assert!(e.contains("rev_probability`, row of node 0"), "{e}");
    let e = crafted(&rich(), 9, |s| {
        let p = f32::from_bits(get_word(s, 0));
        set_word(s, 0, (p / 2.0).to_bits());
    });
    assert!(e.contains("differs from its edge's attributes"), "{e}");

    // Ids out of order, repeated, not UTF-8, empty, with a control character.
    let e = crafted(&graph, 2, |s| s.swap(7, 15));
    assert!(e.contains("strictly ascending"), "{e}");
    let e = crafted(&graph, 2, |s| {
        let (first, second) = s.split_at_mut(8);
        second[..8].copy_from_slice(&first[..8]);
    });
    assert!(e.contains("node 1"), "{e}");
    assert!(crafted(&graph, 2, |s| s[3] = 0xff).contains("not UTF-8"));
    assert!(crafted(&graph, 2, |s| s[7] = 7).contains("control character"));
    let e = crafted(&graph, 1, |s| set_word(s, 1, 0));
    assert!(e.contains("not a valid node id"), "{e}");

    // Enum bytes and numbers out of range.
    assert!(crafted(&graph, 3, |s| s[4] = 8).contains("node_columns"));
    assert!(crafted(&graph, 3, |s| s[5] = 4).contains("node_columns"));
    assert!(crafted(&graph, 10, |s| s[0] = 9).contains("unknown origin"));
    let e = crafted(&graph, 9, |s| set_word(s, 0, f32::NAN.to_bits()));
    assert!(e.contains("rev_probability"), "{e}");
    let e = crafted(&rich(), 9, |s| set_word(s, 1, 2.0f32.to_bits()));
    assert!(e.contains("rev_probability"), "{e}");
    let e = crafted(&rich(), 11, |s| s[0] = 4);
    assert!(e.contains("edge_columns"), "{e}");
    let e = crafted(&rich(), 12, |s| s[..8].copy_from_slice(&f64::INFINITY.to_le_bytes()));
    assert!(e.contains("probability out of range"), "{e}");
    let e = crafted(&rich(), 4, |s| s[..4].copy_from_slice(&u32::MAX.to_le_bytes()));
    assert!(e.contains("node_extra"), "{e}");
    let e = crafted(&rich(), 14, |s| s[..4].copy_from_slice(&u32::MAX.to_le_bytes()));
    assert!(e.contains("warnings"), "{e}");
}

#[test]
fn counts_are_checked_before_allocating() {
    let graph = plain(50, 300);
    for (at, value, kind) in [(32, u64::MAX, "limit_exceeded"), (40, 1 << 40, "limit_exceeded"), (32, 51, "corrupt")] {
        let mut bytes = write(&graph);
        bytes[at..at + 8].copy_from_slice(&value.to_le_bytes());
        reseal(&mut bytes);
        let e = read(&bytes).unwrap_err();
        assert_eq!(e.kind_name(), kind, "{e}");
    }
    // A section claiming more bytes than the file has.
    let mut bytes = write(&graph);
    bytes[64 + 16..64 + 24].copy_from_slice(&(u64::MAX - 7).to_le_bytes());
    reseal(&mut bytes);
    let e = read(&bytes).unwrap_err().to_string();
    assert!(e.contains("runs past the end"), "{e}");
    // A table claiming many sections.
    let mut bytes = write(&graph);
    bytes[12..16].copy_from_slice(&u32::MAX.to_le_bytes());
    assert_eq!(read(&bytes).unwrap_err().kind_name(), "corrupt");
}
