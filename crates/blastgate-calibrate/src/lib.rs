//! Fitting and measuring blastgate's likelihood model on a change history
//! (`blastgate calibrate`), and replaying a policy over one (`blastgate
//! backtest`).
//!
//! Pure math, no I/O: a [`History`] comes in (blastgate-ingest reads it
//! from CSV), figures and models come out. The pieces:
//!
//! - [`solver`]: penalised, sign-constrained logistic regression (Newton
//!   with an exact active-set step).
//! - [`shape`]: the additive model of monotone piecewise-linear shape
//!   functions over `ln(1 + metric)`.
//! - [`metrics`]: ROC AUC with ties, Brier score, calibration by decile,
//!   capture-vs-gated, thresholds for a share.
//! - [`fit`]: the time-ordered procedure, the shape model and the same
//!   model as a policy's `[likelihood]` (shape functions); [`budget`] proposes
//!   bands from a gate budget; [`engine`] maps history metrics to the
//!   engine's features.
//! - [`mod@backtest`]: a policy replayed over history.
//! - [`model_file`] and [`plot`]: the TOML model file and the SVG plot.
//!
//! This crate is internal; use the `blastgate` facade crate.

pub mod backtest;
pub mod budget;
pub mod engine;
pub mod error;
pub mod fit;
pub mod history;
pub mod metrics;
pub mod model_file;
pub mod plot;
pub mod shape;
pub mod solver;

pub use backtest::{Backtest, DepthLoad, backtest, backtest_fitted};
pub use budget::BudgetProposal;
pub use error::{BadCell, BadRows, CalibrateError};
pub use fit::{CAPTURE_SHARES, Calibration, Config, Evaluation, GateBudget, MAX_SEGMENTS, WeightOrigin, calibrate};
pub use history::{Columns, FittedPeriod, History, HistoryRow, Metric};
pub use model_file::check_version as check_model_version;
pub use shape::{ShapeModel, Term};
