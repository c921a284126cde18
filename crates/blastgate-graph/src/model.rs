//! The vocabulary of the graph: node and edge kinds, tiers, probabilities,
//! and the merged [`Node`] and [`Dependency`] records.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

/// What a node is. The kind decides defaults (a datastore's dependents are
/// hit harder by a destructive change than a service's) and how results are
/// grouped; it never changes reachability.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum NodeKind {
    /// A deployable service (the default).
    Service,
    /// A database or object store.
    Datastore,
    /// A message queue, topic or stream.
    Queue,
    /// A cache (Redis, Memcached) whose loss degrades but rarely loses data.
    Cache,
    /// Runtime infrastructure: clusters, networks, load balancers, DNS.
    Infrastructure,
    /// Something outside the system that we call, or a node referenced but
    /// declared nowhere.
    External,
    /// An API contract, as Backstage models it: consumers depend on the API,
    /// the API depends on its provider.
    Api,
    /// A user journey or business capability (checkout, sign-in) that
    /// depends on the services it needs.
    Journey,
}

impl NodeKind {
    /// Every kind, in declaration order.
    pub const ALL: [NodeKind; 8] = [
        Self::Service,
        Self::Datastore,
        Self::Queue,
        Self::Cache,
        Self::Infrastructure,
        Self::External,
        Self::Api,
        Self::Journey,
    ];

    /// The name as written in files.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Service => "service",
            Self::Datastore => "datastore",
            Self::Queue => "queue",
            Self::Cache => "cache",
            Self::Infrastructure => "infrastructure",
            Self::External => "external",
            Self::Api => "api",
            Self::Journey => "journey",
        }
    }

    /// Parses a kind name as written in files (case-insensitive).
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str().eq_ignore_ascii_case(name))
    }
}

impl fmt::Display for NodeKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Criticality of a node: 0 is the most critical, 3 the least.
///
/// Files may write the number or a name: `critical` (0), `high` (1),
/// `medium` (2), `low` (3). A node without a tier is treated as
/// [`Tier::DEFAULT`] (medium) when scoring, a journey without one as
/// [`Tier::CRITICAL`] ([`NodeRef::effective_tier`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Tier(u8);

impl Tier {
    /// The most critical tier.
    pub const CRITICAL: Tier = Tier(0);
    /// The tier assumed for a node that declares none.
    pub const DEFAULT: Tier = Tier(2);
    /// The least critical tier.
    pub const LOWEST: Tier = Tier(3);
    /// The tier names, by number.
    pub const NAMES: [&'static str; 4] = ["critical", "high", "medium", "low"];

    /// A tier from its number, if in `0..=3`.
    pub fn new(level: u8) -> Option<Self> {
        (level <= Self::LOWEST.0).then_some(Tier(level))
    }

    /// A tier from a number (`"0"`..`"3"`) or a name (`critical`, `high`,
    /// `medium`, `low`, case-insensitive; `tier0`..`tier3` and `t0`..`t3`
    /// also work).
    pub fn parse(text: &str) -> Option<Self> {
        let t = text.trim();
        if let Ok(n) = t.parse::<u8>() {
            return Self::new(n);
        }
        let lower = t.to_ascii_lowercase();
        if let Some(n) = Self::NAMES.iter().position(|name| *name == lower) {
            return u8::try_from(n).ok().and_then(Self::new);
        }
        let digits = lower.strip_prefix("tier").or_else(|| lower.strip_prefix('t'))?;
        digits.trim_start_matches(['-', '_', ' ']).parse::<u8>().ok().and_then(Self::new)
    }

    /// The number, 0 to 3.
    pub fn level(self) -> u8 {
        self.0
    }

    /// The name (`critical`, `high`, `medium`, `low`).
    pub fn name(self) -> &'static str {
        Self::NAMES.get(usize::from(self.0)).copied().unwrap_or("low")
    }
}

impl fmt::Display for Tier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl Serialize for Tier {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u8(self.0)
    }
}

