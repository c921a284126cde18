//! Command lines: how the shell reads a line (quotes, settings, aliases,
//! functions) and whether the command it runs destroys infrastructure or data.

use std::collections::BTreeMap;

use super::for_each_patch_line_of;
use super::guards::squeeze;
use super::hidden;
use super::manifests::clip_kind;
use super::migrations::{DESTRUCTIVE_CALLS, DESTRUCTIVE_STATEMENTS};
use super::pipelines::{PREFIXES, SHORT_LIVED, SHORT_LIVED_EXPRESSIONS, TEXT_KEYS, substitute, workspace_relative};
use super::tasks::TaskRunner;

/// Where databases, brokers and stores keep their files on a host, by
/// their default configuration (and `$PGDATA`, Postgres's own variable).
pub const DATA_DIRECTORIES: &[&str] = &[
    "/var/lib/postgresql",
    "/var/lib/pgsql",
    "$pgdata",
    "${pgdata}",
    "/var/lib/mysql",
    "/var/lib/mariadb",
    "/var/lib/mongodb",
    "/var/lib/mongo",
    "/data/db",
    "/var/lib/redis",
    "/var/lib/valkey",
    "/var/lib/elasticsearch",
    "/var/lib/opensearch",
    "/var/lib/cassandra",
    "/var/lib/scylla",
    "/var/lib/kafka",
    "/var/lib/zookeeper",
    "/var/lib/etcd",
    "/var/lib/clickhouse",
    "/var/lib/rabbitmq",
    "/var/lib/influxdb",
    "/var/lib/minio",
    "/var/lib/neo4j",
    "/var/lib/couchdb",
    "/var/lib/mssql",
    "/var/opt/mssql",
    "/var/lib/docker/volumes",
    "/var/lib/vault",
    "/var/lib/consul",
];

/// The type a removal of `path` destroys when the path is a datastore's
/// files on a host ([`DATA_DIRECTORIES`], or a file or folder below one):
/// `database directory /var/lib/postgresql`. Red team 11: Ansible's
/// `file: path=/var/lib/postgresql state=absent` and `rm -rf` of it in a
/// script counted nothing.
///
/// ```
/// use blastgate_ingest::git::data_directory_removed;
/// assert_eq!(data_directory_removed("/var/lib/postgresql/16/main").as_deref(), Some("database directory /var/lib/postgresql"));
/// assert_eq!(data_directory_removed("\"$PGDATA\"/").as_deref(), Some("database directory $pgdata"));
/// assert_eq!(data_directory_removed("/var/lib/postgresql-backups"), None);
/// assert_eq!(data_directory_removed("/tmp/build"), None);
/// ```
pub fn data_directory_removed(path: &str) -> Option<String> {
    let path = path.trim().trim_matches(['"', '\'']).to_ascii_lowercase();
    let path = path.replace("\"", "");
    DATA_DIRECTORIES
        .iter()
        .find(|d| path.strip_prefix(**d).is_some_and(|rest| rest.is_empty() || rest.starts_with(['/', '*'])))
        .map(|d| format!("database directory {d}"))
}

/// What a command's text (`sudo -u postgres rm -rf "$PGDATA"`, quotes
/// read as blanks) removes of a datastore's files
/// ([`data_directory_removed`]): `rm` with a recursive option (`-r`,
/// `-R`, `-rf`, `--recursive`), each of its paths; not where a word
/// before it prints text (`echo rm -rf ...`).
fn rm_destroys(command: &str) -> Vec<String> {
    let plain: String = command.chars().map(|c| if matches!(c, '"' | '\'' | '`') { ' ' } else { c }).collect();
    let words: Vec<&str> = plain.split_whitespace().collect();
    let Some(start) = words.iter().position(|w| tool_name(w) == "rm") else { return Vec::new() };
    let printed = words.get(..start).unwrap_or_default().iter().any(|w| {
        matches!(w.to_ascii_lowercase().as_str(), "echo" | "printf" | "print" | "write-host" | "write-output" | "log")
    });
    let Some(args) = words.get(start + 1..).filter(|_| !printed) else { return Vec::new() };
    let recursive = args
        .iter()
        .any(|a| *a == "--recursive" || (a.starts_with('-') && !a.starts_with("--") && a.contains(['r', 'R'])));
    if !recursive {
        return Vec::new();
    }
    args.iter().filter(|a| !a.starts_with('-')).filter_map(|a| data_directory_removed(a)).collect()
}

/// SQL clients, whose commands run the SQL a script line holds.
const SQL_CLIENTS: &[&str] = &[
    "psql",
    "pgcli",
    "mysql",
    "mariadb",
    "mycli",
    "sqlcmd",
    "sqlite3",
    "duckdb",
    "cockroach",
    "clickhouse-client",
    "clickhouse",
    "snowsql",
    "cqlsh",
    "trino",
    "presto",
    "usql",
    "vsql",
    "sqlplus",
    "isql",
    "bq",
];

/// Whether a command's text (lower case, blanks collapsed) drops a
/// database, schema or table (`DROP TABLE`) or empties a table (`TRUNCATE
/// TABLE`); or, on a line that is SQL (`sql`: it runs a SQL client, or
/// is a statement ending in `;`), `TRUNCATE` followed by a name or a
/// `DELETE FROM` with no `WHERE`. A `DELETE` of some rows is routine
/// work, and the shell's own `truncate` takes an option first
/// (`truncate -s 0 app.log`).
fn sql_empties(text: &str, sql: bool) -> bool {
    // (`DROP KEYSPACE`: Cassandra's and ScyllaDB's database.)
    if ["drop database", "drop schema", "drop table", "truncate table", "drop keyspace"]
        .iter()
        .any(|s| text.contains(s))
    {
        return true;
    }
    if !sql {
        return false;
    }
    let words: Vec<&str> =
        text.split(|c: char| !(c.is_alphanumeric() || matches!(c, '_' | '-'))).filter(|w| !w.is_empty()).collect();
    let truncate = truncates(text);
    let delete = words.windows(2).any(|w| w == ["delete", "from"]) && !words.contains(&"where");
    truncate || delete
}

/// Whether a text (lower case) truncates a table: `TRUNCATE t`, `TRUNCATE
/// TABLE t`, a query builder's `.truncate()` or `->truncate()`; not a
/// privilege or a trigger's event (`GRANT TRUNCATE ON t`, `BEFORE
/// TRUNCATE ON t`) nor MySQL's `TRUNCATE(x, 2)`, which rounds a number
/// (a red team's false alarms: `REVOKE TRUNCATE` in a migration was
/// irreversible, `SELECT TRUNCATE(total, 2)` blocked).
pub(super) fn truncates(text: &str) -> bool {
    let word = |c: char| c.is_alphanumeric() || c == '_';
    text.match_indices("truncate").any(|(at, found)| {
        let before = text.get(..at).unwrap_or_default();
        let after = text.get(at + found.len()..).unwrap_or_default();
        if before.chars().next_back().is_some_and(word) || after.chars().next().is_some_and(word) {
            return false;
        }
        let next = after.trim_start();
        if next.starts_with('(') {
            return before.ends_with('.') || before.ends_with("->");
        }
        let name: String = next.trim_start_matches(['"', '`', '[', '\'']).chars().take_while(|c| word(*c)).collect();
        !name.is_empty() && name != "on"
    })
}

/// Whether a SQL script a client runs drops a database, schema or table,
/// or empties a table: any of its statements (split at `;`, comments read
/// as blanks, lower case) as [`sql_empties`] reads a SQL line. An
/// `UPDATE`, or a `DELETE` with a `WHERE`, is a data fix, as on a
/// command line.
pub(super) fn sql_script_empties(text: &str) -> bool {
    let plain = sql_literals_blanked(&uncomment(text)).to_lowercase();
    plain.split(';').any(|statement| {
        let statement: String = statement.split_whitespace().collect::<Vec<_>>().join(" ");
        sql_empties(&statement, true)
    })
}

