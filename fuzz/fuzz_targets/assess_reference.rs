#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../src/assess_reference.rs"]
mod assess_reference;

fuzz_target!(|data: &[u8]| assess_reference::check(data));
