//! Replaying a policy over history: which depth each past change would
//! have got, the review load per depth, and the share of defect- or
//! incident-causing changes each depth would have caught.
//!
//! A history has change metrics but no graph and no context, so the replay
//! covers the likelihood and the matrix: each change's likelihood from the
//! policy's model (features as the engine computes them, see
//! [`crate::engine`]) in the impact band the caller assumes. Hard rules
//! that need a graph or a context (critical reach, freezes, incidents)
//! cannot fire and are not counted.

use blastgate_core::{Policy, ReviewDepth};

use crate::engine;
use crate::error::CalibrateError;
use crate::history::{FittedPeriod, History, Metric};
use crate::metrics;

/// The load and catch of one depth.
#[derive(Debug, Clone, PartialEq)]
pub struct DepthLoad {
    /// The depth.
    pub depth: ReviewDepth,
    /// Changes that would have got it.
    pub changes: usize,
    /// Their share of all changes.
    pub load: f64,
    /// Positives among them.
    pub positives: usize,
    /// The share of all positives that would have got this depth; 0 when
    /// the history has none (no share: the CLI writes `null`).
    pub caught: f64,
    /// The share of all changes at this depth or deeper.
    pub load_at_or_above: f64,
    /// The share of all positives at this depth or deeper; 0 when the
    /// history has none, as for [`DepthLoad::caught`].
    pub caught_at_or_above: f64,
}

/// A policy replayed over a history.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Backtest {
    /// Where the history comes from.
    pub source: String,
    /// Changes replayed.
    pub rows: usize,
    /// Positives among them.
    pub positives: usize,
    /// The policy's version.
    pub policy_version: String,
    /// The likelihood model's version.
    pub model_version: String,
    /// The impact band assumed (0 = low to 3 = very high).
    pub impact_band: usize,
    /// How well the policy's likelihood ranks the history (ROC AUC), when
    /// both outcomes occur.
    pub auc: Option<f64>,
    /// Every depth, shallowest first, including those no change got.
    pub depths: Vec<DepthLoad>,
    /// Changes and positives per likelihood band (low to very high).
    pub bands: [(usize, usize); 4],
    /// Whether the figures are in-sample, flattering the model: some
    /// replayed changes fall in the period it was fitted on
    /// ([`Backtest::in_sample_rows`]), or it was fitted on a history of this
    /// file name and number of rows (its version,
    /// `calibrated-<file>-<rows>-...`, says so). `calibrate` refits the
    /// model it writes on every row, so only its own report on the latest
    /// part is out of sample.
    pub in_sample: bool,
    /// How many replayed changes fall within the period the model was
    /// fitted on (its model file's `fitted_period`), when the model file
    /// records one and the history is timed by the same column; `None`
    /// otherwise. Any makes `in_sample` true: `calibrate` refits the model
    /// it writes on every row, so a history that has grown since still
    /// holds the rows it learnt from.
    pub in_sample_rows: Option<usize>,
    /// The standard metrics the history lacks, in canonical order.
    pub absent: Vec<Metric>,
    /// How the history was read (the parser's notes: columns absent, values
    /// capped, rows sorted) and how each absent metric the policy weighs
    /// was replayed.
    pub notes: Vec<String>,
}

/// Every review depth, shallowest first.
pub const DEPTHS: [ReviewDepth; 6] = [
    ReviewDepth::Auto,
    ReviewDepth::Peer,
    ReviewDepth::Owner,
    ReviewDepth::Senior,
    ReviewDepth::MultiParty,
    ReviewDepth::Block,
];

/// Replays `policy` over `history`, every change assumed in `impact_band`
/// (0 = low to 3 = very high; the band's lower cut point is the impact).
///
/// A metric the history lacks is replayed as `assess` scores a change that
/// does not state it: a shape counts its largest contribution, `exp`,
/// `nuc` and `age` take the riskiest end of their range under the
/// policy's weight, the fix flag 1 under a positive weight (only the
/// author says a change is a fix); each is noted. Under a policy that asks
/// every change to declare its AI use, each row counts as `assisted` by an
/// author below senior. The size metrics
/// (`la ld nf nd ns entropy`) are different: `assess` always computes them
/// from a change's files, so no value stands for "not stated", and
/// replaying them as 0 would report a lighter load than the policy puts on
/// these changes (a red-team finding: jdt with `la` alone sent 2 changes to
/// senior review where the whole table sent 14). A history lacking one the
/// policy weighs positively is refused.
///
/// # Errors
/// [`CalibrateError::Data`] for an empty history, an impact band above 3,
/// a policy the engine would refuse (`Policy::validate`: an embedder
/// audit replayed one with NaN bands and an `auto` error depth as "every
/// change `auto`"), or a size metric the policy weighs that the history
/// lacks.
///
/// # Complexity
/// `O(rows * features + rows log rows)`.
pub fn backtest(history: &History, policy: &Policy, impact_band: usize) -> Result<Backtest, CalibrateError> {
    backtest_fitted(history, policy, impact_band, None)
}