/// `text` with SQL's literal text blanked: strings in single quotes
/// (`''` inside them), and dollar-quoted bodies (`$$ ... $$`,
/// `$fn$ ... $fn$`: a function defined, whose statements run only when it
/// is called; red team 31: a file defining a function that deletes its
/// own scratch rows read as emptying a table).
fn sql_literals_blanked(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    // (Once a dollar tag is not closed, `$` is read as text from there:
    // each search for a closing tag then runs once, not once a tag.)
    let mut dollars = true;
    while let Some(at) = rest.find(|c: char| c == '\'' || (dollars && c == '$')) {
        out.push_str(rest.get(..at).unwrap_or_default());
        let from = rest.get(at..).unwrap_or_default();
        if let Some(body) = from.strip_prefix('\'') {
            // To the closing quote on the same line, `''` being a quote
            // inside; a quote not closed on its line is kept, so that a
            // stray one cannot hide the statements after it.
            let mut chars = body.char_indices().peekable();
            let mut end = None;
            while let Some((i, c)) = chars.next() {
                match c {
                    '\n' => break,
                    '\'' if chars.peek().is_some_and(|(_, n)| *n == '\'') => {
                        chars.next();
                    }
                    '\'' => {
                        end = Some(i);
                        break;
                    }
                    _ => {}
                }
            }
            match end {
                Some(e) => {
                    out.push(' ');
                    rest = body.get(e + 1..).unwrap_or_default();
                }
                None => {
                    out.push('\'');
                    rest = body;
                }
            }
            continue;
        }
        // `$tag$`: a tag of letters, digits and `_`, or none.
        let tag_len = from.get(1..).and_then(|b| b.find('$')).filter(|&n| {
            from.get(1..1 + n).is_some_and(|tag| tag.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
        });
        match tag_len {
            Some(n) => {
                let tag = from.get(..n + 2).unwrap_or("$$");
                let body = from.get(n + 2..).unwrap_or_default();
                // (Not closed: kept, the text after it read.)
                match body.find(tag) {
                    Some(e) => {
                        out.push(' ');
                        rest = body.get(e + tag.len()..).unwrap_or_default();
                    }
                    None => {
                        out.push_str(tag);
                        rest = body;
                        dollars = false;
                    }
                }
            }
            None => {
                out.push('$');
                rest = from.get(1..).unwrap_or_default();
            }
        }
    }
    out.push_str(rest);
    out
}

/// The types that the commands of one script line destroy.
pub(super) fn commands_destroy(line: &str, resets: Option<&str>) -> Vec<String> {
    commands_destroy_within(line, resets, 0)
}

/// [`commands_destroy`] of a line that code on another line runs,
/// `depth` such lines in (inline code read as its language runs command
/// lines, which may hand code on again: read two deep).
fn commands_destroy_within(line: &str, resets: Option<&str>, depth: u8) -> Vec<String> {
    // (What the file's other lines aim frameworks at, and this line.)
    let resets: Option<String> = resets.map(|marks| format!("{marks} {}", production_marks(line).join(" ")));
    let trimmed = line.trim_start().trim_start_matches("- ").trim_start();
    let lower_start = trimmed.to_ascii_lowercase();
    // (A substitution's body is the shell's: there only `#` starts a
    // comment, and `$(//usr/bin/dropdb orders)` runs a path.)
    let comment = trimmed.starts_with('#')
        || (depth == 0 && (trimmed.starts_with(';') || trimmed.starts_with("//") || lower_start.starts_with("rem ")));
    let text = TEXT_KEYS.iter().any(|k| lower_start.starts_with(k));
    let mut types: Vec<String> = Vec::new();
    // What a command substitution runs, wherever it is on the line (red
    // team: `echo "$(dropdb orders)"`, `rm -rf "/tmp/$(dropdb orders)"`
    // and `` echo "`dropdb orders`" `` counted nothing: text in double
    // quotes is an argument, but the shell runs what it substitutes into
    // it). Every depth is found here, so the bodies are read once each.
    // On a line that reads as a comment or a key's text, only `$(...)`:
    // such a line may be a here-document's or a string's, which the
    // shell substitutes into (`# generated by $(...)` in a file a script
    // writes), while backquotes there are mostly Markdown (`# run
    // `terraform destroy` by hand`); the same for a key's value that no
    // shell is handed (`description:`, `if:`; a line's `run:` is read
    // whole).
    if depth == 0 {
        let key = trimmed.split_whitespace().next().is_some_and(|first| {
            let key = first.trim_matches('"');
            key.len() > 1 && key.ends_with(':') && !PREFIXES.contains(&key) && !key.contains(['$', '(', '`', '/'])
        });
        // (A comment's own marker is no comment in the text it may be.)
        let scanned = if comment { trimmed.trim_start_matches(['#', ';', '/']) } else { line };
        match substitutions(scanned, !(comment || text || key)) {
            Some(bodies) => {
                for body in bodies {
                    // (Make's `$(shell ...)` runs its text while the
                    // Makefile is read: `X := $(shell dropdb orders)`.)
                    let trimmed = body.trim_start();
                    let body = trimmed.strip_prefix("shell").filter(|r| r.starts_with([' ', '\t'])).unwrap_or(body);
                    types.extend(commands_destroy_within(body, resets.as_deref(), 1));
                }
            }
            None => types.push(hidden::HIDDEN_COMMAND.to_owned()),
        }
    }
    if comment || text {
        return types;
    }
    // A local action or reusable workflow runs what it holds (unless its
    // name says it is for a short-lived environment).
    if let Some(call) = super::tasks::local_action(line) {
        types.extend(call.kind().filter(|_| !short_lived(&call.file)));
        return types;
    }
    // A trailing comment says nothing that runs.
    let line = line.split(" #").next().unwrap_or(line);
    // `-target="a.b"`: the value, without its quotes (quotes split the
    // line below).
    let line = unquote_values(&tight_expressions(&make_variables(&shell_forms(&inert_text_quieted(line)))));
    // Text the line decodes and runs, from what it does not show
    // (`echo "$P" | base64 -d | sh`): unreadable, so it counts as
    // destroying, whatever environment the line names (what it names may
    // be the decoy). A literal it decodes was written out above.
    if hidden::runs_hidden_code(&line) {
        types.push(hidden::HIDDEN_COMMAND.to_owned());
    }
    // Code handed to another language on the line (`python3 -c "..."`):
    // the command lines it runs, read as a script of that language's are.
    if depth < 2 {
        for command in hidden::inline_code_commands(&line) {
            types.extend(commands_destroy_within(&command, resets.as_deref(), depth + 1));
        }
    }
    // A Terraform variable that turns a guard off, set in the
    // environment (`export TF_VAR_deletion_protection=false`, a job's
    // `TF_VAR_deletion_protection: "false"`): set for the applies after it.
    // (Before a command on its line, it is that command's: read with it
    // below, where its environment is known.)
    if !["terraform", "tofu", "terragrunt"].iter().any(|t| line.contains(t)) {
        types.extend(terraform_environment_guards(&line).into_iter().map(|g| format!("{UNGUARD}{g}")));
    }
    // Terraform's arguments set in the environment (`TF_CLI_ARGS_apply:
    // "-destroy"`, a job's or an `export`): every apply after it destroys
    // (red team 29).
    types.extend(terraform_cli_args_destroy(&line));
    // The folder a `cd` earlier on the line moved to, for tasks run by
    // name after it (`cd infra && make destroy`).
    let mut cd: Option<String> = None;
    // Whether the line is SQL: it runs a SQL client (`echo "..." | psql`)
    // or is a statement ending in `;` (a here-document's), where
    // `TRUNCATE orders` and `DELETE FROM` are SQL rather than words of a
    // message.
    let sql_client = line.trim_end().ends_with(';')
        || line.split(|c: char| c.is_whitespace() || matches!(c, '|' | ';' | '&' | '(' | '"' | '\'' | '`')).any(|w| {
            let name = w.rsplit('/').next().unwrap_or(w).to_ascii_lowercase();
            SQL_CLIENTS.contains(&name.trim_end_matches(".exe"))
        });
    // Whether the line runs `ssh`: what follows it on the line runs on
    // another host (`ssh db-1 'cd /srv && docker compose down -v'` is
    // split at its `&&` below).
    let ssh_line = line.contains("ssh")
        && line.split([';', '|', '&', '(', '`', '"', '\'']).any(|piece| {
            // (Past the words before a command, settings too: `X=1 ssh
            // host ...`.)
            let words: Vec<&str> = piece
                .split_whitespace()
                .skip_while(|w| PREFIXES.contains(w) || (w.contains('=') && !w.starts_with('-')))
                .collect();
            ssh_command(&words).is_some()
        });
    for command in line.split([';', '|', '&']) {
        let lower = command.to_ascii_lowercase();
        let mut words = command.split_whitespace().skip_while(|w| PREFIXES.contains(w));
        // (`cd`, `pushd`; a Makefile recipe's `@cd`.)
        if words.next().map(|w| w.trim_start_matches(['@', '-', '+'])).is_some_and(|w| matches!(w, "cd" | "pushd")) {
            let dir = words.next().unwrap_or_default().trim_matches(['"', '\'']);
            let dir = workspace_relative(dir).trim_end_matches('/');
            let known = !dir.is_empty() && !dir.starts_with(['/', '~', '-']) && !dir.contains('$');
            cd = known.then(|| match cd.take() {
                Some(before) => format!("{before}/{dir}"),
                None => dir.to_owned(),
            });
            continue;
        }
        // SQL run from a script: a database, schema or table dropped, or a
        // table emptied (red team 11: `psql -c "DROP TABLE orders"` and
        // `TRUNCATE` counted nothing).
        let sql: String = lower.split_whitespace().collect::<Vec<_>>().join(" ");
        // (A search for a statement is no statement: `grep -q "DROP
        // TABLE" db/*.sql`, unless the line feeds a SQL client.)
        let searches = command
            .split_whitespace()
            .find(|w| !PREFIXES.contains(w) && !w.contains('='))
            .is_some_and(|w| SEARCH_TOOLS.contains(&tool_name(w)));
        if (sql_client || !searches) && !short_lived(&lower) && sql_empties(&sql, sql_client) {
            types.push("database".to_owned());
        }
        // A datastore's files removed on a host (`rm -rf
        // /var/lib/postgresql/16/main`).
        if !short_lived(&lower) {
            types.extend(rm_destroys(command));
        }
        // Quoted text runs only where a shell is handed it (`sh '...'`,
        // `bash -c "..."`, `run: "..."`); elsewhere it is an argument
        // (`echo "terraform destroy"`, a log message).
        // Each with whether it was quoted text (whose command ends with it).
        let mut segments: Vec<(&str, bool)> = Vec::new();
        let mut runs_quoted = true;
        let mut quoted_before = "";
        for (i, part) in quote_parts(command).into_iter().enumerate() {
            if i % 2 == 1 {
                if runs_quoted {
                    segments.push((part, true));
                }
                quoted_before = part;
                continue;
            }
            // (`ssh deploy@db-1 "docker compose down -v"` runs its quoted
            // command there: on another host, as `ssh_line` says.)
            let part_words: Vec<&str> = part.split_whitespace().collect();
            let over_ssh = part_words.iter().position(|w| !PREFIXES.contains(w)).is_some_and(|at| {
                let rest = part_words.get(at..).unwrap_or_default();
                ssh_command(rest) == Some(rest.len())
            });
            let last = part.split_whitespace().next_back().unwrap_or_default();
            // (A `package.json` script, `"deploy": "..."`, runs; its
            // `"description": "..."` does not.)
            let json_script = part.trim() == ":"
                && !TEXT_KEYS.iter().any(|k| k.trim_end_matches(':').eq_ignore_ascii_case(quoted_before.trim()));
            // (A flow list of commands, `script: ["...", "..."]`, runs each.)
            let list = last.ends_with('[') && lower_start.contains("script") || (part.trim() == "," && runs_quoted);
            runs_quoted = json_script
                || list
                // (Text right after quoted text runs if that did: `"terraform"
                // "destroy"`, but not `printf "%s\n" "dropdb orders"`, whose
                // format is an argument: a false alarm.)
                || (part.trim().is_empty() && runs_quoted)
                || matches!(
                    last,
                    "sh" | "bash" | "zsh" | "-c" | "-ec" | "-xc" | "eval" | "exec" | "run:" | "script:" | "-"
                        // (A script named in quotes, `source "$HERE/x.sh"`.)
                        | "source" | "." | "python" | "python3" | "node" | "ruby" | "perl"
                )
                || last.ends_with("script:")
                || last.ends_with('(')
                // (A handler `trap` sets runs when the script exits or is
                // signalled: `trap 'dropdb orders' EXIT` was missed.)
                || last == "trap"
                || (last == "--" && part.split_whitespace().nth_back(1) == Some("trap"));
            runs_quoted |= over_ssh;
            segments.extend(part.split(['(', ')', '`']).map(|s| (s, false)));
        }
        for (segment, quoted) in segments {
            // Up to a redirection: where output goes is no argument.
            let words: Vec<&str> = segment
                .split_whitespace()
                .take_while(|w| !w.starts_with(['>', '<']) && !w.starts_with("2>") && !w.starts_with("&>"))
                .collect();
            let found = command_at_start(&words).or_else(|| {
                let start =
                    words.iter().position(|w| !PREFIXES.contains(w) && (!w.contains('=') || w.starts_with('-')))?;
                // A command run on another host (`ssh deploy@db-1 dropdb
                // orders`): the command.
                let start = match ssh_command(words.get(start..)?) {
                    Some(inner) => {
                        let from = start + inner;
                        if let Some((t, a)) = command_at_start(words.get(from..)?) {
                            return Some((t, from + a));
                        }
                        from + words.get(from..)?.iter().position(|w| !w.contains('=') || w.starts_with('-'))?
                    }
                    None => start,
                };
                if !matches!(tool_name(words.get(start)?), "docker" | "podman" | "docker-compose" | "podman-compose") {
                    return None;
                }
                // A command run in a container (`docker compose exec web
                // python manage.py flush`); else Docker's own command
                // (`docker compose down --volumes`), read below.
                match container_command(words.get(start..)?) {
                    Some(inner) => {
                        let (t, a) = command_at_start(words.get(start + inner..)?)?;
                        Some((t, start + inner + a))
                    }
                    None => Some(("docker", start)),
                }
            });
            let Some((mut tool, mut at)) = found else { continue };
            // (The words of the wrappers: where they run it, `-a
            // orders-pr-12`, names an environment as its arguments do.)
            let mut wrappers: &[&str] = words.get(..at).unwrap_or_default();
            // A command run through another (`heroku run rake db:reset`,
            // `kubectl exec deploy/web -- bin/rails db:reset`, `docker
            // compose exec web python manage.py flush`) is that command;
            // a few wrappers deep at most.
            for _ in 0..4 {
                let Some(inner) = wrapped_command(tool, words.get(at + 1..).unwrap_or_default()) else { break };
                let rest = words.get(at + 1 + inner..).unwrap_or_default();
                let Some((t, a)) = command_at_start(rest) else { break };
                (tool, at) = (t, at + 1 + inner + a);
                wrappers = words.get(..at).unwrap_or_default();
            }
            // (Where the wrappers run it, `-a orders-pr-12`, and the
            // assignments before it, `RAILS_ENV=test bin/rails db:reset`,
            // name an environment as its arguments do.)
            // (Not `flock`'s lock file, `flock -n /tmp/deploy.lock ...`:
            // it names no environment.)
            let lock = wrappers.iter().rposition(|w| *w == "flock").and_then(|at| {
                let rest = wrappers.get(at + 1..)?;
                rest.iter().position(|w| !w.starts_with('-')).map(|p| at + 1 + p)
            });
            // (Nor the pod `kubectl run NAME ... --` makes to run it, `tmp`
            // or `debug`: it names a throwaway pod, not the environment.)
            let pod = wrappers
                .windows(3)
                .position(|w| {
                    matches!(w, [k, r, _] if matches!(tool_name(k), "kubectl" | "oc") && matches!(*r, "run" | "debug"))
                })
                .map(|at| at + 2);
            let wrapped_short_lived = wrappers.iter().enumerate().any(|(i, w)| {
                Some(i) != lock
                    && Some(i) != pod
                    && !w.starts_with('-')
                    && short_lived(w.rsplit_once('=').map_or(w, |(_, v)| v))
            });
            let assigned = words.get(..at).unwrap_or_default().iter().filter_map(|w| w.split_once('=')).map(|(_, v)| v);
            let assigned_short_lived = assigned.clone().any(short_lived);
            // Its arguments to the command's end, quotes taken out: a
            // quoted name is a name (`--stack-name "test-stack"`,
            // `helm uninstall "orders-postgresql"`).
            let word = words.get(at).copied().unwrap_or_default();
            let from = (word.as_ptr() as usize).saturating_sub(command.as_ptr() as usize);
            // (Quoted text ends where its quote does: `"nuke": "terraform
            // destroy",`.)
            let to = if quoted {
                (segment.as_ptr() as usize + segment.len()).saturating_sub(command.as_ptr() as usize)
            } else {
                command.len()
            };
            let tail: String = command
                .get(from..to.max(from))
                .unwrap_or_default()
                .chars()
                .filter(|c| !matches!(c, '"' | '\'' | '`'))
                .collect();
            let all: Vec<&str> = tail
                .split_whitespace()
                .take_while(|w| !w.starts_with(['>', '<']) && !w.starts_with("2>") && !w.starts_with("&>"))
                .collect();
            let args = all.get(1..).unwrap_or_default();
            // What the command acts on (its arguments but the values of
            // the options that say where it runs, `--kube-context`,
            // `--profile`, `--host`): one that says production makes it
            // production's, whatever else says short-lived (`aws --profile
            // ci rds ... --db-instance-identifier orders-prod`, `ENV=ci
            // dropdb orders_production`; fail closed), while a production
            // place does not make a preview's name production's (`helm
            // uninstall orders-pr-12 --kube-context prod`).
            let (what, place) = what_and_where(args);
            let production = what.iter().any(|a| says_production(a));
            if (wrapped_short_lived || assigned_short_lived) && !production {
                continue;
            }
            // A task run by name: a call the facade follows (its options
            // name folders and files, which say nothing of the
            // environment; [`super::tasks::task_calls`] reads its tasks and
            // settings for that).
            let runner = match tool {
                "make" | "gmake" => Some(TaskRunner::Make),
                "just" => Some(TaskRunner::Just),
                "task" => Some(TaskRunner::Task),
                "package-script" | "lerna" | "turbo" | "nx" | "run-s" | "run-p" | "npm-run-all" | "concurrently" => {
                    Some(TaskRunner::PackageScript)
                }
                // A script run by its path (`./scripts/recreate.sh`,
                // `python3 tools/cleanup.py`; Django's `manage.py` aside).
                "script" => Some(TaskRunner::Script),
                "python" | "python3" if super::tasks::script_call(&all).is_some() => Some(TaskRunner::Script),
                // (The MongoDB shell running a script file, `mongosh URI
                // --file drop.js`.)
                "mongosh" | "mongo" if super::tasks::script_call(&all).is_some() => Some(TaskRunner::Script),
                _ => None,
            };
            if let Some(runner) = runner {
                // (Not a key named like one, `task: TerraformTaskV4@4`.)
                if !word.ends_with(':') {
                    for mut call in super::tasks::task_calls(runner, &all) {
                        // (A script named in quotes: its arguments, after the
                        // quote, are not read, so which branch it takes is
                        // not known.)
                        if runner == TaskRunner::Script && quoted {
                            call.target = call.target.split(':').next().unwrap_or_default().to_owned();
                        }
                        // (After `cd infra &&`, from that folder.)
                        if let Some(dir) = cd.as_deref() {
                            call.run_from(dir);
                        }
                        types.extend(call.kind());
                    }
                }
                continue;
            }
            // (And the tools' other ways of showing what would be done:
            // `pulumi destroy --preview-only`, the AWS CLI's
            // `--generate-cli-skeleton`, Alembic's offline `--sql`; a red
            // team's false alarms.)
            let dry_run = args.iter().any(|a| {
                a.starts_with('-')
                    && (a.contains("dry-run")
                        || a.trim_start_matches('-') == "preview-only"
                        || a.trim_start_matches('-').starts_with("generate-cli-skeleton")
                        || (tool == "alembic" && a.trim_start_matches('-') == "sql"))
            });
            // (`terraform destroy -help` prints the help.)
            let help = args.iter().any(|a| matches!(*a, "--help" | "-help"));
            // (After `cd infra/envs/dev &&`, as after `-chdir=infra/envs/dev`.)
            let in_short_lived = cd.as_deref().is_some_and(short_lived);
            // (Run on another machine, `kubectl exec redis-0 -- redis-cli
            // -h localhost flushall`, `ssh db-1 ...`, `localhost` is that
            // machine: no local environment.)
            let elsewhere = ssh_line
                || wrappers.windows(2).any(|w| matches!(w, [k, "exec"] if matches!(tool_name(k), "kubectl" | "oc")));
            let short = what.iter().chain(&place).any(|a| {
                if elsewhere {
                    short_lived(&a.replace("localhost", "").replace("127.0.0.1", ""))
                } else {
                    short_lived(a)
                }
            });
            if dry_run || help || in_short_lived || (short && !production) {
                continue;
            }
            // A SQL script a client runs (`psql -f db/oneoff/fix.sql`,
            // `mysql orders < fix.sql`): a call the facade follows, reading
            // the file's statements as a command line's (red team 29:
            // `DROP TABLE` moved into the file the deploy runs counted
            // nothing).
            if SQL_CLIENTS.contains(&tool)
                && let Some(mut call) = super::tasks::sql_script_call(tool, &tail)
            {
                if let Some(dir) = cd.as_deref() {
                    call.run_from(dir);
                }
                types.extend(call.kind());
            }
            // A manifest file `kubectl delete -f` names: a call the facade
            // follows, reading the kinds the file declares (a claim's file
            // deletes the data; a Job's, run again, nothing).
            if matches!(tool, "kubectl" | "oc") && plain_arguments(args).first() == Some(&"delete") {
                for mut call in super::tasks::manifest_delete_calls(args) {
                    if let Some(dir) = cd.as_deref() {
                        call.run_from(dir);
                    }
                    types.extend(call.kind());
                }
            }
            if tool == "powershell" {
                // (`-WhatIf` only says what it would remove.)
                let complete = args.windows(2).any(|p| {
                    p.first().is_some_and(|o| o.eq_ignore_ascii_case("-mode"))
                        && p.get(1).is_some_and(|m| m.eq_ignore_ascii_case("complete"))
                });
                let what_if = args.iter().any(|a| a.eq_ignore_ascii_case("-whatif"));
                let cmdlet = tool_name(word).to_ascii_lowercase();
                if what_if {
                    continue;
                }
                if cmdlet.starts_with("remove-") {
                    types.extend(cmdlet_destroys(word));
                } else if cmdlet.starts_with("new-") && complete {
                    types.push("complete deployment".to_owned());
                }
                types.extend(cmdlet_unguards(word, args).into_iter().map(|g| format!("{UNGUARD}{g}")));
            } else if tool == "docker" {
                // Docker's volumes are where it runs: a CI runner's or a
                // developer's machine unless the command is aimed at
                // another host (`ssh`, `-H`, `--context`, `DOCKER_HOST`
                // on the line or set in the file).
                let before = words.get(..at).unwrap_or_default();
                let remote = ssh_line
                    || before.iter().any(|w| docker_remote_setting(w))
                    || resets.as_deref().is_some_and(|m| m.split_whitespace().any(|m| m == DOCKER_REMOTE))
                    || docker_remote_options(args);
                if remote {
                    types.extend(docker_destroys(args));
                }
            } else {
                types.extend(tool_destroys(tool, args, resets.as_deref()));
                // (`TF_VAR_deletion_protection=false terraform apply`: as
                // `-var deletion_protection=false`.)
                let environment: Vec<String> = words
                    .get(..at)
                    .unwrap_or_default()
                    .iter()
                    .filter_map(|w| w.strip_prefix("TF_VAR_"))
                    .map(|setting| format!("-var={setting}"))
                    .collect();
                let mut given: Vec<&str> = args.to_vec();
                given.extend(environment.iter().map(String::as_str));
                types.extend(tool_unguards(tool, &given).into_iter().map(|g| format!("{UNGUARD}{g}")));
            }
        }
    }
    types.iter_mut().for_each(|t| *t = clip_kind(t));
    types.retain(|t| !t.is_empty());
    types.sort_unstable();
    types.dedup();
    types
}

/// Tools that search or edit text: a pattern they are given names
/// commands without running them.
const SEARCH_TOOLS: [&str; 11] = ["grep", "egrep", "fgrep", "zgrep", "rg", "ag", "ack", "sed", "awk", "gawk", "jq"];

/// `line` with the text that runs nothing kept from reading as commands
/// (red team 29: a guard script that searches for destroying commands was
/// read as running them):
///
/// - a `|` inside quotes, given to a search tool (`grep -qE
///   'x|helm uninstall|dropdb'`) or as a variable's value
///   (`DENY="terraform destroy|dropdb"`), is an alternation, no pipe: it
///   becomes a blank, so the quoted text stays one argument;
/// - an array's items (`DENY=( "terraform destroy" "dropdb" )`) are
///   words, no commands: the array is written empty, `DENY=()`.
///
/// Quotes given to a shell (`bash -c "a | b"`) and text fed to one
/// (`echo "..." | bash`) are left as they are.
fn inert_text_quieted(line: &str) -> String {
    if !line.contains(['"', '\'']) {
        return line.to_owned();
    }
    let mut out = String::with_capacity(line.len());
    // The current command's words so far (unquoted text since the last
    // unquoted `;`, `|`, `&`), and the open quote, if any, with whether
    // its text is inert.
    let mut piece_start = 0;
    let mut open: Option<(char, bool)> = None;
    let mut array = false;
    let mut chars = line.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if let Some((q, inert)) = open {
            if c == '\\' && q == '"' {
                out.push(c);
                if let Some((_, next)) = chars.next() {
                    out.push(next);
                }
                continue;
            }
            if c == q {
                open = None;
            }
            if !array {
                out.push(if inert && c == '|' { ' ' } else { c });
            }
            continue;
        }
        if array {
            if c == ')' {
                array = false;
                out.push(c);
            }
            continue;
        }
        match c {
            '"' | '\'' => {
                let before = line.get(piece_start..i).unwrap_or_default();
                let assigned = before.split_whitespace().next_back().is_some_and(|w| {
                    w.strip_suffix('=').is_some_and(|name| {
                        !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                    }) && before.ends_with('=')
                });
                let searching = before
                    .split_whitespace()
                    .find(|w| !PREFIXES.contains(w) && !w.contains('='))
                    .is_some_and(|w| SEARCH_TOOLS.contains(&tool_name(w)));
                open = Some((c, assigned || searching));
                out.push(c);
            }
            '(' if out.ends_with('=')
                && out
                    .rsplit(|c: char| c.is_whitespace() || matches!(c, ';' | '&' | '|'))
                    .next()
                    .and_then(|w| w.strip_suffix('='))
                    .is_some_and(|name| {
                        !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                    })
                && line.get(i..).is_some_and(|rest| rest.contains(')')) =>
            {
                array = true;
                out.push(c);
            }
            ';' | '|' | '&' => {
                piece_start = i + 1;
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out
}

/// `line` with the shell's other ways of writing a command written
/// plainly, as the shell runs them (red team 13: each hid any command
/// from the reader):
///
/// - a command word quoted or escaped (`"terraform" destroy`,
///   `\redis-cli`): any quoted word of plain characters is the word;
/// - a setting or alias made earlier on the line (`T=terraform;
///   $T destroy`, `alias r=redis-cli; r FLUSHALL`): its value;
/// - what a command is fed on its standard input (`echo FLUSHALL |
///   redis-cli`, `redis-cli <<< FLUSHALL`, `mongosh URI <<<
///   'db.dropDatabase()'`): an argument of the command, and for a shell
///   (`echo "..." | bash`, `bash -s <<< "..."`) the command it runs;
/// - escapes the shell turns into letters (`$'\x64ropdb'`), literals
///   the line decodes (`echo ZHJvcGRi... | base64 -d`, `xxd -r -p`,
///   `rev`) and substitutions that only print a literal (`$(echo
///   dropdb)`): the text they make (see [`hidden`]).
fn shell_forms(line: &str) -> String {
    if line.len() > 4 * 4096 {
        return line.to_owned();
    }
    // (Escapes and literals the line decodes first: what they make is
    // read as written, `$'\x64ropdb'` as `dropdb`.)
    let decoded = hidden::printed_substitutions(&hidden::decoded_literals(&hidden::ansi_c_quotes(line)));
    let mut fed = same_line_settings(&inner_quotes_removed(&unquote_words(&field_separators(&decoded))));
    // (A few pipes or here-strings a line, no more.)
    for _ in 0..4 {
        match stdin_as_arguments(&fed) {
            Some(next) => fed = next,
            None => break,
        }
    }
    fed
}

/// Most command substitutions read on one line; a line with more counts
/// as running a command it hides (no script writes that many on a line).
const MAX_SUBSTITUTIONS: usize = 64;

/// The text of every command substitution on `line`, as the shell finds
/// them: `$(...)`, `` `...` `` (when `backquotes`) and the process
/// substitutions `<(...)` and `>(...)`, unquoted or inside double quotes
/// (where the shell still runs them), at every depth (`"$(echo "$(dropdb
/// orders)")"` gives both bodies). In single-quoted text only where a
/// shell is handed it ([`handed_to_a_shell`]: `sh -c 'echo
/// "$(dropdb orders)"'`), which is then read as that shell reads it;
/// elsewhere it is text (`git commit -m 'stop `redis-cli FLUSHALL`'`).
/// Not past a comment (`#` starting a word outside quotes). A `case`
/// inside a substitution keeps it open past its patterns' `)`. One that
/// is not closed runs to the end of its text. `None` past
/// [`MAX_SUBSTITUTIONS`] substitutions or single-quoted texts handed to a
/// shell.
///
/// One pass over each text with a stack of what is open (a double quote,
/// a parenthesis with the depth of the ones opened inside it and of the
/// `case`s not yet closed, a backquote); single-quoted text a shell is
/// handed is queued as a text of its own (no recursion). `O(n)` in the
/// line's length: a single-quoted text holds no quote of its kind, so it
/// is scanned once more at most, and what hands it to a shell is looked
/// for within [`LOOK_BACK`] bytes before it. (The caller reads each body,
/// at most [`MAX_SUBSTITUTIONS`] of them, as a line.)
fn substitutions(line: &str, backquotes: bool) -> Option<Vec<&str>> {
    #[derive(Clone, Copy)]
    enum Open {
        Double,
        Paren { start: usize, depth: u32, cases: u32 },
        Tick { start: usize },
    }
    let worth = |text: &str| text.contains('(') || (backquotes && text.contains('`'));
    if !worth(line) {
        return Some(Vec::new());
    }
    let word_at = |text: &str, i: usize, word: &str| {
        let before = i.checked_sub(1).and_then(|b| text.as_bytes().get(b));
        let starts = before.is_none_or(|b| b.is_ascii_whitespace() || matches!(b, b'(' | b';' | b'|' | b'&'));
        let after = text.as_bytes().get(i + word.len());
        starts
            && text.get(i..).is_some_and(|rest| rest.starts_with(word))
            && after.is_none_or(|b| !b.is_ascii_alphanumeric() && *b != b'_' && *b != b'-')
    };
    let mut found: Vec<&str> = Vec::new();
    let mut texts: Vec<&str> = vec![line];
    // (Single-quoted texts queued: at most `MAX_SUBSTITUTIONS`.)
    let mut queued = 0usize;
    while let Some(text) = texts.pop() {
        let bytes = text.as_bytes();
        let mut open: Vec<Open> = Vec::new();
        // (`${...}` open outside quotes: a `#` there is no comment.)
        let mut braces = 0u32;
        let mut i = 0;
        while let Some(&b) = bytes.get(i) {
            let top = open.last().copied();
            let next = bytes.get(i + 1).copied();
            let plain = matches!(top, None | Some(Open::Paren { .. }));
            match (top, b) {
                (_, b'\\') => i += 1,
                (None, b'#')
                    if braces == 0
                        && i.checked_sub(1).and_then(|b| bytes.get(b)).is_none_or(u8::is_ascii_whitespace) =>
                {
                    break;
                }
                (None, b'$') if next == Some(b'{') => {
                    braces = braces.saturating_add(1);
                    i += 1;
                }
                (None, b'}') if braces > 0 => braces -= 1,
                (Some(Open::Double), b'"') => {
                    open.pop();
                }
                (_, b'"') if plain => open.push(Open::Double),
                (_, b'\'') if plain => {
                    let rest = text.get(i + 1..).unwrap_or_default();
                    let end = rest.find('\'').unwrap_or(rest.len());
                    let quoted = rest.get(..end).unwrap_or_default();
                    // (What is handed to a shell is named just before:
                    // a bounded look back, so that a line of many quotes
                    // is not read again at each.)
                    let back = (i.saturating_sub(LOOK_BACK)..=i).find(|&k| text.is_char_boundary(k)).unwrap_or(i);
                    if worth(quoted) && handed_to_a_shell(text.get(back..i).unwrap_or_default()) {
                        queued += 1;
                        if queued > MAX_SUBSTITUTIONS {
                            return None;
                        }
                        texts.push(quoted);
                    }
                    i += 1 + end;
                }
                (_, b'$') | (None | Some(Open::Paren { .. }), b'<' | b'>') if next == Some(b'(') => {
                    open.push(Open::Paren { start: i + 2, depth: 0, cases: 0 });
                    i += 1;
                }
                (Some(Open::Paren { start, depth, cases }), b'(') => {
                    open.pop();
                    open.push(Open::Paren { start, depth: depth.saturating_add(1), cases });
                }
                (Some(Open::Paren { start, depth, cases }), b')') => {
                    open.pop();
                    if depth > 0 {
                        open.push(Open::Paren { start, depth: depth - 1, cases });
                    } else if cases > 0 {
                        // (A `case` pattern's end: `prod) dropdb orders;;`.)
                        open.push(Open::Paren { start, depth, cases });
                    } else {
                        found.push(text.get(start..i).unwrap_or_default());
                    }
                }
                (Some(Open::Paren { start, depth, cases }), b'c' | b'e') if depth == 0 => {
                    if word_at(text, i, "case") {
                        open.pop();
                        open.push(Open::Paren { start, depth, cases: cases.saturating_add(1) });
                    } else if word_at(text, i, "esac") {
                        open.pop();
                        open.push(Open::Paren { start, depth, cases: cases.saturating_sub(1) });
                    }
                }
                (Some(Open::Tick { start }), b'`') => {
                    open.pop();
                    found.push(text.get(start..i).unwrap_or_default());
                }
                (_, b'`') if backquotes => open.push(Open::Tick { start: i + 1 }),
                _ => {}
            }
            if found.len() > MAX_SUBSTITUTIONS {
                return None;
            }
            i += 1;
        }
        // (Not closed: to the end of the text.)
        for o in open {
            if let Open::Paren { start, .. } | Open::Tick { start } = o {
                found.push(text.get(start..).unwrap_or_default());
            }
        }
        if found.len() > MAX_SUBSTITUTIONS {
            return None;
        }
    }
    found.retain(|body| !body.trim().is_empty());
    Some(found)
}

/// How far back from a single quote [`handed_to_a_shell`] looks, in
/// bytes: a shell's `-c`, `eval` or an `ssh` with its options and host.
const LOOK_BACK: usize = 512;

/// Whether single-quoted text that follows `before` on its line is handed
/// to a shell that runs it: the word before it is a shell's `-c` (`sh -c`,
/// `bash -ec`, `su -c`), `eval`, `trap` (or `trap --`), a shell's own name, or the
/// command is `ssh` (`ssh db-1 'cd /srv && ...'`).
fn handed_to_a_shell(before: &str) -> bool {
    let command = before.rsplit([';', '|', '&', '(', '`', '{']).next().unwrap_or(before);
    let words: Vec<&str> = command.split_whitespace().collect();
    let last = words.last().copied().unwrap_or_default();
    (last.starts_with('-') && !last.starts_with("--") && last.ends_with('c'))
        || matches!(tool_name(last), "eval" | "trap" | "sh" | "bash" | "zsh" | "dash" | "ksh" | "ash" | "busybox")
        // (`trap -- '...'`, as the segment reading takes it.)
        || (last == "--" && words.iter().nth_back(1).is_some_and(|w| tool_name(w) == "trap"))
        || words.iter().any(|w| tool_name(w) == "ssh")
}

/// `line` with the shell's field separator written as a blank: `${IFS}`,
/// and `$IFS` where no name goes on after it (`dropdb${IFS}orders` runs
/// `dropdb orders`: a red team's miss).
fn field_separators(line: &str) -> String {
    if !line.contains("$IFS") && !line.contains("${IFS}") {
        return line.to_owned();
    }
    let line = line.replace("${IFS}", " ");
    let mut out = String::with_capacity(line.len());
    let mut rest = line.as_str();
    while let Some(at) = rest.find("$IFS") {
        let after = rest.get(at + 4..).unwrap_or_default();
        out.push_str(rest.get(..at).unwrap_or_default());
        if after.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_') {
            out.push_str("$IFS");
        } else {
            out.push(' ');
        }
        rest = after;
    }
    out.push_str(rest);
    out
}

/// `line` with each quoted word of plain characters (`"terraform"`,
/// `'redis-cli'`: letters, digits and `._/@:+,=-`) written without its
/// quotes, and a command word's escape taken off (`\redis-cli`). A quoted
/// text with blanks or other characters stays as it is.
pub(super) fn unquote_words(line: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '/' | '@' | ':' | '+' | ',' | '=' | '-');
    let boundary = |c: Option<char>| c.is_none_or(|c| c.is_whitespace() || matches!(c, ';' | '|' | '&' | '(' | ')'));
    let chars: Vec<char> = line.chars().collect();
    let mut out = String::with_capacity(line.len());
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        let before = i.checked_sub(1).and_then(|j| chars.get(j)).copied();
        if matches!(c, '"' | '\'') && boundary(before) {
            let end = chars.get(i + 1..).and_then(|rest| rest.iter().position(|&d| d == c)).map(|n| i + 1 + n);
            if let Some(end) = end {
                let inner = chars.get(i + 1..end).unwrap_or_default();
                if !inner.is_empty() && inner.iter().all(|&d| plain(d)) && boundary(chars.get(end + 1).copied()) {
                    out.extend(inner);
                } else {
                    out.extend(chars.get(i..=end).unwrap_or_default());
                }
                i = end + 1;
                continue;
            }
        }
        if c == '\\' && boundary(before) && chars.get(i + 1).is_some_and(|d| d.is_ascii_alphabetic()) {
            i += 1;
            continue;
        }
        out.push(c);
        i += 1;
    }
    out
}

