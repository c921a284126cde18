//! Integration tests of the Terraform/OpenTofu plan reader: every real plan
//! in ../shared/fixtures/terraform, the mapping of resources to graph nodes
//! (tests/data/terraform/mapping-plan.json), and hostile or malformed input.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Instant;

use blastgate_change::{ChangeError, InfraAction, InfraChange, limits};
use blastgate_ingest::terraform::{DEFAULT_TAG_KEYS, PlanOptions, PlanSummary, ResourceMapping, parse_plan};

/// Helpers; in a `cfg(test)` module so that clippy's test allowances
/// (unwrap, panic, indexing) apply to them as to the tests.
#[cfg(test)]
mod support {
    use super::*;

    pub const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/fixtures/terraform");

    pub fn fixture_files() -> Vec<PathBuf> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(FIXTURES)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
            .collect();
        files.sort();
        files
    }

    pub fn fixture(name: &str) -> Vec<u8> {
        let path = format!("{FIXTURES}/{name}");
        std::fs::read(&path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"))
    }

    /// Reads a file of `tests/data/terraform/`.
    pub fn data(name: &str) -> Vec<u8> {
        let path = format!("{}/tests/data/terraform/{name}", env!("CARGO_MANIFEST_DIR"));
        std::fs::read(&path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"))
    }

    pub fn parse(name: &str, bytes: &[u8]) -> PlanSummary {
        parse_plan(name, bytes, &PlanOptions::default()).unwrap_or_else(|e| panic!("{name}: {e}"))
    }

    pub fn parse_with(bytes: &[u8], mapping: ResourceMapping) -> PlanSummary {
        parse_plan("plan.json", bytes, &PlanOptions::with_mapping(mapping)).unwrap_or_else(|e| panic!("{e}"))
    }

    pub fn err(json: &str) -> ChangeError {
        parse_plan("plan.json", json.as_bytes(), &PlanOptions::default()).unwrap_err()
    }

    /// Asserts the error kind and that the message holds every fragment.
    pub fn assert_error(err: &ChangeError, kind: &str, fragments: &[&str]) {
        let text = err.to_string();
        assert_eq!(err.kind_name(), kind, "{text}");
        for fragment in fragments {
            assert!(text.contains(fragment), "`{fragment}` not in: {text}");
        }
    }

    /// The multiset of summarised actions.
    pub fn action_counts(summary: &PlanSummary) -> BTreeMap<InfraAction, usize> {
        let mut counts = BTreeMap::new();
        for change in &summary.changes {
            *counts.entry(change.action.clone().unwrap()).or_insert(0) += 1;
        }
        counts
    }

    pub fn change<'s>(summary: &'s PlanSummary, address: &str) -> &'s InfraChange {
        summary.changes.iter().find(|c| c.address == address).unwrap_or_else(|| panic!("no change `{address}`"))
    }

    /// The node each address maps to.
    pub fn nodes(summary: &PlanSummary) -> BTreeMap<&str, Option<&str>> {
        summary.changes.iter().map(|c| (c.address.as_str(), c.node.as_deref())).collect()
    }

    /// How many resources map to each node (`None` for unmapped).
    pub fn node_counts(summary: &PlanSummary) -> BTreeMap<Option<&str>, usize> {
        let mut counts = BTreeMap::new();
        for change in &summary.changes {
            *counts.entry(change.node.as_deref()).or_insert(0) += 1;
        }
        counts
    }

    /// A minimal plan with the given `resource_changes` JSON.
    pub fn plan_with(resources: &str) -> String {
        format!(r#"{{"format_version": "1.2", "planned_values": {{}}, "resource_changes": [{resources}]}}"#)
    }
}

use support::*;

/// What each fixture must give: resource count, actions, versions.
struct Expect {
    file: &'static str,
    format_version: Option<&'static str>,
    terraform_version: Option<&'static str>,
    actions: &'static [(InfraAction, usize)],
    warnings: usize,
}

const EXPECTED: &[Expect] = &[
    Expect {
        file: "hashicorp-terraform-requires-replace.json",
        format_version: Some("0.2"),
        terraform_version: None,
        actions: &[(InfraAction::Replace, 1)],
        warnings: 0,
    },
    Expect {
        file: "overmind-cli-tfutils-plan.json",
        format_version: None,
        terraform_version: None,
        actions: &[(InfraAction::Update, 3), (InfraAction::Delete, 2), (InfraAction::Read, 1), (InfraAction::NoOp, 4)],
        warnings: 1,
    },
    Expect {
        file: "overmind-terraform-example-plan.json",
        format_version: Some("1.2"),
        terraform_version: Some("1.14.2"),
        actions: &[(InfraAction::Create, 2), (InfraAction::NoOp, 152)],
        warnings: 0,
    },
    Expect {
        file: "terraform-compliance-issue522-plan.out.json",
        format_version: Some("0.1"),
        terraform_version: Some("1.0.0"),
        actions: &[
            (InfraAction::Create, 5),
            (InfraAction::Update, 1),
            (InfraAction::Delete, 2),
            (InfraAction::NoOp, 7),
        ],
        warnings: 0,
    },
    Expect {
        file: "terraform-json-action_reason-plan.json",
        format_version: Some("1.2"),
        terraform_version: Some("1.15.0"),
        actions: &[(InfraAction::Replace, 1)],
        warnings: 0,
    },
    Expect {
        file: "terraform-json-basic-plan.json",
        format_version: Some("0.1"),
        terraform_version: Some("0.12.11"),
        // `null_resource.foo` has a `local-exec` provisioner: its create
        // runs a command, so it is unknown.
        actions: &[(InfraAction::Create, 6), (InfraAction::Unknown, 1), (InfraAction::Read, 1)],
        warnings: 1,
    },
    Expect {
        file: "terraform-json-config_resource_depends_on-plan.json",
        format_version: Some("0.1"),
        terraform_version: Some("0.12.11"),
        actions: &[(InfraAction::Replace, 1), (InfraAction::NoOp, 1)],
        warnings: 0,
    },
];

#[test]
fn every_fixture_plan_parses_with_its_counts_and_actions() {
    let files = fixture_files();
    let names: Vec<String> = files.iter().map(|p| p.file_name().unwrap().to_str().unwrap().to_owned()).collect();
    let expected: Vec<&str> = EXPECTED.iter().map(|e| e.file).collect();
    assert_eq!(names, expected, "every fixture plan needs an expectation here");
    for e in EXPECTED {
        let summary = parse(e.file, &fixture(e.file));
        let want: BTreeMap<InfraAction, usize> = e.actions.iter().cloned().collect();
        let total: usize = want.values().sum();
        assert_eq!(summary.changes.len(), total, "{}", e.file);
        assert_eq!(action_counts(&summary), want, "{}", e.file);
        assert_eq!(summary.format_version.as_deref(), e.format_version, "{}", e.file);
        assert_eq!(summary.terraform_version.as_deref(), e.terraform_version, "{}", e.file);
        assert_eq!(summary.warnings.len(), e.warnings, "{}: {:?}", e.file, summary.warnings);
        // No mapping without a map, tags or known nodes... except by tag:
        // only the Overmind example tags resources with `Service`.
        for change in &summary.changes {
            assert!(change.actions.as_ref().is_some_and(|a| !a.is_empty()), "{}: {}", e.file, change.address);
            assert!(!change.resource_type.is_empty(), "{}: {}", e.file, change.address);
        }
    }
}

#[test]
fn requires_replace_plan_gives_a_replace_with_its_path_and_reason() {
    let summary = parse("r.json", &fixture("hashicorp-terraform-requires-replace.json"));
    let c = change(&summary, "test_instance.test");
    assert_eq!(c.action, Some(InfraAction::Replace));
    assert_eq!(c.actions.as_deref().unwrap(), ["delete", "create"]);
    assert_eq!(c.replace_paths, ["ami"]);
    assert_eq!(c.action_reason.as_deref(), Some("replace_because_cannot_update"));
    assert_eq!(c.resource_type, "test_instance");
    assert_eq!(c.module, None);
    assert_eq!(c.node, None);
}

