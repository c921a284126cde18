//! Changesets: what changed (files, services, infrastructure), by whom
//! (author, seniority, AI provenance), how (safety facts); and their
//! resolution against the graph: which nodes change, what kinds of change,
//! who owns the touched paths, how big the change is.
//!
//! # Untrusted input
//!
//! Changeset documents, plans, CODEOWNERS files and git output are
//! untrusted: parsing never panics and is bounded by [`limits`]; unknown
//! fields in the native document are errors, so a typo cannot silently
//! lower risk.
//!
//! ```
//! use blastgate::change::{parse_changeset, resolve, Classifier, NoMapping, ResolveOptions};
//! use blastgate::graph::{BuildOptions, GraphLoader};
//!
//! let mut loader = GraphLoader::new(BuildOptions::default());
//! loader.add_bytes(blastgate::demo::TOPOLOGY_NAME, blastgate::demo::TOPOLOGY.as_bytes(), None)?;
//! let graph = loader.build()?.freeze();
//! let doc = br#"{"apiVersion": "blastgate.dev/v1", "kind": "Changeset", "id": "pr-1",
//!   "files": [{"path": "services/pricing/rules.go", "added": 40, "deleted": 2}]}"#;
//! let change = parse_changeset("pr-1.json", doc)?;
//! let resolved = resolve("pr-1.json", &change, &graph, &NoMapping, &Classifier::default(), ResolveOptions::default())?;
//! assert_eq!(resolved.touched[0].id, "pricing");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::path::Path;

pub use blastgate_change::limits;
pub use blastgate_change::{
    API_VERSION, AiInvolvement, Author, ChangeError, ChangeKind, ChangeMetrics, ChangedBy, Changeset, Classifier,
    Contributor, FINAL_SNAPSHOT_TYPES, FileChange, FileOwnership, FileStatus, HistoryMetrics, InfraAction, InfraChange,
    KIND, KindRule, NoMapping, PathMapping, Provenance, ProvenanceSource, ResolveOptions, ResolvedChange, Rollout,
    RuleRank, SNAPSHOT_ON_DELETE_TYPES, Safety, TouchedNode, is_agent_account,
};
// The function alone, by its full path: `resolve` would bring the internal
// module of that name along (an embedder audit found 18 of its helpers public).
pub use blastgate_change::resolve::resolve;

/// Parses a native changeset document (JSON or YAML).
///
/// # Errors
/// [`ChangeError`]: syntax, schema (unknown fields included), version,
/// value and limit errors naming the file and the place (JSON path, or
/// line and column in YAML).
pub fn parse_changeset(name: &str, bytes: &[u8]) -> Result<Changeset, ChangeError> {
    blastgate_ingest::changeset::parse(name, bytes)
}

/// Checks a changeset as [`parse_changeset`] checks a document: version
/// and kind, [`limits`], non-empty ids, services, paths and resource
/// addresses, paths from the repository root, renamed files that name
/// where they came from, names on one line, finite, non-negative history
/// metrics. A changeset built in code skips the parser:
/// [`crate::Engine::assess`] runs these checks on every changeset it is
/// given and, when one fails, adds an `invalid-changeset` error (which
/// escalates the decision to the policy's error depth). Call it first to
/// refuse an invalid changeset before assessing. `name` names the
/// changeset in the error.
///
/// # Errors
/// The first problem found: [`ChangeError::UnsupportedVersion`],
/// [`ChangeError::Schema`] (the kind), [`ChangeError::InvalidValue`] or
/// [`ChangeError::LimitExceeded`], naming the JSON path (`$.id`).
///
/// # Complexity
/// Linear in the changeset's size.
///
/// # Example
///
/// ```
/// use blastgate::change::{API_VERSION, Changeset, KIND, validate};
///
/// let mut change = Changeset { api_version: API_VERSION.into(), kind: KIND.into(), ..Changeset::default() };
/// assert_eq!(validate("change", &change).unwrap_err().kind_name(), "invalid_value"); // no id
/// change.id = "pr-1".into();
/// assert!(validate("change", &change).is_ok());
/// ```
pub fn validate(name: &str, changeset: &Changeset) -> Result<(), ChangeError> {
    blastgate_change::validate::validate(name, changeset)
}

