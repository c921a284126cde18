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

use std::hash::BuildHasher;

use blastgate_graph::{EdgeSpec, GraphError, GraphFragment, Origin, Probability, limits};

/// Parses an edge list (see the [module docs](self) for the format) into a
/// fragment whose nodes are all declared with [`Origin::Listed`].
///
/// # Errors
/// - [`GraphError::Syntax`] for a line with one name or more than three
///   columns, a third column that is not a number, an empty column, or a
///   name that is not valid UTF-8; with `line N, column C` and the text.
/// - [`GraphError::InvalidValue`] for a probability that is NaN, infinite
///   or outside `[0, 1]`, or a name that holds a control character.
/// - [`GraphError::LimitExceeded`] for an input over
///   [`limits::MAX_EDGE_LIST_BYTES`], a name over
///   [`limits::MAX_ID_BYTES`], or more than [`limits::MAX_NODES`] nodes or
///   [`limits::MAX_EDGES`] edges.
///
/// The first error in the file is reported.
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
    let mut fragment = GraphFragment::new(file, Origin::Listed);
    // One edge per line at most. Nodes are fewer than edges in any but tiny
    // graphs (10M edges over 1M nodes is typical of large benchmarks), so
    // reserve for all lines when small and an eighth of them when large;
    // the maps grow if the guess is short.
    let lines = memchr::memchr_iter(b'\n', input).count() + 1;
    let nodes = lines.min(4096 + lines / 8);
    fragment.reserve(nodes, lines);
    let mut parser = Parser { input, fragment, names: Names::with_capacity(nodes), batch: Vec::with_capacity(BATCH) };
    let mut start = 0;
    let mut number = 0;
    for end in memchr::memchr_iter(b'\n', input) {
        number += 1;
        parser.line(number, start, end)?;
        start = end + 1;
    }
    parser.line(number + 1, start, input.len())?;
    parser.flush()?;
    Ok(parser.fragment)
}

/// Lines read before their names are looked up (see [`Parser::flush`]).
const BATCH: usize = 32;

/// A byte range `start..end`.
type Span = (usize, usize);

/// The parser's state. Edge lines are collected in batches; names are
/// looked up batch by batch.
struct Parser<'a> {
    input: &'a [u8],
    fragment: GraphFragment,
    names: Names,
    batch: Vec<EdgeLine>,
}

/// An edge line waiting in a batch. Spans are offsets into the input.
struct EdgeLine {
    number: usize,
    /// The line, without its line ending.
    line: Span,
    /// Dependent and dependency.
    names: [Span; 2],
    probability: Option<Probability>,
    keys: [Key; 2],
    hashes: [u64; 2],
}

