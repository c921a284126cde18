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

use std::collections::{BTreeMap, BTreeSet};

use super::commands::{
    INFRA_NOUNS, ROUTINE_NOUNS, collapse, data_directory_removed, known_tool, kubernetes_kinds, short_lived,
};
use super::manifests::{MAX_EMPTIED_TEXT, clip_kind};
use super::pipelines::{MAX_STEP_LINES, script_text_destroys, step_block, step_list, step_settings, unquote_scalar};
use super::tasks::{TaskCall, TaskRunner, replace_templates};

/// Whether `path` holds Ansible tasks by where Ansible keeps them: a YAML
/// file under a folder named `ansible`, `playbooks` or `playbook`, in a
/// `tasks` or `handlers` folder (a role's, `roles/db/tasks/main.yml`), or
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
    // (A role's `tasks/` and `handlers/`, in a role's own repository too.)
    folders.iter().any(|f| matches!(*f, "ansible" | "playbooks" | "playbook" | "tasks" | "handlers"))
        || name.starts_with("playbook")
        || matches!(name, "site.yml" | "site.yaml")
}

/// Where `path` sits in an Ansible role: the role's folder
/// (`deploy/roles/db`) and the part of it the file is in, `tasks`,
/// `handlers`, `defaults` or `vars`, for a YAML file under
/// `roles/NAME/PART/`.
///
/// ```
/// use blastgate_ingest::git::role_of;
/// assert_eq!(role_of("deploy/roles/db/defaults/main.yml"), Some(("deploy/roles/db", "defaults")));
/// assert_eq!(role_of("roles/db/tasks/rds.yaml"), Some(("roles/db", "tasks")));
/// assert_eq!(role_of("roles/db/templates/x.yml"), None);
/// ```
pub fn role_of(path: &str) -> Option<(&str, &str)> {
    let lower = path.to_ascii_lowercase();
    if !(lower.ends_with(".yml") || lower.ends_with(".yaml")) {
        return None;
    }
    let mut at = 0;
    let parts: Vec<(usize, &str)> = path
        .split('/')
        .map(|p| {
            let start = at;
            at += p.len() + 1;
            (start, p)
        })
        .collect();
    parts.windows(4).rev().find_map(|w| match w {
        [(_, "roles"), (_, _), (start, part), _] if matches!(*part, "tasks" | "handlers" | "defaults" | "vars") => {
            Some((path.get(..start.checked_sub(1)?)?, *part))
        }
        _ => None,
    })
}

/// The YAML files (other than those [`is_ansible`] finds) whose changed
/// lines in `patch` look like Ansible's: a play's `hosts:` or
/// `import_playbook:`, a task's module ([`ansible_tasks_destroy`] reads
/// them), a `state:` (`state: present` made `absent`) or a `check_mode:`;
/// or whose lines around the change hold a play's keys or a cloud
/// module's (an edit to `id:` below `amazon.aws.rds_instance:`). Read whole at
/// both ends as task files are (a red team's playbooks at the top,
/// `teardown.yml`, or in `deploy/`, were never read); one too large to read
/// counts nothing, since it may be no playbook.
pub fn ansible_like_in_patch(patch: &[u8]) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    super::for_each_patch_line(patch, |path, line| {
        let lower = path.to_ascii_lowercase();
        let yaml = lower.ends_with(".yml") || lower.ends_with(".yaml");
        if !yaml || is_ansible(path) || found.contains(path) || found.len() >= super::MAX_FILES {
            return;
        }
        let changed = line.strip_prefix(b"+").or_else(|| line.strip_prefix(b"-"));
        let Some(text) = changed.or_else(|| line.strip_prefix(b" ")) else { return };
        let text = String::from_utf8_lossy(text);
        let t = text.trim_start();
        let rest = t.strip_prefix("- ").map_or(t, str::trim_start);
        let Some((key, _)) = rest.split_once(':') else { return };
        let key = key.trim().trim_matches(['"', '\'']).to_ascii_lowercase();
        // (A line the change leaves, around what it edits, tells a
        // playbook too: an edit to a module's `id:` or a task's
        // `check_mode:` beside `amazon.aws.rds_instance:`. Not a command
        // module's key there, which other YAML has: `command:`.)
        let play = matches!(key.as_str(), "hosts" | "import_playbook");
        let module = Module::of(&key);
        let ansible = if changed.is_some() {
            play || matches!(key.as_str(), "state" | "check_mode") || module.is_some()
        } else {
            play || matches!(module, Some(Module::Resource(_)))
        };
        if ansible {
            found.insert(path.to_owned());
        }
    });
    found
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
    ansible_tasks_destroy_with(text, &[])
}

