//! `blastgate calibrate`: fit the likelihood model on a history (CSV),
//! measure it on the latest part, write the model file (and the plot), and
//! report the figures as text or one JSON object.

use std::io::Write;
use std::path::Path;

use blastgate::assess::default_policy;
use blastgate::calibrate::{
    BudgetProposal, CalibrateError, Calibration, Columns, Config, Evaluation, GateBudget, History, Metric, calibrate,
    load_base_policy, load_history, write_outputs,
};
use serde_json::{Value, json};

use crate::args::{CalibrateArgs, HistoryInput, OutputFormat};
use crate::exit::{Failure, SUCCESS};
use crate::out_path::{is_stdout, refuse_input, resolve, same_file, same_place};

/// The `schema` of the JSON report; it may gain keys, never lose them.
pub const REPORT_SCHEMA: &str = "blastgate.dev/calibration-report/v1";

/// The names of the four bands, likelihood and impact alike, low to very
/// high, as `--impact-band` takes them and the JSON reports write them.
pub const BAND_NAMES: [&str; 4] = blastgate::assess::Bands::NAMES;

/// The name of band `i` (0 to 3).
pub fn band_name(i: usize) -> &'static str {
    blastgate::assess::Bands::name(i)
}

/// Runs `calibrate`.
pub fn run(args: &CalibrateArgs) -> Result<u8, Failure> {
    for (flag, path) in [("--out", Some(&args.out)), ("--plot", args.plot.as_ref())] {
        // `-`, or a name of standard output (`/dev/stdout`): the file and
        // the report would be one stream, the JSON after the TOML.
        if let Some(path) = path.filter(|p| is_stdout(p)) {
            return Err(Failure::Usage(format!(
                "{flag} {}: that is standard output, where the report goes, so the {} needs a file",
                crate::printable::one_line(&path.display().to_string()),
                if flag == "--out" { "model" } else { "plot" }
            )));
        }
    }
    let inputs = [("history", Some(&args.input.history)), ("policy", args.policy.as_ref())];
    for (flag, path) in [("--out", Some(&args.out)), ("--plot", args.plot.as_ref())] {
        for (what, input) in inputs {
            if let (Some(path), Some(input)) = (path, input)
                && same_file(path, input)
            {
                return Err(refuse_input(flag, path, what));
            }
        }
        if let Some(path) = path {
            resolve(flag, path)?;
        }
    }
    if let Some(plot) = args.plot.as_ref().filter(|p| same_place(&args.out, p)) {
        return Err(Failure::Usage(format!(
            "cannot write `{}` (--plot): the plot would overwrite the model file `{}`; give them different paths",
            crate::printable::one_line(&plot.display().to_string()),
            crate::printable::one_line(&args.out.display().to_string())
        )));
    }
    let history = read_history(&args.input)?;
    let base = match &args.policy {
        Some(path) => load_base_policy(path)?,
        None => default_policy()?,
    };
    let mut config = Config::default();
    config.test_share = args.test_share;
    config.gate_budget = args.gate_budget.map(|share| GateBudget { share, impact_band: args.impact_band.index() });
    let calibration = calibrate(&history, &base, &config).map_err(failure)?;
    // The report first, whole, then the files: a report that cannot be
    // written (a full disk, `> /dev/full`) is exit 3 with the model file
    // and the plot left as they were (an audit: they were replaced first,
    // and exit 3 came after). The paths were checked above: what fails
    // when writing the files (a full disk, a device that refuses it) is
    // exit 3 too, and leaves both as they were.
    let mut text = Vec::new();
    match args.format {
        OutputFormat::Json => {
            let report = report(&calibration, &args.out, args.plot.as_deref());
            let json = serde_json::to_string_pretty(&report).map_err(|e| Failure::Internal(e.to_string()))?;
            writeln!(text, "{json}")?;
        }
        OutputFormat::Human => {
            let mut shown = crate::printable::Printable::new(&mut text);
            human(&mut shown, &calibration, &args.out, args.plot.as_deref())?;
            shown.flush()?;
        }
    }
    // (The budget's warnings on standard error too, in either format.)
    for warning in calibration.budget.as_ref().map(budget_warnings).unwrap_or_default() {
        crate::printable::warn(&warning);
    }
    let delivered = {
        let mut out = std::io::stdout().lock();
        out.write_all(&text).and_then(|()| out.flush()).map_err(Failure::from)
    };
    match delivered {
        // Standard output's reader went away (`| head`): the files are
        // still what was asked for, and the command then stops quietly.
        Ok(()) | Err(Failure::BrokenPipe) => {
            write_outputs(&calibration, &args.out, args.plot.as_deref())
                .map_err(|e| Failure::Internal(e.to_string()))?;
            delivered.map(|()| SUCCESS)
        }
        Err(e) => Err(e),
    }
}

