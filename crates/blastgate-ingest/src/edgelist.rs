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
//! "cart service","redis-cart"
//! ```
//!
//! - Columns are separated by spaces or tabs, or by one comma with optional
//!   spaces or tabs around it (so CSV and TSV files work). An empty column
//!   (`a,,b`, a comma at the start or end, `""`) is an error.
//! - A column may be quoted as RFC 4180 has it, whatever the separator: it
//!   starts with `"` and runs to the next lone `"`, and may hold blanks,
//!   commas and `#`; `""` inside it is one quote. So files quoted by R's
//!   `write.csv`, pandas' `QUOTE_ALL` or a spreadsheet read as written.
//!   A quote must be closed on its line (a name cannot hold a line break)
//!   and be followed by a blank, a comma or the line's end; a `"` inside
//!   an unquoted column is an error.
//! - An optional third column is the edge's propagation probability: a
//!   number in `[0, 1]` (`0.3`, `1`, `5e-1`, quoted or not). It overrides
//!   the default for the edge's kind; see [`blastgate_graph::Probability`].
//! - `#` starts a comment at the start of a line or after a blank (after a
//!   comma it leaves the column empty, an error). A `#` inside an
//!   unquoted name (`a b#c`) is an error, since it could be a name's or a
//!   comment's; quote the name if it holds `#`. Blank lines are ignored,
//!   lines may end in `\r\n` and a leading UTF-8 byte order mark is
//!   skipped.
//! - The first line that is neither blank nor a comment, if it is a header
//!   row as spreadsheets and data-frame libraries write one, is skipped
//!   with a warning: two column names that are `source target`, `source
//!   destination`, `client server`, `src dst`, `from to`, `caller callee`,
//!   `parent child`, `dependent dependency` or `service dependency` (in any
//!   case, quoted or not), optionally followed by `probability`, `prob`,
//!   `p` or `propagation_probability`. A file [`to_edge_list`] wrote (it
//!   starts with `# blastgate edge list:`) has none: there the same line
//!   is an edge. A header naming the pair the
//!   other way round (`target,source`), or a third column by another name
//!   (`weight`), is an error, since the rows would be misread.
//! - Names are UTF-8, non-empty, without control characters and at most
//!   [`blastgate_graph::limits::MAX_ID_BYTES`] bytes. Naming a node declares
//!   it, with [`Origin::Listed`] trust and no attributes.
//!
//! Errors name the line and column (counted in characters, from 1) and the
//! offending text.
//!
//! # Complexity
//! `O(n)` in the input size: each byte is scanned once (the common line,
//! two names and a newline, eight bytes at a time), each name is hashed
//! once and looked up in a table of its own (batched so that cache misses
//! overlap, see `Parser::flush`). No allocation per line: names stay in the
//! input until the end, when [`GraphFragment::from_parts`] checks, copies
//! and indexes them on rayon's threads. About 0.6 s for 10M edges over 1M
//! nodes (136 MB) on one core of the development machine (see
//! `benches/benches/graph_load.rs`). A file with a quoted name that holds
//! `""` is copied once, those names unescaped in place, so that names stay
//! slices of one buffer (see `lines::unescaped_copy`).
//!
//! Cutting the input at line ends and parsing the pieces on several
//! threads was tried and dropped: renumbering the later pieces' names
//! through the first piece's table cost 0.2 s of the 0.3 s it saved on two
//! cores, and more than it saved on one busy core.

mod header;
mod lines;
mod names;
mod write;

use blastgate_graph::{GraphError, GraphFragment, Origin, Probability, check_id, limits};

use lines::{Place, lossy, plain_line, read_line, unescaped_copy};
use names::{INLINE, Key, Names};
pub use write::to_edge_list;

