//! Integration tests of the Backstage catalog loader: Backstage's own
//! example catalog (../shared/fixtures/backstage) merged into a graph, and
//! hostile or malformed input.

use std::collections::{BTreeSet, VecDeque};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use blastgate_graph::{
    BuildOptions, FrozenGraph, GraphBuilder, GraphError, GraphFragment, NodeKind, ServiceGraph, Tier,
};
use blastgate_ingest::backstage;

/// Helpers; in a `cfg(test)` module so that clippy's test allowances
/// (unwrap, panic, indexing) apply to them as to the tests.
#[cfg(test)]
mod support {
    use super::*;

    pub const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/fixtures/backstage");

    pub fn fixture_files() -> Vec<PathBuf> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(FIXTURES)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
            .collect();
        files.sort();
        files
    }

    /// Parses every upstream example file.
    pub fn upstream_fragments() -> Vec<GraphFragment> {
        let files = fixture_files();
        assert_eq!(files.len(), 11, "the fixture has 11 upstream files");
        files
            .iter()
            .map(|path| {
                let bytes = std::fs::read(path).unwrap();
                let name = path.file_name().unwrap().to_str().unwrap();
                backstage::parse(name, &bytes).unwrap_or_else(|e| panic!("{name}: {e}"))
            })
            .collect()
    }

    pub fn build(fragments: Vec<GraphFragment>, options: BuildOptions) -> Result<ServiceGraph, GraphError> {
        let mut builder = GraphBuilder::new(options);
        for fragment in fragments {
            builder.add(fragment)?;
        }
        builder.build()
    }

    pub fn upstream_graph() -> ServiceGraph {
        build(upstream_fragments(), BuildOptions::default()).unwrap()
    }

    pub fn parse_str(text: &str) -> Result<GraphFragment, GraphError> {
        backstage::parse("catalog-info.yaml", text.as_bytes())
    }

    pub fn graph_of(text: &str) -> ServiceGraph {
        build(vec![parse_str(text).unwrap()], BuildOptions::default()).unwrap()
    }

    pub fn edge_set(graph: &ServiceGraph) -> BTreeSet<(String, String)> {
        graph.dependencies().map(|(a, b, _)| (a.id().to_owned(), b.id().to_owned())).collect()
    }

    pub fn edges(list: &[(&str, &str)]) -> BTreeSet<(String, String)> {
        list.iter().map(|(a, b)| ((*a).to_owned(), (*b).to_owned())).collect()
    }

    /// Every node that transitively depends on `id`: a plain BFS over
    /// `dependents_of`.
    pub fn affected_by(frozen: &FrozenGraph, id: &str) -> BTreeSet<String> {
        let start = frozen.index_of(id).unwrap_or_else(|| panic!("no node `{id}`"));
        let mut seen = BTreeSet::from([start]);
        let mut queue = VecDeque::from([start]);
        while let Some(i) = queue.pop_front() {
            for &j in frozen.dependents_of(i) {
                if seen.insert(j) {
                    queue.push_back(j);
                }
            }
        }
        seen.remove(&start);
        seen.into_iter().map(|i| frozen.node(i).unwrap().id().to_owned()).collect()
    }

    pub fn ids(list: &[&str]) -> BTreeSet<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    /// Asserts the error kind and that the message contains every fragment.
    pub fn assert_error(result: Result<GraphFragment, GraphError>, kind: &str, fragments: &[&str]) -> GraphError {
        let err = match result {
            Ok(_) => panic!("expected a `{kind}` error, got a fragment"),
            Err(e) => e,
        };
        assert_eq!(err.kind_name(), kind, "{err}");
        let message = err.to_string();
        for fragment in fragments {
            assert!(message.contains(fragment), "`{fragment}` missing from: {message}");
        }
        err
    }

    /// Nine levels of ten aliases: a billion `lol`s if expanded.
    pub fn alias_bomb(field: &str) -> String {
        let mut text =
            format!("apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: web\n  {field}:\n");
        text.push_str("    a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for level in 1..10 {
            let p = format!("*a{}", level - 1);
            let list = [p.as_str(); 10].join(", ");
            text.push_str(&format!("    a{level}: &a{level} [{list}]\n"));
        }
        text
    }
}

use support::*;

// ---------------------------------------------------------------------------
// Backstage's example catalog.

#[test]
fn upstream_examples_merge_into_nine_nodes() {
    let graph = upstream_graph();
    let nodes: BTreeSet<String> = graph.nodes().map(|n| n.id().to_owned()).collect();
    assert_eq!(
        nodes,
        ids(&[
            "api:wayback-archive",
            "api:wayback-search",
            "component:artist-lookup",
            "component:wayback-archive",
            "component:wayback-archive-ingestion",
            "component:wayback-archive-storage",
            "component:wayback-search",
            "component:www-artist",
            "resource:artists-db",
        ])
    );
    assert_eq!(graph.node_count(), 9);
}

/// `derived.edges` lists four edges; the rule "an API depends on its
/// provider" also gives `api:wayback-search -> component:wayback-search`
/// (wayback-search provides the wayback-search API). FIXME: derived.edges
/// omits that fifth edge; once the fixture lists it this test compares the
/// two sets directly.
#[test]
fn upstream_examples_edges_match_derived_edges() {
    let graph = upstream_graph();
    let derived_text = std::fs::read_to_string(Path::new(FIXTURES).join("derived.edges")).unwrap();
    let derived: BTreeSet<(String, String)> = derived_text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let (a, b) = l.split_once(' ').unwrap();
            (a.trim().to_owned(), b.trim().to_owned())
        })
        .collect();
    assert_eq!(derived.len(), 4);
    let actual = edge_set(&graph);
    assert!(actual.is_superset(&derived), "missing: {:?}", derived.difference(&actual).collect::<Vec<_>>());
    let extra: BTreeSet<_> = actual.difference(&derived).cloned().collect();
    assert_eq!(extra, edges(&[("api:wayback-search", "component:wayback-search")]));
    assert_eq!(graph.edge_count(), 5);
}

#[test]
fn upstream_examples_have_no_dangling_references() {
    let graph = upstream_graph();
    for w in graph.warnings() {
        assert!(!w.message().contains("declared nowhere"), "dangling reference: {w}");
    }
    assert!(graph.nodes().all(|n| n.kind() != NodeKind::External));
    // Strict mode agrees.
    build(upstream_fragments(), BuildOptions::strict(true)).unwrap();
}

