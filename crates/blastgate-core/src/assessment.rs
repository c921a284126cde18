//! What an assessment says: the decision, the risk behind it, and every
//! reason, in a shape that serialises to the documented JSON envelope
//! (`docs/schema/assessment.schema.json`).
//!
//! Every list is sorted and every float is finite and rounded to six
//! decimals, so the same inputs give the same bytes.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::context::Timestamp;
use crate::depth::ReviewDepth;

/// The version of the assessment document's shape. A change that removes
/// or renames a key bumps it.
pub const SCHEMA_VERSION: &str = "blastgate.dev/assessment/v1";

/// The engine's version, carried in every assessment.
pub const ENGINE_VERSION: &str = env!("CARGO_PKG_VERSION");

/// The revision of the engine's decision logic, carried in every
/// assessment as `versions.engine_revision`.
///
/// It rises by one with every change to the engine that decides some
/// input differently under the same policy (a depth, an approval, a fired
/// rule or the rollout), released or not, so that two audit records with
/// the same engine version and the same revision were decided by the same
/// logic. The decision ledger test (`tests/data/decision-ledger.txt` in
/// the facade crate) holds it to that: it records every decision case's
/// decision and fails when one changes while this number and the default
/// policy's version stay put.
pub const ENGINE_REVISION: u32 = 102;

/// An assessment: how much review a change needs, and why.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
#[non_exhaustive]
pub struct Assessment {
    /// The document's shape version ([`SCHEMA_VERSION`]).
    pub schema_version: String,
    /// The changeset's id.
    pub change_id: String,
    /// The decision: review depth and approvals.
    pub decision: Decision,
    /// Likelihood, impact and score.
    pub risk: Risk,
    /// Who the change affects.
    pub blast_radius: RadiusReport,
    /// Each likelihood factor's contribution, the intercept first, then by
    /// absolute contribution (largest first), then id.
    pub factors: Vec<Factor>,
    /// The hard rules that fired, by id.
    pub rules: Vec<FiredRule>,
    /// How to roll the change out.
    pub rollout: RolloutPlan,
    /// What would lower the depth, each checked by re-running the engine.
    pub counterfactuals: Vec<Counterfactual>,
    /// Errors, warnings and notes met while assessing. Any error has
    /// escalated the depth to the policy's error depth.
    pub diagnostics: Vec<Diagnostic>,
    /// Engine, model and policy versions.
    pub versions: Versions,
    /// `sha256:` and the hex SHA-256 of the canonical inputs (graph,
    /// changeset, context, policy, options): equal digests, equal inputs.
    pub input_digest: String,
    /// What the gate that asked did with the decision, when it says
    /// ([`Assessment::gate_at`]; the `blastgate assess` command always
    /// does): the depth at which it stops a change and whether it stopped
    /// this one. Absent from the engine's own assessments. Not part of
    /// the input digest, which covers what the decision was made from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gate: Option<Gate>,
}

/// What a gate did with an assessment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[non_exhaustive]
pub struct Gate {
    /// The depth from which the gate stops a change (`--fail-at`).
    pub fail_at: ReviewDepth,
    /// Whether it stopped this one: the depth is at least `fail_at`, or the
    /// assessment met an error (a gate never passes on an error).
    pub stops: bool,
}

impl Assessment {
    /// Records that a gate stopping changes from `fail_at` on asked, and
    /// returns whether it stops this one (the depth is at least `fail_at`,
    /// or the assessment met an error).
    pub fn gate_at(&mut self, fail_at: ReviewDepth) -> bool {
        let stops = self.review_depth() >= fail_at || self.has_errors();
        self.gate = Some(Gate { fail_at, stops });
        stops
    }

