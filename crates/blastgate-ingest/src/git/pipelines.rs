//! Scripts and CI pipelines: the commands a changed pipeline step, script or
//! Kubernetes Job runs that destroy infrastructure or data.

use std::collections::{BTreeMap, BTreeSet};

use super::commands::{
    ShellFunctions, commands_destroy, for_each_changed_run, known_tool, production_marks, short_lived, tool_name,
};
use super::manifests::{MAX_EMPTIED_TEXT, MAX_TYPES_READ, clip_kind};
use super::places::{PlaceReader, place_of, places_in_patch};
use super::programs::{Language, ProgramReader, interpreter, program_language};
use super::tasks::{TASK_CALL, TaskCall};

/// What the commands added to scripts and pipelines destroy, by path:
/// for each file `is_candidate` accepts (CI and CD definitions, shell
/// scripts, Makefiles), the types of the infrastructure that commands on
/// its added lines delete, net of the same commands on its removed lines
/// (a command reworded destroys nothing new). A line ending in `\`
/// continues on the next. In a place where commands run at deploy or boot
/// time ([`deploy_places`](super::deploy_places): a Compose service's
/// `command:`, a systemd unit's `ExecStart=`, ...) only the commands under
/// its keys are read.
///
/// A command is read where one starts: at the start of a segment of a line
/// (`;`, `&&`, `||`, `|`, parentheses, backticks and quotes split them),
/// after words that run it (`run:`, `-`, `sudo`, `env X=1`, `retry 3`,
/// `sh -c`), or as the image of `docker run`; its tool is
/// `terraform`, `kubectl`, ... by its last path part (`/usr/bin/terraform`,
/// `hashicorp/terraform:1.9`, a Makefile's `@terraform`). Prose, `echo`,
/// `Write-Host`, a `log` helper and a step's `name:` or `description:`
/// start with other words, and run nothing. Read:
///
/// - `terraform`, `tofu` or `terragrunt` `destroy` (and `run-all
///   destroy`), `apply -destroy`, `plan -destroy -out=FILE` (the plan a
///   later `apply FILE` runs): `terraform destroy`, or the type of each
///   `-target` address; `apply -replace=ADDRESS`: the address's type
///   (replaced is destroyed and made anew, empty);
/// - `pulumi destroy` or `down`, `cdk destroy`, `sam delete`,
///   `serverless remove` (`sls`), `helmfile destroy` or `delete`, each
///   past the global options before it (`helmfile -e production
///   destroy`), `eksctl delete`, `dropdb`, `mysqladmin drop`: the tool's
///   words; Terraform through `terramate run --` or `atmos terraform
///   destroy`, or told to by `TF_CLI_ARGS(_apply)` holding `-destroy` or
///   `-replace=`; `pulumi up --replace URN`: the URN's type;
/// - data services' own command lines (`kafka-topics --delete`,
///   `rabbitmqadmin delete queue`, `redis-cli FLUSHALL`, `mongosh --eval
///   "db.dropDatabase()"`, `etcdctl del --prefix`, `vault secrets
///   disable`, `consul kv delete -recurse`, `nats stream rm`), and
///   Docker's `compose down --volumes` and `volume rm` where aimed at
///   another host (`ssh`, `-H`, `--context`, `DOCKER_HOST`): the
///   command's words; a command run over `ssh` is read as the command;
/// - `kubectl` or `oc` `delete KIND`, for namespaces, claims and volumes,
///   stateful sets, deployments, services, daemon sets, ingresses, custom
///   resource definitions and `all`, as Kubernetes names them (`pvc` is
///   `PersistentVolumeClaim`); other kinds are not counted; `delete -k
///   DIR` and `delete -f FOLDER` (everything they deploy), by their words;
///   `flux delete kustomization` or `helmrelease`;
/// - `helm uninstall` or `delete NAME`: `helm uninstall NAME`; `helm
///   upgrade` or `install` with `--set` turning a switch off
///   (`postgresql.enabled=false`): [`HELM_SET_OFF`](super::HELM_SET_OFF)
///   and the switch's path, which the facade reads as a values file's;
///   `argocd app delete NAME`: `argocd app NAME`;
/// - `aws SERVICE delete-...` or `terminate-...`, `gcloud ... delete` and
///   `az ... delete` whose words name infrastructure (a database,
///   cluster, table, bucket, stack, queue, topic, volume, function,
///   service, instance, group, ...) and no routine object (logs, keys,
///   images, versions, tags, blobs, secrets, snapshots, aliases), `aws s3
///   rb`, `gsutil rb`: the command's words (`aws rds delete-db-instance`);
///   a KMS key scheduled for deletion, a secret or a registry deleted for
///   good, an Azure key vault deleted or purged, Cloudflare's D1 and R2,
///   Firestore emptied, an Atlas cluster: their resource types;
/// - SQL that drops a database, schema or table or empties a table
///   (`DROP DATABASE`, `DROP SCHEMA`, `DROP TABLE`, `TRUNCATE TABLE`;
///   and `TRUNCATE orders` or a `DELETE FROM` with no `WHERE` on a line
///   that runs a SQL client or ends in `;`): `database`; a SQL file a
///   client runs (`psql -f`, `mysql db < x.sql`): a call the facade
///   follows, reading the file's statements so;
/// - `cdktf destroy`, `sst remove`, `copilot ... delete`, `heroku
///   apps:destroy`, `addons:destroy`, `pg:reset`, `fly apps destroy`,
///   `fly volumes destroy`, `doctl ... delete` of infrastructure,
///   `gitlab-terraform destroy`, `az deployment ... --mode Complete`
///   (`complete deployment`), and PowerShell's Azure and AWS cmdlets
///   that remove infrastructure (`Remove-AzResourceGroup`);
/// - a framework's database reset (`prisma migrate
///   reset`, `rails db:drop`, `artisan migrate:fresh`, `manage.py flush`,
///   `flyway clean`, ...): `database`, except in the tasks people run by
///   name (`package.json`, Makefiles) and after an
///   assignment naming a test or local environment (`RAILS_ENV=test`,
///   `DATABASE_URL=...localhost...`).
///
/// Not counted: comment lines (but for the command substitutions `$(...)`
/// on one, which a here-document's line runs) and trailing comments, `--dry-run` (not
/// read as a destroy), and a command whose arguments name a short-lived
/// or local environment: a word of its own text (`preview`, `ephemeral`,
/// `pr`, `pull`, `review`, `test`, `e2e`, `ci`, `tmp`, `temp`,
/// `sandbox`, `example`, `dev`, `local`, `kind`, `minikube`, ...), or a
/// CI expression for a pull request, branch or run (`${{
/// github.event.number }}`, `$CI_MERGE_REQUEST_IID`, `run_id`). A
/// variable's name is no word of its text (`$CI_PROJECT_DIR`). At most
/// [`MAX_TYPES_READ`] types a file, each clipped to [`MAX_TYPE_BYTES`](super::MAX_TYPE_BYTES);
/// a line over 4 KiB is read in pieces cut between commands (each
/// segment by its first 4 KiB).
///
/// ```
/// use blastgate_ingest::git::destructive_commands;
/// let patch = b"diff --git a/.github/workflows/deploy.yml b/.github/workflows/deploy.yml\n--- a/.github/workflows/deploy.yml\n+++ b/.github/workflows/deploy.yml\n@@ -7 +7,2 @@\n-      - run: terraform apply -auto-approve\n+      - run: terraform destroy -auto-approve\n+      - run: kubectl delete pvc ledger && kubectl delete namespace preview-${{ github.event.number }}\n";
/// let found = destructive_commands(patch, |_| true);
/// assert_eq!(found[".github/workflows/deploy.yml"], ["PersistentVolumeClaim", "terraform destroy"]);
/// ```
pub fn destructive_commands(patch: &[u8], is_candidate: impl Fn(&str) -> bool) -> BTreeMap<String, Vec<String>> {
    let mut net: BTreeMap<String, BTreeMap<String, i64>> = BTreeMap::new();
    // Files whose added lines point a framework at a test or local
    // database (`export RAILS_ENV=test`): a database reset there is that
    // one's.
    let mut test_databases: BTreeSet<String> = BTreeSet::new();
    // What each file's lines so far aim its frameworks at (see
    // [`PRODUCTION_MARKS`]), by path and side.
    let mut aimed: BTreeMap<(String, i64), BTreeSet<&'static str>> = BTreeMap::new();
    let mut count = |path: &str, sign: i64, text: &str, marks: &str| {
        let Some(text) = deploy_command(path, text) else { return };
        let read = (!is_task_runner(path) || lifecycle_script(path, &text)) && !sets_up_development(path);
        let types = commands_destroy(&text, read.then_some(marks));
        if types.is_empty() {
            return;
        }
        let counts = net.entry(path.to_owned()).or_default();
        for t in types {
            if counts.len() < MAX_TYPES_READ || counts.contains_key(&t) {
                *counts.entry(t).or_insert(0) += sign;
            }
        }
    };
    // A command continued over lines (`\` at a line's end) is read whole.
    let mut pending: Option<(String, i64, String, String)> = None;
    // The variables the added (or removed) lines of each file set from
    // literals, read into the lines after them (`NAMESPACE=review-$SLUG`
    // then `kubectl delete namespace "$NAMESPACE"`).
    let mut assigned: BTreeMap<(String, i64), BTreeMap<String, String>> = BTreeMap::new();
    // The folder each file's lines so far moved to on a line of its own
    // (`cd infra`, then `./destroy.sh` on the next), by path and side.
    let mut folders: BTreeMap<(String, i64), Folder> = BTreeMap::new();
    // The word that ends a heredoc printed to the terminal (usage text,
    // `cat <<EOF`), by path and side: its lines are text, not commands.
    let mut printed: BTreeMap<(String, i64), (String, bool)> = BTreeMap::new();
    // The shell functions each file's lines so far define, by path and
    // side.
    let mut functions: BTreeMap<(String, i64), ShellFunctions> = BTreeMap::new();
    let mut read_line = |path: &str, sign: i64, text: &str| {
        // (A break in the changed lines ends what the lines before it
        // opened: the lines between are not seen.)
        if sign == 0 {
            printed.retain(|(p, _), _| p != path);
            return;
        }
        let side = (path.to_owned(), sign);
        if let Some((end, quoted)) = printed.get(&side) {
            if text.trim() == end {
                printed.remove(&side);
                return;
            }
            // (Unquoted, its `$(...)` and backticks run.)
            if *quoted || !(text.contains("$(") || text.contains('`')) {
                return;
            }
        }
        if let Some(end) = printed_heredoc(text) {
            printed.insert(side, end);
        }
        let variables = assigned.entry((path.to_owned(), sign)).or_default();
        let text = substitute(text, variables);
        // A shell function defined on the lines so far runs its body where
        // it is called (red team 13: `f() { redis-cli -h cache "$@"; }`
        // then `f FLUSHALL`).
        let shell_functions = functions.entry((path.to_owned(), sign)).or_default();
        let text = shell_functions.read(&text);
        let text = match folders.entry((path.to_owned(), sign)).or_default().after(&text) {
            Some(dir) => format!("cd {dir} && {text}"),
            None => text,
        };
        let text = text.as_str();
        let assignment = text.trim_start().trim_start_matches("export ").trim_start().trim_start_matches("$env:");
        let assignment = assignment.trim_start_matches('$');
        if let Some((name, value)) = assignment.split_once('=')
            && !name.trim().is_empty()
            && name.trim().chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        {
            let (name, value) = (name.trim(), value.trim().trim_matches(['"', '\'']));
            if sign > 0 && test_database(&format!("{name}: {value}")) {
                test_databases.insert(path.to_owned());
            }
            // (Only a literal: a command's output, `$(cd "$(dirname "$0")" &&
            // pwd)`, is not known; the name then stays a variable.)
            if value.contains("$(") || value.contains('`') {
                variables.remove(name);
            } else if (variables.len() < 256 || variables.contains_key(name)) && value.len() <= 256 {
                variables.insert(name.to_owned(), value.to_owned());
            }
        }
        let marks = aimed.entry((path.to_owned(), sign)).or_default();
        marks.extend(production_marks(text));
        let marks: String = marks.iter().copied().collect::<Vec<_>>().join(" ");
        let text = match pending.take() {
            // (The shell takes out a backslash and the line break after it,
            // and nothing else: `drop\` then `db orders` is `dropdb orders`,
            // a red team's miss when the lines were joined by a blank.)
            Some((p, s, before, _)) if p == path && s == sign => format!("{before}{text}"),
            Some((p, s, before, m)) => {
                count(&p, s, &before, &m);
                text.to_owned()
            }
            None => text.to_owned(),
        };
        // (PowerShell continues with a backtick.)
        let continued = text.trim_end().strip_suffix('\\').or_else(|| text.trim_end().strip_suffix('`'));
        match continued {
            Some(head) if text.len() <= 4 * 4096 => pending = Some((path.to_owned(), sign, head.to_owned(), marks)),
            _ => count(path, sign, &text, &marks),
        }
    };
    // Scripts of other languages: the command lines their calls run
    // (`subprocess.run(["terraform", "destroy"])`), each read as a line.
    let mut programs: BTreeMap<(String, i64), ProgramReader> = BTreeMap::new();
    // CI definitions whose steps run in another language (`shell: python`,
    // `node {0}`, set on a step or as a default, on any line of the file
    // the patch shows): their lines are read as that language's too (a red
    // team: `subprocess.run([...])` under `shell: python` ran unread).
    let embedded = embedded_languages(patch);
    // Programs fed to an interpreter by a here-document, being read: the
    // end word and the reader, by path and side.
    let mut fed: BTreeMap<(String, i64), (String, ProgramReader)> = BTreeMap::new();
    // YAML's folded blocks (`run: >`, GitLab's `- >`): their lines, as
    // far as the change adds (or removes) them, are one command (see
    // [`fold_block`]), by path and side.
    let mut folds: BTreeMap<(String, i64), Vec<String>> = BTreeMap::new();
    let yaml = |path: &str| {
        let lower = path.to_ascii_lowercase();
        lower.ends_with(".yml") || lower.ends_with(".yaml")
    };
    // Places where commands run at deploy or boot time (a Compose
    // service's `command:`, a systemd unit's `ExecStart=`, cloud-init's
    // `runcmd:`, an ECS container's `command`, a Dockerfile's `CMD`):
    // only the commands under their keys (or instructions) are read, each as a script's line (see
    // [`super::places`]), by path and side.
    let places = places_in_patch(patch);
    let mut place_readers: BTreeMap<(String, i64), PlaceReader> = BTreeMap::new();
    for_each_changed_run(patch, is_candidate, |path, sign, text| {
        if let Some(&place) = places.get(path) {
            if sign == 0 {
                for side in [1, -1] {
                    let held = place_readers.get_mut(&(path.to_owned(), side)).map(PlaceReader::finish);
                    for command in held.unwrap_or_default() {
                        read_line(path, side, &command);
                    }
                }
                read_line(path, 0, "");
                return;
            }
            let reader = place_readers.entry((path.to_owned(), sign)).or_insert_with(|| PlaceReader::new(place));
            for command in reader.feed(text) {
                read_line(path, sign, &command);
            }
            return;
        }
        if sign == 0 {
            // (A folded block the change adds ends where its lines do.)
            for side in [1, -1] {
                for command in folds.remove(&(path.to_owned(), side)).as_deref().map(block_lines).unwrap_or_default() {
                    read_line(path, side, &command);
                }
            }
            read_line(path, 0, "");
            return;
        }
        // A program fed to an interpreter on its standard input (`python3 -
        // <<EOF`): its lines, to the end word, read as that language's.
        let side = (path.to_owned(), sign);
        if let Some((end, reader)) = fed.get_mut(&side) {
            let ended = text.trim() == end.as_str();
            let runs = if ended { reader.finish() } else { reader.feed(text) };
            if ended {
                fed.remove(&side);
            }
            for command in runs {
                read_line(path, sign, &command);
            }
            return;
        }
        if let Some((language, end)) = interpreter_heredoc(text) {
            fed.insert(side, (end, ProgramReader::new(language)));
        }
        if let Some(language) = program_language(path) {
            let reader = programs.entry((path.to_owned(), sign)).or_insert_with(|| ProgramReader::new(language));
            for command in reader.feed(text) {
                read_line(path, sign, &command);
            }
            if !language.reads_as_shell() {
                return;
            }
        } else if let Some(&language) = embedded.get(path) {
            let reader = programs.entry((path.to_owned(), sign)).or_insert_with(|| ProgramReader::new(language));
            for command in reader.feed(text) {
                read_line(path, sign, &command);
            }
        }
        if yaml(path) {
            let side = (path.to_owned(), sign);
            if let Some(block) = folds.get_mut(&side) {
                let first = block.first().map_or("", String::as_str);
                let inside = match folded_opening(first) {
                    Some(_) => text.trim().is_empty() || indent_of(text) > indent_of(first),
                    // (A scalar going on: only the lines that go on with it.)
                    None => scalar_opening(first).is_some_and(|o| {
                        // (A quoted one ends on the line that closes its
                        // quote: the last one held, if any.)
                        continues_scalar(o, text)
                            && !o.1.is_some_and(|q| {
                                block.len() > 1 && block.last().is_some_and(|l| l.replace("\\\"", "").contains(q))
                            })
                    }),
                };
                if inside && block.len() <= MAX_FOLDED_LINES {
                    block.push(text.to_owned());
                    return;
                }
                for command in folds.remove(&side).as_deref().map(block_lines).unwrap_or_default() {
                    read_line(path, sign, &command);
                }
            }
            if folded_opening(text).is_some() || scalar_opening(text).is_some() {
                folds.insert(side, vec![text.to_owned()]);
                return;
            }
            if let Some(flowed) = flow_commands(text) {
                // (The line as written too: its text outside the braces
                // runs.)
                read_line(path, sign, &format!("{text} ; {flowed}"));
                return;
            }
        }
        read_line(path, sign, text);
    });
    for ((path, sign), block) in &folds {
        for command in block_lines(block) {
            read_line(path, *sign, &command);
        }
    }
    for ((path, sign), reader) in programs.iter_mut().chain(fed.iter_mut().map(|(k, (_, r))| (k, r))) {
        for command in reader.finish() {
            read_line(path, *sign, &command);
        }
    }
    for ((path, sign), reader) in &mut place_readers {
        for command in reader.finish() {
            read_line(path, *sign, &command);
        }
    }
    if let Some((p, s, text, m)) = pending {
        count(&p, s, &text, &m);
    }
    for path in &test_databases {
        if let Some(types) = net.get_mut(path) {
            types.remove("database");
        }
    }
    // A command (or a call of a task or script) moved from one file to
    // another runs nothing new: what the change takes out of some files
    // offsets what it adds to others, the files taken in path order (a
    // red team: a call moved between workflows, or into the script the
    // workflow runs, blocked). As the steps of CI definitions are netted.
    let mut taken_out: BTreeMap<String, i64> = BTreeMap::new();
    for types in net.values() {
        for (t, n) in types.iter().filter(|(_, n)| **n < 0) {
            *taken_out.entry(t.clone()).or_insert(0) -= n;
        }
    }
    for types in net.values_mut() {
        for (t, n) in types.iter_mut().filter(|(_, n)| **n > 0) {
            if let Some(left) = taken_out.get_mut(t) {
                let offset = (*n).min(*left);
                (*n, *left) = (*n - offset, *left - offset);
            }
        }
    }
    net.into_iter()
        .map(|(path, types)| (path, types.into_iter().filter(|(_, n)| *n > 0).map(|(t, _)| t).collect::<Vec<_>>()))
        .filter(|(_, types)| !types.is_empty())
        .collect()
}