/// Parses an edge list (see the [module docs](self) for the format) into a
/// fragment whose nodes are all declared with [`Origin::Listed`].
///
/// # Errors
/// - [`GraphError::Syntax`] for a line with one name or more than three
///   columns, a third column that is not a number, an empty column, a
///   quote that is stray, unclosed on its line or followed by text, a `#`
///   inside a name, a header row naming its columns the other way round or
///   a third column that is not a probability, or a name that is not valid
///   UTF-8; with `line N, column C` and the text.
/// - [`GraphError::InvalidValue`] for a probability that is NaN, infinite
///   or outside `[0, 1]`, or a name that holds a control character.
/// - [`GraphError::LimitExceeded`] for an input over
///   [`limits::MAX_EDGE_LIST_BYTES`], a name over
///   [`limits::MAX_ID_BYTES`], or more than [`limits::MAX_NODES`] nodes or
///   [`limits::MAX_EDGES`] edges.
///
/// The first error in the file is reported. A header row that is skipped
/// is a warning of the fragment.
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
    let input = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let copy = unescaped_copy(input);
    let out = parse_lines(file, input, copy.as_deref().unwrap_or(input))?;
    let mut fragment = GraphFragment::from_parts(file, Origin::Listed, &out.ids, out.edges, out.probabilities)?;
    let named = out.self_loops.len();
    for (node, line) in out.self_loops {
        fragment.self_loop(node, || format!("line {line}"));
    }
    fragment.more_self_loops(out.self_loop_lines.saturating_sub(named));
    if let Some(header) = out.header {
        fragment.warn(
            format!("line {}", header.line),
            format!(
                "skipped the header row `{}`: the first column is read as the dependent (the caller), the second as its dependency",
                header.text
            ),
        );
    }
    Ok(fragment)
}

/// Parses the lines of `input`, reading names from `text`: the input
/// itself, or its copy with quoted names unescaped (see
/// [`unescaped_copy`]).
fn parse_lines<'a>(file: &'a str, input: &'a [u8], text: &'a [u8]) -> Result<Output<'a>, GraphError> {
    // One edge per line at most. Nodes are fewer than edges in any but tiny
    // graphs (10M edges over 1M nodes is typical of large benchmarks), so
    // reserve for all lines when small and an eighth of them when large;
    // the maps grow if the guess is short.
    let lines = memchr::memchr_iter(b'\n', input).count() + 1;
    let nodes = lines.min(4096 + lines / 8);
    let header = header::header(file, input)?;
    let mut parser = Parser {
        input,
        text,
        file,
        out: Output {
            ids: Vec::with_capacity(nodes),
            edges: Vec::with_capacity(lines),
            probabilities: Vec::new(),
            header: None,
            self_loops: std::collections::BTreeMap::new(),
            self_loop_lines: 0,
        },
        names: Names::with_capacity(nodes),
        batch: Vec::with_capacity(BATCH),
        previous: None,
    };
    let (mut start, mut number) = match &header {
        Some(h) => (h.end + 1, h.line),
        None => (0, 0),
    };
    parser.out.header = header;
    while start <= input.len() {
        number += 1;
        start = parser.line(number, start)? + 1;
    }
    parser.flush()?;
    Ok(parser.out)
}

/// Lines read before their names are looked up (see [`Parser::flush`]).
const BATCH: usize = 32;

/// A byte range `start..end`.
type Span = (usize, usize);

/// The parser's state. Edge lines are collected in batches; names are
/// looked up batch by batch.
struct Parser<'a> {
    /// The input, where lines and columns are read.
    input: &'a [u8],
    /// Where names are read: the input, or its copy with quoted names
    /// unescaped in place. Names' spans are the same in both.
    text: &'a [u8],
    file: &'a str,
    out: Output<'a>,
    names: Names,
    batch: Vec<EdgeLine>,
    /// The dependent of the last edge added, and its id.
    previous: Option<(Span, u32)>,
}

/// An edge line waiting in a batch. Offsets are into the input.
struct EdgeLine {
    number: usize,
    /// Where the line starts.
    start: usize,
    /// Dependent and dependency.
    names: [Name; 2],
    probability: Option<Probability>,
}

/// A name in the input, with its table key and hash once computed.
#[derive(Clone, Copy)]
struct Name {
    span: Span,
    key: Key,
    hash: u64,
    /// A dependent equal to the previous line's, with no key or hash.
    repeat: bool,
}

impl Name {
    fn at(span: Span) -> Self {
        Self { span, key: Key::default(), hash: 0, repeat: false }
    }
}

