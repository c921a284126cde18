//! Commands a Terraform configuration runs itself: a `local-exec` or
//! `remote-exec` provisioner's, run by `terraform apply` when its resource
//! is made (or destroyed, `when = destroy`), and an `external` data
//! source's program, run by every `terraform plan`. They destroy what
//! they name as a pipeline's commands do: a `null_resource` whose
//! `local-exec` runs `aws rds delete-db-instance` deletes a database,
//! though no resource block says so. So do the commands a configuration
//! has what it makes run (a red team's misses): a machine's boot script
//! (`user_data`, `custom_data`, `metadata_startup_script`), run as root
//! at its first boot, and an ECS task definition's containers' `command`
//! and `entryPoint` (`container_definitions`).

use std::collections::BTreeMap;

use super::manifests::{MAX_EMPTIED_TEXT, MAX_TYPES_READ, heredoc_start, uncomment_config};
use super::pipelines::script_text_destroys;
use super::places::{Pair, Place, PlaceReader, argv_lines, command_lines};

/// Most lines of one heredoc or list read as a command; past it, what is
/// read so far counts.
const MAX_COMMAND_LINES: usize = 4096;

/// The attributes whose value a machine runs when it first boots: an
/// `aws_instance`'s or launch template's `user_data` (and
/// `user_data_base64`), an Azure machine's `custom_data`, a Google
/// instance's `metadata_startup_script` (or its `metadata`'s
/// `startup-script`), and the `startup_script` other providers name.
const BOOT_KEYS: [&str; 6] =
    ["user_data", "user_data_base64", "custom_data", "metadata_startup_script", "startup_script", "startup-script"];

/// The attribute whose value an ECS task definition's containers are:
/// each one's `command` and `entryPoint` run in it.
const CONTAINERS_KEY: &str = "container_definitions";

/// The functions a boot script is passed through unchanged in what it
/// runs (`base64encode(<<-EOF ... EOF)`).
const ENCODINGS: [&str; 5] = ["base64encode(", "base64gzip(", "trimspace(", "chomp(", "textencodebase64("];