/// `line` with each word of plain characters that is written with quotes
/// or escapes inside it (`kube""ctl`, `k\ubectl`, `d\elete`,
/// `terra''form`) written as the shell's quote removal makes it: each hid
/// a destructive command from the reader (red team 17). A word holding
/// anything else (`$`, a blank inside quotes, an unclosed quote) stays as
/// written.
fn inner_quotes_removed(line: &str) -> String {
    if !line.contains(['"', '\'', '\\']) {
        return line.to_owned();
    }
    let plain = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '/' | '@' | ':' | '+' | ',' | '=' | '-');
    let separator = |c: char| c.is_whitespace() || matches!(c, ';' | '|' | '&' | '(' | ')');
    let chars: Vec<char> = line.chars().collect();
    let mut out = String::with_capacity(line.len());
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        if separator(c) {
            out.push(c);
            i += 1;
            continue;
        }
        let start = i;
        let mut word = String::new();
        // Only inside a word: a word quoted whole is `unquote_words`' (and
        // `"key": "value"` is JSON, not a command).
        let mut plain_word = plain(c);
        let mut escaped = false;
        while let Some(&d) = chars.get(i) {
            if separator(d) {
                break;
            }
            match d {
                '"' | '\'' => match chars.get(i + 1..).and_then(|rest| rest.iter().position(|&e| e == d)) {
                    Some(n) => {
                        let inner = chars.get(i + 1..i + 1 + n).unwrap_or_default();
                        plain_word &= inner.iter().all(|&e| plain(e));
                        word.extend(inner);
                        i += n + 2;
                    }
                    None => {
                        plain_word = false;
                        i += 1;
                    }
                },
                '\\' => match chars.get(i + 1) {
                    Some(&e) if plain(e) => {
                        word.push(e);
                        escaped = true;
                        i += 2;
                    }
                    _ => {
                        plain_word = false;
                        i += 1;
                    }
                },
                _ => {
                    plain_word &= plain(d);
                    word.push(d);
                    i += 1;
                }
            }
        }
        // A backslash in a path is Windows' separator (`.\scripts\x.ps1`),
        // not an escape.
        let path = escaped && word.contains(['.', '/', ':']);
        if plain_word && !path && !word.is_empty() {
            out.push_str(&word);
        } else {
            out.extend(chars.get(start..i).unwrap_or_default());
        }
    }
    out
}

/// `line` with what its earlier commands set written where its later ones
/// use it: a setting alone in its command (`T=terraform;`, `export
/// R=redis-cli &&`) at each `$T` or `${T}` after it, and an alias
/// (`alias r=redis-cli;`) where a later command starts with its name.
fn same_line_settings(line: &str) -> String {
    if !line.contains('=') || !line.contains([';', '&']) {
        return line.to_owned();
    }
    let mut variables: BTreeMap<String, String> = BTreeMap::new();
    let mut aliases: BTreeMap<String, String> = BTreeMap::new();
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    loop {
        let end = rest.find([';', '&', '|']).unwrap_or(rest.len());
        let piece = rest.get(..end).unwrap_or_default();
        let separator = rest.get(end..).unwrap_or_default();
        let mut piece = substitute(piece, &variables);
        // (Quoted text is one word: `CMD="dropdb orders";` sets CMD.)
        let words: Vec<&str> = quoted_words(&piece);
        let (alias, settings) = match words.first() {
            Some(&"alias") => (true, words.get(1..).unwrap_or_default()),
            Some(&("export" | "local" | "readonly" | "declare")) => (false, words.get(1..).unwrap_or_default()),
            _ => (false, words.as_slice()),
        };
        let assignments: Vec<(String, String)> = settings
            .iter()
            .filter_map(|w| {
                let (name, value) = w.split_once('=')?;
                let valid = !name.is_empty()
                    && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                    && !name.starts_with(|c: char| c.is_ascii_digit());
                valid.then(|| (name.to_owned(), value.trim_matches(['"', '\'']).to_owned()))
            })
            .collect();
        if !settings.is_empty() && assignments.len() == settings.len() {
            let into = if alias { &mut aliases } else { &mut variables };
            for (name, value) in assignments {
                if into.len() < 64 && value.len() <= 256 {
                    into.insert(name, value);
                }
            }
        } else if let Some(value) = words.first().and_then(|w| aliases.get(*w)) {
            let at = piece.find(|c: char| !c.is_whitespace()).unwrap_or(0);
            let name_len = words.first().map_or(0, |w| w.len());
            piece = format!(
                "{}{value}{}",
                piece.get(..at).unwrap_or_default(),
                piece.get(at + name_len..).unwrap_or_default()
            );
        }
        out.push_str(&piece);
        let Some(sep) = separator.chars().next() else { break };
        out.push(sep);
        rest = separator.get(sep.len_utf8()..).unwrap_or_default();
    }
    out
}

/// The words of `piece` as the shell splits them: at blanks outside
/// quotes (a word keeps its quotes).
fn quoted_words(piece: &str) -> Vec<&str> {
    let mut words = Vec::new();
    let mut open: Option<char> = None;
    let mut start: Option<usize> = None;
    for (i, c) in piece.char_indices() {
        match open {
            Some(q) if c == q => open = None,
            Some(_) => {}
            None if c.is_whitespace() => {
                if let Some(s) = start.take() {
                    words.extend(piece.get(s..i));
                }
            }
            None => {
                if matches!(c, '"' | '\'') {
                    open = Some(c);
                }
                start.get_or_insert(i);
            }
        }
    }
    if let Some(s) = start {
        words.extend(piece.get(s..));
    }
    words
}

/// `line` with the first text fed to a command on its standard input
/// made its argument: `echo TEXT | COMMAND ...` (or `printf`) and
/// `COMMAND ... <<< TEXT` are `COMMAND ... TEXT`, and where the command
/// is a shell (`bash`, `sh -s`) the text is the command it runs. None
/// when the line feeds nothing so.
fn stdin_as_arguments(line: &str) -> Option<String> {
    let shell = |command: &str| {
        let words: Vec<&str> = command.split_whitespace().collect();
        words.first().is_some_and(|w| matches!(tool_name(w), "sh" | "bash" | "zsh" | "dash" | "ksh"))
            && words.iter().skip(1).all(|w| w.starts_with('-'))
    };
    // The text of a word or quoted text at the start of `rest`, and what
    // follows it.
    let text_at = |rest: &str| -> (String, usize) {
        let trimmed = rest.trim_start();
        let skipped = rest.len() - trimmed.len();
        match trimmed.chars().next() {
            Some(q @ ('"' | '\'')) => {
                let inner = trimmed.get(1..).unwrap_or_default();
                let end = inner.find(q).unwrap_or(inner.len());
                (inner.get(..end).unwrap_or_default().to_owned(), skipped + 1 + (end + 1).min(inner.len()))
            }
            _ => {
                let end =
                    trimmed.find(|c: char| c.is_whitespace() || matches!(c, ';' | '&' | '|')).unwrap_or(trimmed.len());
                (trimmed.get(..end).unwrap_or_default().to_owned(), skipped + end)
            }
        }
    };
    // (`printf`'s escapes, `\\x64ropdb`, decoded; a line break is a blank.)
    let printed = hidden::printf_escapes;
    // A command whose last words run a shell (`bash -s`, `ssh host 'sh'`):
    // its words, quotes aside, when it does.
    let runs_shell = |command: &str| -> Option<Vec<String>> {
        let words: Vec<String> = command
            .split_whitespace()
            .map(|w| w.trim_matches(['\'', '"']).to_owned())
            .filter(|w| !w.is_empty())
            .collect();
        let at = words.iter().rposition(|w| matches!(tool_name(w), "sh" | "bash" | "zsh" | "dash" | "ksh"))?;
        words.get(at + 1..)?.iter().all(|w| w.starts_with('-')).then_some(words)
    };
    // `SHELL < FILE` (`bash -s < scripts/reset.sh`, `ssh host 'bash -s' <
    // FILE`): the shell runs the file, as `SHELL FILE` does (a red team:
    // a script fed to a shell was not read).
    let redirect = line.char_indices().find(|&(i, c)| {
        c == '<'
            && line.get(i + 1..).is_some_and(|r| !r.starts_with(['<', '(', '&']))
            && line.get(..i).is_some_and(|b| !b.ends_with('<'))
    });
    if let Some((at, _)) = redirect {
        let before = line.get(..at).unwrap_or_default();
        let start = before.rfind([';', '&', '|']).map_or(0, |p| p + 1);
        if let Some(words) = runs_shell(before.get(start..).unwrap_or_default()) {
            let (file, used) = text_at(line.get(at + 1..).unwrap_or_default());
            if !file.is_empty() {
                let after = line.get(at + 1 + used..).unwrap_or_default();
                return Some(format!("{}{} {file}{after}", before.get(..start).unwrap_or_default(), words.join(" ")));
            }
        }
    }
    // `COMMAND ... <<< TEXT`.
    if let Some(at) = line.find("<<<") {
        let before = line.get(..at).unwrap_or_default();
        let start = before.rfind([';', '&', '|']).map_or(0, |p| p + 1);
        let command = before.get(start..).unwrap_or_default().trim_end();
        let (text, used) = text_at(line.get(at + 3..).unwrap_or_default());
        let after = line.get(at + 3 + used..).unwrap_or_default();
        let fed = if shell(command) { printed(&text) } else { format!("{command} {}", printed(&text)) };
        return Some(format!("{}{fed}{after}", before.get(..start).unwrap_or_default()));
    }
    // `echo TEXT | COMMAND ...` (a single `|`).
    let pipe = line.match_indices('|').map(|(i, _)| i).find(|&i| {
        line.get(i + 1..).is_some_and(|r| !r.starts_with('|'))
            && i.checked_sub(1).is_none_or(|j| line.get(j..i) != Some("|"))
    })?;
    let before = line.get(..pipe).unwrap_or_default();
    let start = before.rfind([';', '&']).map_or(0, |p| p + 1);
    let feeder = before.get(start..).unwrap_or_default().trim();
    // (Past the words before a command, a workflow's `- run:`, kept.)
    let mut lead_end = 0;
    for w in feeder.split_whitespace().take_while(|w| PREFIXES.contains(w)) {
        lead_end = feeder.get(lead_end..).and_then(|rest| rest.find(w)).map_or(lead_end, |p| lead_end + p + w.len());
    }
    let lead = feeder.get(..lead_end).map(|l| format!("{l} ")).unwrap_or_default();
    let start_text = format!("{}{}", before.get(..start).unwrap_or_default(), lead.trim_start());
    let feeder = feeder.get(lead_end..).unwrap_or_default().trim();
    // The command fed, to the end of its segment, and what follows it.
    let after = line.get(pipe + 1..).unwrap_or_default();
    let end = after.find([';', '&', '|']).unwrap_or(after.len());
    let command = after.get(..end).unwrap_or_default().trim();
    let tail = after.get(end..).unwrap_or_default();
    // `kubectl get KIND ... | xargs kubectl delete` deletes what it lists:
    // `kubectl delete KIND` (a red team's miss).
    if let Some(rest) = feeder.strip_prefix("kubectl get ").or_else(|| feeder.strip_prefix("oc get ")) {
        let deleter = command.strip_prefix("xargs").map(str::trim_start).filter(|c| {
            let words: Vec<&str> = c.split_whitespace().filter(|w| !w.starts_with('-')).collect();
            matches!(words.as_slice(), [tool, "delete"] if matches!(*tool, "kubectl" | "oc"))
        });
        let kind = rest.split_whitespace().find(|w| !w.starts_with('-'));
        if let (Some(deleter), Some(kind)) = (deleter, kind) {
            return Some(format!("{start_text}{deleter} {kind}{tail}"));
        }
    }
    // `cat FILE | SHELL` (a shell runs the file, `SHELL FILE`) and `cat
    // FILE | CLIENT` (a SQL client reads it, `CLIENT < FILE`).
    if let Some(file) = feeder.strip_prefix("cat ").map(str::trim).filter(|f| !f.contains(' ') && !f.starts_with('-')) {
        let client = command.split_whitespace().next().is_some_and(|w| SQL_CLIENTS.contains(&tool_name(w)));
        let fed = match runs_shell(command) {
            Some(words) => format!("{} {file}", words.join(" ")),
            None if client => format!("{command} < {file}"),
            None => return None,
        };
        return Some(format!("{start_text}{fed}{tail}"));
    }
    let text = feeder.strip_prefix("echo ").or_else(|| feeder.strip_prefix("printf "))?;
    let text = text.trim_start();
    let text = ["-e ", "-n ", "-en ", "-ne "].iter().fold(text, |t, o| t.strip_prefix(o).unwrap_or(t)).trim();
    let text = text.strip_prefix(['"', '\'']).and_then(|t| t.strip_suffix(['"', '\''])).unwrap_or(text);
    let fed = if shell(command) { printed(text) } else { format!("{command} {}", printed(text)) };
    Some(format!("{start_text}{fed}{tail}"))
}

/// The shell functions a script's lines define (`reset() { redis-cli -h
/// cache "$@"; }` on one line, or its body over the lines up to a `}` of
/// its own), so that a call (`reset FLUSHALL`) is read as the body run
/// with its arguments.
#[derive(Default)]
pub(super) struct ShellFunctions {
    /// Each function's body, by name (at most 64, each up to 4 KiB).
    bodies: BTreeMap<String, String>,
    /// The function whose body is being read, over lines.
    open: Option<String>,
}

impl ShellFunctions {
    /// `line` as it runs: a call of a function defined above is its
    /// body with the call's arguments where it takes them (`"$@"`,
    /// `$*`, `$1`; a body that takes none runs as it is); a definition
    /// is recorded.
    pub(super) fn read(&mut self, line: &str) -> String {
        let trimmed = line.trim();
        if let Some(name) = self.open.clone() {
            if trimmed == "}" || trimmed == "};" {
                self.open = None;
            } else if let Some(body) = self.bodies.get_mut(&name)
                && body.len() + trimmed.len() < 4096
                && !trimmed.is_empty()
            {
                if !body.is_empty() {
                    body.push_str(" ; ");
                }
                body.push_str(trimmed);
            }
            return line.to_owned();
        }
        // `NAME() { BODY }`, `function NAME { BODY }`, `function NAME() {`.
        let head = trimmed.strip_prefix("function ").unwrap_or(trimmed);
        if let Some((name, rest)) = head.split_once(['(', ' ', '{'])
            && !name.is_empty()
            && name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-'))
            && (trimmed.starts_with("function ") || rest.trim_start().starts_with(')'))
        {
            let rest = rest.trim_start().trim_start_matches(')').trim_start();
            if let Some(body) = rest.strip_prefix('{') {
                if self.bodies.len() < 64 || self.bodies.contains_key(name) {
                    let body = body.trim();
                    match body.strip_suffix('}') {
                        Some(whole) => {
                            self.bodies.insert(name.to_owned(), whole.trim().trim_end_matches(';').to_owned());
                        }
                        None => {
                            self.bodies.insert(name.to_owned(), body.to_owned());
                            self.open = Some(name.to_owned());
                        }
                    }
                }
                return line.to_owned();
            }
        }
        // An alias defined on a line of its own (`alias nuke='kubectl
        // delete namespace'`, then `nuke orders` on a later line: a red
        // team's miss) runs as a function that appends its arguments.
        if let Some((name, value)) = trimmed.strip_prefix("alias ").and_then(|a| a.trim().split_once('='))
            && !name.is_empty()
            && name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-'))
            && (self.bodies.len() < 64 || self.bodies.contains_key(name))
        {
            let value = value.trim();
            let value = value
                .strip_prefix('\'')
                .and_then(|v| v.strip_suffix('\''))
                .or_else(|| value.strip_prefix('"').and_then(|v| v.strip_suffix('"')))
                .unwrap_or(value);
            if value.len() < 4096 {
                self.bodies.insert(name.to_owned(), format!("{value} $@"));
            }
            return line.to_owned();
        }
        let mut words = trimmed.splitn(2, char::is_whitespace);
        let Some(body) = words.next().and_then(|w| self.bodies.get(w)) else { return line.to_owned() };
        let args = words.next().unwrap_or_default().trim();
        let takes = ["\"$@\"", "$@", "\"$*\"", "$*", "\"$1\"", "$1"];
        // (A body that takes no arguments runs as it is.)
        takes.iter().fold(body.clone(), |b, t| b.replace(t, args))
    }
}

/// `command` split at its quotes: the text outside quotes and inside
/// them, in turn (the first part outside). A quote closes only at its
/// own kind, so that the other kind inside it is text (`'{"a": 1}'` is
/// one quoted part). An unclosed quote runs to the end.
fn quote_parts(command: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut open: Option<char> = None;
    let mut start = 0;
    for (i, c) in command.char_indices() {
        let closes = match open {
            Some(q) => c == q,
            None => matches!(c, '"' | '\''),
        };
        if closes {
            parts.push(command.get(start..i).unwrap_or_default());
            open = if open.is_some() { None } else { Some(c) };
            start = i + c.len_utf8();
        }
    }
    parts.push(command.get(start..).unwrap_or_default());
    parts
}

