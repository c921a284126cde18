//! The decision: from graph, changeset, context and policy to how much
//! review a change needs, and why.
//!
//! Build an [`Engine`] once from a graph and a [`Policy`], then assess any
//! number of changes, from any number of threads. Assessing never fails:
//! every problem becomes a [`Diagnostic`], and an error diagnostic
//! escalates the decision to the policy's error depth (`block` by default).
//! docs/model.md gives every formula and rule.
//!
//! ```
//! use blastgate::assess::{Engine, ReviewDepth, default_policy};
//! use blastgate::change::parse_changeset;
//! use blastgate::context::{Context, Timestamp};
//! use blastgate::graph::{BuildOptions, GraphLoader};
//!
//! let mut loader = GraphLoader::new(BuildOptions::default());
//! loader.add_bytes("g.edges", b"web api\napi db\n", None)?;
//! let engine = Engine::new(loader.build()?.freeze(), default_policy()?)?;
//!
//! let change = parse_changeset("c.json", br#"{"apiVersion": "blastgate.dev/v1", "kind": "Changeset",
//!   "id": "c1", "author": {"id": "ana", "seniority": "junior"},
//!   "provenance": {"ai": "assisted"}, "services": ["db"]}"#)?;
//! let context = Context::new(Timestamp::parse("2026-11-27T10:00:00Z")?);
//! let assessment = engine.assess(&change, &context);
//! assert!(assessment.review_depth() >= ReviewDepth::Senior);
//! assert!(assessment.fired_rule_ids().any(|id| id == "ai-change-by-junior-or-mid"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::path::Path;

use rayon::prelude::*;

pub use blastgate_core::assessment::{
    AffectedNode, Approval, ApprovalRole, Assessment, Band, Counterfactual, Decision, DeployWindow, Diagnostic,
    ENGINE_REVISION, ENGINE_VERSION, EvidencePath, Factor, FiredRule, Gate, JourneyReached, Level, RadiusReport,
    Reached, Risk, RolloutPlan, RolloutStep, RolloutStrategy, SCHEMA_VERSION, SeparationOfDuties, Versions, Watch,
};
pub use blastgate_core::engine::AssessOptions;
pub use blastgate_core::engine::features::FEATURES;
pub use blastgate_core::policy::{
    Bands, DeployPolicy, LikelihoodModel, MAX_POLICY_BYTES, MAX_POLICY_STRING_BYTES, MAX_RULES, MAX_SENIORITY_LEVELS,
    MAX_SHAPE_POINTS, PolicyLimits, PolicyProblem, SeniorityPolicy, Shape, TierPolicy,
};
pub use blastgate_core::{DEFAULT_POLICY, Policy, ReviewDepth, Rule, RuleCheck};

use crate::change::{ChangeError, Changeset, PathMapping, RepoMapping, RuleRank};
use crate::context::{Context, Timestamp, staleness};
use crate::graph::FrozenGraph;

/// An engine: a graph and a validated policy, built once and shared across
/// threads.
///
/// The first assessment digests the graph beside its own work (about 8 ms
/// of two cores for a million nodes and ten million edges). Assessing
/// reuses scratch memory for blast
/// radii: the engine keeps one scratch per thread that assessed at the same
/// time (about 12 bytes a graph node each, 20 when edges carry different
/// probabilities) until it is dropped, so a long-lived engine answers
/// without allocating graph-sized arrays again.
#[derive(Debug)]
pub struct Engine {
    inner: blastgate_core::Engine,
    /// The graph's own path rules (Backstage source locations), made on
    /// first need: every assessment places paths by them after the
    /// caller's mapping, so that `assess`, `assess_with`, the JSON API and
    /// the CLI resolve a change alike (an embedding audit found `assess`
    /// ignored them, with the same input digest as an answer that used
    /// them; the graph's digest covers them).
    source_locations: std::sync::OnceLock<RepoMapping>,
}

/// A caller's mapping, then the graph's source locations for the paths it
/// does not place. Owners are the caller's alone (the graph states none by
/// path).
/// The graph's mapping is made on first need: a change its caller's
/// mapping places whole (or one naming services only) never scans the
/// graph's nodes for it (about 8 ms at a million nodes).
struct WithSourceLocations<'a> {
    first: &'a (dyn PathMapping + Sync),
    graph: &'a FrozenGraph,
    made: &'a std::sync::OnceLock<RepoMapping>,
    /// The changeset's `repository`: the graph's locations in other
    /// repositories place nothing.
    repository: Option<&'a str>,
}

/// Added to the rank of a caller's rule (see [`WithSourceLocations`]), so
/// that it outranks the graph's source locations.
const CALLER_RANK: u64 = 1 << 40;

