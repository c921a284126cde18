//! GitHub `CODEOWNERS` files: who owns a path.
//!
//! ```text
//! # comments start with '#', on a line of their own or after whitespace
//! *                 @org/everyone        # the catch-all
//! /payments/        @org/payments
//! docs/*            docs@example.com
//! /payments/README.md                    # no owners: explicitly unowned
//! ```
//!
//! Semantics are GitHub's (docs.github.com, "About code owners"):
//!
//! - Each line is a pattern followed by owners: `@user`, `@org/team` or an
//!   email address. The **last** matching line wins; earlier lines are not
//!   merged in.
//! - Patterns follow gitignore: a leading or inner `/` anchors the pattern
//!   at the repository root, otherwise it matches at any depth; `*` and `?`
//!   do not cross `/`, `**` does; a trailing `/` matches everything below
//!   a directory; a pattern without one matches a file or a directory of
//!   that name and everything below the directory. One exception, which
//!   GitHub documents: a pattern ending in `/*` (`docs/*`) matches the
//!   files directly in the directory, not deeper ones.
//! - A pattern with no owners makes the paths it matches explicitly unowned
//!   ([`CodeOwners::owners_of`] returns `Some` of an empty list, as opposed
//!   to `None` when no line matches).
//! - `#` starts a comment at the start of a line or after whitespace; a `#`
//!   inside a word is part of it.
//! - Paths are case-sensitive, as on GitHub.
//! - GitHub documents three gitignore features as not working in
//!   CODEOWNERS: `!` negation, `[ ]` character ranges and `\#` to escape a
//!   leading `#`. GitHub skips a line with invalid syntax and shows the error
//!   in its UI; so do we, recording a warning with the line number. The
//!   same goes for a line with an owner that is not `@user`, `@org/team` or
//!   an email (GitHub: "If any line in your CODEOWNERS file contains invalid
//!   syntax, that line will be skipped"), and for the pattern `/`, which
//!   matches nothing.
//! - Whitespace around words is ignored; a space inside a pattern is
//!   written `\ `. `{` and `}` are literal, as in git.
//! - A GitLab section header (`[Section]`, `[Section][2]`, `^[Optional]`,
//!   `[Docs] @docs-team`: a line that starts with `[` or `^[`, whose
//!   bracketed name is followed by nothing, an approval count `[N]` or
//!   whitespace) refuses the whole file. GitLab's sections change whose
//!   approval is required (each section's owners are required, besides
//!   the last match of other sections), which GitHub's syntax cannot say:
//!   skipping the header as an invalid pattern would merge the sections
//!   and lose required owners. A genuine character range (`[Dd]ocs/`,
//!   `*.[ch]`) is still a GitHub line skipped with a warning.
//!
//! Matching uses the `ignore` crate's gitignore machinery (ripgrep's), not
//! hand-written globbing; see `PathMatcher` for the two places where
//! CODEOWNERS and gitignore differ and how they are bridged.
//!
//! # Untrusted input
//! Inputs are capped: [`limits::MAX_INPUT_BYTES`] bytes, patterns and owners
//! of [`limits::MAX_STRING_BYTES`] bytes, patterns of at most
//! [`MAX_PATTERN_WILDCARDS`] wildcards each and [`MAX_WILDCARDS`] in all
//! (checked before compiling), and [`MAX_RULES`] rules. Parsing is
//! linear in the input plus the cost of compiling the patterns: names and
//! extensions (`*.go`, `docs/`) into glob sets of up to 4,096 patterns,
//! found by hash lookups (what is below a folder they name too), and
//! other wildcard patterns into regex sets of up to 128 (a line and what
//! is below it are two), run by lazy DFAs. A lookup
//! costs one pass over the path for the patterns naming a path whole and
//! one per set, from the last set back to the first that matches:
//! microseconds for real files. At the limits (release build, 2,000
//! changed files): 100,000 lines like `/src/*/pkg1/*.go`, 4 s and 370 MB
//! (165 s and 1.8 GB with one matcher a line, before 7 December 2026);
//! 20,000 lines like `**/*a1*b*c1*.e1`, 2 s and 140 MB (42 s and 22 GB in
//! `ignore`'s sets of 4,096). Nothing panics.
//!
//! Resolving a changeset (what `assess` and `change show` do) bounds the
//! states the lazy DFAs build for one file's patterns at
//! [`limits::MAX_MATCH_STATE_BYTES`] and
//! [`limits::MATCH_STATE_BYTES_PER_FILE`] a changed file; hostile
//! patterns past it (runs of
//! `?` after a `*`, against long paths) make resolving a
//! `max_match_state_bytes` error naming the file, which an assessment
//! escalates, in about 2 s (42 s a path before 8 December 2026). A direct
//! [`CodeOwners::owners_of`] has no such budget: each set's lazy DFA keeps
//! at most 256 KiB a thread and falls back to the exact PikeVM when it
//! gives up, whose cost is the set's states times the path's bytes.

