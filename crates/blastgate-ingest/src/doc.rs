//! Shared parsing of structured documents (JSON and YAML) into serde types,
//! with limits enforced and errors that name file, place and value.

use blastgate_graph::{GraphError, limits};
use serde::de::{DeserializeOwned, DeserializeSeed};

/// Parses one JSON document.
///
/// # Errors
/// [`GraphError::Syntax`] for malformed JSON (with line and column),
/// [`GraphError::Schema`] for a well-formed document of the wrong shape
/// (with the JSON path), [`GraphError::LimitExceeded`] for nesting deeper
/// than [`limits::MAX_NESTING_DEPTH`].
pub fn from_json<T: DeserializeOwned>(file: &str, text: &str) -> Result<T, GraphError> {
    from_json_seed(file, text, std::marker::PhantomData::<T>)
}

/// Parses one JSON document with `seed`, for shapes that need to know
/// something while they are read (the plan reader keeps only the tags a
/// mapping reads).
///
/// # Errors
/// As [`from_json`].
pub fn from_json_seed<'de, S: DeserializeSeed<'de>>(
    file: &str,
    text: &'de str,
    seed: S,
) -> Result<S::Value, GraphError> {
    check_json_depth(file, text.as_bytes())?;
    let mut de = serde_json::Deserializer::from_str(text);
    let mut track = serde_path_to_error::Track::new();
    let value = seed
        .deserialize(serde_path_to_error::Deserializer::new(&mut de, &mut track))
        .map_err(|e| json_error(file, text, &serde_path_to_error::Error::new(track.path(), e)))?;
    de.end().map_err(|e| {
        GraphError::syntax(
            file,
            format!("line {}, column {}", e.line(), e.column()),
            "",
            "trailing characters after the document",
        )
        .with_help("remove what follows the document's end; a second document goes in a file of its own")
    })?;
    Ok(value)
}

fn json_error(file: &str, text: &str, e: &serde_path_to_error::Error<serde_json::Error>) -> GraphError {
    let inner = e.inner();
    let path = json_path(&e.path().to_string());
    let place = format!("{path} (line {}, column {})", inner.line(), inner.column());
    let message = strip_position(&inner.to_string());
    if message.starts_with("invalid value") || message.starts_with("number out of range") {
        // serde_json names an invalid value itself but not a number out of
        // range: that one is the number ending at the error's column.
        let value = if message.starts_with("number out of range") {
            number_ending_at(text, inner.line(), inner.column())
        } else {
            value_in_message(&message)
        };
        let help = invalid_value_help(&message);
        return GraphError::invalid(file, place, value, message).with_help(help);
    }
    if path != "$" && message == "expected value" {
        // serde_json reads a field that takes one of a list of names (an
        // enum) by peeking for a string, and reports anything else, valid
        // JSON or not, as a syntax error without the field. A valid value
        // of the wrong type (`"ai": null`) is a schema error at the field.
        let token = scalar_at(text, inner.line() as u64, inner.column() as u64);
        // An array is cut at its first `,` or `]`; anything else must be
        // a whole JSON value (`nul` and `-` stay syntax errors).
        let literal = token.starts_with('[') || serde_json::from_str::<serde_json::Value>(&token).is_ok();
        if literal {
            let token = if token.starts_with('[') { "[...]".to_owned() } else { token };
            return GraphError::schema(
                file,
                place,
                token,
                "invalid type: this field takes one of the names listed for it, as a string",
            );
        }
    }
    match inner.classify() {
        serde_json::error::Category::Data => {
            near_miss_help(GraphError::schema(file, place, value_in_message(&message), &message), &message)
        }
        category => {
            let help = if category == serde_json::error::Category::Eof {
                "the document ends before it is complete: check that the file was written whole (not cut by a \
                 failed download or a full disk) and that every `{`, `[` and `\"` is closed"
            } else {
                "check the JSON at this place: a missing or trailing comma, an unquoted key or string, single \
                 quotes or a comment (JSON has none) are the usual causes"
            };
            GraphError::syntax(file, format!("line {}, column {}", inner.line(), inner.column()), "", message)
                .with_help(help)
        }
    }
}

/// How to fix a value out of range, by the field the message names (a
/// diagnostics audit: NaN probabilities and tier 7 said what was wrong but
/// not what to write instead).
fn invalid_value_help(message: &str) -> &'static str {
    if message.contains("probability") {
        "write a number from 0 to 1 (`0.9`: nine failures in ten reach the dependent), or leave the probability \
         out for the default of the edge's kind"
    } else if message.contains("tier") {
        "write a tier from 0 (the most critical) to 3, or one of critical, high, medium, low"
    } else if message.contains("traffic") {
        "write a finite number of 0 or more (requests a second, or a share of traffic), or leave traffic out"
    } else {
        "write a finite value in the range the message names"
    }
}

