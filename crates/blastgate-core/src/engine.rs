//! The decision engine: graph + changeset + context + policy -> an
//! [`Assessment`].
//!
//! The steps, each in its own module:
//! 0. check the inputs as their document parsers would (`check.rs`), then
//!    vet the claims that lower risk against the evidence: the author's
//!    seniority against the context's people list, a tests claim against
//!    the files, a rollback plan against data destroyed without a final
//!    snapshot (`vet.rs`);
//! 1. resolve the changeset against the graph (`blastgate-change`);
//! 2. compute the blast radius and the context facts (`Facts`): deploy
//!    window, incidents, budgets, freezes and collisions on reached nodes;
//! 3. the likelihood from the additive log-odds model (`features.rs`);
//! 4. the impact from the blast radius, the matrix depth from both bands;
//! 5. the hard rules, which can only raise the depth (`rules.rs`);
//! 6. escalation: any error diagnostic raises the depth to the policy's
//!    error depth;
//! 7. approvals and rollout from the final depth (`plan.rs`);
//! 8. counterfactuals, each a re-run of steps 1 to 7 on a changed input
//!    (`counterfactual.rs`);
//! 9. versions and the input digest (`digest.rs`).
//!
//! Assessing never fails and never panics on any input: every problem is a
//! diagnostic, and an error diagnostic escalates.

mod check;
mod counterfactual;
pub(crate) mod digest;
pub mod features;
mod plan;
mod report;
mod rules;
mod vet;

use std::borrow::Cow;
use std::sync::{Arc, OnceLock};

use blastgate_change::{
    AiInvolvement, ChangeError, Changeset, Classifier, PathMapping, ResolveOptions, ResolvedChange, resolve,
};
use blastgate_graph::{BlastRadius, FrozenGraph, NodeKind, RadiusConfig, ScratchPool, Tier, TierWeights};

use crate::assessment::{
    Assessment, Band, Decision, DeployWindow, Diagnostic, Factor, Level, Reached, Risk, SCHEMA_VERSION, Versions,
    round6,
};
use crate::context::{Context, Exception, Freeze, InFlight, Incident, Timestamp};
use crate::depth::ReviewDepth;
use crate::policy::{Bands, Policy, PolicyProblem, RuleCheck};

pub use digest::{digest_of, graph_digest};

/// Most services a fired rule or a message names.
const MAX_NAMED: usize = 20;

/// An engine: a frozen graph and a validated policy, built once and shared
/// across threads (`Send + Sync`).
#[derive(Debug)]
pub struct Engine {
    graph: FrozenGraph,
    policy: Policy,
    config: RadiusConfig,
    /// `config` without evidence paths: for a radius only decided on (a
    /// split's part, a change in flight), never reported.
    unreported: RadiusConfig,
    classifier: Classifier,
    /// The graph's digest, made by the first assessment beside its work
    /// (or by [`Engine::graph_digest`]).
    graph_digest: OnceLock<String>,
    /// The policy's canonical JSON, hashed into every input digest (made
    /// once: serialising the policy took a fifth of a small assessment).
    policy_canonical: Vec<u8>,
    /// [`Policy::digest`], made once.
    policy_digest: String,
    /// Radius scratches of finished queries, for the next ones.
    scratches: ScratchPool,
    /// A `graph-warnings` warning when building the graph warned: every
    /// assessment carries it (made once).
    graph_note: Option<Diagnostic>,
    /// The matcher of each `delivery_control` rule's paths, by the rule's
    /// position in the policy (compiled once; `None` for other rules).
    control_paths: Vec<Option<blastgate_change::pathmatch::PathMatcher>>,
}

/// Per-assessment options.
#[derive(Clone, Copy)]
#[non_exhaustive]
pub struct AssessOptions<'a> {
    /// Maps file paths to services and owners.
    pub mapping: &'a (dyn PathMapping + Sync),
    /// A digest of the mapping's own inputs (CODEOWNERS, service map), so
    /// that the input digest covers them. Empty only for a mapping that
    /// maps nothing: the engine cannot digest a mapping it is handed, so
    /// two answers made with different mappings and an empty digest carry
    /// the same `input_digest` (an embedder audit). Digest whatever your
    /// mapping is built from, e.g. with [`digest_of`] over its files'
    /// bytes.
    pub mapping_digest: &'a str,
    /// Accept services the graph lacks, with a warning.
    pub allow_unknown_services: bool,
    /// The changeset's `history` section was measured by the gate itself
    /// (read from git by the process that assesses), not stated by whoever
    /// wrote the changeset. With a people list in the context, an
    /// unmeasured `history` (`ndev`, `age`, `nuc`, `lt`, `exp`, `rexp`,
    /// `sexp`) is a claim and is not counted (warning
    /// `experience-claim-not-counted`).
    pub history_measured: bool,
    /// The changeset's files were read from git by the process that
    /// assesses (`blastgate::git`), not stated by whoever wrote the
    /// changeset: their `declares_read` (a deleted Terraform file read
    /// whole, all it declared kept) is counted. Otherwise it is a claim,
    /// cleared with the warning `declares-read-not-counted`, and such a
    /// file counts as a destruction by its path.
    pub files_read: bool,
    /// The `now` the context document stated, when it is assessed as of
    /// another instant ([`Context::with_now`], `--now`): the input digest
    /// covers it, since a month-old context and a fresh one are different
    /// inputs with different answers (`stale-context`), although the
    /// engine reads only the instant it is given.
    pub context_stated_now: Option<Timestamp>,
    /// What messages and diagnostics call the changeset: its file's name,
    /// say, or `` change `pr-7` ``. `changeset` unless set.
    pub changeset_name: &'a str,
}

impl std::fmt::Debug for AssessOptions<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AssessOptions")
            .field("mapping_digest", &self.mapping_digest)
            .field("allow_unknown_services", &self.allow_unknown_services)
            .field("history_measured", &self.history_measured)
            .field("files_read", &self.files_read)
            .field("context_stated_now", &self.context_stated_now)
            .field("changeset_name", &self.changeset_name)
            .finish_non_exhaustive()
    }
}

impl Default for AssessOptions<'_> {
    fn default() -> Self {
        Self {
            mapping: &blastgate_change::NoMapping,
            mapping_digest: "",
            allow_unknown_services: false,
            history_measured: false,
            files_read: false,
            context_stated_now: None,
            changeset_name: "changeset",
        }
    }
}

impl<'a> AssessOptions<'a> {
    /// Options with a path mapping and a digest of its inputs (see
    /// [`AssessOptions::mapping_digest`]: not empty for a mapping that maps
    /// anything, or the input digest does not name it).
    pub fn with_mapping(mut self, mapping: &'a (dyn PathMapping + Sync), digest: &'a str) -> Self {
        self.mapping = mapping;
        self.mapping_digest = digest;
        self
    }

    /// Options that accept services the graph lacks.
    pub fn allow_unknown_services(mut self, allow: bool) -> Self {
        self.allow_unknown_services = allow;
        self
    }

    /// Options saying whether the changeset's `history` section was
    /// measured by the caller (the field of this name says what it means):
    /// set it for a changeset your own process read from git with
    /// `blastgate::git`, never for one read from a file.
    pub fn history_measured(mut self, measured: bool) -> Self {
        self.history_measured = measured;
        self
    }

    /// Options saying whether the changeset's files were read by the
    /// caller ([`AssessOptions::files_read`]): set it for a changeset your
    /// own process read from git with `blastgate::git`, never for one read
    /// from a file.
    pub fn files_read(mut self, read: bool) -> Self {
        self.files_read = read;
        self
    }

    /// The `now` the context document stated before it was moved to the
    /// instant assessed ([`AssessOptions::context_stated_now`]), so that
    /// the input digest tells a stale context from a fresh one.
    pub fn context_stated_now(mut self, stated: Option<Timestamp>) -> Self {
        self.context_stated_now = stated;
        self
    }

    /// What messages and diagnostics call the changeset
    /// ([`AssessOptions::changeset_name`]).
    pub fn changeset_name(mut self, name: &'a str) -> Self {
        self.changeset_name = name;
        self
    }
}

impl Engine {
    /// An engine over `graph` deciding by `policy`.
    ///
    /// # Errors
    /// The policy's first problem ([`Policy::validate`]).
    pub fn new(graph: FrozenGraph, policy: Policy) -> Result<Self, PolicyProblem> {
        policy.validate()?;
        let weights = TierWeights::new(policy.tiers.weights).ok_or_else(|| PolicyProblem {
            place: "tiers.weights".into(),
            message: "weights must be finite and not negative".into(),
        })?;
        let config = RadiusConfig::default().with_tier_weights(weights);
        let policy_canonical = digest::policy_canonical(&policy);
        let policy_digest = digest::policy_digest_of(&policy_canonical);
        let graph_note = graph_note(graph.warnings());
        let mut control_paths = Vec::with_capacity(policy.rules.len());
        for (i, rule) in policy.rules.iter().enumerate() {
            control_paths.push(match &rule.check {
                RuleCheck::DeliveryControl { paths } => Some(
                    crate::policy::control_matcher(paths)
                        .map_err(|(j, message)| PolicyProblem { place: format!("rule[{i}].paths[{j}]"), message })?,
                ),
                _ => None,
            });
        }
        Ok(Self {
            graph,
            policy,
            config,
            unreported: config.with_top_paths(0),
            classifier: Classifier::default(),
            graph_digest: OnceLock::new(),
            policy_canonical,
            policy_digest,
            scratches: ScratchPool::default(),
            graph_note,
            control_paths,
        })
    }

    /// The node a context entry names: its id, else the one catalog entity
    /// of that plain name (`payments` for `component:payments` or
    /// `component:default/payments`, compared without regard to ASCII case;
    /// components before resources before other kinds, the default
    /// namespace first; a tie names none, as for trace names). Incident tools and freeze calendars name
    /// services as traces do: an open sev1 on `payments` must not miss the
    /// catalog's `component:payments` (found by a gaming audit), as trace
    /// edges do not.
    pub fn context_node(&self, name: &str) -> Option<u32> {
        self.graph.index_of_name(name)
    }

    /// Every node a context entry's name could mean, ascending: its id,
    /// and, ignoring ASCII case and surrounding spaces, every node of that
    /// id and every catalog entity of that plain name
    /// ([`FrozenGraph::nodes_named`]). A freeze, an incident, an error
    /// budget or a change in flight applies wherever its name could point:
    /// a freeze on `payments` when two namespaces have a `payments`
    /// covers both, and `Payments` names `payments` (found by a fail-closed
    /// audit: each dropped a freeze, a sev1 and a spent budget with a
    /// warning). This is what assessments use; [`Engine::context_node`]
    /// picks one entity as a trace-name join does.
    pub fn context_nodes(&self, name: &str) -> Vec<u32> {
        self.graph.nodes_named(name)
    }

    /// The nodes an id a changeset states means: its node, or, when the
    /// graph lacks it as written, every node it names as resolution reads
    /// it (`Redis-Cart` for `redis-cart`: a respelled id must not escape
    /// the checks the id as written meets).
    pub(crate) fn stated_nodes(&self, id: &str) -> Vec<u32> {
        self.graph.index_of(id).map_or_else(|| self.graph.nodes_named(id), |i| vec![i])
    }

    /// The graph.
    pub fn graph(&self) -> &FrozenGraph {
        &self.graph
    }

    /// The policy.
    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    /// The graph's digest (`blake3:...`), part of every input digest.
    ///
    /// # Complexity
    /// `O(V + E)` the first time (on rayon's threads: about 9 ms for a
    /// million nodes and ten million edges on two cores), `O(1)` after.
    /// Never waits on another thread: two threads asking first both
    /// compute it (the same value), so that a rayon worker can never
    /// wait on a computation it is itself part of.
    pub fn graph_digest(&self) -> &str {
        if self.graph_digest.get().is_none() {
            let _ = self.graph_digest.set(digest::graph_digest(&self.graph));
        }
        self.graph_digest.get().map_or("", String::as_str)
    }

