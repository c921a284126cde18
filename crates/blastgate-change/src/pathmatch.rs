//! Last-match-wins matching of repository paths against gitignore-style
//! patterns (CODEOWNERS, service maps, a policy's path lists), on the
//! `ignore` crate's gitignore machinery rather than hand-written globbing.
//!
//! Internal to blastgate: the `blastgate` facade does not expose it.

use std::path::PathBuf;

use ignore::gitignore::{Gitignore, GitignoreBuilder};

/// Last-match-wins matching of paths against gitignore-style patterns,
/// with the `ignore` crate's reading of each line.
///
/// A pattern is matched in one of three ways, all giving the answer the
/// `ignore` crate's `Gitignore` gives for it (property tests check each
/// against it):
///
/// - A pattern naming a folder or file whole in plain text is looked up
///   (`Literals`).
/// - A name matched at any depth (`NAME`, `**/NAME`) or an extension
///   (`*.EXT`) is matched by `Gitignore` sets of up to 4,096 rules
///   (`CHUNK_RULES`), which find them by a hash lookup whatever their
///   number (`named`); what is below a folder they name, by looking each
///   of the path's folders up (`BelowNamed`).
/// - Every other pattern is made into the regex `ignore` makes of it
///   (by `globset`, with `ignore`'s options) and matched by sets of at most
///   128 patterns (`SET_PATTERNS`) run by `regex-automata`'s lazy DFA
///   with no capture slots (`Set`), within a [`MatchBudget`] when one is
///   open (a changeset's resolution). `ignore`'s own sets held
///   thousands of such patterns each: their fallback engine's slots grow
///   with patterns times states (12 to 22 GB for 20,000 lines like
///   `**/*a1*b*c1*.go`), and a pattern ending in an extension was run
///   alone against every path with that extension, each with a lazy DFA
///   of up to 10 MiB (20 s for 20,000 lines like `/src/*/pkg1/*.go` and
///   2,000 files). A red team's cases, `docs/performance.md`.
///
/// A pattern that, matching a directory, covers everything below it
/// (every one but those ending in `/*`) is matched a second time as what
/// is below such a directory (`A/**/*`, `A` the pattern as the `ignore`
/// crate anchors it: `Actual::below`), and the path asked once. That is
/// asking the pattern about each of the path's directories, in one pass
/// instead of one a directory (a complexity audit: a path 2,000 folders
/// deep cost 2,000 passes over its 4,000 bytes a chunk). A pattern ending
/// in `/*` is left out of that: GitHub's `docs/*` matches `docs/a.md` but
/// not `docs/build/b.md`, while in gitignore it would match the directory
/// `docs/build` and so everything below.
///
/// The `ignore` crate's own `matched_path_or_any_parents` is not used: it
/// returns the first match walking up from the path, so with `*.go` on line
/// 1 and `pdata/` on line 2 it would answer line 1 for `pdata/x.go`, where
/// GitHub's last-match-wins answers line 2. Instead every level is asked
/// and the highest rule index wins.
///
/// Sets are built in rule order and asked from the last; the first with a
/// match decides among its kind. A set that fails to build (a regex over
/// its size limit) is split in two until it builds.
///
/// Matching that ignores case ([`PathMatcher::rule_ignoring_case`]) has
/// sets of its own, built from the same patterns on first need: most
/// matchers are never asked.
#[derive(Debug, Clone)]
pub struct PathMatcher {
    globbed: Globbed,
    /// The anchored patterns of plain text (a folder or file named
    /// whole, `/svc/orders/`, `src/payments`), found by hashing the path's
    /// prefixes as it is read ([`Keys`]) rather than through the glob sets:
    /// a Backstage catalog's source locations are 100,000 such folders,
    /// and glob sets of them took 27 to 50 KB a pattern (a red team: 2 GB
    /// to place one file).
    literals: Literals,
    /// Every pattern, literal or not (the case-insensitive sets are
    /// built from the others on first need).
    entries: Vec<Entry>,
    /// Whether some pattern has a capital or a letter beyond ASCII: else
    /// an ASCII path matches ignoring case as its lower case matches
    /// as written, on the faster `globbed`.
    folds: bool,
    folded: std::sync::OnceLock<Result<Globbed, String>>,
    /// What the patterns are, for a [`MatchBudget`]'s error.
    source: std::sync::Arc<str>,
}

/// The patterns that are not looked up as [`Literals`].
#[derive(Debug, Clone, Default)]
struct Globbed {
    /// Names and extensions, in `Gitignore` sets by rule order.
    named: Vec<Gitignore>,
    /// What is below a folder each of `named` matches, looked up.
    below_named: BelowNamed,
    /// The other patterns and what is below each, in [`Set`]s by rule
    /// order.
    sets: Vec<Set>,
}

/// What is below a folder that a name or extension pattern (`**/NAME`,
/// `**/*.EXT`) matches, found by lookups: the regex `ignore` makes of its
/// line for what is below (`/**/NAME/**`, `^(?:/?|.*/)NAME(?:/|/.*/)[^/]*$`)
/// matches a path exactly when one of its folders (a part followed by a
/// `/`) is `NAME`, or ends in `.EXT` (`EXT` holds no `.`). As set patterns,
/// 100,000 such lines made each path a pass over 800 sets.
#[derive(Debug, Clone, Default)]
struct BelowNamed {
    /// The last rule of each name, and of each extension.
    names: std::collections::HashMap<String, usize>,
    extensions: std::collections::HashMap<String, usize>,
}

impl BelowNamed {
    /// Files the glob `glob` (`**/NAME` or `**/*.EXT`, as
    /// [`named_in_globset`] says) of rule `rule`.
    fn add(&mut self, glob: &str, rule: usize) {
        let Some(rest) = glob.strip_prefix("**/") else { return };
        let (map, key) = match rest.strip_prefix("*.") {
            Some(extension) => (&mut self.extensions, extension),
            None => (&mut self.names, rest),
        };
        let last = map.entry(key.to_owned()).or_insert(rule);
        *last = (*last).max(rule);
    }

    /// The last rule one of whose folders holds `path`.
    fn rule_of(&self, path: &str) -> Option<usize> {
        if self.names.is_empty() && self.extensions.is_empty() {
            return None;
        }
        let (folders, _) = path.rsplit_once('/')?;
        folders
            .split('/')
            .flat_map(|folder| {
                let extension = folder.rsplit_once('.').and_then(|(_, e)| self.extensions.get(e));
                [self.names.get(folder), extension]
            })
            .flatten()
            .copied()
            .max()
    }
}