/// The command texts a Terraform text runs: each `command` of a
/// `provisioner "local-exec"` block (a string or a heredoc), each string
/// of a `provisioner "remote-exec"` block's `inline` list, and each string
/// of a `data "external"` block's `program` list; a machine's boot script
/// (`user_data`, `custom_data`, `metadata_startup_script`,
/// `startup_script`: a heredoc or a string, read as a shell script, or as
/// a cloud-init config's `runcmd:` and `bootcmd:` when its first line is
/// `#cloud-config`); and the `command` and `entryPoint` of each container
/// of an ECS task definition's `container_definitions` (`jsonencode([...])`
/// or a JSON heredoc), in order. Comments are skipped; nothing is read
/// past [`MAX_EMPTIED_TEXT`] or from a text with a NUL byte. A heredoc
/// longer than 4,096 lines (`MAX_COMMAND_LINES`) is read in pieces.
///
/// ```
/// use blastgate_ingest::git::terraform_commands;
/// let text = b"resource \"null_resource\" \"reset\" {\n  provisioner \"local-exec\" {\n    command = \"psql -c \\\"DROP DATABASE orders\\\"\"\n  }\n}\n";
/// assert_eq!(terraform_commands(text), ["psql -c \"DROP DATABASE orders\""]);
/// let boot = b"resource \"aws_instance\" \"db\" {\n  user_data = <<-EOF\n    #!/bin/bash\n    dropdb orders\n  EOF\n}\n";
/// assert_eq!(terraform_commands(boot), ["#!/bin/bash\ndropdb orders\n"]);
/// ```
pub fn terraform_commands(text: &[u8]) -> Vec<String> {
    let mut found = Vec::new();
    if text.len() > MAX_EMPTIED_TEXT || text.contains(&0) {
        return found;
    }
    let raw = String::from_utf8_lossy(text).replace("\r\n", "\n").replace('\r', "\n");
    let text = uncomment_config(&raw);
    let lines: Vec<&str> = text.lines().collect();
    // (A heredoc's lines as written: no comment of HCL's, `s3://x` is no
    // `//`. Comments are blanked line for line, so the lines match.)
    let raw_lines: Vec<&str> = raw.lines().collect();
    // The argument that runs commands in the block being read
    // (`command`, `inline` or `program`), and the depth of braces at
    // which that block closes.
    let mut runs: Option<(&str, i64)> = None;
    // A `container_definitions = jsonencode(...)` being read, over lines:
    // the lines are still read as the configuration's too, so a value
    // that never closes hides nothing after it.
    let mut containers: Option<Containers> = None;
    let mut depth = 0i64;
    let mut at = 0usize;
    while let Some(&line) = lines.get(at) {
        at += 1;
        let next = at;
        if let Some(reading) = containers.as_mut() {
            reading.feed(line);
            reading.feed("\n");
            if reading.done() {
                found.extend(containers.take().map(Containers::finish));
            }
        }
        let squeezed: String = line.chars().filter(|c| !c.is_whitespace()).collect();
        if runs.is_none() {
            let argument = if squeezed.starts_with("provisioner\"local-exec\"") {
                Some("command")
            } else if squeezed.starts_with("provisioner\"remote-exec\"") {
                Some("inline")
            } else if squeezed.starts_with("data\"external\"") {
                Some("program")
            } else {
                None
            };
            if let Some(argument) = argument {
                runs = Some((argument, depth));
            }
        }
        // (The argument on the block's own line too, a block written on
        // one line: `provisioner "local-exec" { command = "..." }`.)
        let own = match runs {
            Some((_, outside)) if outside == depth => line.split_once('{').map_or("", |(_, rest)| rest),
            _ => line,
        };
        if let Some((argument, _)) = runs
            && let Some(value) = own.trim_start().strip_prefix(argument)
            && let Some(value) = value.trim_start().strip_prefix('=')
            && !value.starts_with('=')
        {
            let value = value.trim();
            if let Some(marker) = value.strip_prefix("<<") {
                // A heredoc: its lines up to its marker, one script (in
                // pieces past MAX_COMMAND_LINES lines).
                found.extend(heredoc(&raw_lines, &mut at, marker).chunks(MAX_COMMAND_LINES).map(|c| c.concat()));
            } else if value.starts_with('[') {
                // A list, over lines until its brackets close: its strings.
                let balance = |text: &str| text.matches('[').count() as i64 - text.matches(']').count() as i64;
                // (Past MAX_COMMAND_LINES lines, in pieces: a quoted
                // string holds no line break in HCL. The rest of a longer
                // list was read as configuration, not as commands.)
                let mut list = value.to_owned();
                let (mut open, mut read) = (balance(value), 0usize);
                while open > 0 {
                    let Some(&more) = lines.get(at) else { break };
                    at += 1;
                    read += 1;
                    open += balance(more);
                    list.push('\n');
                    list.push_str(more);
                    if read >= MAX_COMMAND_LINES {
                        found.extend(strings(&std::mem::take(&mut list)));
                        read = 0;
                    }
                }
                found.extend(strings(&list));
            } else if value.starts_with('"') {
                found.extend(strings(value).into_iter().take(1));
            }
        } else if let Some((key, value)) = attribute(line) {
            let value = value.trim();
            if key == CONTAINERS_KEY {
                // (Its containers, a JSON heredoc or an HCL value over
                // lines: each one's `command` and `entryPoint`.)
                found.extend(containers.take().map(Containers::finish));
                match value.strip_prefix("<<") {
                    Some(marker) => {
                        let mut reading = Containers::default();
                        for body in heredoc(&raw_lines, &mut at, marker) {
                            reading.feed(&body);
                        }
                        found.push(reading.finish());
                    }
                    None => {
                        // (A value of no brackets, `file("x.json")`'s
                        // name or a reference, holds no containers.)
                        let mut reading = Containers::default();
                        reading.feed(value);
                        reading.feed("\n");
                        match (reading.opened, reading.done()) {
                            (true, true) => found.push(reading.finish()),
                            (true, false) => containers = Some(reading),
                            (false, _) => {}
                        }
                    }
                }
            } else {
                // (A boot script, maybe passed through an encoding:
                // `base64encode(<<-EOF`.)
                let mut value = value;
                while let Some(inner) = ENCODINGS.iter().find_map(|e| value.strip_prefix(e)) {
                    value = inner.trim_start();
                }
                if let Some(marker) = value.strip_prefix("<<") {
                    let body = heredoc(&raw_lines, &mut at, marker);
                    found.extend(boot_script(&body));
                } else if value.starts_with('"') {
                    let script = strings(value).into_iter().next().unwrap_or_default();
                    let body: Vec<String> = script.lines().map(|l| format!("{l}\n")).collect();
                    found.extend(boot_script(&body));
                }
            }
        }
        // (Any other heredoc's lines are its text, not the configuration:
        // a `user_data = <<EOF` written in one would otherwise take the
        // lines after it, to the next `EOF`, for its script.)
        if at == next
            && let Some(marker) = heredoc_start(line)
        {
            while raw_lines.get(at).is_some_and(|body| body.trim() != marker) {
                at += 1;
            }
            at += 1;
        }
        let (opens, closes) = (line.matches('{').count() as i64, line.matches('}').count() as i64);
        depth += opens - closes;
        if runs.is_some_and(|(_, outside)| depth <= outside && closes > 0) {
            runs = None;
        }
        if found.len() >= MAX_TYPES_READ {
            break;
        }
    }
    found.extend(containers.take().map(Containers::finish));
    found.retain(|f| !f.is_empty());
    // (Past MAX_TYPES_READ texts, the rest are read as one, line by line,
    // a blank line between two: 4,096 harmless `remote-exec` strings hid
    // a `dropdb` after them, a helper's finding. The text is bounded by
    // the file's.)
    if found.len() > MAX_TYPES_READ {
        let rest: String =
            found.split_off(MAX_TYPES_READ.saturating_sub(1)).iter().map(|t| format!("{t}\n\n")).collect();
        found.push(rest);
    }
    found
}

