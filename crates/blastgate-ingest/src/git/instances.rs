//! The instances a Terraform resource's own `count` or `for_each` gives
//! it, read from literals, so that a change that keeps a resource's block
//! but takes instances out of it (`count = 3` to `count = 2`, a key taken
//! out of a `for_each` map) reads as destroying them, as Terraform's plan
//! would (`aws_db_instance.main[2]` deleted).

use std::collections::{BTreeMap, BTreeSet};

use super::manifests::{
    MAX_EMPTIED_TEXT, MAX_TYPES_READ, json_resources, module_label, resource_labels, uncomment_config,
};

/// Most indices [`instances_lost`] checks one by one against `moved`
/// blocks; a count that falls by more loses instances.
const MAX_INDICES_CHECKED: u64 = 4096;

/// What a Terraform resource block's own `count` or `for_each` says of
/// its instances ([`resource_instances`]).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Instances {
    /// Neither argument: one instance, with no key.
    One,
    /// `count = N`, a whole number written out: instances `[0]` to
    /// `[N - 1]`.
    Count(u64),
    /// `for_each` over a set, list or map written out (`toset(["a",
    /// "b"])`, `{ a = ..., "b" = ... }`, on one line or over several): its
    /// keys as an address writes them, quoted (`"a"`).
    Keys(BTreeSet<String>),
    /// An argument whose value is not a literal (a variable, a local, a
    /// function, a `for` expression), which this reader does not
    /// evaluate.
    Unread,
}

/// The instances of each Terraform resource `text` declares (`TYPE.NAME`)
/// and each module it calls (`module.NAME`), from its block's own `count`
/// or `for_each` (not a nested `dynamic` block's), as [`Instances`]; a
/// `.tf.json` text's resources from their bodies' keys.
/// At most [`MAX_TYPES_READ`] resources; nothing is read past
/// [`MAX_EMPTIED_TEXT`] or from a text with a NUL byte.
///
/// ```
/// use blastgate_ingest::git::{Instances, resource_instances};
/// let text = b"resource \"aws_db_instance\" \"main\" {\n  count = 3\n}\nresource \"aws_s3_bucket\" \"b\" {\n  for_each = {\n    logs  = \"x\"\n    \"raw\" = { tier = 1 }\n  }\n}\n";
/// let found = resource_instances(text);
/// assert_eq!(found["aws_db_instance.main"], Instances::Count(3));
/// let keys = ["\"logs\"", "\"raw\""].map(String::from).into_iter().collect();
/// assert_eq!(found["aws_s3_bucket.b"], Instances::Keys(keys));
/// ```
pub fn resource_instances(text: &[u8]) -> BTreeMap<String, Instances> {
    let mut found = BTreeMap::new();
    if text.len() > MAX_EMPTIED_TEXT || text.contains(&0) {
        return found;
    }
    let raw = String::from_utf8_lossy(text);
    if let Some(resources) = json_resources(&raw) {
        for (t, name, body) in resources.into_iter().filter(|(_, name, _)| !name.is_empty()) {
            if found.len() < MAX_TYPES_READ {
                found.insert(format!("{t}.{name}"), json_instances(&body));
            }
        }
        return found;
    }
    let text = uncomment_config(&raw.replace("\r\n", "\n").replace('\r', "\n"));
    // The block being read: its address, the depth of its braces and what
    // its own arguments said so far.
    let mut block: Option<(String, i64, Instances)> = None;
    // An argument's value that goes on over lines: which argument, its
    // text so far and the depth of its brackets.
    let mut pending: Option<(bool, String, i64)> = None;
    for line in text.lines() {
        if let Some((count, mut value, depth)) = pending.take() {
            value.push('\n');
            value.push_str(line);
            let depth = depth + nesting(line);
            if depth > 0 && value.len() < MAX_EMPTIED_TEXT {
                pending = Some((count, value, depth));
            } else if let Some((_, _, instances)) = block.as_mut() {
                *instances = if depth == 0 { read_value(count, &value) } else { Instances::Unread };
            }
        } else if line.starts_with(|c: char| !c.is_whitespace() && c != '}') {
            block = None;
            let labels = resource_labels(line).map(|(t, name)| format!("{t}.{name}"));
            if let Some(address) = labels.or_else(|| module_label(line).map(|name| format!("module.{name}")))
                && found.len() < MAX_TYPES_READ
            {
                let depth = braces(line);
                if depth > 0 {
                    block = Some((address, depth, Instances::One));
                } else {
                    // (A block on one line: its arguments not read apart.)
                    let squeezed: String = line.chars().filter(|c| !c.is_whitespace()).collect();
                    let argued = squeezed.contains("count=") || squeezed.contains("for_each=");
                    found.insert(address, if argued { Instances::Unread } else { Instances::One });
                }
                continue;
            }
        } else if let Some((_, 1, _)) = &block
            && let Some((count, value)) = argument(line)
        {
            let depth = nesting(value);
            if depth > 0 {
                pending = Some((count, value.to_owned(), depth));
            } else if let Some((_, _, instances)) = block.as_mut() {
                *instances = if depth == 0 { read_value(count, value) } else { Instances::Unread };
            }
        }
        if let Some((_, depth, _)) = block.as_mut() {
            *depth += braces(line);
            if *depth <= 0
                && pending.is_none()
                && let Some((address, _, instances)) = block.take()
            {
                found.insert(address, instances);
            }
        }
    }
    found
}

