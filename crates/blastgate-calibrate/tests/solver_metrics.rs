//! The solver against closed-form answers, and the metrics against
//! hand-computed examples (ties included).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::float_cmp,
    reason = "test code: a panic is a failed test"
)]

use blastgate_calibrate::metrics::{brier, calibration, capture, roc_auc, roc_curve, threshold_for_share};
use blastgate_calibrate::solver::{Design, Penalty, Sign, SolverError, fit, sigmoid};

/// One binary feature: 30 of 100 positive at x = 0, 60 of 100 at x = 1.
fn two_groups() -> (Design, Vec<f64>) {
    let mut x = Vec::new();
    let mut y = Vec::new();
    for (value, positives) in [(0.0, 30), (1.0, 60)] {
        for i in 0..100 {
            x.push(value);
            y.push(if i < positives { 1.0 } else { 0.0 });
        }
    }
    (Design::new(1, x).unwrap(), y)
}

fn logit(p: f64) -> f64 {
    (p / (1.0 - p)).ln()
}

#[test]
fn unpenalised_fit_matches_the_closed_form() {
    let (design, y) = two_groups();
    let f = fit(&design, &y, None, &Penalty { l2: vec![0.0], signs: vec![Sign::Free] }).unwrap();
    // The maximum-likelihood answer: the intercept is the log-odds at x = 0,
    // the weight the log odds ratio.
    assert!((f.intercept - logit(0.3)).abs() < 1e-9, "{f:?}");
    assert!((f.weights[0] - (logit(0.6) - logit(0.3))).abs() < 1e-9, "{f:?}");
    assert!(f.iterations < 20);
}

#[test]
fn a_sign_constraint_that_binds_gives_the_pooled_rate() {
    let (design, y) = two_groups();
    // The data say the weight is positive; forbid that and the best is 0
    // with the pooled rate 90/200 as the intercept.
    let f = fit(&design, &y, None, &Penalty { l2: vec![0.0], signs: vec![Sign::NonPositive] }).unwrap();
    assert_eq!(f.weights[0], 0.0);
    assert!((f.intercept - logit(0.45)).abs() < 1e-9, "{f:?}");
    // A constraint that does not bind changes nothing.
    let g = fit(&design, &y, None, &Penalty { l2: vec![0.0], signs: vec![Sign::NonNegative] }).unwrap();
    assert!((g.weights[0] - (logit(0.6) - logit(0.3))).abs() < 1e-9);
}

#[test]
fn penalised_fit_is_stationary() {
    // Three correlated columns and an L2 penalty: at the answer the
    // gradient of the penalised objective is zero.
    let mut x = Vec::new();
    let mut y = Vec::new();
    for i in 0..300u32 {
        let a = f64::from(i % 17) / 4.0;
        let b = a * 0.5 + f64::from(i % 5) / 5.0;
        let c = f64::from((i * 7) % 11) / 3.0;
        x.extend([a, b, c]);
        y.push(if (i * 13) % 10 < 3 + (i % 17) / 3 { 1.0 } else { 0.0 });
    }
    let design = Design::new(3, x.clone()).unwrap();
    let l2 = vec![2.0, 5.0, 0.5];
    let f = fit(&design, &y, None, &Penalty { l2: l2.clone(), signs: vec![Sign::Free; 3] }).unwrap();
    let mut g = [0.0; 4];
    for (row, yi) in x.chunks(3).zip(&y) {
        let r = sigmoid(f.log_odds(row)) - yi;
        g[0] += r;
        for j in 0..3 {
            g[j + 1] += r * row[j];
        }
    }
    for j in 0..3 {
        g[j + 1] += l2[j] * f.weights[j];
    }
    assert!(g.iter().all(|v| v.abs() < 1e-6), "gradient {g:?}");
}

#[test]
fn fits_are_bit_for_bit_repeatable() {
    let (design, y) = two_groups();
    let p = Penalty { l2: vec![1.0], signs: vec![Sign::Free] };
    let a = fit(&design, &y, None, &p).unwrap();
    let b = fit(&design, &y, None, &p).unwrap();
    assert_eq!(a.intercept.to_bits(), b.intercept.to_bits());
    assert_eq!(a.weights[0].to_bits(), b.weights[0].to_bits());
}

#[test]
fn bad_problems_are_errors() {
    let (design, _) = two_groups();
    let zeros = vec![0.0; 200];
    let p = Penalty { l2: vec![0.0], signs: vec![Sign::Free] };
    assert_eq!(fit(&design, &zeros, None, &p).unwrap_err(), SolverError::OneClass("0"));
    assert!(matches!(Design::new(1, vec![1.0, f64::NAN]), Err(SolverError::NonFinite(_))));
    assert!(matches!(Design::new(2, vec![1.0, 2.0, 3.0]), Err(SolverError::Shape(_))));
    assert!(matches!(fit(&design, &zeros[..10], None, &p), Err(SolverError::Shape(_))));
}

