//! On a huge blast radius every list in an assessment stays bounded (the
//! policy's `limits.max_listed_affected`, 20 services per rule, 10 to
//! watch, 10 evidence paths), with counts for the rest.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a panic is a failed test"
)]

use blastgate::assess::{ApprovalRole, Engine, default_policy, to_json};
use blastgate::change::parse_changeset;
use blastgate::context::{Context, Timestamp};
use blastgate::graph::{BuildOptions, GraphLoader};

#[test]
fn a_huge_radius_gives_bounded_lists() {
    // `core` with 5,000 tier-0 dependents, each of its own team, and 300
    // journeys on top of them.
    let mut yaml =
        String::from("apiVersion: blastgate.dev/v1\nkind: ServiceGraph\nservices:\n  - {id: core, owner: team-core}\n");
    for i in 0..5000 {
        yaml += &format!("  - {{id: svc{i:04}, tier: 0, owner: team{i:04}, depends_on: [core]}}\n");
    }
    for j in 0..300 {
        yaml +=
            &format!("  - {{id: journey{j:03}, kind: journey, owner: jteam{j:03}, depends_on: [svc{:04}]}}\n", j * 7);
    }
    let mut loader = GraphLoader::new(BuildOptions::default());
    loader.add_bytes("huge.yaml", yaml.as_bytes(), None).unwrap();
    let engine = Engine::new(loader.build().unwrap().freeze(), default_policy().unwrap()).unwrap();
    let change = parse_changeset(
        "c.json",
        br#"{"apiVersion": "blastgate.dev/v1", "kind": "Changeset", "id": "core-change",
            "author": {"id": "ana", "seniority": "junior"}, "provenance": {"ai": "agent"},
            "files": [{"path": "core/src/lib.rs", "added": 500}]}"#,
    )
    .unwrap();
    let a = engine.assess(&change, &Context::new(Timestamp::parse("2026-11-27T10:00:00Z").unwrap()));
    let limit = engine.policy().limits.max_listed_affected;

    let b = &a.blast_radius;
    assert_eq!(b.affected_count, 5300);
    assert_eq!(b.affected.len(), limit);
    assert_eq!(b.affected_not_listed, 5300 - limit);
    assert_eq!(b.journey_count, 300);
    assert!(b.journeys.len() <= limit && b.owners.len() <= limit);
    assert_eq!(b.owner_count, 5300);
    assert!(b.evidence.len() <= 10);
    assert_eq!((a.risk.journey_count, a.risk.team_count), (300, 5301));
    assert!(a.risk.journeys.len() <= limit && a.risk.teams.len() <= limit);
    assert!(a.rules.iter().all(|r| r.services.len() <= 20));
    // The critical-reach rule names the first 20 of the 5,300 tier-0
    // nodes and journeys, in id order, and counts the rest.
    let reach = a.rules.iter().find(|r| r.id == "critical-reach").unwrap();
    assert_eq!(reach.services.first().map(String::as_str), Some("journey000"));
    assert_eq!(reach.services.len(), 20);
    assert!(reach.message.ends_with("journey019 and 5280 more"), "{}", reach.message);
    assert!(a.rollout.watch.len() <= 10);
    let senior = a.decision.required_approvals.iter().find(|p| p.role == ApprovalRole::Senior).unwrap();
    // Bounded as the other approvals are (1,000 teams), not by the listing
    // limit, the owning team among them.
    assert!(senior.teams.len() == 1000 && senior.teams.contains(&"team-core".to_owned()), "{senior:?}");
    assert!(senior.reason.ends_with("(4301 more impacted teams not listed also qualify)"), "{}", senior.reason);
    let critical = a.decision.required_approvals.iter().filter(|p| p.role == ApprovalRole::CriticalOwner).count();
    // Every team owning an affected tier-0 node is asked, whatever the
    // listing limit, up to 1,000 teams; one senior coordinates the rest.
    assert_eq!(critical, 1000 + 1, "one per team up to 1,000 and one for the rest");
    // The most critical first: the listed affected nodes are tier 0.
    assert!(b.affected.iter().all(|n| n.tier == 0));
    let json = to_json(&a);
    assert!(json.len() < 256 * 1024, "{} bytes", json.len());
}

