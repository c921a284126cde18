//! Inputs built in code skip the document parsers, so the engine runs the
//! parsers' checks on every input it is given: an invalid changeset or
//! context is an `error` diagnostic naming the problem, and the decision
//! escalates to the policy's error depth (found by an embedding audit: a
//! freeze that ended before it started was ignored, and the change went
//! to `peer` with no diagnostic).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a panic is a failed test"
)]

use blastgate::assess::{Assessment, Engine, Level, ReviewDepth, default_policy};
use blastgate::change::{API_VERSION, Changeset, Contributor, HistoryMetrics, KIND};
use blastgate::context::{Context, Freeze, FreezeScope, InFlight, Timestamp};
use blastgate::graph::{BuildOptions, GraphLoader};

fn engine() -> Engine {
    let mut loader = GraphLoader::new(BuildOptions::default());
    loader.add_bytes("g.edges", b"web api\napi db\n", None).unwrap();
    Engine::new(loader.build().unwrap().freeze(), default_policy().unwrap()).unwrap()
}

fn at(t: &str) -> Timestamp {
    Timestamp::parse(t).unwrap()
}

/// A valid change to a leaf service, as an embedder builds it.
fn change() -> Changeset {
    Changeset {
        api_version: API_VERSION.into(),
        kind: KIND.into(),
        id: "pr-1".into(),
        services: vec!["web".into()],
        ..Changeset::default()
    }
}

fn contributor(id: &str, seniority: Option<&str>) -> Contributor {
    Contributor { id: id.into(), seniority: seniority.map(Into::into) }
}

fn context() -> Context {
    Context::new(at("2026-11-27T10:00:00Z"))
}

/// The error diagnostics with `code`.
fn errors<'a>(a: &'a Assessment, code: &str) -> Vec<&'a str> {
    a.diagnostics.iter().filter(|d| d.level == Level::Error && d.code == code).map(|d| d.message.as_str()).collect()
}

#[test]
fn valid_inputs_built_in_code_carry_no_input_error() {
    let engine = engine();
    let a = engine.assess(&change(), &context());
    assert!(!a.has_errors(), "{:?}", a.diagnostics);
    assert!(a.review_depth() < engine.policy().error_depth, "{}", a.review_depth());
    assert!(blastgate::change::validate("change", &change()).is_ok());
    assert!(blastgate::context::validate("context", &context()).is_ok());
}

#[test]
fn regression_invalid_context_built_in_code_escalates() {
    let freeze = |start: &str, end: &str| Freeze {
        name: Some("black friday".into()),
        start: at(start),
        end: at(end),
        scope: FreezeScope::All,
        allow: Vec::new(),
    };
    let in_flight = |services: Vec<String>| InFlight {
        id: "deploy-7".into(),
        services,
        start: at("2026-11-27T09:00:00Z"),
        end: at("2026-11-27T11:00:00Z"),
    };
    let cases: Vec<(&str, Context, &str)> = vec![
        (
            "a freeze that ends before it starts",
            Context { freezes: vec![freeze("2026-11-28T00:00:00Z", "2026-11-26T00:00:00Z")], ..context() },
            "$.freezes[0].end",
        ),
        (
            "a change in flight with no services",
            Context { in_flight: vec![in_flight(Vec::new())], ..context() },
            "$.in_flight[0].services",
        ),
        ("another apiVersion", Context { api_version: "blastgate.dev/v0".into(), ..context() }, "$.apiVersion"),
        ("another kind", Context { kind: "Changeset".into(), ..context() }, "$.kind"),
    ];
    let engine = engine();
    for (what, context, place) in cases {
        let error = blastgate::context::validate("context", &context).unwrap_err();
        assert!(error.to_string().contains(place), "{what}: {error}");
        for a in [
            engine.assess(&change(), &context),
            engine.assess_batch(&[(change(), context.clone())], &Default::default()).remove(0),
        ] {
            let found = errors(&a, "invalid-context");
            assert_eq!(found.len(), 1, "{what}: {:?}", a.diagnostics);
            assert!(found[0].contains(place), "{what}: {}", found[0]);
            assert_eq!(a.review_depth(), engine.policy().error_depth, "{what}");
            assert!(a.counterfactuals.is_empty(), "{what}");
        }
    }
}

