//! The serde shapes of a plan, read with bounded memory.
//!
//! Only the fields the reader uses are built, each in the shape Terraform
//! writes; everything else is skipped with [`IgnoredAny`], which streams
//! and allocates nothing. A value of another shape is never built to be
//! looked at: a 40-million-element array given as `before.skip_final_snapshot`
//! (an 80 MB plan) took 2.2 GB when it was read as a JSON value, and tag
//! maps given as arrays did the same (an audit). What is kept of a
//! resource is bounded whatever the plan holds: at most
//! [`MAX_ACTIONS_KEPT`] actions, [`MAX_REPLACE_PATHS_KEPT`] replace paths
//! of at most one byte past the string limit each, and of its tag and
//! label maps only the entries whose key is one of the mapping's tag keys.
//!
//! The tag keys are known while the plan is read (each shape is a
//! [`DeserializeSeed`] that carries them), so an entry no mapping reads is
//! never stored, and none that one reads is dropped (`raw/tags.rs`).

use std::fmt;

use blastgate_change::limits;
use serde::Deserialize;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

mod config;
mod tags;

use config::ConfigSeed;
pub(super) use config::{COMMAND_HOSTS, Provisioned};
use tags::AttributesSeed;
pub(super) use tags::{Attributes, Hit, TAG_MAPS};

/// The most entries of `change.actions` kept. Terraform writes at most two;
/// a longer list is unknown (destructive) whatever its entries, and the
/// three kept are already a list no plan writes.
pub(super) const MAX_ACTIONS_KEPT: usize = 3;

/// The most replace paths kept for one resource; the rest are counted.
pub(super) const MAX_REPLACE_PATHS_KEPT: usize = 1000;

/// The plan document: what the reader uses of it.
#[derive(Default)]
pub(super) struct RawPlan {
    pub format_version: Option<String>,
    pub terraform_version: Option<String>,
    pub planned_values: Option<IgnoredAny>,
    pub resource_changes: Option<BoundedList>,
    pub deferred_changes: Option<SeqCount>,
    /// Provider actions `apply` runs (Terraform 1.14), at most
    /// [`limits::MAX_RESOURCES`] kept and the rest counted.
    pub action_invocations: Option<ActionList>,
    pub deferred_action_invocations: Option<SeqCount>,
    pub complete: Option<bool>,
    pub errored: Option<bool>,
    /// The resources whose configuration declares provisioners
    /// (`configuration`, the rest of which is skipped).
    pub provisioned: Provisioned,
}

/// `action_invocations`: the kept entries and how many there are.
#[derive(Default)]
pub(super) struct ActionList {
    pub items: Vec<RawAction>,
    pub total: usize,
}

/// One entry of `action_invocations` (Terraform's `jsonplan`
/// `ActionInvocation`): what the reader uses of it. Its configuration
/// (`config_values` and the like) is skipped unread: what a provider
/// does with it is not something the reader can know.
#[derive(Deserialize)]
pub(super) struct RawAction {
    pub address: String,
    #[serde(default, rename = "type")]
    pub action_type: Option<String>,
    #[serde(default)]
    pub lifecycle_action_trigger: Option<RawLifecycleTrigger>,
    #[serde(default)]
    pub invoke_action_trigger: Option<RawInvokeTrigger>,
}

/// An action run by a resource's `lifecycle { action_trigger }`.
#[derive(Deserialize)]
pub(super) struct RawLifecycleTrigger {
    #[serde(default)]
    pub triggering_resource_address: Option<String>,
    #[serde(default)]
    pub action_trigger_event: Option<String>,
}

/// An action run by `terraform apply -invoke`.
#[derive(Deserialize)]
pub(super) struct RawInvokeTrigger {
    #[serde(default)]
    pub calling_resource_address: Option<String>,
}

impl<'de> Deserialize<'de> for ActionList {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ListVisitor;
        impl<'de> Visitor<'de> for ListVisitor {
            type Value = ActionList;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a list of action invocations")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<ActionList, A::Error> {
                let mut out = ActionList::default();
                loop {
                    if out.items.len() < limits::MAX_RESOURCES {
                        match seq.next_element::<RawAction>()? {
                            Some(item) => out.items.push(item),
                            None => break,
                        }
                    } else if seq.next_element::<IgnoredAny>()?.is_none() {
                        break;
                    }
                    out.total = out.total.saturating_add(1);
                }
                Ok(out)
            }
        }
        deserializer.deserialize_seq(ListVisitor)
    }
}

