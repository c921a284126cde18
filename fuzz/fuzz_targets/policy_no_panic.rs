#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = blastgate::assess::parse_policy("fuzz.toml", data);
});