    /// `changeset` with the claims its own evidence contradicts dropped
    /// (`vet.rs`: tests by the files, AI involvement by the tool named, a
    /// rollback plan by the data destroyed), warnings in `notes`. Run on
    /// the changeset assessed and on every changeset a counterfactual
    /// tries, so that an advised change is judged as the gate will judge
    /// it when it comes (an audit: a tried rollback plan an agent's tool
    /// voided, and tests too small to count, promised depths that
    /// following the advice did not get).
    pub(crate) fn vet_evidence<'a>(
        &self,
        changeset: Cow<'a, Changeset>,
        notes: &mut Vec<Diagnostic>,
    ) -> Cow<'a, Changeset> {
        let vetted = vet::vet_tests(changeset, &self.classifier, notes);
        // Provenance before the rollback claim: an agent named by its tool
        // makes the claim an agent's.
        let vetted = vet::vet_provenance(vetted, notes);
        vet::vet_rollback(vetted, &self.classifier, &|r| self.holds_data(r), notes)
    }

    /// Whether a node resource `r` maps to (the one it states, or one a
    /// module of its address names, as [`resolve`] maps it) is a datastore
    /// or a queue: destroying it loses data.
    pub(crate) fn holds_data(&self, r: &blastgate_change::InfraChange) -> bool {
        let data = |id: &str| {
            self.stated_nodes(id)
                .into_iter()
                .filter_map(|i| self.graph.node(i))
                .any(|n| matches!(n.kind(), NodeKind::Datastore | NodeKind::Queue))
        };
        r.node.as_deref().is_some_and(data) || blastgate_change::module_nodes(&self.graph, r).into_iter().any(data)
    }

    /// Assesses `changeset` in `context`. Never fails: problems are
    /// diagnostics, and errors escalate to the policy's error depth.
    ///
    /// The first assessment digests the graph beside its own work (on
    /// rayon's threads): a gate that assesses once per process waits for
    /// the longer of the two, not their sum.
    pub fn assess(&self, changeset: &Changeset, context: &Context, options: &AssessOptions<'_>) -> Assessment {
        // Claims checked against the evidence (`vet.rs`): every step,
        // counterfactuals included, sees the vetted changeset; the input
        // digest covers the changeset as given.
        // Inputs built in code skip the parsers' checks: run here, so that
        // an invalid one is an error (and escalates) wherever it comes from.
        let invalid = check::inputs(options.changeset_name, changeset, context);
        let mut notes = Vec::new();
        let vetted = vet::vet_author(changeset, context, options.history_measured, &mut notes);
        let vetted = vet::vet_declares_read(vetted, options.files_read, &mut notes);
        // The AI involvement as stated, before an agent's account raised
        // it: a counterfactual that takes the agent's account out of the
        // change tries it as stated (`counterfactual.rs`).
        let stated = vetted.provenance.clone();
        let vetted = self.vet_evidence(vetted, &mut notes);
        notes.extend(self.graph_note.iter().cloned());
        // The notes join what was found before deciding, so that a rule's
        // reason can say a claim was not counted (`Facts::rollback_dropped`);
        // all of them are warnings or notes, and escalate nothing.
        let assess = || {
            // One budget for matching paths against patterns for all the
            // assessment's resolutions (its split's parts and its
            // counterfactuals resolve again): none rebuilds what another
            // built (a red team: 18 resolutions of one change took 23 s
            // where one took 2 s). Opened here, on the thread that
            // resolves.
            let _budget = blastgate_change::pathmatch::MatchBudget::with_limit(
                blastgate_change::pathmatch::match_state_budget(vetted.files.len()),
            );
            let found = invalid.iter().chain(&notes).cloned().collect();
            let in_flight = InFlightRadii::default();
            let (mut assessment, waits, radius) = self.assess_once(&vetted, context, options, found, &in_flight);
            assessment.counterfactuals = counterfactual::explore(
                self,
                (&vetted, &stated),
                (context, &in_flight),
                options,
                &assessment,
                &waits,
                radius,
            );
            assessment
        };
        let mut assessment = if self.graph_digest.get().is_some() {
            assess()
        } else {
            rayon::join(|| self.graph_digest().len(), assess).1
        };
        // A `deploy_at` that is no time names its input and place as the
        // inputs' checks do (a red team: its message named neither).
        let name = options.changeset_name;
        for d in assessment.diagnostics.iter_mut().filter(|d| d.code == "bad-deploy-at" && d.input.is_none()) {
            let value = changeset.deploy_at.as_deref().unwrap_or_default();
            let value = blastgate_graph::shown(&blastgate_graph::shorten(value)).into_owned();
            *d = Diagnostic::new(d.level, &d.code, format!("{name}: {}", d.message)).at(name, "$.deploy_at", &value);
        }
        // After the work: the input digest holds the graph's.
        assessment.input_digest = digest::input_digest(self, changeset, context, options);
        assessment
    }

    /// Steps 1 to 7: the decision, without the report around it. A
    /// counterfactual needs only this (its depth and likelihood).
    /// `reuse` is what the base assessment made, for a counterfactual: its
    /// resolution, used when the counterfactual changes nothing resolution
    /// reads, and its blast radius, used when it starts from the same
    /// nodes. `report` says whether a radius computed here will be reported
    /// (and so needs its evidence paths). `found` holds what was found
    /// before deciding (the inputs' checks, `check.rs`); its errors
    /// escalate as any other.
    fn decide<'c>(
        &self,
        changeset: &Changeset,
        (context, in_flight): (&'c Context, &InFlightRadii),
        options: &AssessOptions<'_>,
        reuse: Option<Reuse<'c>>,
        report: bool,
        found: Vec<Diagnostic>,
    ) -> Decided<'c> {
        let mut diagnostics = found;
        // INVARIANT: a base with errors has no counterfactuals (see
        // `counterfactual::explore`), so a reused resolution brings no
        // error diagnostic with it; the others do not change a decision.
        let resolved = match reuse {
            Some(r) if r.resolves_alike(changeset) => Cow::Borrowed(r.resolved),
            _ => Cow::Owned(self.resolve(changeset, options, &mut diagnostics)),
        };
        let changed = resolved.deployed_indices();
        let radius = match reuse.map(|r| r.radius) {
            Some(r) if r.changed == changed => r.clone(),
            _ => {
                let config = if report { &self.config } else { &self.unreported };
                let blast = self.scratches.radius(&self.graph, &changed, config);
                let edges = Work::edges_of(&blast);
                Radius { blast: std::sync::Arc::new(blast), changed, edges }
            }
        };
        // The span checked for freezes and changes in flight covers the
        // deploy window and, when the rollout the decision mandates takes
        // longer, the whole rollout (a decision audit: a freeze starting
        // 30 minutes into a four-hour staged rollout went unseen). The
        // rollout depends on the decision, so a longer one decides again
        // over its span. The span grows strictly at each pass, to one of
        // `plan::ROLLOUT_LENGTHS` lengths, so the loop ends in time; the
        // pass after it covers the longest.
        let vetted = vet::vet_deleted_data(
            Cow::Borrowed(changeset),
            &resolved,
            &self.classifier,
            &|r| self.holds_data(r),
            &mut diagnostics,
        );
        let changeset = &*vetted;
        let base = diagnostics;
        let mut window_minutes = self.policy.deploy.window_minutes;
        let (mut resolved, mut radius) = (resolved, radius);
        for _ in 0..plan::ROLLOUT_LENGTHS {
            let mut decided =
                self.decide_over(changeset, (context, in_flight), resolved, radius, window_minutes, base.clone());
            let unplaced = !decided.facts.unplaced.is_empty();
            let rollout_minutes = plan::rollout_minutes(self, changeset, decided.depth, &decided.fired, unplaced);
            if rollout_minutes <= window_minutes {
                return decided;
            }
            // Nothing in the context depends on the span (no freeze, no
            // change in flight) and no `deploy_at` names it in a message:
            // a pass over the longer span would decide alike, so only the
            // span reported grows.
            if context.freezes.is_empty() && context.in_flight.is_empty() && changeset.deploy_at.is_none() {
                let longer = i64::from(rollout_minutes).saturating_mul(60);
                decided.facts.window_end = decided.facts.checked_from.saturating_add_seconds(longer);
                return decided;
            }
            window_minutes = rollout_minutes;
            (resolved, radius) = (decided.resolved, decided.radius);
        }
        self.decide_over(changeset, (context, in_flight), resolved, radius, window_minutes, base)
    }

    /// [`Engine::decide`] once the change is resolved and its radius
    /// known, with freezes and changes in flight checked over
    /// `window_minutes` from the deploy time.
    fn decide_over<'c>(
        &self,
        changeset: &Changeset,
        (context, in_flight): (&'c Context, &InFlightRadii),
        resolved: Cow<'c, ResolvedChange>,
        radius: Radius,
        window_minutes: u32,
        mut diagnostics: Vec<Diagnostic>,
    ) -> Decided<'c> {
        let blast = &*radius.blast;
        let mut work = Work::new(self.policy.limits.work_budget);
        work.charge(radius.edges);
        let facts = Facts::gather(
            self,
            changeset,
            &resolved,
            (context, in_flight),
            blast,
            window_minutes,
            &mut work,
            &mut diagnostics,
        );
        if work.exceeded {
            diagnostics.push(Diagnostic::new(
                Level::Error,
                "work-budget",
                format!(
                    "the assessment traversed more than the policy's work budget of {} edges; raise \
                     `limits.work_budget` if this graph is expected to be this large",
                    self.policy.limits.work_budget
                ),
            ));
        }

        let values = features::values(changeset, &resolved, &facts, &self.classifier, &self.policy.likelihood);
        // Shape functions (a calibrated model), in metric order.
        let shapes: Vec<(String, f64, f64, bool)> = self
            .policy
            .likelihood
            .shapes
            .iter()
            .map(|(metric, shape)| {
                let value = features::metric_value(metric, changeset, &resolved);
                let c = features::shape_contribution(metric, shape, value);
                (metric.clone(), value.unwrap_or(0.0), c, value.is_none())
            })
            .collect();
        let log_odds =
            features::log_odds(&self.policy.likelihood, &values, |m| features::metric_value(m, changeset, &resolved));
        let mut likelihood = features::sigmoid(log_odds);
        if !(likelihood.is_finite() && log_odds.is_finite()) {
            diagnostics.push(Diagnostic::new(
                Level::Error,
                "non-finite-likelihood",
                format!("the likelihood model gave a non-finite value ({log_odds}); check the policy's weights"),
            ));
            likelihood = 1.0;
        }
        let mut impact = self.impact(blast);
        if !impact.is_finite() {
            diagnostics.push(Diagnostic::new(
                Level::Error,
                "non-finite-impact",
                "the impact is not a finite number; check tier weights and node traffic",
            ));
            impact = f64::MAX;
        }
        let score = likelihood * impact;
        let likelihood_band = Bands::band(&self.policy.bands.likelihood, likelihood);
        let impact_band = Bands::band(&self.policy.bands.impact, impact);
        let matrix_depth = self.policy.matrix_depth(likelihood, impact);

        let fired = rules::evaluate(self, changeset, &resolved, &facts);
        rules::unchecked(self, &facts, &mut diagnostics);
        let mut depth = fired.iter().map(|r| r.min_depth).fold(matrix_depth, Ord::max);
        let errors = diagnostics.iter().filter(|d| d.level == Level::Error).count();
        if errors > 0 {
            depth = depth.max(self.policy.error_depth);
        }
        Decided {
            diagnostics,
            resolved,
            radius,
            facts,
            values,
            shapes,
            log_odds,
            likelihood,
            impact,
            score,
            likelihood_band,
            impact_band,
            matrix_depth,
            fired,
            depth,
            errors,
        }
    }

    /// One pass of steps 1 to 7 and 9, without counterfactuals; also when
    /// the freezes and changes in flight that concern the change end.
    fn assess_once(
        &self,
        changeset: &Changeset,
        context: &Context,
        options: &AssessOptions<'_>,
        found: Vec<Diagnostic>,
        in_flight: &InFlightRadii,
    ) -> (Assessment, Waits, Radius) {
        let Decided {
            mut diagnostics,
            resolved,
            radius,
            facts,
            values,
            shapes,
            log_odds,
            likelihood,
            impact,
            score,
            likelihood_band,
            impact_band,
            matrix_depth,
            fired,
            depth,
            errors,
        } = self.decide(changeset, (context, in_flight), options, None, true, found);
        let blast = &*radius.blast;
        let (required_approvals, separation_of_duties) =
            plan::approvals((self, context), changeset, &resolved, blast, depth, &mut diagnostics);
        let limit = self.policy.limits.max_listed_affected;
        let ranked = report::most_critical(&self.graph, blast, &self.config, limit.max(plan::MAX_WATCH));
        let rollout = plan::rollout(self, (changeset, &resolved), &ranked, depth, &fired, !facts.unplaced.is_empty());
        if let Some(d) = plan::declared_rollout_below(changeset, &rollout) {
            diagnostics.push(d);
        }
        let unstated = features::unstated_features(changeset, &resolved);
        let factors = self.factors(&values, &unstated, &shapes, log_odds, likelihood, impact);
        let bands = &self.policy.bands;
        let summary = summary(
            depth,
            matrix_depth,
            &fired,
            errors,
            (&shown_in_band(likelihood, 3, &bands.likelihood, likelihood_band), likelihood_band),
            (&shown_in_band(impact, 1, &bands.impact, impact_band), impact_band),
        );
        let break_glass = (depth == ReviewDepth::Block).then(|| plan::BREAK_GLASS.to_owned());
        crate::assessment::sort_diagnostics(&mut diagnostics);
        let waits = Waits {
            // Every freeze in force, those the change passes as an
            // exception too: after the last ends, neither `freeze` nor
            // `exception-claimed` fires for them.
            freeze_end: facts.freezes.iter().map(|(f, _)| f.end).max(),
            in_flight_end: facts.collisions.iter().map(|(c, _)| c.end).max(),
            resolved: resolved.into_owned(),
        };

        let assessment = Assessment {
            schema_version: SCHEMA_VERSION.to_owned(),
            change_id: changeset.id.clone(),
            decision: Decision {
                review_depth: depth,
                matrix_depth,
                required_approvals,
                separation_of_duties,
                summary,
                break_glass,
                deploy_window: DeployWindow { start: facts.checked_from, end: facts.window_end },
            },
            risk: Risk {
                likelihood: round6(likelihood),
                log_odds: round6(log_odds.clamp(-1e6, 1e6)),
                impact: round6(impact.min(1e12)),
                score: round6(score.min(1e12)),
                likelihood_band: Band::from_index(likelihood_band),
                impact_band: Band::from_index(impact_band),
                highest_tier: facts.highest_tier.map(Tier::level),
                journeys: facts.journeys.iter().take(limit).cloned().collect(),
                journey_count: facts.journeys.len(),
                teams: facts.teams.iter().take(limit).cloned().collect(),
                team_count: facts.teams.len(),
            },
            blast_radius: report::radius_report(&self.graph, blast, &ranked, limit),
            factors,
            rules: fired,
            rollout,
            counterfactuals: Vec::new(),
            diagnostics,
            versions: Versions {
                engine: crate::assessment::ENGINE_VERSION.to_owned(),
                engine_revision: crate::assessment::ENGINE_REVISION,
                model: self.policy.likelihood.version.clone(),
                policy: self.policy.version.clone(),
                policy_digest: self.policy_digest.clone(),
            },
            // Filled by `assess`, beside which the graph is digested.
            input_digest: String::new(),
            gate: None,
        };
        (assessment, waits, radius)
    }

    /// Resolves, or on error records it and resolves leniently so that the
    /// rest of the assessment still explains what it can.
    fn resolve(
        &self,
        changeset: &Changeset,
        options: &AssessOptions<'_>,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> ResolvedChange {
        let strict = ResolveOptions::allow_unknown(options.allow_unknown_services).within_match_budget();
        let name = options.changeset_name;
        let resolved = match resolve(name, changeset, &self.graph, options.mapping, &self.classifier, strict) {
            Ok(r) => Some(r),
            Err(e) => {
                diagnostics.push(Diagnostic::new(Level::Error, error_code(&e), e.to_string()).at_error(&e));
                let lenient = ResolveOptions::allow_unknown(true).within_match_budget();
                // (Not again past the budget for matching paths: the
                // assessment's budget stays spent, so it would fail the
                // same way.)
                let spent = matches!(&e, ChangeError::LimitExceeded(l) if l.limit() == "max_match_state_bytes");
                let mut r = if spent {
                    None
                } else {
                    resolve(name, changeset, &self.graph, options.mapping, &self.classifier, lenient).ok()
                };
                // The lenient pass warns about the id the error names: said
                // once, as the error (a docs audit found it twice).
                if let (ChangeError::UnknownService(d), Some(r)) = (&e, r.as_mut()) {
                    let named = format!("`{}`", d.value());
                    r.warnings.retain(|w| !w.contains(&named));
                }
                r
            }
        };
        let resolved = resolved.unwrap_or_else(|| ResolvedChange {
            id: changeset.id.clone(),
            touched: Vec::new(),
            kinds: Default::default(),
            metrics: blastgate_change::ChangeMetrics::of(&changeset.files),
            file_owners: Vec::new(),
            ownership: Vec::new(),
            unowned_files: Vec::new(),
            unmapped_files: Vec::new(),
            destructive: Vec::new(),
            destructive_module_copies: 0,
            warnings: Vec::new(),
            kind_warnings: Vec::new(),
            service_warnings: Vec::new(),
            moved_lines_unstated: Vec::new(),
            unmapped_runtime_files: Vec::new(),
        });
        if changeset.is_empty() {
            diagnostics.push(Diagnostic::new(
                Level::Error,
                "empty-change",
                "the changeset names no service, file or infrastructure change: there is nothing to assess, \
                 and an empty description of a deploy is not evidence that it is safe",
            ));
        } else if resolved.touched.is_empty() {
            diagnostics.push(Diagnostic::new(
                Level::Warning,
                "nothing-reached",
                "the change touches no node of the graph, so its blast radius is empty; if it does deploy \
                 something, add that service to the graph or map its files with a service map",
            ));
        }
        // Services named without a file: the size is not measured, and
        // counts as none (a red-team finding: a 450-line change described
        // by its service alone went a depth lower, without a word).
        if changeset.files.is_empty() && !changeset.services.is_empty() {
            // Sorted: the message must not depend on the list's order.
            let mut services: Vec<String> =
                changeset.services.iter().map(|s| format!("`{}`", s.escape_debug())).collect();
            services.sort_unstable();
            services.dedup();
            let named = name_list(&services);
            diagnostics.push(Diagnostic::new(
                Level::Warning,
                "size-unstated",
                format!(
                    "the changeset names {named} but lists no file, so the change's size (lines, files, \
                     directories) counts as none and a `safety.tests_changed` claim stands unchecked: the \
                     likelihood does not know how big the change is. List the changed files (the git reader \
                     does), or have the reviewers check the diff's size"
                ),
            ));
        }
        let docs_only: Vec<&str> = resolved.touched.iter().filter(|t| !t.runtime).map(|t| t.id.as_str()).collect();
        if !docs_only.is_empty() {
            diagnostics.push(Diagnostic::new(
                Level::Note,
                "not-deployed",
                format!(
                    "{} changes only in documentation or tests: nothing is deployed there, so no blast radius \
                     starts from it",
                    docs_only.join(", ")
                ),
            ));
        }
        for (id, warnings) in [
            ("unknown-service", &resolved.warnings),
            ("kind-contradicts-path", &resolved.kind_warnings),
            ("service-contradicts-path", &resolved.service_warnings),
            ("moved-lines-unstated", &resolved.moved_lines_unstated),
        ] {
            push_capped(diagnostics, id, warnings);
        }
        if !resolved.unmapped_files.is_empty() {
            let n = resolved.unmapped_files.len();
            let mut unmapped: Vec<&str> = resolved.unmapped_files.iter().map(String::as_str).collect();
            unmapped.sort_unstable();
            let shown: Vec<&str> = unmapped.into_iter().take(5).collect();
            diagnostics.push(Diagnostic::new(
                Level::Warning,
                "unmapped-files",
                format!(
                    "{n} changed file(s) map to no graph node ({}{}); they add to the likelihood but no blast \
                     radius. Map them with a service map or a path segment named after the service",
                    shown.join(", "),
                    if n > shown.len() { ", ..." } else { "" }
                ),
            ));
        }
        resolved
    }

    /// The impact: each changed node's weight plus each affected node's
    /// probability times its weight (the radius's weighted impact). Changed
    /// means deployed, as for the radius: a service whose tests alone
    /// changed is not changed, and counts only if the radius reaches it
    /// (counting it as both made deploying it lower the impact).
    fn impact(&self, blast: &BlastRadius) -> f64 {
        let own: f64 = blast.changed().iter().filter_map(|&i| self.graph.node(i)).map(|n| self.config.weight(n)).sum();
        own + blast.weighted_impact()
    }

    fn factors(
        &self,
        values: &[(&'static str, f64)],
        unstated: &[&str],
        shapes: &[(String, f64, f64, bool)],
        log_odds: f64,
        likelihood: f64,
        impact: f64,
    ) -> Vec<Factor> {
        let model = &self.policy.likelihood;
        let mut factors: Vec<Factor> = values
            .iter()
            .filter_map(|&(id, value)| {
                let weight = *model.weights.get(id)?;
                let contribution = weight * value;
                let without = features::sigmoid(log_odds - contribution);
                let delta = likelihood - without;
                Some(Factor {
                    id: id.to_owned(),
                    value: round6(value),
                    weight,
                    contribution: round6(contribution),
                    likelihood_delta: round6(delta),
                    score_delta: round6(delta * impact.min(1e12)),
                    // An unstated metric counted at its cap (a positive
                    // weight) says so; at 0 it adds nothing to explain.
                    description: if value > 0.0 && unstated.contains(&id) {
                        format!("{} (not stated by the change: counted at its cap)", features::description(id))
                    } else {
                        features::description(id).to_owned()
                    },
                })
            })
            .chain(shapes.iter().map(|(metric, value, contribution, missing)| {
                let without = features::sigmoid(log_odds - contribution);
                let delta = likelihood - without;
                let description = if *missing {
                    format!("shape of `{metric}` (not stated by the change: its largest contribution counts)")
                } else {
                    format!("shape of `{metric}` at the change's value")
                };
                Factor {
                    id: format!("shape:{metric}"),
                    value: round6(*value),
                    weight: 1.0,
                    contribution: round6(*contribution),
                    likelihood_delta: round6(delta),
                    score_delta: round6(delta * impact.min(1e12)),
                    description,
                }
            }))
            .collect();
        factors.sort_by(|a, b| b.contribution.abs().total_cmp(&a.contribution.abs()).then_with(|| a.id.cmp(&b.id)));
        factors.insert(
            0,
            Factor {
                id: "intercept".to_owned(),
                value: 1.0,
                weight: model.intercept,
                contribution: round6(model.intercept),
                likelihood_delta: 0.0,
                score_delta: 0.0,
                description: "the base rate: the log-odds of an incident for an empty change".to_owned(),
            },
        );
        factors
    }
}

fn error_code(e: &ChangeError) -> &'static str {
    match e {
        ChangeError::UnknownService(_) => "unknown-service",
        _ => "unresolved-change",
    }
}