/// `line` with the quotes around option values taken out
/// (`-chdir="$DIR/infra" destroy` is `-chdir=$DIR/infra destroy`), so
/// that splitting at quotes keeps the command whole.
fn unquote_values(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        out.push(c);
        if c == '='
            && let Some(&q) = chars.peek().filter(|q| matches!(q, '"' | '\''))
        {
            chars.next();
            // The value up to its closing quote, without the quotes.
            for v in chars.by_ref() {
                if v == q {
                    break;
                }
                out.push(v);
            }
        }
    }
    out
}

/// The tool a command runs and where it is in `words`: the first word
/// that is no prefix ([`PREFIXES`], a number, `NAME=value`), if it is a
/// tool [`destructive_commands`](super::destructive_commands) reads ([`known_tool`]), or the image of
/// `docker run` or `podman run` that is one (`hashicorp/terraform:1.9`).
/// A command whose first word is anything else (`echo`, `log`,
/// `Write-Host`, prose) runs none of them.
fn command_at_start(words: &[&str]) -> Option<(&'static str, usize)> {
    // (An option of a prefix, `sudo -E`, is one too; a Makefile's
    // `-terraform` is the tool; `bun x` and `npm exec` run what follows.)
    let launcher = |i: usize| {
        i.checked_sub(1)
            .and_then(|p| words.get(p))
            .is_some_and(|w| matches!(*w, "bun" | "npm" | "yarn" | "pnpm" | "poetry" | "pipenv" | "uv"))
    };
    // (The user or group `sudo` runs it as, `sudo -u postgres dropdb
    // orders`, is no command.)
    let as_user = |i: usize| {
        i.checked_sub(1).and_then(|p| words.get(p)).is_some_and(|o| matches!(*o, "-u" | "--user" | "-g" | "--group"))
            && words
                .get(..i)
                .is_some_and(|before| before.iter().any(|w| matches!(*w, "sudo" | "doas" | "runuser" | "chpst")))
    };
    // (The first word after a wrapper that takes one before the command,
    // its options aside, is that word: the user of `gosu postgres dropdb`,
    // the lock file of `flock -n /tmp/lock kubectl ...`, the root of
    // `chroot /srv dropdb`.)
    let wrapper_argument = |i: usize| {
        let before = words.get(..i).unwrap_or_default();
        before
            .iter()
            .rposition(|w| matches!(*w, "gosu" | "su-exec" | "s6-setuidgid" | "flock" | "chroot"))
            .is_some_and(|at| before.get(at + 1..).unwrap_or_default().iter().all(|w| w.starts_with('-')))
    };
    // (The argument of a wrapper's option is no command: the signal of
    // `timeout -s KILL 30 dropdb`, the name `exec -a x dropdb` gives; a
    // red team's misses.)
    let option_argument = |i: usize| {
        let before = words.get(..i).unwrap_or_default();
        let wrapped = |names: &[&str]| before.iter().any(|w| names.contains(w));
        match i.checked_sub(1).and_then(|p| words.get(p)) {
            Some(&("-s" | "--signal" | "-k" | "--kill-after")) => wrapped(&["timeout"]),
            Some(&"-a") => wrapped(&["exec"]),
            _ => false,
        }
    };
    let start = (0..words.len()).find(|&i| {
        let Some(w) = words.get(i) else { return false };
        // (A Makefile recipe's `-` before a script's path, `-./x.sh`, is
        // no option.)
        let option = w.starts_with('-') && known_tool(w).is_none() && !w.starts_with("-./") && !w.starts_with("-../");
        let prefix = PREFIXES.contains(w)
            || option
            || w.chars().all(|c| c.is_ascii_digit())
            || (w.contains('=') && !w.starts_with('-'))
            || (launcher(i) && matches!(*w, "x" | "run" | "exec" | "dlx"))
            || as_user(i)
            || option_argument(i)
            || wrapper_argument(i);
        !prefix
    })?;
    let first = words.get(start)?;
    // A script a shell runs by its path (`bash -euo pipefail
    // scripts/teardown.sh`; the shell's words are prefixes, read through
    // for `bash -c "..."`).
    let shell = words.get(..start).unwrap_or_default().iter().rposition(|w| matches!(*w, "sh" | "bash" | "zsh"));
    if let Some(at) = shell
        && super::tasks::script_call(words.get(at..).unwrap_or_default()).is_some()
    {
        return Some(("script", at));
    }
    if let Some(tool) = known_tool(first) {
        // (A script of the repository run by its path and named like a
        // migration tool, `./scripts/migrate`, is the script, as it was
        // before these tools were read: they are run by their name.)
        let generic = matches!(
            tool,
            "alembic" | "dbmate" | "diesel" | "goose" | "sqlx" | "migrate" | "sqitch" | "pg_restore" | "mongorestore"
        );
        let script = || super::tasks::script_call(words.get(start..).unwrap_or_default()).is_some();
        // (So is a package's script of that name, `npm run migrate`, `yarn
        // migrate`: read below, by the manager's word.)
        let manager =
            words.get(..start).unwrap_or_default().iter().any(|w| matches!(*w, "npm" | "yarn" | "pnpm" | "bun"));
        if !(generic && ((first.contains('/') && script()) || manager)) {
            return Some((tool, start));
        }
    }
    // A script run by its path, or by an interpreter (`./scripts/x.sh`,
    // `bash scripts/x.sh`, `bun run scripts/x.ts`): read by [`super::tasks::script_call`].
    // (Not where a shell before it reads the file without running it,
    // `bash -n scripts/x.sh`.)
    if shell.is_none() && (super::tasks::interpreter(first).is_some() || first.contains(['/', '\\'])) {
        let rest = words.get(start..).unwrap_or_default();
        if super::tasks::script_call(rest).is_some() {
            return Some(("script", start));
        }
    }
    // A package's script run by its manager (`npm run destroy`, `yarn
    // --cwd infra teardown`): the manager's word, read by [`tasks`].
    let manager =
        words.get(..start).unwrap_or_default().iter().rposition(|w| matches!(*w, "npm" | "yarn" | "pnpm" | "bun"));
    if let Some(at) = manager {
        return Some(("package-script", at));
    }

    // A PowerShell cmdlet that removes something (`Remove-AzResourceGroup`).
    // (And one that deploys a template, `New-AzResourceGroupDeployment`,
    // read for its mode.)
    let cmdlet = tool_name(first).to_ascii_lowercase();
    // (And one that may turn a guard off, `Edit-RDSDBInstance
    // -DeletionProtection $false`: see [`cmdlet_unguards`].)
    let edits = (cmdlet.starts_with("edit-") || cmdlet.starts_with("update-")) && cmdlet.len() > 7;
    if cmdlet.starts_with("remove-") || (cmdlet.starts_with("new-az") && cmdlet.ends_with("deployment")) || edits {
        return Some(("powershell", start));
    }
    if matches!(tool_name(first), "docker" | "podman") && words.get(start + 1) == Some(&"run") {
        let mut i = start + 2;
        while let Some(w) = words.get(i) {
            if !w.starts_with('-') {
                return known_tool(w).map(|tool| (tool, i));
            }
            let takes_value = !w.contains('=')
                && matches!(
                    *w,
                    "-v" | "--volume"
                        | "-w"
                        | "--workdir"
                        | "-e"
                        | "--env"
                        | "-u"
                        | "--user"
                        | "--network"
                        | "--name"
                        | "--entrypoint"
                        | "--env-file"
                );
            i += if takes_value { 2 } else { 1 };
        }
    }
    None
}

/// The tool a command word runs, if [`destructive_commands`](super::destructive_commands) reads it: by
/// [`tool_name`], or a variable named after one where a command stands
/// (`$(TERRAFORM)`, `${TF}`, `$KUBECTL`).
pub(super) fn known_tool(word: &str) -> Option<&'static str> {
    let name = tool_name(word);
    if let Some(tool) = TOOLS.iter().chain(&DATA_TOOLS).find(|t| **t == name) {
        return Some(tool);
    }
    // (The AWS command line's image, `docker run amazon/aws-cli rds ...`.)
    if name == "aws-cli" {
        return Some("aws");
    }
    let variable = word.trim_start_matches(['@', '-', '+']).strip_prefix('$')?;
    let variable = variable.trim_start_matches(['(', '{']).trim_end_matches([')', '}']).to_ascii_lowercase();
    match variable.as_str() {
        "tf" | "terraform_bin" | "tf_bin" => Some("terraform"),
        v => TOOLS.iter().chain(&DATA_TOOLS).find(|t| **t == v).copied(),
    }
}

/// `line` with each Makefile variable `$(NAME)` written `${NAME}`, so
/// that splitting at parentheses keeps it whole (`$(TERRAFORM) destroy`).
pub(super) fn make_variables(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(at) = rest.find("$(") {
        out.push_str(rest.get(..at).unwrap_or_default());
        let after = rest.get(at + 2..).unwrap_or_default();
        let name_len =
            after.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-')).unwrap_or(after.len());
        match (after.get(..name_len), after.get(name_len..)) {
            (Some(name), Some(tail)) if !name.is_empty() && tail.starts_with(')') => {
                out.push_str("${");
                out.push_str(name);
                out.push('}');
                rest = tail.get(1..).unwrap_or_default();
            }
            _ => {
                out.push_str("$(");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// `line` with the blanks inside `${{ ... }}` taken out, so that a CI
/// expression is one word (`-n ${{ vars.NS }} pvc`).
fn tight_expressions(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(at) = rest.find("${{") {
        out.push_str(rest.get(..at).unwrap_or_default());
        let after = rest.get(at..).unwrap_or_default();
        let end = after.find("}}").map_or(after.len(), |e| e + 2);
        out.extend(after.get(..end).unwrap_or_default().chars().filter(|c| !c.is_whitespace()));
        rest = after.get(end..).unwrap_or_default();
    }
    out.push_str(rest);
    out
}

/// Whether `text` (what a command names) marks a short-lived or local
/// environment: a word of [`SHORT_LIVED`] in its own text, or a CI
/// expression or variable of [`SHORT_LIVED_EXPRESSIONS`] (a variable's
/// name is otherwise no word of it: `$CI_PROJECT_DIR` says nothing).
pub(super) fn short_lived(text: &str) -> bool {
    // Words of a name written in camel case (`MyStackTesting`); `DevOps`
    // stays one word (a team, not a development environment).
    let mut split = String::with_capacity(text.len() + 8);
    let mut previous: Option<char> = None;
    for c in text.chars() {
        if c.is_ascii_uppercase() && previous.is_some_and(|p| p.is_ascii_lowercase()) {
            split.push(' ');
        }
        split.push(c);
        previous = Some(c);
    }
    let lower = split.to_ascii_lowercase().replace("dev ops", "devops");
    if SHORT_LIVED_EXPRESSIONS.iter().any(|e| lower.contains(e)) {
        return true;
    }
    // The literal text: `${{ ... }}`, `${NAME}` and `$NAME` taken out.
    let mut literal = String::with_capacity(lower.len());
    let mut rest = lower.as_str();
    while let Some(at) = rest.find('$') {
        literal.push_str(rest.get(..at).unwrap_or_default());
        let after = rest.get(at + 1..).unwrap_or_default();
        let skip = if let Some(inner) = after.strip_prefix("{{") {
            inner.find("}}").map_or(after.len(), |e| e + 4)
        } else if let Some(inner) = after.strip_prefix('{') {
            inner.find('}').map_or(after.len(), |e| e + 2)
        } else {
            after.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(after.len())
        };
        literal.push(' ');
        rest = after.get(skip..).unwrap_or_default();
    }
    literal.push_str(rest);
    // (A name that also says production, `dev-portal-prod`,
    // `review-service-prod`, is production's: fail closed.)
    !says_production(&literal) && literal.split(|c: char| !c.is_ascii_alphanumeric()).any(|w| SHORT_LIVED.contains(&w))
}

/// Options whose value says where a command runs, not what it acts on.
const PLACE_OPTIONS: [&str; 16] = [
    "--context",
    "--kube-context",
    "--kubeconfig",
    "--cluster",
    "--region",
    "--profile",
    "--project",
    "-g",
    "--resource-group",
    "--subscription",
    "--host",
    "-h",
    "-var-file",
    "--var-file",
    "--as",
    "--token",
];

/// A command's arguments that name something (no option, or an option's
/// value: `NAME=value` as its value), parted into what it acts on and
/// where it runs (the values of [`PLACE_OPTIONS`]).
fn what_and_where<'a>(args: &[&'a str]) -> (Vec<&'a str>, Vec<&'a str>) {
    let (mut what, mut place) = (Vec::new(), Vec::new());
    let mut next_is_place = false;
    for a in args {
        if std::mem::take(&mut next_is_place) && !a.starts_with('-') {
            place.push(*a);
            continue;
        }
        let (option, value) = match a.split_once('=') {
            Some((o, v)) => (o, Some(v)),
            None => (*a, None),
        };
        let is_place = PLACE_OPTIONS.contains(&option);
        match value {
            Some(v) if is_place => place.push(v),
            Some(v) => what.push(v),
            None if a.starts_with('-') => next_is_place = is_place,
            None => what.push(*a),
        }
    }
    (what, place)
}

/// Whether a word of `text` says production (`prod`, `production`,
/// `prd`: `orders-prod`, `production/db`), in any case.
fn says_production(text: &str) -> bool {
    text.split(|c: char| !c.is_ascii_alphanumeric()).any(|w| {
        w.eq_ignore_ascii_case("prod") || w.eq_ignore_ascii_case("production") || w.eq_ignore_ascii_case("prd")
    })
}

/// A command word as the tool it runs: a Makefile recipe's `@` or `-`
/// dropped, and a path or an image's name reduced to its last part
/// (`/usr/bin/terraform`, `hashicorp/terraform:1.9`).
pub(super) fn tool_name(word: &str) -> &str {
    let word = word.trim_start_matches(['@', '-', '+']);
    let last = word.rsplit('/').next().unwrap_or(word);
    // (`npx prisma@5`: a package's version.)
    let last = last.split('@').next().unwrap_or(last);
    last.split(':').next().unwrap_or(last)
}

/// Options of the tools read that take a value as the next argument.
const VALUE_OPTIONS: [&str; 30] = [
    "-n",
    "--namespace",
    "-l",
    "--selector",
    "-o",
    "--output",
    "--context",
    "--kube-context",
    "--kubeconfig",
    "--cluster",
    "-c",
    "--field-selector",
    "--region",
    "--profile",
    "--project",
    "-g",
    "--resource-group",
    "--timeout",
    "-f",
    "--filename",
    "-k",
    "--kustomize",
    "-var",
    "-var-file",
    "-target",
    "-replace",
    "--stack",
    "-s",
    "--as",
    "--token",
];

/// Words that name infrastructure in a cloud command's operation or
/// resource (`aws rds delete-db-instance`, `gcloud sql instances delete`,
/// `az group delete`): a delete of anything else (objects, messages,
/// keys, tags, snapshots, images, parameters) is routine.
pub(super) const INFRA_NOUNS: [&str; 57] = [
    "resource",
    "container",
    "droplet",
    "droplets",
    "apps",
    "db",
    "database",
    "databases",
    "cluster",
    "clusters",
    "table",
    "bucket",
    "buckets",
    "stack",
    "domain",
    "queue",
    "topic",
    "topics",
    "stream",
    "volume",
    "disks",
    "disk",
    "system",
    "function",
    "functions",
    "service",
    "services",
    "replication",
    "cache",
    "vpc",
    "network",
    "zone",
    "nodegroup",
    "instance",
    "instances",
    "group",
    "sql",
    "redis",
    "account",
    "aks",
    "postgres",
    "mysql",
    "mariadb",
    "cosmosdb",
    "vm",
    "webapp",
    "functionapp",
    "containerapp",
    "acr",
    "servicebus",
    "eventhubs",
    "server",
    "namespace",
    "machine",
    "machines",
    "dataset",
    "vault",
];

/// Words of a cloud command that name routine objects even beside an
/// infrastructure noun (`log-group`, `iam service-accounts keys`).
pub(super) const ROUTINE_NOUNS: [&str; 45] = [
    "deployment",
    "lock",
    "locks",
    "config",
    "log",
    "logs",
    "key",
    "keys",
    "image",
    "images",
    "artifacts",
    "versions",
    "version",
    "revisions",
    "tags",
    "blob",
    "secret",
    "configurations",
    "snapshot",
    "alias",
    "policy",
    "tagging",
    "cors",
    "lifecycle",
    "encryption",
    "website",
    "concurrency",
    "permission",
    "acl",
    "parameter",
    // (A project's lien guards it: `gcloud resource-manager liens
    // delete` turns a guard off, [`tool_unguards`].)
    "liens",
    // A database's or service's parts that hold none of its data, and
    // access (a red team's false alarms: `gcloud sql backups|users|
    // ssl-certs delete`, `gcloud compute instance-templates|
    // backend-services delete`, `gcloud run domain-mappings delete`,
    // `gcloud iam service-accounts delete`; Ansible's
    // `gcp_compute_instance_template`, `iam_group`,
    // `ec2_placement_group`).
    "backup",
    "backups",
    "snapshots",
    "user",
    "users",
    "ssl",
    "certs",
    "template",
    "templates",
    "backend",
    "mapping",
    "mappings",
    "iam",
    "placement",
];

/// The tools [`destructive_commands`](super::destructive_commands) reads.
pub(super) const TOOLS: [&str; 95] = [
    // Tasks run by name (see [`tasks`]).
    "make",
    "lerna",
    "turbo",
    "nx",
    "run-s",
    "run-p",
    "npm-run-all",
    "concurrently",
    "gmake",
    "just",
    "task",
    "terraform",
    "tofu",
    "terragrunt",
    "gitlab-terraform",
    "gitlab-tofu",
    "opentofu",
    "cdktf",
    "sst",
    "copilot",
    "heroku",
    "fly",
    "flyctl",
    "doctl",
    // Frameworks' database commands (see [`resets_database`]).
    "prisma",
    "rails",
    "rake",
    "php",
    "artisan",
    "console",
    "python",
    "python3",
    "manage.py",
    "django-admin",
    "mix",
    "flyway",
    "liquibase",
    "dotnet",
    "sequelize",
    "sequelize-cli",
    "typeorm",
    // (Knex run down to the first migration; Drizzle told to apply what
    // loses data without asking.)
    "knex",
    "drizzle-kit",
    "supabase",
    "mvn",
    "mvnw",
    "gradle",
    "gradlew",
    "pulumi",
    "cdk",
    "sam",
    "serverless",
    "sls",
    "helmfile",
    "eksctl",
    "dropdb",
    "kubectl",
    "oc",
    "helm",
    "argocd",
    "aws",
    "aws-vault",
    "gsutil",
    "gcloud",
    "az",
    "bq",
    "s5cmd",
    "nomad",
    "curl",
    // (Red team 29.)
    "atmos",
    "terramate",
    "mysqladmin",
    "wrangler",
    "firebase",
    "atlas",
    "flux",
    // Migration tools that run every down migration or drop the schema
    // (see [`resets_database`]), and restores that drop what a database
    // holds before loading an old dump into it.
    "alembic",
    "dbmate",
    "diesel",
    "goose",
    "sqlx",
    "migrate",
    "sqitch",
    "pg_restore",
    "mongorestore",
    // SQL clients, for the script files they run (`psql -f FILE`).
    "psql",
    "pgcli",
    "mysql",
    "mariadb",
    "sqlcmd",
    "sqlite3",
    "duckdb",
    "clickhouse-client",
    "snowsql",
    "cqlsh",
];

/// Data services' own command lines, tools [`destructive_commands`](super::destructive_commands)
/// reads beside [`TOOLS`] (red team 12): see [`data_service_destroys`].
const DATA_TOOLS: [&str; 19] = [
    "kafka-topics",
    "kafka-topics.sh",
    "kafka-configs",
    "kafka-configs.sh",
    "kafka-delete-records",
    "kafka-delete-records.sh",
    "rpk",
    "rabbitmqadmin",
    "rabbitmqctl",
    "redis-cli",
    "valkey-cli",
    "keydb-cli",
    "mongosh",
    "mongo",
    "etcdctl",
    "vault",
    "consul",
    "nats",
    "pulsar-admin",
];

/// What `tool` run with `args` destroys (empty: nothing it reads).
/// A command line's words up to its command, past global options: each
/// word that follows an option written without `=` may be that option's
/// value, so the words are taken up to the first that follows none
/// (`-e production destroy`: `production`, `destroy`; `--yes destroy`:
/// `destroy`; `logs --name x`: `logs`).
fn leading_words<'a>(args: &[&'a str]) -> Vec<&'a str> {
    let mut out = Vec::new();
    let mut after_option = false;
    for &a in args {
        if a == "--" {
            break;
        }
        if a.starts_with('-') {
            after_option = !a.contains('=');
            continue;
        }
        out.push(a);
        if !after_option {
            break;
        }
        after_option = false;
    }
    out
}

