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
    let Some((map, entries)) = collection(value) else {
        return Instances::Unread;
    };
    let mut keys = BTreeSet::new();
    for (key, item) in entries {
        let key = if map {
            match key.and_then(map_key) {
                Some(key) => key,
                None => return Instances::Unread,
            }
        } else {
            match string_literal(item) {
                Some(key) => key.to_owned(),
                None => return Instances::Unread,
            }
        };
        keys.insert(key);
    }
    Instances::Keys(keys)
}

/// How a block's `count` or `for_each` reads the variable or local that
/// gives its instances ([`reading_source`], [`read_instances`]).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Reading {
    /// `count = var.n`: the value is the number of instances.
    Count,
    /// `for_each = var.m` (also through `toset`, `tomap` or `keys`): the
    /// value's keys, or its items.
    ForEach,
    /// `count = length(var.list)`: as many instances as the value has
    /// items.
    Length,
    /// `for_each = { for k, v in var.m : k => v }`: the map's keys (a
    /// list's indices).
    ForKey,
    /// `for_each = { for name in var.list : name => ... }`, or
    /// `toset([for x in var.list : x])`: each item, a string (a map's
    /// values when the `for` names one iterator).
    ForItem,
    /// `for_each = { for db in var.dbs : db.name => db }`: each item's
    /// field, a string.
    ForField(String),
}

/// The variable or local (`NAME`, or `local.NAME` as
/// [`variable_values`](super::variable_values) keys locals) that a
/// `count` (`count` true) or `for_each` value gives instances from, and
/// how it reads it ([`Reading`]): the variable or local alone, a
/// `length(...)` of it for `count`, or a `for` expression over it whose
/// key is the iterator, the map's key or an item's field, with no `if`
/// (a filter's keys are not all the instances). `None` for anything
/// else.
///
/// ```
/// use blastgate_ingest::git::{Reading, reading_source};
/// let read = |count, value| reading_source(count, value);
/// assert_eq!(read(true, "var.replicas"), Some(("replicas".into(), Reading::Count)));
/// assert_eq!(read(true, "length(local.dbs)"), Some(("local.dbs".into(), Reading::Length)));
/// assert_eq!(read(false, "{\n for db in var.dbs :\n db.name => db\n}"), Some(("dbs".into(), Reading::ForField("name".into()))));
/// assert_eq!(read(false, "{ for k, v in var.dbs : k => v }"), Some(("dbs".into(), Reading::ForKey)));
/// assert_eq!(read(false, "{ for k, v in var.dbs : k => v if v.enabled }"), None);
/// ```
pub fn reading_source(count: bool, value: &str) -> Option<(String, Reading)> {
    let value = value.trim();
    if count {
        if let Some(inner) = value.strip_prefix("length(").and_then(|r| r.strip_suffix(')')) {
            return source_name(inner).map(|name| (name, Reading::Length));
        }
        return source_name(value).map(|name| (name, Reading::Count));
    }
    let unwrapped = ["toset(", "tomap(", "keys("]
        .iter()
        .find_map(|w| value.strip_prefix(w).and_then(|r| r.strip_suffix(')')))
        .unwrap_or(value);
    if let Some(name) = source_name(unwrapped) {
        return Some((name, Reading::ForEach));
    }
    // A `for` expression: a map's, or a list's made a set.
    let listed = value.strip_prefix("toset(").and_then(|r| r.strip_suffix(')')).map(str::trim);
    let body = match listed {
        Some(list) => list.strip_prefix('[')?.strip_suffix(']')?,
        None => value.strip_prefix('{')?.strip_suffix('}')?,
    };
    let body = body.trim_start().strip_prefix("for")?;
    if !body.starts_with(char::is_whitespace) {
        return None;
    }
    let (head, rest) = body.split_once(':')?;
    let words: Vec<&str> = head.split(|c: char| c.is_whitespace() || c == ',').filter(|w| !w.is_empty()).collect();
    let (first, second, source) = match words.as_slice() {
        [a, "in", source] => (*a, None, *source),
        [a, b, "in", source] => (*a, Some(*b), *source),
        _ => return None,
    };
    let name = source_name(source)?;
    // (A filter, or anything past the key but its value, is not read.)
    if rest.split(|c: char| c.is_whitespace() || c == ')' || c == '(').any(|w| w == "if") {
        return None;
    }
    let key = match listed {
        Some(_) => rest.trim(),
        None => rest.split_once("=>")?.0.trim(),
    };
    // The item: the value iterator (the second of two).
    let item = second.unwrap_or(first);
    let field = |key: &str| {
        let rest = key.strip_prefix(item)?;
        let field = rest.strip_prefix('.').or_else(|| rest.strip_prefix("[\"")?.strip_suffix("\"]"))?;
        ident(field).then(|| field.to_owned())
    };
    let reading = if second.is_some() && key == first {
        Reading::ForKey
    } else if key == item {
        Reading::ForItem
    } else {
        Reading::ForField(field(key)?)
    };
    Some((name, reading))
}