/// [`ansible_tasks_destroy`] with the variables of other files too: a
/// role's `vars/main.yml` and `defaults/main.yml` (their top-level `name:
/// value` pairs), read after the file's own `vars:` and `set_fact:`, the
/// first value of each name counting. A role's task `state: "{{ db_state
/// }}"` with `db_state: absent` in its defaults destroys. A variables file
/// over [`MAX_EMPTIED_TEXT`] or with a NUL byte gives none.
///
/// ```
/// use blastgate_ingest::git::ansible_tasks_destroy_with;
/// let tasks = b"- amazon.aws.rds_instance:\n    id: orders\n    state: \"{{ db_state }}\"\n";
/// let found = ansible_tasks_destroy_with(tasks, &[b"db_state: absent\n"]).unwrap();
/// assert_eq!(found.into_iter().collect::<Vec<_>>(), [("amazon.aws.rds_instance".to_owned(), 1)]);
/// ```
pub fn ansible_tasks_destroy_with(text: &[u8], variable_files: &[&[u8]]) -> Option<BTreeMap<String, usize>> {
    if text.len() > MAX_EMPTIED_TEXT || text.contains(&0) {
        return None;
    }
    let raw = String::from_utf8_lossy(text).replace("\r\n", "\n");
    // (A list item's dash written apart from its content, `-   name:`,
    // is moved next to it, where the reading looks for it.)
    let tight: Vec<String> = raw.lines().map(tight_dash).collect();
    let lines: Vec<&str> = tight.iter().map(String::as_str).collect();
    let mut found: BTreeMap<String, usize> = BTreeMap::new();
    let mut tasks = 0usize;
    let mut variables = play_variables(&lines);
    for file in variable_files.iter().filter(|f| f.len() <= MAX_EMPTIED_TEXT && !f.contains(&0)) {
        for (name, value) in file_variables(&String::from_utf8_lossy(file)) {
            if variables.len() < MAX_VARIABLES || variables.contains_key(&name) {
                variables.entry(name).or_insert(value);
            }
        }
    }
    let anchors = anchors(&lines);
    for (at, line) in lines.iter().enumerate() {
        let t = line.trim_start();
        if t.starts_with('#') {
            continue;
        }
        let rest = t.strip_prefix("- ").map_or(t, str::trim_start);
        let Some((key, value)) = rest.split_once(':') else { continue };
        let key = key.trim().trim_matches(['"', '\'']).to_ascii_lowercase();
        // (`action:` and `local_action:` name their module: on the line,
        // `local_action: command terraform destroy`, `action:
        // amazon.aws.rds_instance id=orders state=absent`, or below as
        // `module:`; the rest is read as the module's.)
        let action = matches!(key.as_str(), "action" | "local_action");
        let (key, value) = if action {
            let v = unquote_scalar(value.split(" #").next().unwrap_or(value));
            match v.split_once(char::is_whitespace) {
                Some((module, rest)) => (module.to_ascii_lowercase(), rest.trim().to_owned()),
                None if !v.is_empty() => (v.to_ascii_lowercase(), String::new()),
                None => (module_below(&lines, at).unwrap_or_default(), String::new()),
            }
        } else {
            (key, value.to_owned())
        };
        let value = value.as_str();
        // A file of tasks included (`include_tasks: teardown.yml`, or its
        // `file:` below): a call the facade reads the file for.
        let short =
            key.strip_prefix("ansible.builtin.").or_else(|| key.strip_prefix("ansible.legacy.")).unwrap_or(&key);
        // A role included (`include_role:` with `name:` and `tasks_from:`):
        // its tasks file, under a `roles/` folder beside the play, or beside
        // the including role (`../../NAME/tasks/...` from a role's tasks).
        let files: Vec<String> = match short {
            // (A playbook imported, `import_playbook: teardown.yml`, runs
            // its plays' tasks: read as a file of tasks is.)
            "include_tasks" | "import_tasks" | "import_playbook" => {
                included_file(value, &lines, at).into_iter().collect()
            }
            "include_role" | "import_role" => included_role(value, &lines, at)
                .map(|(role, tasks)| {
                    vec![format!("roles/{role}/tasks/{tasks}.yml"), format!("../../{role}/tasks/{tasks}.yml")]
                })
                .unwrap_or_default(),
            _ => Vec::new(),
        };
        if matches!(short, "include_tasks" | "import_tasks" | "import_playbook" | "include_role" | "import_role") {
            for file in files {
                let call = TaskCall { runner: TaskRunner::AnsibleTasks, file, target: "-".to_owned() };
                if let Some(kind) = call.kind() {
                    *found.entry(kind).or_insert(0) += 1;
                }
            }
            continue;
        }
        let Some(module) = Module::of(&key).or_else(|| Module::file(&key)) else { continue };
        tasks += 1;
        if tasks > MAX_TASKS {
            break;
        }
        let column = line.len() - rest.len();
        let own_key = rest.split_once(':').map_or("", |(k, _)| k.trim().trim_matches(['"', '\''])).to_ascii_lowercase();
        let Some((task, _)) = step_block(&lines, at, column, &own_key) else { continue };
        // A task is an item of a list: a key of a mapping that is no item
        // is a module's parameter (`script:` under `win_powershell:`).
        let item = |l: &&str| l.trim_start().starts_with("- ") && l.len() - l.trim_start().len() + 2 == column;
        if !t.starts_with("- ") && !task.first().is_some_and(item) {
            continue;
        }
        let setting = |name: &str| step_list(task, column, name).and_then(|v| v.into_iter().next()).unwrap_or_default();
        if matches!(setting("check_mode").to_ascii_lowercase().as_str(), "true" | "yes") {
            continue;
        }
        // The module's own lines: those further in than the task's keys,
        // from the module's key to the next key of the task.
        let own: Vec<&str> = block_below(&lines, at, column);
        let inner = own.iter().find(|l| !l.trim().is_empty()).map_or(column + 2, |l| l.len() - l.trim_start().len());
        // (Also the old `key=value` form on the module's line, and a flow
        // mapping there: `{name: orders, state: absent}`.)
        // (The task's `args:` gives the module's parameters too, below it
        // or as a flow mapping.)
        let args = task_args(task, column);
        let mut flow = flow_pairs(value);
        flow.extend(args.flow);
        // The module's own lines and the task's `args:`, each with the
        // column of its keys.
        let blocks: [(&[&str], usize); 2] = [(own.as_slice(), inner), (args.lines.as_slice(), args.inner)];
        // (A merge key, `<<: *db`, gives those of the mapping it names.)
        let merged: Vec<(&[&str], usize)> = blocks
            .into_iter()
            .flat_map(|(block, at)| {
                block.iter().filter(move |l| l.len() - l.trim_start().len() == at).filter_map(|l| {
                    let name = l.trim_start().strip_prefix("<<:")?.trim().strip_prefix('*')?;
                    anchors.get(name.trim()).map(|(block, inner)| (block.as_slice(), *inner))
                })
            })
            .take(MAX_MERGES)
            .collect();
        let parameter = |name: &str| -> String {
            let inline = value.split_whitespace().find_map(|w| w.strip_prefix(name)?.strip_prefix('='));
            let flowed = flow.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
            match (inline, flowed) {
                (Some(v), _) => v.trim_matches(['"', '\'']).to_owned(),
                (None, Some(v)) => v,
                (None, None) => blocks
                    .into_iter()
                    .chain(merged.iter().copied())
                    .find_map(|(block, at)| step_list(block, at, name).and_then(|v| v.into_iter().next()))
                    .unwrap_or_default(),
            }
        };
        // The names the module is given, and the task's `environment:`
        // (`TF_WORKSPACE: pr-{{ pr_number }}`), may name a short-lived
        // environment; a template's part says nothing (`orders-{{ env |
        // default('dev') }}` is not a developer's).
        let names_short_lived = || {
            let at = |block: &'_ [&'_ str], column: usize| {
                block
                    .iter()
                    .filter(move |l| l.len() - l.trim_start().len() == column)
                    .filter_map(|l| {
                        let (k, v) = l.trim_start().split_once(':')?;
                        Some((k.trim().to_ascii_lowercase(), v.trim().to_owned()))
                    })
                    .collect::<Vec<_>>()
            };
            let direct: Vec<(String, String)> =
                blocks.iter().chain(merged.iter()).flat_map(|(block, column)| at(block, *column)).collect();
            let direct = direct.into_iter().chain(flow.iter().map(|(k, v)| (k.to_ascii_lowercase(), v.clone())));
            let environment =
                step_settings(task, column, "environment").into_iter().map(|(k, v)| (k.to_ascii_lowercase(), v));
            direct.chain(environment).any(|(k, v)| {
                let named = NAMES.contains(&k.as_str())
                    || ["workspace", "namespace", "stack", "environment"].iter().any(|n| k.contains(n));
                named && short_lived(&without_templates(&with_variables(&unquote_scalar(&v), &variables)))
            })
        };
        let kinds = match module {
            Module::Command => {
                let value = value.trim();
                let script = if value.is_empty() {
                    let argv = blocks
                        .into_iter()
                        .find_map(|(block, at)| step_list(block, at, "argv"))
                        .map(|words| words.join(" "));
                    let script = argv.unwrap_or_else(|| {
                        let cmd = parameter("cmd");
                        if cmd.is_empty() { parameter("script") } else { cmd }
                    });
                    // (The free form written on the lines below, a plain
                    // scalar over lines: `shell:` then `terraform destroy
                    // -auto-approve`.)
                    if script.is_empty() && own.iter().find(|l| !l.trim().is_empty()).is_some_and(|l| !mapping_line(l))
                    {
                        own.iter().map(|l| l.trim()).collect::<Vec<_>>().join(" ")
                    } else {
                        script
                    }
                } else if action {
                    value.to_owned()
                } else {
                    step_list(task, column, &key).and_then(|v| v.into_iter().next()).unwrap_or_default()
                };
                let script = tools_in_templates(&script);
                // (`script:` runs a file of the playbook's: `./scripts/x.sh`.)
                let script = match key.rsplit('.').next() {
                    Some("script") if !script.starts_with(['/', '.']) => format!("./{script}"),
                    _ => script,
                };
                if names_short_lived() { Vec::new() } else { script_text_destroys(&script) }
            }
            Module::Resource(name) => {
                let state = parameter("state");
                let state = if state.is_empty() { parameter("release_state") } else { state };
                let state = with_variables(&state, &variables).to_ascii_lowercase();
                let absent = state.contains("absent") || (state == "terminated" && name.ends_with("instance"));
                let query = parameter("query");
                let sql = !query.is_empty() && query_empties(&collapse(&query.to_ascii_lowercase()));
                // A table truncated (`postgresql_table: truncate: true`), a
                // Redis flushed (`redis: command: flush`), a MongoDB shell's
                // script (`mongodb_shell: eval: db.dropDatabase()`): a red
                // team's misses.
                let short = name.rsplit('.').next().unwrap_or(&name);
                let on = |key: &str| matches!(parameter(key).to_ascii_lowercase().as_str(), "true" | "yes" | "on");
                let emptied = match short {
                    "postgresql_table" if on("truncate") => vec!["database".to_owned()],
                    "redis" if parameter("command").eq_ignore_ascii_case("flush") => {
                        vec!["redis flushall".to_owned()]
                    }
                    "mongodb_shell" if !parameter("eval").is_empty() => {
                        script_text_destroys(&format!("mongosh --eval '{}'", parameter("eval").replace('\'', "\"")))
                    }
                    _ => Vec::new(),
                };
                if names_short_lived() || !(absent || sql || !emptied.is_empty()) {
                    Vec::new()
                } else if !emptied.is_empty() {
                    emptied
                } else if sql {
                    vec!["database".to_owned()]
                } else {
                    // (Templates read through the variables known, as the
                    // state's are: `path: "{{ pg_data }}"`.)
                    resource_kinds(&name, &|key: &str| with_variables(&parameter(key), &variables))
                }
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

/// Whether a query (lower case, blanks collapsed) drops or empties what
/// a database holds: `DROP DATABASE`, `SCHEMA` or `TABLE`, `TRUNCATE`, or
/// a `DELETE FROM` a table with no `WHERE` (the statement to its `;`).
/// A `DELETE` of some rows or an `UPDATE` is a task's routine work (a
/// red team's `DELETE FROM sessions WHERE expires < now()` counted as the
/// database's removal).
fn query_empties(query: &str) -> bool {
    if ["drop database", "drop schema", "drop table"].iter().any(|s| query.contains(s))
        || super::commands::truncates(query)
    {
        return true;
    }
    query.split(';').any(|statement| {
        let words: Vec<&str> = statement.split(|c: char| !(c.is_alphanumeric() || c == '_')).collect();
        let delete = words.windows(2).any(|w| w == ["delete", "from"]) || statement.trim_start().starts_with("delete ");
        delete && !words.contains(&"where")
    })
}

/// The file an `include_tasks:` or `import_tasks:` at line `at` names:
/// its value (`teardown.yml`, `file=teardown.yml`), or the `file:` key on
/// the lines below it. None for a templated path (`{{ env }}.yml`), which
/// cannot be resolved.
fn included_file(value: &str, lines: &[&str], at: usize) -> Option<String> {
    let unquote = |v: &str| v.trim().trim_matches(['"', '\'']).to_owned();
    let value = unquote(value.split(" #").next().unwrap_or(value));
    let file = if value.is_empty() {
        let column = lines.get(at).map_or(0, |l| l.len() - l.trim_start().len());
        lines
            .iter()
            .skip(at + 1)
            .take(MAX_STEP_LINES)
            .take_while(|l| l.trim().is_empty() || l.len() - l.trim_start().len() > column)
            .find_map(|l| l.trim_start().strip_prefix("file:").map(unquote))?
    } else {
        value.strip_prefix("file=").map_or(value.clone(), unquote)
    };
    (!file.is_empty() && !file.contains("{{") && !file.contains(char::is_whitespace)).then_some(file)
}

/// The role and tasks file an `include_role:` or `import_role:` at line
/// `at` (whose value is `value`) names: its `name:` and `tasks_from:`
/// (`main` when absent) on the lines below it, in a flow mapping on its
/// line (`{name: db_reset, tasks_from: wipe}`) or as `key=value` pairs
/// (`name=db_reset tasks_from=wipe`). None for a templated or missing
/// name.
fn included_role(value: &str, lines: &[&str], at: usize) -> Option<(String, String)> {
    let value = value.split(" #").next().unwrap_or(value).trim();
    let inline: Vec<(String, String)> = if value.starts_with('{') {
        flow_pairs(value)
    } else {
        value
            .split_whitespace()
            .filter_map(|p| p.split_once('='))
            .map(|(k, v)| (k.to_owned(), v.trim_matches(['"', '\'']).to_owned()))
            .collect()
    };
    let column = lines.get(at).map_or(0, |l| l.len() - l.trim_start().len());
    let below: Vec<&str> = block_below(lines, at, column);
    let key = |name: &str| {
        inline.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()).or_else(|| {
            below.iter().find_map(|l| {
                let value = l.trim_start().strip_prefix(name)?.strip_prefix(':')?;
                Some(value.split(" #").next().unwrap_or(value).trim().trim_matches(['"', '\'']).to_owned())
            })
        })
    };
    let clean = |v: &str| !v.is_empty() && !v.contains("{{") && !v.contains(['/', ' ']);
    let role = key("name").filter(|r| clean(r))?;
    let tasks = key("tasks_from").unwrap_or_else(|| "main".to_owned());
    let tasks = tasks.strip_suffix(".yml").or_else(|| tasks.strip_suffix(".yaml")).unwrap_or(&tasks).to_owned();
    clean(&tasks).then_some((role, tasks))
}

/// The lines below line `at` that are further in than `column` (blank
/// lines among them kept), at most [`MAX_STEP_LINES`]: what a key at that
/// column holds.
fn block_below<'a>(lines: &[&'a str], at: usize, column: usize) -> Vec<&'a str> {
    lines
        .iter()
        .skip(at + 1)
        .take(MAX_STEP_LINES)
        .take_while(|l| l.trim().is_empty() || l.len() - l.trim_start().len() > column)
        .copied()
        .collect()
}