/// The word that ends a heredoc that `line` opens to print text (`cat
/// <<EOF`, `cat <<-'USAGE'`, in a function's `usage() { cat <<EOF`), if
/// it does: `cat` reading it, its output neither written to a file
/// (`>`) nor piped on (`| bash` runs it). Other heredocs (`bash <<EOF`,
/// `psql <<SQL`, `cat > cleanup.sh <<EOF`) are read as commands.
fn printed_heredoc(line: &str) -> Option<(String, bool)> {
    let at = line.find("<<")?;
    let (before, after) = (line.get(..at)?, line.get(at + 2..)?);
    if after.starts_with('<') {
        return None;
    }
    // (In a function's body, `usage() { cat <<EOF`; not in a group or a
    // substitution whose output goes on, `{ cat <<EOF ... } | bash`,
    // `SCRIPT=$(cat <<EOF`.)
    let before = before.trim();
    let body = function_head(before).unwrap_or(before);
    if body.contains(['(', '{', '`', '=']) {
        return None;
    }
    let command = body.rsplit([';', '|', '&']).next().unwrap_or(body);
    let mut words = command.split_whitespace();
    if words.next() != Some("cat") || words.next().is_some() {
        return None;
    }
    let after = after.strip_prefix('-').unwrap_or(after).trim_start();
    let quoted = after.starts_with(['\'', '"', '\\']);
    let end: String = after
        .trim_start_matches(['\'', '"', '\\'])
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    let rest = after.get(end.len()..).unwrap_or_default().trim_start_matches(['\'', '"']);
    (!end.is_empty() && !rest.contains(['>', '|', ')'])).then_some((end, quoted))
}

/// What follows a shell function's head at the start of `text` (`usage()
/// {`, `function usage {`, `function usage() {`), if it starts with one.
fn function_head(text: &str) -> Option<&str> {
    let rest = text.strip_prefix("function ").map_or(text, str::trim_start);
    let name_end = rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))?;
    if name_end == 0 {
        return None;
    }
    let rest = rest.get(name_end..)?.trim_start();
    let rest = rest.strip_prefix("()").map_or(rest, str::trim_start);
    let rest = rest.strip_prefix('{')?;
    (rest.is_empty() || rest.starts_with(char::is_whitespace)).then(|| rest.trim_start())
}

/// Most lines of a folded block read as one command.
const MAX_FOLDED_LINES: usize = 200;

/// How far `line` is indented.
fn indent_of(line: &str) -> usize {
    line.len() - line.trim_start().len()
}

/// Where `line` opens a YAML folded block (`run: >`, `- >-`, `script: >+`):
/// the text before its indicator (`run:`, `-`).
fn folded_opening(line: &str) -> Option<&str> {
    let t = line.trim_end();
    let head = t.strip_suffix(['-', '+']).unwrap_or(t).strip_suffix('>')?;
    let key = head.trim_end();
    let spaced = head.len() > key.len();
    (spaced && (key.ends_with(':') || key.trim_start() == "-")).then_some(key)
}

/// The column of the command key a YAML line opens a scalar at that may go
/// on over the lines below (`run: kubectl delete` or `- run: "kubectl
/// delete`, then `namespace orders` further in), and the quote it opens
/// and does not close, if any. `None` for another key, or a value that is
/// a block, a flow collection, an alias or a tag.
fn scalar_opening(line: &str) -> Option<(usize, Option<char>)> {
    let body = line.trim_start();
    let body = body.strip_prefix("- ").map_or(body, str::trim_start);
    let key_column = line.len() - body.len();
    let (key, value) = body.split_once(": ")?;
    if !matches!(key.trim_matches(['"', '\'']), "run" | "script" | "command" | "cmd") {
        return None;
    }
    let value = value.trim();
    match value.chars().next()? {
        '|' | '>' | '[' | '{' | '&' | '*' | '!' | '#' => None,
        q @ ('"' | '\'') => {
            // (Open: no closing quote after the first, `\"` and `''` aside.)
            let rest = value.get(1..).unwrap_or_default().replace("\\\"", "").replace("''", "");
            (!rest.contains(q)).then_some((key_column, Some(q)))
        }
        _ => Some((key_column, None)),
    }
}

/// Whether `line` goes on the scalar `opening` began (see
/// [`scalar_opening`]): a quoted one until the line that closes its quote,
/// a plain one by lines further in than its key that are no key, list
/// item or comment of their own.
fn continues_scalar(opening: (usize, Option<char>), line: &str) -> bool {
    let t = line.trim();
    if t.is_empty() || indent_of(line) <= opening.0 {
        return false;
    }
    match opening.1 {
        Some(_) => true,
        None => !(t.starts_with("- ") || t.starts_with('#') || t.contains(": ") || t.ends_with(':')),
    }
}

/// The commands a YAML line's flow mappings hold (`- {name: w, run:
/// kubectl delete namespace orders}`, `steps: [{run: "..."}]`: a red
/// team's misses), each as `run: VALUE` read as a step's line is, joined
/// by ` ; `. `None` for a line without a command key inside braces.
fn flow_commands(line: &str) -> Option<String> {
    // (Linear in the line: a key is looked at only past the first brace,
    // and at most 256 of each.)
    let brace = line.find('{')?;
    let mut found = Vec::new();
    for key in ["run", "script", "command", "cmd"] {
        for (at, _) in line.match_indices(key).filter(|&(at, _)| at > brace).take(256) {
            let before = line.get(..at)?.trim_end_matches(['"', '\'']).trim_end();
            if !(before.ends_with('{') || before.ends_with(',')) {
                continue;
            }
            let after = line.get(at + key.len()..)?.trim_start_matches(['"', '\'']);
            let Some(value) = after.strip_prefix(':') else { continue };
            let value = value.trim_start();
            let text = match value.chars().next() {
                Some(q @ ('"' | '\'')) => {
                    let body = value.get(1..).unwrap_or_default();
                    body.find(q).map_or(body, |end| body.get(..end).unwrap_or_default())
                }
                _ => value.split([',', '}']).next().unwrap_or(value).trim(),
            };
            if !text.is_empty() && found.len() < 64 {
                found.push(format!("run: {text}"));
            }
        }
    }
    (!found.is_empty()).then(|| found.join(" ; "))
}

/// The command a scalar opened at `lines[at]` and going on over the lines
/// below gives the shell, its lines joined by blanks as YAML folds them
/// (`run: kubectl delete` then `namespace orders`: `run: kubectl delete
/// namespace orders`, a red team's miss), and the index after it. `None`
/// when the scalar does not go on.
fn continued_scalar(lines: &[&str], at: usize) -> Option<(String, usize)> {
    let opening = scalar_opening(lines.get(at)?)?;
    let mut joined = lines.get(at)?.trim_end().to_owned();
    let mut i = at + 1;
    while let Some(l) = lines.get(i).filter(|l| i - at <= MAX_FOLDED_LINES && continues_scalar(opening, l)) {
        joined.push(' ');
        joined.push_str(l.trim());
        i += 1;
        // (A quoted scalar ends on the line that closes its quote.)
        if let Some(q) = opening.1
            && l.replace("\\\"", "").replace("''", "").contains(q)
        {
            break;
        }
    }
    (i > at + 1).then_some((joined, i))
}

/// The command a YAML folded block opened at `lines[at]` gives the shell
/// (`run: >` with `aws rds modify-db-instance` and
/// `--no-deletion-protection` on the lines under it), after the
/// opening's key (`run: aws rds modify-db-instance
/// --no-deletion-protection`), and the index after the block. YAML folds
/// lines of the block's own indent into one line; a more indented line,
/// and one after a blank, stays a line of its own: those are separated
/// by ` ; `. At most [`MAX_FOLDED_LINES`] lines are joined.
fn fold_block(lines: &[&str], at: usize) -> Option<(String, usize)> {
    let opening = lines.get(at)?;
    let key = folded_opening(opening)?;
    let outer = indent_of(opening);
    let mut base: Option<usize> = None;
    let mut out: Vec<String> = Vec::new();
    let mut joinable = false;
    let mut i = at + 1;
    while let Some(l) = lines.get(i) {
        if i - at > MAX_FOLDED_LINES {
            break;
        }
        if l.trim().is_empty() {
            joinable = false;
            i += 1;
            continue;
        }
        let d = indent_of(l);
        if d <= outer {
            break;
        }
        let own = d == *base.get_or_insert(d);
        match out.last_mut() {
            Some(last) if own && joinable => {
                last.push(' ');
                last.push_str(l.trim());
            }
            _ => out.push(l.trim().to_owned()),
        }
        joinable = own;
        i += 1;
    }
    (!out.is_empty()).then(|| (format!("{key} {}", out.join(" ; ")), i))
}

