//! The checks a context passes before a change is assessed in it: what
//! the types cannot say. The document parser runs them on what it reads,
//! and the engine on every context it is given, built in code or parsed,
//! so that an invalid context (a freeze that ends before it starts, a
//! change in flight that deploys nothing) fails closed wherever it comes
//! from.

use blastgate_change::ChangeError;
use blastgate_graph::ErrorDetail;

use super::{API_VERSION, Context, FreezeScope, KIND, Timestamp, limits};

/// Checks what the types cannot: version and kind, limits, non-empty ids,
/// finite budgets of at most 1, windows that end after they start, scopes
/// that name something.
///
/// # Errors
/// [`ChangeError::UnsupportedVersion`], [`ChangeError::Schema`] (kind),
/// [`ChangeError::LimitExceeded`] (list lengths first, then strings) and
/// [`ChangeError::InvalidValue`] naming the JSON path
/// (`$.freezes[0].end`).
pub fn validate(file: &str, c: &Context) -> Result<(), ChangeError> {
    if c.api_version != API_VERSION {
        return Err(unsupported_version(file, &c.api_version));
    }
    if c.kind != KIND {
        return Err(wrong_kind(file, &c.kind));
    }
    check_lengths(file, c)?;
    for (i, incident) in c.incidents.iter().enumerate() {
        let at = |field: &str| format!("$.incidents[{i}].{field}");
        check_service(file, &incident.service, || at("service"))?;
        check_string(file, incident.id.as_deref(), || at("id"))?;
        check_string(file, incident.title.as_deref(), || at("title"))?;
        if let Some(resolved) = incident.resolved_at
            && resolved < incident.since
        {
            return Err(ChangeError::invalid(
                file,
                at("resolved_at"),
                resolved.to_string(),
                format!("incident resolved before it started at `{}`", incident.since),
            ));
        }
    }
    // One incident listed twice on one service, the entries disagreeing
    // (open and resolved, two severities): which holds is unknown, and
    // reading either would be a guess (a fail-closed audit: a sev1 resolved
    // beside the same id open as a sev2 was read as the sev2). The same
    // incident on several services, or an entry repeated as it is, is fine.
    // Ids and services are compared as the engine matches names, without
    // regard to ASCII case and with spaces around trimmed (red team 32:
    // `search` beside `Search`, or `INC-1` beside `inc-1`, was read as the
    // open sev2).
    let fold = |s: &str| s.trim().to_ascii_lowercase();
    let mut ids: Vec<(String, String, usize)> = c
        .incidents
        .iter()
        .enumerate()
        .filter_map(|(i, incident)| incident.id.as_deref().map(|id| (fold(id), fold(&incident.service), i)))
        .collect();
    ids.sort_unstable();
    for pair in ids.windows(2) {
        let [(id, service, i), (other_id, other_service, j)] = pair else { continue };
        let (Some(a), Some(b)) = (c.incidents.get(*i), c.incidents.get(*j)) else { continue };
        if id == other_id
            && service == other_service
            && (a.severity != b.severity || a.since != b.since || a.resolved_at != b.resolved_at)
        {
            let service = &b.service;
            return Err(ChangeError::invalid(
                file,
                format!("$.incidents[{j}].id"),
                b.id.as_deref().unwrap_or_default(),
                format!(
                    "incident listed twice on `{service}` (also at $.incidents[{i}]), the two entries disagreeing on \
                     its severity, start or resolution"
                ),
            )
            .with_help("list the incident once on each service, as it stands at the context's `now`"));
        }
    }
    for (i, budget) in c.error_budgets.iter().enumerate() {
        let at = |field: &str| format!("$.error_budgets[{i}].{field}");
        check_service(file, &budget.service, || at("service"))?;
        check_string(file, budget.slo.as_deref(), || at("slo"))?;
        if !budget.remaining.is_finite() {
            return Err(ChangeError::invalid(
                file,
                at("remaining"),
                budget.remaining.to_string(),
                "error budget is NaN or infinite",
            )
            .with_help("write the fraction of the budget left, like 0.12"));
        }
        if budget.remaining > 1.0 {
            return Err(ChangeError::invalid(
                file,
                at("remaining"),
                budget.remaining.to_string(),
                "error budget remaining is a fraction of the budget, at most 1",
            )
            .with_help("write 12% as 0.12; an overspent budget is negative"));
        }
    }
    for (i, freeze) in c.freezes.iter().enumerate() {
        let at = |field: &str| format!("$.freezes[{i}].{field}");
        check_string(file, freeze.name.as_deref(), || at("name"))?;
        check_window(file, freeze.start, freeze.end, &at("end"), "freeze")?;
        match &freeze.scope {
            FreezeScope::All => {}
            FreezeScope::Services(services) => {
                if services.is_empty() {
                    return Err(empty_scope(file, at("scope.services")));
                }
                for (j, s) in services.iter().enumerate() {
                    check_service(file, s, || format!("$.freezes[{i}].scope.services[{j}]"))?;
                }
            }
            FreezeScope::Tiers(tiers) => {
                if tiers.is_empty() {
                    return Err(empty_scope(file, at("scope.tiers")));
                }
            }
        }
    }
    for (i, change) in c.in_flight.iter().enumerate() {
        let at = |field: &str| format!("$.in_flight[{i}].{field}");
        if change.id.trim().is_empty() {
            return Err(ChangeError::invalid(file, at("id"), &change.id, "change id is empty")
                .with_help("give the deploy's or change's id"));
        }
        check_string(file, Some(&change.id), || at("id"))?;
        if change.services.is_empty() {
            return Err(ChangeError::invalid(file, at("services"), "", "change in flight lists no services")
                .with_help("list the services it deploys"));
        }
        for (j, s) in change.services.iter().enumerate() {
            check_service(file, s, || format!("$.in_flight[{i}].services[{j}]"))?;
        }
        check_window(file, change.start, change.end, &at("end"), "deploy window")?;
    }
    if let Some(id) = &c.change_id {
        if id.trim().is_empty() {
            return Err(ChangeError::invalid(file, "$.change_id", id.as_str(), "change id is empty")
                .with_help("give the id under which `in_flight` lists the change being assessed, or leave it out"));
        }
        check_string(file, Some(id), || "$.change_id".to_owned())?;
    }
    check_people(file, c)?;
    Ok(())
}

