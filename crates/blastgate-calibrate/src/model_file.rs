//! The model file `blastgate calibrate --out` writes: TOML with the policy
//! sections (`[likelihood]` with its shape functions, and `[bands]` with a
//! gate budget) and the figures they were measured with.
//!
//! Written by hand rather than serialised, so that every section carries
//! the comment that says what it is and where each weight comes from; the
//! tests parse it back with the policy's own types.

use std::fmt::Write as _;

use blastgate_core::policy::Bands;

use crate::fit::{Calibration, Evaluation, WeightOrigin, round, stem};

/// The `format` of model files.
pub const MODEL_FORMAT: &str = "blastgate.dev/calibration/v1";

/// The model file for a calibration, as TOML text. The same calibration
/// gives the same bytes.
pub fn to_toml(c: &Calibration) -> String {
    let mut out = String::new();
    let _ = write_toml(&mut out, c);
    out
}

/// The numbers of a fitted model that decide, as the model file writes
/// them: the intercept, every weight (by feature id), each shape's values
/// and log-odds (by metric) and, with a gate budget, the band cut points.
/// Descriptions and comments are left out: they decide nothing. The model
/// version's hash is of this text.
///
/// The likelihood's cut points are hashed with every decimal the file
/// writes them with (six, or more near likelihood 1); before 6 December
/// 2026 they were hashed to six decimals, the same text for cuts of six.
pub(crate) fn decisive_text(l: &blastgate_core::policy::LikelihoodModel, bands: Option<&Bands>) -> String {
    let mut out = format!("intercept {}\n", num(l.intercept));
    for (id, w) in &l.weights {
        out.push_str(&format!("weight {id} {}\n", num(*w)));
    }
    for (metric, shape) in &l.shapes {
        out.push_str(&format!("shape {metric} {} {}\n", exact_list(&shape.values), exact_list(&shape.log_odds)));
    }
    match bands {
        Some(b) => out.push_str(&format!("bands {} {}\n", exact_list(&b.likelihood), list(&b.impact))),
        None => out.push_str("bands none\n"),
    }
    out
}

/// Checks that a model whose version says `calibrate` wrote it
/// (`calibrated-<history>-<rows>-<hash>`) holds the numbers that hash
/// names (the intercept, weights, shapes and bands as the file writes
/// them): a model edited after it was written (a shape
/// deleted, the intercept raised) kept the version of the fit it no longer
/// is, and every decision it made named that fit (an audit). A model given
/// a version of its own is a claim its author makes, and is not checked.
///
/// # Errors
/// What does not match, for a message.
pub fn check_version(l: &blastgate_core::policy::LikelihoodModel, bands: Option<&Bands>) -> Result<(), String> {
    // Every version that starts so (case and surrounding white space
    // ignored) is checked: a trailing space or a capital letter made an
    // edited model's version read as one of its own (a red-team pass).
    let version = l.version.trim();
    // And every version that reads so: full-width or other compatibility
    // forms, letters of other scripts that look Latin, hidden characters,
    // `_` or another dash for the `-` (a red team: `ｃalibrated-...` made
    // an edited model's version read as one of its own, and showed in
    // every decision as a fit).
    let calibrate_s = looks_like(version).starts_with("calibrated-");
    if !calibrate_s {
        return Ok(());
    }
    let stated = version.rsplit_once('-').map_or("", |(_, h)| h);
    let digest = blastgate_core::engine::digest_of(&[decisive_text(l, bands).as_bytes()]);
    let hash = digest.strip_prefix("sha256:").unwrap_or(&digest).get(..12);
    // The hash is of the numbers as `calibrate` writes them: the
    // intercept, weights and impact cuts to six decimals, so that a number
    // not so written was edited, however little (a red-team finding: a
    // cut moved in its seventh decimal kept the fit's version), and the
    // likelihood cuts with every decimal they are written with. `x + 0.0`
    // reads `-0.0` as `0.0`, as `num` writes it.
    let written = |x: f64| num(x).parse::<f64>().is_ok_and(|w| w.total_cmp(&(x + 0.0)).is_eq());
    let impact = bands.into_iter().flat_map(|b| b.impact.iter());
    let as_written =
        written(l.intercept) && l.weights.values().all(|w| written(*w)) && impact.into_iter().all(|c| written(*c));
    // (A version written before the likelihood cuts were hashed whole is
    // the same for cuts of six decimals, the same text then; one of a cut
    // near 1, written with more, is refused: calibrate again.)
    if version == l.version && hash == Some(stated) && as_written {
        Ok(())
    } else {
        Err(format!(
            "the model's version `{}` names the numbers `calibrate` wrote, and the file's numbers (intercept, weights, \
             shapes, bands) are not those: it was edited after it was written (or written before 6 December 2026 \
             with a likelihood cut point of more than six decimals, which versions now cover whole)",
            l.version
        ))
    }
}

