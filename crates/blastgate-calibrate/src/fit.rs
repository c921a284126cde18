//! The calibration procedure: split the history by time, fit on the
//! earliest part, measure on the latest, then refit on everything for the
//! model that is written out.
//!
//! One model comes out of a run, in two forms:
//!
//! - the **shape model** ([`ShapeModel`]): one monotone piecewise-linear
//!   shape per history metric, every metric the history has. This is what
//!   the figures (`auc`, `brier`, `capture`) measure.
//! - the **policy model** ([`LikelihoodModel`]): the same shapes as the
//!   policy's `[likelihood.shapes]`, with the base policy's weights for the
//!   features a history cannot inform (AI provenance, change kinds,
//!   context) and the intercept shifted so that they cancel on a
//!   history-like change. Its figures (`policy_*`) are computed by the
//!   engine's own likelihood function and equal the shape model's up to the
//!   rounding of the written numbers: what was measured is what the gate
//!   applies.
//!
//! Settings were chosen on three development projects (qt, openstack,
//! jdt) and never on the evaluation projects; docs/model-card.md has the
//! numbers.

use std::collections::BTreeMap;

use blastgate_core::Policy;
use blastgate_core::policy::LikelihoodModel;

use crate::budget::{BudgetProposal, propose};
use crate::engine;
use crate::error::CalibrateError;
use crate::history::{Family, FittedPeriod, History, HistoryRow, Metric, Scale};
use crate::metrics::{self, CalibrationBin};
use crate::shape::{Basis, ShapeModel};
use crate::solver::{self, Design, Penalty, Sign};

/// The most segments a shape function may have: far past what a history
/// can inform (the knots are quantiles, and duplicates merge), and small
/// enough that the knots of every metric take a few kilobytes (an embedder
/// audit: `usize::MAX` segments exhausted the machine's memory).
pub const MAX_SEGMENTS: usize = 1000;

/// The gated shares the capture figures are given for.
pub const CAPTURE_SHARES: [f64; 4] = [0.05, 0.10, 0.20, 0.50];

/// The settings of a calibration run.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Config {
    /// Segments per shape function (knots at quantiles; default 6; at
    /// most [`MAX_SEGMENTS`]).
    pub segments: usize,
    /// The L2 penalty on each segment's rise for size metrics (default 10).
    pub size_l2: f64,
    /// How much harder the other metrics are shrunk than size metrics
    /// (default 30): history and experience effects drift over time
    /// (McIntosh and Kamei 2018); size effects hold.
    pub context_shrink: f64,
    /// The L2 penalty of linear weights: binary terms' and the direction
    /// fit's (default 1).
    pub linear_l2: f64,
    /// Monotone shapes (default true).
    pub monotone: bool,
    /// The latest share of rows held out for measuring (default 0.2).
    pub test_share: f64,
    /// Propose likelihood bands from a gate budget.
    pub gate_budget: Option<GateBudget>,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            segments: 6,
            size_l2: 10.0,
            context_shrink: 30.0,
            linear_l2: 1.0,
            monotone: true,
            test_share: 0.2,
            gate_budget: None,
        }
    }
}

/// A gate budget: the share of changes to send to senior review.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GateBudget {
    /// The share, in (0, 1).
    pub share: f64,
    /// The impact band (0 = low to 3 = very high) assumed for the changes:
    /// the matrix column whose senior row gets the threshold.
    pub impact_band: usize,
}

/// How well a model did on the held-out part.
#[derive(Debug, Clone, PartialEq)]
pub struct Evaluation {
    /// Rows measured.
    pub rows: usize,
    /// Of which positive (defect- or incident-causing).
    pub positives: usize,
    /// ROC AUC (ties count half).
    pub auc: f64,
    /// The Brier score.
    pub brier: f64,
    /// The Brier score of always predicting the training base rate, for
    /// comparison.
    pub brier_base_rate: f64,
    /// Predicted against observed, by decile of prediction.
    pub calibration: Vec<CalibrationBin>,
    /// `(gated share, share of positives caught)` at [`CAPTURE_SHARES`].
    pub capture: Vec<(f64, f64)>,
    /// The ROC curve.
    pub roc: Vec<(f64, f64)>,
    /// The capture curve at every whole percent gated.
    pub capture_curve: Vec<(f64, f64)>,
}

