//! A JSON-in, JSON-out entry point for tools in other languages:
//! [`assess_json`] takes one request document and returns one answer
//! document, tagged `{"type": "success", ...}` or `{"type": "failure",
//! ...}` (after Cedar's FFI).
//!
//! # The request
//!
//! ```json
//! {
//!   "graph": [{"path": "ops/graph.yaml"}, {"name": "extra.edges", "content": "web api\n"}],
//!   "change": {"apiVersion": "blastgate.dev/v1", "kind": "Changeset", "id": "pr-1", "services": ["api"]},
//!   "context": {"path": "ops/context.json"},
//!   "policy": {"path": "ops/policy.toml"},
//!   "now": "2026-11-27T10:00:00Z",
//!   "terraform_plans": [{"path": "plan.json"}],
//!   "plan_map": [{"address": "module.payments", "node": "payments-api"}],
//!   "plan_tag_keys": ["service"],
//!   "codeowners": {"path": ".github/CODEOWNERS"},
//!   "service_map": {"content": "services/pay/** payments\n"},
//!   "allow_unknown_services": false,
//!   "fail_at": "block"
//! }
//! ```
//!
//! Every input is given one of three ways: `{"path": FILE}` (read from
//! disk), `{"content": TEXT}` with an optional `"name"` for messages, or, for
//! JSON documents (graph, change, context, plans), the document itself
//! inline. An inline document is parsed from its own text, as `content`
//! would be: a duplicate key is an error there too, never "the last one
//! wins". The policy, CODEOWNERS and service map are text, given by
//! `path` or `content` only; the policy may be omitted for the default,
//! and may be a model file written by `blastgate calibrate` (read as
//! [`crate::assess::parse_policy`] reads it).
//! `context` and `now` are optional, but one of them must say when: the
//! engine reads no clock. `now` overrides the context's `now`. `fail_at`
//! (a review depth, default `block`) is `--fail-at`: the answer's `gate`
//! records whether a gate stops at it.
//!
//! An object with a `path` or `content` key is a reference, never an
//! inline document: it holds exactly one of the two, `name` only beside
//! `content`, and no other key (a misspelt key is an error, not ignored).
//! Any other object or array is an inline document, where one is allowed.
//! A bare string, number, boolean or `null` is no input: text goes in
//! `{"content": ...}`. The path `-`, standard input on the command line,
//! is refused: standard input belongs to the embedding program. So is a
//! path that is not a file (a folder, a pipe, a device such as
//! `/dev/stdin`), before anything is read from it. `null` for
//! an optional input (`context`, `policy`, `codeowners`, `service_map`)
//! means it is absent. A `service_map` or `codeowners` with no rules, and
//! an empty `plan_tag_keys` list, are refused as the command line refuses
//! them: one that arrived empty would make a change look like it needs
//! less review than it does. So is a `service_map` naming a node the
//! graph lacks, unless `allow_unknown_services` is set (then a warning).
//! With `now` beside a `context`, the context may leave its own `now` out
//! (a freeze calendar), and one dated more than the deploy window before
//! `now`, or ahead of it, gets a `stale-context` warning, as `blastgate
//! assess --now` gives. Errors name the request field (`graph[0]`,
//! `codeowners`), the key and its value.
//!
//! # The answer
//!
//! `{"type": "success", "assessment": {...}}` with the assessment envelope
//! (docs/cli.md) as the very text `blastgate assess --format json` writes
//! for the same inputs ([`crate::assess::try_to_json`]), or `{"type": "failure", "errors": [{"kind": ..,
//! "message": ..}]}` when the request itself is invalid (nothing was
//! assessed; treat it as "do not approve"). Errors found while assessing are
//! not failures: they are diagnostics in a successful answer, and they
//! escalate its depth.
//!
//! Each error's `kind` says which of three things went wrong, as the
//! command line's exit codes do (docs/cli.md):
//!
//! | `kind` | meaning | exit code of the CLI |
//! |---|---|---|
//! | `request` | the request document itself is invalid: not JSON, an unknown or duplicate key, an input given in a wrong form, neither `context` nor `now`, a `now` that does not parse | 2 |
//! | `syntax`, `schema`, `invalid_value`, `unsupported_version`, `unknown_service`, `invalid_policy`, `conflict`, `dangling`, `unknown_format`, `corrupt`, `usage`, `io` | an input (graph, change, context, policy, plan, CODEOWNERS, service map) is invalid or cannot be read, as the same input on the command line ([`ChangeError::kind_name`], [`GraphError::kind_name`]) | 2 |
//! | `limit_exceeded` | the request or an input is past a documented limit, [`MAX_REQUEST_BYTES`] included; the error also has `limit` (its name, such as `max_request_bytes`), `max` and `observed` | 3 |
//! | `internal` | the answer could not be written (a bug) | 3 |
//!
//! Whatever the kind, nothing was assessed: do not approve.
//!
//! ```
//! let answer = blastgate::json_api::assess_json(r#"{
//!   "graph": [{"name": "g.edges", "content": "web api\napi db\n"}],
//!   "change": {"apiVersion": "blastgate.dev/v1", "kind": "Changeset", "id": "c1", "services": ["db"]},
//!   "now": "2026-11-27T10:00:00Z"
//! }"#);
//! assert!(answer.contains(r#""type": "success""#));
//! assert!(answer.contains(r#""review_depth""#));
//!
//! let bad = blastgate::json_api::assess_json(r#"{"graph": []}"#);
//! assert!(bad.contains(r#""type": "failure""#));
//! ```

