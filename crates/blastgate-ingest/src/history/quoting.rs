//! A strict check of a history's quoting, before the csv crate reads it.
//!
//! The csv crate is lenient by design and has no strict mode: a quote that
//! is never closed swallows the rest of the file into one field, text
//! after a closing quote is joined to the field (`"12"3` reads as `123`),
//! and a quote inside an unquoted field is kept as text. Each of these
//! would fit a model on a table other than the one written, so a history
//! is refused unless its quoting is RFC 4180: a field is either unquoted
//! and holds no `"`, or quoted whole, with `""` for a quote inside, and
//! nothing but spaces or tabs between its closing quote and the next
//! delimiter or line end. Quoted fields may hold delimiters and line
//! breaks.
//!
//! One pass over the bytes, no allocation unless an error is returned.

use blastgate_calibrate::CalibrateError;
use blastgate_graph::ErrorDetail;

/// How much of a field an error quotes, at most (shortened again when
/// shown).
const QUOTED_BYTES: usize = 200;

/// Where the scanner is within a field.
#[derive(Debug, Clone, Copy)]
enum State {
    /// At the start of a field.
    FieldStart,
    /// In an unquoted field.
    Unquoted,
    /// In a quoted field.
    Quoted,
    /// Just after a `"` in a quoted field: the closing quote, or the first
    /// of a doubled one.
    QuoteInQuoted,
    /// After a closing quote and spaces or tabs.
    AfterClose,
}

/// Checks that `bytes` (a CSV table, `,` as delimiter) quote fields as RFC
/// 4180 says.
///
/// # Errors
/// [`CalibrateError::Input`] naming `file`, the line and the start of the
/// field: for a quoted field never closed (the line where it opened), text
/// after a closing quote, and a `"` inside an unquoted field.
pub(super) fn check(file: &str, bytes: &[u8]) -> Result<(), CalibrateError> {
    let mut state = State::FieldStart;
    let mut line: u64 = 1;
    // Where the current field starts, and on which line.
    let (mut field_start, mut field_line) = (0usize, 1u64);
    for (i, &b) in bytes.iter().enumerate() {
        state = match (state, b) {
            (State::FieldStart, b'"') => {
                (field_start, field_line) = (i, line);
                State::Quoted
            }
            (State::FieldStart | State::Unquoted | State::QuoteInQuoted | State::AfterClose, b',' | b'\r' | b'\n') => {
                State::FieldStart
            }
            (State::FieldStart, _) => {
                (field_start, field_line) = (i, line);
                State::Unquoted
            }
            (State::Unquoted, b'"') => {
                return Err(error(file, line, field(bytes, field_start), "a `\"` inside an unquoted field"));
            }
            (State::Unquoted, _) => State::Unquoted,
            (State::Quoted, b'"') => State::QuoteInQuoted,
            (State::Quoted, _) => State::Quoted,
            (State::QuoteInQuoted, b'"') => State::Quoted,
            (State::QuoteInQuoted | State::AfterClose, b' ' | b'\t') => State::AfterClose,
            (State::QuoteInQuoted | State::AfterClose, _) => {
                return Err(error(file, line, field(bytes, field_start), "text after the closing quote of a field"));
            }
        };
        if b == b'\n' {
            line += 1;
        }
    }
    if let State::Quoted = state {
        return Err(error(
            file,
            field_line,
            field(bytes, field_start),
            "a quoted field opened on this line is never closed (the rest of the file would be read as one value)",
        ));
    }
    Ok(())
}

fn error(file: &str, line: u64, value: String, message: &str) -> CalibrateError {
    CalibrateError::Input(
        ErrorDetail::new(file, format!("line {line}"), value, message)
            .with_help_text("quote a field whole, and write a quote inside a quoted field as `\"\"`"),
    )
}

/// The field at `start`, to its line's end, for a message.
fn field(bytes: &[u8], start: usize) -> String {
    let rest = bytes.get(start..).unwrap_or_default();
    let end = rest.iter().position(|b| matches!(b, b'\r' | b'\n')).unwrap_or(rest.len()).min(QUOTED_BYTES);
    String::from_utf8_lossy(rest.get(..end).unwrap_or_default()).into_owned()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing, reason = "test code: a panic is a failed test")]

    use super::check;

    fn err(text: &str) -> String {
        check("h.csv", text.as_bytes()).unwrap_err().to_string()
    }

    #[test]
    fn rfc_4180_quoting_passes() {
        for ok in [
            "a,b\n1,2\n",
            "a,b\r\n1,2\r\n",
            "a,b\n\"1,5\",\"say \"\"hi\"\"\"\n",
            "a,b\n\"two\nlines\",2\n",
            "a,b\n\"1\" ,\"2\"\t\n",
            "a,b\n\"\",\"\"\n",
            "a,b\n1,2",
            "a,b\n1,\"2\"",
            "",
        ] {
            assert!(check("h.csv", ok.as_bytes()).is_ok(), "{ok:?}");
        }
    }

    #[test]
    fn an_unclosed_quote_names_the_line_it_opened_on() {
        let mut text = String::from("date,bug,msg\n");
        for i in 1..=200 {
            if i == 121 {
                text.push_str("121,0,\"unterminated, oops\n");
            } else {
                text.push_str(&format!("{i},0,x\n"));
            }
        }
        let e = err(&text);
        assert!(e.starts_with("h.csv: line 122: a quoted field opened on this line is never closed"), "{e}");
        assert!(e.contains("`\"unterminated, oops`"), "{e}");
    }

    #[test]
    fn text_after_a_closing_quote_is_refused() {
        let e = err("id,bug,la,ld,nf\n1003,0,\"12\"3,99,14\n");
        assert!(e.contains("line 2"), "{e}");
        assert!(e.contains("`\"12\"3,99,14`"), "{e}");
        assert!(e.contains("after the closing quote"), "{e}");
    }

    #[test]
    fn a_quote_inside_an_unquoted_field_is_refused() {
        let e = err("a,b\n1,2\n3,4\"5\n");
        assert!(e.contains("line 3"), "{e}");
        assert!(e.contains("`4\"5`"), "{e}");
        assert!(e.contains("inside an unquoted field"), "{e}");
        // A space before the quote makes the field unquoted (RFC 4180: spaces
        // are part of a field).
        assert!(err("a,b\n1, \"2\"\n").contains("inside an unquoted field"));
    }
}
