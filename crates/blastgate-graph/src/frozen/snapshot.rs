//! Binary snapshots of a frozen graph (`.bgs` files).
//!
//! Loading a large graph from its sources means parsing text and merging:
//! about a second for 1M nodes and 10M edges. A snapshot holds the merged,
//! frozen graph as the arrays the [`FrozenGraph`] keeps, so reading one is
//! reading those arrays back, checking them and assembling the nodes: tens
//! of milliseconds for the same graph (docs/performance.md, "Snapshot").
//!
//! # Layout
//!
//! Little-endian throughout. A 64-byte header, a table of sections (32
//! bytes an entry), then the sections, each starting at a multiple of 8
//! bytes (zeros pad between them) in the order of the table, the last one
//! ending the file:
//!
//! | offset | bytes | field |
//! |---|---|---|
//! | 0 | 8 | magic: [`MAGIC`] |
//! | 8 | 4 | format version ([`FORMAT_VERSION`]) |
//! | 12 | 4 | number of sections |
//! | 16 | 16 | version of the engine that wrote it, ASCII, zero-padded |
//! | 32 | 8 | nodes |
//! | 40 | 8 | edges |
//! | 48 | 8 | length of the file in bytes |
//! | 56 | 8 | XXH3-64 of bytes 0..56 followed by the section table |
//!
//! A table entry is the section's id (4 bytes), 4 zero bytes, its offset
//! (8), its length in bytes (8) and the XXH3-64 of its bytes (8). The
//! sections, by id, with `n` nodes and `m` edges (see docs/formats.md,
//! "Snapshot", for the encoding of each):
//!
//! | id | name | contents |
//! |---|---|---|
//! | 1 | `id_offsets` | `n + 1` u32: where each node's id starts in `id_bytes` |
//! | 2 | `id_bytes` | the ids, UTF-8, in dense-id order (which is id order) |
//! | 3 | `node_columns` | 4 bytes a node: kind, tier, user-facing, origin |
//! | 4 | `node_extra` | owner, system, labels and traffic of the nodes that have any |
//! | 5, 6 | `fwd_offsets`, `fwd_targets` | version 1 only: forward rows, `n + 1` and `m` u32 (skipped) |
//! | 7, 8 | `rev_offsets`, `rev_sources` | reverse rows: `n + 1` and `m` u32 |
//! | 9 | `rev_probability` | `m` f32, or one when every edge has the same |
//! | 10 | `edge_plain` | 1 byte, the origin, when no edge states attributes |
//! | 11, 12, 13 | `edge_columns`, `edge_probability`, `edge_observation` | otherwise: 4 bytes an edge, then the stated probabilities (f64) and observations (2 u64) |
//! | 14 | `warnings` | the warnings of loading and merging |
//!
//! # Versions
//!
//! The magic and the format version (the first 12 bytes) never move. A
//! reader refuses a version newer than its own with
//! [`GraphError::UnsupportedVersion`]; any change to the layout bumps the
//! version. The engine version is informative only. Version 2 dropped the
//! forward rows (sections 5 and 6), which a graph makes from the reverse
//! rows on first need; version 1 files are read, those sections skipped.
//!
//! # Untrusted input
//!
//! Reading never panics and never allocates more than the file's length
//! (plus the nodes it describes, at most [`crate::limits::MAX_NODES`]):
//! every count and section length is checked against the file length and
//! the limits before anything is allocated. A file cut short, with a bad
//! checksum or with contents that break an invariant is a
//! [`GraphError::Corrupt`] naming the section and place; another format is
//! [`GraphError::UnknownFormat`]. After the checksums, every invariant the
//! queries rely on is checked again, so that a crafted file with valid
//! checksums cannot break one: offsets start at 0, never decrease and end
//! at the edge count; rows are strictly ascending, in range, with no
//! self-loop; ids are valid UTF-8, valid ids ([`crate::check_id`]) and
//! strictly ascending (so sorted and unique); every enum byte, string and
//! number is in range; every reverse probability is the one its edge's
//! attributes give. The edges are stored once, so the graph the digest
//! hashes is the graph a blast radius walks: a crafted file can describe
//! another graph, but not show two.

