//! The plain edge-list format: the fast path for very large graphs.
//!
//! One edge per line, `dependent dependency`: the first service calls or
//! depends on the second, so a change to the second can affect the first.
//!
//! ```text
//! # checkout path
//! frontend checkoutservice
//! checkoutservice,paymentservice
//! checkoutservice , emailservice, 0.3   # soft: mails are retried
//! ```
//!
//! - Columns are separated by spaces or tabs, or by one comma with optional
//!   spaces or tabs around it (so CSV and TSV files without quoting work).
//!   An empty column (`a,,b`, a comma at the start or end) is an error.
//! - An optional third column is the edge's propagation probability: a
//!   number in `[0, 1]` (`0.3`, `1`, `5e-1`). It overrides the default for
//!   the edge's kind; see [`blastgate_graph::Probability`].
//! - `#` starts a comment, on a line of its own or after an edge; names
//!   cannot contain `#`. Blank lines are ignored, lines may end in `\r\n`
//!   and a leading UTF-8 byte order mark is skipped. There is no header
//!   line: comment one out.
//! - Names are UTF-8, non-empty, without control characters and at most
//!   [`blastgate_graph::limits::MAX_ID_BYTES`] bytes. Naming a node declares
//!   it, with [`Origin::Listed`] trust and no attributes.
//!
//! Errors name the line and column (counted in characters, from 1) and the
//! offending text.
//!
//! # Complexity
//! `O(n)` in the input size with one hash lookup per name; no allocation
//! per line. About 0.5 s for 10M edges over 1M nodes (138 MB) on one core
//! (see `benches/benches/graph_load.rs`).

use blastgate_graph::{EdgeSpec, GraphError, GraphFragment, Origin, Probability, limits};

