//! The policy: everything an organisation tunes about how blastgate decides,
//! as data (TOML), versioned on its own and validated with clear errors.
//! A documented default policy is embedded ([`DEFAULT_POLICY`]).
//!
//! The likelihood model is part of the policy as a data structure (an
//! intercept and named feature weights), so a calibration run can replace
//! it without code changes.

use std::collections::BTreeMap;

use blastgate_change::AiInvolvement;
use blastgate_change::pathmatch::{PathMatcher, PathMatcherBuilder};
use serde::{Deserialize, Serialize};

use crate::depth::ReviewDepth;

mod exact;

/// The default policy, TOML. Read it for the documented defaults.
pub const DEFAULT_POLICY: &str = include_str!("policy/default.toml");

/// The only policy format this version reads.
pub const POLICY_FORMAT: &str = "blastgate.dev/v1";

/// Largest policy file, in bytes (`max_policy_bytes`). The default policy
/// is about 8 KiB and one at the count limits below well under 4 MiB;
/// parsing TOML takes memory and time in proportion to the file.
pub const MAX_POLICY_BYTES: u64 = 4 << 20;

/// Most `[[rule]]` entries in one policy (`max_policy_rules`). Default
/// policies have about ten; the limit bounds validation and the per-change
/// rule pass.
pub const MAX_RULES: usize = 4096;

/// Most levels on one seniority scale (`max_seniority_levels`). Career
/// ladders have about ten.
pub const MAX_SENIORITY_LEVELS: usize = 1024;

/// Most points in one shape of the likelihood model
/// (`likelihood.shapes.<metric>.values`, `max_shape_points`). `blastgate
/// calibrate` writes about eight; a shape of 420,000 points made a
/// backtest take minutes (a red-team finding).
pub const MAX_SHAPE_POINTS: usize = 1024;

/// Longest text in a policy, in bytes (`max_string_bytes`): versions, rule
/// ids and reasons, seniority levels, tier names, the model's source and
/// its shapes' descriptions. Each reaches every answer (a 2 MB rule id
/// made a `rules` step output past what a CI platform takes: a red-team
/// finding).
pub const MAX_POLICY_STRING_BYTES: usize = 4096;

/// A policy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    /// Must be `blastgate.dev/v1`.
    pub format: String,
    /// The policy's own version, carried in every assessment
    /// (`2026.11.0`, or whatever your organisation uses).
    pub version: String,
    /// The author seniority scale.
    pub seniority: SeniorityPolicy,
    /// Weights of tiers in the criticality-weighted impact.
    pub tiers: TierPolicy,
    /// The likelihood model.
    pub likelihood: LikelihoodModel,
    /// Band thresholds for likelihood and impact.
    pub bands: Bands,
    /// Review depth by likelihood band (rows, low to very high) and impact
    /// band (columns, low to very high). Rows and columns must not decrease.
    #[serde(deserialize_with = "exact::matrix")]
    pub matrix: [[ReviewDepth; 4]; 4],
    /// The depth any error, limit hit or non-finite number escalates to: at
    /// least `peer` and at least the matrix's highest depth (validated).
    #[serde(default = "default_error_depth")]
    pub error_depth: ReviewDepth,
    /// The hard rules: each can only raise the depth. Required: a policy
    /// that leaves them out (an older copy of the default cut short, say)
    /// would switch off every freeze, incident and collision check without
    /// a word; a policy without rules says so with `rule = []`.
    #[serde(rename = "rule")]
    pub rules: Vec<Rule>,
    /// Output and work limits.
    #[serde(default)]
    pub limits: PolicyLimits,
    /// Deploy timing.
    #[serde(default)]
    pub deploy: DeployPolicy,
}

/// Deploy timing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DeployPolicy {
    /// How long a deploy is assumed to take, in minutes, from the change's
    /// `deploy_at` (or the context's `now`): freezes and changes in flight
    /// that overlap this window count (default 60).
    pub window_minutes: u32,
}

impl Default for DeployPolicy {
    fn default() -> Self {
        Self { window_minutes: 60 }
    }
}

fn default_error_depth() -> ReviewDepth {
    ReviewDepth::Block
}

/// The seniority scale: names from least to most senior.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SeniorityPolicy {
    /// Levels, least senior first (default `junior`, `mid`, `senior`,
    /// `staff`, `principal`).
    pub scale: Vec<String>,
    /// The least level that counts as a senior engineer for `senior`
    /// reviews and for the AI rule.
    pub senior: String,
}

impl SeniorityPolicy {
    /// The rank of a level on the scale (0 = least senior).
    pub fn rank(&self, level: &str) -> Option<usize> {
        self.scale.iter().position(|s| s.eq_ignore_ascii_case(level))
    }

    /// Whether `level` is below the senior threshold. An unknown or absent
    /// level is below it (fail closed).
    pub fn is_below_senior(&self, level: Option<&str>) -> bool {
        match (level.and_then(|l| self.rank(l)), self.rank(&self.senior)) {
            (Some(r), Some(s)) => r < s,
            _ => true,
        }
    }
}

/// Tier names and weights.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TierPolicy {
    /// Weight of tiers 0 to 3 (default 8, 4, 2, 1).
    #[serde(deserialize_with = "exact::tier_weights")]
    pub weights: [f64; 4],
    /// What your organisation calls tiers 0 to 3, used in messages
    /// (default `critical`, `high`, `medium`, `low`).
    #[serde(default = "default_tier_names", deserialize_with = "exact::tier_names")]
    pub names: [String; 4],
}

