//! Infrastructure manifests and their settings: what a Terraform, CloudFormation,
//! ARM, Kubernetes, Kustomize, Helm, helmfile or GitOps text declares, and what a
//! change to it takes away.

use std::collections::{BTreeMap, BTreeSet};

use super::commands::uncomment;
use super::instances::{Reading, reading_source};
use super::stacks::{Imports, import_bindings, resolve};

/// Whether `text` is an infrastructure manifest whatever its file is
/// called: a Kubernetes object (`apiVersion:` and `kind:` at the start of
/// lines, in YAML; both keys at the top of a JSON object), a
/// CloudFormation template (`AWSTemplateFormatVersion`, or a `Resources`
/// section with a `Type: AWS::...`, also a Serverless Framework service's
/// under `resources:`), an Azure Resource Manager template (JSON whose
/// `$schema` names a `deploymentTemplate.json`), or a Pulumi YAML program
/// (`runtime: yaml` and `resources:` of types such as `aws:rds:Instance`). A text longer than
/// [`MAX_EMPTIED_TEXT`] or holding a NUL byte is not read (`false`).
///
/// ```
/// use blastgate_ingest::git::is_manifest;
/// assert!(is_manifest(b"apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: ledger}\n"));
/// assert!(!is_manifest(b"replicas: 3\nkind: fast\n"));
/// ```
pub fn is_manifest(text: &[u8]) -> bool {
    if text.len() > MAX_EMPTIED_TEXT || text.contains(&0) {
        return false;
    }
    let raw = String::from_utf8_lossy(text);
    if raw.trim_start().starts_with(['{', '[']) {
        let Ok(value) = serde_json::from_str::<serde_json::Value>(&raw) else { return false };
        let object = |v: &serde_json::Value| {
            let field = |k: &str| v.get(k).and_then(serde_json::Value::as_str);
            field("apiVersion").zip(field("kind")).is_some_and(|(a, k)| kubernetes_object(a, k))
                || v.get("AWSTemplateFormatVersion").is_some()
                || arm_template(v)
                || v.get("Resources").and_then(serde_json::Value::as_object).is_some_and(|r| {
                    r.values().any(|x| {
                        x.get("Type").and_then(serde_json::Value::as_str).is_some_and(|t| t.starts_with("AWS::"))
                    })
                })
        };
        return match &value {
            serde_json::Value::Array(items) => items.iter().any(object),
            other => object(other),
        };
    }
    let text = uncomment_config(&raw);
    let values = |key: &str| -> Vec<String> {
        text.lines()
            .filter_map(|l| l.strip_prefix(key)?.strip_prefix(':'))
            .map(|v| v.trim().trim_matches(['"', '\'']).to_owned())
            .collect()
    };
    let aws_type = text.lines().any(|l| {
        let t = l.trim_start().trim_start_matches("- ");
        t.strip_prefix("Type:").is_some_and(|v| v.trim().trim_matches(['"', '\'']).starts_with("AWS::"))
    });
    let (versions, kinds) = (values("apiVersion"), values("kind"));
    // A Pulumi YAML program: a project file with `runtime: yaml` (or
    // `name: yaml` under it) and `resources:` typed `aws:rds:Instance` (red
    // team 34: one outside a `pulumi/` folder read as configuration).
    let pulumi_yaml = (values("runtime").iter().any(|r| r == "yaml")
        || text.lines().any(|l| l.trim() == "name: yaml") && values("runtime").iter().any(String::is_empty))
        && text.lines().any(|l| l.trim_end() == "resources:")
        && !super::stacks::template_resources(text.as_bytes()).is_empty();
    // A kustomize patch that deletes an object is one too, with or without
    // its `apiVersion`.
    pulumi_yaml
        || !patch_deleted_kinds(text.as_bytes()).is_empty()
        || versions.iter().any(|a| kinds.iter().any(|k| kubernetes_object(a, k)))
        || !values("AWSTemplateFormatVersion").is_empty()
        || ((!values("Resources").is_empty() || serverless_resources(&text)) && aws_type)
}

/// Whether a YAML text is a Serverless Framework service's with
/// CloudFormation resources: a top-level `resources:` holding a
/// `Resources:` section (red team 11: a DynamoDB table taken out of
/// `serverless.yml` was read as configuration).
fn serverless_resources(text: &str) -> bool {
    text.lines().any(|l| l.starts_with("resources:"))
        && text.lines().any(|l| l.starts_with(char::is_whitespace) && l.trim_start().starts_with("Resources:"))
}

/// Whether a JSON document is an Azure Resource Manager template: its
/// `$schema` names a deployment template (`.../deploymentTemplate.json#`,
/// `subscriptionDeploymentTemplate`, ...). Its `resources` are read by
/// [`arm_resource_types`].
fn arm_template(v: &serde_json::Value) -> bool {
    v.get("$schema")
        .and_then(serde_json::Value::as_str)
        .is_some_and(|s| s.to_ascii_lowercase().contains("deploymenttemplate.json"))
}

/// Most levels of nested `resources` an ARM template is read down.
const MAX_ARM_LEVELS: usize = 16;

/// The `type` of each resource of an ARM template ([`arm_template`]): its
/// `resources`, a list or (language version 2.0) an object of symbolic
/// names, and the `resources` nested in each, [`MAX_ARM_LEVELS`] down. A
/// child's type is its own (`Microsoft.Sql/servers/databases`), or its
/// parent's and its own joined when it states only the last part
/// (`databases`).
fn arm_resource_types(template: &serde_json::Value) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack: Vec<(&serde_json::Value, String, usize)> = vec![(template, String::new(), 0)];
    while let Some((node, parent, level)) = stack.pop() {
        if level > MAX_ARM_LEVELS || out.len() >= MAX_TYPES_READ {
            continue;
        }
        let items: Vec<&serde_json::Value> = match node.get("resources") {
            Some(serde_json::Value::Array(list)) => list.iter().collect(),
            Some(serde_json::Value::Object(named)) => named.values().collect(),
            _ => Vec::new(),
        };
        for item in items {
            let Some(t) = item.get("type").and_then(serde_json::Value::as_str).filter(|t| !t.is_empty()) else {
                continue;
            };
            let t = if t.contains('/') || parent.is_empty() { t.to_owned() } else { format!("{parent}/{t}") };
            out.push(t.clone());
            stack.push((item, t, level + 1));
        }
    }
    out
}

/// Whether an `apiVersion` and a `kind` name an object a cluster runs: a
/// version of the core API (`v1`) or of an API group (`apps/v1`,
/// `networking.k8s.io/v1`, `argoproj.io/v1alpha1`), not one of the
/// Kubernetes-style documents that live outside a cluster (a Backstage
/// catalog entity, blastgate's own documents, the configurations of
/// kind, k3d, kubeadm, kuttl, Kyverno's CLI and Chainsaw tests, Skaffold,
/// a kubeconfig).
fn kubernetes_object(api_version: &str, kind: &str) -> bool {
    let version = |v: &str| {
        let rest = v.strip_prefix('v').unwrap_or("");
        let digits = rest.trim_start_matches(|c: char| c.is_ascii_digit());
        digits.len() < rest.len()
            && (digits.is_empty()
                || ["alpha", "beta"].iter().any(|stage| {
                    digits.strip_prefix(stage).is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
                }))
    };
    const OUTSIDE: [&str; 10] = [
        "backstage.io",
        "blastgate.dev",
        "kind.x-k8s.io",
        "k3d.io",
        "kubeadm.k8s.io",
        "kuttl.dev",
        "cli.kyverno.io",
        "chainsaw.kyverno.io",
        "skaffold",
        "ctlptl.dev",
    ];
    match api_version.split_once('/') {
        None => version(api_version) && kind != "Config",
        Some((group, v)) => {
            version(v)
                && !OUTSIDE.contains(&group)
                && (group.contains('.') || matches!(group, "apps" | "batch" | "autoscaling" | "policy" | "extensions"))
        }
    }
}

/// Most distinct types [`declared_types`] returns for one text.
pub const MAX_TYPES_READ: usize = 4096;

/// The resource types or kinds an infrastructure file's `text` declares,
/// as its tool names them, each once, in ascending order: Terraform's and
/// OpenTofu's `resource "TYPE" "NAME"` blocks, the resource types of a
/// `.tf.json` file's `resource` object, Kubernetes' and Helm's `kind:`
/// keys, CloudFormation's `Type: AWS::...` values, Pulumi YAML's `type:
/// aws:rds:Instance` and Bicep's `resource NAME 'TYPE@VERSION'`. Comments
/// are skipped; a text longer than [`MAX_EMPTIED_TEXT`] or holding a NUL
/// byte is not read (nothing is returned); past [`MAX_TYPES_READ`]
/// distinct types the rest are not returned.
///
/// Every `kind:` key counts, nested ones too (a claim template in a
/// StatefulSet): a deleted file destroys what it declared, and reading
/// more types can only find more of what is destroyed.
///
/// ```
/// use blastgate_ingest::git::declared_types;
/// let text = b"apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: data}\n---\nkind: Service\n";
/// assert_eq!(declared_types(text), ["PersistentVolumeClaim", "Service"]);
/// assert_eq!(declared_types(b"resource \"aws_db_instance\" \"orders\" {}\n"), ["aws_db_instance"]);
/// assert_eq!(declared_types(b"# resource \"aws_s3_bucket\" \"logs\" {}\n"), Vec::<String>::new());
/// ```
pub fn declared_types(text: &[u8]) -> Vec<String> {
    declared_counts(text).into_keys().collect()
}

/// How many declarations of each type [`declared_types`] finds in `text`
/// (each `resource` block, `kind:` key or `Type:` value once), by type.
/// Terraform's `moved` blocks, and `removed` blocks that say `destroy =
/// false`, count their `from` resource's type as still declared: the
/// resource is moved, or forgotten, not destroyed. Comparing the counts
/// of a folder's files before and after a change finds the declarations
/// it removes (see `FileChange::removes`).
///
/// ```
/// use blastgate_ingest::git::declared_counts;
/// let before = declared_counts(b"resource \"aws_db_instance\" \"a\" {}\nresource \"aws_db_instance\" \"b\" {}\n");
/// assert_eq!(before.get("aws_db_instance"), Some(&2));
/// let after = declared_counts(b"resource \"aws_db_instance\" \"a\" {}\nremoved {\n  from = aws_db_instance.b\n  lifecycle {\n    destroy = false\n  }\n}\n");
/// assert_eq!(after.get("aws_db_instance"), Some(&2));
/// ```
pub fn declared_counts(text: &[u8]) -> BTreeMap<String, usize> {
    if text.len() > MAX_EMPTIED_TEXT || text.contains(&0) {
        return BTreeMap::new();
    }
    let raw = String::from_utf8_lossy(text);
    let raw = raw.trim_start_matches('\u{feff}');
    let mut types: BTreeMap<String, usize> = BTreeMap::new();
    let add = |types: &mut BTreeMap<String, usize>, t: String| {
        if types.len() < MAX_TYPES_READ || types.contains_key(&t) {
            *types.entry(t).or_insert(0) += 1;
        }
    };
    // A JSON document (`.tf.json`, CloudFormation, Kubernetes): read as
    // JSON only (its lines read again would count each type twice, an
    // audit).
    if raw.trim_start().starts_with(['{', '['])
        && let Ok(value) = serde_json::from_str::<serde_json::Value>(raw)
    {
        let documents: Vec<&serde_json::Value> = match &value {
            serde_json::Value::Array(items) => items.iter().collect(),
            other => vec![other],
        };
        // (Terraform's resources one a name, those with no instance
        // aside: red team 33's T1, `"count": 0` and a second database of a
        // type were unread.)
        for (t, _, body) in json_resources(raw).unwrap_or_default() {
            if !json_no_instance(&body) {
                add(&mut types, t);
            }
        }
        for top in documents {
            // Azure Resource Manager: `"resources": [{"type":
            // "Microsoft.Sql/servers", ...}]` (red team 11: unread).
            if arm_template(top) {
                for t in arm_resource_types(top) {
                    add(&mut types, t);
                }
            }
            // CloudFormation: `"Resources": {"Db": {"Type": "AWS::RDS::DBInstance"}}`.
            if let Some(serde_json::Value::Object(resources)) = top.get("Resources") {
                for r in resources.values() {
                    if let Some(t) = r.get("Type").and_then(serde_json::Value::as_str) {
                        add(&mut types, t.to_owned());
                    }
                }
            }
            // Kubernetes: an object, or a `List`'s items.
            let field =
                |v: &serde_json::Value, k: &str| v.get(k).and_then(serde_json::Value::as_str).map(str::to_owned);
            let mut objects = vec![top];
            if let Some(serde_json::Value::Array(items)) = top.get("items") {
                objects.extend(items.iter());
            }
            for o in objects {
                if let (Some(version), Some(kind)) = (field(o, "apiVersion"), field(o, "kind"))
                    && kind != "List"
                {
                    let group = version.rsplit_once('/').map(|(g, _)| g.to_owned());
                    add(&mut types, qualified_kind(kind, group.as_deref()));
                }
            }
        }
        return clean_counts(without_deletions(types, text));
    }
    // Old Mac line breaks (`\r` alone) are line breaks too (an audit).
    let text = uncomment_config(&raw.replace("\r\n", "\n").replace('\r', "\n"));
    // A Terraform `moved` or `removed` block being read: its kind, the
    // type of its `from`, whether it says `destroy = false`, and the
    // depth of its braces.
    // (For a `moved` block, its `to` too: see `moved_counts`.)
    let mut block: Option<(bool, Option<String>, bool, usize)> = None;
    let mut block_to_address: Option<String> = None;
    // A Terraform resource block being read: its type, whether it says
    // `count = 0` or an empty `for_each` (no instance: Terraform destroys
    // them all), and the depth of its braces.
    let mut resource: Option<(String, bool, usize)> = None;
    // Whether a document is a `List` (its items read below).
    let mut lists = false;
    // The current document's API group (`postgresql.cnpg.io` of
    // `apiVersion: postgresql.cnpg.io/v1`) and the kinds it declares at
    // its top level, added when the document ends (see `qualified_kind`).
    let mut group: Option<String> = None;
    let mut kinds: Vec<String> = Vec::new();
    let lines: Vec<&str> = text.lines().collect();
    // What a program's imports bind its names to (see `program_construct`).
    let imports = import_bindings(&lines);
    // The word that ends a Terraform heredoc being read (`<<EOT`,
    // `<<-EOT`): its lines are a string's text, no declaration (red team
    // 13: a resource wrapped in one still counted as declared).
    let mut heredoc: Option<String> = None;
    for (at, &line) in lines.iter().enumerate() {
        if let Some(end) = heredoc.as_deref() {
            if line.trim() == end {
                heredoc = None;
            }
            continue;
        }
        heredoc = heredoc_start(line);
        if line.starts_with("---") {
            for kind in kinds.drain(..) {
                add(&mut types, qualified_kind(kind, group.as_deref()));
            }
            group = None;
        }
        if let Some(version) = line.strip_prefix("apiVersion:") {
            let version = version.trim().trim_matches(['"', '\'']);
            group = version.rsplit_once('/').map(|(g, _)| g.to_owned());
        }
        let trimmed = line.trim_start().trim_start_matches("- ").trim_start();
        let squeezed: String = trimmed.chars().filter(|c| !c.is_whitespace()).collect();
        let (opens, closes) = braces(line);
        // A block's end: its braces balanced, or a line at the start of
        // the text's own indentation that is no closing brace (a brace in
        // a string, unbalanced, must not hide the rest of the file: an
        // audit).
        let top_level = line.starts_with(|c: char| !c.is_whitespace() && c != '}');
        if top_level {
            if let Some((removed, from, keeps, _)) = block.take()
                && let Some(t) = declared_by_block(removed, from, block_to_address.take(), keeps)
            {
                add(&mut types, t);
            }
            if let Some((t, none, _)) = resource.take()
                && none
                && let Some(n) = types.get_mut(t.as_str())
            {
                *n = n.saturating_sub(1);
            }
        }
        if block.is_none() && resource.is_none() {
            for (word, removed) in [("moved", false), ("removed", true)] {
                if trimmed.strip_prefix(word).is_some_and(|rest| rest.trim_start().starts_with('{')) {
                    block = Some((removed, None, false, 0));
                }
            }
        }
        if let Some((removed, from, keeps, depth)) = block.as_mut() {
            if let Some(address) = block_from(&squeezed) {
                *from = Some(address.to_owned());
            }
            if let Some(address) = block_to(&squeezed) {
                block_to_address = Some(address.to_owned());
            }
            *keeps |= block_parts(&squeezed).any(|part| part.starts_with("destroy=false"));
            *depth = depth.saturating_add(opens).saturating_sub(closes);
            if *depth == 0 {
                if let Some(t) = declared_by_block(*removed, from.take(), block_to_address.take(), *keeps) {
                    add(&mut types, t);
                }
                block = None;
            }
            continue;
        }
        if let Some((t, none, depth)) = resource.as_mut() {
            // (The resource's own `count` or `for_each`, not a `dynamic`
            // block's inside it.)
            if *depth == 1 && (leaves_no_instance(&squeezed) || (t.starts_with("module") && switches_off(&squeezed))) {
                *none = true;
            }
            *depth = depth.saturating_add(opens).saturating_sub(closes);
            if *depth == 0 {
                if *none && let Some(n) = types.get_mut(t.as_str()) {
                    *n = n.saturating_sub(1);
                }
                resource = None;
            }
            continue;
        }
        let value = |key: &str| {
            let rest = trimmed.strip_prefix(key)?.trim();
            let rest = rest.trim_matches(|c| c == '"' || c == '\'');
            (!rest.is_empty() && !rest.contains(char::is_whitespace)).then(|| rest.to_owned())
        };
        // A Kubernetes document's own kind is a key at its top level (at
        // the line's start, or a top-level list's item): a nested `kind:`
        // names what it refers to (a RoleBinding's subjects, a patch's
        // target), not what the file declares (an audit).
        // The key may be quoted (`"kind": Secret`), and a document may be
        // one flow mapping (`{apiVersion: v1, kind: Secret}`): an audit.
        let unquoted = line.replacen("\"kind\":", "kind:", 1).replacen("'kind':", "kind:", 1);
        let document_level = unquoted.starts_with("kind:") || unquoted.starts_with("- kind:");
        let flow_kind = line.starts_with('{').then(|| flow_mapping_kind(line)).flatten();
        if let Some(t) = flow_kind {
            add(&mut types, t);
        } else if document_level
            && let Some(t) = unquoted
                .trim_start_matches("- ")
                .strip_prefix("kind:")
                .map(|v| v.trim().trim_matches(|c| c == '"' || c == '\''))
                .filter(|v| !v.is_empty() && !v.contains(char::is_whitespace))
        {
            if t == "List" {
                lists = true;
            } else if line.starts_with("kind:") {
                kinds.push(t.to_owned());
            } else {
                add(&mut types, t.to_owned());
            }
        } else if value("kind:").is_some() {
            // A nested reference: not a declaration.
        } else if let Some(t) =
            value("Type:").or_else(|| value("\"Type\":").map(|t| t.trim_end_matches(',').trim_matches('"').to_owned()))
        {
            if t.contains("::") {
                add(&mut types, t);
            }
        } else if let Some(t) = value("type:") {
            // Pulumi: `provider:module:Type`.
            if t.split(':').count() == 3 && t.split(':').all(|p| !p.is_empty()) {
                add(&mut types, pulumi_token(&t));
            }
        } else if let Some(t) = program_construct(trimmed, &imports) {
            add(&mut types, t);
        } else if let Some(rest) = trimmed.strip_prefix("resource").or_else(|| trimmed.strip_prefix("module")) {
            // Terraform (`resource "TYPE" "NAME" {`, the labels quoted or
            // bare), Bicep (`resource NAME 'TYPE@VERSION' = {`), and a
            // Terraform `module` block, whose resources live in its source
            // (type `module`: taking one out destroys what it made, an
            // audit).
            let is_module = trimmed.starts_with("module");
            if !rest.starts_with(|c: char| c.is_whitespace() || c == '"') {
                continue;
            }
            let mut words = rest.split(|c: char| c.is_whitespace() || c == '{').filter(|w| !w.is_empty());
            let first = words.next().unwrap_or_default();
            let second = words.next().unwrap_or_default();
            let t = if is_module {
                module_type(line, lines.get(at + 1..).unwrap_or_default())
            } else if second.starts_with('\'') {
                let t = second.trim_matches('\'');
                t.split('@').next().unwrap_or(t).to_owned()
            } else {
                // `resource"t""n"{` written without blanks.
                first.trim_matches('"').split('"').next().unwrap_or_default().to_owned()
            };
            if t.is_empty() || t == "=" {
                continue;
            }
            add(&mut types, t.clone());
            if opens > closes {
                resource = Some((t, false, opens - closes));
            }
        }
    }
    for kind in kinds {
        add(&mut types, qualified_kind(kind, group.as_deref()));
    }
    // A `List`'s objects are its `items` (kustomize and kubectl expand
    // them; an audit found a StatefulSet in one unread).
    if lists && let Ok(documents) = crate::doc::from_yaml_multi_as_go::<serde_json::Value>("manifest", raw) {
        for doc in &documents {
            if doc.get("kind").and_then(serde_json::Value::as_str) != Some("List") {
                continue;
            }
            for item in doc.get("items").and_then(serde_json::Value::as_array).into_iter().flatten() {
                if let Some(kind) = item.get("kind").and_then(serde_json::Value::as_str).filter(|k| !k.is_empty()) {
                    add(&mut types, kind.to_owned());
                }
            }
        }
    }
    clean_counts(without_deletions(types, text.as_bytes()))
}

