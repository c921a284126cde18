//! The assessment context: the state of production when a change is
//! assessed. Open incidents, error budgets, freeze windows and other changes
//! in flight, as of an instant `now` that the document states (the engine
//! reads no clock).
//!
//! This module holds the `Context` document (`blastgate.dev/v1`) field by
//! field and pure queries on it. Parsing and validation are in
//! `blastgate_ingest::context`; its errors are
//! [`blastgate_change::ChangeError`], reused so that every input document
//! fails with one error shape (syntax, schema, invalid value, unsupported
//! version, limit, I/O).
//!
//! Unknown fields are errors everywhere, and unknown names (a severity, a
//! freeze exception) too: a typo must never weaken a freeze or hide an
//! incident.
//!
//! # Time
//!
//! Windows are half-open: a freeze from `start` to `end` is in force at
//! `start` and no longer at `end`. Incidents and error budgets are facts as
//! of `now` (nobody knows future incidents), so their queries use
//! [`Context::now`]; freezes and other deploys are scheduled, so their
//! queries take the instant or window to ask about (a planned deploy time
//! may be later than `now`).

mod scope;
#[cfg(test)]
mod tests;
mod timestamp;
pub mod validate;

use blastgate_graph::Tier;
use serde::{Deserialize, Serialize};

pub use scope::FreezeScope;
pub use timestamp::{Timestamp, TimestampError};

/// The only `apiVersion` this version reads and writes.
pub const API_VERSION: &str = "blastgate.dev/v1";

/// The `kind` of a context document.
pub const KIND: &str = "Context";

/// Documented limits on context documents. Exceeding one is a
/// [`blastgate_change::ChangeError::LimitExceeded`] naming the limit.
pub mod limits {
    /// Largest context document read, in bytes (16 MiB).
    pub const MAX_INPUT_BYTES: u64 = 16 << 20;

    /// Most entries in any one list: `incidents`, `error_budgets`,
    /// `freezes`, `in_flight`, `people`, and the lists inside their entries
    /// (`services`, `tiers`, `allow`).
    pub const MAX_LIST_ENTRIES: usize = 10_000;

    /// Longest service id, in bytes (as for graph node ids).
    pub const MAX_ID_BYTES: usize = blastgate_graph::limits::MAX_ID_BYTES;

    /// Longest other string (incident id and title, freeze name, change
    /// id, SLO name), in bytes.
    pub const MAX_STRING_BYTES: usize = 4096;
}

/// The state of production at one instant: the `Context` document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(
    title = "blastgate Context",
    description = "The state of production when a change is assessed (blastgate.dev/v1)."
)]
pub struct Context {
    /// Must be `blastgate.dev/v1`.
    #[serde(rename = "apiVersion")]
    pub api_version: String,
    /// Must be `Context`.
    pub kind: String,
    /// The instant the context describes; incidents and error budgets are
    /// as of this instant. The engine reads no clock: the caller states it.
    /// A document that lists neither incidents, error budgets nor changes
    /// in flight (a freeze calendar, a list of people) may leave it out,
    /// to be dated by whoever assesses it (`blastgate assess --now`).
    pub now: Timestamp,
    /// Incidents open at `now` (or recently resolved, with `resolved_at`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub incidents: Vec<Incident>,
    /// Error budget remaining per service and SLO.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub error_budgets: Vec<ErrorBudget>,
    /// Change freezes, past, present or scheduled.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub freezes: Vec<Freeze>,
    /// Other changes being deployed, or scheduled to be.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub in_flight: Vec<InFlight>,
    /// The id under which [`Context::in_flight`] lists the change being
    /// assessed, when the deploy system already lists it: that entry is the
    /// change itself and does not collide with it. Only the context can
    /// say so: a changeset's own `id` is its author's to choose, so an
    /// entry that merely shares it is checked like any other.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub change_id: Option<String>,
    /// The people whose changes are assessed, with their seniority, from a
    /// source the gate trusts (a directory, not the author). When the list
    /// is not empty, an author's seniority is taken from it: a changeset's
    /// own claim is not used, and an author missing from the list counts
    /// as the lowest level (see [`Context::person`]). A document that
    /// states an empty list is refused: an export from a directory that
    /// failed would otherwise hand the seniority back to the changesets'
    /// own claims; leave the key out to trust them. In code an empty list
    /// is the key left out (a `Vec` cannot tell the two apart): a gate that
    /// builds the list from its directory refuses an empty export itself,
    /// before assessing.
    #[serde(default, skip_serializing_if = "Vec::is_empty", deserialize_with = "listed_people")]
    #[schemars(length(min = 1))]
    pub people: Vec<Person>,
}