/// `line` with a list item's dash moved next to its content: `-   name:
/// x` is `  - name: x` (the content keeps its column).
fn tight_dash(line: &str) -> String {
    let t = line.trim_start();
    let Some(after) = t.strip_prefix("- ") else { return line.to_owned() };
    let content = after.trim_start_matches(' ');
    if content.len() == after.len() || content.is_empty() {
        return line.to_owned();
    }
    let column = line.len() - content.len();
    format!("{}- {content}", " ".repeat(column.saturating_sub(2)))
}

/// Whether a line is a mapping's key (`state: absent`, `cmd:`), not a
/// line of text.
fn mapping_line(line: &str) -> bool {
    let t = line.trim_start().trim_start_matches("- ");
    t.split_once(':').is_some_and(|(k, v)| {
        let k = k.trim().trim_matches(['"', '\'']);
        !k.is_empty() && !k.contains(char::is_whitespace) && (v.is_empty() || v.starts_with(' '))
    })
}

/// The pairs of a flow mapping (`{name: orders, state: absent}`), its
/// values unquoted; none for any other value.
fn flow_pairs(value: &str) -> Vec<(String, String)> {
    value
        .trim()
        .strip_prefix('{')
        .and_then(|v| v.rsplit_once('}'))
        .map(|(pairs, _)| {
            pairs
                .split(',')
                .filter_map(|p| p.split_once(':'))
                .map(|(k, v)| (k.trim().trim_matches(['"', '\'']).to_owned(), unquote_scalar(v)))
                .collect()
        })
        .unwrap_or_default()
}

