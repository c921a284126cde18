//! Learning from history: fit the likelihood model on your own past
//! changes, measure how well it ranks risk, propose bands from a gate
//! budget, and replay a policy over history.
//!
//! A history is a CSV table, one row per past change: the standard change
//! metrics (`la ld nf nd ns entropy lt fix ndev age nuc exp rexp sexp`), a
//! 0/1 outcome (`bug` by default) and a time (`date` by default). The
//! calibration splits it by time (fit on the earliest 80%, measure on the
//! latest 20%, as in production), fits two models and refits both on all
//! rows for the model file:
//!
//! - the shape model: one monotone piecewise-linear function of
//!   `ln(1 + metric)` per metric; the reported figures are its.
//! - the policy model: the engine's linear `[likelihood]` (a weight per
//!   engine feature), which a policy uses as is; its figures are reported
//!   beside.
//!
//! docs/model-card.md gives the figures on six published projects.
//!
//! # Example
//! ```
//! use blastgate::calibrate::{Columns, Config, calibrate, parse_history};
//!
//! let mut csv = String::from("date,bug,la,nf\n");
//! for i in 0..200u32 {
//!     let la = (i * 37) % 500;
//!     let bug = u32::from(la > 250 && i % 3 != 0 || i % 17 == 0);
//!     csv.push_str(&format!("{i},{bug},{la},{}\n", 1 + la / 100));
//! }
//! let history = parse_history("history.csv", csv.as_bytes(), &Columns::default())?;
//! let policy = blastgate::assess::default_policy()?;
//! let calibration = calibrate(&history, &policy, &Config::default())?;
//! assert!(calibration.evaluation.auc > 0.5);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::io::Read;
use std::path::Path;

pub use blastgate_calibrate::backtest::DEPTHS;
pub use blastgate_calibrate::error::LISTED_BAD_CELLS;
pub use blastgate_calibrate::history::{Family, Scale};
pub use blastgate_calibrate::metrics::{CalibrationBin, brier, calibration, capture, roc_auc, threshold_for_share};
pub use blastgate_calibrate::model_file::MODEL_FORMAT;
pub use blastgate_calibrate::{
    Backtest, BadCell, BadRows, BudgetProposal, CAPTURE_SHARES, CalibrateError, Calibration, Columns, Config,
    DepthLoad, Evaluation, FittedPeriod, GateBudget, History, HistoryRow, MAX_SEGMENTS, Metric, ShapeModel, Term,
    WeightOrigin, backtest, backtest_fitted, calibrate,
};
pub use blastgate_ingest::history::{MAX_HISTORY_BYTES, MAX_HISTORY_ROWS};

use crate::ChangeError;
use crate::assess::Policy;

/// Parses a history (CSV).
///
/// # Errors
/// [`CalibrateError::Input`] for malformed CSV or missing columns,
/// [`CalibrateError::BadRows`] for missing, non-numeric, negative or
/// non-finite values (the whole file is refused, the first bad cells listed
/// by row, line and column), [`CalibrateError::LimitExceeded`] past the
/// size or row limits.
pub fn parse_history(name: &str, bytes: &[u8], columns: &Columns) -> Result<History, CalibrateError> {
    blastgate_ingest::history::parse(name, bytes, columns)
}

/// Reads and parses a history file (at most [`MAX_HISTORY_BYTES`]); `-`
/// reads standard input.
///
/// # Errors
/// [`CalibrateError::Input`] when the file cannot be read; otherwise as
/// [`parse_history`].
pub fn load_history(path: &Path, columns: &Columns) -> Result<History, CalibrateError> {
    let name = blastgate_ingest::input_name(path);
    let io = |e: std::io::Error| CalibrateError::input(&name, "", "", format!("cannot read the file: {e}"));
    if blastgate_ingest::is_stdin(path) {
        // Read once per process, with the history's own limit.
        let bytes = blastgate_ingest::read_path(path, MAX_HISTORY_BYTES).map_err(|e| match e {
            // (Named as a history's limit, as a file's is: the reader
            // names the limit of any input, with a graph's advice.)
            blastgate_graph::GraphError::LimitExceeded(l) => {
                CalibrateError::limit(&name, "max_history_bytes", MAX_HISTORY_BYTES, l.observed())
            }
            blastgate_graph::GraphError::Io(d) => CalibrateError::Input(d),
            other => CalibrateError::input(&name, "", "", other.to_string()),
        })?;
        return parse_history(&name, &bytes, columns);
    }
    let file = std::fs::File::open(path).map_err(io)?;
    let mut bytes = Vec::new();
    file.take(MAX_HISTORY_BYTES + 1).read_to_end(&mut bytes).map_err(io)?;
    parse_history(&name, &bytes, columns)
}

/// The model file for a calibration (TOML): the policy's `[likelihood]`
/// (and `[bands]` with a gate budget), the figures and the shape model.
pub fn model_toml(calibration: &Calibration) -> String {
    blastgate_calibrate::model_file::to_toml(calibration)
}

/// The ROC and capture-vs-gated curves of both models, as an SVG document.
pub fn plot_svg(calibration: &Calibration) -> String {
    blastgate_calibrate::plot::svg(calibration)
}

