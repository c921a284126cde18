//! A header row on the first line of an edge list, as spreadsheets and
//! data-frame libraries write one (`source,target`).

use blastgate_graph::GraphError;

use super::lines::{Column, LineColumns, Place, lossy, split};

/// Column names of a header row, dependent first: each pair names the
/// columns in the order an edge line has them.
const PAIRS: [(&str, &str); 7] = [
    ("source", "target"),
    ("src", "dst"),
    ("from", "to"),
    ("caller", "callee"),
    ("parent", "child"),
    ("dependent", "dependency"),
    ("service", "dependency"),
];

/// Names of a header's third column that say it holds probabilities.
const PROBABILITY: [&str; 4] = ["probability", "prob", "p", "propagation_probability"];

/// A header row that was skipped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Header {
    /// The offset of the `\n` ending it (or of the end of the input).
    pub(super) end: usize,
    /// Its text, for the warning.
    pub(super) text: String,
}

/// Reads the first line of `input` as a header row, if it is one: two
/// columns that are one of the [`PAIRS`] (in any case, quoted or not),
/// and optionally a third that is one of the [`PROBABILITY`] names. Any
/// other first line (a comment, an edge, an error) is left to the parser.
///
/// # Errors
/// [`GraphError::Syntax`] for a header that names the columns the other
/// way round (`target,source`): its rows would be read backwards; or one
/// whose third column is not named as a probability (`weight`): its
/// numbers would be read as probabilities.
pub(super) fn header(file: &str, input: &[u8]) -> Result<Option<Header>, GraphError> {
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
    let at = |column: usize| Place { number: 1, line: input, column }.render();
    if PAIRS.iter().any(|(x, y)| is(&a, y) && is(&b, x)) {
        return Err(GraphError::syntax(
            file,
            at(a.raw.0),
            text,
            "header row names the dependency first, but an edge line is `dependent dependency`",
        )
        .with_help("swap the first two columns of every line (the caller or dependent first), or remove the header"));
    }
    if !PAIRS.iter().any(|(x, y)| is(&a, x) && is(&b, y)) {
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
    Ok(Some(Header { end, text }))
}
