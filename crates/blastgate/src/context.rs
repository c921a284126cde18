//! The assessment context: open incidents, error budgets, change freezes,
//! other changes in flight and the people who make changes, as of an
//! instant `now` that the document states. blastgate reads no clock: "now" is an input (the document's, or
//! one set with [`Context::with_now`]).
//!
//! Errors are [`ChangeError`], as for changesets. The document is
//! described field by field in docs/formats.md ("Context").
//!
//! # Untrusted input
//!
//! Context documents are untrusted: parsing never panics and is bounded by
//! [`limits`] (input bytes, entries per list, string lengths) and the
//! nesting limit of every JSON or YAML input; unknown fields, severities,
//! scopes and freeze exceptions are errors, so a typo cannot weaken a
//! freeze or hide an incident. Parsing is linear in the input.
//!
//! ```
//! use blastgate::context::{Exception, Severity, Timestamp, parse_context};
//! use blastgate::graph::Tier;
//!
//! let doc = br#"{
//!   "apiVersion": "blastgate.dev/v1", "kind": "Context", "now": "2026-11-27T10:00:00Z",
//!   "incidents": [{"service": "paymentservice", "severity": "sev2", "since": "2026-11-27T09:10:00Z"}],
//!   "freezes": [{"start": "2026-11-26T00:00:00Z", "end": "2026-11-30T00:00:00Z",
//!                "scope": {"tiers": [0]}, "allow": ["fix"]}]
//! }"#;
//! let context = parse_context("context.json", doc)?;
//! assert_eq!(context.most_severe_open_on("paymentservice"), Some(Severity::Sev2));
//!
//! let deploy_at = Timestamp::parse("2026-11-28T15:00:00+01:00")?;
//! let freeze = context.freezes_in_force(deploy_at).next().ok_or("no freeze in force")?;
//! assert!(freeze.covers("paymentservice", Some(Tier::CRITICAL)));
//! assert!(freeze.allows(Exception::Fix));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::io::Read;
use std::path::Path;

pub use blastgate_change::ChangeError;
pub use blastgate_core::context::limits;
pub use blastgate_core::context::{
    API_VERSION, Context, ErrorBudget, Exception, Freeze, FreezeScope, InFlight, Incident, KIND, Person, Severity,
    Timestamp, TimestampError,
};

/// Parses a context document (JSON when the first non-blank byte is `{`,
/// YAML otherwise) and validates it.
///
/// # Errors
/// [`ChangeError`]: syntax, schema (unknown fields and names included),
/// version, value and limit errors naming the file and the place (JSON
/// path, or line and column in YAML).
pub fn parse_context(name: &str, bytes: &[u8]) -> Result<Context, ChangeError> {
    blastgate_ingest::context::parse(name, bytes)
}

/// Parses a context document as [`parse_context`] does, except that a
/// document may leave `now` out when it lists neither incidents, error
/// budgets nor changes in flight (a freeze calendar or a list of people
/// committed to a repository, which describes no instant): it is then
/// dated `now`. Returns the context and whether the document stated its
/// own `now`: a gate that assesses a deploy at `now` compares a stated one
/// with it to tell a stale context, then calls [`Context::with_now`].
///
/// # Errors
/// As [`parse_context`]; a document without `now` that lists incidents,
/// error budgets or changes in flight is a [`ChangeError::InvalidValue`]
/// naming the list: they are readings taken at some instant, and one left
/// unsaid could be any age.
///
/// # Example
///
/// ```
/// use blastgate::context::{Timestamp, parse_context, parse_context_at};
///
/// let calendar = b"apiVersion: blastgate.dev/v1\nkind: Context\nfreezes:\n  - name: year-end\n    start: 2026-12-20T00:00:00Z\n    end: 2027-01-04T00:00:00Z\n";
/// assert!(parse_context("freezes.yaml", calendar).is_err(), "no instant");
/// let now = Timestamp::parse("2026-12-21T09:00:00Z")?;
/// let (context, stated) = parse_context_at("freezes.yaml", calendar, now)?;
/// assert!(!stated);
/// assert_eq!(context.freezes_in_force(now).count(), 1);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn parse_context_at(name: &str, bytes: &[u8], now: Timestamp) -> Result<(Context, bool), ChangeError> {
    blastgate_ingest::context::parse_at(name, bytes, Some(now))
}

/// How far a context's stated `now` is from the instant a deploy is
/// assessed at, when that makes the context stale ([`staleness`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Staleness {
    /// More than the deploy window before it: incidents, error budgets
    /// and changes in flight may be out of date.
    Behind,
    /// More than [`CLOCK_SKEW_SECONDS`] after it: a context from the
    /// future holds nothing a deploy now can trust.
    Ahead,
}

impl Staleness {
    /// The words for [`Staleness::message`]: "more than the deploy window
    /// before", or "ahead of".
    fn words(self) -> &'static str {
        match self {
            Self::Behind => "more than the deploy window before",
            Self::Ahead => "ahead of",
        }
    }

    /// The `stale-context` warning's message for a context dated `stated`
    /// and assessed `at`.
    pub fn message(self, stated: Timestamp, at: Timestamp) -> String {
        format!(
            "the context describes {stated}, {} the instant assessed ({at}): its incidents, error budgets and \
             changes in flight may be out of date; refresh the context",
            self.words()
        )
    }
}