/// Where a policy weight comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WeightOrigin {
    /// Fitted on the history.
    Fitted,
    /// The history has no data on it: the base policy's weight is kept.
    Kept,
    /// The history lacks the metric (or it was left out): weight 0.
    Absent,
}

impl WeightOrigin {
    /// A stable name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Fitted => "fitted",
            Self::Kept => "kept",
            Self::Absent => "absent",
        }
    }
}

/// The result of a calibration run.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Calibration {
    /// Where the history comes from.
    pub source: String,
    /// The period of the rows the models were refitted on (all of them),
    /// which `backtest` compares a replayed history with.
    pub period: FittedPeriod,
    /// All rows, and positives among them.
    pub rows: usize,
    /// Positives among all rows.
    pub positives: usize,
    /// Rows fitted on for the measurement (the earliest).
    pub train_rows: usize,
    /// The positive rate of the training part.
    pub train_rate: f64,
    /// The positive rate of the test part.
    pub test_rate: f64,
    /// The metrics used.
    pub metrics: Vec<Metric>,
    /// Standard metrics the history does not have (or that were left out).
    pub absent: Vec<Metric>,
    /// Notes about how the history was read.
    pub notes: Vec<String>,
    /// The shape model's figures on the test part.
    pub evaluation: Evaluation,
    /// The policy model's figures on the test part.
    pub policy_evaluation: Evaluation,
    /// The shape model, refitted on all rows.
    pub model: ShapeModel,
    /// The policy model (the shape model as a policy's `[likelihood]`),
    /// refitted on all rows.
    pub likelihood: LikelihoodModel,
    /// Where each policy weight comes from, by feature id.
    pub origins: BTreeMap<String, WeightOrigin>,
    /// The proposed bands, with a gate budget.
    pub budget: Option<BudgetProposal>,
    /// The version of the policy fitted over: the weights the history
    /// cannot inform are that policy's, and a gate budget's bands were
    /// chosen against its matrix.
    pub base_policy: String,
    /// That policy's digest ([`Policy::digest`]): its version is a name
    /// its author may keep while changing its rules, the digest is not.
    pub base_policy_digest: String,
    /// The settings used.
    pub config: Config,
}