/// The attribute a line of HCL sets, if it is a boot script's
/// ([`BOOT_KEYS`]) or [`CONTAINERS_KEY`]: its key and the text after its
/// `=`. The line's own start is looked at, then the text after its first
/// `{` (a block on one line: `metadata = { startup-script = "..." }`).
fn attribute(line: &str) -> Option<(&'static str, &str)> {
    let set = |text: &str| -> Option<(&'static str, String)> {
        let (key, value) = text.split_once('=')?;
        let key = key.trim().trim_matches('"');
        let known = BOOT_KEYS.iter().chain([&CONTAINERS_KEY]).find(|k| **k == key)?;
        (!value.starts_with('=')).then(|| (*known, value.to_owned()))
    };
    let start = set(line.trim_start()).map(|(k, _)| (k, line.split_once('=').map_or("", |(_, v)| v)));
    start.or_else(|| {
        let (_, rest) = line.split_once('{')?;
        let (key, _) = set(rest.trim_start())?;
        Some((key, rest.split_once('=').map_or("", |(_, v)| v)))
    })
}

/// The lines of a heredoc whose opening follows `<<` in `marker`
/// (`-EOF`, `EOT`), from `raw_lines` at `at` up to its closing marker,
/// each ending in a line break; `at` is left past it. An indented
/// heredoc (`<<-`) loses the indent its lines share, as Terraform reads
/// it.
fn heredoc(raw_lines: &[&str], at: &mut usize, marker: &str) -> Vec<String> {
    let indented = marker.starts_with('-');
    let marker = marker.trim_start_matches('-').trim();
    let marker = marker.split(|c: char| !(c.is_alphanumeric() || c == '_')).next().unwrap_or(marker);
    let mut body: Vec<&str> = Vec::new();
    while let Some(&line) = raw_lines.get(*at) {
        *at += 1;
        if line.trim() == marker {
            break;
        }
        body.push(line);
    }
    let shared = match indented {
        true => body.iter().filter(|l| !l.trim().is_empty()).map(|l| l.len() - l.trim_start().len()).min().unwrap_or(0),
        false => 0,
    };
    body.iter().map(|l| format!("{}\n", l.get(shared..).unwrap_or_else(|| l.trim_start()))).collect()
}