/// `types` less one of each kind a document of `text` deletes with
/// `$patch: delete` ([`patch_deleted_kinds`]): such a document names its
/// kind but declares nothing, and counting it would let a patch that
/// deletes a StatefulSet stand for one taken out of a file beside it.
fn without_deletions(mut types: BTreeMap<String, usize>, text: &[u8]) -> BTreeMap<String, usize> {
    for kind in patch_deleted_kinds(text) {
        if let Some(n) = types.get_mut(&kind) {
            *n = n.saturating_sub(1);
        }
    }
    types
}

/// The `kind` of a YAML flow mapping written on one line at a document's
/// top (`{apiVersion: v1, kind: Secret, metadata: {name: x}}`): the value
/// of a `kind` key at the mapping's own level.
fn flow_mapping_kind(line: &str) -> Option<String> {
    let mut depth = 0usize;
    let mut key_start = true;
    let mut rest = line;
    while let Some(c) = rest.chars().next() {
        match c {
            '{' | '[' => {
                depth += 1;
                key_start = true;
            }
            '}' | ']' => depth = depth.saturating_sub(1),
            ',' => key_start = true,
            c if c.is_whitespace() => {}
            _ => {
                if depth == 1 && key_start {
                    let key = rest.trim_start_matches(['"', '\'']);
                    if let Some(value) =
                        key.strip_prefix("kind").and_then(|v| v.trim_start_matches(['"', '\'']).strip_prefix(':'))
                    {
                        let value: String = value
                            .trim_start()
                            .chars()
                            .take_while(|c| !matches!(c, ',' | '}' | ' '))
                            .filter(|c| !matches!(c, '"' | '\''))
                            .collect();
                        return (!value.is_empty()).then_some(value);
                    }
                }
                key_start = false;
            }
        }
        rest = rest.get(c.len_utf8()..).unwrap_or("");
    }
    None
}

/// `types` as a changeset may hold them: no control character, at most
/// [`MAX_TYPE_BYTES`] (a type's words are at its start), none counted
/// zero times, at most [`MAX_TYPES_READ`].
fn clean_counts(types: BTreeMap<String, usize>) -> BTreeMap<String, usize> {
    let clean = clip_kind;
    let mut cleaned: BTreeMap<String, usize> = BTreeMap::new();
    for (t, n) in types.into_iter().filter(|(_, n)| *n > 0) {
        let t = clean(&t);
        if !t.is_empty() {
            let count = cleaned.entry(t).or_insert(0);
            *count = count.saturating_add(n);
        }
    }
    cleaned.into_iter().take(MAX_TYPES_READ).collect()
}

/// The word that ends a Terraform heredoc `line` opens (`x = <<EOT`,
/// `<<-EOT`), if it ends with one.
pub(super) fn heredoc_start(line: &str) -> Option<String> {
    let (_, after) = line.trim_end().rsplit_once("<<")?;
    let word = after.strip_prefix('-').unwrap_or(after);
    (!word.is_empty() && word.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')).then(|| word.to_owned())
}

/// Whether a resource's line (squeezed of blanks) gives it no instance:
/// `count = 0`, an empty `for_each` (`{}`, `[]`, `toset([])`), or, failing
/// closed, a `count` or `for_each` whose value is an expression of
/// constants Terraform would have to compute (`1 - 1`, `(0)`, `"0"`,
/// `false ? 1 : 0`, `length([])`, `min(0, 1)`, `tomap({})`; red team 13:
/// each destroyed the resource unseen). A whole number of at least one,
/// a literal collection with something in it, and a value that reads a
/// variable, local or other object (`var.replicas`, read by the variables
/// files' reading) give instances.
fn leaves_no_instance(squeezed: &str) -> bool {
    let references = |expr: &str| {
        let chars: Vec<char> = expr.chars().collect();
        chars.windows(3).any(|w| matches!(w, [a, '.', b] if (a.is_ascii_alphabetic() || *a == '_' || *a == ']') && b.is_ascii_alphabetic()))
            || expr.contains("${")
    };
    // (A value over several lines is not read from its first.)
    let balanced = |expr: &str| {
        let count = |set: &[char]| expr.chars().filter(|c| set.contains(c)).count();
        count(&['(', '[', '{']) == count(&[')', ']', '}'])
            && !expr.is_empty()
            && !expr.ends_with(['?', ':', '+', '-', '*', '/', '&', '|', '='])
    };
    if let Some(expr) = squeezed.strip_prefix("count=") {
        let expr = expr.trim_end_matches(',');
        if references(expr) || !balanced(expr) {
            return false;
        }
        let number = expr.trim_matches('"');
        return !number.parse::<u64>().is_ok_and(|n| n >= 1);
    }
    if let Some(expr) = squeezed.strip_prefix("for_each=") {
        if references(expr) || !balanced(expr) {
            return false;
        }
        // The literal collection inside any conversions (`toset([...])`):
        // empty, or none at all, gives nothing.
        let open = expr.find(['[', '{']);
        let close = expr.rfind([']', '}']);
        return match (open, close) {
            (Some(o), Some(c)) if c > o + 1 => {
                // (A condition or a function of the literal, `length(...)`,
                // `false ? [...] : []`, is computed: fail closed.)
                let head = expr.get(..o).unwrap_or_default();
                let tail = expr.get(c + 1..).unwrap_or_default();
                let conversions =
                    head.split('(').all(|f| matches!(f, "" | "toset" | "tomap" | "tolist" | "set" | "map" | "list"));
                !(conversions && tail.chars().all(|ch| ch == ')' || ch == ','))
            }
            _ => true,
        };
    }
    false
}

/// What registry modules call the switch that makes them create their
/// resource, after `create_` (`create_db_instance = false` in
/// `terraform-aws-modules/rds/aws`, `create_bucket` in its S3 module):
/// set to `false`, the module destroys what it made.
const MODULE_SWITCHES: [&str; 16] = [
    "db_instance",
    "db_cluster",
    "cluster",
    "database",
    "instance",
    "bucket",
    "table",
    "queue",
    "topic",
    "stream",
    "replication_group",
    "file_system",
    "domain",
    "repository",
    "secret",
    "vpc",
];

/// Whether a `module` block's line (squeezed of blanks) turns the module
/// off, so that it destroys what it made: `create = false` (most of the
/// `terraform-aws-modules`), `enabled = false` (Cloud Posse's), or
/// `create_X = false` for a switch of [`MODULE_SWITCHES`] (red team 29:
/// `create_db_instance = false` passed as an edit). A switch for a part
/// (`create_db_parameter_group`) is an edit; a switch that reads a
/// variable is read with the variables files, as `count` is.
fn switches_off(squeezed: &str) -> bool {
    let Some((name, value)) = squeezed.split_once('=') else { return false };
    is_switch(name) && matches!(value.trim_end_matches(',').trim_matches('"'), "false")
}

/// Whether a `module` block's argument `name` is its switch (see
/// [`switches_off`]).
fn is_switch(name: &str) -> bool {
    name == "create"
        || name == "enabled"
        || name.strip_prefix("create_").is_some_and(|what| MODULE_SWITCHES.contains(&what))
}

/// The type a Terraform `module` block stands for, its `header` line
/// (`module "orders_db" {`) followed by `rest`: `module` and its `source`
/// (`module terraform-aws-modules/rds/aws`, `module ./modules/postgres`),
/// so that a module whose source names a datastore counts as one when it
/// is taken out (red team 11: `terraform-aws-modules/rds/aws` removed was
/// `module`, mere infrastructure). The source loses its query (`?ref=v1.2`)
/// and a trailing `/`, so that a version bump renames nothing; a source
/// changed to another counts as the first taken out (Terraform keeps the
/// addresses, but what the new source declares is not read: fail closed).
/// `module` alone when the block states no source on its own level.
fn module_type(header: &str, rest: &[&str]) -> String {
    /// The value of a `source = "..."` attribute, squeezed of blanks.
    fn source_of(squeezed: &str) -> Option<String> {
        let value = squeezed.strip_prefix("source=")?.trim_end_matches([',', ';', '}']);
        let value = value.strip_prefix('"')?.split('"').next()?;
        let value = value.split('?').next().unwrap_or(value).trim_end_matches('/');
        (!value.is_empty()).then(|| value.to_owned())
    }
    let squeeze = |line: &str| -> String { line.chars().filter(|c| !c.is_whitespace()).collect() };
    // `module "x" { source = "..." }` on one line.
    let header = squeeze(header);
    if let Some(inline) = header.split_once('{').and_then(|(_, body)| source_of(body)) {
        return format!("module {inline}");
    }
    let (opens, closes) = braces(&header);
    let mut depth = opens.saturating_sub(closes);
    for line in rest {
        if depth == 0 || line.starts_with(|c: char| !c.is_whitespace() && c != '}') {
            break;
        }
        let squeezed = squeeze(line);
        if depth == 1
            && let Some(source) = source_of(&squeezed)
        {
            return format!("module {source}");
        }
        let (opens, closes) = braces(line);
        depth = depth.saturating_add(opens).saturating_sub(closes);
    }
    "module".to_owned()
}

/// The resource an infrastructure program's line makes, as its library
/// names the class (red team 11: a database construct deleted from a CDK
/// or Pulumi program was read as code): `new rds.DatabaseInstance(this,
/// ...)` and `new aws.rds.Instance("orders", ...)` (TypeScript,
/// JavaScript, C#, Java), `aws.rds.Instance("orders", ...)` or `db =
/// rds.DatabaseInstance(self, ...)` at a statement's start (Python), and
/// `rds.NewInstance(ctx, ...)` or `awssqs.NewQueue(stack, ...)` (Go, as
/// `rds.Instance` and `awssqs.Queue`). The class is
/// qualified by a module (`rds.`): a bare `new Error(` or `new Map(` is
/// no resource. Which of these hold data is the engine's reading of the
/// type's words; the git reader keeps only those (see
/// `blastgate::git`), so a helper class taken out destroys nothing.
///
/// ```
/// use blastgate_ingest::git::declared_counts;
/// let stack = b"const db = new rds.DatabaseInstance(this, 'Db', {\n  engine,\n});\nthrow new Error('x');\n";
/// assert_eq!(declared_counts(stack).keys().collect::<Vec<_>>(), ["rds.DatabaseInstance"]);
/// ```
pub(super) fn program_construct(line: &str, imports: &Imports) -> Option<String> {
    // A dotted name at the start of `text`, a module then a class: the
    // name (as its imports resolve it) and what follows it. A bare class
    // its imports bind to a module's (`import { Table } from
    // "aws-cdk-lib/aws-dynamodb"`) is that module's.
    let dotted = |text: &str| -> Option<(String, usize)> {
        let end = text.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.')).unwrap_or(text.len());
        let name = text.get(..end)?;
        // Java's builders: `Table.Builder.create(this, "Orders")` makes a
        // `Table` (red team 35).
        let name = name.strip_suffix(".Builder.create").unwrap_or(name);
        let name = match name.rsplit_once('.') {
            Some(_) => resolve(name, imports),
            None => imports.get(name).filter(|bound| bound.contains('.'))?.clone(),
        };
        let (module, class) = name.rsplit_once('.')?;
        let module_ok = module.starts_with(|c: char| c.is_ascii_lowercase()) && !module.contains("..");
        let class_ok = class.starts_with(|c: char| c.is_ascii_uppercase());
        (module_ok && class_ok).then_some((name, end))
    };
    let opens = |rest: &str| rest.trim_start().starts_with(['(', '<']);
    // `new module.Class(` anywhere on the line.
    if let Some(at) = line.find("new ") {
        let before_ok = line.get(..at).is_none_or(|b| !b.ends_with(|c: char| c.is_ascii_alphanumeric() || c == '_'));
        let after = line.get(at + 4..)?.trim_start();
        if before_ok && let Some((name, end)) = dotted(after) {
            return opens(after.get(end..)?).then_some(name);
        }
        return None;
    }
    // A statement that calls `module.Class(` (Python), or `pkg.NewClass(ctx`
    // (Go), after an assignment if any (to an attribute, `self.orders =`,
    // or typed, `orders: dynamodb.Table =`), or returned (red team 35). A
    // keyword argument (`partition_key=dynamodb.Attribute(`, no blank
    // around its `=`) is no statement.
    let line = line.strip_prefix("return ").map_or(line, str::trim_start);
    let statement = match line.split_once('=') {
        Some((target, value))
            if !target.is_empty()
                && target
                    .trim()
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | ' ' | ':' | ',' | '.'))
                && (target.ends_with(char::is_whitespace) || target.ends_with(':'))
                && value.starts_with(char::is_whitespace) =>
        {
            value.trim_start()
        }
        Some(_) => return None,
        None => line,
    };
    let (name, end) = dotted(statement)?;
    let rest = statement.get(end..)?;
    if !opens(rest) {
        return None;
    }
    // Go's constructors: `rds.NewInstance(ctx, ...)` (Pulumi) and
    // `awssqs.NewQueue(stack, ...)` (the CDK) make an `rds.Instance` and an
    // `awssqs.Queue` (red team 34: the CDK's read as `awssqs.NewQueue`).
    let (module, class) = name.rsplit_once('.')?;
    match class.strip_prefix("New").filter(|c| c.starts_with(|c: char| c.is_ascii_uppercase())) {
        Some(made) => Some(format!("{module}.{made}")),
        None => Some(name),
    }
}

/// How many `{` and `}` a line holds outside double-quoted strings.
fn braces(line: &str) -> (usize, usize) {
    let (mut opens, mut closes, mut quoted, mut escaped) = (0, 0, false, false);
    for c in line.chars() {
        match c {
            _ if escaped => escaped = false,
            '\\' if quoted => escaped = true,
            '"' => quoted = !quoted,
            '{' if !quoted => opens += 1,
            '}' if !quoted => closes += 1,
            _ => {}
        }
    }
    (opens, closes)
}

/// A configuration text (HCL, YAML, JSON-like) with its comments read as
/// blanks: `#` and `//` to the line's end and `/* ... */`, outside
/// double-quoted strings; a `/*` that is never closed is text (an S3 ARN
/// `arn:aws:s3:::logs/*`, an ingress path `/*`: an audit found one
/// blanking the rest of a file). Unlike the migrations' reading, `--` is
/// no comment here.
pub(super) fn uncomment_config(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    let mut quoted = false;
    while let Some(c) = rest.chars().next() {
        let after = rest.get(c.len_utf8()..).unwrap_or("");
        if c == '\n' {
            quoted = false;
        } else if c == '"' {
            quoted = !quoted;
        } else if !quoted && (c == '#' || rest.starts_with("//")) {
            let end = rest.find('\n').unwrap_or(rest.len());
            rest = rest.get(end..).unwrap_or("");
            continue;
        } else if !quoted
            && rest.starts_with("/*")
            && let Some(close) = after.find("*/")
        {
            // Blank, keeping the comment's line breaks.
            let comment = rest.get(..close + c.len_utf8() + 2).unwrap_or("");
            out.extend(comment.chars().filter(|&c| c == '\n'));
            out.push(' ');
            rest = rest.get(comment.len()..).unwrap_or("");
            continue;
        }
        out.push(c);
        rest = after;
    }
    out
}

/// The parts of a line of a Terraform block, its blanks taken out
/// (`squeezed`): what follows an opening brace, split at braces and `;`
/// (`moved { from = a.b  to = c.d }` written on one line).
fn block_parts(squeezed: &str) -> impl Iterator<Item = &str> {
    squeezed.split_once('{').map_or(squeezed, |(_, rest)| rest).split(['{', '}', ';'])
}

/// The address a `moved` or `removed` block's line gives as `from`, if
/// any, without quotes and without a `to` written on the same line.
/// The `to` address of a `moved` block's line (squeezed of blanks).
fn block_to(squeezed: &str) -> Option<&str> {
    block_parts(squeezed).find_map(|part| {
        let at = part.find("to=")?;
        // (`from=x` holds no `to=`; `to=` starts the part or follows `from=...`.)
        (at == 0 || part.starts_with("from=")).then(|| part.get(at + 3..).unwrap_or_default().trim_matches('"'))
    })
}

/// The type a `moved` or `removed` block leaves declared where it is
/// written, from its `from` address: a `removed` block that keeps the
/// resource (`destroy = false`), and a `moved` block from this module to
/// another (a resource leaving this module for a module it calls). A
/// `moved` block within one module (`from = aws_db_instance.a`, `to =
/// aws_db_instance.b`) leaves nothing more: the resource at `to` counts
/// itself (red team 33: counted besides, the rename stood for another
/// database of the type deleted in the same change). Nor does one from a
/// module this one calls: the resource leaves that module's folder
/// ([`moved_from_modules`]) and is counted here by its block, if it comes
/// here (red team 33's T4: counted besides, it stood for a database
/// deleted beside the block).
fn declared_by_block(removed: bool, from: Option<String>, to: Option<String>, keeps: bool) -> Option<String> {
    let from = from?;
    let module = |address: &str| -> String {
        let steps = blastgate_change::address_steps(address);
        steps.get(..steps.len().saturating_sub(2)).unwrap_or_default().join(".")
    };
    let counts =
        if removed { keeps } else { module(&from).is_empty() && to.is_none_or(|to| module(&to) != module(&from)) };
    counts.then(|| blastgate_change::address_type(&from).map(str::to_owned)).flatten()
}

fn block_from(squeezed: &str) -> Option<&str> {
    block_parts(squeezed).find_map(|part| {
        let address = part.strip_prefix("from=")?;
        Some(address.split("to=").next().unwrap_or(address).trim_matches('"'))
    })
}

/// The Terraform resources `text` declares, as `TYPE.NAME` (`resource
/// "aws_db_instance" "orders"` gives `aws_db_instance.orders`): a block
/// whose name changes without a `moved` block is destroyed and made anew,
/// though its type is still declared as often (an audit: renaming a
/// database's label passed as an edit).
///
/// ```
/// use blastgate_ingest::git::declared_addresses;
/// let found = declared_addresses(b"resource \"aws_db_instance\" \"orders\" {\n}\n");
/// assert!(found.contains("aws_db_instance.orders"));
/// ```
pub fn declared_addresses(text: &[u8]) -> BTreeSet<String> {
    addresses(text, true)
}