fn default_tier_names() -> [String; 4] {
    ["critical", "high", "medium", "low"].map(str::to_owned)
}

impl TierPolicy {
    /// The name of tier `level` (0 to 3).
    pub fn name(&self, level: u8) -> &str {
        self.names.get(usize::from(level)).map_or("", String::as_str)
    }
}

/// An additive log-odds model: `logit p = intercept + sum_i w_i * f_i`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LikelihoodModel {
    /// The model's own version, carried in every assessment.
    pub version: String,
    /// Where the weights come from (a paper, a calibration run).
    #[serde(default)]
    pub source: String,
    /// The intercept `b`.
    pub intercept: f64,
    /// Weight per feature id (see docs/model.md for each feature).
    pub weights: BTreeMap<String, f64>,
    /// Shape functions by standard change metric (`la`, `nf`, `exp`, ...),
    /// as `blastgate calibrate` fits them: each adds its contribution at
    /// the change's value to the log-odds, in place of the metric's linear
    /// feature (which must then have no weight). Empty by default.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub shapes: BTreeMap<String, Shape>,
}

/// A shape function: the contribution to the log-odds at each of `values`
/// of a metric, linear in the metric's scale (`ln(1 + x)`, or `x` for
/// entropy and the fix flag) between them and flat outside them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Shape {
    /// What the metric is, for people.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// The scale, for people (`ln(1 + la)`); the engine knows each
    /// metric's scale.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub scale: String,
    /// Metric values, ascending.
    pub values: Vec<f64>,
    /// The contribution at each value.
    pub log_odds: Vec<f64>,
}

/// Band thresholds, ascending: three cut points make four bands (low,
/// medium, high, very high).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Bands {
    /// Likelihood cut points, each in (0, 1).
    #[serde(deserialize_with = "exact::likelihood_cuts")]
    pub likelihood: [f64; 3],
    /// Impact cut points (criticality-weighted impact), each > 0.
    #[serde(deserialize_with = "exact::impact_cuts")]
    pub impact: [f64; 3],
}

impl Bands {
    /// The names of the four bands, likelihood and impact alike, low to
    /// very high, as the CLI's `--impact-band` takes them and reports
    /// write them.
    pub const NAMES: [&'static str; 4] = ["low", "medium", "high", "very_high"];

    /// The name of band `band` (0 to 3; `?` past them).
    pub fn name(band: usize) -> &'static str {
        Self::NAMES.get(band).copied().unwrap_or("?")
    }

    /// The band (0 to 3) of `value` given ascending `cuts`: the number of
    /// cut points at or below it, or at or below the value as reports show
    /// it (rounded to 6 decimals). Edge probabilities are stored as `f32`,
    /// so an impact of exactly 10 over edges of 0.9 computes as 9.9999998:
    /// it shows as 10.0 and is in the band of 10 (a determinism audit found
    /// two reports of impact 10.0 in two bands). A NaN is the top band
    /// (fail closed).
    pub fn band(cuts: &[f64; 3], value: f64) -> usize {
        if value.is_nan() {
            return 3;
        }
        let shown = crate::assessment::round6(value);
        cuts.iter().filter(|c| value.total_cmp(c).is_ge() || shown.total_cmp(c).is_ge()).count()
    }

    /// `value` written with `decimals` decimals, or more (up to 6) when
    /// fewer would show a number of another band than `band`: what every
    /// report prints beside a band (a math audit: an impact of 1.9999994
    /// showed as "impact 2.0 (low)" beside a cut at 2; an explanations
    /// audit found the same in the CLI's risk line and table).
    pub fn shown(value: f64, decimals: usize, cuts: &[f64; 3], band: crate::assessment::Band) -> String {
        (decimals..=6)
            .map(|d| format!("{value:.d$}"))
            .find(|text| {
                text.parse::<f64>().is_ok_and(|v| crate::assessment::Band::from_index(Self::band(cuts, v)) == band)
            })
            .unwrap_or_else(|| format!("{value:.6}"))
    }
}

/// The largest log-odds (intercept, weight, shape point) a policy may state.
pub const MAX_LOG_ODDS: f64 = 1e6;

/// The largest tier weight a policy may state.
pub const MAX_TIER_WEIGHT: f64 = 1e9;

/// A hard rule: when it applies, the depth is at least `min_depth`.
///
/// Unknown keys are still errors: serde hands every key the rule itself does
/// not read to [`RuleCheck`], which denies unknown fields.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Rule {
    /// A stable id, reported when the rule fires.
    pub id: String,
    /// What the rule checks, and its parameters.
    #[serde(flatten)]
    pub check: RuleCheck,
    /// The least depth when it fires.
    pub min_depth: ReviewDepth,
    /// Whether the rule is on (default true).
    #[serde(default = "yes")]
    pub enabled: bool,
    /// Why the rule exists, shown when it fires.
    #[serde(default)]
    pub reason: String,
}

fn yes() -> bool {
    true
}