/// Reads a [`RawPlan`] keeping the tag entries whose key is one of `keys`
/// (compared without regard to ASCII case).
pub(super) struct PlanSeed<'k> {
    pub keys: &'k [String],
}

/// `resource_changes`, keeping at most [`limits::MAX_RESOURCES`] entries
/// and counting the rest, so that memory stays bounded and the limit error
/// can say how many there were.
#[derive(Default)]
pub(super) struct BoundedList {
    pub items: Vec<RawResource>,
    pub total: usize,
}

pub(super) struct RawResource {
    pub address: String,
    pub resource_type: String,
    pub module_address: Option<String>,
    /// Where a `moved` block took the resource from.
    pub previous_address: Option<String>,
    pub action_reason: Option<String>,
    pub change: RawChange,
}

pub(super) struct RawChange {
    /// The first [`MAX_ACTIONS_KEPT`] actions.
    pub actions: Vec<String>,
    /// How many actions the list has in all.
    pub actions_total: usize,
    pub before: Option<Attributes>,
    pub after: Option<Attributes>,
    /// The first [`MAX_REPLACE_PATHS_KEPT`] non-empty replace paths,
    /// rendered as dotted paths (see [`render_step`]), each with its whole
    /// length (one over the string limit is kept cut one byte past it) and
    /// its index in the list, for errors.
    pub replace_paths: Vec<KeptPath>,
    /// How many non-empty replace paths there are in all.
    pub replace_paths_total: usize,
    /// Present (and not null) when the plan imports the resource
    /// (Terraform 1.5 and later); its contents are not read.
    pub importing: Option<IgnoredAny>,
}

/// A replace path as kept: rendered, its whole rendered length, and its
/// index in `change.replace_paths`.
pub(super) struct KeptPath {
    pub path: String,
    pub len: usize,
    pub index: usize,
}

// ---------------------------------------------------------------------------
// Field names. Unknown fields are skipped: the format grows new ones in
// minor versions.

#[derive(Deserialize)]
#[serde(field_identifier, rename_all = "snake_case")]
enum PlanField {
    FormatVersion,
    TerraformVersion,
    PlannedValues,
    ResourceChanges,
    DeferredChanges,
    ActionInvocations,
    DeferredActionInvocations,
    Complete,
    Errored,
    Configuration,
    #[serde(other)]
    Other,
}

#[derive(Deserialize)]
#[serde(field_identifier, rename_all = "snake_case")]
enum ResourceField {
    Address,
    #[serde(rename = "type")]
    Type,
    ModuleAddress,
    PreviousAddress,
    ActionReason,
    Change,
    #[serde(other)]
    Other,
}

#[derive(Deserialize)]
#[serde(field_identifier, rename_all = "snake_case")]
enum ChangeField {
    Actions,
    Before,
    After,
    ReplacePaths,
    Importing,
    #[serde(other)]
    Other,
}

/// Refuses a field given twice, as a derived shape does: which of two
/// values counts must not be a guess.
fn once<E: de::Error>(seen: &mut bool, name: &'static str) -> Result<(), E> {
    if std::mem::replace(seen, true) { Err(E::duplicate_field(name)) } else { Ok(()) }
}

// ---------------------------------------------------------------------------
// The plan.

