//! The fixed parts of a snapshot: magic, header, section table.

use crate::error::{ErrorDetail, GraphError};
use crate::model::{Origin, Strength};

/// The first eight bytes of every snapshot: a byte that cannot start UTF-8
/// text, `BGS`, then CR LF, Ctrl-Z and LF, which text-mode transfers
/// mangle (PNG's trick), so a damaged transfer fails at once.
pub const MAGIC: [u8; 8] = *b"\x89BGS\r\n\x1a\n";

/// The format version written, and the newest read. Version 1 files are
/// read too: they hold the forward rows as well (sections 5 and 6), which
/// are skipped.
pub const FORMAT_VERSION: u32 = 2;

/// Bytes of the header.
pub(super) const HEADER_LEN: usize = 64;
/// Bytes of a section table entry.
pub(super) const ENTRY_LEN: usize = 32;
/// Where the header checksum sits (it covers the bytes before it and the
/// section table).
pub(super) const CHECKSUM_AT: usize = 56;
/// Sections start at multiples of this.
pub(super) const ALIGN: u64 = 8;
/// Most sections a reader accepts (a bound on the table, not a format
/// rule: version 1 has 14 kinds).
const MAX_SECTIONS: u32 = 64;

/// The kinds of section, by id (see the module docs of `snapshot`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Section {
    IdOffsets = 1,
    IdBytes = 2,
    NodeColumns = 3,
    NodeExtra = 4,
    FwdOffsets = 5,
    FwdTargets = 6,
    RevOffsets = 7,
    RevSources = 8,
    RevProbability = 9,
    EdgePlain = 10,
    EdgeColumns = 11,
    EdgeProbability = 12,
    EdgeObservation = 13,
    Warnings = 14,
}

impl Section {
    const ALL: [Section; 14] = [
        Self::IdOffsets,
        Self::IdBytes,
        Self::NodeColumns,
        Self::NodeExtra,
        Self::FwdOffsets,
        Self::FwdTargets,
        Self::RevOffsets,
        Self::RevSources,
        Self::RevProbability,
        Self::EdgePlain,
        Self::EdgeColumns,
        Self::EdgeProbability,
        Self::EdgeObservation,
        Self::Warnings,
    ];

    pub(super) fn id(self) -> u32 {
        self as u32
    }

    fn from_id(id: u32) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.id() == id)
    }

    /// The name used in messages and docs.
    pub(super) fn name(self) -> &'static str {
        match self {
            Self::IdOffsets => "id_offsets",
            Self::IdBytes => "id_bytes",
            Self::NodeColumns => "node_columns",
            Self::NodeExtra => "node_extra",
            Self::FwdOffsets => "fwd_offsets",
            Self::FwdTargets => "fwd_targets",
            Self::RevOffsets => "rev_offsets",
            Self::RevSources => "rev_sources",
            Self::RevProbability => "rev_probability",
            Self::EdgePlain => "edge_plain",
            Self::EdgeColumns => "edge_columns",
            Self::EdgeProbability => "edge_probability",
            Self::EdgeObservation => "edge_observation",
            Self::Warnings => "warnings",
        }
    }
}

/// One entry of the section table.
#[derive(Debug, Clone, Copy)]
pub(super) struct Entry {
    pub(super) section: Section,
    pub(super) offset: u64,
    pub(super) len: u64,
    pub(super) checksum: u64,
}

/// What the header and table say, checked against each other and the
/// file's length.
#[derive(Debug)]
pub(super) struct Header {
    pub(super) nodes: usize,
    pub(super) edges: usize,
    pub(super) entries: Vec<Entry>,
}

/// The engine version as the header stores it.
pub(super) fn engine_version() -> [u8; 16] {
    let mut out = [0u8; 16];
    let version = env!("CARGO_PKG_VERSION").as_bytes();
    let len = version.len().min(out.len());
    if let (Some(dst), Some(src)) = (out.get_mut(..len), version.get(..len)) {
        dst.copy_from_slice(src);
    }
    out
}

/// A [`GraphError::Corrupt`] about `file` with the usual help.
pub(super) fn corrupt(file: &str, place: impl Into<String>, value: impl Into<String>, message: &str) -> GraphError {
    GraphError::Corrupt(ErrorDetail::new(file, place, value, message))
        .with_help("the snapshot is damaged: freeze the graph again with `blastgate graph freeze`")
}