/// Reads the history named by `input`, with its column mapping.
pub fn read_history(input: &HistoryInput) -> Result<History, Failure> {
    load_history(&input.history, &columns(input)?).map_err(failure)
}

fn columns(input: &HistoryInput) -> Result<Columns, Failure> {
    let metric = |name: &str| {
        Metric::parse(name).ok_or_else(|| {
            let names: Vec<&str> = Metric::ALL.iter().map(|m| m.name()).collect();
            Failure::Usage(format!(
                "`{}` is not a change metric; the metrics are {}",
                crate::printable::one_line(name),
                names.join(" ")
            ))
        })
    };
    if let Some(time) = input.time.as_deref().filter(|t| t.trim().eq_ignore_ascii_case(input.label.trim())) {
        return Err(Failure::Usage(format!(
            "`--label {}` and `--time {}` name the same column: a change's outcome cannot order the history",
            crate::printable::one_line(&input.label),
            crate::printable::one_line(time)
        )));
    }
    let mut columns = Columns { label: input.label.clone(), time: input.time.clone(), ..Columns::default() };
    if !input.features.is_empty() {
        let mut features = input.features.iter().map(|f| metric(f)).collect::<Result<Vec<_>, _>>()?;
        features.sort();
        features.dedup();
        columns.features = Some(features);
    }
    for pair in &input.columns {
        let Some((m, col)) = pair.split_once('=') else {
            return Err(Failure::Usage(format!(
                "`{}`: write a column mapping as METRIC=COLUMN, e.g. la=added",
                crate::printable::one_line(pair)
            )));
        };
        let m = metric(m)?;
        if col.trim().is_empty() || columns.renamed.iter().any(|(r, _)| *r == m) {
            return Err(Failure::Usage(format!(
                "`{}`: an empty column name, or the metric is mapped twice",
                crate::printable::one_line(pair)
            )));
        }
        columns.renamed.push((m, col.trim().to_owned()));
    }
    Ok(columns)
}

/// Bad input exits 2; a limit or a solver failure exits 3.
pub fn failure(e: CalibrateError) -> Failure {
    if e.is_input() { Failure::Usage(e.to_string()) } else { Failure::Internal(e.to_string()) }
}

/// Rounds to 6 decimals for output. Magnitudes of 1e9 and more are left
/// as they are: a float's spacing there is already within a factor of ten
/// of 1e-6, and scaling by 1e6 overflows to infinity past ~1.8e302, which
/// serde writes as `null`.
pub fn r6(x: f64) -> f64 {
    if !x.is_finite() || x.abs() >= 1e9 {
        return x;
    }
    let r = (x * 1e6).round() / 1e6;
    if r == 0.0 { 0.0 } else { r }
}

fn figures(e: &Evaluation) -> Value {
    json!({
        "auc": r6(e.auc),
        "brier": r6(e.brier),
        "brier_base_rate": r6(e.brier_base_rate),
        "capture": e.capture.iter().map(|(g, c)| json!({"gated": r6(*g), "caught": r6(*c)})).collect::<Vec<_>>(),
        "calibration": bins(e),
        "rows": e.rows,
        "positives": e.positives,
    })
}