pub(crate) use blastgate_change::pathmatch::{PathMatcher, PathMatcherBuilder};
use blastgate_change::{ChangeError, limits};

/// Most rules in one CODEOWNERS file or service map. A rule is a line with
/// a pattern; comments, blank lines and skipped lines do not count. More is
/// a `max_rules` limit error (GitHub itself refuses CODEOWNERS files over
/// 3 MB, a few tens of thousands of lines).
pub const MAX_RULES: usize = 100_000;

/// Most wildcards (`*` and `?`, not escaped; `**` counts two) in one
/// pattern of a CODEOWNERS file or service map. More is a
/// `max_pattern_wildcards` limit error naming the file and line, checked
/// before the pattern is compiled: compiling patterns of thousands of
/// wildcards takes seconds and gigabytes (500 lines of `*?` repeated
/// 1,990 times took 10 s and 1.35 GB). Real patterns have a handful
/// (`**/*.pb.go` has four; the real CODEOWNERS files in the test fixtures
/// have at most one).
pub const MAX_PATTERN_WILDCARDS: usize = 32;

/// Most wildcards in all the patterns of one CODEOWNERS file or service
/// map together (`max_wildcards`, a limit error naming the line that goes
/// over it). Compiling costs time and memory in proportion to the
/// wildcards: 10,000 patterns of 32 wildcards take about 1.2 s and 300 MB
/// (release build), so this bounds a file to a few seconds and under 1 GB.
/// The real CODEOWNERS files in the test fixtures have a few thousand.
pub const MAX_WILDCARDS: usize = 200_000;

/// A parsed CODEOWNERS file.
#[derive(Debug, Clone)]
pub struct CodeOwners {
    rules: Vec<Rule>,
    matcher: PathMatcher,
    warnings: Vec<String>,
}

/// The rule that decides a path's owners: the last line whose pattern
/// matches it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CodeOwnersRule<'a> {
    line: usize,
    pattern: &'a str,
    owners: &'a [String],
}

impl<'a> CodeOwnersRule<'a> {
    /// The line of the rule in its file, from 1.
    pub fn line(&self) -> usize {
        self.line
    }

    /// The pattern as written.
    pub fn pattern(&self) -> &'a str {
        self.pattern
    }

    /// The owners as written (`@user`, `@org/team` or an email), in order.
    /// Empty when the rule makes paths explicitly unowned.
    pub fn owners(&self) -> &'a [String] {
        self.owners
    }
}

#[derive(Debug, Clone)]
struct Rule {
    line: usize,
    pattern: String,
    owners: Vec<String>,
}