/// What `kubectl delete` (or `oc delete`) given manifests rather than a
/// kind deletes, by its words: `kubectl delete -k DIR` for a
/// Kustomization (`-k`, `--kustomize`), `kubectl delete -f DIR` for a
/// folder of manifests (`-f`, `--filename`: a value with no `.yaml`,
/// `.yml` or `.json` extension, one ending in `/`, or any with `-R`,
/// `--recursive`); a standard input (`-f -`) or a single file counts
/// nothing.
fn manifest_sets_deleted(tool: &str, args: &[&str]) -> Vec<String> {
    let recursive = args.iter().any(|a| matches!(*a, "-R" | "--recursive" | "--recursive=true"));
    let mut out = Vec::new();
    for (i, a) in args.iter().enumerate() {
        let (flag, value) = match a.split_once('=') {
            Some((flag, value)) if flag.starts_with('-') => (flag, Some(value)),
            _ => (*a, args.get(i + 1).copied()),
        };
        let Some(value) = value.map(|v| v.trim_matches(['"', '\''])).filter(|v| !v.is_empty() && *v != "-") else {
            continue;
        };
        let lower = value.to_ascii_lowercase();
        let file = [".yaml", ".yml", ".json"].iter().any(|e| lower.ends_with(e));
        let url = lower.starts_with("http://") || lower.starts_with("https://");
        match flag {
            "-k" | "--kustomize" => out.push(format!("{tool} delete -k {value}")),
            "-f" | "--filename" if !url && (recursive || !file || value.ends_with('/')) => {
                out.push(format!("{tool} delete -f {value}"));
            }
            _ => {}
        }
    }
    out
}

/// The start of a kind [`destructive_commands`](super::destructive_commands)
/// finds for a Helm switch a command line turns off (`helm upgrade ...
/// --set postgresql.enabled=false` gives `helm sets off postgresql`): the
/// facade reads what the switch held from its path, as it does for a
/// values file's switch turned off.
pub const HELM_SET_OFF: &str = "helm sets off ";

/// The switches `helm upgrade` or `helm install` arguments turn off with
/// `--set` or `--set-string` (`--set a.enabled=false,b.enabled=0`): each
/// mapping whose `enabled` is set off (`false`, `0`, `null`, `""`, `no`,
/// `off`, `n`) or whose `existingClaim` is set (the chart stops making its
/// own claim), as [`HELM_SET_OFF`] and its dotted path.
fn helm_switches_set_off(args: &[&str]) -> Vec<String> {
    let mut out = Vec::new();
    for (i, a) in args.iter().enumerate() {
        let (flag, value) = match a.split_once('=') {
            Some((flag, value)) if flag.starts_with("--set") => (flag, Some(value)),
            _ => (*a, args.get(i + 1).copied()),
        };
        let Some(value) = value.filter(|_| matches!(flag, "--set" | "--set-string")) else { continue };
        for pair in value.trim_matches(['"', '\'']).split(',') {
            let Some((key, v)) = pair.split_once('=') else { continue };
            let key = key.trim_matches(['"', '\'']);
            let v = v.trim_matches(['"', '\'']).to_ascii_lowercase();
            let off = matches!(v.as_str(), "false" | "0" | "null" | "" | "no" | "off" | "n");
            let path = match (key.strip_suffix(".enabled"), key.strip_suffix(".existingClaim")) {
                (Some(path), _) if off => path,
                (_, Some(path)) if !off => path,
                _ => continue,
            };
            if !path.is_empty() && out.len() < super::MAX_TYPES_READ {
                out.push(format!("{HELM_SET_OFF}{path}"));
            }
        }
    }
    out
}

/// The resource type a Pulumi URN names
/// (`urn:pulumi:prod::orders::aws:rds/instance:Instance::orders-db`:
/// `aws:rds/instance:Instance`; a child's, past its parents' types, `$`),
/// else the whole URN.
fn pulumi_urn_type(urn: &str) -> String {
    let parts: Vec<&str> = urn.split("::").collect();
    match parts.as_slice() {
        [_, _, qualified, _] => qualified.rsplit('$').next().unwrap_or(qualified).to_owned(),
        _ => format!("pulumi up --replace {urn}"),
    }
}

fn tool_destroys(tool: &str, args: &[&str], resets: Option<&str>) -> Vec<String> {
    let mut plain = plain_arguments(args);
    // (`gcloud alpha storage rm`, `gcloud beta sql instances delete`: the
    // command of a release track is the command.)
    if tool == "gcloud" && plain.first().is_some_and(|w| matches!(*w, "alpha" | "beta" | "preview")) {
        plain.remove(0);
    }
    let first = plain.first().copied().unwrap_or_default();
    let has = |flag: &str| {
        let flag = flag.trim_start_matches('-');
        args.iter().any(|a| {
            let a = a.strip_prefix("--").or_else(|| a.strip_prefix('-'));
            a.is_some_and(|a| a == flag || a.starts_with(&format!("{flag}=")))
        })
    };
    // The values of `-flag=VALUE` or `-flag VALUE` (one dash or two), as
    // written, quotes aside.
    let values = |flag: &str| -> Vec<String> {
        let mut out = Vec::new();
        for (i, a) in args.iter().enumerate() {
            let a = a.trim_start_matches('-');
            let value = match a.strip_prefix(flag) {
                Some(v) if v.starts_with('=') => Some(v.trim_start_matches('=').to_owned()),
                Some("") => args.get(i + 1).map(|v| (*v).to_owned()),
                _ => None,
            };
            let value = value.map(|v| v.trim_matches(|c| c == '"' || c == '\'').to_owned());
            out.extend(value.filter(|v| !v.is_empty()));
        }
        out
    };
    // `-target=ADDRESS`, `-target ADDRESS`: each address's type.
    let addresses = |flag: &str| -> Vec<String> {
        values(flag).into_iter().map(|v| blastgate_change::address_type(&v).unwrap_or(&v).to_owned()).collect()
    };
    let leading = leading_words(args);
    let words = |n: usize| -> String {
        std::iter::once(tool).chain(plain.iter().copied().take(n)).collect::<Vec<_>>().join(" ")
    };
    // A cloud command's words before `delete` (or its operation's parts).
    let infrastructure = |parts: &[&str]| {
        let split: Vec<&str> = parts.iter().flat_map(|p| p.split('-')).collect();
        split.iter().any(|w| INFRA_NOUNS.contains(w)) && !split.iter().any(|w| ROUTINE_NOUNS.contains(w))
    };
    match tool {
        "terraform" | "tofu" | "terragrunt" | "gitlab-terraform" | "gitlab-tofu" | "opentofu" => {
            let destroy = plain.iter().take(2).any(|w| *w == "destroy" || *w == "destroy-all")
                || (matches!(first, "apply" | "plan") && has("-destroy") && (first == "apply" || has("-out")))
                || (first == "run-all" && plain.get(1) == Some(&"destroy"));
            if destroy {
                let targets = addresses("target");
                if targets.is_empty() { vec!["terraform destroy".to_owned()] } else { targets }
            } else if first == "apply" {
                addresses("replace")
            } else {
                Vec::new()
            }
        }
        // (Past global options and their values, which these tools take
        // before the command too: `helmfile -e production destroy`,
        // `pulumi --cwd infra destroy`, `serverless --stage prod remove`;
        // red team 29.)
        "pulumi" if leading.iter().any(|w| matches!(*w, "destroy" | "down")) => vec!["pulumi destroy".to_owned()],
        // `pulumi up --replace URN` (`--target-replace`): the resource is
        // made anew, empty, as Terraform's `-replace` makes it.
        "pulumi" if leading.iter().any(|w| matches!(*w, "up" | "update")) => {
            let mut urns = values("replace");
            urns.extend(values("target-replace"));
            urns.iter().map(|urn| pulumi_urn_type(urn)).collect()
        }
        "cdk" if leading.contains(&"destroy") => vec!["cdk destroy".to_owned()],
        "sam" if leading.contains(&"delete") => vec!["sam delete".to_owned()],
        "serverless" | "sls" if leading.contains(&"remove") => vec!["serverless remove".to_owned()],
        "helmfile" if leading.iter().any(|w| matches!(*w, "destroy" | "delete")) => {
            vec!["helmfile destroy".to_owned()]
        }
        "cdktf" if leading.contains(&"destroy") => vec!["cdktf destroy".to_owned()],
        "sst" if leading.contains(&"remove") => vec!["sst remove".to_owned()],
        // Cloud Posse's Atmos runs Terraform by component: `atmos terraform
        // destroy COMPONENT -s STACK` (red team 29).
        "atmos" if first == "terraform" && plain.get(1).is_some_and(|w| matches!(*w, "destroy" | "deploy-destroy")) => {
            vec!["terraform destroy".to_owned()]
        }
        "copilot" if matches!(first, "app" | "env" | "svc" | "job") && plain.get(1) == Some(&"delete") => {
            vec![words(2)]
        }
        "heroku" if matches!(first, "apps:destroy" | "addons:destroy" | "pg:reset") => vec![words(1)],
        // (`heroku destroy` is `apps:destroy`'s alias.)
        "heroku" if first == "destroy" => vec!["heroku apps:destroy".to_owned()],
        // A restore that drops what the database holds first (`pg_restore
        // --clean`, `mongorestore --drop`): what was written since the dump
        // is gone.
        "pg_restore" if has("clean") || short_flag(args, 'c') => vec!["database".to_owned()],
        "mongorestore" if has("drop") => vec!["database".to_owned()],
        "fly" | "flyctl" => {
            let second = plain.get(1).copied().unwrap_or_default();
            let apps = matches!(first, "apps" | "app") && matches!(second, "destroy" | "delete" | "remove" | "rm");
            let volumes = matches!(first, "volumes" | "volume" | "vol") && matches!(second, "destroy" | "delete");
            if first == "destroy" || apps {
                vec!["fly apps destroy".to_owned()]
            } else if volumes {
                vec!["fly volumes destroy".to_owned()]
            } else {
                Vec::new()
            }
        }
        "doctl" => match plain.iter().take(4).position(|w| matches!(*w, "delete" | "rm")) {
            Some(at) if infrastructure(plain.get(..at).unwrap_or_default()) => vec![words(at + 1)],
            _ => Vec::new(),
        },
        "eksctl" if first == "delete" => vec![words(2)],
        // A Nomad CSI or host volume deleted, its data with it (red team
        // 11); a job stopped and purged is the job.
        "nomad" if first == "volume" && matches!(plain.get(1), Some(&"delete")) => {
            vec!["nomad volume delete".to_owned()]
        }
        "nomad" if first == "job" && plain.get(1) == Some(&"stop") && args.contains(&"-purge") => {
            vec!["nomad job stop -purge".to_owned()]
        }
        "dropdb" => vec!["database".to_owned()],
        _ if DATA_TOOLS.contains(&tool) => data_service_destroys(tool, args, &plain, &has),
        "curl" => search_index_deletes(args),
        "kubectl" | "oc" if first == "delete" => match plain.get(1) {
            Some(kind) => kubernetes_kinds(kind),
            // Everything a folder of manifests or a Kustomization deploys,
            // deleted (`kubectl delete -f k8s/`, `-k overlays/prod`), which
            // is how an environment is torn down to be made anew (red team
            // 29); a single file (`-f job.yaml`, a job re-run) is a call
            // the facade follows (`super::tasks::manifest_delete_calls`).
            None => manifest_sets_deleted(tool, args),
        },
        // Switches a release's values turn off on the command line
        // (`helm upgrade orders ./chart --set postgresql.enabled=false`),
        // as a values file's would.
        "helm" if matches!(first, "upgrade" | "install") => helm_switches_set_off(args),
        "helm" if matches!(first, "uninstall" | "delete" | "del" | "un") => {
            let names = plain.get(1..).unwrap_or_default();
            if names.is_empty() {
                vec!["helm uninstall".to_owned()]
            } else {
                names.iter().map(|n| format!("helm uninstall {n}")).collect()
            }
        }
        "argocd" if first == "app" && plain.get(1) == Some(&"delete") => {
            vec![format!("argocd app {}", plain.get(2).copied().unwrap_or_default()).trim_end().to_owned()]
        }
        "aws" => {
            let op = plain.get(1).copied().unwrap_or_default();
            let deletes = (op.starts_with("delete-") || op.starts_with("terminate-")) && infrastructure(&[first, op]);
            // Keys and secrets are routine words (a secret rotated, a key
            // pair deleted), but a KMS key scheduled for deletion takes
            // every datum it encrypted with it, and a secret or a
            // repository deleted with no way back is the only copy
            // (red team 29).
            let data = match (first, op) {
                ("kms", "schedule-key-deletion") => Some("aws_kms_key"),
                ("secretsmanager", "delete-secret") if has("force-delete-without-recovery") => {
                    Some("aws_secretsmanager_secret")
                }
                ("ecr", "delete-repository") if has("force") => Some("aws_ecr_repository"),
                // (Every message in the queue, deleted.)
                ("sqs", "purge-queue") => Some("aws_sqs_queue"),
                _ => None,
            };
            if let Some(kind) = data {
                vec![kind.to_owned()]
            } else if deletes || (first == "s3" && op == "rb") {
                vec![words(2)]
            } else if first == "s3"
                && op == "rm"
                && has("recursive")
                && !has("dryrun")
                && args.iter().any(|a| whole_bucket(a, "s3://"))
            {
                vec!["aws s3 rb".to_owned()]
            } else {
                Vec::new()
            }
        }
        // (Past global options and their values: `gsutil -u billing -m
        // rb gs://b`.)
        "gsutil" if plain.iter().take(3).any(|w| *w == "rb") => vec!["gsutil rb".to_owned()],
        // Everything in a bucket, removed (`gsutil -m rm -r gs://b`,
        // `gsutil rm -rf gs://b`, `gsutil rm 'gs://b/**'`, `gcloud storage
        // rm --recursive gs://b`), takes the bucket with it: the bucket's
        // removal (a red team's miss).
        "gsutil"
            if plain.iter().take(3).any(|w| *w == "rm")
                && every_object(args)
                && args.iter().any(|a| whole_bucket(a, "gs://")) =>
        {
            vec!["gsutil rb".to_owned()]
        }
        // BigQuery's `bq rm`: a dataset with `-d` (`-r` takes its tables
        // with it), else a table; not a model or routine.
        "bq" if plain.iter().take(3).any(|w| *w == "rm") => {
            if short_flag(args, 'm') || has("model") || has("routine") {
                Vec::new()
            } else if short_flag(args, 'd') || has("dataset") {
                vec!["bigquery_dataset".to_owned()]
            } else {
                vec!["bigquery_table".to_owned()]
            }
        }
        // s5cmd, past its global options: `rb` a bucket, `rm` of every
        // object in one (`s3://b/*`) empties it; not `--dry-run`.
        "s5cmd" if !has("dry-run") => {
            let at = plain.iter().take(4).position(|w| matches!(*w, "rm" | "rb"));
            let targets = at.and_then(|at| plain.get(at + 1..)).unwrap_or_default();
            match at.and_then(|at| plain.get(at)) {
                Some(&"rb") => vec!["aws s3 rb".to_owned()],
                Some(&"rm") if targets.iter().any(|a| whole_bucket(a, "s3://")) => vec!["aws s3 rb".to_owned()],
                _ => Vec::new(),
            }
        }
        "gcloud"
            if first == "storage"
                && plain.get(1) == Some(&"rm")
                && every_object(args)
                && args.iter().any(|a| whole_bucket(a, "gs://")) =>
        {
            vec!["gsutil rb".to_owned()]
        }
        // A template deployment in complete mode deletes what the resource
        // group holds and the template does not.
        "az" if (first == "deployment" || (first == "group" && plain.get(1) == Some(&"deployment")))
            && plain.contains(&"create")
            && (args.windows(2).any(|p| {
                p.first().is_some_and(|o| *o == "--mode")
                    && p.get(1).is_some_and(|m| m.eq_ignore_ascii_case("complete"))
            }) || args.iter().any(|a| a.eq_ignore_ascii_case("--mode=complete"))) =>
        {
            vec!["complete deployment".to_owned()]
        }
        // An Azure key vault deleted (soft-deleted, then purged): the keys
        // and secrets in it, and what they decrypt (red team 29).
        "az" if first == "keyvault" && plain.get(1).is_some_and(|w| matches!(*w, "delete" | "purge")) => {
            vec!["azurerm_key_vault".to_owned()]
        }
        // Data platforms' own command lines (red team 29): MySQL's admin
        // tool dropping a database, Cloudflare's D1 databases and R2
        // buckets, a Firestore emptied, a MongoDB Atlas cluster, and a Flux
        // object whose deletion prunes what it deployed.
        // (Its arguments as written: `-f` is no option with a value here,
        // `mysqladmin -f drop orders`.)
        "mysqladmin" if args.iter().any(|w| w.eq_ignore_ascii_case("drop")) => vec!["database".to_owned()],
        "wrangler" if first == "d1" && plain.get(1) == Some(&"delete") => vec!["cloudflare_d1_database".to_owned()],
        "wrangler" if first == "r2" && plain.get(1) == Some(&"bucket") && plain.get(2) == Some(&"delete") => {
            vec!["r2_bucket".to_owned()]
        }
        "firebase" if first == "firestore:delete" && (has("all-collections") || has("recursive") || has("r")) => {
            vec!["database".to_owned()]
        }
        "atlas"
            if leading_words(args).first().is_some_and(|w| matches!(*w, "clusters" | "cluster"))
                && plain.iter().take(3).any(|w| matches!(*w, "delete" | "rm")) =>
        {
            vec!["database".to_owned()]
        }
        "flux" if first == "delete" => match plain.get(1).copied().unwrap_or_default() {
            "helmrelease" | "hr" => vec!["helm_release".to_owned()],
            "kustomization" | "ks" => {
                vec![format!("flux kustomization {}", plain.get(2).copied().unwrap_or_default()).trim_end().to_owned()]
            }
            _ => Vec::new(),
        },
        "gcloud" | "az" => match plain.iter().take(5).position(|w| *w == "delete") {
            Some(at) if infrastructure(plain.get(..at).unwrap_or_default()) => vec![words(at + 1)],
            _ => Vec::new(),
        },
        _ if resets.is_some_and(|marks| resets_database(tool, &plain, &has, marks)) => vec!["database".to_owned()],
        _ => Vec::new(),
    }
}

