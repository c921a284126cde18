//! The checks a changeset passes before it is assessed: what the types
//! cannot say. The document parser runs them on what it reads, and the
//! engine on every changeset it is given, built in code or parsed, so
//! that an invalid changeset fails closed wherever it comes from.

use blastgate_graph::ErrorDetail;

use crate::{API_VERSION, ChangeError, Changeset, FileStatus, KIND, limits};

/// Checks what the types cannot: versions, non-empty ids, limits, finite
/// metrics.
///
/// # Errors
/// [`ChangeError::UnsupportedVersion`] for another `apiVersion`;
/// [`ChangeError::Schema`] for another `kind`;
/// [`ChangeError::InvalidValue`] for an empty id, service, path or
/// resource address, a renamed file without `old_path`, a path that is not
/// from the repository root, a control character in a name, a NaN,
/// infinite or negative history metric; [`ChangeError::LimitExceeded`]
/// past [`crate::limits`]. Each names `file` and the JSON path.
pub fn validate(file: &str, c: &Changeset) -> Result<(), ChangeError> {
    if c.api_version != API_VERSION {
        return Err(unsupported_version(file, &c.api_version));
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
    if c.contributors.len() > limits::MAX_CONTRIBUTORS {
        return Err(ChangeError::limit(
            file,
            "max_contributors",
            limits::MAX_CONTRIBUTORS as u64,
            c.contributors.len() as u64,
        ));
    }
    if c.labels.len() > limits::MAX_LABELS {
        return Err(ChangeError::limit(file, "max_change_labels", limits::MAX_LABELS as u64, c.labels.len() as u64));
    }
    let mut strings: Vec<(String, &str)> = vec![("$.id".into(), &c.id), ("$.author.id".into(), &c.author.id)];
    if let Some(repository) = &c.repository {
        strings.push(("$.repository".into(), repository));
    }
    strings.extend(c.labels.iter().enumerate().map(|(i, l)| (format!("$.labels[{i}]"), l.as_str())));
    for (i, p) in c.contributors.iter().enumerate() {
        // An empty id names no one: it could exclude no one from approving.
        if p.id.trim().is_empty() {
            return Err(ChangeError::invalid(
                file,
                format!("$.contributors[{i}].id"),
                &p.id,
                "contributor id is empty; give their user name or email",
            ));
        }
        strings.push((format!("$.contributors[{i}].id"), &p.id));
    }
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
        for (field, types) in [("declares", &f.declares), ("removes", &f.removes), ("unguards", &f.unguards)] {
            if types.len() > limits::MAX_DECLARED_TYPES {
                let at = format!("{file}: $.files[{i}].{field}");
                return Err(ChangeError::limit(
                    &at,
                    "max_declared_types",
                    limits::MAX_DECLARED_TYPES as u64,
                    types.len() as u64,
                ));
            }
            strings.extend(types.iter().enumerate().map(|(j, t)| (format!("$.files[{i}].{field}[{j}]"), t.as_str())));
        }
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
        // after a node) while naming core's file, and an empty segment
        // (`payments//auth/token.go`) is placed on `payments` while no
        // CODEOWNERS pattern for `/payments/auth/` matches it (an approvals
        // audit). A `.` or `..` between backslashes, or with spaces around
        // it, is refused too: the path is also read with backslashes as
        // folder separators and spaces trimmed to place it (`resolve`), and
        // `src\\leaf\\..\\core\\main.go` was placed on `leaf` (a layout
        // audit).
        for (place, path) in std::iter::once(("path", &f.path)).chain(f.old_path.iter().map(|o| ("old_path", o))) {
            let dots = |seg: &str| matches!(seg.trim(), "." | "..");
            if path.starts_with('/')
                || path.split('/').any(|seg| seg.is_empty() || dots(seg))
                || path.split(['/', '\\']).any(dots)
            {
                return Err(ChangeError::invalid(
                    file,
                    format!("$.files[{i}].{place}"),
                    path,
                    "not a path from the repository root: no leading `/`, no empty segment (`//`, a trailing \
                     `/`), no `.` or `..` segment (between `/` or `\\`); write the path as git prints it",
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
        if let Some(previous) = &r.previous_address {
            strings.push((format!("$.infrastructure[{i}].previous_address"), previous));
        }
    }
    // Names shown to people (the change id heads every report) carry no
    // control character: a line break in an id would start a line of its
    // own in a CI log, where `::warning ...` is a workflow command. Paths
    // may (git allows them); outputs escape them.
    let mut names: Vec<(String, &str)> = vec![("$.id".into(), &c.id), ("$.author.id".into(), &c.author.id)];
    names.extend(c.title.iter().map(|t| ("$.title".to_owned(), t.as_str())));
    names.extend(c.repository.iter().map(|r| ("$.repository".to_owned(), r.as_str())));
    names.extend(c.author.seniority.iter().map(|s| ("$.author.seniority".to_owned(), s.as_str())));
    for (i, p) in c.contributors.iter().enumerate() {
        names.push((format!("$.contributors[{i}].id"), p.id.as_str()));
        names.extend(p.seniority.iter().map(|s| (format!("$.contributors[{i}].seniority"), s.as_str())));
    }
    names.extend(c.services.iter().enumerate().map(|(i, s)| (format!("$.services[{i}]"), s.as_str())));
    names.extend(c.labels.iter().enumerate().map(|(i, s)| (format!("$.labels[{i}]"), s.as_str())));
    names.extend(
        c.infrastructure
            .iter()
            .enumerate()
            .map(|(i, r)| (format!("$.infrastructure[{i}].address"), r.address.as_str())),
    );
    names.extend(c.infrastructure.iter().enumerate().filter_map(|(i, r)| {
        r.previous_address.as_deref().map(|p| (format!("$.infrastructure[{i}].previous_address"), p))
    }));
    for (i, f) in c.files.iter().enumerate() {
        names.extend(f.declares.iter().enumerate().map(|(j, t)| (format!("$.files[{i}].declares[{j}]"), t.as_str())));
        names.extend(f.removes.iter().enumerate().map(|(j, t)| (format!("$.files[{i}].removes[{j}]"), t.as_str())));
        names.extend(f.unguards.iter().enumerate().map(|(j, t)| (format!("$.files[{i}].unguards[{j}]"), t.as_str())));
    }
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
    if let Some(repository) = c.repository.as_deref().filter(|r| crate::model::repository_key(r).is_none()) {
        return Err(ChangeError::invalid(
            file,
            "$.repository",
            crate::model::without_credentials(repository).escape_debug().to_string(),
            "names no repository: write its clone URL (`https://HOST/ORG/REPO.git`, `git@HOST:ORG/REPO.git`) or \
             `HOST/ORG/REPO`, without invisible characters",
        ));
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

/// The error for an `apiVersion` this build does not read.
pub fn unsupported_version(file: &str, version: &str) -> ChangeError {
    ChangeError::UnsupportedVersion(
        ErrorDetail::new(file, "$.apiVersion", version, "unsupported apiVersion")
            .with_help_text(format!("this version of blastgate reads `{API_VERSION}`")),
    )
}