fn bins(e: &Evaluation) -> Value {
    e.calibration
        .iter()
        .map(|b| json!({"count": b.count, "predicted": r6(b.predicted), "observed": r6(b.observed)}))
        .collect()
}

fn report(c: &Calibration, out: &Path, plot: Option<&Path>) -> Value {
    let e = &c.evaluation;
    let names = |ms: &[Metric]| ms.iter().map(|m| m.name()).collect::<Vec<_>>();
    let shapes: Vec<Value> = c
        .model
        .terms()
        .iter()
        .map(|t| {
            json!({
                "metric": t.metric().name(),
                "values": t.raw_knots().iter().map(|v| r6(*v)).collect::<Vec<_>>(),
                "log_odds": t.heights().iter().map(|v| r6(*v)).collect::<Vec<_>>(),
            })
        })
        .collect();
    let budget = c.budget.as_ref().map(|b| {
        json!({
            "share": r6(b.share),
            "impact_band": band_name(b.impact_band),
            "senior_band": band_name(b.senior_band),
            // As written to the file: six decimals, or more where six
            // would gate rows below the threshold.
            "threshold": b.threshold,
            "bands": {"likelihood": b.bands.likelihood, "impact": b.bands.impact.map(r6)},
            "gated": r6(b.gated),
            "exact_gated": r6(b.exact_gated),
            "test_gated": r6(b.test_gated),
            "test_caught": r6(b.test_caught),
            "senior_by_impact": (0..4)
                .map(|i| (band_name(i).to_owned(), json!(r6(b.senior_by_impact.get(i).copied().unwrap_or(0.0)))))
                .collect::<serde_json::Map<String, Value>>(),
            "base_senior_by_impact": (0..4)
                .map(|i| (band_name(i).to_owned(), json!(r6(b.base_senior_by_impact.get(i).copied().unwrap_or(0.0)))))
                .collect::<serde_json::Map<String, Value>>(),
            "warnings": budget_warnings(b),
        })
    });
    json!({
        "schema": REPORT_SCHEMA,
        "history": c.source,
        "rows": c.rows,
        "positives": c.positives,
        "split": {
            "train_rows": c.train_rows,
            "test_rows": c.rows - c.train_rows,
            "train_positive_rate": r6(c.train_rate),
            "test_positive_rate": r6(c.test_rate),
        },
        "auc": r6(e.auc),
        "brier": r6(e.brier),
        "brier_base_rate": r6(e.brier_base_rate),
        "capture": e.capture.iter().map(|(g, c)| json!({"gated": r6(*g), "caught": r6(*c)})).collect::<Vec<_>>(),
        "calibration": bins(e),
        "policy_model": figures(&c.policy_evaluation),
        "metrics": names(&c.metrics),
        "absent": names(&c.absent),
        "notes": c.notes,
        "likelihood": {
            "version": c.likelihood.version,
            "intercept": r6(c.likelihood.intercept),
            "weights": c.likelihood.weights.iter().map(|(k, v)| (k.clone(), json!(r6(*v)))).collect::<serde_json::Map<_, _>>(),
            "shapes": c.likelihood.shapes.keys().collect::<Vec<_>>(),
            "origins": c.origins.iter().map(|(k, o)| (k.clone(), json!(o.as_str()))).collect::<serde_json::Map<_, _>>(),
        },
        "shapes": {"intercept": r6(c.model.intercept()), "terms": shapes},
        "gate_budget": budget,
        "out": out.display().to_string(),
        "plot": plot.map(|p| p.display().to_string()),
    })
}

fn pct(x: f64) -> String {
    format!("{:.1}%", x * 100.0)
}