/// Reads a native changeset document from `reader` (at most
/// [`limits::MAX_INPUT_BYTES`] bytes) and parses it.
///
/// # Errors
/// [`ChangeError::Io`] when the reader fails, wherever it fails; a limit
/// error past the cap; otherwise as [`parse_changeset`].
pub fn read_changeset(name: &str, reader: impl std::io::Read) -> Result<Changeset, ChangeError> {
    let bytes = blastgate_ingest::read_bounded(name, reader, limits::MAX_INPUT_BYTES)?;
    parse_changeset(name, &bytes)
}

/// Reads and parses a native changeset file; `-` reads standard input.
///
/// # Errors
/// [`ChangeError::Io`] when the file cannot be read; otherwise as
/// [`parse_changeset`].
pub fn load_changeset(path: &Path) -> Result<Changeset, ChangeError> {
    let bytes = read_input(path)?;
    parse_changeset(&blastgate_ingest::input_name(path), &bytes)
}

/// Reads a CODEOWNERS file, service map or plan with the input size cap;
/// `-` reads standard input.
///
/// # Errors
/// [`ChangeError::Io`] or [`ChangeError::LimitExceeded`].
pub fn read_input(path: &Path) -> Result<Vec<u8>, ChangeError> {
    Ok(blastgate_ingest::read_path(path, limits::MAX_INPUT_BYTES)?)
}

/// The longest author id [`replace_author`] takes, in bytes.
pub const MAX_AUTHOR_ID_BYTES: usize = 256;

