//! Last-match-wins matching of repository paths against gitignore-style
//! patterns (CODEOWNERS, service maps, a policy's path lists), on the
//! `ignore` crate's gitignore machinery rather than hand-written globbing.
//!
//! Internal to blastgate: the `blastgate` facade does not expose it.

use std::path::PathBuf;

use ignore::gitignore::{Gitignore, GitignoreBuilder};

/// Last-match-wins matching of paths against gitignore-style patterns,
/// built on the `ignore` crate.
///
/// Each chunk of rules has two matchers: `own` holds every pattern and is
/// asked about the path itself; `below` holds, for each pattern that,
/// matching a directory, covers everything below it, a pattern of what is
/// below such a directory (`/A/**`, `A` the pattern as the `ignore` crate
/// anchors it: `below_line`), and is asked about the path once. That is
/// asking the pattern about each of the path's directories, in one pass
/// instead of one a directory (a complexity audit: a path 2,000 folders
/// deep cost 2,000 passes over its 4,000 bytes a chunk). A pattern ending
/// in `/*` is left out of `below`: GitHub's `docs/*` matches `docs/a.md`
/// but not `docs/build/b.md`, while in gitignore it would match the
/// directory `docs/build` and so everything below.
///
/// The `ignore` crate's own `matched_path_or_any_parents` is not used: it
/// returns the first match walking up from the path, so with `*.go` on line
/// 1 and `pdata/` on line 2 it would answer line 1 for `pdata/x.go`, where
/// GitHub's last-match-wins answers line 2. Instead every level is asked
/// and the highest rule index wins.
///
/// Patterns that name a path whole are looked up in a trie of folders
/// ([`Literals`]); the others are split by a literal part each must hold
/// ([`Globs`]), so that a path is asked only of the patterns whose part it
/// holds. Rules are split into chunks of at most 4,096 (`CHUNK_RULES`) because one glob
/// set of many wildcard patterns outgrows the regex engine's size limit
/// (about 5,000 patterns like `src/*x*/**/y?`); a chunk that still fails to
/// build is split in two until it builds. The highest rule index any of
/// them answers wins.
///
/// Matching that ignores case ([`PathMatcher::rule_ignoring_case`]) has
/// chunks of its own, built from the same patterns on first need: most
/// matchers are never asked.
#[derive(Debug, Clone)]
pub struct PathMatcher {
    /// The patterns with a wildcard, matched as written.
    globs: Globs,
    /// The anchored patterns of plain ASCII text (a folder or file named
    /// whole, `/svc/orders/`, `src/payments`), matched by looking the
    /// path and each of its folders up rather than through the glob sets:
    /// a Backstage catalog's source locations are 100,000 such folders,
    /// and glob sets of them took 27 to 50 KB a pattern (a red team: 2 GB
    /// to place one file).
    literals: Literals,
    /// Every pattern, literal or not (the case-insensitive chunks are
    /// built from the others on first need).
    entries: Vec<Entry>,
    /// Whether some pattern has a capital or a letter beyond ASCII: else
    /// an ASCII path matches ignoring case as its lower case matches
    /// as written, on the faster `chunks`.
    folds: bool,
    folded: std::sync::OnceLock<Result<Globs, String>>,
}

/// Patterns with a wildcard (those [`literal`] does not take), split by a
/// literal part each must hold, so that a path is asked of the patterns
/// whose part it holds and not of all of them: the `ignore` crate asks a
/// path of every pattern that shares its extension (`/src/*/pkg0/*.go`,
/// ...), one regex each, and 5,000 such CODEOWNERS lines took 13 s to
/// place 2,000 files (a red team).
///
/// A pattern's key ([`key_of`]) is its longest run of text without
/// wildcards. Any path the pattern matches, or that lies below a folder it
/// matches, holds that run once written as `/PATH/` (the `/` at each end
/// stand for the root and for a folder's end): the pattern's literal
/// characters match only themselves, and the anchoring `/` and a
/// folder's trailing `/` are in that form. So skipping the patterns whose
/// key a path lacks changes no answer (checked against the unsplit
/// chunks by a property test).
#[derive(Debug, Clone, Default)]
struct Globs {
    /// The patterns without a key, in chunks in rule order.
    keyless: Vec<Chunk>,
    /// The keyed patterns, in chunks of at most [`KEYED_CHUNK_RULES`]
    /// (each chunk's patterns in rule order), each with the highest rule
    /// index it holds.
    keyed: Vec<(Chunk, usize)>,
    /// Finds the keys a path holds; `None` when no pattern has one.
    finder: Option<aho_corasick::AhoCorasick>,
    /// The keyed chunks holding each key's patterns, by the finder's
    /// pattern id.
    chunks_of_key: Vec<Vec<u32>>,
    /// Whether the patterns match ignoring case (the keys then in ASCII
    /// lower case, found ignoring ASCII case).
    fold: bool,
}

