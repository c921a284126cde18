//! Changesets from a git repository and a revision range.
//!
//! [`changeset_from_git`] runs the system `git` (never through a shell) and
//! hands its output to the pure parsers of `blastgate_ingest::git`: the
//! changed files with their line counts, statuses, renames and binary
//! flags; the commits of the range, whose trailers, authors and committers give
//! the AI [`Provenance`] and the fix flag; and, unless turned off, the
//! history metrics of Kamei et al. (2013) from the commits before the base.
//! The rules (trailer syntax, the known AI identities, the metric
//! definitions) are documented in docs/formats.md, "Git ranges".
//!
//! # Untrusted input
//!
//! The repository and the range are untrusted. The range is validated
//! before git runs: each side must be a revision, not an option (nothing
//! starting with `-`), and is resolved to a full commit hash; every later
//! command gets hashes only. Arguments are passed one by one, never through
//! a shell. git runs with `--no-ext-diff --no-textconv --no-color`,
//! `--no-show-signature`, attributes from the empty tree only (none from
//! the work tree or the commits, which the change's author controls: a
//! `.gitattributes` saying `* -diff` would otherwise hide every line; this
//! needs git 2.42 or later), `core.fsmonitor=false` and literal pathspecs, so
//! no command configured in the repository runs, and with the `GIT_DIR`
//! family of variables removed so that the environment cannot point git at
//! another repository. Each output is read with a cap of
//! [`MAX_INPUT_BYTES`], the range holds at most [`MAX_COMMITS`] commits and
//! each history log is cut at [`MAX_COMMITS`] commits (see
//! [`HistoryMetrics`] for what a cut log means). A shallow clone is
//! detected: a range reaching its boundary is refused, and its cut history
//! leaves out the metrics a cut log would understate.
//!
//! Complexity: git's own work plus time linear in its output.

use std::collections::BTreeMap;
use std::ffi::{OsStr, OsString};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

pub use blastgate_change::limits::{MAX_COMMITS, MAX_INPUT_BYTES};
pub use blastgate_change::{
    AiInvolvement, ChangeError, Changeset, FileChange, FileStatus, HistoryMetrics, Provenance, ProvenanceSource,
};
pub use blastgate_ingest::git::{AgentMatch, AiAgent, AiAgents};

use blastgate_change::limits::{MAX_CONTRIBUTORS, MAX_STRING_BYTES};
use blastgate_change::{API_VERSION, Author, ChangeKind, Contributor, KIND, name_words};
use blastgate_graph::GraphError;
use blastgate_ingest::git::{self as parse, CommitLog, HistoryQuery, LOG_FORMAT};

/// How to read a changeset from git.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct GitOptions {
    /// The changeset id. Default: `<base>..<head>` with 12-digit hashes.
    pub id: Option<String>,
    /// The AI tools and agents recognised in `Co-authored-by:` trailers,
    /// commit authors and committers. Default: [`AiAgents::default`].
    pub agents: AiAgents,
    /// Whether to compute the history metrics (two more `git log` runs over
    /// the history before the base). Default: true.
    pub history: bool,
    /// The git program. Default: `git`, found on `PATH`.
    pub program: PathBuf,
}

impl Default for GitOptions {
    fn default() -> Self {
        Self { id: None, agents: AiAgents::default(), history: true, program: PathBuf::from("git") }
    }
}

/// Reads the change between two revisions of the git repository at `repo`
/// (a work tree, any folder inside one, or a bare repository; git runs
/// from the top of the work tree, so every folder inside reads the same).
///
/// `range` is `BASE..HEAD` (the change from `BASE` to `HEAD`) or
/// `BASE...HEAD` (from the merge base of the two to `HEAD`, as a pull
/// request shows it); an empty side means `HEAD`. The result has:
///
/// - `id`: [`GitOptions::id`], or `<base>..<head>` with 12-digit hashes;
/// - `base`, `head`: the full commit hashes;
/// - `title`: the head commit's subject; `author.id`: its author email
///   (the name when the email is empty);
/// - `contributors`: everyone else who made the range: the author of each
///   of its commits and each person a `Co-authored-by:` trailer names (AI
///   tools and agents named by a trailer left out: `provenance` records
///   them), by email (the name when the email is empty), sorted and
///   deduplicated with ASCII case ignored, the author left out;
/// - `files`: every changed file with line counts, status (renames and
///   detected with git's default 50% similarity; no copy detection, so
///   a copy is an added file with all its lines added), old path and
///   binary flag (git's content test); every file's lines are counted as
///   text, a binary file's too, and no `.gitattributes` changes them;
/// - `provenance`: the strongest AI involvement stated by the commits of
///   the range (trailers, authors and committers), and by the commits
///   whose lines a revert of a revert in it lands again, source
///   `trailer`; `ai` unstated (`None`) when no commit names AI;
/// - `fix`: whether every commit of the range that brings content of its
///   own is a fix (by subject or `Fixes:` trailer): every non-merge commit,
///   every merge whose tree is not git's automatic merge of its parents
///   (code added in the merge commit, or a resolved conflict) and every
///   merge of more than two parents; absent when there is none;
/// - `labels`: `revert` when every commit of the range (at most
///   [`MAX_VERIFIED_REVERTS`], no merges) is a verified revert: git's
///   `This reverts commit X.` line names a commit `X` with one parent, or
///   a merge reverted to its first parent (`git revert -m 1`, what a code
///   host's Revert button does for a pull request merged with a merge
///   commit; git's message names that parent), that
///   is an ancestor of the base (it was there before) and at most
///   [`MAX_REVERT_AGE_DAYS`] older than it (a rollback undoes a recent
///   deploy, not a commit from long ago), no revert itself (reverting a
///   revert re-lands new code), and the commit
///   removes and adds exactly the lines `X` added and removed, where they
///   were (its patch with three lines of context equals `X`'s turned
///   around, line numbers and blob hashes aside). A message alone proves
///   nothing: anything else gets no label;
/// - `history`: `ndev`, `age`, `nuc`, `exp`, `rexp`, `sexp` from the
///   commits before the base (unless [`GitOptions::history`] is false).
///   In a shallow clone the history before the base is cut: `ndev`, `nuc`
///   and `age` are left out, commits without parents list no files, and
///   [`git_change`] says so in a note.
///
/// # Errors
/// - [`ChangeError::InvalidValue`]: the range is not `A..B` or `A...B`, or
///   a side starts with `-` (it would be read as an option);
/// - [`ChangeError::Git`]: git cannot be run (not installed), `repo` is not
///   a git repository, a revision is unknown (in a shallow CI clone, fetch
///   the base first), the repository is a shallow clone and a commit of
///   the range has parents that were not fetched (commits of the range
///   would be missing: fetch full history), `A...B` has no merge base, or git fails;
/// - [`ChangeError::Syntax`]: a changed path is not UTF-8, or git's output
///   is malformed;
/// - [`ChangeError::LimitExceeded`]: an output over [`MAX_INPUT_BYTES`],
///   more than [`MAX_COMMITS`] commits in the range, more than
///   `MAX_FILES` changed files, more than `MAX_CONTRIBUTORS` contributors;
/// - [`ChangeError::Io`]: reading git's output failed.
///
/// # Example
/// ```no_run
/// use blastgate::git::{changeset_from_git, GitOptions};
///
/// let change = changeset_from_git("/src/shop".as_ref(), "origin/main...HEAD", &GitOptions::default())?;
/// println!("{} files, AI: {}", change.files.len(), change.provenance.involvement().as_str());
/// # Ok::<(), blastgate::git::ChangeError>(())
/// ```
pub fn changeset_from_git(repo: &Path, range: &str, options: &GitOptions) -> Result<Changeset, ChangeError> {
    git_change(repo, range, options).map(|change| change.changeset)
}

/// Where a repository's CODEOWNERS file is looked for, in order, the first
/// that exists taken: GitHub's three places in GitHub's order, then
/// GitLab's `.gitlab/CODEOWNERS` (GitLab's other two places are GitHub's
/// last two). A repository holds one of them as a rule; GitLab's section
/// headers are refused by the parser, so a GitLab file with sections
/// fails closed rather than being read in part.
pub const CODEOWNERS_PATHS: [&str; 4] = [".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS", ".gitlab/CODEOWNERS"];

/// The CODEOWNERS file GitHub (or GitLab) would use at `commit`, as its path in the
/// repository and its bytes; `None` when the commit has none of
/// [`CODEOWNERS_PATHS`]. Read it on the branch the change goes into (the
/// left side of its range; for `A...B`, `A`, not the merge base, which the
/// author chooses by where the branch started), as GitHub reads the base
/// branch's: the owners a change writes into its own CODEOWNERS must not
/// review it.
///
/// # Errors
/// - [`ChangeError::InvalidValue`]: `commit` starts with `-`, or the first
///   of [`CODEOWNERS_PATHS`] there is a symbolic link (its text is not the
///   file it names, GitHub does not follow it, and reading no owners from
///   it without a word would send the change past the owners it meant);
/// - [`ChangeError::Git`]: git cannot be run, `repo` is not a git
///   repository, or `commit` is unknown;
/// - [`ChangeError::LimitExceeded`]: the file is over [`MAX_INPUT_BYTES`];
/// - [`ChangeError::Io`]: reading git's output failed.
pub fn codeowners_at(
    repo: &Path,
    commit: &str,
    options: &GitOptions,
) -> Result<Option<(String, Vec<u8>)>, ChangeError> {
    if commit.starts_with('-') {
        return Err(ChangeError::InvalidValue(blastgate_graph::ErrorDetail::new(
            "codeowners",
            "commit",
            commit,
            "a revision may not start with `-` (it would be read as an option)",
        )));
    }
    let git = Git::open(&options.program, repo)?;
    let commit = git.resolve(commit)?;
    for path in CODEOWNERS_PATHS {
        let spec = format!("{commit}:{path}");
        // What the path is at that commit, by its mode (`ls-tree` prints
        // `MODE TYPE HASH<TAB>PATH`, nothing for a missing path): only a
        // file counts; a folder or a submodule is no CODEOWNERS file.
        let listed = git.output("git ls-tree", &["ls-tree", "-z", commit.as_str(), "--", path])?;
        let mode = listed.split(|b| *b == b' ').next().unwrap_or_default();
        match mode {
            b"100644" | b"100755" => {}
            // A symbolic link's blob is the link's text, not the file it
            // names: read as CODEOWNERS it loses every owner without a
            // word (a git audit), and GitHub does not follow it either.
            b"120000" => {
                let target = git.output("git cat-file", &["cat-file", "blob", &spec])?;
                return Err(ChangeError::invalid(
                    path,
                    format!("commit {}", short(&commit)),
                    blastgate_graph::shorten(&String::from_utf8_lossy(&target)),
                    "the CODEOWNERS file is a symbolic link; GitHub does not follow it, and blastgate does not \
                     read owners from it",
                )
                .with_help(
                    "replace the link with the file itself, or give the owners with `--codeowners FILE` \
                     (library: `RepoMapping::with_codeowners`)",
                ));
            }
            _ => continue,
        }
        let bytes = git.output("git cat-file", &["cat-file", "blob", &spec])?;
        return Ok(Some((path.to_owned(), bytes)));
    }
    Ok(None)
}

/// The types of `declared` a changeset keeps (at most
/// [`crate::change::limits::MAX_DECLARED_TYPES`]): those that hold data
/// (a datastore, queue or cache by the destructive-change rules' words)
/// first, so that a file of many types never loses the ones that make its
/// deletion grave; then in ascending order.
fn kept_types(declared: Vec<String>) -> Vec<String> {
    use blastgate_graph::NodeKind;
    let mut ranked: Vec<(bool, String)> = declared
        .into_iter()
        .map(|t| (blastgate_core::engine::resource_type_kind(&t) == NodeKind::Infrastructure, t))
        .collect();
    ranked.sort_unstable();
    ranked.truncate(blastgate_change::limits::MAX_DECLARED_TYPES);
    let mut kept: Vec<String> = ranked.into_iter().map(|(_, t)| t).collect();
    kept.sort_unstable();
    kept
}

/// One entry of a deploy list: where it leads in the repository
/// (`None`: outside it), and its words, which stand for it when it cannot
/// be read.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
struct Root {
    target: Option<String>,
    words: String,
}

/// What a list deploys at one commit: the files (path and blob), the
/// words of the roots, entries and Kustomizations that could not be read,
/// and the files and folders reached.
struct Deployed {
    files: BTreeMap<String, String>,
    words: Vec<String>,
    reached: std::collections::BTreeSet<String>,
    /// The patches of the Kustomizations it reached.
    patches: Patches,
}

/// A Kubernetes object as (kind, name).
type KindName = (String, String);

/// What Kustomizations' patches delete, as written: the patch files they
/// apply (paths), the objects their inline patches delete, and the words
/// of patch files that lead outside the repository (or of a list past
/// its bound).
#[derive(Debug, Default, PartialEq)]
struct Patches {
    files: std::collections::BTreeSet<String>,
    inline: Vec<KindName>,
    words: Vec<String>,
}

impl Patches {
    /// Adds the patches of `k`, a Kustomization in the folder `at`.
    fn add(&mut self, k: &parse::Kustomization, at: &str) {
        for e in &k.patch_files {
            match parse::patch_target(at, e) {
                Some(t) => {
                    self.files.insert(t);
                }
                None => self.words.push(e.clone()),
            }
        }
        self.inline.extend(k.deleted_objects.iter().cloned());
        self.inline.sort_unstable();
    }
}

/// The objects of `after` that `before` does not hold as often: what a
/// change's patches newly delete.
fn only_after(after: Vec<KindName>, mut before: Vec<KindName>) -> Vec<KindName> {
    after
        .into_iter()
        .filter(|object| match before.iter().position(|o| o == object) {
            Some(at) => {
                before.swap_remove(at);
                false
            }
            None => true,
        })
        .collect()
}

/// Most levels of applications that deploy applications (apps of apps)
/// the deploy-list reading follows down from one no longer deployed.
const MAX_APPLICATION_LEVELS: usize = 4;

/// Most levels of Kustomizations [`Deployments::deployed_all`] follows down
/// from a list's entries.
const MAX_KUSTOMIZE_DEPTH: usize = 32;

/// How many levels of local Terraform modules a `module` block taken out
/// is followed down (`Git::read_local_modules`).
const MAX_MODULE_LEVELS: usize = 8;

/// The most local Terraform module folders read for one change
/// (`Git::read_local_modules`).
const MAX_MODULE_FOLDERS: usize = 256;

/// What deploy lists deploy at one commit, resolved as `kustomize build`
/// resolves them: the folders and files listed (`git ls-tree`, each
/// target once for all the lists) and the Kustomizations found in them,
/// followed down. At most [`parse::MAX_TREE_FILES`] files listed in all:
/// past it, what is not listed counts by its words.
struct Deployments<'g, 'a> {
    git: &'g Git<'a>,
    rev: &'g str,
    /// The files under each target listed so far (a file's own entry
    /// when the target is a file), by target.
    listed: BTreeMap<String, Vec<(String, String)>>,
    /// Files listed in all.
    total: usize,
}

impl<'g, 'a> Deployments<'g, 'a> {
    fn new(git: &'g Git<'a>, rev: &'g str) -> Self {
        Deployments { git, rev, listed: BTreeMap::new(), total: 0 }
    }

    /// Lists the `targets` not listed yet, in one `git ls-tree`; past the
    /// budget, they are left unlisted.
    fn list(&mut self, targets: &[&str]) -> Result<(), ChangeError> {
        let mut new: Vec<&str> = targets.iter().copied().filter(|t| !self.listed.contains_key(*t)).collect();
        new.sort_unstable();
        new.dedup();
        if new.is_empty() || self.total >= parse::MAX_TREE_FILES || new.len() > parse::MAX_KUSTOMIZE_ENTRIES {
            return Ok(());
        }
        let mut args: Vec<&str> = vec!["ls-tree", "-r", "-z", "--full-name", self.rev, "--"];
        args.extend(new.iter().map(|t| if t.is_empty() { "." } else { *t }));
        let found = match parse::parse_tree_files_z(&self.git.output("git ls-tree", &args)?) {
            Ok(found) => found,
            Err(ChangeError::LimitExceeded { .. }) => return Ok(()),
            Err(e) => return Err(e),
        };
        self.total = self.total.saturating_add(found.len());
        if self.total > parse::MAX_TREE_FILES {
            return Ok(());
        }
        for target in new {
            let under: Vec<(String, String)> = found
                .iter()
                .filter(|(p, _)| {
                    target.is_empty() || p == target || p.strip_prefix(target).is_some_and(|r| r.starts_with('/'))
                })
                .cloned()
                .collect();
            self.listed.insert(target.to_owned(), under);
        }
        Ok(())
    }

    /// The objects each patch file of `targets` deletes (`$patch:
    /// delete`), read as the file is at this commit, in one listing and
    /// one read: `None` for a file that is there but could not be read
    /// (too large, past the budget, or not listed within it); a file that
    /// is not there deletes nothing (`kustomize build` fails on it).
    fn patch_deletions(
        &mut self,
        targets: &std::collections::BTreeSet<&str>,
    ) -> Result<BTreeMap<String, Option<Vec<KindName>>>, ChangeError> {
        if targets.is_empty() {
            return Ok(BTreeMap::new());
        }
        let wanted: Vec<&str> = targets.iter().copied().collect();
        self.list(&wanted)?;
        let blob = |t: &str| self.listed.get(t).and_then(|under| under.iter().find(|(p, _)| p == t)).cloned();
        let found: Vec<(String, String)> = wanted.iter().filter_map(|t| blob(t)).collect();
        let texts = self.git.small_blobs(found.iter().map(|(p, h)| (p.as_str(), h.as_str())))?;
        Ok(wanted
            .iter()
            .filter_map(|t| match (texts.get(*t), self.listed.contains_key(*t), blob(t)) {
                (Some(text), ..) => Some(((*t).to_owned(), Some(parse::patch_deleted_objects(text)))),
                // Listed, and not a file: nothing there.
                (None, true, None) => None,
                _ => Some(((*t).to_owned(), None)),
            })
            .collect())
    }

    /// What each list of `lists` deploys ([`Deployed`]), resolved
    /// together: each level of every list is listed in one `git ls-tree`
    /// and its Kustomizations read in one `git cat-file` (a red team: a
    /// change to a thousand overlays ran two thousand listings).
    fn deployed_all(&mut self, lists: &[&[Root]]) -> Result<Vec<Deployed>, ChangeError> {
        use std::collections::BTreeSet;
        let mut out: Vec<Deployed> = lists
            .iter()
            .map(|roots| Deployed {
                files: BTreeMap::new(),
                words: roots.iter().filter(|r| r.target.is_none()).map(|r| r.words.clone()).collect(),
                reached: BTreeSet::new(),
                patches: Patches::default(),
            })
            .collect();
        let mut frontiers: Vec<Vec<(String, String)>> = lists
            .iter()
            .map(|roots| roots.iter().filter_map(|r| Some((r.target.clone()?, r.words.clone()))).collect())
            .collect();
        // Kustomizations read, by path: parsed once for all the lists.
        let mut parsed: BTreeMap<String, Option<parse::Kustomization>> = BTreeMap::new();
        for _ in 0..MAX_KUSTOMIZE_DEPTH {
            for (frontier, d) in frontiers.iter_mut().zip(&out) {
                frontier.retain(|(t, _)| !d.reached.contains(t));
                frontier.sort_unstable();
                frontier.dedup_by(|a, b| a.0 == b.0);
            }
            let targets: Vec<&str> = frontiers.iter().flatten().map(|(t, _)| t.as_str()).collect();
            if targets.is_empty() {
                break;
            }
            self.list(&targets)?;
            // Each list's Kustomizations met this level: (list, folder, path).
            let mut met: Vec<(usize, String, String)> = Vec::new();
            let mut unread: Vec<(String, String)> = Vec::new();
            for (i, (frontier, d)) in frontiers.iter_mut().zip(out.iter_mut()).enumerate() {
                for (target, said) in std::mem::take(frontier) {
                    d.reached.insert(target.clone());
                    let Some(under) = self.listed.get(&target) else {
                        d.words.push(said);
                        continue;
                    };
                    if let Some((p, h)) = under.iter().find(|(p, _)| *p == target) {
                        d.files.insert(p.clone(), h.clone());
                        continue;
                    }
                    let own = parse::KUSTOMIZATION_NAMES.iter().find_map(|name| {
                        let path = if target.is_empty() { (*name).to_owned() } else { format!("{target}/{name}") };
                        under.iter().find(|(p, _)| *p == path)
                    });
                    match own {
                        Some((p, h)) => {
                            if !parsed.contains_key(p) {
                                unread.push((p.clone(), h.clone()));
                            }
                            met.push((i, target.clone(), p.clone()));
                        }
                        None => {
                            let manifest = |p: &str| {
                                let lower = p.to_ascii_lowercase();
                                lower.ends_with(".yaml") || lower.ends_with(".yml") || lower.ends_with(".json")
                            };
                            d.files.extend(under.iter().filter(|(p, _)| manifest(p)).cloned());
                        }
                    }
                }
            }
            unread.sort_unstable();
            unread.dedup();
            let texts = self.git.small_blobs(unread.iter().map(|(p, h)| (p.as_str(), h.as_str())))?;
            for (path, _) in unread {
                let k = texts.get(&path).and_then(|t| parse::parse_kustomization(t));
                parsed.insert(path, k);
            }
            for (i, at, path) in met {
                let (Some(frontier), Some(d)) = (frontiers.get_mut(i), out.get_mut(i)) else { continue };
                match parsed.get(&path).and_then(Option::as_ref) {
                    Some(k) => {
                        d.words.extend(k.charts.iter().cloned());
                        if k.truncated {
                            d.patches.words.push(path.clone());
                        }
                        d.patches.add(k, &at);
                        for e in &k.entries {
                            match parse::kustomize_target(&at, e) {
                                Some(t) => frontier.push((t, e.clone())),
                                None => d.words.push(e.clone()),
                            }
                        }
                    }
                    None => d.words.push(path),
                }
            }
        }
        for (frontier, d) in frontiers.into_iter().zip(out.iter_mut()) {
            d.words.extend(frontier.into_iter().map(|(_, said)| said));
            d.words.sort_unstable();
            d.words.dedup();
        }
        Ok(out)
    }
}

/// Files' contents before and after a change, by path.
type BothSides = (BTreeMap<String, Vec<u8>>, BTreeMap<String, Vec<u8>>);

/// Most Ansible roles whose variables one change reads (see
/// `Git::role_variables`); past it, the others' tasks are read without
/// their roles' variables.
const MAX_ROLES: usize = 64;

/// The Ansible roles' variables files and task files a change reads (see
/// `Git::role_variables`).
#[derive(Default)]
struct RoleVariables {
    /// Each role's variables files' contents, by role and side (`true`:
    /// before the change), `vars/` first.
    variables: BTreeMap<(String, bool), Vec<Vec<u8>>>,
    /// The task files of the roles whose variables changed, after.
    tasks: BTreeMap<String, Vec<Vec<u8>>>,
    /// The changed variables files, each with its role.
    changed: Vec<(String, String)>,
}

impl RoleVariables {
    fn variables(&self, role: &str, old: bool) -> Vec<&[u8]> {
        self.variables.get(&(role.to_owned(), old)).map(|v| v.iter().map(Vec::as_slice).collect()).unwrap_or_default()
    }

    fn tasks(&self, role: &str) -> impl Iterator<Item = &[u8]> {
        self.tasks.get(role).into_iter().flatten().map(Vec::as_slice)
    }
}

/// Whether `path` is under a folder of documentation, tests, examples or
/// fixtures: its manifests and values illustrate, they deploy nothing.
fn illustrative(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    let mut segments: Vec<&str> = lower.split('/').collect();
    segments.pop();
    segments.iter().any(|s| {
        matches!(
            *s,
            "docs"
                | "doc"
                | "test"
                | "tests"
                | "__tests__"
                | "testdata"
                | "examples"
                | "example"
                | "samples"
                | "sample"
                | "fixtures"
                | "e2e"
        )
    })
}

/// Charts that keep data in volume claims, by a word of their name,
/// whose names the destructive-change rules do not read as a datastore.
const DATA_CHARTS: [&str; 24] = [
    "minio",
    "zookeeper",
    "cockroach",
    "neo4j",
    "timescale",
    "milvus",
    "qdrant",
    "mongo",
    "mariadb",
    "influx",
    "clickhouse",
    "opensearch",
    "elasticsearch",
    "solr",
    "valkey",
    "keydb",
    "scylla",
    "cassandra",
    "weaviate",
    "typesense",
    "meilisearch",
    "consul",
    "pg",
    "db",
];

/// Words of a component's path that make it no holder of data, though
/// its name has a datastore's (`prometheus-redis-exporter`, `kafka-ui`,
/// `metrics.kafka`, `grafana.dashboards.postgresql`, `mongo-express`).
const NOT_DATA: [&str; 24] = [
    "exporter",
    "exporters",
    "ui",
    "dashboard",
    "dashboards",
    "metrics",
    "monitor",
    "monitoring",
    "operator",
    "console",
    "proxy",
    "express",
    "commander",
    "management",
    "connect",
    "sync",
    "defrag",
    "rule",
    "rules",
    "alerts",
    "prometheus",
    "grafana",
    "backup",
    "admin",
];

/// What a Helm switch turned off held (`parse::helm_turned_off`'s
/// dotted path): a PersistentVolumeClaim for a `persistence` (or
/// `persistentVolume`, `pvc`, `volumeClaim`) turned off, or its
/// `existingClaim` set; the component's name for a subchart whose name
/// reads as a datastore, queue or cache; a PersistentVolumeClaim for one
/// of [`DATA_CHARTS`]; nothing for other switches (an `emptyDir` or
/// `shmVolume` holds nothing that outlives its pod), for a claim's
/// retention policy, or for a path with a word of [`NOT_DATA`] (a red
/// team: exporters, dashboards and UIs of a datastore read as one).
fn switched_off_holds(path: &str) -> Option<String> {
    let last = path.rsplit('.').next().unwrap_or(path);
    let all: Vec<String> = path.split('.').flat_map(name_words).collect();
    let words = name_words(last);
    if all.iter().any(|w| w == "retention" || NOT_DATA.contains(&w.as_str())) {
        return None;
    }
    let joined = words.concat();
    if ["persisten", "pvc", "volumeclaim"].iter().any(|w| joined.contains(w)) {
        return Some("PersistentVolumeClaim".to_owned());
    }
    if words.iter().any(|w| w == "volume" || w == "emptydir" || w == "tmp" || w == "shm" || w == "log" || w == "logs") {
        return None;
    }
    if blastgate_core::engine::resource_type_kind(last) != blastgate_graph::NodeKind::Infrastructure {
        return Some(clip_type(last));
    }
    words
        .iter()
        .any(|w| DATA_CHARTS.iter().any(|d| w == d || (d.len() > 3 && w.starts_with(d))))
        .then(|| "PersistentVolumeClaim".to_owned())
}

/// Adds `types` to a file's `declares` or `removes` (`list`), each once,
/// within [`crate::change::limits::MAX_DECLARED_TYPES`]
/// ([`kept_types`]).
fn add_types(list: &mut Vec<String>, types: Vec<String>) {
    if types.is_empty() {
        return;
    }
    let mut all = std::mem::take(list);
    all.extend(types);
    all.sort_unstable();
    all.dedup();
    *list = kept_types(all);
}

/// `text` as a resource type: at most [`parse::MAX_TYPE_BYTES`] bytes.
fn clip_type(text: &str) -> String {
    let end = (0..=parse::MAX_TYPE_BYTES.min(text.len())).rev().find(|&i| text.is_char_boundary(i)).unwrap_or(0);
    text.get(..end).unwrap_or_default().to_owned()
}

/// Most files of a runner's names read for a task call whose file is not
/// where the call names it (see [`Git::resolve_task_calls`]); more count
/// the call by its name.
const MAX_TASK_FILES: usize = 1024;

/// Most task calls resolved for one change (see
/// [`Git::resolve_task_calls`]); past it, a call counts by its name.
const MAX_TASK_CALLS: usize = 1024;

/// Most bytes of file contents the git reader reads for each side (before,
/// after) of each reading of content: infrastructure files emptied in
/// place (`FileChange::emptied`), manifests, declarations, migrations moved
/// in.
pub const MAX_EMPTIED_READ: usize = 64 << 20;

/// A changeset read from git, with notes on what could not be measured.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct GitChange {
    /// The changeset, as [`changeset_from_git`] returns it.
    pub changeset: Changeset,
    /// Notes on history metrics left out or undercounted, one sentence
    /// each, in a fixed order: the touched files' log cut at
    /// [`MAX_COMMITS`] commits, the author's log cut there, or a shallow
    /// repository whose history before the base is cut.
    pub notes: Vec<String>,
    /// The changed paths that are submodules at the head (gitlinks), in
    /// path order: directories to git, which CODEOWNERS matches as such
    /// (pass them to [`crate::change::RepoMapping::with_directories`]).
    pub submodules: Vec<String>,
    /// The full hash of the range's left side (`HEAD` when it is empty):
    /// for `A...B`, `A`, not the merge base. The branch the change goes
    /// into, where [`codeowners_at`] reads the owners.
    pub left: String,
}

