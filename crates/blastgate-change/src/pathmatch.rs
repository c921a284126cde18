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
/// asked about the path itself; `dirs` holds the patterns that, matching a
/// directory, cover everything below it, and is asked about each ancestor
/// directory. A pattern ending in `/*` is left out of `dirs`: GitHub's
/// `docs/*` matches `docs/a.md` but not `docs/build/b.md`, while in
/// gitignore it would match the directory `docs/build` and so everything
/// below.
///
/// The `ignore` crate's own `matched_path_or_any_parents` is not used: it
/// returns the first match walking up from the path, so with `*.go` on line
/// 1 and `pdata/` on line 2 it would answer line 1 for `pdata/x.go`, where
/// GitHub's last-match-wins answers line 2. Instead every level is asked
/// and the highest rule index wins.
///
/// Rules are split into chunks of at most 4,096 (`CHUNK_RULES`) because one glob
/// set of many wildcard patterns outgrows the regex engine's size limit
/// (about 5,000 patterns like `src/*x*/**/y?`); a chunk that still fails to
/// build is split in two until it builds. Chunks are asked from the last,
/// and the first chunk with a match decides.
///
/// Matching that ignores case ([`PathMatcher::rule_ignoring_case`]) has
/// chunks of its own, built from the same patterns on first need: most
/// matchers are never asked.
#[derive(Debug, Clone)]
pub struct PathMatcher {
    chunks: Vec<Chunk>,
    entries: Vec<Entry>,
    /// Whether some pattern has a capital or a letter beyond ASCII: else
    /// an ASCII path matches ignoring case as its lower case matches
    /// as written, on the faster `chunks`.
    folds: bool,
    folded: std::sync::OnceLock<Result<Vec<Chunk>, String>>,
}

#[derive(Debug, Clone)]
struct Chunk {
    own: Gitignore,
    dirs: Gitignore,
}

/// Most rules in one chunk of a [`PathMatcher`].
const CHUNK_RULES: usize = 4096;

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
        Ok(PathMatcher {
            chunks: build_chunks(&self.entries, false)?,
            entries: self.entries.clone(),
            folds: self.entries.iter().any(|e| !e.glob.is_ascii() || e.glob.bytes().any(|b| b.is_ascii_uppercase())),
            folded: std::sync::OnceLock::new(),
        })
    }
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
    let mut dirs = GitignoreBuilder::new(".");
    for builder in [&mut own, &mut dirs] {
        builder.case_insensitive(fold).map_err(|e| e.to_string())?;
    }
    for entry in entries {
        // INVARIANT: every glob's `from` is the decimal index of its rule,
        // which is how `PathMatcher::rule_of` finds the rule of the glob
        // that matched. The `ignore` crate uses `from` only for reporting.
        let tag = || Some(PathBuf::from(entry.index.to_string()));
        own.add_line(tag(), &entry.glob).map_err(|e| e.to_string())?;
        if entry.covers_below {
            dirs.add_line(tag(), &entry.glob).map_err(|e| e.to_string())?;
        }
    }
    Ok(Chunk { own: own.build().map_err(|e| e.to_string())?, dirs: dirs.build().map_err(|e| e.to_string())? })
}

impl PathMatcher {
    /// A matcher without patterns.
    pub fn empty() -> Self {
        Self { chunks: Vec::new(), entries: Vec::new(), folds: false, folded: std::sync::OnceLock::new() }
    }

    /// The index of the last rule that matches `path`, a path from the
    /// repository root: a file, or a directory when `is_dir` (a submodule;
    /// patterns ending in `/` match only directories). A leading `/` or
    /// `./` is ignored; an empty path matches nothing.
    pub fn rule_of(&self, path: &str, is_dir: bool) -> Option<usize> {
        let path = path.strip_prefix("./").unwrap_or(path).trim_start_matches('/');
        if path.is_empty() {
            return None;
        }
        self.chunks.iter().rev().find_map(|chunk| chunk.rule_of(path, is_dir))
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
        let path = path.strip_prefix("./").unwrap_or(path).trim_start_matches('/');
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
        let folded = self.folded.get_or_init(|| build_chunks(&self.entries, true)).as_ref().ok()?;
        folded.iter().rev().find_map(|chunk| chunk.rule_of(path, is_dir))
    }
}

impl Chunk {
    fn rule_of(&self, path: &str, is_dir: bool) -> Option<usize> {
        let mut best = rule_index(&self.own.matched(path, is_dir));
        let mut dir = path;
        while let Some(slash) = dir.rfind('/') {
            dir = dir.get(..slash).unwrap_or_default();
            if dir.is_empty() {
                break;
            }
            if let Some(i) = rule_index(&self.dirs.matched(dir, true)) {
                best = Some(best.map_or(i, |b| b.max(i)));
            }
        }
        best
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
