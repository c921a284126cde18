//! How well scores rank and predict outcomes: ROC AUC (ties count half),
//! the Brier score, a calibration table by decile, the capture-vs-gated
//! curve and the threshold that gates a given share of changes.
//!
//! Every function sorts with `total_cmp` and breaks ties in a stated way,
//! so the same inputs give the same bits. Scores must be finite (the
//! callers check); labels are `true` for a defect- or incident-causing
//! change.

use std::cmp::Ordering;

/// The area under the ROC curve: the probability that a random positive
/// scores above a random negative, ties counting one half (the
/// Mann-Whitney statistic with mid-ranks). `None` when either class is
/// empty or the lengths differ.
///
/// # Complexity
/// `O(n log n)`.
pub fn roc_auc(scores: &[f64], labels: &[bool]) -> Option<f64> {
    if scores.len() != labels.len() {
        return None;
    }
    let positives = labels.iter().filter(|l| **l).count();
    let negatives = labels.len() - positives;
    if positives == 0 || negatives == 0 {
        return None;
    }
    // Walk groups of tied scores from lowest to highest: each positive beats
    // every negative below its group and ties with half of its own group's.
    let order = ascending(scores);
    let mut negatives_below = 0usize;
    let mut twice_wins = 0u128;
    for group in tie_groups(&order, scores) {
        let pos = group.iter().filter(|&&i| labels.get(i).copied().unwrap_or(false)).count();
        let neg = group.len() - pos;
        twice_wins += 2 * (pos as u128) * (negatives_below as u128) + (pos as u128) * (neg as u128);
        negatives_below += neg;
    }
    Some(twice_wins as f64 / (2.0 * positives as f64 * negatives as f64))
}

/// The ROC curve: `(false positive rate, true positive rate)` points from
/// `(0, 0)` to `(1, 1)`, one per distinct score, highest scores first.
pub fn roc_curve(scores: &[f64], labels: &[bool]) -> Vec<(f64, f64)> {
    let positives = labels.iter().filter(|l| **l).count().max(1) as f64;
    let negatives = labels.iter().filter(|l| !**l).count().max(1) as f64;
    let mut order = ascending(scores);
    order.reverse();
    let mut points = vec![(0.0, 0.0)];
    let (mut tp, mut fp) = (0usize, 0usize);
    for group in tie_groups(&order, scores) {
        let pos = group.iter().filter(|&&i| labels.get(i).copied().unwrap_or(false)).count();
        tp += pos;
        fp += group.len() - pos;
        points.push((fp as f64 / negatives, tp as f64 / positives));
    }
    points
}

/// The Brier score: the mean squared difference between predicted
/// probability and outcome (0 is perfect; always predicting the base rate
/// `r` scores `r (1 - r)`). `None` for no rows or different lengths.
pub fn brier(probabilities: &[f64], labels: &[bool]) -> Option<f64> {
    if probabilities.is_empty() || probabilities.len() != labels.len() {
        return None;
    }
    let sum = probabilities
        .iter()
        .zip(labels)
        .map(|(p, l)| {
            let d = p - if *l { 1.0 } else { 0.0 };
            d * d
        })
        .fold(0.0, |a, b| a + b);
    Some(sum / probabilities.len() as f64)
}

/// One bin of a calibration table.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CalibrationBin {
    /// Changes in the bin.
    pub count: usize,
    /// The mean predicted probability.
    pub predicted: f64,
    /// The share that were positive.
    pub observed: f64,
}

