//! `assess_json`: the JSON-in, JSON-out entry point. Every answer is JSON
//! tagged `success` or `failure`; a success equals what the Rust API gives.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a panic is a failed test"
)]

use blastgate::json_api::assess_json;
use serde_json::{Value, json};

fn answer(request: &Value) -> Value {
    serde_json::from_str(&assess_json(&request.to_string())).unwrap()
}

fn boutique() -> String {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/fixtures/graphs/online-boutique.edges")
        .display()
        .to_string()
}

#[test]
fn success_carries_the_assessment() {
    let a = answer(&json!({
        "graph": [{"path": boutique()}],
        "change": {"apiVersion": "blastgate.dev/v1", "kind": "Changeset", "id": "c1",
                   "author": {"id": "ana", "seniority": "junior"}, "provenance": {"ai": "agent"},
                   "services": ["productcatalogservice"]},
        "now": "2026-11-27T10:00:00Z"
    }));
    assert_eq!(a["type"], "success", "{a}");
    let depth = a["assessment"]["decision"]["review_depth"].as_str().unwrap();
    assert!(["senior", "multi_party", "block"].contains(&depth), "{depth}");
    assert!(a["assessment"]["input_digest"].as_str().unwrap().starts_with("sha256:"));
}

#[test]
fn inputs_by_path_content_or_document_agree() {
    let edges = std::fs::read_to_string(boutique()).unwrap();
    let change =
        json!({"apiVersion": "blastgate.dev/v1", "kind": "Changeset", "id": "c1", "services": ["cartservice"]});
    let context = json!({"apiVersion": "blastgate.dev/v1", "kind": "Context", "now": "2026-11-27T10:00:00Z"});
    let by_path = answer(&json!({"graph": [{"path": boutique()}], "change": change, "context": context}));
    let by_content = answer(&json!({
        "graph": [{"name": "online-boutique.edges", "content": edges}],
        "change": {"content": change.to_string()},
        "context": {"content": context.to_string()}
    }));
    assert_eq!(by_path["type"], "success");
    assert_eq!(by_path["assessment"], by_content["assessment"]);
}

#[test]
fn invalid_requests_are_failures_naming_the_problem() {
    for (request, needle) in [
        (json!({"graph": []}), "change"),
        (json!({"graph": [], "change": {"content": "{}"}, "now": "2026-11-27T10:00:00Z"}), "graph"),
        (
            json!({"graph": [{"content": "a b\n"}], "change": {"apiVersion": "blastgate.dev/v1", "kind": "Changeset", "id": "x", "services": ["a"]}}),
            "clock",
        ),
        (
            json!({"graph": [{"content": "a b\n"}], "change": {"apiVersion": "blastgate.dev/v1", "kind": "Changeset", "id": "x", "sevices": ["a"]}, "now": "2026-11-27T10:00:00Z"}),
            "sevices",
        ),
        (
            json!({"graph": [{"path": "/nonexistent/graph.yaml"}], "change": {"content": "{}"}, "now": "2026-11-27T10:00:00Z"}),
            "graph.yaml",
        ),
        (
            json!({"graph": [{"content": "a b\n"}], "change": {"apiVersion": "blastgate.dev/v1", "kind": "Changeset", "id": "x", "services": ["a"]}, "now": "2026-11-27T10:00:00Z", "policy": {"content": "format = 1"}}),
            "policy",
        ),
    ] {
        let a = answer(&request);
        assert_eq!(a["type"], "failure", "{request} -> {a}");
        let message = a["errors"][0]["message"].as_str().unwrap();
        assert!(message.contains(needle), "{request}: `{message}` lacks `{needle}`");
    }
    let a: Value = serde_json::from_str(&assess_json("not json")).unwrap();
    assert_eq!(a["type"], "failure");
}

#[test]
fn an_unknown_service_is_a_success_that_blocks() {
    let a = answer(&json!({
        "graph": [{"content": "web api\n"}],
        "change": {"apiVersion": "blastgate.dev/v1", "kind": "Changeset", "id": "x", "services": ["apu"]},
        "now": "2026-11-27T10:00:00Z"
    }));
    assert_eq!(a["type"], "success");
    assert_eq!(a["assessment"]["decision"]["review_depth"], "block");
}

