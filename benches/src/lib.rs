//! Benchmarks live in `benches/`; `src/bin/` holds measuring tools, and
//! this library what they share, including the allocator: jemalloc, as in
//! the `blastgate` binary, so that the tools measure what the binary does.

#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

/// The peak resident set size of this process in KiB (`VmHWM` in
/// `/proc/self/status`), 0 where that is not available.
pub fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("VmHWM:")).map(str::to_owned))
        .and_then(|l| l.split_whitespace().nth(1).and_then(|k| k.parse::<u64>().ok()))
        .unwrap_or(0)
}