use std::path::Path;

use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::{Value, json};

use crate::assess::{AssessOptions, Assessment, Diagnostic, Engine, Level, default_policy, parse_policy};
use crate::change::{
    ChangeError, CodeOwners, PlanOptions, RepoMapping, ServiceMap, parse_changeset, parse_plan, read_input,
};
use crate::context::{Context, Timestamp, parse_context, parse_context_at};
use crate::graph::{BuildOptions, GraphError, GraphLoader};

/// The largest request accepted, in bytes (a graph may be inline).
pub const MAX_REQUEST_BYTES: usize = 256 << 20;

// Inputs are kept as raw JSON text until read: an inline document is handed
// to its parser as the text the caller wrote, so that parser's checks
// (duplicate keys above all) apply exactly as to `content` or a file. A
// `serde_json::Value` would keep the last of duplicate keys silently.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Request<'a> {
    #[serde(borrow)]
    graph: Vec<&'a RawValue>,
    #[serde(borrow)]
    change: &'a RawValue,
    #[serde(default, borrow)]
    context: Option<&'a RawValue>,
    #[serde(default, borrow)]
    policy: Option<&'a RawValue>,
    #[serde(default)]
    now: Option<String>,
    #[serde(default, borrow)]
    terraform_plans: Vec<&'a RawValue>,
    #[serde(default)]
    plan_map: Vec<PlanMapEntry>,
    #[serde(default)]
    plan_tag_keys: Option<Vec<String>>,
    #[serde(default, borrow)]
    codeowners: Option<&'a RawValue>,
    #[serde(default, borrow)]
    service_map: Option<&'a RawValue>,
    #[serde(default)]
    allow_unknown_services: bool,
    /// The depth at which the gate stops, as `--fail-at` (default `block`):
    /// the answer records it in `gate`, as the command line's does.
    #[serde(default)]
    fail_at: Option<crate::assess::ReviewDepth>,
}

/// One entry of `plan_map`: the resources at `address`, or under it,
/// belong to the graph node `node` (`crate::change::plan_mapping`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PlanMapEntry {
    address: String,
    node: String,
}

/// Whether an input may be a JSON document given inline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    /// A JSON input (graph, change, context, plan): a reference or inline.
    Json,
    /// A text input (policy, CODEOWNERS, service map): a reference only.
    Text,
}

/// One input of a request, as given.
enum Input<'a> {
    Path(String),
    Content { name: Option<String>, content: String },
    Document(&'a RawValue),
}

/// The keys of a JSON object in their order, duplicates kept, with their
/// values as raw text.
struct Entries<'a>(Vec<(String, &'a RawValue)>);

impl<'de> Deserialize<'de> for Entries<'de> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = Entries<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut entries = Vec::new();
                while let Some(entry) = map.next_entry::<String, &'de RawValue>()? {
                    entries.push(entry);
                }
                Ok(Entries(entries))
            }
        }
        deserializer.deserialize_map(Visitor)
    }
}

