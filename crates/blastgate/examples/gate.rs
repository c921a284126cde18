//! A deployment gate in a page: load the graph (a Backstage catalog, traces,
//! an edge list), read the change from a git range, assess it, and act on
//! the decision.
//!
//! ```sh
//! cargo run -p blastgate --example gate -- --repo . --range origin/main..HEAD \
//!     --author "$PR_AUTHOR" [--policy FILE] [--context FILE] [--now RFC3339] [--fail-at DEPTH] catalog/*.yaml
//! ```
//!
//! It decides as `blastgate assess --graph FILE... --repo DIR --range A..B`
//! does with the same inputs: the owners come from the CODEOWNERS file on
//! the branch the change goes into, `--author` is the author as the CI
//! platform knows them (the commit email is whatever the committer set),
//! and git's notes are shown as warnings. It deploys now: the context is
//! read as of the clock (or `--now`, to replay), with a warning when it
//! describes another time. Exit codes are those of
//! `blastgate assess` (docs/cli.md, "Exit codes"): 0 go ahead, with the
//! approvals listed; 1 stop: the depth is at or above `--fail-at` (`block`
//! unless given) or the assessment met an error; 2 bad input; 3 a limit
//! exceeded or an internal error. Any code but 0 means "do not deploy".
//!
//! Copy it and replace `act` with what your deploy tool does: request the
//! approvals, pick the rollout, or stop.

use std::path::PathBuf;
use std::process::ExitCode;

use blastgate::assess::{
    AssessOptions, Assessment, Diagnostic, Engine, Level, ReviewDepth, default_policy, digest_of, load_policy,
};
use blastgate::change::{CodeOwners, RepoMapping, replace_author};
use blastgate::context::{Context, Timestamp, load_context_at};
use blastgate::git::{GitOptions, codeowners_at, git_change};
use blastgate::graph::{BuildOptions, GraphLoader};
use blastgate::{ChangeError, GraphError};

fn main() -> ExitCode {
    ExitCode::from(gate(std::env::args().skip(1)))
}

/// Runs the gate on its arguments, prints what to do, and returns the exit
/// code.
pub fn gate(args: impl Iterator<Item = String>) -> u8 {
    match decide(args) {
        Ok((assessment, stops)) => {
            act(&assessment, stops);
            u8::from(stops)
        }
        Err(failure) => {
            eprintln!("error: {}", failure.message);
            failure.code
        }
    }
}

/// Nothing was decided: bad input (exit 2), or a limit or internal error
/// (exit 3), as `blastgate assess` exits.
#[derive(Debug)]
pub struct Failure {
    pub code: u8,
    pub message: String,
}

impl From<ChangeError> for Failure {
    fn from(e: ChangeError) -> Self {
        Self { code: if e.is_limit() { 3 } else { 2 }, message: e.to_string() }
    }
}

impl From<GraphError> for Failure {
    fn from(e: GraphError) -> Self {
        Self { code: if e.is_limit() { 3 } else { 2 }, message: e.to_string() }
    }
}

fn usage(message: String) -> Failure {
    Failure { code: 2, message }
}

