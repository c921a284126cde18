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