#[test]
fn upstream_examples_owners_systems_parts_and_kinds() {
    let graph = upstream_graph();
    for node in graph.nodes() {
        let expected = if node.id() == "component:wayback-archive-ingestion" { "team-d" } else { "team-a" };
        assert_eq!(node.owner(), Some(expected), "{}", node.id());
    }
    for part in ["component:wayback-archive-ingestion", "component:wayback-archive-storage"] {
        let node = graph.node(part).unwrap();
        assert_eq!(node.labels().get("part_of").map(String::as_str), Some("component:wayback-archive"));
    }
    assert_eq!(graph.node("component:wayback-archive").unwrap().labels().get("part_of"), None);

    let lookup = graph.node("component:artist-lookup").unwrap();
    assert_eq!(lookup.system(), Some("artist-engagement-portal"));
    assert_eq!(lookup.kind(), NodeKind::Service);
    assert_eq!(lookup.labels().get("lifecycle").map(String::as_str), Some("experimental"));
    assert_eq!(lookup.labels().get("type").map(String::as_str), Some("service"));
    assert_eq!(lookup.labels().get("backstage_kind").map(String::as_str), Some("Component"));
    assert_eq!(graph.node("component:wayback-archive").unwrap().system(), None);

    let www = graph.node("component:www-artist").unwrap();
    assert_eq!(www.user_facing(), Some(true), "a website is user-facing");
    assert_eq!(lookup.user_facing(), None);

    let db = graph.node("resource:artists-db").unwrap();
    assert_eq!(db.kind(), NodeKind::Datastore);
    assert_eq!(db.system(), Some("artist-engagement-portal"));
    let api = graph.node("api:wayback-archive").unwrap();
    assert_eq!(api.kind(), NodeKind::Api);
    assert_eq!(api.labels().get("backstage_kind").map(String::as_str), Some("API"));
    assert_eq!(api.labels().get("type").map(String::as_str), Some("openapi"));
}

#[test]
fn upstream_component_ref_in_consumes_apis_warns() {
    let path = Path::new(FIXTURES).join("www-artist-component.yaml");
    let fragment = backstage::parse("www-artist-component.yaml", &std::fs::read(path).unwrap()).unwrap();
    let warnings = fragment.warnings();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    let w = &warnings[0];
    assert_eq!(w.place(), "document 1 (component:default/www-artist), spec.consumesApis[0]");
    assert!(w.message().contains("`component:artist-lookup`"), "{w}");
    assert!(w.message().contains("not an API; treated as a direct dependency"), "{w}");
    // The warning survives the merge.
    let graph = upstream_graph();
    assert!(graph.warnings().iter().any(|w| w.message().contains("in consumesApis is not an API")));
}

/// The "Expected facts" of ../shared/fixtures/backstage/README.md, walked
/// backwards (who is affected when a node changes).
#[test]
fn upstream_examples_reverse_reachability() {
    let frozen = upstream_graph().freeze();
    assert_eq!(affected_by(&frozen, "resource:artists-db"), ids(&["component:artist-lookup", "component:www-artist"]));
    assert_eq!(affected_by(&frozen, "component:artist-lookup"), ids(&["component:www-artist"]));
    assert_eq!(affected_by(&frozen, "component:www-artist"), ids(&[]));
    // Through the API node.
    assert_eq!(
        affected_by(&frozen, "component:wayback-archive"),
        ids(&["api:wayback-archive", "component:wayback-search", "api:wayback-search"])
    );
    // wayback-search has no component dependents: only its own API, which
    // nobody consumes. (The README says "no dependents"; the API node is one.)
    assert_eq!(affected_by(&frozen, "component:wayback-search"), ids(&["api:wayback-search"]));
    assert_eq!(affected_by(&frozen, "api:wayback-search"), ids(&[]));
    // Recorded: subcomponentOf is not an edge, so in the graph a part
    // reaches nothing by itself, and a change to the whole does not reach
    // its parts. (Resolving a change to a part changes its whole as well,
    // through the `part_of` label: the decision case
    // `a-changed-subcomponent-reaches-what-depends-on-its-whole`.)
    assert_eq!(affected_by(&frozen, "component:wayback-archive-ingestion"), ids(&[]));
    assert_eq!(affected_by(&frozen, "component:wayback-archive-storage"), ids(&[]));
    assert!(!affected_by(&frozen, "component:wayback-archive").contains("component:wayback-archive-ingestion"));
}

// ---------------------------------------------------------------------------
// Semantics on small catalogs.

const SHOP: &str = r"
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: Checkout
  namespace: shop
  labels:
    team-slack: '#checkout'
  annotations:
    blastgate.dev/tier: critical
    blastgate.dev/traffic: 120.5
    blastgate.dev/user-facing: 'true'
    backstage.io/source-location: url:https://github.com/acme/checkout/tree/main/
  links:
    - url: https://example.com
  tags: [go]
spec:
  type: service
  lifecycle: production
  owner: group:default/Payments
  system: system:shop/store
  dependsOn:
    - resource:orders-db
    - component:default/fraud
    - resource:orders-cache
  consumesApis: [pricing]
---
apiVersion: backstage.io/v1beta1
kind: Resource
metadata:
  name: orders-db
  namespace: shop
spec:
  type: postgres
  owner: payments
---
apiVersion: backstage.io/v1alpha1
kind: Resource
metadata: {name: orders-cache, namespace: shop}
spec: {type: Redis, owner: payments}
---
apiVersion: backstage.io/v1alpha1
kind: Resource
metadata: {name: orders-topic, namespace: shop}
spec:
  type: kafka-topic
  dependencyOf: component:checkout
---
apiVersion: backstage.io/v1alpha1
kind: Resource
metadata: {name: k8s, namespace: shop}
spec:
  type: kubernetes-cluster
  dependencyOf: component:checkout
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: {name: fraud}
spec: {type: service}
---
apiVersion: backstage.io/v1alpha1
kind: API
metadata: {name: pricing, namespace: shop}
spec: {type: grpc}
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: {name: pricing-service, namespace: shop}
spec:
  type: service
  providesApis: pricing
";

