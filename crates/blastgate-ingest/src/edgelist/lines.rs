//! Reading the lines of an edge list: the common line a word at a time,
//! any other line column by column.

use blastgate_graph::{GraphError, Probability};

use super::Span;

/// The common line, read a word at a time: two names separated by blanks
/// and ended by `\n` or the end of the input, with nothing else (no
/// leading or trailing blank, comma, probability, comment, quote or `\r`).
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
        let hits = [b' ', b'\t', b',', b'#', b'"', b'\n', b'\r']
            .iter()
            .fold(0, |acc, &c| acc | zero(x ^ (ONES * u64::from(c))));
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
/// comment line), and finds the offset of its `\n` (or of the end). The
/// names' spans are those of [`Column::name`].
pub(super) fn read_line(file: &str, number: usize, line: &[u8]) -> Result<(usize, Option<EdgeColumns>), GraphError> {
    let (end, columns) = split(line).map_err(|e| e.render(file, number, line))?;
    let Some(LineColumns { names: [dependent, dependency], third }) = columns else {
        return Ok((end, None));
    };
    let probability = match third {
        None => None,
        Some(column) => {
            let Some(p) = number_at(line, column) else {
                return Err(LineError::NotANumber(column.raw).render(file, number, line));
            };
            let Some(p) = Probability::new(p) else {
                return Err(GraphError::invalid(
                    file,
                    Place { number, line, column: column.raw.0 }.render(),
                    text(line, column.raw),
                    "probability is not a finite number in [0, 1]",
                )
                .with_help("write the propagation probability as a number from 0 to 1, such as `0.3`"));
            };
            Some(p)
        }
    };
    Ok((end, Some(([dependent.name, dependency.name], probability))))
}

/// The columns of an edge line: two names and an optional third column.
#[derive(Clone, Copy)]
pub(super) struct LineColumns {
    pub(super) names: [Column; 2],
    pub(super) third: Option<Column>,
}

/// A column of a line. Offsets are from the line's start.
#[derive(Clone, Copy)]
pub(super) struct Column {
    /// The column as written, quotes included (for messages).
    pub(super) raw: Span,
    /// The name: the column itself, or the text between its quotes. When
    /// the quoted text holds `""` ([`Column::escaped`]), the span is that
    /// of the text read (each `""` as one quote), which is shorter: its
    /// bytes are those of [`unescaped_copy`], not of the input.
    pub(super) name: Span,
    /// Whether a quoted column holds `""`.
    pub(super) escaped: bool,
}

/// Splits the line at the start of `line` into columns: `None` for a blank
/// or comment line. Returns the offset of the line's `\n` (or of the end)
/// too. Reads quoting as RFC 4180 does, whatever separates the columns: a
/// column that starts with `"` runs to the next lone `"`, holding blanks,
/// commas and `#`, and `""` inside it is one quote.
///
/// # Errors
/// The first problem of the line, for [`LineError::render`].
pub(super) fn split(line: &[u8]) -> Result<(usize, Option<LineColumns>), LineError> {
    let mut columns = Columns { line, pos: 0, after_comma: false };
    let Some(dependent) = columns.next()? else {
        return Ok((columns.line_end(), None));
    };
    let Some(dependency) = columns.next()? else {
        return Err(LineError::OneName(dependent.raw));
    };
    let third = columns.next()?;
    if let Some(extra) = columns.next()? {
        return Err(LineError::TooMany(extra.raw));
    }
    Ok((columns.line_end(), Some(LineColumns { names: [dependent, dependency], third })))
}