#[test]
fn auc_counts_ties_as_half() {
    // Positives score 0.4 and 0.8; negatives 0.1, 0.35 and 0.4. Of the six
    // pairs, five are won and one (0.4 against 0.4) tied: 5.5 / 6.
    let scores = [0.1, 0.4, 0.35, 0.8, 0.4];
    let labels = [false, true, false, true, false];
    let auc = roc_auc(&scores, &labels).unwrap();
    assert!((auc - 5.5 / 6.0).abs() < 1e-15, "{auc}");
    // All tied: one half. One class: undefined.
    assert_eq!(roc_auc(&[1.0; 4], &[true, false, true, false]), Some(0.5));
    assert_eq!(roc_auc(&[1.0, 2.0], &[true, true]), None);
    // The curve ends at (1, 1) and the tie is one step.
    let curve = roc_curve(&scores, &labels);
    assert_eq!(curve.first(), Some(&(0.0, 0.0)));
    assert_eq!(curve.last(), Some(&(1.0, 1.0)));
    assert!(curve.contains(&(1.0 / 3.0, 1.0)));
}

#[test]
fn brier_capture_calibration_and_thresholds() {
    let p = [0.9, 0.2, 0.6, 0.1];
    let y = [true, false, false, true];
    let b = brier(&p, &y).unwrap();
    assert!((b - (0.01 + 0.04 + 0.36 + 0.81) / 4.0).abs() < 1e-15);

    // Gating the top 25% (one change) catches the 0.9 positive: half.
    assert_eq!(capture(&p, &y, 0.25), Some(0.5));
    // A tie straddling the cut counts in proportion: top 1 of two tied at
    // the top, one of them positive: half a positive of one.
    assert_eq!(capture(&[0.5, 0.5, 0.1], &[true, false, false], 0.2), Some(0.5));

    let bins = calibration(&p, &y, 2);
    assert_eq!(bins.len(), 2);
    assert_eq!(bins[0].count, 2);
    assert!((bins[0].predicted - 0.15).abs() < 1e-15);
    assert_eq!(bins[0].observed, 0.5);

    // 10 distinct scores, budget 30%: the 3rd highest is the threshold.
    let scores: Vec<f64> = (0..10).map(f64::from).collect();
    assert_eq!(threshold_for_share(&scores, 0.3), Some((7.0, 0.3)));
    // Ties: no threshold gates exactly 30%; the highest that gates at most
    // that is taken.
    assert_eq!(threshold_for_share(&[1.0, 2.0, 2.0, 2.0, 3.0], 0.5), Some((3.0, 0.2)));
    // 29% of 100 is 28.999999999999996 in floating point: still 29 rows
    // (a statistics audit: one row too few, at 29, 57 and 58%).
    let scores: Vec<f64> = (0..100).map(f64::from).collect();
    for percent in [28_u32, 29, 57, 58, 100] {
        let share = f64::from(percent) / 100.0;
        let (_, gated) = threshold_for_share(&scores, share).unwrap();
        assert_eq!((gated * 100.0).round() as u32, percent, "{percent}%");
    }
}

/// Tied predictions divided by a decile's edge show one observed rate on
/// both sides, whatever order their outcomes came in (a statistics audit:
/// two predictions, six bins of one observing 0, 50, 0, 50, 0, 50%).
#[test]
fn calibration_bins_count_a_tie_group_as_one_rate() {
    let p: Vec<f64> = [0.29; 12].into_iter().chain([0.36; 8]).collect();
    let mut y = vec![false; 20];
    for i in [1, 3, 5, 13, 15, 17, 18, 19] {
        y[i] = true;
    }
    let bins = calibration(&p, &y, 10);
    assert_eq!(bins.len(), 10);
    for bin in &bins {
        let expected = if bin.predicted < 0.3 { 3.0 / 12.0 } else { 5.0 / 8.0 };
        assert!((bin.observed - expected).abs() < 1e-12, "{bins:?}");
    }
    // Reordering the outcomes within each tie changes nothing.
    let mut z = y.clone();
    z[..12].reverse();
    z[12..].rotate_left(3);
    assert_eq!(calibration(&p, &z, 10), bins);
    // Without ties the table is the plain one.
    let q: Vec<f64> = (0..20).map(|i| f64::from(i) / 20.0).collect();
    let plain = calibration(&q, &y, 10);
    assert_eq!(plain[0].observed, 0.5);
    assert_eq!(plain[1].observed, 0.5);
    assert_eq!(plain[9].observed, 1.0);
}

/// Rows of the same time are ordered by their contents, not by the file:
/// found by a determinism audit, reversing a block of simultaneous rows at
/// the 80% split moved the test part and every figure.
#[test]
fn simultaneous_rows_do_not_depend_on_file_order() {
    use blastgate_calibrate::history::{History, HistoryRow, Metric};
    let row = |line: u64, time: f64, label: bool, la: f64| HistoryRow { line, time, label, values: vec![la] };
    let forward =
        vec![row(2, 1.0, false, 3.0), row(3, 2.0, true, 5.0), row(4, 2.0, false, 7.0), row(5, 2.0, false, 1.0)];
    let mut backward = forward.clone();
    backward.reverse();
    let order = |rows: Vec<HistoryRow>| -> Vec<(bool, Vec<f64>)> {
        let h = History::new("h.csv", vec![Metric::La], rows, Vec::new()).unwrap();
        h.rows().iter().map(|r| (r.label, r.values.clone())).collect()
    };
    assert_eq!(order(forward), order(backward));
}