/// How far ahead of the instant assessed a context may be dated before it
/// is stale: the clocks of the machines that write and read it may differ
/// by this much.
pub const CLOCK_SKEW_SECONDS: i64 = 300;

/// Whether a context dated `stated` is stale for a deploy assessed `at`,
/// with a deploy window of `window_minutes` (the policy's
/// `deploy.window_minutes`): more than the window before it, or more than
/// [`CLOCK_SKEW_SECONDS`] after it. The command line and
/// [`crate::json_api`] warn `stale-context` then, and so does
/// [`crate::Engine::assess_at`], which an embedder should call.
pub fn staleness(stated: Timestamp, at: Timestamp, window_minutes: u32) -> Option<Staleness> {
    // Compared as instants, fractions of a second included (red team 32:
    // whole seconds let a context a window and 0.999 s old pass).
    if at > stated.saturating_add_seconds(i64::from(window_minutes).saturating_mul(60)) {
        Some(Staleness::Behind)
    } else if at.saturating_add_seconds(CLOCK_SKEW_SECONDS) < stated {
        Some(Staleness::Ahead)
    } else {
        None
    }
}

/// Checks a context as [`parse_context`] checks a document: version and
/// kind, [`limits`], non-empty ids, finite error budgets of at most 1,
/// windows (freezes, deploys in flight) that end after they start, freeze
/// scopes and changes in flight that name something, people listed once.
/// A context built in code skips the parser: [`crate::Engine::assess`]
/// runs these checks on every context it is given and, when one fails,
/// adds an `invalid-context` error (which escalates the decision to the
/// policy's error depth). Call it first to refuse an invalid context
/// before assessing. `name` names the context in the error.
///
/// # Errors
/// The first problem found: [`ChangeError::UnsupportedVersion`],
/// [`ChangeError::Schema`] (the kind), [`ChangeError::InvalidValue`] or
/// [`ChangeError::LimitExceeded`], naming the JSON path
/// (`$.freezes[0].end`).
///
/// # Complexity
/// `O(n log n)` in the number of entries (people are sorted to find
/// duplicates).
///
/// # Example
///
/// ```
/// use blastgate::context::{Context, Freeze, FreezeScope, Timestamp, validate};
///
/// let now = Timestamp::parse("2026-11-27T10:00:00Z")?;
/// let mut context = Context::new(now);
/// context.freezes.push(Freeze {
///     name: None,
///     start: Timestamp::parse("2026-11-28T00:00:00Z")?,
///     end: Timestamp::parse("2026-11-26T00:00:00Z")?,
///     scope: FreezeScope::All,
///     allow: Vec::new(),
/// });
/// let error = validate("context", &context).unwrap_err();
/// assert_eq!(error.kind_name(), "invalid_value");
/// assert!(error.to_string().contains("$.freezes[0].end"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn validate(name: &str, context: &Context) -> Result<(), ChangeError> {
    blastgate_core::context::validate::validate(name, context)
}

/// Reads and parses a context file (`-`: standard input), reading no more
/// than [`limits::MAX_INPUT_BYTES`] plus one byte.
///
/// # Errors
/// [`ChangeError::Io`] when the file cannot be read,
/// [`ChangeError::LimitExceeded`] when it is too large; otherwise as
/// [`parse_context`].
pub fn load_context(path: &Path) -> Result<Context, ChangeError> {
    let (name, bytes) = read_file(path)?;
    parse_context(&name, &bytes)
}

/// Reads and parses a context file as [`load_context`] does, dating a
/// document without `now` at `now`, as [`parse_context_at`] does.
///
/// # Errors
/// As [`load_context`] and [`parse_context_at`].
pub fn load_context_at(path: &Path, now: Timestamp) -> Result<(Context, bool), ChangeError> {
    let (name, bytes) = read_file(path)?;
    parse_context_at(&name, &bytes, now)
}

/// The name errors give `path` and its bytes, at most
/// [`limits::MAX_INPUT_BYTES`] plus one (`-`: standard input).
fn read_file(path: &Path) -> Result<(String, Vec<u8>), ChangeError> {
    let name = blastgate_ingest::input_name(path);
    let bytes = if blastgate_ingest::is_stdin(path) {
        blastgate_ingest::read_path(path, limits::MAX_INPUT_BYTES)?
    } else {
        let file = std::fs::File::open(path).map_err(|e| {
            ChangeError::Io(blastgate_graph::ErrorDetail::new(&name, "", "", format!("cannot read the file: {e}")))
        })?;
        blastgate_ingest::read_bounded(&name, file, limits::MAX_INPUT_BYTES)?
    };
    Ok((name, bytes))
}

/// Reads a context document from `reader` (at most
/// [`limits::MAX_INPUT_BYTES`] bytes) and parses it.
///
/// # Errors
/// [`ChangeError::Io`] when the reader fails, wherever it fails; a limit
/// error past the cap; otherwise as [`parse_context`].
pub fn read_context(name: &str, reader: impl Read) -> Result<Context, ChangeError> {
    let bytes = blastgate_ingest::read_bounded(name, reader, limits::MAX_INPUT_BYTES)?;
    parse_context(name, &bytes)
}

/// The JSON Schema of the context document.
pub fn context_json_schema() -> String {
    blastgate_ingest::context::json_schema()
}