#[test]
fn a_non_finite_number_is_an_error_never_a_null() {
    let mut loader = GraphLoader::new(BuildOptions::default());
    loader.add_bytes("g.edges", b"web api\n", None).unwrap();
    let engine = Engine::new(loader.build().unwrap().freeze(), default_policy().unwrap()).unwrap();
    let change = parse_changeset(
        "c.json",
        br#"{"apiVersion": "blastgate.dev/v1", "kind": "Changeset", "id": "c", "services": ["api"]}"#,
    )
    .unwrap();
    let mut a = engine.assess(&change, &Context::new(Timestamp::parse("2026-11-27T10:00:00Z").unwrap()));
    assert_eq!(a.non_finite_number(), None);
    a.risk.score = f64::NAN;
    assert_eq!(a.non_finite_number().as_deref(), Some("risk.score"));
    assert!(blastgate::assess::try_to_json(&a).unwrap_err().contains("risk.score"));
    let doc: serde_json::Value = serde_json::from_str(&to_json(&a)).unwrap();
    assert!(doc.get("decision").is_none() && doc["error"].as_str().unwrap().contains("non-finite"), "{doc}");
}

#[test]
fn a_few_tier0_nodes_among_thousands_are_all_named() {
    // `core` with 3,000 dependents of which five, spread through the id
    // order, are tier 0: the critical-reach rule names exactly those.
    let mut yaml =
        String::from("apiVersion: blastgate.dev/v1\nkind: ServiceGraph\nservices:\n  - {id: core, owner: team-core}\n");
    let tier0 = [7, 999, 1000, 2500, 2999];
    for i in 0..3000 {
        let tier = if tier0.contains(&i) { 0 } else { 2 };
        yaml += &format!("  - {{id: svc{i:04}, tier: {tier}, depends_on: [core]}}\n");
    }
    let mut loader = GraphLoader::new(BuildOptions::default());
    loader.add_bytes("few.yaml", yaml.as_bytes(), None).unwrap();
    let engine = Engine::new(loader.build().unwrap().freeze(), default_policy().unwrap()).unwrap();
    let change = parse_changeset(
        "c.json",
        br#"{"apiVersion": "blastgate.dev/v1", "kind": "Changeset", "id": "core-change", "services": ["core"]}"#,
    )
    .unwrap();
    let a = engine.assess(&change, &Context::new(Timestamp::parse("2026-11-27T10:00:00Z").unwrap()));
    let reach = a.rules.iter().find(|r| r.id == "critical-reach").unwrap();
    assert_eq!(reach.services, ["svc0007", "svc0999", "svc1000", "svc2500", "svc2999"]);
    assert!(reach.message.ends_with("svc0007, svc0999, svc1000, svc2500, svc2999"), "{}", reach.message);
}

/// A large context keeps the answer small (an SRE context audit): 10,000
/// changes in flight, each deploying the changed service and one the graph
/// lacks, made 10,000 warnings and a collision message of 729,000
/// characters; 400 freezes with 4 kB names a freeze message of 1.6 MB.
#[test]
fn a_large_context_gives_bounded_messages() {
    use blastgate::context::parse_context;
    let mut loader = GraphLoader::new(BuildOptions::default());
    loader.add_bytes("g.edges", b"web api\napi db\n", None).unwrap();
    let engine = Engine::new(loader.build().unwrap().freeze(), default_policy().unwrap()).unwrap();
    let change = parse_changeset(
        "c.json",
        br#"{"apiVersion": "blastgate.dev/v1", "kind": "Changeset", "id": "pr-1", "services": ["api"]}"#,
    )
    .unwrap();
    let mut in_flight = Vec::new();
    for i in 0..10_000 {
        in_flight.push(format!(
            r#"{{"id": "deploy-{i:05}", "services": ["api", "svc-{i:05}"], "start": "2026-11-27T09:00:00Z", "end": "2026-11-27T12:00:00Z"}}"#
        ));
    }
    let long = "x".repeat(4000);
    let mut freezes = Vec::new();
    for i in 0..400 {
        freezes.push(format!(
            r#"{{"name": "{long}-{i:03}", "start": "2026-11-27T09:00:00Z", "end": "2026-11-27T12:00:00Z"}}"#
        ));
    }
    let context = format!(
        r#"{{"apiVersion": "blastgate.dev/v1", "kind": "Context", "now": "2026-11-27T10:00:00Z",
            "in_flight": [{}], "freezes": [{}]}}"#,
        in_flight.join(","),
        freezes.join(",")
    );
    let context = parse_context("ctx.json", context.as_bytes()).unwrap();
    let a = engine.assess(&change, &context);
    let unknown: Vec<_> = a.diagnostics.iter().filter(|d| d.code == "unknown-in-flight-service").collect();
    assert_eq!(unknown.len(), 1, "one warning for all of them");
    assert!(unknown[0].message.contains("10000 service(s)"), "{}", unknown[0].message);
    assert!(unknown[0].message.contains("and 9980 more"), "{}", unknown[0].message);
    for id in ["collision", "freeze"] {
        let rule = a.rules.iter().find(|r| r.id == id).unwrap_or_else(|| panic!("{id} fires"));
        assert!(rule.message.len() < 4_000, "{id}: {} bytes", rule.message.len());
        assert!(rule.message.contains("more"), "{id}: {}", rule.message);
    }
    assert!(to_json(&a).len() < 64 * 1024, "{} bytes", to_json(&a).len());
}

