//! Tasks that people and pipelines run by name: `make destroy`, `npm run
//! teardown`, `just nuke`, `task destroy`. A changed line that calls one
//! is read as a [`TaskCall`] (see [`super::destructive_commands`], which
//! returns it as a kind starting with [`TASK_CALL`]); the facade then reads
//! the task's file after the change and counts what the task runs
//! ([`task_destroys`]). So `make destroy` newly added to a deploy job
//! counts as the `terraform destroy` its recipe runs, though the Makefile
//! did not change.

use std::collections::{BTreeMap, BTreeSet};

use super::commands::{commands_destroy, make_variables};
use super::manifests::{MAX_EMPTIED_TEXT, MAX_TYPE_BYTES, yaml_mapping};
use super::pipelines::substitute;

/// Where a [`TaskCall`] whose file is not known is looked for: any file
/// of the runner's names in the repository (a workspace's package by its
/// name, `yarn workspace infra destroy`, `lerna run destroy`).
pub const ANYWHERE: &str = "**/";

/// The `name` of a `package.json` `text`, if it has one.
pub fn package_name(text: &[u8]) -> Option<String> {
    if text.len() > MAX_EMPTIED_TEXT {
        return None;
    }
    let document: serde_json::Value = serde_json::from_slice(text).ok()?;
    document.get("name")?.as_str().map(str::to_owned)
}

/// The package a [`TaskCall`]'s file names when it is looked for
/// anywhere: `web` for `**/web/` (`npm run clean -w web`), by its folder's
/// or its `package.json`'s name; `None` for every package (`**/`) or a
/// call placed by its file.
pub fn anywhere_package(file: &str) -> Option<&str> {
    file.strip_prefix(ANYWHERE).map(|p| p.trim_end_matches('/')).filter(|p| !p.is_empty())
}

/// The start of a kind that stands for a call of a task, not for what it
/// destroys: `runs task make infra/ destroy` (runner, where its file is,
/// task). [`TaskCall::from_kind`] reads it back.
pub const TASK_CALL: &str = "runs task ";

/// Most tasks followed within one file from the one called (prerequisites,
/// dependencies, tasks a task calls): past it, the call counts by its own
/// name (fail closed).
pub const MAX_TASKS_FOLLOWED: usize = 1024;

/// Most command lines of one file read for one call: past it, the call
/// counts by its own name (fail closed).
pub const MAX_TASK_LINES: usize = 10_000;

/// A program that runs tasks by name from a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum TaskRunner {
    /// `make` (and `gmake`, `$(MAKE)`): a Makefile's targets.
    Make,
    /// `npm`, `yarn`, `pnpm`, `bun`: `package.json`'s `scripts`.
    PackageScript,
    /// `just`: a justfile's recipes.
    Just,
    /// `task` (go-task): a Taskfile's `tasks`.
    Task,
    /// A GitHub Actions step or job that `uses:` a local action
    /// (`./.github/actions/teardown`, its `action.yml`) or a reusable
    /// workflow of the repository (`./.github/workflows/destroy.yml`):
    /// all of it runs.
    Action,
    /// A script run by its path (`./scripts/recreate.sh`, `bash
    /// scripts/teardown.sh`, `python tools/cleanup.py`): all of it runs.
    /// The call's target is the language it is run as (`sh`, `py`, `rb`,
    /// `pl`, `js`, `ps1`, `bat`; `-` for a file without an extension run
    /// directly, read by its `#!` line), then `:` and its first argument
    /// where the call says it (`sh:plan`; `sh:` for none; no `:` where it
    /// is not known), for the branch of a shell `case "$1" in` it takes.
    Script,
    /// Ansible's `include_tasks:` or `import_tasks:`: a file of tasks
    /// named by its path from the including file's folder, all of which
    /// runs (red team 10: a teardown file included by a play's new line
    /// counted nothing). The call's target is `-`.
    AnsibleTasks,
}

impl TaskRunner {
    /// The word a [`TaskCall`]'s kind names the runner by.
    fn word(self) -> &'static str {
        match self {
            Self::Make => "make",
            Self::PackageScript => "package.json",
            Self::Just => "just",
            Self::Task => "task",
            Self::Action => "uses",
            Self::Script => "script",
            Self::AnsibleTasks => "ansible-tasks",
        }
    }

    fn from_word(word: &str) -> Option<Self> {
        [Self::Make, Self::PackageScript, Self::Just, Self::Task, Self::Action, Self::Script, Self::AnsibleTasks]
            .into_iter()
            .find(|r| r.word() == word)
    }

    /// The names the runner looks for in a folder, in its order.
    pub fn file_names(self) -> &'static [&'static str] {
        match self {
            Self::Make => &["GNUmakefile", "makefile", "Makefile"],
            Self::PackageScript => &["package.json"],
            Self::Just => &["justfile", "Justfile", ".justfile"],
            Self::Action => &["action.yml", "action.yaml"],
            // (Named by its path, never looked for by a name.)
            Self::Script | Self::AnsibleTasks => &[],
            Self::Task => &[
                "Taskfile.yml",
                "taskfile.yml",
                "Taskfile.yaml",
                "taskfile.yaml",
                "Taskfile.dist.yml",
                "taskfile.dist.yml",
                "Taskfile.dist.yaml",
                "taskfile.dist.yaml",
            ],
        }
    }
}

/// A task called by name from a changed line.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct TaskCall {
    /// The program that runs it.
    pub runner: TaskRunner,
    /// Where its file is, relative to where the call runs, as the call
    /// names it: a folder ending in `/` (`./`, `infra/`: the runner looks
    /// for [`TaskRunner::file_names`] there), or a file
    /// (`infra/deploy.mk`).
    pub file: String,
    /// The task's name (`destroy`).
    pub target: String,
}

impl TaskCall {
    /// The kind standing for this call (see [`TASK_CALL`]); `None` when it
    /// would not fit in [`MAX_TYPE_BYTES`] or a part holds a space.
    pub fn kind(&self) -> Option<String> {
        let kind = format!("{TASK_CALL}{} {} {}", self.runner.word(), self.file, self.target);
        let clean = |s: &str| !s.is_empty() && !s.contains(char::is_whitespace) && !s.contains(char::is_control);
        (clean(&self.file) && clean(&self.target) && kind.len() <= MAX_TYPE_BYTES).then_some(kind)
    }

    /// The call a kind made by [`TaskCall::kind`] stands for.
    ///
    /// ```
    /// use blastgate_ingest::git::{TaskCall, TaskRunner};
    /// let call = TaskCall::from_kind("runs task make infra/ destroy").unwrap();
    /// assert_eq!((call.runner, call.file.as_str(), call.target.as_str()), (TaskRunner::Make, "infra/", "destroy"));
    /// assert_eq!(call.kind().as_deref(), Some("runs task make infra/ destroy"));
    /// assert!(TaskCall::from_kind("terraform destroy").is_none());
    /// ```
    pub fn from_kind(kind: &str) -> Option<Self> {
        let mut parts = kind.strip_prefix(TASK_CALL)?.split(' ');
        let runner = TaskRunner::from_word(parts.next()?)?;
        let (file, target) = (parts.next()?, parts.next()?);
        if parts.next().is_some() || file.is_empty() || target.is_empty() {
            return None;
        }
        Some(Self { runner, file: file.to_owned(), target: target.to_owned() })
    }

    /// The call run from the folder `dir` (after `cd infra`, or in a CI
    /// step's working folder): a file named from where it runs moves
    /// there; one looked for anywhere, or absolute, stays.
    pub(super) fn run_from(&mut self, dir: &str) {
        if !self.file.starts_with(ANYWHERE) && !self.file.starts_with('/') {
            self.file = format!("{dir}/{}", self.file.trim_start_matches("./"));
        }
    }

    /// The kind the call counts as where its file cannot be read: the
    /// runner and the task (`make destroy`).
    pub fn plain(&self) -> String {
        match self.runner {
            TaskRunner::PackageScript => format!("npm run {}", self.target),
            TaskRunner::Action => format!("uses {}", self.file.trim_end_matches('/')),
            TaskRunner::Script => format!("script {}", self.file),
            TaskRunner::AnsibleTasks => format!("include_tasks {}", self.file),
            runner => format!("{} {}", runner.word(), self.target),
        }
    }
}

