//! Errors of reading and validating a changeset.

use blastgate_graph::{ErrorDetail, GraphError, LimitExceeded};

/// An error met while reading or resolving a changeset, or reading any
/// other input document but a graph (context, policy, plan, CODEOWNERS,
/// service map, git output). Same shape as the graph's errors: every
/// variant says where (file and place), what (the offending value) and how
/// to fix it.
///
/// A graph error converted into this one (`From<GraphError>`, as `?`
/// does) keeps its kind: each [`GraphError`] variant has a variant here
/// of the same name, and [`ChangeError::kind_name`] gives the graph
/// error's own kind (`corrupt` for a damaged snapshot stays `corrupt`).
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
    /// A policy given to the engine fails its checks (`Policy::validate`):
    /// a policy built in code, since a parsed one is checked as it is read
    /// (its errors are [`ChangeError::Schema`] or
    /// [`ChangeError::InvalidValue`] naming the file).
    #[error("{0}")]
    InvalidPolicy(ErrorDetail),
    /// A graph error: one source declares the same node twice with
    /// different attributes ([`GraphError::Conflict`]).
    #[error("{0}")]
    Conflict(ErrorDetail),
    /// A graph error: a dependency names a node no source declares, in
    /// strict mode ([`GraphError::Dangling`]).
    #[error("{0}")]
    Dangling(ErrorDetail),
    /// A graph error: the format could not be recognised
    /// ([`GraphError::UnknownFormat`]).
    #[error("{0}")]
    UnknownFormat(ErrorDetail),
    /// A graph error: a binary snapshot is damaged ([`GraphError::Corrupt`]).
    #[error("{0}")]
    Corrupt(ErrorDetail),
    /// A graph error: inputs that cannot be used together
    /// ([`GraphError::Usage`]).
    #[error("{0}")]
    Usage(ErrorDetail),
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
            Self::InvalidPolicy(_) => "invalid_policy",
            Self::Conflict(_) => "conflict",
            Self::Dangling(_) => "dangling",
            Self::UnknownFormat(_) => "unknown_format",
            Self::Corrupt(_) => "corrupt",
            Self::Usage(_) => "usage",
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
            Self::InvalidPolicy(d) => Self::InvalidPolicy(d.with_help_text(help)),
            Self::Conflict(d) => Self::Conflict(d.with_help_text(help)),
            Self::Dangling(d) => Self::Dangling(d.with_help_text(help)),
            Self::UnknownFormat(d) => Self::UnknownFormat(d.with_help_text(help)),
            Self::Corrupt(d) => Self::Corrupt(d.with_help_text(help)),
            Self::Usage(d) => Self::Usage(d.with_help_text(help)),
            Self::LimitExceeded(l) => Self::LimitExceeded(l),
        }
    }

    /// The file (or other source name) the error is about.
    pub fn file(&self) -> &str {
        match (self, self.detail()) {
            (Self::LimitExceeded(l), _) => l.file(),
            (_, detail) => detail.map_or("", ErrorDetail::file),
        }
    }

    /// The error's file, place and value, for every kind but a limit
    /// (whose parts are [`ChangeError::LimitExceeded`]'s own): what a
    /// caller shows beside the message, or puts in a diagnostic's fields.
    pub fn detail(&self) -> Option<&ErrorDetail> {
        match self {
            Self::LimitExceeded(_) => None,
            Self::Syntax(d)
            | Self::Schema(d)
            | Self::InvalidValue(d)
            | Self::UnsupportedVersion(d)
            | Self::UnknownService(d)
            | Self::Git(d)
            | Self::Io(d)
            | Self::InvalidPolicy(d)
            | Self::Conflict(d)
            | Self::Dangling(d)
            | Self::UnknownFormat(d)
            | Self::Corrupt(d)
            | Self::Usage(d) => Some(d),
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

/// Graph errors map one to one, each to the variant of the same name, so
/// that the kind ([`ChangeError::kind_name`]) and the CLI's exit code
/// survive `?`: a truncated snapshot is `corrupt`, not `schema`.
impl From<GraphError> for ChangeError {
    fn from(e: GraphError) -> Self {
        match e {
            GraphError::Syntax(d) => Self::Syntax(d),
            GraphError::Schema(d) => Self::Schema(d),
            GraphError::InvalidValue(d) => Self::InvalidValue(d),
            GraphError::UnsupportedVersion(d) => Self::UnsupportedVersion(d),
            GraphError::Conflict(d) => Self::Conflict(d),
            GraphError::Dangling(d) => Self::Dangling(d),
            GraphError::UnknownFormat(d) => Self::UnknownFormat(d),
            GraphError::LimitExceeded(l) => Self::LimitExceeded(l),
            GraphError::Io(d) => Self::Io(d),
            GraphError::Corrupt(d) => Self::Corrupt(d),
            GraphError::Usage(d) => Self::Usage(d),
            // INVARIANT: every variant of `GraphError` is listed above (a
            // test converts each); a new one lands here until it has its
            // own, as a schema error that still says what it was.
            other => Self::Schema(ErrorDetail::new(other.file(), "", "", other.to_string())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{ChangeError, ErrorDetail, GraphError};

    /// Every graph error keeps its kind through the conversion (a truncated
    /// snapshot's `corrupt` became `schema` after `?`).
    #[test]
    fn regression_graph_errors_keep_their_kind() {
        let d = || ErrorDetail::new("g.bgs", "header", "x", "cut short");
        let all = [
            GraphError::Syntax(d()),
            GraphError::Schema(d()),
            GraphError::InvalidValue(d()),
            GraphError::UnsupportedVersion(d()),
            GraphError::Conflict(d()),
            GraphError::Dangling(d()),
            GraphError::UnknownFormat(d()),
            GraphError::limit("g.bgs", "max_nodes", 1, 2),
            GraphError::Io(d()),
            GraphError::Corrupt(d()),
            GraphError::Usage(d()),
        ];
        for g in all {
            let (kind, text, file, limit) = (g.kind_name(), g.to_string(), g.file().to_owned(), g.is_limit());
            let c = ChangeError::from(g);
            assert_eq!(c.kind_name(), kind, "{c}");
            assert_eq!(c.to_string(), text);
            assert_eq!(c.file(), file);
            assert_eq!(c.is_limit(), limit);
        }
    }
}
