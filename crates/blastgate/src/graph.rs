//! The service dependency graph: load, merge, validate, freeze.
//!
//! # Untrusted input
//!
//! Graph files are untrusted. Loading never panics, never recurses over
//! graph structure and never allocates without bound: every input is
//! checked against the limits in [`limits`], and an input over a limit is a
//! [`GraphError::LimitExceeded`] naming the limit and the value observed.
//! Parsing is linear in the input size; merging is `O(V + E)` plus sorting
//! each node's dependencies.
//!
//! # Snapshots
//!
//! A snapshot (`.bgs`, written by [`write_snapshot`] or `blastgate graph
//! freeze`) is a whole graph, merged and frozen, read back in tens of
//! milliseconds where parsing and merging its sources takes seconds. Every
//! loader method recognises one by its magic bytes, whatever its name or
//! the format asked for. A snapshot is the only graph input when given: it
//! is not merged with other sources (their trust levels and the merge's
//! ties are gone from it), and a snapshot with any other source is a
//! [`GraphError::Usage`]. Damaged snapshots are [`GraphError::Corrupt`];
//! docs/formats.md ("Snapshot") gives the layout and the checks.

mod snapshot_file;

use std::path::Path;

pub use snapshot_file::{write_snapshot, write_snapshot_to};

pub use blastgate_graph::limits;
pub use blastgate_graph::snapshot::{FORMAT_VERSION as SNAPSHOT_FORMAT_VERSION, SnapshotSource, is_snapshot};
pub use blastgate_graph::{
    BuildOptions, Components, Dependency, EdgeKind, ErrorDetail, FrozenGraph, GraphError, LimitExceeded, Node,
    NodeKind, NodeRef, Observation, Origin, Probability, ServiceGraph, Strength, Tier, Traffic, Warning, escape_dot,
    is_hidden, shorten, shown,
};
pub use blastgate_ingest::Format as GraphFormat;

/// Loads one or more graph sources and merges them into one graph.
///
/// Between equally trusted sources the riskier value wins (names by byte
/// order), whatever the order they are added in (see docs/formats.md,
/// "Merging sources").
///
/// ```
/// use blastgate::graph::{BuildOptions, GraphFormat, GraphLoader};
///
/// let mut loader = GraphLoader::new(BuildOptions::default());
/// loader.add_bytes("inline.edges", b"frontend cart\ncart redis\n", Some(GraphFormat::EdgeList))?;
/// let graph = loader.build()?;
/// assert_eq!((graph.node_count(), graph.edge_count()), (3, 2));
/// # Ok::<(), blastgate::GraphError>(())
/// ```
#[derive(Debug, Default)]
pub struct GraphLoader {
    builder: blastgate_graph::GraphBuilder,
    options: BuildOptions,
    /// A snapshot read, and its name: then it is the only input.
    snapshot: Option<(String, FrozenGraph)>,
    /// The name of the first source that is not a snapshot.
    first_source: Option<String>,
}

impl GraphLoader {
    /// A loader with `options` (strict mode makes dangling references
    /// errors).
    pub fn new(options: BuildOptions) -> Self {
        Self { builder: blastgate_graph::GraphBuilder::new(options), options, snapshot: None, first_source: None }
    }

