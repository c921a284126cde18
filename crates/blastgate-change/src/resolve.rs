//! Resolving a changeset against the graph: which graph nodes it changes
//! (named services, files mapped to services, infrastructure resources
//! mapped to nodes), what kinds of change it holds, who owns what it
//! touches, and its size metrics. This is what gets scored, and what
//! `blastgate change show` prints.
//!
//! A file maps to a service by, in order: its `service` field; the path
//! mapping (a service map file, or Backstage `source-location`
//! annotations; several services sharing one source location each count);
//! otherwise the first path segment that is the id of a graph
//! node (`src/cartservice/main.go` -> `cartservice`). A file that maps to
//! nothing is listed as unmapped: it changes no node, and the assessment
//! says so.

use std::collections::{BTreeMap, BTreeSet};

use blastgate_graph::{ErrorDetail, FrozenGraph};
use rayon::prelude::*;
use serde::Serialize;

use crate::classify::Classifier;
use crate::error::ChangeError;
use crate::metrics::ChangeMetrics;
use crate::model::{ChangeKind, Changeset, FileChange, FileStatus, InfraAction, InfraChange};

/// Maps repository paths to services and owners.
pub trait PathMapping {
    /// The service the path belongs to, if a rule says so.
    fn service_of(&self, path: &str) -> Option<&str>;
    /// Every service the path belongs to: several when rules place it
    /// equally (catalog entities sharing a source location), each of them
    /// then changed; empty when no rule says. By default
    /// [`PathMapping::service_of`]'s.
    fn services_of(&self, path: &str) -> Vec<&str> {
        self.service_of(path).into_iter().collect()
    }
    /// The path's owners (CODEOWNERS): `None` when no rule matches,
    /// `Some(empty)` when a rule makes the path explicitly unowned.
    fn owners_of(&self, path: &str) -> Option<Vec<&str>>;
    /// The services of `path` as [`PathMapping::services_of`] gives them,
    /// and the rank of the rule that placed it; matched ignoring case in
    /// the rules' patterns and the path alike when `ignore_case`. `None`
    /// (or no services) when no rule places it.
    ///
    /// blastgate asks it of a path as written and of the path's loose
    /// readings (backslashes as folder separators, case ignored, trailing
    /// dots and invisible characters dropped): a reading counts when no
    /// rule places the path as written, and beside it when a rule of
    /// higher rank places the reading (a catch-all `*` on a map's first
    /// line must not take `src/Payments/x.go` from the `src/payments/` of
    /// its second). By default: [`PathMapping::services_of`] at rank 0,
    /// and nothing ignoring case, so a reading counts only when the path
    /// as written is placed nowhere.
    fn ranked_services_of(&self, path: &str, ignore_case: bool) -> Option<(RuleRank, Vec<&str>)> {
        Some((RuleRank(0), self.services_of(path))).filter(|(_, s)| !ignore_case && !s.is_empty())
    }
    /// [`PathMapping::owners_of`] with the rank of the rule that decides
    /// them, matched ignoring case when `ignore_case`, as
    /// [`PathMapping::ranked_services_of`]: the owners of a loose reading
    /// are asked too when a rule of higher rank owns it. By default
    /// [`PathMapping::owners_of`] at rank 0, and nothing ignoring case.
    fn ranked_owners_of(&self, path: &str, ignore_case: bool) -> Option<(RuleRank, Vec<&str>)> {
        self.owners_of(path).filter(|_| !ignore_case).map(|owners| (RuleRank(0), owners))
    }
    /// The repository that the rule placing `path` names (matched
    /// ignoring case when `ignore_case`, as in
    /// [`PathMapping::ranked_services_of`]), when the mapping does not
    /// know which repository the change is in (none stated while its
    /// rules name several, or one stated that no rule names): the path
    /// may then be another repository's file (one repository's
    /// `tree/main/cmd/` matches every repository's `cmd/`), so blastgate
    /// counts it for the node it is placed on and reviews it as code
    /// placed nowhere too. By default `None`.
    fn guessed_repository(&self, _path: &str, _ignore_case: bool) -> Option<&str> {
        None
    }
    /// Whether `path` is a directory to git (a submodule): its own name
    /// then counts as a folder when files are placed by folder name. By
    /// default no path is.
    fn is_directory(&self, _path: &str) -> bool {
        false
    }
    /// Whether the rule deciding `path`'s owners (CODEOWNERS) is a
    /// catch-all (`*`, `/*`, `**`, `/**`): its owners own every file, so
    /// they are no evidence that anyone knows the service the file runs
    /// in. Matched ignoring case when `ignore_case`, as
    /// [`PathMapping::ranked_owners_of`]. By default no rule is.
    fn owned_by_catch_all(&self, _path: &str, _ignore_case: bool) -> bool {
        false
    }
}

/// Which of a mapping's rules placed (or owns) a path, for weighing two
/// readings of one path: the higher rank decides, as a later line decides
/// in a last-match-wins file and a service map's rule decides before a
/// catalog's source location. Ranks compare only between answers of one
/// mapping.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RuleRank(pub u64);

/// No mapping: files map to services by path segment only, and have no
/// CODEOWNERS owners.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoMapping;

impl PathMapping for NoMapping {
    fn service_of(&self, _: &str) -> Option<&str> {
        None
    }
    fn owners_of(&self, _: &str) -> Option<Vec<&str>> {
        None
    }
}

/// How to resolve.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ResolveOptions {
    /// Accept services and nodes the graph does not have, with a warning,
    /// instead of failing.
    pub allow_unknown_services: bool,
    /// The most bytes of automaton states that matching the changeset's
    /// paths against one file's patterns (CODEOWNERS, a service map, the
    /// graph's source locations) may build; `None` for
    /// [`match_state_budget`](crate::pathmatch::match_state_budget) of the
    /// changeset's files (see [`MatchBudget`](crate::pathmatch::MatchBudget)). A smaller
    /// one only fails sooner: past it, resolving is an error. Unused with
    /// `within_match_budget`.
    pub match_state_bytes: Option<usize>,
    /// Resolve within the [`MatchBudget`](crate::pathmatch::MatchBudget)
    /// the caller opened on this thread, rather than in one of its own:
    /// an assessment's resolutions (its split's parts, its
    /// counterfactuals) share one, so that none rebuilds the states
    /// another built, and a spent budget fails every resolution after it.
    /// Without a budget open, as if unset.
    pub within_match_budget: bool,
}

impl ResolveOptions {
    /// Options with `allow_unknown_services` as given.
    pub fn allow_unknown(allow: bool) -> Self {
        Self { allow_unknown_services: allow, match_state_bytes: None, within_match_budget: false }
    }

    /// These options resolving within the caller's budget (see
    /// [`ResolveOptions::within_match_budget`]).
    pub fn within_match_budget(self) -> Self {
        Self { within_match_budget: true, ..self }
    }

    /// These options with a budget of `bytes` for matching paths (see
    /// [`ResolveOptions::match_state_bytes`]).
    pub fn with_match_state_bytes(self, bytes: usize) -> Self {
        Self { match_state_bytes: Some(bytes), ..self }
    }
}

/// Why a node counts as changed.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case", tag = "via", content = "detail")]
pub enum ChangedBy {
    /// Named in the changeset's `services`.
    Named,
    /// A changed file maps to it (the path).
    File(String),
    /// A planned infrastructure action on a resource mapped to it (the
    /// resource address).
    Infrastructure(String),
    /// A part of it changes (the part's id): a node whose `part_of` label
    /// names this one (Backstage's `subcomponentOf`), so that what depends
    /// on the whole is reached by a change to any of its parts.
    PartOf(String),
}

/// A graph node the change touches.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TouchedNode {
    /// The node id.
    pub id: String,
    /// Dense id in the frozen graph.
    #[serde(skip)]
    pub index: u32,
    /// The node's owning team in the graph.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// Kinds of change that reach the node through files.
    pub kinds: BTreeSet<ChangeKind>,
    /// Why the node counts as changed, sorted (the first 20 reasons in
    /// that order are kept, whatever the order of the changeset; the count
    /// is in `reasons`).
    pub via: Vec<ChangedBy>,
    /// How many reasons there are in all.
    pub reasons: usize,
    /// Whether the change deploys something to this node: it is named, a
    /// planned resource acts on it, or a changed file of it is neither
    /// documentation nor a test. A node touched only by docs and tests is
    /// not deployed, so it starts no blast radius.
    pub runtime: bool,
}

/// The label naming the whole a node is a part of (Backstage's
/// `subcomponentOf`, as the catalog loader writes it).
pub const PART_OF_LABEL: &str = "part_of";

/// Adds, as changed, the whole each deployed node is a part of (its
/// `part_of` label, followed up the chain of wholes), with the reason
/// [`ChangedBy::PartOf`] and the part's kinds: a part is not a dependency
/// of its whole in the graph, so without this a change to
/// `wayback-archive-storage` reached none of what depends on
/// `wayback-archive` (a red team: owner became peer on Backstage's own
/// example catalog). Each deployed node's chain is walked up, without
/// recursion, until a whole already holds what the walk brings (deployed,
/// the kinds, the reason), so every step changes something: linear in the
/// pairs of a part and its whole, and a cycle of labels ends.
fn wholes_of_parts(graph: &FrozenGraph, touched: &mut BTreeMap<String, TouchedNode>) {
    let starts: Vec<String> = touched.values().filter(|t| t.runtime).map(|t| t.id.clone()).collect();
    let mut pairs: BTreeSet<(u32, u32)> = BTreeSet::new();
    for start in starts {
        let Some(first) = touched.get(&start) else { continue };
        let (mut index, mut part, kinds) = (first.index, start.clone(), first.kinds.clone());
        let mut walked: BTreeSet<u32> = BTreeSet::new();
        while walked.insert(index) {
            let Some(whole) = graph.node(index).and_then(|n| n.labels().get(PART_OF_LABEL).cloned()) else { break };
            let Some(whole_index) = graph.index_of(&whole) else { break };
            let entry = touched.entry(whole.clone()).or_insert_with(|| TouchedNode {
                id: whole.clone(),
                index: whole_index,
                owner: graph.node(whole_index).and_then(|n| n.owner()).map(str::to_owned),
                kinds: BTreeSet::new(),
                via: Vec::new(),
                reasons: 0,
                runtime: false,
            });
            let was_runtime = std::mem::replace(&mut entry.runtime, true);
            let before = entry.kinds.len();
            entry.kinds.extend(kinds.iter().copied());
            let grown = entry.kinds.len() > before;
            let new_reason = pairs.insert((whole_index, index));
            if new_reason {
                entry.reasons += 1;
                let by = ChangedBy::PartOf(part);
                if let Err(at) = entry.via.binary_search(&by)
                    && at < MAX_REASONS
                {
                    entry.via.insert(at, by);
                    entry.via.truncate(MAX_REASONS);
                }
            }
            if was_runtime && !grown && !new_reason {
                break;
            }
            (index, part) = (whole_index, whole);
        }
    }
}

