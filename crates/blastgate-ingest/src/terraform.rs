//! Terraform and OpenTofu plans: the JSON that `terraform show -json
//! <planfile>` (or `tofu show -json <planfile>`) prints, read into the
//! changeset model's [`InfraChange`]s.
//!
//! Only what a gate needs is read: the plan's `format_version` and
//! `terraform_version`, and for each entry of `resource_changes` its address,
//! type, module, previous address, whether it is imported, actions, action
//! reason, replace paths, the entries of its tag or label maps whose key
//! is a tag key of the mapping, and its prior `skip_final_snapshot`; for
//! each entry of `action_invocations` (provider actions `apply` runs,
//! Terraform 1.14) its address, type and trigger, and how many
//! `deferred_action_invocations` there are; of `configuration`, which
//! resources declare provisioners (`terraform/raw/config.rs`), whose
//! commands make their resource's change unknown.
//! Everything else (the rest of `configuration`, `prior_state`, `planned_values`, the
//! rest of `before` and `after`, and a read field of another shape than
//! Terraform writes) is skipped without being built in memory
//! (`terraform/raw.rs`), so a plan of a few megabytes parses in
//! milliseconds and a hostile one takes no more memory than its size. `resource_drift`
//! describes changes made outside Terraform, not changes the plan will
//! make, and is ignored.
//!
//! # Sources
//!
//! The field names, the action lists and the format versions follow
//! Terraform's `internal/command/jsonplan` (`plan.go`, `resource.go`) and
//! HashiCorp's `terraform-json` library, which reads format versions
//! `>= 0.1, < 2.0`.

use std::collections::{BTreeMap, HashSet};

use blastgate_change::{ChangeError, InfraAction, InfraChange, limits};
use blastgate_graph::{ErrorDetail, GraphError};
use serde::Deserialize;

use crate::doc;
use blastgate_change::module_steps;

mod raw;

use raw::{Attributes, Hit, PlanSeed, Provisioned, RawPlan, RawResource, TAG_MAPS};

/// The tag and label keys read by default, in order of precedence.
pub const DEFAULT_TAG_KEYS: [&str; 3] = ["blastgate.dev/node", "blastgate-node", "service"];

/// How plan resources map to graph nodes.
///
/// Three rules are tried in order; the first that gives a node wins:
///
/// 1. **Explicit map.** A resource address (`aws_db_instance.orders`), or a
///    prefix of one that ends where an address step ends: a module path
///    (`module.orders_db` covers `module.orders_db[0].aws_db_instance.main`)
///    or a resource without its index (`aws_instance.web` covers
///    `aws_instance.web[2]`). The longest matching entry wins.
/// 2. **Tag or label.** A key of [`ResourceMapping::tag_keys`] (by default
///    [`DEFAULT_TAG_KEYS`]), compared without regard to ASCII case, in the
///    `tags`, `tags_all` or `labels` map of the resource's planned values
///    (`before` for a resource that exists, `after` for one the plan
///    creates: the resource as it is decides, so a plan that retags it, or
///    tags it for the first time, cannot move it to another node; either is
///    a warning). A moved resource is mapped by its `previous_address`. Keys
///    are tried in order; a non-empty string value is the node id.
/// 3. **Module name.** The names of the modules the resource is in,
///    innermost first, each as written and with `_` replaced by `-`
///    (`module.orders_db` gives `orders_db`, then `orders-db`), **if** the
///    node is one of the known nodes given with
///    [`ResourceMapping::with_known_nodes`]. Without a known match nothing is
///    guessed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceMapping {
    explicit: BTreeMap<String, String>,
    tag_keys: Vec<String>,
    known_nodes: HashSet<String>,
}

impl Default for ResourceMapping {
    fn default() -> Self {
        Self {
            explicit: BTreeMap::new(),
            tag_keys: DEFAULT_TAG_KEYS.iter().map(|&k| k.to_owned()).collect(),
            known_nodes: HashSet::new(),
        }
    }
}

impl ResourceMapping {
    /// The default mapping that also maps resources by module name onto
    /// `nodes` (normally every node id of the graph).
    pub fn with_known_nodes(nodes: impl IntoIterator<Item = String>) -> Self {
        Self { known_nodes: nodes.into_iter().collect(), ..Self::default() }
    }

    /// Adds an explicit entry: resources at `address`, or under it when it
    /// is a module path or an unindexed resource, map to `node`.
    #[must_use]
    pub fn map(mut self, address: impl Into<String>, node: impl Into<String>) -> Self {
        self.explicit.insert(address.into(), node.into());
        self
    }

    /// Replaces the tag and label keys read, in order of precedence.
    #[must_use]
    pub fn tag_keys(mut self, keys: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.tag_keys = keys.into_iter().map(Into::into).collect();
        self
    }

    /// The tag and label keys read, in order of precedence.
    pub fn keys(&self) -> &[String] {
        &self.tag_keys
    }
}

/// How to read a plan.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct PlanOptions {
    /// How resources map to graph nodes.
    pub mapping: ResourceMapping,
}

