//! Unit tests of the context queries.

use super::*;

fn t(text: &str) -> Timestamp {
    Timestamp::parse(text).unwrap()
}

fn freeze(scope: FreezeScope, allow: Vec<Exception>) -> Freeze {
    Freeze { name: None, start: t("2026-11-26T00:00:00Z"), end: t("2026-11-30T00:00:00Z"), scope, allow }
}

fn incident(service: &str, severity: Severity, resolved_at: Option<&str>) -> Incident {
    Incident {
        service: service.to_owned(),
        severity,
        since: t("2026-11-27T09:10:00Z"),
        resolved_at: resolved_at.map(t),
        id: None,
        title: None,
    }
}

fn in_flight(start: &str, end: &str) -> InFlight {
    InFlight { id: "deploy-77".to_owned(), services: vec!["cartservice".to_owned()], start: t(start), end: t(end) }
}

#[test]
fn timestamp_applies_offsets_and_writes_utc() {
    let a = t("2026-11-27T12:00:00+02:00");
    assert_eq!(a, t("2026-11-27T10:00:00Z"));
    assert_eq!(a.to_string(), "2026-11-27T10:00:00Z");
    assert_eq!(t("2026-11-27t10:00:00.250z").to_string(), "2026-11-27T10:00:00.25Z");
    assert_eq!(t("2026-11-27 10:00:00Z"), a);
    assert_eq!(t("2026-11-27T10:00:00-00:00"), a);
    assert_eq!(t("2026-11-28T09:59:00+23:59").to_string(), "2026-11-27T10:00:00Z");
    // jiff reads a leap second as the second before it.
    assert_eq!(t("2026-12-31T23:59:60Z").to_string(), "2026-12-31T23:59:59Z");
    assert_eq!(a.as_unix_seconds(), 1_795_773_600);
    assert_eq!(Timestamp::from_unix_seconds(1_795_773_600), Some(a));
    assert_eq!("2026-11-27T10:00:00Z".parse::<Timestamp>(), Ok(a));
}

#[test]
fn timestamp_orders_by_instant() {
    assert!(t("2026-11-27T10:00:00Z") < t("2026-11-27T10:00:00.000000001Z"));
    assert!(t("2026-11-27T11:00:00+02:00") < t("2026-11-27T10:00:00Z"));
}

#[test]
fn timestamp_rejects_what_rfc3339_does_not_write() {
    for bad in [
        "2026-11-27T10:00:00",
        "2026-11-27T10:00:00+02",
        "2026-11-27T10:00:00+0200",
        "2026-11-27T10:00:00+24:00",
        "2026-11-27T10:00:00+25:00",
        "2026-11-27T10:00:00+02:60",
        "2026-11-27T10:00:00Z[Europe/Paris]",
        "20261127T100000Z",
        "2026-11-27",
        "2026-11-27T10:00Z",
        "2026-11-27T10:00:00.Z",
        "2026-11-27T10:00:00.1234567890Z",
        "2026-13-01T00:00:00Z",
        "2026-02-30T00:00:00Z",
        "２026-11-27T10:00:00Z",
        "",
        "now",
    ] {
        assert!(Timestamp::parse(bad).is_err(), "{bad}");
    }
    assert!(Timestamp::parse("2026-11-27T10:00:00").unwrap_err().message().contains("offset"));
}

#[test]
fn timestamp_range_is_what_rfc3339_writes() {
    let first = t("0000-01-01T00:00:00Z");
    assert_eq!(first.to_string(), "0000-01-01T00:00:00Z");
    assert!(Timestamp::parse("0000-01-01T00:00:00+00:01").is_err());
    assert_eq!(Timestamp::from_unix_seconds(first.as_unix_seconds() - 1), None);
    assert_eq!(first.checked_add_seconds(-1), None);
    assert_eq!(first.checked_add_seconds(60), Some(t("0000-01-01T00:01:00Z")));
    assert_eq!(Timestamp::from_unix_seconds(i64::MAX), None);
    assert_eq!(t("1969-12-31T23:59:59.5Z").as_unix_seconds(), -1);
}

#[test]
fn with_now_replaces_now_only() {
    let mut context = Context::new(t("2026-11-27T10:00:00Z"));
    context.incidents.push(incident("cart", Severity::Sev2, Some("2026-11-27T11:00:00Z")));
    assert_eq!(context.incidents_open_on("cart").count(), 1);
    let later = context.clone().with_now(t("2026-11-27T11:00:00Z"));
    assert_eq!(later.now(), t("2026-11-27T11:00:00Z"));
    assert_eq!(later.incidents, context.incidents);
    assert_eq!(later.incidents_open_on("cart").count(), 0);
}