/// Writes the model file ([`model_toml`]) to `model` and, if given, the
/// plot ([`plot_svg`]) to `plot`: both or neither. Each regular file is
/// replaced whole (written beside its target, synced, renamed only once
/// both are written), so a policy that references the model never reads
/// half of one; a pipe or device is written into, after the files are
/// staged.
///
/// # Errors
/// [`CalibrateError::Input`] naming the path that cannot be written (a
/// directory, a missing folder, a full disk), or the plot's path when it
/// names the model's file (one would overwrite the other); nothing is left
/// in place of the files then.
pub fn write_outputs(calibration: &Calibration, model: &Path, plot: Option<&Path>) -> Result<(), CalibrateError> {
    use crate::output::{Destination, Staged, destination, same_place};
    use std::io::Write as _;
    if let Some(plot) = plot.filter(|p| same_place(model, p)) {
        return Err(CalibrateError::input(
            &plot.display().to_string(),
            "",
            "",
            format!("the plot would overwrite the model file `{}`; give them different paths", model.display()),
        ));
    }
    let mut files = vec![(model, model_toml(calibration))];
    if let Some(plot) = plot {
        files.push((plot, plot_svg(calibration)));
    }
    let fail = |path: &Path, e: std::io::Error| {
        CalibrateError::input(&path.display().to_string(), "", "", format!("cannot write the file: {e}"))
    };
    let mut targets = Vec::new();
    for (path, text) in &files {
        targets.push((*path, text, destination(path).map_err(|e| fail(path, e))?));
    }
    // Files first, staged; streams (which cannot be taken back) after.
    targets.sort_by_key(|(_, _, d)| matches!(d, Destination::Stream(_)));
    let mut staged = Vec::new();
    for (path, text, d) in targets {
        match Staged::write(d, |f| f.write_all(text.as_bytes()), |e| e) {
            Ok(s) => staged.push((path, s)),
            Err(e) => {
                staged.into_iter().for_each(|(_, s)| s.abandon());
                return Err(fail(path, e));
            }
        }
    }
    for (path, s) in staged {
        s.commit().map_err(|e| fail(path, e))?;
    }
    Ok(())
}

/// The engine feature a history metric feeds, if any (`lt`, `ndev`,
/// `rexp` and `sexp` feed none: only the shape model uses them).
pub fn engine_feature(metric: Metric) -> Option<&'static str> {
    blastgate_calibrate::engine::engine_feature(metric)
}

/// The JSON Schema of a model file written by `calibrate` (the TOML file
/// has the same structure): `format`, `[likelihood]` and `[bands]` as in a
/// policy, and the `[evaluation]` figures, which no decision reads.
pub fn model_json_schema() -> String {
    blastgate_ingest::history::model_json_schema()
}

/// A policy from a policy file or a model file written by `calibrate`
/// (whose `[likelihood]` and `[bands]` then replace those of `base`).
///
/// # Errors
/// As [`crate::assess::parse_policy`].
pub fn parse_policy_or_model(name: &str, bytes: &[u8], base: &Policy) -> Result<Policy, ChangeError> {
    blastgate_ingest::history::parse_policy_or_model(name, bytes, base)
}

/// Reads the policy `calibrate` fits over (its `--policy`): a policy file.
///
/// A model file is refused: a model fitted over one would record as its
/// base a policy that exists only inside that model file, so `assess` and
/// `backtest` would refuse what `calibrate` wrote, with advice no one could
/// follow (a red-team finding).
///
/// # Errors
/// [`ChangeError::InvalidValue`] for a model file (place `format`), else as
/// [`crate::assess::load_policy`].
pub fn load_base_policy(path: &Path) -> Result<Policy, ChangeError> {
    let bytes = crate::assess::read_policy_input(path)?;
    let name = blastgate_ingest::input_name(path);
    if bytes.len() as u64 <= blastgate_core::policy::MAX_POLICY_BYTES
        && blastgate_ingest::history::is_model_file(&bytes)
    {
        return Err(ChangeError::invalid(
            &name,
            "format",
            "",
            "this is a model file written by `calibrate`, not a policy to fit over",
        )
        .with_help(
            "give the policy the model was fitted over (its `[evaluation] base_policy` names it), or leave out \
             --policy to fit over the embedded default",
        ));
    }
    crate::assess::parse_policy(&name, &bytes)
}

/// As [`parse_policy_or_model`], with the period a model file says its
/// model was fitted on, for [`backtest_fitted`] (`None` for a policy file,
/// a model fitted on rows in file order, or an older model file).
///
/// # Errors
/// As [`parse_policy_or_model`]; also [`ChangeError::InvalidValue`] for a
/// `fitted_period` that is not two finite times, earliest first.
pub fn parse_policy_or_model_period(
    name: &str,
    bytes: &[u8],
    base: &Policy,
) -> Result<(Policy, Option<FittedPeriod>), ChangeError> {
    blastgate_ingest::history::parse_policy_or_model_period(name, bytes, base)
}

/// Reads a policy file or a model file with its fitted period (see
/// [`parse_policy_or_model_period`]): what `backtest` replays.
///
/// # Errors
/// [`ChangeError::Io`] or a limit error for the file; otherwise as
/// [`parse_policy_or_model_period`].
pub fn load_policy_or_model_period(path: &Path, base: &Policy) -> Result<(Policy, Option<FittedPeriod>), ChangeError> {
    let bytes = crate::assess::read_policy_input(path)?;
    parse_policy_or_model_period(&blastgate_ingest::input_name(path), &bytes, base)
}

/// Reads a policy file or a model file (see [`parse_policy_or_model`]).
///
/// # Errors
/// [`ChangeError::Io`] or a limit error for the file; otherwise as
/// [`parse_policy_or_model`].
pub fn load_policy_or_model(path: &Path, base: &Policy) -> Result<Policy, ChangeError> {
    let bytes = crate::assess::read_policy_input(path)?;
    parse_policy_or_model(&blastgate_ingest::input_name(path), &bytes, base)
}
