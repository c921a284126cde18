//! A change history: one row per past change with its change metrics, a
//! 0/1 outcome (did it cause a defect or an incident) and a time.
//!
//! The metrics are the fourteen standard just-in-time defect-prediction
//! metrics (Kamei et al. 2013), named as in the published data sets.
//! Parsers (blastgate-ingest) build a [`History`]; everything here is
//! validated and finite.

use crate::error::CalibrateError;

/// The most entropy a change `assess` reads can have (bits): `log2` of its
/// limit on files, `max_files`.
pub const MAX_ENTROPY: f64 = 16.609_640_474_436_812; // log2(100_000)

/// A standard change metric.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Metric {
    /// Subsystems touched (top-level directories).
    Ns,
    /// Directories touched.
    Nd,
    /// Files touched.
    Nf,
    /// Change entropy: how evenly the modified lines spread over the files.
    Entropy,
    /// Lines added.
    La,
    /// Lines deleted.
    Ld,
    /// Lines in the touched files before the change.
    Lt,
    /// 1 for a bug fix.
    Fix,
    /// Developers who changed the touched files before.
    Ndev,
    /// Mean days since the touched files last changed.
    Age,
    /// Unique prior changes to the touched files.
    Nuc,
    /// The author's prior changes.
    Exp,
    /// The author's recent experience (prior changes weighted by recency).
    Rexp,
    /// The author's prior changes to the same subsystems.
    Sexp,
}

/// How a metric's raw value enters the model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scale {
    /// `ln(1 + value)`: counts and durations, whose effect grows with the
    /// order of magnitude.
    Log,
    /// The value itself (entropy, already a small bounded number).
    Linear,
    /// 0 or 1.
    Binary,
}

/// The families of metrics (Kamei et al. 2013). Size metrics are the
/// stable predictors across projects and time; the others drift (McIntosh
/// and Kamei 2018), so the fit shrinks them harder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    /// Diffusion and size: ns, nd, nf, entropy, la, ld.
    Size,
    /// Everything else: lt, fix, ndev, age, nuc, exp, rexp, sexp.
    Context,
}

impl Metric {
    /// Every metric, in the canonical order (the published data sets').
    pub const ALL: [Metric; 14] = [
        Self::Ns,
        Self::Nd,
        Self::Nf,
        Self::Entropy,
        Self::La,
        Self::Ld,
        Self::Lt,
        Self::Fix,
        Self::Ndev,
        Self::Age,
        Self::Nuc,
        Self::Exp,
        Self::Rexp,
        Self::Sexp,
    ];

