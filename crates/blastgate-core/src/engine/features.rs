//! The likelihood model's features: what each measures and how it is
//! computed from the changeset, its resolution and the context facts.
//!
//! Every feature is a finite number that grows with risk, except the few
//! documented as lowering it (experience, file age, tests, docs- or
//! tests-only changes; a feature flag, with no weight by default);
//! docs/model.md lists them with their default weights and sources.
//! Unknown inputs take the riskier value: no rollback plan stated counts
//! as none, and a metric the change does not state (author experience,
//! prior changes, file age) takes the end of its feature's range that adds
//! the most under the policy's weight ([`unstated_value`]), as a shape
//! function counts its largest contribution.

use blastgate_change::{AiInvolvement, ChangeKind, Changeset, Classifier, FileStatus, ResolvedChange, file_kind};

use super::Facts;
use crate::policy::LikelihoodModel;

/// Every feature id with what it measures, in the order they are computed.
pub const FEATURES: &[(&str, &str)] = &[
    ("log_lines_added", "ln(1 + lines added): the strongest single predictor of defects"),
    ("log_lines_deleted", "ln(1 + lines deleted)"),
    ("log_files", "ln(1 + files changed)"),
    ("log_directories", "ln(1 + directories changed)"),
    ("log_subsystems", "ln(1 + subsystems (top-level directories) changed)"),
    ("entropy", "how evenly the change spreads over its files (0 = one file)"),
    ("log_author_experience", "ln(1 + the author's prior changes, at most 1000); experience lowers risk"),
    ("log_prior_changes", "ln(1 + prior changes to the touched files (nuc), at most 10000)"),
    ("log_file_age", "ln(1 + mean days since the touched files last changed, at most 3650); settled code is safer"),
    ("fix", "1 for a bug fix: fixes are more defect-prone than other changes"),
    ("schema_migration", "1 if a database schema migration is part of the change"),
    ("infrastructure", "1 if infrastructure changes (IaC files or planned resources)"),
    ("secret", "1 if a secret or credential file changes"),
    ("dependency", "1 if a dependency manifest or lock file changes"),
    ("config", "1 if configuration changes"),
    (
        "feature_flag",
        "1 if the change adds lines to a feature-flag definition (an empty or deleted one counts nothing)",
    ),
    ("docs_only", "1 if every changed file is documentation, or a test beside documentation"),
    ("tests_only", "1 if every changed file is a test"),
    ("destructive_infrastructure", "number of resources deleted or replaced (delete, replace, unknown)"),
    ("ai_assisted", "1 if AI helped write the change (assisted or more)"),
    ("ai_generated", "1 if AI wrote most of the change (generated or agent)"),
    ("ai_agent", "1 if an autonomous agent made or applied the change"),
    ("ai_below_senior", "1 for AI involvement by an author below the senior level"),
    ("tests_changed", "1 if tests were added or changed with the change"),
    ("no_rollback_plan", "1 unless the changeset states a rollback plan"),
    (
        "incident_on_affected",
        "number of open incidents on changed or affected services, or on direct dependencies of changed ones",
    ),
    ("error_budget_burn", "the most spent error budget among reached services: 1 - remaining, from 0 to 2"),
    ("collision", "number of other changes in flight whose blast radius overlaps in the window"),
];

/// The standard change metrics a shape function may use, with the linear
/// feature each replaces (if any).
pub const SHAPE_METRICS: &[(&str, Option<&str>)] = &[
    ("la", Some("log_lines_added")),
    ("ld", Some("log_lines_deleted")),
    ("nf", Some("log_files")),
    ("nd", Some("log_directories")),
    ("ns", Some("log_subsystems")),
    ("entropy", Some("entropy")),
    ("lt", None),
    ("fix", Some("fix")),
    ("ndev", None),
    ("age", Some("log_file_age")),
    ("nuc", Some("log_prior_changes")),
    ("exp", Some("log_author_experience")),
    ("rexp", None),
    ("sexp", None),
];

/// `Some(the linear feature it replaces)` for a metric a shape may use.
pub fn shape_metric(metric: &str) -> Option<Option<&'static str>> {
    SHAPE_METRICS.iter().find(|(m, _)| *m == metric).map(|(_, f)| *f)
}