/// What a data service's own command line (`tool` run with `args`, its
/// plain arguments `plain`, `has` telling its options) destroys: the data
/// it holds, each named by the command's words so that the rules read the
/// service's kind in them (red team 12: each was `owner` on a tier-0
/// leaf, where the same data deleted through Terraform was `multi_party`).
///
/// - Kafka: `kafka-topics --delete` (a topic and its messages),
///   `kafka-delete-records` (a topic's messages up to an offset),
///   `kafka-configs --alter` setting `retention.ms` under a minute, and
///   Redpanda's `rpk topic delete` and `rpk topic trim-prefix`;
/// - RabbitMQ: `rabbitmqadmin delete queue`, `delete vhost`, `purge
///   queue`, and `rabbitmqctl delete_queue`, `purge_queue`,
///   `delete_vhost`, `reset` and `force_reset`;
/// - Redis (and Valkey, KeyDB): `FLUSHALL` and `FLUSHDB`, in any case,
///   also in an `EVAL` script;
/// - MongoDB's shell: `dropDatabase` (`db.dropDatabase()`,
///   `runCommand({dropDatabase: 1})`), a collection's `drop()`, and
///   `deleteMany({})` or `remove({})` of every document (with options,
///   or in a `bulkWrite`);
/// - etcd: `etcdctl del` of a key range (`--prefix`, `--from-key`);
/// - Vault: `vault secrets disable` (a secrets engine and every secret
///   in it) or the API's `vault delete sys/mounts/PATH`, `vault kv
///   destroy` and `vault kv metadata delete` (or `vault delete
///   MOUNT/metadata/...`: a secret's versions, for good); Consul: `consul
///   kv delete -recurse`;
/// - NATS JetStream: `nats stream rm` and `nats stream purge`; Pulsar:
///   `pulsar-admin topics delete`, `namespaces delete` and `tenants
///   delete`.
///
/// Subcommands are found anywhere among the plain arguments, past global
/// options and their values (`rpk -X brokers=... topic delete`).
///
/// A single key deleted (`etcdctl del KEY`, `redis-cli DEL KEY`) and
/// what only reads count nothing; a Redis `DEL` fed its keys (`redis-cli
/// --scan | xargs redis-cli DEL`) is a flush.
fn data_service_destroys(tool: &str, args: &[&str], plain: &[&str], has: &dyn Fn(&str) -> bool) -> Vec<String> {
    // A subcommand's words anywhere among the plain arguments: a global
    // option's value before them (`rpk -X brokers=... topic delete`,
    // `nats --server URL stream rm`, `rabbitmqadmin -V / delete queue`)
    // moves them along (red team 13).
    let pair = |a: &[&str], b: &[&str]| {
        plain.windows(2).find_map(|w| match w {
            [x, y] if a.contains(x) && b.contains(y) => Some((*x, *y)),
            _ => None,
        })
    };
    let named = |kind: &str| vec![kind.to_owned()];
    // (Words of the arguments, `_` kept: `redis.call('flushall')` has
    // `flushall`, `flushall_count` does not.)
    let words = || {
        args.iter()
            .flat_map(|a| a.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')))
            .filter(|w| !w.is_empty())
            .map(str::to_ascii_lowercase)
    };
    match tool {
        "kafka-topics" | "kafka-topics.sh" if has("delete") => named("kafka-topics --delete"),
        "kafka-delete-records" | "kafka-delete-records.sh" => named("kafka-delete-records"),
        // A topic's retention set to under a minute purges it: the broker
        // deletes every message older than that (a known way to empty a
        // topic without deleting it).
        "kafka-configs" | "kafka-configs.sh" if has("alter") && purges_by_retention(args) => {
            named("kafka-configs retention")
        }
        "rpk" if pair(&["topic"], &["delete", "trim-prefix"]).is_some() => named("rpk topic delete"),
        "rabbitmqadmin" => match pair(&["delete", "purge"], &["queue", "vhost"]) {
            Some((verb, noun)) if (verb, noun) != ("purge", "vhost") => named(&format!("rabbitmqadmin {verb} {noun}")),
            _ => Vec::new(),
        },
        "rabbitmqctl" => plain
            .iter()
            .find(|w| matches!(**w, "delete_queue" | "purge_queue" | "delete_vhost" | "reset" | "force_reset"))
            .map(|w| named(&format!("rabbitmqctl {w}")))
            .unwrap_or_default(),
        // (`FLUSHALL` as a command or in a script, `EVAL
        // "redis.call('flushall')" 0`.)
        "redis-cli" | "valkey-cli" | "keydb-cli" => match words().find(|w| w == "flushall" || w == "flushdb") {
            Some(w) => named(&format!("redis {w}")),
            // A `DEL` (or `UNLINK`) that names no key of its own is fed
            // the keys to delete, every key a scan lists (`redis-cli
            // --scan | xargs redis-cli DEL`, red team 13): a flush.
            None if fed_keys(plain) => named("redis del of listed keys (flushdb)"),
            None => Vec::new(),
        },
        // (The script as one text: `--eval db.orders.deleteMany( {} )`
        // is split at its spaces.)
        "mongosh" | "mongo" => mongo_script_destroys(&args.concat()),
        "etcdctl" if plain.contains(&"del") && (has("prefix") || has("from-key")) => named("etcdctl del --prefix"),
        "vault" => {
            // (The API's paths too: `vault delete sys/mounts/secret` is
            // `secrets disable`, `vault delete secret/metadata/x` a
            // secret's metadata deleted.)
            let api = plain
                .windows(2)
                .find_map(|w| match w {
                    ["delete", path] => Some(path.trim_start_matches('/').to_owned()),
                    _ => None,
                })
                .unwrap_or_default();
            if pair(&["secrets"], &["disable"]).is_some() || api.starts_with("sys/mounts/") {
                named("vault secrets disable")
            } else if pair(&["kv"], &["destroy"]).is_some() {
                named("vault kv destroy")
            } else if pair(&["metadata"], &["delete"]).is_some() || api.split('/').nth(1) == Some("metadata") {
                named("vault kv metadata delete")
            } else {
                Vec::new()
            }
        }
        "consul" if pair(&["kv"], &["delete"]).is_some() && has("recurse") => named("consul kv delete -recurse"),
        "nats" => match pair(&["stream", "str"], &["rm", "delete", "purge"]) {
            Some((_, verb)) => named(&format!("nats stream {verb}")),
            None => Vec::new(),
        },
        "pulsar-admin" => match pair(&["topics", "namespaces", "tenants"], &["delete"]) {
            Some((noun, _)) => named(&format!("pulsar-admin {noun} delete")),
            None => Vec::new(),
        },
        _ => Vec::new(),
    }
}

/// What a MongoDB shell script destroys (`--eval`'s text, or a file
/// the shell runs): a database dropped, or a collection dropped or
/// emptied (`deleteMany({})`, `remove({})`); blanks and case aside (a CI
/// step's inputs are read in lower case).
pub(crate) fn mongo_script_destroys(script: &str) -> Vec<String> {
    let script: String = script.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_lowercase();
    let named = |kind: &str| vec![kind.to_owned()];
    if script.contains("dropdatabase") {
        named("mongodb dropDatabase")
    } else if script.contains(".drop()")
        || script.contains(".deletemany({})")
        || script.contains(".deletemany({},")
        || script.contains(".remove({})")
        || script.contains(".remove({},")
        || script.contains(".deletemany()")
        || script.contains("deletemany:{filter:{}")
    {
        named("mongodb collection drop")
    } else {
        Vec::new()
    }
}

/// Whether a Redis command line's plain words end in a `DEL` or
/// `UNLINK` with no key after it (or only `xargs -I`'s `{}`): the keys
/// come from its standard input.
fn fed_keys(plain: &[&str]) -> bool {
    let plain = match plain.split_last() {
        Some((&"{}", rest)) => rest,
        _ => plain,
    };
    plain.last().is_some_and(|w| w.eq_ignore_ascii_case("del") || w.eq_ignore_ascii_case("unlink"))
}

/// Whether `args` set a Kafka topic's `retention.ms` under a minute
/// (`--add-config retention.ms=1000`, several settings at once
/// separated by commas): every older message goes.
fn purges_by_retention(args: &[&str]) -> bool {
    args.iter().flat_map(|a| a.trim_matches(['"', '\'']).split(',')).any(|setting| {
        setting
            .trim()
            .strip_prefix("retention.ms=")
            .and_then(|v| v.trim().parse::<i64>().ok())
            .is_some_and(|ms| (0..60_000).contains(&ms))
    })
}

/// What `curl` run with `args` deletes through Elasticsearch's or
/// OpenSearch's API: an index (or every index, `_all`, `*`) or a data
/// stream, by a `DELETE` to a URL whose words name the service
/// (`$ES_URL/orders`, `https://search-orders.eu-west-1.es.amazonaws.com/orders`,
/// `:9200`). A document (`/orders/_doc/42`), a snapshot, an alias and
/// the indices of logs and beats (`logs-2024.01.01`, `filebeat-*`,
/// system indices starting with `.`), which rotations delete every day,
/// are not counted.
fn search_index_deletes(args: &[&str]) -> Vec<String> {
    let method = args.iter().enumerate().find_map(|(i, a)| {
        if let Some(m) = a.strip_prefix("-X").filter(|m| !m.is_empty()) {
            return Some(m.trim_start_matches('=').to_owned());
        }
        if let Some(m) = a.strip_prefix("--request=") {
            return Some(m.to_owned());
        }
        matches!(*a, "-X" | "--request").then(|| args.get(i + 1).map(|m| (*m).to_owned())).flatten()
    });
    if !method.is_some_and(|m| m.eq_ignore_ascii_case("delete")) {
        return Vec::new();
    }
    let mut out = Vec::new();
    for url in args.iter().filter(|a| !a.starts_with('-')) {
        let lower = url.trim_matches(['"', '\'']).to_ascii_lowercase();
        let (place, path) = match lower.split_once("://") {
            Some((_, rest)) => rest.split_once('/').unwrap_or((rest, "")),
            None if lower.starts_with('$') => lower.split_once('/').unwrap_or((lower.as_str(), "")),
            None => continue,
        };
        let words: Vec<&str> = place.split(|c: char| !c.is_ascii_alphanumeric()).collect();
        let service = if words.iter().any(|w| w.contains("opensearch")) {
            "opensearch"
        } else if words.iter().any(|w| matches!(*w, "es" | "9200" | "9243") || w.contains("elastic")) {
            "elasticsearch"
        } else {
            continue;
        };
        let path = path.split(['?', '#']).next().unwrap_or_default();
        let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
        let routine = |name: &str| {
            name.starts_with('.')
                || ["log", "logs", "logstash", "filebeat", "metricbeat", "heartbeat", "packetbeat", "auditbeat"]
                    .iter()
                    .any(|w| name.split(|c: char| !c.is_ascii_alphanumeric()).next() == Some(*w))
        };
        let deleted = match segments.as_slice() {
            ["_all" | "*"] => Some("index"),
            [index] if !index.starts_with('_') && !routine(index) => Some("index"),
            ["_data_stream", stream] if !routine(stream) => Some("data stream"),
            _ => None,
        };
        if let Some(what) = deleted {
            out.push(format!("{service} {what}"));
        }
    }
    out
}

/// Whether a removal's `args` take every object under what they name:
/// recursively ([`recursive`]) or by a `**` wildcard (`gs://b/**`).
fn every_object(args: &[&str]) -> bool {
    recursive(args) || args.iter().any(|a| a.trim_matches(['"', '\'']).ends_with("/**"))
}

/// Whether `args` ask for a recursive removal: `-r`, `-R`,
/// `--recursive`, or a cluster of short flags holding one (`-rf`).
fn recursive(args: &[&str]) -> bool {
    args.contains(&"--recursive") || short_flag(args, 'r') || short_flag(args, 'R')
}

/// Whether `args` hold the short flag `flag`, alone (`-d`) or in a
/// cluster (`-rfd`).
fn short_flag(args: &[&str], flag: char) -> bool {
    args.iter().any(|a| {
        a.strip_prefix('-')
            .is_some_and(|f| !f.starts_with('-') && f.chars().all(|c| c.is_ascii_alphabetic()) && f.contains(flag))
    })
}

/// Whether `arg` names a whole bucket under `scheme` (`gs://orders`,
/// `s3://orders/`), not a prefix or an object in it.
fn whole_bucket(arg: &str, scheme: &str) -> bool {
    let arg = arg.trim_matches(['"', '\'']);
    arg.strip_prefix(scheme).is_some_and(|rest| {
        let rest = rest.trim_end_matches(['*', '/']);
        !rest.is_empty() && !rest.contains('/')
    })
}

/// The arguments of a command that are no option nor an option's value
/// ([`VALUE_OPTIONS`]).
fn plain_arguments<'a>(args: &[&'a str]) -> Vec<&'a str> {
    let mut plain: Vec<&str> = Vec::new();
    let mut skip = false;
    for a in args {
        if std::mem::take(&mut skip) {
            continue;
        }
        if a.starts_with('-') {
            skip = VALUE_OPTIONS.contains(a);
        } else {
            plain.push(a);
        }
    }
    plain
}

/// The start of a kind [`destructive_commands`](super::destructive_commands) finds that is no type
/// destroyed but a guard against deletion a command turns off (`turns
/// off aws rds modify-db-instance --no-deletion-protection`): the facade
/// states what follows it in the file's `unguards`, as a guard's line
/// removed from an infrastructure file is.
pub const UNGUARD: &str = "turns off ";

/// Options of the cloud command line tools that turn a guard against
/// deletion on, as written after `--no-` to turn it off (`aws rds
/// modify-db-instance --no-deletion-protection`, `gcloud spanner
/// databases update --no-enable-drop-protection`, `aws ec2
/// modify-instance-attribute --no-disable-api-termination`).
const GUARD_OPTIONS: [&str; 9] = [
    "deletion-protection",
    "deletion-protection-enabled",
    "enable-deletion-protection",
    "delete-protection",
    "drop-protection",
    "enable-drop-protection",
    "termination-protection",
    "enable-termination-protection",
    "disable-api-termination",
];

/// The guards against deletion that `tool` run with `args` turns off,
/// each named by the command's words and what turns it off. It destroys
/// nothing yet, but it is how a deletion is prepared, as a guard's line
/// taken out of an infrastructure file is ([`removed_guards`](super::removed_guards)):
///
/// - `aws SERVICE modify-...`, `update-...`, `put-...` or `set-...` with
///   a guard's `--no-` option (`--no-deletion-protection`,
///   `--no-deletion-protection-enabled`,
///   `--no-enable-termination-protection`,
///   `--no-disable-api-termination`), Cognito's `--deletion-protection
///   INACTIVE`, a load balancer's `deletion_protection.enabled` set to
///   `false`, `--backup-retention-period 0` (RDS deletes the automated
///   backups at once), or a bucket's versioning `Status=Suspended`;
/// - `gcloud ... update` or `patch` with such an option
///   (`--no-deletion-protection`, `--no-enable-drop-protection`,
///   `--no-delete-protection`) or the option set to `false`, and `gcloud
///   sql instances patch --no-backup`;
/// - `az lock delete` (`az group lock delete`, `az resource lock
///   delete`): a `CanNotDelete` lock is Azure's guard;
/// - `kubectl` or `oc` `annotate ... helm.sh/resource-policy-` (Helm's
///   `keep` taken off) and `patch` setting a volume's
///   `persistentVolumeReclaimPolicy` to `Delete`;
/// - `terraform` (`tofu`, `terragrunt`) `apply` or `plan` given a
///   variable that lets resources be destroyed (`-var
///   deletion_protection=false`, `skip_final_snapshot=true`,
///   `force_destroy=true`).
fn tool_unguards(tool: &str, args: &[&str]) -> Vec<String> {
    let plain = plain_arguments(args);
    let first = plain.first().copied().unwrap_or_default();
    // (`--no-deletion-protection`, `--deletion-protection=false`.)
    let option = args.iter().find(|a| {
        let a = a.to_ascii_lowercase();
        let negated = a.strip_prefix("--no-").is_some_and(|o| GUARD_OPTIONS.contains(&o));
        let set_false = a.strip_prefix("--").and_then(|o| o.split_once('=')).is_some_and(|(o, v)| {
            GUARD_OPTIONS.contains(&o) && !o.starts_with("disable") && matches!(v, "false" | "0" | "inactive")
        });
        negated || set_false
    });
    let squeezed = || squeeze(&args.concat());
    let named = |verb_at: usize, what: &str| -> String {
        let mut words: Vec<&str> = std::iter::once(tool).chain(plain.iter().copied().take(verb_at + 1)).collect();
        words.push(what);
        words.join(" ")
    };
    match tool {
        "aws" => {
            let op = plain.get(1).copied().unwrap_or_default();
            if !["modify-", "update-", "put-", "set-"].iter().any(|p| op.starts_with(p))
                && op != "delete-backup-vault-lock-configuration"
            {
                return Vec::new();
            }
            // (Cognito's user pools: `--deletion-protection INACTIVE`.)
            let inactive = args.windows(2).any(|p| {
                p.first().is_some_and(|o| o.eq_ignore_ascii_case("--deletion-protection"))
                    && p.get(1).is_some_and(|v| v.eq_ignore_ascii_case("inactive"))
            });
            // (No automated backups: RDS deletes those it kept at once.)
            let no_backups = args.windows(2).any(|p| {
                p.first().is_some_and(|o| *o == "--backup-retention-period") && p.get(1).is_some_and(|v| *v == "0")
            }) || args.contains(&"--backup-retention-period=0");
            let squeezed = squeezed();
            let found = match option {
                Some(o) => Some((*o).to_owned()),
                None if inactive => Some("--deletion-protection INACTIVE".to_owned()),
                // (AWS Backup's vault lock keeps recovery points from
                // deletion.)
                None if op == "delete-backup-vault-lock-configuration" => Some(String::new()),
                None if no_backups => Some("--backup-retention-period 0".to_owned()),
                // (Also as JSON, `[{"Key": "deletion_protection.enabled",
                // "Value": "false"}]`, whose quotes are gone here.)
                None if squeezed.contains("deletion_protection.enabled,value=false")
                    || squeezed.contains("deletion_protection.enabled,value:false") =>
                {
                    Some("--attributes Key=deletion_protection.enabled,Value=false".to_owned())
                }
                // (`--attribute disableApiTermination --value false`, and
                // `--disable-api-termination '{"Value": false}'`.)
                None if squeezed.contains("--attributedisableapitermination--valuefalse")
                    || squeezed.contains("--disable-api-termination{value:false}") =>
                {
                    Some("--no-disable-api-termination".to_owned())
                }
                // (A request's JSON, `--cli-input-json '{"DeletionProtection": false}'`.)
                None if ["deletionprotection:false", "deletionprotectionenabled:false"]
                    .iter()
                    .any(|k| squeezed.contains(k)) =>
                {
                    Some("--cli-input-json DeletionProtection=false".to_owned())
                }
                // (A bucket's versioning suspended: what is deleted from
                // now on is gone.)
                None if squeezed.contains("status=suspended") || squeezed.contains("status:suspended") => {
                    Some("--versioning-configuration Status=Suspended".to_owned())
                }
                None => None,
            };
            found.map(|o| named(1, &o).trim_end().to_owned()).into_iter().collect()
        }
        "gcloud" => {
            // (`gcloud sql instances patch --no-backup`: no automated
            // backups.)
            let no_backup = plain.first() == Some(&"sql") && args.contains(&"--no-backup");
            // (A bucket's soft delete cleared: what is deleted from then
            // on is gone.)
            let no_soft_delete = args.iter().any(|a| *a == "--clear-soft-delete" || *a == "--soft-delete-duration=0");
            // (A project's lien keeps it from being deleted.)
            let lien =
                plain.iter().take(4).position(|w| *w == "delete").is_some_and(|at| {
                    plain.get(..at).is_some_and(|p| p.iter().any(|w| matches!(*w, "liens" | "lien")))
                });
            match (plain.iter().take(5).position(|w| matches!(*w, "update" | "patch")), option) {
                (Some(at), Some(o)) => vec![named(at, o)],
                (Some(at), None) if no_backup => vec![named(at, "--no-backup")],
                (Some(at), None) if no_soft_delete => vec![named(at, "--clear-soft-delete")],
                _ if lien => vec!["gcloud resource-manager liens delete".to_owned()],
                _ => Vec::new(),
            }
        }
        "az" => {
            let lower: Vec<String> = args.iter().map(|a| a.to_ascii_lowercase()).collect();
            let after = |option: &str| lower.iter().position(|a| a == option).and_then(|i| lower.get(i + 1));
            // (`az rest --method delete --url .../Microsoft.Authorization/locks/...`.)
            let rest_lock = first == "rest"
                && after("--method").is_some_and(|m| m == "delete")
                && lower.iter().any(|a| a.contains("microsoft.authorization/locks/"));
            // (A storage account's soft delete and versioning: what is
            // deleted from then on is gone.)
            let retention = ["--enable-delete-retention", "--enable-container-delete-retention", "--enable-versioning"]
                .iter()
                .find(|o| after(o).is_some_and(|v| v == "false"));
            match plain.iter().take(4).position(|w| *w == "delete") {
                Some(at) if plain.get(..at).is_some_and(|p| p.contains(&"lock")) => vec!["az lock delete".to_owned()],
                _ if rest_lock => vec!["az lock delete".to_owned()],
                _ if plain.contains(&"update") => {
                    retention.map(|o| format!("az storage {o} false")).into_iter().collect()
                }
                _ => Vec::new(),
            }
        }
        "kubectl" | "oc" if first == "annotate" => {
            if args.iter().any(|a| a.eq_ignore_ascii_case("helm.sh/resource-policy-")) {
                vec![format!("{tool} annotate helm.sh/resource-policy-")]
            } else {
                Vec::new()
            }
        }
        "kubectl" | "oc" if first == "patch" => {
            // (A merge patch, `{"spec": {"persistentVolumeReclaimPolicy":
            // "Delete"}}`, or a JSON patch, `[{"op": "replace", "path":
            // "/spec/persistentVolumeReclaimPolicy", "value": "Delete"}]`;
            // quotes are gone here.)
            let squeezed = squeezed();
            let has = |keys: &[&str]| keys.iter().any(|k| squeezed.contains(k));
            let mut found = Vec::new();
            if has(&["persistentvolumereclaimpolicy:delete", "persistentvolumereclaimpolicy,value:delete"]) {
                found.push(format!("{tool} patch persistentVolumeReclaimPolicy: Delete"));
            }
            if has(&["helm.sh/resource-policy:null", "helm.sh~1resource-policy"]) {
                found.push(format!("{tool} patch helm.sh/resource-policy: null"));
            }
            // (The finalizers that keep a claim in use, `pvc-protection`.)
            if has(&["finalizers:null", "finalizers:[]", "/metadata/finalizers"]) {
                found.push(format!("{tool} patch finalizers: null"));
            }
            if has(&["whendeleted:delete"]) {
                found.push(format!("{tool} patch whenDeleted: Delete"));
            }
            found
        }
        // (A plan changes nothing unless saved for an apply; `run-all
        // apply` applies every module.)
        "terraform" | "tofu" | "terragrunt" | "opentofu"
            if first == "apply"
                || (first == "plan" && args.iter().any(|a| a.trim_start_matches('-').starts_with("out")))
                || (first == "run-all" && plain.get(1) == Some(&"apply")) =>
        {
            let mut found = Vec::new();
            for (i, a) in args.iter().enumerate() {
                let value = match a.trim_start_matches('-').strip_prefix("var") {
                    Some(v) if v.starts_with('=') => v.get(1..),
                    Some("") => args.get(i + 1).copied(),
                    _ => None,
                };
                if let Some(setting) = value.and_then(guard_variable) {
                    found.push(format!("{tool} apply -var {setting}"));
                }
            }
            found
        }
        // (`pulumi config set orders:deletionProtection false`, then `up`.)
        "pulumi" if first == "config" && plain.get(1) == Some(&"set") => {
            let key = plain.get(2).copied().unwrap_or_default();
            let value = plain.get(3).copied().unwrap_or_default();
            let key = key.rsplit(':').next().unwrap_or(key);
            guard_variable(&format!("{key}={value}")).map(|s| format!("pulumi config set {s}")).into_iter().collect()
        }
        // (`cdk deploy -c deletionProtection=false`: a context value the
        // app reads.)
        "cdk" if first == "deploy" => args
            .iter()
            .enumerate()
            .filter(|(_, a)| matches!(**a, "-c" | "--context"))
            .filter_map(|(i, _)| args.get(i + 1).copied().and_then(guard_variable))
            .map(|s| format!("cdk deploy -c {s}"))
            .collect(),
        _ => Vec::new(),
    }
}