/// Parses an edge list (see the [module docs](self) for the format) into a
/// fragment whose nodes are all declared with [`Origin::Listed`].
///
/// # Errors
/// - [`GraphError::Syntax`] for a line with one name or more than three
///   columns, a third column that is not a number, an empty column, or a
///   name that is not valid UTF-8; with `line N, column C` and the text.
/// - [`GraphError::InvalidValue`] for a probability that is NaN, infinite
///   or outside `[0, 1]`, or a name that is empty after all or holds a
///   control character.
/// - [`GraphError::LimitExceeded`] for an input over
///   [`limits::MAX_EDGE_LIST_BYTES`], a name over
///   [`limits::MAX_ID_BYTES`], or more than [`limits::MAX_NODES`] nodes or
///   [`limits::MAX_EDGES`] edges.
///
/// # Example
/// ```
/// let fragment = blastgate_ingest::edgelist::parse("deps.edges", b"web api\napi db, 0.5\n")?;
/// assert_eq!((fragment.node_count(), fragment.edge_count()), (3, 2));
/// # Ok::<(), blastgate_graph::GraphError>(())
/// ```
pub fn parse(file: &str, bytes: &[u8]) -> Result<GraphFragment, GraphError> {
    if bytes.len() as u64 > limits::MAX_EDGE_LIST_BYTES {
        return Err(GraphError::limit(file, "max_input_bytes", limits::MAX_EDGE_LIST_BYTES, bytes.len() as u64));
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut fragment = GraphFragment::new(file, Origin::Listed);
    // One edge per line at most. Nodes are fewer than edges in any but tiny
    // graphs (10M edges over 1M nodes is typical of large benchmarks), so
    // reserve for all lines when small and an eighth of them when large;
    // the node map grows if the guess is short.
    let lines = memchr::memchr_iter(b'\n', bytes).count() + 1;
    fragment.reserve(lines.min(4096 + lines / 8), lines);
    let mut start = 0;
    let mut number = 0;
    for end in memchr::memchr_iter(b'\n', bytes) {
        number += 1;
        parse_line(&mut fragment, number, bytes.get(start..end).unwrap_or_default())?;
        start = end + 1;
    }
    parse_line(&mut fragment, number + 1, bytes.get(start..).unwrap_or_default())?;
    Ok(fragment)
}

/// A line's columns, as byte ranges into the line.
type Span = (usize, usize);

/// Parses one line (without its `\n`); `number` counts from 1.
fn parse_line(fragment: &mut GraphFragment, number: usize, line: &[u8]) -> Result<(), GraphError> {
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    let mut columns = Columns { line, pos: 0, after_comma: false };
    let at = |column: usize| Place { number, line, column };
    let syntax = |fragment: &GraphFragment, (a, b): Span, message: &str| {
        GraphError::syntax(fragment.file(), at(a).render(), text(line, a, b), message)
            .with_help("write one edge per line: `dependent dependency`, optionally followed by a probability")
    };
    let empty = |fragment: &GraphFragment, pos: usize| {
        GraphError::syntax(fragment.file(), at(pos).render(), "", "empty column")
            .with_help("remove the extra comma, or put a name between the commas")
    };
    let Some(dependent) = columns.next().map_err(|pos| empty(fragment, pos))? else {
        return Ok(());
    };
    let Some(dependency) = columns.next().map_err(|pos| empty(fragment, pos))? else {
        return Err(syntax(fragment, dependent, "line names one service but an edge needs two"));
    };
    let third = columns.next().map_err(|pos| empty(fragment, pos))?;
    if let Some(extra) = columns.next().map_err(|pos| empty(fragment, pos))? {
        return Err(syntax(fragment, extra, "too many columns: an edge line has two names and an optional probability"));
    }
    let spec = match third {
        None => EdgeSpec::default(),
        Some(span) => {
            let Some(p) = number_at(line, span) else {
                return Err(syntax(fragment, span, "third column is not a number: an edge line has two names and an optional probability"));
            };
            let Some(p) = Probability::new(p) else {
                return Err(GraphError::invalid(
                    fragment.file(),
                    at(span.0).render(),
                    text(line, span.0, span.1),
                    "probability is not a finite number in [0, 1]",
                )
                .with_help("write the propagation probability as a number from 0 to 1, such as `0.3`"));
            };
            EdgeSpec { probability: Some(p), ..EdgeSpec::default() }
        }
    };
    let from = name(fragment, line, dependent, at(dependent.0))?;
    let to = name(fragment, line, dependency, at(dependency.0))?;
    fragment.edge(from, to, spec)
}

/// Interns the name at `span`, checking that it is UTF-8 (the fragment
/// checks the rest).
fn name(fragment: &mut GraphFragment, line: &[u8], (a, b): Span, place: Place<'_>) -> Result<u32, GraphError> {
    let bytes = line.get(a..b).unwrap_or_default();
    let Ok(id) = std::str::from_utf8(bytes) else {
        return Err(GraphError::syntax(fragment.file(), place.render(), text(line, a, b), "service name is not valid UTF-8")
            .with_help("save the file as UTF-8"));
    };
    fragment.node(id, || place.render())
}

/// The number in a column, if it is one (Rust's float syntax, which also
/// reads `inf` and `NaN`: those are numbers, just not probabilities).
fn number_at(line: &[u8], (a, b): Span) -> Option<f64> {
    std::str::from_utf8(line.get(a..b)?).ok()?.parse().ok()
}

/// The text of a column for an error message.
fn text(line: &[u8], a: usize, b: usize) -> String {
    String::from_utf8_lossy(line.get(a..b).unwrap_or_default()).into_owned()
}

/// A line and byte offset, rendered only when an error needs it so that
/// the hot path does not allocate.
#[derive(Clone, Copy)]
struct Place<'a> {
    number: usize,
    line: &'a [u8],
    column: usize,
}

impl Place<'_> {
    /// `line N, column C`, with `C` counted in characters from 1 (each
    /// invalid UTF-8 sequence counts as one).
    fn render(self) -> String {
        let before = String::from_utf8_lossy(self.line.get(..self.column).unwrap_or(self.line));
        format!("line {}, column {}", self.number, before.chars().count() + 1)
    }
}

/// Splits a line into columns.
struct Columns<'a> {
    line: &'a [u8],
    pos: usize,
    /// A comma was just consumed, so a column must follow.
    after_comma: bool,
}