/// The tasks a command calls: `words` start with the runner's word
/// (`make`, `gmake`, `$(MAKE)`, `just`, `task`; for package scripts
/// `npm`, `yarn`, `pnpm`, `bun`, `lerna`, `turbo`, `nx`, `run-s`,
/// `run-p`, `npm-run-all`, `concurrently`) and hold its arguments. None
/// for a dry run (`make -n`, `just --dry-run`, `task --dry`), a package
/// manager's own command (`npm install`, `yarn remove`), a task named
/// through a variable or for a short-lived environment, or a run given a
/// setting that names one (`ENV=pr-12`).
pub(super) fn task_calls(runner: TaskRunner, words: &[&str]) -> Vec<TaskCall> {
    let args = words.get(1..).unwrap_or_default();
    let mut folder = String::new();
    let mut file: Option<String> = None;
    let mut targets: Vec<String> = Vec::new();
    let join = |folder: &str, path: &str| {
        if path.starts_with('/') || folder.is_empty() { path.to_owned() } else { format!("{folder}/{path}") }
    };
    // Options that take a value, and which of them name the folder or the
    // file; options that make the run a dry one.
    let (valued, folders, files, dry): (&[&str], &[&str], &[&str], &[&str]) = match runner {
        // (Read by [`local_action`].)
        TaskRunner::Action | TaskRunner::AnsibleTasks => return Vec::new(),
        TaskRunner::Script => return script_call(words).into_iter().collect(),
        TaskRunner::Make => (
            &[
                "-C",
                "--directory",
                "-f",
                "--file",
                "--makefile",
                "-I",
                "--include-dir",
                "-o",
                "--old-file",
                "--assume-old",
                "-W",
                "--what-if",
                "--new-file",
                "--assume-new",
                "-E",
                "--eval",
                "-l",
                "--load-average",
                "--jobserver-style",
                "-O",
                "--output-sync",
            ],
            &["-C", "--directory"],
            &["-f", "--file", "--makefile"],
            &["-n", "--just-print", "--dry-run", "--recon", "-q", "--question", "-p", "--print-data-base"],
        ),
        TaskRunner::Just => (
            &[
                "-f",
                "--justfile",
                "-d",
                "--working-directory",
                "--shell",
                "--shell-arg",
                "--dotenv-path",
                "--dotenv-filename",
                "--color",
                "--command-color",
                "--chooser",
                "--list-heading",
                "--list-prefix",
                "--alias-style",
            ],
            &["-d", "--working-directory"],
            &["-f", "--justfile"],
            &["-n", "--dry-run", "-l", "--list", "--show", "-s", "--summary", "--evaluate", "--dump", "--fmt"],
        ),
        TaskRunner::Task => (
            &["-d", "--dir", "-t", "--taskfile", "-o", "--output", "--output-group-begin", "--output-group-end"],
            &["-d", "--dir"],
            &["-t", "--taskfile"],
            &["-n", "--dry", "-l", "--list", "-a", "--list-all", "--summary", "-i", "--init", "--status"],
        ),
        TaskRunner::PackageScript => (
            &["--prefix", "--cwd", "-C", "--dir", "--filter", "-F", "-w", "--workspace"],
            &["--prefix", "--cwd", "-C", "--dir"],
            &[],
            &["--dry-run"],
        ),
    };
    // Package managers' own commands (not scripts), and the runners that
    // run scripts of every package or of one named (`lerna run`).
    let manager = words.first().map_or("", |w| super::tool_name(w));
    let builtin = |w: &str| {
        matches!(
            w,
            "exec"
                | "x"
                | "dlx"
                | "create"
                | "add"
                | "install"
                | "i"
                | "ci"
                | "remove"
                | "rm"
                | "uninstall"
                | "un"
                | "upgrade"
                | "up"
                | "update"
                | "init"
                | "info"
                | "why"
                | "link"
                | "unlink"
                | "pack"
                | "publish"
                | "login"
                | "logout"
                | "cache"
                | "config"
                | "global"
                | "import"
                | "list"
                | "ls"
                | "outdated"
                | "set"
                | "version"
                | "audit"
                | "dedupe"
                | "patch"
                | "plugin"
                | "rebuild"
                | "node"
                | "npm"
                | "constraints"
                | "store"
                | "prune"
                | "fetch"
                | "env"
                | "bin"
                | "root"
                | "help"
                | "pm"
        ) || (manager == "bun" && matches!(w, "build" | "test" | "upgrade"))
    };
    // (`yarn workspace infra destroy`, `npm run destroy -w infra`, `pnpm
    // --filter infra destroy`, `lerna run destroy`: a package found by
    // its name, looked for anywhere.)
    let mut anywhere = matches!(manager, "lerna" | "turbo" | "nx");
    // The package a workspace option names (`-w web`), if one does.
    let mut selector: Option<String> = None;
    let mut i = 0;
    let mut script_command: Option<&str> = None;
    while let Some(&arg) = args.get(i) {
        i += 1;
        if arg == "--" {
            break;
        }
        if let Some(option) = arg.strip_prefix('-').map(|_| arg) {
            // `--file=x`, `-Cdir`, `-C dir`.
            let (name, value) = match option.split_once('=') {
                Some((n, v)) if n.starts_with("--") => (n, Some(v.to_owned())),
                _ => match valued.iter().find(|v| v.len() == 2 && option.len() > 2 && option.starts_with(**v)) {
                    Some(short) if !option.starts_with("--") => (*short, option.get(2..).map(str::to_owned)),
                    _ => (option, None),
                },
            };
            if dry.contains(&name) {
                return Vec::new();
            }
            // (`make -j 4`: the job count, when given apart.)
            if matches!(name, "-j" | "--jobs") && value.is_none() {
                if args.get(i).is_some_and(|v| v.chars().all(|c| c.is_ascii_digit())) {
                    i += 1;
                }
                continue;
            }
            if runner == TaskRunner::PackageScript
                && matches!(
                    name,
                    "--filter"
                        | "-F"
                        | "-w"
                        | "--workspace"
                        | "-r"
                        | "--recursive"
                        | "--workspaces"
                        | "-ws"
                        | "-t"
                        | "--target"
                        | "--targets"
                        | "--scope"
                        | "--projects"
                        | "-p"
                )
            {
                anywhere = true;
                // (The value names the package, or the target: `nx
                // run-many -t destroy`.)
                if matches!(name, "-t" | "--target" | "--targets") {
                    let value = value.or_else(|| args.get(i).map(|v| (*v).to_owned()));
                    targets.extend(value.iter().flat_map(|v| v.split(',')).map(str::to_owned));
                    break;
                }
                let whole = matches!(name, "-r" | "--recursive" | "--workspaces" | "-ws");
                let value = if whole {
                    None
                } else if value.is_some() {
                    value
                } else {
                    i += 1;
                    args.get(i - 1).map(|v| (*v).to_owned())
                };
                // (`--filter ./packages/web`, `--filter web...`: its
                // folder's or package's name.)
                if selector.is_none()
                    && let Some(v) = value
                {
                    let v = v.trim_matches('.').trim_end_matches('/');
                    let v = if v.starts_with('@') { v } else { v.rsplit('/').next().unwrap_or(v) };
                    selector = Some(v.to_owned()).filter(|v| !v.is_empty());
                }
                continue;
            }
            if !valued.contains(&name) {
                continue;
            }
            let value = match value {
                Some(v) => v,
                None => {
                    let Some(v) = args.get(i) else { break };
                    i += 1;
                    (*v).to_owned()
                }
            };
            if folders.contains(&name) {
                folder = join(&folder, super::workspace_relative(&value).trim_end_matches('/'));
            } else if files.contains(&name) {
                file = Some(value);
            }
            continue;
        }
        // A variable set for the run (`make destroy ENV=prod`).
        if arg.contains('=') {
            continue;
        }
        // Script runners: every script named (`run-s build destroy:*`,
        // `concurrently "npm:destroy-stack"`).
        if matches!(manager, "run-s" | "run-p" | "npm-run-all") {
            targets.push(arg.to_owned());
            continue;
        }
        if manager == "concurrently" {
            let script = ["npm:", "yarn:", "pnpm:", "bun:"].iter().find_map(|p| arg.strip_prefix(p));
            targets.extend(script.map(str::to_owned));
            continue;
        }
        if runner == TaskRunner::PackageScript {
            match script_command {
                None => {
                    script_command = Some(arg);
                    // (`npm start`, `npm test`: scripts by those names.)
                    let named = match (manager, arg) {
                        (_, "run" | "run-script" | "rum" | "urn" | "run-many") => continue,
                        ("yarn", "workspace") => {
                            anywhere = true;
                            // (The next word is the package.)
                            selector = args.get(i).map(|v| (*v).to_owned());
                            i += 1;
                            script_command = None;
                            continue;
                        }
                        ("npm", "start" | "test" | "t" | "tst" | "stop" | "restart") => arg,
                        ("npm", _) => return Vec::new(),
                        // (`nx run infra:destroy`, `nx destroy infra`.)
                        ("nx", target) => target.rsplit(':').next().unwrap_or(target),
                        // (pnpm's own `deploy`.)
                        ("pnpm", "deploy") => return Vec::new(),
                        (_, word) if builtin(word) => return Vec::new(),
                        (_, name) => name,
                    };
                    let named = if named == "t" || named == "tst" { "test" } else { named };
                    targets.push(named.to_owned());
                    // (Words after the script are its arguments; options
                    // may still pick the package, `-w infra`.)
                    script_command = Some("");
                    continue;
                }
                Some("") => continue,
                Some(_) => {
                    if manager == "nx"
                        && let Some((project, _)) = arg.split_once(':')
                    {
                        selector = Some(project.to_owned());
                    }
                    let named = if manager == "nx" { arg.rsplit(':').next().unwrap_or(arg) } else { arg };
                    targets.push(named.to_owned());
                    script_command = Some("");
                    continue;
                }
            }
        }
        targets.push(arg.to_owned());
        // `just` passes the words after a recipe to it as arguments.
        if runner == TaskRunner::Just {
            break;
        }
    }
    // A variable set for the run that names a short-lived environment
    // (`make destroy ENV=pr-12`) makes it one; a task named for one
    // (`make destroy-preview`, `run-s test destroy:*`) is that one's.
    let assigned = args.iter().filter_map(|a| a.split_once('=')).filter(|(n, _)| !n.starts_with('-'));
    targets.retain(|t| !super::short_lived(t));
    if assigned.map(|(_, v)| v).any(super::short_lived) {
        return Vec::new();
    }
    let folder_path = |f: &str| {
        if anywhere {
            // (`**/web/`: the package `web`, by its folder or its name.)
            match &selector {
                Some(name) if !name.contains(char::is_whitespace) && !name.contains('$') => {
                    format!("{ANYWHERE}{name}/")
                }
                _ => ANYWHERE.to_owned(),
            }
        } else if f.is_empty() {
            "./".to_owned()
        } else {
            format!("{f}/")
        }
    };
    targets
        .into_iter()
        .filter(|t| !t.contains('$') && !t.contains("{{") && !t.starts_with('.'))
        .map(|target| {
            // `just infra/destroy`: the justfile in `infra`.
            let (at, target) = match (runner, target.rsplit_once('/')) {
                (TaskRunner::Just, Some((dir, name))) if file.is_none() => (join(&folder, dir), name.to_owned()),
                _ => (folder.clone(), target),
            };
            let file = match &file {
                Some(f) => join(&at, f),
                None => folder_path(&at),
            };
            TaskCall { runner, file, target }
        })
        .filter(|c| !c.file.contains('$'))
        .collect()
}

