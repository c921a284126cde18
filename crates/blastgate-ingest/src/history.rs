//! Change histories (CSV) for `blastgate calibrate` and `blastgate
//! backtest`, and the model files `calibrate` writes.
//!
//! A history is a CSV table with a header: one row per past change, the
//! standard change metrics as columns (`la ld nf nd ns entropy lt fix ndev
//! age nuc exp rexp sexp`, `entrophy` accepted for `entropy`; other names
//! mapped with [`Columns::renamed`]), a 0/1 outcome column and a time
//! column. Other columns are ignored.
//!
//! Fail closed: a missing, non-numeric, negative or non-finite value in a
//! column that is used refuses the whole file, listing the first bad cells
//! by row and line, rather than fitting on the rows that happened to parse.
//! Quoting must be RFC 4180 (see `quoting`): the csv crate reads broken
//! quoting leniently, as another table.

mod quoting;

use blastgate_calibrate::error::{BadCell, BadRows, LISTED_BAD_CELLS};
use blastgate_calibrate::model_file::MODEL_FORMAT;
use blastgate_calibrate::{CalibrateError, Columns, FittedPeriod, History, HistoryRow, Metric};
use blastgate_change::ChangeError;
use blastgate_core::Policy;
use blastgate_core::policy::{Bands, LikelihoodModel};

/// The largest history file read, in bytes (256 MiB: about 1.5 million rows
/// of the published data sets' width).
pub const MAX_HISTORY_BYTES: u64 = 256 << 20;

/// The most rows a history may have.
pub const MAX_HISTORY_ROWS: u64 = 2_000_000;

/// The time column used when none is named and the table has it.
pub const DEFAULT_TIME_COLUMN: &str = "date";

/// The `--time` value that takes the rows in file order as time order,
/// oldest first, even when a column is named like a time.
pub const FILE_ORDER: &str = "file-order";

/// The most header columns an error message lists.
const MAX_LISTED_COLUMNS: usize = 20;

/// The header as an error message lists it: the first
/// [`MAX_LISTED_COLUMNS`] names, each shortened, so a hostile header of two
/// million columns does not become a message of tens of megabytes.
fn list_columns(header: &[String]) -> String {
    let mut listed: Vec<String> =
        header.iter().take(MAX_LISTED_COLUMNS).map(|h| format!("`{}`", blastgate_graph::shorten(h))).collect();
    if header.len() > MAX_LISTED_COLUMNS {
        listed.push(format!("... and {} more", header.len() - MAX_LISTED_COLUMNS));
    }
    listed.join(", ")
}

/// Whether a column's name reads as the time of a change: one of its
/// words (split at `_`, `-`, `.`, blanks and where the case rises,
/// `createdAt`) is `time`, `timestamp`, `datetime`, `date`, `unixtime`,
/// `ts` or `epoch`, or its last word is `at` (`author_date`,
/// `commit_time`, `committed_at`, `createdAt`, `commit_ts`,
/// `timestamp_utc`, `commit date`; a red-team finding: only some
/// suffixes were read, so a newest-first history timed by `commit_ts` was
/// fitted on its newest rows).
fn looks_like_time(name: &str) -> bool {
    let mut words: Vec<String> = Vec::new();
    let mut word = String::new();
    let mut previous_lower = false;
    for c in name.trim().chars() {
        if matches!(c, '_' | '-' | '.' | '/') || c.is_whitespace() {
            words.extend((!word.is_empty()).then(|| std::mem::take(&mut word)));
            previous_lower = false;
            continue;
        }
        if c.is_uppercase() && previous_lower {
            words.push(std::mem::take(&mut word));
        }
        previous_lower = c.is_lowercase() || c.is_ascii_digit();
        word.extend(c.to_lowercase());
    }
    words.extend((!word.is_empty()).then_some(word));
    let timely =
        |w: &String| matches!(w.as_str(), "time" | "timestamp" | "datetime" | "date" | "unixtime" | "ts" | "epoch");
    words.iter().any(timely) || (words.len() > 1 && words.last().is_some_and(|w| w == "at"))
}

/// The fewest rows on which a metric equal to the outcome is taken for a
/// copy of it rather than chance.
const MIN_ROWS_FOR_A_COPY: usize = 10;

