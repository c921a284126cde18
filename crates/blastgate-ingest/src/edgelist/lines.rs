//! Reading the lines of an edge list: the common line a word at a time,
//! any other line column by column.

use blastgate_graph::{GraphError, Probability};

use super::Span;

/// The common line, read a word at a time: two names separated by blanks
/// and ended by `\n` or the end of the input, with nothing else (no
/// leading or trailing blank, comma, probability, comment or `\r`).
/// Returns the names' spans and the offset of the line's end; `None` for
/// any other line, which [`read_line`] reads (to the same result when it is
/// a plain line after all).
pub(super) fn plain_line(input: &[u8], start: usize) -> Option<(Span, Span, usize)> {
    let a_end = column_end(input, start);
    if a_end == start {
        return None;
    }
    let mut b_start = a_end;
    while matches!(input.get(b_start), Some(b' ' | b'\t')) {
        b_start += 1;
    }
    if b_start == a_end {
        return None;
    }
    let b_end = column_end(input, b_start);
    match input.get(b_end) {
        _ if b_end == b_start => None,
        None | Some(b'\n') => Some(((start, a_end), (b_start, b_end), b_end)),
        Some(_) => None,
    }
}

/// The offset of the first byte at or after `pos` that [`is_special`]
/// calls a column's end, or the input's length. Eight bytes at a time: a
/// byte equal to `c` is a zero byte of `x ^ c`, and the lowest zero byte is
/// found exactly by the usual borrow trick (higher ones may be missed or
/// invented, which does not matter for the first).
fn column_end(input: &[u8], mut pos: usize) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let zero = |y: u64| y.wrapping_sub(ONES) & !y & HIGH;
    while let Some(chunk) = input.get(pos..pos + 8) {
        let Ok(chunk) = <[u8; 8]>::try_from(chunk) else { break };
        let x = u64::from_le_bytes(chunk);
        let hits =
            [b' ', b'\t', b',', b'#', b'\n', b'\r'].iter().fold(0, |acc, &c| acc | zero(x ^ (ONES * u64::from(c))));
        if hits != 0 {
            return pos + (hits.trailing_zeros() / 8) as usize;
        }
        pos += 8;
    }
    while input.get(pos).is_some_and(|&b| !is_special(b)) {
        pos += 1;
    }
    pos
}

/// Splits the line at the start of `line` (which runs on to the end of the
/// input) into dependent, dependency and probability (`None` for a blank or
/// comment line), and finds the offset of its `\n` (or of the end).
pub(super) fn read_line(file: &str, number: usize, line: &[u8]) -> Result<(usize, Option<EdgeColumns>), GraphError> {
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
pub(super) type EdgeColumns = ([Span; 2], Option<Probability>);

/// The number in a column, if it is one (Rust's float syntax, which also
/// reads `inf` and `NaN`: those are numbers, just not probabilities).
fn number_at(line: &[u8], (a, b): Span) -> Option<f64> {
    std::str::from_utf8(line.get(a..b)?).ok()?.parse().ok()
}

/// The text of a column for an error message.
fn text(line: &[u8], a: usize, b: usize) -> String {
    lossy(line.get(a..b).unwrap_or_default())
}

pub(super) fn lossy(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A line and byte offset, rendered only when an error needs it so that
/// the hot path does not allocate.
#[derive(Clone, Copy)]
pub(super) struct Place<'a> {
    pub(super) number: usize,
    pub(super) line: &'a [u8],
    pub(super) column: usize,
}

impl Place<'_> {
    /// `line N, column C`, with `C` counted in characters from 1 (each
    /// invalid UTF-8 sequence counts as one).
    pub(super) fn render(self) -> String {
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
