//! The Backstage catalog loader: entity files (`catalog-info.yaml`, one or
//! more YAML documents, or JSON) become a [`GraphFragment`] of trust
//! [`Origin::Declared`].
//!
//! # What becomes a node
//!
//! `Component`, `Resource` and `API` entities become nodes. `System`,
//! `Domain`, `Group`, `User`, `Location` and `Template` entities are read,
//! checked (`apiVersion`, `kind`, `metadata.name`) and skipped: a system is
//! recorded as the `system` attribute of the entities that name it, and a
//! group or user is an owner. A `Location`'s `target` and `targets` are not
//! followed (a parser reads bytes, not files or URLs): a warning names
//! them, since the entities they hold are missing unless given as inputs.
//! An entity of any other kind is skipped with a warning.
//!
//! A node's id is its entity reference, lowercased (Backstage compares
//! references case-insensitively), written `kind:name` in the `default`
//! namespace and `kind:namespace/name` in any other: `component:artist-lookup`,
//! `api:payments/ledger`.
//!
//! # Relations
//!
//! References are `[kind:][namespace/]name`. A reference without a namespace
//! is in the namespace of the entity that writes it, as Backstage resolves
//! it; a reference without a kind takes the field's default kind, and in a
//! field without one (`dependsOn`, `dependencyOf`) it is an error, as in
//! Backstage. Edges point from the dependent to its dependency:
//!
//! | field                 | default kind | edge                    |
//! |-----------------------|--------------|-------------------------|
//! | `spec.dependsOn`      | none: error  | entity -> ref           |
//! | `spec.dependencyOf`   | none: error  | ref -> entity           |
//! | `spec.consumesApis`   | `api`        | entity -> API           |
//! | `spec.providesApis`   | `api`        | API -> entity           |
//! | `spec.subcomponentOf` | `component`  | none: label `part_of`   |
//! | `spec.owner`          | `group`      | none: attribute `owner` |
//! | `spec.system`         | `system`     | none: attribute `system`|
//!
//! The `relations` the catalog computes (its API answers hold them) are
//! read too: `dependsOn`, `dependencyOf`, `consumesApi` and `providesApi`
//! as the spec fields above, `apiProvidedBy` as `dependsOn` and
//! `apiConsumedBy` as `dependencyOf`. A filtered export holds some edges
//! only there (stated by entities the filter left out). Other relation
//! types are skipped; a near miss of one that makes an edge is an error.
//!
//! An API depends on the component that provides it, so a change to the
//! provider reaches the API's consumers through the API node. A
//! relation field may hold one reference or a list of them.
//!
//! `spec.subcomponentOf` is deliberately not an edge: a part is not a
//! dependency of its whole, nor the other way round. It is kept as the label
//! `part_of` (the parent's node id), and resolving a change that deploys a
//! part changes its whole too (`blastgate_change::ChangedBy::PartOf`).
//!
//! A kindless `dependsOn: [orders-db]` is refused rather than read as
//! `component:orders-db`: when the catalog declares `resource:orders-db`
//! the edge would go to a made-up node, and the database would have no
//! dependents (its replacement would need less review). Backstage's own
//! catalog refuses it too (`BuiltinKindsEntityProcessor` parses these two
//! fields with no default kind), and a reader of one file cannot know
//! which kinds the other files declare.
//!
//! A non-API reference in `consumesApis` (Backstage's own example catalog has
//! `consumesApis: ['component:artist-lookup']`) is read as a direct
//! dependency, with a warning; likewise a non-API reference in
//! `providesApis` makes the referenced entity depend on this one. A relation
//! naming a system, domain, group, user, location or template is skipped
//! with a warning: those entities are not nodes.
//!
//! # Attributes
//!
//! - kind: `Component` is a service; `API` is an API; a `Resource` is a
//!   datastore, queue, cache or infrastructure according to `spec.type` (see
//!   [`resource_kind`]).
//! - `owner` and `system`: the referenced name, lowercased, with the kind
//!   dropped and the namespace dropped when it is `default`.
//! - labels: `metadata.labels` as written, then `backstage_kind`, `type`
//!   (`spec.type`), `lifecycle` (`spec.lifecycle`), `source_location` (the
//!   `backstage.io/source-location` annotation) and `part_of`, which win over
//!   a metadata label of the same name.
//! - annotations `blastgate.dev/tier` (a [`Tier`]), `blastgate.dev/traffic`
//!   (a finite, non-negative number) and `blastgate.dev/user-facing`
//!   (`true` or `false`; a `website` component is user-facing unless this
//!   says otherwise).
//!
//! # Places
//!
//! Errors and warnings name the document (counting the non-empty documents
//! of the file from 1, and the item when a document is a JSON array of
//! entities), the entity reference and the field:
//! `document 2 (component:default/www-artist), spec.consumesApis[0]`.
//!
//! # Untrusted input
//!
//! YAML nesting, aliases and document counts are bounded by
//! [`crate::doc::from_yaml_multi`]; the work after parsing is linear in the
//! number of entities and references.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use blastgate_graph::{EdgeSpec, ErrorDetail, GraphError, GraphFragment, NodeKind, NodeSpec, Origin, Tier, Traffic};
use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};

use crate::doc;

/// The annotation that sets a node's tier.
pub const TIER_ANNOTATION: &str = "blastgate.dev/tier";
/// The annotation that sets a node's traffic.
pub const TRAFFIC_ANNOTATION: &str = "blastgate.dev/traffic";
/// The annotation that says whether users see a node directly.
pub const USER_FACING_ANNOTATION: &str = "blastgate.dev/user-facing";
/// Backstage's annotation naming where an entity's source code lives; kept
/// as the label `source_location`.
pub const SOURCE_LOCATION_ANNOTATION: &str = "backstage.io/source-location";