/// What a rule checks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "check", rename_all = "snake_case", deny_unknown_fields)]
pub enum RuleCheck {
    /// AI involvement at or above `ai` by an author below the senior level.
    AiBelowSenior {
        /// The least involvement that counts (`assisted`, `generated`,
        /// `agent`).
        ai: AiInvolvement,
    },
    /// The change does not state its AI involvement (not even `none`), and
    /// its author is below the senior level. For organisations that ask
    /// every change to declare its AI use: an undeclared change is held to
    /// what an AI change would need, so leaving the declaration out never
    /// gets a change through with less review than declaring it.
    #[serde(deserialize_with = "no_parameters")]
    AiUnstatedBelowSenior,
    /// A destructive infrastructure action (delete, replace, unknown) on a
    /// resource mapped to a node that something depends on.
    DestructiveInfrastructure {
        /// Only when the node is of one of these kinds (empty: any).
        #[serde(default)]
        node_kinds: Vec<blastgate_graph::NodeKind>,
        /// Only when the change was made by an autonomous agent.
        #[serde(default)]
        by_agent: bool,
        /// Only when the blast radius reaches tier 0 and there is no
        /// rollback plan.
        #[serde(default)]
        tier0_without_rollback: bool,
    },
    /// The blast radius reaches a tier-0 node or a journey.
    #[serde(deserialize_with = "no_parameters")]
    CriticalReach,
    /// A freeze in force covers an affected service, and the change is not
    /// of a kind the freeze allows.
    #[serde(deserialize_with = "no_parameters")]
    Freeze,
    /// An affected service's error budget is exhausted (remaining <= 0),
    /// and the change claims no exception in `allow`: the remediation an
    /// error-budget policy lets through.
    ErrorBudgetExhausted {
        /// Exceptions that let a change through a spent budget (`fix`,
        /// `rollback`, `security`). Left out, `["fix"]`: what the rule
        /// meant before the list existed, so that a policy written then
        /// decides as it did (an upgrade audit); `[]`, none do.
        #[serde(default = "fixes_only", skip_serializing_if = "is_fixes_only")]
        allow: Vec<crate::context::Exception>,
    },
    /// A freeze in force on an affected service, an affected service's
    /// exhausted error budget, or an open incident that an enabled incident
    /// rule with an `allow` list would stop it for, lets the change through
    /// only because it claims an exception (a fix, a rollback, a security
    /// fix). The claim is the author's; this rule has someone confirm it.
    #[serde(deserialize_with = "no_parameters")]
    Exception,
    /// An open incident of at least `severity` on an affected service,
    /// unless the change claims an exception in `allow` (a fix, a rollback
    /// or a security fix: the remediation an incident needs).
    Incident {
        /// The least severity that counts.
        severity: crate::context::Severity,
        /// Exceptions that let a change through (`fix`, `rollback`,
        /// `security`); empty, none do.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        allow: Vec<crate::context::Exception>,
    },
    /// Another change in flight whose blast radius overlaps this one's in
    /// the same window.
    #[serde(deserialize_with = "no_parameters")]
    Collision,
    /// The change states that it cannot be reverted without loss
    /// (`safety.reversible: false`: a dropped column, a destructive data
    /// migration): a rollback cannot undo it if it goes wrong.
    Irreversible {
        /// Only when the change was made by an autonomous agent.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        by_agent: bool,
        /// Only when the blast radius reaches tier 0 (the changed nodes
        /// included), or the change is placed on no node, so that its
        /// reach is unknown.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        reaches_tier0: bool,
    },
    /// The change turns off a guard against deletion
    /// (`files[].unguards`: `deletion_protection`, `prevent_destroy`,
    /// CloudFormation's `DeletionPolicy`, `skip_final_snapshot`, a
    /// volume's `Retain` reclaim policy): it destroys nothing yet, but the
    /// next change can.
    #[serde(deserialize_with = "no_parameters")]
    ProtectionRemoved,
    /// A changed file that is neither documentation nor a test maps to no
    /// graph node: the change deploys something the graph does not show
    /// (a shared library, a service missing from the graph), so its blast
    /// radius is unknown, not empty.
    #[serde(deserialize_with = "no_parameters")]
    UnmappedRuntimeFiles,
    /// The change edits how changes are built, checked, reviewed or
    /// deployed: a changed file, or the old path of a renamed one, matches
    /// one of `paths` (CI and CD definitions, CODEOWNERS, the gate's own
    /// inputs). Such a change acts on every change after it, and a CI job
    /// that runs the gate as the change under review defines it can be
    /// changed by that change itself.
    DeliveryControl {
        /// Patterns with CODEOWNERS' syntax and matching, from the
        /// repository's root: `Jenkinsfile` (no `/` but a trailing one:
        /// in any folder), `/ops/graph.yaml` and `.github/workflows/` (a
        /// `/` at the start or inside: from the root; a trailing `/`: the
        /// folder and everything below it), `*` within a folder name, `**`
        /// across folders; no `!` and no `[ ]`. At least one; at most
        /// [`MAX_CONTROL_PATHS`].
        paths: Vec<String>,
    },
}

/// Most patterns in one `delivery_control` rule's `paths`, and in all of a
/// policy's `delivery_control` rules together: each is compiled to a
/// matcher, and 4,000 rules of 50 patterns took 4 s to check and 18 s and
/// 1.1 GB to assess with (a red-team finding).
pub const MAX_CONTROL_PATHS: usize = 1000;