/// As [`backtest`], also counting the replayed changes within `fitted`, the
/// period the policy's likelihood model was fitted on (a model file's
/// `fitted_period`, see `parse_policy_or_model_period`): they are
/// [`Backtest::in_sample_rows`]. A period timed by another column than the
/// history's, or a history in file order, cannot be compared; that is
/// noted.
///
/// # Errors
/// As [`backtest`].
pub fn backtest_fitted(
    history: &History,
    policy: &Policy,
    impact_band: usize,
    fitted: Option<&FittedPeriod>,
) -> Result<Backtest, CalibrateError> {
    let source = history.source();
    if history.is_empty() {
        return Err(CalibrateError::data(source, "the history has no rows"));
    }
    policy
        .validate()
        .map_err(|p| CalibrateError::data(source, format!("the policy cannot be used: {}: {}", p.place, p.message)))?;
    let (absent, mut notes) = absent_metrics(history, policy)?;
    let impact = match impact_band {
        0 => 0.0,
        b => *policy
            .bands
            .impact
            .get(b - 1)
            .ok_or_else(|| CalibrateError::data(source, format!("impact band {b} does not exist (0 to 3)")))?,
    };
    // A history states no AI use: under a policy that asks every change to
    // declare it, each row scores as `assess` scores a change that keeps
    // quiet (a red team: the replay ignored the rule).
    let asks_ai = policy.asks_ai_declaration();
    if asks_ai {
        notes.push(
            "the policy asks every change to declare its AI use, and the history states none: each change is replayed as `assisted` by an author below senior, as `assess` scores a change that does not say".to_owned(),
        );
    }
    let mut likelihoods = Vec::with_capacity(history.len());
    let mut counts = [(0usize, 0usize); 6];
    let mut bands = [(0usize, 0usize); 4];
    for row in history.rows() {
        let p = engine::likelihood(&policy.likelihood, asks_ai, history, row);
        // Fail closed: a non-finite likelihood is the policy's error depth.
        let depth = if p.is_finite() { policy.matrix_depth(p, impact) } else { policy.error_depth };
        let d = DEPTHS.iter().position(|x| *x == depth).unwrap_or(DEPTHS.len() - 1);
        if let Some(c) = counts.get_mut(d) {
            c.0 += 1;
            c.1 += usize::from(row.label);
        }
        let b = blastgate_core::policy::Bands::band(&policy.bands.likelihood, p);
        if let Some(c) = bands.get_mut(b) {
            c.0 += 1;
            c.1 += usize::from(row.label);
        }
        likelihoods.push(if p.is_finite() { p } else { 1.0 });
    }
    let rows = history.len();
    let positives = history.positives();
    let share = |a: usize, b: usize| if b == 0 { 0.0 } else { a as f64 / b as f64 };
    let depths = DEPTHS
        .iter()
        .enumerate()
        .map(|(i, &depth)| {
            let (changes, pos) = counts.get(i).copied().unwrap_or((0, 0));
            let (deeper, deeper_pos) = counts.iter().skip(i).fold((0, 0), |(a, b), (c, d)| (a + c, b + d));
            DepthLoad {
                depth,
                changes,
                load: share(changes, rows),
                positives: pos,
                caught: share(pos, positives),
                load_at_or_above: share(deeper, rows),
                caught_at_or_above: share(deeper_pos, positives),
            }
        })
        .collect();
    let labels: Vec<bool> = history.rows().iter().map(|r| r.label).collect();
    let in_sample_rows = match fitted {
        Some(period) if period.comparable(history) => {
            Some(history.rows().iter().filter(|r| period.contains(r.time)).count())
        }
        Some(period) => {
            notes.push(format!(
                "the model was fitted on changes timed by `{}` from {} to {}; this history is {}, so which of \
                 its changes the model learnt from cannot be told",
                blastgate_graph::shorten(&blastgate_graph::shown(period.time_column.as_deref().unwrap_or_default())),
                period.first,
                period.last,
                match history.time_column() {
                    Some(c) => format!("timed by `{}`", blastgate_graph::shorten(&blastgate_graph::shown(c))),
                    None => "in file order".to_owned(),
                }
            ));
            None
        }
        None => None,
    };
    let in_sample = in_sample_rows.is_some_and(|n| n > 0) || fitted_on(&policy.likelihood.version, history);
    Ok(Backtest {
        source: source.to_owned(),
        rows,
        positives,
        policy_version: policy.version.clone(),
        model_version: policy.likelihood.version.clone(),
        impact_band,
        auc: metrics::roc_auc(&likelihoods, &labels),
        depths,
        bands,
        in_sample,
        in_sample_rows,
        absent,
        notes,
    })
}