impl<'a> Parser<'a> {
    /// Reads line `number` (from 1), which starts at input offset `start`;
    /// returns the offset of its `\n` (or of the end of the input).
    ///
    /// Lines are not split first: the column scan finds the line's end, so
    /// every byte is looked at once.
    fn line(&mut self, number: usize, start: usize) -> Result<usize, GraphError> {
        if let Some((a, b, end)) = plain_line(self.input, start) {
            self.batch.push(EdgeLine { number, start, names: [Name::at(a), Name::at(b)], probability: None });
            if self.batch.len() >= BATCH {
                self.flush()?;
            }
            return Ok(end);
        }
        let text = self.input.get(start..).unwrap_or_default();
        match read_line(self.file, number, text) {
            Ok((end, None)) => Ok(start + end),
            Ok((end, Some(([a, b], probability)))) => {
                self.batch.push(EdgeLine {
                    number,
                    start,
                    names: [Name::at((start + a.0, start + a.1)), Name::at((start + b.0, start + b.1))],
                    probability,
                });
                if self.batch.len() >= BATCH {
                    self.flush()?;
                }
                Ok(start + end)
            }
            Err(e) => {
                // Earlier lines come first: one of them may hold an error too.
                self.flush()?;
                Err(e)
            }
        }
    }

    /// Interns the names of the batch and adds its edges.
    ///
    /// A lookup in a large name table almost always misses the processor's
    /// caches, and one lookup at a time waits for each miss in turn (about
    /// 150 ns here). So a first pass hashes every name of the batch and
    /// touches its table slot: these loads do not depend on each other, so
    /// the processor overlaps them. The second pass finds the slots in
    /// cache. This makes parsing several times faster on large graphs.
    ///
    /// Files exported from real systems list each dependent's edges
    /// together, so a dependent that repeats the previous line's is
    /// recognised by comparing bytes and not looked up again.
    fn flush(&mut self) -> Result<(), GraphError> {
        let Parser { input, text: names_text, file, out, names, batch, previous } = self;
        let (input, names_text) = (*input, *names_text);
        let text = |span: Span| names_text.get(span.0..span.1).unwrap_or_default();
        let mut before = previous.map(|(span, _)| (span, Key::at(names_text, span)));
        for edge in batch.iter_mut() {
            let [a, b] = &mut edge.names;
            // Keys are compared and hashed before they are stored: read
            // back at once, the stored words could not be forwarded.
            let key = Key::at(names_text, a.span);
            a.repeat = before.is_some_and(|(span, previous)| {
                key.same(&previous) && (key.len as usize <= INLINE || text(span) == text(a.span))
            });
            before = Some((a.span, key));
            if !a.repeat {
                a.hash = names.hash(&key, text(a.span));
            }
            a.key = key;
            let key = Key::at(names_text, b.span);
            b.hash = names.hash(&key, text(b.span));
            b.key = key;
        }
        // A loop this small lets the processor keep dozens of loads in
        // flight.
        let mut touched = 0u32;
        for edge in batch.iter() {
            let [a, b] = &edge.names;
            if !a.repeat {
                touched ^= names.touch(a.hash);
            }
            touched ^= names.touch(b.hash);
        }
        std::hint::black_box(touched);
        // By reference: moving each line out would copy it to the stack and
        // stall the loads that read it back.
        for edge in batch.iter() {
            let [a, b] = &edge.names;
            let from = match (a.repeat, *previous) {
                (true, Some((_, id))) => id,
                _ => match names.find(names_text, a) {
                    Some(id) => id,
                    None => declare([input, names_text], file, out, names, edge, a)?,
                },
            };
            *previous = Some((a.span, from));
            let to = match names.find(names_text, b) {
                Some(id) => id,
                None => declare([input, names_text], file, out, names, edge, b)?,
            };
            if from == to {
                out.self_loop(from, edge.number);
                continue;
            }
            out.edge(file, from, to, edge.probability)?;
        }
        batch.clear();
        Ok(())
    }
}

