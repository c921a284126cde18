//! The demo's ladder: each change gets the depth the README promises, so
//! the first command a new user runs shows the whole range of decisions.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a panic is a failed test"
)]

use blastgate::assess::{Engine, ReviewDepth, default_policy};
use blastgate::change::parse_changeset;
use blastgate::context::parse_context;
use blastgate::graph::{BuildOptions, GraphLoader};

fn engine() -> Engine {
    let mut loader = GraphLoader::new(BuildOptions::strict(true));
    loader.add_bytes(blastgate::demo::TOPOLOGY_NAME, blastgate::demo::TOPOLOGY.as_bytes(), None).unwrap();
    Engine::new(loader.build().unwrap().freeze(), default_policy().unwrap()).unwrap()
}

#[test]
fn the_ladder_walks_from_auto_to_block() {
    let engine = engine();
    let mut seen = Vec::new();
    for step in blastgate::demo::LADDER {
        let change = parse_changeset(step.title, step.changeset.as_bytes()).unwrap();
        let context = parse_context(step.title, step.context.as_bytes()).unwrap();
        let a = engine.assess(&change, &context);
        assert_eq!(a.review_depth().as_str(), step.expected, "{}: {}", step.title, a.decision.summary);
        assert!(!a.has_errors(), "{}: {:?}", step.title, a.diagnostics);
        seen.push(a.review_depth());
    }
    for depth in ReviewDepth::ALL {
        assert!(seen.contains(&depth), "no demo change gets {depth}");
    }
}

#[test]
fn the_ladder_explains_itself() {
    let engine = engine();
    let by_id = |id: &str| {
        let step = blastgate::demo::LADDER.iter().find(|s| s.changeset.contains(id)).unwrap();
        engine.assess(
            &parse_changeset("c", step.changeset.as_bytes()).unwrap(),
            &parse_context("x", step.context.as_bytes()).unwrap(),
        )
    };
    let pricing = by_id("pricing-discounts");
    assert!(pricing.fired_rule_ids().any(|r| r == "ai-change-by-junior-or-mid"));
    let db = by_id("orders-db-replace");
    assert!(db.fired_rule_ids().any(|r| r == "destructive-datastore-or-queue"));
    assert!(db.rollout.mandatory);
    // The same change made by an agent on its own: its rollback claim is
    // not counted, and a destructive change reaching tier 0 blocks.
    let agent = by_id("orders-db-recreate");
    assert!(agent.fired_rule_ids().any(|r| r == "destructive-by-agent"));
    assert!(agent.fired_rule_ids().any(|r| r == "destructive-tier0-without-rollback"));
    assert!(agent.diagnostics.iter().any(|d| d.code == "rollback-claim-by-agent"));
    let freeze = by_id("checkout-banner");
    let wait = freeze.counterfactuals.iter().find(|c| c.id == "wait-for-freeze-end").unwrap();
    assert!(wait.lowers);
    let collision = by_id("catalog-images");
    let rule = collision.rules.iter().find(|r| r.id == "collision").unwrap();
    assert!(rule.message.contains("deploy-77"), "{}", rule.message);
}