/// The instances a variable's or local's value gives a block that reads
/// it as `reading` ([`reading_source`]): for [`Reading::Count`] and
/// [`Reading::ForEach`] as [`value_instances`] reads them; else from the
/// value's items written out (a list, set or map), each key a string
/// literal, or [`Instances::Unread`].
///
/// ```
/// use blastgate_ingest::git::{Instances, Reading, read_instances};
/// let dbs = "[\n{name=\"orders\",size=10},\n{name=\"users\",size=5},\n]";
/// let keys = ["\"orders\"", "\"users\""].map(String::from).into_iter().collect();
/// assert_eq!(read_instances(&Reading::ForField("name".into()), dbs), Instances::Keys(keys));
/// assert_eq!(read_instances(&Reading::Length, dbs), Instances::Count(2));
/// ```
pub fn read_instances(reading: &Reading, value: &str) -> Instances {
    let field = match reading {
        Reading::Count => return read_value(true, value),
        Reading::ForEach => return read_value(false, value),
        Reading::ForField(field) => Some(field.as_str()),
        Reading::Length | Reading::ForKey | Reading::ForItem => None,
    };
    let Some((map, entries)) = collection(value.trim()) else {
        return Instances::Unread;
    };
    if *reading == Reading::Length {
        return Instances::Count(entries.len() as u64);
    }
    let mut keys = BTreeSet::new();
    for (i, (key, item)) in entries.into_iter().enumerate() {
        let key = match (reading, map) {
            (Reading::ForKey, true) => key.and_then(map_key),
            (Reading::ForKey, false) => Some(format!("\"{i}\"")),
            _ => match field {
                None => string_literal(item).map(str::to_owned),
                Some(field) => object_field(item, field),
            },
        };
        let Some(key) = key else {
            return Instances::Unread;
        };
        keys.insert(key);
    }
    Instances::Keys(keys)
}

/// Whether `value` is a list, set or map written out (its items may be
/// expressions), not a `for` expression.
pub(super) fn written_out(value: &str) -> bool {
    collection(value.trim()).is_some()
}

/// `var.NAME` as `NAME`, `local.NAME` as `local.NAME`.
fn source_name(text: &str) -> Option<String> {
    let text = text.trim();
    match (text.strip_prefix("var."), text.strip_prefix("local.")) {
        (Some(name), _) if ident(name) => Some(name.to_owned()),
        (_, Some(name)) if ident(name) => Some(format!("local.{name}")),
        _ => None,
    }
}

/// A name as HCL writes one bare.
fn ident(name: &str) -> bool {
    !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// A collection's entry: a map's key text and value, or a list's item.
type Entry<'t> = (Option<&'t str>, &'t str);

/// A collection written out (`[...]`, `{...}`, also through `toset(...)`
/// or `tomap(...)`): whether it is a map, and its entries (a map's key
/// text and value, a list's items), or `None`.
fn collection(value: &str) -> Option<(bool, Vec<Entry<'_>>)> {
    let inner = ["toset(", "tomap("]
        .iter()
        .find_map(|w| value.strip_prefix(w).and_then(|r| r.strip_suffix(')')))
        .map_or(value, str::trim);
    let (map, body) = match (inner.strip_prefix('{'), inner.strip_prefix('[')) {
        (Some(rest), _) => (true, rest.strip_suffix('}')?),
        (None, Some(rest)) => (false, rest.strip_suffix(']')?),
        (None, None) => return None,
    };
    // (A `for` expression, also squeezed of blanks: `[forxinvar.a:x]`.)
    let head = body.trim_start();
    if head.starts_with("for ") || (head.starts_with("for") && top_level(head, &[':'])?.len() > 1) {
        return None;
    }
    let mut entries = Vec::new();
    for entry in top_level(body, &[',', '\n'])?.into_iter().map(str::trim).filter(|e| !e.is_empty()) {
        if map {
            let key = top_level(entry, &['=', ':']).filter(|parts| parts.len() >= 2)?.first().copied()?;
            entries.push((Some(key.trim()), entry.get(key.len() + 1..)?.trim()));
        } else {
            entries.push((None, entry));
        }
    }
    Some((map, entries))
}

/// A map's key as an instance key (quoted): bare (`orders`) or a string
/// literal.
fn map_key(key: &str) -> Option<String> {
    if ident(key) {
        return Some(format!("\"{key}\""));
    }
    string_literal(key).map(str::to_owned)
}

/// A string literal with no template or quote inside, quotes kept.
fn string_literal(text: &str) -> Option<&str> {
    let literal = text.len() >= 2
        && text.starts_with('"')
        && text.ends_with('"')
        && !text.contains("${")
        && !text.get(1..text.len() - 1).is_some_and(|k| k.contains('"'));
    literal.then_some(text)
}

/// The string literal an object written out (`{ name = "orders", ... }`)
/// gives `field`.
fn object_field(item: &str, field: &str) -> Option<String> {
    let (true, entries) = collection(item)? else {
        return None;
    };
    let mut found = None;
    for (key, value) in entries {
        // (A key given twice: the last.)
        if key.and_then(map_key).is_some_and(|k| k.trim_matches('"') == field) {
            found = Some(value);
        }
    }
    string_literal(found?).map(str::to_owned)
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