/// A shape's contribution at `value` (`None`: the change does not state the
/// metric, and the largest contribution counts: fail closed).
///
/// # Complexity
/// `O(log n)` in the shape's points for a stated value (a binary search;
/// nothing allocated), `O(n)` for an unstated one: a history replays it
/// for every row and metric (a red-team finding: a scan of every point,
/// rescaled on each call, made a backtest of a 420,000-point shape take
/// minutes).
pub fn shape_contribution(metric: &str, shape: &crate::policy::Shape, value: Option<f64>) -> f64 {
    let largest = || shape.log_odds.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let Some(x) = value.filter(|x| x.is_finite()) else { return largest() };
    let linear = matches!(metric, "entropy" | "fix");
    let scale = |v: f64| if linear { v } else { v.max(0.0).ln_1p() };
    let x = scale(x);
    let point = |i: usize| shape.values.get(i).map(|&v| scale(v)).zip(shape.log_odds.get(i).copied());
    let n = shape.values.len().min(shape.log_odds.len());
    match (point(0), n.checked_sub(1).and_then(point)) {
        (Some((x0, y0)), _) if x <= x0 => y0,
        (_, Some((xn, yn))) if x >= xn => yn,
        // x0 < x < xn: the first point at or above x (the values ascend,
        // and so do they scaled) ends the segment that holds x.
        _ => {
            let k = shape.values.get(..n).map_or(0, |v| v.partition_point(|&v| scale(v) < x));
            match (k.checked_sub(1).and_then(point), point(k)) {
                (Some((a, ya)), Some((b, yb))) => {
                    if b > a {
                        ya + (yb - ya) * (x - a) / (b - a)
                    } else {
                        yb
                    }
                }
                _ => largest(),
            }
        }
    }
}

/// The value of each standard metric for this change (`None` when the
/// change does not state it). The author's experience (`exp`), prior
/// changes of the files (`nuc`) and file age (`age`) are capped as their
/// linear features are ([`MAX_EXPERIENCE`], [`MAX_PRIOR_CHANGES`],
/// [`MAX_FILE_AGE_DAYS`]): a shape whose points reach past a cap must not
/// let a stated number buy more than the cap (a math audit: claiming
/// `prior_changes: 1000000` against a shape with a point past the cap
/// lowered a tier-0 change from senior to owner).
pub(crate) fn metric_value(metric: &str, changeset: &Changeset, resolved: &ResolvedChange) -> Option<f64> {
    let capped = |value: Option<f64>, cap: f64| value.map(|v| v.min(cap));
    match metric {
        "exp" => capped(raw_metric_value(metric, changeset, resolved), MAX_EXPERIENCE),
        "nuc" => capped(raw_metric_value(metric, changeset, resolved), MAX_PRIOR_CHANGES),
        "age" => capped(raw_metric_value(metric, changeset, resolved), MAX_FILE_AGE_DAYS),
        _ => raw_metric_value(metric, changeset, resolved),
    }
}

/// [`metric_value`] before the caps.
fn raw_metric_value(metric: &str, changeset: &Changeset, resolved: &ResolvedChange) -> Option<f64> {
    let m = &resolved.metrics;
    let h = changeset.history.as_ref();
    match metric {
        "la" => Some(m.la as f64),
        "ld" => Some(m.ld as f64),
        "nf" => Some(m.nf as f64),
        "nd" => Some(m.nd as f64),
        "ns" => Some(m.ns as f64),
        "entropy" => Some(m.entropy),
        "fix" => changeset.fix.map(|f| if f { 1.0 } else { 0.0 }),
        "exp" => changeset.author.prior_changes.map(|c| c as f64).or_else(|| h.and_then(|h| h.exp)),
        "lt" => h.and_then(|h| h.lt),
        "ndev" => h.and_then(|h| h.ndev),
        "age" => h.and_then(|h| h.age),
        "nuc" => h.and_then(|h| h.nuc),
        "rexp" => h.and_then(|h| h.rexp),
        "sexp" => h.and_then(|h| h.sexp),
        _ => None,
    }
}

/// What `id` measures ("" for an unknown id).
pub fn description(id: &str) -> &'static str {
    FEATURES.iter().find(|(f, _)| *f == id).map_or("", |(_, d)| *d)
}

/// Whether `id` is a feature this engine computes.
pub fn is_known(id: &str) -> bool {
    FEATURES.iter().any(|(f, _)| *f == id)
}