/// Makes `id` (trimmed) the change's author, as the CI platform knows
/// them: the pull request's author. Read from git, a change's author is the
/// head commit's author email, which whoever commits sets to anything;
/// a context's `people` list looks up the id given here.
///
/// The author the change named before, if another, becomes one of its
/// [`Changeset::contributors`] (with the seniority it stated): they made
/// the change too (read from git, they committed its head), may not
/// approve it, and count for the AI rule, which goes by the least senior
/// of the author and the contributors. `id` itself is taken out of the
/// contributors.
///
/// Unless the change already named this author, what it says of its author
/// (the seniority stated, and the experience stated or measured:
/// `author.prior_changes`, `history.exp`, `rexp` and `sexp`) says nothing
/// of this one: it is dropped, so that the seniority is unknown (the least
/// senior level, or the context's `people` list) and no experience counts,
/// the riskier values. That holds for a change that named no author too (a
/// red-team audit: its claims were kept for the author given). The answer
/// is then a note saying so, one sentence to show as a warning; `None`
/// when the change already named this author.
///
/// # Errors
/// [`ChangeError::InvalidValue`] when `id` is empty, longer than
/// [`MAX_AUTHOR_ID_BYTES`] or holds a control character; the changeset is
/// then unchanged.
///
/// # Example
/// ```
/// use blastgate::change::{parse_changeset, replace_author};
///
/// let mut change = parse_changeset("c.json", br#"{"apiVersion": "blastgate.dev/v1", "kind": "Changeset",
///   "id": "c1", "author": {"id": "dev@example.com", "prior_changes": 40}}"#)?;
/// let note = replace_author(&mut change, "dana")?;
/// assert_eq!(change.author.id, "dana");
/// assert_eq!(change.author.prior_changes, None);
/// assert_eq!(change.contributors[0].id, "dev@example.com");
/// assert!(note.is_some_and(|n| n.contains("`dev@example.com` is replaced by `dana`")));
/// # Ok::<(), blastgate::ChangeError>(())
/// ```
pub fn replace_author(changeset: &mut Changeset, id: &str) -> Result<Option<String>, ChangeError> {
    let id = id.trim();
    // Named `--author`, as the command line gives it.
    if id.is_empty() {
        // Most often a CI variable empty on this event (a push has no pull
        // request author): said, not "1 to 256 bytes" (a newcomer audit).
        return Err(ChangeError::invalid("--author", "", "", "the author id is empty").with_help(
            "give the login of who opened the change; in CI, check that the variable you pass is set for this \
             event (a push has no pull request author)",
        ));
    }
    if id.len() > MAX_AUTHOR_ID_BYTES || id.chars().any(char::is_control) {
        return Err(ChangeError::invalid(
            "--author",
            "",
            id,
            format!("an author id is 1 to {MAX_AUTHOR_ID_BYTES} bytes without control characters"),
        ));
    }
    let mut note = None;
    // The author given is no contributor of their own change.
    changeset.contributors.retain(|c| !c.id.trim().eq_ignore_ascii_case(id));
    // Whoever the change named made it too (read from git, the head
    // commit's author): they stay among the people who may not approve it,
    // and the AI rule goes by the least senior of all (an audit: a senior
    // opening a pull request of a junior's AI-assisted commits made it the
    // senior's alone).
    let previous = changeset.author.id.trim().to_owned();
    let stated = changeset.author.seniority.clone();
    if changeset.author.id != id {
        let dropped = changeset.author.prior_changes.take().is_some()
            | changeset.author.seniority.take().is_some()
            | changeset.history.as_mut().is_some_and(|h| {
                let had = h.exp.is_some() || h.rexp.is_some() || h.sexp.is_some();
                (h.exp, h.rexp, h.sexp) = (None, None, None);
                had
            });
        let also = if dropped {
            "; what it states of its author (seniority, prior changes, exp, rexp, sexp) is not counted"
        } else {
            ""
        };
        note = if !changeset.author.id.is_empty() {
            let kept = if previous.is_empty() || previous.eq_ignore_ascii_case(id) {
                ""
            } else {
                " (it stays among the change's contributors, who may not approve it)"
            };
            Some(format!(
                "the change's author `{}` is replaced by `{id}`{kept}{also}",
                changeset.author.id.escape_debug()
            ))
        } else if dropped {
            Some(format!("the change names no author; its author is `{id}`{also}"))
        } else {
            None
        };
    }
    id.clone_into(&mut changeset.author.id);
    if !previous.is_empty() && !previous.eq_ignore_ascii_case(id) {
        let at = changeset.contributors.len();
        changeset.add_contributor(&previous);
        // Its stated seniority stays with it, as any contributor's.
        if changeset.contributors.len() > at
            && let Some(added) = changeset.contributors.iter_mut().find(|c| c.id == previous)
        {
            added.seniority = stated;
        }
    }
    Ok(note)
}

/// The JSON Schema of the changeset document.
pub fn changeset_json_schema() -> String {
    blastgate_ingest::changeset::json_schema()
}

pub use blastgate_ingest::codeowners::{CodeOwners, CodeOwnersRule};
pub use blastgate_ingest::service_map::ServiceMap;
pub use blastgate_ingest::terraform::{PlanOptions, PlanSummary, ResourceMapping, parse_plan};

use blastgate_graph::FrozenGraph;

/// How repository paths map to services and owners: a service map file, the
/// Backstage `source-location` annotations of the graph, and CODEOWNERS.
/// The service map wins over source locations; paths that neither maps
/// fall back to the first folder named like a graph node (see
/// [`resolve()`]).
#[derive(Debug, Default)]
pub struct RepoMapping {
    service_map: Option<ServiceMap>,
    source_locations: Option<ServiceMap>,
    codeowners: Option<CodeOwners>,
    directories: std::collections::BTreeSet<String>,
    repository: Option<String>,
}