/// Programs that run a script named by its path, and the language they
/// read it as (a [`TaskRunner::Script`] call's target).
const INTERPRETERS: [(&str, &str); 20] = [
    ("bash", "sh"),
    ("sh", "sh"),
    ("zsh", "sh"),
    ("ksh", "sh"),
    ("dash", "sh"),
    ("source", "sh"),
    (".", "sh"),
    ("python", "py"),
    ("python3", "py"),
    ("python2", "py"),
    ("node", "js"),
    ("ts-node", "js"),
    ("tsx", "js"),
    ("ruby", "rb"),
    ("perl", "pl"),
    ("pwsh", "ps1"),
    ("powershell", "ps1"),
    ("cmd", "bat"),
    ("bun", "js"),
    ("deno", "js"),
];

/// The language `word` runs a script named after it as, if it is an
/// interpreter of [`INTERPRETERS`] (by its name: `/usr/bin/env bash`'s
/// `bash`, `python3.12` as `python3`).
pub(super) fn interpreter(word: &str) -> Option<&'static str> {
    // (A Makefile recipe's `@`, `-` and `+`.)
    let word = if word == "." { word } else { word.trim_start_matches(['@', '-', '+']) };
    let name = word.rsplit('/').next().unwrap_or(word);
    let name = name.trim_end_matches(|c: char| c.is_ascii_digit() || c == '.');
    let name = if name == "python" && word.ends_with(|c: char| c.is_ascii_digit()) { "python3" } else { name };
    INTERPRETERS.iter().find(|(n, _)| *n == name || (word == "." && *n == ".")).map(|(_, l)| *l)
}

/// The language a script's file name says it is in (`sh`, `py`, ...;
/// `-` for a name without an extension), or `None` for a file that is
/// not a script (`./gradlew` has none and is one; `./app.jar` is not).
fn script_language(name: &str) -> Option<&'static str> {
    let name = name.rsplit('/').next().unwrap_or(name);
    match name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()) {
        None => Some("-"),
        Some(e) => match e.as_str() {
            "sh" | "bash" | "zsh" | "ksh" => Some("sh"),
            "py" => Some("py"),
            "rb" => Some("rb"),
            "pl" => Some("pl"),
            "js" | "mjs" | "cjs" | "ts" | "mts" | "cts" => Some("js"),
            "ps1" => Some("ps1"),
            "bat" | "cmd" => Some("bat"),
            _ => None,
        },
    }
}

/// A script's path as a call writes it, made relative to the repository's
/// top or to the calling script's folder: a Makefile recipe's `@`, `-` or
/// `+` taken off; the CI system's name for the checkout (`$GITHUB_WORKSPACE/`,
/// `${{ github.workspace }}/`, `$CI_PROJECT_DIR/`) read as the top; a
/// variable named for the calling script's folder or the repository's top
/// (`"$SCRIPT_DIR/reset-db.sh"`, `$HERE/`, `$ROOT_DIR/`, `${REPO_ROOT}/`)
/// taken off, the rest looked for from both; Windows' `\` read as `/`.
fn script_path(word: &str) -> String {
    let word = word.trim_start_matches(['@', '+']).trim_matches(['"', '\'']);
    let word = word.strip_prefix('-').filter(|w| w.starts_with(['.', '/']) || w.contains('/')).unwrap_or(word);
    let word = super::workspace_relative(word);
    let word = if word.contains('\\') && !word.contains('/') { word.replace('\\', "/") } else { word.to_owned() };
    if let Some((variable, rest)) = word.strip_prefix('$').and_then(|w| w.split_once('/')) {
        let name = variable.trim_start_matches('{').trim_end_matches('}').to_ascii_uppercase();
        let folder = ["DIR", "ROOT", "HERE", "PATH", "BASE", "BASEDIR", "TOP", "HOME"];
        let own = folder.iter().any(|f| name == *f || name.ends_with(&format!("_{f}")) || name.ends_with(f));
        if own && !name.starts_with("TMP") && !name.starts_with("TEMP") && name != "HOME" {
            return rest.to_owned();
        }
    }
    word
}

/// Whether `word` names a file of the repository by a relative path (not
/// an option, a variable, an absolute path or a URL).
fn relative_path(word: &str) -> bool {
    !word.is_empty()
        && !word.starts_with(['-', '/', '~', '$', '%'])
        && !word.contains(['$', '`', '*', '?', '='])
        && !word.contains("://")
        && !word.split('/').any(|s| s.is_empty() && word != "/")
        && word != "."
        && word != ".."
}

/// The script a command runs by its path: `words` start with the path
/// (`./scripts/recreate.sh`, `bin/teardown`: a path with a folder) or
/// with an interpreter and its options before the path (`bash -e
/// scripts/teardown.sh`, `python3 tools/cleanup.py`; not inline code,
/// `bash -c`, `python -m`, `node -e`). `None` when the script, by its
/// file name, or an argument it is given names a short-lived
/// environment (`./scripts/teardown-preview.sh`, `./teardown.sh
/// pr-12`), or when it is not a script of a language read.
pub(super) fn script_call(words: &[&str]) -> Option<TaskCall> {
    let first = *words.first()?;
    if matches!(super::tool_name(first), "mongosh" | "mongo") {
        return mongo_script_call(words);
    }
    // The file of a module run by its name (`python -m scripts.cleanup`).
    let mut module_file: Option<String> = None;
    let (at, language) = match interpreter(first) {
        Some(language) => {
            let mut at = 1;
            // (`bun run x.ts`, `deno run -A x.ts`.)
            if matches!(first.rsplit('/').next(), Some("bun" | "deno")) && words.get(1) == Some(&"run") {
                at = 2;
            }
            loop {
                let word = *words.get(at)?;
                if !word.starts_with('-') {
                    break;
                }
                let lower = word.to_ascii_lowercase();
                // A module of the repository (`python -m scripts.cleanup`:
                // `scripts/cleanup.py`; `python -m pytest` names no file
                // the repository holds, and reads as nothing); PowerShell's
                // `-Command ./x.ps1`, a script named as its command.
                let next = words.get(at + 1).copied().unwrap_or_default();
                if language == "py" && lower == "-m" {
                    let module = next.trim_matches(['"', '\'']);
                    let dotted = module.contains('.')
                        && module
                            .split('.')
                            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'));
                    if !dotted {
                        return None;
                    }
                    module_file = Some(format!("{}.py", module.replace('.', "/")));
                    at += 1;
                    break;
                }
                if language == "ps1"
                    && matches!(lower.as_str(), "-command" | "-c")
                    && next.to_ascii_lowercase().ends_with(".ps1")
                {
                    at += 1;
                    break;
                }
                // Inline code or a module, not a file; or a syntax check
                // (`bash -n`, `node --check`), which runs nothing.
                if matches!(
                    lower.as_str(),
                    "-c" | "-m"
                        | "-e"
                        | "-p"
                        | "--eval"
                        | "--print"
                        | "-command"
                        | "/c"
                        | "-encodedcommand"
                        | "--check"
                ) || (language == "sh" && !lower.starts_with("--") && lower.contains('n'))
                {
                    return None;
                }
                // Options that take a value (`bash -euo pipefail`, `python
                // -W ignore`, `node -r dotenv/config`, `pwsh
                // -ExecutionPolicy Bypass`).
                let valued = (language == "sh" && word.len() > 1 && word.ends_with('o') && !word.starts_with("--"))
                    || matches!(
                        word,
                        "-W" | "-X" | "-r" | "--require" | "--import" | "--loader" | "-ExecutionPolicy" | "-I"
                    );
                at += if valued { 2 } else { 1 };
            }
            let path = words.get(at)?;
            // (`python manage.py ...` is Django's, read as such.)
            if path.rsplit('/').next() == Some("manage.py") {
                return None;
            }
            (at, script_language(path).filter(|l| *l != "-" && module_file.is_none()).unwrap_or(language))
        }
        None if first.contains(['/', '\\']) => (0, script_language(&script_path(first))?),
        None => return None,
    };
    let path = match module_file {
        Some(file) => file,
        None => script_path(words.get(at)?),
    };
    if !relative_path(&path) || path.ends_with('/') {
        return None;
    }
    let name = path.rsplit('/').next().unwrap_or(&path);
    let args = words.get(at + 1..).unwrap_or_default();
    let named = args.iter().map(|a| a.rsplit_once('=').map_or(*a, |(_, v)| v));
    // (Its help, or its own dry run, runs nothing.)
    let inert = args.iter().any(|a| matches!(*a, "--help" | "-h" | "-help") || a.starts_with("--dry-run"));
    if inert
        || super::short_lived(name.rsplit_once('.').map_or(name, |(stem, _)| stem))
        || named.clone().filter(|a| !a.starts_with('-')).any(super::short_lived)
    {
        return None;
    }
    let file = path.trim_start_matches("./").to_owned();
    // Its first argument, for the branch of a `case "$1" in` it takes
    // (`./scripts/tf.sh plan`): `sh:plan`; `sh:` for none; `sh` for one
    // not known (a variable: every branch may run).
    let first_argument = args.iter().find(|a| !a.starts_with('-'));
    let target = match first_argument {
        None if args.is_empty() => format!("{language}:"),
        Some(a)
            if a.len() <= 64 && a.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | ':')) =>
        {
            format!("{language}:{a}")
        }
        _ => language.to_owned(),
    };
    Some(TaskCall { runner: TaskRunner::Script, file, target })
}