/// The Terraform resources and module calls `text` declares in blocks of
/// their own, as [`declared_addresses`] without the `from` of its `moved`
/// and `removed` blocks: where a `moved` block's `to` must stand for it to
/// move anything (a module inlined, its resources moved to the caller).
///
/// ```
/// use blastgate_ingest::git::block_addresses;
/// let text = b"moved {\n  from = module.db.aws_db_instance.main\n  to   = aws_db_instance.main\n}\n";
/// assert!(block_addresses(text).is_empty());
/// ```
pub fn block_addresses(text: &[u8]) -> BTreeSet<String> {
    addresses(text, false)
}

/// The Terraform resources of `text` (`TYPE.NAME`), each with what its
/// block says of its instances: its `count` and `for_each` arguments as
/// written, whitespace taken out (`count=var.off?0:1`), empty for a block
/// with neither (a `.tf.json` resource: those keys of its body, as JSON).
/// A resource moved to another file keeps its instances only when this is
/// the same at both places: a `count` that reads a variable set off
/// destroys it, and is not followed (a block moved and gated off at once
/// must not pass for one kept). At most [`MAX_TYPES_READ`]; not read past
/// [`MAX_EMPTIED_TEXT`] or with a NUL byte.
///
/// ```
/// use blastgate_ingest::git::instance_arguments;
/// let text = b"resource \"aws_db_instance\" \"main\" {\n  count = var.off ? 0 : 1\n}\n";
/// assert_eq!(instance_arguments(text)["aws_db_instance.main"], "count=var.off?0:1");
/// ```
pub fn instance_arguments(text: &[u8]) -> BTreeMap<String, String> {
    let mut found = BTreeMap::new();
    if text.len() > MAX_EMPTIED_TEXT || text.contains(&0) {
        return found;
    }
    let raw = String::from_utf8_lossy(text);
    if let Some(resources) = json_resources(&raw) {
        for (t, name, body) in resources.into_iter().filter(|(_, name, _)| !name.is_empty()) {
            let keys = ["count", "for_each"].map(|k| body.get(k).map_or(String::new(), |v| format!("{k}={v}")));
            found.insert(format!("{t}.{name}"), keys.concat());
        }
        return found;
    }
    let text = uncomment_config(&raw);
    let mut current: Option<String> = None;
    for line in text.lines() {
        if let Some((t, name)) = resource_labels(line) {
            let address = format!("{t}.{name}");
            if found.len() < MAX_TYPES_READ || found.contains_key(&address) {
                // (A block on one line: its arguments are on this one.)
                let squeezed: String = line.chars().filter(|c| !c.is_whitespace()).collect();
                let inline = squeezed.contains("count=") || squeezed.contains("for_each=");
                found.insert(address.clone(), if inline { squeezed } else { String::new() });
                current = Some(address);
            } else {
                current = None;
            }
            continue;
        }
        if line.starts_with(|c: char| !c.is_whitespace()) {
            current = None;
            continue;
        }
        let squeezed: String = line.chars().filter(|c| !c.is_whitespace()).collect();
        if let Some(address) = &current
            && (squeezed.starts_with("count=") || squeezed.starts_with("for_each="))
            && let Some(value) = found.get_mut(address)
            && value.len() < MAX_EMPTIED_TEXT
        {
            if !value.is_empty() {
                value.push(';');
            }
            value.push_str(&squeezed);
        }
    }
    found
}

fn addresses(text: &[u8], with_moved: bool) -> BTreeSet<String> {
    if text.len() > MAX_EMPTIED_TEXT || text.contains(&0) {
        return BTreeSet::new();
    }
    let raw = String::from_utf8_lossy(text);
    // (Terraform's JSON: `{"resource": {"TYPE": {"NAME": ...}}}`.)
    if let Some(resources) = json_resources(&raw) {
        return resources
            .into_iter()
            .filter(|(_, name, _)| !name.is_empty())
            .map(|(t, name, _)| format!("{t}.{name}"))
            .collect();
    }
    let text = uncomment_config(&raw);
    let mut found = BTreeSet::new();
    let mut in_block = false;
    for line in text.lines() {
        // A `moved` or `removed` block's `from` is declared still: moved,
        // or forgotten (a `removed` block that destroys lowers the type's
        // count, which `declared_counts` reads).
        let squeezed: String = line.chars().filter(|c| !c.is_whitespace()).collect();
        if squeezed.starts_with("moved{") || squeezed.starts_with("removed{") {
            in_block = true;
        } else if line.starts_with(|c: char| !c.is_whitespace() && c != '}') {
            in_block = false;
        }
        if in_block {
            if let Some(address) = block_from(&squeezed).filter(|_| with_moved) {
                let steps = blastgate_change::address_steps(address);
                if let [.., t, name] = steps.as_slice()
                    && found.len() < MAX_TYPES_READ
                {
                    found.insert(format!("{t}.{name}"));
                }
            }
            continue;
        }
        // (A module block is `module.NAME`: renamed without a `moved`
        // block, everything in it is destroyed and made anew.)
        if let Some(name) = module_label(line)
            && found.len() < MAX_TYPES_READ
        {
            found.insert(format!("module.{name}"));
            continue;
        }
        if let Some((t, name)) = resource_labels(line)
            && found.len() < MAX_TYPES_READ
        {
            found.insert(format!("{t}.{name}"));
        }
    }
    found
}

/// The Terraform resources of `text` (`TYPE.NAME`) whose block gives them
/// no instance: `count = 0`, an empty `for_each` or a constant expression
/// of them, as `declared_counts` reads it (an override file's `count = 0`
/// destroys the resource its block overrides; red team 33's T7). At most
/// [`MAX_TYPES_READ`]; not read past [`MAX_EMPTIED_TEXT`] or with a NUL
/// byte.
///
/// ```
/// use blastgate_ingest::git::uninstanced_addresses;
/// let text = b"resource \"aws_db_instance\" \"orders\" {\n  count = 0\n}\n";
/// assert!(uninstanced_addresses(text).contains("aws_db_instance.orders"));
/// ```
pub fn uninstanced_addresses(text: &[u8]) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    if text.len() > MAX_EMPTIED_TEXT || text.contains(&0) {
        return found;
    }
    let raw = String::from_utf8_lossy(text);
    if let Some(resources) = json_resources(&raw) {
        for (t, name, body) in resources {
            if json_no_instance(&body) && !name.is_empty() {
                found.insert(format!("{t}.{name}"));
            }
        }
        return found;
    }
    let text = uncomment_config(&raw);
    // The block being read, and the depth of its braces.
    let mut current: Option<(String, usize)> = None;
    for line in text.lines() {
        if line.starts_with(|c: char| !c.is_whitespace() && c != '}') {
            current = resource_labels(line).map(|(t, name)| (format!("{t}.{name}"), 0));
        }
        let Some((address, depth)) = current.as_mut() else { continue };
        let (opens, closes) = braces(line);
        let squeezed: String = line.chars().filter(|c| !c.is_whitespace()).collect();
        if *depth == 1 && leaves_no_instance(&squeezed) && found.len() < MAX_TYPES_READ {
            found.insert(address.clone());
        }
        *depth = (*depth + opens).saturating_sub(closes);
        if *depth == 0 && closes > 0 {
            current = None;
        }
    }
    found
}

/// The type and name of a Terraform `resource` block's header `line`
/// (`resource "aws_db_instance" "orders" {`, the labels quoted or bare),
/// if it is one; not Bicep's `resource NAME 'TYPE@VERSION'`.
pub(super) fn resource_labels(line: &str) -> Option<(&str, &str)> {
    let rest = line.trim_start().strip_prefix("resource")?;
    if !rest.starts_with(|c: char| c.is_whitespace() || c == '"') {
        return None;
    }
    let mut labels = rest.split(|c: char| c.is_whitespace() || c == '{' || c == '"').filter(|w| !w.is_empty());
    let (t, name) = (labels.next()?, labels.next()?);
    (!t.starts_with('\'') && !name.starts_with('\'') && name != "=").then_some((t, name))
}

/// Arguments that make Terraform replace a resource that holds data
/// (destroy it, then make it anew, empty) when their value changes, by
/// resource type: the providers' schemas mark them `ForceNew` (AWS,
/// Google, Azure; red team 29: an RDS `identifier` renamed passed as an
/// edit, where Terraform's plan reads `-/+ must be replaced`). Names
/// (`identifier`, `bucket`, `name`), the keys a table is laid out by
/// (`hash_key`), where the data lives (`availability_zone`, `location`)
/// and its encryption at rest.
pub const REPLACING_ARGUMENTS: [(&str, &[&str]); 40] = [
    (
        "aws_db_instance",
        &[
            "identifier",
            "identifier_prefix",
            "engine",
            "availability_zone",
            "db_name",
            "username",
            "kms_key_id",
            "storage_encrypted",
            "snapshot_identifier",
            "character_set_name",
            "timezone",
        ],
    ),
    (
        "aws_rds_cluster",
        &[
            "cluster_identifier",
            "cluster_identifier_prefix",
            "engine",
            "engine_mode",
            "database_name",
            "master_username",
            "kms_key_id",
            "storage_encrypted",
            "snapshot_identifier",
            "availability_zones",
            "db_subnet_group_name",
        ],
    ),
    (
        "aws_docdb_cluster",
        &["cluster_identifier", "cluster_identifier_prefix", "master_username", "kms_key_id", "storage_encrypted"],
    ),
    ("aws_neptune_cluster", &["cluster_identifier", "cluster_identifier_prefix", "kms_key_arn", "storage_encrypted"]),
    ("aws_redshift_cluster", &["cluster_identifier", "database_name", "master_username"]),
    ("aws_dynamodb_table", &["name", "hash_key", "range_key"]),
    ("aws_s3_bucket", &["bucket", "bucket_prefix"]),
    ("aws_efs_file_system", &["creation_token", "encrypted", "kms_key_id", "performance_mode"]),
    ("aws_ebs_volume", &["availability_zone", "encrypted", "kms_key_id", "snapshot_id"]),
    ("aws_elasticache_cluster", &["cluster_id", "engine"]),
    ("aws_elasticache_replication_group", &["replication_group_id", "at_rest_encryption_enabled", "kms_key_id"]),
    ("aws_kinesis_stream", &["name"]),
    ("aws_sqs_queue", &["name", "name_prefix", "fifo_queue"]),
    ("aws_sns_topic", &["name", "name_prefix", "fifo_topic"]),
    ("aws_msk_cluster", &["cluster_name"]),
    ("aws_opensearch_domain", &["domain_name"]),
    ("aws_elasticsearch_domain", &["domain_name"]),
    ("aws_secretsmanager_secret", &["name", "name_prefix"]),
    ("aws_ecr_repository", &["name"]),
    ("aws_timestreamwrite_table", &["database_name", "table_name"]),
    ("google_sql_database_instance", &["name", "region", "project"]),
    ("google_sql_database", &["name", "instance", "project"]),
    ("google_storage_bucket", &["name", "location", "project"]),
    ("google_bigquery_dataset", &["dataset_id", "location", "project"]),
    ("google_bigquery_table", &["dataset_id", "table_id", "project"]),
    ("google_spanner_instance", &["name", "config", "project"]),
    ("google_spanner_database", &["name", "instance", "project"]),
    ("google_redis_instance", &["name", "region", "project"]),
    ("google_compute_disk", &["name", "zone", "type", "image", "snapshot", "project"]),
    ("google_pubsub_topic", &["name", "project"]),
    ("google_pubsub_subscription", &["name", "topic", "project"]),
    ("google_bigtable_instance", &["name", "project"]),
    ("google_firestore_database", &["name", "location_id", "project"]),
    ("azurerm_storage_account", &["name", "resource_group_name", "location"]),
    ("azurerm_mssql_database", &["name", "server_id"]),
    ("azurerm_postgresql_flexible_server", &["name", "resource_group_name", "location"]),
    ("azurerm_mysql_flexible_server", &["name", "resource_group_name", "location"]),
    ("azurerm_cosmosdb_account", &["name", "resource_group_name", "location"]),
    ("azurerm_redis_cache", &["name", "resource_group_name", "location"]),
    ("azurerm_key_vault", &["name", "resource_group_name", "location"]),
];

/// Most lines one argument's value is read over (a list written one item
/// a line); a longer one is read as far as that.
const MAX_VALUE_LINES: usize = 64;

/// The values a Terraform text gives its resources' replacing arguments
/// ([`REPLACING_ARGUMENTS`]), by resource address and argument, squeezed
/// of blanks and comments and spelled canonically so that layout changes
/// nothing; [`replaces`] compares them before and after a change. Only
/// the block's own level is read (a nested block's `name` is not the
/// resource's). Like
/// [`declared_addresses`], not read past [`MAX_EMPTIED_TEXT`] or with a
/// NUL byte (empty), and at most [`MAX_TYPES_READ`] resources.
///
/// ```
/// use blastgate_ingest::git::replacing_values;
/// let before = replacing_values(b"resource \"aws_db_instance\" \"orders\" {\n  identifier = \"orders\" # prod\n  instance_class = \"db.r6g.large\"\n}\n");
/// let after = replacing_values(b"resource \"aws_db_instance\" \"orders\" {\n  identifier     = \"orders-v2\"\n  instance_class = \"db.r6g.xlarge\"\n}\n");
/// assert_eq!(before["aws_db_instance.orders"]["identifier"], "\"orders\"");
/// assert_eq!(after["aws_db_instance.orders"]["identifier"], "\"orders-v2\"");
/// assert!(!after["aws_db_instance.orders"].contains_key("instance_class"));
/// ```
pub fn replacing_values(text: &[u8]) -> BTreeMap<String, BTreeMap<String, String>> {
    let mut found: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    if text.len() > MAX_EMPTIED_TEXT || text.contains(&0) {
        return found;
    }
    let raw = String::from_utf8_lossy(text);
    // Terraform's JSON: each value as HCL writes it (a string quoted, a
    // `${...}` in it a template), compared as HCL's are (red team 33's
    // T1: `.tf.json` arguments were unread).
    if let Some(resources) = json_resources(&raw) {
        for (t, name, body) in resources.into_iter().filter(|(_, name, _)| !name.is_empty()) {
            let Some((_, arguments)) = REPLACING_ARGUMENTS.iter().find(|(known, _)| *known == t) else { continue };
            let values = arguments
                .iter()
                .filter_map(|a| Some(((*a).to_owned(), serde_json::to_string(body.get(*a)?).ok()?)))
                .collect();
            found.insert(format!("{t}.{name}"), values);
        }
        return found;
    }
    let text = uncomment_config(&raw.replace("\r\n", "\n").replace('\r', "\n"));
    let squeeze = |line: &str| -> String { line.chars().filter(|c| !c.is_whitespace()).collect() };
    let balance = |s: &str| {
        let count = |set: &[char]| s.chars().filter(|c| set.contains(c)).count();
        count(&['(', '[', '{']) as i64 - count(&[')', ']', '}']) as i64
    };
    let lines: Vec<&str> = text.lines().collect();
    // The block being read: its address, the arguments its type replaces
    // on, and the depth of its braces.
    let mut block: Option<(String, &[&str], usize)> = None;
    let mut heredoc: Option<String> = None;
    let mut at = 0;
    while let Some(&line) = lines.get(at) {
        at += 1;
        if let Some(end) = heredoc.as_deref() {
            if line.trim() == end {
                heredoc = None;
            }
            continue;
        }
        heredoc = heredoc_start(line);
        let (opens, closes) = braces(line);
        if line.starts_with(|c: char| !c.is_whitespace() && c != '}') {
            block = None;
        }
        let Some((address, arguments, depth)) = block.as_mut() else {
            if let Some((t, name)) = resource_labels(line)
                && found.len() < MAX_TYPES_READ
                && let Some((_, arguments)) = REPLACING_ARGUMENTS.iter().find(|(known, _)| *known == t)
            {
                let address = format!("{t}.{name}");
                let values = found.entry(address.clone()).or_default();
                if opens > closes {
                    block = Some((address, arguments, opens - closes));
                } else if let Some((_, body)) = line.split_once('{')
                    && let Some((key, value)) = body.rsplit_once('}').map_or(body, |(b, _)| b).split_once('=')
                    && let key = key.trim().trim_matches('"')
                    && arguments.contains(&key)
                {
                    // `resource "t" "n" { name = "x" }`: one argument.
                    values.insert(key.to_owned(), canonical_value(&squeeze(value)));
                }
            }
            continue;
        };
        if *depth == 1
            && let Some((key, value)) = line.split_once('=')
            && let key = key.trim().trim_matches('"')
            && arguments.contains(&key)
            && !value.starts_with(['=', '>'])
        {
            let mut value = squeeze(value);
            // A value over several lines: read on until its brackets close,
            // a heredoc inside it read whole (red team 33: its last line
            // was taken for the rest of the file's heredoc).
            let mut open = balance(&value);
            let mut inner = heredoc_start(line);
            // (The block's braces, counted outside heredocs' text.)
            let (mut opens, mut closes) = braces(line);
            let mut more = 0;
            while (open > 0 || inner.is_some()) && more < MAX_VALUE_LINES {
                let Some(&next) = lines.get(at) else { break };
                at += 1;
                more += 1;
                if let Some(end) = inner.as_deref() {
                    if next.trim() == end {
                        inner = None;
                    }
                    value.push_str(&squeeze(next));
                    continue;
                }
                inner = heredoc_start(next);
                let (o, c) = braces(next);
                (opens, closes) = (opens + o, closes + c);
                let next = squeeze(next);
                open += balance(&next);
                value.push_str(&next);
            }
            if inner.is_none() {
                heredoc = None;
            }
            *depth = depth.saturating_add(opens).saturating_sub(closes);
            if let Some(values) = found.get_mut(address.as_str()) {
                values.insert(key.to_owned(), canonical_value(&value));
            }
            if *depth == 0 {
                block = None;
            }
            continue;
        }
        *depth = depth.saturating_add(opens).saturating_sub(closes);
        if *depth == 0 {
            block = None;
        }
    }
    found
}

