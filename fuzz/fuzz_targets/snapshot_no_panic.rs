#![no_main]

//! Graph snapshots (`.bgs`): any bytes read as a snapshot give a graph or a
//! typed error, never a panic. Each input is read as it is, then with every
//! checksum recomputed (`snapshot::seal`), so that mutations reach the
//! structure checks behind the checksums; a graph that loads is queried,
//! and written again: the snapshot it writes reads back to a graph that
//! writes the same bytes (load(serialise(graph)) == graph).
//! Seed with small snapshots: `blastgate graph freeze FILE --out corpus/snapshot_no_panic/NAME.bgs`.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut l = blastgate::graph::GraphLoader::default();
    if l.add_bytes("f.bgs", data, None).is_ok() {
        let _ = l.build().map(|g| g.to_dot());
    }
    let mut sealed = data.to_vec();
    blastgate_graph::snapshot::seal(&mut sealed);
    if let Ok(g) = blastgate::graph::FrozenGraph::read_snapshot("f.bgs", sealed.as_slice()) {
        let _ = g.cycles();
        let n = g.node_count() as u32;
        for v in 0..n {
            let _ = (
                g.dependents_with_probability(v).count(),
                g.dependent_edges_of(v).len(),
                g.node(v).map(|x| g.index_of(x.id())),
            );
        }
        let _ = g.edges().count();
        if n > 0 {
            let _ = blastgate_graph::radius(&g, &[0, n / 2], &blastgate_graph::RadiusConfig::default());
        }
        let mut out = Vec::new();
        g.write_snapshot(&mut out).expect("a graph read from a snapshot writes one");
        let again = blastgate::graph::FrozenGraph::read_snapshot("again.bgs", out.as_slice())
            .expect("a written snapshot reads back");
        let mut second = Vec::new();
        again.write_snapshot(&mut second).expect("and writes again");
        assert!(out == second, "write(read(write(graph))) differs from write(graph)");
    }
});