/// The fewest rows of each outcome on which a metric that tells the
/// outcomes apart is taken for a recoding of the outcome rather than
/// chance (by chance, with 20 of each, about one in 70 billion).
const MIN_EACH_FOR_A_RECODING: usize = 20;

/// Refuses a metric column that equals the outcome on every row, or its
/// opposite: a copy of the label (the published histories carry one, `__`)
/// mapped to a metric fits a model that reads the outcome instead of the
/// change, with an AUC of 1 and no word (a red-team finding).
fn refuse_label_copies(
    file: &str,
    header: &[String],
    layout: &Layout,
    rows: &[HistoryRow],
) -> Result<(), CalibrateError> {
    let positives = rows.iter().filter(|r| r.label).count();
    if rows.len() < MIN_ROWS_FOR_A_COPY || positives == 0 || positives == rows.len() {
        return Ok(());
    }
    for (i, (metric, column)) in layout.metrics.iter().enumerate() {
        // `+ 0.0` reads -0 as 0, which the total order tells apart.
        let is = |r: &HistoryRow, flag: bool| {
            r.values.get(i).is_some_and(|v| (v + 0.0).total_cmp(&f64::from(u8::from(flag))).is_eq())
        };
        let same = rows.iter().all(|r| is(r, r.label));
        let opposite = rows.iter().all(|r| is(r, !r.label));
        // Any recoding of the outcome (`bug + 1`, `bug * 10`): every
        // change that caused a defect above every other, or below (a
        // red-team finding: only 0 and 1 were compared).
        let range = |label: bool| {
            rows.iter().filter(|r| r.label == label).filter_map(|r| r.values.get(i).copied()).fold(
                None,
                |acc: Option<(f64, f64)>, v| match acc {
                    Some((lo, hi)) => Some((lo.min(v), hi.max(v))),
                    None => Some((v, v)),
                },
            )
        };
        let recoded = if same || opposite {
            None
        } else if positives.min(rows.len() - positives) >= MIN_EACH_FOR_A_RECODING
            && let (Some((pos_lo, pos_hi)), Some((neg_lo, neg_hi))) = (range(true), range(false))
        {
            if neg_hi.total_cmp(&pos_lo).is_lt() {
                Some("larger")
            } else if pos_hi.total_cmp(&neg_lo).is_lt() {
                Some("smaller")
            } else {
                None
            }
        } else {
            None
        };
        if !(same || opposite || recoded.is_some()) {
            continue;
        }
        let label = blastgate_graph::shorten(header.get(layout.label).map_or("", String::as_str));
        let how = match recoded {
            Some(side) => format!(
                "tells the outcome `{label}` apart on every row (every change that caused one has a {side} value \
                 than every change that did not): a recoding of the outcome"
            ),
            None => format!(
                "is {} the outcome `{label}` on every row: a copy of the outcome",
                if same { "equal to" } else { "the opposite of" }
            ),
        };
        return Err(CalibrateError::Input(
            blastgate_graph::ErrorDetail::new(
                file,
                "header",
                blastgate_graph::shorten(header.get(*column).map_or("", String::as_str)),
                format!(
                    "the column read as `{}` {how}, which the model would learn to read instead of the change",
                    metric.name()
                ),
            )
            .with_help_text(format!(
                "map `{}` to its own column with --column, or leave it out with --features",
                metric.name()
            )),
        ));
    }
    Ok(())
}