/// A task's `args:`: the lines below it, the column of their keys, and
/// its pairs when written as a flow mapping.
struct TaskArgs<'a> {
    lines: Vec<&'a str>,
    inner: usize,
    flow: Vec<(String, String)>,
}

/// The `args:` of the task whose keys are at `column` in `task`.
fn task_args<'a>(task: &[&'a str], column: usize) -> TaskArgs<'a> {
    let indent = |l: &str| l.len() - l.trim_start().len();
    let mut out = TaskArgs { lines: Vec::new(), inner: column + 2, flow: Vec::new() };
    let found = task.iter().enumerate().find_map(|(k, l)| {
        let d = l.trim_start().trim_start_matches("- ");
        let value = d.strip_prefix("args:")?;
        (l.len() - d.len() == column).then_some((k, value))
    });
    let Some((k, value)) = found else { return out };
    out.flow = flow_pairs(value);
    out.lines = task.iter().skip(k + 1).take_while(|l| l.trim().is_empty() || indent(l) > column).copied().collect();
    out.inner = out.lines.iter().find(|l| !l.trim().is_empty()).map_or(column + 2, |l| indent(l));
    out
}

/// The module an `action:` or `local_action:` on line `at` names below
/// it (`module: amazon.aws.rds_instance`), lower case.
fn module_below(lines: &[&str], at: usize) -> Option<String> {
    let indent = |l: &str| l.len() - l.trim_start().len();
    let line = lines.get(at)?;
    let column = line.len() - line.trim_start().trim_start_matches("- ").len();
    let below = lines.iter().skip(at + 1).take(MAX_STEP_LINES);
    let module = below
        .take_while(|l| l.trim().is_empty() || indent(l) > column)
        .find_map(|l| l.trim_start().strip_prefix("module:"))?;
    Some(unquote_scalar(module.split(" #").next().unwrap_or(module)).to_ascii_lowercase())
}