impl PlanOptions {
    /// Options with `mapping` and defaults otherwise.
    pub fn with_mapping(mapping: ResourceMapping) -> Self {
        Self { mapping }
    }
}

/// What a plan will change.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct PlanSummary {
    /// The plan's `format_version`, if it states one.
    pub format_version: Option<String>,
    /// The Terraform or OpenTofu version that wrote the plan.
    pub terraform_version: Option<String>,
    /// One entry per `resource_changes` entry, in plan order, `no-op`s
    /// included, then one per `action_invocations` entry: an
    /// [`InfraAction::Unknown`] change, placed only by an explicit map
    /// entry that names actions.
    pub changes: Vec<InfraChange>,
    /// Things the reader should know: a missing format version, an action
    /// list this build does not know, an incomplete plan. Each
    /// names the file and the place.
    pub warnings: Vec<String>,
    /// Why each mapped resource maps to its node (which rule, which key or
    /// prefix), one line per mapped resource.
    pub notes: Vec<String>,
}

/// Parses the JSON of `terraform show -json <planfile>` (the contents of
/// `file`) into the resources it changes.
///
/// Each entry of `resource_changes` becomes an [`InfraChange`] whose action
/// summarises `change.actions`: `["create"]` create, `["update"]` update,
/// `["delete"]` delete, `["delete", "create"]`, `["create", "delete"]` and
/// `["create", "forget"]` replace, `["read"]` read (data sources), `["no-op"]`
/// no-op, `["forget"]` forget; any other list is
/// [`InfraAction::Unknown`] with a warning. So is, with a warning, an
/// entry that runs a command the plan does not show (a create, delete or
/// replace of a resource whose configuration declares provisioners, a
/// change of a provider type that runs code such as a Lambda invocation or
/// a Kubernetes job, a read of an `external` data source, a delete of a
/// `terraform_data` or `null_resource` whose block is gone); it is placed
/// only by an explicit map entry naming the resource. `change.replace_paths` are
/// written as dotted paths (`ingress.0.cidr_blocks`; a map key that holds a
/// `.` is written `tags["a.b"]`). `node` is set by `options.mapping` (see
/// [`ResourceMapping`]). Unknown fields are ignored, since the format grows
/// new ones in minor versions.
///
/// # Errors
/// [`ChangeError::Syntax`] for invalid UTF-8 or malformed JSON (line and
/// column); [`ChangeError::Schema`] for a wrong type or a missing
/// `address`, `change` or `change.actions`, naming the JSON path
/// (`$.resource_changes[3].change.actions`), or for a document that is not a
/// plan (no `resource_changes` and no `planned_values`) or a plan that
/// errored (`errored: true`: it may leave out any change);
/// [`ChangeError::UnsupportedVersion`] for a `format_version` whose major
/// version is not 0 or 1; [`ChangeError::LimitExceeded`] for input over
/// [`limits::MAX_INPUT_BYTES`], more than [`limits::MAX_RESOURCES`]
/// resource changes, a string over [`limits::MAX_STRING_BYTES`] or nesting
/// deeper than `blastgate_graph::limits::MAX_NESTING_DEPTH`.
///
/// # Complexity
/// Linear in the input size. Memory is linear in the number of resource
/// changes and the number of tag keys, not in the size of the plan: of a
/// resource only its strings (each checked against
/// [`limits::MAX_STRING_BYTES`]), at most three actions, 1,000 replace
/// paths and the tag entries of the mapping's keys are kept, and every
/// other value, or one of another shape, is skipped unread.
///
/// # Example
/// ```
/// use blastgate_change::InfraAction;
/// # use blastgate_ingest::terraform::{PlanOptions, ResourceMapping, parse_plan};
///
/// let plan = br#"{"format_version": "1.2", "resource_changes": [{
///     "address": "module.orders_db.aws_db_instance.main",
///     "module_address": "module.orders_db",
///     "type": "aws_db_instance",
///     "change": {"actions": ["delete", "create"], "replace_paths": [["engine_version"]]}
/// }]}"#;
/// let mapping = ResourceMapping::with_known_nodes(["orders-db".to_owned()]);
/// let summary = parse_plan("plan.json", plan, &PlanOptions::with_mapping(mapping)).unwrap();
/// let change = &summary.changes[0];
/// assert_eq!(change.action, Some(InfraAction::Replace));
/// assert_eq!(change.replace_paths, ["engine_version"]);
/// assert_eq!(change.node.as_deref(), Some("orders-db"));
/// ```
pub fn parse_plan(file: &str, bytes: &[u8], options: &PlanOptions) -> Result<PlanSummary, ChangeError> {
    if bytes.len() as u64 > limits::MAX_INPUT_BYTES {
        return Err(ChangeError::limit(file, "max_input_bytes", limits::MAX_INPUT_BYTES, bytes.len() as u64));
    }
    let text = doc::utf8(file, bytes)?;
    let plan: RawPlan = match doc::from_json_seed(file, text, PlanSeed { keys: &options.mapping.tag_keys }) {
        Ok(plan) => plan,
        Err(e @ (GraphError::Schema(_) | GraphError::InvalidValue(_))) => {
            // A plan of another major version may have another shape: say
            // so rather than report the first field that differs.
            return Err(explain_failure(file, text).unwrap_or_else(|| e.into()));
        }
        Err(e) => return Err(e.into()),
    };
    let mut warnings = Vec::new();
    check_header(file, &plan, &mut warnings)?;
    let list = plan.resource_changes.unwrap_or_default();
    if list.total > limits::MAX_RESOURCES {
        return Err(ChangeError::limit(file, "max_resources", limits::MAX_RESOURCES as u64, list.total as u64));
    }
    if plan.provisioned.total > limits::MAX_RESOURCES {
        let at = format!("{file}: $.configuration (resources with provisioners)");
        let total = plan.provisioned.total as u64;
        return Err(ChangeError::limit(&at, "max_resources", limits::MAX_RESOURCES as u64, total));
    }
    let mut changes = Vec::with_capacity(list.items.len());
    let mut notes = Vec::new();
    let mut entry_warnings = PlanWarnings::default();
    for (i, raw) in list.items.into_iter().enumerate() {
        let at = format!("$.resource_changes[{i}]");
        let (change, note) = convert(file, &at, raw, &options.mapping, &plan.provisioned, &mut entry_warnings)?;
        notes.extend(note);
        changes.push(change);
    }
    let actions = plan.action_invocations.unwrap_or_default();
    if actions.total > limits::MAX_RESOURCES {
        let at = format!("{file}: $.action_invocations");
        return Err(ChangeError::limit(&at, "max_resources", limits::MAX_RESOURCES as u64, actions.total as u64));
    }
    for (i, raw) in actions.items.into_iter().enumerate() {
        let at = format!("$.action_invocations[{i}]");
        let (change, note) = convert_action(file, &at, raw, &options.mapping, &mut entry_warnings)?;
        notes.extend(note);
        changes.push(change);
    }
    warnings.extend(entry_warnings.finish(file));
    Ok(PlanSummary {
        format_version: plan.format_version,
        terraform_version: plan.terraform_version,
        changes,
        warnings,
        notes,
    })
}