/// The metrics `history` lacks and the notes of the replay: the history's
/// own, then one per absent metric the policy weighs, saying how it is
/// counted.
///
/// # Errors
/// [`CalibrateError::Data`] naming every size metric the history lacks
/// whose linear feature the policy weighs positively (see [`backtest`]).
fn absent_metrics(history: &History, policy: &Policy) -> Result<(Vec<Metric>, Vec<String>), CalibrateError> {
    let model = &policy.likelihood;
    let absent: Vec<Metric> = Metric::ALL.into_iter().filter(|m| !history.metrics().contains(m)).collect();
    let mut notes = history.notes().to_vec();
    let mut refused = Vec::new();
    for &m in &absent {
        let name = m.name();
        if model.shapes.contains_key(name) {
            notes.push(format!(
                "`{name}` is absent: its shape counts its largest contribution, as for a change that does not state it"
            ));
        }
        let Some(id) = engine::engine_feature(m) else { continue };
        let weight = model.weights.get(id).copied().unwrap_or(0.0);
        if weight == 0.0 {
            continue;
        }
        match (blastgate_core::engine::features::unstated_value(id, weight), m.family()) {
            (Some(v), _) => notes.push(format!(
                "`{name}` is absent: `{id}` (weight {weight}) counts {v:.3}, the riskier end of its range, as for a change that does not state it"
            )),
            (None, crate::history::Family::Size) if weight > 0.0 => refused.push(m),
            (None, _) => notes.push(format!(
                "`{name}` is absent: `{id}` (weight {weight}) counts 0, as for a change that does not state it"
            )),
        }
    }
    if refused.is_empty() {
        return Ok((absent, notes));
    }
    let described = |ms: &[Metric]| {
        ms.iter()
            .map(|m| {
                let id = engine::engine_feature(*m).unwrap_or_default();
                format!("`{}` ({id} {})", m.name(), model.weights.get(id).copied().unwrap_or(0.0))
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    // (Left out by --features while the table has them, or not in the
    // table at all: the remedies differ; a red-team finding: the message
    // told a user who had left them out to leave them out.)
    let (left_out, missing): (Vec<Metric>, Vec<Metric>) =
        refused.into_iter().partition(|m| history.left_out().contains(m));
    let mut problems = Vec::new();
    if !missing.is_empty() {
        problems.push(format!("the history gives no values for {}", described(&missing)));
    }
    if !left_out.is_empty() {
        problems.push(format!("--features leaves out {}, which the history has", described(&left_out)));
    }
    let help = if missing.is_empty() {
        "add them to --features; or replay a policy that does not weigh them, such as the model `calibrate` fits on this history"
    } else {
        "add the columns, or map ones of other names with --column METRIC=COLUMN; or replay a policy that does not weigh them, such as the model `calibrate` fits on this history"
    };
    Err(CalibrateError::Data(
        blastgate_graph::ErrorDetail::new(
            history.source(),
            "",
            "",
            format!(
                "{}: the policy weighs them and `assess` always computes them from a change's files, so replayed as 0 they would report a lighter load than the policy gives these changes",
                problems.join("; ")
            ),
        )
        .with_help_text(help),
    ))
}

/// Whether a model of `version` was fitted on a history named and sized as
/// `history` (the version `calibrate` gives: `calibrated-<file>-<rows>-`
/// and 12 hex digits). A name and a size, not a digest: another file of the
/// same name and size is taken for this one, which only adds a note.
fn fitted_on(version: &str, history: &History) -> bool {
    let prefix =
        format!("calibrated-{}-{}-", blastgate_graph::shown(crate::fit::stem(history.source())), history.len());
    version.strip_prefix(&prefix).is_some_and(|hash| hash.len() == 12 && hash.bytes().all(|b| b.is_ascii_hexdigit()))
}