impl CodeOwners {
    /// Parses the contents of a CODEOWNERS file (see the [module
    /// docs](self)). Lines GitHub would skip are skipped with a warning
    /// ([`CodeOwners::warnings`]), not rejected. An empty file has no rules.
    ///
    /// # Errors
    /// - [`ChangeError::Syntax`] for text that is not UTF-8, with the line.
    /// - [`ChangeError::LimitExceeded`] for an input over
    ///   [`limits::MAX_INPUT_BYTES`], a pattern or owner over
    ///   [`limits::MAX_STRING_BYTES`] or a pattern of more than
    ///   [`MAX_PATTERN_WILDCARDS`] wildcards or patterns of more than
    ///   [`MAX_WILDCARDS`] together (named `FILE: line N` in the error), or
    ///   more than [`MAX_RULES`] rules.
    /// - [`ChangeError::InvalidValue`] for a GitLab section header
    ///   (`[Section]`, `^[Optional][2] @team`), naming the line, or when the
    ///   patterns together cannot be compiled (a pattern set too large for
    ///   the matcher).
    ///
    /// # Example
    /// ```
    /// # use blastgate_ingest::codeowners::CodeOwners;
    ///
    /// let owners = CodeOwners::parse("CODEOWNERS", b"* @org/all\n/apps/ @octocat\n/apps/github\n")?;
    /// assert_eq!(owners.owners_of("apps/web/index.js"), Some(vec!["@octocat"]));
    /// assert_eq!(owners.owners_of("apps/github/main.go"), Some(vec![])); // explicitly unowned
    /// assert_eq!(owners.owners_of("README.md"), Some(vec!["@org/all"]));
    /// # Ok::<(), blastgate_change::ChangeError>(())
    /// ```
    pub fn parse(file: &str, bytes: &[u8]) -> Result<CodeOwners, ChangeError> {
        let mut rules = Vec::new();
        let mut builder = PathMatcherBuilder::new().named(file);
        let mut warnings = Warnings::default();
        let mut wildcards = 0usize;
        for (line_no, line) in lines(file, bytes)? {
            if is_gitlab_section(line) {
                return Err(ChangeError::invalid(
                    file,
                    format!("line {line_no}"),
                    line.trim(),
                    "a GitLab section header; GitLab sections are not supported (GitHub's CODEOWNERS syntax only), \
                     and reading on without them would lose the owners each section requires",
                )
                .with_help(
                    "give blastgate a GitHub-style CODEOWNERS file (no `[Section]` lines), or map paths to \
                     services and owners with a service map",
                ));
            }
            let tokens = split_line(line);
            let Some((&pattern, owners)) = tokens.split_first() else { continue };
            for token in &tokens {
                check_length(file, line_no, token)?;
            }
            check_wildcards(file, line_no, pattern, &mut wildcards)?;
            if let Err(reason) = check_pattern(pattern) {
                warnings.push(format!("{file}: line {line_no}: {reason}: `{}`; the line is skipped", shorten(line)));
                continue;
            }
            if let Some(bad) = owners.iter().find(|o| !is_owner(o)) {
                warnings.push(format!(
                    "{file}: line {line_no}: `{}` is not an owner (`@user`, `@org/team` or an email); the line is skipped",
                    shorten(bad)
                ));
                continue;
            }
            check_rule_count(file, rules.len())?;
            if let Err(reason) = builder.add(rules.len(), pattern) {
                warnings.push(format!("{file}: line {line_no}: {reason}: `{}`; the line is skipped", shorten(line)));
                continue;
            }
            rules.push(Rule {
                line: line_no,
                pattern: pattern.to_owned(),
                owners: owners.iter().map(|o| (*o).to_owned()).collect(),
            });
        }
        let matcher = builder.build().map_err(|e| {
            ChangeError::invalid(
                file,
                "",
                "",
                format!("cannot compile the patterns ({e}); split the file or use fewer, broader patterns"),
            )
        })?;
        Ok(CodeOwners { rules, matcher, warnings: warnings.finish() })
    }

    /// The owners of `path` (from the repository root, `/`-separated; a
    /// leading `/` or `./` is ignored): `None` when no rule matches,
    /// `Some` of an empty list when the matching rule has no owners.
    ///
    /// # Complexity
    /// Two glob-set matches per directory level of `path` and per glob set
    /// of up to 4,096 rules (see the [`codeowners`](crate::codeowners#untrusted-input)
    /// module docs).
    pub fn owners_of(&self, path: &str) -> Option<Vec<&str>> {
        self.rule_of(path).map(|rule| rule.owners().iter().map(String::as_str).collect())
    }