impl<'de> DeserializeSeed<'de> for PlanSeed<'_> {
    type Value = RawPlan;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<RawPlan, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for PlanSeed<'_> {
    type Value = RawPlan;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a plan object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawPlan, A::Error> {
        let mut out = RawPlan::default();
        let mut seen = [false; 10];
        let [
            s_format,
            s_terraform,
            s_planned,
            s_changes,
            s_deferred,
            s_actions,
            s_deferred_actions,
            s_complete,
            s_errored,
            s_configuration,
        ] = &mut seen;
        while let Some(field) = map.next_key::<PlanField>()? {
            match field {
                PlanField::FormatVersion => {
                    once(s_format, "format_version")?;
                    out.format_version = map.next_value()?;
                }
                PlanField::TerraformVersion => {
                    once(s_terraform, "terraform_version")?;
                    out.terraform_version = map.next_value()?;
                }
                PlanField::PlannedValues => {
                    once(s_planned, "planned_values")?;
                    out.planned_values = map.next_value()?;
                }
                PlanField::ResourceChanges => {
                    once(s_changes, "resource_changes")?;
                    out.resource_changes = map.next_value_seed(Nullable(ListSeed { keys: self.keys }))?;
                }
                PlanField::DeferredChanges => {
                    once(s_deferred, "deferred_changes")?;
                    out.deferred_changes = map.next_value()?;
                }
                PlanField::ActionInvocations => {
                    once(s_actions, "action_invocations")?;
                    out.action_invocations = map.next_value()?;
                }
                PlanField::DeferredActionInvocations => {
                    once(s_deferred_actions, "deferred_action_invocations")?;
                    out.deferred_action_invocations = map.next_value()?;
                }
                PlanField::Complete => {
                    once(s_complete, "complete")?;
                    out.complete = map.next_value()?;
                }
                PlanField::Errored => {
                    once(s_errored, "errored")?;
                    out.errored = map.next_value()?;
                }
                PlanField::Configuration => {
                    once(s_configuration, "configuration")?;
                    map.next_value_seed(Nullable(ConfigSeed { out: &mut out.provisioned }))?;
                }
                PlanField::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(out)
    }
}

/// A value that may be null: `None` for null, else the seed's value.
struct Nullable<S>(S);

impl<'de, S: DeserializeSeed<'de>> DeserializeSeed<'de> for Nullable<S> {
    type Value = Option<S::Value>;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Option<S::Value>, D::Error> {
        deserializer.deserialize_option(self)
    }
}

impl<'de, S: DeserializeSeed<'de>> Visitor<'de> for Nullable<S> {
    type Value = Option<S::Value>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a value or null")
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        self.0.deserialize(deserializer).map(Some)
    }
}

struct ListSeed<'k> {
    keys: &'k [String],
}

impl<'de> DeserializeSeed<'de> for ListSeed<'_> {
    type Value = BoundedList;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<BoundedList, D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for ListSeed<'_> {
    type Value = BoundedList;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list of resource changes")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<BoundedList, A::Error> {
        let mut items = Vec::new();
        let mut total = 0usize;
        loop {
            if items.len() < limits::MAX_RESOURCES {
                match seq.next_element_seed(ResourceSeed { keys: self.keys })? {
                    Some(item) => items.push(item),
                    None => break,
                }
            } else if seq.next_element::<IgnoredAny>()?.is_none() {
                break;
            }
            total = total.saturating_add(1);
        }
        Ok(BoundedList { items, total })
    }
}

/// The length of a list whose entries are not read.
pub(super) struct SeqCount(pub usize);

impl<'de> Deserialize<'de> for SeqCount {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct CountVisitor;
        impl<'de> Visitor<'de> for CountVisitor {
            type Value = SeqCount;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a list")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<SeqCount, A::Error> {
                let mut n = 0usize;
                while seq.next_element::<IgnoredAny>()?.is_some() {
                    n = n.saturating_add(1);
                }
                Ok(SeqCount(n))
            }
        }
        deserializer.deserialize_seq(CountVisitor)
    }
}

// ---------------------------------------------------------------------------
// One resource change.

struct ResourceSeed<'k> {
    keys: &'k [String],
}