/// A copy of `input` in which the name of every quoted column that holds
/// `""` is unescaped in place (its text, each `""` read as one quote,
/// written from the column's [`Column::name`] start; the bytes after it
/// are left as they were), or `None` when no column can hold `""`. Names
/// are read from the copy, lines and columns from the input, so that
/// names stay slices of one buffer and the common file is not copied.
/// Lines are copied up to the first one with an error, which the parser
/// reports before it reads any later name.
pub(super) fn unescaped_copy(input: &[u8]) -> Option<Vec<u8>> {
    memchr::memmem::find(input, b"\"\"")?;
    let mut copy = input.to_vec();
    let mut start = 0;
    while start <= input.len() {
        let line = input.get(start..).unwrap_or_default();
        let Ok((end, columns)) = split(line) else { break };
        if let Some(LineColumns { names, third }) = columns {
            for column in names.iter().chain(third.as_ref()).filter(|c| c.escaped) {
                // The text between the quotes, each pair of quotes in it
                // written once.
                let quoted = line.get(column.name.0..column.raw.1.saturating_sub(1)).unwrap_or_default();
                let mut at = start + column.name.0;
                let mut pending = false;
                for &b in quoted {
                    if b == b'"' && pending {
                        pending = false;
                        continue;
                    }
                    pending = b == b'"';
                    if let Some(slot) = copy.get_mut(at) {
                        *slot = b;
                    }
                    at += 1;
                }
            }
        }
        start += end + 1;
    }
    Some(copy)
}

/// What is wrong with a line, found by [`split`] (offsets from the line's
/// start), rendered with the file and line number by
/// [`LineError::render`].
#[derive(Debug, Clone, Copy)]
pub(super) enum LineError {
    /// A column is empty: two commas in a row, or one at either end.
    Empty(usize),
    /// A quoted column with nothing between its quotes.
    EmptyQuoted(Span),
    /// A `"` inside an unquoted column.
    StrayQuote(Span),
    /// A quote that the line does not close.
    Unclosed(Span),
    /// Text right after a closing quote.
    AfterQuote(Span),
    /// A `#` inside an unquoted column.
    Hash(Span),
    /// A line with one name.
    OneName(Span),
    /// A fourth column.
    TooMany(Span),
    /// A third column that is not a number.
    NotANumber(Span),
}

impl LineError {
    /// The error, naming `file`, the line `number` and column, and the text.
    pub(super) fn render(self, file: &str, number: usize, line: &[u8]) -> GraphError {
        let at = |column: usize| Place { number, line, column }.render();
        let syntax = |span: Span, message: &str, help: &str| {
            GraphError::syntax(file, at(span.0), text(line, span), message).with_help(help)
        };
        const EDGE: &str = "write one edge per line: `dependent dependency`, optionally followed by a probability";
        const QUOTE: &str = "quote the whole name and write each quote in it twice, as in `\"a\"\"b\"`";
        match self {
            Self::Empty(pos) => GraphError::syntax(file, at(pos), "", "empty column")
                .with_help("remove the extra comma, or put a name between the commas"),
            Self::EmptyQuoted(span) => {
                syntax(span, "empty column: a quoted name holds nothing", "write the name between the quotes")
            }
            Self::StrayQuote(span) => syntax(span, "a double quote inside an unquoted name", QUOTE),
            Self::Unclosed(span) => syntax(
                span,
                "a quoted name is not closed on its line (a name cannot hold a line break)",
                "close the quote before the end of the line",
            ),
            Self::AfterQuote(span) => syntax(
                span,
                "text after the closing quote of a name",
                "put a blank or a comma after the closing quote; inside a quoted name, write a quote twice",
            ),
            Self::Hash(span) => syntax(
                span,
                "`#` inside a name: a comment starts only at the start of a line or after a blank",
                "put a blank before the comment, or quote the name if `#` is part of it, as in `\"a#b\"`",
            ),
            Self::OneName(span) => match text(line, span).chars().find(|c| c.is_whitespace() && !c.is_ascii()) {
                // The name looks like two in the message: say what parts it
                // (a red-team finding: `a\u{a0}b` read as `a b`).
                Some(space) => syntax(
                    span,
                    &format!(
                        "line names one service but an edge needs two (the name holds U+{:04X}, a space that does not \
                         separate columns)",
                        u32::from(space)
                    ),
                    "separate the names with ASCII spaces, tabs or a comma",
                ),
                None => syntax(span, "line names one service but an edge needs two", EDGE),
            },
            Self::TooMany(span) => {
                syntax(span, "too many columns: an edge line has two names and an optional probability", EDGE)
            }
            Self::NotANumber(span) => syntax(
                span,
                "third column is not a number: an edge line has two names and an optional probability",
                EDGE,
            ),
        }
    }
}