/// Parses a Backstage catalog file: one or more YAML documents (or JSON),
/// each an entity or a list of entities.
///
/// # Errors
/// - [`GraphError::Syntax`] for invalid UTF-8 or malformed YAML;
/// - [`GraphError::Schema`] for an entity without `apiVersion`, `kind` or
///   `metadata.name`, or a field of the wrong type;
/// - [`GraphError::UnsupportedVersion`] for an `apiVersion` outside
///   `backstage.io` (and its subdomains, such as `scaffolder.backstage.io`);
/// - [`GraphError::InvalidValue`] for a malformed entity reference or name,
///   or a bad `blastgate.dev/*` annotation;
/// - [`GraphError::Conflict`] for one entity declared twice with different
///   attributes;
/// - [`GraphError::LimitExceeded`] for input past [`blastgate_graph::limits`].
///
/// # Complexity
/// Linear in the size of the input.
///
/// # Example
/// ```
/// let yaml = b"apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: web\nspec:\n  dependsOn: ['resource:db']\n";
/// let fragment = blastgate_ingest::backstage::parse("catalog-info.yaml", yaml)?;
/// assert_eq!((fragment.node_count(), fragment.edge_count()), (2, 1));
/// # Ok::<(), blastgate_graph::GraphError>(())
/// ```
pub fn parse(file: &str, bytes: &[u8]) -> Result<GraphFragment, GraphError> {
    let text = doc::utf8(file, bytes)?;
    // A catalog API answer is JSON: its nesting limit is named with the
    // JSON path, line and column, as for every JSON input (a red-team
    // pass: read as YAML, the limit named no place).
    if text.trim_start().starts_with(['[', '{']) {
        doc::check_json_depth(file, bytes)?;
    }
    let documents: Vec<Document> = doc::from_yaml_multi(file, text)?;
    let mut fragment = GraphFragment::new(file, Origin::Declared);
    for (d, document) in documents.into_iter().enumerate() {
        let document_number = d + 1;
        match document {
            Document::One(entity) if entity.api_version.is_none() && entity.items.is_some() => {
                let at = Position { document: document_number, item: None };
                for (i, entity) in page_items(file, at, *entity)?.into_iter().enumerate() {
                    load_entity(&mut fragment, file, Position { document: document_number, item: Some(i) }, entity)?;
                }
            }
            Document::One(entity) => {
                load_entity(&mut fragment, file, Position { document: document_number, item: None }, *entity)?;
            }
            Document::Scalar => {
                let at = Position { document: document_number, item: None };
                return Err(GraphError::schema(file, at.to_string(), "", "document is a plain value, not an entity")
                    .with_help("each document is a mapping with `apiVersion`, `kind`, `metadata` and `spec`"));
            }
            Document::Many(entities) => {
                for (i, entity) in entities.into_iter().enumerate() {
                    load_entity(&mut fragment, file, Position { document: document_number, item: Some(i) }, entity)?;
                }
            }
        }
    }
    Ok(fragment)
}

/// The node kind of a `Resource` entity from its `spec.type`
/// (case-insensitive):
///
/// | `spec.type`                                                  | kind           |
/// |--------------------------------------------------------------|----------------|
/// | `database`, `db`, `postgres`, `mysql`, `s3-bucket`, `bucket`, `storage` | datastore |
/// | `queue`, `topic`, `kafka-topic`, `sqs`, `pubsub`             | queue          |
/// | `cache`, `redis`, `memcached`                                | cache          |
/// | a type holding `database`, or with a word (split at anything but letters and digits) of [`CATALOG_DATASTORE_WORDS`], [`CATALOG_QUEUE_WORDS`] or [`CATALOG_CACHE_WORDS`] (`gcs-bucket`, `object-storage`, `mariadb`, `aurora-cluster`, `etcd`, `vault`) | that kind, in this order: data first |
/// | another type naming one by a word the destructive-change rules read (`postgresql`, `rds`, `dynamodb`, `mongodb`, `elasticsearch`, `kafka`, `rabbitmq`, `elasticache`, ...; see `blastgate_core::engine::resource_type_kind`), with `-`, `.` and spaces read as `_` | that kind |
/// | anything else, or none                                       | infrastructure |
///
/// A database must not become `infrastructure` because its catalog spells
/// its type in a way the short table does not list: deleting it would
/// then not count as destroying data.
pub fn resource_kind(spec_type: Option<&str>) -> NodeKind {
    let Some(t) = spec_type else { return NodeKind::Infrastructure };
    let t = t.trim().to_ascii_lowercase();
    match t.as_str() {
        "database" | "db" | "postgres" | "mysql" | "s3-bucket" | "bucket" | "storage" => NodeKind::Datastore,
        "queue" | "topic" | "kafka-topic" | "sqs" | "pubsub" => NodeKind::Queue,
        "cache" | "redis" | "memcached" => NodeKind::Cache,
        _ => {
            // Catalogs spell types with hyphens and short words, where the
            // rules' table holds Terraform's underscored names (an audit:
            // `gcs-bucket`, `mariadb`, `etcd` were infrastructure, so
            // deleting one did not count as losing data).
            // Data first: a database is one whatever else its name says
            // (a red-team pass: `redis-enterprise-database` read as a
            // cache, whose deletion loses nothing that counts, and
            // `database-queue` as a queue, with a lower default edge
            // probability).
            let has = |words: &[&str]| t.split(|c: char| !c.is_ascii_alphanumeric()).any(|w| words.contains(&w));
            if t.contains("database") || has(CATALOG_DATASTORE_WORDS) {
                NodeKind::Datastore
            } else if has(CATALOG_QUEUE_WORDS) {
                NodeKind::Queue
            } else if has(CATALOG_CACHE_WORDS) {
                NodeKind::Cache
            } else {
                blastgate_core::engine::resource_type_kind(&t.replace(['-', '.', ' '], "_"))
            }
        }
    }
}

/// Words of a catalog's `spec.type` that name a queue or stream.
pub const CATALOG_QUEUE_WORDS: &[&str] = &[
    "queue",
    "topic",
    "stream",
    "kafka",
    "kinesis",
    "sqs",
    "sns",
    "pubsub",
    "nats",
    "rabbitmq",
    "pulsar",
    "eventhub",
    "eventhubs",
    "servicebus",
    "activemq",
    "jms",
    "amqp",
    "mq",
];

