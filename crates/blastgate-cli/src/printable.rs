//! Text for terminals: control characters from inputs shown, not obeyed.
//!
//! Human and Markdown output quote ids, paths and messages from the
//! changeset, the context and the policy. An escape sequence in a change id
//! (`\u{1b}]52;...`, `\u{1b}[2J`) would otherwise be run by the terminal or
//! CI log viewer that shows the output: move the cursor, rewrite earlier
//! lines (such as the review depth), set the clipboard. JSON output is
//! escaped by its encoder and needs none of this.

use std::io::{self, Write};

/// A writer that shows hidden characters ([`blastgate::graph::is_hidden`]:
/// controls, bidirectional overrides, line separators, zero-width
/// characters) as Rust escapes (`\u{1b}`, `\u{202e}`), except the line
/// feed and tab that the layout itself uses. Values from inputs are also
/// put on one line with [`one_line`] where they are written, so that the
/// line feeds left are the layout's.
///
/// Works on whole characters: a UTF-8 sequence split across writes is held
/// back until its last byte arrives; bytes that are not UTF-8 at all are
/// shown as `\x..` escapes.
pub struct Printable<W: Write> {
    inner: W,
    /// The start of a character whose last bytes have not been written yet.
    pending: Vec<u8>,
    /// The last characters written (a few: `##vso` is the longest mark
    /// looked for), to tell a `[` that would complete a CI runner's older
    /// command form across writes.
    tail: String,
    /// Whether only blanks were written since the last line break.
    line_start: bool,
}

impl<W: Write> Printable<W> {
    pub fn new(inner: W) -> Self {
        Self { inner, pending: Vec::new(), tail: String::new(), line_start: true }
    }
}

/// Appends `text` to `out`, hidden characters but `\n` and `\t` escaped;
/// the `[` of the runners' older command forms, which they read anywhere
/// in a line (GitHub's `##[error]`, Azure Pipelines' `##vso[...]`),
/// written `\u{5b}` (a red-team finding: a graph id holding `##[error]`
/// forged an annotation mid-line); and a `:` that a line starts with,
/// after blanks, written `\u{3a}`: GitHub's runner reads a line whose
/// text starts with `::` as a workflow command once it has trimmed its
/// leading blanks (a rendering audit: an id `::add-mask::block` printed
/// indented in a list by `radius` hid the word `block` in the rest of the
/// log). `tail` holds the last characters written before, and after;
/// `line_start` whether only blanks came since the last line break.
fn push_shown(out: &mut String, text: &str, tail: &mut String, line_start: &mut bool) {
    for c in text.chars() {
        if c == '[' && (tail.ends_with("##") || tail.ends_with("##vso")) {
            out.push_str("\\u{5b}");
            tail.push_str("\\u{5b}");
            *line_start = false;
        } else if c == ':' && *line_start {
            out.push_str("\\u{3a}");
            tail.push('}');
            *line_start = false;
        } else if c != '\n' && c != '\t' && blastgate::graph::is_hidden(c) {
            out.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
            tail.push('}');
            *line_start = false;
        } else {
            out.push(c);
            tail.push(c);
            // Blanks as the runner trims them (.NET's `char.IsWhiteSpace`,
            // the Unicode blanks included; the hidden ones are escaped
            // above and so no longer blank).
            *line_start = c == '\n' || (*line_start && c.is_whitespace());
        }
        if tail.len() > 16 {
            let keep = tail.char_indices().rev().nth(4).map_or(0, |(i, _)| i);
            tail.replace_range(..keep, "");
        }
    }
}