/// The script file the MongoDB shell runs (`mongosh URI --file
/// scripts/drop.js`, `-f FILE`, `--file=FILE`, or a `.js` file named
/// among its arguments, as the shell runs each): a [`TaskRunner::Script`]
/// call whose target is `mongo`, read by [`script_destroys`] as the
/// shell's script (red team 13: `db.dropDatabase()` moved into a file
/// the shell runs counted nothing). `None` when the call names no such
/// file or a short-lived environment (`mongodb://orders-db.preview/`).
fn mongo_script_call(words: &[&str]) -> Option<TaskCall> {
    let args = words.get(1..).unwrap_or_default();
    if args.iter().any(|a| super::short_lived(a)) {
        return None;
    }
    let mut file = None;
    let mut at = 0;
    while let Some(word) = args.get(at) {
        if let Some(path) = word.strip_prefix("--file=") {
            file = Some(path);
        } else if matches!(*word, "--file" | "-f") {
            file = args.get(at + 1).copied();
            at += 1;
        } else if !word.starts_with('-') && word.to_ascii_lowercase().ends_with(".js") && !word.contains("://") {
            file = Some(word);
        }
        if file.is_some() {
            break;
        }
        at += 1;
    }
    let path = script_path(file?);
    if !relative_path(&path) {
        return None;
    }
    Some(TaskCall {
        runner: TaskRunner::Script,
        file: path.trim_start_matches("./").to_owned(),
        target: "mongo".to_owned(),
    })
}

/// The SQL script file a SQL client runs, from the command's words from
/// the client on (`tail`, redirections kept): its standard input (`<
/// FILE`, a file named `.sql`, `.cql`, `.psql`, `.pgsql`, `.ddl` or
/// `.dml`), or its own option (`-f`, `--file`, `--filename` for `psql`,
/// `pgcli`, `snowsql`, `cqlsh`, `duckdb`; `-i` for `sqlcmd`;
/// `--queries-file` for ClickHouse's client; `--file=FILE`). A
/// [`TaskRunner::Script`] call whose target is `sql`, read by
/// [`script_destroys`] statement by statement as the client's own command
/// line is (red team 29). `None` for a
/// here-document or here-string (`<<`), a path outside the repository or
/// none.
pub(super) fn sql_script_call(tool: &str, tail: &str) -> Option<TaskCall> {
    let words: Vec<&str> = tail.split_whitespace().collect();
    let option = |w: &str| match tool {
        "psql" | "pgcli" | "snowsql" | "cqlsh" | "duckdb" => matches!(w, "-f" | "--file" | "--filename"),
        "sqlcmd" => w == "-i",
        "clickhouse-client" | "clickhouse" => w == "--queries-file",
        _ => false,
    };
    // (Standard input from a file of SQL, by its extension: the quotes
    // are gone from `tail`, so `WHERE expires_at < now()` is no
    // redirection.)
    let sql_file = |f: &str| {
        let lower = f.to_ascii_lowercase();
        [".sql", ".cql", ".psql", ".pgsql", ".ddl", ".dml"].iter().any(|e| lower.ends_with(e))
    };
    let mut file = None;
    for (i, w) in words.iter().enumerate().skip(1) {
        let next = words.get(i + 1).copied();
        file = if option(w) {
            next
        } else if *w == "<" {
            next.filter(|f| sql_file(f))
        } else if let Some(rest) = w.strip_prefix('<').filter(|r| !r.starts_with('<') && sql_file(r)) {
            Some(rest)
        } else {
            ["--file=", "--filename=", "--queries-file="].iter().find_map(|p| w.strip_prefix(p))
        };
        if file.is_some() {
            break;
        }
    }
    let path = script_path(file?);
    if !relative_path(&path) || path.ends_with('/') {
        return None;
    }
    Some(TaskCall {
        runner: TaskRunner::Script,
        file: path.trim_start_matches("./").to_owned(),
        target: "sql".to_owned(),
    })
}

/// The manifest files the arguments of a `kubectl delete` (or `oc
/// delete`) command name one by one (`-f k8s/pvc.yaml`, `--filename=x.yml`, a
/// `.yaml`, `.yml` or `.json` file in the repository, without `-R`): each
/// a call the facade follows ([`TaskRunner::Script`], target
/// `kubectl-delete`), reading what the file declares as `kubectl delete
/// KIND` counts its kinds. A folder, a URL or standard input is not a
/// call (a folder counts by its words).
pub(super) fn manifest_delete_calls(args: &[&str]) -> Vec<TaskCall> {
    let mut calls = Vec::new();
    if args.iter().any(|a| matches!(*a, "-R" | "--recursive" | "--recursive=true")) {
        return calls;
    }
    for (i, a) in args.iter().enumerate() {
        let value = match a.split_once('=') {
            Some(("-f" | "--filename", value)) => Some(value),
            _ if matches!(*a, "-f" | "--filename") => args.get(i + 1).copied(),
            _ => None,
        };
        let Some(value) = value.map(|v| v.trim_matches(['"', '\''])) else { continue };
        let lower = value.to_ascii_lowercase();
        let file = [".yaml", ".yml", ".json"].iter().any(|e| lower.ends_with(e));
        let path = script_path(value);
        if file && !lower.contains("://") && relative_path(&path) && !path.ends_with('/') {
            calls.push(TaskCall {
                runner: TaskRunner::Script,
                file: path.trim_start_matches("./").to_owned(),
                target: "kubectl-delete".to_owned(),
            });
        }
    }
    calls
}

/// What running the script at `path` (relative to the repository's top),
/// whose text is `text`, as `language` (a [`TaskRunner::Script`] call's
/// target: the language, and the first argument that picks a shell
/// `case "$1"` branch) destroys: each of its lines read as
/// [`super::destructive_commands`] reads a script's added lines (a
/// program of another language through [`super::ProgramReader`]), tasks
/// and scripts it runs by name as kinds of [`TASK_CALL`]. A binary file
/// (a NUL byte) is a program, not a script: it destroys nothing read.
/// `None` when the text is over [`MAX_EMPTIED_TEXT`] or [`MAX_TASK_LINES`]
/// lines: the caller counts the call itself.
///
/// ```
/// use blastgate_ingest::git::script_destroys;
/// let script = b"#!/usr/bin/env bash\nset -euo pipefail\nterraform -chdir=infra destroy -auto-approve\n./scripts/deploy.sh\n";
/// assert_eq!(script_destroys("scripts/recreate.sh", "sh:", script).unwrap(), ["runs task script scripts/deploy.sh sh:", "terraform destroy"]);
/// // A wrapper run with `plan` runs its `plan)` branch only.
/// let wrapper = b"#!/bin/sh\ncase \"$1\" in\n  plan) terraform plan ;;\n  destroy)\n    terraform destroy -auto-approve\n    ;;\nesac\n";
/// assert!(script_destroys("scripts/tf.sh", "sh:plan", wrapper).unwrap().is_empty());
/// assert_eq!(script_destroys("scripts/tf.sh", "sh:destroy", wrapper).unwrap(), ["terraform destroy"]);
/// assert_eq!(script_destroys("scripts/tf.sh", "sh", wrapper).unwrap(), ["terraform destroy"]);
/// let python = b"import subprocess\nsubprocess.run([\"helm\", \"uninstall\", \"orders-db\"], check=True)\n";
/// assert_eq!(script_destroys("tools/cleanup", "py", python).unwrap(), ["helm uninstall orders-db"]);
/// ```
pub fn script_destroys(path: &str, language: &str, text: &[u8]) -> Option<Vec<String>> {
    if text.len() > MAX_EMPTIED_TEXT {
        return None;
    }
    if text.contains(&0) {
        return Some(Vec::new());
    }
    let text = String::from_utf8_lossy(text);
    if text.lines().count() > MAX_TASK_LINES {
        return None;
    }
    // (A script the MongoDB shell runs, read as its `--eval` is.)
    if language == "mongo" {
        return Some(super::mongo_script_destroys(&text));
    }
    // (A manifest `kubectl delete -f` names: the kinds it declares, as
    // `kubectl delete KIND` counts them; a Job's, run again, none.)
    if language == "kubectl-delete" {
        let mut kinds: Vec<String> = super::manifests::declared_types(text.as_bytes())
            .iter()
            .flat_map(|kind| super::commands::kubernetes_kinds(kind))
            .collect();
        kinds.sort_unstable();
        kinds.dedup();
        return Some(kinds);
    }
    // (A SQL script a client runs, read as the client's own command line
    // is: a table dropped or emptied.)
    if language == "sql" {
        let destroys = super::commands::sql_script_empties(&text);
        return Some(if destroys { vec!["database".to_owned()] } else { Vec::new() });
    }
    // (The language it runs as, and the first argument it is given.)
    let (language, argument) = match language.split_once(':') {
        Some((l, a)) => (l, Some(a)),
        None => (language, None),
    };
    let text = match argument {
        Some(argument)
            if language == "sh" || (language == "-" && (!text.starts_with("#!") || shell_shebang(&text))) =>
        {
            std::borrow::Cow::Owned(case_branches_taken(&text, argument))
        }
        _ => text,
    };
    // Its lines as a patch that adds them all to a file whose name says
    // its language and keeps its own words (`scripts/` makes a program of
    // another language a script wherever it is kept).
    let file = format!("scripts/{}", named_for(path.trim_start_matches("./"), language, &text));
    let found = super::destructive_commands(as_patch(&file, "", &text).as_bytes(), |_| true);
    Some(found.into_values().flatten().collect())
}

