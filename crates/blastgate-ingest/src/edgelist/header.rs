//! A header row on the first line of an edge list that is neither blank
//! nor a comment, as spreadsheets and data-frame libraries write one
//! (`source,target`).

use blastgate_graph::GraphError;

use super::lines::{Column, LineColumns, Place, lossy, split};

/// Column names of a header row, dependent first: each pair names the
/// columns in the order an edge line has them.
const PAIRS: [(&str, &str); 9] = [
    ("source", "target"),
    ("source", "destination"),
    // OpenTelemetry's service graph labels.
    ("client", "server"),
    ("src", "dst"),
    ("from", "to"),
    ("caller", "callee"),
    ("parent", "child"),
    ("dependent", "dependency"),
    ("service", "dependency"),
];

/// Words that name a column as the dependent's (the caller's) when a
/// column name is split into words (`source_workload`, `callerService`,
/// `downstream`): Istio's telemetry writes `source_workload` and
/// `destination_workload`, Envoy `downstream` and `upstream`.
const DEPENDENT_WORDS: [&str; 9] =
    ["source", "src", "client", "caller", "from", "parent", "dependent", "downstream", "consumer"];

/// Words that name a column as the dependency's (the callee's).
const DEPENDENCY_WORDS: [&str; 11] =
    ["target", "destination", "dest", "dst", "server", "callee", "to", "child", "dependency", "upstream", "provider"];

/// Words that may stand beside a role word in a column name without making
/// it a node's name (`source_workload`, `callee_service`, `from_app_id`).
const QUALIFIER_WORDS: [&str; 10] =
    ["service", "svc", "workload", "app", "application", "name", "id", "node", "component", "host"];

/// Which side of an edge a column name says it holds, from its words:
/// `Some(true)` the dependent's, `Some(false)` the dependency's, `None`
/// when it names neither, both, or holds a word that is neither a role nor
/// a qualifier (`order-source` is a node, not a column).
fn role(name: &[u8]) -> Option<bool> {
    // ASCII only: the words drop other letters, and `ñ-source` is a node.
    let text = std::str::from_utf8(name).ok().filter(|t| t.is_ascii())?;
    let words = blastgate_change::name_words(text);
    let (mut dependent, mut dependency) = (false, false);
    for w in &words {
        if DEPENDENT_WORDS.contains(&w.as_str()) {
            dependent = true;
        } else if DEPENDENCY_WORDS.contains(&w.as_str()) {
            dependency = true;
        } else if !QUALIFIER_WORDS.contains(&w.as_str()) {
            return None;
        }
    }
    match (dependent, dependency) {
        (true, false) => Some(true),
        (false, true) => Some(false),
        _ => None,
    }
}

/// Names of a header's third column that say it holds probabilities.
const PROBABILITY: [&str; 4] = ["probability", "prob", "p", "propagation_probability"];

/// A header row that was skipped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Header {
    /// The offset of the `\n` ending it (or of the end of the input).
    pub(super) end: usize,
    /// Its text, for the warning.
    pub(super) text: String,
    /// Its line number (1-based).
    pub(super) line: usize,
}

/// How `blastgate graph export --to edges` starts its files: they hold no
/// header row, so none is looked for (an edge between nodes named
/// `source` and `target` is an edge there).
pub(super) const EXPORT_MARK: &str = "# blastgate edge list:";