impl<W: Write> Write for Printable<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let mut bytes = std::mem::take(&mut self.pending);
        bytes.extend_from_slice(buf);
        let mut out = String::with_capacity(bytes.len() + 8);
        let mut rest: &[u8] = &bytes;
        loop {
            match std::str::from_utf8(rest) {
                Ok(text) => {
                    push_shown(&mut out, text, &mut self.tail, &mut self.line_start);
                    break;
                }
                Err(e) => {
                    let (valid, after) = rest.split_at(e.valid_up_to());
                    push_shown(
                        &mut out,
                        std::str::from_utf8(valid).unwrap_or_default(),
                        &mut self.tail,
                        &mut self.line_start,
                    );
                    match e.error_len() {
                        // An incomplete character at the end: wait for the rest.
                        None => {
                            self.pending = after.to_vec();
                            break;
                        }
                        Some(n) => {
                            let (bad, tail) = after.split_at(n.min(after.len()));
                            for b in bad {
                                out.push_str(&format!("\\x{b:02x}"));
                            }
                            rest = tail;
                        }
                    }
                }
            }
        }
        self.inner.write_all(out.as_bytes())?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        let pending = std::mem::take(&mut self.pending);
        for b in pending {
            self.inner.write_all(format!("\\x{b:02x}").as_bytes())?;
        }
        self.inner.flush()
    }
}

/// Text from an input on one line of human output: every hidden character
/// escaped, line breaks and tabs included (`\u{a}`), so that a file path
/// holding a line break cannot start a line of its own, where a CI log
/// would read `::error ...` as a workflow command.
pub fn one_line(text: &str) -> String {
    blastgate::graph::shown(text).into_owned()
}

/// Text from an input quoted in backticks on one line of human output
/// ([`one_line`]), fenced with one more backtick than the longest run it
/// holds, so that it cannot close its quotes early: a change id
/// `pr-6: auto (no review needed)` written bare before the depth read as
/// the verdict (a rendering audit).
pub fn quoted(text: &str) -> String {
    fenced(&one_line(text))
}

/// `text` between runs of backticks one longer than the longest it holds,
/// padded with a blank where it starts or ends with one: a Markdown code
/// span, or quotes in a terminal, that it cannot close early.
pub fn fenced(text: &str) -> String {
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    let pad = if text.starts_with('`') || text.ends_with('`') { " " } else { "" };
    format!("{fence}{pad}{text}{pad}{fence}")
}

/// Prints a warning on standard error, on one line, hidden characters
/// escaped.
pub fn warn(message: &str) {
    let mut stderr = Printable::new(io::stderr().lock());
    let _ = writeln!(stderr, "warning: {}", one_line(message));
    let _ = stderr.flush();
}