/// Whether a script's `#!` line names a shell.
fn shell_shebang(text: &str) -> bool {
    let first = text.lines().next().unwrap_or_default();
    first.starts_with("#!") && first.split([' ', '/']).any(|w| matches!(w, "sh" | "bash" | "zsh" | "ksh" | "dash"))
}

/// A shell script's `text` with the branches of its `case "$1" in` blocks
/// that `argument` (the script's first argument; empty for none) does
/// not take blanked: a wrapper run as `./tf.sh plan` runs its `plan)`
/// branch, not its `destroy)` one. The first branch whose pattern
/// matches is taken (`*` and `?` match as the shell's do; `a|b` either);
/// a `case` on anything else is left whole, as are blocks nested in a
/// taken branch.
fn case_branches_taken(text: &str, argument: &str) -> String {
    let mut out = String::with_capacity(text.len());
    // Inside a `case "$1"` block: whether a branch was taken, and whether
    // the lines now are in the taken one.
    let mut block: Option<(bool, bool)> = None;
    for line in text.lines() {
        let t = line.trim();
        let words: Vec<&str> = t.split_whitespace().collect();
        match block {
            None => {
                let on_first = matches!(words.as_slice(), ["case", subject, "in", ..] if {
                    let s = subject.trim_matches('"');
                    matches!(s, "$1" | "${1}" | "${1:-}" | "${1-}") || s.starts_with("${1:-")
                });
                if on_first {
                    block = Some((false, false));
                }
                out.push_str(line);
            }
            Some((taken, inside)) => {
                if words.first() == Some(&"esac") {
                    block = None;
                    out.push_str(line);
                } else if let Some((patterns, rest)) = t.split_once(')').filter(|(p, _)| !inside && !p.contains(' ')) {
                    // A branch's head (`plan)`, `destroy|nuke)`, `*)`).
                    let matches = patterns
                        .trim_start_matches('(')
                        .split('|')
                        .any(|p| glob_matches(p.trim_matches(['"', '\'']), argument));
                    let now = !taken && matches;
                    let ends = rest.trim_end().ends_with(";;");
                    block = Some((taken || now, now && !ends));
                    if now {
                        out.push_str(rest);
                    }
                } else {
                    if inside {
                        out.push_str(line);
                    }
                    let ends = t.ends_with(";;") || t == ";;";
                    if ends {
                        block = Some((taken, false));
                    }
                }
            }
        }
        out.push('\n');
    }
    out
}

/// Whether a shell pattern (`*`, `?` and literal characters) matches
/// `text` whole; iterative, with one step back to the last `*`.
fn glob_matches(pattern: &str, text: &str) -> bool {
    let (p, t): (Vec<char>, Vec<char>) = (pattern.chars().collect(), text.chars().collect());
    let (mut i, mut j) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while j < t.len() {
        match p.get(i) {
            Some('*') => {
                star = Some((i, j));
                i += 1;
            }
            Some(c) if *c == '?' || Some(c) == t.get(j) => {
                i += 1;
                j += 1;
            }
            _ => match star {
                Some((si, sj)) => {
                    i = si + 1;
                    j = sj + 1;
                    star = Some((si, sj + 1));
                }
                None => return false,
            },
        }
    }
    p.get(i..).unwrap_or_default().iter().all(|c| *c == '*')
}

/// `path` with an extension that says the language it is run as, if its
/// own does not: `language` a [`TaskRunner::Script`] target, or `-` for
/// the one its `#!` line names (a shell script without one).
fn named_for(path: &str, language: &str, text: &str) -> String {
    let shebang = text.lines().next().filter(|l| l.starts_with("#!")).unwrap_or_default();
    let language = match language {
        "-" => {
            let words: Vec<&str> = shebang.trim_start_matches("#!").split_whitespace().collect();
            words.iter().rev().find_map(|w| interpreter(w)).unwrap_or("sh")
        }
        l => l,
    };
    let extension = match language {
        "sh" | "py" | "rb" | "pl" | "js" | "ps1" | "bat" => language,
        _ => "sh",
    };
    let named =
        script_language(path) == Some(extension) || (extension == "bat" && path.to_ascii_lowercase().ends_with(".cmd"));
    if named { path.to_owned() } else { format!("{path}.{extension}") }
}

/// A patch of the file `path` that removes the lines of `before` and adds
/// those of `after`.
fn as_patch(path: &str, before: &str, after: &str) -> String {
    let mut patch = format!("diff --git a/{path} b/{path}\n--- a/{path}\n+++ b/{path}\n@@ -1 +1 @@\n");
    patch.reserve(before.len() + after.len() + before.lines().count() + after.lines().count());
    for (sign, text) in [('-', before), ('+', after)] {
        for line in text.lines() {
            patch.push(sign);
            patch.push_str(line.trim_end_matches('\r'));
            patch.push('\n');
        }
    }
    patch
}

/// What a change to a script of another language (a file
/// [`super::program_language`] reads) newly runs: each side read whole
/// (`before` and `after`; empty for a side that is not a file) as
/// [`super::destructive_commands`] reads a change that takes out every line
/// of one and adds every line of the other, so a word edited inside a
/// call over several lines, or a literal a call reads from a line the
/// change did not touch (`ACTION = "createdb"` made `"dropdb"`), counts,
/// and a string or comment is known from where it opens. A file without
/// an extension is read by its `#!` line. `None` when a side is over
/// [`MAX_EMPTIED_TEXT`] or [`MAX_TASK_LINES`] lines (the caller reads the
/// lines the change adds instead); empty for a binary file.
///
/// ```
/// use blastgate_ingest::git::program_change_destroys;
/// let before = b"subprocess.run(\n    [\n        \"terraform\",\n        \"plan\",\n    ],\n    cwd=\"infra\",\n)\n";
/// let after = b"subprocess.run(\n    [\n        \"terraform\",\n        \"destroy\",\n    ],\n    cwd=\"infra\",\n)\n";
/// assert_eq!(program_change_destroys("scripts/tf.py", before, after).unwrap(), ["terraform destroy"]);
/// assert!(program_change_destroys("scripts/tf.py", after, after).unwrap().is_empty());
/// ```
pub fn program_change_destroys(path: &str, before: &[u8], after: &[u8]) -> Option<Vec<String>> {
    if before.len().max(after.len()) > MAX_EMPTIED_TEXT {
        return None;
    }
    if before.contains(&0) || after.contains(&0) {
        return Some(Vec::new());
    }
    let (before, after) = (String::from_utf8_lossy(before), String::from_utf8_lossy(after));
    if before.lines().count().max(after.lines().count()) > MAX_TASK_LINES {
        return None;
    }
    let file = match super::program_language(path) {
        Some(super::Language::Unknown) => named_for(path, "-", &after),
        _ => path.to_owned(),
    };
    let found = super::destructive_commands(as_patch(&file, &before, &after).as_bytes(), |_| true);
    Some(found.into_values().flatten().collect())
}

/// The local action or reusable workflow a line `uses:` (`- uses:
/// ./.github/actions/teardown`, `uses: ./.github/workflows/destroy.yml`),
/// relative to the top of the repository as GitHub reads it; `None` for
/// any other line, an action of another repository, or one named
/// through an expression.
pub(super) fn local_action(line: &str) -> Option<TaskCall> {
    let t = line.trim_start().trim_start_matches("- ").trim_start();
    let value = t.strip_prefix("uses:")?.split(" #").next()?.trim().trim_matches(['"', '\'']);
    let path = value.strip_prefix("./")?.trim_end_matches('/');
    if path.is_empty() || path.contains("${{") || path.contains(char::is_whitespace) {
        return None;
    }
    let workflow = path.ends_with(".yml") || path.ends_with(".yaml");
    let file = if workflow { path.to_owned() } else { format!("{path}/") };
    Some(TaskCall { runner: TaskRunner::Action, file, target: "-".to_owned() })
}

