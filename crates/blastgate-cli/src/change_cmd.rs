//! `blastgate change show`: the resolved changeset, so users see exactly
//! what will be scored.

use std::io::Write;
use std::path::{Path, PathBuf};

use blastgate::change::{
    AiInvolvement, Changeset, Classifier, CodeOwners, PlanOptions, ProvenanceSource, RepoMapping, ResolveOptions,
    ResolvedChange, ServiceMap, load_changeset, load_plan_with, resolve,
};
use blastgate::graph::{BuildOptions, FrozenGraph, GraphLoader};
use serde::Serialize;

use crate::args::{ChangeInput, ChangeShowArgs, OutputFormat};
use crate::exit::{Failure, SUCCESS};

/// A changeset read and resolved from the command line's inputs.
pub struct Loaded {
    pub changeset: Changeset,
    pub resolved: ResolvedChange,
}

/// Everything the command line names, read and checked but not resolved.
pub struct Inputs {
    /// The merged, frozen graph.
    pub graph: FrozenGraph,
    /// The changeset, with the plans' resources appended.
    pub changeset: Changeset,
    /// What the changeset is called in messages.
    pub name: String,
    /// What warnings call the changeset, as the naming asked: its path as
    /// given, or `` change `ID` `` by its id.
    pub label: String,
    /// Service map and CODEOWNERS.
    pub mapping: RepoMapping,
    /// The digest of the service map's and CODEOWNERS' bytes.
    pub mapping_digest: String,
    /// Whether unknown services are accepted.
    pub allow_unknown: bool,
    /// Whether the changeset's `history` section was measured here (read
    /// from git by this process), not stated in a file.
    pub history_measured: bool,
    /// Warnings met while reading.
    pub warnings: Vec<String>,
}

/// `TOOL=EMAIL` of an `--ai-agent` flag.
fn agent_spec(spec: &str) -> Result<(&str, &str), Failure> {
    let bad = || {
        Failure::Usage(format!(
            "--ai-agent `{}`: expected TOOL=EMAIL, such as `deploy-bot=deploy-bot@example.com` (a tool name of \
             letters, digits, `-`, `_` or `.`, and an email with an `@`)",
            spec.escape_debug()
        ))
    };
    let (tool, email) = spec.split_once('=').ok_or_else(bad)?;
    let (tool, email) = (tool.trim(), email.trim());
    let tool_ok = !tool.is_empty()
        && tool.len() <= MAX_ID_BYTES
        && tool.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    let email_ok = email.len() <= MAX_ID_BYTES
        && email.split_once('@').is_some_and(|(user, host)| !user.is_empty() && !host.is_empty())
        && !email.chars().any(|c| c.is_whitespace() || c.is_control());
    if tool_ok && email_ok { Ok((tool, email)) } else { Err(bad()) }
}

/// The longest `--ai-agent` tool name or email, as the longest author id.
const MAX_ID_BYTES: usize = blastgate::change::MAX_AUTHOR_ID_BYTES;

/// Applies `--ai`: the involvement the CI platform says the change
/// declared. A declaration never lowers what the change itself states
/// (a trailer naming an AI assistant stands against a form that says
/// `none`); the stronger one counts, with a warning when they differ.
fn declare_ai(changeset: &mut Changeset, declared: AiInvolvement, name: &str, warnings: &mut Vec<String>) {
    let provenance = &mut changeset.provenance;
    // `None` (unstated) orders below every stated level.
    match provenance.ai.cmp(&Some(declared)) {
        std::cmp::Ordering::Equal => {}
        std::cmp::Ordering::Greater => warnings.push(format!(
            "{name}: --ai `{}` is below the change's own `{}`; the stronger counts",
            declared.as_str(),
            provenance.involvement().as_str()
        )),
        std::cmp::Ordering::Less => {
            if let Some(stated) = provenance.ai {
                warnings.push(format!(
                    "{name}: the change's AI involvement `{}` is raised to --ai `{}`",
                    stated.as_str(),
                    declared.as_str()
                ));
            }
            provenance.ai = Some(declared);
            provenance.source = ProvenanceSource::Explicit;
            if declared == AiInvolvement::None {
                provenance.tool = None;
                provenance.model = None;
            }
        }
    }
}