/// Most merge keys (`<<: *db`) of one task read, so that a file of many
/// tasks that each merge many mappings is read in linear time.
const MAX_MERGES: usize = 4;

/// Most anchors of a file read (see [`anchors`]).
const MAX_ANCHORS: usize = 256;

/// The mappings a file names with an anchor (`x-db: &db` and the lines
/// below it), by the anchor's name: what a merge key, `<<: *db`, gives.
/// Each with the column of its keys; at most [`MAX_STEP_LINES`] lines.
fn anchors<'a>(lines: &[&'a str]) -> BTreeMap<String, (Vec<&'a str>, usize)> {
    let indent = |l: &str| l.len() - l.trim_start().len();
    let mut out = BTreeMap::new();
    for (at, line) in lines.iter().enumerate() {
        if out.len() >= MAX_ANCHORS {
            break;
        }
        let Some((_, value)) = line.split_once(':') else { continue };
        let Some(name) = value.trim().strip_prefix('&') else { continue };
        if name.is_empty() || name.contains(char::is_whitespace) {
            continue;
        }
        let column = line.len() - line.trim_start().trim_start_matches("- ").len();
        let block: Vec<&str> = lines
            .iter()
            .skip(at + 1)
            .take(MAX_STEP_LINES)
            .take_while(|l| l.trim().is_empty() || indent(l) > column)
            .copied()
            .collect();
        let inner = block.iter().find(|l| !l.trim().is_empty()).map_or(column + 2, |l| indent(l));
        out.entry(name.to_owned()).or_insert((block, inner));
    }
    out
}

