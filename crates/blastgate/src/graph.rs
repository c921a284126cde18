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

use std::path::Path;

pub use blastgate_graph::limits;
pub use blastgate_graph::{
    BuildOptions, Components, Dependency, EdgeKind, ErrorDetail, FrozenGraph, GraphError, LimitExceeded, Node,
    NodeKind, Observation, Origin, Probability, ServiceGraph, Strength, Tier, Traffic, Warning, escape_dot, shorten,
};
pub use blastgate_ingest::Format as GraphFormat;

/// Loads one or more graph sources and merges them into one graph.
///
/// Sources added earlier win ties between equally trusted sources (see
/// docs/formats.md, "Merging sources").
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
}

impl GraphLoader {
    /// A loader with `options` (strict mode makes dangling references
    /// errors).
    pub fn new(options: BuildOptions) -> Self {
        Self { builder: blastgate_graph::GraphBuilder::new(options) }
    }

    /// Reads and parses a file; the format is detected unless given.
    ///
    /// # Errors
    /// [`GraphError::Io`] if the file cannot be read; any parse error of
    /// the format, naming the file and place.
    pub fn add_file(&mut self, path: &Path, format: Option<GraphFormat>) -> Result<&mut Self, GraphError> {
        let fragment = blastgate_ingest::load_file(path, format)?;
        self.builder.add(fragment)?;
        Ok(self)
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
    /// Any parse error of the format, naming `name` and the place.
    pub fn add_bytes(
        &mut self,
        name: &str,
        bytes: &[u8],
        format: Option<GraphFormat>,
    ) -> Result<&mut Self, GraphError> {
        let fragment = blastgate_ingest::parse(name, bytes, format)?;
        self.builder.add(fragment)?;
        Ok(self)
    }

    /// Merges the sources into a validated graph.
    ///
    /// # Errors
    /// [`GraphError::Dangling`] in strict mode; [`GraphError::LimitExceeded`].
    pub fn build(self) -> Result<ServiceGraph, GraphError> {
        self.builder.build()
    }
}

/// Renders a graph as a native JSON document that loads back unchanged.
///
/// # Errors
/// Never for a validated graph; see [`blastgate_ingest::native::to_json`].
pub fn to_native_json(graph: &ServiceGraph) -> Result<String, GraphError> {
    blastgate_ingest::native::to_json(graph)
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
