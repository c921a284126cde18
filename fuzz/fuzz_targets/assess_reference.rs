#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../src/assess_reference.rs"]
mod assess_reference;
#[allow(dead_code, reason = "only the naive radius is used here")]
#[path = "../src/reference.rs"]
mod reference;

fuzz_target!(|data: &[u8]| assess_reference::check(data));