/// The parameters that name what a module manages, read for a
/// short-lived environment's name.
const NAMES: [&str; 14] = [
    "name",
    "id",
    "identifier",
    "instance_id",
    "db_instance_identifier",
    "db_cluster_identifier",
    "release_name",
    "release_namespace",
    "stack_name",
    "bucket",
    "cluster",
    "cluster_name",
    "resource_group",
    "project_path",
];

/// Most variables of a file's `vars:` read.
const MAX_VARIABLES: usize = 256;

/// The variables the file's `vars:` mappings set to plain values (a
/// play's, a block's or a task's: `preview_db_id: "orders-pr-{{ pr }}"`,
/// in block or flow style) and its `set_fact:` tasks set, the first of
/// each name.
fn play_variables(lines: &[&str]) -> BTreeMap<String, String> {
    let indent = |l: &str| l.len() - l.trim_start().len();
    let mut out: BTreeMap<String, String> = BTreeMap::new();
    let mut under: Option<usize> = None;
    for l in lines {
        if l.trim().is_empty() || l.trim_start().starts_with('#') {
            continue;
        }
        let d = l.trim_start().trim_start_matches("- ");
        let column = l.len() - d.len();
        match under {
            Some(c) if indent(l) > c => {
                if let Some((k, v)) = d.split_once(':')
                    && !v.trim().is_empty()
                    && v.len() <= 256
                    && (out.len() < MAX_VARIABLES || out.contains_key(k.trim()))
                {
                    out.entry(k.trim().to_owned()).or_insert_with(|| unquote_scalar(v.trim()));
                }
                continue;
            }
            _ => under = None,
        }
        // (A fact a task sets, `set_fact:` and its pairs, is read as a
        // variable too; and `vars: {db_state: absent}` in flow style.)
        let (key, value) = d.split_once(':').unwrap_or((d, ""));
        let key = key.trim();
        if matches!(key, "vars" | "set_fact" | "ansible.builtin.set_fact") {
            if value.trim().is_empty() {
                under = Some(column);
            }
            for (k, v) in flow_pairs(value) {
                if out.len() < MAX_VARIABLES && v.len() <= 256 {
                    out.entry(k).or_insert(v);
                }
            }
        }
    }
    out
}

