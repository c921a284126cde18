//! Scripts in languages other than the shell: the command lines that a
//! Python, Ruby, Perl, JavaScript or TypeScript, Go or JVM script runs
//! through its language's ways of starting a program
//! (`subprocess.run(["terraform", "destroy", "-auto-approve"])`,
//! `os.system("kubectl delete namespace prod")`, `execSync(...)`,
//! `exec.Command("helm", "uninstall", "orders-db")`, Ruby's backticks),
//! read from the literal text of their arguments. [`super::destructive_commands`]
//! reads each such command line as it reads a line of a shell script, so
//! an agent that moves `terraform destroy` from a shell script into a
//! Python one is read the same.
//!
//! What is read is the text written in the change, not what the program
//! computes: an argument that is not literal text reads as an unknown word
//! (`$ARG`, which names no environment, so `["kubectl", "delete",
//! "namespace", ns]` counts), a name given a literal on an earlier added
//! line reads as that literal (`cmd = ["terraform", "destroy"]`, then
//! `subprocess.run(cmd)`), and a call over several lines is read whole
//! (at most [`MAX_CALL_LINES`] lines).

use std::collections::BTreeMap;

mod sdk;

/// Most lines one call (or one assignment) is read over: past it, what
/// has been read is taken as the call.
pub const MAX_CALL_LINES: usize = 64;

/// Most bytes of one call read over lines.
const MAX_CALL_BYTES: usize = 16 * 1024;

/// Most names remembered a file (and side of the change), and the longest
/// value remembered.
const MAX_VALUES: usize = 256;
const MAX_VALUE_BYTES: usize = 4096;

/// Work for the calls of one statement besides eight tokens a token of
/// it (each call reads the tokens of its arguments: calls nested in calls
/// would otherwise cost the square of the text).
const MAX_CALL_WORK: usize = 64 * 1024;

/// Most lists nested in lists read.
const MAX_NESTING: usize = 4;

/// What an argument that is not literal text reads as: a word that names
/// nothing (no environment, no tool).
const UNKNOWN: &str = "$ARG";

/// The languages whose scripts are read, by how their text is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Language {
    /// Python (`.py`; `tasks.py`, `fabfile.py`, `noxfile.py`).
    Python,
    /// Ruby (`.rb`, `.rake`, `Rakefile`): backticks run a command.
    Ruby,
    /// Perl (`.pl`): backticks run a command.
    Perl,
    /// JavaScript and TypeScript (`.js`, `.mjs`, `.cjs`, `.ts`, `.mts`,
    /// `.cts`): zx's `` $`...` `` runs a command.
    JavaScript,
    /// Go (`.go`).
    Go,
    /// Java, Kotlin, Groovy and Gradle scripts.
    Jvm,
    /// A file without an extension in a scripts folder (`bin/teardown`):
    /// a shell script or a program of any language; its lines are also
    /// read as a shell script's.
    Unknown,
}

impl Language {
    /// Whether `#` starts a comment.
    fn hash_comments(self) -> bool {
        matches!(self, Self::Python | Self::Ruby | Self::Perl | Self::Unknown)
    }

    /// Whether `//` and `/* */` are comments.
    fn slash_comments(self) -> bool {
        matches!(self, Self::JavaScript | Self::Go | Self::Jvm)
    }

    /// Whether the file's lines are also read as a shell script's.
    pub fn reads_as_shell(self) -> bool {
        self == Self::Unknown
    }
}

/// Folders that hold scripts people and pipelines run (`scripts/`,
/// `bin/`, `tools/`, `hack/`, `ops/`, `deploy/`, ...): a program of
/// another language there is read for the commands it runs.
pub const SCRIPT_FOLDERS: [&str; 29] = [
    "scripts",
    "script",
    "bin",
    "tools",
    "tooling",
    "hack",
    "ops",
    "devops",
    "ci",
    "cicd",
    "cd",
    ".ci",
    "deploy",
    "deployment",
    "deployments",
    "infra",
    "infrastructure",
    "automation",
    "maintenance",
    "runbooks",
    "jobs",
    "cron",
    ".github",
    ".circleci",
    ".gitlab",
    ".buildkite",
    "buildscripts",
    "build-tools",
    "magefiles",
];

/// Folders of an application's own code and of code kept from elsewhere:
/// a scripts folder under one (`src/main/java/com/acme/ops/`,
/// `app/jobs/`) is a package of the application, not where scripts are.
const CODE_FOLDERS: [&str; 11] =
    ["src", "app", "lib", "pkg", "internal", "source", "sources", "main", "java", "kotlin", "python"];

/// Folders of code kept from elsewhere, never the repository's scripts.
const VENDORED: [&str; 9] = [
    "vendor",
    "third_party",
    "third-party",
    "node_modules",
    "bower_components",
    "external",
    "site-packages",
    ".venv",
    "venv",
];

/// Whether `name` (in small letters) is a test's file by its name
/// (`test_x.py`, `x_test.go`, `x.spec.ts`, `XTest.java`, `x_spec.rb`).
fn test_file(name: &str, original: &str) -> bool {
    let stem = name.split('.').next().unwrap_or(name);
    name.starts_with("test_")
        || stem.ends_with("_test")
        || stem.ends_with("_spec")
        || name.contains(".test.")
        || name.contains(".spec.")
        || name == "conftest.py"
        || original
            .rsplit('/')
            .next()
            .unwrap_or(original)
            .split('.')
            .next()
            .is_some_and(|s| s.ends_with("Test") || s.ends_with("Tests"))
}

/// The language an interpreter named `program` (a path or a bare name)
/// runs: `python`, `python2`, `python3`; `node`, `nodejs`; `ruby`; `perl`.
pub(super) fn interpreter(program: &str) -> Option<Language> {
    match program.rsplit('/').next().unwrap_or(program) {
        "python" | "python3" | "python2" => Some(Language::Python),
        "node" | "nodejs" => Some(Language::JavaScript),
        "ruby" => Some(Language::Ruby),
        "perl" => Some(Language::Perl),
        _ => None,
    }
}

