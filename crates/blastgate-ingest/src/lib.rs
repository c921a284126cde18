//! Parsers of the graph formats blastgate reads.
//!
//! Each parser is a pure function from bytes to a
//! [`blastgate_graph::GraphFragment`] or a typed [`GraphError`] that names
//! the file, the place and the offending value. No parser panics, recurses
//! over graph structure or allocates without bound: inputs are capped by
//! [`blastgate_graph::limits`].
//!
//! This crate is internal; use the `blastgate` facade crate.

pub mod backstage;
pub mod changeset;
pub mod codeowners;
pub mod context;
pub mod doc;
pub mod edgelist;
pub mod git;
pub mod history;
pub mod native;
pub mod policy;
pub mod service_map;
pub mod terraform;
pub mod traces;

use std::io::Read;
use std::path::Path;

use blastgate_graph::{GraphError, GraphFragment, limits};

/// A graph file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Format {
    /// blastgate's own `ServiceGraph` document, JSON or YAML.
    Native,
    /// Backstage catalog entities, multi-document YAML (or JSON).
    Backstage,
    /// Jaeger's `/api/dependencies` answer, or Zipkin's twin.
    Jaeger,
    /// The Prometheus HTTP API answer for OpenTelemetry's servicegraph
    /// metrics (`traces_service_graph_request_total`).
    Prometheus,
    /// Plain edge list: `dependent dependency` per line.
    EdgeList,
    /// A binary snapshot of a whole, merged graph (`blastgate graph
    /// freeze`), recognised by its magic bytes. Not a source to merge: the
    /// facade's `GraphLoader` reads it as the whole graph.
    Snapshot,
}

impl Format {
    /// Every format.
    pub const ALL: [Format; 6] =
        [Self::Native, Self::Backstage, Self::Jaeger, Self::Prometheus, Self::EdgeList, Self::Snapshot];

    /// The name used by `--input-format`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Native => "native",
            Self::Backstage => "backstage",
            Self::Jaeger => "jaeger",
            Self::Prometheus => "prometheus",
            Self::EdgeList => "edges",
            Self::Snapshot => "snapshot",
        }
    }

    /// Parses a format name; accepts the aliases `zipkin` (jaeger), `otel`
    /// (prometheus) and `edgelist`/`edge-list` (edges).
    pub fn parse(name: &str) -> Option<Self> {
        match name.to_ascii_lowercase().as_str() {
            "native" | "blastgate" => Some(Self::Native),
            "backstage" => Some(Self::Backstage),
            "jaeger" | "zipkin" => Some(Self::Jaeger),
            "prometheus" | "otel" | "servicegraph" => Some(Self::Prometheus),
            "edges" | "edgelist" | "edge-list" => Some(Self::EdgeList),
            "snapshot" | "bgs" => Some(Self::Snapshot),
            _ => None,
        }
    }
}

