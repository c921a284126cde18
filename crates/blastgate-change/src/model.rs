//! The changeset as users and loaders state it: the native `Changeset`
//! document (`blastgate.dev/v1`) field by field. Loaders of git ranges and
//! Terraform plans produce the same types. Resolution against a graph
//! (which services, which owners, which kinds) is in [`mod@crate::resolve`].
//!
//! Unknown fields are errors everywhere: a typo must not silently drop a
//! fact that raises risk.

use serde::{Deserialize, Serialize};

/// The only `apiVersion` this version reads and writes.
pub const API_VERSION: &str = "blastgate.dev/v1";

/// The `kind` of a changeset document.
pub const KIND: &str = "Changeset";

/// What changed, by whom, how: one pull request, commit range or deploy.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "blastgate Changeset", description = "A change to assess (blastgate.dev/v1).")]
pub struct Changeset {
    /// Must be `blastgate.dev/v1`.
    #[serde(rename = "apiVersion")]
    pub api_version: String,
    /// Must be `Changeset`.
    pub kind: String,
    /// The pull request, commit or deploy id.
    pub id: String,
    /// A one-line title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// The base revision (what is deployed now).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base: Option<String>,
    /// The head revision (what will be deployed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub head: Option<String>,
    /// Planned deploy time, RFC 3339 (for freezes and collisions).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deploy_at: Option<String>,
    /// The repository the changed files are in: its clone URL
    /// (`https://github.com/acme/shop.git`, `git@github.com:acme/shop.git`)
    /// or `HOST/ORG/REPO`. A catalog's source locations in other
    /// repositories then place none of its files (another repository's
    /// `tree/main/cmd/` does not claim this one's `cmd/`). The git reader
    /// fills it from the `origin` remote, without user or password.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repository: Option<String>,
    /// Who made the change.
    #[serde(default)]
    pub author: Author,
    /// The other people who made the change besides `author`: the authors
    /// of its other commits and their `Co-authored-by:` people (the git
    /// reader fills it). They may not approve the change, and the AI rule
    /// goes by the least senior of the author and them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub contributors: Vec<Contributor>,
    /// Whether and how AI was involved.
    #[serde(default)]
    pub provenance: Provenance,
    /// Services (graph node ids) changed directly, besides those the files
    /// map to.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub services: Vec<String>,
    /// Files changed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub files: Vec<FileChange>,
    /// Infrastructure resources changed (from Terraform/OpenTofu plans).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub infrastructure: Vec<InfraChange>,
    /// Safety facts: tests, rollback plan, rollout.
    #[serde(default)]
    pub safety: Safety,
    /// Whether the change fixes a bug or an incident (freezes and error
    /// budget policies may allow fixes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fix: Option<bool>,
    /// Change metrics from the repository's history (git), when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub history: Option<HistoryMetrics>,
    /// Free-form labels (for example the pull request's labels).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub labels: Vec<String>,
}

/// Who made the change.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Author {
    /// User name or email.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub id: String,
    /// A name on the policy's seniority scale (default `junior`, `mid`,
    /// `senior`, `staff`, `principal`). Unknown means the lowest level
    /// when scoring (fail closed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seniority: Option<String>,
    /// The author's earlier changes to the touched services.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prior_changes: Option<u64>,
    /// Of those, the ones in the last 90 days.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recent_changes: Option<u64>,
    /// Whether the author is an owner of the touched services.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<bool>,
}

impl Changeset {
    /// Whether the changeset is empty: nothing in `services`, `files` or
    /// `infrastructure` (docs/formats.md). Valid as a document; the engine
    /// refuses to assess it (`empty-change`), since it describes no deploy.
    pub fn is_empty(&self) -> bool {
        self.services.is_empty() && self.files.is_empty() && self.infrastructure.is_empty()
    }

    /// Adds `id` (trimmed) to [`Changeset::contributors`], without a
    /// seniority, unless it is empty, the author's id or a contributor's
    /// already (ASCII case ignored, as code hosts compare emails and user
    /// names). A sorted list stays sorted by id, ASCII case ignored.
    pub fn add_contributor(&mut self, id: &str) {
        let id = id.trim();
        if id.is_empty() || id.eq_ignore_ascii_case(self.author.id.trim()) {
            return;
        }
        if self.contributors.iter().any(|c| c.id.trim().eq_ignore_ascii_case(id)) {
            return;
        }
        let wanted = id.to_ascii_lowercase();
        let at = self.contributors.partition_point(|c| c.id.to_ascii_lowercase() < wanted);
        self.contributors.insert(at, Contributor { id: id.to_owned(), seniority: None });
    }
}

/// Someone besides the author who made the change: the author of another
/// commit of the range, or a person named by a `Co-authored-by:` trailer.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Contributor {
    /// User name or email, as for `author.id`.
    pub id: String,
    /// A name on the policy's seniority scale. Unknown means the lowest
    /// level when scoring (fail closed); a context's people list wins over
    /// it, as for the author.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seniority: Option<String>,
}

/// AI involvement, ordered from none to an autonomous agent.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum AiInvolvement {
    /// No AI involvement: the change was written without AI help.
    #[default]
    None,
    /// A person wrote the change with AI help (completion, chat).
    Assisted,
    /// AI wrote most of the change; a person submitted it.
    Generated,
    /// An autonomous coding agent made or applied the change.
    Agent,
}

impl AiInvolvement {
    /// The name as written in files.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::None => "none",
            Self::Assisted => "assisted",
            Self::Generated => "generated",
            Self::Agent => "agent",
        }
    }
}

/// Where a provenance fact came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ProvenanceSource {
    /// Stated in the changeset document.
    #[default]
    Explicit,
    /// Read from commit trailers (`Assisted-by:`, `Co-authored-by:`,
    /// `Generated-by:`).
    Trailer,
    /// Read from a pull request label.
    Label,
}

/// Whether and how AI was involved.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Provenance {
    /// `none`, `assisted`, `generated` or `agent`; absent (or `null`) when
    /// nothing states it. A stated `none` and an unstated involvement score
    /// alike, but a policy can tell them apart (the
    /// `ai_unstated_below_senior` rule check), so an organisation that asks
    /// every change to declare its AI use can hold an undeclared one to the
    /// rule for AI changes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ai: Option<AiInvolvement>,
    /// The tool or agent (for example `claude-code`, `copilot`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tool: Option<String>,
    /// The model, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// Where the fact came from.
    #[serde(default)]
    pub source: ProvenanceSource,
}

