//! Errors of reading a change history and fitting a model on it.

use blastgate_graph::{ErrorDetail, GraphError, LimitExceeded};

/// An error met while reading a history or calibrating on it. Every
/// variant says where (file, line, column) and what (the offending value).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CalibrateError {
    /// The file is not a table we can read: bad CSV, invalid UTF-8, a
    /// missing or ambiguous column, an unknown metric name.
    #[error("{0}")]
    Input(ErrorDetail),
    /// Rows with missing, non-numeric, negative or non-finite values. The
    /// whole file is refused: a model fitted on the rows that happened to
    /// parse would silently describe another history.
    #[error("{0}")]
    BadRows(BadRows),
    /// Readable but not enough to fit or measure: one outcome only, too few
    /// rows, an empty test part.
    #[error("{0}")]
    Data(ErrorDetail),
    /// An input larger than a documented limit.
    #[error("{0}")]
    LimitExceeded(LimitExceeded),
    /// The solver failed (a bug or a degenerate table).
    #[error("{0}")]
    Fit(String),
}

impl CalibrateError {
    /// A short, stable name of the error kind.
    pub fn kind_name(&self) -> &'static str {
        match self {
            Self::Input(_) => "input",
            Self::BadRows(_) => "bad_rows",
            Self::Data(_) => "data",
            Self::LimitExceeded(_) => "limit_exceeded",
            Self::Fit(_) => "fit",
        }
    }

    /// Whether the input is at fault (exit code 2) rather than a limit or
    /// the solver (exit code 3).
    pub fn is_input(&self) -> bool {
        matches!(self, Self::Input(_) | Self::BadRows(_) | Self::Data(_))
    }

    /// Builds a [`CalibrateError::Input`].
    pub fn input(file: &str, place: impl Into<String>, value: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Input(ErrorDetail::new(file, place, value, message))
    }

    /// Builds a [`CalibrateError::Data`].
    pub fn data(file: &str, message: impl Into<String>) -> Self {
        Self::Data(ErrorDetail::new(file, "", "", message))
    }

    /// Builds a [`CalibrateError::LimitExceeded`].
    pub fn limit(file: &str, limit: &'static str, max: u64, observed: u64) -> Self {
        match GraphError::limit(file, limit, max, observed) {
            GraphError::LimitExceeded(l) => Self::LimitExceeded(l),
            other => Self::Fit(other.to_string()),
        }
    }
}

/// One bad cell of a history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadCell {
    line: u64,
    row: u64,
    column: String,
    value: String,
    problem: &'static str,
}

impl BadCell {
    /// A bad cell: `line` in the file (the header is line 1), `row` the
    /// data row (the first row after the header is row 1).
    pub fn new(line: u64, row: u64, column: &str, value: &str, problem: &'static str) -> Self {
        Self { line, row, column: column.to_owned(), value: value.to_owned(), problem }
    }

    /// The line in the file (the header is line 1).
    pub fn line(&self) -> u64 {
        self.line
    }

    /// The data row (1 for the first row after the header).
    pub fn row(&self) -> u64 {
        self.row
    }

    /// The column's name in the file.
    pub fn column(&self) -> &str {
        &self.column
    }

    /// The offending value as written.
    pub fn value(&self) -> &str {
        &self.value
    }

    /// What is wrong with it (`missing value`, `not a number`, ...).
    pub fn problem(&self) -> &'static str {
        self.problem
    }
}

impl std::fmt::Display for BadCell {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The column's name and the value are the file's: shown escaped, so
        // that a quoted field holding a line break stays on its line.
        let column = blastgate_graph::shown(&self.column);
        write!(f, "row {} (line {}), column `{column}`: {}", self.row, self.line, self.problem)?;
        if !self.value.is_empty() {
            write!(f, ": `{}`", blastgate_graph::shown(&blastgate_graph::shorten(&self.value)))?;
        }
        Ok(())
    }
}

/// The bad cells of a history: how many, and the first few.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadRows {
    file: String,
    rows: u64,
    cells: u64,
    first: Vec<BadCell>,
}

/// How many bad cells an error lists.
pub const LISTED_BAD_CELLS: usize = 10;

impl BadRows {
    /// Bad rows of `file`: `rows` rows with `cells` bad cells in all, the
    /// first of which are `first`.
    pub fn new(file: &str, rows: u64, cells: u64, first: Vec<BadCell>) -> Self {
        Self { file: file.to_owned(), rows, cells, first }
    }

    /// The file.
    pub fn file(&self) -> &str {
        &self.file
    }

    /// How many rows have a bad cell.
    pub fn rows(&self) -> u64 {
        self.rows
    }

    /// How many bad cells in all.
    pub fn cells(&self) -> u64 {
        self.cells
    }

    /// The first bad cells, in file order.
    pub fn first(&self) -> &[BadCell] {
        &self.first
    }
}

impl std::fmt::Display for BadRows {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}: {} row(s) with bad values ({} cell(s)); nothing was fitted: fix or drop them and run again",
            blastgate_graph::shown(&self.file),
            self.rows,
            self.cells
        )?;
        for cell in &self.first {
            write!(f, "\n  {cell}")?;
        }
        if self.cells > self.first.len() as u64 {
            write!(f, "\n  ... and {} more", self.cells - self.first.len() as u64)?;
        }
        Ok(())
    }
}