impl Parser<'_> {
    /// Reads line `number` (from 1) at `start..end` (without its `\n`).
    fn line(&mut self, number: usize, start: usize, end: usize) -> Result<(), GraphError> {
        let raw = self.input.get(start..end).unwrap_or_default();
        let line = raw.strip_suffix(b"\r").unwrap_or(raw);
        match read_line(self.fragment.file(), number, line) {
            Ok(None) => Ok(()),
            Ok(Some(([a, b], probability))) => {
                self.batch.push(EdgeLine {
                    number,
                    line: (start, start + line.len()),
                    names: [(start + a.0, start + a.1), (start + b.0, start + b.1)],
                    probability,
                    keys: [Key::default(); 2],
                    hashes: [0; 2],
                });
                if self.batch.len() >= BATCH { self.flush() } else { Ok(()) }
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
    fn flush(&mut self) -> Result<(), GraphError> {
        let Parser { input, fragment, names, batch } = self;
        let mut touched = 0u32;
        for edge in batch.iter_mut() {
            for ((span, key), hash) in edge.names.iter().zip(&mut edge.keys).zip(&mut edge.hashes) {
                let name = input.get(span.0..span.1).unwrap_or_default();
                *key = Key::new(name);
                *hash = names.hash(key, name);
                touched ^= names.touch(*hash);
            }
        }
        std::hint::black_box(touched);
        for edge in batch.drain(..) {
            let from = intern(input, fragment, names, &edge, 0)?;
            let to = intern(input, fragment, names, &edge, 1)?;
            let spec = EdgeSpec { probability: edge.probability, ..EdgeSpec::default() };
            fragment.edge(from, to, spec)?;
        }
        Ok(())
    }
}

/// The fragment id of name `which` (0 or 1) of `edge`, declaring it on
/// first sight. Only new names are checked for UTF-8: a name equal to a
/// known one is valid.
fn intern(
    input: &[u8],
    fragment: &mut GraphFragment,
    names: &mut Names,
    edge: &EdgeLine,
    which: usize,
) -> Result<u32, GraphError> {
    let (Some(&span), Some(key), Some(&hash)) = (edge.names.get(which), edge.keys.get(which), edge.hashes.get(which))
    else {
        return Err(GraphError::invalid(fragment.file(), "", "", "internal error: name index out of range"));
    };
    let name = input.get(span.0..span.1).unwrap_or_default();
    if let Some(id) = names.find(input, key, hash, name) {
        return Ok(id);
    }
    let line = input.get(edge.line.0..edge.line.1).unwrap_or_default();
    let place = Place { number: edge.number, line, column: span.0 - edge.line.0 };
    let Ok(text) = std::str::from_utf8(name) else {
        return Err(GraphError::syntax(
            fragment.file(),
            place.render(),
            lossy(name),
            "service name is not valid UTF-8",
        )
        .with_help("save the file as UTF-8"));
    };
    let id = fragment.node(text, || place.render())?;
    names.insert(input, *key, hash, id, span.0).map_err(|()| {
        GraphError::invalid(fragment.file(), place.render(), text, "internal error: node ids are not dense")
    })?;
    Ok(id)
}

/// Splits a line (without its line ending) into dependent, dependency and
/// probability; `None` for a blank or comment line.
fn read_line(file: &str, number: usize, line: &[u8]) -> Result<Option<([Span; 2], Option<Probability>)>, GraphError> {
    let mut columns = Columns { line, pos: 0, after_comma: false };
    let at = |column: usize| Place { number, line, column }.render();
    let syntax = |(a, b): Span, message: &str| {
        GraphError::syntax(file, at(a), text(line, a, b), message)
            .with_help("write one edge per line: `dependent dependency`, optionally followed by a probability")
    };
    let empty = |pos: usize| {
        GraphError::syntax(file, at(pos), "", "empty column")
            .with_help("remove the extra comma, or put a name between the commas")
    };
    let Some(dependent) = columns.next().map_err(empty)? else {
        return Ok(None);
    };
    let Some(dependency) = columns.next().map_err(empty)? else {
        return Err(syntax(dependent, "line names one service but an edge needs two"));
    };
    let third = columns.next().map_err(empty)?;
    if let Some(extra) = columns.next().map_err(empty)? {
        return Err(syntax(extra, "too many columns: an edge line has two names and an optional probability"));
    }
    let probability = match third {
        None => None,
        Some(span) => {
            let Some(p) = number_at(line, span) else {
                return Err(syntax(
                    span,
                    "third column is not a number: an edge line has two names and an optional probability",
                ));
            };
            let Some(p) = Probability::new(p) else {
                return Err(GraphError::invalid(
                    file,
                    at(span.0),
                    text(line, span.0, span.1),
                    "probability is not a finite number in [0, 1]",
                )
                .with_help("write the propagation probability as a number from 0 to 1, such as `0.3`"));
            };
            Some(p)
        }
    };
    Ok(Some(([dependent, dependency], probability)))
}

/// Bytes of a name kept in its table slot; longer names are compared with
/// their first occurrence in the input.
const INLINE: usize = 24;

/// A name as the table compares it: its first [`INLINE`] bytes, zero
/// padded, and its length.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Key {
    words: [u64; 3],
    len: u32,
}

impl Key {
    fn new(name: &[u8]) -> Self {
        let mut buf = [0u8; INLINE];
        let n = name.len().min(INLINE);
        if let (Some(dst), Some(src)) = (buf.get_mut(..n), name.get(..n)) {
            dst.copy_from_slice(src);
        }
        let mut words = [0u64; 3];
        for (w, chunk) in words.iter_mut().zip(buf.chunks_exact(8)) {
            let mut b = [0u8; 8];
            b.copy_from_slice(chunk);
            *w = u64::from_le_bytes(b);
        }
        // Inputs are at most 2 GiB, so every length fits.
        Self { words, len: u32::try_from(name.len()).unwrap_or(u32::MAX) }
    }
}

/// One slot of the name table, 32 bytes: two to a cache line. Empty when
/// `key.len` is 0 (names are never empty).
#[derive(Debug, Clone, Copy, Default)]
struct Slot {
    key: Key,
    id: u32,
}

/// A name table: open addressing with linear probing, at most 70% full.
/// It exists so that [`Parser::flush`] can touch a name's slot before the
/// lookup, which `std`'s map does not allow.
///
/// INVARIANT: `slots.len()` is a power of two and `mask` is one less;
/// `first[id]` is the input offset of the first occurrence of the name
/// with fragment id `id` (ids are dense: the fragment numbers names in the
/// order they are first declared, and only this table declares them).
struct Names {
    slots: Vec<Slot>,
    mask: usize,
    used: usize,
    first: Vec<usize>,
    /// Keys of the hash, random per table so that crafted names cannot
    /// force long probe runs.
    seed: [u64; 4],
}

impl Names {
    fn with_capacity(names: usize) -> Self {
        let len = (names.saturating_mul(10) / 7 + 1).next_power_of_two().max(16);
        let random = std::collections::hash_map::RandomState::new();
        let seed = [1u64, 2, 3, 4].map(|i| random.hash_one(i) | 1);
        Self { slots: vec![Slot::default(); len], mask: len - 1, used: 0, first: Vec::with_capacity(names), seed }
    }

    /// The hash of a name (folded multiplications, as in foldhash).
    fn hash(&self, key: &Key, name: &[u8]) -> u64 {
        let [s0, s1, s2, s3] = self.seed;
        let [w0, w1, w2] = key.words;
        let mut h = fold(w0 ^ s0, w1 ^ s1);
        h = fold(h ^ w2, s2 ^ u64::from(key.len));
        for chunk in name.get(INLINE..).unwrap_or_default().chunks(8) {
            let mut b = [0u8; 8];
            if let Some(dst) = b.get_mut(..chunk.len()) {
                dst.copy_from_slice(chunk);
            }
            h = fold(h ^ u64::from_le_bytes(b), s3);
        }
        h
    }

    /// Reads the slot where a lookup of `hash` starts (see [`Parser::flush`]).
    fn touch(&self, hash: u64) -> u32 {
        self.slots.get(hash as usize & self.mask).map_or(0, |s| s.id)
    }

    /// The id of `name` (whose key and hash are given), if known.
    fn find(&self, input: &[u8], key: &Key, hash: u64, name: &[u8]) -> Option<u32> {
        let mut i = hash as usize & self.mask;
        loop {
            let slot = self.slots.get(i)?;
            if slot.key.len == 0 {
                return None;
            }
            if slot.key == *key && (name.len() <= INLINE || self.same_tail(input, slot.id, name)) {
                return Some(slot.id);
            }
            i = (i + 1) & self.mask;
        }
    }

    /// Whether the name with `id` ends as `name` does (both are longer than
    /// [`INLINE`] and of equal length).
    fn same_tail(&self, input: &[u8], id: u32, name: &[u8]) -> bool {
        let Some(&at) = self.first.get(id as usize) else { return false };
        input.get(at + INLINE..at + name.len()) == name.get(INLINE..)
    }

    /// Adds a name not in the table, first seen at input offset `at`.
    /// `Err` if `id` breaks the invariant (ids not dense).
    fn insert(&mut self, input: &[u8], key: Key, hash: u64, id: u32, at: usize) -> Result<(), ()> {
        if id as usize != self.first.len() {
            return Err(());
        }
        self.first.push(at);
        if (self.used + 1) * 10 > self.slots.len() * 7 {
            self.grow(input);
        }
        self.place(Slot { key, id }, hash);
        self.used += 1;
        Ok(())
    }

    fn place(&mut self, slot: Slot, hash: u64) {
        let mut i = hash as usize & self.mask;
        // INVARIANT: the table is at most 70% full, so an empty slot exists.
        while let Some(s) = self.slots.get_mut(i) {
            if s.key.len == 0 {
                *s = slot;
                return;
            }
            i = (i + 1) & self.mask;
        }
    }

    fn grow(&mut self, input: &[u8]) {
        let len = self.slots.len() * 2;
        let old = std::mem::replace(&mut self.slots, vec![Slot::default(); len]);
        self.mask = len - 1;
        for slot in old.into_iter().filter(|s| s.key.len != 0) {
            let at = self.first.get(slot.id as usize).copied().unwrap_or(0);
            let name = input.get(at..at + slot.key.len as usize).unwrap_or_default();
            let hash = self.hash(&slot.key, name);
            self.place(slot, hash);
        }
    }
}

/// The high and low halves of the 128-bit product, xored.
fn fold(a: u64, b: u64) -> u64 {
    let p = u128::from(a) * u128::from(b);
    (p as u64) ^ ((p >> 64) as u64)
}

/// The number in a column, if it is one (Rust's float syntax, which also
/// reads `inf` and `NaN`: those are numbers, just not probabilities).
fn number_at(line: &[u8], (a, b): Span) -> Option<f64> {
    std::str::from_utf8(line.get(a..b)?).ok()?.parse().ok()
}

/// The text of a column for an error message.
fn text(line: &[u8], a: usize, b: usize) -> String {
    lossy(line.get(a..b).unwrap_or_default())
}

fn lossy(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
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