/// What running the task `target` of `text` (a file of `runner`)
/// destroys, read as [`super::destructive_commands`] reads a script's
/// lines (a framework's database reset is not read, as in any task file):
/// the commands of the task and of those it needs (a Makefile target's
/// prerequisites, a justfile recipe's dependencies, a Taskfile task's
/// `deps` and `task:` commands, a script's `pre` and `post` scripts), at
/// most [`MAX_TASKS_FOLLOWED`] tasks and [`MAX_TASK_LINES`] lines. Tasks
/// its commands call (`$(MAKE) -C infra destroy`, `npm run nuke`) are
/// kinds of [`TASK_CALL`], relative to the file's folder. Empty when the
/// file has no such task. `None` when the text cannot be read (over
/// [`MAX_EMPTIED_TEXT`], a NUL byte, not valid JSON or YAML where it must
/// be) or a bound is passed: the caller counts the call itself.
///
/// ```
/// use blastgate_ingest::git::{TaskRunner, task_destroys};
/// let makefile = b"TF ?= terraform\n\n.PHONY: nuke destroy\nnuke: destroy\n\t@echo gone\n\ndestroy:\n\tcd infra && $(TF) destroy -auto-approve\n";
/// assert_eq!(task_destroys(TaskRunner::Make, makefile, "nuke").unwrap(), ["terraform destroy"]);
/// assert!(task_destroys(TaskRunner::Make, makefile, "plan").unwrap().is_empty());
/// let package = br#"{"scripts": {"teardown": "cdk destroy --force", "build": "tsc"}}"#;
/// assert_eq!(task_destroys(TaskRunner::PackageScript, package, "teardown").unwrap(), ["cdk destroy"]);
/// ```
pub fn task_destroys(runner: TaskRunner, text: &[u8], target: &str) -> Option<Vec<String>> {
    // (A script named by its path: see [`script_destroys`], which the
    // facade calls with the path.)
    if runner == TaskRunner::Script {
        return script_destroys("script", target, text);
    }
    // (A whole file of Ansible tasks, read as a changed one is.)
    if runner == TaskRunner::AnsibleTasks {
        return Some(super::ansible::ansible_tasks_destroy(text)?.into_keys().collect());
    }
    // (A whole action or workflow, read as a CI definition is.)
    if runner == TaskRunner::Action {
        let (commands, steps) = super::read_pipeline(text)?;
        let mut kinds: BTreeSet<String> = commands;
        kinds.extend(steps.into_keys());
        return Some(kinds.into_iter().collect());
    }
    let lines = TaskFileOf::read(runner, text)?.lines(target, &Work::new(MAX_TASK_WORK))?;
    let mut found: BTreeSet<String> = BTreeSet::new();
    for line in &lines {
        found.extend(commands_destroy(line, None));
    }
    Some(found.into_iter().collect())
}

/// The tasks to read from `start`, each once, in order: `next` gives the
/// ones a task needs (`None`: the file is past a bound). `None` past
/// [`MAX_TASKS_FOLLOWED`].
fn follow(start: &str, work: &Work, mut next: impl FnMut(&str) -> Option<Vec<String>>) -> Option<Vec<String>> {
    let mut seen: BTreeSet<String> = BTreeSet::new();
    let mut order: Vec<String> = Vec::new();
    let mut queue: Vec<String> = vec![start.to_owned()];
    while let Some(task) = queue.pop() {
        if !seen.insert(task.clone()) {
            continue;
        }
        if seen.len() > MAX_TASKS_FOLLOWED {
            return None;
        }
        let more = next(&task)?;
        work.spend(more.len().saturating_add(1))?;
        queue.extend(more);
        order.push(task);
    }
    Some(order)
}

/// The work left for one reading of a task file (tasks named, lines and
/// prerequisites read): the reading gives `None` once it is spent, so a
/// file of many tasks that each name thousands of others cannot make it
/// slow.
struct Work(std::cell::Cell<usize>);

impl Work {
    fn new(units: usize) -> Self {
        Self(std::cell::Cell::new(units))
    }

    /// `units` of work spent; `None` when fewer are left.
    fn spend(&self, units: usize) -> Option<()> {
        self.0.set(self.0.get().checked_sub(units)?);
        Some(())
    }
}

/// The work one call's reading may do (see [`Work`]).
const MAX_TASK_WORK: usize = 1_000_000;

/// Lines read for one call: `None` past [`MAX_TASK_LINES`].
fn bounded(lines: Vec<String>) -> Option<Vec<String>> {
    (lines.len() <= MAX_TASK_LINES).then_some(lines)
}

/// One rule statement of a Makefile: its prerequisites and recipe.
#[derive(Default)]
struct Rule {
    prerequisites: Vec<String>,
    recipe: Vec<String>,
}

/// A Makefile read once: its rule statements (each held once, however
/// many targets it names), the statements of each target and pattern, and
/// its simple variables.
struct MakeFile {
    statements: Vec<Rule>,
    rules: BTreeMap<String, Vec<usize>>,
    patterns: Vec<(String, Vec<usize>)>,
    variables: BTreeMap<String, String>,
}

/// Longest text a Makefile's expansions make of one line or name; a
/// longer one is cut there (a line over 4 KiB is read for commands in
/// pieces of at most 4 KiB).
const MAX_EXPANDED: usize = 4 * 4096;

/// `text` with each `from` written `to`, cut at [`MAX_EXPANDED`] bytes.
fn replace_bounded(text: &str, from: &str, to: &str) -> String {
    let mut out = String::with_capacity(text.len().min(MAX_EXPANDED));
    let mut rest = text;
    while let Some(at) = rest.find(from) {
        out.push_str(rest.get(..at).unwrap_or_default());
        if out.len() + to.len() > MAX_EXPANDED {
            return out;
        }
        out.push_str(to);
        rest = rest.get(at + from.len()..).unwrap_or_default();
    }
    out.push_str(rest);
    out
}

/// The Makefile `raw`, read: rules (lines continued with `\` joined;
/// conditionals read on both branches; `define` blocks skipped;
/// `include`d files not read) and the variables set from literals
/// (`TF ?= terraform`).
fn parse_make(raw: &str) -> MakeFile {
    // Lines continued with `\` joined.
    let mut logical: Vec<String> = Vec::new();
    let mut pending: Option<String> = None;
    for line in raw.lines() {
        let text = match pending.take() {
            Some(before) => format!("{before} {}", line.trim_start()),
            None => line.to_owned(),
        };
        match text.strip_suffix('\\') {
            Some(head) if text.len() <= MAX_EXPANDED => pending = Some(head.to_owned()),
            _ => logical.push(text),
        }
    }
    logical.extend(pending);
    let mut file =
        MakeFile { statements: Vec::new(), rules: BTreeMap::new(), patterns: Vec::new(), variables: BTreeMap::new() };
    // The statement whose recipe the lines below belong to.
    let mut current: Option<usize> = None;
    let mut defining = false;
    for line in &logical {
        let trimmed = line.trim();
        if defining {
            defining = trimmed != "endef";
            continue;
        }
        if let Some(recipe) = line.strip_prefix('\t') {
            if let Some(rule) = current.and_then(|c| file.statements.get_mut(c))
                && !recipe.trim_start().starts_with('#')
            {
                rule.recipe.push(recipe.to_owned());
            }
            continue;
        }
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let first = trimmed.split_whitespace().next().unwrap_or_default();
        if matches!(first, "ifeq" | "ifneq" | "ifdef" | "ifndef" | "else" | "endif") {
            continue;
        }
        current = None;
        if first == "define" {
            defining = true;
            continue;
        }
        if matches!(first, "include" | "-include" | "sinclude" | "vpath" | "unexport") {
            continue;
        }
        let statement = trimmed.trim_start_matches("export ").trim_start_matches("override ").trim_start();
        let equals = statement.find('=');
        let colon = statement.find(':');
        let assignment = match (equals, colon) {
            (Some(e), Some(c)) => e <= c || statement.get(c..e).is_some_and(|op| op.chars().all(|ch| ch == ':')),
            (Some(_), None) => true,
            _ => false,
        };
        if assignment {
            let Some(e) = equals else { continue };
            let operator = statement.get(..e).unwrap_or_default();
            let name = operator.trim_end_matches([':', '?', '+', '!']).trim();
            // (Make ends a value at a comment: `CDK := cdk  # system CDK`.)
            let value = statement.get(e + 1..).unwrap_or_default();
            let value = value.split(" #").next().unwrap_or(value).trim();
            // A value a command makes (`$(shell which terraform)`) is not
            // known: the variable stays, and is read by its name.
            let simple = !name.is_empty()
                && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                && !value.contains("$(shell")
                && !value.contains('`');
            let variables = &mut file.variables;
            if simple && value.len() <= 256 && (variables.len() < 256 || variables.contains_key(name)) {
                match variables.get_mut(name) {
                    Some(v) if operator.ends_with('+') => {
                        if v.len() + value.len() < 256 {
                            v.push(' ');
                            v.push_str(value);
                        }
                    }
                    Some(_) if operator.ends_with('?') => {}
                    _ => {
                        variables.insert(name.to_owned(), value.to_owned());
                    }
                }
            }
            continue;
        }
        let Some(c) = colon else { continue };
        let rest = statement.get(c + 1..).unwrap_or_default().trim_start_matches(':');
        let (prerequisites, inline) = match rest.split_once(';') {
            Some((p, r)) => (p, Some(r.trim())),
            None => (rest, None),
        };
        let at = file.statements.len();
        let mut rule = Rule {
            prerequisites: prerequisites.split_whitespace().filter(|w| *w != "|").map(str::to_owned).collect(),
            recipe: Vec::new(),
        };
        rule.recipe.extend(inline.filter(|r| !r.is_empty()).map(str::to_owned));
        file.statements.push(rule);
        for t in statement.get(..c).unwrap_or_default().split_whitespace() {
            if t.contains('%') {
                match file.patterns.iter_mut().find(|(p, _)| p == t) {
                    Some((_, list)) => list.push(at),
                    None => file.patterns.push((t.to_owned(), vec![at])),
                }
            } else {
                file.rules.entry(t.to_owned()).or_default().push(at);
            }
        }
        current = Some(at);
    }
    file
}

impl MakeFile {
    /// The targets a rule names (not special ones, `.PHONY`, nor patterns).
    fn names(&self) -> Vec<String> {
        let plain = |t: &&String| !t.starts_with('.') && !t.contains(['%', '$']);
        self.rules.keys().filter(plain).cloned().collect()
    }

