//! Ansible's tasks: what a playbook's or role's tasks destroy when they
//! run (see [`ansible_tasks_destroy`]).
//!
//! Ansible is infrastructure as code of its own: a task that says
//! `state: absent` to a cloud module deletes what the module manages, as
//! a Terraform block taken out does, and a `shell:` task runs its command
//! line. Neither was read before (a red team's miss: an agent's playbook
//! that deleted the production database counted nothing).
//!
//! Written by hand on the lines, as the pipelines' steps are: no kept
//! crate reads an Ansible task as what it destroys, and a YAML parser
//! would lose the lines a task's bounds are found by (and refuse the
//! templates, `{{ }}`, that playbooks hold unquoted).

use std::collections::BTreeMap;

use super::{
    INFRA_NOUNS, MAX_EMPTIED_TEXT, MAX_STEP_LINES, ROUTINE_NOUNS, clip_kind, kubernetes_kinds, script_text_destroys,
    short_lived, step_block, step_list,
};

/// Whether `path` holds Ansible tasks by where Ansible keeps them: a YAML
/// file under a folder named `ansible`, `playbooks` or `playbook`, in a
/// role's `tasks` or `handlers` folder (`roles/db/tasks/main.yml`), or
/// named `playbook*.yml` or `site.yml`; not the folders that hold data,
/// templates, variables or tests (`files`, `templates`, `vars`,
/// `defaults`, `group_vars`, `host_vars`, `inventory`, `inventories`,
/// `molecule`).
///
/// ```
/// use blastgate_ingest::git::is_ansible;
/// assert!(is_ansible("ansible/teardown.yml"));
/// assert!(is_ansible("roles/db/tasks/main.yaml"));
/// assert!(!is_ansible("ansible/group_vars/all.yml"));
/// assert!(!is_ansible("deploy/values.yaml"));
/// ```
pub fn is_ansible(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    if !(lower.ends_with(".yml") || lower.ends_with(".yaml")) {
        return false;
    }
    let segments: Vec<&str> = lower.split('/').collect();
    let (name, folders) = match segments.split_last() {
        Some((name, folders)) => (*name, folders),
        None => return false,
    };
    const DATA: [&str; 9] =
        ["files", "templates", "vars", "defaults", "group_vars", "host_vars", "inventory", "inventories", "molecule"];
    if folders.iter().any(|f| DATA.contains(f)) {
        return false;
    }
    let role_tasks = folders
        .windows(3)
        .any(|w| matches!(w, [roles, _, tasks] if *roles == "roles" && matches!(*tasks, "tasks" | "handlers")));
    role_tasks
        || folders.iter().any(|f| matches!(*f, "ansible" | "playbooks" | "playbook"))
        || name.starts_with("playbook")
        || matches!(name, "site.yml" | "site.yaml")
}

/// Most tasks of one file read (past it, the rest counts nothing more;
/// a file of tasks is at most [`MAX_EMPTIED_TEXT`] bytes).
const MAX_TASKS: usize = 100_000;

