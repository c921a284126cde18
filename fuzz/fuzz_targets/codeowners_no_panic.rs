#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(c) = blastgate::change::CodeOwners::parse("CODEOWNERS", data) {
        let _ = c.owners_of("src/a/b.go");
    }
});