/// Fits and measures both models on `history`. `base` gives the weights
/// kept for features the history cannot inform, and the matrix and impact
/// bands for a gate budget.
///
/// # Errors
/// [`CalibrateError::Data`] when a part has fewer than two rows of either
/// outcome, every metric is constant over the rows fitted on, or the
/// settings are out of range; [`CalibrateError::Fit`] when
/// the solver fails.
///
/// # Complexity
/// A few Newton iterations of `O(rows * columns^2)`, with at most
/// `14 * segments` columns; under a second for 25,000 rows in a release
/// build.
pub fn calibrate(history: &History, base: &Policy, config: &Config) -> Result<Calibration, CalibrateError> {
    let source = history.source();
    if !(config.test_share > 0.0 && config.test_share < 1.0) {
        return Err(CalibrateError::data(source, "the test share must be strictly between 0 and 1"));
    }
    if config.segments > MAX_SEGMENTS {
        return Err(CalibrateError::data(
            source,
            format!("{} segments a shape function is more than the {MAX_SEGMENTS} allowed", config.segments),
        ));
    }
    // Lines added: what every change's diff gives, the strongest single
    // predictor, and what `assess` always computes from a change's files.
    // A model fitted without it gives the lines a change adds no weight,
    // so a million lines could be as likely to break as one (a red-team
    // finding): refused unless the metrics were chosen (`--features`).
    let has_lines_added = history.metrics().contains(&Metric::La);
    if !has_lines_added && !history.metrics_chosen() {
        return Err(CalibrateError::Input(
            blastgate_graph::ErrorDetail::new(
                source,
                "header",
                "la",
                "no column for `la` (lines added): a model fitted without it gives the lines a change adds no \
                 weight, so every gate using it could rate a change of a million lines as one of a single line",
            )
            .with_help_text(
                "add the column, or map one of another name with --column la=COLUMN; to fit without it, name the \
                 metrics to fit with --features",
            ),
        ));
    }
    let rows = history.rows();
    // (A product a hair below a whole number is that number, as in
    // `metrics::threshold_for_share`: 70% of 90 is 62.99999999999999 in
    // floating point, and one row too many was held out; a red-team
    // finding.)
    let target = (((rows.len() as f64) * (1.0 - config.test_share) * (1.0 + 1e-9)).floor() as usize).min(rows.len());
    let cut = time_cut(rows, target).or(if rows.len() < 2 { Some(target) } else { None });
    let Some(train_rows) = cut else {
        // One time for every row: no earliest and latest to tell apart
        // (a statistics audit: the cut fell inside the group, which is
        // ordered by contents, so the "latest" part was the rows of the
        // largest metric values, and its figures were reported as a time
        // split's).
        let time = rows.first().map_or(0.0, |r| r.time);
        return Err(CalibrateError::data(
            source,
            format!(
                "every row has the same time ({time}): the history cannot be split into earliest and latest \
                 changes; name the column of each change's time with --time"
            ),
        ));
    };
    let (train, test) = rows.split_at(train_rows.min(rows.len()));
    let mut notes = history.notes().to_vec();
    if !has_lines_added {
        notes.push(
            "not among --features: la: the model gives the lines a change adds no weight, so they do not raise its \
             likelihood"
                .to_owned(),
        );
    }
    // A cut that times shared by many rows moved far from the share asked
    // (dates rounded to a month: 88% measured where 20% was asked, a
    // red-team finding) measures another protocol than the one asked for.
    let held_out = test.len() as f64 / rows.len().max(1) as f64;
    if held_out > 2.0 * config.test_share || held_out < config.test_share / 2.0 {
        notes.push(format!(
            "the latest {:.1}% of the rows were measured on, not the {:.1}% asked: many rows share the times \
             around the cut, which never falls inside one time; give finer times, or another --test-share",
            held_out * 100.0,
            config.test_share * 100.0
        ));
    }
    for (part, name) in [(train, "earliest"), (test, "latest")] {
        let positives = part.iter().filter(|r| r.label).count();
        if positives < 2 || part.len() - positives < 2 {
            return Err(CalibrateError::data(
                source,
                format!(
                    "the {name} part ({} rows, {positives} positive) needs at least two rows of each outcome; \
                     the history has {} rows ({} positive): give a longer history, or move the split with \
                     --test-share (the share of rows measured on, now {})",
                    part.len(),
                    rows.len(),
                    history.positives(),
                    config.test_share
                ),
            ));
        }
    }
    let train_rate = rate(train);
    let shape = fit_shape(history, train, config)?;
    let scores: Vec<f64> = test.iter().map(|r| shape.log_odds(history, r)).collect();
    let evaluation = evaluate(&scores, test, train_rate)?;
    let (fitted, origins) = policy_model(history, train.len(), &shape, base);
    let asks_ai = base.asks_ai_declaration();
    let policy_scores: Vec<f64> =
        test.iter().map(|r| logit(engine::likelihood(&fitted, asks_ai, history, r))).collect();
    let policy_evaluation = evaluate(&policy_scores, test, train_rate)?;

    let model = fit_shape(history, rows, config)?;
    let (mut likelihood, _) = policy_model(history, rows.len(), &model, base);
    likelihood.source = policy_source(history, &origins);
    let budget = match config.gate_budget {
        Some(b) => Some(propose(history, base, &fitted, &likelihood, train, test, b)?),
        None => None,
    };
    likelihood.version = model_version(history, &likelihood, budget.as_ref().map(|b| &b.bands));
    // What is written must be a policy the engine accepts (as `backtest`
    // and `assess` will check it): an intercept shifted past the log-odds
    // bound by a base policy's extreme weight, or cut points that rounding
    // merged, is an error now, not a file that exits 0 and fails later.
    let mut written = base.clone();
    written.likelihood = likelihood.clone();
    if let Some(b) = &budget {
        written.bands = b.bands.clone();
    }
    written.validate().map_err(|p| {
        CalibrateError::data(
            source,
            format!("the fitted model is not a valid policy, so nothing is written: {}: {}", p.place, p.message),
        )
    })?;
    let period = history.period().ok_or_else(|| CalibrateError::data(source, "the history has no rows"))?;
    Ok(Calibration {
        source: source.to_owned(),
        period,
        rows: rows.len(),
        positives: history.positives(),
        train_rows,
        train_rate,
        test_rate: rate(test),
        metrics: history.metrics().to_vec(),
        absent: Metric::ALL.into_iter().filter(|m| !history.metrics().contains(m)).collect(),
        notes,
        evaluation,
        policy_evaluation,
        model,
        likelihood,
        origins,
        budget,
        base_policy: base.version.clone(),
        base_policy_digest: base.digest(),
        config: config.clone(),
    })
}