    /// The rule that decides `path`'s owners: the last matching line.
    pub fn rule_of(&self, path: &str) -> Option<CodeOwnersRule<'_>> {
        let index = self.matcher.rule_of(path, false)?;
        self.rules.get(index).map(Rule::view)
    }

    /// [`CodeOwners::owners_of`] for a path that is a directory to git: a
    /// submodule (a gitlink), which git and GitHub match as a directory, so
    /// that a pattern ending in `/` (`third_party/vendorlib/`) matches it.
    ///
    /// ```
    /// # use blastgate_ingest::codeowners::CodeOwners;
    ///
    /// let owners = CodeOwners::parse("CODEOWNERS", b"* @org/all\nthird_party/vendorlib/ @org/vendor\n")?;
    /// assert_eq!(owners.owners_of_dir("third_party/vendorlib"), Some(vec!["@org/vendor"]));
    /// assert_eq!(owners.owners_of("third_party/vendorlib"), Some(vec!["@org/all"])); // a file of that name
    /// # Ok::<(), blastgate_change::ChangeError>(())
    /// ```
    pub fn owners_of_dir(&self, path: &str) -> Option<Vec<&str>> {
        self.rule_of_dir(path).map(|rule| rule.owners().iter().map(String::as_str).collect())
    }

    /// [`CodeOwners::rule_of`] for a path that is a directory to git (see
    /// [`CodeOwners::owners_of_dir`]).
    pub fn rule_of_dir(&self, path: &str) -> Option<CodeOwnersRule<'_>> {
        let index = self.matcher.rule_of(path, true)?;
        self.rules.get(index).map(Rule::view)
    }

    /// The rule that decides `path`'s owners, matched as a directory when
    /// `is_dir` (see [`CodeOwners::rule_of_dir`]) and ignoring case in
    /// patterns and path alike when `ignore_case` (`/src/PayApp/` then
    /// owns `src/payapp/x.go`): for reading a path as a case-insensitive
    /// file system, or a person, reads it. Of two rules, the one with the
    /// higher [`CodeOwnersRule::line`] decides.
    ///
    /// ```
    /// # use blastgate_ingest::codeowners::CodeOwners;
    ///
    /// let owners = CodeOwners::parse("CODEOWNERS", b"* @org/all\n/src/PayApp/ @org/pay\n")?;
    /// assert_eq!(owners.rule_matching("src/payapp/x.go", false, false).map(|r| r.line()), Some(1));
    /// assert_eq!(owners.rule_matching("src/payapp/x.go", false, true).map(|r| r.line()), Some(2));
    /// # Ok::<(), blastgate_change::ChangeError>(())
    /// ```
    pub fn rule_matching(&self, path: &str, is_dir: bool, ignore_case: bool) -> Option<CodeOwnersRule<'_>> {
        let index = self.matcher.rule(path, is_dir, ignore_case)?;
        self.rules.get(index).map(Rule::view)
    }

    /// Every rule, in file order.
    pub fn rules(&self) -> impl Iterator<Item = CodeOwnersRule<'_>> {
        self.rules.iter().map(Rule::view)
    }

    /// The lines skipped, each with its line number and the reason, in file
    /// order (at most [`blastgate_graph::MAX_WARNINGS`], then a count of the
    /// rest).
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }

    /// The number of rules: lines with a pattern that were not skipped.
    pub fn rule_count(&self) -> usize {
        self.rules.len()
    }
}

impl Rule {
    fn view(&self) -> CodeOwnersRule<'_> {
        CodeOwnersRule { line: self.line, pattern: &self.pattern, owners: &self.owners }
    }
}