#[test]
fn action_reason_plan_keeps_the_reason() {
    let summary = parse("a.json", &fixture("terraform-json-action_reason-plan.json"));
    let c = change(&summary, "null_resource.example");
    assert_eq!(c.action, Some(InfraAction::Replace));
    assert_eq!(c.action_reason.as_deref(), Some("replace_because_tainted"));
    assert!(c.replace_paths.is_empty());
}

#[test]
fn plan_without_format_version_is_read_with_a_warning() {
    let summary = parse("tfutils.json", &fixture("overmind-cli-tfutils-plan.json"));
    assert_eq!(summary.format_version, None);
    assert_eq!(summary.warnings.len(), 1);
    let w = &summary.warnings[0];
    assert!(w.starts_with("tfutils.json: $: no `format_version`"), "{w}");
    // Its module and data-source entries keep their details.
    let read = change(&summary, "module.eks_elb_controller.data.aws_iam_policy_document.lb_controller[0]");
    assert_eq!(read.action, Some(InfraAction::Read));
    assert_eq!(read.module.as_deref(), Some("module.eks_elb_controller"));
    assert_eq!(read.action_reason.as_deref(), Some("read_because_dependency_pending"));
    let gone = change(&summary, "module.infra.aws_route53_record.frontend_on_vercel[0]");
    assert_eq!(gone.action, Some(InfraAction::Delete));
    assert_eq!(gone.action_reason.as_deref(), Some("delete_because_count_index"));
}

#[test]
fn basic_plan_keeps_data_sources_and_module_addresses() {
    let summary = parse("basic.json", &fixture("terraform-json-basic-plan.json"));
    let data = change(&summary, "data.null_data_source.baz");
    assert_eq!(data.action, Some(InfraAction::Read));
    assert_eq!(change(&summary, "module.foo.null_resource.aliased").module.as_deref(), Some("module.foo"));
}

#[test]
fn resource_drift_is_not_a_planned_change() {
    // The compliance plan has 15 drift entries and 15 changes; the Overmind
    // example 3 and 154.
    let summary = parse("c.json", &fixture("terraform-compliance-issue522-plan.out.json"));
    assert_eq!(summary.changes.len(), 15);
    let summary = parse_with(&data("mapping-plan.json"), ResourceMapping::default());
    assert!(summary.changes.iter().all(|c| c.address != "aws_instance.drifted"));
    assert_eq!(summary.changes.len(), 10);
}

#[test]
fn big_plan_parses_and_maps_by_tag_module_and_explicit_map() {
    let bytes = fixture("overmind-terraform-example-plan.json");
    let known = ["api-server", "heritage", "vpc", "memory-optimization", "core-api"].map(str::to_owned);
    let mapping = ResourceMapping::with_known_nodes(known)
        .map("module.shared_security_group", "sg-shared")
        .map("module.api_access[0].aws_eip.api_server", "api-eip");
    let options = PlanOptions::with_mapping(mapping);
    // Timed as a report, not an assertion: run with --release --nocapture.
    let runs = 20;
    let start = Instant::now();
    for _ in 0..runs {
        parse_plan("big.json", &bytes, &options).unwrap();
    }
    let each = start.elapsed() / runs;
    eprintln!("overmind-terraform-example-plan.json ({} bytes): {each:?} per parse", bytes.len());

    let summary = parse_plan("big.json", &bytes, &options).unwrap();
    assert_eq!(summary.changes.len(), 154);
    let want: BTreeMap<Option<&str>, usize> = [
        (None, 13),
        (Some("api-eip"), 1),
        (Some("api-server"), 18),
        (Some("core-api"), 3),
        (Some("heritage"), 73),
        (Some("memory-optimization"), 20),
        (Some("sg-shared"), 3),
        (Some("vpc"), 23),
    ]
    .into_iter()
    .collect();
    assert_eq!(node_counts(&summary), want);
    // One note per mapped resource, saying which rule.
    assert_eq!(summary.notes.len(), 141);
    let by = |address: &str| summary.notes.iter().find(|n| n.contains(&format!("`{address}`"))).unwrap().clone();
    assert!(by("module.api_access[0].aws_instance.api_server").contains("tag `Service` in `before.tags`"));
    assert!(by("module.api_server.aws_lb.api[0]").contains("module name `api_server`"));
    assert!(by("module.api_access[0].aws_eip.api_server").contains("explicit mapping"));
    // Nested modules: the innermost known name wins, then outer ones.
    let cloudfront = "module.heritage[0].module.cloudfront.aws_cloudfront_distribution.this[0]";
    assert_eq!(change(&summary, cloudfront).node.as_deref(), Some("heritage"));
    assert_eq!(change(&summary, cloudfront).module.as_deref(), Some("module.heritage[0].module.cloudfront"));
    let route = "module.api_access[0].aws_route53_record.api";
    assert_eq!(change(&summary, route).action, Some(InfraAction::Create));
}

#[test]
fn mapping_rules_apply_in_order() {
    let mapping = ResourceMapping::with_known_nodes(["orders-db", "cache", "shared"].map(str::to_owned))
        .map("module.payments", "payments-api");
    let summary = parse_with(&data("mapping-plan.json"), mapping);
    let want: BTreeMap<&str, Option<&str>> = [
        // Module name, `_` written `-`, found among the known nodes.
        ("module.orders_db.aws_db_instance.main", Some("orders-db")),
        // `blastgate.dev/node` comes before `service`; nested blocks' tags are not read.
        ("aws_instance.web[0]", Some("web")),
        // The explicit map beats the resource's own tag.
        ("module.payments.module.queue.aws_sqs_queue.jobs", Some("payments-api")),
        // A deleted resource has no `after`: `before` is read; keys ignore case.
        ("aws_s3_bucket.logs", Some("log-archive")),
        ("data.aws_iam_policy_document.assume", None),
        // Google's `tags` is a list and is skipped; `labels` is read.
        ("google_compute_instance.vm", Some("checkout")),
        // `shared_vpc` and `shared-vpc` are not known: no guess.
        ("module.shared_vpc.aws_vpc.main", None),
        ("aws_instance.imported", None),
        // A quoted module key holding a dot.
        ("module.cache[\"eu.west\"].aws_elasticache_cluster.this", Some("cache")),
        ("aws_iam_role.legacy", None),
    ]
    .into_iter()
    .collect();
    assert_eq!(nodes(&summary), want);
    assert_eq!(summary.notes.len(), 6);
    assert!(summary.notes.iter().any(|n| n.ends_with("by the tag `blastgate.dev/node` in `before.tags`")));
    assert!(summary.notes.iter().any(|n| n.ends_with("by the tag `SERVICE` in `before.tags`")));
    assert!(summary.notes.iter().any(|n| n.ends_with("by the tag `service` in `before.labels`")));
    assert!(summary.notes.iter().any(|n| n.ends_with("by the explicit mapping of `module.payments`")));
    assert!(summary.warnings.is_empty(), "{:?}", summary.warnings);
}

#[test]
fn module_names_need_a_known_node() {
    let summary = parse_with(&data("mapping-plan.json"), ResourceMapping::default());
    assert_eq!(change(&summary, "module.orders_db.aws_db_instance.main").node, None);
    assert_eq!(change(&summary, "module.payments.module.queue.aws_sqs_queue.jobs").node.as_deref(), Some("jobs-queue"));
    // The module name as written is tried before the dashed one.
    let summary = parse_with(&data("mapping-plan.json"), ResourceMapping::with_known_nodes(["orders_db".to_owned()]));
    assert_eq!(change(&summary, "module.orders_db.aws_db_instance.main").node.as_deref(), Some("orders_db"));
}