impl<'de> Deserialize<'de> for Tier {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Tier;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a tier: 0 to 3, or critical, high, medium, low")
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Tier, E> {
                u8::try_from(v)
                    .ok()
                    .and_then(Tier::new)
                    .ok_or_else(|| E::custom(format!("invalid value: tier `{v}` is not in 0..=3")))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Tier, E> {
                u8::try_from(v)
                    .ok()
                    .and_then(Tier::new)
                    .ok_or_else(|| E::custom(format!("invalid value: tier `{v}` is not in 0..=3")))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Tier, E> {
                Tier::parse(v).ok_or_else(|| {
                    E::custom(format!(
                        "invalid value: unknown tier `{}`; expected 0 to 3 or critical, high, medium, low",
                        crate::error::shorten(v)
                    ))
                })
            }
        }
        d.deserialize_any(V)
    }
}

/// The strings [`Tier::parse`] reads, as a JSON Schema pattern.
const TIER_PATTERN: &str = "^\\s*(\\+?0*[0-3]|[Cc][Rr][Ii][Tt][Ii][Cc][Aa][Ll]|[Hh][Ii][Gg][Hh]|[Mm][Ee][Dd][Ii][Uu][Mm]|[Ll][Oo][Ww]|[Tt]([Ii][Ee][Rr])?[-_ ]*\\+?0*[0-3])\\s*$";

impl schemars::JsonSchema for Tier {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Tier".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "Criticality: 0 (critical) to 3 (low), or its name (critical, high, medium, low), \
                            `tier0`..`tier3` or `t0`..`t3`, in any case; a string may hold the number.",
            "oneOf": [
                {"type": "integer", "minimum": 0, "maximum": 3},
                // What `Tier::parse` reads (a docs audit: the schema
                // refused `tier0`, which the docs and the parser take).
                // ECMA-262 patterns have no case-insensitive flag, so each
                // letter is a class.
                {"type": "string", "pattern": TIER_PATTERN}
            ]
        })
    }
}

/// How a dependent uses its dependency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum EdgeKind {
    /// A synchronous call (HTTP, gRPC): the caller waits (the default).
    Sync,
    /// An asynchronous message through a queue or topic: failures surface
    /// later and are often retried.
    Async,
    /// Reads or writes a datastore or cache.
    Data,
    /// Runs on, or is routed by, a piece of infrastructure.
    Infrastructure,
}

impl EdgeKind {
    /// Every kind, in declaration order.
    pub const ALL: [EdgeKind; 4] = [Self::Sync, Self::Async, Self::Data, Self::Infrastructure];

    /// The name as written in files.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Sync => "sync",
            Self::Async => "async",
            Self::Data => "data",
            Self::Infrastructure => "infrastructure",
        }
    }

    /// Parses a kind name (case-insensitive).
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str().eq_ignore_ascii_case(name))
    }
}

impl fmt::Display for EdgeKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Whether the dependent survives the loss of its dependency.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Strength {
    /// No fallback: a broken dependency breaks the dependent (the default).
    #[default]
    Hard,
    /// A fallback exists or the dependent degrades gracefully.
    Soft,
}

impl Strength {
    /// The name as written in files.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Hard => "hard",
            Self::Soft => "soft",
        }
    }
}

/// How much a source is trusted when sources disagree. Higher wins.
///
/// Merge rule: for each attribute, the value from the source with the
/// highest origin wins; between sources of the same origin the riskier
/// value wins (the more critical tier, the higher probability, ...; for
/// names the first in byte order), whatever the order of the inputs, and a
/// warning is recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Origin {
    /// Created for a reference that no source declares.
    Placeholder,
    /// Named in a plain edge list.
    Listed,
    /// Observed in traces or metrics (Jaeger, Zipkin, OpenTelemetry).
    Observed,
    /// Declared by people: the native format or a Backstage catalog.
    Declared,
}

/// A probability in `[0, 1]`, never NaN.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Serialize, schemars::JsonSchema)]
#[serde(transparent)]
pub struct Probability(f64);

impl Probability {
    /// Certain propagation.
    pub const ONE: Probability = Probability(1.0);
    /// No propagation.
    pub const ZERO: Probability = Probability(0.0);

    /// A probability if `p` is finite and in `[0, 1]`. A negative zero
    /// is zero (so it prints as `0` and digests as `0`).
    pub fn new(p: f64) -> Option<Self> {
        (p.is_finite() && (0.0..=1.0).contains(&p)).then_some(Probability(p + 0.0))
    }

    /// The value.
    pub fn get(self) -> f64 {
        self.0
    }