/// `text` as a reader sees it: hidden characters dropped, compatibility
/// forms in normal form KC (full-width `ｃ` is `c`), ASCII case folded,
/// the letters of other scripts that look like Latin ones read as those
/// (Cyrillic `а`, `с`, `е`, `і`, `о`, `р`, `ԁ`, `ӏ`, Greek `α`, `ι`, `ο`,
/// `τ`, ...), and `_` and the other dashes read as `-`.
fn looks_like(text: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    text.chars()
        .filter(|&c| !blastgate_graph::is_hidden(c))
        .nfkc()
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            'а' | 'α' => 'a',
            'Ь' | 'ь' | 'Ƅ' | 'ƅ' | 'β' => 'b',
            'с' | 'ϲ' => 'c',
            'ԁ' | 'ɗ' => 'd',
            'е' | 'ε' | 'ё' => 'e',
            'і' | 'ι' | 'ї' | 'ı' | 'ɩ' => 'i',
            'ӏ' | 'ǀ' | '│' => 'l',
            'о' | 'ο' | 'σ' => 'o',
            'р' | 'ρ' => 'p',
            'г' | 'ᴦ' => 'r',
            'т' | 'τ' => 't',
            '_' | '‐' | '‑' | '‒' | '–' | '—' | '―' | '−' | '﹣' | '－' => '-',
            c => c,
        })
        .collect()
}

/// The names of the four bands (likelihood and impact alike), as prose.
const BAND_PROSE: [&str; 4] = ["low", "medium", "high", "very high"];