/// The top-level `name: value` pairs of a variables file (a role's
/// `defaults/main.yml`), plain values only, at most [`MAX_VARIABLES`].
fn file_variables(text: &str) -> Vec<(String, String)> {
    text.lines()
        .filter(|l| !l.starts_with([' ', '\t', '#', '-']))
        .filter_map(|l| {
            let (k, v) = l.split_once(':')?;
            let v = v.split(" #").next().unwrap_or(v).trim();
            (!k.trim().is_empty() && !v.is_empty() && v.len() <= 256).then(|| (k.trim().to_owned(), unquote_scalar(v)))
        })
        .take(MAX_VARIABLES)
        .collect()
}

/// `text` with each template that names one of `variables` alone (`{{
/// preview_db_id }}`) written as its value.
fn with_variables(text: &str, variables: &BTreeMap<String, String>) -> String {
    if variables.is_empty() {
        return text.to_owned();
    }
    replace_templates(text, |name| variables.get(name).cloned())
}

/// `text` without its templates (`{{ ... }}`, Jinja's comments and
/// statements): what they evaluate to is not known.
fn without_templates(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(['{']) {
        out.push_str(rest.get(..at).unwrap_or_default());
        let after = rest.get(at..).unwrap_or_default();
        let close = match after.get(..2) {
            Some("{{") => "}}",
            Some("{%") => "%}",
            Some("{#") => "#}",
            _ => {
                out.push('{');
                rest = after.get(1..).unwrap_or_default();
                continue;
            }
        };
        rest = after.find(close).and_then(|end| after.get(end + 2..)).unwrap_or_default();
    }
    out.push_str(rest);
    out
}

/// `script` with each template that names a tool written as the tool
/// (`{{ terraform_bin }} destroy` is `terraform destroy`).
fn tools_in_templates(script: &str) -> String {
    replace_templates(script, |name| {
        let name = name.to_ascii_lowercase();
        let stem = ["_bin", "_binary", "_path", "_cmd", "_exe", "_executable"]
            .iter()
            .find_map(|s| name.strip_suffix(s))
            .unwrap_or(&name);
        known_tool(stem).map(str::to_owned)
    })
}