/// [`Bands::shown`](crate::policy::Bands::shown) with the band as an index.
fn shown_in_band(value: f64, decimals: usize, cuts: &[f64; 3], band: usize) -> String {
    crate::policy::Bands::shown(value, decimals, cuts, Band::from_index(band))
}

/// The decision's one-line summary; `likelihood` and `impact` as shown
/// ([`shown_in_band`]) with their bands.
fn summary(
    depth: ReviewDepth,
    matrix: ReviewDepth,
    fired: &[crate::assessment::FiredRule],
    errors: usize,
    (likelihood, lband): (&str, usize),
    (impact, iband): (&str, usize),
) -> String {
    let mut why = format!(
        "likelihood {likelihood} ({}) x impact {impact} ({}) gives `{matrix}`",
        Band::from_index(lband).as_str(),
        Band::from_index(iband).as_str()
    );
    // The rules that set the depth first; rules above the matrix but below
    // the depth after them, with their own depth, so that a reader does
    // not take a `senior` rule for the reason a change blocks.
    let raising: Vec<&str> =
        fired.iter().filter(|r| r.min_depth > matrix && r.min_depth >= depth).map(|r| r.id.as_str()).collect();
    let also: Vec<String> = fired
        .iter()
        .filter(|r| r.min_depth > matrix && r.min_depth < depth)
        .map(|r| format!("{} ({})", r.id, r.min_depth))
        .collect();
    if !raising.is_empty() {
        why.push_str(&format!("; raised by {}", raising.join(", ")));
    }
    if !also.is_empty() {
        let lead = if raising.is_empty() { "raised by" } else { "below that," };
        why.push_str(&format!("; {lead} {}", also.join(", ")));
    }
    if errors > 0 {
        why.push_str(&format!("; {errors} error(s) escalated it (fail closed)"));
    }
    format!("{depth}: {why}")
}

