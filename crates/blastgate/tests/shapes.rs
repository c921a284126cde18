//! Shape functions in the policy's likelihood model (what `blastgate
//! calibrate` fits): applied at the change's value on the metric's scale,
//! the riskiest value when the change does not state the metric, and
//! validated against double counting.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::float_cmp,
    reason = "test code: a panic is a failed test; knot values are exact"
)]

use blastgate::assess::{DEFAULT_POLICY, Engine, parse_policy};
use blastgate::change::parse_changeset;
use blastgate::context::{Context, Timestamp};
use blastgate::graph::GraphLoader;

/// The default policy with the linear lines-added weight replaced by a
/// shape, plus a shape on `lt` (which changesets rarely state).
fn policy_text() -> String {
    DEFAULT_POLICY.replace("log_lines_added = 0.45\n", "")
        + "\n[likelihood.shapes.la]\nvalues = [0.0, 9.0, 999.0]\nlog_odds = [0.0, 1.0, 2.0]\n\
           \n[likelihood.shapes.lt]\nvalues = [0.0, 100.0]\nlog_odds = [0.0, 0.5]\n"
}

fn assess(policy: &str, added: u64, history: &str) -> blastgate::Assessment {
    let mut loader = GraphLoader::default();
    loader.add_bytes("g.edges", b"web api\n", None).unwrap();
    let engine =
        Engine::new(loader.build().unwrap().freeze(), parse_policy("p.toml", policy.as_bytes()).unwrap()).unwrap();
    let change = parse_changeset(
        "c.json",
        format!(
            r#"{{"apiVersion": "blastgate.dev/v1", "kind": "Changeset", "id": "c",
                "files": [{{"path": "api/main.go", "added": {added}}}] {history}}}"#
        )
        .as_bytes(),
    )
    .unwrap();
    engine.assess(&change, &Context::new(Timestamp::parse("2026-11-27T10:00:00Z").unwrap()))
}

fn factor(a: &blastgate::Assessment, id: &str) -> f64 {
    a.factors.iter().find(|f| f.id == id).unwrap_or_else(|| panic!("no factor {id}")).contribution
}

#[test]
fn shapes_apply_on_the_log_scale_and_replace_the_linear_feature() {
    let policy = policy_text();
    let lt = r#", "history": {"lt": 100}"#;
    // At the knots exactly, between them on ln(1 + x), flat outside.
    assert_eq!(factor(&assess(&policy, 9, lt), "shape:la"), 1.0);
    assert_eq!(factor(&assess(&policy, 999, lt), "shape:la"), 2.0);
    assert_eq!(factor(&assess(&policy, 100_000, lt), "shape:la"), 2.0);
    let mid = factor(&assess(&policy, 99, lt), "shape:la");
    let expected = 1.0 + (100f64.ln() - 10f64.ln()) / (1000f64.ln() - 10f64.ln());
    assert!((mid - expected).abs() < 1e-6, "{mid} vs {expected}");
    // The linear feature it replaces is gone; more lines, more likely.
    let a = assess(&policy, 9, lt);
    assert!(a.factors.iter().all(|f| f.id != "log_lines_added"));
    assert!(assess(&policy, 500, lt).risk.likelihood > a.risk.likelihood);
}