/// A variable's setting (`NAME=VALUE`: Terraform's `-var`, a `TF_VAR_`
/// variable, a Pulumi or CDK setting) that turns a guard against
/// deletion off, squeezed (`deletion_protection=false`): its name ends
/// with a guard's (`db_deletion_protection`, `enableDeletionProtection`,
/// `prevent_destroy`) and its value turns it off, or it lets data go
/// (`skip_final_snapshot=true`, `force_destroy=true`,
/// `backup_retention_period=0`).
pub(super) fn guard_variable(setting: &str) -> Option<String> {
    let squeezed = squeeze(setting);
    let (name, value) = squeezed.split_once('=')?;
    let plain_name = name.replace(['_', '-'], "");
    let ends = |guard: &str| plain_name.ends_with(guard);
    let guard = ["deletionprotection", "deletionprotectionenabled", "preventdestroy", "terminationprotection"]
        .iter()
        .any(|g| ends(g))
        || (ends("protect") && !ends("unprotect"));
    let off = matches!(value, "false" | "0" | "no" | "off" | "disabled" | "inactive" | "unprotected");
    let lets_go = (["skipfinalsnapshot", "forcedestroy", "autodeleteobjects"].iter().any(|g| ends(g))
        && matches!(value, "true" | "1" | "yes" | "on"))
        || (ends("backupretentionperiod") && value == "0")
        || (ends("disableapitermination") && matches!(value, "false" | "0"));
    ((guard && off) || lets_go).then_some(squeezed)
}

/// The settings of Terraform variables in the environment that
/// [`guard_variable`] reads as turning a guard off, on `line`
/// (`TF_VAR_deletion_protection=false`, `TF_VAR_db_deletion_protection:
/// "false"`), as `TF_VAR_` and the squeezed setting.
fn terraform_environment_guards(line: &str) -> Vec<String> {
    environment_settings(line, "TF_VAR_")
        .filter_map(|(name, value)| {
            let value: String = value.chars().take_while(|c| c.is_ascii_alphanumeric()).collect();
            guard_variable(&format!("{name}={value}")).map(|setting| format!("TF_VAR_{setting}"))
        })
        .collect()
}

/// Each setting on `line` of a variable whose name starts with `prefix`,
/// as `NAME=value` or a YAML `NAME: value` (the name may be quoted): the
/// rest of the name after `prefix`, and the value (a quoted one to its
/// closing quote, else to the next blank).
fn environment_settings<'a>(line: &'a str, prefix: &'a str) -> impl Iterator<Item = (&'a str, &'a str)> + 'a {
    let mut rest = line;
    std::iter::from_fn(move || {
        loop {
            let at = rest.find(prefix)?;
            rest = rest.get(at + prefix.len()..).unwrap_or_default();
            let length = rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(rest.len());
            let name = rest.get(..length).unwrap_or_default();
            let after = rest.get(length..).unwrap_or_default().trim_start_matches(['"', '\'']).trim_start();
            let Some(after) = after.strip_prefix(['=', ':']) else { continue };
            let after = after.trim_start();
            let value = match after.strip_prefix(['"', '\'']) {
                Some(quoted) => quoted.split(['"', '\'']).next().unwrap_or_default(),
                None => after.split_whitespace().next().unwrap_or_default(),
            };
            return Some((name, value));
        }
    })
}

/// What Terraform's arguments set in the environment on `line` make its
/// applies destroy: `TF_CLI_ARGS` or `TF_CLI_ARGS_apply` (and
/// `TF_CLI_ARGS_destroy`, which only a destroy reads) holding `-destroy`
/// (`terraform destroy`) or `-replace=ADDRESS` (the address's type), as
/// `NAME=value` or a YAML `NAME: value`. A value naming a short-lived
/// environment counts nothing.
fn terraform_cli_args_destroy(line: &str) -> Vec<String> {
    let mut found = Vec::new();
    for (suffix, value) in environment_settings(line, "TF_CLI_ARGS") {
        if !matches!(suffix, "" | "_apply" | "_destroy") || short_lived(value) {
            continue;
        }
        for arg in value.split_whitespace() {
            let arg = arg.trim_start_matches('-');
            if arg == "destroy" {
                found.push("terraform destroy".to_owned());
            } else if let Some(address) = arg.strip_prefix("replace=").filter(|a| !a.is_empty()) {
                found.push(blastgate_change::address_type(address).unwrap_or(address).to_owned());
            }
        }
    }
    found
}

/// The guards against deletion a PowerShell cmdlet turns off:
/// `Remove-AzResourceLock` (Azure's `CanNotDelete` lock), and AWS's
/// `Edit-RDSDBInstance` or `Edit-RDSDBCluster -DeletionProtection
/// $false`, `Update-DDBTable -DeletionProtectionEnabled $false`,
/// `Update-CFNTerminationProtection -EnableTerminationProtection $false`
/// and `Edit-EC2InstanceAttribute -DisableApiTermination $false`.
fn cmdlet_unguards(word: &str, args: &[&str]) -> Vec<String> {
    let name = tool_name(word);
    let lower = name.to_ascii_lowercase();
    if matches!(lower.as_str(), "remove-azresourcelock" | "remove-azurermresourcelock") {
        return vec![name.to_owned()];
    }
    if !(lower.starts_with("edit-") || lower.starts_with("update-")) {
        return Vec::new();
    }
    let guard = |o: &str| {
        matches!(
            o.to_ascii_lowercase().as_str(),
            "-deletionprotection"
                | "-deletionprotectionenabled"
                | "-enableterminationprotection"
                | "-disableapitermination"
        )
    };
    let off = |v: &str| matches!(v.to_ascii_lowercase().as_str(), "$false" | "0");
    // (`-DeletionProtection $false` or `-DeletionProtection:$false`.)
    let found = args.iter().enumerate().find_map(|(i, a)| {
        let (option, value) = match a.split_once(':') {
            Some((o, v)) => (o, Some(v)),
            None => (*a, args.get(i + 1).copied()),
        };
        (guard(option) && value.is_some_and(off)).then(|| format!("{name} {option} $false"))
    });
    found.into_iter().collect()
}

/// Whether `tool` run with the arguments `plain` (no options) and the
/// options `has` finds is a framework's command that drops or empties
/// the database it is pointed at: `prisma migrate reset`, `prisma db
/// push --force-reset` or `--accept-data-loss`; Rails' `db:drop`,
/// `db:reset`, `db:purge`, `db:schema:load`, `db:setup`,
/// `db:truncate_all`, `db:migrate:reset`; Laravel's `artisan
/// migrate:fresh`, `migrate:reset`, `migrate:refresh`, `db:wipe`;
/// Django's `manage.py flush` and `reset_db`; Ecto's `ecto.drop` and
/// `ecto.reset`; `flyway clean`; Liquibase's `drop-all`; `dotnet ef
/// database drop`; Sequelize's `db:drop` and `db:migrate:undo:all`;
/// TypeORM's `schema:drop`; `supabase db reset` against a linked or
/// named database (without `--linked` or `--db-url` it resets the local
/// one); the migration tools' commands that run every down migration or
/// drop the schema: `alembic downgrade base`, Django's `migrate APP
/// zero`, `rails db:migrate VERSION=0`, `dbmate drop`, `goose reset`,
/// `sqlx database drop` or `reset`, `diesel database reset`, `atlas
/// schema clean`, golang-migrate's `migrate ... drop` and `down -all`,
/// `sqitch revert` (every change, unless `--to` names one but the root),
/// `mix ecto.rollback --all` aimed at production.
fn resets_database(tool: &str, plain: &[&str], has: &dyn Fn(&str) -> bool, marks: &str) -> bool {
    let first = plain.first().copied().unwrap_or_default();
    let second = plain.get(1).copied().unwrap_or_default();
    let any = |names: &[&str]| plain.iter().any(|w| names.contains(w));
    match tool {
        "prisma" => {
            (first == "migrate" && second == "reset")
                || (first == "db" && second == "push" && (has("--force-reset") || has("--accept-data-loss")))
        }
        // Rails refuses these on a production database unless told
        // otherwise; Ecto and Entity Framework work on the development
        // one unless told otherwise (a second red team: developers'
        // scripts). Each counts when aimed at production.
        "rails" | "rake" => {
            marks.contains("disable_database_environment_check")
                && any(&[
                    "db:drop",
                    "db:drop:all",
                    "db:reset",
                    "db:purge",
                    "db:purge:all",
                    "db:schema:load",
                    "db:setup",
                    "db:truncate_all",
                    "db:migrate:reset",
                ])
                // (Every down migration: Rails' environment check does not
                // stop this one.)
                || (any(&["db:migrate"]) && plain.contains(&"VERSION=0"))
        }
        "php" | "artisan" | "console" => {
            // (Laravel's `php artisan`, Symfony's `php bin/console`.)
            let command =
                if tool == "php" && matches!(tool_name(first), "artisan" | "console") { second } else { first };
            matches!(
                command,
                "migrate:fresh"
                    | "migrate:reset"
                    | "migrate:refresh"
                    | "db:wipe"
                    | "doctrine:database:drop"
                    | "doctrine:schema:drop"
            )
        }
        "python" | "python3" | "manage.py" | "django-admin" => {
            // (`python manage.py flush`, `python -m django flush`.)
            let runs_django = tool_name(first) == "manage.py" || first == "django";
            let command = if tool.starts_with("python") && runs_django { second } else { first };
            matches!(command, "flush" | "reset_db") || (command == "migrate" && plain.last() == Some(&"zero"))
        }
        "mix" => {
            (any(&["ecto.drop", "ecto.reset"]) || (any(&["ecto.rollback"]) && has("all"))) && marks.contains("mix_env")
        }
        "alembic" => plain.windows(2).any(|w| w == ["downgrade", "base"]),
        "dbmate" => any(&["drop"]),
        "goose" => any(&["reset"]),
        "sqlx" | "diesel" => first == "database" && (second == "reset" || (tool == "sqlx" && second == "drop")),
        "atlas" => first == "schema" && second == "clean",
        // (golang-migrate, known by its options: `migrate -path db
        // -database URL drop -f`.)
        "migrate" => {
            (has("database") || has("path") || has("source")) && (any(&["drop"]) || (any(&["down"]) && has("all")))
        }
        "sqitch" => first == "revert" && (!has("to") || plain.iter().any(|w| w.eq_ignore_ascii_case("@ROOT"))),
        "flyway" => any(&["clean"]),
        "liquibase" => any(&["drop-all", "dropAll", "dropall"]),
        "dotnet" => {
            first == "ef"
                && second == "database"
                && plain.get(2) == Some(&"drop")
                && (marks.contains("--connection") || marks.contains("environment"))
        }
        "sequelize" | "sequelize-cli" => any(&["db:drop", "db:migrate:undo:all"]),
        "typeorm" => any(&["schema:drop"]),
        "knex" => first == "migrate:rollback" && has("all"),
        "drizzle-kit" => first == "push" && has("force"),
        "supabase" => first == "db" && second == "reset" && (has("--linked") || has("--db-url")),
        // Build tools' plugins (`mvn flyway:clean`, `./gradlew flywayClean`).
        "mvn" | "mvnw" | "gradle" | "gradlew" => plain.iter().any(|w| {
            matches!(w.to_ascii_lowercase().as_str(), "flyway:clean" | "flywayclean" | "liquibase:dropall" | "dropall")
        }),
        _ => false,
    }
}

/// Where the command that `tool` runs starts in its arguments `args`, if
/// `tool` runs another command: `heroku run [options]`, `kubectl` or `oc`
/// `exec ... --` (and see [`container_command`]).
fn wrapped_command(tool: &str, args: &[&str]) -> Option<usize> {
    // Past the options (and the values of those that take one).
    let past_options = |from: usize, valued: &[&str]| {
        let mut i = from;
        while let Some(w) = args.get(i) {
            if !w.starts_with('-') {
                break;
            }
            i += if !w.contains('=') && valued.contains(w) { 2 } else { 1 };
        }
        i
    };
    match (tool, args.first().copied()) {
        ("heroku", Some("run")) => {
            Some(past_options(1, &["-a", "--app", "-s", "--size", "-e", "--env", "-r", "--remote", "--type"]))
        }
        // (`kubectl run tmp --rm -i --image=postgres -- dropdb orders`: the
        // pod runs the command after `--`, a red team's miss.)
        ("kubectl" | "oc", Some("exec" | "run" | "debug")) => args.iter().position(|w| *w == "--").map(|p| p + 1),
        // (`aws-vault exec prod -- aws rds ...`.)
        ("aws-vault", Some("exec")) => args.iter().position(|w| *w == "--").map(|p| p + 1),
        // Terramate runs a command in each stack: `terramate run --
        // terraform destroy` (red team 29).
        ("terramate", Some("run")) => match args.iter().position(|w| *w == "--") {
            Some(p) => Some(p + 1),
            None => Some(past_options(1, &["-C", "--chdir", "--tags", "--no-tags"])),
        },
        _ => None,
    }
}

/// The start of the command that `docker` or `podman` runs inside a
/// container in `words` (the command's words from the tool on), if it
/// runs one there: `docker` or `podman` `exec [options] CONTAINER`,
/// `docker compose` (or `docker-compose`) `exec` or `run [options]
/// SERVICE`.
fn container_command(words: &[&str]) -> Option<usize> {
    let docker_valued = [
        "-e",
        "--env",
        "-u",
        "--user",
        "-w",
        "--workdir",
        "--name",
        "--entrypoint",
        "--env-file",
        "-v",
        "--volume",
        "-f",
        "--file",
        "-p",
        "--project-name",
    ];
    let mut i = 1;
    // `docker compose`, `docker-compose`, `podman compose`.
    let mut compose = tool_name(words.first()?) == "docker-compose";
    while let Some(w) = words.get(i) {
        if w.starts_with('-') {
            i += if !w.contains('=') && docker_valued.contains(w) { 2 } else { 1 };
            continue;
        }
        if *w == "compose" && !compose {
            compose = true;
            i += 1;
            continue;
        }
        break;
    }
    let verb = *words.get(i)?;
    let runs = matches!(verb, "exec" | "run");
    if !runs {
        return None;
    }
    i += 1;
    while let Some(w) = words.get(i) {
        if !w.starts_with('-') {
            break;
        }
        i += if !w.contains('=') && docker_valued.contains(w) { 2 } else { 1 };
    }
    // The container or service, then its command.
    Some(i + 1)
}

/// What a PowerShell cmdlet that removes something destroys: the cmdlet
/// (`Remove-AzResourceGroup`), if it is Azure's (`Remove-Az...`,
/// `Remove-AzureRm...`) or the AWS Tools' (`Remove-RDSDBInstance`,
/// `Remove-S3Bucket`) and its noun names infrastructure as a cloud
/// command's words would ([`INFRA_NOUNS`], no [`ROUTINE_NOUNS`]).
fn cmdlet_destroys(word: &str) -> Vec<String> {
    let name = tool_name(word);
    let Some(noun) = name.get(7..) else { return Vec::new() };
    // PowerShell ignores case: a noun written all in small letters has
    // no word breaks, so Azure's nouns are looked for inside it.
    if !noun.chars().any(|c| c.is_ascii_uppercase()) {
        let Some(rest) = noun.strip_prefix("azurerm").or_else(|| noun.strip_prefix("az")) else { return Vec::new() };
        let inside = |list: &[&str]| list.iter().any(|w| w.len() > 2 && rest.contains(w));
        let infra = inside(&INFRA_NOUNS) || rest == "vm";
        return if infra && !inside(&ROUTINE_NOUNS) && !rest.contains("member") {
            vec![name.to_owned()]
        } else {
            Vec::new()
        };
    }
    let words = camel_words(noun);
    let module = words.first().map_or("", String::as_str);
    let azure = matches!(module, "az" | "azure");
    // (An AWS module's prefix runs into the noun's capitals: `RDSDB`.)
    let aws = ["rds", "s3", "ddb", "ec2", "cfn", "eks", "ecs", "sqs", "sns", "lm", "efs", "ec", "rs", "kin", "msk"]
        .iter()
        .any(|m| module.starts_with(m));
    let nouns: Vec<&str> = words.iter().skip(1).map(String::as_str).filter(|w| !matches!(*w, "rm")).collect();
    let joined: Vec<String> = nouns.windows(2).map(|pair| pair.concat()).collect();
    let infra =
        nouns.iter().any(|w| INFRA_NOUNS.contains(w)) || joined.iter().any(|w| INFRA_NOUNS.contains(&w.as_str()));
    if (azure || aws) && infra && !nouns.iter().any(|w| ROUTINE_NOUNS.contains(w)) {
        vec![name.to_owned()]
    } else {
        Vec::new()
    }
}

/// The words of a name written in camel case, lower case: a word starts
/// at a capital after a small letter or a digit, and at the last capital
/// of a run followed by a small letter (`RDSDBInstance` is `rdsdb`,
/// `instance`; `S3Bucket` is `s3`, `bucket`).
fn camel_words(name: &str) -> Vec<String> {
    let chars: Vec<char> = name.chars().collect();
    let mut words: Vec<String> = Vec::new();
    let mut word = String::new();
    for (i, c) in chars.iter().enumerate() {
        let previous = i.checked_sub(1).and_then(|p| chars.get(p));
        let next = chars.get(i + 1);
        let starts = c.is_ascii_uppercase()
            && previous.is_some_and(|p| {
                p.is_ascii_lowercase()
                    || p.is_ascii_digit()
                    || (p.is_ascii_uppercase() && next.is_some_and(char::is_ascii_lowercase))
            });
        if (starts || !c.is_ascii_alphanumeric()) && !word.is_empty() {
            words.push(std::mem::take(&mut word));
        }
        if c.is_ascii_alphanumeric() {
            word.push(c.to_ascii_lowercase());
        }
    }
    if !word.is_empty() {
        words.push(word);
    }
    words
}

/// What a text says that aims a framework's database command at
/// production, lower case without blanks or quotes: Rails' override of
/// its protection (`DISABLE_DATABASE_ENVIRONMENT_CHECK`), Mix's
/// production environment (`MIX_ENV=prod`), and an Entity Framework
/// connection (`--connection`) or production environment
/// (`ASPNETCORE_ENVIRONMENT=Production`, `--environment Production`).
pub(super) fn production_marks(text: &str) -> Vec<&'static str> {
    if !text.contains(['D', 'd', 'M', 'm', 'E', 'e', '-']) {
        return Vec::new();
    }
    let squeezed: String =
        text.chars().filter(|c| !c.is_whitespace() && !matches!(c, '"' | '\'')).flat_map(char::to_lowercase).collect();
    let mut out = Vec::new();
    if squeezed.contains("disable_database_environment_check") {
        out.push("disable_database_environment_check");
    }
    if squeezed.contains("mix_env=prod") || squeezed.contains("mix_env:prod") {
        out.push("mix_env");
    }
    if squeezed.contains("--connection") {
        out.push("--connection");
    }
    if ["environment=production", "environment:production", "--environmentproduction"]
        .iter()
        .any(|m| squeezed.contains(m))
    {
        out.push("environment");
    }
    // (Not of a framework: Docker aimed at another host, for
    // [`docker_destroys`].)
    if (squeezed.contains("docker_host")
        || squeezed.contains("docker_context")
        || squeezed.contains("dockercontextuse"))
        && docker_remote_text(text)
    {
        out.push(DOCKER_REMOTE);
    }
    out
}

/// The mark [`production_marks`] gives a text that aims Docker at another
/// host.
const DOCKER_REMOTE: &str = "docker_remote";

/// Whether `word` sets Docker's host or context to another machine's
/// (`DOCKER_HOST=ssh://deploy@db-1`, `DOCKER_CONTEXT=prod`, a CI
/// definition's `DOCKER_HOST: ...` read as one word after its colon).
fn docker_remote_setting(word: &str) -> bool {
    let Some((name, value)) = word.split_once('=').or_else(|| word.split_once(':')) else { return false };
    let name = name.trim().trim_start_matches("export ").trim().trim_matches(['"', '\'']);
    match name.to_ascii_uppercase().as_str() {
        "DOCKER_HOST" => docker_remote_host(value),
        "DOCKER_CONTEXT" => docker_remote_context(value),
        _ => false,
    }
}

/// Whether `text` aims Docker at another host: `DOCKER_HOST` or
/// `DOCKER_CONTEXT` set to another machine's (`export
/// DOCKER_HOST=ssh://deploy@db-1`, a CI definition's `DOCKER_HOST:
/// ssh://...`), or `docker context use NAME` of one.
fn docker_remote_text(text: &str) -> bool {
    text.lines().any(|l| {
        let words: Vec<&str> = l.split_whitespace().collect();
        let context_use = words.windows(4).any(
            |w| matches!(w, [d, "context", "use", name] if tool_name(d) == "docker" && docker_remote_context(name)),
        );
        // (`DOCKER_HOST: ssh://...`, `DOCKER_HOST = "..."`: the setting
        // as one word.)
        let joined = l.replace(": ", ":").replace(" = ", "=").replace(" =", "=").replace("= ", "=");
        context_use
            || joined
                .split(|c: char| c.is_whitespace() || matches!(c, ';' | '&' | '|' | '(' | '{' | ','))
                .any(|w| docker_remote_setting(w.trim_matches(['"', '\''])))
    })
}