/// At most `SET_PATTERNS` patterns, matched in one pass over a path.
///
/// Within a [`MatchBudget`] (a changeset's resolution), a path is run
/// through the lazy DFA `lazy` with the budget's own cache for this set,
/// which is never cleared: every state it builds is kept, and counts
/// against the budget of the set's `source` (see [`MatchBudget`]).
/// Outside a budget (a policy's paths, the library's `owners_of`), through
/// `dfa` with a cache of `SET_CACHE_BYTES` from `caches` (one a thread,
/// kept between searches), and when that gives up, through the exact and
/// slower PikeVM, as the `regex` crate's own engine does.
///
/// Before 8 December 2026 every search was the `regex` crate's: its
/// PikeVM, when the lazy DFA gave up, costs the set's states times the
/// path's bytes (42 s for one path of 4,088 bytes against 6,250 lines
/// like `*a` and 30 `?`, a hang for a changeset of many such paths).
#[derive(Debug, Clone)]
struct Set {
    dfa: regex_automata::hybrid::dfa::DFA,
    lazy: regex_automata::hybrid::dfa::DFA,
    pikevm: regex_automata::nfa::thompson::pikevm::PikeVM,
    caches: std::sync::Arc<regex_automata::util::pool::Pool<regex_automata::hybrid::dfa::Cache, CacheFn>>,
    /// For each pattern, its rule and whether it matches only a directory
    /// (a line ending in `/`).
    rules: Vec<(usize, bool)>,
    /// What the patterns are (a file's name): a budget is counted by it.
    source: std::sync::Arc<str>,
    /// This set among all (a budget's cache for it is found by it).
    id: u64,
}

/// Makes a [`Set`]'s lazy DFA cache, for its pool.
type CacheFn = Box<
    dyn Fn() -> regex_automata::hybrid::dfa::Cache + Send + Sync + std::panic::UnwindSafe + std::panic::RefUnwindSafe,
>;

/// Most rules in one `Gitignore` set of names and extensions.
const CHUNK_RULES: usize = 4096;

/// Most patterns in one [`Set`]: small enough that a set's lazy DFA stays
/// within its cache on hostile patterns, large enough that a CODEOWNERS
/// file of hundreds of wildcard lines is a few passes a path (64, 128 and
/// 256 measured on a red team's cases: 128 is at most 2 s where the
/// others reach 3.7 s).
const SET_PATTERNS: usize = 128;

/// The lazy DFA's cache of one [`Set`], a thread, outside a [`MatchBudget`]
/// (2 KiB a pattern): 20,000 lines of `**/*a1*b*c1*.e1` with 2,000 files
/// kept 200 MB in all.
const SET_CACHE_BYTES: usize = 256 << 10;

/// The largest regex one set compiles to (`globset`'s figure).
const SET_NFA_BYTES: usize = 10 << 20;

/// The most bytes of lazy DFA states (as the `regex-automata` crate
/// counts its cache) that matching a changeset's paths against one file's
/// patterns may build within a [`MatchBudget`], before
/// [`MATCH_STATE_BYTES_PER_FILE`] for each changed file: past it, the
/// budget of that file is spent. The real files and the largest synthetic
/// ones measured build at most 25 MB (20,000 lines like `**/*a1*b*c1*.e1`
/// with 2,000 changed files, about 12 KiB a file; docs/performance.md);
/// building 128 MiB takes a few seconds. One set of patterns holds at most
/// this much.
pub const MAX_MATCH_STATE_BYTES: usize = 128 << 20;

/// What each changed file adds to [`MAX_MATCH_STATE_BYTES`] (a red team:
/// the 20,000 lines like `**/*a1*b*c1*.e1` with 20,000 changed files
/// spent a fixed 128 MiB).
pub const MATCH_STATE_BYTES_PER_FILE: usize = 32 << 10;

/// The most a budget may grow to with the changed files: 1 GiB.
pub const MAX_MATCH_STATE_BUDGET: usize = 1 << 30;

/// The budget of a changeset of `files` changed files:
/// [`MAX_MATCH_STATE_BYTES`] and [`MATCH_STATE_BYTES_PER_FILE`] a file, at
/// most [`MAX_MATCH_STATE_BUDGET`].
pub fn match_state_budget(files: usize) -> usize {
    MAX_MATCH_STATE_BYTES.saturating_add(files.saturating_mul(MATCH_STATE_BYTES_PER_FILE)).min(MAX_MATCH_STATE_BUDGET)
}

/// Builds a [`PathMatcher`].
#[derive(Debug, Default)]
pub struct PathMatcherBuilder {
    entries: Vec<Entry>,
    source: Option<std::sync::Arc<str>>,
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

    /// Names the patterns (their file) in a [`MatchBudget`]'s error.
    pub fn named(mut self, source: &str) -> Self {
        self.source = Some(source.into());
        self
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
        let source = self.source.clone().unwrap_or_else(|| "the patterns".into());
        Ok(PathMatcher {
            globbed: Globbed::of(&self.entries, false, &source)?,
            source,
            literals: Literals::of(&self.entries)?,
            entries: self.entries.clone(),
            folds: self.entries.iter().any(|e| !e.glob.is_ascii() || e.glob.bytes().any(|b| b.is_ascii_uppercase())),
            folded: std::sync::OnceLock::new(),
        })
    }
}

/// The anchored patterns of plain text, by the path they name
/// (see [`literal`]), each with the last rule that names it as a file or a
/// folder and the last that names it as a folder only (a pattern ending
/// in `/`); and the same keyed in ASCII lower case, for matching that
/// ignores case.
#[derive(Debug, Clone, Default)]
struct Literals {
    exact: Keys,
    folded: Keys,
}

/// Named paths found in one pass over a path: each path is filed by a
/// hash that a path's prefixes are hashed to as the pass goes
/// ([`prefix_hash`]), so that asking about a path costs one step a byte,
/// and one comparison of the best match found. Looking each folder's whole
/// prefix up in a hash map hashed the path over again at every `/` (a red
/// team: 1,000 files 1,300 folders deep took 10 s to assess); a trie of
/// folders took 30 bytes a folder, 500 MB for 12 MB of patterns 2,000
/// folders deep (another). The hash only finds candidates: a match is
/// compared in full, so the answer never depends on the hash's key.
#[derive(Debug, Clone)]
struct Keys {
    /// Each named path and its rules.
    paths: Vec<(Box<str>, Named)>,
    /// The first path of each hash, and for each path the next of the
    /// same hash (distinct paths share one with a chance of about 2^-61).
    first: std::collections::HashMap<u64, u32>,
    next: Vec<Option<u32>>,
    /// The hash's multiplier, drawn once per matcher.
    base: u64,
}

