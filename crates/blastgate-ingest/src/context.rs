//! The `Context` document, JSON or YAML (`blastgate.dev/v1`): incidents,
//! error budgets, freezes and other changes in flight, as of `now`. Field by
//! field in docs/formats.md; the JSON Schema is generated from
//! [`blastgate_core::context::Context`].
//!
//! Errors are [`ChangeError`], the changeset's, so that every input document
//! fails with one error shape.

use blastgate_change::ChangeError;
use blastgate_core::context::validate::{unsupported_version, wrong_kind};
use blastgate_core::context::{API_VERSION, Context, KIND, limits};

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
    if bytes.len() as u64 > limits::MAX_INPUT_BYTES {
        return Err(ChangeError::limit(file, "max_input_bytes", limits::MAX_INPUT_BYTES, bytes.len() as u64));
    }
    let text = crate::doc::utf8(file, bytes)?;
    let context: Context = match crate::doc::from_json_or_yaml(file, text) {
        Ok(c) => c,
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
    validate(file, &context)?;
    Ok(context)
}

/// The JSON Schema of the context document, generated from the types.
pub fn json_schema() -> String {
    let schema = schemars::schema_for!(Context);
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