    /// The default propagation probability of an edge of `kind` and
    /// `strength`: how likely a failure of the dependency breaks the
    /// dependent when no source says otherwise. See docs/model.md.
    ///
    /// | kind           | hard | soft |
    /// |----------------|------|------|
    /// | sync           | 0.9  | 0.3  |
    /// | async          | 0.5  | 0.2  |
    /// | data           | 0.95 | 0.4  |
    /// | infrastructure | 0.95 | 0.5  |
    pub fn default_for(kind: EdgeKind, strength: Strength) -> Self {
        let p = match (kind, strength) {
            (EdgeKind::Sync, Strength::Hard) => 0.9,
            (EdgeKind::Sync, Strength::Soft) => 0.3,
            (EdgeKind::Async, Strength::Hard) => 0.5,
            (EdgeKind::Async, Strength::Soft) => 0.2,
            (EdgeKind::Data, Strength::Hard) => 0.95,
            (EdgeKind::Data, Strength::Soft) => 0.4,
            (EdgeKind::Infrastructure, Strength::Hard) => 0.95,
            (EdgeKind::Infrastructure, Strength::Soft) => 0.5,
        };
        Probability(p)
    }
}

impl<'de> Deserialize<'de> for Probability {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let p = f64::deserialize(d)?;
        Probability::new(p).ok_or_else(|| {
            serde::de::Error::custom(format!("invalid value: probability `{p}` is not a finite number in [0, 1]"))
        })
    }
}

/// Traffic through a node: requests per second, or a share of the total.
/// Finite and not negative.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Serialize, schemars::JsonSchema)]
#[serde(transparent)]
pub struct Traffic(f64);

impl Traffic {
    /// Traffic if `v` is finite and not negative; `-0` is read as 0 (the
    /// two would otherwise export, digest and merge as different values).
    pub fn new(v: f64) -> Option<Self> {
        (v.is_finite() && v >= 0.0).then_some(Traffic(v + 0.0))
    }

    /// The value.
    pub fn get(self) -> f64 {
        self.0
    }
}

impl<'de> Deserialize<'de> for Traffic {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = f64::deserialize(d)?;
        Traffic::new(v).ok_or_else(|| {
            serde::de::Error::custom(format!("invalid value: traffic `{v}` is not a finite, non-negative number"))
        })
    }
}

/// Call and error counts of an edge, from traces or metrics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Observation {
    /// Calls observed from dependent to dependency.
    pub calls: u64,
    /// Of those, calls that failed.
    pub errors: u64,
}

/// Attributes of a node that a source may state. Every field is optional so
/// that sources can be merged; see [`Origin`] for the merge rule.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct NodeSpec {
    /// What the node is.
    pub kind: Option<NodeKind>,
    /// Criticality.
    pub tier: Option<Tier>,
    /// Owning team.
    pub owner: Option<String>,
    /// The system (product) it belongs to.
    pub system: Option<String>,
    /// Free-form labels.
    pub labels: BTreeMap<String, String>,
    /// Requests per second, or share of traffic.
    pub traffic: Option<Traffic>,
    /// Whether users see it directly.
    pub user_facing: Option<bool>,
}

impl NodeSpec {
    /// Whether no attribute is set.
    pub fn is_empty(&self) -> bool {
        self == &NodeSpec::default()
    }
}

/// Attributes of an edge that a source may state.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct EdgeSpec {
    /// How the dependent uses the dependency.
    pub kind: Option<EdgeKind>,
    /// Hard (no fallback) or soft.
    pub strength: Option<Strength>,
    /// Propagation probability; the default comes from kind and strength.
    pub probability: Option<Probability>,
    /// Counts from traces.
    pub observation: Option<Observation>,
}

impl EdgeSpec {
    /// Whether no attribute is set.
    pub fn is_empty(&self) -> bool {
        self == &EdgeSpec::default()
    }
}

/// A node of the merged graph, as the build-time graph
/// ([`ServiceGraph`](crate::ServiceGraph)) keeps it. A frozen graph keeps
/// its nodes' ids in one buffer and lends [`NodeRef`]s, which have the same
/// methods.
///
/// Most nodes of large graphs (edge lists, traces) have no owner, system,
/// labels or traffic: those are boxed apart, so a node is 32 bytes plus its
/// id.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub(crate) id: Box<str>,
    pub(crate) attrs: NodeAttrs,
}