/// A changeset resolved against a graph.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ResolvedChange {
    /// The changeset id.
    pub id: String,
    /// The nodes changed, sorted by id.
    pub touched: Vec<TouchedNode>,
    /// Files per change kind (every file, mapped or not). A file whose
    /// stated kind, or old place, is riskier than its path's counts under
    /// both kinds (its path's unless that is docs, tests or a flag).
    pub kinds: BTreeMap<ChangeKind, usize>,
    /// Size and spread of what ships: files that add tests are left out
    /// unless every file is a test, and the lines added count at least a
    /// [`MAX_TEST_LINES_PER_SHIPPED_LINE`]th of the tests' lines.
    pub metrics: ChangeMetrics,
    /// Owners from CODEOWNERS of the changed files, sorted.
    pub file_owners: Vec<String>,
    /// Files with no CODEOWNERS rule (or an explicitly unowned one),
    /// sorted.
    pub unowned_files: Vec<String>,
    /// Files that map to no graph node, sorted.
    pub unmapped_files: Vec<String>,
    /// The paths of files that are neither documentation nor tests and
    /// that no service map entry or folder named after a node places (a
    /// stated `service` does not vouch for where a file runs): they deploy
    /// somewhere the graph does not show. Sorted.
    pub unmapped_runtime_files: Vec<String>,
    /// Every changed path (a renamed file's old path too), in changeset
    /// order, with its CODEOWNERS owners and the nodes it places: who
    /// approves which file when the graph names no owner. Approvals are
    /// taken file by file, as a code host takes them: one approval from
    /// any owner of a file, for every file, so that one team cannot
    /// approve code another team owns.
    #[serde(skip)]
    pub ownership: Vec<FileOwnership>,
    /// Destructive infrastructure actions (delete, replace, unknown), by
    /// address.
    pub destructive: Vec<InfraChange>,
    /// How many of `destructive` are the same entry again on the node its
    /// address's module names (a stated `node` is a claim; see
    /// [`resolve`]): the resources destroyed are the others.
    #[serde(skip)]
    pub destructive_module_copies: usize,
    /// Accepted but worth a look (unknown services allowed by option).
    pub warnings: Vec<String>,
    /// Files whose stated kind their path contradicts (a stated kind less
    /// risky than the path's), counted as what the path says.
    pub kind_warnings: Vec<String>,
    /// Files whose stated `service` differs from the node their path maps
    /// to: both count as changed.
    pub service_warnings: Vec<String>,
    /// Renamed files that leave their graph node (or arrive at one) with
    /// no `moved_lines` stated: the move counts git's lines alone, since
    /// how much code moved is unknown.
    pub moved_lines_unstated: Vec<String>,
}

/// One changed path and who owns it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileOwnership {
    /// The path (a renamed file's old path is an entry of its own).
    pub path: String,
    /// Its CODEOWNERS owners, any one of whom approves it, in the rule's
    /// order; empty when no rule owns it.
    pub owners: Vec<String>,
    /// The graph nodes the path counts for: the file's stated `service`
    /// and the node its path maps to (for an old path, the node it left).
    pub nodes: Vec<String>,
    /// The node its path alone places it on (the service map, a folder),
    /// without the stated `service`, which is a claim: what a test tests
    /// is where it is, not what it says. Of several (a shared source
    /// location), the first by id: `nodes` lists them all, and a test
    /// counts for one of them only, so the others' code is not taken as
    /// tested by it.
    pub placed: Option<String>,
    /// Whether the file deploys (neither documentation nor a test; see
    /// [`ChangeKind::deploys`]).
    pub deploys: bool,
    /// Whether its owners come from a catch-all rule
    /// ([`PathMapping::owned_by_catch_all`]): they do not stand in for a
    /// service's owner.
    pub catch_all: bool,
}

impl ResolvedChange {
    /// Dense ids of the changed nodes, ascending.
    pub fn changed_indices(&self) -> Vec<u32> {
        let mut v: Vec<u32> = self.touched.iter().map(|t| t.index).collect();
        v.sort_unstable();
        v.dedup();
        v
    }

    /// Dense ids of the changed nodes the change deploys to (see
    /// [`TouchedNode::runtime`]), ascending: where its blast radius starts.
    pub fn deployed_indices(&self) -> Vec<u32> {
        let mut v: Vec<u32> = self.touched.iter().filter(|t| t.runtime).map(|t| t.index).collect();
        v.sort_unstable();
        v.dedup();
        v
    }

    /// Whether the change touches nothing at all (no files, services or
    /// resources).
    pub fn is_empty(&self) -> bool {
        self.touched.is_empty() && self.metrics.nf == 0 && self.destructive.is_empty()
    }
}

const MAX_REASONS: usize = 20;

/// The kind a changed file counts as, and the kind it stated when the path
/// overrules it.
///
/// The path's kind (by the classifier's rules) is the evidence; a stated
/// kind is a claim, which may add risk but not take it away:
///
/// - a stated kind that lowers risk (docs, tests, a feature flag) must
///   agree with the path: `kind: docs` on `src/main.go` does not make code
///   harmless, and a claim that tests changed needs a file whose path says
///   test;
/// - another stated kind counts when it is at least as risky as the
///   path's, in the order of the default weights: docs, test,
///   feature_flag, code, config, dependency, infrastructure, secret,
///   schema_migration (`kind: secret` on a config file counts as a
///   secret; `kind: code` on a migration does not hide the migration).
///
/// A renamed file counts as what it was when its new place would lower
/// the risk (code moved into `docs/` or `tests/` is a change to the
/// service it left), and else as the riskier of the two.
pub fn file_kind(classifier: &Classifier, f: &FileChange) -> (ChangeKind, Option<ChangeKind>) {
    let moved_from = f.old_path.as_deref().filter(|_| f.status == FileStatus::Renamed);
    let classified = match (classifier.classify(&f.path), moved_from.map(|o| classifier.classify(o))) {
        (new, Some(old)) if lowers_risk(new) && old != new => old,
        (new, Some(old)) => riskier(new, old),
        (new, None) => new,
    };
    match f.kind {
        Some(stated) if stated == classified => (classified, None),
        Some(stated) if !lowers_risk(stated) && risk_rank(stated) >= risk_rank(classified) => (stated, None),
        Some(stated) => (classified, Some(stated)),
        None => (classified, None),
    }
}

/// Whether `f` is a deleted infrastructure file, which, applied, destroys
/// what it declared: by its kind ([`file_kind`]) or by its path alone. A
/// riskier stated kind (`secret`, `schema_migration` on a deleted
/// `main.tf`) adds risk but must not hide the destruction the path shows
/// (property tests found it lowered block to owner in resolution, and
/// later block to multi_party in the check of an agent's rollback claim).
///
/// A renamed infrastructure file destroys what it declared when its new
/// name leaves what deploys it: a name that is no infrastructure
/// (`main.tf.md`, a test fixture), another extension (`main.tf.disabled`,
/// `redis.yaml.bak` under `k8s/`, `main.TF`: the tools read files by
/// theirs), a name the tools skip (`.main.tf`, `main.tf~`, a Helm template
/// `_deployment.yaml`), or another folder (a Terraform module, a chart's
/// `templates/`, a Kustomize base: another deploy unit, whose resources
/// are destroyed where they were and made anew, unless Terraform's `moved`
/// blocks say otherwise; a plan shows which). Audits renamed `main.tf`
/// away with `git mv` (and to `.main.tf`) and got `owner` where deleting
/// it blocked.
///
/// A modified infrastructure file that is emptied
/// ([`FileChange::emptied`]: blank, or comments only) destroys what it
/// declared, as a deleted one does.
///
/// A CI or CD definition ([`crate::classify::is_ci_definition`]) declares
/// pipelines, not resources: deleting or renaming one destroys nothing
/// (the policy's `delivery-control` rule asks a senior engineer for it).
///
/// A deleted, emptied or renamed-away file the git reader read whole, all
/// it declared kept ([`FileChange::declares_read`] with an empty
/// `declares`: a module folder renamed with its calls), destroys nothing.
pub fn destroys_infrastructure(classifier: &Classifier, f: &FileChange) -> bool {
    if crate::classify::is_ci_definition(destroyed_path(f)) {
        return false;
    }
    // Read by the git reader, all it declared kept (`FileChange::
    // declares_read`; a claim in a changeset file is cleared before
    // anything is resolved, see the engine's `vet`).
    if f.declares_read && f.declares.is_empty() {
        return false;
    }
    let infrastructure = |p: &str| classifier.classify(p) == ChangeKind::Infrastructure;
    match f.status {
        FileStatus::Deleted => file_kind(classifier, f).0 == ChangeKind::Infrastructure || infrastructure(&f.path),
        // Emptied in place (`FileChange::emptied`): what it declared is
        // gone, as for a deleted file.
        FileStatus::Modified if f.emptied => {
            file_kind(classifier, f).0 == ChangeKind::Infrastructure || infrastructure(&f.path)
        }
        FileStatus::Renamed => f.old_path.as_deref().is_some_and(|old| {
            let folder = |p: &str| p.rsplit_once('/').map_or("", |(d, _)| d).to_owned();
            let name = |p: &str| p.rsplit('/').next().unwrap_or(p).to_owned();
            // As the tools read them: Terraform reads `*.tf` and
            // `*.tf.json` as written (`main.TF` is not read) and skips
            // hidden and backup files (`.main.tf`, `main.tf~`); Helm skips
            // templates named `_*` and files outside `templates/`; kubectl
            // and Kustomize read a folder's files by their extension.
            // (OpenTofu's own `*.tofu` and `*.tofu.json` too.)
            let terraform = |p: &str| [".tf", ".tf.json", ".tofu", ".tofu.json"].iter().any(|e| p.ends_with(e));
            // `.yaml` and `.yml` are one extension to every tool that
            // reads manifests (an audit: `app.yaml` renamed `app.yml` was
            // a destruction).
            let extension = |p: &str| {
                let name = name(p);
                let e = name.rsplit_once('.').map_or(String::new(), |(_, e)| e.to_owned());
                if e == "yml" { "yaml".to_owned() } else { e }
            };
            let skipped = |p: &str| {
                let name = name(p);
                name.starts_with('.') || name.starts_with('_') || name.starts_with('#') || name.ends_with('~')
            };
            infrastructure(old)
                && (!infrastructure(&f.path)
                    || extension(old) != extension(&f.path)
                    || folder(old) != folder(&f.path)
                    || (skipped(&f.path) && !skipped(old))
                    || (terraform(old) && !terraform(&f.path)))
        }),
        _ => false,
    }
}

/// Whether `f` destroys resources once applied: all it declared
/// ([`destroys_infrastructure`]), or the declarations a change takes out
/// of it ([`FileChange::removes`]: a resource block deleted from a
/// `main.tf` that stays).
pub fn destroys_resources(classifier: &Classifier, f: &FileChange) -> bool {
    !f.removes.is_empty() || destroys_infrastructure(classifier, f)
}

/// The path whose destruction [`destroys_infrastructure`] finds: the old
/// path of a rename, else the path.
pub fn destroyed_path(f: &FileChange) -> &str {
    match (f.status, f.old_path.as_deref()) {
        (FileStatus::Renamed, Some(old)) => old,
        _ => &f.path,
    }
}

/// Kinds from least to most risky, in the order of the default policy's
/// weights (docs-only -2.0, tests-only -1.5, a feature flag -0.3, code 0,
/// config 0.2, a dependency 0.3, infrastructure 0.5, a secret 0.7, a
/// schema migration 0.9).
fn risk_rank(kind: ChangeKind) -> u8 {
    match kind {
        ChangeKind::Docs => 0,
        ChangeKind::Test => 1,
        ChangeKind::FeatureFlag => 2,
        ChangeKind::Code => 3,
        ChangeKind::Config => 4,
        ChangeKind::Dependency => 5,
        ChangeKind::Infrastructure => 6,
        ChangeKind::Secret => 7,
        ChangeKind::SchemaMigration => 8,
    }
}

/// Kinds whose feature lowers the likelihood: a claim of one needs the
/// path's agreement.
fn lowers_risk(kind: ChangeKind) -> bool {
    risk_rank(kind) < risk_rank(ChangeKind::Code)
}

fn riskier(a: ChangeKind, b: ChangeKind) -> ChangeKind {
    if risk_rank(b) > risk_rank(a) { b } else { a }
}

/// Whether `f` is evidence that the change adds or changes tests: a test by
/// [`file_kind`] that is not deleted and adds lines, or a new binary file
/// (test data, for which git counts no lines).
///
/// Deleting a test, or only deleting lines from one, makes a change no
/// safer, and a test file that adds nothing (a rename, a mode change, a
/// hand-written entry without line counts) shows no new test: none of
/// these earns the `tests_changed` discount. Nor does a changed file
/// marked `binary`: the mark is the changeset's word, and on a test that
/// only lost lines it would hide that it adds nothing.
pub fn adds_tests(classifier: &Classifier, f: &FileChange) -> bool {
    let adds = f.added > 0 || (f.binary && f.status == FileStatus::Added && f.deleted == 0);
    f.status != FileStatus::Deleted && adds && file_kind(classifier, f).0 == ChangeKind::Test
}