/// A replacing argument's value (squeezed of blanks) as Terraform reads
/// it, so that spellings of one value compare equal (red team 33: each of
/// these escalated): a list without its trailing comma and its items in
/// order (the arguments of [`REPLACING_ARGUMENTS`] that take lists are
/// sets, `availability_zones`), and a string that is one interpolation,
/// `"${var.name}"`, as the expression itself, `var.name` (what the 0.12
/// upgrade rewrote).
fn canonical_value(value: &str) -> String {
    let value = value.trim_end_matches(',');
    let whole = |v: &str| -> String {
        match v.strip_prefix("\"${").and_then(|r| r.strip_suffix("}\"")) {
            Some(inner) if !inner.contains(['"', '$', '{', '}']) => inner.to_owned(),
            _ => v.to_owned(),
        }
    };
    let Some(items) = value.strip_prefix('[').and_then(|v| v.strip_suffix(']')) else {
        return whole(value);
    };
    // Items split at the commas outside strings and brackets.
    let mut parts: Vec<String> = Vec::new();
    let (mut depth, mut quoted, mut escaped, mut start) = (0i32, false, false, 0);
    for (i, c) in items.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if quoted => escaped = true,
            '"' => quoted = !quoted,
            '[' | '(' | '{' if !quoted => depth += 1,
            ']' | ')' | '}' if !quoted => depth -= 1,
            ',' if !quoted && depth == 0 => {
                parts.push(whole(items.get(start..i).unwrap_or_default()));
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(whole(items.get(start..).unwrap_or_default()));
    parts.retain(|p| !p.is_empty());
    parts.sort_unstable();
    format!("[{}]", parts.join(","))
}

/// Replacing arguments that replace the resource when set where they were
/// not: names the provider makes up when the configuration leaves them out
/// (`terraform-20260101...`, then another), and what is none when left
/// out (a snapshot to restore from, a table's sort key, a customer key).
/// The other replacing arguments left out take the provider's value
/// (`project`, `region`, `fifo_queue = false`), so setting them is no
/// change by itself (red team 33).
pub const REPLACING_WHEN_SET: [&str; 14] = [
    "identifier",
    "identifier_prefix",
    "cluster_identifier",
    "cluster_identifier_prefix",
    "bucket",
    "bucket_prefix",
    "name",
    "name_prefix",
    "creation_token",
    "snapshot_identifier",
    "snapshot_id",
    "range_key",
    "kms_key_id",
    "kms_key_arn",
];

/// Whether a replacing argument's values in a Terraform override file
/// (`override.tf`, `*_override.tf`), before and after a change, change the
/// value Terraform merges into the resource the file overrides: two that
/// differ as [`replaces`] compares them, or a constant set where the
/// override had none, or taken out (the resource's own value, which the
/// file does not hold, then counts instead: red team 33's T7, an override
/// renaming a database read as an edit). An expression is not compared.
///
/// ```
/// use blastgate_ingest::git::override_replaces;
/// assert!(override_replaces("identifier", None, Some("\"orders-v2\"")));
/// assert!(override_replaces("identifier", Some("\"orders-v2\""), None));
/// assert!(!override_replaces("identifier", None, Some("var.identifier")));
/// assert!(!override_replaces("identifier", Some("\"orders\""), Some("\"orders\"")));
/// ```
pub fn override_replaces(argument: &str, before: Option<&str>, after: Option<&str>) -> bool {
    // (A constant no file holds: what the override's value is compared
    // with where one side has none.)
    const OTHER: &str = "\"\u{1}\"";
    match (before, after) {
        (Some(b), Some(a)) => replaces(argument, Some(b), a),
        (None, Some(v)) | (Some(v), None) => replaces(argument, Some(OTHER), v),
        (None, None) => false,
    }
}

/// Whether a replacing argument's values before and after a change, as
/// [`replacing_values`] reads them, make Terraform replace the resource:
/// two constants (strings, lists, numbers, booleans) that differ, or two
/// string templates (`"${var.env}-orders"`) that differ, and an argument of
/// [`REPLACING_WHEN_SET`] set where it was not. A value that is an
/// expression (`var.name`, `local.region`,
/// `azurerm_resource_group.main.location`) on either side, or a constant
/// beside a template, is not compared: its value is not read here (red
/// team 33: a literal moved into a variable with that default, or into a
/// template that gives the same string, escalated), so a name changed
/// through a variable's value goes unseen, as docs/formats.md says.
///
/// ```
/// use blastgate_ingest::git::replaces;
/// assert!(replaces("identifier", Some("\"orders\""), "\"orders-v2\""));
/// assert!(replaces("identifier", None, "\"orders\""));
/// assert!(!replaces("region", None, "\"europe-west1\""));
/// assert!(!replaces("identifier", Some("\"orders\""), "var.identifier"));
/// assert!(!replaces("identifier", Some("\"orders-prod\""), "\"orders-${var.env}\""));
/// assert!(replaces("bucket", Some("\"${var.env}-assets\""), "\"${var.env}-static\""));
/// ```
pub fn replaces(argument: &str, before: Option<&str>, after: &str) -> bool {
    #[derive(PartialEq)]
    enum Form {
        Constant,
        Template,
        Expression,
    }
    let form = |v: &str| {
        if v.starts_with('"') && v.contains("${") {
            Form::Template
        } else if v.starts_with(['"', '[']) || v.parse::<f64>().is_ok() || matches!(v, "true" | "false" | "null") {
            Form::Constant
        } else {
            Form::Expression
        }
    };
    match before {
        Some(before) => before != after && form(before) == form(after) && form(after) != Form::Expression,
        None => REPLACING_WHEN_SET.contains(&argument),
    }
}

/// A Pulumi type token in its short form: `aws:rds/instance:Instance`,
/// the full token, is the `aws:rds:Instance` a program may also write
/// (the module's last part is the type's own name), so that a program
/// respelling one as the other changes no resource (red team 35's O43:
/// read as a database deleted and another made). Other tokens as they
/// are.
///
/// ```
/// use blastgate_ingest::git::pulumi_token;
/// assert_eq!(pulumi_token("aws:rds/instance:Instance"), "aws:rds:Instance");
/// assert_eq!(pulumi_token("aws:rds:Instance"), "aws:rds:Instance");
/// assert_eq!(pulumi_token("aws:ec2/subnetGroup:Instance"), "aws:ec2/subnetGroup:Instance");
/// ```
pub fn pulumi_token(token: &str) -> String {
    let mut parts = token.split(':');
    if let (Some(package), Some(module), Some(name), None) = (parts.next(), parts.next(), parts.next(), parts.next())
        && let Some((module, own)) = module.split_once('/')
        && own.eq_ignore_ascii_case(name)
    {
        return format!("{package}:{module}:{name}");
    }
    token.to_owned()
}

/// The label of a Terraform `module` block's header line (`module
/// "orders_db" {` gives `orders_db`), if `line` is one, at the file's
/// top level.
pub(super) fn module_label(line: &str) -> Option<&str> {
    let rest = line.strip_prefix("module")?;
    if !rest.starts_with(|c: char| c.is_whitespace() || c == '"') {
        return None;
    }
    let mut labels = rest.split(|c: char| c.is_whitespace() || c == '{' || c == '"').filter(|w| !w.is_empty());
    let name = labels.next()?;
    (!name.starts_with('\'') && name != "=" && labels.next().is_none_or(|w| w == "}")).then_some(name)
}

/// The Terraform `module` blocks `text` declares, each by its label with
/// the type it stands for (`module ./modules/postgres`, as
/// [`declared_types`] counts it): what a module renamed without a `moved`
/// block destroys ([`declared_addresses`] gives its address,
/// `module.NAME`).
///
/// ```
/// use blastgate_ingest::git::declared_modules;
/// let found = declared_modules(b"module \"db\" {\n  source = \"./modules/db\"\n}\n");
/// assert_eq!(found.get("db").map(String::as_str), Some("module ./modules/db"));
/// ```
pub fn declared_modules(text: &[u8]) -> BTreeMap<String, String> {
    if text.len() > MAX_EMPTIED_TEXT || text.contains(&0) {
        return BTreeMap::new();
    }
    let raw = String::from_utf8_lossy(text);
    let text = uncomment_config(&raw);
    let lines: Vec<&str> = text.lines().collect();
    let mut found = BTreeMap::new();
    for (at, line) in lines.iter().enumerate() {
        if let Some(name) = module_label(line)
            && found.len() < MAX_TYPES_READ
        {
            found.insert(name.to_owned(), module_type(line, lines.get(at + 1..).unwrap_or_default()));
        }
    }
    found
}

/// The arguments each Terraform `module` block of `text` passes at its own
/// level, by the block's label: each argument's value squeezed of blanks,
/// a value over several lines read whole (its lines joined by line
/// breaks), as [`variable_values`] gives a variables file's. Meta-arguments
/// (`source`, `version`, `count`, `for_each`, `providers`, `depends_on`)
/// and nested blocks are left out. At most [`MAX_TYPES_READ`] blocks;
/// nothing is read past [`MAX_EMPTIED_TEXT`] or from a text with a NUL
/// byte.
///
/// ```
/// use blastgate_ingest::git::module_arguments;
/// let text = b"module \"db\" {\n  source    = \"./modules/db\"\n  replicas  = 2\n  databases = {\n    orders = {}\n  }\n}\n";
/// let found = module_arguments(text);
/// assert_eq!(found["db"]["replicas"], "2");
/// assert_eq!(found["db"]["databases"], "{\norders={}\n}");
/// assert!(!found["db"].contains_key("source"));
/// ```
pub fn module_arguments(text: &[u8]) -> BTreeMap<String, BTreeMap<String, String>> {
    let mut found: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    if text.len() > MAX_EMPTIED_TEXT || text.contains(&0) {
        return found;
    }
    let raw = String::from_utf8_lossy(text);
    let text = uncomment_config(&raw.replace("\r\n", "\n").replace('\r', "\n"));
    // The block being read: its label and the depth of its braces; and a
    // value over several lines: its argument, its lines so far and the
    // depth of its brackets.
    let mut block: Option<(String, usize)> = None;
    let mut pending: Option<(String, String, i64)> = None;
    for line in text.lines() {
        let squeezed: String = line.chars().filter(|c| !c.is_whitespace()).collect();
        let (opens, closes) = braces(line);
        if let Some((argument, mut value, depth)) = pending.take() {
            value.push('\n');
            value.push_str(&squeezed);
            let depth = depth + super::instances::nesting(&squeezed);
            if depth > 0 && value.len() < MAX_EMPTIED_TEXT {
                pending = Some((argument, value, depth));
            } else if let Some((label, _)) = &block {
                found.entry(label.clone()).or_default().insert(argument, value);
            }
        } else if line.starts_with(|c: char| !c.is_whitespace() && c != '}') {
            block = None;
            if let Some(label) = module_label(line)
                && (found.len() < MAX_TYPES_READ || found.contains_key(label))
                && opens > closes
            {
                found.entry(label.to_owned()).or_default();
                block = Some((label.to_owned(), opens - closes));
                continue;
            }
        } else if let Some((label, 1)) = &block
            && let Some((name, value)) = squeezed.split_once('=')
            && !value.starts_with('=')
            && !name.is_empty()
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
            && !matches!(name, "source" | "version" | "count" | "for_each" | "providers" | "depends_on")
        {
            let depth = super::instances::nesting(value);
            if depth > 0 {
                pending = Some((name.to_owned(), value.to_owned(), depth));
            } else {
                found.entry(label.clone()).or_default().insert(name.to_owned(), value.to_owned());
            }
        }
        if let Some((_, depth)) = block.as_mut() {
            *depth = depth.saturating_add(opens).saturating_sub(closes);
            if *depth == 0 && pending.is_none() {
                block = None;
            }
        }
    }
    found
}

/// The resource types Terraform `moved` blocks in `text` take from
/// somewhere (`from = module.app.aws_db_instance.orders` gives
/// `aws_db_instance`): wherever the block is, that resource is moved, not
/// destroyed.
///
/// ```
/// use blastgate_ingest::git::moved_from_types;
/// let text = b"moved {\n  from = module.app.aws_db_instance.orders\n  to   = module.db.aws_db_instance.orders\n}\n";
/// assert!(moved_from_types(text).contains("aws_db_instance"));
/// ```
pub fn moved_from_types(text: &[u8]) -> BTreeSet<String> {
    moved_from(text).into_iter().map(|(t, _)| t).collect()
}

/// As [`moved_from_types`], each type with whether its `from` address
/// is in a module the block's module calls (`module.app.aws_db_instance.
/// orders`: wherever that module's folder is) or in the block's own
/// module (`aws_db_instance.orders`: the block's folder only).
///
/// ```
/// use blastgate_ingest::git::moved_from;
/// let text = b"moved {\n  from = aws_db_instance.main\n  to = aws_db_instance.orders\n}\n";
/// assert!(moved_from(text).contains(&("aws_db_instance".to_owned(), false)));
/// ```
pub fn moved_from(text: &[u8]) -> BTreeSet<(String, bool)> {
    if text.len() > MAX_EMPTIED_TEXT || text.contains(&0) {
        return BTreeSet::new();
    }
    let raw = String::from_utf8_lossy(text);
    let text = uncomment_config(&raw);
    let mut in_moved = false;
    let mut found = BTreeSet::new();
    for line in text.lines() {
        let squeezed: String = line.chars().filter(|c| !c.is_whitespace()).collect();
        if squeezed.starts_with("moved{") {
            in_moved = true;
        } else if line.starts_with(|c: char| !c.is_whitespace() && c != '}') {
            in_moved = false;
        }
        if !in_moved {
            continue;
        }
        if let Some(address) = block_from(&squeezed) {
            let in_module = address.starts_with("module.");
            found.extend(blastgate_change::address_type(address).map(|t| (t.to_owned(), in_module)));
        }
    }
    found
}

/// The `moved` blocks of a Terraform text whose `from` address is in a
/// module the text's module calls, each as the labels of the module calls
/// it goes through and the resource's type (`from =
/// module.app.module.store["x"].aws_db_instance.orders` gives `["app",
/// "store"]` and `aws_db_instance`): the resource leaves the folder those
/// calls' sources name, and nothing else (red team 33's T4: a block moving
/// one module's database masked a database deleted in any folder). At
/// most [`MAX_TYPES_READ`]; not read past [`MAX_EMPTIED_TEXT`] or with a
/// NUL byte.
///
/// ```
/// use blastgate_ingest::git::moved_from_modules;
/// let text = b"moved {\n  from = module.app.aws_db_instance.orders\n  to   = aws_db_instance.orders\n}\n";
/// let found = moved_from_modules(text);
/// assert!(found.contains(&(vec!["app".to_owned()], "aws_db_instance".to_owned())));
/// ```
pub fn moved_from_modules(text: &[u8]) -> BTreeSet<(Vec<String>, String)> {
    let mut found = BTreeSet::new();
    for (from, _) in moved_pairs(text) {
        let steps = blastgate_change::address_steps(&from);
        let (chain, _) = module_chain(&steps);
        if let Some(t) = blastgate_change::address_type(&from)
            && !chain.is_empty()
        {
            found.insert((chain, t.to_owned()));
        }
    }
    found
}

/// The labels of the module calls an address's steps
/// ([`blastgate_change::address_steps`]) go through, and the steps after
/// them.
///
/// ```
/// use blastgate_ingest::git::module_chain;
/// let steps = ["module", "app", "module", "store", "aws_db_instance", "orders"];
/// let (chain, rest) = module_chain(&steps);
/// assert_eq!((chain, rest), (vec!["app".to_owned(), "store".to_owned()], &["aws_db_instance", "orders"][..]));
/// ```
pub fn module_chain<'s>(steps: &'s [&'s str]) -> (Vec<String>, &'s [&'s str]) {
    let mut chain = Vec::new();
    let mut rest = steps;
    while let ["module", label, tail @ ..] = rest {
        chain.push((*label).to_owned());
        rest = tail;
    }
    (chain, rest)
}

/// The `from` and `to` addresses of the `moved` blocks of a Terraform
/// text, as written (`aws_db_instance.main`, `aws_db_instance.orders`):
/// a resource renamed with one is the same resource, whose replacing
/// arguments ([`replaces`]) are compared across the rename (red team 33:
/// renamed and given another `identifier` at once was `peer`). At most
/// [`MAX_TYPES_READ`]; not read past [`MAX_EMPTIED_TEXT`] or with a NUL
/// byte.
///
/// ```
/// use blastgate_ingest::git::moved_pairs;
/// let text = b"moved {\n  from = aws_db_instance.main\n  to   = aws_db_instance.orders\n}\n";
/// assert_eq!(moved_pairs(text), [("aws_db_instance.main".to_owned(), "aws_db_instance.orders".to_owned())]);
/// ```
pub fn moved_pairs(text: &[u8]) -> Vec<(String, String)> {
    let mut found = Vec::new();
    if text.len() > MAX_EMPTIED_TEXT || text.contains(&0) {
        return found;
    }
    let raw = String::from_utf8_lossy(text);
    let text = uncomment_config(&raw);
    let (mut in_moved, mut from, mut to) = (false, None, None);
    for line in text.lines() {
        let squeezed: String = line.chars().filter(|c| !c.is_whitespace()).collect();
        if squeezed.starts_with("moved{") {
            (in_moved, from, to) = (true, None, None);
        } else if line.starts_with(|c: char| !c.is_whitespace() && c != '}') {
            in_moved = false;
        }
        if !in_moved {
            continue;
        }
        if let Some(address) = block_from(&squeezed) {
            from = Some(address.to_owned());
        }
        if let Some(address) = block_to(&squeezed) {
            to = Some(address.to_owned());
        }
        if let (Some(f), Some(t)) = (&from, &to)
            && found.len() < MAX_TYPES_READ
        {
            found.push((f.clone(), t.clone()));
            (in_moved, from, to) = (false, None, None);
        }
    }
    found
}

/// A Kubernetes kind with its API group when the group says what the kind
/// alone does not: an operator's, Crossplane's or a cloud controller's
/// object whose kind reads as mere infrastructure (`Cluster`, `Instance`,
/// `Table`) while with its group it holds data (`Cluster.postgresql.cnpg.
/// io`, `Instance.rds.aws.upbound.io`, `Table.dynamodb.services.k8s.aws`;
/// red team 11: each deleted was `peer`). Other kinds, and the built-in
/// groups (`apps`, `*.k8s.io`), stay as they are.
fn qualified_kind(kind: String, group: Option<&str>) -> String {
    use blastgate_core::engine::resource_type_kind;
    use blastgate_graph::NodeKind;
    let Some(group) = group.filter(|g| g.contains('.') && !g.ends_with(".k8s.io")) else { return kind };
    if resource_type_kind(&kind) != NodeKind::Infrastructure {
        return kind;
    }
    let qualified = format!("{kind}.{group}");
    if resource_type_kind(&qualified) == NodeKind::Infrastructure { kind } else { qualified }
}

/// Longest type [`declared_types`] returns, in bytes; a longer one is cut.
pub const MAX_TYPE_BYTES: usize = 256;

/// The resource types of a Terraform JSON `resource` value: the keys of
/// its object, or of each object of its array.
/// A Terraform JSON file's resources (`{"resource": {"TYPE": {"NAME":
/// {...}}}}`, any level also an array of such objects), each as its type,
/// name and body (a type given without names once, named ""), at most
/// [`MAX_TYPES_READ`]; `None` for a text that is not a JSON object or
/// array.
pub(super) fn json_resources(text: &str) -> Option<Vec<(String, String, serde_json::Value)>> {
    let text = text.trim_start_matches('\u{feff}');
    if !text.trim_start().starts_with(['{', '[']) {
        return None;
    }
    let value = serde_json::from_str::<serde_json::Value>(text).ok()?;
    let objects = |v: &serde_json::Value| -> Vec<serde_json::Map<String, serde_json::Value>> {
        match v {
            serde_json::Value::Object(map) => vec![map.clone()],
            serde_json::Value::Array(items) => items.iter().filter_map(|i| i.as_object().cloned()).collect(),
            _ => Vec::new(),
        }
    };
    let mut found = Vec::new();
    for top in objects(&value) {
        for types in top.get("resource").map(objects).unwrap_or_default() {
            for (t, names) in &types {
                // (A type given without names, `"aws_iam_role": {}`, is
                // counted once as written: name "".)
                let names = objects(names);
                if names.iter().all(serde_json::Map::is_empty) && found.len() < MAX_TYPES_READ {
                    found.push((t.clone(), String::new(), serde_json::Value::Null));
                }
                for names in names {
                    for (name, body) in names {
                        // (A block given as an array of bodies: its first.)
                        let body = match body {
                            serde_json::Value::Array(items) => items.into_iter().next().unwrap_or_default(),
                            other => other,
                        };
                        if found.len() < MAX_TYPES_READ {
                            found.push((t.clone(), name, body));
                        }
                    }
                }
            }
        }
    }
    Some(found)
}

/// Whether a Terraform JSON resource body gives it no instance: `"count":
/// 0` (or `"0"`, `false`), an empty `"for_each"` (`{}`, `[]`).
fn json_no_instance(body: &serde_json::Value) -> bool {
    let count = body.get("count").is_some_and(|c| match c {
        serde_json::Value::Number(n) => n.as_f64().is_some_and(|n| n < 1.0),
        serde_json::Value::String(s) => s.trim() == "0",
        serde_json::Value::Bool(b) => !b,
        _ => false,
    });
    let for_each = body.get("for_each").is_some_and(|f| match f {
        serde_json::Value::Object(m) => m.is_empty(),
        serde_json::Value::Array(a) => a.is_empty(),
        _ => false,
    });
    count || for_each
}

/// Most bytes of a file's text read to tell whether it declares anything
/// ([`declares_nothing`]): a larger file is taken to declare something.
pub const MAX_EMPTIED_TEXT: usize = 1 << 20;

/// Whether `text` declares nothing: blank once its comments (`/* */`,
/// `#`, `//`, `--` to the line's end) are read as blanks, YAML's document
/// markers (`---`, `...`) aside. Text with a NUL byte, or longer than
/// [`MAX_EMPTIED_TEXT`], declares something. An infrastructure file whose
/// content declared something and declares nothing after a change was
/// emptied in place (`main.tf` truncated, reduced to a comment, or wrapped
/// in `/* */`): applied, it destroys what it declared.
///
/// ```
/// use blastgate_ingest::git::declares_nothing;
/// assert!(declares_nothing(b"/*\nresource \"aws_db_instance\" \"orders\" {}\n*/\n# retired\n"));
/// assert!(declares_nothing(b"---\n# nothing here\n"));
/// assert!(!declares_nothing(b"resource \"aws_db_instance\" \"orders\" {}\n"));
/// ```
pub fn declares_nothing(text: &[u8]) -> bool {
    if text.len() > MAX_EMPTIED_TEXT || text.contains(&0) {
        return false;
    }
    uncomment(&String::from_utf8_lossy(text)).lines().all(|line| matches!(line.trim(), "" | "---" | "..."))
}

/// `text` read as one YAML mapping, with the graph reader's budgets:
/// `Some(None)` for a blank text, `None` for one that is not UTF-8, holds
/// a NUL byte, is over [`MAX_EMPTIED_TEXT`], or is not a mapping.
pub(super) fn yaml_mapping(what: &str, text: &[u8]) -> Option<Option<serde_json::Value>> {
    if text.len() > MAX_EMPTIED_TEXT || text.contains(&0) {
        return None;
    }
    let text = std::str::from_utf8(text).ok()?;
    if text.trim().is_empty() {
        return Some(None);
    }
    let value: serde_json::Value = crate::doc::from_yaml(what, text).ok()?;
    value.is_object().then_some(Some(value))
}

/// The Terraform input variables that decide whether a module's
/// resources exist, read from its `.tf` files (`texts`): for each
/// `resource` or `module` block whose `count` or `for_each` line refers
/// to `var.NAME` (directly, or through a `local.NAME` a `locals` block of
/// any of the files defines from variables), NAME with the block's type
/// (`module` for a module block) and whether the block has instances when
/// the variable is set ([`turns_off`] is unset) or when it is unset: `count =
/// var.x ? 1 : 0` and `for_each = var.m` exist when set, `count = var.x ?
/// 0 : 1`, `count = !var.x ? 1 : 0` and `count = var.id == "" ? 1 : 0`
/// when unset. A block gated by a local is listed under `local.NAME` as
/// well, whatever the local is defined from, so that a local given a
/// literal ([`variable_values`] reads its value under that key) gates it
/// too. At most [`MAX_TYPES_READ`] variables. Comments are
/// skipped; a text over [`MAX_EMPTIED_TEXT`] or holding a NUL byte is not
/// read.
///
/// ```
/// use blastgate_ingest::git::gated_types;
/// let main = b"resource \"aws_db_instance\" \"orders\" {\n  count = local.make_db ? 1 : 0\n}\nresource \"aws_db_instance\" \"legacy\" {\n  count = var.use_external_db ? 0 : 1\n}\nresource \"aws_sqs_queue\" \"q\" {\n  for_each = var.queues\n}\n";
/// let locals = b"locals {\n  make_db = var.create_database && var.enabled\n}\n";
/// let gates = gated_types(&[main, locals]);
/// let set = |t: &str, on: bool| (t.to_owned(), on);
/// assert_eq!(gates["create_database"].iter().cloned().collect::<Vec<_>>(), [set("aws_db_instance", true)]);
/// assert_eq!(gates["use_external_db"].iter().cloned().collect::<Vec<_>>(), [set("aws_db_instance", false)]);
/// assert_eq!(gates["queues"].iter().cloned().collect::<Vec<_>>(), [set("aws_sqs_queue", true)]);
/// assert_eq!(gates["local.make_db"].iter().cloned().collect::<Vec<_>>(), [set("aws_db_instance", true)]);
/// ```
pub fn gated_types(texts: &[&[u8]]) -> BTreeMap<String, BTreeSet<(String, bool)>> {
    gates_and_sources(texts).0
}

/// The variables and locals whose value gives a module's blocks their
/// instances itself, read from its `.tf` files (`texts`): for each
/// `resource` or `module` block whose `count` or `for_each` reads the
/// variable or local alone (`var.NAME`, `local.NAME`; `for_each` also
/// through `toset`, `tomap` or `keys`), its `length(...)` for `count`, or
/// a `for` expression over it keyed by its items, keys or an item's field
/// ([`reading_source`](super::reading_source)), the key (`NAME` or
/// `local.NAME`, as [`variable_values`] gives their values) with the
/// block's type, as [`gated_types`] names it, and how the block reads it.
/// A value whose instances shrink
/// ([`read_instances`](super::read_instances)) destroys those the block
/// had: `count = var.replicas` with `replicas` 3 to 2, a key taken out of
/// the map `for_each = var.databases` reads, an object taken out of the
/// list `for_each = { for db in var.databases : db.name => db }` reads.
///
/// ```
/// use blastgate_ingest::git::{Reading, instance_sources};
/// let main = b"resource \"aws_db_instance\" \"db\" {\n  for_each = toset(var.databases)\n}\n";
/// let sources = instance_sources(&[main]);
/// assert!(sources["databases"].contains(&("aws_db_instance".to_owned(), Reading::ForEach)));
/// ```
pub fn instance_sources(texts: &[&[u8]]) -> Sources {
    gates_and_sources(texts).1
}

/// Gates: see [`gated_types`].
pub type Gates = BTreeMap<String, BTreeSet<(String, bool)>>;

/// Instance sources: see [`instance_sources`].
pub type Sources = BTreeMap<String, BTreeSet<(String, Reading)>>;

/// [`gated_types`] and [`instance_sources`] of the same texts, read in one
/// pass.
pub fn gates_and_sources(texts: &[&[u8]]) -> (Gates, Sources) {
    let mut gates: BTreeMap<String, BTreeSet<(String, bool)>> = BTreeMap::new();
    let mut sources: Sources = BTreeMap::new();
    // Locals by name: the variables each reads, and whether it negates them.
    let mut locals: BTreeMap<String, BTreeSet<(String, bool)>> = BTreeMap::new();
    // Blocks gated by a local: (local, type, has instances when the local is set).
    let mut by_local: Vec<(String, String, bool)> = Vec::new();
    for text in texts {
        if text.len() > MAX_EMPTIED_TEXT || text.contains(&0) {
            continue;
        }
        let raw = String::from_utf8_lossy(text);
        let text = uncomment_config(&raw.replace("\r\n", "\n").replace('\r', "\n"));
        // The block being read: its type (`None` for `locals`) and the
        // depth of its braces.
        let mut block: Option<(Option<String>, usize)> = None;
        let lines: Vec<&str> = text.lines().collect();
        for (at, &line) in lines.iter().enumerate() {
            let trimmed = line.trim();
            let (opens, closes) = braces(line);
            if line.starts_with(|c: char| !c.is_whitespace() && c != '}') {
                block = None;
            }
            if let Some((t, depth)) = block.as_mut() {
                let squeezed: String = trimmed.chars().filter(|c| !c.is_whitespace()).collect();
                match t {
                    Some(t) => {
                        // (A module's own switch, `create = var.x`, gates
                        // it as `count = var.x ? 1 : 0` would.)
                        let switch = || {
                            let (name, expr) = squeezed.split_once('=')?;
                            (t.starts_with("module") && *depth == 1 && is_switch(name)).then_some(expr)
                        };
                        let expr = squeezed
                            .strip_prefix("count=")
                            .or_else(|| squeezed.strip_prefix("for_each="))
                            .or_else(switch);
                        if let Some(expr) = expr {
                            let count = squeezed.starts_with("count=");
                            if (count || squeezed.starts_with("for_each="))
                                && let Some((key, reading)) =
                                    reading_source(count, &argument_value(trimmed, &lines, at))
                            {
                                sources.entry(key).or_default().insert((t.clone(), reading));
                            }
                            for var in references(expr, "var.") {
                                let on = exists_when_set(expr, &format!("var.{var}"));
                                gates.entry(var).or_default().insert((t.clone(), on));
                            }
                            for local in references(expr, "local.") {
                                let on = exists_when_set(expr, &format!("local.{local}"));
                                // (Under its own name too, for a local
                                // given a literal: `count = local.n`.)
                                gates.entry(format!("local.{local}")).or_default().insert((t.clone(), on));
                                by_local.push((local, t.clone(), on));
                            }
                        }
                    }
                    None if *depth == 1 => {
                        if let Some((name, expr)) = squeezed.split_once('=') {
                            let read = references(expr, "var.").into_iter().map(|v| {
                                let negated = expr.contains(&format!("!var.{v}"));
                                (v, negated)
                            });
                            locals.entry(name.to_owned()).or_default().extend(read);
                        }
                    }
                    None => {}
                }
                *depth = depth.saturating_add(opens).saturating_sub(closes);
                if *depth == 0 {
                    block = None;
                }
                continue;
            }
            if opens <= closes {
                continue;
            }
            if trimmed.strip_prefix("locals").is_some_and(|rest| rest.trim_start().starts_with('{')) {
                block = Some((None, opens - closes));
            } else if let Some(rest) = trimmed.strip_prefix("resource").or_else(|| trimmed.strip_prefix("module")) {
                if !rest.starts_with(|c: char| c.is_whitespace() || c == '"') {
                    continue;
                }
                let t = if trimmed.starts_with("module") {
                    module_type(line, lines.get(at + 1..).unwrap_or_default())
                } else {
                    let first = rest.split(|c: char| c.is_whitespace() || c == '{').find(|w| !w.is_empty());
                    first.unwrap_or_default().trim_matches('"').split('"').next().unwrap_or_default().to_owned()
                };
                if !t.is_empty() && !t.contains(char::is_control) && t.len() <= MAX_TYPE_BYTES {
                    block = Some((Some(t), opens - closes));
                }
            }
        }
    }
    for (local, t, on) in by_local {
        for (var, negated) in locals.get(&local).into_iter().flatten() {
            gates.entry(var.clone()).or_default().insert((t.clone(), on != *negated));
        }
    }
    while gates.len() > MAX_TYPES_READ {
        gates.pop_last();
    }
    while sources.len() > MAX_TYPES_READ {
        sources.pop_last();
    }
    (gates, sources)
}

/// The value of the argument on `line` (the `at`th of `lines`, trimmed),
/// with the lines after it while its brackets stay open (at most
/// [`MAX_VALUE_LINES`] of them, then unbalanced).
fn argument_value(line: &str, lines: &[&str], at: usize) -> String {
    let mut value = line.split_once('=').map_or("", |(_, v)| v).to_owned();
    let mut depth = super::instances::nesting(&value);
    for next in lines.get(at + 1..).unwrap_or_default().iter().take(MAX_VALUE_LINES) {
        if depth <= 0 {
            break;
        }
        value.push('\n');
        value.push_str(next);
        depth += super::instances::nesting(next);
    }
    value
}

/// Whether the block whose `count` or `for_each` expression (squeezed of
/// blanks) is `expr` has instances when `reference` (`var.x`) is set:
/// a reference in a condition (`COND ? A : B`) gates by which branch
/// leaves no instance and whether the condition negates it (`!var.x`,
/// `var.x == ""`, `== null`, `== false`, `== 0`, `length(var.x) == 0`);
/// anywhere else (`count = var.n`, `for_each = var.m`), it gives the
/// instances itself.
fn exists_when_set(expr: &str, reference: &str) -> bool {
    let Some((condition, branches)) = expr.split_once('?') else {
        return true;
    };
    if !condition.contains(reference) {
        return true;
    }
    let negated = condition.contains(&format!("!{reference}"))
        || condition.contains(&format!("length({reference})==0"))
        || ["==\"\"", "==null", "==false", "==0", "==[]", "=={}"]
            .iter()
            .any(|test| condition.contains(&format!("{reference}{test}")));
    let first = branches.split(':').next().unwrap_or_default().trim_matches(|c| c == '(' || c == ')');
    let first_empty = turns_off(first);
    negated == first_empty
}

/// The names `text` refers to after `prefix` (`var.`, `local.`), where
/// the prefix starts a word: `var.enabled` in `var.enabled?1:0`.
fn references(text: &str, prefix: &str) -> BTreeSet<String> {
    let ident = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-';
    let mut found = BTreeSet::new();
    let mut rest = text;
    while let Some(at) = rest.find(prefix) {
        let before = rest.get(..at).and_then(|b| b.chars().next_back());
        let after = rest.get(at + prefix.len()..).unwrap_or_default();
        let name: String = after.chars().take_while(|c| ident(*c)).collect();
        if !before.is_some_and(|c| ident(c) || c == '.') && !name.is_empty() {
            found.insert(name);
        }
        rest = after;
    }
    found
}

/// The values a Terraform variables file sets, by variable, each squeezed
/// of blanks (`enabled = false` is `false`): a `.tfvars` file's top-level
/// `NAME = VALUE` lines (a value on one line), or a `.tfvars.json` file's
/// keys. `variable "NAME" { default = VALUE }` blocks of a `.tf` file give
/// their defaults the same way (`tf` true), and its `locals` given a
/// literal (`n = 0`, `enabled = false`, `name = "x"`, or a list or map
/// written out, over lines too; not an expression) their values under
/// `local.NAME`, the key [`gated_types`]
/// gives a gate through that local. At most [`MAX_TYPES_READ`].
///
/// ```
/// use blastgate_ingest::git::variable_values;
/// let vars = variable_values(b"create_database = false\nname = \"orders\" # the service\n", false);
/// assert_eq!(vars["create_database"], "false");
/// let tf = variable_values(b"variable \"enabled\" {\n  type    = bool\n  default = true\n}\n", true);
/// assert_eq!(tf["enabled"], "true");
/// let locals = variable_values(b"locals {\n  n    = 0\n  size = var.size * 2\n}\n", true);
/// assert_eq!(locals["local.n"], "0");
/// assert!(!locals.contains_key("local.size"));
/// ```
pub fn variable_values(text: &[u8], tf: bool) -> BTreeMap<String, String> {
    let mut values = BTreeMap::new();
    if text.len() > MAX_EMPTIED_TEXT || text.contains(&0) {
        return values;
    }
    let raw = String::from_utf8_lossy(text);
    if !tf && raw.trim_start().starts_with('{') {
        if let Ok(serde_json::Value::Object(map)) = serde_json::from_str::<serde_json::Value>(&raw) {
            values.extend(map.into_iter().take(MAX_TYPES_READ).map(|(k, v)| (k, v.to_string())));
        }
        return values;
    }
    let text = uncomment_config(&raw.replace("\r\n", "\n").replace('\r', "\n"));
    // In a `.tf` file: the variable block being read and its depth, and
    // the depth of the `locals` block being read.
    let mut variable: Option<(String, usize)> = None;
    let mut locals: Option<usize> = None;
    // A value that goes on over lines (a map or list written out): its
    // key, its lines so far (each squeezed, joined by line breaks) and
    // the depth of its brackets. A `local` keeps it only if it is a
    // collection written out.
    let mut pending: Option<(String, String, i64)> = None;
    let keep = |values: &mut BTreeMap<String, String>, key: String, value: String| {
        if !key.starts_with("local.") || literal(&value) || super::instances::written_out(&value) {
            values.insert(key, value);
        }
    };
    let start = |values: &mut BTreeMap<String, String>, key: String, value: &str| {
        let depth = super::instances::nesting(value);
        if depth > 0 {
            Some((key, value.to_owned(), depth))
        } else {
            keep(values, key, value.to_owned());
            None
        }
    };
    for line in text.lines() {
        if values.len() >= MAX_TYPES_READ {
            break;
        }
        let squeezed: String = line.chars().filter(|c| !c.is_whitespace()).collect();
        let (opens, closes) = braces(line);
        if let Some((key, mut value, depth)) = pending.take() {
            value.push('\n');
            value.push_str(&squeezed);
            let depth = depth + super::instances::nesting(&squeezed);
            if depth <= 0 || value.len() >= MAX_EMPTIED_TEXT {
                // (Unbalanced: kept as it stands, read as no literal.)
                keep(&mut values, key, value);
            } else {
                pending = Some((key, value, depth));
            }
            if !tf {
                continue;
            }
        } else if !tf {
            if line.starts_with(|c: char| !c.is_whitespace())
                && let Some((name, value)) = squeezed.split_once('=')
                && !name.is_empty()
                && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
            {
                pending = start(&mut values, name.to_owned(), value);
            }
            continue;
        }
        if line.starts_with(|c: char| !c.is_whitespace() && c != '}') {
            variable = None;
            locals = None;
        }
        if let Some(depth) = locals.as_mut() {
            if *depth == 1
                && pending.is_none()
                && let Some((name, value)) = squeezed.split_once('=')
                && !name.is_empty()
                && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
            {
                pending = start(&mut values, format!("local.{name}"), value);
            }
            *depth = depth.saturating_add(opens).saturating_sub(closes);
            if *depth == 0 {
                locals = None;
            }
        } else if let Some((name, depth)) = variable.as_mut() {
            if *depth == 1
                && pending.is_none()
                && let Some(value) = squeezed.strip_prefix("default=")
            {
                pending = start(&mut values, name.clone(), value);
            }
            *depth = depth.saturating_add(opens).saturating_sub(closes);
            if *depth == 0 {
                variable = None;
            }
        } else if squeezed.starts_with("locals{") && opens > closes {
            locals = Some(opens - closes);
        } else if let Some(rest) = squeezed.strip_prefix("variable")
            && opens > closes
        {
            let name = rest.trim_start_matches('"').split(['"', '{']).next().unwrap_or_default();
            if !name.is_empty() {
                variable = Some((name.to_owned(), opens - closes));
            }
        }
    }
    values
}

/// Whether a Terraform value squeezed of blanks is a literal that
/// refers to nothing: a number, `true`, a quoted string without `${`, or
/// one of the unset values of [`turns_off`].
fn literal(value: &str) -> bool {
    let quoted = value.len() >= 2 && value.starts_with('"') && value.ends_with('"') && !value.contains("${");
    turns_off(value) || value.eq_ignore_ascii_case("true") || value.parse::<f64>().is_ok_and(f64::is_finite) || quoted
}

/// Whether a Terraform value (squeezed of blanks, as
/// [`variable_values`] gives it) is unset: `false`, `0`, `null`, an empty
/// string, list, set or map. A block gated by it ([`gated_types`]) has
/// instances on one side of this and none on the other.
pub fn turns_off(value: &str) -> bool {
    matches!(
        value.to_ascii_lowercase().as_str(),
        "false" | "0" | "[]" | "{}" | "toset([])" | "\"false\"" | "\"\"" | "null"
    )
}

/// Whether `path` names a Kustomization, the file `kustomize build` reads
/// in a folder: `kustomization.yaml`, `kustomization.yml` or
/// `Kustomization`.
pub fn is_kustomization(path: &str) -> bool {
    matches!(path.rsplit('/').next(), Some(name) if KUSTOMIZATION_NAMES.contains(&name))
}

/// The names `kustomize build` reads a folder's Kustomization from, in
/// the order it tries them.
pub const KUSTOMIZATION_NAMES: [&str; 3] = ["kustomization.yaml", "kustomization.yml", "Kustomization"];

/// Most entries [`parse_kustomization`] returns, and most a change's
/// lists may name on each side for the git reader to read where they
/// lead; past it, what the removed entries deployed is counted by their
/// words.
pub const MAX_KUSTOMIZE_ENTRIES: usize = 10_000;

/// What a Kustomization says about what it deploys.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Kustomization {
    /// The entries of `resources`, `bases` (their older name),
    /// `components` and `crds`: the files and folders whose objects it
    /// deploys, each once, in the order listed (entries that are not
    /// strings are left out).
    pub entries: Vec<String>,
    /// Its `namePrefix` and `nameSuffix`, joined: when they change, every
    /// object it deploys gets a new name, and a tool that prunes deletes
    /// the old ones.
    pub naming: String,
    /// Its `namespace`: when it changes from one to another, every object
    /// it deploys moves, which a tool that prunes does by deleting them.
    pub namespace: String,
    /// The objects its inline patches delete (`$patch: delete`), once a
    /// patch, as (kind, name): the patch's own `kind`, else its target's,
    /// with the patch's `metadata.name`, else its target's `name` (empty
    /// for none).
    pub deleted_objects: Vec<(String, String)>,
    /// The patch files it applies (`patches[].path`, and the entries of
    /// `patchesStrategicMerge` that name a file), each once, as written:
    /// one that deletes its target ([`patch_deleted_kinds`]) deletes an
    /// object the Kustomization's resources still declare. Past
    /// [`MAX_KUSTOMIZE_ENTRIES`] different ones, the rest are left out and
    /// [`Kustomization::truncated`] is set.
    pub patch_files: Vec<String>,
    /// Whether it lists more than [`MAX_KUSTOMIZE_ENTRIES`] entries or
    /// patch files: the rest are not in [`Kustomization::entries`] or
    /// [`Kustomization::patch_files`].
    pub truncated: bool,
    /// The Helm charts it inflates (`helmCharts`), each as `helm chart
    /// NAME RELEASE` in the order listed: what they deploy is not in the
    /// repository, so a chart taken out counts by these words.
    pub charts: Vec<String>,
}

/// A Kustomization's `text` ([`Kustomization`]). `None` when the text is
/// not a YAML mapping (`kustomize build` fails on it too).
///
/// An entry taken out of the list stops deploying what it points to: a
/// GitOps tool that prunes (Argo CD, Flux) deletes those objects, as if
/// their files were deleted (`FileChange::removes`).
///
/// ```
/// use blastgate_ingest::git::parse_kustomization;
/// let text = b"resources:\n  - deploy.yaml\n  - ../base\ncomponents: [../db]\nnamePrefix: v2-\npatches:\n  - target: {kind: StatefulSet, name: db}\n    patch: |-\n      $patch: delete\n      kind: StatefulSet\n      metadata: {name: db}\n";
/// let k = parse_kustomization(text).unwrap();
/// assert_eq!(k.entries, ["deploy.yaml", "../base", "../db"]);
/// assert_eq!(k.deleted_objects, [("StatefulSet".to_owned(), "db".to_owned())]);
/// assert_eq!(parse_kustomization(b"resources: [a.yaml"), None);
/// let k = parse_kustomization(b"patches:\n  - path: scale.yaml\npatchesStrategicMerge:\n  - retire-db.yaml\n  - |-\n    kind: Service\n    metadata: {name: web}\n").unwrap();
/// assert_eq!(k.patch_files, ["scale.yaml", "retire-db.yaml"]);
/// ```
pub fn parse_kustomization(text: &[u8]) -> Option<Kustomization> {
    let Some(value) = yaml_mapping("kustomization", text)? else {
        return Some(Kustomization::default());
    };
    let map = value.as_object()?;
    let mut k = Kustomization::default();
    let mut once: BTreeSet<&str> = BTreeSet::new();
    for key in ["resources", "bases", "components", "crds"] {
        let Some(listed) = map.get(key) else { continue };
        let items = match listed {
            serde_json::Value::Array(items) => items.as_slice(),
            serde_json::Value::Null => &[],
            _ => return None,
        };
        for item in items {
            if let Some(entry) = item.as_str()
                && once.insert(entry)
            {
                if k.entries.len() >= MAX_KUSTOMIZE_ENTRIES {
                    k.truncated = true;
                    break;
                }
                k.entries.push(entry.to_owned());
            }
        }
    }
    for chart in map.get("helmCharts").and_then(serde_json::Value::as_array).into_iter().flatten() {
        let field = |key: &str| chart.get(key).and_then(serde_json::Value::as_str).unwrap_or_default();
        let words = format!("helm chart {} {}", field("name"), field("releaseName"));
        if !k.charts.contains(&words) && k.charts.len() < MAX_KUSTOMIZE_ENTRIES {
            k.charts.push(words);
        }
    }
    let text_of = |key: &str| map.get(key).map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned));
    k.naming = ["namePrefix", "nameSuffix"].map(|key| text_of(key).unwrap_or_default()).join("\u{0}");
    k.namespace = text_of("namespace").unwrap_or_default();
    // Inline patches: `patches[].patch` and `patchesStrategicMerge[]`.
    let mut patches: Vec<(&str, Option<&str>, Option<&str>)> = Vec::new();
    let mut file_names: Vec<&str> = Vec::new();
    for item in map.get("patches").and_then(serde_json::Value::as_array).into_iter().flatten() {
        let target = |key: &str| item.get("target").and_then(|t| t.get(key)).and_then(serde_json::Value::as_str);
        if let Some(patch) = item.get("patch").and_then(serde_json::Value::as_str) {
            patches.push((patch, target("kind"), target("name")));
        }
        if let Some(path) = item.get("path").and_then(serde_json::Value::as_str) {
            file_names.push(path);
        }
    }
    for item in map.get("patchesStrategicMerge").and_then(serde_json::Value::as_array).into_iter().flatten() {
        if let Some(patch) = item.as_str() {
            // A file's name, or the patch itself (kustomize tells them
            // apart the same way: a name is one line, not a mapping).
            if patch.contains(['\n', ':']) {
                patches.push((patch, None, None));
            } else {
                file_names.push(patch);
            }
        }
    }
    // Each once (a set: ten thousand spellings of one name were a
    // quadratic search), at most MAX_KUSTOMIZE_ENTRIES; past it the list
    // is truncated, which counts by the Kustomization's path.
    let mut files_seen: BTreeSet<&str> = BTreeSet::new();
    for name in file_names.into_iter().map(str::trim).filter(|n| !n.is_empty()) {
        if !files_seen.insert(name) {
            continue;
        }
        if k.patch_files.len() >= MAX_KUSTOMIZE_ENTRIES {
            k.truncated = true;
            break;
        }
        k.patch_files.push(name.to_owned());
    }
    for (patch, target, target_name) in patches.into_iter().take(MAX_KUSTOMIZE_ENTRIES) {
        let deletes = patch.lines().any(|l| {
            let squeezed: String = l.chars().filter(|c| !c.is_whitespace() && *c != '"' && *c != '\'').collect();
            squeezed == "$patch:delete"
        });
        if !deletes {
            continue;
        }
        let own = patch.lines().find_map(|l| {
            let kind = l.strip_prefix("kind:")?.trim().trim_matches(|c| c == '"' || c == '\'');
            (!kind.is_empty()).then_some(kind)
        });
        if let Some(kind) = own.or(target).filter(|k| k.len() <= MAX_TYPE_BYTES && !k.contains(char::is_control)) {
            // Its name: the patch's own, else its target's.
            let named = patch_deleted_objects(patch.as_bytes()).into_iter().find(|(_, n)| !n.is_empty());
            let name = named.map(|(_, n)| n).or_else(|| target_name.map(|n| deleted_object(None, Some(n)).1));
            k.deleted_objects.push((kind.to_owned(), name.unwrap_or_default()));
        }
    }
    Some(k)
}