/// A blast radius and the nodes it starts from, shared between an
/// assessment and its counterfactuals.
#[derive(Debug, Clone)]
pub(crate) struct Radius {
    changed: Vec<u32>,
    blast: std::sync::Arc<BlastRadius>,
    /// The work it cost ([`Work::edges_of`]), counted once.
    edges: u64,
}

/// The decision of one pass and what the report around it is made from.
struct Decided<'c> {
    diagnostics: Vec<Diagnostic>,
    resolved: Cow<'c, ResolvedChange>,
    radius: Radius,
    facts: Facts<'c>,
    values: Vec<(&'static str, f64)>,
    shapes: Vec<(String, f64, f64, bool)>,
    log_odds: f64,
    likelihood: f64,
    impact: f64,
    score: f64,
    likelihood_band: usize,
    impact_band: usize,
    matrix_depth: ReviewDepth,
    fired: Vec<crate::assessment::FiredRule>,
    depth: ReviewDepth,
    errors: usize,
}

/// What a base pass found that its counterfactuals reuse: when the freezes
/// that apply to the change (those it passes as an exception included) and
/// the changes in flight it collides with end, and the change resolved (reused by the
/// counterfactuals that resolve alike; its touched nodes make the split).
#[derive(Debug)]
pub(crate) struct Waits {
    freeze_end: Option<Timestamp>,
    in_flight_end: Option<Timestamp>,
    /// The change resolved (its touched nodes make the split's parts).
    resolved: ResolvedChange,
}

/// What a base pass made that its counterfactuals reuse.
#[derive(Clone, Copy)]
pub(crate) struct Reuse<'b> {
    /// The base's changeset and its resolution.
    changeset: &'b Changeset,
    resolved: &'b ResolvedChange,
    /// The base's blast radius.
    radius: &'b Radius,
}

impl Reuse<'_> {
    /// Whether resolving `changeset` gives the base's resolution: it reads
    /// only the id, services, files and infrastructure (with the engine's
    /// graph and the same options), so a counterfactual that adds a
    /// rollback plan, a co-author or tests, or waits, resolves alike.
    fn resolves_alike(&self, changeset: &Changeset) -> bool {
        let base = self.changeset;
        base.id == changeset.id
            && base.services == changeset.services
            && base.files == changeset.files
            && base.infrastructure == changeset.infrastructure
    }
}

/// What a change in flight reaches, and the reverse edges a search for it
/// scans.
type InFlightReach = (Reach, u64);

/// Nodes reached, held as a list (ascending) or, where that is smaller,
/// one bit a node: 10,000 changes in flight of a hundred services each on
/// 20,000 nodes outgrew the cache as lists, and were searched again for
/// every decision (red team 32: half a minute).
#[derive(Clone)]
enum Reach {
    Nodes(Arc<[u32]>),
    Bits(Arc<[u64]>),
}

impl Reach {
    /// `nodes` (ascending, distinct) of a graph of `node_count` nodes.
    fn new(nodes: Vec<u32>, node_count: usize) -> Self {
        let words = node_count.div_ceil(64);
        if nodes.len().saturating_mul(4) <= words.saturating_mul(8) {
            return Self::Nodes(nodes.into());
        }
        Self::Bits(node_bits(nodes, node_count).into())
    }

    /// The bytes held.
    fn held_bytes(&self) -> usize {
        match self {
            Self::Nodes(nodes) => nodes.len() * 4,
            Self::Bits(bits) => bits.len() * 8,
        }
    }

    /// Calls `f` on each node reached that `ours` (one bit a node) holds
    /// too, in ascending order.
    fn for_each_shared(&self, ours: &[u64], mut f: impl FnMut(u32)) {
        match self {
            Self::Nodes(nodes) => {
                for &i in nodes.iter() {
                    if ours.get(i as usize / 64).is_some_and(|word| word & (1 << (i % 64)) != 0) {
                        f(i);
                    }
                }
            }
            Self::Bits(bits) => {
                for (w, (&theirs, &mine)) in bits.iter().zip(ours).enumerate() {
                    let mut both = theirs & mine;
                    while both != 0 {
                        f((w * 64) as u32 + both.trailing_zeros());
                        both &= both - 1;
                    }
                }
            }
        }
    }
}

/// `nodes` of a graph of `node_count` nodes as one bit a node.
fn node_bits(nodes: impl IntoIterator<Item = u32>, node_count: usize) -> Vec<u64> {
    let mut bits = vec![0u64; node_count.div_ceil(64)];
    for i in nodes {
        if let Some(word) = bits.get_mut(i as usize / 64) {
            *word |= 1 << (i % 64);
        }
    }
    bits
}

/// The reach of changes in flight (the nodes each deploys and what
/// depends on them), found once an assessment: it depends on the graph
/// alone, not on the change or the decision. Kept up to
/// [`InFlightRadii::MAX_HELD`] bytes in all; past that, found again.
#[derive(Default)]
pub(crate) struct InFlightRadii {
    /// Ascending nodes a change in flight deploys, to what they reach
    /// (ascending, the deployed nodes included) and the edges charged.
    found: std::cell::RefCell<std::collections::BTreeMap<Vec<u32>, InFlightReach>>,
    held: std::cell::Cell<usize>,
}

impl InFlightRadii {
    /// The most bytes held, over every radius kept (64 MiB).
    const MAX_HELD: usize = 64 << 20;

    /// What deploying `nodes` reaches, ascending, and the reverse edges a
    /// search for it scans ([`Work::edges_of`]).
    fn reach(&self, engine: &Engine, mut nodes: Vec<u32>) -> InFlightReach {
        nodes.sort_unstable();
        nodes.dedup();
        if let Some(found) = self.found.borrow().get(&nodes) {
            return found.clone();
        }
        let blast = engine.scratches.radius(&engine.graph, &nodes, &engine.unreported);
        let edges = Work::edges_of(&blast);
        let mut reach: Vec<u32> = nodes.iter().copied().chain(blast.affected().iter().map(|a| a.node())).collect();
        reach.sort_unstable();
        reach.dedup();
        let found: InFlightReach = (Reach::new(reach, engine.graph.node_count()), edges);
        let held = self.held.get().saturating_add(found.0.held_bytes());
        if held <= Self::MAX_HELD {
            self.held.set(held);
            self.found.borrow_mut().insert(nodes, found.clone());
        }
        found
    }
}

/// Work done so far, in reverse edges scanned.
#[derive(Debug)]
struct Work {
    budget: u64,
    done: u64,
    exceeded: bool,
}

impl Work {
    fn new(budget: u64) -> Self {
        Self { budget, done: 0, exceeded: false }
    }

    /// The work of a radius: the reverse edges of every node it reached.
    fn edges_of(blast: &BlastRadius) -> u64 {
        blast.reached_edges()
    }

    /// Charges a radius of `edges` ([`Work::edges_of`]).
    fn charge(&mut self, edges: u64) {
        self.done = self.done.saturating_add(edges).saturating_add(1);
        if self.done > self.budget {
            self.exceeded = true;
        }
    }
}

/// The reached nodes a freeze covers: dense ids, ascending (so by id).
/// Freezes of one scope of tiers share one list.
pub(crate) type Covered = Arc<[u32]>;