/// Declares `name`, seen for the first time on `edge`'s line, and returns
/// its fragment id. Only new names are checked for UTF-8: a name equal to
/// a known one is valid. `[input, names_text]` are the parser's buffers of
/// lines and of names.
#[cold]
#[inline(never)]
fn declare<'a>(
    [input, names_text]: [&'a [u8]; 2],
    file: &str,
    out: &mut Output<'a>,
    names: &mut Names,
    edge: &EdgeLine,
    name: &Name,
) -> Result<u32, GraphError> {
    let bytes = names_text.get(name.span.0..name.span.1).unwrap_or_default();
    let line = input.get(edge.start..).unwrap_or_default();
    let place = Place { number: edge.number, line, column: name.span.0 - edge.start };
    let Ok(text) = std::str::from_utf8(bytes) else {
        return Err(GraphError::syntax(file, place.render(), lossy(bytes), "service name is not valid UTF-8")
            .with_help("save the file as UTF-8"));
    };
    check_id(file, text, || place.render())?;
    let id = out.ids.len();
    if id as u64 >= limits::MAX_NODES {
        return Err(GraphError::limit(file, "max_nodes", limits::MAX_NODES, id as u64 + 1));
    }
    let id = u32::try_from(id).map_err(|_| GraphError::limit(file, "max_nodes", limits::MAX_NODES, id as u64 + 1))?;
    out.ids.push(text);
    names
        .insert(names_text, name, id)
        .map_err(|()| GraphError::invalid(file, place.render(), text, "internal error: node ids are not dense"))?;
    Ok(id)
}

/// What the parser found: the names, by id in order of first appearance,
/// and the edges.
struct Output<'a> {
    /// Borrowed from the input: the fragment copies them out.
    ids: Vec<&'a str>,
    edges: Vec<(u32, u32)>,
    /// Stated probabilities, by position in `edges`.
    probabilities: Vec<(u32, Probability)>,
    /// The header row skipped, if any.
    header: Option<header::Header>,
    /// The nodes with a self-loop, dropped, each with its first line:
    /// which `SELF_LOOP_WARNINGS` are named goes by node id, known only
    /// once every name is read. One entry a node, not a line, so that a
    /// file of a billion self-loop lines costs no more than its nodes.
    self_loops: std::collections::BTreeMap<u32, usize>,
    /// Self-loop lines in all.
    self_loop_lines: usize,
}