/// Words of a catalog's `spec.type` that name a cache.
pub const CATALOG_CACHE_WORDS: &[&str] = &["cache", "redis", "valkey", "memcache", "memcached", "elasticache"];

/// Words of a catalog's `spec.type` that name something holding data (or
/// the only key to it): destroying it loses what it holds.
pub const CATALOG_DATASTORE_WORDS: &[&str] = &[
    "database",
    "db",
    "datastore",
    "data",
    "storage",
    "store",
    "bucket",
    "buckets",
    "s3",
    "gcs",
    "blob",
    "object",
    "objects",
    "volume",
    "disk",
    "filesystem",
    "nfs",
    "efs",
    "fsx",
    "sql",
    "mysql",
    "mariadb",
    "postgres",
    "postgresql",
    "aurora",
    "oracle",
    "mssql",
    "sqlserver",
    "cockroachdb",
    "cockroach",
    "spanner",
    "bigtable",
    "bigquery",
    "snowflake",
    "redshift",
    "clickhouse",
    "cassandra",
    "scylla",
    "scylladb",
    "mongodb",
    "mongo",
    "dynamodb",
    "couchdb",
    "couchbase",
    "cosmosdb",
    "firestore",
    "elasticsearch",
    "opensearch",
    "solr",
    "neo4j",
    "influxdb",
    "timescaledb",
    "timescale",
    "etcd",
    "consul",
    "zookeeper",
    "warehouse",
    "lake",
    "datalake",
    "dataset",
    "table",
    "vault",
    "kms",
    "key",
    "keys",
    "secret",
    "secrets",
    "backup",
    "backups",
    "snapshot",
    "registry",
    "repository",
    "ledger",
];

/// Where an entity is in the file.
#[derive(Debug, Clone, Copy)]
struct Position {
    /// 1-based, counting non-empty documents.
    document: usize,
    /// 0-based index inside a document that is a list of entities.
    item: Option<usize>,
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "document {}", self.document)?;
        if let Some(item) = self.item {
            write!(f, ", item {item}")?;
        }
        Ok(())
    }
}

/// One YAML document: an entity, or a list of entities (the answer of
/// Backstage's `/api/catalog/entities`).
enum Document {
    One(Box<RawEntity>),
    Many(Vec<RawEntity>),
    /// A plain value where an entity belongs.
    Scalar,
}

impl<'de> Deserialize<'de> for Document {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Document;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a Backstage entity or a list of entities")
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Document, A::Error> {
                RawEntity::deserialize(de::value::MapAccessDeserializer::new(map)).map(|e| Document::One(Box::new(e)))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Document, A::Error> {
                Vec::<RawEntity>::deserialize(de::value::SeqAccessDeserializer::new(seq)).map(Document::Many)
            }
            // A scalar document is reported by `parse`, which knows the
            // document number (the YAML reader has no position for it).
            fn visit_str<E: de::Error>(self, _: &str) -> Result<Document, E> {
                Ok(Document::Scalar)
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<Document, E> {
                Ok(Document::Scalar)
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<Document, E> {
                Ok(Document::Scalar)
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<Document, E> {
                Ok(Document::Scalar)
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<Document, E> {
                Ok(Document::Scalar)
            }
        }
        d.deserialize_any(V)
    }
}

/// An entity as written: Backstage's envelope (`apiVersion`, `kind`,
/// `metadata`, `spec`, `relations`, `status`), or a `by-query` page. Any
/// other key is refused (see [`check_entity_keys`]).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawEntity {
    api_version: Option<String>,
    kind: Option<String>,
    metadata: Option<RawMetadata>,
    spec: Option<RawSpec>,
    /// Relations the catalog computed, as its API answers hold them: the
    /// edge-making ones are read as their spec forms are.
    #[serde(default)]
    relations: Option<Vec<RawRelation>>,
    /// A page of Backstage's `/api/catalog/entities/by-query` answer
    /// (`{"items": [...], "totalItems": N, "pageInfo": {...}}`) instead of
    /// an entity.
    items: Option<Vec<RawEntity>>,
    total_items: Option<u64>,
    page_info: Option<RawPageInfo>,
    /// Every other key: `status` (what the catalog says about processing
    /// the entity, not read), or a key that is not Backstage's (its entity
    /// schema refuses them): a near miss of `spec` would drop every edge.
    #[serde(flatten)]
    other: BTreeMap<String, de::IgnoredAny>,
}

/// One of an entity's `relations`: `{"type": "dependsOn", "targetRef":
/// "resource:default/db"}`, or the older `target: {kind, namespace, name}`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawRelation {
    #[serde(rename = "type")]
    kind: String,
    target_ref: Option<String>,
    target: Option<RawRelationTarget>,
}

/// The older form of a relation's target.
#[derive(Deserialize)]
struct RawRelationTarget {
    kind: String,
    namespace: String,
    name: String,
}

/// The relation types that make edges, and the spec field each is
/// computed from (so the edge it makes): Backstage writes both halves of
/// each pair, one on each entity.
const EDGE_RELATIONS: [(&str, Relation); 6] = [
    ("dependsOn", Relation::DependsOn),
    ("dependencyOf", Relation::DependencyOf),
    ("consumesApi", Relation::ConsumesApi),
    ("apiConsumedBy", Relation::DependencyOf),
    ("providesApi", Relation::ProvidesApi),
    ("apiProvidedBy", Relation::DependsOn),
];
/// Backstage's other relation types: not read (the spec fields they come
/// from are), and never near misses of the above.
const OTHER_RELATIONS: [&str; 8] =
    ["ownedBy", "ownerOf", "partOf", "hasPart", "childOf", "parentOf", "memberOf", "hasMember"];

/// The keys of Backstage's entity envelope.
const ENTITY_FIELDS: [&str; 6] = ["apiVersion", "kind", "metadata", "spec", "relations", "status"];

/// A `by-query` answer's `pageInfo`: a `nextCursor` means more pages.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawPageInfo {
    next_cursor: Option<String>,
}