/// [`changeset_from_git`], with notes on the history metrics left out.
///
/// # Errors
/// As [`changeset_from_git`].
pub fn git_change(repo: &Path, range: &str, options: &GitOptions) -> Result<GitChange, ChangeError> {
    let range_text = range;
    let range = Range::parse(range)?;
    let git = Git::open(&options.program, repo)?;
    let head = git.resolve(range.head)?;
    let left = git.resolve(range.base)?;
    let base = if range.merge_base { git.merge_base(range.base, &left, &head)? } else { left.clone() };
    let shallow = git.is_shallow()?;
    let ChangedFiles { mut files, mut notes, mut destructive_migrations, submodules, moves } =
        git.files(&base, &head)?;
    let commits = git.range_commits(&base, &head)?;
    let brought = read_submodules(&git, &moves, &mut files, &mut notes)?;
    destructive_migrations.extend(brought.destructive_migrations);
    // Who made the change and with what AI help: the range's commits and
    // those its submodules bring in (fixes and reverts are the range's own).
    let mut made_by: Vec<parse::Commit> = commits.iter().cloned().chain(brought.commits).collect();
    // A revert of a revert lands again what its original commit brought:
    // that commit's authors and AI help are the lines' (an AI provenance
    // audit: a junior's AI-generated commit, reverted and reapplied, came
    // back as nobody's and with no AI, `auto`).
    made_by.extend(git.reapplied(&commits, &mut notes)?);
    if shallow {
        git.check_not_cut(range_text, &commits)?;
    }
    let head_commit = git.commit(&head)?;
    let history = if options.history {
        let mut files_log = git.file_history(&base, &files)?;
        let mut author_log = git.author_history(&base, &head_commit.author_email)?;
        if !files_log.complete {
            notes.push(format!(
                "history: the log of the touched files before the base holds more than {MAX_COMMITS} commits \
                 and was cut; `ndev` and `nuc` (and `age` unless every file was found) are left out"
            ));
        }
        if !author_log.complete {
            notes.push(format!(
                "history: the log of the author's commits before the base holds more than {MAX_COMMITS} commits \
                 and was cut; `exp`, `rexp` and `sexp` count only the commits read (lower bounds)"
            ));
        }
        if shallow {
            files_log = parse::shallow_log(files_log);
            author_log = parse::shallow_log(author_log);
        }
        // Measured at the base's committer time: the head's is set by
        // whoever committed it (a head dated 2036 made every file look ten
        // years settled), the base is already in the target branch.
        let at = git.commit(&base)?.time;
        let query = HistoryQuery { files: &files, author_email: &head_commit.author_email, at };
        let mut metrics = parse::history_metrics(&files_log, &author_log, &query);
        if shallow {
            metrics.age = None;
            notes.push(
                "history: the repository is a shallow clone, so the history before the base is cut; `ndev`, \
                 `nuc` and `age` are left out and `exp`, `rexp` and `sexp` count only the fetched commits \
                 (fetch full history with `git fetch --unshallow`, or `fetch-depth: 0` in GitHub Actions)"
                    .to_owned(),
            );
        }
        Some(metrics)
    } else {
        None
    };
    // A migration that drops a table or a column cannot be reverted
    // without loss: the range says so (`irreversible-change`), since the
    // author who leaves `reversible` out would otherwise never trigger it
    // (a gaming audit).
    let safety = if let Some(first) = destructive_migrations.first() {
        let more = match destructive_migrations.len() {
            1 => String::new(),
            n => format!(" and {} more", n - 1),
        };
        notes.push(format!(
            "safety: `{first}`{more} adds a statement that destroys data for good (a dropped table or column, a \
             truncate, a delete, an update), takes a table or column out of a declarative schema (its tool drops \
             it), or is a migration whose statements are not read (a symbolic link, a submodule not checked out, \
             more than 1 MiB of added \
             lines, or text with NUL bytes such as UTF-16): the change cannot be reverted without loss \
             (`reversible: false`)"
        ));
        blastgate_change::Safety { reversible: Some(false), ..blastgate_change::Safety::default() }
    } else {
        blastgate_change::Safety::default()
    };
    // A subject is free text: a tab or escape in it becomes a space (the
    // engine refuses control characters in a title, which would start a
    // line of their own in a CI log; a red-team audit found `fix:\tretry`
    // blocked the change).
    let subject: String = head_commit.subject().chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    let title = Some(clip(subject.trim())).filter(|t| !t.is_empty());
    let author_id =
        if head_commit.author_email.is_empty() { &head_commit.author_name } else { &head_commit.author_email };
    let author_id = clip(author_id);
    // Everyone else who made the range: a senior's commit on top of a
    // junior's AI-assisted ones must not make the change the senior's
    // alone (an audit: the AI rule saw only the head commit's author, and
    // the junior could approve their own code).
    let contributors: Vec<Contributor> = parse::people(&made_by, &options.agents)
        .into_iter()
        .filter(|id| !id.eq_ignore_ascii_case(&author_id))
        .map(|id| Contributor { id, seniority: None })
        .collect();
    if contributors.len() > MAX_CONTRIBUTORS {
        return Err(ChangeError::limit(
            "git log",
            "max_contributors",
            MAX_CONTRIBUTORS as u64,
            contributors.len() as u64,
        ));
    }
    // The fix and revert checks re-merge commits with git, which runs a
    // merge driver the configuration names; where that cannot be ruled
    // out they are not run, and their answer is the strict one.
    let remerge_blocked = git.remerge_blocked()?;
    let fix = git.range_is_fix(&base, &head, &commits, remerge_blocked.as_deref(), &mut notes)?;
    let reverts = git.verified_reverts(&base, &commits, remerge_blocked.as_deref(), &mut notes)?;
    let changeset = Changeset {
        api_version: API_VERSION.to_owned(),
        kind: KIND.to_owned(),
        id: options.id.clone().unwrap_or_else(|| format!("{}..{}", short(&base), short(&head))),
        title,
        author: Author { id: author_id, ..Author::default() },
        contributors,
        provenance: parse::provenance(&made_by, &options.agents),
        fix,
        labels: if reverts { vec!["revert".to_owned()] } else { Vec::new() },
        files,
        history,
        safety,
        base: Some(base),
        head: Some(head),
        repository: git.repository()?,
        ..Changeset::default()
    };
    Ok(GitChange { changeset, notes, submodules, left })
}

/// Adds the paths the change reaches through symbolic links at `commits`
/// (the base and the head) as changed files of no lines of their own, with
/// a note: editing the file a link in `payments/` points to changes what
/// `payments` deploys, and must be mapped and owned as `payments`' (a
/// gaming audit: editing only the target of `payments/limits.yaml ->
/// ../notifications/limits.yaml` took the change from owner, with the
/// payments team asked, to peer). A link's own change is already a file.
fn add_paths_through_links(
    git: &Git<'_>,
    commits: [&str; 2],
    files: &mut Vec<FileChange>,
    notes: &mut Vec<String>,
) -> Result<Vec<(String, String)>, ChangeError> {
    // Each path reached, with the changed path it is reached from,
    // counted once over the base and the head.
    let mut through: BTreeMap<String, String> = BTreeMap::new();
    let known: std::collections::BTreeSet<String> = files.iter().map(|f| f.path.clone()).collect();
    let limit = || {
        ChangeError::limit(
            "git ls-tree (symbolic links)",
            "max_paths_through_links",
            MAX_PATHS_THROUGH_LINKS as u64,
            MAX_PATHS_THROUGH_LINKS as u64 + 1,
        )
    };
    for commit in commits {
        let links = parse::resolve_links(&git.links(commit)?);
        if links.is_empty() {
            continue;
        }
        // The changed paths, then the paths found through links, asked
        // again (a folder link holding a link to the file), a few rounds.
        // A link to the root reaches every path, and every path found
        // through it again: it is asked once.
        let mut reached: std::collections::BTreeSet<String> =
            files.iter().flat_map(|f| std::iter::once(f.path.clone()).chain(f.old_path.clone())).collect();
        let mut asked = links.clone();
        for _ in 0..LINK_ROUNDS {
            let changed: Vec<&str> = reached.iter().map(String::as_str).collect();
            // Never many more made than the limit allows: the limit on
            // distinct paths is checked below, once the ones found already
            // (through the base's links, or the changed paths themselves)
            // are set aside (a docs audit: counted twice, base and head,
            // the limit was half).
            let room = MAX_PATHS_THROUGH_LINKS.saturating_add(through.len()).saturating_add(changed.len());
            let found = parse::paths_through_links(&asked, &changed, room).ok_or_else(limit)?;
            let found: Vec<(String, String)> = found.into_iter().filter(|(path, _)| !reached.contains(path)).collect();
            if found.is_empty() {
                break;
            }
            reached.extend(found.iter().map(|(path, _)| path.clone()));
            for (path, via) in found {
                through.entry(path).or_insert(via);
            }
            if through.len() > MAX_PATHS_THROUGH_LINKS {
                return Err(limit());
            }
            asked.retain(|_, target| !target.is_empty());
        }
    }
    let through: Vec<(String, String)> = through.into_iter().filter(|(path, _)| !known.contains(path)).collect();
    let shown: Vec<String> = through.iter().take(5).map(|(path, via)| format!("`{path}` (`{via}`)")).collect();
    if let Some(more) = through.len().checked_sub(shown.len()).filter(|_| !shown.is_empty()) {
        let more = if more > 0 { format!(" and {more} more") } else { String::new() };
        notes.push(format!(
            "files: the change reaches {}{more} through symbolic links, which count as changed too (no lines of \
             their own): what is deployed from a link's folder changes with the file it points to",
            shown.join(", ")
        ));
    }
    // (Each as the file it reaches was changed: an edit, an addition or
    // a deletion, so that its content is read as the file's would be.)
    let status = |via: &str| files.iter().find(|f| f.path == via).map(|f| f.status);
    let made: Vec<FileChange> = through
        .iter()
        .map(|(path, via)| FileChange {
            path: path.clone(),
            status: status(via).filter(|s| *s != FileStatus::Renamed).unwrap_or_default(),
            ..FileChange::default()
        })
        .collect();
    files.extend(made);
    Ok(through)
}

/// What the submodules a range moves bring in: their commits, and their
/// schema migrations that destroy data (as paths through the submodule).
#[derive(Default)]
struct Brought {
    commits: Vec<parse::Commit>,
    destructive_migrations: Vec<String>,
}

/// The most submodules whose moves are read; past it the rest are noted
/// as not read.
const MAX_SUBMODULES_READ: usize = 100;

/// Reads what each submodule the range moves brings in, where its commits
/// are in this checkout (the submodule is checked out, with both commits):
/// the bump's file counts the submodule's changed lines, not one, and its
/// commits join the range's for AI provenance and contributors, and its
/// destructive migrations for `reversible`. A gaming audit committed 400
/// AI-written lines in a submodule a junior could push to and bumped it in
/// tier-0 `payments`: multi_party with a senior asked when committed in
/// place, owner and no senior as a bump. Where the commits are not here,
/// a note says what was not read.
fn read_submodules(
    git: &Git<'_>,
    moves: &[parse::GitlinkMove],
    files: &mut [FileChange],
    notes: &mut Vec<String>,
) -> Result<Brought, ChangeError> {
    let mut brought = Brought::default();
    // Not read (each with the superproject's bump it counts on).
    let mut unread: Vec<(String, String)> = Vec::new();
    // Checked out, but past the submodules read or the levels followed.
    let mut past_limits: Vec<(String, String)> = Vec::new();
    let mut read = 0usize;
    // The lines each of the superproject's bumps brings in, over every
    // level: they replace the one line git counts for the pointer.
    let mut lines: BTreeMap<String, (u64, u64)> = BTreeMap::new();
    // And what they destroy, by the superproject's bump.
    let mut destroyed: BTreeMap<String, std::collections::BTreeSet<String>> = BTreeMap::new();
    // A submodule's own submodules are read too, a few levels down.
    let mut todo =
        vec![Level { repo: git.clone(), moves: moves.to_vec(), counted_on: None, prefix: String::new(), depth: 0 }];
    while let Some(Level { repo, moves, counted_on, prefix, depth }) = todo.pop() {
        for m in &moves {
            let Some(new) = &m.new else {
                // Removed: nothing comes in.
                continue;
            };
            let path = format!("{prefix}{}", m.path);
            let bump = counted_on.clone().unwrap_or_else(|| m.path.clone());
            read += 1;
            if read > MAX_SUBMODULES_READ {
                past_limits.push((path, bump));
                continue;
            }
            let Some(sub) = repo.submodule(&m.path, m.old.as_deref(), new) else {
                unread.push((path, bump));
                continue;
            };
            // A submodule the change adds brings in its whole tree, and
            // the history that made it (its latest commits).
            let (commits, base) = match &m.old {
                Some(old) => (sub.range_commits(old, new)?, old.clone()),
                None => {
                    let mut commits = sub.log(&[new.as_str(), "--"], &[])?;
                    if commits.len() > MAX_COMMITS {
                        commits.truncate(MAX_COMMITS);
                        notes.push(format!(
                            "files: submodule `{path}`, added, has more than {MAX_COMMITS} commits; the latest \
                             {MAX_COMMITS} are read for who wrote it and with what AI help"
                        ));
                    }
                    (commits, empty_tree(new).to_owned())
                }
            };
            let changed = sub.files(&base, new)?;
            // What the submodule's files destroy (a Terraform block taken
            // out, a script's `FLUSHALL`) is the bump's: red team 13's
            // `orders/infra` submodule moved to a commit that deleted the
            // database's block was `owner` where the same edit in the tree
            // blocked.
            let types = destroyed.entry(bump.clone()).or_default();
            for t in changed.files.iter().flat_map(|f| f.removes.iter().chain(&f.declares)) {
                if types.len() < blastgate_change::limits::MAX_DECLARED_TYPES {
                    types.insert(t.clone());
                }
            }
            let added: u64 = changed.files.iter().map(|f| f.added).fold(0, u64::saturating_add);
            let deleted: u64 = changed.files.iter().map(|f| f.deleted).fold(0, u64::saturating_add);
            let sum = lines.entry(bump.clone()).or_insert((0, 0));
            *sum = (sum.0.saturating_add(added), sum.1.saturating_add(deleted));
            let how = match &m.old {
                Some(old) => format!("moves {}..{}", short(old), short(new)),
                None => format!("is added at {}", short(new)),
            };
            notes.push(format!(
                "files: submodule `{path}` {how}: its {} commit(s) and {} file(s) (+{added} -{deleted} lines) are \
                 read as part of the change",
                commits.len(),
                changed.files.len()
            ));
            brought.destructive_migrations.extend(changed.destructive_migrations.iter().map(|p| format!("{path}/{p}")));
            brought.commits.extend(commits);
            if brought.commits.len() > MAX_COMMITS {
                return Err(ChangeError::limit(
                    "git log (submodules)",
                    "max_commits",
                    MAX_COMMITS as u64,
                    brought.commits.len() as u64,
                ));
            }
            if depth + 1 < MAX_SUBMODULE_DEPTH {
                todo.push(Level {
                    repo: sub,
                    moves: changed.moves,
                    counted_on: Some(bump),
                    prefix: format!("{path}/"),
                    depth: depth + 1,
                });
            } else {
                past_limits.extend(
                    changed
                        .moves
                        .iter()
                        .filter(|m| m.new.is_some())
                        .map(|m| (format!("{path}/{}", m.path), bump.clone())),
                );
            }
        }
    }
    // A submodule of infrastructure by its path (`orders/infra`,
    // `terraform/modules`) whose move is not read may destroy anything it
    // declares: it counts by its path, as an infrastructure file too large
    // to read does (fail closed; red team 13's `orders/infra` moved to a
    // commit this checkout lacks, which deleted the database's block, was
    // `owner`). Other submodules (`vendor/grpc`) keep the note alone.
    let classifier = blastgate_change::Classifier::default();
    // (As a file of no kind of its own in it, `-`: the folder's name is
    // then one of the path's folders.)
    let infrastructure = |path: &str| classifier.classify(&format!("{path}/-")) == ChangeKind::Infrastructure;
    // Likewise a submodule of schema migrations (`orders/migrations`):
    // statements not read, so a migration that may destroy data, as one
    // too large to read is (red team 17: its bump to a commit that drops a
    // table was `auto` in a clone without submodules, `senior` checked
    // out). (Classified by a migration file's name in it.)
    let migrations = |path: &str| classifier.classify(&format!("{path}/1_x.sql")) == ChangeKind::SchemaMigration;
    for (path, bump) in unread.iter().chain(&past_limits) {
        if infrastructure(path) {
            let types = destroyed.entry(bump.clone()).or_default();
            if types.len() < blastgate_change::limits::MAX_DECLARED_TYPES {
                types.insert(format!("submodule {path}"));
            }
        }
        if migrations(path) && !brought.destructive_migrations.contains(bump) {
            brought.destructive_migrations.push(bump.clone());
        }
    }
    for f in files.iter_mut() {
        if let Some(&(added, deleted)) = lines.get(&f.path) {
            f.added = f.added.max(added);
            f.deleted = f.deleted.max(deleted);
        }
        if let Some(types) = destroyed.get(&f.path).filter(|t| !t.is_empty()) {
            let mut all: std::collections::BTreeSet<String> = f.removes.iter().cloned().collect();
            all.extend(types.iter().cloned());
            f.removes = all.into_iter().take(blastgate_change::limits::MAX_DECLARED_TYPES).collect();
        }
    }
    let counted = |paths: &[(String, String)]| {
        if paths.iter().any(|(p, _)| infrastructure(p)) {
            "; one of infrastructure by its path counts as destroying what it declares until it is read"
        } else {
            ""
        }
    };
    if let Some((first, _)) = unread.first() {
        let more = if unread.len() > 1 { format!(" and {} more", unread.len() - 1) } else { String::new() };
        notes.push(format!(
            "files: submodule `{first}`{more} moves, but its commits are not in this checkout, so what it brings in \
             (its size, who wrote it, with what AI help) is not read{}; check submodules out with their history \
             (`git submodule update --init --recursive`, or `submodules: recursive` with `fetch-depth: 0` in \
             GitHub Actions)",
            counted(&unread)
        ));
    }
    if let Some((first, _)) = past_limits.first() {
        let more = if past_limits.len() > 1 { format!(" and {} more", past_limits.len() - 1) } else { String::new() };
        notes.push(format!(
            "files: submodule `{first}`{more} moves, past the {MAX_SUBMODULES_READ} submodules or \
             {MAX_SUBMODULE_DEPTH} levels read, so what it brings in (its size, who wrote it, with what AI help) is \
             not read{}; split the change",
            counted(&past_limits)
        ));
    }
    Ok(brought)
}

/// Submodule moves to read: in `repo`, whose path from the superproject's
/// root is `prefix`, `depth` levels down, their lines counted on the
/// superproject's bump `counted_on` (`None`: each move is one).
struct Level<'a> {
    repo: Git<'a>,
    moves: Vec<parse::GitlinkMove>,
    counted_on: Option<String>,
    prefix: String,
    depth: usize,
}

/// How deep submodules of submodules are read.
const MAX_SUBMODULE_DEPTH: usize = 4;

/// How many times the paths found through links are asked again.
const LINK_ROUNDS: usize = 4;

/// The most paths a change may reach through links: past it the change is
/// refused (a limit error), not read in part.
const MAX_PATHS_THROUGH_LINKS: usize = 100_000;

/// A validated range: two revisions that are not options.
#[derive(Debug)]
struct Range<'a> {
    base: &'a str,
    head: &'a str,
    merge_base: bool,
}

impl<'a> Range<'a> {
    fn parse(range: &'a str) -> Result<Self, ChangeError> {
        let invalid = |message: &str| {
            ChangeError::from(
                GraphError::invalid("git", "range", range, message)
                    .with_help("write the range as `BASE..HEAD` or `BASE...HEAD`, e.g. `origin/main...HEAD`"),
            )
        };
        if range.len() > MAX_STRING_BYTES {
            return Err(ChangeError::limit("git", "max_string_bytes", MAX_STRING_BYTES as u64, range.len() as u64));
        }
        let (base, head, merge_base) = if let Some((b, h)) = range.split_once("...") {
            (b, h, true)
        } else if let Some((b, h)) = range.split_once("..") {
            (b, h, false)
        } else {
            return Err(invalid("not a revision range"));
        };
        let base = if base.is_empty() { "HEAD" } else { base };
        let head = if head.is_empty() { "HEAD" } else { head };
        for side in [base, head] {
            if side.starts_with('-') {
                return Err(invalid("a revision must not start with `-` (git would read it as an option)"));
            }
            if side.contains(['\0', '\n']) || side.contains("..") {
                return Err(invalid("a revision must not contain NUL, a line break or `..`"));
            }
        }
        Ok(Self { base, head, merge_base })
    }
}

/// What `Git::files` reads: the changed files, the schema migrations
/// among them that destroy data, and the submodules among them (gitlinks
/// at the head), each in path order but the files (git's order).
struct ChangedFiles {
    files: Vec<FileChange>,
    /// Notes on the paths the change reaches through symbolic links.
    notes: Vec<String>,
    destructive_migrations: Vec<String>,
    submodules: Vec<String>,
    /// Every submodule pointer the range changes, in git's order.
    moves: Vec<parse::GitlinkMove>,
}

/// What a failed git command said.
#[derive(Debug)]
struct Failure {
    stderr: String,
}

/// Runs git in one repository, from the top of its work tree (or from
/// the folder given, for a bare repository or a git directory).
#[derive(Clone)]
struct Git<'a> {
    program: &'a Path,
    repo: PathBuf,
    /// The blobs [`Git::small_blobs`] has sized and read, kept for the
    /// next reading of the same range (a changed manifest is read for its
    /// kind, its declarations, its lists and its switches).
    blobs: std::cell::RefCell<BlobCache>,
}

/// Blobs already asked of git: each one's size (`None`: not a blob, or
/// missing), and the contents read, at most [`MAX_BLOB_CACHE`] bytes of
/// them. A cache only: what a reading returns does not depend on it.
#[derive(Clone, Default)]
struct BlobCache {
    sizes: BTreeMap<String, Option<usize>>,
    texts: BTreeMap<String, Vec<u8>>,
    bytes: usize,
}

/// Most bytes of blob contents [`BlobCache`] keeps.
const MAX_BLOB_CACHE: usize = 64 << 20;

/// Variables that would point git at another repository, inject
/// configuration or change how pathspecs and diffs are read.
const CLEARED_VARIABLES: [&str; 20] = [
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_INDEX_FILE",
    "GIT_OBJECT_DIRECTORY",
    "GIT_ALTERNATE_OBJECT_DIRECTORIES",
    "GIT_COMMON_DIR",
    "GIT_NAMESPACE",
    "GIT_PREFIX",
    "GIT_CONFIG_PARAMETERS",
    "GIT_CONFIG_COUNT",
    "GIT_EXTERNAL_DIFF",
    "GIT_DIFF_OPTS",
    "GIT_PAGER",
    "GIT_GLOB_PATHSPECS",
    "GIT_NOGLOB_PATHSPECS",
    "GIT_ICASE_PATHSPECS",
    "GIT_LITERAL_PATHSPECS",
    "GIT_SHALLOW_FILE",
    "GIT_QUARANTINE_PATH",
    "GIT_ATTR_SOURCE",
];

/// Options every diff runs with: rename detection (no copy detection: a
/// copy is a whole new file at its destination, and git would count it 0
/// added lines), every
/// submodule change whatever `.gitmodules` or the configuration says (its
/// `ignore = all` would hide a pointer change), and nothing configured in
/// the repository that runs a program or changes the format.
const DIFF_OPTIONS: [&str; 7] =
    ["-r", "-z", "-M", "--ignore-submodules=none", "--no-ext-diff", "--no-textconv", "--no-color"];

/// Options every log runs with.
const LOG_OPTIONS: [&str; 4] = ["-z", "--no-show-signature", "--no-color", "--encoding=UTF-8"];

/// Pathspecs longer than this (in bytes, summed) are not passed on the
/// command line; the history log then reads every commit and filters.
const MAX_PATHSPEC_BYTES: usize = 128 * 1024;

/// Most folders above a changed source file looked at for a stack
/// project's marker file (`Git::find_stack_programs`).
const MAX_STACK_LEVELS: usize = 8;

/// Whether Terraform or OpenTofu reads the file at `p` as configuration:
/// `*.tf` and `*.tf.json`, and OpenTofu's own `*.tofu` and `*.tofu.json`
/// (red team 33: a database deleted from a `.tofu` file was `auto`).
fn terraform_file(p: &str) -> bool {
    [".tf", ".tf.json", ".tofu", ".tofu.json"].iter().any(|e| p.ends_with(e))
}

/// The folder a Terraform `module` block's type (`module ./modules/db`,
/// as `parse::declared_counts` gives it) names, when its source is local
/// (`./x`, `../x`) to the module folder `at`.
fn local_module(at: &str, t: &str) -> Option<String> {
    let source = t.strip_prefix("module ")?;
    (source.starts_with("./") || source.starts_with("../")).then(|| parse::kustomize_target(at, source)).flatten()
}

/// Whether `p` is a Terraform variables file (`*.tfvars`,
/// `*.tfvars.json`).
fn terraform_variables_file(p: &str) -> bool {
    p.ends_with(".tfvars") || p.ends_with(".tfvars.json")
}

/// Whether `p` is a variables file Terraform loads on every run of the
/// module beside it (`terraform.tfvars`, `*.auto.tfvars`, and their JSON
/// forms): one added or deleted changes that module's values, where
/// another added is a new environment's (red team 33: a new
/// `terraform.tfvars` switching a database off was `auto`).
fn auto_loaded_variables_file(p: &str) -> bool {
    let name = p.rsplit('/').next().unwrap_or(p);
    matches!(name, "terraform.tfvars" | "terraform.tfvars.json")
        || name.ends_with(".auto.tfvars")
        || name.ends_with(".auto.tfvars.json")
}

/// Whether `p` is a Terraform override file (`override.tf`,
/// `db_override.tf`, and their `.tf.json` and OpenTofu forms), whose
/// blocks Terraform merges into the blocks of the same address elsewhere
/// in the module.
fn terraform_override(p: &str) -> bool {
    let name = p.rsplit('/').next().unwrap_or(p);
    [".tf", ".tf.json", ".tofu", ".tofu.json"]
        .iter()
        .filter_map(|e| name.strip_suffix(e))
        .any(|stem| stem == "override" || stem.ends_with("_override"))
}

/// One side of a Terraform override file: the replacing values of the
/// blocks it overrides, by address, and the addresses it leaves no
/// instance.
type OverrideSide = (
    std::collections::BTreeMap<String, std::collections::BTreeMap<String, String>>,
    std::collections::BTreeSet<String>,
);

/// What a Terraform `moved` block takes out of a module it calls: the
/// resource's type, and its address in the module (`TYPE.NAME`) when the
/// block moves it whole into the calling folder (`Git::read_declarations`).
type MovedItem = (String, Option<String>);

/// A Terraform file's resources and module calls in blocks of their own,
/// what each resource's block says of its instances, and the folders its
/// local module calls name, by label (`Git::read_declarations`: a module
/// folder renamed whole keeps them all).
type ModuleBlocks = (
    std::collections::BTreeSet<String>,
    std::collections::BTreeMap<String, String>,
    std::collections::BTreeMap<String, Option<String>>,
);

/// [`ModuleBlocks`] of a Terraform text in folder `at`.
fn module_blocks(at: &str, text: &[u8]) -> ModuleBlocks {
    let calls = parse::declared_modules(text).into_iter().map(|(label, t)| (label, local_module(at, &t))).collect();
    (parse::block_addresses(text), parse::instance_arguments(text), calls)
}

/// The Terraform files of module folders, by path, and the folders all
/// of whose files were read (`Git::module_files`).
type ModuleFiles = (BTreeMap<String, Vec<u8>>, std::collections::BTreeSet<String>);

/// Whether `p` is an HCL Terraform or OpenTofu file (`*.tf`, `*.tofu`).
fn terraform_hcl(p: &str) -> bool {
    p.ends_with(".tf") || p.ends_with(".tofu")
}

/// Kubernetes kinds that hold data or everything in them, whose objects
/// renamed in place are deleted and made anew, empty, by the tools that
/// prune (red team 29: a claim's `metadata.name` changed read as an
/// edit, where a Terraform label renamed counted).
const RENAMED_KINDS: [&str; 4] = ["PersistentVolumeClaim", "PersistentVolume", "StatefulSet", "Namespace"];

/// What `text` (the file at `path`) declares by identity, for telling a
/// renamed declaration from a kept one: Terraform's resources and modules
/// by address (`aws_db_instance.orders`, `module.db`); in YAML or JSON the
/// Kubernetes objects of [`RENAMED_KINDS`] by kind and name
/// (`PersistentVolumeClaim.orders-data`), CloudFormation's resources by
/// type and logical id (`AWS::DynamoDB::Table.Orders`) and Pulumi YAML's
/// by type and name; in an infrastructure program, the constructs whose
/// types hold data by class and id (`dynamodb.Table` and `Orders` of `new
/// dynamodb.Table(this, "Orders")`, a Pulumi resource's name). Each tool
/// deletes a resource whose identity changes and makes a new, empty one
/// (red team 29). A type holding a dot is joined to its name by a NUL
/// ([`identity_type`], [`identity_name`]).
fn identities(path: &str, text: &[u8]) -> std::collections::BTreeSet<String> {
    let mut found = parse::declared_addresses(text);
    let lower = path.to_ascii_lowercase();
    let mut add = |identity: String| {
        if found.len() < parse::MAX_TYPES_READ {
            found.insert(identity);
        }
    };
    if [".yaml", ".yml", ".json", ".template"].iter().any(|e| lower.ends_with(e)) {
        for (kind, name) in parse::declared_objects(text).unwrap_or_default() {
            if RENAMED_KINDS.contains(&kind.as_str()) {
                add(format!("{kind}.{name}"));
            }
        }
        for (kind, id) in parse::template_resources(text) {
            // (Pulumi's `aws:rds:Instance`, whose names an alias keeps.)
            add(if kind.contains("::") { format!("{kind}.{id}") } else { format!("{kind}\u{0}{id}") });
        }
    } else if program_file(&lower) {
        for (class, id) in parse::program_identities(text) {
            if blastgate_core::engine::resource_type_kind(&class) != blastgate_graph::NodeKind::Infrastructure {
                // (An id not written as a literal: [`UNREAD_ID`].)
                add(format!("{class}\u{0}{}", id.as_deref().unwrap_or(UNREAD_ID)));
            }
        }
    }
    found
}

/// The id [`identities`] gives a construct whose id is not written as a
/// literal (`new dynamodb.Table(this, ORDERS_ID)`): after a change, one
/// such construct of a class in a folder keeps every construct of that
/// class that the folder had before, whose ids cannot be told apart from
/// it (red team 35: a literal moved into a constant read as a rename).
/// Taking one out still counts, by the folder's count of its class.
const UNREAD_ID: &str = "\u{1}";

/// The values that replace a resource holding data when they change, by
/// identity and argument, in a file other than Terraform's: a
/// CloudFormation template's properties and a Pulumi YAML program's, or a
/// CDK or Pulumi program's arguments.
fn replacing_values(path: &str, text: &[u8]) -> std::collections::BTreeMap<String, parse::ReplacingValues> {
    if program_file(&path.to_ascii_lowercase()) {
        parse::program_replacing_values(text)
    } else {
        let mut values = parse::cloudformation_replacing_values(text);
        values.extend(parse::program_replacing_values(text));
        values
    }
}

/// The type an identity of [`identities`] names.
fn identity_type(identity: &str) -> &str {
    match identity.split_once('\u{0}') {
        Some((t, _)) => t,
        None => identity.split('.').next().unwrap_or_default(),
    }
}

/// The name a program's or Pulumi YAML's identity gives its resource,
/// which a Pulumi alias can keep (`None` for the others).
fn identity_name(identity: &str) -> Option<&str> {
    identity.split_once('\u{0}').map(|(_, name)| name)
}

/// Whether a path is an infrastructure program's source, by its extension
/// ([`program_file`] of its lower case; a function of its own, since
/// `find_stack_programs` has a closure of that name).
fn program_file_extension(path: &str) -> bool {
    program_file(&path.to_ascii_lowercase())
}

/// Whether a (lower-case) path is an infrastructure program's source, by
/// its extension (TypeScript, JavaScript, Python, Go, C#, Java, Kotlin).
fn program_file(lower: &str) -> bool {
    let extension = lower.rsplit_once('.').map_or("", |(_, e)| e);
    matches!(extension, "ts" | "mts" | "cts" | "js" | "mjs" | "cjs" | "py" | "go" | "cs" | "java" | "kt" | "kts")
}

/// The folders of a CDK or Pulumi project that hold its program, by the
/// tools' templates and guides (`lib/orders-stack.ts`, `bin/orders.ts`).
const STACK_FOLDERS: [&str; 9] =
    ["bin", "lib", "stacks", "stack", "constructs", "infra", "infrastructure", "cdk", "pulumi"];

/// Most folders looked at for stack projects' marker files in one range
/// (four pathspecs each).
const MAX_STACK_FOLDERS: usize = 512;

/// Most pathspecs a history log is given ([`pathspecs`]). git compares
/// every entry of every tree it walks with every pathspec: 1,000 touched
/// files over 2,500 commits took 38 s, 5,000 commits 75 s (a complexity
/// audit), where a log of their folders takes a fraction of a second.
const MAX_PATHSPECS: usize = 64;

/// The pathspecs a history log of `paths` is given: the paths themselves
/// when there are at most [`MAX_PATHSPECS`], else their folders, a level up
/// at a time until at most that many remain, else none (the whole
/// history). Broader pathspecs find more commits, which the history
/// metrics filter by the touched paths themselves, so the metrics stay
/// exact; the log's cap of commits is then reached sooner (its metrics
/// then absent, scored as risky, as for any cut log). Sorted, distinct.
fn pathspecs<'a>(paths: &[&'a str]) -> Vec<&'a str> {
    let mut specs: std::collections::BTreeSet<&str> = paths.iter().copied().collect();
    while specs.len() > MAX_PATHSPECS {
        let mut up = std::collections::BTreeSet::new();
        for spec in &specs {
            match spec.rsplit_once('/') {
                Some((folder, _)) if !folder.is_empty() => up.insert(folder),
                // A file at the top: only the whole history holds it.
                _ => return Vec::new(),
            };
        }
        specs = up;
    }
    specs.into_iter().collect()
}

/// The most commits a range may hold to be checked as reverts (each check
/// runs four git commands); a longer range gets no `revert` label.
pub const MAX_VERIFIED_REVERTS: usize = 20;

/// The most commits of a range whose chain of reverts is followed back
/// to the commit whose lines they land again (see [`Git::reapplied`]), and
/// the most steps each chain is followed.
const MAX_REAPPLY_CHAINS: usize = 100;
const MAX_REAPPLY_STEPS: usize = 10;