/// Whether `path` names a helmfile: `helmfile.yaml` or `helmfile.yml`, or
/// a YAML file of a `helmfile.d` folder, each also as a template
/// (`.gotmpl` after it, which helmfile renders first).
///
/// ```
/// use blastgate_ingest::git::is_helmfile;
/// assert!(is_helmfile("deploy/helmfile.yaml") && is_helmfile("helmfile.d/10-data.yml"));
/// assert!(is_helmfile("deploy/helmfile.yaml.gotmpl") && is_helmfile("helmfile.d/20-db.yaml.gotmpl"));
/// assert!(!is_helmfile("charts/values.yaml") && !is_helmfile("deploy/helmfile.lock"));
/// ```
pub fn is_helmfile(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    let lower = lower.strip_suffix(".gotmpl").unwrap_or(&lower);
    let name = lower.rsplit('/').next().unwrap_or(lower);
    let yaml = name.ends_with(".yaml") || name.ends_with(".yml");
    matches!(name, "helmfile.yaml" | "helmfile.yml") || (yaml && lower.split('/').any(|s| s == "helmfile.d"))
}

/// A helmfile release as [`helmfile_uninstalled`] compares it.
struct Release {
    name: String,
    namespace: String,
    chart: String,
    installed: bool,
    /// Its inline `values` maps merged in order, then its `set` entries;
    /// `None` where the helmfile was read a line at a time.
    values: Option<serde_json::Value>,
}

