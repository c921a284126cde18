#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut l = blastgate::graph::GraphLoader::default();
    if l.add_bytes("fuzz", data, None).is_ok() {
        if let Ok(g) = l.build() {
            let _ = g.to_dot();
            let f = g.freeze();
            let _ = f.cycles();
        }
    }
});