/// The kinds of warnings about a plan's entries, each capped on its own.
mod kind {
    pub(super) const UNKNOWN_ACTIONS: &str = "an unknown action list";
    pub(super) const REPLACE_PATHS_CUT: &str = "replace paths past the first 1,000";
    pub(super) const TAG_ON_EXISTING: &str = "a tag added to an existing resource";
    pub(super) const MOVED: &str = "a moved resource";
    pub(super) const RETAG: &str = "a retagged resource";
    pub(super) const ODD_SNAPSHOT: &str = "a `skip_final_snapshot` that is not a boolean";
    pub(super) const PROVIDER_ACTION: &str = "a provider action";
    pub(super) const RUNS_COMMANDS: &str = "a resource that runs commands";
}

/// Provider resource types that run code where they are applied when they
/// are created, changed or destroyed: a Lambda invocation, a Kubernetes
/// job, an SSM association (a shell script on instances), an Azure VM's
/// run command or extension (a custom script). What the code does cannot
/// be seen in the plan.
const COMMAND_TYPES: [&str; 7] = [
    "aws_lambda_invocation",
    "kubernetes_job",
    "kubernetes_job_v1",
    "aws_ssm_association",
    "azurerm_virtual_machine_run_command",
    "azurerm_virtual_machine_extension",
    "azurerm_virtual_machine_scale_set_extension",
];

/// Warnings about a plan's entries, by kind. A plan may list 100,000
/// entries, each with a few warnings: an audit found 400,001 diagnostics,
/// 100 MB of JSON, from one plan. So each kind is capped as an
/// assessment's graph warnings are ([`blastgate_graph::sample_warnings`]):
/// the first [`blastgate_graph::WARNINGS_SHOWN`] in sorted order, then one
/// warning that counts them all. What is decided does not change: every
/// entry is still read and counted.
#[derive(Default)]
struct PlanWarnings {
    by_kind: BTreeMap<&'static str, Vec<String>>,
}

impl PlanWarnings {
    fn push(&mut self, kind: &'static str, warning: String) {
        self.by_kind.entry(kind).or_default().push(warning);
    }

    /// The warnings shown, kind by kind.
    fn finish(self, file: &str) -> Vec<String> {
        let mut out = Vec::new();
        for (kind, warnings) in self.by_kind {
            let total = warnings.len();
            let (shown, more) = blastgate_graph::sample_warnings(warnings);
            let quoted = shown.len();
            out.extend(shown);
            if more > 0 {
                out.push(format!(
                    "{file}: {total} warnings of {kind} in all; the first {quoted} in sorted order are shown, and \
                     {more} more are not"
                ));
            }
        }
        out
    }
}

/// The plan format major versions this build reads.
const SUPPORTED_MAJORS: [u32; 2] = [0, 1];