/// What the context says about the nodes the change reaches.
#[derive(Debug)]
pub(crate) struct Facts<'c> {
    /// Where the span checked for freezes and changes in flight starts:
    /// the context's `now` (a later `deploy_at` only moves its end, since
    /// the gate cannot hold a deploy until then).
    pub checked_from: Timestamp,
    /// The end of its deploy window: `deploy_at` (or now, if earlier or
    /// unstated) plus the policy's window.
    pub window_end: Timestamp,
    /// The most critical tier among them.
    pub highest_tier: Option<Tier>,
    /// The tier-0 nodes and journeys among them: the first [`MAX_NAMED`]
    /// ids, ascending (what a message names).
    pub critical: Vec<String>,
    /// How many tier-0 nodes and journeys are among them (a radius can
    /// reach a hundred thousand tier-0 nodes; only their number is kept).
    pub critical_count: usize,
    /// Journeys reached.
    pub journeys: Vec<Reached>,
    /// Teams owning them.
    pub teams: Vec<String>,
    /// Open incidents on them, or on a direct dependency of a changed node.
    pub incidents: Vec<&'c Incident>,
    /// Error budgets on them: (service, remaining), the most spent first.
    pub budgets: Vec<(String, f64)>,
    /// Freezes in force in the window covering some of them, or in force
    /// while the change deploys something it cannot place (see
    /// [`Facts::unplaced`]), with the services covered.
    pub freezes: Vec<(&'c Freeze, Covered)>,
    /// What the change deploys that no graph node places: its unmapped
    /// runtime files (paths), the infrastructure it creates, changes or
    /// destroys that maps to no node the graph has (addresses), and the
    /// services it names that the graph lacks (ids), sorted.
    /// Where these run is unknown, so every freeze in force covers them
    /// (fail closed).
    pub unplaced: Vec<String>,
    /// Other changes in flight in the window whose blast radius overlaps,
    /// with the shared nodes.
    pub collisions: Vec<(&'c InFlight, Shared)>,
    /// The exceptions the change qualifies for.
    pub exceptions: Vec<Exception>,
    /// Whether the least senior of the author and the contributors is
    /// below the senior level (unknown: yes; see [`least_senior`]).
    pub below_senior: bool,
    /// The AI involvement the likelihood reads: the one stated; when none
    /// is and the policy asks every change to declare (an enabled
    /// `ai_unstated_below_senior` rule), `assisted`, the least a
    /// declaration of AI help states, so that declaring never scores
    /// above keeping quiet (a policy audit: with the rule on, a junior's
    /// undeclared change scored 0.214 where declaring it assisted scored
    /// 0.354 and went a depth higher); else `none`.
    pub ai: AiInvolvement,
    /// Whether the change's tests, if it claims any, cover the code of
    /// every node it changes (`vet::untested_places`); true when it claims
    /// none or lists no files.
    pub tests_in_place: bool,
    /// The warnings that dropped the changeset's rollback-plan claim
    /// (`rollback-claim-by-agent`, `rollback-claim-contradicted`), sorted:
    /// a rule's reason says the plan stated is not counted, and why,
    /// rather than that none is stated (an explanations audit).
    pub rollback_dropped: Vec<String>,
    /// The `freeze` rule's finding, found once a decision however many
    /// `freeze` rules the policy enables (a complexity audit: each rule
    /// read every freeze's covered nodes again).
    pub freeze_finding: std::sync::OnceLock<Option<(String, Vec<String>)>>,
}

impl<'c> Facts<'c> {
    #[allow(clippy::too_many_arguments, reason = "the facts draw on every input")]
    fn gather(
        engine: &Engine,
        changeset: &Changeset,
        resolved: &ResolvedChange,
        (context, in_flight_radii): (&'c Context, &InFlightRadii),
        blast: &BlastRadius,
        window_minutes: u32,
        work: &mut Work,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Self {
        let graph = &engine.graph;
        let deploy_at = match changeset.deploy_at.as_deref().map(Timestamp::parse) {
            None => context.now(),
            Some(Ok(t)) => t,
            Some(Err(e)) => {
                let value = changeset.deploy_at.as_deref().unwrap_or_default();
                let value = blastgate_graph::shown(&blastgate_graph::shorten(value)).into_owned();
                diagnostics.push(Diagnostic::new(
                    Level::Error,
                    "bad-deploy-at",
                    format!(
                        "$.deploy_at: `{value}`: {}; write an RFC 3339 time such as 2026-11-27T10:00:00Z",
                        e.message()
                    ),
                ));
                context.now()
            }
        };
        // A deploy cannot start before now: a `deploy_at` in the past
        // deploys now, so that a freeze or a change in flight now cannot
        // be stepped around by dating the change earlier.
        let deploy_at = if deploy_at < context.now() {
            diagnostics.push(Diagnostic::new(
                Level::Warning,
                "deploy-in-past",
                format!(
                    "the change's deploy_at {deploy_at} is before the context's now {}; its deploy window starts \
                     now",
                    context.now()
                ),
            ));
            context.now()
        } else {
            deploy_at
        };
        let window_seconds = i64::from(window_minutes).saturating_mul(60);
        let window_end = deploy_at.saturating_add_seconds(window_seconds);
        // A gate answers now, and cannot hold a deploy until a later
        // `deploy_at`: the span checked for freezes and changes in flight
        // runs from now to the end of the deploy window, so that dating a
        // change after a freeze (9999-12-30) does not step around it
        // (found by a fail-closed audit). Assessing again at deploy time
        // goes by that time alone.
        if deploy_at > context.now() {
            diagnostics.push(Diagnostic::new(
                Level::Warning,
                "deploy-later",
                format!(
                    "the change's deploy_at {deploy_at} is after the context's now {}: the gate cannot hold the \
                     deploy until then, so freezes and changes in flight from now until its deploy window ends \
                     ({window_end}) count. Assess again at deploy time to go by that time alone",
                    context.now()
                ),
            ));
        }
        let checked_from = context.now();
        if checked_from == Timestamp::LATEST {
            // The deploy window would be empty, and a freeze "until
            // forever" (held at the same instant) would not hold in it.
            diagnostics.push(Diagnostic::new(
                Level::Error,
                "now-out-of-range",
                format!(
                    "now ({checked_from}) is the latest instant blastgate holds, where a deploy window cannot \
                     open; give the real time of the deploy"
                ),
            ));
        }

        // The changed and affected nodes (disjoint, each list ascending)
        // are read in place: a radius can hold most of the graph, and the
        // counterfactuals gather again from the same radius.
        let node = |i: u32| graph.node(i);
        let in_reach = |i: u32| blast.changed().binary_search(&i).is_ok() || blast.is_affected(i);
        let changed_nodes = || blast.changed().iter().filter_map(|&i| node(i));
        let highest_tier = changed_nodes().map(|n| n.effective_tier()).chain(blast.highest_tier()).min();
        // Tier-0 nodes and journeys: the changed ones, then the affected
        // ones, counted from the radius's tallies. Affected nodes and
        // journeys are listed by id, so the first names overall are among
        // the changed ones and the first of each affected list.
        let changed_critical: Vec<&str> = changed_nodes()
            .filter(|n| n.effective_tier() == Tier::CRITICAL || n.kind() == NodeKind::Journey)
            .map(|n| n.id())
            .collect();
        let tier0 = blast.count_in_tier(Tier::CRITICAL);
        let critical_count =
            changed_critical.len() + tier0 + blast.journeys().iter().filter(|a| a.tier() != Tier::CRITICAL).count();
        let mut critical: Vec<String> = changed_critical
            .into_iter()
            .map(str::to_owned)
            .chain(
                blast
                    .affected()
                    .iter()
                    // Stops at the last one it needs: a radius without
                    // tier-0 nodes is not scanned at all.
                    .take_while({
                        let mut left = tier0.min(MAX_NAMED);
                        move |a| {
                            if left == 0 {
                                return false;
                            }
                            if a.tier() == Tier::CRITICAL {
                                left -= 1;
                            }
                            true
                        }
                    })
                    .filter(|a| a.tier() == Tier::CRITICAL)
                    .chain(blast.journeys().iter().take(MAX_NAMED))
                    .filter_map(|a| node(a.node()).map(|n| n.id().to_owned())),
            )
            .collect();
        critical.sort_unstable();
        critical.dedup();
        critical.truncate(MAX_NAMED);
        let mut journeys: Vec<Reached> = blast
            .journeys()
            .iter()
            .filter_map(|a| {
                node(a.node())
                    .map(|n| Reached { service: n.id().to_owned(), probability: round6(a.probability().get()) })
            })
            .chain(
                changed_nodes()
                    .filter(|n| n.kind() == NodeKind::Journey)
                    .map(|n| Reached { service: n.id().to_owned(), probability: 1.0 }),
            )
            .collect();
        journeys.sort_by(|a, b| a.service.cmp(&b.service));
        journeys.dedup_by(|a, b| a.service == b.service);
        let mut teams: Vec<&str> = changed_nodes().filter_map(|n| n.owner()).chain(blast.owners()).collect();
        teams.sort_unstable();
        teams.dedup();
        let teams: Vec<String> = teams.into_iter().map(str::to_owned).collect();

        // The services the change deploys that the graph lacks (accepted
        // with `--allow-unknown-services`, or named on its infrastructure):
        // an incident, error budget or change in flight naming one of them
        // applies to the change as on a changed node (found by a
        // fail-closed audit: a sev1 on the very service deployed went
        // `owner`, with a warning that it "cannot apply"). Matched as the
        // graph's ids are, also in another case or with spaces around.
        let mut deployed_unknown: Vec<String> = changeset
            .services
            .iter()
            .map(String::as_str)
            .chain(changeset.infrastructure.iter().filter(|r| !r.is_inert()).filter_map(|r| r.node.as_deref()))
            // A file's stated service too, as a named one (a red-team
            // finding: a sev1 on an unknown service met it only when the
            // change named it in `services`).
            .chain(changeset.files.iter().filter_map(|f| f.service.as_deref()))
            .filter(|s| graph.index_of(s).is_none())
            .map(folded)
            .collect();
        deployed_unknown.sort_unstable();
        deployed_unknown.dedup();
        let deploys =
            |service: &str| !deployed_unknown.is_empty() && deployed_unknown.binary_search(&folded(service)).is_ok();
        let reached = |service: &str| deploys(service) || engine.context_nodes(service).into_iter().any(in_reach);
        // An incident counts on a reached service, and on a service a
        // changed one calls directly: the change lands on a service the
        // incident already degrades (a decision audit: checkout's retry
        // settings changed during a payments sev1 went as on a calm day).
        // Found from the incident's dependents (reverse rows), so that the
        // forward rows are never made for it.
        let calls = |i: u32| graph.dependents_of(i).iter().any(|d| blast.changed().binary_search(d).is_ok());
        let concerned = |service: &str| {
            deploys(service) || engine.context_nodes(service).into_iter().any(|i| in_reach(i) || calls(i))
        };
        let mut incidents: Vec<&Incident> =
            context.incidents.iter().filter(|i| i.is_open_at(context.now()) && concerned(&i.service)).collect();
        // Lists from the context are sorted, so their order in the file
        // never shows in the output.
        // One entry listed twice as it is (one incident exported by two
        // feeds) counts once, as changes in flight alike do (red team 32:
        // it counted twice in the likelihood).
        incidents.sort_by(|a, b| {
            (&a.service, a.severity, a.since, &a.id, a.resolved_at, &a.title).cmp(&(
                &b.service,
                b.severity,
                b.since,
                &b.id,
                b.resolved_at,
                &b.title,
            ))
        });
        incidents.dedup_by(|a, b| a == b);
        let mut budgets: Vec<(String, f64)> = Vec::new();
        for b in &context.error_budgets {
            if reached(&b.service) && !budgets.iter().any(|(s, _)| *s == b.service) {
                budgets.push((b.service.clone(), context.error_budget(&b.service).unwrap_or(f64::NEG_INFINITY)));
            }
        }
        budgets.sort_by(|a, b| a.1.total_cmp(&b.1).then_with(|| a.0.cmp(&b.0)));

        // Entries that name a service the graph lacks can never apply: say
        // so, since a misspelt id silently disarms an incident, a budget
        // or a freeze.
        let in_window = |f: &&Freeze| f.start <= window_end && checked_from < f.end;
        // The services that freezes of listed services in the window name.
        let frozen_names = || {
            context
                .freezes
                .iter()
                .filter(in_window)
                .flat_map(|f| match &f.scope {
                    crate::context::FreezeScope::Services(s) => s.as_slice(),
                    _ => &[],
                })
                .map(String::as_str)
        };
        let mut strangers: Vec<&str> = context
            .incidents
            .iter()
            .filter(|i| i.is_open_at(context.now()))
            .map(|i| i.service.as_str())
            .chain(context.error_budgets.iter().map(|b| b.service.as_str()))
            .chain(frozen_names())
            // (A freeze to come, outside the window, is a warning now: a
            // typo in it would lift it once in force, a red team found it
            // said nothing.)
            .chain(
                context
                    .freezes
                    .iter()
                    .filter(|f| f.end > context.now())
                    .flat_map(|f| match &f.scope {
                        crate::context::FreezeScope::Services(s) => s.as_slice(),
                        _ => &[],
                    })
                    .map(String::as_str),
            )
            .collect();
        strangers.sort_unstable();
        strangers.dedup();
        strangers.retain(|s| !deploys(s));
        let mut ambiguous: Vec<(&str, Vec<u32>)> = Vec::new();
        // A component and the API it provides usually share a name (the
        // Backstage convention): a name covering both is no ambiguity worth
        // a warning. Two entities of one kind (namespaces) are.
        let kind_of = |i: u32| graph.id(i).and_then(|id| id.split_once(':')).map(|(k, _)| k.to_ascii_lowercase());
        let two_of_a_kind = |many: &[u32]| {
            let mut kinds: Vec<Option<String>> = many.iter().map(|&i| kind_of(i)).collect();
            kinds.sort_unstable();
            kinds.windows(2).any(|w| w.first() == w.get(1))
        };
        strangers.retain(|s| match engine.context_nodes(s).as_slice() {
            [] => true,
            [_] => false,
            many => {
                if two_of_a_kind(many) {
                    ambiguous.push((s, many.to_vec()));
                }
                false
            }
        });
        // Changes in flight name services too: a name that could mean
        // several nodes collides on each, and says so as the others do (a
        // changelog audit: no warning for `payments` in flight with
        // `Payments` and `payments` in the graph).
        let mut flying: Vec<&str> = context
            .in_flight_overlapping(checked_from, window_end)
            .flat_map(|c| c.services.iter().map(String::as_str))
            .filter(|s| !deploys(s) && ambiguous.iter().all(|(a, _)| a != s))
            .collect();
        flying.sort_unstable();
        flying.dedup();
        for s in flying {
            let many = engine.context_nodes(s);
            if two_of_a_kind(&many) {
                ambiguous.push((s, many));
            }
        }
        ambiguous.sort_by(|a, b| a.0.cmp(b.0));
        if let Some((first, nodes)) = ambiguous.first() {
            let ids: Vec<String> = nodes.iter().filter_map(|&i| graph.id(i)).map(str::to_owned).collect();
            let more = match ambiguous.len() {
                1 => String::new(),
                n => format!(" ({} more names are ambiguous too)", n - 1),
            };
            diagnostics.push(Diagnostic::new(
                Level::Warning,
                "ambiguous-context-service",
                format!(
                    "the context's `{}` could mean {}{more}: an incident, error budget, freeze or change in flight \
                     naming it applies to each. Name the one meant by its id",
                    first.escape_debug(),
                    name_list(&ids)
                ),
            ));
        }
        let mut unplaced: Vec<String> = resolved
            .unmapped_runtime_files
            .iter()
            .cloned()
            .chain(
                changeset
                    .infrastructure
                    .iter()
                    .filter(|r| !r.is_inert())
                    .filter(|r| r.node.as_deref().and_then(|n| graph.index_of(n)).is_none())
                    .map(|r| r.address.clone()),
            )
            // A named service the graph lacks (accepted with
            // `--allow-unknown-services`) deploys somewhere the graph does
            // not show: a typo of a tier-0 service must not reach nothing
            // and pass a freeze (found by a fail-closed audit).
            .chain(changeset.services.iter().filter(|s| graph.index_of(s).is_none()).cloned())
            // So does a file's stated service the graph lacks (red team
            // 32: stated on a file whose path a known node owns, it passed
            // a freeze of its own name, or of tier 0, with no word).
            .chain(
                changeset
                    .files
                    .iter()
                    .filter_map(|f| f.service.as_deref())
                    .filter(|s| graph.index_of(s).is_none())
                    .map(str::to_owned),
            )
            .collect();
        unplaced.sort_unstable();
        unplaced.dedup();
        // A name in an entry in force (an open incident of a severity an
        // enabled rule counts, a spent error budget, a freeze of listed
        // services overlapping the window) that names nothing is an error:
        // a typo there would lift a freeze or hide a sev1 and let the gate
        // pass (a newcomer audit: `paymnets` took `block` to `senior`, exit
        // 0). The gate stops until the context names the graph's ids.
        let counted = |i: &Incident| {
            engine.policy.rules.iter().any(|r| {
                r.enabled
                    && matches!(&r.check, RuleCheck::Incident { severity, .. } if i.severity.is_at_least(*severity))
            })
        };
        let mut armed: Vec<&str> = context
            .incidents
            .iter()
            .filter(|i| i.is_open_at(context.now()) && counted(i))
            .map(|i| i.service.as_str())
            .chain(
                context
                    .error_budgets
                    .iter()
                    .filter(|b| context.error_budget(&b.service).is_none_or(|r| r <= 0.0))
                    .map(|b| b.service.as_str()),
            )
            .chain(frozen_names())
            .filter(|s| strangers.binary_search(s).is_ok())
            .collect();
        armed.sort_unstable();
        armed.dedup();
        strangers.retain(|s| armed.binary_search(s).is_err());
        if !armed.is_empty() {
            let n = armed.len();
            let shown: Vec<String> = armed
                .iter()
                .take(5)
                .map(|s| {
                    let close = blastgate_change::resolve::close_ids(graph, s);
                    let hint = if close.is_empty() {
                        String::new()
                    } else {
                        let list: Vec<String> = close.iter().map(|c| format!("`{}`", c.escape_debug())).collect();
                        format!(" (did you mean {}?)", list.join(", "))
                    };
                    format!("`{}`{hint}", s.escape_debug())
                })
                .collect();
            diagnostics.push(Diagnostic::new(
                Level::Error,
                "unknown-context-service",
                format!(
                    "the context's open incidents, spent error budgets or freezes in force name {n} service(s) \
                     that neither the graph nor this change has: {}{}. Whether they concern this change cannot \
                     be told, and a misspelt id would lift a freeze or hide an incident, so the gate stops: name \
                     the services by the graph's ids (`blastgate graph check` lists them), or end the entry",
                    shown.join(", "),
                    if n > shown.len() { ", ..." } else { "" }
                ),
            ));
        }
        if !strangers.is_empty() {
            let n = strangers.len();
            let shown: Vec<String> = strangers.iter().take(5).map(|s| format!("`{}`", s.escape_debug())).collect();
            diagnostics.push(Diagnostic::new(
                Level::Warning,
                "unknown-context-service",
                format!(
                    "the context names {n} service(s) that neither the graph nor this change has ({}{}) in open \
                     incidents of a severity no enabled rule counts, error budgets not spent or freezes to come: \
                     they do not apply now, and would stop the gate once in force. Check the ids against the graph",
                    shown.join(", "),
                    if n > shown.len() { ", ..." } else { "" }
                ),
            ));
        }
        let mut freezes = Vec::new();
        // The nodes a scope of tiers (or `all`) covers, made once a scope:
        // made again for each freeze, as strings, 100 freezes of `all` on a
        // radius of 200,000 nodes took 47 s and 2.2 GB, and 1,000 an
        // allocation abort (a fail-closed audit).
        let mut by_tiers: [Option<Covered>; 16] = Default::default();
        for f in context.freezes.iter().filter(in_window) {
            // Stopped at the work budget, which escalates (below).
            if work.exceeded {
                break;
            }
            // A scope of services is looked up node by node (its list can be
            // long and the radius huge: a scan of one per node of the other
            // took minutes); the others are checked on every reached node.
            // Both are charged to the work budget.
            let covered: Covered = match &f.scope {
                crate::context::FreezeScope::Services(services) => {
                    work.charge(services.len() as u64);
                    let reached = |i: &u32| blast.is_affected(*i) || blast.changed().binary_search(i).is_ok();
                    let mut nodes: Vec<u32> =
                        services.iter().flat_map(|s| engine.context_nodes(s)).filter(reached).collect();
                    nodes.sort_unstable();
                    nodes.dedup();
                    nodes.into()
                }
                scope => {
                    // A node of no stated tier is covered by every scope of
                    // tiers (fail closed), so `all` is every tier.
                    let tiers = match scope {
                        crate::context::FreezeScope::Tiers(tiers) => {
                            tiers.iter().fold(0usize, |mask, t| mask | 1 << (t.level() & 3))
                        }
                        _ => 0b1111,
                    };
                    if let Some(Some(made)) = by_tiers.get(tiers) {
                        Arc::clone(made)
                    } else {
                        work.charge((blast.affected().len() + blast.changed().len()) as u64);
                        let made: Covered = ascending_reach(blast)
                            .filter(|&i| node(i).is_some_and(|n| f.covers(n.id(), n.tier())))
                            .collect();
                        if let Some(slot) = by_tiers.get_mut(tiers) {
                            *slot = Some(Arc::clone(&made));
                        }
                        made
                    }
                }
            };
            if !covered.is_empty() || !unplaced.is_empty() {
                freezes.push((f, covered));
            }
        }
        // By every field of the freeze: two may share a name and a window
        // (two calendars exporting one freeze) and differ in scope or
        // `allow`, and their order in the file must not show (found by a
        // determinism audit).
        freezes.sort_by(|(a, ca), (b, cb)| {
            freeze_order(a, b).then_with(|| if Arc::ptr_eq(ca, cb) { std::cmp::Ordering::Equal } else { ca.cmp(cb) })
        });

        let mut collisions = Vec::new();
        let self_entries =
            context.in_flight.iter().filter(|o| context.change_id.as_deref() == Some(o.id.as_str())).count();
        // Services of changes in flight the graph lacks: one warning for
        // all of them, as for the context's other entries (one a service
        // made a 2.5 MB answer of 10,000 in-flight entries).
        let mut unknown_in_flight: Vec<String> = Vec::new();
        // This change's reach as one bit a node, made for the first change
        // in flight whose reach is compared with it: a lookup a node of
        // theirs, where a search in the affected list each took 10,000
        // changes in flight 30 s (red team 32).
        let mut reach_bits: Option<Vec<u64>> = None;
        let in_id_order = graph.numbered_in_id_order();
        for other in context.in_flight_overlapping(checked_from, window_end) {
            let mut theirs = Vec::new();
            // The services it deploys that this change deploys too but the
            // graph lacks: a collision there, as on a changed node.
            let mut ours: Vec<String> = Vec::new();
            for s in &other.services {
                if deploys(s) {
                    ours.push(blastgate_graph::shorten(s));
                }
                match engine.context_nodes(s).as_slice() {
                    [] if deploys(s) => {}
                    [] => unknown_in_flight.push(format!(
                        "`{}` (in `{}`)",
                        blastgate_graph::shorten(s).escape_debug(),
                        blastgate_graph::shorten(&other.id).escape_debug()
                    )),
                    nodes => theirs.extend_from_slice(nodes),
                }
            }
            // The change itself, already registered as in flight, does not
            // collide with itself: the entry the context's `change_id`
            // names. A changeset's own id is its author's claim, so an
            // entry that only shares it counts, with a warning (naming an
            // in-flight deploy of the same services would otherwise hide
            // the worst collision).
            // Only one entry can be the change: when several share the id
            // (two deploy feeds numbering alike), none is skipped.
            if context.change_id.as_deref() == Some(other.id.as_str()) {
                if self_entries == 1 {
                    continue;
                }
                diagnostics.push(Diagnostic::new(
                    Level::Warning,
                    "in-flight-same-id",
                    format!(
                        "{self_entries} in-flight changes have the id `{}` that the context's `change_id` names as \
                         this change's own deploy; which one it is cannot be told, so each is checked for \
                         collisions as another change. Give in-flight changes distinct ids",
                        other.id
                    ),
                ));
            } else if other.id == changeset.id {
                diagnostics.push(Diagnostic::new(
                    Level::Warning,
                    "in-flight-same-id",
                    format!(
                        "in-flight change `{}` has this changeset's id, which is its author's to choose; it is \
                         checked for collisions as another change. If it is this change's own deploy, the \
                         context says so with `change_id`",
                        other.id
                    ),
                ));
            }
            if work.exceeded {
                break;
            }
            // Each change in flight's radius is found once an assessment,
            // and charged to every decision that reads it, as if found
            // again (a complexity audit: the change, each counterfactual
            // and each part of a split searched them all again).
            let (their_reach, edges) = in_flight_radii.reach(engine, theirs);
            work.charge(edges);
            // The shared nodes as numbers, and only the first MAX_NAMED by
            // id as names: two radii of most of a large graph share hundreds
            // of thousands of nodes, and a string for each (21 MB and a
            // fifth of a second per change in flight on 200,000 services,
            // found by a fail-closed audit) bought a message that names 20.
            // (`their_reach` is ascending, so `shared` is too.)
            let bits = reach_bits.get_or_insert_with(|| {
                node_bits(blast.changed().iter().copied().chain(blast.affected_nodes()), graph.node_count())
            });
            // (Nodes numbered in id order, as every built or loaded graph's
            // are, need only the first; else the ranks of the ids, which
            // order as the ids do without comparing strings: a fifth of the
            // time of 3,000 changes in flight went to comparing ids.)
            let mut shared: Vec<u32> = Vec::new();
            let mut total = 0usize;
            their_reach.for_each_shared(bits, |i| {
                total += 1;
                if !in_id_order || shared.len() < MAX_NAMED {
                    shared.push(i);
                }
            });
            if shared.len() > MAX_NAMED {
                let by_id = |a: &u32, b: &u32| graph.id_rank(*a).cmp(&graph.id_rank(*b));
                shared.select_nth_unstable_by(MAX_NAMED - 1, by_id);
                shared.truncate(MAX_NAMED);
            }
            let mut names: Vec<String> = shared.iter().filter_map(|&i| node(i).map(|n| n.id().to_owned())).collect();
            ours.sort_unstable();
            ours.dedup();
            let total = total.saturating_add(ours.len());
            names.extend(ours);
            names.sort_unstable();
            names.truncate(MAX_NAMED);
            // What the change deploys that no graph node places may run
            // anywhere, this change's radius included: its reach is
            // unknown, not empty, as for a freeze (an in-flight audit: code
            // moved to a path no service owns avoided every collision).
            if total > 0 || !unplaced.is_empty() {
                collisions.push((other, Shared { names, total }));
            }
        }
        // By every field that shows: two entries may share an id and a
        // window (two deploy feeds numbering alike), and their order in
        // the file must not show either (found by a determinism audit).
        collisions.sort_by(|(a, sa), (b, sb)| (&a.id, a.start, a.end, sa).cmp(&(&b.id, b.start, b.end, sb)));
        // An entry repeated exactly (id, window and services: one deploy
        // that two feeds export) is one change, counted once (an in-flight
        // audit: three copies raised the likelihood and the depth).
        fn service_set(o: &crate::context::InFlight) -> Vec<&str> {
            let mut s: Vec<&str> = o.services.iter().map(String::as_str).collect();
            s.sort_unstable();
            s.dedup();
            s
        }
        collisions.dedup_by(|(a, _), (b, _)| {
            (&a.id, a.start, a.end) == (&b.id, b.start, b.end) && service_set(a) == service_set(b)
        });
        if !unknown_in_flight.is_empty() {
            unknown_in_flight.sort_unstable();
            unknown_in_flight.dedup();
            diagnostics.push(Diagnostic::new(
                Level::Warning,
                "unknown-in-flight-service",
                format!(
                    "changes in flight deploy {} service(s) that neither the graph nor this change has: {}; \
                     they cannot collide with this change there. Check the ids against the graph",
                    unknown_in_flight.len(),
                    name_list(&unknown_in_flight)
                ),
            ));
        }

        let mut exceptions = Vec::new();
        if changeset.fix == Some(true) {
            exceptions.push(Exception::Fix);
        }
        let labelled =
            |names: &[&str]| changeset.labels.iter().any(|l| names.iter().any(|n| l.eq_ignore_ascii_case(n)));
        if labelled(&["rollback", "revert"]) {
            exceptions.push(Exception::Rollback);
        }
        if labelled(&["security"]) {
            exceptions.push(Exception::Security);
        }
        let below_senior = engine.policy.seniority.is_below_senior(least_senior(engine, changeset).seniority);
        let declaration_asked = engine.policy.asks_ai_declaration();
        let ai = match changeset.provenance.ai {
            Some(stated) => stated,
            None if declaration_asked => AiInvolvement::Assisted,
            None => AiInvolvement::None,
        };
        let tests_in_place = changeset.safety.tests_changed != Some(true)
            || changeset.files.is_empty()
            || Self::tests_in_place(engine, changeset, resolved, diagnostics);
        let mut rollback_dropped: Vec<String> =
            diagnostics.iter().filter(|d| d.code.starts_with("rollback-claim-")).map(|d| d.code.clone()).collect();
        rollback_dropped.sort_unstable();
        rollback_dropped.dedup();

        Self {
            checked_from,
            window_end,
            highest_tier,
            critical,
            critical_count,
            journeys,
            teams,
            incidents,
            budgets,
            freezes,
            unplaced,
            collisions,
            exceptions,
            below_senior,
            ai,
            tests_in_place,
            rollback_dropped,
            freeze_finding: std::sync::OnceLock::new(),
        }
    }

    /// Whether the change's tests cover the code of every node it changes
    /// (`vet::untested_places`); a `tests-elsewhere` warning names the
    /// places they do not.
    fn tests_in_place(
        engine: &Engine,
        changeset: &Changeset,
        resolved: &ResolvedChange,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> bool {
        let places = vet::untested_places(&engine.classifier, &changeset.files, &resolved.ownership);
        if places.is_empty() {
            return true;
        }
        let named: Vec<String> = places.iter().flatten().cloned().collect();
        let mut whose = if named.is_empty() { String::new() } else { name_list(&named) };
        if places.contains(&None) {
            let unplaced = "code no graph node places";
            whose = if whose.is_empty() { unplaced.to_owned() } else { format!("{whose} and {unplaced}") };
        }
        diagnostics.push(Diagnostic::new(
            Level::Warning,
            "tests-elsewhere",
            format!(
                "the change's tests do not cover its code in {whose}: each service's code needs tests of its own \
                 (on the same service, or in a test folder no service claims), at least one line for every \
                 {} lines, and another service's tests do not count; the tests are not counted as lowering the \
                 risk. Test the code where it changes",
                vet::CODE_LINES_PER_TEST_LINE
            ),
        ));
        false
    }
}

/// The nodes two blast radii share: the first [`MAX_NAMED`] ids, ascending,
/// and how many there are.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Shared {
    /// The first ids, ascending.
    pub names: Vec<String>,
    /// How many nodes are shared.
    pub total: usize,
}

/// The changed and affected nodes of `blast`, ascending: a merge of the two
/// ascending, disjoint lists.
fn ascending_reach(blast: &BlastRadius) -> impl Iterator<Item = u32> + '_ {
    let mut changed = blast.changed().iter().copied().peekable();
    let mut affected = blast.affected_nodes().peekable();
    std::iter::from_fn(move || match (changed.peek(), affected.peek()) {
        (Some(&c), Some(&a)) if a < c => affected.next(),
        (Some(_), _) => changed.next(),
        (None, _) => affected.next(),
    })
}

/// Sorts diagnostics by level, code and message, and drops repeats: the
/// order an assessment lists them in.
/// The node kind a resource type names (`aws_db_instance`, `postgresql`,
/// `kafka`: datastore, queue, cache, or infrastructure for anything else),
/// by the words the destructive-change rules read in a type.
pub fn resource_type_kind(resource_type: &str) -> blastgate_graph::NodeKind {
    rules::guess_kind(resource_type)
}

/// How many warnings of one kind about a changeset's entries an
/// assessment quotes: a plan of 100,000 resources each contradicting its
/// path gave 100,000 warnings (30 MB of JSON; a Terraform audit).
const MAX_ENTRY_WARNINGS: usize = 20;

/// Pushes `warnings` as `id` warnings: every one when there are at most
/// [`MAX_ENTRY_WARNINGS`], else that many in sorted order (so which ones
/// does not depend on input order) and one more saying how many others
/// there are. The decision reads the change, not the warnings, so it is
/// the same either way.
fn push_capped(diagnostics: &mut Vec<Diagnostic>, id: &'static str, warnings: &[String]) {
    if warnings.len() <= MAX_ENTRY_WARNINGS {
        diagnostics.extend(warnings.iter().map(|w| Diagnostic::new(Level::Warning, id, w.clone())));
        return;
    }
    let (shown, more) = blastgate_graph::sample_warnings_up_to(warnings.to_vec(), MAX_ENTRY_WARNINGS);
    diagnostics.extend(shown.into_iter().map(|w| Diagnostic::new(Level::Warning, id, w)));
    if more > 0 {
        diagnostics.push(Diagnostic::new(
            Level::Warning,
            id,
            format!(
                "{more} more `{id}` warnings are not shown; `blastgate change show` with the same inputs lists \
                 every one"
            ),
        ));
    }
}

/// The `graph-warnings` warning for a graph built with `warnings`: a
/// dropped entity, a reference to nothing, a conflict between sources may
/// hide a dependency, and a gate that shows none of it decides on a graph
/// it never questioned. (A snapshot keeps its graph's warnings, so an
/// assessment on one carries them too.)
///
/// An assessment's bytes depend only on what its digest covers (a
/// determinism audit: the same graph gave other bytes when an edge list's
/// lines or a catalog's documents were in another order, or a file was
/// named `./a.edges` or by its absolute path). So each warning names its
/// file by its last component and its place without positions
/// ([`unpositioned`]), and the first three of them in sorted order are
/// shown; `blastgate graph check FILES` tells where each one is.
fn graph_note(warnings: &[blastgate_graph::Warning]) -> Option<Diagnostic> {
    warnings.first()?;
    let (mut shown, more) = blastgate_graph::sample_warnings(warnings.iter().map(portable_warning).collect());
    if more > 0 {
        shown.push(format!("and {more} more"));
    }
    Some(Diagnostic::new(
        Level::Warning,
        "graph-warnings",
        format!(
            "building the graph gave {} warning{}, which may hide or weaken dependencies: {}. Run `blastgate graph \
             check` on the same files to see where each one is, and fix them",
            warnings.len(),
            if warnings.len() == 1 { "" } else { "s" },
            shown.join("; ")
        ),
    ))
}

/// A graph warning as an assessment shows it: `FILE: PLACE: MESSAGE`
/// with the file's last path component and [`unpositioned`] place, the
/// values escaped as [`blastgate_graph::Warning`]'s `Display` escapes
/// them.
fn portable_warning(w: &blastgate_graph::Warning) -> String {
    let last = |path: &str| path.rsplit(['/', '\\']).find(|part| !part.is_empty()).unwrap_or(path).to_owned();
    let file = last(w.file());
    let place = unpositioned(w.place());
    // A merge conflict names the other file too, as it was given (a docs
    // audit: `(the other: ./graph.yaml)` and the absolute path gave other
    // bytes under the same digest): by its last component as well.
    let message =
        match w.message().rsplit_once(" (the other: ").and_then(|(head, tail)| Some((head, tail.strip_suffix(')')?))) {
            Some((head, other)) => format!("{head} (the other: {})", last(other)),
            None => w.message().to_owned(),
        };
    blastgate_graph::Warning::new(&file, place, message).to_string()
}

/// A warning's place without what depends on where an entry is in its
/// file rather than what it says: `line 4`, `column 2`, `document 11`,
/// `item 3` are left out (`document 11 (component:default/web),
/// spec.dependsOn` becomes `component:default/web, spec.dependsOn`) and
/// JSON array indexes become `[*]` (`$.dependencies[7].dependent` becomes
/// `$.dependencies[*].dependent`).
fn unpositioned(place: &str) -> String {
    const POSITIONS: [&str; 8] = ["line", "column", "document", "item", "byte", "entry", "record", "row"];
    let mut parts: Vec<String> = Vec::new();
    for part in place.split(", ") {
        let mut rest = part.trim();
        if let Some((word, after)) = rest.split_once(' ')
            && POSITIONS.contains(&word)
        {
            let digits = after.len() - after.trim_start_matches(|c: char| c.is_ascii_digit()).len();
            if digits > 0 {
                rest = after.get(digits..).unwrap_or_default().trim();
            }
        }
        if let Some(inner) = rest.strip_prefix('(').and_then(|r| r.strip_suffix(')')) {
            rest = inner;
        }
        if !rest.is_empty() {
            parts.push(without_indexes(rest));
        }
    }
    parts.join(", ")
}

/// `text` with every `[DIGITS]` written `[*]`.
fn without_indexes(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('[') {
        let (before, from) = rest.split_at(at);
        out.push_str(before);
        let inner = from.get(1..).unwrap_or_default();
        let digits = inner.len() - inner.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        if digits > 0 && inner.get(digits..).is_some_and(|r| r.starts_with(']')) {
            out.push_str("[*]");
            rest = inner.get(digits + 1..).unwrap_or_default();
        } else {
            out.push('[');
            rest = inner;
        }
    }
    out.push_str(rest);
    out
}

/// The least senior of the people who made a change ([`least_senior`]).
#[derive(Debug, Clone, Copy)]
pub(crate) struct LeastSenior<'a> {
    /// The contributor's id, or `None` for the author.
    pub contributor: Option<&'a str>,
    /// Their seniority as the vetted changeset states it.
    pub seniority: Option<&'a str>,
}

/// The least senior of the author and the contributors of `changeset`
/// (vetted: levels from the context's people list when it has one): an
/// absent level or one off the policy's scale is the lowest (fail closed);
/// the author on a tie, then the contributor with the smallest id. A senior's commit on
/// top of a junior's AI-assisted ones must not make the change a senior's
/// (an audit).
pub(crate) fn least_senior<'a>(engine: &Engine, changeset: &'a Changeset) -> LeastSenior<'a> {
    let scale = &engine.policy.seniority;
    let rank = |level: Option<&str>| level.and_then(|l| scale.rank(l));
    let mut least = LeastSenior { contributor: None, seniority: changeset.author.seniority.as_deref() };
    let mut least_rank = rank(least.seniority);
    for c in &changeset.contributors {
        let r = rank(c.seniority.as_deref());
        // On a tie the author, else the smallest id: the contributor named
        // must not depend on the order of the list (a determinism audit).
        let smaller_id = least.contributor.is_some_and(|id| c.id.as_str() < id);
        if r < least_rank || (r == least_rank && smaller_id) {
            least = LeastSenior { contributor: Some(c.id.as_str()), seniority: c.seniority.as_deref() };
            least_rank = r;
        }
    }
    least
}

