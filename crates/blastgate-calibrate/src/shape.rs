//! The additive model over history metrics: one shape function per metric,
//! piecewise linear in the transformed value (`ln(1 + value)` for counts)
//! between knots at quantiles of the training data, flat outside them, and
//! monotone (each segment's rise has the sign of the metric's overall
//! effect). A reviewer reads a shape as a short table: "at 10 lines added
//! +0.4 log-odds, at 100 +1.1, at 1,000 +1.6".
//!
//! Flat outside the knots on purpose: a value beyond anything in the
//! history (a 50,000-line change) gets the largest contribution the
//! history supports, not an extrapolation.

use crate::history::{History, HistoryRow, Metric, Scale};
use crate::solver::Sign;

/// One metric's term of the model.
#[derive(Debug, Clone, PartialEq)]
pub struct Term {
    metric: Metric,
    knots: Vec<f64>,
    heights: Vec<f64>,
}

impl Term {
    /// The metric.
    pub fn metric(&self) -> Metric {
        self.metric
    }

    /// The knots on the transformed scale, ascending. One knot means a
    /// linear (binary) term whose single height is its weight.
    pub fn knots(&self) -> &[f64] {
        &self.knots
    }

    /// The contribution at each knot (the first is 0), or the weight of a
    /// binary term.
    pub fn heights(&self) -> &[f64] {
        &self.heights
    }

    /// The knots as raw metric values (`e^x - 1` for counts).
    pub fn raw_knots(&self) -> Vec<f64> {
        self.knots.iter().map(|&k| self.metric.untransform(k)).collect()
    }

    /// The term's contribution to the log-odds for a raw value.
    pub fn contribution(&self, raw: f64) -> f64 {
        let x = self.metric.transform(raw);
        if self.metric.scale() == Scale::Binary {
            return x * self.heights.first().copied().unwrap_or(0.0);
        }
        let mut previous: Option<(f64, f64)> = None;
        for (&k, &h) in self.knots.iter().zip(&self.heights) {
            match previous {
                None if x <= k => return h,
                Some((pk, ph)) if x <= k => {
                    let span = k - pk;
                    return if span > 0.0 { ph + (h - ph) * (x - pk) / span } else { h };
                }
                _ => previous = Some((k, h)),
            }
        }
        previous.map_or(0.0, |(_, h)| h)
    }

    /// The largest minus the smallest contribution: how much this metric
    /// can move the log-odds.
    pub fn range(&self) -> f64 {
        let max = self.heights.iter().copied().fold(0.0, f64::max);
        let min = self.heights.iter().copied().fold(0.0, f64::min);
        max - min
    }
}

/// The fitted additive model: `logit p = intercept + sum of terms`.
#[derive(Debug, Clone, PartialEq)]
pub struct ShapeModel {
    intercept: f64,
    terms: Vec<Term>,
}

impl ShapeModel {
    /// The intercept.
    pub fn intercept(&self) -> f64 {
        self.intercept
    }

    /// The terms, in canonical metric order.
    pub fn terms(&self) -> &[Term] {
        &self.terms
    }

    /// The log-odds of a row of `history`.
    pub fn log_odds(&self, history: &History, row: &HistoryRow) -> f64 {
        self.terms
            .iter()
            .map(|t| history.value(row, t.metric).map_or(0.0, |v| t.contribution(v)))
            .fold(self.intercept, |a, b| a + b)
    }
}

/// The basis of the design: knots per metric, placed on training rows.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Basis {
    terms: Vec<(Metric, Vec<f64>)>,
}