/// Resolves `changeset` against `graph`.
///
/// # Errors
/// [`ChangeError::UnknownService`] for a named service, a file's stated
/// service or a resource's node that the graph lacks, unless
/// `options.allow_unknown_services` (then a warning), with a suggestion of
/// close ids. [`ChangeError::LimitExceeded`] (`max_match_state_bytes`,
/// naming the patterns' file) when matching one of the paths against the
/// mapping's patterns would build more automaton states than the budget
/// ([`ResolveOptions::match_state_bytes`]; hostile CODEOWNERS or service map patterns; see
/// [`MatchBudget`](crate::pathmatch::MatchBudget)): the mapping's answers
/// are then unknown, and an assessment escalates.
///
/// # Complexity
/// `O(F * d + S)` for `F` files of `d` path segments and `S` services,
/// plus matching each path (and its loose readings) against the mapping's
/// patterns, within the budget.
pub fn resolve(
    file: &str,
    changeset: &Changeset,
    graph: &FrozenGraph,
    mapping: &dyn PathMapping,
    classifier: &Classifier,
    options: ResolveOptions,
) -> Result<ResolvedChange, ChangeError> {
    use crate::pathmatch::{MatchBudget, match_state_budget};
    let max = options.match_state_bytes.unwrap_or_else(|| match_state_budget(changeset.files.len()));
    let own = (!options.within_match_budget || !MatchBudget::is_open()).then(|| MatchBudget::with_limit(max));
    let resolved = resolve_within(file, changeset, graph, mapping, classifier, options);
    // (A spent budget comes first: the answers it cut short may have
    // caused the other error.)
    let spent = match own {
        Some(budget) => budget.finish(),
        None => MatchBudget::spent(),
    };
    match spent {
        Ok(()) => resolved,
        Err((source, max)) => {
            let max = u64::try_from(max).unwrap_or(u64::MAX);
            Err(ChangeError::limit(&source, "max_match_state_bytes", max, max.saturating_add(1)))
        }
    }
}