/// Parses a history.
///
/// # Errors
/// [`CalibrateError::Input`] for malformed CSV (with its line: quoting
/// that is not RFC 4180 included), a missing
/// label, time or metric column, an ambiguous column; [`CalibrateError::BadRows`]
/// for bad values (with row, line, column and value);
/// [`CalibrateError::Data`] for a table without rows;
/// [`CalibrateError::LimitExceeded`] past [`MAX_HISTORY_BYTES`] or
/// [`MAX_HISTORY_ROWS`].
pub fn parse(file: &str, bytes: &[u8], columns: &Columns) -> Result<History, CalibrateError> {
    if bytes.len() as u64 > MAX_HISTORY_BYTES {
        return Err(CalibrateError::limit(file, "max_history_bytes", MAX_HISTORY_BYTES, bytes.len() as u64));
    }
    // A UTF-8 byte order mark is no part of the table; the csv crate would
    // keep it in the first field (and read a quoted first field as text).
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF".as_slice()).unwrap_or(bytes);
    quoting::check(file, bytes)?;
    let mut lines = Lines::new(bytes);
    let mut reader = csv::ReaderBuilder::new().has_headers(true).trim(csv::Trim::All).from_reader(bytes);
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| csv_error(file, &e, &mut lines))?
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}').trim().to_owned())
        .collect();
    // An empty file (or blank lines only: an empty download, a query that
    // returned nothing) has no header: say so, not that its header lacks
    // the label column (a red-team probe: "the header has " and nothing).
    if header.iter().all(String::is_empty) {
        return Err(CalibrateError::data(
            file,
            "the file is empty: no header and no rows; a history is a CSV table with a header line and one row per past change",
        ));
    }
    let layout = Layout::new(file, &header, columns)?;
    let mut rows = Vec::new();
    let mut bad = Vec::new();
    let (mut bad_rows, mut bad_cells) = (0u64, 0u64);
    let mut record = csv::StringRecord::new();
    let mut index = 0u64;
    while reader.read_record(&mut record).map_err(|e| csv_error(file, &e, &mut lines))? {
        index += 1;
        if index > MAX_HISTORY_ROWS {
            return Err(CalibrateError::limit(file, "max_history_rows", MAX_HISTORY_ROWS, index));
        }
        let line = lines.of(record.position()).unwrap_or(index + 1);
        let mut problems = Vec::new();
        let mut cell = |col: usize, kind: Kind| -> f64 {
            let raw = record.get(col).unwrap_or("");
            match kind.read(raw) {
                Ok(v) => v,
                Err(problem) => {
                    let name = header.get(col).map_or("", String::as_str);
                    problems.push(BadCell::new(line, index, name, raw, problem));
                    0.0
                }
            }
        };
        let label = cell(layout.label, Kind::Flag) > 0.5;
        let time = layout.time.map_or(index as f64, |c| cell(c, Kind::Time));
        let values: Vec<f64> = layout
            .metrics
            .iter()
            .map(|&(m, c)| {
                cell(
                    c,
                    if m.scale() == blastgate_calibrate::history::Scale::Binary { Kind::Flag } else { Kind::Metric },
                )
            })
            .collect();
        if problems.is_empty() {
            rows.push(HistoryRow { line, time, label, values });
        } else {
            bad_rows += 1;
            bad_cells += problems.len() as u64;
            let room = LISTED_BAD_CELLS.saturating_sub(bad.len());
            bad.extend(problems.into_iter().take(room));
        }
    }
    if bad_cells > 0 {
        return Err(CalibrateError::BadRows(BadRows::new(file, bad_rows, bad_cells, bad)));
    }
    if rows.is_empty() {
        return Err(CalibrateError::data(file, "the table has a header but no rows"));
    }
    refuse_label_copies(file, &header, &layout, &rows)?;
    let time_column = layout.time.and_then(|i| header.get(i)).map(String::as_str);
    Ok(History::new(file, layout.metrics.iter().map(|(m, _)| *m).collect(), rows, layout.notes)?
        .with_time_column(time_column)
        .with_left_out(layout.left_out)
        .with_chosen_metrics(columns.features.is_some()))
}

/// What a cell must hold.
#[derive(Debug, Clone, Copy)]
enum Kind {
    /// A finite number, at least 0.
    Metric,
    /// 0 or 1 (`true`/`false` accepted).
    Flag,
    /// A finite number.
    Time,
}

impl Kind {
    fn read(self, raw: &str) -> Result<f64, &'static str> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Err("missing value");
        }
        if matches!(self, Self::Flag) {
            if raw.eq_ignore_ascii_case("true") {
                return Ok(1.0);
            }
            if raw.eq_ignore_ascii_case("false") {
                return Ok(0.0);
            }
        }
        let v: f64 = raw.parse().map_err(|_| match self {
            // The usual cause: a date as text (a red-team finding: the
            // message did not say what a time must be).
            Self::Time => "not a number; a time is a number that grows with time, such as unix seconds",
            _ => "not a number",
        })?;
        if !v.is_finite() {
            return Err("not a finite number");
        }
        match self {
            Self::Metric if v < 0.0 => Err("negative; change metrics are counts, sizes or ages"),
            Self::Flag if v != 0.0 && (v - 1.0).abs() > 0.0 => Err("not 0 or 1"),
            _ => Ok(v),
        }
    }
}