#[test]
fn relations_attributes_and_namespaces() {
    let fragment = parse_str(SHOP).unwrap();
    assert!(fragment.warnings().is_empty(), "{:?}", fragment.warnings());
    let graph = build(vec![fragment], BuildOptions::strict(true)).unwrap();
    assert_eq!(
        edge_set(&graph),
        edges(&[
            ("component:shop/checkout", "resource:shop/orders-db"),
            ("component:shop/checkout", "component:fraud"),
            ("component:shop/checkout", "resource:shop/orders-cache"),
            ("component:shop/checkout", "api:shop/pricing"),
            ("component:shop/checkout", "resource:shop/orders-topic"),
            ("component:shop/checkout", "resource:shop/k8s"),
            ("api:shop/pricing", "component:shop/pricing-service"),
        ])
    );
    let checkout = graph.node("component:shop/checkout").unwrap();
    assert_eq!(checkout.tier(), Some(Tier::CRITICAL));
    assert_eq!(checkout.traffic().map(|t| t.get().to_string()), Some("120.5".to_owned()));
    assert_eq!(checkout.user_facing(), Some(true));
    assert_eq!(checkout.owner(), Some("payments"), "kind and the default namespace are dropped, case folded");
    assert_eq!(checkout.system(), Some("shop/store"), "a namespace other than default is kept");
    let labels = checkout.labels();
    assert_eq!(labels.get("team-slack").map(String::as_str), Some("#checkout"));
    assert_eq!(
        labels.get("source_location").map(String::as_str),
        Some("url:https://github.com/acme/checkout/tree/main/")
    );
    assert_eq!(labels.get("lifecycle").map(String::as_str), Some("production"));
    assert_eq!(graph.node("resource:shop/orders-db").unwrap().owner(), Some("shop/payments"));

    let kind = |id: &str| graph.node(id).unwrap().kind();
    assert_eq!(kind("resource:shop/orders-db"), NodeKind::Datastore);
    assert_eq!(kind("resource:shop/orders-cache"), NodeKind::Cache);
    assert_eq!(kind("resource:shop/orders-topic"), NodeKind::Queue);
    assert_eq!(kind("resource:shop/k8s"), NodeKind::Infrastructure);
    assert_eq!(kind("api:shop/pricing"), NodeKind::Api);

    let frozen = graph.freeze();
    // The labelled nodes, as the source-location scan finds them, are the
    // plain filter's.
    let labelled: Vec<&str> = frozen.nodes_with_labels().map(|n| n.id()).collect();
    let filtered: Vec<&str> = frozen.nodes().filter(|n| !n.labels().is_empty()).map(|n| n.id()).collect();
    assert!(labelled.contains(&"component:shop/checkout"), "{labelled:?}");
    assert_eq!(labelled, filtered);
    assert_eq!(
        affected_by(&frozen, "component:shop/pricing-service"),
        ids(&["api:shop/pricing", "component:shop/checkout"])
    );
}

#[test]
fn resource_kind_table() {
    use backstage::resource_kind;
    for t in ["database", "db", "postgres", "MySQL", "s3-bucket", "bucket", "storage"] {
        assert_eq!(resource_kind(Some(t)), NodeKind::Datastore, "{t}");
    }
    for t in ["queue", "topic", "kafka-topic", "sqs", "pubsub"] {
        assert_eq!(resource_kind(Some(t)), NodeKind::Queue, "{t}");
    }
    for t in ["cache", "redis", "memcached"] {
        assert_eq!(resource_kind(Some(t)), NodeKind::Cache, "{t}");
    }
    // Types the short table does not list, named by a word a database,
    // queue or cache type holds (found by an audit: these were
    // infrastructure, so deleting one did not count as destroying data).
    for t in ["PostgreSQL", "rds", "dynamodb", "mongodb", "elasticsearch", "cloud-sql"] {
        assert_eq!(resource_kind(Some(t)), NodeKind::Datastore, "{t}");
    }
    for t in ["kafka", "rabbitmq", "kinesis-stream"] {
        assert_eq!(resource_kind(Some(t)), NodeKind::Queue, "{t}");
    }
    assert_eq!(resource_kind(Some("elasticache")), NodeKind::Cache);
    // Catalog spellings, hyphenated and short (a graph audit: these were
    // infrastructure).
    for t in [
        "s3",
        "gcs-bucket",
        "object-storage",
        "blob-storage",
        "mariadb",
        "cassandra",
        "aurora",
        "clickhouse",
        "bigquery",
        "snowflake",
        "etcd",
        "Storage Account",
        "vault",
        "kms",
    ] {
        assert_eq!(resource_kind(Some(t)), NodeKind::Datastore, "{t}");
    }
    for t in ["event-hub-queue", "nats", "pulsar-topic"] {
        assert_eq!(resource_kind(Some(t)), NodeKind::Queue, "{t}");
    }
    assert_eq!(resource_kind(Some("valkey")), NodeKind::Cache);
    // Data first: a database whatever else its name says.
    for t in
        ["redis-enterprise-database", "redis_enterprise_database", "valkey-database", "database-queue", "kafka-data"]
    {
        assert_eq!(resource_kind(Some(t)), NodeKind::Datastore, "{t}");
    }
    for t in ["vpc", "load-balancer", "lambda", "dns-record", "cdn"] {
        assert_eq!(resource_kind(Some(t)), NodeKind::Infrastructure, "{t}");
    }
    assert_eq!(resource_kind(None), NodeKind::Infrastructure);
}