/// The error for an `apiVersion` this build does not read.
pub fn unsupported_version(file: &str, version: &str) -> ChangeError {
    ChangeError::UnsupportedVersion(
        ErrorDetail::new(file, "$.apiVersion", version, "unsupported apiVersion")
            .with_help_text(format!("this version of blastgate reads `{API_VERSION}`")),
    )
}

/// The error for a document of another kind.
pub fn wrong_kind(file: &str, kind: &str) -> ChangeError {
    ChangeError::schema(file, "$.kind", kind, format!("wrong document kind; a context has `kind: {KIND}`"))
}

/// Each person has an id and a seniority, and no two ids are the same
/// without regard to ASCII case (one lookup, one answer).
fn check_people(file: &str, c: &Context) -> Result<(), ChangeError> {
    for (i, person) in c.people.iter().enumerate() {
        let at = |field: &str| format!("$.people[{i}].{field}");
        for (field, value) in [("id", &person.id), ("seniority", &person.seniority)] {
            if value.trim().is_empty() {
                return Err(ChangeError::invalid(
                    file,
                    at(field),
                    value.as_str(),
                    format!("person's {field} is empty"),
                )
                .with_help("give the author's id as changesets name it, and a level on the policy's scale"));
            }
            check_string(file, Some(value.as_str()), || at(field))?;
        }
        for (j, alias) in person.aliases.iter().enumerate() {
            let place = || format!("$.people[{i}].aliases[{j}]");
            if alias.trim().is_empty() {
                return Err(ChangeError::invalid(file, place(), alias.as_str(), "person's alias is empty")
                    .with_help("give another id the person goes by (a commit email, a login), or leave it out"));
            }
            check_string(file, Some(alias.as_str()), place)?;
        }
    }
    // Every id and alias once: one lookup, one answer.
    let mut ids: Vec<(String, String, &str)> = c
        .people
        .iter()
        .enumerate()
        .flat_map(|(i, p)| {
            std::iter::once((p.id.to_ascii_lowercase(), format!("$.people[{i}].id"), p.id.as_str())).chain(
                p.aliases
                    .iter()
                    .enumerate()
                    .map(move |(j, a)| (a.to_ascii_lowercase(), format!("$.people[{i}].aliases[{j}]"), a.as_str())),
            )
        })
        .collect();
    ids.sort_unstable();
    for pair in ids.windows(2) {
        if let [(a, first, _), (b, second, id)] = pair
            && a == b
        {
            return Err(ChangeError::invalid(
                file,
                second.clone(),
                *id,
                format!("person listed twice (also at {first}; ids and aliases match without regard to case)"),
            )
            .with_help("list each person once, and each of their ids once"));
        }
    }
    Ok(())
}

