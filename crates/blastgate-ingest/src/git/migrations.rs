//! Database migrations: whether a migration's text or a schema file's change
//! destroys data, and which migrations are down migrations.

use std::collections::{BTreeMap, BTreeSet};

use super::commands::{collapse, destroys, uncomment};
use super::{changed_texts, for_each_patch_line_of};

/// The most added text of one migration read (1 MiB). A migration whose
/// added lines pass it is not read whole, and counts as destroying data
/// (fail closed: a statement after a 1.1 MB comment passed unseen, a
/// gaming audit).
pub const MAX_MIGRATION_TEXT: usize = 1 << 20;

/// Words and operations that destroy data for good wherever they appear in
/// a migration's added text (lower case, blanks collapsed): SQL's, with
/// its comments read as blanks too, and those of the migration tools that
/// write it (Django, Rails, Liquibase, Alembic, Sequelize, Knex, Laravel,
/// Entity Framework, MongoDB).
pub(super) const DESTRUCTIVE_STATEMENTS: [&str; 21] = [
    "create or replace table",
    "insert overwrite",
    "replace into",
    "sp_executesql",
    "drop table",
    "drop column",
    "drop schema",
    "drop database",
    "drop collection",
    "delete from",
    // Liquibase's `<delete tableName=...>` and `<update tableName=...>`
    // changes, as SQL's DELETE and UPDATE (red team 12).
    "<delete ",
    "<update ",
    "op.drop_",
    "schema::drop",
    "::drop(",
    ".drop(",
    "$unset",
    // MySQL's BLACKHOLE engine discards every row a table held (red team
    // 11), in any spacing.
    "engine=blackhole",
    "engine = blackhole",
    "engine= blackhole",
    "engine =blackhole",
];

/// Identifiers that name a destructive operation of a migration tool, as
/// a whole identifier or its start (`dropTableIfExists`, `remove_columns`).
pub(super) const DESTRUCTIVE_CALLS: [&str; 47] = [
    // Laravel's `Schema::dropAllTables()`, TypeORM's and Knex's
    // `dropSchema`.
    "dropall",
    "dropschema",
    "delete_all",
    "destroy_all",
    "update_all",
    "drop_if_exists",
    "updatemany",
    "deleteone",
    "removefield",
    "deletemodel",
    "remove_column",
    "remove_reference",
    "remove_belongs_to",
    "remove_timestamps",
    "removecolumn",
    "drop_table",
    "drop_column",
    "drop_join_table",
    "droptable",
    "dropcolumn",
    "dropdatabase",
    "dropifexists",
    "dropcollection",
    "deletemany",
    "bulkdelete",
    // TypeORM's `queryRunner.clearTable`, Sequelize's `bulkUpdate` (red
    // team 12).
    "cleartable",
    "bulkupdate",
    // A red team's misses: Rails' `delete_by`, `destroy_by`,
    // `truncate_tables` and `update_columns`; Django's `bulk_update` and
    // `_raw_delete`; Ecto's `remove_if_exists`; Entity Framework's
    // `DeleteData` and `UpdateData`; Laravel's and Knex's columns dropped
    // by a helper (`dropSoftDeletes`, `dropTimestamps`, `dropMorphs`,
    // `dropRememberToken`, `dropConstrainedForeignId`); SQLAlchemy's
    // `metadata.drop_all`; Liquibase's `modifyDataType`, `mergeColumns`
    // and `loadUpdateData`; PostgreSQL's `lo_unlink`.
    "delete_by",
    "destroy_by",
    "truncate_tables",
    "update_column",
    "bulk_update",
    "_raw_delete",
    "remove_if_exists",
    "deletedata",
    "updatedata",
    "dropsoftdeletes",
    "droptimestamps",
    "dropmorphs",
    "dropnullablemorphs",
    "dropremembertoken",
    "dropconstrainedforeignid",
    "drop_all",
    "modifydatatype",
    "mergecolumns",
    "loadupdatedata",
    "lo_unlink",
];