fn rate(rows: &[HistoryRow]) -> f64 {
    rows.iter().filter(|r| r.label).count() as f64 / rows.len().max(1) as f64
}

fn logit(p: f64) -> f64 {
    let p = p.clamp(1e-300, 1.0 - 1e-16);
    (p / (1.0 - p)).ln()
}

fn labels(rows: &[HistoryRow]) -> Vec<f64> {
    rows.iter().map(|r| if r.label { 1.0 } else { 0.0 }).collect()
}

fn solve(design: Design, rows: &[HistoryRow], penalty: &Penalty) -> Result<solver::Fit, CalibrateError> {
    solver::fit(&design, &labels(rows), None, penalty).map_err(|e| CalibrateError::Fit(e.to_string()))
}

fn family_l2(metric: Metric, l2: f64, config: &Config) -> f64 {
    match metric.family() {
        Family::Size => l2,
        Family::Context => l2 * config.context_shrink,
    }
}

/// The shape model on `rows`.
///
/// # Errors
/// [`CalibrateError::Data`] when every metric is constant over `rows`
/// (there is nothing to fit; the basis would have no columns but the
/// binary metrics'); [`CalibrateError::Fit`] when the solver fails.
fn fit_shape(history: &History, rows: &[HistoryRow], config: &Config) -> Result<ShapeModel, CalibrateError> {
    let metrics = history.metrics();
    // INVARIANT: past this check some metric's transformed value varies,
    // so its knots (at least two distinct ones for a varying metric, see
    // `Basis::new`) make at least one design column.
    let varies = |(i, m): (usize, &Metric)| {
        let mut values = rows.iter().filter_map(|r| r.values.get(i)).map(|v| m.transform(*v));
        values.next().is_some_and(|first| values.any(|v| v.total_cmp(&first).is_ne()))
    };
    if !metrics.iter().enumerate().any(varies) {
        let names: Vec<String> = metrics.iter().map(|m| format!("`{}`", m.name())).collect();
        return Err(CalibrateError::data(
            history.source(),
            format!(
                "every metric used ({}) is constant over the {} rows fitted on: nothing to fit",
                names.join(", "),
                rows.len()
            ),
        ));
    }
    // Each metric's direction: the sign of its weight in a linear fit on
    // the transformed metrics, each held between its 1st and 99th
    // percentiles over the rows: one absurd row (lines added 1e200, whose
    // logarithm is 460 where the rest lie below 11) would otherwise decide
    // the direction alone, and a shape made to fall where lines added
    // raise risk is fitted flat: the strongest metric switched off.
    let bounds: Vec<(f64, f64)> = metrics
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let mut values: Vec<f64> = rows.iter().filter_map(|r| r.values.get(i)).map(|&v| m.transform(v)).collect();
            values.sort_by(f64::total_cmp);
            let at = |q: usize| values.get(values.len().saturating_sub(1) * q / 100).copied().unwrap_or(0.0);
            (at(1), at(99))
        })
        .collect();
    // Centred on each column's mean (the intercept takes it up): a metric
    // whose values sit far from 0 on its scale (entropy plus 1e6, a red-team
    // probe) would otherwise cancel in the gradient, its direction come out
    // wrong and its shape be fitted flat. The solution is the same in exact
    // arithmetic; the penalty sees the same scale.
    let mut linear = Vec::with_capacity(rows.len() * metrics.len());
    for row in rows {
        linear.extend(
            metrics.iter().zip(&row.values).zip(&bounds).map(|((m, v), &(low, high))| m.transform(*v).clamp(low, high)),
        );
    }
    let width = metrics.len().max(1);
    let mut means = vec![0.0; metrics.len()];
    for row in linear.chunks(width) {
        for (mean, x) in means.iter_mut().zip(row) {
            *mean += x;
        }
    }
    for mean in &mut means {
        *mean /= rows.len().max(1) as f64;
    }
    for row in linear.chunks_mut(width) {
        for (x, mean) in row.iter_mut().zip(&means) {
            *x -= mean;
        }
    }
    let design = Design::new(metrics.len(), linear).map_err(|e| CalibrateError::Fit(e.to_string()))?;
    let penalty = Penalty { l2: vec![config.linear_l2; metrics.len()], signs: vec![Sign::Free; metrics.len()] };
    let directions = solve(design, rows, &penalty)?.weights;

    let basis = Basis::new(history, rows, config.segments);
    let mut values = Vec::with_capacity(rows.len() * basis.width());
    for row in rows {
        basis.expand_into(row, &mut values);
    }
    let design = Design::new(basis.width(), values).map_err(|e| CalibrateError::Fit(e.to_string()))?;
    let l2 = basis
        .columns()
        .flat_map(|(m, count)| {
            let l2 = if count == 1 && m.scale() == crate::history::Scale::Binary {
                config.linear_l2
            } else {
                config.size_l2
            };
            std::iter::repeat_n(family_l2(m, l2, config), count)
        })
        .collect();
    let penalty = Penalty { l2, signs: basis.signs(&directions, config.monotone) };
    let fit = solve(design, rows, &penalty)?;
    Ok(basis.model(fit.intercept, &fit.weights))
}