/// Where each used column is.
struct Layout {
    label: usize,
    time: Option<usize>,
    metrics: Vec<(Metric, usize)>,
    notes: Vec<String>,
    /// Metrics the table has that --features leaves out.
    left_out: Vec<Metric>,
}

impl Layout {
    fn new(file: &str, header: &[String], columns: &Columns) -> Result<Self, CalibrateError> {
        let listing = || list_columns(header);
        let find = |name: &str, role: &str, flag: &str| -> Result<usize, CalibrateError> {
            let mut hits = header.iter().enumerate().filter(|(_, h)| h.eq_ignore_ascii_case(name.trim()));
            match (hits.next(), hits.next()) {
                (Some((i, _)), None) => Ok(i),
                (Some(_), Some(_)) => {
                    Err(CalibrateError::input(file, "header", name, format!("the {role} column appears twice")))
                }
                (None, _) => Err(CalibrateError::Input(
                    blastgate_graph::ErrorDetail::new(file, "header", name, format!("no {role} column"))
                        .with_help_text(format!("name it with {flag}; the header has {}", listing())),
                )),
            }
        };
        let label = find(&columns.label, "label", "--label")?;
        let mut notes = Vec::new();
        let dates = header.iter().filter(|h| h.eq_ignore_ascii_case(DEFAULT_TIME_COLUMN)).count();
        let named = |t: &str| header.iter().any(|h| h.eq_ignore_ascii_case(t.trim()));
        let time = match &columns.time {
            // A column of that name wins over the waiver.
            Some(t) if t.trim().eq_ignore_ascii_case(FILE_ORDER) && !named(t) => None,
            Some(t) => Some(find(t, "time", "--time")?),
            None if dates == 1 => Some(find(DEFAULT_TIME_COLUMN, "time", "--time")?),
            // Only a missing `date` column falls back to the file order: of
            // two, either could hold the time, and fitting in file order
            // instead would hide the ambiguity.
            None if dates > 1 => {
                return Err(CalibrateError::Input(
                    blastgate_graph::ErrorDetail::new(
                        file,
                        "header",
                        DEFAULT_TIME_COLUMN,
                        "the default time column appears twice",
                    )
                    .with_help_text(format!(
                        "rename one of them, or name the time column with --time; the header has {}",
                        listing()
                    )),
                ));
            }
            None => {
                // A history written newest first (as `git log` writes) and
                // timed by a column of another name would be fitted on its
                // latest rows and measured on its earliest: the figures
                // would flatter a model trained on the future. A column
                // named like a time must be named or waived (a red-team
                // finding).
                if let Some(likely) = header.iter().find(|h| looks_like_time(h)) {
                    return Err(CalibrateError::Input(
                        blastgate_graph::ErrorDetail::new(
                            file,
                            "header",
                            blastgate_graph::shorten(likely),
                            format!(
                                "no `{DEFAULT_TIME_COLUMN}` column, but this column looks like the time of each \
                                 change"
                            ),
                        )
                        .with_help_text(format!(
                            "name the time column with --time {} (unix seconds or any number that grows with \
                             time); if the rows are already in time order, oldest first, give --time {FILE_ORDER}",
                            blastgate_graph::shorten(likely)
                        )),
                    ));
                }
                notes.push(format!(
                    "no `{DEFAULT_TIME_COLUMN}` column and no --time: rows are taken in file order as time order"
                ));
                None
            }
        };
        if time == Some(label) {
            return Err(CalibrateError::Input(
                blastgate_graph::ErrorDetail::new(
                    file,
                    "header",
                    header.get(label).map_or("", String::as_str),
                    "the label column is also the time column",
                )
                .with_help_text("a change's outcome cannot order the history; name the time column with --time"),
            ));
        }
        for (m, _) in &columns.renamed {
            if !columns.features.as_ref().is_none_or(|f| f.contains(m)) {
                return Err(CalibrateError::input(
                    file,
                    "arguments",
                    m.name(),
                    "a column is mapped to a metric that --features leaves out",
                ));
            }
        }
        let mut metrics = Vec::new();
        let mut absent = Vec::new();
        // Metrics the table has that --features leaves out.
        let mut left_out = Vec::new();
        for m in Metric::ALL {
            let wanted = columns.features.as_ref().is_none_or(|f| f.contains(&m));
            if !wanted {
                if header.iter().any(|h| Metric::parse(h) == Some(m)) {
                    left_out.push(m);
                }
                continue;
            }
            let renamed = columns.renamed.iter().find(|(r, _)| *r == m).map(|(_, c)| c.as_str());
            let found = match renamed {
                Some(name) => Some(find(name, &format!("`{}`", m.name()), "--column")?),
                None => {
                    let hits: Vec<usize> = header
                        .iter()
                        .enumerate()
                        .filter(|(_, h)| Metric::parse(h) == Some(m))
                        .map(|(i, _)| i)
                        .collect();
                    match hits.as_slice() {
                        [] => None,
                        [i] => Some(*i),
                        _ => {
                            let raw: Vec<&String> = hits.iter().filter_map(|&i| header.get(i)).collect();
                            let names: Vec<String> =
                                raw.iter().map(|h| format!("`{}`", blastgate_graph::shorten(h))).collect();
                            let columns: Vec<String> = hits.iter().map(|i| (i + 1).to_string()).collect();
                            // --column maps by name: two columns of one
                            // name cannot be told apart by it (a red-team
                            // finding: the hint offered could not be
                            // followed).
                            let same_name = raw
                                .iter()
                                .enumerate()
                                .any(|(i, a)| raw.iter().skip(i + 1).any(|b| a.eq_ignore_ascii_case(b)));
                            let remedy = if same_name {
                                "keep one, or rename one in the file (--column maps a metric to a column by its name, \
                                 which these share)"
                            } else {
                                "keep one, or map one with --column"
                            };
                            return Err(CalibrateError::input(
                                file,
                                "header",
                                m.name(),
                                format!(
                                    "{} columns name this metric ({} in columns {}); {remedy}",
                                    hits.len(),
                                    names.join(" and "),
                                    columns.join(" and ")
                                ),
                            ));
                        }
                    }
                }
            };
            match found {
                Some(i) if i == label || Some(i) == time => {
                    return Err(CalibrateError::input(
                        file,
                        "header",
                        header.get(i).map_or("", String::as_str),
                        format!("the column of metric `{}` is also the label or time column", m.name()),
                    ));
                }
                Some(i) => metrics.push((m, i)),
                None if columns.features.is_some() => {
                    return Err(CalibrateError::Input(
                        blastgate_graph::ErrorDetail::new(file, "header", m.name(), "no column for this metric")
                            .with_help_text(format!(
                                "map one with --column {}=NAME; the header has {}",
                                m.name(),
                                listing()
                            )),
                    ));
                }
                None => absent.push(m.name()),
            }
        }
        // One column feeding two metrics (`--column la=ld` with an `ld`
        // column) would fit the same numbers twice under two names.
        for (k, &(m, i)) in metrics.iter().enumerate() {
            if let Some((first, _)) = metrics.iter().take(k).find(|(_, j)| *j == i) {
                return Err(CalibrateError::Input(
                    blastgate_graph::ErrorDetail::new(
                        file,
                        "header",
                        header.get(i).map_or("", String::as_str),
                        format!("one column feeds two metrics, `{}` and `{}`", first.name(), m.name()),
                    )
                    .with_help_text(
                        "map each metric to a column of its own with --column, or leave one out with --features",
                    ),
                ));
            }
        }
        if metrics.is_empty() {
            return Err(CalibrateError::Input(
                blastgate_graph::ErrorDetail::new(file, "header", "", "no change metric column").with_help_text(
                    format!(
                        "the standard names are la ld nf nd ns entropy lt fix ndev age nuc exp rexp sexp; map others \
                         with --column METRIC=NAME; the header has {}",
                        listing()
                    ),
                ),
            ));
        }
        if !absent.is_empty() {
            notes.push(format!("standard metrics absent from the table, not used: {}", absent.join(" ")));
        }
        Ok(Self { label, time, metrics, notes, left_out })
    }
}