/// The releases a helmfile's change uninstalls: each release of `before`
/// that was installed (`installed` absent or true) and that `after` gives
/// `installed: false` (or any value but true: a template helmfile renders
/// is not known), as `helm chart CHART RELEASE` words. Releases are the
/// same by name and namespace. `helmfile apply` and `sync` delete such a
/// release and all it deployed. A release taken out of the file is left
/// installed by helmfile, and counts nothing. A side that is not YAML (a
/// template: `{{ .Values.x }}` unquoted) is read a line at a time: each
/// `- name:` item of the top-level `releases:` list, with its `chart:`,
/// `namespace:` and `installed:` lines. `None` when `before` is over
/// [`MAX_EMPTIED_TEXT`] or holds a NUL byte (nothing is compared).
///
/// ```
/// use blastgate_ingest::git::helmfile_uninstalled;
/// let before = b"releases:\n  - name: orders-db\n    chart: bitnami/postgresql\n  - name: web\n    chart: ./web\n";
/// let after = b"releases:\n  - name: orders-db\n    chart: bitnami/postgresql\n    installed: false\n  - name: web\n    chart: ./web\n";
/// assert_eq!(helmfile_uninstalled(before, after).unwrap(), ["helm chart bitnami/postgresql orders-db"]);
/// ```
pub fn helmfile_uninstalled(before: &[u8], after: &[u8]) -> Option<Vec<String>> {
    let was = helmfile_releases(before)?;
    let is = helmfile_releases(after).unwrap_or_default();
    let mut gone: Vec<String> = was
        .iter()
        .filter(|r| r.installed && is.iter().any(|n| n.name == r.name && n.namespace == r.namespace && !n.installed))
        .map(|r| clip_kind(&format!("helm chart {} {}", r.chart, r.name)))
        .collect();
    gone.sort_unstable();
    gone.dedup();
    Some(gone)
}

/// The values a helmfile gives each release inline, by `NAME/NAMESPACE`:
/// the mappings of its `values` list merged in order (its files' names
/// are not read), then its `set` entries at their dotted paths (a
/// `value` of `"false"` as the boolean, as Helm reads `--set`). `None`
/// when the text is not YAML (a template) or is over
/// [`MAX_EMPTIED_TEXT`]. Compared with [`helm_values_turned_off`], a
/// switch turned off there deletes what it held, as in a values file.
///
/// ```
/// use blastgate_ingest::git::{helm_values_turned_off, helmfile_values};
/// let before = b"releases:\n  - name: orders\n    chart: ./charts/orders\n    values:\n      - values.yaml\n      - postgresql: {enabled: true}\n";
/// let after = b"releases:\n  - name: orders\n    chart: ./charts/orders\n    values:\n      - values.yaml\n      - postgresql: {enabled: true}\n    set:\n      - name: postgresql.enabled\n        value: false\n";
/// let (was, is) = (helmfile_values(before).unwrap(), helmfile_values(after).unwrap());
/// assert_eq!(helm_values_turned_off(&was["orders/"], &is["orders/"], false), ["postgresql"]);
/// ```
pub fn helmfile_values(text: &[u8]) -> Option<BTreeMap<String, serde_json::Value>> {
    let releases = helmfile_releases(text)?;
    let mut found = BTreeMap::new();
    for r in releases {
        found.insert(format!("{}/{}", r.name, r.namespace), r.values?);
    }
    Some(found)
}

/// Merges Helm values `from` into `into`, as Helm merges values files:
/// mappings key by key, anything else replaced.
fn merge_values(into: &mut serde_json::Value, from: &serde_json::Value) {
    match (into, from) {
        (serde_json::Value::Object(into), serde_json::Value::Object(from)) => {
            for (key, value) in from {
                match into.get_mut(key) {
                    Some(existing) if existing.is_object() && value.is_object() => merge_values(existing, value),
                    _ => {
                        into.insert(key.clone(), value.clone());
                    }
                }
            }
        }
        (into, from) => *into = from.clone(),
    }
}

/// A helmfile's releases, read as YAML, else a line at a time (see
/// [`helmfile_uninstalled`]).
fn helmfile_releases(text: &[u8]) -> Option<Vec<Release>> {
    if text.len() > MAX_EMPTIED_TEXT || text.contains(&0) {
        return None;
    }
    let raw = String::from_utf8_lossy(text);
    let raw = raw.trim_start_matches('\u{feff}');
    let on = |v: Option<&str>| v.is_none_or(|v| v.trim().trim_matches(['"', '\'']).eq_ignore_ascii_case("true"));
    let mut out = Vec::new();
    if let Ok(documents) = crate::doc::from_yaml_multi_as_go::<serde_json::Value>("helmfile", raw) {
        for doc in &documents {
            for r in doc.get("releases").and_then(serde_json::Value::as_array).into_iter().flatten() {
                let field = |k: &str| r.get(k).and_then(serde_json::Value::as_str).unwrap_or_default().to_owned();
                let installed = match r.get("installed") {
                    None | Some(serde_json::Value::Null) => true,
                    Some(serde_json::Value::Bool(b)) => *b,
                    Some(serde_json::Value::String(s)) => on(Some(s)),
                    Some(_) => false,
                };
                if out.len() < MAX_KUSTOMIZE_ENTRIES {
                    let (name, namespace, chart) = (field("name"), field("namespace"), field("chart"));
                    let mut values = serde_json::Value::Object(serde_json::Map::new());
                    for item in r.get("values").and_then(serde_json::Value::as_array).into_iter().flatten() {
                        if item.is_object() {
                            merge_values(&mut values, item);
                        }
                    }
                    for s in r.get("set").and_then(serde_json::Value::as_array).into_iter().flatten() {
                        let value = match s.get("value") {
                            Some(serde_json::Value::String(v)) => serde_json::from_str::<serde_json::Value>(v)
                                .ok()
                                .filter(|v| !v.is_object() && !v.is_array())
                                .unwrap_or_else(|| serde_json::Value::String(v.clone())),
                            other => other.cloned().unwrap_or(serde_json::Value::Null),
                        };
                        set_dotted(&mut values, str_of(s.get("name")), value);
                    }
                    out.push(Release { name, namespace, chart, installed, values: Some(values) });
                }
            }
        }
        return Some(out);
    }
    // A template: a line at a time.
    let text = raw.replace("\r\n", "\n").replace('\r', "\n");
    let (mut in_releases, mut item_indent): (bool, Option<usize>) = (false, None);
    let mut fields: Vec<(String, String)> = Vec::new();
    let finish = |fields: &mut Vec<(String, String)>, out: &mut Vec<Release>| {
        if fields.is_empty() {
            return;
        }
        let get = |k: &str| fields.iter().find(|(key, _)| key == k).map(|(_, v)| v.as_str());
        let release = Release {
            name: get("name").unwrap_or_default().to_owned(),
            namespace: get("namespace").unwrap_or_default().to_owned(),
            chart: get("chart").unwrap_or_default().to_owned(),
            installed: on(get("installed")),
            values: None,
        };
        if out.len() < MAX_KUSTOMIZE_ENTRIES {
            out.push(release);
        }
        fields.clear();
    };
    for line in text.lines() {
        let content = line.split(" #").next().unwrap_or(line).trim_end();
        let trimmed = content.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let indent = content.len() - trimmed.len();
        if indent == 0 && !trimmed.starts_with('-') {
            finish(&mut fields, &mut out);
            in_releases = trimmed.starts_with("releases:");
            item_indent = None;
            continue;
        }
        if !in_releases {
            continue;
        }
        let (item, rest) = match trimmed.strip_prefix("- ") {
            Some(rest) if item_indent.is_none_or(|i| i == indent) => (true, rest),
            _ => (false, trimmed),
        };
        if item {
            finish(&mut fields, &mut out);
            item_indent = Some(indent);
        }
        // The item's own keys: on its `- ` line, or two columns in.
        let own = item || item_indent.is_some_and(|i| indent == i + 2);
        if let Some((key, value)) = rest.split_once(':').filter(|_| own) {
            let value = value.trim().trim_matches(['"', '\'']).to_owned();
            fields.push((key.trim().to_owned(), value));
        }
    }
    finish(&mut fields, &mut out);
    Some(out)
}

/// One source a GitOps manifest deploys from ([`gitops_sources`]).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
#[non_exhaustive]
pub struct GitopsSource {
    /// The folder of the repository it deploys (`""`: the whole
    /// repository), normalised as [`gitops_target`] does; `None` when it
    /// deploys from elsewhere (a Helm chart, a templated path), which only
    /// [`GitopsSource::words`] describe.
    pub path: Option<String>,
    /// What it deploys, in words: the path as written, or the chart's
    /// repository and name.
    pub words: String,
    /// Where it deploys to, from which repository and as which release
    /// (Argo CD's `repoURL`, destination server or name and namespace and
    /// Helm `releaseName`; Flux's source and target namespace): another
    /// manifest deploys "the same" only with the same identity.
    pub identity: String,
}

