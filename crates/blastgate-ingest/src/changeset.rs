//! The native `Changeset` document, JSON or YAML (`blastgate.dev/v1`).
//! Field by field in docs/formats.md; the JSON Schema is generated from
//! [`blastgate_change::Changeset`].

use blastgate_change::{API_VERSION, ChangeError, Changeset, FileStatus, KIND, limits};
use blastgate_graph::ErrorDetail;

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
                return Err(unsupported(file, &v));
            }
            return Err(e.into());
        }
    };
    validate(file, &changeset)?;
    Ok(changeset)
}

fn unsupported(file: &str, version: &str) -> ChangeError {
    ChangeError::UnsupportedVersion(
        ErrorDetail::new(file, "$.apiVersion", version, "unsupported apiVersion")
            .with_help_text(format!("this version of blastgate reads `{API_VERSION}`")),
    )
}

/// Checks what the types cannot: versions, non-empty ids, limits, finite
/// metrics.
///
/// # Errors
/// As [`parse`].
pub fn validate(file: &str, c: &Changeset) -> Result<(), ChangeError> {
    if c.api_version != API_VERSION {
        return Err(unsupported(file, &c.api_version));
    }
    if c.kind != KIND {
        return Err(ChangeError::schema(
            file,
            "$.kind",
            &c.kind,
            format!("wrong document kind; a changeset has `kind: {KIND}`"),
        ));
    }
    if c.id.trim().is_empty() {
        return Err(ChangeError::invalid(
            file,
            "$.id",
            &c.id,
            "changeset id is empty; give the pull request, commit or deploy id",
        ));
    }
    if c.files.len() > limits::MAX_FILES {
        return Err(ChangeError::limit(file, "max_files", limits::MAX_FILES as u64, c.files.len() as u64));
    }
    if c.services.len() > limits::MAX_SERVICES {
        return Err(ChangeError::limit(file, "max_services", limits::MAX_SERVICES as u64, c.services.len() as u64));
    }
    if c.infrastructure.len() > limits::MAX_RESOURCES {
        return Err(ChangeError::limit(
            file,
            "max_resources",
            limits::MAX_RESOURCES as u64,
            c.infrastructure.len() as u64,
        ));
    }
    let mut strings: Vec<(String, &str)> = vec![("$.id".into(), &c.id), ("$.author.id".into(), &c.author.id)];
    for (i, s) in c.services.iter().enumerate() {
        if s.trim().is_empty() {
            return Err(ChangeError::invalid(file, format!("$.services[{i}]"), s, "service id is empty"));
        }
        strings.push((format!("$.services[{i}]"), s));
    }
    for (i, f) in c.files.iter().enumerate() {
        if f.path.trim().is_empty() {
            return Err(ChangeError::invalid(file, format!("$.files[{i}].path"), &f.path, "file path is empty"));
        }
        strings.push((format!("$.files[{i}].path"), &f.path));
        // A rename moves a file away from somewhere: without that place
        // the service it leaves would not count as changed.
        if f.status == FileStatus::Renamed && f.old_path.is_none() {
            return Err(ChangeError::invalid(
                file,
                format!("$.files[{i}].old_path"),
                &f.path,
                "a renamed file names the path it was moved from (`old_path`); write it, or list the move as a \
                 deleted and an added file",
            ));
        }
        // A path from the repository root, as git prints it. `..` would let
        // `src/leaf/../core/main.go` map to `leaf` (the first folder named
        // after a node) while naming core's file.
        for (place, path) in std::iter::once(("path", &f.path)).chain(f.old_path.iter().map(|o| ("old_path", o))) {
            if path.starts_with('/') || path.split('/').any(|seg| seg == "." || seg == "..") {
                return Err(ChangeError::invalid(
                    file,
                    format!("$.files[{i}].{place}"),
                    path,
                    "not a path from the repository root: no leading `/`, no `.` or `..` segment; write the path as \
                     git prints it",
                ));
            }
        }
    }
    for (i, r) in c.infrastructure.iter().enumerate() {
        if r.address.trim().is_empty() {
            return Err(ChangeError::invalid(
                file,
                format!("$.infrastructure[{i}].address"),
                "",
                "resource address is empty",
            ));
        }
        strings.push((format!("$.infrastructure[{i}].address"), &r.address));
    }
    // Names shown to people (the change id heads every report) carry no
    // control character: a line break in an id would start a line of its
    // own in a CI log, where `::warning ...` is a workflow command. Paths
    // may (git allows them); outputs escape them.
    let mut names: Vec<(String, &str)> = vec![("$.id".into(), &c.id), ("$.author.id".into(), &c.author.id)];
    names.extend(c.title.iter().map(|t| ("$.title".to_owned(), t.as_str())));
    names.extend(c.author.seniority.iter().map(|s| ("$.author.seniority".to_owned(), s.as_str())));
    names.extend(c.services.iter().enumerate().map(|(i, s)| (format!("$.services[{i}]"), s.as_str())));
    names.extend(c.labels.iter().enumerate().map(|(i, s)| (format!("$.labels[{i}]"), s.as_str())));
    names.extend(
        c.infrastructure
            .iter()
            .enumerate()
            .map(|(i, r)| (format!("$.infrastructure[{i}].address"), r.address.as_str())),
    );
    if let Some((place, s)) = names.into_iter().find(|(_, s)| s.chars().any(char::is_control)) {
        return Err(ChangeError::invalid(
            file,
            place,
            s.escape_debug().to_string(),
            "contains a control character (a line break, tab or escape); write it on one line of text",
        ));
    }
    for (place, s) in strings {
        if s.len() > limits::MAX_STRING_BYTES {
            // Limit errors have no place field: name the place with the file.
            let at = format!("{file}: {place}");
            return Err(ChangeError::limit(&at, "max_string_bytes", limits::MAX_STRING_BYTES as u64, s.len() as u64));
        }
    }
    if let Some(h) = &c.history {
        for (name, value) in h.named() {
            if let Some(v) = value
                && !(v.is_finite() && v >= 0.0)
            {
                return Err(ChangeError::invalid(
                    file,
                    format!("$.history.{name}"),
                    v.to_string(),
                    "history metric is not a finite, non-negative number",
                ));
            }
        }
    }
    Ok(())
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