/// The oldest a reverted commit may be, in days before the base commit
/// (committer times), for a range of reverts to get the `revert` label: a
/// rollback undoes a recent deploy; undoing a commit from long ago makes
/// a new version that never ran, which a freeze's `rollback` exception is
/// not for.
pub const MAX_REVERT_AGE_DAYS: i64 = 30;

/// Settings that change what git reports for the same commits, pinned to
/// git's defaults over whatever the user's, the system's or the
/// repository's configuration says, so that one range reads the same on
/// every machine (found by a determinism audit: a `mailmap.file` in the
/// user's configuration, or a `.mailmap` left in the work tree, changed
/// whose commits counted as the author's, and so the likelihood):
/// - no mailmap: identities as the commits record them;
/// - `log.showRoot`: a root commit lists its files;
/// - `core.bigFileThreshold`: git's default, so files are not all binary;
/// - `diff.orderFile`: none (a missing one failed every diff);
/// - `diff.algorithm`, `diff.renameLimit`, `diff.context`,
///   `diff.interHunkContext`: git's defaults, which line counts, rename
///   pairs and the revert check's patches depend on.
const PINNED_CONFIG: [&str; 9] = [
    "log.mailmap=false",
    "log.showRoot=true",
    "core.bigFileThreshold=512m",
    "diff.orderFile=/dev/null",
    "diff.algorithm=myers",
    "diff.renameLimit=1000",
    "diff.context=3",
    "diff.interHunkContext=0",
    "diff.indentHeuristic=true",
];

/// How much of git's error output is kept for messages.
const MAX_STDERR_BYTES: u64 = 64 * 1024;

impl<'a> Git<'a> {
    /// Checks that `repo` is a git repository git will read, and runs
    /// every later command from the top of its work tree: git reads
    /// pathspecs relative to the folder it runs in, so from a folder
    /// inside the work tree the root CODEOWNERS was not found and the
    /// history of the touched files came out empty (a git audit: `--repo`
    /// may name any folder inside a work tree). A bare repository or a git
    /// directory has no such prefix.
    fn open(program: &'a Path, repo: &Path) -> Result<Self, ChangeError> {
        let git = Git { program, repo: repo.to_path_buf(), blobs: Default::default() };
        git.check_repository()?;
        let out = git.output("git rev-parse", &["rev-parse", "--show-cdup"])?;
        let cdup = String::from_utf8_lossy(&out);
        let cdup = cdup.trim_end_matches('\n');
        if cdup.is_empty() {
            return Ok(git);
        }
        // `--show-cdup` prints only `../` steps up to the top (no name to
        // decode); anything else is not git's answer.
        if !cdup.split('/').filter(|step| !step.is_empty()).all(|step| step == "..") {
            return Err(git_error(
                "git rev-parse",
                blastgate_graph::shorten(cdup),
                "expected `../` steps from `--show-cdup`",
                "run `git rev-parse --show-toplevel` in the folder to see where the work tree starts",
            ));
        }
        Ok(Git { program, repo: repo.join(cdup), blobs: Default::default() })
    }

