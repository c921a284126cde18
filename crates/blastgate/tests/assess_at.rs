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

fn change_to_api() -> blastgate::change::Changeset {
    parse_changeset(
        "c.json",
        br#"{"apiVersion": "blastgate.dev/v1", "kind": "Changeset", "id": "c1",
             "author": {"id": "ana", "seniority": "senior"}, "services": ["api"]}"#,
    )
    .unwrap()
}

fn context_of(incidents: &str) -> Result<blastgate::context::Context, String> {
    let doc = format!(
        r#"{{"apiVersion": "blastgate.dev/v1", "kind": "Context", "now": "2026-11-27T10:00:00Z",
             "incidents": [{incidents}]}}"#
    );
    parse_context("context.json", doc.as_bytes()).map_err(|e| e.to_string())
}

/// A `resolved_at` after the context's `now` is a forecast: assessed at a
/// later instant, the incident is still open (red team 32: at a `--now`
/// past the forecast, a sev1 no one had resolved was read as resolved,
/// `auto`, where the context's own instant blocked).
#[test]
fn a_forecast_resolution_stays_a_forecast_at_a_later_instant() {
    let engine = engine();
    let sev1 = r#"{"service": "api", "severity": "sev1", "since": "2026-11-27T09:00:00Z",
                   "resolved_at": "2026-11-27T10:30:00Z"}"#;
    let context = context_of(sev1).unwrap();
    let options = AssessOptions::default();
    for at in ["2026-11-27T10:00:00Z", "2026-11-27T10:45:00Z"] {
        let a = engine.assess_at(&change_to_api(), &context, Timestamp::parse(at).unwrap(), &options);
        assert_eq!(a.review_depth(), ReviewDepth::Block, "{at}");
        assert!(a.fired_rule_ids().any(|id| id == "open-sev1-incident"), "{at}");
    }
    // Resolved by the context's `now`, it stays resolved.
    let resolved = sev1.replace("10:30:00Z", "09:30:00Z");
    let context = context_of(&resolved).unwrap();
    let a = engine.assess_at(&change_to_api(), &context, Timestamp::parse("2026-11-27T10:45:00Z").unwrap(), &options);
    assert!(!a.fired_rule_ids().any(|id| id == "open-sev1-incident"), "{:?}", a.rules);
}

/// One incident listed twice on one service, the entries disagreeing, is
/// refused however the id and the service are spelled (red team 32:
/// `search` beside `Search`, or `INC-1` beside `inc-1`, was read as the
/// open sev2, `senior` where the same spelling was exit 2).
#[test]
fn a_disagreeing_duplicate_incident_is_refused_in_any_case() {
    let resolved = r#"{"id": "INC-1", "service": "api", "severity": "sev1", "since": "2026-11-27T09:00:00Z",
                       "resolved_at": "2026-11-27T09:30:00Z"}"#;
    for (id, service) in [("INC-1", "api"), ("INC-1", "Api"), ("inc-1", "api"), ("INC-1", " API ")] {
        let open =
            format!(r#"{{"id": "{id}", "service": "{service}", "severity": "sev2", "since": "2026-11-27T09:00:00Z"}}"#);
        let e = context_of(&format!("{resolved}, {open}")).unwrap_err();
        assert!(e.contains("incident listed twice"), "{id} on {service}: {e}");
    }
    // The same incident on two services is fine.
    let other = r#"{"id": "INC-1", "service": "db", "severity": "sev2", "since": "2026-11-27T09:00:00Z"}"#;
    assert!(context_of(&format!("{resolved}, {other}")).is_ok());
}

/// An incident listed twice as it is (one incident exported by two feeds)
/// counts once, as changes in flight alike do (red team 32: it counted
/// twice in the likelihood).
#[test]
fn an_incident_listed_twice_as_it_is_counts_once() {
    let engine = engine();
    let sev3 = r#"{"id": "INC-9", "service": "db", "severity": "sev3", "since": "2026-11-27T09:00:00Z"}"#;
    let once = context_of(sev3).unwrap();
    let twice = context_of(&format!("{sev3}, {sev3}")).unwrap();
    let options = AssessOptions::default();
    let a = engine.assess_with(&change_to_api(), &once, &options);
    let b = engine.assess_with(&change_to_api(), &twice, &options);
    assert_eq!(a.risk.likelihood.to_bits(), b.risk.likelihood.to_bits());
    assert_eq!(a.review_depth(), b.review_depth());
}

/// Staleness is judged on the instants, fractions of a second included
/// (red team 32: a context a deploy window and 0.999 s old was fresh).
#[test]
fn staleness_counts_fractions_of_a_second() {
    use blastgate::context::{Staleness, staleness};
    let t = |s: &str| Timestamp::parse(s).unwrap();
    let stated = t("2026-11-27T10:00:00Z");
    assert_eq!(staleness(stated, t("2026-11-27T11:00:00Z"), 60), None);
    assert_eq!(staleness(stated, t("2026-11-27T11:00:00.5Z"), 60), Some(Staleness::Behind));
    assert_eq!(staleness(stated, t("2026-11-27T09:55:00Z"), 60), None);
    assert_eq!(staleness(stated, t("2026-11-27T09:54:59.5Z"), 60), Some(Staleness::Ahead));
}
