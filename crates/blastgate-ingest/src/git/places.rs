//! Places outside scripts and CI definitions where commands run when a
//! service is deployed or a machine boots: a Docker Compose service's
//! `command:` and `entrypoint:` (and its healthcheck's `test:`), a systemd unit's `Exec*=` lines,
//! cloud-init's `runcmd:` and `bootcmd:`, the `command` and
//! `entryPoint` of an ECS task definition's containers (a red team: a
//! `dropdb` in each passed with a lenient depth), and a Dockerfile's
//! `CMD`, `ENTRYPOINT`, `HEALTHCHECK` and `RUN` instructions. Their changed lines are
//! read a line at a time, as [`super::destructive_commands`] reads a
//! script's, but only under those keys: what each runs comes out as
//! command lines, which are then read as a script's lines are.

use std::collections::{BTreeMap, BTreeSet};

use super::pipelines::{flow_list, step_list};

/// A kind of file whose commands [`PlaceReader`] reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Place {
    /// A Docker Compose file: each service's `command:` and
    /// `entrypoint:` (a string, or a list that is one command's words),
    /// and its healthcheck's `test:` (`["CMD-SHELL", "..."]`, `["CMD",
    /// ...]` or a string), run in the container over and over.
    Compose,
    /// A systemd service unit, or a drop-in of one: its `ExecStart=`,
    /// `ExecStartPre=`, `ExecStartPost=`, `ExecStop=`, `ExecStopPost=`,
    /// `ExecReload=` and `ExecCondition=` lines.
    Systemd,
    /// A cloud-init config: the items of `runcmd:` and `bootcmd:` (a
    /// string is a shell line, a list one command's words).
    CloudInit,
    /// An ECS task definition (or a template holding its
    /// `containerDefinitions`): each container's `command` and
    /// `entryPoint`.
    TaskDefinition,
    /// A Dockerfile (or Podman's `Containerfile`): its `CMD`,
    /// `ENTRYPOINT` and `HEALTHCHECK ... CMD` instructions, which run in
    /// every container made from the image (the healthcheck over and
    /// over), and its `RUN` instructions, which run where the image is
    /// built (a CI runner, with whatever it can reach), each over its
    /// continued lines (the escape character, `\` or what a `# escape=`
    /// directive sets, at a line's end). An instruction's exec form
    /// (a JSON list) is one command's words, its shell form a shell's
    /// line; an `ENTRYPOINT` and a `CMD` of exec form also run as one
    /// command, the entrypoint's words first; a `RUN` here-document's
    /// lines (`RUN <<EOF`) are a script's. `ONBUILD` instructions count
    /// as the instruction they carry. Every stage is read, a build stage's
    /// `CMD` too (reading more, never less).
    Dockerfile,
}

impl Place {
    /// The keys whose values are read, in lower case (matched whatever
    /// their case: ECS's `entryPoint`, CloudFormation's `EntryPoint`).
    fn keys(self) -> &'static [&'static str] {
        match self {
            Place::Compose => &["command", "entrypoint", "test"],
            Place::TaskDefinition => &["command", "entrypoint"],
            Place::CloudInit => &["runcmd", "bootcmd"],
            Place::Systemd | Place::Dockerfile => &[],
        }
    }
}

/// The systemd settings whose values are command lines.
const EXEC_KEYS: [&str; 7] =
    ["ExecStart", "ExecStartPre", "ExecStartPost", "ExecStop", "ExecStopPost", "ExecReload", "ExecCondition"];

/// Most lines of one key's value held (a list, a block scalar, a flow
/// list over lines); the lines past them are not read as its.
const MAX_HELD_LINES: usize = 200;

/// Most bytes of one key's value held.
const MAX_HELD_BYTES: usize = 64 * 1024;

/// The place `path` is by its name, if any: `docker-compose*.y(a)ml` and
/// `compose*.y(a)ml` (Compose), `*.service` and a `*.service.d/*.conf`
/// drop-in (systemd), `cloud-init*.y(a)ml`, `cloud-config*.y(a)ml` and
/// `user-data*` with no script's extension (cloud-init), and a JSON file
/// named for a task definition (`task-definition.json`,
/// `taskdef.json`).
pub(super) fn place_of(path: &str) -> Option<Place> {
    let lower = path.to_ascii_lowercase();
    let mut segments = lower.rsplit('/');
    let name = segments.next().unwrap_or_default();
    let parent = segments.next().unwrap_or_default();
    let yaml = name.ends_with(".yml") || name.ends_with(".yaml");
    let named = |stem: &str| name.strip_prefix(stem).is_some_and(|rest| rest.starts_with(['.', '-', '_']));
    if yaml && (named("docker-compose") || named("compose")) {
        return Some(Place::Compose);
    }
    if name.ends_with(".service") || (name.ends_with(".conf") && parent.ends_with(".service.d")) {
        return Some(Place::Systemd);
    }
    // (`Dockerfile`, `Dockerfile.prod`, `Dockerfile-prod`,
    // `api.dockerfile`, `Containerfile`; not `dockerfile.md`, a document.)
    let documents = ["md", "txt", "rst", "adoc", "html"];
    let dockerfile = ["dockerfile", "containerfile"].iter().any(|d| {
        let document = name.rsplit_once('.').is_some_and(|(_, e)| documents.contains(&e));
        name == *d
            || (name.strip_prefix(d).is_some_and(|r| r.starts_with(['.', '-', '_'])) && !document)
            || name.strip_suffix(d).is_some_and(|r| r.ends_with('.'))
    });
    if dockerfile {
        return Some(Place::Dockerfile);
    }
    if yaml && (name.starts_with("cloud-init") || name.starts_with("cloud-config")) {
        return Some(Place::CloudInit);
    }
    // (`user-data`, `user-data.yaml`, `user_data.tpl`; not `user-data.sh`,
    // a script read as one.)
    if (name.starts_with("user-data") || name.starts_with("user_data"))
        && name.split('.').skip(1).all(|e| matches!(e, "yml" | "yaml" | "txt" | "cfg" | "tpl" | "tftpl" | "j2"))
    {
        return Some(Place::CloudInit);
    }
    let task = ["task-definition", "task_definition", "taskdefinition", "taskdef"];
    if name.ends_with(".json") && task.iter().any(|t| name.contains(t)) {
        return Some(Place::TaskDefinition);
    }
    None
}