/// "did you mean" help for serde's "unknown field `teir`, expected one of
/// `id`, `kind`, `tier`, ..." (and unknown variants): the expected name
/// one slip away (a letter added, dropped, changed or two swapped, case,
/// `-` and `_` aside; a slip a quarter of the name's length for longer
/// names), as the Backstage reader suggests (a newcomer audit: `teir: 0`
/// in a native graph got the list without the answer).
fn near_miss_help(error: GraphError, message: &str) -> GraphError {
    let Some(rest) = message.strip_prefix("unknown field `").or_else(|| message.strip_prefix("unknown variant `"))
    else {
        return error;
    };
    let Some((written, expected)) = rest.split_once('`') else {
        return error;
    };
    let fold = |s: &str| s.chars().filter(|c| !matches!(c, '-' | '_')).collect::<String>().to_lowercase();
    let w = fold(written);
    // The names after "expected", backticked (serde_json) or bare
    // (serde_saphyr): "one of `a`, `b`", "`a` or `b`", "one of a, b".
    let expected = expected.split_once("expected").map_or("", |(_, names)| names);
    let expected = expected.trim_start().strip_prefix("one of").unwrap_or(expected);
    let names = expected.split([',', ' ']).map(|n| n.trim_matches(|c: char| c == '`' || c.is_whitespace()));
    let meant = names
        .filter(|name| !name.is_empty() && *name != "or")
        .filter(|name| *name != written)
        .map(|name| (strsim::osa_distance(&w, &fold(name)), name))
        .filter(|(d, name)| *d <= (name.chars().count() / 4).max(1))
        .min_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(b.1)));
    match meant {
        Some((_, name)) => error.with_help(format!("did you mean `{name}`?")),
        None => error,
    }
}

/// The value a serde message is about, as it names it: the key of
/// "unknown field `teir`" and "duplicate field `id`", the name of "unknown
/// variant `blok`", the scalar of "invalid value: integer `-3`, expected
/// ..." and "invalid type: string \"x\", expected ...": so that an
/// error's `value` holds what the message quotes (an embedder audit found
/// it empty for all of these). Empty when the message names none.
pub(crate) fn value_in_message(message: &str) -> String {
    for prefix in ["unknown field `", "unknown variant `", "duplicate field `"] {
        if let Some(rest) = message.strip_prefix(prefix) {
            return rest.split_once('`').map_or("", |(v, _)| v).to_owned();
        }
    }
    let Some(rest) = message.strip_prefix("invalid value: ").or_else(|| message.strip_prefix("invalid type: ")) else {
        return String::new();
    };
    // `integer `-3``, `string "yesterday"`, `floating point `1.5``; a
    // bare type (`map`, `sequence`, `null`) quotes nothing.
    let what = rest.rsplit_once(", expected").map_or(rest, |(w, _)| w);
    let Some((_, quoted)) = what.split_once(' ') else { return String::new() };
    let quoted = quoted.trim_start();
    // A backticked scalar ends at the next backtick; a string, which may
    // hold anything, at the last quote before ", expected".
    if let Some(inner) = quoted.strip_prefix('`') {
        return inner.split_once('`').map_or("", |(v, _)| v).to_owned();
    }
    if let Some(inner) = quoted.strip_prefix('"') {
        return inner.rsplit_once('"').map_or("", |(v, _)| v).to_owned();
    }
    String::new()
}

/// Renders serde_path_to_error's `a.b[2].c` as `$.a.b[2].c`.
fn json_path(path: &str) -> String {
    if path == "." || path.is_empty() {
        "$".to_owned()
    } else if path.starts_with('[') {
        format!("${path}")
    } else {
        format!("$.{path}")
    }
}

/// serde_json appends " at line L column C"; we print the place ourselves.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message.get(..i).unwrap_or(message).to_owned(),
        None => message.to_owned(),
    }
}

/// Rejects JSON nested deeper than [`limits::MAX_NESTING_DEPTH`] before
/// parsing, so hostile input never reaches a recursive parser. The error
/// names the place with the file, as limit errors do: the JSON path of
/// the value that opens one level too many, and its line and column
/// (`plan.json: $.resource_changes[0].change.before[0][0] (line 3,
/// column 40)`).
///
/// # Errors
/// [`GraphError::LimitExceeded`].
///
/// # Complexity
/// Linear in the input; the path kept is at most
/// [`limits::MAX_NESTING_DEPTH`] steps of at most 64 bytes of key each.
pub fn check_json_depth(file: &str, bytes: &[u8]) -> Result<(), GraphError> {
    let mut frames: Vec<Frame> = Vec::new();
    let mut in_string = false;
    let mut escaped = false;
    // Inside an object, whether the next string is a key; the key being
    // read, if it is.
    let mut expect_key = false;
    let mut key: Option<Vec<u8>> = None;
    let (mut line, mut column) = (1usize, 0usize);
    for &b in bytes {
        if b == b'\n' {
            line += 1;
            column = 0;
        } else if b & 0xC0 != 0x80 {
            // A column counts characters, not the bytes of one.
            column += 1;
        }
        if in_string {
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                in_string = false;
                if let (Some(k), Some(Frame::Object(slot))) = (key.take(), frames.last_mut()) {
                    *slot = Some(String::from_utf8_lossy(&k).into_owned());
                }
                continue;
            }
            if let Some(k) = key.as_mut().filter(|k| k.len() < MAX_KEY_SHOWN) {
                k.push(b);
            }
            continue;
        }
        match b {
            b'"' => {
                in_string = true;
                if expect_key {
                    key = Some(Vec::new());
                    expect_key = false;
                }
            }
            b'[' | b'{' => {
                if frames.len() >= limits::MAX_NESTING_DEPTH {
                    let at = format!("{file}: {} (line {line}, column {column})", render_path(&frames));
                    return Err(GraphError::limit(
                        &at,
                        "max_nesting_depth",
                        limits::MAX_NESTING_DEPTH as u64,
                        frames.len() as u64 + 1,
                    ));
                }
                frames.push(if b == b'[' { Frame::Array(0) } else { Frame::Object(None) });
                expect_key = b == b'{';
            }
            b']' | b'}' => {
                frames.pop();
                expect_key = false;
            }
            b',' => match frames.last_mut() {
                Some(Frame::Array(i)) => *i = i.saturating_add(1),
                Some(Frame::Object(_)) => expect_key = true,
                None => {}
            },
            _ => {}
        }
    }
    Ok(())
}

