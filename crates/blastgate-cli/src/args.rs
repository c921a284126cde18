//! Command-line arguments. Raw arguments are parsed here, then resolved
//! into validated inputs before any work starts.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// How much human review does a production change need?
#[derive(Debug, Parser)]
#[command(
    name = "blastgate",
    version,
    about = "How much human review does a production change need? Blast radius and risk over your service graph.",
    long_about = None
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Load, validate and export service dependency graphs.
    Graph(GraphArgs),
    /// The blast radius of changing some services: who depends on them,
    /// how likely a failure reaches each, along which path.
    Radius(RadiusArgs),
    /// Read and resolve changesets.
    Change(ChangeArgs),
    /// Decide how much review a change needs, and say why. Exit 0 below
    /// --fail-at, 1 at or above it (or on an error, which escalates), 2 on
    /// bad input, 3 on a limit or an internal error.
    Assess(AssessArgs),
    /// Write a deterministic synthetic graph (edge list) for benchmarks.
    Synth(SynthArgs),
    /// Run on the embedded demo topology (no files needed).
    Demo(DemoArgs),
    /// Fit the likelihood model on a history of past changes (CSV), measure
    /// it on the latest 20% and write a model file a policy can use.
    Calibrate(CalibrateArgs),
    /// Replay a policy over a history of past changes: review load per
    /// depth and the share of defect-causing changes each would have caught.
    Backtest(BacktestArgs),
    /// Print the embedded default policy, or check a policy file.
    Policy(PolicyArgs),
}

#[derive(Debug, Args)]
pub struct PolicyArgs {
    #[command(subcommand)]
    pub command: PolicyCommand,
}

#[derive(Debug, Subcommand)]
pub enum PolicyCommand {
    /// Print the default policy this binary embeds (TOML): the one `assess`
    /// uses without --policy, and the one to copy and edit.
    Default,
    /// Check a policy file (or a model file written by `calibrate`) as
    /// `assess --policy` reads it, and print its versions, rules and digest.
    Check(PolicyCheckArgs),
}

#[derive(Debug, Args)]
pub struct PolicyCheckArgs {
    /// The policy (TOML), or a model file written by `calibrate`.
    #[arg(value_name = "FILE")]
    pub policy: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Human)]
    pub format: OutputFormat,
}

#[derive(Debug, Args)]
pub struct GraphArgs {
    #[command(subcommand)]
    pub command: GraphCommand,
}

#[derive(Debug, Subcommand)]
pub enum GraphCommand {
    /// Validate graph files (several merge into one) and summarise them.
    Check(CheckArgs),
    /// Merge graph files and write them as DOT, native JSON or an edge list.
    Export(ExportArgs),
    /// Merge graph files and write the frozen graph as a binary snapshot
    /// (`.bgs`) that every command reads back in milliseconds.
    Freeze(crate::freeze_cmd::FreezeArgs),
}

/// Options shared by commands that read graph files.
#[derive(Debug, Args)]
pub struct GraphInput {
    /// Graph files: native JSON/YAML, Backstage YAML, Jaeger/Zipkin JSON,
    /// Prometheus servicegraph JSON or edge lists. Several merge into one.
    /// Or one snapshot from `graph freeze`, alone.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Read every file in this format instead of detecting it.
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub input_format: Option<InputFormat>,
    /// Make references to undeclared nodes errors instead of warnings.
    #[arg(long)]
    pub strict: bool,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub input: GraphInput,
    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Human)]
    pub format: OutputFormat,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    #[command(flatten)]
    pub input: GraphInput,
    /// What to write.
    #[arg(long, value_enum)]
    pub to: ExportFormat,
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Human)]
    pub format: OutputFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// Readable text.
    Human,
    /// JSON: one document (for `demo`, an array of the assessed changes; each
    /// command's shape is in docs/cli.md).
    Json,
}

/// `--ai`: AI involvement as a change declares it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AiArg {
    /// No AI helped.
    None,
    /// A person wrote the change with AI help.
    Assisted,
    /// AI wrote most of the change; a person submitted it.
    Generated,
    /// An autonomous coding agent made or applied the change.
    Agent,
}