/// A `Context` document as written, before its instant is settled: `now`
/// may be left out of a document that lists only what carries its own
/// time (freezes with their windows) or no time at all (people), such as
/// a freeze calendar committed to a repository. Whoever assesses it then
/// gives the instant ([`ContextDocument::dated`]). The parser reads this
/// shape; everything else uses [`Context`].
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
#[doc(hidden)]
pub struct ContextDocument {
    #[serde(rename = "apiVersion")]
    pub api_version: String,
    pub kind: String,
    #[serde(default, deserialize_with = "stated_now")]
    pub now: Option<Timestamp>,
    #[serde(default)]
    pub incidents: Vec<Incident>,
    #[serde(default)]
    pub error_budgets: Vec<ErrorBudget>,
    #[serde(default)]
    pub freezes: Vec<Freeze>,
    #[serde(default)]
    pub in_flight: Vec<InFlight>,
    #[serde(default)]
    pub change_id: Option<String>,
    #[serde(default, deserialize_with = "listed_people")]
    pub people: Vec<Person>,
}

/// Why a [`ContextDocument`] cannot be made a [`Context`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[doc(hidden)]
pub enum Undated {
    /// No `now`, and none given.
    NoInstant,
    /// No `now`, and the document lists readings of production at an
    /// instant: the named list (`incidents`, `error_budgets` or
    /// `in_flight`), which without one could be any age.
    Readings(&'static str),
}

impl ContextDocument {
    /// The context, at the document's own `now` or else at `given`; and
    /// whether the document stated it. A document without `now` may not
    /// list incidents, error budgets or changes in flight: they are what
    /// production looked like at some instant, and one left unsaid could
    /// be last month's (fail closed: refused, not taken as current).
    ///
    /// # Errors
    /// [`Undated`], saying why.
    pub fn dated(self, given: Option<Timestamp>) -> Result<(Context, bool), Undated> {
        let (now, stated) = match (self.now, given) {
            (Some(now), _) => (now, true),
            (None, None) => return Err(Undated::NoInstant),
            (None, Some(given)) => {
                let readings = [
                    ("incidents", self.incidents.is_empty()),
                    ("error_budgets", self.error_budgets.is_empty()),
                    ("in_flight", self.in_flight.is_empty()),
                ];
                if let Some((list, _)) = readings.iter().find(|(_, empty)| !empty) {
                    return Err(Undated::Readings(list));
                }
                (given, false)
            }
        };
        let context = Context {
            api_version: self.api_version,
            kind: self.kind,
            now,
            incidents: self.incidents,
            error_budgets: self.error_budgets,
            freezes: self.freezes,
            in_flight: self.in_flight,
            change_id: self.change_id,
            people: self.people,
        };
        Ok((context, stated))
    }
}

/// `now` as a document states it: a timestamp, not `null` (which would
/// read as left out).
fn stated_now<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Timestamp>, D::Error> {
    Timestamp::deserialize(d).map(Some)
}

/// `people` as a document states it: not empty.
fn listed_people<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<Person>, D::Error> {
    let people = Vec::<Person>::deserialize(d)?;
    if people.is_empty() {
        return Err(serde::de::Error::custom(
            "an empty `people` list names nobody; leave `people` out to take authors' seniority \
             from the changesets, or list the people (a directory export that came back empty must not hand the \
             seniority back to the authors' own claims)",
        ));
    }
    Ok(people)
}

/// A person and their seniority, as the organisation records it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Person {
    /// The id changesets name the author by (a user name or an email);
    /// matched without regard to ASCII case, as logins and emails are.
    pub id: String,
    /// A name on the policy's seniority scale (`junior`, `senior`, ...).
    pub seniority: String,
    /// Other ids the same person goes by: commit emails, a GitHub no-reply
    /// address, a login. A change read from git names its people by their
    /// commit emails while a gate's `--author` gives a login: listed here,
    /// both find this person (unlisted, an id counts as the lowest level).
    /// Matched without regard to ASCII case; no two people share an id or
    /// an alias.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
}