/// How an input is written, for messages.
const INPUT_FORMS: &str = "give a file as `{\"path\": FILE}` or text as `{\"content\": TEXT, \"name\": NAME}`";

impl<'a> Input<'a> {
    /// Reads which way the request field `what` gives an input. An object
    /// with a `path` or `content` key is a reference and holds exactly one
    /// of them (and `name` only beside `content`), nothing else; any other
    /// object or an array is an inline document, for a JSON input only.
    fn classify(raw: &'a RawValue, what: &str, shape: Shape) -> Result<Self, Failure> {
        let text = raw.get().trim_start();
        let inline = |found: &str| {
            if shape == Shape::Json {
                Ok(Self::Document(raw))
            } else {
                Err(Failure::Request(format!(
                    "`{what}` is {found} `{}`, but only JSON inputs (graph, change, context, terraform_plans) may be given inline; {INPUT_FORMS}",
                    shown(text)
                )))
            }
        };
        match text.bytes().next() {
            Some(b'{') => {}
            Some(b'[') => return inline("the array"),
            _ => {
                let or_inline = if shape == Shape::Json { ", or the JSON document itself inline" } else { "" };
                return Err(Failure::Request(format!(
                    "`{what}` is `{}`, not an input; {INPUT_FORMS}{or_inline}",
                    shown(text)
                )));
            }
        }
        let Entries(entries) =
            serde_json::from_str(text).map_err(|e| Failure::Request(format!("`{what}` is not a JSON object: {e}")))?;
        if !entries.iter().any(|(key, _)| key == "path" || key == "content") {
            return inline("an object with neither `path` nor `content`,");
        }
        let (mut path, mut content, mut name) = (None, None, None);
        for (key, value) in &entries {
            let slot = match key.as_str() {
                "path" => &mut path,
                "content" => &mut content,
                "name" => &mut name,
                _ => {
                    return Err(Failure::Request(format!(
                        "`{what}` has the unknown key `{key}` (value `{}`); {INPUT_FORMS}, and nothing else",
                        shown(value.get())
                    )));
                }
            };
            if slot.is_some() {
                return Err(Failure::Request(format!(
                    "`{what}` has the key `{key}` twice (the second is `{}`)",
                    shown(value.get())
                )));
            }
            let string = serde_json::from_str::<String>(value.get())
                .map_err(|_| Failure::Request(format!("`{what}.{key}` is `{}`, not a string", shown(value.get()))))?;
            *slot = Some(string);
        }
        match (path, content, name) {
            (Some(path), Some(_), _) => Err(Failure::Request(format!(
                "`{what}` gives both `path` (`{}`) and `content`; give one",
                shown(&path)
            ))),
            (Some(path), None, Some(name)) => Err(Failure::Request(format!(
                "`{what}` gives `name` (`{}`) beside `path` (`{}`); a file is named by its path, `name` goes with `content`",
                shown(&name),
                shown(&path)
            ))),
            (Some(path), None, None) if path == "-" => Err(Failure::Request(format!(
                "`{what}.path` is `-`, which the command line reads as standard input; the JSON API reads no \
                 standard input (it belongs to the embedding program, and reading it could block forever): give the \
                 text as `content`"
            ))),
            // A pipe or a device (`/dev/stdin`, a FIFO) could block the
            // embedding program forever, as `-` would: files only. A path
            // that cannot be looked up is left to the read, whose error
            // names it.
            (Some(path), None, None) => match std::fs::metadata(&path) {
                Ok(m) if !m.is_file() => Err(Failure::Request(format!(
                    "`{what}.path` (`{}`) is {}, not a file; the JSON API reads files only (reading a pipe or a \
                     device such as /dev/stdin could block forever): give the text as `content`",
                    shown(&path),
                    if m.is_dir() { "a folder" } else { "a pipe, socket or device" }
                ))),
                _ => Ok(Self::Path(path)),
            },
            (None, Some(content), name) => Ok(Self::Content { name, content }),
            // `entries` holds `path` or `content`, so one was set; refused
            // all the same should that ever change.
            (None, None, _) => Err(Failure::Request(format!("`{what}` gives neither `path` nor `content`"))),
        }
    }
}