    /// Reads and parses a file; the format is detected unless given. A
    /// snapshot is recognised by its magic bytes whatever `format` says,
    /// and read straight into the graph's arrays (see the [module
    /// docs](self)). `-` (standard input) and pipes are read whole first,
    /// within the size limit their first bytes imply.
    ///
    /// # Errors
    /// [`GraphError::Io`] if the file cannot be read; any parse error of
    /// the format, naming the file and place; for a snapshot, the errors
    /// of [`FrozenGraph::read_snapshot`], and [`GraphError::Usage`] if
    /// other sources are given too; [`GraphError::InvalidValue`] when the
    /// file is empty (white space only).
    pub fn add_file(&mut self, path: &Path, format: Option<GraphFormat>) -> Result<&mut Self, GraphError> {
        let name = blastgate_ingest::input_name(path);
        let io =
            |e: std::io::Error| GraphError::Io(ErrorDetail::new(&name, "", "", format!("cannot read the input: {e}")));
        let metadata = (!blastgate_ingest::is_stdin(path)).then(|| std::fs::metadata(path)).transpose().map_err(io)?;
        let stream = metadata.as_ref().is_none_or(|m| !m.is_file());
        // A `.bgs` file is a snapshot whatever its bytes: an empty or cut
        // one is a snapshot error, not an empty edge list.
        let extension = |e: &str| path.extension().is_some_and(|x| x.eq_ignore_ascii_case(e));
        let named_snapshot = format.is_none() && extension("bgs");
        if stream {
            // Standard input, a pipe or a device (`<(curl ...)`,
            // `/dev/stdin`) can be read neither at offsets nor twice: it is
            // read whole, within the limit of what its first bytes and its
            // name say it is: a `.bgs` name that does not start as a
            // snapshot fails at its first bytes, a document (`--input-format
            // native`, `.json`, `.yaml`) stops at a document's limit, not
            // an edge list's 2 GiB (found by an audit: `/dev/zero` as
            // `zero.bgs` read 2 GiB before failing).
            let text_max = match format {
                Some(f) => blastgate_ingest::max_bytes(f),
                None if extension("json") || extension("yaml") || extension("yml") => limits::MAX_DOCUMENT_BYTES,
                None => limits::MAX_EDGE_LIST_BYTES,
            };
            //
            // A snapshot stream is read to the length its header states,
            // and a JSON one (its first character `{` or `[`) to a
            // document's limit: a stream that never ends after a snapshot's
            // first bytes took 8 GiB (10 GiB of memory) before its limit
            // error, and one after a `{` 2 GiB (red-team findings).
            let stated = std::cell::Cell::new(None);
            let max = |head: &[u8]| {
                if is_snapshot(head) {
                    match blastgate_graph::snapshot::stated_length(head) {
                        Some(len) if len > limits::MAX_SNAPSHOT_BYTES => {
                            Err(GraphError::limit(&name, "max_snapshot_bytes", limits::MAX_SNAPSHOT_BYTES, len))
                        }
                        Some(len) => {
                            stated.set(Some(len));
                            Ok(len)
                        }
                        // Shorter than a header: the stream has ended.
                        None => Ok(limits::MAX_SNAPSHOT_BYTES),
                    }
                } else if named_snapshot {
                    FrozenGraph::read_snapshot(&name, head).map(|_| 0)
                } else if format.is_none() && starts_as_json(head) {
                    Ok(text_max.min(limits::MAX_DOCUMENT_BYTES))
                } else {
                    Ok(text_max)
                }
            };
            let bytes = match blastgate_ingest::read_path_by_head(path, max) {
                Err(GraphError::LimitExceeded(_)) if let Some(len) = stated.get() => {
                    return Err(blastgate_graph::snapshot::stream_past_end(&name, len));
                }
                read => read?,
            };
            return self.add_bytes(&name, &bytes, format);
        }
        let mut file = std::fs::File::open(path).map_err(io)?;
        if is_snapshot(&snapshot_file::head(&name, &mut file)?) || named_snapshot {
            self.check_alone(&name, true)?;
            let graph = snapshot_file::read(&name, file)?;
            self.snapshot = Some((name, graph));
            return Ok(self);
        }
        drop(file);
        self.check_alone(&name, false)?;
        if metadata.is_some_and(|m| m.len() == 0) {
            return Err(arrived_empty(&name));
        }
        let fragment = blastgate_ingest::load_file(path, format)?;
        if fragment.node_count() == 0 && std::fs::read(path).is_ok_and(|bytes| blank(&bytes)) {
            return Err(arrived_empty(&name));
        }
        self.builder.add(fragment)?;
        Ok(self)
    }

    /// Fails if `name` (a snapshot if `snapshot`) cannot join the inputs
    /// given so far: a snapshot must be the only one.
    fn check_alone(&mut self, name: &str, snapshot: bool) -> Result<(), GraphError> {
        let help = "give the snapshot alone, or freeze all the files together: \
                    `blastgate graph freeze FILE... --out graph.bgs`";
        if let Some((first, _)) = &self.snapshot {
            return Err(GraphError::Usage(ErrorDetail::new(
                name,
                "",
                first.as_str(),
                "cannot be merged with a graph snapshot, which is a whole merged graph",
            ))
            .with_help(help));
        }
        if snapshot && let Some(first) = &self.first_source {
            return Err(GraphError::Usage(ErrorDetail::new(
                name,
                "",
                first.as_str(),
                "a graph snapshot is a whole merged graph and cannot be merged with other graph files",
            ))
            .with_help(help));
        }
        if !snapshot && self.first_source.is_none() {
            self.first_source = Some(name.to_owned());
        }
        Ok(())
    }