/// Most wildcards (`*`, `?`) in one pattern of a `delivery_control` rule,
/// as in a CODEOWNERS file.
pub const MAX_CONTROL_PATH_WILDCARDS: usize = 32;

/// Longest pattern of a `delivery_control` rule, in bytes.
pub const MAX_CONTROL_PATH_BYTES: usize = 4096;

/// The matcher of a `delivery_control` rule's `paths`, or the first
/// pattern's problem (its index and a message).
pub(crate) fn control_matcher(paths: &[String]) -> Result<PathMatcher, (usize, String)> {
    if paths.is_empty() {
        return Err((
            0,
            "no patterns: a rule without paths would never fire; give at least one, or `enabled = false`".into(),
        ));
    }
    if paths.len() > MAX_CONTROL_PATHS {
        return Err((
            MAX_CONTROL_PATHS,
            format!("limit `max_control_paths` exceeded: {} > {MAX_CONTROL_PATHS}", paths.len()),
        ));
    }
    let mut builder = PathMatcherBuilder::new().named("the policy's control paths");
    for (j, pattern) in paths.iter().enumerate() {
        let shown = || blastgate_graph::shown(&blastgate_graph::shorten(pattern)).to_string();
        let wildcards = pattern.chars().filter(|c| matches!(c, '*' | '?')).count();
        let problem = if pattern.trim().is_empty() {
            Some("the pattern is empty".to_owned())
        } else if pattern.chars().any(blastgate_graph::is_hidden) {
            Some(format!("`{}` contains a control character or a hidden one", shown()))
        } else if pattern.len() > MAX_CONTROL_PATH_BYTES {
            Some(format!("limit `max_string_bytes` exceeded: {} > {MAX_CONTROL_PATH_BYTES}", pattern.len()))
        } else if wildcards > MAX_CONTROL_PATH_WILDCARDS {
            Some(format!(
                "`{}`: limit `max_pattern_wildcards` exceeded: {wildcards} > {MAX_CONTROL_PATH_WILDCARDS}",
                shown()
            ))
        } else if pattern.starts_with('!') {
            Some(format!("`{}`: negation with `!` is not supported (list the paths that count)", shown()))
        } else if pattern.contains(['[', ']', '\\']) {
            Some(format!("`{}`: `[ ]` and `\\` are not supported (as in CODEOWNERS)", shown()))
        } else if pattern.trim() != pattern {
            Some(format!("`{}`: spaces around the pattern would have to be in the path", shown()))
        } else if pattern == "/" || pattern.contains("//") {
            Some(format!("`{}` never matches a file (an empty folder name)", shown()))
        } else if pattern.split('/').any(|folder| folder == "." || folder == "..") {
            // Changed paths are written from the repository's root, with
            // no `.` or `..` folder: `./ops/` matched nothing, and a change
            // to the gate's own policy passed under owner review (a
            // red-team finding). CODEOWNERS refuses them alike.
            Some(format!(
                "`{}` never matches a file: it has a `.` or `..` folder, which no path from the repository root \
                 has; write the path from the root{}",
                shown(),
                resolved_pattern(pattern).map(|p| format!(", as `{}`", blastgate_graph::shown(&p))).unwrap_or_default()
            ))
        } else {
            builder.add(j, pattern).err().map(|e| format!("`{}`: {e}", shown()))
        };
        if let Some(message) = problem {
            return Err((j, message));
        }
    }
    builder.build().map_err(|e| (0, format!("the patterns cannot be compiled together ({e})")))
}

/// `pattern` with its `.` folders dropped and each `..` taking the folder
/// before it away (`ops/./policy.toml` is `ops/policy.toml`), for an error
/// to suggest; `None` when a `..` would leave the root.
fn resolved_pattern(pattern: &str) -> Option<String> {
    let rooted = pattern.starts_with('/');
    let mut folders: Vec<&str> = Vec::new();
    for folder in pattern.split('/') {
        match folder {
            "." => {}
            ".." => {
                folders.pop().filter(|f| !f.is_empty())?;
            }
            other => folders.push(other),
        }
    }
    let joined = folders.join("/");
    let joined = joined.trim_start_matches('/');
    (!joined.is_empty()).then(|| if rooted { format!("/{joined}") } else { joined.to_owned() })
}

/// The keys of a rule whose check takes no parameters.
pub const RULE_FIELDS: [&str; 5] = ["id", "check", "min_depth", "enabled", "reason"];

/// `error_budget_exhausted`'s `allow` left out: fixes pass.
fn fixes_only() -> Vec<crate::context::Exception> {
    vec![crate::context::Exception::Fix]
}

/// Whether `allow` is what leaving it out means (not written, so that the
/// canonical form, and the digest, of a policy written before the list
/// existed stay as they were).
fn is_fixes_only(allow: &[crate::context::Exception]) -> bool {
    allow == [crate::context::Exception::Fix]
}