impl RepoMapping {
    /// A mapping from the graph's `source_location` labels (kept by the
    /// Backstage loader), if any node has one.
    pub fn from_graph(graph: &FrozenGraph) -> Self {
        let locations: Vec<(&str, &str)> = graph
            .nodes_with_labels()
            .filter_map(|n| n.labels().get("source_location").map(|l| (n.id(), l.as_str())))
            .collect();
        let source_locations = (!locations.is_empty()).then(|| ServiceMap::from_source_locations(locations));
        Self { source_locations, ..Self::default() }
    }

    /// The repository the changed files are in (a clone URL or
    /// `HOST/ORG/REPO`; see [`Changeset::repository`]): only source
    /// locations in it (and `dir:` ones) place paths. Without it, or with
    /// one that no location names, every location places paths whatever
    /// repository it names (and, when they name several, the files count
    /// as unplaced code too: [`PathMapping::guessed_repository`]). The command
    /// line and [`crate::json_api`] set it from the changeset; the
    /// [`crate::assess::Engine`] places by the graph's own locations with
    /// the changeset's `repository` whatever this mapping says.
    #[must_use]
    pub fn with_repository(mut self, repository: Option<String>) -> Self {
        self.repository = repository;
        self
    }

    /// Adds a service map file's rules (they win over source locations).
    /// A map without rules (`ServiceMap::rule_count` 0) is taken as given:
    /// refuse one that arrived empty with [`no_rules_error`], as the
    /// command line does.
    #[must_use]
    pub fn with_service_map(mut self, map: ServiceMap) -> Self {
        self.service_map = Some(map);
        self
    }

    /// Adds CODEOWNERS rules. A file without rules is taken as given:
    /// refuse one that arrived empty with [`no_rules_error`], as the
    /// command line does.
    #[must_use]
    pub fn with_codeowners(mut self, owners: CodeOwners) -> Self {
        self.codeowners = Some(owners);
        self
    }

    /// Paths that are directories to git though a change lists them as
    /// files: submodules ([`crate::git::GitChange::submodules`]). CODEOWNERS
    /// matches them as directories, as git and GitHub do, so a pattern
    /// ending in `/` (`third_party/vendorlib/`) owns them.
    #[must_use]
    pub fn with_directories(mut self, paths: impl IntoIterator<Item = String>) -> Self {
        self.directories.extend(paths);
        self
    }

    /// Warnings from reading the rules.
    pub fn warnings(&self) -> Vec<String> {
        let mut out = Vec::new();
        for m in [&self.service_map, &self.source_locations].into_iter().flatten() {
            out.extend(m.warnings().iter().cloned());
        }
        if let Some(c) = &self.codeowners {
            out.extend(c.warnings().iter().cloned());
        }
        // (A stated repository no `url:` location names places as none
        // does: said, since a misspelt host or a fork is the usual cause.)
        let named = self.source_locations.as_ref().map(ServiceMap::repositories).unwrap_or_default();
        if let Some(stated) = self.repository.as_deref()
            && !named.is_empty()
            && let Some(key) = blastgate_change::repository_key(stated)
            && named.binary_search(&key).is_err()
        {
            let shown: Vec<String> = named.iter().take(10).map(|r| format!("`{r}`")).collect();
            let more = named.len().saturating_sub(shown.len());
            let more = if more > 0 { format!(" and {more} more") } else { String::new() };
            out.push(format!(
                "the change's repository `{key}` is none of those the graph's source locations name ({}{more}): \
                 every location places its files, whatever repository it names, as for a change that states \
                 none. Check the changeset's `repository` (or the `origin` remote)",
                shown.join(", ")
            ));
        }
        out
    }