/// The command of a folded block's lines, its opening first (see
/// [`fold_block`]).
fn folded_command(block: &[String]) -> Option<String> {
    let lines: Vec<&str> = block.iter().map(String::as_str).collect();
    fold_block(&lines, 0).or_else(|| continued_scalar(&lines, 0)).map(|(command, _)| command)
}

/// The lines a held block is read as: its command, or (a scalar that did
/// not go on after all) its own lines.
fn block_lines(block: &[String]) -> Vec<String> {
    match folded_command(block) {
        Some(command) => vec![command],
        None if folded_opening(block.first().map_or("", String::as_str)).is_some() => Vec::new(),
        None => block.to_vec(),
    }
}

/// The folder that a line of its own moved the lines after it to (`cd
/// infra`, then `./destroy.sh`), read a line at a time: see [`lone_cd`].
#[derive(Debug, Default)]
struct Folder(Option<(String, usize)>);

impl Folder {
    /// The folder `line` runs in, if a line of its own before it moved
    /// there (`None` for the line that moves, and for a blank one); a line
    /// less indented than the block it applied to leaves it.
    fn after(&mut self, line: &str) -> Option<String> {
        if line.trim().is_empty() {
            return None;
        }
        let depth = line.len() - line.trim_start().len();
        if self.0.as_ref().is_some_and(|(_, least)| depth < *least) {
            self.0 = None;
        }
        let Some(moved) = lone_cd(line) else { return self.0.as_ref().map(|(dir, _)| dir.clone()) };
        // (A move from the folder already moved to goes on from it.)
        self.0 = moved.map(|(dir, least)| match self.0.take() {
            Some((before, _)) if depth >= least => (format!("{before}/{dir}"), least),
            _ => (dir, least),
        });
        None
    }
}

/// The folder a line that only changes folder moves to (`cd infra`,
/// `pushd infra`, `- cd infra` in a CI list, `run: cd infra`), with the
/// least indent of the lines after it that it applies to: those of its
/// block (a `run:` key's lines below it, a list's next items). `Some(None)`
/// for a line that leaves the folder (`cd ..`, `cd -`, `popd`, `cd` into
/// a folder named by a variable).
fn lone_cd(line: &str) -> Option<Option<(String, usize)>> {
    let depth = line.len() - line.trim_start().len();
    let mut t = line.trim();
    let item = t.starts_with("- ");
    t = t.trim_start_matches("- ").trim_start();
    let mut keyed = false;
    for key in ["run:", "script:", "command:", "cmd:", "bash:", "sh:", "inlineScript:", "pwsh:", "powershell:"] {
        if let Some(rest) = t.strip_prefix(key) {
            (t, keyed) = (rest.trim_start().trim_matches(['"', '\'']), true);
            break;
        }
    }
    let mut words = t.split_whitespace();
    let (Some(verb), dir, None) = (words.next(), words.next(), words.next()) else { return None };
    match verb {
        "popd" if dir.is_none() => Some(None),
        "cd" | "pushd" => {
            let dir = dir.unwrap_or_default().trim_matches(['"', '\'']);
            let dir = workspace_relative(dir).trim_end_matches('/').trim_start_matches("./");
            let known = !dir.is_empty()
                && !dir.starts_with(['/', '~', '-'])
                && !dir.contains(['$', '`', '*'])
                && !dir.split('/').any(|s| s == ".." || s == ".");
            // (A key's own line: the lines below it, deeper; a list's item:
            // its next items, as deep.)
            let least = if keyed && !item { depth + 1 } else { depth };
            Some(known.then(|| (dir.to_owned(), least)))
        }
        _ => None,
    }
}

/// Whether `path` is a script whose commands [`destructive_commands`]
/// reads, besides CI and CD definitions: a shell, PowerShell or Windows
/// batch script (`.sh`, `.bash`, `.zsh`, `.ksh`, `.ps1`, `.bat`,
/// `.cmd`), a Makefile (`Makefile`,
/// `GNUmakefile`, `*.mk`), a `justfile`, a `Taskfile.yml`, a
/// `package.json` (its `scripts`), a platform's deploy file whose
/// lines name commands (a `Procfile`, `fly.toml`: see `deploy_command`),
/// or a place known by its name where commands run at deploy or boot
/// time (a Compose file, a systemd unit, a cloud-init config, an ECS task
/// definition, a Dockerfile: see [`deploy_places`](super::deploy_places)).
///
/// ```
/// use blastgate_ingest::git::is_script;
/// assert!(is_script("scripts/teardown.sh") && is_script("infra/Makefile") && is_script("package.json"));
/// assert!(!is_script("src/main.go") && !is_script("docs/teardown.md"));
/// ```
pub fn is_script(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    let lower = name.to_ascii_lowercase();
    let extension = lower.rsplit_once('.').map_or("", |(_, e)| e);
    matches!(extension, "sh" | "bash" | "zsh" | "ksh" | "ps1" | "mk" | "bat" | "cmd")
        || matches!(
            lower.as_str(),
            "makefile"
                | "gnumakefile"
                | "justfile"
                | ".justfile"
                | "taskfile.yml"
                | "taskfile.yaml"
                | "package.json"
                | "procfile"
                | "fly.toml"
        )
        || platform_commands(path).is_some()
        || place_of(path).is_some()
}

/// The keys of a platform's deploy file whose values are commands that
/// run on every deploy or build (red team 29: the same database reset
/// counted in a `Procfile` and nowhere else): Render's `render.yaml`,
/// Railway's `railway.json` and `railway.toml`, Vercel's `vercel.json`,
/// Netlify's `netlify.toml`, Heroku's `heroku.yml` (its `release:` and
/// `run:` commands, each a list item or a `command:`), and Elastic
/// Beanstalk's `.ebextensions/*.config` (`command:`). Lower case.
fn platform_commands(path: &str) -> Option<&'static [&'static str]> {
    let lower = path.to_ascii_lowercase();
    let name = lower.rsplit('/').next().unwrap_or(&lower);
    match name {
        "render.yaml" | "render.yml" => Some(&["predeploycommand", "buildcommand", "startcommand"]),
        "railway.json" | "railway.toml" => Some(&["predeploycommand", "buildcommand", "startcommand"]),
        "vercel.json" => Some(&["buildcommand", "installcommand"]),
        "netlify.toml" => Some(&["command"]),
        "heroku.yml" | "heroku.yaml" => Some(&["command", "-"]),
        _ if name.ends_with(".config") && lower.split('/').rev().nth(1) == Some(".ebextensions") => Some(&["command"]),
        _ => None,
    }
}

/// The command a line of a platform's deploy file gives under one of its
/// command keys (`platform_commands`): `KEY: VALUE`, `"KEY": "VALUE",`,
/// `KEY = "VALUE"`, a list of commands as one (`["a", "b"]` is `a; b`),
/// and, where `-` is a key, a list item's text.
fn platform_command(keys: &[&str], line: &str) -> Option<String> {
    let line = line.trim();
    // A JSON file written on one line (`{"buildCommand": "..."}`): its
    // command keys' values, wherever they are in it.
    if line.starts_with('{')
        && let Ok(value) = serde_json::from_str::<serde_json::Value>(line)
    {
        let mut found = Vec::new();
        let mut stack = vec![&value];
        while let Some(v) = stack.pop() {
            match v {
                serde_json::Value::Object(map) => {
                    for (k, v) in map {
                        match v {
                            serde_json::Value::String(s) if keys.contains(&k.to_ascii_lowercase().as_str()) => {
                                found.push(s.clone());
                            }
                            serde_json::Value::Array(items) if keys.contains(&k.to_ascii_lowercase().as_str()) => {
                                found.extend(items.iter().filter_map(|i| i.as_str().map(str::to_owned)));
                            }
                            _ => stack.push(v),
                        }
                    }
                }
                serde_json::Value::Array(items) => stack.extend(items),
                _ => {}
            }
        }
        return (!found.is_empty()).then(|| found.join("; "));
    }
    let (key, value) = if keys.contains(&"-") && line.starts_with("- ") {
        ("-", line.get(2..).unwrap_or_default())
    } else {
        let at = line.find([':', '='])?;
        (line.get(..at).unwrap_or_default(), line.get(at + 1..).unwrap_or_default())
    };
    let key = key.trim().trim_start_matches("- ").trim_matches(['"', '\'']).to_ascii_lowercase();
    if !keys.contains(&key.as_str()) {
        return None;
    }
    let value = value.trim().trim_end_matches(',').trim();
    let value = value.strip_prefix('[').and_then(|v| v.strip_suffix(']')).unwrap_or(value);
    let commands: Vec<&str> = value
        .split("\",")
        .map(|c| c.trim().trim_start_matches(',').trim().trim_matches(['"', '\'']))
        .filter(|c| !c.is_empty())
        .collect();
    (!commands.is_empty()).then(|| commands.join("; "))
}

/// The command a line of a platform's deploy file runs, where the file is
/// no script: a `Procfile`'s process (`release: python manage.py flush`
/// runs `python manage.py flush` on every deploy), `fly.toml`'s
/// `release_command`, or another platform's command keys
/// (`platform_commands`; their other lines run nothing: `None`). Any other
/// file's line as it is.
fn deploy_command<'a>(path: &str, text: &'a str) -> Option<std::borrow::Cow<'a, str>> {
    let name = path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
    // (A JSON file's `"key": "value"` line with escapes in its value, read
    // as JSON reads it: `"postinstall": "\"kubectl\" delete namespace
    // orders"` runs `kubectl delete ...`, a red team's miss.)
    if name.ends_with(".json")
        && text.contains('\\')
        && let Some(line) = json_value_unescaped(text)
    {
        return match platform_commands(path) {
            Some(keys) => platform_command(keys, &line).map(Into::into),
            None => Some(line.into()),
        };
    }
    match name.as_str() {
        "procfile" => text.split_once(':').map(|(_, command)| command.trim().into()),
        "fly.toml" => {
            let (key, value) = text.split_once('=')?;
            (key.trim().trim_start_matches(['+', '-']).trim() == "release_command")
                .then(|| value.trim().trim_matches(['"', '\'']).to_owned().into())
        }
        _ => match platform_commands(path) {
            Some(keys) => platform_command(keys, text).map(Into::into),
            None => Some(text.into()),
        },
    }
}

/// A JSON line `"KEY": "VALUE",` with the value's escapes decoded as
/// JSON decodes them, the shell's quotes of its plain words taken off
/// (`"kubectl"` is `kubectl`) and any other double quote written as a
/// single one, so that the line's own quotes still delimit the value.
/// None for a line of another shape or a value JSON does not read.
fn json_value_unescaped(text: &str) -> Option<String> {
    let trimmed = text.trim_end();
    let (body, comma) = match trimmed.strip_suffix(',') {
        Some(b) => (b, ","),
        None => (trimmed, ""),
    };
    let colon = body.find("\":")?;
    let (key, value) = (body.get(..colon + 1)?, body.get(colon + 2..)?.trim_start());
    if !value.starts_with('"') {
        return None;
    }
    let value: String = serde_json::from_str(value).ok()?;
    let value = super::commands::unquote_words(&value).replace('"', "'");
    Some(format!("{key}: \"{value}\"{comma}"))
}

/// The YAML files of `patch` whose steps run in another language than the
/// shell, by a `shell:` key on any line the patch shows (added, removed or
/// around them): `shell: python` (GitHub Actions' `python {0}`, `python3`)
/// is Python, `node {0}` JavaScript, `ruby` and `perl` theirs.
fn embedded_languages(patch: &[u8]) -> BTreeMap<String, Language> {
    let mut found = BTreeMap::new();
    super::for_each_patch_line_of(patch, |path, line, _| {
        let lower = path.to_ascii_lowercase();
        if !(lower.ends_with(".yml") || lower.ends_with(".yaml")) || found.contains_key(path) {
            return;
        }
        let text = String::from_utf8_lossy(line.get(1..).unwrap_or_default());
        if let Some(language) = shell_language(&text) {
            found.insert(path.to_owned(), language);
        }
    });
    found
}

/// The language and end word of a here-document `line` feeds to an
/// interpreter (`python3 - <<EOF`, `node <<'JS'`, `ruby <<~RB`): its lines
/// up to the end word are a program of that language.
pub(super) fn interpreter_heredoc(line: &str) -> Option<(Language, String)> {
    let at = line.find("<<")?;
    let after = line.get(at + 2..)?;
    if after.starts_with('<') {
        return None;
    }
    let before = line.get(..at)?;
    let command = before.rsplit([';', '|', '&', '(']).next().unwrap_or(before);
    let words: Vec<&str> = command.split_whitespace().filter(|w| !PREFIXES.contains(w) && !w.contains('=')).collect();
    let language = interpreter(words.first()?)?;
    // (Reading the program from standard input: no script file named.)
    if words.iter().skip(1).any(|w| !w.starts_with('-')) {
        return None;
    }
    let word: String = after
        .trim_start_matches(['-', '~'])
        .trim_start()
        .trim_start_matches(['\'', '"', '\\'])
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    (!word.is_empty()).then_some((language, word))
}

/// The language a YAML line's `shell:` key runs steps in, other than the
/// shell's (see [`embedded_languages`]).
fn shell_language(line: &str) -> Option<Language> {
    let text = line.trim().trim_start_matches("- ").trim_start();
    let value = text.strip_prefix("shell:")?;
    let value = value.split(" #").next().unwrap_or(value).trim().trim_matches(['"', '\'']);
    interpreter(value.split_whitespace().next().unwrap_or_default())
}

