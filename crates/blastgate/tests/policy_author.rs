//! A platform team's own policy, written from the default: what it says is
//! what the engine does, a value it cannot mean is refused, and a change
//! that means nothing does not change the input digest. Found by a policy
//! author's audit.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a panic is a failed test"
)]

use blastgate::assess::{Assessment, Engine, ReviewDepth, parse_policy};
use blastgate::change::{API_VERSION, Author, Changeset, KIND, Provenance};
use blastgate::context::{Context, Timestamp};
use blastgate::graph::{BuildOptions, GraphLoader};

const DEFAULT: &str = include_str!("../../blastgate-core/src/policy/default.toml");

fn engine(policy: &str) -> Engine {
    let mut loader = GraphLoader::new(BuildOptions::default());
    loader.add_bytes("g.edges", b"web api\napi db\n", None).unwrap();
    Engine::new(loader.build().unwrap().freeze(), parse_policy("p.toml", policy.as_bytes()).unwrap()).unwrap()
}

/// A junior's small change to a leaf, stating AI involvement `ai` (or
/// none stated).
fn junior_change(ai: Option<&str>) -> Changeset {
    let provenance = match ai {
        Some(ai) => serde_json::from_value::<Provenance>(serde_json::json!({ "ai": ai })).unwrap(),
        None => Provenance::default(),
    };
    Changeset {
        api_version: API_VERSION.into(),
        kind: KIND.into(),
        id: "pr-1".into(),
        services: vec!["web".into()],
        author: Author { id: "dana".into(), seniority: Some("junior".into()), ..Author::default() },
        provenance,
        ..Changeset::default()
    }
}

fn context() -> Context {
    Context::new(Timestamp::parse("2026-11-27T10:00:00Z").unwrap())
}

fn fired(a: &Assessment, id: &str) -> bool {
    a.rules.iter().any(|r| r.id == id)
}

/// `ai = "none"` in an `ai_below_senior` rule asks for every change below
/// senior, AI or not, as "AI involvement at least `ai`" says; it was read
/// as `assisted`, so a stricter team's rule did nothing (peer, no rule).
#[test]
fn an_ai_rule_at_none_covers_every_change_below_senior() {
    let strict = DEFAULT.replacen("ai = \"assisted\"", "ai = \"none\"", 1);
    assert_ne!(strict, DEFAULT);
    let e = engine(&strict);
    for ai in [Some("none"), None, Some("assisted")] {
        let a = e.assess(&junior_change(ai), &context());
        assert!(fired(&a, "ai-change-by-junior-or-mid"), "{ai:?}: {:?}", a.rules);
        assert!(a.review_depth() >= ReviewDepth::Senior, "{ai:?}");
    }
    // The default still lets a junior's change without AI through.
    let a = engine(DEFAULT).assess(&junior_change(Some("none")), &context());
    assert!(!fired(&a, "ai-change-by-junior-or-mid"), "{:?}", a.rules);
}

/// The model version names the weights in every answer: empty, it is
/// refused as the policy version is.
#[test]
fn an_empty_model_version_is_refused() {
    let version = DEFAULT.lines().find(|l| l.trim_start().starts_with("version = \"jit-")).unwrap();
    let empty = DEFAULT.replacen(version, "version = \"\"", 1);
    let err = parse_policy("p.toml", empty.as_bytes()).err().unwrap();
    assert!(err.to_string().contains("likelihood.version"), "{err}");
    assert!(err.to_string().contains("the model version is empty"), "{err}");
}

/// A listing limit of 0 is refused naming the value, as every policy
/// error does (a red-team finding: the message named only the key).
#[test]
fn a_listing_limit_of_zero_names_its_value() {
    let line = DEFAULT.lines().find(|l| l.trim_start().starts_with("max_listed_affected")).unwrap();
    let zero = DEFAULT.replacen(line, "max_listed_affected = 0", 1);
    let err = parse_policy("p.toml", zero.as_bytes()).err().unwrap();
    assert!(err.to_string().contains("limits.max_listed_affected: `0`: must be at least 1"), "{err}");
}

/// The ids SARIF output gives the decision and errors are reserved (a
/// red-team finding: a rule `review-depth` made two SARIF rules of one id).
#[test]
fn reserved_rule_ids_are_refused() {
    for id in ["review-depth", "diagnostic/x"] {
        let policy = DEFAULT.replacen("id = \"collision\"", &format!("id = \"{id}\""), 1);
        let err = parse_policy("p.toml", policy.as_bytes()).err().unwrap();
        assert!(err.to_string().contains("the id is reserved"), "{err}");
    }
}

/// An incident rule's `allow` is a set: listed in another order, the
/// policy decides alike and hashes alike (it changed the input digest).
#[test]
fn allow_order_does_not_change_the_input_digest() {
    let reordered = DEFAULT.replacen(
        "allow = [\"fix\", \"rollback\", \"security\"]",
        "allow = [\"security\", \"rollback\", \"fix\"]",
        1,
    );
    assert_ne!(reordered, DEFAULT);
    let change = junior_change(Some("assisted"));
    let a = engine(DEFAULT).assess(&change, &context());
    let b = engine(&reordered).assess(&change, &context());
    assert_eq!(a.input_digest, b.input_digest);
}