impl WithSourceLocations<'_> {
    /// The graph's own mapping, made on first need.
    fn graphs(&self) -> &RepoMapping {
        self.made.get_or_init(|| RepoMapping::from_graph(self.graph))
    }
}

impl PathMapping for WithSourceLocations<'_> {
    fn service_of(&self, path: &str) -> Option<&str> {
        self.first.service_of(path).or_else(|| self.services_of(path).into_iter().next())
    }

    fn services_of(&self, path: &str) -> Vec<&str> {
        let first = self.first.services_of(path);
        if !first.is_empty() {
            return first;
        }
        let dir = self.first.is_directory(path);
        self.graphs().services_at(path, dir, self.repository)
    }

    fn ranked_services_of(&self, path: &str, ignore_case: bool) -> Option<(RuleRank, Vec<&str>)> {
        // The caller's rules outrank the graph's: a rank of theirs is
        // raised above every rank of the graph's source locations (which
        // are below 2^32).
        if let Some((RuleRank(rank), services)) =
            self.first.ranked_services_of(path, ignore_case).filter(|(_, s)| !s.is_empty())
        {
            return Some((RuleRank(rank.saturating_add(CALLER_RANK)), services));
        }
        let dir = self.first.is_directory(path);
        self.graphs().ranked_services_at(path, dir, ignore_case, self.repository)
    }

    fn owners_of(&self, path: &str) -> Option<Vec<&str>> {
        self.first.owners_of(path)
    }

    fn owned_by_catch_all(&self, path: &str, ignore_case: bool) -> bool {
        self.first.owned_by_catch_all(path, ignore_case)
    }

    fn guessed_repository(&self, path: &str, ignore_case: bool) -> Option<&str> {
        if self.first.ranked_services_of(path, ignore_case).is_some_and(|(_, s)| !s.is_empty()) {
            return self.first.guessed_repository(path, ignore_case);
        }
        let dir = self.first.is_directory(path);
        self.graphs().guessed_at(path, dir, ignore_case, self.repository)
    }

    fn ranked_owners_of(&self, path: &str, ignore_case: bool) -> Option<(RuleRank, Vec<&str>)> {
        self.first.ranked_owners_of(path, ignore_case)
    }

    fn is_directory(&self, path: &str) -> bool {
        self.first.is_directory(path)
    }
}

impl Engine {
    /// An engine over `graph` deciding by `policy`.
    ///
    /// # Errors
    /// [`ChangeError::InvalidPolicy`] (kind `invalid_policy`) naming the
    /// policy's first problem and its place (a policy built in code; a
    /// parsed one was checked as it was read);
    /// [`ChangeError::InvalidValue`] for a graph with no nodes, on which
    /// every change would look like it reaches nothing.
    pub fn new(graph: FrozenGraph, policy: Policy) -> Result<Self, ChangeError> {
        if graph.node_count() == 0 {
            return Err(ChangeError::InvalidValue(blastgate_graph::ErrorDetail::new(
                "(graph)",
                "graph",
                "",
                "the graph has no nodes: every change would look like it reaches nothing",
            )));
        }
        blastgate_core::Engine::new(graph, policy)
            .map(|inner| Self { inner, source_locations: std::sync::OnceLock::new() })
            .map_err(|p| {
                ChangeError::InvalidPolicy(blastgate_graph::ErrorDetail::new("(policy)", p.place, "", p.message))
            })
    }

    /// The graph.
    pub fn graph(&self) -> &FrozenGraph {
        self.inner.graph()
    }

    /// The policy.
    pub fn policy(&self) -> &Policy {
        self.inner.policy()
    }

    /// The graph's digest (`blake3:` and 64 hex digits), which every
    /// assessment's `input_digest` covers: a gate can log it to name the
    /// graph it decided on. Computed on first need (the first assessment
    /// makes it beside its own work), then kept.
    pub fn graph_digest(&self) -> &str {
        self.inner.graph_digest()
    }

    /// Assesses `changeset` in `context`, placing files by the graph's
    /// source locations (Backstage `backstage.io/source-location`), then by
    /// path segment. Never fails.
    ///
    /// Both inputs are first checked as their document parsers check them
    /// ([`crate::change::validate`], [`crate::context::validate`]): an
    /// input built in code that fails is an `invalid-changeset` or
    /// `invalid-context` error diagnostic naming the problem, and the
    /// decision escalates to the policy's `error_depth`, as for every
    /// error. Parsed documents always pass.
    ///
    /// The change is assessed at the context's `now`: for a context read
    /// from a file, use [`Engine::assess_at`] with the deploy's instant.
    pub fn assess(&self, changeset: &Changeset, context: &Context) -> Assessment {
        self.assess_with(changeset, context, &AssessOptions::default())
    }