/// Many freezes over a large radius cost one pass a scope, not one a
/// freeze (a fail-closed audit: 100 freezes of `all` over 200,000 reached
/// nodes took 47 s and 2.2 GB, 1,000 an allocation abort), and say the
/// same as one would: the first 20 services covered, in id order, and the
/// count of the rest.
#[test]
fn many_freezes_over_a_large_radius_are_one_pass_a_scope() {
    use blastgate::context::parse_context;
    // `core` with 20,000 dependents: tiers 0 to 3 in turn, every fifth
    // with no tier (which every scope of tiers covers, fail closed).
    let mut yaml =
        String::from("apiVersion: blastgate.dev/v1\nkind: ServiceGraph\nservices:\n  - {id: core, tier: 2}\n");
    for i in 0..20_000 {
        match i % 5 {
            4 => yaml += &format!("  - {{id: svc{i:05}, depends_on: [core]}}\n"),
            t => yaml += &format!("  - {{id: svc{i:05}, tier: {t}, depends_on: [core]}}\n"),
        }
    }
    let mut loader = GraphLoader::new(BuildOptions::default());
    loader.add_bytes("big.yaml", yaml.as_bytes(), None).unwrap();
    let engine = Engine::new(loader.build().unwrap().freeze(), default_policy().unwrap()).unwrap();
    let change = parse_changeset(
        "c.json",
        br#"{"apiVersion": "blastgate.dev/v1", "kind": "Changeset", "id": "pr-1", "services": ["core"]}"#,
    )
    .unwrap();
    let freeze = |i: usize, scope: &str| {
        format!(
            r#"{{"name": "f{i:04}", "start": "2026-11-27T09:00:00Z", "end": "2026-11-27T12:00:00Z", "scope": {scope}}}"#
        )
    };
    let assess = |freezes: &[String]| {
        let context = format!(
            r#"{{"apiVersion": "blastgate.dev/v1", "kind": "Context", "now": "2026-11-27T10:00:00Z", "freezes": [{}]}}"#,
            freezes.join(",")
        );
        let a = engine.assess(&change, &parse_context("ctx.json", context.as_bytes()).unwrap());
        assert!(a.diagnostics.iter().all(|d| d.code != "work-budget"), "{:?}", a.diagnostics);
        a.rules.into_iter().find(|r| r.id == "freeze").expect("the freeze rule fires")
    };
    // Tier 1 and no tier: 4,000 + 4,000 of the dependents.
    let one = assess(&[freeze(0, r#"{"tiers": [1]}"#)]);
    assert_eq!(one.services.first().map(String::as_str), Some("svc00001"));
    assert_eq!(one.services.len(), 20);
    assert!(one.message.contains("svc00049 and 7980 more"), "{}", one.message);
    // 3,000 freezes of four scopes, `all` and every tier alike: all 20,001
    // nodes, `core` first.
    let scopes = [r#""all""#, r#"{"tiers": [0, 1, 2, 3]}"#, r#"{"tiers": [1]}"#, r#"{"tiers": [3, 0]}"#];
    let many: Vec<String> = (0..3000).map(|i| freeze(i, scopes[i % 4])).collect();
    let all = assess(&many);
    assert_eq!(all.services.first().map(String::as_str), Some("core"));
    assert!(all.message.contains("svc00018 and 19981 more"), "{}", all.message);
    assert!(all.message.len() < 4_000, "{} bytes", all.message.len());
}

/// Warnings about a changeset's entries are bounded too (a Terraform
/// audit: 100,000 resources each contradicting its path gave 100,000
/// warnings): 20 of a kind in sorted order, then one counting the rest,
/// whatever the entries' order.
#[test]
fn entry_warnings_are_bounded_and_order_free() {
    let mut loader = GraphLoader::new(BuildOptions::default());
    loader.add_bytes("g.edges", b"web cart\nweb email\n", None).unwrap();
    let engine = Engine::new(loader.build().unwrap().freeze(), default_policy().unwrap()).unwrap();
    let files: Vec<String> =
        (0..30).map(|i| format!(r#"{{"path": "cart/src/f{i:02}.rs", "added": 1, "service": "email"}}"#)).collect();
    let doc = |files: &[String]| {
        format!(
            r#"{{"apiVersion": "blastgate.dev/v1", "kind": "Changeset", "id": "c",
                "author": {{"id": "sam", "seniority": "senior"}}, "files": [{}]}}"#,
            files.join(",")
        )
    };
    let now = Context::new(Timestamp::parse("2026-11-27T10:00:00Z").unwrap());
    let a = engine.assess(&parse_changeset("c.json", doc(&files).as_bytes()).unwrap(), &now);
    let contradictions: Vec<&str> =
        a.diagnostics.iter().filter(|d| d.code == "service-contradicts-path").map(|d| d.message.as_str()).collect();
    assert_eq!(contradictions.len(), 21, "{contradictions:#?}");
    assert!(contradictions.iter().any(|m| m.starts_with("10 more `service-contradicts-path` warnings")));
    let mut reversed = files.clone();
    reversed.reverse();
    let b = engine.assess(&parse_changeset("c.json", doc(&reversed).as_bytes()).unwrap(), &now);
    assert_eq!(to_json(&a), to_json(&b));
}

#[test]
fn what_a_rollout_cannot_stage_is_at_most_twenty_entries_the_last_counting_the_rest() {
    let yaml = "apiVersion: blastgate.dev/v1\nkind: ServiceGraph\nservices:\n  - {id: notifications, owner: team-n}\n";
    let mut loader = GraphLoader::new(BuildOptions::default());
    loader.add_bytes("g.yaml", yaml.as_bytes(), None).unwrap();
    let engine = Engine::new(loader.build().unwrap().freeze(), default_policy().unwrap()).unwrap();
    let clock = Context::new(Timestamp::parse("2026-11-27T10:00:00Z").unwrap());
    let change = |resources: usize| {
        let infrastructure: Vec<String> = (0..resources)
            .map(|i| {
                format!(
                    r#"{{"address": "aws_lambda_function.f{i:02}", "type": "aws_lambda_function", "action": "delete", "node": "notifications"}}"#
                )
            })
            .collect();
        let text = format!(
            r#"{{"apiVersion": "blastgate.dev/v1", "kind": "Changeset", "id": "c",
                "author": {{"id": "sam", "seniority": "senior"}},
                "files": [{{"path": "notifications/migrations/0002_drop.sql", "added": 3}}],
                "infrastructure": [{}], "safety": {{"reversible": false}}}}"#,
            infrastructure.join(", ")
        );
        parse_changeset("c.json", text.as_bytes()).unwrap()
    };
    // (A decision audit: 25 resources, a migration and an irreversible
    // change made 23 entries, the count in the middle.)
    for (resources, counted) in [(18, None), (19, Some(2)), (25, Some(8))] {
        let a = engine.assess(&change(resources), &clock);
        let listed = &a.rollout.not_staged;
        assert!(listed.len() <= 20, "{resources}: {listed:#?}");
        assert!(listed[0].contains("stated irreversible") && listed[1].contains("schema migration"), "{listed:#?}");
        match counted {
            None => assert_eq!(listed.len(), 2 + resources, "{listed:#?}"),
            Some(n) => {
                assert_eq!(listed.len(), 20, "{listed:#?}");
                assert_eq!(listed.last().unwrap(), &format!("{n} more destroyed or replaced resources"));
            }
        }
    }
}