/// The language of `path` if it is a script of another language than the
/// shell that [`super::destructive_commands`] reads: a program in a
/// scripts folder ([`SCRIPT_FOLDERS`]), a task or build file of its
/// language anywhere (`tasks.py`, `fabfile.py`, `noxfile.py`, `dodo.py`,
/// `Rakefile`, `*.rake`, `gulpfile.js`, `Gruntfile.js`, `Jakefile`,
/// `magefile.go`, `build.gradle`, `build.gradle.kts`), or a file without
/// an extension in a scripts folder ([`Language::Unknown`]).
///
/// ```
/// use blastgate_ingest::git::{Language, program_language};
/// assert_eq!(program_language("scripts/cleanup.py"), Some(Language::Python));
/// assert_eq!(program_language("bin/teardown"), Some(Language::Unknown));
/// assert_eq!(program_language("fabfile.py"), Some(Language::Python));
/// assert_eq!(program_language("src/orders/handler.py"), None);
/// ```
pub fn program_language(path: &str) -> Option<Language> {
    let lower = path.to_ascii_lowercase();
    let mut segments: Vec<&str> = lower.split('/').collect();
    let name = segments.pop().unwrap_or_default();
    let (stem, extension) = name.rsplit_once('.').unwrap_or((name, ""));
    let by_extension = match extension {
        "py" => Some(Language::Python),
        "rb" | "rake" => Some(Language::Ruby),
        "pl" => Some(Language::Perl),
        "js" | "mjs" | "cjs" | "ts" | "mts" | "cts" => Some(Language::JavaScript),
        "go" => Some(Language::Go),
        "java" | "kt" | "kts" | "groovy" | "gradle" => Some(Language::Jvm),
        _ => None,
    };
    if segments.iter().any(|s| VENDORED.contains(s)) || test_file(name, path) {
        return None;
    }
    // (`tasks.py` and its kin at the top, where invoke, Fabric, nox and
    // doit look: a Celery app's `orders/tasks.py` is its code.)
    let top = segments.is_empty();
    let task_file = top && matches!(name, "tasks.py" | "fabfile.py" | "noxfile.py" | "dodo.py")
        || name == "magefile.go"
        || matches!(stem, "gulpfile" | "gruntfile" | "jakefile") && by_extension == Some(Language::JavaScript)
        || matches!(name, "build.gradle" | "build.gradle.kts" | "settings.gradle" | "settings.gradle.kts")
        || extension == "rake";
    if name == "rakefile" || name == "jakefile" {
        return Some(if name == "rakefile" { Language::Ruby } else { Language::JavaScript });
    }
    if task_file {
        return by_extension;
    }
    let first_script = segments.iter().position(|s| SCRIPT_FOLDERS.contains(s));
    let in_code = |at: usize| segments.iter().take(at).any(|s| CODE_FOLDERS.contains(s));
    if first_script.is_none_or(in_code) {
        return None;
    }
    match by_extension {
        Some(language) => Some(language),
        // (A name without a dot, or a dotfile: `bin/teardown`, not
        // `bin/tool.exe` or `bin/.keep`.)
        // (Not `README`, `Dockerfile`, `Procfile`: names written with a
        // capital are documents and tools' files.)
        None if !name.contains('.')
            && path.rsplit('/').next().is_some_and(|n| n.starts_with(|c: char| c.is_ascii_lowercase())) =>
        {
            Some(Language::Unknown)
        }
        None => None,
    }
}

/// One piece of a program's text.
#[derive(Clone, Debug, PartialEq)]
enum Token {
    /// A string literal's text; `command` when the language runs it
    /// (Ruby's and Perl's backticks, a template after zx's `$`).
    Str {
        text: String,
        command: bool,
        template: bool,
    },
    /// A name, dots included (`subprocess.run`, `exec.Command`, `$`).
    Word(String),
    Open(char),
    Close(char),
    Comma,
    /// `=` or `:=` (not `==`, `=>`, `<=`, ...).
    Assign,
    Colon,
    /// `+`: lists joined (`TF + ["destroy"]`).
    Plus,
    Other,
}

/// The tokens of `text` and whether it ends inside a string or a bracket
/// (a call that goes on over the next lines).
fn tokenize(text: &str, language: Language) -> (Vec<Token>, bool) {
    let chars: Vec<char> = text.chars().collect();
    let mut tokens = Vec::new();
    let mut depth: usize = 0;
    let mut i = 0;
    let at = |k: usize| chars.get(k).copied();
    while let Some(c) = at(i) {
        // Comments.
        if language.hash_comments() && c == '#' {
            while at(i).is_some_and(|c| c != '\n') {
                i += 1;
            }
            continue;
        }
        if language.slash_comments() && c == '/' && at(i + 1) == Some('/') {
            while at(i).is_some_and(|c| c != '\n') {
                i += 1;
            }
            continue;
        }
        if language.slash_comments() && c == '/' && at(i + 1) == Some('*') {
            i += 2;
            while at(i).is_some() && !(at(i) == Some('*') && at(i + 1) == Some('/')) {
                i += 1;
            }
            if at(i).is_none() {
                return (tokens, true);
            }
            i += 2;
            continue;
        }
        // String literals, with Python's prefixes (`f"..."`, `r'...'`).
        let mut prefix_end = i;
        if matches!(language, Language::Python | Language::Unknown) {
            while at(prefix_end).is_some_and(|c| "rRbBfFuU".contains(c)) && prefix_end < i + 2 {
                prefix_end += 1;
            }
            let before_is_word = i > 0 && at(i - 1).is_some_and(|c| c.is_alphanumeric() || c == '_');
            if before_is_word || !at(prefix_end).is_some_and(|c| c == '"' || c == '\'') {
                prefix_end = i;
            }
        }
        if let Some(quote) = at(prefix_end).filter(|c| matches!(c, '"' | '\'' | '`')) {
            let prefix: String = chars.get(i..prefix_end).unwrap_or_default().iter().collect::<String>();
            let raw = prefix.to_ascii_lowercase().contains('r') || (quote == '`' && language == Language::Go);
            let formatted = prefix.to_ascii_lowercase().contains('f');
            let triple = at(prefix_end + 1) == Some(quote) && at(prefix_end + 2) == Some(quote) && quote != '`';
            let mut k = prefix_end + if triple { 3 } else { 1 };
            let mut body = String::new();
            let closed = loop {
                let Some(c) = at(k) else { break false };
                if c == '\\' && !raw {
                    if let Some(next) = at(k + 1) {
                        // (An escaped quote is the quote; other escapes
                        // are kept as written.)
                        if next != quote {
                            body.push('\\');
                        }
                        body.push(next);
                    }
                    k += 2;
                    continue;
                }
                if c == quote && (!triple || (at(k + 1) == Some(quote) && at(k + 2) == Some(quote))) {
                    k += if triple { 3 } else { 1 };
                    break true;
                }
                // (A plain string ends with its line: a quote in a regular
                // expression, `/["']/`, does not swallow what follows.)
                if c == '\n' && !triple && quote != '`' {
                    break true;
                }
                body.push(c);
                k += 1;
            };
            if !closed {
                return (tokens, true);
            }
            // (zx's and execa's tagged templates: `` $`...` ``, `` execa`...` ``.)
            let tagged = |w: &str| {
                matches!(
                    w.rsplit('.').next().unwrap_or(w),
                    "$" | "execa" | "execaSync" | "execaCommand" | "execaCommandSync"
                )
            };
            let command = quote == '`'
                && (matches!(language, Language::Ruby | Language::Perl)
                    || language == Language::JavaScript
                        && prefix_end == i
                        && matches!(tokens.last(), Some(Token::Word(w)) if tagged(w)));
            let template = formatted
                || quote == '`' && language == Language::JavaScript
                || quote != '\'' && language == Language::Ruby;
            let text = if template { interpolated(&body, language) } else { body };
            tokens.push(Token::Str { text, command, template });
            i = k;
            continue;
        }
        // Ruby's `%x(...)` and Perl's `qx{...}`: commands.
        let quoted_command = match (language, c, at(i + 1)) {
            (Language::Ruby, '%', Some('x')) => Some(i + 2),
            (Language::Perl, 'q', Some('x'))
                if i == 0 || !at(i - 1).is_some_and(|p| p.is_alphanumeric() || p == '_') =>
            {
                Some(i + 2)
            }
            _ => None,
        };
        if let Some(open_at) = quoted_command
            && let Some(open) = at(open_at).filter(|d| matches!(d, '(' | '{' | '[' | '<' | '|' | '!' | '/'))
        {
            let close = match open {
                '(' => ')',
                '{' => '}',
                '[' => ']',
                '<' => '>',
                d => d,
            };
            let mut k = open_at + 1;
            let mut body = String::new();
            while let Some(c) = at(k).filter(|c| *c != close) {
                body.push(c);
                k += 1;
            }
            if at(k).is_none() {
                return (tokens, true);
            }
            tokens.push(Token::Str { text: interpolated(&body, language), command: true, template: true });
            i = k + 1;
            continue;
        }
        if c.is_alphanumeric() || matches!(c, '_' | '$' | '@') {
            let mut word = String::new();
            while let Some(c) = at(i).filter(|c| c.is_alphanumeric() || matches!(c, '_' | '$' | '@' | '.')) {
                word.push(c);
                i += 1;
            }
            // (Ruby's `system!`.)
            if language == Language::Ruby && at(i) == Some('!') && at(i + 1) != Some('=') {
                word.push('!');
                i += 1;
            }
            tokens.push(Token::Word(word));
            continue;
        }
        let next = at(i + 1);
        let token = match c {
            '(' | '[' | '{' => {
                depth += 1;
                Token::Open(c)
            }
            ')' | ']' | '}' => {
                depth = depth.saturating_sub(1);
                Token::Close(c)
            }
            ',' => Token::Comma,
            ':' if next == Some('=') => {
                i += 1;
                Token::Assign
            }
            ':' if next != Some(':') => Token::Colon,
            // (Ruby's `"KEY" => "value"`.)
            '=' if next == Some('>') && language == Language::Ruby => {
                i += 1;
                Token::Colon
            }
            '+' => Token::Plus,
            '=' if !matches!(next, Some('=' | '>' | '~'))
                && !matches!(tokens.last(), Some(Token::Other | Token::Plus)) =>
            {
                Token::Assign
            }
            c if c.is_whitespace() => {
                i += 1;
                continue;
            }
            _ => Token::Other,
        };
        tokens.push(token);
        i += 1;
    }
    (tokens, depth > 0)
}