/// What the tasks of an Ansible file destroy, each type as many times as
/// tasks destroy it (compared before and after a change, as the steps of
/// pipelines are: a type counted more often after is one the change makes
/// the playbook destroy, so `state: present` made `state: absent` counts).
/// Read:
///
/// - a command module (`command`, `shell`, `raw`, `win_shell`,
///   `win_command`, as `ansible.builtin.shell` too): its command line (the
///   free form, `cmd:`, `argv:`, a block scalar's lines), read as a line
///   of a shell script ([`super::destructive_commands`]);
/// - a cloud module told `state: absent` (`terminated` for an instance):
///   an AWS, Google Cloud, Azure, OpenStack, DigitalOcean or Oracle Cloud
///   module (by its collection, `amazon.aws.rds_instance`, or its own
///   name, `gcp_sql_instance`, `azure_rm_resourcegroup`) whose name has a
///   word of infrastructure and none of a routine object (`ec2_snapshot`,
///   `iam_policy` are routine), as its name (`amazon.aws.rds_instance`);
///   `kubernetes.core.k8s` as the `kind:` it deletes (`Namespace`), `helm`
///   as `helm uninstall NAME`, `community.general.terraform` as
///   `terraform destroy`, and `postgresql_db`, `mysql_db` as `database`.
///
/// A state given by a template counts when the template says `absent`
/// (`"{{ 'absent' if teardown else 'present' }}"`); a task in check mode
/// (`check_mode: true`), and one whose resource is named for a short-lived
/// environment (`name: orders-pr-12`), destroys nothing. `None` for text
/// over [`MAX_EMPTIED_TEXT`] or with a NUL byte.
///
/// ```
/// use blastgate_ingest::git::ansible_tasks_destroy;
/// let text = b"- hosts: localhost\n  tasks:\n    - name: Drop the database\n      amazon.aws.rds_instance:\n        id: orders-prod\n        state: absent\n";
/// assert_eq!(ansible_tasks_destroy(text).unwrap().into_iter().collect::<Vec<_>>(), [("amazon.aws.rds_instance".to_owned(), 1)]);
/// ```
pub fn ansible_tasks_destroy(text: &[u8]) -> Option<BTreeMap<String, usize>> {
    if text.len() > MAX_EMPTIED_TEXT || text.contains(&0) {
        return None;
    }
    let raw = String::from_utf8_lossy(text).replace("\r\n", "\n");
    let lines: Vec<&str> = raw.lines().collect();
    let mut found: BTreeMap<String, usize> = BTreeMap::new();
    let mut tasks = 0usize;
    for (at, line) in lines.iter().enumerate() {
        let t = line.trim_start();
        if t.starts_with('#') {
            continue;
        }
        let rest = t.strip_prefix("- ").map_or(t, str::trim_start);
        let Some((key, value)) = rest.split_once(':') else { continue };
        let key = key.trim().trim_matches(['"', '\'']).to_ascii_lowercase();
        let Some(module) = Module::of(&key) else { continue };
        tasks += 1;
        if tasks > MAX_TASKS {
            break;
        }
        let column = line.len() - rest.len();
        let Some((task, _)) = step_block(&lines, at, column, &key) else { continue };
        let setting = |name: &str| step_list(task, column, name).and_then(|v| v.into_iter().next()).unwrap_or_default();
        if matches!(setting("check_mode").to_ascii_lowercase().as_str(), "true" | "yes") {
            continue;
        }
        // The module's own lines: those further in than the task's keys,
        // from the module's key to the next key of the task.
        let own: Vec<&str> = lines
            .iter()
            .skip(at + 1)
            .take(MAX_STEP_LINES)
            .take_while(|l| l.trim().is_empty() || l.len() - l.trim_start().len() > column)
            .copied()
            .collect();
        let inner = own.iter().find(|l| !l.trim().is_empty()).map_or(column + 2, |l| l.len() - l.trim_start().len());
        let parameter = |name: &str| -> String {
            // (Also the old `key=value` form on the module's line.)
            let inline = value.split_whitespace().find_map(|w| w.strip_prefix(name)?.strip_prefix('='));
            match inline {
                Some(v) => v.trim_matches(['"', '\'']).to_owned(),
                None => step_list(&own, inner, name).and_then(|v| v.into_iter().next()).unwrap_or_default(),
            }
        };
        let kinds = match module {
            Module::Command => {
                let value = value.trim();
                let script = if value.is_empty() {
                    let argv = step_list(&own, inner, "argv").map(|words| words.join(" "));
                    argv.unwrap_or_else(|| parameter("cmd"))
                } else {
                    step_list(task, column, &key).and_then(|v| v.into_iter().next()).unwrap_or_default()
                };
                script_text_destroys(&script)
            }
            Module::Resource(name) => {
                let state = parameter("state").to_ascii_lowercase();
                let absent = state.contains("absent") || (state == "terminated" && name.ends_with("instance"));
                let named =
                    ["name", "id", "identifier", "namespace", "stack", "release", "bucket", "cluster", "project"];
                let short = own.iter().any(|l| {
                    let d = l.trim_start().trim_start_matches("- ");
                    d.split_once(':').is_some_and(|(k, v)| {
                        let k = k.trim().to_ascii_lowercase();
                        named.iter().any(|n| k.contains(n)) && short_lived(v.trim().trim_matches(['"', '\'']))
                    })
                });
                if !absent || short { Vec::new() } else { resource_kinds(&name, &parameter) }
            }
        };
        for kind in kinds.iter().map(|k| clip_kind(k)).filter(|k| !k.is_empty()) {
            if found.len() < super::MAX_TYPES_READ || found.contains_key(&kind) {
                *found.entry(kind).or_insert(0) += 1;
            }
        }
    }
    Some(found)
}