    /// Adds diagnostics found outside the engine (a caller's input
    /// warnings, notes on the clock) and keeps the list as the engine
    /// leaves it: sorted by level, code and message, each once, whatever
    /// the order they come in (docs/model.md, "Determinism and audit").
    /// Pushing onto `diagnostics` directly would leave them out of that
    /// order.
    ///
    /// The decision stays the engine's: an error added here does not raise
    /// [`Self::review_depth`] (only the engine's own errors do, to the
    /// policy's error depth, with approvals to match). It does stop a gate:
    /// [`Self::gate_at`] stops on any error, whatever the depth, so a gate
    /// that adds errors of its own decides with `gate_at`, not with the
    /// depth alone (an embedder audit found the depth read after an added
    /// error: `owner`, where the gate must stop). A gate recorded by
    /// `gate_at` before the error was added is updated: it stops.
    ///
    /// # Example
    /// ```
    /// # fn demo(mut assessment: blastgate_core::Assessment) {
    /// # use blastgate_core::assessment::{Diagnostic, Level};
    ///
    /// assessment.add_diagnostics([Diagnostic::new(Level::Warning, "input", "c.json: a note")]);
    /// let keys: Vec<_> = assessment.diagnostics.iter().map(|d| (d.level, &d.code, &d.message)).collect();
    /// assert!(keys.is_sorted());
    /// # }
    /// ```
    pub fn add_diagnostics(&mut self, diagnostics: impl IntoIterator<Item = Diagnostic>) {
        self.diagnostics.extend(diagnostics);
        sort_diagnostics(&mut self.diagnostics);
        // A gate already recorded stops on an error added after it: the
        // record must not say the gate let through an assessment that now
        // holds an error (an embedder audit: `gate.stops` stayed false).
        let errors = self.has_errors();
        if let Some(gate) = &mut self.gate {
            gate.stops |= errors;
        }
    }

    /// The review depth decided.
    pub fn review_depth(&self) -> ReviewDepth {
        self.decision.review_depth
    }

    /// Whether any diagnostic is an error. An error the engine met raised
    /// the depth to at least the policy's error depth; one added with
    /// [`Self::add_diagnostics`] did not, and [`Self::gate_at`] stops on
    /// either.
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(|d| d.level == Level::Error)
    }

    /// The ids of the rules that fired.
    pub fn fired_rule_ids(&self) -> impl Iterator<Item = &str> {
        self.rules.iter().map(|r| r.id.as_str())
    }

    /// The first number that is not finite, by its place in the JSON
    /// document (`risk.likelihood`), if any. The engine never makes one; a
    /// writer checks this so that a NaN can never become a silent `null`.
    pub fn non_finite_number(&self) -> Option<String> {
        let r = &self.risk;
        let mut numbers: Vec<(String, f64)> = vec![
            ("risk.likelihood".into(), r.likelihood),
            ("risk.log_odds".into(), r.log_odds),
            ("risk.impact".into(), r.impact),
            ("risk.score".into(), r.score),
            ("blast_radius.weighted_impact".into(), self.blast_radius.weighted_impact),
        ];
        numbers.extend(r.journeys.iter().map(|j| (format!("risk.journeys.{}", j.service), j.probability)));
        for f in &self.factors {
            for (k, v) in [
                ("value", f.value),
                ("weight", f.weight),
                ("contribution", f.contribution),
                ("likelihood_delta", f.likelihood_delta),
                ("score_delta", f.score_delta),
            ] {
                numbers.push((format!("factors.{}.{k}", f.id), v));
            }
        }
        let b = &self.blast_radius;
        numbers.extend(b.affected.iter().map(|a| (format!("blast_radius.affected.{}", a.service), a.probability)));
        numbers.extend(b.journeys.iter().map(|j| (format!("blast_radius.journeys.{}", j.service), j.probability)));
        numbers.extend(b.evidence.iter().map(|e| (format!("blast_radius.evidence.{}", e.target), e.probability)));
        numbers.extend(self.rollout.watch.iter().map(|w| (format!("rollout.watch.{}", w.service), w.probability)));
        numbers.extend(self.counterfactuals.iter().map(|c| (format!("counterfactuals.{}", c.id), c.likelihood)));
        numbers.into_iter().find(|(_, v)| !v.is_finite()).map(|(k, _)| k)
    }
}