/// Whether a line of a `package.json` sets a lifecycle script, which npm,
/// yarn and the platforms run on their own (`postinstall` on every
/// install, `start` and `heroku-postbuild` on deploy): a framework's
/// database reset there is no developer's convenience (red team 11).
fn lifecycle_script(path: &str, text: &str) -> bool {
    const LIFECYCLE: [&str; 13] = [
        "\"preinstall\"",
        "\"install\"",
        "\"postinstall\"",
        "\"prepare\"",
        "\"prestart\"",
        "\"start\"",
        "\"poststart\"",
        "\"prebuild\"",
        "\"build\"",
        "\"postbuild\"",
        "\"heroku-prebuild\"",
        "\"heroku-postbuild\"",
        "\"vercel-build\"",
    ];
    path.rsplit('/').next().is_some_and(|n| n.eq_ignore_ascii_case("package.json"))
        && LIFECYCLE.iter().any(|k| text.contains(&format!("{k}:")) || text.contains(&format!("{k} :")))
}

/// `text` with each variable of `variables` it names (`$NAME`, `${NAME}`,
/// PowerShell's `$env:NAME`) written as its value.
pub(super) fn substitute(text: &str, variables: &BTreeMap<String, String>) -> String {
    if variables.is_empty() || !text.contains('$') {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('$') {
        out.push_str(rest.get(..at).unwrap_or_default());
        let after = rest.get(at + 1..).unwrap_or_default();
        // (A line grows to four times the longest read, no more.)
        if out.len() > 4 * 4096 {
            out.push('$');
            rest = after;
            break;
        }
        // (GitHub's `${{ env.NAME }}`.)
        if let Some(expression) = after.strip_prefix("{{")
            && let Some(end) = expression.find("}}")
        {
            let name = expression.get(..end).unwrap_or_default().trim();
            if let Some(value) = variables.get(name.strip_prefix("env.").unwrap_or(name)) {
                out.push_str(value);
                rest = expression.get(end + 2..).unwrap_or_default();
                continue;
            }
        }
        let (inner, braced) = match after.strip_prefix('{') {
            Some(b) => (b, true),
            None => (after.strip_prefix("env:").unwrap_or(after), false),
        };
        let len = inner.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(inner.len());
        let name = inner.get(..len).unwrap_or_default();
        let closed = !braced || inner.get(len..).is_some_and(|t| t.starts_with('}'));
        match variables.get(name).filter(|_| closed && !name.is_empty()) {
            Some(value) => {
                out.push_str(value);
                let used = (after.len() - inner.len()) + len + usize::from(braced);
                rest = after.get(used..).unwrap_or_default();
            }
            None => {
                out.push('$');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Whether `path` is a script that sets up a developer's machine or
/// container (`bin/setup.sh`, `.devcontainer/post-create.sh`,
/// `scripts/setup-dev.sh`): a database reset there is the local one's.
/// Not a CI definition, and not by `ci`, `pr` or `review` in its path (a
/// second red team: `.github/workflows/ci.yml` and every GitLab CI file
/// read no reset at all), which name where scripts run, not what they
/// reset.
fn sets_up_development(path: &str) -> bool {
    if blastgate_change::classify::is_ci_definition(path) {
        return false;
    }
    let lower = path.to_ascii_lowercase();
    let words = [
        "setup",
        "devcontainer",
        "bootstrap",
        "seed",
        "seeds",
        "dev",
        "development",
        "local",
        "test",
        "tests",
        "testing",
        "e2e",
        "fixtures",
    ];
    lower.contains("setup") || lower.split(|c: char| !c.is_ascii_alphanumeric()).any(|w| words.contains(&w))
}

/// Whether `path` defines tasks that people run by name (`package.json`'s
/// scripts, a Makefile, a `justfile`, a `Taskfile.yml`, a `Rakefile`,
/// invoke's `tasks.py`, a `gulpfile.js`) rather than
/// steps that run on their own: a framework's database reset there
/// (`"db:reset": "prisma migrate reset --force"`) is a developer's
/// convenience, and is not read (see [`destructive_commands`]).
fn is_task_runner(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
    let stem = name.split('.').next().unwrap_or_default();
    name.ends_with(".mk")
        || name.ends_with(".rake")
        || matches!(
            name.as_str(),
            "makefile"
                | "gnumakefile"
                | "justfile"
                | ".justfile"
                | "taskfile.yml"
                | "taskfile.yaml"
                | "package.json"
                | "rakefile"
                | "tasks.py"
                | "noxfile.py"
                | "dodo.py"
                | "magefile.go"
        )
        || matches!(stem, "gulpfile" | "gruntfile" | "jakefile")
}

/// The types the commands of a CI or CD definition destroy outside jobs
/// for short-lived environments: each line [`destructive_commands`] reads
/// (lines continued with `\` joined), unless the job it is in is one
/// whose name, `if:` condition, `environment:` or an `env:` entry naming
/// a workspace, namespace, stack, release or environment (`TF_WORKSPACE:
/// pr-${{ github.event.number }}`) names a short-lived environment as a
/// command's arguments would, or whose condition is a pull request being
/// closed. A job is the block of an enclosing key at most two columns
/// in (a GitHub Actions job under `jobs:`, a GitLab CI job at the top). `None` for a text over [`MAX_EMPTIED_TEXT`] or with a NUL
/// byte.
///
/// ```
/// use blastgate_ingest::git::pipeline_destroys;
/// let text = b"jobs:\n  teardown:\n    if: github.event.action == 'closed'\n    env:\n      NAMESPACE: pr-${{ github.event.number }}\n    steps:\n      - run: kubectl delete namespace \"$NAMESPACE\"\n  prod:\n    steps:\n      - run: terraform destroy -auto-approve\n";
/// assert_eq!(pipeline_destroys(text).unwrap().into_iter().collect::<Vec<_>>(), ["terraform destroy"]);
/// ```
pub fn pipeline_destroys(text: &[u8]) -> Option<BTreeSet<String>> {
    read_pipeline(text).map(|(commands, _)| commands)
}

/// What the steps of a CI or CD definition that run a destroying action
/// or task destroy, outside jobs for short-lived environments (as
/// [`pipeline_destroys`] judges them, and a step whose own inputs name
/// one): each type as many times as steps destroy it. Read:
///
/// - GitHub Actions: `dflook/terraform-destroy` and
///   `dflook/terraform-destroy-workspace` (and their `tofu-` twins), and
///   `hashicorp/tfc-workflows-github/actions/create-run` with `is_destroy:
///   true`: `terraform destroy`; `pulumi/actions` with `command: destroy`:
///   `pulumi destroy`; `azure/arm-deploy` with `deploymentMode: Complete`
///   (which deletes what the resource group holds and the template does
///   not): `complete deployment`; a `docker://` image of a tool
///   [`destructive_commands`] reads, with its `args:`, as that command;
/// - Azure Pipelines: a Terraform task (`TerraformTaskV4@4`,
///   `TerraformCLI@1`, ...) or `Pulumi@1` with `command: destroy`, and a
///   template deployment task with `deploymentMode: Complete`;
/// - GitLab CI: a job that `extends:` the Terraform or OpenTofu
///   template's `.terraform:destroy` (or `.opentofu:destroy`).
///
/// An action's reference is read without its version (`@v1`). Compared
/// before and after a change, a type counted more often after is one the
/// change makes the pipeline destroy (`command: up` changed to `command:
/// destroy`). `None` as for [`pipeline_destroys`].
///
/// ```
/// use blastgate_ingest::git::pipeline_steps_destroy;
/// let text = b"jobs:\n  infra:\n    steps:\n      - uses: pulumi/actions@v5\n        with:\n          command: destroy\n          stack-name: org/prod\n";
/// assert_eq!(pipeline_steps_destroy(text).unwrap().into_iter().collect::<Vec<_>>(), [("pulumi destroy".to_owned(), 1)]);
/// ```
pub fn pipeline_steps_destroy(text: &[u8]) -> Option<BTreeMap<String, usize>> {
    read_pipeline(text).map(|(_, steps)| steps)
}

/// The reading behind [`pipeline_destroys`] and
/// [`pipeline_steps_destroy`]: what the commands destroy, and what the
/// steps do, each outside jobs for short-lived environments.
pub(super) fn read_pipeline(text: &[u8]) -> Option<(BTreeSet<String>, BTreeMap<String, usize>)> {
    if text.len() > MAX_EMPTIED_TEXT || text.contains(&0) {
        return None;
    }
    let raw = String::from_utf8_lossy(text).replace("\r\n", "\n");
    // (Escapes that spell letters in double-quoted text, read as YAML and
    // JSON read them: `run: "kubectl delete n\x61mespace orders"`.)
    let raw = if raw.contains('\\') {
        raw.split('\n').map(super::hidden::string_escapes).collect::<Vec<_>>().join("\n")
    } else {
        raw
    };
    // (A Cloud Build config in JSON: its steps, each a command line.)
    if raw.trim_start().starts_with('{')
        && let Some(steps) = json_build_steps(&raw)
    {
        return Some((steps.keys().cloned().collect(), steps));
    }
    let lines: Vec<&str> = raw.lines().collect();
    let indent = |l: &str| l.len() - l.trim_start().len();
    // Whether each job (by its line) is a short-lived environment's,
    // found once: the block under its key, up to the next line as far in.
    let block_end = |j: usize| block_end(&lines, j);
    let mut judged: BTreeMap<usize, bool> = BTreeMap::new();
    let mut judge = |j: usize| -> bool {
        *judged.entry(j).or_insert_with(|| {
            let name = lines.get(j).map_or("", |l| l.trim().trim_end_matches(':'));
            let block = lines.get(j + 1..block_end(j)).unwrap_or_default();
            // A GitLab rule that matches them and says `when: never`
            // keeps them out.
            let never = |k: usize| {
                block.iter().skip(k + 1).take(3).take_while(|l| !l.trim_start().starts_with("- ")).any(|l| {
                    let t: String = l.chars().filter(|c| !c.is_whitespace() && !matches!(c, '"' | '\'')).collect();
                    t.eq_ignore_ascii_case("when:never")
                })
            };
            short_lived(name) || (0..block.len()).any(|k| job_marks_short_lived(block, k) && !never(k))
        })
    };
    // Whether a job (or the whole file, by its top-level `env:` or
    // `variables:`) points a framework at a test or local database
    // (`RAILS_ENV: test`, `DATABASE_URL: postgres://localhost/app`): a
    // database dropped there is that one. (Not a job marked short-lived:
    // a production job may set `NODE_ENV: test` for its build.)
    let everywhere = lines.iter().enumerate().any(|(j, l)| {
        matches!(*l, "env:" | "variables:")
            && lines.get(j + 1..block_end(j)).unwrap_or_default().iter().any(|l| test_database(l))
    });
    let mut tested: BTreeMap<usize, bool> = BTreeMap::new();
    let mut test_database_job = |j: usize| {
        *tested
            .entry(j)
            .or_insert_with(|| lines.get(j + 1..block_end(j)).unwrap_or_default().iter().any(|l| test_database(l)))
    };
    let file_marks: String = production_marks(&raw).into_iter().collect::<Vec<_>>().join(" ");
    // Each job's settings in capitals (`APP_NAME: ...`), read once.
    let mut job_variables: BTreeMap<usize, BTreeMap<String, String>> = BTreeMap::new();
    // What hidden jobs destroy, and the jobs that extend others.
    let mut hidden_jobs: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut extenders: Vec<Vec<String>> = Vec::new();
    let mut out = BTreeSet::new();
    let mut steps: BTreeMap<String, usize> = BTreeMap::new();
    if cleanup_workflow(&lines) {
        return Some((out, steps));
    }
    // The enclosing keys of the line being read: (indent, line), outermost
    // first, kept in one pass (a walk up from every line was quadratic).
    let mut above: Vec<(usize, usize)> = Vec::new();
    // The folder a line of its own moved to (`cd infra`), and the least
    // indent of the lines it applies to.
    let mut folder = Folder::default();
    // Tekton's `stepTemplate:` images, by line: a step without its own
    // `image:` runs the template's.
    let templates = step_templates(&lines);
    // Steps run in another language (`shell: python`): every line is also
    // read as that language's, its commands counted on the line that ends
    // the call (see [`embedded_languages`]).
    let mut embedded = lines.iter().find_map(|l| shell_language(l)).map(ProgramReader::new);
    let mut i = 0;
    while let Some(first) = lines.get(i) {
        let at = i;
        let mut command = (*first).to_owned();
        i += 1;
        // (A folded block, `run: >`, is one command; see [`fold_block`].
        // So is a plain or quoted scalar going on over lines.)
        if let Some((folded, next)) = fold_block(&lines, at).or_else(|| continued_scalar(&lines, at)) {
            command = folded;
            i = next;
        } else if let Some(flowed) = flow_commands(first) {
            // (The line as written too: its text outside the braces runs.)
            command = format!("{command} ; {flowed}");
        }
        // (A line ending in `\` continues on the next, up to 16 KiB as in
        // [`destructive_commands`]: past that the next line starts anew,
        // so that a file of continued lines is read in linear time.)
        while let Some(head) = command
            .trim_end()
            .strip_suffix('\\')
            .or_else(|| command.trim_end().strip_suffix('`'))
            .filter(|_| command.len() <= 4 * 4096)
            .map(str::to_owned)
        {
            let Some(next) = lines.get(i) else { break };
            command = format!("{head} {next}");
            i += 1;
        }
        let t = first.trim_start();
        // (A line that starts like a comment but holds a substitution is
        // read: in a here-document or a multi-line string of a `run:`
        // block the shell runs it, `# generated by $(...)`; read as a
        // comment line, only its `$(...)` count.)
        if t.is_empty() || (t.starts_with('#') && !t.contains("$(")) {
            continue;
        }
        let depth = indent(first);
        while above.last().is_some_and(|&(d, _)| d >= depth) {
            above.pop();
        }
        if let Some(dir) = folder.after(first) {
            command = format!("cd {dir} && {command}");
        }
        let mut types = commands_destroy(&command, Some(&file_marks));
        // A program fed to an interpreter on its standard input (`python3 -
        // <<EOF`): its lines to the end word, read as that language's, on
        // this line (a red team's miss).
        if let Some((language, end)) = interpreter_heredoc(first) {
            let mut reader = ProgramReader::new(language);
            let mut runs = Vec::new();
            while let Some(line) = lines.get(i) {
                i += 1;
                if line.trim() == end {
                    break;
                }
                runs.extend(reader.feed(line));
            }
            runs.extend(reader.finish());
            for run in runs {
                types.extend(commands_destroy(&run, Some(&file_marks)));
            }
        }
        if let Some(reader) = embedded.as_mut() {
            for run in reader.feed(first) {
                types.extend(commands_destroy(&run, Some(&file_marks)));
            }
        }
        // A job's own settings named in the command (`env: APP:
        // orders-pr-${{ github.event.number }}` then `flyctl apps destroy
        // "$APP"`) are read as their values.
        if command.contains('$')
            && let Some(&(_, j)) = above.iter().rev().find(|&&(d, _)| d <= 2)
        {
            let variables = job_variables.entry(j).or_insert_with(|| {
                let mut found: BTreeMap<String, String> = BTreeMap::new();
                // (Kubernetes' and Tekton's `- name: NAMESPACE` then
                // `value: preview-...`, a red team's, as `NAMESPACE: ...`.)
                let mut named = String::new();
                for l in lines.get(j + 1..block_end(j)).unwrap_or_default() {
                    let d = l.trim_start().trim_start_matches("- ");
                    let Some((k, v)) = d.split_once(':') else { continue };
                    let k = k.trim().trim_matches(['"', '\'']);
                    let v = v.trim().trim_matches(['"', '\'']);
                    let k = match k {
                        "name" => {
                            named = v.to_owned();
                            continue;
                        }
                        "value" => std::mem::take(&mut named),
                        k => k.to_owned(),
                    };
                    let k = k.as_str();
                    let setting =
                        !k.is_empty() && k.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
                    if setting && v.len() <= 256 && (found.len() < 256 || found.contains_key(k)) {
                        found.entry(k.to_owned()).or_insert_with(|| v.to_owned());
                    }
                }
                found
            });
            if !variables.is_empty() {
                types = commands_destroy(&substitute(&command, variables), Some(&file_marks));
            }
        }
        // Tasks run by name from a step's working folder
        // (`working-directory: infra`, the job's or the file's `defaults:`)
        // are looked for there.
        if types.iter().any(|t| t.starts_with(TASK_CALL))
            && let Some(dir) = working_directory(&lines, &above, at)
        {
            for t in types.iter_mut() {
                if let Some(mut call) = TaskCall::from_kind(t) {
                    call.run_from(&dir);
                    if let Some(kind) = call.kind() {
                        *t = kind;
                    }
                }
            }
        }
        let step = step_destroys(&lines, at, step_template(&templates, at));
        let extended = extends_names(&lines, at);
        if !types.is_empty() || step.is_some() || extended.is_some() {
            // Its jobs: enclosing keys at most two columns in that are not
            // lists of jobs or steps (a GitHub Actions job under `jobs:`,
            // a GitLab CI job at the top, whose `script:` is two in). (A
            // GitLab job's `extends:` is two in: the job is above it.)
            // (Nor a Kubernetes object's `spec:` or an Argo workflow's
            // `templates:`, which hold a Tekton task's or a workflow's
            // steps: a red team's Tekton parameter `name: branch_name`
            // marked a whole task short-lived.)
            let jobs = above.iter().filter(|&&(d, j)| {
                d <= 2
                    && lines.get(j).is_some_and(|l| {
                        !matches!(l.trim(), "jobs:" | "stages:" | "steps:" | "on:" | "spec:" | "templates:")
                    })
            });
            let jobs: Vec<usize> = jobs.map(|&(_, j)| j).collect();
            if types.iter().any(|t| t == "database") && (everywhere || jobs.iter().any(|&j| test_database_job(j))) {
                types.retain(|t| t != "database");
            }
            // A hidden GitLab job (`.deploy-template:`) never runs by
            // itself: what it destroys counts through the jobs that
            // extend it in this file.
            let hidden = jobs.iter().find_map(|&j| {
                let name = lines.get(j)?.trim().trim_end_matches(':').trim_matches(['"', '\'']);
                name.starts_with('.').then(|| name.to_ascii_lowercase())
            });
            if let Some(name) = hidden {
                if hidden_jobs.len() < MAX_TYPES_READ || hidden_jobs.contains_key(&name) {
                    hidden_jobs.entry(name).or_default().extend(types);
                }
            } else if !jobs.into_iter().any(&mut judge) {
                if let Some(names) = extended {
                    extenders.push(names);
                }
                out.extend(types);
                for t in step.into_iter().flatten() {
                    count_step(&mut steps, &t);
                }
            }
        }
        above.push((depth, at));
    }
    // (A call still held at the end of the file, JavaScript's last
    // statement: counted, its job unknown.)
    if let Some(reader) = embedded.as_mut() {
        for run in reader.finish() {
            out.extend(commands_destroy(&run, Some(&file_marks)));
        }
    }
    for names in extenders {
        for types in names.iter().filter_map(|n| hidden_jobs.get(n)) {
            out.extend(types.iter().cloned());
            for t in types {
                count_step(&mut steps, t);
            }
        }
    }
    Some((out, steps))
}

/// Where the block under the key on line `j` ends: the next line that is
/// not blank and no further in (or the end).
fn block_end(lines: &[&str], j: usize) -> usize {
    let indent = |l: &str| l.len() - l.trim_start().len();
    let top = lines.get(j).map_or(0, |l| indent(l));
    (j + 1..lines.len())
        .find(|&k| lines.get(k).is_some_and(|l| !l.trim().is_empty() && indent(l) <= top))
        .unwrap_or(lines.len())
}

/// `dir` relative to the top of the repository where it starts with a CI
/// system's name for the checkout (`${{ github.workspace }}/infra`,
/// `$GITHUB_WORKSPACE/infra`, Azure's `$(System.DefaultWorkingDirectory)`,
/// GitLab's `$CI_PROJECT_DIR`, CircleCI's `~/project`): `infra`.
pub(crate) fn workspace_relative(dir: &str) -> &str {
    let tops = [
        "${{ github.workspace }}",
        "${{github.workspace}}",
        "$GITHUB_WORKSPACE",
        "${GITHUB_WORKSPACE}",
        "$(System.DefaultWorkingDirectory)",
        "$(Build.SourcesDirectory)",
        "$(Pipeline.Workspace)/s",
        "$CI_PROJECT_DIR",
        "${CI_PROJECT_DIR}",
        "~/project",
        "$CIRCLE_WORKING_DIRECTORY",
        "$WORKSPACE",
        "${WORKSPACE}",
    ];
    let dir = dir.trim();
    for top in tops {
        if let Some(rest) = dir.strip_prefix(top) {
            return rest.trim_start_matches('/');
        }
    }
    dir
}

/// The folder the command on line `at` of a CI definition runs in, where
/// its step or job says so: the step's `working-directory:` (Azure's
/// `workingDirectory:`, CircleCI's `working_directory:`), else the job's
/// `defaults:` (`run: working-directory:`), else the file's. `above` are
/// the enclosing keys, outermost first, as [`read_pipeline`] keeps them.
/// `None` for none, or one named by an expression.
fn working_directory(lines: &[&str], above: &[(usize, usize)], at: usize) -> Option<String> {
    let indent = |l: &str| l.len() - l.trim_start().len();
    let end_of = |j: usize| block_end(lines, j);
    // A key's value, without a trailing comment or quotes.
    let value_of = |v: &str| v.split(" #").next().unwrap_or(v).trim().trim_matches(['"', '\'']).to_owned();
    // The value of a working folder key among `block`'s lines, those at
    // the least indentation after `from` only.
    let setting = |from: usize, to: usize| -> Option<String> {
        let block = lines.get(from..to)?;
        let column = block.iter().filter(|l| !l.trim().is_empty()).map(|l| indent(l.trim_start_matches("- "))).min()?;
        block.iter().find_map(|l| {
            let t = l.trim_start().trim_start_matches("- ");
            let (key, value) = t.split_once(':')?;
            let key = key.trim();
            // (CircleCI's step keys sit a level further in: `- run:` then
            // `command:`.)
            let own = indent(l) <= column + 4;
            (own && matches!(key, "working-directory" | "workingDirectory" | "working_directory"))
                .then(|| value_of(value))
        })
    };
    let clean = |dir: String| {
        let dir = workspace_relative(&dir).trim_start_matches("./").trim_end_matches('/').to_owned();
        (!dir.is_empty() && dir != "." && !dir.contains('$') && !dir.starts_with('/')).then_some(dir)
    };
    // The step: the nearest list item holding the line.
    let step = std::iter::once(at)
        .chain(above.iter().rev().map(|&(_, j)| j))
        .find(|&j| lines.get(j).is_some_and(|l| l.trim_start().starts_with("- ")));
    if let Some(j) = step
        && let Some(dir) = setting(j, end_of(j))
    {
        return clean(dir);
    }
    // `defaults:` of the job (at most two columns in), then of the file.
    let jobs = above.iter().filter(|&&(d, _)| d <= 2).map(|&(_, j)| j).collect::<Vec<_>>();
    let scopes = jobs.into_iter().rev().map(|j| (j + 1, end_of(j))).chain(std::iter::once((0, lines.len())));
    for (from, to) in scopes {
        let block = lines.get(from..to).unwrap_or_default();
        let Some(column) = block.iter().filter(|l| !l.trim().is_empty()).map(|l| indent(l)).min() else { continue };
        // (CircleCI's job-level `working_directory:`.)
        let own = (from..to).find_map(|k| {
            let l = lines.get(k).filter(|l| indent(l) == column)?;
            l.trim().strip_prefix("working_directory:").map(value_of)
        });
        if let Some(dir) = own {
            return clean(dir);
        }
        let defaults = (from..to)
            .find(|&k| lines.get(k).is_some_and(|l| indent(l) == column && l.trim_end().trim_start() == "defaults:"));
        if let Some(d) = defaults
            && let Some(dir) =
                (d + 1..end_of(d)).find_map(|k| lines.get(k)?.trim().strip_prefix("working-directory:").map(value_of))
        {
            return clean(dir);
        }
    }
    None
}

/// One more step destroying `kind` in `steps`: at most
/// [`MAX_TYPES_READ`] kinds are kept, as for commands (a file past that
/// already destroys that many kinds, which the first of them shows).
fn count_step(steps: &mut BTreeMap<String, usize>, kind: &str) {
    if steps.len() < MAX_TYPES_READ || steps.contains_key(kind) {
        *steps.entry(kind.to_owned()).or_insert(0) += 1;
    }
}

/// The jobs a GitLab CI job's `extends:` on line `at` names, lower case:
/// `extends: .terraform:destroy`, a list in brackets, or a list on the
/// lines below (a job extends a few templates; at most 64 read). `None`
/// for any other line.
fn extends_names(lines: &[&str], at: usize) -> Option<Vec<String>> {
    let indent = |l: &str| l.len() - l.trim_start().len();
    let line = lines.get(at)?;
    let t = line.trim_start();
    let rest = t.strip_prefix("- ").map_or(t, str::trim_start);
    let column = line.len() - rest.len();
    let (key, value) = rest.split_once(':')?;
    if !key.trim().trim_matches(['"', '\'']).eq_ignore_ascii_case("extends") {
        return None;
    }
    let clean = |v: &str| v.split(" #").next().unwrap_or(v).trim().trim_matches(['"', '\'']).to_ascii_lowercase();
    let mut names: Vec<String> = value.trim().trim_matches(['[', ']']).split(',').map(clean).collect();
    let below = lines.get(at + 1..).unwrap_or_default().iter().take(64).take_while(|l| {
        let d = l.trim_start();
        let item = d.starts_with("- ") && !d.trim_end().ends_with(':');
        d.is_empty() || (item && indent(l) >= column.saturating_sub(2) && indent(l) <= column + 2)
    });
    names.extend(below.map(|l| clean(l.trim_start().trim_start_matches("- "))));
    names.retain(|n| !n.is_empty());
    Some(names)
}

/// Most lines read around a step's key to find its inputs (see
/// [`pipeline_steps_destroy`]): a step longer than this whose action
/// destroys by its inputs counts as destroying (fail closed).
pub(super) const MAX_STEP_LINES: usize = 200;

/// What the step whose `uses:`, `task:` or `extends:` key is on line
/// `at` destroys, if it runs an action or task that destroys (see
/// [`pipeline_steps_destroy`]); `None` for any other line. A step whose
/// inputs name a short-lived environment destroys nothing (`Some` of
/// nothing).
fn step_destroys(lines: &[&str], at: usize, template: Option<&str>) -> Option<Vec<String>> {
    let line = lines.get(at)?;
    let t = line.trim_start();
    let rest = t.strip_prefix("- ").map_or(t, str::trim_start);
    // The column of the step's keys.
    let column = line.len() - rest.len();
    let (key, value) = rest.split_once(':')?;
    // (A step written as one flow mapping: `- {uses: ..., with: {...}}`.)
    let flow_step = rest.starts_with('{');
    let key = key.trim().trim_matches(['"', '\'', '{']).to_ascii_lowercase();
    let clean = |v: &str| v.split(" #").next().unwrap_or(v).trim().trim_matches(['"', '\'']).to_ascii_lowercase();
    let value = if flow_step { clean(value.split([',', '}']).next().unwrap_or(value)) } else { clean(value) };
    // A container step (Google Cloud Build's `name:` image with its
    // `entrypoint:` and `args:`, Tekton's or Argo Workflows' `image:` with
    // `command:` and `args:`) runs its command line.
    if matches!(key.as_str(), "name" | "image") && !flow_step {
        return container_step(lines, at, column, &key, &value, template);
    }
    // (A Cloud Build step written as one flow mapping: `- {name: IMAGE,
    // args: [...]}`.)
    if key == "name" && flow_step {
        let step = crate::doc::from_yaml::<serde_json::Value>("step", rest).ok()?;
        return value_step_destroys(&step);
    }
    if key == "extends" {
        let names = extends_names(lines, at).unwrap_or_default();
        let destroys = names.iter().any(|n| matches!(n.as_str(), ".terraform:destroy" | ".opentofu:destroy"));
        return destroys.then(|| vec!["terraform destroy".to_owned()]);
    }
    // What the step runs, and whether that destroys whatever its inputs
    // say (`Some`) or by an input (`None`, and the inputs are read).
    let reference = value.split('@').next().unwrap_or(&value).to_owned();
    // A task by its full name (`ms-devlabs.custom-terraform-tasks.
    // custom-terraform-release-task.TerraformTaskV4@4`) is its last part.
    let reference = match key.as_str() {
        "task" => reference.rsplit('.').next().unwrap_or(&reference).to_owned(),
        _ => reference,
    };
    let always: Option<&str> = match (key.as_str(), reference.as_str()) {
        (
            "uses",
            "dflook/terraform-destroy"
            | "dflook/terraform-destroy-workspace"
            | "dflook/tofu-destroy"
            | "dflook/tofu-destroy-workspace",
        ) => Some("terraform destroy"),
        ("uses", "hashicorp/tfc-workflows-github/actions/create-run" | "pulumi/actions" | "azure/arm-deploy") => None,
        ("uses", r) if r.starts_with("docker://") => None,
        ("task", r)
            if r.starts_with("terraform")
                || r.starts_with("pulumi")
                || r.contains("resourcemanagertemplatedeployment")
                || r.starts_with("azureresourcegroupdeployment") =>
        {
            None
        }
        _ => return None,
    };
    let (block, whole) = step_block(lines, at, column, &key)?;
    // The step's inputs (`with:`, `inputs:`): its keys further in, the
    // first of each name.
    // (A flow mapping, `with: {command: destroy}`, is read pair by pair.)
    let input = |name: &str| -> String {
        for l in block {
            let d = l.trim_start().trim_start_matches("- ");
            let flow = match (d.find('{'), d.rfind('}')) {
                (Some(a), Some(b)) if a < b && !d.contains("${") => d.get(a + 1..b),
                _ => None,
            };
            let flow = flow.map(|f| f.replace(['{', '}'], ","));
            let pairs = std::iter::once(d).chain(flow.iter().flat_map(|f| f.split(',')));
            for pair in pairs {
                if let Some((k, v)) = pair.split_once(':')
                    && k.trim().trim_matches(['"', '\'', '{']).eq_ignore_ascii_case(name)
                {
                    return clean(v.trim_end_matches('}'));
                }
            }
        }
        String::new()
    };
    let found: Vec<String> = match always {
        Some(t) => vec![t.to_owned()],
        // A step too long to read destroys (fail closed).
        None if !whole => vec![format!("{key} {reference}")],
        None => {
            let by_command =
                |name: &str| if input("command") == "destroy" { vec![name.to_owned()] } else { Vec::new() };
            let complete = || {
                if input("deploymentmode") == "complete" { vec!["complete deployment".to_owned()] } else { Vec::new() }
            };
            match reference.as_str() {
                "hashicorp/tfc-workflows-github/actions/create-run" if input("is_destroy") == "true" => {
                    vec!["terraform destroy".to_owned()]
                }
                "pulumi/actions" => by_command("pulumi destroy"),
                "azure/arm-deploy" => complete(),
                r if r.starts_with("docker://") => {
                    // (`args: ["destroy", "-auto-approve"]` too.)
                    let args = input("args").replace(['[', ']', ',', '"', '\''], " ");
                    let entrypoint = input("entrypoint");
                    // The image of a tool runs it with the arguments; any
                    // other image (`docker://redis:7`), its entrypoint or
                    // the command its arguments name (red team 13:
                    // `args: redis-cli ... FLUSHALL` read nothing).
                    let command = match known_tool(r.trim_start_matches("docker://")) {
                        Some(tool) => format!("{tool} {args}"),
                        None if !entrypoint.is_empty() => format!("{entrypoint} {args}"),
                        None => args,
                    };
                    commands_destroy(&command, Some(""))
                }
                r if key == "task" && r.starts_with("terraform") => by_command("terraform destroy"),
                r if key == "task" && r.starts_with("pulumi") => by_command("pulumi destroy"),
                _ if key == "task" => complete(),
                _ => Vec::new(),
            }
        }
    };
    // A step's own inputs may name a short-lived environment
    // (`workspace: ${{ github.head_ref }}`, `stack-name: org/preview`).
    let short = whole
        && ((0..block.len()).any(|k| job_marks_short_lived(block, k))
            || ["stack-name", "stack", "workspace", "environment", "resourcegroupname", "resource-group"]
                .iter()
                .any(|k| short_lived(&input(k))));
    Some(if short { Vec::new() } else { found.iter().map(|t| clip_kind(t)).filter(|t| !t.is_empty()).collect() })
}

/// Whether `path` is read as a CI or CD definition: one by the default
/// rules ([`blastgate_change::classify::is_ci_definition`]), or a YAML
/// file that Google Cloud Build, Tekton or Argo Workflows runs by where it
/// is kept: named `cloudbuild*` (`cloudbuild-teardown.yaml`,
/// `cloudbuild.prod.yaml`), or under a folder named `cloudbuild`,
/// `tekton`, `.tekton`, `argo`, `argo-workflows` or `workflows` (a red
/// team's configs there were never read).
///
/// ```
/// use blastgate_ingest::git::is_pipeline;
/// assert!(is_pipeline("build/cloudbuild/deploy.yaml"));
/// assert!(is_pipeline("ci/tekton/deploy-task.yaml"));
/// assert!(is_pipeline("cloudbuild.prod.yaml"));
/// assert!(!is_pipeline("deploy/values.yaml"));
/// ```
pub fn is_pipeline(path: &str) -> bool {
    if blastgate_change::classify::is_ci_definition(path) {
        return true;
    }
    let lower = path.to_ascii_lowercase();
    if !(lower.ends_with(".yml") || lower.ends_with(".yaml")) {
        return false;
    }
    let mut segments = lower.rsplit('/');
    let name = segments.next().unwrap_or_default();
    name.starts_with("cloudbuild")
        || segments.any(|f| matches!(f, "cloudbuild" | "tekton" | ".tekton" | "argo" | "argo-workflows" | "workflows"))
}

/// What the container step whose image is named on line `at` (by `key`,
/// `name` or `image`, its keys at `column`) destroys, as the command line
/// it runs: its `command:` or `entrypoint:`, else the tool its image is
/// (`gcr.io/cloud-builders/gcloud`, `hashicorp/terraform:1.9`; an image of
/// no tool read runs its `args:` as the command, as `ubuntu` does), then
/// its `args:`; a shell given `-c` runs the lines of its script. Lists are
/// read in flow style (`args: ['sql', 'instances', 'delete', 'orders']`,
/// over several lines too) or as items below (a block scalar item, `- |`,
/// is its lines). A Kubernetes container's lifecycle hooks (`lifecycle:`
/// `postStart:` or `preStop:` with `exec:` `command:`) and its probes'
/// (`livenessProbe:`, `readinessProbe:`, `startupProbe:` with `exec:`
/// `command:`) are read as commands it runs too. `None` for a step that states neither a command,
/// arguments nor a hook's command, a `name:` that labels a step with an
/// `image:` (Tekton), or one with spaces (a step's title).
///
/// Written by hand: no kept crate reads a CI system's step as the
/// command line it runs, and a YAML parser would lose the line numbers
/// the step's reading is built on.
fn container_step(
    lines: &[&str],
    at: usize,
    column: usize,
    key: &str,
    image: &str,
    template: Option<&str>,
) -> Option<Vec<String>> {
    let (block, whole) = step_block(lines, at, column, key)?;
    if key == "name" && step_list(block, column, "image").is_some() {
        return None;
    }
    // (In a Tekton task with a `stepTemplate:`, `name:` is a step's name
    // and the template's image runs it; Cloud Build has no templates.)
    let image = match template {
        Some(template) if key == "name" => template,
        _ => image,
    };
    // (A templated image, `"{{ .Values.image.repository }}:{{
    // .Values.image.tag }}"` as `helm create` writes it, names no tool: its
    // blanks are the template's, not a step title's. A red team's miss: a
    // Helm hook Job's command went unread.)
    let untemplated = without_templates(image);
    let image = untemplated.as_str();
    if image.is_empty() || image.contains(char::is_whitespace) {
        return None;
    }
    let command = step_list(block, column, "command").or_else(|| step_list(block, column, "entrypoint"));
    let args = step_list(block, column, "args");
    let hooks = lifecycle_hooks(block, column);
    if command.is_none() && args.is_none() && hooks.is_empty() {
        return None;
    }
    let folder =
        ["dir", "workingdir"].iter().find_map(|k| step_list(block, column, k).and_then(|v| v.into_iter().next()));
    let env = step_settings(block, column, "env");
    // (A Kubernetes container's lifecycle hooks run their commands in it,
    // as its own command runs: read so, with its settings.)
    let mut found = Vec::new();
    for hook in hooks {
        let step = ContainerStep { image, command: Some(hook), args: Vec::new(), env: env.clone(), folder: None };
        found.extend(step.destroys(whole));
    }
    if command.is_none() && args.is_none() {
        return Some(found);
    }
    let step = ContainerStep { image, command, args: args.unwrap_or_default(), env, folder };
    // (A step too long to read whole is read as far as it goes; its
    // settings then say nothing of its environment.)
    found.extend(step.destroys(whole));
    Some(found)
}

/// The commands of a Kubernetes container's lifecycle hooks (its keys at
/// `column` in `block`): `lifecycle:` then `postStart:` or `preStop:`,
/// then `exec:` and its `command:` (a red team: a `dropdb` in a
/// `postStart` hook ran unread). A hook of another kind (`httpGet:`,
/// `sleep:`) runs no command.
///
/// Its probes run commands in it too, over and over: the `command:` of
/// `livenessProbe:`, `readinessProbe:` or `startupProbe:` `exec:` (a
/// red team: a `dropdb` in a liveness probe ran unread); an `httpGet:`,
/// `tcpSocket:` or `grpc:` probe runs none.
fn lifecycle_hooks(block: &[&str], column: usize) -> Vec<Vec<String>> {
    let exec = |block: &[&str], at: usize| -> Option<Vec<String>> {
        let (exec, at) = keyed_block(block, at, "exec")?;
        step_list(exec, at, "command")
    };
    let hooks = keyed_block(block, column, "lifecycle").into_iter().flat_map(|(lifecycle, at)| {
        ["poststart", "prestop"].into_iter().filter_map(move |hook| {
            let (hook, at) = keyed_block(lifecycle, at, hook)?;
            exec(hook, at)
        })
    });
    let probes = ["livenessprobe", "readinessprobe", "startupprobe"].into_iter().filter_map(|probe| {
        let (probe, at) = keyed_block(block, column, probe)?;
        exec(probe, at)
    });
    hooks.chain(probes).collect()
}

/// The lines under the key `name` at `column` in `block` (those further
/// in than it, to the first line that is not), and the column of their
/// keys; `None` when no such key holds lines.
fn keyed_block<'a>(block: &'a [&'a str], column: usize, name: &str) -> Option<(&'a [&'a str], usize)> {
    let indent = |l: &str| l.len() - l.trim_start().len();
    let at = block.iter().position(|l| {
        let d = l.trim_start().trim_start_matches("- ");
        l.len() - d.len() == column
            && d.split_once(':').is_some_and(|(k, _)| k.trim().trim_matches(['"', '\'']).eq_ignore_ascii_case(name))
    })?;
    let rest = block.get(at + 1..)?;
    let meaningful = |l: &&str| !l.trim().is_empty() && !l.trim_start().starts_with('#');
    let end = rest.iter().position(|l| meaningful(l) && indent(l) <= column).unwrap_or(rest.len());
    let lines = rest.get(..end)?;
    let first = lines.iter().find(|l| meaningful(l))?;
    let d = first.trim_start().trim_start_matches("- ");
    Some((lines, first.len() - d.len()))
}

/// `image` with each template expression (`{{ ... }}`, `${{ ... }}`)
/// written as the word `template`.
fn without_templates(image: &str) -> String {
    let mut out = String::with_capacity(image.len());
    let mut rest = image;
    while let Some(at) = rest.find("{{") {
        let Some(end) = rest.get(at..).and_then(|r| r.find("}}")) else { break };
        let before = rest.get(..at).unwrap_or_default();
        out.push_str(before.strip_suffix('$').unwrap_or(before));
        out.push_str("template");
        rest = rest.get(at + end + 2..).unwrap_or_default();
    }
    out.push_str(rest);
    out
}

/// The images of a file's Tekton step templates (`stepTemplate:` and the
/// `image:` under it), each with the line of its `stepTemplate:`.
fn step_templates(lines: &[&str]) -> Vec<(usize, String)> {
    let indent = |l: &str| l.len() - l.trim_start().len();
    let mut out = Vec::new();
    for (at, line) in lines.iter().enumerate() {
        let t = line.trim();
        if !t.trim_end_matches(':').trim_matches(['"', '\'']).eq_ignore_ascii_case("steptemplate") || !t.ends_with(':')
        {
            continue;
        }
        let below = lines
            .iter()
            .skip(at + 1)
            .take(MAX_STEP_LINES)
            .take_while(|l| l.trim().is_empty() || indent(l) > indent(line));
        let image = below.filter_map(|l| l.trim_start().strip_prefix("image:")).next();
        if let Some(image) = image {
            let image = image.split(" #").next().unwrap_or(image).trim().trim_matches(['"', '\'']).to_ascii_lowercase();
            out.push((at, image));
        }
    }
    out
}

/// The step template that applies to the step on line `at`: the last one
/// above it, or else the first below (see [`step_templates`]).
fn step_template(templates: &[(usize, String)], at: usize) -> Option<&str> {
    let above = templates.iter().rev().find(|(line, _)| *line < at);
    above.or(templates.first()).map(|(_, image)| image.as_str())
}

/// Images named for a command that [`destructive_commands`] reads though
/// it is no tool of [`TOOLS`](super::commands::TOOLS): package runners, whose scripts are called
/// by name, Docker, and database clients.
const BUILDER_COMMANDS: [&str; 8] = ["npm", "yarn", "pnpm", "bun", "docker", "psql", "mysql", "cqlsh"];

/// A container step as a CI system states it: its image, its command
/// (Tekton's `command:`, Cloud Build's `entrypoint:`), its arguments, its
/// environment and its working folder.
struct ContainerStep<'a> {
    image: &'a str,
    command: Option<Vec<String>>,
    args: Vec<String>,
    env: Vec<(String, String)>,
    folder: Option<String>,
}

impl ContainerStep<'_> {
    /// What the step destroys (see [`container_step`]); its settings are
    /// read for a short-lived environment only when `settled` (the whole
    /// step was read).
    fn destroys(self, settled: bool) -> Vec<String> {
        // (An image of a tool by another tag's name: `gcloud-slim`.)
        // (Also a builder of a runner or client whose commands are read
        // otherwise: `gcr.io/cloud-builders/npm` with `args: [run,
        // teardown]` runs `npm run teardown`.)
        let tool = known_tool(self.image)
            .or_else(|| {
                let name = tool_name(self.image);
                ["-slim", "-alpine", "-cli"].iter().find_map(|s| known_tool(name.strip_suffix(s)?))
            })
            .or_else(|| {
                let name = tool_name(self.image).to_ascii_lowercase();
                BUILDER_COMMANDS.iter().find(|c| **c == name).copied()
            });
        let mut words: Vec<String> = match self.command {
            Some(command) => command,
            None => tool.map(|t| vec![t.to_owned()]).unwrap_or_default(),
        };
        words.extend(self.args);
        words.retain(|w| !w.trim().is_empty());
        let shell = words.first().map(|w| tool_name(w).to_ascii_lowercase());
        let powershell = matches!(shell.as_deref(), Some("pwsh" | "powershell"));
        let posix = matches!(shell.as_deref(), Some("sh" | "bash" | "zsh" | "ash" | "dash"));
        // (`bash -c SCRIPT`, `sh -ec SCRIPT`, `pwsh -NoProfile -Command
        // SCRIPT`: a POSIX shell's short options holding `c`, PowerShell's
        // `-Command` or an abbreviation of it.)
        let script = (posix || powershell)
            .then(|| {
                words.iter().skip(1).position(|w| {
                    let option = w.trim_start_matches('-').to_ascii_lowercase();
                    let short = w.starts_with('-') && !w.starts_with("--") && !option.is_empty();
                    short
                        && if powershell {
                            "command".starts_with(&option)
                        } else {
                            option.chars().all(|c| c.is_ascii_alphabetic()) && option.contains('c')
                        }
                })
            })
            .flatten()
            .and_then(|i| words.get(i + 2));
        // The step's working folder (Cloud Build's `dir:`, Tekton's
        // `workingDir:`) places what it runs, and may name a short-lived
        // environment (`dir: infra/envs/dev`), as a `cd` does.
        let folder = self
            .folder
            .map(|d| {
                let d = d.strip_prefix("$(").and_then(|d| d.split_once(')')).map_or(d.as_str(), |(_, rest)| rest);
                d.trim_start_matches("/workspace").trim_matches('/').to_owned()
            })
            .filter(|d| !d.is_empty());
        let found = match script {
            Some(script) => script_text_destroys(script),
            None => {
                let line = words.join(" ");
                commands_destroy(&folder.as_ref().map_or(line.clone(), |d| format!("cd {d} && {line}")), Some(""))
            }
        };
        // A step whose own settings name a short-lived environment
        // (`env: ['TF_WORKSPACE=pr-$_PR_NUMBER']`, Tekton's `- name:
        // NAMESPACE` and `value: preview-...`), or whose folder does,
        // destroys nothing lasting. (Only its settings: a line of its
        // script that says `environment: dev` marks nothing.)
        let short = self.env.iter().any(|(name, value)| short_lived_setting(name, value))
            || folder.as_deref().is_some_and(short_lived);
        if settled && short {
            return Vec::new();
        }
        found.iter().map(|t| clip_kind(t)).filter(|t| !t.is_empty()).collect()
    }
}

/// What the steps of a Cloud Build config written in JSON destroy (`{"steps":
/// [{"name": IMAGE, "entrypoint": ..., "args": [...]}]}`), each type as
/// many times as steps destroy it; `None` for text that is no JSON object
/// with a `steps` list.
fn json_build_steps(text: &str) -> Option<BTreeMap<String, usize>> {
    let value: serde_json::Value = serde_json::from_str(text).ok()?;
    let steps = value.get("steps")?.as_array()?;
    let mut out = BTreeMap::new();
    for step in steps.iter().take(MAX_TASK_STEPS) {
        for kind in value_step_destroys(step).unwrap_or_default() {
            count_step(&mut out, &kind);
        }
    }
    Some(out)
}

/// What a Cloud Build step given as a value destroys (`{"name": IMAGE,
/// "entrypoint": ..., "args": [...], "env": [...], "dir": ..., "script":
/// ...}`, from JSON or a YAML flow mapping); `None` for a step that runs
/// no command of its own.
fn value_step_destroys(step: &serde_json::Value) -> Option<Vec<String>> {
    let strings = |v: Option<&serde_json::Value>| -> Option<Vec<String>> {
        match v? {
            serde_json::Value::String(s) => Some(vec![s.clone()]),
            serde_json::Value::Array(items) => {
                Some(items.iter().filter_map(|i| i.as_str().map(str::to_owned)).collect())
            }
            _ => None,
        }
    };
    let image = step.get("name").and_then(serde_json::Value::as_str)?;
    let command = strings(step.get("entrypoint"));
    let args = strings(step.get("args"));
    if let Some(script) = step.get("script").and_then(serde_json::Value::as_str) {
        return Some(script_text_destroys(script));
    }
    if command.is_none() && args.is_none() {
        return None;
    }
    let env = strings(step.get("env")).unwrap_or_default();
    let env = env.iter().filter_map(|e| e.split_once('=')).map(|(k, v)| (k.to_owned(), v.to_owned())).collect();
    let folder = step.get("dir").and_then(serde_json::Value::as_str).map(str::to_owned);
    let image = image.to_ascii_lowercase();
    Some(ContainerStep { image: &image, command, args: args.unwrap_or_default(), env, folder }.destroys(true))
}

/// Most steps of a JSON build config read.
const MAX_TASK_STEPS: usize = 10_000;

/// The settings under the step's key `name` (at `column`), as names and
/// values: list items `NAME=value` (Cloud Build), or `- name: NAME` with
/// `value: VALUE` (Tekton, Argo, Kubernetes), or a mapping's `NAME:
/// value` lines.
pub(super) fn step_settings(block: &[&str], column: usize, name: &str) -> Vec<(String, String)> {
    let indent = |l: &str| l.len() - l.trim_start().len();
    let Some(at) = block.iter().position(|l| {
        let d = l.trim_start().trim_start_matches("- ");
        l.len() - d.len() == column
            && d.split_once(':').is_some_and(|(k, _)| k.trim().trim_matches(['"', '\'']).eq_ignore_ascii_case(name))
    }) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    // (A flow list on the key's line: `env: ['A=1', 'B=2']`.)
    // (And a list's items below it: `- TF_WORKSPACE=pr-12`.)
    let items: Vec<String> = step_list(block, column, name).unwrap_or_default();
    let mut last_name = String::new();
    for l in block.iter().skip(at + 1).take_while(|l| l.trim().is_empty() || indent(l) > column) {
        let d = l.trim_start().trim_start_matches("- ").trim();
        match d.split_once(':') {
            Some((k, v)) if k.trim() == "name" => last_name = unquote_scalar(v.trim()),
            Some((k, v)) if k.trim() == "value" => out.push((std::mem::take(&mut last_name), unquote_scalar(v.trim()))),
            Some((k, v)) if !k.contains('=') => out.push((k.trim().to_owned(), unquote_scalar(v.trim()))),
            _ => {}
        }
    }
    for item in items {
        if let Some((k, v)) = item.split_once('=') {
            out.push((k.trim().to_owned(), v.trim().to_owned()));
        }
    }
    out
}

/// Whether an environment variable `name` set to `value` names a
/// short-lived workspace, namespace, stack, release or environment
/// (`TF_WORKSPACE=pr-12`).
fn short_lived_setting(name: &str, value: &str) -> bool {
    names_target(name) && short_lived(value)
}

/// Whether a setting's `name` names where a deployment goes: its last
/// word (or the one before a last `name`/`id`) a workspace, namespace,
/// stack, release or environment (`TF_WORKSPACE`, `KUBE_NAMESPACE`,
/// `stack-name`, `HELM_RELEASE`, `environment`). Not a setting that only
/// holds such a word (`RELEASE_CHANNEL`, `ENVIRONMENT_FILE`), nor an
/// error tracker's or monitor's label (`SENTRY_ENVIRONMENT: ci`), which
/// say nothing of what a command tears down.
fn names_target(name: &str) -> bool {
    let lower = name.trim().trim_matches(['"', '\'']).to_ascii_lowercase();
    let words: Vec<&str> = lower.split(['_', '-', '.']).filter(|w| !w.is_empty()).collect();
    let monitors = ["sentry", "dd", "datadog", "newrelic", "new", "bugsnag", "rollbar", "honeycomb", "otel", "elastic"];
    if words.first().is_some_and(|w| monitors.contains(w)) {
        return false;
    }
    let last = match words.as_slice() {
        [.., noun, "name" | "id"] => noun,
        [.., noun] => noun,
        [] => return false,
    };
    ["workspace", "namespace", "stack", "release", "environment"].iter().any(|n| last.ends_with(n))
}

/// What the lines of a script given as text (a shell's `-c` argument, an
/// Ansible `shell:` task) destroy, a line ending in `\` continuing on the
/// next.
pub(super) fn script_text_destroys(script: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut pending = String::new();
    for line in script.lines() {
        pending.push_str(line);
        match pending.trim_end().strip_suffix('\\') {
            Some(head) if pending.len() <= 4 * 4096 => pending = format!("{head} "),
            _ => out.extend(commands_destroy(&std::mem::take(&mut pending), Some(""))),
        }
    }
    out.extend(commands_destroy(&pending, Some("")));
    out
}

/// The value of the step's key `name` (at `column`) as a list of
/// strings: a flow list (`['-c', 'gcloud ...']`, its items unquoted, over
/// at most [`MAX_STEP_LINES`] lines and [`MAX_FLOW_BYTES`]), a block scalar (`|` or `>`: one
/// item), a plain scalar (one item), or the items of a list below it.
/// `None` when the step has no such key.
pub(super) fn step_list(block: &[&str], column: usize, name: &str) -> Option<Vec<String>> {
    let indent = |l: &str| l.len() - l.trim_start().len();
    let (at, value) = block.iter().enumerate().find_map(|(k, l)| {
        let d = l.trim_start().trim_start_matches("- ");
        let (key, value) = d.split_once(':')?;
        (l.len() - d.len() == column && key.trim().trim_matches(['"', '\'']).eq_ignore_ascii_case(name))
            .then(|| (k, value.trim()))
    })?;
    // (A quoted value ends at its closing quote: `state: "present"  #
    // set to absent to tear down` is `present`.)
    let value = match value.chars().next() {
        Some(q @ ('"' | '\'')) => {
            value.get(1..).and_then(|v| v.find(q)).and_then(|end| value.get(..end + 2)).unwrap_or(value)
        }
        Some('[') => value,
        // (`args:   # the teardown` is an empty value, its items below.)
        Some('#') => "",
        _ => value.split(" #").next().unwrap_or(value).trim(),
    };
    if value.starts_with('[') {
        // (Read once, the list ending where its bracket closes: at most
        // MAX_STEP_LINES lines and MAX_FLOW_BYTES, or not at all.)
        let mut text = value.to_owned();
        for l in block.iter().skip(at + 1).take(MAX_STEP_LINES) {
            if text.len() > MAX_FLOW_BYTES {
                break;
            }
            text.push(' ');
            text.push_str(l.trim());
        }
        return flow_list(text.get(..MAX_FLOW_BYTES).unwrap_or(&text));
    }
    if value.starts_with(['|', '>']) {
        return Some(vec![block_scalar(block.get(at + 1..).unwrap_or_default(), column, value.starts_with('>'))]);
    }
    if !value.is_empty() {
        return Some(vec![unquote_scalar(value)]);
    }
    let mut items = Vec::new();
    let mut k = at + 1;
    while let Some(l) = block.get(k) {
        k += 1;
        if l.trim().is_empty() || l.trim_start().starts_with('#') {
            continue;
        }
        let d = l.trim_start();
        let item_indent = indent(l);
        if item_indent < column || (item_indent == column && !d.starts_with('-')) {
            break;
        }
        let Some(item) = d.strip_prefix('-').filter(|i| i.is_empty() || i.starts_with(' ')) else { continue };
        let item = item.trim();
        if item.starts_with(['|', '>']) {
            let rest = block.get(k..).unwrap_or_default();
            let lines = rest.iter().take_while(|l| l.trim().is_empty() || indent(l) > item_indent).count();
            items.push(block_scalar(rest.get(..lines).unwrap_or_default(), item_indent, item.starts_with('>')));
            k += lines;
        } else {
            items.push(unquote_scalar(item));
        }
    }
    Some(items)
}

/// Most bytes of a step's flow list read (`args: [...]` over lines).
const MAX_FLOW_BYTES: usize = 64 * 1024;

/// The lines of a block scalar (those further in than `column`), each
/// trimmed, joined by line breaks (`|`) or spaces (`>`).
fn block_scalar(lines: &[&str], column: usize, folded: bool) -> String {
    let indent = |l: &str| l.len() - l.trim_start().len();
    let body: Vec<&str> =
        lines.iter().take_while(|l| l.trim().is_empty() || indent(l) > column).map(|l| l.trim()).collect();
    body.join(if folded { " " } else { "\n" })
}

/// The items of a YAML flow list (`['a', "b", c]`), unquoted, or `None`
/// when the list is not closed.
pub(super) fn flow_list(text: &str) -> Option<Vec<String>> {
    let mut items = Vec::new();
    let mut item = String::new();
    let mut chars = text.trim_start().strip_prefix('[')?.chars().peekable();
    let mut quote: Option<char> = None;
    let mut depth = 0usize;
    while let Some(c) = chars.next() {
        match (quote, c) {
            (Some('\''), '\'') if chars.peek() == Some(&'\'') => {
                chars.next();
                item.push('\'');
            }
            (Some('"'), '\\') => {
                if let Some(n) = chars.next() {
                    item.push(if n == 'n' { '\n' } else { n });
                }
            }
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => item.push(c),
            (None, '"' | '\'') => quote = Some(c),
            (None, '[' | '{') => {
                depth += 1;
                item.push(c);
            }
            (None, ']' | '}') if depth > 0 => {
                depth -= 1;
                item.push(c);
            }
            (None, ']') => {
                items.push(item.trim().to_owned());
                items.retain(|i: &String| !i.is_empty());
                return Some(items);
            }
            (None, ',') if depth == 0 => items.push(std::mem::take(&mut item).trim().to_owned()),
            (None, c) => item.push(c),
        }
    }
    None
}

/// A YAML scalar without its quotes (`'it''s'` is `it's`).
pub(super) fn unquote_scalar(value: &str) -> String {
    let v = value.trim();
    if let Some(inner) = v.strip_prefix('\'').and_then(|v| v.strip_suffix('\'')) {
        return inner.replace("''", "'");
    }
    if let Some(inner) = v.strip_prefix('"').and_then(|v| v.strip_suffix('"')) {
        return inner.replace("\\\"", "\"");
    }
    v.to_owned()
}

/// The lines of the step whose key `key` is on line `at`, its keys at
/// `column`: from its list item (or its first key) to the first line less
/// far in than its keys, at most [`MAX_STEP_LINES`] each way, and whether
/// both ends were found. `None` when a line above holds the same key at
/// the same column: that line's step, read already.
pub(super) fn step_block<'a>(
    lines: &'a [&'a str],
    at: usize,
    column: usize,
    key: &str,
) -> Option<(&'a [&'a str], bool)> {
    let indent = |l: &str| l.len() - l.trim_start().len();
    let t = lines.get(at)?.trim_start();
    let meaningful = |l: &&str| !l.trim().is_empty() && !l.trim_start().starts_with('#');
    // The step: from its list item (or its first key) to the first line
    // less far in than its keys, at most MAX_STEP_LINES each way.
    let mut start = at;
    let mut found_start = t.starts_with("- ");
    if !found_start {
        for j in (at.saturating_sub(MAX_STEP_LINES)..at).rev() {
            let Some(l) = lines.get(j).filter(|l| meaningful(l)) else { continue };
            if indent(l) + 2 == column && l.trim_start().starts_with("- ") {
                (start, found_start) = (j, true);
                break;
            }
            if indent(l) < column {
                (start, found_start) = (j + 1, true);
                break;
            }
            // The same key again in one step is that step, read already.
            let sibling = l.trim_start().split_once(':').map(|(k, _)| k.trim().to_ascii_lowercase());
            if indent(l) == column && sibling.as_deref() == Some(key) {
                return None;
            }
            start = j;
        }
        found_start |= start == 0;
    }
    let last = lines.len().min(at + 1 + MAX_STEP_LINES);
    let end = (at + 1..last).find(|&j| lines.get(j).filter(|l| meaningful(l)).is_some_and(|l| indent(l) < column));
    let whole = found_start && (end.is_some() || last == lines.len());
    let block = lines.get(start..end.unwrap_or(last)).unwrap_or_default();
    Some((block, whole))
}

/// Whether a GitHub Actions workflow runs only to clean up after a pull
/// request or a branch: its `on:` triggers are only a pull request
/// closed (`pull_request` or `pull_request_target` with `types:
/// [closed]`) or a branch deleted (`delete`). What it destroys is that
/// pull request's or branch's.
fn cleanup_workflow(lines: &[&str]) -> bool {
    let Some(at) = lines.iter().position(|l| {
        let t = l.trim_end();
        matches!(t, "on:" | "\"on\":" | "'on':") || t.starts_with("on: ") || t.starts_with("\"on\": ")
    }) else {
        return false;
    };
    let head = lines.get(at).map_or("", |l| l.trim_end());
    let inline = head.split_once(':').map_or("", |(_, v)| v).trim();
    let body: Vec<&str> = lines
        .get(at + 1..)
        .unwrap_or_default()
        .iter()
        .take_while(|l| l.trim().is_empty() || l.starts_with([' ', '\t']))
        .copied()
        .collect();
    let text = format!("{inline} {}", body.join(" ")).to_ascii_lowercase();
    // The triggers: the inline value's words, or the keys least far in.
    let least = body.iter().filter(|l| !l.trim().is_empty()).map(|l| l.len() - l.trim_start().len()).min();
    let triggers: Vec<String> = if inline.is_empty() {
        body.iter()
            .filter(|l| Some(l.len() - l.trim_start().len()) == least)
            .map(|l| {
                l.trim().trim_start_matches("- ").split(':').next().unwrap_or_default().trim().to_ascii_lowercase()
            })
            .collect()
    } else {
        let words = inline.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'));
        words
            .filter(|w| {
                matches!(
                    *w,
                    "pull_request"
                        | "pull_request_target"
                        | "delete"
                        | "push"
                        | "workflow_dispatch"
                        | "schedule"
                        | "workflow_run"
                        | "release"
                        | "workflow_call"
                )
            })
            .map(str::to_owned)
            .collect()
    };
    let cleanup = |t: &String| matches!(t.as_str(), "pull_request" | "pull_request_target" | "delete");
    let closed_only =
        text.contains("closed") && !["opened", "synchronize", "reopened", "edited"].iter().any(|w| text.contains(w));
    !triggers.is_empty() && triggers.iter().all(cleanup) && (triggers.iter().all(|t| t == "delete") || closed_only)
}

/// Whether a line of a CI job's settings points a framework at a test or
/// local database: a `*_ENV` setting naming a short-lived environment
/// (`RAILS_ENV: test`, `MIX_ENV: test`), or a database's address on
/// this machine (`DATABASE_URL: postgres://postgres@localhost/app`,
/// `127.0.0.1`).
fn test_database(line: &str) -> bool {
    let t = line.trim_start().trim_start_matches("- ").trim_start();
    let Some((key, value)) = t.split_once(':') else { return false };
    let key = key.trim().trim_matches(['"', '\'']).to_ascii_lowercase();
    let value = value.trim();
    let address = ["database_url", "db_host", "database_host", "pghost", "mysql_host", "db_url"];
    // A CI service container's name (`DB_HOST: mysql`,
    // `postgres://u:p@postgres:5432/app`) is a database of the job's own.
    let unquoted = value.trim_matches(['"', '\'']);
    let authority = unquoted.split_once("://").map_or(unquoted, |(_, rest)| rest);
    let host = authority.rsplit('@').next().unwrap_or(authority);
    let host = host.split([':', '/']).next().unwrap_or(host).to_ascii_lowercase();
    let container = matches!(
        host.as_str(),
        "mysql" | "postgres" | "postgresql" | "mariadb" | "db" | "database" | "mongo" | "mongodb" | "redis"
    );
    (key.ends_with("_env") && short_lived(value))
        || (key.contains("settings_module") && short_lived(value))
        || (address.iter().any(|a| key.contains(a)) && (short_lived(value) || value.contains("127.0.0.1") || container))
}

/// Whether a line of a CI job marks it as a short-lived environment's
/// (see [`pipeline_destroys`]).
fn job_marks_short_lived(block: &[&str], k: usize) -> bool {
    let Some(line) = block.get(k) else { return false };
    let t = line.trim_start().trim_start_matches("- ").trim_start();
    let Some((key, value)) = t.split_once(':') else { return false };
    let key = key.trim().trim_matches(['"', '\'']).to_ascii_lowercase();
    let value = value.trim();
    match key.as_str() {
        "if" | "when" | "rules" => {
            let lower = value.to_ascii_lowercase();
            // A condition that excludes them (`github.event_name !=
            // 'pull_request'`, `!contains(...)`) marks nothing.
            let excludes =
                lower.contains("!=") || lower.trim_start_matches(['"', '\'', '$', '{', ' ']).starts_with('!');
            !excludes && (short_lived(value) || (lower.contains("closed") && lower.contains("action")))
        }
        "environment" | "on_stop" => short_lived(value),
        // An environment's name, address or action, by a CI expression
        // for a pull request or branch (`name: review/$CI_COMMIT_REF_SLUG`)
        // or a short-lived word; the same keys elsewhere (a step's name, an
        // artifact's, a parameter's `- name: BUILD_ID`) say what they like.
        "name" | "url" | "action" => {
            (short_lived(value) || SHORT_LIVED_EXPRESSIONS.iter().any(|e| value.to_ascii_lowercase().contains(e)))
                && parent_key(block, k).is_some_and(|p| p.eq_ignore_ascii_case("environment"))
        }
        _ => short_lived_setting(&key, value),
    }
}

/// The key of the mapping that holds line `k` of `block`: the nearest
/// line above it indented less (`environment` for `name:` in
/// `environment:\n  name: review/x`), its `- ` and quotes dropped;
/// looked for over at most [`MAX_STEP_LINES`] lines above, so that a
/// file of many such lines is read in linear time.
fn parent_key<'a>(block: &[&'a str], k: usize) -> Option<&'a str> {
    let indent = |l: &str| l.len() - l.trim_start().len();
    let line = block.get(k)?;
    let at = line.len() - line.trim_start().trim_start_matches("- ").len();
    let above = block.get(k.saturating_sub(MAX_STEP_LINES)..k)?;
    let parent = above.iter().rev().find(|l| !l.trim().is_empty() && indent(l) < at)?;
    let key = parent.trim_start().trim_start_matches("- ").split_once(':')?.0;
    Some(key.trim().trim_matches(['"', '\'']))
}