impl Output<'_> {
    /// Drops the line `number`'s edge from `node` to itself.
    #[cold]
    fn self_loop(&mut self, node: u32, number: usize) {
        self.self_loop_lines += 1;
        let first = self.self_loops.entry(node).or_insert(number);
        *first = (*first).min(number);
    }

    fn edge(&mut self, file: &str, from: u32, to: u32, probability: Option<Probability>) -> Result<(), GraphError> {
        let position = self.edges.len();
        if position as u64 >= limits::MAX_EDGES {
            return Err(GraphError::limit(file, "max_edges", limits::MAX_EDGES, position as u64 + 1));
        }
        if let Some(p) = probability {
            // INVARIANT: positions fit in 32 bits below the edge limit.
            self.probabilities.push((u32::try_from(position).unwrap_or(u32::MAX), p));
        }
        self.edges.push((from, to));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use blastgate_graph::{BuildOptions, EdgeSpec, GraphBuilder, ServiceGraph};

    use super::*;

    fn graph(text: &str) -> ServiceGraph {
        let fragment = parse("deps.edges", text.as_bytes()).unwrap();
        let mut builder = GraphBuilder::new(BuildOptions::default());
        builder.add(fragment).unwrap();
        builder.build().unwrap()
    }

    /// Edges as `(dependent, dependency, stated probability)`, sorted (the
    /// graph numbers nodes in id order).
    fn edges(text: &str) -> Vec<(String, String, Option<f64>)> {
        graph(text)
            .dependencies()
            .map(|(a, b, d)| (a.id().to_owned(), b.id().to_owned(), d.stated_probability().map(Probability::get)))
            .collect()
    }

    fn sorted(mut v: Vec<(String, String, Option<f64>)>) -> Vec<(String, String, Option<f64>)> {
        v.sort_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
        v
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

    /// Self-loops are dropped with a warning naming their line, ten of
    /// them, and one counting the rest (they said "(merged graph)", naming
    /// neither file nor line: an audit).
    #[test]
    fn self_loops_are_dropped_naming_their_line() {
        let mut text = String::from("a b\n");
        for i in 0..13 {
            text.push_str(&format!("s{i} s{i}\n"));
        }
        let fragment = parse("deps.edges", text.as_bytes()).unwrap();
        assert_eq!((fragment.node_count(), fragment.edge_count()), (15, 1));
        let shown: Vec<String> = graph(&text).warnings().iter().map(ToString::to_string).collect();
        assert_eq!(shown.len(), 11, "{shown:?}");
        assert_eq!(
            shown[0],
            "deps.edges: line 2: self-loop dropped: `s0` depends on itself, which adds no blast radius"
        );
        // The ten named are the first by id (`s10` before `s2`), listed
        // in line order.
        assert_eq!(
            shown[9],
            "deps.edges: line 14: self-loop dropped: `s12` depends on itself, which adds no blast radius"
        );
        assert_eq!(shown[10], "deps.edges: 3 more self-loops dropped");
        // Which are named does not depend on the order of the lines (a
        // determinism audit: the first ten lines were named).
        let named = |text: &str| -> Vec<String> {
            let mut ids: Vec<String> = graph(text)
                .warnings()
                .iter()
                .filter_map(|w| w.message().split('`').nth(1).map(str::to_owned))
                .collect();
            ids.sort();
            ids
        };
        let reversed: String = text.lines().rev().map(|l| format!("{l}\n")).collect();
        assert_eq!(named(&reversed), named(&text));
        // A node's repeated self-loops count, and are named once, at its
        // first line.
        let twice = format!("{text}s0 s0\n");
        let shown: Vec<String> = graph(&twice).warnings().iter().map(ToString::to_string).collect();
        assert_eq!(shown.len(), 11, "{shown:?}");
        assert!(shown[0].contains("line 2: self-loop dropped: `s0`"), "{shown:?}");
        assert_eq!(shown[10], "deps.edges: 4 more self-loops dropped");
        assert_eq!(named(&text), ["s0", "s1", "s10", "s11", "s12", "s2", "s3", "s4", "s5", "s6"]);
    }

    #[test]
    fn plain_lines() {
        assert_eq!(edges("web api\napi db\n"), sorted(vec![edge("web", "api"), edge("api", "db")]));
        assert_eq!(edges("web\tapi"), sorted(vec![edge("web", "api")]));
        assert_eq!(edges("  web   \t api  \n"), sorted(vec![edge("web", "api")]));
        let g = graph("web api\n");
        assert!(g.nodes().all(|n| n.origin() == Origin::Listed));
    }

    #[test]
    fn comments_and_blank_lines() {
        let text = "# a header\n\n   \nweb api # the front door\n\t# indented comment\napi db\t#tight\n";
        assert_eq!(edges(text), sorted(vec![edge("web", "api"), edge("api", "db")]));
    }

    /// Before, `#` anywhere started a comment: `api db#tight` was the edge
    /// `api -> db`, cutting an id that holds `#` short (it could merge with
    /// another node).
    #[test]
    fn hash_inside_a_name_is_an_error() {
        for (text, place, value) in [
            ("web api#tight\n", "line 1, column 5", "api#tight"),
            ("a b\nw#eb api\n", "line 2, column 1", "w#eb"),
            ("web,api#x,0.5\n", "line 1, column 5", "api#x"),
        ] {
            let e = error(text.as_bytes());
            assert!(matches!(e, GraphError::Syntax(_)), "{text}: {e:?}");
            assert_eq!((place_of(&e), value_of(&e)), (place, value), "{text}");
            assert!(e.to_string().contains("`#` inside a name"), "{e}");
        }
        // A comment after a blank, or a quoted `#`, is fine.
        assert_eq!(edges("web api #c\nweb db\t#c\n"), vec![edge("web", "api"), edge("web", "db")]);
        // After a comma, a comment leaves the column empty.
        assert!(error(b"web,#c\n").to_string().contains("empty column"));
        assert_eq!(edges("\"web#1\" api\n"), vec![edge("web#1", "api")]);
    }

    /// RFC 4180 quoting, as R's `write.csv`, pandas' `QUOTE_ALL` and
    /// spreadsheets write it. Before, the quotes were part of the names:
    /// `"frontend"` was another node than `frontend`.
    #[test]
    fn quoted_columns() {
        assert_eq!(edges("\"frontend\",\"cartservice\"\n"), vec![edge("frontend", "cartservice")]);
        assert_eq!(edges("\"frontend\",\"cartservice\"\r\n"), vec![edge("frontend", "cartservice")]);
        assert_eq!(edges("\"frontend\" cartservice"), vec![edge("frontend", "cartservice")]);
        assert_eq!(edges("\"a b\"\t\"c,d\"\n"), vec![edge("a b", "c,d")]);
        assert_eq!(edges(" \"a\" , \"b\" , \"0.5\" # note\n"), vec![("a".to_owned(), "b".to_owned(), Some(0.5))]);
        // Quoted and unquoted spellings are one node.
        let fragment = parse("deps.csv", b"\"a\",b\na,\"b\"\n\"a\" \"b\"\n").unwrap();
        assert_eq!((fragment.node_count(), fragment.edge_count()), (2, 3));
    }

    #[test]
    fn doubled_quotes_are_one_quote() {
        assert_eq!(edges("\"say \"\"hi\"\"\",b\n"), vec![edge("say \"hi\"", "b")]);
        assert_eq!(
            edges("x,y 0.5\n\"p\"\"q\",\"r\"\n"),
            sorted(vec![("x".to_owned(), "y".to_owned(), Some(0.5)), edge("p\"q", "r")])
        );
        // Names longer than the name table keeps inline, repeated, beside
        // names that differ only after the escape.
        let long = "a-name-longer-than-the-inline-part";
        let text = format!("\"{long}\"\"1\" b\n\"{long}\"\"1\" c\n\"{long}\"\"2\" b\nd \"{long}\"\"1\"\n{long}x b\n");
        let fragment = parse("deps.csv", text.as_bytes()).unwrap();
        assert_eq!((fragment.node_count(), fragment.edge_count()), (6, 5));
        assert_eq!(
            edges(&text),
            sorted(vec![
                edge(&format!("{long}\"1"), "b"),
                edge(&format!("{long}\"1"), "c"),
                edge(&format!("{long}\"2"), "b"),
                edge("d", &format!("{long}\"1")),
                edge(&format!("{long}x"), "b"),
            ])
        );
        // A doubled quote is no number.
        let e = error(b"a b \"0\"\"5\"\n");
        assert_eq!((place_of(&e), value_of(&e)), ("line 1, column 5", "\"0\"\"5\""));
        assert!(e.to_string().contains("not a number"), "{e}");
    }

    #[test]
    fn bad_quoting_is_an_error() {
        for (text, place, value, message) in [
            ("web ap\"i\n", "line 1, column 5", "ap\"i", "double quote inside an unquoted name"),
            ("web,\"api\"x,0.5\n", "line 1, column 5", "\"api\"x", "text after the closing quote"),
            ("web \"api\r\n", "line 1, column 5", "\"api", "not closed on its line"),
            // A quoted name across lines: refused on the line it opens.
            ("a b\nweb,\"api\nserver\",c\n", "line 2, column 5", "\"api", "not closed on its line"),
            ("web,\"\",api\n", "line 1, column 5", "\"\"", "empty column"),
            // An error before a doubled quote is reported as it is.
            ("a \"b\n\"c\"\"d\" e\n", "line 1, column 3", "\"b", "not closed on its line"),
        ] {
            let e = error(text.as_bytes());
            assert!(matches!(e, GraphError::Syntax(_)), "{text}: {e:?}");
            assert_eq!((place_of(&e), value_of(&e)), (place, value), "{text}");
            assert!(e.to_string().contains(message), "{text}: {e}");
        }
    }

    #[test]
    fn a_header_row_is_skipped_with_a_warning() {
        for text in [
            "source,target\na,b\n",
            "\u{feff}Source,Target\r\na,b\r\n",
            "\"from\",\"to\"\na,b\n",
            "caller callee probability\na b\n",
            "src,dst,p\na,b\n",
            "parent\tchild\na\tb\n",
            "dependent,dependency # columns\na,b\n",
        ] {
            let fragment = parse("deps.csv", text.as_bytes()).unwrap();
            assert_eq!((fragment.node_count(), fragment.edge_count()), (2, 1), "{text:?}");
            let [warning] = fragment.warnings() else { panic!("{text:?}: {:?}", fragment.warnings()) };
            assert_eq!(warning.place(), "line 1");
            assert!(warning.message().starts_with("skipped the header row `"), "{}", warning.message());
            assert_eq!(edges(text), vec![edge("a", "b")]);
        }
        // Lines after it keep their numbers.
        let e = error(b"source,target\na\n");
        assert_eq!(place_of(&e), "line 2, column 1");
        // A file of a header alone is empty.
        let fragment = parse("deps.csv", b"source,target\n").unwrap();
        assert_eq!((fragment.node_count(), fragment.edge_count(), fragment.warnings().len()), (0, 0, 1));
        // The first line that is neither blank nor a comment is looked at
        // (an audit: a reversed header after a comment read every row
        // backwards), but not in a file `to_edge_list` wrote: there the
        // same words are an edge.
        let fragment = parse("deps.edges", b"# edges\n\n  \nsource target\na b\n").unwrap();
        assert_eq!((fragment.node_count(), fragment.edge_count()), (2, 1));
        assert_eq!(fragment.warnings().first().map(|w| w.place()), Some("line 4"));
        let e = error(b"# exported\n\ntarget,source\norders-db,checkout\n");
        assert_eq!(place_of(&e), "line 3, column 1");
        let e = error(b"server,client\na,b\n");
        assert!(e.to_string().contains("names the dependency first"), "{e}");
        let export = format!("{} 2 nodes, 1 edges\nsource target\n", header::EXPORT_MARK);
        let fragment = parse("deps.edges", export.as_bytes()).unwrap();
        assert_eq!((fragment.node_count(), fragment.edge_count(), fragment.warnings().len()), (2, 1, 0));
        let export = format!("{} 2 nodes, 1 edges\ntarget source\n", header::EXPORT_MARK);
        assert_eq!(parse("deps.edges", export.as_bytes()).unwrap().edge_count(), 1);
        assert_eq!(parse("deps.edges", b"web api\n").unwrap().warnings().len(), 0);
    }

    /// A name that differs from another only by what does not show is
    /// refused, not made a second node that takes the first one's edges
    /// (an audit: `"svc1 "` quoted in a CSV emptied a blast radius).
    #[test]
    fn names_padded_or_with_invisible_characters_are_errors() {
        for text in
            ["\"svc1 \",\"orders-db\"\n", "\" svc1\",db\n", "svc1\u{a0},db\n", "a b\n\u{feff}c,d\n", "a\u{200b}b c\n"]
        {
            let e = error(text.as_bytes());
            assert!(matches!(e, GraphError::InvalidValue(_)), "{text:?}: {e:?}");
            let message = e.to_string();
            assert!(message.contains("whitespace") || message.contains("invisible"), "{text:?}: {message}");
        }
    }

    #[test]
    fn a_header_that_would_misread_the_rows_is_an_error() {
        for (text, place, value, message) in [
            ("target,source\nb,a\n", "line 1, column 1", "target,source", "names the dependency first"),
            ("Callee Caller\n", "line 1, column 1", "Callee Caller", "names the dependency first"),
            ("source,target,weight\na,b,3\n", "line 1, column 15", "weight", "not a probability"),
        ] {
            let e = error(text.as_bytes());
            assert!(matches!(e, GraphError::Syntax(_)), "{text}: {e:?}");
            assert_eq!((place_of(&e), value_of(&e)), (place, value), "{text}");
            assert!(e.to_string().contains(message), "{text}: {e}");
        }
    }

    #[test]
    fn commas() {
        let expected = vec![edge("web", "api")];
        assert_eq!(edges("web,api\n"), expected);
        assert_eq!(edges("web , api\n"), expected);
        assert_eq!(edges("web,\tapi\n"), expected);
        assert_eq!(edges("web ,api,0.5\n"), sorted(vec![("web".to_owned(), "api".to_owned(), Some(0.5))]));
    }

    #[test]
    fn crlf_and_bom() {
        assert_eq!(edges("web api\r\napi db\r\n"), sorted(vec![edge("web", "api"), edge("api", "db")]));
        assert_eq!(
            edges("\u{feff}web api\r\n# note\r\n\r\napi db"),
            sorted(vec![edge("web", "api"), edge("api", "db")])
        );
    }

    #[test]
    fn probability_column() {
        let got = edges("web api 0.25\napi db 1\ndb disk 0\ncache db 5e-1\n");
        let p: Vec<Option<f64>> = got.iter().map(|e| e.2).collect();
        // In id order of the edges: api db, cache db, db disk, web api.
        assert_eq!(p, vec![Some(1.0), Some(0.5), Some(0.0), Some(0.25)]);
    }

    #[test]
    fn probability_out_of_range() {
        for (text, value) in
            [("web api 1.5", "1.5"), ("web api -0.1", "-0.1"), ("web api NaN", "NaN"), ("web api inf", "inf")]
        {
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
        // A no-break space between two names does not separate them, and
        // the message says so (it read as `a b`, two names).
        let e = error("a\u{a0}b\n".as_bytes());
        assert!(e.to_string().contains("holds U+00A0, a space that does not separate columns"), "{e}");
        assert!(e.to_string().contains("help: separate the names with ASCII spaces"), "{e}");
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
        assert_eq!(edges("käse 東京"), sorted(vec![edge("käse", "東京")]));
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

    /// Compares the parser with a plain one (`str::lines`, one map lookup
    /// per name) on generated files: long names sharing their first 24
    /// bytes, names repeated on consecutive lines, enough names to grow the
    /// name table several times, comments and CRLF.
    #[test]
    fn matches_a_plain_parser() {
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        let mut next = move |n: u64| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state % n
        };
        let prefix = "a-name-that-is-longer-than-the-inline-part";
        for round in 0..20u32 {
            let pool = 1 + next(if round.is_multiple_of(2) { 50 } else { 20_000 });
            let mut text = String::new();
            let mut dependent = 0;
            for _ in 0..next(6_000) {
                if next(3) > 0 {
                    dependent = next(pool);
                }
                let dependency = next(pool);
                let name = |i: u64| if i.is_multiple_of(3) { format!("{prefix}{i}") } else { format!("s{i}") };
                text.push_str(&format!("{}\t{}", name(dependent), name(dependency)));
                match next(10) {
                    0 => text.push_str(" # note\r\n"),
                    1 => text.push_str("\r\n\n"),
                    _ => text.push('\n'),
                }
            }
            let mut plain = GraphFragment::new("deps.edges", Origin::Listed);
            for line in text.lines() {
                let line = line.split('#').next().unwrap_or_default();
                let mut columns = line.split_whitespace();
                if let (Some(a), Some(b)) = (columns.next(), columns.next()) {
                    let a = plain.node(a, String::new).unwrap();
                    let b = plain.node(b, String::new).unwrap();
                    plain.edge(a, b, EdgeSpec::default()).unwrap();
                }
            }
            let fragment = parse("deps.edges", text.as_bytes()).unwrap();
            assert_eq!((fragment.node_count(), fragment.edge_count()), (plain.node_count(), plain.edge_count()));
            let build = |fragment: GraphFragment| {
                let mut builder = GraphBuilder::new(BuildOptions::default());
                builder.add(fragment).unwrap();
                let graph = builder.build().unwrap();
                let ids: Vec<String> = graph.nodes().map(|n| n.id().to_owned()).collect();
                let edges: Vec<(String, String)> =
                    graph.dependencies().map(|(a, b, _)| (a.id().to_owned(), b.id().to_owned())).collect();
                (ids, edges)
            };
            assert_eq!(build(fragment), build(plain), "round {round}");
        }
    }

    #[test]
    fn no_trailing_newline() {
        assert_eq!(edges("web api\napi db"), sorted(vec![edge("web", "api"), edge("api", "db")]));
    }
}