/// Reads the parameters of a check that takes none: there must be none.
///
/// serde ignores every key beside the tag of a unit variant, even with
/// `deny_unknown_fields`, so `enabeld = false` under `check = "freeze"`
/// was dropped while the same typo under `ai_below_senior` was an error.
/// Any key that reaches here is an unknown field, and the error lists the
/// keys such a rule has ([`RULE_FIELDS`]; serde's own error for a struct
/// without fields said "there are no fields", though the rule has five).
fn no_parameters<'de, D: serde::Deserializer<'de>>(d: D) -> Result<(), D::Error> {
    struct NoParameters;
    impl<'de> serde::de::Visitor<'de> for NoParameters {
        type Value = ();

        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a rule whose check takes no parameters")
        }

        fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
            match map.next_key::<String>()? {
                Some(key) => {
                    let fields: Vec<String> = RULE_FIELDS.iter().map(|f| format!("`{f}`")).collect();
                    Err(serde::de::Error::custom(format!(
                        "unknown field `{key}`, expected one of {} (this rule's check takes no parameters)",
                        fields.join(", ")
                    )))
                }
                None => Ok(()),
            }
        }

        fn visit_unit<E: serde::de::Error>(self) -> Result<(), E> {
            Ok(())
        }
    }
    d.deserialize_map(NoParameters)
}

/// Limits that bound output and work.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PolicyLimits {
    /// Most affected nodes listed in an assessment (the rest are counted).
    pub max_listed_affected: usize,
    /// Most graph edges one decision may traverse (the change's, and each
    /// counterfactual's) before the assessment stops and escalates to
    /// `error_depth`.
    pub work_budget: u64,
}

impl Default for PolicyLimits {
    fn default() -> Self {
        Self { max_listed_affected: 50, work_budget: 200_000_000 }
    }
}

/// A problem found by [`Policy::validate`]: where (a TOML path) and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyProblem {
    /// The path in the policy (`bands.likelihood`).
    pub place: String,
    /// What is wrong and how to fix it.
    pub message: String,
}

impl Policy {
    /// Whether the policy asks every change to declare its AI use (an
    /// enabled `ai_unstated_below_senior` rule): its likelihood then scores
    /// a change that states none as `assisted`, the least a declaration of
    /// AI help states, so that keeping quiet never scores below declaring.
    pub fn asks_ai_declaration(&self) -> bool {
        self.rules.iter().any(|r| r.enabled && matches!(r.check, RuleCheck::AiUnstatedBelowSenior))
    }

    /// Every text of the policy that reaches an answer or a report, with
    /// its place: versions, the model's source, shapes' descriptions and
    /// scales, seniority levels, tier names, rule ids and reasons. Each is
    /// held to [`MAX_POLICY_STRING_BYTES`] and refused with a control or
    /// hidden character ([`Policy::validate`]).
    pub fn texts(&self) -> Vec<(String, &str)> {
        let mut texts = vec![
            ("version".to_owned(), self.version.as_str()),
            ("likelihood.version".to_owned(), self.likelihood.version.as_str()),
            ("likelihood.source".to_owned(), self.likelihood.source.as_str()),
            ("seniority.senior".to_owned(), self.seniority.senior.as_str()),
        ];
        for (metric, shape) in &self.likelihood.shapes {
            texts.push((format!("likelihood.shapes.{metric}.description"), shape.description.as_str()));
            texts.push((format!("likelihood.shapes.{metric}.scale"), shape.scale.as_str()));
        }
        texts.extend(
            self.seniority.scale.iter().enumerate().map(|(i, l)| (format!("seniority.scale[{i}]"), l.as_str())),
        );
        texts.extend(self.tiers.names.iter().enumerate().map(|(t, n)| (format!("tiers.names[{t}]"), n.as_str())));
        for (i, rule) in self.rules.iter().enumerate() {
            texts.push((format!("rule[{i}].id"), rule.id.as_str()));
            texts.push((format!("rule[{i}].reason"), rule.reason.as_str()));
        }
        texts
    }

    /// The policy with every `-0.0` made `0.0`: the two decide alike, and a
    /// policy written with one must not give other bytes or another digest
    /// (a red-team finding: `entropy = -0.0` changed `policy_digest`, the
    /// input digest and a factor's `weight`). The readers apply it.
    #[must_use]
    pub fn without_negative_zeros(mut self) -> Self {
        let plain = |x: &mut f64| {
            if *x == 0.0 {
                *x = 0.0;
            }
        };
        plain(&mut self.likelihood.intercept);
        self.likelihood.weights.values_mut().for_each(plain);
        for shape in self.likelihood.shapes.values_mut() {
            shape.values.iter_mut().chain(shape.log_odds.iter_mut()).for_each(plain);
        }
        self.bands.likelihood.iter_mut().chain(self.bands.impact.iter_mut()).for_each(plain);
        self.tiers.weights.iter_mut().for_each(plain);
        self
    }

    /// `sha256:` and the hex SHA-256 of the policy's canonical JSON: every
    /// setting, rules in any order alike. Versions are names a policy's
    /// author gives (and may keep while changing a number); the digest is
    /// what tells two policies apart. Assessments carry it
    /// (`versions.policy_digest`), and a model file records the digest of
    /// the policy it was fitted over.
    pub fn digest(&self) -> String {
        crate::engine::digest::policy_digest_of(&crate::engine::digest::policy_canonical(self))
    }