impl<'de> DeserializeSeed<'de> for ResourceSeed<'_> {
    type Value = RawResource;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<RawResource, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for ResourceSeed<'_> {
    type Value = RawResource;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a resource change object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawResource, A::Error> {
        let (mut address, mut resource_type, mut change) = (None, None, None);
        let (mut module_address, mut previous_address, mut action_reason) = (None, None, None);
        let mut seen = [false; 6];
        let [s_address, s_type, s_module, s_previous, s_reason, s_change] = &mut seen;
        while let Some(field) = map.next_key::<ResourceField>()? {
            match field {
                ResourceField::Address => {
                    once(s_address, "address")?;
                    address = Some(map.next_value::<String>()?);
                }
                ResourceField::Type => {
                    once(s_type, "type")?;
                    resource_type = Some(map.next_value::<String>()?);
                }
                ResourceField::ModuleAddress => {
                    once(s_module, "module_address")?;
                    module_address = map.next_value()?;
                }
                ResourceField::PreviousAddress => {
                    once(s_previous, "previous_address")?;
                    previous_address = map.next_value()?;
                }
                ResourceField::ActionReason => {
                    once(s_reason, "action_reason")?;
                    action_reason = map.next_value()?;
                }
                ResourceField::Change => {
                    once(s_change, "change")?;
                    change = Some(map.next_value_seed(ChangeSeed { keys: self.keys })?);
                }
                ResourceField::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(RawResource {
            address: address.ok_or_else(|| de::Error::missing_field("address"))?,
            resource_type: resource_type.unwrap_or_default(),
            module_address,
            previous_address,
            action_reason,
            change: change.ok_or_else(|| de::Error::missing_field("change"))?,
        })
    }
}

struct ChangeSeed<'k> {
    keys: &'k [String],
}