/// The header checksum: of the header before the checksum field, then the
/// section table.
pub(super) fn header_checksum(head: &[u8], table: &[u8]) -> u64 {
    let mut hasher = twox_hash::XxHash3_64::new();
    std::hash::Hasher::write(&mut hasher, head.get(..CHECKSUM_AT).unwrap_or_default());
    std::hash::Hasher::write(&mut hasher, table);
    std::hash::Hasher::finish(&hasher)
}

pub(super) fn u32_at(bytes: &[u8], at: usize) -> u32 {
    let mut b = [0u8; 4];
    if let Some(s) = bytes.get(at..at + 4) {
        b.copy_from_slice(s);
    }
    u32::from_le_bytes(b)
}

pub(super) fn u64_at(bytes: &[u8], at: usize) -> u64 {
    let mut b = [0u8; 8];
    if let Some(s) = bytes.get(at..at + 8) {
        b.copy_from_slice(s);
    }
    u64::from_le_bytes(b)
}

/// Checks the first bytes of a file: the magic (a foreign file is
/// [`GraphError::UnknownFormat`]), the format version (a newer one is
/// [`GraphError::UnsupportedVersion`]) and the header's length. `head` is
/// up to [`HEADER_LEN`] bytes from the start of a file of `total` bytes.
/// Returns the number of table entries.
pub(super) fn check_start(file: &str, head: &[u8], total: u64) -> Result<u32, GraphError> {
    let prefix = head.len().min(MAGIC.len());
    if head.get(..prefix) != MAGIC.get(..prefix) || head.is_empty() {
        return Err(GraphError::UnknownFormat(ErrorDetail::new(
            file,
            "byte 0",
            escape(head.get(..prefix).unwrap_or_default()),
            "not a blastgate graph snapshot (wrong magic bytes)",
        ))
        .with_help("give a file written by `blastgate graph freeze`, or a graph source file"));
    }
    // The magic and the version never move: a newer file is named as such
    // whatever follows them.
    let version = if head.len() >= 12 { u32_at(head, 8) } else { FORMAT_VERSION };
    if version > FORMAT_VERSION {
        let engine = String::from_utf8_lossy(head.get(16..32).unwrap_or_default()).trim_end_matches('\0').to_owned();
        return Err(GraphError::UnsupportedVersion(ErrorDetail::new(
            file,
            "header",
            version.to_string(),
            format!(
                "snapshot format version {version} (written by blastgate {}) is newer than this blastgate reads \
                 (up to {FORMAT_VERSION})",
                crate::error::shorten(&engine)
            ),
        ))
        .with_help("upgrade blastgate, or freeze the graph again with this version"));
    }
    if head.len() < HEADER_LEN {
        return Err(corrupt(
            file,
            "header",
            total.to_string(),
            &format!("the file is cut short: {total} bytes, fewer than the {HEADER_LEN}-byte header"),
        ));
    }
    if version == 0 {
        return Err(corrupt(file, "header", "0", "snapshot format version 0 does not exist"));
    }
    let sections = u32_at(head, 12);
    if sections > MAX_SECTIONS {
        return Err(corrupt(file, "header", sections.to_string(), "too many sections"));
    }
    Ok(sections)
}