    /// The repository of the submodule at `path` (from this one's root),
    /// if it is checked out there as a repository of its own and holds
    /// both `old` and `new`; `None` otherwise (not checked out: the folder
    /// is empty, or part of this repository; or a commit not fetched).
    fn submodule(&self, path: &str, old: Option<&str>, new: &str) -> Option<Git<'a>> {
        // A path of plain names only: a crafted tree could name `..`.
        if path.split('/').any(|step| matches!(step, "" | "." | "..")) {
            return None;
        }
        let sub = Git { program: self.program, repo: self.repo.join(path), blobs: Default::default() };
        // A folder, not a link to one (which could name another repository).
        if !std::fs::symlink_metadata(&sub.repo).is_ok_and(|m| m.is_dir()) {
            return None;
        }
        let top = sub.run("git rev-parse", &["rev-parse", "--show-cdup"]).ok()?.ok()?;
        if !top.trim_ascii().is_empty() {
            return None;
        }
        let has = |hash: &str| sub.resolve(hash).is_ok_and(|h| h == hash);
        (old.is_none_or(has) && has(new)).then_some(sub)
    }

    fn command<S: AsRef<OsStr>>(&self, args: &[S]) -> Command {
        let mut cmd = Command::new(self.program);
        cmd.arg("-C").arg(&self.repo);
        cmd.args(["--no-pager", "--literal-pathspecs", "-c", "core.quotepath=off", "-c", "core.fsmonitor=false"]);
        cmd.args(["-c", "log.showSignature=false"]);
        cmd.args(PINNED_CONFIG.iter().flat_map(|setting| ["-c", setting]));
        cmd.args(args);
        for var in CLEARED_VARIABLES {
            cmd.env_remove(var);
        }
        cmd.env("LC_ALL", "C").env("GIT_OPTIONAL_LOCKS", "0").env("GIT_TERMINAL_PROMPT", "0");
        // No system attributes file (`/etc/gitattributes`): it could hide
        // lines or name a merge driver.
        cmd.env("GIT_ATTR_NOSYSTEM", "1");
        // The commits as they are: no `refs/replace/*` object and no
        // `info/grafts` file stands in for one (a replace ref fetched with a
        // mirror made a junior's AI commit vanish from the range, a git
        // audit).
        cmd.env("GIT_NO_REPLACE_OBJECTS", "1").env("GIT_GRAFT_FILE", "/dev/null");
        // No fetching of objects a partial clone left out (git 2.44 and
        // later; older git is refused in a partial clone): it connects to
        // the promisor remote with the programs the configuration names
        // (`core.sshCommand`, a remote or credential helper). A missing
        // object is an error instead.
        cmd.env("GIT_NO_LAZY_FETCH", "1");
        cmd.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
        cmd
    }

    /// Runs git; `Ok(Err(_))` when git ran and failed.
    fn run<S: AsRef<OsStr>>(&self, what: &str, args: &[S]) -> Result<Result<Vec<u8>, Failure>, ChangeError> {
        self.run_with_input(what, args, None)
    }

    /// [`Git::run`], writing `input` to git's standard input (from a
    /// thread of its own, so that a full pipe each way cannot deadlock).
    fn run_with_input<S: AsRef<OsStr>>(
        &self,
        what: &str,
        args: &[S],
        input: Option<Vec<u8>>,
    ) -> Result<Result<Vec<u8>, Failure>, ChangeError> {
        let mut command = self.command(args);
        if input.is_some() {
            command.stdin(Stdio::piped());
        }
        let mut child = command.spawn().map_err(|e| self.spawn_error(&e))?;
        let writer = match (input, child.stdin.take()) {
            (Some(input), Some(mut pipe)) => Some(std::thread::spawn(move || {
                use std::io::Write as _;
                // git stops reading only when it fails, which its status
                // says: a broken pipe here is not the error to report.
                let _ = pipe.write_all(&input);
            })),
            _ => None,
        };
        let stderr = child.stderr.take();
        let errors = std::thread::spawn(move || {
            let mut kept = Vec::new();
            if let Some(mut pipe) = stderr {
                let _ = (&mut pipe).take(MAX_STDERR_BYTES).read_to_end(&mut kept);
                let _ = std::io::copy(&mut pipe, &mut std::io::sink());
            }
            kept
        });
        let mut stdout = Vec::new();
        let read = match child.stdout.take() {
            Some(pipe) => pipe.take(MAX_INPUT_BYTES + 1).read_to_end(&mut stdout).map(|_| ()),
            None => Ok(()),
        };
        let too_big = stdout.len() as u64 > MAX_INPUT_BYTES;
        if read.is_err() || too_big {
            let _ = child.kill();
        }
        let status = child.wait();
        if let Some(writer) = writer {
            let _ = writer.join();
        }
        let stderr = String::from_utf8_lossy(&errors.join().unwrap_or_default()).into_owned();
        if too_big {
            return Err(ChangeError::limit(what, "max_input_bytes", MAX_INPUT_BYTES, stdout.len() as u64));
        }
        let io = |e: std::io::Error| {
            ChangeError::Io(blastgate_graph::ErrorDetail::new(what, "", "", format!("cannot read git's output: {e}")))
        };
        read.map_err(io)?;
        if status.map_err(io)?.success() { Ok(Ok(stdout)) } else { Ok(Err(Failure { stderr })) }
    }

    /// Whether a file at `head` outside documentation, tests and examples
    /// names the script `path` (by its folder and name, `test/release.sh`:
    /// a Makefile, a pipeline or another script that runs it). git's
    /// failure other than finding nothing counts as named (fail closed).
    fn named_elsewhere(&self, path: &str, head: &str) -> Result<bool, ChangeError> {
        let mut parts = path.rsplit('/');
        let name = parts.next().unwrap_or(path);
        let needle = match parts.next() {
            Some(folder) => format!("{folder}/{name}"),
            None => name.to_owned(),
        };
        let args = ["grep", "-l", "-z", "-F", "-e", needle.as_str(), head, "--"];
        match self.run("git grep", &args)? {
            Ok(out) => Ok(out
                .split(|&b| b == 0)
                .filter_map(|entry| std::str::from_utf8(entry).ok())
                .map(|entry| entry.strip_prefix(head).and_then(|e| e.strip_prefix(':')).unwrap_or(entry))
                .any(|found| !found.is_empty() && found != path && !illustrative(found))),
            // (Nothing found: git says nothing but its hints.)
            Err(failure) => Ok(failure.stderr.lines().any(|l| !l.trim().is_empty() && !l.starts_with("hint:"))),
        }
    }

    /// Test files of source code that assert nothing, read whole after the
    /// change, are code (their `kind` stated so): red team 13 added two
    /// empty `func TestX(t *testing.T) {}` beside 8 functions of code, and
    /// the tests it "added" lowered `senior` to `owner`. A file whose text
    /// has any word of checking (`assert`, `expect`, `should`, `t.Error`,
    /// `t.Fatal`, `require.`, `verify`, `raises`, `panic`, a snapshot, ...)
    /// stays a test; fixtures and data under test folders are not read.
    fn vet_test_files(
        &self,
        files: &mut [FileChange],
        blobs: &BTreeMap<String, parse::BlobSides>,
        classifier: &blastgate_change::Classifier,
    ) -> Result<(), ChangeError> {
        const SOURCE: [&str; 18] = [
            ".go", ".py", ".js", ".jsx", ".ts", ".tsx", ".mjs", ".java", ".kt", ".rb", ".rs", ".cs", ".php", ".scala",
            ".swift", ".c", ".cc", ".cpp",
        ];
        let asked: Vec<(&str, &str)> = files
            .iter()
            .filter(|f| f.status != FileStatus::Deleted && f.added > 0 && f.kind.is_none())
            .filter(|f| {
                let lower = f.path.to_ascii_lowercase();
                SOURCE.iter().any(|e| lower.ends_with(e))
            })
            .filter(|f| classifier.classify(&f.path) == ChangeKind::Test)
            .filter_map(|f| blobs.get(&f.path).and_then(|(_, new)| new.as_deref()).map(|h| (f.path.as_str(), h)))
            .collect();
        if asked.is_empty() {
            return Ok(());
        }
        let texts = self.small_blobs(asked.into_iter())?;
        for f in files.iter_mut() {
            if texts.get(&f.path).is_some_and(|text| !parse::checks_anything(text)) {
                f.kind = Some(ChangeKind::Code);
            }
        }
        Ok(())
    }

    /// The repository of the `origin` remote (of the only remote, when
    /// there is no `origin`), as `HOST/PATH`
    /// (normalised as a changeset's `repository` is: no user or password, which a
    /// CI checkout's URL may carry); `None` when there is none, or its URL
    /// names no host (a local clone).
    fn repository(&self) -> Result<Option<String>, ChangeError> {
        let remote = match self.run("git remote", &["remote"])? {
            Ok(out) => {
                let names: Vec<String> = String::from_utf8_lossy(&out).lines().map(str::to_owned).collect();
                match names.iter().find(|n| *n == "origin") {
                    Some(origin) => origin.clone(),
                    None if names.len() == 1 => names.into_iter().next().unwrap_or_default(),
                    None => return Ok(None),
                }
            }
            Err(_) => return Ok(None),
        };
        if remote.is_empty() || remote.starts_with('-') {
            return Ok(None);
        }
        // (`get-url` applies `url.*.insteadOf`, as a fetch would.)
        let Ok(url) = self.run("git remote get-url", &["remote", "get-url", remote.as_str()])? else {
            return Ok(None);
        };
        let url = String::from_utf8_lossy(&url);
        let url = url.trim();
        // Git reads a URL without `://` or an scp-like `host:` before its
        // first `/` as a local path (`github.com/acme/shop` is a folder).
        let scp_like = url.find(':').is_some_and(|colon| url.find('/').is_none_or(|slash| colon < slash));
        if !url.contains("://") && !scp_like {
            return Ok(None);
        }
        // A repository the changeset's checks would refuse (too long) is
        // none: an origin has nothing to do with the change, and must not
        // stop the gate (a red-team finding: its error quoted the URL).
        Ok(blastgate_change::repository_key(url).filter(|key| key.len() <= blastgate_change::limits::MAX_STRING_BYTES))
    }

    /// Runs git and turns a failure into a [`ChangeError::Git`].
    fn output<S: AsRef<OsStr>>(&self, what: &str, args: &[S]) -> Result<Vec<u8>, ChangeError> {
        self.run(what, args)?.map_err(|f| failed(what, &f))
    }

    fn spawn_error(&self, e: &std::io::Error) -> ChangeError {
        let program = self.program.display().to_string();
        if e.kind() == std::io::ErrorKind::NotFound {
            git_error("", program, "git is not installed or not on PATH", "install git and put it on PATH")
        } else {
            git_error("", program, format!("cannot run git: {e}"), "check that the git program can be executed")
        }
    }

    fn check_repository(&self) -> Result<(), ChangeError> {
        let place = self.repo.display().to_string();
        if !self.repo.is_dir() {
            return Err(git_error(place, "", "no such directory", "pass the path of a git repository"));
        }
        let version = self.check_version()?;
        match self.run("git rev-parse", &["rev-parse", "--git-dir"])? {
            Ok(_) => self.check_no_lazy_fetch(version),
            Err(f) if f.stderr.contains("dubious ownership") => Err(git_error(
                place.clone(),
                "",
                format!("git refuses to read a repository owned by another user ({})", first_line(&f.stderr)),
                format!("if you trust it, run `git config --global --add safe.directory {place}`"),
            )),
            Err(f) => Err(git_error(
                place,
                "",
                format!("not a git repository ({})", first_line(&f.stderr)),
                "pass the path of a git work tree or bare repository",
            )),
        }
    }

    /// Refuses a git older than [`MIN_GIT`], which cannot keep the
    /// change's own `.gitattributes` out of the diff (`--attr-source`),
    /// with a message that says so rather than git's "unknown option".
    fn check_version(&self) -> Result<Option<(u32, u32)>, ChangeError> {
        let out = match self.run("git version", &["version"])? {
            Ok(out) => out,
            // Let the repository check report what is wrong with git.
            Err(_) => return Ok(None),
        };
        let text = String::from_utf8_lossy(&out);
        let found = text.trim();
        match git_version(found) {
            Some(v) if v < MIN_GIT => Err(git_error(
                "git version",
                found,
                format!(
                    "blastgate reads changes with git {}.{} or later (for `--attr-source`, so that no \
                     `.gitattributes` in the change can hide its lines)",
                    MIN_GIT.0, MIN_GIT.1
                ),
                "install a newer git, or write the changeset as a file (`--change`)",
            )),
            version => Ok(version),
        }
    }

    /// Refuses a partial clone (a promisor remote) when git is too old to
    /// be told not to fetch the objects it left out ([`NO_LAZY_FETCH_GIT`]):
    /// fetching runs programs the configuration names. An unknown version
    /// counts as too old.
    fn check_no_lazy_fetch(&self, version: Option<(u32, u32)>) -> Result<(), ChangeError> {
        if version.is_some_and(|v| v >= NO_LAZY_FETCH_GIT) {
            return Ok(());
        }
        let pattern = r"^remote\..*\.promisor$|^extensions\.partialclone$";
        if self.run("git config", &["config", "--get-regexp", pattern])?.is_err() {
            return Ok(());
        }
        let found = version.map_or_else(|| "unknown".to_owned(), |(major, minor)| format!("{major}.{minor}"));
        Err(git_error(
            "git version",
            found,
            format!(
                "the repository is a partial clone, and git before {}.{} cannot be told not to fetch the objects \
                 it left out (fetching runs programs the repository's configuration names)",
                NO_LAZY_FETCH_GIT.0, NO_LAZY_FETCH_GIT.1
            ),
            "install a newer git, read the range in a full clone (without `--filter`), or give the changeset \
             as a file (`--change`)",
        ))
    }

    /// The full hash of the commit `rev` names.
    fn resolve(&self, rev: &str) -> Result<String, ChangeError> {
        let spec = format!("{rev}^{{commit}}");
        let unknown = || {
            git_error(
                "range",
                rev,
                "unknown revision or not a commit",
                format!(
                    "check the name with `git rev-parse {rev}`; in a shallow clone (CI), fetch the full history \
                     first (`git fetch --unshallow origin`, or check out with `fetch-depth: 0` in GitHub Actions, \
                     `GIT_DEPTH: 0` in GitLab): a range needs its merge base and its history"
                ),
            )
        };
        let out = self.run("git rev-parse", &["rev-parse", "--verify", "--quiet", &spec])?.map_err(|_| unknown())?;
        let hash = String::from_utf8_lossy(&out).trim().to_owned();
        if matches!(hash.len(), 40 | 64) && hash.bytes().all(|b| b.is_ascii_hexdigit()) {
            Ok(hash)
        } else {
            Err(unknown())
        }
    }

    fn merge_base(&self, rev: &str, left: &str, head: &str) -> Result<String, ChangeError> {
        let none = || {
            git_error(
                "range",
                rev,
                "the two revisions have no common ancestor",
                "use `BASE..HEAD` to compare them directly",
            )
        };
        let Ok(out) = self.run("git merge-base", &["merge-base", left, head])? else {
            // In a shallow clone the merge base may only be unfetched: say
            // so, rather than suggest a range that means something else
            // (a git audit).
            if self.is_shallow()? {
                return Err(git_error(
                    "range",
                    rev,
                    "the repository is a shallow clone and the two revisions have no common ancestor among the \
                     fetched commits: their merge base was probably not fetched",
                    "fetch more history with `git fetch --deepen=100` (repeat as needed) or all of it with \
                     `git fetch --unshallow` (in GitHub Actions, `actions/checkout` with `fetch-depth: 0`)",
                ));
            }
            return Err(none());
        };
        let hash = String::from_utf8_lossy(&out).trim().to_owned();
        if matches!(hash.len(), 40 | 64) && hash.bytes().all(|b| b.is_ascii_hexdigit()) {
            Ok(hash)
        } else {
            Err(none())
        }
    }

    /// The changed files. No attribute from the work tree or from the
    /// commits applies (`--attr-source` names the empty tree), so the
    /// change's author cannot hide lines with `-diff` or `binary`, and a
    /// bare clone reads the same as a checkout. The counting runs give every
    /// path the `diff` attribute, which makes git count the lines of binary
    /// files too; a third run without attributes finds the files git's own
    /// content test calls binary.
    /// The changed files, and the schema migrations among them whose added
    /// lines destroy data for good (see `parse::destructive_migrations`).
    /// And the submodules among them (gitlinks at the head), in path order.
    fn files(&self, base: &str, head: &str) -> Result<ChangedFiles, ChangeError> {
        let attr_source = format!("--attr-source={}", empty_tree(head));
        let text = attributes_file(TEXT_ATTRIBUTES)?;
        let mut text_config = OsString::from("core.attributesFile=");
        text_config.push(text.path());
        let diff = |config: &OsStr, formats: &[&str]| {
            let mut args: Vec<&OsStr> = vec![attr_source.as_ref(), "-c".as_ref(), config, "diff-tree".as_ref()];
            args.extend(formats.iter().map(OsStr::new));
            args.extend(DIFF_OPTIONS.iter().map(OsStr::new));
            args.extend([base, head, "--"].map(OsStr::new));
            self.output("git diff-tree", &args)
        };
        // The records, statuses and counts of one run: each run detects
        // renames again, which is most of a large range's time.
        let listed = diff(&text_config, &["--raw", "--numstat"])?;
        let parse::RawAndNumstat { raw, statuses, numstat } = parse::split_raw_numstat_z(&listed)?;
        let numstat = parse::parse_numstat_z(numstat)?;
        let statuses = parse::parse_name_status_z(&statuses)?;
        let detected = parse::parse_numstat_z(&diff("core.attributesFile=".as_ref(), &["--numstat"])?)?;
        let mut files = parse::merge_name_status(numstat, statuses)?;
        parse::mark_binary(&mut files, &detected);
        // The paths the change reaches through symbolic links: changed
        // files of their own, whose content is read at the link's path too
        // (below: the patch and the blobs repeated under it).
        let mut link_notes = Vec::new();
        let through = add_paths_through_links(self, [base, head], &mut files, &mut link_notes)?;
        // Lines git does not count: a bare `\r` breaks a line for Python,
        // JavaScript and YAML, not for git (2,000 lines written so were one
        // line to git: a gaming audit). Read from the patch with the same
        // attributes as the counts (every file as text: one NUL byte must
        // not make code binary and uncounted), by path.
        let patch = {
            let mut args: Vec<&OsStr> = vec![attr_source.as_ref(), "-c".as_ref(), text_config.as_ref()];
            args.extend(["diff-tree", "-p", "-U0", "--text"].map(OsStr::new));
            args.extend(DIFF_OPTIONS.iter().map(OsStr::new));
            args.extend([base, head, "--"].map(OsStr::new));
            parse::alias_patch(&self.output("git diff-tree", &args)?, &through)
        };
        let hidden = parse::hidden_line_breaks(&patch);
        let migration_classifier = blastgate_change::Classifier::default();
        let mut destructive = parse::destructive_migrations(&patch, |path| {
            migration_classifier.classify(path) == ChangeKind::SchemaMigration
        });
        // A table or column taken out of a declarative schema (Atlas,
        // sqldef, Prisma's `db push`): the tool drops it (red team 11).
        destructive.extend(parse::declarative_schema_drops(&patch, |path| {
            parse::is_declarative_schema(path) && migration_classifier.classify(path) != ChangeKind::SchemaMigration
        }));
        destructive.sort_unstable();
        destructive.dedup();
        for f in &mut files {
            if let Some(&(added, removed)) = hidden.get(&f.path) {
                f.added = f.added.saturating_add(added);
                f.deleted = f.deleted.saturating_add(removed);
            }
        }
        // A submodule's pointer is one line to git, whatever code it brings
        // in: it counts as a dependency update.
        let moves = parse::parse_gitlink_moves_z(raw)?;
        let links: std::collections::BTreeSet<String> =
            moves.iter().filter(|m| m.new.is_some()).map(|m| m.path.clone()).collect();
        for f in files.iter_mut().filter(|f| f.kind.is_none() && links.contains(&f.path)) {
            f.kind = Some(ChangeKind::Dependency);
        }
        // A file moved from documentation or tests into code adds no lines
        // by git's count (`R100`), though none of it was ever reviewed as
        // code: stage 2,000 lines as `docs/engine.md`, then move them to
        // `pricing/src/engine.go`. Such a move counts its whole content as
        // added, as git counts it without rename detection.
        // Any move of code also records the moved content's lines
        // (`moved_lines`): resolution counts them as added when the move
        // takes the code to another graph node, which only the graph knows.
        let classifier = blastgate_change::Classifier::default();
        let inert = |path: &str| !classifier.classify(path).deploys();
        let laundered = |f: &FileChange| {
            f.status == FileStatus::Renamed && f.old_path.as_deref().is_some_and(inert) && !inert(&f.path)
        };
        let moved_code = |f: &FileChange| f.status == FileStatus::Renamed && !inert(&f.path);
        if files.iter().any(moved_code) {
            let mut args: Vec<&OsStr> =
                vec![attr_source.as_ref(), "-c".as_ref(), text_config.as_ref(), "diff-tree".as_ref()];
            args.push("--numstat".as_ref());
            args.extend(DIFF_OPTIONS.iter().map(OsStr::new));
            args.extend(["--no-renames", base, head, "--"].map(OsStr::new));
            let whole: std::collections::BTreeMap<String, u64> =
                parse::parse_numstat_z(&self.output("git diff-tree", &args)?)?
                    .into_iter()
                    .filter(|w| w.old_path.is_none())
                    .map(|w| (w.path, w.added))
                    .collect();
            for f in files.iter_mut().filter(|f| moved_code(f)) {
                if let Some(&added) = whole.get(&f.path) {
                    f.moved_lines = Some(added);
                    if laundered(f) {
                        f.added = f.added.max(added);
                    }
                }
            }
        }
        // An infrastructure file emptied in place (blank, or comments
        // only: truncated, reduced to a comment, wrapped in `/* */`)
        // destroys what it declared, as `git rm` would (a destruction
        // audit: `owner` where the delete blocked). Only modified
        // infrastructure files are read: their content after the change,
        // and before it for those that declare nothing now; at most
        // `MAX_EMPTIED_TEXT` bytes a file (a larger one declares
        // something) and `MAX_EMPTIED_READ` in all.
        // Manifests outside the folders the path rules know
        // (`deployments/ledger.yaml`) are infrastructure by what they say.
        // Every file's blobs before and after, parsed once for the readings
        // below.
        let mut blobs = parse::parse_blobs_z(raw)?;
        for (path, via) in &through {
            if let Some(sides) = blobs.get(via).cloned() {
                blobs.entry(path.clone()).or_insert(sides);
            }
        }
        self.vet_test_files(&mut files, &blobs, &classifier)?;
        let mut manifests = self.find_manifests(&mut files, &blobs, &classifier)?;
        manifests.extend(self.find_stack_programs(&mut files, &classifier, (base, head))?);
        let candidates: Vec<&str> = files
            .iter()
            .filter(|f| f.status == FileStatus::Modified && !f.binary)
            .filter(|f| classifier.classify(&f.path) == ChangeKind::Infrastructure || manifests.contains(&f.path))
            .map(|f| f.path.as_str())
            .collect();
        if !candidates.is_empty() {
            // Regular files on both sides (a type change is not an edit).
            let sides = |p: &str| blobs.get(p).and_then(|(old, new)| old.as_deref().zip(new.as_deref()));
            let after = self.small_blobs(candidates.iter().filter_map(|p| sides(p).map(|(_, new)| (*p, new))))?;
            let blank: Vec<&str> =
                after.iter().filter(|(_, text)| parse::declares_nothing(text)).map(|(p, _)| p.as_str()).collect();
            let before = self.small_blobs(blank.iter().filter_map(|p| sides(p).map(|(old, _)| (*p, old))))?;
            // A file too large to read before declared something.
            let declared = |path: &str| before.get(path).is_none_or(|text| !parse::declares_nothing(text));
            let emptied: std::collections::BTreeSet<&str> = blank.into_iter().filter(|p| declared(p)).collect();
            for f in files.iter_mut().filter(|f| emptied.contains(f.path.as_str())) {
                f.emptied = true;
            }
        }
        self.read_declarations(&mut files, &blobs, &classifier, &manifests, &patch, head)?;
        let deploys = |p: &str| classifier.classify(p) == ChangeKind::Infrastructure || manifests.contains(p);
        self.read_deploy_lists(&mut files, &blobs, (base, head), &deploys)?;
        self.read_helm_values(&mut files, &blobs, &classifier, &deploys)?;
        self.read_terraform_switches(&mut files, &blobs, head)?;
        self.read_local_modules(&mut files, (base, head))?;
        // Guards against deletion turned off (`FileChange::unguards`); a
        // deleted file's are gone with what it declared, which counts as
        // destroyed already.
        let infrastructure = |p: &str| {
            (classifier.classify(p) == ChangeKind::Infrastructure || manifests.contains(p))
                && !blastgate_change::classify::is_ci_definition(p)
        };
        let mut guards = parse::removed_guards(&patch, infrastructure);
        for f in files.iter_mut() {
            if let Some(found) = guards.remove(&f.path).filter(|_| f.status != FileStatus::Deleted) {
                f.unguards = found.into_iter().take(blastgate_change::limits::MAX_DECLARED_TYPES).collect();
            }
        }
        // Destructive commands added to pipelines and scripts (`terraform
        // destroy`, `kubectl delete pvc`, `helm uninstall`): the next run
        // destroys what they name, though no infrastructure file changed
        // (how an agent that decides to recreate an environment does it).
        // (Also the places where commands run at deploy or boot time that
        // only their text tells: a `#cloud-config`, an ECS task
        // definition's `containerDefinitions`; by the patch, or else, since
        // it shows no context, by the changed file's text at the change's
        // end: an item added to a config's `runcmd:` passed unread.)
        let mut places = parse::deploy_places(&patch);
        let unknown: Vec<(&str, &str)> = files
            .iter()
            .filter(|f| f.status != FileStatus::Deleted && !f.binary && !places.contains(&f.path))
            .filter(|f| !illustrative(&f.path) && !parse::is_pipeline(&f.path) && !parse::is_script(&f.path))
            .filter_map(|f| blobs.get(&f.path).and_then(|(_, new)| new.as_deref()).map(|h| (f.path.as_str(), h)))
            .filter(|(p, _)| {
                let lower = p.to_ascii_lowercase();
                [".json", ".yml", ".yaml"].iter().any(|e| lower.ends_with(e))
            })
            .collect();
        if !unknown.is_empty() {
            for (path, text) in self.small_blobs(unknown.into_iter())? {
                if parse::holds_deploy_place(&path, &text) {
                    places.insert(path);
                }
            }
        }
        let scripts = |p: &str| {
            !illustrative(p)
                && (parse::is_pipeline(p)
                    || parse::is_script(p)
                    || parse::program_language(p).is_some()
                    || places.contains(p))
        };
        let mut commands = parse::destructive_commands(&patch, scripts);
        // A script or CI definition moved from where it was not read (a
        // `.disabled` or `.bak` name, documentation, examples, a folder no
        // CI reads) adds no lines by git's count, yet what it runs now
        // runs: its whole content is read, as a migration moved in is (a
        // red team: `.github/workflows/nuke.yml.disabled` renamed to
        // `nuke.yml`, `docs/runbook/reset.sh` moved to `orders/scripts/`,
        // each `senior` or `owner` with `dropdb` inside). One too large to
        // read is left to its added lines.
        // (A name that parks a file where its tool does not run it: a
        // workflow `nuke.yml.disabled` in `.github/workflows/`.)
        let parked = |p: &str| {
            let last = p.rsplit('/').next().unwrap_or(p);
            last.rsplit_once('.').is_some_and(|(_, ext)| {
                matches!(
                    ext.to_ascii_lowercase().as_str(),
                    "disabled" | "disable" | "bak" | "backup" | "off" | "old" | "orig" | "sample" | "example" | "skip"
                )
            })
        };
        let moved_in: std::collections::BTreeSet<String> = files
            .iter()
            .filter(|f| f.status == FileStatus::Renamed && scripts(&f.path))
            .filter(|f| f.old_path.as_deref().is_some_and(|old| !scripts(old) || parked(old)))
            .map(|f| f.path.clone())
            .collect();
        if !moved_in.is_empty() {
            let new = |p: &str| blobs.get(p).and_then(|(_, new)| new.as_deref());
            let texts = self.small_blobs(moved_in.iter().filter_map(|p| new(p).map(|h| (p.as_str(), h))))?;
            for (path, text) in &texts {
                let added: String = String::from_utf8_lossy(text).lines().map(|l| format!("+{l}\n")).collect();
                let lines = added.lines().count();
                let whole = format!(
                    "diff --git a/{path} b/{path}\n--- /dev/null\n+++ b/{path}\n@@ -0,0 +1,{lines} @@\n{added}"
                );
                for (p, kinds) in parse::destructive_commands(whole.as_bytes(), |_| true) {
                    commands.entry(p).or_default().extend(kinds);
                }
            }
        }
        // A script kept under documentation, tests or examples is an
        // illustration, unless a file elsewhere runs it (red team 13: an
        // unchanged Makefile's `deploy:` ran `./test/release.sh`, and a
        // Redis flushed there shipped with no review).
        // (The patch read again only when the change touches such a
        // script.)
        let illustration = |p: &str| illustrative(p) && (parse::is_script(p) || parse::program_language(p).is_some());
        let illustrated: BTreeMap<String, Vec<String>> = if files.iter().any(|f| illustration(&f.path)) {
            parse::destructive_commands(&patch, illustration)
                .into_iter()
                .filter(|(_, kinds)| !kinds.is_empty())
                .collect()
        } else {
            BTreeMap::new()
        };
        for (path, kinds) in illustrated {
            if self.named_elsewhere(&path, head)? {
                // (Run from elsewhere, it is code of its folder's service,
                // not a test: the change touches what the script runs
                // against, as the same script kept beside it would.)
                if let Some(f) = files.iter_mut().find(|f| f.path == path) {
                    f.kind = Some(ChangeKind::Code);
                }
                commands.entry(path).or_default().extend(kinds);
            }
        }
        // A script of another language is read whole at both ends: a word
        // edited inside a call written over several lines, or a literal a
        // call reads from a line the change did not touch, is only seen so
        // (a red team), and a string or comment is known from where it
        // opens. A side too large to read leaves the added lines' reading.
        // So is a place where commands run at deploy or boot time (a
        // Compose file, a systemd unit, a cloud-init config, an ECS task
        // definition): an item edited in a list whose key the patch shows
        // only as context is seen so (a red team's).
        let programs: Vec<&str> = files
            .iter()
            .map(|f| f.path.as_str())
            .filter(|p| !illustrative(p) && (parse::program_language(p).is_some() || places.contains(*p)))
            .collect();
        if !programs.is_empty() {
            let (before, after) = self.both_sides(&programs, &blobs)?;
            for path in programs {
                let side = |texts: &BTreeMap<String, Vec<u8>>, old: bool| -> Option<Vec<u8>> {
                    // (A program moved in from where it was not read ran
                    // nothing before.)
                    if old && moved_in.contains(path) {
                        return Some(Vec::new());
                    }
                    let present = blobs.get(path).and_then(|(b, a)| if old { b.as_ref() } else { a.as_ref() });
                    match present {
                        None => Some(Vec::new()),
                        Some(_) => texts.get(path).cloned(),
                    }
                };
                let (Some(old), Some(new)) = (side(&before, true), side(&after, false)) else { continue };
                // (A place is read as a program is: `place_change_destroys`
                // is this same reading.)
                match parse::program_change_destroys(path, &old, &new) {
                    Some(kinds) if kinds.is_empty() => {
                        commands.remove(path);
                    }
                    Some(kinds) => {
                        commands.insert(path.to_owned(), kinds);
                    }
                    None => {}
                }
            }
        }
        // In a CI definition, a command in a job for a short-lived
        // environment (named by the job, its condition or its
        // environment, not on the command's line) destroys nothing
        // lasting: only what the file's other jobs destroy counts (a red
        // team: a pull request's teardown job blocked).
        let pipelines: Vec<&str> = commands.keys().map(String::as_str).filter(|p| parse::is_pipeline(p)).collect();
        let after = self.small_blobs(
            pipelines.iter().filter_map(|p| blobs.get(*p).and_then(|(_, new)| new.as_deref()).map(|h| (*p, h))),
        )?;
        for (path, text) in &after {
            if let (Some(found), Some(lasting)) = (commands.get_mut(path), parse::pipeline_destroys(text)) {
                // (A task call on the line is placed by its step's working
                // folder in the whole file's reading: the same call there.)
                let placed = |t: &String| -> Vec<String> {
                    let Some(call) = parse::TaskCall::from_kind(t) else { return Vec::new() };
                    let relative = call.file.trim_start_matches("./");
                    let same = |l: &&String| {
                        parse::TaskCall::from_kind(l).is_some_and(|c| {
                            c.runner == call.runner && c.target == call.target && c.file.ends_with(relative)
                        })
                    };
                    lasting.iter().filter(same).cloned().collect()
                };
                let kept: Vec<String> =
                    found.iter().flat_map(|t| if lasting.contains(t) { vec![t.clone()] } else { placed(t) }).collect();
                *found = kept;
            }
        }
        // Steps that run a destroying action or task (`uses:
        // dflook/terraform-destroy`, `pulumi/actions` with `command:
        // destroy`, a GitLab job extending `.terraform:destroy`): a type
        // counted more often after the change than before. Words on one
        // line cannot tell these (`command: up` made `command: destroy`),
        // so each changed CI definition, and each file of Ansible tasks
        // (`state: present` made `state: absent`), is read whole at both
        // ends (a deleted one before it), netted over all of them; one
        // too large to read after counts by its path (fail closed).
        // (YAML whose changed lines look like Ansible's, a playbook kept
        // elsewhere, `teardown.yml`, is read as one too; past the reading's
        // bounds it counts nothing, since it may be no playbook.)
        let sniffed = parse::ansible_like_in_patch(&patch);
        // Kubernetes manifests (a Job, a CronJob, a Helm hook, a
        // workload's init containers): their containers' commands run
        // when they are applied, read as a pipeline's container steps are
        // (red team 11: a pre-upgrade hook's `psql -c "DROP DATABASE
        // orders"` counted nothing).
        let workload = |p: &str| {
            let lower = p.to_ascii_lowercase();
            (lower.ends_with(".yaml") || lower.ends_with(".yml"))
                && deploys(p)
                && !blastgate_change::classify::is_ci_definition(p)
        };
        let definitions: Vec<(&str, bool)> = files
            .iter()
            .map(|f| (f.path.as_str(), f.status == FileStatus::Deleted))
            .filter(|(p, _)| {
                !illustrative(p)
                    && (parse::is_pipeline(p) || parse::is_ansible(p) || sniffed.contains(*p) || workload(p))
            })
            .collect();
        let paths: Vec<&str> = definitions.iter().map(|(p, _)| *p).collect();
        let (before, after) = self.both_sides(&paths, &blobs)?;
        // An Ansible role's variables (`defaults/`, `vars/`) at each end,
        // for the roles whose tasks or variables the change touches: a
        // task's `state: "{{ db_state }}"` is read with them, and a
        // variable changed (`db_state: present` made `absent`) counts what
        // the role's tasks then destroy more (a red team's).
        let roles = self.role_variables(&files, &definitions, base, head)?;
        let role_vars = |p: &str, old: bool| -> Vec<&[u8]> {
            match parse::role_of(p) {
                Some((role, "tasks" | "handlers")) => roles.variables(role, old),
                _ => Vec::new(),
            }
        };
        type Steps = Option<BTreeMap<String, usize>>;
        let read: Vec<(&str, bool, Steps, Steps)> = definitions
            .iter()
            .map(|&(p, deleted)| {
                // (Ansible's tasks are read as steps are: what each
                // destroys, counted at both ends. A file both readers
                // claim, `tekton/tasks/drop.yaml` or `ansible/workflows/
                // teardown.yml`, is read by both, each type counted as
                // often as the one that counts it more; unreadable by
                // either, it is unreadable.)
                let pipeline = parse::is_pipeline(p);
                let ansible = parse::is_ansible(p) || sniffed.contains(p);
                // (A manifest: its containers' steps, when it holds
                // Kubernetes objects.)
                let manifest = workload(p);
                let read = |t: &Vec<u8>, old: bool| -> Steps {
                    let steps = if pipeline || (manifest && parse::declares_kubernetes_objects(t)) {
                        Some(parse::pipeline_steps_destroy(t)?)
                    } else {
                        None
                    };
                    let tasks =
                        if ansible { Some(parse::ansible_tasks_destroy_with(t, &role_vars(p, old))?) } else { None };
                    let mut both = steps.unwrap_or_default();
                    for (kind, n) in tasks.unwrap_or_default() {
                        let count = both.entry(kind).or_insert(0);
                        *count = (*count).max(n);
                    }
                    Some(both)
                };
                let steps = |side: &BTreeMap<String, Vec<u8>>, old: bool| side.get(p).and_then(|t| read(t, old));
                (p, deleted, steps(&before, true), steps(&after, false))
            })
            .collect();
        // Over all the changed definitions, how many more steps destroy
        // each type after than before: a step moved from one file to
        // another (a deleted one too) destroys nothing new.
        let mut grown: BTreeMap<&str, i64> = BTreeMap::new();
        for (_, _, then, now) in &read {
            for (t, n) in then.iter().flatten() {
                let g = grown.entry(t.as_str()).or_insert(0);
                *g = g.saturating_sub(i64::try_from(*n).unwrap_or(i64::MAX));
            }
            for (t, n) in now.iter().flatten() {
                let g = grown.entry(t.as_str()).or_insert(0);
                *g = g.saturating_add(i64::try_from(*n).unwrap_or(i64::MAX));
            }
        }
        for (path, deleted, then, now) in &read {
            if *deleted {
                continue;
            }
            let found: Vec<String> = match now {
                Some(now) => now
                    .iter()
                    .filter(|(t, n)| then.as_ref().and_then(|w| w.get(*t)).is_none_or(|was| *n > was))
                    .filter(|(t, _)| grown.get(t.as_str()).is_some_and(|g| *g > 0))
                    .map(|(t, _)| t.clone())
                    .collect(),
                None if blobs.get(*path).is_some_and(|(_, new)| new.is_some())
                    && (parse::is_pipeline(path) || parse::is_ansible(path)) =>
                {
                    vec![(*path).to_owned()]
                }
                None => Vec::new(),
            };
            if !found.is_empty() {
                commands.entry((*path).to_owned()).or_default().extend(found);
            }
        }
        // A role's variables file changed: what the role's tasks (as they
        // are after the change) destroy more with its variables after than
        // before counts in that file. A task file that cannot be read
        // counts nothing here; its own change is read above.
        for (path, role) in &roles.changed {
            let mut then: BTreeMap<String, usize> = BTreeMap::new();
            let mut now: BTreeMap<String, usize> = BTreeMap::new();
            for tasks in roles.tasks(role) {
                for (side, old) in [(&mut then, true), (&mut now, false)] {
                    for (kind, n) in
                        parse::ansible_tasks_destroy_with(tasks, &roles.variables(role, old)).unwrap_or_default()
                    {
                        *side.entry(kind).or_insert(0) += n;
                    }
                }
            }
            let grown: Vec<String> =
                now.into_iter().filter(|(kind, n)| then.get(kind).is_none_or(|was| n > was)).map(|(k, _)| k).collect();
            if !grown.is_empty() {
                commands.entry(path.clone()).or_default().extend(grown);
            }
        }
        // A task file's tasks made to run more (`deploy: build` made
        // `deploy: destroy build`): the kinds more of its tasks run after
        // the change than before, each task read whole at both ends (its
        // added lines are read above). One too large to read after counts
        // by its path (fail closed).
        let runner_of = |p: &str| {
            let name = p.rsplit('/').next().unwrap_or(p);
            [parse::TaskRunner::Make, parse::TaskRunner::Just, parse::TaskRunner::Task]
                .into_iter()
                .find(|r| r.file_names().contains(&name))
        };
        let task_files: Vec<&str> = files
            .iter()
            .filter(|f| f.status == FileStatus::Modified && !f.binary && !illustrative(&f.path))
            .map(|f| f.path.as_str())
            .filter(|p| runner_of(p).is_some())
            .collect();
        let (before, after) = self.both_sides(&task_files, &blobs)?;
        for path in task_files {
            let Some(runner) = runner_of(path) else { continue };
            let counts =
                |side: &BTreeMap<String, Vec<u8>>| side.get(path).and_then(|t| parse::task_reach_counts(runner, t));
            let grown: Vec<String> = match (counts(&before), counts(&after)) {
                (then, Some(now)) => now
                    .into_iter()
                    .filter(|(kind, n)| then.as_ref().and_then(|t| t.get(kind)).is_none_or(|was| n > was))
                    .map(|(kind, _)| kind)
                    .collect(),
                (_, None) => vec![path.to_owned()],
            };
            if !grown.is_empty() {
                commands.entry(path.to_owned()).or_default().extend(grown);
            }
        }
        // Commands a Terraform configuration runs itself (a `local-exec`
        // or `remote-exec` provisioner's, an `external` data source's
        // program): `terraform apply` runs them as a pipeline would (an
        // agent's `null_resource` running `aws rds delete-db-instance`).
        // Each changed `.tf` file is read whole at both ends, a kind
        // counting in a file that names it more often after than before,
        // when the changed files of its folder do too (a provisioner
        // moved between files runs nothing new); a side too large to read
        // names nothing.
        let configurations: Vec<&str> = files
            .iter()
            .filter(|f| !f.binary && !illustrative(&f.path) && terraform_hcl(&f.path))
            .filter(|f| matches!(f.status, FileStatus::Added | FileStatus::Modified | FileStatus::Renamed))
            .map(|f| f.path.as_str())
            .collect();
        if !configurations.is_empty() {
            let (before, after) = self.both_sides(&configurations, &blobs)?;
            let folder = |p: &str| p.rsplit_once('/').map_or(String::new(), |(d, _)| d.to_owned());
            let read = |side: &BTreeMap<String, Vec<u8>>, p: &str| {
                side.get(p).map(|t| parse::terraform_commands_destroy(t)).unwrap_or_default()
            };
            type Kinds = BTreeMap<String, usize>;
            let mut totals: BTreeMap<String, (Kinds, Kinds)> = BTreeMap::new();
            let mut each: Vec<(&str, Kinds, Kinds)> = Vec::new();
            for path in configurations {
                let (then, now) = (read(&before, path), read(&after, path));
                let total = totals.entry(folder(path)).or_default();
                for (side, kinds) in [(&mut total.0, &then), (&mut total.1, &now)] {
                    for (kind, n) in kinds {
                        *side.entry(kind.clone()).or_insert(0) += n;
                    }
                }
                each.push((path, then, now));
            }
            let grew = |then: &Kinds, kind: &str, n: usize| then.get(kind).is_none_or(|was| n > *was);
            for (path, then, now) in each {
                let total = totals.get(&folder(path));
                let grown: Vec<String> = now
                    .into_iter()
                    .filter(|(kind, n)| grew(&then, kind, *n))
                    .filter(|(kind, _)| total.is_some_and(|(t, n)| n.get(kind).is_some_and(|now| grew(t, kind, *now))))
                    .map(|(kind, _)| kind)
                    .collect();
                if !grown.is_empty() {
                    commands.entry(path.to_owned()).or_default().extend(grown);
                }
            }
        }
        // Tasks called by name (`make destroy`, `npm run teardown`): what
        // their recipes run.
        self.resolve_task_calls(&mut commands, head)?;
        for f in files.iter_mut() {
            if let Some(found) = commands.remove(&f.path) {
                // (A command that turns a guard against deletion off,
                // `aws rds modify-db-instance --no-deletion-protection`,
                // destroys nothing yet: it is stated as a guard's line
                // taken out of an infrastructure file is.)
                let (unguards, types): (Vec<String>, Vec<String>) =
                    found.into_iter().partition(|k| k.starts_with(parse::UNGUARD));
                // (A Helm switch a command line turns off: what it held,
                // read from its path as a values file's is.)
                let types = types
                    .into_iter()
                    .filter_map(|t| match t.strip_prefix(parse::HELM_SET_OFF) {
                        Some(path) => switched_off_holds(path),
                        None => Some(t),
                    })
                    .collect();
                add_types(&mut f.removes, types);
                if !unguards.is_empty() {
                    let mut all = std::mem::take(&mut f.unguards);
                    all.extend(unguards.iter().filter_map(|g| g.strip_prefix(parse::UNGUARD)).map(clip_type));
                    all.sort_unstable();
                    all.dedup();
                    all.truncate(blastgate_change::limits::MAX_DECLARED_TYPES);
                    f.unguards = all;
                }
            }
        }
        // A file moved into the migrations from elsewhere (not one moved
        // between migration folders, which was read when it came in) adds
        // few lines or none by git's count (`git mv scratch/drop.sql db/migrations/0005.sql`), yet the
        // tool runs all of it: its whole content is read (a destruction
        // audit: a `DROP TABLE` staged elsewhere, then moved, was not
        // found). One too large to read counts as destroying data.
        let moved_in: Vec<&str> = files
            .iter()
            .filter(|f| f.status == FileStatus::Renamed)
            .filter(|f| migration_classifier.classify(&f.path) == ChangeKind::SchemaMigration)
            // (A down migration, or a Sqitch revert script, moved to a
            // name that runs forward is read whole too: an audit's `git mv
            // 2_x.down.sql 2_x.sql` was never read.)
            .filter(|f| {
                f.old_path.as_deref().is_none_or(|old| {
                    migration_classifier.classify(old) != ChangeKind::SchemaMigration || parse::is_down_migration(old)
                })
            })
            .map(|f| f.path.as_str())
            .collect();
        if !moved_in.is_empty() {
            let new = |p: &str| blobs.get(p).and_then(|(_, new)| new.as_deref());
            let texts = self.small_blobs(moved_in.iter().filter_map(|p| new(p).map(|h| (*p, h))))?;
            for path in moved_in {
                let read = texts.get(path);
                if read.is_none_or(|text| parse::migration_destroys(path, text)) {
                    destructive.push(path.to_owned());
                }
            }
            destructive.sort_unstable();
            destructive.dedup();
        }
        Ok(ChangedFiles {
            files,
            notes: link_notes,
            destructive_migrations: destructive,
            submodules: links.into_iter().collect(),
            moves,
        })
    }

    /// The changed files that the path rules call configuration (YAML or
    /// JSON) but whose content, before or after the change, is an
    /// infrastructure manifest (`parse::is_manifest`: a Kubernetes object,
    /// a CloudFormation template), by path and old path; each is stated
    /// `kind: infrastructure` (a stated kind counts when it is riskier than
    /// the path's). A classification audit deleted a StatefulSet's
    /// manifest kept in `deployments/` (Argo CD's and Flux's folders,
    /// `overlays/`, `base/` are named freely) and got `owner`, where the
    /// same file under `k8s/` blocked.
    fn find_manifests(
        &self,
        files: &mut [FileChange],
        blobs: &BTreeMap<String, parse::BlobSides>,
        classifier: &blastgate_change::Classifier,
    ) -> Result<std::collections::BTreeSet<String>, ChangeError> {
        // Not examples, fixtures or documentation (an audit: a deleted
        // `docs/examples/postgres.yaml` blocked as a live datastore).
        let data = |p: &str| {
            let name = p.rsplit('/').next().unwrap_or(p).to_ascii_lowercase();
            !illustrative(p)
                && classifier.classify(p) == ChangeKind::Config
                && (name.ends_with(".yaml") || name.ends_with(".yml") || name.ends_with(".json"))
        };
        let wanted = |f: &FileChange| {
            !f.binary && f.kind.is_none() && (data(&f.path) || f.old_path.as_deref().is_some_and(data))
        };
        if !files.iter().any(wanted) {
            return Ok(std::collections::BTreeSet::new());
        }
        let paths: Vec<&str> = files.iter().filter(|f| wanted(f)).map(|f| f.path.as_str()).collect();
        let (before, after) = self.both_sides(&paths, blobs)?;
        let mut manifests = std::collections::BTreeSet::new();
        for f in files.iter_mut() {
            let said = |texts: &BTreeMap<String, Vec<u8>>| texts.get(&f.path).is_some_and(|t| parse::is_manifest(t));
            if !wanted(f) || !(said(&before) || said(&after)) {
                continue;
            }
            f.kind = Some(ChangeKind::Infrastructure);
            manifests.insert(f.path.clone());
            manifests.extend(f.old_path.clone());
        }
        Ok(manifests)
    }

    /// The changed source files of infrastructure programs found by their
    /// projects' own marker files, made `Infrastructure` (as stated kinds)
    /// and returned with their old paths: a folder holding `cdk.json`
    /// (the AWS CDK), `cdktf.json` (CDK for Terraform), `Pulumi.yaml` or
    /// `Pulumi.yml`, at either end of the change, is a stack program, and
    /// so are its program's source files below it (in the folders that
    /// hold stacks, `STACK_FOLDERS`, named for a stack, or an entry point
    /// in the project folder; tests, examples and documentation aside;
    /// the application's own code beside it stays code) (red team 29:
    /// `cdk init` and `pulumi new` lay their
    /// programs out as `lib/orders-stack.ts` or `__main__.py`, which the
    /// paths alone call code, so a deleted table construct destroyed
    /// nothing). Up to [`MAX_STACK_LEVELS`] folders above each file, and at
    /// most [`MAX_STACK_FOLDERS`] folders in all (those nearest the top
    /// first, within [`MAX_PATHSPEC_BYTES`] of pathspecs), are looked at,
    /// in one `git ls-tree` a side.
    fn find_stack_programs(
        &self,
        files: &mut [FileChange],
        classifier: &blastgate_change::Classifier,
        (base, head): (&str, &str),
    ) -> Result<std::collections::BTreeSet<String>, ChangeError> {
        use std::collections::BTreeSet as Set;
        const MARKERS: [&str; 4] = ["cdk.json", "cdktf.json", "Pulumi.yaml", "Pulumi.yml"];
        let wanted = |p: &str| !illustrative(p) && classifier.classify(p) == ChangeKind::Code;
        let ancestors = |p: &str| -> Vec<String> {
            let mut out = vec![String::new()];
            let parts: Vec<&str> = p.split('/').collect();
            for depth in 1..parts.len().min(MAX_STACK_LEVELS + 1) {
                out.push(parts.get(..depth).unwrap_or_default().join("/"));
            }
            out
        };
        let paths = |f: &FileChange| -> Vec<String> {
            std::iter::once(f.path.clone()).chain(f.old_path.clone()).filter(|p| wanted(p)).collect()
        };
        let mut folders: Set<String> = Set::new();
        for f in files.iter().filter(|f| f.kind.is_none() && !f.binary) {
            for p in paths(f) {
                folders.extend(ancestors(&p));
            }
        }
        if folders.is_empty() {
            return Ok(Set::new());
        }
        // (Those nearest the top first: a project's marker is usually
        // at its top.)
        let mut ordered: Vec<String> = folders.into_iter().collect();
        ordered.sort_by(|a, b| a.matches('/').count().cmp(&b.matches('/').count()).then_with(|| a.cmp(b)));
        ordered.truncate(MAX_STACK_FOLDERS);
        // (And within the command line's budget for pathspecs: long
        // folder names are the change's to choose.)
        let mut bytes = 0usize;
        ordered.retain(|f| {
            bytes = bytes.saturating_add(4 * (f.len() + 16));
            bytes <= MAX_PATHSPEC_BYTES
        });
        let mut projects: Set<String> = Set::new();
        // (Pulumi's: every source file at its top is its program's.)
        let mut pulumi: Set<String> = Set::new();
        for rev in [base, head] {
            let mut args: Vec<String> =
                vec!["ls-tree".into(), "-z".into(), "--full-name".into(), rev.into(), "--".into()];
            for folder in &ordered {
                for marker in MARKERS {
                    args.push(if folder.is_empty() { marker.to_owned() } else { format!("{folder}/{marker}") });
                }
            }
            let found = match parse::parse_tree_files_z(&self.output("git ls-tree (stack projects)", &args)?) {
                Ok(found) => found,
                Err(ChangeError::LimitExceeded { .. }) => Vec::new(),
                Err(e) => return Err(e),
            };
            for (p, _) in found {
                let (project, marker) =
                    p.rsplit_once('/').map_or((String::new(), p.as_str()), |(d, m)| (d.to_owned(), m));
                if marker.starts_with("Pulumi.") {
                    pulumi.insert(project.clone());
                }
                projects.insert(project);
            }
        }
        let mut programs = Set::new();
        if projects.is_empty() {
            return Ok(programs);
        }
        // A project's program, not the application beside it (a CDK app
        // and its functions' code often share one package): below the
        // folders the tools' templates and guides keep stacks in, a file
        // named for a stack (`orders-stack.ts`, `orders_stack.py`,
        // `OrdersStack.java`), or an entry point directly in the project
        // folder (`app.py`, `index.ts`, `main.go`, `__main__.py`,
        // `Program.cs`). A handler under `src/` or `lambda/` stays code:
        // deleting it destroys no infrastructure.
        let program_file = |project: &str, p: &str| {
            let rel = if project.is_empty() {
                p
            } else {
                p.strip_prefix(project).and_then(|r| r.strip_prefix('/')).unwrap_or(p)
            };
            let lower = rel.to_ascii_lowercase();
            let name = lower.rsplit('/').next().unwrap_or(&lower);
            let stem = name.split('.').next().unwrap_or(name);
            let top = lower.split('/').next().unwrap_or_default();
            let nested = lower.contains('/');
            // (Go's package `main` is every `.go` file of the project's
            // folder: `cdk init` names its entry for the project,
            // `orders-cdk.go`; red team 34.)
            let go_main = !nested && name.ends_with(".go") && !name.ends_with("_test.go");
            // (A Pulumi program's modules beside its entry point,
            // `database.ts`; red team 35.)
            let pulumi_module = !nested && pulumi.contains(project);
            stem.contains("stack")
                || go_main
                || pulumi_module
                || (nested && STACK_FOLDERS.contains(&top))
                || (!nested && matches!(stem, "app" | "main" | "index" | "__main__" | "program"))
        };
        let in_project = |p: &str| ancestors(p).iter().any(|a| projects.contains(a) && program_file(a, p));
        // (And the modules beside a program file the change touches, in
        // its project: a CDK Python package's `storage.py` beside
        // `orders_stack.py`; red team 35.)
        let program_folders: Set<String> = files
            .iter()
            .filter(|f| f.kind.is_none() && !f.binary)
            .flat_map(paths)
            .filter(|p| in_project(p))
            .map(|p| p.rsplit_once('/').map_or(String::new(), |(d, _)| d.to_owned()))
            .collect();
        let beside = |p: &str| {
            let folder = p.rsplit_once('/').map_or("", |(d, _)| d);
            program_folders.contains(folder)
                && program_file_extension(p)
                && ancestors(p).iter().any(|a| projects.contains(a))
        };
        for f in files.iter_mut().filter(|f| f.kind.is_none() && !f.binary) {
            let found = paths(f);
            if found.iter().any(|p| in_project(p) || beside(p)) {
                f.kind = Some(ChangeKind::Infrastructure);
                programs.insert(f.path.clone());
                programs.extend(f.old_path.clone());
            }
        }
        Ok(programs)
    }

    /// States what the change's infrastructure files declared and no
    /// longer declare: `FileChange::declares` for a file that destroys all
    /// it declared (deleted, emptied, renamed out of what deploys it), and
    /// `FileChange::removes` for declarations taken out of a file that
    /// stays (a destruction audit: a datastore's `resource` block edited
    /// out of `main.tf` was `owner`, and a deleted `k8s/pvc.yaml` counted
    /// by its name). Declarations are counted a folder at a time, before
    /// and after, over the folder's changed files (a Terraform module is
    /// its folder: a block moved to another file of it is not removed), so
    /// a type counts only where the folder lost some. A file too large to
    /// read (`MAX_EMPTIED_TEXT`, `MAX_EMPTIED_READ`) leaves its folder
    /// uncompared: a destroying file of it then keeps every type it
    /// declared, and nothing is found removed from the others.
    fn read_declarations(
        &self,
        files: &mut [FileChange],
        blobs: &BTreeMap<String, parse::BlobSides>,
        classifier: &blastgate_change::Classifier,
        manifests: &std::collections::BTreeSet<String>,
        patch: &[u8],
        head: &str,
    ) -> Result<(), ChangeError> {
        use std::collections::{BTreeMap as Map, BTreeSet as Set};
        type Counts = Map<String, usize>;
        // The lines the change takes out of and puts into each file, for
        // a file whose side before is too large to read: its declarations
        // taken out are counted from them (red team 11: a 1.3 MB `main.tf`
        // at both ends, its database block deleted, read as nothing).
        let mut changed_lines: Option<parse::ChangedTexts> = None;
        let infrastructure = |p: &str| {
            (classifier.classify(p) == ChangeKind::Infrastructure || manifests.contains(p))
                && !blastgate_change::classify::is_ci_definition(p)
        };
        let folder = |p: &str| p.rsplit_once('/').map_or(String::new(), |(d, _)| d.to_owned());
        // What a file declares. In an infrastructure program (a CDK or
        // Pulumi stack in TypeScript, Python, Go, ...), only the
        // constructs whose types hold data, a queue or a cache count: a
        // program's other classes (`pulumi.Config`, a helper) taken out
        // destroy nothing the rules weigh, and reading them as resources
        // would call every refactor a destruction.
        let declared = |path: &str, text: &[u8]| -> Counts {
            // (An override file's blocks change others' arguments: it
            // declares nothing of its own, see `overrides` below.)
            if terraform_override(path) {
                return Counts::new();
            }
            let program = program_file(&path.to_ascii_lowercase());
            // (A program's text read as a program's: red team 35.)
            let mut counts = if program { parse::program_counts(text) } else { parse::declared_counts(text) };
            if program {
                counts.retain(|t, _| {
                    blastgate_core::engine::resource_type_kind(t) != blastgate_graph::NodeKind::Infrastructure
                });
            }
            counts
        };
        fn old_side(f: &FileChange) -> Option<&str> {
            match f.status {
                FileStatus::Modified | FileStatus::Deleted => Some(f.path.as_str()),
                FileStatus::Renamed => f.old_path.as_deref(),
                _ => None,
            }
        }
        // The content after counts where a tool reads it: not a file
        // renamed out of what deploys it, nor a new one by a name the tools
        // skip (`main.tf.bak`, `.main.tf`, `_x.yaml`): a block moved there
        // from `main.tf` is destroyed.
        let read_by_tools = |p: &str| {
            let name = p.rsplit('/').next().unwrap_or(p);
            let skipped = name.starts_with(['.', '_', '#']) || name.ends_with('~');
            let extension = name.rsplit_once('.').map_or("", |(_, e)| e);
            !skipped && matches!(extension, "tf" | "tofu" | "json" | "yaml" | "yml" | "bicep" | "hcl")
        };
        // (And a new source file of a program that another file of the
        // change imports after it, `import { ordersTable } from
        // "./storage"`: a construct moved into it is still made, red team
        // 34. Filled once the texts are read.)
        let mut imported: std::collections::BTreeSet<String> = std::collections::BTreeSet::new();
        let new_side = |f: &FileChange, imported: &std::collections::BTreeSet<String>| match f.status {
            FileStatus::Modified => true,
            FileStatus::Added => read_by_tools(&f.path) || imported.contains(&f.path),
            FileStatus::Renamed => read_by_tools(&f.path) && !blastgate_change::destroys_infrastructure(classifier, f),
            _ => false,
        };
        let wanted: Vec<usize> = (0..files.len())
            .filter(|&i| {
                files
                    .get(i)
                    .is_some_and(|f| !f.binary && (infrastructure(&f.path) || old_side(f).is_some_and(&infrastructure)))
            })
            .collect();
        if wanted.is_empty() {
            return Ok(());
        }
        let mut old_hashes: Vec<(&str, &str)> = Vec::new();
        let mut new_hashes: Vec<(&str, &str)> = Vec::new();
        for f in wanted.iter().filter_map(|&i| files.get(i)) {
            let Some((old, new)) = blobs.get(&f.path) else { continue };
            if let Some(old) = old.as_deref().filter(|_| old_side(f).is_some()) {
                old_hashes.push((f.path.as_str(), old));
            }
            if let Some(new) = new.as_deref() {
                new_hashes.push((f.path.as_str(), new));
            }
        }
        let old_texts = self.small_blobs(old_hashes.into_iter())?;
        let new_texts = self.small_blobs(new_hashes.into_iter())?;
        // (What each changed program file imports, from any folder: a
        // construct moved into a helper module in a subfolder, or one an
        // absolute import names, is still made, and counts in the folder
        // of the file that imports it; red team 35's O15, O26.)
        let mut targets: Vec<(String, bool, String)> = Vec::new();
        let programs: Vec<&FileChange> = files
            .iter()
            .filter(|f| f.status != FileStatus::Deleted && program_file(&f.path.to_ascii_lowercase()))
            .collect();
        if programs.len() > 1 {
            for (p, text) in &new_texts {
                if program_file(&p.to_ascii_lowercase()) {
                    let at = folder(p);
                    targets.extend(parse::import_targets(text, &at).into_iter().map(|(t, e)| (t, e, at.clone())));
                }
            }
        }
        let mut imported_by: Map<String, String> = Map::new();
        for f in programs {
            let Some((folder_of, name)) = f.path.rsplit_once('/') else { continue };
            let stem = name.split('.').next().unwrap_or(name);
            let importers = new_texts.iter().filter(|(p, _)| p.as_str() != f.path && folder(p) == folder_of);
            let bare = f.path.rsplit_once('.').map_or(f.path.as_str(), |(b, _)| b);
            // (A folder imported is its `index` module, or Python's
            // package: `./helpers` is `helpers/index.ts`, `.helpers` is
            // `helpers/__init__.py`.)
            let module = bare.strip_suffix("/index").or_else(|| bare.strip_suffix("/__init__")).unwrap_or(bare);
            let by = targets.iter().find(|(target, exact, _)| {
                target == bare
                    || target == module
                    || (!*exact && module.strip_suffix(target.as_str()).is_some_and(|head| head.ends_with('/')))
            });
            if let Some((_, _, at)) = by
                && at != folder_of
            {
                imported_by.insert(f.path.clone(), at.clone());
            }
            let same_folder =
                || !stem.is_empty() && importers.into_iter().any(|(_, text)| parse::imports_module(text, stem));
            if f.status == FileStatus::Added && (by.is_some() || same_folder()) {
                imported.insert(f.path.clone());
            }
        }
        // The folders a Terraform file is renamed out of that still hold
        // one after the change (one `git ls-tree` of them): a module that
        // stays, whose resources the file took with it. A folder left with
        // none was moved whole (a root module renamed, its state where its
        // backend says).
        let terraform = terraform_file;
        let left: Set<String> = files
            .iter()
            .filter(|f| f.status == FileStatus::Renamed)
            .filter_map(|f| f.old_path.as_deref())
            .filter(|old| terraform(old))
            .map(folder)
            .collect();
        let staying: Set<String> = if left.is_empty() {
            Set::new()
        } else {
            let mut args: Vec<String> =
                vec!["ls-tree".into(), "-z".into(), "--full-name".into(), head.into(), "--".into()];
            args.extend(left.iter().map(|f| if f.is_empty() { ".".to_owned() } else { format!("{f}/") }));
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            match parse::parse_tree_files_z(&self.output("git ls-tree", &args)?) {
                Ok(found) => found.iter().map(|(p, _)| p.as_str()).filter(|p| terraform(p)).map(folder).collect(),
                Err(ChangeError::LimitExceeded { .. }) => left.clone(),
                Err(e) => return Err(e),
            }
        };
        // Each wanted file's counts before and after (`None`: that side
        // exists but could not be read), and each folder's totals.
        // Totals are kept by folder and by the tool that reads a file
        // (Terraform reads `*.tf` and `*.tf.json`; the others, the rest):
        // a decoy `kind: aws_db_instance` in a YAML file Terraform never
        // reads must not stand for a block taken out of `main.tf` (an
        // audit).
        // (A file a Serverless service includes, `${file(resources/db.yml)}`,
        // counts in the service's folder, before the change or after: its
        // resources are the service's stack, red team 35. So does a
        // program's helper module in another folder, in the folder of the
        // changed file that imports it, `imported_by` above.)
        let mut included_by: Map<String, String> = imported_by;
        for (path, text) in old_texts.iter().chain(new_texts.iter()) {
            if !terraform_file(path) && text.windows(7).any(|w| w == b"${file(") {
                let at = folder(path);
                for entry in parse::file_includes(text) {
                    if let Some(target) = parse::patch_target(&at, &entry) {
                        included_by.entry(target).or_insert_with(|| at.clone());
                    }
                }
            }
        }
        let family = |p: &str| {
            let terraform = terraform_file(p);
            let at = if terraform { None } else { included_by.get(p).cloned() };
            format!("{}\u{0}{}", at.unwrap_or_else(|| folder(p)), if terraform { "terraform" } else { "other" })
        };
        let mut unread: Set<String> = Set::new();
        let mut totals: Map<String, (Counts, Counts)> = Map::new();
        let mut own: Map<usize, (Counts, Counts)> = Map::new();
        // The resources Terraform `moved` blocks take out of modules they
        // call: a resource moved between modules is moved in the calling
        // module's file, not in the folder it leaves (an audit). Each is
        // the block's folder, the module labels of its `from` and the
        // type; the labels are resolved to the folder the resource leaves
        // below (`modules_moved_from`), which alone it explains (red team
        // 33's T4: a block moving one module's database masked a database
        // deleted in any folder of the change). (A block whose `from` is in
        // its own module is counted where it is written, by
        // `declared_counts`: its `from` stays declared when its `to` is in
        // another module, and within one module the resource at `to`
        // counts itself, so that a rename does not stand for another
        // resource of the type deleted beside it, red team 33; a `moved`
        // block of another root module says nothing of this one's
        // resources, red team 11.)
        // (Each as its type and, for a block that moves one resource
        // whole, `from = module.db.aws_db_instance.main` with no instance
        // key, into a resource the calling folder declares after, its
        // address in the module, `aws_db_instance.main`: what a deleted
        // file of the module keeps, `FileChange::declares_read`.)
        let mut moved_out: Set<(String, Vec<String>, MovedItem)> = Set::new();
        let mut whole_moves: Vec<(String, Vec<String>, String, String)> = Vec::new();
        // (And each Terraform file's own resources and module calls
        // before, and each folder's after, in blocks of their own.)
        let mut own_blocks: Map<usize, Set<String>> = Map::new();
        let mut blocks_after: Map<String, Set<String>> = Map::new();
        // (And what their blocks say of their instances, `count` and
        // `for_each` as written: a block moved and gated off at once is
        // not kept.)
        let mut own_instances: Map<usize, Map<String, String>> = Map::new();
        let mut instances_after: Map<String, Map<String, String>> = Map::new();
        // (And a Terraform file's after, renamed to another folder: its
        // blocks, their instances, its module calls' folders.)
        let mut renamed_blocks: Map<usize, ModuleBlocks> = Map::new();
        let mut modules_after: Map<String, Map<String, String>> = Map::new();
        // Terraform override files (`override.tf`, `*_override.tf`), each
        // file's before and after: the replacing arguments its blocks set
        // and the resources they leave no instance (`count = 0`). Terraform
        // merges them into the blocks they name, so a value set, changed
        // or taken out there changes the resource's own (red team 33's
        // T7: an override renaming a database, or giving it `count = 0`,
        // read as an edit; deleting one was a database deleted).
        let mut overrides: Map<usize, (OverrideSide, OverrideSide)> = Map::new();
        // Terraform resources (`TYPE.NAME`) by folder and family, before
        // and after, and each file's own before.
        let mut addresses: Map<String, (Set<String>, Set<String>)> = Map::new();
        let mut own_addresses: Map<usize, Set<String>> = Map::new();
        // (And each file's own after: a CloudFormation template is a stack
        // of its own, a resource moved to another template of the folder
        // is deleted from its stack.)
        let mut own_after: Map<usize, Set<String>> = Map::new();
        // (And each file's own `module` blocks before, by label, with the
        // type each stands for.)
        let mut own_modules: Map<usize, Map<String, String>> = Map::new();
        // (And the values Terraform replaces its data-holding resources
        // on, each file's own before and each folder's after.)
        let mut own_replacing: Map<usize, Map<String, Map<String, String>>> = Map::new();
        let mut replacing_after: Map<String, Map<String, Map<String, String>>> = Map::new();
        // (And CloudFormation's, alike.)
        let mut own_template_values: Map<usize, Map<String, Map<String, String>>> = Map::new();
        let mut template_values_after: Map<String, Map<String, Map<String, String>>> = Map::new();
        // (And the names Pulumi `aliases` keep, by folder, after.)
        let mut aliased: Map<String, Set<String>> = Map::new();
        // (And the folders whose templates include others, Serverless's
        // `${file(resources.yml)}`: their resources are one stack's.)
        let mut including: Set<String> = Set::new();
        // (And the renames `moved` blocks make, by folder: a resource's
        // replacing values compared across its rename.)
        let mut renamed_to: Map<String, Map<String, String>> = Map::new();
        // (And the instances each resource's literal `count` or `for_each`
        // gives it, each file's own before and each folder's after.)
        let mut own_instance_keys: Map<usize, Map<String, parse::Instances>> = Map::new();
        let mut instance_keys_after: Map<String, Map<String, parse::Instances>> = Map::new();
        // (And every `moved` block's pair after, by folder, instances'
        // too.)
        let mut moved_after: Map<String, Vec<(String, String)>> = Map::new();
        for &i in &wanted {
            let Some(f) = files.get(i) else { continue };
            let (old_hash, new_hash) = blobs.get(&f.path).cloned().unwrap_or_default();
            let mut sides = (Counts::new(), Counts::new());
            // (Before unread, a file that stays where it is: both sides
            // by its changed lines.)
            let by_lines = old_hash.is_some()
                && !old_texts.contains_key(&f.path)
                && f.status == FileStatus::Modified
                && infrastructure(&f.path);
            if let Some(old) = old_side(f).filter(|o| infrastructure(o)) {
                match old_texts.get(&f.path) {
                    Some(text) if terraform_override(old) => {
                        overrides.entry(i).or_default().0 =
                            (parse::replacing_values(text), parse::uninstanced_addresses(text));
                    }
                    Some(text) => {
                        sides.0 = declared(old, text);
                        let found = identities(old, text);
                        addresses.entry(family(old)).or_default().0.extend(found.iter().cloned());
                        own_addresses.insert(i, found);
                        own_modules.insert(i, parse::declared_modules(text));
                        if terraform(old) {
                            own_blocks.insert(i, parse::block_addresses(text));
                            own_instances.insert(i, parse::instance_arguments(text));
                            own_instance_keys.insert(i, parse::resource_instances(text));
                            own_replacing.insert(i, parse::replacing_values(text));
                        } else {
                            own_template_values.insert(i, replacing_values(old, text));
                        }
                    }
                    None if old_hash.is_some() => {
                        unread.insert(folder(old));
                        if by_lines {
                            let lines = changed_lines.get_or_insert_with(|| {
                                let modified: Set<&str> = files
                                    .iter()
                                    .filter(|g| g.status == FileStatus::Modified && infrastructure(&g.path))
                                    .map(|g| g.path.as_str())
                                    .collect();
                                parse::changed_texts(patch, |p| modified.contains(p))
                            });
                            if let Some((removed, added)) = lines.get(&f.path) {
                                sides.0 = declared(old, removed);
                                sides.1 = declared(&f.path, added);
                            }
                        }
                    }
                    None => {}
                }
                let total = &mut totals.entry(family(old)).or_default().0;
                for (t, n) in &sides.0 {
                    *total.entry(t.clone()).or_insert(0) += n;
                }
            }
            if by_lines {
                // (Counted above, from the changed lines.)
            } else if new_side(f, &imported) && infrastructure(&f.path) {
                match new_texts.get(&f.path) {
                    Some(text) if terraform_override(&f.path) => {
                        overrides.entry(i).or_default().1 =
                            (parse::replacing_values(text), parse::uninstanced_addresses(text));
                    }
                    Some(text) => {
                        sides.1 = declared(&f.path, text);
                        let found = identities(&f.path, text);
                        addresses.entry(family(&f.path)).or_default().1.extend(found.iter().cloned());
                        own_after.insert(i, found);
                        if terraform(&f.path) {
                            let at = folder(&f.path);
                            moved_out.extend(
                                parse::moved_from_modules(text)
                                    .into_iter()
                                    .map(|(chain, t)| (at.clone(), chain, (t, None))),
                            );
                            let pairs = parse::moved_pairs(text);
                            for (from, to) in &pairs {
                                if from.contains('[') || to.contains('[') {
                                    continue;
                                }
                                let steps = blastgate_change::address_steps(from);
                                let (chain, rest) = parse::module_chain(&steps);
                                if let ([t, name], [t2, _]) = (rest, blastgate_change::address_steps(to).as_slice())
                                    && !chain.is_empty()
                                    && t == t2
                                {
                                    whole_moves.push((at.clone(), chain, format!("{t}.{name}"), to.clone()));
                                }
                            }
                            blocks_after.entry(family(&f.path)).or_default().extend(parse::block_addresses(text));
                            instances_after.entry(family(&f.path)).or_default().extend(parse::instance_arguments(text));
                            instance_keys_after
                                .entry(family(&f.path))
                                .or_default()
                                .extend(parse::resource_instances(text));
                            moved_after.entry(family(&f.path)).or_default().extend(pairs.iter().cloned());
                            modules_after.entry(family(&f.path)).or_default().extend(parse::declared_modules(text));
                            renamed_to.entry(family(&f.path)).or_default().extend(pairs);
                            replacing_after.entry(family(&f.path)).or_default().extend(parse::replacing_values(text));
                        } else {
                            template_values_after
                                .entry(family(&f.path))
                                .or_default()
                                .extend(replacing_values(&f.path, text));
                            aliased.entry(family(&f.path)).or_default().extend(parse::aliased_names(text));
                            if text.windows(7).any(|w| w == b"${file(") {
                                including.insert(family(&f.path));
                            }
                        }
                    }
                    None if new_hash.is_some() => {
                        unread.insert(folder(&f.path));
                    }
                    None => {}
                }
                let total = &mut totals.entry(family(&f.path)).or_default().1;
                for (t, n) in &sides.1 {
                    *total.entry(t.clone()).or_insert(0) += n;
                }
            } else if f.status == FileStatus::Renamed
                && read_by_tools(&f.path)
                && infrastructure(&f.path)
                && let Some(text) = new_texts.get(&f.path)
            {
                // Renamed to another folder: what it declares there (not
                // counted in that folder's totals, the move destroys where
                // it was), to tell a move from a deletion below.
                sides.1 = declared(&f.path, text);
                if terraform(&f.path) && !terraform_override(&f.path) {
                    renamed_blocks.insert(i, module_blocks(&folder(&f.path), text));
                }
            }
            own.insert(i, sides);
        }
        // Local module folders renamed whole, each call's `source` updated:
        // every Terraform file of the old folder renamed into the new one
        // with the same blocks, instances and calls, none left behind (the
        // old folder holds none after) or deleted, and a changed file's
        // `module` block whose label named the old folder before and names
        // the new one after (so it is a called module, not a root whose
        // state follows its backend). Its resources keep their addresses
        // (`module.LABEL....`): Terraform destroys nothing (red team 29's
        // F12: a module folder renamed read as its database destroyed).
        let mut retargeted: Set<(String, String)> = Set::new();
        for (&i, before) in &own_modules {
            let Some(f) = files.get(i).filter(|f| f.status == FileStatus::Modified && terraform(&f.path)) else {
                continue;
            };
            let at = folder(&f.path);
            let after = modules_after.get(&family(&f.path));
            for (label, old_type) in before {
                let new_type = after.and_then(|m| m.get(label));
                if let (Some(a), Some(b)) = (local_module(&at, old_type), new_type.and_then(|t| local_module(&at, t)))
                    && a != b
                {
                    retargeted.insert((a, b));
                }
            }
        }
        let renamed_whole: Set<(String, String)> = retargeted
            .into_iter()
            .filter(|(a, b)| {
                let from_a = |f: &&FileChange| old_side(f).is_some_and(|o| folder(o) == *a && terraform(o));
                let mut moved_any = false;
                let whole = files.iter().enumerate().filter(|(_, f)| from_a(f)).all(|(i, f)| {
                    moved_any = true;
                    let kept = || {
                        let (blocks, instances, calls) = renamed_blocks.get(&i)?;
                        let old = old_side(f)?;
                        let text = old_texts.get(&f.path)?;
                        Some(module_blocks(&folder(old), text) == (blocks.clone(), instances.clone(), calls.clone()))
                    };
                    f.status == FileStatus::Renamed && folder(&f.path) == *b && kept() == Some(true)
                });
                whole && moved_any && !staying.contains(a)
            })
            .collect();
        // (A whole move counts when its `to` is declared where it lands.)
        for (at, chain, address, to) in whole_moves {
            let into = format!("{at}\u{0}terraform");
            let plain = instances_after.get(&into).and_then(|i| i.get(&to)).is_some_and(String::is_empty);
            if plain && blocks_after.get(&into).is_some_and(|b| b.contains(&to)) {
                let t = address.split('.').next().unwrap_or_default().to_owned();
                moved_out.insert((at, chain, (t, Some(address))));
            }
        }
        // Whether type `t` is moved away from the folder of family `key`
        // into another module.
        let moved_away = self.modules_moved_from(files, &old_texts, &new_texts, &moved_out, head)?;
        let moved = |key: &str, t: &str| moved_away.contains(&(key.to_owned(), (t.to_owned(), None)));
        // Whether the resource at `address` (`TYPE.NAME`) is moved whole
        // out of the folder of family `key` into its caller.
        let moved_whole_out = |key: &str, address: &str| {
            let t = address.split('.').next().unwrap_or_default().to_owned();
            moved_away.contains(&(key.to_owned(), (t, Some(address.to_owned()))))
        };
        let lost = |key: &str, t: &str| {
            !moved(key, t) && totals.get(key).is_some_and(|(before, after)| before.get(t) > after.get(t).or(Some(&0)))
        };
        for (i, (before, after)) in own {
            let Some(f) = files.get_mut(i) else { continue };
            let Some(old) = old_side(f).map(str::to_owned) else { continue };
            let key = family(&old);
            let compared = !unread.contains(&folder(&old));
            if blastgate_change::destroys_infrastructure(classifier, f) {
                // All it declared goes; a type the folder still declares as
                // often was moved, not destroyed (unless the folder could not
                // be compared). A file renamed to another folder that
                // declares there what it declared here is moved: what that
                // does to running resources depends on the deploy tool, so
                // the destruction counts by the path alone (an audit: a
                // folder of manifests renamed was a datastore's loss).
                // (Not a Terraform file out of a module that stays: its
                // resources are another module's after, at other addresses,
                // which Terraform destroys and makes anew without a `moved`
                // block; red team 11's `db.tf` moved into `archive/` was
                // `peer`.)
                let module_stays = terraform(&old) && staying.contains(&folder(&old));
                let moved_whole = f.status == FileStatus::Renamed
                    && !module_stays
                    && before.iter().all(|(t, n)| after.get(t) >= Some(n));
                let types = before.into_keys().filter(|t| !moved_whole && (!compared || lost(&key, t))).collect();
                f.declares = kept_types(types);
                // A deleted or emptied Terraform file read whole, each of
                // its resources and module calls declared still after (at
                // its address, renamed by a `moved` block of the module,
                // or moved whole into the caller) keeps all it declared:
                // its path then stands for nothing destroyed (red team
                // 35's O16, a file of outputs deleted; a module inlined).
                if f.status == FileStatus::Renamed
                    && f.declares.is_empty()
                    && renamed_whole.contains(&(folder(&old), folder(&f.path)))
                {
                    f.declares_read = true;
                }
                let read_whole = f.status != FileStatus::Renamed
                    && terraform(&old)
                    && !terraform_override(&old)
                    && compared
                    && old_texts.contains_key(&f.path);
                if read_whole && let Some(mine) = own_blocks.get(&i) {
                    let after = blocks_after.get(&key);
                    // (Declared at `to` with the instances `a` had.)
                    let instances = |a: &str| own_instances.get(&i).and_then(|m| m.get(a));
                    let declared_as = |a: &str, to: &str| {
                        after.is_some_and(|b| b.contains(to))
                            && instances(a).is_some()
                            && instances_after.get(&key).and_then(|m| m.get(to)) == instances(a)
                    };
                    let kept = |a: &String| match a.strip_prefix("module.") {
                        Some(label) => {
                            let before = own_modules.get(&i).and_then(|m| m.get(label));
                            before.is_some() && modules_after.get(&key).and_then(|m| m.get(label)) == before
                        }
                        None => {
                            declared_as(a, a)
                                || renamed_to.get(&key).and_then(|r| r.get(a)).is_some_and(|to| {
                                    !to.contains('[') && !to.starts_with("module.") && declared_as(a, to)
                                })
                                || (moved_whole_out(&key, a) && instances(a).is_some_and(String::is_empty))
                        }
                    };
                    f.declares_read = mine.len() < parse::MAX_TYPES_READ && mine.iter().all(kept);
                    // (A resource gone from its address, though its type
                    // is declared as often, is destroyed and made anew: a
                    // block renamed as its file is deleted. Not a type a
                    // `moved` block takes out of this module into another,
                    // which the type's count already explains.)
                    let renamed: Vec<String> = mine
                        .iter()
                        .filter(|a| !a.starts_with("module.") && !kept(a) && !moved(&key, identity_type(a)))
                        .map(|a| identity_type(a).to_owned())
                        .collect();
                    if !renamed.is_empty() {
                        add_types(&mut f.declares, renamed);
                    }
                }
            } else if folder(&f.path) == folder(&old) {
                // A folder that could not be compared (a file too large to
                // read): the file's own losses count (fail closed; an audit
                // found them unseen).
                // (A call to a module folder renamed whole, its source
                // updated: the module's resources keep their addresses.)
                let retargeted = |t: &str| {
                    let at = folder(&old);
                    own_modules.get(&i).is_some_and(|m| {
                        m.iter().any(|(label, was)| {
                            let now = modules_after.get(&key).and_then(|m| m.get(label));
                            was == t
                                && local_module(&at, was)
                                    .zip(now.and_then(|n| local_module(&at, n)))
                                    .is_some_and(|(a, b)| renamed_whole.contains(&(a, b)))
                        })
                    })
                };
                let mut types: Vec<String> = before
                    .into_iter()
                    .filter(|(t, n)| {
                        after.get(t).copied().unwrap_or(0) < *n
                            && if compared { lost(&key, t) } else { !moved(&key, t) }
                            && !retargeted(t)
                    })
                    .map(|(t, _)| t)
                    .collect();
                // A Terraform resource renamed without a `moved` block is
                // destroyed and made anew: its address is gone from the
                // folder, though its type is declared as often (an audit).
                if compared && let Some(mine) = own_addresses.get(&i) {
                    let after_addresses = addresses.get(&key).map(|(_, after)| after);
                    // (A module renamed destroys what it holds: its
                    // type, `module SOURCE`, which a local module's
                    // folder stands behind, `read_local_modules`.)
                    let modules = own_modules.get(&i);
                    // (A Pulumi resource renamed with an alias naming it
                    // is kept.)
                    let aliases = aliased.get(&key);
                    for address in mine {
                        let t = match address.strip_prefix("module.") {
                            Some(name) => modules.and_then(|m| m.get(name)).map_or("module", String::as_str),
                            None => identity_type(address),
                        };
                        let alias = identity_name(address).is_some_and(|n| aliases.is_some_and(|a| a.contains(n)));
                        let unread = identity_name(address).is_some()
                            && after_addresses.is_some_and(|a| a.contains(&format!("{t}\u{0}{UNREAD_ID}")));
                        let stack =
                            address.contains("::") && identity_name(address).is_none() && !including.contains(&key);
                        let kept = if stack {
                            own_after.get(&i).is_some_and(|a| a.contains(address))
                        } else {
                            after_addresses.is_some_and(|a| a.contains(address))
                        };
                        if !moved(&key, t) && !alias && !unread && !kept {
                            types.push(t.to_owned());
                        }
                    }
                    // A data-holding resource kept at its address whose
                    // replacing argument changes, or is set where it was
                    // not, is destroyed and made anew (red team 29: an RDS
                    // `identifier` renamed passed as an edit).
                    let after_values = replacing_after.get(&key);
                    let renames = renamed_to.get(&key);
                    for (address, before) in own_replacing.get(&i).into_iter().flatten() {
                        let at = |a: &String| after_values.and_then(|values| values.get(a));
                        let renamed = || renames.and_then(|r| r.get(address)).and_then(at);
                        let Some(after) = at(address).or_else(renamed) else { continue };
                        if after.iter().any(|(argument, value)| {
                            parse::replaces(argument, before.get(argument).map(String::as_str), value)
                        }) {
                            types.push(address.split('.').next().unwrap_or_default().to_owned());
                        }
                    }
                    // A resource kept whose `count` or `for_each`, written
                    // out, leaves out instances it had (`count = 3` to
                    // `2`, a key taken out of a map) destroys them, unless
                    // `moved` blocks move them away, as Terraform's plan
                    // would (`aws_db_instance.main[2]` deleted).
                    let keys_after = instance_keys_after.get(&key);
                    let pairs = moved_after.get(&key).map_or(&[][..], Vec::as_slice);
                    for (address, before) in own_instance_keys.get(&i).into_iter().flatten() {
                        let renamed = renames.and_then(|r| r.get(address)).filter(|to| !to.contains('['));
                        let Some(after) =
                            keys_after.and_then(|k| k.get(address).or_else(|| renamed.and_then(|to| k.get(to))))
                        else {
                            continue;
                        };
                        let moved: Set<String> = pairs
                            .iter()
                            .filter_map(|(from, to)| parse::instance_moved_from(address, from, to))
                            .collect();
                        if parse::instances_lost(before, after, &moved) {
                            // (A module call's: what its source stands for.)
                            let t = match address.strip_prefix("module.") {
                                Some(label) => {
                                    own_modules.get(&i).and_then(|m| m.get(label)).map_or("module", String::as_str)
                                }
                                None => identity_type(address),
                            };
                            types.push(t.to_owned());
                        }
                    }
                    // The same for CloudFormation's properties, whose
                    // taking out replaces too (a name CloudFormation then
                    // generates).
                    let template_after = template_values_after.get(&key);
                    for (address, before) in own_template_values.get(&i).into_iter().flatten() {
                        let Some(after) = template_after.and_then(|values| values.get(address)) else { continue };
                        let replaced = before.keys().chain(after.keys()).any(|property| {
                            parse::cloudformation_replaces(
                                before.get(property).map(String::as_str),
                                after.get(property).map(String::as_str),
                            )
                        });
                        if replaced {
                            types.push(identity_type(address).to_owned());
                        }
                    }
                    types.sort_unstable();
                    types.dedup();
                }
                f.removes = kept_types(types);
            }
        }
        for (i, (before, after)) in overrides {
            let Some(f) = files.get_mut(i) else { continue };
            let mut types: Vec<String> = after.1.difference(&before.1).map(|a| identity_type(a).to_owned()).collect();
            for address in before.0.keys().chain(after.0.keys()) {
                let (old, new) = (before.0.get(address), after.0.get(address));
                let arguments = old.into_iter().chain(new).flat_map(|values| values.keys());
                let replaced = arguments.into_iter().any(|argument| {
                    parse::override_replaces(
                        argument,
                        old.and_then(|v| v.get(argument)).map(String::as_str),
                        new.and_then(|v| v.get(argument)).map(String::as_str),
                    )
                });
                if replaced {
                    types.push(identity_type(address).to_owned());
                }
            }
            types.sort_unstable();
            types.dedup();
            if blastgate_change::destroys_infrastructure(classifier, f) {
                add_types(&mut f.declares, types);
            } else {
                add_types(&mut f.removes, types);
            }
        }
        // Kustomize patches that delete their target (`$patch: delete`),
        // added to a patch file that was there: the object goes when the
        // overlay is applied, though no manifest of it changed. A new
        // patch file counts through the Kustomization that starts
        // applying it (`read_deploy_lists`): a new environment's copy of
        // an overlay deletes nothing that was deployed.
        for &i in &wanted {
            let Some(f) = files.get_mut(i) else { continue };
            if old_side(f).is_none() {
                continue;
            }
            let Some(after) = new_texts.get(&f.path).filter(|_| new_side(f, &imported)) else { continue };
            // Compared by object: a patch re-aimed from `cache` to `db`
            // deletes `db` (a red team).
            let deleted = parse::patch_deleted_objects(after);
            if deleted.is_empty() {
                continue;
            }
            let before = old_texts.get(&f.path).map(|t| parse::patch_deleted_objects(t)).unwrap_or_default();
            add_types(&mut f.removes, only_after(deleted, before).into_iter().map(|(kind, _)| kind).collect());
        }
        // Guards against deletion a modified file holds fewer of than it
        // did, compared as the tools read the file (comments and heredocs'
        // text left out): turned off without touching their lines, by
        // `/*` and `*/` added around them or a heredoc that takes them in
        // (red team 17: `peer` where deleting the line is `senior`). The
        // changed lines' own reading (`parse::removed_guards`) stays.
        for &i in &wanted {
            let Some(f) = files.get_mut(i) else { continue };
            if f.status != FileStatus::Modified || !infrastructure(&f.path) {
                continue;
            }
            let (Some(before), Some(after)) = (old_texts.get(&f.path), new_texts.get(&f.path)) else { continue };
            let after = parse::guard_counts(after);
            let off = parse::guard_counts(before)
                .into_iter()
                .filter(|(g, n)| after.get(g).copied().unwrap_or(0) < *n)
                .map(|(g, _)| g.to_owned());
            let mut unguards: Set<String> = f.unguards.drain(..).collect();
            unguards.extend(off);
            f.unguards = unguards.into_iter().take(blastgate_change::limits::MAX_DECLARED_TYPES).collect();
        }
        Ok(())
    }

    /// Adds to a changed Kustomization's `FileChange::removes` the
    /// resource types that the entries it lists deployed before the change
    /// and nothing it lists deploys after: GitOps tools that prune delete
    /// them, though no manifest changed (a destruction audit's next step:
    /// dropping `pvc.yaml` from the list deletes the claim, and was an
    /// edit of one line). The same for the sources of an Argo CD
    /// `Application` or `ApplicationSet`, a Flux `Kustomization` or
    /// `HelmRelease` (`parse::gitops_sources`) pointed elsewhere, or
    /// deleted (then its `declares`): the tool's finalizer or pruning
    /// deletes what it deployed. Another manifest deploying the same path
    /// to the same place after the change keeps its objects.
    ///
    /// What a list deploys is resolved as kustomize builds it
    /// ([`Deployments`]): an entry that is a file deploys it, a folder
    /// with a Kustomization deploys what that one lists (followed down),
    /// a folder without one its YAML and JSON files. The files deployed
    /// only before are read as they were, those deployed only after as
    /// they are (each once for all the lists, within one read budget):
    /// a Kubernetes object (kind and name) deployed only before is
    /// destroyed, its kind counting (kinds by how often each side declares
    /// them where a file does not read as YAML). What a list that includes
    /// a changed one deploys after the change counts for it (an overlay
    /// over its base), and an application no longer deployed takes what it
    /// deployed with it ([`MAX_APPLICATION_LEVELS`] down), unless its
    /// object is still deployed under another file's name. A Kustomization
    /// whose `namePrefix` or `nameSuffix` changes, or whose `namespace`
    /// changes from one to another, renames everything it deploys (all of
    /// it counts). What its patches and those of the Kustomizations it
    /// reaches delete (`$patch: delete`, inline or in patch files read at
    /// each end) is compared by object: one deleted only after counts.
    /// What cannot be read fails closed by its words: a remote
    /// entry or chart, a file too large to read, a list that leads to
    /// more than [`parse::MAX_TREE_FILES`] files or deeper than
    /// [`MAX_KUSTOMIZE_DEPTH`] Kustomizations; a Kustomization that no
    /// longer parses lists nothing.
    fn read_deploy_lists(
        &self,
        files: &mut [FileChange],
        blobs: &BTreeMap<String, parse::BlobSides>,
        (base, head): (&str, &str),
        deploys: &dyn Fn(&str) -> bool,
    ) -> Result<(), ChangeError> {
        use std::collections::{BTreeMap as Map, BTreeSet as Set};
        let yaml = |p: &str| {
            let lower = p.to_ascii_lowercase();
            lower.ends_with(".yaml") || lower.ends_with(".yml")
        };
        let gitops = |p: &str| yaml(p) && deploys(p) && !illustrative(p);
        let kustomization = |f: &FileChange| {
            parse::is_kustomization(&f.path) || f.old_path.as_deref().is_some_and(parse::is_kustomization)
        };
        let wanted: Vec<&str> = files
            .iter()
            .filter(|f| !f.binary)
            .filter(|f| match f.status {
                FileStatus::Modified | FileStatus::Renamed => kustomization(f) || gitops(&f.path),
                FileStatus::Deleted => gitops(&f.path),
                _ => false,
            })
            .map(|f| f.path.as_str())
            .collect();
        if wanted.is_empty() {
            return Ok(());
        }
        let (before, after) = self.both_sides(&wanted, blobs)?;
        // What GitOps manifests deploy after the change, whichever file
        // says it (an application moved to another file).
        let added_files: Vec<&str> = files
            .iter()
            .filter(|f| matches!(f.status, FileStatus::Added | FileStatus::Copied) && !f.binary && gitops(&f.path))
            .map(|f| f.path.as_str())
            .collect();
        let (_, added_texts) = self.both_sides(&added_files, blobs)?;
        let everywhere_after: Set<(String, String)> = added_texts
            .iter()
            .chain(after.iter())
            .filter(|(p, _)| !parse::is_kustomization(p))
            .filter_map(|(_, t)| parse::gitops_sources(t))
            .flatten()
            .filter_map(|s| Some((s.path?, s.identity)))
            .collect();
        let folder = |p: &str| p.rsplit_once('/').map_or(String::new(), |(d, _)| d.to_owned());
        // Each list's roots before and after, and what else it says.
        struct Listed {
            before: Vec<Root>,
            after: Vec<Root>,
            renamed: bool,
            /// What counts by its words because it could not be read
            /// whole (a list past its bound counts by its path).
            unread_words: Vec<String>,
            /// Its own patches before and after.
            patches: [Patches; 2],
        }
        let mut lists: Vec<(usize, Listed)> = Vec::new();
        for (i, f) in files.iter().enumerate() {
            if !wanted.contains(&f.path.as_str()) {
                continue;
            }
            let old_path = f.old_path.as_deref().unwrap_or(&f.path);
            let listed = if kustomization(f) {
                // Not read before: what it deployed is unknown.
                let Some(old) = before.get(&f.path).and_then(|t| parse::parse_kustomization(t)) else { continue };
                // Unreadable after, or no longer a Kustomization: it lists nothing.
                let new = after
                    .get(&f.path)
                    .filter(|_| parse::is_kustomization(&f.path))
                    .and_then(|t| parse::parse_kustomization(t))
                    .unwrap_or_default();
                let roots = |k: &parse::Kustomization, at: &str| -> Vec<Root> {
                    let listed =
                        k.entries.iter().map(|e| Root { target: parse::kustomize_target(at, e), words: e.clone() });
                    listed.chain(k.charts.iter().map(|c| Root { target: None, words: c.clone() })).collect()
                };
                let mut unread_words = Vec::new();
                // A list too long to read whole counts by its name (fail
                // closed): what its unread entries deploy, or its unread
                // patches delete, is not known.
                if old.truncated || new.truncated {
                    unread_words.push(clip_type(old_path));
                }
                let patches = |k: &parse::Kustomization, at: &str| {
                    let mut own = Patches::default();
                    own.add(k, at);
                    own
                };
                Listed {
                    before: roots(&old, &folder(old_path)),
                    after: roots(&new, &folder(&f.path)),
                    // A namespace set where there was none is where the
                    // objects already were (a red team: Argo CD deploys an
                    // un-namespaced overlay to its destination's).
                    renamed: !new.entries.is_empty()
                        && (old.naming != new.naming || (!old.namespace.is_empty() && old.namespace != new.namespace)),
                    unread_words,
                    patches: [patches(&old, &folder(old_path)), patches(&new, &folder(&f.path))],
                }
            } else {
                let Some(old) = before.get(&f.path).and_then(|t| parse::gitops_sources(t)) else { continue };
                if old.is_empty() {
                    continue;
                }
                let new = after.get(&f.path).and_then(|t| parse::gitops_sources(t)).unwrap_or_default();
                let root = |s: &parse::GitopsSource| Root { target: s.path.clone(), words: s.words.clone() };
                // Only what deploys to the same place from the same
                // repository replaces what it deployed (an audit: a
                // sandbox's application on the prod one's path).
                let places: Set<&str> = old.iter().map(|s| s.identity.as_str()).collect();
                let mut after_roots: Vec<Root> =
                    new.iter().filter(|s| places.contains(s.identity.as_str())).map(root).collect();
                // Deployed after by another manifest, to the same place
                // from the same repository: kept.
                for s in &old {
                    if let Some(path) = &s.path
                        && everywhere_after.contains(&(path.clone(), s.identity.clone()))
                    {
                        after_roots.push(root(s));
                    }
                }
                Listed {
                    before: old.iter().map(root).collect(),
                    after: after_roots,
                    renamed: false,
                    unread_words: Vec::new(),
                    patches: Default::default(),
                }
            };
            let same = |a: &[Root], b: &[Root]| a.iter().collect::<Set<_>>() == b.iter().collect::<Set<_>>();
            if same(&listed.before, &listed.after)
                && !listed.renamed
                && listed.unread_words.is_empty()
                && listed.patches[0] == listed.patches[1]
            {
                continue;
            }
            lists.push((i, listed));
        }
        if lists.is_empty() {
            return Ok(());
        }
        let mut then = Deployments::new(self, base);
        let mut now = Deployments::new(self, head);
        // Files deleted count on their own (`declares`).
        let deleted: Set<&str> =
            files.iter().filter(|f| f.status == FileStatus::Deleted).map(|f| f.path.as_str()).collect();
        // Per list: the files it deployed only before and only after, and
        // the words of what could not be read.
        let befores: Vec<&[Root]> = lists.iter().map(|(_, l)| l.before.as_slice()).collect();
        let afters: Vec<&[Root]> = lists.iter().map(|(_, l)| l.after.as_slice()).collect();
        let resolved: Vec<(usize, &Listed, Deployed, Deployed)> = lists
            .iter()
            .zip(then.deployed_all(&befores)?.into_iter().zip(now.deployed_all(&afters)?))
            .map(|((i, listed), (was, is))| (*i, listed, was, is))
            .collect();
        // What the lists' patches delete (`$patch: delete`), their own and
        // those of the Kustomizations they reach (a component added that
        // deletes the database), before and after: an object deleted only
        // after is destroyed (a patch moved, renamed or made inline
        // deletes what it did). Patch files are read as they are at each
        // end; one that cannot be read after, and was not applied before,
        // counts by its path, as do new ones outside the repository.
        let patch_losses: Vec<Vec<String>> = {
            // Per list and side: its own patches with those it reaches.
            let sides_of = |side: usize| -> Vec<(Set<&str>, Vec<KindName>, Vec<String>)> {
                resolved
                    .iter()
                    .map(|(_, listed, was, is)| {
                        let reached = if side == 0 { &was.patches } else { &is.patches };
                        let parts = listed.patches.get(side).into_iter().chain([reached]);
                        let mut side = (Set::new(), Vec::new(), Vec::new());
                        for p in parts {
                            side.0.extend(p.files.iter().map(String::as_str));
                            side.1.extend(p.inline.iter().cloned());
                            side.2.extend(p.words.iter().cloned());
                        }
                        side
                    })
                    .collect()
            };
            let (before, after) = (sides_of(0), sides_of(1));
            let all_before: Set<&str> = before.iter().flat_map(|(files, ..)| files.iter().copied()).collect();
            let all_after: Set<&str> = after.iter().flat_map(|(files, ..)| files.iter().copied()).collect();
            let read_before = then.patch_deletions(&all_before)?;
            let read_after = now.patch_deletions(&all_after)?;
            let objects = |(files, inline, _): &(Set<&str>, Vec<KindName>, Vec<String>),
                           read: &BTreeMap<String, Option<Vec<KindName>>>| {
                let mut all: Vec<KindName> =
                    files.iter().filter_map(|f| read.get(*f).cloned().flatten()).flatten().collect();
                all.extend(inline.iter().cloned());
                all
            };
            before
                .iter()
                .zip(&after)
                .map(|(was, is)| {
                    let mut lost: Vec<String> = only_after(objects(is, &read_after), objects(was, &read_before))
                        .into_iter()
                        .map(|(kind, _)| kind)
                        .collect();
                    for f in is.0.iter().filter(|f| !was.0.contains(*f)) {
                        if matches!(read_after.get(*f), Some(None)) {
                            lost.push(clip_type(f));
                        }
                    }
                    lost.extend(is.2.iter().filter(|w| !was.2.contains(w)).map(|w| clip_type(w)));
                    lost
                })
                .collect()
        };
        // A Kustomization that another changed list included before (an
        // overlay over its base) loses only what that one no longer
        // deploys either: an entry moved from a base to its overlay
        // deploys the same objects (an audit).
        let own_folder = |i: usize| files.get(i).filter(|f| parse::is_kustomization(&f.path)).map(|f| folder(&f.path));
        // (list, files lost, files gained, words of what counts unread)
        type Sides = (usize, Map<String, String>, Map<String, String>, Vec<String>);
        let mut sides: Vec<Sides> = Vec::new();
        for ((i, listed, was, is), patch_lost) in resolved.iter().zip(&patch_losses) {
            let parents: Vec<&Deployed> = match own_folder(*i) {
                Some(at) => resolved
                    .iter()
                    .filter(|(j, _, parent_was, _)| j != i && parent_was.reached.contains(&at))
                    .map(|(.., parent_is)| parent_is)
                    .collect(),
                None => Vec::new(),
            };
            let kept = |p: &str| is.files.contains_key(p) || parents.iter().any(|d| d.files.contains_key(p));
            let mut words: Vec<String> = was.words.iter().filter(|w| !is.words.contains(w)).cloned().collect();
            words.extend(listed.unread_words.iter().cloned());
            words.extend(patch_lost.iter().cloned());
            let lost: Map<String, String> = was
                .files
                .iter()
                .filter(|(p, _)| listed.renamed || !kept(p))
                .filter(|(p, _)| !deleted.contains(p.as_str()))
                .map(|(p, h)| (p.clone(), h.clone()))
                .collect();
            // Newly deployed by the list, or by a list that includes it
            // (a red team: a manifest moved from a base into the overlay
            // over it is the same object).
            let gained: Map<String, String> = if listed.renamed {
                Map::new()
            } else {
                is.files
                    .iter()
                    .chain(parents.iter().flat_map(|d| d.files.iter()))
                    .filter(|(p, _)| !was.files.contains_key(*p))
                    .map(|(p, h)| (p.clone(), h.clone()))
                    .collect()
            };
            sides.push((*i, lost, gained, words));
        }
        // Every file read once a side, within one read budget.
        let mut lost_texts = self
            .small_blobs(sides.iter().flat_map(|(_, lost, ..)| lost.iter()).map(|(p, h)| (p.as_str(), h.as_str())))?;
        let gained_texts = self.small_blobs(
            sides.iter().flat_map(|(_, _, gained, ..)| gained.iter()).map(|(p, h)| (p.as_str(), h.as_str())),
        )?;
        // The Kubernetes objects of each file read (`None`: not as YAML).
        type Objects = Map<String, Option<Vec<(String, String)>>>;
        let objects = |texts: &BTreeMap<String, Vec<u8>>| -> Objects {
            texts.iter().map(|(p, t)| (p.clone(), parse::declared_objects(t))).collect()
        };
        let gained_objects = objects(&gained_texts);
        // The objects each list deploys after the change, where they read.
        let still: Vec<Set<(String, String)>> = sides
            .iter()
            .map(|(_, _, gained, _)| {
                gained
                    .keys()
                    .filter_map(|p| gained_objects.get(p).and_then(Option::as_ref))
                    .flatten()
                    .cloned()
                    .collect()
            })
            .collect();
        // An application a list no longer deploys takes what it deployed
        // with it (an app of apps: Argo CD's finalizer, Flux's pruning),
        // a few levels down (a red team: a child application dropped from
        // its parent's list read as one `Application`).
        let mut checked: Set<(usize, String)> = Set::new();
        for _ in 0..MAX_APPLICATION_LEVELS {
            let mut cascade: Vec<(usize, Vec<Root>)> = Vec::new();
            for (k, (_, lost, ..)) in sides.iter().enumerate() {
                // Not an application the list still deploys under another
                // file's name (a red team: a child application renamed
                // with `git mv` read as deleted).
                let gone = |t: &Vec<u8>| {
                    parse::declared_objects(t)
                        .is_none_or(|objects| objects.iter().any(|o| !still.get(k).is_some_and(|s| s.contains(o))))
                };
                let roots: Vec<Root> = lost
                    .keys()
                    .filter(|p| checked.insert((k, (*p).clone())))
                    .filter_map(|p| lost_texts.get(p).filter(|t| gone(t)).and_then(|t| parse::gitops_sources(t)))
                    .flatten()
                    .map(|s| Root { target: s.path, words: s.words })
                    .collect();
                if !roots.is_empty() {
                    cascade.push((k, roots));
                }
            }
            if cascade.is_empty() {
                break;
            }
            let roots: Vec<&[Root]> = cascade.iter().map(|(_, r)| r.as_slice()).collect();
            let children = then.deployed_all(&roots)?;
            let mut unread: Vec<(String, String)> = Vec::new();
            for ((k, _), child) in cascade.iter().zip(children) {
                let still = resolved.get(*k).map(|(.., is)| &is.files);
                let Some((_, lost, _, words)) = sides.get_mut(*k) else { continue };
                for (p, h) in child.files {
                    if still.is_some_and(|f| f.contains_key(&p)) || deleted.contains(p.as_str()) {
                        continue;
                    }
                    if !lost_texts.contains_key(&p) {
                        unread.push((p.clone(), h.clone()));
                    }
                    lost.insert(p, h);
                }
                words.extend(child.words);
            }
            lost_texts.extend(self.small_blobs(unread.iter().map(|(p, h)| (p.as_str(), h.as_str())))?);
        }
        let lost_objects = objects(&lost_texts);
        let mut found: Map<usize, Vec<String>> = Map::new();
        for (i, lost, gained, mut types) in sides {
            // Objects by kind and name where every file reads as YAML: an
            // entry replaced by one that deploys another object of the
            // same kind (another claim, another database) destroys the
            // first; else kinds by count.
            let named = |files: &Map<String, String>, read: &Objects| {
                let mut all: Set<(String, String)> = Set::new();
                for path in files.keys() {
                    all.extend(read.get(path)?.as_ref()?.iter().cloned());
                }
                Some(all)
            };
            if let (Some(before), Some(after)) = (named(&lost, &lost_objects), named(&gained, &gained_objects)) {
                types.extend(before.difference(&after).map(|(kind, _)| kind.clone()));
                types.sort_unstable();
                types.dedup();
                types.iter_mut().for_each(|t| *t = clip_type(t));
                found.insert(i, types);
                continue;
            }
            let mut counts: Map<String, i64> = Map::new();
            for path in lost.keys() {
                match lost_texts.get(path) {
                    Some(text) => {
                        for (t, n) in parse::declared_counts(text) {
                            *counts.entry(t).or_insert(0) += i64::try_from(n).unwrap_or(i64::MAX);
                        }
                    }
                    None => types.push(clip_type(path)),
                }
            }
            for text in gained.keys().filter_map(|p| gained_texts.get(p)) {
                for (t, n) in parse::declared_counts(text) {
                    *counts.entry(t).or_insert(0) -= i64::try_from(n).unwrap_or(i64::MAX);
                }
            }
            types.extend(counts.into_iter().filter(|(_, n)| *n > 0).map(|(t, _)| t));
            types.iter_mut().for_each(|t| *t = clip_type(t));
            found.insert(i, types);
        }
        for (i, types) in found {
            let Some(f) = files.get_mut(i) else { continue };
            if f.status == FileStatus::Deleted {
                add_types(&mut f.declares, types);
            } else {
                add_types(&mut f.removes, types);
            }
        }
        Ok(())
    }

    /// Adds to a modified file's `FileChange::removes` what the Helm
    /// switches its change turns off held ([`switched_off_holds`]): in a
    /// values file (`parse::helm_turned_off`; `values.yaml` holds a
    /// chart's own defaults), in the values a HelmRelease or an Argo CD
    /// application gives inline (`parse::embedded_values`), and as
    /// subcharts taken out of a `Chart.yaml` (`parse::chart_dependencies`).
    /// A `persistence` turned off is a PersistentVolumeClaim the chart
    /// stops rendering, which `helm upgrade` deletes; a subchart whose name
    /// reads as a datastore, queue or cache (`postgresql.enabled: false`)
    /// is that datastore. Files under documentation, tests or examples are
    /// not read, nor values files the path rules call neither
    /// infrastructure nor configuration.
    fn read_helm_values(
        &self,
        files: &mut [FileChange],
        blobs: &BTreeMap<String, parse::BlobSides>,
        classifier: &blastgate_change::Classifier,
        deploys: &dyn Fn(&str) -> bool,
    ) -> Result<(), ChangeError> {
        let values = |f: &FileChange| {
            parse::is_helm_values(&f.path)
                && matches!(classifier.classify(&f.path), ChangeKind::Infrastructure | ChangeKind::Config)
        };
        let lower = |p: &str| p.to_ascii_lowercase();
        let manifest = |f: &FileChange| {
            (lower(&f.path).ends_with(".yaml") || lower(&f.path).ends_with(".yml")) && deploys(&f.path)
        };
        let chart = |f: &FileChange| f.path.rsplit('/').next() == Some("Chart.yaml");
        let helmfile = |f: &FileChange| parse::is_helmfile(&f.path);
        let wanted: Vec<&str> = files
            .iter()
            .filter(|f| f.status == FileStatus::Modified && !f.binary && !illustrative(&f.path))
            .filter(|f| values(f) || manifest(f) || chart(f) || helmfile(f) || terraform_hcl(&f.path))
            .map(|f| f.path.as_str())
            .collect();
        let (before, after) = self.both_sides(&wanted, blobs)?;
        for f in files.iter_mut() {
            let (Some(old), Some(new)) = (before.get(&f.path), after.get(&f.path)) else { continue };
            let mut off: Vec<String> = Vec::new();
            if values(f) {
                // `values.yaml` is a chart's own defaults, by Helm's
                // convention; other values files override them.
                let name = f.path.rsplit('/').next().unwrap_or_default();
                off.extend(parse::helm_turned_off(old, new, matches!(name, "values.yaml" | "values.yml")));
            }
            // A subchart taken out of `Chart.yaml` (a red team: moving to
            // a managed database drops the bundled one).
            if chart(f)
                && let (Some(was), Some(is)) = (parse::chart_dependencies(old), parse::chart_dependencies(new))
            {
                off.extend(was.into_iter().filter(|d| !is.contains(d)));
            }
            // Values a HelmRelease or an Argo CD application gives inline,
            // release by release (a release new to the file had nothing to
            // turn off; one whose values are taken out is compared with
            // none: its switches fall back to the chart's defaults).
            if let (Some(was), Some(is)) = (parse::embedded_values(old), parse::embedded_values(new)) {
                let empty = serde_json::Value::Object(serde_json::Map::new());
                for (release, then) in &was {
                    off.extend(parse::helm_values_turned_off(then, is.get(release).unwrap_or(&empty), false));
                }
            }
            // A Terraform `helm_release`'s `set` entries, release by
            // release (one taken out is destroyed whole, read elsewhere).
            if terraform_hcl(&f.path) {
                let (was, is) = (parse::terraform_helm_values(old), parse::terraform_helm_values(new));
                for (release, then) in &was {
                    if let Some(now) = is.get(release) {
                        off.extend(parse::helm_values_turned_off(then, now, false));
                    }
                }
            }
            let mut types: Vec<String> = off.iter().filter_map(|path| switched_off_holds(path)).collect();
            // A helmfile release given `installed: false`: `helmfile
            // apply` uninstalls it, with all it deployed (its chart's
            // words say what).
            if helmfile(f) {
                types.extend(parse::helmfile_uninstalled(old, new).unwrap_or_default());
                // Its releases' inline values and `set` entries, release
                // by release (one taken out of the file stays installed,
                // as it was).
                if let (Some(was), Some(is)) = (parse::helmfile_values(old), parse::helmfile_values(new)) {
                    let off: Vec<String> = was
                        .iter()
                        .filter_map(|(release, then)| is.get(release).map(|now| (then, now)))
                        .flat_map(|(then, now)| parse::helm_values_turned_off(then, now, false))
                        .collect();
                    types.extend(off.iter().filter_map(|path| switched_off_holds(path)));
                }
            }
            add_types(&mut f.removes, types);
        }
        Ok(())
    }

    /// The texts of the Terraform files of the module `folders` at
    /// `commit`, by path, as Terraform reads a module: its own `*.tf` and
    /// `*.tf.json` files, not its subfolders' (one `git ls-tree`; a listing
    /// over its limit reads nothing, and a file too large is left out, as
    /// `small_blobs` does).
    fn module_texts(
        &self,
        folders: &std::collections::BTreeSet<String>,
        commit: &str,
    ) -> Result<BTreeMap<String, Vec<u8>>, ChangeError> {
        Ok(self.module_files(folders, commit)?.0)
    }

    /// [`Self::module_texts`], and the folders all of whose Terraform
    /// files were read (listed, none too large): what a reading may
    /// conclude from the absence of a block in them.
    fn module_files(
        &self,
        folders: &std::collections::BTreeSet<String>,
        commit: &str,
    ) -> Result<ModuleFiles, ChangeError> {
        if folders.is_empty() {
            return Ok(Default::default());
        }
        let folder = |p: &str| p.rsplit_once('/').map_or(String::new(), |(d, _)| d.to_owned());
        let mut args: Vec<String> =
            vec!["ls-tree".into(), "-z".into(), "--full-name".into(), commit.into(), "--".into()];
        args.extend(folders.iter().map(|f| if f.is_empty() { ".".to_owned() } else { format!("{f}/") }));
        let listed = match parse::parse_tree_files_z(&self.output("git ls-tree", &args)?) {
            Ok(found) => found,
            Err(ChangeError::LimitExceeded { .. }) => return Ok(Default::default()),
            Err(e) => return Err(e),
        };
        let wanted: Vec<(&str, &str)> = listed
            .iter()
            .filter(|(p, _)| terraform_file(p) && folders.contains(&folder(p)))
            .map(|(p, h)| (p.as_str(), h.as_str()))
            .collect();
        let texts = self.small_blobs(wanted.iter().copied())?;
        let mut complete = folders.clone();
        for (p, _) in wanted.iter().filter(|(p, _)| !texts.contains_key(*p)) {
            complete.remove(&folder(p));
        }
        Ok((texts, complete))
    }

    /// The Terraform module folders and resource types that `moved` blocks
    /// take resources out of (`moved_out`: each block's folder, the labels
    /// of the module calls its `from` goes through, the type), each folder
    /// as its declarations' family (`FOLDER\0terraform`). A label is
    /// resolved among the `module` blocks of the folder it is called from,
    /// before the change and after (the changed files' texts, and the
    /// folder's other files at `head`, as Terraform reads a module: its own
    /// `*.tf` and `*.tf.json` files), to its local source's folder; a label
    /// no block declares, or one whose source is not in the repository (a
    /// registry's, a git URL), explains no folder's loss (fail closed).
    /// Calls are followed [`MAX_MODULE_LEVELS`] down, reading at most
    /// [`MAX_MODULE_FOLDERS`] folders.
    fn modules_moved_from(
        &self,
        files: &[FileChange],
        old_texts: &BTreeMap<String, Vec<u8>>,
        new_texts: &BTreeMap<String, Vec<u8>>,
        moved_out: &std::collections::BTreeSet<(String, Vec<String>, MovedItem)>,
        head: &str,
    ) -> Result<std::collections::BTreeSet<(String, MovedItem)>, ChangeError> {
        use std::collections::{BTreeMap as Map, BTreeSet as Set};
        let mut found: Set<(String, MovedItem)> = Set::new();
        if moved_out.is_empty() {
            return Ok(found);
        }
        let folder = |p: &str| p.rsplit_once('/').map_or(String::new(), |(d, _)| d.to_owned());
        // Each folder's module calls: label -> the local folders its
        // source names (before and after may differ).
        let mut calls: Map<String, Map<String, Set<String>>> = Map::new();
        let add = |calls: &mut Map<String, Map<String, Set<String>>>, path: &str, text: &[u8]| {
            let at = folder(path);
            for (label, t) in parse::declared_modules(text) {
                let target = local_module(&at, &t);
                let entry = calls.entry(at.clone()).or_default().entry(label).or_default();
                entry.extend(target);
            }
        };
        for f in files.iter().filter(|f| terraform_file(&f.path) || f.old_path.as_deref().is_some_and(terraform_file)) {
            let old = if f.status == FileStatus::Renamed { f.old_path.as_deref() } else { Some(f.path.as_str()) };
            if let (Some(old), Some(text)) = (old, old_texts.get(&f.path)) {
                add(&mut calls, old, text);
            }
            if let Some(text) = new_texts.get(&f.path) {
                add(&mut calls, &f.path, text);
            }
        }
        // The folders a chain passes through, given what is known.
        let walk = |calls: &Map<String, Map<String, Set<String>>>, at: &str, chain: &[String]| {
            let mut here: Set<String> = Set::from([at.to_owned()]);
            let mut passed: Set<String> = Set::new();
            for label in chain {
                passed.extend(here.iter().cloned());
                here = here.iter().filter_map(|f| calls.get(f).and_then(|c| c.get(label))).flatten().cloned().collect();
            }
            (passed, here)
        };
        let mut listed: Set<String> = Set::new();
        for _ in 0..=MAX_MODULE_LEVELS {
            let mut wave: Set<String> = Set::new();
            for (at, chain, _) in moved_out {
                wave.extend(walk(&calls, at, chain).0);
            }
            wave.retain(|f| !listed.contains(f));
            while listed.len().saturating_add(wave.len()) > MAX_MODULE_FOLDERS {
                wave.pop_last();
            }
            if wave.is_empty() {
                break;
            }
            for (path, text) in &self.module_texts(&wave, head)? {
                add(&mut calls, path, text);
            }
            listed.extend(wave);
        }
        for (at, chain, t) in moved_out {
            for f in walk(&calls, at, chain).1 {
                found.insert((format!("{f}\u{0}terraform"), t.clone()));
            }
        }
        Ok(found)
    }

    /// Adds to each file's `declares` and `removes` what the local
    /// Terraform modules among them (`module ./modules/orders`, see
    /// `parse::declared_counts`) declared before the change: a `module`
    /// block taken out destroys everything its source folder makes, and a
    /// local source's name need not say it holds a database (red team 11).
    /// The folder is read at `base` as Terraform reads a module (its own
    /// `*.tf` and `*.tf.json` files, not its subfolders), and the local
    /// modules it calls in turn, [`MAX_MODULE_LEVELS`] down and at most
    /// [`MAX_MODULE_FOLDERS`] folders in all. A folder that cannot be
    /// listed or read adds nothing: the module counts by its source's words.
    ///
    /// A module inlined is not destroyed: what `moved` blocks of the
    /// calling folder take out of a call the change takes out
    /// (`from = module.db.aws_db_instance.main`, `to =
    /// aws_db_instance.main`, the `to` declared in the calling folder after
    /// the change) stays, and a type all of whose resources in the module's
    /// own folder are moved out so is not added (`inlined_resources`); when
    /// nothing the folder declared is left (every file of it read, no
    /// module of its own called), the call itself destroys nothing either.
    fn read_local_modules(&self, files: &mut [FileChange], (base, head): (&str, &str)) -> Result<(), ChangeError> {
        use std::collections::{BTreeMap as Map, BTreeSet as Set};
        let folder = |p: &str| p.rsplit_once('/').map_or(String::new(), |(d, _)| d.to_owned());
        let target = local_module;
        // (File, whether in its `declares`, the module's folder, the type
        // naming it.)
        let mut asked: Vec<(usize, bool, String, String)> = Vec::new();
        for (i, f) in files.iter().enumerate() {
            let at = folder(f.old_path.as_deref().unwrap_or(&f.path));
            for (list, declares) in [(&f.declares, true), (&f.removes, false)] {
                asked.extend(
                    list.iter()
                        .filter_map(|t| target(&at, t).map(|m| (m, t)))
                        .map(|(m, t)| (i, declares, m, t.clone())),
                );
            }
        }
        if asked.is_empty() {
            return Ok(());
        }
        // What each folder declares (types, and addresses), the folders it
        // calls, and the folders read whole.
        let mut declared: Map<String, Set<String>> = Map::new();
        let mut addresses: Map<String, Set<String>> = Map::new();
        let mut calls: Map<String, Set<String>> = Map::new();
        let mut whole: Set<String> = Set::new();
        let mut wave: Set<String> = asked.iter().map(|(_, _, m, _)| m.clone()).collect();
        for _ in 0..MAX_MODULE_LEVELS {
            wave.retain(|m| !declared.contains_key(m));
            while declared.len().saturating_add(wave.len()) > MAX_MODULE_FOLDERS {
                wave.pop_last();
            }
            if wave.is_empty() {
                break;
            }
            let (texts, complete) = self.module_files(&wave, base)?;
            whole.extend(complete);
            for m in &wave {
                declared.insert(m.clone(), Set::new());
            }
            let mut next: Set<String> = Set::new();
            for (path, text) in &texts {
                let at = folder(path);
                for t in parse::declared_counts(text).into_keys() {
                    if let Some(called) = target(&at, &t) {
                        calls.entry(at.clone()).or_default().insert(called.clone());
                        next.insert(called);
                    }
                    declared.entry(at.clone()).or_default().insert(t);
                }
                addresses.entry(at).or_default().extend(parse::declared_addresses(text));
            }
            wave = next;
        }
        let callers: Set<String> = asked
            .iter()
            .filter(|(i, declares, _, _)| !declares && files.get(*i).is_some_and(|f| f.old_path.is_none()))
            .filter_map(|(i, _, _, _)| files.get(*i).map(|f| folder(&f.path)))
            .collect();
        let inlined = self.inlined_resources(&callers, (base, head))?;
        for (i, declares, module, named) in asked {
            let Some(f) = files.get_mut(i) else { continue };
            // (A module inlined: its resources moved out to the caller.)
            let moved = (!declares && f.old_path.is_none())
                .then(|| inlined.get(&(folder(&f.path), module.clone())))
                .flatten()
                .filter(|_| whole.contains(&module));
            let own = addresses.get(&module);
            let all_moved = |t: &str| {
                let mut of_type = own.into_iter().flatten().filter(|a| blastgate_change::address_type(a) == Some(t));
                moved.is_some_and(|moved| {
                    own.is_some_and(|own| own.len() < parse::MAX_TYPES_READ)
                        && of_type.clone().next().is_some()
                        && of_type.all(|a| moved.contains(a))
                })
            };
            // Everything the module and those it calls declare (each
            // folder once: modules may call each other in a loop).
            let mut types: Set<String> = Set::new();
            let mut seen: Set<&str> = Set::new();
            let mut stack: Vec<&str> = vec![module.as_str()];
            let mut left = false;
            while let Some(m) = stack.pop() {
                if !seen.insert(m) {
                    continue;
                }
                let mine = declared.get(m).into_iter().flatten();
                let kept: Vec<&String> = mine.filter(|t| m != module || !all_moved(t)).collect();
                left |= !kept.is_empty();
                types.extend(kept.into_iter().cloned());
                stack.extend(calls.get(m).into_iter().flatten().map(String::as_str));
            }
            let list = if declares { &mut f.declares } else { &mut f.removes };
            if moved.is_some() && !left {
                list.retain(|t| *t != named);
            }
            add_types(list, types.into_iter().collect());
        }
        Ok(())
    }

    /// The resources `moved` blocks take out of a local module whose call
    /// the change takes out, into the calling module itself (a module
    /// inlined), by the calling folder and the module's folder: each
    /// block's `from` is `module.LABEL.TYPE.NAME` (no instance key: a
    /// block moving one instance out of several leaves the others, which
    /// go), `LABEL` a `module` block of the calling folder `before` whose
    /// local source is the module's folder and which the folder no longer
    /// declares so after, and its `to` is `TYPE.OTHER` declared in the
    /// calling folder after, with no `count` or `for_each` (a `moved`
    /// block into nothing moves nothing Terraform keeps, and one gated off
    /// by a variable is destroyed). The folders in `callers` are read whole at both
    /// commits, as Terraform reads a module.
    fn inlined_resources(
        &self,
        callers: &std::collections::BTreeSet<String>,
        (base, head): (&str, &str),
    ) -> Result<BTreeMap<(String, String), std::collections::BTreeSet<String>>, ChangeError> {
        use std::collections::{BTreeMap as Map, BTreeSet as Set};
        let mut found: Map<(String, String), Set<String>> = Map::new();
        if callers.is_empty() {
            return Ok(found);
        }
        let folder = |p: &str| p.rsplit_once('/').map_or(String::new(), |(d, _)| d.to_owned());
        // Each folder's calls (label -> the module's folder) and, after,
        // its addresses and `moved` blocks.
        type Calls = Map<String, Map<String, String>>;
        let calls = |texts: &BTreeMap<String, Vec<u8>>| {
            let mut calls: Calls = Map::new();
            for (path, text) in texts {
                let at = folder(path);
                for (label, t) in parse::declared_modules(text) {
                    if let Some(m) = local_module(&at, &t) {
                        calls.entry(at.clone()).or_default().insert(label, m);
                    }
                }
            }
            calls
        };
        let before = calls(&self.module_texts(callers, base)?);
        let after_texts = self.module_texts(callers, head)?;
        let after = calls(&after_texts);
        let mut declared: Map<String, Set<String>> = Map::new();
        let mut pairs: Map<String, Vec<(String, String)>> = Map::new();
        for (path, text) in &after_texts {
            // (Declared with no `count` or `for_each`: one gated by a
            // variable may be gated off.)
            let plain = parse::instance_arguments(text).into_iter().filter(|(_, i)| i.is_empty()).map(|(a, _)| a);
            declared.entry(folder(path)).or_default().extend(plain);
            pairs.entry(folder(path)).or_default().extend(parse::moved_pairs(text));
        }
        for (at, moves) in &pairs {
            for (from, to) in moves {
                if from.contains('[') || to.contains('[') {
                    continue;
                }
                let (steps, into) = (blastgate_change::address_steps(from), blastgate_change::address_steps(to));
                let ([module, label, t, name], [t2, _]) = (steps.as_slice(), into.as_slice()) else { continue };
                let Some(m) = before.get(at).and_then(|c| c.get(*label)) else { continue };
                let gone = after.get(at).and_then(|c| c.get(*label)) != Some(m);
                let landed = declared.get(at).is_some_and(|d| d.contains(to.as_str()));
                if *module == "module" && t == t2 && gone && landed {
                    found.entry((at.clone(), m.clone())).or_default().insert(format!("{t}.{name}"));
                }
            }
        }
        Ok(found)
    }

    /// Adds to a Terraform variables file's `FileChange::removes` the
    /// types of the resources its change leaves no instance, where a
    /// `count` or `for_each` of the module's `resource` or `module` blocks
    /// reads the variable (`parse::gated_types`, which knows which way
    /// each gates): `create_database = false` in `prod.tfvars` destroys
    /// the database that `count = var.create_database ? 1 : 0` made, as
    /// `count = 0` in the block would, and `use_external_db = true`
    /// destroys the one `count = var.use_external_db ? 0 : 1` made (a
    /// destruction audit's next step, and a red team's). A variable's
    /// value before and after is the file's, else its default: a line
    /// taken out of the file falls back to the default. Variables files
    /// are `*.tfvars` and `*.tfvars.json`, modified or renamed (a new one
    /// is a new environment's, which had nothing to destroy); a `.tf`
    /// file's `variable` default changed counts the same way. The module
    /// is the file's folder, or its parent when the folder has no `.tf`
    /// file (`envs/prod.tfvars` beside `main.tf` one level up); its `.tf`
    /// files are read as they are after the change, all together (a
    /// `local` in `locals.tf` gates a block in `main.tf`).
    fn read_terraform_switches(
        &self,
        files: &mut [FileChange],
        blobs: &BTreeMap<String, parse::BlobSides>,
        head: &str,
    ) -> Result<(), ChangeError> {
        use std::collections::{BTreeMap as Map, BTreeSet as Set};
        let (tfvars, auto_loaded) = (terraform_variables_file, auto_loaded_variables_file);
        let wanted: Vec<&str> = files
            .iter()
            .filter(|f| !f.binary && !illustrative(&f.path))
            .filter(|f| match f.status {
                FileStatus::Modified => tfvars(&f.path) || terraform_hcl(&f.path),
                FileStatus::Renamed => tfvars(&f.path),
                FileStatus::Added | FileStatus::Deleted => auto_loaded(&f.path),
                _ => false,
            })
            .map(|f| f.path.as_str())
            .collect();
        if wanted.is_empty() {
            return Ok(());
        }
        let (before, after) = self.both_sides(&wanted, blobs)?;
        // Each file's values before and after, where they differ.
        type Values = Map<String, String>;
        let mut changed: Map<&str, (Values, Values)> = Map::new();
        // (And the `.tf` files whose blocks' gates change: a `count` or
        // `for_each` reading a variable added to a block, or changed.)
        let mut regated: Set<&str> = Set::new();
        for path in &wanted {
            let tf = terraform_hcl(path);
            // (An auto-loaded file added or deleted: no values on that side.)
            let none: &[u8] = b"";
            let (old, new) = match (before.get(*path), after.get(*path)) {
                (Some(old), Some(new)) => (old.as_slice(), new.as_slice()),
                (None, Some(new)) if auto_loaded(path) => (none, new.as_slice()),
                (Some(old), None) if auto_loaded(path) => (old.as_slice(), none),
                _ => continue,
            };
            if tf && parse::gated_types(&[old]) != parse::gated_types(&[new]) {
                regated.insert(path);
            }
            let (old, new) = (parse::variable_values(old, tf), parse::variable_values(new, tf));
            if old != new {
                changed.insert(path, (old, new));
            }
        }
        // The arguments a changed `.tf` file passes to a local module's
        // call whose value changes, the call's source unchanged: the file,
        // the module's folder, the argument, its value before and after
        // (`None`: not passed, so the module's default).
        let folder = |p: &str| p.rsplit_once('/').map_or(String::new(), |(d, _)| d.to_owned());
        type Passed<'p> = (&'p str, String, String, Option<String>, Option<String>);
        let mut passed: Vec<Passed<'_>> = Vec::new();
        for path in wanted.iter().filter(|p| terraform_hcl(p)) {
            let (Some(old), Some(new)) = (before.get(*path), after.get(*path)) else { continue };
            let (mut old_args, new_args) = (parse::module_arguments(old), parse::module_arguments(new));
            if old_args == new_args {
                continue;
            }
            let (old_calls, new_calls) = (parse::declared_modules(old), parse::declared_modules(new));
            let at = folder(path);
            for (label, mut args) in new_args {
                let source = new_calls.get(&label).filter(|s| old_calls.get(&label) == Some(*s));
                let (Some(module), Some(mut was)) =
                    (source.and_then(|s| local_module(&at, s)), old_args.remove(&label))
                else {
                    continue;
                };
                let names: Set<String> = was.keys().chain(args.keys()).cloned().collect();
                for name in names {
                    let (old_value, new_value) = (was.remove(&name), args.remove(&name));
                    if old_value != new_value {
                        passed.push((path, module.clone(), name, old_value, new_value));
                    }
                }
            }
        }
        if changed.is_empty() && regated.is_empty() && passed.is_empty() {
            return Ok(());
        }
        // Each module's `.tf` files after the change, by folder: one
        // listing of the folders (and their parents, and the local modules
        // whose arguments change) asked.
        let mut folders: Set<String> = passed.iter().map(|(_, module, ..)| module.clone()).collect();
        for path in changed.keys().chain(&regated) {
            let at = folder(path);
            if !at.is_empty() {
                folders.insert(folder(&at));
            }
            folders.insert(at);
        }
        let mut args: Vec<String> = vec!["ls-tree".into(), "-z".into(), "--full-name".into(), head.into(), "--".into()];
        args.extend(folders.iter().map(|f| if f.is_empty() { ".".to_owned() } else { format!("{f}/") }));
        let listed = match parse::parse_tree_files_z(&self.output("git ls-tree", &args)?) {
            Ok(found) => found,
            Err(ChangeError::LimitExceeded { .. }) => Vec::new(),
            Err(e) => return Err(e),
        };
        let modules: Vec<(&str, &str)> = listed
            .iter()
            .filter(|(p, _)| terraform_hcl(p) || auto_loaded(p))
            .map(|(p, h)| (p.as_str(), h.as_str()))
            .collect();
        let texts = self.small_blobs(modules.iter().copied())?;
        let mut by_module: Map<String, Vec<&[u8]>> = Map::new();
        let mut defaults: Map<String, Values> = Map::new();
        // (The module's texts before, for a regated file's module: its
        // changed files' old texts in place of the new.)
        let mut before_module: Map<String, Vec<&[u8]>> = Map::new();
        // (The values every run of the module gets after: its variables'
        // defaults, then its auto-loaded variables files'.)
        let mut current: Map<String, Values> = Map::new();
        for (path, text) in texts.iter().filter(|(p, _)| terraform_hcl(p)) {
            by_module.entry(folder(path)).or_default().push(text.as_slice());
            defaults.entry(folder(path)).or_default().extend(parse::variable_values(text, true));
            let old = before.get(path).filter(|_| regated.contains(path.as_str())).unwrap_or(text);
            before_module.entry(folder(path)).or_default().push(old.as_slice());
        }
        current.clone_from(&defaults);
        for (path, text) in texts.iter().filter(|(p, _)| auto_loaded(p)) {
            current.entry(folder(path)).or_default().extend(parse::variable_values(text, false));
        }
        let mut sources: Map<String, parse::Sources> = Map::new();
        let mut gates: Map<String, Map<String, Set<(String, bool)>>> = Map::new();
        for (module, texts) in by_module {
            let (gated, sourced) = parse::gates_and_sources(&texts);
            gates.insert(module.clone(), gated);
            sources.insert(module, sourced);
        }
        let environments = self.environments_values(&regated, &current, head)?;
        let mut found: Map<String, Vec<String>> = Map::new();
        // A block's type as seen from the changed file's folder `at`: a
        // local module's source from there (`envs/prod.tfvars` of the
        // module above it), which `read_local_modules` resolves from.
        let seen_from = |t: &String, module: &str, at: &str| {
            let local = t.strip_prefix("module ./").map(|s| format!("module ../{s}"));
            let local = local.or_else(|| t.strip_prefix("module ../").map(|s| format!("module ../../{s}")));
            local.filter(|_| module != at).unwrap_or_else(|| t.clone())
        };
        for (path, (old, new)) in changed {
            let at = folder(path);
            let module = if gates.contains_key(&at) { at.clone() } else { folder(&at) };
            let Some(gated) = gates.get(&module) else { continue };
            let default = |var: &str| defaults.get(&module).and_then(|d| d.get(var));
            let mut types: Vec<String> = Vec::new();
            // A value that gives blocks their instances itself, written
            // out on both sides, that leaves out instances it gave
            // (`replicas = 3` to `2`, a key taken out of the map
            // `for_each = var.databases` reads) destroys them.
            for (var, blocks) in sources.get(&module).into_iter().flatten() {
                let value = |side: &Values| side.get(var).or_else(|| default(var)).cloned();
                let (Some(was), Some(is)) = (value(&old), value(&new)) else { continue };
                if was == is {
                    continue;
                }
                for (t, reading) in blocks {
                    let (before, after) = (parse::read_instances(reading, &was), parse::read_instances(reading, &is));
                    if parse::instances_lost(&before, &after, &Set::new()) {
                        types.push(seen_from(t, &module, &at));
                    }
                }
            }
            for (var, blocks) in gated {
                // Set or unset before and after (`None`: no value and no
                // default). A `.tf` file's own values are the defaults.
                let value = |side: &Values| side.get(var).or_else(|| default(var)).map(|v| !parse::turns_off(v));
                let (was, is) = (value(&old), value(&new));
                if was == is {
                    continue;
                }
                for (t, exists_when_set) in blocks {
                    // Instances before (an unknown value counts as having
                    // them: fail closed) and none after (an unknown value
                    // after is a required variable unset: nothing runs).
                    let had = was.is_none_or(|w| w == *exists_when_set);
                    let has = is.is_none_or(|i| i == *exists_when_set);
                    if had && !has {
                        types.push(seen_from(t, &module, &at));
                    }
                }
            }
            found.insert(path.to_owned(), types);
        }
        // A gate added to a block, or changed, that the module's values
        // after the change turn off: `count = var.off ? 0 : 1` added to a
        // database whose `off` defaults to true destroys it (the same
        // gate's value changed was read above; its being added was an
        // edit). So does one an environment's variables file turns off
        // (which file a run passes with `-var-file` is not known, so each
        // counts, as a value changed in one does). A value none of them
        // gives is set elsewhere, and counts as keeping the block, as
        // above.
        for path in &regated {
            let module = folder(path);
            let (Some(after), Some(old)) = (gates.get(&module), before_module.get(&module)) else { continue };
            let old = parse::gated_types(old);
            let sides: Vec<&Values> =
                current.get(&module).into_iter().chain(environments.get(&module).into_iter().flatten()).collect();
            // (Turned off: a value unset where the block exists when set.)
            let turned_off = |var: &str, exists_when_set: bool| {
                sides.iter().any(|values| values.get(var).is_some_and(|v| parse::turns_off(v) == exists_when_set))
            };
            let mut types: Vec<String> = Vec::new();
            for (var, blocks) in after {
                for (t, exists_when_set) in blocks {
                    let new_gate = !old.get(var).is_some_and(|b| b.contains(&(t.clone(), *exists_when_set)));
                    if new_gate && turned_off(var, *exists_when_set) {
                        types.push(t.clone());
                    }
                }
            }
            found.entry((*path).to_owned()).or_default().extend(types);
        }
        // An argument passed to a local module whose change turns off a
        // gate of its blocks, or takes out instances a block's `count` or
        // `for_each` reads from it alone, destroys them, as a variables
        // file's would (`db_count = 1` to `0`, `databases` losing a key).
        // A nested local module's block counts as `module` alone.
        for (path, module, name, was, is) in passed {
            let default = defaults.get(&module).and_then(|d| d.get(&name));
            let (was, is) = (was.as_ref().or(default), is.as_ref().or(default));
            let mut types: Vec<String> = Vec::new();
            let nested = |t: &String| if local_module(&module, t).is_some() { "module".to_owned() } else { t.clone() };
            let on = |v: Option<&String>| v.map(|v| !parse::turns_off(v));
            for (t, exists_when_set) in gates.get(&module).and_then(|g| g.get(&name)).into_iter().flatten() {
                let had = on(was).is_none_or(|w| w == *exists_when_set);
                let has = on(is).is_none_or(|i| i == *exists_when_set);
                if had && !has {
                    types.push(nested(t));
                }
            }
            if let (Some(was), Some(is)) = (was, is) {
                for (t, reading) in sources.get(&module).and_then(|s| s.get(&name)).into_iter().flatten() {
                    let (before, after) = (parse::read_instances(reading, was), parse::read_instances(reading, is));
                    if parse::instances_lost(&before, &after, &Set::new()) {
                        types.push(nested(t));
                    }
                }
            }
            found.entry(path.to_owned()).or_default().extend(types);
        }
        for f in files.iter_mut() {
            if let Some(types) = found.remove(&f.path) {
                add_types(&mut f.removes, types);
            }
        }
        Ok(())
    }

    /// The values each run of a module with a file of `regated` gets
    /// from an environment's variables file, by module (the folder of
    /// those files): `current` (its defaults, then its auto-loaded files)
    /// overlaid with one `.tfvars` or `.tfvars.json` file at `head`, for
    /// each such file in the module's folder (not auto-loaded) or in a
    /// folder just below it that holds no `.tf` file (`envs/prod.tfvars`),
    /// which a run passes with `-var-file`. A tree too large to list
    /// ([`parse::MAX_TREE_FILES`]) gives none.
    fn environments_values(
        &self,
        regated: &std::collections::BTreeSet<&str>,
        current: &BTreeMap<String, BTreeMap<String, String>>,
        head: &str,
    ) -> Result<BTreeMap<String, Vec<BTreeMap<String, String>>>, ChangeError> {
        let folder = |p: &str| p.rsplit_once('/').map_or(String::new(), |(d, _)| d.to_owned());
        let modules: std::collections::BTreeSet<String> = regated.iter().map(|p| folder(p)).collect();
        let mut found: BTreeMap<String, Vec<BTreeMap<String, String>>> = BTreeMap::new();
        if modules.is_empty() {
            return Ok(found);
        }
        let mut args: Vec<String> =
            vec!["ls-tree".into(), "-r".into(), "-z".into(), "--full-name".into(), head.into(), "--".into()];
        args.extend(modules.iter().map(|f| if f.is_empty() { ".".to_owned() } else { format!("{f}/") }));
        let listed = match parse::parse_tree_files_z(&self.output("git ls-tree", &args)?) {
            Ok(listed) => listed,
            Err(ChangeError::LimitExceeded { .. }) => return Ok(found),
            Err(e) => return Err(e),
        };
        let with_tf: std::collections::BTreeSet<String> =
            listed.iter().filter(|(p, _)| terraform_hcl(p)).map(|(p, _)| folder(p)).collect();
        let auto_loaded = auto_loaded_variables_file;
        // (Each file with its module.)
        let files: Vec<(&str, &str, String)> = listed
            .iter()
            .filter(|(p, _)| terraform_variables_file(p) && !illustrative(p))
            .filter_map(|(p, h)| {
                let at = folder(p);
                let module = if with_tf.contains(&at) { at.clone() } else { folder(&at) };
                let own = at == module && auto_loaded(p);
                (modules.contains(&module) && !own).then_some((p.as_str(), h.as_str(), module))
            })
            .collect();
        let texts = self.small_blobs(files.iter().map(|(p, h, _)| (*p, *h)))?;
        for (path, _, module) in &files {
            let Some(text) = texts.get(*path) else { continue };
            let mut values = current.get(module).cloned().unwrap_or_default();
            values.extend(parse::variable_values(text, false));
            found.entry(module.clone()).or_default().push(values);
        }
        Ok(found)
    }

    /// Each task call among the kinds of `commands` (`runs task make ./
    /// destroy`, see `parse::TaskCall`) replaced by what the task runs
    /// destroys, read from its file at `head` (`parse::task_destroys`):
    /// the file the call names, from the top of the repository or from
    /// the calling file's folder (a CI step's working folder is in the
    /// call already); where none of those defines the task (a folder the
    /// line does not name; a workspace's package is named, not placed),
    /// the files of the runner's names in the tree outside vendored
    /// folders that define it (those of a package a workspace option
    /// names, where any does; more than [`MAX_TASK_FILES`] count the
    /// call by its name). Not for a local action, which is where its step
    /// names it or is not in the repository. Tasks those commands call
    /// are followed from their file's folder, at most
    /// [`MAX_TASK_CALLS`] resolutions in all. A file too large to read, or
    /// a bound passed, counts the call by its name (`make destroy`: fail
    /// closed); a task no file has destroys nothing.
    fn resolve_task_calls(&self, commands: &mut BTreeMap<String, Vec<String>>, head: &str) -> Result<(), ChangeError> {
        // (The file whose change holds the call, the file the call is
        // relative to, the call.)
        let mut wave: Vec<(String, String, parse::TaskCall)> = Vec::new();
        for (path, kinds) in commands.iter_mut() {
            kinds.retain(|k| match parse::TaskCall::from_kind(k) {
                Some(call) => {
                    wave.push((path.clone(), path.clone(), call));
                    false
                }
                None => true,
            });
        }
        if wave.is_empty() {
            return Ok(());
        }
        let folder = |p: &str| p.rsplit_once('/').map_or(String::new(), |(d, _)| d.to_owned());
        let candidates = |caller: &str, call: &parse::TaskCall| -> Vec<String> {
            let mut found: Vec<String> = Vec::new();
            if call.file.starts_with(parse::ANYWHERE) {
                return found;
            }
            for from in [String::new(), folder(caller)] {
                let names: Vec<String> = match call.file.strip_suffix('/') {
                    Some(dir) => call.runner.file_names().iter().map(|n| format!("{dir}/{n}")).collect(),
                    None => vec![call.file.clone()],
                };
                found.extend(names.iter().filter_map(|n| parse::patch_target(&from, n)));
            }
            found.dedup();
            found
        };
        // Folders of code kept from elsewhere, never where a pipeline's
        // tasks are (a red team: `vendor/.../Makefile`'s destroy target).
        let kept_from_elsewhere = |p: &str| {
            p.split('/').any(|s| {
                matches!(
                    s,
                    "vendor"
                        | "third_party"
                        | "third-party"
                        | "thirdparty"
                        | "node_modules"
                        | "bower_components"
                        | "external"
                        | "externals"
                        | ".terraform"
                )
            })
        };
        // Every file of the tree, listed once if a call needs it (`None`:
        // too many to list).
        let mut tree: Option<Option<Vec<(String, String)>>> = None;
        let mut seen: std::collections::BTreeSet<(String, String, String)> = std::collections::BTreeSet::new();
        let mut found: BTreeMap<String, Vec<String>> = BTreeMap::new();
        let mut resolved = 0usize;
        while !wave.is_empty() {
            // The files where each call names its task.
            let wanted: Vec<Vec<String>> = wave.iter().map(|(_, caller, call)| candidates(caller, call)).collect();
            let asked: std::collections::BTreeSet<&str> = wanted.iter().flatten().map(String::as_str).collect();
            let mut existing: BTreeMap<String, String> = BTreeMap::new();
            if !asked.is_empty() {
                let mut args: Vec<&str> = vec!["ls-tree", "-z", "--full-name", head, "--"];
                args.extend(asked.iter().copied());
                match parse::parse_tree_files_z(&self.output("git ls-tree", &args)?) {
                    Ok(listed) => existing.extend(listed),
                    Err(ChangeError::LimitExceeded { .. }) => {}
                    Err(e) => return Err(e),
                }
            }
            let mut texts = self.small_blobs(
                wanted.iter().flatten().filter_map(|p| existing.get(p).map(|h| (p.as_str(), h.as_str()))),
            )?;
            // A file defines the task when it cannot be read (then the
            // call counts by its name).
            let defines = |texts: &BTreeMap<String, Vec<u8>>, path: &str, call: &parse::TaskCall| {
                texts.get(path).is_none_or(|t| parse::defines_task(call.runner, t, &call.target))
            };
            let mut files: Vec<Vec<String>> = wave
                .iter()
                .zip(&wanted)
                .map(|((_, _, call), w)| {
                    w.iter().filter(|p| existing.contains_key(*p) && defines(&texts, p, call)).cloned().collect()
                })
                .collect();
            // Where none of those defines it (a step's `working-directory:`,
            // a workspace's package by its name): files of the runner's
            // names anywhere, the least deep that define it. Not for a local
            // action or a script run by its path, which is where its step
            // names it or is not in the repository.
            let lost: Vec<usize> = (0..wave.len())
                .filter(|&i| {
                    let runner = wave.get(i).map(|(_, _, c)| c.runner);
                    !matches!(
                        runner,
                        Some(parse::TaskRunner::Action | parse::TaskRunner::Script | parse::TaskRunner::AnsibleTasks)
                    ) && files.get(i).is_some_and(Vec::is_empty)
                })
                .collect();
            if !lost.is_empty() {
                if tree.is_none() {
                    let listing = self.run("git ls-tree", &["ls-tree", "-r", "-z", "--full-tree", head])?;
                    tree = Some(listing.ok().and_then(|bytes| parse::parse_tree_files_z(&bytes).ok()));
                }
                let listed: Vec<&(String, String)> = tree.iter().flatten().flatten().collect();
                let mut elsewhere: BTreeMap<usize, Vec<&(String, String)>> = BTreeMap::new();
                let mut too_many: std::collections::BTreeSet<usize> = std::collections::BTreeSet::new();
                for &i in &lost {
                    let Some((_, _, call)) = wave.get(i) else { continue };
                    let mut of_runner: Vec<&(String, String)> = listed
                        .iter()
                        .copied()
                        .filter(|(p, _)| !illustrative(p) && !kept_from_elsewhere(p))
                        .filter(|(p, _)| call.runner.file_names().contains(&p.rsplit('/').next().unwrap_or(p)))
                        .collect();
                    of_runner.sort_by_key(|(p, _)| (p.matches('/').count(), p.clone()));
                    // (Past the bound, the call counts by its name: a
                    // red team found the task past the 64th file unread.)
                    if of_runner.len() > MAX_TASK_FILES {
                        too_many.insert(i);
                        continue;
                    }
                    elsewhere.insert(i, of_runner);
                }
                texts.extend(self.small_blobs(elsewhere.values().flatten().map(|(p, h)| (p.as_str(), h.as_str())))?);
                for (i, candidates) in elsewhere {
                    let (Some((_, _, call)), Some(slot)) = (wave.get(i), files.get_mut(i)) else { continue };
                    let defining: Vec<&String> =
                        candidates.iter().map(|(p, _)| p).filter(|p| defines(&texts, p, call)).collect();
                    // A package named (`-w web`): the files of that folder
                    // or package name, where any defines the task.
                    let named: Vec<&String> = match parse::anywhere_package(&call.file) {
                        Some(package) => defining
                            .iter()
                            .copied()
                            .filter(|p| {
                                let folder = p.rsplit_once('/').map_or("", |(d, _)| d);
                                let name = texts.get(*p).and_then(|t| parse::package_name(t));
                                folder.rsplit('/').next() == Some(package)
                                    || name
                                        .as_deref()
                                        .is_some_and(|n| n == package || n.ends_with(&format!("/{package}")))
                            })
                            .collect(),
                        None => Vec::new(),
                    };
                    *slot = if named.is_empty() { defining } else { named }.into_iter().cloned().collect();
                }
                for i in too_many {
                    if let Some((origin, _, call)) = wave.get(i) {
                        found.entry(origin.clone()).or_default().push(call.plain());
                    }
                }
            }
            let mut next = Vec::new();
            for ((origin, _, call), files) in wave.into_iter().zip(files) {
                for file in files {
                    if !seen.insert((origin.clone(), file.clone(), call.target.clone())) {
                        continue;
                    }
                    resolved += 1;
                    let read =
                        texts.get(&file).filter(|_| resolved <= MAX_TASK_CALLS).and_then(|text| match call.runner {
                            parse::TaskRunner::Script => parse::script_destroys(&file, &call.target, text),
                            runner => parse::task_destroys(runner, text, &call.target),
                        });
                    let Some(kinds) = read else {
                        found.entry(origin.clone()).or_default().push(call.plain());
                        continue;
                    };
                    for kind in kinds {
                        match parse::TaskCall::from_kind(&kind) {
                            Some(inner) => next.push((origin.clone(), file.clone(), inner)),
                            None => found.entry(origin.clone()).or_default().push(kind),
                        }
                    }
                }
            }
            wave = next;
        }
        for (path, kinds) in found {
            commands.entry(path).or_default().extend(kinds);
        }
        Ok(())
    }

    /// The variables files (`defaults/`, `vars/`) of the Ansible roles
    /// whose task files are among the changed `definitions` or whose
    /// variables files changed, at `base` and `head`, and, for the latter,
    /// their task files at `head`: one `git ls-tree` a side, at most
    /// [`MAX_ROLES`] roles.
    fn role_variables(
        &self,
        files: &[FileChange],
        definitions: &[(&str, bool)],
        base: &str,
        head: &str,
    ) -> Result<RoleVariables, ChangeError> {
        let mut out = RoleVariables::default();
        let mut roles: std::collections::BTreeSet<String> = std::collections::BTreeSet::new();
        for (path, _) in definitions {
            if let Some((role, "tasks" | "handlers")) = parse::role_of(path) {
                roles.insert(role.to_owned());
            }
        }
        for f in files.iter().filter(|f| !illustrative(&f.path)) {
            if let Some((role, "defaults" | "vars")) = parse::role_of(&f.path) {
                roles.insert(role.to_owned());
                out.changed.push((f.path.clone(), role.to_owned()));
            }
        }
        let roles: Vec<String> = roles.into_iter().take(MAX_ROLES).collect();
        out.changed.retain(|(_, role)| roles.contains(role));
        if roles.is_empty() {
            return Ok(out);
        }
        let list = |rev: &str, parts: &[&str], roles: &[&String]| -> Result<Vec<(String, String)>, ChangeError> {
            if roles.is_empty() {
                return Ok(Vec::new());
            }
            let mut args: Vec<String> =
                vec!["ls-tree".into(), "-r".into(), "-z".into(), "--full-name".into(), rev.into(), "--".into()];
            args.extend(roles.iter().flat_map(|r| parts.iter().map(move |p| format!("{r}/{p}/"))));
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            match parse::parse_tree_files_z(&self.output("git ls-tree", &args)?) {
                Ok(found) => Ok(found.into_iter().filter(|(p, _)| parse::role_of(p).is_some()).collect()),
                Err(ChangeError::LimitExceeded { .. }) => Ok(Vec::new()),
                Err(e) => Err(e),
            }
        };
        let all: Vec<&String> = roles.iter().collect();
        let changed: Vec<&String> = roles.iter().filter(|r| out.changed.iter().any(|(_, c)| c == *r)).collect();
        for (rev, old) in [(base, true), (head, false)] {
            let listed = list(rev, &["vars", "defaults"], &all)?;
            let texts = self.small_blobs(listed.iter().map(|(p, h)| (p.as_str(), h.as_str())))?;
            // (`vars/` before `defaults/`: a role's vars win over its
            // defaults; within each, by path.)
            let mut ordered: Vec<(String, Vec<u8>)> = texts.into_iter().collect();
            ordered.sort_by_key(|(p, _)| parse::role_of(p).map(|(_, part)| part != "vars"));
            for (path, text) in ordered {
                if let Some((role, _)) = parse::role_of(&path) {
                    out.variables.entry((role.to_owned(), old)).or_default().push(text);
                }
            }
        }
        let listed = list(head, &["tasks", "handlers"], &changed)?;
        for (path, text) in self.small_blobs(listed.iter().map(|(p, h)| (p.as_str(), h.as_str())))? {
            if let Some((role, _)) = parse::role_of(&path) {
                out.tasks.entry(role.to_owned()).or_default().push(text);
            }
        }
        Ok(out)
    }

    /// The contents of the `paths` before and after the change, where
    /// each side is a file, as [`Self::small_blobs`] reads them.
    fn both_sides(&self, paths: &[&str], blobs: &BTreeMap<String, parse::BlobSides>) -> Result<BothSides, ChangeError> {
        if paths.is_empty() {
            return Ok((BTreeMap::new(), BTreeMap::new()));
        }
        let side = |p: &str, old: bool| {
            blobs.get(p).and_then(|(before, after)| if old { before.as_deref() } else { after.as_deref() })
        };
        let before = self.small_blobs(paths.iter().filter_map(|p| side(p, true).map(|h| (*p, h))))?;
        let after = self.small_blobs(paths.iter().filter_map(|p| side(p, false).map(|h| (*p, h))))?;
        Ok((before, after))
    }

    /// The contents of `blobs` (path, blob hash) of at most
    /// `parse::MAX_EMPTIED_TEXT` bytes each, by path, read while they total
    /// at most [`MAX_EMPTIED_READ`]: `git cat-file --batch-check` gives the
    /// sizes, one `git cat-file --batch` the contents.
    fn small_blobs<'p>(
        &self,
        blobs: impl Iterator<Item = (&'p str, &'p str)>,
    ) -> Result<BTreeMap<String, Vec<u8>>, ChangeError> {
        // Each (path, blob) once, in the order first given (a red team:
        // the same file asked by 48 lists was copied 48 times, 3 GB).
        let mut asked = std::collections::BTreeSet::new();
        let blobs: Vec<(&str, &str)> = blobs.filter(|pair| asked.insert(*pair)).collect();
        if blobs.is_empty() {
            return Ok(BTreeMap::new());
        }
        let mut cache = self.blobs.try_borrow_mut().map_err(|_| {
            git_error("git cat-file", String::new(), "blob cache in use", "report this as a bug in blastgate")
        })?;
        let mut unsized_hashes: Vec<&str> =
            blobs.iter().map(|(_, h)| *h).filter(|h| !cache.sizes.contains_key(*h)).collect();
        unsized_hashes.sort_unstable();
        unsized_hashes.dedup();
        if !unsized_hashes.is_empty() {
            let input: Vec<u8> = unsized_hashes.iter().flat_map(|b| b.bytes().chain(std::iter::once(b'\n'))).collect();
            let checked = self
                .run_with_input("git cat-file", &["cat-file", "--batch-check"], Some(input))?
                .map_err(|f| failed("git cat-file", &f))?;
            let sizes: BTreeMap<String, usize> = String::from_utf8_lossy(&checked)
                .lines()
                .filter_map(|line| {
                    let mut parts = line.split(' ');
                    let (hash, kind, size) = (parts.next()?, parts.next()?, parts.next()?);
                    (kind == "blob").then_some(())?;
                    Some((hash.to_owned(), size.parse().ok()?))
                })
                .collect();
            for hash in unsized_hashes {
                cache.sizes.insert(hash.to_owned(), sizes.get(hash).copied());
            }
        }
        let mut total = 0usize;
        let mut wanted: Vec<&str> = Vec::new();
        for (_, hash) in &blobs {
            let Some(&Some(size)) = cache.sizes.get(*hash) else { continue };
            if size <= parse::MAX_EMPTIED_TEXT && total.saturating_add(size) <= MAX_EMPTIED_READ {
                total = total.saturating_add(size);
                wanted.push(hash);
            }
        }
        wanted.sort_unstable();
        wanted.dedup();
        let unread: Vec<&str> = wanted.iter().copied().filter(|h| !cache.texts.contains_key(*h)).collect();
        let mut texts = BTreeMap::new();
        if !unread.is_empty() {
            let input: Vec<u8> = unread.iter().flat_map(|b| b.bytes().chain(std::iter::once(b'\n'))).collect();
            let out = self
                .run_with_input("git cat-file", &["cat-file", "--batch"], Some(input))?
                .map_err(|f| failed("git cat-file", &f))?;
            texts = parse::parse_cat_file_batch(&out)?;
        }
        let found: BTreeMap<String, Vec<u8>> = blobs
            .into_iter()
            .filter(|(_, hash)| wanted.binary_search(hash).is_ok())
            .filter_map(|(path, hash)| {
                let text = cache.texts.get(hash).or_else(|| texts.get(hash))?;
                Some((path.to_owned(), text.clone()))
            })
            .collect();
        for (hash, text) in texts {
            if cache.bytes.saturating_add(text.len()) <= MAX_BLOB_CACHE {
                cache.bytes = cache.bytes.saturating_add(text.len());
                cache.texts.insert(hash, text);
            }
        }
        Ok(found)
    }

    /// The symbolic links of `commit`, by path, each with its text (see
    /// `parse::resolve_links`): `git ls-tree` lists them with their blobs,
    /// and one `git cat-file --batch` reads the blobs. (Asking `git
    /// diff-tree` for the links' paths as pathspecs cost every tree entry
    /// a comparison with every link: 100,000 links took a minute, an
    /// audit.)
    fn links(&self, commit: &str) -> Result<BTreeMap<String, String>, ChangeError> {
        let listed = self.output("git ls-tree", &["ls-tree", "-r", "-z", "--full-tree", commit])?;
        let links = parse::parse_links_z(&listed)?;
        if links.is_empty() {
            return Ok(BTreeMap::new());
        }
        let mut blobs: Vec<&str> = links.iter().map(|(_, blob)| blob.as_str()).collect();
        blobs.sort_unstable();
        blobs.dedup();
        let input: Vec<u8> = blobs.iter().flat_map(|b| b.bytes().chain(std::iter::once(b'\n'))).collect();
        let out = self
            .run_with_input("git cat-file", &["cat-file", "--batch"], Some(input))?
            .map_err(|f| failed("git cat-file", &f))?;
        let texts = parse::parse_cat_file_batch(&out)?;
        Ok(links
            .into_iter()
            .filter_map(|(path, blob)| {
                let text = texts.get(&blob)?;
                // Longer than a path may be: no system follows it.
                (text.len() <= parse::MAX_LINK_TEXT).then(|| (path, String::from_utf8_lossy(text).into_owned()))
            })
            .collect())
    }

    /// Why re-merging commits here could run a program the configuration
    /// names, or `None` when it cannot. git picks a merge driver by the
    /// `merge` attribute, else by `merge.default`, and runs the command a
    /// `merge.<name>.driver` setting gives (a git audit: a driver ran in the
    /// revert and the fix checks). The re-merges read attributes from the
    /// empty tree, no global attributes file and no system one
    /// (`GIT_ATTR_NOSYSTEM`), which leaves `$GIT_DIR/info/attributes`, which
    /// git cannot be told to skip, and `merge.default`, which cannot be
    /// unset from the command line. Either one, or an `info/attributes`
    /// that cannot be read, blocks the re-merges.
    fn remerge_blocked(&self) -> Result<Option<String>, ChangeError> {
        if self.run("git config", &["config", "--get", "merge.default"])?.is_ok() {
            return Ok(Some(
                "the configuration sets `merge.default`, which may name a merge driver that runs a program".to_owned(),
            ));
        }
        let out = self.output("git rev-parse", &["rev-parse", "--git-path", "info/attributes"])?;
        let relative = String::from_utf8_lossy(&out);
        let path = self.repo.join(relative.trim_end_matches('\n'));
        let text = match std::fs::File::open(&path) {
            Ok(file) => {
                let mut bytes = Vec::new();
                match file.take(MAX_INFO_ATTRIBUTES_BYTES + 1).read_to_end(&mut bytes) {
                    Ok(_) if bytes.len() as u64 <= MAX_INFO_ATTRIBUTES_BYTES => bytes,
                    _ => {
                        return Ok(Some(
                            "the repository's `info/attributes` cannot be read whole, and may name a merge driver"
                                .to_owned(),
                        ));
                    }
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(_) => {
                return Ok(Some(
                    "the repository's `info/attributes` cannot be read, and may name a merge driver".to_owned(),
                ));
            }
        };
        // Any mention of `merge`: an attribute, or a macro that sets it.
        let mentions = text.windows(5).any(|w| w.eq_ignore_ascii_case(b"merge"));
        Ok(mentions.then(|| {
            "the repository's `info/attributes` sets `merge` attributes, which may name a merge driver that runs a \
             program"
                .to_owned()
        }))
    }

    /// Whether the repository is a shallow clone.
    fn is_shallow(&self) -> Result<bool, ChangeError> {
        let out = self.output("git rev-parse", &["rev-parse", "--is-shallow-repository"])?;
        match String::from_utf8_lossy(&out).trim() {
            "true" => Ok(true),
            "false" => Ok(false),
            other => Err(git_error(
                "git rev-parse",
                other,
                "expected `true` or `false` from `--is-shallow-repository`",
                "run `git rev-parse --is-shallow-repository` by hand to see why",
            )),
        }
    }

    /// Refuses a range that reaches the boundary of a shallow clone: a
    /// commit of the range that git shows without parents while its object
    /// names some (their commits were not fetched, so commits of the range
    /// are missing).
    fn check_not_cut(&self, range: &str, commits: &[parse::Commit]) -> Result<(), ChangeError> {
        for commit in commits.iter().filter(|c| c.parents.is_empty()) {
            let object = self.output("git cat-file", &["cat-file", "commit", commit.hash.as_str()])?;
            let header = object.split(|b| *b == b'\n').take_while(|line| !line.is_empty());
            if header.into_iter().any(|line| line.starts_with(b"parent ")) {
                return Err(git_error(
                    "range",
                    range,
                    format!(
                        "the repository is a shallow clone and the range reaches its boundary: the parents of \
                         commit `{}` were not fetched, so commits of the range are missing",
                        short(&commit.hash)
                    ),
                    "fetch full history with `git fetch --unshallow` (in GitHub Actions, `actions/checkout` \
                     with `fetch-depth: 0`)",
                ));
            }
        }
        Ok(())
    }

    /// Whether the range is a fix (`parse::range_is_fix`): its non-merge
    /// commits, and its merges that bring content of their own, all fixes.
    /// A merge brings content of its own when git's re-merge of its
    /// parents (`--remerge-diff`, git 2.36) differs from its tree: code
    /// added in the merge commit itself (an "evil merge": `git merge
    /// --no-commit`, add a feature, commit), or a resolved conflict (fail
    /// closed). One `git log` over the range's merges, run only when the
    /// range has one and its other commits are all fixes.
    ///
    /// When `remerge_blocked` gives a reason (see [`Git::remerge_blocked`])
    /// nothing is re-merged: every merge counts as content of its own,
    /// with a note.
    fn range_is_fix(
        &self,
        base: &str,
        head: &str,
        commits: &[parse::Commit],
        remerge_blocked: Option<&str>,
        notes: &mut Vec<String>,
    ) -> Result<Option<bool>, ChangeError> {
        let none = std::collections::BTreeSet::new();
        let without_merges = parse::range_is_fix(commits, &none);
        if without_merges == Some(false) || !commits.iter().any(parse::Commit::is_merge) {
            return Ok(without_merges);
        }
        if let Some(reason) = remerge_blocked {
            notes.push(format!(
                "fix: {reason}; git was not asked to re-merge the range's merges, so each counts as content of \
                 its own"
            ));
            let all: std::collections::BTreeSet<String> =
                commits.iter().filter(|c| c.is_merge()).map(|c| c.hash.clone()).collect();
            return Ok(parse::range_is_fix(commits, &all));
        }
        // Attributes from the empty tree, as for the diffs: a `merge=ours`
        // in the change's own `.gitattributes` must not shape the re-merge.
        // No global attributes file either: it could name a merge driver.
        let attr_source = format!("--attr-source={}", empty_tree(head));
        let format = format!("--format={}", parse::MERGE_CONTENT_FORMAT);
        let range = format!("{base}..{head}");
        let mut args = vec![attr_source.as_str(), "-c", NO_ATTRIBUTES_FILE, "log", &format, "--merges"];
        args.extend(["--max-parents=2", "--remerge-diff"]);
        args.extend(["--name-only", "--ignore-submodules=none", "--no-ext-diff", "--no-textconv"]);
        args.extend(LOG_OPTIONS);
        args.extend([range.as_str(), "--"]);
        let merges = parse::parse_merges_with_content(&self.output("git log", &args)?)?;
        Ok(parse::range_is_fix(commits, &merges))
    }

    fn range_commits(&self, base: &str, head: &str) -> Result<Vec<parse::Commit>, ChangeError> {
        let range = format!("{base}..{head}");
        let commits = self.log(&[range.as_str(), "--"], &[])?;
        if commits.len() > MAX_COMMITS {
            return Err(ChangeError::limit("git log", "max_commits", MAX_COMMITS as u64, commits.len() as u64));
        }
        Ok(commits)
    }

    /// The full hash of the commit a message names (`This reverts commit
    /// X.`), or `None` when the repository has no such commit.
    fn commit_named(&self, name: &str) -> Result<Option<String>, ChangeError> {
        let spec = format!("{name}^{{commit}}");
        let found = self.run("git rev-parse", &["rev-parse", "--verify", "--quiet", "--end-of-options", &spec])?;
        Ok(found.ok().map(|hash| String::from_utf8_lossy(&hash).trim().to_owned()))
    }

    /// The commits whose lines `commits` land again: following git's `This
    /// reverts commit X.` lines, a revert of a revert of `X` (git's
    /// "Reapply") lands `X` again, and so does a revert of that, four
    /// steps back; a revert of `X` itself, or three steps back, takes
    /// them out. Those commits' authors and AI help count for the change
    /// as the range's own do; each is said in a note. A chain stops at a
    /// commit the repository lacks (a shallow clone: what it brought stays
    /// unknown, said in a note) or at one whose message names no commit. A
    /// chain longer than [`MAX_REAPPLY_STEPS`] steps, or more than
    /// [`MAX_REAPPLY_CHAINS`] reverts in the range, is a limit error: what
    /// the range lands again would not be known.
    fn reapplied(&self, commits: &[parse::Commit], notes: &mut Vec<String>) -> Result<Vec<parse::Commit>, ChangeError> {
        let mut out: Vec<parse::Commit> = Vec::new();
        let reverts: Vec<&parse::Commit> =
            commits.iter().filter(|c| parse::reverted_commit(&c.message).is_some()).collect();
        // Past either bound whose lines a revert lands again is not known,
        // and its AI help may be lost: a limit error, not a guess (an
        // audit: 101 reverts of notes, or a chain of 12, dropped a
        // reapplied commit's AI trailer with at most a warning).
        if reverts.len() > MAX_REAPPLY_CHAINS {
            return Err(ChangeError::limit(
                "git log",
                "max_reverts_followed",
                MAX_REAPPLY_CHAINS as u64,
                reverts.len() as u64,
            ));
        }
        for c in reverts {
            let mut message = c.message.clone();
            for step in 1..=MAX_REAPPLY_STEPS + 1 {
                let Some(target) = parse::reverted_commit(&message) else { break };
                if step > MAX_REAPPLY_STEPS {
                    return Err(ChangeError::limit(
                        "git log",
                        "max_revert_chain",
                        MAX_REAPPLY_STEPS as u64,
                        step as u64,
                    ));
                }
                let Some(hash) = self.commit_named(target)? else {
                    if step > 1 {
                        notes.push(format!(
                            "reapply: commit {} reverts a revert, but the commit {} its chain names is not in the \
                             repository (a shallow clone?): who made the lines it lands again, and with what AI \
                             help, is not known",
                            short(&c.hash),
                            short(target)
                        ));
                    }
                    break;
                };
                let reverted = self.commit(&hash)?;
                if step % 2 == 0 && !out.iter().any(|o| o.hash == reverted.hash) {
                    notes.push(format!(
                        "reapply: commit {} lands again the lines of commit {} (a revert of a revert): that \
                         commit's authors and AI help count",
                        short(&c.hash),
                        short(&reverted.hash)
                    ));
                    out.push(reverted.clone());
                }
                message = reverted.message;
            }
        }
        Ok(out)
    }

    /// Whether every commit of `commits` is a verified revert of a commit
    /// before `base` that is no revert itself, at most
    /// [`MAX_REVERT_AGE_DAYS`] older than it (see
    /// [`changeset_from_git`], `labels`). Any doubt (a name git cannot
    /// resolve, a commit after the base or long before it, a patch that
    /// differs, too many commits) is `false`: no exception is granted on it.
    /// When `remerge_blocked` gives a reason (see
    /// [`Git::remerge_blocked`]) no commit is checked: `false`, with a note.
    fn verified_reverts(
        &self,
        base: &str,
        commits: &[parse::Commit],
        remerge_blocked: Option<&str>,
        notes: &mut Vec<String>,
    ) -> Result<bool, ChangeError> {
        if commits.is_empty() || commits.len() > MAX_VERIFIED_REVERTS {
            return Ok(false);
        }
        if commits.iter().any(|c| parse::reverted_commit(&c.message).is_none()) {
            return Ok(false);
        }
        if let Some(reason) = remerge_blocked {
            notes.push(format!(
                "revert: {reason}; git was not asked to re-apply the reverts, so the range gets no `revert` label"
            ));
            return Ok(false);
        }
        let oldest = self.commit(base)?.time.saturating_sub(MAX_REVERT_AGE_DAYS * 86_400);
        for c in commits {
            // Why `c` is not a verified revert, said: an on-call engineer
            // whose revert is refused at a sev1 must learn why (an
            // incident-response audit: a code host's Revert of a merged
            // pull request was blocked without a word).
            let mut refuse = |why: &str| {
                notes.push(format!(
                    "revert: commit {} says it reverts a commit, but {why}; the range gets no `revert` label, so a \
                     freeze, a spent error budget or a sev1 that lets rollbacks through does not let it through",
                    short(&c.hash)
                ));
                Ok(false)
            };
            let (Some(target), [parent]) = (parse::reverted_commit(&c.message), c.parents.as_slice()) else {
                return refuse("it is a merge");
            };
            let Some(reverted) = self.commit_named(target)? else {
                return refuse("the commit it names is not in the repository");
            };
            let before = self.run("git merge-base", &["merge-base", "--is-ancestor", &reverted, base])?.is_ok();
            let original = self.commit(&reverted)?;
            // What the reverted commit changed is its diff from its
            // parent; for a merge, from the parent the revert went back to
            // (`git revert -m N`, which git's message names: a code host's
            // Revert of a pull request merged with a merge commit).
            let merge = original.parents.len() > 1;
            let original_parent = match original.parents.as_slice() {
                [p] => p.clone(),
                parents => {
                    // Only the first parent, the branch merged into (`-m
                    // 1`): back to what ran there. Going back to another
                    // parent undoes the mainline's own changes instead.
                    let mainline = parse::reverted_mainline(&c.message).map(str::to_ascii_lowercase);
                    match (mainline, parents.first()) {
                        (Some(m), Some(first)) if first.starts_with(&m) => first.clone(),
                        _ => {
                            return refuse(
                                "the commit it reverts is a merge, and the revert does not go back to its first \
                                 parent (`git revert -m 1`, which git's message names: `reversing changes made to \
                                 ...`)",
                            );
                        }
                    }
                }
            };
            // A revert of a revert re-lands what was taken out (git calls
            // it "Reapply"): new code, not a return to what ran.
            // (A revert made on a code host may lack git's line but keeps
            // its subject: `Revert "Add discounts" (#12)`, a later audit.)
            if !before {
                return refuse("the commit it reverts was not deployed before the base of the range");
            }
            if parse::reverted_commit(&original.message).is_some() || original.subject().starts_with("Revert \"") {
                return refuse("the commit it reverts is a revert itself (reverting it re-lands new code)");
            }
            // A merge brings in every commit of its other side: one of them
            // a revert, undoing the merge re-lands what that revert took
            // out (a red-team audit: the Revert of a merged pull request
            // that had reverted a feature brought the feature back, with
            // the label). Any such commit, or too many to read, refuses.
            if merge {
                let brought = format!("{original_parent}..{reverted}");
                let commits = self.log(&[brought.as_str(), "--"], &[])?;
                if commits.len() > MAX_COMMITS {
                    return refuse(&format!(
                        "the merge it reverts brought in more than {MAX_COMMITS} commits, too many to check"
                    ));
                }
                if commits
                    .iter()
                    .any(|b| parse::reverted_commit(&b.message).is_some() || b.subject().starts_with("Revert \""))
                {
                    return refuse(
                        "the merge it reverts brought in a revert, so undoing the merge re-lands what that revert \
                         took out",
                    );
                }
            }
            if original.time < oldest {
                return refuse(&format!(
                    "the commit it reverts is more than {MAX_REVERT_AGE_DAYS} days older than the base (a rollback undoes a recent deploy)"
                ));
            }
            if parse::diff_essence(&self.patch(&reverted, &original_parent)?)
                != parse::diff_essence(&self.patch(parent, &c.hash)?)
                || !self.is_exact_revert(&reverted, &original_parent, parent, &c.hash)?
            {
                return refuse("its changes are not exactly the reverted commit's turned around, in the same place");
            }
        }
        Ok(true)
    }

    /// Whether `commit` (on `parent`) is exactly what `git revert
    /// reverted` gives there: the three-way merge of `parent` and the
    /// reverted commit's parent with the reverted commit as base, clean and
    /// with `commit`'s tree. The patches' text alone leaves out where a
    /// hunk is (its `@@` line numbers differ once the file changed
    /// elsewhere), so the same lines undone in another block with the same
    /// neighbours (`limit: 100` under `eu:` instead of `us:`) would pass.
    fn is_exact_revert(
        &self,
        reverted: &str,
        reverted_parent: &str,
        parent: &str,
        commit: &str,
    ) -> Result<bool, ChangeError> {
        let base = format!("--merge-base={reverted}");
        // No attributes but git's own, as for the fix check: neither the
        // work tree's `.gitattributes` nor a global file may pick a merge
        // driver (one ran here, a git audit).
        let attr_source = format!("--attr-source={}", empty_tree(commit));
        let args = [
            attr_source.as_str(),
            "-c",
            NO_ATTRIBUTES_FILE,
            "merge-tree",
            "--write-tree",
            "--no-messages",
            base.as_str(),
            parent,
            reverted_parent,
        ];
        let Ok(merged) = self.run("git merge-tree", &args)? else {
            // Conflicts (exit 1) or a failure: not a clean revert.
            return Ok(false);
        };
        let tree = format!("{commit}^{{tree}}");
        let want = self.output("git rev-parse", &["rev-parse", "--verify", "--end-of-options", &tree])?;
        let merged = String::from_utf8_lossy(&merged);
        Ok(merged.lines().next().map(str::trim) == Some(String::from_utf8_lossy(&want).trim()))
    }

    /// The `-U3` patch from `a` to `b` (three lines of context, git's
    /// default: a revert must undo the lines where they were, not the
    /// same text elsewhere in the file), every file as text, no
    /// `.gitattributes` or external tool in the way (as [`Git::files`]).
    fn patch(&self, a: &str, b: &str) -> Result<Vec<u8>, ChangeError> {
        let attr_source = format!("--attr-source={}", empty_tree(b));
        let args = [
            attr_source.as_str(),
            "diff-tree",
            "-p",
            "-U3",
            "--text",
            "--no-renames",
            "-r",
            "--ignore-submodules=none",
            "--no-ext-diff",
            "--no-textconv",
            "--no-color",
            a,
            b,
            "--",
        ];
        self.output("git diff-tree", &args)
    }

    fn commit(&self, hash: &str) -> Result<parse::Commit, ChangeError> {
        let format = format!("--format={LOG_FORMAT}");
        let mut args = vec!["log", "--max-count=1", &format];
        args.extend(LOG_OPTIONS);
        args.extend([hash, "--"]);
        let commits = parse::parse_log(&self.output("git log", &args)?)?;
        commits.into_iter().next().ok_or_else(|| {
            git_error("range", hash, "git printed no commit", "run `git log -1` on the revision to see why")
        })
    }

    /// `git log` with our format and options, at most `MAX_COMMITS + 1`
    /// commits; `revisions` ends with `--` and is followed by `paths`.
    fn log(&self, revisions: &[&str], extra: &[&str]) -> Result<Vec<parse::Commit>, ChangeError> {
        let max = format!("--max-count={}", MAX_COMMITS + 1);
        let format = format!("--format={LOG_FORMAT}");
        let mut args: Vec<&str> = vec!["log", &format, &max];
        args.extend(LOG_OPTIONS);
        args.extend(extra);
        args.extend(revisions);
        parse::parse_log(&self.output("git log", &args)?)
    }

    /// A history log: cut at `MAX_COMMITS`, or unknown when its output is
    /// over the byte limit.
    fn history_log(&self, args: &[OsString]) -> Result<CommitLog, ChangeError> {
        let max = format!("--max-count={}", MAX_COMMITS + 1);
        let format = format!("--format={LOG_FORMAT}");
        let fixed = ["log", &format, &max, "--no-merges", "--no-renames", "--name-only", "--ignore-submodules=none"];
        let mut all: Vec<OsString> = fixed.iter().chain(LOG_OPTIONS.iter()).map(OsString::from).collect();
        all.extend(args.iter().cloned());
        let bytes = match self.run("git log", &all)? {
            Ok(bytes) => bytes,
            Err(f) => return Err(failed("git log", &f)),
        };
        let mut commits = parse::parse_log(&bytes)?;
        let complete = commits.len() <= MAX_COMMITS;
        commits.truncate(MAX_COMMITS);
        Ok(CommitLog { commits, complete })
    }

    fn file_history(&self, base: &str, files: &[FileChange]) -> Result<CommitLog, ChangeError> {
        let mut paths: Vec<&str> = files.iter().map(parse::history_path).collect();
        paths.sort_unstable();
        paths.dedup();
        if paths.is_empty() {
            return Ok(CommitLog { commits: Vec::new(), complete: true });
        }
        let mut args = vec![OsString::from(base), OsString::from("--")];
        let specs = pathspecs(&paths);
        if specs.iter().map(|p| p.len()).sum::<usize>() <= MAX_PATHSPEC_BYTES {
            args.extend(specs.iter().map(OsString::from));
        }
        unknown_if_too_big(self.history_log(&args))
    }

    fn author_history(&self, base: &str, email: &str) -> Result<CommitLog, ChangeError> {
        let args = ["-F", "-i", &format!("--author=<{email}>"), base, "--"].map(OsString::from);
        unknown_if_too_big(self.history_log(&args))
    }
}

/// The setting that leaves out the global attributes file
/// (`core.attributesFile`, by default `~/.config/git/attributes`).
const NO_ATTRIBUTES_FILE: &str = "core.attributesFile=";

/// The largest `info/attributes` read to see whether it names merge
/// drivers; a larger one blocks the re-merges.
const MAX_INFO_ATTRIBUTES_BYTES: u64 = 1024 * 1024;

/// The attributes the counting diffs read: `diff` on every path, so git
/// counts lines in every file, binary or not.
const TEXT_ATTRIBUTES: &[u8] = b"* diff\n";

/// The empty tree in the hash of `commit` (SHA-1 or SHA-256). git knows it
/// in every repository without storing it.
fn empty_tree(commit: &str) -> &'static str {
    if commit.len() == 64 {
        "6ef19b41225c5369f1c104d45d8d85efa9b057b53b14b4b9b939dd74decc5321"
    } else {
        "4b825dc642cb6eb9a060e54bf8d69288fbee4904"
    }
}

