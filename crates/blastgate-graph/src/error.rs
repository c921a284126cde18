//! Errors of loading, merging and validating a graph.
//!
//! Every error says where (file and place), what (the offending value) and,
//! where we can tell, how to fix it. Messages are lowercase with no trailing
//! period and quote user input in backticks, following Cedar's style guide.

use std::fmt;

/// An error met while reading or validating a graph.
///
/// Loading is the only fallible step: once a [`crate::ServiceGraph`] exists it
/// is valid and every query on it succeeds.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum GraphError {
    /// The bytes are not well-formed in their format (bad JSON, bad YAML,
    /// invalid UTF-8, a malformed line).
    #[error("{0}")]
    Syntax(ErrorDetail),
    /// The document is well-formed but does not follow the schema: an unknown
    /// or missing field, a value of the wrong type.
    #[error("{0}")]
    Schema(ErrorDetail),
    /// A value is out of its range: a probability outside `[0, 1]`, a NaN or
    /// infinite number, an unknown tier name, an empty id.
    #[error("{0}")]
    InvalidValue(ErrorDetail),
    /// The document declares an `apiVersion` or format version we do not read.
    #[error("{0}")]
    UnsupportedVersion(ErrorDetail),
    /// One source declares the same node twice with different attributes.
    #[error("{0}")]
    Conflict(ErrorDetail),
    /// A dependency names a node that no source declares, and strict mode is on.
    #[error("{0}")]
    Dangling(ErrorDetail),
    /// The format could not be recognised from the file name or contents.
    #[error("{0}")]
    UnknownFormat(ErrorDetail),
    /// An input is larger than a documented limit.
    #[error("{0}")]
    LimitExceeded(LimitExceeded),
    /// The file could not be read.
    #[error("{0}")]
    Io(ErrorDetail),
    /// A binary snapshot is damaged: cut short, a checksum that does not
    /// match, or contents that break the graph's invariants.
    #[error("{0}")]
    Corrupt(ErrorDetail),
    /// The inputs cannot be used together: a snapshot, which is a whole
    /// merged graph, given with other graph files.
    #[error("{0}")]
    Usage(ErrorDetail),
}

impl GraphError {
    /// The file (or other source name) the error is about.
    pub fn file(&self) -> &str {
        match self {
            Self::LimitExceeded(l) => l.file(),
            Self::Syntax(d)
            | Self::Schema(d)
            | Self::InvalidValue(d)
            | Self::UnsupportedVersion(d)
            | Self::Conflict(d)
            | Self::Dangling(d)
            | Self::UnknownFormat(d)
            | Self::Io(d)
            | Self::Corrupt(d)
            | Self::Usage(d) => d.file(),
        }
    }

    /// A short, stable name of the error kind, for tests and JSON output.
    pub fn kind_name(&self) -> &'static str {
        match self {
            Self::Syntax(_) => "syntax",
            Self::Schema(_) => "schema",
            Self::InvalidValue(_) => "invalid_value",
            Self::UnsupportedVersion(_) => "unsupported_version",
            Self::Conflict(_) => "conflict",
            Self::Dangling(_) => "dangling",
            Self::UnknownFormat(_) => "unknown_format",
            Self::LimitExceeded(_) => "limit_exceeded",
            Self::Io(_) => "io",
            Self::Corrupt(_) => "corrupt",
            Self::Usage(_) => "usage",
        }
    }

    /// Whether this error is a limit being hit (exit code 3 in the CLI)
    /// rather than bad input (exit code 2).
    pub fn is_limit(&self) -> bool {
        matches!(self, Self::LimitExceeded(_))
    }

    /// Builds a [`GraphError::Syntax`].
    pub fn syntax(file: &str, place: impl Into<String>, value: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Syntax(ErrorDetail::new(file, place, value, message))
    }

    /// Builds a [`GraphError::Schema`].
    pub fn schema(file: &str, place: impl Into<String>, value: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Schema(ErrorDetail::new(file, place, value, message))
    }

    /// Builds a [`GraphError::InvalidValue`].
    pub fn invalid(file: &str, place: impl Into<String>, value: impl Into<String>, message: impl Into<String>) -> Self {
        Self::InvalidValue(ErrorDetail::new(file, place, value, message))
    }

    /// Builds a [`GraphError::LimitExceeded`].
    pub fn limit(file: &str, limit: &'static str, max: u64, observed: u64) -> Self {
        Self::LimitExceeded(LimitExceeded { file: file.to_owned(), limit, max, observed })
    }

    /// Adds a hint on how to fix the problem (no effect on limit errors,
    /// whose hint is fixed).
    #[must_use]
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        match &mut self {
            Self::LimitExceeded(_) => {}
            Self::Syntax(d)
            | Self::Schema(d)
            | Self::InvalidValue(d)
            | Self::UnsupportedVersion(d)
            | Self::Conflict(d)
            | Self::Dangling(d)
            | Self::UnknownFormat(d)
            | Self::Io(d)
            | Self::Corrupt(d)
            | Self::Usage(d) => d.0.help = Some(help.into()),
        }
        self
    }
}

