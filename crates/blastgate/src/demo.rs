//! The embedded demo: a realistic e-commerce topology that `blastgate demo`
//! runs on, so the tool can be tried on a fresh machine with no files.

/// The demo topology as a native YAML graph document: storefront, search,
/// catalog, pricing, cart, checkout, payments, orders, accounts, inventory,
/// shipping, notifications and recommendations; their datastores, cache and
/// queues; a payment gateway, an email provider and the production cluster;
/// and the checkout, sign-in and browse journeys.
pub const TOPOLOGY: &str = include_str!("demo/topology.yaml");

/// The name the demo topology is loaded under (appears in messages).
pub const TOPOLOGY_NAME: &str = "demo-topology.yaml";

/// One step of the demo's ladder: a change, the context it is assessed
/// in, and the depth the default policy is expected to give it.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct DemoChange {
    /// What the change is, for people.
    pub title: &'static str,
    /// The changeset (native JSON).
    pub changeset: &'static str,
    /// The context (native JSON).
    pub context: &'static str,
    /// The review depth the default policy gives it (a test checks it).
    pub expected: &'static str,
}

/// The context of the calm steps: nothing going on.
const CALM: &str = r#"{"apiVersion": "blastgate.dev/v1", "kind": "Context", "now": "2026-11-27T10:00:00Z"}"#;

/// Changes that walk the ladder from `auto` to `block`.
pub const LADDER: &[DemoChange] = &[
    DemoChange {
        title: "a docs fix",
        changeset: r#"{"apiVersion": "blastgate.dev/v1", "kind": "Changeset", "id": "docs-fix",
            "author": {"id": "lee", "seniority": "mid", "prior_changes": 140},
            "files": [{"path": "docs/runbooks/checkout.md", "added": 6, "deleted": 2}],
            "safety": {"rollback_plan": true}}"#,
        context: CALM,
        expected: "auto",
    },
    DemoChange {
        title: "a config tweak to notifications, a leaf service",
        changeset: r#"{"apiVersion": "blastgate.dev/v1", "kind": "Changeset", "id": "notify-retries",
            "author": {"id": "sam", "seniority": "senior", "prior_changes": 320},
            "files": [{"path": "notifications/config/retries.yaml", "added": 2, "deleted": 2}],
            "safety": {"rollback_plan": true}}"#,
        context: CALM,
        expected: "peer",
    },
    DemoChange {
        title: "a small change to search, which the storefront and the browse journey use",
        changeset: r#"{"apiVersion": "blastgate.dev/v1", "kind": "Changeset", "id": "search-synonyms",
            "author": {"id": "kim", "seniority": "senior", "prior_changes": 410},
            "files": [{"path": "search/src/synonyms.rs", "added": 24, "deleted": 3},
                      {"path": "search/tests/synonyms.rs", "added": 30, "deleted": 0}],
            "safety": {"rollback_plan": true}}"#,
        context: CALM,
        expected: "owner",
    },
    DemoChange {
        title: "an AI-assisted change by a junior engineer to pricing",
        changeset: r#"{"apiVersion": "blastgate.dev/v1", "kind": "Changeset", "id": "pricing-discounts",
            "author": {"id": "ana", "seniority": "junior", "prior_changes": 12},
            "provenance": {"ai": "assisted", "tool": "copilot"},
            "files": [{"path": "pricing/src/discounts.go", "added": 180, "deleted": 40}]}"#,
        context: CALM,
        expected: "senior",
    },
    DemoChange {
        title: "a senior engineer recreating the orders database from an AI-written plan, with a final snapshot and \
                a rollback plan",
        changeset: r#"{"apiVersion": "blastgate.dev/v1", "kind": "Changeset", "id": "orders-db-replace",
            "author": {"id": "sam", "seniority": "senior", "prior_changes": 320},
            "provenance": {"ai": "generated", "tool": "coding-agent"},
            "infrastructure": [{"address": "module.orders.aws_db_instance.main", "type": "aws_db_instance",
                                "action": "replace", "actions": ["delete", "create"], "node": "orders-db",
                                "final_snapshot": true}],
            "safety": {"rollback_plan": true}}"#,
        context: CALM,
        expected: "multi_party",
    },
    DemoChange {
        title: "an agent deleting and recreating the orders database on its own, with a final snapshot and a \
                rollback plan it states itself",
        changeset: r#"{"apiVersion": "blastgate.dev/v1", "kind": "Changeset", "id": "orders-db-recreate",
            "author": {"id": "ops-agent", "seniority": "senior"},
            "provenance": {"ai": "agent", "tool": "coding-agent"},
            "infrastructure": [{"address": "module.orders.aws_db_instance.main", "type": "aws_db_instance",
                                "action": "replace", "actions": ["delete", "create"], "node": "orders-db",
                                "final_snapshot": true}],
            "safety": {"rollback_plan": true}}"#,
        context: CALM,
        expected: "block",
    },
    DemoChange {
        title: "a checkout change during the holiday freeze",
        changeset: r#"{"apiVersion": "blastgate.dev/v1", "kind": "Changeset", "id": "checkout-banner",
            "author": {"id": "sam", "seniority": "senior", "prior_changes": 320},
            "files": [{"path": "checkout/src/banner.ts", "added": 15, "deleted": 4}],
            "safety": {"rollback_plan": true}}"#,
        context: r#"{"apiVersion": "blastgate.dev/v1", "kind": "Context", "now": "2026-11-27T10:00:00Z",
            "freezes": [{"name": "holiday", "start": "2026-11-26T00:00:00Z", "end": "2026-11-30T00:00:00Z",
                         "scope": {"tiers": [0]}, "allow": ["fix"]}]}"#,
        expected: "block",
    },
    DemoChange {
        title: "two colliding deploys: catalog while pricing is rolling out",
        changeset: r#"{"apiVersion": "blastgate.dev/v1", "kind": "Changeset", "id": "catalog-images",
            "author": {"id": "kim", "seniority": "senior", "prior_changes": 410},
            "files": [{"path": "catalog/src/images.rs", "added": 40, "deleted": 10}],
            "safety": {"rollback_plan": true}}"#,
        context: r#"{"apiVersion": "blastgate.dev/v1", "kind": "Context", "now": "2026-11-27T10:00:00Z",
            "in_flight": [{"id": "deploy-77", "services": ["pricing"],
                           "start": "2026-11-27T09:30:00Z", "end": "2026-11-27T11:00:00Z"}]}"#,
        expected: "senior",
    },
];