/// The decision.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
#[non_exhaustive]
pub struct Decision {
    /// How much review the change needs.
    pub review_depth: ReviewDepth,
    /// The depth the likelihood x impact matrix gave, before hard rules
    /// and escalation.
    pub matrix_depth: ReviewDepth,
    /// Who must approve. Empty for `auto`.
    pub required_approvals: Vec<Approval>,
    /// Who can never count toward an approval.
    pub separation_of_duties: SeparationOfDuties,
    /// One line: the depth and its main reasons.
    pub summary: String,
    /// For `block`: how to deploy anyway (docs/model.md, "Break glass").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub break_glass: Option<String>,
    /// The deploy window the decision holds for: freezes and changes in
    /// flight were checked for a deploy in it, and nowhere else. A deploy
    /// tool deploys within it, or assesses again.
    pub deploy_window: DeployWindow,
}

/// A deploy window: from `start` (included) to `end` (excluded).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[non_exhaustive]
pub struct DeployWindow {
    /// The instant assessed at (the context's `now`): the span checked for
    /// freezes and changes in flight starts there, whatever `deploy_at`
    /// says.
    pub start: Timestamp,
    /// The end of the deploy's window (`deploy_at`, else `now`, plus the
    /// policy's `deploy.window_minutes`), or of the mandated rollout when
    /// that takes longer. The decision holds for a deploy that starts at
    /// `start` and has finished its rollout by `end`; it is not a window
    /// in which to start one.
    pub end: Timestamp,
}

/// One approval requirement: `count` distinct people in `role`, from one
/// of `teams` (any team when empty), at least `min_seniority`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[non_exhaustive]
pub struct Approval {
    /// What the approver stands for.
    pub role: ApprovalRole,
    /// How many distinct approvers.
    pub count: u32,
    /// Teams the approvers must belong to (any one of them); empty: any.
    pub teams: Vec<String>,
    /// The least seniority an approver must have, from the policy's scale.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_seniority: Option<String>,
    /// Why this approval is needed.
    pub reason: String,
}

/// The role of an approver.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ApprovalRole {
    /// Any engineer but the author.
    Peer,
    /// An owner of a changed service.
    Owner,
    /// A senior engineer from an owning or impacted team.
    Senior,
    /// An owner of an impacted tier-0 service or journey.
    CriticalOwner,
    /// Whoever may break the glass on a `block` (docs/model.md).
    BreakGlass,
}

impl ApprovalRole {
    /// The name as written in JSON (`critical_owner`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Peer => "peer",
            Self::Owner => "owner",
            Self::Senior => "senior",
            Self::CriticalOwner => "critical_owner",
            Self::BreakGlass => "break_glass",
        }
    }
}

/// Separation of duties: who never counts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[non_exhaustive]
pub struct SeparationOfDuties {
    /// The author, who never counts toward any approval (empty when the
    /// change names none: a `no-author` warning says so).
    pub excluded_author: String,
    /// Everyone who never counts toward any approval: the author and the
    /// change's contributors (the other commits' authors and co-authors),
    /// sorted and deduplicated with ASCII case ignored. A superset of
    /// `excluded_author`: check approvers against this list.
    pub excluded: Vec<String>,
    /// Always true: an AI reviewer never counts toward a human
    /// requirement.
    pub humans_only: bool,
    /// The least number of distinct people the approvals need in all.
    pub distinct_approvers: u32,
}

/// A band of likelihood or impact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Band {
    /// Below the first cut point.
    Low,
    /// From the first cut point.
    Medium,
    /// From the second.
    High,
    /// From the third.
    VeryHigh,
}

impl Band {
    /// The band of index 0 to 3 (anything above 3 is very high).
    pub fn from_index(index: usize) -> Self {
        match index {
            0 => Self::Low,
            1 => Self::Medium,
            2 => Self::High,
            _ => Self::VeryHigh,
        }
    }

    /// The name as written in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Low => "low",
            Self::Medium => "medium",
            Self::High => "high",
            Self::VeryHigh => "very_high",
        }
    }
}

