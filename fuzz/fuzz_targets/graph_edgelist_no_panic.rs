#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ =
        blastgate::graph::GraphLoader::default().add_bytes("fuzz.edges", data, Some(blastgate::GraphFormat::EdgeList));
});
