//! Step 0, before anything is vetted: the inputs are checked as the
//! document parsers check them (`blastgate_change::validate` and
//! `crate::context::validate`, one definition each). A changeset or context
//! built in code skips the parser; without this step a freeze that ends
//! before it starts was silently ignored and the change decided as if
//! there were none (an embedding audit). A failed check is an `error`
//! diagnostic, which escalates the depth to the policy's error depth; the
//! rest of the assessment still explains what it can.

use blastgate_change::{ChangeError, Changeset};

use crate::assessment::{Diagnostic, Level};
use crate::context::Context;

/// The name the checks give the context in their messages.
const CONTEXT: &str = "context";

/// The `invalid-changeset` and `invalid-context` errors of the inputs
/// (none for inputs a parser accepted): the first problem of each. `name`
/// is what the messages call the changeset.
pub(super) fn inputs(name: &str, changeset: &Changeset, context: &Context) -> Vec<Diagnostic> {
    let changeset = blastgate_change::validate::validate(name, changeset)
        .err()
        .map(|e| error("invalid-changeset", "changeset", &e));
    let context =
        crate::context::validate::validate(CONTEXT, context).err().map(|e| error("invalid-context", "context", &e));
    changeset.into_iter().chain(context).collect()
}

fn error(code: &str, what: &str, e: &ChangeError) -> Diagnostic {
    Diagnostic::new(
        Level::Error,
        code,
        format!("the {what} is invalid ({}), so nothing is decided on it below the error depth: {e}", e.kind_name()),
    )
    .at_error(e)
}