#[test]
fn regression_invalid_changeset_built_in_code_escalates() {
    let history = |exp: f64| Some(HistoryMetrics { exp: Some(exp), ..HistoryMetrics::default() });
    let cases: Vec<(&str, Changeset, &str, &str)> = vec![
        ("an empty id", Changeset { id: String::new(), ..change() }, "$.id", "invalid_value"),
        ("a blank id", Changeset { id: "  ".into(), ..change() }, "$.id", "invalid_value"),
        ("no apiVersion", Changeset { api_version: String::new(), ..change() }, "$.apiVersion", "unsupported_version"),
        (
            "another apiVersion",
            Changeset { api_version: "blastgate.dev/v2".into(), ..change() },
            "$.apiVersion",
            "unsupported_version",
        ),
        ("another kind", Changeset { kind: "Context".into(), ..change() }, "$.kind", "schema"),
        (
            "a NaN history metric",
            Changeset { history: history(f64::NAN), ..change() },
            "$.history.exp",
            "invalid_value",
        ),
        (
            "an infinite history metric",
            Changeset { history: history(f64::INFINITY), ..change() },
            "$.history.exp",
            "invalid_value",
        ),
        (
            "a negative history metric",
            Changeset { history: history(-1.0), ..change() },
            "$.history.exp",
            "invalid_value",
        ),
        // A contributor who names no one could be excluded from nothing.
        (
            "a contributor without an id",
            Changeset { contributors: vec![contributor(" ", None)], ..change() },
            "$.contributors[0].id",
            "invalid_value",
        ),
        (
            "a contributor id on two lines",
            Changeset { contributors: vec![contributor("ana", None), contributor("a\nb", None)], ..change() },
            "$.contributors[1].id",
            "invalid_value",
        ),
        (
            "a contributor seniority with an escape",
            Changeset { contributors: vec![contributor("ana", Some("sen\u{1b}ior"))], ..change() },
            "$.contributors[0].seniority",
            "invalid_value",
        ),
        (
            "too many contributors",
            Changeset {
                contributors: (0..=blastgate::change::limits::MAX_CONTRIBUTORS)
                    .map(|i| contributor(&format!("p{i}"), None))
                    .collect(),
                ..change()
            },
            "max_contributors",
            "limit_exceeded",
        ),
    ];
    let engine = engine();
    for (what, changeset, place, kind) in cases {
        let error = blastgate::change::validate("change", &changeset).unwrap_err();
        assert_eq!(error.kind_name(), kind, "{what}: {error}");
        assert!(error.to_string().contains(place), "{what}: {error}");
        let a = engine.assess(&changeset, &context());
        let found = errors(&a, "invalid-changeset");
        assert_eq!(found.len(), 1, "{what}: {:?}", a.diagnostics);
        assert!(found[0].contains(place) && found[0].contains(kind), "{what}: {}", found[0]);
        assert_eq!(a.review_depth(), engine.policy().error_depth, "{what}");
    }
}

/// Both inputs invalid: each is reported, once.
#[test]
fn both_inputs_invalid_report_each_once() {
    let engine = engine();
    let context = Context { kind: "Changeset".into(), ..context() };
    let a = engine.assess(&Changeset { id: String::new(), ..change() }, &context);
    assert_eq!(errors(&a, "invalid-changeset").len(), 1, "{:?}", a.diagnostics);
    assert_eq!(errors(&a, "invalid-context").len(), 1, "{:?}", a.diagnostics);
    assert_eq!(a.review_depth(), ReviewDepth::Block);
}