fn human(out: &mut impl Write, c: &Calibration, path: &Path, plot: Option<&Path>) -> std::io::Result<()> {
    let e = &c.evaluation;
    let p = &c.policy_evaluation;
    writeln!(out, "history: {} ({} changes, {} positive)", crate::printable::one_line(&c.source), c.rows, c.positives)?;
    for note in &c.notes {
        writeln!(out, "note: {}", crate::printable::one_line(note))?;
    }
    writeln!(
        out,
        "split by time: fitted on the earliest {} (positive rate {}), measured on the latest {} (positive rate {})",
        c.train_rows,
        pct(c.train_rate),
        c.rows - c.train_rows,
        pct(c.test_rate)
    )?;
    writeln!(out)?;
    writeln!(out, "                      shape model   policy [likelihood] (as the engine computes it)")?;
    writeln!(out, "ROC AUC               {:>11.3}   {:>19.3}", e.auc, p.auc)?;
    writeln!(out, "Brier score           {:>11.4}   {:>19.4}", e.brier, p.brier)?;
    writeln!(out, "  (base rate only: {:.4})", e.brier_base_rate)?;
    for ((g, a), (_, b)) in e.capture.iter().zip(&p.capture) {
        writeln!(out, "caught gating {:>4}   {:>11}   {:>19}", pct(*g), pct(*a), pct(*b))?;
    }
    writeln!(out)?;
    writeln!(out, "calibration of the shape model on the latest part (by decile of prediction):")?;
    writeln!(out, "  decile  changes  predicted  observed")?;
    for (i, b) in e.calibration.iter().enumerate() {
        writeln!(out, "  {:>6}  {:>7}  {:>9}  {:>8}", i + 1, b.count, pct(b.predicted), pct(b.observed))?;
    }
    writeln!(out)?;
    writeln!(out, "shape model (refitted on all rows), log-odds added at each value:")?;
    for t in c.model.terms() {
        let points: Vec<String> =
            t.raw_knots().iter().zip(t.heights()).map(|(v, h)| format!("{}: {h:+.2}", compact(*v))).collect();
        let shown = if t.metric().scale() == blastgate::calibrate::Scale::Binary {
            format!("1: {:+.2}", t.heights().first().copied().unwrap_or(0.0))
        } else {
            points.join(", ")
        };
        writeln!(out, "  {:<8} {shown}", t.metric().name())?;
    }
    writeln!(out)?;
    writeln!(
        out,
        "policy [likelihood] (refitted on all rows): these shapes as [likelihood.shapes.*], intercept {:.3}",
        c.likelihood.intercept
    )?;
    writeln!(out, "  (the base policy's weights for AI provenance, change kinds and context, cancelled in the")?;
    writeln!(out, "  intercept for a change that states none of them)")?;
    if let Some(b) = &c.budget {
        writeln!(out)?;
        writeln!(
            out,
            "gate budget {}: likelihood >= {} is the {} likelihood band (senior review at {} impact); bands {:?}",
            pct(b.share),
            b.threshold,
            band_name(b.senior_band),
            band_name(b.impact_band),
            b.bands.likelihood
        )?;
        writeln!(out, "  on all the history, the bands written send {} to senior review or more", pct(b.gated))?;
        // (A budget of less than one change gates the riskiest one: said
        // as such, not as a tie that is not there; a red-team finding.)
        let one = 1.0 / c.rows.max(1) as f64;
        if b.share < one && b.gated <= one * (1.0 + 1e-9) {
            writeln!(
                out,
                "  more than the budget: {} is less than one change of the {} (so the riskiest one is gated)",
                pct(b.share),
                c.rows
            )?;
        } else if b.gated > b.share * (1.0 + 1e-9) {
            // Ties at the top (a flat shape) cannot be cut: said, not
            // left to the JSON (a statistics audit: a 5% budget sent
            // 17.5% with only "gate budget 5.0%" in this report).
            writeln!(
                out,
                "  more than the budget: {} of the changes share the likelihoods at the threshold (to the six decimals the engine tells apart)",
                pct(b.gated)
            )?;
        }
        if b.gated < b.exact_gated * (1.0 - 1e-9) {
            writeln!(
                out,
                "  less than the {} a cut between any two changes would send: the engine shows likelihoods to six",
                pct(b.exact_gated)
            )?;
            writeln!(out, "  decimals and bands one shown at a cut point as at it, so changes that close go together")?;
        }
        writeln!(
            out,
            "  measured on the latest part: gated {}, caught {} of positives",
            pct(b.test_gated),
            pct(b.test_caught)
        )?;
        // The bands are every impact column's: what they send to senior
        // review at each impact, and a warning where a higher impact gets
        // less of it than the budgeted one (a red-team finding).
        let by_impact: Vec<String> = (0..4)
            .map(|i| format!("{} {}", band_name(i), pct(b.senior_by_impact.get(i).copied().unwrap_or(0.0))))
            .collect();
        writeln!(out, "  senior review or more, by impact, under these bands: {}", by_impact.join(", "))?;
        for warning in budget_warnings(b) {
            writeln!(out, "  warning: {warning}")?;
        }
    }
    writeln!(out)?;
    writeln!(out, "wrote {}", crate::printable::one_line(&path.display().to_string()))?;
    if let Some(plot) = plot {
        writeln!(out, "wrote {}", crate::printable::one_line(&plot.display().to_string()))?;
    }
    Ok(())
}