/// Everyone who may not approve `changeset`: its author and its
/// contributors, the empty ids left out, sorted and deduplicated with
/// ASCII case ignored (the author's spelling kept, else the smallest).
pub(crate) fn excluded_people(changeset: &Changeset, context: &Context) -> Vec<String> {
    // The author first, then the contributors in sorted order: of two
    // spellings of one person (`Amy`, `amy`) the one kept does not depend
    // on the order the changeset lists them in (a determinism audit).
    let mut contributors: Vec<&str> = changeset.contributors.iter().map(|c| c.id.as_str()).collect();
    contributors.sort_unstable();
    let ids = std::iter::once(changeset.author.id.as_str()).chain(contributors);
    let mut by_key: std::collections::BTreeMap<String, String> = Default::default();
    // One look-up table, not a scan of the people per person of the change.
    let people = context.people_by_id();
    // An id written as a commit trailer writes a person (`Alice
    // <alice@acme.com>`) is the person at that address too (a red team:
    // the whole text was read as an address, so `alice`, asked as the
    // owner, could approve her own change).
    let ids = ids.flat_map(|id| {
        let address = blastgate_change::address_of(id);
        std::iter::once(id).chain((address != id.trim()).then_some(address))
    });
    for id in ids.map(str::trim).filter(|id| !id.is_empty()) {
        // Every id the people list gives the person (their login beside
        // the commit email a change names them by): none of them approves
        // (a red-team pass: the author, named by an alias, was asked as
        // the code owner `@sjones`).
        // Found by the id as given, or by the forms a code host or a
        // catalog writes for the same person (`@alice`, `user:default/alice`,
        // `alice+wip@acme.com`, a no-reply address): excluding one person
        // too many only asks someone else (a red-team pass: the author as
        // `12345+alice@users.noreply.github.com` kept alice's alias
        // `asmith` among the code owners asked).
        let found: Vec<&crate::context::Person> =
            person_keys(id).iter().filter_map(|k| people.get(k.as_str()).copied()).collect();
        let aliases = found.into_iter().flat_map(|p| std::iter::once(&p.id).chain(&p.aliases));
        for id in std::iter::once(id).chain(aliases.map(|a| a.trim())).filter(|a| !a.is_empty()) {
            by_key.entry(id.to_ascii_lowercase()).or_insert_with(|| id.to_owned());
            // The names an email gives (its local part, the part before a
            // `+` tag, a no-reply address's login) are the person too, as
            // the owners asked already take them: a gate checking logins
            // against this list let `jkim`, a co-author known only as
            // `98765+jkim@users.noreply.github.com`, approve (an approvals
            // audit).
            // (Not of `Name <address>`, whose address is read on its own.)
            let names = if id.contains('<') { None } else { plan::email_names(id) };
            for name in names.unwrap_or_default() {
                by_key.entry(name.to_ascii_lowercase()).or_insert_with(|| name.to_owned());
            }
            // And the login a code host's `@alice` or a catalog's
            // `user:default/alice` names, as the owners asked take it (a
            // red team: the author `@alice` was known as the owner alice,
            // and `alice` was not on the list).
            if let Some(login) = bare_login(id) {
                by_key.entry(login.to_ascii_lowercase()).or_insert_with(|| login.to_owned());
            }
        }
    }
    by_key.into_values().collect()
}

