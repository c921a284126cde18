#![no_main]

use libfuzzer_sys::fuzz_target;

// Any request gets a JSON answer tagged success or failure, never a panic.
fuzz_target!(|data: &[u8]| {
    let answer = blastgate::json_api::assess_json(&String::from_utf8_lossy(data));
    assert!(answer.contains("\"type\""));
});