#[derive(Deserialize)]
struct RawMetadata {
    name: Option<String>,
    namespace: Option<String>,
    annotations: Option<BTreeMap<String, String>>,
    labels: Option<BTreeMap<String, String>>,
    /// Every other key (Backstage's `title`, `tags`, `links`, ... and
    /// custom ones): checked for near misses of the fields above.
    #[serde(flatten)]
    other: BTreeMap<String, de::IgnoredAny>,
}

/// The metadata fields blastgate reads.
const METADATA_FIELDS: [&str; 4] = ["name", "namespace", "annotations", "labels"];
/// Backstage's other metadata fields, never near misses of the above.
const OTHER_METADATA_FIELDS: [&str; 7] = ["uid", "etag", "generation", "title", "description", "tags", "links"];

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct RawSpec {
    #[serde(rename = "type")]
    kind: Option<String>,
    lifecycle: Option<String>,
    owner: Option<String>,
    system: Option<String>,
    subcomponent_of: Option<String>,
    depends_on: Option<Refs>,
    dependency_of: Option<Refs>,
    consumes_apis: Option<Refs>,
    provides_apis: Option<Refs>,
    /// A `Location`'s target and targets: named in a warning, not read.
    target: Option<Targets>,
    targets: Option<Targets>,
    /// Every other key (a spec is open to custom fields): checked for near
    /// misses of the fields above.
    #[serde(flatten)]
    other: BTreeMap<String, de::IgnoredAny>,
}

/// The spec fields that make edges or route approvals, as Backstage spells
/// them.
const SPEC_FIELDS: [&str; 7] =
    ["dependsOn", "dependencyOf", "consumesApis", "providesApis", "subcomponentOf", "owner", "system"];

/// The field or kind `written` is a near miss of, among `names`: the same
/// apart from case, `-` and `_`, or a few letters off (an edit distance of
/// at most a quarter of the name, and at least 1). A typo there would drop
/// an edge, an entity or an owner without a word.
fn near_miss<'a>(written: &str, names: &[&'a str]) -> Option<&'a str> {
    let fold = |s: &str| s.chars().filter(|c| !matches!(c, '-' | '_')).collect::<String>().to_lowercase();
    let w = fold(written);
    names.iter().copied().find(|name| {
        let n = fold(name);
        w == n || strsim::levenshtein(&w, &n) <= (n.chars().count() / 4).max(1)
    })
}

/// A relation field: one reference or a list (Backstage accepts both).
struct Refs(Vec<String>);

impl<'de> Deserialize<'de> for Refs {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Refs;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an entity reference or a list of them")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Refs, E> {
                Ok(Refs(vec![v.to_owned()]))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Refs, E> {
                Ok(Refs(vec![v]))
            }
            // An unquoted numeric name (`dependsOn: 404`) is still a name.
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Refs, E> {
                Ok(Refs(vec![v.to_string()]))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Refs, E> {
                Ok(Refs(vec![v.to_string()]))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Refs, A::Error> {
                Vec::<String>::deserialize(de::value::SeqAccessDeserializer::new(seq)).map(Refs)
            }
        }
        d.deserialize_any(V)
    }
}

/// A `Location`'s `target` or `targets`: a string or a list of them. Any
/// other value (a custom field of another kind of entity) is ignored, as
/// the targets are only named in a warning.
#[derive(Deserialize)]
#[serde(untagged)]
enum Targets {
    One(String),
    Many(Vec<String>),
    Other(de::IgnoredAny),
}

impl Targets {
    fn into_vec(self) -> Vec<String> {
        match self {
            Self::One(target) => vec![target],
            Self::Many(targets) => targets,
            Self::Other(_) => Vec::new(),
        }
    }
}

/// Most `Location` targets named in its warning; the rest are counted.
const MAX_TARGETS_NAMED: usize = 8;

/// The entity kinds we know, and what becomes of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum EntityKind {
    Component,
    Resource,
    Api,
    System,
    Domain,
    Group,
    User,
    Location,
    Template,
}

impl EntityKind {
    const ALL: [EntityKind; 9] = [
        Self::Component,
        Self::Resource,
        Self::Api,
        Self::System,
        Self::Domain,
        Self::Group,
        Self::User,
        Self::Location,
        Self::Template,
    ];

    /// The kind as Backstage spells it.
    fn name(self) -> &'static str {
        match self {
            Self::Component => "Component",
            Self::Resource => "Resource",
            Self::Api => "API",
            Self::System => "System",
            Self::Domain => "Domain",
            Self::Group => "Group",
            Self::User => "User",
            Self::Location => "Location",
            Self::Template => "Template",
        }
    }

    fn parse(kind: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.name().eq_ignore_ascii_case(kind))
    }

    /// Whether entities of this kind become nodes.
    fn is_node(self) -> bool {
        matches!(self, Self::Component | Self::Resource | Self::Api)
    }
}

/// A parsed entity reference, lowercased.
#[derive(Debug, Clone, PartialEq, Eq)]
struct EntityRef {
    kind: String,
    namespace: String,
    name: String,
}

impl EntityRef {
    /// Parses `[kind:][namespace/]name`; without `default_kind`, a
    /// reference must state its kind.
    fn parse(text: &str, default_kind: Option<&str>, default_namespace: &str) -> Result<Self, RefProblem> {
        if text.matches(':').count() > 1 || text.matches('/').count() > 1 {
            return Err(RefProblem::Malformed("malformed entity reference: too many `:` or `/`"));
        }
        let (kind, rest) = match text.split_once(':') {
            Some((kind, rest)) => (Some(kind), rest),
            None => (default_kind, text),
        };
        let (namespace, name) = match rest.split_once('/') {
            Some((namespace, name)) => (namespace, name),
            None => (default_namespace, rest),
        };
        if kind.is_some_and(|k| k.contains('/')) {
            return Err(RefProblem::Malformed(
                "malformed entity reference: the kind comes first, `kind:namespace/name`",
            ));
        }
        if kind.is_some_and(|k| k.trim().is_empty()) || namespace.trim().is_empty() || name.trim().is_empty() {
            return Err(RefProblem::Malformed("malformed entity reference: empty kind, namespace or name"));
        }
        if [kind.unwrap_or_default(), namespace, name].iter().any(|part| part.chars().any(char::is_whitespace)) {
            return Err(RefProblem::Malformed("malformed entity reference: contains whitespace"));
        }
        let Some(kind) = kind else { return Err(RefProblem::NoKind) };
        Ok(Self { kind: kind.to_lowercase(), namespace: namespace.to_lowercase(), name: name.to_lowercase() })
    }