/// Whether a resource whose instances were `before` and are `after` has
/// lost one of them: an instance key `before` had that `after` has not,
/// and that no `moved` block moves away (`moved` holds the keys in
/// brackets of the blocks' `from` addresses of this resource, `0` or
/// `"a"`, and `""` for one from its address without a key). Terraform
/// moves an instance without a key to `[0]` and back by itself. An
/// unread side loses nothing here (what reads it is the variables
/// reader).
///
/// ```
/// use blastgate_ingest::git::{Instances, instances_lost};
/// let none = Default::default();
/// assert!(instances_lost(&Instances::Count(3), &Instances::Count(2), &none));
/// assert!(!instances_lost(&Instances::Count(2), &Instances::Count(3), &none));
/// assert!(!instances_lost(&Instances::One, &Instances::Count(1), &none));
/// ```
pub fn instances_lost(before: &Instances, after: &Instances, moved: &BTreeSet<String>) -> bool {
    let kept = |key: &str| moved.contains(key);
    // Indices `from..to` of a count, each moved away.
    let indices_moved =
        |from: u64, to: u64| to.saturating_sub(from) <= MAX_INDICES_CHECKED && (from..to).all(|i| kept(&i.to_string()));
    match (before, after) {
        (Instances::Unread, _) | (_, Instances::Unread) | (Instances::One, Instances::One) => false,
        (Instances::One, Instances::Count(n)) => *n == 0 && !kept("") && !kept("0"),
        (Instances::One, Instances::Keys(_)) => !kept(""),
        (Instances::Count(n), Instances::One) => !indices_moved(1, *n),
        (Instances::Count(b), Instances::Count(a)) => a < b && !indices_moved(*a, *b),
        (Instances::Count(n), Instances::Keys(_)) => !indices_moved(0, *n),
        (Instances::Keys(b), Instances::Keys(a)) => b.iter().any(|k| !a.contains(k) && !kept(k)),
        (Instances::Keys(b), Instances::One | Instances::Count(_)) => b.iter().any(|k| !kept(k)),
    }
}

/// The key in brackets of a `moved` block's `from` that moves an instance
/// of `address` away (`aws_db_instance.main["a"]` gives `"a"`), or `""`
/// for a `from` of the address itself moved into one of its own instances
/// (`to = aws_db_instance.main["a"]`); `None` for another resource's.
///
/// ```
/// use blastgate_ingest::git::instance_moved_from;
/// let a = "aws_db_instance.main";
/// assert_eq!(instance_moved_from(a, "aws_db_instance.main[\"a\"]", "aws_db_instance.main[\"b\"]"), Some("\"a\"".into()));
/// assert_eq!(instance_moved_from(a, "aws_db_instance.main", "aws_db_instance.main[0]"), Some(String::new()));
/// assert_eq!(instance_moved_from(a, "aws_db_instance.other[0]", "aws_db_instance.main[0]"), None);
/// ```
pub fn instance_moved_from(address: &str, from: &str, to: &str) -> Option<String> {
    if from == address {
        return to.strip_prefix(address).filter(|rest| rest.starts_with('[')).map(|_| String::new());
    }
    let key = from.strip_prefix(address)?.strip_prefix('[')?.strip_suffix(']')?;
    Some(key.to_owned())
}

/// The instances a `.tf.json` resource body gives: its `count` as a whole
/// number, its `for_each` object's keys or array's strings.
fn json_instances(body: &serde_json::Value) -> Instances {
    if let Some(count) = body.get("count") {
        return count.as_u64().map_or(Instances::Unread, Instances::Count);
    }
    match body.get("for_each") {
        None => Instances::One,
        Some(serde_json::Value::Object(map)) => Instances::Keys(map.keys().map(|k| format!("\"{k}\"")).collect()),
        Some(serde_json::Value::Array(items)) => items
            .iter()
            .map(|item| item.as_str().filter(|s| !s.contains("${")).map(|s| format!("\"{s}\"")))
            .collect::<Option<BTreeSet<String>>>()
            .map_or(Instances::Unread, Instances::Keys),
        Some(_) => Instances::Unread,
    }
}

/// A block line's `count = VALUE` or `for_each = VALUE`: whether it is
/// `count`, and the value's text.
fn argument(line: &str) -> Option<(bool, &str)> {
    let trimmed = line.trim_start();
    let (count, rest) = match trimmed.strip_prefix("count") {
        Some(rest) => (true, rest),
        None => (false, trimmed.strip_prefix("for_each")?),
    };
    let value = rest.trim_start().strip_prefix('=')?;
    (!value.starts_with('=')).then_some((count, value))
}