impl From<AiArg> for blastgate::change::AiInvolvement {
    fn from(a: AiArg) -> Self {
        match a {
            AiArg::None => Self::None,
            AiArg::Assisted => Self::Assisted,
            AiArg::Generated => Self::Generated,
            AiArg::Agent => Self::Agent,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    /// Graphviz DOT.
    Dot,
    /// blastgate's native JSON document (reloads unchanged).
    Json,
    /// An edge list: ids and propagation probabilities only, for tools
    /// that read edges (reloads with the same blast radii).
    Edges,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum InputFormat {
    /// blastgate's own ServiceGraph document (JSON or YAML).
    Native,
    /// Backstage catalog YAML.
    Backstage,
    /// Jaeger or Zipkin dependencies JSON (also `zipkin`).
    #[value(alias = "zipkin")]
    Jaeger,
    /// Prometheus answer for OpenTelemetry servicegraph metrics (also
    /// `otel`, `servicegraph`).
    #[value(alias = "otel", alias = "servicegraph")]
    Prometheus,
    /// Plain edge list, `dependent dependency` per line (also `edgelist`).
    #[value(alias = "edgelist")]
    Edges,
}

impl InputFormat {
    pub fn to_format(self) -> blastgate::GraphFormat {
        match self {
            Self::Native => blastgate::GraphFormat::Native,
            Self::Backstage => blastgate::GraphFormat::Backstage,
            Self::Jaeger => blastgate::GraphFormat::Jaeger,
            Self::Prometheus => blastgate::GraphFormat::Prometheus,
            Self::Edges => blastgate::GraphFormat::EdgeList,
        }
    }
}

#[derive(Debug, Args)]
pub struct RadiusArgs {
    /// Graph files (several merge into one). The first value that is not an
    /// existing file starts the list of changed services; a trailing bare
    /// name (no `.` or `/`) that is a node of the graph and an empty file
    /// here is a service (a non-empty one is refused as ambiguous).
    #[arg(long, required = true, num_args = 1.., value_name = "FILE")]
    pub graph: Vec<PathBuf>,
    /// The changed services (ids as in the graph).
    #[arg(value_name = "SERVICE")]
    pub services: Vec<String>,
    /// Read one changeset per line (ids separated by spaces) and print one
    /// JSON object per line (JSON Lines), in input order.
    #[arg(long, value_name = "FILE")]
    pub batch: Option<PathBuf>,
    /// With --batch: print only `{"changed": N, "affected_count": M}` per line.
    #[arg(long, requires = "batch")]
    pub summary: bool,
    /// Count only nodes at most this many hops away.
    #[arg(long, value_name = "N")]
    pub max_depth: Option<u32>,
    /// Count only nodes reached with at least this probability.
    #[arg(long, value_name = "P")]
    pub min_probability: Option<f64>,
    /// How many evidence paths to report.
    #[arg(long, value_name = "K", default_value_t = 10)]
    pub top_paths: usize,
    /// Output format [default: human]; --batch writes JSON Lines, so it
    /// takes only `json`.
    #[arg(long, value_enum)]
    pub format: Option<RadiusFormat>,
    /// Read every graph file in this format instead of detecting it.
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub input_format: Option<InputFormat>,
    /// Make references to undeclared nodes errors instead of warnings.
    #[arg(long)]
    pub strict: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RadiusFormat {
    /// Readable text.
    Human,
    /// One JSON object.
    Json,
    /// The affected subgraph for Graphviz.
    Dot,
}

#[derive(Debug, Args)]
pub struct SynthArgs {
    /// Services to draw ids from: `s0` .. `s{N-1}`. An id no line uses does
    /// not appear, so the graph read back has at most N services.
    #[arg(long, value_name = "N")]
    pub services: u32,
    /// Edge lines to write, exactly. Lines may repeat a pair (merged when
    /// read), so the graph read back has at most M edges.
    #[arg(long, value_name = "M")]
    pub edges: u64,
    /// Seed: the same arguments give the same bytes.
    #[arg(long, value_name = "S", default_value_t = 0)]
    pub seed: u64,
    /// Share of cycle-forming edges, in [0, 1].
    #[arg(long, value_name = "SHARE", default_value_t = 0.01)]
    pub cycle_share: f64,
    /// How far up (in service numbers) a cycle-forming edge goes at most.
    #[arg(long, value_name = "N")]
    pub cycle_span: Option<u32>,
    /// Share, in [0, 1], of downward edges that go to shared hub services
    /// (the rest go to a uniformly drawn service below).
    #[arg(long, value_name = "SHARE")]
    pub shared_share: Option<f64>,
    /// Output file (`-` for stdout).
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
}

#[derive(Debug, Args)]
pub struct ChangeArgs {
    #[command(subcommand)]
    pub command: ChangeCommand,
}

#[derive(Debug, Subcommand)]
pub enum ChangeCommand {
    /// Print the resolved changeset: services touched, kinds, metrics,
    /// provenance, owners, destructive actions: exactly what will be scored.
    Show(ChangeShowArgs),
}

/// Where a changeset comes from and how it maps onto the graph (shared by
/// `change show` and `assess`).
#[derive(Debug, Args)]
pub struct ChangeInput {
    /// A native changeset document (JSON or YAML).
    #[arg(long, value_name = "FILE", conflicts_with = "repo")]
    pub change: Option<PathBuf>,
    /// A git repository to read the change from (with --range).
    #[arg(long, value_name = "DIR", requires = "range")]
    pub repo: Option<PathBuf>,
    /// The git range: `BASE..HEAD`, or `BASE...HEAD` from the merge base.
    // `conflicts_with` as well: beside `--change`, `requires` alone let a
    // stray range through unread (a contract audit).
    #[arg(long, value_name = "A..B", requires = "repo", conflicts_with = "change")]
    pub range: Option<String>,
    /// Graph files (several merge into one).
    #[arg(long, num_args = 1.., value_name = "FILE")]
    pub graph: Vec<PathBuf>,
    /// Read every graph file in this format instead of detecting it.
    #[arg(long, value_enum, value_name = "FORMAT", requires = "graph")]
    pub input_format: Option<InputFormat>,
    /// Make references to undeclared nodes in the graph files errors
    /// instead of warnings.
    #[arg(long, requires = "graph")]
    pub strict: bool,
    /// Terraform/OpenTofu plans (`terraform show -json`); their resources
    /// join the changeset's infrastructure.
    #[arg(long, value_name = "FILE")]
    pub terraform_plan: Vec<PathBuf>,
    /// Map the plans' resources at ADDRESS, or under it (a module path,
    /// an unindexed resource; `action.TYPE` for provider actions), to the
    /// graph node NODE, before tags and module names. Repeatable.
    #[arg(long, value_name = "ADDRESS=NODE", requires = "terraform_plan")]
    pub plan_map: Vec<String>,
    /// A tag or label key naming a resource's graph node, in order of
    /// precedence (repeatable); replaces the default keys
    /// `blastgate.dev/node`, `blastgate-node` and `service`.
    #[arg(long, value_name = "KEY", requires = "terraform_plan")]
    pub plan_tag_key: Vec<String>,
    /// A CODEOWNERS file: owners of the changed paths.
    #[arg(long, value_name = "FILE")]
    pub codeowners: Option<PathBuf>,
    /// A service map (`PATTERN SERVICE-ID` per line): which service a path
    /// belongs to.
    #[arg(long, value_name = "FILE")]
    pub service_map: Option<PathBuf>,
    /// Accept services the graph does not have, with a warning.
    #[arg(long)]
    pub allow_unknown_services: bool,
    /// The change's author as the CI platform knows it (the pull request's
    /// author), replacing the changeset's `author.id`: a commit's author
    /// email is whatever its committer configured. A context's `people`
    /// list looks this id up, and the author may not approve the change.
    #[arg(long, value_name = "ID")]
    pub author: Option<String>,
    /// The AI involvement the change declares on the CI platform (a pull
    /// request form or label): `none`, `assisted`, `generated` or `agent`.
    /// It joins what the changeset or the commits' trailers state; the
    /// stronger counts. A policy that enables `ai-unstated-by-junior-or-mid`
    /// needs it (or `provenance.ai`) for a change that states nothing.
    #[arg(long, value_enum, value_name = "LEVEL")]
    pub ai: Option<AiArg>,
    /// A label the change carries on the CI platform (a pull request's
    /// label), added to the changeset's `labels`; repeatable. `rollback`,
    /// `revert` and `security` claim the exception a freeze, a spent error
    /// budget or a sev1 may allow, which `exception-claimed` has the owners
    /// confirm; other labels are recorded.
    #[arg(long, value_name = "LABEL")]
    pub label: Vec<String>,
    /// An autonomous agent account of your own, as `TOOL=EMAIL` (repeat
    /// for several): a commit of the git range it authored, committed or
    /// co-authored counts as made by an agent, as the built-in list's do.
    #[arg(long, value_name = "TOOL=EMAIL")]
    pub ai_agent: Vec<String>,
}

#[derive(Debug, Args)]
pub struct ChangeShowArgs {
    #[command(flatten)]
    pub input: ChangeInput,
    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Human)]
    pub format: OutputFormat,
}

#[derive(Debug, Args)]
pub struct AssessArgs {
    #[command(flatten)]
    pub input: ChangeInput,
    /// A context document: incidents, error budgets, freezes, changes in
    /// flight, people and `now`, the instant assessed at unless `--now`
    /// gives another.
    #[arg(long, value_name = "FILE")]
    pub context: Option<PathBuf>,
    /// A policy file (TOML); the embedded default otherwise.
    #[arg(long, value_name = "FILE")]
    pub policy: Option<PathBuf>,
    /// The instant to assess at (RFC 3339), overriding the context's `now`.
    /// Without either, the system clock is read. A gate deploying now
    /// passes the current time: a context whose `now` is further from the
    /// clock than the deploy window gets a `stale-context` warning.
    #[arg(long, value_name = "RFC3339")]
    pub now: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = AssessFormat::Human)]
    pub format: AssessFormat,
    /// Exit 1 when the decided depth is at or above this one: auto, peer,
    /// owner, senior, multi_party, block.
    #[arg(long, value_name = "DEPTH", default_value = "block", value_parser = parse_depth)]
    pub fail_at: blastgate::ReviewDepth,
}