impl Basis {
    /// Knots at `segments` equally spaced quantiles of each metric's
    /// transformed values over `rows`, the last at the 99.5th percentile
    /// (repeated values merged, so a metric that is mostly 1 gets few
    /// segments; one that varies only past the 99.5th percentile gets one
    /// segment, to its largest value). Binary metrics get one column.
    pub(crate) fn new(history: &History, rows: &[HistoryRow], segments: usize) -> Self {
        let terms = history
            .metrics()
            .iter()
            .enumerate()
            .map(|(i, &metric)| {
                if metric.scale() == Scale::Binary {
                    return (metric, vec![0.0]);
                }
                let mut values: Vec<f64> =
                    rows.iter().filter_map(|r| r.values.get(i)).map(|&v| metric.transform(v)).collect();
                values.sort_by(f64::total_cmp);
                let n = values.len();
                let segments = segments.max(1);
                // The last knot at the 99.5th percentile, not the largest
                // value: one absurd row (lines added 1e308) stretched the top
                // segment over 700 units of ln and flattened the shape
                // (a limits audit); beyond the knot the shape is flat.
                let at = |s: usize| {
                    let top = n.saturating_sub(1);
                    if s == segments { (top * 995) / 1000 } else { (s * top) / segments }
                };
                let mut knots: Vec<f64> = (0..=segments).filter_map(|s| values.get(at(s)).copied()).collect();
                knots.dedup_by(|a, b| a.total_cmp(b).is_eq());
                // A metric that varies only in its top 0.5% (three rows of
                // a thousand touch a second subsystem) would get one knot
                // and no segment: it gets one from its one value to the
                // largest, so that a varying metric is never dropped (a
                // red-team finding: with no other metric the fit had no
                // column at all and failed as an internal error).
                if let ([only], Some(&largest)) = (knots.as_slice(), values.last())
                    && largest.total_cmp(only).is_gt()
                {
                    knots.push(largest);
                }
                (metric, knots)
            })
            .collect();
        Self { terms }
    }

    /// The metrics with the number of design columns each takes.
    pub(crate) fn columns(&self) -> impl Iterator<Item = (Metric, usize)> + '_ {
        self.terms.iter().map(|(m, k)| (*m, if m.scale() == Scale::Binary { 1 } else { k.len().saturating_sub(1) }))
    }

    /// The total number of design columns.
    pub(crate) fn width(&self) -> usize {
        self.columns().map(|(_, c)| c).sum()
    }

    /// Appends a row's design values: per metric, the share of each
    /// segment its transformed value covers (0 to 1), or the 0/1 flag.
    pub(crate) fn expand_into(&self, row: &HistoryRow, out: &mut Vec<f64>) {
        for ((metric, knots), raw) in self.terms.iter().zip(&row.values) {
            let x = metric.transform(*raw);
            if metric.scale() == Scale::Binary {
                out.push(x);
                continue;
            }
            for pair in knots.windows(2) {
                if let [a, b] = pair {
                    out.push(((x - a) / (b - a)).clamp(0.0, 1.0));
                }
            }
        }
    }

    /// The sign each column's weight must have for monotone shapes, given
    /// each metric's overall direction (`directions` in metric order:
    /// positive means the metric raises risk).
    pub(crate) fn signs(&self, directions: &[f64], monotone: bool) -> Vec<Sign> {
        self.columns()
            .zip(directions)
            .flat_map(|((metric, count), &d)| {
                let sign = if !monotone || metric.scale() == Scale::Binary {
                    Sign::Free
                } else if d < 0.0 {
                    Sign::NonPositive
                } else {
                    Sign::NonNegative
                };
                std::iter::repeat_n(sign, count)
            })
            .collect()
    }

    /// The model from fitted weights (one per design column).
    pub(crate) fn model(&self, intercept: f64, weights: &[f64]) -> ShapeModel {
        let mut rest = weights;
        let mut terms = Vec::with_capacity(self.terms.len());
        for (metric, knots) in &self.terms {
            if metric.scale() == Scale::Binary {
                let (w, tail) = rest.split_first().map_or((0.0, rest), |(w, t)| (*w, t));
                rest = tail;
                terms.push(Term { metric: *metric, knots: knots.clone(), heights: vec![w] });
                continue;
            }
            let count = knots.len().saturating_sub(1).min(rest.len());
            let (rises, tail) = rest.split_at(count);
            rest = tail;
            let mut heights = Vec::with_capacity(knots.len());
            heights.push(0.0);
            let mut h = 0.0;
            for r in rises {
                h += r;
                heights.push(h);
            }
            terms.push(Term { metric: *metric, knots: knots.clone(), heights });
        }
        ShapeModel { intercept, terms }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::indexing_slicing, clippy::float_cmp, reason = "test code: a panic is a failed test")]

    use super::*;

    #[test]
    fn contribution_is_piecewise_linear_and_flat_outside() {
        let t = Term { metric: Metric::La, knots: vec![0.0, 1.0, 2.0], heights: vec![0.0, 1.0, 1.5] };
        assert_eq!(t.contribution(0.0), 0.0);
        let at = |x: f64| t.contribution(x.exp_m1());
        assert!((at(0.5) - 0.5).abs() < 1e-12);
        assert!((at(1.5) - 1.25).abs() < 1e-12);
        assert!((at(7.0) - 1.5).abs() < 1e-12, "flat beyond the last knot");
        assert_eq!(t.range(), 1.5);
    }
}