/// [`resolve`] within its budget.
fn resolve_within(
    file: &str,
    changeset: &Changeset,
    graph: &FrozenGraph,
    mapping: &dyn PathMapping,
    classifier: &Classifier,
    options: ResolveOptions,
) -> Result<ResolvedChange, ChangeError> {
    let mut touched: BTreeMap<String, TouchedNode> = BTreeMap::new();
    let mut warnings = Vec::new();
    let mut kind_warnings = Vec::new();
    let mut service_warnings = Vec::new();
    let mut moved_lines_unstated = Vec::new();
    let mut guessed_files: Vec<(&str, &str)> = Vec::new();
    let mut kinds = BTreeMap::new();
    let mut unmapped = Vec::new();
    let mut unmapped_runtime = BTreeSet::new();
    let mut file_owners = BTreeSet::new();
    let mut ownership = Vec::new();
    let mut unowned = Vec::new();

    let mut unknown: Option<(String, String)> = None;
    let mut touch = |id: &str, by: ChangedBy, kind: Option<ChangeKind>, place: String, warnings: &mut Vec<String>| {
        // An id the graph lacks as written, accepted as unknown, still
        // means every node it names as the context's names do (ASCII case
        // and surrounding spaces ignored, a catalog entity's plain name): a
        // red-team finding, `PaymentService` for `paymentservice` reached
        // nothing and missed its sev1 (senior and block became owner).
        let indices: Vec<u32> = match graph.index_of(id) {
            Some(index) => vec![index],
            None if options.allow_unknown_services => {
                let loose = graph.nodes_named(id);
                if loose.is_empty() {
                    warnings.push(format!("{place}: `{id}` is not in the graph; it adds no blast radius"));
                } else {
                    let names: Vec<String> =
                        loose.iter().filter_map(|&i| graph.id(i)).map(|n| format!("`{n}`")).collect();
                    warnings.push(format!(
                        "{place}: `{id}` is not in the graph as written; read as {}, the node(s) it names with case \
                         and spaces ignored, as the context's names are read",
                        names.join(", ")
                    ));
                }
                loose
            }
            // Noted, and the change read on: the error names the smallest
            // unknown id (then place), not the first met, so that the
            // answer does not depend on the order of the changeset's lists
            // (a determinism audit: the first unknown service was the
            // error, the others warnings, and reordering swapped them).
            None => {
                if unknown
                    .as_ref()
                    .is_none_or(|(i, p): &(String, String)| (id, place.as_str()) < (i.as_str(), p.as_str()))
                {
                    unknown = Some((id.to_owned(), place));
                }
                Vec::new()
            }
        };
        for index in indices {
            let Some(id) = graph.id(index) else { continue };
            let runtime = kind.is_none_or(ChangeKind::deploys);
            let entry = touched.entry(id.to_owned()).or_insert_with(|| TouchedNode {
                id: id.to_owned(),
                index,
                owner: graph.node(index).and_then(|n| n.owner()).map(str::to_owned),
                kinds: BTreeSet::new(),
                via: Vec::new(),
                reasons: 0,
                runtime: false,
            });
            entry.runtime |= runtime;
            if let Some(k) = kind {
                entry.kinds.insert(k);
            }
            entry.reasons += 1;
            // The first reasons in order, whatever the order of the
            // changeset's entries: which ones are kept must not depend
            // on it.
            if let Err(at) = entry.via.binary_search(&by)
                && at < MAX_REASONS
            {
                entry.via.insert(at, by.clone());
                entry.via.truncate(MAX_REASONS);
            }
        }
    };

    // Places name an entry by what it says (its path, id or address), not
    // by its position: the same changeset with its lists in another order
    // has the same digest, and must give the same bytes.
    for s in &changeset.services {
        touch(s, ChangedBy::Named, None, "services".to_owned(), &mut warnings);
    }
    let mut crossed: BTreeSet<&str> = BTreeSet::new();
    // Which files are tests, and which of them are left out of the size:
    // the size metrics count what ships (a decision audit: adding a small
    // test to a change raised its depth). A test file deleted still
    // counts. One kept is left out whatever its lines: left out only when
    // it added some, a test file that added none (renamed, or only losing
    // lines) counted, and adding lines to it lowered the likelihood (a
    // monotonicity property's draw: 864 lines added to an empty test took
    // `multi_party` to `senior`).
    let mut is_test: Vec<(bool, bool)> = Vec::with_capacity(changeset.files.len());
    // Whether the path alone says test: a file stated to be code whose
    // path says test still ships its lines, but does not vouch for other
    // tests being left out of the size (see `sized`).
    // Infrastructure files deleted, with the node each path places them on:
    // applied, they destroy what they declared.
    let mut deleted_infrastructure: Vec<(String, Vec<String>, &[String])> = Vec::new();
    for f in &changeset.files {
        // The kind as `file_kind` gives it. A renamed file also leaves its
        // old place: code moved out of a service into `docs/` is a change
        // to that service, and its old owners review it. (A copy leaves its
        // source as it was.)
        let moved_from = f.old_path.as_deref().filter(|_| f.status == FileStatus::Renamed);
        let (kind, overruled) = file_kind(classifier, f);
        is_test.push((kind == ChangeKind::Test, kind == ChangeKind::Test && f.status != FileStatus::Deleted));
        if let Some(stated) = overruled {
            kind_warnings.push(format!(
                "file `{}` is stated to be {} but its path says {}; counted as {}",
                f.path,
                stated.as_str(),
                kind.as_str(),
                kind.as_str()
            ));
        }
        *kinds.entry(kind).or_insert(0) += 1;
        // A riskier stated kind, or the riskier place of a renamed file,
        // adds its kind; the path's own kind still counts (a monotonicity
        // audit: `schema_migration` stated on a config file, beside a
        // migration, dropped the config term and lowered senior to owner).
        // Only kinds that add risk: a docs or test path never makes a
        // change look docs-only or tests-only.
        let mut own = vec![classifier.classify(&f.path)];
        own.extend(moved_from.map(|o| classifier.classify(o)));
        // (And as its loose readings read: `payments\migrations\x.py`
        // is a migration, its riskier kind kept; red team 18.)
        // A loose reading that matches no rule falls to `code`, the
        // classifier's default: that is no evidence of code (a docs audit:
        // `LICENSE-MIT`, docs in capitals as written, also counted as code
        // because its lower-case reading matched nothing).
        for spelled in std::iter::once(f.path.as_str()).chain(moved_from) {
            let loose = loose_spellings(spelled).into_iter().map(|(reading, _)| classifier.classify(&reading));
            own.extend(loose.filter(|&k| k != ChangeKind::Code));
        }
        own.sort_unstable();
        own.dedup();
        for also in own.into_iter().filter(|&k| k != kind && !lowers_risk(k)) {
            *kinds.entry(also).or_insert(0) += 1;
        }
        let mut owners_of = |path: &str| -> Vec<String> {
            match mapping.owners_of(path) {
                Some(owners) if !owners.is_empty() => {
                    let owners: Vec<String> = owners.into_iter().map(str::to_owned).collect();
                    file_owners.extend(owners.iter().cloned());
                    owners
                }
                _ => {
                    unowned.push(path.to_owned());
                    Vec::new()
                }
            }
        };
        // A stated `service` is a claim: it adds a node, but does not take
        // the file away from the node its path maps to (the gate's service
        // map, or a folder named after a node).
        let stated = f.service.as_deref();
        let Placement { nodes: by_path, loose, guessed } = place(mapping, graph, &f.path);
        let owners = owners_of(&f.path);
        let old_owners = moved_from.map(&mut owners_of);
        match &loose {
            Some(Loose::Only) if !by_path.is_empty() => {
                let p = by_path.join("`, `");
                service_warnings.push(format!(
                    "file `{}` maps to `{p}` only when its folders are read loosely (ignoring case, backslashes, \
                     surrounding spaces, invisible characters, full-width forms and trailing dots); counted as \
                     `{p}`'s. Write the path as git prints it",
                    f.path.escape_debug()
                ));
            }
            Some(Loose::Beside(reading)) => {
                let p = by_path.join("`, `");
                service_warnings.push(format!(
                    "file `{}` maps to more when its folders are read loosely (ignoring case, backslashes, \
                     surrounding spaces, invisible characters, full-width forms and trailing dots): as {reading} \
                     a later rule places it; counted as `{p}`'s. Write the path as git prints it, or map its \
                     spelling",
                    f.path.escape_debug(),
                ));
            }
            _ => {}
        }
        if destroys_infrastructure(classifier, f) {
            // A rename destroys where the file was.
            let at = match moved_from {
                Some(old) => place(mapping, graph, old).nodes,
                None => by_path.clone(),
            };
            deleted_infrastructure.push((
                destroyed_path(f).to_owned(),
                at.iter().map(|p| (*p).to_owned()).collect(),
                &f.declares,
            ));
            // (And what it removes where it is: a variables file emptied
            // whose values, back to their defaults, give a database no
            // instance.)
            if !f.removes.is_empty() {
                deleted_infrastructure.push((
                    f.path.clone(),
                    by_path.iter().map(|p| (*p).to_owned()).collect(),
                    &f.removes,
                ));
            }
        } else if !f.removes.is_empty() {
            // Declarations taken out of a file that stays
            // (`FileChange::removes`): those resources are destroyed where
            // the file is.
            deleted_infrastructure.push((
                f.path.clone(),
                by_path.iter().map(|p| (*p).to_owned()).collect(),
                &f.removes,
            ));
        }
        let services: Vec<&str> =
            stated.into_iter().chain(by_path.iter().copied().filter(|p| Some(*p) != stated)).collect();
        if let Some(s) = stated
            && !by_path.is_empty()
            && !by_path.contains(&s)
        {
            service_warnings.push(format!(
                "file `{}` is stated to belong to `{s}` but its path maps to `{}`; both count as changed",
                f.path,
                by_path.join("`, `")
            ));
        }
        for s in &services {
            touch(s, ChangedBy::File(f.path.clone()), Some(kind), format!("file `{}`", f.path), &mut warnings);
        }
        // Code whose path places it nowhere deploys somewhere the gate
        // cannot see, whatever `service` it states (a claim: it adds its
        // node, but cannot vouch for where the file runs).
        let mut note_unplaced = |path: &str| {
            if kind.deploys() {
                unmapped_runtime.insert(path.to_owned());
            }
        };
        // (A path the mapping places only on services the graph lacks, a
        // typo in a service map under `--allow-unknown-services`, reaches
        // nothing: unplaced, as the same typo in `services` is; a red-team
        // finding: it was `peer`, the unmapped-files rule silent.)
        // (A path a catalog's location of one of several repositories
        // places, when the change states none, may be another
        // repository's: its node counts, and so does its being unplaced.)
        // (Any node the graph lacks: a loose reading placed on a map's
        // typo beside a known catch-all node was unplaced code counted as
        // placed; red team 18.)
        if by_path.is_empty() || by_path.iter().any(|p| graph.index_of(p).is_none()) || guessed.is_some() {
            note_unplaced(&f.path);
        }
        if let Some(repository) = guessed {
            guessed_files.push((f.path.as_str(), repository));
        }
        if services.is_empty() {
            unmapped.push(f.path.clone());
        }
        // A path is its loose readings' file for their owners too, when a
        // rule that outranks the one owning it as written owns them
        // (`loose_owners`): CODEOWNERS asked on the path as written alone
        // let `payments/Auth/token.go` skip `/payments/auth/`'s owners
        // while counting as `payments`'s change (an approvals audit; red
        // team 17 for a path its service map placed as written). The
        // owners of both spellings approve, each set on its own: more
        // approvals, never fewer.
        let also_owners: Vec<(String, Vec<String>, bool)> = loose_owners(mapping, &f.path)
            .into_iter()
            .map(|(spelling, found, all)| (spelling, found.into_iter().map(str::to_owned).collect::<Vec<_>>(), all))
            .filter(|(_, found, _)| *found != owners)
            .collect();
        ownership.push(FileOwnership {
            path: f.path.clone(),
            owners,
            nodes: services.iter().map(|s| (*s).to_owned()).collect(),
            placed: by_path.first().map(|p| (*p).to_owned()),
            deploys: kind.deploys(),
            // Owned by the catch-all as written, but by a line of its own
            // when read loosely: that line's owners know it, so the path
            // is not ownerless (no senior stand-in beside them).
            catch_all: !specific_owner(&also_owners) && mapping.owned_by_catch_all(&f.path, false),
        });
        for (spelling, found, catch_all) in also_owners {
            file_owners.extend(found.iter().cloned());
            ownership.push(FileOwnership {
                catch_all,
                path: spelling,
                owners: found,
                nodes: services.iter().map(|s| (*s).to_owned()).collect(),
                placed: by_path.first().map(|p| (*p).to_owned()),
                deploys: kind.deploys(),
            });
        }
        // The service the file left (a stated `service` names where it is
        // now; where it was comes from the old path).
        if let (Some(old), Some(owners)) = (moved_from, old_owners) {
            let Placement { nodes: left, guessed: left_guessed, .. } = place(mapping, graph, old);
            // (Where it was is as unknown as where it is: red team 18.)
            if let Some(repository) = left_guessed {
                note_unplaced(old);
                guessed_files.push((old, repository));
            }
            // Code moved to another node (or from or to no node) is new
            // there: its whole content counts as added, not git's few
            // lines for the move.
            if left != by_path && kind.deploys() && f.moved_lines.is_some_and(|m| m > f.added) {
                crossed.insert(f.path.as_str());
            }
            // A changeset written by hand (or by a tool other than the git
            // reader) may list the move with git's numbers alone: said, so
            // that the reviewers size it (a layout audit: the same move
            // was senior read from git and owner from a changeset, silently).
            if left != by_path && kind.deploys() && f.moved_lines.is_none() {
                moved_lines_unstated.push(format!(
                    "file `{}` moved from `{old}` to another graph node without `moved_lines`: its size counts only \
                     the {} line(s) git counts for the move, not the code that moved, which the new node's reviewers \
                     never saw. State `moved_lines` (the git reader does), or assess the change from git",
                    f.path.escape_debug(),
                    f.added
                ));
            }
            for s in left.iter().copied().filter(|s| !services.contains(s)) {
                touch(
                    s,
                    ChangedBy::File(old.to_owned()),
                    Some(kind),
                    format!("file `{}` (renamed from `{old}`)", f.path),
                    &mut warnings,
                );
            }
            if left.is_empty() && !services.is_empty() {
                unmapped.push(old.to_owned());
                note_unplaced(old);
            }
            let old_loose: Vec<(String, Vec<&str>, bool)> =
                loose_owners(mapping, old).into_iter().filter(|(_, found, _)| *found != owners).collect();
            ownership.push(FileOwnership {
                path: old.to_owned(),
                owners,
                nodes: left.iter().map(|s| (*s).to_owned()).collect(),
                placed: left.first().map(|s| (*s).to_owned()),
                deploys: kind.deploys(),
                catch_all: !specific_owner(&old_loose) && mapping.owned_by_catch_all(old, false),
            });
            for (spelling, found, catch_all) in old_loose {
                let found: Vec<String> = found.into_iter().map(str::to_owned).collect();
                file_owners.extend(found.iter().cloned());
                ownership.push(FileOwnership {
                    catch_all,
                    path: spelling,
                    owners: found,
                    nodes: left.iter().map(|s| (*s).to_owned()).collect(),
                    placed: left.first().map(|s| (*s).to_owned()),
                    deploys: kind.deploys(),
                });
            }
        }
    }
    let mut destructive = Vec::new();
    let mut module_copies = 0;
    for r in &changeset.infrastructure {
        // Reads and no-ops change nothing, unless they move or import the
        // resource (`InfraChange::is_inert`); an entry that states no
        // action is taken as destructive.
        let action = r.effective_action();
        let inert = r.is_inert();
        let mut module_nodes: Vec<String> = Vec::new();
        // Every node a module of the address names (as written, with `-`
        // for `_`, or in lower case), and for a moved resource a module of
        // its previous address too: a move changes both places.
        let by_module = || self::module_nodes(graph, r);
        if let Some(node) = r.node.as_ref().filter(|_| !inert) {
            let kind = Some(ChangeKind::Infrastructure);
            touch(
                node,
                ChangedBy::Infrastructure(r.address.clone()),
                kind,
                format!("resource `{}`", r.address),
                &mut warnings,
            );
            // A stated `node` is a claim, as a file's `service` is: every
            // node a module of the address names counts too, unless it
            // depends on the stated node, so that
            // `module.redis_cart.aws_db_instance.main` stated on a leaf
            // still changes redis-cart (found by a gaming audit), and so
            // does `module.redis_cart.module.loadgenerator....` (every
            // module, not only the innermost: a later audit).
            // A module that holds the node's own store (`module.orders`
            // for `orders-db`, which `orders` depends on) is consistent: the
            // stated node's radius reaches the module's node anyway.
            // A move changes hands: the node it leaves and the one it
            // joins are both reviewed, whatever depends on what.
            let depends_on_stated = |other: &str| {
                if r.moved_from().is_some() {
                    return false;
                }
                let (Some(o), Some(n)) = (graph.index_of(other), graph.index_of(node)) else { return false };
                // (Dependents are listed ascending.)
                graph.dependents_of(n).binary_search(&o).is_ok()
            };
            for other in by_module().into_iter().filter(|m| m != node && !depends_on_stated(m)) {
                service_warnings.push(match r.moved_from() {
                    Some(previous) => format!(
                        "resource `{}` was moved from `{previous}`: `{node}`, where it was, and `{other}`, which a \
                         module of either address names, both count as changed",
                        r.address
                    ),
                    None => format!(
                        "resource `{}` states node `{node}`, but its module names `{other}`: both count as changed",
                        r.address
                    ),
                });
                touch(
                    other,
                    ChangedBy::Infrastructure(r.address.clone()),
                    kind,
                    format!("resource `{}`", r.address),
                    &mut warnings,
                );
                module_nodes.push(other.to_owned());
            }
        } else if r.node.is_none() && !inert {
            // No node stated: the nodes its modules name change (a plan's
            // reader maps by module name the same way; a hand-written entry
            // that leaves `node` out must not escape it: a later audit). The
            // entry itself stays unplaced (its reach may be wider).
            for other in by_module() {
                touch(
                    other,
                    ChangedBy::Infrastructure(r.address.clone()),
                    Some(ChangeKind::Infrastructure),
                    format!("resource `{}`", r.address),
                    &mut warnings,
                );
                module_nodes.push(other.to_owned());
            }
        }
        if action.is_destructive() {
            destructive.push(r.clone());
            // Destroyed on the module's node as well: the rules read what
            // each entry's node is (a datastore, depended on).
            for other in module_nodes {
                destructive.push(InfraChange { node: Some(other), ..r.clone() });
                module_copies += 1;
            }
        }
    }
    // A deleted infrastructure file (a Terraform file, a Kubernetes
    // manifest) destroys what it declared once applied, though no plan
    // lists the resources (a gaming audit: an agent deleting a datastore's
    // `main.tf` and StatefulSet manifest got owner, no destructive rule).
    // Each is a deleted resource of unknown type on the node its path
    // places it on; placed nowhere, its reach is unknown.
    // A file several nodes share (a source location) is destroyed on each:
    // the rules read each entry's node; the copies after the first are
    // counted as the module copies are, so the resources are counted once.
    // The types the file declared (`FileChange::declares`, read by the
    // git reader) are the deleted resources' types, one entry each on
    // every node; the entries after a node's first are copies too, so
    // that the count of destroyed resources stays one a file and node
    // while every type's kind counts (a destruction audit: a deleted
    // `k8s/pvc.yaml` holding a PersistentVolumeClaim read as a plain
    // resource by its name, where `postgres.yaml` read as a database).
    for (path, nodes, declares) in deleted_infrastructure {
        let mut types: Vec<&str> = declares.iter().map(String::as_str).filter(|t| !t.trim().is_empty()).collect();
        types.sort_unstable();
        types.dedup();
        if types.is_empty() {
            types.push("");
        }
        let places: Vec<Option<String>> =
            if nodes.is_empty() { vec![None] } else { nodes.into_iter().map(Some).collect() };
        for (at, node) in places.into_iter().enumerate() {
            for (nth, t) in types.iter().enumerate() {
                destructive.push(InfraChange {
                    address: path.clone(),
                    resource_type: (*t).to_owned(),
                    action: Some(InfraAction::Delete),
                    node: node.clone(),
                    declared_in_file: !t.is_empty(),
                    ..InfraChange::default()
                });
                if at > 0 || nth > 0 {
                    module_copies += 1;
                }
            }
        }
    }
    if let Some((id, place)) = unknown {
        return Err(ChangeError::UnknownService(
            ErrorDetail::new(file, place, &id, "service not in the graph").with_help_text(suggest(graph, &id)),
        ));
    }
    wholes_of_parts(graph, &mut touched);
    // Listed in order, whatever the order of the changeset's entries:
    // entries sharing an address by all they say (found by a determinism
    // audit: `change show` listed them in input order).
    for r in &mut destructive {
        r.replace_paths.sort_unstable();
        r.replace_paths.dedup();
    }
    // (Its fields are strings, options and lists: its Debug text is a
    // total order over everything it says.)
    destructive.sort_by_cached_key(|r| (r.address.clone(), format!("{r:?}")));
    if !guessed_files.is_empty() {
        service_warnings.push(guessed_warning(&mut guessed_files));
    }
    for list in [&mut warnings, &mut kind_warnings, &mut service_warnings] {
        list.sort_unstable();
        list.dedup();
    }
    unowned.sort_unstable();
    unowned.dedup();
    unmapped.sort_unstable();
    unmapped.dedup();
    destructive.sort_by(|a: &InfraChange, b: &InfraChange| a.address.cmp(&b.address));
    Ok(ResolvedChange {
        id: changeset.id.clone(),
        touched: touched.into_values().collect(),
        kinds,
        metrics: sized(&changeset.files, &is_test, &crossed),
        file_owners: file_owners.into_iter().collect(),
        ownership,
        unowned_files: unowned,
        unmapped_files: unmapped,
        unmapped_runtime_files: unmapped_runtime.into_iter().collect(),
        destructive,
        destructive_module_copies: module_copies,
        warnings,
        kind_warnings,
        service_warnings,
        moved_lines_unstated,
    })
}

