//! Changesets: what changed (files, services, infrastructure), by whom
//! (author, seniority, AI provenance), how (safety facts); and their
//! resolution against the graph: which nodes change, what kinds of change,
//! who owns the touched paths, how big the change is.
//!
//! # Untrusted input
//!
//! Changeset documents, plans, CODEOWNERS files and git output are
//! untrusted: parsing never panics and is bounded by [`limits`]; unknown
//! fields in the native document are errors, so a typo cannot silently
//! lower risk.
//!
//! ```
//! use blastgate::change::{parse_changeset, resolve, Classifier, NoMapping, ResolveOptions};
//! use blastgate::graph::{BuildOptions, GraphLoader};
//!
//! let mut loader = GraphLoader::new(BuildOptions::default());
//! loader.add_bytes(blastgate::demo::TOPOLOGY_NAME, blastgate::demo::TOPOLOGY.as_bytes(), None)?;
//! let graph = loader.build()?.freeze();
//! let doc = br#"{"apiVersion": "blastgate.dev/v1", "kind": "Changeset", "id": "pr-1",
//!   "files": [{"path": "services/pricing/rules.go", "added": 40, "deleted": 2}]}"#;
//! let change = parse_changeset("pr-1.json", doc)?;
//! let resolved = resolve("pr-1.json", &change, &graph, &NoMapping, &Classifier::default(), ResolveOptions::default())?;
//! assert_eq!(resolved.touched[0].id, "pricing");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::path::Path;

pub use blastgate_change::limits;
pub use blastgate_change::{
    AiInvolvement, Author, ChangeError, ChangeKind, ChangeMetrics, ChangedBy, Changeset, Classifier, FileChange,
    FileStatus, HistoryMetrics, InfraAction, InfraChange, KindRule, NoMapping, PathMapping, Provenance,
    ProvenanceSource, ResolveOptions, ResolvedChange, Rollout, Safety, TouchedNode, resolve,
};

/// Parses a native changeset document (JSON or YAML).
///
/// # Errors
/// See [`blastgate_ingest::changeset::parse`]: syntax, schema (unknown
/// fields included), version and value errors naming file and place.
pub fn parse_changeset(name: &str, bytes: &[u8]) -> Result<Changeset, ChangeError> {
    blastgate_ingest::changeset::parse(name, bytes)
}

/// Reads and parses a native changeset file.
///
/// # Errors
/// [`ChangeError::Io`] when the file cannot be read; otherwise as
/// [`parse_changeset`].
pub fn load_changeset(path: &Path) -> Result<Changeset, ChangeError> {
    let bytes = blastgate_ingest::read_file(path)?;
    parse_changeset(&path.display().to_string(), &bytes)
}

/// The JSON Schema of the changeset document.
pub fn changeset_json_schema() -> String {
    blastgate_ingest::changeset::json_schema()
}