/// The kinds a cloud module told `state: absent` destroys.
fn resource_kinds(name: &str, parameter: &dyn Fn(&str) -> String) -> Vec<String> {
    let short = name.rsplit('.').next().unwrap_or(name);
    match short {
        "k8s" => {
            let kind = parameter("kind");
            if kind.is_empty() {
                // (A manifest given by `src:` or `definition:`: its kinds
                // are not read; fail closed, as a generic manifest, which
                // counts as holding data.)
                vec!["kubernetes_manifest".to_owned()]
            } else {
                kubernetes_kinds(&kind)
            }
        }
        "helm" => {
            let release = parameter("name");
            let release = if release.is_empty() { parameter("release_name") } else { release };
            vec![format!("helm uninstall {release}").trim_end().to_owned()]
        }
        "terraform" => vec!["terraform destroy".to_owned()],
        "postgresql_db" | "mysql_db" | "postgresql_schema" | "postgresql_table" => vec!["database".to_owned()],
        // (A file or folder removed: only a datastore's files count.)
        "file" | "win_file" => ["path", "dest", "name"]
            .into_iter()
            .map(parameter)
            .find(|p| !p.is_empty())
            .and_then(|p| data_directory_removed(&p))
            .into_iter()
            .collect(),
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
const CLOUD_COLLECTIONS: [&str; 20] = [
    "amazon.aws.",
    "community.aws.",
    "google.cloud.",
    "azure.azcollection.",
    "openstack.cloud.",
    "community.digitalocean.",
    "oracle.oci.",
    "community.okd.",
    "community.docker.",
    "containers.podman.",
    "community.vmware.",
    "vmware.vmware_rest.",
    "community.general.",
    "community.proxmox.",
    "community.libvirt.",
    "hetzner.hcloud.",
    "linode.cloud.",
    "vultr.cloud.",
    "ovirt.ovirt.",
    "cloudscale_ch.cloud.",
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
const MODULE_NOUNS: [&str; 35] = [
    "kubernetes",
    "guest",
    "kvm",
    "lxc",
    "zfs",
    "lvol",
    "lvg",
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
    /// The module that manages files (`file:`, `ansible.builtin.file:`,
    /// `win_file:`), read only as a task's: `state: absent` on a
    /// datastore's files removes them (red team 11). (Not in [`Module::of`],
    /// whose modules also tell a playbook from other YAML, where `file:`
    /// is a common key.)
    fn file(key: &str) -> Option<Module> {
        matches!(key, "file" | "ansible.builtin.file" | "ansible.legacy.file" | "win_file" | "ansible.windows.win_file")
            .then(|| Module::Resource(key.to_owned()))
    }

    fn of(key: &str) -> Option<Module> {
        let short = key.rsplit('.').next().unwrap_or(key);
        let builtin = key == short
            || ["ansible.builtin.", "ansible.legacy.", "ansible.windows.", "community.windows."]
                .iter()
                .any(|c| key.strip_prefix(c) == Some(short));
        let powershell = key == "win_powershell" || key == "ansible.windows.win_powershell";
        if powershell
            || (builtin && matches!(short, "command" | "shell" | "raw" | "script" | "win_shell" | "win_command"))
        {
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
                | "postgresql_schema"
                | "community.postgresql.postgresql_schema"
                | "postgresql_query"
                | "community.postgresql.postgresql_query"
                | "mysql_query"
                | "community.mysql.mysql_query"
                | "postgresql_table"
                | "community.postgresql.postgresql_table"
                | "redis"
                | "community.general.redis"
                | "mongodb_shell"
                | "community.mongodb.mongodb_shell"
        );
        if special {
            return Some(Module::Resource(key.to_owned()));
        }
        // (A container of Docker's or Podman's holds no data of its own:
        // removing one stops a process; its volumes are what count.)
        if matches!(short, "docker_container" | "podman_container" | "docker_image" | "podman_image") {
            return None;
        }
        let cloud = CLOUD_COLLECTIONS.iter().any(|c| key.starts_with(c))
            || (key == short && CLOUD_MODULES.iter().any(|m| short.starts_with(m)));
        let words: Vec<&str> = short.split('_').collect();
        // (Azure's nouns are joined: `postgresqlflexibleserver`.)
        let joined = |w: &str| {
            [
                "server", "database", "account", "cluster", "vault", "cache", "queue", "disk", "registry", "eventhub",
                "instance", "topic",
            ]
            .iter()
            .any(|n| w.ends_with(n))
        };
        let infrastructure = words.iter().any(|w| INFRA_NOUNS.contains(w) || MODULE_NOUNS.contains(w) || joined(w))
            && !words.iter().any(|w| {
                // (A user, a grant or an access entry of a database or
                // bucket is routine: `gcp_sql_user`, `..._access_control`.)
                ROUTINE_NOUNS.contains(w)
                    || matches!(
                        *w,
                        "info"
                            | "facts"
                            | "object"
                            | "user"
                            | "users"
                            | "access"
                            | "control"
                            | "role"
                            | "grant"
                            | "binding"
                            | "member"
                            | "privs"
                    )
            });
        (cloud && infrastructure).then(|| Module::Resource(key.to_owned()))
    }
}