/// The command texts of a machine's boot script (its lines, each ending
/// in a line break): a cloud-init config's `runcmd:` and `bootcmd:` items
/// when its first line is `#cloud-config`, else the script itself, read
/// as a shell's (in pieces of [`MAX_COMMAND_LINES`] lines).
fn boot_script(body: &[String]) -> Vec<String> {
    let first = body.iter().map(|l| l.trim()).find(|l| !l.is_empty()).unwrap_or_default();
    if !first.starts_with("#cloud-config") {
        return body.chunks(MAX_COMMAND_LINES).map(|c| c.concat()).collect();
    }
    let mut reader = PlaceReader::new(Place::CloudInit);
    let mut commands: Vec<String> = Vec::new();
    for line in body {
        commands.extend(reader.feed(line.trim_end_matches('\n')));
    }
    commands.extend(reader.finish());
    commands.chunks(MAX_COMMAND_LINES).map(|c| c.iter().map(|l| format!("{l}\n")).collect()).collect()
}

/// Most words of one container's `command` or `entryPoint` held, and
/// most bytes; past them, the words are read in pieces.
const MAX_HELD_WORDS: usize = 4096;
const MAX_HELD_BYTES: usize = 64 * 1024;

/// Most objects nested that keep a container's own pair of `entryPoint`
/// and `command` apart; deeper, the innermost pair is shared.
const MAX_NESTED: usize = 256;

/// Reads an ECS task definition's containers as Terraform writes them
/// (`jsonencode([{ command = ["sh", "-c", "..."] }])`, or JSON in a
/// heredoc), a character at a time: the strings of each `command` and
/// `entryPoint` (any case; `=` or `:` after the key), and the command
/// line of a container's entrypoint and command together, as places.rs
/// reads a task definition's. Linear in what is fed.
#[derive(Debug, Default)]
struct Containers {
    /// Brackets, braces and parentheses open, outside strings.
    depth: usize,
    /// Whether one has opened (a value that closes them all is read).
    opened: bool,
    /// The string being read, and whether its last character was `\`.
    string: Option<String>,
    escaped: bool,
    /// The word being read outside strings (a key, `null`, `var.x`).
    word: String,
    /// The last key-like token, lower-cased.
    last: Option<String>,
    /// The key whose value comes next (`command` or `entrypoint`).
    key: Option<String>,
    /// The words of that key's list being read, and its depth.
    list: Option<(Vec<String>, usize, usize)>,
    /// Each object's entrypoint and command, innermost last.
    pairs: Vec<(usize, Pair)>,
    /// The command lines read.
    out: Vec<String>,
}

impl Containers {
    /// Reads `text`.
    fn feed(&mut self, text: &str) {
        for c in text.chars() {
            self.char(c);
        }
    }

    /// Whether the value read is complete: what opened has closed.
    fn done(&self) -> bool {
        self.opened && self.depth == 0 && self.string.is_none()
    }

    /// The command lines read, one per line.
    fn finish(mut self) -> String {
        if let Some((words, _, _)) = self.list.take() {
            self.value(words);
        }
        self.out.iter().map(|l| format!("{l}\n")).collect()
    }