/// Whether `path` is a declarative schema, a file its tool makes the
/// database match (Atlas's `schema apply`, sqldef, Prisma's `db push`): a
/// `.sql` file named `schema.sql` or ending in `.schema.sql` or
/// `_schema.sql`, or under a folder named `schema` or `schemas`, and a
/// `.prisma` file. Not Rails' `structure.sql`, a dump its migrations
/// write, and never under documentation, tests or examples (the caller
/// also leaves out what reads as a migration).
///
/// ```
/// use blastgate_ingest::git::is_declarative_schema;
/// assert!(is_declarative_schema("db/schema.sql") && is_declarative_schema("prisma/schema.prisma"));
/// assert!(is_declarative_schema("schemas/orders.sql"));
/// assert!(!is_declarative_schema("db/structure.sql") && !is_declarative_schema("src/orders.sql"));
/// ```
pub fn is_declarative_schema(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    let mut segments = lower.rsplit('/');
    let name = segments.next().unwrap_or_default();
    let folders: Vec<&str> = segments.collect();
    if folders.iter().any(|f| matches!(*f, "docs" | "doc" | "test" | "tests" | "spec" | "examples" | "example")) {
        return false;
    }
    if name.ends_with(".prisma") {
        return true;
    }
    name.ends_with(".sql")
        && (name == "schema.sql"
            || name.ends_with(".schema.sql")
            || name.ends_with("_schema.sql")
            || folders.iter().any(|f| matches!(*f, "schema" | "schemas")))
}

/// SQL's and Prisma's column types (lower case), by which a line of a
/// table's body reads as a column (`total numeric(12, 2) not null`,
/// `total Decimal`).
const COLUMN_TYPES: &[&str] = &[
    "int",
    "integer",
    "smallint",
    "bigint",
    "tinyint",
    "mediumint",
    "serial",
    "bigserial",
    "smallserial",
    "text",
    "varchar",
    "char",
    "character",
    "nvarchar",
    "nchar",
    "citext",
    "boolean",
    "bool",
    "bit",
    "timestamp",
    "timestamptz",
    "date",
    "time",
    "timetz",
    "datetime",
    "datetime2",
    "interval",
    "numeric",
    "decimal",
    "real",
    "double",
    "float",
    "money",
    "uuid",
    "json",
    "jsonb",
    "xml",
    "bytea",
    "blob",
    "longblob",
    "mediumblob",
    "tinytext",
    "mediumtext",
    "longtext",
    "binary",
    "varbinary",
    "enum",
    "inet",
    "cidr",
    "macaddr",
    "geometry",
    "geography",
    "tsvector",
    "string",
    "bytes",
];

/// What a line of a declarative schema declares: a table (`CREATE TABLE
/// [IF NOT EXISTS] name`, Prisma's `model Name {`), as `(true, name)`, or
/// a column (an identifier followed by a column type), as `(false,
/// name)`; names in lower case, without quotes.
fn schema_declaration(line: &str) -> Option<(bool, String)> {
    let lower = line.trim().to_ascii_lowercase();
    let unquote = |w: &str| w.trim_matches(|c| matches!(c, '"' | '`' | '[' | ']' | '(' | ',')).to_owned();
    let words: Vec<&str> = lower.split_whitespace().collect();
    match words.as_slice() {
        ["create", rest @ ..] => {
            let rest: Vec<&str> =
                rest.iter().copied().skip_while(|w| matches!(*w, "unlogged" | "or" | "replace")).collect();
            let ["table", rest @ ..] = rest.as_slice() else { return None };
            let name = match rest {
                ["if", "not", "exists", name, ..] | [name, ..] => unquote(name),
                [] => return None,
            };
            let name = name.split('(').next().unwrap_or_default().to_owned();
            (!name.is_empty()).then_some((true, name))
        }
        ["model", name, ..] => Some((true, unquote(name))),
        [name, kind, ..] => {
            let name = unquote(name);
            let keyword = matches!(
                name.as_str(),
                "constraint"
                    | "primary"
                    | "unique"
                    | "key"
                    | "index"
                    | "foreign"
                    | "check"
                    | "exclude"
                    | "alter"
                    | "drop"
                    | "insert"
                    | "comment"
                    | "grant"
                    | "revoke"
                    | "create"
                    | "set"
                    | "select"
                    | "update"
                    | "delete"
                    | "values"
                    | "references"
                    | "partition"
                    | "fulltext"
                    | "spatial"
                    | "period"
            );
            let kind = kind.split(['(', '[', '?', ',']).next().unwrap_or_default();
            let valid = !name.is_empty() && name.chars().all(|c| c.is_alphanumeric() || matches!(c, '_' | '$'));
            (valid && !keyword && COLUMN_TYPES.contains(&kind)).then_some((false, name))
        }
        _ => None,
    }
}