#[derive(Debug, Clone)]
struct Chunk {
    own: Gitignore,
    below: Gitignore,
}

/// Most rules in one chunk of a [`PathMatcher`].
const CHUNK_RULES: usize = 4096;

/// Most rules in one chunk of keyed patterns ([`Globs`]): a path holding a
/// key is asked of every pattern in the key's chunks.
const KEYED_CHUNK_RULES: usize = 32;

/// The shortest key ([`key_of`]): a run of one character (`/`, `.`) is in
/// nearly every path.
const MIN_KEY_BYTES: usize = 2;

/// Most key occurrences looked at in one path: past them the path is asked
/// of every keyed chunk, as if no key had been found (the answer is the
/// same, the search bounded).
const MAX_KEY_HITS: usize = 1 << 16;

/// The key of `glob` (see [`Globs`]): its longest run of text outside
/// `*`, `?` and character classes (`[a-z]`), of at least
/// [`MIN_KEY_BYTES`] bytes, the last of the longest; of ASCII, in lower
/// case, when `fold`. `None` for a negation or a comment, a pattern with
/// an escape, a `]` outside a class or a class that does not close (whose
/// text is then not what it matches), or without such a run.
fn key_of(glob: &str, fold: bool) -> Option<String> {
    if glob.starts_with(['!', '#']) {
        return None;
    }
    let line = trim_trailing_unescaped_spaces(glob);
    if line.contains('\\') {
        return None;
    }
    let mut runs: Vec<&str> = Vec::new();
    let mut start = 0;
    let mut at = 0;
    let bytes = line.as_bytes();
    while let Some(&b) = bytes.get(at) {
        match b {
            b'*' | b'?' => {
                runs.push(line.get(start..at)?);
                at += 1;
                start = at;
            }
            b'[' => {
                runs.push(line.get(start..at)?);
                // The class's end: its first `]` past a leading `!` or `^`
                // and a `]` right after them (a member).
                let mut end = at + 1;
                if matches!(bytes.get(end), Some(b'!' | b'^')) {
                    end += 1;
                }
                if bytes.get(end) == Some(&b']') {
                    end += 1;
                }
                end += bytes.get(end..)?.iter().position(|&c| c == b']')?;
                at = end + 1;
                start = at;
            }
            b']' => return None,
            _ => at += 1,
        }
    }
    runs.push(line.get(start..)?);
    let mut best: Option<&str> = None;
    for run in runs {
        if run.len() >= MIN_KEY_BYTES && (!fold || run.is_ascii()) && best.is_none_or(|b| run.len() >= b.len()) {
            best = Some(run);
        }
    }
    best.map(|run| if fold { run.to_ascii_lowercase() } else { run.to_owned() })
}