fn parse_depth(s: &str) -> Result<blastgate::ReviewDepth, String> {
    blastgate::ReviewDepth::parse(s).ok_or_else(|| {
        format!(
            "`{}` is not a review depth; use auto, peer, owner, senior, multi_party or block",
            crate::printable::one_line(s)
        )
    })
}

/// Output formats of `assess`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AssessFormat {
    /// A readable summary.
    Human,
    /// The versioned JSON envelope (docs/cli.md).
    Json,
    /// Markdown for a job summary or a merge request note, with a Mermaid
    /// chart of the evidence paths.
    Markdown,
    /// GitHub Actions workflow commands and step outputs.
    Github,
    /// SARIF 2.1.0.
    Sarif,
}

/// Where a history comes from and which columns hold what (shared by
/// `calibrate` and `backtest`).
#[derive(Debug, Args)]
pub struct HistoryInput {
    /// The history: a CSV table, one row per past change, with a header.
    #[arg(long, value_name = "FILE.csv")]
    pub history: PathBuf,
    /// The 0/1 outcome column: 1 = the change caused a defect or incident.
    #[arg(long, value_name = "COL", default_value = "bug")]
    pub label: String,
    /// The time column (unix seconds or any increasing number); default
    /// `date` when the table has it, else the file order. `file-order`:
    /// the rows are in time order, oldest first.
    #[arg(long, value_name = "COL")]
    pub time: Option<String>,
    /// Use only these metrics (standard names: la ld nf nd ns entropy lt fix
    /// ndev age nuc exp rexp sexp); default every one the table has.
    #[arg(long, value_name = "METRIC", num_args = 1.., value_delimiter = ',')]
    pub features: Vec<String>,
    /// A metric whose column has another name: `METRIC=COLUMN` (repeat for
    /// several), e.g. `--column la=lines_added`.
    #[arg(long = "column", value_name = "METRIC=COL")]
    pub columns: Vec<String>,
}

