#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ =
        blastgate::graph::GraphLoader::default().add_bytes("fuzz.yaml", data, Some(blastgate::GraphFormat::Backstage));
});