/// The files of `patch` that are places (see [`Place`]), by their name
/// ([`place_of`]) or by what the patch shows of them: a first line
/// `#cloud-config` is cloud-init's, a JSON or YAML file with
/// `containerDefinitions` on a line shown holds task definitions, and a
/// `user-data` file whose first line is `#!` is a script (read whole as
/// one, not a place).
pub(super) fn places_in_patch(patch: &[u8]) -> BTreeMap<String, Place> {
    let mut found: BTreeMap<String, Place> = BTreeMap::new();
    let mut scripts: BTreeSet<String> = BTreeSet::new();
    // Whether the next line of the new (or old) side is its first.
    let mut first: (bool, bool) = (false, false);
    super::for_each_patch_line_of(patch, |path, line, _| {
        if line.starts_with(b"@@") {
            let header = String::from_utf8_lossy(line);
            let starts = |side: &str| header.contains(&format!(" {side}1,")) || header.contains(&format!(" {side}1 "));
            first = (starts("+"), starts("-"));
            return;
        }
        let (sign, text) = match line.split_first() {
            Some((&s, rest)) => (s, String::from_utf8_lossy(rest)),
            None => return,
        };
        let is_first = match sign {
            b'+' => std::mem::take(&mut first.0),
            b'-' => std::mem::take(&mut first.1),
            b' ' => std::mem::take(&mut first.0) | std::mem::take(&mut first.1),
            _ => false,
        };
        if !found.contains_key(path)
            && let Some(place) = place_of(path)
        {
            found.insert(path.to_owned(), place);
        }
        let lower = path.to_ascii_lowercase();
        if is_first {
            let t = text.trim();
            if t.starts_with("#cloud-config") {
                found.insert(path.to_owned(), Place::CloudInit);
            } else if t.starts_with("#!") && place_of(path) == Some(Place::CloudInit) {
                scripts.insert(path.to_owned());
            }
        }
        // (A YAML file whose patch shows cloud-init's own keys at the top,
        // where its first line is not shown.)
        let yaml = lower.ends_with(".yml") || lower.ends_with(".yaml");
        if yaml && !found.contains_key(path) && (text.starts_with("runcmd:") || text.starts_with("bootcmd:")) {
            found.insert(path.to_owned(), Place::CloudInit);
        }
        let data = [".json", ".yml", ".yaml"].iter().any(|e| lower.ends_with(e));
        if data && !found.contains_key(path) && text.to_ascii_lowercase().contains("containerdefinitions") {
            found.insert(path.to_owned(), Place::TaskDefinition);
        }
    });
    for path in scripts {
        found.remove(&path);
    }
    found
}

/// The paths of `patch` that [`super::destructive_commands`] reads as
/// places where commands run at deploy or boot time: a Docker Compose
/// service's `command:` and `entrypoint:`, a systemd unit's `Exec*=`
/// lines, cloud-init's `runcmd:` and `bootcmd:`, an ECS task definition's
/// `command` and `entryPoint`, a Dockerfile's `CMD`, `ENTRYPOINT`,
/// `HEALTHCHECK` and `RUN`. Known by name or by what the patch shows
/// (a first line `#cloud-config`, `containerDefinitions`): a caller
/// choosing the files to read adds these.
///
/// ```
/// use blastgate_ingest::git::deploy_places;
/// let patch = b"diff --git a/infra/boot.yaml b/infra/boot.yaml\n--- /dev/null\n+++ b/infra/boot.yaml\n@@ -0,0 +1,3 @@\n+#cloud-config\n+runcmd:\n+  - dropdb orders\n";
/// assert_eq!(deploy_places(patch).into_iter().collect::<Vec<_>>(), ["infra/boot.yaml"]);
/// ```
pub fn deploy_places(patch: &[u8]) -> BTreeSet<String> {
    places_in_patch(patch).into_keys().collect()
}