/// The policy model for a shape model: its shapes as the policy's
/// `[likelihood.shapes]` (each replacing its metric's linear feature), the
/// base policy's weights for the features no metric informs, 0 for the
/// features whose metric the history lacks. The intercept is shifted so
/// that a history-like change (which states no rollback plan) gets exactly
/// the shape model's log-odds: the engine scores a history row as the
/// measured model does.
fn policy_model(
    history: &History,
    rows: usize,
    shape: &ShapeModel,
    base: &Policy,
) -> (LikelihoodModel, BTreeMap<String, WeightOrigin>) {
    let mut origins = BTreeMap::new();
    let mut weights = BTreeMap::new();
    let mut shapes = BTreeMap::new();
    let mut intercept = shape.intercept();
    for term in shape.terms() {
        let m = term.metric();
        let (values, log_odds) = if m.scale() == Scale::Binary {
            (vec![0.0, 1.0], vec![0.0, round(term.heights().first().copied().unwrap_or(0.0))])
        } else {
            // Knots rounded to six digits, unless that merges two of them
            // (values a millionth apart, such as 1000000.0003 and
            // 1000000.0004): then as fitted, which reads back exactly.
            let raw = term.raw_knots();
            let rounded: Vec<f64> = raw.iter().copied().map(round_knot).collect();
            let values =
                if rounded.windows(2).all(|w| matches!(w, [a, b] if a.total_cmp(b).is_lt())) { rounded } else { raw };
            (values, term.heights().iter().map(|h| round(*h)).collect())
        };
        let scale = match m.scale() {
            Scale::Log => format!("ln(1 + {})", m.name()),
            Scale::Linear | Scale::Binary => m.name().to_owned(),
        };
        shapes.insert(
            m.name().to_owned(),
            blastgate_core::policy::Shape { description: m.description().to_owned(), scale, values, log_odds },
        );
        if let Some(id) = engine::engine_feature(m) {
            origins.insert(id.to_owned(), WeightOrigin::Fitted);
        }
    }
    let informable: Vec<&str> = Metric::ALL.into_iter().filter_map(engine::engine_feature).collect();
    for &(id, _) in blastgate_core::engine::features::FEATURES {
        if origins.contains_key(id) {
            continue;
        }
        if informable.contains(&id) {
            origins.insert(id.to_owned(), WeightOrigin::Absent);
            weights.insert(id.to_owned(), 0.0);
        } else {
            let w = base.likelihood.weights.get(id).copied().unwrap_or(0.0);
            intercept -= w * engine::unstated_value(id);
            origins.insert(id.to_owned(), WeightOrigin::Kept);
            weights.insert(id.to_owned(), w);
        }
    }
    let model = LikelihoodModel {
        // The file's name, hidden characters shown (a policy's version
        // may hold none: it reaches reports and step outputs). The model
        // written gets `model_version`, with its hash, once its numbers
        // are final.
        version: format!("calibrated-{}-{rows}", blastgate_graph::shown(stem(history.source()))),
        source: String::new(),
        intercept: round(intercept),
        weights,
        shapes,
    };
    (model, origins)
}