/// What a GitOps manifest's `text` deploys, each source once, in the
/// order written: the sources (`spec.source`, `spec.sources[]`) of each
/// Argo CD `Application` and of an `ApplicationSet`'s template
/// (`argoproj.io`), the `spec.path` of each Flux `Kustomization` (the
/// source's top when it has none) and the chart of each Flux
/// `HelmRelease` (`fluxcd.io`). `None` when the text is not YAML the graph
/// reader's budgets allow, or names more than [`MAX_KUSTOMIZE_ENTRIES`];
/// empty for a text that is no such manifest.
///
/// Deleting such an application, or pointing it elsewhere, deletes what
/// it deployed when the tool prunes or cascades (Argo CD's resources
/// finalizer, Flux's `prune: true`).
///
/// ```
/// use blastgate_ingest::git::gitops_sources;
/// let app = b"apiVersion: argoproj.io/v1alpha1\nkind: Application\nspec:\n  source:\n    repoURL: https://git.example/deploy.git\n    path: apps/ledger/prod\n  destination: {server: https://prod, namespace: ledger}\n";
/// let found = gitops_sources(app).unwrap();
/// assert_eq!(found[0].path.as_deref(), Some("apps/ledger/prod"));
/// let flux = b"apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nspec:\n  path: ./clusters/prod\n  prune: true\n";
/// assert_eq!(gitops_sources(flux).unwrap()[0].path.as_deref(), Some("clusters/prod"));
/// assert!(gitops_sources(b"apiVersion: v1\nkind: ConfigMap\n").unwrap().is_empty());
/// ```
pub fn gitops_sources(text: &[u8]) -> Option<Vec<GitopsSource>> {
    if text.len() > MAX_EMPTIED_TEXT || text.contains(&0) {
        return None;
    }
    let text = std::str::from_utf8(text).ok()?;
    // Only texts that name a GitOps API are parsed (most manifests do not).
    if !(text.contains("argoproj.io") || text.contains("fluxcd.io")) {
        return Some(Vec::new());
    }
    let documents: Vec<serde_json::Value> = crate::doc::from_yaml_multi_as_go("manifest", text).ok()?;
    let string = |v: Option<&serde_json::Value>| str_of(v).to_owned();
    let mut found: Vec<GitopsSource> = Vec::new();
    for doc in &documents {
        let (api, kind) = (string(doc.get("apiVersion")), string(doc.get("kind")));
        let spec = doc.get("spec");
        let mut sources: Vec<GitopsSource> = Vec::new();
        if api.starts_with("argoproj.io/") && matches!(kind.as_str(), "Application" | "ApplicationSet") {
            let spec = if kind == "ApplicationSet" {
                spec.and_then(|s| s.get("template")).and_then(|t| t.get("spec"))
            } else {
                spec
            };
            let destination = spec.and_then(|s| s.get("destination"));
            // The cluster by its server, the in-cluster one by either
            // spelling (a red team: `name: in-cluster` for the server
            // `https://kubernetes.default.svc` read as another cluster).
            let server = string(destination.and_then(|d| d.get("server")));
            let name = string(destination.and_then(|d| d.get("name")));
            let cluster = match (server.trim_end_matches('/'), name.as_str()) {
                ("", "in-cluster") | ("https://kubernetes.default.svc", _) => "in-cluster".to_owned(),
                ("", name) => format!("name:{name}"),
                (server, _) => server.to_ascii_lowercase(),
            };
            let place = [cluster, string(destination.and_then(|d| d.get("namespace")))].join("\u{0}");
            let one = spec.and_then(|s| s.get("source"));
            let many = spec.and_then(|s| s.get("sources")).and_then(serde_json::Value::as_array);
            for source in one.into_iter().chain(many.into_iter().flatten()) {
                let written = string(source.get("repoURL"));
                let repo = repository(&written);
                // A release renamed is a new release: the old one's
                // objects are pruned (a red team).
                let release = string(source.get("helm").and_then(|h| h.get("releaseName")));
                let identity = format!("argo\u{0}{repo}\u{0}{place}\u{0}{release}");
                let chart = string(source.get("chart"));
                if !chart.is_empty() {
                    sources.push(GitopsSource { path: None, words: format!("{written} {chart}"), identity });
                } else if let Some(path) = source.get("path").and_then(serde_json::Value::as_str) {
                    sources.push(GitopsSource { path: gitops_target(path), words: path.to_owned(), identity });
                }
            }
        } else if api.starts_with("kustomize.toolkit.fluxcd.io/") && kind == "Kustomization" {
            let reference = spec.and_then(|s| s.get("sourceRef"));
            let identity = format!(
                "flux\u{0}{}\u{0}{}\u{0}{}",
                string(reference.and_then(|r| r.get("kind"))),
                string(reference.and_then(|r| r.get("name"))),
                string(spec.and_then(|s| s.get("targetNamespace")))
            );
            let path = spec.and_then(|s| s.get("path")).and_then(serde_json::Value::as_str).unwrap_or("");
            sources.push(GitopsSource { path: gitops_target(path), words: path.to_owned(), identity });
        } else if api.starts_with("helm.toolkit.fluxcd.io/") && kind == "HelmRelease" {
            // `chart.spec.chart`, or the source a `chartRef` names (Flux
            // 2.3's way; a red team: a migration to it read as the chart
            // gone).
            let chart = spec.and_then(|s| s.get("chart")).and_then(|c| c.get("spec"));
            let mut name = string(chart.and_then(|c| c.get("chart")));
            if name.is_empty() {
                name = string(spec.and_then(|s| s.get("chartRef")).and_then(|r| r.get("name")));
            }
            let identity = format!(
                "helm\u{0}{}\u{0}{}",
                string(doc.get("metadata").and_then(|m| m.get("name"))),
                string(spec.and_then(|s| s.get("targetNamespace")))
            );
            if !name.is_empty() {
                sources.push(GitopsSource { path: None, words: format!("helm chart {name}"), identity });
            }
        }
        for source in sources {
            if !found.contains(&source) {
                if found.len() >= MAX_KUSTOMIZE_ENTRIES {
                    return None;
                }
                found.push(source);
            }
        }
    }
    Some(found)
}

/// A repository URL as Argo CD compares them: without its scheme, a
/// user, a trailing `/` or `.git`, in lower case (`https://github.com/acme/deploy.git`
/// and `github.com/acme/deploy` are one repository).
fn repository(url: &str) -> String {
    let url = url.trim();
    let url = url.split_once("://").map_or(url, |(_, rest)| rest);
    let url = url.rsplit_once('@').map_or(url, |(_, rest)| rest);
    let url = url.trim_end_matches('/');
    url.strip_suffix(".git").unwrap_or(url).replace(':', "/").to_ascii_lowercase()
}

/// The string at `v` of a parsed document, or `""` for none or another
/// type.
fn str_of(v: Option<&serde_json::Value>) -> &str {
    v.and_then(serde_json::Value::as_str).unwrap_or_default()
}

/// A GitOps tool's path as a folder of the repository: from its top
/// whether or not it starts with `/` or `./`, `.`, `..` and repeated
/// slashes resolved as the tools clean it; `""` for the top. `None` for a
/// templated path (`{{path}}`), or one that climbs above the top.
///
/// ```
/// use blastgate_ingest::git::gitops_target;
/// assert_eq!(gitops_target("./apps//ledger/").as_deref(), Some("apps/ledger"));
/// assert_eq!(gitops_target("/apps/ledger").as_deref(), Some("apps/ledger"));
/// assert_eq!(gitops_target(".").as_deref(), Some(""));
/// assert_eq!(gitops_target("apps/{{path.basename}}"), None);
/// ```
pub fn gitops_target(path: &str) -> Option<String> {
    if path.contains("{{") || path.contains('\\') {
        return None;
    }
    let mut parts: Vec<&str> = Vec::new();
    for segment in path.trim().split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            other => parts.push(other),
        }
    }
    Some(parts.join("/"))
}

/// Where a Kustomization in `folder` (`""` at the top) finds `entry`: the
/// path in the repository, `.` and `..` and repeated slashes resolved,
/// without a trailing slash. `None` for an entry outside the repository:
/// a remote one (a URL, `git@host:...`, a query such as `?ref=v1`, or a
/// first segment that is a host name: `github.com/org/repo`), an
/// absolute path, or one that climbs above the top.
///
/// ```
/// use blastgate_ingest::git::kustomize_target;
/// assert_eq!(kustomize_target("apps/ledger/overlays/prod", "../../base/").as_deref(), Some("apps/ledger/base"));
/// assert_eq!(kustomize_target("apps", "./pvc.yaml").as_deref(), Some("apps/pvc.yaml"));
/// assert_eq!(kustomize_target("apps", "state//").as_deref(), Some("apps/state"));
/// assert_eq!(kustomize_target("apps", "https://github.com/acme/db//base?ref=v1"), None);
/// assert_eq!(kustomize_target("apps", "github.com/acme/db/base"), None);
/// assert_eq!(kustomize_target("apps", "../../outside"), None);
/// ```
pub fn kustomize_target(folder: &str, entry: &str) -> Option<String> {
    let entry = entry.trim();
    let first = entry.split('/').next().unwrap_or_default();
    // A host name: dotted, its last label letters only (`github.com`,
    // `git.example.org`; not `v1.2` or `conf.d`).
    let host = first.contains('.')
        && !first.starts_with('.')
        && first.rsplit('.').next().is_some_and(|tld| tld.len() >= 2 && tld.chars().all(|c| c.is_ascii_alphabetic()))
        && !first.ends_with(".yaml")
        && !first.ends_with(".yml")
        && !first.ends_with(".json");
    let remote = entry.contains('?') || entry.starts_with("git@") || host;
    if remote {
        return None;
    }
    patch_target(folder, entry)
}

/// Where a Kustomization in `folder` finds the patch file `entry`: as
/// [`kustomize_target`], except that a patch file is always local (kustomize
/// loads it from the Kustomization's folder), so a name like `d.patch` is
/// no host name. `None` for a URL, an absolute path, a backslash, or a
/// path that leaves the repository.
///
/// ```
/// use blastgate_ingest::git::patch_target;
/// assert_eq!(patch_target("k8s/overlays/prod", "./d.patch").as_deref(), Some("k8s/overlays/prod/d.patch"));
/// assert_eq!(patch_target("k8s/overlays/prod", "../../patches/x.yaml").as_deref(), Some("k8s/patches/x.yaml"));
/// assert_eq!(patch_target("k8s", "https://example.com/p.yaml"), None);
/// ```
pub fn patch_target(folder: &str, entry: &str) -> Option<String> {
    let entry = entry.trim();
    if entry.is_empty() || entry.contains("://") || entry.starts_with('/') || entry.contains('\\') {
        return None;
    }
    let mut parts: Vec<&str> = folder.split('/').filter(|s| !s.is_empty()).collect();
    for segment in entry.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            other => parts.push(other),
        }
    }
    (!parts.is_empty()).then(|| parts.join("/"))
}

/// Whether `path` names a Helm values file: a YAML or JSON file whose
/// name has the word `values` (`values.yaml`, `values-prod.yaml`,
/// `prod.values.yml`, `values_eu.json`).
pub fn is_helm_values(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
    let Some(stem) = [".yaml", ".yml", ".json"].iter().find_map(|e| name.strip_suffix(e)) else {
        return false;
    };
    stem.split(['-', '_', '.']).any(|word| word == "values")
}

/// The components a Helm values change turns off: the dotted paths of
/// the mappings (`primary.persistence`, `postgresql`,
/// `redis.master.persistence`) whose `enabled` key was on before and is
/// off after, or is off after and was absent before, or was on before and
/// is gone after (in an override file the chart's default is not known:
/// fail closed; in the chart's own defaults, `defaults`, a subchart's
/// switch gone is a `condition` Helm ignores, so only a template's own
/// switch counts); and of
/// the mappings whose `existingClaim` is set where it was empty or absent
/// (the chart stops rendering its own claim). Each once, in ascending
/// order. On and off are as Helm's templates read a value: `false`,
/// `null`, `0`, `""` and YAML 1.1's `no`, `off`, `n` are off. A key given
/// twice keeps its last value, as Helm reads it. Keys under sequences
/// are not read. Either side that does not parse as a YAML mapping, or
/// is over [`MAX_EMPTIED_TEXT`], gives nothing.
///
/// A chart whose persistence is turned off stops rendering its volume
/// claim, and `helm upgrade` deletes it; a subchart turned off
/// (`postgresql.enabled: false`) deletes the datastore it ran.
///
/// ```
/// use blastgate_ingest::git::helm_turned_off;
/// let before = b"primary:\n  persistence:\n    enabled: true\n    size: 8Gi\nmetrics: {enabled: true}\n";
/// let after = b"primary:\n  persistence:\n    enabled: false\n    size: 8Gi\nmetrics: {enabled: true}\npostgresql: {enabled: false}\n";
/// assert_eq!(helm_turned_off(before, after, true), ["postgresql", "primary.persistence"]);
/// ```
pub fn helm_turned_off(before: &[u8], after: &[u8], defaults: bool) -> Vec<String> {
    let (Some(old), Some(new)) = (values_document(before), values_document(after)) else {
        return Vec::new();
    };
    helm_values_turned_off(&old, &new, defaults)
}

/// [`helm_turned_off`] on values already parsed (a Flux `HelmRelease`'s
/// `spec.values`, an Argo CD source's `helm.valuesObject`).
pub fn helm_values_turned_off(before: &serde_json::Value, after: &serde_json::Value, defaults: bool) -> Vec<String> {
    let old = switches(before);
    let new = switches(after);
    let mut off: BTreeSet<String> = BTreeSet::new();
    for (path, (on, claim)) in &new {
        let was = old.get(path);
        if on == &Some(false) && was.is_none_or(|(w, _)| w != &Some(false)) {
            off.insert(path.clone());
        }
        if *claim && !was.is_some_and(|(_, c)| *c) {
            off.insert(path.clone());
        }
    }
    for (path, (on, _)) in &old {
        // In a chart's own defaults (`defaults`), a subchart's switch (a
        // top-level key) is its `condition`, which Helm ignores when the
        // value is absent, leaving it enabled (a red team); a template's
        // own switch (`persistence.enabled`, or one nested under a
        // component) reads absent as off. In an override file, a value
        // taken out falls back to defaults not known here: off.
        let template = !defaults || path.contains('.') || path.to_ascii_lowercase().contains("persisten");
        if on == &Some(true) && template && new.get(path).is_none_or(|(now, _)| now.is_none()) {
            off.insert(path.clone());
        }
    }
    off.into_iter().collect()
}

/// The Helm values a GitOps manifest's `text` gives inline, by release:
/// a Flux `HelmRelease`'s `spec.values`, and each Argo CD `Application`
/// source's `helm.valuesObject` or `helm.values` (a YAML string), keyed
/// `KIND/NAME/SOURCE` (the source's place in `spec.sources`; `0` for
/// `spec.source`), with an Argo CD source's `helm.parameters` set over
/// them as Argo CD passes them (`--set`; a `value` of `false` is the
/// boolean unless `forceString`); and each chart of a Kustomization's
/// `helmCharts` list, its `valuesInline`, keyed `HelmChart/RELEASE/NAMESPACE`
/// (the release's name, else the chart's); an empty mapping for a release that
/// gives none inline, so that values given to it later are compared with
/// none. `None` when the text is not YAML the graph reader's budgets
/// allow; empty for a text with no release. A value the manifest
/// pulls from elsewhere (`valuesFrom`, `valueFiles`) is not read.
///
/// ```
/// use blastgate_ingest::git::{embedded_values, helm_values_turned_off};
/// let before = b"apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata: {name: ledger}\nspec:\n  values:\n    persistence: {enabled: true}\n";
/// let after = b"apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata: {name: ledger}\nspec:\n  values:\n    persistence: {enabled: false}\n";
/// let (old, new) = (embedded_values(before).unwrap(), embedded_values(after).unwrap());
/// assert_eq!(helm_values_turned_off(&old["HelmRelease/ledger/0"], &new["HelmRelease/ledger/0"], false), ["persistence"]);
/// ```
pub fn embedded_values(text: &[u8]) -> Option<BTreeMap<String, serde_json::Value>> {
    if text.len() > MAX_EMPTIED_TEXT || text.contains(&0) {
        return None;
    }
    let text = std::str::from_utf8(text).ok()?;
    if !(text.contains("argoproj.io") || text.contains("fluxcd.io") || text.contains("helmCharts")) {
        return Some(BTreeMap::new());
    }
    let documents: Vec<serde_json::Value> = crate::doc::from_yaml_multi_as_go("manifest", text).ok()?;
    let mut found = BTreeMap::new();
    for doc in &documents {
        let (api, kind) = (str_of(doc.get("apiVersion")), str_of(doc.get("kind")));
        let name = str_of(doc.get("metadata").and_then(|m| m.get("name")));
        let spec = doc.get("spec");
        // (A release that gives no values inline gives an empty mapping,
        // so that values given to it later are compared with none.)
        let none = || serde_json::Value::Object(serde_json::Map::new());
        // (A Kustomization's charts, `kustomize build --enable-helm`:
        // each by its release's name, with its `valuesInline`.)
        let charts = doc.get("helmCharts").and_then(serde_json::Value::as_array);
        for chart in
            charts.into_iter().flatten().filter(|_| api.is_empty() || api.starts_with("kustomize.config.k8s.io/"))
        {
            let release = str_of(chart.get("releaseName"));
            let release = if release.is_empty() { str_of(chart.get("name")) } else { release };
            let values = chart.get("valuesInline").filter(|v| v.is_object()).cloned();
            found
                .insert(format!("HelmChart/{release}/{}", str_of(chart.get("namespace"))), values.unwrap_or_else(none));
        }
        if api.starts_with("helm.toolkit.fluxcd.io/") && kind == "HelmRelease" {
            let values = spec.and_then(|s| s.get("values")).filter(|v| v.is_object()).cloned();
            found.insert(format!("{kind}/{name}/0"), values.unwrap_or_else(none));
        } else if api.starts_with("argoproj.io/") && kind == "Application" {
            let one = spec.and_then(|s| s.get("source")).map(|s| (0usize, s));
            let many = spec.and_then(|s| s.get("sources")).and_then(serde_json::Value::as_array);
            for (i, source) in one.into_iter().chain(many.into_iter().flatten().enumerate()) {
                let helm = source.get("helm");
                let values =
                    helm.and_then(|h| h.get("valuesObject")).filter(|v| v.is_object()).cloned().or_else(|| {
                        let written = helm.and_then(|h| h.get("values")).and_then(serde_json::Value::as_str)?;
                        crate::doc::from_yaml_multi_as_go::<serde_json::Value>("values", written)
                            .ok()?
                            .into_iter()
                            .next()
                            .filter(serde_json::Value::is_object)
                    });
                // (Its `parameters`, which Argo CD passes as `--set`, over
                // them.)
                let parameters = helm.and_then(|h| h.get("parameters")).and_then(serde_json::Value::as_array);
                let values = match (values, parameters) {
                    (values, Some(parameters)) => {
                        let mut values = values.unwrap_or_else(none);
                        for p in parameters {
                            let (name, value) = (str_of(p.get("name")), p.get("value"));
                            let forced = p.get("forceString").and_then(serde_json::Value::as_bool) == Some(true);
                            let value = match value.and_then(serde_json::Value::as_str) {
                                Some(v) if !forced => serde_json::from_str::<serde_json::Value>(v)
                                    .ok()
                                    .filter(|v| !v.is_object() && !v.is_array())
                                    .unwrap_or_else(|| serde_json::Value::String(v.to_owned())),
                                _ => value.cloned().unwrap_or(serde_json::Value::Null),
                            };
                            set_dotted(&mut values, name, value);
                        }
                        Some(values)
                    }
                    (values, None) => values,
                };
                found.insert(format!("{kind}/{name}/{i}"), values.unwrap_or_else(none));
            }
        }
        if found.len() > MAX_KUSTOMIZE_ENTRIES {
            return None;
        }
    }
    Some(found)
}