impl Globs {
    /// The chunks of `entries` (in rule order), matching ASCII and Unicode
    /// case alike when `fold`.
    fn build(entries: &[Entry], fold: bool) -> Result<Self, String> {
        let mut keyless = Vec::new();
        let mut keyed: Vec<(String, &Entry)> = Vec::new();
        for entry in entries {
            match key_of(&entry.glob, fold) {
                Some(key) => keyed.push((key, entry)),
                None => keyless.push(entry.clone()),
            }
        }
        // Keys in byte order, each key's patterns together.
        keyed.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.index.cmp(&b.1.index)));
        let mut keys: Vec<String> = Vec::new();
        let mut chunks_of_key: Vec<Vec<u32>> = Vec::new();
        let mut chunks: Vec<(Chunk, usize)> = Vec::new();
        for group in keyed.chunks(KEYED_CHUNK_RULES) {
            // (The `ignore` crate answers the last pattern added that
            // matches: a chunk's patterns go in in rule order.)
            let mut members: Vec<Entry> = group.iter().map(|(_, e)| (*e).clone()).collect();
            members.sort_by_key(|e| e.index);
            let last = members.iter().map(|e| e.index).max().unwrap_or(0);
            let first = u32::try_from(chunks.len()).map_err(|_| "too many patterns".to_owned())?;
            chunks.extend(build_chunks(&members, fold)?.into_iter().map(|c| (c, last)));
            let end = u32::try_from(chunks.len()).map_err(|_| "too many patterns".to_owned())?;
            for (key, _) in group {
                if keys.last() != Some(key) {
                    keys.push(key.clone());
                    chunks_of_key.push(Vec::new());
                }
                if let Some(ids) = chunks_of_key.last_mut() {
                    for id in first..end {
                        if !ids.contains(&id) {
                            ids.push(id);
                        }
                    }
                }
            }
        }
        let finder = if keys.is_empty() {
            None
        } else {
            Some(
                aho_corasick::AhoCorasick::builder()
                    .ascii_case_insensitive(fold)
                    .build(&keys)
                    .map_err(|e| format!("cannot index the patterns ({e})"))?,
            )
        };
        Ok(Self { keyless: build_chunks(&keyless, fold)?, keyed: chunks, finder, chunks_of_key, fold })
    }

    /// The index of the last rule of these patterns that matches `path`
    /// (from the root), or a folder above it.
    fn rule_of(&self, path: &str, is_dir: bool) -> Option<usize> {
        let mut best = self.keyless.iter().rev().find_map(|chunk| chunk.rule_of(path, is_dir));
        let Some(finder) = &self.finder else { return best };
        let mut asked = vec![false; self.keyed.len()];
        let mut candidates: Vec<u32> = Vec::new();
        // (Ignoring case, a letter beyond ASCII may match an ASCII one of a
        // key in ways the finder does not know: such a path is asked of
        // every keyed chunk.)
        let mut every = self.fold && !path.is_ascii();
        if !every {
            let written = format!("/{path}/");
            for (hits, found) in finder.find_overlapping_iter(&written).enumerate() {
                if hits >= MAX_KEY_HITS {
                    every = true;
                    break;
                }
                for &id in self.chunks_of_key.get(found.pattern().as_usize()).map_or(&[][..], Vec::as_slice) {
                    if let Some(seen) = asked.get_mut(id as usize)
                        && !*seen
                    {
                        *seen = true;
                        candidates.push(id);
                    }
                }
            }
        }
        if every {
            candidates = (0..self.keyed.len()).filter_map(|i| u32::try_from(i).ok()).collect();
        }
        // The chunks that may hold a later rule first.
        let last_of = |id: &u32| self.keyed.get(*id as usize).map_or(0, |(_, last)| *last);
        candidates.sort_by_key(|id| std::cmp::Reverse(last_of(id)));
        for id in candidates {
            let Some((chunk, last)) = self.keyed.get(id as usize) else { continue };
            if best.is_some_and(|b| b >= *last) {
                break;
            }
            if let Some(i) = chunk.rule_of(path, is_dir) {
                best = Some(best.map_or(i, |b| b.max(i)));
            }
        }
        best
    }
}

/// Builds a [`PathMatcher`].
#[derive(Debug, Default)]
pub struct PathMatcherBuilder {
    entries: Vec<Entry>,
}

#[derive(Debug, Clone)]
struct Entry {
    index: usize,
    glob: String,
    covers_below: bool,
}

impl PathMatcherBuilder {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds the pattern of rule `index` (rules are added in increasing
    /// order). The caller checks the syntax its format refuses first
    /// (CODEOWNERS' `check_pattern`, a policy's `control_matcher`).
    ///
    /// # Errors
    /// The `ignore` crate's reason when it cannot compile the pattern.
    pub fn add(&mut self, index: usize, pattern: &str) -> Result<(), String> {
        let glob = literal_braces(pattern);
        GitignoreBuilder::new(".").add_line(None, &glob).map_err(|e| format!("invalid pattern ({e})"))?;
        let covers_below = !(pattern.contains('/') && pattern.rsplit('/').next() == Some("*"));
        self.entries.push(Entry { index, glob, covers_below });
        Ok(())
    }

    /// # Errors
    /// The `ignore` crate's reason when a single pattern cannot be compiled
    /// into a matcher.
    pub fn build(&self) -> Result<PathMatcher, String> {
        let globs: Vec<Entry> = self.entries.iter().filter(|e| literal(&e.glob).is_none()).cloned().collect();
        Ok(PathMatcher {
            globs: Globs::build(&globs, false)?,
            literals: Literals::of(&self.entries),
            entries: self.entries.clone(),
            folds: self.entries.iter().any(|e| !e.glob.is_ascii() || e.glob.bytes().any(|b| b.is_ascii_uppercase())),
            folded: std::sync::OnceLock::new(),
        })
    }
}

/// The anchored patterns of plain ASCII text, by the path they name
/// (see [`literal`]), each with the last rule that names it as a file or a
/// folder and the last that names it as a folder only (a pattern ending
/// in `/`); and the same keyed in ASCII lower case, for matching that
/// ignores case. Each is a trie of the paths' folders, so that asking
/// about a path walks its folders once: looking each folder's whole
/// prefix up in a hash map hashed the path over again at every `/` (a red
/// team: 1,000 files 1,300 folders deep took 10 s to assess).
#[derive(Debug, Clone, Default)]
struct Literals {
    exact: Trie,
    folded: Trie,
}

/// Paths as a trie of their `/`-separated names: node 0 is the root, and
/// each node holds the rules naming the path that leads to it.
#[derive(Debug, Clone, Default)]
struct Trie {
    /// The children of each node, by name (empty for most nodes, which
    /// then hold no allocation).
    children: Vec<std::collections::HashMap<Box<str>, u32>>,
    named: Vec<Named>,
}

/// The last rules that name one path: as a file or folder, as a folder
/// only.
#[derive(Debug, Clone, Copy, Default)]
struct Named {
    any: Option<usize>,
    dir: Option<usize>,
}

impl Named {
    fn add(&mut self, index: usize, dir_only: bool) {
        let slot = if dir_only { &mut self.dir } else { &mut self.any };
        *slot = Some(slot.map_or(index, |i| i.max(index)));
    }