/// Dependent, dependency and probability of an edge line.
pub(super) type EdgeColumns = ([Span; 2], Option<Probability>);

/// The number in a column, if it is one (Rust's float syntax, which also
/// reads `inf` and `NaN`: those are numbers, just not probabilities).
fn number_at(line: &[u8], column: Column) -> Option<f64> {
    if column.escaped {
        // A number holds no quote.
        return None;
    }
    std::str::from_utf8(line.get(column.name.0..column.name.1)?).ok()?.parse().ok()
}

/// The text of a column for an error message.
fn text(line: &[u8], (a, b): Span) -> String {
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

/// Whether `b` ends the plain scan of a column: a blank, comma, `#`, `"` or
/// line ending (all below 64, so one shift and mask decide). A line where
/// one of them is not a separator is read column by column.
fn is_special(b: u8) -> bool {
    const SPECIAL: u64 = 1 << b' ' | 1 << b'\t' | 1 << b',' | 1 << b'#' | 1 << b'"' | 1 << b'\n' | 1 << b'\r';
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
    /// The next column, `None` at the end of the line or a comment.
    fn next(&mut self) -> Result<Option<Column>, LineError> {
        self.skip_blanks();
        if self.at_line_end() || self.peek() == Some(b'#') {
            return if self.after_comma { Err(LineError::Empty(self.pos)) } else { Ok(None) };
        }
        if self.peek() == Some(b',') {
            return Err(LineError::Empty(self.pos));
        }
        let column = if self.peek() == Some(b'"') { self.quoted()? } else { self.unquoted()? };
        self.skip_blanks();
        self.after_comma = self.peek() == Some(b',');
        if self.after_comma {
            self.pos += 1;
        }
        Ok(Some(column))
    }

    /// An unquoted column: up to a blank, a comma or the line ending. A `"`
    /// or `#` in it is an error: either could be read two ways.
    fn unquoted(&mut self) -> Result<Column, LineError> {
        let start = self.pos;
        self.skip_column();
        let raw = (start, self.pos);
        let odd =
            self.line.get(start..self.pos).unwrap_or_default().iter().find(|&&b| matches!(b, b'"' | b'#')).copied();
        match odd {
            Some(b'"') => Err(LineError::StrayQuote(raw)),
            Some(_) => Err(LineError::Hash(raw)),
            None => Ok(Column { raw, name: raw, escaped: false }),
        }
    }

    /// A quoted column, the scan at its opening quote: up to the next lone
    /// quote, which must end the column.
    fn quoted(&mut self) -> Result<Column, LineError> {
        let start = self.pos;
        self.pos += 1;
        let content = self.pos;
        let mut len = 0;
        let mut escaped = false;
        loop {
            match self.peek() {
                None | Some(b'\n') => {
                    let mut end = self.pos;
                    if end > content && self.line.get(end - 1) == Some(&b'\r') {
                        end -= 1;
                    }
                    return Err(LineError::Unclosed((start, end)));
                }
                Some(b'"') if self.line.get(self.pos + 1) == Some(&b'"') => {
                    escaped = true;
                    len += 1;
                    self.pos += 2;
                }
                Some(b'"') => {
                    self.pos += 1;
                    break;
                }
                Some(_) => {
                    len += 1;
                    self.pos += 1;
                }
            }
        }
        let raw = (start, self.pos);
        if !(self.at_line_end() || matches!(self.peek(), Some(b' ' | b'\t' | b','))) {
            self.skip_column();
            return Err(LineError::AfterQuote((start, self.pos)));
        }
        if len == 0 {
            return Err(LineError::EmptyQuoted(raw));
        }
        Ok(Column { raw, name: (content, content + len), escaped })
    }

    /// Moves the scan to the next blank, comma or line ending.
    fn skip_column(&mut self) {
        while let Some(b) = self.peek() {
            if matches!(b, b' ' | b'\t' | b',' | b'\n') || (b == b'\r' && self.at_line_end()) {
                break;
            }
            self.pos += 1;
        }
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
