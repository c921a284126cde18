//! Likelihood bands from a gate budget: "send the riskiest 10% of changes
//! to senior review".
//!
//! The matrix decides depth from the likelihood band and the impact band.
//! For the impact band the changes are assumed to have, the lowest
//! likelihood row whose depth is `senior` or more is where senior review
//! starts; its lower cut point becomes the likelihood above which the
//! budgeted share of history lies. The other cut points are kept when they
//! stay in order, else moved just enough to keep the bands ascending.

use blastgate_core::policy::{Bands, LikelihoodModel};
use blastgate_core::{Policy, ReviewDepth};

use crate::engine;
use crate::error::CalibrateError;
use crate::fit::GateBudget;
use crate::history::{History, HistoryRow};
use crate::metrics;

/// Proposed bands for a gate budget, and how they did.
#[derive(Debug, Clone, PartialEq)]
pub struct BudgetProposal {
    /// The budget: the share of changes to send to senior review.
    pub share: f64,
    /// The impact band assumed (0 = low to 3 = very high).
    pub impact_band: usize,
    /// The likelihood band (0 to 3) where that column reaches senior.
    pub senior_band: usize,
    /// The likelihood threshold: the lower cut point of `senior_band`, as
    /// written (rounded down to 6 decimals, or more where 6 would take in
    /// rows below the exact threshold, so the row that set it stays at or
    /// above it and no other row joins it).
    pub threshold: f64,
    /// The proposed bands (impact cut points as in the base policy).
    pub bands: Bands,
    /// The share of all history at or above the threshold as written:
    /// what a backtest of the proposed bands sends to senior review or
    /// more.
    pub gated: f64,
    /// The share of all history at or above the exact threshold: what
    /// `gated` would be if a cut point could fall anywhere. `gated` is less
    /// where the engine cannot cut between the rows: it bands a likelihood
    /// shown (to six decimals) at a cut point as at it, so rows within a
    /// millionth of each other near likelihood 1 go together.
    pub exact_gated: f64,
    /// The same procedure measured: the threshold chosen on the earliest
    /// part with the model fitted there, applied to the latest part: the
    /// share it gated there.
    pub test_gated: f64,
    /// And the share of the latest part's positives it caught.
    pub test_caught: f64,
    /// For each impact band (low to very high), the share of all history
    /// the written bands send to senior review or more, were every change
    /// of that impact: the bands are shared by every column of the
    /// matrix, so a budget set for one column moves the others (a
    /// red-team finding: a 10% budget at very high impact took every
    /// high-impact change of jdt below senior review, unsaid).
    pub senior_by_impact: [f64; 4],
    /// The same shares under the base policy's bands, for comparison.
    pub base_senior_by_impact: [f64; 4],
}