impl Default for Keys {
    fn default() -> Self {
        use std::hash::BuildHasher;
        // A multiplier in [2^20, 2^61 - 2] no input can aim at.
        let drawn = std::collections::hash_map::RandomState::new().hash_one(0x6b65_7973_u64);
        Self {
            paths: Vec::new(),
            first: std::collections::HashMap::new(),
            next: Vec::new(),
            base: (1 << 20) + drawn % (PRIME - 2 - (1 << 20)),
        }
    }
}

/// The Mersenne prime 2^61 - 1, the modulus of [`prefix_hash`].
const PRIME: u64 = (1 << 61) - 1;

/// The hash of `text` extended by `byte`: `(h * base + byte + 1) mod
/// 2^61 - 1`, so that a text's prefixes are hashed as it is read.
fn prefix_hash(h: u64, base: u64, byte: u8) -> u64 {
    let product = u128::from(h) * u128::from(base) + u128::from(byte) + 1;
    let folded = (product & u128::from(PRIME)) + (product >> 61);
    let folded = u64::try_from(folded).unwrap_or(0);
    if folded >= PRIME { folded - PRIME } else { folded }
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

impl Keys {
    fn hash(&self, text: &str) -> u64 {
        text.bytes().fold(0, |h, b| prefix_hash(h, self.base, b))
    }

    /// The candidates filed under `hash`, first to last.
    fn filed(&self, hash: u64) -> impl Iterator<Item = u32> + '_ {
        std::iter::successors(self.first.get(&hash).copied(), |&i| self.next.get(i as usize).copied().flatten())
    }

    /// Adds rule `index` naming `path`.
    fn add(&mut self, path: &str, index: usize, dir_only: bool) -> Result<(), String> {
        let hash = self.hash(path);
        let found = self.filed(hash).find(|&i| self.paths.get(i as usize).is_some_and(|(p, _)| &**p == path));
        let at = match found {
            Some(i) => i,
            None => {
                let at = u32::try_from(self.paths.len()).map_err(|_| "too many patterns".to_owned())?;
                self.paths.push((path.into(), Named::default()));
                self.next.push(self.first.insert(hash, at));
                at
            }
        };
        if let Some((_, named)) = self.paths.get_mut(at as usize) {
            named.add(index, dir_only);
        }
        Ok(())
    }

    /// The last rule that matches `path` (from the root): one naming the
    /// path itself, or a folder above it.
    fn rule_of(&self, path: &str, is_dir: bool) -> Option<usize> {
        if self.paths.is_empty() {
            return None;
        }
        // (rule, the named path, the prefix's length) of each candidate.
        let mut found: Vec<(usize, u32, usize)> = Vec::new();
        let mut candidates = |hash: u64, len: usize, folder: bool| {
            for i in self.filed(hash) {
                if let Some((p, named)) = self.paths.get(i as usize)
                    && p.len() == len
                    && let Some(rule) = named.rule(folder || is_dir)
                {
                    found.push((rule, i, len));
                }
            }
        };
        let mut h = 0;
        for (at, &b) in path.as_bytes().iter().enumerate() {
            if b == b'/' && at > 0 {
                candidates(h, at, true);
            }
            h = prefix_hash(h, self.base, b);
        }
        candidates(h, path.len(), false);
        // The best candidate that is what the path holds: almost always
        // the first, so one comparison a path.
        found.sort_unstable_by(|a, b| b.cmp(a));
        found.into_iter().find_map(|(rule, i, len)| {
            let named = self.paths.get(i as usize).map(|(p, _)| &**p);
            (named == path.get(..len)).then_some(rule)
        })
    }
}

impl Literals {
    fn of(entries: &[Entry]) -> Result<Self, String> {
        let mut literals = Self::default();
        for entry in entries {
            if let Some((key, dir_only)) = literal(&entry.glob) {
                literals.folded.add(&key.to_ascii_lowercase(), entry.index, dir_only)?;
                literals.exact.add(&key, entry.index, dir_only)?;
            }
        }
        Ok(literals)
    }
}

/// The path an anchored pattern of plain text names, and whether it
/// names a folder only (a trailing `/`): `/svc/orders/` and `svc/orders/`
/// name `svc/orders`, a folder; `/srv/a\ b/` names `srv/a b` (a `\`
/// escapes the character after it, as in the `ignore` crate's globs);
/// letters beyond ASCII are compared byte for byte, as its sets compare
/// them. `None` for a pattern with a glob character, a negation, a
/// comment, blanks at its ends, an escape at its start or end or of a `/`,
/// an empty, `.` or `..` segment, or no `/` but a trailing one (which
/// matches at any depth). (Escapes and letters beyond ASCII were left to
/// the glob sets: 100,000 lines like `/srv/a\ b1/` with 20,000 files
/// took 55 s in sets of 128, a red team.)
fn literal(glob: &str) -> Option<(String, bool)> {
    let plain = !glob.contains(['*', '?', '[', ']', '!', '#'])
        && !glob.contains("\\/")
        && !glob.ends_with([' ', '\t', '\\'])
        && !glob.starts_with([' ', '\\']);
    if !plain {
        return None;
    }
    let (rest, absolute) = match glob.strip_prefix('/') {
        Some(rest) => (rest, true),
        None => (glob, false),
    };
    let (rest, dir_only) = match rest.strip_suffix('/') {
        Some(rest) => (rest, true),
        None => (rest, false),
    };
    if rest.ends_with('\\') {
        return None;
    }
    let mut key = String::with_capacity(rest.len());
    let mut chars = rest.chars();
    while let Some(c) = chars.next() {
        key.push(if c == '\\' { chars.next()? } else { c });
    }
    let segments_plain = key.split('/').all(|s| !s.is_empty() && s != "." && s != "..");
    (segments_plain && (absolute || key.contains('/'))).then_some((key, dir_only))
}

/// `path` as matching that ignores case compares it with a pattern of
/// ASCII: its ASCII letters in lower case (the case-insensitive glob sets
/// take no letter beyond ASCII for an ASCII one: the Kelvin sign is no
/// `k`, checked by a property test). Letters beyond ASCII are read in
/// lower case by the caller, as a reading of its own
/// (`resolve::loose_readings`): folding them here changed what a `?`
/// matches (the Kelvin sign is three bytes, `k` one) and which rule is
/// last, and so lost the rule the ASCII reading found (a red team).
fn ascii_folded(path: &str) -> String {
    path.to_ascii_lowercase()
}

/// A line as the `ignore` crate (0.4, `GitignoreBuilder::add_line`)
/// reads it: the glob it makes of the line, and whether the line matches
/// directories only. `None` for a line that matches nothing (a comment,
/// blanks, a lone `!` or `/`).
struct Actual {
    glob: String,
    only_dir: bool,
    /// The glob of what is below a directory the line matches: `glob`
    /// then `/**/*`, or `*/**/*` (below some directory) for a line of
    /// `**` alone, which as a prefix would also match none (`**/**/*`
    /// takes a file at the top). `None` for a line with nothing left but
    /// its escapes. The `ignore` crate's reading of `/A/**`, checked
    /// against it by a property test.
    below: Option<String>,
}