impl std::fmt::Display for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// Recognises the format of a file from its name and first bytes.
///
/// Rules, in order: a file that starts with the snapshot magic bytes is a
/// snapshot, whatever its name; `.edges`, `.txt`, `.csv`, `.tsv` are edge lists; a
/// document mentioning a Backstage apiVersion (`backstage.io/v1...`) is
/// Backstage, even with `blastgate.dev/` annotations; one mentioning
/// `blastgate.dev/` is native; one mentioning `backstage.io/` Backstage; JSON with `"resultType"` (or a Prometheus error's
/// `"errorType"`) is Prometheus; JSON with `"parent"` and `"child"`, an empty
/// array or an empty `{"data": []}` envelope is Jaeger or Zipkin; any other
/// file whose first non-blank character is not `{`, `[` or `-` and whose
/// name does not end in `.json`, `.yaml` or `.yml` is an edge list.
///
/// # Errors
/// [`GraphError::UnknownFormat`] when no rule matches.
pub fn detect(file: &str, bytes: &[u8]) -> Result<Format, GraphError> {
    if blastgate_graph::snapshot::is_snapshot(bytes) {
        return Ok(Format::Snapshot);
    }
    let lower = file.to_ascii_lowercase();
    if [".edges", ".txt", ".csv", ".tsv", ".edgelist"].iter().any(|ext| lower.ends_with(ext)) {
        return Ok(Format::EdgeList);
    }
    let head = bytes.get(..bytes.len().min(64 * 1024)).unwrap_or_default();
    let head = String::from_utf8_lossy(head);
    // A Backstage catalog may carry blastgate's own annotations
    // (`blastgate.dev/tier`), so its apiVersion is looked for first.
    if head.contains("backstage.io/v1") {
        return Ok(Format::Backstage);
    }
    if head.contains("blastgate.dev/") {
        return Ok(Format::Native);
    }
    if head.contains("backstage.io/") {
        return Ok(Format::Backstage);
    }
    let first = head.trim_start_matches('\u{feff}').trim_start().chars().next();
    if matches!(first, Some('{' | '[')) {
        if head.contains("\"resultType\"") || head.contains("\"errorType\"") {
            return Ok(Format::Prometheus);
        }
        if head.contains("\"parent\"") && head.contains("\"child\"") {
            return Ok(Format::Jaeger);
        }
        let compact: String = head.chars().filter(|c| !c.is_whitespace()).collect();
        if compact == "[]" || compact.starts_with("{\"data\":[]") || compact.contains("\"data\":null") {
            return Ok(Format::Jaeger);
        }
    }
    let yamlish = lower.ends_with(".yaml") || lower.ends_with(".yml") || lower.ends_with(".json");
    if !yamlish && !matches!(first, Some('{' | '[' | '-')) {
        return Ok(Format::EdgeList);
    }
    // A document without a known apiVersion is most often a native graph
    // whose `apiVersion` is missing or misspelt (a newcomer audit: the help
    // pointed at --input-format, and the real error came only with it).
    let help = if head.contains("apiVersion") {
        "its `apiVersion` is none this version reads: a native graph states `apiVersion: blastgate.dev/v1`, a \
         Backstage entity `backstage.io/v1alpha1`; or name the format with --input-format \
         native|backstage|jaeger|prometheus|edges"
    } else {
        "a native graph document starts with `apiVersion: blastgate.dev/v1` (docs/formats.md); or name the format \
         with --input-format native|backstage|jaeger|prometheus|edges, which reports what the document lacks"
    };
    Err(GraphError::UnknownFormat(blastgate_graph::ErrorDetail::new(
        file,
        "",
        "",
        "cannot tell the graph format from the file name or contents",
    ))
    .with_help(help))
}

/// Parses `bytes` (the contents of `file`) in `format`, or the detected
/// format when `None`.
///
/// # Errors
/// Any [`GraphError`] of the format's parser; [`GraphError::LimitExceeded`]
/// when the input is larger than the format's byte limit.
pub fn parse(file: &str, bytes: &[u8], format: Option<Format>) -> Result<GraphFragment, GraphError> {
    let format = match format {
        Some(f) => f,
        None => detect(file, bytes)?,
    };
    let max = max_bytes(format);
    if bytes.len() as u64 > max {
        return Err(GraphError::limit(file, "max_input_bytes", max, bytes.len() as u64));
    }
    match format {
        Format::Native => native::parse(file, bytes),
        Format::Backstage => backstage::parse(file, bytes),
        Format::Jaeger => traces::parse_jaeger(file, bytes),
        Format::Prometheus => traces::parse_prometheus(file, bytes),
        Format::EdgeList => edgelist::parse(file, bytes),
        Format::Snapshot => Err(GraphError::Usage(blastgate_graph::ErrorDetail::new(
            file,
            "",
            "",
            "a graph snapshot is a whole merged graph, not a source to merge",
        ))
        .with_help("read it with `FrozenGraph::read_snapshot`, or load it with `GraphLoader`, alone")),
    }
}

/// The byte limit of a format.
pub fn max_bytes(format: Format) -> u64 {
    match format {
        Format::EdgeList => limits::MAX_EDGE_LIST_BYTES,
        Format::Snapshot => limits::MAX_SNAPSHOT_BYTES,
        _ => limits::MAX_DOCUMENT_BYTES,
    }
}

/// Reads a file (standard input for `-`, see [`is_stdin`]), refusing to
/// read more than [`limits::MAX_EDGE_LIST_BYTES`] (the largest any format
/// allows).
///
/// # Errors
/// [`GraphError::Io`] naming the path and the system's reason, or
/// [`GraphError::LimitExceeded`].
pub fn read_file(path: &Path) -> Result<Vec<u8>, GraphError> {
    read_path(path, limits::MAX_EDGE_LIST_BYTES)
}

/// What standard input is called in messages.
pub const STDIN_NAME: &str = "<stdin>";

/// Whether `path` is `-`, which names standard input wherever a command
/// reads a file (the command-line convention: `generate | blastgate assess
/// --change -`).
pub fn is_stdin(path: &Path) -> bool {
    path.as_os_str() == "-"
}

/// The name of `path` in messages: [`STDIN_NAME`] for `-`, the path
/// otherwise.
pub fn input_name(path: &Path) -> String {
    if is_stdin(path) { STDIN_NAME.to_owned() } else { path.display().to_string() }
}