/// The Helm values each Terraform `helm_release` resource of `text` sets,
/// by address (`helm_release.orders`): the objects its `values` list
/// gives through `yamlencode({...})` or `jsonencode({...})` written out,
/// merged in order, then its `set` (and `set_sensitive`) blocks or lists
/// over them, each `name` at its dotted path, a `value` of `"false"` as
/// the boolean (Helm's `--set`) unless `type = "string"`. A `values`
/// entry that is a file (`file(...)`) or another expression is not read.
/// Compared with [`helm_values_turned_off`], a switch turned off there
/// deletes what it held, as in a values file. At most [`MAX_TYPES_READ`]
/// releases; nothing is read past [`MAX_EMPTIED_TEXT`] or from a text
/// with a NUL byte.
///
/// ```
/// use blastgate_ingest::git::terraform_helm_values;
/// let text = b"resource \"helm_release\" \"orders\" {\n  chart = \"./charts/orders\"\n  set {\n    name  = \"postgresql.enabled\"\n    value = \"false\"\n  }\n  set = [{ name = \"image.tag\", value = \"2\", type = \"string\" }]\n}\n";
/// let values = terraform_helm_values(text);
/// assert_eq!(values["helm_release.orders"]["postgresql"]["enabled"], false);
/// assert_eq!(values["helm_release.orders"]["image"]["tag"], "2");
/// ```
pub fn terraform_helm_values(text: &[u8]) -> BTreeMap<String, serde_json::Value> {
    let mut found: BTreeMap<String, serde_json::Value> = BTreeMap::new();
    if text.len() > MAX_EMPTIED_TEXT || text.contains(&0) {
        return found;
    }
    let raw = String::from_utf8_lossy(text);
    let text = uncomment_config(&raw.replace("\r\n", "\n").replace('\r', "\n"));
    // The release being read and its depth; a `set` block's or list's
    // (or a `values` list's, `true`) text being gathered and its depth
    // (braces and brackets). Each release's `values` objects and `set`
    // texts are kept apart: the provider merges the first in order, then
    // applies the second.
    let mut release: Option<(String, i64)> = None;
    let mut gathering: Option<(String, i64, bool)> = None;
    type Parts = (Vec<serde_json::Value>, Vec<String>);
    let mut parts: BTreeMap<String, Parts> = BTreeMap::new();
    let keep = |parts: &mut BTreeMap<String, Parts>, address: &str, text: String, values: bool| {
        let (objects, sets) = parts.entry(address.to_owned()).or_default();
        if values {
            objects.extend(encoded_objects(&text));
        } else {
            sets.push(text);
        }
    };
    for line in text.lines() {
        let (opens, closes) = braces(line);
        if let Some((mut gathered, depth, values)) = gathering.take() {
            gathered.push('\n');
            gathered.push_str(line);
            let depth = depth + super::instances::nesting(line);
            if depth > 0 && gathered.len() < MAX_EMPTIED_TEXT {
                gathering = Some((gathered, depth, values));
            } else if let Some((address, _)) = &release {
                keep(&mut parts, address, gathered, values);
            }
        } else if line.starts_with(|c: char| !c.is_whitespace() && c != '}') {
            release = None;
            if let Some(("helm_release", name)) = resource_labels(line)
                && parts.len() < MAX_TYPES_READ
                && opens > closes
            {
                let address = format!("helm_release.{name}");
                parts.entry(address.clone()).or_default();
                release = Some((address, (opens - closes) as i64));
                continue;
            }
        } else if let Some((address, 1)) = &release {
            let squeezed: String = line.chars().filter(|c| !c.is_whitespace()).collect();
            let set = ["set{", "set_sensitive{", "set=[", "set_sensitive=["].iter().any(|s| squeezed.starts_with(s));
            let values = squeezed.starts_with("values=[");
            if set || values {
                match super::instances::nesting(line) {
                    depth if depth > 0 => gathering = Some((line.to_owned(), depth, values)),
                    // (On one line.)
                    _ => keep(&mut parts, address, line.to_owned(), values),
                }
            }
        }
        if let Some((_, depth)) = release.as_mut() {
            *depth += opens as i64 - closes as i64;
            if *depth <= 0 && gathering.is_none() {
                release = None;
            }
        }
    }
    for (address, (objects, sets)) in parts {
        let mut values = serde_json::Value::Object(serde_json::Map::new());
        for object in &objects {
            merge_values(&mut values, object);
        }
        for set in &sets {
            for (name, value, string) in set_entries(set) {
                let value = match string {
                    true => serde_json::Value::String(value),
                    false => serde_json::from_str::<serde_json::Value>(&value)
                        .ok()
                        .filter(|v| !v.is_object() && !v.is_array())
                        .unwrap_or(serde_json::Value::String(value)),
                };
                set_dotted(&mut values, &name, value);
            }
        }
        found.insert(address, values);
    }
    found
}

/// The objects a Terraform `values` list gives through `yamlencode(...)`
/// or `jsonencode(...)` of an HCL object written out (`{ postgresql = {
/// enabled = false } }`), in order; a file's text (`file(...)`) or an
/// expression is not read.
fn encoded_objects(text: &str) -> Vec<serde_json::Value> {
    let mut found = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find("encode(") {
        let after = rest.get(at + "encode(".len()..).unwrap_or_default();
        let before = rest.get(..at).unwrap_or_default();
        rest = after;
        if !(before.ends_with("yaml") || before.ends_with("json")) {
            continue;
        }
        // The argument: up to its closing parenthesis.
        let mut depth = 0i64;
        let end = after.char_indices().find_map(|(i, c)| {
            match c {
                '(' | '[' | '{' => depth += 1,
                ')' | ']' | '}' => depth -= 1,
                _ => {}
            }
            (depth < 0).then_some(i)
        });
        let Some(argument) = end.and_then(|end| after.get(..end)) else { break };
        if let Some(object) = hcl_value(argument, 0).filter(serde_json::Value::is_object) {
            found.push(object);
        }
        rest = after.get(argument.len()..).unwrap_or_default();
    }
    found
}

/// An HCL value written out as JSON: an object (`{ key = value, ... }`,
/// keys bare or quoted, `=` or `:`), a tuple, a string, a number, `true`,
/// `false` or `null`; any other expression as its text (a string, which
/// Helm reads as set). `None` for a heredoc, unbalanced brackets, or
/// nesting deeper than [`MAX_SET_PARTS`].
fn hcl_value(text: &str, depth: usize) -> Option<serde_json::Value> {
    if depth > MAX_SET_PARTS {
        return None;
    }
    let text = text.trim();
    if let Some(inner) = text.strip_prefix('{').and_then(|r| r.strip_suffix('}')) {
        let mut map = serde_json::Map::new();
        for entry in super::instances::top_level(inner, &[',', '\n'])?.into_iter().map(str::trim) {
            if entry.is_empty() {
                continue;
            }
            let key = super::instances::top_level(entry, &['=', ':'])?.first().copied().unwrap_or_default();
            let value = entry.get(key.len() + 1..)?;
            let key = key.trim().trim_matches('"');
            map.insert(key.to_owned(), hcl_value(value, depth + 1)?);
        }
        return Some(serde_json::Value::Object(map));
    }
    if let Some(inner) = text.strip_prefix('[').and_then(|r| r.strip_suffix(']')) {
        let items = super::instances::top_level(inner, &[',', '\n'])?;
        let values: Option<Vec<serde_json::Value>> =
            items.into_iter().map(str::trim).filter(|i| !i.is_empty()).map(|i| hcl_value(i, depth + 1)).collect();
        return values.map(serde_json::Value::Array);
    }
    if text.len() >= 2 && text.starts_with('"') && text.ends_with('"') {
        return Some(serde_json::Value::String(text.get(1..text.len() - 1).unwrap_or_default().to_owned()));
    }
    Some(
        serde_json::from_str::<serde_json::Value>(text)
            .ok()
            .filter(|v| !v.is_object() && !v.is_array())
            .unwrap_or_else(|| serde_json::Value::String(text.to_owned())),
    )
}

/// The `name`, `value` and whether `type = "string"` of each `{ ... }`
/// entry of a Terraform `set` block or list's text.
fn set_entries(text: &str) -> Vec<(String, String, bool)> {
    let mut entries = Vec::new();
    let body = text.split_once(['{', '[']).map_or("", |(_, rest)| rest);
    // Each entry: a block's body, or a list's `{ ... }` items.
    let block = text.split_once(['{', '[']).is_some_and(|(head, _)| !head.contains('='));
    let items: Vec<&str> = if block { vec![body] } else { body.split('{').skip(1).collect() };
    for item in items {
        let item = item.split('}').next().unwrap_or_default();
        let field = |key: &str| {
            item.split([',', '\n']).find_map(|part| {
                let (k, v) = part.split_once('=')?;
                (k.trim() == key).then(|| v.trim().trim_matches('"').to_owned())
            })
        };
        if let (Some(name), Some(value)) = (field("name"), field("value")) {
            entries.push((name, value, field("type").as_deref() == Some("string")));
        }
    }
    entries
}

/// Most parts of a dotted path [`set_dotted`] sets.
const MAX_SET_PARTS: usize = 64;

/// Sets the value at a dotted path of Helm values (`postgresql.enabled`),
/// making the mappings on the way, as `helm --set` does. A path with a
/// list index (`a[0]`), an empty part, more than [`MAX_SET_PARTS`] parts
/// (values nested so deep would be walked by recursion), or one through a
/// value that is no mapping sets nothing.
fn set_dotted(values: &mut serde_json::Value, path: &str, value: serde_json::Value) {
    if path.contains('[') || path.split('.').any(str::is_empty) || path.split('.').count() > MAX_SET_PARTS {
        return;
    }
    let mut at = values;
    let mut parts = path.split('.').peekable();
    while let Some(part) = parts.next() {
        let Some(map) = at.as_object_mut() else { return };
        if parts.peek().is_none() {
            map.insert(part.to_owned(), value);
            return;
        }
        at = map.entry(part.to_owned()).or_insert_with(|| serde_json::Value::Object(serde_json::Map::new()));
    }
}

/// The kinds of the objects that `text`, a kustomize patch file, deletes:
/// each YAML document whose top-level `$patch` is `delete` (a strategic
/// merge patch that removes its target object), by its `kind`, or
/// `object` when it names none (its kind is then its target's, which the
/// Kustomization states). In the order written, once per document; a text
/// longer than [`MAX_EMPTIED_TEXT`] or with a NUL byte deletes nothing
/// that is read. A text that does not parse as YAML is read a line at a
/// time: a `$patch: delete` line at a document's top level counts, with
/// that document's top-level `kind:` if any (fail closed: the file is
/// there to delete something).
///
/// Such a document declares nothing: [`declared_counts`] and
/// [`declared_objects`] leave it out.
///
/// ```
/// use blastgate_ingest::git::patch_deleted_kinds;
/// let text = b"apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: db\n$patch: delete\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  template:\n    spec:\n      containers:\n        - name: sidecar\n          $patch: delete\n";
/// assert_eq!(patch_deleted_kinds(text), ["StatefulSet"]);
/// ```
pub fn patch_deleted_kinds(text: &[u8]) -> Vec<String> {
    patch_deleted_objects(text).into_iter().map(|(kind, _)| kind).collect()
}

/// The objects that `text`, a kustomize patch file, deletes, as (kind,
/// name): [`patch_deleted_kinds`] with each document's `metadata.name`
/// (empty when it names none, or when the text is read a line at a time).
///
/// ```
/// use blastgate_ingest::git::patch_deleted_objects;
/// let text = b"apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: db\n$patch: delete\n";
/// assert_eq!(patch_deleted_objects(text), [("StatefulSet".to_owned(), "db".to_owned())]);
/// ```
pub fn patch_deleted_objects(text: &[u8]) -> Vec<(String, String)> {
    if text.len() > MAX_EMPTIED_TEXT || text.contains(&0) || !memchr_patch(text) {
        return Vec::new();
    }
    let raw = String::from_utf8_lossy(text);
    let raw = raw.trim_start_matches('\u{feff}');
    let mut objects = Vec::new();
    if let Ok(documents) = crate::doc::from_yaml_multi_as_go::<serde_json::Value>("patch", raw) {
        let mut stack: Vec<&serde_json::Value> = documents.iter().rev().collect();
        while let Some(doc) = stack.pop() {
            if doc.get("kind").and_then(serde_json::Value::as_str) == Some("List") {
                let items = doc.get("items").and_then(serde_json::Value::as_array);
                stack.extend(items.into_iter().flatten().rev());
                continue;
            }
            if doc.get("$patch").and_then(serde_json::Value::as_str).map(str::trim) == Some("delete")
                && objects.len() < MAX_TYPES_READ
            {
                let name = doc.get("metadata").and_then(|m| m.get("name")).and_then(serde_json::Value::as_str);
                objects.push(deleted_object(doc.get("kind").and_then(serde_json::Value::as_str), name));
            }
        }
        return objects;
    }
    // Not YAML: a line at a time, a document between `---` lines.
    let text = raw.replace("\r\n", "\n").replace('\r', "\n");
    let (mut deletes, mut kind): (bool, Option<String>) = (false, None);
    let end_document = |deletes: &mut bool, kind: &mut Option<String>, objects: &mut Vec<(String, String)>| {
        if std::mem::take(deletes) && objects.len() < MAX_TYPES_READ {
            objects.push(deleted_object(kind.as_deref(), None));
        }
        *kind = None;
    };
    for line in text.lines() {
        if line.starts_with("---") {
            end_document(&mut deletes, &mut kind, &mut objects);
            continue;
        }
        if line.starts_with(char::is_whitespace) {
            continue;
        }
        let squeezed: String = line.chars().filter(|c| !c.is_whitespace() && *c != '"' && *c != '\'').collect();
        if squeezed == "$patch:delete" {
            deletes = true;
        } else if let Some(k) = squeezed.strip_prefix("kind:") {
            kind = Some(k.to_owned());
        }
    }
    end_document(&mut deletes, &mut kind, &mut objects);
    objects
}

/// A deleted object as counted: its kind as a type (`object` for none),
/// its name clipped the same way (empty for none).
fn deleted_object(kind: Option<&str>, name: Option<&str>) -> (String, String) {
    let kind = clip_kind(kind.unwrap_or_default());
    let kind = if kind.trim().is_empty() { "object".to_owned() } else { kind.trim().to_owned() };
    (kind, clip_kind(name.unwrap_or_default()).trim().to_owned())
}

/// Whether `text` holds `$patch` at all (most manifests do not: they skip
/// the parse).
fn memchr_patch(text: &[u8]) -> bool {
    text.windows(6).any(|w| w == b"$patch")
}

/// A kind or type as counted: control characters dropped, at most
/// [`MAX_TYPE_BYTES`] (at a character boundary).
pub(super) fn clip_kind(kind: &str) -> String {
    let mut t: String = kind.chars().filter(|c| !c.is_control()).collect();
    if t.len() > MAX_TYPE_BYTES {
        let end = (0..=MAX_TYPE_BYTES).rev().find(|&i| t.is_char_boundary(i)).unwrap_or(0);
        t.truncate(end);
    }
    t
}

/// The Kubernetes objects a manifest's `text` declares, as (kind, name):
/// each YAML or JSON document's top-level `kind` with its
/// `metadata.name` (empty for none), and a `List`'s items, at most
/// [`MAX_TYPES_READ`]. `None` when the text is not YAML the graph
/// reader's budgets allow, or over [`MAX_EMPTIED_TEXT`]: the caller then
/// compares kinds only ([`declared_counts`]).
///
/// ```
/// use blastgate_ingest::git::declared_objects;
/// let text = b"apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: ledger}\n---\nkind: Service\nmetadata: {name: web}\n";
/// let objects = declared_objects(text).unwrap();
/// assert_eq!(objects, [("PersistentVolumeClaim".to_owned(), "ledger".to_owned()), ("Service".to_owned(), "web".to_owned())]);
/// ```
pub fn declared_objects(text: &[u8]) -> Option<Vec<(String, String)>> {
    if text.len() > MAX_EMPTIED_TEXT || text.contains(&0) {
        return None;
    }
    let text = std::str::from_utf8(text).ok()?;
    let text = text.trim_start_matches('\u{feff}');
    let documents: Vec<serde_json::Value> = crate::doc::from_yaml_multi_as_go("manifest", text).ok()?;
    let mut objects: Vec<(String, String)> = Vec::new();
    let mut stack: Vec<&serde_json::Value> = documents.iter().rev().collect();
    while let Some(doc) = stack.pop() {
        let Some(kind) = doc.get("kind").and_then(serde_json::Value::as_str).filter(|k| !k.is_empty()) else {
            continue;
        };
        if kind == "List" {
            let items = doc.get("items").and_then(serde_json::Value::as_array);
            stack.extend(items.into_iter().flatten().rev());
            continue;
        }
        if doc.get("$patch").and_then(serde_json::Value::as_str).map(str::trim) == Some("delete") {
            // A patch that deletes its target declares nothing.
            continue;
        }
        let name = doc.get("metadata").and_then(|m| m.get("name")).and_then(serde_json::Value::as_str);
        if objects.len() >= MAX_TYPES_READ {
            break;
        }
        objects.push((kind.to_owned(), name.unwrap_or_default().to_owned()));
    }
    Some(objects)
}

/// The subcharts a Helm chart's `Chart.yaml` `text` depends on, each by
/// the name its values use (`alias`, else `name`), in the order listed.
/// `None` when the text is not a YAML mapping the graph reader's budgets
/// allow. A subchart taken out of the list is no longer rendered, and
/// `helm upgrade` deletes what it ran.
///
/// ```
/// use blastgate_ingest::git::chart_dependencies;
/// let text = b"apiVersion: v2\nname: orders\ndependencies:\n  - name: postgresql\n    version: 15.5.0\n  - name: redis\n    alias: cache\n";
/// assert_eq!(chart_dependencies(text).unwrap(), ["postgresql", "cache"]);
/// ```
pub fn chart_dependencies(text: &[u8]) -> Option<Vec<String>> {
    let Some(value) = yaml_mapping("Chart.yaml", text)? else {
        return Some(Vec::new());
    };
    let mut names: Vec<String> = Vec::new();
    for dependency in value.get("dependencies").and_then(serde_json::Value::as_array).into_iter().flatten() {
        let field = |key: &str| dependency.get(key).and_then(serde_json::Value::as_str).filter(|v| !v.is_empty());
        if let Some(name) = field("alias").or_else(|| field("name"))
            && !names.iter().any(|n| n == name)
            && names.len() < MAX_KUSTOMIZE_ENTRIES
        {
            names.push(name.to_owned());
        }
    }
    Some(names)
}

/// A values file's text as one mapping, read as Helm reads it (a key
/// given twice keeps its last value); a blank text is an empty mapping.
fn values_document(text: &[u8]) -> Option<serde_json::Value> {
    if text.len() > MAX_EMPTIED_TEXT || text.contains(&0) {
        return None;
    }
    let text = std::str::from_utf8(text).ok()?;
    if text.trim().is_empty() {
        return Some(serde_json::Value::Object(serde_json::Map::new()));
    }
    let mut docs: Vec<serde_json::Value> = crate::doc::from_yaml_multi_as_go("values", text).ok()?;
    if docs.len() > 1 {
        return None;
    }
    let doc = docs.pop().unwrap_or_else(|| serde_json::Value::Object(serde_json::Map::new()));
    doc.is_object().then_some(doc)
}

/// Each mapping of `value` (by dotted path) with an `enabled` key (on or
/// off as a template reads it; `None` without one) or a set
/// `existingClaim`, walked with a stack of its own (the YAML budget
/// bounds the depth; nothing here recurses).
fn switches(value: &serde_json::Value) -> BTreeMap<String, (Option<bool>, bool)> {
    let mut found: BTreeMap<String, (Option<bool>, bool)> = BTreeMap::new();
    let mut stack: Vec<(String, &serde_json::Value)> = vec![(String::new(), value)];
    while let Some((at, v)) = stack.pop() {
        let serde_json::Value::Object(map) = v else { continue };
        for (key, child) in map {
            if at.is_empty() && !child.is_object() {
                continue;
            }
            if key.eq_ignore_ascii_case("enabled") {
                found.entry(at.clone()).or_default().0 = Some(truthy(child));
            } else if key.eq_ignore_ascii_case("existingClaim") {
                found.entry(at.clone()).or_default().1 = truthy(child);
            } else if child.is_object() {
                let path = if at.is_empty() { key.clone() } else { format!("{at}.{key}") };
                stack.push((path, child));
            }
        }
    }
    found
}

/// Whether a Helm template's `if` takes `value` as true: not `false`,
/// `null`, `0`, an empty string, list or mapping, nor a YAML 1.1 false
/// (`no`, `off`, `n`, in lower, title or upper case: Helm reads values as
/// YAML 1.1, and the parsed value no longer says whether it was quoted;
/// reading a quoted `"no"` as off can only ask for more review).
fn truthy(value: &serde_json::Value) -> bool {
    match value {
        serde_json::Value::Null => false,
        serde_json::Value::Bool(b) => *b,
        serde_json::Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0),
        serde_json::Value::String(text) => {
            let cased = |word: &str| {
                let mut title = word.to_owned();
                if let Some(first) = title.get_mut(..1) {
                    first.make_ascii_uppercase();
                }
                *text == word || *text == title || *text == word.to_ascii_uppercase()
            };
            !text.is_empty() && !["false", "no", "off", "n"].into_iter().any(cased)
        }
        serde_json::Value::Array(items) => !items.is_empty(),
        serde_json::Value::Object(map) => !map.is_empty(),
    }
}