fn actual(line: &str) -> Option<Actual> {
    if line.starts_with('#') {
        return None;
    }
    let mut line = trim_trailing_unescaped_spaces(line);
    if line.is_empty() {
        return None;
    }
    let mut absolute = false;
    if line.starts_with("\\!") || line.starts_with("\\#") {
        line = line.get(1..)?;
        absolute = line.starts_with('/');
    } else {
        if let Some(rest) = line.strip_prefix('!') {
            line = rest;
        }
        if let Some(rest) = line.strip_prefix('/') {
            line = rest;
            absolute = true;
        }
    }
    if line.is_empty() {
        return None;
    }
    let mut only_dir = false;
    if let Some(rest) = line.strip_suffix('/') {
        only_dir = true;
        line = rest.strip_suffix('\\').unwrap_or(rest);
    }
    let mut glob = line.to_owned();
    // (A pattern without a `/` matches at any depth.)
    if !(absolute || line.contains('/') || glob.starts_with("**/") || glob == "**") {
        glob = format!("**/{glob}");
    }
    if glob.ends_with("/**") {
        glob.push_str("/*");
    }
    let below = match line {
        "" => None,
        _ if line.split('/').all(|segment| segment == "**") => Some("*/**/*".to_owned()),
        _ => Some(format!("{glob}/**/*")),
    };
    Some(Actual { glob, only_dir, below })
}

/// Whether `ignore`'s sets match the glob `glob` by a hash lookup, whatever
/// their number: a name at any depth (`**/NAME`) or an extension
/// (`**/*.EXT`), of plain text. (A pattern wrongly said so here would be
/// matched rightly, only in a set that can grow slow.)
fn named_in_globset(glob: &str) -> bool {
    let plain = |s: &str| !s.is_empty() && !s.contains(['*', '?', '[', ']', '\\', '{', '}', ',', '/']);
    match glob.strip_prefix("**/") {
        Some(rest) => match rest.strip_prefix("*.") {
            Some(ext) => plain(ext) && !ext.contains('.'),
            None => plain(rest),
        },
        None => false,
    }
}

/// The regex the `ignore` crate matches `glob` by (its `GlobBuilder`
/// options).
fn regex_of(glob: &str, fold: bool) -> Result<String, String> {
    let glob = globset::GlobBuilder::new(glob)
        .literal_separator(true)
        .case_insensitive(fold)
        .backslash_escape(true)
        .allow_unclosed_class(true)
        .build()
        .map_err(|e| e.to_string())?;
    Ok(glob.regex().to_owned())
}

/// One pattern of a [`Set`].
struct Pattern {
    rule: usize,
    only_dir: bool,
    regex: String,
}

impl Globbed {
    /// The sets of `entries` that are not [`Literals`], matching ASCII
    /// case alike when `fold` (as `ignore`'s case-insensitive sets do:
    /// their regexes fold ASCII only).
    fn of(entries: &[Entry], fold: bool, source: &std::sync::Arc<str>) -> Result<Self, String> {
        let mut named: Vec<&Entry> = Vec::new();
        let mut below_named = BelowNamed::default();
        let mut patterns: Vec<Pattern> = Vec::new();
        for entry in entries.iter().filter(|e| literal(&e.glob).is_none()) {
            let Some(own) = actual(&entry.glob) else { continue };
            // (`ignore`'s case-insensitive sets find nothing by a hash
            // lookup: folded, every pattern is a regex.)
            if !fold && named_in_globset(&own.glob) {
                named.push(entry);
                // (Every name or extension covers what is below it: it
                // holds no `/`.)
                below_named.add(&own.glob, entry.index);
                continue;
            }
            patterns.push(Pattern { rule: entry.index, only_dir: own.only_dir, regex: regex_of(&own.glob, fold)? });
            if entry.covers_below
                && let Some(below) = &own.below
            {
                patterns.push(Pattern { rule: entry.index, only_dir: false, regex: regex_of(below, fold)? });
            }
        }
        let mut globbed = Self { below_named, ..Self::default() };
        for rules in named.chunks(CHUNK_RULES) {
            let mut builder = GitignoreBuilder::new(".");
            for entry in rules {
                // INVARIANT: every glob's `from` is the decimal index of its
                // rule, which is how `rule_index` finds the rule of the glob
                // that matched. The `ignore` crate uses `from` only for
                // reporting.
                builder
                    .add_line(Some(PathBuf::from(entry.index.to_string())), &entry.glob)
                    .map_err(|e| e.to_string())?;
            }
            globbed.named.push(builder.build().map_err(|e| e.to_string())?);
        }
        // Ranges still to build, the next one on top; a range that fails
        // is split in two (no recursion: at most 7 halvings of a set).
        let mut todo: Vec<&[Pattern]> = patterns.chunks(SET_PATTERNS).rev().collect();
        while let Some(patterns) = todo.pop() {
            match Set::of(patterns, source) {
                Ok(set) => globbed.sets.push(set),
                Err(e) if patterns.len() <= 1 => return Err(e),
                Err(_) => {
                    let (first, second) = patterns.split_at(patterns.len() / 2);
                    todo.push(second);
                    todo.push(first);
                }
            }
        }
        Ok(globbed)
    }

    fn rule_of(&self, path: &str, is_dir: bool) -> Option<usize> {
        let named = self.named.iter().rev().find_map(|set| rule_index(&set.matched(path, is_dir)));
        let globbed = self.sets.iter().rev().find_map(|set| set.rule_of(path, is_dir));
        named.max(self.below_named.rule_of(path)).max(globbed)
    }
}