/// Where an error is, what value caused it, and how to fix it.
///
/// Boxed inside so that `Result<_, GraphError>` stays small on the happy
/// path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorDetail(Box<DetailInner>);

#[derive(Debug, Clone, PartialEq, Eq)]
struct DetailInner {
    file: String,
    place: String,
    value: String,
    message: String,
    help: Option<String>,
}

impl ErrorDetail {
    /// Creates a detail. `place` is a line and column (`line 3, column 7`), a
    /// JSON path (`$.services[2].tier`) or an entity reference; `value` is
    /// the offending input, quoted in the message.
    pub fn new(file: &str, place: impl Into<String>, value: impl Into<String>, message: impl Into<String>) -> Self {
        Self(Box::new(DetailInner {
            file: file.to_owned(),
            place: place.into(),
            value: value.into(),
            message: message.into(),
            help: None,
        }))
    }

    /// The same detail with a hint on how to fix the problem.
    #[must_use]
    pub fn with_help_text(mut self, help: impl Into<String>) -> Self {
        self.0.help = Some(help.into());
        self
    }

    /// The file or source name.
    pub fn file(&self) -> &str {
        &self.0.file
    }

    /// The place inside the file: line and column, JSON path or entity ref.
    pub fn place(&self) -> &str {
        &self.0.place
    }

    /// The offending value as written (possibly shortened).
    pub fn value(&self) -> &str {
        &self.0.value
    }

    /// What is wrong.
    pub fn message(&self) -> &str {
        &self.0.message
    }

    /// How to fix it, when known.
    pub fn help(&self) -> Option<&str> {
        self.0.help.as_deref()
    }
}

impl fmt::Display for ErrorDetail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Every part may quote an input: shown escaped, so that a message
        // stays one line and obeys no escape sequence (see `shown`).
        let d = &self.0;
        write!(f, "{}", shown(&d.file))?;
        if !d.place.is_empty() {
            write!(f, ": {}", shown(&d.place))?;
        }
        write!(f, ": {}", shown(&d.message))?;
        // Once: a message whose first quote is the value (serde's "unknown
        // field `teir`, expected ...") is not followed by it again. One
        // that quotes other things first (`la` and `ld`) still names it.
        if !d.value.is_empty() && first_quoted(&d.message) != Some(d.value.as_str()) {
            write!(f, ": `{}`", shown(&shorten(&d.value)))?;
        }
        if let Some(help) = &d.help {
            write!(f, "; help: {}", shown(help))?;
        }
        Ok(())
    }
}

/// The first text quoted in `message`, between backticks or double quotes.
fn first_quoted(message: &str) -> Option<&str> {
    let start = message.find(['`', '"'])?;
    let q = message.get(start..start + 1)?;
    let rest = message.get(start + 1..)?;
    rest.split_once(q).map(|(inner, _)| inner)
}

/// An input exceeded one of the documented limits in [`crate::limits`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LimitExceeded {
    file: String,
    limit: &'static str,
    max: u64,
    observed: u64,
}

impl LimitExceeded {
    /// The file or source name.
    pub fn file(&self) -> &str {
        &self.file
    }

    /// The name of the limit, as in [`crate::limits`] (`max_nodes`, ...).
    pub fn limit(&self) -> &'static str {
        self.limit
    }

    /// The largest value allowed.
    pub fn max(&self) -> u64 {
        self.max
    }

    /// The value observed (at least `max + 1`; counting may stop early).
    pub fn observed(&self) -> u64 {
        self.observed
    }
}

