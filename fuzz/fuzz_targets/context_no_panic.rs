#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = blastgate::context::parse_context("fuzz.json", data);
    // A document without `now`, dated by the caller.
    if let Some(at) = blastgate::context::Timestamp::from_unix_seconds(1_800_000_000) {
        let _ = blastgate::context::parse_context_at("fuzz.json", data, at);
    }
});