/// Whether `text`, a YAML or JSON file `path` holds at one end of a
/// change, makes it a place by what it holds, where the patch may not
/// show it (a patch without context lines shows neither an unchanged
/// first line nor a key above the changed ones): a first line
/// `#cloud-config`, cloud-init's `runcmd:` or `bootcmd:` at the top, or
/// `containerDefinitions` (any case: an ECS task definition, a
/// CloudFormation template's). A caller adds such files to
/// [`deploy_places`]'s and reads them whole
/// ([`place_change_destroys`]).
///
/// ```
/// use blastgate_ingest::git::holds_deploy_place;
/// assert!(holds_deploy_place("infra/boot.yaml", b"#cloud-config\npackages: [jq]\n"));
/// assert!(holds_deploy_place("ecs/orders.json", b"{\"family\": \"o\", \"containerDefinitions\": []}"));
/// assert!(!holds_deploy_place("deploy/values.yaml", b"jobs:\n  runcmd: [x]\n"));
/// ```
pub fn holds_deploy_place(path: &str, text: &[u8]) -> bool {
    let lower = path.to_ascii_lowercase();
    if ![".json", ".yml", ".yaml"].iter().any(|e| lower.ends_with(e)) {
        return false;
    }
    let text = String::from_utf8_lossy(text);
    let yaml = !lower.ends_with(".json");
    let cloud_init = text.trim_start_matches('\u{feff}').starts_with("#cloud-config")
        || text.lines().any(|l| l.starts_with("runcmd:") || l.starts_with("bootcmd:"));
    (yaml && cloud_init) || text.to_ascii_lowercase().contains("containerdefinitions")
}

/// What a change to a place (a path [`deploy_places`] names) newly runs:
/// each side read whole, as
/// [`program_change_destroys`](super::program_change_destroys) reads a
/// program's. The changed lines alone miss a word edited in a list whose
/// key the patch shows only as context (`command:` above, `- echo hi`
/// made `- dropdb orders` below: a red team's); read whole, the key is
/// seen, and a command in both sides runs nothing new. `None` when a side
/// is too large to read so (the caller reads the changed lines instead).
///
/// ```
/// use blastgate_ingest::git::place_change_destroys;
/// let compose = |last: &str| format!("services:\n  migrate:\n    command:\n      - sh\n      - -c\n      - {last}\n");
/// let (before, after) = (compose("echo hi"), compose("dropdb orders"));
/// assert_eq!(place_change_destroys("docker-compose.yml", before.as_bytes(), after.as_bytes()).unwrap(), ["database"]);
/// assert!(place_change_destroys("docker-compose.yml", after.as_bytes(), after.as_bytes()).unwrap().is_empty());
/// ```
pub fn place_change_destroys(path: &str, before: &[u8], after: &[u8]) -> Option<Vec<String>> {
    super::program_change_destroys(path, before, after)
}

/// Reads the changed lines of one side of a place, in order, into the
/// command lines they run (see [`Place`]): a key's value is held until a
/// line that is not its own, then read whole.
#[derive(Debug)]
pub(super) struct PlaceReader {
    place: Place,
    held: Option<Held>,
    /// The entrypoint and command read so far of the container or service
    /// whose keys are at a column (see [`Pair`]).
    pair: Option<Pair>,
    /// A systemd line continued with `\`, joined so far.
    continued: Option<String>,
    /// What the Dockerfile being read has set up so far (see
    /// [`Docker`]).
    docker: Docker,
}

/// A Dockerfile's reading state: its escape character (`\`, or what a
/// `# escape=` directive at its top sets), whether an instruction was
/// seen (directives come first), the here-documents a `RUN` opened and
/// not yet ended (in order: the first is being read), and the last
/// `ENTRYPOINT` and `CMD` of exec form.
#[derive(Debug, Default)]
struct Docker {
    escape: Option<char>,
    instruction_seen: bool,
    heredocs: std::collections::VecDeque<Heredoc>,
    entrypoint: Option<Vec<String>>,
    command: Option<Vec<String>>,
}

/// A here-document a Dockerfile `RUN` opened: its end word (matched as
/// Docker matches it: the whole line, leading tabs dropped for `<<-`),
/// and how its lines are read: as the script itself (`RUN <<EOF`), fed
/// to a command (`RUN psql <<SQL`: the shell reads them, and the end
/// line, as a script's here-document), or as a program of an
/// interpreter's language (`RUN python3 <<EOF`).
#[derive(Debug)]
struct Heredoc {
    end: String,
    strip_tabs: bool,
    fed: bool,
    program: Option<super::programs::ProgramReader>,
}

/// A Dockerfile's instructions (any case); a line that starts with none
/// of them (outside a here-document or a continued instruction) is a
/// piece of a line over 4 KiB, or not valid: it is read as a command.
const DOCKER_INSTRUCTIONS: [&str; 18] = [
    "from",
    "run",
    "cmd",
    "label",
    "maintainer",
    "expose",
    "env",
    "add",
    "copy",
    "entrypoint",
    "volume",
    "user",
    "workdir",
    "arg",
    "onbuild",
    "stopsignal",
    "healthcheck",
    "shell",
];

/// A container's (or a Compose service's) entrypoint and command, each
/// as its words, as far as read, with the column of its keys: the two run
/// as one command line, the entrypoint's words first (`entrypoint:
/// [redis-cli, -h, cache]` and `command: [FLUSHALL]`).
#[derive(Debug, Default)]
pub(super) struct Pair {
    column: usize,
    entrypoint: Option<Vec<String>>,
    command: Option<Vec<String>>,
}

