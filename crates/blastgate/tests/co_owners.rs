//! Owners that equally trusted sources state beside the one the merge
//! keeps are co-owners, and each approves a change to the node (a red
//! team: the other team was dropped from the approvals, with only a
//! warning, so whoever added a graph file could move approvals to a team
//! whose name sorts first).

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test code: a panic is a failed test")]

use blastgate::assess::{ApprovalRole, Engine, default_policy};
use blastgate::change::parse_changeset;
use blastgate::context::{Context, Timestamp};
use blastgate::graph::{BuildOptions, GraphLoader};

const CATALOG: &str = "apiVersion: backstage.io/v1alpha1
kind: Component
metadata: {name: payments}
spec: {type: service, lifecycle: production, owner: team-payments}
";

const OVERLAY: &str = "apiVersion: blastgate.dev/v1
kind: ServiceGraph
services:
  - {id: component:payments, tier: 0, owner: platform}
  - {id: web, tier: 0, owner: team-web, depends_on: [component:payments]}
";

fn owner_teams(files: &[(&str, &str)]) -> Vec<String> {
    let mut loader = GraphLoader::new(BuildOptions::default());
    for (name, text) in files {
        loader.add_bytes(name, text.as_bytes(), None).unwrap();
    }
    let engine = Engine::new(loader.build_frozen().unwrap(), default_policy().unwrap()).unwrap();
    let change = parse_changeset(
        "c.json",
        br#"{"apiVersion": "blastgate.dev/v1", "kind": "Changeset", "id": "c1",
             "author": {"id": "ana", "seniority": "senior"}, "services": ["component:payments"]}"#,
    )
    .unwrap();
    let a = engine.assess(&change, &Context::new(Timestamp::parse("2026-12-06T09:00:00Z").unwrap()));
    let mut teams: Vec<String> = a
        .decision
        .required_approvals
        .iter()
        .filter(|p| p.role == ApprovalRole::Owner)
        .flat_map(|p| p.teams.clone())
        .collect();
    teams.sort();
    teams
}

#[test]
fn every_owner_equally_trusted_sources_state_approves() {
    // An overlay that agrees: one owner.
    let agreeing = OVERLAY.replace("owner: platform", "owner: team-payments");
    assert_eq!(owner_teams(&[("catalog.yaml", CATALOG), ("overlay.yaml", &agreeing)]), ["team-payments"]);
    // The catalog and a native overlay (the same trust) disagree: both.
    let both = owner_teams(&[("catalog.yaml", CATALOG), ("overlay.yaml", OVERLAY)]);
    assert_eq!(both, ["platform", "team-payments"]);
    // Whatever the order of the files.
    assert_eq!(owner_teams(&[("overlay.yaml", OVERLAY), ("catalog.yaml", CATALOG)]), both);
}

#[test]
fn the_merge_records_co_owners_as_a_label() {
    let mut loader = GraphLoader::new(BuildOptions::default());
    loader.add_bytes("catalog.yaml", CATALOG.as_bytes(), None).unwrap();
    loader.add_bytes("overlay.yaml", OVERLAY.as_bytes(), None).unwrap();
    let graph = loader.build().unwrap();
    let node = graph.node("component:payments").unwrap();
    assert_eq!(node.owner(), Some("platform"));
    assert_eq!(node.labels().get("co_owners").map(String::as_str), Some("team-payments"));
    assert!(graph.warnings().iter().any(|w| w.message().contains("co-owner")));
    assert_eq!(graph.node("web").unwrap().labels().get("co_owners"), None);
}