#[test]
fn freezes_are_in_force_from_start_until_end() {
    let mut context = Context::new(t("2026-11-27T10:00:00Z"));
    context.freezes.push(freeze(FreezeScope::All, vec![]));
    assert_eq!(context.freezes_in_force(t("2026-11-25T23:59:59Z")).count(), 0);
    assert_eq!(context.freezes_in_force(t("2026-11-26T00:00:00Z")).count(), 1);
    assert_eq!(context.freezes_in_force(t("2026-11-29T23:59:59.999Z")).count(), 1);
    assert_eq!(context.freezes_in_force(t("2026-11-30T00:00:00Z")).count(), 0);
}

#[test]
fn freeze_scopes_cover() {
    let all = freeze(FreezeScope::All, vec![]);
    assert!(all.covers("anything", None));
    assert!(all.covers("anything", Tier::new(3)));

    let services = freeze(FreezeScope::Services(vec!["cart".into(), "checkout".into()]), vec![]);
    assert!(services.covers("checkout", Tier::new(3)));
    assert!(!services.covers("Checkout", Tier::new(0)));
    assert!(!services.covers("frontend", None));

    let tiers = freeze(FreezeScope::Tiers(vec![Tier::CRITICAL, Tier::new(1).unwrap()]), vec![]);
    assert!(tiers.covers("x", Tier::new(0)));
    assert!(tiers.covers("x", Tier::new(1)));
    assert!(!tiers.covers("x", Tier::new(2)));
    assert!(tiers.covers("x", None), "an unknown tier must not escape a freeze");
}

#[test]
fn freeze_allows_only_listed_exceptions() {
    let f = freeze(FreezeScope::All, vec![Exception::Fix]);
    assert!(f.allows(Exception::Fix));
    assert!(!f.allows(Exception::Rollback));
    assert!(!freeze(FreezeScope::All, vec![]).allows(Exception::Fix));
    for e in Exception::ALL {
        assert_eq!(Exception::parse(e.as_str()), Some(e));
    }
    assert_eq!(Exception::parse("Fix"), None);
}

#[test]
fn incidents_open_until_resolved() {
    let mut context = Context::new(t("2026-11-27T10:00:00Z"));
    context.incidents = vec![
        incident("payment", Severity::Sev3, None),
        incident("payment", Severity::Sev2, None),
        incident("payment", Severity::Sev1, Some("2026-11-27T10:00:00Z")),
        incident("cart", Severity::Sev1, None),
    ];
    let open: Vec<Severity> = context.incidents_open_on("payment").map(|i| i.severity).collect();
    assert_eq!(open, [Severity::Sev3, Severity::Sev2]);
    assert_eq!(context.most_severe_open_on("payment"), Some(Severity::Sev2));
    assert_eq!(context.most_severe_open_on("frontend"), None);
    // Resolved one second later: open at now.
    context.incidents[2].resolved_at = Some(t("2026-11-27T10:00:01Z"));
    assert_eq!(context.most_severe_open_on("payment"), Some(Severity::Sev1));
}

#[test]
fn an_incident_listed_before_its_since_is_open() {
    let context = Context {
        incidents: vec![incident("payment", Severity::Sev2, None)],
        ..Context::new(t("2026-11-27T09:00:00Z"))
    };
    assert_eq!(context.incidents_open_on("payment").count(), 1);
}

#[test]
fn severity_order_and_names() {
    assert!(Severity::Sev1 < Severity::Sev4);
    assert!(Severity::Sev1.is_at_least(Severity::Sev2));
    assert!(Severity::Sev2.is_at_least(Severity::Sev2));
    assert!(!Severity::Sev3.is_at_least(Severity::Sev2));
    let names: Vec<String> = Severity::ALL.iter().map(ToString::to_string).collect();
    assert_eq!(names, ["sev1", "sev2", "sev3", "sev4"]);
    let levels: Vec<u8> = Severity::ALL.iter().map(|s| s.level()).collect();
    assert_eq!(levels, [1, 2, 3, 4]);
}

#[test]
fn error_budget_is_the_most_spent_slo() {
    let budget = |service: &str, remaining: f64| ErrorBudget { service: service.into(), remaining, slo: None };
    let mut context = Context::new(t("2026-11-27T10:00:00Z"));
    context.error_budgets = vec![budget("frontend", 0.12), budget("frontend", -0.4), budget("cart", 1.0)];
    assert_eq!(context.error_budget("frontend"), Some(-0.4));
    assert_eq!(context.error_budget("cart"), Some(1.0));
    assert_eq!(context.error_budget("checkout"), None);
    context.error_budgets.push(budget("cart", f64::NAN));
    assert_eq!(context.error_budget("cart"), Some(f64::NEG_INFINITY));
}