#[test]
fn explicit_map_matches_exact_addresses_and_whole_steps() {
    let bytes = data("mapping-plan.json");
    let mapping =
        ResourceMapping::default().map("aws_instance.web", "web-fleet").map("aws_s3_bucket.log", "not-a-prefix");
    let summary = parse_with(&bytes, mapping);
    assert_eq!(change(&summary, "aws_instance.web[0]").node.as_deref(), Some("web-fleet"));
    assert_eq!(change(&summary, "aws_s3_bucket.logs").node.as_deref(), Some("log-archive"));
    // The longest entry wins: the exact address over its unindexed prefix.
    let mapping = ResourceMapping::default().map("aws_instance.web", "web-fleet").map("aws_instance.web[0]", "web-0");
    let summary = parse_with(&bytes, mapping);
    assert_eq!(change(&summary, "aws_instance.web[0]").node.as_deref(), Some("web-0"));
    // A module key holding a dot is one step.
    let mapping = ResourceMapping::default().map("module.cache[\"eu.west\"]", "cache-eu");
    let summary = parse_with(&bytes, mapping);
    let cache = change(&summary, "module.cache[\"eu.west\"].aws_elasticache_cluster.this");
    assert_eq!(cache.node.as_deref(), Some("cache-eu"));
}

#[test]
fn tag_keys_can_be_replaced() {
    assert_eq!(ResourceMapping::default().keys(), DEFAULT_TAG_KEYS);
    let summary = parse_with(&data("mapping-plan.json"), ResourceMapping::default().tag_keys(["team"]));
    assert_eq!(change(&summary, "aws_instance.web[0]").node.as_deref(), Some("team-web"));
    assert_eq!(change(&summary, "aws_s3_bucket.logs").node, None);
}

#[test]
fn actions_and_replace_paths_are_summarised() {
    let summary = parse_with(&data("mapping-plan.json"), ResourceMapping::default());
    let db = change(&summary, "module.orders_db.aws_db_instance.main");
    assert_eq!(db.action, Some(InfraAction::Replace));
    assert_eq!(db.replace_paths, ["engine_version", "ingress.0.cidr_blocks", "tags[\"app.kubernetes.io/name\"]"]);
    assert_eq!(db.module.as_deref(), Some("module.orders_db"));
    assert_eq!(db.resource_type, "aws_db_instance");
    // Importing keeps the plan's action.
    assert_eq!(change(&summary, "aws_instance.imported").action, Some(InfraAction::NoOp));
    // Terraform documents `["create", "forget"]` as a replace.
    let cache = change(&summary, "module.cache[\"eu.west\"].aws_elasticache_cluster.this");
    assert_eq!(cache.action, Some(InfraAction::Replace));
    assert_eq!(cache.module.as_deref(), Some("module.cache[\"eu.west\"]"));
    assert_eq!(change(&summary, "aws_iam_role.legacy").action, Some(InfraAction::Forget));
    let counts = action_counts(&summary);
    assert_eq!(counts[&InfraAction::Update], 2);
    assert_eq!(counts[&InfraAction::Read], 1);
}

#[test]
fn create_before_destroy_is_a_replace_and_paths_may_start_with_an_index() {
    let json = plan_with(
        r#"{"address": "aws_lb.a", "type": "aws_lb", "change": {"actions": ["create", "delete"],
            "replace_paths": [[0, "name"], [], ["a b", "c\"d"]]}}"#,
    );
    let summary = parse_with(json.as_bytes(), ResourceMapping::default());
    assert_eq!(summary.changes[0].action, Some(InfraAction::Replace));
    assert_eq!(summary.changes[0].replace_paths, ["0.name", "[\"a b\"][\"c\\\"d\"]"]);
}

#[test]
fn module_is_taken_from_the_address_when_module_address_is_missing() {
    let json = plan_with(r#"{"address": "module.a[0].module.b_c.aws_x.y", "change": {"actions": ["update"]}}"#);
    let summary = parse_with(json.as_bytes(), ResourceMapping::with_known_nodes(["b-c".to_owned()]));
    assert_eq!(summary.changes[0].module.as_deref(), Some("module.a[0].module.b_c"));
    assert_eq!(summary.changes[0].node.as_deref(), Some("b-c"));
}

#[test]
fn unknown_action_is_unknown_with_a_warning() {
    let json = plan_with(
        r#"{"address": "aws_x.ok", "change": {"actions": ["update"]}},
           {"address": "aws_x.odd", "change": {"actions": ["frobnicate"]}},
           {"address": "aws_x.none", "change": {"actions": []}}"#,
    );
    let summary = parse_with(json.as_bytes(), ResourceMapping::default());
    assert_eq!(summary.changes[1].action, Some(InfraAction::Unknown));
    assert_eq!(summary.changes[1].actions.as_deref().unwrap(), ["frobnicate"]);
    assert_eq!(summary.changes[2].action, Some(InfraAction::Unknown));
    assert_eq!(summary.warnings.len(), 2, "{:?}", summary.warnings);
    let w = &summary.warnings[0];
    assert!(w.contains("$.resource_changes[*].change.actions"), "{w}");
    assert!(w.contains("`[\"frobnicate\"]`") && w.contains("`aws_x.odd`"), "{w}");
    assert!(summary.warnings[1].contains("`[]`"), "{}", summary.warnings[1]);
}

#[test]
fn errored_plans_are_refused_and_incomplete_ones_warned_about() {
    // An errored plan may leave out any change: refused, not assessed on
    // what it lists (a fail-closed audit found it warned, then `auto`).
    let json = r#"{"format_version": "1.2", "planned_values": {}, "resource_changes": [], "errored": true}"#;
    let e = err(json);
    assert!(matches!(e, ChangeError::Schema(_)), "{e}");
    assert!(e.to_string().contains("$.errored") && e.to_string().contains("plan again"), "{e}");
    let json = r#"{"format_version": "1.2", "planned_values": {}, "complete": false,
                   "deferred_changes": [{"reason": "instance_count_unknown", "resource_change": {}}]}"#;
    let summary = parse_with(json.as_bytes(), ResourceMapping::default());
    assert!(summary.changes.is_empty());
    assert_eq!(summary.warnings.len(), 1);
    assert!(summary.warnings[0].contains("$.deferred_changes: 1 changes are deferred"), "{:?}", summary.warnings);
}