    /// Assesses with options: a path mapping (CODEOWNERS, service map) and
    /// whether unknown services are accepted. Paths the mapping does not
    /// place are placed by the graph's source locations, then by path
    /// segment. Never fails; the inputs are checked as in
    /// [`Engine::assess`].
    pub fn assess_with(&self, changeset: &Changeset, context: &Context, options: &AssessOptions<'_>) -> Assessment {
        let mapping = WithSourceLocations {
            first: options.mapping,
            graph: self.inner.graph(),
            made: &self.source_locations,
            repository: changeset.repository.as_deref(),
        };
        let mut options = *options;
        options.mapping = &mapping;
        self.inner.assess(changeset, context, &options)
    }

    /// Assesses a deploy made at the instant `at` (the gate's clock, or a
    /// past instant to replay), as `blastgate assess --now` does: the
    /// context is read as of `at` ([`Context::with_now`]), so the freezes,
    /// incidents and changes in flight in force then count. When the `now`
    /// the context states is more than the deploy window before `at`, or
    /// more than [`CLOCK_SKEW_SECONDS`](crate::context::CLOCK_SKEW_SECONDS)
    /// after it ([`staleness`]), a
    /// `stale-context` warning says its readings may be out of date, and
    /// the input digest covers the `now` it stated. Never fails.
    ///
    /// Prefer it to [`Engine::assess_with`] for a context read from a
    /// file: that one assesses at the context's own `now`, which for a
    /// document written a month ago misses a freeze that began since, and
    /// says nothing (an embedder audit: `senior` where the command line
    /// said `block` with a warning).
    ///
    /// # Example
    ///
    /// ```
    /// use blastgate::assess::{AssessOptions, Engine, ReviewDepth, default_policy};
    /// use blastgate::change::parse_changeset;
    /// use blastgate::context::{Timestamp, parse_context};
    /// use blastgate::graph::{BuildOptions, GraphLoader};
    ///
    /// let mut loader = GraphLoader::new(BuildOptions::default());
    /// loader.add_bytes("g.edges", b"web api\n", None)?;
    /// let engine = Engine::new(loader.build()?.freeze(), default_policy()?)?;
    /// let change = parse_changeset("c.json", br#"{"apiVersion": "blastgate.dev/v1", "kind": "Changeset",
    ///   "id": "c1", "author": {"id": "ana", "seniority": "senior"}, "services": ["api"]}"#)?;
    /// // Written on 1 November; a freeze of everything began on 1 December.
    /// let context = parse_context("context.json", br#"{"apiVersion": "blastgate.dev/v1", "kind": "Context",
    ///   "now": "2026-11-01T10:00:00Z",
    ///   "freezes": [{"start": "2026-12-01T00:00:00Z", "end": "2027-01-05T00:00:00Z"}]}"#)?;
    /// let today = Timestamp::parse("2026-12-06T09:00:00Z")?;
    /// let assessment = engine.assess_at(&change, &context, today, &AssessOptions::default());
    /// assert_eq!(assessment.review_depth(), ReviewDepth::Block);
    /// assert!(assessment.diagnostics.iter().any(|d| d.code == "stale-context"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn assess_at(
        &self,
        changeset: &Changeset,
        context: &Context,
        at: Timestamp,
        options: &AssessOptions<'_>,
    ) -> Assessment {
        let stated = context.now();
        let options = options.context_stated_now((stated != at).then_some(stated));
        let mut assessment = self.assess_with(changeset, &context.clone().as_of(at), &options);
        if let Some(apart) = staleness(stated, at, self.inner.policy().deploy.window_minutes) {
            assessment.add_diagnostics([Diagnostic::new(Level::Warning, "stale-context", apart.message(stated, at))]);
        }
        assessment
    }

    /// Assesses many changes in parallel; the answers come in input order
    /// and do not depend on the number of threads.
    pub fn assess_batch(&self, items: &[(Changeset, Context)], options: &AssessOptions<'_>) -> Vec<Assessment> {
        // Digested once, before the threads would each start on it.
        let _ = self.inner.graph_digest();
        items.par_iter().map(|(c, ctx)| self.assess_with(c, ctx, options)).collect()
    }

    /// Assesses many changes in parallel, a few dozen per thread at a time,
    /// and hands each assessment to `each` in input order: memory holds
    /// those in flight, not the whole batch's (for backtests over long
    /// histories). The assessments are those of [`Engine::assess_batch`],
    /// whatever the number of threads; the first error `each` returns
    /// stops the batch.
    ///
    /// # Errors
    /// The first error of `each`.
    pub fn assess_batch_streamed<E>(
        &self,
        items: &[(Changeset, Context)],
        options: &AssessOptions<'_>,
        mut each: impl FnMut(Assessment) -> Result<(), E>,
    ) -> Result<(), E> {
        // Assessments are small (their listed nodes are capped); what a
        // large graph makes big, the radius, lives only while one runs.
        // Larger pieces keep the threads busy across the heavy tail.
        const PER_THREAD: usize = 32;
        let piece = PER_THREAD.saturating_mul(rayon::current_num_threads()).max(1);
        for part in items.chunks(piece) {
            for assessment in self.assess_batch(part, options) {
                each(assessment)?;
            }
        }
        Ok(())
    }
}