/// Lines of tests left out of a change's size for each line it ships:
/// past that, the lines added count a tenth of the tests' (see `sized`).
pub const MAX_TEST_LINES_PER_SHIPPED_LINE: u64 = 10;

/// The size metrics of `files`: test files kept by the change (the second
/// of `is_test`, whatever their lines) left out unless every file is a
/// test (the first: a
/// tests-only change is sized by its tests; a test does not ship, and
/// counted, a small test beside a change raised its likelihood and depth),
/// with the lines added at least a tenth
/// ([`MAX_TEST_LINES_PER_SHIPPED_LINE`]) of the tests' (past ten lines of
/// tests for each line shipped, test paths may hide code; a tenth is the
/// most that keeps the size from falling as shipped lines grow), and a
/// move across graph nodes counting its moved lines (`crossed`: see
/// [`FileChange::moved_lines`]).
fn sized(files: &[FileChange], is_test: &[(bool, bool)], crossed: &BTreeSet<&str>) -> ChangeMetrics {
    let adds = |f: &FileChange, &(_, adds): &(bool, bool)| adds.then_some(f.added);
    let test_lines: u64 = files.iter().zip(is_test).filter_map(|(f, t)| adds(f, t)).fold(0, u64::saturating_add);
    // Past the proportion, the lines added count at least a tenth of the
    // tests' lines: the most that keeps the size from falling as shipped
    // lines grow (counting every file past it did not: 10 lines of code
    // beside a 200-line test counted 210, and 20 lines counted 20, so ten
    // more lines of code lowered senior to owner, a monotonicity audit).
    let beyond = test_lines.div_ceil(MAX_TEST_LINES_PER_SHIPPED_LINE);
    let count_all = is_test.iter().all(|&(test, _)| test);
    let tests_left_out = !count_all && is_test.iter().any(|&(_, adds)| adds);
    let at_least = |mut m: ChangeMetrics| {
        if !count_all {
            m.la = m.la.max(beyond);
        }
        m
    };
    if crossed.is_empty() && !tests_left_out {
        return at_least(ChangeMetrics::of(files));
    }
    let counted: Vec<FileChange> = files
        .iter()
        .zip(is_test.iter().map(|&(_, adds)| adds).chain(std::iter::repeat(false)))
        .filter(|&(_, adds)| count_all || !adds)
        .map(|(f, _)| match f.moved_lines.filter(|_| crossed.contains(f.path.as_str())) {
            Some(lines) => FileChange { added: f.added.max(lines), ..f.clone() },
            None => f.clone(),
        })
        .collect();
    at_least(ChangeMetrics::of(&counted))
}

/// The warning for files placed by a source location when the change's
/// repository is not known ([`PathMapping::guessed_repository`]): up to
/// ten files, sorted, then how many more.
fn guessed_warning(files: &mut [(&str, &str)]) -> String {
    files.sort_unstable();
    let shown: Vec<String> = files
        .iter()
        .take(10)
        .map(|(p, r)| {
            // (A repository is quoted; a phrase, `a dir: location's own
            // repository`, is not.)
            if r.contains(' ') {
                format!("`{}` (of {r})", p.escape_debug())
            } else {
                format!("`{}` (of `{}`)", p.escape_debug(), r.escape_debug())
            }
        })
        .collect();
    let more = files.len().saturating_sub(shown.len());
    let more = if more > 0 { format!(" and {more} more") } else { String::new() };
    format!(
        "source locations place {}{more}, but the change's repository is not known (the changeset states none \
         while the locations name several repositories, or states one no location names): each file counts for \
         the node its location names and, since it may be another repository's, as code placed nowhere. State \
         the changeset's `repository` as the catalog's locations name it (the git reader reads it from the \
         `origin` remote)",
        shown.join(", ")
    )
}

/// Where a path is placed: its nodes, and whether a loose reading of it
/// placed some of them.
struct Placement<'a> {
    /// Every node, sorted.
    nodes: Vec<&'a str>,
    /// The repository of the source location that placed it, when the
    /// change's repository is not known and the locations name several
    /// ([`PathMapping::guessed_repository`]).
    guessed: Option<&'a str>,
    /// How a loose reading (see [`loose_readings`]) placed nodes the path
    /// as written does not, if one did.
    loose: Option<Loose>,
}

/// How a loose reading of a path placed it.
enum Loose {
    /// It alone placed the path: the path as written is placed nowhere.
    Only,
    /// It placed the path on more nodes than the path as written, by a
    /// rule of higher rank: the reading, for messages.
    Beside(String),
}

/// The node `path` maps to (the mapping's rules, then the first folder
/// named after a node), and the loose reading that found it when the path
/// as written does not.
///
/// A path is a claim in a hand-written changeset, and one the gate cannot
/// place gets no blast radius: `src/Payments/charge.go`,
/// `src\payments\charge.go` or `src/payments /charge.go` must not escape
/// `payments` by their spelling. The mapping's rules are asked about the
/// path as written and about its loose readings ([`loose_readings`]). A
/// loose reading counts when the path as written is placed nowhere, and
/// beside the path as written when a rule that outranks the one placing
/// the path as written places it ([`PathMapping::ranked_services_of`]): a
/// catch-all `* leaf` on a service map's first line must not take
/// `src/Payments/charge.go` from `src/payments/ payments` on its second (a
/// red-team finding: peer where the honest spelling was senior). Both
/// count: on a file system that tells case apart the two spellings are two
/// folders, and the gate cannot tell which one the path means.
/// Then the first folder that names a node decides, each folder read as
/// written and else loosely (compared with node ids ignoring ASCII case:
/// `src/paymentservice/` for `PaymentService`; an identity audit found it
/// placed nowhere, and an open sev1 on the service unapplied). A folder
/// read loosely is as good as one read as written: reading the loose forms
/// only when no folder of the path names a node as written let a later
/// folder named after another node win (a layout audit:
/// `src/CheckoutService/loadgenerator/x.go` was the tier-3 load
/// generator's change, and escaped a freeze on `checkoutservice`).
///
/// Several nodes when the mapping places the path equally on each (catalog
/// entities sharing a source location, ids that differ only in case):
/// every one counts, sorted.
fn place<'a>(mapping: &'a dyn PathMapping, graph: &'a FrozenGraph, path: &str) -> Placement<'a> {
    let sorted = |mut nodes: Vec<&'a str>| {
        nodes.sort_unstable();
        nodes.dedup();
        nodes
    };
    let written = mapping.ranked_services_of(path, false).filter(|(_, n)| !n.is_empty());
    let readings = loose_readings(mapping, path);
    // Every reading a rule that outranks the path's own places counts:
    // keeping the best one alone let a later `**/Docs/` rule, reached by
    // the reading ignoring case, drop the `payments` the lower-case
    // reading is placed on (red team 18).
    let loose: Vec<(Vec<&'a str>, &(String, bool))> = readings
        .iter()
        .filter_map(|reading| {
            let (rank, nodes) = mapping.ranked_services_of(&reading.0, reading.1)?;
            Some((rank, nodes, reading))
        })
        .filter(|(rank, nodes, _)| !nodes.is_empty() && written.as_ref().is_none_or(|(w, _)| rank > w))
        .map(|(_, nodes, reading)| (nodes, reading))
        .collect();
    let guessed_loose =
        || loose.iter().find_map(|(_, (reading, ignore_case))| mapping.guessed_repository(reading, *ignore_case));
    if written.is_some() || !loose.is_empty() {
        let as_written = written.is_some();
        let guessed = if as_written { mapping.guessed_repository(path, false) } else { None };
        let guessed = guessed.or_else(guessed_loose);
        let mut nodes = written.map(|(_, n)| n).unwrap_or_default();
        // The first reading that adds a node, for the warning.
        let mut adding = None;
        for (more, reading) in &loose {
            if adding.is_none() && more.iter().any(|m| !nodes.contains(m)) {
                adding = Some(*reading);
            }
            nodes.extend(more.iter().copied());
        }
        let loose = match adding {
            Some(_) if !as_written => Some(Loose::Only),
            Some((reading, ignore_case)) => Some(Loose::Beside(if *ignore_case {
                format!("`{}` read ignoring case", reading.escape_debug())
            } else {
                format!("`{}`", reading.escape_debug())
            })),
            None => None,
        };
        return Placement { nodes: sorted(nodes), loose, guessed };
    }
    let tidy = tidy_path(path);
    // A submodule is a folder itself: `src/checkoutservice` (a gitlink)
    // is checkoutservice's.
    let within = if mapping.is_directory(path) { tidy.as_str() } else { tidy.rsplit_once('/').map_or("", |(d, _)| d) };
    let folders: Vec<&str> = within.split('/').collect();
    let loose_folders: Vec<String> = folders.iter().map(|f| loose_folder(f)).collect();
    match service_by_folder(graph, &folders, &loose_folders) {
        Some((nodes, as_written)) => {
            Placement { nodes, loose: (!as_written || tidy != path).then_some(Loose::Only), guessed: None }
        }
        None => Placement { nodes: Vec::new(), loose: None, guessed: None },
    }
}

/// `path` with backslashes read as folder separators and the spaces
/// around its folder names trimmed.
fn tidy_path(path: &str) -> String {
    path.replace('\\', "/").split('/').map(str::trim).collect::<Vec<_>>().join("/")
}

/// `tidy` (see [`tidy_path`]) with each folder name in its loose form
/// ([`loose_folder`]); a submodule's own name is a folder.
fn loose_path(mapping: &dyn PathMapping, path: &str, tidy: &str) -> String {
    let directory = mapping.is_directory(path);
    let (within, name) = match tidy.rsplit_once('/') {
        _ if directory => (tidy, None),
        Some((within, name)) => (within, Some(name)),
        None => ("", Some(tidy)),
    };
    let folders: Vec<String> = within.split('/').map(loose_folder).collect();
    match name {
        Some(name) if !within.is_empty() => format!("{}/{name}", folders.join("/")),
        Some(name) => name.to_owned(),
        None => folders.join("/"),
    }
}

/// The loose readings of `path` a mapping's rules are asked about, in
/// order, each with whether to match it ignoring case: the path with
/// backslashes as folder separators and the spaces around folder names
/// trimmed, then that in lower case, then with each folder name in its
/// loose form ([`loose_folder`]: invisible characters dropped,
/// compatibility forms such as full-width letters read as themselves,
/// trailing dots dropped) in lower case; the tidied and loose paths in
/// Unicode's lower case (`CAFÉ` as `café`); then the path as written,
/// tidied, loose and those two, each matched ignoring case in the rules'
/// patterns too
/// (`src/PayApp/` for `src/payapp/x.go`: lowering the path alone never
/// matched a pattern with a capital). Readings equal to the path as
/// written, matched as written, are left out.
fn loose_readings(mapping: &dyn PathMapping, path: &str) -> Vec<(String, bool)> {
    // (A path of ASCII without backslashes, spaces around its names or
    // folders ending in a dot reads loosely as written, but for case:
    // most paths, read without the allocations of the forms below.)
    // (Control characters are not plain: `payments\t` reads loosely as
    // `payments`, and a tab skipped every loose reading; red team 18.)
    let plain = path.bytes().all(|b| b.is_ascii_graphic() || b == b' ')
        && !path.contains('\\')
        && path.split('/').all(|name| !name.starts_with(' ') && !name.ends_with(' '))
        && path.rsplit_once('/').is_none_or(|(folders, _)| folders.split('/').all(|f| !f.ends_with('.')));
    if plain && !mapping.is_directory(path) {
        let lower = path.to_ascii_lowercase();
        let mut readings = Vec::with_capacity(2);
        if lower != path {
            readings.push((lower, false));
        }
        readings.push((path.to_owned(), true));
        return readings;
    }
    let tidy = tidy_path(path);
    let loose = loose_path(mapping, path, &tidy);
    let mut readings: Vec<(String, bool)> = Vec::with_capacity(6);
    // (Letters beyond ASCII in lower case are readings of their own,
    // beside the ASCII ones: `/services/café/` places
    // `services/CAFÉ/x.go`, and what the ASCII readings found still
    // counts: a pattern's `?` matches one byte, and the Kelvin sign, three
    // bytes, is `k` in lower case.)
    let unicode = [tidy.to_lowercase(), loose.to_lowercase()];
    for reading in [tidy.clone(), tidy.to_ascii_lowercase(), loose.to_ascii_lowercase()]
        .into_iter()
        .chain(unicode.clone())
        .map(|r| (r, false))
        .chain([path.to_owned(), tidy, loose].into_iter().chain(unicode).map(|r| (r, true)))
    {
        if (reading.0 != path || reading.1) && !readings.contains(&reading) {
            readings.push(reading);
        }
    }
    readings
}