fn check_header(file: &str, plan: &RawPlan, warnings: &mut Vec<String>) -> Result<(), ChangeError> {
    for (place, value) in [("$.format_version", &plan.format_version), ("$.terraform_version", &plan.terraform_version)]
    {
        if let Some(value) = value {
            check_len(file, place, value)?;
        }
    }
    match &plan.format_version {
        Some(version) => check_version(file, version)?,
        None => warnings.push(format!(
            "{file}: $: no `format_version`; read as plan format 1.x (write the plan with `terraform show -json`)"
        )),
    }
    if plan.resource_changes.is_none() && plan.planned_values.is_none() {
        return Err(ChangeError::Schema(
            ErrorDetail::new(file, "$", "", "not a plan: no `resource_changes` and no `planned_values`")
                .with_help_text("pass the output of `terraform show -json <planfile>`; a state file lists no changes"),
        ));
    }
    // A plan that errored may leave out any change, a destructive one
    // included: it is refused, not assessed on what it happens to list
    // (found by a fail-closed audit: a warning, then `auto`).
    if plan.errored == Some(true) {
        return Err(ChangeError::Schema(
            ErrorDetail::new(file, "$.errored", "true", "the plan errored, so it may not list every change")
                .with_help_text("fix the errors `terraform plan` reports and plan again"),
        ));
    }
    let deferred = plan.deferred_changes.as_ref().map_or(0, |d| d.0);
    if deferred > 0 {
        warnings.push(format!(
            "{file}: $.deferred_changes: {deferred} changes are deferred to a later plan and are not assessed here"
        ));
    } else if plan.complete == Some(false) {
        warnings.push(format!("{file}: $.complete: the plan is incomplete: another plan and apply will be needed"));
    }
    let deferred_actions = plan.deferred_action_invocations.as_ref().map_or(0, |d| d.0);
    if deferred_actions > 0 {
        warnings.push(format!(
            "{file}: $.deferred_action_invocations: {deferred_actions} provider action(s) are deferred to a later plan \
             and are not assessed here"
        ));
    }
    Ok(())
}

/// Turns one `action_invocations` entry (Terraform 1.14: a provider
/// action `apply` runs, from a resource's `lifecycle { action_trigger }`
/// or from `-invoke`) into an [`InfraChange`] whose action is
/// [`InfraAction::Unknown`], with a warning naming it.
///
/// What an action does is up to its provider and its configuration (stop
/// an instance, invoke a function that purges a database), which the
/// reader cannot know: it counts as destructive, as an action list this
/// build does not know does. Nor does anything say where it acts. The
/// resource that triggers it says when it runs, not what it acts on (a
/// leaf's `terraform_data` may stop the storefront's instance), and the
/// module it is declared in is chosen by the change under review: so it
/// is placed on a node only by an explicit map entry that names actions
/// (`action.aws_lambda_invoke.purge`, or `action.aws_lambda_invoke`), and is
/// otherwise unplaced (its reach unknown). The engine still counts the
/// nodes its modules name, as for any entry that states no node.
fn convert_action(
    file: &str,
    at: &str,
    raw: raw::RawAction,
    mapping: &ResourceMapping,
    warnings: &mut PlanWarnings,
) -> Result<(InfraChange, Option<String>), ChangeError> {
    check_len(file, &format!("{at}.address"), &raw.address)?;
    check_address(file, &format!("{at}.address"), &raw.address)?;
    let action_type = raw.action_type.unwrap_or_default();
    check_len(file, &format!("{at}.type"), &action_type)?;
    let lifecycle = raw.lifecycle_action_trigger.as_ref();
    let trigger = lifecycle.and_then(|t| t.triggering_resource_address.as_deref()).filter(|t| !t.is_empty());
    let event = lifecycle.and_then(|t| t.action_trigger_event.as_deref()).filter(|e| !e.is_empty());
    let caller = raw.invoke_action_trigger.as_ref().and_then(|t| t.calling_resource_address.as_deref());
    for (name, value) in [
        ("lifecycle_action_trigger.triggering_resource_address", trigger),
        ("lifecycle_action_trigger.action_trigger_event", event),
        ("invoke_action_trigger.calling_resource_address", caller),
    ] {
        if let Some(value) = value {
            check_len(file, &format!("{at}.{name}"), value)?;
        }
    }
    let how = match (trigger, raw.invoke_action_trigger.is_some()) {
        (Some(resource), _) => {
            let event = event.map(|e| format!(" {}", e.escape_debug())).unwrap_or_default();
            format!("triggered by `{}`{event}", resource.escape_debug())
        }
        (None, true) => "invoked with `-invoke`".to_owned(),
        (None, false) => "from a trigger this build does not read".to_owned(),
    };
    let node = explicit_action_node(mapping, &raw.address);
    let place = match &node {
        Some((node, _)) => format!("counted on node `{node}`, by the explicit mapping"),
        None => {
            "placed on no node (its reach is unknown); an explicit mapping of the action's address places it".to_owned()
        }
    };
    let kind = if action_type.is_empty() { String::new() } else { format!(" (`{}`)", action_type.escape_debug()) };
    warnings.push(
        kind::PROVIDER_ACTION,
        format!(
            "{file}: $.action_invocations[*]: the provider action `{}`{kind}, {how}, runs when the plan is applied; \
         what it does cannot be seen in the plan, so it is treated as destructive and {place}",
            raw.address.escape_debug()
        ),
    );
    let note = match &node {
        Some((node, prefix)) => {
            check_len(file, &format!("{at} (the node it maps to)"), node)?;
            Some(format!(
                "{file}: $.action_invocations[*]: `{}` maps to `{node}` by the explicit mapping of `{prefix}`",
                raw.address
            ))
        }
        None => None,
    };
    let change = InfraChange {
        module: module_prefix(&raw.address).map(str::to_owned),
        address: raw.address,
        resource_type: action_type,
        previous_address: None,
        importing: false,
        action: Some(InfraAction::Unknown),
        actions: None,
        action_reason: None,
        replace_paths: Vec::new(),
        node: node.map(|(node, _)| node),
        final_snapshot: None,
        declared_in_file: false,
    };
    Ok((change, note))
}

