//! Commands a Terraform configuration runs itself: a `local-exec` or
//! `remote-exec` provisioner's, run by `terraform apply` when its resource
//! is made (or destroyed, `when = destroy`), and an `external` data
//! source's program, run by every `terraform plan`. They destroy what
//! they name as a pipeline's commands do: a `null_resource` whose
//! `local-exec` runs `aws rds delete-db-instance` deletes a database,
//! though no resource block says so.

use std::collections::BTreeMap;

use super::manifests::{MAX_EMPTIED_TEXT, MAX_TYPES_READ, uncomment_config};
use super::pipelines::script_text_destroys;

/// Most lines of one heredoc or list read as a command; past it, what is
/// read so far counts.
const MAX_COMMAND_LINES: usize = 4096;

/// The command texts a Terraform text runs: each `command` of a
/// `provisioner "local-exec"` block (a string or a heredoc), each string
/// of a `provisioner "remote-exec"` block's `inline` list, and each string
/// of a `data "external"` block's `program` list, in order. Comments are
/// skipped; nothing is read past [`MAX_EMPTIED_TEXT`] or from a text with
/// a NUL byte.
///
/// ```
/// use blastgate_ingest::git::terraform_commands;
/// let text = b"resource \"null_resource\" \"reset\" {\n  provisioner \"local-exec\" {\n    command = \"psql -c \\\"DROP DATABASE orders\\\"\"\n  }\n}\n";
/// assert_eq!(terraform_commands(text), ["psql -c \"DROP DATABASE orders\""]);
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
    let mut depth = 0i64;
    let mut at = 0usize;
    while let Some(&line) = lines.get(at) {
        at += 1;
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
                // A heredoc: its lines up to its marker, one script.
                let marker = marker.trim_start_matches('-').trim();
                let mut script = String::new();
                let mut read = 0usize;
                while let Some(&body) = raw_lines.get(at) {
                    at += 1;
                    read += 1;
                    if body.trim() == marker || read > MAX_COMMAND_LINES {
                        break;
                    }
                    script.push_str(body);
                    script.push('\n');
                }
                found.push(script);
            } else if value.starts_with('[') {
                // A list, over lines until its brackets close: its strings.
                let balance = |text: &str| text.matches('[').count() as i64 - text.matches(']').count() as i64;
                let mut list = value.to_owned();
                let (mut open, mut read) = (balance(value), 0usize);
                while open > 0 && read < MAX_COMMAND_LINES {
                    let Some(&more) = lines.get(at) else { break };
                    at += 1;
                    read += 1;
                    open += balance(more);
                    list.push('\n');
                    list.push_str(more);
                }
                found.extend(strings(&list));
            } else if value.starts_with('"') {
                found.extend(strings(value).into_iter().take(1));
            }
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
    found.truncate(MAX_TYPES_READ);
    found
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
