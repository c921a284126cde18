#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(m) = blastgate::change::ServiceMap::parse("map", data) {
        let _ = m.service_of("src/a/b.go");
    }
});