/// A gitattributes file of our own in the temporary folder, removed when
/// dropped (`tempfile` picks a name no one else has and never follows a
/// link someone put there).
fn attributes_file(contents: &[u8]) -> Result<tempfile::NamedTempFile, ChangeError> {
    use std::io::Write;
    let io = |e: &std::io::Error| {
        ChangeError::Io(blastgate_graph::ErrorDetail::new(
            "git",
            "",
            "",
            format!("cannot write a temporary attributes file: {e}"),
        ))
    };
    let mut file = tempfile::Builder::new().prefix("blastgate-attributes-").tempfile().map_err(|e| io(&e))?;
    file.write_all(contents).and_then(|()| file.flush()).map_err(|e| io(&e))?;
    Ok(file)
}

/// A history log over the byte limit is unknown rather than an error: the
/// changeset is still usable without history metrics.
fn unknown_if_too_big(log: Result<CommitLog, ChangeError>) -> Result<CommitLog, ChangeError> {
    match log {
        Err(e) if e.is_limit() => Ok(CommitLog { commits: Vec::new(), complete: false }),
        other => other,
    }
}

/// The [`ChangeError::Git`] of a git command that failed: an object a
/// partial clone left out (git was told not to fetch it) is named as
/// such, any other failure by git's first line.
fn failed(what: &str, f: &Failure) -> ChangeError {
    let missing = f.stderr.lines().find_map(|line| {
        let rest = line.trim().strip_prefix("fatal: could not fetch ")?;
        rest.strip_suffix(" from promisor remote")
    });
    if let Some(object) = missing.or_else(|| f.stderr.contains("lazy fetching disabled").then_some("")) {
        return git_error(
            what,
            blastgate_graph::shorten(object),
            "the repository is a partial clone and git needs an object it did not fetch; blastgate does not \
             fetch it (that connects to the remote with programs the repository's configuration names)",
            "read the range in a full clone (without `--filter`; in GitHub Actions, `actions/checkout` without \
             `filter`), or give the changeset as a file (`--change`)",
        );
    }
    git_error(what, "", format!("git failed: {}", first_line(&f.stderr)), "run the same git command by hand to see why")
}