impl Set {
    fn of(patterns: &[Pattern], source: &std::sync::Arc<str>) -> Result<Self, String> {
        use regex_automata::{
            MatchKind,
            hybrid::dfa::DFA,
            nfa::thompson::{self, WhichCaptures, pikevm::PikeVM},
            util::syntax,
        };
        let nfa = thompson::Compiler::new()
            .syntax(syntax::Config::new().utf8(false).dot_matches_new_line(true))
            .configure(
                thompson::Config::new()
                    .utf8(false)
                    // (No slots: a search asks only which patterns match,
                    // and the PikeVM's slots are patterns times states.)
                    .which_captures(WhichCaptures::None)
                    .nfa_size_limit(Some(SET_NFA_BYTES)),
            )
            .build_many(&patterns.iter().map(|p| p.regex.as_str()).collect::<Vec<_>>())
            .map_err(|e| e.to_string())?;
        let lazy = |capacity: usize, clears: usize, per_state: Option<usize>| {
            DFA::builder()
                .configure(
                    DFA::config()
                        .match_kind(MatchKind::All)
                        .cache_capacity(capacity)
                        .minimum_cache_clear_count(Some(clears))
                        .minimum_bytes_per_state(per_state)
                        // (A set too large for its cache is split; one
                        // pattern too large gives up at once, to the
                        // PikeVM, as in the `regex` crate.)
                        .skip_cache_capacity_check(patterns.len() <= 1 && capacity == SET_CACHE_BYTES),
                )
                .build_from_nfa(nfa.clone())
                .map_err(|e| e.to_string())
        };
        // (The `regex` crate's settings: give up after three clears that
        // searched fewer than ten bytes a state.)
        let dfa = lazy(SET_CACHE_BYTES, 3, Some(10))?;
        // (Never cleared: a clear is the budget spent.)
        let lazy = lazy(MAX_MATCH_STATE_BYTES, 0, None)?;
        let pikevm = PikeVM::builder()
            .configure(PikeVM::config().match_kind(MatchKind::All))
            .build_from_nfa(nfa)
            .map_err(|e| e.to_string())?;
        static SETS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let made = dfa.clone();
        let create: CacheFn = Box::new(move || made.create_cache());
        Ok(Self {
            dfa,
            lazy,
            pikevm,
            caches: std::sync::Arc::new(regex_automata::util::pool::Pool::new(create)),
            rules: patterns.iter().map(|p| (p.rule, p.only_dir)).collect(),
            source: std::sync::Arc::clone(source),
            id: SETS.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
        })
    }

    /// The last rule of this set that matches `path` (see [`Set`] for
    /// the engines and the budget).
    fn rule_of(&self, path: &str, is_dir: bool) -> Option<usize> {
        use regex_automata::{Anchored, Input, PatternSet};
        // (Every pattern starts with `^`: `globset`'s regexes match whole.)
        let input = Input::new(path.as_bytes()).anchored(Anchored::Yes);
        let mut matched = PatternSet::new(self.dfa.pattern_len());
        match budget::search(self, &input, &mut matched) {
            budget::Searched::Within => {}
            budget::Searched::Spent => return None,
            budget::Searched::Outside => {
                let mut cache = self.caches.get();
                if self.dfa.try_which_overlapping_matches(&mut cache, &input, &mut matched).is_err() {
                    cache.reset(&self.dfa);
                    matched.clear();
                    let mut cache = self.pikevm.create_cache();
                    self.pikevm.which_overlapping_matches(&mut cache, &input, &mut matched);
                }
            }
        }
        matched
            .iter()
            .filter_map(|id| self.rules.get(id.as_usize()))
            .filter(|(_, only_dir)| is_dir || !only_dir)
            .map(|(rule, _)| *rule)
            .max()
    }
}

/// A bound on the work of matching paths against patterns: see
/// [`MatchBudget`].
mod budget {
    use std::cell::RefCell;
    use std::collections::HashMap;
    use std::sync::Arc;

    use regex_automata::{Input, PatternSet, hybrid::dfa::Cache};

    use super::Set;

    /// One budget on this thread's stack, or a pause (searches run as
    /// outside any budget).
    pub(super) enum Frame {
        Open(Open),
        Paused,
    }

    pub(super) struct Open {
        /// The most bytes of states a source's sets may build.
        max: usize,
        /// Each set's cache, by [`Set::id`].
        caches: HashMap<u64, Cache>,
        /// Bytes of states built, by the sets' source; `None` once past
        /// `max`.
        built: HashMap<Arc<str>, Option<usize>>,
    }

    impl Open {
        pub(super) fn new(max: usize) -> Self {
            Self { max, caches: HashMap::new(), built: HashMap::new() }
        }

        pub(super) fn max(&self) -> usize {
            self.max
        }

        /// The sources whose budget is spent, sorted.
        pub(super) fn spent(&self) -> Vec<&str> {
            let mut spent: Vec<&str> =
                self.built.iter().filter(|(_, b)| b.is_none()).map(|(source, _)| &**source).collect();
            spent.sort_unstable();
            spent
        }
    }

    thread_local! {
        pub(super) static FRAMES: RefCell<Vec<Frame>> = const { RefCell::new(Vec::new()) };
    }

    pub(super) enum Searched {
        /// `matched` holds the answer.
        Within,
        /// The budget of the set's source is spent: no answer.
        Spent,
        /// No budget is open on this thread.
        Outside,
    }

    /// Searches `input` with `set` within the innermost budget of this
    /// thread, if one is open.
    pub(super) fn search(set: &Set, input: &Input<'_>, matched: &mut PatternSet) -> Searched {
        FRAMES.with(|frames| {
            let mut frames = frames.borrow_mut();
            let Some(Frame::Open(open)) = frames.last_mut() else { return Searched::Outside };
            let built = open.built.entry(Arc::clone(&set.source)).or_insert(Some(0));
            let Some(so_far) = *built else { return Searched::Spent };
            let cache = open.caches.entry(set.id).or_insert_with(|| set.lazy.create_cache());
            let before = cache.memory_usage();
            let searched = set.lazy.try_which_overlapping_matches(cache, input, matched);
            let now = so_far.saturating_add(cache.memory_usage().saturating_sub(before));
            if searched.is_err() || now > open.max {
                *built = None;
                // (Its states are no longer needed.)
                open.caches.remove(&set.id);
                return Searched::Spent;
            }
            *built = Some(now);
            Searched::Within
        })
    }
}

/// The budget of a changeset's resolution for matching its paths against
/// CODEOWNERS, service maps and source locations, on the thread that
/// begins it, until it is finished (or dropped).
///
/// Within it, each set of patterns keeps every lazy DFA state it builds
/// for the paths searched, and the states built for one file's patterns
/// (named by [`PathMatcherBuilder::named`]) may take at most the budget's
/// bytes ([`match_state_budget`] for a changeset's resolution; one set at
/// most [`MAX_MATCH_STATE_BYTES`]). A search that would go past it spends that
/// file's budget: it and every later search of that file's patterns
/// answer no rule, and [`MatchBudget::finish`] names the file, for the
/// caller to fail closed. Patterns that need that many states are hostile
/// (runs of `?` after a `*`, against long paths); before the budget they
/// took 42 s a path.
///
/// Whether a budget is spent does not depend on the order of the
/// searches, the number of threads or what other searches did: the states
/// a set keeps are those of the paths searched, whatever their order, and
/// the searches asked (while no budget is spent) are those the exact
/// answers lead to. The work of a search is its path's bytes and the
/// states it builds, which the budget bounds.
///
/// Budgets nest (the innermost counts). Work handed to other threads
/// (rayon) is outside it; work that may run other tasks on this thread
/// meanwhile (a rayon join) runs within [`MatchBudget::paused`], so that a
/// task stolen meanwhile does not count against it.
#[derive(Debug)]
#[must_use = "a budget counts until it is finished or dropped"]
pub struct MatchBudget {
    depth: usize,
    /// (Not `Send`: the budget is this thread's.)
    _thread: std::marker::PhantomData<*const ()>,
}