impl Pair {
    /// Sets the words of `key` (`entrypoint` or `command`); the command
    /// line of both, when this completes them.
    pub(super) fn set(&mut self, key: &str, words: Vec<String>) -> Option<String> {
        let complete = match key {
            "entrypoint" => self.entrypoint.replace(words).is_none() && self.command.is_some(),
            _ => self.command.replace(words).is_none() && self.entrypoint.is_some(),
        };
        let (entrypoint, command) = (self.entrypoint.as_deref()?, self.command.as_deref()?);
        complete.then(|| format!("{} {}", argv_text(entrypoint), argv_text(command)))
    }
}

/// A key's value being read: its key's column and name, its lines (the
/// key's first), and, while a flow list is open, how deep it is.
#[derive(Debug)]
struct Held {
    column: usize,
    key: String,
    lines: Vec<String>,
    bytes: usize,
    flow: Option<Flow>,
}

/// How far a flow list (`[...]`, JSON's array) is open, scanned a line at a
/// time: its brackets outside quotes.
#[derive(Debug, Default)]
struct Flow {
    depth: usize,
    quote: Option<char>,
    escaped: bool,
}

impl Flow {
    /// Scans `text`; whether the list is closed at its end.
    fn scan(&mut self, text: &str) -> bool {
        for c in text.chars() {
            match (self.quote, c) {
                (Some('"'), '\\') if !self.escaped => {
                    self.escaped = true;
                    continue;
                }
                (Some(q), c) if c == q && !self.escaped => self.quote = None,
                (Some(_), _) => {}
                (None, '"' | '\'') => self.quote = Some(c),
                (None, '[' | '{') => self.depth += 1,
                (None, ']' | '}') => {
                    self.depth = self.depth.saturating_sub(1);
                    if self.depth == 0 {
                        return true;
                    }
                }
                _ => {}
            }
            self.escaped = false;
        }
        self.depth == 0
    }
}

impl PlaceReader {
    pub(super) fn new(place: Place) -> Self {
        PlaceReader { place, held: None, pair: None, continued: None, docker: Docker::default() }
    }

    /// The command lines the lines so far complete, `line` read.
    pub(super) fn feed(&mut self, line: &str) -> Vec<String> {
        match self.place {
            Place::Systemd => self.exec_line(line),
            Place::Dockerfile => self.docker_line(line),
            _ => self.keyed_line(line),
        }
    }

    /// The command lines still held: at a break in the changed lines, or
    /// at the end.
    pub(super) fn finish(&mut self) -> Vec<String> {
        let mut out = self.close();
        match self.place {
            Place::Dockerfile => {
                if let Some(joined) = self.continued.take() {
                    out.extend(self.docker_instruction(&joined));
                }
                for mut heredoc in std::mem::take(&mut self.docker.heredocs) {
                    out.extend(heredoc.program.as_mut().map(|p| p.finish()).unwrap_or_default());
                }
            }
            _ => out.extend(self.continued.take().map(|c| exec_command(&c))),
        }
        out
    }

    /// A Dockerfile's line: the commands of a `CMD`, `ENTRYPOINT`,
    /// `HEALTHCHECK` or `RUN` instruction once its continuations (the
    /// escape character at a line's end) are joined as Docker joins them
    /// (nothing put between; comment and empty lines inside dropped), or a
    /// line of a `RUN` here-document.
    fn docker_line(&mut self, line: &str) -> Vec<String> {
        // (The line without its end: `\n`, or `\r\n`.)
        let raw = line.strip_suffix('\n').unwrap_or(line);
        let raw = raw.strip_suffix('\r').unwrap_or(raw);
        if let Some(heredoc) = self.docker.heredocs.front_mut() {
            let candidate = if heredoc.strip_tabs { raw.trim_start_matches('\t') } else { raw };
            if candidate == heredoc.end {
                let mut out = Vec::new();
                if let Some(mut done) = self.docker.heredocs.pop_front() {
                    out.extend(done.program.as_mut().map(|p| p.finish()).unwrap_or_default());
                    if done.fed && done.program.is_none() {
                        out.push(raw.trim().to_owned());
                    }
                }
                return out;
            }
            return match (heredoc.program.as_mut(), heredoc.fed) {
                (Some(program), _) => program.feed(raw),
                (None, true) => vec![raw.to_owned()],
                (None, false) => vec![without_file_removals(raw)],
            };
        }
        let t = raw.trim();
        // (A parser directive, before any instruction: `# escape=``.)
        if !self.docker.instruction_seen && self.continued.is_none() {
            let directive = t
                .strip_prefix('#')
                .map(str::trim_start)
                .and_then(|d| d.get(..7).filter(|k| k.eq_ignore_ascii_case("escape=")).and_then(|_| d.get(7..)));
            if let Some(c) = directive.and_then(|d| d.trim().chars().next()).filter(|c| matches!(c, '`' | '\\')) {
                self.docker.escape = Some(c);
                return Vec::new();
            }
        }
        // (Comments, and a continued instruction's comment and empty
        // lines, which Docker drops.)
        if t.starts_with('#') || (t.is_empty() && self.continued.is_some()) {
            return Vec::new();
        }
        let escape = self.docker.escape.unwrap_or('\\');
        let mut joined = self.continued.take().unwrap_or_default();
        let body = raw.trim_end();
        match body.strip_suffix(escape) {
            Some(head) if joined.len() + head.len() <= MAX_HELD_BYTES => {
                joined.push_str(head);
                self.continued = Some(joined);
                Vec::new()
            }
            // Past the bound, read in pieces: the rest goes on as an
            // instruction's continuation, never unread.
            Some(head) => {
                joined.push_str(head);
                let out = self.docker_instruction(&joined);
                self.continued = Some(String::from("RUN "));
                out
            }
            None => {
                joined.push_str(body);
                self.docker_instruction(&joined)
            }
        }
    }