/// The loose readings of `path` (backslashes as folder separators, the
/// spaces around names trimmed, lower case, folder names without invisible
/// characters, compatibility forms or trailing dots), each with whether to
/// match it ignoring case too: the spellings a rule about paths must also
/// be asked about, so that `.github\workflows\deploy.yml` is delivery
/// control and `payments\migrations\0001.py` a migration, as they are
/// spelled right (red team 18). The path as written is not among them.
pub fn loose_spellings(path: &str) -> Vec<(String, bool)> {
    loose_readings(&NoMapping, path)
}

/// The owners of each loose reading of `path` (see [`loose_readings`])
/// that a CODEOWNERS rule outranking the one owning the path as written
/// owns (or any, when none owns the path as written), when they are not
/// the path's own: each reading's spelling and its owners, each set once. `payments/Auth/token.go` must
/// not skip `/payments/auth/`'s owners by its capital (a red-team finding:
/// the path placed as written, its loose owners were never asked).
fn loose_owners<'a>(mapping: &'a dyn PathMapping, path: &str) -> Vec<(String, Vec<&'a str>, bool)> {
    let written = mapping.ranked_owners_of(path, false);
    let mut found: Vec<(String, Vec<&'a str>, bool)> = Vec::new();
    // Every reading a line that outranks the path's own owns: each set of
    // owners once (red team 18: the best reading alone let a later
    // `**/Docs/` line drop `/src/payments/`'s owners).
    for (reading, ignore_case) in loose_readings(mapping, path) {
        let Some((rank, owners)) = mapping.ranked_owners_of(&reading, ignore_case) else { continue };
        if owners.is_empty()
            || written.as_ref().is_some_and(|(w, own)| rank <= *w || *own == owners)
            || found.iter().any(|(_, o, _)| *o == owners)
        {
            continue;
        }
        // (Read ignoring case alone, the spelling is the path's: said, so
        // that the two sets of owners are told apart.)
        let catch_all = mapping.owned_by_catch_all(&reading, ignore_case);
        let spelling = if reading == path { format!("{path} (read ignoring case)") } else { reading };
        found.push((spelling, owners, catch_all));
    }
    found
}

/// Whether a loose reading of a path is owned by a line other than the
/// catch-all (see [`loose_owners`]): the path then has owners of its own.
fn specific_owner<S>(readings: &[(String, Vec<S>, bool)]) -> bool {
    readings.iter().any(|(_, owners, catch_all)| !catch_all && !owners.is_empty())
}

/// A folder name as a person reading it would: invisible characters
/// ([`blastgate_graph::is_hidden`]: zero-width spaces, soft hyphens,
/// direction marks) dropped, compatibility forms read in normal form KC
/// (full-width `ｐａｙｍｅｎｔｓ` is `payments`), and the blanks (spaces,
/// the braille blank) around it and the dots at its end (an ideographic
/// full stop too) dropped (`payments.`, which Windows reads as
/// `payments`).
/// Look-alike letters of other scripts (a Cyrillic `а` for a Latin `a`)
/// are left as they are.
fn loose_folder(name: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    // (ASCII is its own normal form KC, and its only hidden characters are
    // the controls: a path 1,300 folders deep spent most of its time in
    // the normalisation.)
    let visible: String = if name.is_ascii() {
        name.chars().filter(|c| !c.is_ascii_control()).collect()
    } else {
        name.chars().filter(|&c| !blastgate_graph::is_hidden(c)).nfkc().collect()
    };
    // A compatibility form that reads as a separator or as a `.` or `..`
    // folder is no spelling of a name: the path checks refuse those in
    // ASCII only, and read loosely `leaf／．．／payments/x.go` became
    // `leaf/../payments/x.go`, placed on `leaf` (red team 18). Such a name
    // is read as written, and the path then as unplaced code.
    if visible.contains(['/', '\\']) || matches!(visible.trim(), "." | "..") {
        return name.to_owned();
    }
    // (The braille blank shows as a space, the ideographic full stop as a
    // trailing dot: red team 18.)
    let blank = |c: char| c.is_whitespace() || c == '\u{2800}';
    visible.trim_matches(blank).trim_end_matches(|c: char| matches!(c, '.' | '\u{3002}') || blank(c)).to_owned()
}

/// The nodes the first of `folders` that is a graph node id names, each
/// folder read as written, else in its loose form (`loose`, the same
/// folders through [`loose_folder`]) with ASCII case ignored (every id
/// that differs only in case), and whether it was read as written. Else
/// the first folder that names catalog entities by plain name (`payments/`
/// for `component:payments`), when one of them is of the most deployable
/// kind among them alone: a component before a resource before any other
/// kind (an API shares its component's name by the catalog's convention).
/// Two components of one name (two namespaces) place the file nowhere: it
/// is then reviewed as unplaced code, which every freeze covers, rather
/// than guessed onto a node that may be the wrong one (found by an audit:
/// a guess by namespace moved code off a frozen tier-0 service). As for
/// ids, the first folder that names something decides.
fn service_by_folder<'g>(graph: &'g FrozenGraph, folders: &[&str], loose: &[String]) -> Option<(Vec<&'g str>, bool)> {
    let ids = |nodes: Vec<u32>| -> Vec<&'g str> { nodes.into_iter().filter_map(|i| graph.id(i)).collect() };
    let named = folders.iter().zip(loose).filter(|(f, _)| !f.is_empty()).find_map(|(f, l)| {
        if let Some(i) = graph.index_of(f) {
            return Some((ids(vec![i]), true));
        }
        Some((ids(graph.nodes_ignoring_case(l)), false)).filter(|(n, _)| !n.is_empty())
    });
    if named.is_some() {
        return named;
    }
    let (entities, as_written) = folders.iter().zip(loose).filter(|(f, _)| !f.is_empty()).find_map(|(f, l)| {
        let as_written = graph.catalog_entities_named(f);
        if !as_written.is_empty() {
            return Some((as_written, true));
        }
        Some((graph.catalog_entities_named(l), false)).filter(|(n, _)| !n.is_empty())
    })?;
    let rank = |i: u32| graph.catalog_kind_rank(i).unwrap_or(u8::MAX);
    let best = entities.iter().map(|&i| rank(i)).min()?;
    let mut top = entities.iter().copied().filter(|&i| rank(i) == best);
    let first = top.next()?;
    if top.next().is_some() {
        return None;
    }
    graph.node(first).map(|n| (vec![n.id()], as_written))
}

/// Up to three graph ids close to `id`, an id the graph lacks, best
/// first (ties by id): for "did you mean" help wherever an id meets a
/// graph that lacks it, so that the command line, the changeset and the
/// context suggest the same ids. An id whose last part (`artist-lookup`
/// of `component:artist-lookup` or `default/artist-lookup`) or whole is
/// `id`, ignoring case, ranks first (what people type for a catalog's
/// nodes); then ids that contain `id` or are contained in it, the most
/// similar first (for `s999999x`, `s999999` before `s9`); then ids of a
/// length within a factor of two whose Jaro-Winkler similarity to it is at
/// least 0.8, ignoring case (a typo anywhere: `pyaments` for `payments`).
/// The similarity of ids longer than [`SIMILAR_PREFIX`] characters is
/// that of their first [`SIMILAR_PREFIX`].
///
/// # Complexity
/// One pass over the graph's ids, on rayon's threads; the similarity is
/// computed only for ids of comparable length (an audit: a 512-byte
/// unknown id against 2.8 million nodes took 22 s to suggest nothing) whose
/// shared characters and common prefix could make it 0.8 or more, and on
/// at most [`SIMILAR_PREFIX`] characters of each, since it costs the
/// product of their lengths (a complexity audit: a 504-byte unknown id
/// against a million ids as long and as alike took 88 s).
pub fn close_ids<'g>(graph: &'g FrozenGraph, id: &str) -> Vec<&'g str> {
    let wanted = id.to_lowercase();
    let wanted_prefix = similar_prefix(&wanted);
    let filter = SimilarityBound::new(wanted_prefix);
    let comparable = |n: &str| n.len() <= wanted.len().saturating_mul(2) && wanted.len() <= n.len().saturating_mul(2);
    let similarity = |lower: &str| strsim::jaro_winkler(wanted_prefix, similar_prefix(lower));
    let finder = memchr::memmem::Finder::new(wanted.as_bytes());
    // One buffer a thread for the ids' lower case: a million ids made a
    // million strings, most of the 110 ms an unknown id took at a million
    // nodes. Split over rayon's threads; the order below is total (ids are
    // distinct), so the answer does not depend on the split.
    let score = |lower: &mut String, n: &str| -> Option<f64> {
        lower.clear();
        if n.is_ascii() {
            lower.push_str(n);
            lower.make_ascii_lowercase();
        } else {
            lower.push_str(&n.to_lowercase());
        }
        let score = if *lower == wanted || last_part_is(n, &wanted) {
            3.0
        } else if !wanted.is_empty()
            && (if lower.len() >= wanted.len() {
                finder.find(lower.as_bytes()).is_some()
            } else {
                wanted.contains(lower.as_str())
            })
        {
            2.0 + similarity(lower)
        } else if comparable(n) && filter.may_reach(similar_prefix(lower), 0.8) {
            similarity(lower)
        } else {
            return None;
        };
        (score >= 0.8).then_some(score)
    };
    let n = u32::try_from(graph.node_count()).unwrap_or(u32::MAX);
    let mut scored: Vec<(f64, &str)> = (0..n)
        .into_par_iter()
        .with_min_len(1 << 14)
        .fold(
            || (String::new(), Vec::new()),
            |(mut lower, mut found), i| {
                if let Some(id) = graph.node(i).map(|node| node.id())
                    && let Some(s) = score(&mut lower, id)
                {
                    found.push((s, id));
                }
                (lower, found)
            },
        )
        .map(|(_, found)| found)
        .reduce(Vec::new, |mut a, mut b| {
            a.append(&mut b);
            a
        });
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(b.1)));
    scored.into_iter().take(3).map(|(_, n)| n).collect()
}

/// Most characters of two ids [`close_ids`] compares for similarity.
pub const SIMILAR_PREFIX: usize = 64;

/// The first [`SIMILAR_PREFIX`] characters of `s`.
fn similar_prefix(s: &str) -> &str {
    s.char_indices().nth(SIMILAR_PREFIX).map_or(s, |(i, _)| s.get(..i).unwrap_or(s))
}

/// Whether the last part of `id` (after its last `:` or `/`; a catalog
/// entity's name) is `wanted`, a lower-case id, ignoring case. An id with
/// neither has itself as its last part, which the caller compares first.
fn last_part_is(id: &str, wanted: &str) -> bool {
    match id.rsplit_once([':', '/']) {
        Some((_, last)) => last.to_lowercase() == wanted,
        None => false,
    }
}

/// A cheap upper bound on the Jaro-Winkler similarity of an ASCII id to
/// another, from the characters they share (a match needs the same
/// character in both) and their common prefix: ids it rules out never
/// reach the similarity's own computation, which allocates.
struct SimilarityBound {
    /// Occurrences of each ASCII character in the wanted id; `None` when
    /// it is not ASCII (no bound: every id is compared).
    counts: Option<[u16; 128]>,
    /// The wanted id (lower case).
    wanted: Vec<u8>,
}

impl SimilarityBound {
    fn new(wanted: &str) -> Self {
        let counts = wanted.is_ascii().then(|| {
            let mut counts = [0u16; 128];
            for &b in wanted.as_bytes() {
                if let Some(c) = counts.get_mut(usize::from(b)) {
                    *c = c.saturating_add(1);
                }
            }
            counts
        });
        Self { counts, wanted: wanted.as_bytes().to_vec() }
    }