/// Words that mark what a command names as a short-lived or local
/// environment (see [`destructive_commands`]).
pub(super) const SHORT_LIVED: [&str; 28] = [
    "rspec",
    "pytest",
    "phpunit",
    "preview",
    "previews",
    "ephemeral",
    "pr",
    "pull",
    "review",
    "test",
    "tests",
    "testing",
    "e2e",
    "ci",
    "tmp",
    "temp",
    "sandbox",
    "iid",
    "example",
    "examples",
    "dev",
    "local",
    "localhost",
    "kind",
    "minikube",
    "k3d",
    "mr",
    "development",
];

/// Expressions of a CI system that name a pull request, a branch or a run
/// (`${{ github.event.number }}`, `$CI_MERGE_REQUEST_IID`): a resource
/// named by one is that pull request's, branch's or run's.
pub(super) const SHORT_LIVED_EXPRESSIONS: [&str; 15] = [
    "event.number",
    "pull_request",
    "head_ref",
    "run_id",
    "run_number",
    "ci_merge_request",
    "ci_commit_ref",
    "ci_pipeline_id",
    "ci_job_id",
    "change_id",
    "build_number",
    "build_id",
    "branch_name",
    // (Google Cloud Build's triggers: `$_PR_NUMBER`, `$_HEAD_BRANCH`.)
    "_pr_number",
    "_head_branch",
];

