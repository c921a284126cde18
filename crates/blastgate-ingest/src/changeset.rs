//! The native `Changeset` document, JSON or YAML (`blastgate.dev/v1`).
//! Field by field in docs/formats.md; the JSON Schema is generated from
//! [`blastgate_change::Changeset`].

use blastgate_change::validate::unsupported_version;
use blastgate_change::{API_VERSION, ChangeError, Changeset, limits};

/// The checks every changeset passes, parsed or built in code (one
/// definition, in `blastgate-change`, which the engine runs too).
pub use blastgate_change::validate::validate;

/// Parses a changeset document (JSON when the first non-blank byte is `{`,
/// YAML otherwise) and checks it.
///
/// # Errors
/// [`ChangeError::Syntax`] for malformed text; [`ChangeError::Schema`] for
/// an unknown field (a typo must not silently lower risk) or a wrong type,
/// with line and column and, for JSON, the path;
/// [`ChangeError::UnsupportedVersion`] for another `apiVersion`;
/// [`ChangeError::InvalidValue`] for an empty id or path, a NaN or negative
/// history metric; [`ChangeError::LimitExceeded`] past
/// [`blastgate_change::limits`].
pub fn parse(file: &str, bytes: &[u8]) -> Result<Changeset, ChangeError> {
    if bytes.len() as u64 > limits::MAX_INPUT_BYTES {
        return Err(ChangeError::limit(file, "max_input_bytes", limits::MAX_INPUT_BYTES, bytes.len() as u64));
    }
    let text = crate::doc::utf8(file, bytes)?;
    let changeset: Changeset = match crate::doc::from_json_or_yaml(file, text) {
        Ok(c) => c,
        Err(e) => {
            // A newer version may explain the schema error: say so first.
            if let Some(v) = crate::doc::header(file, text).and_then(|h| h.api_version).filter(|v| v != API_VERSION) {
                return Err(unsupported_version(file, &v));
            }
            return Err(e.into());
        }
    };
    validate(file, &changeset)?;
    // Kept as blastgate compares it: a CI job's clone URL carries a token
    // that must reach no output, and that changes every job.
    let mut changeset = changeset;
    changeset.repository = changeset.repository.as_deref().and_then(blastgate_change::repository_key);
    Ok(changeset)
}

/// The JSON Schema of the changeset document, generated from the types.
pub fn json_schema() -> String {
    let schema = schemars::schema_for!(Changeset);
    serde_json::to_string_pretty(&schema).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "test code: a panic is a failed test")]

    use blastgate_change::AiInvolvement;

    const HEAD: &str = r#""apiVersion": "blastgate.dev/v1", "kind": "Changeset", "id": "c""#;

    /// An absent `ai` is "not stated", kept apart from a stated `none`
    /// through parsing and writing back.
    #[test]
    fn unstated_ai_stays_apart_from_a_stated_none() {
        for (provenance, ai) in [
            ("", None),
            (r#", "provenance": {}"#, None),
            (r#", "provenance": {"tool": "x"}"#, None),
            (r#", "provenance": {"ai": "none"}"#, Some(AiInvolvement::None)),
            (r#", "provenance": {"ai": "agent"}"#, Some(AiInvolvement::Agent)),
        ] {
            let text = format!("{{{HEAD}{provenance}}}");
            let c = super::parse("c.json", text.as_bytes()).unwrap();
            assert_eq!(c.provenance.ai, ai, "{text}");
            let written = serde_json::to_string(&c).unwrap();
            assert_eq!(written.contains(r#""ai":"#), ai.is_some(), "{written}");
            assert_eq!(super::parse("again.json", written.as_bytes()).unwrap(), c, "{written}");
        }
    }
}