/// A near miss of a relation field or of a node kind is an error, not a
/// silently dropped edge or entity: `dependson`, `DependsOn`, `depends_on`
/// and `kind: Componnet` used to load with no edge and no word. Custom
/// spec fields far from any field blastgate reads are still accepted.
#[test]
fn near_misses_of_fields_and_kinds_are_errors() {
    let entity = |kind: &str, spec: &str| {
        format!("apiVersion: backstage.io/v1alpha1\nkind: {kind}\nmetadata: {{name: web}}\nspec: {{{spec}}}\n")
    };
    for (kind, spec, meant) in [
        ("Component", "dependson: [db]", "dependsOn"),
        ("Component", "DependsOn: [db]", "dependsOn"),
        ("Component", "depends_on: [db]", "dependsOn"),
        ("Component", "consumesApi: [ledger]", "consumesApis"),
        ("Resource", "ownr: team-a", "owner"),
        ("Componnet", "dependsOn: [db]", "Component"),
        ("Resorce", "", "Resource"),
        // The kind inside a reference: `resouce:db` made an external node
        // of its own, and `resource:db` lost its dependent (owner -> peer).
        ("Component", "dependsOn: ['resouce:db']", "resource:db"),
        ("Component", "dependencyOf: ['Compnent:payments/web']", "component:payments/web"),
        ("Component", "consumesApis: ['apis:ledger']", "api:ledger"),
    ] {
        let text = entity(kind, spec);
        let err = backstage::parse("catalog-info.yaml", text.as_bytes()).err();
        let err = err.unwrap_or_else(|| panic!("{kind} {spec}: loaded"));
        assert!(matches!(err, GraphError::InvalidValue(_)), "{err}");
        assert!(err.to_string().contains(&format!("did you mean `{meant}`")), "{err}");
        assert!(err.to_string().contains("catalog-info.yaml"), "{err}");
    }
    let text = entity("Component", "type: service, lifecycle: production, dependsOn: [resource:db], customField: 1");
    assert!(backstage::parse("catalog-info.yaml", text.as_bytes()).is_ok());
    // A kind far from Backstage's (a plugin's own) is still an external
    // node, with the warning of an entity declared nowhere.
    let text = entity("Component", "dependsOn: ['database:orders']");
    assert!(backstage::parse("catalog-info.yaml", text.as_bytes()).is_ok());
    // The namespace before the kind is malformed, not a kind named
    // `default/component`.
    let text = entity("Component", "dependsOn: ['default/component:db']");
    let err = backstage::parse("catalog-info.yaml", text.as_bytes()).err();
    let err = err.unwrap_or_else(|| panic!("default/component:db: loaded"));
    assert!(err.to_string().contains("the kind comes first"), "{err}");
}

#[test]
fn references_are_case_insensitive() {
    let graph = graph_of(
        "apiVersion: backstage.io/v1alpha1
kind: component
metadata: {name: Web}
spec: {dependsOn: ['Resource:Default/Main-DB']}
---
apiVersion: backstage.io/v1alpha1
kind: RESOURCE
metadata: {name: main-db}
",
    );
    assert_eq!(edge_set(&graph), edges(&[("component:web", "resource:main-db")]));
    assert!(graph.warnings().is_empty(), "{:?}", graph.warnings());
}

#[test]
fn non_node_kinds_are_skipped_and_unknown_fields_accepted() {
    let fragment = parse_str(
        "apiVersion: backstage.io/v1alpha1
kind: System
metadata: {name: store, title: Store, tags: [a]}
spec: {owner: team-a, domain: retail}
---
apiVersion: backstage.io/v1alpha1
kind: Domain
metadata: {name: retail}
spec: {owner: team-a}
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: {name: team-a}
spec: {type: team, profile: {displayName: A}, children: [], members: [alice]}
---
apiVersion: backstage.io/v1alpha1
kind: User
metadata: {name: alice}
spec: {memberOf: [team-a]}
---
apiVersion: backstage.io/v1alpha1
kind: Location
metadata: {name: root}
spec: {type: url}
---
apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata: {name: new-service}
spec: {owner: team-a, type: service, parameters: [{title: x}], steps: []}
",
    )
    .unwrap();
    assert_eq!(fragment.node_count(), 0);
    assert!(fragment.warnings().is_empty(), "{:?}", fragment.warnings());
}

/// A `Location` is not followed, and its targets' entities are missing
/// from the graph: it used to be skipped without a word. The warning
/// names every target (up to eight, then a count), and reads none.
#[test]
fn location_targets_are_named_in_a_warning_not_followed() {
    let fragment = parse_str(
        "apiVersion: backstage.io/v1alpha1
kind: Location
metadata: {name: root}
spec: {type: url, target: ./root.yaml, targets: [./a.yaml, 'https://example.com/b.yaml']}
---
apiVersion: backstage.io/v1alpha1
kind: Location
metadata: {name: many, namespace: ops}
spec:
  targets: [t1, t2, t3, t4, t5, t6, t7, t8, t9, t10]
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: {name: web}
spec: {target: {custom: field}}
",
    )
    .unwrap();
    assert_eq!(fragment.node_count(), 1);
    let warnings = fragment.warnings();
    assert_eq!(warnings.len(), 2, "{warnings:?}");
    assert_eq!(warnings[0].place(), "document 1 (location:default/root)");
    let message = warnings[0].message();
    for target in ["`./root.yaml`", "`./a.yaml`", "`https://example.com/b.yaml`", "not read"] {
        assert!(message.contains(target), "{target} missing from {message}");
    }
    assert_eq!(warnings[1].place(), "document 2 (location:ops/many)");
    assert!(warnings[1].message().contains("`t8`, and 2 more"), "{}", warnings[1].message());
    assert!(!warnings[1].message().contains("`t9`"), "{}", warnings[1].message());
}

/// Regression (audit, serious): a kindless `dependsOn: [orders-db]` was
/// read as `component:orders-db`; with the catalog declaring
/// `resource:orders-db`, the edge went to a made-up external node and the
/// database had no dependents, so replacing it needed `peer` review
/// instead of `block`. Backstage refuses such a reference in `dependsOn`
/// and `dependencyOf`; so does blastgate, naming the file, entity, field
/// and value, with the kinds to write.
#[test]
fn kindless_depends_on_and_dependency_of_are_errors() {
    for (field, value) in
        [("dependsOn", "[orders-db]"), ("dependencyOf", "orders-db"), ("dependsOn", "[shop/orders-db]")]
    {
        let text = format!(
            "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {{name: checkout}}\nspec: {{{field}: {value}}}\n---\napiVersion: backstage.io/v1alpha1\nkind: Resource\nmetadata: {{name: orders-db}}\nspec: {{type: database}}\n"
        );
        let bare = value.trim_matches(['[', ']']);
        let err = assert_error(
            backstage::parse("catalog/checkout.yaml", text.as_bytes()),
            "invalid_value",
            &[
                "catalog/checkout.yaml",
                &format!("document 1 (component:default/checkout), spec.{field}[0]"),
                &format!("`{bare}`"),
                "no kind",
                &format!("`component:{bare}` or `resource:{bare}`"),
            ],
        );
        assert!(matches!(err, GraphError::InvalidValue(_)));
    }
    // With the kind written, the edge reaches the declared resource.
    let graph = graph_of(
        "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: checkout}\nspec: {dependsOn: [resource:orders-db]}\n---\napiVersion: backstage.io/v1alpha1\nkind: Resource\nmetadata: {name: orders-db}\nspec: {type: database}\n",
    );
    assert_eq!(edge_set(&graph), edges(&[("component:checkout", "resource:orders-db")]));
    assert!(graph.warnings().is_empty(), "{:?}", graph.warnings());
    // Fields with a default kind keep it.
    let fragment = parse_str(
        "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: web}\nspec: {owner: team-a, consumesApis: [ledger], subcomponentOf: shop}\n",
    )
    .unwrap();
    assert_eq!(fragment.edge_count(), 1);
}