    /// The service ids the service map names that the graph lacks.
    pub fn unknown_services<'a>(&'a self, graph: &FrozenGraph) -> Vec<&'a str> {
        self.service_map.iter().flat_map(|m| m.services()).filter(|s| graph.index_of(s).is_none()).collect()
    }

    /// The line of the service map's first rule naming `service`, for
    /// messages.
    pub fn service_map_line(&self, service: &str) -> Option<usize> {
        self.service_map.as_ref().and_then(|m| m.line_of(service))
    }
}

impl RepoMapping {
    /// The service map's service of `path`, else every service whose
    /// source location places it, matched as a directory when `dir` (a
    /// submodule).
    pub(crate) fn services_at(&self, path: &str, dir: bool, repository: Option<&str>) -> Vec<&str> {
        self.ranked_services_at(path, dir, false, repository).map(|(_, services)| services).unwrap_or_default()
    }

    /// [`RepoMapping::services_at`] with the rank of the rule that placed
    /// the path, matched ignoring case when `ignore_case`: a service map's
    /// rule outranks every source location, and a later rule an earlier
    /// one of its own kind.
    ///
    /// `repository` stands for the mapping's own: the engine places by
    /// the graph's locations with the changeset's.
    pub(crate) fn ranked_services_at(
        &self,
        path: &str,
        dir: bool,
        ignore_case: bool,
        repository: Option<&str>,
    ) -> Option<(RuleRank, Vec<&str>)> {
        let rank = |above: u64, index: usize| RuleRank(above | u64::try_from(index).unwrap_or(u64::from(u32::MAX)));
        if let Some((index, services)) =
            self.service_map.as_ref().and_then(|m| m.services_matching(path, dir, ignore_case))
        {
            return Some((rank(SERVICE_MAP_RANK, index), services));
        }
        let (index, services) =
            self.source_locations.as_ref()?.services_matching_in(path, dir, ignore_case, repository)?;
        Some((rank(0, index), services))
    }

    /// [`PathMapping::guessed_repository`] with `repository` for the
    /// mapping's own: the repository of the `url:` location that places
    /// `path` when the change's repository is unknown (none stated while
    /// the locations name several, or one stated that none names), or a
    /// phrase for a `dir:` location when they name several; `None` when a
    /// service map rule places the path.
    pub(crate) fn guessed_at(
        &self,
        path: &str,
        dir: bool,
        ignore_case: bool,
        repository: Option<&str>,
    ) -> Option<&str> {
        let locations = self.source_locations.as_ref()?;
        if self.service_map.as_ref().is_some_and(|m| m.services_matching(path, dir, ignore_case).is_some()) {
            return None;
        }
        let several = locations.repositories().len() >= 2;
        // Unknown: none stated while the locations name several
        // repositories, or one stated that no location names (the file
        // is then no catalog repository's, or the name is misspelt).
        let unknown = match repository {
            None => several,
            Some(stated) => locations.named_repository(stated).is_none(),
        };
        let (named, dir_location) = locations.locations_placing(path, dir, ignore_case, repository)?;
        match named.first() {
            Some(first) if unknown => Some(first),
            // A `dir:` location is relative to the catalog file that holds
            // it: with catalogs of several repositories merged, another
            // repository's `dir:./cmd` claimed this one's `cmd/` (red team
            // 18), whatever the change states.
            _ if dir_location && several => Some("a dir: location's own repository"),
            _ => None,
        }
    }
}

/// Added to a service map rule's index in its [`RuleRank`], so that it
/// outranks every source location (rules number far fewer than 2^32).
const SERVICE_MAP_RANK: u64 = 1 << 32;

impl PathMapping for RepoMapping {
    fn ranked_services_of(&self, path: &str, ignore_case: bool) -> Option<(RuleRank, Vec<&str>)> {
        self.ranked_services_at(path, self.directories.contains(path), ignore_case, self.repository.as_deref())
    }

    fn guessed_repository(&self, path: &str, ignore_case: bool) -> Option<&str> {
        self.guessed_at(path, self.directories.contains(path), ignore_case, self.repository.as_deref())
    }

