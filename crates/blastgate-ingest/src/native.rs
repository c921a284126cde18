//! blastgate's own graph format: a `ServiceGraph` document in JSON or YAML.
//!
//! ```yaml
//! apiVersion: blastgate.dev/v1
//! kind: ServiceGraph
//! services:
//!   - id: checkout
//!     kind: journey
//!     tier: critical
//!     depends_on: [frontend]
//!   - id: frontend
//!     owner: team-web
//!     user_facing: true
//!   - id: orders-db
//!     kind: datastore
//!     tier: 0
//! dependencies:
//!   - dependent: frontend
//!     dependency: orders-db
//!     kind: data
//!     strength: hard
//! ```
//!
//! Field by field in docs/formats.md; the JSON Schema is generated from the
//! types here ([`json_schema`]). Unknown fields are errors: a typo must not
//! silently drop an attribute that raises risk.

use std::collections::BTreeMap;

use blastgate_graph::{
    EdgeKind, EdgeSpec, ErrorDetail, GraphError, GraphFragment, NodeKind, NodeSpec, Observation, Origin, Probability,
    ServiceGraph, Strength, Tier, Traffic,
};
use serde::{Deserialize, Serialize};

/// The only `apiVersion` this version reads and writes.
pub const API_VERSION: &str = "blastgate.dev/v1";

/// The `kind` of a graph document.
pub const KIND: &str = "ServiceGraph";

/// A native graph document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "blastgate ServiceGraph", description = "A service dependency graph (blastgate.dev/v1).")]
pub struct GraphDocument {
    /// Must be `blastgate.dev/v1`.
    #[serde(rename = "apiVersion")]
    pub api_version: String,
    /// Must be `ServiceGraph`.
    pub kind: String,
    /// Optional name and description of the graph.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Metadata>,
    /// The nodes: services, datastores, queues, journeys and the rest.
    #[serde(default)]
    pub services: Vec<ServiceEntry>,
    /// The edges, each "dependent depends on dependency".
    #[serde(default)]
    pub dependencies: Vec<DependencyEntry>,
}

/// Descriptive metadata; not used in scoring.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Metadata {
    /// A name for the graph.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// What the graph describes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// One node.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ServiceEntry {
    /// Unique id, as users write it in changesets and on the command line.
    pub id: String,
    /// What the node is (default `service`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<NodeKind>,
    /// Criticality: 0 (critical) to 3 (low), or its name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tier: Option<Tier>,
    /// Owning team.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// The system (product) the node belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system: Option<String>,
    /// Free-form labels.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, String>,
    /// Requests per second, or a share of all traffic; finite, not negative.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub traffic: Option<Traffic>,
    /// Whether users reach it directly (journeys are user-facing by default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_facing: Option<bool>,
    /// Shorthand for hard, default-kind dependencies of this node.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub depends_on: Vec<String>,
}

/// One edge: `dependent` depends on `dependency`, so a change to the
/// dependency can break the dependent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DependencyEntry {
    /// The node that depends (the caller, the reader, the consumer).
    pub dependent: String,
    /// The node depended on (the callee, the store, the queue).
    pub dependency: String,
    /// How the dependency is used; default from the dependency's kind
    /// (datastore or cache: `data`; queue: `async`; infrastructure:
    /// `infrastructure`; otherwise `sync`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<EdgeKind>,
    /// `hard` (default) or `soft` (a fallback exists).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub strength: Option<Strength>,
    /// Probability in [0, 1] that a failure of the dependency breaks the
    /// dependent; default from kind and strength (docs/model.md).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub probability: Option<Probability>,
    /// Calls observed (from traces).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calls: Option<u64>,
    /// Failed calls observed (from traces).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub errors: Option<u64>,
}

/// Parses a native document (JSON when the first non-blank byte is `{`,
/// YAML otherwise) into a fragment with [`Origin::Declared`].
///
/// # Errors
/// [`GraphError::Syntax`] for malformed text; [`GraphError::Schema`] for an
/// unknown field or a value of the wrong type (with line and column, and for
/// JSON the path); [`GraphError::InvalidValue`] for a NaN, infinite or
/// out-of-range number; [`GraphError::UnsupportedVersion`] for an
/// `apiVersion` other than `blastgate.dev/v1`; [`GraphError::Conflict`] for a
/// node declared twice with different attributes.
pub fn parse(file: &str, bytes: &[u8]) -> Result<GraphFragment, GraphError> {
    let text = crate::doc::utf8(file, bytes)?;
    let doc = parse_document(file, text)?;
    to_fragment(file, doc)
}

/// Parses the text of a native document without converting it.
///
/// # Errors
/// As [`parse`].
pub fn parse_document(file: &str, text: &str) -> Result<GraphDocument, GraphError> {
    match crate::doc::from_json_or_yaml::<GraphDocument>(file, text) {
        Ok(doc) => {
            check_header(file, Some(&doc.api_version), Some(&doc.kind))?;
            Ok(doc)
        }
        Err(e) => {
            // A newer version may explain the schema error: say so first.
            if let Some(h) = crate::doc::header(file, text) {
                check_header(file, h.api_version.as_deref(), h.kind.as_deref())?;
            }
            Err(e)
        }
    }
}