/// Proposes bands: `model` is the policy model fitted on all rows,
/// `fitted` the one fitted on `train` only (for the measurement on `test`).
///
/// # Errors
/// [`CalibrateError::Data`] when the budget is out of range, or the matrix
/// never reaches `senior` in the assumed impact column, or reaches it
/// whatever the likelihood.
pub(crate) fn propose(
    history: &History,
    base: &Policy,
    fitted: &LikelihoodModel,
    model: &LikelihoodModel,
    train: &[HistoryRow],
    test: &[HistoryRow],
    budget: GateBudget,
) -> Result<BudgetProposal, CalibrateError> {
    let source = history.source();
    // (Rows are scored as the policy written will score them.)
    let asks_ai = base.asks_ai_declaration();
    if !(budget.share > 0.0 && budget.share < 1.0) {
        return Err(CalibrateError::data(source, "the gate budget must be strictly between 0% and 100%"));
    }
    let column: Vec<ReviewDepth> = base.matrix.iter().filter_map(|row| row.get(budget.impact_band).copied()).collect();
    let senior_band = column.iter().position(|d| *d >= ReviewDepth::Senior);
    let senior_band = match senior_band {
        Some(b) if b > 0 => b,
        Some(_) => {
            return Err(CalibrateError::data(
                source,
                format!(
                    "in impact band `{}`, the matrix sends every change to senior review or more whatever its \
                     likelihood; a budget cannot change that (pick another --impact-band)",
                    Bands::name(budget.impact_band)
                ),
            ));
        }
        None => {
            return Err(CalibrateError::data(
                source,
                format!(
                    "in impact band `{}`, the matrix never reaches senior review; pick another --impact-band",
                    Bands::name(budget.impact_band)
                ),
            ));
        }
    };
    let all: Vec<f64> = history.rows().iter().map(|r| engine::likelihood(model, asks_ai, history, r)).collect();
    let (threshold, exact_gated) = metrics::threshold_for_share(&all, budget.share)
        .ok_or_else(|| CalibrateError::data(source, "no rows to set a threshold on"))?;
    if !(threshold > 0.0 && threshold < 1.0) {
        return Err(CalibrateError::data(
            source,
            format!("the threshold for that budget is {threshold}, not strictly between 0 and 1"),
        ));
    }
    // The cut point as written, and the share the engine gates with it
    // (ties the engine cannot tell apart may take in more than the budget;
    // the report states what the written bands do).
    let cut = cut_point(&all, threshold);
    let gated = share_at_or_above(&all, cut);
    let mut cuts = base.bands.likelihood;
    let at = senior_band - 1;
    if let Some(c) = cuts.get_mut(at) {
        *c = cut;
    }
    for k in (0..at).rev() {
        let above = cuts.get(k + 1).copied().unwrap_or(1.0);
        // Rounded as the file writes it, so that the report and the file
        // state the same cut points (down, to stay below the one above).
        if let Some(c) = cuts.get_mut(k).filter(|c| **c >= above) {
            *c = round_down(above / 2.0);
        }
    }
    for k in at + 1..cuts.len() {
        let below = cuts.get(k - 1).copied().unwrap_or(0.0);
        if let Some(c) = cuts.get_mut(k).filter(|c| **c <= below) {
            *c = crate::fit::round((below + 1.0) / 2.0);
        }
    }
    let bands = Bands { likelihood: cuts, impact: base.bands.impact };

    // The procedure measured on the latest part.
    let earlier: Vec<f64> = train.iter().map(|r| engine::likelihood(fitted, asks_ai, history, r)).collect();
    let later: Vec<f64> = test.iter().map(|r| engine::likelihood(fitted, asks_ai, history, r)).collect();
    let (t, _) = metrics::threshold_for_share(&earlier, budget.share)
        .ok_or_else(|| CalibrateError::data(source, "no rows to set a threshold on"))?;
    let t = cut_point(&earlier, t);
    let positives = test.iter().filter(|r| r.label).count();
    let caught = test.iter().zip(&later).filter(|(r, p)| r.label && gates(**p, t)).count();
    let senior_by = |cuts: &[f64; 3]| {
        let mut shares = [0.0; 4];
        for (impact, share) in shares.iter_mut().enumerate() {
            let reaches = base.matrix.iter().position(|row| row.get(impact).is_some_and(|d| *d >= ReviewDepth::Senior));
            *share = match reaches {
                None => 0.0,
                Some(0) => 1.0,
                Some(band) => cuts.get(band - 1).map_or(0.0, |&cut| share_at_or_above(&all, cut)),
            };
        }
        shares
    };
    let senior_by_impact = senior_by(&bands.likelihood);
    let base_senior_by_impact = senior_by(&base.bands.likelihood);
    Ok(BudgetProposal {
        share: budget.share,
        impact_band: budget.impact_band,
        senior_band,
        threshold: cut,
        bands,
        gated,
        exact_gated,
        test_gated: share_at_or_above(&later, t),
        test_caught: caught as f64 / positives.max(1) as f64,
        senior_by_impact,
        base_senior_by_impact,
    })
}

/// Rounds a threshold (in (0, 1)) down to 6 decimals, so that the row
/// whose likelihood set it is still at or above the cut point written.
/// (Rounding up lifted the cut above that row: the written bands gated one
/// row fewer than reported.) A threshold below 1e-6, which would round to
/// 0 and gate everything, is kept as it is.
fn round_down(x: f64) -> f64 {
    round_down_to(x, 6)
}

