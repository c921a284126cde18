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
//! `O(n)` in the input size: each byte is scanned once, each name is hashed
//! once and looked up in a table of its own (batched so that cache misses
//! overlap, see `Parser::flush`), and each new name is declared in the
//! fragment once. No allocation per line, only per new name. About 1.1 s
//! for 10M edges over 1M nodes (136 MB) on one core of the development
//! machine; a third of that is the fragment's own cost of declaring 1M
//! nodes (see `benches/benches/graph_load.rs`).

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
    let mut parser = Parser {
        input,
        fragment,
        names: Names::with_capacity(nodes),
        batch: Vec::with_capacity(BATCH),
        previous: None,
    };
    let mut start = 0;
    let mut number = 0;
    while start <= input.len() {
        number += 1;
        start = parser.line(number, start)? + 1;
    }
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

impl Parser<'_> {
    /// Reads line `number` (from 1), which starts at input offset `start`;
    /// returns the offset of its `\n` (or of the end of the input).
    ///
    /// Lines are not split first: the column scan finds the line's end, so
    /// every byte is looked at once.
    fn line(&mut self, number: usize, start: usize) -> Result<usize, GraphError> {
        let text = self.input.get(start..).unwrap_or_default();
        match read_line(self.fragment.file(), number, text) {
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
        let Parser { input, fragment, names, batch, previous } = self;
        let text = |span: Span| input.get(span.0..span.1).unwrap_or_default();
        let mut before = previous.map(|(span, _)| span);
        for edge in batch.iter_mut() {
            let [a, b] = &mut edge.names;
            a.repeat = before.is_some_and(|span| text(span) == text(a.span));
            before = Some(a.span);
            for name in [a, b] {
                if !name.repeat {
                    name.key = Key::new(text(name.span));
                    name.hash = names.hash(&name.key, text(name.span));
                }
            }
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
                _ => match names.find(input, a) {
                    Some(id) => id,
                    None => declare(input, fragment, names, edge, a)?,
                },
            };
            *previous = Some((a.span, from));
            let to = match names.find(input, b) {
                Some(id) => id,
                None => declare(input, fragment, names, edge, b)?,
            };
            let spec = EdgeSpec { probability: edge.probability, ..EdgeSpec::default() };
            fragment.edge(from, to, spec)?;
        }
        batch.clear();
        Ok(())
    }
}

/// Declares `name`, seen for the first time on `edge`'s line, and returns
/// its fragment id. Only new names are checked for UTF-8: a name equal to
/// a known one is valid.
#[cold]
#[inline(never)]
fn declare(
    input: &[u8],
    fragment: &mut GraphFragment,
    names: &mut Names,
    edge: &EdgeLine,
    name: &Name,
) -> Result<u32, GraphError> {
    let bytes = input.get(name.span.0..name.span.1).unwrap_or_default();
    let line = input.get(edge.start..).unwrap_or_default();
    let place = Place { number: edge.number, line, column: name.span.0 - edge.start };
    let Ok(text) = std::str::from_utf8(bytes) else {
        return Err(GraphError::syntax(
            fragment.file(),
            place.render(),
            lossy(bytes),
            "service name is not valid UTF-8",
        )
        .with_help("save the file as UTF-8"));
    };
    let id = fragment.node(text, || place.render())?;
    names.insert(input, name, id).map_err(|()| {
        GraphError::invalid(fragment.file(), place.render(), text, "internal error: node ids are not dense")
    })?;
    Ok(id)
}

/// Splits the line at the start of `line` (which runs on to the end of the
/// input) into dependent, dependency and probability (`None` for a blank or
/// comment line), and finds the offset of its `\n` (or of the end).
fn read_line(file: &str, number: usize, line: &[u8]) -> Result<(usize, Option<EdgeColumns>), GraphError> {
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
        return Ok((columns.line_end(), None));
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
    Ok((columns.line_end(), Some(([dependent, dependency], probability))))
}

/// Dependent, dependency and probability of an edge line.
type EdgeColumns = ([Span; 2], Option<Probability>);

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
        let mut words = [0u64; 3];
        let head = name.get(..INLINE).unwrap_or(name);
        for (w, chunk) in words.iter_mut().zip(head.chunks(8)) {
            *w = match <[u8; 8]>::try_from(chunk) {
                Ok(full) => u64::from_le_bytes(full),
                Err(_) => chunk.iter().rev().fold(0, |acc, &b| (acc << 8) | u64::from(b)),
            };
        }
        // Inputs are at most 2 GiB, so every length fits.
        Self { words, len: u32::try_from(name.len()).unwrap_or(u32::MAX) }
    }
}

