//! Documented limits on graph inputs.
//!
//! Every loader checks these and returns [`crate::GraphError::LimitExceeded`]
//! naming the limit and the value observed. They bound memory and time on
//! hostile input; real systems stay far below them. The numbers are API: a
//! change to them is noted in the CHANGELOG.

/// Largest input file read, in bytes, for the plain edge-list format (the
/// path for very large graphs: 40M edges are about 550 MB).
pub const MAX_EDGE_LIST_BYTES: u64 = 2 << 30;

/// Largest input file read, in bytes, for structured formats (native JSON or
/// YAML, Backstage, Jaeger, Zipkin, Prometheus).
pub const MAX_DOCUMENT_BYTES: u64 = 256 << 20;

/// Largest graph snapshot read (`.bgs`, see [`crate::snapshot`]), in
/// bytes: a graph at [`MAX_EDGES`] edges takes about 3 GB.
pub const MAX_SNAPSHOT_BYTES: u64 = 8 << 30;

/// Largest number of nodes in one graph (merged over all sources).
pub const MAX_NODES: u64 = 16_000_000;

/// Largest number of edge records in one graph (merged over all sources,
/// before duplicates are merged).
pub const MAX_EDGES: u64 = 200_000_000;

/// Longest node id, in bytes.
pub const MAX_ID_BYTES: usize = 512;

/// Longest other string (owner, system, label key or value), in bytes.
pub const MAX_STRING_BYTES: usize = 4096;

/// Most labels on one node.
pub const MAX_LABELS: usize = 256;

/// Deepest nesting of JSON or YAML collections.
pub const MAX_NESTING_DEPTH: usize = 64;

/// Most YAML documents in one file (multi-document Backstage catalogs).
pub const MAX_YAML_DOCUMENTS: usize = 100_000;