    /// Reads a source from `reader` (a pipe, a socket, a decompressor) and
    /// parses it; the format is detected unless given. Reads at most
    /// [`limits::MAX_EDGE_LIST_BYTES`] bytes.
    ///
    /// # Errors
    /// [`GraphError::Io`] if the reader fails, wherever it fails (nothing
    /// read before is kept); a limit error past the size cap; any parse
    /// error of the format, naming `name` and the place.
    pub fn add_reader(
        &mut self,
        name: &str,
        reader: impl std::io::Read,
        format: Option<GraphFormat>,
    ) -> Result<&mut Self, GraphError> {
        let bytes = blastgate_ingest::read_bounded(name, reader, limits::MAX_EDGE_LIST_BYTES)?;
        self.add_bytes(name, &bytes, format)
    }

    /// Parses `bytes` as the contents of a source named `name`.
    ///
    /// # Errors
    /// Any parse error of the format, naming `name` and the place;
    /// [`GraphError::InvalidValue`] when `bytes` are empty (white space
    /// only).
    pub fn add_bytes(
        &mut self,
        name: &str,
        bytes: &[u8],
        format: Option<GraphFormat>,
    ) -> Result<&mut Self, GraphError> {
        if is_snapshot(bytes) {
            self.check_alone(name, true)?;
            self.snapshot = Some((name.to_owned(), FrozenGraph::read_snapshot(name, bytes)?));
            return Ok(self);
        }
        self.check_alone(name, false)?;
        // Each input on its own: an overlay that arrived empty beside a
        // graph that did not would drop the tiers and owners it carries
        // without a word (a red-team pass: block became senior).
        if blank(bytes) {
            return Err(arrived_empty(name));
        }
        let fragment = blastgate_ingest::parse(name, bytes, format)?;
        self.builder.add(fragment)?;
        Ok(self)
    }

    /// Merges the sources into a validated graph. A snapshot is turned
    /// back into a [`ServiceGraph`] (`O(V + E)`; use
    /// [`GraphLoader::build_frozen`] for queries).
    ///
    /// # Errors
    /// [`GraphError::Dangling`] in strict mode (for a snapshot: if it holds
    /// a node that no source declared); [`GraphError::LimitExceeded`];
    /// [`GraphError::InvalidValue`] when the inputs hold no node.
    pub fn build(self) -> Result<ServiceGraph, GraphError> {
        let name = self.input_names();
        let graph = match self.snapshot {
            Some((name, graph)) => checked(&name, graph, self.options)?.into_service_graph(vec![name]),
            None => self.builder.build()?,
        };
        not_empty(name.as_deref(), graph.node_count(), graph.warnings())?;
        Ok(graph)
    }

    /// The frozen graph, ready for queries: the snapshot as read, or the
    /// sources merged and frozen.
    ///
    /// # Errors
    /// As [`GraphLoader::build`].
    pub fn build_frozen(self) -> Result<FrozenGraph, GraphError> {
        let name = self.input_names();
        match self.snapshot {
            Some((name, graph)) => {
                let graph = checked(&name, graph, self.options)?;
                not_empty(Some(&name), graph.node_count(), &[])?;
                Ok(graph)
            }
            None => {
                let graph = self.builder.build()?;
                not_empty(name.as_deref(), graph.node_count(), graph.warnings())?;
                Ok(graph.freeze())
            }
        }
    }

    /// The inputs' names for an error about the whole graph: the snapshot,
    /// or the first source; `None` when nothing was added.
    fn input_names(&self) -> Option<String> {
        match (&self.snapshot, &self.first_source) {
            (Some((name, _)), _) | (None, Some(name)) => Some(name.clone()),
            (None, None) => None,
        }
    }
}

/// Whether an input holds nothing but white space (and a byte order
/// mark): what a failed download, a `git show` of a missing file or a
/// closed standard input gives. A file that declares entities but no node
/// (a Backstage file of systems and groups) is not blank.
/// Whether `head`, the first bytes of an input, start as JSON: `{` or `[`
/// after white space and a byte order mark.
fn starts_as_json(head: &[u8]) -> bool {
    let head = head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(head);
    matches!(head.iter().find(|b| !b.is_ascii_whitespace()), Some(b'{' | b'['))
}

fn blank(bytes: &[u8]) -> bool {
    bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes).iter().all(u8::is_ascii_whitespace)
}

/// The refusal of an input that arrived empty, whatever the other inputs
/// hold: an overlay carrying tiers and owners that arrived empty would
/// drop them without a word.
fn arrived_empty(name: &str) -> GraphError {
    GraphError::InvalidValue(ErrorDetail::new(
        name,
        "graph",
        "",
        "the graph input is empty: a graph, or a part of one, that arrived empty makes changes look like they \
         reach less than they do",
    ))
    .with_help(
        "check that the input arrived whole (an empty download, a `git show` of a missing file or a closed \
         standard input reads as empty)",
    )
}