/// The node an explicit map entry gives an action: one that names actions
/// (`action.TYPE` or `action.TYPE.NAME` after its module steps, or the
/// whole address), the longest first. A module's entry (`module.leaf`) was
/// written for its resources and does not place its actions.
fn explicit_action_node(mapping: &ResourceMapping, address: &str) -> Option<(String, String)> {
    let module_end = module_steps(address).1;
    prefix_ends(address).into_iter().find_map(|end| {
        let prefix = address.get(..end)?;
        let rest = prefix.get(module_end..)?.trim_start_matches('.');
        let names_action = rest.strip_prefix("action.").is_some_and(|r| !r.is_empty());
        let node = mapping.explicit.get(prefix).filter(|_| names_action)?;
        Some((node.clone(), prefix.to_owned()))
    })
}

/// The node an explicit map entry gives a resource that runs commands: one
/// that names the resource (its whole address, or a prefix that reaches
/// past its module steps: `module.leaf.terraform_data.rotate` or
/// `module.leaf.terraform_data`), the longest first. A module's entry
/// (`module.leaf`) was written for what its resources are, not for what
/// their commands do.
///
/// The address is tried as written, then without its instance keys
/// (`module.leaf.terraform_data.rotate` names
/// `module.leaf["a"].terraform_data.rotate[0]`: a docs audit found such an
/// entry placed nothing).
fn explicit_resource_node(mapping: &ResourceMapping, address: &str) -> Option<(String, String)> {
    let configured = config_address(address);
    [address, configured.as_str()].into_iter().find_map(|address| {
        let module_end = module_steps(address).1;
        prefix_ends(address).into_iter().find_map(|end| {
            let prefix = address.get(..end)?;
            let names_resource = prefix.get(module_end..).is_some_and(|r| !r.trim_start_matches('.').is_empty());
            let node = mapping.explicit.get(prefix).filter(|_| names_resource)?;
            Some((node.clone(), prefix.to_owned()))
        })
    })
}

/// The configuration address of a resource instance's address: its
/// instance keys left out (`module.a.module.b.aws_x.y` for
/// `module.a[0].module.b["k"].aws_x.y[2]`), as the plan's `configuration`
/// writes resources.
fn config_address(address: &str) -> String {
    blastgate_change::address_steps(address).join(".")
}

fn check_version(file: &str, version: &str) -> Result<(), ChangeError> {
    let (major, minor) = version.split_once('.').unwrap_or((version, "0"));
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let supported = digits(major) && digits(minor) && major.parse().is_ok_and(|m: u32| SUPPORTED_MAJORS.contains(&m));
    if supported {
        return Ok(());
    }
    Err(ChangeError::UnsupportedVersion(
        ErrorDetail::new(file, "$.format_version", version, "plan format version this build does not read")
            .with_help_text("blastgate reads plan format versions 0.x and 1.x (`terraform show -json` of Terraform 0.12 or later, or OpenTofu)"),
    ))
}

/// Builds the error for a plan that failed to deserialise when its
/// `format_version` is one this build does not read.
fn explain_failure(file: &str, text: &str) -> Option<ChangeError> {
    let header: Header = doc::from_json(file, text).ok()?;
    check_version(file, &header.format_version?).err()
}

fn check_len(file: &str, place: &str, value: &str) -> Result<(), ChangeError> {
    check_bytes(file, place, value.len())
}

/// The `max_string_bytes` error for a string of `len` bytes at `place`,
/// if it is too long. Limit errors have no place field: the place is
/// named with the file, as a changeset's are.
fn check_bytes(file: &str, place: &str, len: usize) -> Result<(), ChangeError> {
    if len > limits::MAX_STRING_BYTES {
        let at = format!("{file}: {place}");
        return Err(ChangeError::limit(&at, "max_string_bytes", limits::MAX_STRING_BYTES as u64, len as u64));
    }
    Ok(())
}