    /// Checks what the types cannot: the format, a non-empty unique scale
    /// with the senior level on it, finite weights, ascending band cuts in
    /// range, a matrix that never decreases along rows or columns (so more
    /// likelihood or more impact never lowers the depth), unique rule ids,
    /// no control character in a name that reaches an output (rule ids,
    /// seniority levels, tier names, versions), and an `error_depth` that
    /// escalates (at least `peer` and the matrix's highest depth).
    ///
    /// # Errors
    /// The first problem found.
    pub fn validate(&self) -> Result<(), PolicyProblem> {
        let fail = |place: &str, message: String| Err(PolicyProblem { place: place.to_owned(), message });
        if self.format != POLICY_FORMAT {
            return fail(
                "format",
                format!("unsupported policy format `{}`; this version reads `{POLICY_FORMAT}`", self.format),
            );
        }
        if self.version.trim().is_empty() {
            return fail("version", "the policy version is empty; give it a version of its own".into());
        }
        check_name("version", "the policy version", &self.version)?;
        if self.likelihood.version.trim().is_empty() {
            // Outputs name the model that weighed the change: an empty one
            // leaves an audit only the digest to tell models apart.
            return fail(
                "likelihood.version",
                "the model version is empty; give the weights a version of their own".into(),
            );
        }
        check_name("likelihood.version", "the model version", &self.likelihood.version)?;
        let scale = &self.seniority.scale;
        if scale.is_empty() {
            return fail("seniority.scale", "the seniority scale is empty".into());
        }
        if scale.len() > MAX_SENIORITY_LEVELS {
            return fail(
                "seniority.scale",
                format!("limit `max_seniority_levels` exceeded: {} > {MAX_SENIORITY_LEVELS}", scale.len()),
            );
        }
        if self.rules.len() > MAX_RULES {
            return fail("rule", format!("limit `max_policy_rules` exceeded: {} > {MAX_RULES}", self.rules.len()));
        }
        // Every text one line of printable characters, of bounded length:
        // a reason with a line break forged a line of its own in SARIF
        // and step outputs, as an id's did before (a red-team finding).
        for (place, text) in self.texts() {
            if text.len() > MAX_POLICY_STRING_BYTES {
                return fail(
                    &place,
                    format!("limit `max_string_bytes` exceeded: {} > {MAX_POLICY_STRING_BYTES}", text.len()),
                );
            }
            check_name(&place, "the text", text)?;
        }
        for (i, level) in scale.iter().enumerate() {
            if level.trim().is_empty() {
                return fail(&format!("seniority.scale[{i}]"), "seniority level is empty".into());
            }
            check_name(&format!("seniority.scale[{i}]"), "seniority level", level)?;
        }
        if let Some(i) = first_duplicate(scale.iter().map(|level| level.to_ascii_lowercase())) {
            let level = scale.get(i).map_or("", String::as_str);
            return fail("seniority.scale", format!("`{level}` appears twice"));
        }
        if self.seniority.rank(&self.seniority.senior).is_none() {
            return fail("seniority.senior", format!("`{}` is not on the scale", self.seniority.senior));
        }
        for (t, name) in self.tiers.names.iter().enumerate() {
            check_name(&format!("tiers.names[{t}]"), "tier name", name)?;
            if name.trim().is_empty() || self.tiers.names.iter().skip(t + 1).any(|n| n == name) {
                return fail(
                    &format!("tiers.names[{t}]"),
                    format!("`{name}`: tier names must be non-empty and distinct"),
                );
            }
        }
        for (t, w) in self.tiers.weights.iter().enumerate() {
            // A weight near f64's range overflows the weighted impact (a
            // sum over the radius): every assessment would fail.
            if !(w.is_finite() && *w >= 0.0 && *w <= MAX_TIER_WEIGHT) {
                return fail(
                    &format!("tiers.weights[{t}]"),
                    format!("`{w}` is not a finite, non-negative weight of at most {MAX_TIER_WEIGHT}"),
                );
            }
        }
        // Tier 0 is the most critical: a weight that grows with the tier
        // number (the array written the wrong way round) would make a
        // change reaching tier 0 look safer than one reaching tier 3.
        for (t, pair) in self.tiers.weights.windows(2).enumerate() {
            if let [more_critical, less_critical] = pair
                && less_critical.total_cmp(more_critical).is_gt()
            {
                return fail(
                    &format!("tiers.weights[{}]", t + 1),
                    format!(
                        "`{less_critical}` is above tier {t}'s `{more_critical}`: weights must not grow from tier 0 \
                         (most critical) to tier 3"
                    ),
                );
            }
        }
        if self.deploy.window_minutes == 0 {
            return fail(
                "deploy.window_minutes",
                "`0`: a deploy takes time, and a window of one instant misses every freeze and change in flight \
                 that starts after it (at least 1)"
                    .to_owned(),
            );
        }
        // Log-odds beyond a million say nothing a smaller number does not,
        // and near f64's range they overflow when rounded for the output:
        // every assessment would then fail (exit 3) instead of deciding.
        let sane = |x: f64| x.is_finite() && x.abs() <= MAX_LOG_ODDS;
        if !sane(self.likelihood.intercept) {
            return fail(
                "likelihood.intercept",
                format!("`{}` is not a finite number within ±{MAX_LOG_ODDS}", self.likelihood.intercept),
            );
        }
        for (id, w) in &self.likelihood.weights {
            if !crate::engine::features::is_known(id) {
                return fail(
                    &format!("likelihood.weights.{id}"),
                    format!("unknown feature `{id}`; docs/model.md lists the features this version computes"),
                );
            }
            if !sane(*w) {
                return fail(
                    &format!("likelihood.weights.{id}"),
                    format!("`{w}` is not a finite number within ±{MAX_LOG_ODDS}"),
                );
            }
        }
        for (metric, shape) in &self.likelihood.shapes {
            let place = format!("likelihood.shapes.{metric}");
            let Some(replaced) = crate::engine::features::shape_metric(metric) else {
                return fail(
                    &place,
                    format!("unknown metric `{metric}`; use la ld nf nd ns entropy lt fix ndev age nuc exp rexp sexp"),
                );
            };
            if let Some(f) = replaced.filter(|f| self.likelihood.weights.contains_key(*f)) {
                return fail(
                    &place,
                    format!("the shape for `{metric}` replaces the feature `{f}`: remove `likelihood.weights.{f}`"),
                );
            }
            // Metric values are counts, sizes and ages: a negative one is
            // read as 0, so two such points would be one with two log-odds
            // (an audit: a hand-edited shape made a jump at 0).
            // Each rule its own message, naming the value that breaks it (a
            // red-team finding: one message for all six left the editor
            // of a model to find which).
            if shape.values.is_empty() {
                return fail(&place, "`values` is empty: a shape needs at least one point".into());
            }
            if shape.values.len().max(shape.log_odds.len()) > MAX_SHAPE_POINTS {
                return fail(
                    &format!("{place}.values"),
                    format!(
                        "limit `max_shape_points` exceeded: {} > {MAX_SHAPE_POINTS}",
                        shape.values.len().max(shape.log_odds.len())
                    ),
                );
            }
            if shape.values.len() != shape.log_odds.len() {
                return fail(
                    &place,
                    format!(
                        "`values` has {} points and `log_odds` {}: give one log-odds per value",
                        shape.values.len(),
                        shape.log_odds.len()
                    ),
                );
            }
            if let Some((i, x)) = shape.values.iter().enumerate().find(|(_, x)| !(x.is_finite() && **x >= 0.0)) {
                return fail(
                    &format!("{place}.values[{i}]"),
                    format!("`{x}` is not a metric value: values are finite and not negative"),
                );
            }
            if let Some((i, x)) = shape.log_odds.iter().enumerate().find(|(_, x)| !sane(**x)) {
                return fail(
                    &format!("{place}.log_odds[{i}]"),
                    format!("`{x}` is not a finite number within ±{MAX_LOG_ODDS}"),
                );
            }
            if let Some(i) = shape.values.windows(2).position(|w| !matches!(w, [a, b] if a < b)) {
                let (a, b) =
                    (shape.values.get(i).copied().unwrap_or(0.0), shape.values.get(i + 1).copied().unwrap_or(0.0));
                return fail(
                    &format!("{place}.values[{}]", i + 1),
                    format!("`{b}` does not rise above the value before it, `{a}`: values must be strictly ascending"),
                );
            }
        }
        let ascending = |v: &[f64; 3]| v.windows(2).all(|w| matches!(w, [a, b] if a < b));
        if !ascending(&self.bands.likelihood) || !self.bands.likelihood.iter().all(|c| *c > 0.0 && *c < 1.0) {
            return fail(
                "bands.likelihood",
                format!("cut points must be ascending and strictly between 0 and 1; got {:?}", self.bands.likelihood),
            );
        }
        if !ascending(&self.bands.impact) || !self.bands.impact.iter().all(|c| c.is_finite() && *c > 0.0) {
            return fail(
                "bands.impact",
                format!("cut points must be ascending, finite and above 0; got {:?}", self.bands.impact),
            );
        }
        for (r, row) in self.matrix.iter().enumerate() {
            if row.windows(2).any(|w| matches!(w, [a, b] if a > b)) {
                return fail(&format!("matrix[{r}]"), "depths must not decrease as impact grows".into());
            }
        }
        for c in 0..4 {
            let column: Vec<ReviewDepth> = self.matrix.iter().filter_map(|row| row.get(c).copied()).collect();
            if column.windows(2).any(|w| matches!(w, [a, b] if a > b)) {
                return fail("matrix", format!("column {c}: depths must not decrease as likelihood grows"));
            }
        }
        // Escalation must escalate: an error (an unknown service, an empty
        // change, a limit hit) means the risk is not known, so it asks for
        // a human and for no less review than the riskiest scored change.
        let top = self.matrix.iter().flatten().copied().max().unwrap_or(ReviewDepth::Block);
        let least = top.max(ReviewDepth::Peer);
        if self.error_depth < least {
            return fail(
                "error_depth",
                format!(
                    "`{}` is below `{least}`: errors must escalate to a depth that needs a human and is at least \
                     the matrix's highest (`{top}`)",
                    self.error_depth
                ),
            );
        }
        let mut control_patterns = 0usize;
        for (i, rule) in self.rules.iter().enumerate() {
            if rule.id.trim().is_empty() {
                return fail(&format!("rule[{i}].id"), "rule id is empty".into());
            }
            check_name(&format!("rule[{i}].id"), "rule id", &rule.id)?;
            // SARIF output names the decision `review-depth` and an error
            // `diagnostic/CODE` among the rules' results (a red-team
            // finding: a rule of that id made two SARIF rules of one id).
            if rule.id == "review-depth" || rule.id.starts_with("diagnostic/") {
                return fail(
                    &format!("rule[{i}].id"),
                    format!(
                        "`{}`: the id is reserved (SARIF output names the decision `review-depth` and errors \
                         `diagnostic/CODE`); choose another",
                        blastgate_graph::shown(&blastgate_graph::shorten(&rule.id))
                    ),
                );
            }
            // The `rules` step output lists the fired ids separated by commas.
            if rule.id.contains(|c: char| c == ',' || c.is_whitespace()) {
                return fail(
                    &format!("rule[{i}].id"),
                    format!(
                        "rule id `{}` holds a comma or a space, which would split it in the comma-separated `rules` output",
                        blastgate_graph::shown(&blastgate_graph::shorten(&rule.id))
                    ),
                );
            }
            if let RuleCheck::DeliveryControl { paths } = &rule.check {
                if control_patterns.saturating_add(paths.len()) > MAX_CONTROL_PATHS && paths.len() <= MAX_CONTROL_PATHS
                {
                    let j = MAX_CONTROL_PATHS.saturating_sub(control_patterns);
                    return fail(
                        &format!("rule[{i}].paths[{j}]"),
                        format!(
                            "limit `max_control_paths` exceeded: the `delivery_control` rules list {} patterns up to \
                             this rule's last, more than {MAX_CONTROL_PATHS} in all",
                            control_patterns.saturating_add(paths.len())
                        ),
                    );
                }
                control_patterns = control_patterns.saturating_add(paths.len());
                if let Err((j, message)) = control_matcher(paths) {
                    return fail(&format!("rule[{i}].paths[{j}]"), message);
                }
            }
            if rule.min_depth == ReviewDepth::Auto {
                return fail(
                    &format!("rule[{i}].min_depth"),
                    format!(
                        "`auto`: rule `{}` would fire and change nothing (a rule only raises the depth); use \
                         `peer` or above, or `enabled = false`",
                        rule.id
                    ),
                );
            }
        }
        if let Some(i) = first_duplicate(self.rules.iter().map(|rule| rule.id.as_str())) {
            let id = self.rules.get(i).map_or("", |rule| rule.id.as_str());
            return fail(&format!("rule[{i}].id"), format!("rule id `{id}` appears twice"));
        }
        // Leaving the AI declaration out must never need less review than
        // declaring AI help: the rule for undeclared changes asks at least
        // what the rule catching `assisted` asks.
        let enabled = self.rules.iter().enumerate().filter(|(_, r)| r.enabled);
        let declared = enabled
            .clone()
            .filter(|(_, r)| matches!(r.check, RuleCheck::AiBelowSenior { ai } if ai <= AiInvolvement::Assisted))
            .map(|(_, r)| r)
            .max_by_key(|r| r.min_depth);
        if let Some(ai_rule) = declared {
            let mut undeclared = enabled.filter(|(_, r)| matches!(r.check, RuleCheck::AiUnstatedBelowSenior));
            if let Some((i, rule)) = undeclared.find(|(_, r)| r.min_depth < ai_rule.min_depth) {
                return fail(
                    &format!("rule[{i}].min_depth"),
                    format!(
                        "`{}` (rule `{}`) is below `{}` (rule `{}`): leaving the AI declaration out would need less \
                         review than declaring AI help; raise it to at least `{}`",
                        rule.min_depth, rule.id, ai_rule.min_depth, ai_rule.id, ai_rule.min_depth
                    ),
                );
            }
        }
        if self.limits.max_listed_affected == 0 {
            return fail(
                "limits.max_listed_affected",
                "`0`: must be at least 1 (the number of affected services an answer lists)".into(),
            );
        }
        Ok(())
    }