/// How bad an incident is, `sev1` (the worst) to `sev4`.
///
/// Ordered by number, like [`Tier`]: `Sev1 < Sev4`, so the most severe of
/// several is their *minimum*. [`Severity::is_at_least`] reads more plainly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
#[schemars(description = "How bad an incident is: `sev1` (the worst) to `sev4`.")]
pub enum Severity {
    /// Critical: a major outage or data loss, customers broadly affected.
    Sev1,
    /// Major: a significant part of the product degraded.
    Sev2,
    /// Minor: limited impact, a workaround exists.
    Sev3,
    /// Low: cosmetic or internal impact.
    Sev4,
}

/// An incident on one service.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Incident {
    /// The affected service (a graph node id).
    pub service: String,
    /// `sev1` (the worst) to `sev4`.
    pub severity: Severity,
    /// When it started.
    pub since: Timestamp,
    /// When it was resolved, if it was; not before `since`. An incident
    /// without one is open. A leap second (`23:59:60`) reads as the next
    /// second, so the incident does not close early.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "timestamp::deserialize_optional_end"
    )]
    pub resolved_at: Option<Timestamp>,
    /// The incident tool's id (`INC-1234`), for explanations.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// A one-line title, for explanations.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
}

/// The error budget left for one service (and SLO).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ErrorBudget {
    /// The service (a graph node id).
    pub service: String,
    /// The fraction of the budget left over the SLO's window: 1 is all of
    /// it, 0 none, and a negative value an overspent budget (-0.5 is 150%
    /// spent). Finite and at most 1, so a percentage (`12` for 12%) is
    /// caught rather than read as twelve budgets.
    #[schemars(range(max = 1))]
    pub remaining: f64,
    /// Which SLO, when a service has several (`availability`, `latency`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slo: Option<String>,
}

/// A change freeze: from `start` (included) to `end` (excluded), changes
/// within `scope` are frozen, except the kinds listed in `allow`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Freeze {
    /// A name for explanations (`black-friday`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// When it starts (in force from this instant).
    pub start: Timestamp,
    /// When it ends (no longer in force at this instant); after `start`.
    /// A leap second (`23:59:60`) reads as the next second.
    #[serde(deserialize_with = "timestamp::deserialize_end")]
    pub end: Timestamp,
    /// What it covers: `all` (the default), `{services: [...]}` or
    /// `{tiers: [...]}`.
    #[serde(default)]
    pub scope: FreezeScope,
    /// Kinds of change the freeze lets through (none by default).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub allow: Vec<Exception>,
}

/// A kind of change a freeze may let through. Names outside this list are
/// errors, so a typo cannot open a freeze wider than intended, nor (as an
/// ignored entry) silently close it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Exception {
    /// A change that fixes a bug or an incident: the changeset says
    /// `fix: true`, or every commit of its git range is a fix.
    Fix,
    /// A change that returns services to a version deployed before (a
    /// rollback or a revert), and so adds nothing new.
    Rollback,
    /// A security fix: a patched vulnerability, a rotated credential.
    Security,
}

/// Another change being deployed, or scheduled to be, from `start`
/// (included) to `end` (excluded).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct InFlight {
    /// The change's or deploy's id (`deploy-77`).
    pub id: String,
    /// The services it deploys (graph node ids); at least one.
    #[schemars(length(min = 1))]
    pub services: Vec<String>,
    /// When its deploy window starts.
    pub start: Timestamp,
    /// When its deploy window ends; after `start`. A leap second
    /// (`23:59:60`) reads as the next second.
    #[serde(deserialize_with = "timestamp::deserialize_end")]
    pub end: Timestamp,
}