/// The most bytes of a key a nesting error shows.
const MAX_KEY_SHOWN: usize = 64;

/// One level of nesting while the depth is checked: an array and the index
/// of its current element, or an object and its current key.
enum Frame {
    Array(usize),
    Object(Option<String>),
}

/// The JSON path of the value inside `frames` (`$.a[0]["b c"]`): a key
/// that is not a plain name is written in brackets, escaped.
fn render_path(frames: &[Frame]) -> String {
    let mut out = String::from("$");
    for frame in frames {
        match frame {
            Frame::Array(i) => out.push_str(&format!("[{i}]")),
            Frame::Object(Some(k)) if !k.is_empty() && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') => {
                out.push('.');
                out.push_str(k);
            }
            Frame::Object(Some(k)) => out.push_str(&format!("[\"{}\"]", k.escape_debug())),
            Frame::Object(None) => {}
        }
    }
    out
}

/// Rejects TOML nested deeper than [`limits::MAX_NESTING_DEPTH`] (the
/// document's table, then arrays and inline tables) before parsing, as [`check_json_depth`]
/// does for JSON: the TOML parser stops at a depth of its own with a
/// syntax error, where JSON and YAML report the limit. Strings and comments
/// are skipped; a `[` that starts a line outside any value is a table
/// header, not nesting.
///
/// # Errors
/// [`GraphError::LimitExceeded`].
pub fn check_toml_depth(file: &str, bytes: &[u8]) -> Result<(), GraphError> {
    let mut depth = 0usize;
    let mut line_start = true;
    let mut i = 0usize;
    while let Some(&b) = bytes.get(i) {
        i += 1;
        match b {
            b'\n' => line_start = true,
            b' ' | b'\t' | b'\r' => {}
            // A comment, or a table header, runs to the end of its line.
            b'#' => i = line_end(bytes, i),
            b'[' if depth == 0 && line_start => i = line_end(bytes, i),
            b'"' | b'\'' => i = skip_toml_string(bytes, i, b),
            b'[' | b'{' => {
                depth += 1;
                // The document's own table is a level, as a JSON
                // document's object is.
                if depth >= limits::MAX_NESTING_DEPTH {
                    return Err(GraphError::limit(
                        file,
                        "max_nesting_depth",
                        limits::MAX_NESTING_DEPTH as u64,
                        depth as u64 + 1,
                    ));
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        if !matches!(b, b'\n' | b' ' | b'\t' | b'\r') {
            line_start = false;
        }
    }
    Ok(())
}

/// The `max_nesting_depth` limit error for a TOML document the parser
/// found too deep (`recursion limit`), if `message` is that parser error.
/// [`check_toml_depth`] counts brackets and braces; a key of many dotted
/// parts (`a.b.c...` or `[a.b.c...]`) nests too, and the parser's own
/// recursion limit (about 80 levels) is what stops it: reported as the
/// same limit, with `observed` the first level past it, a lower bound (a
/// red-team audit: it was a syntax error, exit 2).
pub fn toml_depth_error(file: &str, message: &str) -> Option<GraphError> {
    message.contains("recursion limit").then(|| {
        GraphError::limit(
            file,
            "max_nesting_depth",
            limits::MAX_NESTING_DEPTH as u64,
            limits::MAX_NESTING_DEPTH as u64 + 1,
        )
    })
}

/// The position of the first line break at or after `from`, or the end of
/// `bytes`.
fn line_end(bytes: &[u8], from: usize) -> usize {
    bytes.get(from..).and_then(|rest| rest.iter().position(|&b| b == b'\n')).map_or(bytes.len(), |p| from + p)
}

/// The position just past the TOML string whose opening `quote` is just
/// before `from`: basic (`"`, with backslash escapes) or literal (`'`),
/// single-line or multi-line (three quotes; the closing three may be
/// followed by up to two quotes that belong to the string).
fn skip_toml_string(bytes: &[u8], from: usize, quote: u8) -> usize {
    let escapes = quote == b'"';
    let triple = [quote; 3];
    if bytes.get(from..from + 2) == Some(&triple[..2]) {
        let mut i = from + 2;
        while i < bytes.len() {
            if escapes && bytes.get(i) == Some(&b'\\') {
                i += 2;
            } else if bytes.get(i..i + 3) == Some(&triple[..]) {
                i += 3;
                for _ in 0..2 {
                    if bytes.get(i) == Some(&quote) {
                        i += 1;
                    }
                }
                return i;
            } else {
                i += 1;
            }
        }
        return bytes.len();
    }
    let mut i = from;
    loop {
        match bytes.get(i) {
            None | Some(b'\n') => return i,
            Some(b'\\') if escapes => i += 2,
            Some(&c) if c == quote => return i + 1,
            Some(_) => i += 1,
        }
    }
}

/// Events and nodes allowed per byte of YAML: every event of a document
/// takes at least a byte of it, except what aliases replay, so more than a
/// few per byte is an alias bomb (a 3 KB one within a fixed budget once
/// cost 0.2 s and 100 MB before it was rejected).
const YAML_EVENTS_PER_BYTE: usize = 4;

fn yaml_budget(input_bytes: usize) -> serde_saphyr::Budget {
    let mut budget = serde_saphyr::Budget::default();
    budget.max_depth = limits::MAX_NESTING_DEPTH;
    // The scanner looks ahead past flow collections (`[[[...`) before the
    // budget counts their depth, and stops at its own nesting limit (255
    // by default) with a scan error; at our limit, any such stop means the
    // document is nested deeper than we read (see `nested_too_deep`).
    budget.flow_nesting_limit = limits::MAX_NESTING_DEPTH;
    budget.max_documents = limits::MAX_YAML_DOCUMENTS;
    budget.max_reader_input_bytes = Some(limits::MAX_DOCUMENT_BYTES as usize);
    let scaled = input_bytes.saturating_mul(YAML_EVENTS_PER_BYTE).saturating_add(10_000);
    budget.max_nodes = scaled.min(20_000_000);
    budget.max_events = scaled.min(50_000_000);
    budget
}

fn yaml_options(input_bytes: usize) -> serde_saphyr::Options {
    let mut options = serde_saphyr::Options::default();
    options.budget = Some(yaml_budget(input_bytes));
    options.non_finite_float_policy = serde_saphyr::options::NonFiniteFloatPolicy::Reject;
    options.duplicate_keys = serde_saphyr::options::DuplicateKeyPolicy::Error;
    options
}

/// Parses one YAML document.
///
/// # Errors
/// As [`from_json`], with line and column; alias bombs and deep nesting are
/// [`GraphError::LimitExceeded`].
pub fn from_yaml<T: DeserializeOwned>(file: &str, text: &str) -> Result<T, GraphError> {
    check_yaml_budget(file, text)?;
    serde_saphyr::from_str_with_options(text, yaml_options(text.len())).map_err(|e| yaml_error(file, text, &e))
}

/// Parses every document of a multi-document YAML stream as [`from_yaml`]
/// does, except that a key given twice in a mapping keeps its last value
/// instead of failing, as Go's YAML readers that Helm and kustomize use
/// do: for reading what those tools will read, not for blastgate's own
/// documents (where a duplicate key is an error).
///
/// # Errors
/// As [`from_yaml`].
pub fn from_yaml_multi_as_go<T: DeserializeOwned>(file: &str, text: &str) -> Result<Vec<T>, GraphError> {
    check_yaml_budget(file, text)?;
    let mut options = yaml_options(text.len());
    options.duplicate_keys = serde_saphyr::options::DuplicateKeyPolicy::LastWins;
    serde_saphyr::from_multiple_with_options(text, options).map_err(|e| yaml_error(file, text, &e))
}

/// Parses every document of a multi-document YAML stream (empty documents
/// are skipped).
///
/// # Errors
/// As [`from_yaml`].
pub fn from_yaml_multi<T: DeserializeOwned>(file: &str, text: &str) -> Result<Vec<T>, GraphError> {
    check_yaml_budget(file, text)?;
    serde_saphyr::from_multiple_with_options(text, yaml_options(text.len())).map_err(|e| yaml_error(file, text, &e))
}

/// Streams the YAML events once against the budget before deserializing,
/// so that depth and size limits are reported as limits whatever the
/// schema would have said first. Syntax errors are left to the parse that
/// follows, which reports them with better context; the parser stopping
/// at its nesting limit is not one (an audit found 256 levels of `[` a
/// syntax error, "recursion limit exceeded", while 65 to 255 were the
/// depth limit).
fn check_yaml_budget(file: &str, text: &str) -> Result<(), GraphError> {
    let policy = serde_saphyr::budget::EnforcingPolicy::AllContent;
    match serde_saphyr::budget::check_yaml_budget(text, yaml_budget(text.len()), policy) {
        Ok(report) => {
            if let Some(breach) = &report.breached {
                let (limit, observed, max) = budget_breach(breach, text.len());
                let at = breach_place(file, text);
                return Err(GraphError::limit(&at, limit, max, observed));
            }
        }
        Err(e) if nested_too_deep(&e) => {
            let at = format!("{file}: line {}, column {}", e.marker().line(), e.marker().col() + 1);
            return Err(depth_limit(&at));
        }
        Err(_) => {}
    }
    Ok(())
}

/// `file` and where in `text` the YAML budget is passed, as the JSON
/// reader names the place of its limits (a red-team finding: YAML limit
/// errors named none). The budget check above reports no place, so a
/// document past it is read again, into nothing, by the deserializer,
/// which stops at the same budget and says where; only on this error path.
fn breach_place(file: &str, text: &str) -> String {
    let read = serde_saphyr::from_multiple_with_options::<serde::de::IgnoredAny>(text, yaml_options(text.len()));
    let Err(e) = &read else { return file.to_owned() };
    let e = innermost(e);
    match (e, e.location()) {
        (serde_saphyr::Error::Budget { .. }, Some(l)) => format!("{file}: line {}, column {}", l.line(), l.column()),
        _ => file.to_owned(),
    }
}

/// Whether the YAML parser stopped at its nesting limit: flow collections
/// at [`limits::MAX_NESTING_DEPTH`] (`yaml_budget`), block collections at
/// a limit above it.
fn nested_too_deep(e: &serde_saphyr::granit_parser::ScanError) -> bool {
    matches!(e.kind(), serde_saphyr::granit_parser::ErrorKind::RecursionLimitExceeded)
}

/// The depth limit for YAML the parser stopped reading at its nesting
/// limit: the depth reached is at least one past ours, which is what the
/// message states (as for JSON and the budget, which stop there too).
fn depth_limit(file: &str) -> GraphError {
    let max = limits::MAX_NESTING_DEPTH as u64;
    GraphError::limit(file, "max_nesting_depth", max, max + 1)
}

/// The error that happened, inside the alias replays and snippets that
/// wrap it.
fn innermost(e: &serde_saphyr::Error) -> &serde_saphyr::Error {
    let mut e = e.without_snippet();
    while let serde_saphyr::Error::AliasError { error, .. } | serde_saphyr::Error::WithSnippet { error, .. } = e {
        e = error;
    }
    e
}

fn yaml_error(file: &str, text: &str, e: &serde_saphyr::Error) -> GraphError {
    // Alias replays and snippets wrap the error that happened; classify that.
    let original = e;
    let e = innermost(e);
    let place = e.location().map(|l| format!("line {}, column {}", l.line(), l.column())).unwrap_or_default();
    // The value the error is about, as written (`calls: 1e3` is not a
    // whole number): the scalar that starts at the error's place.
    let value = e.location().map(|l| scalar_at(text, l.line(), l.column())).unwrap_or_default();
    let message = strip_position(&first_line(&e.to_string()));
    if message.starts_with("invalid value") {
        let help = invalid_value_help(&message);
        return GraphError::invalid(file, place, value, message).with_help(help);
    }
    // The library's own wording names its functions (`from_str_multiple`),
    // which is no help to someone who wrote the file.
    if message.starts_with("multiple YAML documents") {
        return GraphError::syntax(
            file,
            place,
            "",
            "a second YAML document (after a `---` line) starts here; this file holds one",
        )
        .with_help("remove the `---` line and what follows it, or put the second document in a file of its own");
    }
    // The library's wording ends "set DuplicateKeyPolicy in Options if
    // acceptable", a setting no user can reach (a diagnostics audit).
    if let Some(rest) = message.strip_prefix("duplicate mapping key: ") {
        let key = rest.split_once(", set DuplicateKeyPolicy").map_or(rest, |(key, _)| key);
        return GraphError::syntax(file, place, "", format!("duplicate key `{key}`: it appears twice in one mapping"))
            .with_help("keep one of the two: which value counts would be a guess");
    }
    match e {
        serde_saphyr::Error::Budget { breach, .. } => {
            // Named with its place, as the budget check's breaches are (a
            // red-team finding: an alias replay past `max_yaml_events`
            // named only the file).
            let (limit, observed, max) = budget_breach(breach, text.len());
            // A replay is placed at the alias that started it, the line to
            // change, not at the anchored text it repeats.
            let outer = match original.without_snippet() {
                serde_saphyr::Error::AliasError { locations, .. } => Some(locations.reference_location),
                _ => None,
            };
            let at = match outer.filter(|l| *l != serde_saphyr::Location::UNKNOWN) {
                Some(l) => format!("{file}: line {}, column {}", l.line(), l.column()),
                None if place.is_empty() => file.to_owned(),
                None => format!("{file}: {place}"),
            };
            GraphError::limit(&at, limit, max, observed)
        }
        e if is_typed_shape_error(e) => {
            // A document that is not well-formed YAML is a syntax error
            // wherever the shape went wrong first: `id: [x` with the
            // bracket never closed said "expected string scalar", a schema
            // error, where a graph's `{` said "unclosed bracket" (an
            // embedder audit). Read again into nothing, only on this path.
            let syntax =
                serde_saphyr::from_multiple_with_options::<serde::de::IgnoredAny>(text, yaml_options(text.len()))
                    .err()
                    .filter(|e| {
                        !is_shape_error(innermost(e)) && !matches!(innermost(e), serde_saphyr::Error::Budget { .. })
                    });
            match syntax {
                Some(e) => yaml_error(file, text, &e),
                None => near_miss_help(GraphError::schema(file, place, value_in_message(&message), &message), &message),
            }
        }
        // The library's wording is advice to a Rust programmer ("use
        // Option<String>"); the JSON reader's is the one to give (a
        // red-team finding: `dependency: ` with nothing after it).
        serde_saphyr::Error::NullIntoString { .. } | serde_saphyr::Error::InvalidCharNull { .. } => {
            GraphError::schema(file, place, "null", "invalid type: null, expected a string").with_help(
                "write the value after the key: in YAML a key or list item with nothing after it, or `~`, is null",
            )
        }
        serde_saphyr::Error::Message { .. } => GraphError::schema(file, place, value, message),
        serde_saphyr::Error::NonFiniteFloat { value, .. } => {
            GraphError::invalid(file, place, value.clone(), "number is NaN or infinite")
                .with_help("write a finite number")
        }
        serde_saphyr::Error::InvalidScalar { .. } => GraphError::syntax(file, place, value, message),
        _ => {
            let help = indentation_help(&message);
            let error = GraphError::syntax(file, place, "", message);
            match help {
                Some(help) => error.with_help(help),
                None => error,
            }
        }
    }
}

/// Whether a YAML error is serde's word on the document's shape (a type,
/// a value, a field) rather than on its syntax.
fn is_typed_shape_error(e: &serde_saphyr::Error) -> bool {
    matches!(
        e,
        serde_saphyr::Error::SerdeInvalidType { .. }
            | serde_saphyr::Error::SerdeInvalidValue { .. }
            | serde_saphyr::Error::SerdeInvalidLength { .. }
            | serde_saphyr::Error::SerdeUnknownVariant { .. }
            | serde_saphyr::Error::SerdeUnknownField { .. }
            | serde_saphyr::Error::SerdeMissingField { .. }
            | serde_saphyr::Error::Unexpected { .. }
    )
}

/// Whether a YAML error is about the document's shape, serde's or a
/// reader's own check (a message), rather than its syntax.
fn is_shape_error(e: &serde_saphyr::Error) -> bool {
    is_typed_shape_error(e) || matches!(e, serde_saphyr::Error::Message { .. })
}

/// Help for the YAML scanner's and parser's wording of an indentation
/// slip, which names its grammar ("block collection", "'-' indicator")
/// rather than what to change (a newcomer audit).
fn indentation_help(message: &str) -> Option<&'static str> {
    if message.contains("found a tab") || message.contains("found character '\\t'") {
        Some("indent with spaces: YAML does not read tabs as indentation")
    } else if message.contains("did not find expected")
        || message.contains("mapping values are not allowed")
        || message.contains("block sequence entries are not allowed")
    {
        Some(
            "check the indentation near this line: the keys of one mapping start in one column (`tier:` under \
             `id:`, after its `- `), the items of one list start with `-` in one column, and a value on the next \
             line is indented further than its key",
        )
    } else {
        None
    }
}

/// The limit a YAML budget breach passed, what was seen and the bound
/// the budget for `input_bytes` of YAML set (events and nodes scale with
/// the input, `yaml_budget`, so the message states the bound that was
/// passed, not the largest one). Every kind is named as in
/// docs/reliability.md ("Limits"); a red team found an alias-heavy file
/// refused as "`max_yaml_work` exceeded: 0 > 0".
fn budget_breach(b: &serde_saphyr::budget::BudgetBreach, input_bytes: usize) -> (&'static str, u64, u64) {
    use serde_saphyr::budget::BudgetBreach as B;
    let budget = yaml_budget(input_bytes);
    let n = |v: usize| v as u64;
    match b {
        B::Depth { depth } => ("max_nesting_depth", n(*depth), n(budget.max_depth)),
        B::Documents { documents } => ("max_yaml_documents", n(*documents), n(budget.max_documents)),
        B::Aliases { aliases } => ("max_yaml_aliases", n(*aliases), n(budget.max_aliases)),
        B::Anchors { anchors } => ("max_yaml_anchors", n(*anchors), n(budget.max_anchors)),
        B::Events { events } => ("max_yaml_events", n(*events), n(budget.max_events)),
        B::Nodes { nodes } => ("max_yaml_nodes", n(*nodes), n(budget.max_nodes)),
        // (Aliases a distinct anchor, once 100 aliases are used: a file
        // that repeats one part many times is an amplification.)
        B::AliasAnchorRatio { aliases, anchors } => (
            "max_yaml_aliases_per_anchor",
            n(aliases.div_ceil((*anchors).max(1))),
            n(budget.alias_anchor_ratio_multiplier),
        ),
        B::ScalarBytes { total_scalar_bytes } => {
            ("max_yaml_scalar_bytes", n(*total_scalar_bytes), n(budget.max_total_scalar_bytes))
        }
        B::MergeKeys { merge_keys } => ("max_yaml_merge_keys", n(*merge_keys), n(budget.max_merge_keys)),
        B::InputBytes { input_bytes } => {
            ("max_document_bytes", n(*input_bytes), n(budget.max_reader_input_bytes.unwrap_or_default()))
        }
        B::RecordedAnchorEvents { recorded_anchor_events } => {
            ("max_yaml_anchor_events", n(*recorded_anchor_events), n(budget.max_recorded_anchor_events))
        }
        B::RecordedAnchorBytes { recorded_anchor_bytes } => {
            ("max_yaml_anchor_bytes", n(*recorded_anchor_bytes), n(budget.max_recorded_anchor_bytes))
        }
        B::InclusionDepth { depth } => {
            ("max_yaml_inclusion_depth", u64::from(*depth), u64::from(budget.max_inclusion_depth))
        }
        B::PropertyExpansionDepth { depth, max_depth } => ("max_yaml_expansion_depth", n(*depth), n(*max_depth)),
        B::PropertyInterpolationWork { work, max_work } => ("max_yaml_interpolation_work", n(*work), n(*max_work)),
        // (A closing event with no opening one: malformed input the
        // parser reports; a kind added to the library later.)
        _ => ("max_yaml_work", 1, 0),
    }
}

/// The JSON number that ends at 1-based `line` and `column` of `text` (at
/// most 60 characters); empty when there is none.
fn number_ending_at(text: &str, line: usize, column: usize) -> String {
    let Some(row) = text.lines().nth(line.saturating_sub(1)) else { return String::new() };
    let head: Vec<char> = row.chars().take(column).collect();
    let start = head
        .iter()
        .rposition(|c| !(c.is_ascii_digit() || matches!(c, '-' | '+' | '.' | 'e' | 'E')))
        .map_or(0, |i| i + 1);
    head.get(start..).unwrap_or_default().iter().take(60).collect()
}

/// The plain or quoted scalar that starts at 1-based `line` and `column`
/// of `text`, up to the end of the line or a flow delimiter, at most 60
/// characters; empty when there is none.
fn scalar_at(text: &str, line: u64, column: u64) -> String {
    let Some(row) = text.lines().nth(usize::try_from(line.saturating_sub(1)).unwrap_or(usize::MAX)) else {
        return String::new();
    };
    let rest: String = row.chars().skip(usize::try_from(column.saturating_sub(1)).unwrap_or(usize::MAX)).collect();
    let end = match rest.chars().next() {
        Some(q @ ('"' | '\'')) => rest.char_indices().skip(1).find(|&(_, c)| c == q).map_or(rest.len(), |(i, _)| i + 1),
        _ => rest.find([',', ']', '}']).or_else(|| rest.find(" #")).unwrap_or(rest.len()),
    };
    let token = rest.get(..end).unwrap_or(&rest).trim();
    token.chars().take(60).collect()
}

fn first_line(s: &str) -> String {
    s.lines().next().unwrap_or_default().to_owned()
}

/// Decodes UTF-8, naming the byte offset of the first invalid sequence,
/// and drops a leading byte order mark.
///
/// # Errors
/// [`GraphError::Syntax`].
pub fn utf8<'a>(file: &str, bytes: &'a [u8]) -> Result<&'a str, GraphError> {
    // A byte order mark is not content (RFC 8259 lets JSON parsers ignore
    // it; editors and PowerShell on Windows write one): every format reads
    // the text after it.
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let offset = e.valid_up_to();
        let before = bytes.get(..offset).unwrap_or_default();
        let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
        GraphError::syntax(file, format!("line {line}, byte {offset}"), "", "invalid UTF-8")
            .with_help("save the file as UTF-8")
    })?;
    Ok(text.strip_prefix('\u{feff}').unwrap_or(text))
}

