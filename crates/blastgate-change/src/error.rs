//! Errors of reading and validating a changeset.

use blastgate_graph::{ErrorDetail, GraphError, LimitExceeded};

/// An error met while reading or resolving a changeset. Same shape as the
/// graph's errors: every variant says where (file and place), what (the
/// offending value) and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ChangeError {
    /// Not well-formed: bad JSON or YAML, invalid UTF-8, malformed git or
    /// plan output.
    #[error("{0}")]
    Syntax(ErrorDetail),
    /// Well-formed but the wrong shape: an unknown or missing field, a
    /// value of the wrong type.
    #[error("{0}")]
    Schema(ErrorDetail),
    /// A value out of range: an unknown seniority, a negative count, a
    /// NaN.
    #[error("{0}")]
    InvalidValue(ErrorDetail),
    /// An `apiVersion` or plan `format_version` this build does not read.
    #[error("{0}")]
    UnsupportedVersion(ErrorDetail),
    /// The changeset names a service the graph does not have (allowed
    /// with a warning when the caller says so).
    #[error("{0}")]
    UnknownService(ErrorDetail),
    /// Running or reading git failed: not a repository, unknown revision,
    /// git not installed.
    #[error("{0}")]
    Git(ErrorDetail),
    /// An input is larger than a documented limit.
    #[error("{0}")]
    LimitExceeded(LimitExceeded),
    /// A file could not be read.
    #[error("{0}")]
    Io(ErrorDetail),
}

impl ChangeError {
    /// A short, stable name of the error kind, for tests and JSON output.
    pub fn kind_name(&self) -> &'static str {
        match self {
            Self::Syntax(_) => "syntax",
            Self::Schema(_) => "schema",
            Self::InvalidValue(_) => "invalid_value",
            Self::UnsupportedVersion(_) => "unsupported_version",
            Self::UnknownService(_) => "unknown_service",
            Self::Git(_) => "git",
            Self::LimitExceeded(_) => "limit_exceeded",
            Self::Io(_) => "io",
        }
    }

    /// Whether this is a limit being hit (exit code 3) rather than bad input
    /// (exit code 2).
    pub fn is_limit(&self) -> bool {
        matches!(self, Self::LimitExceeded(_))
    }

    /// Builds a [`ChangeError::Schema`].
    pub fn schema(file: &str, place: impl Into<String>, value: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Schema(ErrorDetail::new(file, place, value, message))
    }

    /// Builds a [`ChangeError::InvalidValue`].
    pub fn invalid(file: &str, place: impl Into<String>, value: impl Into<String>, message: impl Into<String>) -> Self {
        Self::InvalidValue(ErrorDetail::new(file, place, value, message))
    }

    /// Builds a [`ChangeError::Syntax`].
    pub fn syntax(file: &str, place: impl Into<String>, value: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Syntax(ErrorDetail::new(file, place, value, message))
    }

    /// Builds a [`ChangeError::Git`].
    pub fn git(place: impl Into<String>, value: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Git(ErrorDetail::new("git", place, value, message))
    }

    /// Adds a hint on how to fix the problem (no effect on limit errors,
    /// whose hint is fixed).
    #[must_use]
    pub fn with_help(self, help: impl Into<String>) -> Self {
        match self {
            Self::Syntax(d) => Self::Syntax(d.with_help_text(help)),
            Self::Schema(d) => Self::Schema(d.with_help_text(help)),
            Self::InvalidValue(d) => Self::InvalidValue(d.with_help_text(help)),
            Self::UnsupportedVersion(d) => Self::UnsupportedVersion(d.with_help_text(help)),
            Self::UnknownService(d) => Self::UnknownService(d.with_help_text(help)),
            Self::Git(d) => Self::Git(d.with_help_text(help)),
            Self::Io(d) => Self::Io(d.with_help_text(help)),
            Self::LimitExceeded(l) => Self::LimitExceeded(l),
        }
    }

    /// The file (or other source name) the error is about.
    pub fn file(&self) -> &str {
        match self {
            Self::LimitExceeded(l) => l.file(),
            Self::Syntax(d)
            | Self::Schema(d)
            | Self::InvalidValue(d)
            | Self::UnsupportedVersion(d)
            | Self::UnknownService(d)
            | Self::Git(d)
            | Self::Io(d) => d.file(),
        }
    }

    /// Builds a [`ChangeError::LimitExceeded`].
    pub fn limit(file: &str, limit: &'static str, max: u64, observed: u64) -> Self {
        match GraphError::limit(file, limit, max, observed) {
            GraphError::LimitExceeded(l) => Self::LimitExceeded(l),
            other => Self::from(other),
        }
    }
}

/// Graph-input errors from the shared JSON/YAML readers map one to one.
impl From<GraphError> for ChangeError {
    fn from(e: GraphError) -> Self {
        match e {
            GraphError::Syntax(d) => Self::Syntax(d),
            GraphError::InvalidValue(d) => Self::InvalidValue(d),
            GraphError::UnsupportedVersion(d) => Self::UnsupportedVersion(d),
            GraphError::LimitExceeded(l) => Self::LimitExceeded(l),
            GraphError::Io(d) => Self::Io(d),
            GraphError::Dangling(d) => Self::UnknownService(d),
            GraphError::Schema(d) | GraphError::Conflict(d) | GraphError::UnknownFormat(d) => Self::Schema(d),
            other => Self::Schema(ErrorDetail::new(other.file(), "", "", other.to_string())),
        }
    }
}