/// The first git that can be told not to fetch the objects a partial
/// clone left out (`GIT_NO_LAZY_FETCH`).
const NO_LAZY_FETCH_GIT: (u32, u32) = (2, 44);

/// A [`ChangeError::Git`] with a hint.
/// The oldest git the reader works with (major, minor).
pub const MIN_GIT: (u32, u32) = (2, 42);

/// `(major, minor)` of `git version` output (`git version 2.47.3`, `git
/// version 2.39.5 (Apple Git-154)`); `None` when it does not read so.
fn git_version(text: &str) -> Option<(u32, u32)> {
    let number = text.strip_prefix("git version ")?.split_whitespace().next()?;
    let mut parts = number.split('.');
    let major = parts.next()?.parse().ok()?;
    let minor = parts.next()?.trim_end_matches(|c: char| !c.is_ascii_digit()).parse().ok()?;
    Some((major, minor))
}

fn git_error(
    place: impl Into<String>,
    value: impl Into<String>,
    message: impl Into<String>,
    help: impl Into<String>,
) -> ChangeError {
    match GraphError::syntax("git", place, value, message).with_help(help) {
        GraphError::Syntax(detail) => ChangeError::Git(detail),
        other => ChangeError::from(other),
    }
}

/// The first non-empty line of git's error output, shortened.
fn first_line(stderr: &str) -> String {
    let line = stderr.lines().map(str::trim).find(|l| !l.is_empty()).unwrap_or("no error message");
    blastgate_graph::shorten(line)
}