/// A template's text with each interpolation (`{name}` in a Python
/// f-string, `${name}` in JavaScript, `#{name}` in Ruby) read as
/// [`UNKNOWN`]: the value is not known, and its name is no word of the
/// command (`{preview_ns}` says nothing of the environment).
fn interpolated(body: &str, language: Language) -> String {
    let opener = match language {
        Language::Python => "{",
        Language::Ruby => "#{",
        _ => "${",
    };
    let mut out = String::with_capacity(body.len());
    let mut rest = body;
    while let Some(at) = rest.find(opener) {
        // (`{{` in an f-string is a brace.)
        if language == Language::Python && rest.get(at..).is_some_and(|r| r.starts_with("{{")) {
            out.push_str(rest.get(..at + 2).unwrap_or_default());
            rest = rest.get(at + 2..).unwrap_or_default();
            continue;
        }
        out.push_str(rest.get(..at).unwrap_or_default());
        let inner = rest.get(at + opener.len()..).unwrap_or_default();
        match inner.find('}') {
            Some(end) => {
                out.push_str(UNKNOWN);
                rest = inner.get(end + 1..).unwrap_or_default();
            }
            None => {
                out.push_str(rest.get(at..).unwrap_or_default());
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// The last part of names that start a program (`subprocess.run`,
/// `os.system`, `child_process.execSync`, `exec.Command`, `Open3.capture2`,
/// fabric's and invoke's `c.run`, Gradle's `commandLine`).
const RUNNERS: [&str; 36] = [
    "system",
    "popen",
    "run",
    "call",
    "check_call",
    "check_output",
    "Popen",
    "getoutput",
    "getstatusoutput",
    "sudo",
    "local",
    "exec",
    "execSync",
    "execa",
    "execaSync",
    "execaCommand",
    "execaCommandSync",
    "spawn",
    "spawnSync",
    "execFile",
    "execFileSync",
    "execv",
    "execvp",
    "Command",
    "CommandContext",
    "ProcessBuilder",
    "capture2",
    "capture2e",
    "capture3",
    "popen2",
    "popen3",
    "sh",
    "commandLine",
    "command",
    // Python's asyncio (a red team's miss).
    "create_subprocess_shell",
    "create_subprocess_exec",
];

/// Keyword arguments and options that name the folder a program runs in.
const FOLDER_KEYS: [&str; 4] = ["cwd", "chdir", "workingDir", "dir"];

/// What a name was given on an earlier line: text, or a list of words.
#[derive(Clone, Debug)]
enum Value {
    Text(String),
    List(Vec<String>),
}

/// Where a statement read over lines stands at a line's end: inside how
/// many brackets, a string or a block comment.
#[derive(Clone, Copy, Debug, Default)]
struct Balance {
    depth: usize,
    /// The quote of the string the line ended in, and whether tripled.
    quote: Option<(char, bool)>,
    comment: bool,
}

impl Balance {
    /// Whether the statement goes on.
    fn open(self) -> bool {
        self.depth > 0 || self.quote.is_some() || self.comment
    }

    /// The state after `line` (a line break after it).
    fn after(mut self, line: &str, language: Language) -> Self {
        let chars: Vec<char> = line.chars().collect();
        let at = |k: usize| chars.get(k).copied();
        let mut i = 0;
        while let Some(c) = at(i) {
            if self.comment {
                if c == '*' && at(i + 1) == Some('/') {
                    self.comment = false;
                    i += 1;
                }
            } else if let Some((quote, triple)) = self.quote {
                if c == '\\' {
                    i += 1;
                } else if c == quote && (!triple || (at(i + 1) == Some(quote) && at(i + 2) == Some(quote))) {
                    self.quote = None;
                    i += if triple { 2 } else { 0 };
                }
            } else if language.hash_comments() && c == '#'
                || language.slash_comments() && c == '/' && at(i + 1) == Some('/')
            {
                break;
            } else if language.slash_comments() && c == '/' && at(i + 1) == Some('*') {
                self.comment = true;
                i += 1;
            } else if matches!(c, '"' | '\'' | '`') {
                let triple = c != '`' && at(i + 1) == Some(c) && at(i + 2) == Some(c);
                self.quote = Some((c, triple));
                i += if triple { 2 } else { 0 };
            } else if matches!(c, '(' | '[' | '{') {
                self.depth += 1;
            } else if matches!(c, ')' | ']' | '}') {
                self.depth = self.depth.saturating_sub(1);
            }
            i += 1;
        }
        // (A plain string ends with its line.)
        if self.quote.is_some_and(|(q, triple)| !triple && q != '`') {
            self.quote = None;
        }
        self
    }
}

/// Reads the command lines a script of another language runs, a line at a
/// time (see the module's documentation). One reader per file and side of
/// the change.
#[derive(Debug)]
pub struct ProgramReader {
    language: Language,
    pending: Option<String>,
    lines: usize,
    state: Balance,
    /// Inside text that runs nothing, to the line that ends it: a string
    /// or block comment over lines (in `state`), a heredoc (its word), or
    /// documentation (`=begin` to `=end`, POD to `=cut`).
    until: Option<String>,
    values: BTreeMap<String, Value>,
    /// The cloud SDKs and client libraries the file uses, and its clients.
    sdk: sdk::Sdk,
    /// A statement that ended, held for a line that chains a call on it
    /// (`.deletionProtection(false)` under `Request.builder()`: Java's,
    /// JavaScript's and Go's style).
    held: Option<String>,
}

impl ProgramReader {
    /// A reader of a script in `language`.
    pub fn new(language: Language) -> Self {
        Self {
            language,
            pending: None,
            lines: 0,
            state: Balance::default(),
            until: None,
            values: BTreeMap::new(),
            sdk: sdk::Sdk::default(),
            held: None,
        }
    }

    /// The command lines the statement that `line` ends runs, in the
    /// shell's syntax (`terraform destroy -auto-approve`, `cd infra && make
    /// destroy`); none while a call goes on over the next lines. In
    /// JavaScript, Go and the JVM languages a statement that ended is
    /// read with the next line (which may chain a call on it, `.build()`)
    /// or at [`Self::finish`].
    ///
    /// ```
    /// use blastgate_ingest::git::{Language, ProgramReader};
    /// let mut r = ProgramReader::new(Language::Python);
    /// assert_eq!(r.feed(r#"subprocess.run(["kubectl", "delete", "namespace", ns], check=True)"#), ["kubectl delete namespace $ARG"]);
    /// assert!(r.feed("subprocess.run(").is_empty());
    /// assert!(r.feed(r#"    ["make", "destroy"], cwd="infra","#).is_empty());
    /// assert_eq!(r.feed(")"), ["cd infra && make destroy"]);
    /// ```
    pub fn feed(&mut self, line: &str) -> Vec<String> {
        // A statement held for a chained call: this line goes on with it
        // (`.build();`), or it is read before this line.
        let mut out = Vec::new();
        if let Some(held) = self.held.take() {
            let next = line.trim_start();
            if self.until.is_none() && next.starts_with('.') && !next.starts_with("..") {
                self.pending = Some(held);
                self.state = Balance::default();
                self.lines = 1;
            } else {
                let (tokens, _) = tokenize(&held, self.language);
                out = self.read(&tokens);
            }
        }
        out.extend(self.feed_line(line));
        out
    }

    /// [`Self::feed`] without a held statement.
    fn feed_line(&mut self, line: &str) -> Vec<String> {
        // (Each line is scanned once for its brackets and strings, and a
        // statement tokenized once when it ends: linear in the text.)
        // Inside a docstring, a block comment, a heredoc or documentation:
        // nothing runs until it ends (a red team: a docstring's example
        // read as code).
        if let Some(end) = &self.until {
            let ended = if end.is_empty() {
                self.state = self.state.after(line, self.language);
                !self.state.open()
            } else if end.starts_with('=') {
                line.trim_end().starts_with(end.as_str())
            } else {
                line.trim() == end.as_str()
            };
            if ended {
                self.until = None;
                self.state = Balance::default();
            }
            return Vec::new();
        }
        self.sdk.note_line(line);
        let Some(before) = self.pending.take() else {
            if let Some(end) = self.documentation(line) {
                self.until = Some(end);
                return Vec::new();
            }
            let (tokens, open) = tokenize(line, self.language);
            if open && line.len() < MAX_CALL_BYTES && self.starts_something(&tokens) {
                self.state = Balance::default().after(line, self.language);
                self.lines = 1;
                self.pending = Some(line.to_owned());
                return Vec::new();
            }
            // (A string or comment left open runs over the next lines.)
            let carried = Balance::default().after(line, self.language);
            if carried.quote.is_some() || carried.comment {
                self.state = Balance { depth: 0, ..carried };
                self.until = Some(String::new());
            } else if self.chains() && self.starts_something(&tokens) {
                self.held = Some(line.to_owned());
                return Vec::new();
            }
            return self.read(&tokens);
        };
        let text = format!("{before}\n{line}");
        self.state = self.state.after(line, self.language);
        self.lines += 1;
        if self.state.open() && self.lines < MAX_CALL_LINES && text.len() < MAX_CALL_BYTES {
            self.pending = Some(text);
            return Vec::new();
        }
        self.lines = 0;
        self.state = Balance::default();
        if self.chains() && text.len() < MAX_CALL_BYTES {
            self.held = Some(text);
            return Vec::new();
        }
        let (tokens, _) = tokenize(&text, self.language);
        self.read(&tokens)
    }

    /// Whether the language chains calls on lines of their own
    /// (`.build()`), so that a statement may go on past its end.
    fn chains(&self) -> bool {
        matches!(self.language, Language::JavaScript | Language::Go | Language::Jvm)
    }

    /// The end of documentation or a heredoc that `line` opens: Ruby's
    /// `=begin` (to `=end`), Perl's POD (`=pod`, `=head1`, ... to `=cut`),
    /// a heredoc (`<<~EOS`, `<<-'SQL'`, `<<EOF`: to the line of its word),
    /// whose text runs nothing here.
    fn documentation(&self, line: &str) -> Option<String> {
        if matches!(self.language, Language::Ruby | Language::Perl) && line.starts_with('=') {
            let word: String = line.chars().skip(1).take_while(char::is_ascii_alphanumeric).collect();
            if !word.is_empty() && word != "end" && word != "cut" {
                return Some(if self.language == Language::Ruby { "=end".to_owned() } else { "=cut".to_owned() });
            }
        }
        if !matches!(self.language, Language::Ruby | Language::Perl | Language::Unknown) {
            return None;
        }
        let at = line.find("<<")?;
        let rest = line.get(at + 2..)?.trim_start_matches(['~', '-']);
        let word: String = rest
            .trim_start_matches(['\'', '"'])
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        // (`<<` between numbers or names, `x << 2`, opens nothing.)
        let upper = !word.is_empty() && word.chars().all(|c| c.is_ascii_uppercase() || c == '_' || c.is_ascii_digit());
        upper.then_some(word)
    }

    /// What a call still open at the end of the file runs, as far as it
    /// goes.
    pub fn finish(&mut self) -> Vec<String> {
        if let Some(held) = self.held.take() {
            let (tokens, _) = tokenize(&held, self.language);
            let mut out = self.read(&tokens);
            out.extend(self.finish());
            return out;
        }
        match self.pending.take() {
            Some(text) => {
                self.lines = 0;
                self.state = Balance::default();
                let (tokens, _) = tokenize(&text, self.language);
                self.read(&tokens)
            }
            None => Vec::new(),
        }
    }

    /// Whether `tokens` start a call or an assignment worth reading on.
    fn starts_something(&self, tokens: &[Token]) -> bool {
        tokens.iter().enumerate().any(|(i, t)| match t {
            Token::Word(w) => {
                runner(w, self.language) && matches!(tokens.get(i + 1), Some(Token::Open('(') | Token::Str { .. }))
                    || matches!(tokens.get(i + 1), Some(Token::Assign))
                    || self.sdk.worth_reading(w) && matches!(tokens.get(i + 1), Some(Token::Open('(')))
            }
            Token::Str { command, .. } => *command,
            _ => false,
        })
    }

    /// The command lines of one statement's tokens; remembers the literal
    /// values it gives names.
    fn read(&mut self, tokens: &[Token]) -> Vec<String> {
        let mut out = Vec::new();
        // `NAME = [...]` or `NAME = "..."` (with `const`, `let`, `var`,
        // `val`, `my` before it): a value for the calls after it.
        // (Or a type, Java's and Kotlin's `ModifyDbClusterRequest req =
        // ...`, `final String cmd = ...`: the name is the word before `=`.)
        let start = match tokens {
            [Token::Word(_), Token::Word(_), Token::Word(_), Token::Assign, ..] => 2,
            [Token::Word(_), Token::Word(_), Token::Assign, ..] => 1,
            _ => usize::from(matches!(
                tokens.first(),
                Some(Token::Word(w)) if matches!(w.as_str(), "const" | "let" | "var" | "val" | "my" | "our")
            )),
        };
        if let (Some(Token::Word(name)), Some(Token::Assign)) = (tokens.get(start), tokens.get(start + 1)) {
            let value = tokens.get(start + 2..).unwrap_or_default();
            self.sdk.note_assignment(name, value);
            // (Gradle's `commandLine = listOf(...)` runs it.)
            if name.rsplit('.').next() == Some("commandLine") {
                out.extend(self.call(value).unwrap_or_default());
            }
            let name = name.trim_start_matches('$');
            match self.literal(value, 0) {
                Some(value) => {
                    let size = match &value {
                        Value::Text(t) => t.len(),
                        Value::List(l) => l.iter().map(String::len).sum(),
                    };
                    if size <= MAX_VALUE_BYTES {
                        // (Past the bound, an earlier name makes room: the
                        // latest are the ones the calls after read.)
                        if self.values.len() >= MAX_VALUES && !self.values.contains_key(name) {
                            self.values.pop_first();
                        }
                        self.values.insert(name.to_owned(), value);
                    }
                }
                None => {
                    self.values.remove(name);
                }
            }
        }
        // (Calls inside calls are read too; the tokens their arguments
        // span, in all, are bounded so that nesting cannot cost the square
        // of the text.)
        let budget = tokens.len().saturating_mul(8).saturating_add(MAX_CALL_WORK);
        let mut spent = 0usize;
        let mut i = 0;
        while let Some(token) = tokens.get(i) {
            if spent > budget {
                break;
            }
            match token {
                // A command string, or Groovy's `"kubectl delete ...".execute()`.
                Token::Str { text, command, .. }
                    if *command
                        || matches!(
                            (tokens.get(i + 1), tokens.get(i + 2), tokens.get(i + 3)),
                            (Some(Token::Other), Some(Token::Word(w)), Some(Token::Open('('))) if w == "execute"
                        ) =>
                {
                    spent += 1;
                    out.extend(command_lines(text).map(str::to_owned));
                }
                Token::Word(w) if runner(w, self.language) => match tokens.get(i + 1) {
                    Some(Token::Open('(')) => {
                        let end = closing(tokens, i + 1);
                        spent = spent.saturating_add(end.saturating_sub(i));
                        out.extend(self.call(tokens.get(i + 2..end).unwrap_or_default()).unwrap_or_default());
                        // (A call inside the arguments is read too:
                        // `run(shlex.split("..."))` is one, not two.)
                        i += 1;
                        continue;
                    }
                    // Calls without brackets (Ruby, Perl, Rake, Groovy and
                    // Gradle): `sh "terraform destroy"`, `system "kubectl",
                    // "delete", ...`, `commandLine 'terraform', 'destroy'`.
                    Some(Token::Str { .. })
                        if matches!(self.language, Language::Ruby | Language::Perl | Language::Jvm) =>
                    {
                        let end = tokens
                            .iter()
                            .skip(i + 1)
                            .position(|t| !matches!(t, Token::Str { .. } | Token::Comma))
                            .map_or(tokens.len(), |p| p + i + 1);
                        spent = spent.saturating_add(end.saturating_sub(i));
                        out.extend(self.call(tokens.get(i + 1..end).unwrap_or_default()).unwrap_or_default());
                        i = end;
                        continue;
                    }
                    _ => {}
                },
                // A cloud SDK's or client library's call that destroys
                // (`rds.delete_db_instance(...)`), as its tool's command.
                Token::Word(w) if self.sdk.worth_reading(w) && matches!(tokens.get(i + 1), Some(Token::Open('('))) => {
                    let end = closing(tokens, i + 1);
                    spent = spent.saturating_add(end.saturating_sub(i));
                    out.extend(self.sdk.command(tokens, i, end));
                }
                _ => {}
            }
            i += 1;
        }
        out
    }

    /// The command line of a call's arguments (`tokens`, between its
    /// brackets): its positional arguments' text joined (the words of a
    /// list, each quoted if it holds a blank), preceded by `cd DIR &&` for
    /// a literal working folder (`cwd="infra"`, `{cwd: "infra"}`,
    /// `chdir:`); `None` if no argument is literal text.
    fn call(&self, tokens: &[Token]) -> Option<Vec<String>> {
        let mut parts: Vec<Value> = Vec::new();
        let mut folder: Option<String> = None;
        // Settings the program is given (`env={"RAILS_ENV": "production"}`),
        // as assignments before its command (`RAILS_ENV=production ...`).
        let mut settings: Vec<String> = Vec::new();
        let mut literal = false;
        let environment = |group: &[Token], settings: &mut Vec<String>| {
            for w in group.windows(3) {
                if let [Token::Str { text: k, .. } | Token::Word(k), Token::Colon, Token::Str { text: v, .. }] = w
                    && settings.len() < 16
                    && !k.is_empty()
                    && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                {
                    settings.push(format!("{k}={}", quoted(v)));
                }
            }
        };
        for argument in split_arguments(tokens) {
            // (A trailing comma.)
            if argument.is_empty() {
                continue;
            }
            // A keyword argument or option (`cwd="infra"`, `chdir: "x"`).
            if let (Some(Token::Word(key)), Some(Token::Assign | Token::Colon)) = (argument.first(), argument.get(1)) {
                let value = argument.get(2..).unwrap_or_default();
                match (key.as_str(), value) {
                    (k, [Token::Str { text, .. }, ..]) if FOLDER_KEYS.contains(&k) => folder = Some(text.clone()),
                    // (The program given by name, `args=[...]`.)
                    ("args" | "cmd" | "command" | "argv", _) => {
                        if let Some(v) = self.literal(value, 0) {
                            literal = true;
                            parts.push(v);
                        }
                    }
                    ("env" | "environment" | "extra_env", _) => environment(value, &mut settings),
                    // (The script's own dry run, `dry_run=True`.)
                    (k, [Token::Word(v), ..])
                        if k.to_ascii_lowercase().replace('_', "").starts_with("dryrun")
                            && v.eq_ignore_ascii_case("true") =>
                    {
                        return None;
                    }
                    _ => {}
                }
                continue;
            }
            // Ruby's and Perl's settings before the command (`system({"RAILS_ENV"
            // => "production"}, "bin/rails db:drop")`).
            if !literal
                && matches!(self.language, Language::Ruby | Language::Perl)
                && matches!(argument.first(), Some(Token::Open('{')))
                && is_object(argument)
            {
                environment(argument, &mut settings);
                continue;
            }
            // An options object (`{cwd: "infra", env: {...}, args: [...]}`).
            if matches!(argument.first(), Some(Token::Open('{'))) && is_object(argument) {
                for (k, t) in argument.iter().enumerate() {
                    let (Token::Word(key), Some(Token::Colon)) = (t, argument.get(k + 1)) else { continue };
                    let value = argument.get(k + 2..).unwrap_or_default();
                    match (key.as_str(), value.first()) {
                        (key, Some(Token::Str { text, .. })) if FOLDER_KEYS.contains(&key) => {
                            folder = Some(text.clone())
                        }
                        // (Deno's `new Deno.Command("x", {args: [...]})`.)
                        ("args", Some(Token::Open('['))) => {
                            let end = closing(value, 0);
                            if let Some(v) = self.literal(value.get(..=end).unwrap_or_default(), 0) {
                                literal = true;
                                parts.push(v);
                            }
                        }
                        ("env", Some(Token::Open('{'))) => {
                            let end = closing(value, 0);
                            environment(value.get(..=end).unwrap_or_default(), &mut settings);
                        }
                        _ => {}
                    }
                }
                continue;
            }
            match self.literal(argument, 0) {
                Some(value) => {
                    literal = true;
                    parts.push(value);
                }
                // (Options, `{cwd}`, are not the program's words.)
                None if matches!(argument.first(), Some(Token::Open('{'))) => {}
                // (Arguments before the first literal one, Go's `ctx`, are
                // not the program.)
                None if literal => parts.push(Value::Text(UNKNOWN.to_owned())),
                None => {}
            }
        }
        if !literal {
            return None;
        }
        let command = match parts.as_slice() {
            [Value::Text(text)] => text.clone(),
            _ => parts
                .iter()
                .flat_map(|p| match p {
                    Value::Text(t) => vec![t.clone()],
                    Value::List(l) => l.clone(),
                })
                .map(|word| quoted(&word))
                .collect::<Vec<_>>()
                .join(" "),
        };
        // (A script over lines, `subprocess.run("""...""", shell=True)`, is
        // a command a line, each run in the folder.)
        let settings = settings.join(" ");
        Some(
            command_lines(&command)
                .map(|line| if settings.is_empty() { line.to_owned() } else { format!("{settings} {line}") })
                .map(|line| match &folder {
                    Some(dir) if !dir.trim().is_empty() => format!("cd {} && {line}", dir.trim()),
                    _ => line,
                })
                .collect(),
        )
    }

    /// The literal value of an argument's tokens: text (strings joined,
    /// names given literals earlier read as them, other names as
    /// [`UNKNOWN`]), or a list of such words (`[...]`, `(...)`, Go's
    /// `[]string{...}`, Java's `new String[]{...}`, `List.of(...)`);
    /// `None` when no part is literal text.
    fn literal(&self, tokens: &[Token], nesting: usize) -> Option<Value> {
        // Lists joined, `TF + ["destroy", "-auto-approve"]`: one list.
        let pieces = split_at_plus(tokens);
        if pieces.len() > 1 && nesting < MAX_NESTING {
            let values: Vec<Option<Value>> = pieces.iter().map(|p| self.literal(p, nesting + 1)).collect();
            if values.iter().any(|v| matches!(v, Some(Value::List(_)))) {
                let mut words = Vec::new();
                for value in values {
                    match value {
                        Some(Value::List(l)) => words.extend(l),
                        Some(Value::Text(t)) => words.push(t),
                        None => words.push(UNKNOWN.to_owned()),
                    }
                }
                return Some(Value::List(words));
            }
        }
        // A name given a list, alone or spread (Go's `args...`, `*args`).
        let names: Vec<&String> = tokens
            .iter()
            .filter_map(|t| match t {
                Token::Word(w) => Some(w),
                _ => None,
            })
            .collect();
        if let ([name], true) = (names.as_slice(), tokens.iter().all(|t| matches!(t, Token::Word(_) | Token::Other)))
            && let Some(Value::List(l)) = self.values.get(key(name))
        {
            return Some(Value::List(l.clone()));
        }
        // Python's `" ".join([...])`: the list's words, joined.
        if let [Token::Str { text: separator, .. }, Token::Other, Token::Word(join), Token::Open('('), ..] = tokens
            && join == "join"
            && nesting < MAX_NESTING
        {
            let end = closing(tokens, 3);
            if let Some(Value::List(words)) = self.literal(tokens.get(4..end).unwrap_or_default(), nesting + 1) {
                return Some(Value::Text(words.join(separator)));
            }
        }
        // A list: the first bracket after words of a type.
        let list_at = tokens.iter().position(|t| matches!(t, Token::Open('[' | '{' | '(')));
        let before_list = list_at.and_then(|at| tokens.get(..at)).unwrap_or_default();
        let typed = before_list.iter().all(|t| match t {
            Token::Word(w) => matches!(
                w.as_str(),
                "new"
                    | "String"
                    | "string"
                    | "List.of"
                    | "listOf"
                    | "arrayOf"
                    | "Arrays.asList"
                    | "tuple"
                    | "list"
                    | "%w"
            ),
            Token::Open('[') | Token::Close(']') => true,
            _ => false,
        });
        if let Some(at) = list_at.filter(|_| typed) {
            if nesting >= MAX_NESTING {
                return None;
            }
            // (Go's `[]string{`: the brace after `[]string`.)
            let at = tokens
                .iter()
                .enumerate()
                .skip(at)
                .find(|(k, t)| matches!(t, Token::Open(_)) && !matches!(tokens.get(k + 1), Some(Token::Close(']'))))
                .map_or(at, |(k, _)| k);
            let end = closing(tokens, at);
            let mut words = Vec::new();
            let mut any = false;
            for element in split_arguments(tokens.get(at + 1..end).unwrap_or_default()) {
                match self.literal(element, nesting + 1) {
                    Some(Value::Text(t)) => {
                        any = true;
                        words.push(t);
                    }
                    Some(Value::List(l)) => {
                        any = true;
                        words.extend(l);
                    }
                    None if !element.is_empty() => words.push(UNKNOWN.to_owned()),
                    None => {}
                }
            }
            return any.then_some(Value::List(words));
        }
        let mut text = String::new();
        let mut any = false;
        for (k, token) in tokens.iter().enumerate() {
            match token {
                Token::Str { text: t, .. } => {
                    any = true;
                    text.push_str(t);
                }
                // (A function's name is not text: `shlex.split("...")`
                // is the text it splits.)
                Token::Word(_) if matches!(tokens.get(k + 1), Some(Token::Open('('))) => {}
                Token::Word(w) => match self.values.get(key(w)) {
                    Some(Value::Text(t)) => {
                        any = true;
                        text.push_str(t);
                    }
                    Some(Value::List(l)) if tokens.len() == 1 => {
                        return Some(Value::List(l.clone()));
                    }
                    _ => text.push_str(UNKNOWN),
                },
                // (The arguments of a function, `shlex.join(["a", "b"])`,
                // are words apart.)
                Token::Comma if !text.is_empty() && !text.ends_with(' ') => text.push(' '),
                _ => {}
            }
        }
        any.then_some(Value::Text(text))
    }
}

/// The name a word reads a value by: `$cmd` (Perl) as `cmd`, Go's spread
/// `args...` as `args`.
fn key(word: &str) -> &str {
    word.trim_start_matches('$').trim_end_matches('.')
}

/// Whether `word`'s last part starts a program ([`RUNNERS`]).
fn runner(word: &str, language: Language) -> bool {
    let last = word.rsplit('.').next().unwrap_or(word).trim_end_matches('!');
    let receiver = word.rsplit_once('.').map(|(r, _)| r);
    // Mage's `sh.Run`, `sh.RunV`, `sh.Exec`, `sh.Output`, ...
    if receiver == Some("sh")
        && matches!(last, "Run" | "RunV" | "RunWith" | "RunWithV" | "Exec" | "Output" | "OutputWith")
    {
        return true;
    }
    match last {
        // (Python's `exec` runs Python; `Function.prototype.call` and a
        // mock's `call` run nothing.)
        "exec" if language == Language::Python => false,
        "call" => receiver.is_none_or(|r| r == "subprocess"),
        // (Go's `exec.Command`, Deno's; commander's `new Command('x')` is
        // a command-line parser.)
        "Command" | "CommandContext" => language == Language::Go || receiver == Some("Deno"),
        _ => RUNNERS.contains(&last),
    }
}

/// Whether a braced argument is an object (`{cwd: "x"}`), not a list.
fn is_object(tokens: &[Token]) -> bool {
    tokens.windows(2).any(|w| matches!(w, [Token::Word(_) | Token::Str { .. }, Token::Colon]))
}

/// The index of the token closing the bracket opened at `open` (or the
/// end of `tokens`).
fn closing(tokens: &[Token], open: usize) -> usize {
    let mut depth = 0usize;
    for (k, t) in tokens.iter().enumerate().skip(open) {
        match t {
            Token::Open(_) => depth += 1,
            Token::Close(_) => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return k;
                }
            }
            _ => {}
        }
    }
    tokens.len()
}

/// The command lines of a script held in one string, each trimmed, blank
/// and comment lines left out.
fn command_lines(text: &str) -> impl Iterator<Item = &str> {
    text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#'))
}

/// `tokens` split at the `+` outside brackets.
fn split_at_plus(tokens: &[Token]) -> Vec<&[Token]> {
    split_outside_brackets(tokens, &Token::Plus)
}

/// `tokens` split at the commas outside brackets.
fn split_arguments(tokens: &[Token]) -> Vec<&[Token]> {
    split_outside_brackets(tokens, &Token::Comma)
}

/// `tokens` split at each `separator` outside brackets.
fn split_outside_brackets<'t>(tokens: &'t [Token], separator: &Token) -> Vec<&'t [Token]> {
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut start = 0;
    for (k, t) in tokens.iter().enumerate() {
        match t {
            Token::Open(_) => depth += 1,
            Token::Close(_) => depth = depth.saturating_sub(1),
            t if depth == 0 && t == separator => {
                out.push(tokens.get(start..k).unwrap_or_default());
                start = k + 1;
            }
            _ => {}
        }
    }
    out.push(tokens.get(start..).unwrap_or_default());
    out
}

