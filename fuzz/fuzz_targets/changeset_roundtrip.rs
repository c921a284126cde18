#![no_main]

use libfuzzer_sys::fuzz_target;

// parse(serialise(x)) == x for every changeset that parses.
fuzz_target!(|data: &[u8]| {
    let Ok(change) = blastgate::change::parse_changeset("fuzz.json", data) else { return };
    let text = serde_json::to_vec(&change).expect("a changeset serialises");
    let again = blastgate::change::parse_changeset("again.json", &text).expect("its JSON parses");
    assert_eq!(change, again);
});
