//! The gate example (`examples/gate.rs`), which the README tells gate
//! authors to copy, run on real git repositories and a fixture graph: it
//! must decide and exit as `blastgate assess` does (an audit found it
//! passed changes that had met an error, exited 2 on limits, read no
//! owners, took the commit email as the author and dropped git's notes).
//!
//! git runs with `GIT_CONFIG_GLOBAL=/dev/null` and `GIT_CONFIG_NOSYSTEM=1`
//! and the identity in the environment, so the test passes on a machine
//! with no global git configuration.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a panic is a failed test"
)]

#[path = "../examples/gate.rs"]
#[expect(dead_code, reason = "the example's `main` is not called here")]
mod gate;

use std::path::{Path, PathBuf};
use std::process::Command;

use blastgate::assess::{Assessment, DEFAULT_POLICY, Level, ReviewDepth};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures")
}

fn boutique() -> String {
    fixtures().join("graphs/online-boutique.edges").display().to_string()
}

/// A fresh folder of its own, removed when the test ends (pass or fail).
fn tempdir(name: &str) -> tempfile::TempDir {
    tempfile::Builder::new().prefix(&format!("blastgate-gate-example-{name}-")).tempdir().unwrap()
}

fn git(repo: &Path, email: &str, args: &[&str]) {
    let o = Command::new("git")
        .arg("-C")
        .arg(repo)
        .args(["-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main"])
        .args(args)
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .env_remove("GIT_INDEX_FILE")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", "Dev")
        .env("GIT_AUTHOR_EMAIL", email)
        .env("GIT_COMMITTER_NAME", "Dev")
        .env("GIT_COMMITTER_EMAIL", email)
        .output()
        .unwrap();
    assert!(o.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&o.stderr));
}

fn write(dir: &Path, path: &str, text: &str) -> String {
    let full = dir.join(path);
    std::fs::create_dir_all(full.parent().unwrap()).unwrap();
    std::fs::write(&full, text).unwrap();
    full.display().to_string()
}

/// A repository whose base commit says `@team-cart` owns the cart service;
/// the change, committed as `principal@example.com`, edits the cart, drops
/// a column in a migration and makes itself its own owner in CODEOWNERS.
fn repo(dir: &Path) -> String {
    let repo = dir.join("repo");
    std::fs::create_dir_all(&repo).unwrap();
    let commit = |message: &str| git(&repo, "principal@example.com", &["commit", "-q", "-m", message]);
    git(&repo, "principal@example.com", &["init", "-q"]);
    write(&repo, ".github/CODEOWNERS", "/src/cartservice/ @team-cart\n");
    write(&repo, "src/cartservice/cart.go", "package cart\n");
    write(&repo, "src/cartservice/db/migrations/0001_init.sql", "CREATE TABLE carts (id int, legacy int);\n");
    git(&repo, "principal@example.com", &["add", "."]);
    commit("init");
    write(&repo, ".github/CODEOWNERS", "/src/cartservice/ @someone-else\n");
    write(&repo, "src/cartservice/cart.go", "package cart\n\nfunc Add() {}\n");
    write(&repo, "src/cartservice/db/migrations/0002_drop.sql", "ALTER TABLE carts DROP COLUMN legacy;\n");
    git(&repo, "principal@example.com", &["add", "."]);
    commit("Add to cart");
    repo.display().to_string()
}

const CONTEXT: &str = r#"{"apiVersion": "blastgate.dev/v1", "kind": "Context", "now": "2026-11-27T10:00:00Z",
  "people": [{"id": "principal@example.com", "seniority": "principal"}, {"id": "dana", "seniority": "junior"}]}"#;

fn args(list: &[&str]) -> std::vec::IntoIter<String> {
    list.iter().map(|&a| a.to_owned()).collect::<Vec<_>>().into_iter()
}