/// One slot of the name table, 32 bytes aligned: two to a cache line, so a
/// lookup that finds its name at once reads one line. Empty when
/// `len` is 0 (names are never empty).
#[derive(Debug, Clone, Copy, Default)]
#[repr(C, align(32))]
struct Slot {
    words: [u64; 3],
    len: u32,
    id: u32,
}

const _: () = assert!(std::mem::size_of::<Slot>() == 32);

impl Slot {
    fn new(key: Key, id: u32) -> Self {
        Self { words: key.words, len: key.len, id }
    }

    fn key(&self) -> Key {
        Key { words: self.words, len: self.len }
    }
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

    /// The id of `name`, if known.
    #[inline]
    fn find(&self, input: &[u8], name: &Name) -> Option<u32> {
        let mut i = name.hash as usize & self.mask;
        loop {
            let slot = self.slots.get(i)?;
            if slot.len == 0 {
                return None;
            }
            if slot.key() == name.key && (name.key.len as usize <= INLINE || self.same_tail(input, slot.id, name)) {
                return Some(slot.id);
            }
            i = (i + 1) & self.mask;
        }
    }

    /// Whether the name with `id` ends as `name` does (both are longer than
    /// [`INLINE`] and of equal length).
    fn same_tail(&self, input: &[u8], id: u32, name: &Name) -> bool {
        let Some(&at) = self.first.get(id as usize) else { return false };
        let len = name.span.1 - name.span.0;
        input.get(at + INLINE..at + len) == input.get(name.span.0 + INLINE..name.span.1)
    }

    /// Adds a name not in the table as `id`. `Err` if `id` breaks the
    /// invariant (ids not dense).
    fn insert(&mut self, input: &[u8], name: &Name, id: u32) -> Result<(), ()> {
        if id as usize != self.first.len() {
            return Err(());
        }
        self.first.push(name.span.0);
        if (self.used + 1) * 10 > self.slots.len() * 7 {
            self.grow(input);
        }
        self.place(Slot::new(name.key, id), name.hash);
        self.used += 1;
        Ok(())
    }

    fn place(&mut self, slot: Slot, hash: u64) {
        let mut i = hash as usize & self.mask;
        // INVARIANT: the table is at most 70% full, so an empty slot exists.
        while let Some(s) = self.slots.get_mut(i) {
            if s.len == 0 {
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
        for slot in old.into_iter().filter(|s| s.len != 0) {
            let at = self.first.get(slot.id as usize).copied().unwrap_or(0);
            let name = input.get(at..at + slot.len as usize).unwrap_or_default();
            let hash = self.hash(&slot.key(), name);
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

/// Whether `b` may end a column: a blank, comma, `#` or line ending (all
/// below 64, so one shift and mask decide).
fn is_special(b: u8) -> bool {
    const SPECIAL: u64 = 1 << b' ' | 1 << b'\t' | 1 << b',' | 1 << b'#' | 1 << b'\n' | 1 << b'\r';
    b < 64 && (SPECIAL >> b) & 1 == 1
}

/// Splits a line into columns. `line` runs on to the end of the input: the
/// line ends at the first `\n`, and a `\r` right before it (or before the
/// end of the input) is part of the line ending.
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
        if self.at_line_end() || self.peek() == Some(b'#') {
            return if self.after_comma { Err(self.pos) } else { Ok(None) };
        }
        if self.peek() == Some(b',') {
            return Err(self.pos);
        }
        let start = self.pos;
        while let Some(b) = self.peek() {
            if is_special(b) && (b != b'\r' || self.at_line_end()) {
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

    /// The offset of the `\n` ending the line (or of the end of the input),
    /// once [`Columns::next`] has returned `None`.
    fn line_end(&self) -> usize {
        match self.peek() {
            None | Some(b'\n') => self.pos,
            Some(b'\r') if self.line.get(self.pos + 1) == Some(&b'\n') => self.pos + 1,
            _ => {
                // A comment: skip it.
                let rest = self.line.get(self.pos..).unwrap_or_default();
                self.pos + memchr::memchr(b'\n', rest).unwrap_or(rest.len())
            }
        }
    }

    /// Whether the scan is at the line ending: `\n`, `\r\n`, or the end
    /// of the input (after an optional `\r`).
    fn at_line_end(&self) -> bool {
        match self.peek() {
            None | Some(b'\n') => true,
            Some(b'\r') => matches!(self.line.get(self.pos + 1), None | Some(b'\n')),
            Some(_) => false,
        }
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
        assert_eq!(edges("web api\napi db"), vec![edge("web", "api"), edge("api", "db")]);
    }
}