#[test]
fn in_flight_overlaps() {
    let c = in_flight("2026-11-27T09:30:00Z", "2026-11-27T11:00:00Z");
    assert!(c.overlaps(t("2026-11-27T10:00:00Z"), t("2026-11-27T10:30:00Z")));
    assert!(c.overlaps(t("2026-11-27T08:00:00Z"), t("2026-11-27T12:00:00Z")));
    assert!(c.overlaps(t("2026-11-27T10:59:59Z"), t("2026-11-27T12:00:00Z")));
    assert!(!c.overlaps(t("2026-11-27T11:00:00Z"), t("2026-11-27T12:00:00Z")), "its end is excluded");
    assert!(c.overlaps(t("2026-11-27T08:00:00Z"), t("2026-11-27T09:30:00Z")), "touching its start overlaps");
    assert!(!c.overlaps(t("2026-11-27T08:00:00Z"), t("2026-11-27T09:29:59Z")));
    // A point in time.
    assert!(c.overlaps(t("2026-11-27T09:30:00Z"), t("2026-11-27T09:30:00Z")));
    assert!(!c.overlaps(t("2026-11-27T11:00:00Z"), t("2026-11-27T11:00:00Z")));
    // Either order.
    assert!(c.overlaps(t("2026-11-27T10:30:00Z"), t("2026-11-27T10:00:00Z")));
    assert!(c.deploys("cartservice"));
    assert!(!c.deploys("frontend"));

    let mut context = Context::new(t("2026-11-27T10:00:00Z"));
    context.in_flight = vec![c, in_flight("2026-11-28T00:00:00Z", "2026-11-28T01:00:00Z")];
    let starts: Vec<String> = context
        .in_flight_overlapping(t("2026-11-27T10:00:00Z"), t("2026-11-27T10:05:00Z"))
        .map(|c| c.start.to_string())
        .collect();
    assert_eq!(starts, ["2026-11-27T09:30:00Z"]);
}

/// Regression: a leap second read as `23:59:59` in every field closed an
/// incident, a freeze or a change in flight a second early. An end reads
/// it as the next second; a start (and `now`) still as the one before.
#[test]
fn a_leap_second_ends_after_it_and_starts_before_it() {
    assert_eq!(Timestamp::parse_end("2026-12-31T23:59:60Z"), Ok(t("2027-01-01T00:00:00Z")));
    assert_eq!(Timestamp::parse_end("2026-12-31T23:59:60.999Z"), Ok(t("2027-01-01T00:00:00Z")));
    assert_eq!(Timestamp::parse_end("2027-01-01T01:59:60+02:00"), Ok(t("2027-01-01T00:00:00Z")));
    assert_eq!(Timestamp::parse_end("2026-12-31T23:59:59.5Z"), Ok(t("2026-12-31T23:59:59.5Z")));
    // Past the latest instant held: held there, start or end.
    let latest = t("9999-12-30T22:00:00.999999999Z");
    assert_eq!(Timestamp::parse("9999-12-31T23:59:60Z"), Ok(latest));
    assert_eq!(Timestamp::parse_end("9999-12-31T23:59:60Z"), Ok(latest));
    assert!(Timestamp::parse_end("2026-12-31T23:59:60").is_err());

    let json = r#"{
        "apiVersion": "blastgate.dev/v1", "kind": "Context", "now": "2026-12-31T23:59:60Z",
        "incidents": [{"service": "cart", "severity": "sev1", "since": "2026-12-31T23:59:60Z",
                       "resolved_at": "2026-12-31T23:59:60Z"}],
        "freezes": [{"start": "2026-12-31T23:59:60Z", "end": "2026-12-31T23:59:60Z"}],
        "in_flight": [{"id": "deploy-77", "services": ["cart"], "start": "2026-12-31T23:59:60Z",
                       "end": "2026-12-31T23:59:60Z"}]
    }"#;
    let context: Context = serde_json::from_str(json).unwrap();
    let (before, after) = (t("2026-12-31T23:59:59Z"), t("2027-01-01T00:00:00Z"));
    assert_eq!(context.now, before);
    assert_eq!((context.incidents[0].since, context.incidents[0].resolved_at), (before, Some(after)));
    assert_eq!((context.freezes[0].start, context.freezes[0].end), (before, after));
    assert_eq!((context.in_flight[0].start, context.in_flight[0].end), (before, after));
    assert!(context.incidents[0].is_open_at(t("2026-12-31T23:59:59.5Z")));
    assert_eq!(context.freezes_in_force(t("2026-12-31T23:59:59.5Z")).count(), 1);
    let unresolved = r#"{"service": "cart", "severity": "sev1", "since": "2026-12-31T23:59:00Z"}"#;
    assert_eq!(serde_json::from_str::<Incident>(unresolved).unwrap().resolved_at, None);
}