    /// The standard column name.
    pub fn name(self) -> &'static str {
        match self {
            Self::Ns => "ns",
            Self::Nd => "nd",
            Self::Nf => "nf",
            Self::Entropy => "entropy",
            Self::La => "la",
            Self::Ld => "ld",
            Self::Lt => "lt",
            Self::Fix => "fix",
            Self::Ndev => "ndev",
            Self::Age => "age",
            Self::Nuc => "nuc",
            Self::Exp => "exp",
            Self::Rexp => "rexp",
            Self::Sexp => "sexp",
        }
    }

    /// The metric a column name stands for: the standard names, any case,
    /// and `entrophy` (the spelling of the published data sets).
    pub fn parse(name: &str) -> Option<Self> {
        let name = name.trim();
        if name.eq_ignore_ascii_case("entrophy") {
            return Some(Self::Entropy);
        }
        Self::ALL.into_iter().find(|m| m.name().eq_ignore_ascii_case(name))
    }

    /// What the metric measures.
    pub fn description(self) -> &'static str {
        match self {
            Self::Ns => "subsystems touched",
            Self::Nd => "directories touched",
            Self::Nf => "files touched",
            Self::Entropy => "change entropy over the touched files",
            Self::La => "lines added",
            Self::Ld => "lines deleted",
            Self::Lt => "lines in the touched files before the change",
            Self::Fix => "bug fix (1) or not (0)",
            Self::Ndev => "developers who changed the touched files before",
            Self::Age => "mean days since the touched files last changed",
            Self::Nuc => "unique prior changes to the touched files",
            Self::Exp => "the author's prior changes",
            Self::Rexp => "the author's recent experience",
            Self::Sexp => "the author's prior changes to the same subsystems",
        }
    }

    /// How the raw value enters the model.
    pub fn scale(self) -> Scale {
        match self {
            Self::Entropy => Scale::Linear,
            Self::Fix => Scale::Binary,
            _ => Scale::Log,
        }
    }

    /// The metric's family.
    pub fn family(self) -> Family {
        match self {
            Self::Ns | Self::Nd | Self::Nf | Self::Entropy | Self::La | Self::Ld => Family::Size,
            _ => Family::Context,
        }
    }

    /// The value the model sees: `ln(1 + v)` for counts, `v` for entropy,
    /// 0 or 1 for the fix flag. Raw values are validated finite and not
    /// negative when read.
    pub fn transform(self, raw: f64) -> f64 {
        match self.scale() {
            Scale::Log => raw.max(0.0).ln_1p(),
            Scale::Linear => raw.max(0.0),
            Scale::Binary => {
                if raw > 0.5 {
                    1.0
                } else {
                    0.0
                }
            }
        }
    }

    /// The largest raw value the engine reads for this metric: `assess`
    /// caps the author's experience (`exp`) at 1000 changes, the files'
    /// prior changes (`nuc`) at 10,000 and their age (`age`) at 3650 days,
    /// in its linear features and its shapes alike, so that a stated
    /// number cannot buy more than the cap. And the entropy at the most a
    /// change `assess` reads can have, `log2` of its limit on files
    /// (`max_files`): a larger value describes no change a gate sees, and
    /// one of 1e308, used as it is, overflowed the fit (a red team: exit 3
    /// naming nothing). `None`: no cap.
    pub fn cap(self) -> Option<f64> {
        match self {
            Self::Exp => Some(blastgate_core::engine::features::MAX_EXPERIENCE),
            Self::Nuc => Some(blastgate_core::engine::features::MAX_PRIOR_CHANGES),
            Self::Age => Some(blastgate_core::engine::features::MAX_FILE_AGE_DAYS),
            Self::Entropy => Some(MAX_ENTROPY),
            _ => None,
        }
    }

    /// The inverse of [`Metric::transform`] for readable tables.
    pub fn untransform(self, x: f64) -> f64 {
        match self.scale() {
            Scale::Log => x.exp_m1(),
            Scale::Linear | Scale::Binary => x,
        }
    }
}

/// Which columns of a table hold what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Columns {
    /// The 0/1 outcome column (default `bug`).
    pub label: String,
    /// The time column (unix seconds, or any increasing number). `None`:
    /// `date` when the table has it, else the file order, unless a column
    /// is named like a time (then the history is refused). `file-order`
    /// (when no column has that name): the file order, as asked.
    pub time: Option<String>,
    /// Metrics whose column has another name: `(metric, column)`.
    pub renamed: Vec<(Metric, String)>,
    /// Fit on these metrics only (`None`: every standard metric the table
    /// has; absent ones are reported).
    pub features: Option<Vec<Metric>>,
}

impl Default for Columns {
    fn default() -> Self {
        Self { label: "bug".into(), time: None, renamed: Vec::new(), features: None }
    }
}

/// One parsed row.
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryRow {
    /// The line in the file (the header is line 1).
    pub line: u64,
    /// The time (unix seconds, or the row number without a time column).
    pub time: f64,
    /// Whether the change caused a defect or incident.
    pub label: bool,
    /// The metric values, in the order of [`History::metrics`]: as read,
    /// except that [`History::new`] caps them at [`Metric::cap`].
    pub values: Vec<f64>,
}