/// The lines records start on, counted from their byte offsets.
///
/// The csv crate's record position is taken before the line ends and
/// blank lines it skips, so its line is that of the previous line's end: a
/// CRLF file's first row would be line 1, and a row after blank lines the
/// first blank line's. Here the offset is moved past `\r` and `\n` to the
/// record's first byte, and the line ends before it counted, from where the
/// last record was counted: records come in file order, so the file is
/// counted once, `O(bytes)` in all.
struct Lines<'a> {
    bytes: &'a [u8],
    /// Counted up to here (a byte offset)...
    offset: usize,
    /// ... which is on this line (the first is 1).
    line: u64,
}

impl<'a> Lines<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        Self { bytes, offset: 0, line: 1 }
    }

    /// The line of the record at `position`; `None` without a position.
    fn of(&mut self, position: Option<&csv::Position>) -> Option<u64> {
        let start = usize::try_from(position?.byte()).ok()?.min(self.bytes.len());
        let skipped = self.bytes.get(start..)?.iter().take_while(|b| matches!(b, b'\r' | b'\n')).count();
        let at = start + skipped;
        if at < self.offset {
            // Not expected (records come in order); count from the start.
            (self.offset, self.line) = (0, 1);
        }
        // A line ends at `\n`, at `\r\n`, and at a `\r` alone (old Mac
        // files, which the csv crate reads: a red team's, whose every error
        // said "line 1").
        let span = self.bytes.get(self.offset..at)?;
        let newlines = span
            .iter()
            .enumerate()
            .filter(|&(i, b)| *b == b'\n' || (*b == b'\r' && self.bytes.get(self.offset + i + 1) != Some(&b'\n')))
            .count();
        self.line += newlines as u64;
        self.offset = at;
        Some(self.line)
    }
}