/// The declarative schema files (`is_schema`, see
/// [`is_declarative_schema`]) of a `git diff -p` output that take out a
/// table (`CREATE TABLE orders`, Prisma's `model Order`) or a column (a
/// line `total numeric` of a table's body) that no schema file of the
/// change puts back: the tool that applies them drops it, and its data
/// (red team 11: a table deleted from Atlas's `schema.sql` was `auto`).
/// Sorted. A table or column moved between files, or a column's type
/// changed (`total int` made `total bigint`), takes nothing out. Columns
/// are matched by name alone (the patch's lines do not say which table
/// they belong to): a column taken out of one table and one of the same
/// name put into another cancel.
///
/// ```
/// use blastgate_ingest::git::declarative_schema_drops;
/// let patch = b"diff --git a/db/schema.sql b/db/schema.sql\n--- a/db/schema.sql\n+++ b/db/schema.sql\n@@ -1,3 +0,0 @@\n-CREATE TABLE ledger (\n-  id bigint primary key\n-);\n@@ -9 +6 @@\n-  total int,\n+  total bigint,\n";
/// assert_eq!(declarative_schema_drops(patch, |p| p.ends_with("schema.sql")), ["db/schema.sql"]);
/// ```
pub fn declarative_schema_drops(patch: &[u8], is_schema: impl Fn(&str) -> bool) -> Vec<String> {
    let texts = changed_texts(patch, is_schema);
    let mut put: BTreeSet<(bool, String)> = BTreeSet::new();
    let mut taken: Vec<(&str, (bool, String))> = Vec::new();
    for (path, (removed, added)) in &texts {
        for line in String::from_utf8_lossy(added).lines() {
            put.extend(schema_declaration(line));
        }
        for line in String::from_utf8_lossy(removed).lines() {
            taken.extend(schema_declaration(line).map(|d| (path.as_str(), d)));
        }
    }
    let mut out: Vec<String> =
        taken.into_iter().filter(|(_, d)| !put.contains(d)).map(|(path, _)| path.to_owned()).collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// The files of a `git diff -p` output whose added lines hold a statement
/// that destroys data for good (`DROP TABLE`, `DROP COLUMN`, `ALTER TABLE t
/// DROP c`, `TRUNCATE`, `DELETE FROM t`, `DELETE t`, `UPDATE t SET`, a
/// Django `RemoveField`, a Rails `remove_column` or `t.remove :c`, a
/// Sequelize `removeColumn`, a MongoDB `.drop()`, ...), among those
/// `is_migration` says are schema migrations; sorted. A file's added lines
/// are read as one text (lower case, blanks collapsed), so a statement
/// written over several lines is found, and read twice: as written, and
/// with comments (`/* */`, `--`, `#`, `//` to the line's end) read as
/// blanks, so `DROP/**/TABLE` is found too. Also listed, since what they
/// do is not read: a migration that is a symbolic link (the migration tool
/// runs the file it points to), and one whose added text passes
/// [`MAX_MIGRATION_TEXT`]. Such a change cannot be reverted without loss:
/// the git reader states `safety.reversible: false` for it.
///
/// `ON DELETE` and `ON UPDATE` (a foreign key's rule) are not statements.
/// The list errs towards finding more: a backfill (`UPDATE t SET`) counts,
/// since the values it overwrites are gone.
///
/// ```
/// use blastgate_ingest::git::destructive_migrations;
/// let patch = b"diff --git a/db/0002.sql b/db/0002.sql\n--- a/db/0002.sql\n+++ b/db/0002.sql\n@@ -0,0 +1,2 @@\n+ALTER TABLE orders\n+  DROP   legacy_total;\n\
///               diff --git a/db/0003.sql b/db/0003.sql\n--- /dev/null\n+++ b/db/0003.sql\n@@ -0,0 +1 @@\n+CREATE TABLE t (id int REFERENCES u ON DELETE CASCADE);\n";
/// assert_eq!(destructive_migrations(patch, |p| p.starts_with("db/")), vec!["db/0002.sql".to_owned()]);
/// ```
pub fn destructive_migrations(patch: &[u8], is_migration: impl Fn(&str) -> bool) -> Vec<String> {
    let mut added: BTreeMap<String, MigrationText> = BTreeMap::new();
    for_each_patch_line_of(patch, |path, line, link| {
        if !is_migration(path) {
            return;
        }
        let read = added.entry(path.to_owned()).or_default();
        read.link |= link;
        match line.first() {
            Some(b'+') => read.push(line.get(1..).unwrap_or_default()),
            // A section marker taken out turns what followed it into
            // another section, whose lines the patch does not show (an
            // audit: deleting `-- migrate:down` made the down section's
            // `DROP TABLE` run forward, unread): not read, so destructive.
            Some(b'-') if section_marker(line.get(1..).unwrap_or_default()).is_some() => read.cut = true,
            _ => {}
        }
    });
    added
        .into_iter()
        // A down migration by its name, unless it has an up section.
        .filter(|(path, read)| read.up_marked || !is_down_migration(path))
        .filter(|(_, read)| read.destroys())
        .map(|(path, _)| path)
        .collect()
}

/// A migration's text as read for [`destructive_migrations`]: the lines
/// that run forward, lower case, and what could not be read.
#[derive(Default)]
struct MigrationText {
    text: String,
    /// Not all read: past [`MAX_MIGRATION_TEXT`], a NUL byte, a section
    /// marker removed.
    cut: bool,
    /// A symbolic link.
    link: bool,
    /// In a down section.
    down: bool,
    /// Where a down function (not a tool's section) ends, when in one.
    down_end: Option<DownEnd>,
    /// An up section's marker was seen.
    up_marked: bool,
    /// The least indentation of an up marker seen: a down marker indented
    /// further is inside the up function (nested, or in a string or
    /// heredoc there), and does not end it (red team 17: a `def
    /// downgrade():` nested in `upgrade()` hid its `drop_table`).
    up_indent: usize,
    /// The end of a string that earlier lines opened and left open (a
    /// Python `\"\"\"` or `'''`, a JavaScript template's backtick, or
    /// `<<WORD` for a heredoc that ends at a line `WORD`): a down marker
    /// inside one is text (red team 17: `def downgrade():` in a docstring,
    /// `exports.down = ...` in a template literal, `def down` in a
    /// heredoc, each inside the up function, hid what followed).
    string: Option<String>,
}

/// Where a down function's body ends: what follows it in the file runs
/// when the migration goes up if the up function calls it (a red team:
/// `upgrade()` calling `_purge()`, defined after `downgrade()`, hid its
/// `drop_table`).
#[derive(Debug, Clone, Copy)]
enum DownEnd {
    /// The definition's line opened no brace: the next line with code
    /// says (a `{` on a line of its own, PHP's style, opens the body;
    /// anything else is the body of an indented function).
    Next(usize),
    /// Braces: the body ends where they close.
    Braces(i64),
    /// Indentation (Python, Ruby): the body ends at the first line of code
    /// indented no further than the definition (Ruby's `end` with it).
    Indent(usize),
}

/// How many `{` a line holds more than `}`, outside quotes.
fn brace_depth(line: &str) -> i64 {
    let (mut depth, mut quote, mut escaped) = (0i64, None::<char>, false);
    for c in line.chars() {
        match (quote, c) {
            _ if escaped => escaped = false,
            (Some(_), '\\') => escaped = true,
            (Some(q), _) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'' | '`') => quote = Some(c),
            (None, '{') => depth += 1,
            (None, '}') => depth -= 1,
            _ => {}
        }
    }
    depth
}