    /// The statements of a target's rule (an explicit one with a recipe
    /// or prerequisites, else the first pattern rule that matches, `%:`
    /// too), with the stem a pattern matched.
    fn rule_for(&self, name: &str) -> Option<(Vec<&Rule>, String)> {
        let of = |list: &[usize]| list.iter().filter_map(|&i| self.statements.get(i)).collect::<Vec<&Rule>>();
        if let Some(list) = self.rules.get(name) {
            let rules = of(list);
            if rules.iter().any(|r| !r.recipe.is_empty() || !r.prerequisites.is_empty()) {
                return Some((rules, String::new()));
            }
        }
        self.patterns.iter().find_map(|(pattern, list)| {
            let (prefix, suffix) = pattern.split_once('%')?;
            let stem = name.strip_prefix(prefix)?.strip_suffix(suffix)?;
            Some((of(list), stem.to_owned()))
        })
    }

    /// The recipe lines that `make TARGET` runs: the target's rule and
    /// its prerequisites' rules, with `$@`, `$*`, `$<`, `$^` and the
    /// file's simple variables written out.
    fn lines(&self, target: &str, work: &Work) -> Option<Vec<String>> {
        let expand = |text: &str| -> String {
            let text = substitute(&make_variables(text), &self.variables);
            text.replace("$$", "$")
        };
        let order = follow(target, work, |name| {
            let Some((rules, stem)) = self.rule_for(name) else { return Some(Vec::new()) };
            work.spend(rules.iter().map(|r| r.prerequisites.len()).sum())?;
            // (Make writes the stem for a prerequisite's first `%`.)
            let names = rules.iter().flat_map(|r| r.prerequisites.iter()).map(|p| expand(&p.replacen('%', &stem, 1)));
            Some(names.filter(|p| p.len() <= 256).collect())
        })?;
        let mut out: Vec<String> = Vec::new();
        for name in &order {
            let Some((rules, stem)) = self.rule_for(name) else { continue };
            work.spend(rules.iter().map(|r| r.prerequisites.len() + r.recipe.len()).sum())?;
            let prerequisites: Vec<&str> =
                rules.iter().flat_map(|r| r.prerequisites.iter()).map(String::as_str).collect();
            let first = prerequisites.first().copied().unwrap_or_default();
            let all = prerequisites.join(" ");
            for line in rules.iter().flat_map(|r| r.recipe.iter()) {
                let mut line = line.clone();
                for (from, to) in [
                    ("$(@)", name.as_str()),
                    ("${@}", name),
                    ("$@", name),
                    ("$(*)", &stem),
                    ("$*", &stem),
                    ("$<", first),
                    ("$^", &all),
                ] {
                    if line.contains(from) {
                        line = replace_bounded(&line, from, to);
                    }
                }
                let line = expand(&line);
                // (A line cut at the bound may have lost its command:
                // the reading fails closed.)
                if line.len() >= MAX_EXPANDED {
                    return None;
                }
                out.push(line);
                if out.len() > MAX_TASK_LINES {
                    return None;
                }
            }
        }
        bounded(out)
    }
}

/// A justfile read once: each recipe's dependencies and body, aliases,
/// and variables set from literals.
struct JustFile {
    bodies: BTreeMap<String, (Vec<String>, Vec<String>)>,
    aliases: BTreeMap<String, String>,
    variables: BTreeMap<String, String>,
}

/// The justfile `raw`, read.
fn parse_just(raw: &str) -> JustFile {
    let mut bodies: BTreeMap<String, (Vec<String>, Vec<String>)> = BTreeMap::new();
    let mut aliases: BTreeMap<String, String> = BTreeMap::new();
    let mut variables: BTreeMap<String, String> = BTreeMap::new();
    let mut current: Option<String> = None;
    for line in raw.lines() {
        let indented = line.starts_with([' ', '\t']);
        let trimmed = line.trim();
        if indented {
            if let Some(name) = &current
                && !trimmed.is_empty()
                && let Some((_, body)) = bodies.get_mut(name)
            {
                body.push(trimmed.to_owned());
            }
            continue;
        }
        if trimmed.is_empty() || trimmed.starts_with('#') || trimmed.starts_with('[') {
            continue;
        }
        current = None;
        let words: Vec<&str> = trimmed.split_whitespace().collect();
        match words.as_slice() {
            ["alias", name, ":=", recipe, ..] => {
                aliases.insert((*name).to_owned(), (*recipe).to_owned());
                continue;
            }
            ["set" | "import" | "mod" | "!include" | "alias", ..] => continue,
            _ => {}
        }
        let statement = trimmed.strip_prefix("export ").unwrap_or(trimmed);
        if let Some((name, value)) = statement.split_once(":=") {
            let name = name.trim();
            let value = value.trim().trim_matches(['"', '\'']);
            if !name.contains(char::is_whitespace)
                && value.len() <= 256
                && (variables.len() < 256 || variables.contains_key(name))
            {
                variables.insert(name.to_owned(), value.to_owned());
            }
            continue;
        }
        // `name param='default' *rest: dependency (other "arg") && after`
        // (the first `:` outside quotes ends the parameters).
        let mut quote: Option<char> = None;
        let mut colon = None;
        for (i, ch) in statement.char_indices() {
            match (quote, ch) {
                (Some(q), c) if c == q => quote = None,
                (None, '"' | '\'' | '`') => quote = Some(ch),
                (None, ':') => {
                    colon = Some(i);
                    break;
                }
                _ => {}
            }
        }
        let Some(colon) = colon else { continue };
        let head = statement.get(..colon).unwrap_or_default();
        let Some(name) = head.split_whitespace().next().map(|n| n.trim_start_matches('@')) else { continue };
        let dependencies: Vec<String> = statement
            .get(colon + 1..)
            .unwrap_or_default()
            .split_whitespace()
            .filter(|w| !w.starts_with(['"', '\'']) && !w.ends_with([')', '"', '\'']) || w.starts_with('('))
            .map(|w| w.trim_start_matches('(').trim_end_matches(')').to_owned())
            .filter(|w| !w.is_empty() && *w != "&&")
            .collect();
        bodies.insert(name.to_owned(), (dependencies, Vec::new()));
        current = Some(name.to_owned());
    }
    JustFile { bodies, aliases, variables }
}

impl JustFile {
    /// Its recipes' names.
    fn names(&self) -> Vec<String> {
        self.bodies.keys().cloned().collect()
    }

    /// The lines that `just RECIPE` runs: the recipe's body (an alias
    /// followed) and its dependencies' bodies, with `{{name}}` written as
    /// the file's `name := "value"`.
    fn lines(&self, target: &str, work: &Work) -> Option<Vec<String>> {
        let (bodies, aliases, variables) = (&self.bodies, &self.aliases, &self.variables);
        let resolve = |name: &str| aliases.get(name).map_or(name.to_owned(), Clone::clone);
        let order = follow(&resolve(target), work, |name| {
            Some(bodies.get(name).map(|(deps, _)| deps.iter().map(|d| resolve(d)).collect()).unwrap_or_default())
        })?;
        let mut out = Vec::new();
        for name in &order {
            let body = bodies.get(name).map(|(_, body)| body.as_slice()).unwrap_or_default();
            work.spend(body.len())?;
            for line in body {
                out.push(interpolate(line, variables));
            }
            if out.len() > MAX_TASK_LINES {
                return None;
            }
        }
        bounded(out)
    }
}

/// `line` with each `{{ name }}` (and go-task's `{{.NAME}}`) of
/// `variables` written as its value.
fn interpolate(line: &str, variables: &BTreeMap<String, String>) -> String {
    replace_templates(line, |name| variables.get(name.trim_start_matches('.')).cloned())
}

/// `text` with each template `{{ NAME }}` for which `value` gives
/// something written as that, the others (and any past 16 KiB of output)
/// kept as written. Shared with Ansible's reading.
pub(super) fn replace_templates(text: &str, value: impl Fn(&str) -> Option<String>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("{{") {
        out.push_str(rest.get(..at).unwrap_or_default());
        let after = rest.get(at + 2..).unwrap_or_default();
        let Some(end) = after.find("}}") else {
            out.push_str("{{");
            rest = after;
            continue;
        };
        match value(after.get(..end).unwrap_or_default().trim()) {
            Some(v) if out.len() < 4 * 4096 => out.push_str(&v),
            _ => out.push_str(rest.get(at..at + 2 + end + 2).unwrap_or_default()),
        }
        rest = after.get(end + 2..).unwrap_or_default();
    }
    out.push_str(rest);
    out
}

/// A Taskfile read once: the document, and its `vars` set from literals.
struct TaskFile {
    document: serde_json::Value,
    variables: BTreeMap<String, String>,
}

/// The Taskfile `text`, read; `None` when it is not YAML the graph
/// reader's budgets allow.
fn parse_taskfile(text: &[u8]) -> Option<TaskFile> {
    use serde_json::Value;
    let document = yaml_mapping("Taskfile", text)?.unwrap_or(Value::Null);
    let mut variables: BTreeMap<String, String> = BTreeMap::new();
    if let Some(Value::Object(vars)) = document.get("vars") {
        for (name, value) in vars.iter().take(256) {
            if let Value::String(v) = value
                && v.len() <= 256
            {
                variables.insert(name.clone(), v.clone());
            }
        }
    }
    Some(TaskFile { document, variables })
}

impl TaskFile {
    /// The task `name`, or the one whose `aliases` name it.
    fn task(&self, name: &str) -> Option<&serde_json::Value> {
        let tasks = self.document.get("tasks")?;
        tasks.get(name).or_else(|| {
            tasks.as_object()?.values().find(|t| {
                t.get("aliases")
                    .and_then(serde_json::Value::as_array)
                    .is_some_and(|a| a.iter().any(|n| n.as_str() == Some(name)))
            })
        })
    }

    /// Its tasks' names.
    fn names(&self) -> Vec<String> {
        match self.document.get("tasks") {
            Some(serde_json::Value::Object(tasks)) => tasks.keys().cloned().collect(),
            _ => Vec::new(),
        }
    }