/// The autonomous coding agents blastgate knows (tools that open and
/// apply changes on their own), by the names a changeset may give them in
/// `provenance.tool`: each tool's id and its bot accounts' names, compared
/// by [`is_autonomous_tool`]. The git reader's default agents
/// (`blastgate_ingest::git::AiAgents`) are the same tools.
pub const AUTONOMOUS_AGENT_TOOLS: &[&str] = &[
    "copilot-coding-agent",
    "copilot-swe-agent",
    "devin",
    "devin-ai",
    "devin-ai-integration",
    "codex-cloud",
    "chatgpt-codex-connector",
    "amazon-q",
    "amazon-q-developer",
    "jules",
    "google-labs-jules",
    "openhands",
    "roo-code",
    "roomote",
];

/// Whether `tool` names an autonomous agent of [`AUTONOMOUS_AGENT_TOOLS`]:
/// a listed name's words in a row among the tool's words, in any case,
/// whatever separates them and whatever surrounds them (`Devin AI`,
/// `Devin.ai`, `copilot-swe-agent[bot]`, `GitHub Copilot coding agent`,
/// `Google Jules`, `Amazon Q Developer Agent`, `Roo Code Cloud`; a gaming
/// audit: each was no agent, and an agent's deletion lost its block), or
/// written together (`RooCode`, `AmazonQ`, `CopilotCodingAgent`, `Open
/// Hands`: a red-team finding), in full-width or other compatibility forms
/// (Unicode NFKC). A tool that only shares a word with one (`GitHub
/// Copilot`, the editor's assistant; `Codex`) is not one.
pub fn is_autonomous_tool(tool: &str) -> bool {
    use unicode_normalization::UnicodeNormalization as _;
    let words = name_words(&tool.nfkc().collect::<String>());
    // A listed name matches words in a row that spell it, however the
    // tool splits it (`roo code`, `roocode`, `open hands`).
    AUTONOMOUS_AGENT_TOOLS.iter().any(|name| {
        let joined: String = name.split('-').collect();
        (0..words.len()).any(|start| {
            let mut spelt = String::new();
            for w in words.iter().skip(start) {
                spelt.push_str(w);
                if spelt.len() >= joined.len() {
                    return spelt == joined;
                }
            }
            false
        })
    })
}

/// The words of a name: split at anything but ASCII letters and digits
/// and where lower case (or a digit) turns upper (`redisExporter` is
/// `redis exporter`, `RooCode` is `roo code`), in lower case.
pub fn name_words(name: &str) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut previous_lower = false;
    for c in name.chars() {
        if (!c.is_ascii_alphanumeric() || (c.is_ascii_uppercase() && previous_lower)) && !current.is_empty() {
            words.push(std::mem::take(&mut current));
        }
        if c.is_ascii_alphanumeric() {
            current.push(c.to_ascii_lowercase());
        }
        previous_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

/// The GitHub app logins of the AI tools the git reader knows
/// (`blastgate_ingest::git::AiAgents`: their names, spaces as `-`), whose
/// `<login>[bot]` account acts on its own: an autonomous agent's.
/// Gemini Code Assist's app reviews and is no agent.
const AI_APP_LOGINS: &[&str] = &[
    "claude",
    "claude-code",
    "copilot",
    "github-copilot",
    "cursor",
    "cursor-agent",
    "codex",
    "openai-codex",
    "aider",
    "devin-ai",
    "amazon-q-developer",
    "amp",
    "opencode",
    "crush",
    "qwen-coder",
    "qwen-code",
    "gemini-cli",
    "windsurf-cascade",
    "cascade-ai",
];

/// Whether `id`, an author's or a contributor's, is the account of an
/// autonomous agent, as the git reader recognises commit authors: a name
/// of [`AUTONOMOUS_AGENT_TOOLS`] or an AI tool's app login with `[bot]`
/// (`copilot-swe-agent[bot]`, `devin[bot]`, `claude[bot]`) or its GitHub
/// noreply address (`[<n>+]<name>[bot]@users.noreply.github.com`), a
/// listed name of several words as it is (`devin-ai-integration`, `Devin
/// AI`), `openhands` and its address `openhands@all-hands.dev`, Roo
/// Code's cloud agent `roomote` and its address `roomote@roocode.com`, or the
/// Copilot coding agent's address
/// (`198982749+Copilot@users.noreply.github.com`) and its pull requests'
/// login `Copilot`, Amazon Q Developer's address `amazon-q@amazon.com`; in
/// any case, `[bot]` after a blank too, and as `Name <address>`. A listed
/// single word without `[bot]` (`devin`, `jules`) is a common human name
/// and does not count.
pub fn is_agent_account(id: &str) -> bool {
    parts_of(id).any(agent_account)
}

fn agent_account(id: &str) -> bool {
    let id = id.trim().to_ascii_lowercase();
    // The Copilot coding agent commits as `Copilot` under its own GitHub
    // account number, as the git reader knows it (a changelog audit: the
    // address as a changeset's author was no agent); OpenHands by its own
    // address (an audit of revision 17).
    // GitHub shows the Copilot coding agent's pull requests as opened by
    // `Copilot`, the login a gate passes as `--author` (a gaming audit);
    // no person can hold that login.
    if matches!(
        id.as_str(),
        "198982749+copilot@users.noreply.github.com"
            | "copilot"
            | "openhands@all-hands.dev"
            | "openhands"
            | "roomote@roocode.com"
            | "roomote"
            | "amazon-q@amazon.com"
    ) {
        return true;
    }
    let login = noreply_login(&id).unwrap_or(&id);
    let dashed: String = login.trim().chars().map(|c| if c == ' ' || c == '_' { '-' } else { c }).collect();
    // (`Devin-AI-Integration [bot]`: the suffix after a blank too.)
    match dashed.strip_suffix("[bot]").map(|n| n.trim_end_matches('-')) {
        Some(name) => !name.is_empty() && (AUTONOMOUS_AGENT_TOOLS.contains(&name) || AI_APP_LOGINS.contains(&name)),
        // (A listed name as it is, not within a person's login:
        // `jules-smith` is a person.)
        None => dashed.contains('-') && !dashed.contains('@') && AUTONOMOUS_AGENT_TOOLS.contains(&dashed.as_str()),
    }
}

/// The accounts interactive AI tools write changes under (commit author
/// addresses and app logins; the git reader's default agents,
/// `blastgate_ingest::git::AiAgents`, hold the same): an author or
/// contributor named by one of these made or helped make the change with
/// the tool, whoever ran it. Names alone (`Claude`, `Cursor`, `Amp`) are
/// people's names too, and are not listed.
pub const AI_TOOL_ACCOUNTS: &[&str] = &[
    "noreply@anthropic.com",
    "copilot@github.com",
    "copilot@users.noreply.github.com",
    "cursoragent@cursor.com",
    "noreply@openai.com",
    "codex@openai.com",
    "aider@aider.chat",
    "noreply@aider.chat",
    "gemini-code-assist[bot]",
    "amp@ampcode.com",
    "noreply@opencode.ai",
    "crush@charm.land",
    "qwen-coder@alibabacloud.com",
    "gemini-cli@google.com",
    "cascade@windsurf.ai",
    "cascade@windsurf.com",
    "noreply@kiro.dev",
    "droid@factory.ai",
    "factory-droid[bot]",
];

/// The address of an id written as a commit trailer writes a person
/// (`Claude <noreply@anthropic.com>`), else the id itself, trimmed.
pub fn address_of(id: &str) -> &str {
    match name_and_address(id) {
        Some((_, address)) if !address.is_empty() => address,
        _ => id.trim(),
    }
}

/// The name and the address of `Name <address>`, each trimmed.
fn name_and_address(id: &str) -> Option<(&str, &str)> {
    let (name, address) = id.trim().strip_suffix('>')?.rsplit_once('<')?;
    Some((name.trim(), address.trim()))
}

/// Whether `id`, an author's or a contributor's, is an interactive AI
/// tool's account ([`AI_TOOL_ACCOUNTS`], in any case, `[bot]` after a
/// blank too; a GitHub noreply address with its account number): the
/// tool wrote the change, or helped. Autonomous agents' accounts are
/// [`is_agent_account`]'s.
pub fn is_ai_tool_account(id: &str) -> bool {
    parts_of(id).any(tool_account)
}

/// An id's parts that may name an account: the address of `Name
/// <address>` and the name (a bot login written beside another address:
/// `copilot-swe-agent[bot] <x@example.com>`, a red team), else the id.
fn parts_of(id: &str) -> impl Iterator<Item = &str> {
    let name = name_and_address(id).map(|(name, _)| name);
    std::iter::once(address_of(id)).chain(name.filter(|n| !n.is_empty()))
}

fn tool_account(id: &str) -> bool {
    let id = id.to_ascii_lowercase().replace(" [bot]", "[bot]");
    match noreply_login(&id) {
        // A GitHub no-reply address: its login, as a login or as that
        // address (`Copilot@...`).
        Some(login) => {
            AI_TOOL_ACCOUNTS.contains(&login)
                || AI_TOOL_ACCOUNTS.contains(&format!("{login}@users.noreply.github.com").as_str())
        }
        None => AI_TOOL_ACCOUNTS.contains(&id.as_str()),
    }
}

/// The login of a GitHub no-reply address
/// (`[<account number>+]<login>@users.noreply.github.com`), if `address`
/// is one.
fn noreply_login(address: &str) -> Option<&str> {
    let local = address.strip_suffix("@users.noreply.github.com")?;
    let numbered = local.split_once('+').filter(|(n, _)| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
    Some(numbered.map_or(local, |(_, login)| login))
}

impl Provenance {
    /// The involvement to score: the stated one, `none` when unstated.
    pub fn involvement(&self) -> AiInvolvement {
        self.ai.unwrap_or_default()
    }

    /// Whether the change states its AI involvement (even as `none`).
    pub fn is_stated(&self) -> bool {
        self.ai.is_some()
    }
}

/// What a changed unit is. Classified from the path by documented default
/// rules ([`crate::classify`]) unless stated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    /// Application code.
    Code,
    /// Configuration (YAML, JSON, TOML, properties, Helm values).
    Config,
    /// A feature-flag definition.
    FeatureFlag,
    /// A database schema migration.
    SchemaMigration,
    /// Infrastructure as code (Terraform, Kubernetes manifests, Dockerfiles).
    Infrastructure,
    /// A dependency manifest or lock file.
    Dependency,
    /// A secret or credential file.
    Secret,
    /// Tests.
    Test,
    /// Documentation.
    Docs,
}

impl ChangeKind {
    /// Every kind.
    pub const ALL: [ChangeKind; 9] = [
        Self::Code,
        Self::Config,
        Self::FeatureFlag,
        Self::SchemaMigration,
        Self::Infrastructure,
        Self::Dependency,
        Self::Secret,
        Self::Test,
        Self::Docs,
    ];

    /// The name as written in files.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Code => "code",
            Self::Config => "config",
            Self::FeatureFlag => "feature_flag",
            Self::SchemaMigration => "schema_migration",
            Self::Infrastructure => "infrastructure",
            Self::Dependency => "dependency",
            Self::Secret => "secret",
            Self::Test => "test",
            Self::Docs => "docs",
        }
    }

    /// Whether a file of this kind is deployed: everything but
    /// documentation and tests (which run nowhere in production).
    pub fn deploys(self) -> bool {
        !matches!(self, Self::Docs | Self::Test)
    }

    /// Parses a kind name.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == name)
    }
}