/// Writes a line of information to standard error. A standard error that
/// cannot be written (closed, full) is not a failure of the command: its
/// answer went elsewhere (`eprintln!` would panic there).
pub fn note(message: &str) {
    let mut stderr = Printable::new(io::stderr().lock());
    let _ = writeln!(stderr, "{message}");
    let _ = stderr.flush();
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "test code: a panic is a failed test")]

    use std::io::Write;

    use super::Printable;

    fn shown(pieces: &[&[u8]]) -> String {
        let mut p = Printable::new(Vec::new());
        for piece in pieces {
            p.write_all(piece).unwrap();
        }
        p.flush().unwrap();
        String::from_utf8(p.inner).unwrap()
    }

    #[test]
    fn controls_are_shown_and_text_is_kept() {
        assert_eq!(shown(&[b"id: pr\x1b[2J-1\r\n\tok\x7f"]), "id: pr\\u{1b}[2J-1\\u{d}\n\tok\\u{7f}");
        // U+009B (CSI), whole and split across writes; other characters of
        // two bytes starting 0xC2 (U+00A0..) are kept.
        assert_eq!(shown(&["a\u{9b}b".as_bytes()]), "a\\u{9b}b");
        assert_eq!(shown(&[b"a\xc2", b"\x9bb"]), "a\\u{9b}b");
        assert_eq!(shown(&["é ¢ \u{a0}".as_bytes()]), "é ¢ \u{a0}");
        assert_eq!(shown(&[b"x\xc2", "\u{a2}".as_bytes().get(1..).unwrap()]), "x\u{a2}");
    }

    #[test]
    fn bidi_and_separators_are_shown_even_split_across_writes() {
        // `auto \u{202e}kcolb` would read as "auto block" reversed.
        let rlo = "\u{202e}".as_bytes();
        assert_eq!(shown(&[b"auto ", rlo.get(..1).unwrap(), rlo.get(1..).unwrap(), b"x"]), "auto \\u{202e}x");
        assert_eq!(shown(&["a\u{2028}b\u{feff}c\u{200b}".as_bytes()]), "a\\u{2028}b\\u{feff}c\\u{200b}");
        // Bytes that are no UTF-8, and a character cut off at the end.
        assert_eq!(shown(&[b"a\xffb", b"\xe2\x80"]), "a\\xffb\\xe2\\x80");
    }

    #[test]
    fn quoted_text_cannot_close_its_quotes() {
        assert_eq!(super::quoted("pr-6: auto"), "`pr-6: auto`");
        assert_eq!(super::quoted("a`: auto` b"), "``a`: auto` b``");
        assert_eq!(super::quoted("`x"), "`` `x ``");
        assert_eq!(super::quoted("a\nb"), "`a\\u{a}b`");
    }

    #[test]
    fn one_line_escapes_line_breaks() {
        assert_eq!(super::one_line("a\n::error x\r\tb"), "a\\u{a}::error x\\u{d}\\u{9}b");
        assert_eq!(super::one_line("plain é"), "plain é");
    }

    /// The runners' older command forms, read anywhere in a line, lose
    /// their `[`, even split across writes (a red-team finding).
    #[test]
    fn older_runner_commands_are_shown_not_obeyed() {
        assert_eq!(shown(&[b"web##[error title=x]auto"]), "web##\\u{5b}error title=x]auto");
        assert_eq!(shown(&[b"web#", b"#", b"[add-mask]x"]), "web##\\u{5b}add-mask]x");
        assert_eq!(shown(&[b"##vso[task.logissue]x ##vs", b"o[x]"]), "##vso\\u{5b}task.logissue]x ##vso\\u{5b}x]");
        assert_eq!(shown(&[b"# [a] ## x [b]"]), "# [a] ## x [b]");
        assert_eq!(super::one_line("a##[error]b ##vso[c]"), "a##\\u{5b}error]b ##vso\\u{5b}c]");
    }

    /// GitHub's runner trims a line's leading blanks before it looks for
    /// `::`: a value printed indented in a list (`radius`, `change show`,
    /// `graph check`) ran as a workflow command (a rendering audit). A `:`
    /// a line starts with is shown, after blanks of any kind and across
    /// writes; elsewhere it is kept.
    #[test]
    fn a_line_cannot_start_a_workflow_command() {
        assert_eq!(shown(&[b"::add-mask::block\n  ::error::x"]), "\\u{3a}:add-mask::block\n  \\u{3a}:error::x");
        assert_eq!(shown(&[b"affected:\n  ", b"\t", b"::stop-commands::t"]), "affected:\n  \t\\u{3a}:stop-commands::t");
        assert_eq!(shown(&["\u{3000}\u{a0}::x".as_bytes()]), "\u{3000}\u{a0}\\u{3a}:x");
        assert_eq!(shown(&[b"a ::b\n x: y"]), "a ::b\n x: y");
        // A hidden blank is escaped, and so no longer blank.
        assert_eq!(shown(&["\u{2028}::x".as_bytes()]), "\\u{2028}::x");
    }
}

/// A number too large or too small to read in positional notation (at
/// least a million, or nonzero below a millionth), in scientific notation:
/// `1e308`, `-1e-300`. `None` for numbers that read well as they are.
pub fn number(v: f64) -> Option<String> {
    let a = v.abs();
    (a >= 1e6 || (a > 0.0 && a < 1e-6)).then(|| format!("{v:e}"))
}

#[cfg(test)]
mod number_tests {
    use super::number;

    #[test]
    fn extreme_numbers_are_scientific_others_as_they_are() {
        assert_eq!(number(1e308).as_deref(), Some("1e308"));
        assert_eq!(number(-1e-300).as_deref(), Some("-1e-300"));
        assert_eq!(number(2_500_000.0).as_deref(), Some("2.5e6"));
        assert_eq!(number(0.5), None);
        assert_eq!(number(0.0), None);
        assert_eq!(number(999_999.0), None);
    }
}