#[test]
fn an_unstated_metric_counts_its_riskiest_value() {
    let policy = policy_text();
    let stated_low = factor(&assess(&policy, 9, r#", "history": {"lt": 0}"#), "shape:lt");
    let unstated = factor(&assess(&policy, 9, ""), "shape:lt");
    assert_eq!((stated_low, unstated), (0.0, 0.5));
}

#[test]
fn bad_shapes_are_policy_errors() {
    let base = DEFAULT_POLICY.replace("log_lines_added = 0.45\n", "");
    for (extra, needle) in [
        // Each rule its own message, with the place of the value that
        // breaks it (a red-team finding: one message for all).
        ("[likelihood.shapes.la]\nvalues = [0.0, 1.0]\nlog_odds = [0.0]\n", "`values` has 2 points and `log_odds` 1"),
        ("[likelihood.shapes.la]\nvalues = []\nlog_odds = []\n", "`values` is empty"),
        ("[likelihood.shapes.la]\nvalues = [1.0, 0.0]\nlog_odds = [0.0, 1.0]\n", "values[1]: `0` does not rise"),
        (
            "[likelihood.shapes.la]\nvalues = [0.0, nan]\nlog_odds = [0.0, 1.0]\n",
            "values[1]: `NaN` is not a metric value",
        ),
        ("[likelihood.shapes.la]\nvalues = [-1.0, 0.0]\nlog_odds = [0.0, 1.0]\n", "values[0]: `-1` is not"),
        ("[likelihood.shapes.la]\nvalues = [0.0, 1.0]\nlog_odds = [0.0, inf]\n", "log_odds[1]: `inf` is not a finite"),
        ("[likelihood.shapes.lines]\nvalues = [0.0]\nlog_odds = [0.0]\n", "unknown metric `lines`"),
    ] {
        let e = parse_policy("p.toml", format!("{base}\n{extra}").as_bytes()).unwrap_err();
        assert!(e.to_string().contains(needle), "{e}");
    }
    // A shape and the linear feature it replaces would count lines twice.
    let twice = format!("{DEFAULT_POLICY}\n[likelihood.shapes.la]\nvalues = [0.0]\nlog_odds = [0.0]\n");
    let e = parse_policy("p.toml", twice.as_bytes()).unwrap_err();
    assert!(e.to_string().contains("remove `likelihood.weights.log_lines_added`"), "{e}");
}

/// A shape of a capped metric reads the value capped, as its linear
/// feature does (a math audit: a shape point past the cap let a claimed
/// `history.nuc` of 1,000,000 buy 3 more log-odds than the cap).
#[test]
fn a_shape_reads_capped_metrics_capped() {
    let policy = DEFAULT_POLICY.replace("log_prior_changes = 0.0\n", "")
        + "\n[likelihood.shapes.nuc]\nvalues = [0.0, 10000.0, 1000000.0]\nlog_odds = [0.0, 0.0, -3.0]\n";
    let at_cap = assess(&policy, 9, r#", "history": {"nuc": 10000}"#);
    let claimed = assess(&policy, 9, r#", "history": {"nuc": 1000000}"#);
    assert_eq!(factor(&claimed, "shape:nuc"), 0.0);
    assert_eq!(claimed.risk.likelihood, at_cap.risk.likelihood);
    let shown = claimed.factors.iter().find(|f| f.id == "shape:nuc").unwrap();
    assert_eq!((shown.value, shown.weight), (10000.0, 1.0));
}

/// A policy that weighs `fix` (a linear weight, not a shape) counts a
/// change that does not say whether it is a fix as one: only the author
/// says so, and leaving it out must not score as the safer value (red team
/// 19: 0.30 in the default model rewarded calling a fix something else).
/// Stated, the claim counts as written; under the default model's weight
/// of 0 it counts nothing either way.
#[test]
fn an_unstated_fix_counts_as_one_under_a_positive_weight() {
    let weighed = DEFAULT_POLICY.replace("fix = 0.0\n", "fix = 0.3\n");
    assert_ne!(weighed, DEFAULT_POLICY, "the default policy's `fix` weight moved");
    let fix = |policy: &str, stated: &str| factor(&assess(policy, 9, stated), "fix");
    assert_eq!(fix(&weighed, ""), 0.3);
    assert_eq!(fix(&weighed, r#", "fix": true"#), 0.3);
    assert_eq!(fix(&weighed, r#", "fix": false"#), 0.0);
    for stated in ["", r#", "fix": true"#, r#", "fix": false"#] {
        assert_eq!(fix(DEFAULT_POLICY, stated), 0.0, "{stated}");
    }
}