#[test]
fn unknown_kind_is_skipped_with_warning() {
    let fragment = parse_str("apiVersion: backstage.io/v1alpha1\nkind: Pipeline\nmetadata: {name: ci}\n").unwrap();
    assert_eq!(fragment.node_count(), 0);
    assert_eq!(fragment.warnings().len(), 1);
    assert!(fragment.warnings()[0].message().contains("unknown entity kind `Pipeline`"));
}

#[test]
fn relation_to_non_node_kind_is_skipped_with_warning() {
    let fragment = parse_str(
        "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: web}\nspec: {dependsOn: ['system:store']}\n",
    )
    .unwrap();
    assert_eq!(fragment.edge_count(), 0);
    assert_eq!(fragment.warnings()[0].place(), "document 1 (component:default/web), spec.dependsOn[0]");
    assert!(fragment.warnings()[0].message().contains("not a graph node"));
}

#[test]
fn unexpected_owner_kind_warns() {
    let fragment = parse_str(
        "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: web}\nspec: {owner: 'component:x'}\n",
    )
    .unwrap();
    assert!(fragment.warnings()[0].message().contains("is not a Group or User"), "{:?}", fragment.warnings());
}

#[test]
fn json_entity_and_json_array_of_entities() {
    let one = r#"{"apiVersion": "backstage.io/v1alpha1", "kind": "Component", "metadata": {"name": "a"},
        "spec": {"dependsOn": ["component:b"]}}"#;
    assert_eq!(parse_str(one).unwrap().edge_count(), 1);
    let many = r#"[
        {"apiVersion": "backstage.io/v1alpha1", "kind": "Component", "metadata": {"name": "a"},
         "spec": {"dependsOn": ["component:b"]}, "relations": [{"type": "dependsOn", "targetRef": "component:default/b"}]},
        {"apiVersion": "backstage.io/v1alpha1", "kind": "Component", "metadata": {"name": "b", "uid": "x"}}
    ]"#;
    let graph = build(vec![parse_str(many).unwrap()], BuildOptions::strict(true)).unwrap();
    assert_eq!(edge_set(&graph), edges(&[("component:a", "component:b")]));
    let err = assert_error(
        parse_str(r#"[{"apiVersion": "backstage.io/v1alpha1", "kind": "Component", "metadata": {}}]"#),
        "schema",
        &["document 1, item 0", "`metadata.name`"],
    );
    assert_eq!(err.file(), "catalog-info.yaml");
}

#[test]
fn same_entity_twice_must_agree() {
    let doc = "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: web}\nspec: {owner: team-a}\n";
    let same = format!("{doc}---\n{doc}");
    assert_eq!(parse_str(&same).unwrap().node_count(), 1);
    let other = format!("{doc}---\n{}", doc.replace("team-a", "team-b"));
    assert_error(parse_str(&other), "conflict", &["document 2 (component:default/web)", "`owner`"]);
}

#[test]
fn dangling_reference_names_its_place() {
    let fragment = parse_str(
        "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: web}\nspec: {consumesApis: [ghost]}\n",
    )
    .unwrap();
    let err = build(vec![fragment.clone()], BuildOptions::strict(true)).unwrap_err();
    assert_eq!(err.kind_name(), "dangling");
    let message = err.to_string();
    assert!(message.contains("document 1 (component:default/web), spec.consumesApis[0]"), "{message}");
    assert!(message.contains("`api:ghost`"), "{message}");
    let graph = build(vec![fragment], BuildOptions::default()).unwrap();
    assert_eq!(graph.node("api:ghost").unwrap().kind(), NodeKind::External);
}

#[test]
fn empty_file_is_an_empty_fragment() {
    let fragment = parse_str("# nothing here\n").unwrap();
    assert_eq!((fragment.node_count(), fragment.edge_count()), (0, 0));
}

// ---------------------------------------------------------------------------
// Bad input.

#[test]
fn rejects_non_backstage_api_version() {
    let err = assert_error(
        parse_str("apiVersion: blastgate.dev/v1\nkind: Component\nmetadata: {name: web}\n"),
        "unsupported_version",
        &["catalog-info.yaml: document 1", "`blastgate.dev/v1`"],
    );
    assert!(err.to_string().contains("help:"));
    assert_error(
        parse_str(
            "apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: {name: a}\n---\napiVersion: v1\nkind: Pod\n",
        ),
        "unsupported_version",
        &["document 2", "`v1`"],
    );
    assert_error(
        parse_str("apiVersion: evilbackstage.io/v1\nkind: Component\nmetadata: {name: web}\n"),
        "unsupported_version",
        &["`evilbackstage.io/v1`"],
    );
}

#[test]
fn rejects_bad_tier_annotation() {
    let err = assert_error(
        parse_str(
            "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: web\n  annotations:\n    blastgate.dev/tier: urgent\n",
        ),
        "invalid_value",
        &["document 1 (component:default/web), metadata.annotations.blastgate.dev/tier", "`urgent`", "help:"],
    );
    assert!(err.to_string().contains("unknown tier"));
}

#[test]
fn rejects_nan_traffic_annotation() {
    for value in ["'NaN'", ".nan", "'-3'", "'inf'", "lots"] {
        let text = format!(
            "apiVersion: backstage.io/v1alpha1\nkind: Resource\nmetadata:\n  name: db\n  annotations:\n    blastgate.dev/traffic: {value}\n"
        );
        assert_error(
            parse_str(&text),
            "invalid_value",
            &["document 1 (resource:default/db), metadata.annotations.blastgate.dev/traffic", "finite, non-negative"],
        );
    }
}

#[test]
fn rejects_bad_user_facing_annotation() {
    assert_error(
        parse_str(
            "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: web\n  annotations:\n    blastgate.dev/user-facing: maybe\n",
        ),
        "invalid_value",
        &["metadata.annotations.blastgate.dev/user-facing", "`maybe`"],
    );
}