/// The kinds a cloud module told `state: absent` destroys.
fn resource_kinds(name: &str, parameter: &dyn Fn(&str) -> String) -> Vec<String> {
    let short = name.rsplit('.').next().unwrap_or(name);
    match short {
        "k8s" => {
            let kind = parameter("kind");
            if kind.is_empty() {
                // (A manifest given by `src:` or `definition:`: its kinds
                // are not read; fail closed.)
                vec![name.to_owned()]
            } else {
                kubernetes_kinds(&kind)
            }
        }
        "helm" => vec![format!("helm uninstall {}", parameter("name")).trim_end().to_owned()],
        "terraform" => vec!["terraform destroy".to_owned()],
        "postgresql_db" | "mysql_db" => vec!["database".to_owned()],
        _ => vec![name.to_owned()],
    }
}

/// What a task's module key names, as far as this reading goes.
enum Module {
    /// A module that runs a command line.
    Command,
    /// A module that manages infrastructure, by its name as written
    /// (lower case).
    Resource(String),
}

/// Collections of cloud modules, by their names' starts.
const CLOUD_COLLECTIONS: [&str; 8] = [
    "amazon.aws.",
    "community.aws.",
    "google.cloud.",
    "azure.azcollection.",
    "openstack.cloud.",
    "community.digitalocean.",
    "oracle.oci.",
    "community.okd.",
];

/// Starts of cloud modules' own names (as written without a collection).
const CLOUD_MODULES: [&str; 22] = [
    "gcp_",
    "azure_rm_",
    "os_",
    "openstack_",
    "digital_ocean",
    "oci_",
    "ec2_",
    "rds_",
    "s3_",
    "dynamodb_",
    "elasticache",
    "redshift",
    "efs",
    "eks_",
    "ecs_",
    "lambda",
    "cloudformation",
    "sqs_",
    "sns_",
    "kinesis_",
    "elb_",
    "route53",
];

/// Words (besides [`INFRA_NOUNS`]) of cloud modules' names that name
/// infrastructure: services, and Azure's joined nouns.
const MODULE_NOUNS: [&str; 28] = [
    "lambda",
    "vol",
    "rds",
    "dynamodb",
    "elasticache",
    "redshift",
    "efs",
    "eks",
    "ecs",
    "sqs",
    "sns",
    "kinesis",
    "cloudformation",
    "opensearch",
    "docdb",
    "subnet",
    "resourcegroup",
    "postgresqlserver",
    "mysqlserver",
    "sqlserver",
    "sqldatabase",
    "cosmosdbaccount",
    "storageaccount",
    "virtualmachine",
    "keyvault",
    "aks",
    "containerinstance",
    "loadbalancer",
];

impl Module {
    fn of(key: &str) -> Option<Module> {
        let short = key.rsplit('.').next().unwrap_or(key);
        let builtin = key == short
            || ["ansible.builtin.", "ansible.legacy.", "ansible.windows.", "community.windows."]
                .iter()
                .any(|c| key.strip_prefix(c) == Some(short));
        if builtin && matches!(short, "command" | "shell" | "raw" | "win_shell" | "win_command") {
            return Some(Module::Command);
        }
        let special = matches!(
            key,
            "k8s"
                | "kubernetes.core.k8s"
                | "community.kubernetes.k8s"
                | "community.okd.k8s"
                | "redhat.openshift.k8s"
                | "helm"
                | "kubernetes.core.helm"
                | "community.kubernetes.helm"
                | "terraform"
                | "community.general.terraform"
                | "cloud.terraform.terraform"
                | "postgresql_db"
                | "community.postgresql.postgresql_db"
                | "mysql_db"
                | "community.mysql.mysql_db"
        );
        if special {
            return Some(Module::Resource(key.to_owned()));
        }
        let cloud = CLOUD_COLLECTIONS.iter().any(|c| key.starts_with(c))
            || (key == short && CLOUD_MODULES.iter().any(|m| short.starts_with(m)));
        let words: Vec<&str> = short.split('_').collect();
        // (Azure's nouns are joined: `postgresqlflexibleserver`.)
        let joined = |w: &str| ["server", "database", "account", "cluster", "vault"].iter().any(|n| w.ends_with(n));
        let infrastructure = words.iter().any(|w| INFRA_NOUNS.contains(w) || MODULE_NOUNS.contains(w) || joined(w))
            && !words.iter().any(|w| ROUTINE_NOUNS.contains(w) || matches!(*w, "info" | "facts" | "object"));
        (cloud && infrastructure).then(|| Module::Resource(key.to_owned()))
    }
}