/// A node's attributes, without its id (16 bytes).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct NodeAttrs {
    pub(crate) kind: NodeKind,
    pub(crate) tier: Option<Tier>,
    pub(crate) user_facing: Option<bool>,
    pub(crate) origin: Origin,
    /// INVARIANT: `None` rather than a box of nothing (see
    /// [`NodeExtra::boxed`]), so that equal nodes compare equal.
    pub(crate) extra: Option<Box<NodeExtra>>,
}

/// The attributes of a node that most nodes lack.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct NodeExtra {
    pub(crate) owner: Option<Box<str>>,
    pub(crate) system: Option<Box<str>>,
    pub(crate) labels: BTreeMap<String, String>,
    pub(crate) traffic: Option<Traffic>,
}

impl NodeExtra {
    /// The box a node keeps: `None` when every attribute is absent.
    pub(crate) fn boxed(self) -> Option<Box<Self>> {
        (self != Self::default()).then(|| Box::new(self))
    }
}

/// The labels of a node that has none.
static NO_LABELS: BTreeMap<String, String> = BTreeMap::new();

impl Node {
    /// The node as a [`NodeRef`], whose methods these are.
    pub fn as_node_ref(&self) -> NodeRef<'_> {
        NodeRef { id: &self.id, attrs: &self.attrs }
    }
    /// The id users write.
    pub fn id(&self) -> &str {
        &self.id
    }
    /// What the node is.
    pub fn kind(&self) -> NodeKind {
        self.attrs.kind
    }
    /// The declared tier, if any.
    pub fn tier(&self) -> Option<Tier> {
        self.attrs.tier
    }
    /// The tier used for scoring: see [`NodeRef::effective_tier`].
    pub fn effective_tier(&self) -> Tier {
        self.as_node_ref().effective_tier()
    }
    /// Owning team.
    pub fn owner(&self) -> Option<&str> {
        self.as_node_ref().owner()
    }
    /// The owning team, then its co-owners: see [`NodeRef::owners`].
    pub fn owners(&self) -> impl Iterator<Item = &str> + '_ {
        self.as_node_ref().owners()
    }
    /// System (product).
    pub fn system(&self) -> Option<&str> {
        self.as_node_ref().system()
    }
    /// Labels.
    pub fn labels(&self) -> &BTreeMap<String, String> {
        self.as_node_ref().labels()
    }
    /// Traffic.
    pub fn traffic(&self) -> Option<Traffic> {
        self.as_node_ref().traffic()
    }
    /// Whether users see it directly, if stated. Journeys are user-facing
    /// unless a source says otherwise.
    pub fn user_facing(&self) -> Option<bool> {
        self.attrs.user_facing
    }
    /// The most trusted source that stated anything about the node.
    pub fn origin(&self) -> Origin {
        self.attrs.origin
    }
}

/// A node of a [`FrozenGraph`](crate::FrozenGraph): its id, borrowed from
/// the graph's buffer of ids, and its attributes. The same methods as
/// [`Node`]; [`NodeRef::to_node`] makes one.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NodeRef<'a> {
    id: &'a str,
    attrs: &'a NodeAttrs,
}

