//! Parsers of git's machine-readable output: changed files, commits,
//! trailers, AI provenance and the history metrics of a change.
//!
//! Everything here is pure: bytes or parsed records in, values out. Running
//! `git` is the facade's job (`blastgate::git`).
//!
//! # Changed files
//!
//! [`parse_numstat_z`] reads the output of
//! `git diff-tree -r -z --numstat -M BASE HEAD`
//! (the same bytes as `git diff --numstat -z -M`). The facade does not ask
//! for copy detection (`-C`): git counts a detected copy's lines against its
//! source, so a copied file would add 0 lines. Copy records are still
//! parsed, for output made with `-C`. Each record is
//! `added TAB deleted TAB path NUL`; for a rename or copy the path field is
//! empty and two NUL-terminated paths follow: `added TAB deleted TAB NUL old
//! NUL new NUL`. A binary file has `-` for both counts (we record 0 lines and
//! `binary`; the facade runs the diff so that git counts every file's lines
//! and finds binary files with another run, see [`mark_binary`]). See git's
//! `diff-options` documentation for `--numstat` and `-z`.
//!
//! Numstat does not say whether a file was added, deleted, renamed or
//! copied, so [`parse_name_status_z`] reads `--name-status -z` with the same
//! options (`A NUL path NUL`, `M`, `D`, `T` for a type change, `R100 NUL old
//! NUL new NUL`, `C75 NUL old NUL new NUL`) and [`merge_name_status`] joins
//! the two. git writes both in the same order; the join checks that the
//! paths agree record by record.
//!
//! Paths are bytes to git. A changed path that is not UTF-8 is a
//! [`ChangeError::Syntax`] naming the record: a lossy conversion would turn
//! the path into one that maps to no service and no rule (a secret file could
//! slip through unclassified), so we fail closed. Paths in history logs only
//! feed counts and are converted lossily.
//!
//! # Commits
//!
//! [`parse_log`] reads `git log -z --format=`[`LOG_FORMAT`], optionally with
//! `--name-only`. The format starts every commit with an empty field, and
//! since no path or field is empty the empty field marks a new commit without
//! ambiguity: `NUL hash NUL parents NUL author-name NUL author-email NUL
//! committer-name NUL committer-email NUL committer-time NUL message NUL`
//! then, with `--name-only`, `LF path NUL path NUL ...`.
//!
//! # Trailers
//!
//! [`trailers`] follows git's own rules (`trailer.c`, as `git log
//! --format=%(trailers)` applies them to commit messages, so a `---` line is
//! not a patch divider):
//!
//! 1. Trailing empty lines and comment lines (starting with `#`) are ignored.
//! 2. The first paragraph is the title and never holds trailers.
//! 3. The trailer block is the last paragraph (lines after the last blank
//!    line). It counts if all its lines are trailers, or if it holds a
//!    git-generated line (`Signed-off-by: ` or `(cherry picked from commit `)
//!    and at least 25% of its lines are trailers.
//! 4. A trailer line is `Key: value`: the key is ASCII letters, digits and
//!    `-`, optionally followed by spaces or tabs before the `:`. A line
//!    starting with whitespace continues the previous trailer's value
//!    ("folding" as in RFC 822); continuations are unfolded to one space.
//! 5. Keys and values are trimmed; keys are compared case-insensitively
//!    below (`Co-authored-by` and `Co-Authored-By` are the same key).
//!
//! # AI provenance
//!
//! [`provenance`] reads the trailers, the author and the committer of every
//! commit of a range and returns the strongest involvement found (`none` <
//! `assisted` < `generated` < `agent`), with the tool and model of the first
//! fact at that level (commits in the order given, trailers in message
//! order, then the author, then the committer). Facts:
//!
//! | fact | involvement |
//! |---|---|
//! | `Assisted-by: AGENT:MODEL [TOOL...]` (the Linux kernel's convention, Documentation/process/coding-assistants.rst; `AGENT` is the tool, `MODEL` the model, further words are analysis tools and are ignored) | `assisted` |
//! | `Generated-by: ...` (same value syntax) | `generated` |
//! | `Co-authored-by: Name <email>` matching a known interactive AI tool ([`AiAgents`]) | `generated`: the tool wrote part of the commit |
//! | `Co-authored-by:` matching a known autonomous agent | `agent` |
//! | `Co-developed-by:` or `Signed-off-by:` matching a known tool or agent | as for `Co-authored-by` |
//! | the commit's author matching a known tool or agent | as for `Co-authored-by` |
//! | the commit's committer matching a known tool or agent (an agent that committed a person's work took part in it; generic bots such as `github-actions[bot]` or GitHub's `web-flow` are not listed) | as for `Co-authored-by` |
//! | `Agent: ...` | `agent` |
//! | a line of the message holding a tool's marker (`Generated with [Claude Code]`, an `Amp-Thread` line), in the first 1,000 | `generated` |
//!
//! # History metrics
//!
//! [`history_metrics`] computes the just-in-time metrics of Kamei et al.,
//! "A large-scale empirical study of just-in-time quality assurance", IEEE
//! TSE 39(6), 2013 (Table 1, "History" and "Experience"), from commit logs
//! read before the base. Let `T` be the base commit's committer time (the
//! head's is whatever its committer set: a head dated years ahead would make
//! every touched file look settled), `F`
//! the touched files as they were named at the base (the old path of a
//! rename), `S` the subsystems of the change (the first path segment of
//! every old and new path; files at the root form the root subsystem, as in
//! [`blastgate_change::metrics`]), `H` the non-merge commits reachable from
//! the base, and `A` the commits of `H` whose author email equals the
//! change author's (ASCII case-insensitive). Times are committer times.
//!
//! - `ndev`: distinct author emails of the commits of `H` touching a file of
//!   `F` ("the number of developers that changed the modified files").
//! - `age`: for each file of `F` touched by some commit of `H`, the days
//!   from its latest such commit to `T` (not negative); the mean over those
//!   files ("the average time interval between the last and the current
//!   change"). Absent when no touched file has an earlier change.
//! - `nuc`: distinct commits of `H` touching a file of `F` ("the number of
//!   unique changes to the modified files").
//! - `exp`: the number of commits in `A` ("developer experience").
//! - `rexp`: the sum over `A` of `1 / (1 + y)`, `y` the commit's age at `T`
//!   in years of 365.25 days ("recent developer experience").
//! - `sexp`: the commits of `A` touching a subsystem of `S` ("developer
//!   experience on a subsystem").
//! - `lt` (lines in the touched files) needs file contents and is not
//!   computed here.
//!
//! Logs are capped (the facade reads at most
//! [`blastgate_change::limits::MAX_COMMITS`] commits per log). When the file
//! log was cut, `ndev`, `nuc` and `age` are absent: counting fewer earlier
//! developers or changes than there were would understate risk. When the
//! author log was cut, `exp`, `rexp` and `sexp` are lower bounds, which can
//! only overstate risk.

use std::collections::{BTreeMap, BTreeSet};

mod ansible;
mod programs;
mod tasks;
pub use ansible::{ansible_like_in_patch, ansible_tasks_destroy, ansible_tasks_destroy_with, is_ansible, role_of};
pub use programs::{Language, MAX_CALL_LINES, ProgramReader, SCRIPT_FOLDERS, program_language};
pub use tasks::{
    ANYWHERE, MAX_TASK_LINES, MAX_TASKS_COUNTED, MAX_TASKS_FOLLOWED, TASK_CALL, TaskCall, TaskRunner, anywhere_package,
    defines_task, package_name, program_change_destroys, script_destroys, task_destroys, task_reach_counts,
};

use blastgate_change::limits::{MAX_FILES, MAX_STRING_BYTES};
use blastgate_change::{
    AiInvolvement, ChangeError, FileChange, FileStatus, HistoryMetrics, Provenance, ProvenanceSource,
};

/// The `git log --format` that [`parse_log`] reads, with `-z`.
pub const LOG_FORMAT: &str = "%x00%H%x00%P%x00%an%x00%ae%x00%cn%x00%ce%x00%ct%x00%B";

/// One record of `--name-status -z` output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameStatus {
    /// How the file changed. A type change (`T`, e.g. a file replaced by a
    /// symlink) is `Modified`.
    pub status: FileStatus,
    /// The path after the change.
    pub path: String,
    /// The path before a rename or copy.
    pub old_path: Option<String>,
    /// The similarity percentage of a rename or copy (`R086` is 86).
    pub score: Option<u8>,
}

/// One commit of `git log -z --format=`[`LOG_FORMAT`].
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Commit {
    /// The full hash (40 or 64 hex digits).
    pub hash: String,
    /// The parents' full hashes; more than one for a merge.
    pub parents: Vec<String>,
    /// The author's name.
    pub author_name: String,
    /// The author's email.
    pub author_email: String,
    /// The committer's name.
    pub committer_name: String,
    /// The committer's email.
    pub committer_email: String,
    /// The committer time, seconds since the Unix epoch.
    pub time: i64,
    /// The raw message (`%B`), without trailing newlines.
    pub message: String,
    /// The paths the commit touched, when the log was read with
    /// `--name-only`.
    pub files: Vec<String>,
}

impl Commit {
    /// Whether the commit is a merge (more than one parent).
    pub fn is_merge(&self) -> bool {
        self.parents.len() > 1
    }

    /// The subject: the first paragraph with its lines joined by spaces, as
    /// git's `%s`.
    pub fn subject(&self) -> String {
        subject(&self.message)
    }
}

/// A log read with a cap on the number of commits.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CommitLog {
    /// The commits, newest first as git writes them.
    pub commits: Vec<Commit>,
    /// Whether these are all the commits the query matched (false when the
    /// cap cut the log or the log could not be read).
    pub complete: bool,
}

/// What [`history_metrics`] measures: the change's files, its author and
/// its time.
#[derive(Debug, Clone, Copy)]
pub struct HistoryQuery<'a> {
    /// The changed files (their status and old paths matter).
    pub files: &'a [FileChange],
    /// The change author's email.
    pub author_email: &'a str,
    /// When the change is measured, seconds since the Unix epoch: the
    /// base commit's committer time (the head's is its committer's to
    /// set).
    pub at: i64,
}

/// A known AI tool or agent and the identities it writes into commits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AiAgent {
    tool: String,
    autonomous: bool,
    names: Vec<String>,
    emails: Vec<String>,
}

/// The AI tools and agents recognised in `Co-authored-by:` trailers,
/// commit authors and committers. [`AiAgents::default`] is the documented list below; add
/// your own with [`AiAgents::add`].
///
/// | tool | kind | names | emails |
/// |---|---|---|---|
/// | `claude-code` | interactive | `Claude`, `Claude Code` (and `Claude <model>` with the email) | `noreply@anthropic.com` |
/// | `copilot` | interactive | `Copilot`, `GitHub Copilot` | `Copilot@users.noreply.github.com` (any id), `copilot@github.com` |
/// | `copilot-coding-agent` | autonomous | `copilot-swe-agent[bot]`, `copilot-swe-agent` | `198982749+Copilot@users.noreply.github.com` |
/// | `cursor` | interactive | `Cursor Agent`, `Cursor` | `cursoragent@cursor.com` |
/// | `devin` | autonomous | `devin-ai-integration[bot]`, `Devin AI` | `devin-ai-integration[bot]@users.noreply.github.com` |
/// | `codex` | interactive | `Codex`, `OpenAI Codex` | `noreply@openai.com`, `codex@openai.com` |
/// | `codex-cloud` | autonomous | `chatgpt-codex-connector[bot]` | `chatgpt-codex-connector[bot]@users.noreply.github.com` |
/// | `aider` | interactive | `aider` (also `aider (<model>)` and `Jane Doe (aider)`) | `aider@aider.chat`, `noreply@aider.chat` |
/// | `gemini-code-assist` | interactive | `gemini-code-assist[bot]`, `Gemini Code Assist` | `gemini-code-assist[bot]@users.noreply.github.com` |
/// | `amazon-q` | autonomous | `amazon-q-developer[bot]`, `Amazon Q Developer` | `amazon-q-developer[bot]@users.noreply.github.com`, `amazon-q@amazon.com` |
/// | `jules` | autonomous | `google-labs-jules[bot]` | `google-labs-jules[bot]@users.noreply.github.com` |
/// | `openhands` | autonomous | `openhands` | `openhands@all-hands.dev` |
/// | `amp` | interactive | `Amp` | `amp@ampcode.com` |
/// | `opencode` | interactive | `opencode` | `noreply@opencode.ai` |
/// | `crush` | interactive | `Crush` | `crush@charm.land` |
/// | `qwen-code` | interactive | `Qwen-Coder`, `Qwen Code` | `qwen-coder@alibabacloud.com` |
/// | `gemini-cli` | interactive | `Gemini CLI` | `gemini-cli@google.com` |
/// | `windsurf` | interactive | `Windsurf Cascade`, `Cascade AI` | `cascade@windsurf.ai`, `cascade@windsurf.com` |
/// | `kiro` | interactive | (a first name: by its email only) | `noreply@kiro.dev` |
/// | `droid` | interactive | `Factory Droid`, `factory-droid[bot]` | `droid@factory.ai` |
/// | `roo-code` | autonomous | `Roo Code`, `Roomote` | `roomote@roocode.com` |
///
/// Matching is ASCII case-insensitive. An email matches when equal; a
/// listed GitHub noreply address without a numeric id
/// (`login@users.noreply.github.com`) also matches `<id>+login@...`. A name
/// matches when equal after dropping a trailing parenthesised part, or when
/// that parenthesised part equals it (aider's `Jane Doe (aider)`). When the
/// email matched, a name that starts with a listed name and a space also
/// counts and is taken as the model (`Claude Opus 4.5`). Bare first names
/// (`Devin`, `Jules`) are not listed: they are common human names.
///
/// A GitHub app account of a listed tool matches too, as an autonomous
/// agent (the app acts on its own): the name `<login>[bot]`, or the email
/// `[<id>+]<login>[bot]@users.noreply.github.com`, where `<login>` is a
/// listed name with its spaces as `-` (`claude[bot]`,
/// `209825114+claude[bot]@users.noreply.github.com`). A name listed as
/// such (`gemini-code-assist[bot]`) keeps its own kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AiAgents {
    agents: Vec<AiAgent>,
}

/// An identity recognised as an AI tool or agent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgentMatch<'a> {
    /// The tool's id in [`AiAgents`].
    pub tool: &'a str,
    /// Whether it is an autonomous agent.
    pub autonomous: bool,
    /// The model, when the identity states one (`aider (gpt-4o)`).
    pub model: Option<String>,
}

/// Parses `git diff --numstat -z` output (see the module docs).
///
/// Two-path records (renames and copies) get status `Renamed` and the old
/// path; all others `Modified`. Use [`merge_name_status`] for the true
/// status.
///
/// # Errors
/// [`ChangeError::Syntax`] naming the record (counting from 1) for a
/// malformed or truncated record, a count that is neither a number nor `-`,
/// an empty or non-UTF-8 path; [`ChangeError::LimitExceeded`] for more than
/// [`MAX_FILES`] records or a path over [`MAX_STRING_BYTES`].
pub fn parse_numstat_z(bytes: &[u8]) -> Result<Vec<FileChange>, ChangeError> {
    const FILE: &str = "git diff --numstat";
    const SHAPE: &str = "expected `added<TAB>deleted<TAB>path<NUL>` or `added<TAB>deleted<TAB><NUL>old<NUL>new<NUL>`";
    let mut fields = Fields { bytes, pos: 0 };
    let mut files = Vec::new();
    while !fields.at_end() {
        let record = files.len() + 1;
        if files.len() >= MAX_FILES {
            return Err(ChangeError::limit(FILE, "max_files", MAX_FILES as u64, record as u64));
        }
        let bad = |value: &[u8]| malformed(FILE, record, value, SHAPE);
        let added = fields.until(b'\t').ok_or_else(|| bad(fields.rest()))?;
        let deleted = fields.until(b'\t').ok_or_else(|| bad(fields.rest()))?;
        let (added, deleted, binary) = line_counts(added, deleted).ok_or_else(|| {
            malformed(FILE, record, &[added, b"\t", deleted].concat(), "line counts must be numbers or `-`")
        })?;
        let first = fields.until(0).ok_or_else(|| bad(fields.rest()))?;
        let (path, old_path) = if first.is_empty() {
            let old = fields.until(0).ok_or_else(|| bad(fields.rest()))?;
            let new = fields.until(0).ok_or_else(|| bad(fields.rest()))?;
            (path_string(FILE, record, new)?, Some(path_string(FILE, record, old)?))
        } else {
            (path_string(FILE, record, first)?, None)
        };
        let status = if old_path.is_some() { FileStatus::Renamed } else { FileStatus::Modified };
        files.push(FileChange {
            path,
            added,
            deleted,
            status,
            old_path,
            binary,
            kind: None,
            service: None,
            moved_lines: None,
            emptied: false,
            declares: Vec::new(),
            removes: Vec::new(),
            unguards: Vec::new(),
        });
    }
    Ok(files)
}

/// The paths of submodules whose pointer the diff changes, from `git
/// diff-tree --raw -z` output: the records whose new mode is `160000` (a
/// gitlink), by their new path.
///
/// # Errors
/// [`ChangeError::Syntax`] naming the record for a header that is not
/// `:MODE MODE HASH HASH STATUS`, a truncated record, an empty or
/// non-UTF-8 path; [`ChangeError::LimitExceeded`] as [`parse_numstat_z`].
pub fn parse_gitlinks_z(bytes: &[u8]) -> Result<Vec<String>, ChangeError> {
    Ok(parse_gitlink_moves_z(bytes)?.into_iter().filter(|m| m.new.is_some()).map(|m| m.path).collect())
}

/// A submodule whose pointer a range changes, as `git diff --raw` records
/// it: its path, and the commit it pointed to before and after (`None`
/// where the path was not a submodule: one added, or removed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GitlinkMove {
    /// The submodule's path.
    pub path: String,
    /// The commit before the range, if the path was a submodule then.
    pub old: Option<String>,
    /// The commit after the range, if the path is a submodule then.
    pub new: Option<String>,
}

/// One record of a `git diff --raw -z` output: both sides' modes and
/// hashes, the status, and the path (the new one of a rename or copy).
struct RawRecord<'a> {
    old_mode: &'a [u8],
    new_mode: &'a [u8],
    old_hash: &'a [u8],
    new_hash: &'a [u8],
    path: String,
}

/// The parts of one `git diff-tree --raw --numstat -z` output (git
/// writes the raw records, then the numstat ones): the raw records, the
/// `--name-status -z` records they hold (each record's status and paths),
/// and the numstat records. One run detects renames once, where a run for
/// each format detected them again (a complexity audit: git's rename
/// detection, up to a million pairs of files, ran five times a range).
///
/// # Errors
/// As [`parse_gitlinks_z`], for the raw part; [`ChangeError::LimitExceeded`]
/// for more than [`MAX_FILES`] raw records.
pub fn split_raw_numstat_z(bytes: &[u8]) -> Result<RawAndNumstat<'_>, ChangeError> {
    const FILE: &str = "git diff --raw --numstat";
    const SHAPE: &str = "expected `:MODE MODE HASH HASH STATUS<NUL>path<NUL>` (two paths for a rename or copy)";
    let mut fields = Fields { bytes, pos: 0 };
    let mut statuses = Vec::new();
    let mut record = 0usize;
    while fields.rest().first() == Some(&b':') {
        record += 1;
        if record > MAX_FILES {
            return Err(ChangeError::limit(FILE, "max_files", MAX_FILES as u64, record as u64));
        }
        let header = fields.until(0).ok_or_else(|| malformed(FILE, record, fields.rest(), SHAPE))?;
        let status = header.rsplit(|&b| b == b' ').next().unwrap_or_default();
        statuses.extend_from_slice(status);
        statuses.push(0);
        let paths = if matches!(status.first(), Some(b'R' | b'C')) { 2 } else { 1 };
        for _ in 0..paths {
            let path = fields.until(0).ok_or_else(|| malformed(FILE, record, fields.rest(), SHAPE))?;
            statuses.extend_from_slice(path);
            statuses.push(0);
        }
    }
    let (raw, numstat) = bytes.split_at(fields.pos.min(bytes.len()));
    Ok(RawAndNumstat { raw, statuses, numstat })
}

/// The parts of a `--raw --numstat -z` output ([`split_raw_numstat_z`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawAndNumstat<'a> {
    /// The raw records, as `--raw -z` writes them.
    pub raw: &'a [u8],
    /// Their statuses and paths, as `--name-status -z` writes them.
    pub statuses: Vec<u8>,
    /// The numstat records, as `--numstat -z` writes them.
    pub numstat: &'a [u8],
}

/// The records of a `git diff --raw -z` output, in git's order.
fn raw_records(bytes: &[u8]) -> Result<Vec<RawRecord<'_>>, ChangeError> {
    const FILE: &str = "git diff --raw";
    const SHAPE: &str = "expected `:MODE MODE HASH HASH STATUS<NUL>path<NUL>` (two paths for a rename or copy)";
    let mut fields = Fields { bytes, pos: 0 };
    let mut records = Vec::new();
    let mut record = 0usize;
    while !fields.at_end() {
        record += 1;
        if record > MAX_FILES {
            return Err(ChangeError::limit(FILE, "max_files", MAX_FILES as u64, record as u64));
        }
        let header = fields.until(0).ok_or_else(|| malformed(FILE, record, fields.rest(), SHAPE))?;
        let parts: Vec<&[u8]> = header.strip_prefix(b":").unwrap_or_default().split(|&b| b == b' ').collect();
        let &[old_mode, new_mode, old_hash, new_hash, status] = parts.as_slice() else {
            return Err(malformed(FILE, record, header, SHAPE));
        };
        let two = matches!(status.first(), Some(b'R' | b'C'));
        let mut path = fields.until(0).ok_or_else(|| malformed(FILE, record, fields.rest(), SHAPE))?;
        if two {
            path = fields.until(0).ok_or_else(|| malformed(FILE, record, fields.rest(), SHAPE))?;
        }
        let path = path_string(FILE, record, path)?;
        records.push(RawRecord { old_mode, new_mode, old_hash, new_hash, path });
    }
    Ok(records)
}

/// The submodules of a `git diff --raw -z` output (mode `160000` on
/// either side), in git's order.
///
/// # Errors
/// As [`parse_gitlinks_z`].
pub fn parse_gitlink_moves_z(bytes: &[u8]) -> Result<Vec<GitlinkMove>, ChangeError> {
    let side = |mode: &[u8], hash: &[u8]| {
        (mode == b"160000" && !hash.is_empty() && hash.iter().all(u8::is_ascii_hexdigit)).then(|| lossy(hash))
    };
    Ok(raw_records(bytes)?
        .into_iter()
        .filter_map(|r| {
            let (old, new) = (side(r.old_mode, r.old_hash), side(r.new_mode, r.new_hash));
            (old.is_some() || new.is_some()).then_some(GitlinkMove { path: r.path, old, new })
        })
        .collect())
}

/// A file's blob before and after a change (`None`: absent, or not a
/// regular file).
pub type BlobSides = (Option<String>, Option<String>);

/// The blobs before and after of each regular file a `git diff --raw -z`
/// output lists, by path (a rename's new path): `None` for a side where
/// the file is absent or not a regular file (a deleted file has no blob
/// after, an added one none before, a symbolic link none at all).
///
/// # Errors
/// As [`parse_gitlinks_z`].
pub fn parse_blobs_z(bytes: &[u8]) -> Result<BTreeMap<String, BlobSides>, ChangeError> {
    let side = |mode: &[u8], hash: &[u8]| {
        let regular = mode == b"100644" || mode == b"100755";
        let named = !hash.is_empty() && hash.iter().all(u8::is_ascii_hexdigit) && hash.iter().any(|&b| b != b'0');
        (regular && named).then(|| lossy(hash))
    };
    Ok(raw_records(bytes)?
        .into_iter()
        .map(|r| (r.path, (side(r.old_mode, r.old_hash), side(r.new_mode, r.new_hash))))
        .collect())
}

/// Whether `text` is an infrastructure manifest whatever its file is
/// called: a Kubernetes object (`apiVersion:` and `kind:` at the start of
/// lines, in YAML; both keys at the top of a JSON object), a
/// CloudFormation template (`AWSTemplateFormatVersion`, or a `Resources`
/// section with a `Type: AWS::...`, also a Serverless Framework service's
/// under `resources:`), or an Azure Resource Manager template (JSON whose
/// `$schema` names a `deploymentTemplate.json`). A text longer than
/// [`MAX_EMPTIED_TEXT`] or holding a NUL byte is not read (`false`).
///
/// ```
/// use blastgate_ingest::git::is_manifest;
/// assert!(is_manifest(b"apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: ledger}\n"));
/// assert!(!is_manifest(b"replicas: 3\nkind: fast\n"));
/// ```
pub fn is_manifest(text: &[u8]) -> bool {
    if text.len() > MAX_EMPTIED_TEXT || text.contains(&0) {
        return false;
    }
    let raw = String::from_utf8_lossy(text);
    if raw.trim_start().starts_with(['{', '[']) {
        let Ok(value) = serde_json::from_str::<serde_json::Value>(&raw) else { return false };
        let object = |v: &serde_json::Value| {
            let field = |k: &str| v.get(k).and_then(serde_json::Value::as_str);
            field("apiVersion").zip(field("kind")).is_some_and(|(a, k)| kubernetes_object(a, k))
                || v.get("AWSTemplateFormatVersion").is_some()
                || arm_template(v)
                || v.get("Resources").and_then(serde_json::Value::as_object).is_some_and(|r| {
                    r.values().any(|x| {
                        x.get("Type").and_then(serde_json::Value::as_str).is_some_and(|t| t.starts_with("AWS::"))
                    })
                })
        };
        return match &value {
            serde_json::Value::Array(items) => items.iter().any(object),
            other => object(other),
        };
    }
    let text = uncomment_config(&raw);
    let values = |key: &str| -> Vec<String> {
        text.lines()
            .filter_map(|l| l.strip_prefix(key)?.strip_prefix(':'))
            .map(|v| v.trim().trim_matches(['"', '\'']).to_owned())
            .collect()
    };
    let aws_type = text.lines().any(|l| {
        let t = l.trim_start().trim_start_matches("- ");
        t.strip_prefix("Type:").is_some_and(|v| v.trim().trim_matches(['"', '\'']).starts_with("AWS::"))
    });
    let (versions, kinds) = (values("apiVersion"), values("kind"));
    // A kustomize patch that deletes an object is one too, with or without
    // its `apiVersion`.
    !patch_deleted_kinds(text.as_bytes()).is_empty()
        || versions.iter().any(|a| kinds.iter().any(|k| kubernetes_object(a, k)))
        || !values("AWSTemplateFormatVersion").is_empty()
        || ((!values("Resources").is_empty() || serverless_resources(&text)) && aws_type)
}

/// Whether a YAML text is a Serverless Framework service's with
/// CloudFormation resources: a top-level `resources:` holding a
/// `Resources:` section (red team 11: a DynamoDB table taken out of
/// `serverless.yml` was read as configuration).
fn serverless_resources(text: &str) -> bool {
    text.lines().any(|l| l.starts_with("resources:"))
        && text.lines().any(|l| l.starts_with(char::is_whitespace) && l.trim_start().starts_with("Resources:"))
}

/// Whether a JSON document is an Azure Resource Manager template: its
/// `$schema` names a deployment template (`.../deploymentTemplate.json#`,
/// `subscriptionDeploymentTemplate`, ...). Its `resources` are read by
/// [`arm_resource_types`].
fn arm_template(v: &serde_json::Value) -> bool {
    v.get("$schema")
        .and_then(serde_json::Value::as_str)
        .is_some_and(|s| s.to_ascii_lowercase().contains("deploymenttemplate.json"))
}

/// Most levels of nested `resources` an ARM template is read down.
const MAX_ARM_LEVELS: usize = 16;

/// The `type` of each resource of an ARM template ([`arm_template`]): its
/// `resources`, a list or (language version 2.0) an object of symbolic
/// names, and the `resources` nested in each, [`MAX_ARM_LEVELS`] down. A
/// child's type is its own (`Microsoft.Sql/servers/databases`), or its
/// parent's and its own joined when it states only the last part
/// (`databases`).
fn arm_resource_types(template: &serde_json::Value) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack: Vec<(&serde_json::Value, String, usize)> = vec![(template, String::new(), 0)];
    while let Some((node, parent, level)) = stack.pop() {
        if level > MAX_ARM_LEVELS || out.len() >= MAX_TYPES_READ {
            continue;
        }
        let items: Vec<&serde_json::Value> = match node.get("resources") {
            Some(serde_json::Value::Array(list)) => list.iter().collect(),
            Some(serde_json::Value::Object(named)) => named.values().collect(),
            _ => Vec::new(),
        };
        for item in items {
            let Some(t) = item.get("type").and_then(serde_json::Value::as_str).filter(|t| !t.is_empty()) else {
                continue;
            };
            let t = if t.contains('/') || parent.is_empty() { t.to_owned() } else { format!("{parent}/{t}") };
            out.push(t.clone());
            stack.push((item, t, level + 1));
        }
    }
    out
}

/// Whether an `apiVersion` and a `kind` name an object a cluster runs: a
/// version of the core API (`v1`) or of an API group (`apps/v1`,
/// `networking.k8s.io/v1`, `argoproj.io/v1alpha1`), not one of the
/// Kubernetes-style documents that live outside a cluster (a Backstage
/// catalog entity, blastgate's own documents, the configurations of
/// kind, k3d, kubeadm, kuttl, Kyverno's CLI and Chainsaw tests, Skaffold,
/// a kubeconfig).
fn kubernetes_object(api_version: &str, kind: &str) -> bool {
    let version = |v: &str| {
        let rest = v.strip_prefix('v').unwrap_or("");
        let digits = rest.trim_start_matches(|c: char| c.is_ascii_digit());
        digits.len() < rest.len()
            && (digits.is_empty()
                || ["alpha", "beta"].iter().any(|stage| {
                    digits.strip_prefix(stage).is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
                }))
    };
    const OUTSIDE: [&str; 10] = [
        "backstage.io",
        "blastgate.dev",
        "kind.x-k8s.io",
        "k3d.io",
        "kubeadm.k8s.io",
        "kuttl.dev",
        "cli.kyverno.io",
        "chainsaw.kyverno.io",
        "skaffold",
        "ctlptl.dev",
    ];
    match api_version.split_once('/') {
        None => version(api_version) && kind != "Config",
        Some((group, v)) => {
            version(v)
                && !OUTSIDE.contains(&group)
                && (group.contains('.') || matches!(group, "apps" | "batch" | "autoscaling" | "policy" | "extensions"))
        }
    }
}

/// Most distinct types [`declared_types`] returns for one text.
pub const MAX_TYPES_READ: usize = 4096;

/// The resource types or kinds an infrastructure file's `text` declares,
/// as its tool names them, each once, in ascending order: Terraform's and
/// OpenTofu's `resource "TYPE" "NAME"` blocks, the resource types of a
/// `.tf.json` file's `resource` object, Kubernetes' and Helm's `kind:`
/// keys, CloudFormation's `Type: AWS::...` values, Pulumi YAML's `type:
/// aws:rds:Instance` and Bicep's `resource NAME 'TYPE@VERSION'`. Comments
/// are skipped; a text longer than [`MAX_EMPTIED_TEXT`] or holding a NUL
/// byte is not read (nothing is returned); past [`MAX_TYPES_READ`]
/// distinct types the rest are not returned.
///
/// Every `kind:` key counts, nested ones too (a claim template in a
/// StatefulSet): a deleted file destroys what it declared, and reading
/// more types can only find more of what is destroyed.
///
/// ```
/// use blastgate_ingest::git::declared_types;
/// let text = b"apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: data}\n---\nkind: Service\n";
/// assert_eq!(declared_types(text), ["PersistentVolumeClaim", "Service"]);
/// assert_eq!(declared_types(b"resource \"aws_db_instance\" \"orders\" {}\n"), ["aws_db_instance"]);
/// assert_eq!(declared_types(b"# resource \"aws_s3_bucket\" \"logs\" {}\n"), Vec::<String>::new());
/// ```
pub fn declared_types(text: &[u8]) -> Vec<String> {
    declared_counts(text).into_keys().collect()
}

/// How many declarations of each type [`declared_types`] finds in `text`
/// (each `resource` block, `kind:` key or `Type:` value once), by type.
/// Terraform's `moved` blocks, and `removed` blocks that say `destroy =
/// false`, count their `from` resource's type as still declared: the
/// resource is moved, or forgotten, not destroyed. Comparing the counts
/// of a folder's files before and after a change finds the declarations
/// it removes (see `FileChange::removes`).
///
/// ```
/// use blastgate_ingest::git::declared_counts;
/// let before = declared_counts(b"resource \"aws_db_instance\" \"a\" {}\nresource \"aws_db_instance\" \"b\" {}\n");
/// assert_eq!(before.get("aws_db_instance"), Some(&2));
/// let after = declared_counts(b"resource \"aws_db_instance\" \"a\" {}\nremoved {\n  from = aws_db_instance.b\n  lifecycle {\n    destroy = false\n  }\n}\n");
/// assert_eq!(after.get("aws_db_instance"), Some(&2));
/// ```
pub fn declared_counts(text: &[u8]) -> BTreeMap<String, usize> {
    if text.len() > MAX_EMPTIED_TEXT || text.contains(&0) {
        return BTreeMap::new();
    }
    let raw = String::from_utf8_lossy(text);
    let raw = raw.trim_start_matches('\u{feff}');
    let mut types: BTreeMap<String, usize> = BTreeMap::new();
    let add = |types: &mut BTreeMap<String, usize>, t: String| {
        if types.len() < MAX_TYPES_READ || types.contains_key(&t) {
            *types.entry(t).or_insert(0) += 1;
        }
    };
    // A JSON document (`.tf.json`, CloudFormation, Kubernetes): read as
    // JSON only (its lines read again would count each type twice, an
    // audit).
    if raw.trim_start().starts_with(['{', '['])
        && let Ok(value) = serde_json::from_str::<serde_json::Value>(raw)
    {
        let documents: Vec<&serde_json::Value> = match &value {
            serde_json::Value::Array(items) => items.iter().collect(),
            other => vec![other],
        };
        for top in documents {
            for r in top.get("resource").into_iter().flat_map(resource_keys) {
                add(&mut types, r);
            }
            // Azure Resource Manager: `"resources": [{"type":
            // "Microsoft.Sql/servers", ...}]` (red team 11: unread).
            if arm_template(top) {
                for t in arm_resource_types(top) {
                    add(&mut types, t);
                }
            }
            // CloudFormation: `"Resources": {"Db": {"Type": "AWS::RDS::DBInstance"}}`.
            if let Some(serde_json::Value::Object(resources)) = top.get("Resources") {
                for r in resources.values() {
                    if let Some(t) = r.get("Type").and_then(serde_json::Value::as_str) {
                        add(&mut types, t.to_owned());
                    }
                }
            }
            // Kubernetes: an object, or a `List`'s items.
            let field =
                |v: &serde_json::Value, k: &str| v.get(k).and_then(serde_json::Value::as_str).map(str::to_owned);
            let mut objects = vec![top];
            if let Some(serde_json::Value::Array(items)) = top.get("items") {
                objects.extend(items.iter());
            }
            for o in objects {
                if let (Some(version), Some(kind)) = (field(o, "apiVersion"), field(o, "kind"))
                    && kind != "List"
                {
                    let group = version.rsplit_once('/').map(|(g, _)| g.to_owned());
                    add(&mut types, qualified_kind(kind, group.as_deref()));
                }
            }
        }
        return clean_counts(without_deletions(types, text));
    }
    // Old Mac line breaks (`\r` alone) are line breaks too (an audit).
    let text = uncomment_config(&raw.replace("\r\n", "\n").replace('\r', "\n"));
    // A Terraform `moved` or `removed` block being read: its kind, the
    // type of its `from`, whether it says `destroy = false`, and the
    // depth of its braces.
    let mut block: Option<(bool, Option<String>, bool, usize)> = None;
    // A Terraform resource block being read: its type, whether it says
    // `count = 0` or an empty `for_each` (no instance: Terraform destroys
    // them all), and the depth of its braces.
    let mut resource: Option<(String, bool, usize)> = None;
    // Whether a document is a `List` (its items read below).
    let mut lists = false;
    // The current document's API group (`postgresql.cnpg.io` of
    // `apiVersion: postgresql.cnpg.io/v1`) and the kinds it declares at
    // its top level, added when the document ends (see `qualified_kind`).
    let mut group: Option<String> = None;
    let mut kinds: Vec<String> = Vec::new();
    let lines: Vec<&str> = text.lines().collect();
    // The word that ends a Terraform heredoc being read (`<<EOT`,
    // `<<-EOT`): its lines are a string's text, no declaration (red team
    // 13: a resource wrapped in one still counted as declared).
    let mut heredoc: Option<String> = None;
    for (at, &line) in lines.iter().enumerate() {
        if let Some(end) = heredoc.as_deref() {
            if line.trim() == end {
                heredoc = None;
            }
            continue;
        }
        heredoc = heredoc_start(line);
        if line.starts_with("---") {
            for kind in kinds.drain(..) {
                add(&mut types, qualified_kind(kind, group.as_deref()));
            }
            group = None;
        }
        if let Some(version) = line.strip_prefix("apiVersion:") {
            let version = version.trim().trim_matches(['"', '\'']);
            group = version.rsplit_once('/').map(|(g, _)| g.to_owned());
        }
        let trimmed = line.trim_start().trim_start_matches("- ").trim_start();
        let squeezed: String = trimmed.chars().filter(|c| !c.is_whitespace()).collect();
        let (opens, closes) = braces(line);
        // A block's end: its braces balanced, or a line at the start of
        // the text's own indentation that is no closing brace (a brace in
        // a string, unbalanced, must not hide the rest of the file: an
        // audit).
        let top_level = line.starts_with(|c: char| !c.is_whitespace() && c != '}');
        if top_level {
            if let Some((removed, from, keeps, _)) = block.take()
                && let Some(t) = from.filter(|_| !removed || keeps)
            {
                add(&mut types, t);
            }
            if let Some((t, none, _)) = resource.take()
                && none
                && let Some(n) = types.get_mut(t.as_str())
            {
                *n = n.saturating_sub(1);
            }
        }
        if block.is_none() && resource.is_none() {
            for (word, removed) in [("moved", false), ("removed", true)] {
                if trimmed.strip_prefix(word).is_some_and(|rest| rest.trim_start().starts_with('{')) {
                    block = Some((removed, None, false, 0));
                }
            }
        }
        if let Some((removed, from, keeps, depth)) = block.as_mut() {
            if let Some(address) = block_from(&squeezed) {
                *from = blastgate_change::address_type(address).map(str::to_owned);
            }
            *keeps |= block_parts(&squeezed).any(|part| part.starts_with("destroy=false"));
            *depth = depth.saturating_add(opens).saturating_sub(closes);
            if *depth == 0 {
                if let Some(t) = from.take().filter(|_| !*removed || *keeps) {
                    add(&mut types, t);
                }
                block = None;
            }
            continue;
        }
        if let Some((t, none, depth)) = resource.as_mut() {
            // (The resource's own `count` or `for_each`, not a `dynamic`
            // block's inside it.)
            if *depth == 1 && leaves_no_instance(&squeezed) {
                *none = true;
            }
            *depth = depth.saturating_add(opens).saturating_sub(closes);
            if *depth == 0 {
                if *none && let Some(n) = types.get_mut(t.as_str()) {
                    *n = n.saturating_sub(1);
                }
                resource = None;
            }
            continue;
        }
        let value = |key: &str| {
            let rest = trimmed.strip_prefix(key)?.trim();
            let rest = rest.trim_matches(|c| c == '"' || c == '\'');
            (!rest.is_empty() && !rest.contains(char::is_whitespace)).then(|| rest.to_owned())
        };
        // A Kubernetes document's own kind is a key at its top level (at
        // the line's start, or a top-level list's item): a nested `kind:`
        // names what it refers to (a RoleBinding's subjects, a patch's
        // target), not what the file declares (an audit).
        // The key may be quoted (`"kind": Secret`), and a document may be
        // one flow mapping (`{apiVersion: v1, kind: Secret}`): an audit.
        let unquoted = line.replacen("\"kind\":", "kind:", 1).replacen("'kind':", "kind:", 1);
        let document_level = unquoted.starts_with("kind:") || unquoted.starts_with("- kind:");
        let flow_kind = line.starts_with('{').then(|| flow_mapping_kind(line)).flatten();
        if let Some(t) = flow_kind {
            add(&mut types, t);
        } else if document_level
            && let Some(t) = unquoted
                .trim_start_matches("- ")
                .strip_prefix("kind:")
                .map(|v| v.trim().trim_matches(|c| c == '"' || c == '\''))
                .filter(|v| !v.is_empty() && !v.contains(char::is_whitespace))
        {
            if t == "List" {
                lists = true;
            } else if line.starts_with("kind:") {
                kinds.push(t.to_owned());
            } else {
                add(&mut types, t.to_owned());
            }
        } else if value("kind:").is_some() {
            // A nested reference: not a declaration.
        } else if let Some(t) =
            value("Type:").or_else(|| value("\"Type\":").map(|t| t.trim_end_matches(',').trim_matches('"').to_owned()))
        {
            if t.contains("::") {
                add(&mut types, t);
            }
        } else if let Some(t) = value("type:") {
            // Pulumi: `provider:module:Type`.
            if t.split(':').count() == 3 && t.split(':').all(|p| !p.is_empty()) {
                add(&mut types, t);
            }
        } else if let Some(t) = program_construct(trimmed) {
            add(&mut types, t);
        } else if let Some(rest) = trimmed.strip_prefix("resource").or_else(|| trimmed.strip_prefix("module")) {
            // Terraform (`resource "TYPE" "NAME" {`, the labels quoted or
            // bare), Bicep (`resource NAME 'TYPE@VERSION' = {`), and a
            // Terraform `module` block, whose resources live in its source
            // (type `module`: taking one out destroys what it made, an
            // audit).
            let is_module = trimmed.starts_with("module");
            if !rest.starts_with(|c: char| c.is_whitespace() || c == '"') {
                continue;
            }
            let mut words = rest.split(|c: char| c.is_whitespace() || c == '{').filter(|w| !w.is_empty());
            let first = words.next().unwrap_or_default();
            let second = words.next().unwrap_or_default();
            let t = if is_module {
                module_type(line, lines.get(at + 1..).unwrap_or_default())
            } else if second.starts_with('\'') {
                let t = second.trim_matches('\'');
                t.split('@').next().unwrap_or(t).to_owned()
            } else {
                // `resource"t""n"{` written without blanks.
                first.trim_matches('"').split('"').next().unwrap_or_default().to_owned()
            };
            if t.is_empty() || t == "=" {
                continue;
            }
            add(&mut types, t.clone());
            if opens > closes {
                resource = Some((t, false, opens - closes));
            }
        }
    }
    for kind in kinds {
        add(&mut types, qualified_kind(kind, group.as_deref()));
    }
    // A `List`'s objects are its `items` (kustomize and kubectl expand
    // them; an audit found a StatefulSet in one unread).
    if lists && let Ok(documents) = crate::doc::from_yaml_multi_as_go::<serde_json::Value>("manifest", raw) {
        for doc in &documents {
            if doc.get("kind").and_then(serde_json::Value::as_str) != Some("List") {
                continue;
            }
            for item in doc.get("items").and_then(serde_json::Value::as_array).into_iter().flatten() {
                if let Some(kind) = item.get("kind").and_then(serde_json::Value::as_str).filter(|k| !k.is_empty()) {
                    add(&mut types, kind.to_owned());
                }
            }
        }
    }
    clean_counts(without_deletions(types, text.as_bytes()))
}

/// `types` less one of each kind a document of `text` deletes with
/// `$patch: delete` ([`patch_deleted_kinds`]): such a document names its
/// kind but declares nothing, and counting it would let a patch that
/// deletes a StatefulSet stand for one taken out of a file beside it.
fn without_deletions(mut types: BTreeMap<String, usize>, text: &[u8]) -> BTreeMap<String, usize> {
    for kind in patch_deleted_kinds(text) {
        if let Some(n) = types.get_mut(&kind) {
            *n = n.saturating_sub(1);
        }
    }
    types
}

/// The `kind` of a YAML flow mapping written on one line at a document's
/// top (`{apiVersion: v1, kind: Secret, metadata: {name: x}}`): the value
/// of a `kind` key at the mapping's own level.
fn flow_mapping_kind(line: &str) -> Option<String> {
    let mut depth = 0usize;
    let mut key_start = true;
    let mut rest = line;
    while let Some(c) = rest.chars().next() {
        match c {
            '{' | '[' => {
                depth += 1;
                key_start = true;
            }
            '}' | ']' => depth = depth.saturating_sub(1),
            ',' => key_start = true,
            c if c.is_whitespace() => {}
            _ => {
                if depth == 1 && key_start {
                    let key = rest.trim_start_matches(['"', '\'']);
                    if let Some(value) =
                        key.strip_prefix("kind").and_then(|v| v.trim_start_matches(['"', '\'']).strip_prefix(':'))
                    {
                        let value: String = value
                            .trim_start()
                            .chars()
                            .take_while(|c| !matches!(c, ',' | '}' | ' '))
                            .filter(|c| !matches!(c, '"' | '\''))
                            .collect();
                        return (!value.is_empty()).then_some(value);
                    }
                }
                key_start = false;
            }
        }
        rest = rest.get(c.len_utf8()..).unwrap_or("");
    }
    None
}

/// `types` as a changeset may hold them: no control character, at most
/// [`MAX_TYPE_BYTES`] (a type's words are at its start), none counted
/// zero times, at most [`MAX_TYPES_READ`].
fn clean_counts(types: BTreeMap<String, usize>) -> BTreeMap<String, usize> {
    let clean = clip_kind;
    let mut cleaned: BTreeMap<String, usize> = BTreeMap::new();
    for (t, n) in types.into_iter().filter(|(_, n)| *n > 0) {
        let t = clean(&t);
        if !t.is_empty() {
            let count = cleaned.entry(t).or_insert(0);
            *count = count.saturating_add(n);
        }
    }
    cleaned.into_iter().take(MAX_TYPES_READ).collect()
}

/// The word that ends a Terraform heredoc `line` opens (`x = <<EOT`,
/// `<<-EOT`), if it ends with one.
fn heredoc_start(line: &str) -> Option<String> {
    let (_, after) = line.trim_end().rsplit_once("<<")?;
    let word = after.strip_prefix('-').unwrap_or(after);
    (!word.is_empty() && word.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')).then(|| word.to_owned())
}

/// Whether a resource's line (squeezed of blanks) gives it no instance:
/// `count = 0`, an empty `for_each` (`{}`, `[]`, `toset([])`), or, failing
/// closed, a `count` or `for_each` whose value is an expression of
/// constants Terraform would have to compute (`1 - 1`, `(0)`, `"0"`,
/// `false ? 1 : 0`, `length([])`, `min(0, 1)`, `tomap({})`; red team 13:
/// each destroyed the resource unseen). A whole number of at least one,
/// a literal collection with something in it, and a value that reads a
/// variable, local or other object (`var.replicas`, read by the variables
/// files' reading) give instances.
fn leaves_no_instance(squeezed: &str) -> bool {
    let references = |expr: &str| {
        let chars: Vec<char> = expr.chars().collect();
        chars.windows(3).any(|w| matches!(w, [a, '.', b] if (a.is_ascii_alphabetic() || *a == '_' || *a == ']') && b.is_ascii_alphabetic()))
            || expr.contains("${")
    };
    // (A value over several lines is not read from its first.)
    let balanced = |expr: &str| {
        let count = |set: &[char]| expr.chars().filter(|c| set.contains(c)).count();
        count(&['(', '[', '{']) == count(&[')', ']', '}'])
            && !expr.is_empty()
            && !expr.ends_with(['?', ':', '+', '-', '*', '/', '&', '|', '='])
    };
    if let Some(expr) = squeezed.strip_prefix("count=") {
        let expr = expr.trim_end_matches(',');
        if references(expr) || !balanced(expr) {
            return false;
        }
        let number = expr.trim_matches('"');
        return !number.parse::<u64>().is_ok_and(|n| n >= 1);
    }
    if let Some(expr) = squeezed.strip_prefix("for_each=") {
        if references(expr) || !balanced(expr) {
            return false;
        }
        // The literal collection inside any conversions (`toset([...])`):
        // empty, or none at all, gives nothing.
        let open = expr.find(['[', '{']);
        let close = expr.rfind([']', '}']);
        return match (open, close) {
            (Some(o), Some(c)) if c > o + 1 => {
                // (A condition or a function of the literal, `length(...)`,
                // `false ? [...] : []`, is computed: fail closed.)
                let head = expr.get(..o).unwrap_or_default();
                let tail = expr.get(c + 1..).unwrap_or_default();
                let conversions =
                    head.split('(').all(|f| matches!(f, "" | "toset" | "tomap" | "tolist" | "set" | "map" | "list"));
                !(conversions && tail.chars().all(|ch| ch == ')' || ch == ','))
            }
            _ => true,
        };
    }
    false
}

/// The type a Terraform `module` block stands for, its `header` line
/// (`module "orders_db" {`) followed by `rest`: `module` and its `source`
/// (`module terraform-aws-modules/rds/aws`, `module ./modules/postgres`),
/// so that a module whose source names a datastore counts as one when it
/// is taken out (red team 11: `terraform-aws-modules/rds/aws` removed was
/// `module`, mere infrastructure). The source loses its query (`?ref=v1.2`)
/// and a trailing `/`, so that a version bump renames nothing; a source
/// changed to another counts as the first taken out (Terraform keeps the
/// addresses, but what the new source declares is not read: fail closed).
/// `module` alone when the block states no source on its own level.
fn module_type(header: &str, rest: &[&str]) -> String {
    /// The value of a `source = "..."` attribute, squeezed of blanks.
    fn source_of(squeezed: &str) -> Option<String> {
        let value = squeezed.strip_prefix("source=")?.trim_end_matches([',', ';', '}']);
        let value = value.strip_prefix('"')?.split('"').next()?;
        let value = value.split('?').next().unwrap_or(value).trim_end_matches('/');
        (!value.is_empty()).then(|| value.to_owned())
    }
    let squeeze = |line: &str| -> String { line.chars().filter(|c| !c.is_whitespace()).collect() };
    // `module "x" { source = "..." }` on one line.
    let header = squeeze(header);
    if let Some(inline) = header.split_once('{').and_then(|(_, body)| source_of(body)) {
        return format!("module {inline}");
    }
    let (opens, closes) = braces(&header);
    let mut depth = opens.saturating_sub(closes);
    for line in rest {
        if depth == 0 || line.starts_with(|c: char| !c.is_whitespace() && c != '}') {
            break;
        }
        let squeezed = squeeze(line);
        if depth == 1
            && let Some(source) = source_of(&squeezed)
        {
            return format!("module {source}");
        }
        let (opens, closes) = braces(line);
        depth = depth.saturating_add(opens).saturating_sub(closes);
    }
    "module".to_owned()
}

/// The resource an infrastructure program's line makes, as its library
/// names the class (red team 11: a database construct deleted from a CDK
/// or Pulumi program was read as code): `new rds.DatabaseInstance(this,
/// ...)` and `new aws.rds.Instance("orders", ...)` (TypeScript,
/// JavaScript, C#, Java), `aws.rds.Instance("orders", ...)` or `db =
/// rds.DatabaseInstance(self, ...)` at a statement's start (Python), and
/// `rds.NewInstance(ctx, ...)` (Go, as `rds.Instance`). The class is
/// qualified by a module (`rds.`): a bare `new Error(` or `new Map(` is
/// no resource. Which of these hold data is the engine's reading of the
/// type's words; the git reader keeps only those (see
/// `blastgate::git`), so a helper class taken out destroys nothing.
///
/// ```
/// use blastgate_ingest::git::declared_counts;
/// let stack = b"const db = new rds.DatabaseInstance(this, 'Db', {\n  engine,\n});\nthrow new Error('x');\n";
/// assert_eq!(declared_counts(stack).keys().collect::<Vec<_>>(), ["rds.DatabaseInstance"]);
/// ```
fn program_construct(line: &str) -> Option<String> {
    // A dotted name at the start of `text`, a module then a class: the
    // name and what follows it.
    let dotted = |text: &str| -> Option<(String, usize)> {
        let end = text.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.')).unwrap_or(text.len());
        let name = text.get(..end)?;
        let (module, class) = name.rsplit_once('.')?;
        let module_ok = module.starts_with(|c: char| c.is_ascii_lowercase()) && !module.contains("..");
        let class_ok = class.starts_with(|c: char| c.is_ascii_uppercase());
        (module_ok && class_ok).then(|| (name.to_owned(), end))
    };
    let opens = |rest: &str| rest.trim_start().starts_with(['(', '<']);
    // `new module.Class(` anywhere on the line.
    if let Some(at) = line.find("new ") {
        let before_ok = line.get(..at).is_none_or(|b| !b.ends_with(|c: char| c.is_ascii_alphanumeric() || c == '_'));
        let after = line.get(at + 4..)?.trim_start();
        if before_ok && let Some((name, end)) = dotted(after) {
            return opens(after.get(end..)?).then_some(name);
        }
        return None;
    }
    // A statement that calls `module.Class(` (Python), or `pkg.NewClass(ctx`
    // (Go), after an assignment if any.
    let statement = match line.split_once('=') {
        Some((target, value))
            if !target.is_empty()
                && target.trim().chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | ' ' | ':' | ','))
                && !value.starts_with('=') =>
        {
            value.trim_start()
        }
        _ => line,
    };
    let (name, end) = dotted(statement)?;
    let rest = statement.get(end..)?;
    if !opens(rest) {
        return None;
    }
    // Go's constructors: `rds.NewInstance(ctx, ...)` makes an `rds.Instance`.
    let (module, class) = name.rsplit_once('.')?;
    match class.strip_prefix("New").filter(|c| c.starts_with(|c: char| c.is_ascii_uppercase())) {
        Some(made) if rest.trim_start().trim_start_matches('(').trim_start().starts_with("ctx") => {
            Some(format!("{module}.{made}"))
        }
        _ => Some(name),
    }
}

/// How many `{` and `}` a line holds outside double-quoted strings.
fn braces(line: &str) -> (usize, usize) {
    let (mut opens, mut closes, mut quoted, mut escaped) = (0, 0, false, false);
    for c in line.chars() {
        match c {
            _ if escaped => escaped = false,
            '\\' if quoted => escaped = true,
            '"' => quoted = !quoted,
            '{' if !quoted => opens += 1,
            '}' if !quoted => closes += 1,
            _ => {}
        }
    }
    (opens, closes)
}

/// A configuration text (HCL, YAML, JSON-like) with its comments read as
/// blanks: `#` and `//` to the line's end and `/* ... */`, outside
/// double-quoted strings; a `/*` that is never closed is text (an S3 ARN
/// `arn:aws:s3:::logs/*`, an ingress path `/*`: an audit found one
/// blanking the rest of a file). Unlike the migrations' reading, `--` is
/// no comment here.
fn uncomment_config(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    let mut quoted = false;
    while let Some(c) = rest.chars().next() {
        let after = rest.get(c.len_utf8()..).unwrap_or("");
        if c == '\n' {
            quoted = false;
        } else if c == '"' {
            quoted = !quoted;
        } else if !quoted && (c == '#' || rest.starts_with("//")) {
            let end = rest.find('\n').unwrap_or(rest.len());
            rest = rest.get(end..).unwrap_or("");
            continue;
        } else if !quoted
            && rest.starts_with("/*")
            && let Some(close) = after.find("*/")
        {
            // Blank, keeping the comment's line breaks.
            let comment = rest.get(..close + c.len_utf8() + 2).unwrap_or("");
            out.extend(comment.chars().filter(|&c| c == '\n'));
            out.push(' ');
            rest = rest.get(comment.len()..).unwrap_or("");
            continue;
        }
        out.push(c);
        rest = after;
    }
    out
}

/// The parts of a line of a Terraform block, its blanks taken out
/// (`squeezed`): what follows an opening brace, split at braces and `;`
/// (`moved { from = a.b  to = c.d }` written on one line).
fn block_parts(squeezed: &str) -> impl Iterator<Item = &str> {
    squeezed.split_once('{').map_or(squeezed, |(_, rest)| rest).split(['{', '}', ';'])
}

/// The address a `moved` or `removed` block's line gives as `from`, if
/// any, without quotes and without a `to` written on the same line.
fn block_from(squeezed: &str) -> Option<&str> {
    block_parts(squeezed).find_map(|part| {
        let address = part.strip_prefix("from=")?;
        Some(address.split("to=").next().unwrap_or(address).trim_matches('"'))
    })
}

/// The Terraform resources `text` declares, as `TYPE.NAME` (`resource
/// "aws_db_instance" "orders"` gives `aws_db_instance.orders`): a block
/// whose name changes without a `moved` block is destroyed and made anew,
/// though its type is still declared as often (an audit: renaming a
/// database's label passed as an edit).
///
/// ```
/// use blastgate_ingest::git::declared_addresses;
/// let found = declared_addresses(b"resource \"aws_db_instance\" \"orders\" {\n}\n");
/// assert!(found.contains("aws_db_instance.orders"));
/// ```
pub fn declared_addresses(text: &[u8]) -> BTreeSet<String> {
    if text.len() > MAX_EMPTIED_TEXT || text.contains(&0) {
        return BTreeSet::new();
    }
    let raw = String::from_utf8_lossy(text);
    let text = uncomment_config(&raw);
    let mut found = BTreeSet::new();
    let mut in_block = false;
    for line in text.lines() {
        // A `moved` or `removed` block's `from` is declared still: moved,
        // or forgotten (a `removed` block that destroys lowers the type's
        // count, which `declared_counts` reads).
        let squeezed: String = line.chars().filter(|c| !c.is_whitespace()).collect();
        if squeezed.starts_with("moved{") || squeezed.starts_with("removed{") {
            in_block = true;
        } else if line.starts_with(|c: char| !c.is_whitespace() && c != '}') {
            in_block = false;
        }
        if in_block {
            if let Some(address) = block_from(&squeezed) {
                let steps = blastgate_change::address_steps(address);
                if let [.., t, name] = steps.as_slice()
                    && found.len() < MAX_TYPES_READ
                {
                    found.insert(format!("{t}.{name}"));
                }
            }
            continue;
        }
        // (A module block is `module.NAME`: renamed without a `moved`
        // block, everything in it is destroyed and made anew.)
        if let Some(name) = module_label(line)
            && found.len() < MAX_TYPES_READ
        {
            found.insert(format!("module.{name}"));
            continue;
        }
        let Some(rest) = line.trim_start().strip_prefix("resource") else { continue };
        if !rest.starts_with(|c: char| c.is_whitespace() || c == '"') {
            continue;
        }
        let labels: Vec<&str> =
            rest.split(|c: char| c.is_whitespace() || c == '{' || c == '"').filter(|w| !w.is_empty()).take(2).collect();
        if let [t, name] = labels.as_slice()
            && !t.starts_with('\'')
            && !name.starts_with('\'')
            && *name != "="
            && found.len() < MAX_TYPES_READ
        {
            found.insert(format!("{t}.{name}"));
        }
    }
    found
}

/// The label of a Terraform `module` block's header line (`module
/// "orders_db" {` gives `orders_db`), if `line` is one, at the file's
/// top level.
fn module_label(line: &str) -> Option<&str> {
    let rest = line.strip_prefix("module")?;
    if !rest.starts_with(|c: char| c.is_whitespace() || c == '"') {
        return None;
    }
    let mut labels = rest.split(|c: char| c.is_whitespace() || c == '{' || c == '"').filter(|w| !w.is_empty());
    let name = labels.next()?;
    (!name.starts_with('\'') && name != "=" && labels.next().is_none_or(|w| w == "}")).then_some(name)
}

/// The Terraform `module` blocks `text` declares, each by its label with
/// the type it stands for (`module ./modules/postgres`, as
/// [`declared_types`] counts it): what a module renamed without a `moved`
/// block destroys ([`declared_addresses`] gives its address,
/// `module.NAME`).
///
/// ```
/// use blastgate_ingest::git::declared_modules;
/// let found = declared_modules(b"module \"db\" {\n  source = \"./modules/db\"\n}\n");
/// assert_eq!(found.get("db").map(String::as_str), Some("module ./modules/db"));
/// ```
pub fn declared_modules(text: &[u8]) -> BTreeMap<String, String> {
    if text.len() > MAX_EMPTIED_TEXT || text.contains(&0) {
        return BTreeMap::new();
    }
    let raw = String::from_utf8_lossy(text);
    let text = uncomment_config(&raw);
    let lines: Vec<&str> = text.lines().collect();
    let mut found = BTreeMap::new();
    for (at, line) in lines.iter().enumerate() {
        if let Some(name) = module_label(line)
            && found.len() < MAX_TYPES_READ
        {
            found.insert(name.to_owned(), module_type(line, lines.get(at + 1..).unwrap_or_default()));
        }
    }
    found
}

/// The resource types Terraform `moved` blocks in `text` take from
/// somewhere (`from = module.app.aws_db_instance.orders` gives
/// `aws_db_instance`): wherever the block is, that resource is moved, not
/// destroyed.
///
/// ```
/// use blastgate_ingest::git::moved_from_types;
/// let text = b"moved {\n  from = module.app.aws_db_instance.orders\n  to   = module.db.aws_db_instance.orders\n}\n";
/// assert!(moved_from_types(text).contains("aws_db_instance"));
/// ```
pub fn moved_from_types(text: &[u8]) -> BTreeSet<String> {
    moved_from(text).into_iter().map(|(t, _)| t).collect()
}

/// As [`moved_from_types`], each type with whether its `from` address
/// is in a module the block's module calls (`module.app.aws_db_instance.
/// orders`: wherever that module's folder is) or in the block's own
/// module (`aws_db_instance.orders`: the block's folder only).
///
/// ```
/// use blastgate_ingest::git::moved_from;
/// let text = b"moved {\n  from = aws_db_instance.main\n  to = aws_db_instance.orders\n}\n";
/// assert!(moved_from(text).contains(&("aws_db_instance".to_owned(), false)));
/// ```
pub fn moved_from(text: &[u8]) -> BTreeSet<(String, bool)> {
    if text.len() > MAX_EMPTIED_TEXT || text.contains(&0) {
        return BTreeSet::new();
    }
    let raw = String::from_utf8_lossy(text);
    let text = uncomment_config(&raw);
    let mut in_moved = false;
    let mut found = BTreeSet::new();
    for line in text.lines() {
        let squeezed: String = line.chars().filter(|c| !c.is_whitespace()).collect();
        if squeezed.starts_with("moved{") {
            in_moved = true;
        } else if line.starts_with(|c: char| !c.is_whitespace() && c != '}') {
            in_moved = false;
        }
        if !in_moved {
            continue;
        }
        if let Some(address) = block_from(&squeezed) {
            let in_module = address.starts_with("module.");
            found.extend(blastgate_change::address_type(address).map(|t| (t.to_owned(), in_module)));
        }
    }
    found
}

/// A Kubernetes kind with its API group when the group says what the kind
/// alone does not: an operator's, Crossplane's or a cloud controller's
/// object whose kind reads as mere infrastructure (`Cluster`, `Instance`,
/// `Table`) while with its group it holds data (`Cluster.postgresql.cnpg.
/// io`, `Instance.rds.aws.upbound.io`, `Table.dynamodb.services.k8s.aws`;
/// red team 11: each deleted was `peer`). Other kinds, and the built-in
/// groups (`apps`, `*.k8s.io`), stay as they are.
fn qualified_kind(kind: String, group: Option<&str>) -> String {
    use blastgate_core::engine::resource_type_kind;
    use blastgate_graph::NodeKind;
    let Some(group) = group.filter(|g| g.contains('.') && !g.ends_with(".k8s.io")) else { return kind };
    if resource_type_kind(&kind) != NodeKind::Infrastructure {
        return kind;
    }
    let qualified = format!("{kind}.{group}");
    if resource_type_kind(&qualified) == NodeKind::Infrastructure { kind } else { qualified }
}

/// Longest type [`declared_types`] returns, in bytes; a longer one is cut.
pub const MAX_TYPE_BYTES: usize = 256;

/// The resource types of a Terraform JSON `resource` value: the keys of
/// its object, or of each object of its array.
fn resource_keys(value: &serde_json::Value) -> Vec<String> {
    let keys = |v: &serde_json::Value| match v {
        serde_json::Value::Object(types) => types.keys().cloned().collect(),
        _ => Vec::new(),
    };
    match value {
        serde_json::Value::Array(items) => items.iter().flat_map(keys).collect(),
        other => keys(other),
    }
}

/// Most bytes of a file's text read to tell whether it declares anything
/// ([`declares_nothing`]): a larger file is taken to declare something.
pub const MAX_EMPTIED_TEXT: usize = 1 << 20;

/// Whether `text` declares nothing: blank once its comments (`/* */`,
/// `#`, `//`, `--` to the line's end) are read as blanks, YAML's document
/// markers (`---`, `...`) aside. Text with a NUL byte, or longer than
/// [`MAX_EMPTIED_TEXT`], declares something. An infrastructure file whose
/// content declared something and declares nothing after a change was
/// emptied in place (`main.tf` truncated, reduced to a comment, or wrapped
/// in `/* */`): applied, it destroys what it declared.
///
/// ```
/// use blastgate_ingest::git::declares_nothing;
/// assert!(declares_nothing(b"/*\nresource \"aws_db_instance\" \"orders\" {}\n*/\n# retired\n"));
/// assert!(declares_nothing(b"---\n# nothing here\n"));
/// assert!(!declares_nothing(b"resource \"aws_db_instance\" \"orders\" {}\n"));
/// ```
pub fn declares_nothing(text: &[u8]) -> bool {
    if text.len() > MAX_EMPTIED_TEXT || text.contains(&0) {
        return false;
    }
    uncomment(&String::from_utf8_lossy(text)).lines().all(|line| matches!(line.trim(), "" | "---" | "..."))
}

/// `text` read as one YAML mapping, with the graph reader's budgets:
/// `Some(None)` for a blank text, `None` for one that is not UTF-8, holds
/// a NUL byte, is over [`MAX_EMPTIED_TEXT`], or is not a mapping.
fn yaml_mapping(what: &str, text: &[u8]) -> Option<Option<serde_json::Value>> {
    if text.len() > MAX_EMPTIED_TEXT || text.contains(&0) {
        return None;
    }
    let text = std::str::from_utf8(text).ok()?;
    if text.trim().is_empty() {
        return Some(None);
    }
    let value: serde_json::Value = crate::doc::from_yaml(what, text).ok()?;
    value.is_object().then_some(Some(value))
}

/// The Terraform input variables that decide whether a module's
/// resources exist, read from its `.tf` files (`texts`): for each
/// `resource` or `module` block whose `count` or `for_each` line refers
/// to `var.NAME` (directly, or through a `local.NAME` a `locals` block of
/// any of the files defines from variables), NAME with the block's type
/// (`module` for a module block) and whether the block has instances when
/// the variable is set ([`turns_off`] is unset) or when it is unset: `count =
/// var.x ? 1 : 0` and `for_each = var.m` exist when set, `count = var.x ?
/// 0 : 1`, `count = !var.x ? 1 : 0` and `count = var.id == "" ? 1 : 0`
/// when unset. At most [`MAX_TYPES_READ`] variables. Comments are
/// skipped; a text over [`MAX_EMPTIED_TEXT`] or holding a NUL byte is not
/// read.
///
/// ```
/// use blastgate_ingest::git::gated_types;
/// let main = b"resource \"aws_db_instance\" \"orders\" {\n  count = local.make_db ? 1 : 0\n}\nresource \"aws_db_instance\" \"legacy\" {\n  count = var.use_external_db ? 0 : 1\n}\nresource \"aws_sqs_queue\" \"q\" {\n  for_each = var.queues\n}\n";
/// let locals = b"locals {\n  make_db = var.create_database && var.enabled\n}\n";
/// let gates = gated_types(&[main, locals]);
/// let set = |t: &str, on: bool| (t.to_owned(), on);
/// assert_eq!(gates["create_database"].iter().cloned().collect::<Vec<_>>(), [set("aws_db_instance", true)]);
/// assert_eq!(gates["use_external_db"].iter().cloned().collect::<Vec<_>>(), [set("aws_db_instance", false)]);
/// assert_eq!(gates["queues"].iter().cloned().collect::<Vec<_>>(), [set("aws_sqs_queue", true)]);
/// ```
pub fn gated_types(texts: &[&[u8]]) -> BTreeMap<String, BTreeSet<(String, bool)>> {
    let mut gates: BTreeMap<String, BTreeSet<(String, bool)>> = BTreeMap::new();
    // Locals by name: the variables each reads, and whether it negates them.
    let mut locals: BTreeMap<String, BTreeSet<(String, bool)>> = BTreeMap::new();
    // Blocks gated by a local: (local, type, has instances when the local is set).
    let mut by_local: Vec<(String, String, bool)> = Vec::new();
    for text in texts {
        if text.len() > MAX_EMPTIED_TEXT || text.contains(&0) {
            continue;
        }
        let raw = String::from_utf8_lossy(text);
        let text = uncomment_config(&raw.replace("\r\n", "\n").replace('\r', "\n"));
        // The block being read: its type (`None` for `locals`) and the
        // depth of its braces.
        let mut block: Option<(Option<String>, usize)> = None;
        let lines: Vec<&str> = text.lines().collect();
        for (at, &line) in lines.iter().enumerate() {
            let trimmed = line.trim();
            let (opens, closes) = braces(line);
            if line.starts_with(|c: char| !c.is_whitespace() && c != '}') {
                block = None;
            }
            if let Some((t, depth)) = block.as_mut() {
                let squeezed: String = trimmed.chars().filter(|c| !c.is_whitespace()).collect();
                match t {
                    Some(t) => {
                        let expr = squeezed.strip_prefix("count=").or_else(|| squeezed.strip_prefix("for_each="));
                        if let Some(expr) = expr {
                            for var in references(expr, "var.") {
                                let on = exists_when_set(expr, &format!("var.{var}"));
                                gates.entry(var).or_default().insert((t.clone(), on));
                            }
                            for local in references(expr, "local.") {
                                let on = exists_when_set(expr, &format!("local.{local}"));
                                by_local.push((local, t.clone(), on));
                            }
                        }
                    }
                    None if *depth == 1 => {
                        if let Some((name, expr)) = squeezed.split_once('=') {
                            let read = references(expr, "var.").into_iter().map(|v| {
                                let negated = expr.contains(&format!("!var.{v}"));
                                (v, negated)
                            });
                            locals.entry(name.to_owned()).or_default().extend(read);
                        }
                    }
                    None => {}
                }
                *depth = depth.saturating_add(opens).saturating_sub(closes);
                if *depth == 0 {
                    block = None;
                }
                continue;
            }
            if opens <= closes {
                continue;
            }
            if trimmed.strip_prefix("locals").is_some_and(|rest| rest.trim_start().starts_with('{')) {
                block = Some((None, opens - closes));
            } else if let Some(rest) = trimmed.strip_prefix("resource").or_else(|| trimmed.strip_prefix("module")) {
                if !rest.starts_with(|c: char| c.is_whitespace() || c == '"') {
                    continue;
                }
                let t = if trimmed.starts_with("module") {
                    module_type(line, lines.get(at + 1..).unwrap_or_default())
                } else {
                    let first = rest.split(|c: char| c.is_whitespace() || c == '{').find(|w| !w.is_empty());
                    first.unwrap_or_default().trim_matches('"').split('"').next().unwrap_or_default().to_owned()
                };
                if !t.is_empty() && !t.contains(char::is_control) && t.len() <= MAX_TYPE_BYTES {
                    block = Some((Some(t), opens - closes));
                }
            }
        }
    }
    for (local, t, on) in by_local {
        for (var, negated) in locals.get(&local).into_iter().flatten() {
            gates.entry(var.clone()).or_default().insert((t.clone(), on != *negated));
        }
    }
    while gates.len() > MAX_TYPES_READ {
        gates.pop_last();
    }
    gates
}

/// Whether the block whose `count` or `for_each` expression (squeezed of
/// blanks) is `expr` has instances when `reference` (`var.x`) is set:
/// a reference in a condition (`COND ? A : B`) gates by which branch
/// leaves no instance and whether the condition negates it (`!var.x`,
/// `var.x == ""`, `== null`, `== false`, `== 0`, `length(var.x) == 0`);
/// anywhere else (`count = var.n`, `for_each = var.m`), it gives the
/// instances itself.
fn exists_when_set(expr: &str, reference: &str) -> bool {
    let Some((condition, branches)) = expr.split_once('?') else {
        return true;
    };
    if !condition.contains(reference) {
        return true;
    }
    let negated = condition.contains(&format!("!{reference}"))
        || condition.contains(&format!("length({reference})==0"))
        || ["==\"\"", "==null", "==false", "==0", "==[]", "=={}"]
            .iter()
            .any(|test| condition.contains(&format!("{reference}{test}")));
    let first = branches.split(':').next().unwrap_or_default().trim_matches(|c| c == '(' || c == ')');
    let first_empty = turns_off(first);
    negated == first_empty
}

/// The names `text` refers to after `prefix` (`var.`, `local.`), where
/// the prefix starts a word: `var.enabled` in `var.enabled?1:0`.
fn references(text: &str, prefix: &str) -> BTreeSet<String> {
    let ident = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-';
    let mut found = BTreeSet::new();
    let mut rest = text;
    while let Some(at) = rest.find(prefix) {
        let before = rest.get(..at).and_then(|b| b.chars().next_back());
        let after = rest.get(at + prefix.len()..).unwrap_or_default();
        let name: String = after.chars().take_while(|c| ident(*c)).collect();
        if !before.is_some_and(|c| ident(c) || c == '.') && !name.is_empty() {
            found.insert(name);
        }
        rest = after;
    }
    found
}

/// The values a Terraform variables file sets, by variable, each squeezed
/// of blanks (`enabled = false` is `false`): a `.tfvars` file's top-level
/// `NAME = VALUE` lines (a value on one line), or a `.tfvars.json` file's
/// keys. `variable "NAME" { default = VALUE }` blocks of a `.tf` file give
/// their defaults the same way (`tf` true). At most [`MAX_TYPES_READ`].
///
/// ```
/// use blastgate_ingest::git::variable_values;
/// let vars = variable_values(b"create_database = false\nname = \"orders\" # the service\n", false);
/// assert_eq!(vars["create_database"], "false");
/// let tf = variable_values(b"variable \"enabled\" {\n  type    = bool\n  default = true\n}\n", true);
/// assert_eq!(tf["enabled"], "true");
/// ```
pub fn variable_values(text: &[u8], tf: bool) -> BTreeMap<String, String> {
    let mut values = BTreeMap::new();
    if text.len() > MAX_EMPTIED_TEXT || text.contains(&0) {
        return values;
    }
    let raw = String::from_utf8_lossy(text);
    if !tf && raw.trim_start().starts_with('{') {
        if let Ok(serde_json::Value::Object(map)) = serde_json::from_str::<serde_json::Value>(&raw) {
            values.extend(map.into_iter().take(MAX_TYPES_READ).map(|(k, v)| (k, v.to_string())));
        }
        return values;
    }
    let text = uncomment_config(&raw.replace("\r\n", "\n").replace('\r', "\n"));
    // In a `.tf` file: the variable block being read and its depth.
    let mut variable: Option<(String, usize)> = None;
    for line in text.lines() {
        if values.len() >= MAX_TYPES_READ {
            break;
        }
        let squeezed: String = line.chars().filter(|c| !c.is_whitespace()).collect();
        let (opens, closes) = braces(line);
        if !tf {
            if line.starts_with(|c: char| !c.is_whitespace())
                && let Some((name, value)) = squeezed.split_once('=')
                && !name.is_empty()
                && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
            {
                values.insert(name.to_owned(), value.to_owned());
            }
            continue;
        }
        if line.starts_with(|c: char| !c.is_whitespace() && c != '}') {
            variable = None;
        }
        if let Some((name, depth)) = variable.as_mut() {
            if *depth == 1
                && let Some(value) = squeezed.strip_prefix("default=")
            {
                values.insert(name.clone(), value.to_owned());
            }
            *depth = depth.saturating_add(opens).saturating_sub(closes);
            if *depth == 0 {
                variable = None;
            }
        } else if let Some(rest) = squeezed.strip_prefix("variable")
            && opens > closes
        {
            let name = rest.trim_start_matches('"').split(['"', '{']).next().unwrap_or_default();
            if !name.is_empty() {
                variable = Some((name.to_owned(), opens - closes));
            }
        }
    }
    values
}

/// Whether a Terraform value (squeezed of blanks, as
/// [`variable_values`] gives it) is unset: `false`, `0`, `null`, an empty
/// string, list, set or map. A block gated by it ([`gated_types`]) has
/// instances on one side of this and none on the other.
pub fn turns_off(value: &str) -> bool {
    matches!(
        value.to_ascii_lowercase().as_str(),
        "false" | "0" | "[]" | "{}" | "toset([])" | "\"false\"" | "\"\"" | "null"
    )
}

/// Whether `path` names a Kustomization, the file `kustomize build` reads
/// in a folder: `kustomization.yaml`, `kustomization.yml` or
/// `Kustomization`.
pub fn is_kustomization(path: &str) -> bool {
    matches!(path.rsplit('/').next(), Some(name) if KUSTOMIZATION_NAMES.contains(&name))
}

/// The names `kustomize build` reads a folder's Kustomization from, in
/// the order it tries them.
pub const KUSTOMIZATION_NAMES: [&str; 3] = ["kustomization.yaml", "kustomization.yml", "Kustomization"];

/// Most entries [`parse_kustomization`] returns, and most a change's
/// lists may name on each side for the git reader to read where they
/// lead; past it, what the removed entries deployed is counted by their
/// words.
pub const MAX_KUSTOMIZE_ENTRIES: usize = 10_000;

/// What a Kustomization says about what it deploys.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Kustomization {
    /// The entries of `resources`, `bases` (their older name),
    /// `components` and `crds`: the files and folders whose objects it
    /// deploys, each once, in the order listed (entries that are not
    /// strings are left out).
    pub entries: Vec<String>,
    /// Its `namePrefix` and `nameSuffix`, joined: when they change, every
    /// object it deploys gets a new name, and a tool that prunes deletes
    /// the old ones.
    pub naming: String,
    /// Its `namespace`: when it changes from one to another, every object
    /// it deploys moves, which a tool that prunes does by deleting them.
    pub namespace: String,
    /// The objects its inline patches delete (`$patch: delete`), once a
    /// patch, as (kind, name): the patch's own `kind`, else its target's,
    /// with the patch's `metadata.name`, else its target's `name` (empty
    /// for none).
    pub deleted_objects: Vec<(String, String)>,
    /// The patch files it applies (`patches[].path`, and the entries of
    /// `patchesStrategicMerge` that name a file), each once, as written:
    /// one that deletes its target ([`patch_deleted_kinds`]) deletes an
    /// object the Kustomization's resources still declare. Past
    /// [`MAX_KUSTOMIZE_ENTRIES`] different ones, the rest are left out and
    /// [`Kustomization::truncated`] is set.
    pub patch_files: Vec<String>,
    /// Whether it lists more than [`MAX_KUSTOMIZE_ENTRIES`] entries or
    /// patch files: the rest are not in [`Kustomization::entries`] or
    /// [`Kustomization::patch_files`].
    pub truncated: bool,
    /// The Helm charts it inflates (`helmCharts`), each as `helm chart
    /// NAME RELEASE` in the order listed: what they deploy is not in the
    /// repository, so a chart taken out counts by these words.
    pub charts: Vec<String>,
}

/// A Kustomization's `text` ([`Kustomization`]). `None` when the text is
/// not a YAML mapping (`kustomize build` fails on it too).
///
/// An entry taken out of the list stops deploying what it points to: a
/// GitOps tool that prunes (Argo CD, Flux) deletes those objects, as if
/// their files were deleted (`FileChange::removes`).
///
/// ```
/// use blastgate_ingest::git::parse_kustomization;
/// let text = b"resources:\n  - deploy.yaml\n  - ../base\ncomponents: [../db]\nnamePrefix: v2-\npatches:\n  - target: {kind: StatefulSet, name: db}\n    patch: |-\n      $patch: delete\n      kind: StatefulSet\n      metadata: {name: db}\n";
/// let k = parse_kustomization(text).unwrap();
/// assert_eq!(k.entries, ["deploy.yaml", "../base", "../db"]);
/// assert_eq!(k.deleted_objects, [("StatefulSet".to_owned(), "db".to_owned())]);
/// assert_eq!(parse_kustomization(b"resources: [a.yaml"), None);
/// let k = parse_kustomization(b"patches:\n  - path: scale.yaml\npatchesStrategicMerge:\n  - retire-db.yaml\n  - |-\n    kind: Service\n    metadata: {name: web}\n").unwrap();
/// assert_eq!(k.patch_files, ["scale.yaml", "retire-db.yaml"]);
/// ```
pub fn parse_kustomization(text: &[u8]) -> Option<Kustomization> {
    let Some(value) = yaml_mapping("kustomization", text)? else {
        return Some(Kustomization::default());
    };
    let map = value.as_object()?;
    let mut k = Kustomization::default();
    let mut once: BTreeSet<&str> = BTreeSet::new();
    for key in ["resources", "bases", "components", "crds"] {
        let Some(listed) = map.get(key) else { continue };
        let items = match listed {
            serde_json::Value::Array(items) => items.as_slice(),
            serde_json::Value::Null => &[],
            _ => return None,
        };
        for item in items {
            if let Some(entry) = item.as_str()
                && once.insert(entry)
            {
                if k.entries.len() >= MAX_KUSTOMIZE_ENTRIES {
                    k.truncated = true;
                    break;
                }
                k.entries.push(entry.to_owned());
            }
        }
    }
    for chart in map.get("helmCharts").and_then(serde_json::Value::as_array).into_iter().flatten() {
        let field = |key: &str| chart.get(key).and_then(serde_json::Value::as_str).unwrap_or_default();
        let words = format!("helm chart {} {}", field("name"), field("releaseName"));
        if !k.charts.contains(&words) && k.charts.len() < MAX_KUSTOMIZE_ENTRIES {
            k.charts.push(words);
        }
    }
    let text_of = |key: &str| map.get(key).map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned));
    k.naming = ["namePrefix", "nameSuffix"].map(|key| text_of(key).unwrap_or_default()).join("\u{0}");
    k.namespace = text_of("namespace").unwrap_or_default();
    // Inline patches: `patches[].patch` and `patchesStrategicMerge[]`.
    let mut patches: Vec<(&str, Option<&str>, Option<&str>)> = Vec::new();
    let mut file_names: Vec<&str> = Vec::new();
    for item in map.get("patches").and_then(serde_json::Value::as_array).into_iter().flatten() {
        let target = |key: &str| item.get("target").and_then(|t| t.get(key)).and_then(serde_json::Value::as_str);
        if let Some(patch) = item.get("patch").and_then(serde_json::Value::as_str) {
            patches.push((patch, target("kind"), target("name")));
        }
        if let Some(path) = item.get("path").and_then(serde_json::Value::as_str) {
            file_names.push(path);
        }
    }
    for item in map.get("patchesStrategicMerge").and_then(serde_json::Value::as_array).into_iter().flatten() {
        if let Some(patch) = item.as_str() {
            // A file's name, or the patch itself (kustomize tells them
            // apart the same way: a name is one line, not a mapping).
            if patch.contains(['\n', ':']) {
                patches.push((patch, None, None));
            } else {
                file_names.push(patch);
            }
        }
    }
    // Each once (a set: ten thousand spellings of one name were a
    // quadratic search), at most MAX_KUSTOMIZE_ENTRIES; past it the list
    // is truncated, which counts by the Kustomization's path.
    let mut files_seen: BTreeSet<&str> = BTreeSet::new();
    for name in file_names.into_iter().map(str::trim).filter(|n| !n.is_empty()) {
        if !files_seen.insert(name) {
            continue;
        }
        if k.patch_files.len() >= MAX_KUSTOMIZE_ENTRIES {
            k.truncated = true;
            break;
        }
        k.patch_files.push(name.to_owned());
    }
    for (patch, target, target_name) in patches.into_iter().take(MAX_KUSTOMIZE_ENTRIES) {
        let deletes = patch.lines().any(|l| {
            let squeezed: String = l.chars().filter(|c| !c.is_whitespace() && *c != '"' && *c != '\'').collect();
            squeezed == "$patch:delete"
        });
        if !deletes {
            continue;
        }
        let own = patch.lines().find_map(|l| {
            let kind = l.strip_prefix("kind:")?.trim().trim_matches(|c| c == '"' || c == '\'');
            (!kind.is_empty()).then_some(kind)
        });
        if let Some(kind) = own.or(target).filter(|k| k.len() <= MAX_TYPE_BYTES && !k.contains(char::is_control)) {
            // Its name: the patch's own, else its target's.
            let named = patch_deleted_objects(patch.as_bytes()).into_iter().find(|(_, n)| !n.is_empty());
            let name = named.map(|(_, n)| n).or_else(|| target_name.map(|n| deleted_object(None, Some(n)).1));
            k.deleted_objects.push((kind.to_owned(), name.unwrap_or_default()));
        }
    }
    Some(k)
}

/// Whether `path` names a helmfile: `helmfile.yaml` or `helmfile.yml`, or
/// a YAML file of a `helmfile.d` folder, each also as a template
/// (`.gotmpl` after it, which helmfile renders first).
///
/// ```
/// use blastgate_ingest::git::is_helmfile;
/// assert!(is_helmfile("deploy/helmfile.yaml") && is_helmfile("helmfile.d/10-data.yml"));
/// assert!(is_helmfile("deploy/helmfile.yaml.gotmpl") && is_helmfile("helmfile.d/20-db.yaml.gotmpl"));
/// assert!(!is_helmfile("charts/values.yaml") && !is_helmfile("deploy/helmfile.lock"));
/// ```
pub fn is_helmfile(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    let lower = lower.strip_suffix(".gotmpl").unwrap_or(&lower);
    let name = lower.rsplit('/').next().unwrap_or(lower);
    let yaml = name.ends_with(".yaml") || name.ends_with(".yml");
    matches!(name, "helmfile.yaml" | "helmfile.yml") || (yaml && lower.split('/').any(|s| s == "helmfile.d"))
}

/// A helmfile release as [`helmfile_uninstalled`] compares it.
struct Release {
    name: String,
    namespace: String,
    chart: String,
    installed: bool,
}

/// The releases a helmfile's change uninstalls: each release of `before`
/// that was installed (`installed` absent or true) and that `after` gives
/// `installed: false` (or any value but true: a template helmfile renders
/// is not known), as `helm chart CHART RELEASE` words. Releases are the
/// same by name and namespace. `helmfile apply` and `sync` delete such a
/// release and all it deployed. A release taken out of the file is left
/// installed by helmfile, and counts nothing. A side that is not YAML (a
/// template: `{{ .Values.x }}` unquoted) is read a line at a time: each
/// `- name:` item of the top-level `releases:` list, with its `chart:`,
/// `namespace:` and `installed:` lines. `None` when `before` is over
/// [`MAX_EMPTIED_TEXT`] or holds a NUL byte (nothing is compared).
///
/// ```
/// use blastgate_ingest::git::helmfile_uninstalled;
/// let before = b"releases:\n  - name: orders-db\n    chart: bitnami/postgresql\n  - name: web\n    chart: ./web\n";
/// let after = b"releases:\n  - name: orders-db\n    chart: bitnami/postgresql\n    installed: false\n  - name: web\n    chart: ./web\n";
/// assert_eq!(helmfile_uninstalled(before, after).unwrap(), ["helm chart bitnami/postgresql orders-db"]);
/// ```
pub fn helmfile_uninstalled(before: &[u8], after: &[u8]) -> Option<Vec<String>> {
    let was = helmfile_releases(before)?;
    let is = helmfile_releases(after).unwrap_or_default();
    let mut gone: Vec<String> = was
        .iter()
        .filter(|r| r.installed && is.iter().any(|n| n.name == r.name && n.namespace == r.namespace && !n.installed))
        .map(|r| clip_kind(&format!("helm chart {} {}", r.chart, r.name)))
        .collect();
    gone.sort_unstable();
    gone.dedup();
    Some(gone)
}

/// A helmfile's releases, read as YAML, else a line at a time (see
/// [`helmfile_uninstalled`]).
fn helmfile_releases(text: &[u8]) -> Option<Vec<Release>> {
    if text.len() > MAX_EMPTIED_TEXT || text.contains(&0) {
        return None;
    }
    let raw = String::from_utf8_lossy(text);
    let raw = raw.trim_start_matches('\u{feff}');
    let on = |v: Option<&str>| v.is_none_or(|v| v.trim().trim_matches(['"', '\'']).eq_ignore_ascii_case("true"));
    let mut out = Vec::new();
    if let Ok(documents) = crate::doc::from_yaml_multi_as_go::<serde_json::Value>("helmfile", raw) {
        for doc in &documents {
            for r in doc.get("releases").and_then(serde_json::Value::as_array).into_iter().flatten() {
                let field = |k: &str| r.get(k).and_then(serde_json::Value::as_str).unwrap_or_default().to_owned();
                let installed = match r.get("installed") {
                    None | Some(serde_json::Value::Null) => true,
                    Some(serde_json::Value::Bool(b)) => *b,
                    Some(serde_json::Value::String(s)) => on(Some(s)),
                    Some(_) => false,
                };
                if out.len() < MAX_KUSTOMIZE_ENTRIES {
                    let (name, namespace, chart) = (field("name"), field("namespace"), field("chart"));
                    out.push(Release { name, namespace, chart, installed });
                }
            }
        }
        return Some(out);
    }
    // A template: a line at a time.
    let text = raw.replace("\r\n", "\n").replace('\r', "\n");
    let (mut in_releases, mut item_indent): (bool, Option<usize>) = (false, None);
    let mut fields: Vec<(String, String)> = Vec::new();
    let finish = |fields: &mut Vec<(String, String)>, out: &mut Vec<Release>| {
        if fields.is_empty() {
            return;
        }
        let get = |k: &str| fields.iter().find(|(key, _)| key == k).map(|(_, v)| v.as_str());
        let release = Release {
            name: get("name").unwrap_or_default().to_owned(),
            namespace: get("namespace").unwrap_or_default().to_owned(),
            chart: get("chart").unwrap_or_default().to_owned(),
            installed: on(get("installed")),
        };
        if out.len() < MAX_KUSTOMIZE_ENTRIES {
            out.push(release);
        }
        fields.clear();
    };
    for line in text.lines() {
        let content = line.split(" #").next().unwrap_or(line).trim_end();
        let trimmed = content.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let indent = content.len() - trimmed.len();
        if indent == 0 && !trimmed.starts_with('-') {
            finish(&mut fields, &mut out);
            in_releases = trimmed.starts_with("releases:");
            item_indent = None;
            continue;
        }
        if !in_releases {
            continue;
        }
        let (item, rest) = match trimmed.strip_prefix("- ") {
            Some(rest) if item_indent.is_none_or(|i| i == indent) => (true, rest),
            _ => (false, trimmed),
        };
        if item {
            finish(&mut fields, &mut out);
            item_indent = Some(indent);
        }
        // The item's own keys: on its `- ` line, or two columns in.
        let own = item || item_indent.is_some_and(|i| indent == i + 2);
        if let Some((key, value)) = rest.split_once(':').filter(|_| own) {
            let value = value.trim().trim_matches(['"', '\'']).to_owned();
            fields.push((key.trim().to_owned(), value));
        }
    }
    finish(&mut fields, &mut out);
    Some(out)
}

/// One source a GitOps manifest deploys from ([`gitops_sources`]).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
#[non_exhaustive]
pub struct GitopsSource {
    /// The folder of the repository it deploys (`""`: the whole
    /// repository), normalised as [`gitops_target`] does; `None` when it
    /// deploys from elsewhere (a Helm chart, a templated path), which only
    /// [`GitopsSource::words`] describe.
    pub path: Option<String>,
    /// What it deploys, in words: the path as written, or the chart's
    /// repository and name.
    pub words: String,
    /// Where it deploys to, from which repository and as which release
    /// (Argo CD's `repoURL`, destination server or name and namespace and
    /// Helm `releaseName`; Flux's source and target namespace): another
    /// manifest deploys "the same" only with the same identity.
    pub identity: String,
}

/// What a GitOps manifest's `text` deploys, each source once, in the
/// order written: the sources (`spec.source`, `spec.sources[]`) of each
/// Argo CD `Application` and of an `ApplicationSet`'s template
/// (`argoproj.io`), the `spec.path` of each Flux `Kustomization` (the
/// source's top when it has none) and the chart of each Flux
/// `HelmRelease` (`fluxcd.io`). `None` when the text is not YAML the graph
/// reader's budgets allow, or names more than [`MAX_KUSTOMIZE_ENTRIES`];
/// empty for a text that is no such manifest.
///
/// Deleting such an application, or pointing it elsewhere, deletes what
/// it deployed when the tool prunes or cascades (Argo CD's resources
/// finalizer, Flux's `prune: true`).
///
/// ```
/// use blastgate_ingest::git::gitops_sources;
/// let app = b"apiVersion: argoproj.io/v1alpha1\nkind: Application\nspec:\n  source:\n    repoURL: https://git.example/deploy.git\n    path: apps/ledger/prod\n  destination: {server: https://prod, namespace: ledger}\n";
/// let found = gitops_sources(app).unwrap();
/// assert_eq!(found[0].path.as_deref(), Some("apps/ledger/prod"));
/// let flux = b"apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nspec:\n  path: ./clusters/prod\n  prune: true\n";
/// assert_eq!(gitops_sources(flux).unwrap()[0].path.as_deref(), Some("clusters/prod"));
/// assert!(gitops_sources(b"apiVersion: v1\nkind: ConfigMap\n").unwrap().is_empty());
/// ```
pub fn gitops_sources(text: &[u8]) -> Option<Vec<GitopsSource>> {
    if text.len() > MAX_EMPTIED_TEXT || text.contains(&0) {
        return None;
    }
    let text = std::str::from_utf8(text).ok()?;
    // Only texts that name a GitOps API are parsed (most manifests do not).
    if !(text.contains("argoproj.io") || text.contains("fluxcd.io")) {
        return Some(Vec::new());
    }
    let documents: Vec<serde_json::Value> = crate::doc::from_yaml_multi_as_go("manifest", text).ok()?;
    let string = |v: Option<&serde_json::Value>| str_of(v).to_owned();
    let mut found: Vec<GitopsSource> = Vec::new();
    for doc in &documents {
        let (api, kind) = (string(doc.get("apiVersion")), string(doc.get("kind")));
        let spec = doc.get("spec");
        let mut sources: Vec<GitopsSource> = Vec::new();
        if api.starts_with("argoproj.io/") && matches!(kind.as_str(), "Application" | "ApplicationSet") {
            let spec = if kind == "ApplicationSet" {
                spec.and_then(|s| s.get("template")).and_then(|t| t.get("spec"))
            } else {
                spec
            };
            let destination = spec.and_then(|s| s.get("destination"));
            // The cluster by its server, the in-cluster one by either
            // spelling (a red team: `name: in-cluster` for the server
            // `https://kubernetes.default.svc` read as another cluster).
            let server = string(destination.and_then(|d| d.get("server")));
            let name = string(destination.and_then(|d| d.get("name")));
            let cluster = match (server.trim_end_matches('/'), name.as_str()) {
                ("", "in-cluster") | ("https://kubernetes.default.svc", _) => "in-cluster".to_owned(),
                ("", name) => format!("name:{name}"),
                (server, _) => server.to_ascii_lowercase(),
            };
            let place = [cluster, string(destination.and_then(|d| d.get("namespace")))].join("\u{0}");
            let one = spec.and_then(|s| s.get("source"));
            let many = spec.and_then(|s| s.get("sources")).and_then(serde_json::Value::as_array);
            for source in one.into_iter().chain(many.into_iter().flatten()) {
                let written = string(source.get("repoURL"));
                let repo = repository(&written);
                // A release renamed is a new release: the old one's
                // objects are pruned (a red team).
                let release = string(source.get("helm").and_then(|h| h.get("releaseName")));
                let identity = format!("argo\u{0}{repo}\u{0}{place}\u{0}{release}");
                let chart = string(source.get("chart"));
                if !chart.is_empty() {
                    sources.push(GitopsSource { path: None, words: format!("{written} {chart}"), identity });
                } else if let Some(path) = source.get("path").and_then(serde_json::Value::as_str) {
                    sources.push(GitopsSource { path: gitops_target(path), words: path.to_owned(), identity });
                }
            }
        } else if api.starts_with("kustomize.toolkit.fluxcd.io/") && kind == "Kustomization" {
            let reference = spec.and_then(|s| s.get("sourceRef"));
            let identity = format!(
                "flux\u{0}{}\u{0}{}\u{0}{}",
                string(reference.and_then(|r| r.get("kind"))),
                string(reference.and_then(|r| r.get("name"))),
                string(spec.and_then(|s| s.get("targetNamespace")))
            );
            let path = spec.and_then(|s| s.get("path")).and_then(serde_json::Value::as_str).unwrap_or("");
            sources.push(GitopsSource { path: gitops_target(path), words: path.to_owned(), identity });
        } else if api.starts_with("helm.toolkit.fluxcd.io/") && kind == "HelmRelease" {
            // `chart.spec.chart`, or the source a `chartRef` names (Flux
            // 2.3's way; a red team: a migration to it read as the chart
            // gone).
            let chart = spec.and_then(|s| s.get("chart")).and_then(|c| c.get("spec"));
            let mut name = string(chart.and_then(|c| c.get("chart")));
            if name.is_empty() {
                name = string(spec.and_then(|s| s.get("chartRef")).and_then(|r| r.get("name")));
            }
            let identity = format!(
                "helm\u{0}{}\u{0}{}",
                string(doc.get("metadata").and_then(|m| m.get("name"))),
                string(spec.and_then(|s| s.get("targetNamespace")))
            );
            if !name.is_empty() {
                sources.push(GitopsSource { path: None, words: format!("helm chart {name}"), identity });
            }
        }
        for source in sources {
            if !found.contains(&source) {
                if found.len() >= MAX_KUSTOMIZE_ENTRIES {
                    return None;
                }
                found.push(source);
            }
        }
    }
    Some(found)
}

/// A repository URL as Argo CD compares them: without its scheme, a
/// user, a trailing `/` or `.git`, in lower case (`https://github.com/acme/deploy.git`
/// and `github.com/acme/deploy` are one repository).
fn repository(url: &str) -> String {
    let url = url.trim();
    let url = url.split_once("://").map_or(url, |(_, rest)| rest);
    let url = url.rsplit_once('@').map_or(url, |(_, rest)| rest);
    let url = url.trim_end_matches('/');
    url.strip_suffix(".git").unwrap_or(url).replace(':', "/").to_ascii_lowercase()
}

/// The string at `v` of a parsed document, or `""` for none or another
/// type.
fn str_of(v: Option<&serde_json::Value>) -> &str {
    v.and_then(serde_json::Value::as_str).unwrap_or_default()
}

/// A GitOps tool's path as a folder of the repository: from its top
/// whether or not it starts with `/` or `./`, `.`, `..` and repeated
/// slashes resolved as the tools clean it; `""` for the top. `None` for a
/// templated path (`{{path}}`), or one that climbs above the top.
///
/// ```
/// use blastgate_ingest::git::gitops_target;
/// assert_eq!(gitops_target("./apps//ledger/").as_deref(), Some("apps/ledger"));
/// assert_eq!(gitops_target("/apps/ledger").as_deref(), Some("apps/ledger"));
/// assert_eq!(gitops_target(".").as_deref(), Some(""));
/// assert_eq!(gitops_target("apps/{{path.basename}}"), None);
/// ```
pub fn gitops_target(path: &str) -> Option<String> {
    if path.contains("{{") || path.contains('\\') {
        return None;
    }
    let mut parts: Vec<&str> = Vec::new();
    for segment in path.trim().split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            other => parts.push(other),
        }
    }
    Some(parts.join("/"))
}

/// Where a Kustomization in `folder` (`""` at the top) finds `entry`: the
/// path in the repository, `.` and `..` and repeated slashes resolved,
/// without a trailing slash. `None` for an entry outside the repository:
/// a remote one (a URL, `git@host:...`, a query such as `?ref=v1`, or a
/// first segment that is a host name: `github.com/org/repo`), an
/// absolute path, or one that climbs above the top.
///
/// ```
/// use blastgate_ingest::git::kustomize_target;
/// assert_eq!(kustomize_target("apps/ledger/overlays/prod", "../../base/").as_deref(), Some("apps/ledger/base"));
/// assert_eq!(kustomize_target("apps", "./pvc.yaml").as_deref(), Some("apps/pvc.yaml"));
/// assert_eq!(kustomize_target("apps", "state//").as_deref(), Some("apps/state"));
/// assert_eq!(kustomize_target("apps", "https://github.com/acme/db//base?ref=v1"), None);
/// assert_eq!(kustomize_target("apps", "github.com/acme/db/base"), None);
/// assert_eq!(kustomize_target("apps", "../../outside"), None);
/// ```
pub fn kustomize_target(folder: &str, entry: &str) -> Option<String> {
    let entry = entry.trim();
    let first = entry.split('/').next().unwrap_or_default();
    // A host name: dotted, its last label letters only (`github.com`,
    // `git.example.org`; not `v1.2` or `conf.d`).
    let host = first.contains('.')
        && !first.starts_with('.')
        && first.rsplit('.').next().is_some_and(|tld| tld.len() >= 2 && tld.chars().all(|c| c.is_ascii_alphabetic()))
        && !first.ends_with(".yaml")
        && !first.ends_with(".yml")
        && !first.ends_with(".json");
    let remote = entry.contains('?') || entry.starts_with("git@") || host;
    if remote {
        return None;
    }
    patch_target(folder, entry)
}

/// Where a Kustomization in `folder` finds the patch file `entry`: as
/// [`kustomize_target`], except that a patch file is always local (kustomize
/// loads it from the Kustomization's folder), so a name like `d.patch` is
/// no host name. `None` for a URL, an absolute path, a backslash, or a
/// path that leaves the repository.
///
/// ```
/// use blastgate_ingest::git::patch_target;
/// assert_eq!(patch_target("k8s/overlays/prod", "./d.patch").as_deref(), Some("k8s/overlays/prod/d.patch"));
/// assert_eq!(patch_target("k8s/overlays/prod", "../../patches/x.yaml").as_deref(), Some("k8s/patches/x.yaml"));
/// assert_eq!(patch_target("k8s", "https://example.com/p.yaml"), None);
/// ```
pub fn patch_target(folder: &str, entry: &str) -> Option<String> {
    let entry = entry.trim();
    if entry.is_empty() || entry.contains("://") || entry.starts_with('/') || entry.contains('\\') {
        return None;
    }
    let mut parts: Vec<&str> = folder.split('/').filter(|s| !s.is_empty()).collect();
    for segment in entry.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            other => parts.push(other),
        }
    }
    (!parts.is_empty()).then(|| parts.join("/"))
}

/// Whether `path` names a Helm values file: a YAML or JSON file whose
/// name has the word `values` (`values.yaml`, `values-prod.yaml`,
/// `prod.values.yml`, `values_eu.json`).
pub fn is_helm_values(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
    let Some(stem) = [".yaml", ".yml", ".json"].iter().find_map(|e| name.strip_suffix(e)) else {
        return false;
    };
    stem.split(['-', '_', '.']).any(|word| word == "values")
}

/// The components a Helm values change turns off: the dotted paths of
/// the mappings (`primary.persistence`, `postgresql`,
/// `redis.master.persistence`) whose `enabled` key was on before and is
/// off after, or is off after and was absent before, or was on before and
/// is gone after (in an override file the chart's default is not known:
/// fail closed; in the chart's own defaults, `defaults`, a subchart's
/// switch gone is a `condition` Helm ignores, so only a template's own
/// switch counts); and of
/// the mappings whose `existingClaim` is set where it was empty or absent
/// (the chart stops rendering its own claim). Each once, in ascending
/// order. On and off are as Helm's templates read a value: `false`,
/// `null`, `0`, `""` and YAML 1.1's `no`, `off`, `n` are off. A key given
/// twice keeps its last value, as Helm reads it. Keys under sequences
/// are not read. Either side that does not parse as a YAML mapping, or
/// is over [`MAX_EMPTIED_TEXT`], gives nothing.
///
/// A chart whose persistence is turned off stops rendering its volume
/// claim, and `helm upgrade` deletes it; a subchart turned off
/// (`postgresql.enabled: false`) deletes the datastore it ran.
///
/// ```
/// use blastgate_ingest::git::helm_turned_off;
/// let before = b"primary:\n  persistence:\n    enabled: true\n    size: 8Gi\nmetrics: {enabled: true}\n";
/// let after = b"primary:\n  persistence:\n    enabled: false\n    size: 8Gi\nmetrics: {enabled: true}\npostgresql: {enabled: false}\n";
/// assert_eq!(helm_turned_off(before, after, true), ["postgresql", "primary.persistence"]);
/// ```
pub fn helm_turned_off(before: &[u8], after: &[u8], defaults: bool) -> Vec<String> {
    let (Some(old), Some(new)) = (values_document(before), values_document(after)) else {
        return Vec::new();
    };
    helm_values_turned_off(&old, &new, defaults)
}

/// [`helm_turned_off`] on values already parsed (a Flux `HelmRelease`'s
/// `spec.values`, an Argo CD source's `helm.valuesObject`).
pub fn helm_values_turned_off(before: &serde_json::Value, after: &serde_json::Value, defaults: bool) -> Vec<String> {
    let old = switches(before);
    let new = switches(after);
    let mut off: BTreeSet<String> = BTreeSet::new();
    for (path, (on, claim)) in &new {
        let was = old.get(path);
        if on == &Some(false) && was.is_none_or(|(w, _)| w != &Some(false)) {
            off.insert(path.clone());
        }
        if *claim && !was.is_some_and(|(_, c)| *c) {
            off.insert(path.clone());
        }
    }
    for (path, (on, _)) in &old {
        // In a chart's own defaults (`defaults`), a subchart's switch (a
        // top-level key) is its `condition`, which Helm ignores when the
        // value is absent, leaving it enabled (a red team); a template's
        // own switch (`persistence.enabled`, or one nested under a
        // component) reads absent as off. In an override file, a value
        // taken out falls back to defaults not known here: off.
        let template = !defaults || path.contains('.') || path.to_ascii_lowercase().contains("persisten");
        if on == &Some(true) && template && new.get(path).is_none_or(|(now, _)| now.is_none()) {
            off.insert(path.clone());
        }
    }
    off.into_iter().collect()
}

/// The Helm values a GitOps manifest's `text` gives inline, by release:
/// a Flux `HelmRelease`'s `spec.values`, and each Argo CD `Application`
/// source's `helm.valuesObject` or `helm.values` (a YAML string), keyed
/// `KIND/NAME/SOURCE` (the source's place in `spec.sources`; `0` for
/// `spec.source`). `None` when the text is not YAML the graph reader's
/// budgets allow; empty for a text that gives none. A value the manifest
/// pulls from elsewhere (`valuesFrom`, `valueFiles`) is not read.
///
/// ```
/// use blastgate_ingest::git::{embedded_values, helm_values_turned_off};
/// let before = b"apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata: {name: ledger}\nspec:\n  values:\n    persistence: {enabled: true}\n";
/// let after = b"apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata: {name: ledger}\nspec:\n  values:\n    persistence: {enabled: false}\n";
/// let (old, new) = (embedded_values(before).unwrap(), embedded_values(after).unwrap());
/// assert_eq!(helm_values_turned_off(&old["HelmRelease/ledger/0"], &new["HelmRelease/ledger/0"], false), ["persistence"]);
/// ```
pub fn embedded_values(text: &[u8]) -> Option<BTreeMap<String, serde_json::Value>> {
    if text.len() > MAX_EMPTIED_TEXT || text.contains(&0) {
        return None;
    }
    let text = std::str::from_utf8(text).ok()?;
    if !(text.contains("argoproj.io") || text.contains("fluxcd.io")) {
        return Some(BTreeMap::new());
    }
    let documents: Vec<serde_json::Value> = crate::doc::from_yaml_multi_as_go("manifest", text).ok()?;
    let mut found = BTreeMap::new();
    for doc in &documents {
        let (api, kind) = (str_of(doc.get("apiVersion")), str_of(doc.get("kind")));
        let name = str_of(doc.get("metadata").and_then(|m| m.get("name")));
        let spec = doc.get("spec");
        if api.starts_with("helm.toolkit.fluxcd.io/") && kind == "HelmRelease" {
            if let Some(values) = spec.and_then(|s| s.get("values")).filter(|v| v.is_object()) {
                found.insert(format!("{kind}/{name}/0"), values.clone());
            }
        } else if api.starts_with("argoproj.io/") && kind == "Application" {
            let one = spec.and_then(|s| s.get("source")).map(|s| (0usize, s));
            let many = spec.and_then(|s| s.get("sources")).and_then(serde_json::Value::as_array);
            for (i, source) in one.into_iter().chain(many.into_iter().flatten().enumerate()) {
                let helm = source.get("helm");
                let values =
                    helm.and_then(|h| h.get("valuesObject")).filter(|v| v.is_object()).cloned().or_else(|| {
                        let written = helm.and_then(|h| h.get("values")).and_then(serde_json::Value::as_str)?;
                        crate::doc::from_yaml_multi_as_go::<serde_json::Value>("values", written)
                            .ok()?
                            .into_iter()
                            .next()
                            .filter(serde_json::Value::is_object)
                    });
                if let Some(values) = values {
                    found.insert(format!("{kind}/{name}/{i}"), values);
                }
            }
        }
        if found.len() > MAX_KUSTOMIZE_ENTRIES {
            return None;
        }
    }
    Some(found)
}

/// The kinds of the objects that `text`, a kustomize patch file, deletes:
/// each YAML document whose top-level `$patch` is `delete` (a strategic
/// merge patch that removes its target object), by its `kind`, or
/// `object` when it names none (its kind is then its target's, which the
/// Kustomization states). In the order written, once per document; a text
/// longer than [`MAX_EMPTIED_TEXT`] or with a NUL byte deletes nothing
/// that is read. A text that does not parse as YAML is read a line at a
/// time: a `$patch: delete` line at a document's top level counts, with
/// that document's top-level `kind:` if any (fail closed: the file is
/// there to delete something).
///
/// Such a document declares nothing: [`declared_counts`] and
/// [`declared_objects`] leave it out.
///
/// ```
/// use blastgate_ingest::git::patch_deleted_kinds;
/// let text = b"apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: db\n$patch: delete\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  template:\n    spec:\n      containers:\n        - name: sidecar\n          $patch: delete\n";
/// assert_eq!(patch_deleted_kinds(text), ["StatefulSet"]);
/// ```
pub fn patch_deleted_kinds(text: &[u8]) -> Vec<String> {
    patch_deleted_objects(text).into_iter().map(|(kind, _)| kind).collect()
}

/// The objects that `text`, a kustomize patch file, deletes, as (kind,
/// name): [`patch_deleted_kinds`] with each document's `metadata.name`
/// (empty when it names none, or when the text is read a line at a time).
///
/// ```
/// use blastgate_ingest::git::patch_deleted_objects;
/// let text = b"apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: db\n$patch: delete\n";
/// assert_eq!(patch_deleted_objects(text), [("StatefulSet".to_owned(), "db".to_owned())]);
/// ```
pub fn patch_deleted_objects(text: &[u8]) -> Vec<(String, String)> {
    if text.len() > MAX_EMPTIED_TEXT || text.contains(&0) || !memchr_patch(text) {
        return Vec::new();
    }
    let raw = String::from_utf8_lossy(text);
    let raw = raw.trim_start_matches('\u{feff}');
    let mut objects = Vec::new();
    if let Ok(documents) = crate::doc::from_yaml_multi_as_go::<serde_json::Value>("patch", raw) {
        let mut stack: Vec<&serde_json::Value> = documents.iter().rev().collect();
        while let Some(doc) = stack.pop() {
            if doc.get("kind").and_then(serde_json::Value::as_str) == Some("List") {
                let items = doc.get("items").and_then(serde_json::Value::as_array);
                stack.extend(items.into_iter().flatten().rev());
                continue;
            }
            if doc.get("$patch").and_then(serde_json::Value::as_str).map(str::trim) == Some("delete")
                && objects.len() < MAX_TYPES_READ
            {
                let name = doc.get("metadata").and_then(|m| m.get("name")).and_then(serde_json::Value::as_str);
                objects.push(deleted_object(doc.get("kind").and_then(serde_json::Value::as_str), name));
            }
        }
        return objects;
    }
    // Not YAML: a line at a time, a document between `---` lines.
    let text = raw.replace("\r\n", "\n").replace('\r', "\n");
    let (mut deletes, mut kind): (bool, Option<String>) = (false, None);
    let end_document = |deletes: &mut bool, kind: &mut Option<String>, objects: &mut Vec<(String, String)>| {
        if std::mem::take(deletes) && objects.len() < MAX_TYPES_READ {
            objects.push(deleted_object(kind.as_deref(), None));
        }
        *kind = None;
    };
    for line in text.lines() {
        if line.starts_with("---") {
            end_document(&mut deletes, &mut kind, &mut objects);
            continue;
        }
        if line.starts_with(char::is_whitespace) {
            continue;
        }
        let squeezed: String = line.chars().filter(|c| !c.is_whitespace() && *c != '"' && *c != '\'').collect();
        if squeezed == "$patch:delete" {
            deletes = true;
        } else if let Some(k) = squeezed.strip_prefix("kind:") {
            kind = Some(k.to_owned());
        }
    }
    end_document(&mut deletes, &mut kind, &mut objects);
    objects
}

/// A deleted object as counted: its kind as a type (`object` for none),
/// its name clipped the same way (empty for none).
fn deleted_object(kind: Option<&str>, name: Option<&str>) -> (String, String) {
    let kind = clip_kind(kind.unwrap_or_default());
    let kind = if kind.trim().is_empty() { "object".to_owned() } else { kind.trim().to_owned() };
    (kind, clip_kind(name.unwrap_or_default()).trim().to_owned())
}

/// Whether `text` holds `$patch` at all (most manifests do not: they skip
/// the parse).
fn memchr_patch(text: &[u8]) -> bool {
    text.windows(6).any(|w| w == b"$patch")
}

/// A kind or type as counted: control characters dropped, at most
/// [`MAX_TYPE_BYTES`] (at a character boundary).
fn clip_kind(kind: &str) -> String {
    let mut t: String = kind.chars().filter(|c| !c.is_control()).collect();
    if t.len() > MAX_TYPE_BYTES {
        let end = (0..=MAX_TYPE_BYTES).rev().find(|&i| t.is_char_boundary(i)).unwrap_or(0);
        t.truncate(end);
    }
    t
}

/// The Kubernetes objects a manifest's `text` declares, as (kind, name):
/// each YAML or JSON document's top-level `kind` with its
/// `metadata.name` (empty for none), and a `List`'s items, at most
/// [`MAX_TYPES_READ`]. `None` when the text is not YAML the graph
/// reader's budgets allow, or over [`MAX_EMPTIED_TEXT`]: the caller then
/// compares kinds only ([`declared_counts`]).
///
/// ```
/// use blastgate_ingest::git::declared_objects;
/// let text = b"apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: ledger}\n---\nkind: Service\nmetadata: {name: web}\n";
/// let objects = declared_objects(text).unwrap();
/// assert_eq!(objects, [("PersistentVolumeClaim".to_owned(), "ledger".to_owned()), ("Service".to_owned(), "web".to_owned())]);
/// ```
pub fn declared_objects(text: &[u8]) -> Option<Vec<(String, String)>> {
    if text.len() > MAX_EMPTIED_TEXT || text.contains(&0) {
        return None;
    }
    let text = std::str::from_utf8(text).ok()?;
    let text = text.trim_start_matches('\u{feff}');
    let documents: Vec<serde_json::Value> = crate::doc::from_yaml_multi_as_go("manifest", text).ok()?;
    let mut objects: Vec<(String, String)> = Vec::new();
    let mut stack: Vec<&serde_json::Value> = documents.iter().rev().collect();
    while let Some(doc) = stack.pop() {
        let Some(kind) = doc.get("kind").and_then(serde_json::Value::as_str).filter(|k| !k.is_empty()) else {
            continue;
        };
        if kind == "List" {
            let items = doc.get("items").and_then(serde_json::Value::as_array);
            stack.extend(items.into_iter().flatten().rev());
            continue;
        }
        if doc.get("$patch").and_then(serde_json::Value::as_str).map(str::trim) == Some("delete") {
            // A patch that deletes its target declares nothing.
            continue;
        }
        let name = doc.get("metadata").and_then(|m| m.get("name")).and_then(serde_json::Value::as_str);
        if objects.len() >= MAX_TYPES_READ {
            break;
        }
        objects.push((kind.to_owned(), name.unwrap_or_default().to_owned()));
    }
    Some(objects)
}

/// The subcharts a Helm chart's `Chart.yaml` `text` depends on, each by
/// the name its values use (`alias`, else `name`), in the order listed.
/// `None` when the text is not a YAML mapping the graph reader's budgets
/// allow. A subchart taken out of the list is no longer rendered, and
/// `helm upgrade` deletes what it ran.
///
/// ```
/// use blastgate_ingest::git::chart_dependencies;
/// let text = b"apiVersion: v2\nname: orders\ndependencies:\n  - name: postgresql\n    version: 15.5.0\n  - name: redis\n    alias: cache\n";
/// assert_eq!(chart_dependencies(text).unwrap(), ["postgresql", "cache"]);
/// ```
pub fn chart_dependencies(text: &[u8]) -> Option<Vec<String>> {
    let Some(value) = yaml_mapping("Chart.yaml", text)? else {
        return Some(Vec::new());
    };
    let mut names: Vec<String> = Vec::new();
    for dependency in value.get("dependencies").and_then(serde_json::Value::as_array).into_iter().flatten() {
        let field = |key: &str| dependency.get(key).and_then(serde_json::Value::as_str).filter(|v| !v.is_empty());
        if let Some(name) = field("alias").or_else(|| field("name"))
            && !names.iter().any(|n| n == name)
            && names.len() < MAX_KUSTOMIZE_ENTRIES
        {
            names.push(name.to_owned());
        }
    }
    Some(names)
}

/// A values file's text as one mapping, read as Helm reads it (a key
/// given twice keeps its last value); a blank text is an empty mapping.
fn values_document(text: &[u8]) -> Option<serde_json::Value> {
    if text.len() > MAX_EMPTIED_TEXT || text.contains(&0) {
        return None;
    }
    let text = std::str::from_utf8(text).ok()?;
    if text.trim().is_empty() {
        return Some(serde_json::Value::Object(serde_json::Map::new()));
    }
    let mut docs: Vec<serde_json::Value> = crate::doc::from_yaml_multi_as_go("values", text).ok()?;
    if docs.len() > 1 {
        return None;
    }
    let doc = docs.pop().unwrap_or_else(|| serde_json::Value::Object(serde_json::Map::new()));
    doc.is_object().then_some(doc)
}

/// Each mapping of `value` (by dotted path) with an `enabled` key (on or
/// off as a template reads it; `None` without one) or a set
/// `existingClaim`, walked with a stack of its own (the YAML budget
/// bounds the depth; nothing here recurses).
fn switches(value: &serde_json::Value) -> BTreeMap<String, (Option<bool>, bool)> {
    let mut found: BTreeMap<String, (Option<bool>, bool)> = BTreeMap::new();
    let mut stack: Vec<(String, &serde_json::Value)> = vec![(String::new(), value)];
    while let Some((at, v)) = stack.pop() {
        let serde_json::Value::Object(map) = v else { continue };
        for (key, child) in map {
            if at.is_empty() && !child.is_object() {
                continue;
            }
            if key.eq_ignore_ascii_case("enabled") {
                found.entry(at.clone()).or_default().0 = Some(truthy(child));
            } else if key.eq_ignore_ascii_case("existingClaim") {
                found.entry(at.clone()).or_default().1 = truthy(child);
            } else if child.is_object() {
                let path = if at.is_empty() { key.clone() } else { format!("{at}.{key}") };
                stack.push((path, child));
            }
        }
    }
    found
}

/// Whether a Helm template's `if` takes `value` as true: not `false`,
/// `null`, `0`, an empty string, list or mapping, nor a YAML 1.1 false
/// (`no`, `off`, `n`, in lower, title or upper case: Helm reads values as
/// YAML 1.1, and the parsed value no longer says whether it was quoted;
/// reading a quoted `"no"` as off can only ask for more review).
fn truthy(value: &serde_json::Value) -> bool {
    match value {
        serde_json::Value::Null => false,
        serde_json::Value::Bool(b) => *b,
        serde_json::Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0),
        serde_json::Value::String(text) => {
            let cased = |word: &str| {
                let mut title = word.to_owned();
                if let Some(first) = title.get_mut(..1) {
                    first.make_ascii_uppercase();
                }
                *text == word || *text == title || *text == word.to_ascii_uppercase()
            };
            !text.is_empty() && !["false", "no", "off", "n"].into_iter().any(cased)
        }
        serde_json::Value::Array(items) => !items.is_empty(),
        serde_json::Value::Object(map) => !map.is_empty(),
    }
}

/// Most files a `git ls-tree` listing read by [`parse_tree_files_z`] may
/// hold.
pub const MAX_TREE_FILES: usize = 10_000;

/// The regular files (modes `100644` and `100755`) of a `git ls-tree -r
/// -z` listing, each with its blob's hash, in listing order; paths that
/// are not UTF-8 are left out.
///
/// # Errors
/// [`ChangeError::Syntax`] naming the record for a record of another
/// shape; [`ChangeError::LimitExceeded`] past [`MAX_TREE_FILES`] files.
pub fn parse_tree_files_z(bytes: &[u8]) -> Result<Vec<(String, String)>, ChangeError> {
    const FILE: &str = "git ls-tree";
    const SHAPE: &str = "expected `MODE TYPE HASH<TAB>PATH<NUL>`";
    let mut files = Vec::new();
    for (i, record) in bytes.split(|&b| b == 0).enumerate() {
        let Some((mode, hash, path)) = tree_record(i, record)? else { continue };
        if !matches!(mode, b"100644" | b"100755") {
            continue;
        }
        if !is_hash(hash) || path.is_empty() {
            return Err(malformed(FILE, i + 1, record, SHAPE));
        }
        if files.len() >= MAX_TREE_FILES {
            return Err(ChangeError::limit(FILE, "max_tree_files", MAX_TREE_FILES as u64, files.len() as u64 + 1));
        }
        if let Ok(path) = std::str::from_utf8(path) {
            files.push((path.to_owned(), lossy(hash)));
        }
    }
    Ok(files)
}

/// The symbolic links of a `git ls-tree -r -z` listing (`MODE TYPE
/// HASH<TAB>PATH<NUL>` records, mode `120000`), each with its blob's
/// hash, in listing order. A link whose path is not UTF-8 is left out: no
/// changed path can be reached through it (a path of a change must be
/// UTF-8), and one such link anywhere in the tree must not refuse every
/// range (an audit).
///
/// # Errors
/// [`ChangeError::Syntax`] naming the record for a record of another
/// shape or an empty path; [`ChangeError::LimitExceeded`] past
/// [`MAX_LINKS`] links.
pub fn parse_links_z(bytes: &[u8]) -> Result<Vec<(String, String)>, ChangeError> {
    const FILE: &str = "git ls-tree";
    const SHAPE: &str = "expected `MODE TYPE HASH<TAB>PATH<NUL>`";
    let mut links = Vec::new();
    for (i, record) in bytes.split(|&b| b == 0).enumerate() {
        let Some((mode, hash, path)) = tree_record(i, record)? else { continue };
        if mode == b"120000" {
            if !is_hash(hash) {
                return Err(malformed(FILE, i + 1, record, SHAPE));
            }
            if links.len() >= MAX_LINKS {
                return Err(ChangeError::limit(FILE, "max_links", MAX_LINKS as u64, links.len() as u64 + 1));
            }
            if path.is_empty() {
                return Err(malformed(FILE, i + 1, record, "empty path"));
            }
            if let Ok(path) = std::str::from_utf8(path) {
                links.push((path.to_owned(), lossy(hash)));
            }
        }
    }
    Ok(links)
}

/// A `git ls-tree` record's mode, hash and path.
type TreeRecord<'a> = (&'a [u8], &'a [u8], &'a [u8]);

/// The mode, hash and path of the `i`th record of a `git ls-tree -z`
/// listing (`MODE TYPE HASH<TAB>PATH`); `None` for an empty record.
fn tree_record(i: usize, record: &[u8]) -> Result<Option<TreeRecord<'_>>, ChangeError> {
    if record.is_empty() {
        return Ok(None);
    }
    let shape = || malformed("git ls-tree", i + 1, record, "expected `MODE TYPE HASH<TAB>PATH<NUL>`");
    let tab = record.iter().position(|&b| b == b'\t').ok_or_else(shape)?;
    let (header, path) = (record.get(..tab).unwrap_or_default(), record.get(tab + 1..).unwrap_or_default());
    let fields: Vec<&[u8]> = header.split(|&b| b == b' ').collect();
    let [mode, _, hash] = fields.as_slice() else {
        return Err(shape());
    };
    Ok(Some((mode, hash, path)))
}

/// The objects of a `git cat-file --batch` output (`HASH TYPE SIZE<LF>`,
/// the contents, `<LF>`; `NAME missing<LF>` for an object not there), by
/// hash.
///
/// # Errors
/// [`ChangeError::Syntax`] naming the object for a header of another
/// shape or contents cut short.
pub fn parse_cat_file_batch(bytes: &[u8]) -> Result<BTreeMap<String, Vec<u8>>, ChangeError> {
    const FILE: &str = "git cat-file";
    const SHAPE: &str = "expected `HASH TYPE SIZE`, the contents and a line end";
    let mut out = BTreeMap::new();
    let mut rest = bytes;
    let mut n = 0usize;
    while !rest.is_empty() {
        n += 1;
        let end = rest.iter().position(|&b| b == b'\n').ok_or_else(|| malformed(FILE, n, rest, SHAPE))?;
        let header = rest.get(..end).unwrap_or_default();
        rest = rest.get(end + 1..).unwrap_or_default();
        let fields: Vec<&[u8]> = header.split(|&b| b == b' ').collect();
        match fields.as_slice() {
            [_, b"missing"] => {}
            [hash, _, size] if is_hash(hash) => {
                let size: usize = std::str::from_utf8(size)
                    .ok()
                    .and_then(|s| s.parse().ok())
                    .ok_or_else(|| malformed(FILE, n, header, SHAPE))?;
                let contents = rest.get(..size).ok_or_else(|| malformed(FILE, n, header, SHAPE))?;
                if rest.get(size) != Some(&b'\n') {
                    return Err(malformed(FILE, n, header, SHAPE));
                }
                out.insert(lossy(hash), contents.to_vec());
                rest = rest.get(size + 1..).unwrap_or_default();
            }
            _ => return Err(malformed(FILE, n, header, SHAPE)),
        }
    }
    Ok(out)
}

/// The longest link text followed (a system's longest path): a longer
/// link resolves to nothing, as the system does not follow it either.
pub const MAX_LINK_TEXT: usize = 4096;

/// The most symbolic links of a commit read (the links through which a
/// change reaches other paths: [`paths_through_links`]).
pub const MAX_LINKS: usize = 100_000;

/// Where each symbolic link points, as a path from the repository's root,
/// resolved as the system resolves it: a link met on the way (a folder
/// link in the target's path, or a link to a link) is replaced by what it
/// points to before the next step, so `..` after a folder link leaves the
/// folder it points to. `links` holds each link's text by its path. A
/// link that leaves the repository, is absolute, or takes more than 40
/// further links to resolve (a loop) is left out; one to the repository's
/// root resolves to the empty path.
///
/// ```
/// use std::collections::BTreeMap;
/// use blastgate_ingest::git::resolve_links;
/// let links: BTreeMap<String, String> = [
///     ("payments/limits.yaml", "../shared/limits.yaml"),
///     ("shared/limits.yaml", "../notifications/limits.yaml"),
///     ("payments/all", ".."),
///     ("payments/up", "config/../../x"),
///     ("payments/config", "../shared/deep/config"),
/// ].map(|(a, b)| (a.to_owned(), b.to_owned())).into();
/// let resolved = resolve_links(&links);
/// assert_eq!(resolved["payments/limits.yaml"], "notifications/limits.yaml");
/// assert_eq!(resolved["payments/all"], "");
/// // `config` is a link to `shared/deep/config`: `..` leaves `shared/deep`.
/// assert_eq!(resolved["payments/up"], "shared/x");
/// ```
pub fn resolve_links(links: &BTreeMap<String, String>) -> BTreeMap<String, String> {
    let lookup: std::collections::HashMap<&str, &str> = links.iter().map(|(l, t)| (l.as_str(), t.as_str())).collect();
    links.iter().filter_map(|(link, target)| Some((link.clone(), resolve_through(&lookup, link, target)?))).collect()
}

/// The most links followed to resolve one (the system's limit is about
/// as many).
const MAX_LINK_HOPS: usize = 40;

/// Resolves one link, in steps that each cost the length of the path so
/// far: a link text, and the path it makes, of at most [`MAX_LINK_TEXT`]
/// bytes, and at most that many steps (every step of a 400 KB link text
/// rebuilt the whole path: two minutes, an audit).
fn resolve_through(links: &std::collections::HashMap<&str, &str>, link: &str, target: &str) -> Option<String> {
    if target.starts_with('/') || target.is_empty() || target.len() > MAX_LINK_TEXT {
        return None;
    }
    let mut here: String = link.rsplit_once('/').map_or_else(String::new, |(dir, _)| dir.to_owned());
    let mut rest: std::collections::VecDeque<&str> = target.split('/').collect();
    let (mut hops, mut steps) = (0usize, 0usize);
    while let Some(step) = rest.pop_front() {
        steps += 1;
        if steps > MAX_LINK_TEXT {
            return None;
        }
        match step {
            "" | "." => {}
            ".." => {
                if here.is_empty() {
                    return None;
                }
                here.truncate(here.rfind('/').unwrap_or(0));
            }
            name => {
                let before = here.len();
                if !here.is_empty() {
                    here.push('/');
                }
                here.push_str(name);
                if here.len() > MAX_LINK_TEXT {
                    return None;
                }
                if let Some(next) = links.get(here.as_str()) {
                    hops += 1;
                    if hops > MAX_LINK_HOPS || next.starts_with('/') || next.is_empty() || next.len() > MAX_LINK_TEXT {
                        return None;
                    }
                    here.truncate(before);
                    for s in next.split('/').rev() {
                        rest.push_front(s);
                    }
                }
            }
        }
    }
    Some(here)
}

/// The paths a change reaches through symbolic links: for each link (its
/// path and where it points, from [`resolve_links`]) whose target is a
/// changed path or a folder holding one, that changed path as seen
/// through the link (`payments/limits.yaml` for a change to
/// `notifications/limits.yaml`; `payments/config/a.yaml` for a change to
/// `shared/config/a.yaml` through `payments/config -> ../shared/config`),
/// with the changed path; sorted, each once. `links` maps each link to
/// where it points ([`resolve_links`], which follows links to links); a
/// path reached through a folder link that holds another link is found by
/// asking again with the paths found. `None` when there would be more
/// than `max`.
pub fn paths_through_links(
    links: &BTreeMap<String, String>,
    changed: &[&str],
    max: usize,
) -> Option<Vec<(String, String)>> {
    let changed: std::collections::BTreeSet<&str> = changed.iter().copied().collect();
    // Counted before any is made: a few hundred folder links over a large
    // change would make millions (out of memory before a limit, an audit).
    let mut count = 0usize;
    for target in links.values() {
        count = count.saturating_add(reached_under(&changed, target).count());
        if count > max {
            return None;
        }
    }
    let mut out = Vec::with_capacity(count);
    for (link, target) in links {
        for path in reached_under(&changed, target) {
            let rest = if target.is_empty() {
                format!("/{path}")
            } else {
                path.get(target.len()..).unwrap_or_default().to_owned()
            };
            out.push((format!("{link}{rest}"), path.to_owned()));
        }
    }
    out.sort();
    out.dedup();
    Some(out)
}

/// The paths of `changed` that are `target` or under it (every path for
/// the root, the empty target).
fn reached_under<'a>(
    changed: &'a std::collections::BTreeSet<&'a str>,
    target: &'a str,
) -> impl Iterator<Item = &'a str> + 'a {
    changed
        .range::<&str, _>((std::ops::Bound::Included(target), std::ops::Bound::Unbounded))
        .copied()
        .take_while(move |p| p.starts_with(target))
        .filter(move |p| target.is_empty() || p.get(target.len()..).is_some_and(|r| r.is_empty() || r.starts_with('/')))
}

/// Parses `git diff --name-status -z` output (see the module docs).
///
/// # Errors
/// [`ChangeError::Syntax`] naming the record for an unknown status letter
/// (including `U`, unmerged, and `X`, unknown), a bad score, a truncated
/// record, an empty or non-UTF-8 path; [`ChangeError::LimitExceeded`] as
/// [`parse_numstat_z`].
pub fn parse_name_status_z(bytes: &[u8]) -> Result<Vec<NameStatus>, ChangeError> {
    const FILE: &str = "git diff --name-status";
    const SHAPE: &str = "expected `STATUS<NUL>path<NUL>` or `R<score><NUL>old<NUL>new<NUL>`";
    let mut fields = Fields { bytes, pos: 0 };
    let mut records = Vec::new();
    while !fields.at_end() {
        let record = records.len() + 1;
        if records.len() >= MAX_FILES {
            return Err(ChangeError::limit(FILE, "max_files", MAX_FILES as u64, record as u64));
        }
        let token = fields.until(0).ok_or_else(|| malformed(FILE, record, fields.rest(), SHAPE))?;
        let (letter, digits) = token.split_first().unwrap_or((&0, &[]));
        let score = if digits.is_empty() {
            None
        } else {
            let score = std::str::from_utf8(digits).ok().and_then(|d| d.parse::<u8>().ok()).filter(|s| *s <= 100);
            Some(score.ok_or_else(|| malformed(FILE, record, token, "the score after the status must be 0 to 100"))?)
        };
        let two_paths = matches!(letter, b'R' | b'C');
        let status = match letter {
            b'A' => FileStatus::Added,
            b'M' | b'T' => FileStatus::Modified,
            b'D' => FileStatus::Deleted,
            b'R' => FileStatus::Renamed,
            b'C' => FileStatus::Copied,
            _ => return Err(malformed(FILE, record, token, "unknown status; expected A, M, D, T, R or C")),
        };
        let first = fields.until(0).ok_or_else(|| malformed(FILE, record, fields.rest(), SHAPE))?;
        let first = path_string(FILE, record, first)?;
        let (path, old_path) = if two_paths {
            let new = fields.until(0).ok_or_else(|| malformed(FILE, record, fields.rest(), SHAPE))?;
            (path_string(FILE, record, new)?, Some(first))
        } else {
            (first, None)
        };
        records.push(NameStatus { status, path, old_path, score });
    }
    Ok(records)
}

/// Sets each numstat record's status and old path from the name-status
/// record at the same position.
///
/// # Errors
/// [`ChangeError::Syntax`] when the two outputs have different lengths or
/// name different paths at the same position (they were not produced with
/// the same revisions and options).
pub fn merge_name_status(numstat: Vec<FileChange>, statuses: Vec<NameStatus>) -> Result<Vec<FileChange>, ChangeError> {
    const FILE: &str = "git diff";
    if numstat.len() != statuses.len() {
        return Err(ChangeError::syntax(
            FILE,
            "",
            format!("{} numstat records, {} name-status records", numstat.len(), statuses.len()),
            "the numstat and name-status outputs list different numbers of files",
        ));
    }
    let mut files = numstat;
    for (i, (file, status)) in files.iter_mut().zip(statuses).enumerate() {
        if file.path != status.path || file.old_path != status.old_path {
            return Err(ChangeError::syntax(
                FILE,
                format!("record {}", i + 1),
                format!("{} / {}", file.path, status.path),
                "the numstat and name-status outputs name different files",
            ));
        }
        file.status = status.status;
        file.old_path = status.old_path;
    }
    Ok(files)
}

/// Sets `binary` on each file that `detected` (numstat records of the same
/// diff read without the `diff` attribute, so with git's own content test)
/// reports as binary under its path or its old path. Line counts stay as
/// they are: a binary file keeps the lines counted in it.
///
/// # Complexity
/// `O((F + D) log D)` for `F` files and `D` detected records.
pub fn mark_binary(files: &mut [FileChange], detected: &[FileChange]) {
    let binary: BTreeSet<&str> = detected
        .iter()
        .filter(|d| d.binary)
        .flat_map(|d| std::iter::once(d.path.as_str()).chain(d.old_path.as_deref()))
        .collect();
    for file in files {
        let hit = |p: &str| binary.contains(p);
        file.binary = file.binary || hit(&file.path) || file.old_path.as_deref().is_some_and(hit);
    }
}

/// Parses `git log -z --format=`[`LOG_FORMAT`] output, with or without
/// `--name-only`.
///
/// Names, emails, messages and history paths are converted to UTF-8
/// lossily (git re-encodes messages to UTF-8 already).
///
/// # Errors
/// [`ChangeError::Syntax`] naming the commit (counting from 1) when a
/// record does not start with the empty marker field, misses fields, has a
/// hash that is not 40 or 64 hex digits or a time that is not an integer;
/// [`ChangeError::LimitExceeded`] for a name or email over
/// [`MAX_STRING_BYTES`].
pub fn parse_log(bytes: &[u8]) -> Result<Vec<Commit>, ChangeError> {
    const FILE: &str = "git log";
    const SHAPE: &str = "expected `<NUL>hash<NUL>parents<NUL>name<NUL>email<NUL>committer-name<NUL>committer-email<NUL>time<NUL>message<NUL>`";
    let body = bytes.strip_suffix(b"\0").unwrap_or(bytes);
    if bytes.is_empty() {
        return Ok(Vec::new());
    }
    let mut pieces = body.split(|b| *b == 0).peekable();
    let mut commits = Vec::new();
    while let Some(marker) = pieces.next() {
        let record = commits.len() + 1;
        if !marker.is_empty() {
            return Err(malformed(FILE, record, marker, SHAPE));
        }
        let mut field = || pieces.next().ok_or_else(|| malformed(FILE, record, b"", SHAPE));
        let hash = field()?;
        let parents = field()?;
        let name = field()?;
        let email = field()?;
        let committer_name = field()?;
        let committer_email = field()?;
        let time = field()?;
        let message = field()?;
        if !is_hash(hash) {
            return Err(malformed(FILE, record, hash, "not a commit hash"));
        }
        let parents: Vec<String> = lossy(parents).split_whitespace().map(str::to_owned).collect();
        if parents.iter().any(|p| !is_hash(p.as_bytes())) {
            return Err(malformed(FILE, record, &parents.join(" ").into_bytes(), "not a list of parent hashes"));
        }
        let time = std::str::from_utf8(time)
            .ok()
            .and_then(|t| t.parse::<i64>().ok())
            .ok_or_else(|| malformed(FILE, record, time, "the commit time is not a whole number of seconds"))?;
        for value in [name, email, committer_name, committer_email] {
            if value.len() > MAX_STRING_BYTES {
                return Err(ChangeError::limit(FILE, "max_string_bytes", MAX_STRING_BYTES as u64, value.len() as u64));
            }
        }
        let mut files = Vec::new();
        while let Some(path) = pieces.next_if(|p| !p.is_empty()) {
            let path = if files.is_empty() {
                path.strip_prefix(b"\n").ok_or_else(|| malformed(FILE, record, path, SHAPE))?
            } else {
                path
            };
            files.push(lossy(path));
        }
        commits.push(Commit {
            hash: lossy(hash),
            parents,
            author_name: lossy(name),
            author_email: lossy(email),
            committer_name: lossy(committer_name),
            committer_email: lossy(committer_email),
            time,
            message: lossy(message).trim_end_matches(['\n', '\r']).to_owned(),
            files,
        });
    }
    Ok(commits)
}

/// Git's scissors line, with the default comment character.
const SCISSORS: &str = "# ------------------------ >8 ------------------------";

/// The trailers of a commit message as `(key, value)` pairs in message
/// order, following git's rules (see the module docs).
pub fn trailers(message: &str) -> Vec<(String, String)> {
    let mut lines: Vec<&str> = message.split('\n').collect();
    // Git ignores everything from a scissors line on (`git commit
    // --verbose` writes one above the diff; `wt_status_locate_end`): the
    // trailers above it count (an AI provenance audit: a kept scissors
    // line hid `Assisted-by:` from blastgate, not from git).
    if let Some(cut) = lines.iter().position(|l| *l == SCISSORS) {
        lines.truncate(cut);
    }
    let line = |i: usize| lines.get(i).copied().unwrap_or_default();
    let mut end = lines.len();
    while end > 0 && (line(end - 1).is_empty() || line(end - 1).starts_with('#')) {
        end -= 1;
    }
    let Some(title_end) = lines.iter().position(|l| !l.starts_with('#') && is_blank(l)) else {
        return Vec::new();
    };
    let Some(start) = trailer_block_start(&lines, title_end, end) else {
        return Vec::new();
    };
    let mut found: Vec<(String, String)> = Vec::new();
    let mut continues = false;
    for l in lines.get(start..end).unwrap_or_default() {
        if l.starts_with('#') {
            // A comment ends the previous trailer's continuation lines.
            continues = false;
            continue;
        }
        if continues && l.starts_with(is_space) {
            if let Some((_, value)) = found.last_mut() {
                value.push('\n');
                value.push_str(l);
            }
            continue;
        }
        continues = false;
        if let Some(at) = separator(l).filter(|at| *at >= 1) {
            let key = l.get(..at).unwrap_or_default().trim_matches(is_space);
            let value = l.get(at + 1..).unwrap_or_default();
            found.push((key.to_owned(), value.to_owned()));
            continues = true;
        }
    }
    for (_, value) in &mut found {
        *value = unfold(value);
    }
    found
}

/// The subject of a message: its first paragraph, lines trimmed and joined
/// by single spaces (git's `%s`).
pub fn subject(message: &str) -> String {
    let paragraph = message.split('\n').map(|l| l.trim_matches(is_space)).skip_while(|l| l.is_empty());
    paragraph.take_while(|l| !l.is_empty()).collect::<Vec<_>>().join(" ")
}

/// The strongest AI involvement stated by the commits' trailers, authors and
/// committers (see the module docs).
/// The source is always `trailer`. When no trailer names AI, `ai` is left
/// unstated: a commit without trailers does not say that no AI helped, so
/// the range does not either (the CI platform can state it: `--ai`).
pub fn provenance(commits: &[Commit], agents: &AiAgents) -> Provenance {
    let mut best = Provenance { source: ProvenanceSource::Trailer, ..Provenance::default() };
    let mut consider = |ai: AiInvolvement, tool: Option<String>, model: Option<String>| {
        if Some(ai) > best.ai {
            best.ai = Some(ai);
            best.tool = tool.map(|t| clip(&t));
            best.model = model.map(|m| clip(&m));
        }
    };
    for commit in commits {
        for (key, value) in trailers(&commit.message) {
            let key = key.to_ascii_lowercase();
            match key.as_str() {
                "assisted-by" | "generated-by" | "agent" => {
                    let ai = match key.as_str() {
                        "assisted-by" => AiInvolvement::Assisted,
                        "generated-by" => AiInvolvement::Generated,
                        _ => AiInvolvement::Agent,
                    };
                    let (tool, model) = tool_and_model(&value);
                    // `Assisted-by: none` (a commit template's blank)
                    // names no tool (a red team: a junior's commit went to
                    // senior for it).
                    if tool.as_deref().is_none_or(|t| !blastgate_change::is_placeholder(t)) {
                        consider(ai, tool, model);
                    }
                }
                key if IDENTITY_TRAILERS.contains(&key) => {
                    for (name, email) in identities(&value) {
                        // A sign-off by its address alone: a maintainer
                        // whose name is `Claude` signs off as a person (a
                        // red team).
                        let name = if key == "signed-off-by" { "" } else { name };
                        if let Some(m) = agents.identify(name, email) {
                            consider(m.involvement(), Some(m.tool.to_owned()), m.model);
                        }
                    }
                }
                _ => {}
            }
        }
        // A tool's own line in the message body, which it writes beside
        // its trailer and which outlives the trailer's removal (red team
        // 11: Claude Code's `🤖 Generated with [Claude Code](...)` alone
        // counted as no AI).
        for line in commit.message.lines().take(MAX_BODY_LINES) {
            let lower = line.to_ascii_lowercase();
            if let Some(tool) =
                GENERATED_MARKERS.iter().find_map(|(marker, tool)| lower.contains(marker).then_some(*tool))
            {
                consider(AiInvolvement::Generated, Some(tool.to_owned()), None);
            }
            // A known tool's trailer line where git's trailer rules do not
            // look: indented in a squash message, in a middle paragraph,
            // right under the body's text (red team 12: each was a
            // human's change). Provenance only raises the review, so a
            // line that names a known tool counts wherever it is; an
            // `Assisted-by:` naming a person does not (curl credits
            // people so).
            let body = line.trim_start().trim_start_matches(['*', '-', '+']).trim_start();
            if let Some((key, value)) = body.split_once(':') {
                match key.trim().to_ascii_lowercase().as_str() {
                    key if IDENTITY_TRAILERS.contains(&key) => {
                        for (name, email) in identities(value) {
                            let name = if key == "signed-off-by" { "" } else { name };
                            if let Some(m) = agents.identify(name, email) {
                                consider(m.involvement(), Some(m.tool.to_owned()), m.model);
                            }
                        }
                    }
                    key @ ("assisted-by" | "generated-by") => {
                        let (tool, model) = tool_and_model(value);
                        if let Some(m) = tool.as_deref().and_then(|t| agents.identify(t, "")) {
                            let ai =
                                if key == "assisted-by" { AiInvolvement::Assisted } else { AiInvolvement::Generated };
                            consider(ai, Some(m.tool.to_owned()), model.or(m.model));
                        }
                    }
                    _ => {}
                }
            }
        }
        // The committer too: an agent that committed a person's work took
        // part in it (a git audit: `copilot-swe-agent[bot]` committing a
        // human's authored commit counted as no AI at all). Generic bots
        // (`github-actions[bot]`, GitHub's `web-flow`) are not in the list.
        let people = [(&commit.author_name, &commit.author_email), (&commit.committer_name, &commit.committer_email)];
        for (name, email) in people {
            if let Some(m) = agents.identify(name, email) {
                consider(m.involvement(), Some(m.tool.to_owned()), m.model);
            }
        }
    }
    best
}

/// Trailers naming someone who took part in a commit, lower case: an AI
/// tool or agent named by any of them makes the commit an AI one (a red
/// team: Claude named in the Linux kernel's `Co-developed-by:` was no AI).
const IDENTITY_TRAILERS: [&str; 3] = ["co-authored-by", "co-developed-by", "signed-off-by"];

/// Trailers naming a person who wrote part of a commit, lower case: one of
/// the change's people, who may not approve it. (`Signed-off-by:` is not
/// one: a maintainer who applies a patch signs it off too.)
const AUTHOR_TRAILERS: [&str; 2] = ["co-authored-by", "co-developed-by"];

/// Most lines of a commit message looked at for a tool's marker.
const MAX_BODY_LINES: usize = 1000;

/// Lines AI tools write into the commit messages they make, lower case,
/// with the tool: any line holding one makes the commit `generated`.
const GENERATED_MARKERS: [(&str, &str); 3] = [
    ("generated with [claude code]", "claude-code"),
    ("generated with claude code", "claude-code"),
    ("amp-thread", "amp"),
];

/// The people who made the commits: each commit's author, and each person
/// a `Co-authored-by:` or `Co-developed-by:` trailer of a commit names, by email (the name when
/// the email is empty), clipped to [`MAX_STRING_BYTES`], sorted and
/// deduplicated with ASCII case ignored (the first spelling in commit
/// order kept). An AI tool or agent named by a trailer ([`AiAgents`]) is
/// left out: [`provenance`] records it. A commit's author is kept whoever
/// it is, an agent's bot account too: the commit is its work. Committers
/// are not people who made the change (whoever rebased or merged it),
/// except the committer of an AI agent's or tool's commit, unless a bot
/// (a name ending `[bot]`, GitHub's `noreply@github.com`) or an agent:
/// the person who ran the agent and committed its work delegated it, and
/// may not approve it (a red-team pass: only a `Co-authored-by:` line
/// made that person one of the change's people).
pub fn people(commits: &[Commit], agents: &AiAgents) -> Vec<String> {
    let mut found: BTreeMap<String, String> = BTreeMap::new();
    let mut add = |name: &str, email: &str| {
        let id = if email.trim().is_empty() { name.trim() } else { email.trim() };
        if !id.is_empty() {
            let id = clip(id);
            found.entry(id.to_ascii_lowercase()).or_insert(id);
        }
    };
    let bot = |name: &str, email: &str| {
        name.trim().to_ascii_lowercase().ends_with("[bot]")
            || email.trim().eq_ignore_ascii_case("noreply@github.com")
            || agents.identify(name, email).is_some()
    };
    for commit in commits {
        add(&commit.author_name, &commit.author_email);
        if agents.identify(&commit.author_name, &commit.author_email).is_some()
            && !bot(&commit.committer_name, &commit.committer_email)
        {
            add(&commit.committer_name, &commit.committer_email);
        }
        for (key, value) in trailers(&commit.message) {
            if AUTHOR_TRAILERS.contains(&key.to_ascii_lowercase().as_str()) {
                for (name, email) in identities(&value) {
                    if agents.identify(name, email).is_none() {
                        add(name, email);
                    }
                }
            }
        }
    }
    found.into_values().collect()
}

/// Whether a commit is a fix: its subject's first word is `fix`, `fixes`,
/// `fixed`, `fixing`, `hotfix` or `bugfix`, alone or as a Conventional
/// Commits type (`fix:`, `fix(api):`, `fix!:`), or it has a `Fixes:`
/// trailer (ASCII case-insensitive). A fix lets a change through freezes,
/// sev1 incidents and spent budgets, so nothing else makes one: not a word
/// further on (an incident-response audit: `feat: add bug bounty banner`
/// passed a sev1 as a fix), not a compound (`bug-bounty: ...`,
/// `Fixed-price plans`, `FIX-123`, a red-team audit), not `fixture` or
/// `debug`.
pub fn is_fix(commit: &Commit) -> bool {
    let subject = commit.subject().to_ascii_lowercase();
    let first = subject.split_whitespace().next().unwrap_or("");
    // The type of `fix(api)!: ...`, or the word itself before a `:`.
    let word = first.split(['(', '!', ':']).next().unwrap_or("");
    let typed = matches!(word, "fix" | "fixes" | "fixed" | "fixing" | "hotfix" | "bugfix");
    // What follows the word in the token may only be a scope, `!` and `:`.
    let rest = first.get(word.len()..).unwrap_or("");
    let clean = rest.is_empty() || rest.starts_with(['(', '!', ':']);
    (typed && clean) || trailers(&commit.message).iter().any(|(k, _)| k.eq_ignore_ascii_case("fixes"))
}

/// Whether a range of commits is a fix: `Some(true)` when every commit
/// that brings content of its own is a fix ([`is_fix`]), `Some(false)` when
/// one is not, `None` when no commit brings content of its own. A commit
/// brings content of its own when it is not a merge, or it is a merge
/// whose hash is in `merges_with_content` (its result is not the automatic
/// merge of its parents: see [`parse_merges_with_content`]), or a merge of
/// more than two parents (git's remerge diff does not check those, so they
/// count: fail closed). All must be fixes because freezes and error budget
/// policies let fixes through: one "fix" commit must not carry unrelated
/// changes past a freeze, and neither must a merge commit that adds code
/// of its own (an "evil merge") beside a fix.
pub fn range_is_fix(commits: &[Commit], merges_with_content: &BTreeSet<String>) -> Option<bool> {
    let counts = |c: &&Commit| !c.is_merge() || c.parents.len() > 2 || merges_with_content.contains(c.hash.as_str());
    let mut own = commits.iter().filter(counts).peekable();
    own.peek()?;
    Some(own.all(is_fix))
}

/// The `git log --format` that [`parse_merges_with_content`] reads, with
/// `--merges --max-parents=2 --remerge-diff --name-only -z`.
pub const MERGE_CONTENT_FORMAT: &str = "%x00%H";

/// The merge commits that bring content of their own, from `git log
/// --merges --max-parents=2 --remerge-diff --name-only -z
/// --format=`[`MERGE_CONTENT_FORMAT`] output: `NUL hash NUL` per commit,
/// then, when git's re-merge of the parents differs from the commit's
/// tree, `LF path NUL path NUL ...`. A merge is listed when anything
/// follows its hash: code added in the merge, or a conflict resolved (the
/// re-merge holds the conflict markers, so any resolution differs from
/// it). Nothing follows a merge whose tree is the automatic merge. (git
/// writes a note instead of a diff for a merge of more than two parents,
/// which would run into the next record: the log leaves those out with
/// `--max-parents=2`, and [`range_is_fix`] counts them.)
///
/// # Errors
/// [`ChangeError::Syntax`] naming the record when a record does not start
/// with the empty marker field or its hash is not 40 or 64 hex digits.
pub fn parse_merges_with_content(bytes: &[u8]) -> Result<BTreeSet<String>, ChangeError> {
    const FILE: &str = "git log --remerge-diff";
    const SHAPE: &str = "expected `<NUL>hash<NUL>` then the paths the merge changed";
    let body = bytes.strip_suffix(b"\0").unwrap_or(bytes);
    let mut found = BTreeSet::new();
    if bytes.is_empty() {
        return Ok(found);
    }
    let mut pieces = body.split(|b| *b == 0).peekable();
    let mut record = 0usize;
    while let Some(marker) = pieces.next() {
        record += 1;
        if !marker.is_empty() {
            return Err(malformed(FILE, record, marker, SHAPE));
        }
        let hash = pieces.next().ok_or_else(|| malformed(FILE, record, b"", SHAPE))?;
        if !is_hash(hash) {
            return Err(malformed(FILE, record, hash, "not a commit hash"));
        }
        let mut content = false;
        while pieces.next_if(|p| !p.is_empty()).is_some() {
            content = true;
        }
        if content {
            found.insert(lossy(hash));
        }
    }
    Ok(found)
}

/// The commit a commit message says it reverts: the hash in git's own
/// `This reverts commit <hash>.` line (7 to 64 hex digits), or `None`.
///
/// ```
/// use blastgate_ingest::git::reverted_commit;
/// let message = "Revert \"Add cart\"\n\nThis reverts commit 0123456789abcdef0123456789abcdef01234567.";
/// assert_eq!(reverted_commit(message), Some("0123456789abcdef0123456789abcdef01234567"));
/// assert_eq!(reverted_commit("Revert the cart"), None);
/// ```
pub fn reverted_commit(message: &str) -> Option<&str> {
    const MARK: &str = "This reverts commit ";
    message.lines().find_map(|line| {
        let rest = line.trim().strip_prefix(MARK)?;
        let end = rest.find(|c: char| !c.is_ascii_hexdigit()).unwrap_or(rest.len());
        let hash = rest.get(..end)?;
        (7..=64).contains(&hash.len()).then_some(hash)
    })
}

/// The parent a revert of a merge went back to: git's `This reverts commit
/// X, reversing changes made to Y.` (`git revert -m N`, what a code host's
/// Revert button writes for a pull request merged with a merge commit),
/// in the paragraph of the `This reverts commit` line; or `None`.
///
/// ```
/// use blastgate_ingest::git::reverted_mainline;
/// let message = "Revert \"Merge pull request #7\"\n\nThis reverts commit 0123456789abcdef0123456789abcdef01234567, reversing\nchanges made to 89abcdef0123456789abcdef0123456789abcdef.";
/// assert_eq!(reverted_mainline(message), Some("89abcdef0123456789abcdef0123456789abcdef"));
/// assert_eq!(reverted_mainline("Revert x\n\nThis reverts commit 0123456789abcdef."), None);
/// ```
pub fn reverted_mainline(message: &str) -> Option<&str> {
    const MARK: &str = "changes made to ";
    let at = message.find("This reverts commit ")?;
    let paragraph = message.get(at..)?;
    let paragraph = paragraph.split("\n\n").next()?;
    let rest = paragraph.get(paragraph.find(MARK)? + MARK.len()..)?;
    let end = rest.find(|c: char| !c.is_ascii_hexdigit()).unwrap_or(rest.len());
    let hash = rest.get(..end)?;
    (7..=64).contains(&hash.len()).then_some(hash)
}

/// Whether a test file's `text` checks anything: a word of checking in
/// any language's tests (`assert`, `expect`, `should`, `t.Error`,
/// `t.Fatal`, `t.Fail`, `require.`, `must`, `verify`, `raises`, `throws`,
/// `panic`, `check`, `ensure`, `snapshot`, `toBe`, `toEqual`), in any
/// case. A file without one runs code and checks nothing: no evidence of
/// testing.
///
/// ```
/// use blastgate_ingest::git::checks_anything;
/// assert!(!checks_anything(b"package p\n\nfunc TestCharge(t *testing.T) {}\n"));
/// assert!(checks_anything(b"func TestCharge(t *testing.T) {\n\tif Charge(1) != 2 {\n\t\tt.Errorf(\"bad\")\n\t}\n}\n"));
/// ```
pub fn checks_anything(text: &[u8]) -> bool {
    const WORDS: [&str; 18] = [
        "assert", "expect", "should", "t.error", "t.fatal", "t.fail", "require.", "must", "verify", "raises", "throws",
        "panic", "check", "ensure", "snapshot", "tobe", "toequal", "fail(",
    ];
    let lower = String::from_utf8_lossy(text).to_lowercase();
    WORDS.iter().any(|w| lower.contains(w))
}

/// The longest line [`hidden_line_breaks`] counts as one line (400
/// bytes): longer, it counts one line per [`LINE_BYTES`].
pub const LONG_LINE_BYTES: usize = 400;

/// The bytes a line of code holds on average, generously (50): a line
/// over [`LONG_LINE_BYTES`] counts as its length over this many lines.
pub const LINE_BYTES: usize = 50;

/// Line breaks git does not count in a `git diff -p` output, by file: for
/// each path (the `+++ b/` header's, else the `--- a/` one's, unquoted),
/// the carriage returns not followed by a line feed (`\r` alone) in its
/// added lines and in its removed lines. Python, JavaScript and YAML read
/// a bare `\r` as a line break and git does not: a 2,000-line file written
/// so is one line to git (found by a gaming audit). Added and removed are
/// counted apart, as git counts lines: rewriting such a file adds every
/// new line. Sections of one path (a file turned into a link) add up.
/// And a line longer than [`LONG_LINE_BYTES`] (code joined by `;`,
/// minified) counts as one line per [`LINE_BYTES`] of it: the lines it
/// holds beyond its own are counted here.
///
/// ```
/// use blastgate_ingest::git::hidden_line_breaks;
/// let patch = b"diff --git a/x.py b/x.py\n--- a/x.py\n+++ b/x.py\n@@ -0,0 +1 @@\n+a = 1\rb = 2\rc = 3\n\
///               diff --git a/y.py b/y.py\n--- a/y.py\n+++ b/y.py\n@@ -1 +1 @@\n-x\r\n+y\r\n\
///               diff --git a/z.c b/z.c\n--- a/z.c\n+++ b/z.c\n@@ -1 +1 @@\n-a\rb\n+++i;\rc\rd\n";
/// let found = hidden_line_breaks(patch);
/// assert_eq!(found.get("x.py"), Some(&(2, 0)));
/// assert_eq!(found.get("y.py"), None);
/// assert_eq!(found.get("z.c"), Some(&(2, 1)));
/// let joined = format!("diff --git a/a.go b/a.go\n--- a/a.go\n+++ b/a.go\n@@ -0,0 +1 @@\n+{}\n", "f();".repeat(250));
/// assert_eq!(hidden_line_breaks(joined.as_bytes()).get("a.go"), Some(&(19, 0))); // 1,000 bytes: 20 lines
/// ```
pub fn hidden_line_breaks(patch: &[u8]) -> BTreeMap<String, (u64, u64)> {
    let mut out: BTreeMap<String, (u64, u64)> = BTreeMap::new();
    let bare = |line: &[u8]| {
        let body = line.strip_suffix(b"\n").unwrap_or(line);
        let body = body.strip_suffix(b"\r").unwrap_or(body);
        let breaks = body.iter().filter(|&&b| b == b'\r').count() as u64;
        // (A line longer than any written by hand counts as the lines it
        // holds, one per `LINE_BYTES`: 3,000 functions joined by `;` on
        // one line were one line to git; red team 13.)
        let long: u64 = body
            .split(|&b| b == b'\r')
            .filter(|segment| segment.len() > LONG_LINE_BYTES)
            .map(|segment| (segment.len().div_ceil(LINE_BYTES) as u64).saturating_sub(1))
            .fold(0, u64::saturating_add);
        breaks.saturating_add(long)
    };
    for_each_patch_line(patch, |path, line| {
        let (added, removed) = out.entry(path.to_owned()).or_default();
        if let Some(rest) = line.strip_prefix(b"+") {
            *added = added.saturating_add(bare(rest));
        } else if let Some(rest) = line.strip_prefix(b"-") {
            *removed = removed.saturating_add(bare(rest));
        }
    });
    out.retain(|_, &mut (a, r)| a > 0 || r > 0);
    out
}

/// The most added text of one migration read (1 MiB). A migration whose
/// added lines pass it is not read whole, and counts as destroying data
/// (fail closed: a statement after a 1.1 MB comment passed unseen, a
/// gaming audit).
pub const MAX_MIGRATION_TEXT: usize = 1 << 20;

/// Words and operations that destroy data for good wherever they appear in
/// a migration's added text (lower case, blanks collapsed): SQL's, with
/// its comments read as blanks too, and those of the migration tools that
/// write it (Django, Rails, Liquibase, Alembic, Sequelize, Knex, Laravel,
/// Entity Framework, MongoDB).
const DESTRUCTIVE_STATEMENTS: [&str; 23] = [
    "create or replace table",
    "insert overwrite",
    "replace into",
    "sp_executesql",
    "drop table",
    "drop column",
    "drop schema",
    "drop database",
    "drop collection",
    "truncate ",
    // Knex's `.truncate()`, Laravel's `->truncate()` (red team 12).
    "truncate(",
    "delete from",
    // Liquibase's `<delete tableName=...>` and `<update tableName=...>`
    // changes, as SQL's DELETE and UPDATE (red team 12).
    "<delete ",
    "<update ",
    "op.drop_",
    "schema::drop",
    "::drop(",
    ".drop(",
    "$unset",
    // MySQL's BLACKHOLE engine discards every row a table held (red team
    // 11), in any spacing.
    "engine=blackhole",
    "engine = blackhole",
    "engine= blackhole",
    "engine =blackhole",
];

/// Identifiers that name a destructive operation of a migration tool, as
/// a whole identifier or its start (`dropTableIfExists`, `remove_columns`).
const DESTRUCTIVE_CALLS: [&str; 27] = [
    // Laravel's `Schema::dropAllTables()`, TypeORM's and Knex's
    // `dropSchema`.
    "dropall",
    "dropschema",
    "delete_all",
    "destroy_all",
    "update_all",
    "drop_if_exists",
    "updatemany",
    "deleteone",
    "removefield",
    "deletemodel",
    "remove_column",
    "remove_reference",
    "remove_belongs_to",
    "remove_timestamps",
    "removecolumn",
    "drop_table",
    "drop_column",
    "drop_join_table",
    "droptable",
    "dropcolumn",
    "dropdatabase",
    "dropifexists",
    "dropcollection",
    "deletemany",
    "bulkdelete",
    // TypeORM's `queryRunner.clearTable`, Sequelize's `bulkUpdate` (red
    // team 12).
    "cleartable",
    "bulkupdate",
];

/// Whether `path` is a declarative schema, a file its tool makes the
/// database match (Atlas's `schema apply`, sqldef, Prisma's `db push`): a
/// `.sql` file named `schema.sql` or ending in `.schema.sql` or
/// `_schema.sql`, or under a folder named `schema` or `schemas`, and a
/// `.prisma` file. Not Rails' `structure.sql`, a dump its migrations
/// write, and never under documentation, tests or examples (the caller
/// also leaves out what reads as a migration).
///
/// ```
/// use blastgate_ingest::git::is_declarative_schema;
/// assert!(is_declarative_schema("db/schema.sql") && is_declarative_schema("prisma/schema.prisma"));
/// assert!(is_declarative_schema("schemas/orders.sql"));
/// assert!(!is_declarative_schema("db/structure.sql") && !is_declarative_schema("src/orders.sql"));
/// ```
pub fn is_declarative_schema(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    let mut segments = lower.rsplit('/');
    let name = segments.next().unwrap_or_default();
    let folders: Vec<&str> = segments.collect();
    if folders.iter().any(|f| matches!(*f, "docs" | "doc" | "test" | "tests" | "spec" | "examples" | "example")) {
        return false;
    }
    if name.ends_with(".prisma") {
        return true;
    }
    name.ends_with(".sql")
        && (name == "schema.sql"
            || name.ends_with(".schema.sql")
            || name.ends_with("_schema.sql")
            || folders.iter().any(|f| matches!(*f, "schema" | "schemas")))
}

/// SQL's and Prisma's column types (lower case), by which a line of a
/// table's body reads as a column (`total numeric(12, 2) not null`,
/// `total Decimal`).
const COLUMN_TYPES: &[&str] = &[
    "int",
    "integer",
    "smallint",
    "bigint",
    "tinyint",
    "mediumint",
    "serial",
    "bigserial",
    "smallserial",
    "text",
    "varchar",
    "char",
    "character",
    "nvarchar",
    "nchar",
    "citext",
    "boolean",
    "bool",
    "bit",
    "timestamp",
    "timestamptz",
    "date",
    "time",
    "timetz",
    "datetime",
    "datetime2",
    "interval",
    "numeric",
    "decimal",
    "real",
    "double",
    "float",
    "money",
    "uuid",
    "json",
    "jsonb",
    "xml",
    "bytea",
    "blob",
    "longblob",
    "mediumblob",
    "tinytext",
    "mediumtext",
    "longtext",
    "binary",
    "varbinary",
    "enum",
    "inet",
    "cidr",
    "macaddr",
    "geometry",
    "geography",
    "tsvector",
    "string",
    "bytes",
];

/// What a line of a declarative schema declares: a table (`CREATE TABLE
/// [IF NOT EXISTS] name`, Prisma's `model Name {`), as `(true, name)`, or
/// a column (an identifier followed by a column type), as `(false,
/// name)`; names in lower case, without quotes.
fn schema_declaration(line: &str) -> Option<(bool, String)> {
    let lower = line.trim().to_ascii_lowercase();
    let unquote = |w: &str| w.trim_matches(|c| matches!(c, '"' | '`' | '[' | ']' | '(' | ',')).to_owned();
    let words: Vec<&str> = lower.split_whitespace().collect();
    match words.as_slice() {
        ["create", rest @ ..] => {
            let rest: Vec<&str> =
                rest.iter().copied().skip_while(|w| matches!(*w, "unlogged" | "or" | "replace")).collect();
            let ["table", rest @ ..] = rest.as_slice() else { return None };
            let name = match rest {
                ["if", "not", "exists", name, ..] | [name, ..] => unquote(name),
                [] => return None,
            };
            let name = name.split('(').next().unwrap_or_default().to_owned();
            (!name.is_empty()).then_some((true, name))
        }
        ["model", name, ..] => Some((true, unquote(name))),
        [name, kind, ..] => {
            let name = unquote(name);
            let keyword = matches!(
                name.as_str(),
                "constraint"
                    | "primary"
                    | "unique"
                    | "key"
                    | "index"
                    | "foreign"
                    | "check"
                    | "exclude"
                    | "alter"
                    | "drop"
                    | "insert"
                    | "comment"
                    | "grant"
                    | "revoke"
                    | "create"
                    | "set"
                    | "select"
                    | "update"
                    | "delete"
                    | "values"
                    | "references"
                    | "partition"
                    | "fulltext"
                    | "spatial"
                    | "period"
            );
            let kind = kind.split(['(', '[', '?', ',']).next().unwrap_or_default();
            let valid = !name.is_empty() && name.chars().all(|c| c.is_alphanumeric() || matches!(c, '_' | '$'));
            (valid && !keyword && COLUMN_TYPES.contains(&kind)).then_some((false, name))
        }
        _ => None,
    }
}

/// The declarative schema files (`is_schema`, see
/// [`is_declarative_schema`]) of a `git diff -p` output that take out a
/// table (`CREATE TABLE orders`, Prisma's `model Order`) or a column (a
/// line `total numeric` of a table's body) that no schema file of the
/// change puts back: the tool that applies them drops it, and its data
/// (red team 11: a table deleted from Atlas's `schema.sql` was `auto`).
/// Sorted. A table or column moved between files, or a column's type
/// changed (`total int` made `total bigint`), takes nothing out. Columns
/// are matched by name alone (the patch's lines do not say which table
/// they belong to): a column taken out of one table and one of the same
/// name put into another cancel.
///
/// ```
/// use blastgate_ingest::git::declarative_schema_drops;
/// let patch = b"diff --git a/db/schema.sql b/db/schema.sql\n--- a/db/schema.sql\n+++ b/db/schema.sql\n@@ -1,3 +0,0 @@\n-CREATE TABLE ledger (\n-  id bigint primary key\n-);\n@@ -9 +6 @@\n-  total int,\n+  total bigint,\n";
/// assert_eq!(declarative_schema_drops(patch, |p| p.ends_with("schema.sql")), ["db/schema.sql"]);
/// ```
pub fn declarative_schema_drops(patch: &[u8], is_schema: impl Fn(&str) -> bool) -> Vec<String> {
    let texts = changed_texts(patch, is_schema);
    let mut put: BTreeSet<(bool, String)> = BTreeSet::new();
    let mut taken: Vec<(&str, (bool, String))> = Vec::new();
    for (path, (removed, added)) in &texts {
        for line in String::from_utf8_lossy(added).lines() {
            put.extend(schema_declaration(line));
        }
        for line in String::from_utf8_lossy(removed).lines() {
            taken.extend(schema_declaration(line).map(|d| (path.as_str(), d)));
        }
    }
    let mut out: Vec<String> =
        taken.into_iter().filter(|(_, d)| !put.contains(d)).map(|(path, _)| path.to_owned()).collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// The files of a `git diff -p` output whose added lines hold a statement
/// that destroys data for good (`DROP TABLE`, `DROP COLUMN`, `ALTER TABLE t
/// DROP c`, `TRUNCATE`, `DELETE FROM t`, `DELETE t`, `UPDATE t SET`, a
/// Django `RemoveField`, a Rails `remove_column` or `t.remove :c`, a
/// Sequelize `removeColumn`, a MongoDB `.drop()`, ...), among those
/// `is_migration` says are schema migrations; sorted. A file's added lines
/// are read as one text (lower case, blanks collapsed), so a statement
/// written over several lines is found, and read twice: as written, and
/// with comments (`/* */`, `--`, `#`, `//` to the line's end) read as
/// blanks, so `DROP/**/TABLE` is found too. Also listed, since what they
/// do is not read: a migration that is a symbolic link (the migration tool
/// runs the file it points to), and one whose added text passes
/// [`MAX_MIGRATION_TEXT`]. Such a change cannot be reverted without loss:
/// the git reader states `safety.reversible: false` for it.
///
/// `ON DELETE` and `ON UPDATE` (a foreign key's rule) are not statements.
/// The list errs towards finding more: a backfill (`UPDATE t SET`) counts,
/// since the values it overwrites are gone.
///
/// ```
/// use blastgate_ingest::git::destructive_migrations;
/// let patch = b"diff --git a/db/0002.sql b/db/0002.sql\n--- a/db/0002.sql\n+++ b/db/0002.sql\n@@ -0,0 +1,2 @@\n+ALTER TABLE orders\n+  DROP   legacy_total;\n\
///               diff --git a/db/0003.sql b/db/0003.sql\n--- /dev/null\n+++ b/db/0003.sql\n@@ -0,0 +1 @@\n+CREATE TABLE t (id int REFERENCES u ON DELETE CASCADE);\n";
/// assert_eq!(destructive_migrations(patch, |p| p.starts_with("db/")), vec!["db/0002.sql".to_owned()]);
/// ```
pub fn destructive_migrations(patch: &[u8], is_migration: impl Fn(&str) -> bool) -> Vec<String> {
    let mut added: BTreeMap<String, MigrationText> = BTreeMap::new();
    for_each_patch_line_of(patch, |path, line, link| {
        if !is_migration(path) {
            return;
        }
        let read = added.entry(path.to_owned()).or_default();
        read.link |= link;
        match line.first() {
            Some(b'+') => read.push(line.get(1..).unwrap_or_default()),
            // A section marker taken out turns what followed it into
            // another section, whose lines the patch does not show (an
            // audit: deleting `-- migrate:down` made the down section's
            // `DROP TABLE` run forward, unread): not read, so destructive.
            Some(b'-') if section_marker(line.get(1..).unwrap_or_default()).is_some() => read.cut = true,
            _ => {}
        }
    });
    added
        .into_iter()
        // A down migration by its name, unless it has an up section.
        .filter(|(path, read)| read.up_marked || !is_down_migration(path))
        .filter(|(_, read)| read.destroys())
        .map(|(path, _)| path)
        .collect()
}

/// A migration's text as read for [`destructive_migrations`]: the lines
/// that run forward, lower case, and what could not be read.
#[derive(Default)]
struct MigrationText {
    text: String,
    /// Not all read: past [`MAX_MIGRATION_TEXT`], a NUL byte, a section
    /// marker removed.
    cut: bool,
    /// A symbolic link.
    link: bool,
    /// In a down section.
    down: bool,
    /// An up section's marker was seen.
    up_marked: bool,
    /// The least indentation of an up marker seen: a down marker indented
    /// further is inside the up function (nested, or in a string or
    /// heredoc there), and does not end it (red team 17: a `def
    /// downgrade():` nested in `upgrade()` hid its `drop_table`).
    up_indent: usize,
    /// The end of a string that earlier lines opened and left open (a
    /// Python `\"\"\"` or `'''`, a JavaScript template's backtick, or
    /// `<<WORD` for a heredoc that ends at a line `WORD`): a down marker
    /// inside one is text (red team 17: `def downgrade():` in a docstring,
    /// `exports.down = ...` in a template literal, `def down` in a
    /// heredoc, each inside the up function, hid what followed).
    string: Option<String>,
}

/// The string `line` leaves open, given the one open before it (see
/// `MigrationText::string`): an odd number of a delimiter's occurrences
/// opens or closes it; a heredoc opened by `<<WORD`, `<<~WORD` or
/// `<<-WORD` (the word in capitals, quoted or not) ends at a line that is
/// the word.
fn open_string(open: Option<String>, line: &str) -> Option<String> {
    match open {
        Some(end) => match end.strip_prefix("<<") {
            Some(word) => (line.trim() != word).then_some(end),
            None => (line.matches(end.as_str()).count() % 2 == 0).then_some(end),
        },
        None => {
            if let Some(d) = ["\"\"\"", "'''", "`"].into_iter().find(|d| line.matches(d).count() % 2 == 1) {
                return Some(d.to_owned());
            }
            let (_, after) = line.rsplit_once("<<")?;
            let after = after.strip_prefix(['~', '-']).unwrap_or(after).trim_matches(['\'', '"']);
            let word: String = after.chars().take_while(|c| c.is_ascii_uppercase() || *c == '_').collect();
            (!word.is_empty() && word.chars().any(|c| c.is_ascii_uppercase())).then(|| format!("<<{word}"))
        }
    }
}

impl MigrationText {
    /// Reads one line. The sections of dbmate, goose and sql-migrate
    /// (`-- migrate:down`, `-- +goose Down`, `-- +migrate Down`) and the
    /// down functions of the tools that keep both directions in one file
    /// (Alembic's `def downgrade():`, Rails' `def down`, Laravel's and
    /// TypeORM's `down()`, Knex's `exports.down`, Sequelize's `down:`) run
    /// when the migration is rolled back: what follows a down marker is
    /// not read, up to the next up marker, and only after an up marker
    /// was seen (an audit: a `-- migrate:down` line heading a Flyway
    /// migration hid its `DROP TABLE`). Liquibase's `--rollback` lines
    /// are rollback statements, not read either.
    fn push(&mut self, line: &[u8]) {
        let indent = line.iter().take_while(|&&b| b == b' ' || b == b'\t').count();
        let inside = self.string.is_some();
        self.string = open_string(self.string.take(), &String::from_utf8_lossy(line));
        let marker = if inside { None } else { section_marker(line) };
        match marker {
            Some(true) if self.up_marked && indent <= self.up_indent => {
                self.down = true;
                return;
            }
            Some(false) => {
                self.down = false;
                self.up_indent = if self.up_marked { self.up_indent.min(indent) } else { indent };
                self.up_marked = true;
            }
            _ if self.down => return,
            _ => {}
        }
        let lower = String::from_utf8_lossy(line).to_lowercase();
        if lower.trim_start().starts_with("--rollback") {
            return;
        }
        // A NUL byte: text in another encoding (UTF-16, which SQL Server's
        // tools run), whose words this reading cannot see (a red-team
        // audit): not read, so destructive, as a cut text is.
        if self.text.len().saturating_add(line.len()) > MAX_MIGRATION_TEXT || line.contains(&0) {
            self.cut = true;
            return;
        }
        self.text.push_str(&lower);
        if !self.text.ends_with('\n') {
            self.text.push('\n');
        }
    }

    /// Whether what was read destroys data, or could not all be read.
    fn destroys(&self) -> bool {
        self.cut
            || self.link
            || destroys(&collapse(&self.text), false)
            || destroys(&collapse(&uncomment(&self.text)), true)
    }
}

/// Whether `path` names a down migration, which runs only when its up
/// migration is rolled back: an SQL file named `down.sql` (Diesel, sqlx),
/// `NAME.down.sql` (golang-migrate, sqlx), `NAME-down.sql` under a `sqls`
/// folder (db-migrate's SQL files), or under a `revert` folder (Sqitch's
/// revert scripts). Its statements are not this change's: a down
/// migration that drops what its up migration adds is how a migration is
/// made reversible. Not a name Flyway runs forward (`V2__NAME.down.sql`,
/// `R__NAME.down.sql`), nor a file of another language (Knex runs every
/// JavaScript file of its folder, whatever its name); and a file with an
/// up section's marker is read whatever its name (see
/// [`destructive_migrations`]). Names some tool runs forward are not
/// down migrations, whatever they suggest: `x_tear_down.sql`, refinery's
/// `U2__x.sql` (an audit found both skipped).
pub fn is_down_migration(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    let mut segments: Vec<&str> = lower.split('/').collect();
    let name = segments.pop().unwrap_or_default();
    let Some(stem) = name.strip_suffix(".sql") else { return false };
    let flyway = |prefix: char| {
        stem.strip_prefix(prefix)
            .and_then(|rest| rest.split_once("__"))
            .is_some_and(|(version, _)| version.chars().all(|c| c.is_ascii_digit() || c == '.' || c == '_'))
    };
    if flyway('v') || flyway('r') || flyway('u') {
        return false;
    }
    let folder = segments.last().copied().unwrap_or_default();
    stem == "down" || stem.ends_with(".down") || (folder == "sqls" && stem.ends_with("-down")) || folder == "revert"
}

/// Whether an added line is a migration tool's section marker: `Some(true)`
/// for a down section's (`-- migrate:down`, `-- +goose Down`, `--
/// +migrate Down`),
/// `Some(false)` for an up section's.
fn section_marker(line: &[u8]) -> Option<bool> {
    let raw = String::from_utf8_lossy(line);
    let text = raw.trim().to_ascii_lowercase();
    let squeezed: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    match squeezed.as_str() {
        // A down marker only as its tool reads one, from the line's start
        // and in its case and spacing (dbmate: `--`, blanks, then
        // `migrate:down`; goose: `+goose Down`; sql-migrate: `-- +migrate
        // Down`): another spelling is a comment the tool runs past, and
        // the statements after it run going up (red team 17: an indented
        // or upper-case `-- migrate:DOWN` hid a `DROP TABLE`). Up markers
        // are read loosely: taking one for a marker reads more.
        "--migrate:down" | "--+goosedown" | "--+migratedown" => {
            let raw = raw.trim_end();
            let ends = |rest: &str| rest.is_empty() || rest.starts_with(char::is_whitespace);
            let after = raw.strip_prefix("--").map(str::trim_start).unwrap_or_default();
            let strict = after.strip_prefix("migrate:down").is_some_and(ends)
                || after.strip_prefix("+goose Down").is_some_and(ends)
                || raw.strip_prefix("-- +migrate Down").is_some_and(ends);
            return strict.then_some(true);
        }
        "--migrate:up" | "--+gooseup" | "--+migrateup" => return Some(false),
        _ => {}
    }
    // Functions, by how their definitions begin (`def downgrade() ->
    // None:`, `public function down(): void`, `exports.down = function`).
    const DOWN: [&str; 9] = [
        "defdowngrade(",
        "defdown(",
        "defself.down",
        "publicfunctiondown(",
        "functiondown(",
        "exports.down=",
        "exportasyncfunctiondown(",
        "exportfunctiondown(",
        "publicasyncdown(",
    ];
    const UP: [&str; 10] = [
        "defupgrade(",
        "defup(",
        "defself.up",
        "defchange(",
        "publicfunctionup(",
        "functionup(",
        "exports.up=",
        "exportasyncfunctionup(",
        "exportfunctionup(",
        "publicasyncup(",
    ];
    // Rails writes `def down` and `def up` without parentheses; Sequelize
    // `down: async (queryInterface) => {`, `async down(queryInterface)`.
    let word = |w: &str| {
        squeezed == format!("def{w}")
            || text.starts_with(&format!("async {w}("))
            || squeezed.starts_with(&format!("{w}:async"))
            || squeezed.starts_with(&format!("{w}:function"))
    };
    if DOWN.iter().any(|m| squeezed.starts_with(m)) || word("down") {
        Some(true)
    } else if UP.iter().any(|m| squeezed.starts_with(m)) || word("up") || squeezed == "defchange" {
        Some(false)
    } else {
        None
    }
}

/// Whether a migration's whole `text` destroys data for good, read as
/// [`destructive_migrations`] reads a migration's added lines: for a file
/// moved into the migrations (`git mv scratch/drop.sql
/// db/migrations/0005.sql` adds no lines by git's count, yet the tool runs
/// all of it). A text longer than [`MAX_MIGRATION_TEXT`], or holding a NUL
/// byte, is not read, and counts as destroying data. A down migration by
/// its name, and down sections, are skipped as they are in added lines.
///
/// ```
/// use blastgate_ingest::git::migration_destroys;
/// assert!(migration_destroys("db/migrations/2_tidy.sql", b"-- tidy up\nDROP TABLE outbox;\n"));
/// assert!(!migration_destroys("db/migrations/2_add.sql", b"CREATE TABLE outbox (id int);\n"));
/// assert!(!migration_destroys("db/migrations/2_add.down.sql", b"DROP TABLE outbox;\n"));
/// ```
pub fn migration_destroys(path: &str, text: &[u8]) -> bool {
    if text.len() > MAX_MIGRATION_TEXT || text.contains(&0) {
        return true;
    }
    let mut read = MigrationText::default();
    for line in text.split(|&b| b == b'\n') {
        read.push(line);
    }
    (read.up_marked || !is_down_migration(path)) && read.destroys()
}

/// Settings that guard resources against deletion, as a squeezed line
/// (lower case, no blanks or quotes) reads when the guard is on, by the
/// name a message gives them.
const GUARDS_ON: [(&str, &str); 26] = [
    ("prevent_destroy=true", "prevent_destroy"),
    ("deletion_protection=true", "deletion_protection"),
    // (YAML's spelling: Ansible's modules, Crossplane's providers.)
    ("deletion_protection:true", "deletion_protection"),
    ("deletion_protection_enabled=true", "deletion_protection"),
    ("deletionprotection:true", "DeletionProtection"),
    ("deletionprotectionenabled:true", "DeletionProtection"),
    ("deletionpolicy:retain", "DeletionPolicy"),
    ("deletionpolicy:snapshot", "DeletionPolicy"),
    ("deletionpolicy:retainexceptondelete", "DeletionPolicy"),
    ("persistentvolumereclaimpolicy:retain", "persistentVolumeReclaimPolicy"),
    ("reclaimpolicy:retain", "reclaimPolicy"),
    ("helm.sh/resource-policy:keep", "helm.sh/resource-policy"),
    ("argocd.argoproj.io/sync-options:prune=false", "Argo CD Prune=false"),
    ("argocd.argoproj.io/sync-options:delete=false", "Argo CD Delete=false"),
    ("kustomize.toolkit.fluxcd.io/prune:disabled", "Flux prune: disabled"),
    // Crossplane's and the Kubernetes controllers of the clouds: the
    // cloud resource outlives its object.
    ("deletionpolicy:orphan", "DeletionPolicy"),
    ("cnrm.cloud.google.com/deletion-policy:abandon", "cnrm.cloud.google.com/deletion-policy"),
    ("services.k8s.aws/deletion-policy:retain", "services.k8s.aws/deletion-policy"),
    // Pulumi's resource options.
    ("protect:true", "protect"),
    ("retainondelete:true", "retainOnDelete"),
    // Terraform's AWS and Google providers.
    ("disable_api_termination=true", "disable_api_termination"),
    ("enable_deletion_protection=true", "enable_deletion_protection"),
    ("enable_drop_protection=true", "enable_drop_protection"),
    ("deletion_protection=protected", "deletion_protection"),
    // The AWS CDK's stacks.
    ("terminationprotection:true", "terminationProtection"),
    // A StatefulSet's claims kept when it goes.
    ("whendeleted:retain", "whenDeleted"),
];

/// Settings that let resources, or their data, be deleted, as a squeezed
/// line reads when they are set so.
const GUARDS_OFF: [(&str, &str); 24] = [
    ("prevent_destroy=false", "prevent_destroy"),
    ("deletion_protection=false", "deletion_protection"),
    ("deletion_protection:false", "deletion_protection"),
    ("deletion_protection_enabled=false", "deletion_protection"),
    ("deletionprotection:false", "DeletionProtection"),
    ("deletionprotectionenabled:false", "DeletionProtection"),
    ("deletionpolicy:delete", "DeletionPolicy"),
    ("updatereplacepolicy:delete", "UpdateReplacePolicy"),
    ("persistentvolumereclaimpolicy:delete", "persistentVolumeReclaimPolicy"),
    ("reclaimpolicy:delete", "reclaimPolicy"),
    ("skip_final_snapshot=true", "skip_final_snapshot"),
    ("force_destroy=true", "force_destroy"),
    ("disable_api_termination=false", "disable_api_termination"),
    ("enable_deletion_protection=false", "enable_deletion_protection"),
    ("enable_drop_protection=false", "enable_drop_protection"),
    ("deletion_protection=unprotected", "deletion_protection"),
    ("prevent_deletion_if_contains_resources=false", "prevent_deletion_if_contains_resources"),
    ("protect:false", "protect"),
    ("terminationprotection:false", "terminationProtection"),
    // The AWS CDK: a bucket's objects deleted with it.
    ("autodeleteobjects:true", "autoDeleteObjects"),
    ("auto_delete_objects=true", "autoDeleteObjects"),
    // No automated backups: RDS deletes those it kept at once.
    ("backup_retention_period=0", "backup_retention_period"),
    ("backupretentionperiod:0", "BackupRetentionPeriod"),
    ("whendeleted:delete", "whenDeleted"),
];

/// The guards against deletion that a `git diff -p` output's changes turn
/// off in each file `is_infrastructure` accepts, by path, each name once
/// and sorted: a guard's line removed (`prevent_destroy = true`,
/// `deletion_protection = true`, CloudFormation's `DeletionPolicy:
/// Retain`, a volume's `Retain` reclaim policy, Helm's
/// `helm.sh/resource-policy: keep`, Argo CD's `Prune=false`) more often
/// than added, or a line that turns one off added more often than removed
/// (`deletion_protection = false`, `DeletionPolicy: Delete`,
/// `skip_final_snapshot = true`, `force_destroy = true`). Lines are read
/// lower case, without blanks or quotes, comments aside. Turning a guard
/// off destroys nothing yet, but it is how a deletion is prepared: the
/// next plan may destroy what it guarded, and data a final snapshot would
/// have kept is lost.
///
/// ```
/// use blastgate_ingest::git::removed_guards;
/// let patch = b"diff --git a/db/main.tf b/db/main.tf\n--- a/db/main.tf\n+++ b/db/main.tf\n@@ -3 +3 @@\n-  deletion_protection = true\n+  deletion_protection = false\n";
/// let found = removed_guards(patch, |_| true);
/// assert_eq!(found.get("db/main.tf").map(Vec::as_slice), Some(&["deletion_protection".to_owned()][..]));
/// ```
pub fn removed_guards(patch: &[u8], is_infrastructure: impl Fn(&str) -> bool) -> BTreeMap<String, Vec<String>> {
    // Per path and guard: how many lines turn it off, net.
    let mut net: BTreeMap<String, BTreeMap<String, i64>> = BTreeMap::new();
    for_each_changed_run(patch, is_infrastructure, |path, sign, text| {
        if sign == 0 {
            return;
        }
        let text = text.split(" #").next().unwrap_or(text).split(" //").next().unwrap_or(text);
        let whole = squeeze(text);
        let guards = net.entry(path.to_owned()).or_default();
        // A Terraform variables file's setting of a variable named for a
        // guard (`reports_db_deletion_protection = false`, as `-var`
        // would give it; red team 11), by its setting.
        let ends = |suffix: &str| {
            path.len() >= suffix.len()
                && path.get(path.len() - suffix.len()..).is_some_and(|e| e.eq_ignore_ascii_case(suffix))
        };
        if ends(".tfvars") || ends(".tfvars.json") {
            let setting = whole.trim_start_matches('-').trim_end_matches(',').replacen(':', "=", 1);
            if let Some(setting) = guard_variable(&setting) {
                *guards.entry(setting).or_insert(0) += sign;
                return;
            }
        }
        if let Some(on) = cdk_removal_policy(whole.trim_start_matches('-')) {
            // (A guard kept, `RETAIN`, counts as a guard's line; `DESTROY`
            // as one that turns it off.)
            *guards.entry("removalPolicy".to_owned()).or_insert(0) += if on { -sign } else { sign };
            return;
        }
        // Each setting of the line: one a line, or several in one
        // (`lifecycle { prevent_destroy = true }`, Pulumi's
        // `aws.rds.Instance("orders", ..., deletion_protection=False)`).
        for part in text.split(SETTING_SEPARATORS) {
            match guard_setting(part) {
                // A guard's line removed turns it off.
                Some((name, true)) => *guards.entry(name.to_owned()).or_insert(0) -= sign,
                Some((name, false)) => *guards.entry(name.to_owned()).or_insert(0) += sign,
                None => {}
            }
        }
    });
    net.into_iter()
        .map(|(path, guards)| (path, guards.into_iter().filter(|(_, n)| *n > 0).map(|(g, _)| g).collect::<Vec<_>>()))
        .filter(|(_, guards)| !guards.is_empty())
        .collect()
}

/// How many settings of each guard against deletion ([`removed_guards`]'
/// list: `prevent_destroy = true`, `deletion_protection = true`, ...) the
/// whole `text` of a configuration file holds where its tools read them:
/// comments (`#`, `//`, `/* */`) and Terraform heredocs' text are not
/// read. Comparing a file's counts before and after a change finds the
/// guards it turns off without touching their lines (red team 17: `/*`
/// and `*/` added around an unchanged `deletion_protection = true`).
/// Empty for a text too large to read or holding a NUL byte.
///
/// ```
/// use blastgate_ingest::git::guard_counts;
/// let on = guard_counts(b"resource \"aws_db_instance\" \"a\" {\n  deletion_protection = true\n}\n");
/// assert_eq!(on.get("deletion_protection"), Some(&1));
/// let wrapped = guard_counts(b"resource \"aws_db_instance\" \"a\" {\n  /*\n  deletion_protection = true\n  */\n}\n");
/// assert_eq!(wrapped.get("deletion_protection"), None);
/// ```
pub fn guard_counts(text: &[u8]) -> BTreeMap<&'static str, usize> {
    let mut counts = BTreeMap::new();
    if text.len() > MAX_EMPTIED_TEXT || text.contains(&0) {
        return counts;
    }
    let raw = String::from_utf8_lossy(text);
    let text = uncomment_config(&raw.replace("\r\n", "\n").replace('\r', "\n"));
    let mut heredoc: Option<String> = None;
    for line in text.lines() {
        if let Some(end) = heredoc.as_deref() {
            if line.trim() == end {
                heredoc = None;
            }
            continue;
        }
        heredoc = heredoc_start(line);
        for part in line.split(SETTING_SEPARATORS) {
            if let Some((name, true)) = guard_setting(part) {
                *counts.entry(name).or_insert(0) += 1;
            }
        }
    }
    counts
}

/// What separates the settings of one line (`lifecycle { prevent_destroy
/// = true }`, Pulumi's `Instance("orders", ..., deletion_protection=False)`).
const SETTING_SEPARATORS: [char; 6] = [',', '(', ')', '{', '}', ';'];

/// The guard a setting (one part of a line, [`SETTING_SEPARATORS`]) sets,
/// and whether it keeps it on (`true`: [`GUARDS_ON`]) or turns it off
/// ([`GUARDS_OFF`]).
fn guard_setting(part: &str) -> Option<(&'static str, bool)> {
    let squeezed = squeeze(part);
    let squeezed = squeezed.trim_start_matches('-');
    let find = |list: &[(&str, &'static str)]| list.iter().find(|(l, _)| squeezed == *l).map(|(_, n)| *n);
    find(&GUARDS_ON).map(|n| (n, true)).or_else(|| find(&GUARDS_OFF).map(|n| (n, false)))
}

/// `text` squeezed as guard settings are matched: blanks and quotes taken
/// out, lower case (`  "DeletionProtection": false` is
/// `deletionprotection:false`).
fn squeeze(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace() && !matches!(c, '"' | '\'')).flat_map(char::to_lowercase).collect()
}

/// Whether a squeezed line sets an AWS CDK removal policy that keeps the
/// resource (`removalPolicy: RemovalPolicy.RETAIN`, `SNAPSHOT`,
/// `RETAIN_ON_UPDATE_OR_DELETE`: `Some(true)`) or destroys it with the
/// stack (`RemovalPolicy.DESTROY`: `Some(false)`), as a property
/// (`removalPolicy:`, Python's `removal_policy=`) or a call
/// (`applyRemovalPolicy(...)`, `apply_removal_policy(...)`).
fn cdk_removal_policy(squeezed: &str) -> Option<bool> {
    let set = ["removalpolicy:", "removal_policy=", "applyremovalpolicy(", "apply_removal_policy("]
        .iter()
        .any(|k| squeezed.starts_with(k) || squeezed.contains(&format!(".{k}")));
    if !set {
        return None;
    }
    let (_, value) = squeezed.rsplit_once("removalpolicy.")?;
    let value = value.split([',', ';', ')']).next().unwrap_or(value);
    match value {
        "retain" | "snapshot" | "retain_on_update_or_delete" => Some(true),
        "destroy" => Some(false),
        _ => None,
    }
}

/// What the commands added to scripts and pipelines destroy, by path:
/// for each file `is_candidate` accepts (CI and CD definitions, shell
/// scripts, Makefiles), the types of the infrastructure that commands on
/// its added lines delete, net of the same commands on its removed lines
/// (a command reworded destroys nothing new). A line ending in `\`
/// continues on the next.
///
/// A command is read where one starts: at the start of a segment of a line
/// (`;`, `&&`, `||`, `|`, parentheses, backticks and quotes split them),
/// after words that run it (`run:`, `-`, `sudo`, `env X=1`, `retry 3`,
/// `sh -c`), or as the image of `docker run`; its tool is
/// `terraform`, `kubectl`, ... by its last path part (`/usr/bin/terraform`,
/// `hashicorp/terraform:1.9`, a Makefile's `@terraform`). Prose, `echo`,
/// `Write-Host`, a `log` helper and a step's `name:` or `description:`
/// start with other words, and run nothing. Read:
///
/// - `terraform`, `tofu` or `terragrunt` `destroy` (and `run-all
///   destroy`), `apply -destroy`, `plan -destroy -out=FILE` (the plan a
///   later `apply FILE` runs): `terraform destroy`, or the type of each
///   `-target` address; `apply -replace=ADDRESS`: the address's type
///   (replaced is destroyed and made anew, empty);
/// - `pulumi destroy` or `down`, `cdk destroy`, `sam delete`,
///   `serverless remove` (`sls`), `helmfile destroy` or `delete`,
///   `eksctl delete`, `dropdb`: the tool's words;
/// - data services' own command lines (`kafka-topics --delete`,
///   `rabbitmqadmin delete queue`, `redis-cli FLUSHALL`, `mongosh --eval
///   "db.dropDatabase()"`, `etcdctl del --prefix`, `vault secrets
///   disable`, `consul kv delete -recurse`, `nats stream rm`), and
///   Docker's `compose down --volumes` and `volume rm` where aimed at
///   another host (`ssh`, `-H`, `--context`, `DOCKER_HOST`): the
///   command's words; a command run over `ssh` is read as the command;
/// - `kubectl` or `oc` `delete KIND`, for namespaces, claims and volumes,
///   stateful sets, deployments, services, daemon sets, ingresses, custom
///   resource definitions and `all`, as Kubernetes names them (`pvc` is
///   `PersistentVolumeClaim`); other kinds, and `-f` or `-k`, are not
///   counted;
/// - `helm uninstall` or `delete NAME`: `helm uninstall NAME`;
///   `argocd app delete NAME`: `argocd app NAME`;
/// - `aws SERVICE delete-...` or `terminate-...`, `gcloud ... delete` and
///   `az ... delete` whose words name infrastructure (a database,
///   cluster, table, bucket, stack, queue, topic, volume, function,
///   service, instance, group, ...) and no routine object (logs, keys,
///   images, versions, tags, blobs, secrets, snapshots, aliases), `aws s3
///   rb`, `gsutil rb`: the command's words (`aws rds delete-db-instance`);
/// - SQL that drops a database, schema or table or empties a table
///   (`DROP DATABASE`, `DROP SCHEMA`, `DROP TABLE`, `TRUNCATE TABLE`;
///   and `TRUNCATE orders` or a `DELETE FROM` with no `WHERE` on a line
///   that runs a SQL client or ends in `;`): `database`;
/// - `cdktf destroy`, `sst remove`, `copilot ... delete`, `heroku
///   apps:destroy`, `addons:destroy`, `pg:reset`, `fly apps destroy`,
///   `fly volumes destroy`, `doctl ... delete` of infrastructure,
///   `gitlab-terraform destroy`, `az deployment ... --mode Complete`
///   (`complete deployment`), and PowerShell's Azure and AWS cmdlets
///   that remove infrastructure (`Remove-AzResourceGroup`);
/// - a framework's database reset (`prisma migrate
///   reset`, `rails db:drop`, `artisan migrate:fresh`, `manage.py flush`,
///   `flyway clean`, ...): `database`, except in the tasks people run by
///   name (`package.json`, Makefiles) and after an
///   assignment naming a test or local environment (`RAILS_ENV=test`,
///   `DATABASE_URL=...localhost...`).
///
/// Not counted: comment lines and trailing comments, `--dry-run` (not
/// read as a destroy), and a command whose arguments name a short-lived
/// or local environment: a word of its own text (`preview`, `ephemeral`,
/// `pr`, `pull`, `review`, `test`, `e2e`, `ci`, `tmp`, `temp`,
/// `sandbox`, `example`, `dev`, `local`, `kind`, `minikube`, ...), or a
/// CI expression for a pull request, branch or run (`${{
/// github.event.number }}`, `$CI_MERGE_REQUEST_IID`, `run_id`). A
/// variable's name is no word of its text (`$CI_PROJECT_DIR`). At most
/// [`MAX_TYPES_READ`] types a file, each clipped to [`MAX_TYPE_BYTES`];
/// a line over 4 KiB is read in pieces cut between commands (each
/// segment by its first 4 KiB).
///
/// ```
/// use blastgate_ingest::git::destructive_commands;
/// let patch = b"diff --git a/.github/workflows/deploy.yml b/.github/workflows/deploy.yml\n--- a/.github/workflows/deploy.yml\n+++ b/.github/workflows/deploy.yml\n@@ -7 +7,2 @@\n-      - run: terraform apply -auto-approve\n+      - run: terraform destroy -auto-approve\n+      - run: kubectl delete pvc ledger && kubectl delete namespace preview-${{ github.event.number }}\n";
/// let found = destructive_commands(patch, |_| true);
/// assert_eq!(found[".github/workflows/deploy.yml"], ["PersistentVolumeClaim", "terraform destroy"]);
/// ```
pub fn destructive_commands(patch: &[u8], is_candidate: impl Fn(&str) -> bool) -> BTreeMap<String, Vec<String>> {
    let mut net: BTreeMap<String, BTreeMap<String, i64>> = BTreeMap::new();
    // Files whose added lines point a framework at a test or local
    // database (`export RAILS_ENV=test`): a database reset there is that
    // one's.
    let mut test_databases: BTreeSet<String> = BTreeSet::new();
    // What each file's lines so far aim its frameworks at (see
    // [`PRODUCTION_MARKS`]), by path and side.
    let mut aimed: BTreeMap<(String, i64), BTreeSet<&'static str>> = BTreeMap::new();
    let mut count = |path: &str, sign: i64, text: &str, marks: &str| {
        let Some(text) = deploy_command(path, text) else { return };
        let read = (!is_task_runner(path) || lifecycle_script(path, &text)) && !sets_up_development(path);
        let types = commands_destroy(&text, read.then_some(marks));
        if types.is_empty() {
            return;
        }
        let counts = net.entry(path.to_owned()).or_default();
        for t in types {
            if counts.len() < MAX_TYPES_READ || counts.contains_key(&t) {
                *counts.entry(t).or_insert(0) += sign;
            }
        }
    };
    // A command continued over lines (`\` at a line's end) is read whole.
    let mut pending: Option<(String, i64, String, String)> = None;
    // The variables the added (or removed) lines of each file set from
    // literals, read into the lines after them (`NAMESPACE=review-$SLUG`
    // then `kubectl delete namespace "$NAMESPACE"`).
    let mut assigned: BTreeMap<(String, i64), BTreeMap<String, String>> = BTreeMap::new();
    // The folder each file's lines so far moved to on a line of its own
    // (`cd infra`, then `./destroy.sh` on the next), by path and side.
    let mut folders: BTreeMap<(String, i64), Folder> = BTreeMap::new();
    // The word that ends a heredoc printed to the terminal (usage text,
    // `cat <<EOF`), by path and side: its lines are text, not commands.
    let mut printed: BTreeMap<(String, i64), (String, bool)> = BTreeMap::new();
    // The shell functions each file's lines so far define, by path and
    // side.
    let mut functions: BTreeMap<(String, i64), ShellFunctions> = BTreeMap::new();
    let mut read_line = |path: &str, sign: i64, text: &str| {
        // (A break in the changed lines ends what the lines before it
        // opened: the lines between are not seen.)
        if sign == 0 {
            printed.retain(|(p, _), _| p != path);
            return;
        }
        let side = (path.to_owned(), sign);
        if let Some((end, quoted)) = printed.get(&side) {
            if text.trim() == end {
                printed.remove(&side);
                return;
            }
            // (Unquoted, its `$(...)` and backticks run.)
            if *quoted || !(text.contains("$(") || text.contains('`')) {
                return;
            }
        }
        if let Some(end) = printed_heredoc(text) {
            printed.insert(side, end);
        }
        let variables = assigned.entry((path.to_owned(), sign)).or_default();
        let text = substitute(text, variables);
        // A shell function defined on the lines so far runs its body where
        // it is called (red team 13: `f() { redis-cli -h cache "$@"; }`
        // then `f FLUSHALL`).
        let shell_functions = functions.entry((path.to_owned(), sign)).or_default();
        let text = shell_functions.read(&text);
        let text = match folders.entry((path.to_owned(), sign)).or_default().after(&text) {
            Some(dir) => format!("cd {dir} && {text}"),
            None => text,
        };
        let text = text.as_str();
        let assignment = text.trim_start().trim_start_matches("export ").trim_start().trim_start_matches("$env:");
        let assignment = assignment.trim_start_matches('$');
        if let Some((name, value)) = assignment.split_once('=')
            && !name.trim().is_empty()
            && name.trim().chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        {
            let (name, value) = (name.trim(), value.trim().trim_matches(['"', '\'']));
            if sign > 0 && test_database(&format!("{name}: {value}")) {
                test_databases.insert(path.to_owned());
            }
            // (Only a literal: a command's output, `$(cd "$(dirname "$0")" &&
            // pwd)`, is not known; the name then stays a variable.)
            if value.contains("$(") || value.contains('`') {
                variables.remove(name);
            } else if (variables.len() < 256 || variables.contains_key(name)) && value.len() <= 256 {
                variables.insert(name.to_owned(), value.to_owned());
            }
        }
        let marks = aimed.entry((path.to_owned(), sign)).or_default();
        marks.extend(production_marks(text));
        let marks: String = marks.iter().copied().collect::<Vec<_>>().join(" ");
        let text = match pending.take() {
            Some((p, s, before, _)) if p == path && s == sign => format!("{before} {text}"),
            Some((p, s, before, m)) => {
                count(&p, s, &before, &m);
                text.to_owned()
            }
            None => text.to_owned(),
        };
        // (PowerShell continues with a backtick.)
        let continued = text.trim_end().strip_suffix('\\').or_else(|| text.trim_end().strip_suffix('`'));
        match continued {
            Some(head) if text.len() <= 4 * 4096 => pending = Some((path.to_owned(), sign, head.to_owned(), marks)),
            _ => count(path, sign, &text, &marks),
        }
    };
    // Scripts of other languages: the command lines their calls run
    // (`subprocess.run(["terraform", "destroy"])`), each read as a line.
    let mut programs: BTreeMap<(String, i64), ProgramReader> = BTreeMap::new();
    // YAML's folded blocks (`run: >`, GitLab's `- >`): their lines, as
    // far as the change adds (or removes) them, are one command (see
    // [`fold_block`]), by path and side.
    let mut folds: BTreeMap<(String, i64), Vec<String>> = BTreeMap::new();
    let yaml = |path: &str| {
        let lower = path.to_ascii_lowercase();
        lower.ends_with(".yml") || lower.ends_with(".yaml")
    };
    for_each_changed_run(patch, is_candidate, |path, sign, text| {
        if sign == 0 {
            // (A folded block the change adds ends where its lines do.)
            for side in [1, -1] {
                if let Some(command) = folds.remove(&(path.to_owned(), side)).as_deref().and_then(folded_command) {
                    read_line(path, side, &command);
                }
            }
            read_line(path, 0, "");
            return;
        }
        if let Some(language) = program_language(path) {
            let reader = programs.entry((path.to_owned(), sign)).or_insert_with(|| ProgramReader::new(language));
            for command in reader.feed(text) {
                read_line(path, sign, &command);
            }
            if !language.reads_as_shell() {
                return;
            }
        }
        if yaml(path) {
            let side = (path.to_owned(), sign);
            if let Some(block) = folds.get_mut(&side) {
                let opening = block.first().map_or(0, |l| indent_of(l));
                let inside = text.trim().is_empty() || indent_of(text) > opening;
                if inside && block.len() <= MAX_FOLDED_LINES {
                    block.push(text.to_owned());
                    return;
                }
                if let Some(command) = folds.remove(&side).as_deref().and_then(folded_command) {
                    read_line(path, sign, &command);
                }
            }
            if folded_opening(text).is_some() {
                folds.insert(side, vec![text.to_owned()]);
                return;
            }
        }
        read_line(path, sign, text);
    });
    for ((path, sign), block) in &folds {
        if let Some(command) = folded_command(block) {
            read_line(path, *sign, &command);
        }
    }
    for ((path, sign), reader) in &mut programs {
        for command in reader.finish() {
            read_line(path, *sign, &command);
        }
    }
    if let Some((p, s, text, m)) = pending {
        count(&p, s, &text, &m);
    }
    for path in &test_databases {
        if let Some(types) = net.get_mut(path) {
            types.remove("database");
        }
    }
    // A command (or a call of a task or script) moved from one file to
    // another runs nothing new: what the change takes out of some files
    // offsets what it adds to others, the files taken in path order (a
    // red team: a call moved between workflows, or into the script the
    // workflow runs, blocked). As the steps of CI definitions are netted.
    let mut taken_out: BTreeMap<String, i64> = BTreeMap::new();
    for types in net.values() {
        for (t, n) in types.iter().filter(|(_, n)| **n < 0) {
            *taken_out.entry(t.clone()).or_insert(0) -= n;
        }
    }
    for types in net.values_mut() {
        for (t, n) in types.iter_mut().filter(|(_, n)| **n > 0) {
            if let Some(left) = taken_out.get_mut(t) {
                let offset = (*n).min(*left);
                (*n, *left) = (*n - offset, *left - offset);
            }
        }
    }
    net.into_iter()
        .map(|(path, types)| (path, types.into_iter().filter(|(_, n)| *n > 0).map(|(t, _)| t).collect::<Vec<_>>()))
        .filter(|(_, types)| !types.is_empty())
        .collect()
}

/// The word that ends a heredoc that `line` opens to print text (`cat
/// <<EOF`, `cat <<-'USAGE'`, in a function's `usage() { cat <<EOF`), if
/// it does: `cat` reading it, its output neither written to a file
/// (`>`) nor piped on (`| bash` runs it). Other heredocs (`bash <<EOF`,
/// `psql <<SQL`, `cat > cleanup.sh <<EOF`) are read as commands.
fn printed_heredoc(line: &str) -> Option<(String, bool)> {
    let at = line.find("<<")?;
    let (before, after) = (line.get(..at)?, line.get(at + 2..)?);
    if after.starts_with('<') {
        return None;
    }
    // (In a function's body, `usage() { cat <<EOF`; not in a group or a
    // substitution whose output goes on, `{ cat <<EOF ... } | bash`,
    // `SCRIPT=$(cat <<EOF`.)
    let before = before.trim();
    let body = function_head(before).unwrap_or(before);
    if body.contains(['(', '{', '`', '=']) {
        return None;
    }
    let command = body.rsplit([';', '|', '&']).next().unwrap_or(body);
    let mut words = command.split_whitespace();
    if words.next() != Some("cat") || words.next().is_some() {
        return None;
    }
    let after = after.strip_prefix('-').unwrap_or(after).trim_start();
    let quoted = after.starts_with(['\'', '"', '\\']);
    let end: String = after
        .trim_start_matches(['\'', '"', '\\'])
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    let rest = after.get(end.len()..).unwrap_or_default().trim_start_matches(['\'', '"']);
    (!end.is_empty() && !rest.contains(['>', '|', ')'])).then_some((end, quoted))
}

/// What follows a shell function's head at the start of `text` (`usage()
/// {`, `function usage {`, `function usage() {`), if it starts with one.
fn function_head(text: &str) -> Option<&str> {
    let rest = text.strip_prefix("function ").map_or(text, str::trim_start);
    let name_end = rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))?;
    if name_end == 0 {
        return None;
    }
    let rest = rest.get(name_end..)?.trim_start();
    let rest = rest.strip_prefix("()").map_or(rest, str::trim_start);
    let rest = rest.strip_prefix('{')?;
    (rest.is_empty() || rest.starts_with(char::is_whitespace)).then(|| rest.trim_start())
}

/// Most lines of a folded block read as one command.
const MAX_FOLDED_LINES: usize = 200;

/// How far `line` is indented.
fn indent_of(line: &str) -> usize {
    line.len() - line.trim_start().len()
}

/// Where `line` opens a YAML folded block (`run: >`, `- >-`, `script: >+`):
/// the text before its indicator (`run:`, `-`).
fn folded_opening(line: &str) -> Option<&str> {
    let t = line.trim_end();
    let head = t.strip_suffix(['-', '+']).unwrap_or(t).strip_suffix('>')?;
    let key = head.trim_end();
    let spaced = head.len() > key.len();
    (spaced && (key.ends_with(':') || key.trim_start() == "-")).then_some(key)
}

/// The command a YAML folded block opened at `lines[at]` gives the shell
/// (`run: >` with `aws rds modify-db-instance` and
/// `--no-deletion-protection` on the lines under it), after the
/// opening's key (`run: aws rds modify-db-instance
/// --no-deletion-protection`), and the index after the block. YAML folds
/// lines of the block's own indent into one line; a more indented line,
/// and one after a blank, stays a line of its own: those are separated
/// by ` ; `. At most [`MAX_FOLDED_LINES`] lines are joined.
fn fold_block(lines: &[&str], at: usize) -> Option<(String, usize)> {
    let opening = lines.get(at)?;
    let key = folded_opening(opening)?;
    let outer = indent_of(opening);
    let mut base: Option<usize> = None;
    let mut out: Vec<String> = Vec::new();
    let mut joinable = false;
    let mut i = at + 1;
    while let Some(l) = lines.get(i) {
        if i - at > MAX_FOLDED_LINES {
            break;
        }
        if l.trim().is_empty() {
            joinable = false;
            i += 1;
            continue;
        }
        let d = indent_of(l);
        if d <= outer {
            break;
        }
        let own = d == *base.get_or_insert(d);
        match out.last_mut() {
            Some(last) if own && joinable => {
                last.push(' ');
                last.push_str(l.trim());
            }
            _ => out.push(l.trim().to_owned()),
        }
        joinable = own;
        i += 1;
    }
    (!out.is_empty()).then(|| (format!("{key} {}", out.join(" ; ")), i))
}

/// The command of a folded block's lines, its opening first (see
/// [`fold_block`]).
fn folded_command(block: &[String]) -> Option<String> {
    let lines: Vec<&str> = block.iter().map(String::as_str).collect();
    fold_block(&lines, 0).map(|(command, _)| command)
}

/// The folder that a line of its own moved the lines after it to (`cd
/// infra`, then `./destroy.sh`), read a line at a time: see [`lone_cd`].
#[derive(Debug, Default)]
struct Folder(Option<(String, usize)>);

impl Folder {
    /// The folder `line` runs in, if a line of its own before it moved
    /// there (`None` for the line that moves, and for a blank one); a line
    /// less indented than the block it applied to leaves it.
    fn after(&mut self, line: &str) -> Option<String> {
        if line.trim().is_empty() {
            return None;
        }
        let depth = line.len() - line.trim_start().len();
        if self.0.as_ref().is_some_and(|(_, least)| depth < *least) {
            self.0 = None;
        }
        let Some(moved) = lone_cd(line) else { return self.0.as_ref().map(|(dir, _)| dir.clone()) };
        // (A move from the folder already moved to goes on from it.)
        self.0 = moved.map(|(dir, least)| match self.0.take() {
            Some((before, _)) if depth >= least => (format!("{before}/{dir}"), least),
            _ => (dir, least),
        });
        None
    }
}

/// The folder a line that only changes folder moves to (`cd infra`,
/// `pushd infra`, `- cd infra` in a CI list, `run: cd infra`), with the
/// least indent of the lines after it that it applies to: those of its
/// block (a `run:` key's lines below it, a list's next items). `Some(None)`
/// for a line that leaves the folder (`cd ..`, `cd -`, `popd`, `cd` into
/// a folder named by a variable).
fn lone_cd(line: &str) -> Option<Option<(String, usize)>> {
    let depth = line.len() - line.trim_start().len();
    let mut t = line.trim();
    let item = t.starts_with("- ");
    t = t.trim_start_matches("- ").trim_start();
    let mut keyed = false;
    for key in ["run:", "script:", "command:", "cmd:", "bash:", "sh:", "inlineScript:", "pwsh:", "powershell:"] {
        if let Some(rest) = t.strip_prefix(key) {
            (t, keyed) = (rest.trim_start().trim_matches(['"', '\'']), true);
            break;
        }
    }
    let mut words = t.split_whitespace();
    let (Some(verb), dir, None) = (words.next(), words.next(), words.next()) else { return None };
    match verb {
        "popd" if dir.is_none() => Some(None),
        "cd" | "pushd" => {
            let dir = dir.unwrap_or_default().trim_matches(['"', '\'']);
            let dir = workspace_relative(dir).trim_end_matches('/').trim_start_matches("./");
            let known = !dir.is_empty()
                && !dir.starts_with(['/', '~', '-'])
                && !dir.contains(['$', '`', '*'])
                && !dir.split('/').any(|s| s == ".." || s == ".");
            // (A key's own line: the lines below it, deeper; a list's item:
            // its next items, as deep.)
            let least = if keyed && !item { depth + 1 } else { depth };
            Some(known.then(|| (dir.to_owned(), least)))
        }
        _ => None,
    }
}

/// Whether `path` is a script whose commands [`destructive_commands`]
/// reads, besides CI and CD definitions: a shell, PowerShell or Windows
/// batch script (`.sh`, `.bash`, `.zsh`, `.ksh`, `.ps1`, `.bat`,
/// `.cmd`), a Makefile (`Makefile`,
/// `GNUmakefile`, `*.mk`), a `justfile`, a `Taskfile.yml`, a
/// `package.json` (its `scripts`), or a platform's deploy file whose
/// lines name commands (a `Procfile`, `fly.toml`: see `deploy_command`).
///
/// ```
/// use blastgate_ingest::git::is_script;
/// assert!(is_script("scripts/teardown.sh") && is_script("infra/Makefile") && is_script("package.json"));
/// assert!(!is_script("src/main.go") && !is_script("docs/teardown.md"));
/// ```
pub fn is_script(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    let lower = name.to_ascii_lowercase();
    let extension = lower.rsplit_once('.').map_or("", |(_, e)| e);
    matches!(extension, "sh" | "bash" | "zsh" | "ksh" | "ps1" | "mk" | "bat" | "cmd")
        || matches!(
            lower.as_str(),
            "makefile"
                | "gnumakefile"
                | "justfile"
                | ".justfile"
                | "taskfile.yml"
                | "taskfile.yaml"
                | "package.json"
                | "procfile"
                | "fly.toml"
        )
}

/// The command a line of a platform's deploy file runs, where the file is
/// no script: a `Procfile`'s process (`release: python manage.py flush`
/// runs `python manage.py flush` on every deploy), or `fly.toml`'s
/// `release_command` (its other lines run nothing: `None`). Any other
/// file's line as it is.
fn deploy_command<'a>(path: &str, text: &'a str) -> Option<std::borrow::Cow<'a, str>> {
    let name = path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
    match name.as_str() {
        "procfile" => text.split_once(':').map(|(_, command)| command.trim().into()),
        "fly.toml" => {
            let (key, value) = text.split_once('=')?;
            (key.trim().trim_start_matches(['+', '-']).trim() == "release_command")
                .then(|| value.trim().trim_matches(['"', '\'']).to_owned().into())
        }
        _ => Some(text.into()),
    }
}

/// Whether a line of a `package.json` sets a lifecycle script, which npm,
/// yarn and the platforms run on their own (`postinstall` on every
/// install, `start` and `heroku-postbuild` on deploy): a framework's
/// database reset there is no developer's convenience (red team 11).
fn lifecycle_script(path: &str, text: &str) -> bool {
    const LIFECYCLE: [&str; 13] = [
        "\"preinstall\"",
        "\"install\"",
        "\"postinstall\"",
        "\"prepare\"",
        "\"prestart\"",
        "\"start\"",
        "\"poststart\"",
        "\"prebuild\"",
        "\"build\"",
        "\"postbuild\"",
        "\"heroku-prebuild\"",
        "\"heroku-postbuild\"",
        "\"vercel-build\"",
    ];
    path.rsplit('/').next().is_some_and(|n| n.eq_ignore_ascii_case("package.json"))
        && LIFECYCLE.iter().any(|k| text.contains(&format!("{k}:")) || text.contains(&format!("{k} :")))
}

/// `text` with each variable of `variables` it names (`$NAME`, `${NAME}`,
/// PowerShell's `$env:NAME`) written as its value.
fn substitute(text: &str, variables: &BTreeMap<String, String>) -> String {
    if variables.is_empty() || !text.contains('$') {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('$') {
        out.push_str(rest.get(..at).unwrap_or_default());
        let after = rest.get(at + 1..).unwrap_or_default();
        // (A line grows to four times the longest read, no more.)
        if out.len() > 4 * 4096 {
            out.push('$');
            rest = after;
            break;
        }
        // (GitHub's `${{ env.NAME }}`.)
        if let Some(expression) = after.strip_prefix("{{")
            && let Some(end) = expression.find("}}")
        {
            let name = expression.get(..end).unwrap_or_default().trim();
            if let Some(value) = variables.get(name.strip_prefix("env.").unwrap_or(name)) {
                out.push_str(value);
                rest = expression.get(end + 2..).unwrap_or_default();
                continue;
            }
        }
        let (inner, braced) = match after.strip_prefix('{') {
            Some(b) => (b, true),
            None => (after.strip_prefix("env:").unwrap_or(after), false),
        };
        let len = inner.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(inner.len());
        let name = inner.get(..len).unwrap_or_default();
        let closed = !braced || inner.get(len..).is_some_and(|t| t.starts_with('}'));
        match variables.get(name).filter(|_| closed && !name.is_empty()) {
            Some(value) => {
                out.push_str(value);
                let used = (after.len() - inner.len()) + len + usize::from(braced);
                rest = after.get(used..).unwrap_or_default();
            }
            None => {
                out.push('$');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Whether `path` is a script that sets up a developer's machine or
/// container (`bin/setup.sh`, `.devcontainer/post-create.sh`,
/// `scripts/setup-dev.sh`): a database reset there is the local one's.
/// Not a CI definition, and not by `ci`, `pr` or `review` in its path (a
/// second red team: `.github/workflows/ci.yml` and every GitLab CI file
/// read no reset at all), which name where scripts run, not what they
/// reset.
fn sets_up_development(path: &str) -> bool {
    if blastgate_change::classify::is_ci_definition(path) {
        return false;
    }
    let lower = path.to_ascii_lowercase();
    let words = [
        "setup",
        "devcontainer",
        "bootstrap",
        "seed",
        "seeds",
        "dev",
        "development",
        "local",
        "test",
        "tests",
        "testing",
        "e2e",
        "fixtures",
    ];
    lower.contains("setup") || lower.split(|c: char| !c.is_ascii_alphanumeric()).any(|w| words.contains(&w))
}

/// Whether `path` defines tasks that people run by name (`package.json`'s
/// scripts, a Makefile, a `justfile`, a `Taskfile.yml`, a `Rakefile`,
/// invoke's `tasks.py`, a `gulpfile.js`) rather than
/// steps that run on their own: a framework's database reset there
/// (`"db:reset": "prisma migrate reset --force"`) is a developer's
/// convenience, and is not read (see [`destructive_commands`]).
fn is_task_runner(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
    let stem = name.split('.').next().unwrap_or_default();
    name.ends_with(".mk")
        || name.ends_with(".rake")
        || matches!(
            name.as_str(),
            "makefile"
                | "gnumakefile"
                | "justfile"
                | ".justfile"
                | "taskfile.yml"
                | "taskfile.yaml"
                | "package.json"
                | "rakefile"
                | "tasks.py"
                | "noxfile.py"
                | "dodo.py"
                | "magefile.go"
        )
        || matches!(stem, "gulpfile" | "gruntfile" | "jakefile")
}

/// The types the commands of a CI or CD definition destroy outside jobs
/// for short-lived environments: each line [`destructive_commands`] reads
/// (lines continued with `\` joined), unless the job it is in is one
/// whose name, `if:` condition, `environment:` or an `env:` entry naming
/// a workspace, namespace, stack, release or environment (`TF_WORKSPACE:
/// pr-${{ github.event.number }}`) names a short-lived environment as a
/// command's arguments would, or whose condition is a pull request being
/// closed. A job is the block of an enclosing key at most two columns
/// in (a GitHub Actions job under `jobs:`, a GitLab CI job at the top). `None` for a text over [`MAX_EMPTIED_TEXT`] or with a NUL
/// byte.
///
/// ```
/// use blastgate_ingest::git::pipeline_destroys;
/// let text = b"jobs:\n  teardown:\n    if: github.event.action == 'closed'\n    env:\n      NAMESPACE: pr-${{ github.event.number }}\n    steps:\n      - run: kubectl delete namespace \"$NAMESPACE\"\n  prod:\n    steps:\n      - run: terraform destroy -auto-approve\n";
/// assert_eq!(pipeline_destroys(text).unwrap().into_iter().collect::<Vec<_>>(), ["terraform destroy"]);
/// ```
pub fn pipeline_destroys(text: &[u8]) -> Option<BTreeSet<String>> {
    read_pipeline(text).map(|(commands, _)| commands)
}

/// What the steps of a CI or CD definition that run a destroying action
/// or task destroy, outside jobs for short-lived environments (as
/// [`pipeline_destroys`] judges them, and a step whose own inputs name
/// one): each type as many times as steps destroy it. Read:
///
/// - GitHub Actions: `dflook/terraform-destroy` and
///   `dflook/terraform-destroy-workspace` (and their `tofu-` twins), and
///   `hashicorp/tfc-workflows-github/actions/create-run` with `is_destroy:
///   true`: `terraform destroy`; `pulumi/actions` with `command: destroy`:
///   `pulumi destroy`; `azure/arm-deploy` with `deploymentMode: Complete`
///   (which deletes what the resource group holds and the template does
///   not): `complete deployment`; a `docker://` image of a tool
///   [`destructive_commands`] reads, with its `args:`, as that command;
/// - Azure Pipelines: a Terraform task (`TerraformTaskV4@4`,
///   `TerraformCLI@1`, ...) or `Pulumi@1` with `command: destroy`, and a
///   template deployment task with `deploymentMode: Complete`;
/// - GitLab CI: a job that `extends:` the Terraform or OpenTofu
///   template's `.terraform:destroy` (or `.opentofu:destroy`).
///
/// An action's reference is read without its version (`@v1`). Compared
/// before and after a change, a type counted more often after is one the
/// change makes the pipeline destroy (`command: up` changed to `command:
/// destroy`). `None` as for [`pipeline_destroys`].
///
/// ```
/// use blastgate_ingest::git::pipeline_steps_destroy;
/// let text = b"jobs:\n  infra:\n    steps:\n      - uses: pulumi/actions@v5\n        with:\n          command: destroy\n          stack-name: org/prod\n";
/// assert_eq!(pipeline_steps_destroy(text).unwrap().into_iter().collect::<Vec<_>>(), [("pulumi destroy".to_owned(), 1)]);
/// ```
pub fn pipeline_steps_destroy(text: &[u8]) -> Option<BTreeMap<String, usize>> {
    read_pipeline(text).map(|(_, steps)| steps)
}

/// The reading behind [`pipeline_destroys`] and
/// [`pipeline_steps_destroy`]: what the commands destroy, and what the
/// steps do, each outside jobs for short-lived environments.
fn read_pipeline(text: &[u8]) -> Option<(BTreeSet<String>, BTreeMap<String, usize>)> {
    if text.len() > MAX_EMPTIED_TEXT || text.contains(&0) {
        return None;
    }
    let raw = String::from_utf8_lossy(text).replace("\r\n", "\n");
    // (A Cloud Build config in JSON: its steps, each a command line.)
    if raw.trim_start().starts_with('{')
        && let Some(steps) = json_build_steps(&raw)
    {
        return Some((steps.keys().cloned().collect(), steps));
    }
    let lines: Vec<&str> = raw.lines().collect();
    let indent = |l: &str| l.len() - l.trim_start().len();
    // Whether each job (by its line) is a short-lived environment's,
    // found once: the block under its key, up to the next line as far in.
    let block_end = |j: usize| block_end(&lines, j);
    let mut judged: BTreeMap<usize, bool> = BTreeMap::new();
    let mut judge = |j: usize| -> bool {
        *judged.entry(j).or_insert_with(|| {
            let name = lines.get(j).map_or("", |l| l.trim().trim_end_matches(':'));
            let block = lines.get(j + 1..block_end(j)).unwrap_or_default();
            // A GitLab rule that matches them and says `when: never`
            // keeps them out.
            let never = |k: usize| {
                block.iter().skip(k + 1).take(3).take_while(|l| !l.trim_start().starts_with("- ")).any(|l| {
                    let t: String = l.chars().filter(|c| !c.is_whitespace() && !matches!(c, '"' | '\'')).collect();
                    t.eq_ignore_ascii_case("when:never")
                })
            };
            short_lived(name) || (0..block.len()).any(|k| job_marks_short_lived(block, k) && !never(k))
        })
    };
    // Whether a job (or the whole file, by its top-level `env:` or
    // `variables:`) points a framework at a test or local database
    // (`RAILS_ENV: test`, `DATABASE_URL: postgres://localhost/app`): a
    // database dropped there is that one. (Not a job marked short-lived:
    // a production job may set `NODE_ENV: test` for its build.)
    let everywhere = lines.iter().enumerate().any(|(j, l)| {
        matches!(*l, "env:" | "variables:")
            && lines.get(j + 1..block_end(j)).unwrap_or_default().iter().any(|l| test_database(l))
    });
    let mut tested: BTreeMap<usize, bool> = BTreeMap::new();
    let mut test_database_job = |j: usize| {
        *tested
            .entry(j)
            .or_insert_with(|| lines.get(j + 1..block_end(j)).unwrap_or_default().iter().any(|l| test_database(l)))
    };
    let file_marks: String = production_marks(&raw).into_iter().collect::<Vec<_>>().join(" ");
    // Each job's settings in capitals (`APP_NAME: ...`), read once.
    let mut job_variables: BTreeMap<usize, BTreeMap<String, String>> = BTreeMap::new();
    // What hidden jobs destroy, and the jobs that extend others.
    let mut hidden_jobs: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut extenders: Vec<Vec<String>> = Vec::new();
    let mut out = BTreeSet::new();
    let mut steps: BTreeMap<String, usize> = BTreeMap::new();
    if cleanup_workflow(&lines) {
        return Some((out, steps));
    }
    // The enclosing keys of the line being read: (indent, line), outermost
    // first, kept in one pass (a walk up from every line was quadratic).
    let mut above: Vec<(usize, usize)> = Vec::new();
    // The folder a line of its own moved to (`cd infra`), and the least
    // indent of the lines it applies to.
    let mut folder = Folder::default();
    // Tekton's `stepTemplate:` images, by line: a step without its own
    // `image:` runs the template's.
    let templates = step_templates(&lines);
    let mut i = 0;
    while let Some(first) = lines.get(i) {
        let at = i;
        let mut command = (*first).to_owned();
        i += 1;
        // (A folded block, `run: >`, is one command; see [`fold_block`].)
        if let Some((folded, next)) = fold_block(&lines, at) {
            command = folded;
            i = next;
        }
        // (A line ending in `\` continues on the next, up to 16 KiB as in
        // [`destructive_commands`]: past that the next line starts anew,
        // so that a file of continued lines is read in linear time.)
        while let Some(head) = command
            .trim_end()
            .strip_suffix('\\')
            .or_else(|| command.trim_end().strip_suffix('`'))
            .filter(|_| command.len() <= 4 * 4096)
            .map(str::to_owned)
        {
            let Some(next) = lines.get(i) else { break };
            command = format!("{head} {next}");
            i += 1;
        }
        let t = first.trim_start();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        let depth = indent(first);
        while above.last().is_some_and(|&(d, _)| d >= depth) {
            above.pop();
        }
        if let Some(dir) = folder.after(first) {
            command = format!("cd {dir} && {command}");
        }
        let mut types = commands_destroy(&command, Some(&file_marks));
        // A job's own settings named in the command (`env: APP:
        // orders-pr-${{ github.event.number }}` then `flyctl apps destroy
        // "$APP"`) are read as their values.
        if command.contains('$')
            && let Some(&(_, j)) = above.iter().rev().find(|&&(d, _)| d <= 2)
        {
            let variables = job_variables.entry(j).or_insert_with(|| {
                let mut found: BTreeMap<String, String> = BTreeMap::new();
                // (Kubernetes' and Tekton's `- name: NAMESPACE` then
                // `value: preview-...`, a red team's, as `NAMESPACE: ...`.)
                let mut named = String::new();
                for l in lines.get(j + 1..block_end(j)).unwrap_or_default() {
                    let d = l.trim_start().trim_start_matches("- ");
                    let Some((k, v)) = d.split_once(':') else { continue };
                    let k = k.trim().trim_matches(['"', '\'']);
                    let v = v.trim().trim_matches(['"', '\'']);
                    let k = match k {
                        "name" => {
                            named = v.to_owned();
                            continue;
                        }
                        "value" => std::mem::take(&mut named),
                        k => k.to_owned(),
                    };
                    let k = k.as_str();
                    let setting =
                        !k.is_empty() && k.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
                    if setting && v.len() <= 256 && (found.len() < 256 || found.contains_key(k)) {
                        found.entry(k.to_owned()).or_insert_with(|| v.to_owned());
                    }
                }
                found
            });
            if !variables.is_empty() {
                types = commands_destroy(&substitute(&command, variables), Some(&file_marks));
            }
        }
        // Tasks run by name from a step's working folder
        // (`working-directory: infra`, the job's or the file's `defaults:`)
        // are looked for there.
        if types.iter().any(|t| t.starts_with(TASK_CALL))
            && let Some(dir) = working_directory(&lines, &above, at)
        {
            for t in types.iter_mut() {
                if let Some(mut call) = TaskCall::from_kind(t) {
                    call.run_from(&dir);
                    if let Some(kind) = call.kind() {
                        *t = kind;
                    }
                }
            }
        }
        let step = step_destroys(&lines, at, step_template(&templates, at));
        let extended = extends_names(&lines, at);
        if !types.is_empty() || step.is_some() || extended.is_some() {
            // Its jobs: enclosing keys at most two columns in that are not
            // lists of jobs or steps (a GitHub Actions job under `jobs:`,
            // a GitLab CI job at the top, whose `script:` is two in). (A
            // GitLab job's `extends:` is two in: the job is above it.)
            // (Nor a Kubernetes object's `spec:` or an Argo workflow's
            // `templates:`, which hold a Tekton task's or a workflow's
            // steps: a red team's Tekton parameter `name: branch_name`
            // marked a whole task short-lived.)
            let jobs = above.iter().filter(|&&(d, j)| {
                d <= 2
                    && lines.get(j).is_some_and(|l| {
                        !matches!(l.trim(), "jobs:" | "stages:" | "steps:" | "on:" | "spec:" | "templates:")
                    })
            });
            let jobs: Vec<usize> = jobs.map(|&(_, j)| j).collect();
            if types.iter().any(|t| t == "database") && (everywhere || jobs.iter().any(|&j| test_database_job(j))) {
                types.retain(|t| t != "database");
            }
            // A hidden GitLab job (`.deploy-template:`) never runs by
            // itself: what it destroys counts through the jobs that
            // extend it in this file.
            let hidden = jobs.iter().find_map(|&j| {
                let name = lines.get(j)?.trim().trim_end_matches(':').trim_matches(['"', '\'']);
                name.starts_with('.').then(|| name.to_ascii_lowercase())
            });
            if let Some(name) = hidden {
                if hidden_jobs.len() < MAX_TYPES_READ || hidden_jobs.contains_key(&name) {
                    hidden_jobs.entry(name).or_default().extend(types);
                }
            } else if !jobs.into_iter().any(&mut judge) {
                if let Some(names) = extended {
                    extenders.push(names);
                }
                out.extend(types);
                for t in step.into_iter().flatten() {
                    count_step(&mut steps, &t);
                }
            }
        }
        above.push((depth, at));
    }
    for names in extenders {
        for types in names.iter().filter_map(|n| hidden_jobs.get(n)) {
            out.extend(types.iter().cloned());
            for t in types {
                count_step(&mut steps, t);
            }
        }
    }
    Some((out, steps))
}

/// Where the block under the key on line `j` ends: the next line that is
/// not blank and no further in (or the end).
fn block_end(lines: &[&str], j: usize) -> usize {
    let indent = |l: &str| l.len() - l.trim_start().len();
    let top = lines.get(j).map_or(0, |l| indent(l));
    (j + 1..lines.len())
        .find(|&k| lines.get(k).is_some_and(|l| !l.trim().is_empty() && indent(l) <= top))
        .unwrap_or(lines.len())
}

/// `dir` relative to the top of the repository where it starts with a CI
/// system's name for the checkout (`${{ github.workspace }}/infra`,
/// `$GITHUB_WORKSPACE/infra`, Azure's `$(System.DefaultWorkingDirectory)`,
/// GitLab's `$CI_PROJECT_DIR`, CircleCI's `~/project`): `infra`.
pub(crate) fn workspace_relative(dir: &str) -> &str {
    let tops = [
        "${{ github.workspace }}",
        "${{github.workspace}}",
        "$GITHUB_WORKSPACE",
        "${GITHUB_WORKSPACE}",
        "$(System.DefaultWorkingDirectory)",
        "$(Build.SourcesDirectory)",
        "$(Pipeline.Workspace)/s",
        "$CI_PROJECT_DIR",
        "${CI_PROJECT_DIR}",
        "~/project",
        "$CIRCLE_WORKING_DIRECTORY",
        "$WORKSPACE",
        "${WORKSPACE}",
    ];
    let dir = dir.trim();
    for top in tops {
        if let Some(rest) = dir.strip_prefix(top) {
            return rest.trim_start_matches('/');
        }
    }
    dir
}

/// The folder the command on line `at` of a CI definition runs in, where
/// its step or job says so: the step's `working-directory:` (Azure's
/// `workingDirectory:`, CircleCI's `working_directory:`), else the job's
/// `defaults:` (`run: working-directory:`), else the file's. `above` are
/// the enclosing keys, outermost first, as [`read_pipeline`] keeps them.
/// `None` for none, or one named by an expression.
fn working_directory(lines: &[&str], above: &[(usize, usize)], at: usize) -> Option<String> {
    let indent = |l: &str| l.len() - l.trim_start().len();
    let end_of = |j: usize| block_end(lines, j);
    // A key's value, without a trailing comment or quotes.
    let value_of = |v: &str| v.split(" #").next().unwrap_or(v).trim().trim_matches(['"', '\'']).to_owned();
    // The value of a working folder key among `block`'s lines, those at
    // the least indentation after `from` only.
    let setting = |from: usize, to: usize| -> Option<String> {
        let block = lines.get(from..to)?;
        let column = block.iter().filter(|l| !l.trim().is_empty()).map(|l| indent(l.trim_start_matches("- "))).min()?;
        block.iter().find_map(|l| {
            let t = l.trim_start().trim_start_matches("- ");
            let (key, value) = t.split_once(':')?;
            let key = key.trim();
            // (CircleCI's step keys sit a level further in: `- run:` then
            // `command:`.)
            let own = indent(l) <= column + 4;
            (own && matches!(key, "working-directory" | "workingDirectory" | "working_directory"))
                .then(|| value_of(value))
        })
    };
    let clean = |dir: String| {
        let dir = workspace_relative(&dir).trim_start_matches("./").trim_end_matches('/').to_owned();
        (!dir.is_empty() && dir != "." && !dir.contains('$') && !dir.starts_with('/')).then_some(dir)
    };
    // The step: the nearest list item holding the line.
    let step = std::iter::once(at)
        .chain(above.iter().rev().map(|&(_, j)| j))
        .find(|&j| lines.get(j).is_some_and(|l| l.trim_start().starts_with("- ")));
    if let Some(j) = step
        && let Some(dir) = setting(j, end_of(j))
    {
        return clean(dir);
    }
    // `defaults:` of the job (at most two columns in), then of the file.
    let jobs = above.iter().filter(|&&(d, _)| d <= 2).map(|&(_, j)| j).collect::<Vec<_>>();
    let scopes = jobs.into_iter().rev().map(|j| (j + 1, end_of(j))).chain(std::iter::once((0, lines.len())));
    for (from, to) in scopes {
        let block = lines.get(from..to).unwrap_or_default();
        let Some(column) = block.iter().filter(|l| !l.trim().is_empty()).map(|l| indent(l)).min() else { continue };
        // (CircleCI's job-level `working_directory:`.)
        let own = (from..to).find_map(|k| {
            let l = lines.get(k).filter(|l| indent(l) == column)?;
            l.trim().strip_prefix("working_directory:").map(value_of)
        });
        if let Some(dir) = own {
            return clean(dir);
        }
        let defaults = (from..to)
            .find(|&k| lines.get(k).is_some_and(|l| indent(l) == column && l.trim_end().trim_start() == "defaults:"));
        if let Some(d) = defaults
            && let Some(dir) =
                (d + 1..end_of(d)).find_map(|k| lines.get(k)?.trim().strip_prefix("working-directory:").map(value_of))
        {
            return clean(dir);
        }
    }
    None
}

/// One more step destroying `kind` in `steps`: at most
/// [`MAX_TYPES_READ`] kinds are kept, as for commands (a file past that
/// already destroys that many kinds, which the first of them shows).
fn count_step(steps: &mut BTreeMap<String, usize>, kind: &str) {
    if steps.len() < MAX_TYPES_READ || steps.contains_key(kind) {
        *steps.entry(kind.to_owned()).or_insert(0) += 1;
    }
}

/// The jobs a GitLab CI job's `extends:` on line `at` names, lower case:
/// `extends: .terraform:destroy`, a list in brackets, or a list on the
/// lines below (a job extends a few templates; at most 64 read). `None`
/// for any other line.
fn extends_names(lines: &[&str], at: usize) -> Option<Vec<String>> {
    let indent = |l: &str| l.len() - l.trim_start().len();
    let line = lines.get(at)?;
    let t = line.trim_start();
    let rest = t.strip_prefix("- ").map_or(t, str::trim_start);
    let column = line.len() - rest.len();
    let (key, value) = rest.split_once(':')?;
    if !key.trim().trim_matches(['"', '\'']).eq_ignore_ascii_case("extends") {
        return None;
    }
    let clean = |v: &str| v.split(" #").next().unwrap_or(v).trim().trim_matches(['"', '\'']).to_ascii_lowercase();
    let mut names: Vec<String> = value.trim().trim_matches(['[', ']']).split(',').map(clean).collect();
    let below = lines.get(at + 1..).unwrap_or_default().iter().take(64).take_while(|l| {
        let d = l.trim_start();
        let item = d.starts_with("- ") && !d.trim_end().ends_with(':');
        d.is_empty() || (item && indent(l) >= column.saturating_sub(2) && indent(l) <= column + 2)
    });
    names.extend(below.map(|l| clean(l.trim_start().trim_start_matches("- "))));
    names.retain(|n| !n.is_empty());
    Some(names)
}

/// Most lines read around a step's key to find its inputs (see
/// [`pipeline_steps_destroy`]): a step longer than this whose action
/// destroys by its inputs counts as destroying (fail closed).
const MAX_STEP_LINES: usize = 200;

/// What the step whose `uses:`, `task:` or `extends:` key is on line
/// `at` destroys, if it runs an action or task that destroys (see
/// [`pipeline_steps_destroy`]); `None` for any other line. A step whose
/// inputs name a short-lived environment destroys nothing (`Some` of
/// nothing).
fn step_destroys(lines: &[&str], at: usize, template: Option<&str>) -> Option<Vec<String>> {
    let line = lines.get(at)?;
    let t = line.trim_start();
    let rest = t.strip_prefix("- ").map_or(t, str::trim_start);
    // The column of the step's keys.
    let column = line.len() - rest.len();
    let (key, value) = rest.split_once(':')?;
    // (A step written as one flow mapping: `- {uses: ..., with: {...}}`.)
    let flow_step = rest.starts_with('{');
    let key = key.trim().trim_matches(['"', '\'', '{']).to_ascii_lowercase();
    let clean = |v: &str| v.split(" #").next().unwrap_or(v).trim().trim_matches(['"', '\'']).to_ascii_lowercase();
    let value = if flow_step { clean(value.split([',', '}']).next().unwrap_or(value)) } else { clean(value) };
    // A container step (Google Cloud Build's `name:` image with its
    // `entrypoint:` and `args:`, Tekton's or Argo Workflows' `image:` with
    // `command:` and `args:`) runs its command line.
    if matches!(key.as_str(), "name" | "image") && !flow_step {
        return container_step(lines, at, column, &key, &value, template);
    }
    // (A Cloud Build step written as one flow mapping: `- {name: IMAGE,
    // args: [...]}`.)
    if key == "name" && flow_step {
        let step = crate::doc::from_yaml::<serde_json::Value>("step", rest).ok()?;
        return value_step_destroys(&step);
    }
    if key == "extends" {
        let names = extends_names(lines, at).unwrap_or_default();
        let destroys = names.iter().any(|n| matches!(n.as_str(), ".terraform:destroy" | ".opentofu:destroy"));
        return destroys.then(|| vec!["terraform destroy".to_owned()]);
    }
    // What the step runs, and whether that destroys whatever its inputs
    // say (`Some`) or by an input (`None`, and the inputs are read).
    let reference = value.split('@').next().unwrap_or(&value).to_owned();
    // A task by its full name (`ms-devlabs.custom-terraform-tasks.
    // custom-terraform-release-task.TerraformTaskV4@4`) is its last part.
    let reference = match key.as_str() {
        "task" => reference.rsplit('.').next().unwrap_or(&reference).to_owned(),
        _ => reference,
    };
    let always: Option<&str> = match (key.as_str(), reference.as_str()) {
        (
            "uses",
            "dflook/terraform-destroy"
            | "dflook/terraform-destroy-workspace"
            | "dflook/tofu-destroy"
            | "dflook/tofu-destroy-workspace",
        ) => Some("terraform destroy"),
        ("uses", "hashicorp/tfc-workflows-github/actions/create-run" | "pulumi/actions" | "azure/arm-deploy") => None,
        ("uses", r) if r.starts_with("docker://") => None,
        ("task", r)
            if r.starts_with("terraform")
                || r.starts_with("pulumi")
                || r.contains("resourcemanagertemplatedeployment")
                || r.starts_with("azureresourcegroupdeployment") =>
        {
            None
        }
        _ => return None,
    };
    let (block, whole) = step_block(lines, at, column, &key)?;
    // The step's inputs (`with:`, `inputs:`): its keys further in, the
    // first of each name.
    // (A flow mapping, `with: {command: destroy}`, is read pair by pair.)
    let input = |name: &str| -> String {
        for l in block {
            let d = l.trim_start().trim_start_matches("- ");
            let flow = match (d.find('{'), d.rfind('}')) {
                (Some(a), Some(b)) if a < b && !d.contains("${") => d.get(a + 1..b),
                _ => None,
            };
            let flow = flow.map(|f| f.replace(['{', '}'], ","));
            let pairs = std::iter::once(d).chain(flow.iter().flat_map(|f| f.split(',')));
            for pair in pairs {
                if let Some((k, v)) = pair.split_once(':')
                    && k.trim().trim_matches(['"', '\'', '{']).eq_ignore_ascii_case(name)
                {
                    return clean(v.trim_end_matches('}'));
                }
            }
        }
        String::new()
    };
    let found: Vec<String> = match always {
        Some(t) => vec![t.to_owned()],
        // A step too long to read destroys (fail closed).
        None if !whole => vec![format!("{key} {reference}")],
        None => {
            let by_command =
                |name: &str| if input("command") == "destroy" { vec![name.to_owned()] } else { Vec::new() };
            let complete = || {
                if input("deploymentmode") == "complete" { vec!["complete deployment".to_owned()] } else { Vec::new() }
            };
            match reference.as_str() {
                "hashicorp/tfc-workflows-github/actions/create-run" if input("is_destroy") == "true" => {
                    vec!["terraform destroy".to_owned()]
                }
                "pulumi/actions" => by_command("pulumi destroy"),
                "azure/arm-deploy" => complete(),
                r if r.starts_with("docker://") => {
                    // (`args: ["destroy", "-auto-approve"]` too.)
                    let args = input("args").replace(['[', ']', ',', '"', '\''], " ");
                    let entrypoint = input("entrypoint");
                    // The image of a tool runs it with the arguments; any
                    // other image (`docker://redis:7`), its entrypoint or
                    // the command its arguments name (red team 13:
                    // `args: redis-cli ... FLUSHALL` read nothing).
                    let command = match known_tool(r.trim_start_matches("docker://")) {
                        Some(tool) => format!("{tool} {args}"),
                        None if !entrypoint.is_empty() => format!("{entrypoint} {args}"),
                        None => args,
                    };
                    commands_destroy(&command, Some(""))
                }
                r if key == "task" && r.starts_with("terraform") => by_command("terraform destroy"),
                r if key == "task" && r.starts_with("pulumi") => by_command("pulumi destroy"),
                _ if key == "task" => complete(),
                _ => Vec::new(),
            }
        }
    };
    // A step's own inputs may name a short-lived environment
    // (`workspace: ${{ github.head_ref }}`, `stack-name: org/preview`).
    let short = whole
        && ((0..block.len()).any(|k| job_marks_short_lived(block, k))
            || ["stack-name", "stack", "workspace", "environment", "resourcegroupname", "resource-group"]
                .iter()
                .any(|k| short_lived(&input(k))));
    Some(if short { Vec::new() } else { found.iter().map(|t| clip_kind(t)).filter(|t| !t.is_empty()).collect() })
}

/// Whether `path` is read as a CI or CD definition: one by the default
/// rules ([`blastgate_change::classify::is_ci_definition`]), or a YAML
/// file that Google Cloud Build, Tekton or Argo Workflows runs by where it
/// is kept: named `cloudbuild*` (`cloudbuild-teardown.yaml`,
/// `cloudbuild.prod.yaml`), or under a folder named `cloudbuild`,
/// `tekton`, `.tekton`, `argo`, `argo-workflows` or `workflows` (a red
/// team's configs there were never read).
///
/// ```
/// use blastgate_ingest::git::is_pipeline;
/// assert!(is_pipeline("build/cloudbuild/deploy.yaml"));
/// assert!(is_pipeline("ci/tekton/deploy-task.yaml"));
/// assert!(is_pipeline("cloudbuild.prod.yaml"));
/// assert!(!is_pipeline("deploy/values.yaml"));
/// ```
pub fn is_pipeline(path: &str) -> bool {
    if blastgate_change::classify::is_ci_definition(path) {
        return true;
    }
    let lower = path.to_ascii_lowercase();
    if !(lower.ends_with(".yml") || lower.ends_with(".yaml")) {
        return false;
    }
    let mut segments = lower.rsplit('/');
    let name = segments.next().unwrap_or_default();
    name.starts_with("cloudbuild")
        || segments.any(|f| matches!(f, "cloudbuild" | "tekton" | ".tekton" | "argo" | "argo-workflows" | "workflows"))
}

/// What the container step whose image is named on line `at` (by `key`,
/// `name` or `image`, its keys at `column`) destroys, as the command line
/// it runs: its `command:` or `entrypoint:`, else the tool its image is
/// (`gcr.io/cloud-builders/gcloud`, `hashicorp/terraform:1.9`; an image of
/// no tool read runs its `args:` as the command, as `ubuntu` does), then
/// its `args:`; a shell given `-c` runs the lines of its script. Lists are
/// read in flow style (`args: ['sql', 'instances', 'delete', 'orders']`,
/// over several lines too) or as items below (a block scalar item, `- |`,
/// is its lines). `None` for a step that states neither a command nor
/// arguments, a `name:` that labels a step with an `image:` (Tekton), or
/// one with spaces (a step's title).
///
/// Written by hand: no kept crate reads a CI system's step as the
/// command line it runs, and a YAML parser would lose the line numbers
/// the step's reading is built on.
fn container_step(
    lines: &[&str],
    at: usize,
    column: usize,
    key: &str,
    image: &str,
    template: Option<&str>,
) -> Option<Vec<String>> {
    let (block, whole) = step_block(lines, at, column, key)?;
    if key == "name" && step_list(block, column, "image").is_some() {
        return None;
    }
    // (In a Tekton task with a `stepTemplate:`, `name:` is a step's name
    // and the template's image runs it; Cloud Build has no templates.)
    let image = match template {
        Some(template) if key == "name" => template,
        _ => image,
    };
    if image.is_empty() || image.contains(char::is_whitespace) {
        return None;
    }
    let command = step_list(block, column, "command").or_else(|| step_list(block, column, "entrypoint"));
    let args = step_list(block, column, "args");
    if command.is_none() && args.is_none() {
        return None;
    }
    let folder =
        ["dir", "workingdir"].iter().find_map(|k| step_list(block, column, k).and_then(|v| v.into_iter().next()));
    let step = ContainerStep {
        image,
        command,
        args: args.unwrap_or_default(),
        env: step_settings(block, column, "env"),
        folder,
    };
    // (A step too long to read whole is read as far as it goes; its
    // settings then say nothing of its environment.)
    Some(step.destroys(whole))
}

/// The images of a file's Tekton step templates (`stepTemplate:` and the
/// `image:` under it), each with the line of its `stepTemplate:`.
fn step_templates(lines: &[&str]) -> Vec<(usize, String)> {
    let indent = |l: &str| l.len() - l.trim_start().len();
    let mut out = Vec::new();
    for (at, line) in lines.iter().enumerate() {
        let t = line.trim();
        if !t.trim_end_matches(':').trim_matches(['"', '\'']).eq_ignore_ascii_case("steptemplate") || !t.ends_with(':')
        {
            continue;
        }
        let below = lines
            .iter()
            .skip(at + 1)
            .take(MAX_STEP_LINES)
            .take_while(|l| l.trim().is_empty() || indent(l) > indent(line));
        let image = below.filter_map(|l| l.trim_start().strip_prefix("image:")).next();
        if let Some(image) = image {
            let image = image.split(" #").next().unwrap_or(image).trim().trim_matches(['"', '\'']).to_ascii_lowercase();
            out.push((at, image));
        }
    }
    out
}

/// The step template that applies to the step on line `at`: the last one
/// above it, or else the first below (see [`step_templates`]).
fn step_template(templates: &[(usize, String)], at: usize) -> Option<&str> {
    let above = templates.iter().rev().find(|(line, _)| *line < at);
    above.or(templates.first()).map(|(_, image)| image.as_str())
}

/// Images named for a command that [`destructive_commands`] reads though
/// it is no tool of [`TOOLS`]: package runners, whose scripts are called
/// by name, Docker, and database clients.
const BUILDER_COMMANDS: [&str; 8] = ["npm", "yarn", "pnpm", "bun", "docker", "psql", "mysql", "cqlsh"];

/// A container step as a CI system states it: its image, its command
/// (Tekton's `command:`, Cloud Build's `entrypoint:`), its arguments, its
/// environment and its working folder.
struct ContainerStep<'a> {
    image: &'a str,
    command: Option<Vec<String>>,
    args: Vec<String>,
    env: Vec<(String, String)>,
    folder: Option<String>,
}

impl ContainerStep<'_> {
    /// What the step destroys (see [`container_step`]); its settings are
    /// read for a short-lived environment only when `settled` (the whole
    /// step was read).
    fn destroys(self, settled: bool) -> Vec<String> {
        // (An image of a tool by another tag's name: `gcloud-slim`.)
        // (Also a builder of a runner or client whose commands are read
        // otherwise: `gcr.io/cloud-builders/npm` with `args: [run,
        // teardown]` runs `npm run teardown`.)
        let tool = known_tool(self.image)
            .or_else(|| {
                let name = tool_name(self.image);
                ["-slim", "-alpine", "-cli"].iter().find_map(|s| known_tool(name.strip_suffix(s)?))
            })
            .or_else(|| {
                let name = tool_name(self.image).to_ascii_lowercase();
                BUILDER_COMMANDS.iter().find(|c| **c == name).copied()
            });
        let mut words: Vec<String> = match self.command {
            Some(command) => command,
            None => tool.map(|t| vec![t.to_owned()]).unwrap_or_default(),
        };
        words.extend(self.args);
        words.retain(|w| !w.trim().is_empty());
        let shell = words.first().map(|w| tool_name(w).to_ascii_lowercase());
        let powershell = matches!(shell.as_deref(), Some("pwsh" | "powershell"));
        let posix = matches!(shell.as_deref(), Some("sh" | "bash" | "zsh" | "ash" | "dash"));
        // (`bash -c SCRIPT`, `sh -ec SCRIPT`, `pwsh -NoProfile -Command
        // SCRIPT`: a POSIX shell's short options holding `c`, PowerShell's
        // `-Command` or an abbreviation of it.)
        let script = (posix || powershell)
            .then(|| {
                words.iter().skip(1).position(|w| {
                    let option = w.trim_start_matches('-').to_ascii_lowercase();
                    let short = w.starts_with('-') && !w.starts_with("--") && !option.is_empty();
                    short
                        && if powershell {
                            "command".starts_with(&option)
                        } else {
                            option.chars().all(|c| c.is_ascii_alphabetic()) && option.contains('c')
                        }
                })
            })
            .flatten()
            .and_then(|i| words.get(i + 2));
        // The step's working folder (Cloud Build's `dir:`, Tekton's
        // `workingDir:`) places what it runs, and may name a short-lived
        // environment (`dir: infra/envs/dev`), as a `cd` does.
        let folder = self
            .folder
            .map(|d| {
                let d = d.strip_prefix("$(").and_then(|d| d.split_once(')')).map_or(d.as_str(), |(_, rest)| rest);
                d.trim_start_matches("/workspace").trim_matches('/').to_owned()
            })
            .filter(|d| !d.is_empty());
        let found = match script {
            Some(script) => script_text_destroys(script),
            None => {
                let line = words.join(" ");
                commands_destroy(&folder.as_ref().map_or(line.clone(), |d| format!("cd {d} && {line}")), Some(""))
            }
        };
        // A step whose own settings name a short-lived environment
        // (`env: ['TF_WORKSPACE=pr-$_PR_NUMBER']`, Tekton's `- name:
        // NAMESPACE` and `value: preview-...`), or whose folder does,
        // destroys nothing lasting. (Only its settings: a line of its
        // script that says `environment: dev` marks nothing.)
        let short = self.env.iter().any(|(name, value)| short_lived_setting(name, value))
            || folder.as_deref().is_some_and(short_lived);
        if settled && short {
            return Vec::new();
        }
        found.iter().map(|t| clip_kind(t)).filter(|t| !t.is_empty()).collect()
    }
}

/// What the steps of a Cloud Build config written in JSON destroy (`{"steps":
/// [{"name": IMAGE, "entrypoint": ..., "args": [...]}]}`), each type as
/// many times as steps destroy it; `None` for text that is no JSON object
/// with a `steps` list.
fn json_build_steps(text: &str) -> Option<BTreeMap<String, usize>> {
    let value: serde_json::Value = serde_json::from_str(text).ok()?;
    let steps = value.get("steps")?.as_array()?;
    let mut out = BTreeMap::new();
    for step in steps.iter().take(MAX_TASK_STEPS) {
        for kind in value_step_destroys(step).unwrap_or_default() {
            count_step(&mut out, &kind);
        }
    }
    Some(out)
}

/// What a Cloud Build step given as a value destroys (`{"name": IMAGE,
/// "entrypoint": ..., "args": [...], "env": [...], "dir": ..., "script":
/// ...}`, from JSON or a YAML flow mapping); `None` for a step that runs
/// no command of its own.
fn value_step_destroys(step: &serde_json::Value) -> Option<Vec<String>> {
    let strings = |v: Option<&serde_json::Value>| -> Option<Vec<String>> {
        match v? {
            serde_json::Value::String(s) => Some(vec![s.clone()]),
            serde_json::Value::Array(items) => {
                Some(items.iter().filter_map(|i| i.as_str().map(str::to_owned)).collect())
            }
            _ => None,
        }
    };
    let image = step.get("name").and_then(serde_json::Value::as_str)?;
    let command = strings(step.get("entrypoint"));
    let args = strings(step.get("args"));
    if let Some(script) = step.get("script").and_then(serde_json::Value::as_str) {
        return Some(script_text_destroys(script));
    }
    if command.is_none() && args.is_none() {
        return None;
    }
    let env = strings(step.get("env")).unwrap_or_default();
    let env = env.iter().filter_map(|e| e.split_once('=')).map(|(k, v)| (k.to_owned(), v.to_owned())).collect();
    let folder = step.get("dir").and_then(serde_json::Value::as_str).map(str::to_owned);
    let image = image.to_ascii_lowercase();
    Some(ContainerStep { image: &image, command, args: args.unwrap_or_default(), env, folder }.destroys(true))
}

/// Most steps of a JSON build config read.
const MAX_TASK_STEPS: usize = 10_000;

/// The settings under the step's key `name` (at `column`), as names and
/// values: list items `NAME=value` (Cloud Build), or `- name: NAME` with
/// `value: VALUE` (Tekton, Argo, Kubernetes), or a mapping's `NAME:
/// value` lines.
fn step_settings(block: &[&str], column: usize, name: &str) -> Vec<(String, String)> {
    let indent = |l: &str| l.len() - l.trim_start().len();
    let Some(at) = block.iter().position(|l| {
        let d = l.trim_start().trim_start_matches("- ");
        l.len() - d.len() == column
            && d.split_once(':').is_some_and(|(k, _)| k.trim().trim_matches(['"', '\'']).eq_ignore_ascii_case(name))
    }) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    // (A flow list on the key's line: `env: ['A=1', 'B=2']`.)
    // (And a list's items below it: `- TF_WORKSPACE=pr-12`.)
    let items: Vec<String> = step_list(block, column, name).unwrap_or_default();
    let mut last_name = String::new();
    for l in block.iter().skip(at + 1).take_while(|l| l.trim().is_empty() || indent(l) > column) {
        let d = l.trim_start().trim_start_matches("- ").trim();
        match d.split_once(':') {
            Some((k, v)) if k.trim() == "name" => last_name = unquote_scalar(v.trim()),
            Some((k, v)) if k.trim() == "value" => out.push((std::mem::take(&mut last_name), unquote_scalar(v.trim()))),
            Some((k, v)) if !k.contains('=') => out.push((k.trim().to_owned(), unquote_scalar(v.trim()))),
            _ => {}
        }
    }
    for item in items {
        if let Some((k, v)) = item.split_once('=') {
            out.push((k.trim().to_owned(), v.trim().to_owned()));
        }
    }
    out
}

/// Whether an environment variable `name` set to `value` names a
/// short-lived workspace, namespace, stack, release or environment
/// (`TF_WORKSPACE=pr-12`).
fn short_lived_setting(name: &str, value: &str) -> bool {
    names_target(name) && short_lived(value)
}

/// Whether a setting's `name` names where a deployment goes: its last
/// word (or the one before a last `name`/`id`) a workspace, namespace,
/// stack, release or environment (`TF_WORKSPACE`, `KUBE_NAMESPACE`,
/// `stack-name`, `HELM_RELEASE`, `environment`). Not a setting that only
/// holds such a word (`RELEASE_CHANNEL`, `ENVIRONMENT_FILE`), nor an
/// error tracker's or monitor's label (`SENTRY_ENVIRONMENT: ci`), which
/// say nothing of what a command tears down.
fn names_target(name: &str) -> bool {
    let lower = name.trim().trim_matches(['"', '\'']).to_ascii_lowercase();
    let words: Vec<&str> = lower.split(['_', '-', '.']).filter(|w| !w.is_empty()).collect();
    let monitors = ["sentry", "dd", "datadog", "newrelic", "new", "bugsnag", "rollbar", "honeycomb", "otel", "elastic"];
    if words.first().is_some_and(|w| monitors.contains(w)) {
        return false;
    }
    let last = match words.as_slice() {
        [.., noun, "name" | "id"] => noun,
        [.., noun] => noun,
        [] => return false,
    };
    ["workspace", "namespace", "stack", "release", "environment"].iter().any(|n| last.ends_with(n))
}

/// What the lines of a script given as text (a shell's `-c` argument, an
/// Ansible `shell:` task) destroy, a line ending in `\` continuing on the
/// next.
fn script_text_destroys(script: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut pending = String::new();
    for line in script.lines() {
        pending.push_str(line);
        match pending.trim_end().strip_suffix('\\') {
            Some(head) if pending.len() <= 4 * 4096 => pending = format!("{head} "),
            _ => out.extend(commands_destroy(&std::mem::take(&mut pending), Some(""))),
        }
    }
    out.extend(commands_destroy(&pending, Some("")));
    out
}

/// The value of the step's key `name` (at `column`) as a list of
/// strings: a flow list (`['-c', 'gcloud ...']`, its items unquoted, over
/// at most [`MAX_STEP_LINES`] lines and [`MAX_FLOW_BYTES`]), a block scalar (`|` or `>`: one
/// item), a plain scalar (one item), or the items of a list below it.
/// `None` when the step has no such key.
fn step_list(block: &[&str], column: usize, name: &str) -> Option<Vec<String>> {
    let indent = |l: &str| l.len() - l.trim_start().len();
    let (at, value) = block.iter().enumerate().find_map(|(k, l)| {
        let d = l.trim_start().trim_start_matches("- ");
        let (key, value) = d.split_once(':')?;
        (l.len() - d.len() == column && key.trim().trim_matches(['"', '\'']).eq_ignore_ascii_case(name))
            .then(|| (k, value.trim()))
    })?;
    // (A quoted value ends at its closing quote: `state: "present"  #
    // set to absent to tear down` is `present`.)
    let value = match value.chars().next() {
        Some(q @ ('"' | '\'')) => {
            value.get(1..).and_then(|v| v.find(q)).and_then(|end| value.get(..end + 2)).unwrap_or(value)
        }
        Some('[') => value,
        // (`args:   # the teardown` is an empty value, its items below.)
        Some('#') => "",
        _ => value.split(" #").next().unwrap_or(value).trim(),
    };
    if value.starts_with('[') {
        // (Read once, the list ending where its bracket closes: at most
        // MAX_STEP_LINES lines and MAX_FLOW_BYTES, or not at all.)
        let mut text = value.to_owned();
        for l in block.iter().skip(at + 1).take(MAX_STEP_LINES) {
            if text.len() > MAX_FLOW_BYTES {
                break;
            }
            text.push(' ');
            text.push_str(l.trim());
        }
        return flow_list(text.get(..MAX_FLOW_BYTES).unwrap_or(&text));
    }
    if value.starts_with(['|', '>']) {
        return Some(vec![block_scalar(block.get(at + 1..).unwrap_or_default(), column, value.starts_with('>'))]);
    }
    if !value.is_empty() {
        return Some(vec![unquote_scalar(value)]);
    }
    let mut items = Vec::new();
    let mut k = at + 1;
    while let Some(l) = block.get(k) {
        k += 1;
        if l.trim().is_empty() || l.trim_start().starts_with('#') {
            continue;
        }
        let d = l.trim_start();
        let item_indent = indent(l);
        if item_indent < column || (item_indent == column && !d.starts_with('-')) {
            break;
        }
        let Some(item) = d.strip_prefix('-').filter(|i| i.is_empty() || i.starts_with(' ')) else { continue };
        let item = item.trim();
        if item.starts_with(['|', '>']) {
            let rest = block.get(k..).unwrap_or_default();
            let lines = rest.iter().take_while(|l| l.trim().is_empty() || indent(l) > item_indent).count();
            items.push(block_scalar(rest.get(..lines).unwrap_or_default(), item_indent, item.starts_with('>')));
            k += lines;
        } else {
            items.push(unquote_scalar(item));
        }
    }
    Some(items)
}

/// Most bytes of a step's flow list read (`args: [...]` over lines).
const MAX_FLOW_BYTES: usize = 64 * 1024;

/// The lines of a block scalar (those further in than `column`), each
/// trimmed, joined by line breaks (`|`) or spaces (`>`).
fn block_scalar(lines: &[&str], column: usize, folded: bool) -> String {
    let indent = |l: &str| l.len() - l.trim_start().len();
    let body: Vec<&str> =
        lines.iter().take_while(|l| l.trim().is_empty() || indent(l) > column).map(|l| l.trim()).collect();
    body.join(if folded { " " } else { "\n" })
}

/// The items of a YAML flow list (`['a', "b", c]`), unquoted, or `None`
/// when the list is not closed.
fn flow_list(text: &str) -> Option<Vec<String>> {
    let mut items = Vec::new();
    let mut item = String::new();
    let mut chars = text.trim_start().strip_prefix('[')?.chars().peekable();
    let mut quote: Option<char> = None;
    let mut depth = 0usize;
    while let Some(c) = chars.next() {
        match (quote, c) {
            (Some('\''), '\'') if chars.peek() == Some(&'\'') => {
                chars.next();
                item.push('\'');
            }
            (Some('"'), '\\') => {
                if let Some(n) = chars.next() {
                    item.push(if n == 'n' { '\n' } else { n });
                }
            }
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => item.push(c),
            (None, '"' | '\'') => quote = Some(c),
            (None, '[' | '{') => {
                depth += 1;
                item.push(c);
            }
            (None, ']' | '}') if depth > 0 => {
                depth -= 1;
                item.push(c);
            }
            (None, ']') => {
                items.push(item.trim().to_owned());
                items.retain(|i: &String| !i.is_empty());
                return Some(items);
            }
            (None, ',') if depth == 0 => items.push(std::mem::take(&mut item).trim().to_owned()),
            (None, c) => item.push(c),
        }
    }
    None
}

/// A YAML scalar without its quotes (`'it''s'` is `it's`).
fn unquote_scalar(value: &str) -> String {
    let v = value.trim();
    if let Some(inner) = v.strip_prefix('\'').and_then(|v| v.strip_suffix('\'')) {
        return inner.replace("''", "'");
    }
    if let Some(inner) = v.strip_prefix('"').and_then(|v| v.strip_suffix('"')) {
        return inner.replace("\\\"", "\"");
    }
    v.to_owned()
}

/// The lines of the step whose key `key` is on line `at`, its keys at
/// `column`: from its list item (or its first key) to the first line less
/// far in than its keys, at most [`MAX_STEP_LINES`] each way, and whether
/// both ends were found. `None` when a line above holds the same key at
/// the same column: that line's step, read already.
fn step_block<'a>(lines: &'a [&'a str], at: usize, column: usize, key: &str) -> Option<(&'a [&'a str], bool)> {
    let indent = |l: &str| l.len() - l.trim_start().len();
    let t = lines.get(at)?.trim_start();
    let meaningful = |l: &&str| !l.trim().is_empty() && !l.trim_start().starts_with('#');
    // The step: from its list item (or its first key) to the first line
    // less far in than its keys, at most MAX_STEP_LINES each way.
    let mut start = at;
    let mut found_start = t.starts_with("- ");
    if !found_start {
        for j in (at.saturating_sub(MAX_STEP_LINES)..at).rev() {
            let Some(l) = lines.get(j).filter(|l| meaningful(l)) else { continue };
            if indent(l) + 2 == column && l.trim_start().starts_with("- ") {
                (start, found_start) = (j, true);
                break;
            }
            if indent(l) < column {
                (start, found_start) = (j + 1, true);
                break;
            }
            // The same key again in one step is that step, read already.
            let sibling = l.trim_start().split_once(':').map(|(k, _)| k.trim().to_ascii_lowercase());
            if indent(l) == column && sibling.as_deref() == Some(key) {
                return None;
            }
            start = j;
        }
        found_start |= start == 0;
    }
    let last = lines.len().min(at + 1 + MAX_STEP_LINES);
    let end = (at + 1..last).find(|&j| lines.get(j).filter(|l| meaningful(l)).is_some_and(|l| indent(l) < column));
    let whole = found_start && (end.is_some() || last == lines.len());
    let block = lines.get(start..end.unwrap_or(last)).unwrap_or_default();
    Some((block, whole))
}

/// Whether a GitHub Actions workflow runs only to clean up after a pull
/// request or a branch: its `on:` triggers are only a pull request
/// closed (`pull_request` or `pull_request_target` with `types:
/// [closed]`) or a branch deleted (`delete`). What it destroys is that
/// pull request's or branch's.
fn cleanup_workflow(lines: &[&str]) -> bool {
    let Some(at) = lines.iter().position(|l| {
        let t = l.trim_end();
        matches!(t, "on:" | "\"on\":" | "'on':") || t.starts_with("on: ") || t.starts_with("\"on\": ")
    }) else {
        return false;
    };
    let head = lines.get(at).map_or("", |l| l.trim_end());
    let inline = head.split_once(':').map_or("", |(_, v)| v).trim();
    let body: Vec<&str> = lines
        .get(at + 1..)
        .unwrap_or_default()
        .iter()
        .take_while(|l| l.trim().is_empty() || l.starts_with([' ', '\t']))
        .copied()
        .collect();
    let text = format!("{inline} {}", body.join(" ")).to_ascii_lowercase();
    // The triggers: the inline value's words, or the keys least far in.
    let least = body.iter().filter(|l| !l.trim().is_empty()).map(|l| l.len() - l.trim_start().len()).min();
    let triggers: Vec<String> = if inline.is_empty() {
        body.iter()
            .filter(|l| Some(l.len() - l.trim_start().len()) == least)
            .map(|l| {
                l.trim().trim_start_matches("- ").split(':').next().unwrap_or_default().trim().to_ascii_lowercase()
            })
            .collect()
    } else {
        let words = inline.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'));
        words
            .filter(|w| {
                matches!(
                    *w,
                    "pull_request"
                        | "pull_request_target"
                        | "delete"
                        | "push"
                        | "workflow_dispatch"
                        | "schedule"
                        | "workflow_run"
                        | "release"
                        | "workflow_call"
                )
            })
            .map(str::to_owned)
            .collect()
    };
    let cleanup = |t: &String| matches!(t.as_str(), "pull_request" | "pull_request_target" | "delete");
    let closed_only =
        text.contains("closed") && !["opened", "synchronize", "reopened", "edited"].iter().any(|w| text.contains(w));
    !triggers.is_empty() && triggers.iter().all(cleanup) && (triggers.iter().all(|t| t == "delete") || closed_only)
}

/// Whether a line of a CI job's settings points a framework at a test or
/// local database: a `*_ENV` setting naming a short-lived environment
/// (`RAILS_ENV: test`, `MIX_ENV: test`), or a database's address on
/// this machine (`DATABASE_URL: postgres://postgres@localhost/app`,
/// `127.0.0.1`).
fn test_database(line: &str) -> bool {
    let t = line.trim_start().trim_start_matches("- ").trim_start();
    let Some((key, value)) = t.split_once(':') else { return false };
    let key = key.trim().trim_matches(['"', '\'']).to_ascii_lowercase();
    let value = value.trim();
    let address = ["database_url", "db_host", "database_host", "pghost", "mysql_host", "db_url"];
    // A CI service container's name (`DB_HOST: mysql`,
    // `postgres://u:p@postgres:5432/app`) is a database of the job's own.
    let unquoted = value.trim_matches(['"', '\'']);
    let authority = unquoted.split_once("://").map_or(unquoted, |(_, rest)| rest);
    let host = authority.rsplit('@').next().unwrap_or(authority);
    let host = host.split([':', '/']).next().unwrap_or(host).to_ascii_lowercase();
    let container = matches!(
        host.as_str(),
        "mysql" | "postgres" | "postgresql" | "mariadb" | "db" | "database" | "mongo" | "mongodb" | "redis"
    );
    (key.ends_with("_env") && short_lived(value))
        || (key.contains("settings_module") && short_lived(value))
        || (address.iter().any(|a| key.contains(a)) && (short_lived(value) || value.contains("127.0.0.1") || container))
}

/// Whether a line of a CI job marks it as a short-lived environment's
/// (see [`pipeline_destroys`]).
fn job_marks_short_lived(block: &[&str], k: usize) -> bool {
    let Some(line) = block.get(k) else { return false };
    let t = line.trim_start().trim_start_matches("- ").trim_start();
    let Some((key, value)) = t.split_once(':') else { return false };
    let key = key.trim().trim_matches(['"', '\'']).to_ascii_lowercase();
    let value = value.trim();
    match key.as_str() {
        "if" | "when" | "rules" => {
            let lower = value.to_ascii_lowercase();
            // A condition that excludes them (`github.event_name !=
            // 'pull_request'`, `!contains(...)`) marks nothing.
            let excludes =
                lower.contains("!=") || lower.trim_start_matches(['"', '\'', '$', '{', ' ']).starts_with('!');
            !excludes && (short_lived(value) || (lower.contains("closed") && lower.contains("action")))
        }
        "environment" | "on_stop" => short_lived(value),
        // An environment's name, address or action, by a CI expression
        // for a pull request or branch (`name: review/$CI_COMMIT_REF_SLUG`)
        // or a short-lived word; the same keys elsewhere (a step's name, an
        // artifact's, a parameter's `- name: BUILD_ID`) say what they like.
        "name" | "url" | "action" => {
            (short_lived(value) || SHORT_LIVED_EXPRESSIONS.iter().any(|e| value.to_ascii_lowercase().contains(e)))
                && parent_key(block, k).is_some_and(|p| p.eq_ignore_ascii_case("environment"))
        }
        _ => short_lived_setting(&key, value),
    }
}

/// The key of the mapping that holds line `k` of `block`: the nearest
/// line above it indented less (`environment` for `name:` in
/// `environment:\n  name: review/x`), its `- ` and quotes dropped;
/// looked for over at most [`MAX_STEP_LINES`] lines above, so that a
/// file of many such lines is read in linear time.
fn parent_key<'a>(block: &[&'a str], k: usize) -> Option<&'a str> {
    let indent = |l: &str| l.len() - l.trim_start().len();
    let line = block.get(k)?;
    let at = line.len() - line.trim_start().trim_start_matches("- ").len();
    let above = block.get(k.saturating_sub(MAX_STEP_LINES)..k)?;
    let parent = above.iter().rev().find(|l| !l.trim().is_empty() && indent(l) < at)?;
    let key = parent.trim_start().trim_start_matches("- ").split_once(':')?.0;
    Some(key.trim().trim_matches(['"', '\'']))
}

/// Words that mark what a command names as a short-lived or local
/// environment (see [`destructive_commands`]).
const SHORT_LIVED: [&str; 28] = [
    "rspec",
    "pytest",
    "phpunit",
    "preview",
    "previews",
    "ephemeral",
    "pr",
    "pull",
    "review",
    "test",
    "tests",
    "testing",
    "e2e",
    "ci",
    "tmp",
    "temp",
    "sandbox",
    "iid",
    "example",
    "examples",
    "dev",
    "local",
    "localhost",
    "kind",
    "minikube",
    "k3d",
    "mr",
    "development",
];

/// Expressions of a CI system that name a pull request, a branch or a run
/// (`${{ github.event.number }}`, `$CI_MERGE_REQUEST_IID`): a resource
/// named by one is that pull request's, branch's or run's.
const SHORT_LIVED_EXPRESSIONS: [&str; 15] = [
    "event.number",
    "pull_request",
    "head_ref",
    "run_id",
    "run_number",
    "ci_merge_request",
    "ci_commit_ref",
    "ci_pipeline_id",
    "ci_job_id",
    "change_id",
    "build_number",
    "build_id",
    "branch_name",
    // (Google Cloud Build's triggers: `$_PR_NUMBER`, `$_HEAD_BRANCH`.)
    "_pr_number",
    "_head_branch",
];

/// YAML keys whose values describe a step rather than run it.
const TEXT_KEYS: [&str; 7] = ["name:", "description:", "title:", "help:", "summary:", "message:", "echo:"];

/// Words that may come before a command without being one (`run:`,
/// `sudo`, `retry 3`, `env X=1`, `npx`, `then`).
const PREFIXES: [&str; 47] = [
    "-",
    "run:",
    "script:",
    "command:",
    "cmd:",
    "sh",
    "bash",
    "zsh",
    "sudo",
    "time",
    "exec",
    "nohup",
    "env",
    "retry",
    "npx",
    "bunx",
    "yarn",
    "pnpm",
    "dlx",
    "timeout",
    "command",
    "xargs",
    "nice",
    "then",
    "bun",
    "npm",
    "bundle",
    "inlineScript:",
    "bash:",
    "pwsh:",
    "powershell:",
    "sh:",
    "poetry",
    "pipenv",
    "uv",
    // Shell control words before a command (`while ! npx prisma ...`).
    "if",
    "while",
    "until",
    "!",
    "do",
    "else",
    "elif",
    // A group (`{ terraform destroy; }`) and wrappers that run the
    // command after them (red team 13).
    "{",
    "stdbuf",
    "watch",
    "parallel",
    "doas",
];

/// Whether a YAML text holds Kubernetes objects whose containers run
/// commands of their own: a line at its top level that starts with
/// `apiVersion:` and one that starts with `kind:` (a Helm template's
/// too), and a `command:` or `args:` key. Their containers' commands run
/// when they are applied, and [`pipeline_steps_destroy`] reads them as
/// steps.
///
/// ```
/// use blastgate_ingest::git::declares_kubernetes_objects;
/// assert!(declares_kubernetes_objects(b"apiVersion: batch/v1\nkind: Job\nspec:\n  command: [psql]\n"));
/// assert!(!declares_kubernetes_objects(b"apiVersion: apps/v1\nkind: Deployment\n"));
/// assert!(!declares_kubernetes_objects(b"services:\n  web:\n    image: nginx\n"));
/// ```
pub fn declares_kubernetes_objects(text: &[u8]) -> bool {
    // (A container runs a command of its own only with `command:` or
    // `args:`; without, its image's default, which the step reader counts
    // nothing for: such texts are not read, which keeps a release train's
    // manifests cheap.)
    let runs = text.windows(8).any(|w| w == b"command:" || w.starts_with(b"args:"));
    let starts = |key: &[u8]| text.split(|&b| b == b'\n').any(|line| line.starts_with(key));
    runs && starts(b"apiVersion:") && starts(b"kind:")
}

/// Where databases, brokers and stores keep their files on a host, by
/// their default configuration (and `$PGDATA`, Postgres's own variable).
pub const DATA_DIRECTORIES: &[&str] = &[
    "/var/lib/postgresql",
    "/var/lib/pgsql",
    "$pgdata",
    "${pgdata}",
    "/var/lib/mysql",
    "/var/lib/mariadb",
    "/var/lib/mongodb",
    "/var/lib/mongo",
    "/data/db",
    "/var/lib/redis",
    "/var/lib/valkey",
    "/var/lib/elasticsearch",
    "/var/lib/opensearch",
    "/var/lib/cassandra",
    "/var/lib/scylla",
    "/var/lib/kafka",
    "/var/lib/zookeeper",
    "/var/lib/etcd",
    "/var/lib/clickhouse",
    "/var/lib/rabbitmq",
    "/var/lib/influxdb",
    "/var/lib/minio",
    "/var/lib/neo4j",
    "/var/lib/couchdb",
    "/var/lib/mssql",
    "/var/opt/mssql",
    "/var/lib/docker/volumes",
    "/var/lib/vault",
    "/var/lib/consul",
];

/// The type a removal of `path` destroys when the path is a datastore's
/// files on a host ([`DATA_DIRECTORIES`], or a file or folder below one):
/// `database directory /var/lib/postgresql`. Red team 11: Ansible's
/// `file: path=/var/lib/postgresql state=absent` and `rm -rf` of it in a
/// script counted nothing.
///
/// ```
/// use blastgate_ingest::git::data_directory_removed;
/// assert_eq!(data_directory_removed("/var/lib/postgresql/16/main").as_deref(), Some("database directory /var/lib/postgresql"));
/// assert_eq!(data_directory_removed("\"$PGDATA\"/").as_deref(), Some("database directory $pgdata"));
/// assert_eq!(data_directory_removed("/var/lib/postgresql-backups"), None);
/// assert_eq!(data_directory_removed("/tmp/build"), None);
/// ```
pub fn data_directory_removed(path: &str) -> Option<String> {
    let path = path.trim().trim_matches(['"', '\'']).to_ascii_lowercase();
    let path = path.replace("\"", "");
    DATA_DIRECTORIES
        .iter()
        .find(|d| path.strip_prefix(**d).is_some_and(|rest| rest.is_empty() || rest.starts_with(['/', '*'])))
        .map(|d| format!("database directory {d}"))
}

/// What a command's text (`sudo -u postgres rm -rf "$PGDATA"`, quotes
/// read as blanks) removes of a datastore's files
/// ([`data_directory_removed`]): `rm` with a recursive option (`-r`,
/// `-R`, `-rf`, `--recursive`), each of its paths; not where a word
/// before it prints text (`echo rm -rf ...`).
fn rm_destroys(command: &str) -> Vec<String> {
    let plain: String = command.chars().map(|c| if matches!(c, '"' | '\'' | '`') { ' ' } else { c }).collect();
    let words: Vec<&str> = plain.split_whitespace().collect();
    let Some(start) = words.iter().position(|w| tool_name(w) == "rm") else { return Vec::new() };
    let printed = words.get(..start).unwrap_or_default().iter().any(|w| {
        matches!(w.to_ascii_lowercase().as_str(), "echo" | "printf" | "print" | "write-host" | "write-output" | "log")
    });
    let Some(args) = words.get(start + 1..).filter(|_| !printed) else { return Vec::new() };
    let recursive = args
        .iter()
        .any(|a| *a == "--recursive" || (a.starts_with('-') && !a.starts_with("--") && a.contains(['r', 'R'])));
    if !recursive {
        return Vec::new();
    }
    args.iter().filter(|a| !a.starts_with('-')).filter_map(|a| data_directory_removed(a)).collect()
}

/// SQL clients, whose commands run the SQL a script line holds.
const SQL_CLIENTS: &[&str] = &[
    "psql",
    "pgcli",
    "mysql",
    "mariadb",
    "mycli",
    "sqlcmd",
    "sqlite3",
    "duckdb",
    "cockroach",
    "clickhouse-client",
    "clickhouse",
    "snowsql",
    "cqlsh",
    "trino",
    "presto",
    "usql",
    "vsql",
    "sqlplus",
    "isql",
    "bq",
];

/// Whether a command's text (lower case, blanks collapsed) drops a
/// database, schema or table (`DROP TABLE`) or empties a table (`TRUNCATE
/// TABLE`); or, on a line that is SQL (`sql`: it runs a SQL client, or
/// is a statement ending in `;`), `TRUNCATE` followed by a name or a
/// `DELETE FROM` with no `WHERE`. A `DELETE` of some rows is routine
/// work, and the shell's own `truncate` takes an option first
/// (`truncate -s 0 app.log`).
fn sql_empties(text: &str, sql: bool) -> bool {
    // (`DROP KEYSPACE`: Cassandra's and ScyllaDB's database.)
    if ["drop database", "drop schema", "drop table", "truncate table", "drop keyspace"]
        .iter()
        .any(|s| text.contains(s))
    {
        return true;
    }
    if !sql {
        return false;
    }
    let words: Vec<&str> =
        text.split(|c: char| !(c.is_alphanumeric() || matches!(c, '_' | '-'))).filter(|w| !w.is_empty()).collect();
    let truncate = words.windows(2).any(|w| matches!(w, ["truncate", name] if !name.starts_with('-')));
    let delete = words.windows(2).any(|w| w == ["delete", "from"]) && !words.contains(&"where");
    truncate || delete
}

/// The types that the commands of one script line destroy.
fn commands_destroy(line: &str, resets: Option<&str>) -> Vec<String> {
    // (What the file's other lines aim frameworks at, and this line.)
    let resets: Option<String> = resets.map(|marks| format!("{marks} {}", production_marks(line).join(" ")));
    let trimmed = line.trim_start().trim_start_matches("- ").trim_start();
    let lower_start = trimmed.to_ascii_lowercase();
    if trimmed.starts_with(['#', ';']) || trimmed.starts_with("//") || lower_start.starts_with("rem ") {
        return Vec::new();
    }
    if TEXT_KEYS.iter().any(|k| lower_start.starts_with(k)) {
        return Vec::new();
    }
    // A local action or reusable workflow runs what it holds (unless its
    // name says it is for a short-lived environment).
    if let Some(call) = tasks::local_action(line) {
        return call.kind().filter(|_| !short_lived(&call.file)).into_iter().collect();
    }
    // A trailing comment says nothing that runs.
    let line = line.split(" #").next().unwrap_or(line);
    // `-target="a.b"`: the value, without its quotes (quotes split the
    // line below).
    let line = unquote_values(&tight_expressions(&make_variables(&shell_forms(line))));
    let mut types: Vec<String> = Vec::new();
    // A Terraform variable that turns a guard off, set in the
    // environment (`export TF_VAR_deletion_protection=false`, a job's
    // `TF_VAR_deletion_protection: "false"`): set for the applies after it.
    // (Before a command on its line, it is that command's: read with it
    // below, where its environment is known.)
    if !["terraform", "tofu", "terragrunt"].iter().any(|t| line.contains(t)) {
        types.extend(terraform_environment_guards(&line).into_iter().map(|g| format!("{UNGUARD}{g}")));
    }
    // The folder a `cd` earlier on the line moved to, for tasks run by
    // name after it (`cd infra && make destroy`).
    let mut cd: Option<String> = None;
    // Whether the line is SQL: it runs a SQL client (`echo "..." | psql`)
    // or is a statement ending in `;` (a here-document's), where
    // `TRUNCATE orders` and `DELETE FROM` are SQL rather than words of a
    // message.
    let sql_client = line.trim_end().ends_with(';')
        || line.split(|c: char| c.is_whitespace() || matches!(c, '|' | ';' | '&' | '(' | '"' | '\'' | '`')).any(|w| {
            let name = w.rsplit('/').next().unwrap_or(w).to_ascii_lowercase();
            SQL_CLIENTS.contains(&name.trim_end_matches(".exe"))
        });
    // Whether the line runs `ssh`: what follows it on the line runs on
    // another host (`ssh db-1 'cd /srv && docker compose down -v'` is
    // split at its `&&` below).
    let ssh_line = line.contains("ssh")
        && line.split([';', '|', '&', '(', '`', '"', '\'']).any(|piece| {
            // (Past the words before a command, settings too: `X=1 ssh
            // host ...`.)
            let words: Vec<&str> = piece
                .split_whitespace()
                .skip_while(|w| PREFIXES.contains(w) || (w.contains('=') && !w.starts_with('-')))
                .collect();
            ssh_command(&words).is_some()
        });
    for command in line.split([';', '|', '&']) {
        let lower = command.to_ascii_lowercase();
        let mut words = command.split_whitespace().skip_while(|w| PREFIXES.contains(w));
        // (`cd`, `pushd`; a Makefile recipe's `@cd`.)
        if words.next().map(|w| w.trim_start_matches(['@', '-', '+'])).is_some_and(|w| matches!(w, "cd" | "pushd")) {
            let dir = words.next().unwrap_or_default().trim_matches(['"', '\'']);
            let dir = workspace_relative(dir).trim_end_matches('/');
            let known = !dir.is_empty() && !dir.starts_with(['/', '~', '-']) && !dir.contains('$');
            cd = known.then(|| match cd.take() {
                Some(before) => format!("{before}/{dir}"),
                None => dir.to_owned(),
            });
            continue;
        }
        // SQL run from a script: a database, schema or table dropped, or a
        // table emptied (red team 11: `psql -c "DROP TABLE orders"` and
        // `TRUNCATE` counted nothing).
        let sql: String = lower.split_whitespace().collect::<Vec<_>>().join(" ");
        if sql_empties(&sql, sql_client) && !short_lived(&lower) {
            types.push("database".to_owned());
        }
        // A datastore's files removed on a host (`rm -rf
        // /var/lib/postgresql/16/main`).
        if !short_lived(&lower) {
            types.extend(rm_destroys(command));
        }
        // Quoted text runs only where a shell is handed it (`sh '...'`,
        // `bash -c "..."`, `run: "..."`); elsewhere it is an argument
        // (`echo "terraform destroy"`, a log message).
        // Each with whether it was quoted text (whose command ends with it).
        let mut segments: Vec<(&str, bool)> = Vec::new();
        let mut runs_quoted = true;
        let mut quoted_before = "";
        for (i, part) in quote_parts(command).into_iter().enumerate() {
            if i % 2 == 1 {
                if runs_quoted {
                    segments.push((part, true));
                }
                quoted_before = part;
                continue;
            }
            // (`ssh deploy@db-1 "docker compose down -v"` runs its quoted
            // command there: on another host, as `ssh_line` says.)
            let part_words: Vec<&str> = part.split_whitespace().collect();
            let over_ssh = part_words.iter().position(|w| !PREFIXES.contains(w)).is_some_and(|at| {
                let rest = part_words.get(at..).unwrap_or_default();
                ssh_command(rest) == Some(rest.len())
            });
            let last = part.split_whitespace().next_back().unwrap_or_default();
            // (A `package.json` script, `"deploy": "..."`, runs; its
            // `"description": "..."` does not.)
            let json_script = part.trim() == ":"
                && !TEXT_KEYS.iter().any(|k| k.trim_end_matches(':').eq_ignore_ascii_case(quoted_before.trim()));
            // (A flow list of commands, `script: ["...", "..."]`, runs each.)
            let list = last.ends_with('[') && lower_start.contains("script") || (part.trim() == "," && runs_quoted);
            runs_quoted = json_script
                || list
                || part.trim().is_empty()
                || matches!(
                    last,
                    "sh" | "bash" | "zsh" | "-c" | "-ec" | "-xc" | "eval" | "exec" | "run:" | "script:" | "-"
                        // (A script named in quotes, `source "$HERE/x.sh"`.)
                        | "source" | "." | "python" | "python3" | "node" | "ruby" | "perl"
                )
                || last.ends_with("script:")
                || last.ends_with('(');
            runs_quoted |= over_ssh;
            segments.extend(part.split(['(', ')', '`']).map(|s| (s, false)));
        }
        for (segment, quoted) in segments {
            // Up to a redirection: where output goes is no argument.
            let words: Vec<&str> = segment
                .split_whitespace()
                .take_while(|w| !w.starts_with(['>', '<']) && !w.starts_with("2>") && !w.starts_with("&>"))
                .collect();
            let found = command_at_start(&words).or_else(|| {
                let start =
                    words.iter().position(|w| !PREFIXES.contains(w) && (!w.contains('=') || w.starts_with('-')))?;
                // A command run on another host (`ssh deploy@db-1 dropdb
                // orders`): the command.
                let start = match ssh_command(words.get(start..)?) {
                    Some(inner) => {
                        let from = start + inner;
                        if let Some((t, a)) = command_at_start(words.get(from..)?) {
                            return Some((t, from + a));
                        }
                        from + words.get(from..)?.iter().position(|w| !w.contains('=') || w.starts_with('-'))?
                    }
                    None => start,
                };
                if !matches!(tool_name(words.get(start)?), "docker" | "podman" | "docker-compose" | "podman-compose") {
                    return None;
                }
                // A command run in a container (`docker compose exec web
                // python manage.py flush`); else Docker's own command
                // (`docker compose down --volumes`), read below.
                match container_command(words.get(start..)?) {
                    Some(inner) => {
                        let (t, a) = command_at_start(words.get(start + inner..)?)?;
                        Some((t, start + inner + a))
                    }
                    None => Some(("docker", start)),
                }
            });
            let Some((mut tool, mut at)) = found else { continue };
            // (The words of the wrappers: where they run it, `-a
            // orders-pr-12`, names an environment as its arguments do.)
            let mut wrappers: &[&str] = words.get(..at).unwrap_or_default();
            // A command run through another (`heroku run rake db:reset`,
            // `kubectl exec deploy/web -- bin/rails db:reset`, `docker
            // compose exec web python manage.py flush`) is that command;
            // a few wrappers deep at most.
            for _ in 0..4 {
                let Some(inner) = wrapped_command(tool, words.get(at + 1..).unwrap_or_default()) else { break };
                let rest = words.get(at + 1 + inner..).unwrap_or_default();
                let Some((t, a)) = command_at_start(rest) else { break };
                (tool, at) = (t, at + 1 + inner + a);
                wrappers = words.get(..at).unwrap_or_default();
            }
            // (Where the wrappers run it, `-a orders-pr-12`, and the
            // assignments before it, `RAILS_ENV=test bin/rails db:reset`,
            // name an environment as its arguments do.)
            let wrapped_short_lived =
                wrappers.iter().any(|w| !w.starts_with('-') && short_lived(w.rsplit_once('=').map_or(w, |(_, v)| v)));
            let assigned = words.get(..at).unwrap_or_default().iter().filter_map(|w| w.split_once('=')).map(|(_, v)| v);
            let assigned_short_lived = assigned.clone().any(short_lived);
            // Its arguments to the command's end, quotes taken out: a
            // quoted name is a name (`--stack-name "test-stack"`,
            // `helm uninstall "orders-postgresql"`).
            let word = words.get(at).copied().unwrap_or_default();
            let from = (word.as_ptr() as usize).saturating_sub(command.as_ptr() as usize);
            // (Quoted text ends where its quote does: `"nuke": "terraform
            // destroy",`.)
            let to = if quoted {
                (segment.as_ptr() as usize + segment.len()).saturating_sub(command.as_ptr() as usize)
            } else {
                command.len()
            };
            let tail: String = command
                .get(from..to.max(from))
                .unwrap_or_default()
                .chars()
                .filter(|c| !matches!(c, '"' | '\'' | '`'))
                .collect();
            let all: Vec<&str> = tail
                .split_whitespace()
                .take_while(|w| !w.starts_with(['>', '<']) && !w.starts_with("2>") && !w.starts_with("&>"))
                .collect();
            let args = all.get(1..).unwrap_or_default();
            // What the command acts on (its arguments but the values of
            // the options that say where it runs, `--kube-context`,
            // `--profile`, `--host`): one that says production makes it
            // production's, whatever else says short-lived (`aws --profile
            // ci rds ... --db-instance-identifier orders-prod`, `ENV=ci
            // dropdb orders_production`; fail closed), while a production
            // place does not make a preview's name production's (`helm
            // uninstall orders-pr-12 --kube-context prod`).
            let (what, place) = what_and_where(args);
            let production = what.iter().any(|a| says_production(a));
            if (wrapped_short_lived || assigned_short_lived) && !production {
                continue;
            }
            // A task run by name: a call the facade follows (its options
            // name folders and files, which say nothing of the
            // environment; [`tasks::task_calls`] reads its tasks and
            // settings for that).
            let runner = match tool {
                "make" | "gmake" => Some(TaskRunner::Make),
                "just" => Some(TaskRunner::Just),
                "task" => Some(TaskRunner::Task),
                "package-script" | "lerna" | "turbo" | "nx" | "run-s" | "run-p" | "npm-run-all" | "concurrently" => {
                    Some(TaskRunner::PackageScript)
                }
                // A script run by its path (`./scripts/recreate.sh`,
                // `python3 tools/cleanup.py`; Django's `manage.py` aside).
                "script" => Some(TaskRunner::Script),
                "python" | "python3" if tasks::script_call(&all).is_some() => Some(TaskRunner::Script),
                // (The MongoDB shell running a script file, `mongosh URI
                // --file drop.js`.)
                "mongosh" | "mongo" if tasks::script_call(&all).is_some() => Some(TaskRunner::Script),
                _ => None,
            };
            if let Some(runner) = runner {
                // (Not a key named like one, `task: TerraformTaskV4@4`.)
                if !word.ends_with(':') {
                    for mut call in tasks::task_calls(runner, &all) {
                        // (A script named in quotes: its arguments, after the
                        // quote, are not read, so which branch it takes is
                        // not known.)
                        if runner == TaskRunner::Script && quoted {
                            call.target = call.target.split(':').next().unwrap_or_default().to_owned();
                        }
                        // (After `cd infra &&`, from that folder.)
                        if let Some(dir) = cd.as_deref() {
                            call.run_from(dir);
                        }
                        types.extend(call.kind());
                    }
                }
                continue;
            }
            let dry_run = args.iter().any(|a| a.starts_with('-') && a.contains("dry-run"));
            // (`terraform destroy -help` prints the help.)
            let help = args.iter().any(|a| matches!(*a, "--help" | "-help"));
            // (After `cd infra/envs/dev &&`, as after `-chdir=infra/envs/dev`.)
            let in_short_lived = cd.as_deref().is_some_and(short_lived);
            // (Run on another machine, `kubectl exec redis-0 -- redis-cli
            // -h localhost flushall`, `ssh db-1 ...`, `localhost` is that
            // machine: no local environment.)
            let elsewhere = ssh_line
                || wrappers.windows(2).any(|w| matches!(w, [k, "exec"] if matches!(tool_name(k), "kubectl" | "oc")));
            let short = what.iter().chain(&place).any(|a| {
                if elsewhere {
                    short_lived(&a.replace("localhost", "").replace("127.0.0.1", ""))
                } else {
                    short_lived(a)
                }
            });
            if dry_run || help || in_short_lived || (short && !production) {
                continue;
            }
            if tool == "powershell" {
                // (`-WhatIf` only says what it would remove.)
                let complete = args.windows(2).any(|p| {
                    p.first().is_some_and(|o| o.eq_ignore_ascii_case("-mode"))
                        && p.get(1).is_some_and(|m| m.eq_ignore_ascii_case("complete"))
                });
                let what_if = args.iter().any(|a| a.eq_ignore_ascii_case("-whatif"));
                let cmdlet = tool_name(word).to_ascii_lowercase();
                if what_if {
                    continue;
                }
                if cmdlet.starts_with("remove-") {
                    types.extend(cmdlet_destroys(word));
                } else if cmdlet.starts_with("new-") && complete {
                    types.push("complete deployment".to_owned());
                }
                types.extend(cmdlet_unguards(word, args).into_iter().map(|g| format!("{UNGUARD}{g}")));
            } else if tool == "docker" {
                // Docker's volumes are where it runs: a CI runner's or a
                // developer's machine unless the command is aimed at
                // another host (`ssh`, `-H`, `--context`, `DOCKER_HOST`
                // on the line or set in the file).
                let before = words.get(..at).unwrap_or_default();
                let remote = ssh_line
                    || before.iter().any(|w| docker_remote_setting(w))
                    || resets.as_deref().is_some_and(|m| m.split_whitespace().any(|m| m == DOCKER_REMOTE))
                    || docker_remote_options(args);
                if remote {
                    types.extend(docker_destroys(args));
                }
            } else {
                types.extend(tool_destroys(tool, args, resets.as_deref()));
                // (`TF_VAR_deletion_protection=false terraform apply`: as
                // `-var deletion_protection=false`.)
                let environment: Vec<String> = words
                    .get(..at)
                    .unwrap_or_default()
                    .iter()
                    .filter_map(|w| w.strip_prefix("TF_VAR_"))
                    .map(|setting| format!("-var={setting}"))
                    .collect();
                let mut given: Vec<&str> = args.to_vec();
                given.extend(environment.iter().map(String::as_str));
                types.extend(tool_unguards(tool, &given).into_iter().map(|g| format!("{UNGUARD}{g}")));
            }
        }
    }
    types.iter_mut().for_each(|t| *t = clip_kind(t));
    types.retain(|t| !t.is_empty());
    types.sort_unstable();
    types.dedup();
    types
}

/// `line` with the shell's other ways of writing a command written
/// plainly, as the shell runs them (red team 13: each hid any command
/// from the reader):
///
/// - a command word quoted or escaped (`"terraform" destroy`,
///   `\redis-cli`): any quoted word of plain characters is the word;
/// - a setting or alias made earlier on the line (`T=terraform;
///   $T destroy`, `alias r=redis-cli; r FLUSHALL`): its value;
/// - what a command is fed on its standard input (`echo FLUSHALL |
///   redis-cli`, `redis-cli <<< FLUSHALL`, `mongosh URI <<<
///   'db.dropDatabase()'`): an argument of the command, and for a shell
///   (`echo "..." | bash`, `bash -s <<< "..."`) the command it runs.
fn shell_forms(line: &str) -> String {
    if line.len() > 4 * 4096 {
        return line.to_owned();
    }
    let mut fed = same_line_settings(&inner_quotes_removed(&unquote_words(line)));
    // (A few pipes or here-strings a line, no more.)
    for _ in 0..4 {
        match stdin_as_arguments(&fed) {
            Some(next) => fed = next,
            None => break,
        }
    }
    fed
}

/// `line` with each quoted word of plain characters (`"terraform"`,
/// `'redis-cli'`: letters, digits and `._/@:+,=-`) written without its
/// quotes, and a command word's escape taken off (`\redis-cli`). A quoted
/// text with blanks or other characters stays as it is.
fn unquote_words(line: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '/' | '@' | ':' | '+' | ',' | '=' | '-');
    let boundary = |c: Option<char>| c.is_none_or(|c| c.is_whitespace() || matches!(c, ';' | '|' | '&' | '(' | ')'));
    let chars: Vec<char> = line.chars().collect();
    let mut out = String::with_capacity(line.len());
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        let before = i.checked_sub(1).and_then(|j| chars.get(j)).copied();
        if matches!(c, '"' | '\'') && boundary(before) {
            let end = chars.get(i + 1..).and_then(|rest| rest.iter().position(|&d| d == c)).map(|n| i + 1 + n);
            if let Some(end) = end {
                let inner = chars.get(i + 1..end).unwrap_or_default();
                if !inner.is_empty() && inner.iter().all(|&d| plain(d)) && boundary(chars.get(end + 1).copied()) {
                    out.extend(inner);
                } else {
                    out.extend(chars.get(i..=end).unwrap_or_default());
                }
                i = end + 1;
                continue;
            }
        }
        if c == '\\' && boundary(before) && chars.get(i + 1).is_some_and(|d| d.is_ascii_alphabetic()) {
            i += 1;
            continue;
        }
        out.push(c);
        i += 1;
    }
    out
}

/// `line` with each word of plain characters that is written with quotes
/// or escapes inside it (`kube""ctl`, `k\ubectl`, `d\elete`,
/// `terra''form`) written as the shell's quote removal makes it: each hid
/// a destructive command from the reader (red team 17). A word holding
/// anything else (`$`, a blank inside quotes, an unclosed quote) stays as
/// written.
fn inner_quotes_removed(line: &str) -> String {
    if !line.contains(['"', '\'', '\\']) {
        return line.to_owned();
    }
    let plain = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '/' | '@' | ':' | '+' | ',' | '=' | '-');
    let separator = |c: char| c.is_whitespace() || matches!(c, ';' | '|' | '&' | '(' | ')');
    let chars: Vec<char> = line.chars().collect();
    let mut out = String::with_capacity(line.len());
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        if separator(c) {
            out.push(c);
            i += 1;
            continue;
        }
        let start = i;
        let mut word = String::new();
        // Only inside a word: a word quoted whole is `unquote_words`' (and
        // `"key": "value"` is JSON, not a command).
        let mut plain_word = plain(c);
        let mut escaped = false;
        while let Some(&d) = chars.get(i) {
            if separator(d) {
                break;
            }
            match d {
                '"' | '\'' => match chars.get(i + 1..).and_then(|rest| rest.iter().position(|&e| e == d)) {
                    Some(n) => {
                        let inner = chars.get(i + 1..i + 1 + n).unwrap_or_default();
                        plain_word &= inner.iter().all(|&e| plain(e));
                        word.extend(inner);
                        i += n + 2;
                    }
                    None => {
                        plain_word = false;
                        i += 1;
                    }
                },
                '\\' => match chars.get(i + 1) {
                    Some(&e) if plain(e) => {
                        word.push(e);
                        escaped = true;
                        i += 2;
                    }
                    _ => {
                        plain_word = false;
                        i += 1;
                    }
                },
                _ => {
                    plain_word &= plain(d);
                    word.push(d);
                    i += 1;
                }
            }
        }
        // A backslash in a path is Windows' separator (`.\scripts\x.ps1`),
        // not an escape.
        let path = escaped && word.contains(['.', '/', ':']);
        if plain_word && !path && !word.is_empty() {
            out.push_str(&word);
        } else {
            out.extend(chars.get(start..i).unwrap_or_default());
        }
    }
    out
}

/// `line` with what its earlier commands set written where its later ones
/// use it: a setting alone in its command (`T=terraform;`, `export
/// R=redis-cli &&`) at each `$T` or `${T}` after it, and an alias
/// (`alias r=redis-cli;`) where a later command starts with its name.
fn same_line_settings(line: &str) -> String {
    if !line.contains('=') || !line.contains([';', '&']) {
        return line.to_owned();
    }
    let mut variables: BTreeMap<String, String> = BTreeMap::new();
    let mut aliases: BTreeMap<String, String> = BTreeMap::new();
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    loop {
        let end = rest.find([';', '&', '|']).unwrap_or(rest.len());
        let piece = rest.get(..end).unwrap_or_default();
        let separator = rest.get(end..).unwrap_or_default();
        let mut piece = substitute(piece, &variables);
        let words: Vec<&str> = piece.split_whitespace().collect();
        let (alias, settings) = match words.first() {
            Some(&"alias") => (true, words.get(1..).unwrap_or_default()),
            Some(&("export" | "local" | "readonly" | "declare")) => (false, words.get(1..).unwrap_or_default()),
            _ => (false, words.as_slice()),
        };
        let assignments: Vec<(String, String)> = settings
            .iter()
            .filter_map(|w| {
                let (name, value) = w.split_once('=')?;
                let valid = !name.is_empty()
                    && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                    && !name.starts_with(|c: char| c.is_ascii_digit());
                valid.then(|| (name.to_owned(), value.trim_matches(['"', '\'']).to_owned()))
            })
            .collect();
        if !settings.is_empty() && assignments.len() == settings.len() {
            let into = if alias { &mut aliases } else { &mut variables };
            for (name, value) in assignments {
                if into.len() < 64 && value.len() <= 256 {
                    into.insert(name, value);
                }
            }
        } else if let Some(value) = words.first().and_then(|w| aliases.get(*w)) {
            let at = piece.find(|c: char| !c.is_whitespace()).unwrap_or(0);
            let name_len = words.first().map_or(0, |w| w.len());
            piece = format!(
                "{}{value}{}",
                piece.get(..at).unwrap_or_default(),
                piece.get(at + name_len..).unwrap_or_default()
            );
        }
        out.push_str(&piece);
        let Some(sep) = separator.chars().next() else { break };
        out.push(sep);
        rest = separator.get(sep.len_utf8()..).unwrap_or_default();
    }
    out
}

/// `line` with the first text fed to a command on its standard input
/// made its argument: `echo TEXT | COMMAND ...` (or `printf`) and
/// `COMMAND ... <<< TEXT` are `COMMAND ... TEXT`, and where the command
/// is a shell (`bash`, `sh -s`) the text is the command it runs. None
/// when the line feeds nothing so.
fn stdin_as_arguments(line: &str) -> Option<String> {
    let shell = |command: &str| {
        let words: Vec<&str> = command.split_whitespace().collect();
        words.first().is_some_and(|w| matches!(tool_name(w), "sh" | "bash" | "zsh" | "dash" | "ksh"))
            && words.iter().skip(1).all(|w| w.starts_with('-'))
    };
    // The text of a word or quoted text at the start of `rest`, and what
    // follows it.
    let text_at = |rest: &str| -> (String, usize) {
        let trimmed = rest.trim_start();
        let skipped = rest.len() - trimmed.len();
        match trimmed.chars().next() {
            Some(q @ ('"' | '\'')) => {
                let inner = trimmed.get(1..).unwrap_or_default();
                let end = inner.find(q).unwrap_or(inner.len());
                (inner.get(..end).unwrap_or_default().to_owned(), skipped + 1 + (end + 1).min(inner.len()))
            }
            _ => {
                let end =
                    trimmed.find(|c: char| c.is_whitespace() || matches!(c, ';' | '&' | '|')).unwrap_or(trimmed.len());
                (trimmed.get(..end).unwrap_or_default().to_owned(), skipped + end)
            }
        }
    };
    let printed = |text: &str| text.replace("\\n", " ").replace("\\r", " ");
    // `COMMAND ... <<< TEXT`.
    if let Some(at) = line.find("<<<") {
        let before = line.get(..at).unwrap_or_default();
        let start = before.rfind([';', '&', '|']).map_or(0, |p| p + 1);
        let command = before.get(start..).unwrap_or_default().trim_end();
        let (text, used) = text_at(line.get(at + 3..).unwrap_or_default());
        let after = line.get(at + 3 + used..).unwrap_or_default();
        let fed = if shell(command) { printed(&text) } else { format!("{command} {}", printed(&text)) };
        return Some(format!("{}{fed}{after}", before.get(..start).unwrap_or_default()));
    }
    // `echo TEXT | COMMAND ...` (a single `|`).
    let pipe = line.match_indices('|').map(|(i, _)| i).find(|&i| {
        line.get(i + 1..).is_some_and(|r| !r.starts_with('|'))
            && i.checked_sub(1).is_none_or(|j| line.get(j..i) != Some("|"))
    })?;
    let before = line.get(..pipe).unwrap_or_default();
    let start = before.rfind([';', '&']).map_or(0, |p| p + 1);
    let feeder = before.get(start..).unwrap_or_default().trim();
    let text = feeder.strip_prefix("echo ").or_else(|| feeder.strip_prefix("printf "))?;
    let text = text.trim_start();
    let text = ["-e ", "-n ", "-en ", "-ne "].iter().fold(text, |t, o| t.strip_prefix(o).unwrap_or(t)).trim();
    let text = text.strip_prefix(['"', '\'']).and_then(|t| t.strip_suffix(['"', '\''])).unwrap_or(text);
    let after = line.get(pipe + 1..).unwrap_or_default();
    let end = after.find([';', '&', '|']).unwrap_or(after.len());
    let command = after.get(..end).unwrap_or_default().trim();
    let tail = after.get(end..).unwrap_or_default();
    let fed = if shell(command) { printed(text) } else { format!("{command} {}", printed(text)) };
    Some(format!("{}{fed}{tail}", before.get(..start).unwrap_or_default()))
}

/// The shell functions a script's lines define (`reset() { redis-cli -h
/// cache "$@"; }` on one line, or its body over the lines up to a `}` of
/// its own), so that a call (`reset FLUSHALL`) is read as the body run
/// with its arguments.
#[derive(Default)]
struct ShellFunctions {
    /// Each function's body, by name (at most 64, each up to 4 KiB).
    bodies: BTreeMap<String, String>,
    /// The function whose body is being read, over lines.
    open: Option<String>,
}

impl ShellFunctions {
    /// `line` as it runs: a call of a function defined above is its
    /// body with the call's arguments where it takes them (`"$@"`,
    /// `$*`, `$1`; a body that takes none runs as it is); a definition
    /// is recorded.
    fn read(&mut self, line: &str) -> String {
        let trimmed = line.trim();
        if let Some(name) = self.open.clone() {
            if trimmed == "}" || trimmed == "};" {
                self.open = None;
            } else if let Some(body) = self.bodies.get_mut(&name)
                && body.len() + trimmed.len() < 4096
                && !trimmed.is_empty()
            {
                if !body.is_empty() {
                    body.push_str(" ; ");
                }
                body.push_str(trimmed);
            }
            return line.to_owned();
        }
        // `NAME() { BODY }`, `function NAME { BODY }`, `function NAME() {`.
        let head = trimmed.strip_prefix("function ").unwrap_or(trimmed);
        if let Some((name, rest)) = head.split_once(['(', ' ', '{'])
            && !name.is_empty()
            && name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-'))
            && (trimmed.starts_with("function ") || rest.trim_start().starts_with(')'))
        {
            let rest = rest.trim_start().trim_start_matches(')').trim_start();
            if let Some(body) = rest.strip_prefix('{') {
                if self.bodies.len() < 64 || self.bodies.contains_key(name) {
                    let body = body.trim();
                    match body.strip_suffix('}') {
                        Some(whole) => {
                            self.bodies.insert(name.to_owned(), whole.trim().trim_end_matches(';').to_owned());
                        }
                        None => {
                            self.bodies.insert(name.to_owned(), body.to_owned());
                            self.open = Some(name.to_owned());
                        }
                    }
                }
                return line.to_owned();
            }
        }
        let mut words = trimmed.splitn(2, char::is_whitespace);
        let Some(body) = words.next().and_then(|w| self.bodies.get(w)) else { return line.to_owned() };
        let args = words.next().unwrap_or_default().trim();
        let takes = ["\"$@\"", "$@", "\"$*\"", "$*", "\"$1\"", "$1"];
        // (A body that takes no arguments runs as it is.)
        takes.iter().fold(body.clone(), |b, t| b.replace(t, args))
    }
}

/// `command` split at its quotes: the text outside quotes and inside
/// them, in turn (the first part outside). A quote closes only at its
/// own kind, so that the other kind inside it is text (`'{"a": 1}'` is
/// one quoted part). An unclosed quote runs to the end.
fn quote_parts(command: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut open: Option<char> = None;
    let mut start = 0;
    for (i, c) in command.char_indices() {
        let closes = match open {
            Some(q) => c == q,
            None => matches!(c, '"' | '\''),
        };
        if closes {
            parts.push(command.get(start..i).unwrap_or_default());
            open = if open.is_some() { None } else { Some(c) };
            start = i + c.len_utf8();
        }
    }
    parts.push(command.get(start..).unwrap_or_default());
    parts
}

/// `line` with the quotes around option values taken out
/// (`-chdir="$DIR/infra" destroy` is `-chdir=$DIR/infra destroy`), so
/// that splitting at quotes keeps the command whole.
fn unquote_values(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        out.push(c);
        if c == '='
            && let Some(&q) = chars.peek().filter(|q| matches!(q, '"' | '\''))
        {
            chars.next();
            // The value up to its closing quote, without the quotes.
            for v in chars.by_ref() {
                if v == q {
                    break;
                }
                out.push(v);
            }
        }
    }
    out
}

/// The tool a command runs and where it is in `words`: the first word
/// that is no prefix ([`PREFIXES`], a number, `NAME=value`), if it is a
/// tool [`destructive_commands`] reads ([`known_tool`]), or the image of
/// `docker run` or `podman run` that is one (`hashicorp/terraform:1.9`).
/// A command whose first word is anything else (`echo`, `log`,
/// `Write-Host`, prose) runs none of them.
fn command_at_start(words: &[&str]) -> Option<(&'static str, usize)> {
    // (An option of a prefix, `sudo -E`, is one too; a Makefile's
    // `-terraform` is the tool; `bun x` and `npm exec` run what follows.)
    let launcher = |i: usize| {
        i.checked_sub(1)
            .and_then(|p| words.get(p))
            .is_some_and(|w| matches!(*w, "bun" | "npm" | "yarn" | "pnpm" | "poetry" | "pipenv" | "uv"))
    };
    // (The user or group `sudo` runs it as, `sudo -u postgres dropdb
    // orders`, is no command.)
    let as_user = |i: usize| {
        i.checked_sub(1).and_then(|p| words.get(p)).is_some_and(|o| matches!(*o, "-u" | "--user" | "-g" | "--group"))
            && words.get(..i).is_some_and(|before| before.iter().any(|w| matches!(*w, "sudo" | "doas")))
    };
    let start = (0..words.len()).find(|&i| {
        let Some(w) = words.get(i) else { return false };
        // (A Makefile recipe's `-` before a script's path, `-./x.sh`, is
        // no option.)
        let option = w.starts_with('-') && known_tool(w).is_none() && !w.starts_with("-./") && !w.starts_with("-../");
        let prefix = PREFIXES.contains(w)
            || option
            || w.chars().all(|c| c.is_ascii_digit())
            || (w.contains('=') && !w.starts_with('-'))
            || (launcher(i) && matches!(*w, "x" | "run" | "exec" | "dlx"))
            || as_user(i);
        !prefix
    })?;
    let first = words.get(start)?;
    // A script a shell runs by its path (`bash -euo pipefail
    // scripts/teardown.sh`; the shell's words are prefixes, read through
    // for `bash -c "..."`).
    let shell = words.get(..start).unwrap_or_default().iter().rposition(|w| matches!(*w, "sh" | "bash" | "zsh"));
    if let Some(at) = shell
        && tasks::script_call(words.get(at..).unwrap_or_default()).is_some()
    {
        return Some(("script", at));
    }
    if let Some(tool) = known_tool(first) {
        return Some((tool, start));
    }
    // A script run by its path, or by an interpreter (`./scripts/x.sh`,
    // `bash scripts/x.sh`, `bun run scripts/x.ts`): read by [`tasks::script_call`].
    // (Not where a shell before it reads the file without running it,
    // `bash -n scripts/x.sh`.)
    if shell.is_none() && (tasks::interpreter(first).is_some() || first.contains(['/', '\\'])) {
        let rest = words.get(start..).unwrap_or_default();
        if tasks::script_call(rest).is_some() {
            return Some(("script", start));
        }
    }
    // A package's script run by its manager (`npm run destroy`, `yarn
    // --cwd infra teardown`): the manager's word, read by [`tasks`].
    let manager =
        words.get(..start).unwrap_or_default().iter().rposition(|w| matches!(*w, "npm" | "yarn" | "pnpm" | "bun"));
    if let Some(at) = manager {
        return Some(("package-script", at));
    }

    // A PowerShell cmdlet that removes something (`Remove-AzResourceGroup`).
    // (And one that deploys a template, `New-AzResourceGroupDeployment`,
    // read for its mode.)
    let cmdlet = tool_name(first).to_ascii_lowercase();
    // (And one that may turn a guard off, `Edit-RDSDBInstance
    // -DeletionProtection $false`: see [`cmdlet_unguards`].)
    let edits = (cmdlet.starts_with("edit-") || cmdlet.starts_with("update-")) && cmdlet.len() > 7;
    if cmdlet.starts_with("remove-") || (cmdlet.starts_with("new-az") && cmdlet.ends_with("deployment")) || edits {
        return Some(("powershell", start));
    }
    if matches!(tool_name(first), "docker" | "podman") && words.get(start + 1) == Some(&"run") {
        let mut i = start + 2;
        while let Some(w) = words.get(i) {
            if !w.starts_with('-') {
                return known_tool(w).map(|tool| (tool, i));
            }
            let takes_value = !w.contains('=')
                && matches!(
                    *w,
                    "-v" | "--volume"
                        | "-w"
                        | "--workdir"
                        | "-e"
                        | "--env"
                        | "-u"
                        | "--user"
                        | "--network"
                        | "--name"
                        | "--entrypoint"
                        | "--env-file"
                );
            i += if takes_value { 2 } else { 1 };
        }
    }
    None
}

/// The tool a command word runs, if [`destructive_commands`] reads it: by
/// [`tool_name`], or a variable named after one where a command stands
/// (`$(TERRAFORM)`, `${TF}`, `$KUBECTL`).
fn known_tool(word: &str) -> Option<&'static str> {
    let name = tool_name(word);
    if let Some(tool) = TOOLS.iter().chain(&DATA_TOOLS).find(|t| **t == name) {
        return Some(tool);
    }
    // (The AWS command line's image, `docker run amazon/aws-cli rds ...`.)
    if name == "aws-cli" {
        return Some("aws");
    }
    let variable = word.trim_start_matches(['@', '-', '+']).strip_prefix('$')?;
    let variable = variable.trim_start_matches(['(', '{']).trim_end_matches([')', '}']).to_ascii_lowercase();
    match variable.as_str() {
        "tf" | "terraform_bin" | "tf_bin" => Some("terraform"),
        v => TOOLS.iter().chain(&DATA_TOOLS).find(|t| **t == v).copied(),
    }
}

/// `line` with each Makefile variable `$(NAME)` written `${NAME}`, so
/// that splitting at parentheses keeps it whole (`$(TERRAFORM) destroy`).
fn make_variables(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(at) = rest.find("$(") {
        out.push_str(rest.get(..at).unwrap_or_default());
        let after = rest.get(at + 2..).unwrap_or_default();
        let name_len =
            after.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-')).unwrap_or(after.len());
        match (after.get(..name_len), after.get(name_len..)) {
            (Some(name), Some(tail)) if !name.is_empty() && tail.starts_with(')') => {
                out.push_str("${");
                out.push_str(name);
                out.push('}');
                rest = tail.get(1..).unwrap_or_default();
            }
            _ => {
                out.push_str("$(");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// `line` with the blanks inside `${{ ... }}` taken out, so that a CI
/// expression is one word (`-n ${{ vars.NS }} pvc`).
fn tight_expressions(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(at) = rest.find("${{") {
        out.push_str(rest.get(..at).unwrap_or_default());
        let after = rest.get(at..).unwrap_or_default();
        let end = after.find("}}").map_or(after.len(), |e| e + 2);
        out.extend(after.get(..end).unwrap_or_default().chars().filter(|c| !c.is_whitespace()));
        rest = after.get(end..).unwrap_or_default();
    }
    out.push_str(rest);
    out
}

/// Whether `text` (what a command names) marks a short-lived or local
/// environment: a word of [`SHORT_LIVED`] in its own text, or a CI
/// expression or variable of [`SHORT_LIVED_EXPRESSIONS`] (a variable's
/// name is otherwise no word of it: `$CI_PROJECT_DIR` says nothing).
fn short_lived(text: &str) -> bool {
    // Words of a name written in camel case (`MyStackTesting`); `DevOps`
    // stays one word (a team, not a development environment).
    let mut split = String::with_capacity(text.len() + 8);
    let mut previous: Option<char> = None;
    for c in text.chars() {
        if c.is_ascii_uppercase() && previous.is_some_and(|p| p.is_ascii_lowercase()) {
            split.push(' ');
        }
        split.push(c);
        previous = Some(c);
    }
    let lower = split.to_ascii_lowercase().replace("dev ops", "devops");
    if SHORT_LIVED_EXPRESSIONS.iter().any(|e| lower.contains(e)) {
        return true;
    }
    // The literal text: `${{ ... }}`, `${NAME}` and `$NAME` taken out.
    let mut literal = String::with_capacity(lower.len());
    let mut rest = lower.as_str();
    while let Some(at) = rest.find('$') {
        literal.push_str(rest.get(..at).unwrap_or_default());
        let after = rest.get(at + 1..).unwrap_or_default();
        let skip = if let Some(inner) = after.strip_prefix("{{") {
            inner.find("}}").map_or(after.len(), |e| e + 4)
        } else if let Some(inner) = after.strip_prefix('{') {
            inner.find('}').map_or(after.len(), |e| e + 2)
        } else {
            after.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(after.len())
        };
        literal.push(' ');
        rest = after.get(skip..).unwrap_or_default();
    }
    literal.push_str(rest);
    // (A name that also says production, `dev-portal-prod`,
    // `review-service-prod`, is production's: fail closed.)
    !says_production(&literal) && literal.split(|c: char| !c.is_ascii_alphanumeric()).any(|w| SHORT_LIVED.contains(&w))
}

/// Options whose value says where a command runs, not what it acts on.
const PLACE_OPTIONS: [&str; 16] = [
    "--context",
    "--kube-context",
    "--kubeconfig",
    "--cluster",
    "--region",
    "--profile",
    "--project",
    "-g",
    "--resource-group",
    "--subscription",
    "--host",
    "-h",
    "-var-file",
    "--var-file",
    "--as",
    "--token",
];

/// A command's arguments that name something (no option, or an option's
/// value: `NAME=value` as its value), parted into what it acts on and
/// where it runs (the values of [`PLACE_OPTIONS`]).
fn what_and_where<'a>(args: &[&'a str]) -> (Vec<&'a str>, Vec<&'a str>) {
    let (mut what, mut place) = (Vec::new(), Vec::new());
    let mut next_is_place = false;
    for a in args {
        if std::mem::take(&mut next_is_place) && !a.starts_with('-') {
            place.push(*a);
            continue;
        }
        let (option, value) = match a.split_once('=') {
            Some((o, v)) => (o, Some(v)),
            None => (*a, None),
        };
        let is_place = PLACE_OPTIONS.contains(&option);
        match value {
            Some(v) if is_place => place.push(v),
            Some(v) => what.push(v),
            None if a.starts_with('-') => next_is_place = is_place,
            None => what.push(*a),
        }
    }
    (what, place)
}

/// Whether a word of `text` says production (`prod`, `production`,
/// `prd`: `orders-prod`, `production/db`), in any case.
fn says_production(text: &str) -> bool {
    text.split(|c: char| !c.is_ascii_alphanumeric()).any(|w| {
        w.eq_ignore_ascii_case("prod") || w.eq_ignore_ascii_case("production") || w.eq_ignore_ascii_case("prd")
    })
}

/// A command word as the tool it runs: a Makefile recipe's `@` or `-`
/// dropped, and a path or an image's name reduced to its last part
/// (`/usr/bin/terraform`, `hashicorp/terraform:1.9`).
fn tool_name(word: &str) -> &str {
    let word = word.trim_start_matches(['@', '-', '+']);
    let last = word.rsplit('/').next().unwrap_or(word);
    // (`npx prisma@5`: a package's version.)
    let last = last.split('@').next().unwrap_or(last);
    last.split(':').next().unwrap_or(last)
}

/// Options of the tools read that take a value as the next argument.
const VALUE_OPTIONS: [&str; 30] = [
    "-n",
    "--namespace",
    "-l",
    "--selector",
    "-o",
    "--output",
    "--context",
    "--kube-context",
    "--kubeconfig",
    "--cluster",
    "-c",
    "--field-selector",
    "--region",
    "--profile",
    "--project",
    "-g",
    "--resource-group",
    "--timeout",
    "-f",
    "--filename",
    "-k",
    "--kustomize",
    "-var",
    "-var-file",
    "-target",
    "-replace",
    "--stack",
    "-s",
    "--as",
    "--token",
];

/// Words that name infrastructure in a cloud command's operation or
/// resource (`aws rds delete-db-instance`, `gcloud sql instances delete`,
/// `az group delete`): a delete of anything else (objects, messages,
/// keys, tags, snapshots, images, parameters) is routine.
const INFRA_NOUNS: [&str; 57] = [
    "resource",
    "container",
    "droplet",
    "droplets",
    "apps",
    "db",
    "database",
    "databases",
    "cluster",
    "clusters",
    "table",
    "bucket",
    "buckets",
    "stack",
    "domain",
    "queue",
    "topic",
    "topics",
    "stream",
    "volume",
    "disks",
    "disk",
    "system",
    "function",
    "functions",
    "service",
    "services",
    "replication",
    "cache",
    "vpc",
    "network",
    "zone",
    "nodegroup",
    "instance",
    "instances",
    "group",
    "sql",
    "redis",
    "account",
    "aks",
    "postgres",
    "mysql",
    "mariadb",
    "cosmosdb",
    "vm",
    "webapp",
    "functionapp",
    "containerapp",
    "acr",
    "servicebus",
    "eventhubs",
    "server",
    "namespace",
    "machine",
    "machines",
    "dataset",
    "vault",
];

/// Words of a cloud command that name routine objects even beside an
/// infrastructure noun (`log-group`, `iam service-accounts keys`).
const ROUTINE_NOUNS: [&str; 45] = [
    "deployment",
    "lock",
    "locks",
    "config",
    "log",
    "logs",
    "key",
    "keys",
    "image",
    "images",
    "artifacts",
    "versions",
    "version",
    "revisions",
    "tags",
    "blob",
    "secret",
    "configurations",
    "snapshot",
    "alias",
    "policy",
    "tagging",
    "cors",
    "lifecycle",
    "encryption",
    "website",
    "concurrency",
    "permission",
    "acl",
    "parameter",
    // (A project's lien guards it: `gcloud resource-manager liens
    // delete` turns a guard off, [`tool_unguards`].)
    "liens",
    // A database's or service's parts that hold none of its data, and
    // access (a red team's false alarms: `gcloud sql backups|users|
    // ssl-certs delete`, `gcloud compute instance-templates|
    // backend-services delete`, `gcloud run domain-mappings delete`,
    // `gcloud iam service-accounts delete`; Ansible's
    // `gcp_compute_instance_template`, `iam_group`,
    // `ec2_placement_group`).
    "backup",
    "backups",
    "snapshots",
    "user",
    "users",
    "ssl",
    "certs",
    "template",
    "templates",
    "backend",
    "mapping",
    "mappings",
    "iam",
    "placement",
];

/// The tools [`destructive_commands`] reads.
const TOOLS: [&str; 67] = [
    // Tasks run by name (see [`tasks`]).
    "make",
    "lerna",
    "turbo",
    "nx",
    "run-s",
    "run-p",
    "npm-run-all",
    "concurrently",
    "gmake",
    "just",
    "task",
    "terraform",
    "tofu",
    "terragrunt",
    "gitlab-terraform",
    "gitlab-tofu",
    "opentofu",
    "cdktf",
    "sst",
    "copilot",
    "heroku",
    "fly",
    "flyctl",
    "doctl",
    // Frameworks' database commands (see [`resets_database`]).
    "prisma",
    "rails",
    "rake",
    "php",
    "artisan",
    "console",
    "python",
    "python3",
    "manage.py",
    "django-admin",
    "mix",
    "flyway",
    "liquibase",
    "dotnet",
    "sequelize",
    "sequelize-cli",
    "typeorm",
    "supabase",
    "mvn",
    "mvnw",
    "gradle",
    "gradlew",
    "pulumi",
    "cdk",
    "sam",
    "serverless",
    "sls",
    "helmfile",
    "eksctl",
    "dropdb",
    "kubectl",
    "oc",
    "helm",
    "argocd",
    "aws",
    "aws-vault",
    "gsutil",
    "gcloud",
    "az",
    "bq",
    "s5cmd",
    "nomad",
    "curl",
];

/// Data services' own command lines, tools [`destructive_commands`]
/// reads beside [`TOOLS`] (red team 12): see [`data_service_destroys`].
const DATA_TOOLS: [&str; 19] = [
    "kafka-topics",
    "kafka-topics.sh",
    "kafka-configs",
    "kafka-configs.sh",
    "kafka-delete-records",
    "kafka-delete-records.sh",
    "rpk",
    "rabbitmqadmin",
    "rabbitmqctl",
    "redis-cli",
    "valkey-cli",
    "keydb-cli",
    "mongosh",
    "mongo",
    "etcdctl",
    "vault",
    "consul",
    "nats",
    "pulsar-admin",
];

/// What `tool` run with `args` destroys (empty: nothing it reads).
fn tool_destroys(tool: &str, args: &[&str], resets: Option<&str>) -> Vec<String> {
    let mut plain = plain_arguments(args);
    // (`gcloud alpha storage rm`, `gcloud beta sql instances delete`: the
    // command of a release track is the command.)
    if tool == "gcloud" && plain.first().is_some_and(|w| matches!(*w, "alpha" | "beta" | "preview")) {
        plain.remove(0);
    }
    let first = plain.first().copied().unwrap_or_default();
    let has = |flag: &str| {
        let flag = flag.trim_start_matches('-');
        args.iter().any(|a| {
            let a = a.strip_prefix("--").or_else(|| a.strip_prefix('-'));
            a.is_some_and(|a| a == flag || a.starts_with(&format!("{flag}=")))
        })
    };
    // `-target=ADDRESS`, `-target ADDRESS` (one dash or two).
    let addresses = |flag: &str| -> Vec<String> {
        let mut out = Vec::new();
        for (i, a) in args.iter().enumerate() {
            let a = a.trim_start_matches('-');
            let value = match a.strip_prefix(flag) {
                Some(v) if v.starts_with('=') => Some(v.trim_start_matches('=').to_owned()),
                Some("") => args.get(i + 1).map(|v| (*v).to_owned()),
                _ => None,
            };
            let value = value.map(|v| v.trim_matches(|c| c == '"' || c == '\'').to_owned());
            if let Some(v) = value.filter(|v| !v.is_empty()) {
                out.push(blastgate_change::address_type(&v).unwrap_or(&v).to_owned());
            }
        }
        out
    };
    let words = |n: usize| -> String {
        std::iter::once(tool).chain(plain.iter().copied().take(n)).collect::<Vec<_>>().join(" ")
    };
    // A cloud command's words before `delete` (or its operation's parts).
    let infrastructure = |parts: &[&str]| {
        let split: Vec<&str> = parts.iter().flat_map(|p| p.split('-')).collect();
        split.iter().any(|w| INFRA_NOUNS.contains(w)) && !split.iter().any(|w| ROUTINE_NOUNS.contains(w))
    };
    match tool {
        "terraform" | "tofu" | "terragrunt" | "gitlab-terraform" | "gitlab-tofu" | "opentofu" => {
            let destroy = plain.iter().take(2).any(|w| *w == "destroy" || *w == "destroy-all")
                || (matches!(first, "apply" | "plan") && has("-destroy") && (first == "apply" || has("-out")))
                || (first == "run-all" && plain.get(1) == Some(&"destroy"));
            if destroy {
                let targets = addresses("target");
                if targets.is_empty() { vec!["terraform destroy".to_owned()] } else { targets }
            } else if first == "apply" {
                addresses("replace")
            } else {
                Vec::new()
            }
        }
        "pulumi" if matches!(first, "destroy" | "down") => vec!["pulumi destroy".to_owned()],
        "cdk" if first == "destroy" => vec!["cdk destroy".to_owned()],
        "sam" if first == "delete" => vec!["sam delete".to_owned()],
        "serverless" | "sls" if first == "remove" => vec!["serverless remove".to_owned()],
        "helmfile" if matches!(first, "destroy" | "delete") => vec!["helmfile destroy".to_owned()],
        "cdktf" if first == "destroy" => vec!["cdktf destroy".to_owned()],
        "sst" if first == "remove" => vec!["sst remove".to_owned()],
        "copilot" if matches!(first, "app" | "env" | "svc" | "job") && plain.get(1) == Some(&"delete") => {
            vec![words(2)]
        }
        "heroku" if matches!(first, "apps:destroy" | "addons:destroy" | "pg:reset") => vec![words(1)],
        "fly" | "flyctl" => {
            let second = plain.get(1).copied().unwrap_or_default();
            let apps = matches!(first, "apps" | "app") && matches!(second, "destroy" | "delete" | "remove" | "rm");
            let volumes = matches!(first, "volumes" | "volume" | "vol") && matches!(second, "destroy" | "delete");
            if first == "destroy" || apps {
                vec!["fly apps destroy".to_owned()]
            } else if volumes {
                vec!["fly volumes destroy".to_owned()]
            } else {
                Vec::new()
            }
        }
        "doctl" => match plain.iter().take(4).position(|w| matches!(*w, "delete" | "rm")) {
            Some(at) if infrastructure(plain.get(..at).unwrap_or_default()) => vec![words(at + 1)],
            _ => Vec::new(),
        },
        "eksctl" if first == "delete" => vec![words(2)],
        // A Nomad CSI or host volume deleted, its data with it (red team
        // 11); a job stopped and purged is the job.
        "nomad" if first == "volume" && matches!(plain.get(1), Some(&"delete")) => {
            vec!["nomad volume delete".to_owned()]
        }
        "nomad" if first == "job" && plain.get(1) == Some(&"stop") && args.contains(&"-purge") => {
            vec!["nomad job stop -purge".to_owned()]
        }
        "dropdb" => vec!["database".to_owned()],
        _ if DATA_TOOLS.contains(&tool) => data_service_destroys(tool, args, &plain, &has),
        "curl" => search_index_deletes(args),
        "kubectl" | "oc" if first == "delete" => plain.get(1).map(|k| kubernetes_kinds(k)).unwrap_or_default(),
        "helm" if matches!(first, "uninstall" | "delete" | "del" | "un") => {
            let names = plain.get(1..).unwrap_or_default();
            if names.is_empty() {
                vec!["helm uninstall".to_owned()]
            } else {
                names.iter().map(|n| format!("helm uninstall {n}")).collect()
            }
        }
        "argocd" if first == "app" && plain.get(1) == Some(&"delete") => {
            vec![format!("argocd app {}", plain.get(2).copied().unwrap_or_default()).trim_end().to_owned()]
        }
        "aws" => {
            let op = plain.get(1).copied().unwrap_or_default();
            let deletes = (op.starts_with("delete-") || op.starts_with("terminate-")) && infrastructure(&[first, op]);
            if deletes || (first == "s3" && op == "rb") {
                vec![words(2)]
            } else if first == "s3"
                && op == "rm"
                && has("recursive")
                && !has("dryrun")
                && args.iter().any(|a| whole_bucket(a, "s3://"))
            {
                vec!["aws s3 rb".to_owned()]
            } else {
                Vec::new()
            }
        }
        // (Past global options and their values: `gsutil -u billing -m
        // rb gs://b`.)
        "gsutil" if plain.iter().take(3).any(|w| *w == "rb") => vec!["gsutil rb".to_owned()],
        // Everything in a bucket, removed (`gsutil -m rm -r gs://b`,
        // `gsutil rm -rf gs://b`, `gsutil rm 'gs://b/**'`, `gcloud storage
        // rm --recursive gs://b`), takes the bucket with it: the bucket's
        // removal (a red team's miss).
        "gsutil"
            if plain.iter().take(3).any(|w| *w == "rm")
                && every_object(args)
                && args.iter().any(|a| whole_bucket(a, "gs://")) =>
        {
            vec!["gsutil rb".to_owned()]
        }
        // BigQuery's `bq rm`: a dataset with `-d` (`-r` takes its tables
        // with it), else a table; not a model or routine.
        "bq" if plain.iter().take(3).any(|w| *w == "rm") => {
            if short_flag(args, 'm') || has("model") || has("routine") {
                Vec::new()
            } else if short_flag(args, 'd') || has("dataset") {
                vec!["bigquery_dataset".to_owned()]
            } else {
                vec!["bigquery_table".to_owned()]
            }
        }
        // s5cmd, past its global options: `rb` a bucket, `rm` of every
        // object in one (`s3://b/*`) empties it; not `--dry-run`.
        "s5cmd" if !has("dry-run") => {
            let at = plain.iter().take(4).position(|w| matches!(*w, "rm" | "rb"));
            let targets = at.and_then(|at| plain.get(at + 1..)).unwrap_or_default();
            match at.and_then(|at| plain.get(at)) {
                Some(&"rb") => vec!["aws s3 rb".to_owned()],
                Some(&"rm") if targets.iter().any(|a| whole_bucket(a, "s3://")) => vec!["aws s3 rb".to_owned()],
                _ => Vec::new(),
            }
        }
        "gcloud"
            if first == "storage"
                && plain.get(1) == Some(&"rm")
                && every_object(args)
                && args.iter().any(|a| whole_bucket(a, "gs://")) =>
        {
            vec!["gsutil rb".to_owned()]
        }
        // A template deployment in complete mode deletes what the resource
        // group holds and the template does not.
        "az" if (first == "deployment" || (first == "group" && plain.get(1) == Some(&"deployment")))
            && plain.contains(&"create")
            && (args.windows(2).any(|p| {
                p.first().is_some_and(|o| *o == "--mode")
                    && p.get(1).is_some_and(|m| m.eq_ignore_ascii_case("complete"))
            }) || args.iter().any(|a| a.eq_ignore_ascii_case("--mode=complete"))) =>
        {
            vec!["complete deployment".to_owned()]
        }
        "gcloud" | "az" => match plain.iter().take(5).position(|w| *w == "delete") {
            Some(at) if infrastructure(plain.get(..at).unwrap_or_default()) => vec![words(at + 1)],
            _ => Vec::new(),
        },
        _ if resets.is_some_and(|marks| resets_database(tool, &plain, &has, marks)) => vec!["database".to_owned()],
        _ => Vec::new(),
    }
}

/// What a data service's own command line (`tool` run with `args`, its
/// plain arguments `plain`, `has` telling its options) destroys: the data
/// it holds, each named by the command's words so that the rules read the
/// service's kind in them (red team 12: each was `owner` on a tier-0
/// leaf, where the same data deleted through Terraform was `multi_party`).
///
/// - Kafka: `kafka-topics --delete` (a topic and its messages),
///   `kafka-delete-records` (a topic's messages up to an offset),
///   `kafka-configs --alter` setting `retention.ms` under a minute, and
///   Redpanda's `rpk topic delete` and `rpk topic trim-prefix`;
/// - RabbitMQ: `rabbitmqadmin delete queue`, `delete vhost`, `purge
///   queue`, and `rabbitmqctl delete_queue`, `purge_queue`,
///   `delete_vhost`, `reset` and `force_reset`;
/// - Redis (and Valkey, KeyDB): `FLUSHALL` and `FLUSHDB`, in any case,
///   also in an `EVAL` script;
/// - MongoDB's shell: `dropDatabase` (`db.dropDatabase()`,
///   `runCommand({dropDatabase: 1})`), a collection's `drop()`, and
///   `deleteMany({})` or `remove({})` of every document (with options,
///   or in a `bulkWrite`);
/// - etcd: `etcdctl del` of a key range (`--prefix`, `--from-key`);
/// - Vault: `vault secrets disable` (a secrets engine and every secret
///   in it) or the API's `vault delete sys/mounts/PATH`, `vault kv
///   destroy` and `vault kv metadata delete` (or `vault delete
///   MOUNT/metadata/...`: a secret's versions, for good); Consul: `consul
///   kv delete -recurse`;
/// - NATS JetStream: `nats stream rm` and `nats stream purge`; Pulsar:
///   `pulsar-admin topics delete`, `namespaces delete` and `tenants
///   delete`.
///
/// Subcommands are found anywhere among the plain arguments, past global
/// options and their values (`rpk -X brokers=... topic delete`).
///
/// A single key deleted (`etcdctl del KEY`, `redis-cli DEL KEY`) and
/// what only reads count nothing; a Redis `DEL` fed its keys (`redis-cli
/// --scan | xargs redis-cli DEL`) is a flush.
fn data_service_destroys(tool: &str, args: &[&str], plain: &[&str], has: &dyn Fn(&str) -> bool) -> Vec<String> {
    // A subcommand's words anywhere among the plain arguments: a global
    // option's value before them (`rpk -X brokers=... topic delete`,
    // `nats --server URL stream rm`, `rabbitmqadmin -V / delete queue`)
    // moves them along (red team 13).
    let pair = |a: &[&str], b: &[&str]| {
        plain.windows(2).find_map(|w| match w {
            [x, y] if a.contains(x) && b.contains(y) => Some((*x, *y)),
            _ => None,
        })
    };
    let named = |kind: &str| vec![kind.to_owned()];
    // (Words of the arguments, `_` kept: `redis.call('flushall')` has
    // `flushall`, `flushall_count` does not.)
    let words = || {
        args.iter()
            .flat_map(|a| a.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')))
            .filter(|w| !w.is_empty())
            .map(str::to_ascii_lowercase)
    };
    match tool {
        "kafka-topics" | "kafka-topics.sh" if has("delete") => named("kafka-topics --delete"),
        "kafka-delete-records" | "kafka-delete-records.sh" => named("kafka-delete-records"),
        // A topic's retention set to under a minute purges it: the broker
        // deletes every message older than that (a known way to empty a
        // topic without deleting it).
        "kafka-configs" | "kafka-configs.sh" if has("alter") && purges_by_retention(args) => {
            named("kafka-configs retention")
        }
        "rpk" if pair(&["topic"], &["delete", "trim-prefix"]).is_some() => named("rpk topic delete"),
        "rabbitmqadmin" => match pair(&["delete", "purge"], &["queue", "vhost"]) {
            Some((verb, noun)) if (verb, noun) != ("purge", "vhost") => named(&format!("rabbitmqadmin {verb} {noun}")),
            _ => Vec::new(),
        },
        "rabbitmqctl" => plain
            .iter()
            .find(|w| matches!(**w, "delete_queue" | "purge_queue" | "delete_vhost" | "reset" | "force_reset"))
            .map(|w| named(&format!("rabbitmqctl {w}")))
            .unwrap_or_default(),
        // (`FLUSHALL` as a command or in a script, `EVAL
        // "redis.call('flushall')" 0`.)
        "redis-cli" | "valkey-cli" | "keydb-cli" => match words().find(|w| w == "flushall" || w == "flushdb") {
            Some(w) => named(&format!("redis {w}")),
            // A `DEL` (or `UNLINK`) that names no key of its own is fed
            // the keys to delete, every key a scan lists (`redis-cli
            // --scan | xargs redis-cli DEL`, red team 13): a flush.
            None if fed_keys(plain) => named("redis del of listed keys (flushdb)"),
            None => Vec::new(),
        },
        // (The script as one text: `--eval db.orders.deleteMany( {} )`
        // is split at its spaces.)
        "mongosh" | "mongo" => mongo_script_destroys(&args.concat()),
        "etcdctl" if plain.contains(&"del") && (has("prefix") || has("from-key")) => named("etcdctl del --prefix"),
        "vault" => {
            // (The API's paths too: `vault delete sys/mounts/secret` is
            // `secrets disable`, `vault delete secret/metadata/x` a
            // secret's metadata deleted.)
            let api = plain
                .windows(2)
                .find_map(|w| match w {
                    ["delete", path] => Some(path.trim_start_matches('/').to_owned()),
                    _ => None,
                })
                .unwrap_or_default();
            if pair(&["secrets"], &["disable"]).is_some() || api.starts_with("sys/mounts/") {
                named("vault secrets disable")
            } else if pair(&["kv"], &["destroy"]).is_some() {
                named("vault kv destroy")
            } else if pair(&["metadata"], &["delete"]).is_some() || api.split('/').nth(1) == Some("metadata") {
                named("vault kv metadata delete")
            } else {
                Vec::new()
            }
        }
        "consul" if pair(&["kv"], &["delete"]).is_some() && has("recurse") => named("consul kv delete -recurse"),
        "nats" => match pair(&["stream", "str"], &["rm", "delete", "purge"]) {
            Some((_, verb)) => named(&format!("nats stream {verb}")),
            None => Vec::new(),
        },
        "pulsar-admin" => match pair(&["topics", "namespaces", "tenants"], &["delete"]) {
            Some((noun, _)) => named(&format!("pulsar-admin {noun} delete")),
            None => Vec::new(),
        },
        _ => Vec::new(),
    }
}

/// What a MongoDB shell script destroys (`--eval`'s text, or a file
/// the shell runs): a database dropped, or a collection dropped or
/// emptied (`deleteMany({})`, `remove({})`); blanks and case aside (a CI
/// step's inputs are read in lower case).
pub(crate) fn mongo_script_destroys(script: &str) -> Vec<String> {
    let script: String = script.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_lowercase();
    let named = |kind: &str| vec![kind.to_owned()];
    if script.contains("dropdatabase") {
        named("mongodb dropDatabase")
    } else if script.contains(".drop()")
        || script.contains(".deletemany({})")
        || script.contains(".deletemany({},")
        || script.contains(".remove({})")
        || script.contains(".remove({},")
        || script.contains(".deletemany()")
        || script.contains("deletemany:{filter:{}")
    {
        named("mongodb collection drop")
    } else {
        Vec::new()
    }
}

/// Whether a Redis command line's plain words end in a `DEL` or
/// `UNLINK` with no key after it (or only `xargs -I`'s `{}`): the keys
/// come from its standard input.
fn fed_keys(plain: &[&str]) -> bool {
    let plain = match plain.split_last() {
        Some((&"{}", rest)) => rest,
        _ => plain,
    };
    plain.last().is_some_and(|w| w.eq_ignore_ascii_case("del") || w.eq_ignore_ascii_case("unlink"))
}

/// Whether `args` set a Kafka topic's `retention.ms` under a minute
/// (`--add-config retention.ms=1000`, several settings at once
/// separated by commas): every older message goes.
fn purges_by_retention(args: &[&str]) -> bool {
    args.iter().flat_map(|a| a.trim_matches(['"', '\'']).split(',')).any(|setting| {
        setting
            .trim()
            .strip_prefix("retention.ms=")
            .and_then(|v| v.trim().parse::<i64>().ok())
            .is_some_and(|ms| (0..60_000).contains(&ms))
    })
}

/// What `curl` run with `args` deletes through Elasticsearch's or
/// OpenSearch's API: an index (or every index, `_all`, `*`) or a data
/// stream, by a `DELETE` to a URL whose words name the service
/// (`$ES_URL/orders`, `https://search-orders.eu-west-1.es.amazonaws.com/orders`,
/// `:9200`). A document (`/orders/_doc/42`), a snapshot, an alias and
/// the indices of logs and beats (`logs-2024.01.01`, `filebeat-*`,
/// system indices starting with `.`), which rotations delete every day,
/// are not counted.
fn search_index_deletes(args: &[&str]) -> Vec<String> {
    let method = args.iter().enumerate().find_map(|(i, a)| {
        if let Some(m) = a.strip_prefix("-X").filter(|m| !m.is_empty()) {
            return Some(m.trim_start_matches('=').to_owned());
        }
        if let Some(m) = a.strip_prefix("--request=") {
            return Some(m.to_owned());
        }
        matches!(*a, "-X" | "--request").then(|| args.get(i + 1).map(|m| (*m).to_owned())).flatten()
    });
    if !method.is_some_and(|m| m.eq_ignore_ascii_case("delete")) {
        return Vec::new();
    }
    let mut out = Vec::new();
    for url in args.iter().filter(|a| !a.starts_with('-')) {
        let lower = url.trim_matches(['"', '\'']).to_ascii_lowercase();
        let (place, path) = match lower.split_once("://") {
            Some((_, rest)) => rest.split_once('/').unwrap_or((rest, "")),
            None if lower.starts_with('$') => lower.split_once('/').unwrap_or((lower.as_str(), "")),
            None => continue,
        };
        let words: Vec<&str> = place.split(|c: char| !c.is_ascii_alphanumeric()).collect();
        let service = if words.iter().any(|w| w.contains("opensearch")) {
            "opensearch"
        } else if words.iter().any(|w| matches!(*w, "es" | "9200" | "9243") || w.contains("elastic")) {
            "elasticsearch"
        } else {
            continue;
        };
        let path = path.split(['?', '#']).next().unwrap_or_default();
        let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
        let routine = |name: &str| {
            name.starts_with('.')
                || ["log", "logs", "logstash", "filebeat", "metricbeat", "heartbeat", "packetbeat", "auditbeat"]
                    .iter()
                    .any(|w| name.split(|c: char| !c.is_ascii_alphanumeric()).next() == Some(*w))
        };
        let deleted = match segments.as_slice() {
            ["_all" | "*"] => Some("index"),
            [index] if !index.starts_with('_') && !routine(index) => Some("index"),
            ["_data_stream", stream] if !routine(stream) => Some("data stream"),
            _ => None,
        };
        if let Some(what) = deleted {
            out.push(format!("{service} {what}"));
        }
    }
    out
}

/// Whether a removal's `args` take every object under what they name:
/// recursively ([`recursive`]) or by a `**` wildcard (`gs://b/**`).
fn every_object(args: &[&str]) -> bool {
    recursive(args) || args.iter().any(|a| a.trim_matches(['"', '\'']).ends_with("/**"))
}

/// Whether `args` ask for a recursive removal: `-r`, `-R`,
/// `--recursive`, or a cluster of short flags holding one (`-rf`).
fn recursive(args: &[&str]) -> bool {
    args.contains(&"--recursive") || short_flag(args, 'r') || short_flag(args, 'R')
}

/// Whether `args` hold the short flag `flag`, alone (`-d`) or in a
/// cluster (`-rfd`).
fn short_flag(args: &[&str], flag: char) -> bool {
    args.iter().any(|a| {
        a.strip_prefix('-')
            .is_some_and(|f| !f.starts_with('-') && f.chars().all(|c| c.is_ascii_alphabetic()) && f.contains(flag))
    })
}

/// Whether `arg` names a whole bucket under `scheme` (`gs://orders`,
/// `s3://orders/`), not a prefix or an object in it.
fn whole_bucket(arg: &str, scheme: &str) -> bool {
    let arg = arg.trim_matches(['"', '\'']);
    arg.strip_prefix(scheme).is_some_and(|rest| {
        let rest = rest.trim_end_matches(['*', '/']);
        !rest.is_empty() && !rest.contains('/')
    })
}

/// The arguments of a command that are no option nor an option's value
/// ([`VALUE_OPTIONS`]).
fn plain_arguments<'a>(args: &[&'a str]) -> Vec<&'a str> {
    let mut plain: Vec<&str> = Vec::new();
    let mut skip = false;
    for a in args {
        if std::mem::take(&mut skip) {
            continue;
        }
        if a.starts_with('-') {
            skip = VALUE_OPTIONS.contains(a);
        } else {
            plain.push(a);
        }
    }
    plain
}

/// The start of a kind [`destructive_commands`] finds that is no type
/// destroyed but a guard against deletion a command turns off (`turns
/// off aws rds modify-db-instance --no-deletion-protection`): the facade
/// states what follows it in the file's `unguards`, as a guard's line
/// removed from an infrastructure file is.
pub const UNGUARD: &str = "turns off ";

/// Options of the cloud command line tools that turn a guard against
/// deletion on, as written after `--no-` to turn it off (`aws rds
/// modify-db-instance --no-deletion-protection`, `gcloud spanner
/// databases update --no-enable-drop-protection`, `aws ec2
/// modify-instance-attribute --no-disable-api-termination`).
const GUARD_OPTIONS: [&str; 9] = [
    "deletion-protection",
    "deletion-protection-enabled",
    "enable-deletion-protection",
    "delete-protection",
    "drop-protection",
    "enable-drop-protection",
    "termination-protection",
    "enable-termination-protection",
    "disable-api-termination",
];

/// The guards against deletion that `tool` run with `args` turns off,
/// each named by the command's words and what turns it off. It destroys
/// nothing yet, but it is how a deletion is prepared, as a guard's line
/// taken out of an infrastructure file is ([`removed_guards`]):
///
/// - `aws SERVICE modify-...`, `update-...`, `put-...` or `set-...` with
///   a guard's `--no-` option (`--no-deletion-protection`,
///   `--no-deletion-protection-enabled`,
///   `--no-enable-termination-protection`,
///   `--no-disable-api-termination`), Cognito's `--deletion-protection
///   INACTIVE`, a load balancer's `deletion_protection.enabled` set to
///   `false`, `--backup-retention-period 0` (RDS deletes the automated
///   backups at once), or a bucket's versioning `Status=Suspended`;
/// - `gcloud ... update` or `patch` with such an option
///   (`--no-deletion-protection`, `--no-enable-drop-protection`,
///   `--no-delete-protection`) or the option set to `false`, and `gcloud
///   sql instances patch --no-backup`;
/// - `az lock delete` (`az group lock delete`, `az resource lock
///   delete`): a `CanNotDelete` lock is Azure's guard;
/// - `kubectl` or `oc` `annotate ... helm.sh/resource-policy-` (Helm's
///   `keep` taken off) and `patch` setting a volume's
///   `persistentVolumeReclaimPolicy` to `Delete`;
/// - `terraform` (`tofu`, `terragrunt`) `apply` or `plan` given a
///   variable that lets resources be destroyed (`-var
///   deletion_protection=false`, `skip_final_snapshot=true`,
///   `force_destroy=true`).
fn tool_unguards(tool: &str, args: &[&str]) -> Vec<String> {
    let plain = plain_arguments(args);
    let first = plain.first().copied().unwrap_or_default();
    // (`--no-deletion-protection`, `--deletion-protection=false`.)
    let option = args.iter().find(|a| {
        let a = a.to_ascii_lowercase();
        let negated = a.strip_prefix("--no-").is_some_and(|o| GUARD_OPTIONS.contains(&o));
        let set_false = a.strip_prefix("--").and_then(|o| o.split_once('=')).is_some_and(|(o, v)| {
            GUARD_OPTIONS.contains(&o) && !o.starts_with("disable") && matches!(v, "false" | "0" | "inactive")
        });
        negated || set_false
    });
    let squeezed = || squeeze(&args.concat());
    let named = |verb_at: usize, what: &str| -> String {
        let mut words: Vec<&str> = std::iter::once(tool).chain(plain.iter().copied().take(verb_at + 1)).collect();
        words.push(what);
        words.join(" ")
    };
    match tool {
        "aws" => {
            let op = plain.get(1).copied().unwrap_or_default();
            if !["modify-", "update-", "put-", "set-"].iter().any(|p| op.starts_with(p))
                && op != "delete-backup-vault-lock-configuration"
            {
                return Vec::new();
            }
            // (Cognito's user pools: `--deletion-protection INACTIVE`.)
            let inactive = args.windows(2).any(|p| {
                p.first().is_some_and(|o| o.eq_ignore_ascii_case("--deletion-protection"))
                    && p.get(1).is_some_and(|v| v.eq_ignore_ascii_case("inactive"))
            });
            // (No automated backups: RDS deletes those it kept at once.)
            let no_backups = args.windows(2).any(|p| {
                p.first().is_some_and(|o| *o == "--backup-retention-period") && p.get(1).is_some_and(|v| *v == "0")
            }) || args.contains(&"--backup-retention-period=0");
            let squeezed = squeezed();
            let found = match option {
                Some(o) => Some((*o).to_owned()),
                None if inactive => Some("--deletion-protection INACTIVE".to_owned()),
                // (AWS Backup's vault lock keeps recovery points from
                // deletion.)
                None if op == "delete-backup-vault-lock-configuration" => Some(String::new()),
                None if no_backups => Some("--backup-retention-period 0".to_owned()),
                // (Also as JSON, `[{"Key": "deletion_protection.enabled",
                // "Value": "false"}]`, whose quotes are gone here.)
                None if squeezed.contains("deletion_protection.enabled,value=false")
                    || squeezed.contains("deletion_protection.enabled,value:false") =>
                {
                    Some("--attributes Key=deletion_protection.enabled,Value=false".to_owned())
                }
                // (`--attribute disableApiTermination --value false`, and
                // `--disable-api-termination '{"Value": false}'`.)
                None if squeezed.contains("--attributedisableapitermination--valuefalse")
                    || squeezed.contains("--disable-api-termination{value:false}") =>
                {
                    Some("--no-disable-api-termination".to_owned())
                }
                // (A request's JSON, `--cli-input-json '{"DeletionProtection": false}'`.)
                None if ["deletionprotection:false", "deletionprotectionenabled:false"]
                    .iter()
                    .any(|k| squeezed.contains(k)) =>
                {
                    Some("--cli-input-json DeletionProtection=false".to_owned())
                }
                // (A bucket's versioning suspended: what is deleted from
                // now on is gone.)
                None if squeezed.contains("status=suspended") || squeezed.contains("status:suspended") => {
                    Some("--versioning-configuration Status=Suspended".to_owned())
                }
                None => None,
            };
            found.map(|o| named(1, &o).trim_end().to_owned()).into_iter().collect()
        }
        "gcloud" => {
            // (`gcloud sql instances patch --no-backup`: no automated
            // backups.)
            let no_backup = plain.first() == Some(&"sql") && args.contains(&"--no-backup");
            // (A bucket's soft delete cleared: what is deleted from then
            // on is gone.)
            let no_soft_delete = args.iter().any(|a| *a == "--clear-soft-delete" || *a == "--soft-delete-duration=0");
            // (A project's lien keeps it from being deleted.)
            let lien =
                plain.iter().take(4).position(|w| *w == "delete").is_some_and(|at| {
                    plain.get(..at).is_some_and(|p| p.iter().any(|w| matches!(*w, "liens" | "lien")))
                });
            match (plain.iter().take(5).position(|w| matches!(*w, "update" | "patch")), option) {
                (Some(at), Some(o)) => vec![named(at, o)],
                (Some(at), None) if no_backup => vec![named(at, "--no-backup")],
                (Some(at), None) if no_soft_delete => vec![named(at, "--clear-soft-delete")],
                _ if lien => vec!["gcloud resource-manager liens delete".to_owned()],
                _ => Vec::new(),
            }
        }
        "az" => {
            let lower: Vec<String> = args.iter().map(|a| a.to_ascii_lowercase()).collect();
            let after = |option: &str| lower.iter().position(|a| a == option).and_then(|i| lower.get(i + 1));
            // (`az rest --method delete --url .../Microsoft.Authorization/locks/...`.)
            let rest_lock = first == "rest"
                && after("--method").is_some_and(|m| m == "delete")
                && lower.iter().any(|a| a.contains("microsoft.authorization/locks/"));
            // (A storage account's soft delete and versioning: what is
            // deleted from then on is gone.)
            let retention = ["--enable-delete-retention", "--enable-container-delete-retention", "--enable-versioning"]
                .iter()
                .find(|o| after(o).is_some_and(|v| v == "false"));
            match plain.iter().take(4).position(|w| *w == "delete") {
                Some(at) if plain.get(..at).is_some_and(|p| p.contains(&"lock")) => vec!["az lock delete".to_owned()],
                _ if rest_lock => vec!["az lock delete".to_owned()],
                _ if plain.contains(&"update") => {
                    retention.map(|o| format!("az storage {o} false")).into_iter().collect()
                }
                _ => Vec::new(),
            }
        }
        "kubectl" | "oc" if first == "annotate" => {
            if args.iter().any(|a| a.eq_ignore_ascii_case("helm.sh/resource-policy-")) {
                vec![format!("{tool} annotate helm.sh/resource-policy-")]
            } else {
                Vec::new()
            }
        }
        "kubectl" | "oc" if first == "patch" => {
            // (A merge patch, `{"spec": {"persistentVolumeReclaimPolicy":
            // "Delete"}}`, or a JSON patch, `[{"op": "replace", "path":
            // "/spec/persistentVolumeReclaimPolicy", "value": "Delete"}]`;
            // quotes are gone here.)
            let squeezed = squeezed();
            let has = |keys: &[&str]| keys.iter().any(|k| squeezed.contains(k));
            let mut found = Vec::new();
            if has(&["persistentvolumereclaimpolicy:delete", "persistentvolumereclaimpolicy,value:delete"]) {
                found.push(format!("{tool} patch persistentVolumeReclaimPolicy: Delete"));
            }
            if has(&["helm.sh/resource-policy:null", "helm.sh~1resource-policy"]) {
                found.push(format!("{tool} patch helm.sh/resource-policy: null"));
            }
            // (The finalizers that keep a claim in use, `pvc-protection`.)
            if has(&["finalizers:null", "finalizers:[]", "/metadata/finalizers"]) {
                found.push(format!("{tool} patch finalizers: null"));
            }
            if has(&["whendeleted:delete"]) {
                found.push(format!("{tool} patch whenDeleted: Delete"));
            }
            found
        }
        // (A plan changes nothing unless saved for an apply; `run-all
        // apply` applies every module.)
        "terraform" | "tofu" | "terragrunt" | "opentofu"
            if first == "apply"
                || (first == "plan" && args.iter().any(|a| a.trim_start_matches('-').starts_with("out")))
                || (first == "run-all" && plain.get(1) == Some(&"apply")) =>
        {
            let mut found = Vec::new();
            for (i, a) in args.iter().enumerate() {
                let value = match a.trim_start_matches('-').strip_prefix("var") {
                    Some(v) if v.starts_with('=') => v.get(1..),
                    Some("") => args.get(i + 1).copied(),
                    _ => None,
                };
                if let Some(setting) = value.and_then(guard_variable) {
                    found.push(format!("{tool} apply -var {setting}"));
                }
            }
            found
        }
        // (`pulumi config set orders:deletionProtection false`, then `up`.)
        "pulumi" if first == "config" && plain.get(1) == Some(&"set") => {
            let key = plain.get(2).copied().unwrap_or_default();
            let value = plain.get(3).copied().unwrap_or_default();
            let key = key.rsplit(':').next().unwrap_or(key);
            guard_variable(&format!("{key}={value}")).map(|s| format!("pulumi config set {s}")).into_iter().collect()
        }
        // (`cdk deploy -c deletionProtection=false`: a context value the
        // app reads.)
        "cdk" if first == "deploy" => args
            .iter()
            .enumerate()
            .filter(|(_, a)| matches!(**a, "-c" | "--context"))
            .filter_map(|(i, _)| args.get(i + 1).copied().and_then(guard_variable))
            .map(|s| format!("cdk deploy -c {s}"))
            .collect(),
        _ => Vec::new(),
    }
}

/// A variable's setting (`NAME=VALUE`: Terraform's `-var`, a `TF_VAR_`
/// variable, a Pulumi or CDK setting) that turns a guard against
/// deletion off, squeezed (`deletion_protection=false`): its name ends
/// with a guard's (`db_deletion_protection`, `enableDeletionProtection`,
/// `prevent_destroy`) and its value turns it off, or it lets data go
/// (`skip_final_snapshot=true`, `force_destroy=true`,
/// `backup_retention_period=0`).
fn guard_variable(setting: &str) -> Option<String> {
    let squeezed = squeeze(setting);
    let (name, value) = squeezed.split_once('=')?;
    let plain_name = name.replace(['_', '-'], "");
    let ends = |guard: &str| plain_name.ends_with(guard);
    let guard = ["deletionprotection", "deletionprotectionenabled", "preventdestroy", "terminationprotection"]
        .iter()
        .any(|g| ends(g))
        || (ends("protect") && !ends("unprotect"));
    let off = matches!(value, "false" | "0" | "no" | "off" | "disabled" | "inactive" | "unprotected");
    let lets_go = (["skipfinalsnapshot", "forcedestroy", "autodeleteobjects"].iter().any(|g| ends(g))
        && matches!(value, "true" | "1" | "yes" | "on"))
        || (ends("backupretentionperiod") && value == "0")
        || (ends("disableapitermination") && matches!(value, "false" | "0"));
    ((guard && off) || lets_go).then_some(squeezed)
}

/// The settings of Terraform variables in the environment that
/// [`guard_variable`] reads as turning a guard off, on `line`
/// (`TF_VAR_deletion_protection=false`, `TF_VAR_db_deletion_protection:
/// "false"`), as `TF_VAR_` and the squeezed setting.
fn terraform_environment_guards(line: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut rest = line;
    while let Some(at) = rest.find("TF_VAR_") {
        rest = rest.get(at + "TF_VAR_".len()..).unwrap_or_default();
        let name: String = rest.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
        let after = rest.get(name.len()..).unwrap_or_default().trim_start_matches(['"', '\'']).trim_start();
        let Some(after) = after.strip_prefix(['=', ':']) else { continue };
        let value: String = after
            .trim_start()
            .trim_start_matches(['"', '\''])
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        if let Some(setting) = guard_variable(&format!("{name}={value}")) {
            found.push(format!("TF_VAR_{setting}"));
        }
    }
    found
}

/// The guards against deletion a PowerShell cmdlet turns off:
/// `Remove-AzResourceLock` (Azure's `CanNotDelete` lock), and AWS's
/// `Edit-RDSDBInstance` or `Edit-RDSDBCluster -DeletionProtection
/// $false`, `Update-DDBTable -DeletionProtectionEnabled $false`,
/// `Update-CFNTerminationProtection -EnableTerminationProtection $false`
/// and `Edit-EC2InstanceAttribute -DisableApiTermination $false`.
fn cmdlet_unguards(word: &str, args: &[&str]) -> Vec<String> {
    let name = tool_name(word);
    let lower = name.to_ascii_lowercase();
    if matches!(lower.as_str(), "remove-azresourcelock" | "remove-azurermresourcelock") {
        return vec![name.to_owned()];
    }
    if !(lower.starts_with("edit-") || lower.starts_with("update-")) {
        return Vec::new();
    }
    let guard = |o: &str| {
        matches!(
            o.to_ascii_lowercase().as_str(),
            "-deletionprotection"
                | "-deletionprotectionenabled"
                | "-enableterminationprotection"
                | "-disableapitermination"
        )
    };
    let off = |v: &str| matches!(v.to_ascii_lowercase().as_str(), "$false" | "0");
    // (`-DeletionProtection $false` or `-DeletionProtection:$false`.)
    let found = args.iter().enumerate().find_map(|(i, a)| {
        let (option, value) = match a.split_once(':') {
            Some((o, v)) => (o, Some(v)),
            None => (*a, args.get(i + 1).copied()),
        };
        (guard(option) && value.is_some_and(off)).then(|| format!("{name} {option} $false"))
    });
    found.into_iter().collect()
}

/// Whether `tool` run with the arguments `plain` (no options) and the
/// options `has` finds is a framework's command that drops or empties
/// the database it is pointed at: `prisma migrate reset`, `prisma db
/// push --force-reset` or `--accept-data-loss`; Rails' `db:drop`,
/// `db:reset`, `db:purge`, `db:schema:load`, `db:setup`,
/// `db:truncate_all`, `db:migrate:reset`; Laravel's `artisan
/// migrate:fresh`, `migrate:reset`, `migrate:refresh`, `db:wipe`;
/// Django's `manage.py flush` and `reset_db`; Ecto's `ecto.drop` and
/// `ecto.reset`; `flyway clean`; Liquibase's `drop-all`; `dotnet ef
/// database drop`; Sequelize's `db:drop` and `db:migrate:undo:all`;
/// TypeORM's `schema:drop`; `supabase db reset` against a linked or
/// named database (without `--linked` or `--db-url` it resets the local
/// one).
fn resets_database(tool: &str, plain: &[&str], has: &dyn Fn(&str) -> bool, marks: &str) -> bool {
    let first = plain.first().copied().unwrap_or_default();
    let second = plain.get(1).copied().unwrap_or_default();
    let any = |names: &[&str]| plain.iter().any(|w| names.contains(w));
    match tool {
        "prisma" => {
            (first == "migrate" && second == "reset")
                || (first == "db" && second == "push" && (has("--force-reset") || has("--accept-data-loss")))
        }
        // Rails refuses these on a production database unless told
        // otherwise; Ecto and Entity Framework work on the development
        // one unless told otherwise (a second red team: developers'
        // scripts). Each counts when aimed at production.
        "rails" | "rake" => {
            marks.contains("disable_database_environment_check")
                && any(&[
                    "db:drop",
                    "db:drop:all",
                    "db:reset",
                    "db:purge",
                    "db:purge:all",
                    "db:schema:load",
                    "db:setup",
                    "db:truncate_all",
                    "db:migrate:reset",
                ])
        }
        "php" | "artisan" | "console" => {
            // (Laravel's `php artisan`, Symfony's `php bin/console`.)
            let command =
                if tool == "php" && matches!(tool_name(first), "artisan" | "console") { second } else { first };
            matches!(
                command,
                "migrate:fresh"
                    | "migrate:reset"
                    | "migrate:refresh"
                    | "db:wipe"
                    | "doctrine:database:drop"
                    | "doctrine:schema:drop"
            )
        }
        "python" | "python3" | "manage.py" | "django-admin" => {
            // (`python manage.py flush`, `python -m django flush`.)
            let runs_django = tool_name(first) == "manage.py" || first == "django";
            let command = if tool.starts_with("python") && runs_django { second } else { first };
            matches!(command, "flush" | "reset_db")
        }
        "mix" => any(&["ecto.drop", "ecto.reset"]) && marks.contains("mix_env"),
        "flyway" => any(&["clean"]),
        "liquibase" => any(&["drop-all", "dropAll", "dropall"]),
        "dotnet" => {
            first == "ef"
                && second == "database"
                && plain.get(2) == Some(&"drop")
                && (marks.contains("--connection") || marks.contains("environment"))
        }
        "sequelize" | "sequelize-cli" => any(&["db:drop", "db:migrate:undo:all"]),
        "typeorm" => any(&["schema:drop"]),
        "supabase" => first == "db" && second == "reset" && (has("--linked") || has("--db-url")),
        // Build tools' plugins (`mvn flyway:clean`, `./gradlew flywayClean`).
        "mvn" | "mvnw" | "gradle" | "gradlew" => plain.iter().any(|w| {
            matches!(w.to_ascii_lowercase().as_str(), "flyway:clean" | "flywayclean" | "liquibase:dropall" | "dropall")
        }),
        _ => false,
    }
}

/// Where the command that `tool` runs starts in its arguments `args`, if
/// `tool` runs another command: `heroku run [options]`, `kubectl` or `oc`
/// `exec ... --` (and see [`container_command`]).
fn wrapped_command(tool: &str, args: &[&str]) -> Option<usize> {
    // Past the options (and the values of those that take one).
    let past_options = |from: usize, valued: &[&str]| {
        let mut i = from;
        while let Some(w) = args.get(i) {
            if !w.starts_with('-') {
                break;
            }
            i += if !w.contains('=') && valued.contains(w) { 2 } else { 1 };
        }
        i
    };
    match (tool, args.first().copied()) {
        ("heroku", Some("run")) => {
            Some(past_options(1, &["-a", "--app", "-s", "--size", "-e", "--env", "-r", "--remote", "--type"]))
        }
        ("kubectl" | "oc", Some("exec")) => args.iter().position(|w| *w == "--").map(|p| p + 1),
        // (`aws-vault exec prod -- aws rds ...`.)
        ("aws-vault", Some("exec")) => args.iter().position(|w| *w == "--").map(|p| p + 1),
        _ => None,
    }
}

/// The start of the command that `docker` or `podman` runs inside a
/// container in `words` (the command's words from the tool on), if it
/// runs one there: `docker` or `podman` `exec [options] CONTAINER`,
/// `docker compose` (or `docker-compose`) `exec` or `run [options]
/// SERVICE`.
fn container_command(words: &[&str]) -> Option<usize> {
    let docker_valued = [
        "-e",
        "--env",
        "-u",
        "--user",
        "-w",
        "--workdir",
        "--name",
        "--entrypoint",
        "--env-file",
        "-v",
        "--volume",
        "-f",
        "--file",
        "-p",
        "--project-name",
    ];
    let mut i = 1;
    // `docker compose`, `docker-compose`, `podman compose`.
    let mut compose = tool_name(words.first()?) == "docker-compose";
    while let Some(w) = words.get(i) {
        if w.starts_with('-') {
            i += if !w.contains('=') && docker_valued.contains(w) { 2 } else { 1 };
            continue;
        }
        if *w == "compose" && !compose {
            compose = true;
            i += 1;
            continue;
        }
        break;
    }
    let verb = *words.get(i)?;
    let runs = matches!(verb, "exec" | "run");
    if !runs {
        return None;
    }
    i += 1;
    while let Some(w) = words.get(i) {
        if !w.starts_with('-') {
            break;
        }
        i += if !w.contains('=') && docker_valued.contains(w) { 2 } else { 1 };
    }
    // The container or service, then its command.
    Some(i + 1)
}

/// What a PowerShell cmdlet that removes something destroys: the cmdlet
/// (`Remove-AzResourceGroup`), if it is Azure's (`Remove-Az...`,
/// `Remove-AzureRm...`) or the AWS Tools' (`Remove-RDSDBInstance`,
/// `Remove-S3Bucket`) and its noun names infrastructure as a cloud
/// command's words would ([`INFRA_NOUNS`], no [`ROUTINE_NOUNS`]).
fn cmdlet_destroys(word: &str) -> Vec<String> {
    let name = tool_name(word);
    let Some(noun) = name.get(7..) else { return Vec::new() };
    // PowerShell ignores case: a noun written all in small letters has
    // no word breaks, so Azure's nouns are looked for inside it.
    if !noun.chars().any(|c| c.is_ascii_uppercase()) {
        let Some(rest) = noun.strip_prefix("azurerm").or_else(|| noun.strip_prefix("az")) else { return Vec::new() };
        let inside = |list: &[&str]| list.iter().any(|w| w.len() > 2 && rest.contains(w));
        let infra = inside(&INFRA_NOUNS) || rest == "vm";
        return if infra && !inside(&ROUTINE_NOUNS) && !rest.contains("member") {
            vec![name.to_owned()]
        } else {
            Vec::new()
        };
    }
    let words = camel_words(noun);
    let module = words.first().map_or("", String::as_str);
    let azure = matches!(module, "az" | "azure");
    // (An AWS module's prefix runs into the noun's capitals: `RDSDB`.)
    let aws = ["rds", "s3", "ddb", "ec2", "cfn", "eks", "ecs", "sqs", "sns", "lm", "efs", "ec", "rs", "kin", "msk"]
        .iter()
        .any(|m| module.starts_with(m));
    let nouns: Vec<&str> = words.iter().skip(1).map(String::as_str).filter(|w| !matches!(*w, "rm")).collect();
    let joined: Vec<String> = nouns.windows(2).map(|pair| pair.concat()).collect();
    let infra =
        nouns.iter().any(|w| INFRA_NOUNS.contains(w)) || joined.iter().any(|w| INFRA_NOUNS.contains(&w.as_str()));
    if (azure || aws) && infra && !nouns.iter().any(|w| ROUTINE_NOUNS.contains(w)) {
        vec![name.to_owned()]
    } else {
        Vec::new()
    }
}

/// The words of a name written in camel case, lower case: a word starts
/// at a capital after a small letter or a digit, and at the last capital
/// of a run followed by a small letter (`RDSDBInstance` is `rdsdb`,
/// `instance`; `S3Bucket` is `s3`, `bucket`).
fn camel_words(name: &str) -> Vec<String> {
    let chars: Vec<char> = name.chars().collect();
    let mut words: Vec<String> = Vec::new();
    let mut word = String::new();
    for (i, c) in chars.iter().enumerate() {
        let previous = i.checked_sub(1).and_then(|p| chars.get(p));
        let next = chars.get(i + 1);
        let starts = c.is_ascii_uppercase()
            && previous.is_some_and(|p| {
                p.is_ascii_lowercase()
                    || p.is_ascii_digit()
                    || (p.is_ascii_uppercase() && next.is_some_and(char::is_ascii_lowercase))
            });
        if (starts || !c.is_ascii_alphanumeric()) && !word.is_empty() {
            words.push(std::mem::take(&mut word));
        }
        if c.is_ascii_alphanumeric() {
            word.push(c.to_ascii_lowercase());
        }
    }
    if !word.is_empty() {
        words.push(word);
    }
    words
}

/// What a text says that aims a framework's database command at
/// production, lower case without blanks or quotes: Rails' override of
/// its protection (`DISABLE_DATABASE_ENVIRONMENT_CHECK`), Mix's
/// production environment (`MIX_ENV=prod`), and an Entity Framework
/// connection (`--connection`) or production environment
/// (`ASPNETCORE_ENVIRONMENT=Production`, `--environment Production`).
fn production_marks(text: &str) -> Vec<&'static str> {
    if !text.contains(['D', 'd', 'M', 'm', 'E', 'e', '-']) {
        return Vec::new();
    }
    let squeezed: String =
        text.chars().filter(|c| !c.is_whitespace() && !matches!(c, '"' | '\'')).flat_map(char::to_lowercase).collect();
    let mut out = Vec::new();
    if squeezed.contains("disable_database_environment_check") {
        out.push("disable_database_environment_check");
    }
    if squeezed.contains("mix_env=prod") || squeezed.contains("mix_env:prod") {
        out.push("mix_env");
    }
    if squeezed.contains("--connection") {
        out.push("--connection");
    }
    if ["environment=production", "environment:production", "--environmentproduction"]
        .iter()
        .any(|m| squeezed.contains(m))
    {
        out.push("environment");
    }
    // (Not of a framework: Docker aimed at another host, for
    // [`docker_destroys`].)
    if (squeezed.contains("docker_host")
        || squeezed.contains("docker_context")
        || squeezed.contains("dockercontextuse"))
        && docker_remote_text(text)
    {
        out.push(DOCKER_REMOTE);
    }
    out
}

/// The mark [`production_marks`] gives a text that aims Docker at another
/// host.
const DOCKER_REMOTE: &str = "docker_remote";

/// Whether `word` sets Docker's host or context to another machine's
/// (`DOCKER_HOST=ssh://deploy@db-1`, `DOCKER_CONTEXT=prod`, a CI
/// definition's `DOCKER_HOST: ...` read as one word after its colon).
fn docker_remote_setting(word: &str) -> bool {
    let Some((name, value)) = word.split_once('=').or_else(|| word.split_once(':')) else { return false };
    let name = name.trim().trim_start_matches("export ").trim().trim_matches(['"', '\'']);
    match name.to_ascii_uppercase().as_str() {
        "DOCKER_HOST" => docker_remote_host(value),
        "DOCKER_CONTEXT" => docker_remote_context(value),
        _ => false,
    }
}

/// Whether `text` aims Docker at another host: `DOCKER_HOST` or
/// `DOCKER_CONTEXT` set to another machine's (`export
/// DOCKER_HOST=ssh://deploy@db-1`, a CI definition's `DOCKER_HOST:
/// ssh://...`), or `docker context use NAME` of one.
fn docker_remote_text(text: &str) -> bool {
    text.lines().any(|l| {
        let words: Vec<&str> = l.split_whitespace().collect();
        let context_use = words.windows(4).any(
            |w| matches!(w, [d, "context", "use", name] if tool_name(d) == "docker" && docker_remote_context(name)),
        );
        // (`DOCKER_HOST: ssh://...`, `DOCKER_HOST = "..."`: the setting
        // as one word.)
        let joined = l.replace(": ", ":").replace(" = ", "=").replace(" =", "=").replace("= ", "=");
        context_use
            || joined
                .split(|c: char| c.is_whitespace() || matches!(c, ';' | '&' | '|' | '(' | '{' | ','))
                .any(|w| docker_remote_setting(w.trim_matches(['"', '\''])))
    })
}

/// Whether a Docker host address is another machine's: not a socket, the
/// machine itself, or a CI job's Docker-in-Docker service (`docker`,
/// `dind`); a variable's value is not known, and counts (fail closed).
fn docker_remote_host(value: &str) -> bool {
    let value = value.trim().trim_matches(['"', '\'']).to_ascii_lowercase();
    if value.is_empty() || value.starts_with("unix://") || value.starts_with("npipe://") {
        return false;
    }
    let rest = value.split_once("://").map_or(value.as_str(), |(_, r)| r);
    let host = rest.rsplit('@').next().unwrap_or(rest);
    let host = host.split(['/', ':']).next().unwrap_or(host);
    !matches!(host, "" | "localhost" | "127.0.0.1" | "0.0.0.0" | "docker" | "dind" | "host.docker.internal")
}

/// Whether a Docker context's name is another machine's: not the local
/// ones Docker Desktop, Colima, OrbStack and rootless Docker create.
fn docker_remote_context(name: &str) -> bool {
    let name = name.trim().trim_matches(['"', '\'']).to_ascii_lowercase();
    !matches!(name.as_str(), "" | "default" | "desktop-linux" | "desktop-windows" | "colima" | "orbstack" | "rootless")
}

/// Whether Docker's own options aim it at another host (`-H
/// ssh://deploy@db-1`, `--host=...`, `--context prod`, `-c prod`).
fn docker_remote_options(args: &[&str]) -> bool {
    args.iter().enumerate().any(|(i, a)| {
        let value = |flag: &str| {
            a.strip_prefix(flag)
                .and_then(|v| v.strip_prefix('='))
                .map(str::to_owned)
                .or_else(|| (*a == flag).then(|| args.get(i + 1).map(|v| (*v).to_owned())).flatten())
        };
        if let Some(v) = value("-H").or_else(|| value("--host")) {
            return docker_remote_host(&v);
        }
        value("-c").or_else(|| value("--context")).is_some_and(|v| docker_remote_context(&v))
    })
}

/// What Docker's own command (`docker`, `podman`, `docker-compose` run
/// with `args`) destroys: a Compose project's volumes (`docker compose
/// down --volumes`, `-v`) or named volumes (`docker volume rm`), with the
/// data in them (red team 12). [`commands_destroy`] reads it only where
/// the command is aimed at another host.
fn docker_destroys(args: &[&str]) -> Vec<String> {
    // Docker's and Compose's options that take a value.
    const VALUED: [&str; 16] = [
        "-H",
        "--host",
        "-c",
        "--context",
        "-f",
        "--file",
        "-p",
        "--project-name",
        "--env-file",
        "--profile",
        "--project-directory",
        "--config",
        "--log-level",
        "--ansi",
        "-t",
        "--timeout",
    ];
    let mut plain: Vec<&str> = Vec::new();
    let mut i = 0;
    while let Some(a) = args.get(i) {
        i += if a.starts_with('-') && !a.contains('=') && VALUED.contains(a) { 2 } else { 1 };
        if !a.starts_with('-') {
            plain.push(a);
        }
    }
    let plain: Vec<&str> = plain.into_iter().skip_while(|w| *w == "compose").collect();
    match plain.as_slice() {
        ["down", ..] if args.contains(&"--volumes") || args.contains(&"--volumes=true") || short_flag(args, 'v') => {
            vec!["docker compose down --volumes".to_owned()]
        }
        ["volume", "rm" | "remove", _, ..] => vec!["docker volume rm".to_owned()],
        // (Pruned: every volume no container uses, a stopped database's
        // with them; red team 13.)
        ["volume", "prune", ..] => vec!["docker volume prune".to_owned()],
        ["system", "prune", ..] if args.contains(&"--volumes") => vec!["docker volume prune".to_owned()],
        _ => Vec::new(),
    }
}

/// Where the command `ssh` runs starts in `words` (`ssh` and its
/// arguments), if they are an `ssh` run: past its options (and the values
/// of those that take one) and the host; the length of `words` when the
/// command is quoted after it (or none is given).
fn ssh_command(words: &[&str]) -> Option<usize> {
    const VALUED: [&str; 16] =
        ["-i", "-p", "-l", "-o", "-F", "-J", "-E", "-b", "-c", "-D", "-L", "-R", "-W", "-w", "-m", "-S"];
    if tool_name(words.first()?) != "ssh" {
        return None;
    }
    let mut i = 1;
    while let Some(w) = words.get(i) {
        if !w.starts_with('-') {
            return Some(i + 1);
        }
        i += if VALUED.contains(w) { 2 } else { 1 };
    }
    None
}

/// The kinds a `kubectl delete` argument names (`pvc`, `sts/db`,
/// `deployment,service`), as Kubernetes names them: namespaces, claims
/// and volumes, stateful sets, deployments, services, daemon sets,
/// ingresses, custom resource definitions and `all`. Other kinds (pods,
/// jobs, secrets, config maps, autoscalers, CI runs) are deleted by
/// routine cleanups and restarts, and are not counted.
fn kubernetes_kinds(arg: &str) -> Vec<String> {
    arg.split(',')
        .map(|k| k.split('/').next().unwrap_or(k))
        .filter_map(|k| {
            let k = k.to_ascii_lowercase();
            let k = k.split('.').next().unwrap_or(&k).to_owned();
            let named = match k.as_str() {
                "ns" | "namespace" | "namespaces" | "project" | "projects" => "Namespace",
                "pvc" | "persistentvolumeclaim" | "persistentvolumeclaims" => "PersistentVolumeClaim",
                "pv" | "persistentvolume" | "persistentvolumes" => "PersistentVolume",
                "sts" | "statefulset" | "statefulsets" => "StatefulSet",
                "deploy" | "deployment" | "deployments" => "Deployment",
                "svc" | "service" | "services" => "Service",
                "ds" | "daemonset" | "daemonsets" => "DaemonSet",
                "crd" | "crds" | "customresourcedefinition" | "customresourcedefinitions" => "CustomResourceDefinition",
                "ing" | "ingress" | "ingresses" => "Ingress",
                "all" => "kubectl delete all",
                _ => return None,
            };
            Some(named.to_owned())
        })
        .collect()
}

/// The longest piece of a line read at once.
const MAX_LINE_PIECE: usize = 4096;

/// Calls `f` with the path, the sign (`1` added, `-1` removed) and the
/// text of each added or removed line of a patch of the files `wanted`
/// accepts, and `f(path, 0, "")` where the changed lines of a file stop
/// being contiguous: at a line the change keeps (a context line) and at
/// a hunk's start. A line over [`MAX_LINE_PIECE`] bytes is passed in
/// pieces cut after `;`, `&`, `|` and `,` (see [`line_pieces`]), so that
/// the work a line costs stays linear and a command padded past 4 KiB
/// (`: aaaa...; terraform destroy`) is still read.
fn for_each_changed_run(patch: &[u8], wanted: impl Fn(&str) -> bool, mut f: impl FnMut(&str, i64, &str)) {
    for_each_patch_line_of(patch, |path, line, _| {
        let (sign, rest) = match line.first() {
            Some(b'+') => (1i64, line.get(1..).unwrap_or_default()),
            Some(b'-') => (-1i64, line.get(1..).unwrap_or_default()),
            Some(b' ' | b'@') if wanted(path) => return f(path, 0, ""),
            _ => return,
        };
        if !wanted(path) {
            return;
        }
        let text = String::from_utf8_lossy(rest);
        line_pieces(&text, |piece| f(path, sign, piece));
    });
}

/// Calls `f` with `line` whole if it holds at most [`MAX_LINE_PIECE`]
/// bytes, else with pieces of it of at most that many: cut after a `;`,
/// `&`, `|` or `,`, each piece as many whole segments as fit, a segment
/// longer than that by its first [`MAX_LINE_PIECE`] bytes (where a
/// command's words are).
fn line_pieces(line: &str, mut f: impl FnMut(&str)) {
    if line.len() <= MAX_LINE_PIECE {
        return f(line);
    }
    let head = |text: &str| -> usize {
        (0..=MAX_LINE_PIECE.min(text.len())).rev().find(|&k| text.is_char_boundary(k)).unwrap_or(0)
    };
    let mut start = 0;
    let mut end = 0;
    for segment in line.split_inclusive([';', '&', '|', ',']) {
        let next = end + segment.len();
        if next - start > MAX_LINE_PIECE {
            if end > start {
                f(line.get(start..end).unwrap_or_default());
                start = end;
            }
            if next - start > MAX_LINE_PIECE {
                let piece = line.get(start..next).unwrap_or_default();
                f(piece.get(..head(piece)).unwrap_or_default());
                start = next;
            }
        }
        end = next;
    }
    if end > start {
        f(line.get(start..end).unwrap_or_default());
    }
}

/// `text` with its blanks collapsed to single spaces.
pub(crate) fn collapse(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        out.push(' ');
        out.push_str(word);
    }
    out
}

/// `text` with its comments read as blanks: `/* ... */`, and `--`, `#` or
/// `//` to the line's end. No language is assumed: a string holding `--`
/// may blank what follows it, which is why the text as written is read
/// too.
fn uncomment(text: &str) -> String {
    // One pass (searching for each marker from every comment's end was
    // quadratic in a text of many comments).
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let next = chars.peek().copied();
        match (c, next) {
            ('/', Some('*')) => {
                chars.next();
                let mut last = ' ';
                for c in chars.by_ref() {
                    if last == '*' && c == '/' {
                        break;
                    }
                    last = c;
                }
                out.push(' ');
            }
            ('-', Some('-')) | ('/', Some('/')) | ('#', _) => {
                for c in chars.by_ref() {
                    if c == '\n' {
                        break;
                    }
                }
                out.push('\n');
            }
            _ => out.push(c),
        }
    }
    out
}

/// Whether a migration's text (lower case, blanks collapsed) holds a
/// statement that destroys data. `DELETE t` at the text's end counts only
/// when `at_end` (on the text without comments, where a comment's last
/// words, `-- soft delete flag`, are gone).
pub(crate) fn destroys(text: &str, at_end: bool) -> bool {
    if DESTRUCTIVE_STATEMENTS.iter().any(|s| text.contains(s)) {
        return true;
    }
    // MongoDB's `renameCollection(target, true)` drops the target first
    // (`dropTarget`; red team 11).
    let drops_target = text.match_indices("renamecollection(").any(|(at, _)| {
        // (Its arguments, to the `)`, within 512 bytes.)
        let bytes = text.as_bytes().get(at..).unwrap_or_default();
        let window = bytes.get(..bytes.len().min(512)).unwrap_or_default();
        let args = window.split(|b| *b == b')').next().unwrap_or_default();
        args.windows(4).any(|w| w == b"true")
    });
    if drops_target {
        return true;
    }
    let tokens = tokens(text);
    let alter_marks: std::cell::OnceCell<(Vec<usize>, Vec<usize>)> = std::cell::OnceCell::new();
    let ident = |i: usize| tokens.get(i).copied().filter(|t| t.starts_with(is_ident_char));
    let is = |i: usize, want: &str| tokens.get(i) == Some(&want);
    (0..tokens.len()).any(|i| {
        let Some(word) = ident(i) else { return false };
        // `ON DELETE CASCADE`, `ON UPDATE SET NULL`: a foreign key's rule.
        let after_on = i > 0 && is(i - 1, "on");
        // The rest of the statement (to its `;`), at most `n` tokens.
        let statement = |n: usize| tokens.iter().skip(i + 1).take_while(|t| **t != ";").take(n);
        let after_dot = i > 0 && is(i - 1, ".");
        match word {
            // `DELETE FROM t`, `DELETE t FROM ...`, `DELETE TOP (n) FROM`,
            // `DELETE t;`, `DELETE t WHERE`, MERGE's `THEN DELETE`, and a
            // query set's `.delete()` in a data migration.
            "delete" if !after_on => {
                // The name deleted from, qualified or not (`DELETE
                // dbo.orders;`, `DELETE "public"."orders"`): what follows it.
                let mut after_name = i + 1;
                while ident(after_name).is_some() {
                    after_name += 1;
                    if !is(after_name, ".") {
                        break;
                    }
                    after_name += 1;
                }
                is(i + 1, "(")
                    || (i > 0 && is(i - 1, "then"))
                    || statement(DELETE_TOKENS).any(|t| *t == "from")
                    || (after_name > i + 1
                        && tokens
                            .get(after_name)
                            .map_or(at_end, |t| matches!(*t, ";" | "'" | ")" | "where" | "output" | "returning")))
            }
            // `UPDATE t SET`, `UPDATE s.t AS x SET`, a query set's
            // `.update(...)`.
            "update" if !after_on => {
                (after_dot && is(i + 1, "(")) || (ident(i + 1).is_some() && (i + 2..i + 7).any(|j| is(j, "set")))
            }
            // `ALTER TABLE t DROP c` (the column keyword left out), and
            // `ALTER COLUMN c TYPE x USING ...`, which rewrites every value.
            // At most ALTER_TOKENS ahead: scanning to the next `;` from
            // every `ALTER TABLE` of a text with none was quadratic (13 s
            // for 1 MiB, an audit).
            // (`TABLE`, then ALTER_TOKENS more.)
            // Also MySQL's `MODIFY` and `CHANGE`, which narrow a column in
            // place (values cut to fit), and ClickHouse's mutations
            // `ALTER TABLE t DELETE WHERE` and `UPDATE c = ... WHERE`
            // (not a foreign key's `ON DELETE` rule).
            // (The next such clause and `;` after each token are found
            // once for the text: scanning each `ALTER TABLE`'s 512 tokens
            // took 3.7 s for 1 MiB of them, an audit.)
            "alter" => {
                is(i + 1, "table") && {
                    let (hits, semis) = alter_marks.get_or_init(|| alter_clauses(&tokens));
                    let end = semis.get(i + 1).copied().unwrap_or(tokens.len()).min(i + 2 + ALTER_TOKENS);
                    hits.get(i + 1).is_some_and(|&hit| hit < end)
                }
            }
            // Dynamic SQL, whose statement is made when it runs: `EXECUTE
            // 'DR' || 'OP TABLE t'`, `EXEC('DR' + 'OP ...')`.
            "execute" | "exec" => {
                let parts: Vec<&&str> = statement(16).collect();
                parts.windows(2).any(|w| w == [&"|", &"|"])
                    || parts.iter().any(|t| matches!(**t, "+" | "concat" | "format" | "chr" | "char"))
            }
            // Rails' `t.remove :c`, Ecto's `remove :c`, MongoDB's
            // `.remove({})`, Knex's `.del()`.
            "remove" => is(i + 1, ":") || (after_dot && is(i + 1, "(")),
            "del" => after_dot && is(i + 1, "("),
            // Also Cassandra's `DROP KEYSPACE`, Oracle's `DROP TABLESPACE`,
            // and any `DROP ... CASCADE` (`DROP TYPE t CASCADE` drops the
            // columns of that type, `DROP EXTENSION` the objects made of
            // it).
            "drop" => {
                ident(i + 1).is_some_and(|t| {
                    matches!(
                        t,
                        "table" | "column" | "schema" | "database" | "collection" | "owned" | "keyspace" | "tablespace"
                    )
                }) || statement(DELETE_TOKENS).any(|t| *t == "cascade")
            }
            _ => DESTRUCTIVE_CALLS.iter().any(|c| word.starts_with(c)),
        }
    })
}

/// For each token of `tokens`, where the next clause that makes an `ALTER
/// TABLE` destroy data is (`DROP`, `USING`, MySQL's `MODIFY` and `CHANGE`,
/// ClickHouse's `DELETE` and `UPDATE` but not a foreign key's `ON
/// DELETE`), and where the next `;` is, at it or after it (the length when
/// there is none).
fn alter_clauses(tokens: &[&str]) -> (Vec<usize>, Vec<usize>) {
    let n = tokens.len();
    let (mut hits, mut semis) = (vec![n; n + 1], vec![n; n + 1]);
    for j in (0..n).rev() {
        let token = tokens.get(j).copied().unwrap_or_default();
        let after_on = j > 0 && tokens.get(j - 1) == Some(&"on");
        // (A constraint, a column's `NOT NULL`, default or identity, an
        // index or key dropped loses no data: red team 11's `DROP
        // CONSTRAINT events_fk` and `ALTER COLUMN id DROP NOT NULL` read
        // as irreversible.)
        let keeps_data = token == "drop"
            && tokens.get(j + 1).is_some_and(|next| {
                matches!(
                    *next,
                    "constraint"
                        | "not"
                        | "default"
                        | "identity"
                        | "index"
                        | "key"
                        | "primary"
                        | "foreign"
                        | "check"
                        | "unique"
                )
            });
        let hit = match token {
            "drop" => !keeps_data,
            "using" | "modify" | "change" => true,
            "delete" | "update" => !after_on,
            _ => false,
        };
        let (next_hit, next_semi) = (hits.get(j + 1).copied().unwrap_or(n), semis.get(j + 1).copied().unwrap_or(n));
        if let Some(h) = hits.get_mut(j) {
            *h = if hit { j } else { next_hit };
        }
        if let Some(s) = semis.get_mut(j) {
            *s = if token == ";" { j } else { next_semi };
        }
    }
    (hits, semis)
}

/// How far a `DELETE` statement is read for its `FROM` (T-SQL's `TOP (n)`
/// and `OUTPUT` clauses come between).
const DELETE_TOKENS: usize = 64;

/// How far an `ALTER TABLE` statement is read for a `DROP` or `USING`:
/// far past any one statement of a migration (a hundred clauses).
const ALTER_TOKENS: usize = 512;

fn is_ident_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '$'
}

/// The tokens of a text: identifiers (letters, digits, `_`, `$`) and each
/// other character that is not a blank on its own.
fn tokens(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        if is_ident_char(c) {
            start.get_or_insert(i);
            continue;
        }
        if let Some(s) = start.take() {
            out.extend(text.get(s..i));
        }
        // Identifier quotes (`"t"`, `` `t` ``, `[t]`) are blanks: the
        // name inside is the identifier (a red-team audit: `DELETE
        // "outbox";` and `UPDATE [outbox] SET` passed).
        if !c.is_whitespace() && !matches!(c, '"' | '`' | '[' | ']') {
            out.extend(text.get(i..i + c.len_utf8()));
        }
    }
    if let Some(s) = start {
        out.extend(text.get(s..));
    }
    out
}

/// What [`changed_texts`] gives: by path, the lines taken out and the
/// lines put in.
pub type ChangedTexts = BTreeMap<String, (Vec<u8>, Vec<u8>)>;

/// The lines a `git diff -p` output takes out of (`-`) and puts into
/// (`+`) each file that `wanted` takes, as two texts, each line ending in
/// `\n`: at most [`MAX_EMPTIED_TEXT`] bytes a side (a line that would
/// pass it is left out) and [`MAX_FILES`] files. For a file too large
/// to read whole, its changed lines are what can be read of it.
pub fn changed_texts(patch: &[u8], wanted: impl Fn(&str) -> bool) -> ChangedTexts {
    let mut out = ChangedTexts::new();
    for_each_patch_line(patch, |path, line| {
        let (side, text) = match line.split_first() {
            Some((b'-', text)) => (false, text),
            Some((b'+', text)) => (true, text),
            _ => return,
        };
        if !out.contains_key(path) && (out.len() >= MAX_FILES || !wanted(path)) {
            return;
        }
        let (removed, added) = out.entry(path.to_owned()).or_default();
        let to = if side { added } else { removed };
        if to.len() + text.len() < MAX_EMPTIED_TEXT {
            to.extend_from_slice(text);
            if !text.ends_with(b"\n") {
                to.push(b'\n');
            }
        }
    });
    out
}

/// `patch` with each file's section repeated under the paths that reach it
/// through symbolic links (`aliases`: a path reached, and the changed path
/// it is reached from), so that what is read from a patch is read at the
/// link's path too: a script edited through `cart/scripts/reset.sh ->
/// ../../docs/ops/reset.sh` is `cart/scripts/reset.sh`'s, as a pipeline
/// or deploy runs it there (red team 13: read by the target's path alone,
/// a documentation file, it destroyed nothing). A section whose path is
/// quoted by git, or an alias that would need quoting, is not repeated.
///
/// ```
/// use blastgate_ingest::git::alias_patch;
/// let patch = b"diff --git a/docs/r.sh b/docs/r.sh\n--- a/docs/r.sh\n+++ b/docs/r.sh\n@@ -1 +1,2 @@\n x\n+y\n";
/// let aliased = alias_patch(patch, &[("cart/r.sh".to_owned(), "docs/r.sh".to_owned())]);
/// assert!(String::from_utf8_lossy(&aliased).contains("+++ b/cart/r.sh\n@@ -1 +1,2 @@\n x\n+y\n"));
/// ```
pub fn alias_patch(patch: &[u8], aliases: &[(String, String)]) -> Vec<u8> {
    let plain = |p: &str| !p.is_empty() && !p.contains(['"', '\\', '\t', '\n', ' ']) && p.is_ascii();
    let mut by_target: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (path, via) in aliases {
        if plain(path) && plain(via) {
            by_target.entry(via.as_str()).or_default().push(path.as_str());
        }
    }
    if by_target.is_empty() {
        return patch.to_vec();
    }
    let mut out = patch.to_vec();
    // Each section: from its `diff --git` line to the next.
    let mut starts: Vec<usize> = Vec::new();
    let mut at = 0;
    for line in patch.split_inclusive(|&b| b == b'\n') {
        if line.starts_with(b"diff --git ") {
            starts.push(at);
        }
        at += line.len();
    }
    starts.push(patch.len());
    for pair in starts.windows(2) {
        let (Some(&from), Some(&to)) = (pair.first(), pair.get(1)) else { continue };
        let Some(section) = patch.get(from..to) else { continue };
        let text = String::from_utf8_lossy(section);
        let Some(header) = text.lines().next() else { continue };
        let Some(rest) = header.strip_prefix("diff --git a/") else { continue };
        let Some((old, new)) = rest.split_once(" b/") else { continue };
        let Some(targets) = by_target.get(new).or_else(|| by_target.get(old)) else { continue };
        for alias in targets {
            if !out.ends_with(b"\n") {
                out.push(b'\n');
            }
            let mut in_hunk = false;
            for line in text.split_inclusive('\n') {
                let renamed = if line.starts_with("@@") {
                    in_hunk = true;
                    None
                } else if in_hunk {
                    None
                } else if line.starts_with("diff --git ") {
                    Some(format!("diff --git a/{alias} b/{alias}\n"))
                } else if line.starts_with("--- a/") {
                    Some(format!("--- a/{alias}\n"))
                } else if line.starts_with("+++ b/") {
                    Some(format!("+++ b/{alias}\n"))
                } else {
                    None
                };
                out.extend_from_slice(renamed.as_deref().unwrap_or(line).as_bytes());
            }
        }
    }
    out
}

/// Calls `f` with each content line of each file's hunks in a `git diff
/// -p` output (with its `+`, `-` or ` ` and its line end), and the file's
/// path: the `+++ b/` header's, else the `--- a/` one's, unquoted, without
/// the TAB git writes after a name that holds a space.
fn for_each_patch_line(patch: &[u8], mut f: impl FnMut(&str, &[u8])) {
    for_each_patch_line_of(patch, |path, line, _| f(path, line));
}

/// As [`for_each_patch_line`], telling `f` too whether the file is a
/// symbolic link at the change's end (its header says mode `120000`:
/// `new file mode`, `new mode`, or an `index` line of a link that stays
/// one).
fn for_each_patch_line_of(patch: &[u8], mut f: impl FnMut(&str, &[u8], bool)) {
    let mut link = false;
    let mut path: Option<String> = None;
    // Content lines come after a hunk's `@@` line; before it, `---` and
    // `+++` are the file's headers (an added line `++i;` reads `+++i;`).
    let mut in_hunk = false;
    for line in patch.split_inclusive(|&b| b == b'\n') {
        if line.starts_with(b"diff --git ") {
            (path, in_hunk, link) = (None, false, false);
        } else if line.starts_with(b"@@") {
            in_hunk = true;
            // (Passed on: where a hunk starts, the lines before it end.)
            if let Some(p) = &path {
                f(p, line, link);
            }
        } else if !in_hunk {
            let mode = line.strip_suffix(b"\n").unwrap_or(line);
            if mode == b"new file mode 120000"
                || mode == b"new mode 120000"
                || (mode.starts_with(b"index ") && mode.ends_with(b" 120000"))
            {
                link = true;
            }
            let header = |prefix: &[u8], side: &str| {
                let rest = line.strip_prefix(prefix)?;
                let rest = rest.strip_suffix(b"\n").unwrap_or(rest);
                // git ends the name with a TAB when it holds a space
                // (`+++ b/drop old users.sql<TAB>`, `+++ "b/a \"q\".sql"<TAB>`;
                // diff.c, `emit_diff_symbol`). A name never ends in a TAB
                // of its own: git quotes a path that holds one.
                let rest = rest.strip_suffix(b"\t").unwrap_or(rest);
                let name = unquote(rest)?;
                name.strip_prefix(side).map(str::to_owned)
            };
            if let Some(p) = header(b"+++ ", "b/") {
                path = Some(p);
            } else if let Some(p) = header(b"--- ", "a/").filter(|_| path.is_none()) {
                path = Some(p);
            }
        } else if let Some(p) = &path {
            f(p, line, link);
        }
    }
}

/// A path as git writes it in a patch header: as is, or in double quotes
/// with C escapes (`\"`, `\\`, `\t`, `\n`, octal bytes) when it holds a
/// character git quotes. `None` for text that is not UTF-8 once unquoted
/// or is not a path (`/dev/null` is returned as is).
fn unquote(raw: &[u8]) -> Option<String> {
    let Some(inner) = raw.strip_prefix(b"\"").and_then(|r| r.strip_suffix(b"\"")) else {
        return String::from_utf8(raw.to_vec()).ok();
    };
    let mut out = Vec::with_capacity(inner.len());
    let mut bytes = inner.iter().copied().peekable();
    while let Some(b) = bytes.next() {
        if b != b'\\' {
            out.push(b);
            continue;
        }
        match bytes.next()? {
            b'n' => out.push(b'\n'),
            b't' => out.push(b'\t'),
            b'r' => out.push(b'\r'),
            b'a' => out.push(0x07),
            b'b' => out.push(0x08),
            b'f' => out.push(0x0c),
            b'v' => out.push(0x0b),
            d @ b'0'..=b'7' => {
                let mut value = u32::from(d - b'0');
                for _ in 0..2 {
                    let next = bytes.next_if(|c| (b'0'..=b'7').contains(c))?;
                    value = value * 8 + u32::from(next - b'0');
                }
                out.push(u8::try_from(value).ok()?);
            }
            other => out.push(other),
        }
    }
    String::from_utf8(out).ok()
}

/// A `git diff -p` output reduced to what the change does: file headers,
/// modes, the removed and added lines and their context lines, without
/// the blob hashes (`index` lines) and line numbers (`@@` lines) that
/// differ when the same lines are undone on a file changed elsewhere
/// since. Two changes that reduce to the same bytes remove and add the
/// same lines, between the same neighbours, in the same files.
pub fn diff_essence(patch: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(patch.len());
    for line in patch.split_inclusive(|&b| b == b'\n') {
        if line.starts_with(b"index ") || line.starts_with(b"@@") {
            continue;
        }
        out.extend_from_slice(line);
    }
    out
}

/// The history metrics of a change (definitions in the module docs).
///
/// `files` is the log of earlier commits touching the change's files (as
/// named at the base), `author` the log of the author's earlier commits,
/// both with `--name-only` and without merges (merges are skipped here
/// anyway). Commits of `author` by other authors are ignored, so a log
/// filtered loosely (`git log --author` matches substrings) is fine.
///
/// # Complexity
/// `O(C·P·log F)` for `C` commits of `P` paths each and `F` touched files.
pub fn history_metrics(files: &CommitLog, author: &CommitLog, query: &HistoryQuery<'_>) -> HistoryMetrics {
    let touched: BTreeSet<&str> = query.files.iter().map(history_path).collect();
    let mut subsystems = BTreeSet::new();
    for f in query.files {
        subsystems.insert(subsystem(&f.path));
        if let Some(old) = &f.old_path {
            subsystems.insert(subsystem(old));
        }
    }
    let mut developers = BTreeSet::new();
    let mut changes = BTreeSet::new();
    let mut last_change: BTreeMap<&str, i64> = BTreeMap::new();
    for commit in files.commits.iter().filter(|c| !c.is_merge()) {
        let mut hit = false;
        for path in commit.files.iter().filter_map(|p| touched.get(p.as_str())) {
            hit = true;
            let last = last_change.entry(*path).or_insert(commit.time);
            *last = (*last).max(commit.time);
        }
        if hit {
            developers.insert(commit.author_email.to_ascii_lowercase());
            changes.insert(commit.hash.as_str());
        }
    }
    let days = |t: i64| (query.at.saturating_sub(t).max(0) as f64) / 86_400.0;
    let ages: Vec<f64> = last_change.values().map(|t| days(*t)).collect();
    let age_known = files.complete || last_change.len() == touched.len();
    let mut metrics = HistoryMetrics::default();
    if files.complete {
        metrics.ndev = Some(developers.len() as f64);
        metrics.nuc = Some(changes.len() as f64);
    }
    if age_known && !ages.is_empty() {
        metrics.age = Some(ages.iter().sum::<f64>() / ages.len() as f64);
    }
    let (mut exp, mut rexp, mut sexp) = (0u64, 0.0f64, 0u64);
    let own =
        author.commits.iter().filter(|c| !c.is_merge() && c.author_email.eq_ignore_ascii_case(query.author_email));
    for commit in own {
        exp += 1;
        rexp += 1.0 / (1.0 + days(commit.time) / 365.25);
        if commit.files.iter().any(|p| subsystems.contains(subsystem(p))) {
            sexp += 1;
        }
    }
    metrics.exp = Some(exp as f64);
    metrics.rexp = Some(rexp);
    metrics.sexp = Some(sexp as f64);
    metrics
}

/// A history log read in a shallow clone: cut (its history ends at the
/// shallow boundary), and its commits without parents list no files (git
/// shows a boundary commit as adding every file of its tree, which it did
/// not). A true root commit loses its files too, which can only lower
/// `sexp`.
pub fn shallow_log(mut log: CommitLog) -> CommitLog {
    log.complete = false;
    for commit in log.commits.iter_mut().filter(|c| c.parents.is_empty()) {
        commit.files.clear();
    }
    log
}

/// The path a file had at the base: the old path of a rename, the path
/// otherwise. These are the paths whose history counts.
pub fn history_path(file: &FileChange) -> &str {
    match (file.status, &file.old_path) {
        (FileStatus::Renamed, Some(old)) => old,
        _ => &file.path,
    }
}

impl AiAgent {
    /// An interactive tool: a person drove it, so a commit it co-authored
    /// is `generated`.
    pub fn interactive(tool: &str, names: &[&str], emails: &[&str]) -> Self {
        Self::new(tool, false, names, emails)
    }

    /// An autonomous agent: a commit it authored or co-authored is `agent`.
    pub fn autonomous(tool: &str, names: &[&str], emails: &[&str]) -> Self {
        Self::new(tool, true, names, emails)
    }

    fn new(tool: &str, autonomous: bool, names: &[&str], emails: &[&str]) -> Self {
        let lower = |v: &[&str]| v.iter().map(|s| s.trim().to_ascii_lowercase()).filter(|s| !s.is_empty()).collect();
        Self { tool: tool.to_owned(), autonomous, names: lower(names), emails: lower(emails) }
    }

    /// Adds a name this tool writes.
    #[must_use]
    pub fn with_name(mut self, name: &str) -> Self {
        self.names.push(name.trim().to_ascii_lowercase());
        self
    }

    /// Adds an email this tool writes.
    #[must_use]
    pub fn with_email(mut self, email: &str) -> Self {
        self.emails.push(email.trim().to_ascii_lowercase());
        self
    }

    /// The tool's id.
    pub fn tool(&self) -> &str {
        &self.tool
    }

    /// Whether it is an autonomous agent.
    pub fn is_autonomous(&self) -> bool {
        self.autonomous
    }

    /// The names, lowercased.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// The emails, lowercased.
    pub fn emails(&self) -> &[String] {
        &self.emails
    }

    fn identify(&self, name: &str, email: &str) -> Option<AgentMatch<'_>> {
        let email = email.trim().to_ascii_lowercase();
        let email_hit = !email.is_empty() && self.emails.iter().any(|e| email_matches(e, &email));
        let (core, note) = split_note(name.trim());
        let found = |model: Option<&str>| {
            Some(AgentMatch { tool: &self.tool, autonomous: self.autonomous, model: model.map(str::to_owned) })
        };
        for listed in &self.names {
            if core.eq_ignore_ascii_case(listed) {
                return found(note);
            }
            if note.is_some_and(|n| n.eq_ignore_ascii_case(listed)) {
                return found(None);
            }
        }
        // A GitHub app account of the tool (`claude[bot]`), by its name or
        // its noreply address: the app acts on its own (a git audit: the
        // Claude app's commits counted as a person's).
        let bot_login = |login: &str| {
            let login = login.strip_suffix("[bot]")?;
            self.names.iter().any(|listed| login.eq_ignore_ascii_case(&listed.replace(' ', "-"))).then_some(())
        };
        let bot_email = email.strip_suffix("@users.noreply.github.com").map(|local| {
            local
                .split_once('+')
                .filter(|(id, _)| !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()))
                .map_or(local, |(_, login)| login)
        });
        let lower_core = core.to_ascii_lowercase();
        if bot_login(&lower_core).is_some() || bot_email.and_then(bot_login).is_some() {
            return Some(AgentMatch { tool: &self.tool, autonomous: true, model: None });
        }
        if !email_hit {
            return None;
        }
        let prefixed = |listed: &String| {
            core.as_bytes().get(..listed.len()).is_some_and(|p| p.eq_ignore_ascii_case(listed.as_bytes()))
                && core.get(listed.len()..).is_some_and(|rest| rest.starts_with(' '))
        };
        if self.names.iter().any(prefixed) {
            return found(Some(core));
        }
        found(None)
    }
}

impl AiAgents {
    /// No known agents: only `Assisted-by:`, `Generated-by:` and `Agent:`
    /// trailers count.
    pub fn none() -> Self {
        Self { agents: Vec::new() }
    }

    /// Adds an agent (or more identities of a known tool).
    pub fn add(&mut self, agent: AiAgent) -> &mut Self {
        self.agents.push(agent);
        self
    }

    /// The known agents, in order.
    pub fn agents(&self) -> &[AiAgent] {
        &self.agents
    }

    /// The strongest match of an identity (autonomous agents first), or
    /// `None`.
    pub fn identify(&self, name: &str, email: &str) -> Option<AgentMatch<'_>> {
        let mut best: Option<AgentMatch<'_>> = None;
        for m in self.agents.iter().filter_map(|a| a.identify(name, email)) {
            if best.as_ref().is_none_or(|b| m.autonomous && !b.autonomous) {
                best = Some(m);
            }
        }
        best
    }
}

impl Default for AiAgents {
    /// The documented list (see [`AiAgents`]).
    fn default() -> Self {
        const GH: &str = "@users.noreply.github.com";
        let bot = |login: &str| format!("{login}{GH}");
        Self {
            agents: vec![
                AiAgent::interactive("claude-code", &["Claude", "Claude Code"], &["noreply@anthropic.com"]),
                AiAgent::interactive(
                    "copilot",
                    &["Copilot", "GitHub Copilot"],
                    &[&bot("Copilot"), "copilot@github.com"],
                ),
                AiAgent::autonomous(
                    "copilot-coding-agent",
                    &["copilot-swe-agent[bot]", "copilot-swe-agent"],
                    &[&bot("198982749+Copilot")],
                ),
                AiAgent::interactive("cursor", &["Cursor Agent", "Cursor"], &["cursoragent@cursor.com"]),
                AiAgent::autonomous(
                    "devin",
                    &["devin-ai-integration[bot]", "Devin AI"],
                    &[&bot("devin-ai-integration[bot]")],
                ),
                AiAgent::interactive("codex", &["Codex", "OpenAI Codex"], &["noreply@openai.com", "codex@openai.com"]),
                AiAgent::autonomous(
                    "codex-cloud",
                    &["chatgpt-codex-connector[bot]"],
                    &[&bot("chatgpt-codex-connector[bot]")],
                ),
                AiAgent::interactive("aider", &["aider"], &["aider@aider.chat", "noreply@aider.chat"]),
                AiAgent::interactive(
                    "gemini-code-assist",
                    &["gemini-code-assist[bot]", "Gemini Code Assist"],
                    &[&bot("gemini-code-assist[bot]")],
                ),
                AiAgent::autonomous(
                    "amazon-q",
                    &["amazon-q-developer[bot]", "Amazon Q Developer"],
                    &[&bot("amazon-q-developer[bot]"), "amazon-q@amazon.com"],
                ),
                AiAgent::autonomous("jules", &["google-labs-jules[bot]"], &[&bot("google-labs-jules[bot]")]),
                AiAgent::autonomous("openhands", &["openhands"], &["openhands@all-hands.dev"]),
                AiAgent::interactive("amp", &["Amp"], &["amp@ampcode.com"]),
                // Identities the tools write into commits, each seen in
                // the tools' own code or in their public commits (red
                // team 11 found these unlisted; Cline writes none).
                AiAgent::interactive("opencode", &["opencode"], &["noreply@opencode.ai"]),
                AiAgent::interactive("crush", &["Crush"], &["crush@charm.land"]),
                AiAgent::interactive("qwen-code", &["Qwen-Coder", "Qwen Code"], &["qwen-coder@alibabacloud.com"]),
                AiAgent::interactive("gemini-cli", &["Gemini CLI"], &["gemini-cli@google.com"]),
                AiAgent::interactive(
                    "windsurf",
                    &["Windsurf Cascade", "Cascade AI"],
                    &["cascade@windsurf.ai", "cascade@windsurf.com"],
                ),
                AiAgent::interactive("kiro", &[], &["noreply@kiro.dev"]),
                AiAgent::interactive("droid", &["Factory Droid", "factory-droid[bot]"], &["droid@factory.ai"]),
                AiAgent::autonomous("roo-code", &["Roo Code", "Roomote"], &["roomote@roocode.com"]),
            ],
        }
    }
}

impl AgentMatch<'_> {
    /// `agent` for an autonomous agent, `generated` for an interactive tool.
    pub fn involvement(&self) -> AiInvolvement {
        if self.autonomous { AiInvolvement::Agent } else { AiInvolvement::Generated }
    }
}

/// Splits `Name <email>` into name and email (the email is empty when
/// there are no angle brackets).
pub fn identity(value: &str) -> (&str, &str) {
    match value.rfind('<') {
        Some(open) => {
            let name = value.get(..open).unwrap_or_default().trim();
            let rest = value.get(open + 1..).unwrap_or_default();
            let email = rest.split('>').next().unwrap_or_default().trim();
            (name, email)
        }
        None => (value.trim(), ""),
    }
}

/// Every identity a `Co-authored-by:` value names, in order: each
/// `Name <email>` (the name is the text since the previous identity, with
/// a separating `,` or `;` dropped), and a last name without an email
/// after a `,` or `;` (`Jun <jun@corp.com>, Kim`); a value with no `<` is
/// one name. One line may name several people or tools (`Claude
/// <noreply@anthropic.com>, Jun <jun@corp.com>`): only the last counted
/// (a git audit), so the AI tool and Jun went unnoticed. Text right after
/// a `>` without a separator belongs to that identity and is left out.
pub fn identities(value: &str) -> Vec<(&str, &str)> {
    let mut found = Vec::new();
    let mut rest = value;
    while let Some(open) = rest.find('<') {
        let name = separators(rest.get(..open).unwrap_or_default());
        let after = rest.get(open + 1..).unwrap_or_default();
        let (email, next) = match after.find('>') {
            Some(close) => (after.get(..close).unwrap_or_default(), after.get(close + 1..).unwrap_or_default()),
            None => (after, ""),
        };
        found.push((name, email.trim()));
        rest = next;
    }
    if found.is_empty() {
        return vec![(value.trim(), "")];
    }
    let tail = rest.trim();
    if tail.starts_with([',', ';']) {
        let name = separators(tail);
        if !name.is_empty() {
            found.push((name, ""));
        }
    }
    found
}

/// The tool and model of an `Assisted-by:`, `Generated-by:` or `Agent:`
/// value: `AGENT:MODEL [TOOL...]` gives `AGENT` and `MODEL`; any other
/// value (`GitHub Copilot`, `Claude <noreply@anthropic.com>`) is the tool
/// as written, without an email.
pub fn tool_and_model(value: &str) -> (Option<String>, Option<String>) {
    let (name, _) = identity(value);
    let first = name.split_whitespace().next().unwrap_or_default();
    let kernel = first.split_once(':').filter(|(tool, model)| !tool.is_empty() && !model.starts_with("//"));
    let some = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
    match kernel {
        Some((tool, model)) => (some(tool), some(model)),
        None => (some(name), None),
    }
}

// Private helpers.

/// `s` trimmed, without leading `,` and `;`.
fn separators(s: &str) -> &str {
    s.trim().trim_start_matches([',', ';']).trim()
}

/// Lines git itself writes that make a trailer block count with only 25%
/// trailers (trailer.c, `git_generated_prefixes`).
const GIT_GENERATED: [&str; 2] = ["Signed-off-by: ", "(cherry picked from commit "];

/// A cursor over NUL- and TAB-separated fields.
struct Fields<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Fields<'a> {
    fn at_end(&self) -> bool {
        self.pos >= self.bytes.len()
    }

    fn rest(&self) -> &'a [u8] {
        self.bytes.get(self.pos..).unwrap_or_default()
    }

    /// The bytes up to `stop` (consumed), or `None` when the input ends or
    /// a NUL comes first.
    fn until(&mut self, stop: u8) -> Option<&'a [u8]> {
        let rest = self.rest();
        let at = memchr::memchr2(stop, 0, rest)?;
        if rest.get(at) != Some(&stop) {
            return None;
        }
        self.pos += at + 1;
        rest.get(..at)
    }
}

fn line_counts(added: &[u8], deleted: &[u8]) -> Option<(u64, u64, bool)> {
    let number = |b: &[u8]| {
        if b.is_empty() || !b.iter().all(u8::is_ascii_digit) {
            return None;
        }
        std::str::from_utf8(b).ok()?.parse::<u64>().ok()
    };
    match (added, deleted) {
        (b"-", b"-") => Some((0, 0, true)),
        _ => Some((number(added)?, number(deleted)?, false)),
    }
}

fn path_string(file: &str, record: usize, bytes: &[u8]) -> Result<String, ChangeError> {
    if bytes.is_empty() {
        return Err(malformed(file, record, bytes, "empty path"));
    }
    if bytes.len() > MAX_STRING_BYTES {
        return Err(ChangeError::limit(file, "max_string_bytes", MAX_STRING_BYTES as u64, bytes.len() as u64));
    }
    String::from_utf8(bytes.to_vec()).map_err(|_| {
        ChangeError::from(
            blastgate_graph::GraphError::syntax(
                file,
                format!("record {record}"),
                lossy(bytes),
                "path is not valid UTF-8",
            )
            .with_help("blastgate reads UTF-8 paths only; rename the file"),
        )
    })
}

fn malformed(file: &str, record: usize, value: &[u8], message: &str) -> ChangeError {
    let value = lossy(value.get(..value.len().min(200)).unwrap_or_default());
    ChangeError::syntax(file, format!("record {record}"), value, message)
}

fn lossy(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn is_hash(bytes: &[u8]) -> bool {
    matches!(bytes.len(), 40 | 64) && bytes.iter().all(u8::is_ascii_hexdigit)
}

/// C's `isspace` in the C locale.
fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\u{b}' | '\u{c}' | '\r')
}

fn is_blank(line: &str) -> bool {
    line.chars().all(is_space)
}

/// The position of the `:` of `Key: value`, as git's `find_separator`:
/// the key is ASCII letters, digits and `-`, then optional spaces or tabs.
fn separator(line: &str) -> Option<usize> {
    let mut whitespace = false;
    for (i, b) in line.bytes().enumerate() {
        if b == b':' {
            return Some(i);
        }
        if !whitespace && (b.is_ascii_alphanumeric() || b == b'-') {
            continue;
        }
        if i != 0 && (b == b' ' || b == b'\t') {
            whitespace = true;
            continue;
        }
        break;
    }
    None
}

/// The first line of the trailer block in `lines[title_end..end]`, scanning
/// backwards as git's `find_trailer_block_start`.
fn trailer_block_start(lines: &[&str], title_end: usize, end: usize) -> Option<usize> {
    let (mut only_spaces, mut recognized) = (true, false);
    let (mut trailer_lines, mut other_lines, mut possible_continuations) = (0usize, 0usize, 0usize);
    for i in (title_end..end).rev() {
        let line = lines.get(i).copied().unwrap_or_default();
        if line.starts_with('#') {
            other_lines += possible_continuations;
            possible_continuations = 0;
            continue;
        }
        if is_blank(line) {
            if only_spaces {
                continue;
            }
            other_lines += possible_continuations;
            let counts = (recognized && trailer_lines * 3 >= other_lines) || (trailer_lines > 0 && other_lines == 0);
            return counts.then_some(i + 1);
        }
        only_spaces = false;
        if GIT_GENERATED.iter().any(|p| line.starts_with(p)) {
            trailer_lines += 1;
            possible_continuations = 0;
            recognized = true;
            continue;
        }
        let indented = line.starts_with(is_space);
        if separator(line).is_some_and(|at| at >= 1) && !indented {
            trailer_lines += 1;
            possible_continuations = 0;
        } else if indented {
            possible_continuations += 1;
        } else {
            other_lines += 1 + possible_continuations;
            possible_continuations = 0;
        }
    }
    None
}

/// Collapses each line break and the whitespace after it to one space, then
/// trims (git's `unfold_value`).
fn unfold(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut chars = value.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\n' {
            while chars.next_if(|c| is_space(*c)).is_some() {}
            out.push(' ');
        } else {
            out.push(c);
        }
    }
    out.trim_matches(is_space).to_owned()
}

/// A name without a trailing `(...)` part, and that part.
fn split_note(name: &str) -> (&str, Option<&str>) {
    if let Some(inner) = name.strip_suffix(')')
        && let Some(open) = inner.rfind('(')
    {
        let core = inner.get(..open).unwrap_or_default().trim();
        let note = inner.get(open + 1..).unwrap_or_default().trim();
        return (core, Some(note).filter(|n| !n.is_empty()));
    }
    (name, None)
}

/// Whether `actual` (lowercased) matches the listed email: equal, or a
/// GitHub noreply address whose `<id>+` prefix the listed one leaves out.
fn email_matches(listed: &str, actual: &str) -> bool {
    if listed == actual {
        return true;
    }
    let github = "@users.noreply.github.com";
    let (Some(listed_login), Some(actual_local)) = (listed.strip_suffix(github), actual.strip_suffix(github)) else {
        return false;
    };
    if listed_login.contains('+') {
        return false;
    }
    actual_local
        .split_once('+')
        .is_some_and(|(id, login)| !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()) && login == listed_login)
}

/// The subsystem of a path: its first segment, or `""` for a file at the
/// root (as in `blastgate_change::metrics`).
fn subsystem(path: &str) -> &str {
    let path = path.trim_start_matches('/');
    match path.split_once('/') {
        Some((first, _)) => first,
        None => "",
    }
}

/// Shortens a tool or model name to [`MAX_STRING_BYTES`] on a character
/// boundary.
fn clip(s: &str) -> String {
    let mut end = s.len().min(MAX_STRING_BYTES);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s.get(..end).unwrap_or_default().to_owned()
}

#[cfg(test)]
mod agent_list_tests {
    #![allow(clippy::panic, reason = "test code: a panic is a failed test")]

    use super::AiAgents;
    use blastgate_change::{is_agent_account, is_ai_tool_account};

    /// The accounts this reader knows on a commit are known on a
    /// changeset's author or contributors too, as the same kind of AI (a
    /// red team: `cursoragent@cursor.com` authoring a changeset was no AI
    /// change, authoring a commit a `generated` one).
    #[test]
    fn every_account_read_on_a_commit_is_known_on_a_changeset() {
        let agents = AiAgents::default();
        let on_a_changeset = |id: &str| {
            if is_agent_account(id) {
                Some(true)
            } else if is_ai_tool_account(id) {
                Some(false)
            } else {
                None
            }
        };
        let mut checked = 0;
        let mut wrong = Vec::new();
        for agent in &agents.agents {
            // Every form of an account the reader knows: the addresses,
            // the `[bot]` names, and each name's GitHub app login and its
            // no-reply address (a red team found `amp[bot]` and
            // `factory-droid[bot]`'s address unknown on a changeset).
            // (As a commit carries them: an address with the tool's name,
            // an app login with its own address.)
            let named = agent.names.first().cloned().unwrap_or_default();
            let mut forms: Vec<(String, String, String)> =
                agent.emails.iter().map(|e| (named.clone(), e.clone(), e.clone())).collect();
            for name in &agent.names {
                let login = format!("{}[bot]", name.trim_end_matches("[bot]").replace(' ', "-"));
                let address = format!("{login}@users.noreply.github.com");
                forms.push((login.clone(), String::new(), login.clone()));
                forms.push((login.clone(), address.clone(), address.clone()));
                forms.push((login.clone(), format!("12345+{address}"), format!("12345+{address}")));
            }
            for (name, email, id) in forms {
                let Some(m) = agents.identify(&name, &email) else { continue };
                checked += 1;
                if on_a_changeset(&id) != Some(m.autonomous) {
                    wrong.push(format!(
                        "{}: `{id}` is {} on a commit, {:?} on a changeset",
                        agent.tool,
                        if m.autonomous { "an agent" } else { "a tool" },
                        on_a_changeset(&id)
                    ));
                }
            }
        }
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
        assert!(checked > 50, "{checked}");
    }
}