/// Whether `line` is a GitLab section header: `[name]`, optionally after
/// `^` (an optional section) and followed by an approval count `[N]`, then
/// the end of the line or whitespace and default owners. GitLab's own
/// pattern (`Gitlab::CodeOwners::Section`) has the same shape. A `[` range
/// inside a pattern (`[Dd]ocs/`) is followed by more pattern, so it is not
/// a header.
fn is_gitlab_section(line: &str) -> bool {
    let line = line.trim();
    let rest = line.strip_prefix('^').unwrap_or(line);
    let Some(rest) = rest.strip_prefix('[') else { return false };
    let Some((name, rest)) = rest.split_once(']') else { return false };
    if name.trim().is_empty() {
        return false;
    }
    // An approval count: `[2]` (GitLab also accepts `[]` and spaces).
    let rest = match rest.strip_prefix('[').and_then(|r| r.split_once(']')) {
        Some((count, after)) if count.chars().all(|c| c.is_ascii_digit() || c == ' ') => after,
        _ => rest,
    };
    // Then nothing, or what GitLab reads as the section's default owners
    // (after a blank, `@`, or a comment). GitLab anchors only the start of
    // the line, so `[Docs] docs-team` and `[Docs]# note` are headers too
    // (an audit: they slipped through and merged the sections); a pattern
    // goes on with a path (`[id]/page.tsx`), which GitHub skips as a
    // character range.
    rest.is_empty() || rest.starts_with(|c: char| c.is_whitespace() || c == '@' || c == '#')
}

/// Whether `token` is an owner GitHub accepts the syntax of: `@user`,
/// `@org/team` or an email address. Whether the user or team exists is
/// GitHub's business.
fn is_owner(token: &str) -> bool {
    fn name(s: &str) -> bool {
        !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    }
    if let Some(handle) = token.strip_prefix('@') {
        return match handle.split_once('/') {
            Some((org, team)) => name(org) && name(team),
            None => name(handle),
        };
    }
    // An email: one `@` between a local part and a dotted domain.
    match token.split_once('@') {
        Some((local, domain)) => {
            let plain = |s: &str| !s.is_empty() && !s.contains(['@', '/', '\\']);
            plain(local) && plain(domain) && domain.contains('.') && !domain.starts_with('.') && !domain.ends_with('.')
        }
        None => false,
    }
}

// ---------------------------------------------------------------------------
// Shared with the service map: lines, tokens, pattern checks and matching.
// ---------------------------------------------------------------------------

/// Checks the size, decodes UTF-8, skips a byte order mark and yields each
/// line with its number (from 1), without `\n` or `\r\n`.
pub(crate) fn lines<'a>(
    file: &str,
    bytes: &'a [u8],
) -> Result<impl Iterator<Item = (usize, &'a str)> + use<'a>, ChangeError> {
    if bytes.len() as u64 > limits::MAX_INPUT_BYTES {
        return Err(ChangeError::limit(file, "max_input_bytes", limits::MAX_INPUT_BYTES, bytes.len() as u64));
    }
    let text = crate::doc::utf8(file, bytes)?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    Ok(text.split('\n').enumerate().map(|(i, line)| (i + 1, line.strip_suffix('\r').unwrap_or(line))))
}

/// Splits a line into words at unescaped whitespace, dropping a comment: a
/// `#` that starts a word (at the start of the line or after whitespace)
/// and everything after it. A backslash escapes the next character, which
/// stays in the word with its backslash (`path\ with\ spaces`).
pub(crate) fn split_line(line: &str) -> Vec<&str> {
    let mut words = Vec::new();
    let mut start: Option<usize> = None;
    let mut escaped = false;
    for (i, c) in line.char_indices() {
        if escaped {
            escaped = false;
            continue;
        }
        if c.is_whitespace() {
            if let Some(s) = start.take() {
                words.extend(line.get(s..i));
            }
            continue;
        }
        if start.is_none() {
            if c == '#' {
                return words;
            }
            start = Some(i);
        }
        escaped = c == '\\';
    }
    if let Some(s) = start {
        words.extend(line.get(s..));
    }
    words
}

/// A limit error for a word over [`limits::MAX_STRING_BYTES`], naming the
/// line in the file name (limit errors carry no other place).
pub(crate) fn check_length(file: &str, line: usize, word: &str) -> Result<(), ChangeError> {
    if word.len() > limits::MAX_STRING_BYTES {
        return Err(ChangeError::limit(
            &format!("{file}: line {line}"),
            "max_string_bytes",
            limits::MAX_STRING_BYTES as u64,
            word.len() as u64,
        ));
    }
    Ok(())
}

/// A limit error for a pattern of more than [`MAX_PATTERN_WILDCARDS`]
/// wildcards, or one that takes the file's `total` over [`MAX_WILDCARDS`],
/// naming the line in the file name, before anything compiles it.
pub(crate) fn check_wildcards(file: &str, line: usize, pattern: &str, total: &mut usize) -> Result<(), ChangeError> {
    let count = unescaped(pattern).filter(|c| matches!(c, '*' | '?')).count();
    if count > MAX_PATTERN_WILDCARDS {
        return Err(ChangeError::limit(
            &format!("{file}: line {line}"),
            "max_pattern_wildcards",
            MAX_PATTERN_WILDCARDS as u64,
            count as u64,
        ));
    }
    *total += count;
    if *total > MAX_WILDCARDS {
        return Err(ChangeError::limit(
            &format!("{file}: line {line}"),
            "max_wildcards",
            MAX_WILDCARDS as u64,
            *total as u64,
        ));
    }
    Ok(())
}

/// The characters of `pattern` that are not escaped by a `\\` (the escaping
/// backslashes themselves left out).
fn unescaped(pattern: &str) -> impl Iterator<Item = char> + '_ {
    let mut escaped = false;
    pattern.chars().filter(move |&c| {
        if escaped {
            escaped = false;
            false
        } else if c == '\\' {
            escaped = true;
            false
        } else {
            true
        }
    })
}

