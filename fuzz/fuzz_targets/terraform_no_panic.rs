#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = blastgate::change::parse_plan("fuzz.json", data, &blastgate::change::PlanOptions::default());
});