impl fmt::Display for LimitExceeded {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: limit `{}` exceeded: {} > {}; help: {}; the limit is a fixed constant, listed in docs/reliability.md \
             (\"Limits\")",
            shown(&self.file),
            self.limit,
            self.observed,
            self.max,
            remedy(self.limit)
        )
    }
}

/// What a user can do about an input past `limit`. Limits are documented
/// constants, not settings (the help once said to "raise the limit in
/// code", which a user cannot do), so the help names a smaller input.
fn remedy(limit: &str) -> &'static str {
    match limit {
        "max_nesting_depth" => "nest the document less deeply",
        "max_id_bytes" | "max_string_bytes" => "shorten the value",
        "max_labels" => "give the node fewer labels",
        "max_change_labels" => "give the change fewer labels",
        "max_contributors" => "assess a shorter git range, or name fewer contributors",
        "max_declared_types" => "declare fewer resource types a file",
        "max_control_paths" | "max_policy_rules" | "max_seniority_levels" | "max_shape_points" => {
            "shorten the policy's lists"
        }
        "max_history_bytes" | "max_history_rows" => "calibrate on a shorter history (its latest rows)",
        "max_paths_through_links" | "max_reverts_followed" | "max_revert_chain" => {
            "assess a shorter git range, or describe the change in a changeset file (`--change`)"
        }
        "max_snapshot_bytes" => "freeze a smaller graph",
        "max_tree_files" | "max_links" => {
            "the repository's tree is larger than the git reader lists; describe the change in a changeset file \
             (`--change`) instead"
        }
        "max_nodes" | "max_edges" => "load a smaller graph",
        "max_commits" => "assess a shorter git range",
        "max_files" | "max_services" | "max_resources" => "split the change into smaller ones",
        "max_rules" => "write fewer rules",
        // A context's lists: `--context` reads one file, so splitting it
        // is no remedy (a diagnostics audit).
        "max_list_entries" => {
            "list fewer entries in the context: only what is open, in force or in flight near the deploy counts"
        }
        "max_request_bytes" => "give large inputs by `path` instead of inline or as `content`",
        "max_wildcards" | "max_pattern_wildcards" => "write the patterns with fewer wildcards",
        "max_match_state_bytes" => {
            "matching one changed path against these patterns needs more automaton states than any real CODEOWNERS \
             file or service map does (runs of `?` after a `*` on a long path): check who changed the file, and \
             write the patterns with fewer wildcards"
        }
        l if l.starts_with("max_yaml_") => "split the document, or repeat fewer parts through YAML aliases",
        // Graphs and plans come in several files, the other inputs in one
        // (a docs audit: a 17 MiB context was told to split itself, which
        // `--context` cannot take).
        "max_input_bytes" => {
            "split a graph or a Terraform plan into several files (they merge); a changeset, context or CODEOWNERS \
             file this large holds more than one deploy needs: give less"
        }
        "max_policy_bytes" => {
            "a policy or model file is a few kilobytes: check that this is the file meant, and shorten it"
        }
        _ => "split the input into smaller files",
    }
}

/// Whether a stated name (an AI tool or model, a node's owner or system)
/// is a placeholder for none (`none`, `n/a`, `na`, `-`, `--`, `null`,
/// `nil`, `no`, blank; any case): what a changeset generator, a commit
/// template or a catalog export writes where there is none (red teams:
/// `tool: none` beside `ai: none`, and a commit's `Assisted-by: none`,
/// counted as a named tool; `owner: N/A` was asked as a team). `unknown`
/// names an AI nobody identified, and is no placeholder.
pub fn is_placeholder(value: &str) -> bool {
    const NONE: &[&str] = &["", "none", "n/a", "na", "-", "--", "null", "nil", "no"];
    NONE.iter().any(|n| value.trim().eq_ignore_ascii_case(n))
}

/// Shortens a value for an error message so a hostile 1 GB string does not
/// become a 1 GB message.
pub fn shorten(value: &str) -> String {
    const MAX: usize = 80;
    if value.len() <= MAX {
        return value.to_owned();
    }
    let mut end = MAX;
    while !value.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}...", value.get(..end).unwrap_or_default())
}