    /// The command lines of one Dockerfile instruction, joined.
    fn docker_instruction(&mut self, text: &str) -> Vec<String> {
        let mut text = text.trim_start();
        if !text.is_empty() {
            self.docker.instruction_seen = true;
        }
        // (`ONBUILD` counts as the instruction it carries; a loop, not a
        // call for each: a line of many is hostile input.)
        let (word, rest) = loop {
            let (word, rest) = text.split_once(char::is_whitespace).unwrap_or((text, ""));
            if !word.eq_ignore_ascii_case("onbuild") {
                break (word.to_ascii_lowercase(), rest.trim());
            }
            text = rest.trim_start();
        };
        match word.as_str() {
            "run" => {
                // (Its options, `--mount=...`, `--network=none`, first.)
                let mut command = rest;
                while command.starts_with("--") {
                    command = command.get(word_end(command)..).unwrap_or_default().trim_start();
                }
                let opened = heredocs(command);
                let bare = opened.first().is_some_and(|h| !h.fed);
                self.docker.heredocs.extend(opened);
                // (`RUN <<EOF`: its lines are the script.)
                if bare {
                    return Vec::new();
                }
                docker_command(command).iter().map(|l| without_file_removals(l)).collect()
            }
            key @ ("cmd" | "entrypoint") => {
                let mut out = docker_command(rest);
                if let Some(words) = exec_form(rest) {
                    // (The last of each runs: a later `CMD` replaces the
                    // one before it, and runs with the last entrypoint.)
                    if key == "cmd" {
                        self.docker.command = Some(words);
                    } else {
                        self.docker.entrypoint = Some(words);
                    }
                    if let (Some(entrypoint), Some(command)) =
                        (self.docker.entrypoint.as_deref(), self.docker.command.as_deref())
                    {
                        let both = format!("{} {}", argv_text(entrypoint), argv_text(command));
                        out.extend(both.lines().map(str::to_owned));
                    }
                }
                out
            }
            "healthcheck" => {
                let mut command = rest;
                for w in rest.split_whitespace() {
                    if w.starts_with("--") {
                        command = command.trim_start().get(w.len()..).unwrap_or_default();
                        continue;
                    }
                    if w.eq_ignore_ascii_case("cmd") {
                        command = command.trim_start().get(w.len()..).unwrap_or_default();
                        return docker_command(command.trim());
                    }
                    // (`NONE`, or nothing Docker reads.)
                    break;
                }
                Vec::new()
            }
            known if DOCKER_INSTRUCTIONS.contains(&known) => Vec::new(),
            // (No instruction: a piece of a line over 4 KiB, whose first
            // piece named it, or a line Docker refuses. Read as a command:
            // reading more, never less.)
            _ => docker_command(text),
        }
    }

    /// A YAML or JSON line, under a key read or not.
    fn keyed_line(&mut self, line: &str) -> Vec<String> {
        let mut out = Vec::new();
        // (A task definition written on one line: its containers'
        // commands, wherever they are in it.)
        if self.held.is_none()
            && self.place == Place::TaskDefinition
            && line.trim_start().starts_with('{')
            && let Ok(value) = serde_json::from_str::<serde_json::Value>(line)
        {
            return json_commands(&value, self.place.keys());
        }
        if let Some(held) = self.held.as_mut() {
            let t = line.trim();
            let depth = line.len() - line.trim_start().len();
            let inside = match held.flow.as_mut() {
                Some(flow) => {
                    if flow.scan(line) {
                        held.flow = None;
                    }
                    true
                }
                None => {
                    t.is_empty()
                        || t.starts_with('#')
                        || depth > held.column
                        || (depth == held.column && (t == "-" || t.starts_with("- ")))
                }
            };
            if inside && held.lines.len() < MAX_HELD_LINES && held.bytes + line.len() <= MAX_HELD_BYTES {
                held.bytes += line.len();
                held.lines.push(line.to_owned());
                return out;
            }
            // Past its bounds a value is read in pieces, the rest going on
            // under its key: a bound must leave no line unread (a `runcmd:`
            // of 250 items ran its last unread, `dropdb orders` passing).
            let (column, key, flow) = (held.column, held.key.clone(), held.flow.take());
            out.extend(self.close());
            if inside {
                let open = if flow.is_some() { " [" } else { "" };
                let opener = format!("{}{key}:{open}", " ".repeat(column));
                let bytes = line.len();
                self.held = Some(Held { column, key, lines: vec![opener, line.to_owned()], bytes, flow });
                return out;
            }
        }
        // (A line less far in than a container's keys ends it.)
        let depth = line.len() - line.trim_start().len();
        let t = line.trim();
        if !t.is_empty() && !t.starts_with('#') && self.pair.as_ref().is_some_and(|p| depth < p.column) {
            self.pair = None;
        }
        let body = line.trim_start().trim_start_matches("- ");
        let column = line.len() - body.len();
        let Some((key, value)) = body.split_once(':') else { return out };
        let key = key.trim().trim_matches(['"', '\'']).to_ascii_lowercase();
        if !self.place.keys().contains(&key.as_str()) || !(value.is_empty() || value.starts_with(char::is_whitespace)) {
            return out;
        }
        let value = value.trim_start();
        let flow = match value.starts_with('[') {
            true => {
                let mut flow = Flow::default();
                (!flow.scan(value)).then_some(flow)
            }
            false => None,
        };
        self.held = Some(Held { column, key, lines: vec![line.to_owned()], bytes: line.len(), flow });
        out
    }