/// An inline document is read from its own text: a duplicate key is refused
/// as it is in `content` or a file, instead of the last one winning (a
/// duplicate `author` or `freezes` lowered the review depth).
#[test]
fn inline_documents_refuse_duplicate_keys() {
    let graph = r#"[{"content": "web api\napi db\n"}]"#;
    let change = r#"{"apiVersion":"blastgate.dev/v1","kind":"Changeset","id":"c1","services":["db"],"provenance":{"ai":"agent"},"author":{"id":"a","seniority":"junior"},"provenance":{"ai":"none"},"author":{"id":"a","seniority":"principal"}}"#;
    let context = r#"{"apiVersion":"blastgate.dev/v1","kind":"Context","now":"2026-11-27T10:00:00Z","freezes":[{"start":"2026-11-26T00:00:00Z","end":"2026-11-30T00:00:00Z"}],"freezes":[]}"#;
    let plain_change = r#"{"apiVersion":"blastgate.dev/v1","kind":"Changeset","id":"c1","services":["db"]}"#;
    let as_content = |text: &str| json!({"content": text}).to_string();
    for (request, needle) in [
        (format!(r#"{{"graph": {graph}, "change": {change}, "now": "2026-11-27T10:00:00Z"}}"#), "provenance"),
        (
            format!(r#"{{"graph": {graph}, "change": {}, "now": "2026-11-27T10:00:00Z"}}"#, as_content(change)),
            "provenance",
        ),
        (format!(r#"{{"graph": {graph}, "change": {plain_change}, "context": {context}}}"#), "freezes"),
        (format!(r#"{{"graph": {graph}, "change": {plain_change}, "context": {}}}"#, as_content(context)), "freezes"),
    ] {
        let a: Value = serde_json::from_str(&assess_json(&request)).unwrap();
        assert_eq!(a["type"], "failure", "{request} -> {a}");
        let message = a["errors"][0]["message"].as_str().unwrap();
        assert!(message.contains("duplicate") && message.contains(needle), "{request}: `{message}`");
    }
}

/// The request itself refuses a duplicate field.
#[test]
fn the_request_refuses_duplicate_fields() {
    let request = r#"{"graph": [{"content": "web api\n"}], "change": {"apiVersion":"blastgate.dev/v1","kind":"Changeset","id":"c1","services":["api"]}, "now": "2026-11-27T10:00:00Z", "now": "2030-01-01T00:00:00Z"}"#;
    let a: Value = serde_json::from_str(&assess_json(request)).unwrap();
    assert_eq!(a["type"], "failure", "{a}");
    assert!(a["errors"][0]["message"].as_str().unwrap().contains("duplicate field `now`"), "{a}");
}

/// An input object holds `path` or `content` (with an optional `name`) and
/// nothing else; a bare string is no input; only JSON inputs are inline.
/// Each was read some way instead: the path without the content, the
/// object without the misspelt key, the JSON text as a CODEOWNERS file, the
/// string with its quotes as an edge list.
#[test]
fn input_objects_hold_one_reference_and_nothing_else() {
    let change = json!({"apiVersion": "blastgate.dev/v1", "kind": "Changeset", "id": "x", "services": ["api"]});
    let request = |field: &str, input: Value| {
        let mut r = json!({"graph": [{"content": "web api\n"}], "change": change, "now": "2026-11-27T10:00:00Z"});
        if field == "graph" {
            r["graph"] = json!([input]);
        } else {
            r[field] = input;
        }
        r
    };
    for (request, needles) in [
        (
            request("graph", json!({"path": "/nonexistent", "content": "web api\n"})),
            vec!["`graph[0]`", "both `path`", "/nonexistent"],
        ),
        (request("graph", json!({"content": "web api\n", "nmae": "x"})), vec!["`graph[0]`", "`nmae`", "\"x\""]),
        (
            request("change", json!({"path": "/nonexistent/c.json", "servics": ["api"]})),
            vec!["`change`", "`servics`", "[\"api\"]"],
        ),
        (request("codeowners", json!({"contnet": "* @team-x"})), vec!["`codeowners`", "contnet", "* @team-x"]),
        (request("policy", json!("format = 1")), vec!["`policy`", "format = 1", "content"]),
        (request("graph", json!("web api")), vec!["`graph[0]`", "\"web api\"", "content"]),
        (request("graph", json!(42)), vec!["`graph[0]`", "42"]),
        (request("change", Value::Null), vec!["`change`", "null"]),
        (request("graph", json!({"path": 7})), vec!["`graph[0].path`", "7", "string"]),
        (request("graph", json!({"path": "/nonexistent", "name": "g"})), vec!["`graph[0]`", "`name`", "g"]),
        (
            serde_json::from_str::<Value>(
                r#"{"graph": [{"content": "web api\n"}], "change": {"apiVersion": "blastgate.dev/v1", "kind": "Changeset", "id": "x", "services": ["api"]}, "now": "2026-11-27T10:00:00Z", "service_map": ["api/** api"]}"#,
            )
            .unwrap(),
            vec!["`service_map`", "inline"],
        ),
    ] {
        let a = answer(&request);
        assert_eq!(a["type"], "failure", "{request} -> {a}");
        let message = a["errors"][0]["message"].as_str().unwrap();
        for needle in needles {
            assert!(message.contains(needle), "{request}: `{message}` lacks `{needle}`");
        }
    }
    // A duplicate key in an input object is refused, whichever value is first.
    let a: Value = serde_json::from_str(&assess_json(
        r#"{"graph": [{"content": "web api\n", "content": "api web\n"}], "change": {"apiVersion": "blastgate.dev/v1", "kind": "Changeset", "id": "x", "services": ["api"]}, "now": "2026-11-27T10:00:00Z"}"#,
    ))
    .unwrap();
    assert_eq!(a["type"], "failure", "{a}");
    assert!(a["errors"][0]["message"].as_str().unwrap().contains("`content` twice"), "{a}");
    // The documented forms still work, `null` for an optional input included.
    let a = answer(&json!({
        "graph": [{"name": "g.edges", "content": "web api\n"}],
        "change": change, "now": "2026-11-27T10:00:00Z", "context": null,
        "codeowners": {"content": "* @team-x\n"}
    }));
    assert_eq!(a["type"], "success", "{a}");
}

/// A path to a device, a pipe or a folder is refused before anything is
/// read: `/dev/stdin` would block as `-` would, and `/dev/zero` never ends.
/// (`/dev/stdin` itself is not tried: it is a file when a test runner's
/// input is redirected from one.)
#[cfg(unix)]
#[test]
fn a_path_that_is_not_a_file_is_refused() {
    let change = json!({"apiVersion": "blastgate.dev/v1", "kind": "Changeset", "id": "x", "services": ["api"]});
    let folder = env!("CARGO_MANIFEST_DIR");
    for (request, what) in [
        (json!({"graph": [{"path": "/dev/null"}], "change": change, "now": "2026-11-27T10:00:00Z"}), "device"),
        (
            json!({"graph": [{"content": "web api\n"}], "change": {"path": "/dev/zero"}, "now": "2026-11-27T10:00:00Z"}),
            "device",
        ),
        (json!({"graph": [{"path": folder}], "change": change, "now": "2026-11-27T10:00:00Z"}), "a folder"),
    ] {
        let a = answer(&request);
        assert_eq!(a["type"], "failure", "{request} -> {a}");
        let message = a["errors"][0]["message"].as_str().unwrap();
        assert!(message.contains("not a file") && message.contains(what), "{request}: `{message}`");
    }
}

/// `-` is standard input on the command line only: the JSON API must not
/// read (or block on) the standard input of the program embedding it.
#[test]
fn a_dash_path_is_not_standard_input() {
    let change = json!({"apiVersion": "blastgate.dev/v1", "kind": "Changeset", "id": "x", "services": ["api"]});
    for request in [
        json!({"graph": [{"path": "-"}], "change": change, "now": "2026-11-27T10:00:00Z"}),
        json!({"graph": [{"content": "web api\n"}], "change": {"path": "-"}, "now": "2026-11-27T10:00:00Z"}),
        json!({"graph": [{"content": "web api\n"}], "change": change, "now": "2026-11-27T10:00:00Z", "policy": {"path": "-"}}),
    ] {
        let a = answer(&request);
        assert_eq!(a["type"], "failure", "{request} -> {a}");
        let message = a["errors"][0]["message"].as_str().unwrap();
        assert!(message.contains(".path` is `-`") && message.contains("standard input"), "{request}: `{message}`");
    }
}

/// The Rust API's plain `assess`, `assess_with` default options and the
/// JSON API place a change's files alike: by the catalog's
/// `backstage.io/source-location` first (an embedding audit found `assess`
/// ignored it, deciding otherwise under the same input digest).
#[test]
fn every_entry_point_places_files_by_source_location() {
    use blastgate::assess::{AssessOptions, Engine, default_policy};
    use blastgate::change::parse_changeset;
    use blastgate::context::{Context, Timestamp};
    use blastgate::graph::{BuildOptions, GraphLoader};
    let catalog = "apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: payments
  annotations:
    backstage.io/source-location: url:https://github.com/acme/shop/tree/main/src/pay/
spec:
  type: service
  lifecycle: production
  owner: team-pay
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: checkout
spec:
  type: service
  lifecycle: production
  owner: team-checkout
  dependsOn: [component:payments]
";
    let change = r#"{"apiVersion": "blastgate.dev/v1", "kind": "Changeset", "id": "c1",
        "author": {"id": "ana", "seniority": "senior"},
        "files": [{"path": "src/pay/charge.go", "added": 12, "deleted": 3}]}"#;
    let mut loader = GraphLoader::new(BuildOptions::default());
    loader.add_bytes("catalog.yaml", catalog.as_bytes(), None).unwrap();
    let engine = Engine::new(loader.build_frozen().unwrap(), default_policy().unwrap()).unwrap();
    let c = parse_changeset("c.json", change.as_bytes()).unwrap();
    let context = Context::new(Timestamp::parse("2026-11-27T10:00:00Z").unwrap());
    // Gated as the JSON API and the command line gate (at `block` by
    // default), so that the answers' bytes compare.
    let gated = |mut a: blastgate::assess::Assessment| {
        a.gate_at(blastgate::assess::ReviewDepth::Block);
        blastgate::assess::to_json(&a)
    };
    let plain_text = gated(engine.assess(&c, &context));
    let with = gated(engine.assess_with(&c, &context, &AssessOptions::default()));
    assert_eq!(plain_text, with);
    let plain: Value = serde_json::from_str(&plain_text).unwrap();
    assert_eq!(plain["blast_radius"]["changed"], json!(["component:payments"]), "{plain}");
    let request = json!({
        "graph": [{"name": "catalog.yaml", "content": catalog}],
        "change": {"content": change},
        "now": "2026-11-27T10:00:00Z"
    });
    let a = answer(&request);
    assert_eq!(a["type"], "success", "{a}");
    assert_eq!(a["assessment"], plain);
    // The very bytes `to_json` writes (an embedder audit: the JSON API
    // sorted the keys and recorded no gate).
    let text = blastgate::json_api::assess_json(&request.to_string());
    assert!(text.contains(&plain_text), "{text}");
}

/// The entry points agree on a changeset's `repository` too: stated,
/// unstated and one no location names, against a catalog of two
/// repositories (the Rust API takes it from the changeset, the JSON API
/// and the command line give it to their mapping).
#[test]
fn every_entry_point_places_by_the_changesets_repository() {
    use blastgate::assess::{AssessOptions, Engine, default_policy};
    use blastgate::change::parse_changeset;
    use blastgate::context::{Context, Timestamp};
    use blastgate::graph::{BuildOptions, GraphLoader};
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/decision-cases/another-repositorys-source-location-does-not-claim-this-ones-files");
    let catalog = std::fs::read_to_string(dir.join("catalog.yaml")).unwrap();
    let stated = std::fs::read_to_string(dir.join("change.json")).unwrap();
    let mut loader = GraphLoader::new(BuildOptions::default());
    loader.add_bytes("catalog.yaml", catalog.as_bytes(), None).unwrap();
    let engine = Engine::new(loader.build_frozen().unwrap(), default_policy().unwrap()).unwrap();
    let context = Context::new(Timestamp::parse("2026-11-27T10:00:00Z").unwrap());
    let unstated = stated.replace("\"repository\":\"https://github.com/Acme/payments.git\",", "");
    let fork = stated.replace("Acme/payments", "alice/payments");
    let mut changed = Vec::new();
    for change in [&stated, &unstated, &fork] {
        let c = parse_changeset("c.json", change.as_bytes()).unwrap();
        let plain: Value = serde_json::from_str(&blastgate::assess::to_json(&engine.assess(&c, &context))).unwrap();
        let with: Value = serde_json::from_str(&blastgate::assess::to_json(&engine.assess_with(
            &c,
            &context,
            &AssessOptions::default(),
        )))
        .unwrap();
        assert_eq!(plain, with);
        let a = answer(&json!({
            "graph": [{"name": "catalog.yaml", "content": catalog}],
            "change": {"content": change},
            "now": "2026-11-27T10:00:00Z"
        }));
        assert_eq!(a["type"], "success", "{a}");
        assert_eq!(a["assessment"]["decision"], plain["decision"], "{change}");
        assert_eq!(a["assessment"]["blast_radius"]["changed"], plain["blast_radius"]["changed"], "{change}");
        changed.push(plain["blast_radius"]["changed"].clone());
    }
    assert_eq!(changed[0], json!(["component:payments"]));
    assert_eq!(changed[1], json!(["component:status-tool"]));
    assert_eq!(changed[2], json!(["component:status-tool"]));
}

/// `plan_map` and `plan_tag_keys` map a plan's resources as the command
/// line's `--plan-map` and `--plan-tag-key` do; a node the graph lacks is
/// a failure naming it.
#[test]
fn plan_map_places_a_plans_resources() {
    let plan = json!({"format_version": "1.2", "resource_changes": [
        {"address": "module.db.aws_db_instance.main", "type": "aws_db_instance",
         "change": {"actions": ["delete"], "before": {"skip_final_snapshot": false}, "after": null}}]});
    let request = |map: Value| {
        json!({
            "graph": [{"path": boutique()}],
            "change": {"apiVersion": "blastgate.dev/v1", "kind": "Changeset", "id": "c1",
                       "author": {"id": "sam", "seniority": "senior"}},
            "terraform_plans": [plan.clone()],
            "plan_map": map,
            "now": "2026-11-27T10:00:00Z"
        })
    };
    let a = answer(&request(json!([{"address": "module.db", "node": "redis-cart"}])));
    assert_eq!(a["type"], "success", "{a}");
    assert_eq!(a["assessment"]["blast_radius"]["changed"], json!(["redis-cart"]), "{a}");
    let unplaced = answer(&request(json!([])));
    assert_ne!(unplaced["assessment"]["blast_radius"]["changed"], json!(["redis-cart"]), "{unplaced}");
    let a = answer(&request(json!([{"address": "module.db", "node": "redis-kart"}])));
    assert_eq!(a["type"], "failure", "{a}");
    assert!(a.to_string().contains("redis-kart"), "{a}");
}

/// A service map or CODEOWNERS file with no rules, and an empty list of
/// plan tag keys, are failures, as the command line refuses them: one that
/// arrived empty made a tier-0 change look like it needed less review (a
/// parity audit: the command line refused them, the JSON API did not).
#[test]
fn mappings_without_rules_are_failures() {
    let base = || {
        json!({
            "graph": [{"content": "web api\n"}],
            "change": {"apiVersion": "blastgate.dev/v1", "kind": "Changeset", "id": "x",
                       "files": [{"path": "api/main.go", "added": 3}]},
            "now": "2026-11-27T10:00:00Z"
        })
    };
    for (key, value, needle) in [
        ("service_map", json!({"content": ""}), "service map has no rules"),
        ("service_map", json!({"content": "# only a comment\n"}), "service map has no rules"),
        ("codeowners", json!({"content": "\n# nobody\n"}), "CODEOWNERS file has no rules"),
    ] {
        let mut request = base();
        request[key] = value;
        let a = answer(&request);
        assert_eq!(a["type"], "failure", "{request} -> {a}");
        let message = a["errors"][0]["message"].as_str().unwrap();
        assert!(message.contains(needle), "{request}: `{message}` lacks `{needle}`");
    }
    let mut request = base();
    request["terraform_plans"] = json!([{"content": r#"{"format_version": "1.2", "resource_changes": []}"#}]);
    request["plan_tag_keys"] = json!([]);
    let a = answer(&request);
    assert_eq!(a["type"], "failure", "{a}");
    assert!(a["errors"][0]["message"].as_str().unwrap().contains("empty list of tag keys"), "{a}");
    // With rules, the same requests succeed.
    let mut request = base();
    request["codeowners"] = json!({"content": "* @team-x\n"});
    assert_eq!(answer(&request)["type"], "success");
}

/// A service map naming a node the graph lacks is a failure, as on the
/// command line, or with `allow_unknown_services` a warning (a parity
/// audit: it was accepted in silence).
#[test]
fn a_service_map_naming_an_unknown_node_is_refused() {
    let mut request = json!({
        "graph": [{"content": "web payments\n"}],
        "change": {"apiVersion": "blastgate.dev/v1", "kind": "Changeset", "id": "x",
                   "files": [{"path": "pay/main.go", "added": 3}]},
        "now": "2026-11-27T10:00:00Z",
        "service_map": {"content": "pay/** paymnts\n"}
    });
    let a = answer(&request);
    assert_eq!(a["type"], "failure", "{a}");
    let message = a["errors"][0]["message"].as_str().unwrap();
    assert!(message.contains("`paymnts`") && message.contains("line 1") && message.contains("`payments`"), "{message}");
    request["allow_unknown_services"] = json!(true);
    let a = answer(&request);
    assert_eq!(a["type"], "success", "{a}");
    let warned = a["assessment"]["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .any(|d| d["message"].as_str().is_some_and(|m| m.contains("`paymnts` is not in the graph")));
    assert!(warned, "{a}");
}

/// A context dated long before the request's `now` warns `stale-context`,
/// as the command line's `--now` does; a freeze calendar that states no
/// `now` is dated by the request's (a parity audit: the JSON API never
/// warned, and refused the calendar).
#[test]
fn a_stale_context_warns_and_a_calendar_takes_the_requests_now() {
    let base = |context: Value| {
        json!({
            "graph": [{"content": "web api\n"}],
            "change": {"apiVersion": "blastgate.dev/v1", "kind": "Changeset", "id": "x", "services": ["api"]},
            "context": context,
            "now": "2026-11-27T10:00:00Z"
        })
    };
    let codes = |a: &Value| -> Vec<String> {
        a["assessment"]["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["code"].as_str().unwrap().to_owned())
            .collect()
    };
    let old = json!({"apiVersion": "blastgate.dev/v1", "kind": "Context", "now": "2026-11-20T10:00:00Z"});
    let a = answer(&base(old));
    assert_eq!(a["type"], "success", "{a}");
    assert!(codes(&a).contains(&"stale-context".to_owned()), "{a}");
    let fresh = json!({"apiVersion": "blastgate.dev/v1", "kind": "Context", "now": "2026-11-27T09:58:00Z"});
    assert!(!codes(&answer(&base(fresh))).contains(&"stale-context".to_owned()));
    let calendar = json!({"apiVersion": "blastgate.dev/v1", "kind": "Context",
        "freezes": [{"name": "year-end", "start": "2026-11-27T00:00:00Z", "end": "2026-11-28T00:00:00Z"}]});
    let a = answer(&base(calendar));
    assert_eq!(a["type"], "success", "{a}");
    assert!(!codes(&a).contains(&"stale-context".to_owned()), "{a}");
    assert!(a["assessment"]["rules"].as_array().unwrap().iter().any(|r| r["id"] == "freeze"), "{a}");
}

/// `fail_at` sets the depth at which the answer's gate stops, as
/// `--fail-at` does (default `block`); a depth that is not one is a
/// request error.
#[test]
fn fail_at_sets_the_gate() {
    let request = |fail_at: Option<&str>| {
        let mut r = json!({
            "graph": [{"name": "g.edges", "content": "web api\napi db\n"}],
            "change": {"apiVersion": "blastgate.dev/v1", "kind": "Changeset", "id": "c1",
                       "author": {"id": "ana", "seniority": "senior"}, "services": ["db"]},
            "now": "2026-11-27T10:00:00Z"
        });
        if let Some(f) = fail_at {
            r["fail_at"] = json!(f);
        }
        answer(&r)
    };
    let default = request(None);
    assert_eq!(default["assessment"]["gate"]["fail_at"], "block", "{default}");
    assert_eq!(default["assessment"]["gate"]["stops"], false, "{default}");
    let peer = request(Some("peer"));
    assert_eq!(peer["assessment"]["gate"]["fail_at"], "peer", "{peer}");
    assert_eq!(peer["assessment"]["gate"]["stops"], true, "{peer}");
    let bad = request(Some("sometimes"));
    assert_eq!(bad["type"], "failure", "{bad}");
    assert_eq!(bad["errors"][0]["kind"], "request", "{bad}");
}