/// YAML keys whose values describe a step rather than run it.
pub(super) const TEXT_KEYS: [&str; 7] = ["name:", "description:", "title:", "help:", "summary:", "message:", "echo:"];

/// Words that may come before a command without being one (`run:`,
/// `sudo`, `retry 3`, `env X=1`, `npx`, `then`).
pub(super) const PREFIXES: [&str; 66] = [
    "-",
    "run:",
    "script:",
    "command:",
    "cmd:",
    "sh",
    "bash",
    "zsh",
    "sudo",
    "time",
    "exec",
    // (`builtin command dropdb`, `coproc dropdb`: a red team's misses.)
    "builtin",
    "coproc",
    // (`eval $CMD`: its words, unquoted, are the command it runs.)
    "eval",
    "nohup",
    "env",
    "retry",
    "npx",
    "bunx",
    "yarn",
    "pnpm",
    "dlx",
    "timeout",
    "command",
    "xargs",
    "nice",
    "then",
    "bun",
    "npm",
    "bundle",
    "inlineScript:",
    "bash:",
    "pwsh:",
    "powershell:",
    "sh:",
    "poetry",
    "pipenv",
    "uv",
    // Shell control words before a command (`while ! npx prisma ...`).
    "if",
    "while",
    "until",
    "!",
    "do",
    "else",
    "elif",
    // A group (`{ terraform destroy; }`) and wrappers that run the
    // command after them (red team 13).
    "{",
    "stdbuf",
    "watch",
    "parallel",
    "doas",
    // Wrappers that run the command after them as another user, under a
    // lock, a scheduler class, a namespace or a root (a red team's
    // misses: `gosu postgres dropdb orders`); their own argument is read
    // by `command_at_start`.
    "gosu",
    "su-exec",
    "runuser",
    "s6-setuidgid",
    "chpst",
    "setpriv",
    "flock",
    "chroot",
    "ionice",
    "systemd-run",
    "nsenter",
    "setsid",
    "tini",
    "dumb-init",
    "unbuffer",
    "chronic",
];