fn empty_scope(file: &str, place: String) -> ChangeError {
    ChangeError::invalid(file, place, "", "freeze scope lists nothing, so the freeze would cover nothing")
        .with_help("list what the freeze covers, or write `scope: all`")
}

/// Checks every list against [`limits::MAX_LIST_ENTRIES`], outer lists
/// first.
fn check_lengths(file: &str, c: &Context) -> Result<(), ChangeError> {
    let outer = [
        ("$.incidents".to_owned(), c.incidents.len()),
        ("$.error_budgets".to_owned(), c.error_budgets.len()),
        ("$.freezes".to_owned(), c.freezes.len()),
        ("$.in_flight".to_owned(), c.in_flight.len()),
        ("$.people".to_owned(), c.people.len()),
    ];
    let inner = c
        .freezes
        .iter()
        .enumerate()
        .flat_map(|(i, f)| {
            let scope = match &f.scope {
                FreezeScope::All => 0,
                FreezeScope::Services(s) => s.len(),
                FreezeScope::Tiers(t) => t.len(),
            };
            [(format!("$.freezes[{i}].scope"), scope), (format!("$.freezes[{i}].allow"), f.allow.len())]
        })
        .chain(c.in_flight.iter().enumerate().map(|(i, f)| (format!("$.in_flight[{i}].services"), f.services.len())))
        .chain(c.people.iter().enumerate().map(|(i, p)| (format!("$.people[{i}].aliases"), p.aliases.len())));
    match outer.into_iter().chain(inner).find(|(_, n)| *n > limits::MAX_LIST_ENTRIES) {
        // Limit errors have no place field: the place goes with the file.
        Some((place, n)) => Err(ChangeError::limit(
            &format!("{file}: {place}"),
            "max_list_entries",
            limits::MAX_LIST_ENTRIES as u64,
            n as u64,
        )),
        None => Ok(()),
    }
}

/// A service id: not blank, no control characters, at most
/// [`limits::MAX_ID_BYTES`].
fn check_service(file: &str, id: &str, place: impl FnOnce() -> String) -> Result<(), ChangeError> {
    if id.trim().is_empty() {
        return Err(ChangeError::invalid(file, place(), id, "service id is empty").with_help("name a graph service"));
    }
    if id.len() > limits::MAX_ID_BYTES {
        // Limit errors have no place field: the place goes with the file.
        return Err(ChangeError::limit(
            &format!("{file}: {}", place()),
            "max_id_bytes",
            limits::MAX_ID_BYTES as u64,
            id.len() as u64,
        ));
    }
    if id.chars().any(char::is_control) {
        return Err(ChangeError::invalid(
            file,
            place(),
            id.escape_debug().to_string(),
            "service id contains a control character",
        ));
    }
    Ok(())
}

/// A name or title: within [`limits::MAX_STRING_BYTES`] and on one line
/// (no control character: rule messages quote it, and a line break would
/// start a line of its own in a CI log).
fn check_string(file: &str, s: Option<&str>, place: impl FnOnce() -> String) -> Result<(), ChangeError> {
    match s {
        Some(s) if s.len() > limits::MAX_STRING_BYTES => Err(ChangeError::limit(
            &format!("{file}: {}", place()),
            "max_string_bytes",
            limits::MAX_STRING_BYTES as u64,
            s.len() as u64,
        )),
        Some(s) if s.chars().any(char::is_control) => Err(ChangeError::invalid(
            file,
            place(),
            s.escape_debug().to_string(),
            "contains a control character (a line break, tab or escape); write it on one line of text",
        )),
        _ => Ok(()),
    }
}

fn check_window(file: &str, start: Timestamp, end: Timestamp, place: &str, what: &str) -> Result<(), ChangeError> {
    // Both on the last day of 9999, past the latest instant held, read as
    // it: a window that starts after every deploy, not a mistake (it
    // stopped every deploy with exit 2).
    if end <= start && !(start == Timestamp::LATEST && end == Timestamp::LATEST) {
        return Err(ChangeError::invalid(
            file,
            place,
            end.to_string(),
            format!("{what} ends before or when it starts at `{start}`"),
        )
        .with_help("`end` is the first instant after the window"));
    }
    Ok(())
}