/// At most 60 characters of `text`, for a message.
fn shown(text: &str) -> String {
    const MAX: usize = 60;
    match text.char_indices().nth(MAX) {
        Some((end, _)) => format!("{}...", text.get(..end).unwrap_or_default()),
        None => text.to_owned(),
    }
}

/// Reads the input `raw`, the request field `what`: its name (for
/// messages) and bytes. An inline document's bytes are its own text.
fn read(raw: &RawValue, what: &str, shape: Shape) -> Result<(String, Vec<u8>), Failure> {
    match Input::classify(raw, what, shape)? {
        // A policy is read within its own limit (a red team: a device
        // named as the policy was read to every input's limit).
        Input::Path(path) if what == "policy" => {
            let bytes = crate::assess::read_policy_input(Path::new(&path))?;
            Ok((path, bytes))
        }
        Input::Path(path) => {
            let bytes = read_input(Path::new(&path))?;
            Ok((path, bytes))
        }
        Input::Content { name, content } => Ok((name.unwrap_or_else(|| format!("({what})")), content.into_bytes())),
        Input::Document(raw) => Ok((format!("({what})"), raw.get().as_bytes().to_vec())),
    }
}

/// Why a request could not be assessed.
enum Failure {
    Request(String),
    Change(ChangeError),
    Graph(GraphError),
    /// The answer cannot be written (a non-finite number: a bug).
    Internal(String),
}

impl From<ChangeError> for Failure {
    fn from(e: ChangeError) -> Self {
        Self::Change(e)
    }
}

impl From<GraphError> for Failure {
    fn from(e: GraphError) -> Self {
        Self::Graph(e)
    }
}

impl Failure {
    fn to_json(&self) -> Value {
        let (kind, message, limit) = match self {
            Self::Request(m) => ("request", m.clone(), None),
            Self::Internal(m) => ("internal", m.clone(), None),
            Self::Change(e) => {
                (e.kind_name(), e.to_string(), if let ChangeError::LimitExceeded(l) = e { Some(l) } else { None })
            }
            Self::Graph(e) => {
                (e.kind_name(), e.to_string(), if let GraphError::LimitExceeded(l) = e { Some(l) } else { None })
            }
        };
        match limit {
            Some(l) => json!({
                "kind": kind, "message": message, "limit": l.limit(), "max": l.max(), "observed": l.observed()
            }),
            None => json!({"kind": kind, "message": message}),
        }
    }
}

/// Assesses the change a request document describes; never panics, always
/// returns a JSON document (see the [module docs](self)).
pub fn assess_json(request: &str) -> String {
    /// A successful answer: the assessment as the bytes `blastgate assess
    /// --format json` writes ([`crate::assess::try_to_json`]: the
    /// envelope's key order, the non-finite check), kept verbatim (an
    /// embedder audit: a `Value` sorted its keys, so the same inputs gave
    /// other bytes than the command line's).
    #[derive(serde::Serialize)]
    struct Success<'a> {
        #[serde(rename = "type")]
        kind: &'static str,
        assessment: &'a RawValue,
    }
    let internal = |message: String| json!({"type": "failure", "errors": [{"kind": "internal", "message": message}]});
    let answer = match run(request).and_then(|a| crate::assess::try_to_json(&a).map_err(Failure::Internal)) {
        Ok(text) => match RawValue::from_string(text) {
            Ok(raw) => match serde_json::to_string_pretty(&Success { kind: "success", assessment: &raw }) {
                Ok(answer) => return answer,
                Err(e) => internal(e.to_string()),
            },
            Err(e) => internal(e.to_string()),
        },
        Err(e) => json!({"type": "failure", "errors": [e.to_json()]}),
    };
    serde_json::to_string_pretty(&answer).unwrap_or_else(|_| {
        r#"{"type": "failure", "errors": [{"kind": "internal", "message": "cannot serialise the answer"}]}"#.to_owned()
    })
}

/// A request past [`MAX_REQUEST_BYTES`] is a limit (`limit_exceeded`,
/// as the command line's exit code 3), not bad input.
fn check_size(len: usize) -> Result<(), Failure> {
    if len > MAX_REQUEST_BYTES {
        return Err(Failure::Change(ChangeError::limit(
            "(request)",
            "max_request_bytes",
            MAX_REQUEST_BYTES as u64,
            len as u64,
        )));
    }
    Ok(())
}