impl<'de> DeserializeSeed<'de> for ChangeSeed<'_> {
    type Value = RawChange;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<RawChange, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for ChangeSeed<'_> {
    type Value = RawChange;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a change object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawChange, A::Error> {
        let mut actions: Option<(Vec<String>, usize)> = None;
        let (mut before, mut after, mut importing) = (None, None, None);
        let mut replace_paths: Option<(Vec<KeptPath>, usize)> = None;
        let mut seen = [false; 5];
        let [s_actions, s_before, s_after, s_paths, s_importing] = &mut seen;
        while let Some(field) = map.next_key::<ChangeField>()? {
            match field {
                ChangeField::Actions => {
                    once(s_actions, "actions")?;
                    actions = Some(map.next_value_seed(ActionsSeed)?);
                }
                ChangeField::Before => {
                    once(s_before, "before")?;
                    before = map.next_value_seed(Nullable(AttributesSeed { keys: self.keys }))?;
                }
                ChangeField::After => {
                    once(s_after, "after")?;
                    after = map.next_value_seed(Nullable(AttributesSeed { keys: self.keys }))?;
                }
                ChangeField::ReplacePaths => {
                    once(s_paths, "replace_paths")?;
                    replace_paths = map.next_value_seed(Nullable(PathsSeed))?;
                }
                ChangeField::Importing => {
                    once(s_importing, "importing")?;
                    importing = map.next_value()?;
                }
                ChangeField::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        let (actions, actions_total) = actions.ok_or_else(|| de::Error::missing_field("actions"))?;
        let (replace_paths, replace_paths_total) = replace_paths.unwrap_or_default();
        Ok(RawChange { actions, actions_total, before, after, replace_paths, replace_paths_total, importing })
    }
}

/// `change.actions`: a list of strings, the first [`MAX_ACTIONS_KEPT`]
/// kept and the rest counted (and skipped unread).
struct ActionsSeed;

impl<'de> DeserializeSeed<'de> for ActionsSeed {
    type Value = (Vec<String>, usize);
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for ActionsSeed {
    type Value = (Vec<String>, usize);
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a sequence")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut kept = Vec::new();
        let mut total = 0usize;
        loop {
            let more = if kept.len() < MAX_ACTIONS_KEPT {
                seq.next_element::<String>()?.map(|a| kept.push(a)).is_some()
            } else {
                seq.next_element::<IgnoredAny>()?.is_some()
            };
            if !more {
                break;
            }
            total = total.saturating_add(1);
        }
        Ok((kept, total))
    }
}

// ---------------------------------------------------------------------------
// Replace paths, rendered while they are read.

/// `change.replace_paths`: a list of paths, each a list of steps.
struct PathsSeed;

impl<'de> DeserializeSeed<'de> for PathsSeed {
    type Value = (Vec<KeptPath>, usize);
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for PathsSeed {
    type Value = (Vec<KeptPath>, usize);
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a sequence")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut kept = Vec::new();
        let mut total = 0usize;
        // Every path is read (a step of the wrong type is an error
        // wherever it is); only the first ones are kept.
        let mut index = 0usize;
        while let Some(path) = seq.next_element_seed(PathSeed { keep: kept.len() < MAX_REPLACE_PATHS_KEPT })? {
            if let Some((path, len)) = path {
                total = total.saturating_add(1);
                if kept.len() < MAX_REPLACE_PATHS_KEPT {
                    kept.push(KeptPath { path, len, index });
                }
            }
            index = index.saturating_add(1);
        }
        Ok((kept, total))
    }
}

/// One replace path, rendered as it is read, with its whole length; `None`
/// when it is empty. Rendering stops one byte past
/// [`limits::MAX_STRING_BYTES`] (the steps after are still checked and
/// counted), and nothing is kept when `keep` is false.
struct PathSeed {
    keep: bool,
}

impl<'de> DeserializeSeed<'de> for PathSeed {
    type Value = Option<(String, usize)>;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for PathSeed {
    type Value = Option<(String, usize)>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a sequence")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut out = String::new();
        let mut len = 0usize;
        while let Some(step) = seq.next_element::<PathStep>()? {
            len = len.saturating_add(step.rendered_len(len == 0));
            if self.keep && out.len() <= limits::MAX_STRING_BYTES {
                render_step(&mut out, &step);
                out.truncate(floor_char_boundary(&out, limits::MAX_STRING_BYTES.saturating_add(1)));
            }
        }
        Ok((len > 0).then_some((out, len)))
    }
}

/// One step of a replace path: an attribute or map key, or a list index
/// (kept as written).
enum PathStep {
    /// A key, cut one byte past the string limit, with whether it is
    /// written plain (see [`is_plain_key`]) and its whole rendered length.
    Key {
        text: String,
        plain: bool,
        rendered: usize,
    },
    Index(String),
}

impl PathStep {
    /// The bytes the step adds to a path (`first`: nothing before it).
    fn rendered_len(&self, first: bool) -> usize {
        match self {
            Self::Key { plain: false, rendered, .. } => *rendered,
            Self::Key { rendered, .. } => rendered.saturating_add(usize::from(!first)),
            Self::Index(index) => index.len().saturating_add(usize::from(!first)),
        }
    }
}

impl<'de> Deserialize<'de> for PathStep {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct StepVisitor;
        impl Visitor<'_> for StepVisitor {
            type Value = PathStep;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string or an integer")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<PathStep, E> {
                let plain = is_plain_key(v);
                let rendered = if plain {
                    v.len()
                } else {
                    let escapes = v.bytes().filter(|b| matches!(b, b'"' | b'\\')).count();
                    v.len().saturating_add(escapes).saturating_add(4)
                };
                let end = floor_char_boundary(v, limits::MAX_STRING_BYTES.saturating_add(1));
                Ok(PathStep::Key { text: v.get(..end).unwrap_or(v).to_owned(), plain, rendered })
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<PathStep, E> {
                Ok(PathStep::Index(v.to_string()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<PathStep, E> {
                Ok(PathStep::Index(v.to_string()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<PathStep, E> {
                Ok(PathStep::Index(v.to_string()))
            }
        }
        deserializer.deserialize_any(StepVisitor)
    }
}

/// The largest char boundary of `s` at or before `at`.
fn floor_char_boundary(s: &str, at: usize) -> usize {
    if at >= s.len() {
        return s.len();
    }
    (0..=at).rev().find(|&i| s.is_char_boundary(i)).unwrap_or(0)
}

/// Appends one step to a dotted path: `["ingress", 0, "cidr_blocks"]` is
/// `ingress.0.cidr_blocks`; a key that is empty or holds `.`, `[`, `]`,
/// `"` or whitespace is written in brackets (`tags["app.kubernetes.io/name"]`).
fn render_step(out: &mut String, step: &PathStep) {
    match step {
        PathStep::Key { text, plain: true, .. } => {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(text);
        }
        PathStep::Key { text: key, .. } => {
            out.push_str("[\"");
            for c in key.chars() {
                if matches!(c, '"' | '\\') {
                    out.push('\\');
                }
                out.push(c);
            }
            out.push_str("\"]");
        }
        PathStep::Index(index) => {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(index);
        }
    }
}

fn is_plain_key(key: &str) -> bool {
    !key.is_empty() && !key.chars().any(|c| matches!(c, '.' | '[' | ']' | '"') || c.is_whitespace())
}