mod layout;
mod read;
mod write;

use std::io::Write;

use crate::error::GraphError;
use crate::frozen::FrozenGraph;

pub use layout::{FORMAT_VERSION, MAGIC};

/// Whether `bytes`, the start of a file, start like a snapshot: with its
/// magic bytes, or, for a file shorter than them, with their start (a
/// snapshot cut short). The first byte of the magic cannot start UTF-8
/// text, so no text format is ever taken for a snapshot.
pub fn is_snapshot(bytes: &[u8]) -> bool {
    bytes.starts_with(&MAGIC) || (!bytes.is_empty() && MAGIC.starts_with(bytes))
}

/// The length of the file that a snapshot's header states, if `head` (the
/// start of the file) holds the magic bytes and that field; unchecked (the
/// header's checksum covers the section table too). A stream is read to
/// this length instead of to the snapshot size limit.
pub fn stated_length(head: &[u8]) -> Option<u64> {
    let field = head.get(48..56).filter(|_| head.starts_with(&MAGIC))?;
    Some(u64::from_le_bytes(field.try_into().ok()?))
}

/// The error for a snapshot read from a stream that goes on past the
/// length its header states ([`stated_length`]): corrupt, as a file with
/// bytes past the end is.
pub fn stream_past_end(file: &str, stated: u64) -> crate::GraphError {
    layout::corrupt(
        file,
        "header",
        stated.to_string(),
        &format!("the stream goes on past the {stated} bytes its header gives"),
    )
}

/// Where the bytes of a snapshot are read from: random access, from any
/// thread (sections are read in parallel).
pub trait SnapshotSource: Sync {
    /// The length in bytes.
    fn len(&self) -> u64;

    /// Whether there are no bytes.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Fills `buf` with the bytes starting at `offset`.
    ///
    /// # Errors
    /// Any I/O error; reading past the end is an error.
    fn read_at(&self, offset: u64, buf: &mut [u8]) -> std::io::Result<()>;
}

impl SnapshotSource for [u8] {
    fn len(&self) -> u64 {
        <[u8]>::len(self) as u64
    }

    fn read_at(&self, offset: u64, buf: &mut [u8]) -> std::io::Result<()> {
        let start = usize::try_from(offset).map_err(|_| past_end())?;
        let end = start.checked_add(buf.len()).ok_or_else(past_end)?;
        buf.copy_from_slice(self.get(start..end).ok_or_else(past_end)?);
        Ok(())
    }
}

/// Recomputes, in place, every checksum of the snapshot-like `bytes`
/// (each section's whose table entry lies within them, then the header's),
/// leaving everything else as it is. For tests and fuzzing: a crafted file
/// with valid checksums reaches the checks behind them. Does nothing to
/// bytes too short for a header.
pub fn seal(bytes: &mut [u8]) {
    layout::seal(bytes);
}

fn past_end() -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::UnexpectedEof, "read past the end")
}

impl FrozenGraph {
    /// Writes the graph as a snapshot (see the [module docs](self)).
    ///
    /// # Errors
    /// Any error of `out`.
    ///
    /// # Complexity
    /// `O(V + E)`; the arrays are written as they are, the ids and
    /// attributes encoded on the way.
    pub fn write_snapshot(&self, out: &mut impl Write) -> std::io::Result<()> {
        write::write(self, out)
    }

    /// Reads a snapshot named `name` (for messages) from `source`.
    ///
    /// # Errors
    /// [`GraphError::UnknownFormat`] if it is not a snapshot;
    /// [`GraphError::UnsupportedVersion`] for a newer format version;
    /// [`GraphError::Corrupt`] if it is cut short, a checksum does not
    /// match or the contents break an invariant;
    /// [`GraphError::LimitExceeded`] past [`crate::limits`];
    /// [`GraphError::Io`] if `source` fails.
    ///
    /// # Complexity
    /// `O(V + E)`, on rayon's threads: reading, checksums and checks.
    pub fn read_snapshot(name: &str, source: &(impl SnapshotSource + ?Sized)) -> Result<Self, GraphError> {
        read::read(name, source)
    }
}