/// The risk: likelihood x impact.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
#[non_exhaustive]
pub struct Risk {
    /// The probability that the change causes an incident, 0 to 1.
    pub likelihood: f64,
    /// The log-odds behind it: the intercept plus every factor's
    /// contribution.
    pub log_odds: f64,
    /// The criticality-weighted impact: the changed nodes' weights plus
    /// each affected node's probability times its weight.
    pub impact: f64,
    /// `likelihood * impact`: the expected criticality-weighted impact.
    pub score: f64,
    /// The likelihood's band.
    pub likelihood_band: Band,
    /// The impact's band.
    pub impact_band: Band,
    /// The most critical tier among changed and affected nodes (0 is
    /// the most critical).
    pub highest_tier: Option<u8>,
    /// Journeys reached, with their probabilities, sorted by id (at most
    /// the policy's `limits.max_listed_affected`).
    pub journeys: Vec<Reached>,
    /// How many journeys are reached in all.
    pub journey_count: usize,
    /// Teams owning changed or affected nodes, sorted (at most the policy's
    /// `limits.max_listed_affected`).
    pub teams: Vec<String>,
    /// How many teams in all.
    pub team_count: usize,
}

/// A node reached, with the probability a failure propagates to it.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
#[non_exhaustive]
pub struct Reached {
    /// Node id.
    pub service: String,
    /// Propagation probability (1 for a changed node).
    pub probability: f64,
}

/// One likelihood factor.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
#[non_exhaustive]
pub struct Factor {
    /// The feature id (`log_lines_added`), or `intercept`.
    pub id: String,
    /// The feature's value for this change.
    pub value: f64,
    /// The model's weight.
    pub weight: f64,
    /// `weight * value`, in log-odds; for a calibrated shape
    /// (`shape:<metric>`, `weight` 1), the shape's log-odds at `value`.
    pub contribution: f64,
    /// How much the likelihood would drop (negative: rise) without this
    /// factor: `likelihood - sigmoid(log_odds - contribution)`.
    pub likelihood_delta: f64,
    /// The same in the final score: `likelihood_delta * impact`.
    pub score_delta: f64,
    /// What the feature measures, for people.
    pub description: String,
}

/// A hard rule that fired.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[non_exhaustive]
pub struct FiredRule {
    /// The rule's id in the policy.
    pub id: String,
    /// The least depth the rule asks for.
    pub min_depth: ReviewDepth,
    /// What fired it, for this change.
    pub message: String,
    /// Why the rule exists (from the policy).
    pub reason: String,
    /// The services concerned, sorted (at most 20).
    pub services: Vec<String>,
}

/// How to roll out.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
#[non_exhaustive]
pub struct RolloutPlan {
    /// The strategy.
    pub strategy: RolloutStrategy,
    /// Whether the strategy is required (a rule or the depth demands it)
    /// rather than advised.
    pub mandatory: bool,
    /// Steps: share of traffic, cells or regions, and how long to watch
    /// before the next.
    pub steps: Vec<RolloutStep>,
    /// The services to watch at each step: those the change deploys
    /// (probability 1, the most critical first, at most 5), then the
    /// downstream services most probably affected and critical first; at
    /// most 10 in all.
    pub watch: Vec<Watch>,
    /// Why this strategy.
    pub reason: String,
    /// What the steps cannot stage: a destroyed or replaced resource, a
    /// schema migration, a change stated irreversible happens once, for
    /// every user, whatever share of traffic a step names. Apply each on its
    /// own (before or after the staged code, as the change needs), after a
    /// verified backup or final snapshot, with the owners watching. At most
    /// 20 entries, the last counting the rest; absent when there is none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_staged: Vec<String>,
}

/// A rollout strategy, from least to most careful.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum RolloutStrategy {
    /// Everything at once.
    AllAtOnce,
    /// A canary, then widening steps.
    Canary,
    /// Staged by cell or region, with bake time between stages.
    Staged,
    /// Do not deploy (the depth is `block`).
    DoNotDeploy,
}

/// A rollout step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[non_exhaustive]
pub struct RolloutStep {
    /// Share of traffic (or of cells) after this step, in percent.
    pub percent: u32,
    /// Minutes to watch before the next step.
    pub bake_minutes: u32,
}

/// A service to watch during rollout.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
#[non_exhaustive]
pub struct Watch {
    /// Node id.
    pub service: String,
    /// Propagation probability.
    pub probability: f64,
    /// Tier.
    pub tier: u8,
    /// Owning team.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
}

