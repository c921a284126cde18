//! Exit codes, shared by every command (docs/cli.md has the table).

use blastgate::{ChangeError, GraphError};

/// Success.
pub const SUCCESS: u8 = 0;
/// Invalid input or usage; nothing was done.
pub const USAGE: u8 = 2;
/// Internal error or a limit exceeded; nothing was decided.
pub const INTERNAL: u8 = 3;

/// A failure with the exit code it maps to.
#[derive(Debug)]
pub enum Failure {
    /// Bad graph input: exit 2, or 3 for a limit.
    Graph(GraphError),
    /// Bad changeset input: exit 2, or 3 for a limit.
    Change(ChangeError),
    /// Bad usage or an unknown service: exit 2.
    Usage(String),
    /// Writing output failed or another internal error: exit 3.
    Internal(String),
    /// An answer past a documented limit: exit 3.
    Limit(String),
    /// Standard output's reader went away (`blastgate radius ... | head`):
    /// `main` exits quietly with 0, as ripgrep does, except for `assess`,
    /// whose answer was not delivered (exit 3).
    BrokenPipe,
}

impl Failure {
    /// The exit code.
    pub fn code(&self) -> u8 {
        match self {
            Self::Graph(e) if e.is_limit() => INTERNAL,
            Self::Change(e) if e.is_limit() => INTERNAL,
            Self::Change(_) => USAGE,
            Self::Graph(_) | Self::Usage(_) => USAGE,
            Self::Internal(_) | Self::Limit(_) | Self::BrokenPipe => INTERNAL,
        }
    }
}

impl Failure {
    /// A file that cannot be read, named relative to the current directory,
    /// that exists relative to `--repo`: says so (a newcomer audit: the
    /// README's `--repo .` commands run from another folder read
    /// `ops/graph.yaml` from there, with "No such file or directory" and
    /// nothing more).
    pub fn with_repo_hint(self, repo: Option<&std::path::Path>) -> Self {
        let Some(repo) = repo else { return self };
        let file = match &self {
            Self::Graph(e) if e.kind_name() == "io" => e.file(),
            Self::Change(e) if e.kind_name() == "io" => e.file(),
            _ => return self,
        };
        let path = std::path::Path::new(file);
        let there = repo.join(path);
        if file.is_empty() || path.is_absolute() || path.exists() || !there.exists() {
            return self;
        }
        let help =
            format!("files are named from the current directory, not from --repo: did you mean `{}`?", there.display());
        match self {
            Self::Graph(e) => Self::Graph(e.with_help(help)),
            Self::Change(e) => Self::Change(e.with_help(help)),
            other => other,
        }
    }
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Graph(e) => write!(f, "{e}"),
            Self::Change(e) => write!(f, "{e}"),
            Self::Usage(m) | Self::Internal(m) | Self::Limit(m) => f.write_str(m),
            Self::BrokenPipe => f.write_str(
                "standard output was closed before the answer was written (broken pipe); nothing was delivered",
            ),
        }
    }
}

impl From<GraphError> for Failure {
    fn from(e: GraphError) -> Self {
        Self::Graph(e)
    }
}

impl From<std::io::Error> for Failure {
    fn from(e: std::io::Error) -> Self {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            return Self::BrokenPipe;
        }
        Self::Internal(format!("cannot write output: {e}"))
    }
}

impl From<ChangeError> for Failure {
    fn from(e: ChangeError) -> Self {
        Self::Change(e)
    }
}