/// How a file changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum FileStatus {
    /// New file.
    Added,
    /// Changed in place (the default).
    #[default]
    Modified,
    /// Removed.
    Deleted,
    /// Moved (and possibly changed); `old_path` says from where.
    Renamed,
    /// Copied from `old_path`.
    Copied,
}

/// One changed file.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FileChange {
    /// Path from the repository root, `/`-separated.
    pub path: String,
    /// Lines added.
    #[serde(default)]
    pub added: u64,
    /// Lines deleted.
    #[serde(default)]
    pub deleted: u64,
    /// How the file changed (default `modified`).
    #[serde(default)]
    pub status: FileStatus,
    /// The previous path of a renamed or copied file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub old_path: Option<String>,
    /// Whether the file is binary (git reports no line counts).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub binary: bool,
    /// What the file is; classified from the path when absent. A stated
    /// kind counts only when it is at least as risky as the path's (see
    /// `file_kind`): it may add risk, never take it away.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<ChangeKind>,
    /// The service it belongs to; mapped from the path when absent. When
    /// the path maps to another node, both count as changed: a stated
    /// service adds a node, never takes the file from its path's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service: Option<String>,
    /// For a renamed file, the lines of its content at the new path (git
    /// reader: the file's added lines without rename detection). A move
    /// that takes code to another graph node counts them as added: the
    /// new node's reviewers never saw that code, though git counts the
    /// move as a few lines (a gaming audit moved 2,000 lines from a leaf
    /// into a tier-0 service as one line).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub moved_lines: Option<u64>,
    /// For a modified file, that it is still there but declares nothing
    /// any more: blank, or comments only (the git reader states it for an
    /// infrastructure file it reads so). An emptied infrastructure file
    /// destroys what it declared, as a deleted one does (a destruction
    /// audit: `main.tf` truncated, or wrapped in `/* */`, was `owner`
    /// where `git rm main.tf` blocked).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub emptied: bool,
    /// For a deleted, emptied or renamed-away infrastructure file, the
    /// resource types or kinds it declared before the change, as its tool
    /// names them (`aws_db_instance`, `PersistentVolumeClaim`,
    /// `AWS::RDS::DBInstance`): the git reader reads them from the file's
    /// old content. Applied, the change destroys resources of these types,
    /// and each counts by its kind, so that deleting a claim's manifest
    /// named `k8s/pvc.yaml` is the deletion of stored data it is, not of
    /// whatever the file's name suggests (a destruction audit). Stated by
    /// hand, a type can only add to what the path says: it never makes a
    /// destruction milder. A deleted Argo CD `Application` or Flux
    /// `Kustomization` also declares the kinds under the paths it deployed
    /// that nothing deploys after the change. At most
    /// [`crate::limits::MAX_DECLARED_TYPES`].
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub declares: Vec<String>,
    /// For a deleted or emptied Terraform file, that the git reader read
    /// its old content and found every resource and module call it declared
    /// still declared after the change, at the same address or moved there
    /// by a `moved` block (its blocks moved to another file of the module,
    /// a module inlined into its caller, a file of outputs or variables);
    /// for one renamed with its whole local module folder, the calls'
    /// `source` updated, that it declares the same blocks there:
    /// `declares` then lists all its deletion destroys, and when it is
    /// empty the file destroys nothing, instead of counting as a
    /// destruction by its path. Counted only for a changeset the assessing
    /// process read from git itself (`assess --repo`; in the library,
    /// `AssessOptions::files_read`): stated in a changeset file, it is a
    /// claim and is not counted (warning `declares-read-not-counted`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub declares_read: bool,
    /// For a modified (or renamed) infrastructure file that still declares
    /// something, the resource types of the declarations the change takes
    /// out of it and out of its folder: a Terraform `resource` block
    /// deleted from `main.tf` (a Terraform module is its folder, so a
    /// block moved to another file of the folder is not removed), a
    /// document taken out of a Kubernetes manifest. Applied, the change
    /// destroys those resources (a Terraform `moved` block, or a `removed`
    /// block with `destroy = false`, keeps its resource; GitOps tools that
    /// prune delete a document's resource, and this reading assumes they
    /// do), an entry taken out of a Kustomization's `resources` (what the
    /// files it led to declared, and no entry deploys after the change; the
    /// same for an Argo CD or Flux application pointed at another path), a
    /// Helm values switch turned off (`persistence.enabled: false` is a
    /// PersistentVolumeClaim, `postgresql.enabled: false` a database), a
    /// Terraform variable set off that a block's `count` or `for_each`
    /// reads (`create_database = false` in a `.tfvars` file).
    /// The git reader states it by comparing the declarations of the
    /// folder's changed files before and after (see `declares` for what it
    /// reads); a destruction audit edited a datastore's resource block out
    /// of `main.tf` and got `owner` where `git rm main.tf` blocked. Stated
    /// by hand, it can only add to the risk. At most
    /// [`crate::limits::MAX_DECLARED_TYPES`].
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub removes: Vec<String>,
    /// The guards against deletion the change turns off in the file, by
    /// name (`deletion_protection`, `prevent_destroy`, `DeletionPolicy`,
    /// `skip_final_snapshot`, `force_destroy`, a `Retain` reclaim policy,
    /// Helm's `helm.sh/resource-policy: keep`): the git reader reads them
    /// from the lines the change adds and removes. Turning a guard off
    /// destroys nothing yet, but it is how a deletion is prepared (an agent
    /// that means to delete and recreate a database first turns its
    /// deletion protection off); the default policy's `protection-removed`
    /// rule asks for a senior. At most
    /// [`crate::limits::MAX_DECLARED_TYPES`].
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unguards: Vec<String>,
}