fn csv_error(file: &str, e: &csv::Error, lines: &mut Lines<'_>) -> CalibrateError {
    let place = lines.of(e.position()).map(|line| format!("line {line}")).unwrap_or_default();
    let message = match e.kind() {
        csv::ErrorKind::UnequalLengths { expected_len, len, .. } => {
            format!("a row has {len} fields where the header has {expected_len}")
        }
        csv::ErrorKind::Utf8 { .. } => "not valid UTF-8".to_owned(),
        _ => format!("not a readable CSV table: {e}"),
    };
    CalibrateError::input(file, place, "", message)
}

/// A model file as `calibrate` writes it: the sections a policy uses
/// (`[likelihood]`, and `[bands]` with a gate budget) and the figures they
/// were measured with (`[evaluation]`), which the engine ignores. Unknown
/// keys are errors at every level, as in a policy: a typo such as `[bnads]`
/// must not leave the default bands in place without a word.
#[derive(Debug, serde::Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ModelSections {
    /// Must be `blastgate.dev/calibration/v1`.
    pub format: String,
    /// The fitted likelihood model, as in a policy.
    pub likelihood: LikelihoodModel,
    /// The bands a gate budget proposed, as in a policy.
    #[serde(default)]
    pub bands: Option<Bands>,
    /// What the model was measured on and how it did: for people, ignored
    /// when assessing.
    #[serde(default)]
    pub evaluation: Option<ModelEvaluation>,
}