#[test]
fn rejects_entity_without_name_or_kind() {
    assert_error(
        parse_str(
            "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: ok}\n---\napiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  title: No Name\n",
        ),
        "schema",
        &["catalog-info.yaml: document 2", "`metadata.name`"],
    );
    assert_error(
        parse_str("apiVersion: backstage.io/v1alpha1\nkind: Component\n"),
        "schema",
        &["document 1", "`metadata.name`"],
    );
    assert_error(
        parse_str("apiVersion: backstage.io/v1alpha1\nmetadata: {name: web}\n"),
        "schema",
        &["document 1", "`kind`"],
    );
    assert_error(parse_str("kind: Component\nmetadata: {name: web}\n"), "schema", &["document 1", "`apiVersion`"]);
    assert_error(
        parse_str("apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: ''}\n"),
        "invalid_value",
        &["document 1, metadata.name", "is empty"],
    );
    assert_error(
        parse_str("apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: 'a:b'}\n"),
        "invalid_value",
        &["document 1, metadata.name", "`a:b`"],
    );
}

#[test]
fn rejects_malformed_references() {
    for bad in ["''", "'component:'", "':web'", "'component:/web'", "'a:b:c'", "'a/b/c'", "'ns/'", "'my service'"] {
        let text = format!(
            "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {{name: web}}\nspec:\n  dependsOn: [component:ok, {bad}]\n"
        );
        assert_error(
            parse_str(&text),
            "invalid_value",
            &["document 1 (component:default/web), spec.dependsOn[1]", "malformed entity reference", "help:"],
        );
    }
    assert_error(
        parse_str(
            "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: web}\nspec: {owner: 'group:'}\n",
        ),
        "invalid_value",
        &["document 1 (component:default/web), spec.owner", "`group:`"],
    );
}

#[test]
fn rejects_wrong_field_types_with_line_numbers() {
    assert_error(
        parse_str(
            "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: web}\nspec:\n  dependsOn: {a: b}\n",
        ),
        "schema",
        &["line 5"],
    );
    assert_error(
        parse_str("apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: {name: a}\n---\njust a string\n"),
        "schema",
        &["document 2", "plain value"],
    );
    assert_error(
        parse_str("apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: web}\nspec: {owner: [a]}\n"),
        "schema",
        &["line 4", "expected string scalar"],
    );
}

#[test]
fn rejects_invalid_yaml() {
    assert_error(
        parse_str("apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: web\n"),
        "syntax",
        &["catalog-info.yaml", "line"],
    );
    assert_error(
        parse_str("apiVersion: backstage.io/v1alpha1\nkind: Component\nkind: API\nmetadata: {name: web}\n"),
        "syntax",
        &["line 3"],
    );
}

#[test]
fn rejects_invalid_utf8() {
    assert_error(backstage::parse("bad.yaml", b"kind: \xff\xfe\n"), "syntax", &["bad.yaml", "invalid UTF-8"]);
}

#[test]
fn rejects_alias_bomb_quickly() {
    // `links` is a field we ignore, so only the reader's budget stops the
    // expansion; `labels` must be strings, so the first alias fails.
    for (field, kind) in [("links", "limit_exceeded"), ("annotations", "schema"), ("labels", "schema")] {
        let start = Instant::now();
        let result = parse_str(&alias_bomb(field));
        let elapsed = start.elapsed();
        // About 0.3 s in release and 2.5 s in debug builds; unbounded expansion
        // would take hours.
        assert!(elapsed < Duration::from_secs(10), "{field}: took {elapsed:?}");
        let err = result.err().unwrap_or_else(|| panic!("{field}: an alias bomb must be an error"));
        assert_eq!(err.kind_name(), kind, "{field}: {err}");
        if field == "links" {
            assert!(err.to_string().contains("max_yaml"), "{err}");
            // A limit's place is part of its source name: the alias whose
            // replay passed the limit.
            assert!(err.file().starts_with("catalog-info.yaml: line "), "{err}");
        } else {
            assert_eq!(err.file(), "catalog-info.yaml");
        }
    }
}

#[test]
fn a_catalog_with_blastgate_annotations_is_detected_as_backstage() {
    let catalog = b"apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: web\n  annotations:\n    blastgate.dev/tier: \"0\"\nspec:\n  type: service\n  lifecycle: production\n  owner: team-a\n";
    assert_eq!(blastgate_ingest::detect("catalog-info.yaml", catalog).unwrap(), blastgate_ingest::Format::Backstage);
    let native = b"apiVersion: blastgate.dev/v1\nkind: ServiceGraph\nservices: [{id: web}]\n";
    assert_eq!(blastgate_ingest::detect("graph.yaml", native).unwrap(), blastgate_ingest::Format::Native);
}

#[test]
fn a_misspelt_blastgate_annotation_is_an_error() {
    for key in ["blastgate.dev/tire", "blastgate.dev/Tier", "Blastgate.dev/tier"] {
        let catalog = format!(
            "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: web\n  annotations:\n    {key}: \"0\"\nspec:\n  type: service\n  lifecycle: production\n  owner: team-a\n"
        );
        let e = backstage::parse("c.yaml", catalog.as_bytes()).unwrap_err().to_string();
        assert!(e.contains("unknown blastgate annotation") && e.contains(key), "{key}: {e}");
    }
}