/// A Terraform/OpenTofu action on one resource.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum InfraAction {
    /// A new resource.
    Create,
    /// Changed in place.
    Update,
    /// Destroyed.
    Delete,
    /// Destroyed and created again (`["delete", "create"]` or
    /// `["create", "delete"]`): the data and identity of the old one are gone.
    Replace,
    /// A data source read.
    Read,
    /// Nothing to do.
    NoOp,
    /// Removed from state without being destroyed (Terraform 1.7's
    /// `removed` block with `destroy = false`): the resource keeps
    /// running, but no configuration manages it any more, and a later
    /// change may import it elsewhere. Not inert: its node's owners
    /// review it, as they would an update.
    Forget,
    /// An action this build does not know; treated as destructive.
    Unknown,
}

impl InfraAction {
    /// Whether the action destroys the resource or its data: delete,
    /// replace, and anything unknown (fail closed).
    pub fn is_destructive(&self) -> bool {
        matches!(self, Self::Delete | Self::Replace | Self::Unknown)
    }

    /// Whether the action changes nothing: a read or a no-op. A removal
    /// from state (`forget`) is not inert: it takes the resource out of
    /// its node's management (a later plan may import it under another
    /// node and delete it there, found by an audit). An entry whose action
    /// is inert may still move or import its resource: see
    /// [`InfraChange::is_inert`].
    pub fn is_inert(&self) -> bool {
        matches!(self, Self::Read | Self::NoOp)
    }

    /// The action a plan's raw action list stands for (`["delete",
    /// "create"]` is a replace), or `None` for a list this build does not
    /// know.
    pub fn from_plan_actions(actions: &[String]) -> Option<Self> {
        let names: Vec<&str> = actions.iter().map(String::as_str).collect();
        Some(match names.as_slice() {
            ["create"] => Self::Create,
            ["update"] => Self::Update,
            ["delete"] => Self::Delete,
            ["delete", "create"] | ["create", "delete"] | ["create", "forget"] => Self::Replace,
            ["read"] => Self::Read,
            ["no-op"] => Self::NoOp,
            ["forget"] => Self::Forget,
            _ => return None,
        })
    }

    /// 0 for inert actions, 1 for creates, updates and forgets, 2 for
    /// destructive ones.
    fn severity(&self) -> u8 {
        if self.is_destructive() {
            2
        } else if self.is_inert() {
            0
        } else {
            1
        }
    }
}

/// Terraform resource types whose deletion can keep a final snapshot of
/// their data (`skip_final_snapshot = false`): RDS instances, Aurora,
/// Redshift, DocumentDB and Neptune clusters. A plan's
/// `skip_final_snapshot` is read for these alone; no other type has it,
/// so no other type's data is kept by a plan.
pub const FINAL_SNAPSHOT_TYPES: [&str; 5] =
    ["aws_db_instance", "aws_rds_cluster", "aws_redshift_cluster", "aws_docdb_cluster", "aws_neptune_cluster"];

/// Whether a resource of `resource_type` can keep a final snapshot when it
/// is destroyed ([`FINAL_SNAPSHOT_TYPES`]).
pub fn keeps_final_snapshot(resource_type: &str) -> bool {
    FINAL_SNAPSHOT_TYPES.contains(&resource_type)
}