/// The string `line` leaves open, given the one open before it (see
/// `MigrationText::string`): an odd number of a delimiter's occurrences
/// opens or closes it; a heredoc opened by `<<WORD`, `<<~WORD` or
/// `<<-WORD` (the word in capitals, quoted or not) ends at a line that is
/// the word.
fn open_string(open: Option<String>, line: &str) -> Option<String> {
    match open {
        Some(end) => match end.strip_prefix("<<") {
            Some(word) => (line.trim() != word).then_some(end),
            None => (line.matches(end.as_str()).count() % 2 == 0).then_some(end),
        },
        None => {
            if let Some(d) = ["\"\"\"", "'''", "`"].into_iter().find(|d| line.matches(d).count() % 2 == 1) {
                return Some(d.to_owned());
            }
            let (_, after) = line.rsplit_once("<<")?;
            let after = after.strip_prefix(['~', '-']).unwrap_or(after).trim_matches(['\'', '"']);
            let word: String = after.chars().take_while(|c| c.is_ascii_uppercase() || *c == '_').collect();
            (!word.is_empty() && word.chars().any(|c| c.is_ascii_uppercase())).then(|| format!("<<{word}"))
        }
    }
}

impl MigrationText {
    /// Reads one line. The sections of dbmate, goose and sql-migrate
    /// (`-- migrate:down`, `-- +goose Down`, `-- +migrate Down`) and the
    /// down functions of the tools that keep both directions in one file
    /// (Alembic's `def downgrade():`, Rails' `def down`, Laravel's and
    /// TypeORM's `down()`, Knex's `exports.down`, Sequelize's `down:`) run
    /// when the migration is rolled back: what follows a down marker is
    /// not read, up to the next up marker, and only after an up marker
    /// was seen (an audit: a `-- migrate:down` line heading a Flyway
    /// migration hid its `DROP TABLE`). A down function ends with its
    /// body ([`DownEnd`]): what follows it is read again. Liquibase's
    /// `--rollback` lines are rollback statements, not read either.
    fn push(&mut self, line: &[u8]) {
        let indent = line.iter().take_while(|&&b| b == b' ' || b == b'\t').count();
        let inside = self.string.is_some();
        let raw = String::from_utf8_lossy(line);
        self.string = open_string(self.string.take(), &raw);
        let marker = if inside { None } else { section_marker(line) };
        if self.down
            && !inside
            && marker.is_none()
            && let Some(end) = self.down_end
            && self.down_ends(end, &raw, indent)
        {
            return;
        }
        match marker {
            Some(true) if self.up_marked && indent <= self.up_indent => {
                self.down = true;
                // (A tool's section, `-- migrate:down`, runs to the next up
                // marker; a function to the end of its body.)
                let section = raw.trim_start().starts_with("--");
                self.down_end = (!section).then(|| match brace_depth(&raw) {
                    open if open > 0 => DownEnd::Braces(open),
                    _ => DownEnd::Next(indent),
                });
                return;
            }
            Some(false) => {
                self.down = false;
                self.down_end = None;
                self.up_indent = if self.up_marked { self.up_indent.min(indent) } else { indent };
                self.up_marked = true;
            }
            _ if self.down => return,
            _ => {}
        }
        let lower = String::from_utf8_lossy(line).to_lowercase();
        if lower.trim_start().starts_with("--rollback") {
            return;
        }
        // A NUL byte: text in another encoding (UTF-16, which SQL Server's
        // tools run), whose words this reading cannot see (a red-team
        // audit): not read, so destructive, as a cut text is.
        if self.text.len().saturating_add(line.len()) > MAX_MIGRATION_TEXT || line.contains(&0) {
            self.cut = true;
            return;
        }
        self.text.push_str(&lower);
        if !self.text.ends_with('\n') {
            self.text.push('\n');
        }
    }