/// Reads the file at `path`, or standard input for `-`, whole, refusing to
/// read more than `max` bytes (see [`read_bounded`]). Standard input can
/// be read once per process, as `-` or by a name of its pipe
/// (`/dev/stdin`, `/dev/fd/0`, `/proc/self/fd/0`).
///
/// # Errors
/// [`GraphError::Io`] naming the input and the system's reason (or that
/// standard input was read already), or [`GraphError::LimitExceeded`].
pub fn read_path(path: &Path, max: u64) -> Result<Vec<u8>, GraphError> {
    read_path_by_head(path, |_| Ok(max))
}

/// How many of an input's first bytes [`read_path_by_head`] shows its
/// `max_for`: a snapshot's header (which states the file's length).
pub const HEAD_BYTES: usize = 64;

/// As [`read_path`], with the limit chosen by the input's first
/// [`HEAD_BYTES`] bytes
/// (`max_for(head)`, which may also refuse the input): a snapshot may be
/// larger than a text format, and a pipe or standard input says which it
/// is only by its first bytes. A regular file larger than its limit is
/// refused before it is read.
///
/// # Errors
/// As [`read_path`].
pub fn read_path_by_head(
    path: &Path,
    max_for: impl Fn(&[u8]) -> Result<u64, GraphError>,
) -> Result<Vec<u8>, GraphError> {
    let name = input_name(path);
    // `len`: the size the file system gives a regular file, which is
    // refused without reading a byte more than the head when over the
    // limit; a stream (standard input, a pipe) has none.
    let read = |mut reader: Box<dyn Read + '_>, len: Option<u64>| {
        let mut head = Vec::with_capacity(HEAD_BYTES);
        (&mut reader).take(HEAD_BYTES as u64).read_to_end(&mut head).map_err(|e| io_error(&name, &e))?;
        let max = max_for(&head)?;
        if let Some(len) = len.filter(|&len| len > max) {
            return Err(GraphError::limit(&name, "max_input_bytes", max, len));
        }
        read_bounded(&name, head.as_slice().chain(reader), max)
    };
    if is_stdin(path) {
        take_stdin(&name)?;
        return read(Box::new(std::io::stdin().lock()), None);
    }
    let file = std::fs::File::open(path).map_err(|e| io_error(&name, &e))?;
    let meta = file.metadata().map_err(|e| io_error(&name, &e))?;
    // A name of the pipe standard input is (`/dev/stdin`, `/dev/fd/0`,
    // `/proc/self/fd/0`) reads the same stream as `-`: once, whichever
    // name comes first (an audit: `--change - --codeowners /dev/stdin`
    // read an empty CODEOWNERS file from the drained pipe).
    if is_stdin_stream(&meta) {
        take_stdin(&name)?;
    }
    read(Box::new(file), meta.is_file().then_some(meta.len()))
}

/// Marks standard input as read: once per process, by `-` or by a name of
/// its pipe; a second read would find it drained, and fail with a
/// puzzling "unexpected end of input" or, worse, read as an empty file.
fn take_stdin(name: &str) -> Result<(), GraphError> {
    static TAKEN: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
    if TAKEN.swap(true, std::sync::atomic::Ordering::SeqCst) {
        return Err(GraphError::Io(blastgate_graph::ErrorDetail::new(
            name,
            "",
            "",
            "standard input was read already, for an earlier input (`-`, or a name of it such as `/dev/stdin`); \
             give it for one input only",
        )));
    }
    Ok(())
}

/// Whether `opened` (the metadata of a file opened by name) is the pipe
/// or socket standard input is: the same device and inode. A regular file
/// standard input is redirected from is not: opened by name, it reads from
/// its start, however much of it `-` has read.
#[cfg(unix)]
fn is_stdin_stream(opened: &std::fs::Metadata) -> bool {
    use std::os::fd::AsFd as _;
    use std::os::unix::fs::{FileTypeExt as _, MetadataExt as _};
    let kind = opened.file_type();
    if !kind.is_fifo() && !kind.is_socket() {
        return false;
    }
    let Ok(fd) = std::io::stdin().as_fd().try_clone_to_owned() else { return false };
    std::fs::File::from(fd).metadata().is_ok_and(|stdin| stdin.dev() == opened.dev() && stdin.ino() == opened.ino())
}

#[cfg(not(unix))]
fn is_stdin_stream(_: &std::fs::Metadata) -> bool {
    false
}