/// Resource types whose deletion can keep a final snapshot or backup of
/// their data, by one setting or another: [`FINAL_SNAPSHOT_TYPES`]
/// (`skip_final_snapshot`), ElastiCache clusters and replication groups
/// (`final_snapshot_identifier`), MemoryDB clusters
/// (`final_snapshot_name`), FSx file systems and ONTAP volumes
/// (`skip_final_backup`) and Cloud SQL instances
/// (`settings.final_backup_config`). A changeset's `final_snapshot: true`
/// is read for these alone: no other resource's data outlives it by a
/// final snapshot (a red-team finding: the claim on an SQS queue lifted a
/// block).
pub const SNAPSHOT_ON_DELETE_TYPES: [&str; 13] = [
    "aws_db_instance",
    "aws_rds_cluster",
    "aws_redshift_cluster",
    "aws_docdb_cluster",
    "aws_neptune_cluster",
    "aws_elasticache_cluster",
    "aws_elasticache_replication_group",
    "aws_memorydb_cluster",
    "aws_fsx_lustre_file_system",
    "aws_fsx_windows_file_system",
    "aws_fsx_openzfs_file_system",
    "aws_fsx_ontap_volume",
    "google_sql_database_instance",
];

/// Whether deleting a resource of `resource_type` can keep a final
/// snapshot or backup of its data ([`SNAPSHOT_ON_DELETE_TYPES`]).
pub fn can_keep_final_snapshot(resource_type: &str) -> bool {
    SNAPSHOT_ON_DELETE_TYPES.contains(&resource_type)
}

impl InfraChange {
    /// Whether the entry is a provider action (`action.TYPE.NAME`, in a
    /// module or not: a plan's `action_invocations`), which the plan does
    /// not say the effect of.
    pub fn is_provider_action(&self) -> bool {
        self.address.starts_with("action.") || self.address.contains(".action.")
    }

    /// Whether the entry changes nothing: its [effective
    /// action](Self::effective_action) is inert (a read or a no-op) and it
    /// neither moves the resource ([`Self::moved_from`]) nor imports it
    /// (`importing`). A move or an import re-homes a resource: a no-op move
    /// of a tier-0 service's resource into a leaf's module, then its
    /// deletion there, would otherwise pass as two small changes (found by
    /// an audit: auto, then peer; the direct delete is block).
    pub fn is_inert(&self) -> bool {
        self.effective_action().is_inert() && self.moved_from().is_none() && !self.importing
    }

    /// Where a `moved` block took the resource from: `previous_address`
    /// when it is stated, not empty and not `address`.
    pub fn moved_from(&self) -> Option<&str> {
        self.previous_address.as_deref().filter(|p| !p.is_empty() && *p != self.address)
    }

    /// The action the gate goes by (fail closed): the stated `action` and
    /// the one the raw `actions` stand for, whichever does more (a
    /// destructive one over a create or update over an inert one; the
    /// stated one on a tie); [`InfraAction::Unknown`], which is
    /// destructive, when neither is stated or `actions` is a list this
    /// build does not know. An entry cannot pass as harmless by leaving its
    /// action out, nor by stating `no-op` beside `["delete"]`.
    pub fn effective_action(&self) -> InfraAction {
        // An empty list is stated, and unknown (found by a fail-closed
        // audit: `action: read` beside `actions: []` passed as a read).
        let listed = self
            .actions
            .as_deref()
            .map(|a| InfraAction::from_plan_actions(a).filter(|_| !a.is_empty()).unwrap_or(InfraAction::Unknown));
        match (&self.action, listed) {
            (None, None) => InfraAction::Unknown,
            (Some(a), None) => a.clone(),
            (None, Some(b)) => b,
            (Some(a), Some(b)) => {
                if b.severity() > a.severity() {
                    b
                } else {
                    a.clone()
                }
            }
        }
    }

    /// How messages name a destructive change's action: `delete`,
    /// `replace`, `unknown action` (an action this build does not know,
    /// or a raw action list it does not know), or `unknown` when the
    /// entry states none.
    pub fn destructive_action_name(&self) -> &'static str {
        match self.effective_action() {
            InfraAction::Delete => "delete",
            InfraAction::Replace => "replace",
            _ if self.action.is_none() && self.actions.is_none() => "unknown",
            _ => "unknown action",
        }
    }

    /// The resource types the entry names: the stated `type` and the type
    /// its address gives (`aws_db_instance` for
    /// `module.orders[0].aws_db_instance.main` or
    /// `data.aws_db_instance.main`), each once, the empty ones left out.
    /// Both count: leaving `type` out, or stating another one than the
    /// address's, must not hide what kind of resource is destroyed.
    pub fn resource_types(&self) -> Vec<&str> {
        let mut types = Vec::with_capacity(2);
        if !self.resource_type.is_empty() {
            types.push(self.resource_type.as_str());
        }
        if self.declared_in_file && !types.is_empty() {
            return types;
        }
        if let Some(t) = address_type(&self.address).filter(|t| !types.contains(t)) {
            types.push(t);
        }
        types
    }
}

/// The steps of a Terraform resource address, between its dots, with its
/// instance keys left out: `module`, `a`, `aws_db_instance`, `main` for
/// `module.a["x.y"].aws_db_instance.main[0]` (a dot or bracket inside a
/// quoted key does not end a step). Joined with dots, the address as a
/// plan's `configuration` writes it.
pub fn address_steps(address: &str) -> Vec<&str> {
    let mut steps: Vec<&str> = Vec::new();
    let (mut start, mut depth, mut quoted, mut escaped) = (0, 0usize, false, false);
    let mut name_end = None;
    for (i, c) in address.char_indices() {
        if quoted {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => quoted = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => quoted = true,
            '[' => {
                if depth == 0 && name_end.is_none() {
                    name_end = Some(i);
                }
                depth += 1;
            }
            ']' => depth = depth.saturating_sub(1),
            '.' if depth == 0 => {
                steps.push(address.get(start..name_end.unwrap_or(i)).unwrap_or(""));
                start = i + 1;
                name_end = None;
            }
            _ => {}
        }
    }
    steps.push(address.get(start..name_end.unwrap_or(address.len())).unwrap_or(""));
    steps
}

/// The resource type of a Terraform resource address: the step after the
/// `module.NAME[INDEX]` steps and an optional `data.` (`aws_db_instance` of
/// `module.a["x.y"].aws_db_instance.main[0]`). `None` when the address has
/// no such step.
pub fn address_type(address: &str) -> Option<&str> {
    let steps = address_steps(address);
    let mut rest = steps.as_slice();
    while let [first, _, tail @ ..] = rest {
        if *first != "module" {
            break;
        }
        rest = tail;
    }
    if let [first, tail @ ..] = rest
        && *first == "data"
    {
        rest = tail;
    }
    match rest {
        // A type and a name: a module path alone has no type.
        [t, _, ..] if !t.is_empty() => Some(t),
        _ => None,
    }
}