    /// The node id: `kind:name`, or `kind:namespace/name` outside `default`.
    fn node_id(&self) -> String {
        format!("{}:{}", self.kind, self.short_name())
    }

    /// The name, prefixed with the namespace outside `default`.
    fn short_name(&self) -> String {
        if self.namespace == DEFAULT_NAMESPACE {
            self.name.clone()
        } else {
            format!("{}/{}", self.namespace, self.name)
        }
    }

    /// The kind, if it is one of ours.
    fn entity_kind(&self) -> Option<EntityKind> {
        EntityKind::parse(&self.kind)
    }
}

/// Why a reference did not parse.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RefProblem {
    /// An empty part, too many separators or whitespace.
    Malformed(&'static str),
    /// No kind, in a field that has no default kind.
    NoKind,
}

impl fmt::Display for EntityRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}/{}", self.kind, self.namespace, self.name)
    }
}

const DEFAULT_NAMESPACE: &str = "default";

const REF_HELP: &str = "write `[kind:][namespace/]name`, such as `resource:default/artists-db` or `artists-db`";

/// Checks one entity and adds it (and its relations) to the fragment.
/// The entities of one page of a `by-query` answer, when it is the whole
/// answer: a page with a `pageInfo.nextCursor`, or fewer items than its
/// `totalItems`, is part of one, and reading it alone would lose the
/// entities (and their edges) of the other pages.
fn page_items(file: &str, at: Position, page: RawEntity) -> Result<Vec<RawEntity>, GraphError> {
    let items = page.items.unwrap_or_default();
    let next = page.page_info.and_then(|p| p.next_cursor).filter(|c| !c.is_empty());
    let partial = match (next, page.total_items) {
        (Some(cursor), _) => Some((cursor, "its `pageInfo.nextCursor` says more pages follow".to_owned())),
        (None, Some(total)) if total > items.len() as u64 => {
            Some((String::new(), format!("it holds {} of `totalItems` {total} entities", items.len())))
        }
        _ => None,
    };
    if let Some((value, why)) = partial {
        return Err(GraphError::schema(file, at.to_string(), value, format!("a page of a catalog answer: {why}"))
            .with_help(
                "fetch every page of `/api/catalog/entities/by-query` (follow `nextCursor`) and write their items \
                 into one list (`jq -s '[.[].items[]]' page*.json > catalog.json`), or use `/api/catalog/entities`, \
                 which answers with the whole list",
            ));
    }
    Ok(items)
}