/// A limit error when one more rule would exceed [`MAX_RULES`].
pub(crate) fn check_rule_count(file: &str, count: usize) -> Result<(), ChangeError> {
    if count >= MAX_RULES {
        return Err(ChangeError::limit(file, "max_rules", MAX_RULES as u64, count as u64 + 1));
    }
    Ok(())
}

/// Rejects the syntax GitHub documents as not working in CODEOWNERS, and
/// patterns that can never match. The reason is a sentence fragment for a
/// message.
pub(crate) fn check_pattern(pattern: &str) -> Result<(), &'static str> {
    if pattern.starts_with('!') {
        return Err("negation with `!` is not supported in CODEOWNERS patterns");
    }
    if pattern.starts_with("\\#") {
        return Err("escaping a leading `#` is not supported in CODEOWNERS patterns");
    }
    if unescaped(pattern).any(|c| c == '[') {
        return Err("character ranges with `[ ]` are not supported in CODEOWNERS patterns");
    }
    if pattern.chars().rev().take_while(|&c| c == '\\').count() % 2 == 1 {
        return Err("the pattern ends in a lone `\\`");
    }
    if pattern == "/" {
        return Err("the pattern `/` never matches anything (use `*` for every file)");
    }
    if pattern.contains("//") {
        return Err("the pattern has an empty path segment (`//`)");
    }
    // Paths from the repository root have none: `./svc/pay/` matched
    // nothing, and a service map's files fell to its catch-all (a
    // red-team finding).
    if pattern.split('/').any(|segment| segment == "." || segment == "..") {
        return Err("the pattern has a `.` or `..` path segment, which no path from the repository root has");
    }
    Ok(())
}

/// Warnings, at most [`blastgate_graph::MAX_WARNINGS`] kept, then a count.
#[derive(Debug, Default)]
pub(crate) struct Warnings {
    kept: Vec<String>,
    dropped: usize,
}

impl Warnings {
    pub(crate) fn push(&mut self, warning: String) {
        if self.kept.len() < blastgate_graph::MAX_WARNINGS {
            self.kept.push(warning);
        } else {
            self.dropped += 1;
        }
    }

    pub(crate) fn finish(mut self) -> Vec<String> {
        if self.dropped > 0 {
            self.kept.push(format!("{} more warnings not shown", self.dropped));
        }
        self.kept
    }
}

/// Shortens user text for a message.
pub(crate) fn shorten(text: &str) -> String {
    blastgate_graph::shorten(text.trim())
}