/// Whether a YAML text holds Kubernetes objects whose containers run
/// commands of their own: a line at its top level that starts with
/// `apiVersion:` and one that starts with `kind:` (a Helm template's
/// too), and a `command:` or `args:` key. Their containers' commands run
/// when they are applied, and [`pipeline_steps_destroy`] reads them as
/// steps.
///
/// ```
/// use blastgate_ingest::git::declares_kubernetes_objects;
/// assert!(declares_kubernetes_objects(b"apiVersion: batch/v1\nkind: Job\nspec:\n  command: [psql]\n"));
/// assert!(!declares_kubernetes_objects(b"apiVersion: apps/v1\nkind: Deployment\n"));
/// assert!(!declares_kubernetes_objects(b"services:\n  web:\n    image: nginx\n"));
/// ```
pub fn declares_kubernetes_objects(text: &[u8]) -> bool {
    // (A container runs a command of its own only with `command:` or
    // `args:`; without, its image's default, which the step reader counts
    // nothing for: such texts are not read, which keeps a release train's
    // manifests cheap.)
    let runs = text.windows(8).any(|w| w == b"command:" || w.starts_with(b"args:"));
    let starts = |key: &[u8]| text.split(|&b| b == b'\n').any(|line| line.starts_with(key));
    runs && starts(b"apiVersion:") && starts(b"kind:")
}