/// Where the time-ordered `rows` are cut into the fitted and the measured
/// part: at the boundary between two times nearest `target` (the earlier
/// on a tie), never inside a group of changes of the same time. Rows of
/// one time are ordered by their contents and outcome, so a cut inside a
/// month of changes stamped alike put its positives in the test part (an
/// audit: AUC 0.732 against 0.720 for the same data in a label-blind
/// order). A boundary that leaves either part empty is taken only when
/// there is no other (the parts' check refuses it). `None` when every row
/// has one time: there is no boundary at all.
fn time_cut(rows: &[HistoryRow], target: usize) -> Option<usize> {
    let boundary = |i: usize| match (i.checked_sub(1).and_then(|j| rows.get(j)), rows.get(i)) {
        (Some(a), Some(b)) => a.time.total_cmp(&b.time).is_ne(),
        _ => false,
    };
    let forward = (target..rows.len()).find(|&i| boundary(i));
    let backward = (1..=target.min(rows.len())).rev().find(|&i| boundary(i));
    match (backward, forward) {
        (Some(b), Some(f)) => Some(if target - b <= f - target { b } else { f }),
        (Some(b), None) => Some(b),
        (None, Some(f)) => Some(f),
        (None, None) => None,
    }
}

/// The version of a fitted model: `calibrated-<history file>-<rows>-<hash>`,
/// the hash the first 12 hex digits of the SHA-256 of the numbers that
/// decide as the model file writes them (`model_file::decisive_text`:
/// intercept, weights, shapes and, with a gate budget, the bands). Two fits
/// of one file that differ in a number (other `--features`, another
/// `--test-share` or budget, a refreshed history of as many rows) get
/// different versions; the same fit gets the same.
fn model_version(history: &History, l: &LikelihoodModel, bands: Option<&blastgate_core::policy::Bands>) -> String {
    let text = crate::model_file::decisive_text(l, bands);
    let digest = blastgate_core::engine::digest_of(&[text.as_bytes()]);
    let hex = digest.strip_prefix("sha256:").unwrap_or(&digest);
    let short: String = hex.chars().take(12).collect();
    // The file's name, hidden characters shown (a policy's version may
    // hold none: it reaches reports and step outputs).
    format!("calibrated-{}-{}-{short}", blastgate_graph::shown(stem(history.source())), history.len())
}

/// A knot as written: six significant digits, so that `ln(1 + value)`
/// read back is the fitted knot to within 1e-6 whatever its size (rounding
/// to six decimals would merge the knots of a metric near 0).
///
/// The rounding goes through the decimal text (`1.23457e-310`) rather than
/// scaling by a power of ten, which overflows for values near the smallest
/// floats (`10^315`) and gave NaN. The result is the float nearest the
/// six-digit text, finite for every finite `x`, and rounding is idempotent.
fn round_knot(x: f64) -> f64 {
    if !x.is_finite() {
        return x;
    }
    format!("{x:.5e}").parse().unwrap_or(x)
}

fn policy_source(history: &History, origins: &BTreeMap<String, WeightOrigin>) -> String {
    let list = |o: WeightOrigin| origins.iter().filter(|(_, v)| **v == o).map(|(k, _)| k.as_str()).collect::<Vec<_>>();
    let shaped: Vec<&str> = history.metrics().iter().map(|m| m.name()).collect();
    // The file's name as shown (escaped): the source is one line of the
    // policy, which refuses control and hidden characters in its texts.
    let mut s = format!(
        "blastgate calibrate on {} ({} changes, {} positive): shape functions fitted for {}",
        blastgate_graph::shown(stem(history.source())),
        history.len(),
        history.positives(),
        shaped.join(", ")
    );
    let kept = list(WeightOrigin::Kept);
    if !kept.is_empty() {
        s.push_str(&format!("; kept from the base policy (no history data): {}", kept.join(", ")));
    }
    let absent = list(WeightOrigin::Absent);
    if !absent.is_empty() {
        s.push_str(&format!("; weight 0 (metric absent from the history): {}", absent.join(", ")));
    }
    s
}