/// A validated change history, in time order.
#[derive(Debug, Clone, PartialEq)]
pub struct History {
    source: String,
    metrics: Vec<Metric>,
    rows: Vec<HistoryRow>,
    notes: Vec<String>,
    time_column: Option<String>,
    left_out: Vec<Metric>,
    chosen: bool,
}

/// The period a model was fitted on: the times of its history's first and
/// last rows, in the units of its time column. `calibrate` refits the model
/// it writes on every row, so a replayed change of that column timed within
/// the period is one the model may have learnt from.
#[derive(Debug, Clone, PartialEq)]
pub struct FittedPeriod {
    /// The time column's name as the header spells it; `None` when the
    /// rows were taken in file order (times are then row numbers, which
    /// say nothing about another file).
    pub time_column: Option<String>,
    /// The earliest time fitted on.
    pub first: f64,
    /// The latest time fitted on.
    pub last: f64,
}

impl FittedPeriod {
    /// Whether `history` is timed by the same column as this period, so
    /// that its times can be compared with it (both named, the same name
    /// in any case).
    pub fn comparable(&self, history: &History) -> bool {
        matches!((&self.time_column, history.time_column()), (Some(a), Some(b)) if a.eq_ignore_ascii_case(b))
    }

    /// Whether `time` falls within the period, ends included.
    pub fn contains(&self, time: f64) -> bool {
        self.first <= time && time <= self.last
    }
}

impl History {
    /// A history of `rows` over `metrics` (canonical order, no repeats),
    /// read from `source`. Rows are put in time order, rows of the same
    /// time by their label and values, so that the order of simultaneous
    /// rows in the file changes nothing; `notes` are kept for the report.
    ///
    /// Values past a metric's [`Metric::cap`] are lowered to it, with a
    /// note, so that what is fitted and measured is what `assess` computes
    /// for the same change; `-0` is read as 0.
    ///
    /// # Errors
    /// [`CalibrateError::Input`] for no metric, a repeated metric or a row
    /// of the wrong width; [`CalibrateError::BadRows`]-style problems
    /// (non-finite values) are the parser's to report, and are refused here
    /// as [`CalibrateError::Data`] as a last line of defence.
    pub fn new(
        source: &str,
        metrics: Vec<Metric>,
        mut rows: Vec<HistoryRow>,
        mut notes: Vec<String>,
    ) -> Result<Self, CalibrateError> {
        if metrics.is_empty() {
            return Err(CalibrateError::input(source, "header", "", "no change metric to fit on"));
        }
        if metrics.windows(2).any(|w| matches!(w, [a, b] if a >= b)) {
            return Err(CalibrateError::input(source, "header", "", "metrics must be distinct, in canonical order"));
        }
        for row in &rows {
            if row.values.len() != metrics.len() {
                return Err(CalibrateError::input(
                    source,
                    format!("line {}", row.line),
                    "",
                    format!("{} values for {} metrics", row.values.len(), metrics.len()),
                ));
            }
            if !row.time.is_finite() || row.values.iter().any(|v| !(v.is_finite() && *v >= 0.0)) {
                return Err(CalibrateError::data(
                    source,
                    format!("line {}: a time or metric value is not a finite, non-negative number", row.line),
                ));
            }
        }
        // `-0` and `0` are one number: adding 0.0 turns -0.0 into +0.0, so
        // that the total order below (which tells them apart) cannot put a
        // split between them.
        let mut capped = vec![0usize; metrics.len()];
        for row in &mut rows {
            row.time += 0.0;
            for ((v, m), n) in row.values.iter_mut().zip(&metrics).zip(&mut capped) {
                *v += 0.0;
                if let Some(cap) = m.cap()
                    && *v > cap
                {
                    *v = cap;
                    *n += 1;
                }
            }
        }
        for (m, n) in metrics.iter().zip(&capped) {
            if let (Some(cap), true) = (m.cap(), *n > 0) {
                notes.push(if *m == Metric::Entropy {
                    format!(
                        "`entropy` above {cap:.2} bits was capped at {cap:.2} in {n} rows: no change of at most {} files (the most `assess` reads) spreads more",
                        blastgate_change::limits::MAX_FILES
                    )
                } else {
                    format!("`{}` above {cap} was capped at {cap} in {n} rows, as `assess` caps it", m.name())
                });
            }
        }
        if rows.windows(2).any(|w| matches!(w, [a, b] if a.time > b.time)) {
            notes.push("rows were not in time order; they were sorted by time".into());
        }
        // Time order, and rows of the same time by their contents (values,
        // then label): the order a file happens to list simultaneous
        // changes in must not move the split or the figures. (The split
        // never cuts a group of one time: see `calibrate`.)
        rows.sort_by(|a, b| {
            a.time
                .total_cmp(&b.time)
                .then_with(|| {
                    a.values
                        .iter()
                        .zip(&b.values)
                        .map(|(x, y)| x.total_cmp(y))
                        .find(|o| o.is_ne())
                        .unwrap_or(std::cmp::Ordering::Equal)
                })
                .then_with(|| a.label.cmp(&b.label))
        });
        Ok(Self {
            source: source.to_owned(),
            metrics,
            rows,
            notes,
            time_column: None,
            left_out: Vec::new(),
            chosen: false,
        })
    }