fn short(hash: &str) -> &str {
    hash.get(..12).unwrap_or(hash)
}

fn clip(s: &str) -> String {
    let mut end = s.len().min(MAX_STRING_BYTES);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s.get(..end).unwrap_or_default().to_owned()
}

#[cfg(test)]
mod tests {
    use super::{MAX_PATHSPECS, git_version, pathspecs};

    #[test]
    fn many_paths_are_logged_by_their_folders() {
        let few = ["src/a/x.go", "src/b/y.go", "README.md"];
        assert_eq!(pathspecs(&few), ["README.md", "src/a/x.go", "src/b/y.go"]);
        let many: Vec<String> = (0..1000).map(|i| format!("src/s{}/pkg{i}/f.go", i % 50)).collect();
        let many: Vec<&str> = many.iter().map(String::as_str).collect();
        // 1,000 folders `src/sN/pkgM`, then the 50 `src/sN`.
        let specs = pathspecs(&many);
        assert_eq!(specs.len(), 50);
        assert!(specs.len() <= MAX_PATHSPECS && specs.iter().all(|s| s.starts_with("src/s")));
        // A file at the top among too many: the whole history.
        let mut with_top = many.clone();
        with_top.push("Makefile");
        let deep: Vec<String> = (0..100).map(|i| format!("t{i}/x")).collect();
        with_top.extend(deep.iter().map(String::as_str));
        assert!(pathspecs(&with_top).is_empty());
    }