impl Columns<'_> {
    /// The next column, `None` at the end of the line or a comment, or
    /// `Err(offset)` where a column is empty.
    fn next(&mut self) -> Result<Option<Span>, usize> {
        self.skip_blanks();
        match self.peek() {
            None | Some(b'#') if self.after_comma => return Err(self.pos),
            None | Some(b'#') => return Ok(None),
            Some(b',') => return Err(self.pos),
            Some(_) => {}
        }
        let start = self.pos;
        while let Some(b) = self.peek() {
            if matches!(b, b' ' | b'\t' | b',' | b'#') {
                break;
            }
            self.pos += 1;
        }
        let end = self.pos;
        self.skip_blanks();
        self.after_comma = self.peek() == Some(b',');
        if self.after_comma {
            self.pos += 1;
        }
        Ok(Some((start, end)))
    }

    fn peek(&self) -> Option<u8> {
        self.line.get(self.pos).copied()
    }

    fn skip_blanks(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t')) {
            self.pos += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use blastgate_graph::{BuildOptions, GraphBuilder, ServiceGraph};

    use super::*;

    fn graph(text: &str) -> ServiceGraph {
        let fragment = parse("deps.edges", text.as_bytes()).unwrap();
        let mut builder = GraphBuilder::new(BuildOptions::default());
        builder.add(fragment).unwrap();
        builder.build().unwrap()
    }

    /// Edges as `(dependent, dependency, stated probability)`.
    fn edges(text: &str) -> Vec<(String, String, Option<f64>)> {
        graph(text)
            .dependencies()
            .map(|(a, b, d)| (a.id().to_owned(), b.id().to_owned(), d.stated_probability().map(Probability::get)))
            .collect()
    }

    fn edge(a: &str, b: &str) -> (String, String, Option<f64>) {
        (a.to_owned(), b.to_owned(), None)
    }

    fn error(text: &[u8]) -> GraphError {
        parse("deps.edges", text).unwrap_err()
    }

    fn place_of(e: &GraphError) -> &str {
        match e {
            GraphError::Syntax(d) | GraphError::InvalidValue(d) => d.place(),
            other => panic!("unexpected error {other:?}"),
        }
    }

    fn value_of(e: &GraphError) -> &str {
        match e {
            GraphError::Syntax(d) | GraphError::InvalidValue(d) => d.value(),
            other => panic!("unexpected error {other:?}"),
        }
    }

    #[test]
    fn plain_lines() {
        assert_eq!(edges("web api\napi db\n"), vec![edge("web", "api"), edge("api", "db")]);
        assert_eq!(edges("web\tapi"), vec![edge("web", "api")]);
        assert_eq!(edges("  web   \t api  \n"), vec![edge("web", "api")]);
        let g = graph("web api\n");
        assert!(g.nodes().all(|n| n.origin() == Origin::Listed));
    }

    #[test]
    fn comments_and_blank_lines() {
        let text = "# a header\n\n   \nweb api # the front door\n\t# indented comment\napi db#tight\n";
        assert_eq!(edges(text), vec![edge("web", "api"), edge("api", "db")]);
    }

    #[test]
    fn commas() {
        let expected = vec![edge("web", "api")];
        assert_eq!(edges("web,api\n"), expected);
        assert_eq!(edges("web , api\n"), expected);
        assert_eq!(edges("web,\tapi\n"), expected);
        assert_eq!(edges("web ,api,0.5\n"), vec![("web".to_owned(), "api".to_owned(), Some(0.5))]);
    }

    #[test]
    fn crlf_and_bom() {
        assert_eq!(edges("web api\r\napi db\r\n"), vec![edge("web", "api"), edge("api", "db")]);
        assert_eq!(edges("\u{feff}web api\r\n# note\r\n\r\napi db"), vec![edge("web", "api"), edge("api", "db")]);
    }

    #[test]
    fn probability_column() {
        let got = edges("web api 0.25\napi db 1\ndb disk 0\ncache db 5e-1\n");
        let p: Vec<Option<f64>> = got.iter().map(|e| e.2).collect();
        // In order of the dependents' first appearance: web, api, db, cache.
        assert_eq!(p, vec![Some(0.25), Some(1.0), Some(0.0), Some(0.5)]);
    }

    #[test]
    fn probability_out_of_range() {
        for (text, value) in [("web api 1.5", "1.5"), ("web api -0.1", "-0.1"), ("web api NaN", "NaN"), ("web api inf", "inf")] {
            let e = error(text.as_bytes());
            assert!(matches!(e, GraphError::InvalidValue(_)), "{text}: {e:?}");
            assert_eq!(place_of(&e), "line 1, column 9", "{text}");
            assert_eq!(value_of(&e), value, "{text}");
            assert!(e.to_string().contains("[0, 1]"), "{e}");
        }
    }

    #[test]
    fn one_name_is_an_error() {
        let e = error(b"web api\n\n  lonely  \n");
        assert!(matches!(e, GraphError::Syntax(_)), "{e:?}");
        assert_eq!(place_of(&e), "line 3, column 3");
        assert_eq!(value_of(&e), "lonely");
        assert_eq!(
            e.to_string(),
            "deps.edges: line 3, column 3: line names one service but an edge needs two: `lonely`; \
             help: write one edge per line: `dependent dependency`, optionally followed by a probability"
        );
    }

    #[test]
    fn extra_columns_are_errors() {
        let e = error(b"web api db\n");
        assert!(matches!(e, GraphError::Syntax(_)), "{e:?}");
        assert_eq!((place_of(&e), value_of(&e)), ("line 1, column 9", "db"));
        assert!(e.to_string().contains("not a number"), "{e}");
        let e = error(b"a b\nweb api 0.5 extra\n");
        assert!(matches!(e, GraphError::Syntax(_)), "{e:?}");
        assert_eq!((place_of(&e), value_of(&e)), ("line 2, column 13", "extra"));
        assert!(e.to_string().contains("too many columns"), "{e}");
    }

    #[test]
    fn empty_columns_are_errors() {
        for (text, place) in [
            ("web,,api", "line 1, column 5"),
            (",web,api", "line 1, column 1"),
            ("web,api,", "line 1, column 9"),
            ("web, # comment", "line 1, column 6"),
        ] {
            let e = error(text.as_bytes());
            assert!(matches!(e, GraphError::Syntax(_)), "{text}: {e:?}");
            assert_eq!(place_of(&e), place, "{text}");
            assert!(e.to_string().contains("empty column"), "{e}");
        }
    }

    #[test]
    fn invalid_utf8_names_the_place() {
        let e = error(b"web api\nk\xc3\xa4se \xff\xfeboom\n");
        assert!(matches!(e, GraphError::Syntax(_)), "{e:?}");
        // Columns count characters: `käse ` is five.
        assert_eq!(place_of(&e), "line 2, column 6");
        assert_eq!(value_of(&e), "\u{fffd}\u{fffd}boom");
        assert!(e.to_string().contains("not valid UTF-8"), "{e}");
        // Valid UTF-8 names are fine.
        assert_eq!(edges("käse 東京"), vec![edge("käse", "東京")]);
    }

    #[test]
    fn control_characters_and_long_names() {
        let e = error(b"web ap\ri\n");
        assert!(matches!(e, GraphError::InvalidValue(_)), "{e:?}");
        assert_eq!(place_of(&e), "line 1, column 5");
        let long = "x".repeat(limits::MAX_ID_BYTES + 1);
        let e = error(format!("web {long}\n").as_bytes());
        assert!(e.is_limit(), "{e:?}");
        let ok = "x".repeat(limits::MAX_ID_BYTES);
        assert_eq!(edges(&format!("web {ok}\n")).len(), 1);
    }

    #[test]
    fn empty_file_is_an_empty_graph() {
        for text in ["", "\n", "# nothing here\n\n", "\u{feff}"] {
            let fragment = parse("empty.edges", text.as_bytes()).unwrap();
            assert_eq!((fragment.node_count(), fragment.edge_count()), (0, 0), "{text:?}");
        }
    }

    #[test]
    fn repeated_names_are_one_node() {
        let fragment = parse("deps.edges", b"a b\nb c\na c\na b\n").unwrap();
        assert_eq!((fragment.node_count(), fragment.edge_count()), (3, 4));
        assert_eq!(graph("a b\nb c\na c\na b\n").edge_count(), 3);
    }

    #[test]
    fn no_trailing_newline() {
        assert_eq!(edges("web api\napi db"), vec![edge("web", "api"), edge("api", "db")]);
    }
}