/// The calibration table: changes sorted by predicted probability and cut
/// into `bins` groups of equal size (the first groups get one fewer when
/// it does not divide; fewer than `bins` changes make fewer groups), each
/// with its mean prediction and observed rate. A change counts the rate
/// of all changes of its prediction, so a group of tied predictions that
/// a cut divides shows one rate on both sides, whatever their order.
/// Empty bins are left out.
pub fn calibration(probabilities: &[f64], labels: &[bool], bins: usize) -> Vec<CalibrationBin> {
    let order = ascending(probabilities);
    let n = order.len();
    let bins = bins.max(1);
    // Each row counts its tie group's rate: rows of one prediction are
    // alike to the model, and a bin edge inside the group split them by
    // the order they happened in (a statistics audit: two predictions,
    // six bins at one of them observing 0, 50, 0, 50, 0 and 50%). The
    // expected value over orderings of the tie, as in `capture`.
    let mut outcome = vec![0.0; probabilities.len()];
    for group in tie_groups(&order, probabilities) {
        let positive = group.iter().filter(|&&i| labels.get(i).copied().unwrap_or(false)).count();
        let rate = positive as f64 / group.len().max(1) as f64;
        for &i in group {
            if let Some(o) = outcome.get_mut(i) {
                *o = rate;
            }
        }
    }
    (0..bins)
        .filter_map(|b| {
            let group = order.get(b * n / bins..(b + 1) * n / bins)?;
            if group.is_empty() {
                return None;
            }
            let predicted = group.iter().filter_map(|&i| probabilities.get(i)).fold(0.0, |a, b| a + b);
            let positive = group.iter().filter_map(|&i| outcome.get(i)).fold(0.0, |a, b| a + b);
            Some(CalibrationBin {
                count: group.len(),
                predicted: predicted / group.len() as f64,
                observed: positive / group.len() as f64,
            })
        })
        .collect()
}

/// The share of positives caught when the riskiest `share` (0 to 1) of
/// changes are gated: `ceil(share * n)` changes, highest scores first. A
/// group of tied scores that straddles the cut counts in proportion (the
/// expected value over orderings of the tie), so the result does not depend
/// on row order. `None` when there is no positive.
pub fn capture(scores: &[f64], labels: &[bool], share: f64) -> Option<f64> {
    let positives = labels.iter().filter(|l| **l).count();
    if positives == 0 || scores.len() != labels.len() || !share.is_finite() {
        return None;
    }
    let gated = (share.clamp(0.0, 1.0) * scores.len() as f64).ceil();
    let mut order = ascending(scores);
    order.reverse();
    let mut left = gated;
    let mut caught = 0.0;
    for group in tie_groups(&order, scores) {
        if left <= 0.0 {
            break;
        }
        let size = group.len() as f64;
        let pos = group.iter().filter(|&&i| labels.get(i).copied().unwrap_or(false)).count() as f64;
        let taken = left.min(size);
        caught += pos * taken / size;
        left -= taken;
    }
    Some(caught / positives as f64)
}

/// The lowest score that puts at most `share` of `scores` at or above it,
/// with the share it actually gates; when ties make that impossible, the
/// score of the tie group that crosses the budget (gating a little more).
/// `None` for no scores.
pub fn threshold_for_share(scores: &[f64], share: f64) -> Option<(f64, f64)> {
    let n = scores.len();
    if n == 0 {
        return None;
    }
    // The product a hair below a whole number is that number: 29% of 100
    // is 28.999999999999996 in floating point, and one row too few was
    // gated (a statistics audit). The tolerance, a billionth, is far
    // below any budget a policy states and far above the rounding.
    let budget = (share.clamp(0.0, 1.0) * n as f64 * (1.0 + 1e-9)).floor() as usize;
    let budget = budget.min(n);
    let mut order = ascending(scores);
    order.reverse();
    let mut gated = 0usize;
    let mut best: Option<(f64, usize)> = None;
    for group in tie_groups(&order, scores) {
        let score = group.first().and_then(|&i| scores.get(i)).copied()?;
        if gated + group.len() > budget {
            let (t, g) = best.unwrap_or((score, gated + group.len()));
            return Some((t, g as f64 / n as f64));
        }
        gated += group.len();
        best = Some((score, gated));
    }
    best.map(|(t, g)| (t, g as f64 / n as f64))
}

/// Indices sorted by score ascending (`total_cmp`), ties by index.
fn ascending(scores: &[f64]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..scores.len()).collect();
    order.sort_by(|&a, &b| match (scores.get(a), scores.get(b)) {
        (Some(x), Some(y)) => x.total_cmp(y).then(a.cmp(&b)),
        _ => Ordering::Equal,
    });
    order
}

/// Consecutive runs of `order` whose scores are equal.
fn tie_groups<'a>(order: &'a [usize], scores: &'a [f64]) -> impl Iterator<Item = &'a [usize]> + 'a {
    order.chunk_by(move |&a, &b| match (scores.get(a), scores.get(b)) {
        (Some(x), Some(y)) => x.total_cmp(y).is_eq(),
        _ => false,
    })
}
