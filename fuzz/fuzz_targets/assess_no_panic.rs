#![no_main]

use libfuzzer_sys::fuzz_target;

// Any changeset and context that parse are assessed on the demo topology
// without a panic, with finite numbers, and an error never approves.
fuzz_target!(|data: &[u8]| {
    let (change, context) = match data.iter().position(|&b| b == 0) {
        Some(i) => data.split_at(i),
        None => (data, &b""[..]),
    };
    let Ok(change) = blastgate::change::parse_changeset("c.json", change) else { return };
    let context =
        blastgate::context::parse_context("x.json", context.get(1..).unwrap_or_default()).unwrap_or_else(|_| {
            blastgate::context::Context::new(blastgate::context::Timestamp::from_unix_seconds(1_800_000_000).unwrap())
        });
    let mut loader = blastgate::graph::GraphLoader::default();
    loader.add_bytes(blastgate::demo::TOPOLOGY_NAME, blastgate::demo::TOPOLOGY.as_bytes(), None).unwrap();
    let engine =
        blastgate::assess::Engine::new(loader.build().unwrap().freeze(), blastgate::assess::default_policy().unwrap())
            .unwrap();
    let a = engine.assess(&change, &context);
    assert!(a.risk.likelihood.is_finite() && a.risk.impact.is_finite() && a.risk.score.is_finite());
    if a.has_errors() {
        assert_eq!(a.review_depth(), blastgate::ReviewDepth::Block);
    }
});