/// One resource of an infrastructure plan.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct InfraChange {
    /// The resource address (`module.db.aws_db_instance.orders`).
    pub address: String,
    /// The resource type (`aws_db_instance`).
    #[serde(default, rename = "type", skip_serializing_if = "String::is_empty")]
    pub resource_type: String,
    /// The module address, if in a module (`module.db`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub module: Option<String>,
    /// Where a `moved` block took the resource from (a plan's
    /// `previous_address`). A move is never inert: the resource's node
    /// (`node`, where it was) and the nodes the modules of both addresses
    /// name change, whatever the action.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous_address: Option<String>,
    /// Whether the plan imports the resource (a plan's `change.importing`):
    /// it brings a resource that already runs under this configuration. An
    /// import is never inert: its node and the nodes its modules name
    /// change, whatever the action.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub importing: bool,
    /// The summarised action.
    pub action: Option<InfraAction>,
    /// The plan's raw action list (`["delete", "create"]`). Stated but
    /// empty (`[]`) is an action list no plan writes: unknown, so
    /// destructive, whatever `action` says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actions: Option<Vec<String>>,
    /// Why (`replace_because_cannot_update`, `delete_because_no_resource_config`, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action_reason: Option<String>,
    /// Attribute paths that force replacement, each written as a dotted
    /// path (`engine_version`, `tags.Name`, `ingress.0.cidr_blocks`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub replace_paths: Vec<String>,
    /// The graph node the resource maps to (by tag, module or explicit
    /// mapping), when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node: Option<String>,
    /// Whether destroying the resource keeps a final snapshot of its data:
    /// the opposite of the `skip_final_snapshot` attribute it had before
    /// the change (databases and clusters of RDS, Aurora, Redshift,
    /// DocumentDB, Neptune), read from a plan. `false` means a delete or
    /// replace loses the data for good, and no rollback plan brings it
    /// back. Unknown when the resource has no such attribute.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub final_snapshot: Option<bool>,
    /// Whether `address` is the path of a file whose declarations gave
    /// `resource_type` (a deleted file's `declares`, a file's `removes`):
    /// the path's words are then not read as a type (an audit: a
    /// ConfigMap taken out of `postgres.yaml` read as a database). Set by
    /// resolution, never read from or written to a document.
    #[serde(skip)]
    #[schemars(skip)]
    pub declared_in_file: bool,
}

/// How the change will be rolled out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Rollout {
    /// Everything at once.
    AllAtOnce,
    /// A canary first, then the rest.
    Canary,
    /// Behind a feature flag, off by default.
    FeatureFlag,
    /// Staged by cell or region.
    Staged,
}

/// Safety facts. Unknown is treated as the unsafe answer when scoring.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Safety {
    /// Whether tests were added or changed with the change. When the
    /// changeset lists files, they are the evidence: the claim counts only
    /// if one of them is a test by its path.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tests_changed: Option<bool>,
    /// Whether a rollback plan exists.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rollback_plan: Option<bool>,
    /// Whether the change can be reverted without loss (a dropped column
    /// cannot).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reversible: Option<bool>,
    /// The declared rollout.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rollout: Option<Rollout>,
}

/// The standard just-in-time change metrics that need the repository's
/// history (Kamei et al. 2013; the names of the research data sets).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HistoryMetrics {
    /// Developers who changed the touched files before.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ndev: Option<f64>,
    /// Mean age in days of the touched files' last changes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub age: Option<f64>,
    /// Unique earlier changes to the touched files.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nuc: Option<f64>,
    /// Lines in the touched files before the change.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lt: Option<f64>,
    /// The author's earlier changes in the repository.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exp: Option<f64>,
    /// The author's recent experience (earlier changes weighted by recency).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rexp: Option<f64>,
    /// The author's earlier changes in the touched subsystems.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sexp: Option<f64>,
}

impl HistoryMetrics {
    /// Each metric with its name, in a fixed order, for validation and
    /// output.
    pub fn named(&self) -> [(&'static str, Option<f64>); 7] {
        [
            ("ndev", self.ndev),
            ("age", self.age),
            ("nuc", self.nuc),
            ("lt", self.lt),
            ("exp", self.exp),
            ("rexp", self.rexp),
            ("sexp", self.sexp),
        ]
    }
}

/// Reads the leading `module.NAME[INDEX]` steps of a Terraform resource
/// address or module path: the modules' names, outermost first
/// (`module.a[0].module.b_c.aws_x.y` gives `a`, `b_c`), and the byte
/// offset where the steps end.
pub fn module_steps(path: &str) -> (Vec<&str>, usize) {
    let mut names = Vec::new();
    let mut end = 0;
    let mut rest = path;
    while let Some(after) = rest.strip_prefix("module.") {
        let name_len = after.find(['.', '[']).unwrap_or(after.len());
        let (name, mut tail) = after.split_at(name_len);
        if name.is_empty() {
            break;
        }
        if tail.starts_with('[') {
            match index_len(tail) {
                Some(len) => tail = tail.get(len..).unwrap_or_default(),
                None => break,
            }
        }
        names.push(name);
        end = path.len() - tail.len();
        match tail.strip_prefix('.') {
            Some(next) => rest = next,
            None => break,
        }
    }
    (names, end)
}

/// The length of the index step at the start of `s` (`[0]`, `["a]b"]`), or
/// `None` if it is not closed.
fn index_len(s: &str) -> Option<usize> {
    let mut in_string = false;
    let mut escaped = false;
    for (i, b) in s.bytes().enumerate().skip(1) {
        if in_string {
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                in_string = false;
            }
        } else if b == b'"' {
            in_string = true;
        } else if b == b']' {
            return Some(i + 1);
        }
    }
    None
}