/// Whether a character changes how text reads or where it breaks without
/// being seen: the control characters (C0, DEL, C1: escape sequences, line
/// breaks), the bidirectional formatting characters (U+061C, U+200E,
/// U+200F, U+202A to U+202E, U+2066 to U+2069: `auto \u{202e}kcolb` shows
/// as `auto block` reversed), the line and paragraph separators U+2028 and
/// U+2029, the zero-width characters U+200B to U+200D and U+2060, the
/// byte-order mark U+FEFF, and every other character Unicode marks
/// `Default_Ignorable_Code_Point` (shown as nothing: the soft hyphen
/// U+00AD, the invisible operators U+2061 to U+2064, the Hangul fillers
/// U+115F, U+1160, U+3164 and U+FFA0, the variation selectors, the tag
/// characters U+E0000 to U+E0FFF...; a rendering audit: `team-payments`
/// followed by U+2062 showed as `team-payments`), and the interlinear
/// annotation characters U+FFF9 to U+FFFB, which hide the text between
/// them in the renderers that honour them (a red team: one in a policy's
/// version passed).
pub fn is_hidden(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{ad}'
                | '\u{34f}'
                | '\u{61c}'
                | '\u{115f}'..='\u{1160}'
                | '\u{17b4}'..='\u{17b5}'
                | '\u{180b}'..='\u{180f}'
                | '\u{200b}'..='\u{200f}'
                | '\u{2028}'..='\u{202e}'
                | '\u{2060}'..='\u{206f}'
                | '\u{3164}'
                | '\u{fe00}'..='\u{fe0f}'
                | '\u{feff}'
                | '\u{ffa0}'
                | '\u{fff0}'..='\u{fffb}'
                | '\u{1bca0}'..='\u{1bca3}'
                | '\u{1d173}'..='\u{1d17a}'
                | '\u{e0000}'..='\u{e0fff}'
        )
}

/// Text from an input made safe to show on one line of a terminal, a CI
/// log or a message: every [`is_hidden`] character, line breaks and tabs
/// included, written as a Rust escape (`\u{a}`, `\u{202e}`), everything
/// else as is. A service id holding `\n::error ...` cannot start a line of
/// its own (which a CI runner would read as a workflow command), nor an
/// escape sequence move a terminal's cursor. The runners' older command
/// forms, which they read anywhere in a line (GitHub's `##[error]`,
/// Azure Pipelines' `##vso[task.logissue]`), have their `[` written as
/// `\u{5b}` (a red-team finding: a file path holding `##[error]` forged an
/// annotation mid-line). Borrowed when nothing needs escaping.
pub fn shown(text: &str) -> std::borrow::Cow<'_, str> {
    let command = |t: &str| t.contains("##[") || t.contains("##vso[");
    if !text.chars().any(is_hidden) && !command(text) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_hidden(c) {
            out.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    // (Taking a `[` out makes no new `##[`.)
    if command(&out) {
        out = out.replace("##[", "##\\u{5b}").replace("##vso[", "##vso\\u{5b}");
    }
    std::borrow::Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    /// Every limit the readers raise has help of its own: the generic
    /// "split the input into smaller files" told a context, a policy and
    /// a snapshot to do what their flags cannot take (a docs audit).
    #[test]
    fn every_limit_has_help_of_its_own() {
        let limits = [
            "max_change_labels",
            "max_commits",
            "max_contributors",
            "max_control_paths",
            "max_declared_types",
            "max_history_bytes",
            "max_history_rows",
            "max_paths_through_links",
            "max_policy_rules",
            "max_revert_chain",
            "max_reverts_followed",
            "max_seniority_levels",
            "max_shape_points",
            "max_edges",
            "max_files",
            "max_id_bytes",
            "max_input_bytes",
            "max_labels",
            "max_links",
            "max_list_entries",
            "max_match_state_bytes",
            "max_nesting_depth",
            "max_nodes",
            "max_pattern_wildcards",
            "max_policy_bytes",
            "max_request_bytes",
            "max_resources",
            "max_rules",
            "max_services",
            "max_snapshot_bytes",
            "max_string_bytes",
            "max_tree_files",
            "max_wildcards",
            "max_yaml_aliases",
        ];
        for limit in limits {
            assert_ne!(super::remedy(limit), super::remedy("an unknown limit"), "{limit}");
        }
    }
}