    fn ranked_owners_of(&self, path: &str, ignore_case: bool) -> Option<(RuleRank, Vec<&str>)> {
        let rule = self.codeowners.as_ref()?.rule_matching(path, self.directories.contains(path), ignore_case)?;
        let line = u64::try_from(rule.line()).unwrap_or(u64::MAX);
        Some((RuleRank(line), rule.owners().iter().map(String::as_str).collect()))
    }

    fn service_of(&self, path: &str) -> Option<&str> {
        self.services_of(path).into_iter().next()
    }

    /// The service map's service, else every service whose source location
    /// places the path (several share one: each counts).
    /// A submodule (see [`RepoMapping::with_directories`]) is matched as a
    /// directory, as CODEOWNERS matches it: a rule `src/checkout/` places
    /// the submodule `src/checkout` (a layout audit: a tier-0 service's
    /// submodule bump was placed on no node, whatever the service map).
    fn services_of(&self, path: &str) -> Vec<&str> {
        self.services_at(path, self.directories.contains(path), self.repository.as_deref())
    }

    fn is_directory(&self, path: &str) -> bool {
        self.directories.contains(path)
    }

    fn owners_of(&self, path: &str) -> Option<Vec<&str>> {
        let codeowners = self.codeowners.as_ref()?;
        if self.directories.contains(path) { codeowners.owners_of_dir(path) } else { codeowners.owners_of(path) }
    }

    fn owned_by_catch_all(&self, path: &str, ignore_case: bool) -> bool {
        let Some(codeowners) = self.codeowners.as_ref() else { return false };
        let rule = codeowners.rule_matching(path, self.directories.contains(path), ignore_case);
        rule.is_some_and(|r| matches!(r.pattern().trim(), "*" | "/*" | "**" | "/**"))
    }
}

/// Reads a Terraform/OpenTofu plan (`terraform show -json`), mapping
/// resources to the graph's nodes by explicit map, tag or module name.
///
/// # Errors
/// [`ChangeError::Io`] if the file cannot be read; otherwise see
/// [`parse_plan`].
pub fn load_plan(path: &Path, graph: &FrozenGraph) -> Result<PlanSummary, ChangeError> {
    load_plan_with(path, &PlanOptions::with_mapping(plan_mapping(graph, &[], None)?))
}

/// [`load_plan`] with `options` (their mapping from [`plan_mapping`]),
/// made once for any number of plans.
///
/// # Errors
/// As [`load_plan`].
pub fn load_plan_with(path: &Path, options: &PlanOptions) -> Result<PlanSummary, ChangeError> {
    let bytes = read_input(path)?;
    parse_plan(&blastgate_ingest::input_name(path), &bytes, options)
}

/// Up to three ids of `graph` close to `id`, an id it lacks, best first:
/// an id whose last part is `id` (`component:artist-lookup` for
/// `artist-lookup`), then ids containing it or contained in it, then ids
/// it could be a typo of (Jaro-Winkler similarity at least 0.8), case
/// ignored; ties by id. The ids every "did you mean" help of blastgate
/// suggests.
pub fn close_ids<'g>(graph: &'g FrozenGraph, id: &str) -> Vec<&'g str> {
    blastgate_change::resolve::close_ids(graph, id)
}

/// "did you mean `a`, `b`?" for `id`, which `graph` lacks, when graph
/// ids are close to it ([`close_ids`]).
pub(crate) fn did_you_mean(graph: &FrozenGraph, id: &str) -> Option<String> {
    let close = blastgate_change::resolve::close_ids(graph, id);
    let list: Vec<String> = close.iter().map(|c| format!("`{c}`")).collect();
    (!list.is_empty()).then(|| format!("did you mean {}?", list.join(", ")))
}

