//! The `Context` document, JSON or YAML (`blastgate.dev/v1`): incidents,
//! error budgets, freezes and other changes in flight, as of `now`. Field by
//! field in docs/formats.md; the JSON Schema is generated from
//! [`blastgate_core::context::Context`].
//!
//! Errors are [`ChangeError`], the changeset's, so that every input document
//! fails with one error shape.

use blastgate_change::ChangeError;
use blastgate_core::context::validate::{unsupported_version, wrong_kind};
use blastgate_core::context::{API_VERSION, Context, ContextDocument, KIND, Timestamp, Undated, limits};

/// The checks every context passes, parsed or built in code (one
/// definition, in `blastgate-core`, which the engine runs too).
pub use blastgate_core::context::validate::validate;

/// Parses a context document (JSON when the first non-blank byte is `{`,
/// YAML otherwise) and checks it with [`validate`].
///
/// # Errors
/// [`ChangeError::Syntax`] for malformed text or invalid UTF-8;
/// [`ChangeError::UnsupportedVersion`] for another `apiVersion` (reported
/// before any schema error, which a newer version may explain);
/// [`ChangeError::Schema`] for another `kind`, an unknown field at any level
/// (a typo must not weaken a freeze), a missing field, a wrong type, an
/// unknown severity, scope or freeze exception; [`ChangeError::InvalidValue`]
/// for a timestamp that is not RFC 3339 with an offset, a NaN, infinite or
/// out-of-range number, and the checks of [`validate`];
/// [`ChangeError::LimitExceeded`] past [`limits`]. Each names the file and
/// the place: the JSON path for JSON, line and column for YAML.
pub fn parse(file: &str, bytes: &[u8]) -> Result<Context, ChangeError> {
    parse_at(file, bytes, None).map(|(context, _)| context)
}

/// Parses a context document as [`parse`] does, except that a document
/// may leave `now` out when it lists neither incidents, error budgets nor
/// changes in flight (a freeze calendar, a list of people): it is then
/// dated `given`. Returns the context and whether the document stated its
/// own `now` (a caller compares a stated one with its own instant to tell
/// a stale context).
///
/// # Errors
/// As [`parse`]; without `now` and with `given` of `None`, a
/// [`ChangeError::Schema`] at `$` (the missing field) whose help says how
/// to give the instant; without `now` and with readings listed, a
/// [`ChangeError::InvalidValue`] at the list.
pub fn parse_at(file: &str, bytes: &[u8], given: Option<Timestamp>) -> Result<(Context, bool), ChangeError> {
    if bytes.len() as u64 > limits::MAX_INPUT_BYTES {
        return Err(ChangeError::limit(file, "max_input_bytes", limits::MAX_INPUT_BYTES, bytes.len() as u64));
    }
    let text = crate::doc::utf8(file, bytes)?;
    let document: ContextDocument = match crate::doc::from_json_or_yaml(file, text) {
        Ok(d) => d,
        Err(e) => {
            // A newer version, or another kind of document, may explain the
            // schema error: say so first.
            if let Some(header) = crate::doc::header(file, text) {
                if let Some(v) = header.api_version.filter(|v| v != API_VERSION) {
                    return Err(unsupported_version(file, &v));
                }
                if let Some(k) = header.kind.filter(|k| k != KIND) {
                    return Err(wrong_kind(file, &k));
                }
            }
            return Err(with_value_help(e.into()));
        }
    };
    let (context, stated) = document.dated(given).map_err(|why| undated(file, why))?;
    validate(file, &context)?;
    Ok((context, stated))
}

/// The error for a document without `now` that cannot be dated.
fn undated(file: &str, why: Undated) -> ChangeError {
    match why {
        Undated::NoInstant => ChangeError::schema(file, "$", "", "missing field `now`").with_help(
            "state the instant the context describes, like `now: 2026-11-27T10:00:00Z`; a context of only \
             freezes and people may leave it out when the instant is given (`blastgate assess --now`)",
        ),
        Undated::Readings(list) => ChangeError::invalid(
            file,
            format!("$.{list}"),
            "",
            format!("`{list}` without the context's `now`: they are readings of production at an instant, and one left unsaid could be any age"),
        )
        .with_help("state the instant the context describes, like `now: 2026-11-27T10:00:00Z`"),
    }
}

/// The JSON Schema of the context document, generated from the types.
/// The types say `now` is required, as it is in a [`Context`]; a
/// document may leave it out ([`parse_at`]), so the schema does not
/// require it.
pub fn json_schema() -> String {
    let mut schema = schemars::schema_for!(Context);
    if let Some(required) = schema.get_mut("required").and_then(serde_json::Value::as_array_mut) {
        required.retain(|field| field != "now");
    }
    serde_json::to_string_pretty(&schema).unwrap_or_default()
}

/// The readers' help for an invalid value speaks of numbers; timestamps
/// and tiers need their own.
fn with_value_help(e: ChangeError) -> ChangeError {
    let ChangeError::InvalidValue(detail) = &e else {
        return e;
    };
    let message = detail.message();
    if message.contains("timestamp `") {
        e.with_help("write an RFC 3339 date and time with an offset, like `2026-11-27T10:00:00Z`")
    } else if message.contains("tier `") && !message.contains("expected") {
        e.with_help("write a tier: 0 to 3, or critical, high, medium, low")
    } else {
        e
    }
}