/// The login in `@alice` or `user:NAMESPACE/alice` (`user:alice`), if
/// `id` is written so.
fn bare_login(id: &str) -> Option<&str> {
    let at = id.strip_prefix('@');
    let rest = at.unwrap_or(id);
    let user = rest.get(..5).filter(|p| p.eq_ignore_ascii_case("user:")).and_then(|_| rest.get(5..));
    let login = match user {
        Some(user) => user.rsplit('/').next().unwrap_or(user),
        None => at?,
    };
    Some(login.trim()).filter(|l| !l.is_empty())
}

/// The lower-case keys a person's id may be listed under: the id, without
/// a leading `@` or a `user:NAMESPACE/` prefix, and for an email the part
/// before a `+` tag and the login of a GitHub no-reply address
/// (`12345+alice@users.noreply.github.com`), with the domain.
fn person_keys(id: &str) -> Vec<String> {
    let id = id.trim().to_ascii_lowercase();
    let mut keys = vec![id.clone()];
    let bare = id.strip_prefix('@').unwrap_or(&id);
    let bare = match bare.strip_prefix("user:") {
        Some(user) => user.rsplit('/').next().unwrap_or(user),
        None => bare,
    };
    keys.push(bare.to_owned());
    if let Some((local, domain)) = bare.rsplit_once('@') {
        if domain == "users.noreply.github.com" {
            let login = local.split_once('+').map_or(local, |(_, login)| login);
            keys.push(login.to_owned());
        } else if let Some((name, _)) = local.split_once('+') {
            keys.push(format!("{name}@{domain}"));
        }
    }
    keys.sort_unstable();
    keys.dedup();
    keys
}