impl Context {
    /// A context with only `now`: no incidents, budgets, freezes or other
    /// changes.
    pub fn new(now: Timestamp) -> Self {
        Self {
            api_version: API_VERSION.to_owned(),
            kind: KIND.to_owned(),
            now,
            incidents: Vec::new(),
            error_budgets: Vec::new(),
            freezes: Vec::new(),
            in_flight: Vec::new(),
            change_id: None,
            people: Vec::new(),
        }
    }

    /// The person `id` names in [`Context::people`], matched without regard
    /// to ASCII case (ids are distinct that way: the parser checks).
    ///
    /// # Complexity
    /// `O(people)`: a scan (the list holds at most
    /// [`limits::MAX_LIST_ENTRIES`]).
    pub fn person(&self, id: &str) -> Option<&Person> {
        self.people
            .iter()
            .find(|p| p.id.eq_ignore_ascii_case(id) || p.aliases.iter().any(|a| a.eq_ignore_ascii_case(id)))
    }

    /// Every listed person by each of their ids and aliases, lower-cased:
    /// one look-up table for many look-ups (a change may have thousands
    /// of contributors, the list thousands of people). The first entry
    /// for an id wins, as in [`Context::person`].
    ///
    /// # Complexity
    /// `O(ids log ids)` over the people's ids and aliases.
    pub fn people_by_id(&self) -> std::collections::BTreeMap<String, &Person> {
        let mut by_id = std::collections::BTreeMap::new();
        for p in &self.people {
            for id in std::iter::once(&p.id).chain(&p.aliases) {
                by_id.entry(id.to_ascii_lowercase()).or_insert(p);
            }
        }
        by_id
    }

    /// The same context as of another instant (a `--now` given to the CLI,
    /// or a replay of a past decision).
    #[must_use]
    pub fn with_now(mut self, now: Timestamp) -> Self {
        self.now = now;
        self
    }

    /// The same context assessed at another instant `at`, as it stood at
    /// its own `now`: every incident open then stays open, since a
    /// `resolved_at` after `now` is a forecast (an estimate typed into the
    /// incident tool), not a resolution (red team 32: moved to a later
    /// `--now`, a sev1 "resolved" in the context's future was read as
    /// resolved, `auto` where the context's own instant blocked). An
    /// incident resolved by `now` stays resolved. Freezes and changes in
    /// flight are schedules, and stay as they are. This is how the CLI's
    /// `--now` and the facade's `Engine::assess_at` read a context;
    /// [`Context::with_now`] only moves the clock.
    #[must_use]
    pub fn as_of(self, at: Timestamp) -> Self {
        let now = self.now;
        let mut then = self.with_now(at);
        for incident in &mut then.incidents {
            if incident.resolved_at.is_some_and(|resolved| resolved > now) {
                incident.resolved_at = None;
            }
        }
        then
    }

    /// The instant the context describes.
    pub fn now(&self) -> Timestamp {
        self.now
    }

    /// The freezes in force at `at`, in document order.
    ///
    /// # Complexity
    /// O(freezes).
    pub fn freezes_in_force(&self, at: Timestamp) -> impl Iterator<Item = &Freeze> {
        self.freezes.iter().filter(move |f| f.in_force_at(at))
    }

    /// The incidents open on `service` at [`Context::now`], in document
    /// order (see [`Incident::is_open_at`]).
    ///
    /// # Complexity
    /// O(incidents).
    pub fn incidents_open_on<'a>(&'a self, service: &'a str) -> impl Iterator<Item = &'a Incident> {
        let now = self.now;
        self.incidents.iter().filter(move |i| i.service == service && i.is_open_at(now))
    }

    /// The worst severity among the incidents open on `service` at
    /// [`Context::now`], if any is.
    pub fn most_severe_open_on(&self, service: &str) -> Option<Severity> {
        self.incidents_open_on(service).map(|i| i.severity).min()
    }

    /// The error budget left for `service`: the smallest `remaining` of its
    /// entries (a service with several SLOs is as short of budget as its
    /// most spent one), or `None` when the context does not say.
    ///
    /// A non-finite `remaining` (possible only in a context built in code
    /// and not validated) counts as negative infinity: fail closed.
    ///
    /// # Complexity
    /// O(error budgets).
    pub fn error_budget(&self, service: &str) -> Option<f64> {
        self.error_budgets
            .iter()
            .filter(|b| b.service == service)
            .map(|b| if b.remaining.is_finite() { b.remaining } else { f64::NEG_INFINITY })
            .min_by(f64::total_cmp)
    }