    fn char(&mut self, c: char) {
        if self.string.is_some() {
            let escaped = std::mem::take(&mut self.escaped);
            match (escaped, c) {
                (false, '\\') => self.escaped = true,
                (false, '"') => {
                    let done = self.string.take().unwrap_or_default();
                    self.token(done, true);
                }
                (escaped, c) => {
                    let c = match (escaped, c) {
                        (true, 'n') => '\n',
                        (true, 't') => '\t',
                        _ => c,
                    };
                    self.string.iter_mut().for_each(|s| s.push(c));
                }
            }
            return;
        }
        if c.is_alphanumeric() || matches!(c, '_' | '-' | '.') {
            if self.word.len() < MAX_HELD_BYTES {
                self.word.push(c);
            }
            return;
        }
        if !self.word.is_empty() {
            let word = std::mem::take(&mut self.word);
            self.token(word, false);
        }
        match c {
            '"' => self.string = Some(String::new()),
            ',' => self.last = None,
            '=' | ':' => {
                let key = self.last.take().filter(|k| k == "command" || k == "entrypoint");
                self.key = key;
            }
            '[' | '{' | '(' => {
                self.depth += 1;
                self.opened = true;
                if c == '[' && self.list.is_none() && self.key.is_some() {
                    self.list = Some((Vec::new(), 0, self.depth));
                } else if c == '{' && self.pairs.len() < MAX_NESTED {
                    self.pairs.push((self.depth, Pair::default()));
                }
                if c != '[' {
                    self.key = None;
                }
            }
            ']' | '}' | ')' => {
                if c == ']' && self.list.as_ref().is_some_and(|(_, _, d)| *d == self.depth) {
                    let words = self.list.take().map(|(w, _, _)| w).unwrap_or_default();
                    self.value(words);
                }
                if c == '}' && self.pairs.last().is_some_and(|(d, _)| *d == self.depth) {
                    self.pairs.pop();
                }
                self.depth = self.depth.saturating_sub(1);
            }
            _ => {}
        }
    }

    /// A string (`quoted`) or a bare word read.
    fn token(&mut self, text: String, quoted: bool) {
        if let Some((words, bytes, _)) = self.list.as_mut() {
            if quoted {
                *bytes += text.len();
                words.push(text);
                // (Past its bounds, a list is read in pieces.)
                if words.len() >= MAX_HELD_WORDS || *bytes >= MAX_HELD_BYTES {
                    let held = std::mem::take(words);
                    *bytes = 0;
                    self.out.extend(argv_lines(&held));
                }
            }
            return;
        }
        if self.key.is_some() {
            match quoted {
                true => self.value(vec![text]),
                false => self.key = None,
            }
            return;
        }
        self.last = Some(text.to_ascii_lowercase());
    }

    /// The value of the key read: its command lines, and the command line
    /// of its container's entrypoint and command when this completes them.
    fn value(&mut self, words: Vec<String>) {
        let Some(key) = self.key.take() else { return };
        self.out.extend(command_lines(&words));
        let both = self.pairs.last_mut().and_then(|(_, pair)| pair.set(&key, words));
        self.out.extend(both.iter().flat_map(|l| l.lines().map(str::to_owned)));
    }
}

/// What the commands a Terraform text runs ([`terraform_commands`])
/// destroy, read as a pipeline's script lines are, each kind with how
/// often it is named. A change that makes a kind more frequent destroys
/// it.
///
/// ```
/// use blastgate_ingest::git::terraform_commands_destroy;
/// let text = b"data \"external\" \"x\" {\n  program = [\"bash\", \"-c\", \"kubectl delete namespace orders\"]\n}\n";
/// assert_eq!(terraform_commands_destroy(text).get("Namespace"), Some(&1));
/// ```
pub fn terraform_commands_destroy(text: &[u8]) -> BTreeMap<String, usize> {
    let mut kinds: BTreeMap<String, usize> = BTreeMap::new();
    for command in terraform_commands(text) {
        for kind in script_text_destroys(&command) {
            if kinds.len() < MAX_TYPES_READ || kinds.contains_key(&kind) {
                *kinds.entry(kind).or_insert(0) += 1;
            }
        }
    }
    kinds
}

/// The double-quoted strings of an HCL value, unescaped (`\"`, `\\`,
/// `\n`, `\t`); an interpolation (`${...}`) is kept as written.
fn strings(value: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut current: Option<String> = None;
    let mut chars = value.chars();
    while let Some(c) = chars.next() {
        match (&mut current, c) {
            (None, '"') => current = Some(String::new()),
            (None, _) => {}
            (Some(s), '\\') => match chars.next() {
                Some('n') => s.push('\n'),
                Some('t') => s.push('\t'),
                Some(other) => s.push(other),
                None => {}
            },
            (Some(_), '"') => found.extend(current.take()),
            (Some(s), c) => s.push(c),
        }
    }
    found
}
