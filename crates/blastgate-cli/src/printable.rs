//! Text for terminals: control characters from inputs shown, not obeyed.
//!
//! Human and Markdown output quote ids, paths and messages from the
//! changeset, the context and the policy. An escape sequence in a change id
//! (`\u{1b}]52;...`, `\u{1b}[2J`) would otherwise be run by the terminal or
//! CI log viewer that shows the output: move the cursor, rewrite earlier
//! lines (such as the review depth), set the clipboard. JSON output is
//! escaped by its encoder and needs none of this.

use std::io::{self, Write};

/// A writer that shows control characters as Rust escapes (`\u{1b}`),
/// except the line feed and tab that the layout itself uses: C0 controls,
/// DEL, and the C1 controls U+0080 to U+009F (one of which, U+009B, starts
/// an escape sequence on some terminals).
///
/// Works on bytes, so it is exact on UTF-8 split across writes too: bytes
/// below 0x80 are never part of a longer character, and a C1 control is
/// the pair 0xC2 0x80..=0x9F, whose first byte is held back when a write
/// ends on it.
pub struct Printable<W: Write> {
    inner: W,
    /// A 0xC2 byte held back from the end of the last write.
    pending: bool,
}

impl<W: Write> Printable<W> {
    pub fn new(inner: W) -> Self {
        Self { inner, pending: false }
    }
}

impl<W: Write> Write for Printable<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let mut out = Vec::with_capacity(buf.len() + 8);
        let mut bytes = buf.iter().copied().peekable();
        if self.pending {
            self.pending = false;
            match buf.first() {
                Some(&b @ 0x80..=0x9f) => {
                    out.extend_from_slice(format!("\\u{{{b:x}}}").as_bytes());
                    bytes.next();
                }
                _ => out.push(0xc2),
            }
        }
        while let Some(b) = bytes.next() {
            match b {
                b'\n' | b'\t' => out.push(b),
                0x00..=0x1f | 0x7f => out.extend_from_slice(format!("\\u{{{b:x}}}").as_bytes()),
                0xc2 => match bytes.peek() {
                    Some(&c @ 0x80..=0x9f) => {
                        out.extend_from_slice(format!("\\u{{{c:x}}}").as_bytes());
                        bytes.next();
                    }
                    Some(_) => out.push(b),
                    None => self.pending = true,
                },
                _ => out.push(b),
            }
        }
        self.inner.write_all(&out)?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.pending {
            self.pending = false;
            self.inner.write_all(&[0xc2])?;
        }
        self.inner.flush()
    }
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
}