    /// A red team: exporters, dashboards, UIs and ephemeral volumes of a
    /// datastore's chart read as the datastore.
    #[test]
    fn helm_switches_hold_data_by_what_they_name() {
        use super::switched_off_holds as holds;
        for quiet in [
            "metrics.kafka",
            "shmVolume",
            "exporters.postgres",
            "grafana.dashboards.postgresql",
            "prometheusRule.mysql",
            "elasticsearchExporter",
            "rabbitmqManagement",
            "kafkaConnect",
            "redisCommander",
            "mongo-express",
            "etcdDefrag",
            "consulSync",
            "persistentVolumeClaimRetentionPolicy",
            "ingress",
        ] {
            assert_eq!(holds(quiet), None, "{quiet}");
        }
        assert_eq!(holds("primary.persistence").as_deref(), Some("PersistentVolumeClaim"));
        assert_eq!(holds("server.persistentVolume").as_deref(), Some("PersistentVolumeClaim"));
        assert_eq!(holds("postgresql").as_deref(), Some("postgresql"));
        assert_eq!(holds("minio").as_deref(), Some("minio"));
        // (etcd's words read as data since red team 12.)
        assert_eq!(holds("etcd").as_deref(), Some("etcd"));
        assert_eq!(holds("zookeeper").as_deref(), Some("PersistentVolumeClaim"));
        assert_eq!(holds("db").as_deref(), Some("PersistentVolumeClaim"));
    }

    #[test]
    fn git_versions_read_as_major_and_minor() {
        assert_eq!(git_version("git version 2.47.3"), Some((2, 47)));
        assert_eq!(git_version("git version 2.39.5 (Apple Git-154)"), Some((2, 39)));
        assert_eq!(git_version("git version 2.42.0.windows.2"), Some((2, 42)));
        assert_eq!(git_version("git version 3.0"), Some((3, 0)));
        assert!(git_version("git version 2.41.0") < Some(super::MIN_GIT));
        assert_eq!(git_version("hub version 2.14.2"), None);
        assert_eq!(git_version(""), None);
    }
}