/// The `[evaluation]` section of a model file: the history and the figures
/// on its latest part (docs/cli.md, `calibrate`). Nothing in it changes a
/// decision, but `base_policy` decides whether the model may be read at
/// all: a model file without it is refused.
#[derive(Debug, serde::Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ModelEvaluation {
    /// The version of the policy the model was fitted over (its kept
    /// weights and, with a gate budget, the matrix its bands were chosen
    /// against). Required when the file is read as a policy; absent in
    /// files written before it was recorded, which are refused.
    #[serde(default)]
    pub base_policy: Option<String>,
    /// The digest of that policy ([`blastgate_core::Policy::digest`]):
    /// two policies may share a version, not a digest. Required with
    /// `base_policy`.
    #[serde(default)]
    pub base_policy_digest: Option<String>,
    /// The column the history's rows were timed by; absent when they were
    /// taken in file order.
    #[serde(default)]
    pub time_column: Option<String>,
    /// `[first, last]`: the times of the earliest and latest rows the model
    /// was refitted on (all rows), in the units of `time_column`. `backtest`
    /// counts replayed changes timed within it as in-sample. Absent in file
    /// order, and in files written before it was recorded.
    #[serde(default)]
    pub fitted_period: Option<[f64; 2]>,
    /// The history's file name.
    pub history: String,
    /// Rows of the history.
    pub rows: u64,
    /// Rows with the outcome 1.
    pub positives: u64,
    /// Rows fitted on (the earliest).
    pub train_rows: u64,
    /// Rows measured on (the latest).
    pub test_rows: u64,
    /// ROC AUC of the shape model on the latest rows.
    pub auc: f64,
    /// Brier score of the shape model on the latest rows.
    pub brier: f64,
    /// `[share of changes gated, share of positives caught]` pairs.
    pub capture: Vec<[f64; 2]>,
    /// ROC AUC of `[likelihood]` as the engine computes it.
    pub policy_auc: f64,
    /// Brier score of `[likelihood]` as the engine computes it.
    pub policy_brier: f64,
    /// Capture pairs of `[likelihood]` as the engine computes it.
    pub policy_capture: Vec<[f64; 2]>,
}

/// The JSON Schema of a model file (as it would look in JSON; the file is
/// TOML with the same structure).
pub fn model_json_schema() -> String {
    let schema = schemars::schema_for!(ModelSections);
    serde_json::to_string_pretty(&schema).unwrap_or_default()
}

/// Whether `bytes` look like a model file written by `calibrate` (its
/// `format` key names a model format, this version's or another) rather
/// than a policy.
pub fn is_model_file(bytes: &[u8]) -> bool {
    model_format(bytes).is_some()
}

/// The `format` of a model file, when `bytes` are TOML whose `format` names
/// a model format (`blastgate.dev/calibration/...`, of any version).
fn model_format(bytes: &[u8]) -> Option<String> {
    let text = std::str::from_utf8(bytes).ok()?;
    let table = toml::from_str::<toml::Table>(text).ok()?;
    let format = table.get("format")?.as_str()?;
    format.starts_with(MODEL_FORMAT_FAMILY).then(|| format.to_owned())
}

/// What every model format's name starts with; the version follows.
const MODEL_FORMAT_FAMILY: &str = "blastgate.dev/calibration/";

/// A policy, from either a policy file or a model file written by
/// `calibrate`: a model file's `[likelihood]` (and `[bands]`, when it has
/// them) replace those sections of `base`, and the result is validated.
///
/// # Errors
/// [`ChangeError`] as for a policy: malformed TOML, unknown keys at any
/// level of the model file (`[evaluation]` included), values that break
/// the policy's invariants; a limit error for values nested deeper than
/// `max_nesting_depth`.
pub fn parse_policy_or_model(file: &str, bytes: &[u8], base: &Policy) -> Result<Policy, ChangeError> {
    parse_policy_or_model_period(file, bytes, base).map(|(policy, _)| policy)
}