fn check_header(file: &str, api_version: Option<&str>, kind: Option<&str>) -> Result<(), GraphError> {
    match api_version {
        Some(API_VERSION) => {}
        Some(v) => {
            return Err(GraphError::UnsupportedVersion(ErrorDetail::new(
                file,
                "$.apiVersion",
                v,
                "unsupported apiVersion",
            ))
            .with_help(format!("this version of blastgate reads `{API_VERSION}`")));
        }
        None => {
            return Err(GraphError::schema(file, "$.apiVersion", "", "missing field `apiVersion`")
                .with_help(format!("start the document with `apiVersion: {API_VERSION}`")));
        }
    }
    match kind {
        Some(KIND) => Ok(()),
        Some(k) => Err(GraphError::schema(file, "$.kind", k, "wrong document kind")
            .with_help(format!("a graph document has `kind: {KIND}`"))),
        None => Err(GraphError::schema(file, "$.kind", "", "missing field `kind`")),
    }
}

/// Converts a parsed document into a fragment.
///
/// # Errors
/// As [`parse`].
pub fn to_fragment(file: &str, doc: GraphDocument) -> Result<GraphFragment, GraphError> {
    let mut fragment = GraphFragment::new(file, Origin::Declared);
    fragment.reserve(doc.services.len(), doc.dependencies.len());
    let mut shorthand = Vec::new();
    for (i, s) in doc.services.into_iter().enumerate() {
        let spec = NodeSpec {
            kind: s.kind,
            tier: s.tier,
            owner: s.owner,
            system: s.system,
            labels: s.labels,
            traffic: s.traffic,
            user_facing: s.user_facing,
        };
        let local = fragment.declare(&s.id, spec, || format!("$.services[{i}]"))?;
        for (j, dep) in s.depends_on.into_iter().enumerate() {
            shorthand.push((local, dep, format!("$.services[{i}].depends_on[{j}]")));
        }
    }
    for (local, dep, place) in shorthand {
        let to = fragment.reference(&dep, || place.clone())?;
        if to == local {
            fragment.self_loop(local, || place);
            continue;
        }
        fragment.edge(local, to, EdgeSpec::default())?;
    }
    for (i, d) in doc.dependencies.into_iter().enumerate() {
        let from = fragment.reference(&d.dependent, || format!("$.dependencies[{i}].dependent"))?;
        let to = fragment.reference(&d.dependency, || format!("$.dependencies[{i}].dependency"))?;
        let observation = match (d.calls, d.errors) {
            (None, None) => None,
            (c, e) => Some(Observation { calls: c.unwrap_or(0), errors: e.unwrap_or(0) }),
        };
        if from == to {
            fragment.self_loop(from, || format!("$.dependencies[{i}]"));
            continue;
        }
        let spec = EdgeSpec { kind: d.kind, strength: d.strength, probability: d.probability, observation };
        fragment.edge(from, to, spec)?;
    }
    Ok(fragment)
}

/// Writes a graph as a native document, so that a merged graph can be saved
/// and loaded again unchanged: nodes in dense-id order (so ids are the same
/// after reloading), edges sorted, every edge's kind and strength explicit.
pub fn to_document(graph: &ServiceGraph) -> GraphDocument {
    let services = graph
        .nodes()
        .map(|n| ServiceEntry {
            id: n.id().to_owned(),
            kind: Some(n.kind()),
            tier: n.tier(),
            owner: n.owner().map(str::to_owned),
            system: n.system().map(str::to_owned),
            labels: n.labels().clone(),
            traffic: n.traffic(),
            user_facing: n.user_facing(),
            depends_on: Vec::new(),
        })
        .collect();
    let dependencies = graph
        .dependencies()
        .map(|(a, b, d)| DependencyEntry {
            dependent: a.id().to_owned(),
            dependency: b.id().to_owned(),
            kind: Some(d.kind()),
            strength: Some(d.strength()),
            probability: d.stated_probability(),
            calls: d.observation().map(|o| o.calls),
            errors: d.observation().map(|o| o.errors),
        })
        .collect();
    GraphDocument { api_version: API_VERSION.to_owned(), kind: KIND.to_owned(), metadata: None, services, dependencies }
}

/// Renders a graph as pretty-printed native JSON (see [`to_document`]).
///
/// # Errors
/// [`GraphError::InvalidValue`] if a number cannot be written (cannot happen
/// for a validated graph: every float in it is finite).
pub fn to_json(graph: &ServiceGraph) -> Result<String, GraphError> {
    serde_json::to_string_pretty(&to_document(graph))
        .map_err(|e| GraphError::invalid("(export)", "", "", format!("cannot write the graph: {e}")))
}

/// The JSON Schema of the native document, generated from the types.
pub fn json_schema() -> String {
    let schema = schemars::schema_for!(GraphDocument);
    serde_json::to_string_pretty(&schema).unwrap_or_default()
}
