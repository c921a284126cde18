//! `Engine::assess_at`: a context read as of the deploy's instant, with a
//! `stale-context` warning when the `now` it states is far from it (an
//! embedder audit: `Engine::assess` on a month-old context said `senior`,
//! with no word, where the command line said `block`).

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test code: a panic is a failed test")]

use blastgate::assess::{AssessOptions, Assessment, Engine, ReviewDepth, default_policy};
use blastgate::change::parse_changeset;
use blastgate::context::{Timestamp, parse_context};
use blastgate::graph::{BuildOptions, GraphLoader};

fn engine() -> Engine {
    let mut loader = GraphLoader::new(BuildOptions::default());
    loader.add_bytes("g.edges", b"web api\napi db\n", None).unwrap();
    Engine::new(loader.build().unwrap().freeze(), default_policy().unwrap()).unwrap()
}

fn assess_at(stated: &str, at: &str) -> (Assessment, Assessment) {
    let engine = engine();
    let change = parse_changeset(
        "c.json",
        br#"{"apiVersion": "blastgate.dev/v1", "kind": "Changeset", "id": "c1",
             "author": {"id": "ana", "seniority": "senior"}, "services": ["api"]}"#,
    )
    .unwrap();
    let doc = format!(
        r#"{{"apiVersion": "blastgate.dev/v1", "kind": "Context", "now": "{stated}",
             "freezes": [{{"start": "2026-12-01T00:00:00Z", "end": "2027-01-05T00:00:00Z"}}]}}"#
    );
    let context = parse_context("context.json", doc.as_bytes()).unwrap();
    let at = Timestamp::parse(at).unwrap();
    let options = AssessOptions::default();
    (engine.assess_at(&change, &context, at, &options), engine.assess_with(&change, &context, &options))
}

fn stale(a: &Assessment) -> bool {
    a.diagnostics.iter().any(|d| d.code == "stale-context")
}

#[test]
fn a_context_behind_the_deploy_is_read_as_of_it_and_warned() {
    let (at, as_stated) = assess_at("2026-11-01T10:00:00Z", "2026-12-06T09:00:00Z");
    assert_eq!(at.review_depth(), ReviewDepth::Block, "the freeze in force at the deploy counts");
    assert!(stale(&at), "{:?}", at.diagnostics);
    assert!(at.fired_rule_ids().any(|id| id == "freeze"));
    // As stated: before the freeze, and nothing says so.
    assert!(as_stated.review_depth() < ReviewDepth::Block && !stale(&as_stated));
    assert_ne!(at.input_digest, as_stated.input_digest);
}

#[test]
fn a_context_ahead_of_the_deploy_is_warned() {
    let (at, _) = assess_at("2026-12-06T10:00:00Z", "2026-12-06T09:00:00Z");
    assert!(stale(&at), "{:?}", at.diagnostics);
    assert_eq!(at.review_depth(), ReviewDepth::Block);
}

#[test]
fn a_fresh_context_is_not_warned_and_decides_as_stated() {
    let (at, as_stated) = assess_at("2026-12-06T08:30:00Z", "2026-12-06T09:00:00Z");
    assert!(!stale(&at), "{:?}", at.diagnostics);
    assert_eq!(at.review_depth(), as_stated.review_depth());
    // The same instant: the very assessment `assess_with` makes.
    let (same, as_stated) = assess_at("2026-12-06T09:00:00Z", "2026-12-06T09:00:00Z");
    assert_eq!(blastgate::assess::to_json(&same), blastgate::assess::to_json(&as_stated));
}