/// The error for a service map or CODEOWNERS file with no rules, which the
/// command line and [`crate::json_api`] refuse: one that arrived empty (an
/// empty download, a `git show` of a missing file) would make changes look
/// like they need less review than they do. `name` names the input,
/// `flag` how it was given (`--service-map`), `what` what it is (`service
/// map`), `warnings` the parser's, which say why lines were skipped.
pub fn no_rules_error(name: &str, flag: &str, what: &str, warnings: &[String]) -> ChangeError {
    let why = match warnings {
        [] => " (it is empty, or holds only comments and blank lines)".to_owned(),
        [only] => format!(": its one line was skipped ({only})"),
        [first, rest @ ..] => format!(": all its lines were skipped ({first}, and {} more)", rest.len()),
    };
    ChangeError::invalid(
        name,
        "",
        "",
        format!(
            "the {what} has no rules{why}; one that arrived empty would make changes look like they need less review \
             than they do"
        ),
    )
    .with_help(format!(
        "check that the input arrived whole (an empty download, a `git show` of a missing file or a closed standard \
         input reads as empty); pass a {what} with rules, or leave {flag} out"
    ))
}

/// How a plan's resources map to `graph`'s nodes: module names and tags
/// (the keys `tag_keys`, in order of precedence, or the default keys when
/// `None`), and before them the explicit entries `(address, node)`: the
/// resources at `address`, or under it when it is a module path or an
/// unindexed resource, belong to `node` (`action.TYPE` or
/// `action.TYPE.NAME` places provider actions). What the command line's
/// `--plan-map ADDRESS=NODE` and `--plan-tag-key KEY` give.
///
/// # Errors
/// [`ChangeError::InvalidValue`] for an empty address or tag key, a node
/// the graph does not have (a typo would leave the resources unplaced),
/// or one address mapped to two nodes.
pub fn plan_mapping(
    graph: &FrozenGraph,
    explicit: &[(String, String)],
    tag_keys: Option<&[String]>,
) -> Result<ResourceMapping, ChangeError> {
    // The command line's flag: what a user wrote it with.
    const FILE: &str = "--plan-map";
    let mut mapping = ResourceMapping::with_known_nodes(graph.nodes().map(|n| n.id().to_owned()));
    let mut seen: std::collections::BTreeMap<&str, &str> = std::collections::BTreeMap::new();
    for (address, node) in explicit {
        if address.trim().is_empty() {
            return Err(ChangeError::invalid(FILE, "address", address.as_str(), "an empty address maps nothing"));
        }
        if graph.index_of(node).is_none() {
            let help = did_you_mean(graph, node).unwrap_or_else(|| {
                "map the address to a node id of the graph (`blastgate graph check` lists them)".into()
            });
            return Err(ChangeError::invalid(FILE, address.as_str(), node.as_str(), "the graph has no such node")
                .with_help(help));
        }
        match seen.insert(address, node) {
            Some(other) if other != node => {
                return Err(ChangeError::invalid(
                    FILE,
                    address.as_str(),
                    node.as_str(),
                    format!("the address is also mapped to `{other}`; map it once"),
                ));
            }
            _ => mapping = mapping.map(address.as_str(), node.as_str()),
        }
    }
    if let Some(keys) = tag_keys {
        // An empty list would read no tag at all: every resource placed by
        // its tags falls to no node (a parity audit: `"plan_tag_keys": []`
        // in a JSON request took a tier-0 resource's owners away).
        if keys.is_empty() {
            return Err(ChangeError::invalid("--plan-tag-key", "", "", "an empty list of tag keys reads no tag")
                .with_help("name at least one key, or leave the keys out for the default ones"));
        }
        if let Some(empty) = keys.iter().find(|k| k.trim().is_empty()) {
            return Err(ChangeError::invalid("--plan-tag-key", "", empty.as_str(), "an empty tag key reads nothing"));
        }
        mapping = mapping.tag_keys(keys.iter().map(String::as_str));
    }
    Ok(mapping)
}