    /// The command lines of the value held, if any.
    fn close(&mut self) -> Vec<String> {
        let Some(held) = self.held.take() else { return Vec::new() };
        let lines = match self.place {
            Place::CloudInit => nested_lists(&held.lines),
            _ => held.lines,
        };
        let block: Vec<&str> = lines.iter().map(String::as_str).collect();
        let Some(items) = step_list(&block, held.column, &held.key) else { return Vec::new() };
        match self.place {
            // (Each item a command: a string a shell line, a list its
            // words.)
            Place::CloudInit => items
                .iter()
                .flat_map(|item| match item.trim_start().starts_with('[') {
                    true => flow_list(item).map(|words| argv_lines(&words)).unwrap_or_default(),
                    false => item.lines().map(str::to_owned).collect(),
                })
                .collect(),
            // (A healthcheck's test, run in the container over and over:
            // apart from the service's entrypoint and command.)
            Place::Compose if held.key == "test" => command_lines(&items),
            _ => {
                let mut out = command_lines(&items);
                if self.pair.as_ref().is_none_or(|p| p.column != held.column) {
                    self.pair = Some(Pair { column: held.column, ..Pair::default() });
                }
                let both = self.pair.as_mut().and_then(|p| p.set(&held.key, items));
                out.extend(both.iter().flat_map(|l| l.lines().map(str::to_owned)));
                out
            }
        }
    }

    /// A systemd unit's line: the command of an `Exec*=` setting, once
    /// its continuations (`\` at a line's end) are joined.
    fn exec_line(&mut self, line: &str) -> Vec<String> {
        let t = line.trim();
        if let Some(mut joined) = self.continued.take() {
            if t.starts_with(['#', ';']) {
                self.continued = Some(joined);
                return Vec::new();
            }
            joined.push(' ');
            match t.strip_suffix('\\') {
                Some(head) if joined.len() + head.len() <= MAX_HELD_BYTES => {
                    joined.push_str(head);
                    self.continued = Some(joined);
                    return Vec::new();
                }
                // Past the bound, read in pieces: the rest goes on as a
                // command of its own, never unread.
                Some(head) => {
                    self.continued = Some(head.to_owned());
                    return vec![exec_command(&joined)];
                }
                _ => {
                    joined.push_str(t.trim_end_matches('\\'));
                    return vec![exec_command(&joined)];
                }
            }
        }
        if t.starts_with(['#', ';']) {
            return Vec::new();
        }
        let Some((key, value)) = t.split_once('=') else { return Vec::new() };
        if !EXEC_KEYS.contains(&key.trim()) {
            return Vec::new();
        }
        let value = value.trim();
        match value.strip_suffix('\\') {
            Some(head) => {
                self.continued = Some(head.to_owned());
                Vec::new()
            }
            None if value.is_empty() => Vec::new(),
            None => vec![exec_command(value)],
        }
    }
}

/// `line`, a command an image build runs (`RUN`), without its commands
/// that remove files (`rm -rf /var/lib/postgresql/data/*`): a build's
/// files are the image's, never a running datastore's, so such a removal
/// is a step of making the image (an official database image's own
/// Dockerfile clears its data folder so), while what a build runs against
/// the world (`dropdb -h ...`, `terraform destroy`) is kept. Commands are
/// split at `&&`, `||`, `;` and `|` outside quotes; a command is a
/// removal when its first word, past `sudo` and variable settings, is
/// `rm`. A line with a command substitution or ANSI-C quoting is kept
/// whole.
fn without_file_removals(line: &str) -> String {
    // (A substitution or ANSI-C quoting, which this split does not read
    // as the shell does: the line kept whole.)
    if ["`", "$(", "$'", "<(", ">("].iter().any(|s| line.contains(s)) {
        return line.to_owned();
    }
    fn keep<'a>(part: &'a str, kept: &mut Vec<&'a str>) {
        let first = part
            .split_whitespace()
            .find(|w| !w.contains('=') && !matches!(*w, "sudo" | "env" | "exec" | "command"))
            .unwrap_or_default();
        if !part.trim().is_empty() && super::commands::tool_name(first) != "rm" {
            kept.push(part.trim());
        }
    }
    let mut kept = Vec::new();
    let (mut start, mut quoting, mut before) = (0, Quoting::default(), ' ');
    let mut chars = line.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        let previous = std::mem::replace(&mut before, c);
        if !quoting.outside(c) {
            continue;
        }
        match c {
            // (Not a redirection's `>&` or `<&`.)
            '&' if matches!(previous, '>' | '<') => {}
            '&' | '|' | ';' => {
                keep(line.get(start..at).unwrap_or_default(), &mut kept);
                // (`&&`, `||`: one separator.)
                if c != ';' && chars.peek().is_some_and(|&(_, n)| n == c) {
                    chars.next();
                }
                start = chars.peek().map_or(line.len(), |&(a, _)| a);
            }
            _ => {}
        }
    }
    keep(line.get(start..).unwrap_or_default(), &mut kept);
    kept.join(" && ")
}