/// A policy built in code that fails its checks is an `invalid_policy`
/// error, not a changeset's `invalid_value` with the file `policy`.
#[test]
fn regression_an_invalid_policy_is_its_own_kind() {
    let mut policy = default_policy().unwrap();
    policy.error_depth = ReviewDepth::Auto;
    let graph = {
        let mut loader = GraphLoader::new(BuildOptions::default());
        loader.add_bytes("g.edges", b"web api\n", None).unwrap();
        loader.build().unwrap().freeze()
    };
    let error = Engine::new(graph, policy).unwrap_err();
    assert_eq!(error.kind_name(), "invalid_policy", "{error}");
    assert!(matches!(error, blastgate::ChangeError::InvalidPolicy(_)), "{error}");
    assert!(!error.is_limit());
    assert!(error.to_string().contains("error_depth"), "{error}");
}

/// A graph with no nodes, built in code, is refused when the engine is
/// made: every change would look like it reaches nothing (the loader
/// refuses inputs that hold no node; a CLI audit found an empty `--graph`
/// turned a freeze's block into owner).
#[test]
fn an_engine_over_an_empty_graph_is_refused() {
    let empty = GraphLoader::new(BuildOptions::default()).build().unwrap().freeze();
    let err = Engine::new(empty, default_policy().unwrap()).err().unwrap();
    assert_eq!(err.kind_name(), "invalid_value");
    assert!(err.to_string().contains("the graph has no nodes"), "{err}");
    let mut loader = GraphLoader::new(BuildOptions::default());
    loader.add_bytes("g.edges", b"# nothing yet\n", None).unwrap();
    let err = loader.build().unwrap_err();
    assert!(err.to_string().contains("g.edges: graph: the graph has no nodes"), "{err}");
}

/// An input error's diagnostic carries the input, place and value its
/// message names, as fields a gate tool reads without parsing the message
/// (an embedder audit: they were in the message alone, and the changeset
/// was always called `changeset`).
#[test]
fn input_errors_name_input_place_and_value_as_fields() {
    let engine = engine();
    let mut unknown = change();
    unknown.services.push("apu".into());
    let options = blastgate::assess::AssessOptions::default().changeset_name("change `pr-1`");
    let a = engine.assess_with(&unknown, &context(), &options);
    let d = a.diagnostics.iter().find(|d| d.code == "unknown-service").expect("an unknown-service error");
    assert_eq!(
        (d.input.as_deref(), d.place.as_deref(), d.value.as_deref()),
        (Some("change `pr-1`"), Some("services"), Some("apu"))
    );
    assert!(d.message.starts_with("change `pr-1`: services: "), "{}", d.message);
    let json: serde_json::Value = serde_json::from_str(&blastgate::assess::try_to_json(&a).unwrap()).unwrap();
    let listed = json["diagnostics"].as_array().unwrap().iter().find(|d| d["code"] == "unknown-service").unwrap();
    assert_eq!(
        (&listed["input"], &listed["place"], &listed["value"]),
        (&"change `pr-1`".into(), &"services".into(), &"apu".into())
    );

    // A changeset that fails the parsers' checks: its place and value.
    let mut negative = change();
    negative.id = String::new();
    let a = engine.assess(&negative, &context());
    let d = a.diagnostics.iter().find(|d| d.code == "invalid-changeset").expect("an invalid-changeset error");
    assert_eq!((d.input.as_deref(), d.place.as_deref()), (Some("changeset"), Some("$.id")), "{d:?}");

    // Diagnostics about no one place carry none of the three, and the JSON
    // leaves the keys out.
    let clean = engine.assess(&change(), &context());
    assert!(clean.diagnostics.iter().all(|d| d.input.is_none() && d.place.is_none() && d.value.is_none()));
    assert!(!blastgate::assess::try_to_json(&clean).unwrap().contains("\"place\""));
}