    /// Whether `other` (lower case) may have a Jaro-Winkler similarity of
    /// `at_least` or more to the wanted id. Jaro is `(m/|a| + m/|b| + (m -
    /// t)/m) / 3` for `m` matching characters, at most the characters the
    /// two share, counted with repeats; Winkler's boost adds a tenth of the
    /// remainder for each common leading character, up to four; both only
    /// grow with Jaro. Never false for an id that reaches it: the bound is
    /// rounded up by a margin before the comparison.
    fn may_reach(&self, other: &str, at_least: f64) -> bool {
        let Some(counts) = self.counts else { return true };
        if !other.is_ascii() || other.is_empty() || self.wanted.is_empty() {
            return true;
        }
        let mut left = counts;
        let mut shared = 0usize;
        for &b in other.as_bytes() {
            if let Some(c) = left.get_mut(usize::from(b))
                && *c > 0
            {
                *c -= 1;
                shared += 1;
            }
        }
        let (a, b, m) = (self.wanted.len() as f64, other.len() as f64, shared as f64);
        let jaro = if shared == 0 { 0.0 } else { (m / a + m / b + 1.0) / 3.0 };
        let prefix = self.wanted.iter().zip(other.as_bytes()).take(4).take_while(|(x, y)| x == y).count() as f64;
        let bound = jaro + 0.1 * prefix * (1.0 - jaro);
        bound + 1e-9 >= at_least
    }
}

/// "did you mean" help for an unknown id: ids sharing a prefix or contained
/// in each other, up to three.
fn suggest(graph: &FrozenGraph, id: &str) -> String {
    // (Paused: the search runs on rayon's threads, and this one may take
    // on other tasks while it waits.)
    let close = crate::pathmatch::MatchBudget::paused(|| close_ids(graph, id));
    if close.is_empty() {
        "check the id against `blastgate graph check`, or accept unknown services (`--allow-unknown-services`, or `allow_unknown_services`)".to_owned()
    } else {
        let list: Vec<String> = close.iter().map(|c| format!("`{c}`")).collect();
        format!(
            "did you mean {}? (or accept unknown services: `--allow-unknown-services`, or `allow_unknown_services`)",
            list.join(", ")
        )
    }
}