/// The embedded default policy ([`DEFAULT_POLICY`]), parsed.
///
/// # Errors
/// Never for the shipped default (a test checks it).
pub fn default_policy() -> Result<Policy, ChangeError> {
    blastgate_ingest::policy::parse("(default policy)", DEFAULT_POLICY.as_bytes())
}

/// Parses and validates a policy (TOML), or a model file written by
/// `blastgate calibrate` (`format = "blastgate.dev/calibration/v1"`),
/// whose `[likelihood]` and `[bands]` then replace those of the default
/// policy, as `backtest` reads it
/// ([`crate::calibrate::parse_policy_or_model`] with the default policy).
///
/// # Errors
/// Syntax, schema (unknown keys included, in a model file too) and
/// invalid-value errors naming the file, the place and how to fix it; a
/// limit error past [`MAX_POLICY_BYTES`], [`MAX_RULES`],
/// [`MAX_SENIORITY_LEVELS`], [`MAX_SHAPE_POINTS`] or
/// [`MAX_POLICY_STRING_BYTES`].
///
/// # Complexity
/// `O(n log n)` in the file's size: parsing is linear and the duplicate
/// checks sort.
pub fn parse_policy(name: &str, bytes: &[u8]) -> Result<Policy, ChangeError> {
    // Past the size limit, the policy parser says so before reading.
    if bytes.len() as u64 <= MAX_POLICY_BYTES && blastgate_ingest::history::is_model_file(bytes) {
        return blastgate_ingest::history::parse_policy_or_model(name, bytes, &default_policy()?);
    }
    blastgate_ingest::policy::parse(name, bytes)
}

/// Reads and parses a policy file; `-` reads standard input.
///
/// # Errors
/// As [`parse_policy`], and [`ChangeError::Io`] or a limit error for the
/// file itself.
pub fn load_policy(path: &Path) -> Result<Policy, ChangeError> {
    let bytes = read_policy_input(path)?;
    parse_policy(&blastgate_ingest::input_name(path), &bytes)
}

/// A policy or model file's bytes, read within [`MAX_POLICY_BYTES`]: a
/// pipe or a device is read no further (`--policy /dev/zero` read 256 MiB,
/// the limit of every input, before failing, and named that limit: a
/// red-team finding).
pub(crate) fn read_policy_input(path: &Path) -> Result<Vec<u8>, ChangeError> {
    blastgate_ingest::read_path(path, MAX_POLICY_BYTES).map_err(|e| match e {
        blastgate_graph::GraphError::LimitExceeded(l) => {
            ChangeError::limit(l.file(), "max_policy_bytes", l.max(), l.observed())
        }
        other => other.into(),
    })
}

/// The digest of some byte strings (`sha256:...`), for the inputs behind a
/// path mapping ([`AssessOptions::with_mapping`]).
pub fn digest_of(parts: &[&[u8]]) -> String {
    blastgate_core::engine::digest_of(parts)
}

/// The assessment as pretty JSON (the documented envelope).
///
/// JSON has no NaN: serde would write one as `null`. An assessment holding
/// a non-finite number (the engine never makes one) is written as an error
/// document instead, `{"schema_version": .., "error": ..}`, never as a
/// decision with a silent `null`; [`try_to_json`] says so as an error.
pub fn to_json(assessment: &Assessment) -> String {
    try_to_json(assessment).unwrap_or_else(|e| {
        let error = serde_json::Value::String(e);
        format!("{{\"schema_version\": \"{SCHEMA_VERSION}\", \"error\": {error}}}")
    })
}

/// The assessment as pretty JSON.
///
/// # Errors
/// A message naming the first non-finite number, or why serialising failed.
pub fn try_to_json(assessment: &Assessment) -> Result<String, String> {
    if let Some(place) = assessment.non_finite_number() {
        return Err(format!("the assessment holds a non-finite number at `{place}`; nothing was decided"));
    }
    serde_json::to_string_pretty(assessment).map_err(|e| format!("cannot serialise the assessment: {e}"))
}

/// The JSON Schema of the assessment envelope.
pub fn assessment_json_schema() -> String {
    let schema = schemars::schema_for!(Assessment);
    serde_json::to_string_pretty(&schema).unwrap_or_default()
}

/// The JSON Schema of the policy (the TOML file has the same structure).
pub fn policy_json_schema() -> String {
    blastgate_ingest::policy::json_schema()
}