/// A repository as blastgate compares them: `HOST/PATH` in lower case,
/// from a clone URL (`https://github.com/Acme/Shop.git`,
/// `git@github.com:acme/shop.git`, `ssh://git@host:22/acme/shop`) or a
/// source location's repository part, without user, password, port,
/// `www.`, query, fragment, `%XX` escapes, empty segments or a trailing
/// `.git` (in any case) and what follows it: `github.com/acme/shop`. The
/// answer reads as itself. `None` for text that names no host and path
/// (a local folder `./x` or `/srv/x`, a `file://` URL, a remote helper's
/// `helper::address`, an empty string) or holds a control or invisible
/// character.
///
/// ```
/// use blastgate_change::repository_key;
///
/// assert_eq!(repository_key("https://token:x@GitHub.com/Acme/Shop.GIT").as_deref(), Some("github.com/acme/shop"));
/// assert_eq!(repository_key("git@gitlab.com:group/sub/repo.git").as_deref(), Some("gitlab.com/group/sub/repo"));
/// assert_eq!(repository_key("github.com:8080/acme/shop/").as_deref(), Some("github.com/acme/shop"));
/// assert_eq!(repository_key("https://h.example/a/b.git?private_token=t").as_deref(), Some("h.example/a/b"));
/// assert_eq!(repository_key("git@gitserver:team/repo.git").as_deref(), Some("gitserver/team/repo"));
/// assert_eq!(repository_key("/srv/git/shop"), None);
/// ```
pub fn repository_key(text: &str) -> Option<String> {
    let text = text.trim();
    if text.chars().any(blastgate_graph::is_hidden) {
        return None;
    }
    // Query, fragment and parameters name no part of the repository, and
    // may carry a token.
    let text = text.split(['?', '#', ';']).next().unwrap_or_default();
    let text = text.strip_prefix("git+").unwrap_or(text);
    let (host, path) = match text.split_once("://") {
        Some((scheme, rest)) => {
            if scheme.eq_ignore_ascii_case("file") || !scheme.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
                return None;
            }
            // (The user and password end at the last `@` before the path:
            // a password may hold a `/`.)
            let rest = match rest.rsplit_once('@') {
                Some((_, after)) => after,
                None => rest,
            };
            let (host, after) = split_host(rest);
            (host, after.split_once('/').map_or("", |(_, path)| path))
        }
        // A local folder, a remote helper (`helper::address`).
        None if text.starts_with(['.', '/', '\\', '~']) || text.contains("::") => return None,
        // `user@host:path`, git's scp-like form, or `HOST/PATH`; a port
        // (`host:8080/path`) is digits before the first `/`.
        None => {
            let rest = text.rsplit_once('@').map_or(text, |(_, after)| after);
            let (host, after) = split_host(rest);
            let path = match after.strip_prefix(':') {
                Some(path) => match path.split_once('/') {
                    Some((port, path)) if !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()) => path,
                    _ => path,
                },
                None => after.strip_prefix('/')?,
            };
            (host, path)
        }
    };
    let host = host.to_lowercase();
    let host = host.trim_end_matches('.');
    let host = host.strip_prefix("www.").unwrap_or(host);
    let host_ok = match host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        Some(ip) => !ip.is_empty() && ip.chars().all(|c| c.is_ascii_hexdigit() || matches!(c, ':' | '.')),
        None => {
            !host.is_empty()
                && !host.starts_with(['.', '-'])
                && host.chars().all(|c| c.is_alphanumeric() || matches!(c, '-' | '.' | '_'))
        }
    };
    if !host_ok {
        return None;
    }
    let decoded = percent_encoding::percent_decode_str(path).decode_utf8_lossy().to_lowercase();
    let mut segments: Vec<&str> = Vec::new();
    for segment in decoded.split('/').filter(|s| !s.is_empty()) {
        // (`@`, `%`, `?`, `#`, `;` left after decoding would read otherwise again.)
        if matches!(segment, "." | "..")
            || segment.contains(['@', '%', '?', '#', ';'])
            || segment.chars().any(blastgate_graph::is_hidden)
        {
            return None;
        }
        // Nothing after `NAME.git` is part of the repository.
        if let Some(name) = segment.strip_suffix(".git") {
            segments.push(name);
            break;
        }
        segments.push(segment);
    }
    segments.retain(|s| !s.is_empty());
    if segments.is_empty() {
        return None;
    }
    Some(format!("{host}/{}", segments.join("/")))
}

/// The host of `text` (from its start to a `:` or `/`; an IPv6 literal in
/// brackets whole) and what follows it.
fn split_host(text: &str) -> (&str, &str) {
    if text.starts_with('[')
        && let Some(end) = text.find(']')
    {
        return text.split_at(end + 1);
    }
    let end = text.find([':', '/']).unwrap_or(text.len());
    text.split_at(end)
}