/// Parses and checks the header and the section table (`table`, whose
/// length [`check_start`] gave) of a file of `total` bytes: the checksum,
/// the file's length, the counts against the limits, and each section
/// known, once, in id order, at the first multiple of 8 after the one
/// before and in bounds.
pub(super) fn parse_header(file: &str, head: &[u8], table: &[u8], total: u64) -> Result<Header, GraphError> {
    let stored = u64_at(head, CHECKSUM_AT);
    let computed = header_checksum(head, table);
    if stored != computed {
        return Err(corrupt(
            file,
            "header",
            format!("{stored:016x}"),
            &format!("header checksum mismatch (computed {computed:016x})"),
        ));
    }
    let declared = u64_at(head, 48);
    if declared != total {
        let message = if total < declared {
            format!("the file is cut short: {total} bytes of the {declared} its header gives")
        } else {
            format!("the file has {} bytes past the {declared} its header gives", total - declared)
        };
        return Err(corrupt(file, "header", total.to_string(), &message));
    }
    let nodes = u64_at(head, 32);
    let edges = u64_at(head, 40);
    if nodes > crate::limits::MAX_NODES {
        return Err(GraphError::limit(file, "max_nodes", crate::limits::MAX_NODES, nodes));
    }
    if edges > crate::limits::MAX_EDGES {
        return Err(GraphError::limit(file, "max_edges", crate::limits::MAX_EDGES, edges));
    }
    let table_end = (HEADER_LEN + table.len()) as u64;
    let mut entries: Vec<Entry> = Vec::with_capacity(table.len() / ENTRY_LEN);
    let mut end = table_end;
    for (i, raw) in table.chunks_exact(ENTRY_LEN).enumerate() {
        let place = format!("section table, entry {i}");
        let id = u32_at(raw, 0);
        let Some(section) = Section::from_id(id) else {
            return Err(corrupt(file, place, id.to_string(), "unknown section id"));
        };
        if entries.last().is_some_and(|e| e.section >= section) {
            return Err(corrupt(file, place, section.name(), "section out of order or given twice"));
        }
        let (offset, len) = (u64_at(raw, 8), u64_at(raw, 16));
        let stop = offset.checked_add(len);
        // Each section starts at the first multiple of 8 after the one
        // before it: the padding is less than 8 bytes, and checked zero.
        if u32_at(raw, 4) != 0 || offset != end.next_multiple_of(ALIGN) || stop.is_none_or(|s| s > total) {
            return Err(corrupt(
                file,
                place,
                format!("{offset}+{len}"),
                &format!("section `{}` is misplaced or runs past the end of the file", section.name()),
            ));
        }
        end = stop.unwrap_or(total);
        entries.push(Entry { section, offset, len, checksum: u64_at(raw, 24) });
    }
    if end != total {
        return Err(corrupt(file, "section table", end.to_string(), "the last section does not end the file"));
    }
    // INVARIANT: both are at most the limits, far below `usize::MAX`.
    Ok(Header { nodes: nodes as usize, edges: edges as usize, entries })
}

/// Bytes as text for a message: printable ASCII as is, others as `\xNN`.
fn escape(bytes: &[u8]) -> String {
    bytes.iter().flat_map(|b| std::ascii::escape_default(*b)).map(char::from).collect()
}

/// The origins by their byte in a snapshot.
pub(super) const ORIGINS: [Origin; 4] = [Origin::Placeholder, Origin::Listed, Origin::Observed, Origin::Declared];
/// The strengths by their byte in a snapshot.
pub(super) const STRENGTHS: [Strength; 2] = [Strength::Hard, Strength::Soft];
/// The tier byte of a node that states none.
pub(super) const NO_TIER: u8 = 255;
/// The user-facing byte of a node that states nothing.
pub(super) const NO_USER_FACING: u8 = 2;

/// The byte of `value` in `all` (its position).
pub(super) fn code_of<T: PartialEq>(all: &[T], value: &T) -> u8 {
    all.iter().position(|x| x == value).and_then(|p| u8::try_from(p).ok()).unwrap_or(0)
}

/// See [`super::seal`].
pub(super) fn seal(bytes: &mut [u8]) {
    if bytes.len() < HEADER_LEN {
        return;
    }
    let count = (u32_at(bytes, 12) as usize).min(MAX_SECTIONS as usize);
    let table_end = (HEADER_LEN + count * ENTRY_LEN).min(bytes.len());
    for at in (HEADER_LEN..table_end).step_by(ENTRY_LEN).filter(|at| at + ENTRY_LEN <= table_end) {
        let (offset, len) = (u64_at(bytes, at + 8), u64_at(bytes, at + 16));
        let range = usize::try_from(offset).ok().zip(usize::try_from(len).ok());
        let section = range.and_then(|(o, l)| bytes.get(o..o.checked_add(l)?));
        if let Some(section) = section {
            let sum = twox_hash::XxHash3_64::oneshot(section);
            if let Some(slot) = bytes.get_mut(at + 24..at + 32) {
                slot.copy_from_slice(&sum.to_le_bytes());
            }
        }
    }
    let sum = header_checksum(bytes, bytes.get(HEADER_LEN..table_end).unwrap_or_default());
    if let Some(slot) = bytes.get_mut(CHECKSUM_AT..HEADER_LEN) {
        slot.copy_from_slice(&sum.to_le_bytes());
    }
}
