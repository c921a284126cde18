//! Integration tests of the `Context` document reader: the issue's example
//! in JSON and YAML, each freeze scope form, and every kind of bad input,
//! asserting the error kind and the place it names.

use blastgate_change::ChangeError;
use blastgate_core::context::{
    Context, ErrorBudget, Exception, Freeze, FreezeScope, InFlight, Incident, Severity, Timestamp, limits,
};
use blastgate_graph::Tier;
use blastgate_ingest::context::{json_schema, parse, parse_at};

/// Helpers; in a `cfg(test)` module so that clippy's test allowances
/// (unwrap, panic, indexing) apply to them as to the tests.
#[cfg(test)]
mod support {
    use super::*;

    /// The document of the issue, verbatim.
    pub const ISSUE_JSON: &str = r#"{
  "apiVersion": "blastgate.dev/v1",
  "kind": "Context",
  "now": "2026-11-27T10:00:00Z",
  "incidents": [{"service": "paymentservice", "severity": "sev2", "since": "2026-11-27T09:10:00Z"}],
  "error_budgets": [{"service": "frontend", "remaining": 0.12}],
  "freezes": [{"start": "2026-11-26T00:00:00Z", "end": "2026-11-30T00:00:00Z", "scope": {"tiers": [0]}, "allow": ["fix"]}],
  "in_flight": [{"id": "deploy-77", "services": ["cartservice"], "start": "2026-11-27T09:30:00Z", "end": "2026-11-27T11:00:00Z"}]
}"#;

    /// The same document in YAML.
    pub const ISSUE_YAML: &str = "\
apiVersion: blastgate.dev/v1
kind: Context
now: 2026-11-27T10:00:00Z
incidents:
  - service: paymentservice
    severity: sev2
    since: 2026-11-27T09:10:00Z
error_budgets:
  - service: frontend
    remaining: 0.12
freezes:
  - start: 2026-11-26T00:00:00Z
    end: 2026-11-30T00:00:00Z
    scope:
      tiers: [0]
    allow: [fix]
in_flight:
  - id: deploy-77
    services: [cartservice]
    start: 2026-11-27T09:30:00Z
    end: 2026-11-27T11:00:00Z
";

    pub fn t(text: &str) -> Timestamp {
        Timestamp::parse(text).unwrap()
    }

    pub fn ok(name: &str, text: &str) -> Context {
        parse(name, text.as_bytes()).unwrap_or_else(|e| panic!("{e}"))
    }

    pub fn err(name: &str, text: &str) -> ChangeError {
        parse(name, text.as_bytes()).unwrap_err()
    }

    /// The issue's JSON with `from` replaced by `to` (which must occur).
    pub fn issue_with(from: &str, to: &str) -> String {
        assert!(ISSUE_JSON.contains(from), "`{from}` not in the issue's document");
        ISSUE_JSON.replacen(from, to, 1)
    }

    /// Asserts the error kind and that the message holds every fragment.
    pub fn assert_error(err: &ChangeError, kind: &str, fragments: &[&str]) {
        let text = err.to_string();
        assert_eq!(err.kind_name(), kind, "{text}");
        for fragment in fragments {
            assert!(text.contains(fragment), "`{fragment}` not in: {text}");
        }
    }

    /// A minimal context with one extra top-level entry.
    pub fn with(entry: &str) -> String {
        format!(r#"{{"apiVersion": "blastgate.dev/v1", "kind": "Context", "now": "2026-11-27T10:00:00Z", {entry}}}"#)
    }
}

use support::*;

#[test]
fn issue_document_json() {
    let c = ok("context.json", ISSUE_JSON);
    assert_eq!(c.now, t("2026-11-27T10:00:00Z"));
    assert_eq!(
        c.incidents,
        [Incident {
            service: "paymentservice".into(),
            severity: Severity::Sev2,
            since: t("2026-11-27T09:10:00Z"),
            resolved_at: None,
            id: None,
            title: None,
        }]
    );
    assert_eq!(c.error_budgets, [ErrorBudget { service: "frontend".into(), remaining: 0.12, slo: None }]);
    assert_eq!(
        c.freezes,
        [Freeze {
            name: None,
            start: t("2026-11-26T00:00:00Z"),
            end: t("2026-11-30T00:00:00Z"),
            scope: FreezeScope::Tiers(vec![Tier::CRITICAL]),
            allow: vec![Exception::Fix],
        }]
    );
    assert_eq!(
        c.in_flight,
        [InFlight {
            id: "deploy-77".into(),
            services: vec!["cartservice".into()],
            start: t("2026-11-27T09:30:00Z"),
            end: t("2026-11-27T11:00:00Z"),
        }]
    );
}

