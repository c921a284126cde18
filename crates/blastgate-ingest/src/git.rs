//! Parsers of git's machine-readable output: changed files, commits,
//! trailers, AI provenance and the history metrics of a change.
//!
//! Everything here is pure: bytes or parsed records in, values out. Running
//! `git` is the facade's job (`blastgate::git`).
//!
//! What a change's files say, beyond what git reports of them, is read by
//! the modules below this one, re-exported here: infrastructure manifests
//! (`manifests`), database migrations (`migrations`), guards against
//! deletion (`guards`), pipelines and scripts (`pipelines`), command lines
//! as the shell runs them (`commands`), Ansible tasks (`ansible`), tasks
//! called by name (`tasks`) and scripts in other languages (`programs`).
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
mod commands;
mod guards;
mod hidden;
mod instances;
mod manifests;
mod migrations;
mod pipelines;
mod places;
mod programs;
mod provisioners;
mod stacks;
mod tasks;
pub use ansible::{ansible_like_in_patch, ansible_tasks_destroy, ansible_tasks_destroy_with, is_ansible, role_of};
pub use programs::{Language, MAX_CALL_LINES, ProgramReader, SCRIPT_FOLDERS, program_language};
pub use stacks::{
    CLOUDFORMATION_REPLACING, IN_A_LOOP, PROGRAM_REPLACING, ReplacingValues, aliased_names, cloudformation_replaces,
    cloudformation_replacing_values, file_includes, import_targets, imports_module, program_counts, program_identities,
    program_replacing_values, template_resources,
};
pub use tasks::{
    ANYWHERE, MAX_TASK_LINES, MAX_TASKS_COUNTED, MAX_TASKS_FOLLOWED, TASK_CALL, TaskCall, TaskRunner, anywhere_package,
    defines_task, package_name, program_change_destroys, script_destroys, task_destroys, task_reach_counts,
};

use blastgate_change::limits::{MAX_FILES, MAX_STRING_BYTES};
use blastgate_change::{
    AiInvolvement, ChangeError, FileChange, FileStatus, HistoryMetrics, Provenance, ProvenanceSource,
};
pub(crate) use commands::mongo_script_destroys;
pub use commands::{DATA_DIRECTORIES, HELM_SET_OFF, UNGUARD, data_directory_removed};
use commands::{INFRA_NOUNS, ROUTINE_NOUNS, kubernetes_kinds, short_lived, tool_name};
pub use guards::{guard_counts, removed_guards};
pub use instances::{
    Instances, Reading, instance_moved_from, instances_lost, read_instances, reading_source, resource_instances,
    value_instances,
};
pub use manifests::{
    Gates, GitopsSource, KUSTOMIZATION_NAMES, Kustomization, MAX_EMPTIED_TEXT, MAX_KUSTOMIZE_ENTRIES, MAX_TYPE_BYTES,
    MAX_TYPES_READ, REPLACING_ARGUMENTS, REPLACING_WHEN_SET, Sources, block_addresses, chart_dependencies,
    declared_addresses, declared_counts, declared_modules, declared_objects, declared_types, declares_nothing,
    embedded_values, gated_types, gates_and_sources, gitops_sources, gitops_target, helm_turned_off,
    helm_values_turned_off, helmfile_uninstalled, helmfile_values, instance_arguments, instance_sources,
    is_helm_values, is_helmfile, is_kustomization, is_manifest, kustomize_target, module_arguments, module_chain,
    moved_from, moved_from_modules, moved_from_types, moved_pairs, override_replaces, parse_kustomization,
    patch_deleted_kinds, patch_deleted_objects, patch_target, pulumi_token, replaces, replacing_values,
    terraform_helm_values, turns_off, uninstanced_addresses, variable_values,
};
pub use migrations::{
    MAX_MIGRATION_TEXT, declarative_schema_drops, destructive_migrations, is_declarative_schema, is_down_migration,
    migration_destroys,
};
use pipelines::read_pipeline;
pub(crate) use pipelines::workspace_relative;
pub use pipelines::{
    declares_kubernetes_objects, destructive_commands, is_pipeline, is_script, pipeline_destroys,
    pipeline_steps_destroy,
};
pub use places::{deploy_places, holds_deploy_place, place_change_destroys};
pub use provisioners::{terraform_commands, terraform_commands_destroy};

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
            declares_read: false,
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