impl<'a> NodeRef<'a> {
    pub(crate) fn new(id: &'a str, attrs: &'a NodeAttrs) -> Self {
        Self { id, attrs }
    }
    /// The node, owning its id.
    pub fn to_node(self) -> Node {
        Node { id: self.id.into(), attrs: self.attrs.clone() }
    }
    /// The id users write.
    pub fn id(self) -> &'a str {
        self.id
    }
    /// What the node is.
    pub fn kind(self) -> NodeKind {
        self.attrs.kind
    }
    /// The declared tier, if any.
    pub fn tier(self) -> Option<Tier> {
        self.attrs.tier
    }
    /// The tier used for scoring: the declared one; without one,
    /// [`Tier::CRITICAL`] for a user journey (a journey is what the
    /// business runs on, and the rules already treat every journey as
    /// critical, so weights and counts say the same) and [`Tier::DEFAULT`]
    /// for every other kind.
    pub fn effective_tier(self) -> Tier {
        match (self.attrs.tier, self.attrs.kind) {
            (Some(tier), _) => tier,
            (None, NodeKind::Journey) => Tier::CRITICAL,
            (None, _) => Tier::DEFAULT,
        }
    }
    /// Owning team.
    pub fn owner(self) -> Option<&'a str> {
        self.attrs.extra.as_ref().and_then(|e| e.owner.as_deref())
    }
    /// The owning team, then its co-owners ([`crate::CO_OWNERS_LABEL`]),
    /// each once: every team a change to the node asks. None without an
    /// owner.
    ///
    /// Allocates nothing: the owners' table reads it for every node.
    pub fn owners(self) -> impl Iterator<Item = &'a str> + 'a {
        let owner = self.owner();
        let co = owner.and_then(|_| self.labels().get(crate::build::CO_OWNERS_LABEL)).map_or("", String::as_str);
        let parts = move || co.split(',').map(str::trim);
        let others = parts().enumerate().filter(move |&(i, o)| {
            // Each once: not the owner, not a co-owner listed before.
            !o.is_empty() && Some(o) != owner && !parts().take(i).any(|p| p == o)
        });
        owner.into_iter().chain(others.map(|(_, o)| o))
    }
    /// System (product).
    pub fn system(self) -> Option<&'a str> {
        self.attrs.extra.as_ref().and_then(|e| e.system.as_deref())
    }
    /// Labels.
    pub fn labels(self) -> &'a BTreeMap<String, String> {
        self.attrs.extra.as_ref().map_or(&NO_LABELS, |e| &e.labels)
    }
    /// Traffic.
    pub fn traffic(self) -> Option<Traffic> {
        self.attrs.extra.as_ref().and_then(|e| e.traffic)
    }
    /// Whether users see it directly, if stated. Journeys are user-facing
    /// unless a source says otherwise.
    pub fn user_facing(self) -> Option<bool> {
        self.attrs.user_facing
    }
    /// The most trusted source that stated anything about the node.
    pub fn origin(self) -> Origin {
        self.attrs.origin
    }
}

/// An edge of the merged graph: the dependent depends on the dependency.
#[derive(Debug, Clone, PartialEq)]
pub struct Dependency {
    pub(crate) kind: EdgeKind,
    pub(crate) strength: Strength,
    pub(crate) probability: Option<Probability>,
    pub(crate) observation: Option<Box<Observation>>,
    pub(crate) origin: Origin,
}

impl Dependency {
    /// How the dependent uses the dependency.
    pub fn kind(&self) -> EdgeKind {
        self.kind
    }
    /// Hard or soft.
    pub fn strength(&self) -> Strength {
        self.strength
    }
    /// The probability a source stated, if any.
    pub fn stated_probability(&self) -> Option<Probability> {
        self.probability
    }
    /// The propagation probability used: the stated one, or the default for
    /// kind and strength ([`Probability::default_for`]).
    pub fn probability(&self) -> Probability {
        self.probability.unwrap_or_else(|| Probability::default_for(self.kind, self.strength))
    }
    /// Calls and errors from traces, summed over sources.
    pub fn observation(&self) -> Option<Observation> {
        self.observation.as_deref().copied()
    }
    /// The most trusted source that stated the edge.
    pub fn origin(&self) -> Origin {
        self.origin
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "test code: a panic is a failed test")]

    use super::{TIER_PATTERN, Tier};

    /// The schema's pattern for a tier written as a string accepts exactly
    /// what [`Tier::parse`] reads (a docs audit: the schema refused
    /// `tier0`, which the docs and the parser take).
    #[test]
    fn the_schemas_tier_pattern_is_what_the_parser_reads() {
        let pattern = regex::Regex::new(TIER_PATTERN).unwrap();
        let mut texts: Vec<String> = [
            "0", "3", "4", "03", "+2", "-1", "10", " 1 ", "", " ", "critical", "Critical", "HIGH", "medium ", "Low",
            "lowest", "tier0", "TIER2", "tier-3", "tier_1", "tier 2", "t0", "T3", "t4", "tier", "t", "tier-", "tier0x",
            "crit", "high1", "t-0", "tier--1", "tier+1", "0.0", "1e0", "zero", "x0",
        ]
        .iter()
        .map(|t| (*t).to_owned())
        .collect();
        for prefix in ["", "t", "tier", "Tier-", "T_"] {
            for n in 0..12 {
                texts.push(format!("{prefix}{n}"));
            }
        }
        for text in &texts {
            assert_eq!(pattern.is_match(text), Tier::parse(text).is_some(), "`{text}`");
        }
    }
}
