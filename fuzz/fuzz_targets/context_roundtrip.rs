#![no_main]

use libfuzzer_sys::fuzz_target;

// parse(serialise(x)) == x for every context that parses, dated by the
// caller when it states no `now` (the serialised form states it).
fuzz_target!(|data: &[u8]| {
    let Some(at) = blastgate::context::Timestamp::from_unix_seconds(1_800_000_000) else { return };
    let Ok((context, _)) = blastgate::context::parse_context_at("fuzz.json", data, at) else { return };
    let text = serde_json::to_vec(&context).expect("a context serialises");
    let again = blastgate::context::parse_context("again.json", &text).expect("its JSON parses");
    assert_eq!(context, again);
});