/// `word` as one word of a shell command line: in double quotes when it
/// holds a blank (`sh -c "terraform destroy"`).
fn quoted(word: &str) -> String {
    if word.chars().any(char::is_whitespace) || word.is_empty() {
        format!("\"{}\"", word.replace('"', "'"))
    } else {
        word.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(language: Language, lines: &str) -> Vec<String> {
        let mut r = ProgramReader::new(language);
        let mut out: Vec<String> = lines.lines().flat_map(|l| r.feed(l)).collect();
        out.extend(r.finish());
        out
    }

    #[test]
    fn python_calls_are_read() {
        let p = |s| read(Language::Python, s);
        assert_eq!(p(r#"os.system("terraform destroy -auto-approve")"#), ["terraform destroy -auto-approve"]);
        assert_eq!(p(r#"subprocess.check_call(["sh", "-c", "terraform destroy"])"#), [r#"sh -c "terraform destroy""#]);
        assert_eq!(
            p(r#"subprocess.run(f"kubectl delete namespace {ns}", shell=True)"#),
            ["kubectl delete namespace $ARG"]
        );
        assert_eq!(p("CMD = ['helm', 'uninstall', 'orders-db']\nsubprocess.run(CMD)"), ["helm uninstall orders-db"]);
        assert_eq!(p("c.run('make destroy')  # invoke"), ["make destroy"]);
        assert_eq!(p("# os.system('terraform destroy')"), Vec::<String>::new());
        assert_eq!(p("print('terraform destroy')"), Vec::<String>::new());
        assert_eq!(
            p("subprocess.run(\n    [\n        \"terraform\",\n        \"destroy\",\n    ],\n    check=True,\n)"),
            ["terraform destroy"]
        );
        assert_eq!(p("asyncio.run(main())"), Vec::<String>::new());
    }

    #[test]
    fn cloud_sdk_calls_are_read_as_their_tools_commands() {
        let p = |s| read(Language::Python, s);
        let js = |s| read(Language::JavaScript, s);
        let go = |s| read(Language::Go, s);
        let none = Vec::<String>::new();
        // boto3: the client's service, named or made in place.
        assert_eq!(
            p(
                "import boto3\nrds = boto3.client(\"rds\")\nrds.delete_db_instance(DBInstanceIdentifier=\"orders\", SkipFinalSnapshot=True)"
            ),
            ["aws rds delete-db-instance orders"]
        );
        assert_eq!(
            p("import boto3\nboto3.client('ec2', region_name='eu-west-1').terminate_instances(InstanceIds=ids)"),
            ["aws ec2 terminate-instances"]
        );
        assert_eq!(
            p(
                "import boto3\nclass Janitor:\n    def __init__(self):\n        self.ddb = boto3.client('dynamodb')\n    def run(self):\n        self.ddb.delete_table(\n            TableName='orders',\n        )"
            ),
            ["aws dynamodb delete-table orders"]
        );
        assert_eq!(
            p("import boto3\ns3 = boto3.resource('s3')\ns3.Bucket('orders-archive').delete()"),
            ["aws s3 delete-bucket"]
        );
        // A resource object given a name of any kind (a red team's: `b`
        // passed where `bucket` counted).
        assert_eq!(
            p("import boto3\nb = boto3.resource('s3').Bucket('orders-prod')\nb.delete()"),
            ["aws s3 delete-bucket"]
        );
        assert_eq!(
            p("import boto3\nx = boto3.resource('dynamodb').Table('orders')\nx.delete()"),
            ["aws dynamodb delete-table"]
        );
        // (A dry run, and a file that uses no SDK.)
        assert_eq!(
            p("import boto3\nec2 = boto3.client('ec2')\nec2.terminate_instances(InstanceIds=ids, DryRun=True)"),
            none
        );
        assert_eq!(p("cache.delete_table('orders')\ndb.delete_cluster()"), none);
        // AWS SDK for JavaScript, v3 and v2; Go.
        assert_eq!(
            js(
                "import { RDSClient, DeleteDBInstanceCommand } from \"@aws-sdk/client-rds\";\nawait client.send(\n  new DeleteDBInstanceCommand({\n    DBInstanceIdentifier: \"orders\",\n  })\n);"
            ),
            ["aws rds delete-db-instance orders"]
        );
        assert_eq!(
            js("const AWS = require('aws-sdk');\nawait new AWS.RDS().deleteDBCluster(params).promise();"),
            ["aws rds delete-db-cluster"]
        );
        assert_eq!(
            go(
                "import \"github.com/aws/aws-sdk-go-v2/service/rds\"\n_, err = client.DeleteDBInstance(ctx, &rds.DeleteDBInstanceInput{\n\tDBInstanceIdentifier: aws.String(\"orders\"),\n})"
            ),
            ["aws rds delete-db-instance orders"]
        );
        // Google Cloud, Azure, Kubernetes, Pulumi and Terraform wrappers.
        assert_eq!(
            p(
                "from googleapiclient import discovery\nsqladmin.instances().delete(project=p, instance='orders').execute()"
            ),
            ["gcloud instances delete orders"]
        );
        assert_eq!(
            p(
                "from azure.mgmt.resource import ResourceManagementClient\nclient.resource_groups.begin_delete('rg-prod').result()"
            ),
            ["az resource group delete rg-prod"]
        );
        assert_eq!(
            p("from kubernetes import client\nv1.delete_namespace(name='orders')"),
            ["kubectl delete namespace orders"]
        );
        assert_eq!(
            go(
                "import \"k8s.io/client-go/kubernetes\"\nerr := cs.CoreV1().PersistentVolumeClaims(ns).Delete(ctx, \"data\", metav1.DeleteOptions{})"
            ),
            ["kubectl delete persistentvolumeclaims data"]
        );
        assert_eq!(p("from kubernetes import client\nv1.delete_namespaced_pod(name, ns)"), none);
        assert_eq!(p("from pulumi import automation as auto\nstack.destroy(on_output=print)"), ["pulumi destroy"]);
        assert_eq!(
            p("from python_terraform import Terraform\nTerraform(working_dir='infra').destroy()"),
            ["terraform destroy"]
        );
    }

    #[test]
    fn other_languages_are_read() {
        assert_eq!(
            read(Language::Go, r#"cmd := exec.CommandContext(ctx, "helm", "uninstall", release)"#),
            ["helm uninstall $ARG"]
        );
        assert_eq!(
            read(Language::JavaScript, "execSync(`kubectl delete ns ${name}`, { cwd: 'k8s' })"),
            ["cd k8s && kubectl delete ns $ARG"]
        );
        assert_eq!(
            read(Language::JavaScript, "await $`terraform destroy -auto-approve`"),
            ["terraform destroy -auto-approve"]
        );
        assert_eq!(
            read(Language::JavaScript, "spawn('terraform', ['destroy', '-auto-approve'])"),
            ["terraform destroy -auto-approve"]
        );
        assert_eq!(read(Language::Ruby, "sh \"terraform destroy -auto-approve\""), ["terraform destroy -auto-approve"]);
        assert_eq!(read(Language::Ruby, "out = `dropdb orders`"), ["dropdb orders"]);
        assert_eq!(
            read(Language::Jvm, r#"new ProcessBuilder("kubectl", "delete", "pvc", "ledger").start();"#),
            ["kubectl delete pvc ledger"]
        );
        assert_eq!(read(Language::Jvm, "commandLine 'terraform', 'destroy'"), ["terraform destroy"]);
        assert_eq!(
            read(Language::Python, r#"subprocess.run(shlex.split("terraform destroy -auto-approve"))"#),
            ["terraform destroy -auto-approve"]
        );
        assert_eq!(read(Language::JavaScript, "execSync(`helm uninstall ${r}`, {cwd})"), ["helm uninstall $ARG"]);
        assert_eq!(
            read(Language::Python, r#"os.system(" ".join(["helm", "uninstall", release]))"#),
            ["helm uninstall $ARG"]
        );
        assert_eq!(read(Language::Python, r#"os.system(shlex.join(["dropdb", "orders"]))"#), ["dropdb orders"]);
        assert_eq!(
            read(Language::JavaScript, r#"execSync(["terraform", "destroy"].join(" "))"#),
            ["terraform destroy"]
        );
        assert_eq!(read(Language::Go, r#"// exec.Command("terraform", "destroy")"#), Vec::<String>::new());
    }

    /// Regressions (a red team of the first version): calls it missed and
    /// text it read as calls.
    #[test]
    fn red_team_cases_are_read() {
        let p = |s| read(Language::Python, s);
        let none = Vec::<String>::new();
        // Scripts over lines, in a string a shell runs.
        assert_eq!(
            p(
                "subprocess.run(\"\"\"\nset -euo pipefail\ncd infra/prod\nterraform destroy -auto-approve\n\"\"\", shell=True)"
            ),
            ["set -euo pipefail", "cd infra/prod", "terraform destroy -auto-approve"]
        );
        // A docstring's example, and a comment over lines, run nothing.
        assert_eq!(
            p("def nuke(c):\n    \"\"\"Tears it down:\n\n        c.run(\"terraform destroy\")\n    \"\"\"\n    pass"),
            none
        );
        assert_eq!(read(Language::Go, "/*\nexec.Command(\"terraform\", \"destroy\")\n*/"), none);
        assert_eq!(read(Language::Ruby, "sql = <<~SQL\n  `dropdb orders`\nSQL\nputs sql"), none);
        assert_eq!(read(Language::Perl, "=pod\n\n`dropdb orders`\n\n=cut\nprint 1;"), none);
        // A quote in a regular expression does not swallow what follows.
        assert_eq!(
            read(
                Language::JavaScript,
                "const strip = (s) => s.replace(/[\"']/g, '');\nexecSync('terraform destroy -auto-approve');"
            ),
            ["terraform destroy -auto-approve"]
        );
        // Lists joined, given by keyword, spread; settings; dry runs.
        assert_eq!(
            p("TF = [\"terraform\", \"-chdir=infra\"]\nsubprocess.run(TF + [\"destroy\", \"-auto-approve\"])"),
            ["terraform -chdir=infra destroy -auto-approve"]
        );
        assert_eq!(p("subprocess.run(check=True, args=[\"terraform\", \"destroy\"])"), ["terraform destroy"]);
        assert_eq!(
            p("subprocess.run([\"bin/rails\", \"db:drop\"], env={**os.environ, \"RAILS_ENV\": \"production\"})"),
            ["RAILS_ENV=production bin/rails db:drop"]
        );
        assert_eq!(p("run([\"kubectl\", \"delete\", \"namespace\", \"orders\"], dry_run=True)"), none);
        assert_eq!(
            read(
                Language::Go,
                "args := []string{\"delete\", \"namespace\", \"orders\"}\nexec.Command(\"kubectl\", args...).Run()"
            ),
            ["kubectl delete namespace orders"]
        );
        // Other forms of calls.
        assert_eq!(read(Language::Ruby, "%x(dropdb orders)"), ["dropdb orders"]);
        assert_eq!(read(Language::Perl, "my $out = qx{dropdb orders};"), ["dropdb orders"]);
        assert_eq!(read(Language::Ruby, "system! \"dropdb orders\""), ["dropdb orders"]);
        assert_eq!(
            read(Language::Go, "sh.RunV(\"terraform\", \"destroy\", \"-auto-approve\")"),
            ["terraform destroy -auto-approve"]
        );
        assert_eq!(read(Language::JavaScript, "await execa`dropdb orders`"), ["dropdb orders"]);
        assert_eq!(read(Language::Jvm, "commandLine = listOf(\"dropdb\", \"orders\")"), ["dropdb orders"]);
        assert_eq!(
            read(Language::Jvm, "\"kubectl delete namespace orders\".execute()"),
            ["kubectl delete namespace orders"]
        );
        assert_eq!(
            read(Language::JavaScript, "new Deno.Command(\"terraform\", { args: [\"destroy\"] })"),
            ["terraform destroy"]
        );
        // Not calls that start programs.
        assert_eq!(p("exec(\"print('dropdb orders')\")"), none);
        assert_eq!(read(Language::JavaScript, "log.call(null, 'kubectl delete namespace orders')"), none);
        assert_eq!(read(Language::JavaScript, "new Command('dropdb').description('drops')"), none);
    }

    #[test]
    fn paths_are_chosen() {
        assert_eq!(program_language("ops/cleanup.rb"), Some(Language::Ruby));
        assert_eq!(program_language("Rakefile"), Some(Language::Ruby));
        assert_eq!(program_language("web/gulpfile.js"), Some(Language::JavaScript));
        assert_eq!(program_language("src/app.js"), None);
        assert_eq!(program_language("bin/.keep"), None);
        assert_eq!(program_language("bin/run.exe"), None);
        // Application code, vendored code, tests and documents are not
        // scripts.
        assert_eq!(program_language("src/main/java/com/acme/ops/Cleanup.java"), None);
        assert_eq!(program_language("app/jobs/cleanup_job.rb"), None);
        assert_eq!(program_language("orders/tasks.py"), None);
        assert_eq!(program_language("tasks.py"), Some(Language::Python));
        assert_eq!(program_language("vendor/github.com/acme/kit/tools/gc/gc.go"), None);
        assert_eq!(program_language("scripts/test_teardown.py"), None);
        assert_eq!(program_language("ops/README"), None);
        assert_eq!(program_language("magefiles/infra.go"), Some(Language::Go));
    }

    #[test]
    fn hostile_text_ends() {
        // Unclosed strings, brackets and comments, and deep brackets.
        for text in ["run(\"", "run(((((", "/*", "system `", &"[".repeat(10_000), &"run(".repeat(5_000)] {
            for language in [Language::Python, Language::JavaScript, Language::Ruby, Language::Go] {
                let _ = read(language, text);
            }
        }
    }
}