fn run(request: &str) -> Result<Assessment, Failure> {
    check_size(request.len())?;
    let request: Request<'_> = serde_json::from_str(request)
        .map_err(|e| Failure::Request(format!("invalid request at line {}, column {}: {e}", e.line(), e.column())))?;
    if request.graph.is_empty() {
        return Err(Failure::Request("`graph` lists no input; give at least one graph".into()));
    }
    let mut loader = GraphLoader::new(BuildOptions::default());
    for (i, g) in request.graph.iter().enumerate() {
        let (name, bytes) = read(g, &format!("graph[{i}]"), Shape::Json)?;
        loader.add_bytes(&name, &bytes, None)?;
    }
    let graph = loader.build_frozen()?;
    let (name, bytes) = read(request.change, "change", Shape::Json)?;
    let mut changeset = parse_changeset(&name, &bytes)?;
    // A plan's warnings go into the answer, as the command line's do (they
    // were dropped: an incomplete plan, or a provider action it runs, left
    // no word in the assessment).
    let mut plan_warnings = Vec::new();
    let explicit: Vec<(String, String)> =
        request.plan_map.iter().map(|e| (e.address.clone(), e.node.clone())).collect();
    // Made only for plans: it holds every node id.
    if !request.terraform_plans.is_empty() {
        let mapping = crate::change::plan_mapping(&graph, &explicit, request.plan_tag_keys.as_deref())?;
        let options = PlanOptions::with_mapping(mapping);
        for (i, p) in request.terraform_plans.iter().enumerate() {
            let (name, bytes) = read(p, &format!("terraform_plans[{i}]"), Shape::Json)?;
            let summary = parse_plan(&name, &bytes, &options)?;
            changeset.infrastructure.extend(summary.changes);
            plan_warnings.extend(summary.warnings);
        }
    }
    let now = match &request.now {
        Some(t) => Some(Timestamp::parse(t).map_err(|e| Failure::Request(format!("`now`: {}", e.message())))?),
        None => None,
    };
    // With `now` beside a context, the context is assessed as of `now`
    // (`Engine::assess_at`, below), and its own `now` (when it states one: a
    // freeze calendar may not, and is dated `now`) is compared with it for
    // `stale-context` as on the command line (a parity audit: the JSON API
    // never warned).
    let context = match (&request.context, now) {
        (Some(c), Some(now)) => {
            let (name, bytes) = read(c, "context", Shape::Json)?;
            parse_context_at(&name, &bytes, now)?.0
        }
        (Some(c), None) => {
            let (name, bytes) = read(c, "context", Shape::Json)?;
            parse_context(&name, &bytes)?
        }
        (None, Some(now)) => Context::new(now),
        (None, None) => {
            return Err(Failure::Request("give `context` or `now`: blastgate reads no clock".into()));
        }
    };
    let policy = match &request.policy {
        Some(p) => {
            let (name, bytes) = read(p, "policy", Shape::Text)?;
            parse_policy(&name, &bytes)?
        }
        None => default_policy()?,
    };
    let mut mapping = RepoMapping::from_graph(&graph).with_repository(changeset.repository.clone());
    let mut mapping_inputs: Vec<Vec<u8>> = Vec::new();
    if let Some(m) = &request.service_map {
        let (name, bytes) = read(m, "service_map", Shape::Text)?;
        let map = ServiceMap::parse(&name, &bytes)?;
        if map.rule_count() == 0 {
            return Err(crate::change::no_rules_error(&name, "`service_map`", "service map", map.warnings()).into());
        }
        mapping = mapping.with_service_map(map);
        mapping_inputs.extend([b"service-map".to_vec(), bytes]);
    }
    if let Some(c) = &request.codeowners {
        let (name, bytes) = read(c, "codeowners", Shape::Text)?;
        let owners = CodeOwners::parse(&name, &bytes)?;
        if owners.rule_count() == 0 {
            return Err(
                crate::change::no_rules_error(&name, "`codeowners`", "CODEOWNERS file", owners.warnings()).into()
            );
        }
        mapping = mapping.with_codeowners(owners);
        mapping_inputs.extend([b"codeowners".to_vec(), bytes]);
    }
    let digest = if mapping_inputs.is_empty() {
        String::new()
    } else {
        crate::assess::digest_of(&mapping_inputs.iter().map(Vec::as_slice).collect::<Vec<_>>())
    };
    let mut warnings = plan_warnings;
    // A service map naming a node the graph lacks (a typo would send its
    // paths nowhere) is refused, or with `allow_unknown_services` a
    // warning, as on the command line (a parity audit: it was accepted in
    // silence).
    let unknown = mapping.unknown_services(&graph);
    if let Some(first) = unknown.first() {
        let line = mapping.service_map_line(first).map(|l| format!("line {l}: ")).unwrap_or_default();
        if !request.allow_unknown_services {
            let meant = crate::change::did_you_mean(&graph, first).map(|m| format!("{m} Or ")).unwrap_or_default();
            return Err(Failure::Request(format!(
                "`service_map`: {line}the service map names `{first}`, which is not in the graph; help: {meant}fix \
                 the id or set `allow_unknown_services`"
            )));
        }
        warnings.extend(unknown.iter().map(|u| format!("`service_map`: `{u}` is not in the graph")));
    }
    warnings.extend(mapping.warnings());
    let engine = Engine::new(graph, policy)?;
    let options =
        AssessOptions::default().with_mapping(&mapping, &digest).allow_unknown_services(request.allow_unknown_services);
    let mut assessment = match now {
        Some(now) => engine.assess_at(&changeset, &context, now, &options),
        None => engine.assess_with(&changeset, &context, &options),
    };
    assessment.add_diagnostics(warnings.into_iter().map(|w| Diagnostic::new(Level::Warning, "input", w)));
    assessment.gate_at(request.fail_at.unwrap_or(crate::assess::ReviewDepth::Block));
    Ok(assessment)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing, reason = "test code: a panic is a failed test")]

    /// A request one byte over the limit is a limit, named with its
    /// numbers (was `kind: "request"`, which a caller could not tell from
    /// bad input). Checked on the length: a request that large would
    /// allocate 256 MiB in a test.
    #[test]
    fn regression_a_request_over_the_limit_is_limit_exceeded() {
        assert!(super::check_size(super::MAX_REQUEST_BYTES).is_ok());
        let Err(failure) = super::check_size(super::MAX_REQUEST_BYTES + 1) else {
            panic!("a request over the limit passed");
        };
        let error = failure.to_json();
        assert_eq!(error["kind"], "limit_exceeded", "{error}");
        assert_eq!(error["limit"], "max_request_bytes", "{error}");
        assert_eq!(error["max"], super::MAX_REQUEST_BYTES as u64, "{error}");
        assert_eq!(error["observed"], super::MAX_REQUEST_BYTES as u64 + 1, "{error}");
        let message = error["message"].as_str().unwrap();
        assert!(message.contains("max_request_bytes") && message.contains("268435457"), "{message}");
    }

    /// A plan's warnings are in the answer, as on the command line: the
    /// JSON API dropped them, so a provider action a plan runs left no word
    /// (a fail-closed audit).
    #[test]
    fn regression_plan_warnings_are_reported() {
        let request = serde_json::json!({
            "graph": [{"name": "g.edges", "content": "web api\n"}],
            "change": {"apiVersion": "blastgate.dev/v1", "kind": "Changeset", "id": "pr-1"},
            "now": "2026-11-27T10:00:00Z",
            "terraform_plans": [{"format_version": "1.2", "planned_values": {}, "resource_changes": [],
                "action_invocations": [{"address": "action.aws_lambda_invoke.purge", "type": "aws_lambda_invoke",
                    "invoke_action_trigger": {}}]}]
        });
        let answer: serde_json::Value = serde_json::from_str(&super::assess_json(&request.to_string())).unwrap();
        assert_eq!(answer["type"], "success", "{answer}");
        let depth = answer["assessment"]["decision"]["review_depth"].as_str().unwrap();
        assert!(!["auto", "peer"].contains(&depth), "{depth}");
        let diagnostics = answer["assessment"]["diagnostics"].to_string();
        assert!(diagnostics.contains("the provider action `action.aws_lambda_invoke.purge`"), "{diagnostics}");
    }
}