#[derive(Debug, Args)]
pub struct CalibrateArgs {
    #[command(flatten)]
    pub input: HistoryInput,
    /// Where to write the model file (TOML: the policy's `likelihood`
    /// section, and `bands` with --gate-budget, plus the figures and the
    /// shape model).
    #[arg(long, value_name = "MODEL")]
    pub out: PathBuf,
    /// Also draw the ROC and capture-vs-gated curves to this SVG file.
    #[arg(long, value_name = "FILE.svg")]
    pub plot: Option<PathBuf>,
    /// Propose likelihood bands that send this share of changes to senior
    /// review (`10%` or `0.1`), written into the model file's `bands`.
    #[arg(long, value_name = "SHARE", value_parser = parse_share)]
    pub gate_budget: Option<f64>,
    /// The impact band assumed for --gate-budget: the matrix column whose
    /// senior row gets the threshold (only with --gate-budget).
    #[arg(long, value_enum, default_value_t = ImpactBand::Medium, requires = "gate_budget")]
    pub impact_band: ImpactBand,
    /// The base policy (TOML): its weights are kept for features the history
    /// cannot inform, its matrix and impact bands are used for
    /// --gate-budget. The embedded default otherwise.
    #[arg(long, value_name = "FILE")]
    pub policy: Option<PathBuf>,
    /// The latest share of rows held out for measuring (`20%` or `0.2`).
    #[arg(long, value_name = "SHARE", default_value = "20%", value_parser = parse_share)]
    pub test_share: f64,
    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Human)]
    pub format: OutputFormat,
}