/// A counterfactual: a change to the change, and the depth the engine gives
/// it.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
#[non_exhaustive]
pub struct Counterfactual {
    /// A stable id (`add-rollback-plan`, `split-per-service`,
    /// `senior-co-author`, `wait-for-freeze-end`, `wait-for-in-flight`,
    /// `add-tests`, `declare-ai`).
    pub id: String,
    /// What to do, for people.
    pub action: String,
    /// The depth after it.
    pub review_depth: ReviewDepth,
    /// Whether that is lower than the assessed depth.
    pub lowers: bool,
    /// The likelihood after it.
    pub likelihood: f64,
}

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// Something failed; the depth escalated to the policy's error depth.
    Error,
    /// Accepted, but worth a look.
    Warning,
    /// For the record.
    Note,
}

/// Sorts diagnostics by level, code and message, and drops repeats: the
/// one order of an assessment's `diagnostics`.
pub(crate) fn sort_diagnostics(diagnostics: &mut Vec<Diagnostic>) {
    diagnostics.sort_by(|a, b| {
        (a.level, &a.code, &a.message, &a.input, &a.place, &a.value)
            .cmp(&(b.level, &b.code, &b.message, &b.input, &b.place, &b.value))
    });
    diagnostics.dedup();
}

/// A diagnostic.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[non_exhaustive]
pub struct Diagnostic {
    /// Error, warning or note.
    pub level: Level,
    /// A stable code (`unknown-service`, `empty-change`, ...; see
    /// docs/model.md).
    pub code: String,
    /// What happened and how to fix it.
    pub message: String,
    /// The input the diagnostic is about, when it is about one place in
    /// one input, as the message names it: the changeset by
    /// [`AssessOptions::changeset_name`](crate::engine::AssessOptions::changeset_name)
    /// (the CLI says `` change `ID` ``, so that the answer does not depend
    /// on the folder a file was named from), the context as `context`.
    /// Absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub input: Option<String>,
    /// Where in that input: a JSON path (`$.files[0].added`), or the list
    /// an entry is in and the entry (`services`, `` file `src/a.go` ``).
    /// Absent when the diagnostic names no place.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub place: Option<String>,
    /// The offending value as the input wrote it (long values shortened),
    /// such as the unknown service id. Absent when there is none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
}

impl Diagnostic {
    /// A diagnostic. Control characters in `message` (from a file path,
    /// say) are written as escapes (`\u{a}`): a message is one line in
    /// every output, and a line break from an input must not start a line
    /// of its own in a log.
    pub fn new(level: Level, code: &str, message: impl Into<String>) -> Self {
        let message = message.into();
        let message = if message.chars().any(char::is_control) {
            message
                .chars()
                .map(|c| if c.is_control() { c.escape_unicode().to_string() } else { c.to_string() })
                .collect()
        } else {
            message
        };
        Self { level, code: code.to_owned(), message, input: None, place: None, value: None }
    }

    /// This diagnostic with the input, place and value it is about; empty
    /// parts stay absent. Control characters are escaped as in messages.
    #[must_use]
    pub fn at(mut self, input: &str, place: &str, value: &str) -> Self {
        let part = |text: &str| {
            (!text.is_empty()).then(|| {
                text.chars()
                    .map(|c| if c.is_control() { c.escape_unicode().to_string() } else { c.to_string() })
                    .collect()
            })
        };
        self.input = part(input);
        self.place = part(place);
        self.value = part(value);
        self
    }

    /// This diagnostic with the input (the error's file), place and value
    /// of `error` (none for a limit error, whose message names them).
    #[must_use]
    pub fn at_error(self, error: &blastgate_change::ChangeError) -> Self {
        match error.detail() {
            Some(d) => self.at(d.file(), d.place(), d.value()),
            None => self,
        }
    }
}

/// Versions of what decided.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[non_exhaustive]
pub struct Versions {
    /// The engine (this crate's version).
    pub engine: String,
    /// The revision of the engine's decision logic ([`ENGINE_REVISION`]):
    /// it rises whenever the engine would decide some input differently
    /// under the same policy, between releases too.
    pub engine_revision: u32,
    /// The likelihood model's version (from the policy).
    pub model: String,
    /// The policy's version.
    pub policy: String,
    /// `sha256:` and the hex SHA-256 of the policy's canonical JSON
    /// ([`crate::Policy::digest`]): a version is a name its author gives
    /// and may keep while changing a number, the digest tells two
    /// policies apart.
    pub policy_digest: String,
}