/// Refuses an address no resource has: empty or blank (it names nothing
/// and maps nowhere), or holding a control character (a line break in
/// an address would start a line of its own in a CI log). Checked here,
/// where the plan's own place is known: the merged changeset's check
/// named `$.infrastructure[N]` of a document that does not exist.
fn check_address(file: &str, place: &str, address: &str) -> Result<(), ChangeError> {
    if address.trim().is_empty() {
        return Err(ChangeError::invalid(file, place, address, "resource address is empty"));
    }
    if address.chars().any(char::is_control) {
        return Err(ChangeError::invalid(
            file,
            place,
            address.escape_debug().to_string(),
            "contains a control character (a line break, tab or escape); no resource address does",
        ));
    }
    Ok(())
}

/// How warnings and notes name a `resource_changes` entry: with its
/// index written `[*]`, as graph warnings write theirs, and by its
/// address in the message. An assessment's bytes must not depend on the
/// order of the entries, which Terraform leaves undefined (a determinism
/// audit: reversing `resource_changes` gave other bytes under the same
/// digest, each warning naming the entry's index).
const ENTRY: &str = "$.resource_changes[*]";

/// Turns one `resource_changes` entry into an [`InfraChange`] and, when it
/// maps to a node, a note saying why.
fn convert(
    file: &str,
    at: &str,
    raw: RawResource,
    mapping: &ResourceMapping,
    provisioned: &Provisioned,
    warnings: &mut PlanWarnings,
) -> Result<(InfraChange, Option<String>), ChangeError> {
    let place = ENTRY;
    check_len(file, &format!("{at}.address"), &raw.address)?;
    check_address(file, &format!("{at}.address"), &raw.address)?;
    check_len(file, &format!("{at}.type"), &raw.resource_type)?;
    let strings = [("module_address", &raw.module_address), ("action_reason", &raw.action_reason)];
    for (name, value) in strings {
        if let Some(value) = value {
            check_len(file, &format!("{at}.{name}"), value)?;
        }
    }
    for (k, action) in raw.change.actions.iter().enumerate() {
        check_len(file, &format!("{at}.change.actions[{k}]"), action)?;
    }
    // A tag value longer than a node id may be is refused, as a node id
    // that long would be (only the entries of the mapping's keys are kept).
    for (side, attrs) in [("before", &raw.change.before), ("after", &raw.change.after)] {
        for (map, hits) in attrs.iter().flat_map(|a| TAG_MAPS.iter().zip(&a.hits)) {
            for hit in hits.iter().flatten() {
                let place = format!("{at}.change.{side}.{map}[\"{}\"]", hit.key.escape_debug());
                check_bytes(file, &place, hit.len)?;
            }
        }
    }
    // A list longer than the kept entries is longer than any Terraform
    // writes: unknown, whatever its first entries.
    let known = raw.change.actions_total == raw.change.actions.len();
    let action = InfraAction::from_plan_actions(&raw.change.actions).filter(|_| known).unwrap_or_else(|| {
        let more = raw.change.actions_total.saturating_sub(raw.change.actions.len());
        let rest = if more > 0 { format!(" and {more} more") } else { String::new() };
        warnings.push(
            kind::UNKNOWN_ACTIONS,
            format!(
                "{file}: {place}.change.actions: unknown action list `{}`{rest} for `{}`; treated as destructive",
                render_actions(&raw.change.actions),
                raw.address
            ),
        );
        InfraAction::Unknown
    });
    let mut replace_paths = Vec::with_capacity(raw.change.replace_paths.len());
    for kept in raw.change.replace_paths {
        check_bytes(file, &format!("{at}.change.replace_paths[{}]", kept.index), kept.len)?;
        replace_paths.push(kept.path);
    }
    if raw.change.replace_paths_total > replace_paths.len() {
        warnings.push(
            kind::REPLACE_PATHS_CUT,
            format!(
                "{file}: {place}.change.replace_paths: `{}` lists {} replace paths; the first {} are kept",
                raw.address,
                raw.change.replace_paths_total,
                replace_paths.len()
            ),
        );
    }
    // A moved resource (a `moved` block, written in the change under
    // review) is mapped where it was: the author picks the new address,
    // and moving a database into a leaf service's module must not move
    // its destruction there.
    let previous = raw.previous_address.as_deref().filter(|p| !p.is_empty() && *p != raw.address);
    if let Some(previous) = previous {
        check_len(file, &format!("{at}.previous_address"), previous)?;
        check_address(file, &format!("{at}.previous_address"), previous)?;
    }
    let module = match (previous, raw.module_address.filter(|m| !m.is_empty())) {
        (Some(previous), _) => module_prefix(previous).map(str::to_owned),
        (None, Some(module)) => Some(module),
        (None, None) => module_prefix(&raw.address).map(str::to_owned),
    };
    // The resource as it is (`before`) decides which node it is: its
    // planned tags are part of the change under review, and retagging a
    // database to a leaf service must not move its destruction there. A
    // resource that exists is mapped by its `before` alone (a tag the plan
    // adds to an untagged database must not place it either); one the plan
    // creates, by its `after`.
    let exists = raw.change.before.is_some();
    let attributes = if exists { [("before", &raw.change.before)] } else { [("after", &raw.change.after)] };
    let resolved = resolve(mapping, previous.unwrap_or(&raw.address), module.as_deref(), &attributes);
    if exists
        && let Some(after) = raw.change.after.as_ref()
        && raw.change.before.as_ref().and_then(|b| tag_node(mapping, b)).is_none()
        && let Some((will, ..)) = tag_node(mapping, after)
    {
        warnings.push(kind::TAG_ON_EXISTING, format!(
            "{file}: {place}: the plan tags the existing `{}` with node `{will}`; an existing resource is mapped as \
             it is now, by its address or module (tag it in an earlier change to map it by tag)",
            raw.address
        ));
    }
    if let Some(previous) = previous {
        warnings.push(
            kind::MOVED,
            format!("{file}: {place}: `{}` was moved from `{previous}`; it is mapped as it was", raw.address),
        );
    }
    let sides = (raw.change.before.as_ref(), raw.change.after.as_ref());
    if let (Some(before), Some(after)) = sides
        && let (Some((was, ..)), Some((will, ..))) = (tag_node(mapping, before), tag_node(mapping, after))
        && was != will
    {
        warnings.push(
            kind::RETAG,
            format!(
                "{file}: {place}: the plan retags `{}` from node `{was}` to `{will}`; the resource is mapped as it is \
             now, to `{was}`",
                raw.address
            ),
        );
    }
    // What runs a command when the plan is applied: a provisioner runs when
    // its resource is created or destroyed (the configuration does not say
    // which: `when = destroy` is not in the plan), a provider resource of
    // COMMAND_TYPES when it is created, changed or destroyed, an `external`
    // data source when it is read. The command can do anything anywhere (a
    // leaf's `terraform_data` whose `local-exec` deletes a tier-0
    // database: found by a gaming audit, peer where the delete itself
    // blocks), so the entry is an unknown, destructive change, placed
    // only by an explicit map entry that names the resource: as for a
    // provider action, the module it sits in is chosen by the change
    // under review, and its tags are written by it.
    let steps = blastgate_change::address_steps(&raw.address);
    let is_type = |types: &[&str]| {
        types.contains(&raw.resource_type.as_str()) || steps.iter().rev().nth(1).is_some_and(|t| types.contains(t))
    };
    let configured = config_address(&raw.address);
    let provisioners = provisioned.by_address.get(&configured);
    let command = match action {
        // A provisioner runs when its resource is created or destroyed.
        InfraAction::Create | InfraAction::Delete | InfraAction::Replace | InfraAction::Unknown
            if provisioners.is_some() =>
        {
            let (types, total) = provisioners.map(|(t, n)| (t.as_slice(), *n)).unwrap_or_default();
            let named: Vec<String> = types.iter().map(|t| format!("`{}`", t.escape_debug())).collect();
            let kinds = if named.is_empty() { String::new() } else { format!(" ({})", named.join(", ")) };
            Some(if total == 1 {
                format!("runs its provisioner{kinds}")
            } else {
                format!("runs its {total} provisioners{kinds}")
            })
        }
        InfraAction::Read if is_type(&["external"]) => {
            Some("runs its program (a data source read deferred to apply)".to_owned())
        }
        InfraAction::Read | InfraAction::NoOp | InfraAction::Forget => None,
        _ if is_type(&COMMAND_TYPES) => Some(format!("runs code (a `{}`)", raw.resource_type.escape_debug())),
        InfraAction::Create | InfraAction::Delete | InfraAction::Replace | InfraAction::Unknown
            if is_type(&raw::COMMAND_HOSTS) && !provisioned.present =>
        {
            Some(
                "may run provisioners, which the plan does not show: it has no `configuration` (pass the whole output \
             of `terraform show -json`)"
                    .to_owned(),
            )
        }
        InfraAction::Delete if is_type(&raw::COMMAND_HOSTS) && !provisioned.hosts.contains(&configured) => Some(
            "may run a destroy-time provisioner of a `removed` block, which the plan does not show (its block is \
             gone from the configuration)"
                .to_owned(),
        ),
        _ => None,
    };
    let action = if command.is_some() { InfraAction::Unknown } else { action };
    let resolved = match &command {
        Some(what) => {
            let placed = explicit_resource_node(mapping, previous.unwrap_or(&raw.address));
            let place = match &placed {
                Some((node, _)) => format!("counted on node `{node}`, by the explicit mapping"),
                None => "placed on no node (its reach is unknown); an explicit mapping of the resource's address \
                         places it"
                    .to_owned(),
            };
            warnings.push(
                kind::RUNS_COMMANDS,
                format!(
                    "{file}: {place_at}: `{}` ({}) {what} when the plan is applied; what that does cannot be seen in \
                     the plan, so it is treated as destructive and {place}",
                    raw.address,
                    render_actions(&raw.change.actions),
                    place_at = ENTRY,
                ),
            );
            placed.map(|(node, prefix)| (node, format!("the explicit mapping of `{prefix}`")))
        }
        None => resolved,
    };
    let (node, note) = match resolved {
        Some((node, why)) => {
            check_len(file, &format!("{at} (the node it maps to)"), &node)?;
            let note = format!("{file}: {place}: `{}` maps to `{node}` by {why}", raw.address);
            (Some(node), Some(note))
        }
        None => (None, None),
    };
    // The prior values say what a destroy does: a database that skipped
    // its final snapshot loses its data. A value that is not a boolean
    // reads as skipping it: nothing then says a snapshot is taken.
    if raw.change.before.as_ref().is_some_and(|b| b.odd_skip_final_snapshot) {
        warnings.push(
            kind::ODD_SNAPSHOT,
            format!(
                "{file}: {place}.change.before.skip_final_snapshot: not a boolean for `{}`; read as `true` (no final \
             snapshot is kept)",
                raw.address
            ),
        );
    }
    // Only the types that have the setting: on any other, a
    // `skip_final_snapshot` in the plan is no real attribute, and must not
    // read as keeping the data (a counterfactual audit).
    let final_snapshot = raw
        .change
        .before
        .as_ref()
        .and_then(|b| b.skip_final_snapshot)
        .filter(|_| blastgate_change::keeps_final_snapshot(&raw.resource_type))
        .map(|skip| !skip);
    let previous_address = previous.map(str::to_owned);
    let change = InfraChange {
        final_snapshot,
        previous_address,
        importing: raw.change.importing.is_some(),
        address: raw.address,
        resource_type: raw.resource_type,
        module,
        action: Some(action),
        actions: Some(raw.change.actions),
        action_reason: raw.action_reason.filter(|r| !r.is_empty()),
        replace_paths,
        node,
        declared_in_file: false,
    };
    Ok((change, note))
}