/// Regression (an SRE context audit): the "forever" that calendars write
/// for an open-ended freeze, `9999-12-31T23:59:59Z`, lies past jiff's
/// latest instant (`9999-12-30T22:00:00.999999999Z`, which leaves room for
/// any offset) and was refused, stopping every deploy with exit 2 and a
/// message of jiff's ranges. A real date and time of the year 9999 past it
/// is held at it; one that does not exist is still refused.
#[test]
fn the_last_day_of_9999_is_held_at_the_latest_instant() {
    let latest = t("9999-12-30T22:00:00.999999999Z");
    for text in ["9999-12-31T23:59:59Z", "9999-12-30T22:00:01Z", "9999-12-31T23:59:59-01:00", "9999-12-31t23:59:59.5z"]
    {
        assert_eq!(Timestamp::parse(text), Ok(latest), "{text}");
        assert_eq!(Timestamp::parse_end(text), Ok(latest), "{text}");
    }
    assert_eq!(Timestamp::parse("9999-12-31T01:00:00+05:00"), Ok(t("9999-12-30T20:00:00Z")));
    for text in ["9999-12-32T00:00:00Z", "9999-02-30T00:00:00Z", "9999-12-31T24:00:00Z", "9999-12-31T23:59:59"] {
        assert!(Timestamp::parse(text).is_err(), "{text}");
    }
    let json = r#"{"apiVersion": "blastgate.dev/v1", "kind": "Context", "now": "2026-11-27T10:00:00Z",
        "freezes": [{"name": "indefinite", "start": "2026-11-27T09:00:00Z", "end": "9999-12-31T23:59:59Z"}]}"#;
    let context: Context = serde_json::from_str(json).unwrap();
    assert_eq!(context.freezes[0].end, latest);
    // A freeze that starts and ends on that day starts after every deploy:
    // accepted (start and end both held at the latest instant).
    let json = r#"{"apiVersion": "blastgate.dev/v1", "kind": "Context", "now": "2026-11-27T10:00:00Z",
        "freezes": [{"start": "9999-12-31T00:00:00Z", "end": "9999-12-31T23:59:59Z"}]}"#;
    let context: Context = serde_json::from_str(json).unwrap();
    assert!(crate::context::validate::validate("ctx.json", &context).is_ok());
}

/// A person's aliases find them as their id does (a commit email beside
/// a login), and no id or alias names two people.
#[test]
fn aliases_find_a_person_and_name_one_person_only() {
    let text = |people: &str| {
        format!(
            r#"{{"apiVersion": "blastgate.dev/v1", "kind": "Context", "now": "2026-01-01T00:00:00Z", "people": {people}}}"#
        )
    };
    let parse = |people: &str| -> Context { serde_json::from_str(&text(people)).unwrap() };
    let c = parse(
        r#"[{"id": "sam", "seniority": "principal", "aliases": ["sam@acme.com", "123+sam@users.noreply.github.com"]}]"#,
    );
    assert!(super::validate::validate("ctx.json", &c).is_ok());
    for id in ["sam", "SAM@acme.com", "123+sam@users.noreply.github.com"] {
        assert_eq!(c.person(id).map(|p| p.seniority.as_str()), Some("principal"), "{id}");
    }
    assert!(c.person("sam@other.com").is_none());
    for (people, place) in [
        (
            r#"[{"id": "sam", "seniority": "senior"}, {"id": "ana", "seniority": "junior", "aliases": ["Sam"]}]"#,
            "$.people[1].aliases[0]",
        ),
        (r#"[{"id": "sam", "seniority": "senior", "aliases": ["s@x.com", "S@X.com"]}]"#, "$.people[0].aliases[1]"),
        (r#"[{"id": "sam", "seniority": "senior", "aliases": [" "]}]"#, "$.people[0].aliases[0]"),
    ] {
        let e = super::validate::validate("ctx.json", &parse(people)).unwrap_err();
        assert!(e.to_string().contains(place), "{people}: {e}");
    }
}