/// The plans given, each file once: (its name for ordering, dedup and the
/// id: the canonical path, or the path given without a leading `./` when
/// it cannot be resolved, `-` for standard input; the path as given, which
/// is what is read), in the order of the first. Only the name is
/// normalised: `./-` is the file named `-`, read as such, not standard
/// input.
///
/// Standard input given twice (`-` twice, or `-` and a name of it such
/// as `/dev/stdin`) is refused before this, with every other input
/// (`crate::stdin_once`).
fn distinct_plans(given: &[PathBuf]) -> Vec<(PathBuf, &Path)> {
    let mut plans: Vec<(PathBuf, &Path)> = given
        .iter()
        .map(|p| {
            let short = p.strip_prefix("./").unwrap_or(p);
            let name =
                if is_dash(p) { p.clone() } else { std::fs::canonicalize(p).unwrap_or_else(|_| short.to_path_buf()) };
            (name, p.as_path())
        })
        .collect();
    plans.sort_unstable();
    plans.dedup_by(|a, b| a.0 == b.0);
    plans
}

/// Whether `path` is `-`, standard input.
fn is_dash(path: &Path) -> bool {
    path.as_os_str() == "-"
}

/// How the warnings of [`read_inputs`] name the files they come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Naming {
    /// The path as given (`change show`, which says where).
    AsGiven,
    /// The file name alone, the last component of the path, and the
    /// changeset by its id (`change `pr-7``), whether it came from a file,
    /// standard input or a git range: an assessment's bytes depend only on
    /// its inputs' content, not on the folder they were named from (a
    /// determinism audit: `change.json`, `./change.json`, its absolute path
    /// and `-` gave four outputs under one digest).
    FileName,
}

impl Naming {
    /// `path` as this naming shows it; standard input (`-`) is `<stdin>`
    /// either way, as in every message.
    pub fn of(self, path: &Path) -> String {
        if is_dash(path) {
            return "<stdin>".to_owned();
        }
        match self {
            Naming::AsGiven => path.display().to_string(),
            Naming::FileName => file_name(path),
        }
    }

    /// What warnings about the changeset itself call it: `name` (its path
    /// or git range) as given, or its id.
    fn changeset(self, name: &str, id: &str) -> String {
        match self {
            Naming::AsGiven => name.to_owned(),
            Naming::FileName => format!("change `{}`", id.escape_debug()),
        }
    }

    /// `warning` with a leading `FULL: ` (a parser's name for `path`)
    /// written as this naming names it.
    fn relabel(self, warning: String, full: &str, path: &Path) -> String {
        match warning.strip_prefix(full).and_then(|rest| rest.strip_prefix(": ")) {
            Some(rest) if self == Naming::FileName => format!("{}: {rest}", self.of(path)),
            _ => warning,
        }
    }
}

/// The last component of `path` (the path itself when it has none, such
/// as `..`; the folder's own name for `.`, when it can be resolved).
fn file_name(path: &Path) -> String {
    let named = |p: &Path| p.file_name().map(|n| n.to_string_lossy().into_owned());
    named(path)
        .or_else(|| std::fs::canonicalize(path).ok().as_deref().and_then(named))
        .unwrap_or_else(|| path.display().to_string())
}