    /// The commands that `task NAME` runs from the Taskfile: the
    /// task's `cmds` (or `cmd`, or the task written as a command or a list of
    /// them) and those of its `deps` and of the tasks its commands call
    /// (`- task: other`), with `{{.NAME}}` written as the file's `vars`.
    /// Tasks of included Taskfiles (`infra:destroy`) are not read.
    fn lines(&self, target: &str, work: &Work) -> Option<Vec<String>> {
        use serde_json::Value;
        let variables = &self.variables;
        let task = |name: &str| self.task(name);
        // A task's commands and the tasks it needs.
        let read = |name: &str| -> (Vec<String>, Vec<String>) {
            let (mut commands, mut needs) = (Vec::new(), Vec::new());
            let Some(task) = task(name) else { return (commands, needs) };
            let item = |v: &Value, commands: &mut Vec<String>, needs: &mut Vec<String>| match v {
                Value::String(s) => commands.push(s.clone()),
                Value::Object(o) => {
                    // (`defer:` runs when the task ends, a command or a task.)
                    for key in ["cmd", "defer"] {
                        if let Some(Value::String(s)) = o.get(key) {
                            commands.push(s.clone());
                        }
                    }
                    let deferred = o.get("defer").and_then(|d| d.get("task"));
                    for t in [o.get("task"), deferred].into_iter().flatten() {
                        if let Value::String(t) = t {
                            needs.push(t.clone());
                        }
                    }
                }
                _ => {}
            };
            match task {
                Value::String(_) => item(task, &mut commands, &mut needs),
                Value::Array(list) => list.iter().for_each(|v| item(v, &mut commands, &mut needs)),
                Value::Object(o) => {
                    if let Some(cmd) = o.get("cmd") {
                        item(cmd, &mut commands, &mut needs);
                    }
                    for key in ["cmds", "deps"] {
                        match o.get(key) {
                            Some(Value::Array(list)) => list.iter().for_each(|v| {
                                if key == "deps"
                                    && let Value::String(dep) = v
                                {
                                    needs.push(dep.clone());
                                } else {
                                    item(v, &mut commands, &mut needs);
                                }
                            }),
                            Some(v) => item(v, &mut commands, &mut needs),
                            None => {}
                        }
                    }
                }
                _ => {}
            }
            (commands, needs)
        };
        let order = follow(target, work, |name| Some(read(name).1))?;
        let mut out = Vec::new();
        for name in &order {
            let commands = read(name).0;
            work.spend(commands.len())?;
            for command in commands {
                out.extend(command.lines().map(|l| interpolate(l, variables)));
            }
            if out.len() > MAX_TASK_LINES {
                return None;
            }
        }
        bounded(out)
    }
}

/// The scripts that `npm run NAME` runs from the `package.json` `text`:
/// `preNAME`, `NAME` and `postNAME`, as npm runs them (pnpm, yarn and
/// bun may skip the `pre` and `post` ones: reading them too fails
/// closed). Scripts they call (`npm run other`) are calls of their own.
fn script_lines(document: &serde_json::Value, target: &str) -> Option<Vec<String>> {
    let Some(serde_json::Value::Object(scripts)) = document.get("scripts") else { return Some(Vec::new()) };
    // (`run-s destroy:*`: every script the pattern matches.)
    let targets: Vec<&str> = match target.split_once('*') {
        Some((prefix, suffix)) => scripts
            .keys()
            .map(String::as_str)
            .filter(|k| {
                k.len() >= prefix.len() + suffix.len()
                    && k.starts_with(prefix)
                    && k.ends_with(suffix.trim_start_matches('*'))
            })
            .collect(),
        None => vec![target],
    };
    let names: Vec<String> =
        targets.iter().flat_map(|t| [format!("pre{t}"), (*t).to_owned(), format!("post{t}")]).collect();
    let lines: Vec<String> = names
        .iter()
        .filter_map(|n| scripts.get(n).and_then(serde_json::Value::as_str))
        .flat_map(str::lines)
        .map(str::to_owned)
        .collect();
    bounded(lines)
}

/// A task file of any runner but [`TaskRunner::Action`], read once.
enum TaskFileOf {
    Make(MakeFile),
    Just(JustFile),
    Task(TaskFile),
    /// A `package.json` document.
    Scripts(serde_json::Value),
}

impl TaskFileOf {
    /// `text` read as a file of `runner`; `None` where it cannot be (see
    /// [`task_destroys`]).
    fn read(runner: TaskRunner, text: &[u8]) -> Option<Self> {
        if text.len() > MAX_EMPTIED_TEXT || text.contains(&0) {
            return None;
        }
        let raw = || String::from_utf8_lossy(text).replace("\r\n", "\n");
        Some(match runner {
            TaskRunner::Make => Self::Make(parse_make(&raw())),
            TaskRunner::Just => Self::Just(parse_just(&raw())),
            TaskRunner::Task => Self::Task(parse_taskfile(text)?),
            TaskRunner::PackageScript => Self::Scripts(serde_json::from_slice(text).ok()?),
            TaskRunner::Action | TaskRunner::Script | TaskRunner::AnsibleTasks => return None,
        })
    }

    /// Its tasks' names.
    fn names(&self) -> Vec<String> {
        match self {
            Self::Make(f) => f.names(),
            Self::Just(f) => f.names(),
            Self::Task(f) => f.names(),
            Self::Scripts(document) => match document.get("scripts") {
                Some(serde_json::Value::Object(scripts)) => scripts.keys().cloned().collect(),
                _ => Vec::new(),
            },
        }
    }

    /// Whether it defines the task `target` (a pattern rule that matches
    /// does; for scripts, one a pattern names).
    fn defines(&self, target: &str) -> bool {
        match self {
            Self::Make(f) => f.rule_for(target).is_some(),
            Self::Just(f) => f.bodies.contains_key(target) || f.aliases.contains_key(target),
            Self::Task(f) => f.task(target).is_some(),
            Self::Scripts(document) => script_lines(document, target).is_some_and(|l| !l.is_empty()),
        }
    }

    /// The command lines running `target` runs (see [`task_destroys`]).
    fn lines(&self, target: &str, work: &Work) -> Option<Vec<String>> {
        match self {
            Self::Make(f) => f.lines(target, work),
            Self::Just(f) => f.lines(target, work),
            Self::Task(f) => f.lines(target, work),
            Self::Scripts(document) => script_lines(document, target),
        }
    }
}

/// Whether `text`, a file of `runner`, defines the task `target`: the
/// facade looks further for a task the file a call names does not
/// define (`make destroy` run in `infra/`, beside a top Makefile without
/// it). A file that cannot be read, and an action, define it (what reads
/// it then fails closed).
///
/// ```
/// use blastgate_ingest::git::{TaskRunner, defines_task};
/// assert!(defines_task(TaskRunner::Make, b"down-%:\n\tkubectl delete $* web\n", "down-sts"));
/// assert!(!defines_task(TaskRunner::Make, b"build:\n\tgo build\n", "destroy"));
/// ```
pub fn defines_task(runner: TaskRunner, text: &[u8], target: &str) -> bool {
    matches!(runner, TaskRunner::Action | TaskRunner::Script | TaskRunner::AnsibleTasks)
        || TaskFileOf::read(runner, text).is_none_or(|f| f.defines(target))
}

/// Most tasks of one file [`task_reach_counts`] reads, and the work it
/// may do for all of them (tasks named, prerequisites and lines read): past either, it returns `None`.
pub const MAX_TASKS_COUNTED: usize = 4096;
const MAX_COUNTED_WORK: usize = 4_000_000;

/// For each kind that tasks of `text` (a file of `runner`) destroy, or
/// call (kinds of [`TASK_CALL`]), how many of its tasks run it, each read
/// as [`task_destroys`] reads it. Compared before and after a change to
/// the file, a kind more tasks run after is one the change makes a task
/// run: a prerequisite added to a rule (`deploy: destroy apply`), a
/// dependency added to a recipe or a task's `deps`. A task renamed runs
/// what it ran. `None` where [`task_destroys`] would be, or past
/// [`MAX_TASKS_COUNTED`] tasks or 4,000,000 tasks, prerequisites and
/// lines read in all.
///
/// ```
/// use blastgate_ingest::git::{TaskRunner, task_reach_counts};
/// let before = b"deploy: build\n\tterraform apply\ndestroy:\n\tterraform destroy\nbuild:\n\tgo build\n";
/// let after = b"deploy: destroy build\n\tterraform apply\ndestroy:\n\tterraform destroy\nbuild:\n\tgo build\n";
/// let count = |text: &[u8]| task_reach_counts(TaskRunner::Make, text).unwrap().get("terraform destroy").copied();
/// assert_eq!((count(before), count(after)), (Some(1), Some(2)));
/// ```
pub fn task_reach_counts(runner: TaskRunner, text: &[u8]) -> Option<BTreeMap<String, usize>> {
    let file = TaskFileOf::read(runner, text)?;
    let names = file.names();
    if names.len() > MAX_TASKS_COUNTED {
        return None;
    }
    // Each distinct line read once (prerequisites share theirs).
    let mut read: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let work = Work::new(MAX_COUNTED_WORK);
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for name in &names {
        let lines = file.lines(name, &work)?;
        let mut kinds: BTreeSet<String> = BTreeSet::new();
        for line in lines {
            let found = read.entry(line).or_insert_with_key(|line| commands_destroy(line, None));
            kinds.extend(found.iter().cloned());
        }
        for kind in kinds {
            *counts.entry(kind).or_insert(0) += 1;
        }
    }
    Some(counts)
}