#[test]
fn plan_without_changes_has_none() {
    // Terraform omits `resource_changes` when nothing changes.
    let summary = parse("empty.json", br#"{"format_version": "1.2", "planned_values": {"root_module": {}}}"#);
    assert!(summary.changes.is_empty());
    assert!(summary.warnings.is_empty());
}

#[test]
fn format_versions_zero_and_one_are_read() {
    for version in ["0.1", "0.2", "1.0", "1.1", "1.2", "1.99", "1"] {
        let json = format!(r#"{{"format_version": "{version}", "resource_changes": []}}"#);
        let summary = parse("v.json", json.as_bytes());
        assert_eq!(summary.format_version.as_deref(), Some(version));
    }
}

// Bad input.

#[test]
fn format_version_2_is_unsupported() {
    let e = err(r#"{"format_version": "2.0", "resource_changes": []}"#);
    assert_error(&e, "unsupported_version", &["plan.json: $.format_version", "`2.0`", "0.x and 1.x"]);
    for version in ["10.0", "x.1", "", "1.x", "-1.0"] {
        let e = err(&format!(r#"{{"format_version": "{version}", "resource_changes": []}}"#));
        assert_eq!(e.kind_name(), "unsupported_version", "{version}: {e}");
    }
}

#[test]
fn format_version_2_is_reported_before_a_changed_shape() {
    let e = err(r#"{"resource_changes": {"changes": []}, "format_version": "2.0"}"#);
    assert_error(&e, "unsupported_version", &["`2.0`"]);
}

#[test]
fn truncated_json_is_a_syntax_error() {
    let bytes = fixture("hashicorp-terraform-requires-replace.json");
    let half = &bytes[..bytes.len() / 2];
    let e = parse_plan("cut.json", half, &PlanOptions::default()).unwrap_err();
    assert_error(&e, "syntax", &["cut.json", "line "]);
}

#[test]
fn actions_not_a_list_is_a_schema_error_with_its_path() {
    let e = err(&plan_with(
        r#"{"address": "a.b", "change": {"actions": ["create"]}},
           {"address": "a.c", "change": {"actions": "create"}}"#,
    ));
    assert_error(&e, "schema", &["$.resource_changes[1].change.actions", "expected a sequence"]);
    let e = err(&plan_with(r#"{"address": "a.b", "change": {"actions": ["create", 7]}}"#));
    assert_error(&e, "schema", &["$.resource_changes[0].change.actions[1]"]);
}

#[test]
fn missing_fields_are_schema_errors_with_their_paths() {
    let e = err(&plan_with(r#"{"address": "a.b"}"#));
    assert_error(&e, "schema", &["$.resource_changes[0]", "missing field `change`"]);
    let e = err(&plan_with(r#"{"address": "a.b", "change": {}}"#));
    assert_error(&e, "schema", &["$.resource_changes[0].change", "missing field `actions`"]);
    let e = err(&plan_with(r#"{"change": {"actions": ["create"]}}"#));
    assert_error(&e, "schema", &["missing field `address`"]);
    let e = err(&plan_with(r#"{"address": "a.b", "change": {"actions": ["update"], "replace_paths": [[true]]}}"#));
    assert_error(&e, "schema", &["$.resource_changes[0].change.replace_paths[0][0]", "a string or an integer"]);
    let e = err(&plan_with(r#"{"address": "a.b", "change": {"actions": ["update"], "after": [1]}}"#));
    assert_error(&e, "schema", &["$.resource_changes[0].change.after"]);
}

#[test]
fn a_document_that_is_not_a_plan_is_a_schema_error() {
    // `terraform show -json` of a state, not of a plan.
    let e = err(r#"{"format_version": "1.0", "terraform_version": "1.9.0", "values": {"root_module": {}}}"#);
    assert_error(&e, "schema", &["plan.json: $: not a plan", "help: pass the output of `terraform show -json"]);
    assert_error(&err("[]"), "schema", &["plan.json"]);
    assert_error(&err("\"plan\""), "schema", &["plan.json"]);
}

#[test]
fn invalid_utf8_is_a_syntax_error() {
    let mut bytes = br#"{"format_version": "1.2", "resource_changes": [{"address": "a."#.to_vec();
    bytes.extend_from_slice(&[0xff, 0xfe]);
    bytes.extend_from_slice(br#"", "change": {"actions": ["create"]}}]}"#);
    let e = parse_plan("bad.json", &bytes, &PlanOptions::default()).unwrap_err();
    assert_error(&e, "syntax", &["bad.json", "invalid UTF-8"]);
}

#[test]
fn too_deep_nesting_is_a_limit() {
    let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
    let e = err(&plan_with(&format!(
        r#"{{"address": "a.b", "change": {{"actions": ["update"], "after": {{"x": {deep}}}}}}}"#
    )));
    // The place is named with the file: the path of the value that opens
    // one level too many, and where it is (an audit: only the file).
    let path = format!("plan.json: $.resource_changes[0].change.after.x{}", "[0]".repeat(59));
    assert_error(&e, "limit_exceeded", &["max_nesting_depth", &format!("{path} (line 1, column ")]);
    assert!(e.is_limit());
    let odd_key = format!(r#"{{"a": [{{"b c": {}}}]}}"#, "[".repeat(70));
    let e = parse_plan("p.json", odd_key.as_bytes(), &PlanOptions::default()).unwrap_err();
    assert_error(&e, "limit_exceeded", &[&format!(r#"p.json: $.a[0]["b c"]{} (line 1"#, "[0]".repeat(61))]);
}

#[test]
fn too_long_strings_are_a_limit() {
    let long = "a".repeat(limits::MAX_STRING_BYTES + 1);
    let e = err(&plan_with(&format!(r#"{{"address": "{long}", "change": {{"actions": ["update"]}}}}"#)));
    // Each names the place with the file (an audit: only the file).
    assert_error(
        &e,
        "limit_exceeded",
        &["max_string_bytes", "4097 > 4096", "plan.json: $.resource_changes[0].address"],
    );
    let e = err(&plan_with(&format!(r#"{{"address": "a.b", "change": {{"actions": ["update", "{long}"]}}}}"#)));
    assert_error(&e, "limit_exceeded", &["max_string_bytes", "plan.json: $.resource_changes[0].change.actions[1]"]);
    let e = err(&plan_with(&format!(
        r#"{{"address": "a.b", "change": {{"actions": ["update"]}}}},
           {{"address": "a.c", "previous_address": "{long}", "change": {{"actions": ["no-op"]}}}}"#
    )));
    assert_error(&e, "limit_exceeded", &["plan.json: $.resource_changes[1].previous_address"]);
    let e = err(&plan_with(&format!(
        r#"{{"address": "a.b", "module_address": "{long}", "change": {{"actions": ["update"]}}}}"#
    )));
    assert_error(&e, "limit_exceeded", &["plan.json: $.resource_changes[0].module_address"]);
    // A long tag value only matters when it is used as a node id.
    let tagged = |key: &str| {
        plan_with(&format!(
            r#"{{"address": "a.b", "change": {{"actions": ["update"], "after": {{"tags": {{"{key}": "{long}"}}}}}}}}"#
        ))
    };
    assert!(parse_plan("plan.json", tagged("Description").as_bytes(), &PlanOptions::default()).is_ok());
    assert_error(
        &err(&tagged("service")),
        "limit_exceeded",
        &["max_string_bytes", r#"plan.json: $.resource_changes[0].change.after.tags["service"]"#],
    );
}

/// An empty, blank or control-character address is refused by the plan
/// reader, at the plan's own place: it was caught only after merging,
/// naming `$.infrastructure[1].address` of a document that does not exist
/// (an audit).
#[test]
fn addresses_no_resource_has_are_refused_at_their_place() {
    let ok = r#"{"address": "aws_instance.ok", "change": {"actions": ["update"]}}"#;
    for (address, value) in [("", ""), ("   ", "   "), (r"aws_db_instance.a\u001b[2Kb", r"aws_db_instance.a\u{1b}[2Kb")]
    {
        let e = err(&plan_with(&format!(r#"{ok}, {{"address": "{address}", "change": {{"actions": ["delete"]}}}}"#)));
        assert_error(&e, "invalid_value", &["plan.json", "$.resource_changes[1].address", value]);
    }
    let e = err(&plan_with(&format!(
        r#"{ok}, {{"address": "a.b", "previous_address": "a.\nc", "change": {{"actions": ["no-op"]}}}}"#
    )));
    assert_error(&e, "invalid_value", &["$.resource_changes[1].previous_address", "control character"]);
}

#[test]
fn too_many_resources_is_a_limit() {
    let one = r#"{"address": "a.b", "change": {"actions": ["no-op"]}}"#;
    let n = limits::MAX_RESOURCES + 2;
    let resources = vec![one; n].join(",");
    let e = err(&plan_with(&resources));
    assert_error(&e, "limit_exceeded", &["max_resources", &format!("{n} > {}", limits::MAX_RESOURCES)]);
}

#[test]
fn unknown_fields_are_ignored() {
    let json = r#"{"format_version": "1.9", "future_field": {"x": [1, 2]}, "resource_changes": [
        {"address": "a.b", "new_thing": true, "change": {"actions": ["update"], "generated_config": "x",
         "before_identity": {"id": "1"}}}]}"#;
    let summary = parse("f.json", json.as_bytes());
    assert_eq!(summary.changes[0].action, Some(InfraAction::Update));
}

/// `skip_final_snapshot` before the change says whether a destroy keeps
/// the data: read from a real plan (an Aurora cluster that skips it), and
/// from the same resource turned into a delete, as a plan would show the
/// cluster's removal.
#[test]
fn final_snapshot_comes_from_the_prior_values() {
    let bytes = fixture("overmind-terraform-example-plan.json");
    let summary = parse_plan("p.json", &bytes, &PlanOptions::default()).unwrap();
    let cluster = "module.heritage[0].aws_rds_cluster.face_database";
    let found = summary.changes.iter().find(|c| c.address == cluster).unwrap();
    assert_eq!(found.final_snapshot, Some(false), "{found:?}");
    // Resources without the attribute say nothing.
    assert!(
        summary.changes.iter().filter(|c| c.resource_type != "aws_rds_cluster").all(|c| c.final_snapshot.is_none())
    );

    let mut plan: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    let changes = plan["resource_changes"].as_array_mut().unwrap();
    let entry = changes.iter_mut().find(|c| c["address"] == cluster).unwrap();
    entry["change"]["actions"] = serde_json::json!(["delete"]);
    entry["change"]["after"] = serde_json::Value::Null;
    for (skip, keeps) in [
        (serde_json::json!(true), Some(false)),
        (serde_json::json!(false), Some(true)),
        (serde_json::Value::Null, None),
    ] {
        let entry =
            plan["resource_changes"].as_array_mut().unwrap().iter_mut().find(|c| c["address"] == cluster).unwrap();
        entry["change"]["before"]["skip_final_snapshot"] = skip.clone();
        let summary = parse_plan("p.json", &serde_json::to_vec(&plan).unwrap(), &PlanOptions::default()).unwrap();
        let found = summary.changes.iter().find(|c| c.address == cluster).unwrap();
        assert_eq!(found.effective_action(), InfraAction::Delete);
        assert_eq!(found.final_snapshot, keeps, "skip_final_snapshot = {skip}");
    }
}

#[test]
fn a_retag_does_not_move_a_resource_to_another_node() {
    // The cart's cache is replaced and, in the same plan, retagged onto a
    // leaf: the resource as it is decides, and the retag is a warning.
    let plan = r#"{"format_version": "1.2", "resource_changes": [{
        "address": "aws_elasticache_cluster.cart", "type": "aws_elasticache_cluster",
        "change": {"actions": ["delete", "create"],
                   "before": {"tags": {"service": "redis-cart"}},
                   "after": {"tags": {"service": "loadgenerator"}}}}]}"#;
    let summary = parse_with(plan.as_bytes(), ResourceMapping::default());
    assert_eq!(change(&summary, "aws_elasticache_cluster.cart").node.as_deref(), Some("redis-cart"));
    assert!(summary.notes.iter().any(|n| n.ends_with("by the tag `service` in `before.tags`")), "{:?}", summary.notes);
    assert_eq!(summary.warnings.len(), 1, "{:?}", summary.warnings);
    assert!(
        summary.warnings[0].contains("retags `aws_elasticache_cluster.cart` from node `redis-cart` to `loadgenerator`")
    );
}

/// An existing resource is placed as it is now: a tag the plan adds to an
/// untagged database, or a `moved` block taking it into another module,
/// must not move its destruction to the node the author picks (found by a
/// gaming audit: both turned an orders database's `block` into a leaf
/// service's `multi_party`, its owners never asked).
#[test]
fn the_plan_cannot_move_an_existing_resource_to_another_node() {
    let known = || ResourceMapping::with_known_nodes(["orders-db", "notifications"].map(str::to_owned));
    let json = plan_with(
        r#"{"address": "module.orders_db.aws_db_instance.main", "type": "aws_db_instance",
            "change": {"actions": ["delete", "create"], "before": {"tags": {}},
                       "after": {"tags": {"service": "notifications"}}}}"#,
    );
    let summary = parse_with(json.as_bytes(), known());
    assert_eq!(summary.changes[0].node.as_deref(), Some("orders-db"));
    assert!(summary.warnings.iter().any(|w| w.contains("tags the existing")), "{:?}", summary.warnings);
    // Untagged and in no known module: unplaced (which fails closed), not
    // the tag's node.
    let json = plan_with(
        r#"{"address": "aws_db_instance.orders", "type": "aws_db_instance",
            "change": {"actions": ["delete"], "before": {}, "after": {"tags": {"service": "notifications"}}}}"#,
    );
    assert_eq!(parse_with(json.as_bytes(), known()).changes[0].node, None);
    // A created resource is placed by its planned tags.
    let json = plan_with(
        r#"{"address": "aws_sqs_queue.q", "type": "aws_sqs_queue",
            "change": {"actions": ["create"], "before": null, "after": {"tags": {"service": "notifications"}}}}"#,
    );
    assert_eq!(parse_with(json.as_bytes(), known()).changes[0].node.as_deref(), Some("notifications"));
    // Moved: mapped by where it was.
    let json = plan_with(
        r#"{"address": "module.notifications.aws_db_instance.main", "type": "aws_db_instance",
            "previous_address": "module.orders_db.aws_db_instance.main",
            "change": {"actions": ["delete"], "before": {}}}"#,
    );
    let summary = parse_with(json.as_bytes(), known());
    assert_eq!(summary.changes[0].node.as_deref(), Some("orders-db"));
    assert!(summary.warnings.iter().any(|w| w.contains("was moved from")), "{:?}", summary.warnings);
}

/// A move, an import and a forget re-home or un-manage a resource, so the
/// reader keeps what says so (found by an audit: a `no-op` move of a
/// tier-0 service's instance into a leaf's module, then its delete there,
/// passed as auto and then peer): `previous_address` as written, and
/// `importing` when `change.importing` is present and not null. None of
/// them is inert; a plain no-op is.
#[test]
fn moves_imports_and_forgets_are_kept_and_not_inert() {
    let known = || ResourceMapping::with_known_nodes(["checkoutservice", "loadgenerator"].map(str::to_owned));
    let json = plan_with(
        r#"{"address": "module.loadgenerator.aws_instance.app", "type": "aws_instance",
            "previous_address": "module.checkoutservice.aws_instance.app",
            "change": {"actions": ["no-op"], "before": {}, "after": {}}},
           {"address": "module.loadgenerator.aws_db_instance.main", "type": "aws_db_instance",
            "change": {"actions": ["no-op"], "before": {}, "after": {}, "importing": {"id": "orders"}}},
           {"address": "module.checkoutservice.aws_db_instance.main", "type": "aws_db_instance",
            "change": {"actions": ["forget"], "before": {}, "after": null}},
           {"address": "module.checkoutservice.aws_instance.same", "type": "aws_instance",
            "previous_address": "module.checkoutservice.aws_instance.same",
            "change": {"actions": ["no-op"], "before": {}, "after": {}, "importing": null}}"#,
    );
    let summary = parse_with(json.as_bytes(), known());
    let moved = change(&summary, "module.loadgenerator.aws_instance.app");
    assert_eq!(moved.previous_address.as_deref(), Some("module.checkoutservice.aws_instance.app"));
    assert_eq!(moved.moved_from(), Some("module.checkoutservice.aws_instance.app"));
    assert_eq!(moved.node.as_deref(), Some("checkoutservice"), "mapped where it was");
    assert!(!moved.importing && !moved.is_inert());
    let imported = change(&summary, "module.loadgenerator.aws_db_instance.main");
    assert!(imported.importing && imported.previous_address.is_none() && !imported.is_inert());
    assert_eq!(imported.node.as_deref(), Some("loadgenerator"));
    let forgotten = change(&summary, "module.checkoutservice.aws_db_instance.main");
    assert_eq!(forgotten.effective_action(), InfraAction::Forget);
    assert!(!forgotten.effective_action().is_destructive() && !forgotten.is_inert());
    // A previous address equal to the address moves nothing, and a null
    // `importing` imports nothing: a plain no-op, inert.
    let plain = change(&summary, "module.checkoutservice.aws_instance.same");
    assert!(plain.previous_address.is_none() && !plain.importing && plain.is_inert());
}

/// A plan with `n`-element arrays where the reader reads attributes: its
/// `skip_final_snapshot`, `tags` and `tags_all` (of `before` and `after`),
/// beside a `labels` map that names the node, and in an attribute nobody
/// reads. Built as text: a JSON value of it would be the very thing the
/// reader must not build.
fn plan_with_huge_arrays(n: usize) -> String {
    let array = format!("[{}0]", "0,".repeat(n));
    let before = format!(
        r#"{{"skip_final_snapshot": {array}, "tags": {array}, "tags_all": {array}, "labels": {{"service": "orders-db"}}, "other": {array}}}"#
    );
    let after = format!(r#"{{"tags": {array}, "labels": {array}}}"#);
    plan_with(&format!(
        r#"{{"address": "aws_db_instance.orders", "type": "aws_db_instance",
            "change": {{"actions": ["delete"], "before": {before}, "after": {after}}}}}"#
    ))
}

/// Found by an audit: `before.skip_final_snapshot` given as a 40-million-
/// element array (an 80 MB plan) took 2.2 GB, and 4.5 GB at 260 MB (under
/// the size limit), as did `tags`, `tags_all` and `labels` given as
/// arrays: they were read as whole JSON values. They are now read in the
/// shape Terraform writes, and anything else is skipped unread, so memory
/// does not grow with them. (Memory is not measured here; the reader no
/// longer has a place to put the array. `m_sfs.json` of the audit, 80 MB,
/// now peaks at the size of the input.) What the plan says is read all the
/// same: the node by its label, and a `skip_final_snapshot` that is not a
/// boolean as skipping the snapshot, with a warning.
#[test]
fn huge_arrays_in_read_attributes_are_skipped_unread() {
    let plan = plan_with_huge_arrays(1_000_000);
    assert!(plan.len() > 10_000_000);
    let summary = parse_with(plan.as_bytes(), ResourceMapping::default());
    let orders = change(&summary, "aws_db_instance.orders");
    assert_eq!(orders.node.as_deref(), Some("orders-db"));
    assert_eq!(orders.effective_action(), InfraAction::Delete);
    assert_eq!(orders.final_snapshot, Some(false), "not a boolean: read as skipping the snapshot");
    assert!(
        summary.warnings.iter().any(|w| w.contains("before.skip_final_snapshot: not a boolean")),
        "{:?}",
        summary.warnings
    );
}

/// `skip_final_snapshot` of every shape: a boolean as written, null says
/// nothing, and anything else reads as skipping it (the answer that keeps
/// no data), with a warning.
#[test]
fn skip_final_snapshot_of_another_shape_keeps_no_data() {
    for (value, keeps, warns) in [
        ("true", Some(false), false),
        ("false", Some(true), false),
        ("null", None, false),
        (r#""false""#, Some(false), true),
        ("0", Some(false), true),
        ("[false]", Some(false), true),
        (r#"{"a": false}"#, Some(false), true),
    ] {
        let json = plan_with(&format!(
            r#"{{"address": "aws_db_instance.a", "type": "aws_db_instance", "change": {{"actions": ["delete"], "before": {{"skip_final_snapshot": {value}}}}}}}"#
        ));
        let summary = parse("plan.json", json.as_bytes());
        assert_eq!(summary.changes[0].final_snapshot, keeps, "{value}");
        assert_eq!(summary.warnings.iter().any(|w| w.contains("not a boolean")), warns, "{value}");
    }
    // Read for the types that have the setting alone: on a KMS key it is
    // no real attribute, and must not keep its data (a counterfactual
    // audit).
    let json = plan_with(
        r#"{"address": "aws_kms_key.k", "type": "aws_kms_key", "change": {"actions": ["delete"], "before": {"skip_final_snapshot": false}}}"#,
    );
    assert_eq!(parse("plan.json", json.as_bytes()).changes[0].final_snapshot, None);
}

/// Tags in every shape a plan may hold them: a map of strings (the first
/// key in byte order among those equal to a tag key without regard to
/// case), a list of `{"key", "value"}` objects (the older
/// `aws_autoscaling_group.tags`; a tag that names a node must not be lost
/// to its shape), and shapes that name no node by a key (Google's list of
/// network tags, null, a number, a value that is not a string), which map
/// nothing. A key written twice is refused: which value counts must not be
/// a guess.
#[test]
fn tags_are_read_in_every_shape_that_names_a_node() {
    let node = |before: &str| {
        let json = plan_with(&format!(
            r#"{{"address": "aws_instance.a", "change": {{"actions": ["update"], "before": {before}, "after": {{}}}}}}"#
        ));
        parse_plan("plan.json", json.as_bytes(), &PlanOptions::default()).map(|s| s.changes[0].node.clone())
    };
    let cases = [
        (r#"{"tags": {"Name": "x", "service": "cart"}}"#, Some("cart")),
        (r#"{"tags": {"service": "cart", "Service": "web"}}"#, Some("web")),
        (r#"{"tags": {"service": "", "SERVICE": "web"}}"#, Some("web")),
        (r#"{"tags": {"service": 7, "Name": "x"}}"#, None),
        (r#"{"tags": {"service": {"nested": "cart"}}}"#, None),
        (r#"{"tags": [{"key": "service", "value": "cart", "propagate_at_launch": true}]}"#, Some("cart")),
        (r#"{"tags": [{"key": "Name", "value": "x"}, {"value": "web", "key": "Service"}]}"#, Some("web")),
        (r#"{"tags": [{"key": 7, "value": "x"}, "service", 3, null, [1], {"key": "service"}]}"#, None),
        (r#"{"tags": ["service", "cart"]}"#, None),
        (r#"{"tags": null, "labels": "service"}"#, None),
        (r#"{"tags": {"Name": "x"}, "tags_all": {"service": "cart"}, "labels": {"service": "web"}}"#, Some("cart")),
        (r#"{"tags": {"service": "cart"}, "tags_all": {"blastgate-node": "web"}}"#, Some("web")),
    ];
    for (before, want) in cases {
        assert_eq!(node(before).unwrap().as_deref(), want, "{before}");
    }
    for before in
        [r#"{"tags": {"service": "cart", "service": "web"}}"#, r#"{"tags": {"service": "a", "service": "a"}}"#]
    {
        let e = node(before).unwrap_err();
        assert_error(&e, "schema", &["$.resource_changes[0].change.before.tags", "duplicate key `service`"]);
    }
    assert_error(&node(r#"{"tags": {}, "tags": {}}"#).unwrap_err(), "schema", &["duplicate field `tags`"]);
    // Keys the mapping does not read are never kept, however many.
    let many: Vec<String> = (0..50_000).map(|i| format!(r#""k{i}": "v""#)).collect();
    let before = format!(r#"{{"tags": {{{}, "service": "cart"}}}}"#, many.join(", "));
    assert_eq!(node(&before).unwrap().as_deref(), Some("cart"));
}

/// What the reader keeps of an action list or of replace paths is bounded:
/// an action list longer than any Terraform writes is unknown (so
/// destructive), whatever its first entries, and past 1,000 replace paths
/// the rest are counted, with a warning. A replace path over the string
/// limit is still the limit error, with its whole length.
#[test]
fn long_action_lists_and_replace_paths_are_bounded() {
    let actions: Vec<&str> = std::iter::once("\"no-op\"").chain(std::iter::repeat_n("\"\"", 100_000)).collect();
    let json = plan_with(&format!(r#"{{"address": "a.b", "change": {{"actions": [{}]}}}}"#, actions.join(",")));
    let summary = parse("plan.json", json.as_bytes());
    assert_eq!(summary.changes[0].effective_action(), InfraAction::Unknown);
    assert!(summary.changes[0].actions.as_ref().is_some_and(|a| a.len() <= 3));
    assert!(summary.warnings.iter().any(|w| w.contains("and 99998 more")), "{:?}", summary.warnings);

    let paths: Vec<String> = (0..5000).map(|i| format!(r#"["a", {i}]"#)).collect();
    let json = plan_with(&format!(
        r#"{{"address": "a.b", "change": {{"actions": ["delete", "create"], "replace_paths": [[], {}]}}}}"#,
        paths.join(",")
    ));
    let summary = parse("plan.json", json.as_bytes());
    assert_eq!(summary.changes[0].replace_paths.len(), 1000);
    assert_eq!(summary.changes[0].replace_paths[999], "a.999");
    assert!(summary.warnings.iter().any(|w| w.contains("lists 5000 replace paths")), "{:?}", summary.warnings);

    let key = "k".repeat(3000);
    let json = plan_with(&format!(
        r#"{{"address": "a.b", "change": {{"actions": ["update"], "replace_paths": [["{key}", "{key}", "x y"]]}}}}"#
    ));
    assert_error(
        &err(&json),
        "limit_exceeded",
        &["max_string_bytes", "6008 > 4096", "plan.json: $.resource_changes[0].change.replace_paths[0]"],
    );
    // The index is the path's own, empty paths before it counted.
    let json = plan_with(&format!(
        r#"{{"address": "a.b", "change": {{"actions": ["update"], "replace_paths": [[], ["x"], ["{key}", "{key}"]]}}}}"#
    ));
    assert_error(&err(&json), "limit_exceeded", &["$.resource_changes[0].change.replace_paths[2]"]);
}

/// Terraform 1.14's provider actions (`action_invocations`) run when the
/// plan is applied: each is an unknown, destructive change, placed on no
/// node unless an explicit map entry names the action, with a warning;
/// deferred ones are counted in a warning. Both were skipped without a
/// word (a fail-closed audit: a leaf's trigger stopping the storefront's
/// instance, and an invoked function purging a database, gave `auto`).
#[test]
fn provider_actions_are_unknown_changes_with_warnings() {
    let bytes = data("action-invocations.json");
    let mapping = ResourceMapping::with_known_nodes(["leaf".to_owned(), "orders-db".to_owned()]);
    let summary = parse_with(&bytes, mapping.clone());
    assert_eq!(summary.changes.len(), 3);
    let stop = change(&summary, "action.aws_ec2_stop_instance.storefront");
    assert_eq!(stop.action, Some(InfraAction::Unknown));
    assert_eq!(stop.resource_type, "aws_ec2_stop_instance");
    assert_eq!(stop.node, None);
    let purge = change(&summary, "action.aws_lambda_invoke.purge_orders_db");
    assert_eq!((purge.action.clone(), purge.node.as_deref()), (Some(InfraAction::Unknown), None));
    let w = summary.warnings.join("\n");
    for fragment in [
        "plan.json: $.action_invocations[*]: the provider action `action.aws_ec2_stop_instance.storefront`",
        "triggered by `module.leaf.terraform_data.trigger` after_create",
        "`action.aws_lambda_invoke.purge_orders_db` (`aws_lambda_invoke`), invoked with `-invoke`",
        "treated as destructive and placed on no node",
        "$.deferred_action_invocations: 1 provider action(s) are deferred",
    ] {
        assert!(w.contains(fragment), "`{fragment}` not in: {w}");
    }
    // An explicit entry naming the action places it; a module's entry,
    // written for its resources, does not place its actions.
    let mapped = mapping.map("action.aws_lambda_invoke", "orders-db").map("module.leaf", "leaf");
    let summary = parse_with(&bytes, mapped.clone());
    assert_eq!(change(&summary, "action.aws_lambda_invoke.purge_orders_db").node.as_deref(), Some("orders-db"));
    let nested = plan_with(r#"{"address": "module.leaf.aws_instance.a", "change": {"actions": ["no-op"]}}"#)
        .replace(
            r#""resource_changes""#,
            r#""action_invocations": [{"address": "module.leaf.action.aws_ec2_stop_instance.x", "invoke_action_trigger": {}}], "resource_changes""#,
        );
    let summary = parse_with(nested.as_bytes(), mapped);
    let action = change(&summary, "module.leaf.action.aws_ec2_stop_instance.x");
    assert_eq!((action.node.as_deref(), action.module.as_deref()), (None, Some("module.leaf")));
    assert_eq!(change(&summary, "module.leaf.aws_instance.a").node.as_deref(), Some("leaf"));
    // An action's address is checked as a resource's is.
    let blank = plan_with("")
        .replace(r#""resource_changes""#, r#""action_invocations": [{"address": " "}], "resource_changes""#);
    assert_error(&err(&blank), "invalid_value", &["$.action_invocations[0].address"]);
}

/// A plan's warnings are capped kind by kind, as an assessment's graph
/// warnings are: the first three in sorted order, then one warning that
/// counts them (an audit: a plan of 100,000 odd entries gave 400,001
/// diagnostics, 100 MB of JSON). Every entry is still read and counted.
#[test]
fn plan_warnings_are_capped_by_kind() {
    let entries: Vec<String> = (0..10)
        .map(|i| {
            format!(
                r#"{{"address": "aws_x.r{i}", "previous_address": "aws_x.old{i}", "change": {{"actions": ["frob"]}}}}"#
            )
        })
        .collect();
    let summary = parse("plan.json", plan_with(&entries.join(",")).as_bytes());
    assert_eq!(summary.changes.len(), 10);
    assert!(summary.changes.iter().all(|c| c.action == Some(InfraAction::Unknown)));
    assert_eq!(summary.warnings.len(), 8, "{:#?}", summary.warnings);
    let unknown: Vec<&String> =
        summary.warnings.iter().filter(|w| w.contains("$.resource_changes[*].change.actions")).collect();
    assert_eq!(unknown.len(), 3, "{unknown:#?}");
    for (w, address) in unknown.iter().zip(["aws_x.r0", "aws_x.r1", "aws_x.r2"]) {
        assert!(w.contains(&format!("`{address}`")), "{w}");
    }
    let counts: Vec<&String> = summary.warnings.iter().filter(|w| w.contains(" in all;")).collect();
    assert_eq!(counts.len(), 2, "{counts:#?}");
    assert!(
        counts.iter().any(|w| w.as_str()
            == "plan.json: 10 warnings of an unknown action list in all; the first 3 in sorted order are shown, and 7 \
                more are not"),
        "{counts:#?}"
    );
    // The same entries in another order give the same warnings.
    let reversed: Vec<String> = entries.iter().rev().cloned().collect();
    let again = parse("plan.json", plan_with(&reversed.join(",")).as_bytes());
    assert_eq!(again.warnings, summary.warnings);
    // Three of a kind are shown without a count.
    let few = parse("plan.json", plan_with(&entries[..3].join(",")).as_bytes());
    assert_eq!(few.warnings.len(), 6, "{:#?}", few.warnings);
}

/// A resource with provisioners runs their commands when it is created or
/// destroyed, and what a command does cannot be seen in the plan (a gaming
/// audit: a leaf's `terraform_data` whose `local-exec` deleted a tier-0
/// database was one harmless `create`, peer). Such an entry is unknown and
/// placed only by an explicit map entry naming the resource.
/// `provisioners-plan.json` was written by Terraform 1.11.4 (`terraform
/// plan -out` and `terraform show -json`) from a root module with a
/// `terraform_data` (count, a destroy-time `local-exec`) and a module
/// `leaf` with a `terraform_data` (`for_each`, two `local-exec`s), one
/// without provisioners, and a module `inner` with one more.
#[test]
fn resources_with_provisioners_are_unknown_changes_with_warnings() {
    let bytes = data("provisioners-plan.json");
    let mapping = ResourceMapping::with_known_nodes(["leaf".to_owned(), "inner".to_owned()]);
    let summary = parse_with(&bytes, mapping.clone());
    let action = |s: &PlanSummary, a: &str| {
        let c = change(s, a);
        (c.action.clone(), c.node.clone())
    };
    assert_eq!(action(&summary, "terraform_data.cleanup[0]"), (Some(InfraAction::Unknown), None));
    assert_eq!(action(&summary, "module.leaf.terraform_data.rotate[\"a.b\"]"), (Some(InfraAction::Unknown), None));
    assert_eq!(action(&summary, "module.leaf.module.inner.terraform_data.deep"), (Some(InfraAction::Unknown), None));
    // No provisioner: the plan's own action, mapped by its module's name.
    let plain = (Some(InfraAction::Create), Some("leaf".to_owned()));
    assert_eq!(action(&summary, "module.leaf.terraform_data.plain"), plain);
    // The raw action list is kept.
    assert_eq!(change(&summary, "terraform_data.cleanup[0]").actions.as_deref().unwrap(), ["create"]);
    let w = summary.warnings.join("\n");
    for fragment in [
        "plan.json: $.resource_changes[*]: `module.leaf.terraform_data.rotate[\"a.b\"]` ([\"create\"]) runs its 2 \
         provisioners (`local-exec`) when the plan is applied",
        "`terraform_data.cleanup[0]` ([\"create\"]) runs its provisioner (`local-exec`)",
        "treated as destructive and placed on no node",
    ] {
        assert!(w.contains(fragment), "`{fragment}` not in: {w}");
    }
    // A module's entry does not place them; one naming the resource does.
    let mapped = mapping.map("module.leaf", "leaf").map("module.leaf.terraform_data.rotate", "leaf");
    let summary = parse_with(&bytes, mapped);
    assert_eq!(action(&summary, "module.leaf.terraform_data.rotate[\"a.b\"]").1.as_deref(), Some("leaf"));
    assert_eq!(action(&summary, "module.leaf.module.inner.terraform_data.deep").1, None);
    assert_eq!(action(&summary, "module.leaf.terraform_data.plain").1.as_deref(), Some("leaf"));
}

/// Which actions run a provisioner: a create, a delete, a replace or an
/// unknown list; an update, a read, a no-op or a forget do not. An
/// `aws_lambda_invocation` invokes its function when created or changed.
#[test]
fn only_actions_that_run_commands_make_an_entry_unknown() {
    let config = r#""configuration": {"root_module": {"resources": [
        {"address": "terraform_data.p", "provisioners": [{"type": "local-exec"}]}],
        "module_calls": {"m": {"module": {"resources": [
            {"address": "null_resource.q", "provisioners": [{"type": "remote-exec"}, {"type": "file"}]}]}}}}},
        "resource_changes""#;
    for (actions, unknown) in [
        (r#"["create"]"#, true),
        (r#"["delete"]"#, true),
        (r#"["delete", "create"]"#, true),
        (r#"["create", "delete"]"#, true),
        (r#"["frob"]"#, true),
        (r#"["update"]"#, false),
        (r#"["no-op"]"#, false),
        (r#"["forget"]"#, false),
    ] {
        let json = plan_with(&format!(
            r#"{{"address": "terraform_data.p", "change": {{"actions": {actions}}}}},
               {{"address": "module.m[\"k\"].null_resource.q[3]", "change": {{"actions": {actions}}}}},
               {{"address": "terraform_data.other", "change": {{"actions": {actions}}}}},
               {{"address": "aws_lambda_invocation.go", "type": "aws_lambda_invocation", "change": {{"actions": {actions}}}}}"#
        ))
        .replace(r#""resource_changes""#, config);
        let summary = parse("plan.json", json.as_bytes());
        let is_unknown = |a: &str| change(&summary, a).action == Some(InfraAction::Unknown);
        assert_eq!(is_unknown("terraform_data.p"), unknown, "{actions}");
        assert_eq!(is_unknown("module.m[\"k\"].null_resource.q[3]"), unknown, "{actions}");
        let lambda = unknown || actions == r#"["update"]"#;
        assert_eq!(is_unknown("aws_lambda_invocation.go"), lambda, "{actions}");
        // A `terraform_data` whose block is gone, deleted: a `removed`
        // block may run a destroy-time provisioner the plan does not show.
        let gone = actions == r#"["frob"]"# || actions == r#"["delete"]"#;
        assert_eq!(is_unknown("terraform_data.other"), gone, "{actions}");
    }
    // A configuration of another shape is refused, naming where.
    let bad =
        plan_with("").replace(r#""resource_changes""#, r#""configuration": {"root_module": []}, "resource_changes""#);
    assert_error(&err(&bad), "schema", &["configuration"]);
}

/// Regression (a red-team audit of the provisioner fix): other ways to run
/// a command when a plan is applied. A `removed` block's destroy-time
/// provisioner is not in the plan at all (`removed-block-plan.json`,
/// written by Terraform 1.11.4: the block removes
/// `module.notifications.terraform_data.rotate` with a `local-exec`, and
/// the plan shows a plain delete), so deleting a `terraform_data` or
/// `null_resource` whose block is gone counts as running commands; one
/// whose block stays (a count shrinking) does not. Provider resources that
/// run code (a Kubernetes job, an SSM association, an Azure run command)
/// and a deferred read of an `external` data source count too, and so do
/// creates and deletes of command hosts in a plan without configuration.
#[test]
fn other_ways_to_run_commands_are_unknown_changes() {
    let summary = parse_with(&data("removed-block-plan.json"), ResourceMapping::default());
    let removed = change(&summary, "module.notifications.terraform_data.rotate[\"a\"]");
    assert_eq!(removed.action, Some(InfraAction::Unknown));
    assert!(summary.warnings.iter().any(|w| w.contains("destroy-time provisioner of a `removed` block")));
    let config = r#""configuration": {"root_module": {"resources": [{"address": "terraform_data.kept"}]}},
        "resource_changes""#;
    let json = plan_with(
        r#"{"address": "terraform_data.kept[1]", "type": "terraform_data", "change": {"actions": ["delete"]}},
           {"address": "module.leaf.kubernetes_job_v1.purge", "type": "kubernetes_job_v1", "change": {"actions": ["create"]}},
           {"address": "aws_ssm_association.run", "type": "aws_ssm_association", "change": {"actions": ["update"]}},
           {"address": "azurerm_virtual_machine_run_command.x", "type": "azurerm_virtual_machine_run_command", "change": {"actions": ["create"]}},
           {"address": "data.external.purge", "type": "external", "change": {"actions": ["read"]}},
           {"address": "data.aws_ami.web", "type": "aws_ami", "change": {"actions": ["read"]}},
           {"address": "aws_instance.web", "type": "aws_instance", "change": {"actions": ["create"]}}"#,
    )
    .replace(r#""resource_changes""#, config);
    let summary = parse("plan.json", json.as_bytes());
    let unknown = |a: &str| change(&summary, a).action == Some(InfraAction::Unknown);
    assert!(!unknown("terraform_data.kept[1]"), "its block stays: a count shrinking");
    for a in ["module.leaf.kubernetes_job_v1.purge", "aws_ssm_association.run", "azurerm_virtual_machine_run_command.x"]
    {
        assert!(unknown(a), "{a}");
        assert_eq!(change(&summary, a).node, None, "{a}");
    }
    assert!(unknown("data.external.purge"));
    assert!(!unknown("data.aws_ami.web") && !unknown("aws_instance.web"));
    // No configuration at all: a command host's create runs commands.
    let bare = plan_with(
        r#"{"address": "null_resource.x", "type": "null_resource", "change": {"actions": ["create"]}},
           {"address": "aws_instance.web", "type": "aws_instance", "change": {"actions": ["create"]}}"#,
    );
    let summary = parse("plan.json", bare.as_bytes());
    assert_eq!(change(&summary, "null_resource.x").action, Some(InfraAction::Unknown));
    assert_eq!(change(&summary, "aws_instance.web").action, Some(InfraAction::Create));
    assert!(summary.warnings.iter().any(|w| w.contains("it has no `configuration`")), "{:?}", summary.warnings);
}

/// An explicit entry naming a resource that runs commands places every
/// instance of it, in every instance of its module (a docs audit:
/// `module.leaf.terraform_data.rotate` did not place
/// `module.leaf["a"].terraform_data.rotate[0]`).
#[test]
fn an_entry_without_instance_keys_places_every_instance() {
    let json = plan_with(
        r#"{"address": "module.leaf[\"a\"].terraform_data.rotate[0]", "type": "terraform_data", "change": {"actions": ["create"]}}"#,
    )
    .replace(
        r#""resource_changes""#,
        r#""configuration": {"root_module": {"module_calls": {"leaf": {"module": {"resources": [
            {"address": "terraform_data.rotate", "provisioners": [{"type": "local-exec"}]}]}}}}},
            "resource_changes""#,
    );
    let mapping = ResourceMapping::default().map("module.leaf.terraform_data.rotate", "leaf");
    let summary = parse_with(json.as_bytes(), mapping);
    let c = change(&summary, "module.leaf[\"a\"].terraform_data.rotate[0]");
    assert_eq!((c.action.clone(), c.node.as_deref()), (Some(InfraAction::Unknown), Some("leaf")));
    // A module's entry still does not place it.
    let mapping = ResourceMapping::default().map("module.leaf", "leaf");
    let summary = parse_with(json.as_bytes(), mapping);
    assert_eq!(change(&summary, "module.leaf[\"a\"].terraform_data.rotate[0]").node, None);
}