/// Reads the graph, the changeset and the path mapping; warnings name the
/// inputs as `naming` says.
pub fn read_inputs(input: &ChangeInput, show_progress: bool, naming: Naming) -> Result<Inputs, Failure> {
    if input.repo.is_none() && !input.ai_agent.is_empty() {
        // Checked here rather than by clap, whose message listed --repo
        // and --range as missing beside --change (a docs audit).
        return Err(Failure::Usage(
            "--ai-agent names agent accounts among a git range's commits, so it needs --repo DIR --range A..B; \
             a changeset file states an agent's change itself (`provenance: {ai: agent}`)"
                .into(),
        ));
    }
    let plans = distinct_plans(&input.terraform_plan);
    let progress = crate::progress::Progress::new(show_progress);
    let mut loader = GraphLoader::new(BuildOptions::strict(input.strict));
    let format = input.input_format.map(|f| f.to_format());
    for path in &input.graph {
        progress.step(format!("reading {}", path.display()));
        loader.add_file(path, format)?;
    }
    progress.step("merging and freezing the graph");
    let graph = loader.build_frozen()?;
    progress.step("reading the change");
    let mut warnings = Vec::new();
    let history_measured = input.change.is_none() && input.repo.is_some();
    // Without --codeowners, a git range's owners are the CODEOWNERS file
    // GitHub would use at its base (the change's own edits to it do not
    // choose its reviewers).
    let mut base_codeowners: Option<(String, Vec<u8>)> = None;
    // Submodules of a git range: directories to CODEOWNERS.
    let mut submodules: Vec<String> = Vec::new();
    // `name` names the changeset in errors (the path as given); `label` in
    // warnings, as `naming` says.
    let (mut changeset, name, label) = match &input.change {
        Some(path) => {
            let c = load_changeset(path)?;
            let name = Naming::AsGiven.of(path);
            let label = naming.changeset(&name, &c.id);
            (c, name, label)
        }
        None if input.repo.is_some() => {
            let (Some(repo), Some(range)) = (&input.repo, &input.range) else {
                return Err(Failure::Usage("--repo needs --range A..B".into()));
            };
            let mut options = blastgate::git::GitOptions::default();
            for spec in &input.ai_agent {
                let (tool, email) = agent_spec(spec)?;
                options.agents.add(blastgate::git::AiAgent::autonomous(tool, &[], &[email]));
            }
            let c = blastgate::git::git_change(repo, range, &options)?;
            let name = format!("{}@{range}", repo.display());
            // Where the repository is checked out is no part of the change.
            let label = naming.changeset(&name, &c.changeset.id);
            // At the range's left side, the branch the change goes into, as
            // GitHub reads the base branch's file: for `A...B` not the merge
            // base, which the author chooses by where the branch started
            // (a gaming audit); an empty left side is `HEAD`, as for the
            // range (`...feature` read the merge base's, a git audit). The
            // commit the range was read with, resolved once.
            let target = range.split_once("...").or_else(|| range.split_once("..")).map(|(left, _)| left);
            if input.codeowners.is_none() {
                let base = target.filter(|t| !t.is_empty()).unwrap_or("HEAD");
                base_codeowners = blastgate::git::codeowners_at(repo, &c.left, &options)?.map(|(path, bytes)| {
                    let place = match naming {
                        Naming::AsGiven => format!("{}@{base}:{path}", repo.display()),
                        Naming::FileName => format!("{base}:{path}"),
                    };
                    (place, bytes)
                });
            }
            warnings.extend(c.notes.iter().map(|n| format!("{label}: {n}")));
            submodules = c.submodules;
            (c.changeset, name, label)
        }
        None if !input.terraform_plan.is_empty() => {
            // The plans as a set of file names: their order on the command
            // line, and the folder they were given from (relative, absolute,
            // another machine's), must not change the id, and so the
            // digest (a determinism audit: the path as typed did). A plan
            // given twice counts once.
            let mut names: Vec<String> = plans
                .iter()
                .map(|(p, _)| {
                    p.file_name().map_or_else(|| p.display().to_string(), |n| n.to_string_lossy().into_owned())
                })
                .collect();
            names.sort_unstable();
            let mut id = names.join("+");
            if id.len() > MAX_ID_BYTES {
                // Many long names: their count and a digest of them, so
                // that the id stays an id (a red-team audit: 17 plans of
                // 245-byte names made a 4 KB id the engine refused).
                let digest = blastgate::assess::digest_of(&[id.as_bytes()]);
                let short = digest.strip_prefix("sha256:").unwrap_or(&digest).get(..12).unwrap_or_default();
                id = format!("{}-terraform-plans-{short}", names.len());
            }
            let c = Changeset {
                api_version: blastgate::change::API_VERSION.to_owned(),
                kind: blastgate::change::KIND.to_owned(),
                id: id.clone(),
                ..Changeset::default()
            };
            (c, id.clone(), id)
        }
        None => {
            return Err(Failure::Usage(
                "give a changeset: --change FILE, --repo DIR --range A..B, or --terraform-plan FILE".into(),
            ));
        }
    };
    if let Some(author) = &input.author {
        let note =
            blastgate::change::replace_author(&mut changeset, author).map_err(|e| Failure::Usage(e.to_string()))?;
        warnings.extend(note.map(|n| format!("{label}: {n}")));
    }
    if let Some(declared) = input.ai {
        declare_ai(&mut changeset, declared.into(), &label, &mut warnings);
    }
    // Labels from the CI platform join the change's own, each once (the
    // changeset's checks, run below, bound their number and text). A
    // claimed exception is the platform's word, reviewed as any claim.
    for extra in &input.label {
        if extra.trim().is_empty() {
            return Err(Failure::Usage(
                "--label: the label is empty; help: pass the pull request's label, and check that the variable you \
                 pass is set for this event"
                    .into(),
            ));
        }
        // Named as the flag, not as the changeset's `$.labels[N]` that the
        // changeset's checks would name (a red-team audit).
        if extra.len() > blastgate::change::limits::MAX_STRING_BYTES || extra.chars().any(char::is_control) {
            return Err(Failure::Usage(format!(
                "--label: `{}`: a label is at most {} bytes of one line of text",
                crate::printable::one_line(&blastgate::graph::shorten(extra)),
                blastgate::change::limits::MAX_STRING_BYTES
            )));
        }
        if !changeset.labels.iter().any(|l| l == extra) {
            // Past the limit because of the flags: named as the flag, a
            // usage error, not as the changeset (a changelog audit: exit 3
            // with "split the input into smaller files").
            if changeset.labels.len() >= blastgate::change::limits::MAX_LABELS {
                return Err(Failure::Usage(format!(
                    "--label: at most {} labels, the changeset's own and the flags' together",
                    blastgate::change::limits::MAX_LABELS
                )));
            }
            changeset.labels.push(extra.clone());
        }
    }
    // Plans in the order of their paths, each file once however it is
    // named, so that the order of the flags never shows in the output (a
    // determinism audit: the warnings followed it under the same digest)
    // and a plan named twice (`p.json`, `./p.json`, its absolute path, a
    // link to it) is not loaded twice (a red-team audit: it doubled the
    // destroyed resources).
    let explicit = input
        .plan_map
        .iter()
        .map(|entry| {
            entry.rsplit_once('=').map(|(address, node)| (address.to_owned(), node.to_owned())).ok_or_else(|| {
                let shown = crate::printable::one_line(entry);
                Failure::Usage(format!("--plan-map `{shown}`: write ADDRESS=NODE"))
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let tag_keys = (!input.plan_tag_key.is_empty()).then_some(input.plan_tag_key.as_slice());
    // Made only for plans: it holds every node id (a million at scale,
    // 250 ms an assessment when it was made for every change).
    if !plans.is_empty() {
        let options = PlanOptions::with_mapping(blastgate::change::plan_mapping(&graph, &explicit, tag_keys)?);
        for (_, plan) in &plans {
            let summary = load_plan_with(plan, &options)?;
            let full = Naming::AsGiven.of(plan);
            warnings.extend(summary.warnings.into_iter().map(|w| naming.relabel(w, &full, plan)));
            changeset.infrastructure.extend(summary.changes);
        }
    }
    let mut mapping = RepoMapping::from_graph(&graph).with_repository(changeset.repository.clone());
    let mut mapping_bytes: Vec<Vec<u8>> = Vec::new();
    if let Some(path) = &input.service_map {
        let bytes = blastgate::change::read_input(path)?;
        let name = Naming::AsGiven.of(path);
        let map = ServiceMap::parse(&name, &bytes)?;
        if map.rule_count() == 0 {
            return Err(Failure::Change(blastgate::change::no_rules_error(
                &name,
                "--service-map",
                "service map",
                map.warnings(),
            )));
        }
        mapping = mapping.with_service_map(map);
        mapping_bytes.push(b"service-map".to_vec());
        mapping_bytes.push(bytes);
    }
    if let Some(path) = &input.codeowners {
        let bytes = blastgate::change::read_input(path)?;
        let name = Naming::AsGiven.of(path);
        let owners = CodeOwners::parse(&name, &bytes)?;
        if owners.rule_count() == 0 {
            return Err(Failure::Change(blastgate::change::no_rules_error(
                &name,
                "--codeowners",
                "CODEOWNERS file",
                owners.warnings(),
            )));
        }
        mapping = mapping.with_codeowners(owners);
        mapping_bytes.push(b"codeowners".to_vec());
        mapping_bytes.push(bytes);
    } else if let Some((place, bytes)) = base_codeowners {
        mapping = mapping.with_codeowners(CodeOwners::parse(&place, &bytes)?);
        warnings.push(format!(
            "owners read from `{place}`, the CODEOWNERS file GitHub or GitLab uses on the branch the change goes into (the \
             range's left side); --codeowners FILE gives another"
        ));
        mapping_bytes.push(b"codeowners".to_vec());
        mapping_bytes.push(bytes);
    }
    // A submodule is a directory to git and to GitHub: `vendorlib/` owns
    // it (a git audit: it fell to the catch-all), and its own name places
    // it (`src/checkoutservice`). Which paths are submodules is part of
    // what the owners and services are read from.
    if !submodules.is_empty() {
        mapping_bytes.push(b"directories".to_vec());
        mapping_bytes.push(submodules.join("\0").into_bytes());
    }
    mapping = mapping.with_directories(submodules);
    let mapping_digest = if mapping_bytes.is_empty() {
        String::new()
    } else {
        blastgate::assess::digest_of(&mapping_bytes.iter().map(Vec::as_slice).collect::<Vec<_>>())
    };
    // Without a graph nothing can be checked: accept every id, with warnings.
    let allow_unknown = input.allow_unknown_services || input.graph.is_empty();
    if !input.graph.is_empty() {
        let unknown = mapping.unknown_services(&graph);
        if let Some(first) = unknown.first() {
            // The path as given in the error, as `naming` says in warnings.
            let place = |service: &str, naming: Naming| {
                let file = input.service_map.as_ref().map(|p| naming.of(p)).unwrap_or_default();
                match mapping.service_map_line(service) {
                    Some(line) => format!("{file}: line {line}"),
                    None => file,
                }
            };
            if !allow_unknown {
                let close = crate::radius_cmd::close_matches(&graph, first);
                let meant =
                    if close.is_empty() { String::new() } else { format!("did you mean {}? Or ", close.join(", ")) };
                return Err(Failure::Usage(format!(
                    "{}: the service map names `{first}`, which is not in the graph; help: {meant}fix the id or pass --allow-unknown-services",
                    place(first, Naming::AsGiven)
                )));
            }
            warnings.extend(unknown.iter().map(|u| format!("{}: `{u}` is not in the graph", place(u, naming))));
        }
    }
    // CODEOWNERS warnings name the file (`FILE: line N: ...`): as
    // `naming` says.
    warnings.extend(mapping.warnings().into_iter().map(|w| match &input.codeowners {
        Some(path) => naming.relabel(w, &Naming::AsGiven.of(path), path),
        None => w,
    }));
    // The changeset as merged here (plans, --author, --ai) checked as a
    // document is: bad input exits 2 and a limit 3, before anything is
    // decided (a red-team audit: two plans over `max_resources` together,
    // or a plan's empty address, went to the engine's check and exited 1).
    blastgate::change::validate(&name, &changeset)?;
    Ok(Inputs { graph, changeset, name, label, mapping, mapping_digest, allow_unknown, history_measured, warnings })
}

/// Reads the graph and the changeset and resolves one against the other.
pub fn load(input: &ChangeInput, show_progress: bool) -> Result<Loaded, Failure> {
    let Inputs { graph, mut changeset, name, mapping, allow_unknown, history_measured, mut warnings, .. } =
        read_inputs(input, show_progress, Naming::AsGiven).map_err(|f| f.with_repo_hint(input.repo.as_deref()))?;
    // A file's `declares_read` counts only when this process read the
    // change from git (as `assess` counts it: `AssessOptions::files_read`).
    if !history_measured && changeset.files.iter().any(|f| f.declares_read) {
        warnings.push(
            "the changeset states `declares_read`: only a change read from git (`--repo`) counts it, so each such \
             file's deletion counts by its path"
                .to_owned(),
        );
        for f in &mut changeset.files {
            f.declares_read = false;
        }
    }
    let options = ResolveOptions::allow_unknown(allow_unknown);
    let mut resolved = resolve(&name, &changeset, &graph, &mapping, &Classifier::default(), options)?;
    if input.graph.is_empty() && !resolved.warnings.is_empty() {
        // Without a graph every id is "not in the graph": one note says
        // why, not a warning per id that reads as if they were checked.
        resolved.warnings.clear();
        warnings.push("no --graph: service ids are not checked, and nothing is placed in a graph".to_owned());
    }
    warnings.append(&mut resolved.warnings);
    resolved.warnings = warnings;
    Ok(Loaded { changeset, resolved })
}

#[derive(Serialize)]
struct Shown<'a> {
    changeset: &'a Changeset,
    resolved: &'a ResolvedChange,
    /// Whether the changeset is empty (nothing in `services`, `files` or
    /// `infrastructure`): valid, and says so, as the human output does.
    empty: bool,
}

/// Runs `change show`.
pub fn show(args: &ChangeShowArgs) -> Result<u8, Failure> {
    let loaded = load(&args.input, args.format == OutputFormat::Human)?;
    let mut out = std::io::stdout().lock();
    match args.format {
        OutputFormat::Json => {
            let shown =
                Shown { changeset: &loaded.changeset, resolved: &loaded.resolved, empty: loaded.changeset.is_empty() };
            let text = serde_json::to_string_pretty(&shown).map_err(|e| Failure::Internal(e.to_string()))?;
            writeln!(out, "{text}")?;
        }
        OutputFormat::Human => {
            let mut shown = crate::printable::Printable::new(&mut out);
            write_human(&mut shown, &loaded.changeset, &loaded.resolved)?;
            shown.flush()?;
        }
    }
    Ok(SUCCESS)
}

fn write_human(out: &mut impl Write, c: &Changeset, r: &ResolvedChange) -> std::io::Result<()> {
    use crate::printable::one_line as one;
    // Every value here comes from the changeset, a plan, CODEOWNERS or the
    // graph: each is shown on one line, hidden characters escaped, so that
    // none can start a line of its own (a CI log reads `::error ...` as a
    // workflow command).
    let title = c.title.as_deref().map(|t| format!(": {}", one(t))).unwrap_or_default();
    writeln!(out, "changeset {}{title}", crate::printable::quoted(&c.id))?;
    let seniority = c.author.seniority.as_deref().unwrap_or("seniority unknown");
    let author = if c.author.id.is_empty() { "unknown author" } else { c.author.id.as_str() };
    writeln!(out, "author: {} ({})", one(author), one(seniority))?;
    if !c.contributors.is_empty() {
        // Bounded: a range may have thousands.
        const SHOWN: usize = 5;
        let shown: Vec<String> = c
            .contributors
            .iter()
            .take(SHOWN)
            .map(|p| {
                let id = blastgate::graph::shorten(&p.id);
                match &p.seniority {
                    Some(s) => format!("{} ({})", one(&id), one(s)),
                    None => one(&id),
                }
            })
            .collect();
        let more = c.contributors.len().saturating_sub(SHOWN);
        let more = if more > 0 { format!(" and {more} more") } else { String::new() };
        writeln!(out, "contributors: {}{more}", shown.join(", "))?;
    }
    let mut ai = format!("AI: {}", c.provenance.ai.map_or("not stated", |a| a.as_str()));
    if let Some(tool) = &c.provenance.tool {
        ai += &format!(", tool {}", one(tool));
    }
    if let Some(model) = &c.provenance.model {
        ai += &format!(", model {}", one(model));
    }
    writeln!(out, "{ai}")?;
    // A changeset whose entries place nothing in the graph is not empty,
    // and says so.
    if c.is_empty() {
        writeln!(out, "empty changeset: nothing changes")?;
    } else if r.is_empty() {
        writeln!(out, "nothing it changes maps to a graph node, and nothing is destructive")?;
    }
    if !c.infrastructure.is_empty() {
        writeln!(out, "infrastructure: {} resource(s), {} destructive", c.infrastructure.len(), r.destructive.len())?;
    }
    if !r.touched.is_empty() {
        writeln!(out, "services touched:")?;
        for t in &r.touched {
            let kinds: Vec<&str> = t.kinds.iter().map(|k| k.as_str()).collect();
            let owner = t.owner.as_deref().map(|o| format!(", owner {}", one(o))).unwrap_or_default();
            let kinds = if kinds.is_empty() { String::new() } else { format!(", {}", kinds.join(" ")) };
            // A whole changed through its parts says which (`subcomponentOf`).
            let parts: Vec<&str> = t
                .via
                .iter()
                .filter_map(|v| match v {
                    blastgate::change::ChangedBy::PartOf(p) => Some(p.as_str()),
                    _ => None,
                })
                .collect();
            let parts =
                if parts.is_empty() { String::new() } else { format!(", a part changed: {}", one(&parts.join(" "))) };
            writeln!(out, "  {} ({} reason(s){kinds}{owner}{parts})", one(&t.id), t.reasons)?;
        }
    }
    // The services the changeset names that no graph node is (without
    // `--graph`, every one): listed, unchecked, so that what will be
    // scored is seen (a contract red team: `change show` of the issue's
    // own example printed no service).
    let unplaced: Vec<&str> =
        c.services.iter().map(String::as_str).filter(|s| !r.touched.iter().any(|t| t.id == *s)).collect();
    if !unplaced.is_empty() {
        writeln!(out, "services named, on no graph node: {}", one(&unplaced.join(", ")))?;
    }
    let m = &r.metrics;
    writeln!(
        out,
        "size: +{} -{} lines, {} files, {} directories, {} subsystems, entropy {:.2}",
        m.la, m.ld, m.nf, m.nd, m.ns, m.entropy
    )?;
    if !r.kinds.is_empty() {
        let kinds: Vec<String> = r.kinds.iter().map(|(k, n)| format!("{} {n}", k.as_str())).collect();
        writeln!(out, "kinds: {}", kinds.join(", "))?;
    }
    if !r.file_owners.is_empty() {
        writeln!(out, "owners of changed files: {}", one(&r.file_owners.join(", ")))?;
    }
    if !r.unmapped_files.is_empty() {
        writeln!(out, "files mapped to no service: {}", r.unmapped_files.len())?;
        for f in r.unmapped_files.iter().take(10) {
            writeln!(out, "  {}", one(f))?;
        }
    }
    // Code counted for a node and as unplaced too (placed by a source
    // location of a repository the change may not be in, or on a node the
    // graph lacks): `assess` reviews it as unplaced code (red team 18:
    // this view, "what will be scored", did not say so).
    let also: Vec<&String> = r.unmapped_runtime_files.iter().filter(|f| !r.unmapped_files.contains(f)).collect();
    if !also.is_empty() {
        writeln!(out, "placed, but also reviewed as code placed nowhere: {}", also.len())?;
        for f in also.iter().take(10) {
            writeln!(out, "  {}", one(f))?;
        }
    }
    if !r.destructive.is_empty() {
        writeln!(out, "destructive infrastructure actions:")?;
        for d in &r.destructive {
            let action = d.destructive_action_name();
            let node = d.node.as_deref().map(|n| format!(" -> node {}", one(n))).unwrap_or_default();
            writeln!(out, "  {action} {}{node}", one(&d.address))?;
        }
    }
    // Deleted or moved files that destroy nothing: read whole, all they
    // declared kept (`declares_read`; cleared above unless read from git).
    let kept: Vec<&str> =
        c.files.iter().filter(|f| f.declares_read && f.declares.is_empty()).map(|f| f.path.as_str()).collect();
    if !kept.is_empty() {
        writeln!(out, "deleted or moved, all they declared kept (read from git): {}", kept.len())?;
        for f in kept.iter().take(10) {
            writeln!(out, "  {}", one(f))?;
        }
    }
    for w in r.warnings.iter().chain(&r.kind_warnings).chain(&r.service_warnings) {
        writeln!(out, "warning: {}", one(w))?;
    }
    Ok(())
}