fn load_entity(fragment: &mut GraphFragment, file: &str, at: Position, raw: RawEntity) -> Result<(), GraphError> {
    let RawEntity { api_version, kind, metadata, spec, relations, items, other, .. } = raw;
    if items.is_some() {
        return Err(GraphError::schema(
            file,
            at.to_string(),
            "",
            "an entity with `items`: a catalog answer nested in another",
        )
        .with_help("pass the answer's entities: a list, or one `by-query` answer with `items`"));
    }
    let Some(api_version) = api_version else {
        return Err(missing(file, at, "apiVersion"));
    };
    if !is_backstage_version(&api_version) {
        return Err(GraphError::UnsupportedVersion(ErrorDetail::new(
            file,
            at.to_string(),
            api_version,
            "not a Backstage entity `apiVersion`",
        ))
        .with_help(
            "Backstage entities have `apiVersion: backstage.io/v1alpha1`; load other formats with --input-format",
        ));
    }
    let Some(kind) = kind else {
        return Err(missing(file, at, "kind"));
    };
    let Some(RawMetadata { name, namespace, annotations, labels, other: metadata_other }) = metadata else {
        return Err(missing(file, at, "metadata.name"));
    };
    let Some(name) = name else {
        return Err(missing(file, at, "metadata.name"));
    };
    check_name(file, at, "metadata.name", &name)?;
    let namespace = namespace.unwrap_or_else(|| DEFAULT_NAMESPACE.to_owned());
    check_name(file, at, "metadata.namespace", &namespace)?;
    let place = format!("{at} ({}:{namespace}/{name})", kind.to_lowercase());
    check_entity_keys(file, &place, &other, &metadata_other)?;

    let Some(entity_kind) = EntityKind::parse(&kind) else {
        let nodes = [EntityKind::Component.name(), EntityKind::Resource.name(), EntityKind::Api.name()];
        if let Some(meant) = near_miss(&kind, &nodes) {
            return Err(GraphError::invalid(
                file,
                format!("{at} ({}:{namespace}/{name}), kind", kind.to_lowercase()),
                blastgate_graph::shorten(&kind),
                "unknown entity kind, a near miss of a kind that becomes a node: skipping the entity would drop it \
                 and its dependencies",
            )
            .with_help(format!("did you mean `{meant}`?")));
        }
        fragment.warn(
            format!("{at} ({}:{namespace}/{name})", kind.to_lowercase()),
            format!("unknown entity kind `{}`; entity skipped", blastgate_graph::shorten(&kind)),
        );
        return Ok(());
    };
    if entity_kind == EntityKind::Location {
        warn_location(fragment, format!("{at} (location:{namespace}/{name})"), spec);
        return Ok(());
    }
    if !entity_kind.is_node() {
        return Ok(());
    }
    let this = EntityRef {
        kind: entity_kind.name().to_lowercase(),
        namespace: namespace.to_lowercase(),
        name: name.to_lowercase(),
    };
    let entity = Entity { file, at, this: &this };
    let spec = spec.unwrap_or_default();
    let annotations = annotations.unwrap_or_default();

    let mut node = NodeSpec {
        kind: Some(match entity_kind {
            EntityKind::Resource => resource_kind(spec.kind.as_deref()),
            EntityKind::Api => NodeKind::Api,
            _ => NodeKind::Service,
        }),
        labels: labels.unwrap_or_default(),
        ..NodeSpec::default()
    };
    node.labels.insert("backstage_kind".to_owned(), entity_kind.name().to_owned());
    if let Some(t) = &spec.kind {
        node.labels.insert("type".to_owned(), t.clone());
        if entity_kind == EntityKind::Component && t.trim().eq_ignore_ascii_case("website") {
            node.user_facing = Some(true);
        }
    }
    if let Some(lifecycle) = &spec.lifecycle {
        node.labels.insert("lifecycle".to_owned(), lifecycle.clone());
    }
    if let Some(location) = annotations.get(SOURCE_LOCATION_ANNOTATION) {
        node.labels.insert("source_location".to_owned(), location.clone());
    }
    read_annotations(&entity, &annotations, &mut node)?;
    if let Some(owner) = &spec.owner {
        let owner =
            entity.single_ref(fragment, "spec.owner", owner, "group", &[EntityKind::Group, EntityKind::User])?;
        // A user outside the default namespace keeps its kind (`user:corp/alice`):
        // `corp/alice` reads as a team, and the user, the change's author,
        // was asked to approve their own change (a red-team pass).
        node.owner = Some(match owner.entity_kind() {
            Some(EntityKind::User) if owner.namespace != DEFAULT_NAMESPACE => format!("user:{}", owner.short_name()),
            _ => owner.short_name(),
        });
    }
    if let Some(system) = &spec.system {
        let system = entity.single_ref(fragment, "spec.system", system, "system", &[EntityKind::System])?;
        node.system = Some(system.short_name());
    }
    if let Some(parent) = &spec.subcomponent_of {
        let parent =
            entity.single_ref(fragment, "spec.subcomponentOf", parent, "component", &[EntityKind::Component])?;
        node.labels.insert("part_of".to_owned(), parent.node_id());
    }

    for key in spec.other.keys() {
        if let Some(meant) = near_miss(key, &SPEC_FIELDS) {
            return Err(GraphError::invalid(
                file,
                format!("{}, spec.{}", entity.place(), blastgate_graph::shorten(key)),
                blastgate_graph::shorten(key),
                "unknown spec field, a near miss of a field blastgate reads: its references would be dropped",
            )
            .with_help(format!("did you mean `{meant}`? Backstage field names are case-sensitive")));
        }
    }
    let id = this.node_id();
    let local = fragment.declare(&id, node, || entity.place())?;
    // Traces and edge lists call the entity by its plain name: the same
    // node. A component wins the name over a resource, a resource over an
    // API, the default namespace over another.
    let rank = match entity_kind {
        EntityKind::Component => 0,
        EntityKind::Resource => 2,
        _ => 4,
    } + u8::from(this.namespace != DEFAULT_NAMESPACE);
    fragment.alias(local, &this.name, rank);
    // Other sources may write the entity's ref as Backstage does
    // (`component:default/cart`, as `relations` hold it) or in another
    // case (`component:Cart`): the same node. These forms name one entity
    // each, so their rank does not matter.
    fragment.alias(local, &this.to_string(), 0);
    fragment.alias(local, &id, 0);
    let spec_relations = [
        ("spec.dependsOn", &spec.depends_on, Relation::DependsOn),
        ("spec.dependencyOf", &spec.dependency_of, Relation::DependencyOf),
        ("spec.consumesApis", &spec.consumes_apis, Relation::ConsumesApi),
        ("spec.providesApis", &spec.provides_apis, Relation::ProvidesApi),
    ];
    // The edges the spec states, by direction and target: a relation that
    // restates one is skipped (its warnings were given once).
    let mut stated: BTreeSet<(bool, String)> = BTreeSet::new();
    for (field, refs, relation) in spec_relations {
        let Some(Refs(refs)) = refs else { continue };
        for (i, text) in refs.iter().enumerate() {
            let place = format!("{}, {field}[{i}]", entity.place());
            entity.relation(fragment, local, &place, text, relation)?;
            if let Ok(target) = EntityRef::parse(text, relation.default_kind(), &this.namespace) {
                stated.insert((relation.is_outgoing(), target.node_id()));
            }
        }
    }
    for (i, raw) in relations.unwrap_or_default().iter().enumerate() {
        let place = format!("{}, relations[{i}]", entity.place());
        let Some(relation) = relation_type(file, &place, &raw.kind)? else { continue };
        let text = match (&raw.target_ref, &raw.target) {
            (Some(text), _) => text.clone(),
            (None, Some(t)) => format!("{}:{}/{}", t.kind, t.namespace, t.name),
            (None, None) => {
                return Err(GraphError::schema(file, place, "", "relation has no `targetRef`")
                    .with_help("save the catalog's answer as it is; each relation has `type` and `targetRef`"));
            }
        };
        let place = format!("{place}.targetRef");
        let target = entity.parse_ref(&place, &text, relation.default_kind())?;
        if stated.insert((relation.is_outgoing(), target.node_id())) {
            entity.relation(fragment, local, &place, &text, relation)?;
        }
    }
    Ok(())
}

/// The edge a relation of type `kind` makes; `None` for a type that makes
/// none (skipped).
///
/// # Errors
/// [`GraphError::InvalidValue`] for a near miss of a type that makes an
/// edge (`dependson`, `DependsOn`): the edge would be dropped.
fn relation_type(file: &str, place: &str, kind: &str) -> Result<Option<Relation>, GraphError> {
    if let Some((_, relation)) = EDGE_RELATIONS.iter().find(|(name, _)| *name == kind) {
        return Ok(Some(*relation));
    }
    if OTHER_RELATIONS.contains(&kind) {
        return Ok(None);
    }
    let names = EDGE_RELATIONS.map(|(name, _)| name);
    match near_miss(kind, &names) {
        Some(meant) => Err(GraphError::invalid(
            file,
            format!("{place}.type"),
            blastgate_graph::shorten(kind),
            "unknown relation type, a near miss of one that makes an edge: the edge would be dropped",
        )
        .with_help(format!("did you mean `{meant}`? Backstage relation types are case-sensitive"))),
        None => Ok(None),
    }
}