/// Where the proposed bands send less to senior review than they should:
/// at an impact above the budgeted one, less than at the budgeted one; at
/// any impact, less than half of what the base policy's bands sent. The
/// bands are shared by every impact column, so a budget set on one moves
/// the others. Said in the report, in its JSON (`budget.warnings`) and on
/// standard error, where a gate's warnings go (a red team: `--format
/// json` dropped them).
fn budget_warnings(b: &BudgetProposal) -> Vec<String> {
    let budgeted = b.senior_by_impact.get(b.impact_band).copied().unwrap_or(0.0);
    let mut warnings = Vec::new();
    for impact in (0..4).filter(|&i| i != b.impact_band) {
        let share = b.senior_by_impact.get(impact).copied().unwrap_or(0.0);
        let before = b.base_senior_by_impact.get(impact).copied().unwrap_or(0.0);
        let less_than_budgeted = impact > b.impact_band && share < budgeted * (1.0 - 1e-9);
        let halved = share < before / 2.0;
        if less_than_budgeted || halved {
            warnings.push(format!(
                "at `{}` impact these bands send {} to senior review or more, against {} with the base policy's bands{}: the bands are shared by every impact",
                band_name(impact),
                pct(share),
                pct(before),
                if less_than_budgeted {
                    format!(" and {} at `{}`", pct(budgeted), band_name(b.impact_band))
                } else {
                    String::new()
                },
            ));
        }
    }
    warnings
}

/// A raw metric value for a table: integers without decimals, and values
/// of a million or more in scientific notation (a history row's `1e308`
/// printed 309 digits on one line).
fn compact(v: f64) -> String {
    crate::printable::number(v).unwrap_or_else(|| if v >= 100.0 { format!("{v:.0}") } else { format!("{v:.2}") })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::float_cmp, reason = "test code: exact values are the point")]

    use super::r6;

    #[test]
    fn r6_rounds_small_numbers_and_keeps_large_ones() {
        assert_eq!(r6(0.123_456_78), 0.123_457);
        assert_eq!(r6(-1e-9), 0.0);
        assert!(r6(-1e-9).is_sign_positive());
        assert_eq!(r6(123_456.000_000_4), 123_456.0);
        for x in [1e9, 4.2e15, 1e300, 1.7e308, f64::MAX, -f64::MAX] {
            assert_eq!(r6(x), x, "{x}");
        }
    }
}