    /// The last rule that matches the path it names: `is_dir` for the path
    /// itself, or a folder above the path (which every such rule covers).
    fn rule(&self, is_dir: bool) -> Option<usize> {
        if is_dir { self.any.max(self.dir) } else { self.any }
    }
}

impl Trie {
    fn is_empty(&self) -> bool {
        self.named.len() <= 1
    }

    /// The node of `path` (names separated by `/`, none empty), made if
    /// new. `None` past `u32::MAX` nodes, which no input within the limits
    /// reaches.
    fn node_of(&mut self, path: &str) -> Option<&mut Named> {
        if self.named.is_empty() {
            self.named.push(Named::default());
            self.children.push(std::collections::HashMap::new());
        }
        let mut node = 0u32;
        for name in path.split('/') {
            let next = u32::try_from(self.named.len()).ok()?;
            let children = self.children.get_mut(node as usize)?;
            node = match children.get(name) {
                Some(&child) => child,
                None => {
                    children.insert(name.into(), next);
                    self.named.push(Named::default());
                    self.children.push(std::collections::HashMap::new());
                    next
                }
            };
        }
        self.named.get_mut(node as usize)
    }

    /// The last rule that matches `path` (from the root): one naming the
    /// path itself, or a folder above it. One lookup a name of the path.
    fn rule_of(&self, path: &str, is_dir: bool) -> Option<usize> {
        if self.is_empty() {
            return None;
        }
        let mut best: Option<usize> = None;
        let mut node = 0u32;
        let mut names = path.split('/').peekable();
        while let Some(name) = names.next() {
            let Some(&child) = self.children.get(node as usize).and_then(|c| c.get(name)) else { break };
            node = child;
            // A name with more after it is a folder above the path.
            let folder = names.peek().is_some();
            if let Some(i) = self.named.get(node as usize).and_then(|n| n.rule(folder || is_dir)) {
                best = Some(best.map_or(i, |b| b.max(i)));
            }
        }
        best
    }
}

impl Literals {
    fn of(entries: &[Entry]) -> Self {
        let mut literals = Self::default();
        for entry in entries {
            if let Some((key, dir_only)) = literal(&entry.glob) {
                if let Some(named) = literals.folded.node_of(&key.to_ascii_lowercase()) {
                    named.add(entry.index, dir_only);
                }
                if let Some(named) = literals.exact.node_of(key) {
                    named.add(entry.index, dir_only);
                }
            }
        }
        literals
    }
}

/// The path an anchored pattern of plain ASCII text names, and whether it
/// names a folder only (a trailing `/`): `/svc/orders/` and `svc/orders/`
/// name `svc/orders`, a folder. `None` for a pattern with a glob character,
/// an escape, a negation, a comment, blanks at its end, an empty, `.` or
/// `..` segment, or no `/` but a trailing one (which matches at any depth).
fn literal(glob: &str) -> Option<(&str, bool)> {
    let plain = glob.is_ascii()
        && !glob.contains(['*', '?', '[', ']', '\\', '!', '#'])
        && !glob.ends_with([' ', '\t'])
        && !glob.starts_with(' ');
    if !plain {
        return None;
    }
    let (rest, absolute) = match glob.strip_prefix('/') {
        Some(rest) => (rest, true),
        None => (glob, false),
    };
    let (key, dir_only) = match rest.strip_suffix('/') {
        Some(key) => (key, true),
        None => (rest, false),
    };
    let segments_plain = key.split('/').all(|s| !s.is_empty() && s != "." && s != "..");
    (segments_plain && (absolute || key.contains('/'))).then_some((key, dir_only))
}

/// `path` as matching that ignores case compares it with a pattern of
/// ASCII: its ASCII letters in lower case (the case-insensitive glob sets
/// take no letter beyond ASCII for an ASCII one: the Kelvin sign is no
/// `k`, checked by a property test).
fn ascii_folded(path: &str) -> String {
    path.to_ascii_lowercase()
}

/// The chunks of `entries`, matching ASCII and Unicode case alike when
/// `fold`.
fn build_chunks(entries: &[Entry], fold: bool) -> Result<Vec<Chunk>, String> {
    let mut chunks = Vec::new();
    // Ranges still to build, the next one on top; a range that fails
    // is split in two (no recursion: at most 13 halvings of a chunk).
    let mut todo: Vec<&[Entry]> = entries.chunks(CHUNK_RULES).rev().collect();
    while let Some(entries) = todo.pop() {
        match build_chunk(entries, fold) {
            Ok(chunk) => chunks.push(chunk),
            Err(e) if entries.len() <= 1 => return Err(e),
            Err(_) => {
                let (first, second) = entries.split_at(entries.len() / 2);
                todo.push(second);
                todo.push(first);
            }
        }
    }
    Ok(chunks)
}

fn build_chunk(entries: &[Entry], fold: bool) -> Result<Chunk, String> {
    let mut own = GitignoreBuilder::new(".");
    let mut below = GitignoreBuilder::new(".");
    for builder in [&mut own, &mut below] {
        builder.case_insensitive(fold).map_err(|e| e.to_string())?;
    }
    for entry in entries {
        // INVARIANT: every glob's `from` is the decimal index of its rule,
        // which is how `PathMatcher::rule_of` finds the rule of the glob
        // that matched. The `ignore` crate uses `from` only for reporting.
        let tag = || Some(PathBuf::from(entry.index.to_string()));
        own.add_line(tag(), &entry.glob).map_err(|e| e.to_string())?;
        if entry.covers_below
            && let Some(line) = below_line(&entry.glob)
        {
            below.add_line(tag(), &line).map_err(|e| e.to_string())?;
        }
    }
    Ok(Chunk { own: own.build().map_err(|e| e.to_string())?, below: below.build().map_err(|e| e.to_string())? })
}

/// The gitignore line that matches what is below a directory `line`
/// matches: `/A/**` (`!/A/**` for a negation), where `A` is the glob the
/// `ignore` crate (0.4, `GitignoreBuilder::add_line`) makes of `line` for
/// the whole path (trailing unescaped blanks and a directory's `/` off, a
/// leading `/` anchoring it, `**/` before a pattern without a `/`, `/*`
/// after one ending in `/**`). The
/// leading `/` of the result keeps `A` as it is. `None` for a line that
/// matches nothing (a comment, blanks). Checked against asking `line`
/// about each directory by a property test.
fn below_line(line: &str) -> Option<String> {
    if line.starts_with('#') {
        return None;
    }
    let mut line = trim_trailing_unescaped_spaces(line);
    let mut negation = "";
    let mut absolute = false;
    if line.starts_with("\\!") || line.starts_with("\\#") {
        line = line.get(1..)?;
        absolute = line.starts_with('/');
    } else {
        if let Some(rest) = line.strip_prefix('!') {
            negation = "!";
            line = rest;
        }
        if let Some(rest) = line.strip_prefix('/') {
            line = rest;
            absolute = true;
        }
    }
    if let Some(rest) = line.strip_suffix('/') {
        line = rest.strip_suffix('\\').unwrap_or(rest);
    }
    if line.is_empty() {
        return None;
    }
    // `**` matches every directory; as a prefix it would also match none
    // (`**/**/*` takes a file at the top): what is below some directory.
    if line.split('/').all(|segment| segment == "**") {
        return Some(format!("{negation}/*/**"));
    }
    let anchored = absolute || line.contains('/') || line.starts_with("**/") || line == "**";
    let prefix = if anchored { "" } else { "**/" };
    // (`A/**` matches what is inside `A`, not `A` itself: `A/**/*`.)
    let inside = if format!("{prefix}{line}").ends_with("/**") { "/*" } else { "" };
    Some(format!("{negation}/{prefix}{line}{inside}/**"))
}

/// `line` without its trailing blanks that no `\` escapes, as the `ignore`
/// crate reads a gitignore line.
fn trim_trailing_unescaped_spaces(line: &str) -> &str {
    let bytes = line.as_bytes();
    let mut last_space = None;
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'\\' => {
                if i + 1 >= bytes.len() {
                    return line;
                }
                i += 2;
                last_space = None;
            }
            b' ' => {
                last_space = last_space.or(Some(i));
                i += 1;
            }
            _ => {
                last_space = None;
                i += 1;
            }
        }
    }
    line.get(..last_space.unwrap_or(line.len())).unwrap_or(line)
}