/// Reads everything `reader` gives, up to `max` bytes: one byte more is a
/// limit error, so a reader that never ends (a pipe, `/dev/zero`) cannot
/// exhaust memory. `name` names the input in errors.
///
/// # Errors
/// [`GraphError::Io`] when the reader fails (wherever it fails: a partial
/// read is never parsed), [`GraphError::LimitExceeded`] past `max` bytes.
pub fn read_bounded(name: &str, reader: impl Read, max: u64) -> Result<Vec<u8>, GraphError> {
    read_at_most(reader, max)
        .map_err(|e| io_error(name, &e))?
        .ok_or_else(|| GraphError::limit(name, "max_input_bytes", max, max.saturating_add(1)))
}

/// Reads what `reader` gives, up to `max` bytes: `None` when it gives
/// more (the bytes past the limit are not kept). The buffer never holds
/// more than `max` bytes: `take(max + 1).read_to_end` doubled it past the
/// limit, so an endless pipe under a 2 GiB limit held 4.25 GB before the
/// limit's error (a red team); it now grows by doubling, capped at `max`.
///
/// # Errors
/// The reader's error (an interrupted read is retried).
pub fn read_at_most(mut reader: impl Read, max: u64) -> std::io::Result<Option<Vec<u8>>> {
    const CHUNK: usize = 64 * 1024;
    let limit = usize::try_from(max).unwrap_or(usize::MAX);
    let mut bytes: Vec<u8> = Vec::new();
    let mut chunk = vec![0u8; CHUNK];
    loop {
        let n = match reader.read(&mut chunk) {
            Ok(0) => return Ok(Some(bytes)),
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if bytes.len().saturating_add(n) > limit {
            return Ok(None);
        }
        if bytes.len() + n > bytes.capacity() {
            let want = bytes.capacity().saturating_mul(2).max(bytes.len() + n).max(CHUNK).min(limit);
            bytes.reserve_exact(want - bytes.len());
        }
        bytes.extend_from_slice(chunk.get(..n).unwrap_or_default());
    }
}

fn io_error(name: &str, e: &std::io::Error) -> GraphError {
    GraphError::Io(blastgate_graph::ErrorDetail::new(name, "", "", format!("cannot read the input: {e}")))
}

/// Reads and parses a file (see [`read_file`] and [`parse`]).
///
/// # Errors
/// As [`read_file`] and [`parse`].
pub fn load_file(path: &Path, format: Option<Format>) -> Result<GraphFragment, GraphError> {
    let bytes = read_file(path)?;
    parse(&input_name(path), &bytes, format)
}

#[cfg(test)]
mod read_tests {
    #![allow(clippy::unwrap_used, clippy::panic, reason = "test code: a panic is a failed test")]

    use super::*;

    fn limit_of(r: Result<Vec<u8>, GraphError>) -> (u64, u64) {
        match r {
            Err(GraphError::LimitExceeded(l)) => (l.max(), l.observed()),
            other => panic!("expected a limit error, got {other:?}"),
        }
    }

    /// An endless reader is refused at its limit with no more than the
    /// limit held (a red team: `take(max + 1).read_to_end` doubled its
    /// buffer to 4.25 GB under a 2 GiB limit), in any size of read.
    #[test]
    fn a_reader_is_held_to_its_limit() {
        use std::io::Read as _;
        let max = 1_000_000u64;
        assert!(read_at_most(std::io::repeat(b'x'), max).unwrap().is_none());
        let exact = read_at_most(std::io::repeat(b'x').take(max), max).unwrap().unwrap();
        assert_eq!(exact.len() as u64, max);
        assert!(exact.capacity() as u64 <= max, "{}", exact.capacity());
        assert!(read_at_most(std::io::repeat(b'x').take(max + 1), max).unwrap().is_none());
        assert_eq!(read_at_most(&b"abc"[..], 3).unwrap().unwrap(), b"abc");
        assert_eq!(read_at_most(&b""[..], 0).unwrap().unwrap(), b"");
        assert!(read_at_most(&b"a"[..], 0).unwrap().is_none());
        assert_eq!(limit_of(read_bounded("r", std::io::repeat(0), 10)), (10, 11));
    }

    #[test]
    fn a_regular_file_over_its_limit_is_refused_by_its_size() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("g.edges");
        std::fs::write(&path, vec![b'a'; 100]).unwrap();
        assert_eq!(limit_of(read_path(&path, 99)), (99, 100));
        assert_eq!(read_path(&path, 100).unwrap().len(), 100);
    }

    #[test]
    fn a_stream_gets_the_limit_its_first_bytes_imply() {
        // `/dev/zero` never ends: its head (zeros) picks the small limit.
        let zero = std::path::Path::new("/dev/zero");
        let max = |head: &[u8]| Ok(if head.starts_with(b"BGS") { 4096 } else { 64 });
        assert_eq!(limit_of(read_path_by_head(zero, max)).0, 64);
    }
}