    /// Follows a down function's body over `line` (`raw`, indented by
    /// `indent`) from `end`: leaves the down section where the body ends,
    /// and whether `line` belongs to the function (its closing line), so
    /// is not read.
    fn down_ends(&mut self, end: DownEnd, raw: &str, indent: usize) -> bool {
        let code = raw.trim();
        if code.is_empty() || code.starts_with(['#', '/', '*']) || code.starts_with("--") {
            return false;
        }
        let mut braces = |open: i64| {
            let depth = open.saturating_add(brace_depth(code));
            if depth <= 0 {
                self.down = false;
                self.down_end = None;
            } else {
                self.down_end = Some(DownEnd::Braces(depth));
            }
            true
        };
        match end {
            DownEnd::Next(_) if code.starts_with('{') => braces(0),
            DownEnd::Braces(open) => braces(open),
            DownEnd::Next(at) | DownEnd::Indent(at) if indent <= at => {
                // (The end of the body: Ruby's `end`, a closing brace, is
                // the function's; anything else is read.)
                self.down = false;
                self.down_end = None;
                code == "end"
                    || code.starts_with("end ")
                    || code.starts_with("end;")
                    || code.chars().all(|c| matches!(c, '}' | ')' | ']' | ';' | ','))
            }
            DownEnd::Next(at) | DownEnd::Indent(at) => {
                self.down_end = Some(DownEnd::Indent(at));
                true
            }
        }
    }