/// [`round_down`] to `decimals` decimals (through the decimal text, as
/// [`crate::fit::round`]); `x` itself when that is not above 0.
fn round_down_to(x: f64, decimals: usize) -> f64 {
    let text = |v: f64| format!("{v:.decimals$}").parse::<f64>().unwrap_or(x);
    let r = text(x);
    let r = if r.total_cmp(&x).is_gt() { text(r - 10f64.powi(-(decimals as i32))) } else { r };
    if r.total_cmp(&0.0).is_gt() && r.total_cmp(&x).is_le() { r } else { x }
}

/// Whether the engine puts likelihood `x` in the band that starts at
/// `cut` or a higher one: [`Bands::band`], which counts a likelihood at or
/// above a cut point, or shown (to six decimals) at or above it, so that a
/// decision never shows a likelihood equal to a cut point in the band
/// below.
fn gates(x: f64, cut: f64) -> bool {
    Bands::band(&[cut; 3], x) > 0
}

/// The cut point to write for `threshold`, one of `scores`: the lowest
/// that gates, as the engine bands ([`gates`]), no more rows than the
/// exact threshold does. Six decimals where they do (the threshold rounded
/// down, so the row that set it stays gated), else the fewest more that
/// do, else a higher row's likelihood, rounded the same way or as it is.
/// (Near likelihood 1, rows a millionth apart are many: rounding down took
/// in every likelihood in [0.999957, 0.9999577) on a separable history,
/// and a 1% budget gated 1.6%, a red-team finding.) The threshold itself
/// when no cut point gates as few (rows the engine shows alike, to six
/// decimals, at the top).
fn cut_point(scores: &[f64], threshold: f64) -> f64 {
    let mut sorted = scores.to_vec();
    sorted.sort_by(f64::total_cmp);
    let count = |cut: f64| sorted.len() - sorted.partition_point(|&x| !gates(x, cut));
    let start = sorted.partition_point(|x| x.total_cmp(&threshold).is_lt());
    let exact = sorted.len() - start;
    let mut candidates = sorted.get(start..).unwrap_or_default().to_vec();
    candidates.dedup_by(|a, b| a.total_cmp(b).is_eq());
    candidates
        .into_iter()
        .flat_map(|s| (6..=17).map(move |d| round_down_to(s, d)).chain([s]))
        .find(|&cut| count(cut) <= exact)
        .unwrap_or(threshold)
}

/// The share of `scores` the engine puts at or above `cut` ([`gates`]).
fn share_at_or_above(scores: &[f64], cut: f64) -> f64 {
    scores.iter().filter(|&&p| gates(p, cut)).count() as f64 / scores.len().max(1) as f64
}

#[cfg(test)]
mod tests {
    #![allow(clippy::float_cmp, reason = "test code: exact values are the point")]

    use super::{cut_point, round_down};

    #[test]
    fn thresholds_round_down_to_six_decimals() {
        assert_eq!(round_down(0.123_456_7), 0.123_456);
        assert_eq!(round_down(0.123_456_2), 0.123_456);
        assert_eq!(round_down(0.5), 0.5);
        assert_eq!(round_down(0.999_999_9), 0.999_999);
        // Below 1e-6 it would round to 0, a cut point that gates everything.
        assert_eq!(round_down(4e-7), 4e-7);
        for x in [0.123_456_7, 0.000_001_5, 0.3, 0.1 + 0.2, 4e-7] {
            assert!(round_down(x) <= x && round_down(x) > 0.0, "{x}");
        }
    }

    /// Near likelihood 1, six decimals would take in scores below the
    /// threshold, and the engine counts a likelihood shown (to six
    /// decimals) at a cut point as at it: the cut point gates no more rows
    /// than the exact threshold.
    #[test]
    fn the_cut_point_gates_no_row_below_the_threshold() {
        let scores = [0.5, 0.999_957_2, 0.999_957_5, 0.999_957_6, 0.999_957_7, 0.999_99];
        for (i, &t) in scores.iter().enumerate() {
            let cut = cut_point(&scores, t);
            let gated = scores.iter().filter(|&&p| super::gates(p, cut)).count();
            assert!(gated <= scores.len() - i, "threshold {t}: cut {cut} gates {gated}");
            assert!(gated > 0, "threshold {t}: cut {cut} gates nothing");
        }
        // Far from 1 the cut point is the threshold rounded down.
        assert_eq!(cut_point(&[0.3, 0.412_345_678], 0.412_345_678), 0.412_345);
    }
}