/// Parses a document that is JSON when its first non-blank character is
/// `{` and YAML otherwise (our native documents accept both).
///
/// # Errors
/// As [`from_json`] or [`from_yaml`].
pub fn from_json_or_yaml<T: DeserializeOwned>(file: &str, text: &str) -> Result<T, GraphError> {
    if text.trim_start().starts_with('{') { from_json(file, text) } else { from_yaml(file, text) }
}

/// The `apiVersion` and `kind` of a native document, read leniently so that
/// a newer version or another kind of document can be reported before the
/// schema errors it explains.
#[derive(Debug, Default, serde::Deserialize)]
pub struct Header {
    /// The document's `apiVersion`, if it has one.
    #[serde(rename = "apiVersion", default)]
    pub api_version: Option<String>,
    /// The document's `kind`, if it has one.
    #[serde(default)]
    pub kind: Option<String>,
}

/// Reads the [`Header`] of a document, if it parses that far.
pub fn header(file: &str, text: &str) -> Option<Header> {
    from_json_or_yaml(file, text).ok()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "test code: a panic is a failed test")]

    use super::{from_yaml, scalar_at};

    /// An alias bomb's limit error states the bound it passed (the budget
    /// scales with the input), not the largest one: the audit found
    /// `11345 > 50000000`.
    #[test]
    fn an_alias_bomb_names_the_bound_it_passed() {
        let bomb = "a0: &a0 [x,x,x,x,x,x,x,x,x,x]\na1: &a1 [*a0,*a0,*a0,*a0,*a0,*a0,*a0,*a0,*a0,*a0]\n\
                    a2: &a2 [*a1,*a1,*a1,*a1,*a1,*a1,*a1,*a1,*a1,*a1]\na3: &a3 [*a2,*a2,*a2,*a2,*a2,*a2,*a2,*a2,*a2,*a2]\n";
        let e = from_yaml::<serde_json::Value>("b.yaml", bomb).unwrap_err();
        let blastgate_graph::GraphError::LimitExceeded(limit) = &e else { panic!("{e}") };
        assert!(limit.observed() > limit.max() && limit.max() < 20_000, "{e}");
    }

    #[test]
    fn a_scalar_that_does_not_parse_is_quoted_in_the_error() {
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code, reason = "read to fail")]
        struct Edge {
            calls: u64,
            probability: f64,
        }
        let e = from_yaml::<Edge>("g.yaml", "calls: 1e3\nprobability: 0.5\n").unwrap_err().to_string();
        assert!(e.contains("line 1, column 8") && e.contains("`1e3`"), "{e}");
        let e = from_yaml::<Vec<Edge>>("g.yaml", "- {calls: 1, probability: 0x1}\n").unwrap_err().to_string();
        assert!(e.contains("`0x1`"), "{e}");
        assert_eq!(scalar_at("a: 'x, y' # c\n", 1, 4), "'x, y'");
        assert_eq!(scalar_at("a: b # c\n", 1, 4), "b");
        assert_eq!(scalar_at("a: b\n", 9, 4), "");
    }

    #[test]
    fn a_name_of_the_wrong_type_is_a_schema_error_at_its_field() {
        #[derive(Debug, serde::Deserialize)]
        #[serde(rename_all = "snake_case")]
        enum Ai {
            None,
            Agent,
        }
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code, reason = "read to fail")]
        struct Provenance {
            ai: Ai,
        }
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code, reason = "read to fail")]
        struct Doc {
            provenance: Provenance,
        }
        for (value, shown) in [("null", "`null`"), ("true", "`true`"), ("3", "`3`"), ("[1]", "`[...]`")] {
            let text = format!("{{\"provenance\": {{\"ai\": {value}}}}}");
            let e = super::from_json::<Doc>("c.json", &text).unwrap_err();
            let shown_error = e.to_string();
            assert!(matches!(e, crate::GraphError::Schema(_)), "{shown_error}");
            assert!(shown_error.contains("$.provenance.ai (line 1, column 23)"), "{shown_error}");
            assert!(shown_error.contains(shown), "{shown_error}");
        }
        // Not JSON at all stays a syntax error.
        for bad in ["}", "nul", "-"] {
            let text = format!("{{\"provenance\": {{\"ai\": {bad}}}}}");
            let e = super::from_json::<Doc>("c.json", &text).unwrap_err();
            assert!(matches!(e, crate::GraphError::Syntax(_)), "{bad}: {e}");
        }
    }

    #[test]
    fn a_json_number_out_of_range_is_quoted_in_the_error() {
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code, reason = "read to fail")]
        struct Edge {
            probability: f64,
        }
        let e = super::from_json::<Edge>("g.json", "{\"probability\": 1e999}").unwrap_err().to_string();
        assert!(e.contains("number out of range: `1e999`"), "{e}");
        assert_eq!(super::number_ending_at("[-2.5e+9]", 1, 8), "-2.5e+9");
        assert_eq!(super::number_ending_at("x", 3, 1), "");
    }
}

#[cfg(test)]
mod value_tests {
    use super::value_in_message;

    #[test]
    fn the_value_a_serde_message_quotes() {
        let cases = [
            ("unknown field `teir`, expected one of `id`, `tier`", "teir"),
            ("unknown variant `blok`, expected one of `auto`, `block`", "blok"),
            ("duplicate field `id`", "id"),
            ("invalid value: integer `-3`, expected u64", "-3"),
            ("invalid type: string \"yesterday\", expected a timestamp", "yesterday"),
            ("invalid value: string \"a, b\", expected x", "a, b"),
            ("invalid type: map, expected a string", ""),
            ("invalid value: timestamp `yesterday`: not an RFC 3339 date, like `2026-11-27T10:00:00Z`", "yesterday"),
            ("missing field `id`", ""),
            ("expected value", ""),
        ];
        for (message, value) in cases {
            assert_eq!(value_in_message(message), value, "{message}");
        }
    }
}
