//! The author's seniority from the context's people list, when it has one.
//!
//! A changeset states its author's seniority, and whoever writes the
//! changeset can write any level: an AI-assisted change by a junior
//! engineer that claims `principal` would skip the senior review the
//! policy asks for. A context that lists people is the gate's own record
//! (a directory export), so its level wins, and an author it does not list
//! counts as the lowest level (fail closed). Without a people list the
//! changeset's claim stands, as before: the gate then trusts whatever
//! produced the changeset.

use std::borrow::Cow;

use blastgate_change::Changeset;

use crate::assessment::{Diagnostic, Level};
use crate::context::Context;

/// `changeset` with its author's seniority as the context's people list
/// gives it (unchanged when the list is empty), and a warning in
/// `diagnostics` for each claim the list overrides or cannot confirm.
pub(crate) fn vet_author<'a>(
    changeset: &'a Changeset,
    context: &Context,
    diagnostics: &mut Vec<Diagnostic>,
) -> Cow<'a, Changeset> {
    if context.people.is_empty() {
        return Cow::Borrowed(changeset);
    }
    let author = &changeset.author;
    let stated = author.seniority.as_deref();
    let listed = if author.id.trim().is_empty() { None } else { context.person(&author.id) };
    let seniority = match listed {
        Some(person) => {
            if let Some(claim) = stated.filter(|s| !s.eq_ignore_ascii_case(&person.seniority)) {
                diagnostics.push(Diagnostic::new(
                    Level::Warning,
                    "seniority-from-context",
                    format!(
                        "the changeset states seniority `{claim}` for its author `{}`; the context's people list \
                         gives `{}`, which is used",
                        author.id, person.seniority
                    ),
                ));
            }
            Some(person.seniority.clone())
        }
        None => {
            let claim = stated.map(|s| format!(" (the changeset's `{s}` is not used)")).unwrap_or_default();
            let message = if author.id.trim().is_empty() {
                format!(
                    "the changeset names no author, so the context's people list cannot give a seniority{claim}; \
                     the author counts as the lowest level"
                )
            } else {
                format!(
                    "the context's people list does not list the author `{}`{claim}; the author counts as the \
                     lowest level. Add them to the list",
                    author.id
                )
            };
            diagnostics.push(Diagnostic::new(Level::Warning, "author-not-in-people", message));
            None
        }
    };
    if seniority.as_deref() == stated {
        return Cow::Borrowed(changeset);
    }
    let mut vetted = changeset.clone();
    vetted.author.seniority = seniority;
    Cow::Owned(vetted)
}