/// Backstage's `/api/catalog/entities/by-query` answers with a page:
/// `{"items": [...], "totalItems": N, "pageInfo": {...}}`. A whole answer
/// reads as its items (an audit: it was refused with "entity has no
/// `apiVersion`"); a page of several is refused, since the other pages'
/// entities and edges would be lost without a word.
#[test]
fn a_by_query_answer_reads_as_its_items_and_a_partial_page_is_refused() {
    let entities = r#"[
        {"apiVersion": "backstage.io/v1alpha1", "kind": "Component", "metadata": {"name": "web"},
         "spec": {"dependsOn": ["resource:db"]}},
        {"apiVersion": "backstage.io/v1alpha1", "kind": "Resource", "metadata": {"name": "db"}, "spec": {"type": "database"}}
    ]"#;
    let whole = format!(r#"{{"items": {entities}, "totalItems": 2, "pageInfo": {{}}}}"#);
    let fragment = parse_str(&whole).unwrap();
    assert_eq!((fragment.node_count(), fragment.edge_count()), (2, 1));
    for partial in [
        format!(r#"{{"items": {entities}, "totalItems": 2, "pageInfo": {{"nextCursor": "abc123"}}}}"#),
        format!(r#"{{"items": {entities}, "totalItems": 5, "pageInfo": {{}}}}"#),
    ] {
        let err = parse_str(&partial).unwrap_err();
        assert_eq!(err.kind_name(), "schema", "{err}");
        assert!(err.to_string().contains("a page of a catalog answer"), "{err}");
    }
    // An answer nested in another is no entity.
    let nested = format!(r#"[{{"items": {entities}}}]"#);
    let err = parse_str(&nested).unwrap_err();
    assert!(err.to_string().contains("nested"), "{err}");
}

/// Typos above `spec` (an audit): `Spec:`, `specs:`, `metadata.annotation:`
/// and the annotation `blastgate.io/tier` loaded with no edge, no tier and
/// no word. Each is refused, naming the entity and the key.
#[test]
fn typos_above_spec_are_errors() {
    let entity = |top: &str, metadata: &str| {
        format!("apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {{name: web{metadata}}}\n{top}\n")
    };
    for (top, metadata, kind, fragments) in [
        (
            "Spec: {dependsOn: ['resource:db']}",
            "",
            "schema",
            &["component:default/web), Spec", "did you mean `spec`"][..],
        ),
        ("specs: {dependsOn: ['resource:db']}", "", "schema", &["specs", "did you mean `spec`"]),
        ("metdata: {}", "", "schema", &["metdata", "did you mean `metadata`"]),
        ("relation: []", "", "schema", &["relation", "did you mean `relations`"]),
        // Not Backstage's at all: Backstage refuses it too.
        ("dependencies: ['resource:db']", "", "schema", &["dependencies", "not a field of a Backstage entity"]),
        (
            "spec: {}",
            ", annotation: {blastgate.dev/tier: '0'}",
            "invalid_value",
            &["metadata.annotation", "did you mean `annotations`"],
        ),
        ("spec: {}", ", Labels: {a: b}", "invalid_value", &["metadata.Labels", "did you mean `labels`"]),
        ("spec: {}", ", namespce: prod", "invalid_value", &["did you mean `namespace`"]),
        (
            "spec: {}",
            ", annotations: {blastgate.io/tier: '0'}",
            "invalid_value",
            &["blastgate.io/tier", "unknown blastgate annotation"],
        ),
        ("spec: {}", ", annotations: {blastgate/tier: '0'}", "invalid_value", &["blastgate/tier"]),
        ("spec: {}", ", annotations: {blastgte.dev/tier: '0'}", "invalid_value", &["blastgte.dev/tier"]),
        ("spec: {}", ", annotations: {Blastgate.Dev/tier: '0'}", "invalid_value", &["Blastgate.Dev/tier"]),
    ] {
        assert_error(parse_str(&entity(top, metadata)), kind, fragments);
    }
    // Backstage's own envelope and metadata fields, and other domains'
    // annotations, still load.
    let text = entity(
        "spec: {}\nrelations: []\nstatus: {items: []}",
        ", uid: x, etag: y, title: Web, description: d, tags: [a], links: [], \
         annotations: {backstage.io/source-location: 'url:x', github.com/project-slug: a/b, blastgate.dev/tier: '1'}",
    );
    parse_str(&text).unwrap();
}

/// The audit's catalog: every typo above `spec` is refused at the first.
#[test]
fn audit_catalog_with_typos_is_refused() {
    let text = "apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: checkout
  annotation:
    blastgate.dev/tier: \"0\"
Spec:
  type: service
  owner: team-a
  dependsOn: [resource:orders-db]
";
    assert_error(parse_str(text), "schema", &["document 1 (component:default/checkout), Spec", "did you mean `spec`"]);
}

/// A filtered catalog export (`/api/catalog/entities?filter=kind=component`)
/// whose edges exist only in `relations` (stated by `spec.dependencyOf` of
/// entities outside the filter) loaded no edge and no warning (an audit).
/// The edge-making relations are read as their spec forms are.
#[test]
fn relations_of_a_filtered_export_are_edges() {
    let text = r#"[
 {"apiVersion":"backstage.io/v1alpha1","kind":"Component",
  "metadata":{"name":"checkout","namespace":"default","annotations":{"blastgate.dev/tier":"0"}},
  "spec":{"type":"service","owner":"team-a","lifecycle":"production"},
  "relations":[
    {"type":"dependsOn","targetRef":"resource:default/orders-db"},
    {"type":"dependsOn","targetRef":"component:default/payments"},
    {"type":"ownedBy","targetRef":"group:default/team-a"}]},
 {"apiVersion":"backstage.io/v1alpha1","kind":"Component",
  "metadata":{"name":"payments","namespace":"default"},
  "spec":{"type":"service","owner":"team-p","lifecycle":"production"},
  "relations":[
    {"type":"dependencyOf","targetRef":"component:default/checkout"},
    {"type":"ownedBy","targetRef":"group:default/team-p"},
    {"type":"x-custom","targetRef":"component:default/elsewhere"}]}
]"#;
    let graph = graph_of(text);
    assert_eq!(
        edge_set(&graph),
        edges(&[("component:checkout", "resource:orders-db"), ("component:checkout", "component:payments")])
    );
    // The only warning: the database is declared nowhere in the export.
    let warnings: Vec<String> = graph.warnings().iter().map(ToString::to_string).collect();
    let frozen = graph.freeze();
    assert_eq!(affected_by(&frozen, "component:payments"), ids(&["component:checkout"]));
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(warnings[0].contains("relations[0].targetRef"), "{warnings:?}");
}

/// Every edge-making relation type gives the edge of its spec form, and a
/// relation restating a spec field adds nothing (no second warning).
#[test]
fn relation_types_match_their_spec_forms() {
    let text = r#"[
 {"apiVersion":"backstage.io/v1alpha1","kind":"Component","metadata":{"name":"web"},
  "spec":{"consumesApis":["component:search"]},
  "relations":[{"type":"consumesApi","targetRef":"component:default/search"},
               {"type":"consumesApi","targetRef":"api:default/ledger"},
               {"type":"providesApi","targetRef":"api:default/web-api"}]},
 {"apiVersion":"backstage.io/v1alpha1","kind":"Component","metadata":{"name":"search"}},
 {"apiVersion":"backstage.io/v1alpha1","kind":"API","metadata":{"name":"ledger"},
  "relations":[{"type":"apiProvidedBy","target":{"kind":"component","namespace":"default","name":"bank"}},
               {"type":"apiConsumedBy","targetRef":"component:default/app"}]},
 {"apiVersion":"backstage.io/v1alpha1","kind":"API","metadata":{"name":"web-api"}},
 {"apiVersion":"backstage.io/v1alpha1","kind":"Component","metadata":{"name":"bank"}},
 {"apiVersion":"backstage.io/v1alpha1","kind":"Component","metadata":{"name":"app"}}
]"#;
    let graph = graph_of(text);
    assert_eq!(
        edge_set(&graph),
        edges(&[
            ("component:web", "component:search"),
            ("component:web", "api:ledger"),
            ("api:web-api", "component:web"),
            ("api:ledger", "component:bank"),
            ("component:app", "api:ledger"),
        ])
    );
    let warnings: Vec<String> = graph.warnings().iter().map(ToString::to_string).collect();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(warnings[0].contains("spec.consumesApis[0]"), "{warnings:?}");
}

#[test]
fn relation_type_near_misses_and_missing_targets_are_errors() {
    let entity = |relation: &str| {
        format!(
            r#"{{"apiVersion":"backstage.io/v1alpha1","kind":"Component","metadata":{{"name":"web"}},"relations":[{relation}]}}"#
        )
    };
    assert_error(
        parse_str(&entity(r#"{"type":"dependson","targetRef":"component:default/db"}"#)),
        "invalid_value",
        &["relations[0].type", "`dependson`", "did you mean `dependsOn`"],
    );
    assert_error(parse_str(&entity(r#"{"type":"dependsOn"}"#)), "schema", &["relations[0]", "no `targetRef`"]);
    assert_error(
        parse_str(&entity(r#"{"type":"dependsOn","targetRef":"db"}"#)),
        "invalid_value",
        &["relations[0].targetRef", "has no kind"],
    );
}

/// An edge list written from Backstage refs (`component:default/cart`, as
/// `relations` hold them) or in another case (`component:Cart`) made nodes
/// of its own beside the catalog's `component:cart`, with no warning (an
/// audit). Both forms, like the plain name, are the catalog's node.
#[test]
fn full_and_mixed_case_refs_join_the_catalog_node() {
    let catalog = parse_str(
        "apiVersion: backstage.io/v1alpha1
kind: Component
metadata: {name: cart, annotations: {blastgate.dev/tier: '0'}}
spec: {type: service, owner: team-a}
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: {name: frontend}
spec: {type: website, owner: team-web}
---
apiVersion: backstage.io/v1alpha1
kind: API
metadata: {name: ledger, namespace: pay}
",
    )
    .unwrap();
    let list = blastgate_ingest::edgelist::parse(
        "deps.edges",
        b"component:default/frontend component:default/cart\ncomponent:checkout component:Cart\n\
          COMPONENT:DEFAULT/FRONTEND API:Pay/Ledger\n",
    )
    .unwrap();
    let graph = build(vec![catalog, list], BuildOptions::default()).unwrap();
    assert_eq!(
        edge_set(&graph),
        edges(&[
            ("component:frontend", "component:cart"),
            ("component:checkout", "component:cart"),
            ("component:frontend", "api:pay/ledger"),
        ])
    );
    assert_eq!(graph.node_count(), 4);
    let frozen = graph.freeze();
    assert_eq!(affected_by(&frozen, "component:cart"), ids(&["component:frontend", "component:checkout"]));
}

/// The servicegraph connector names a database by `db.name`, often the
/// service's own name. `checkout -> orders` with `connection_type=database`
/// went to `component:orders`, and `orders -> orders` was dropped as a
/// self-loop: the tier-0 `resource:orders` had no dependents (an audit). A
/// data edge prefers a datastore of that name; other edges keep the
/// component.
#[test]
fn a_database_named_as_its_service_joins_the_datastore() {
    let catalog = || {
        parse_str(
            "apiVersion: backstage.io/v1alpha1
kind: Component
metadata: {name: orders}
spec: {type: service, owner: team-o}
---
apiVersion: backstage.io/v1alpha1
kind: Resource
metadata: {name: orders, annotations: {blastgate.dev/tier: '0'}}
spec: {type: postgres, owner: team-o}
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: {name: checkout}
spec: {type: service, owner: team-c}
",
        )
        .unwrap()
    };
    let series = |client: &str, server: &str, kind: &str, calls: u32| {
        format!(
            r#"{{"metric":{{"__name__":"traces_service_graph_request_total","client":"{client}","server":"{server}","connection_type":"{kind}"}},"value":[1700000000,"{calls}"]}}"#
        )
    };
    let answer = format!(
        r#"{{"status":"success","data":{{"resultType":"vector","result":[{},{},{}]}}}}"#,
        series("checkout", "orders", "database", 900),
        series("orders", "orders", "database", 5000),
        series("web", "orders", "", 40),
    );
    let observed = || blastgate_ingest::traces::parse_prometheus("servicegraph.json", answer.as_bytes()).unwrap();
    for fragments in [vec![catalog(), observed()], vec![observed(), catalog()]] {
        let graph = build(fragments, BuildOptions::default()).unwrap();
        assert_eq!(
            edge_set(&graph),
            edges(&[
                ("component:checkout", "resource:orders"),
                ("component:orders", "resource:orders"),
                ("web", "component:orders"),
            ])
        );
        assert!(graph.warnings().iter().all(|w| !w.message().contains("self-loop")), "{:?}", graph.warnings());
        let frozen = graph.freeze();
        assert_eq!(affected_by(&frozen, "resource:orders"), ids(&["component:checkout", "component:orders", "web"]));
    }
    // Without a datastore of that name, the database self-call is dropped
    // with the usual warning.
    let graph = build(vec![observed()], BuildOptions::default()).unwrap();
    assert!(
        graph.warnings().iter().any(|w| w.message().contains("self-loop dropped: `orders`")),
        "{:?}",
        graph.warnings()
    );
}

/// A catalog API answer (JSON) nested past the limit names the JSON path,
/// line and column, as every JSON input does (it named no place).
#[test]
fn a_json_catalog_too_deep_names_its_place() {
    let doc = format!(
        r#"[{{"apiVersion": "backstage.io/v1alpha1", "kind": "Component", "metadata": {{"name": "a"}}, "spec": {}{}}}]"#,
        "[".repeat(80),
        "]".repeat(80)
    );
    let e = backstage::parse("catalog.json", doc.as_bytes()).unwrap_err().to_string();
    assert!(e.contains("max_nesting_depth") && e.contains("$[0].spec[0]") && e.contains("line 1"), "{e}");
}