#[derive(Debug, Args)]
pub struct BacktestArgs {
    #[command(flatten)]
    pub input: HistoryInput,
    /// The policy to replay (TOML), or a model file written by `calibrate`
    /// (its `likelihood` and `bands` replace the default policy's). The
    /// embedded default otherwise.
    #[arg(long, value_name = "FILE")]
    pub policy: Option<PathBuf>,
    /// The impact band every change is assumed to have (a history has no
    /// graph): the matrix column replayed.
    #[arg(long, value_enum, default_value_t = ImpactBand::Medium)]
    pub impact_band: ImpactBand,
    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Human)]
    pub format: OutputFormat,
}

/// An impact band of the policy's matrix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ImpactBand {
    /// Below the first impact cut point.
    Low,
    /// From the first cut point.
    Medium,
    /// From the second cut point.
    High,
    /// From the third cut point.
    #[value(name = "very_high", alias = "very-high")]
    VeryHigh,
}

impl ImpactBand {
    /// The band's index (0 = low).
    pub fn index(self) -> usize {
        match self {
            Self::Low => 0,
            Self::Medium => 1,
            Self::High => 2,
            Self::VeryHigh => 3,
        }
    }
}

/// A share: `10%` or `0.1`, strictly between 0 and 1.
fn parse_share(s: &str) -> Result<f64, String> {
    let t = s.trim();
    let value = match t.strip_suffix('%') {
        Some(p) => p.trim().parse::<f64>().map(|v| v / 100.0),
        None => t.parse::<f64>(),
    }
    .map_err(|_| format!("`{}` is not a share; write it as `10%` or `0.1`", crate::printable::one_line(s)))?;
    if value.is_finite() && value > 0.0 && value < 1.0 {
        Ok(value)
    } else {
        Err(format!("`{}` is not strictly between 0% and 100%", crate::printable::one_line(s)))
    }
}