/// Every node a module of the resource's address names (as written, with
/// `-` for `_`, or in lower case), and for a moved resource a module of its
/// previous address too, sorted: the nodes [`resolve`] counts as changed by
/// the resource beside the one it states.
pub fn module_nodes<'g>(graph: &'g FrozenGraph, r: &InfraChange) -> Vec<&'g str> {
    let (mut modules, _) = crate::model::module_steps(&r.address);
    if let Some(previous) = r.moved_from() {
        modules.extend(crate::model::module_steps(previous).0);
    }
    let mut found: Vec<&str> = modules
        .iter()
        .filter_map(|name| {
            let dashed = name.replace('_', "-");
            [(*name).to_owned(), name.to_ascii_lowercase(), dashed.to_ascii_lowercase(), dashed]
                .into_iter()
                .find_map(|c| graph.index_of(&c).and_then(|i| graph.node(i)).map(|n| n.id()))
        })
        .collect();
    found.sort_unstable();
    found.dedup();
    found
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "test code: a panic is a failed test")]

    use blastgate_graph::{BuildOptions, EdgeSpec, GraphBuilder, GraphFragment, Origin};

    use super::{PathMapping, ResolveOptions, resolve};
    use crate::classify::Classifier;
    use crate::model::{Changeset, FileChange, FileStatus};

    /// A path with letters beyond ASCII is read in ASCII lower case and in
    /// Unicode's too, each a reading of its own: the Unicode one alone lost
    /// the rule a `?` found in the ASCII one (the Kelvin sign is three
    /// bytes, `k` one; a red team).
    #[test]
    fn letters_beyond_ascii_are_read_in_both_lower_cases() {
        let readings = super::loose_spellings("SRC/PAYAPP/CAFÉ/\u{212A}.go");
        let has = |reading: &str, ignore_case: bool| readings.iter().any(|(r, i)| r == reading && *i == ignore_case);
        assert!(has("src/payapp/cafÉ/\u{212A}.go", false), "{readings:?}");
        assert!(has("src/payapp/café/k.go", false), "{readings:?}");
        assert!(has("src/payapp/café/k.go", true), "{readings:?}");
    }

    /// Owners by top-level folder: `payments/` is team-pay's, `docs/`
    /// everyone's.
    struct ByFolder;

    impl PathMapping for ByFolder {
        fn service_of(&self, _: &str) -> Option<&str> {
            None
        }
        fn owners_of(&self, path: &str) -> Option<Vec<&str>> {
            if path.starts_with("payments/") { Some(vec!["@team-pay"]) } else { Some(vec!["@all"]) }
        }
    }

    /// Owners from a matcher's patterns: `@x` for any rule.
    struct Owners(crate::pathmatch::PathMatcher);

    impl PathMapping for Owners {
        fn service_of(&self, _: &str) -> Option<&str> {
            None
        }
        fn owners_of(&self, path: &str) -> Option<Vec<&str>> {
            self.0.rule_of(path, false).map(|_| vec!["@x"])
        }
    }

    /// A resolution within the caller's budget counts against it, and a
    /// spent one fails every resolution after it (an assessment's split
    /// parts and counterfactuals); without one open, or not asked to, a
    /// resolution has its own.
    #[test]
    fn resolving_within_the_callers_budget_shares_it() {
        use crate::pathmatch::{MatchBudget, PathMatcherBuilder};
        let mut builder = PathMatcherBuilder::new().named("CODEOWNERS");
        builder.add(0, "*").unwrap();
        for i in 0..60u8 {
            builder.add(usize::from(i) + 1, &format!("*a{}b{}", "?".repeat(30), char::from(b'c' + i % 24))).unwrap();
        }
        let owners = Owners(builder.build().unwrap());
        let mut f = GraphFragment::new("g", Origin::Listed);
        f.node("orders", String::new).unwrap();
        let mut graph = GraphBuilder::new(BuildOptions::default());
        graph.add(f).unwrap();
        let graph = graph.build().unwrap().freeze();
        let mut x = 7u64;
        let name: String = (0..600)
            .map(|_| {
                x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
                if x >> 63 == 0 { 'a' } else { 'b' }
            })
            .collect();
        let file = |path: String| Changeset {
            id: "c".into(),
            files: vec![FileChange { path, added: 1, ..FileChange::default() }],
            ..Changeset::default()
        };
        let (hostile, plain) = (file(format!("orders/{name}")), file("orders/main.go".into()));
        let classifier = Classifier::default();
        let within = ResolveOptions::default().within_match_budget();
        let budget = MatchBudget::with_limit(256 << 10);
        assert_eq!(resolve("c", &plain, &graph, &owners, &classifier, within).unwrap().file_owners, ["@x"]);
        let error = resolve("c", &hostile, &graph, &owners, &classifier, within).unwrap_err();
        assert!(error.to_string().contains("CODEOWNERS: limit `max_match_state_bytes` exceeded: 262145 > 262144"));
        assert!(resolve("c", &plain, &graph, &owners, &classifier, within).is_err());
        // (Not asked to: its own budget, of the default size.)
        assert_eq!(
            resolve("c", &hostile, &graph, &owners, &classifier, ResolveOptions::default()).unwrap().file_owners,
            ["@x"]
        );
        drop(budget);
        assert_eq!(resolve("c", &hostile, &graph, &owners, &classifier, within).unwrap().file_owners, ["@x"]);
    }

    /// Which reasons a node keeps (20 of them), and the lists of files,
    /// do not depend on the order of the changeset's files: SARIF output
    /// located a rule on the first 20 files in input order.
    #[test]
    fn kept_reasons_and_file_lists_do_not_depend_on_file_order() {
        let mut f = GraphFragment::new("g", Origin::Listed);
        let (web, svc) = (f.node("web", String::new).unwrap(), f.node("svc", String::new).unwrap());
        f.edge(web, svc, EdgeSpec::default()).unwrap();
        let mut builder = GraphBuilder::new(BuildOptions::default());
        builder.add(f).unwrap();
        let graph = builder.build().unwrap().freeze();
        let mut files: Vec<FileChange> = (1..=22)
            .map(|i| FileChange { path: format!("svc/f{i:02}.go"), added: 1, ..FileChange::default() })
            .chain((1..=3).map(|i| FileChange { path: format!("tools/t{i}.sh"), added: 1, ..FileChange::default() }))
            .collect();
        let classifier = Classifier::default();
        let mut seen = Vec::new();
        for _ in 0..2 {
            let changeset = Changeset { id: "c".into(), files: files.clone(), ..Changeset::default() };
            let r = resolve("c", &changeset, &graph, &ByFolder, &classifier, ResolveOptions::default()).unwrap();
            seen.push((r.touched[0].via.clone(), r.touched[0].reasons, r.unmapped_files, r.unmapped_runtime_files));
            files.reverse();
        }
        assert_eq!(seen[0], seen[1]);
        assert_eq!(seen[0].0.len(), 20);
        assert_eq!(seen[0].1, 22);
    }

    /// Lines added to a test file the change keeps never lower the size: a
    /// kept test file is left out whatever its lines (it was counted while
    /// it added none, so 864 lines added to an empty test took a file, a
    /// directory and a subsystem off the size: `multi_party` to `senior`
    /// in a monotonicity property's draw). A deleted test still counts.
    #[test]
    fn lines_added_to_a_kept_test_never_lower_the_size() {
        let mut f = GraphFragment::new("g", Origin::Listed);
        let (s0, s1) = (f.node("s0", String::new).unwrap(), f.node("s1", String::new).unwrap());
        f.edge(s0, s1, EdgeSpec::default()).unwrap();
        let mut builder = GraphBuilder::new(BuildOptions::default());
        builder.add(f).unwrap();
        let graph = builder.build().unwrap().freeze();
        let classifier = Classifier::default();
        let file = |path: &str, added: u64, deleted: u64, status: FileStatus| FileChange {
            path: path.into(),
            added,
            deleted,
            status,
            ..FileChange::default()
        };
        let metrics = |test: FileChange| {
            let files = vec![
                test,
                file("src/s3/main.go", 90, 28, FileStatus::Added),
                file("s1/go.mod", 9, 3, FileStatus::Added),
            ];
            let changeset = Changeset { id: "c".into(), files, ..Changeset::default() };
            resolve("c", &changeset, &graph, &ByFolder, &classifier, ResolveOptions::default()).unwrap().metrics
        };
        let test = "s0/tests/handler_test.go";
        for (status, deleted) in [(FileStatus::Added, 0), (FileStatus::Modified, 0), (FileStatus::Modified, 12)] {
            let (before, after) = (metrics(file(test, 0, deleted, status)), metrics(file(test, 864, deleted, status)));
            assert!(after.la >= before.la && after.ld >= before.ld, "{before:?} {after:?}");
            assert_eq!((after.nf, after.nd, after.ns), (before.nf, before.nd, before.ns), "{status:?}");
            assert_eq!((before.nf, before.ns), (2, 2), "{status:?}");
        }
        let deleted = metrics(file(test, 0, 40, FileStatus::Deleted));
        assert_eq!((deleted.nf, deleted.ld), (3, 71));
    }

    /// Among ids that contain the unknown one or are contained in it, the
    /// most similar comes first: `s999999x` meant `s999999`, not `s9`
    /// (the smallest id, which a tie by id put first).
    #[test]
    fn contained_ids_are_suggested_most_similar_first() {
        let mut f = GraphFragment::new("g", Origin::Listed);
        let ids = ["s9", "s99", "s999", "s999999", "s999998", "Checkout", "team:cart", "payments"];
        let nodes: Vec<_> = ids.iter().map(|id| f.node(id, String::new).unwrap()).collect();
        for pair in nodes.windows(2) {
            f.edge(pair[0], pair[1], EdgeSpec::default()).unwrap();
        }
        let mut builder = GraphBuilder::new(BuildOptions::default());
        builder.add(f).unwrap();
        let graph = builder.build().unwrap().freeze();
        assert_eq!(super::close_ids(&graph, "s999999x"), ["s999999", "s999", "s99"]);
        // An id equal but for case, or a catalog id's last part, first.
        assert_eq!(super::close_ids(&graph, "checkout"), ["Checkout"]);
        assert_eq!(super::close_ids(&graph, "cart")[0], "team:cart");
        assert_eq!(super::close_ids(&graph, "pyaments"), ["payments"]);
    }

    /// The suggestions as first written (a lower-case copy of every id,
    /// the similarity of every id of comparable length), for the fast
    /// version to equal.
    fn close_ids_reference<'g>(graph: &'g blastgate_graph::FrozenGraph, id: &str) -> Vec<&'g str> {
        let wanted = id.to_lowercase();
        let last_part = |n: &str| n.rsplit([':', '/']).next().unwrap_or(n).to_lowercase();
        let comparable = |n: &str| n.len() <= wanted.len() * 2 && wanted.len() <= n.len() * 2;
        let first = |s: &str| s.chars().take(super::SIMILAR_PREFIX).collect::<String>();
        let jaro_winkler = |a: &str, b: &str| strsim::jaro_winkler(&first(a), &first(b));
        let mut scored: Vec<(f64, &str)> = graph
            .nodes()
            .filter_map(|n| {
                let n = n.id();
                let lower = n.to_lowercase();
                let score = if lower == wanted || last_part(n) == wanted {
                    3.0
                } else if !wanted.is_empty() && (lower.contains(&wanted) || wanted.contains(&lower)) {
                    2.0 + jaro_winkler(&wanted, &lower)
                } else if comparable(n) {
                    jaro_winkler(&wanted, &lower)
                } else {
                    return None;
                };
                (score >= 0.8).then_some((score, n))
            })
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(b.1)));
        scored.into_iter().take(3).map(|(_, n)| n).collect()
    }

    /// A graph of `ids`, without edges.
    fn graph_of_ids(ids: &std::collections::BTreeSet<String>) -> blastgate_graph::FrozenGraph {
        let mut f = GraphFragment::new("g", Origin::Listed);
        for id in ids {
            f.node(id, String::new).unwrap();
        }
        let mut builder = GraphBuilder::new(BuildOptions::default());
        builder.add(f).unwrap();
        builder.build().unwrap().freeze()
    }

    proptest::proptest! {
        /// The bound that skips most similarity computations never skips
        /// one that would be suggested: the same ids, in the same order,
        /// as computing every similarity, for ids over a small alphabet
        /// (so that many are close), upper case, catalog prefixes and
        /// non-ASCII letters included.
        #[test]
        fn close_ids_equal_the_reference(
            ids in proptest::collection::btree_set("(team:|a/)?[abcAB1é]{1,8}", 1..40),
            wanted in "[abcAB1é:]{0,9}",
        ) {
            let graph = graph_of_ids(&ids);
            proptest::prop_assert_eq!(super::close_ids(&graph, &wanted), close_ids_reference(&graph, &wanted));
        }

        /// Ids longer than the prefix compared: alike in their first 64
        /// characters or not, as the reference compares them.
        #[test]
        fn close_ids_of_long_ids_equal_the_reference(
            ids in proptest::collection::btree_set("a{55,70}[abé]{0,12}", 1..20),
            wanted in "a{55,70}[abé]{0,12}",
        ) {
            let graph = graph_of_ids(&ids);
            proptest::prop_assert_eq!(super::close_ids(&graph, &wanted), close_ids_reference(&graph, &wanted));
        }

        /// The bound itself: never below the similarity it bounds, at every
        /// threshold, for pairs of ids over a small alphabet (similarities
        /// around 0.8 are common there).
        #[test]
        fn the_similarity_bound_is_never_below_the_similarity(
            wanted in "[abcd1]{0,12}",
            other in "[abcd1]{0,12}",
            at_least in 0.0f64..1.0,
        ) {
            let similarity = strsim::jaro_winkler(&wanted, &other);
            let bound = super::SimilarityBound::new(&wanted);
            proptest::prop_assert!(similarity < at_least || bound.may_reach(&other, at_least));
            proptest::prop_assert!(similarity < 0.8 || bound.may_reach(&other, 0.8));
        }
    }

    #[test]
    fn a_file_renamed_out_of_a_service_changes_it_and_asks_its_owners() {
        let mut f = GraphFragment::new("g", Origin::Listed);
        let (cart, payments) = (f.node("cart", String::new).unwrap(), f.node("payments", String::new).unwrap());
        f.edge(cart, payments, EdgeSpec::default()).unwrap();
        let mut builder = GraphBuilder::new(BuildOptions::default());
        builder.add(f).unwrap();
        let graph = builder.build().unwrap().freeze();
        let moved = FileChange {
            path: "docs/main.md".into(),
            old_path: Some("payments/main.go".into()),
            status: FileStatus::Renamed,
            ..FileChange::default()
        };
        let changeset = Changeset { id: "move".into(), files: vec![moved.clone()], ..Changeset::default() };
        let classifier = Classifier::default();
        let r = resolve("c", &changeset, &graph, &ByFolder, &classifier, ResolveOptions::default()).unwrap();
        let touched: Vec<&str> = r.touched.iter().map(|t| t.id.as_str()).collect();
        assert_eq!(touched, ["payments"]);
        assert_eq!(r.file_owners, ["@all", "@team-pay"]);
        assert_eq!(r.kinds.keys().map(|k| k.as_str()).collect::<Vec<_>>(), ["code"]);
        // A copy leaves its source as it was.
        let copied = FileChange { status: FileStatus::Copied, ..moved };
        let changeset = Changeset { id: "copy".into(), files: vec![copied], ..Changeset::default() };
        let r = resolve("c", &changeset, &graph, &ByFolder, &classifier, ResolveOptions::default()).unwrap();
        assert!(r.touched.is_empty());
        assert_eq!(r.file_owners, ["@all"]);
    }

    /// A changed part changes its whole, up the chain of `part_of`
    /// labels, with the part's kinds and the part as the reason; a cycle
    /// of labels ends.
    #[test]
    fn a_changed_part_changes_its_whole_up_the_chain() {
        use super::{ChangedBy, PART_OF_LABEL};
        use crate::model::ChangeKind;
        let mut f = GraphFragment::new("g", Origin::Declared);
        for (id, whole) in [("a", Some("b")), ("b", Some("c")), ("c", Some("a")), ("d", Some("c")), ("e", None)] {
            let mut spec = blastgate_graph::NodeSpec::default();
            if let Some(w) = whole {
                spec.labels.insert(PART_OF_LABEL.to_owned(), w.to_owned());
            }
            f.declare(id, spec, || id.to_owned()).unwrap();
        }
        let mut builder = GraphBuilder::new(BuildOptions::default());
        builder.add(f).unwrap();
        let graph = builder.build().unwrap().freeze();
        let classifier = Classifier::default();
        let resolved = |services: &[&str], files: Vec<FileChange>| {
            let changeset = Changeset {
                id: "c".into(),
                services: services.iter().map(|s| (*s).to_owned()).collect(),
                files,
                ..Changeset::default()
            };
            resolve("c", &changeset, &graph, &ByFolder, &classifier, ResolveOptions::default()).unwrap()
        };
        let r = resolved(&["d"], Vec::new());
        let ids: Vec<&str> = r.touched.iter().map(|t| t.id.as_str()).collect();
        assert_eq!(ids, ["a", "b", "c", "d"]);
        assert!(r.touched.iter().all(|t| t.runtime));
        let c = r.touched.iter().find(|t| t.id == "c").unwrap();
        assert_eq!(c.via, [ChangedBy::PartOf("b".into()), ChangedBy::PartOf("d".into())]);
        assert_eq!(c.reasons, 2);
        assert_eq!(resolved(&["e"], Vec::new()).touched.len(), 1, "no whole: nothing added");
        // A migration in part `d`'s folder is a migration of every whole.
        let file = FileChange { path: "d/migrations/0001_init.sql".into(), added: 3, ..FileChange::default() };
        let r = resolved(&[], vec![file]);
        assert!(
            r.touched.iter().all(|t| t.kinds.contains(&ChangeKind::SchemaMigration)),
            "{:?}",
            r.touched.iter().map(|t| (&t.id, &t.kinds)).collect::<Vec<_>>()
        );
    }

    /// Destructive entries that share an address are listed in one order,
    /// whatever the changeset's (a determinism audit: `change show`
    /// followed input order), their replace paths sorted.
    #[test]
    fn destructive_entries_sharing_an_address_are_listed_in_one_order() {
        use crate::model::{InfraAction, InfraChange};
        let mut f = GraphFragment::new("g", Origin::Listed);
        let (web, db) = (f.node("web", String::new).unwrap(), f.node("db", String::new).unwrap());
        f.edge(web, db, EdgeSpec::default()).unwrap();
        let mut builder = GraphBuilder::new(BuildOptions::default());
        builder.add(f).unwrap();
        let graph = builder.build().unwrap().freeze();
        let entry = |action: InfraAction, paths: &[&str]| InfraChange {
            address: "aws_db_instance.x".into(),
            action: Some(action),
            replace_paths: paths.iter().map(|p| (*p).to_owned()).collect(),
            node: Some("db".into()),
            ..InfraChange::default()
        };
        let mut infrastructure = vec![entry(InfraAction::Replace, &["b", "a"]), entry(InfraAction::Delete, &[])];
        let mut seen = Vec::new();
        for _ in 0..2 {
            let changeset =
                Changeset { id: "c".into(), infrastructure: infrastructure.clone(), ..Changeset::default() };
            let classifier = Classifier::default();
            seen.push(resolve("c", &changeset, &graph, &ByFolder, &classifier, ResolveOptions::default()).unwrap());
            infrastructure.reverse();
        }
        assert_eq!(seen[0].destructive, seen[1].destructive);
        assert!(seen[0].destructive.iter().any(|r| r.replace_paths == ["a", "b"]));
    }

    /// A folder named after a catalog entity's plain name places its files
    /// on that entity (found by a gaming audit: `payments/` mapped nowhere
    /// beside `component:payments`, so its code reached nothing): the
    /// component among entities of that name, none when two components
    /// share it (a guess by namespace could move code off a frozen tier-0
    /// node: a later audit), the first folder that names one deciding.
    #[test]
    fn a_folder_named_after_a_catalog_entity_places_its_files() {
        let mut f = GraphFragment::new("g", Origin::Listed);
        let web = f.node("component:web", String::new).unwrap();
        let pay = f.node("component:payments", String::new).unwrap();
        let db = f.node("resource:payments", String::new).unwrap();
        let (a, b) =
            (f.node("component:a/cache", String::new).unwrap(), f.node("component:b/cache", String::new).unwrap());
        for (from, to) in [(web, pay), (pay, db), (web, a), (web, b)] {
            f.edge(from, to, EdgeSpec::default()).unwrap();
        }
        let mut builder = GraphBuilder::new(BuildOptions::default());
        builder.add(f).unwrap();
        let graph = builder.build().unwrap().freeze();
        let classifier = Classifier::default();
        let touched = |path: &str| {
            let file = FileChange { path: path.into(), added: 3, ..FileChange::default() };
            let changeset = Changeset { id: "c".into(), files: vec![file], ..Changeset::default() };
            let r = resolve("c", &changeset, &graph, &ByFolder, &classifier, ResolveOptions::default()).unwrap();
            r.touched.iter().map(|t| t.id.clone()).collect::<Vec<_>>()
        };
        assert_eq!(touched("services/payments/charge.go"), ["component:payments"], "the component, not its resource");
        assert_eq!(touched("services/web/main.go"), ["component:web"]);
        assert_eq!(touched("services/Web/main.go"), ["component:web"]);
        assert!(touched("services/cache/cache.go").is_empty(), "two components of one name: none");
        assert_eq!(touched("services/web/cache/cache.go"), ["component:web"], "the first folder decides");
        assert!(touched("web.go").is_empty(), "a file's own name is no folder");
    }
}