impl MatchBudget {
    /// Opens a budget of [`MAX_MATCH_STATE_BYTES`] a file on this thread.
    pub fn begin() -> Self {
        Self::with_limit(MAX_MATCH_STATE_BYTES)
    }

    /// Opens a budget of `bytes` of states a file on this thread (a
    /// smaller one fails sooner, for tests).
    pub fn with_limit(bytes: usize) -> Self {
        Self::push(budget::Frame::Open(budget::Open::new(bytes)))
    }

    /// Closes the budget.
    ///
    /// # Errors
    /// The name of the first file (in byte order) whose patterns spent
    /// their budget, and the budget's bytes.
    pub fn finish(self) -> Result<(), (String, usize)> {
        let spent = Self::spent_at(self.depth);
        drop(self);
        spent
    }

    /// Whether a budget is open on this thread (the innermost frame is a
    /// budget, not a pause).
    pub fn is_open() -> bool {
        budget::FRAMES.with(|f| matches!(f.borrow().last(), Some(budget::Frame::Open(_))))
    }

    /// [`MatchBudget::finish`]'s answer for the innermost budget of this
    /// thread, which stays open (`Ok` when none is).
    ///
    /// # Errors
    /// As [`MatchBudget::finish`].
    pub fn spent() -> Result<(), (String, usize)> {
        Self::spent_at(budget::FRAMES.with(|f| f.borrow().len()))
    }

    fn spent_at(depth: usize) -> Result<(), (String, usize)> {
        let spent = budget::FRAMES.with(|f| match f.borrow().get(depth.wrapping_sub(1)) {
            Some(budget::Frame::Open(open)) => open.spent().first().map(|s| ((*s).to_owned(), open.max())),
            _ => None,
        });
        spent.map_or(Ok(()), Err)
    }

    /// Runs `f` outside any budget of this thread (searches in it fall
    /// back to the exact engine): for work that may run other tasks on
    /// this thread meanwhile.
    pub fn paused<R>(f: impl FnOnce() -> R) -> R {
        let _paused = Self::pause();
        f()
    }

    fn pause() -> Self {
        Self::push(budget::Frame::Paused)
    }

    fn push(frame: budget::Frame) -> Self {
        let depth = budget::FRAMES.with(|f| {
            let mut frames = f.borrow_mut();
            frames.push(frame);
            frames.len()
        });
        Self { depth, _thread: std::marker::PhantomData }
    }
}