/// The owners come from the CODEOWNERS file on the range's left side, the
/// author from `--author` (the commit's email and its experience are
/// dropped, with a warning), and git's notes are warnings.
#[test]
fn the_gate_reads_owners_author_and_notes_as_the_cli_does() {
    let tmp = tempdir("owners");
    let dir = tmp.path();
    let repo = repo(dir);
    let context = write(dir, "context.json", CONTEXT);
    let graph = boutique();
    let base = ["--repo", &repo, "--range", "HEAD~1..HEAD", "--context", &context, &graph];
    let (a, stops) = gate::decide(args(&[&base[..], &["--author", "dana"]].concat())).unwrap();
    assert_eq!(a.decision.separation_of_duties.excluded_author, "dana", "{a:?}");
    let teams: Vec<&str> =
        a.decision.required_approvals.iter().flat_map(|p| p.teams.iter().map(String::as_str)).collect();
    assert!(teams.contains(&"@team-cart") && !teams.contains(&"@someone-else"), "{teams:?}");
    let warning = |text: &str| {
        a.diagnostics.iter().any(|d| d.level == Level::Warning && d.code == "input" && d.message.contains(text))
    };
    assert!(warning("`principal@example.com` is replaced by `dana`"), "{:?}", a.diagnostics);
    assert!(warning("0002_drop.sql"), "git's note on the dropped column: {:?}", a.diagnostics);
    assert!(warning("owners read from `HEAD~1:.github/CODEOWNERS`"), "{:?}", a.diagnostics);
    assert!(!a.has_errors() && a.review_depth() < ReviewDepth::Block && !stops, "{a:?}");
    assert!(a.gate.is_some_and(|g| g.fail_at == ReviewDepth::Block && !g.stops));

    // Exit codes: 0 go ahead, 1 stop at `--fail-at`, 2 bad input, 3 a limit.
    assert_eq!(gate::gate(args(&base)), 0);
    assert_eq!(gate::gate(args(&[&base[..], &["--fail-at", "peer"]].concat())), 1);
    let bad_range = ["--repo", &repo, "--range", "nope..HEAD", &graph];
    assert_eq!(gate::gate(args(&bad_range)), 2);
    // The gate deploys now: an old context is read as of now, and said to
    // be old; `--now` replays (a red-team audit: it assessed at the
    // context's own `now`, hiding what is in force at the deploy).
    let stale = |a: &Assessment| a.diagnostics.iter().any(|d| d.code == "stale-context");
    assert!(stale(&a), "{:?}", a.diagnostics);
    let (replay, _) = gate::decide(args(&[&base[..], &["--now", "2026-11-27T10:00:00Z"]].concat())).unwrap();
    assert!(!stale(&replay), "{:?}", replay.diagnostics);
    assert_eq!(gate::gate(args(&[&base[..], &["--now", "yesterday"]].concat())), 2);
    let deep = write(dir, "deep.json", &format!("{}{}", "[".repeat(500), "]".repeat(500)));
    let failure = gate::decide(args(&["--repo", &repo, "--context", &deep, &graph])).unwrap_err();
    assert_eq!(failure.code, 3, "{}", failure.message);
    assert!(failure.message.contains("max_nesting_depth"), "{}", failure.message);
}

/// An assessment that met an error stops the gate (exit 1) even under a
/// policy whose `error_depth` is below `--fail-at`: the example printed
/// approvals and exited 0.
#[test]
fn an_error_stops_the_gate_below_fail_at() {
    let tmp = tempdir("error");
    let dir = tmp.path();
    let repo = repo(dir);
    let policy = DEFAULT_POLICY.replacen("error_depth = \"block\"", "error_depth = \"multi_party\"", 1);
    assert!(policy.contains("error_depth = \"multi_party\""));
    let policy = write(dir, "policy.toml", &policy);
    let context = write(dir, "context.json", CONTEXT);
    let graph = boutique();
    // An empty range changes nothing: an `empty-change` error.
    let list = ["--repo", &repo, "--range", "HEAD..HEAD", "--policy", &policy, "--context", &context, &graph];
    let (a, stops) = gate::decide(args(&list)).unwrap();
    assert!(a.has_errors() && a.review_depth() < ReviewDepth::Block, "{a:?}");
    assert!(stops);
    assert_eq!(gate::gate(args(&list)), 1);
}

/// An error a gate adds after the assessment (its own input failed) stops
/// the gate whatever the depth, though the decision stays the engine's (an
/// embedder audit read the depth alone after such an error: `owner`).
#[test]
fn an_error_added_later_stops_the_gate_at_any_depth() {
    use blastgate::assess::{Diagnostic, Engine, default_policy};
    use blastgate::context::{Context, Timestamp};
    use blastgate::graph::{BuildOptions, GraphLoader};
    let mut loader = GraphLoader::new(BuildOptions::default());
    loader.add_bytes("g.edges", b"web api\napi db\n", None).unwrap();
    let engine = Engine::new(loader.build().unwrap().freeze(), default_policy().unwrap()).unwrap();
    let change = blastgate::change::parse_changeset(
        "c.json",
        br#"{"apiVersion": "blastgate.dev/v1", "kind": "Changeset", "id": "c1",
            "author": {"id": "ana", "seniority": "senior"}, "services": ["web"]}"#,
    )
    .unwrap();
    let mut a = engine.assess(&change, &Context::new(Timestamp::parse("2026-11-27T10:00:00Z").unwrap()));
    assert!(a.review_depth() < ReviewDepth::Block && !a.has_errors(), "{:?}", a.decision);
    assert!(!a.clone().gate_at(ReviewDepth::Block));
    let depth = a.review_depth();
    a.add_diagnostics([Diagnostic::new(Level::Error, "codeowners", "CODEOWNERS could not be fetched")]);
    assert!(a.has_errors());
    assert_eq!(a.review_depth(), depth, "the decision stays the engine's");
    assert!(a.gate_at(ReviewDepth::Block), "a gate stops on the error");
    // A gate recorded before the error is added stops too: the record must
    // not say it let the assessment through (an embedder audit).
    let mut b = engine.assess(&change, &Context::new(Timestamp::parse("2026-11-27T10:00:00Z").unwrap()));
    assert!(!b.gate_at(ReviewDepth::Block));
    b.add_diagnostics([Diagnostic::new(Level::Error, "codeowners", "CODEOWNERS could not be fetched")]);
    let json: serde_json::Value = serde_json::from_str(&blastgate::assess::to_json(&b)).unwrap();
    assert_eq!(json["gate"]["stops"], true, "{}", json["gate"]);
}
