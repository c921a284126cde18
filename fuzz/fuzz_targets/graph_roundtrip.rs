#![no_main]

use libfuzzer_sys::fuzz_target;

// Any graph that loads, written as a native document, loads back to the
// same graph: writing it again gives the same bytes.
fuzz_target!(|data: &[u8]| {
    let mut loader = blastgate::graph::GraphLoader::default();
    if loader.add_bytes("fuzz", data, None).is_err() {
        return;
    }
    let Ok(graph) = loader.build() else { return };
    let first = blastgate::graph::to_native_json(&graph).expect("a built graph serialises");
    let mut again = blastgate::graph::GraphLoader::default();
    again.add_bytes("again.json", first.as_bytes(), None).expect("the native document loads");
    let second = blastgate::graph::to_native_json(&again.build().expect("and builds")).expect("serialises");
    assert_eq!(first, second);
});