fn write_toml(out: &mut String, c: &Calibration) -> std::fmt::Result {
    writeln!(out, "# blastgate calibrated likelihood model, written by `blastgate calibrate`.")?;
    writeln!(out, "#")?;
    writeln!(out, "# [likelihood] (and [bands], when a gate budget was given) are policy sections:")?;
    writeln!(out, "# copy them into your policy, or pass this file to `blastgate assess --policy` or")?;
    writeln!(out, "# `blastgate backtest --policy` (it then replaces those sections of the default")?;
    writeln!(out, "# policy). [evaluation] is for people: no decision reads it. The shape functions")?;
    writeln!(out, "# in [likelihood.shapes.*] are the model the [evaluation] figures measure.")?;
    writeln!(out, "# A change that does not state a metric (`history:` in the changeset, which the")?;
    writeln!(out, "# git reader fills) gets that metric's largest contribution: unknown is risky.")?;
    writeln!(out, "# docs/model-card.md explains the model and its figures.")?;
    writeln!(out, "format = {}", quote(MODEL_FORMAT))?;
    writeln!(out)?;

    let l = &c.likelihood;
    writeln!(out, "[likelihood]")?;
    writeln!(out, "version = {}", quote(&l.version))?;
    writeln!(out, "source = {}", quote(&l.source))?;
    writeln!(out, "intercept = {}", num(l.intercept))?;
    writeln!(out)?;
    writeln!(out, "[likelihood.weights]")?;
    for (origin, comment) in [
        (WeightOrigin::Kept, "kept from the base policy: the history has no data on them"),
        (WeightOrigin::Absent, "the history lacks their metric: not fitted, weight 0"),
    ] {
        let ids: Vec<&String> = c.origins.iter().filter(|(_, o)| **o == origin).map(|(id, _)| id).collect();
        if ids.is_empty() {
            continue;
        }
        writeln!(out, "# {comment}")?;
        for id in ids {
            writeln!(out, "{id} = {}", num(l.weights.get(id.as_str()).copied().unwrap_or(0.0)))?;
        }
    }
    let replaced: Vec<&String> =
        c.origins.iter().filter(|(_, o)| **o == WeightOrigin::Fitted).map(|(id, _)| id).collect();
    if !replaced.is_empty() {
        writeln!(out, "# fitted as shape functions below, in place of a weight: {}", join(&replaced))?;
    }
    writeln!(out, "#")?;
    writeln!(out, "# logit p = intercept + the weights above times their features + the contribution")?;
    writeln!(out, "# of each metric below, linear in its scale between values and flat outside them.")?;
    for (metric, shape) in &l.shapes {
        writeln!(out)?;
        writeln!(out, "[likelihood.shapes.{metric}]")?;
        writeln!(out, "description = {}", quote(&shape.description))?;
        writeln!(out, "scale = {}", quote(&shape.scale))?;
        writeln!(out, "values = {}", exact_list(&shape.values))?;
        writeln!(out, "log_odds = {}", exact_list(&shape.log_odds))?;
    }

    if let Some(b) = &c.budget {
        writeln!(out)?;
        writeln!(out, "[bands]")?;
        writeln!(
            out,
            "# senior review for the riskiest {}% of changes of {} impact: the {} likelihood band starts at {}",
            num(b.share * 100.0),
            BAND_PROSE.get(b.impact_band).unwrap_or(&"?"),
            BAND_PROSE.get(b.senior_band).unwrap_or(&"?"),
            exact(b.threshold)
        )?;
        writeln!(
            out,
            "# (on the history: {:.1}% at or above; measured on the latest part: {:.1}% gated, {:.1}% of positives caught)",
            b.gated * 100.0,
            b.test_gated * 100.0,
            b.test_caught * 100.0
        )?;
        // As proposed: cut points carry the decimals they need (six, or
        // more near likelihood 1), which `num` would cut.
        writeln!(out, "likelihood = {}", exact_list(&b.bands.likelihood))?;
        writeln!(out, "impact = {}", list(&b.bands.impact))?;
    }

    writeln!(out)?;
    writeln!(out, "[evaluation]")?;
    writeln!(
        out,
        "# Time-ordered split: fitted on the earliest {} rows, measured on the latest {}.",
        c.train_rows,
        c.rows - c.train_rows
    )?;
    writeln!(out, "# The models above are refitted on all {} rows with the same settings.", c.rows)?;
    writeln!(out, "# The policy fitted over: `assess --policy` and `backtest --policy` take this file")?;
    writeln!(out, "# over the default policy only when it is that one; copy the sections into yours.")?;
    writeln!(out, "base_policy = {}", quote(&c.base_policy))?;
    writeln!(out, "base_policy_digest = {}", quote(&c.base_policy_digest))?;
    match &c.period.time_column {
        Some(column) => {
            writeln!(out, "# The times of the earliest and latest rows refitted on: `backtest` counts replayed")?;
            writeln!(out, "# changes timed within them (by the same column) as in-sample.")?;
            writeln!(out, "time_column = {}", quote(column))?;
            writeln!(out, "fitted_period = [{:?}, {:?}]", c.period.first, c.period.last)?;
        }
        None => writeln!(out, "# The rows were taken in file order: no period fitted on is recorded.")?,
    }
    writeln!(out, "history = {}", quote(stem(&c.source)))?;
    writeln!(out, "rows = {}", c.rows)?;
    writeln!(out, "positives = {}", c.positives)?;
    writeln!(out, "train_rows = {}", c.train_rows)?;
    writeln!(out, "test_rows = {}", c.rows - c.train_rows)?;
    write_figures(out, "", &c.evaluation)?;
    write_figures(out, "policy_", &c.policy_evaluation)?;

    Ok(())
}

fn join(ids: &[&String]) -> String {
    ids.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ")
}

fn write_figures(out: &mut String, prefix: &str, e: &Evaluation) -> std::fmt::Result {
    writeln!(out, "{prefix}auc = {}", num(e.auc))?;
    writeln!(out, "{prefix}brier = {}", num(e.brier))?;
    let capture: Vec<String> = e.capture.iter().map(|(g, c)| format!("[{}, {}]", num(*g), num(*c))).collect();
    writeln!(out, "# [share of changes gated, share of positives caught]")?;
    writeln!(out, "{prefix}capture = [{}]", capture.join(", "))
}

/// A TOML float: rounded to 6 decimals, never `-0.0`, always with a point
/// or an exponent.
pub(crate) fn num(x: f64) -> String {
    let r = round(x);
    let r = if r == 0.0 { 0.0 } else { r };
    format!("{r:?}")
}

fn list(values: &[f64]) -> String {
    let items: Vec<String> = values.iter().map(|v| num(*v)).collect();
    format!("[{}]", items.join(", "))
}

/// A list of numbers the model already rounded (knots to six significant
/// digits, which `num` would cut).
fn exact_list(values: &[f64]) -> String {
    let items: Vec<String> = values.iter().map(|v| exact(*v)).collect();
    format!("[{}]", items.join(", "))
}

/// A TOML float as given (already rounded by the model), never `-0.0`.
fn exact(x: f64) -> String {
    let x = if x == 0.0 { 0.0 } else { x };
    format!("{x:?}")
}

/// A TOML basic string.
fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for ch in s.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
