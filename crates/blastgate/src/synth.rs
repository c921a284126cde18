//! A deterministic generator of large synthetic service graphs (power-law
//! hubs, a share of cycle-forming edges), for benchmarks at your own scale:
//! `blastgate synth --services N --edges M --seed S --out FILE`.

pub use blastgate_graph::synth::{EdgeOrder, Hubs, SynthConfig, write_edge_list};

/// Writes the edge list of `config` ([`write_edge_list`]) to the file at
/// `path`, as [`crate::graph::write_snapshot`] writes a snapshot: a
/// regular file (new, or the one a symbolic link points to) is written
/// beside its target, synced and renamed over it, keeping an existing
/// file's permissions, so a run that fails or is stopped never leaves a
/// cut edge list (which would load as a smaller, valid graph); a pipe or
/// device is written into.
///
/// # Errors
/// `config` is refused ([`SynthConfig::check`], kind `InvalidInput`)
/// before anything is created; `path` is a directory or a read-only file;
/// or the file cannot be written.
pub fn write_edge_list_file(config: &SynthConfig, path: &std::path::Path) -> std::io::Result<()> {
    config.check()?;
    let destination = crate::output::destination(path)?;
    crate::output::Staged::write(destination, |file| write_edge_list(config, file), |e| e)?.commit()
}