    /// The other changes whose deploy windows overlap the window from
    /// `start` to `end` (see [`InFlight::overlaps`]), in document order.
    ///
    /// # Complexity
    /// O(changes in flight).
    pub fn in_flight_overlapping(&self, start: Timestamp, end: Timestamp) -> impl Iterator<Item = &InFlight> {
        self.in_flight.iter().filter(move |c| c.overlaps(start, end))
    }
}

impl Severity {
    /// Every severity, the worst first.
    pub const ALL: [Severity; 4] = [Self::Sev1, Self::Sev2, Self::Sev3, Self::Sev4];

    /// The name as written in files (`sev1`..`sev4`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Sev1 => "sev1",
            Self::Sev2 => "sev2",
            Self::Sev3 => "sev3",
            Self::Sev4 => "sev4",
        }
    }

    /// The number, 1 (the worst) to 4.
    pub fn level(self) -> u8 {
        match self {
            Self::Sev1 => 1,
            Self::Sev2 => 2,
            Self::Sev3 => 3,
            Self::Sev4 => 4,
        }
    }

    /// Whether this is as severe as `other` or worse
    /// (`Sev1.is_at_least(Sev2)` is true).
    pub fn is_at_least(self, other: Severity) -> bool {
        self <= other
    }
}

impl std::fmt::Display for Severity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Incident {
    /// Whether the incident is open at `at`: it is, unless it was resolved
    /// at or before `at`.
    ///
    /// `since` does not close it: an incident listed with a `since` after
    /// `at` (clocks of two tools disagreeing, or a `now` moved back) still
    /// counts as open, because the context lists it as an incident and a
    /// skewed clock must not hide one.
    pub fn is_open_at(&self, at: Timestamp) -> bool {
        self.resolved_at.is_none_or(|resolved| at < resolved)
    }
}

impl Freeze {
    /// Whether the freeze is in force at `at`: `start <= at < end`.
    pub fn in_force_at(&self, at: Timestamp) -> bool {
        self.start <= at && at < self.end
    }

    /// Whether the freeze covers the service `service_id` of tier `tier`
    /// (see [`FreezeScope::covers`]). An unknown tier (`None`) is covered by
    /// every tier-scoped freeze: leaving a tier out must not escape a
    /// freeze. Pass `Some(node.effective_tier())` to use the graph's
    /// default tier instead.
    pub fn covers(&self, service_id: &str, tier: Option<Tier>) -> bool {
        self.scope.covers(service_id, tier)
    }

    /// Whether the freeze lets changes of kind `exception` through.
    pub fn allows(&self, exception: Exception) -> bool {
        self.allow.contains(&exception)
    }
}

impl Exception {
    /// Every exception.
    pub const ALL: [Exception; 3] = [Self::Fix, Self::Rollback, Self::Security];

    /// The name as written in files.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Fix => "fix",
            Self::Rollback => "rollback",
            Self::Security => "security",
        }
    }

    /// Parses a name as written in files (exact, lower case).
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|e| e.as_str() == name)
    }
}

impl std::fmt::Display for Exception {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl InFlight {
    /// Whether this change's deploy window overlaps the window from `start`
    /// to `end`: whether they share an instant, with this window half-open
    /// (`[self.start, self.end)`) and the asked one closed (`[start, end]`),
    /// so that a deploy at one instant (`start == end`) is asked about too.
    /// Windows that only touch (`end == self.start`) overlap: fail closed.
    /// `start` and `end` may come in either order.
    pub fn overlaps(&self, start: Timestamp, end: Timestamp) -> bool {
        let (start, end) = if end < start { (end, start) } else { (start, end) };
        self.start <= end && start < self.end
    }

    /// Whether the change deploys `service`.
    pub fn deploys(&self, service: &str) -> bool {
        self.services.iter().any(|s| s == service)
    }
}
