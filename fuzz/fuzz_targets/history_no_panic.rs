#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../src/history.rs"]
mod history;

fuzz_target!(|data: &[u8]| history::check(data));