/// Inputs that hold no node are refused: every change would look like it
/// reaches nothing, so a graph file that arrived empty (a failed download,
/// a `git show` of a path missing at that revision, a closed standard
/// input) would approve what the real graph blocks. A loader given no
/// input at all builds the empty graph (a caller without a graph, such as
/// `change show`, says so itself; [`crate::Engine::new`] refuses it).
fn not_empty(name: Option<&str>, nodes: usize, warnings: &[Warning]) -> Result<(), GraphError> {
    let Some(name) = name.filter(|_| nodes == 0) else {
        return Ok(());
    };
    // What was skipped says why (an entity of an unknown kind, a
    // `Location` not followed).
    let why = match warnings {
        [] => String::new(),
        [only] => format!("; it warned: {only}"),
        [first, rest @ ..] => format!("; it warned: {first} (and {} more)", rest.len()),
    };
    Err(GraphError::InvalidValue(ErrorDetail::new(
        name,
        "graph",
        "",
        format!("the graph has no nodes: every change would look like it reaches nothing{why}"),
    ))
    .with_help(
        "check that the input is the graph meant and arrived whole (an empty download, a `git show` of a missing \
         file or a closed standard input reads as empty)",
    ))
}

/// `graph` (the snapshot `name`) if it obeys `options`: in strict mode,
/// the first node that no source declared is a [`GraphError::Dangling`].
fn checked(name: &str, graph: FrozenGraph, options: BuildOptions) -> Result<FrozenGraph, GraphError> {
    if options.strict
        && let Some(node) = graph.nodes().find(|n| n.origin() == Origin::Placeholder)
    {
        return Err(GraphError::Dangling(ErrorDetail::new(
            name,
            format!("node `{}`", node.id()),
            node.id(),
            "the snapshot holds a node that no input declared (it was frozen without --strict)",
        ))
        .with_help("declare the node in the sources and freeze them again, or drop --strict"));
    }
    Ok(graph)
}

/// The digest of a frozen graph (`blake3:` and 64 hex digits): the one
/// every assessment's `input_digest` covers and `radius --format json`
/// reports as `graph_digest`. It depends on the graph's meaning only
/// (nodes, edges and their effective attributes), not on how it was read
/// or stored: the same graph from a snapshot or from its files, in any
/// order, hashes the same.
///
/// # Complexity
/// `O(V + E)`, hashed in fixed chunks in parallel (the same digest on any
/// thread count).
pub fn graph_digest(graph: &FrozenGraph) -> String {
    blastgate_core::engine::graph_digest(graph)
}

/// Reads a batch file (one changeset of ids a line, as `radius --batch`
/// takes), or standard input for `-`, whole, refusing more than
/// [`limits::MAX_EDGE_LIST_BYTES`], the limit of the other input of ids on
/// lines.
///
/// # Errors
/// [`GraphError::Io`] naming the input, or [`GraphError::LimitExceeded`].
pub fn read_batch_file(path: &Path) -> Result<Vec<u8>, GraphError> {
    blastgate_ingest::read_file(path)
}

/// Renders a graph as a native JSON document that loads back unchanged.
///
/// # Errors
/// Never for a validated graph: a [`GraphError`] here is a bug.
pub fn to_native_json(graph: &ServiceGraph) -> Result<String, GraphError> {
    blastgate_ingest::native::to_json(graph)
}

/// Renders a graph as an edge list (docs/formats.md, "Edge list") that
/// loads back with the same blast radii: ids and propagation probabilities
/// only, for tools that read edges (python-igraph, networkx). Node
/// attributes, edge kinds and nodes without edges are left out.
///
/// # Errors
/// [`GraphError::InvalidValue`] if a node id holds a space, a tab, a comma,
/// `#` or `"`: an edge list cannot write it.
pub fn to_edge_list(graph: &ServiceGraph) -> Result<String, GraphError> {
    blastgate_ingest::edgelist::to_edge_list(graph)
}

/// The JSON Schema of the native graph document.
pub fn native_json_schema() -> String {
    blastgate_ingest::native::json_schema()
}

/// Detects the format of a graph file from its name and contents.
///
/// # Errors
/// [`GraphError::UnknownFormat`].
pub fn detect_format(name: &str, bytes: &[u8]) -> Result<GraphFormat, GraphError> {
    blastgate_ingest::detect(name, bytes)
}