/// The file name of a path, without directories.
pub(crate) fn stem(source: &str) -> &str {
    // `\` is taken for a separator on every platform, so that a model's
    // name does not depend on where it was fitted; a Unix file name holding
    // one (`we"ird\.csv`) loses what comes before it.
    let name = source.rsplit(['/', '\\']).next().unwrap_or(source);
    // Standard input (`<stdin>` in messages) names no file.
    name.trim_start_matches('<').trim_end_matches('>')
}

/// Rounds to 6 decimals, so files and JSON show readable, stable numbers.
///
/// The result is the float nearest the six-decimal text, so rounding is
/// idempotent and a written number reads back as the same float.
pub fn round(x: f64) -> f64 {
    if !x.is_finite() {
        return x;
    }
    format!("{x:.6}").parse().unwrap_or(x)
}

/// Measures scores (log-odds) against the rows' outcomes.
fn evaluate(scores: &[f64], rows: &[HistoryRow], train_rate: f64) -> Result<Evaluation, CalibrateError> {
    let labels: Vec<bool> = rows.iter().map(|r| r.label).collect();
    if scores.iter().any(|s| !s.is_finite()) {
        return Err(CalibrateError::Fit("the model gave a non-finite score".into()));
    }
    let probabilities: Vec<f64> = scores.iter().map(|&s| solver::sigmoid(s)).collect();
    let missing = || CalibrateError::Fit("the test part has one outcome only".into());
    let auc = metrics::roc_auc(scores, &labels).ok_or_else(missing)?;
    let brier = metrics::brier(&probabilities, &labels).ok_or_else(missing)?;
    let flat = vec![train_rate; rows.len()];
    let brier_base_rate = metrics::brier(&flat, &labels).ok_or_else(missing)?;
    let capture = CAPTURE_SHARES
        .iter()
        .map(|&s| metrics::capture(scores, &labels, s).map(|c| (s, c)).ok_or_else(missing))
        .collect::<Result<Vec<_>, _>>()?;
    let capture_curve = (0..=100)
        .filter_map(|pct| {
            let s = f64::from(pct) / 100.0;
            metrics::capture(scores, &labels, s).map(|c| (s, c))
        })
        .collect();
    Ok(Evaluation {
        rows: rows.len(),
        positives: labels.iter().filter(|l| **l).count(),
        auc,
        brier,
        brier_base_rate,
        calibration: metrics::calibration(&probabilities, &labels, 10),
        capture,
        roc: metrics::roc_curve(scores, &labels),
        capture_curve,
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::float_cmp, reason = "test code: exact values are the point")]

    use super::{round_knot, stem};

    #[test]
    fn knots_keep_six_significant_digits_at_every_magnitude() {
        assert_eq!(round_knot(0.0), 0.0);
        assert_eq!(round_knot(1234.5678), 1234.57);
        assert_eq!(round_knot(0.000_123_456_78), 0.000_123_457);
        assert_eq!(round_knot(1.234_567_8e-310), 1.23457e-310);
        assert_eq!(round_knot(5e-324), 5e-324);
        assert_eq!(round_knot(f64::MAX), 1.79769e308);
        for x in [1e-310, 3.3e-320, 1e300, 123.456, 7.0] {
            assert_eq!(round_knot(round_knot(x)), round_knot(x), "{x}");
        }
    }

    #[test]
    fn a_model_is_named_after_its_history_file() {
        assert_eq!(stem("data/history/go.csv"), "go.csv");
        assert_eq!(stem(r"C:\data\go.csv"), "go.csv");
        assert_eq!(stem("go.csv"), "go.csv");
        // Standard input is `<stdin>` in messages, `stdin` in names.
        assert_eq!(stem("<stdin>"), "stdin");
    }
}