#[test]
fn issue_document_yaml_equals_json() {
    assert_eq!(ok("context.yaml", ISSUE_YAML), ok("context.json", ISSUE_JSON));
}

#[test]
fn issue_document_queries() {
    let c = ok("context.json", ISSUE_JSON);
    let frozen: Vec<&Freeze> = c.freezes_in_force(c.now).collect();
    assert_eq!(frozen.len(), 1);
    assert!(frozen[0].covers("paymentservice", Some(Tier::CRITICAL)));
    assert!(!frozen[0].covers("emailservice", Tier::new(2)));
    assert!(frozen[0].allows(Exception::Fix));
    assert!(!frozen[0].allows(Exception::Security));
    assert_eq!(c.most_severe_open_on("paymentservice"), Some(Severity::Sev2));
    assert_eq!(c.error_budget("frontend"), Some(0.12));
    assert_eq!(c.error_budget("cartservice"), None);
    assert_eq!(c.in_flight_overlapping(c.now, c.now).count(), 1);
    let later = c.with_now(t("2026-11-30T00:00:00Z"));
    assert_eq!(later.freezes_in_force(later.now).count(), 0);
}

#[test]
fn serialises_back_to_an_equal_document() {
    let c = ok("context.json", ISSUE_JSON);
    let json = serde_json::to_string(&c).unwrap();
    assert_eq!(ok("again.json", &json), c);
    assert!(json.contains(r#""scope":{"tiers":[0]}"#), "{json}");
    assert!(json.contains(r#""now":"2026-11-27T10:00:00Z""#), "{json}");
}

#[test]
fn only_now_is_valid() {
    let json = r#"{"apiVersion": "blastgate.dev/v1", "kind": "Context", "now": "2026-11-27T10:00:00Z"}"#;
    let c = ok("now.json", json);
    assert_eq!(c, Context::new(t("2026-11-27T10:00:00Z")));
    let yaml = "apiVersion: blastgate.dev/v1\nkind: Context\nnow: '2026-11-27T12:00:00+02:00'\n";
    assert_eq!(ok("now.yaml", yaml), c);
}

#[test]
fn more_fields_are_read() {
    let c = ok(
        "more.json",
        &with(
            r#""incidents": [{"service": "cart", "severity": "sev1", "since": "2026-11-27T09:00:00Z",
                "resolved_at": "2026-11-27T09:45:00Z", "id": "INC-7", "title": "carts empty"}],
               "error_budgets": [{"service": "cart", "remaining": -0.5, "slo": "availability"}],
               "freezes": [{"name": "black-friday", "start": "2026-11-26T00:00:00Z", "end": "2026-11-30T00:00:00Z"}]"#,
        ),
    );
    assert_eq!(c.incidents[0].resolved_at, Some(t("2026-11-27T09:45:00Z")));
    assert_eq!(c.incidents[0].id.as_deref(), Some("INC-7"));
    assert_eq!(c.incidents_open_on("cart").count(), 0);
    assert_eq!(c.error_budget("cart"), Some(-0.5));
    assert_eq!(c.freezes[0].name.as_deref(), Some("black-friday"));
    assert_eq!(c.freezes[0].scope, FreezeScope::All, "a freeze without a scope covers everything");
    assert!(c.freezes[0].allow.is_empty());
}

#[test]
fn scope_all() {
    let c = ok("all.json", &issue_with(r#"{"tiers": [0]}"#, r#""all""#));
    assert_eq!(c.freezes[0].scope, FreezeScope::All);
    let y = ok("all.yaml", &ISSUE_YAML.replace("scope:\n      tiers: [0]", "scope: all"));
    assert_eq!(y.freezes[0].scope, FreezeScope::All);
}

#[test]
fn scope_services() {
    let c = ok("services.json", &issue_with(r#"{"tiers": [0]}"#, r#"{"services": ["checkout", "cart"]}"#));
    assert_eq!(c.freezes[0].scope, FreezeScope::Services(vec!["checkout".into(), "cart".into()]));
    assert!(c.freezes[0].covers("cart", None));
    assert!(!c.freezes[0].covers("frontend", Some(Tier::CRITICAL)));
    let y = ok("services.yaml", &ISSUE_YAML.replace("tiers: [0]", "services: [checkout, cart]"));
    assert_eq!(y.freezes[0].scope, c.freezes[0].scope);
}

#[test]
fn scope_tiers_by_number_or_name() {
    let c = ok("tiers.json", &issue_with(r#"{"tiers": [0]}"#, r#"{"tiers": [0, "high"]}"#));
    assert_eq!(c.freezes[0].scope, FreezeScope::Tiers(vec![Tier::CRITICAL, Tier::new(1).unwrap()]));
    let y = ok("tiers.yaml", &ISSUE_YAML.replace("tiers: [0]", "tiers: [critical, 1]"));
    assert_eq!(y.freezes[0].scope, c.freezes[0].scope);
}

#[test]
fn every_exception_name() {
    let c = ok("allow.json", &issue_with(r#"["fix"]"#, r#"["fix", "rollback", "security"]"#));
    assert_eq!(c.freezes[0].allow, Exception::ALL);
}

#[test]
fn offsets_are_applied() {
    let c = ok("offset.json", &issue_with("2026-11-27T10:00:00Z", "2026-11-27T11:00:00+01:00"));
    assert_eq!(c.now, t("2026-11-27T10:00:00Z"));
}

// Bad input: unknown fields at each level.

#[test]
fn unknown_top_level_field() {
    let e = err("c.json", &issue_with(r#""kind""#, r#""incident": [], "kind""#));
    assert_error(&e, "schema", &["c.json", "$", "unknown field `incident`"]);
}

#[test]
fn unknown_incident_field() {
    let e = err("c.json", &issue_with(r#""severity": "sev2""#, r#""severity": "sev2", "sevrity": "sev1""#));
    assert_error(&e, "schema", &["$.incidents[0]", "unknown field `sevrity`"]);
}

#[test]
fn unknown_error_budget_field() {
    let e = err("c.json", &issue_with(r#""remaining": 0.12"#, r#""remaining": 0.12, "window": "30d""#));
    assert_error(&e, "schema", &["$.error_budgets[0]", "unknown field `window`"]);
}

#[test]
fn unknown_freeze_field() {
    let e = err("c.json", &issue_with(r#""allow": ["fix"]"#, r#""allows": ["fix"]"#));
    assert_error(&e, "schema", &["$.freezes[0]", "unknown field `allows`"]);
}

#[test]
fn unknown_scope_key() {
    let e = err("c.json", &issue_with(r#"{"tiers": [0]}"#, r#"{"teirs": [0]}"#));
    assert_error(&e, "schema", &["$.freezes[0].scope", "unknown field `teirs`", "`services`", "`tiers`"]);
    let e = err("c.yaml", &ISSUE_YAML.replace("tiers: [0]", "service: [cart]"));
    assert_error(&e, "schema", &["c.yaml", "line 15", "unknown field `service`"]);
}

#[test]
fn unknown_in_flight_field() {
    let e = err("c.json", &issue_with(r#""id": "deploy-77""#, r#""id": "deploy-77", "owner": "x""#));
    assert_error(&e, "schema", &["$.in_flight[0]", "unknown field `owner`"]);
}

#[test]
fn unknown_field_in_yaml() {
    let e = err("c.yaml", &ISSUE_YAML.replace("    remaining: 0.12", "    remaining: 0.12\n    window: 30d"));
    assert_error(&e, "schema", &["c.yaml", "line 11", "unknown field `window`"]);
}

// Bad input: values.

#[test]
fn bad_severity() {
    let e = err("c.json", &issue_with(r#""sev2""#, r#""critical""#));
    assert_error(&e, "schema", &["$.incidents[0].severity", "unknown variant `critical`", "`sev1`", "`sev4`"]);
    let e = err("c.json", &issue_with(r#""sev2""#, r#""SEV2""#));
    assert_error(&e, "schema", &["$.incidents[0].severity", "`SEV2`"]);
}

#[test]
fn bad_timestamp() {
    let e = err("c.json", &issue_with(r#""since": "2026-11-27T09:10:00Z""#, r#""since": "2026-11-27T09:10:00""#));
    assert_error(
        &e,
        "invalid_value",
        &["$.incidents[0].since", "`2026-11-27T09:10:00`", "offset", "help: write an RFC 3339"],
    );
    let e = err("c.json", &issue_with("2026-11-27T10:00:00Z", "yesterday"));
    assert_error(&e, "invalid_value", &["$.now", "`yesterday`", "RFC 3339"]);
    let e = err("c.json", &issue_with("2026-11-26T00:00:00Z", "2026-02-30T00:00:00Z"));
    assert_error(&e, "invalid_value", &["$.freezes[0].start", "`2026-02-30T00:00:00Z`"]);
    let e = err("c.json", &issue_with(r#""now": "2026-11-27T10:00:00Z""#, r#""now": 1795773600"#));
    assert_error(&e, "schema", &["$.now", "invalid type", "RFC 3339"]);
    let e = err("c.yaml", &ISSUE_YAML.replace("since: 2026-11-27T09:10:00Z", "since: 2026-11-27 09:10"));
    assert_error(&e, "invalid_value", &["c.yaml", "line 7", "timestamp `2026-11-27 09:10`"]);
}

#[test]
fn freeze_end_before_start() {
    let e = err("c.json", &issue_with("2026-11-30T00:00:00Z", "2026-11-25T00:00:00Z"));
    assert_error(&e, "invalid_value", &["$.freezes[0].end", "`2026-11-25T00:00:00Z`", "freeze ends before"]);
    let e = err("c.json", &issue_with("2026-11-30T00:00:00Z", "2026-11-26T00:00:00Z"));
    assert_error(&e, "invalid_value", &["$.freezes[0].end", "freeze ends before or when it starts"]);
}

#[test]
fn in_flight_end_before_start() {
    let e = err("c.json", &issue_with("2026-11-27T11:00:00Z", "2026-11-27T09:00:00Z"));
    assert_error(&e, "invalid_value", &["$.in_flight[0].end", "deploy window ends before"]);
}

#[test]
fn resolved_before_since() {
    let e = err(
        "c.json",
        &issue_with(
            r#""since": "2026-11-27T09:10:00Z""#,
            r#""since": "2026-11-27T09:10:00Z", "resolved_at": "2026-11-27T09:00:00Z""#,
        ),
    );
    assert_error(&e, "invalid_value", &["$.incidents[0].resolved_at", "resolved before it started"]);
}

#[test]
fn nan_budget_in_yaml() {
    for bad in [".nan", ".NaN", ".inf", "-.inf"] {
        let e = err("c.yaml", &ISSUE_YAML.replace("remaining: 0.12", &format!("remaining: {bad}")));
        // serde-saphyr reads `.nan` into the f64; validation names the path.
        assert_error(&e, "invalid_value", &["c.yaml", "$.error_budgets[0].remaining", "NaN or infinite"]);
    }
}

#[test]
fn out_of_range_budget() {
    let e = err("c.json", &issue_with("0.12", "1e999"));
    assert_error(&e, "invalid_value", &["$.error_budgets[0].remaining"]);
    let e = err("c.json", &issue_with("0.12", "12"));
    assert_error(&e, "invalid_value", &["$.error_budgets[0].remaining", "`12`", "at most 1", "0.12"]);
    let c = ok("c.json", &issue_with("0.12", "-3.5"));
    assert_eq!(c.error_budget("frontend"), Some(-3.5));
    let e = err("c.json", &issue_with("0.12", r#""12%""#));
    assert_error(&e, "schema", &["$.error_budgets[0].remaining", "invalid type"]);
}

#[test]
fn unknown_allow_name() {
    let e = err("c.json", &issue_with(r#"["fix"]"#, r#"["fixes"]"#));
    assert_error(
        &e,
        "schema",
        &["$.freezes[0].allow[0]", "unknown variant `fixes`", "`fix`", "`rollback`", "`security`"],
    );
    let e = err("c.yaml", &ISSUE_YAML.replace("allow: [fix]", "allow: [hotfix]"));
    assert_error(&e, "schema", &["c.yaml", "line 16", "unknown variant `hotfix`", "fix, rollback, security"]);
}

#[test]
fn bad_scope() {
    let e = err("c.json", &issue_with(r#"{"tiers": [0]}"#, r#""everything""#));
    assert_error(&e, "schema", &["$.freezes[0].scope", "unknown freeze scope `everything`", "`all`"]);
    let e = err("c.json", &issue_with(r#"{"tiers": [0]}"#, r#"{"tiers": [0], "services": ["cart"]}"#));
    assert_error(&e, "schema", &["$.freezes[0].scope", "one key"]);
    let e = err("c.json", &issue_with(r#"{"tiers": [0]}"#, "{}"));
    assert_error(&e, "schema", &["$.freezes[0].scope", "empty freeze scope"]);
    let e = err("c.json", &issue_with(r#"{"tiers": [0]}"#, "7"));
    assert_error(&e, "schema", &["$.freezes[0].scope", "invalid type", "a freeze scope"]);
    let e = err("c.json", &issue_with(r#"{"tiers": [0]}"#, r#"{"tiers": [4]}"#));
    assert_error(&e, "invalid_value", &["$.freezes[0].scope.tiers[0]", "tier `4`", "help: write a tier"]);
    let e = err("c.json", &issue_with(r#"{"tiers": [0]}"#, r#"{"tiers": []}"#));
    assert_error(&e, "invalid_value", &["$.freezes[0].scope.tiers", "would cover nothing"]);
    let e = err("c.json", &issue_with(r#"{"tiers": [0]}"#, r#"{"services": []}"#));
    assert_error(&e, "invalid_value", &["$.freezes[0].scope.services", "would cover nothing"]);
    let e = err("c.json", &issue_with(r#"{"tiers": [0]}"#, r#"{"services": [""]}"#));
    assert_error(&e, "invalid_value", &["$.freezes[0].scope.services[0]", "service id is empty"]);
}

#[test]
fn bad_ids_and_services() {
    let e = err("c.json", &issue_with(r#""service": "paymentservice""#, r#""service": " ""#));
    assert_error(&e, "invalid_value", &["$.incidents[0].service", "service id is empty"]);
    let e = err("c.json", &issue_with(r#""service": "frontend""#, r#""service": "front\u0000end""#));
    assert_error(&e, "invalid_value", &["$.error_budgets[0].service", "control character"]);
    let e = err("c.json", &issue_with(r#""id": "deploy-77""#, r#""id": """#));
    assert_error(&e, "invalid_value", &["$.in_flight[0].id", "change id is empty"]);
    let e = err("c.json", &issue_with(r#"["cartservice"]"#, "[]"));
    assert_error(&e, "invalid_value", &["$.in_flight[0].services", "no services"]);
    let e = err("c.json", &issue_with(r#""services": ["cartservice"], "#, ""));
    assert_error(&e, "schema", &["$.in_flight[0]", "missing field `services`"]);
}

#[test]
fn wrong_api_version() {
    let e = err("c.json", &issue_with("blastgate.dev/v1", "blastgate.dev/v2"));
    assert_error(&e, "unsupported_version", &["$.apiVersion", "`blastgate.dev/v2`", "reads `blastgate.dev/v1`"]);
    // Reported before the schema error a newer version may explain.
    let e = err("c.json", &issue_with(r#""kind""#, r#""kind": "Context", "windows": [], "x""#).replace("v1", "v2"));
    assert_error(&e, "unsupported_version", &["$.apiVersion"]);
    let e = err("c.yaml", &ISSUE_YAML.replace("v1", "v9").replace("kind: Context", "kind: Context\nlabels: {}"));
    assert_error(&e, "unsupported_version", &["c.yaml", "`blastgate.dev/v9`"]);
}

#[test]
fn wrong_kind() {
    let e = err("c.json", &issue_with(r#""kind": "Context""#, r#""kind": "Changeset""#));
    assert_error(&e, "schema", &["$.kind", "`Changeset`", "a context has `kind: Context`"]);
    // A changeset passed as a context says so, not "unknown field `id`".
    let e = err("c.json", r#"{"apiVersion": "blastgate.dev/v1", "kind": "Changeset", "id": "pr-1"}"#);
    assert_error(&e, "schema", &["$.kind", "`Changeset`"]);
}

#[test]
fn missing_now() {
    let e = err("c.json", r#"{"apiVersion": "blastgate.dev/v1", "kind": "Context"}"#);
    assert_error(&e, "schema", &["c.json", "$", "missing field `now`"]);
    let e = err("c.yaml", "apiVersion: blastgate.dev/v1\nkind: Context\nincidents: []\n");
    assert_error(&e, "schema", &["c.yaml", "missing field `now`"]);
    // The help says how to state it, or give it for a calendar.
    assert!(e.to_string().contains("help: state the instant") && e.to_string().contains("--now"), "{e}");
    // `null` is not leaving it out.
    let e = err("c.yaml", "apiVersion: blastgate.dev/v1\nkind: Context\nnow: ~\n");
    assert!(e.to_string().contains("line 3"), "{e}");
    let e = err("c.json", r#"{"apiVersion": "blastgate.dev/v1", "kind": "Context", "now": null}"#);
    assert!(e.to_string().contains("$.now"), "{e}");
}

/// A freeze calendar or a list of people may leave `now` out when the
/// instant is given: it describes no instant, so the caller is told it
/// was not stated (and does not warn that it is stale).
#[test]
fn a_calendar_may_be_dated_by_the_caller() {
    let given = t("2026-12-21T09:00:00Z");
    let calendar = "apiVersion: blastgate.dev/v1\nkind: Context\nfreezes:\n  - name: year-end\n    start: 2026-12-20T00:00:00Z\n    end: 2027-01-04T00:00:00Z\npeople:\n  - {id: ana, seniority: senior}\n";
    let (c, stated) = parse_at("cal.yaml", calendar.as_bytes(), Some(given)).unwrap();
    assert!(!stated);
    assert_eq!(c.now(), given);
    assert_eq!(c.freezes_in_force(given).count(), 1);
    assert_eq!(c.people.len(), 1);
    // A document's own `now` wins, and is said to be stated.
    let (c, stated) = parse_at("c.json", ISSUE_JSON.as_bytes(), Some(given)).unwrap();
    assert!(stated);
    assert_eq!(c.now(), t("2026-11-27T10:00:00Z"));
    assert_eq!(c, ok("c.json", ISSUE_JSON));
    // Readings of production at an instant need it stated: refused, at
    // the list, whatever else the document holds.
    for (list, entry) in [
        ("incidents", r#""incidents": [{"service": "a", "severity": "sev2", "since": "2026-11-27T09:10:00Z"}]"#),
        ("error_budgets", r#""error_budgets": [{"service": "a", "remaining": 0.5}]"#),
        (
            "in_flight",
            r#""in_flight": [{"id": "d", "services": ["a"], "start": "2026-11-27T09:30:00Z", "end": "2026-11-27T11:00:00Z"}]"#,
        ),
    ] {
        let doc = format!(r#"{{"apiVersion": "blastgate.dev/v1", "kind": "Context", {entry}}}"#);
        let e = parse_at("c.json", doc.as_bytes(), Some(given)).unwrap_err();
        assert_error(&e, "invalid_value", &["c.json", &format!("$.{list}"), "readings"]);
        assert!(e.to_string().contains("help: state the instant"), "{e}");
    }
    // Empty lists are no readings.
    let doc = r#"{"apiVersion": "blastgate.dev/v1", "kind": "Context", "incidents": []}"#;
    assert_eq!(parse_at("c.json", doc.as_bytes(), Some(given)).unwrap(), (Context::new(given), false));
    // The checks still run on a dated calendar.
    let doc = r#"{"apiVersion": "blastgate.dev/v1", "kind": "Context", "freezes": [{"start": "2026-12-20T00:00:00Z", "end": "2026-12-01T00:00:00Z"}]}"#;
    assert_error(&parse_at("c.json", doc.as_bytes(), Some(given)).unwrap_err(), "invalid_value", &["$.freezes[0].end"]);
}

#[test]
fn invalid_utf8() {
    let mut bytes = ISSUE_JSON.as_bytes().to_vec();
    bytes.splice(40..40, [0xff, 0xfe]);
    let e = parse("c.json", &bytes).unwrap_err();
    assert_error(&e, "syntax", &["c.json", "line 3, byte 40", "invalid UTF-8"]);
}

#[test]
fn truncated_json() {
    for end in [1, 40, ISSUE_JSON.len() / 2, ISSUE_JSON.len() - 1] {
        let e = err("c.json", &ISSUE_JSON[..end]);
        assert_error(&e, "syntax", &["c.json", "line"]);
    }
    let e = err("c.json", &format!("{ISSUE_JSON} {{}}"));
    assert_error(&e, "syntax", &["trailing characters"]);
}

#[test]
fn empty_and_non_map_documents() {
    let e = err("c.yaml", "");
    assert_error(&e, "syntax", &["c.yaml", "line 1", "unexpected end of input"]);
    let e = err("c.json", "[]");
    assert_eq!(e.kind_name(), "schema", "{e}");
}

#[test]
fn over_long_list() {
    let n = limits::MAX_LIST_ENTRIES + 1;
    let entry = r#"{"service": "s", "remaining": 0.5}"#;
    let list = vec![entry; n].join(",");
    let e = err("c.json", &with(&format!(r#""error_budgets": [{list}]"#)));
    assert_error(&e, "limit_exceeded", &["c.json: $.error_budgets", "`max_list_entries`", "10001 > 10000"]);
    // `--context` reads one file: the help does not say to split it.
    assert_error(&e, "limit_exceeded", &["list fewer entries in the context"]);
    assert!(!e.to_string().contains("smaller files"), "{e}");
    let services = vec![r#""s""#; n].join(",");
    let e = err(
        "c.json",
        &with(&format!(
            r#""in_flight": [{{"id": "d", "services": [{services}], "start": "2026-11-27T09:30:00Z", "end": "2026-11-27T11:00:00Z"}}]"#
        )),
    );
    assert_error(&e, "limit_exceeded", &["$.in_flight[0].services", "`max_list_entries`"]);
    // Exactly at the limit is fine.
    let list = vec![entry; limits::MAX_LIST_ENTRIES].join(",");
    let c = ok("c.json", &with(&format!(r#""error_budgets": [{list}]"#)));
    assert_eq!(c.error_budgets.len(), limits::MAX_LIST_ENTRIES);
}

#[test]
fn over_long_strings_and_input() {
    let long = "s".repeat(limits::MAX_ID_BYTES + 1);
    let e = err("c.json", &issue_with("paymentservice", &long));
    assert_error(&e, "limit_exceeded", &["c.json: $.incidents[0].service", "`max_id_bytes`"]);
    let long = "d".repeat(limits::MAX_STRING_BYTES + 1);
    let e = err("c.json", &issue_with("deploy-77", &long));
    assert_error(&e, "limit_exceeded", &["c.json: $.in_flight[0].id", "`max_string_bytes`"]);
    let big = vec![b' '; limits::MAX_INPUT_BYTES as usize + 1];
    let e = parse("c.json", &big).unwrap_err();
    assert_error(&e, "limit_exceeded", &["`max_input_bytes`"]);
}

/// Limit errors on an id or a string deep in the document name its JSON
/// path, as the list-length limit does (a diagnostics audit: they named
/// the file alone).
#[test]
fn over_long_values_name_their_place() {
    let long = "s".repeat(600);
    let entry = |i: usize, services: &str| {
        format!(
            r#"{{"id": "d{i}", "services": [{services}], "start": "2026-11-27T09:30:00Z", "end": "2026-11-27T11:00:00Z"}}"#
        )
    };
    let mut entries: Vec<String> = (0..3).map(|i| entry(i, r#""a""#)).collect();
    entries.push(entry(3, &format!(r#""a", "{long}""#)));
    let e = err("c.json", &with(&format!(r#""in_flight": [{}]"#, entries.join(","))));
    assert_error(&e, "limit_exceeded", &["c.json: $.in_flight[3].services[1]", "`max_id_bytes`", "600 > 512"]);
    let name = "f".repeat(5000);
    let e = err(
        "c.json",
        &with(&format!(
            r#""freezes": [{{"name": "{name}", "start": "2026-11-27T00:00:00Z", "end": "2026-11-28T00:00:00Z"}}]"#
        )),
    );
    assert_error(&e, "limit_exceeded", &["c.json: $.freezes[0].name", "`max_string_bytes`"]);
}

#[test]
fn deep_nesting_is_a_limit() {
    let deep = format!("{}{}", "[".repeat(100), "]".repeat(100));
    let e = err("c.json", &with(&format!(r#""incidents": {deep}"#)));
    assert_error(&e, "limit_exceeded", &["`max_nesting_depth`"]);
}

#[test]
fn schema_names_the_document() {
    let schema = json_schema();
    for fragment in [r#""title": "blastgate Context""#, r#""format": "date-time""#, r#""sev1""#, r#""const": "all""#] {
        assert!(schema.contains(fragment), "`{fragment}` not in the schema");
    }
}

#[test]
fn formats_md_example_is_the_issue_document() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/formats.md");
    let doc = std::fs::read_to_string(path).unwrap();
    let section = &doc[doc.find("\n# Context\n").expect("a Context section")..];
    let start = section.find("```json\n").unwrap() + "```json\n".len();
    let end = start + section[start..].find("```").unwrap();
    assert_eq!(ok("formats.md", &section[start..end]), ok("context.json", ISSUE_JSON));
}

#[test]
fn names_with_control_characters_are_refused() {
    for (doc, place) in [
        (
            r#""freezes": [{"name": "x\n::warning::y", "start": "2026-11-27T00:00:00Z", "end": "2026-11-28T00:00:00Z"}]"#,
            "$.freezes[0].name",
        ),
        (
            r#""incidents": [{"service": "a", "severity": "sev1", "since": "2026-11-27T00:00:00Z", "title": "t\u001b[2J"}]"#,
            "$.incidents[0].title",
        ),
        (
            r#""in_flight": [{"id": "d\r7", "services": ["a"], "start": "2026-11-27T00:00:00Z", "end": "2026-11-28T00:00:00Z"}]"#,
            "$.in_flight[0].id",
        ),
    ] {
        let text =
            format!(r#"{{"apiVersion": "blastgate.dev/v1", "kind": "Context", "now": "2026-11-27T10:00:00Z", {doc}}}"#);
        let e = parse("ctx.json", text.as_bytes()).unwrap_err().to_string();
        assert!(e.contains(place) && e.contains("control character"), "{place}: {e}");
    }
}

#[test]
fn people_are_read_and_looked_up_without_regard_to_case() {
    let c = ok(
        "c.json",
        &issue_with(
            r#""in_flight""#,
            r#""people": [{"id": "Dana", "seniority": "senior"}, {"id": "sam@example.com", "seniority": "junior"}], "in_flight""#,
        ),
    );
    assert_eq!(c.people.len(), 2);
    assert_eq!(c.person("dana").map(|p| p.seniority.as_str()), Some("senior"));
    assert_eq!(c.person("SAM@example.COM").map(|p| p.seniority.as_str()), Some("junior"));
    assert!(c.person("alex").is_none());
    // YAML too.
    let yaml = format!("{ISSUE_YAML}people:\n  - {{id: dana, seniority: staff}}\n");
    assert_eq!(ok("c.yaml", &yaml).person("DANA").map(|p| p.seniority.as_str()), Some("staff"));
}

#[test]
fn bad_people_name_their_place() {
    let with = |people: &str| issue_with(r#""in_flight""#, &format!(r#""people": {people}, "in_flight""#));
    let e = err("c.json", &with(r#"[{"id": "dana", "seniority": "senior"}, {"id": "DANA", "seniority": "junior"}]"#));
    assert_error(&e, "invalid_value", &["c.json: $.people[1].id", "`DANA`", "listed twice", "$.people[0]"]);
    let e = err("c.json", &with(r#"[{"id": " ", "seniority": "senior"}]"#));
    assert_error(&e, "invalid_value", &["$.people[0].id", "empty"]);
    let e = err("c.json", &with(r#"[{"id": "dana", "seniority": ""}]"#));
    assert_error(&e, "invalid_value", &["$.people[0].seniority", "empty"]);
    let e = err("c.json", &with(r#"[{"id": "dana\u0007", "seniority": "senior"}]"#));
    assert_error(&e, "invalid_value", &["$.people[0].id", "control character"]);
    let e = err("c.json", &with(r#"[{"id": "dana"}]"#));
    assert_error(&e, "schema", &["$.people[0]", "seniority"]);
    let e = err("c.json", &with(r#"[{"id": "dana", "seniority": "senior", "level": 3}]"#));
    assert_error(&e, "schema", &["unknown field `level`"]);
    // An empty list names nobody: refused, not read as "no list" (which
    // would hand the seniority back to the changesets' own claims).
    let e = err("c.json", &with("[]"));
    assert_error(&e, "schema", &["$.people", "empty `people` list"]);
    let entry = r#"{"id": "p", "seniority": "junior"}"#;
    let e = err("c.json", &with(&format!("[{}]", vec![entry; limits::MAX_LIST_ENTRIES + 1].join(","))));
    assert_error(&e, "limit_exceeded", &["c.json: $.people", "`max_list_entries`"]);
}

/// A YAML file with a second document says so in the user's terms, not
/// the YAML library's (`use from_str_multiple ...`, a fail-closed audit).
#[test]
fn a_second_yaml_document_is_named_plainly() {
    let doc = "apiVersion: blastgate.dev/v1\nkind: Context\nnow: \"2026-11-30T00:00:00Z\"\n";
    let e = err("context.yaml", &format!("{doc}---\n{doc}"));
    let text = e.to_string();
    assert!(text.contains("context.yaml") && text.contains("second YAML document"), "{text}");
    assert!(!text.contains("from_str_multiple"), "{text}");
}

/// A YAML key written twice is named, with its place, in the user's terms:
/// the YAML library's wording told users to "set DuplicateKeyPolicy in
/// Options", which they cannot (a diagnostics audit).
#[test]
fn a_duplicate_yaml_key_is_named_plainly() {
    let doc = "apiVersion: blastgate.dev/v1\nkind: Context\nnow: 2026-11-27T10:00:00Z\nnow: 2026-11-28T10:00:00Z\n";
    let e = err("context.yaml", doc);
    assert_error(&e, "syntax", &["context.yaml", "line 4", "duplicate key `now`", "appears twice"]);
    assert!(!e.to_string().contains("DuplicateKeyPolicy"), "{e}");
}

#[test]
fn an_incident_listed_twice_must_agree_with_itself() {
    let doc = |incidents: &str| {
        format!(
            r#"{{"apiVersion": "blastgate.dev/v1", "kind": "Context", "now": "2026-06-01T00:00:00Z", "incidents": {incidents}}}"#
        )
    };
    // Found by an interactions audit: one incident, resolved as a sev1
    // and open as a sev2, was read as the open sev2 (senior where the sev1
    // blocks). Which entry holds is unknown: an error names both.
    let contradicting = doc(
        r#"[{"id": "INC-7", "service": "api", "severity": "sev1", "since": "2026-05-31T20:00:00Z", "resolved_at": "2026-05-31T21:00:00Z"},
            {"id": "INC-7", "service": "api", "severity": "sev2", "since": "2026-05-31T20:00:00Z"}]"#,
    );
    let e = err("ctx.json", &contradicting);
    assert_error(&e, "invalid_value", &["ctx.json: $.incidents[1].id", "`INC-7`", "listed twice", "$.incidents[0]"]);
    // One incident on two services, or an entry repeated as it is, is fine.
    let two_services = doc(r#"[{"id": "INC-7", "service": "api", "severity": "sev1", "since": "2026-05-31T20:00:00Z"},
            {"id": "INC-7", "service": "web", "severity": "sev2", "since": "2026-05-31T20:00:00Z"},
            {"id": "INC-7", "service": "web", "severity": "sev2", "since": "2026-05-31T20:00:00Z"}]"#);
    assert_eq!(ok("ctx.json", &two_services).incidents.len(), 3);
}