/// The logistic function, without overflow: 1 / (1 + e^-x).
pub fn sigmoid(x: f64) -> f64 {
    if x >= 0.0 {
        1.0 / (1.0 + (-x).exp())
    } else {
        let e = x.exp();
        e / (1.0 + e)
    }
}

/// The log-odds and the likelihood: `intercept + sum of weight * value`
/// over the features in [`FEATURES`] order (a fixed summation order).
pub fn likelihood(model: &LikelihoodModel, values: &[(&'static str, f64)]) -> (f64, f64) {
    let log_odds = values
        .iter()
        .filter_map(|(id, v)| model.weights.get(*id).map(|w| w * v))
        .fold(model.intercept, |acc, c| acc + c);
    (log_odds, sigmoid(log_odds))
}

/// The full log-odds of a model: the linear part ([`likelihood`]) plus
/// each shape function's contribution at the metric's value, in metric
/// order (a fixed summation order). `metric` gives a standard metric's value
/// (`None`: not stated, and the shape's largest contribution counts).
///
/// The engine and `blastgate calibrate` both compute a likelihood through
/// this function, so a calibrated model scores history rows exactly as it
/// will score changes.
pub fn log_odds(model: &LikelihoodModel, values: &[(&'static str, f64)], metric: impl Fn(&str) -> Option<f64>) -> f64 {
    let (linear, _) = likelihood(model, values);
    model.shapes.iter().map(|(m, shape)| shape_contribution(m, shape, metric(m))).fold(linear, |acc, c| acc + c)
}

/// The most prior changes that count as author experience: beyond a
/// thousand changes more experience says little, and an unbounded claim
/// (`prior_changes: 18446744073709551615`) must not buy a lower depth.
pub const MAX_EXPERIENCE: f64 = 1000.0;

/// The most days of file age that count (ten years), for the same reason.
pub const MAX_FILE_AGE_DAYS: f64 = 3650.0;

/// The most prior changes to the touched files (`nuc`) that count: the
/// most the git reader measures (it reads at most
/// `blastgate_change::limits::MAX_COMMITS` commits of history, and leaves
/// `nuc` out when the log is longer), so a cut log, counted at the cap, is
/// counted at what the whole log would count. The cap also bounds what a
/// claim buys under a negative weight.
pub const MAX_PRIOR_CHANGES: f64 = 10_000.0;

/// The linear features fed by a metric a change may leave out, with that
/// metric and the cap on it: each feature is `ln(1 + min(metric, cap))`,
/// from 0 to `ln(1 + cap)`.
const OPTIONAL_METRIC_FEATURES: &[(&str, &str, f64)] = &[
    ("log_author_experience", "exp", MAX_EXPERIENCE),
    ("log_prior_changes", "nuc", MAX_PRIOR_CHANGES),
    ("log_file_age", "age", MAX_FILE_AGE_DAYS),
];

/// The value of a linear feature whose metric the change does not state
/// (`None` for a feature that no optional metric feeds): the end of the
/// feature's range that gives the largest contribution under `weight`,
/// its largest value for a positive weight and 0 otherwise (fail closed,
/// as a shape function counts its largest contribution). So leaving a
/// metric out never scores lower than stating any value of it.
///
/// The fix flag too: only the author says a change is a fix, so unstated
/// it is 1 under a positive weight and 0 otherwise (`backtest` replays a
/// history without a `fix` column so: a red team found it counting 0,
/// where `assess` counts 1, and reporting a lighter review load).
pub fn unstated_value(id: &str, weight: f64) -> Option<f64> {
    if id == "fix" {
        return Some(if weight > 0.0 { 1.0 } else { 0.0 });
    }
    let &(_, _, cap) = OPTIONAL_METRIC_FEATURES.iter().find(|(f, _, _)| *f == id)?;
    Some(if weight > 0.0 { cap.ln_1p() } else { 0.0 })
}

/// The linear features whose metric this change does not state, in
/// [`FEATURES`] order: each counts its [`unstated_value`].
pub(crate) fn unstated_features(changeset: &Changeset, resolved: &ResolvedChange) -> Vec<&'static str> {
    OPTIONAL_METRIC_FEATURES
        .iter()
        .filter(|(_, metric, _)| stated(metric, changeset, resolved).is_none())
        .map(|&(id, _, _)| id)
        .collect()
}

/// A metric's value when the change states it as a finite number.
fn stated(metric: &str, changeset: &Changeset, resolved: &ResolvedChange) -> Option<f64> {
    metric_value(metric, changeset, resolved).filter(|x| x.is_finite())
}

fn ln1p(x: f64) -> f64 {
    if x.is_finite() && x > 0.0 { x.ln_1p() } else { 0.0 }
}

fn flag(b: bool) -> f64 {
    if b { 1.0 } else { 0.0 }
}

/// Every feature's value, in [`FEATURES`] order. A feature fed by a
/// metric the change does not state takes its [`unstated_value`] under the
/// weight `model` gives it.
pub(crate) fn values(
    changeset: &Changeset,
    resolved: &ResolvedChange,
    facts: &Facts<'_>,
    classifier: &Classifier,
    model: &LikelihoodModel,
) -> Vec<(&'static str, f64)> {
    let m = &resolved.metrics;
    // A capped metric's feature, `ln(1 + min(value, cap))`, when the change
    // states the metric, else its fail-closed value under the policy's
    // weight.
    let capped = |id: &str| -> f64 {
        let Some(&(_, name, cap)) = OPTIONAL_METRIC_FEATURES.iter().find(|(f, _, _)| *f == id) else { return 0.0 };
        match stated(name, changeset, resolved) {
            Some(x) => ln1p(x.min(cap)),
            None => unstated_value(id, model.weights.get(id).copied().unwrap_or(0.0)).unwrap_or(0.0),
        }
    };
    let has = |k: ChangeKind| resolved.kinds.get(&k).is_some_and(|&n| n > 0);
    let files = changeset.files.len();
    // Docs or tests only: every file is one, and nothing is deployed (a
    // named service is, whatever files are listed beside it).
    let deploys = resolved.touched.iter().any(|t| t.runtime);
    let only = |k: ChangeKind| {
        files > 0 && changeset.infrastructure.is_empty() && !deploys && resolved.kinds.get(&k) == Some(&files)
    };
    // Documentation and tests only, some documentation among them.
    let count = |k: ChangeKind| resolved.kinds.get(&k).copied().unwrap_or(0);
    let docs_and_tests = files > 0
        && changeset.infrastructure.is_empty()
        && !deploys
        && count(ChangeKind::Docs) > 0
        && count(ChangeKind::Docs).saturating_add(count(ChangeKind::Test)) == files
        && resolved.kinds.iter().all(|(k, &n)| n == 0 || matches!(k, ChangeKind::Docs | ChangeKind::Test));
    let infra_planned = changeset.infrastructure.iter().any(|r| !r.is_inert());
    let ai = facts.ai;
    let burn = facts.budgets.first().map_or(0.0, |(_, remaining)| (1.0 - remaining).clamp(0.0, 2.0));
    let value = |id: &'static str| -> f64 {
        match id {
            "log_lines_added" => ln1p(m.la as f64),
            "log_lines_deleted" => ln1p(m.ld as f64),
            "log_files" => ln1p(m.nf as f64),
            "log_directories" => ln1p(m.nd as f64),
            "log_subsystems" => ln1p(m.ns as f64),
            "entropy" if m.entropy.is_finite() => m.entropy.max(0.0),
            "log_author_experience" | "log_prior_changes" | "log_file_age" => capped(id),
            // Unstated, the riskier end under the policy's weight, as for
            // the history metrics: only the author says a change is a fix.
            "fix" => changeset.fix.map_or_else(
                || unstated_value("fix", model.weights.get("fix").copied().unwrap_or(0.0)).unwrap_or(1.0),
                flag,
            ),
            "schema_migration" => flag(has(ChangeKind::SchemaMigration)),
            "infrastructure" => flag(has(ChangeKind::Infrastructure) || infra_planned),
            "secret" => flag(has(ChangeKind::Secret)),
            "dependency" => flag(has(ChangeKind::Dependency)),
            "config" => flag(has(ChangeKind::Config)),
            // A flag definition the change writes: an empty or deleted flag
            // file gates nothing.
            "feature_flag" => flag(changeset.files.iter().any(|f| {
                f.status != FileStatus::Deleted && f.added > 0 && file_kind(classifier, f).0 == ChangeKind::FeatureFlag
            })),
            // Documentation beside tests is still documentation only: a
            // test ships nothing (a decision audit: a one-line test beside
            // a docs change lost the discount and raised `auto` to `peer`).
            "docs_only" => flag(docs_and_tests),
            "tests_only" => flag(only(ChangeKind::Test)),
            // An entry destroyed on two nodes (its stated one and its
            // module's) is one resource destroyed; entries that share an
            // address (two root modules, two plans) are two.
            "destructive_infrastructure" => {
                resolved.destructive.len().saturating_sub(resolved.destructive_module_copies) as f64
            }
            "ai_assisted" => flag(ai >= AiInvolvement::Assisted),
            "ai_generated" => flag(ai >= AiInvolvement::Generated),
            "ai_agent" => flag(ai >= AiInvolvement::Agent),
            "ai_below_senior" => flag(ai >= AiInvolvement::Assisted && facts.below_senior),
            // Vetted (`vet.rs`): when files are listed, they decided it.
            "tests_changed" => flag(changeset.safety.tests_changed == Some(true) && facts.tests_in_place),
            "no_rollback_plan" => flag(changeset.safety.rollback_plan != Some(true)),
            "incident_on_affected" => facts.incidents.len() as f64,
            "error_budget_burn" => burn,
            "collision" => facts.collisions.len() as f64,
            _ => 0.0,
        }
    };
    FEATURES.iter().map(|&(id, _)| (id, value(id))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unstated_metric_counts_the_end_that_adds_the_most() {
        for (id, cap) in [
            ("log_author_experience", MAX_EXPERIENCE),
            ("log_prior_changes", MAX_PRIOR_CHANGES),
            ("log_file_age", MAX_FILE_AGE_DAYS),
        ] {
            assert_eq!(unstated_value(id, 0.5), Some(cap.ln_1p()), "{id}");
            assert_eq!(unstated_value(id, -0.5), Some(0.0), "{id}");
            assert_eq!(unstated_value(id, 0.0), Some(0.0), "{id}");
        }
        assert_eq!(unstated_value("log_lines_added", 0.5), None);
        assert_eq!(unstated_value("fix", 0.3), Some(1.0));
        assert_eq!(unstated_value("fix", -0.3), Some(0.0));
    }

    /// The contribution as it was computed before the binary search: a
    /// scan of every segment, the reference the search must equal bit for
    /// bit (a model's figures and every decision read it).
    fn scanned(metric: &str, shape: &crate::policy::Shape, value: Option<f64>) -> f64 {
        let largest = shape.log_odds.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let Some(x) = value.filter(|x| x.is_finite()) else { return largest };
        let linear = matches!(metric, "entropy" | "fix");
        let scale = |v: f64| if linear { v } else { v.max(0.0).ln_1p() };
        let x = scale(x);
        let points: Vec<(f64, f64)> =
            shape.values.iter().map(|&v| scale(v)).zip(shape.log_odds.iter().copied()).collect();
        match (points.first(), points.last()) {
            (Some(&(x0, y0)), _) if x <= x0 => y0,
            (_, Some(&(xn, yn))) if x >= xn => yn,
            _ => points
                .windows(2)
                .find_map(|w| match w {
                    [(a, ya), (b, yb)] if x >= *a && x <= *b => {
                        Some(if b > a { ya + (yb - ya) * (x - a) / (b - a) } else { *yb })
                    }
                    _ => None,
                })
                .unwrap_or(largest),
        }
    }

    proptest::proptest! {
        #[test]
        fn the_search_equals_the_scan(
            steps in proptest::collection::vec((0.001f64..1e4, -5.0f64..5.0), 1..40),
            start in 0.0f64..10.0,
            x in proptest::option::of(-10.0f64..1e5),
            linear in proptest::bool::ANY,
        ) {
            let mut v = start;
            let mut values = Vec::new();
            let mut log_odds = Vec::new();
            for (step, y) in &steps {
                values.push(v);
                log_odds.push(*y);
                v += step;
            }
            let shape = crate::policy::Shape { description: String::new(), scale: String::new(), values, log_odds };
            let metric = if linear { "entropy" } else { "la" };
            // At every point exactly, too.
            for at in shape.values.iter().copied().map(Some).chain([x]) {
                let (got, want) = (shape_contribution(metric, &shape, at), scanned(metric, &shape, at));
                proptest::prop_assert_eq!(got.to_bits(), want.to_bits(), "at {:?}", at);
            }
        }
    }

    #[test]
    fn prior_changes_are_capped_at_what_git_measures() {
        assert_eq!(MAX_PRIOR_CHANGES as usize, blastgate_change::limits::MAX_COMMITS);
    }
}