fn render_actions(actions: &[String]) -> String {
    let quoted: Vec<String> = actions.iter().map(|a| format!("\"{a}\"")).collect();
    format!("[{}]", quoted.join(", "))
}

/// Applies the mapping rules in order; returns the node and the rule that
/// gave it.
fn resolve(
    mapping: &ResourceMapping,
    address: &str,
    module: Option<&str>,
    attributes: &[(&str, &Option<Attributes>)],
) -> Option<(String, String)> {
    for end in prefix_ends(address) {
        let prefix = address.get(..end)?;
        if let Some(node) = mapping.explicit.get(prefix) {
            return Some((node.clone(), format!("the explicit mapping of `{prefix}`")));
        }
    }
    for (side, attrs) in attributes {
        if let Some((node, key, map_name)) = attrs.as_ref().and_then(|a| tag_node(mapping, a)) {
            return Some((node.to_owned(), format!("the tag `{key}` in `{side}.{map_name}`")));
        }
    }
    if mapping.known_nodes.is_empty() {
        return None;
    }
    let names = module.map(module_names).unwrap_or_default();
    for name in names.iter().rev() {
        let dashed = name.replace('_', "-");
        for candidate in [*name, dashed.as_str()] {
            if mapping.known_nodes.contains(candidate) {
                return Some((candidate.to_owned(), format!("the module name `{name}`")));
            }
        }
    }
    None
}

