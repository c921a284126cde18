#![no_main]

use libfuzzer_sys::fuzz_target;

// parse(serialise(x)) == x for every context that parses.
fuzz_target!(|data: &[u8]| {
    let Ok(context) = blastgate::context::parse_context("fuzz.json", data) else { return };
    let text = serde_json::to_vec(&context).expect("a context serialises");
    let again = blastgate::context::parse_context("again.json", &text).expect("its JSON parses");
    assert_eq!(context, again);
});