/// `text` with a URL's user and password (everything before the last `@`
/// of its authority) replaced by `…`, and its query and fragment dropped,
/// for quoting a location or clone URL in a message: a pasted clone URL
/// may carry a token. Text without `@`, `?` or `#` is returned as it is.
///
/// ```
/// use blastgate_change::without_credentials;
///
/// assert_eq!(without_credentials("url:https://alice:s3cret@github.com/a/b/tree/main/"), "url:https://…@github.com/a/b/tree/main/");
/// assert_eq!(without_credentials("alice:pw@github.com:a/b.git"), "…@github.com:a/b.git");
/// assert_eq!(without_credentials("https://h.example/a/b.git?private_token=t"), "https://h.example/a/b.git");
/// ```
pub fn without_credentials(text: &str) -> String {
    let text = text.split(['?', '#']).next().unwrap_or_default();
    let (prefix, rest) = match text.find("://") {
        Some(i) => text.split_at(i + 3),
        None => ("", text),
    };
    match rest.rsplit_once('@') {
        Some((_, after)) => format!("{prefix}…@{after}"),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::{InfraChange, address_type, is_agent_account, is_ai_tool_account, is_autonomous_tool, repository_key};

    /// Spellings of one repository read alike, and what names none is
    /// none (red team 18: each mismatch lost the repository's locations,
    /// each token kept leaked into outputs).
    #[test]
    fn repository_spellings_read_alike() {
        for text in [
            "https://github.com/acme/payments.git",
            "https://GITHUB.COM/ACME/PAYMENTS.GIT",
            "https://github.com/acme/payments.git?private_token=ZQX",
            "https://github.com/acme/payments.git#ZQX",
            "https://github.com/acme/payments.git;ZQX",
            "https://github.com/acme/payments.git/ZQX",
            "https://oauth2:ZQX/secret+tok@github.com/acme/payments.git",
            "alice:ZQX@github.com:acme/payments.git",
            "ssh://git@github.com:22/acme/payments",
            "git+ssh://git@github.com/acme/payments",
            "github.com:443/acme/payments",
            "www.github.com:443/acme/payments",
            "github.com./acme//payments/",
            "github.com/acme/%70ayments",
            "github.com/acme/payments",
        ] {
            assert_eq!(repository_key(text).as_deref(), Some("github.com/acme/payments"), "{text}");
        }
        assert_eq!(repository_key("git@gitserver:team/repo.git").as_deref(), Some("gitserver/team/repo"));
        assert_eq!(repository_key("ssh://git@[::1]:22/team/repo.git").as_deref(), Some("[::1]/team/repo"));
        assert_eq!(repository_key("http://gitlab/group/repo.git").as_deref(), Some("gitlab/group/repo"));
        for none in [
            "",
            "./github.com/acme/blog",
            "../x/y",
            "/srv/git/shop",
            "file:///srv/git/shop",
            "ext::ssh -l alice:ZQX github.com %S acme/payments",
            "https://github.com",
            "github.com/acme/payments\u{200b}",
            "github.com/acme/../x",
            "keybase://",
        ] {
            assert_eq!(repository_key(none), None, "{none}");
        }
    }

    proptest::proptest! {
        /// A key reads as itself, so a changeset the git reader wrote
        /// passes the checks a changeset file gets, and reading twice
        /// changes nothing.
        #[test]
        fn a_repository_key_reads_as_itself(text in "([a-z]{1,5}://)?([a-zA-Z:@]{0,6}@)?[a-zA-Z0-9.\\[\\]:-]{1,12}[:/][a-zA-Z0-9%./_;?#@-]{0,30}") {
            if let Some(key) = repository_key(&text) {
                proptest::prop_assert_eq!(repository_key(&key), Some(key.clone()), "{}", text);
            }
        }
    }

    /// A gaming audit: an agent named in a common spelling was no agent.
    #[test]
    fn autonomous_tools_are_found_by_their_words() {
        for tool in [
            "devin",
            "Devin AI",
            "Devin.ai",
            "copilot-swe-agent[bot]",
            "GitHub Copilot coding agent",
            "Google Jules",
            "Amazon Q Developer Agent",
            "OpenHands AI",
            "Roo Code Cloud",
            "OpenAI Codex Cloud",
            // Written together, camel-cased, or in full-width letters (a
            // red-team finding: each was no agent).
            "RooCode",
            "roocode",
            "AmazonQ",
            "CopilotCodingAgent",
            "Open Hands",
            "ＤＥＶＩＮ",
        ] {
            assert!(is_autonomous_tool(tool), "{tool}");
        }
        for tool in [
            "GitHub Copilot",
            "copilot",
            "Codex",
            "Claude Code",
            "cursor",
            "Amazon",
            "Roo",
            "",
            "devinx",
            "GitHubCopilot",
            "OpenAI",
            "Amazon Quest",
        ] {
            assert!(!is_autonomous_tool(tool), "{tool}");
        }
    }

    #[test]
    fn agent_accounts_are_bots_and_several_word_names_not_first_names() {
        for id in [
            "copilot-swe-agent[bot]",
            "Devin-AI-Integration[bot]",
            " devin[bot] ",
            "devin-ai-integration",
            "chatgpt-codex-connector[bot]@users.noreply.github.com",
            "123456+google-labs-jules[bot]@users.noreply.github.com",
            "amazon-q-developer",
            "198982749+Copilot@users.noreply.github.com",
            "claude[bot]",
            "209825114+claude[bot]@users.noreply.github.com",
            "openhands@all-hands.dev",
            "Devin AI",
            "Amazon Q Developer",
            "roomote@roocode.com",
            "Roo Code",
            // (The login GitHub's API gives the Copilot coding agent's pull
            // requests: `{"login": "Copilot", "id": 198982749, "type":
            // "Bot"}`.)
            "Copilot",
            "copilot",
            "Devin-AI-Integration [bot]",
        ] {
            assert!(is_agent_account(id), "{id}");
        }
        for id in [
            "devin",
            "jules",
            "Devin",
            "devin@acme.com",
            "devin-ai-integration@acme.com",
            "sam[bot]",
            "[bot]",
            "jules-smith",
            "Copilot@users.noreply.github.com",
            "12345+Copilot@users.noreply.github.com",
            "dependabot[bot]",
            "gemini-code-assist[bot]",
            "claude",
            "Claude Code",
            "x+devin@users.noreply.github.com",
            "",
        ] {
            assert!(!is_agent_account(id), "{id}");
        }
    }

    /// Interactive tools' accounts, and both kinds written as a trailer
    /// writes a person (red teams: `Claude <noreply@anthropic.com>` and
    /// `copilot-swe-agent[bot] <x@example.com>` were no one).
    #[test]
    fn tool_accounts_and_name_address_forms() {
        for id in [
            "noreply@anthropic.com",
            "Claude <noreply@anthropic.com>",
            "CursorAgent@Cursor.com",
            "factory-droid [bot]",
            "1234+factory-droid[bot]@users.noreply.github.com",
            "gemini-code-assist[bot]@users.noreply.github.com",
            "Copilot@users.noreply.github.com",
        ] {
            assert!(is_ai_tool_account(id) && !is_agent_account(id), "{id}");
        }
        for id in ["copilot-swe-agent[bot] <x@example.com>", "Jules <google-labs-jules[bot]@users.noreply.github.com>"]
        {
            assert!(is_agent_account(id), "{id}");
        }
        for id in
            ["Claude Monet <claude@example.com>", "claude", "Cursor", "alice@acme.com", "Alice <alice@acme.com>", ""]
        {
            assert!(!is_ai_tool_account(id) && !is_agent_account(id), "{id}");
        }
    }

    #[test]
    fn the_type_of_an_address_is_the_step_after_its_modules() {
        let cases = [
            ("aws_db_instance.orders", Some("aws_db_instance")),
            ("module.orders.aws_db_instance.main", Some("aws_db_instance")),
            ("module.a[0].module.b[\"x.y\"].aws_elasticache_cluster.cart[2]", Some("aws_elasticache_cluster")),
            ("data.aws_db_instance.main", Some("aws_db_instance")),
            ("module.a.data.aws_s3_bucket.logs", Some("aws_s3_bucket")),
            ("aws_instance.web[\"a.b\"]", Some("aws_instance")),
            ("module.orders", None),
            ("module.orders[0]", None),
            ("orders", None),
            ("", None),
            (".x", None),
        ];
        for (address, want) in cases {
            assert_eq!(address_type(address), want, "{address}");
        }
    }

    #[test]
    fn both_the_stated_and_the_address_type_count() {
        let stated = |t: &str, a: &str| InfraChange {
            address: a.to_owned(),
            resource_type: t.to_owned(),
            ..InfraChange::default()
        };
        assert_eq!(stated("", "aws_db_instance.orders").resource_types(), ["aws_db_instance"]);
        assert_eq!(stated("aws_db_instance", "aws_db_instance.orders").resource_types(), ["aws_db_instance"]);
        assert_eq!(
            stated("aws_instance", "aws_db_instance.orders").resource_types(),
            ["aws_instance", "aws_db_instance"]
        );
        assert_eq!(stated("aws_instance", "orders").resource_types(), ["aws_instance"]);
        assert!(stated("", "orders").resource_types().is_empty());
    }
}