/// A shell's quoting, read a character at a time: single quotes (nothing
/// inside escapes), double quotes and backslash escapes.
#[derive(Debug, Default)]
struct Quoting {
    quote: Option<char>,
    escaped: bool,
}

impl Quoting {
    /// Whether `c`, the next character, stands outside quotes and
    /// unescaped (and is no quote or escape character itself).
    fn outside(&mut self, c: char) -> bool {
        if std::mem::take(&mut self.escaped) {
            return false;
        }
        match (self.quote, c) {
            (Some('\''), '\'') => self.quote = None,
            (Some('\''), _) => {}
            (_, '\\') => self.escaped = true,
            (Some(q), c) if c == q => self.quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => self.quote = Some(c),
            (None, _) => return true,
        }
        false
    }
}

/// Where the first word of `text` ends: at its first blank outside
/// quotes (`--mount=type=bind,source="my dir",target=/x`).
fn word_end(text: &str) -> usize {
    let mut quoting = Quoting::default();
    text.char_indices().find(|&(_, c)| quoting.outside(c) && c.is_whitespace()).map_or(text.len(), |(at, _)| at)
}

/// The words of a Dockerfile instruction's exec form (a JSON list of
/// strings), if it is one.
fn exec_form(text: &str) -> Option<Vec<String>> {
    if !text.starts_with('[') {
        return None;
    }
    let items: Vec<serde_json::Value> = serde_json::from_str(text).ok()?;
    items.iter().map(|i| i.as_str().map(str::to_owned)).collect()
}

/// The command lines of a Dockerfile instruction's command: the exec
/// form's words ([`argv_lines`]), or the shell form's text, a line.
fn docker_command(text: &str) -> Vec<String> {
    match exec_form(text) {
        Some(words) => argv_lines(&words),
        None if text.trim().is_empty() => Vec::new(),
        None => vec![text.to_owned()],
    }
}

/// The here-documents a `RUN` command opens, in order: each `<<WORD`,
/// `<<-WORD` or `<<"WORD"` outside quotes (`echo "<<EOF"` opens none),
/// its word up to a blank, quote or operator (`<<no-recommends`), read
/// as the script itself when nothing else is in its command (`RUN
/// <<EOF`, `RUN <<A sh`), as a program when an interpreter reads it from
/// standard input (`python3 <<EOF`), else fed to its command.
fn heredocs(command: &str) -> Vec<Heredoc> {
    let mut out = Vec::new();
    let (mut quoting, mut segment) = (Quoting::default(), 0usize);
    let chars: Vec<(usize, char)> = command.char_indices().collect();
    let mut i = 0;
    while let Some(&(at, c)) = chars.get(i) {
        i += 1;
        if !quoting.outside(c) {
            continue;
        }
        match c {
            ';' | '&' | '|' | '(' => segment = at + c.len_utf8(),
            '<' if chars.get(i).is_some_and(|&(_, n)| n == '<') && chars.get(i + 1).is_none_or(|&(_, n)| n != '<') => {
                i += 1;
                let strip_tabs = chars.get(i).is_some_and(|&(_, n)| n == '-');
                if strip_tabs {
                    i += 1;
                }
                let rest = chars.get(i).map_or("", |&(a, _)| command.get(a..).unwrap_or_default());
                let quoted = rest.trim_start_matches(['"', '\'']);
                let end: String = quoted
                    .chars()
                    .take_while(|c| {
                        !c.is_whitespace() && !matches!(c, '"' | '\'' | ';' | '&' | '|' | '<' | '>' | '(' | ')')
                    })
                    .collect();
                if end.is_empty() {
                    continue;
                }
                i += (rest.len() - quoted.len()) + end.chars().count();
                let before = command.get(segment..at).unwrap_or_default();
                let own = format!("{before}<<{end}");
                let program = super::pipelines::interpreter_heredoc(&own)
                    .map(|(language, _)| super::programs::ProgramReader::new(language));
                let fed = !before.trim().is_empty();
                out.push(Heredoc { end, strip_tabs, fed, program });
            }
            _ => {}
        }
    }
    out
}

