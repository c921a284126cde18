//! The bridge to the assessment engine: which history metric feeds which
//! engine feature (`blastgate_core::engine::features::FEATURES`), the
//! feature values the engine would compute for a history row, and the
//! engine's likelihood of a row under a policy.
//!
//! Four metrics have no linear engine feature (`lt`, `ndev`, `rexp`,
//! `sexp`); the engine reads them from a changeset's `history` section,
//! which the git reader fills, and applies them through shape functions
//! like every other metric of a calibrated model.

use blastgate_core::engine::features::{self, FEATURES, MAX_EXPERIENCE, MAX_FILE_AGE_DAYS, MAX_PRIOR_CHANGES};
use blastgate_core::policy::LikelihoodModel;

use crate::history::{History, HistoryRow, Metric};

/// The engine feature a metric feeds, if any.
pub fn engine_feature(metric: Metric) -> Option<&'static str> {
    Some(match metric {
        Metric::La => "log_lines_added",
        Metric::Ld => "log_lines_deleted",
        Metric::Nf => "log_files",
        Metric::Nd => "log_directories",
        Metric::Ns => "log_subsystems",
        Metric::Entropy => "entropy",
        Metric::Exp => "log_author_experience",
        Metric::Nuc => "log_prior_changes",
        Metric::Age => "log_file_age",
        Metric::Fix => "fix",
        Metric::Lt | Metric::Ndev | Metric::Rexp | Metric::Sexp => return None,
    })
}

/// The value of a metric's engine feature, computed as the engine does
/// (`ln(1 + v)`, experience capped at 1000 changes, prior changes at
/// 10,000, file age at 3650 days, the fix flag 0 or 1).
pub fn engine_value(metric: Metric, raw: f64) -> f64 {
    let raw = if raw.is_finite() { raw.max(0.0) } else { 0.0 };
    match metric {
        Metric::Entropy => raw,
        Metric::Fix => {
            if raw > 0.5 {
                1.0
            } else {
                0.0
            }
        }
        Metric::Exp => raw.min(MAX_EXPERIENCE).ln_1p(),
        Metric::Age => raw.min(MAX_FILE_AGE_DAYS).ln_1p(),
        Metric::Nuc => raw.min(MAX_PRIOR_CHANGES).ln_1p(),
        _ => raw.ln_1p(),
    }
}

/// The metrics of `history` that feed an engine feature, in canonical
/// order.
pub fn mapped_metrics(history: &History) -> Vec<Metric> {
    history.metrics().iter().copied().filter(|m| engine_feature(*m).is_some()).collect()
}

/// Every engine feature's value for a history row, in the engine's order.
/// Features a history cannot know take the engine's value for an unstated
/// fact under `model`: a metric's feature the value
/// [`features::unstated_value`] gives it under its weight (its cap for a
/// positive weight, else 0; the fix flag 1 under a positive weight),
/// `no_rollback_plan` 1 (no plan stated counts as none), `ai_assisted`
/// and `ai_below_senior` 1 when `asks_ai` (the policy asks every change
/// to declare its AI use, [`Policy::asks_ai_declaration`]: a row states
/// none, by an author of unknown seniority, which `assess` scores so),
/// every other change-kind, AI and context feature 0.
///
/// [`Policy::asks_ai_declaration`]: blastgate_core::Policy::asks_ai_declaration
pub fn feature_values(
    model: &LikelihoodModel,
    asks_ai: bool,
    history: &History,
    row: &HistoryRow,
) -> Vec<(&'static str, f64)> {
    FEATURES
        .iter()
        .map(|&(id, _)| {
            if asks_ai && matches!(id, "ai_assisted" | "ai_below_senior") {
                return (id, 1.0);
            }
            let from_metric = history
                .metrics()
                .iter()
                .find(|m| engine_feature(**m) == Some(id))
                .and_then(|m| history.value(row, *m).map(|v| engine_value(*m, v)));
            let weight = model.weights.get(id).copied().unwrap_or(0.0);
            (id, from_metric.or_else(|| features::unstated_value(id, weight)).unwrap_or_else(|| unstated_value(id)))
        })
        .collect()
}

/// The value the engine gives a feature that no history metric informs,
/// for a change that states nothing about it: 1 for `no_rollback_plan`, 0
/// for every other (a feature an unstated metric feeds takes
/// [`features::unstated_value`] instead).
pub fn unstated_value(id: &str) -> f64 {
    if id == "no_rollback_plan" { 1.0 } else { 0.0 }
}

/// The engine's likelihood of a history row under `model`: its linear
/// features and its shape functions, computed by the engine's own
/// [`features::log_odds`]. A shape whose metric the history lacks counts
/// its largest contribution, as for a change that does not state it.
pub fn likelihood(model: &LikelihoodModel, asks_ai: bool, history: &History, row: &HistoryRow) -> f64 {
    let log_odds = features::log_odds(model, &feature_values(model, asks_ai, history, row), |name| {
        Metric::parse(name).and_then(|m| history.value(row, m))
    });
    features::sigmoid(log_odds)
}