/// The instances a `count` (`count` true) or `for_each` value gives, read
/// whole: a whole number for `count`; a set, list or map written out for
/// `for_each` (its lines joined by line breaks, as [`variable_values`]
/// gives a value over several lines), else [`Instances::Unread`].
///
/// [`variable_values`]: super::variable_values
///
/// ```
/// use blastgate_ingest::git::{Instances, value_instances};
/// assert_eq!(value_instances(true, "2"), Instances::Count(2));
/// let keys = ["\"a\"", "\"b\""].map(String::from).into_iter().collect();
/// assert_eq!(value_instances(false, "{\na={size=1}\nb={size=2}\n}"), Instances::Keys(keys));
/// assert_eq!(value_instances(false, "var.dbs"), Instances::Unread);
/// ```
pub fn value_instances(count: bool, value: &str) -> Instances {
    read_value(count, value)
}

/// The instances a value gives, read whole.
fn read_value(count: bool, value: &str) -> Instances {
    let value = value.trim();
    if count {
        return value.parse::<u64>().map_or(Instances::Unread, Instances::Count);
    }
    let inner = ["toset(", "tomap("]
        .iter()
        .find_map(|w| value.strip_prefix(w).and_then(|r| r.strip_suffix(')')))
        .map_or(value, str::trim);
    let (map, body) = match (inner.strip_prefix('{'), inner.strip_prefix('[')) {
        (Some(rest), _) => (true, rest.strip_suffix('}')),
        (None, Some(rest)) => (false, rest.strip_suffix(']')),
        (None, None) => (false, None),
    };
    let Some(body) = body.filter(|b| !b.trim_start().starts_with("for ")) else {
        return Instances::Unread;
    };
    let Some(entries) = top_level(body, &[',', '\n']) else {
        return Instances::Unread;
    };
    let mut keys = BTreeSet::new();
    for entry in entries.iter().map(|e| e.trim()).filter(|e| !e.is_empty()) {
        let key = if map {
            match top_level(entry, &['=', ':']) {
                Some(parts) if parts.len() >= 2 => parts.first().map_or("", |k| k.trim()),
                _ => return Instances::Unread,
            }
        } else {
            entry
        };
        let ident = !key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
        let quoted = key.len() >= 2
            && key.starts_with('"')
            && key.ends_with('"')
            && !key.contains("${")
            && !key.get(1..key.len() - 1).is_some_and(|k| k.contains('"'));
        match (map && ident, quoted) {
            (true, _) => keys.insert(format!("\"{key}\"")),
            (false, true) => keys.insert(key.to_owned()),
            (false, false) => return Instances::Unread,
        };
    }
    Instances::Keys(keys)
}

/// `text` split at each of `at` outside strings and brackets, or `None`
/// when its brackets do not balance or it holds a heredoc (`<<`).
pub(super) fn top_level<'t>(text: &'t str, at: &[char]) -> Option<Vec<&'t str>> {
    let (mut depth, mut quoted, mut escaped, mut start) = (0i64, false, false, 0usize);
    let mut parts = Vec::new();
    let mut previous = ' ';
    for (i, c) in text.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if quoted => escaped = true,
            '"' => quoted = !quoted,
            '<' if !quoted && previous == '<' => return None,
            '(' | '[' | '{' if !quoted => depth += 1,
            ')' | ']' | '}' if !quoted => depth -= 1,
            // (`==` and `=>` are no separators.)
            '=' if !quoted && depth == 0 && text.get(i + 1..).is_some_and(|r| r.starts_with(['=', '>'])) => {}
            _ if !quoted && depth == 0 && at.contains(&c) && previous != '=' => {
                parts.push(text.get(start..i)?);
                start = i + c.len_utf8();
            }
            _ => {}
        }
        if depth < 0 {
            return None;
        }
        previous = c;
    }
    parts.push(text.get(start..)?);
    (depth == 0 && !quoted).then_some(parts)
}

/// How much a line opens brackets (`(`, `[`, `{`) more than it closes
/// them, outside strings.
pub(super) fn nesting(line: &str) -> i64 {
    depth(line, &['(', '[', '{'], &[')', ']', '}'])
}

/// How much a line opens braces more than it closes them, outside
/// strings.
fn braces(line: &str) -> i64 {
    depth(line, &['{'], &['}'])
}

/// How many of `opens` a line holds more than of `closes`, outside
/// double-quoted strings.
fn depth(line: &str, opens: &[char], closes: &[char]) -> i64 {
    let (mut depth, mut quoted, mut escaped) = (0i64, false, false);
    for c in line.chars() {
        match c {
            _ if escaped => escaped = false,
            '\\' if quoted => escaped = true,
            '"' => quoted = !quoted,
            _ if quoted => {}
            _ if opens.contains(&c) => depth += 1,
            _ if closes.contains(&c) => depth -= 1,
            _ => {}
        }
    }
    depth
}