/// At most [`MAX_NAMED`] names joined with commas, then how many more.
pub(crate) fn name_list(names: &[String]) -> String {
    name_list_of(names, names.len())
}

/// [`name_list`] of the first of `total` names.
pub(crate) fn name_list_of(names: &[String], total: usize) -> String {
    let shown: Vec<&str> = names.iter().take(MAX_NAMED).map(String::as_str).collect();
    let more = total.saturating_sub(shown.len());
    if more > 0 { format!("{} and {more} more", shown.join(", ")) } else { shown.join(", ") }
}

/// The union of the nodes `sets` cover (each a freeze's [`Covered`]),
/// ascending. Freezes of one scope share a list, which is read once.
fn covered_union<'a>(sets: impl IntoIterator<Item = &'a Covered>) -> Cow<'a, [u32]> {
    let mut seen = std::collections::BTreeSet::new();
    let distinct: Vec<&Covered> =
        sets.into_iter().filter(|c| seen.insert(Arc::as_ptr(c).cast::<u32>() as usize)).collect();
    match distinct.as_slice() {
        [] => Cow::Borrowed(&[]),
        [one] => Cow::Borrowed(one),
        many => {
            let mut all: Vec<u32> = many.iter().flat_map(|c| c.iter().copied()).collect();
            all.sort_unstable();
            all.dedup();
            Cow::Owned(all)
        }
    }
}

/// The union of the nodes `sets` cover ([`covered_union`]): its first
/// [`MAX_NAMED`] ids and its size.
pub(crate) fn covered_names<'a>(
    graph: &FrozenGraph,
    sets: impl IntoIterator<Item = &'a Covered>,
) -> (Vec<String>, usize) {
    let union = covered_union(sets);
    let names = union.iter().take(MAX_NAMED).filter_map(|&i| graph.node(i)).map(|n| n.id().to_owned()).collect();
    (names, union.len())
}

/// The nodes without a recorded tier among the union of `sets` (freezes
/// of tiers' [`Covered`], [`covered_union`]): the first [`MAX_NAMED`] ids
/// in id order, and how many. Only the ids named are sorted (a complexity
/// audit: a copy of every covered node's id for every freeze, sorted, took
/// 23 GB for 2,500 freezes over a million untiered nodes).
pub(crate) fn untiered_names<'a>(
    graph: &FrozenGraph,
    sets: impl IntoIterator<Item = &'a Covered>,
) -> (Vec<String>, usize) {
    let nodes = covered_union(sets);
    let mut ids: Vec<&str> =
        nodes.iter().filter_map(|&i| graph.node(i)).filter(|n| n.tier().is_none()).map(|n| n.id()).collect();
    let total = ids.len();
    if ids.len() > MAX_NAMED {
        ids.select_nth_unstable(MAX_NAMED);
        ids.truncate(MAX_NAMED);
    }
    ids.sort_unstable();
    (ids.into_iter().map(str::to_owned).collect(), total)
}

/// The first [`MAX_NAMED`] names.
pub(crate) fn bounded(mut names: Vec<String>) -> Vec<String> {
    names.truncate(MAX_NAMED);
    names
}

/// A total order of freezes over every field: name, window, scope and
/// `allow` (lists compared sorted, since their order means nothing).
fn freeze_order(a: &Freeze, b: &Freeze) -> std::cmp::Ordering {
    use crate::context::FreezeScope;
    fn scope(s: &FreezeScope) -> (u8, Vec<&str>, Vec<Tier>) {
        match s {
            FreezeScope::All => (0, Vec::new(), Vec::new()),
            FreezeScope::Services(v) => {
                let mut v: Vec<&str> = v.iter().map(String::as_str).collect();
                v.sort_unstable();
                (1, v, Vec::new())
            }
            FreezeScope::Tiers(t) => {
                let mut t = t.clone();
                t.sort_unstable();
                (2, Vec::new(), t)
            }
        }
    }
    let allow = |f: &Freeze| {
        let mut v = f.allow.clone();
        v.sort_unstable();
        v
    };
    (&a.name, a.start, a.end)
        .cmp(&(&b.name, b.start, b.end))
        .then_with(|| scope(&a.scope).cmp(&scope(&b.scope)))
        .then_with(|| allow(a).cmp(&allow(b)))
}

/// `name` as a context entry is matched against a service the change
/// deploys that the graph lacks: its plain name (a catalog ref's
/// `kind:` and `namespace/` taken off, as context entries find catalog
/// entities by their plain name), trimmed, in lower case. More matches,
/// not fewer: `component:ledger`, `component:default/ledger` and
/// `ledger` are one service here (a red-team pass: a sev1 on `ledger`
/// missed a change deploying `component:ledger`).
fn folded(name: &str) -> String {
    let name = name.trim();
    let name = name.split_once(':').map_or(name, |(_, rest)| rest);
    let name = name.rsplit_once('/').map_or(name, |(_, rest)| rest);
    name.trim().to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use blastgate_graph::Warning;

    use super::{graph_note, person_keys, shown_in_band, unpositioned};

    #[test]
    fn the_summary_never_shows_a_number_of_another_band() {
        let cuts = [2.0, 10.0, 50.0];
        assert_eq!(shown_in_band(5.25, 1, &cuts, 1), "5.2");
        assert_eq!(shown_in_band(1.9999994, 1, &cuts, 0), "1.999999");
        assert_eq!(shown_in_band(1.94, 1, &cuts, 0), "1.9");
        let cuts = [0.05, 0.15, 0.35];
        assert_eq!(shown_in_band(0.0499994, 3, &cuts, 0), "0.049999");
        assert_eq!(shown_in_band(0.2, 3, &cuts, 2), "0.200");
    }

    #[test]
    fn a_person_is_looked_up_by_the_forms_code_hosts_write() {
        assert!(person_keys("@Alice").contains(&"alice".to_owned()));
        assert!(person_keys("user:default/alice").contains(&"alice".to_owned()));
        assert!(person_keys("12345+alice@users.noreply.github.com").contains(&"alice".to_owned()));
        assert!(person_keys("alice+wip@acme.com").contains(&"alice@acme.com".to_owned()));
        assert_eq!(person_keys("bob@acme.com"), ["bob@acme.com"]);
    }

    #[test]
    fn places_lose_their_positions() {
        assert_eq!(unpositioned("line 4"), "");
        assert_eq!(unpositioned("line 4, column 2"), "");
        assert_eq!(
            unpositioned("document 11 (component:default/web), spec.dependsOn"),
            "component:default/web, spec.dependsOn"
        );
        assert_eq!(unpositioned("document 3, item 2"), "");
        assert_eq!(unpositioned("$.dependencies[7].dependent"), "$.dependencies[*].dependent");
        assert_eq!(unpositioned("$.data.result[12].values[3][1]"), "$.data.result[*].values[*][*]");
        assert_eq!(unpositioned("node `a[b]`, lines of text"), "node `a[b]`, lines of text");
        assert_eq!(unpositioned(""), "");
    }

    /// The same graph warnings, whatever the order of the lines or
    /// documents that gave them and however the file was named, give the
    /// same diagnostic (a determinism audit).
    #[test]
    fn the_graph_note_names_files_and_places_alike() {
        let first = [
            Warning::new("./dir/a.edges", "line 2", "self-loop dropped: `cart`"),
            Warning::new("./dir/a.edges", "line 5", "self-loop dropped: `web`"),
        ];
        let second = [
            Warning::new("/abs/a.edges", "line 1", "self-loop dropped: `web`"),
            Warning::new("/abs/a.edges", "line 9", "self-loop dropped: `cart`"),
        ];
        let (a, b) = (graph_note(&first).map(|d| d.message), graph_note(&second).map(|d| d.message));
        assert_eq!(a, b);
        let a = a.unwrap_or_default();
        assert!(a.contains("a.edges: self-loop dropped: `cart`; a.edges: self-loop dropped: `web`"), "{a}");
        assert!(!a.contains("line") && !a.contains("dir"), "{a}");
    }
}