    /// Whether what was read destroys data, or could not all be read.
    fn destroys(&self) -> bool {
        self.cut
            || self.link
            || destroys(&collapse(&self.text), false)
            || destroys(&collapse(&uncomment(&self.text)), true)
    }
}

/// Whether `path` names a down migration, which runs only when its up
/// migration is rolled back: an SQL file named `down.sql` (Diesel, sqlx),
/// `NAME.down.sql` (golang-migrate, sqlx), `NAME-down.sql` under a `sqls`
/// folder (db-migrate's SQL files), or under a `revert` folder (Sqitch's
/// revert scripts). Its statements are not this change's: a down
/// migration that drops what its up migration adds is how a migration is
/// made reversible. Not a name Flyway runs forward (`V2__NAME.down.sql`,
/// `R__NAME.down.sql`), nor a file of another language (Knex runs every
/// JavaScript file of its folder, whatever its name); and a file with an
/// up section's marker is read whatever its name (see
/// [`destructive_migrations`]). Names some tool runs forward are not
/// down migrations, whatever they suggest: `x_tear_down.sql`, refinery's
/// `U2__x.sql` (an audit found both skipped).
pub fn is_down_migration(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    let mut segments: Vec<&str> = lower.split('/').collect();
    let name = segments.pop().unwrap_or_default();
    let Some(stem) = name.strip_suffix(".sql") else { return false };
    let flyway = |prefix: char| {
        stem.strip_prefix(prefix)
            .and_then(|rest| rest.split_once("__"))
            .is_some_and(|(version, _)| version.chars().all(|c| c.is_ascii_digit() || c == '.' || c == '_'))
    };
    if flyway('v') || flyway('r') || flyway('u') {
        return false;
    }
    let folder = segments.last().copied().unwrap_or_default();
    stem == "down" || stem.ends_with(".down") || (folder == "sqls" && stem.ends_with("-down")) || folder == "revert"
}