    /// The depth from the matrix for a likelihood and an impact.
    pub fn matrix_depth(&self, likelihood: f64, impact: f64) -> ReviewDepth {
        let l = Bands::band(&self.bands.likelihood, likelihood);
        let i = Bands::band(&self.bands.impact, impact);
        self.matrix.get(l).and_then(|row| row.get(i)).copied().unwrap_or(self.error_depth)
    }
}

/// Refuses a name with a control character. Rule ids, seniority levels,
/// tier names and versions end up in reports, annotations and GitHub step
/// outputs, where a line break could forge a line of its own; the value is
/// shown escaped (and shortened).
fn check_name(place: &str, what: &str, name: &str) -> Result<(), PolicyProblem> {
    if name.chars().any(blastgate_graph::is_hidden) {
        return Err(PolicyProblem {
            place: place.to_owned(),
            message: format!(
                "{what} contains a control character or a hidden one (a bidirectional override, a zero-width character): `{}`",
                blastgate_graph::shown(&blastgate_graph::shorten(name))
            ),
        });
    }
    Ok(())
}

/// The position of the first item that appears again later, if any.
///
/// # Complexity
/// `O(n log n)`: one sort of the keys with their positions, so a policy
/// with many rules or levels validates in milliseconds.
fn first_duplicate<K: Ord>(keys: impl Iterator<Item = K>) -> Option<usize> {
    let mut keyed: Vec<(K, usize)> = keys.enumerate().map(|(i, k)| (k, i)).collect();
    keyed.sort_unstable();
    // After the sort, equal keys are adjacent and in input order, so the
    // first of each run is the earliest position of its key.
    keyed
        .windows(2)
        .filter_map(|w| match w {
            [a, b] if a.0 == b.0 => Some(a.1),
            _ => None,
        })
        .min()
}