impl Drop for MatchBudget {
    fn drop(&mut self) {
        budget::FRAMES.with(|f| f.borrow_mut().truncate(self.depth.saturating_sub(1)));
    }
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
            globbed: Globbed::default(),
            literals: Literals::default(),
            entries: Vec::new(),
            folds: false,
            folded: std::sync::OnceLock::new(),
            source: "no patterns".into(),
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
        self.globbed.rule_of(path, is_dir).max(self.literals.exact.rule_of(path, is_dir))
    }

    /// [`PathMatcher::rule_ignoring_case`] when `ignore_case`, else
    /// [`PathMatcher::rule_of`].
    pub fn rule(&self, path: &str, is_dir: bool, ignore_case: bool) -> Option<usize> {
        if ignore_case { self.rule_ignoring_case(path, is_dir) } else { self.rule_of(path, is_dir) }
    }

    /// [`PathMatcher::rule_of`] ignoring case, in patterns and path alike
    /// (`src/PayApp/` matches `src/payapp/x.go`; ASCII letters only, as
    /// the `ignore` crate's case-insensitive sets fold them): for reading
    /// a path that no rule places as written the way a case-insensitive
    /// file system (or a person) reads it. `None` too when the case-insensitive
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
        let folded = self.folded.get_or_init(|| Globbed::of(&self.entries, true, &self.source)).as_ref().ok()?;
        folded.rule_of(path, is_dir).max(self.literals.folded.rule_of(&ascii_folded(path), is_dir))
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

    /// The reference the sets are checked against: every pattern in the
    /// `ignore` crate's own `Gitignore` sets (chunks of 4,096 rules), as
    /// the matcher was built before 7 December 2026: `own` asked about the
    /// path, `below` holding what is below each pattern's directories.
    struct Chunk {
        own: Gitignore,
        below: Gitignore,
    }

    impl Chunk {
        fn rule_of(&self, path: &str, is_dir: bool) -> Option<usize> {
            let own = rule_index(&self.own.matched(path, is_dir));
            let below = rule_index(&self.below.matched(path, is_dir));
            own.max(below)
        }
    }

    /// The reference's gitignore line that matches what is below a
    /// directory `line`
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

    fn build_chunks(entries: &[Entry], fold: bool) -> Result<Vec<Chunk>, String> {
        entries.chunks(CHUNK_RULES).map(|entries| build_chunk(entries, fold)).collect()
    }

    fn build_chunk(entries: &[Entry], fold: bool) -> Result<Chunk, String> {
        let mut own = GitignoreBuilder::new(".");
        let mut below = GitignoreBuilder::new(".");
        for builder in [&mut own, &mut below] {
            builder.case_insensitive(fold).map_err(|e| e.to_string())?;
        }
        for entry in entries {
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

    /// The reference's answer for `path` (from the root), as written or
    /// ignoring case.
    fn reference(entries: &[Entry], path: &str, is_dir: bool, fold: bool) -> Option<usize> {
        let path = from_root(path);
        if path.is_empty() {
            return None;
        }
        let chunks = build_chunks(entries, fold).unwrap();
        chunks.iter().rev().find_map(|chunk| chunk.rule_of(path, is_dir))
    }

    /// The reference's answer ignoring case: the case-insensitive sets.
    fn reference_ignoring_case(entries: &[Entry], path: &str, is_dir: bool) -> Option<usize> {
        reference(entries, path, is_dir, true)
    }

    fn matcher(patterns: &[String]) -> Option<PathMatcher> {
        let mut builder = PathMatcherBuilder::new();
        for (i, p) in patterns.iter().enumerate() {
            builder.add(i, p).ok()?;
        }
        builder.build().ok()
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
            let Some(m) = matcher(&patterns) else { return Ok(()) };
            let all = build_chunks(&m.entries, false).unwrap();
            let expected = all.iter().rev().find_map(|chunk| chunk.rule_of(from_root(&path), is_dir));
            prop_assert_eq!(m.rule_of(&path, is_dir), expected, "{:?} {:?}", patterns, path);
            prop_assert_eq!(m.rule_ignoring_case(&path, is_dir), reference_ignoring_case(&m.entries, &path, is_dir), "{:?} {:?}", patterns, path);
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig {
            cases: std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(256),
            ..ProptestConfig::default()
        })]

        /// The bounded sets answer as the `ignore` crate's own sets, as
        /// written and ignoring case: `*`, `?`, `**` anywhere, classes
        /// (negated, ranges, POSIX names, unclosed, of letters beyond
        /// ASCII), escapes, names and extensions, directories only,
        /// negations, comments, blanks; sometimes more patterns than one
        /// set holds.
        #[test]
        fn bounded_sets_answer_as_the_ignore_crates_sets(
            patterns in prop::collection::vec(
                "(!|\\\\!|\\\\#|#)?/?(\\*\\*/)?([abé.*?]|\\*\\*|\\\\[ *a]|\\[!?a-cÉ\\]|\\[\\[:alpha:\\]\\]|\\[ab|\\{a,b\\}){1,4}(/([abÉ*?.]|\\*\\*|\\*\\.go|\\[\\^b\\]){1,3}){0,3}/?( {0,2})",
                1..140,
            ),
            path in "/?(\\./)?[abAéÉ. ]{1,3}(//?[abé.*\\[\\]{},go]{0,4}){0,5}/?",
            is_dir in any::<bool>(),
        ) {
            let Some(m) = matcher(&patterns) else { return Ok(()) };
            let expected = reference(&m.entries, &path, is_dir, false);
            prop_assert_eq!(m.rule_of(&path, is_dir), expected, "{:?} {:?}", patterns, path);
            if m.folds || !path.is_ascii() {
                prop_assert_eq!(m.rule_ignoring_case(&path, is_dir), reference_ignoring_case(&m.entries, &path, is_dir), "{:?} {:?}", patterns, path);
            }
            // (And within a budget, whose sets keep every state.)
            let budget = MatchBudget::begin();
            prop_assert_eq!(m.rule_of(&path, is_dir), expected, "{:?} {:?}", patterns, path);
            if m.folds || !path.is_ascii() {
                prop_assert_eq!(m.rule_ignoring_case(&path, is_dir), reference_ignoring_case(&m.entries, &path, is_dir), "{:?} {:?}", patterns, path);
            }
            prop_assert_eq!(budget.finish(), Ok(()));
        }
    }

    /// Many wildcard patterns that sit in many sets, names and extensions
    /// in `ignore`'s sets beside them: the last rule wins across both.
    #[test]
    fn rules_across_sets_and_names_answer_as_the_ignore_crates_sets() {
        let mut patterns = Vec::new();
        for i in 0..300 {
            patterns.push(match i % 5 {
                0 => format!("/src/*/pkg{}/*.go", i % 17),
                1 => format!("*.e{}", i % 7),
                2 => format!("name{}", i % 11),
                3 => format!("**/d{}/**", i % 13),
                _ => format!("src/p{}?/", i % 19),
            });
        }
        let m = matcher(&patterns).unwrap();
        assert!(m.globbed.sets.len() > 2 && !m.globbed.named.is_empty());
        let chunks = build_chunks(&m.entries, false).unwrap();
        for i in 0..400 {
            let path =
                format!("src/p{}x/d{}/v.e{}/pkg{}/name{}/f{}.e{}", i % 23, i % 13, i % 5, i % 17, i % 11, i, i % 7);
            for cut in [1, 2, 3, 4, 5, 6, 7] {
                let path: String = path.split('/').take(cut).collect::<Vec<_>>().join("/");
                for is_dir in [false, true] {
                    let expected = chunks.iter().rev().find_map(|chunk| chunk.rule_of(&path, is_dir));
                    assert_eq!(m.rule_of(&path, is_dir), expected, "{path}");
                }
            }
        }
    }

    proptest! {
        /// Patterns named whole with escapes and letters beyond ASCII
        /// (looked up since a red team found them slow as sets) answer
        /// as the glob sets do, as written and ignoring case.
        #[test]
        fn escaped_and_non_ascii_literals_answer_as_the_glob_sets(
            patterns in prop::collection::vec("/?([aéÉ]|\\\\[ aé{}\\\\])( ?[aéÉ]|\\\\[ a]){0,2}(/([aéÉ]|\\\\[ a{]){1,2}){0,2}/?", 1..6),
            path in "[aéÉ \\\\{}]{1,2}(/[aéÉ \\\\{}]{1,2}){0,3}/?",
            is_dir in any::<bool>(),
        ) {
            let Some(m) = matcher(&patterns) else { return Ok(()) };
            prop_assert_eq!(m.rule_of(&path, is_dir), reference(&m.entries, &path, is_dir, false), "{:?} {:?}", patterns, path);
            prop_assert_eq!(m.rule_ignoring_case(&path, is_dir), reference_ignoring_case(&m.entries, &path, is_dir), "{:?} {:?}", patterns, path);
        }
    }

    #[test]
    fn nested_named_paths_at_every_depth_answer_as_the_glob_sets() {
        // Patterns naming `a`, `a/a`, `a/a/a`, ... (folders and files, in
        // a shuffled order), and paths as deep and deeper.
        let mut patterns: Vec<String> = (1..=40)
            .map(|d| {
                let path = vec!["a"; d].join("/");
                match d % 3 {
                    0 => format!("/{path}/"),
                    1 => format!("/{path}"),
                    _ => path + "/",
                }
            })
            .collect();
        patterns.swap(3, 30);
        patterns.push("/b/a".to_owned());
        let m = matcher(&patterns).unwrap();
        let all = build_chunks(&m.entries, false).unwrap();
        for depth in 1..=45 {
            for tail in ["", "/x.go", "/b"] {
                let path = vec!["a"; depth].join("/") + tail;
                for is_dir in [false, true] {
                    let expected = all.iter().rev().find_map(|chunk| chunk.rule_of(&path, is_dir));
                    assert_eq!(m.rule_of(&path, is_dir), expected, "{path} {is_dir}");
                    assert_eq!(m.rule_ignoring_case(&path.to_uppercase(), is_dir), expected, "{path} {is_dir}");
                }
            }
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

    proptest! {
        /// What is below a line's directories, derived from the line's
        /// own glob, is the glob the `ignore` crate makes of the
        /// reference's `/A/**` line.
        #[test]
        fn below_globs_are_the_ignore_crates_reading_of_the_below_lines(
            line in "(!|\\\\!|\\\\#|#)?/?(\\*\\*/)?([ab*?]|\\*\\*|\\\\ |\\\\|\\[!?ab\\]){0,3}(/([ab*?]|\\*\\*|\\.[ab]){1,3}){0,3}/?( {0,2})",
        ) {
            let derived = actual(&line).and_then(|a| a.below);
            let reference = below_line(&line).as_deref().and_then(actual).map(|a| a.glob);
            prop_assert_eq!(derived, reference, "{:?}", line);
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

    /// Ignoring case folds ASCII letters only: a letter beyond ASCII is
    /// lowered by the caller's own reading, so that `?` keeps matching
    /// what it matched (the Kelvin sign is three bytes).
    #[test]
    fn ignoring_case_folds_ascii_letters_only() {
        let m = matcher(&["*".to_owned(), "/Src/???/".to_owned(), "/services/café/".to_owned()]).unwrap();
        assert_eq!(m.rule_ignoring_case("SRC/\u{212A}/x.go", false), Some(1));
        assert_eq!(m.rule_ignoring_case("services/CAFÉ/x.go", false), Some(0));
        assert_eq!(m.rule_ignoring_case("SERVICES/café/x.go", false), Some(2));
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

    /// `len` letters `a` and `b` in the order a linear congruential
    /// generator seeded with `seed` gives.
    fn ab_name(len: usize, seed: u64) -> String {
        let mut x = seed;
        (0..len)
            .map(|_| {
                x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
                if x >> 63 == 0 { 'a' } else { 'b' }
            })
            .collect()
    }

    /// A catch-all, then `lines` distinct lines of `*a`, 30 `?`, `b` and
    /// two letters: on a path of random `a`s and `b`s, a new lazy DFA state
    /// of thousands of NFA states for nearly every byte (a red team's
    /// CODEOWNERS, 7 December 2026: 42 s a path without the budget).
    fn hostile(lines: usize) -> PathMatcher {
        let mut builder = PathMatcherBuilder::new().named("CODEOWNERS");
        builder.add(0, "*").unwrap();
        for i in 0..lines {
            let tail: String = [i % 26, i / 26 % 26].iter().map(|&c| char::from(b'c' + (c % 24) as u8)).collect();
            builder.add(i + 1, &format!("*a{}b{tail}", "?".repeat(30))).unwrap();
        }
        builder.build().unwrap()
    }

    /// Hostile patterns spend a budget, which names their file; the search
    /// then answers no rule (the catch-all's answer is not given), and so
    /// does every later search of that file within the budget. Outside a
    /// budget, and within one large enough, the answer is exact.
    #[test]
    fn hostile_patterns_spend_the_budget_of_their_file() {
        let m = hostile(60);
        let path = format!("orders/{}", ab_name(600, 7));
        assert_eq!(m.rule_of(&path, false), Some(0));
        let budget = MatchBudget::with_limit(256 << 10);
        assert_eq!(m.rule_of(&path, false), None);
        assert_eq!(m.rule_of("orders/main.go", false), None);
        assert_eq!(budget.finish(), Err(("CODEOWNERS".to_owned(), 256 << 10)));
        // (Another file's patterns have their own budget.)
        let other = matcher(&["*".to_owned(), "/orders/*.go".to_owned()]).unwrap();
        let budget = MatchBudget::with_limit(256 << 10);
        assert_eq!(m.rule_of(&path, false), None);
        assert_eq!(other.rule_of("orders/main.go", false), Some(1));
        assert_eq!(budget.finish(), Err(("CODEOWNERS".to_owned(), 256 << 10)));
        let budget = MatchBudget::begin();
        assert_eq!(m.rule_of(&path, false), Some(0));
        assert_eq!(budget.finish(), Ok(()));
        // A pause runs as outside any budget.
        let budget = MatchBudget::with_limit(0);
        assert_eq!(MatchBudget::paused(|| m.rule_of(&path, false)), Some(0));
        assert_eq!(budget.finish(), Ok(()));
    }

    /// A pattern too large for a set's cache on its own still matches,
    /// within a budget and outside one.
    #[test]
    fn a_pattern_larger_than_a_sets_cache_matches() {
        let long = format!("/{}*/", "x?".repeat(20_000));
        let m = matcher(&["*".to_owned(), long]).unwrap();
        let path = format!("{}yz/main.go", "xy".repeat(20_000));
        assert_eq!(m.rule_of(&path, false), Some(1));
        let budget = MatchBudget::begin();
        assert_eq!(m.rule_of(&path, false), Some(1));
        assert_eq!(budget.finish(), Ok(()));
    }

    /// Budgets nest: the innermost counts, and a finished one leaves the
    /// outer one as it was.
    #[test]
    fn budgets_nest() {
        let m = hostile(60);
        let path = format!("orders/{}", ab_name(600, 7));
        let outer = MatchBudget::begin();
        let inner = MatchBudget::with_limit(256 << 10);
        assert_eq!(m.rule_of(&path, false), None);
        assert!(inner.finish().is_err());
        assert_eq!(m.rule_of(&path, false), Some(0));
        assert_eq!(outer.finish(), Ok(()));
    }

    proptest! {
        /// Whether a budget is spent does not depend on the order of the
        /// searches, and a budget not spent gives the exact answers.
        #[test]
        fn a_budget_is_spent_whatever_the_order_of_the_searches(
            patterns in prop::collection::vec("\\*?(a|b|\\?|\\*){1,12}(/(a|b|\\?|\\*){1,6})?", 1..40),
            paths in prop::collection::vec("[ab]{1,60}(/[ab]{1,30}){0,2}", 1..8),
            limit in 0usize..40_000,
            turn in 0usize..8,
        ) {
            let Some(m) = matcher(&patterns) else { return Ok(()) };
            let exact: Vec<Option<usize>> = paths.iter().map(|p| m.rule_of(p, false)).collect();
            let run = |order: &[usize]| {
                let budget = MatchBudget::with_limit(limit);
                let mut answers = vec![None; paths.len()];
                for &i in order {
                    answers[i] = m.rule_of(&paths[i], false);
                }
                (budget.finish().is_err(), answers)
            };
            let mut order: Vec<usize> = (0..paths.len()).collect();
            let forward = run(&order);
            order.rotate_left(turn % paths.len());
            order.reverse();
            let other = run(&order);
            prop_assert_eq!(forward.0, other.0, "{:?} {:?} {}", patterns, paths, limit);
            if !forward.0 {
                prop_assert_eq!(&forward.1, &exact);
                prop_assert_eq!(&other.1, &exact);
            }
        }
    }
}