/// As [`parse_policy_or_model`], with the period a model file says its
/// model was fitted on (`None` for a policy file, a model fitted on rows in
/// file order, or one written before the period was recorded).
///
/// # Errors
/// As [`parse_policy_or_model`]; also [`ChangeError::InvalidValue`] for a
/// `fitted_period` that is not two finite times, earliest first.
pub fn parse_policy_or_model_period(
    file: &str,
    bytes: &[u8],
    base: &Policy,
) -> Result<(Policy, Option<FittedPeriod>), ChangeError> {
    let max = blastgate_core::policy::MAX_POLICY_BYTES;
    if bytes.len() as u64 > max {
        return Err(ChangeError::limit(file, "max_policy_bytes", max, bytes.len() as u64));
    }
    if !is_model_file(bytes) {
        return Ok((crate::policy::parse(file, bytes)?, None));
    }
    let text = crate::doc::utf8(file, bytes)?;
    crate::doc::check_toml_depth(file, bytes)?;
    // Another version's model file is said to be one before its keys are
    // read (a red-team probe: `v9` was taken for a policy, and refused for
    // a key policies lack, `evaluation`, as if that were the mistake).
    if let Some(format) = model_format(bytes).filter(|f| f != MODEL_FORMAT) {
        return Err(ChangeError::UnsupportedVersion(
            blastgate_graph::ErrorDetail::new(file, "format", format, "unsupported model file format").with_help_text(
                format!(
                    "this version of blastgate reads `{MODEL_FORMAT}`: calibrate again with it, or use the \
                     blastgate that wrote the model"
                ),
            ),
        ));
    }
    let sections: ModelSections = toml::from_str(text).map_err(|e| {
        let place = e.span().map(|s| line_col(text, s.start)).unwrap_or_default();
        crate::doc::toml_depth_error(file, e.message())
            .map_or_else(|| ChangeError::schema(file, place, "", e.message().to_owned()), ChangeError::from)
    })?;
    if sections.format != MODEL_FORMAT {
        return Err(ChangeError::invalid(file, "format", sections.format, "not a model file"));
    }
    if let Err(message) = blastgate_calibrate::check_model_version(&sections.likelihood, sections.bands.as_ref()) {
        return Err(ChangeError::invalid(file, "likelihood.version", sections.likelihood.version.as_str(), message)
            .with_help("calibrate again, or give the edited model a version of its own (`[likelihood] version`)"));
    }
    // Fitted over another policy: its kept weights and bands belong with
    // that policy's rules and matrix, not the default's (which would drop
    // that policy's own rules without a word). A model file must say which
    // (an audit: with the line deleted, a model fitted over another policy
    // was applied over the default, and the senior load it promised became
    // none).
    let Some(fitted_over) = sections.evaluation.as_ref().and_then(|e| e.base_policy.as_deref()) else {
        return Err(ChangeError::invalid(
            file,
            "evaluation.base_policy",
            "",
            "a model file names the policy it was fitted over (`[evaluation] base_policy`), and this one does not",
        )
        .with_help("calibrate again (the file was written before the policy was recorded, or edited)"));
    };
    if fitted_over != base.version {
        return Err(ChangeError::invalid(
            file,
            "evaluation.base_policy",
            fitted_over,
            format!(
                "the model was fitted over policy `{fitted_over}`, not the default `{}`; copy its [likelihood] \
                 (and [bands]) into that policy file and pass the policy instead",
                base.version
            ),
        ));
    }
    // A copy of the default that kept its version but changed its rules
    // or matrix fitted over is not the default (a policy audit: such a
    // model was applied over the default, dropping the copy's stricter
    // rule without a word).
    let digest = base.digest();
    match sections.evaluation.as_ref().and_then(|e| e.base_policy_digest.as_deref()) {
        Some(d) if d == digest => {}
        Some(d) => {
            return Err(ChangeError::invalid(
                file,
                "evaluation.base_policy_digest",
                d,
                format!(
                    "the model was fitted over a policy named `{fitted_over}` whose settings differ from the \
                     default's (digest {digest}); copy its [likelihood] (and [bands]) into the policy it was \
                     fitted over and pass that policy instead"
                ),
            ));
        }
        None => {
            return Err(ChangeError::invalid(
                file,
                "evaluation.base_policy_digest",
                "",
                "a model file names the digest of the policy it was fitted over (`[evaluation] \
                 base_policy_digest`), and this one does not",
            )
            .with_help("calibrate again (the file was written before the digest was recorded, or edited)"));
        }
    }
    let period = match sections.evaluation.as_ref().map(|e| (e.time_column.as_ref(), e.fitted_period)) {
        Some((Some(column), Some([first, last]))) => {
            if !(first.is_finite() && last.is_finite() && first <= last) {
                return Err(ChangeError::invalid(
                    file,
                    "evaluation.fitted_period",
                    format!("[{first}, {last}]"),
                    "the period fitted on must be two finite times, the earliest first",
                )
                .with_help("calibrate again (the file was edited)"));
            }
            Some(FittedPeriod { time_column: Some(column.clone()), first, last })
        }
        _ => None,
    };
    let mut policy = base.clone();
    policy.likelihood = sections.likelihood;
    if let Some(bands) = sections.bands {
        policy.bands = bands;
    }
    let policy = policy.without_negative_zeros();
    crate::policy::check_limits(file, &policy)?;
    policy.validate().map_err(|p| ChangeError::invalid(file, p.place, "", p.message))?;
    Ok((policy, period))
}

fn line_col(text: &str, offset: usize) -> String {
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    format!("line {line}, column {column}")
}