/// Refuses a key of the entity that Backstage's envelope does not have,
/// and a metadata key that is a near miss of one blastgate reads: a typo
/// there (`Spec:`, `specs:`, `metadata.annotation:`) would drop every edge,
/// the tier or the owner without a word, as one inside `spec` would.
fn check_entity_keys(
    file: &str,
    place: &str,
    other: &BTreeMap<String, de::IgnoredAny>,
    metadata: &BTreeMap<String, de::IgnoredAny>,
) -> Result<(), GraphError> {
    if let Some(key) = other.keys().find(|k| k.as_str() != "status") {
        let shown = blastgate_graph::shorten(key);
        let error = GraphError::schema(
            file,
            format!("{place}, {shown}"),
            shown,
            "not a field of a Backstage entity, whose envelope is `apiVersion`, `kind`, `metadata`, `spec`, \
             `relations` and `status` (Backstage refuses others)",
        );
        return Err(match near_miss(key, &ENTITY_FIELDS) {
            Some(meant) => error.with_help(format!("did you mean `{meant}`? Backstage field names are case-sensitive")),
            None => error.with_help("move custom data under `metadata` or `spec`, or remove the key"),
        });
    }
    for key in metadata.keys().filter(|k| !OTHER_METADATA_FIELDS.contains(&k.as_str())) {
        if let Some(meant) = near_miss(key, &METADATA_FIELDS) {
            let shown = blastgate_graph::shorten(key);
            return Err(GraphError::invalid(
                file,
                format!("{place}, metadata.{shown}"),
                shown,
                "unknown metadata field, a near miss of a field blastgate reads: its values would be dropped",
            )
            .with_help(format!("did you mean `{meant}`? Backstage field names are case-sensitive")));
        }
    }
    Ok(())
}

/// Warns that a `Location`'s targets are not read: the entities they hold
/// are missing from the graph unless they are given as inputs themselves.
fn warn_location(fragment: &mut GraphFragment, place: String, spec: Option<RawSpec>) {
    let (target, targets) = spec.map(|s| (s.target, s.targets)).unwrap_or_default();
    let all: Vec<String> = target.into_iter().chain(targets).flat_map(Targets::into_vec).collect();
    if all.is_empty() {
        return;
    }
    let mut named: Vec<String> =
        all.iter().take(MAX_TARGETS_NAMED).map(|t| format!("`{}`", blastgate_graph::shorten(t))).collect();
    if all.len() > MAX_TARGETS_NAMED {
        named.push(format!("and {} more", all.len() - MAX_TARGETS_NAMED));
    }
    fragment.warn(
        place,
        format!(
            "Location entity not followed: its targets {} are not read; give the catalog files they name as \
             inputs, or their entities are missing from the graph",
            named.join(", ")
        ),
    );
}

/// The relation fields that become edges.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Relation {
    DependsOn,
    DependencyOf,
    ConsumesApi,
    ProvidesApi,
}

impl Relation {
    /// Whether the edge runs from the entity that states it to the
    /// reference (the entity depends on it), rather than the other way.
    fn is_outgoing(self) -> bool {
        matches!(self, Self::DependsOn | Self::ConsumesApi)
    }

    /// The kind of a reference that names none; `None` where Backstage
    /// requires one (its `BuiltinKindsEntityProcessor` parses `dependsOn`
    /// and `dependencyOf` with no default kind).
    fn default_kind(self) -> Option<&'static str> {
        match self {
            Self::DependsOn | Self::DependencyOf => None,
            Self::ConsumesApi | Self::ProvidesApi => Some("api"),
        }
    }
}

/// The entity being loaded, for places and reference defaults.
struct Entity<'a> {
    file: &'a str,
    at: Position,
    this: &'a EntityRef,
}

impl Entity<'_> {
    /// `document 2 (component:default/www-artist)`.
    fn place(&self) -> String {
        format!("{} ({})", self.at, self.this)
    }

    fn parse_ref(&self, place: &str, text: &str, default_kind: Option<&str>) -> Result<EntityRef, GraphError> {
        EntityRef::parse(text, default_kind, &self.this.namespace).map_err(|problem| match problem {
            RefProblem::Malformed(message) => GraphError::invalid(self.file, place, text, message).with_help(REF_HELP),
            RefProblem::NoKind => GraphError::invalid(
                self.file,
                place,
                text,
                "entity reference has no kind, and this field has no default kind (Backstage refuses it too); \
                 guessing one could send the edge to the wrong entity",
            )
            .with_help(format!(
                "write the kind of the entity meant, such as `component:{name}` or `resource:{name}`",
                name = blastgate_graph::shorten(text.trim())
            )),
        })
    }

    /// Parses a single-reference field (`owner`, `system`, `subcomponentOf`),
    /// warning when it names an unexpected kind.
    fn single_ref(
        &self,
        fragment: &mut GraphFragment,
        field: &str,
        text: &str,
        default_kind: &str,
        expected: &[EntityKind],
    ) -> Result<EntityRef, GraphError> {
        let place = format!("{}, {field}", self.place());
        let target = self.parse_ref(&place, text, Some(default_kind))?;
        if !target.entity_kind().is_some_and(|k| expected.contains(&k)) {
            let names: Vec<&str> = expected.iter().map(|k| k.name()).collect();
            fragment.warn(
                place,
                format!(
                    "`{}` is not a {}; its name is used anyway",
                    blastgate_graph::shorten(text),
                    names.join(" or ")
                ),
            );
        }
        Ok(target)
    }

    /// Adds the edge of one reference in a relation field.
    fn relation(
        &self,
        fragment: &mut GraphFragment,
        local: u32,
        place: &str,
        text: &str,
        relation: Relation,
    ) -> Result<(), GraphError> {
        let target = self.parse_ref(place, text, relation.default_kind())?;
        let target_kind = target.entity_kind();
        if target_kind.is_none() {
            // `resouce:db` would become an external node of its own, and
            // `resource:db` would lose this dependent without a word.
            let kinds = EntityKind::ALL.map(EntityKind::name);
            if let Some(meant) = near_miss(&target.kind, &kinds) {
                return Err(GraphError::invalid(
                    self.file,
                    place,
                    text,
                    "unknown entity kind in a reference, a near miss of a Backstage kind: the edge would go to a \
                     new external node, not to the entity meant",
                )
                .with_help(format!("did you mean `{}:{}`?", meant.to_lowercase(), target.short_name())));
            }
        }
        if let Some(kind) = target_kind.filter(|k| !k.is_node()) {
            fragment.warn(
                place,
                format!(
                    "`{}` is a {} entity, which is not a graph node; reference skipped",
                    blastgate_graph::shorten(text),
                    kind.name()
                ),
            );
            return Ok(());
        }
        let is_api = target_kind == Some(EntityKind::Api);
        match relation {
            Relation::ConsumesApi if !is_api => fragment.warn(
                place,
                format!(
                    "`{}` in consumesApis is not an API; treated as a direct dependency",
                    blastgate_graph::shorten(text)
                ),
            ),
            Relation::ProvidesApi if !is_api => fragment.warn(
                place,
                format!(
                    "`{}` in providesApis is not an API; treated as depending on this entity",
                    blastgate_graph::shorten(text)
                ),
            ),
            _ => {}
        }
        let other = fragment.reference(&target.node_id(), || place.to_owned())?;
        let (dependent, dependency) = match relation {
            Relation::DependsOn | Relation::ConsumesApi => (local, other),
            Relation::DependencyOf | Relation::ProvidesApi => (other, local),
        };
        if dependent == dependency {
            fragment.self_loop(dependent, || place.to_owned());
            return Ok(());
        }
        fragment.edge(dependent, dependency, EdgeSpec::default())
    }
}