/// The node a tag or label of `attrs` names (the first of
/// [`ResourceMapping::tag_keys`] found, in the `tags`, `tags_all` and
/// `labels` maps in that order), with the key as written and the map it is
/// in. `attrs` was read with the mapping's keys, so it holds only entries
/// of those keys.
fn tag_node<'a>(mapping: &ResourceMapping, attrs: &'a Attributes) -> Option<(&'a str, &'a str, &'static str)> {
    (0..mapping.tag_keys.len()).find_map(|k| {
        attrs.hits.iter().zip(TAG_MAPS).find_map(|(map, name)| {
            map.get(k).and_then(Option::as_ref).map(|h: &Hit| (h.value.as_str(), h.key.as_str(), name))
        })
    })
}

/// The ends of the prefixes of `address` that end where a step ends, the
/// whole address first: for `module.a[0].x.y` these are the ends of
/// `module.a[0].x.y`, `module.a[0].x`, `module.a[0]`, `module.a` and
/// `module`. Dots and brackets inside quoted keys do not end a step.
fn prefix_ends(address: &str) -> Vec<usize> {
    let mut ends = vec![address.len()];
    let mut in_string = false;
    let mut escaped = false;
    for (i, b) in address.bytes().enumerate() {
        if in_string {
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                in_string = false;
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'.' | b'[' if i > 0 => ends.push(i),
            _ => {}
        }
    }
    ends.sort_unstable_by(|a, b| b.cmp(a));
    ends.dedup();
    ends
}

/// The module names of a module path or resource address, outermost first:
/// `module.a[0].module.b_c.aws_x.y` gives `a`, `b_c`.
fn module_names(path: &str) -> Vec<&str> {
    module_steps(path).0
}

/// The module part of a resource address (`module.a[0].module.b` of
/// `module.a[0].module.b.aws_x.y`), if it has one.
fn module_prefix(address: &str) -> Option<&str> {
    let (names, end) = module_steps(address);
    if names.is_empty() { None } else { address.get(..end) }
}

/// Only the version, for explaining a failed parse.
#[derive(Deserialize)]
struct Header {
    format_version: Option<String>,
}
