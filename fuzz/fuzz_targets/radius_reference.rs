#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../src/reference.rs"]
mod reference;

fuzz_target!(|data: &[u8]| reference::check(data));