/// Reads the `blastgate.dev/*` annotations into `node`.
fn read_annotations(
    entity: &Entity<'_>,
    annotations: &BTreeMap<String, String>,
    node: &mut NodeSpec,
) -> Result<(), GraphError> {
    let place = |key: &str| format!("{}, metadata.annotations.{key}", entity.place());
    // A misspelt annotation of ours (`blastgate.dev/tire`, `.../Tier`,
    // `blastgate.io/tier`, `blastgate/tier`) would drop the tier it meant
    // to raise: refused, not ignored.
    let known = [TIER_ANNOTATION, TRAFFIC_ANNOTATION, USER_FACING_ANNOTATION];
    if let Some(key) = annotations.keys().find(|k| is_blastgate_like(k) && !known.contains(&k.as_str())) {
        return Err(GraphError::invalid(entity.file, place(key), key.as_str(), "unknown blastgate annotation")
            .with_help(format!("the annotations are {}", known.map(|k| format!("`{k}`")).join(", "))));
    }
    if let Some(text) = annotations.get(TIER_ANNOTATION) {
        let tier = Tier::parse(text).ok_or_else(|| {
            GraphError::invalid(entity.file, place(TIER_ANNOTATION), text.as_str(), "unknown tier")
                .with_help("write 0 to 3 or critical, high, medium, low")
        })?;
        node.tier = Some(tier);
    }
    if let Some(text) = annotations.get(TRAFFIC_ANNOTATION) {
        let traffic = text.trim().parse::<f64>().ok().and_then(Traffic::new).ok_or_else(|| {
            GraphError::invalid(
                entity.file,
                place(TRAFFIC_ANNOTATION),
                text.as_str(),
                "traffic is not a finite, non-negative number",
            )
            .with_help("write requests per second or a share of traffic, such as `120` or `0.25`")
        })?;
        node.traffic = Some(traffic);
    }
    if let Some(text) = annotations.get(USER_FACING_ANNOTATION) {
        let value = text.trim();
        let user_facing = if value.eq_ignore_ascii_case("true") {
            true
        } else if value.eq_ignore_ascii_case("false") {
            false
        } else {
            return Err(GraphError::invalid(
                entity.file,
                place(USER_FACING_ANNOTATION),
                text.as_str(),
                "expected `true` or `false`",
            )
            .with_help("quote it as a string: `'true'` or `'false'`"));
        };
        node.user_facing = Some(user_facing);
    }
    Ok(())
}

/// Whether an annotation key is in blastgate's namespace or looks meant
/// to be: `blastgate.dev/...` in any case, a prefix starting with
/// `blastgate` (`blastgate.io/`, `blastgate/`), or a near miss of
/// `blastgate.dev` (`blastgte.dev/`).
fn is_blastgate_like(key: &str) -> bool {
    let prefix = key.split_once('/').map_or(key, |(prefix, _)| prefix).to_ascii_lowercase();
    prefix.starts_with("blastgate") || near_miss(&prefix, &["blastgate.dev"]).is_some()
}

/// Whether `api_version` belongs to Backstage: group `backstage.io` or one
/// of its subdomains (`scaffolder.backstage.io/v1beta3` for templates).
fn is_backstage_version(api_version: &str) -> bool {
    match api_version.split_once('/') {
        Some((group, version)) => !version.is_empty() && (group == "backstage.io" || group.ends_with(".backstage.io")),
        None => false,
    }
}

fn missing(file: &str, at: Position, field: &str) -> GraphError {
    GraphError::schema(file, at.to_string(), "", format!("entity has no `{field}`"))
        .with_help("every Backstage entity needs `apiVersion`, `kind` and `metadata.name`")
}

/// Checks an entity's own name or namespace: not empty, no `:`, `/` or
/// whitespace (they would make its reference ambiguous).
fn check_name(file: &str, at: Position, field: &str, value: &str) -> Result<(), GraphError> {
    let problem = if value.trim().is_empty() {
        Some("is empty")
    } else if value.contains([':', '/']) {
        Some("contains `:` or `/`")
    } else if value.chars().any(char::is_whitespace) {
        Some("contains whitespace")
    } else {
        None
    };
    match problem {
        Some(problem) => {
            Err(GraphError::invalid(file, format!("{at}, {field}"), value, format!("entity `{field}` {problem}"))
                .with_help("Backstage names are letters, digits, `-`, `_` and `.`"))
        }
        None => Ok(()),
    }
}