/// Reads the first line of `input` that is neither blank nor a comment as
/// a header row, if it is one: two columns that are one of the [`PAIRS`]
/// (in any case, quoted or not) or whose names' words say which side each
/// holds ([`role`]: `source_workload,destination_workload`), and optionally a third that is one of the
/// [`PROBABILITY`] names. Any other line (an edge, an error) is left to
/// the parser, and so is every line of a file `graph export` wrote (it
/// starts with [`EXPORT_MARK`]).
///
/// # Errors
/// [`GraphError::Syntax`] for a header that names the columns the other
/// way round (`target,source`, `upstream,downstream`): its rows would be
/// read backwards; or one
/// whose third column is not named as a probability (`weight`): its
/// numbers would be read as probabilities.
pub(super) fn header(file: &str, input: &[u8]) -> Result<Option<Header>, GraphError> {
    if input.starts_with(EXPORT_MARK.as_bytes()) {
        return Ok(None);
    }
    // The first line that is neither blank nor a comment (an audit: a
    // reversed header after a comment line read every row backwards).
    let mut start = 0;
    let mut number = 1;
    loop {
        let line_end = memchr::memchr(b'\n', input.get(start..).unwrap_or_default()).map(|e| start + e);
        let line = input.get(start..line_end.unwrap_or(input.len())).unwrap_or_default();
        let first = line.iter().position(|c| !matches!(c, b' ' | b'\t' | b'\r'));
        match (first.and_then(|i| line.get(i)), line_end) {
            (Some(b'#') | None, Some(e)) => {
                start = e + 1;
                number += 1;
            }
            (Some(b'#') | None, None) => return Ok(None),
            (Some(_), _) => break,
        }
    }
    let input = input.get(start..).unwrap_or_default();
    let Ok((end, Some(LineColumns { names: [a, b], third }))) = split(input) else {
        return Ok(None);
    };
    let word = |column: &Column| {
        let name = input.get(column.name.0..column.name.1).unwrap_or_default();
        (!column.escaped).then_some(name)
    };
    let is = |column: &Column, name: &str| word(column).is_some_and(|w| w.eq_ignore_ascii_case(name.as_bytes()));
    let line = input.get(..end).unwrap_or_default();
    let text = lossy(line.strip_suffix(b"\r").unwrap_or(line));
    let at = |column: usize| Place { number, line: input, column }.render();
    // By role words, for the many ways exports name the pair
    // (`destination_workload,source_workload`, `upstream,downstream`): a
    // red team's reversed headers beyond the exact pairs were read as an
    // edge, and every row backwards.
    let roles = (word(&a).and_then(role), word(&b).and_then(role));
    if PAIRS.iter().any(|(x, y)| is(&a, y) && is(&b, x)) || roles == (Some(false), Some(true)) {
        return Err(GraphError::syntax(
            file,
            at(a.raw.0),
            text,
            "header row names the dependency first, but an edge line is `dependent dependency`",
        )
        .with_help("swap the first two columns of every line (the caller or dependent first), or remove the header"));
    }
    if !PAIRS.iter().any(|(x, y)| is(&a, x) && is(&b, y)) && roles != (Some(true), Some(false)) {
        return Ok(None);
    }
    if let Some(third) = third
        && !PROBABILITY.iter().any(|p| is(&third, p))
    {
        return Err(GraphError::syntax(
            file,
            at(third.raw.0),
            lossy(input.get(third.raw.0..third.raw.1).unwrap_or_default()),
            "header row names a third column that is not a probability: the third column is read as the edge's propagation probability",
        )
        .with_help("remove the column, or name it `probability` if it holds propagation probabilities from 0 to 1"));
    }
    Ok(Some(Header { end: start + end, text, line: number }))
}

#[cfg(test)]
mod tests {
    use super::role;

    #[test]
    fn roles_from_column_names() {
        for name in ["source_workload", "callerService", "downstream", "from", "Source-App", "client.svc"] {
            assert_eq!(role(name.as_bytes()), Some(true), "{name}");
        }
        for name in ["destination_workload", "callee_service", "upstream", "to_node", "dst", "providerName"] {
            assert_eq!(role(name.as_bytes()), Some(false), "{name}");
        }
        // Node names, both roles, or neither.
        for name in ["order-source", "target-db", "source_target", "payments", "", "weight", "ñ-source"] {
            assert_eq!(role(name.as_bytes()), None, "{name}");
        }
    }
}