/// Whether a Docker host address is another machine's: not a socket, the
/// machine itself, or a CI job's Docker-in-Docker service (`docker`,
/// `dind`); a variable's value is not known, and counts (fail closed).
fn docker_remote_host(value: &str) -> bool {
    let value = value.trim().trim_matches(['"', '\'']).to_ascii_lowercase();
    if value.is_empty() || value.starts_with("unix://") || value.starts_with("npipe://") {
        return false;
    }
    let rest = value.split_once("://").map_or(value.as_str(), |(_, r)| r);
    let host = rest.rsplit('@').next().unwrap_or(rest);
    let host = host.split(['/', ':']).next().unwrap_or(host);
    !matches!(host, "" | "localhost" | "127.0.0.1" | "0.0.0.0" | "docker" | "dind" | "host.docker.internal")
}

/// Whether a Docker context's name is another machine's: not the local
/// ones Docker Desktop, Colima, OrbStack and rootless Docker create.
fn docker_remote_context(name: &str) -> bool {
    let name = name.trim().trim_matches(['"', '\'']).to_ascii_lowercase();
    !matches!(name.as_str(), "" | "default" | "desktop-linux" | "desktop-windows" | "colima" | "orbstack" | "rootless")
}

/// Whether Docker's own options aim it at another host (`-H
/// ssh://deploy@db-1`, `--host=...`, `--context prod`, `-c prod`).
fn docker_remote_options(args: &[&str]) -> bool {
    args.iter().enumerate().any(|(i, a)| {
        let value = |flag: &str| {
            a.strip_prefix(flag)
                .and_then(|v| v.strip_prefix('='))
                .map(str::to_owned)
                .or_else(|| (*a == flag).then(|| args.get(i + 1).map(|v| (*v).to_owned())).flatten())
        };
        if let Some(v) = value("-H").or_else(|| value("--host")) {
            return docker_remote_host(&v);
        }
        value("-c").or_else(|| value("--context")).is_some_and(|v| docker_remote_context(&v))
    })
}

/// What Docker's own command (`docker`, `podman`, `docker-compose` run
/// with `args`) destroys: a Compose project's volumes (`docker compose
/// down --volumes`, `-v`) or named volumes (`docker volume rm`), with the
/// data in them (red team 12). [`commands_destroy`] reads it only where
/// the command is aimed at another host.
fn docker_destroys(args: &[&str]) -> Vec<String> {
    // Docker's and Compose's options that take a value.
    const VALUED: [&str; 16] = [
        "-H",
        "--host",
        "-c",
        "--context",
        "-f",
        "--file",
        "-p",
        "--project-name",
        "--env-file",
        "--profile",
        "--project-directory",
        "--config",
        "--log-level",
        "--ansi",
        "-t",
        "--timeout",
    ];
    let mut plain: Vec<&str> = Vec::new();
    let mut i = 0;
    while let Some(a) = args.get(i) {
        i += if a.starts_with('-') && !a.contains('=') && VALUED.contains(a) { 2 } else { 1 };
        if !a.starts_with('-') {
            plain.push(a);
        }
    }
    let plain: Vec<&str> = plain.into_iter().skip_while(|w| *w == "compose").collect();
    match plain.as_slice() {
        ["down", ..] if args.contains(&"--volumes") || args.contains(&"--volumes=true") || short_flag(args, 'v') => {
            vec!["docker compose down --volumes".to_owned()]
        }
        ["volume", "rm" | "remove", _, ..] => vec!["docker volume rm".to_owned()],
        // (Pruned: every volume no container uses, a stopped database's
        // with them; red team 13.)
        ["volume", "prune", ..] => vec!["docker volume prune".to_owned()],
        ["system", "prune", ..] if args.contains(&"--volumes") => vec!["docker volume prune".to_owned()],
        _ => Vec::new(),
    }
}

/// Where the command `ssh` runs starts in `words` (`ssh` and its
/// arguments), if they are an `ssh` run: past its options (and the values
/// of those that take one) and the host; the length of `words` when the
/// command is quoted after it (or none is given).
fn ssh_command(words: &[&str]) -> Option<usize> {
    const VALUED: [&str; 16] =
        ["-i", "-p", "-l", "-o", "-F", "-J", "-E", "-b", "-c", "-D", "-L", "-R", "-W", "-w", "-m", "-S"];
    if tool_name(words.first()?) != "ssh" {
        return None;
    }
    let mut i = 1;
    while let Some(w) = words.get(i) {
        if !w.starts_with('-') {
            return Some(i + 1);
        }
        i += if VALUED.contains(w) { 2 } else { 1 };
    }
    None
}

/// The kinds a `kubectl delete` argument names (`pvc`, `sts/db`,
/// `deployment,service`), as Kubernetes names them: namespaces, claims
/// and volumes, stateful sets, deployments, services, daemon sets,
/// ingresses, custom resource definitions and `all`. Other kinds (pods,
/// jobs, secrets, config maps, autoscalers, CI runs) are deleted by
/// routine cleanups and restarts, and are not counted.
pub(super) fn kubernetes_kinds(arg: &str) -> Vec<String> {
    arg.split(',')
        .map(|k| k.split('/').next().unwrap_or(k))
        .filter_map(|k| {
            let k = k.to_ascii_lowercase();
            let k = k.split('.').next().unwrap_or(&k).to_owned();
            let named = match k.as_str() {
                "ns" | "namespace" | "namespaces" | "project" | "projects" => "Namespace",
                "pvc" | "persistentvolumeclaim" | "persistentvolumeclaims" => "PersistentVolumeClaim",
                "pv" | "persistentvolume" | "persistentvolumes" => "PersistentVolume",
                "sts" | "statefulset" | "statefulsets" => "StatefulSet",
                "deploy" | "deployment" | "deployments" => "Deployment",
                "svc" | "service" | "services" => "Service",
                "ds" | "daemonset" | "daemonsets" => "DaemonSet",
                "crd" | "crds" | "customresourcedefinition" | "customresourcedefinitions" => "CustomResourceDefinition",
                "ing" | "ingress" | "ingresses" => "Ingress",
                "all" => "kubectl delete all",
                _ => return None,
            };
            Some(named.to_owned())
        })
        .collect()
}

/// The longest piece of a line read at once.
const MAX_LINE_PIECE: usize = 4096;

/// Calls `f` with the path, the sign (`1` added, `-1` removed) and the
/// text of each added or removed line of a patch of the files `wanted`
/// accepts, and `f(path, 0, "")` where the changed lines of a file stop
/// being contiguous: at a line the change keeps (a context line) and at
/// a hunk's start. A line over [`MAX_LINE_PIECE`] bytes is passed in
/// pieces cut after `;`, `&`, `|` and `,` (see [`line_pieces`]), so that
/// the work a line costs stays linear and a command padded past 4 KiB
/// (`: aaaa...; terraform destroy`) is still read.
pub(super) fn for_each_changed_run(patch: &[u8], wanted: impl Fn(&str) -> bool, mut f: impl FnMut(&str, i64, &str)) {
    for_each_patch_line_of(patch, |path, line, _| {
        let (sign, rest) = match line.first() {
            Some(b'+') => (1i64, line.get(1..).unwrap_or_default()),
            Some(b'-') => (-1i64, line.get(1..).unwrap_or_default()),
            Some(b' ' | b'@') if wanted(path) => return f(path, 0, ""),
            _ => return,
        };
        if !wanted(path) {
            return;
        }
        let text = String::from_utf8_lossy(rest);
        // (Escapes in double-quoted text spell letters as YAML, JSON,
        // TOML and most languages read them: `n\x61mespace`, `FLUSH\u0041LL`.)
        line_pieces(&text, |piece| f(path, sign, &hidden::string_escapes(piece)));
    });
}

/// Calls `f` with `line` whole if it holds at most [`MAX_LINE_PIECE`]
/// bytes, else with pieces of it of at most that many: cut after a `;`,
/// `&`, `|` or `,`, each piece as many whole segments as fit, a segment
/// longer than that by its first [`MAX_LINE_PIECE`] bytes (where a
/// command's words are).
fn line_pieces(line: &str, mut f: impl FnMut(&str)) {
    if line.len() <= MAX_LINE_PIECE {
        return f(line);
    }
    let head = |text: &str| -> usize {
        (0..=MAX_LINE_PIECE.min(text.len())).rev().find(|&k| text.is_char_boundary(k)).unwrap_or(0)
    };
    let mut start = 0;
    let mut end = 0;
    for segment in line.split_inclusive([';', '&', '|', ',']) {
        let next = end + segment.len();
        if next - start > MAX_LINE_PIECE {
            if end > start {
                f(line.get(start..end).unwrap_or_default());
                start = end;
            }
            if next - start > MAX_LINE_PIECE {
                let piece = line.get(start..next).unwrap_or_default();
                f(piece.get(..head(piece)).unwrap_or_default());
                start = next;
            }
        }
        end = next;
    }
    if end > start {
        f(line.get(start..end).unwrap_or_default());
    }
}

/// `text` with its blanks collapsed to single spaces.
pub(super) fn collapse(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        out.push(' ');
        out.push_str(word);
    }
    out
}

/// `text` with its comments read as blanks: `/* ... */`, and `--`, `#` or
/// `//` to the line's end. No language is assumed: a string holding `--`
/// may blank what follows it, which is why the text as written is read
/// too.
pub(super) fn uncomment(text: &str) -> String {
    // One pass (searching for each marker from every comment's end was
    // quadratic in a text of many comments).
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let next = chars.peek().copied();
        match (c, next) {
            ('/', Some('*')) => {
                chars.next();
                let mut last = ' ';
                for c in chars.by_ref() {
                    if last == '*' && c == '/' {
                        break;
                    }
                    last = c;
                }
                out.push(' ');
            }
            ('-', Some('-')) | ('/', Some('/')) | ('#', _) => {
                for c in chars.by_ref() {
                    if c == '\n' {
                        break;
                    }
                }
                out.push('\n');
            }
            _ => out.push(c),
        }
    }
    out
}

/// Whether a migration's text (lower case, blanks collapsed) holds a
/// statement that destroys data. `DELETE t` at the text's end counts only
/// when `at_end` (on the text without comments, where a comment's last
/// words, `-- soft delete flag`, are gone).
pub(super) fn destroys(text: &str, at_end: bool) -> bool {
    // (`TRUNCATE t`, Knex's `.truncate()`, Laravel's `->truncate()`: red
    // team 12.)
    if DESTRUCTIVE_STATEMENTS.iter().any(|s| text.contains(s)) || truncates(text) {
        return true;
    }
    // MongoDB's `renameCollection(target, true)` drops the target first
    // (`dropTarget`; red team 11).
    let drops_target = text.match_indices("renamecollection(").any(|(at, _)| {
        // (Its arguments, to the `)`, within 512 bytes.)
        let bytes = text.as_bytes().get(at..).unwrap_or_default();
        let window = bytes.get(..bytes.len().min(512)).unwrap_or_default();
        let args = window.split(|b| *b == b')').next().unwrap_or_default();
        args.windows(4).any(|w| w == b"true")
    });
    if drops_target {
        return true;
    }
    let tokens = tokens(text);
    let alter_marks: std::cell::OnceCell<(Vec<usize>, Vec<usize>)> = std::cell::OnceCell::new();
    let ident = |i: usize| tokens.get(i).copied().filter(|t| t.starts_with(is_ident_char));
    let is = |i: usize, want: &str| tokens.get(i) == Some(&want);
    let is_any = |from: usize, to: usize, want: &str| (from..=to).any(|j| is(j, want));
    (0..tokens.len()).any(|i| {
        let Some(word) = ident(i) else { return false };
        // `ON DELETE CASCADE`, `ON UPDATE SET NULL`: a foreign key's rule.
        let after_on = i > 0 && is(i - 1, "on");
        // The rest of the statement (to its `;`), at most `n` tokens.
        let statement = |n: usize| tokens.iter().skip(i + 1).take_while(|t| **t != ";").take(n);
        // (`.update(`, and PHP's `->update(`.)
        let after_dot = i > 0 && (is(i - 1, ".") || (is(i - 1, ">") && i > 1 && is(i - 2, "-")));
        match word {
            // `DELETE FROM t`, `DELETE t FROM ...`, `DELETE TOP (n) FROM`,
            // `DELETE t;`, `DELETE t WHERE`, MERGE's `THEN DELETE`, and a
            // query set's `.delete()` in a data migration.
            "delete" if !after_on => {
                // The name deleted from, qualified or not (`DELETE
                // dbo.orders;`, `DELETE "public"."orders"`): what follows it.
                let mut after_name = i + 1;
                while ident(after_name).is_some() {
                    after_name += 1;
                    if !is(after_name, ".") {
                        break;
                    }
                    after_name += 1;
                }
                is(i + 1, "(")
                    || (i > 0 && is(i - 1, "then"))
                    || statement(DELETE_TOKENS).any(|t| *t == "from")
                    || (after_name > i + 1
                        && tokens
                            .get(after_name)
                            .map_or(at_end, |t| matches!(*t, ";" | "'" | ")" | "where" | "output" | "returning")))
            }
            // `UPDATE t SET`, `UPDATE s.t AS x SET`, a query set's
            // `.update(...)`.
            // (MySQL's `UPDATE t JOIN u ON ... SET`, the `SET` further on:
            // a red team's miss.)
            // (Not `UPDATE ON t`: a trigger's event or a privilege, a red
            // team's false alarm.)
            "update" if !after_on && !is(i + 1, "on") => {
                (after_dot && is(i + 1, "("))
                    || (ident(i + 1).is_some() && (i + 2..i + 7).any(|j| is(j, "set")))
                    || (ident(i + 1).is_some() && is_any(i + 2, i + 4, "join") && statement(48).any(|t| *t == "set"))
            }
            // A type changed in place, which converts every value (Rails'
            // `change_column`, Sequelize's and TypeORM's `changeColumn`,
            // Entity Framework's `AlterColumn`, Alembic's `alter_column`
            // given a `type_` or `postgresql_using`), as MySQL's `MODIFY`
            // and Ecto's `modify` are read (a red team's misses); not
            // `change_column_default` or `_null`, a token of its own.
            "change_column" | "changecolumn" | "altercolumn" => is(i + 1, "(") || is(i + 1, ":") || is(i + 1, "<"),
            "alter_column" => statement(48).any(|t| matches!(*t, "type_" | "postgresql_using")),
            // Records destroyed one by one in a data migration
            // (Sequelize's `Model.destroy({...})`, Rails'
            // `each_record(&:destroy)`).
            "destroy" => (after_dot && is(i + 1, "(")) || (i > 1 && is(i - 1, ":") && is(i - 2, "&")),
            // MongoDB: a collection dropped by command (`db.command({ drop:
            // 'orders' })`), or by a rename over it (`rename('orders', {
            // dropTarget: true })`).
            "drop" if is(i + 1, ":") && i > 0 && (is(i - 1, "{") || is(i - 1, ",")) => {
                tokens.get(i + 2).is_some_and(|v| !matches!(*v, "false" | "true" | "0" | "1" | "null" | "nil"))
            }
            "droptarget" => is(i + 1, ":") && is(i + 2, "true"),
            // `ALTER TABLE t DROP c` (the column keyword left out), and
            // `ALTER COLUMN c TYPE x USING ...`, which rewrites every value.
            // At most ALTER_TOKENS ahead: scanning to the next `;` from
            // every `ALTER TABLE` of a text with none was quadratic (13 s
            // for 1 MiB, an audit).
            // (`TABLE`, then ALTER_TOKENS more.)
            // Also MySQL's `MODIFY` and `CHANGE`, which narrow a column in
            // place (values cut to fit), and ClickHouse's mutations
            // `ALTER TABLE t DELETE WHERE` and `UPDATE c = ... WHERE`
            // (not a foreign key's `ON DELETE` rule).
            // (The next such clause and `;` after each token are found
            // once for the text: scanning each `ALTER TABLE`'s 512 tokens
            // took 3.7 s for 1 MiB of them, an audit.)
            "alter" => {
                is(i + 1, "table") && {
                    let (hits, semis) = alter_marks.get_or_init(|| alter_clauses(&tokens));
                    // (To its `;`, however far: a `CHECK` listing 300
                    // values before `ALTER COLUMN ... USING` hid it past
                    // the window, a red team's find. With no `;` after it
                    // (a migration's DSL, a string), the window.)
                    let semi = semis.get(i + 1).copied().unwrap_or(tokens.len());
                    let end = if semi < tokens.len() { semi } else { semi.min(i + 2 + ALTER_TOKENS) };
                    hits.get(i + 1).is_some_and(|&hit| hit < end)
                }
            }
            // Dynamic SQL, whose statement is made when it runs: `EXECUTE
            // 'DR' || 'OP TABLE t'`, `EXEC('DR' + 'OP ...')`.
            "execute" | "exec" => {
                let parts: Vec<&&str> = statement(16).collect();
                parts.windows(2).any(|w| w == [&"|", &"|"])
                    || parts.iter().any(|t| matches!(**t, "+" | "concat" | "format" | "chr" | "char"))
            }
            // Rails' `t.remove :c`, Ecto's `remove :c`, MongoDB's
            // `.remove({})`, Knex's `.del()`.
            "remove" => is(i + 1, ":") || (after_dot && is(i + 1, "(")),
            "del" => after_dot && is(i + 1, "("),
            // Also Cassandra's `DROP KEYSPACE`, Oracle's `DROP TABLESPACE`,
            // and any `DROP ... CASCADE` (`DROP TYPE t CASCADE` drops the
            // columns of that type, `DROP EXTENSION` the objects made of
            // it).
            "drop" => {
                ident(i + 1).is_some_and(|t| {
                    matches!(
                        t,
                        "table" | "column" | "schema" | "database" | "collection" | "owned" | "keyspace" | "tablespace"
                    )
                }) || statement(DELETE_TOKENS).any(|t| *t == "cascade")
            }
            _ => DESTRUCTIVE_CALLS.iter().any(|c| word.starts_with(c)),
        }
    })
}

/// For each token of `tokens`, where the next clause that makes an `ALTER
/// TABLE` destroy data is (`DROP`, `USING`, MySQL's `MODIFY` and `CHANGE`,
/// ClickHouse's `DELETE` and `UPDATE` but not a foreign key's `ON
/// DELETE`), and where the next `;` is, at it or after it (the length when
/// there is none).
fn alter_clauses(tokens: &[&str]) -> (Vec<usize>, Vec<usize>) {
    let n = tokens.len();
    let (mut hits, mut semis) = (vec![n; n + 1], vec![n; n + 1]);
    for j in (0..n).rev() {
        let token = tokens.get(j).copied().unwrap_or_default();
        let after_on = j > 0 && tokens.get(j - 1) == Some(&"on");
        // (A constraint, a column's `NOT NULL`, default or identity, an
        // index or key dropped loses no data: red team 11's `DROP
        // CONSTRAINT events_fk` and `ALTER COLUMN id DROP NOT NULL` read
        // as irreversible.)
        let keeps_data = token == "drop"
            && tokens.get(j + 1).is_some_and(|next| {
                matches!(
                    *next,
                    "constraint"
                        | "not"
                        | "default"
                        | "identity"
                        | "index"
                        | "key"
                        | "primary"
                        | "foreign"
                        | "check"
                        | "unique"
                )
            });
        // (`ALTER COLUMN c TYPE t` and `SET DATA TYPE t` convert every
        // value, as `USING` does; MySQL's `DISCARD TABLESPACE` and
        // Oracle's `SET UNUSED` lose a table's data or a column's: a red
        // team's misses.)
        let retyped = token == "type"
            && (j >= 2 && tokens.get(j - 2) == Some(&"column") || j >= 1 && tokens.get(j - 1) == Some(&"data"));
        let hit = match token {
            "drop" => !keeps_data,
            "using" | "modify" | "change" | "discard" | "unused" => true,
            "type" => retyped,
            "delete" | "update" => !after_on,
            _ => false,
        };
        let (next_hit, next_semi) = (hits.get(j + 1).copied().unwrap_or(n), semis.get(j + 1).copied().unwrap_or(n));
        if let Some(h) = hits.get_mut(j) {
            *h = if hit { j } else { next_hit };
        }
        if let Some(s) = semis.get_mut(j) {
            *s = if token == ";" { j } else { next_semi };
        }
    }
    (hits, semis)
}

/// How far a `DELETE` statement is read for its `FROM` (T-SQL's `TOP (n)`
/// and `OUTPUT` clauses come between).
const DELETE_TOKENS: usize = 64;

/// How far an `ALTER TABLE` statement that no `;` ends is read for a
/// `DROP` or `USING` (one that a `;` ends is read to it): far past any one
/// statement of a migration (a hundred clauses).
const ALTER_TOKENS: usize = 512;

fn is_ident_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '$'
}

/// The tokens of a text: identifiers (letters, digits, `_`, `$`) and each
/// other character that is not a blank on its own.
fn tokens(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        if is_ident_char(c) {
            start.get_or_insert(i);
            continue;
        }
        if let Some(s) = start.take() {
            out.extend(text.get(s..i));
        }
        // Identifier quotes (`"t"`, `` `t` ``, `[t]`) are blanks: the
        // name inside is the identifier (a red-team audit: `DELETE
        // "outbox";` and `UPDATE [outbox] SET` passed).
        if !c.is_whitespace() && !matches!(c, '"' | '`' | '[' | ']') {
            out.extend(text.get(i..i + c.len_utf8()));
        }
    }
    if let Some(s) = start {
        out.extend(text.get(s..));
    }
    out
}