impl PathMatcher {
    /// A matcher without patterns.
    pub fn empty() -> Self {
        Self {
            globs: Globs::default(),
            literals: Literals::default(),
            entries: Vec::new(),
            folds: false,
            folded: std::sync::OnceLock::new(),
        }
    }

    /// The index of the last rule that matches `path`, a path from the
    /// repository root: a file, or a directory when `is_dir` (a submodule;
    /// patterns ending in `/` match only directories). Leading `/` and
    /// `./` are ignored; an empty path matches nothing.
    pub fn rule_of(&self, path: &str, is_dir: bool) -> Option<usize> {
        let path = from_root(path);
        if path.is_empty() {
            return None;
        }
        let globbed = self.globs.rule_of(path, is_dir);
        globbed.max(self.literals.exact.rule_of(path, is_dir))
    }

    /// [`PathMatcher::rule_ignoring_case`] when `ignore_case`, else
    /// [`PathMatcher::rule_of`].
    pub fn rule(&self, path: &str, is_dir: bool, ignore_case: bool) -> Option<usize> {
        if ignore_case { self.rule_ignoring_case(path, is_dir) } else { self.rule_of(path, is_dir) }
    }

    /// [`PathMatcher::rule_of`] ignoring case, in patterns and path alike
    /// (`src/PayApp/` matches `src/payapp/x.go`): for reading a path that
    /// no rule places as written the way a case-insensitive file system
    /// (or a person) reads it. `None` too when the case-insensitive
    /// matcher cannot be built (it is built on first need), which the
    /// caller reads as no rule: the path as written still matches.
    pub fn rule_ignoring_case(&self, path: &str, is_dir: bool) -> Option<usize> {
        let path = from_root(path);
        if path.is_empty() {
            return None;
        }
        // (Patterns of ASCII without capitals match an ASCII path
        // ignoring case exactly when they match its lower case: a class
        // `[a-z]` takes `A` ignoring case, and `a` once lowered. The
        // case-insensitive glob sets run as regexes, several times
        // slower than the literal and suffix strategies the sets as
        // written use for most CODEOWNERS patterns.)
        if !self.folds && path.is_ascii() {
            return self.rule_of(&path.to_ascii_lowercase(), is_dir);
        }
        let folded = self
            .folded
            .get_or_init(|| {
                let globs: Vec<Entry> = self.entries.iter().filter(|e| literal(&e.glob).is_none()).cloned().collect();
                Globs::build(&globs, true)
            })
            .as_ref()
            .ok()?;
        let globbed = folded.rule_of(path, is_dir);
        globbed.max(self.literals.folded.rule_of(&ascii_folded(path), is_dir))
    }
}