/// The blast radius as reported: the same keys as `blastgate radius
/// --format json`, with the affected list bounded.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
#[non_exhaustive]
pub struct RadiusReport {
    /// Changed nodes, sorted.
    pub changed: Vec<String>,
    /// Affected nodes listed: the most critical first (weight x
    /// probability, then id), at most the policy's `max_listed_affected`.
    pub affected: Vec<AffectedNode>,
    /// How many nodes are affected in all.
    pub affected_count: usize,
    /// How many affected nodes are not listed.
    pub affected_not_listed: usize,
    /// Affected nodes per tier (`"0"` to `"3"`).
    pub by_tier: BTreeMap<String, usize>,
    /// The most critical tier affected.
    pub highest_tier: Option<u8>,
    /// Sum over affected nodes of probability x weight.
    pub weighted_impact: f64,
    /// Largest hop distance.
    pub max_distance: u32,
    /// Journeys reached, sorted by id (at most the policy's
    /// `limits.max_listed_affected`).
    pub journeys: Vec<JourneyReached>,
    /// How many journeys are reached in all.
    pub journey_count: usize,
    /// Owners of affected nodes, sorted (at most the policy's
    /// `limits.max_listed_affected`).
    pub owners: Vec<String>,
    /// How many owners in all.
    pub owner_count: usize,
    /// Evidence paths to the most critical affected nodes.
    pub evidence: Vec<EvidencePath>,
}

/// One affected node.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
#[non_exhaustive]
pub struct AffectedNode {
    /// Node id.
    pub service: String,
    /// Hops from the nearest changed node.
    pub distance: u32,
    /// Probability that a failure propagates to it (most probable path).
    pub probability: f64,
    /// That path, changed node first. A path of more than
    /// [`MAX_PATH_NODES`] nodes keeps its first and last halves; the
    /// nodes left out between them are counted in `path_omitted`.
    pub path: Vec<String>,
    /// Nodes of the path left out between its two halves (0 when whole).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub path_omitted: usize,
    /// Tier, 0 to 3.
    pub tier: u8,
    /// Node kind.
    pub kind: String,
    /// Owning team.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
}

/// A journey reached.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
#[non_exhaustive]
pub struct JourneyReached {
    /// Journey id.
    pub service: String,
    /// Propagation probability.
    pub probability: f64,
    /// Hops.
    pub distance: u32,
}

/// An evidence path.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
#[non_exhaustive]
pub struct EvidencePath {
    /// The critical node reached.
    pub target: String,
    /// Its tier.
    pub tier: u8,
    /// Propagation probability along the path.
    pub probability: f64,
    /// The path, changed node first, bounded as in [`AffectedNode::path`].
    pub path: Vec<String>,
    /// Nodes of the path left out between its two halves (0 when whole).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub path_omitted: usize,
}

/// Most nodes of a path an assessment lists (first and last halves of a
/// longer one): a chain of a million services must not make a million-entry
/// path.
pub const MAX_PATH_NODES: usize = 20;

#[allow(clippy::trivially_copy_pass_by_ref, reason = "serde's skip_serializing_if passes a reference")]
fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// Rounds to six decimals; a non-finite value stays as it is for the caller
/// to catch (the engine never emits one).
pub(crate) fn round6(x: f64) -> f64 {
    // From 1e9 up a float's spacing is within a factor of ten of 1e-6
    // already, and scaling by 1e6 could overflow to infinity.
    if !x.is_finite() || x.abs() >= 1e9 {
        return x;
    }
    // `+ 0.0` turns a -0 (a negative weight times a zero feature) into 0,
    // which JSON shows as `0.0`, not `-0.0` (a determinism audit).
    (x * 1e6).round() / 1e6 + 0.0
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "test code: a panic is a failed test")]

    use super::ApprovalRole;

    #[test]
    fn role_names_are_the_json_names() {
        use ApprovalRole::*;
        for role in [Peer, Owner, Senior, CriticalOwner, BreakGlass] {
            assert_eq!(serde_json::to_value(role).unwrap(), role.as_str());
        }
    }
}