/// The command line of a systemd `Exec*=` value: each command of it (they
/// are separated by a lone `;`) without systemd's prefixes (`-`, `@`,
/// `+`, `!`, `!!`, `:`, `|`), and, after `@`, without the second word
/// (the name the program is given, not an argument).
fn exec_command(value: &str) -> String {
    let commands: Vec<String> = value
        .split(" ; ")
        .map(|command| {
            let command = command.trim_start();
            let bare = command.trim_start_matches(['-', '@', '+', '!', ':', '|']);
            let prefixes = command.get(..command.len() - bare.len()).unwrap_or_default();
            if !prefixes.contains('@') {
                return bare.to_owned();
            }
            let mut words = bare.split_whitespace();
            let program = words.next().unwrap_or_default();
            let _name = words.next();
            std::iter::once(program).chain(words).collect::<Vec<_>>().join(" ")
        })
        .collect();
    commands.join(" ; ")
}

/// The command lines of a command's words, read as a health check's are
/// too (a Compose healthcheck's `test:`, an ECS container's
/// `healthCheck` `command`): after `CMD`, one command's words; after
/// `CMD-SHELL`, or as a string, a shell's line; `NONE` runs nothing. A
/// list of no such first word is one command's words ([`argv_lines`]).
pub(super) fn command_lines(items: &[String]) -> Vec<String> {
    match items.split_first() {
        Some((first, _)) if first == "NONE" => Vec::new(),
        Some((first, rest)) if first == "CMD" => argv_lines(rest),
        Some((first, rest)) if first == "CMD-SHELL" => {
            rest.iter().flat_map(|r| r.lines()).map(str::to_owned).filter(|l| !l.trim().is_empty()).collect()
        }
        Some((one, [])) => one.lines().map(str::to_owned).filter(|l| !l.trim().is_empty()).collect(),
        _ => argv_lines(items),
    }
}

/// `lines` with each list nested in a list item written as a flow list
/// (`- - kubectl` then `  - delete` below it is `- ["kubectl",
/// "delete"]`): cloud-init's item of a command's words.
fn nested_lists(lines: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(lines.len());
    // The list being gathered: its outer item's indent, its items' column,
    // its words.
    let mut nested: Option<(usize, usize, Vec<String>)> = None;
    let flush = |nested: &mut Option<(usize, usize, Vec<String>)>, out: &mut Vec<String>| {
        if let Some((indent, _, words)) = nested.take() {
            let words: Vec<String> = words.iter().map(|w| serde_json::Value::from(w.as_str()).to_string()).collect();
            out.push(format!("{}- [{}]", " ".repeat(indent), words.join(", ")));
        }
    };
    for line in lines {
        let indent = line.len() - line.trim_start().len();
        let t = line.trim();
        if let Some((_, column, words)) = nested.as_mut()
            && indent == *column
            && let Some(word) = t.strip_prefix("- ")
        {
            words.push(super::pipelines::unquote_scalar(word));
            continue;
        }
        flush(&mut nested, &mut out);
        match t.strip_prefix("- ").map(str::trim_start).and_then(|r| r.strip_prefix("- ")) {
            Some(word) => nested = Some((indent, indent + 2, vec![super::pipelines::unquote_scalar(word)])),
            None => out.push(line.clone()),
        }
    }
    flush(&mut nested, &mut out);
    out
}

/// The lines a command's words run as: one word (a string value) as it is
/// written; more, joined by blanks, a word with blanks in single quotes
/// (`["sh", "-c", "dropdb orders"]` is `sh -c 'dropdb orders'`), a word of
/// several lines left unquoted so that each of its lines is read as one.
pub(super) fn argv_lines(words: &[String]) -> Vec<String> {
    argv_text(words).lines().map(str::to_owned).filter(|l| !l.trim().is_empty()).collect()
}

/// The text a command's words are read as (see [`argv_lines`]), before it
/// is cut into lines.
fn argv_text(words: &[String]) -> String {
    match words {
        [one] => one.clone(),
        _ => words
            .iter()
            .map(|w| match w.contains(char::is_whitespace) && !w.contains('\n') {
                true => format!("'{}'", w.replace('\'', "'\\''")),
                false => w.clone(),
            })
            .collect::<Vec<_>>()
            .join(" "),
    }
}

/// The command lines a JSON value holds under `keys` (a string, or a
/// list of a command's words), wherever they are in it.
fn json_commands(value: &serde_json::Value, keys: &[&str]) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![value];
    while let Some(v) = stack.pop() {
        match v {
            serde_json::Value::Object(map) => {
                let mut pair = Pair::default();
                for (k, v) in map {
                    let key = k.to_ascii_lowercase();
                    if !keys.contains(&key.as_str()) {
                        stack.push(v);
                        continue;
                    }
                    let words: Vec<String> = match v {
                        serde_json::Value::String(s) => vec![s.clone()],
                        serde_json::Value::Array(items) => {
                            items.iter().filter_map(|i| i.as_str().map(str::to_owned)).collect()
                        }
                        _ => Vec::new(),
                    };
                    out.extend(command_lines(&words));
                    let both = pair.set(&key, words);
                    out.extend(both.iter().flat_map(|l| l.lines().map(str::to_owned)));
                }
            }
            serde_json::Value::Array(items) => stack.extend(items),
            _ => {}
        }
    }
    out
}