impl Chunk {
    fn rule_of(&self, path: &str, is_dir: bool) -> Option<usize> {
        let own = rule_index(&self.own.matched(path, is_dir));
        let below = rule_index(&self.below.matched(path, is_dir));
        own.max(below)
    }
}

/// `path` without the leading `/` and `./` that name the root (`/./a` is
/// `a`).
fn from_root(mut path: &str) -> &str {
    loop {
        let rest = path.trim_start_matches('/');
        match rest.strip_prefix("./") {
            Some(after) => path = after,
            None => return rest,
        }
    }
}

fn rule_index(m: &ignore::Match<&ignore::gitignore::Glob>) -> Option<usize> {
    m.inner()?.from()?.to_str()?.parse().ok()
}

/// Escapes unescaped `{` and `}`, which the `ignore` crate reads as
/// alternation but git and GitHub read literally.
fn literal_braces(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len() + 2);
    let mut escaped = false;
    for c in pattern.chars() {
        if !escaped && matches!(c, '{' | '}') {
            out.push('\\');
        }
        escaped = !escaped && c == '\\';
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn matcher(patterns: &[String]) -> Option<PathMatcher> {
        let mut builder = PathMatcherBuilder::new();
        for (i, p) in patterns.iter().enumerate() {
            builder.add(i, p).ok()?;
        }
        builder.build().ok()
    }

    /// That a matcher of `patterns` answers about `path` as one set of
    /// chunks of all its patterns does, as written and ignoring case.
    fn answers_as_unsplit(patterns: &[String], path: &str, is_dir: bool) -> Result<(), TestCaseError> {
        let Some(m) = matcher(patterns) else { return Ok(()) };
        let all = build_chunks(&m.entries, false).unwrap();
        let expected = all.iter().rev().find_map(|chunk| chunk.rule_of(from_root(path), is_dir));
        prop_assert_eq!(m.rule_of(path, is_dir), expected, "{:?} {:?}", patterns, path);
        let folded = build_chunks(&m.entries, true).unwrap();
        let expected = folded.iter().rev().find_map(|chunk| chunk.rule_of(from_root(path), is_dir));
        prop_assert_eq!(m.rule_ignoring_case(path, is_dir), expected, "{:?} {:?}", patterns, path);
        Ok(())
    }

    proptest! {
        /// Patterns of ASCII without capitals, asked about an ASCII path
        /// ignoring case, answer on the lower-cased path as the
        /// case-insensitive glob sets do.
        #[test]
        fn lowering_an_ascii_path_is_matching_it_ignoring_case(
            patterns in prop::collection::vec("/?([a-c*?]|\\[!?a-c\\]){1,3}(/([a-c*?]|\\*\\*){1,3}){0,2}/?", 1..6),
            path in "[a-cA-C]{1,3}(/[a-cA-C.]{1,3}){0,3}",
        ) {
            let Some(m) = matcher(&patterns) else { return Ok(()) };
            prop_assert!(!m.folds);
            let full = build_chunks(&m.entries, true).unwrap();
            let expected = full.iter().rev().find_map(|chunk| chunk.rule_of(&path, false));
            prop_assert_eq!(m.rule_ignoring_case(&path, false), expected);
        }
    }

    proptest! {
        /// Patterns named whole in plain text (looked up, not globbed)
        /// answer as the glob sets do, as written and ignoring case, beside
        /// glob patterns, with capitals, and paths with letters that fold
        /// to ASCII ones (the Kelvin sign, the long s).
        #[test]
        fn literal_patterns_answer_as_the_glob_sets(
            patterns in prop::collection::vec("/?([aksAKS]{1,2}|\\*)(/[aksAKS*]{1,2}){0,2}/?", 1..6),
            path in "[aksAKS\u{212A}\u{17F}]{1,2}(/[aksAKS\u{212A}\u{17F}]{1,2}){0,3}/?",
            is_dir in any::<bool>(),
        ) {
            answers_as_unsplit(&patterns, &path, is_dir)?;
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig {
            cases: std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(256),
            ..ProptestConfig::default()
        })]
        /// Enough wildcard patterns to make several keyed chunks, with
        /// keys that overlap and repeat, answer as one unsplit set of
        /// chunks does, as written and ignoring case.
        #[test]
        fn keyed_chunks_answer_as_the_unsplit_sets(
            patterns in prop::collection::vec(
                "/?(\\*\\*/)?([abAB]{1,3}|\\*|[ab]\\*|[ab]\\?b|\\[!?\\]?[ab]\\]b)(/([abAB.]{1,3}|\\*|\\*\\*|\\*[ab]|[ab]\\?|a\\[[ab/]\\]b?)){0,3}/?",
                30..120,
            ),
            path in "[abAB\u{212A}]{1,3}(/[abAB.]{1,3}){0,4}/?",
            is_dir in any::<bool>(),
        ) {
            answers_as_unsplit(&patterns, &path, is_dir)?;
        }
    }

    #[test]
    fn a_key_is_the_longest_plain_run() {
        assert_eq!(key_of("/src/*/pkg0/*.go", false).as_deref(), Some("/pkg0/"));
        assert_eq!(key_of("/Src/*/PKG/*.go", true).as_deref(), Some("/pkg/"));
        assert_eq!(key_of("*.go", false).as_deref(), Some(".go"));
        assert_eq!(key_of("/src/[ab]x/*.go", false).as_deref(), Some("/src/"));
        assert_eq!(key_of("*/[!]a]/pkgs/*.go", false).as_deref(), Some("/pkgs/"));
        for none in ["*", "*/*", "!/src/*.go", "/src/[ab/*.go", "/src/a]/x", "/src/\\*.go", "# x"] {
            assert_eq!(key_of(none, false), None, "{none}");
        }
    }

    /// The rule of `path` as first written: `own` asked about the path,
    /// and each pattern that covers what is below a directory asked about
    /// each of the path's directories.
    fn walk_reference(patterns: &[String], path: &str, is_dir: bool) -> Option<usize> {
        let path = from_root(path);
        if path.is_empty() {
            return None;
        }
        let (mut own, mut dirs) = (GitignoreBuilder::new("."), GitignoreBuilder::new("."));
        for (i, p) in patterns.iter().enumerate() {
            let glob = literal_braces(p);
            let tag = Some(PathBuf::from(i.to_string()));
            own.add_line(tag.clone(), &glob).unwrap();
            if !(p.contains('/') && p.rsplit('/').next() == Some("*")) {
                dirs.add_line(tag, &glob).unwrap();
            }
        }
        let (own, dirs) = (own.build().unwrap(), dirs.build().unwrap());
        let mut best = rule_index(&own.matched(path, is_dir));
        let mut dir = path;
        while let Some(slash) = dir.rfind('/') {
            dir = dir.get(..slash).unwrap_or_default();
            if dir.is_empty() {
                break;
            }
            if let Some(i) = rule_index(&dirs.matched(dir, true)) {
                best = Some(best.map_or(i, |b| b.max(i)));
            }
        }
        best
    }

    proptest! {
        #![proptest_config(ProptestConfig {
            cases: std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(2048),
            ..ProptestConfig::default()
        })]

        /// Matching what is below a directory in one pass answers as asking
        /// each directory did: anchored and floating patterns, `*`, `?`,
        /// `**` anywhere, directories only, escapes, blanks, negations and
        /// paths with empty or dotted segments. (No reader takes a pattern
        /// with a `.` or `..` segment: `codeowners::check_pattern`.)
        #[test]
        fn one_pass_below_directories_equals_asking_each(
            patterns in prop::collection::vec(
                "(!|\\\\!|\\\\#)?/?(\\*\\*/)?([ab*?]|\\*\\*|\\\\ |\\[!?ab\\]){1,3}(/([ab*?]|\\*\\*|\\.[ab]){1,3}){0,3}/?( {0,2})",
                1..6,
            ),
            path in "/?(\\./)?[abAB. ]{1,3}(//?[ab. *]{0,3}){0,5}/?",
            is_dir in any::<bool>(),
        ) {
            let Some(m) = matcher(&patterns) else { return Ok(()) };
            prop_assert_eq!(m.rule_of(&path, is_dir), walk_reference(&patterns, &path, is_dir), "{:?} {:?}", patterns, path);
        }
    }

    /// The lines a directory's contents are matched by.
    #[test]
    fn below_lines_anchor_as_the_ignore_crate_does() {
        assert_eq!(below_line("docs/").as_deref(), Some("/**/docs/**"));
        assert_eq!(below_line("/docs/").as_deref(), Some("/docs/**"));
        assert_eq!(below_line("src/*/pkg").as_deref(), Some("/src/*/pkg/**"));
        assert_eq!(below_line("**/logs").as_deref(), Some("/**/logs/**"));
        assert_eq!(below_line("*").as_deref(), Some("/**/*/**"));
        assert_eq!(below_line("!x").as_deref(), Some("!/**/x/**"));
        assert_eq!(below_line("\\#x").as_deref(), Some("/**/#x/**"));
        assert_eq!(below_line("a\\ ").as_deref(), Some("/**/a\\ /**"));
        assert_eq!(below_line("a  ").as_deref(), Some("/**/a/**"));
        assert_eq!(below_line("# c"), None);
        assert_eq!(below_line("/"), None);
    }

    /// A pattern with a capital is matched by the case-insensitive sets.
    #[test]
    fn a_capital_in_a_pattern_is_folded() {
        let m = matcher(&["*".to_owned(), "src/PayApp/".to_owned()]).unwrap();
        assert!(m.folds);
        assert_eq!(m.rule_of("src/payapp/x.go", false), Some(0));
        assert_eq!(m.rule_ignoring_case("src/payapp/x.go", false), Some(1));
        assert_eq!(m.rule_ignoring_case("SRC/PAYAPP/x.go", false), Some(1));
    }
}