/// Whether an added line is a migration tool's section marker: `Some(true)`
/// for a down section's (`-- migrate:down`, `-- +goose Down`, `--
/// +migrate Down`),
/// `Some(false)` for an up section's.
fn section_marker(line: &[u8]) -> Option<bool> {
    let raw = String::from_utf8_lossy(line);
    let text = raw.trim().to_ascii_lowercase();
    let squeezed: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    match squeezed.as_str() {
        // A down marker only as its tool reads one, from the line's start
        // and in its case and spacing (dbmate: `--`, blanks, then
        // `migrate:down`; goose: `+goose Down`; sql-migrate: `-- +migrate
        // Down`): another spelling is a comment the tool runs past, and
        // the statements after it run going up (red team 17: an indented
        // or upper-case `-- migrate:DOWN` hid a `DROP TABLE`). Up markers
        // are read loosely: taking one for a marker reads more.
        "--migrate:down" | "--+goosedown" | "--+migratedown" => {
            let raw = raw.trim_end();
            let ends = |rest: &str| rest.is_empty() || rest.starts_with(char::is_whitespace);
            let after = raw.strip_prefix("--").map(str::trim_start).unwrap_or_default();
            let strict = after.strip_prefix("migrate:down").is_some_and(ends)
                || after.strip_prefix("+goose Down").is_some_and(ends)
                || raw.strip_prefix("-- +migrate Down").is_some_and(ends);
            return strict.then_some(true);
        }
        "--migrate:up" | "--+gooseup" | "--+migrateup" => return Some(false),
        _ => {}
    }
    // Functions, by how their definitions begin (`def downgrade() ->
    // None:`, `public function down(): void`, `exports.down = function`).
    const DOWN: [&str; 9] = [
        "defdowngrade(",
        "defdown(",
        "defself.down",
        "publicfunctiondown(",
        "functiondown(",
        "exports.down=",
        "exportasyncfunctiondown(",
        "exportfunctiondown(",
        "publicasyncdown(",
    ];
    const UP: [&str; 10] = [
        "defupgrade(",
        "defup(",
        "defself.up",
        "defchange(",
        "publicfunctionup(",
        "functionup(",
        "exports.up=",
        "exportasyncfunctionup(",
        "exportfunctionup(",
        "publicasyncup(",
    ];
    // Rails writes `def down` and `def up` without parentheses; Sequelize
    // `down: async (queryInterface) => {`, `async down(queryInterface)`.
    let word = |w: &str| {
        squeezed == format!("def{w}")
            || squeezed.starts_with(&format!("def{w};"))
            || text.starts_with(&format!("async {w}("))
            || squeezed.starts_with(&format!("{w}:async"))
            || squeezed.starts_with(&format!("{w}:function"))
    };
    if DOWN.iter().any(|m| squeezed.starts_with(m)) || word("down") {
        Some(true)
    } else if UP.iter().any(|m| squeezed.starts_with(m)) || word("up") || squeezed == "defchange" {
        Some(false)
    } else {
        None
    }
}

/// Whether a migration's whole `text` destroys data for good, read as
/// [`destructive_migrations`] reads a migration's added lines: for a file
/// moved into the migrations (`git mv scratch/drop.sql
/// db/migrations/0005.sql` adds no lines by git's count, yet the tool runs
/// all of it). A text longer than [`MAX_MIGRATION_TEXT`], or holding a NUL
/// byte, is not read, and counts as destroying data. A down migration by
/// its name, and down sections, are skipped as they are in added lines.
///
/// ```
/// use blastgate_ingest::git::migration_destroys;
/// assert!(migration_destroys("db/migrations/2_tidy.sql", b"-- tidy up\nDROP TABLE outbox;\n"));
/// assert!(!migration_destroys("db/migrations/2_add.sql", b"CREATE TABLE outbox (id int);\n"));
/// assert!(!migration_destroys("db/migrations/2_add.down.sql", b"DROP TABLE outbox;\n"));
/// ```
pub fn migration_destroys(path: &str, text: &[u8]) -> bool {
    if text.len() > MAX_MIGRATION_TEXT || text.contains(&0) {
        return true;
    }
    let mut read = MigrationText::default();
    for line in text.split(|&b| b == b'\n') {
        read.push(line);
    }
    (read.up_marked || !is_down_migration(path)) && read.destroys()
}
