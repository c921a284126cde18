//! The published JSON Schemas in docs/schema/ must equal the ones generated
//! from the types, so the docs cannot drift silently. To accept a change:
//! `BLASTGATE_UPDATE_SCHEMAS=1 cargo test -p blastgate --test schema`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a panic is a failed test"
)]

use std::path::Path;

fn check(name: &str, generated: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/schema").join(name);
    let generated = format!("{}\n", generated.trim_end());
    if std::env::var_os("BLASTGATE_UPDATE_SCHEMAS").is_some() {
        std::fs::write(&path, &generated).unwrap();
    }
    let published = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        published == generated,
        "{} differs from the schema generated from the types; review the change and rerun with BLASTGATE_UPDATE_SCHEMAS=1",
        path.display()
    );
}

#[test]
fn service_graph_schema_is_published() {
    check("service-graph.schema.json", &blastgate::graph::native_json_schema());
}

#[test]
fn changeset_schema_is_published() {
    check("changeset.schema.json", &blastgate::change::changeset_json_schema());
}

#[test]
fn context_schema_is_published() {
    check("context.schema.json", &blastgate::context::context_json_schema());
}

#[test]
fn assessment_schema_is_published() {
    check("assessment.schema.json", &blastgate::assess::assessment_json_schema());
}

#[test]
fn policy_schema_is_published() {
    check("policy.schema.json", &blastgate::assess::policy_json_schema());
}

#[test]
fn model_file_schema_is_published() {
    check("model.schema.json", &blastgate::calibrate::model_json_schema());
}

/// Every key the published assessment schema requires is in what the
/// engine writes, at every depth of the demo's ladder (a docs audit: the
/// schema required `rollout.not_staged`, which the answer leaves out when
/// empty, so a gate validating answers refused six of the eight). A small
/// walker over `properties`, `required`, `items`, `$ref` and `anyOf`, not a
/// full validator: it checks what the type generator can get wrong.
#[test]
fn demo_assessments_have_every_key_the_schema_requires() {
    use blastgate::assess::{Engine, default_policy, to_json};
    use blastgate::graph::{BuildOptions, GraphLoader};
    use serde_json::Value;

    fn walk(schema: &Value, defs: &Value, value: &Value, at: &str, problems: &mut Vec<String>) {
        if let Some(name) = schema.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix("#/$defs/")) {
            return walk(&defs[name], defs, value, at, problems);
        }
        if let Some(options) = schema.get("anyOf").or_else(|| schema.get("oneOf")).and_then(Value::as_array) {
            // The first option without problems; a null matches `{"type": "null"}`.
            let fits = options.iter().any(|o| {
                let mut p = Vec::new();
                walk(o, defs, value, at, &mut p);
                p.is_empty()
            });
            if !fits {
                problems.push(format!("{at}: matches no option"));
            }
            return;
        }
        if schema.get("type").and_then(Value::as_str) == Some("null") && !value.is_null() {
            problems.push(format!("{at}: not null"));
            return;
        }
        if let Some(object) = value.as_object() {
            for key in schema.get("required").and_then(Value::as_array).into_iter().flatten() {
                if let Some(k) = key.as_str().filter(|k| !object.contains_key(*k)) {
                    problems.push(format!("{at}: `{k}` is required and absent"));
                }
            }
            if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
                for (k, v) in object {
                    if let Some(s) = properties.get(k) {
                        walk(s, defs, v, &format!("{at}.{k}"), problems);
                    }
                }
            }
        }
        if let (Some(items), Some(list)) = (schema.get("items"), value.as_array()) {
            for (i, v) in list.iter().enumerate() {
                walk(items, defs, v, &format!("{at}[{i}]"), problems);
            }
        }
    }

    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/schema/assessment.schema.json");
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let defs = schema["$defs"].clone();
    let mut loader = GraphLoader::new(BuildOptions::default());
    loader.add_bytes(blastgate::demo::TOPOLOGY_NAME, blastgate::demo::TOPOLOGY.as_bytes(), None).unwrap();
    let engine = Engine::new(loader.build().unwrap().freeze(), default_policy().unwrap()).unwrap();
    for step in blastgate::demo::LADDER {
        let change = blastgate::change::parse_changeset(step.title, step.changeset.as_bytes()).unwrap();
        let context = blastgate::context::parse_context(step.title, step.context.as_bytes()).unwrap();
        let answer: Value = serde_json::from_str(&to_json(&engine.assess(&change, &context))).unwrap();
        let mut problems = Vec::new();
        walk(&schema, &defs, &answer, "$", &mut problems);
        assert!(problems.is_empty(), "{}: {problems:?}", step.title);
    }
}