/// The assessment, and whether the gate stops the change.
pub fn decide(mut args: impl Iterator<Item = String>) -> Result<(Assessment, bool), Failure> {
    let (mut repo, mut range, mut fail_at) = (PathBuf::from("."), String::from("HEAD~1..HEAD"), ReviewDepth::Block);
    let (mut author, mut policy, mut context, mut graph_files) = (None, None, None, Vec::new());
    let mut now = None;
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or_else(|| usage(format!("{arg} needs a value")));
        match arg.as_str() {
            "--repo" => repo = value()?.into(),
            "--range" => range = value()?,
            "--author" => author = Some(value()?),
            "--policy" => policy = Some(PathBuf::from(value()?)),
            "--context" => context = Some(PathBuf::from(value()?)),
            "--now" => {
                let text = value()?;
                now = Some(Timestamp::parse(&text).map_err(|e| usage(format!("--now `{text}`: {}", e.message())))?);
            }
            "--fail-at" => {
                let depth = value()?;
                fail_at =
                    ReviewDepth::parse(&depth).ok_or_else(|| usage(format!("--fail-at `{depth}`: no such depth")))?;
            }
            _ => graph_files.push(PathBuf::from(arg)),
        }
    }
    if graph_files.is_empty() {
        return Err(usage("give the graph: one or more files, such as Backstage catalog-info.yaml files".into()));
    }

    // 1. The graph and the policy, the gate's own inputs: take them from
    //    the branch the change goes into, never from the change.
    let mut loader = GraphLoader::new(BuildOptions::default());
    for file in &graph_files {
        loader.add_file(file, None)?;
    }
    let policy = match &policy {
        Some(path) => load_policy(path)?,
        None => default_policy()?,
    };
    let engine = Engine::new(loader.build_frozen()?, policy)?;

    // 2. The change, from git: files, sizes, AI trailers, history metrics,
    //    and notes on what could not be measured. The author is the one
    //    the CI platform names, whose experience git did not measure.
    let git = GitOptions::default();
    let change = git_change(&repo, &range, &git)?;
    let (mut changeset, mut warnings, submodules) = (change.changeset, change.notes, change.submodules);
    if let Some(id) = &author {
        warnings.extend(replace_author(&mut changeset, id)?);
    }

    // 3. The owners: the CODEOWNERS file on the range's left side, the
    //    branch the change goes into (the change's own edits to it do not
    //    choose its reviewers).
    let left = range.split_once("...").or_else(|| range.split_once("..")).map(|(left, _)| left);
    // Submodules are directories to CODEOWNERS (`vendorlib/` owns one).
    let mut mapping = RepoMapping::from_graph(engine.graph()).with_directories(submodules.iter().cloned());
    let mut mapping_digest = String::new();
    if let Some(base) = left.filter(|l| !l.is_empty()).or(changeset.base.as_deref())
        && let Some((path, bytes)) = codeowners_at(&repo, base, &git)?
    {
        mapping = mapping.with_codeowners(CodeOwners::parse(&format!("{base}:{path}"), &bytes)?);
        let joined = submodules.join("\0");
        let mut parts: Vec<&[u8]> = vec![b"codeowners", &bytes];
        if !submodules.is_empty() {
            parts.extend([b"directories".as_slice(), joined.as_bytes()]);
        }
        mapping_digest = digest_of(&parts);
        warnings.push(format!("owners read from `{base}:{path}`"));
    }
    warnings.extend(mapping.warnings());

    // 4. The context: a real gate reads incidents, freezes and error
    //    budgets from its own systems. "now" is always an input, never a
    //    clock read inside the engine: this gate deploys now, so it
    //    assesses at the clock (or `--now`, to replay), and says so when
    //    the context describes another time (what is in force at the
    //    deploy may be missing from it).
    let now = match now {
        Some(now) => now,
        None => system_clock().ok_or_else(|| Failure { code: 3, message: "no clock".into() })?,
    };
    let context = match &context {
        // A freeze calendar may state no `now` of its own: dated now.
        Some(path) => load_context_at(path, now)?.0,
        None => Context::new(now),
    };

    // 5. Assess at the deploy's instant: `assess_at` reads the context as
    //    of it, and warns `stale-context` when the context describes
    //    another time. Warnings join the diagnostics; an error diagnostic
    //    stops the gate whatever the depth and `fail_at` (`gate_at`).
    let options = AssessOptions::default().with_mapping(&mapping, &mapping_digest).history_measured(true);
    let mut assessment = engine.assess_at(&changeset, &context, now, &options);
    for w in warnings {
        assessment.diagnostics.push(Diagnostic::new(Level::Warning, "input", w));
    }
    if let Some(place) = assessment.non_finite_number() {
        return Err(Failure { code: 3, message: format!("non-finite number at `{place}`; nothing was decided") });
    }
    let stops = assessment.gate_at(fail_at);
    Ok((assessment, stops))
}

fn system_clock() -> Option<Timestamp> {
    let seconds = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).ok()?.as_secs();
    Timestamp::from_unix_seconds(i64::try_from(seconds).ok()?)
}

fn act(a: &Assessment, stops: bool) {
    println!("{}", a.decision.summary);
    for rule in &a.rules {
        println!("  rule {}: {}", rule.id, rule.message);
    }
    for d in &a.diagnostics {
        println!("  {:?} {}: {}", d.level, d.code, d.message);
    }
    if stops {
        let why = if a.has_errors() { "the assessment met an error" } else { "the review depth is too high to deploy" };
        println!("stop: {why}; {}", a.decision.break_glass.as_deref().unwrap_or("do not deploy"));
    } else if a.review_depth() == ReviewDepth::Auto {
        println!("deploy: no review needed");
    } else {
        println!("{}: wait for these approvals, then roll out {:?}:", a.review_depth(), a.rollout.strategy);
        for p in &a.decision.required_approvals {
            let teams = if p.teams.is_empty() { "any team".to_owned() } else { p.teams.join(" or ") };
            println!("  {:?} x{} from {teams}: {}", p.role, p.count, p.reason);
        }
    }
}
