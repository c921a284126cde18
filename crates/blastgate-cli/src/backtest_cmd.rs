//! `blastgate backtest`: replay a policy (or a calibrated model file) over
//! a history and report the review load per depth and the share of
//! defect-causing changes each depth would have caught.

use std::io::Write;

use blastgate::assess::default_policy;
use blastgate::calibrate::{Backtest, backtest_fitted, load_policy_or_model_period};
use serde_json::json;

use crate::args::{BacktestArgs, OutputFormat};
use crate::calibrate_cmd::{BAND_NAMES, band_name, failure, r6, read_history};
use crate::exit::{Failure, SUCCESS};

/// The `schema` of the JSON report; it may gain keys, never lose them.
pub const REPORT_SCHEMA: &str = "blastgate.dev/backtest-report/v1";

/// Runs `backtest`.
pub fn run(args: &BacktestArgs) -> Result<u8, Failure> {
    let history = read_history(&args.input)?;
    let base = default_policy()?;
    let (policy, period) = match &args.policy {
        Some(path) => load_policy_or_model_period(path, &base)?,
        None => (base, None),
    };
    let result = backtest_fitted(&history, &policy, args.impact_band.index(), period.as_ref()).map_err(failure)?;
    let mut out = std::io::stdout().lock();
    match args.format {
        OutputFormat::Json => {
            let text = serde_json::to_string_pretty(&report(&result)).map_err(|e| Failure::Internal(e.to_string()))?;
            writeln!(out, "{text}")?;
        }
        OutputFormat::Human => {
            let mut shown = crate::printable::Printable::new(&mut out);
            human(&mut shown, &result)?;
            shown.flush()?;
        }
    }
    Ok(SUCCESS)
}

fn report(b: &Backtest) -> serde_json::Value {
    json!({
        "schema": REPORT_SCHEMA,
        "history": b.source,
        "rows": b.rows,
        "positives": b.positives,
        "policy_version": b.policy_version,
        "model_version": b.model_version,
        "impact_band": band_name(b.impact_band),
        "auc": b.auc.map(r6),
        "in_sample": b.in_sample,
        "in_sample_rows": b.in_sample_rows,
        "absent": b.absent.iter().map(|m| m.name()).collect::<Vec<_>>(),
        "notes": b.notes,
        "depths": b.depths.iter().map(|d| json!({
            "depth": d.depth.as_str(),
            "changes": d.changes,
            "load": r6(d.load),
            "positives": d.positives,
            "caught": caught(b, d.caught),
            "load_at_or_above": r6(d.load_at_or_above),
            "caught_at_or_above": caught(b, d.caught_at_or_above),
        })).collect::<Vec<_>>(),
        "likelihood_bands": b.bands.iter().zip(BAND_NAMES).map(|((n, p), name)| json!({
            "band": name, "changes": n, "positives": p,
        })).collect::<Vec<_>>(),
    })
}

fn pct(x: f64) -> String {
    format!("{:.1}%", x * 100.0)
}

/// A share of the positives, `null` when there are none: 0 of 0 is no
/// share, and 0 would read as "this policy catches none of them" (a
/// statistics audit), as `auc` is `null` with one outcome.
fn caught(b: &Backtest, share: f64) -> serde_json::Value {
    if b.positives == 0 { serde_json::Value::Null } else { json!(r6(share)) }
}

/// [`caught`] for the table.
fn caught_pct(b: &Backtest, share: f64) -> String {
    if b.positives == 0 { "n/a".to_owned() } else { pct(share) }
}

fn human(out: &mut impl Write, b: &Backtest) -> std::io::Result<()> {
    writeln!(out, "history: {} ({} changes, {} positive)", crate::printable::one_line(&b.source), b.rows, b.positives)?;
    if !b.absent.is_empty() {
        let names: Vec<&str> = b.absent.iter().map(|m| m.name()).collect();
        writeln!(
            out,
            "standard metrics not read (absent from the history or left out of --features): {}",
            names.join(" ")
        )?;
    }
    for note in &b.notes {
        writeln!(out, "note: {}", crate::printable::one_line(note))?;
    }
    writeln!(
        out,
        "policy {} (likelihood model {}), every change assumed of {} impact",
        crate::printable::one_line(&b.policy_version),
        crate::printable::one_line(&b.model_version),
        band_name(b.impact_band)
    )?;
    if let Some(auc) = b.auc {
        writeln!(out, "the policy's likelihood ranks this history with ROC AUC {auc:.3}")?;
    }
    writeln!(out)?;
    writeln!(out, "depth         changes    load  positives  caught  load >=  caught >=")?;
    for d in &b.depths {
        writeln!(
            out,
            "{:<12} {:>8} {:>7} {:>10} {:>7} {:>8} {:>10}",
            d.depth.as_str(),
            d.changes,
            pct(d.load),
            d.positives,
            caught_pct(b, d.caught),
            pct(d.load_at_or_above),
            caught_pct(b, d.caught_at_or_above)
        )?;
    }
    writeln!(out)?;
    if b.positives == 0 {
        writeln!(out, "No change in this history is labelled as causing an incident or defect: what each depth")?;
        writeln!(out, "would have caught cannot be measured (n/a).")?;
    }
    match b.in_sample_rows {
        Some(n) if n > 0 => {
            writeln!(
                out,
                "{n} of these {} changes fall in the period the likelihood model was fitted on: the",
                b.rows
            )?;
            writeln!(
                out,
                "figures are in-sample and flatter it. `calibrate` reported it out of sample, on the latest"
            )?;
            writeln!(out, "part of its history (the model file's [evaluation]); replay it on changes made after.")?;
        }
        _ if b.in_sample => {
            writeln!(out, "The likelihood model was fitted on a history of this name and size, most likely this one:")?;
            writeln!(out, "these figures are in-sample and flatter it. `calibrate` reported it out of sample, on the")?;
            writeln!(
                out,
                "latest part of the history (the model file's [evaluation]); replay it on changes made after."
            )?;
        }
        _ => {}
    }
    writeln!(out, "Only the likelihood and the matrix are replayed: a history has no graph or context, so rules")?;
    writeln!(out, "about reach, freezes, incidents and collisions cannot fire.")?;
    Ok(())
}