    /// The same history, recording the metrics its table has that the
    /// reader was told to leave out (`--features`), so that a message
    /// about an absent metric can tell the two apart.
    #[must_use]
    pub fn with_left_out(mut self, left_out: Vec<Metric>) -> Self {
        self.left_out = left_out;
        self
    }

    /// The metrics the table has that were left out (`--features`).
    pub fn left_out(&self) -> &[Metric] {
        &self.left_out
    }

    /// The same history, recording whether its metrics were chosen
    /// (`--features`) rather than every standard one the table has.
    #[must_use]
    pub fn with_chosen_metrics(mut self, chosen: bool) -> Self {
        self.chosen = chosen;
        self
    }

    /// Whether the metrics were chosen (`--features`).
    pub fn metrics_chosen(&self) -> bool {
        self.chosen
    }

    /// The same history, its times read from the column `column` (`None`:
    /// the row numbers, the file order).
    #[must_use]
    pub fn with_time_column(mut self, column: Option<&str>) -> Self {
        self.time_column = column.map(str::to_owned);
        self
    }

    /// The column the times were read from; `None` when they are row
    /// numbers (the file order).
    pub fn time_column(&self) -> Option<&str> {
        self.time_column.as_deref()
    }

    /// The period the rows span (`None` for no rows).
    pub fn period(&self) -> Option<FittedPeriod> {
        let (first, last) = (self.rows.first()?, self.rows.last()?);
        Some(FittedPeriod { time_column: self.time_column.clone(), first: first.time, last: last.time })
    }

    /// Where the history comes from (a file name).
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The metrics, in canonical order.
    pub fn metrics(&self) -> &[Metric] {
        &self.metrics
    }

    /// The rows, in time order.
    pub fn rows(&self) -> &[HistoryRow] {
        &self.rows
    }

    /// The number of rows.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Whether there is no row.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Notes about how the table was read (columns absent, rows sorted).
    pub fn notes(&self) -> &[String] {
        &self.notes
    }

    /// How many rows are labelled 1.
    pub fn positives(&self) -> usize {
        self.rows.iter().filter(|r| r.label).count()
    }

    /// The raw value of `metric` in `row`, if the history has the metric.
    pub fn value(&self, row: &HistoryRow, metric: Metric) -> Option<f64> {
        let i = self.metrics.iter().position(|m| *m == metric)?;
        row.values.get(i).copied()
    }
}

#[cfg(test)]
mod entropy_cap_tests {
    #[test]
    fn the_entropy_cap_is_the_file_limits_log2() {
        assert_eq!(super::MAX_ENTROPY.to_bits(), (blastgate_change::limits::MAX_FILES as f64).log2().to_bits());
    }
}
