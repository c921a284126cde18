//! `--plot FILE.svg`: the ROC curve and the capture-vs-gated curve of both
//! models on the held-out part, as one standalone SVG.
//!
//! Hand-written: two line charts with axes and a legend are a page of
//! code, and every coordinate is printed with one fixed format so the same
//! calibration gives the same bytes.

use std::fmt::Write as _;

use crate::fit::{Calibration, stem};

const PANEL: f64 = 360.0;
const MARGIN_LEFT: f64 = 60.0;
const MARGIN_TOP: f64 = 60.0;
const GAP: f64 = 90.0;
const WIDTH: f64 = MARGIN_LEFT + PANEL + GAP + PANEL + 30.0;
const HEIGHT: f64 = MARGIN_TOP + PANEL + 90.0;
const SHAPE_COLOUR: &str = "#1f77b4";
const POLICY_COLOUR: &str = "#ff7f0e";

/// The SVG document.
pub fn svg(c: &Calibration) -> String {
    let mut out = String::new();
    let _ = write_svg(&mut out, c);
    out
}

fn write_svg(out: &mut String, c: &Calibration) -> std::fmt::Result {
    writeln!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH:.0}" height="{HEIGHT:.0}" viewBox="0 0 {WIDTH:.0} {HEIGHT:.0}" font-family="sans-serif" font-size="12">"#
    )?;
    writeln!(out, r#"<rect width="100%" height="100%" fill="white"/>"#)?;
    writeln!(
        out,
        r#"<text x="{:.1}" y="24" font-size="15">{}: {} changes, measured on the latest {} ({} positive)</text>"#,
        MARGIN_LEFT,
        escape(stem(&c.source)),
        c.rows,
        c.evaluation.rows,
        c.evaluation.positives
    )?;
    let roc_x = MARGIN_LEFT;
    let cap_x = MARGIN_LEFT + PANEL + GAP;
    panel(out, roc_x, "ROC curve", "false positive rate", "true positive rate")?;
    panel(out, cap_x, "capture vs gated", "share of changes gated (riskiest first)", "share of positives caught")?;
    for (x, curves) in [
        (roc_x, [(&c.evaluation.roc, SHAPE_COLOUR), (&c.policy_evaluation.roc, POLICY_COLOUR)]),
        (cap_x, [(&c.evaluation.capture_curve, SHAPE_COLOUR), (&c.policy_evaluation.capture_curve, POLICY_COLOUR)]),
    ] {
        for (points, colour) in curves {
            polyline(out, x, points, colour)?;
        }
    }
    let legend_y = MARGIN_TOP + PANEL + 62.0;
    for (i, (label, colour)) in [
        (format!("shape model (AUC {:.3}, Brier {:.3})", c.evaluation.auc, c.evaluation.brier), SHAPE_COLOUR),
        (
            format!(
                "policy [likelihood] model (AUC {:.3}, Brier {:.3})",
                c.policy_evaluation.auc, c.policy_evaluation.brier
            ),
            POLICY_COLOUR,
        ),
    ]
    .iter()
    .enumerate()
    {
        let x = MARGIN_LEFT + i as f64 * (PANEL + GAP);
        writeln!(
            out,
            r#"<line x1="{x:.1}" y1="{legend_y:.1}" x2="{:.1}" y2="{legend_y:.1}" stroke="{colour}" stroke-width="3"/>"#,
            x + 24.0
        )?;
        writeln!(out, r#"<text x="{:.1}" y="{:.1}">{}</text>"#, x + 30.0, legend_y + 4.0, escape(label))?;
    }
    writeln!(out, "</svg>")
}

/// Axes, grid, diagonal and labels of one unit-square panel at `x`.
fn panel(out: &mut String, x: f64, title: &str, x_label: &str, y_label: &str) -> std::fmt::Result {
    let (top, bottom) = (MARGIN_TOP, MARGIN_TOP + PANEL);
    writeln!(out, r#"<text x="{:.1}" y="{:.1}" font-size="14">{}</text>"#, x, top - 10.0, escape(title))?;
    for i in 0..=5 {
        let f = f64::from(i) / 5.0;
        let gx = x + f * PANEL;
        let gy = bottom - f * PANEL;
        writeln!(out, r##"<line x1="{gx:.1}" y1="{top:.1}" x2="{gx:.1}" y2="{bottom:.1}" stroke="#e5e5e5"/>"##)?;
        writeln!(out, r##"<line x1="{x:.1}" y1="{gy:.1}" x2="{:.1}" y2="{gy:.1}" stroke="#e5e5e5"/>"##, x + PANEL)?;
        writeln!(out, r#"<text x="{gx:.1}" y="{:.1}" text-anchor="middle">{f:.1}</text>"#, bottom + 16.0)?;
        writeln!(out, r#"<text x="{:.1}" y="{:.1}" text-anchor="end">{f:.1}</text>"#, x - 6.0, gy + 4.0)?;
    }
    writeln!(
        out,
        r##"<rect x="{x:.1}" y="{top:.1}" width="{PANEL:.1}" height="{PANEL:.1}" fill="none" stroke="#333"/>"##
    )?;
    writeln!(
        out,
        r##"<line x1="{x:.1}" y1="{bottom:.1}" x2="{:.1}" y2="{top:.1}" stroke="#999" stroke-dasharray="4 4"/>"##,
        x + PANEL
    )?;
    writeln!(
        out,
        r#"<text x="{:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
        x + PANEL / 2.0,
        bottom + 36.0,
        escape(x_label)
    )?;
    writeln!(
        out,
        r#"<text x="{:.1}" y="{:.1}" text-anchor="middle" transform="rotate(-90 {:.1} {:.1})">{}</text>"#,
        x - 40.0,
        top + PANEL / 2.0,
        x - 40.0,
        top + PANEL / 2.0,
        escape(y_label)
    )
}

/// A curve of unit-square points, thinned to points at least half a pixel
/// apart (the last point always kept).
fn polyline(out: &mut String, x: f64, points: &[(f64, f64)], colour: &str) -> std::fmt::Result {
    let mut coords: Vec<(f64, f64)> = Vec::with_capacity(points.len().min(2000));
    for (i, &(px, py)) in points.iter().enumerate() {
        let p = (x + px.clamp(0.0, 1.0) * PANEL, MARGIN_TOP + PANEL - py.clamp(0.0, 1.0) * PANEL);
        let far = coords.last().is_none_or(|&(lx, ly)| (p.0 - lx).abs() + (p.1 - ly).abs() >= 0.5);
        if far || i + 1 == points.len() {
            coords.push(p);
        }
    }
    let text: Vec<String> = coords.iter().map(|(a, b)| format!("{a:.1},{b:.1}")).collect();
    writeln!(out, r#"<polyline fill="none" stroke="{colour}" stroke-width="2" points="{}"/>"#, text.join(" "))
}

/// Text as SVG holds it: markup escaped, and hidden characters (control
/// characters, which XML 1.0 forbids, and bidirectional overrides) written
/// as `\u{1b}`, as error messages show them: a file name holding one made
/// the plot invalid XML (a red-team finding).
fn escape(s: &str) -> String {
    blastgate_graph::shown(s).replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}
