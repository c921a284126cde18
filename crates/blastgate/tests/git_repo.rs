//! `changeset_from_git` on real throwaway repositories: files, statuses,
//! renames, copies, binary files, provenance, fix flags, history metrics,
//! the error cases, and the tests credit a range earns.
//!
//! Every repository lives in its own temporary folder. git runs with
//! `GIT_CONFIG_GLOBAL=/dev/null` and `GIT_CONFIG_NOSYSTEM=1` and the
//! identity in the environment, so the tests pass on a machine with no
//! global git configuration (CI) and ignore a developer's own settings.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a panic is a failed test"
)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

use blastgate::change::ChangeKind;
use blastgate::git::{
    AiInvolvement, ChangeError, FileChange, FileStatus, GitOptions, ProvenanceSource, changeset_from_git,
    codeowners_at, git_change,
};

/// 2023-11-14T22:13:20Z; test dates are days after it.
const EPOCH: i64 = 1_700_000_000;

struct Repo {
    dir: PathBuf,
}

impl Repo {
    fn new(name: &str) -> Self {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("blastgate-git-{}-{name}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let repo = Self { dir };
        repo.git(&["-c", "init.defaultBranch=main", "init", "-q"]);
        repo
    }

    fn path(&self) -> &Path {
        &self.dir
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new("git");
        cmd.arg("-C").arg(&self.dir).args(["-c", "commit.gpgsign=false"]).args(args);
        for var in ["GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_CONFIG_PARAMETERS", "GIT_CONFIG_COUNT"] {
            cmd.env_remove(var);
        }
        cmd.env("GIT_CONFIG_GLOBAL", "/dev/null").env("GIT_CONFIG_NOSYSTEM", "1").env("LC_ALL", "C");
        cmd.env("GIT_AUTHOR_NAME", "Dev").env("GIT_AUTHOR_EMAIL", "dev@example.com");
        cmd.env("GIT_COMMITTER_NAME", "Dev").env("GIT_COMMITTER_EMAIL", "dev@example.com");
        cmd
    }

    fn git(&self, args: &[&str]) -> String {
        let out = self.command(args).output().unwrap();
        assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap().trim().to_owned()
    }

    fn write(&self, path: &str, contents: &[u8]) {
        let full = self.dir.join(path);
        std::fs::create_dir_all(full.parent().unwrap()).unwrap();
        std::fs::write(full, contents).unwrap();
    }

    fn remove(&self, path: &str) {
        std::fs::remove_file(self.dir.join(path)).unwrap();
    }

    /// Stages everything and commits as `who` (`Name <email>`) on `day`;
    /// returns the full hash.
    fn commit_as(&self, who: (&str, &str), day: f64, message: &str) -> String {
        self.git(&["add", "-A"]);
        let date = format!("@{} +0000", EPOCH + (day * 86_400.0) as i64);
        let out = self
            .command(&["commit", "-q", "--allow-empty", "-m", message])
            .env("GIT_AUTHOR_NAME", who.0)
            .env("GIT_AUTHOR_EMAIL", who.1)
            .env("GIT_AUTHOR_DATE", &date)
            .env("GIT_COMMITTER_DATE", &date)
            .output()
            .unwrap();
        assert!(out.status.success(), "commit: {}", String::from_utf8_lossy(&out.stderr));
        self.git(&["rev-parse", "HEAD"])
    }

    fn commit(&self, day: f64, message: &str) -> String {
        self.commit_as(("Dev", "dev@example.com"), day, message)
    }

    /// Writes `count` commits by `who` onto `main` with `git fast-import`
    /// (ten thousand take a fraction of a second, where `git commit` takes
    /// minutes), a minute apart from `day`: the first adds `path`, the
    /// others are empty. The work tree is then checked out at the last.
    fn fast_import(&self, who: (&str, &str), count: usize, day: f64, path: &str) {
        use std::io::Write;
        let mut stream = Vec::new();
        for i in 0..count {
            let time = EPOCH + (day * 86_400.0) as i64 + 60 * i as i64;
            let message = format!("Commit {i}\n");
            let ident = format!("{} <{}> {time} +0000", who.0, who.1);
            write!(stream, "commit refs/heads/main\nauthor {ident}\ncommitter {ident}\n").unwrap();
            write!(stream, "data {}\n{message}", message.len()).unwrap();
            if i == 0 {
                write!(stream, "M 100644 inline {path}\ndata 6\nfirst\n\n").unwrap();
            }
        }
        let mut child = self.command(&["fast-import", "--quiet"]).stdin(std::process::Stdio::piped()).spawn().unwrap();
        child.stdin.take().unwrap().write_all(&stream).unwrap();
        assert!(child.wait().unwrap().success(), "git fast-import failed");
        self.git(&["reset", "-q", "--hard", "main"]);
    }
}

impl Drop for Repo {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn lines(n: usize, tag: &str) -> Vec<u8> {
    (0..n).map(|i| format!("{tag} line {i} with enough text to be similar\n")).collect::<String>().into_bytes()
}

fn file<'a>(files: &'a [FileChange], path: &str) -> &'a FileChange {
    files.iter().find(|f| f.path == path).unwrap_or_else(|| panic!("no file {path:?} in {files:#?}"))
}

fn range(a: &str, b: &str) -> String {
    format!("{a}..{b}")
}

fn git_detail(err: &ChangeError) -> (&str, Option<&str>) {
    match err {
        ChangeError::Git(d) => (d.message(), d.help()),
        other => panic!("expected a git error, got {other:?}"),
    }
}

#[test]
fn files_statuses_renames_copies_binary_and_deletes() {
    let repo = Repo::new("files");
    repo.write("keep.txt", &lines(10, "keep"));
    repo.write("old name.txt", &lines(20, "moved"));
    repo.write("gone.txt", &lines(3, "gone"));
    repo.write("src/orig.txt", &lines(20, "orig"));
    let base = repo.commit(0.0, "Initial import");

    let mut keep = lines(9, "keep");
    keep.extend(b"new one\nnew two\n");
    repo.write("keep.txt", &keep);
    repo.remove("old name.txt");
    let mut moved = lines(20, "moved");
    moved.extend(b"one more line\n");
    repo.write("dir with space/new\tname.txt", &moved);
    repo.remove("gone.txt");
    repo.write("img/logo.bin", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x01\x02");
    let mut orig = lines(20, "orig");
    orig.extend(b"changed source\n");
    repo.write("src/orig.txt", &orig);
    repo.write("src/copy.txt", &lines(20, "orig"));
    repo.write("new.txt", b"hello\n");
    let head = repo.commit(1.0, "Reorganise files\n\nMove, copy and drop a few.");

    let change = changeset_from_git(repo.path(), &range(&base, &head), &GitOptions::default()).unwrap();
    assert_eq!(change.api_version, "blastgate.dev/v1");
    assert_eq!(change.kind, "Changeset");
    assert_eq!(change.id, format!("{}..{}", &base[..12], &head[..12]));
    assert_eq!((change.base.as_deref(), change.head.as_deref()), (Some(base.as_str()), Some(head.as_str())));
    assert_eq!(change.title.as_deref(), Some("Reorganise files"));
    assert_eq!(change.author.id, "dev@example.com");
    assert_eq!(change.files.len(), 7, "{:#?}", change.files);

    let keep = file(&change.files, "keep.txt");
    assert_eq!((keep.status, keep.added, keep.deleted, keep.binary), (FileStatus::Modified, 2, 1, false));
    let renamed = file(&change.files, "dir with space/new\tname.txt");
    assert_eq!(renamed.status, FileStatus::Renamed);
    assert_eq!(renamed.old_path.as_deref(), Some("old name.txt"));
    // Documentation (a `.txt` at the top) moved into a folder, where a
    // `.txt` may be data a service reads: its whole content counts.
    assert_eq!((renamed.added, renamed.deleted), (21, 0));
    let gone = file(&change.files, "gone.txt");
    assert_eq!((gone.status, gone.deleted), (FileStatus::Deleted, 3));
    let logo = file(&change.files, "img/logo.bin");
    // A binary file's lines (its pieces separated by a newline or a bare
    // carriage return) count too.
    assert_eq!((logo.status, logo.binary, logo.added, logo.deleted), (FileStatus::Added, true, 4, 0));
    // A copy is a new file: no copy detection.
    let copy = file(&change.files, "src/copy.txt");
    assert_eq!((copy.status, copy.old_path.as_deref(), copy.added), (FileStatus::Added, None, 20));
    let orig = file(&change.files, "src/orig.txt");
    assert_eq!((orig.status, orig.added), (FileStatus::Modified, 1));
    assert_eq!(file(&change.files, "new.txt").status, FileStatus::Added);
}

/// Regression: a committed `.gitattributes` saying `* -diff` made git
/// report every file as binary with no line counts, and a bare clone of the
/// same range read differently from the checkout.
#[test]
fn attributes_in_the_work_tree_never_hide_lines() {
    let repo = Repo::new("attributes");
    repo.write("payments/ledger.py", &lines(10, "ledger"));
    let base = repo.commit(0.0, "Initial");
    repo.write(".gitattributes", b"* -diff\n*.py binary\n");
    let mut grown = lines(10, "ledger");
    grown.extend(lines(2000, "more"));
    repo.write("payments/ledger.py", &grown);
    let mut source_with_nul = lines(5, "nul");
    source_with_nul.extend(b"x = '\x00'\n");
    repo.write("payments/nul.py", &source_with_nul);
    let head = repo.commit(1.0, "Grow the ledger");
    assert!(repo.path().join(".gitattributes").exists(), "the attributes are checked out");

    let change = changeset_from_git(repo.path(), &range(&base, &head), &GitOptions::default()).unwrap();
    let ledger = file(&change.files, "payments/ledger.py");
    assert_eq!((ledger.added, ledger.deleted, ledger.binary), (2000, 0, false));
    assert_eq!(file(&change.files, ".gitattributes").added, 2);
    let nul = file(&change.files, "payments/nul.py");
    assert_eq!((nul.added, nul.binary), (6, true), "a file with a NUL byte is binary and its lines count");

    // A bare clone has no work tree and reads the same.
    let bare = repo.path().join("bare.git");
    repo.git(&["clone", "-q", "--bare", ".", bare.to_str().unwrap()]);
    let from_bare = changeset_from_git(&bare, &range(&base, &head), &GitOptions::default()).unwrap();
    assert_eq!(from_bare.files, change.files);
}

/// A shallow clone of `origin` (`--depth DEPTH` of `main`) that also has
/// the tag `base` (fetched with depth 1).
fn shallow_clone(origin: &Repo, name: &str, depth: &str) -> Repo {
    let clone = Repo::new(name);
    let url = format!("file://{}", origin.path().display());
    clone.git(&["remote", "add", "origin", &url]);
    clone.git(&["fetch", "-q", "--depth", depth, "origin", "main"]);
    clone.git(&["checkout", "-q", "-b", "main", "FETCH_HEAD"]);
    clone.git(&["fetch", "-q", "--depth", "1", "origin", "tag", "base"]);
    assert_eq!(clone.git(&["rev-parse", "--is-shallow-repository"]), "true");
    clone
}

/// Regression: in a `--depth 1` clone the range `base..HEAD` silently
/// lost its earlier commits, so an `Agent:` trailer and a feature subject
/// on them vanished (`ai` none, `fix` true: a freeze let it through).
#[test]
fn a_range_cut_by_a_shallow_clone_is_refused() {
    let origin = Repo::new("shallow-origin");
    origin.write("payments/a.txt", b"1\n");
    origin.commit(0.0, "Initial");
    origin.git(&["tag", "base"]);
    origin.write("payments/a.txt", b"2\n");
    origin.commit(1.0, "Add instant payouts\n\nAgent: openhands");
    origin.write("payments/a.txt", b"3\n");
    origin.commit(2.0, "fix: typo");

    let clone = shallow_clone(&origin, "shallow-range", "1");
    let err = changeset_from_git(clone.path(), "base..HEAD", &GitOptions::default()).unwrap_err();
    let (message, help) = git_detail(&err);
    assert!(message.contains("shallow"), "{err}");
    assert!(help.is_some_and(|h| h.contains("git fetch --unshallow") && h.contains("fetch-depth: 0")), "{err}");
    // `A...B` whose merge base was not fetched: the hint says to fetch
    // more history, not to use `BASE..HEAD`, which means something else
    // (a git audit).
    let err = changeset_from_git(clone.path(), "base...HEAD", &GitOptions::default()).unwrap_err();
    let (message, help) = git_detail(&err);
    assert!(message.contains("shallow clone") && message.contains("merge base"), "{err}");
    let help = help.unwrap_or_default();
    assert!(help.contains("--deepen") && help.contains("--unshallow") && !help.contains("BASE..HEAD"), "{err}");

    clone.git(&["fetch", "-q", "--unshallow", "origin"]);
    let change = changeset_from_git(clone.path(), "base...HEAD", &GitOptions::default()).unwrap();
    assert_eq!(change.base.as_deref(), Some(clone.git(&["rev-parse", "base"]).as_str()));
    let change = changeset_from_git(clone.path(), "base..HEAD", &GitOptions::default()).unwrap();
    assert_eq!((change.provenance.ai, change.fix), (Some(AiInvolvement::Agent), Some(false)));
}

/// Regression: in a shallow clone the history before the base was cut
/// without a word, so `ndev` and `nuc` counted only the fetched commits.
#[test]
fn history_in_a_shallow_clone_leaves_out_what_the_cut_would_understate() {
    let origin = Repo::new("shallow-history-origin");
    for (day, who) in [(0.0, ("Ann", "ann@example.com")), (1.0, ("Bob", "bob@example.com"))] {
        origin.write("payments/a.txt", format!("{day}\n").as_bytes());
        origin.commit_as(who, day, "Change a");
    }
    origin.write("payments/a.txt", b"base\n");
    origin.commit(2.0, "Base");
    origin.git(&["tag", "base"]);
    origin.write("payments/a.txt", b"head\n");
    origin.commit(3.0, "Change a again");

    let full = Repo::new("shallow-history-full");
    full.git(&["fetch", "-q", &format!("file://{}", origin.path().display()), "main:full", "tag", "base"]);
    let whole = git_change(full.path(), "base..full", &GitOptions::default()).unwrap();
    let h = whole.changeset.history.unwrap();
    assert_eq!((h.ndev, h.nuc), (Some(3.0), Some(3.0)));
    assert!(whole.notes.is_empty(), "{:?}", whole.notes);

    let clone = shallow_clone(&origin, "shallow-history", "2");
    let cut = git_change(clone.path(), "base..HEAD", &GitOptions::default()).unwrap();
    let h = cut.changeset.history.unwrap();
    assert_eq!((h.ndev, h.nuc, h.age), (None, None, None));
    assert_eq!(h.exp, Some(1.0), "the fetched base commit by the author still counts");
    assert_eq!(h.sexp, Some(0.0), "the boundary commit does not count as touching every file");
    assert_eq!(cut.notes.len(), 1, "{:?}", cut.notes);
    assert!(cut.notes[0].contains("shallow") && cut.notes[0].contains("`ndev`"), "{:?}", cut.notes);
    assert_eq!(cut.changeset.files, whole.changeset.files);
}

/// Regression: an author log cut at `MAX_COMMITS` commits was read
/// without a word (docs/formats.md promises a note): `exp`, `rexp` and
/// `sexp` count only the commits read.
#[test]
fn a_cut_author_log_is_noted() {
    let repo = Repo::new("cut-author-log");
    let ann = ("Ann", "ann@example.com");
    repo.fast_import(ann, blastgate::git::MAX_COMMITS + 1, 0.0, "svc/a.txt");
    let base = repo.git(&["rev-parse", "HEAD"]);
    repo.write("svc/a.txt", b"second\n");
    let head = repo.commit_as(ann, 30.0, "Change a");

    let change = git_change(repo.path(), &range(&base, &head), &GitOptions::default()).unwrap();
    let h = change.changeset.history.unwrap();
    assert_eq!(h.exp, Some(blastgate::git::MAX_COMMITS as f64), "a lower bound: the commits read");
    assert_eq!((h.ndev, h.nuc), (Some(1.0), Some(1.0)), "the files' log is whole");
    assert_eq!(change.notes.len(), 1, "{:?}", change.notes);
    assert!(
        change.notes[0].contains("author's commits") && change.notes[0].contains("`exp`, `rexp` and `sexp`"),
        "{:?}",
        change.notes
    );
}

/// Regression: with copy detection, copying a 3,000-line file to a new
/// path and touching the source made the new file `copied` with 0 added
/// lines.
#[test]
fn a_copy_counts_as_a_new_file() {
    let repo = Repo::new("copy");
    repo.write("payments/charge.py", &lines(3000, "charge"));
    let base = repo.commit(0.0, "Initial");
    repo.write("payments/refund.py", &lines(3000, "charge"));
    let mut touched = lines(3000, "charge");
    touched.extend(b"# touched\n");
    repo.write("payments/charge.py", &touched);
    let head = repo.commit(1.0, "Add refunds");

    let change = changeset_from_git(repo.path(), &range(&base, &head), &GitOptions::default()).unwrap();
    let copy = file(&change.files, "payments/refund.py");
    assert_eq!((copy.status, copy.added, copy.old_path.as_deref()), (FileStatus::Added, 3000, None));
    assert_eq!(change.files.iter().map(|f| f.added).sum::<u64>(), 3001);
}

/// The changeset names the repository of the `origin` remote, without the
/// user and token a CI checkout's URL carries, so that a catalog's source
/// locations in other repositories place none of its files (red team 17:
/// another repository's `tree/main/cmd/` claimed this one's `cmd/`). A
/// local clone's origin names no host: no repository.
#[test]
fn the_origin_remote_names_the_repository_without_credentials() {
    let repo = Repo::new("origin");
    repo.write("cmd/payments/main.go", &lines(10, "main"));
    let base = repo.commit(0.0, "Initial");
    repo.write("cmd/payments/main.go", &lines(12, "main"));
    let head = repo.commit(1.0, "Change");
    let read = || changeset_from_git(repo.path(), &range(&base, &head), &GitOptions::default()).unwrap();
    assert_eq!(read().repository, None, "no remote");

    repo.git(&["remote", "add", "upstream", "git@github.com:Acme/Payments.git"]);
    assert_eq!(read().repository.as_deref(), Some("github.com/acme/payments"), "the only remote");

    repo.git(&["remote", "add", "origin", "https://gitlab-ci-token:s3cret@gitlab.example.com/acme/pay/payments.git"]);
    let change = read();
    assert_eq!(change.repository.as_deref(), Some("gitlab.example.com/acme/pay/payments"), "origin first");
    assert!(!format!("{change:?}").contains("s3cret"));

    repo.git(&["remote", "set-url", "origin", "/srv/mirrors/payments.git"]);
    assert_eq!(read().repository, None, "a local origin names no host");
    // Git reads a URL without `://` or `host:` as a folder.
    repo.git(&["remote", "set-url", "origin", "github.com/acme/blog"]);
    assert_eq!(read().repository, None, "a relative folder");
    // Red team 18: a query's token was kept (and printed); an intranet
    // host without a dot failed the whole read; so did an origin too long
    // for the changeset's checks, its error quoting the URL.
    repo.git(&["remote", "set-url", "origin", "https://gitlab.example.com/acme/pay.git?private_token=s3cret"]);
    assert_eq!(read().repository.as_deref(), Some("gitlab.example.com/acme/pay"));
    repo.git(&["remote", "set-url", "origin", "git@gitserver:team/repo.git"]);
    assert_eq!(read().repository.as_deref(), Some("gitserver/team/repo"));
    let long = format!("https://github.com/acme/{}.git", "x".repeat(5000));
    repo.git(&["remote", "set-url", "origin", &long]);
    assert_eq!(read().repository, None, "too long for a changeset");
}

/// Regression: `ignore = all` in `.gitmodules` made a submodule's pointer
/// change disappear from the change.
#[test]
fn submodule_pointer_change_counts_whatever_gitmodules_says() {
    let lib = Repo::new("submodule-lib");
    lib.write("lib.txt", b"v1\n");
    lib.commit(0.0, "v1");
    let repo = Repo::new("submodule");
    repo.write("payments/app.txt", b"app\n");
    let lib_path = lib.path().to_str().unwrap();
    repo.git(&["-c", "protocol.file.allow=always", "submodule", "add", "-q", lib_path, "payments/vendor"]);
    let base = repo.commit(1.0, "Add the library");
    lib.write("lib.txt", b"v2\n");
    let v2 = lib.commit(2.0, "v2");
    repo.git(&["-C", "payments/vendor", "-c", "protocol.file.allow=always", "fetch", "-q", "origin"]);
    repo.git(&["-C", "payments/vendor", "checkout", "-q", &v2]);
    repo.git(&["config", "-f", ".gitmodules", "submodule.payments/vendor.ignore", "all"]);
    repo.git(&["add", ".gitmodules", "payments/vendor"]);
    let head = repo.commit(3.0, "Bump the library");

    let change = changeset_from_git(repo.path(), &range(&base, &head), &GitOptions::default()).unwrap();
    let vendor = file(&change.files, "payments/vendor");
    assert_eq!((vendor.status, vendor.added, vendor.deleted), (FileStatus::Modified, 1, 1));
    // One line to git, whatever it brings in: a dependency update.
    assert_eq!(vendor.kind, Some(ChangeKind::Dependency));
    assert_eq!(file(&change.files, ".gitmodules").kind, None);
}

/// Regression (a git audit): CODEOWNERS matched a submodule's path as a
/// file, so `third_party/vendorlib/ @org/vendor` never owned the
/// submodule `third_party/vendorlib` and its bump fell to the catch-all.
/// git and GitHub treat a submodule as a directory: the range lists it
/// among `submodules`, and a mapping given them matches it as one.
#[test]
fn a_submodule_is_a_directory_to_codeowners() {
    use blastgate::change::{CodeOwners, PathMapping, RepoMapping};
    let lib = Repo::new("owners-lib");
    lib.write("lib.txt", b"v1\n");
    lib.commit(0.0, "v1");
    let repo = Repo::new("owners-submodule");
    repo.write("src/app.txt", b"app\n");
    let lib_path = lib.path().to_str().unwrap();
    repo.git(&["-c", "protocol.file.allow=always", "submodule", "add", "-q", lib_path, "third_party/vendorlib"]);
    let base = repo.commit(1.0, "Add the library");
    lib.write("lib.txt", b"v2\n");
    let v2 = lib.commit(2.0, "v2");
    repo.git(&["-C", "third_party/vendorlib", "-c", "protocol.file.allow=always", "fetch", "-q", "origin"]);
    repo.git(&["-C", "third_party/vendorlib", "checkout", "-q", &v2]);
    repo.write("src/app.txt", b"app 2\n");
    let head = repo.commit(3.0, "Bump the library");

    let change = git_change(repo.path(), &range(&base, &head), &GitOptions::default()).unwrap();
    assert_eq!(change.submodules, ["third_party/vendorlib"]);
    let owners = CodeOwners::parse("CODEOWNERS", b"* @org/all\nthird_party/vendorlib/ @org/vendor\n").unwrap();
    let mapping = RepoMapping::default().with_codeowners(owners).with_directories(change.submodules);
    assert_eq!(mapping.owners_of("third_party/vendorlib"), Some(vec!["@org/vendor"]));
    assert_eq!(mapping.owners_of("src/app.txt"), Some(vec!["@org/all"]));
}

/// Regression (a layout audit): a service kept in a submodule
/// (`src/checkoutservice`, a gitlink) was placed on no node, so a bump of
/// a tier-0 service's code was reviewed as unplaced code (`owner`, where
/// the same lines in a folder were `senior`), whatever the service map
/// said. The submodule's own name places it, and a service-map rule for
/// the folder matches it as a directory, as CODEOWNERS does.
#[test]
fn a_submodule_is_placed_by_its_own_name_and_by_the_service_map() {
    use blastgate::assess::{AssessOptions, Engine, default_policy};
    use blastgate::change::{RepoMapping, ServiceMap};
    use blastgate::context::{Context, Timestamp};
    use blastgate::graph::{BuildOptions, GraphLoader};
    let lib = Repo::new("checkout-lib");
    lib.write("main.go", b"package main\n");
    lib.commit(0.0, "v1");
    let repo = Repo::new("umbrella");
    repo.write("README.md", b"shop\n");
    let lib_path = lib.path().to_str().unwrap();
    for at in ["src/checkoutservice", "src/checkout"] {
        repo.git(&["-c", "protocol.file.allow=always", "submodule", "add", "-q", lib_path, at]);
    }
    let base = repo.commit(1.0, "Add the services");
    lib.write("main.go", &lines(300, "code"));
    let v2 = lib.commit(2.0, "v2");
    for at in ["src/checkoutservice", "src/checkout"] {
        repo.git(&["-C", at, "-c", "protocol.file.allow=always", "fetch", "-q", "origin"]);
        repo.git(&["-C", at, "checkout", "-q", &v2]);
    }
    let head = repo.commit(3.0, "Bump the services");

    let change = git_change(repo.path(), &range(&base, &head), &GitOptions::default()).unwrap();
    assert_eq!(change.submodules, ["src/checkout", "src/checkoutservice"]);
    let mut loader = GraphLoader::new(BuildOptions::default());
    loader.add_bytes("g.edges", b"frontend checkoutservice\nfrontend payments\n", None).unwrap();
    let engine = Engine::new(loader.build().unwrap().freeze(), default_policy().unwrap()).unwrap();
    let context = Context::new(Timestamp::parse("2026-11-30T00:00:00Z").unwrap());
    let assess = |mapping: &RepoMapping| {
        let options = AssessOptions::default().with_mapping(mapping, "test-mapping");
        engine.assess_with(&change.changeset, &context, &options).blast_radius.changed
    };
    // By its own name; `src/checkout` names no node.
    let bare = RepoMapping::default().with_directories(change.submodules.clone());
    assert_eq!(assess(&bare), ["checkoutservice"]);
    // A service-map rule for the folder places the other.
    let map = ServiceMap::parse("service-map", b"src/checkout/ payments\n").unwrap();
    let mapped = RepoMapping::default().with_service_map(map).with_directories(change.submodules.clone());
    assert_eq!(assess(&mapped), ["checkoutservice", "payments"]);
    // Not known to be a submodule (a changeset written by hand): a file of
    // that name, placed by the folders above it only.
    assert!(assess(&RepoMapping::default()).is_empty());
}

/// Regression (a destruction audit): `git rm main.tf` of a datastore's
/// Terraform blocked, while truncating the file, reducing it to a comment
/// or wrapping it in `/* */` (the same on apply) was an edit (`owner`).
/// The git reader marks such files emptied, and they destroy what they
/// declared; an edit that keeps a declaration, or a file that declared
/// nothing before, is not.
#[test]
fn an_infrastructure_file_emptied_in_place_destroys_what_it_declared() {
    use blastgate::assess::{Engine, default_policy};
    use blastgate::context::{Context, Timestamp};
    use blastgate::graph::{BuildOptions, GraphLoader};
    let declared = b"resource \"aws_db_instance\" \"orders\" {\n  engine = \"postgres\"\n}\n";
    let repo = Repo::new("emptied");
    for name in ["truncated", "commented", "wrapped", "edited", "notes"] {
        repo.write(&format!("orders-db/terraform/{name}.tf"), declared);
    }
    repo.write("orders-db/terraform/notes.tf", b"# nothing yet\n");
    let base = repo.commit(0.0, "Declare the database");
    repo.write("orders-db/terraform/truncated.tf", b"");
    repo.write("orders-db/terraform/commented.tf", b"# retired: see the ticket\n");
    let mut wrapped = b"/*\n".to_vec();
    wrapped.extend_from_slice(declared);
    wrapped.extend_from_slice(b"*/\n");
    repo.write("orders-db/terraform/wrapped.tf", &wrapped);
    repo.write(
        "orders-db/terraform/edited.tf",
        b"resource \"aws_db_instance\" \"orders\" {\n  engine = \"mysql\"\n}\n",
    );
    repo.write("orders-db/terraform/notes.tf", b"");
    let head = repo.commit(1.0, "Retire the database");

    let change = changeset_from_git(repo.path(), &range(&base, &head), &GitOptions::default()).unwrap();
    let emptied: Vec<&str> = change.files.iter().filter(|f| f.emptied).map(|f| f.path.as_str()).collect();
    assert_eq!(
        emptied,
        ["orders-db/terraform/commented.tf", "orders-db/terraform/truncated.tf", "orders-db/terraform/wrapped.tf"]
    );
    let mut loader = GraphLoader::new(BuildOptions::default());
    loader.add_bytes("g.yaml", b"apiVersion: blastgate.dev/v1\nkind: ServiceGraph\nservices:\n  - {id: orders-db, kind: datastore, tier: 1}\n  - {id: orders, tier: 1}\ndependencies:\n  - {dependent: orders, dependency: orders-db}\n", None).unwrap();
    let engine = Engine::new(loader.build().unwrap().freeze(), default_policy().unwrap()).unwrap();
    let a = engine.assess(&change, &Context::new(Timestamp::parse("2026-11-30T00:00:00Z").unwrap()));
    let fired: Vec<&str> = a.rules.iter().map(|r| r.id.as_str()).collect();
    assert!(fired.contains(&"destructive-infrastructure"), "{fired:?}");
    assert!(fired.contains(&"destructive-datastore-or-queue"), "{fired:?}");
}

/// The changeset of `from..to` in `repo`, and the rules that fire for it
/// on a graph where `web` depends on the leaf service `orders`.
fn read_and_assess_on_a_leaf(repo: &Repo, from: &str, to: &str) -> (blastgate::change::Changeset, Vec<String>) {
    let (engine, context) = leaf_engine();
    let change = changeset_from_git(repo.path(), &range(from, to), &GitOptions::default()).unwrap();
    let fired = engine.assess(&change, &context).rules.iter().map(|r| r.id.clone()).collect();
    (change, fired)
}

/// The engine [`read_and_assess_on_a_leaf`] assesses with (`orders`, a
/// leaf's one dependency; the default policy), and its context.
fn leaf_engine() -> (blastgate::assess::Engine, blastgate::context::Context) {
    use blastgate::assess::{Engine, default_policy};
    use blastgate::context::{Context, Timestamp};
    use blastgate::graph::{BuildOptions, GraphLoader};
    let mut loader = GraphLoader::new(BuildOptions::default());
    loader.add_bytes("g.edges", b"web orders\n", None).unwrap();
    let engine = Engine::new(loader.build().unwrap().freeze(), default_policy().unwrap()).unwrap();
    (engine, Context::new(Timestamp::parse("2026-11-30T00:00:00Z").unwrap()))
}

/// [`read_and_assess_on_a_leaf`] as `assess --repo` assesses: the change
/// read by this process, its history measured and its files read
/// (`AssessOptions::files_read`), with the diagnostics' codes.
fn read_and_assess_from_git(
    repo: &Repo,
    from: &str,
    to: &str,
) -> (blastgate::change::Changeset, Vec<String>, Vec<String>) {
    let (engine, context) = leaf_engine();
    let change = changeset_from_git(repo.path(), &range(from, to), &GitOptions::default()).unwrap();
    let options = blastgate::assess::AssessOptions::default().history_measured(true).files_read(true);
    let assessment = engine.assess_with(&change, &context, &options);
    let fired = assessment.rules.iter().map(|r| r.id.clone()).collect();
    let codes = assessment.diagnostics.iter().map(|d| d.code.clone()).collect();
    (change, fired, codes)
}

/// Regression (a destruction audit): a deleted manifest counted by what
/// its name suggested: `k8s/pvc.yaml` holding a PersistentVolumeClaim was
/// a plain resource (`peer` on a leaf), where `postgres.yaml` was a
/// database. The git reader now reads what a deleted, renamed-away or
/// emptied infrastructure file declared (`FileChange::declares`), and each
/// type counts by its kind.
#[test]
fn a_deleted_manifest_counts_by_the_kinds_it_declared() {
    let repo = Repo::new("declared");
    repo.write(
        "orders/k8s/pvc.yaml",
        b"apiVersion: v1\nkind: PersistentVolumeClaim # the ledger\nmetadata:\n  name: ledger\nspec:\n  resources: {requests: {storage: 10Gi}}\n",
    );
    repo.write("orders/k8s/deploy.yaml", b"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: orders\n");
    repo.write(
        "orders/terraform/main.tf",
        b"# resource \"aws_s3_bucket\" \"old\" {}\nresource \"aws_db_instance\" \"orders\" {\n  engine = \"postgres\"\n}\n",
    );
    let base = repo.commit(0.0, "Deploy orders");
    repo.git(&["rm", "-q", "orders/k8s/pvc.yaml"]);
    let pvc = repo.commit(1.0, "Drop the claim");
    repo.git(&["rm", "-q", "orders/k8s/deploy.yaml"]);
    let deploy = repo.commit(2.0, "Drop the deployment");
    repo.git(&["mv", "orders/terraform/main.tf", "orders/terraform/main.tf.disabled"]);
    let renamed = repo.commit(3.0, "Park the database");

    let read = |from: &str, to: &str| {
        let (change, fired) = read_and_assess_on_a_leaf(&repo, from, to);
        let declares: Vec<(String, Vec<String>)> =
            change.files.iter().map(|f| (f.path.clone(), f.declares.clone())).collect();
        (declares, fired)
    };
    let (declares, fired) = read(&base, &pvc);
    assert_eq!(declares, [("orders/k8s/pvc.yaml".to_owned(), vec!["PersistentVolumeClaim".to_owned()])]);
    assert!(fired.iter().any(|r| r == "destructive-datastore-or-queue"), "{fired:?}");
    let (declares, fired) = read(&pvc, &deploy);
    assert_eq!(declares, [("orders/k8s/deploy.yaml".to_owned(), vec!["Deployment".to_owned()])]);
    assert!(fired.iter().any(|r| r == "destructive-infrastructure"), "{fired:?}");
    assert!(!fired.iter().any(|r| r == "destructive-datastore-or-queue"), "{fired:?}");
    // Renamed out of what Terraform reads: the commented-out bucket is not
    // declared, the database is.
    let (declares, fired) = read(&deploy, &renamed);
    assert_eq!(declares, [("orders/terraform/main.tf.disabled".to_owned(), vec!["aws_db_instance".to_owned()])]);
    assert!(fired.iter().any(|r| r == "destructive-datastore-or-queue"), "{fired:?}");
}

/// A script or workflow moved from where nothing ran it (a `.disabled`
/// name, documentation, examples, a folder no CI reads) adds no lines by
/// git's count, yet what it holds now runs: it is read whole (a red team:
/// `senior` or `owner` with `dropdb` or `kubectl delete namespace`
/// inside). A workflow or script renamed between places that run it runs
/// nothing new.
#[test]
fn a_script_moved_where_it_runs_is_read_whole() {
    let repo = Repo::new("moved-script");
    let workflow = "name: nuke\non:\n  push:\n    branches: [main]\njobs:\n  nuke:\n    runs-on: ubuntu-latest\n    steps:\n      - run: kubectl delete namespace orders\n";
    let script = "#!/bin/sh\ndropdb orders\n";
    let program = "import subprocess\nsubprocess.run([\"dropdb\", \"orders\"], check=True)\n";
    let cases: &[(&str, &str, &str, &str, bool)] = &[
        ("a parked workflow", ".github/workflows/nuke.yml.disabled", ".github/workflows/nuke.yml", workflow, true),
        (
            "a workflow from a folder no CI reads",
            ".github/workflows-off/nuke.yml",
            ".github/workflows/nuke.yml",
            workflow,
            true,
        ),
        ("a runbook's script", "docs/runbook/reset.sh", "orders/scripts/reset.sh", script, true),
        ("an example's program", "examples/reset.py", "orders/scripts/reset.py", program, true),
        ("a parked script", "orders/scripts/reset.sh.bak", "orders/scripts/reset.sh", script, true),
        ("a workflow renamed", ".github/workflows/old.yml", ".github/workflows/nuke.yml", workflow, false),
        ("a script moved between script folders", "orders/bin/reset.sh", "orders/scripts/reset.sh", script, false),
    ];
    for (what, from, to, text, destroyed) in cases {
        repo.git(&["rm", "-rq", "--ignore-unmatch", "orders", "docs", "examples", ".github"]);
        repo.write(from, text.as_bytes());
        repo.write("orders/main.go", b"package main\n");
        let base = repo.commit(0.0, "Before");
        if let Some((folder, _)) = to.rsplit_once('/') {
            std::fs::create_dir_all(repo.path().join(folder)).unwrap();
        }
        repo.git(&["mv", from, to]);
        let head = repo.commit(1.0, what);
        let (change, fired) = read_and_assess_on_a_leaf(&repo, &base, &head);
        let renamed = change.files.iter().find(|f| f.path == *to).map(|f| f.status);
        assert_eq!(renamed, Some(FileStatus::Renamed), "{what}: {:?}", change.files);
        let removed = change.files.iter().any(|f| !f.removes.is_empty());
        assert_eq!(removed, *destroyed, "{what}: {:?}", change.files);
        assert_eq!(fired.iter().any(|r| r.starts_with("destructive-")), *destroyed, "{what}: {fired:?}");
    }
}

/// Regression (a destruction audit): a `DROP TABLE` committed outside the
/// migrations, then moved into them with `git mv`, added no lines by git's
/// count and was not found; the migration tool runs all of it. A file
/// moved in from elsewhere is read whole; one moved between migration
/// folders is not read again.
#[test]
fn a_migration_moved_in_from_elsewhere_is_read_whole() {
    let repo = Repo::new("moved-migration");
    repo.write("db/migrations/0001_init.sql", b"CREATE TABLE outbox (id int);\nDROP TABLE legacy;\n");
    repo.write("scratch/cleanup.sql", b"-- tidy up\nDROP TABLE outbox;\n");
    repo.write("scratch/notes.sql", b"CREATE TABLE notes (id int);\n");
    let base = repo.commit(0.0, "Stage the cleanup");
    repo.git(&["mv", "scratch/cleanup.sql", "db/migrations/0002_cleanup.sql"]);
    repo.git(&["mv", "scratch/notes.sql", "db/migrations/0003_notes.sql"]);
    let moved = repo.commit(1.0, "Ship the cleanup");
    repo.git(&["mv", "db/migrations", "db/schema"]);
    let reorganised = repo.commit(2.0, "Rename the folder");

    let read = git_change(repo.path(), &range(&base, &moved), &GitOptions::default()).unwrap();
    let change = &read.changeset;
    let renamed: Vec<&str> =
        change.files.iter().filter(|f| f.status == FileStatus::Renamed).map(|f| f.path.as_str()).collect();
    assert_eq!(renamed, ["db/migrations/0002_cleanup.sql", "db/migrations/0003_notes.sql"]);
    assert_eq!(change.safety.reversible, Some(false), "{:?}", change.safety);
    let note = read.notes.iter().find(|n| n.starts_with("safety:")).cloned().unwrap_or_default();
    assert!(note.contains("0002_cleanup.sql") && !note.contains("0003_notes.sql"), "{note}");
    let change = changeset_from_git(repo.path(), &range(&moved, &reorganised), &GitOptions::default()).unwrap();
    assert_ne!(change.safety.reversible, Some(false), "{:?}", change.safety);
}

/// The files of `change` that state `removes`, with them.
fn removes_of(change: &blastgate::change::Changeset) -> Vec<(String, Vec<String>)> {
    change.files.iter().filter(|f| !f.removes.is_empty()).map(|f| (f.path.clone(), f.removes.clone())).collect()
}

/// One case of a table of file edits: what the commit says, the file it
/// writes, the file's new text, and the removals expected per file.
type FileCase<'a> = (&'a str, &'a str, &'a str, &'a [(&'a str, &'a [&'a str])]);

/// Commits each case's file on top of `base`, one commit per case, and
/// checks the removals the read change names, and that a destructive rule
/// fires exactly when some are expected.
fn assert_file_cases(repo: &Repo, base: &str, cases: &[FileCase<'_>]) {
    for (i, (what, path, text, expected)) in cases.iter().enumerate() {
        repo.git(&["checkout", "-q", base]);
        repo.write(path, text.as_bytes());
        let head = repo.commit(1.0 + i as f64, what);
        assert_removes(repo, base, &head, what, expected);
    }
}

/// Checks the removals the range `base..head` names per file, and that a
/// destructive rule fires exactly when some are expected.
fn assert_removes(repo: &Repo, base: &str, head: &str, what: &str, expected: &[(&str, &[&str])]) {
    let (change, fired) = read_and_assess_on_a_leaf(repo, base, head);
    let expected: Vec<(String, Vec<String>)> =
        expected.iter().map(|(p, kinds)| ((*p).to_owned(), kinds.iter().map(|k| (*k).to_owned()).collect())).collect();
    assert_eq!(removes_of(&change), expected, "{what}");
    assert_eq!(fired.iter().any(|r| r.starts_with("destructive")), !expected.is_empty(), "{what}: {fired:?}");
}

/// Regression (a destruction audit): a datastore's `resource` block edited
/// out of a `main.tf` that stays was an edit (`owner`), where `git rm
/// main.tf` blocked; applied, Terraform destroys the resource. The git
/// reader states the declarations a change takes out of a folder
/// (`FileChange::removes`); a block moved to another file of the folder,
/// or kept by a `removed` block with `destroy = false`, is not removed.
#[test]
fn declarations_taken_out_of_a_file_that_stays_are_destroyed() {
    let db = "resource \"aws_db_instance\" \"orders\" {\n  engine = \"postgres\"\n}\n";
    let sg = "resource \"aws_security_group\" \"db\" {\n  name = \"db\"\n}\n";
    let role = "resource \"aws_iam_role\" \"app\" {\n  name = \"app\"\n}\n";
    let deploy = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: orders\n";
    let claim = "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: ledger\n";
    let repo = Repo::new("removes");
    repo.write("orders/terraform/main.tf", format!("{db}{sg}").as_bytes());
    repo.write("orders/terraform/iam.tf", role.as_bytes());
    repo.write("orders/k8s/app.yaml", format!("{deploy}---\n{claim}").as_bytes());
    let base = repo.commit(0.0, "Deploy orders");
    // The role moves between the folder's files: nothing is removed.
    repo.write("orders/terraform/main.tf", format!("{db}{sg}{role}").as_bytes());
    repo.write("orders/terraform/iam.tf", b"# moved to main.tf\nlocals {}\n");
    let moved = repo.commit(1.0, "Move the role");
    // The database's block is edited out.
    repo.write("orders/terraform/main.tf", format!("{sg}{role}").as_bytes());
    let dropped = repo.commit(2.0, "Drop the database");
    // The same, with a `removed` block that keeps the database running.
    repo.git(&["checkout", "-q", &moved]);
    repo.write(
        "orders/terraform/main.tf",
        format!(
            "{sg}{role}removed {{\n  from = aws_db_instance.orders\n  lifecycle {{\n    destroy = false\n  }}\n}}\n"
        )
        .as_bytes(),
    );
    let forgotten = repo.commit(3.0, "Stop managing the database");
    // A document taken out of a manifest.
    repo.write("orders/k8s/app.yaml", deploy.as_bytes());
    let unclaimed = repo.commit(4.0, "Drop the claim");
    // No instance left: `count = 0` destroys the database too.
    repo.git(&["checkout", "-q", &moved]);
    let none = db.replace("  engine", "  count  = 0\n  engine");
    repo.write("orders/terraform/main.tf", format!("{none}{sg}{role}").as_bytes());
    let counted_out = repo.commit(5.0, "Scale the database to nothing");

    let read = |from: &str, to: &str| {
        let (change, fired) = read_and_assess_on_a_leaf(&repo, from, to);
        (removes_of(&change), fired)
    };
    let (removes, fired) = read(&base, &moved);
    assert!(removes.is_empty(), "{removes:?}");
    assert!(!fired.iter().any(|r| r.starts_with("destructive")), "{fired:?}");
    let (removes, fired) = read(&moved, &dropped);
    assert_eq!(removes, [("orders/terraform/main.tf".to_owned(), vec!["aws_db_instance".to_owned()])]);
    assert!(fired.iter().any(|r| r == "destructive-datastore-or-queue"), "{fired:?}");
    let (removes, fired) = read(&moved, &forgotten);
    assert!(removes.is_empty(), "{removes:?}");
    assert!(!fired.iter().any(|r| r.starts_with("destructive")), "{fired:?}");
    let (removes, fired) = read(&forgotten, &unclaimed);
    assert_eq!(removes, [("orders/k8s/app.yaml".to_owned(), vec!["PersistentVolumeClaim".to_owned()])]);
    assert!(fired.iter().any(|r| r == "destructive-datastore-or-queue"), "{fired:?}");
    // Deletion protection turned off: nothing destroyed yet, a senior asked.
    repo.git(&["checkout", "-q", &moved]);
    let guarded = db.replace("  engine", "  deletion_protection = false\n  engine");
    repo.write("orders/terraform/main.tf", format!("{guarded}{sg}{role}").as_bytes());
    let unguarded = repo.commit(6.0, "Let the database go");
    let (change, fired) = read_and_assess_on_a_leaf(&repo, &moved, &unguarded);
    assert_eq!(change.files[0].unguards, ["deletion_protection"]);
    assert!(change.files[0].removes.is_empty());
    assert_eq!(fired, ["protection-removed"]);
    let (removes, fired) = read(&moved, &counted_out);
    assert_eq!(removes, [("orders/terraform/main.tf".to_owned(), vec!["aws_db_instance".to_owned()])]);
    assert!(fired.iter().any(|r| r == "destructive-datastore-or-queue"), "{fired:?}");
}

/// Regression (a destruction audit, continued): an entry taken out of a
/// Kustomization's `resources` stops deploying what it points to, and a
/// GitOps tool that prunes deletes it, though no manifest changed:
/// dropping `pvc.yaml` from the list was a one-line edit of
/// configuration. The git reader states the kinds those entries deployed
/// and no entry deploys after the change (`FileChange::removes` of the
/// Kustomization); an entry renamed, or replaced by a folder that deploys
/// the same objects, removes nothing; an entry outside the repository
/// counts by its words.
#[test]
fn entries_taken_out_of_a_kustomization_are_destroyed() {
    let repo = Repo::new("kustomize");
    let claim = "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: ledger\n";
    let deploy = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: orders\n";
    let set = "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: cache\n";
    let list = |entries: &[&str]| {
        let mut text = "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n".to_owned();
        for e in entries {
            text.push_str(&format!("  - {e}\n"));
        }
        text
    };
    repo.write("orders/k8s/deploy.yaml", deploy.as_bytes());
    repo.write("orders/k8s/pvc.yaml", claim.as_bytes());
    repo.write("orders/db/kustomization.yaml", list(&["set.yaml"]).as_bytes());
    repo.write("orders/db/set.yaml", set.as_bytes());
    repo.write("orders/storage/claim.yaml", claim.as_bytes());
    repo.write("orders/scratch/claim.yaml", claim.replace("name: ledger", "name: scratch").as_bytes());
    let remote = "https://github.com/acme/platform//postgres?ref=v1";
    repo.write("orders/k8s/kustomization.yaml", list(&["deploy.yaml", "pvc.yaml", "../db", remote]).as_bytes());
    let base = repo.commit(0.0, "Deploy orders");
    let edit = |entries: &[&str], day: f64| {
        repo.git(&["checkout", "-q", &base]);
        repo.write("orders/k8s/kustomization.yaml", list(entries).as_bytes());
        repo.commit(day, "Edit the list")
    };
    let dropped = edit(&["deploy.yaml", "../db", remote], 1.0);
    let replaced = edit(&["deploy.yaml", "../storage", "../db", remote], 2.0);
    let respelled = edit(&["./deploy.yaml", "./pvc.yaml", "../db/", remote], 3.0);
    let swapped = edit(&["deploy.yaml", "../scratch", "../db", remote], 3.5);
    let folder = edit(&["deploy.yaml", "pvc.yaml", remote], 4.0);
    let unlinked = edit(&["deploy.yaml", "pvc.yaml", "../db"], 5.0);

    let read = |to: &str| {
        let (change, fired) = read_and_assess_on_a_leaf(&repo, &base, to);
        (removes_of(&change), fired)
    };
    let at = "orders/k8s/kustomization.yaml".to_owned();
    let (removes, fired) = read(&dropped);
    assert_eq!(removes, [(at.clone(), vec!["PersistentVolumeClaim".to_owned()])]);
    assert!(fired.iter().any(|r| r == "destructive-datastore-or-queue"), "{fired:?}");
    let (removes, fired) = read(&replaced);
    assert!(removes.is_empty(), "{removes:?}");
    assert!(!fired.iter().any(|r| r.starts_with("destructive")), "{fired:?}");
    let (removes, _) = read(&respelled);
    assert!(removes.is_empty(), "{removes:?}");
    // Another claim by another name is no replacement: objects are
    // compared by kind and name (the ledger's claim is pruned).
    let (removes, _) = read(&swapped);
    assert_eq!(removes, [(at.clone(), vec!["PersistentVolumeClaim".to_owned()])]);
    let (removes, fired) = read(&folder);
    assert_eq!(removes, [(at.clone(), vec!["StatefulSet".to_owned()])]);
    assert!(fired.iter().any(|r| r == "destructive-infrastructure"), "{fired:?}");
    let (removes, fired) = read(&unlinked);
    assert_eq!(removes, [(at.clone(), vec![remote.to_owned()])]);
    assert!(fired.iter().any(|r| r == "destructive-datastore-or-queue"), "{fired:?}");
    // A Helm chart the Kustomization inflates, taken out, counts by its
    // words: what it deploys is not in the repository.
    repo.git(&["checkout", "-q", &base]);
    let charted = list(&["deploy.yaml", "pvc.yaml", "../db", remote]);
    repo.write(
        "orders/k8s/kustomization.yaml",
        format!("{charted}helmCharts:\n  - name: postgresql\n    releaseName: ledger\n").as_bytes(),
    );
    let with_chart = repo.commit(6.0, "Inflate the database chart");
    repo.write("orders/k8s/kustomization.yaml", charted.as_bytes());
    let without_chart = repo.commit(7.0, "Drop the chart");
    let (change, fired) = read_and_assess_on_a_leaf(&repo, &with_chart, &without_chart);
    assert_eq!(removes_of(&change), [(at, vec!["helm chart postgresql ledger".to_owned()])]);
    assert!(fired.iter().any(|r| r == "destructive-datastore-or-queue"), "{fired:?}");
}

/// Regression (a destruction audit, continued): deleting an Argo CD
/// application or a Flux Kustomization, or pointing it at another path,
/// deletes what it deployed when the tool cascades or prunes; the
/// manifests it deployed are unchanged, so the change read as the
/// deletion of an `Application`. The git reader adds the kinds under the
/// old path that nothing deploys after the change (`declares` of a
/// deleted manifest, `removes` of an edited one); an application moved to
/// another file removes nothing.
#[test]
fn a_gitops_application_deleted_or_pointed_elsewhere_destroys_what_it_deployed() {
    let repo = Repo::new("gitops");
    let claim = "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: ledger\n";
    let deploy = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ledger\n";
    let list = "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [deploy.yaml, pvc.yaml]\n";
    let app = |name: &str, path: &str| {
        format!(
            "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: {name}\n  finalizers: [resources-finalizer.argocd.argoproj.io]\nspec:\n  source:\n    repoURL: https://git.example/deploy.git\n    path: {path}\n"
        )
    };
    repo.write("apps/ledger/prod/kustomization.yaml", list.as_bytes());
    repo.write("apps/ledger/prod/deploy.yaml", deploy.as_bytes());
    repo.write("apps/ledger/prod/pvc.yaml", claim.as_bytes());
    repo.write("apps/ledger/staging/kustomization.yaml", list.replace(", pvc.yaml", "").as_bytes());
    repo.write("apps/ledger/staging/deploy.yaml", deploy.as_bytes());
    repo.write("argocd/ledger.yaml", app("ledger", "apps/ledger/prod").as_bytes());
    repo.write(
        "clusters/prod/ledger.yaml",
        b"apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: ledger\nspec:\n  path: ./apps/ledger/prod\n  prune: true\n",
    );
    let base = repo.commit(0.0, "Deploy the ledger");
    repo.git(&["rm", "-q", "argocd/ledger.yaml"]);
    let deleted = repo.commit(1.0, "Retire the application");
    repo.git(&["checkout", "-q", &base]);
    repo.write("argocd/ledger.yaml", app("ledger", "apps/ledger/staging").as_bytes());
    let repointed = repo.commit(2.0, "Point at staging");
    repo.git(&["checkout", "-q", &base]);
    repo.git(&["rm", "-q", "argocd/ledger.yaml"]);
    repo.write(
        "argocd/all.yaml",
        format!("{}---\n{}", app("search", "apps/search"), app("ledger-prod", "apps/ledger/prod")).as_bytes(),
    );
    let regrouped = repo.commit(3.0, "One file for the applications");
    repo.git(&["checkout", "-q", &base]);
    repo.git(&["rm", "-q", "clusters/prod/ledger.yaml"]);
    let unflux = repo.commit(4.0, "Stop reconciling the ledger");

    let (change, fired) = read_and_assess_on_a_leaf(&repo, &base, &deleted);
    assert_eq!(
        file(&change.files, "argocd/ledger.yaml").declares,
        ["Application", "Deployment", "PersistentVolumeClaim"]
    );
    assert!(fired.iter().any(|r| r == "destructive-datastore-or-queue"), "{fired:?}");
    let (change, fired) = read_and_assess_on_a_leaf(&repo, &base, &repointed);
    assert_eq!(removes_of(&change), [("argocd/ledger.yaml".to_owned(), vec!["PersistentVolumeClaim".to_owned()])]);
    assert!(fired.iter().any(|r| r == "destructive-datastore-or-queue"), "{fired:?}");
    let (change, fired) = read_and_assess_on_a_leaf(&repo, &base, &regrouped);
    assert!(change.files.iter().all(|f| f.declares.iter().all(|t| t == "Application")), "{:?}", change.files);
    assert!(!fired.iter().any(|r| r == "destructive-datastore-or-queue"), "{fired:?}");
    let (change, fired) = read_and_assess_on_a_leaf(&repo, &base, &unflux);
    assert!(file(&change.files, "clusters/prod/ledger.yaml").declares.contains(&"PersistentVolumeClaim".to_owned()));
    assert!(fired.iter().any(|r| r == "destructive-datastore-or-queue"), "{fired:?}");
}

/// Regression (a destruction audit, continued): `count = 0` in a resource
/// block destroys it, and so does the variable its `count` reads set to
/// `false` in a variables file, which was an edit of configuration. The
/// git reader states the types a variables change leaves no instance as
/// the file's `removes`; a variable nothing gates, or one set back to
/// what its default says, removes nothing.
#[test]
fn a_variable_that_leaves_resources_no_instance_destroys_them() {
    let repo = Repo::new("tfvars");
    repo.write(
        "orders/terraform/main.tf",
        b"resource \"aws_db_instance\" \"orders\" {\n  count  = var.create_database ? 1 : 0\n  engine = \"postgres\"\n}\n\
          resource \"aws_sqs_queue\" \"jobs\" {\n  for_each = toset(var.queues)\n  name     = each.key\n}\n\
          resource \"aws_elasticache_cluster\" \"c\" {\n  count = var.cache ? 1 : 0\n}\n",
    );
    repo.write(
        "orders/terraform/variables.tf",
        b"variable \"create_database\" {\n  type    = bool\n  default = true\n}\nvariable \"queues\" {}\nvariable \"cache\" {\n  default = true\n}\nvariable \"name\" {}\n",
    );
    let vars = |db: &str, queues: &str| format!("name = \"orders\"\n{db}queues = {queues}\n");
    repo.write("orders/terraform/envs/prod.tfvars", vars("create_database = true\n", "[\"jobs\"]").as_bytes());
    let base = repo.commit(0.0, "Orders");
    let edit = |path: &str, text: String, day: f64| {
        repo.git(&["checkout", "-q", &base]);
        repo.write(path, text.as_bytes());
        repo.commit(day, "Variables")
    };
    let prod = "orders/terraform/envs/prod.tfvars";
    let no_db = edit(prod, vars("create_database = false\n", "[\"jobs\"]"), 1.0);
    let no_queues = edit(prod, vars("create_database = true\n", "[]"), 2.0);
    let defaulted = edit(prod, vars("", "[\"jobs\"]"), 3.0);
    let renamed = edit(prod, vars("create_database = true\n", "[\"jobs\"]").replace("\"orders\"", "\"ledger\""), 4.0);
    let variables = std::fs::read_to_string(repo.path().join("orders/terraform/variables.tf")).unwrap();
    let uncached = edit(
        "orders/terraform/variables.tf",
        variables.replacen("default = true\n}\nvariable \"name\"", "default = false\n}\nvariable \"name\"", 1),
        5.0,
    );

    let (change, fired) = read_and_assess_on_a_leaf(&repo, &base, &no_db);
    assert_eq!(removes_of(&change), [(prod.to_owned(), vec!["aws_db_instance".to_owned()])]);
    assert!(fired.iter().any(|r| r == "destructive-datastore-or-queue"), "{fired:?}");
    let (change, fired) = read_and_assess_on_a_leaf(&repo, &base, &no_queues);
    assert_eq!(removes_of(&change), [(prod.to_owned(), vec!["aws_sqs_queue".to_owned()])]);
    assert!(fired.iter().any(|r| r == "destructive-datastore-or-queue"), "{fired:?}");
    for quiet in [&defaulted, &renamed] {
        let (change, fired) = read_and_assess_on_a_leaf(&repo, &base, quiet);
        assert!(removes_of(&change).is_empty(), "{:?}", change.files);
        assert!(!fired.iter().any(|r| r.starts_with("destructive")), "{fired:?}");
    }
    // A red team: an inverted gate, an override taken out that falls back
    // to a default of `false`, a `local` from `locals.tf`; and a new
    // environment's variables file, which destroys nothing.
    repo.git(&["checkout", "-q", &base]);
    repo.write(
        "orders/terraform/legacy.tf",
        b"resource \"aws_db_instance\" \"legacy\" {\n  count = var.use_external_db ? 0 : 1\n}\n\
          resource \"aws_s3_bucket\" \"exports\" {\n  count = local.exports ? 1 : 0\n}\n\
          variable \"use_external_db\" {\n  default = false\n}\nvariable \"archive\" {\n  default = false\n}\n",
    );
    repo.write("orders/terraform/locals.tf", b"locals {\n  exports = var.archive\n}\n");
    repo.write(
        "orders/terraform/envs/prod.tfvars",
        format!("{}archive = true\n", vars("create_database = true\n", "[\"jobs\"]")).as_bytes(),
    );
    let legacy = repo.commit(6.0, "Legacy database and exports");
    let later = |text: String, path: &str, day: f64| {
        repo.git(&["checkout", "-q", &legacy]);
        repo.write(path, text.as_bytes());
        repo.commit(day, "Variables")
    };
    let prod_vars = vars("create_database = true\n", "[\"jobs\"]");
    let external = later(format!("{prod_vars}archive = true\nuse_external_db = true\n"), prod, 7.0);
    let unarchived = later(prod_vars.clone(), prod, 8.0);
    let dev = later(vars("create_database = false\n", "[]"), "orders/terraform/envs/dev.tfvars", 9.0);
    let destroyed = |to: &str| {
        let (change, _) = read_and_assess_on_a_leaf(&repo, &legacy, to);
        removes_of(&change)
    };
    assert_eq!(destroyed(&external), [(prod.to_owned(), vec!["aws_db_instance".to_owned()])]);
    assert_eq!(destroyed(&unarchived), [(prod.to_owned(), vec!["aws_s3_bucket".to_owned()])]);
    assert!(destroyed(&dev).is_empty());
    // A variables file Terraform loads on every run of the module, added
    // or deleted, changes that module's values (red team 33: a new
    // `terraform.tfvars` switching the database off was `auto`).
    let auto = "orders/terraform/terraform.tfvars";
    let added = later("create_database = false\n".to_owned(), auto, 10.0);
    assert_eq!(destroyed(&added), [(auto.to_owned(), vec!["aws_db_instance".to_owned()])]);
    let named = "orders/terraform/zz.auto.tfvars";
    let added_named = later("archive = false\n".to_owned(), named, 11.0);
    assert!(destroyed(&added_named).is_empty(), "the default and the value alike");
    let kept = later("use_external_db = false\n".to_owned(), auto, 12.0);
    assert!(destroyed(&kept).is_empty(), "a value its default has");
    let (change, _) = read_and_assess_on_a_leaf(&repo, &base, &uncached);
    assert_eq!(
        removes_of(&change),
        [("orders/terraform/variables.tf".to_owned(), vec!["aws_elasticache_cluster".to_owned()])]
    );
}

/// Regressions (a red team of the deploy-list reading): what a list
/// deploys is what `kustomize build` makes of it, not the files under its
/// folders. An application pointing at an overlay that pulls in a base
/// that lists the database missed it; a decoy file in a folder a new
/// entry points at cancelled the loss; an entry moved from an overlay to
/// its base read as a loss; a renamed Kustomization, an entry dropped
/// while its files moved to an archive, a changed `namePrefix` and a
/// `$patch: delete` were unread; another cluster's application on the
/// same path kept the objects.
#[test]
fn the_deploy_list_reader_follows_what_kustomize_builds() {
    let repo = Repo::new("kustomize-builds");
    let set = "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: db\n";
    let claim = "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: data\n";
    let deploy = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n";
    let list = |entries: &[&str], extra: &str| {
        let mut text = "resources:\n".to_owned();
        for e in entries {
            text.push_str(&format!("  - {e}\n"));
        }
        text.push_str(extra);
        text
    };
    let app = |path: &str, server: &str| {
        format!(
            "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: orders\nspec:\n  source:\n    repoURL: https://git.example/deploy.git\n    path: {path}\n  destination: {{server: {server}, namespace: orders}}\n"
        )
    };
    repo.write("orders/db/kustomization.yaml", list(&["set.yaml", "pvc.yaml"], "").as_bytes());
    repo.write("orders/db/set.yaml", set.as_bytes());
    repo.write("orders/db/pvc.yaml", claim.as_bytes());
    repo.write("orders/base/kustomization.yaml", list(&["deploy.yaml", "../db"], "").as_bytes());
    repo.write("orders/base/deploy.yaml", deploy.as_bytes());
    repo.write("orders/overlays/prod/kustomization.yaml", list(&["../../base"], "").as_bytes());
    repo.write("orders/cache/kustomization.yaml", list(&["config.yaml"], "").as_bytes());
    repo.write("orders/cache/config.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n".as_bytes());
    repo.write("orders/cache/notes.yaml", format!("{set}---\n{claim}").as_bytes());
    repo.write("argocd/orders.yaml", app("orders/overlays/prod", "https://prod").as_bytes());
    repo.write(
        "argocd/ledger-db.yaml",
        b"apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: ledger-db\nspec:\n  source:\n    repoURL: https://charts.example/bitnami\n    chart: postgresql\n    targetRevision: 15.0.0\n",
    );
    // An app of apps: the root application deploys `apps/`, whose list
    // holds the child application of the database.
    repo.write("apps/kustomization.yaml", list(&["db-app.yaml"], "").as_bytes());
    repo.write("apps/db-app.yaml", app("orders/db", "https://prod").as_bytes());
    let release = |chart: &str| {
        format!(
            "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: orders-db\nspec:\n  {chart}\n"
        )
    };
    repo.write("orders/release/kustomization.yaml", list(&["postgresql.yaml"], "").as_bytes());
    repo.write("orders/release/postgresql.yaml", release("chart: {spec: {chart: postgresql}}").as_bytes());
    let base = repo.commit(0.0, "Orders");
    let edit = |day: f64, change: &dyn Fn()| {
        repo.git(&["checkout", "-q", &base]);
        change();
        repo.commit(day, "Edit")
    };
    let base_list = "orders/base/kustomization.yaml";
    let retired = edit(1.0, &|| repo.remove("argocd/orders.yaml"));
    let decoy = edit(2.0, &|| repo.write(base_list, list(&["deploy.yaml", "../cache"], "").as_bytes()));
    let moved_up = edit(3.0, &|| {
        repo.write(base_list, list(&["deploy.yaml"], "").as_bytes());
        repo.write("orders/overlays/prod/kustomization.yaml", list(&["../../base", "../../db"], "").as_bytes());
    });
    let renamed = edit(4.0, &|| {
        repo.git(&["mv", base_list, "orders/base/kustomization.yml"]);
        repo.write("orders/base/kustomization.yml", list(&["deploy.yaml"], "").as_bytes());
    });
    let archived = edit(5.0, &|| {
        repo.write("orders/db/kustomization.yaml", list(&[], "").as_bytes());
        std::fs::create_dir_all(repo.path().join("orders/archive")).unwrap();
        repo.git(&["mv", "orders/db/pvc.yaml", "orders/archive/2024-a.yaml"]);
    });
    let prefixed =
        edit(6.0, &|| repo.write(base_list, list(&["deploy.yaml", "../db"], "namePrefix: v2-\n").as_bytes()));
    let patched = edit(7.0, &|| {
        let patch = "patches:\n  - patch: |-\n      $patch: delete\n      apiVersion: apps/v1\n      kind: StatefulSet\n      metadata:\n        name: db\n";
        repo.write(base_list, list(&["deploy.yaml", "../db"], patch).as_bytes());
    });
    let elsewhere = edit(8.0, &|| {
        repo.remove("argocd/orders.yaml");
        repo.write("argocd/sandbox.yaml", app("orders/overlays/prod", "https://sandbox").as_bytes());
    });

    let chart = edit(9.0, &|| repo.remove("argocd/ledger-db.yaml"));
    let released = edit(13.0, &|| {
        let text = std::fs::read_to_string(repo.path().join("argocd/ledger-db.yaml")).unwrap();
        let renamed =
            text.replace("targetRevision: 15.0.0\n", "targetRevision: 15.0.0\n    helm: {releaseName: ledger-pg}\n");
        repo.write("argocd/ledger-db.yaml", renamed.as_bytes());
    });
    // A namespace set where there was none moves nothing (Argo CD
    // deploys an un-namespaced overlay to its destination's); one changed
    // moves everything.
    let overlay = "orders/overlays/prod/kustomization.yaml";
    let namespaced = edit(10.0, &|| repo.write(overlay, list(&["../../base"], "namespace: orders\n").as_bytes()));
    repo.write(overlay, list(&["../../base"], "namespace: orders-v2\n").as_bytes());
    let moved = repo.commit(11.0, "Move the namespace");
    let destroyed = |to: &str| {
        let (change, fired) = read_and_assess_on_a_leaf(&repo, &base, to);
        let mut types: Vec<String> =
            change.files.iter().flat_map(|f| f.declares.iter().chain(&f.removes)).cloned().collect();
        types.sort_unstable();
        types.dedup();
        (types, fired.iter().any(|r| r == "destructive-datastore-or-queue"))
    };
    let strings = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<Vec<String>>();
    assert_eq!(
        destroyed(&retired),
        (strings(&["Application", "Deployment", "PersistentVolumeClaim", "StatefulSet"]), true)
    );
    assert_eq!(destroyed(&decoy), (strings(&["PersistentVolumeClaim", "StatefulSet"]), true));
    assert_eq!(destroyed(&moved_up), (Vec::new(), false));
    assert_eq!(destroyed(&renamed), (strings(&["PersistentVolumeClaim", "StatefulSet"]), true));
    assert!(destroyed(&archived).1, "{:?}", destroyed(&archived));
    assert_eq!(destroyed(&prefixed), (strings(&["Deployment", "PersistentVolumeClaim", "StatefulSet"]), true));
    assert_eq!(destroyed(&patched).0, strings(&["StatefulSet"]));
    assert!(destroyed(&elsewhere).0.contains(&"PersistentVolumeClaim".to_owned()));
    assert_eq!(destroyed(&namespaced), (Vec::new(), false));
    let (change, _) = read_and_assess_on_a_leaf(&repo, &namespaced, &moved);
    assert_eq!(
        removes_of(&change),
        [(overlay.to_owned(), strings(&["Deployment", "PersistentVolumeClaim", "StatefulSet"]))]
    );
    // A red team's everyday changes, none of which destroys anything: a
    // child application's file renamed, a claim moved from a base into
    // the overlay over it, a HelmRelease's file renamed, a HelmRelease
    // moved to a `chartRef`.
    let app_renamed = edit(14.0, &|| {
        repo.git(&["mv", "apps/db-app.yaml", "apps/orders-db-app.yaml"]);
        repo.write("apps/kustomization.yaml", list(&["orders-db-app.yaml"], "").as_bytes());
    });
    let moved_down = edit(15.0, &|| {
        repo.git(&["mv", "orders/db/pvc.yaml", "orders/overlays/prod/pvc.yaml"]);
        repo.write("orders/db/kustomization.yaml", list(&["set.yaml"], "").as_bytes());
        repo.write("orders/overlays/prod/kustomization.yaml", list(&["../../base", "pvc.yaml"], "").as_bytes());
    });
    let release_renamed = edit(16.0, &|| {
        repo.git(&["mv", "orders/release/postgresql.yaml", "orders/release/orders-db.yaml"]);
        repo.write("orders/release/kustomization.yaml", list(&["orders-db.yaml"], "").as_bytes());
    });
    let chart_ref = edit(17.0, &|| {
        repo.write(
            "orders/release/postgresql.yaml",
            release("chartRef: {kind: OCIRepository, name: postgresql}").as_bytes(),
        )
    });
    // A patch file that deletes its target: a new one listed by the
    // overlay, `$patch: delete` added to one already listed, and one that
    // deletes a claim while the claim's own file leaves the folder (the
    // patch declares nothing, so it cannot stand for the claim). A patch
    // that deletes a container from a list deletes no object.
    let delete_set = format!("{set}$patch: delete\n");
    let patch_file = edit(18.0, &|| {
        repo.write("orders/overlays/prod/delete-db.yaml", delete_set.as_bytes());
        repo.write(overlay, list(&["../../base"], "patches:\n  - path: delete-db.yaml\n").as_bytes());
    });
    repo.write("orders/overlays/prod/scale.yaml", set.as_bytes());
    repo.write(overlay, list(&["../../base"], "patchesStrategicMerge:\n  - scale.yaml\n").as_bytes());
    let listed = repo.commit(19.0, "Scale patch");
    repo.write("orders/overlays/prod/scale.yaml", delete_set.as_bytes());
    let turned = repo.commit(20.0, "Delete instead");
    repo.git(&["checkout", "-q", &listed]);
    repo.remove("orders/db/pvc.yaml");
    repo.write("orders/db/kustomization.yaml", list(&["set.yaml", "keep.yaml"], "").as_bytes());
    repo.write("orders/db/keep.yaml", format!("{claim}$patch: delete\n").as_bytes());
    let swapped = repo.commit(21.0, "Swap");
    repo.git(&["checkout", "-q", &listed]);
    let sidecar = "spec:\n  template:\n    spec:\n      containers:\n        - name: proxy\n          $patch: delete\n";
    repo.write("orders/overlays/prod/scale.yaml", format!("{set}{sidecar}").as_bytes());
    let container = repo.commit(22.0, "Drop the proxy");
    // A patch file kept as it was, newly applied by the overlay.
    repo.git(&["checkout", "-q", &base]);
    repo.write("orders/overlays/prod/retire-db.yaml", delete_set.as_bytes());
    let parked = repo.commit(23.0, "Park a patch");
    repo.write(overlay, list(&["../../base"], "patchesStrategicMerge:\n  - retire-db.yaml\n").as_bytes());
    let applied = repo.commit(24.0, "Apply it");
    let (change, _) = read_and_assess_on_a_leaf(&repo, &parked, &applied);
    assert_eq!(removes_of(&change), [(overlay.to_owned(), strings(&["StatefulSet"]))]);
    let (_, inline_fired) = read_and_assess_on_a_leaf(&repo, &base, &patched);
    let (change, fired) = read_and_assess_on_a_leaf(&repo, &base, &patch_file);
    // (The new file deletes through the overlay that applies it.)
    assert_eq!(removes_of(&change), [(overlay.to_owned(), strings(&["StatefulSet"]))]);
    assert!(fired.iter().any(|r| r.starts_with("destructive")), "{fired:?}");
    assert_eq!(fired, inline_fired);
    let (change, fired) = read_and_assess_on_a_leaf(&repo, &listed, &turned);
    assert_eq!(removes_of(&change), [("orders/overlays/prod/scale.yaml".to_owned(), strings(&["StatefulSet"]))]);
    assert!(fired.iter().any(|r| r.starts_with("destructive")), "{fired:?}");
    let (change, _) = read_and_assess_on_a_leaf(&repo, &listed, &swapped);
    let mut types: Vec<String> =
        change.files.iter().flat_map(|f| f.declares.iter().chain(&f.removes)).cloned().collect();
    types.sort_unstable();
    types.dedup();
    assert_eq!(types, strings(&["PersistentVolumeClaim"]), "{:?}", change.files);
    let (change, fired) = read_and_assess_on_a_leaf(&repo, &listed, &container);
    assert_eq!(removes_of(&change), Vec::<(String, Vec<String>)>::new(), "{fired:?}");
    for everyday in [&app_renamed, &moved_down, &release_renamed, &chart_ref] {
        assert_eq!(destroyed(everyday), (Vec::new(), false), "{everyday}");
    }
    // A child application dropped from its parent's list takes what it
    // deployed with it.
    let orphaned = edit(12.0, &|| repo.write("apps/kustomization.yaml", list(&[], "").as_bytes()));
    assert_eq!(destroyed(&orphaned), (strings(&["Application", "PersistentVolumeClaim", "StatefulSet"]), true));
    // A Helm release renamed is a new one: the old one's objects go.
    assert_eq!(destroyed(&released), (strings(&["https://charts.example/bitnami postgresql"]), true));
    // A chart deployed from elsewhere counts by its words.
    assert_eq!(destroyed(&chart), (strings(&["Application", "https://charts.example/bitnami postgresql"]), true));
}

/// Regression (a destruction audit, continued): a Helm values change that
/// turns a chart's persistence off makes it stop rendering its volume
/// claim, which `helm upgrade` deletes, and one that turns a bundled
/// datastore off deletes it; each was an edit of configuration. The git
/// reader states them as the values file's `removes`; other switches,
/// and values kept as examples, are not read.
#[test]
fn helm_values_that_turn_storage_off_destroy_it() {
    let repo = Repo::new("helm-values");
    let values = |persistence: &str, postgresql: &str, metrics: &str| {
        format!(
            "replicaCount: 2\npersistence:\n  enabled: {persistence}\n  size: 8Gi\npostgresql:\n  enabled: {postgresql}\nmetrics: {{enabled: {metrics}}}\n"
        )
    };
    repo.write("orders/helm/values.yaml", values("true", "true", "true").as_bytes());
    repo.write("docs/examples/values.yaml", values("true", "true", "true").as_bytes());
    let base = repo.commit(0.0, "Chart");
    let edit = |path: &str, text: String, day: f64| {
        repo.git(&["checkout", "-q", &base]);
        repo.write(path, text.as_bytes());
        repo.commit(day, "Values")
    };
    let unpersisted = edit("orders/helm/values.yaml", values("no", "true", "true"), 1.0);
    let external = edit("orders/helm/values.yaml", values("true", "false", "true"), 2.0);
    let quiet = edit("orders/helm/values.yaml", values("true", "true", "false"), 3.0);
    let example = edit("docs/examples/values.yaml", values("false", "false", "true"), 4.0);

    let at = "orders/helm/values.yaml".to_owned();
    let (change, fired) = read_and_assess_on_a_leaf(&repo, &base, &unpersisted);
    assert_eq!(removes_of(&change), [(at.clone(), vec!["PersistentVolumeClaim".to_owned()])]);
    assert!(fired.iter().any(|r| r == "destructive-datastore-or-queue"), "{fired:?}");
    let (change, fired) = read_and_assess_on_a_leaf(&repo, &base, &external);
    assert_eq!(removes_of(&change), [(at, vec!["postgresql".to_owned()])]);
    assert!(fired.iter().any(|r| r == "destructive-datastore-or-queue"), "{fired:?}");
    for quiet in [quiet, example] {
        let (change, fired) = read_and_assess_on_a_leaf(&repo, &base, &quiet);
        assert!(removes_of(&change).is_empty(), "{:?}", change.files);
        assert!(!fired.iter().any(|r| r.starts_with("destructive")), "{fired:?}");
    }
}

/// Regressions (a red team of the values reading): a key given twice hid
/// the file (Helm keeps the last), `null` and a removed override turned
/// storage off unseen, `existingClaim` retired the chart's own claim, and
/// data charts whose names the rules do not know were missed; while an
/// exporter, a UI and a claim retention policy read as storage.
#[test]
fn helm_values_are_read_as_helm_reads_them() {
    let repo = Repo::new("helm-as-helm");
    let before = "persistence:\n  enabled: true\nminio:\n  enabled: true\nmetrics: {enabled: true}\n\
                  prometheus-redis-exporter: {enabled: true}\nkafka-ui: {enabled: true}\n\
                  persistentVolumeClaimRetentionPolicy: {enabled: true}\npostgresql: {enabled: true}\n";
    repo.write("orders/helm/values.yaml", before.as_bytes());
    let base = repo.commit(0.0, "Chart");
    let read = |text: &str, day: f64| {
        repo.git(&["checkout", "-q", &base]);
        repo.write("orders/helm/values.yaml", text.as_bytes());
        let to = repo.commit(day, "Values");
        let (change, _) = read_and_assess_on_a_leaf(&repo, &base, &to);
        change.files[0].removes.clone()
    };
    let strings = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<Vec<String>>();
    assert_eq!(read(&format!("{before}postgresql: {{enabled: false}}\n"), 1.0), strings(&["postgresql"]));
    assert_eq!(
        read(&before.replace("  enabled: true\nminio", "  enabled: null\nminio"), 2.0),
        strings(&["PersistentVolumeClaim"])
    );
    // In a chart's own `values.yaml`, a subchart's switch taken out is a
    // `condition` Helm ignores: the subchart stays (a red team).
    assert_eq!(read(&before.replace("postgresql: {enabled: true}", "postgresql: {}"), 3.0), Vec::<String>::new());
    assert_eq!(
        read(&before.replace("  enabled: true\nminio", "  enabled: true\n  existingClaim: old-data\nminio"), 4.0),
        strings(&["PersistentVolumeClaim"])
    );
    assert_eq!(read(&before.replace("minio:\n  enabled: true", "minio:\n  enabled: false"), 5.0), strings(&["minio"]));
    let quiet = before
        .replace("{enabled: true}", "{enabled: false}")
        .replace("postgresql: {enabled: false}", "postgresql: {enabled: true}");
    assert_eq!(read(&quiet, 6.0), Vec::<String>::new());
    // A subchart taken out of `Chart.yaml` is no longer rendered.
    repo.git(&["checkout", "-q", &base]);
    let chart = "apiVersion: v2\nname: orders\nversion: 1.0.0\ndependencies:\n  - name: postgresql\n    version: 15.5.0\n  - name: common\n    version: 2.0.0\n";
    repo.write("orders/helm/Chart.yaml", chart.as_bytes());
    let bundled = repo.commit(7.0, "Bundle a database");
    repo.write("orders/helm/Chart.yaml", chart.replace("  - name: postgresql\n    version: 15.5.0\n", "").as_bytes());
    let managed = repo.commit(8.0, "Use a managed database");
    let (change, fired) = read_and_assess_on_a_leaf(&repo, &bundled, &managed);
    assert_eq!(removes_of(&change), [("orders/helm/Chart.yaml".to_owned(), strings(&["postgresql"]))]);
    assert!(fired.iter().any(|r| r == "destructive-datastore-or-queue"), "{fired:?}");
}

/// Regression (a red team of the values reading): a Flux HelmRelease's
/// `spec.values`, or an Argo CD application's `helm.valuesObject` or
/// `helm.values`, turning storage off was unread: the values file is not
/// the only place Helm values are written.
#[test]
fn helm_values_given_inline_by_gitops_manifests_are_read() {
    let repo = Repo::new("helm-inline");
    let release = |on: &str| {
        format!(
            "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: ledger\nspec:\n  chart:\n    spec: {{chart: ledger}}\n  values:\n    replicaCount: 2\n    persistence:\n      enabled: {on}\n"
        )
    };
    let app = |on: &str| {
        format!(
            "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: ledger\nspec:\n  source:\n    repoURL: https://charts.example/acme\n    chart: ledger\n    helm:\n      values: |\n        postgresql:\n          enabled: {on}\n"
        )
    };
    repo.write("orders/flux/ledger.yaml", release("true").as_bytes());
    repo.write("argocd/ledger.yaml", app("true").as_bytes());
    let base = repo.commit(0.0, "Releases");
    repo.write("orders/flux/ledger.yaml", release("false").as_bytes());
    let flux = repo.commit(1.0, "No storage");
    repo.git(&["checkout", "-q", &base]);
    repo.write("argocd/ledger.yaml", app("false").as_bytes());
    let argo = repo.commit(2.0, "External database");
    repo.git(&["checkout", "-q", &base]);
    repo.write("orders/flux/ledger.yaml", release("true").replace("replicaCount: 2", "replicaCount: 3").as_bytes());
    let scaled = repo.commit(3.0, "Scale");

    let (change, fired) = read_and_assess_on_a_leaf(&repo, &base, &flux);
    assert_eq!(removes_of(&change), [("orders/flux/ledger.yaml".to_owned(), vec!["PersistentVolumeClaim".to_owned()])]);
    assert!(fired.iter().any(|r| r == "destructive-datastore-or-queue"), "{fired:?}");
    let (change, _) = read_and_assess_on_a_leaf(&repo, &base, &argo);
    assert_eq!(removes_of(&change), [("argocd/ledger.yaml".to_owned(), vec!["postgresql".to_owned()])]);
    let (change, fired) = read_and_assess_on_a_leaf(&repo, &base, &scaled);
    assert!(removes_of(&change).is_empty(), "{:?}", change.files);
    assert!(!fired.iter().any(|r| r.starts_with("destructive")), "{fired:?}");
}

/// Destructive commands added to a pipeline or a script destroy what
/// they name on the next run, though no infrastructure file changed (how
/// an agent deciding to recreate an environment does it): `terraform
/// destroy` in a workflow, `kubectl delete pvc` in a Makefile recipe, a
/// database's Helm release uninstalled by a script. A preview
/// environment's cleanup, a pod restarted, a command printed or in a
/// comment, a command reworded, a script renamed, and the same commands
/// under `docs/` destroy nothing.
#[test]
fn destructive_commands_added_to_pipelines_and_scripts_count() {
    let repo = Repo::new("commands");
    let workflow = |step: &str| {
        format!(
            "name: deploy\non: push\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    steps:\n      - run: {step}\n"
        )
    };
    repo.write(".github/workflows/deploy.yml", workflow("terraform apply -auto-approve").as_bytes());
    repo.write("ops/Makefile", b"deploy:\n\tkubectl apply -k overlays/prod\n");
    repo.write("scripts/teardown.sh", b"#!/bin/sh\nset -e\n");
    repo.write("docs/runbook.sh", b"#!/bin/sh\n");
    let base = repo.commit(0.0, "Pipelines");
    repo.write(".github/workflows/deploy.yml", workflow("terraform destroy -auto-approve").as_bytes());
    repo.write(
        "ops/Makefile",
        b"deploy:\n\tkubectl apply -k overlays/prod\nreset:\n\t@kubectl delete -n prod pvc data\n",
    );
    repo.write("scripts/teardown.sh", b"#!/bin/sh\nset -e\nhelm uninstall -n orders orders-postgresql\n");
    let destructive = repo.commit(1.0, "Recreate the environment");
    repo.git(&["checkout", "-q", &base]);
    let everyday = workflow(
        "kubectl delete namespace preview-${{ github.event.number }} && kubectl delete pod -l app=web\n      - run: echo \"terraform destroy\" # terraform destroy",
    );
    repo.write(".github/workflows/deploy.yml", everyday.as_bytes());
    repo.write("docs/runbook.sh", b"#!/bin/sh\nterraform destroy\n");
    repo.write("scripts/teardown.sh", b"#!/bin/sh\nset -e\n# helm uninstall orders-postgresql\n");
    let teardown = "name: teardown\non:\n  pull_request:\n    types: [closed]\njobs:\n  teardown:\n    if: github.event.action == 'closed'\n    runs-on: ubuntu-latest\n    env:\n      TF_WORKSPACE: pr-${{ github.event.number }}\n      NAMESPACE: pr-${{ github.event.number }}\n    steps:\n      - run: terraform destroy -auto-approve\n      - run: kubectl delete namespace \"$NAMESPACE\"\n";
    repo.write(".github/workflows/teardown.yml", teardown.as_bytes());
    let review = "stop_review:\n  stage: cleanup\n  script:\n    - helm uninstall \"$RELEASE\" --namespace \"$KUBE_NAMESPACE\"\n  environment:\n    name: review/$CI_COMMIT_REF_SLUG\n    action: stop\n";
    repo.write(".gitlab-ci.yml", review.as_bytes());
    let quiet = repo.commit(2.0, "Preview cleanup");
    repo.git(&["checkout", "-q", &destructive]);
    repo.write(".github/workflows/deploy.yml", workflow("terraform destroy -auto-approve -input=false").as_bytes());
    repo.git(&["mv", "scripts/teardown.sh", "scripts/retire.sh"]);
    let reworded = repo.commit(3.0, "Reword");

    let (change, fired) = read_and_assess_on_a_leaf(&repo, &base, &destructive);
    let strings = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<Vec<String>>();
    assert_eq!(
        removes_of(&change),
        [
            (".github/workflows/deploy.yml".to_owned(), strings(&["terraform destroy"])),
            ("ops/Makefile".to_owned(), strings(&["PersistentVolumeClaim"])),
            ("scripts/teardown.sh".to_owned(), strings(&["helm uninstall orders-postgresql"])),
        ]
    );
    assert!(fired.iter().any(|r| r == "destructive-datastore-or-queue"), "{fired:?}");
    for (from, calm) in [(&base, &quiet), (&destructive, &reworded)] {
        let (change, fired) = read_and_assess_on_a_leaf(&repo, from, calm);
        assert!(removes_of(&change).is_empty(), "{calm}: {:?}", removes_of(&change));
        assert!(!fired.iter().any(|r| r.starts_with("destructive")), "{fired:?}");
    }
}

/// Steps that run a destroying action are read whole at both ends of a
/// change: a Pulumi step's `command: up` made `command: destroy` (one
/// changed line that names no tool), an Azure Pipelines Terraform task's
/// `command: destroy` under `eng/pipelines/`, a Terraform destroy action
/// added, and a framework's database reset added to a deploy script
/// count. The
/// same reset in a test job, in `package.json`'s scripts or for a local
/// database, and a destroy step moved from one workflow to another,
/// destroy nothing.
#[test]
fn pipeline_steps_and_framework_resets_count() {
    let repo = Repo::new("steps");
    let pulumi = |command: &str| {
        format!(
            "name: infra\non: push\njobs:\n  infra:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - uses: pulumi/actions@v5\n        with:\n          command: {command}\n          stack-name: acme/prod\n"
        )
    };
    repo.write(".github/workflows/infra.yml", pulumi("up").as_bytes());
    let azure = |command: &str| {
        format!(
            "steps:\n- task: TerraformTaskV4@4\n  inputs:\n    provider: azurerm\n    command: {command}\n    workingDirectory: infra/prod\n"
        )
    };
    repo.write("eng/pipelines/infra.yml", azure("apply").as_bytes());
    repo.write("scripts/deploy.sh", b"#!/bin/sh\nset -e\nbin/rails db:migrate\n");
    repo.write("package.json", b"{\n  \"scripts\": {\n    \"start\": \"node server.js\"\n  }\n}\n");
    let base = repo.commit(0.0, "Pipelines");
    repo.write(".github/workflows/infra.yml", pulumi("destroy").as_bytes());
    repo.write("eng/pipelines/infra.yml", azure("destroy").as_bytes());
    repo.write(
        ".github/workflows/teardown.yml",
        b"on: workflow_dispatch\njobs:\n  prod:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: dflook/terraform-destroy@v1\n        with:\n          path: infra/prod\n",
    );
    repo.write("scripts/deploy.sh", b"#!/bin/sh\nset -e\nbin/rails db:migrate\nnpx prisma migrate reset --force\n");
    let destructive = repo.commit(1.0, "Recreate the environment");
    repo.git(&["checkout", "-q", &base]);
    repo.write(
        ".github/workflows/test.yml",
        b"on: push\njobs:\n  rspec:\n    runs-on: ubuntu-latest\n    env:\n      RAILS_ENV: test\n    steps:\n      - run: bin/rails db:drop db:create db:schema:load\n",
    );
    repo.write(
        "package.json",
        b"{\n  \"scripts\": {\n    \"start\": \"node server.js\",\n    \"db:reset\": \"prisma migrate reset --force\"\n  }\n}\n",
    );
    repo.write(
        "scripts/local-setup.sh",
        b"#!/bin/sh\nDATABASE_URL=postgres://dev@localhost/app npx prisma migrate reset --force\n",
    );
    let quiet = repo.commit(2.0, "Developer tasks");
    // The teardown workflow's destroy step moved into another file.
    repo.git(&["checkout", "-q", &destructive]);
    repo.remove(".github/workflows/teardown.yml");
    repo.write(
        ".github/workflows/manual.yml",
        b"on: workflow_dispatch\njobs:\n  production:\n    runs-on: ubuntu-latest\n    steps:\n      - name: Tear down\n        uses: dflook/terraform-destroy@v1\n        with:\n          path: infra/prod\n",
    );
    let moved = repo.commit(3.0, "Merge the manual workflows");

    let (change, fired) = read_and_assess_on_a_leaf(&repo, &base, &destructive);
    let strings = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<Vec<String>>();
    assert_eq!(
        removes_of(&change),
        [
            (".github/workflows/infra.yml".to_owned(), strings(&["pulumi destroy"])),
            (".github/workflows/teardown.yml".to_owned(), strings(&["terraform destroy"])),
            ("eng/pipelines/infra.yml".to_owned(), strings(&["terraform destroy"])),
            ("scripts/deploy.sh".to_owned(), strings(&["database"])),
        ]
    );
    assert!(fired.iter().any(|r| r.starts_with("destructive")), "{fired:?}");
    for (from, calm) in [(&base, &quiet), (&destructive, &moved)] {
        let (change, fired) = read_and_assess_on_a_leaf(&repo, from, calm);
        assert!(removes_of(&change).is_empty(), "{calm}: {:?}", removes_of(&change));
        assert!(!fired.iter().any(|r| r.starts_with("destructive")), "{fired:?}");
    }
}

/// A red team's: commands that run when a service is deployed or a
/// machine boots, in places the git reader did not read (a Compose
/// service's `command:`, a systemd unit's `ExecStartPre=`, cloud-init's
/// `runcmd:`, a Kubernetes container's `postStart` hook or liveness
/// probe, a Compose healthcheck, an ECS task definition's `command`),
/// passed with a lenient depth. Each counts now,
/// and so does an item edited in a list whose key the patch shows only as
/// context, or in a file that only its unshown text makes a place (a
/// `#cloud-config` first line, `containerDefinitions`); the same files'
/// harmless commands and other keys destroy nothing.
#[test]
fn commands_run_at_deploy_or_boot_time_count() {
    let repo = Repo::new("places");
    let compose = |last: &str| {
        format!(
            "services:\n  migrate:\n    image: postgres:16\n    command:\n      - sh\n      - -c\n      - {last}\n    healthcheck:\n      test: [\"CMD\", \"pg_isready\"]\n"
        )
    };
    repo.write("orders/docker-compose.yml", compose("echo ready").as_bytes());
    repo.write("orders/README.md", b"# orders\n");
    // (A cloud-init config whose first line an edit of its last item does
    // not show.)
    let init = |last: &str| {
        format!(
            "#cloud-config\npackages:\n  - postgresql-client\n  - redis-tools\n  - jq\n  - curl\nruncmd:\n  - systemctl start orders\n  - {last}\n"
        )
    };
    repo.write("orders/infra/init.yaml", init("echo ready").as_bytes());
    // (And an ECS task definition, by no name of its own, whose
    // `containerDefinitions` an edit of a word far below does not show.)
    let task = |last: &str| {
        format!(
            "{{\n  \"family\": \"orders-migrate\",\n  \"containerDefinitions\": [\n    {{\n      \"name\": \"migrate\",\n      \"image\": \"postgres:16\",\n      \"cpu\": 256,\n      \"memory\": 512,\n      \"essential\": true,\n      \"command\": [\n        \"sh\",\n        \"-c\",\n        \"{last}\"\n      ]\n    }}\n  ]\n}}\n"
        )
    };
    repo.write("orders/ecs/migrate.json", task("echo ready").as_bytes());
    let base = repo.commit(0.0, "Orders");
    let (dropped, served) = (compose("dropdb orders"), compose("gunicorn orders.wsgi"));
    let reset = init("dropdb orders");
    let migrate = task("dropdb orders");
    let hook = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: orders\nspec:\n  template:\n    spec:\n      containers:\n        - name: orders\n          image: orders-api:1.4\n          lifecycle:\n            postStart:\n              exec:\n                command: [\"sh\", \"-c\", \"dropdb orders\"]\n";
    // (Probes run in the container over and over.)
    let probe = hook.replace("lifecycle:\n            postStart:\n", "livenessProbe:\n");
    let healthy = probe.replace("[\"sh\", \"-c\", \"dropdb orders\"]", "[cat, /tmp/healthy]");
    let ecs = "{\n  \"family\": \"orders-migrate\",\n  \"containerDefinitions\": [\n    {\n      \"name\": \"migrate\",\n      \"image\": \"postgres:16\",\n      \"command\": [\"sh\", \"-c\", \"dropdb orders\"]\n    }\n  ]\n}\n";
    let cases: &[FileCase<'_>] = &[
        (
            "A Compose item edited",
            "orders/docker-compose.yml",
            &dropped,
            &[("orders/docker-compose.yml", &["database"])],
        ),
        (
            "A Compose command",
            "orders/compose.prod.yaml",
            "services:\n  reset:\n    image: postgres:16\n    command: sh -c \"dropdb orders\"\n",
            &[("orders/compose.prod.yaml", &["database"])],
        ),
        (
            "A systemd unit",
            "orders/deploy/orders-migrate.service",
            "[Service]\nType=oneshot\nExecStartPre=-/usr/bin/dropdb orders\nExecStart=/usr/bin/orders-migrate\n",
            &[("orders/deploy/orders-migrate.service", &["database"])],
        ),
        (
            "A cloud-init config",
            "orders/infra/boot.yaml",
            "#cloud-config\nruncmd:\n  - [ sh, -c, \"dropdb orders\" ]\n",
            &[("orders/infra/boot.yaml", &["database"])],
        ),
        ("A cloud-init item edited", "orders/infra/init.yaml", &reset, &[("orders/infra/init.yaml", &["database"])]),
        ("An ECS word edited", "orders/ecs/migrate.json", &migrate, &[("orders/ecs/migrate.json", &["database"])]),
        ("A lifecycle hook", "orders/k8s/deployment.yaml", hook, &[("orders/k8s/deployment.yaml", &["database"])]),
        ("A liveness probe", "orders/k8s/deployment.yaml", &probe, &[("orders/k8s/deployment.yaml", &["database"])]),
        (
            "A Compose healthcheck",
            "orders/compose.yaml",
            "services:\n  db:\n    image: postgres:16\n    healthcheck:\n      test: [\"CMD-SHELL\", \"dropdb orders\"]\n",
            &[("orders/compose.yaml", &["database"])],
        ),
        ("A harmless probe", "orders/k8s/deployment.yaml", &healthy, &[]),
        (
            "An ECS task definition",
            "orders/ecs/task-definition.json",
            ecs,
            &[("orders/ecs/task-definition.json", &["database"])],
        ),
        ("A Compose item made harmless", "orders/docker-compose.yml", &served, &[]),
        ("An API's unit", "orders/deploy/orders-api.service", "[Service]\nExecStart=/usr/bin/orders-api\n", &[]),
        (
            "Packages and files",
            "orders/infra/boot.yaml",
            "#cloud-config\npackages: [postgresql-client]\nwrite_files:\n  - path: /etc/motd\n    content: dropdb orders\n",
            &[],
        ),
    ];
    assert_file_cases(&repo, &base, cases);
}

/// A Dockerfile's `CMD`, `ENTRYPOINT`, `HEALTHCHECK` and `RUN` run
/// commands (in every container of the image, or where it is built) that
/// the git reader did not read: a `dropdb` in each passed. Each counts
/// now, also when only the continued line below an unchanged instruction
/// changes; the usual build steps and an image's server destroy nothing.
#[test]
fn a_dockerfiles_commands_count() {
    let repo = Repo::new("dockerfile");
    let check = |command: &str| {
        format!(
            "FROM postgres:16\nCOPY schema.sql /srv/\nHEALTHCHECK --interval=10s --timeout=3s \\\n  CMD {command}\n"
        )
    };
    repo.write("orders/Dockerfile", check("pg_isready -U postgres").as_bytes());
    repo.write("orders/README.md", b"# orders\n");
    let base = repo.commit(0.0, "Orders");
    let dropped = check("dropdb -U postgres orders");
    let cases: &[FileCase<'_>] = &[
        ("A healthcheck's continued line", "orders/Dockerfile", &dropped, &[("orders/Dockerfile", &["database"])]),
        (
            "A command of exec form",
            "orders/Dockerfile.reset",
            "FROM postgres:16\nCMD [\"sh\", \"-c\", \"dropdb orders\"]\n",
            &[("orders/Dockerfile.reset", &["database"])],
        ),
        (
            "A build step",
            "orders/Containerfile",
            "FROM hashicorp/terraform:1.9\nCOPY infra /infra\nRUN terraform -chdir=/infra destroy -auto-approve\n",
            &[("orders/Containerfile", &["terraform destroy"])],
        ),
        (
            "A here-document's text that only looks like its end",
            "orders/Dockerfile.init",
            "FROM postgres:16\nRUN <<EOF\necho start\n  EOF\ndropdb -h orders-db orders\nEOF\n",
            &[("orders/Dockerfile.init", &["database"])],
        ),
        (
            "An image's server",
            "orders/Dockerfile.api",
            "FROM nginx:1.27\nRUN apt-get update && apt-get install -y curl \\\n && rm -rf /var/lib/apt/lists/*\nHEALTHCHECK CMD curl -f http://localhost/ || exit 1\nCMD [\"nginx\", \"-g\", \"daemon off;\"]\n",
            &[],
        ),
    ];
    assert_file_cases(&repo, &base, cases);
}

/// What a command substitution runs counts wherever the shell runs it: in
/// double quotes, around a `case`, in a here-document's comment line (a
/// script's or a workflow's), in a Dockerfile's build step; Markdown's
/// backquotes in a single-quoted message do not.
#[test]
fn what_a_command_substitution_runs_counts() {
    let repo = Repo::new("substitutions");
    repo.write("orders/deploy.sh", b"#!/bin/sh\nset -eu\nkubectl rollout restart deploy/orders\n");
    let base = repo.commit(0.0, "Orders");
    let cases: &[FileCase<'_>] = &[
        (
            "In double quotes",
            "orders/deploy.sh",
            "#!/bin/sh\nset -eu\necho \"reset at $(date -u): $(dropdb -U postgres orders)\"\n",
            &[("orders/deploy.sh", &["database"])],
        ),
        (
            "Around a case",
            "orders/reset.sh",
            "#!/bin/sh\nout=\"$(case $ENV in prod) redis-cli -h orders-cache FLUSHALL;; esac)\"\n",
            &[("orders/reset.sh", &["redis flushall"])],
        ),
        (
            "A here-document's comment line",
            "orders/config.sh",
            "#!/bin/sh\ncat > /etc/orders.conf <<EOF\n# generated by $(dropdb -U postgres orders)\nport = 5432\nEOF\n",
            &[("orders/config.sh", &["database"])],
        ),
        (
            "A build step",
            "orders/Dockerfile",
            "FROM postgres:16\nRUN rm -rf \"/tmp/$(dropdb -U postgres orders)\"\n",
            &[("orders/Dockerfile", &["database"])],
        ),
        (
            "A workflow's here-document",
            ".github/workflows/deploy.yml",
            "name: deploy\non: push\njobs:\n  d:\n    runs-on: ubuntu-latest\n    steps:\n      - run: |\n          cat > x.conf <<EOF\n          # $(dropdb -U postgres orders)\n          EOF\n",
            &[(".github/workflows/deploy.yml", &["database"])],
        ),
        (
            "A message's Markdown",
            "orders/notify.sh",
            "#!/bin/sh\ngit commit -m 'fix: stop `redis-cli FLUSHALL` in cleanup' || true\necho \"deployed $(git rev-parse --short HEAD)\"\n",
            &[],
        ),
    ];
    assert_file_cases(&repo, &base, cases);
}

/// Regressions (a red team of the patch readings): what kustomize's
/// patches delete is compared by object before and after, over the
/// Kustomization and every one it reaches. A component added that deletes
/// the database, a delete patch re-aimed from one StatefulSet to another,
/// a patch file named `d.patch`, and a real patch hidden past the list's
/// bound behind ten thousand spellings of a harmless one were unread; a
/// delete patch moved to a folder or made inline, and an overlay copied
/// for a new environment, read as destruction.
#[test]
fn patches_are_compared_by_what_they_delete() {
    let repo = Repo::new("patch-objects");
    let set = |name: &str| format!("apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: {name}\nspec: {{}}\n");
    let delete = |name: &str| format!("{}$patch: delete\n", set(name));
    let overlay = "k8s/overlays/prod/kustomization.yaml";
    repo.write("k8s/base/db.yaml", format!("{}---\n{}", set("db"), set("cache")).as_bytes());
    repo.write("k8s/base/kustomization.yaml", b"resources:\n  - db.yaml\n");
    repo.write("k8s/components/no-db/delete-db.yaml", delete("db").as_bytes());
    repo.write(
        "k8s/components/no-db/kustomization.yaml",
        b"apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\npatches:\n  - path: delete-db.yaml\n",
    );
    repo.write("k8s/overlays/prod/retire.yaml", delete("cache").as_bytes());
    repo.write("k8s/overlays/prod/d.patch", delete("db").as_bytes());
    repo.write("k8s/overlays/prod/label.yaml", set("cache").as_bytes());
    repo.write(overlay, b"resources:\n  - ../../base\npatches:\n  - path: retire.yaml\n");
    let base = repo.commit(0.0, "Overlay");
    let edit = |day: f64, change: &dyn Fn()| {
        repo.git(&["checkout", "-q", &base]);
        change();
        repo.commit(day, "Edit")
    };
    let component = edit(1.0, &|| {
        repo.write(
            overlay,
            b"resources:\n  - ../../base\npatches:\n  - path: retire.yaml\ncomponents:\n  - ../../components/no-db\n",
        )
    });
    let reaimed = edit(2.0, &|| repo.write("k8s/overlays/prod/retire.yaml", delete("db").as_bytes()));
    let dotted = edit(3.0, &|| {
        repo.write(overlay, b"resources:\n  - ../../base\npatches:\n  - path: retire.yaml\n  - path: d.patch\n")
    });
    let hidden = edit(4.0, &|| {
        let mut text = "resources:\n  - ../../base\npatches:\n  - path: retire.yaml\n".to_owned();
        for i in 0..10_000u32 {
            let spelling: String = (0..14).map(|b| if i >> b & 1 == 1 { "./" } else { ".//" }).collect();
            text.push_str(&format!("  - path: {spelling}label.yaml\n"));
        }
        text.push_str("  - path: d.patch\n");
        repo.write(overlay, text.as_bytes());
    });
    let moved = edit(5.0, &|| {
        std::fs::create_dir_all(repo.path().join("k8s/overlays/prod/patches")).unwrap();
        repo.git(&["mv", "k8s/overlays/prod/retire.yaml", "k8s/overlays/prod/patches/retire.yaml"]);
        repo.write(overlay, b"resources:\n  - ../../base\npatches:\n  - path: patches/retire.yaml\n");
    });
    let inlined = edit(6.0, &|| {
        repo.remove("k8s/overlays/prod/retire.yaml");
        let patch = "patches:\n  - patch: |-\n      apiVersion: apps/v1\n      kind: StatefulSet\n      metadata:\n        name: cache\n      $patch: delete\n";
        repo.write(overlay, format!("resources:\n  - ../../base\n{patch}").as_bytes());
    });
    let copied = edit(7.0, &|| {
        repo.write("k8s/overlays/staging/retire.yaml", delete("cache").as_bytes());
        repo.write(
            "k8s/overlays/staging/kustomization.yaml",
            b"resources:\n  - ../../base\npatches:\n  - path: retire.yaml\n",
        );
    });
    let stateful = |to: &str| {
        let (change, _) = read_and_assess_on_a_leaf(&repo, &base, to);
        change.files.iter().flat_map(|f| f.declares.iter().chain(&f.removes)).cloned().collect::<Vec<String>>()
    };
    for destroys in [&component, &reaimed, &dotted] {
        assert_eq!(stateful(destroys), ["StatefulSet"], "{destroys}");
    }
    assert_eq!(stateful(&hidden), [overlay], "a list past its bound counts by its path");
    for quiet in [&moved, &inlined, &copied] {
        assert_eq!(stateful(quiet), Vec::<String>::new(), "{quiet}");
    }
}

/// A helmfile release given `installed: false` is uninstalled by
/// `helmfile apply` with all it deployed: its chart's words count. A
/// release taken out of the file is left installed (nothing counts), and
/// so is one whose other fields change.
#[test]
fn a_helmfile_release_switched_off_is_uninstalled() {
    let repo = Repo::new("helmfile");
    let helmfile = |db: &str, web: &str| {
        format!(
            "repositories:\n  - name: bitnami\n    url: https://charts.example/bitnami\nreleases:\n  - name: orders-db\n    namespace: orders\n    chart: bitnami/postgresql\n{db}  - name: web\n    chart: ./charts/web\n{web}"
        )
    };
    repo.write("deploy/helmfile.yaml", helmfile("", "").as_bytes());
    let base = repo.commit(0.0, "Releases");
    repo.write("deploy/helmfile.yaml", helmfile("    installed: false\n", "").as_bytes());
    let off = repo.commit(1.0, "Retire the database");
    repo.git(&["checkout", "-q", &base]);
    repo.write("deploy/helmfile.yaml", helmfile("    version: 15.5.0\n", "    installed: true\n").as_bytes());
    let pinned = repo.commit(2.0, "Pin");
    repo.git(&["checkout", "-q", &base]);
    let dropped = "releases:\n  - name: web\n    chart: ./charts/web\n";
    repo.write("deploy/helmfile.yaml", dropped.as_bytes());
    let dropped = repo.commit(3.0, "Drop from the file");

    let (change, fired) = read_and_assess_on_a_leaf(&repo, &base, &off);
    let words = vec!["helm chart bitnami/postgresql orders-db".to_owned()];
    assert_eq!(removes_of(&change), [("deploy/helmfile.yaml".to_owned(), words)]);
    assert!(fired.iter().any(|r| r == "destructive-datastore-or-queue"), "{fired:?}");
    for quiet in [&pinned, &dropped] {
        let (change, fired) = read_and_assess_on_a_leaf(&repo, &base, quiet);
        assert!(removes_of(&change).is_empty(), "{:?}", change.files);
        assert!(!fired.iter().any(|r| r.starts_with("destructive")), "{fired:?}");
    }
}

/// Regression (a classification audit): a StatefulSet's manifest kept in
/// a folder the path rules do not know (`deployments/`, Argo CD's and
/// Flux's folders, `overlays/`) was configuration: deleting it was `owner`
/// where the same file under `k8s/` blocked. The git reader reads a
/// changed YAML or JSON file's content and states `kind: infrastructure`
/// for a Kubernetes object or a CloudFormation template.
#[test]
fn a_manifest_is_infrastructure_wherever_it_is_kept() {
    let repo = Repo::new("manifests");
    let claim = "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: ledger\n";
    let set = "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: orders\n";
    repo.write("deployments/orders/ledger.yaml", format!("{set}---\n{claim}").as_bytes());
    repo.write("overlays/orders/app.yaml", format!("{set}---\n{claim}").as_bytes());
    repo.write("settings/orders/app.yaml", b"replicas: 3\nkind: fast\n");
    let base = repo.commit(0.0, "Deploy orders");
    repo.git(&["rm", "-q", "deployments/orders/ledger.yaml"]);
    repo.write("overlays/orders/app.yaml", set.as_bytes());
    repo.write("settings/orders/app.yaml", b"replicas: 4\nkind: fast\n");
    let head = repo.commit(1.0, "Retire the ledger");

    let (change, fired) = read_and_assess_on_a_leaf(&repo, &base, &head);
    let kinds: Vec<(&str, Option<ChangeKind>)> = change.files.iter().map(|f| (f.path.as_str(), f.kind)).collect();
    assert_eq!(
        kinds,
        [
            ("deployments/orders/ledger.yaml", Some(ChangeKind::Infrastructure)),
            ("overlays/orders/app.yaml", Some(ChangeKind::Infrastructure)),
            ("settings/orders/app.yaml", None),
        ]
    );
    let deleted = &change.files[0];
    assert_eq!(deleted.declares, ["PersistentVolumeClaim", "StatefulSet"]);
    assert_eq!(change.files[1].removes, ["PersistentVolumeClaim"]);
    assert!(fired.iter().any(|r| r == "destructive-datastore-or-queue"), "{fired:?}");
}

/// Regressions (an over-strictness and a red-team audit of the
/// declarations reader): Kubernetes-style documents that run in no
/// cluster, examples, a refactor between modules and a renamed folder are
/// no destructions; a decoy in a file Terraform never reads, and a file
/// too large to read in the folder, hide none.
#[test]
fn the_declarations_reader_reads_what_the_tools_deploy() {
    let db = "resource \"aws_db_instance\" \"orders\" {\n  engine = \"postgres\"\n}\n";
    let sg = "resource \"aws_security_group\" \"db\" {\n  name = \"db\"\n}\n";
    let claim = "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: ledger\n";
    let repo = Repo::new("reader");
    repo.write(
        "orders/catalog-info.yaml",
        b"apiVersion: backstage.io/v1alpha1\nkind: Component\n---\napiVersion: backstage.io/v1alpha1\nkind: API\n",
    );
    repo.write("orders/docs/examples/pvc.yaml", format!("# an example\n{claim}spec: {{}}\n").as_bytes());
    repo.write("orders/terraform/modules/app/main.tf", format!("{db}{sg}").as_bytes());
    repo.write("orders/terraform/main.tf", b"module \"app\" {\n  source = \"./modules/app\"\n}\n");
    repo.write("orders/k8s/pvc.yaml", claim.as_bytes());
    repo.write("orders/tf/main.tf", format!("{db}{sg}").as_bytes());
    let base = repo.commit(0.0, "Deploy orders");
    // Backstage: an API entity retired; an example deleted.
    repo.write("orders/catalog-info.yaml", b"apiVersion: backstage.io/v1alpha1\nkind: Component\n");
    repo.git(&["rm", "-q", "orders/docs/examples/pvc.yaml"]);
    // The database moves to another module, with the `moved` block in the
    // calling module; the manifests' folder is renamed.
    repo.write("orders/terraform/modules/app/main.tf", sg.as_bytes());
    repo.write("orders/terraform/modules/db/main.tf", db.as_bytes());
    repo.write(
        "orders/terraform/main.tf",
        b"module \"app\" {\n  source = \"./modules/app\"\n}\nmodule \"db\" {\n  source = \"./modules/db\"\n}\nmoved {\n  from = module.app.aws_db_instance.orders\n  to   = module.db.aws_db_instance.orders\n}\n",
    );
    repo.git(&["mv", "orders/k8s", "orders/kubernetes"]);
    let tidy = repo.commit(1.0, "Tidy up");
    let (change, fired) = read_and_assess_on_a_leaf(&repo, &base, &tidy);
    for f in &change.files {
        assert!(f.declares.is_empty() && f.removes.is_empty() && f.kind.is_none(), "{f:?}");
    }
    assert!(!fired.iter().any(|r| r == "destructive-datastore-or-queue"), "{fired:?}");

    // A decoy in a YAML file Terraform never reads does not stand for the
    // block taken out of `main.tf`.
    repo.write("orders/tf/main.tf", sg.as_bytes());
    repo.write("orders/tf/notes.yaml", b"kind: aws_db_instance\n");
    let decoy = repo.commit(2.0, "Drop the database, keep a note");
    let (change, fired) = read_and_assess_on_a_leaf(&repo, &tidy, &decoy);
    let main = change.files.iter().find(|f| f.path == "orders/tf/main.tf").unwrap();
    assert_eq!(main.removes, ["aws_db_instance"]);
    assert!(fired.iter().any(|r| r == "destructive-datastore-or-queue"), "{fired:?}");

    // A database's label renamed without a `moved` block is destroyed and
    // made anew; with one, it is moved.
    repo.git(&["checkout", "-q", &tidy]);
    repo.write("orders/tf/main.tf", format!("{}{sg}", db.replace("\"orders\"", "\"orders_db\"")).as_bytes());
    let relabelled = repo.commit(4.0, "Rename the database block");
    let (change, fired) = read_and_assess_on_a_leaf(&repo, &tidy, &relabelled);
    assert_eq!(change.files[0].removes, ["aws_db_instance"]);
    assert!(fired.iter().any(|r| r == "destructive-datastore-or-queue"), "{fired:?}");
    let moved = "moved {\n  from = aws_db_instance.orders\n  to   = aws_db_instance.orders_db\n}\n";
    repo.write("orders/tf/main.tf", format!("{}{sg}{moved}", db.replace("\"orders\"", "\"orders_db\"")).as_bytes());
    let renamed = repo.commit(5.0, "Rename it with a moved block");
    let (change, _) = read_and_assess_on_a_leaf(&repo, &tidy, &renamed);
    assert!(change.files[0].removes.is_empty(), "{:?}", change.files[0]);
    // A `moved` block of another root module, from an address of its
    // own module, says nothing of this one's database (red team 11).
    repo.git(&["checkout", "-q", &tidy]);
    repo.write("orders/tf/main.tf", sg.as_bytes());
    repo.write("orders/other/main.tf", moved.as_bytes());
    let elsewhere = repo.commit(5.5, "Drop the database, with a moved block elsewhere");
    let (change, fired) = read_and_assess_on_a_leaf(&repo, &tidy, &elsewhere);
    let main = change.files.iter().find(|f| f.path == "orders/tf/main.tf").unwrap();
    assert_eq!(main.removes, ["aws_db_instance"]);
    assert!(fired.iter().any(|r| r == "destructive-datastore-or-queue"), "{fired:?}");
    // A `moved` block out of a module it calls explains that module's
    // folder only, its call found in a file the change leaves alone: the
    // database moved back is no destruction, one deleted in another folder
    // beside it is (red team 33's T4: it was masked).
    repo.git(&["checkout", "-q", &tidy]);
    repo.write(
        "orders/terraform/moves.tf",
        b"moved {\n  from = module.db.aws_db_instance.orders\n  to   = module.app.aws_db_instance.orders\n}\n",
    );
    repo.write("orders/terraform/modules/db/main.tf", b"# moved to app\n");
    repo.write("orders/terraform/modules/app/main.tf", format!("{db}{sg}").as_bytes());
    let moved_back = repo.commit(5.52, "Move the database back to the app module");
    let (change, fired) = read_and_assess_on_a_leaf(&repo, &tidy, &moved_back);
    for f in &change.files {
        assert!(f.declares.is_empty() && f.removes.is_empty(), "{f:?}");
    }
    assert!(!fired.iter().any(|r| r == "destructive-datastore-or-queue"), "{fired:?}");
    repo.write("orders/tf/main.tf", sg.as_bytes());
    let masked = repo.commit(5.54, "Move the database back, and drop another");
    let (change, fired) = read_and_assess_on_a_leaf(&repo, &tidy, &masked);
    let main = change.files.iter().find(|f| f.path == "orders/tf/main.tf").unwrap();
    assert_eq!(main.removes, ["aws_db_instance"]);
    let module = change.files.iter().find(|f| f.path == "orders/terraform/modules/db/main.tf").unwrap();
    assert!(module.removes.is_empty(), "{module:?}");
    assert!(fired.iter().any(|r| r == "destructive-datastore-or-queue"), "{fired:?}");
    // A label no `module` block declares explains nothing.
    repo.git(&["checkout", "-q", &tidy]);
    repo.write(
        "orders/tf/moves.tf",
        b"moved {\n  from = module.db.aws_db_instance.orders\n  to   = aws_db_instance.orders_v2\n}\n",
    );
    repo.write("orders/tf/main.tf", sg.as_bytes());
    let unresolved = repo.commit(5.56, "Drop the database with a moved block of no module");
    let (change, fired) = read_and_assess_on_a_leaf(&repo, &tidy, &unresolved);
    let main = change.files.iter().find(|f| f.path == "orders/tf/main.tf").unwrap();
    assert_eq!(main.removes, ["aws_db_instance"]);
    assert!(fired.iter().any(|r| r == "destructive-datastore-or-queue"), "{fired:?}");
    // A Terraform file moved out of a module that stays takes its
    // resources out of it: Terraform destroys them (red team 11: `peer`);
    // a whole module's folder renamed counts by its paths alone.
    repo.git(&["checkout", "-q", &tidy]);
    repo.write("orders/tf/main.tf", sg.as_bytes());
    repo.write("orders/tf/db.tf", db.as_bytes());
    let split = repo.commit(5.6, "Split the module");
    repo.write("orders/tf/archive/db.tf", db.as_bytes());
    repo.git(&["rm", "-q", "orders/tf/db.tf"]);
    let archived = repo.commit(5.7, "Archive the database file");
    let (change, fired) = read_and_assess_on_a_leaf(&repo, &split, &archived);
    let moved_file = change.files.iter().find(|f| f.path == "orders/tf/archive/db.tf").unwrap();
    assert_eq!(moved_file.declares, ["aws_db_instance"], "{moved_file:?}");
    assert!(fired.iter().any(|r| r == "destructive-datastore-or-queue"), "{fired:?}");
    repo.git(&["checkout", "-q", &split]);
    repo.git(&["mv", "orders/tf", "orders/terraform-main"]);
    let renamed_root = repo.commit(5.8, "Rename the root module's folder");
    let (change, _) = read_and_assess_on_a_leaf(&repo, &split, &renamed_root);
    for f in &change.files {
        assert!(f.declares.is_empty() && f.removes.is_empty(), "{f:?}");
    }

    // A file too large to read in the folder: the file's own loss counts.
    repo.git(&["checkout", "-q", &tidy]);
    repo.write("orders/tf/main.tf", sg.as_bytes());
    let big = format!("locals {{\n  blob = \"{}\"\n}}\n", "x".repeat(1 << 21));
    repo.write("orders/tf/big.tf", big.as_bytes());
    let hidden = repo.commit(3.0, "Drop the database beside a large file");
    let (change, fired) = read_and_assess_on_a_leaf(&repo, &tidy, &hidden);
    let main = change.files.iter().find(|f| f.path == "orders/tf/main.tf").unwrap();
    assert_eq!(main.removes, ["aws_db_instance"]);
    assert!(fired.iter().any(|r| r == "destructive-datastore-or-queue"), "{fired:?}");

    // The file itself too large to read at both ends: its declarations
    // taken out are read from the lines the change takes out (red team
    // 11: read as nothing); one put back elsewhere in it is no loss.
    repo.git(&["checkout", "-q", &tidy]);
    let records: String = (0..12_000)
        .map(|i| format!("resource \"aws_route53_record\" \"r{i}\" {{\n  name = \"r{i}.example.com\"\n  type = \"A\"\n  ttl = 300\n  records = [\"10.0.0.1\"]\n}}\n"))
        .collect();
    let db = "resource \"aws_db_instance\" \"main\" {\n  engine = \"postgres\"\n}\n";
    repo.write("orders/tf/main.tf", format!("{db}{records}").as_bytes());
    let large = repo.commit(6.0, "A large generated file with the database");
    repo.write("orders/tf/main.tf", records.as_bytes());
    let dropped = repo.commit(7.0, "Drop the database from the large file");
    let (change, fired) = read_and_assess_on_a_leaf(&repo, &large, &dropped);
    let main = change.files.iter().find(|f| f.path == "orders/tf/main.tf").unwrap();
    assert_eq!(main.removes, ["aws_db_instance"]);
    assert!(fired.iter().any(|r| r == "destructive-datastore-or-queue"), "{fired:?}");
    repo.git(&["checkout", "-q", &large]);
    repo.write("orders/tf/main.tf", format!("{records}{db}").as_bytes());
    let moved = repo.commit(8.0, "Move the database block to the end");
    let (change, _) = read_and_assess_on_a_leaf(&repo, &large, &moved);
    let main = change.files.iter().find(|f| f.path == "orders/tf/main.tf").unwrap();
    assert!(main.removes.is_empty(), "{main:?}");
}

#[test]
fn provenance_from_trailers_and_agents() {
    let repo = Repo::new("provenance");
    repo.write("a.txt", b"a\n");
    let c0 = repo.commit(0.0, "Initial");
    repo.write("a.txt", b"a\nb\n");
    let assisted = repo.commit(
        1.0,
        "Add parser\n\nWritten with help.\n\nAssisted-by: Claude:claude-3-opus coccinelle sparse\nSigned-off-by: Dev <dev@example.com>",
    );
    repo.write("gen.txt", b"generated\n");
    let generated = repo.commit(2.0, "Generate client\n\nGenerated-by: Codex:gpt-5-codex");
    repo.write("agent.txt", b"agent\n");
    let agent = repo.commit(
        3.0,
        "Implement ticket 12\n\nCo-authored-by: copilot-swe-agent[bot] <198982749+Copilot@users.noreply.github.com>",
    );
    repo.write("plain.txt", b"plain\n");
    let plain = repo.commit(4.0, "Tidy up\n\nCo-authored-by: Jane Doe <jane@example.com>");
    let opts = GitOptions::default();
    let read = |a: &str, b: &str| changeset_from_git(repo.path(), &range(a, b), &opts).unwrap().provenance;

    let p = read(&c0, &assisted);
    assert_eq!(
        (p.ai, p.tool.as_deref(), p.model.as_deref()),
        (Some(AiInvolvement::Assisted), Some("Claude"), Some("claude-3-opus"))
    );
    assert_eq!(p.source, ProvenanceSource::Trailer);
    let p = read(&assisted, &generated);
    assert_eq!(
        (p.ai, p.tool.as_deref(), p.model.as_deref()),
        (Some(AiInvolvement::Generated), Some("Codex"), Some("gpt-5-codex"))
    );
    assert_eq!(read(&c0, &generated).ai, Some(AiInvolvement::Generated), "the strongest commit of the range wins");
    let p = read(&generated, &agent);
    assert_eq!((p.ai, p.tool.as_deref()), (Some(AiInvolvement::Agent), Some("copilot-coding-agent")));
    assert_eq!(read(&c0, &plain).ai, Some(AiInvolvement::Agent));
    let p = read(&agent, &plain);
    // A human's co-author and no AI trailer: the range does not say that no
    // AI helped, so the involvement is unstated (scored as none).
    assert_eq!(p.involvement(), AiInvolvement::None);
    assert_eq!((p.ai, p.tool, p.source), (None, None, ProvenanceSource::Trailer));

    // An agent that authored the commit itself.
    repo.write("bot.txt", b"bot\n");
    let bot = repo.commit_as(("openhands", "openhands@all-hands.dev"), 5.0, "Bump versions");
    let p = read(&plain, &bot);
    assert_eq!((p.ai, p.tool.as_deref()), (Some(AiInvolvement::Agent), Some("openhands")));
    assert_eq!(
        changeset_from_git(repo.path(), &range(&plain, &bot), &opts).unwrap().author.id,
        "openhands@all-hands.dev"
    );
}

/// Regression (a git audit): a commit a known agent committed (the
/// committer `copilot-swe-agent[bot]`) with a person as its author counted
/// as no AI at all. GitHub's `web-flow` committer is no agent.
#[test]
fn an_agent_committer_is_agent_involvement() {
    let repo = Repo::new("agent-committer");
    repo.write("a.txt", b"a\n");
    let base = repo.commit(0.0, "Initial");
    let commit_by = |committer: (&str, &str), path: &str| {
        repo.write(path, b"change\n");
        repo.git(&["add", "-A"]);
        let out = repo
            .command(&["commit", "-q", "-m", "Implement the ticket"])
            .env("GIT_AUTHOR_NAME", "Jane Doe")
            .env("GIT_AUTHOR_EMAIL", "jane@example.com")
            .env("GIT_COMMITTER_NAME", committer.0)
            .env("GIT_COMMITTER_EMAIL", committer.1)
            .output()
            .unwrap();
        assert!(out.status.success(), "commit: {}", String::from_utf8_lossy(&out.stderr));
        repo.git(&["rev-parse", "HEAD"])
    };
    let web = commit_by(("GitHub", "noreply@github.com"), "b.txt");
    let opts = GitOptions::default();
    let read = |a: &str, b: &str| changeset_from_git(repo.path(), &range(a, b), &opts).unwrap();
    assert_eq!(read(&base, &web).provenance.ai, None, "GitHub's web-flow committer is no agent");
    let agent = commit_by(("copilot-swe-agent[bot]", "198982749+Copilot@users.noreply.github.com"), "c.txt");
    let change = read(&web, &agent);
    let p = change.provenance;
    assert_eq!((p.ai, p.tool.as_deref()), (Some(AiInvolvement::Agent), Some("copilot-coding-agent")));
    assert_eq!(change.author.id, "jane@example.com", "the author is still the person");
}

#[test]
fn history_metrics_on_a_small_history() {
    let repo = Repo::new("history");
    let ann = ("Ann", "ann@example.com");
    let bob = ("Bob", "bob@example.com");
    let cy = ("Cy", "cy@example.com");
    repo.write("svc/a.txt", &lines(5, "a"));
    repo.write("lib/b.txt", &lines(5, "b"));
    repo.write("README.md", b"readme\n");
    repo.commit_as(ann, 0.0, "Initial");
    repo.write("svc/a.txt", &lines(6, "a"));
    repo.commit_as(bob, 10.0, "Grow a");
    repo.write("lib/b.txt", &lines(6, "b"));
    repo.commit_as(ann, 20.0, "Grow b");
    repo.write("docs/c.txt", b"docs\n");
    let base = repo.commit_as(cy, 30.0, "Add docs");
    repo.write("svc/a.txt", &lines(7, "a"));
    repo.write("svc/new.txt", b"new\n");
    let head = repo.commit_as(ann, 40.0, "Grow a again");

    let change = changeset_from_git(repo.path(), &range(&base, &head), &GitOptions::default()).unwrap();
    let h = change.history.expect("history metrics");
    // svc/a.txt was changed before the base by Ann (day 0) and Bob (day 10);
    // svc/new.txt is new.
    assert_eq!(h.ndev, Some(2.0));
    assert_eq!(h.nuc, Some(2.0));
    // Measured at the base (day 30), whose time the change cannot set.
    assert!((h.age.unwrap() - 20.0).abs() < 1e-9, "svc/a.txt last changed 20 days before the base: {:?}", h.age);
    // Ann's earlier commits: day 0 (touches svc) and day 20 (lib only).
    assert_eq!(h.exp, Some(2.0));
    let rexp = 1.0 / (1.0 + 30.0 / 365.25) + 1.0 / (1.0 + 10.0 / 365.25);
    assert!((h.rexp.unwrap() - rexp).abs() < 1e-9, "{:?} vs {rexp}", h.rexp);
    assert_eq!(h.sexp, Some(1.0));
    assert_eq!(h.lt, None);
    assert_eq!(change.author.id, "ann@example.com");

    // A head dated ten years ahead (its committer sets the date) makes no
    // file look more settled, and no experience older.
    let forged = repo.commit_as(ann, 3690.0, "Tidy");
    let later = changeset_from_git(repo.path(), &range(&base, &forged), &GitOptions::default()).unwrap();
    let l = later.history.expect("history metrics");
    assert_eq!((l.age, l.rexp), (h.age, h.rexp));

    let mut opts = GitOptions::default();
    opts.history = false;
    opts.id = Some("pr-7".into());
    let change = changeset_from_git(repo.path(), &range(&base, &head), &opts).unwrap();
    assert_eq!((change.history, change.id.as_str()), (None, "pr-7"));
}

/// A change of more files than the history log names one by one (its
/// folders, or the whole history, are logged instead; a complexity audit:
/// 1,000 files took git 38 s) has the same metrics: commits that touch
/// only other files, in the same folders or elsewhere, do not count.
#[test]
fn history_metrics_of_a_change_of_many_files() {
    // Without a file at the top, the folder `svc` is logged; with one, the
    // whole history.
    for top in [false, true] {
        let repo = Repo::new(if top { "history-many-top" } else { "history-many" });
        let ann = ("Ann", "ann@example.com");
        let bob = ("Bob", "bob@example.com");
        let cy = ("Cy", "cy@example.com");
        for i in 0..80 {
            repo.write(&format!("svc/m{i}/a.txt"), &lines(2, "a"));
        }
        repo.write("svc/m0/other.txt", b"other\n");
        repo.write("README.md", b"readme\n");
        repo.commit_as(ann, 0.0, "Initial");
        repo.write("svc/m1/a.txt", &lines(3, "a"));
        repo.commit_as(bob, 10.0, "Grow m1");
        // Beside touched files, and at the top: neither counts.
        repo.write("svc/m0/other.txt", b"other 2\n");
        repo.write("README.md", b"readme 2\n");
        let base = repo.commit_as(cy, 20.0, "Other files");
        for i in 0..80 {
            repo.write(&format!("svc/m{i}/a.txt"), &lines(4, "a"));
        }
        if top {
            repo.write("TOP.md", b"top\n");
        }
        let head = repo.commit_as(ann, 30.0, "Grow every a");

        let change = changeset_from_git(repo.path(), &range(&base, &head), &GitOptions::default()).unwrap();
        assert_eq!(change.files.len(), 80 + usize::from(top));
        let h = change.history.expect("history metrics");
        // Ann (day 0, every file) and Bob (day 10, m1); not Cy.
        assert_eq!((h.ndev, h.nuc), (Some(2.0), Some(2.0)), "top: {top}");
        // m1 last changed on day 10, the other 79 on day 0 (TOP.md is new).
        let age = (10.0 + 79.0 * 20.0) / 80.0;
        assert!((h.age.unwrap() - age).abs() < 1e-9, "{:?} vs {age}", h.age);
    }
}

#[test]
fn fix_flag_needs_every_commit_to_be_a_fix() {
    let repo = Repo::new("fix");
    repo.write("a.txt", b"1\n");
    let c0 = repo.commit(0.0, "Initial");
    repo.write("a.txt", b"2\n");
    let fix = repo.commit(1.0, "fix: off by one");
    repo.write("a.txt", b"3\n");
    let kernel = repo.commit(2.0, "Handle empty input\n\nFixes: 1234567890ab (\"Initial\")");
    repo.write("b.txt", b"feature\n");
    let feature = repo.commit(3.0, "Add export button");
    let opts = GitOptions::default();
    let fix_of = |a: &str, b: &str| changeset_from_git(repo.path(), &range(a, b), &opts).unwrap().fix;
    assert_eq!(fix_of(&c0, &fix), Some(true));
    assert_eq!(fix_of(&c0, &kernel), Some(true));
    assert_eq!(fix_of(&c0, &feature), Some(false), "a feature riding along with fixes is not a fix");
    assert_eq!(fix_of(&feature, &feature), None, "an empty range states nothing");
}

/// Regression (a git audit): merges never counted for the fix flag, so a
/// merge commit that adds 200 lines of its own beside a "fix: typo"
/// commit made the range a fix, and a freeze that lets fixes through
/// passed it (block to senior). A merge whose tree is git's automatic
/// merge of its parents still does not count; one with content of its
/// own, or a resolved conflict, counts as a commit of the range.
#[test]
fn a_merge_with_content_of_its_own_is_no_fix() {
    let repo = Repo::new("evil-merge");
    repo.write("src/payments/a.go", b"a\nb\nc\n");
    let base = repo.commit(0.0, "Initial");
    repo.git(&["checkout", "-q", "-b", "fixbr"]);
    repo.write("src/payments/a.go", b"a\nB\nc\n");
    repo.commit(1.0, "fix: typo in payments");
    let opts = GitOptions::default();
    let fix_of = |a: &str, b: &str| changeset_from_git(repo.path(), &range(a, b), &opts).unwrap().fix;
    let merge = |message: &str, extra: Option<(&str, &[u8])>| {
        repo.git(&["checkout", "-q", "-B", "release", &base]);
        repo.git(&["merge", "-q", "--no-ff", "--no-commit", "fixbr"]);
        if let Some((path, contents)) = extra {
            repo.write(path, contents);
        }
        repo.commit(2.0, message)
    };

    let clean = merge("Merge branch 'fixbr'", None);
    assert_eq!(fix_of(&base, &clean), Some(true), "a clean merge of a fix is a fix");
    let feature: String = (1..=200).map(|i| format!("func Feature{i}() {{}}\n")).collect();
    let evil = merge("Merge branch 'fixbr'", Some(("src/payments/new_feature.go", feature.as_bytes())));
    assert_eq!(fix_of(&base, &evil), Some(false), "200 lines added in the merge commit ride along");
    let said = merge("Merge branch 'fixbr'\n\nFixes: 1234567890ab (\"Initial\")", Some(("src/payments/b.go", b"x\n")));
    assert_eq!(fix_of(&base, &said), Some(true), "a merge that says it fixes is a fix");

    // A resolved conflict is content of the merge's own.
    repo.git(&["checkout", "-q", "-B", "other", &base]);
    repo.write("src/payments/a.go", b"a\nbee\nc\n");
    repo.commit(1.5, "fix: spelling");
    repo.git(&["checkout", "-q", "-B", "release", "fixbr"]);
    let out = repo.command(&["merge", "-q", "other"]).output().unwrap();
    assert!(!out.status.success(), "the merge conflicts");
    repo.write("src/payments/a.go", b"a\nB and a new branch of logic\nc\n");
    let resolved = repo.commit(3.0, "Merge branch 'other'");
    assert_eq!(fix_of(&base, &resolved), Some(false), "a conflict resolution is counted");
}

#[test]
fn empty_range_has_no_files() {
    let repo = Repo::new("empty");
    repo.write("a.txt", b"1\n");
    let c0 = repo.commit(0.0, "Only commit");
    let change = changeset_from_git(repo.path(), &range(&c0, "HEAD"), &GitOptions::default()).unwrap();
    assert!(change.files.is_empty());
    assert_eq!(change.provenance.ai, None, "no commit states AI involvement");
    assert_eq!(change.title.as_deref(), Some("Only commit"));
}

#[test]
fn three_dot_range_starts_at_the_merge_base() {
    let repo = Repo::new("threedot");
    repo.write("shared.txt", b"shared\n");
    repo.commit(0.0, "Initial");
    repo.git(&["branch", "feature"]);
    repo.write("main-only.txt", b"main\n");
    repo.commit(1.0, "Work on main");
    repo.git(&["checkout", "-q", "feature"]);
    repo.write("feature.txt", b"feature\n");
    repo.commit(2.0, "Work on feature");

    let opts = GitOptions::default();
    let three = changeset_from_git(repo.path(), "main...feature", &opts).unwrap();
    let paths: Vec<_> = three.files.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(paths, ["feature.txt"]);
    let two = changeset_from_git(repo.path(), "main..feature", &opts).unwrap();
    let main_only = file(&two.files, "main-only.txt");
    assert_eq!(main_only.status, FileStatus::Deleted, "two dots compare the tips directly");
    // An empty side is HEAD (the feature branch is checked out).
    let implicit = changeset_from_git(repo.path(), "main...", &opts).unwrap();
    assert_eq!(implicit.head, three.head);
    // The left side, where the owners are read, is the branch the change
    // goes into, never the merge base; empty, it is HEAD (a git audit:
    // `...feature` read the owners at the merge base).
    repo.git(&["checkout", "-q", "main"]);
    let main = repo.git(&["rev-parse", "main"]);
    for range in ["main...feature", "...feature", "HEAD...feature", "..feature", "main..feature"] {
        let change = git_change(repo.path(), range, &opts).unwrap();
        assert_eq!(change.left, main, "{range}");
    }
    assert_ne!(git_change(repo.path(), "...feature", &opts).unwrap().changeset.base.as_deref(), Some(main.as_str()));
}

#[test]
fn not_a_repository_is_a_git_error() {
    let dir = std::env::temp_dir().join(format!("blastgate-git-{}-notrepo", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let err = changeset_from_git(&dir, "HEAD~1..HEAD", &GitOptions::default()).unwrap_err();
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(err.kind_name(), "git");
    let (message, help) = git_detail(&err);
    assert!(message.contains("not a git repository"), "{err}");
    assert!(help.is_some(), "{err}");

    let missing = std::env::temp_dir().join("blastgate-git-no-such-dir/deeper");
    let err = changeset_from_git(&missing, "a..b", &GitOptions::default()).unwrap_err();
    assert!(git_detail(&err).0.contains("no such directory"), "{err}");
}

#[test]
fn unknown_revision_is_a_git_error_with_a_hint() {
    let repo = Repo::new("unknown");
    repo.write("a.txt", b"1\n");
    repo.commit(0.0, "Initial");
    let err = changeset_from_git(repo.path(), "no-such-branch..HEAD", &GitOptions::default()).unwrap_err();
    let (message, help) = git_detail(&err);
    assert!(message.contains("unknown revision"), "{err}");
    assert!(help.is_some_and(|h| h.contains("shallow")), "{err}");
    assert!(err.to_string().contains("`no-such-branch`"), "{err}");
    // A revision that names a tree, not a commit.
    let err = changeset_from_git(repo.path(), "HEAD^{tree}..HEAD", &GitOptions::default()).unwrap_err();
    assert_eq!(err.kind_name(), "git", "{err}");
    // The parent of a root commit.
    let err = changeset_from_git(repo.path(), "HEAD~1..HEAD", &GitOptions::default()).unwrap_err();
    assert_eq!(err.kind_name(), "git", "{err}");
}

#[test]
fn ranges_that_could_be_options_are_rejected_before_git_runs() {
    let repo = Repo::new("inject");
    repo.write("a.txt", b"1\n");
    repo.commit(0.0, "Initial");
    let target = repo.path().join("written-by-git");
    let evil = format!("--output={}..HEAD", target.display());
    for bad in [evil.as_str(), "HEAD..--all", "-n1..HEAD", "HEAD...-p"] {
        let err = changeset_from_git(repo.path(), bad, &GitOptions::default()).unwrap_err();
        assert_eq!(err.kind_name(), "invalid_value", "{bad}: {err}");
        assert!(err.to_string().contains("must not start with `-`"), "{err}");
    }
    assert!(!target.exists(), "git must not have run with the injected option");
    for bad in ["HEAD", "", "a..b..c", "a\n..b"] {
        let err = changeset_from_git(repo.path(), bad, &GitOptions::default()).unwrap_err();
        assert_eq!(err.kind_name(), "invalid_value", "{bad:?}: {err}");
    }
}

#[test]
fn missing_git_program_is_a_git_error() {
    let repo = Repo::new("nogit");
    let mut opts = GitOptions::default();
    opts.program = PathBuf::from("/nonexistent/bin/git");
    let err = changeset_from_git(repo.path(), "a..b", &opts).unwrap_err();
    let (message, help) = git_detail(&err);
    assert!(message.contains("not installed"), "{err}");
    assert!(help.is_some_and(|h| h.contains("install git")), "{err}");
}

#[cfg(unix)]
#[test]
fn non_utf8_path_fails_closed() {
    use std::os::unix::ffi::OsStrExt;
    let repo = Repo::new("nonutf8");
    repo.write("a.txt", b"1\n");
    let c0 = repo.commit(0.0, "Initial");
    std::fs::write(repo.path().join(std::ffi::OsStr::from_bytes(b"secret\xff.key")), b"k\n").unwrap();
    let c1 = repo.commit(1.0, "Add key");
    let err = changeset_from_git(repo.path(), &range(&c0, &c1), &GitOptions::default()).unwrap_err();
    assert_eq!(err.kind_name(), "syntax", "{err}");
    assert!(err.to_string().contains("UTF-8"), "{err}");
}

/// A range is labelled `revert` only when each commit really undoes a
/// commit from before the base: `git revert` of a deployed commit, also
/// after the file changed elsewhere since; not a message that claims a
/// revert over other lines, nor a revert of a commit inside the range.
#[test]
fn revert_label_needs_a_verified_revert() {
    let repo = Repo::new("revert");
    repo.write("cart.go", &lines(40, "cart"));
    repo.write("other.go", b"other\n");
    let c0 = repo.commit(0.0, "Initial");
    let mut feature = lines(40, "cart");
    feature.extend_from_slice(b"func Discount() {}\n");
    repo.write("cart.go", &feature);
    let deployed = repo.commit(1.0, "Add discounts");
    // The file changes elsewhere after the deployed commit.
    let mut later = b"// header\n".to_vec();
    later.extend_from_slice(&feature);
    repo.write("cart.go", &later);
    let base = repo.commit(2.0, "Add a header");
    let opts = GitOptions::default();
    let labels = |a: &str, b: &str| changeset_from_git(repo.path(), &range(a, b), &opts).unwrap().labels;

    repo.git(&["revert", "--no-edit", &deployed]);
    let revert = repo.git(&["rev-parse", "HEAD"]);
    assert_eq!(labels(&base, &revert), ["revert"], "a real revert of a commit before the base");

    // A message that claims a revert but changes other lines.
    repo.write("other.go", b"other, changed\n");
    let claim = format!("Revert \"Add discounts\"\n\nThis reverts commit {deployed}.");
    let forged = repo.commit(4.0, &claim);
    assert!(labels(&revert, &forged).is_empty(), "a claimed revert that changes other lines");
    assert!(labels(&base, &forged).is_empty(), "one unverified commit leaves the range unlabelled");

    // A revert of a commit inside the range was never deployed.
    repo.write("new.go", b"new\n");
    let added = repo.commit(5.0, "Add new.go");
    repo.git(&["revert", "--no-edit", &added]);
    let undone = repo.git(&["rev-parse", "HEAD"]);
    assert!(labels(&forged, &undone).is_empty(), "the reverted commit is not before the base");
    assert_eq!(labels(&added, &undone), ["revert"], "with the base after it, the same revert counts");
    assert!(labels(&c0, &deployed).is_empty(), "an ordinary change");
}

/// A code host's Revert of a pull request merged with a merge commit is
/// `git revert -m 1 MERGE`: a rollback to what ran before the merge, so it
/// is a verified revert (an incident-response audit: blocked at a sev1
/// without a word). Going back to the merge's other parent is not, and a
/// revert that cannot be verified says why in a note.
#[test]
fn a_revert_of_a_merged_pull_request_is_a_revert() {
    let repo = Repo::new("revert-merge");
    repo.write("cart.go", &lines(40, "cart"));
    repo.write("other.go", b"other\n");
    repo.commit(0.0, "Initial");
    repo.git(&["checkout", "-q", "-b", "feature"]);
    let mut feature = lines(40, "cart");
    feature.extend_from_slice(b"func Discount() {}\n");
    repo.write("cart.go", &feature);
    repo.commit(1.0, "Add discounts");
    repo.git(&["checkout", "-q", "main"]);
    repo.write("other.go", b"other, on main\n");
    repo.commit(1.5, "Main moves on");
    let date = format!("@{} +0000", EPOCH + 2 * 86_400);
    let out = repo
        .command(&["merge", "-q", "--no-ff", "--no-edit", "feature", "-m", "Merge pull request #7 from dev/feature"])
        .env("GIT_AUTHOR_DATE", &date)
        .env("GIT_COMMITTER_DATE", &date)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let merge = repo.git(&["rev-parse", "HEAD"]);
    let opts = GitOptions::default();
    repo.git(&["revert", "--no-edit", "-m", "1", &merge]);
    let revert = repo.git(&["rev-parse", "HEAD"]);
    let change = git_change(repo.path(), &range(&merge, &revert), &opts).unwrap();
    assert_eq!(change.changeset.labels, ["revert"], "{:?}", change.notes);
    assert!(change.notes.iter().all(|n| !n.starts_with("revert:")), "{:?}", change.notes);
    // Back to the merge's second parent: main's own change undone, no
    // rollback of the pull request.
    repo.git(&["reset", "-q", "--hard", &merge]);
    repo.git(&["revert", "--no-edit", "-m", "2", &merge]);
    let other = repo.git(&["rev-parse", "HEAD"]);
    let change = git_change(repo.path(), &range(&merge, &other), &opts).unwrap();
    assert!(change.changeset.labels.is_empty());
    assert!(
        change.notes.iter().any(|n| n.starts_with("revert: commit ") && n.contains("first parent")),
        "{:?}",
        change.notes
    );
    // A message that claims a revert of lines it does not undo says so.
    repo.git(&["reset", "-q", "--hard", &merge]);
    repo.write("other.go", b"other, changed again\n");
    let forged = repo.commit(
        3.0,
        &format!(
            "Revert \"Add discounts\"\n\nThis reverts commit {merge}, reversing\nchanges made to {}.",
            repo.git(&["rev-parse", &format!("{merge}^1")])
        ),
    );
    let change = git_change(repo.path(), &range(&merge, &forged), &opts).unwrap();
    assert!(change.changeset.labels.is_empty());
    assert!(change.notes.iter().any(|n| n.contains("not exactly the reverted commit's")), "{:?}", change.notes);
}

/// The Revert of a merged pull request that itself reverted a feature
/// re-lands the feature: no rollback (a red-team audit: it got the label,
/// while reverting the revert commit directly did not).
#[test]
fn reverting_a_merge_that_brought_a_revert_is_no_rollback() {
    let repo = Repo::new("revert-merge-of-revert");
    repo.write("cart.go", &lines(40, "cart"));
    repo.commit(0.0, "Initial");
    let mut feature = lines(40, "cart");
    feature.extend_from_slice(b"func Dangerous() {}\n");
    repo.write("cart.go", &feature);
    let x = repo.commit(1.0, "Add feature X");
    repo.git(&["checkout", "-q", "-b", "revert-x"]);
    repo.git(&["revert", "--no-edit", &x]);
    repo.git(&["checkout", "-q", "main"]);
    repo.git(&["merge", "-q", "--no-ff", "--no-edit", "revert-x", "-m", "Merge pull request #12 from org/revert-x"]);
    let merge = repo.git(&["rev-parse", "HEAD"]);
    repo.git(&["revert", "--no-edit", "-m", "1", &merge]);
    let relanded = repo.git(&["rev-parse", "HEAD"]);
    assert!(std::fs::read_to_string(repo.path().join("cart.go")).unwrap().contains("Dangerous"));
    let change = git_change(repo.path(), &range(&merge, &relanded), &GitOptions::default()).unwrap();
    assert!(change.changeset.labels.is_empty(), "{:?}", change.notes);
    assert!(change.notes.iter().any(|n| n.contains("brought in a revert")), "{:?}", change.notes);
}

/// A rollback undoes a recent deploy: a verified revert of a commit made
/// more than `MAX_REVERT_AGE_DAYS` before the base gets no `revert` label
/// (it makes a version that never ran), one within it does.
#[test]
fn a_revert_of_a_commit_long_before_the_base_is_no_rollback() {
    let days = blastgate::git::MAX_REVERT_AGE_DAYS as f64;
    let labels_after = |gap: f64| {
        let repo = Repo::new("revert-age");
        repo.write("cart.go", &lines(40, "cart"));
        repo.commit(0.0, "Initial");
        let mut feature = lines(40, "cart");
        feature.extend_from_slice(b"func Discount() {}\n");
        repo.write("cart.go", &feature);
        let deployed = repo.commit(1.0, "Add discounts");
        repo.write("other.go", b"other\n");
        let base = repo.commit(1.0 + gap, "Other work");
        repo.git(&["revert", "--no-edit", &deployed]);
        let revert = repo.git(&["rev-parse", "HEAD"]);
        changeset_from_git(repo.path(), &range(&base, &revert), &GitOptions::default()).unwrap().labels
    };
    assert_eq!(labels_after(days - 1.0), ["revert"], "a revert of a commit from within the window");
    assert!(labels_after(days + 1.0).is_empty(), "a revert of a commit from long before the base");
}

/// The same range reads the same whatever the repository's configuration
/// or work tree says: a mailmap (in the configuration or left in the work
/// tree) merged the author with someone else, `log.showRoot=false` hid a
/// root commit's files, `core.bigFileThreshold=1` made every file binary
/// and a missing `diff.orderFile` failed the read (a determinism audit).
#[test]
fn configuration_does_not_change_what_a_range_reads() {
    let repo = Repo::new("config");
    repo.write("cart/main.go", &lines(10, "code"));
    repo.commit_as(("Eve", "eve@example.com"), 0.0, "Initial import");
    repo.write("cart/main.go", &lines(12, "code"));
    let base = repo.commit(1.0, "Change the cart");
    repo.write("cart/main.go", &lines(20, "code"));
    let head = repo.commit(2.0, "Change the cart again");
    let read = || {
        let c = changeset_from_git(repo.path(), &range(&base, &head), &GitOptions::default()).unwrap();
        serde_json::to_string(&c).unwrap()
    };
    let plain = read();
    repo.write(".mailmap", b"Eve <eve@example.com> <dev@example.com>\n");
    for setting in ["log.showRoot=false", "core.bigFileThreshold=1", "diff.orderFile=/nonexistent"] {
        let (key, value) = setting.split_once('=').unwrap();
        repo.git(&["config", key, value]);
    }
    assert_eq!(read(), plain);
}

/// A revert of a revert (git's "Reapply") lands again code that was taken
/// out: no `revert` label, so a freeze that allows rollbacks does not let
/// it through (found by a gaming audit).
#[test]
fn reapplying_a_reverted_commit_is_no_rollback() {
    let repo = Repo::new("reapply");
    repo.write("cart.go", &lines(40, "cart"));
    repo.commit(0.0, "Initial");
    let mut feature = lines(40, "cart");
    feature.extend_from_slice(b"func Pricing() {}\n");
    repo.write("cart.go", &feature);
    repo.commit(1.0, "New pricing engine");
    repo.git(&["revert", "--no-edit", "HEAD"]);
    let reverted = repo.git(&["rev-parse", "HEAD"]);
    repo.write("other.go", b"other\n");
    let base = repo.commit(2.0, "Other work");
    repo.git(&["revert", "--no-edit", &reverted]);
    let reapply = repo.git(&["rev-parse", "HEAD"]);
    let labels = changeset_from_git(repo.path(), &range(&base, &reapply), &GitOptions::default()).unwrap().labels;
    assert!(labels.is_empty(), "a reapplied feature: {labels:?}");

    // The first revert made as a code host makes it, without git's
    // `This reverts commit` line: its subject still says what it is.
    let repo = Repo::new("reapply-hosted");
    repo.write("cart.go", &lines(40, "cart"));
    repo.commit(0.0, "Initial");
    repo.write("cart.go", &feature);
    let added = repo.commit(1.0, "New pricing engine");
    repo.git(&["revert", "--no-commit", &added]);
    let hosted = repo.commit(2.0, "Revert \"New pricing engine\" (#12)\n\nReverts shop/shop#11");
    repo.write("other.go", b"other\n");
    let base = repo.commit(3.0, "Other work");
    repo.git(&["revert", "--no-edit", &hosted]);
    let again = repo.git(&["rev-parse", "HEAD"]);
    let labels = changeset_from_git(repo.path(), &range(&base, &again), &GitOptions::default()).unwrap().labels;
    assert!(labels.is_empty(), "reapplied after a host's revert: {labels:?}");
}

/// A revert of a revert lands again the lines of the commit the first
/// revert took out: that commit's AI help and author count, as a note
/// says. git copies no trailers into a revert, so a junior's AI-generated
/// commit, reverted and reapplied, came back with no AI and as nobody's
/// (found by an AI provenance audit: `auto`). A plain revert of it takes
/// the lines out, and its AI help does not count.
#[test]
fn a_reapplied_commit_keeps_its_ai_help_and_author() {
    let repo = Repo::new("reapply-provenance");
    repo.write("cart.go", &lines(40, "cart"));
    repo.commit(0.0, "Initial");
    let mut feature = lines(40, "cart");
    feature.extend_from_slice(b"func Pricing() {}\n");
    repo.write("cart.go", &feature);
    let junior = ("Jo", "jo@example.com");
    let generated = repo.commit_as(junior, 1.0, "New pricing engine\n\nGenerated-by: Claude");
    repo.git(&["revert", "--no-edit", &generated]);
    let reverted = repo.git(&["rev-parse", "HEAD"]);
    let read = |base: &str, head: &str| changeset_from_git(repo.path(), &range(base, head), &GitOptions::default());
    let plain = read(&generated, &reverted).unwrap();
    assert_eq!(plain.provenance.ai, None, "a revert takes the AI's lines out");
    repo.write("other.go", b"other\n");
    let base = repo.commit(2.0, "Other work");
    repo.git(&["revert", "--no-edit", &reverted]);
    let reapply = repo.git(&["rev-parse", "HEAD"]);
    let got = git_change(repo.path(), &range(&base, &reapply), &GitOptions::default()).unwrap();
    let (change, notes) = (got.changeset, got.notes);
    assert_eq!(change.provenance.ai, Some(AiInvolvement::Generated));
    assert!(change.contributors.iter().any(|c| c.id == "jo@example.com"), "{:?}", change.contributors);
    assert!(notes.iter().any(|n| n.starts_with("reapply:") && n.contains(&generated[..12])), "{notes:?}");
    // Reverting the reapply takes them out again: three steps back.
    repo.git(&["revert", "--no-edit", &reapply]);
    let again = repo.git(&["rev-parse", "HEAD"]);
    assert_eq!(read(&reapply, &again).unwrap().provenance.ai, None);
    // A chain longer than ten steps is a limit error, not a guess (an
    // audit: twelve reverts lost the AI trailer, peer).
    let mut head = again;
    for _ in 0..7 {
        repo.git(&["revert", "--no-edit", &head]);
        head = repo.git(&["rev-parse", "HEAD"]);
    }
    let before = repo.git(&["rev-parse", "HEAD~1"]);
    assert!(read(&before, &head).is_ok(), "ten steps are followed");
    repo.git(&["revert", "--no-edit", &head]);
    let past = repo.git(&["rev-parse", "HEAD"]);
    let err = read(&head, &past).unwrap_err();
    assert!(err.to_string().contains("max_revert_chain"), "{err}");
}

/// A changeset's author or contributor is an agent's account exactly when
/// the git reader takes a commit author of that name or address for an
/// autonomous agent: the two lists must not drift apart (an audit found
/// `claude[bot]` and `openhands@all-hands.dev` agents in git and people in
/// a changeset).
#[test]
fn changeset_agent_accounts_agree_with_the_git_reader() {
    let agents = blastgate::git::AiAgents::default();
    let probes = [
        "copilot-swe-agent[bot]",
        "copilot-swe-agent",
        "198982749+Copilot@users.noreply.github.com",
        "devin-ai-integration[bot]",
        "devin-ai-integration[bot]@users.noreply.github.com",
        "Devin AI",
        "chatgpt-codex-connector[bot]",
        "amazon-q-developer[bot]",
        "Amazon Q Developer",
        "google-labs-jules[bot]",
        "openhands",
        "openhands@all-hands.dev",
        "claude[bot]",
        "209825114+claude[bot]@users.noreply.github.com",
        "copilot[bot]",
        "cursor[bot]",
        "codex[bot]",
        "aider[bot]",
        "Claude",
        "Claude Code",
        "noreply@anthropic.com",
        "gemini-code-assist[bot]",
        "devin",
        "jules",
        "sam@example.com",
        "dependabot[bot]",
    ];
    for id in probes {
        let git = agents.identify(id, id).is_some_and(|m| m.autonomous);
        assert_eq!(blastgate::change::is_agent_account(id), git, "{id}");
    }
    // One difference, on purpose: `Copilot` is the login GitHub shows for
    // the Copilot coding agent's pull requests (what a gate passes as
    // `--author`, a gaming audit), while a commit's co-author named
    // `Copilot` may be the editor's assistant.
    assert!(blastgate::change::is_agent_account("Copilot"));
    // (And `[bot]` after a blank; a listed single word inside a person's
    // login is the person's.)
    assert!(blastgate::change::is_agent_account("Devin-AI-Integration [bot]"));
    assert!(!blastgate::change::is_agent_account("jules-smith"));
}

/// A revert undoes the lines where the reverted commit put them: a commit
/// that claims to revert `X` and removes the same text from another place
/// in the file (a line that also appears elsewhere) is not a revert.
#[test]
fn a_revert_undoes_the_lines_where_they_were() {
    let repo = Repo::new("revert-place");
    // The file with `check(cart)` after each of the given lines.
    let body = |checks: &[usize]| {
        let mut out = Vec::new();
        for (i, line) in lines(40, "cart").split_inclusive(|&b| b == b'\n').enumerate() {
            out.extend_from_slice(line);
            if checks.contains(&i) {
                out.extend_from_slice(b"    check(cart)\n");
            }
        }
        out
    };
    repo.write("cart.go", &body(&[29]));
    let c0 = repo.commit(0.0, "Initial");
    // The deployed commit adds a second `check(cart)` after line 10.
    repo.write("cart.go", &body(&[9, 29]));
    let deployed = repo.commit(1.0, "Check the cart early");
    let opts = GitOptions::default();
    let labels = |a: &str, b: &str| changeset_from_git(repo.path(), &range(a, b), &opts).unwrap().labels;
    let claim = format!("Revert \"Check the cart early\"\n\nThis reverts commit {deployed}.");

    // Removes the old `check(cart)` after line 30 instead.
    repo.write("cart.go", &body(&[9]));
    let forged = repo.commit(2.0, &claim);
    assert!(labels(&deployed, &forged).is_empty(), "the same line removed from another place");

    // The real revert, from the same base, counts.
    repo.git(&["reset", "-q", "--hard", &deployed]);
    repo.git(&["revert", "--no-edit", &deployed]);
    let revert = repo.git(&["rev-parse", "HEAD"]);
    assert_eq!(labels(&deployed, &revert), ["revert"]);
    assert!(labels(&c0, &deployed).is_empty());
}

/// Read from git, a range that deletes a service's tests gets no "tests
/// changed" credit (a deleted test makes a change no safer); a range that
/// writes them again does.
#[test]
fn deleted_tests_earn_no_credit() {
    use blastgate::assess::{Engine, default_policy};
    use blastgate::context::{Context, Timestamp};
    use blastgate::graph::{BuildOptions, GraphLoader};

    let repo = Repo::new("tests-credit");
    repo.write("cart/main.go", &lines(10, "code"));
    repo.write("cart/main_test.go", &lines(10, "test"));
    let base = repo.commit(0.0, "Initial import");
    repo.write("cart/main.go", &lines(12, "code"));
    repo.remove("cart/main_test.go");
    let deleting = repo.commit(1.0, "Change the cart and drop its tests");
    repo.write("cart/main.go", &lines(13, "code"));
    // (Tests that check something: a test file that asserts nothing is
    // read as code.)
    repo.write("cart/main_test.go", &lines(4, "assert new test"));
    let adding = repo.commit(2.0, "Change the cart again, with tests");

    let mut loader = GraphLoader::new(BuildOptions::default());
    loader.add_bytes("g.edges", b"web cart\n", None).unwrap();
    let engine = Engine::new(loader.build().unwrap().freeze(), default_policy().unwrap()).unwrap();
    let tests_changed = |a: &str, b: &str| {
        let change = changeset_from_git(repo.path(), &range(a, b), &GitOptions::default()).unwrap();
        let assessment = engine.assess(&change, &Context::new(Timestamp::parse("2026-11-30T00:00:00Z").unwrap()));
        assert_eq!(assessment.blast_radius.changed, ["cart"], "{:?}", assessment.diagnostics);
        assessment.factors.iter().find(|f| f.id == "tests_changed").map(|f| f.value > 0.5).unwrap()
    };
    let deleted = file(
        &changeset_from_git(repo.path(), &range(&base, &deleting), &GitOptions::default()).unwrap().files,
        "cart/main_test.go",
    )
    .status;
    assert_eq!(deleted, FileStatus::Deleted);
    assert!(!tests_changed(&base, &deleting));
    assert!(tests_changed(&deleting, &adding));
    // Deleted and written again over the whole range: a test file that
    // adds lines.
    assert!(tests_changed(&base, &adding));
}

/// Two blocks whose lines and neighbours are the same (`us:` and `eu:`,
/// each `a b c limit d e f`): a commit raised the `us` limit; one that
/// claims to revert it but lowers the `eu` limit removes and adds the same
/// text between the same neighbours, so only where it happens tells it
/// apart. It is not a revert (`git revert` changes `us`).
#[test]
fn a_revert_in_a_lookalike_block_is_not_a_revert() {
    let repo = Repo::new("revert-lookalike");
    let doc = |us: u32, eu: u32| {
        let block = |name: &str, limit: u32| {
            format!("{name}:\n  a: 1\n  b: 2\n  c: 3\n  limit: {limit}\n  d: 4\n  e: 5\n  f: 6\n")
        };
        format!("{}{}", block("us", us), block("eu", eu)).into_bytes()
    };
    repo.write("limits.yaml", &doc(50, 100));
    repo.commit(0.0, "Initial");
    repo.write("limits.yaml", &doc(100, 100));
    let raised = repo.commit(1.0, "Raise us limit");
    repo.write("notes.txt", b"notes\n");
    let base = repo.commit(2.0, "Notes");
    let opts = GitOptions::default();
    let labels = |a: &str, b: &str| changeset_from_git(repo.path(), &range(a, b), &opts).unwrap().labels;

    repo.write("limits.yaml", &doc(100, 50));
    let claim = format!("Revert \"Raise us limit\"\n\nThis reverts commit {raised}.");
    let forged = repo.commit(3.0, &claim);
    assert!(labels(&base, &forged).is_empty(), "the eu block lowered under a revert's message");

    repo.git(&["reset", "-q", "--hard", &base]);
    repo.git(&["revert", "--no-edit", &raised]);
    let real = repo.git(&["rev-parse", "HEAD"]);
    assert_eq!(labels(&base, &real), ["revert"], "git revert of the raise");
}

/// Lines staged as documentation and then moved into code were never
/// reviewed as code: the move counts its whole content as added. A move
/// within code stays a rename of 0 lines.
#[test]
fn a_move_from_docs_into_code_counts_its_lines() {
    let repo = Repo::new("launder");
    repo.write("docs/engine.md", &lines(200, "engine"));
    repo.write("pricing/src/old.go", &lines(30, "old"));
    let base = repo.commit(0.0, "Notes");
    repo.git(&["mv", "docs/engine.md", "pricing/src/engine.go"]);
    repo.git(&["mv", "pricing/src/old.go", "pricing/src/new.go"]);
    let head = repo.commit(1.0, "Move");
    let change = changeset_from_git(repo.path(), &range(&base, &head), &GitOptions::default()).unwrap();
    let moved = file(&change.files, "pricing/src/engine.go");
    assert_eq!(
        (moved.status, moved.old_path.as_deref(), moved.added),
        (FileStatus::Renamed, Some("docs/engine.md"), 200)
    );
    let renamed = file(&change.files, "pricing/src/new.go");
    assert_eq!((renamed.status, renamed.added, renamed.deleted), (FileStatus::Renamed, 0, 0));
}

/// Code moved from one service into another is new there: its whole
/// content counts as lines added, not git's one line for the move (a
/// gaming audit staged 2,000 lines in a leaf, then moved them into a
/// tier-0 service as a one-line change). A move within a service, or a
/// rename in place, counts as git counts it.
#[test]
fn code_moved_into_another_service_counts_in_full() {
    use blastgate::assess::{Engine, default_policy};
    use blastgate::context::{Context, Timestamp};
    use blastgate::graph::{BuildOptions, GraphLoader};

    let repo = Repo::new("move-across");
    repo.write("loadgen/lib.py", &lines(500, "helper"));
    repo.write("checkout/main.py", &lines(10, "main"));
    repo.commit(0.0, "Initial import");
    let base = repo.commit(1.0, "Empty");
    repo.git(&["mv", "loadgen/lib.py", "checkout/lib.py"]);
    repo.write("checkout/lib.py", &[lines(500, "helper"), b"# moved\n".to_vec()].concat());
    let across = repo.commit(2.0, "Move the helpers");
    repo.write("checkout/util/lib.py", &[lines(500, "helper"), b"# moved\n".to_vec()].concat());
    repo.remove("checkout/lib.py");
    let within = repo.commit(3.0, "Tidy");

    let mut loader = GraphLoader::new(BuildOptions::default());
    loader.add_bytes("g.edges", b"web checkout\nweb loadgen\n", None).unwrap();
    let engine = Engine::new(loader.build().unwrap().freeze(), default_policy().unwrap()).unwrap();
    let lines_added = |a: &str, b: &str| {
        let change = changeset_from_git(repo.path(), &range(a, b), &GitOptions::default()).unwrap();
        let assessment = engine.assess(&change, &Context::new(Timestamp::parse("2026-11-30T00:00:00Z").unwrap()));
        let f = assessment.factors.iter().find(|f| f.id == "log_lines_added").unwrap();
        (f.value.exp() - 1.0).round() as u64
    };
    assert_eq!(lines_added(&base, &across), 501, "moved from loadgen into checkout");
    assert_eq!(lines_added(&across, &within), 0, "moved within checkout");
}

/// Lines broken by a bare carriage return are one line to git but many to
/// Python: 1,000 functions written with `\r` line ends counted as one line
/// added (a gaming audit). They count as the lines they are; CRLF files
/// and binary files add nothing.
#[cfg(unix)]
#[test]
fn lines_broken_by_a_bare_carriage_return_count() {
    let repo = Repo::new("bare-cr");
    repo.write("svc/app.py", b"x = 1\n");
    repo.write("svc/win.py", b"a = 1\r\n");
    repo.write("svc/logo.png", &[0x89, b'P', b'N', b'G', 0, 1, 2, 3]);
    let base = repo.commit(0.0, "Initial");
    let hidden: String = (0..1000).map(|i| format!("def f{i}(x):\r    return x + {i}\r")).collect();
    repo.write("svc/app.py", format!("x = 1\n{hidden}\n").as_bytes());
    repo.write("svc/win.py", b"a = 1\r\nb = 2\r\n");
    repo.write("svc/logo.png", &[0x89, b'P', b'N', b'G', 0, b'\r', b'\r', b'\r', 7]);
    let head = repo.commit(1.0, "Helpers");
    let change = changeset_from_git(repo.path(), &range(&base, &head), &GitOptions::default()).unwrap();
    assert_eq!(file(&change.files, "svc/app.py").added, 2000, "one line to git, 2,000 to Python");
    assert_eq!(file(&change.files, "svc/win.py").added, 1, "CRLF line ends are one line each");
    assert!(file(&change.files, "svc/logo.png").binary);

    // Rewriting such a file adds all its new lines (removed ones are not
    // taken off: a later audit), and one NUL byte making it binary hides
    // nothing; a file turned into a link reads without error.
    let rewritten: String = (0..1000).map(|i| format!("def g{i}(x):\r    return x * {i}\r")).collect();
    repo.write("svc/app.py", format!("x = 1\n{rewritten}\n").as_bytes());
    repo.write("svc/nul.js", format!("// \0\r{}", "console.log(1);\r".repeat(500)).as_bytes());
    repo.remove("svc/win.py");
    std::os::unix::fs::symlink("app.py", repo.path().join("svc/win.py")).unwrap();
    let next = repo.commit(2.0, "Rewrite");
    let change = changeset_from_git(repo.path(), &range(&head, &next), &GitOptions::default()).unwrap();
    let app = file(&change.files, "svc/app.py");
    assert_eq!((app.added, app.deleted), (2000, 2000), "a rewrite adds its 2,000 lines");
    assert!(file(&change.files, "svc/nul.js").added >= 500, "a NUL byte hides nothing");

    // Code joined on one line (red team 13: 3,000 Go functions joined by
    // `;` were one line) counts a line per 50 bytes; an ordinary long
    // line of 120 bytes is one.
    let joined: String = (0..1000).map(|i| format!("func f{i}() int {{ return {i} }};")).collect();
    repo.write(
        "svc/joined.go",
        format!(
            "package svc
{joined}
// {}
",
            "x".repeat(117)
        )
        .as_bytes(),
    );
    let one_line = repo.commit(3.0, "Helpers on one line");
    let change = changeset_from_git(repo.path(), &range(&next, &one_line), &GitOptions::default()).unwrap();
    let expected = 1 + joined.len().div_ceil(50) as u64 + 1;
    assert_eq!(file(&change.files, "svc/joined.go").added, expected, "{} bytes on one line", joined.len());
}

/// A migration whose added lines drop a column (over two lines, without
/// the `COLUMN` keyword) cannot be reverted without loss: the range states
/// `safety.reversible: false` and says why in a note. An additive
/// migration, or a drop in code that is no migration, states nothing (a
/// gaming audit: `irreversible-change` fired only for authors who admitted
/// it).
#[test]
fn a_destructive_migration_is_irreversible() {
    let repo = Repo::new("migrations");
    repo.write("db/migrations/0001_init.sql", b"CREATE TABLE orders (id int, legacy_total int);\n");
    repo.write("src/cleanup.py", b"pass\n");
    let base = repo.commit(0.0, "Initial");
    repo.write("db/migrations/0002_add_index.sql", b"CREATE INDEX orders_id ON orders (id);\n");
    repo.write("src/cleanup.py", b"sql = 'DROP TABLE orders'\n");
    let additive = repo.commit(1.0, "Add an index");
    let change = git_change(repo.path(), &range(&base, &additive), &GitOptions::default()).unwrap();
    assert_eq!(change.changeset.safety.reversible, None, "{:?}", change.notes);
    repo.write("db/migrations/0003_drop_legacy.sql", b"ALTER TABLE orders\n  DROP   legacy_total;\n");
    let dropping = repo.commit(2.0, "Drop the legacy total");
    let change = git_change(repo.path(), &range(&additive, &dropping), &GitOptions::default()).unwrap();
    assert_eq!(change.changeset.safety.reversible, Some(false));
    assert!(change.notes.iter().any(|n| n.contains("db/migrations/0003_drop_legacy.sql")), "{:?}", change.notes);
}

/// Regression (a git audit): git writes a TAB after a patch header's name
/// that holds a space, and the TAB stayed in the path: a migration named
/// `V2__drop old users.sql` (or `0002 drop "legacy".sql`, which git
/// quotes) dropped a table without the range saying it was irreversible
/// (senior to owner), and the bare `\r` line breaks of `x y.py` went
/// uncounted.
#[test]
fn patch_headers_of_names_with_a_space_are_read() {
    let repo = Repo::new("space-names");
    repo.write("sql/V1__init.sql", b"CREATE TABLE users (id int);\n");
    repo.write("db/migrations/0001_init.sql", b"CREATE TABLE legacy (id int);\n");
    let base = repo.commit(0.0, "Initial");
    repo.write("sql/V2__drop old users.sql", b"DROP TABLE users;\n");
    let spaced = repo.commit(1.0, "Clean up");
    let change = git_change(repo.path(), &range(&base, &spaced), &GitOptions::default()).unwrap();
    assert_eq!(change.changeset.safety.reversible, Some(false), "{:?}", change.notes);
    assert!(change.notes.iter().any(|n| n.contains("`sql/V2__drop old users.sql`")), "{:?}", change.notes);

    repo.write("db/migrations/0002 drop \"legacy\".sql", b"DROP TABLE legacy;\n");
    let quoted = repo.commit(2.0, "Clean up more");
    let change = git_change(repo.path(), &range(&spaced, &quoted), &GitOptions::default()).unwrap();
    assert_eq!(change.changeset.safety.reversible, Some(false), "{:?}", change.notes);
    assert!(change.notes.iter().any(|n| n.contains("0002 drop \"legacy\".sql")), "{:?}", change.notes);

    repo.write("src/payments/x y.py", b"a=1\rb=2\rc=3\rd=4\n");
    let cr = repo.commit(3.0, "Helpers");
    let change = changeset_from_git(repo.path(), &range(&quoted, &cr), &GitOptions::default()).unwrap();
    assert_eq!(file(&change.files, "src/payments/x y.py").added, 4, "one line to git, four to Python");
}

/// Regression (a git audit): a CODEOWNERS file that is a symbolic link
/// (`.github/CODEOWNERS -> ../CODEOWNERS`) was read as its link text, a
/// pattern without owners, so every owner was lost without a word. GitHub
/// does not follow it either: it is refused, naming the file. A plain
/// file, in any of the places, is read.
#[cfg(unix)]
#[test]
fn a_symlinked_codeowners_is_refused() {
    let repo = Repo::new("codeowners-link");
    repo.write("CODEOWNERS", b"* @org/all\n");
    repo.write("docs/CODEOWNERS", b"* @org/docs\n");
    let plain = repo.commit(0.0, "Owners");
    let read = codeowners_at(repo.path(), &plain, &GitOptions::default()).unwrap();
    assert_eq!(read, Some(("CODEOWNERS".to_owned(), b"* @org/all\n".to_vec())));
    std::fs::create_dir_all(repo.path().join(".github")).unwrap();
    std::os::unix::fs::symlink("../CODEOWNERS", repo.path().join(".github/CODEOWNERS")).unwrap();
    let linked = repo.commit(1.0, "Link the owners");
    let err = codeowners_at(repo.path(), &linked, &GitOptions::default()).unwrap_err();
    assert_eq!(err.kind_name(), "invalid_value", "{err}");
    let text = err.to_string();
    assert!(text.contains(".github/CODEOWNERS") && text.contains("symbolic link"), "{text}");
    assert!(text.contains("GitHub does not follow it"), "{text}");
}

/// The graph and people of the contributor tests: `leaf` is a tier-3
/// service of `team-leaf`; the junior and the senior are listed.
const LEAF_GRAPH: &str = "apiVersion: blastgate.dev/v1\nkind: ServiceGraph\nmetadata: {name: leaf}\n\
    services:\n  - {id: leaf, tier: 3, owner: team-leaf}\n";
const PEOPLE: &str = r#"{"apiVersion": "blastgate.dev/v1", "kind": "Context", "now": "2026-01-10T10:00:00Z",
  "people": [{"id": "junior@example.com", "seniority": "junior"}, {"id": "senior@example.com", "seniority": "senior"},
             {"id": "alice@example.com", "seniority": "senior"}]}"#;

fn assess_leaf(change: &blastgate::Changeset) -> blastgate::Assessment {
    use blastgate::assess::{AssessOptions, Engine, default_policy};
    let mut loader = blastgate::graph::GraphLoader::new(blastgate::graph::BuildOptions::default());
    loader.add_bytes("leaf.yaml", LEAF_GRAPH.as_bytes(), None).unwrap();
    let engine = Engine::new(loader.build().unwrap().freeze(), default_policy().unwrap()).unwrap();
    let context = blastgate::context::parse_context("people.json", PEOPLE.as_bytes()).unwrap();
    engine.assess_with(change, &context, &AssessOptions::default())
}

fn rule_ids(a: &blastgate::Assessment) -> Vec<&str> {
    a.rules.iter().map(|r| r.id.as_str()).collect()
}

/// A junior's AI-assisted commit, then a senior's one-line commit on top.
fn junior_then_senior(name: &str) -> (Repo, String) {
    let repo = Repo::new(name);
    repo.write("leaf/main.go", b"package main\n");
    let base = repo.commit_as(("Base", "base@example.com"), 0.0, "Initial");
    repo.write("leaf/main.go", &lines(20, "line"));
    repo.commit_as(("Junior", "junior@example.com"), 1.0, "Orders: new pricing path\n\nAssisted-by: Copilot:gpt-4o");
    let mut text = lines(20, "line");
    text.extend_from_slice(b"// reviewed\n");
    repo.write("leaf/main.go", &text);
    repo.commit_as(("Senior", "senior@example.com"), 2.0, "Orders: tidy");
    (repo, base)
}

/// Regression (an audit, fail-open): the author of a range was its head
/// commit's alone, so a senior's one-line commit on top of a junior's
/// AI-assisted one made the change the senior's: `peer`, and the junior
/// could approve their own AI code. Every other commit's author is a
/// contributor: excluded from approving, and the AI rule goes by the
/// least senior of all.
#[test]
fn a_senior_commit_on_top_does_not_hide_a_junior_s_ai_commit() {
    let (repo, base) = junior_then_senior("junior-senior");
    let change = changeset_from_git(repo.path(), &range(&base, "HEAD"), &GitOptions::default()).unwrap();
    assert_eq!(change.author.id, "senior@example.com");
    let ids: Vec<&str> = change.contributors.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, ["junior@example.com"], "{change:?}");
    assert!(change.contributors.iter().all(|c| c.seniority.is_none()));
    let a = assess_leaf(&change);
    assert!(rule_ids(&a).contains(&"ai-change-by-junior-or-mid"), "{a:?}");
    assert!(a.review_depth() >= blastgate::ReviewDepth::Senior, "{a:?}");
    let s = &a.decision.separation_of_duties;
    assert_eq!(s.excluded_author, "senior@example.com");
    // With the logins the emails give, which code hosts approve by.
    assert_eq!(s.excluded, ["junior", "junior@example.com", "senior", "senior@example.com"]);
    let rule = a.rules.iter().find(|r| r.id == "ai-change-by-junior-or-mid").unwrap();
    assert!(rule.message.contains("`junior@example.com`"), "the rule names the person: {}", rule.message);
}

/// The same range with `--author` naming the senior (who opens the pull
/// request carrying the junior's commits): the head commit's author, had it
/// been another, stays a contributor; the junior stays one.
#[test]
fn replacing_the_author_keeps_the_others_as_contributors() {
    let (repo, base) = junior_then_senior("replace-author");
    let mut change = changeset_from_git(repo.path(), &range(&base, "HEAD"), &GitOptions::default()).unwrap();
    blastgate::change::replace_author(&mut change, "senior@example.com").unwrap();
    let a = assess_leaf(&change);
    assert!(rule_ids(&a).contains(&"ai-change-by-junior-or-mid"), "{a:?}");
    assert_eq!(
        a.decision.separation_of_duties.excluded,
        ["junior", "junior@example.com", "senior", "senior@example.com"]
    );

    // A platform login for the author: the head commit's email stays.
    let mut change = changeset_from_git(repo.path(), &range(&base, "HEAD"), &GitOptions::default()).unwrap();
    let note = blastgate::change::replace_author(&mut change, "sen").unwrap().unwrap();
    assert!(note.contains("contributors"), "{note}");
    let ids: Vec<&str> = change.contributors.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, ["junior@example.com", "senior@example.com"]);
    // And naming a contributor as the author takes them out of the list.
    blastgate::change::replace_author(&mut change, "JUNIOR@example.com").unwrap();
    let ids: Vec<&str> = change.contributors.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, ["sen", "senior@example.com"]);
}

/// Regression (an audit): an agent's commit made on a person's behalf
/// (`Co-authored-by:` the person, as GitHub's coding agent writes it)
/// excluded only the bot, so the person who delegated the work could
/// approve it. Human co-authors are contributors; AI co-authors are not
/// (the provenance records them), and each person counts once whatever the
/// case of their email.
#[test]
fn co_authors_are_contributors_and_ai_co_authors_are_not() {
    let repo = Repo::new("agent-operator");
    repo.write("leaf/main.go", b"package main\n");
    let base = repo.commit_as(("Base", "base@example.com"), 0.0, "Initial");
    repo.write("leaf/main.go", &lines(20, "line"));
    repo.commit_as(
        ("copilot-swe-agent[bot]", "198982749+Copilot@users.noreply.github.com"),
        1.0,
        "Leaf: change\n\nCo-authored-by: Alice <alice@example.com>\nCo-authored-by: Claude <noreply@anthropic.com>",
    );
    let opts = GitOptions::default();
    let change = changeset_from_git(repo.path(), &range(&base, "HEAD"), &opts).unwrap();
    assert_eq!(change.author.id, "198982749+Copilot@users.noreply.github.com");
    let ids: Vec<&str> = change.contributors.iter().map(|c| c.id.as_str()).collect();
    // (The harness commits as `dev@example.com`: the person who committed
    // the agent's work is one of its people too.)
    assert_eq!(ids, ["alice@example.com", "dev@example.com"], "the agents are provenance, not contributors");
    let a = assess_leaf(&change);
    let s = &a.decision.separation_of_duties;
    assert!(s.excluded.iter().any(|p| p == "alice@example.com"), "{s:?}");

    // Alice's own commit on top, her email in another case, and a
    // co-author without an email: one Alice, the bot a contributor.
    let mut text = lines(20, "line");
    text.extend_from_slice(b"// more\n");
    repo.write("leaf/main.go", &text);
    repo.commit_as(("Alice", "Alice@Example.com"), 2.0, "Leaf: more\n\nCo-authored-by: Bob");
    let change = changeset_from_git(repo.path(), &range(&base, "HEAD"), &opts).unwrap();
    assert_eq!(change.author.id, "Alice@Example.com");
    let ids: Vec<&str> = change.contributors.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, ["198982749+Copilot@users.noreply.github.com", "Bob", "dev@example.com"]);
}

/// Regression (a red-team pass): an agent's commit that a person
/// committed (they ran the agent and committed its work, with no
/// `Co-authored-by:` line) excluded only the bot, and the person was asked
/// as a code owner of their own delegated change. The committer of an
/// agent's commit is one of its people; a bot committer (GitHub's
/// `web-flow`) is not, nor is the committer of a person's commit.
#[test]
fn the_person_committing_an_agents_commit_is_a_contributor() {
    let repo = Repo::new("agent-committed-by-person");
    repo.write("leaf/main.go", b"package main\n");
    let base = repo.commit_as(("Base", "base@example.com"), 0.0, "Initial");
    let commit = |author: (&str, &str), committer: (&str, &str), text: &[u8]| {
        repo.write("leaf/main.go", text);
        repo.git(&["add", "-A"]);
        let out = repo
            .command(&["commit", "-q", "-m", "Leaf: change"])
            .env("GIT_AUTHOR_NAME", author.0)
            .env("GIT_AUTHOR_EMAIL", author.1)
            .env("GIT_COMMITTER_NAME", committer.0)
            .env("GIT_COMMITTER_EMAIL", committer.1)
            .output()
            .unwrap();
        assert!(out.status.success(), "commit: {}", String::from_utf8_lossy(&out.stderr));
        repo.git(&["rev-parse", "HEAD"])
    };
    let bot = ("copilot-swe-agent[bot]", "198982749+Copilot@users.noreply.github.com");
    let first = commit(bot, ("Alice", "alice@example.com"), &lines(20, "a"));
    let opts = GitOptions::default();
    let ids = |a: &str, b: &str| -> Vec<String> {
        let change = changeset_from_git(repo.path(), &range(a, b), &opts).unwrap();
        change.contributors.iter().map(|c| c.id.clone()).collect()
    };
    assert_eq!(ids(&base, &first), ["alice@example.com"]);
    let change = changeset_from_git(repo.path(), &range(&base, &first), &opts).unwrap();
    let a = assess_leaf(&change);
    assert!(a.decision.separation_of_duties.excluded.iter().any(|p| p == "alice@example.com"));
    let web = commit(bot, ("GitHub", "noreply@github.com"), &lines(21, "b"));
    assert!(ids(&first, &web).is_empty(), "GitHub's web-flow committer is nobody's delegate");
    let human = commit(("Carol", "carol@example.com"), ("Dave", "dave@example.com"), &lines(22, "c"));
    assert!(ids(&web, &human).is_empty(), "whoever rebased a person's commit did not make it");
}

/// `--repo` may name any folder inside a work tree. git reads pathspecs
/// relative to the folder it runs in, so from `leaf/` the root CODEOWNERS
/// was not found and the touched files' history was empty (`ndev`, `nuc`
/// 0, no `age`): fewer owners and a lower risk, without a word (a git
/// audit). Every command now runs from the top of the work tree.
#[test]
fn a_folder_inside_the_work_tree_reads_as_its_top() {
    let repo = Repo::new("subfolder");
    repo.write("core/auth/token.go", b"package auth\n");
    repo.write("leaf/deep/l.go", b"package leaf\n");
    repo.write("CODEOWNERS", b"/core/auth/ @acme/security\n");
    repo.commit(0.0, "Initial");
    for (i, who) in ["p1", "p2", "p3"].iter().enumerate() {
        repo.write("core/auth/token.go", format!("package auth\n// {i}\n").as_bytes());
        repo.commit_as((who, &format!("{who}@example.com")), 1.0 + i as f64, "Touch auth");
    }
    let base = repo.git(&["rev-parse", "HEAD"]);
    repo.write("core/auth/token.go", b"package auth\nfunc Bypass() {}\n");
    let head = repo.commit(10.0, "Add a bypass");
    let range = range(&base, &head);
    let opts = GitOptions::default();

    let top = git_change(repo.path(), &range, &opts).unwrap();
    let history = top.changeset.history.clone().expect("history metrics");
    assert_eq!((history.ndev, history.nuc), (Some(4.0), Some(4.0)), "{history:?}");
    assert!(history.age.is_some(), "{history:?}");
    for folder in ["leaf", "leaf/deep", "core/auth"] {
        let inside = git_change(&repo.path().join(folder), &range, &opts).unwrap();
        assert_eq!(format!("{inside:?}"), format!("{top:?}"), "--repo {folder}");
        let owners = codeowners_at(&repo.path().join(folder), &base, &opts).unwrap();
        assert_eq!(owners, Some(("CODEOWNERS".to_owned(), b"/core/auth/ @acme/security\n".to_vec())), "{folder}");
    }
    // The git directory itself reads the same (git gives no prefix there).
    let git_dir = git_change(&repo.path().join(".git"), &range, &opts).unwrap();
    assert_eq!(format!("{git_dir:?}"), format!("{top:?}"));
}

/// A merge driver the repository configures (`merge.<name>.driver`) is a
/// program of the repository's choosing: the revert check (`git
/// merge-tree`) and the fix check (`git log --remerge-diff`) ran one
/// picked by `info/attributes` or by the work tree's `.gitattributes` (a
/// git audit). The re-merges read no attributes from the work tree, and
/// where `info/attributes` or `merge.default` could still pick a driver
/// they are not run: no `revert` label, every merge counts as content of
/// its own, and a note says so.
#[test]
fn merge_drivers_the_repository_configures_never_run() {
    let repo = Repo::new("merge-driver");
    let text = |edit: &dyn Fn(usize) -> Option<&'static str>| -> Vec<u8> {
        let mut out = b"// header\n".to_vec();
        for i in 0..40 {
            match edit(i) {
                Some(line) => out.extend_from_slice(line.as_bytes()),
                None => out.extend_from_slice(format!("cart line {i} with enough text to be similar\n").as_bytes()),
            }
        }
        out
    };
    repo.write("cart.go", &text(&|_| None)[10..]);
    repo.commit(0.0, "Initial");
    repo.write("cart.go", &text(&|i| (i == 20).then_some("func Discount() {}\n"))[10..]);
    let deployed = repo.commit(1.0, "Add discounts");
    repo.write("cart.go", &text(&|i| (i == 20).then_some("func Discount() {}\n")));
    let base = repo.commit(2.0, "Add a header");
    repo.git(&["revert", "--no-edit", &deployed]);
    let revert = repo.git(&["rev-parse", "HEAD"]);
    // Two fixes to the same file, merged cleanly (git merges the file's
    // lines, where a configured driver would run).
    repo.git(&["checkout", "-q", "-b", "side"]);
    repo.write("cart.go", &text(&|i| (i == 2).then_some("fixed top\n")));
    repo.commit(4.0, "fix: top");
    repo.git(&["checkout", "-q", "main"]);
    repo.write("cart.go", &text(&|i| (i == 35).then_some("fixed bottom\n")));
    repo.commit(5.0, "fix: bottom");
    repo.git(&["merge", "-q", "--no-ff", "-m", "fix: merge the top fix", "side"]);
    let merged = repo.git(&["rev-parse", "HEAD"]);

    let marker = repo.path().with_extension("driver-ran");
    let _ = std::fs::remove_file(&marker);
    repo.git(&["config", "merge.pwn.driver", &format!("touch '{}'; false", marker.display())]);
    let opts = GitOptions::default();
    let read = |a: &str, b: &str| git_change(repo.path(), &range(a, b), &opts).unwrap();

    // The work tree's `.gitattributes` names the driver: not read.
    repo.write(".gitattributes", b"* merge=pwn\n");
    let reverted = read(&base, &revert);
    assert_eq!(reverted.changeset.labels, ["revert"]);
    assert_eq!(read(&revert, &merged).changeset.fix, Some(true));
    assert!(!marker.exists(), "the driver ran");

    // `info/attributes` or `merge.default` could name it: no re-merge.
    let blocked = |what: &str| {
        let r = read(&base, &revert);
        assert!(r.changeset.labels.is_empty(), "{what}: {:?}", r.changeset.labels);
        assert!(r.notes.iter().any(|n| n.starts_with("revert: ") && n.contains(what)), "{:?}", r.notes);
        let m = read(&revert, &merged);
        assert_eq!(m.changeset.fix, Some(true), "{what}: the merge says it fixes");
        assert!(m.notes.iter().any(|n| n.starts_with("fix: ") && n.contains(what)), "{:?}", m.notes);
        assert!(!marker.exists(), "{what}: the driver ran");
    };
    std::fs::write(repo.path().join(".git/info/attributes"), "* merge=pwn\n").unwrap();
    blocked("info/attributes");
    std::fs::remove_file(repo.path().join(".git/info/attributes")).unwrap();
    repo.git(&["config", "merge.default", "pwn"]);
    blocked("merge.default");
    repo.git(&["config", "--unset", "merge.default"]);
    assert_eq!(read(&base, &revert).changeset.labels, ["revert"]);
    // A merge whose subject is no fix counts as a feature once it cannot
    // be re-merged.
    repo.git(&["commit", "-q", "--amend", "-m", "Merge branch 'side'"]);
    let unnamed = repo.git(&["rev-parse", "HEAD"]);
    assert_eq!(read(&revert, &unnamed).changeset.fix, Some(true), "a clean merge of fixes");
    std::fs::write(repo.path().join(".git/info/attributes"), "[attr]mine merge=pwn\n*.go mine\n").unwrap();
    assert_eq!(read(&revert, &unnamed).changeset.fix, Some(false), "the merge could not be checked");
    assert!(!marker.exists(), "the driver ran");
}

/// A partial clone (`--filter=blob:none`) leaves file contents out, and
/// git fetched them from the remote while the diffs ran, with the
/// `core.sshCommand` (or remote helper) the repository's configuration
/// names (a git audit). git is now told not to fetch: a missing object is
/// a `git` error that says the clone is partial, and nothing runs.
#[test]
fn a_partial_clone_fetches_nothing() {
    let origin = Repo::new("partial-origin");
    origin.write("core/a.go", b"v1\n");
    origin.commit(0.0, "Initial");
    origin.write("core/a.go", b"v2\n");
    origin.commit(1.0, "Second");
    origin.write("core/a.go", b"v3\n");
    origin.commit(2.0, "Third");
    origin.git(&["config", "uploadpack.allowFilter", "true"]);
    let clone = Repo::new("partial-clone");
    let url = format!("file://{}", origin.path().display());
    clone.git(&["remote", "add", "origin", &url]);
    clone.git(&["config", "remote.origin.promisor", "true"]);
    clone.git(&["config", "remote.origin.partialclonefilter", "blob:none"]);
    clone.git(&["fetch", "-q", "--filter=blob:none", "origin", "main"]);
    let marker = clone.path().with_extension("ssh-ran");
    let _ = std::fs::remove_file(&marker);
    clone.git(&["config", "remote.origin.url", "ssh://example.invalid/repo.git"]);
    clone.git(&["config", "core.sshCommand", &format!("touch '{}'; false", marker.display())]);

    let err = git_change(clone.path(), "FETCH_HEAD~2..FETCH_HEAD~1", &GitOptions::default()).unwrap_err();
    let (message, help) = git_detail(&err);
    assert!(message.contains("partial clone"), "{err}");
    assert!(help.unwrap_or_default().contains("full clone"), "{err}");
    assert!(!marker.exists(), "the repository's ssh command ran");
}

/// A replace ref (`git replace --graft HEAD BASE`, fetched by a mirror
/// clone or pushed by anyone who may push refs) or an `info/grafts` line
/// made the junior's AI-assisted commit vanish from the same range: the
/// senior's alone, `peer`, and the junior could approve (a git audit).
/// The reader reads the commits as they are.
#[test]
fn replace_refs_and_grafts_do_not_rewrite_history() {
    let (repo, base) = junior_then_senior("replace-refs");
    let head = repo.git(&["rev-parse", "HEAD"]);
    let ids = || -> Vec<String> {
        let change = changeset_from_git(repo.path(), &range(&base, "HEAD"), &GitOptions::default()).unwrap();
        assert_eq!(change.head.as_deref(), Some(head.as_str()));
        assert!(change.provenance.involvement() != AiInvolvement::None, "{change:?}");
        change.contributors.iter().map(|c| c.id.clone()).collect()
    };
    assert_eq!(ids(), ["junior@example.com"]);
    repo.git(&["replace", "--graft", "HEAD", &base]);
    assert_eq!(repo.git(&["rev-list", "--count", &range(&base, "HEAD")]), "1", "git itself reads the graft");
    assert_eq!(ids(), ["junior@example.com"], "a replace ref");
    repo.git(&["replace", "-d", &head]);
    std::fs::write(repo.path().join(".git/info/grafts"), format!("{head} {base}\n")).unwrap();
    assert_eq!(ids(), ["junior@example.com"], "a graft");
}

/// One `Co-authored-by:` line naming an AI tool and a person kept only
/// the last identity: no AI was stated and the person could approve (a
/// git audit). Each identity counts; the Claude app's account
/// (`claude[bot]`) is that tool acting as an agent, not a person.
#[test]
fn every_identity_of_a_co_author_line_counts() {
    let repo = Repo::new("co-author-line");
    repo.write("leaf/main.go", b"package main\n");
    let base = repo.commit(0.0, "Initial");
    repo.write("leaf/main.go", &lines(5, "a"));
    repo.commit(1.0, "Leaf: a\n\nCo-authored-by: Claude <noreply@anthropic.com>, Jun <jun@example.com>");
    let opts = GitOptions::default();
    let change = changeset_from_git(repo.path(), &range(&base, "HEAD"), &opts).unwrap();
    assert_eq!(change.provenance.ai, Some(AiInvolvement::Generated));
    let ids: Vec<&str> = change.contributors.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, ["jun@example.com"]);
    let first = repo.git(&["rev-parse", "HEAD"]);
    repo.write("leaf/main.go", &lines(6, "a"));
    repo.commit(2.0, "Leaf: b\n\nCo-authored-by: claude[bot] <209825114+claude[bot]@users.noreply.github.com>");
    let change = changeset_from_git(repo.path(), &range(&first, "HEAD"), &opts).unwrap();
    assert_eq!(
        (change.provenance.ai, change.provenance.tool.as_deref()),
        (Some(AiInvolvement::Agent), Some("claude-code"))
    );
    assert!(change.contributors.is_empty(), "{:?}", change.contributors);
}

/// Regression (a gaming audit): a change that edits only the file a
/// symbolic link points to changes what the link's folder deploys, but
/// read from git it touched only the target's folder (tier-0 `payments`,
/// whose `limits.yaml` links to `notifications/`, went from owner to
/// peer). The paths the change reaches through links, of files and of
/// folders, in the base or the head, now count as changed files of no
/// lines, with a note; a link out of the repository reaches nothing.
/// Also (the same audit) a migration that is a link counts as destroying
/// data: what it runs is not read.
#[cfg(unix)]
#[test]
fn paths_through_symbolic_links_count_as_changed() {
    let repo = Repo::new("links");
    repo.write("notifications/limits.yaml", b"max: 10\n");
    repo.write("shared/config/a.yaml", b"a: 1\n");
    repo.write("notifications/sql/cleanup.sql", b"DROP TABLE outbox;\n");
    std::fs::create_dir_all(repo.path().join("payments")).unwrap();
    std::fs::create_dir_all(repo.path().join("db/migrations")).unwrap();
    let link = |target: &str, at: &str| std::os::unix::fs::symlink(target, repo.path().join(at)).unwrap();
    link("../notifications/limits.yaml", "payments/limits.yaml");
    link("../shared/config", "payments/config");
    link("/etc", "payments/etc");
    let base = repo.commit(0.0, "Initial");
    repo.write("notifications/limits.yaml", b"max: 1000\n");
    repo.write("shared/config/a.yaml", b"a: 2\n");
    repo.write("shared/config/new.yaml", b"b: 1\n");
    let head = repo.commit(1.0, "Raise the limits");
    let change = git_change(repo.path(), &range(&base, &head), &GitOptions::default()).unwrap();
    let paths: Vec<&str> = change.changeset.files.iter().map(|f| f.path.as_str()).collect();
    for through in ["payments/limits.yaml", "payments/config/a.yaml", "payments/config/new.yaml"] {
        assert!(paths.contains(&through), "{through} not in {paths:?}");
        let f = file(&change.changeset.files, through);
        assert_eq!((f.added, f.deleted), (0, 0), "{through}: the lines count once, at the target");
    }
    assert_eq!(paths.len(), 6, "{paths:?}");
    assert!(
        change.notes.iter().any(|n| n.contains("`payments/limits.yaml` (`notifications/limits.yaml`)")),
        "{:?}",
        change.notes
    );
    // A red-team audit of that fix: a chain of links, a link whose text
    // passes through a folder link before `..`, and a link to the root.
    std::fs::create_dir_all(repo.path().join("orders")).unwrap();
    link("../shared/limits.yaml", "orders/limits.yaml");
    link("../notifications/limits.yaml", "shared/limits.yaml");
    link("config/../../notifications/limits.yaml", "payments/up.yaml");
    link("..", "payments/root");
    let linked = repo.commit(1.5, "More links");
    repo.write("notifications/limits.yaml", b"max: 5\n");
    let edited = repo.commit(1.6, "Lower the limit");
    let change = git_change(repo.path(), &range(&linked, &edited), &GitOptions::default()).unwrap();
    let paths: Vec<&str> = change.changeset.files.iter().map(|f| f.path.as_str()).collect();
    for through in [
        "orders/limits.yaml",
        "shared/limits.yaml",
        "payments/up.yaml",
        "payments/root/notifications/limits.yaml",
        "payments/limits.yaml",
    ] {
        assert!(paths.contains(&through), "{through} not in {paths:?}");
    }
    let head = edited;
    // A migration that is a link: irreversible.
    link("../../notifications/sql/cleanup.sql", "db/migrations/0002_cleanup.sql");
    let linked = repo.commit(2.0, "Clean up");
    let change = git_change(repo.path(), &range(&head, &linked), &GitOptions::default()).unwrap();
    assert_eq!(change.changeset.safety.reversible, Some(false), "{:?}", change.notes);
}

/// Regression (a gaming audit): a submodule's bump counted one line and
/// none of its commits, so 400 AI-written lines committed in a submodule
/// and bumped in tier-0 `payments` passed as a one-line dependency update
/// by nobody's AI (owner, where the same commit in place is multi_party
/// with a senior asked). Checked out with both commits, the submodule's
/// range is read: its lines count on the bump, its commits' trailers and
/// authors join the change's, its destructive migrations make the change
/// irreversible. Not checked out, a note says it was not read.
#[test]
fn a_submodule_bump_brings_in_its_commits_lines_and_ai_help() {
    let lib = Repo::new("bump-lib");
    lib.write("lib.txt", b"v1\n");
    lib.commit(0.0, "v1");
    let repo = Repo::new("bump");
    repo.write("payments/app.txt", b"app\n");
    let lib_path = lib.path().to_str().unwrap();
    repo.git(&["-c", "protocol.file.allow=always", "submodule", "add", "-q", lib_path, "payments/risk"]);
    let base = repo.commit(1.0, "Add the library");
    lib.write("rules.py", &lines(400, "rule"));
    lib.write("db/migrations/0002_drop.sql", b"DROP TABLE limits;\n");
    // (And a script that flushes a cache: red team 13's bump destroyed
    // nothing read.)
    lib.write("scripts/reset.sh", b"#!/bin/sh\nredis-cli -h risk-cache.prod FLUSHALL\n");
    lib.commit_as(("Jun", "jun@example.com"), 2.0, "Add risk rules\n\nCo-authored-by: Claude <noreply@anthropic.com>");
    repo.git(&["-C", "payments/risk", "-c", "protocol.file.allow=always", "pull", "-q", "origin", "HEAD"]);
    repo.git(&["add", "payments/risk"]);
    let head = repo.commit(3.0, "Bump the risk library");

    let change = git_change(repo.path(), &range(&base, &head), &GitOptions::default()).unwrap();
    let bump = file(&change.changeset.files, "payments/risk");
    assert_eq!((bump.added, bump.deleted), (403, 1), "{:?}", change.notes);
    assert_eq!(bump.kind, Some(ChangeKind::Dependency));
    assert_eq!(bump.removes, ["redis flushall"], "what the submodule's files destroy is the bump's");
    // A co-author that is an AI tool: generated.
    assert_eq!(change.changeset.provenance.ai, Some(AiInvolvement::Generated));
    assert!(change.changeset.contributors.iter().any(|c| c.id == "jun@example.com"), "{:?}", change.changeset);
    assert_eq!(change.changeset.safety.reversible, Some(false), "{:?}", change.notes);
    assert!(change.notes.iter().any(|n| n.contains("submodule `payments/risk` moves")), "{:?}", change.notes);

    // Not checked out: not read, and said so.
    repo.git(&["submodule", "deinit", "-q", "-f", "payments/risk"]);
    let change = git_change(repo.path(), &range(&base, &head), &GitOptions::default()).unwrap();
    let bump = file(&change.changeset.files, "payments/risk");
    assert_eq!((bump.added, bump.deleted), (1, 1));
    assert_eq!(change.changeset.provenance.ai, None);
    assert!(change.notes.iter().any(|n| n.contains("its commits are not in this checkout")), "{:?}", change.notes);
    // (A library's bump destroys nothing read: its removes stay empty.)
    assert!(bump.removes.is_empty(), "{:?}", bump.removes);
}

/// Red team 13: a submodule of infrastructure by its path (`orders/infra`)
/// moved to a commit the checkout lacks, which deleted the database's
/// Terraform block, was `owner` where the same edit in the tree blocked.
/// Unread, it counts by its path, as an infrastructure file too large to
/// read does, and the note says so.
#[test]
fn an_unread_infrastructure_submodule_counts_by_its_path() {
    let infra = Repo::new("unread-infra-module");
    infra.write("db.tf", b"resource \"aws_db_instance\" \"orders\" {\n  identifier = \"orders-prod\"\n}\n");
    infra.commit(0.0, "v1");
    let repo = Repo::new("unread-infra");
    repo.write("orders/app.txt", b"app\n");
    let infra_path = infra.path().to_str().unwrap();
    repo.git(&["-c", "protocol.file.allow=always", "submodule", "add", "-q", infra_path, "orders/infra"]);
    let base = repo.commit(1.0, "Add the infrastructure");
    infra.write("db.tf", b"");
    infra.commit(2.0, "Tidy");
    repo.git(&["-C", "orders/infra", "-c", "protocol.file.allow=always", "pull", "-q", "origin", "HEAD"]);
    repo.git(&["add", "orders/infra"]);
    let head = repo.commit(3.0, "Bump the infrastructure");
    // Read, it is what its files destroy.
    let change = git_change(repo.path(), &range(&base, &head), &GitOptions::default()).unwrap();
    assert_eq!(file(&change.changeset.files, "orders/infra").removes, ["aws_db_instance"], "{:?}", change.notes);
    // Not checked out, it counts by its path.
    repo.git(&["submodule", "deinit", "-q", "-f", "orders/infra"]);
    let change = git_change(repo.path(), &range(&base, &head), &GitOptions::default()).unwrap();
    assert_eq!(file(&change.changeset.files, "orders/infra").removes, ["submodule orders/infra"]);
    assert!(change.notes.iter().any(|n| n.contains("counts as destroying")), "{:?}", change.notes);
}

/// Red team 17: a submodule of schema migrations (`orders/migrations`)
/// moved to a commit that drops a table was `senior` checked out and
/// `auto` in a clone without submodules. Unread, it is a migration whose
/// statements are not read: `reversible: false`, as one too large to read.
#[test]
fn an_unread_migrations_submodule_is_not_reversible() {
    let migrations = Repo::new("unread-migrations-module");
    migrations.write("0001_init.sql", b"CREATE TABLE users (id int);\n");
    migrations.commit(0.0, "v1");
    let repo = Repo::new("unread-migrations");
    repo.write("orders/app.txt", b"app\n");
    let path = migrations.path().to_str().unwrap();
    repo.git(&["-c", "protocol.file.allow=always", "submodule", "add", "-q", path, "orders/migrations"]);
    let base = repo.commit(1.0, "Add the migrations");
    migrations.write("0002_drop.sql", b"DROP TABLE users;\n");
    migrations.commit(2.0, "Drop users");
    repo.git(&["-C", "orders/migrations", "-c", "protocol.file.allow=always", "pull", "-q", "origin", "HEAD"]);
    repo.git(&["add", "orders/migrations"]);
    let head = repo.commit(3.0, "Bump the migrations");
    // Read, its migration drops a table.
    let change = git_change(repo.path(), &range(&base, &head), &GitOptions::default()).unwrap();
    assert_eq!(change.changeset.safety.reversible, Some(false), "{:?}", change.notes);
    // Not checked out, its statements are not read: not reversible either.
    repo.git(&["submodule", "deinit", "-q", "-f", "orders/migrations"]);
    let change = git_change(repo.path(), &range(&base, &head), &GitOptions::default()).unwrap();
    assert_eq!(change.changeset.safety.reversible, Some(false), "{:?}", change.notes);
    assert!(
        change.notes.iter().any(|n| n.contains("`orders/migrations`") && n.contains("a submodule not checked out")),
        "{:?}",
        change.notes
    );
}

/// Regression (a red-team audit of the submodule fix): a submodule the
/// change adds, and a submodule's own submodule, were not read (senior and
/// owner where the same AI-written code in place is multi_party). Both
/// are read where they are checked out: the added one's whole tree and
/// its history, the nested one's range, counted on the superproject's
/// bump.
#[test]
fn added_and_nested_submodules_are_read() {
    let inner = Repo::new("nested-inner");
    inner.write("inner.txt", b"v1\n");
    inner.commit(0.0, "v1");
    let lib = Repo::new("nested-lib");
    lib.write("lib.txt", b"v1\n");
    let inner_path = inner.path().to_str().unwrap();
    lib.git(&["-c", "protocol.file.allow=always", "submodule", "add", "-q", inner_path, "inner"]);
    lib.commit(0.5, "Add inner");
    let repo = Repo::new("nested-outer");
    repo.write("payments/app.txt", b"app\n");
    let base = repo.commit(1.0, "Initial");
    // Added: the submodule's whole tree and history come in.
    let lib_path = lib.path().to_str().unwrap();
    repo.git(&["-c", "protocol.file.allow=always", "submodule", "add", "-q", lib_path, "payments/lib"]);
    repo.git(&["-c", "protocol.file.allow=always", "submodule", "update", "-q", "--init", "--recursive"]);
    let added = repo.commit(2.0, "Add the library");
    let change = git_change(repo.path(), &range(&base, &added), &GitOptions::default()).unwrap();
    assert!(change.notes.iter().any(|n| n.contains("submodule `payments/lib` is added at")), "{:?}", change.notes);
    assert!(file(&change.changeset.files, "payments/lib").added >= 2, "{:?}", change.changeset.files);
    // Nested: an AI-written commit in the inner submodule, bumped in the
    // library, bumped in the superproject.
    inner.write("rules.py", &lines(300, "rule"));
    inner.commit_as(("Jun", "jun@example.com"), 3.0, "Add rules\n\nCo-authored-by: Claude <noreply@anthropic.com>");
    let sub = repo.path().join("payments/lib");
    let git_in = |dir: &Path, args: &[&str]| {
        let out = Command::new("git")
            .current_dir(dir)
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .args(["-c", "protocol.file.allow=always", "-c", "user.name=Dev", "-c", "user.email=dev@example.com"])
            .args(args)
            .output()
            .unwrap();
        assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    };
    git_in(&sub.join("inner"), &["pull", "-q", "origin", "HEAD"]);
    git_in(&sub, &["add", "inner"]);
    git_in(&sub, &["commit", "-q", "-m", "Bump inner"]);
    repo.git(&["add", "payments/lib"]);
    let nested = repo.commit(4.0, "Bump the library");
    let change = git_change(repo.path(), &range(&added, &nested), &GitOptions::default()).unwrap();
    assert_eq!(change.changeset.provenance.ai, Some(AiInvolvement::Generated), "{:?}", change.notes);
    assert!(file(&change.changeset.files, "payments/lib").added >= 300, "{:?}", change.changeset.files);
    assert!(change.notes.iter().any(|n| n.contains("submodule `payments/lib/inner` moves")), "{:?}", change.notes);
}

/// Tasks called by name: a pipeline or script that newly runs `make
/// destroy`, `npm run teardown`, `just nuke` or `task destroy` runs what
/// the task's recipe runs, read from the task's file after the change,
/// though that file did not change (the agent that recreates its
/// environment through the repository's own Makefile). The file is found
/// where the call names it, from the top or the calling file's folder,
/// else anywhere in the tree (a step's `working-directory:`). Calls of
/// tasks that destroy nothing, in jobs for short-lived environments, or
/// dry runs stay quiet; a task file too large to read counts the call.
/// A local action or reusable workflow newly used runs all it holds; one
/// for a preview, or not in the repository, counts nothing. A task file
/// edited so that more of its tasks run a destroy (a prerequisite added)
/// counts it; a task renamed does not.
#[test]
fn tasks_called_by_name_count_as_what_they_run() {
    let repo = Repo::new("tasks");
    let workflow = |steps: &str| {
        format!(
            "name: deploy\non: push\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n{steps}"
        )
    };
    repo.write(".github/workflows/deploy.yml", workflow("      - run: make deploy\n").as_bytes());
    repo.write(
        "Makefile",
        b"TF ?= terraform\n\n.PHONY: deploy destroy recreate\ndeploy:\n\t$(TF) -chdir=infra apply -auto-approve\n\ndestroy:\n\t$(TF) -chdir=infra destroy -auto-approve\n\nrecreate: destroy deploy\n",
    );
    repo.write(
        "infra/package.json",
        b"{\n  \"scripts\": {\n    \"deploy\": \"cdk deploy --all\",\n    \"teardown\": \"npm run nuke\",\n    \"nuke\": \"cdk destroy --all --force\"\n  }\n}\n",
    );
    repo.write("ops/justfile", b"alias n := nuke\n\n# Tear it all down.\nnuke: stop\n    pulumi destroy --yes --stack acme/prod\n\nstop:\n    echo stopping\n");
    repo.write("ops/Taskfile.yml", b"version: '3'\ntasks:\n  destroy:\n    deps: [drain]\n    cmds:\n      - helmfile destroy\n  drain:\n    cmds:\n      - echo draining\n");
    repo.write("scripts/release.sh", b"#!/bin/sh\nset -e\nmake deploy\n");
    repo.write(
        ".github/actions/teardown/action.yml",
        b"name: Teardown\nruns:\n  using: composite\n  steps:\n    - shell: bash\n      run: kubectl delete namespace orders\n",
    );
    repo.write(
        ".github/actions/teardown-preview/action.yml",
        b"name: Teardown a preview\nruns:\n  using: composite\n  steps:\n    - shell: bash\n      run: kubectl delete namespace orders\n",
    );
    repo.write(
        ".github/workflows/destroy.yml",
        b"on:\n  workflow_call:\njobs:\n  destroy:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: dflook/terraform-destroy@v1\n        with:\n          path: infra\n",
    );
    let base = repo.commit(0.0, "Tasks");

    // (What, the lines each file gains, what each file then destroys.)
    type Case<'a> = (&'a str, &'a [(&'a str, &'a str)], &'a [(&'a str, &'a [&'a str])]);
    let cases: [Case<'_>; 12] = [
        (
            "the deploy job runs make recreate",
            &[(".github/workflows/deploy.yml", "      - run: make recreate\n")],
            &[(".github/workflows/deploy.yml", &["terraform destroy"])],
        ),
        (
            "a script runs npm run teardown in infra",
            &[("scripts/release.sh", "npm --prefix infra run teardown\n")],
            &[("scripts/release.sh", &["cdk destroy"])],
        ),
        (
            "a step runs an alias of a just recipe",
            &[(".github/workflows/deploy.yml", "      - run: just --justfile ops/justfile n\n")],
            &[(".github/workflows/deploy.yml", &["pulumi destroy"])],
        ),
        (
            "a step in a working directory runs task destroy",
            &[(".github/workflows/deploy.yml", "      - run: task destroy\n        working-directory: ops\n")],
            &[(".github/workflows/deploy.yml", &["helmfile destroy"])],
        ),
        (
            "make -C runs the folder's Makefile",
            &[("scripts/release.sh", "make -C . destroy\n")],
            &[("scripts/release.sh", &["terraform destroy"])],
        ),
        (
            "a task that destroys nothing",
            &[(".github/workflows/deploy.yml", "      - run: make deploy && just stop\n")],
            &[],
        ),
        ("a dry run", &[("scripts/release.sh", "make -n destroy\n")], &[]),
        ("a preview's teardown", &[("scripts/release.sh", "make destroy ENV=pr-${PR_NUMBER}\n")], &[]),
        ("a task no file has", &[("scripts/release.sh", "npm run nuke-everything\n")], &[]),
        (
            "a step uses a local action that deletes a namespace",
            &[(".github/workflows/deploy.yml", "      - uses: ./.github/actions/teardown\n")],
            &[(".github/workflows/deploy.yml", &["Namespace"])],
        ),
        (
            "a job calls a reusable workflow that destroys",
            &[(".github/workflows/deploy.yml", "  again:\n    uses: ./.github/workflows/destroy.yml\n")],
            &[(".github/workflows/deploy.yml", &["terraform destroy"])],
        ),
        (
            "a preview's local action, and one not in the repository",
            &[(
                ".github/workflows/deploy.yml",
                "      - uses: ./.github/actions/teardown-preview\n      - uses: ./tools/actions/teardown\n",
            )],
            &[],
        ),
    ];
    for (i, (what, edits, expected)) in cases.iter().enumerate() {
        repo.git(&["checkout", "-q", &base]);
        for (path, line) in *edits {
            let text =
                if path.ends_with(".yml") { workflow(line) } else { format!("#!/bin/sh\nset -e\nmake deploy\n{line}") };
            repo.write(path, text.as_bytes());
        }
        let head = repo.commit(1.0 + i as f64, what);
        let (change, fired) = read_and_assess_on_a_leaf(&repo, &base, &head);
        let expected: Vec<(String, Vec<String>)> = expected
            .iter()
            .map(|(p, kinds)| ((*p).to_owned(), kinds.iter().map(|k| (*k).to_owned()).collect()))
            .collect();
        assert_eq!(removes_of(&change), expected, "{what}");
        assert_eq!(fired.iter().any(|r| r.starts_with("destructive")), !expected.is_empty(), "{what}: {fired:?}");
    }

    // The Makefile's deploy target made to destroy first counts in the
    // Makefile; its destroy target renamed runs what it ran.
    let edit = |from: &str, to: &str| {
        repo.git(&["checkout", "-q", &base]);
        let text = std::fs::read_to_string(repo.path().join("Makefile")).unwrap();
        assert!(text.contains(from));
        repo.write("Makefile", text.replace(from, to).as_bytes());
        repo.commit(15.0, to)
    };
    let before_deploy = edit("deploy:\n", "deploy: destroy\n");
    let (change, fired) = read_and_assess_on_a_leaf(&repo, &base, &before_deploy);
    assert_eq!(removes_of(&change), [("Makefile".to_owned(), vec!["terraform destroy".to_owned()])]);
    assert!(fired.iter().any(|r| r.starts_with("destructive")), "{fired:?}");
    let renamed = edit("destroy:\n", "teardown:\n");
    let (change, _) = read_and_assess_on_a_leaf(&repo, &base, &renamed);
    assert!(removes_of(&change).is_empty(), "{:?}", removes_of(&change));

    // A Makefile too large to read: the call counts by its name.
    repo.git(&["checkout", "-q", &base]);
    let mut big = b"destroy:\n\techo nothing to see\n".to_vec();
    big.extend(std::iter::repeat_n(b"# padding\n".as_slice(), 120_000).flatten());
    repo.write("Makefile", &big);
    let padded = repo.commit(20.0, "Pad the Makefile");
    repo.write("scripts/release.sh", b"#!/bin/sh\nset -e\nmake deploy\nmake destroy\n");
    let head = repo.commit(21.0, "Call the padded target");
    let (change, _) = read_and_assess_on_a_leaf(&repo, &padded, &head);
    assert_eq!(removes_of(&change), [("scripts/release.sh".to_owned(), vec!["make destroy".to_owned()])]);
}

/// Regressions (a red team of the task readings): a task run in a folder
/// the line does not name (a step's `working-directory:`, `cd infra &&`)
/// was looked for only in the top Makefile, which does not define it; a
/// workspace's package named by its name, and script runners (`run-s`),
/// were not followed; a folder named `ci` read as a short-lived
/// environment; a vendored Makefile's destroy target was taken for the
/// repository's own. A step's `working-directory:` says which of two
/// Makefiles defining the same target runs.
#[test]
fn tasks_are_found_where_they_run() {
    let repo = Repo::new("tasks-where");
    let workflow = |steps: &str| {
        format!(
            "name: deploy\non: push\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n{steps}"
        )
    };
    repo.write(".github/workflows/deploy.yml", workflow("      - run: make build\n").as_bytes());
    repo.write("Makefile", b"build:\n\tgo build ./...\ndestroy:\n\t@echo run it in infra/\n");
    repo.write("infra/Makefile", b"destroy:\n\tterraform destroy -auto-approve\nclean: destroy\n");
    repo.write("packages/web/package.json", b"{\"name\": \"@acme/web\", \"scripts\": {\"clean\": \"rimraf dist\"}}\n");
    repo.write(
        "packages/ops/package.json",
        b"{\"name\": \"@acme/ops\", \"scripts\": {\"clean\": \"cdk destroy --force\"}}\n",
    );
    repo.write("web/Makefile", b"clean:\n\trm -rf dist\n");
    repo.write("ci/Makefile", b"teardown:\n\thelm uninstall orders-postgresql\n");
    repo.write("vendor/github.com/acme/tool/Makefile", b"nuke:\n\tterraform destroy -auto-approve\n");
    repo.write("package.json", b"{\"private\": true, \"workspaces\": [\"packages/*\"]}\n");
    repo.write(
        "packages/stack/package.json",
        b"{\"name\": \"@acme/stack\", \"scripts\": {\"teardown\": \"run-s destroy:*\", \"destroy:api\": \"cdk destroy api --force\", \"deploy\": \"cdk deploy\"}}\n",
    );
    let base = repo.commit(0.0, "Tasks in folders");
    type Case<'a> = (&'a str, &'a str, &'a [&'a str]);
    let cases: [Case<'_>; 12] = [
        ("a step in infra", "      - run: make destroy\n        working-directory: infra\n", &["terraform destroy"]),
        ("cd first", "      - run: cd infra && make destroy\n", &["terraform destroy"]),
        ("a folder named ci", "      - run: make -C ci teardown\n", &["helm uninstall orders-postgresql"]),
        ("a workspace's script", "      - run: yarn workspace @acme/stack teardown\n", &["cdk destroy"]),
        ("a vendored target", "      - run: make nuke\n", &[]),
        // (Two Makefiles define clean; the step says which runs.)
        ("clean in web", "      - run: make clean\n        working-directory: web\n", &[]),
        ("clean in infra", "      - working-directory: ./infra/\n        run: make clean\n", &["terraform destroy"]),
        ("a script that destroys nothing", "      - run: npm run deploy -w packages/stack\n", &[]),
        // (A package named by its folder or its name: its own script.)
        ("web's clean", "      - run: npm run clean -w web\n", &[]),
        ("ops' clean", "      - run: yarn workspace @acme/ops clean\n", &["cdk destroy"]),
        ("every clean", "      - run: npx turbo run clean\n", &["cdk destroy"]),
        (
            "a working folder under the workspace",
            "      - run: make destroy\n        working-directory: ${{ github.workspace }}/infra\n",
            &["terraform destroy"],
        ),
    ];
    for (i, (what, steps, expected)) in cases.iter().enumerate() {
        repo.git(&["checkout", "-q", &base]);
        repo.write(".github/workflows/deploy.yml", workflow(&format!("      - run: make build\n{steps}")).as_bytes());
        let head = repo.commit(1.0 + i as f64, what);
        let (change, _) = read_and_assess_on_a_leaf(&repo, &base, &head);
        let expected: Vec<(String, Vec<String>)> = if expected.is_empty() {
            Vec::new()
        } else {
            vec![(".github/workflows/deploy.yml".to_owned(), expected.iter().map(|k| (*k).to_owned()).collect())]
        };
        assert_eq!(removes_of(&change), expected, "{what}");
    }
}

/// A script a pipeline newly runs by its path counts as what the script
/// runs, read whole as it is after the change, though the script did not
/// change (`run: ./scripts/recreate.sh`, `python3 tools/cleanup.py`), and
/// the scripts it runs in turn; a binary program, a script the repository
/// does not hold and a preview's teardown count nothing.
#[test]
fn scripts_run_by_their_paths_count_as_what_they_run() {
    let repo = Repo::new("script-paths");
    let workflow = |steps: &str| {
        format!(
            "name: deploy\non: push\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: ./scripts/deploy.sh\n{steps}"
        )
    };
    repo.write(".github/workflows/deploy.yml", workflow("").as_bytes());
    repo.write(
        "scripts/deploy.sh",
        b"#!/usr/bin/env bash\nset -euo pipefail\nterraform -chdir=infra apply -auto-approve\n",
    );
    repo.write(
        "scripts/recreate.sh",
        b"#!/usr/bin/env bash\nset -euo pipefail\n./scripts/nuke.sh\n./scripts/deploy.sh\n",
    );
    repo.write("scripts/nuke.sh", b"#!/bin/sh\nterraform -chdir=infra destroy -auto-approve\n");
    repo.write(
        "tools/cleanup.py",
        b"import subprocess\n\nsubprocess.run([\"helm\", \"uninstall\", \"orders-postgresql\"], check=True)\n",
    );
    repo.write("tools/protoc", b"\x7fELF\x02\x01\x01\x00\x00\x00terraform destroy\n");
    repo.write(
        "scripts/tf.sh",
        b"#!/bin/sh\nset -e\ncase \"$1\" in\n  plan) terraform -chdir=infra plan ;;\n  destroy)\n    terraform -chdir=infra destroy -auto-approve\n    ;;\n  *) echo \"usage: tf.sh plan|destroy\" ;;\nesac\n",
    );
    repo.write(
        "scripts/rebuild.sh",
        b"#!/usr/bin/env bash\nSCRIPT_DIR=\"$(cd \"$(dirname \"${BASH_SOURCE[0]}\")\" && pwd)\"\n\"$SCRIPT_DIR/nuke.sh\"\n",
    );
    repo.write("infra/destroy.sh", b"#!/bin/sh\nhelm uninstall orders-postgresql\n");
    repo.write("Makefile", b"teardown:\n\t@./scripts/nuke.sh\n");
    let base = repo.commit(0.0, "Scripts");
    type Case<'a> = (&'a str, &'a str, &'a [&'a str]);
    let cases: [Case<'_>; 12] = [
        // (A second red team: a Makefile recipe's `@`, `cd` on a line of its
        // own, the checkout's variable, a script calling its sibling, and a
        // wrapper's branches.)
        ("a Makefile recipe with @", "      - run: make teardown\n", &["terraform destroy"]),
        (
            "cd on its own line",
            "      - run: |\n          cd infra\n          ./destroy.sh\n",
            &["helm uninstall orders-postgresql"],
        ),
        ("the checkout's variable", "      - run: $GITHUB_WORKSPACE/scripts/nuke.sh\n", &["terraform destroy"]),
        ("a script calling its sibling", "      - run: ./scripts/rebuild.sh\n", &["terraform destroy"]),
        ("a wrapper's plan branch", "      - run: ./scripts/tf.sh plan\n", &[]),
        ("a wrapper's destroy branch", "      - run: ./scripts/tf.sh destroy\n", &["terraform destroy"]),
        ("the deploy job runs the recreate script", "      - run: ./scripts/recreate.sh\n", &["terraform destroy"]),
        (
            "a step runs a Python tool by its interpreter",
            "      - run: python3 tools/cleanup.py\n",
            &["helm uninstall orders-postgresql"],
        ),
        (
            "a shell runs the script, with options",
            "      - run: bash -euo pipefail scripts/nuke.sh\n",
            &["terraform destroy"],
        ),
        ("a binary program", "      - run: ./tools/protoc --version\n", &[]),
        ("a script the repository does not hold", "      - run: ./scripts/fetched.sh\n", &[]),
        ("a preview's teardown", "      - run: ./scripts/nuke.sh pr-${{ github.event.number }}\n", &[]),
    ];
    for (i, (what, steps, expected)) in cases.iter().enumerate() {
        repo.git(&["checkout", "-q", &base]);
        repo.write(".github/workflows/deploy.yml", workflow(steps).as_bytes());
        let head = repo.commit(1.0 + i as f64, what);
        let (change, fired) = read_and_assess_on_a_leaf(&repo, &base, &head);
        let expected: Vec<(String, Vec<String>)> = if expected.is_empty() {
            Vec::new()
        } else {
            vec![(".github/workflows/deploy.yml".to_owned(), expected.iter().map(|k| (*k).to_owned()).collect())]
        };
        assert_eq!(removes_of(&change), expected, "{what}");
        assert_eq!(fired.iter().any(|r| r.starts_with("destructive")), !expected.is_empty(), "{what}: {fired:?}");
    }
}

/// Red team 17: a guard turned off without touching its line, by `/*` and
/// `*/` added around it or a heredoc that takes it in, was `peer` where
/// deleting the line is `senior`. The file's guards are compared as
/// Terraform reads it, before and after.
#[test]
fn a_guard_wrapped_in_a_comment_or_heredoc_is_turned_off() {
    let repo = Repo::new("guard-wrapped");
    let db = "resource \"aws_db_instance\" \"orders\" {\n  identifier = \"orders-prod\"\n  deletion_protection = true\n  lifecycle {\n    prevent_destroy = true\n  }\n}\n";
    repo.write("orders/terraform/main.tf", db.as_bytes());
    let base = repo.commit(0.0, "The database");
    let cases = [
        (
            "a block comment",
            db.replace("  deletion_protection = true\n", "  /*\n  deletion_protection = true\n  */\n"),
            "deletion_protection",
        ),
        (
            "a heredoc",
            db.replace(
                "  deletion_protection = true\n",
                "  tags = {\n    note = <<EOT\n  deletion_protection = true\nEOT\n  }\n",
            ),
            "deletion_protection",
        ),
        (
            "a commented lifecycle",
            db.replace("  lifecycle {", "  /* lifecycle {").replace("  }\n}", "  } */\n}"),
            "prevent_destroy",
        ),
    ];
    for (i, (what, text, guard)) in cases.iter().enumerate() {
        repo.git(&["checkout", "-q", &base]);
        repo.write("orders/terraform/main.tf", text.as_bytes());
        let head = repo.commit(1.0 + i as f64, what);
        let (change, fired) = read_and_assess_on_a_leaf(&repo, &base, &head);
        assert!(change.files[0].unguards.iter().any(|g| g == guard), "{what}: {:?}", change.files[0].unguards);
        assert!(fired.iter().any(|r| r == "protection-removed"), "{what}: {fired:?}");
    }
    // A guard moved within the file, still read, is no guard turned off.
    repo.git(&["checkout", "-q", &base]);
    let moved = db.replace(
        "  identifier = \"orders-prod\"\n  deletion_protection = true\n",
        "  deletion_protection = true\n  identifier = \"orders-prod\"\n",
    );
    repo.write("orders/terraform/main.tf", moved.as_bytes());
    let head = repo.commit(9.0, "Reorder");
    let (change, fired) = read_and_assess_on_a_leaf(&repo, &base, &head);
    assert!(change.files[0].unguards.is_empty(), "{:?}", change.files[0].unguards);
    assert!(!fired.iter().any(|r| r == "protection-removed"), "{fired:?}");
}

/// A script or pipeline that turns a guard against deletion off, by a
/// command or an SDK call (`aws rds modify-db-instance
/// --no-deletion-protection`, boto3's `DeletionProtection=False`, `az
/// lock delete`), destroys nothing yet but is stated in the file's
/// `unguards`, as a guard's line taken out of a Terraform file is, and
/// asks for a senior (`protection-removed`); so is a task a workflow
/// newly runs by name whose recipe does it, and a CDK stack whose
/// database's removal policy becomes `DESTROY`.
#[test]
fn commands_that_turn_guards_off_ask_for_a_senior() {
    let repo = Repo::new("unguards");
    repo.write(
        "Makefile",
        b"unlock:\n\taz lock delete --name keep --resource-group rg-orders\n\nbuild:\n\tgo build ./...\n",
    );
    repo.write(
        ".github/workflows/deploy.yml",
        b"on: push\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make build\n",
    );
    let stack = "const db = new rds.DatabaseInstance(this, \"Orders\", {\n  engine,\n  removalPolicy: cdk.RemovalPolicy.RETAIN,\n});\n";
    repo.write("infra/lib/orders-stack.ts", stack.as_bytes());
    let base = repo.commit(0.0, "Scripts");
    let destroy = stack.replace("RETAIN", "DESTROY");
    let cases: [FileCase<'_>; 5] = [
        (
            "the CDK stack lets its database go with it",
            "infra/lib/orders-stack.ts",
            &destroy,
            &[("infra/lib/orders-stack.ts", &["removalPolicy"])],
        ),
        (
            "an agent's script lets the database go",
            "scripts/prepare.py",
            "import boto3\n\nrds = boto3.client(\"rds\")\nrds.modify_db_instance(\n    DBInstanceIdentifier=\"orders-prod\",\n    DeletionProtection=False,\n    ApplyImmediately=True,\n)\n",
            &[("scripts/prepare.py", &["aws rds modify-db-instance --no-deletion-protection"])],
        ),
        (
            "a shell step turns the protection off",
            "scripts/prepare.sh",
            "#!/bin/sh\naws dynamodb update-table --table-name ledger --no-deletion-protection-enabled\n",
            &[("scripts/prepare.sh", &["aws dynamodb update-table --no-deletion-protection-enabled"])],
        ),
        (
            "the deploy job runs the Makefile's unlock",
            ".github/workflows/deploy.yml",
            "on: push\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make unlock build\n",
            &[(".github/workflows/deploy.yml", &["az lock delete"])],
        ),
        (
            "turning the protection on is no guard turned off",
            "scripts/prepare.sh",
            "#!/bin/sh\naws dynamodb update-table --table-name ledger --deletion-protection-enabled\n",
            &[],
        ),
    ];
    for (i, (what, path, text, expected)) in cases.iter().enumerate() {
        repo.git(&["checkout", "-q", &base]);
        repo.write(path, text.as_bytes());
        let head = repo.commit(1.0 + i as f64, what);
        let (change, fired) = read_and_assess_on_a_leaf(&repo, &base, &head);
        let unguards: Vec<(String, Vec<String>)> = change
            .files
            .iter()
            .filter(|f| !f.unguards.is_empty())
            .map(|f| (f.path.clone(), f.unguards.clone()))
            .collect();
        let expected: Vec<(String, Vec<String>)> =
            expected.iter().map(|(p, g)| ((*p).to_owned(), g.iter().map(|g| (*g).to_owned()).collect())).collect();
        assert_eq!(unguards, expected, "{what}");
        assert!(removes_of(&change).is_empty(), "{what}");
        assert_eq!(fired.iter().any(|r| r == "protection-removed"), !expected.is_empty(), "{what}: {fired:?}");
        assert!(!fired.iter().any(|r| r.starts_with("destructive")), "{what}: {fired:?}");
    }
}

/// A Cloud Build or Tekton step runs its image's command with its
/// arguments: a step added that deletes the production database is a
/// destroyed database, and a build step, or a deletion of a pull
/// request's database, is not.
#[test]
fn container_steps_in_pipelines_count_their_commands() {
    let repo = Repo::new("container-steps");
    let build =
        "steps:\n- name: gcr.io/cloud-builders/docker\n  args: ['build', '-t', 'gcr.io/$PROJECT_ID/orders', '.']\n";
    repo.write("cloudbuild.yaml", build.as_bytes());
    let tekton = "apiVersion: tekton.dev/v1\nkind: Task\nmetadata:\n  name: release\nspec:\n  steps:\n    - name: apply\n      image: hashicorp/terraform:1.9\n      args: [apply, -auto-approve]\n";
    repo.write(".tekton/release.yaml", tekton.as_bytes());
    let base = repo.commit(0.0, "Pipelines");
    let drop_db = format!(
        "{build}- name: gcr.io/cloud-builders/gcloud\n  entrypoint: bash\n  args: ['-c', 'gcloud sql instances delete orders-prod --quiet']\n"
    );
    let preview = format!(
        "{build}- name: gcr.io/cloud-builders/gcloud\n  args: ['sql', 'instances', 'delete', 'orders-pr-$_PR_NUMBER', '--quiet']\n"
    );
    let cases: [FileCase<'_>; 6] = [
        (
            "the build deletes the production database",
            "cloudbuild.yaml",
            &drop_db,
            &[("cloudbuild.yaml", &["gcloud sql instances delete"])],
        ),
        ("a pull request's database is deleted", "cloudbuild.yaml", &preview, &[]),
        (
            "the release task destroys",
            ".tekton/release.yaml",
            &tekton.replace("[apply, -auto-approve]", "[destroy, -auto-approve]"),
            &[(".tekton/release.yaml", &["terraform destroy"])],
        ),
        (
            "a teardown build kept beside the main one",
            "cloudbuild-teardown.yaml",
            "steps:\n- name: gcr.io/cloud-builders/gcloud\n  args: ['sql', 'instances', 'delete', 'orders-prod', '--quiet']\n",
            &[("cloudbuild-teardown.yaml", &["gcloud sql instances delete"])],
        ),
        (
            "a Tekton task kept under ci/",
            "ci/tekton/drop.yaml",
            "apiVersion: tekton.dev/v1\nkind: Task\nspec:\n  steps:\n    - name: drop\n      image: bitnami/kubectl\n      script: |\n        kubectl delete namespace orders\n",
            &[("ci/tekton/drop.yaml", &["Namespace"])],
        ),
        (
            "the build pushes too",
            "cloudbuild.yaml",
            &format!("{build}- name: gcr.io/cloud-builders/docker\n  args: ['push', 'gcr.io/$PROJECT_ID/orders']\n"),
            &[],
        ),
    ];
    assert_file_cases(&repo, &base, &cases);
}

/// An Ansible task told `state: absent`, or running a destroying
/// command, destroys what it names when the playbook runs; the same task
/// moved between playbooks, or a preview's, does not.
#[test]
fn ansible_tasks_that_destroy_count() {
    let repo = Repo::new("ansible");
    let db = "- hosts: localhost\n  tasks:\n    - name: The orders database\n      amazon.aws.rds_instance:\n        id: orders-prod\n        engine: postgres\n        state: present\n";
    repo.write("ansible/db.yml", db.as_bytes());
    repo.write("roles/app/tasks/main.yml", b"- name: Deploy\n  ansible.builtin.command: ./deploy.sh\n");
    let base = repo.commit(0.0, "Playbooks");
    let absent = db.replace("state: present", "state: absent");
    let teardown = "- name: Deploy\n  ansible.builtin.command: ./deploy.sh\n- name: Start clean\n  ansible.builtin.shell: kubectl delete namespace orders\n";
    let preview = "- name: Deploy\n  ansible.builtin.command: ./deploy.sh\n- name: Drop the preview\n  kubernetes.core.k8s:\n    kind: Namespace\n    name: orders-pr-12\n    state: absent\n";
    let cases: [FileCase<'_>; 3] = [
        (
            "the playbook deletes the database",
            "ansible/db.yml",
            &absent,
            &[("ansible/db.yml", &["amazon.aws.rds_instance"])],
        ),
        (
            "the role starts clean",
            "roles/app/tasks/main.yml",
            teardown,
            &[("roles/app/tasks/main.yml", &["Namespace"])],
        ),
        ("the role drops a preview", "roles/app/tasks/main.yml", preview, &[]),
    ];
    assert_file_cases(&repo, &base, &cases);
    // A playbook kept anywhere is read by what its changed lines say (a
    // red team's `teardown.yml` at the top, `state: present` made
    // `absent`); a YAML file that is no playbook is not.
    let top = "- hosts: db\n  tasks:\n    - name: Orders\n      community.postgresql.postgresql_db:\n        name: orders\n        state: present\n";
    repo.git(&["checkout", "-q", &base]);
    repo.write("teardown.yml", top.as_bytes());
    repo.write("config/app.yaml", b"replicas: 2\n");
    let base = repo.commit(10.0, "A playbook at the top");
    let cases: [FileCase<'_>; 2] = [
        (
            "the playbook drops the database",
            "teardown.yml",
            &top.replace("state: present", "state: absent"),
            &[("teardown.yml", &["database"])],
        ),
        ("a setting named state", "config/app.yaml", "replicas: 2\nstate: absent\n", &[]),
    ];
    assert_file_cases(&repo, &base, &cases);
    // A file both readers claim (Ansible's folder, a workflows folder;
    // a Tekton task kept in `tasks/`) is read by both (a red team's
    // playbook in `ansible/workflows/` was read as a pipeline only).
    let step = "apiVersion: tekton.dev/v1\nkind: Task\nspec:\n  steps:\n    - name: drop\n      image: gcr.io/cloud-builders/gcloud\n      args: [sql, instances, list]\n";
    repo.git(&["checkout", "-q", &base]);
    repo.write("ansible/workflows/db.yml", db.as_bytes());
    repo.write("tekton/tasks/drop.yaml", step.as_bytes());
    let base = repo.commit(20.0, "Playbooks and tasks in both readers' folders");
    let cases: [FileCase<'_>; 2] = [
        (
            "the workflow playbook deletes the database",
            "ansible/workflows/db.yml",
            &absent,
            &[("ansible/workflows/db.yml", &["amazon.aws.rds_instance"])],
        ),
        (
            "the Tekton task deletes the database",
            "tekton/tasks/drop.yaml",
            &step.replace("[sql, instances, list]", "[sql, instances, delete, orders]"),
            &[("tekton/tasks/drop.yaml", &["gcloud sql instances delete"])],
        ),
    ];
    assert_file_cases(&repo, &base, &cases);
    // A role's task whose state is a variable of the role's defaults or
    // vars: a default flipped counts in the defaults file, and a task
    // added that reads a default of `absent` counts in its file.
    let task =
        "- name: The orders database\n  amazon.aws.rds_instance:\n    id: orders-prod\n    state: \"{{ db_state }}\"\n";
    repo.git(&["checkout", "-q", &base]);
    repo.write("deploy/roles/db/tasks/main.yml", task.as_bytes());
    repo.write("deploy/roles/db/defaults/main.yml", b"db_state: present\n");
    repo.write("deploy/roles/cache/tasks/main.yml", b"- name: Deploy\n  ansible.builtin.command: ./deploy.sh\n");
    repo.write("deploy/roles/cache/vars/main.yml", b"cache_state: absent\n");
    let base = repo.commit(30.0, "Roles with variables");
    let cases: [FileCase<'_>; 3] = [
        (
            "a role's default flipped to absent",
            "deploy/roles/db/defaults/main.yml",
            "db_state: absent  # tear down\n",
            &[("deploy/roles/db/defaults/main.yml", &["amazon.aws.rds_instance"])],
        ),
        (
            "a task added that reads the role's vars",
            "deploy/roles/cache/tasks/main.yml",
            "- name: Deploy\n  ansible.builtin.command: ./deploy.sh\n- amazon.aws.elasticache:\n    name: orders\n    state: \"{{ cache_state }}\"\n",
            &[("deploy/roles/cache/tasks/main.yml", &["amazon.aws.elasticache"])],
        ),
        (
            "a default that changes nothing destroyed",
            "deploy/roles/db/defaults/main.yml",
            "db_state: present\nsize: 2\n",
            &[],
        ),
    ];
    assert_file_cases(&repo, &base, &cases);
}

/// Cloud SDK calls in scripts (boto3, the AWS SDK for JavaScript, the
/// Kubernetes client) count as the commands of their tools: deleting a
/// database through `boto3` is `aws rds delete-db-instance`. Calls a file
/// already made, routine deletes and application code count nothing.
#[test]
fn cloud_sdk_calls_count_as_their_tools_commands() {
    let repo = Repo::new("sdk");
    repo.write(
        "scripts/janitor.py",
        b"import boto3\n\nrds = boto3.client(\"rds\")\n\n\ndef stale_snapshots():\n    return []\n\n\nfor s in stale_snapshots():\n    rds.delete_db_snapshot(DBSnapshotIdentifier=s)\n",
    );
    repo.write(
        "scripts/old_cluster.py",
        b"import boto3\n\neks = boto3.client(\"eks\")\neks.delete_cluster(name=\"legacy\")\nprint(\"done\")\n",
    );
    repo.write("src/orders/admin.py", b"def main():\n    pass\n");
    let base = repo.commit(0.0, "Scripts");
    let cases: [FileCase<'_>; 6] = [
        (
            "an agent's cleanup deletes the production database",
            "scripts/janitor.py",
            "import boto3\n\nrds = boto3.client(\"rds\")\n\n\ndef stale_snapshots():\n    return []\n\n\nfor s in stale_snapshots():\n    rds.delete_db_snapshot(DBSnapshotIdentifier=s)\nrds.delete_db_instance(\n    DBInstanceIdentifier=\"orders-prod\",\n    SkipFinalSnapshot=True,\n)\n",
            &[("scripts/janitor.py", &["aws rds delete-db-instance"])],
        ),
        (
            "a TypeScript script deletes a table through the SDK",
            "scripts/reset.ts",
            "import { DynamoDBClient, DeleteTableCommand } from \"@aws-sdk/client-dynamodb\";\n\nconst client = new DynamoDBClient({});\nawait client.send(\n  new DeleteTableCommand({\n    TableName: \"orders\",\n  }),\n);\n",
            &[("scripts/reset.ts", &["aws dynamodb delete-table"])],
        ),
        (
            "a Kubernetes client deletes a namespace",
            "scripts/k8s_reset.py",
            "from kubernetes import client, config\n\nconfig.load_kube_config()\nclient.CoreV1Api().delete_namespace(name=\"orders\")\n",
            &[("scripts/k8s_reset.py", &["Namespace"])],
        ),
        // A call the file already made, with an edit elsewhere in it, and
        // routine deletes, count nothing.
        (
            "an unchanged call in an edited file",
            "scripts/old_cluster.py",
            "import boto3\n\neks = boto3.client(\"eks\")\neks.delete_cluster(name=\"legacy\")\nprint(\"legacy cluster deleted\")\n",
            &[],
        ),
        (
            "snapshots and objects are routine",
            "scripts/janitor.py",
            "import boto3\n\nrds = boto3.client(\"rds\")\ns3 = boto3.client(\"s3\")\n\n\ndef stale_snapshots():\n    return []\n\n\nfor s in stale_snapshots():\n    rds.delete_db_snapshot(DBSnapshotIdentifier=s)\n    s3.delete_object(Bucket=\"exports\", Key=s)\n",
            &[],
        ),
        (
            "application code is not a script",
            "src/orders/admin.py",
            "import boto3\n\n\ndef main():\n    boto3.client(\"rds\").delete_db_instance(DBInstanceIdentifier=\"orders\")\n",
            &[],
        ),
    ];
    assert_file_cases(&repo, &base, &cases);
}

/// Scripts of other languages (Python, Go, JavaScript, Ruby, a file
/// without an extension in `bin/`, Windows batch files) count as the
/// commands they run: an agent that moves `terraform destroy` out of a
/// shell script into a Python one is read the same, and a task it runs by
/// name is read from the task's file.
#[test]
fn programs_of_other_languages_count_as_what_they_run() {
    let repo = Repo::new("programs");
    repo.write("infra/Makefile", b"deploy:\n\tterraform apply -auto-approve\nrecreate: destroy deploy\ndestroy:\n\tterraform destroy -auto-approve\n");
    repo.write(
        "scripts/deploy.py",
        b"import subprocess\n\nsubprocess.run([\"make\", \"deploy\"], cwd=\"infra\", check=True)\n",
    );
    repo.write("src/orders/admin.py", b"def main():\n    pass\n");
    repo.write(
        "scripts/tf.py",
        b"import subprocess\n\nsubprocess.run(\n    [\n        \"terraform\",\n        \"plan\",\n    ],\n    cwd=\"infra\",\n    check=True,\n)\n",
    );
    repo.write(
        "scripts/db.py",
        b"import subprocess\n\nACTION = \"createdb\"\nsubprocess.run([ACTION, \"orders\"], check=True)\n",
    );
    let base = repo.commit(0.0, "Scripts");
    let cases: [FileCase<'_>; 10] = [
        // Read whole at both ends: a word edited inside a call written
        // over lines, a literal a call reads from a line the change did
        // not touch (a red team), a docstring's example.
        (
            "one word of a formatted call edited",
            "scripts/tf.py",
            "import subprocess\n\nsubprocess.run(\n    [\n        \"terraform\",\n        \"destroy\",\n    ],\n    cwd=\"infra\",\n    check=True,\n)\n",
            &[("scripts/tf.py", &["terraform destroy"])],
        ),
        (
            "the literal a call reads",
            "scripts/db.py",
            "import subprocess\n\nACTION = \"dropdb\"\nsubprocess.run([ACTION, \"orders\"], check=True)\n",
            &[("scripts/db.py", &["database"])],
        ),
        (
            "a docstring's example",
            "scripts/db.py",
            "import subprocess\n\nACTION = \"createdb\"\n\n\ndef main():\n    \"\"\"Creates the database. To start over:\n\n        subprocess.run([\"dropdb\", \"orders\"])\n    \"\"\"\n    subprocess.run([ACTION, \"orders\"], check=True)\n",
            &[],
        ),
        (
            "a Python script runs terraform destroy",
            "scripts/cleanup.py",
            "import subprocess\nsubprocess.run([\"terraform\", \"destroy\", \"-auto-approve\"], check=True)\n",
            &[("scripts/cleanup.py", &["terraform destroy"])],
        ),
        (
            "the deploy script runs make recreate in infra, over lines",
            "scripts/deploy.py",
            "import subprocess\n\nsubprocess.run(\n    [\"make\", \"recreate\"],\n    cwd=\"infra\",\n    check=True,\n)\n",
            &[("scripts/deploy.py", &["terraform destroy"])],
        ),
        (
            "a Go tool deletes a namespace",
            "tools/nuke/main.go",
            "package main\n\nimport \"os/exec\"\n\nfunc main() {\n\t_ = exec.Command(\"kubectl\", \"delete\", \"namespace\", \"orders\").Run()\n}\n",
            &[("tools/nuke/main.go", &["Namespace"])],
        ),
        (
            "a script without an extension uninstalls a release",
            "bin/teardown",
            "#!/bin/sh\nset -e\nhelm uninstall orders-postgresql\n",
            &[("bin/teardown", &["helm uninstall orders-postgresql"])],
        ),
        (
            "a Windows batch file",
            "scripts/wipe.cmd",
            "@echo off\nterraform destroy -auto-approve\n",
            &[("scripts/wipe.cmd", &["terraform destroy"])],
        ),
        (
            "a preview's namespace, from a Python f-string",
            "scripts/preview.py",
            "import os\nos.system(f\"kubectl delete namespace pr-{number}\")\n",
            &[],
        ),
        (
            "application code is not a script",
            "src/orders/admin.py",
            "import os\n\ndef main():\n    os.system(\"terraform destroy -auto-approve\")\n",
            &[],
        ),
    ];
    assert_file_cases(&repo, &base, &cases);
}

/// Red team 11: a Terraform `module` block taken out read as the type
/// `module`, mere infrastructure (`peer` on a leaf), whatever its source
/// made. A registry module is its source's words; a local one is what its
/// folder declared before the change, and the local modules it calls.
#[test]
fn a_module_block_taken_out_destroys_what_its_source_made() {
    let repo = Repo::new("modules");
    let sg = "resource \"aws_security_group\" \"web\" {\n  name = \"web\"\n}\n";
    let local = "module \"orders\" {\n  source = \"./modules/orders\"\n}\n";
    let registry = "module \"ledger\" {\n  source  = \"terraform-aws-modules/rds/aws\"\n  version = \"6.1.0\"\n}\n";
    let pinned = "module \"net\" {\n  source = \"git::https://example.com/net.git?ref=v1.0.0\"\n}\n";
    repo.write("orders/tf/main.tf", format!("{sg}{local}{registry}{pinned}").as_bytes());
    repo.write(
        "orders/tf/modules/orders/main.tf",
        b"resource \"aws_ecs_service\" \"orders\" {\n}\nmodule \"store\" {\n  source = \"../store\"\n}\n",
    );
    repo.write("orders/tf/modules/store/main.tf", b"resource \"aws_db_instance\" \"orders\" {\n}\n");
    let base = repo.commit(0.0, "Deploy orders");

    // The local module's block taken out: its folder stays, unused.
    repo.write("orders/tf/main.tf", format!("{sg}{registry}{pinned}").as_bytes());
    let dropped = repo.commit(1.0, "Retire the orders module");
    let (change, fired) = read_and_assess_on_a_leaf(&repo, &base, &dropped);
    let main = change.files.iter().find(|f| f.path == "orders/tf/main.tf").unwrap();
    assert_eq!(
        main.removes,
        ["aws_db_instance", "aws_ecs_service", "module ../store", "module ./modules/orders"],
        "{main:?}"
    );
    assert!(fired.iter().any(|r| r == "destructive-datastore-or-queue"), "{fired:?}");

    // The registry database module's block taken out.
    repo.git(&["checkout", "-q", &base]);
    repo.write("orders/tf/main.tf", format!("{sg}{local}{pinned}").as_bytes());
    let registry_dropped = repo.commit(2.0, "Retire the ledger database");
    let (change, fired) = read_and_assess_on_a_leaf(&repo, &base, &registry_dropped);
    assert_eq!(change.files[0].removes, ["module terraform-aws-modules/rds/aws"]);
    assert!(fired.iter().any(|r| r == "destructive-datastore-or-queue"), "{fired:?}");

    // A version bump, a new pinned ref, and a module renamed with a
    // `moved` block take nothing out.
    repo.git(&["checkout", "-q", &base]);
    let renamed = local.replace("\"orders\"", "\"orders_v2\"");
    let moved = "moved {\n  from = module.orders\n  to   = module.orders_v2\n}\n";
    repo.write(
        "orders/tf/main.tf",
        format!("{sg}{renamed}{moved}{}{}", registry.replace("6.1.0", "6.2.0"), pinned.replace("v1.0.0", "v1.1.0"))
            .as_bytes(),
    );
    let bumped = repo.commit(3.0, "Bump the modules");
    let (change, fired) = read_and_assess_on_a_leaf(&repo, &base, &bumped);
    assert!(change.files[0].removes.is_empty(), "{:?}", change.files[0]);
    assert!(!fired.iter().any(|r| r == "destructive-datastore-or-queue"), "{fired:?}");

    // The same rename without the `moved` block: Terraform destroys
    // everything the module made at its old address and makes it anew,
    // empty (red team 12's leftover: it counted nothing).
    repo.git(&["checkout", "-q", &base]);
    repo.write("orders/tf/main.tf", format!("{sg}{renamed}{registry}{pinned}").as_bytes());
    let relabelled = repo.commit(3.5, "Rename the orders module");
    let (change, fired) = read_and_assess_on_a_leaf(&repo, &base, &relabelled);
    let main = change.files.iter().find(|f| f.path == "orders/tf/main.tf").unwrap();
    assert_eq!(
        main.removes,
        ["aws_db_instance", "aws_ecs_service", "module ../store", "module ./modules/orders"],
        "{main:?}"
    );
    assert!(fired.iter().any(|r| r == "destructive-datastore-or-queue"), "{fired:?}");

    // The whole root deleted: what its modules made goes with it.
    repo.git(&["checkout", "-q", &base]);
    repo.git(&["rm", "-q", "orders/tf/main.tf"]);
    let deleted = repo.commit(4.0, "Delete the root module");
    let (change, fired) = read_and_assess_on_a_leaf(&repo, &base, &deleted);
    let main = change.files.iter().find(|f| f.path == "orders/tf/main.tf").unwrap();
    assert!(main.declares.iter().any(|t| t == "aws_db_instance"), "{main:?}");
    assert!(fired.iter().any(|r| r == "destructive-datastore-or-queue"), "{fired:?}");
}

/// A local module inlined: its `module` block taken out and its resources
/// moved to the calling module with `moved` blocks. Terraform destroys
/// nothing; the module's folder read as destroyed whole (`block` on a
/// critical service). Resources left in the module, a block moving one
/// instance of several, or one into nothing, still count.
#[test]
fn a_module_inlined_with_moved_blocks_destroys_nothing() {
    let repo = Repo::new("inlined");
    let sg = "resource \"aws_security_group\" \"web\" {\n  name = \"web\"\n}\n";
    let db = "resource \"aws_db_instance\" \"main\" {\n  engine = \"postgres\"\n}\n";
    let replica = "resource \"aws_db_instance\" \"replica\" {\n  engine = \"postgres\"\n}\n";
    let call = "module \"db\" {\n  source = \"./modules/db\"\n}\n";
    let moved = "moved {\n  from = module.db.aws_db_instance.main\n  to   = aws_db_instance.main\n}\n";
    repo.write("orders/tf/main.tf", format!("{sg}{call}").as_bytes());
    repo.write("orders/tf/modules/db/main.tf", db.as_bytes());
    let base = repo.commit(0.0, "Deploy orders");

    // Inlined, the module's folder left in place (unused); the `moved`
    // block in a file of its own.
    repo.write("orders/tf/main.tf", format!("{sg}{db}").as_bytes());
    repo.write("orders/tf/moves.tf", moved.as_bytes());
    let inlined = repo.commit(1.0, "Inline the database module");
    let (change, fired) = read_and_assess_on_a_leaf(&repo, &base, &inlined);
    for f in &change.files {
        assert!(f.declares.is_empty() && f.removes.is_empty(), "{f:?}");
    }
    assert!(!fired.iter().any(|r| r.starts_with("destructive")), "{fired:?}");

    // The module's folder deleted too: the git reader read its file whole,
    // all it declared moved (`declares_read`), so its path stands for
    // nothing destroyed where the process that read it assesses; the same
    // changeset from a file counts the path (the claim is not counted).
    repo.git(&["rm", "-q", "-r", "orders/tf/modules"]);
    let cleaned = repo.commit(1.5, "Delete the inlined module's folder");
    let (change, fired, codes) = read_and_assess_from_git(&repo, &base, &cleaned);
    let module = change.files.iter().find(|f| f.path == "orders/tf/modules/db/main.tf").unwrap();
    assert!(module.declares_read && module.declares.is_empty(), "{module:?}");
    assert!(!fired.iter().any(|r| r.starts_with("destructive")), "{fired:?}");
    assert!(!codes.iter().any(|c| c == "declares-read-not-counted"), "{codes:?}");
    let (_, fired) = read_and_assess_on_a_leaf(&repo, &base, &cleaned);
    assert!(fired.iter().any(|r| r == "destructive-infrastructure"), "{fired:?}");

    // Without the `moved` block the database is destroyed and made anew.
    repo.git(&["checkout", "-q", &base]);
    repo.write("orders/tf/main.tf", format!("{sg}{db}").as_bytes());
    let recreated = repo.commit(2.0, "Inline the database module, no moved block");
    let (change, fired) = read_and_assess_on_a_leaf(&repo, &base, &recreated);
    assert_eq!(change.files[0].removes, ["aws_db_instance", "module ./modules/db"], "{:?}", change.files[0]);
    assert!(fired.iter().any(|r| r == "destructive-datastore-or-queue"), "{fired:?}");

    // A block moving into an address the caller does not declare, or one
    // instance of the module, moves nothing Terraform keeps.
    let gated = db.replace("{\n", "{\n  count  = var.off ? 0 : 1\n");
    for (what, block, target) in [
        ("into nothing", moved.replace("to   = aws_db_instance.main", "to   = aws_db_instance.other"), db),
        ("one instance", moved.replace("module.db.", "module.db[\"a\"]."), db),
        ("into a block gated by a variable", moved.to_owned(), gated.as_str()),
    ] {
        repo.git(&["checkout", "-q", &base]);
        repo.write("orders/tf/main.tf", format!("{sg}{target}{block}").as_bytes());
        let commit = repo.commit(3.0, what);
        let (change, fired) = read_and_assess_on_a_leaf(&repo, &base, &commit);
        assert!(change.files[0].removes.iter().any(|t| t == "aws_db_instance"), "{what}: {:?}", change.files[0]);
        assert!(fired.iter().any(|r| r == "destructive-datastore-or-queue"), "{what}: {fired:?}");
    }

    // A second database left in the module goes with its call.
    repo.git(&["checkout", "-q", &base]);
    repo.write("orders/tf/modules/db/main.tf", format!("{db}{replica}").as_bytes());
    let two = repo.commit(4.0, "Add a replica");
    repo.write("orders/tf/main.tf", format!("{sg}{db}{moved}").as_bytes());
    let half = repo.commit(5.0, "Inline the primary only");
    let (change, fired) = read_and_assess_on_a_leaf(&repo, &two, &half);
    let main = change.files.iter().find(|f| f.path == "orders/tf/main.tf").unwrap();
    assert_eq!(main.removes, ["aws_db_instance", "module ./modules/db"], "{main:?}");
    assert!(fired.iter().any(|r| r == "destructive-datastore-or-queue"), "{fired:?}");
    // ... and with the module's folder deleted, the deleted file does not
    // keep all it declared: its path counts, and the call's removal the
    // replica.
    repo.git(&["rm", "-q", "-r", "orders/tf/modules"]);
    let half_deleted = repo.commit(6.0, "Inline the primary only, delete the module");
    let (change, fired, _) = read_and_assess_from_git(&repo, &two, &half_deleted);
    let module = change.files.iter().find(|f| f.path == "orders/tf/modules/db/main.tf").unwrap();
    assert!(!module.declares_read, "{module:?}");
    let main = change.files.iter().find(|f| f.path == "orders/tf/main.tf").unwrap();
    assert_eq!(main.removes, ["aws_db_instance", "module ./modules/db"], "{main:?}");
    assert!(fired.iter().any(|r| r == "destructive-datastore-or-queue"), "{fired:?}");
}

/// Red team 29's F12: a local module's folder renamed, its call's `source`
/// updated, read as everything the module held destroyed (`block`), though
/// its resources keep their addresses (`module.db....`). The folder
/// renamed whole with the same blocks destroys nothing; a file left behind
/// or changed on the way, a block gated off on the way, or a folder no
/// changed call names (a root module, whose state follows its backend)
/// still count.
#[test]
fn a_module_folder_renamed_with_its_call_destroys_nothing() {
    let repo = Repo::new("module-renamed");
    let sg = "resource \"aws_security_group\" \"web\" {\n  name = \"web\"\n}\n";
    let db = "resource \"aws_db_instance\" \"main\" {\n  engine = \"postgres\"\n}\n";
    let replica = "resource \"aws_db_instance\" \"replica\" {\n  engine = \"postgres\"\n}\n";
    let call = |source: &str| format!("module \"db\" {{\n  source = \"{source}\"\n}}\n");
    repo.write("orders/tf/main.tf", format!("{sg}{}", call("./modules/db")).as_bytes());
    repo.write("orders/tf/modules/db/main.tf", format!("{db}{replica}").as_bytes());
    repo.write("orders/tf/modules/db/variables.tf", b"variable \"size\" {\n  default = 1\n}\n");
    let base = repo.commit(0.0, "Deploy orders");

    let rename = |edit: &dyn Fn()| {
        repo.git(&["checkout", "-q", &base]);
        repo.git(&["mv", "orders/tf/modules/db", "orders/tf/modules/database"]);
        repo.write("orders/tf/main.tf", format!("{sg}{}", call("./modules/database")).as_bytes());
        edit();
        repo.commit(1.0, "Rename the database module's folder")
    };
    let renamed = rename(&|| {});
    let (change, fired, _) = read_and_assess_from_git(&repo, &base, &renamed);
    for f in &change.files {
        assert!(f.declares.is_empty() && f.removes.is_empty(), "{f:?}");
        assert!(f.status != blastgate::change::FileStatus::Renamed || f.declares_read, "{f:?}");
    }
    assert!(!fired.iter().any(|r| r.starts_with("destructive")), "{fired:?}");

    let cases: [(&str, &dyn Fn()); 4] = [
        ("a database dropped on the way", &|| repo.write("orders/tf/modules/database/main.tf", db.as_bytes())),
        ("a database gated off on the way", &|| {
            repo.write(
                "orders/tf/modules/database/main.tf",
                format!("{}{replica}", db.replace("{\n", "{\n  count = var.off ? 0 : 1\n")).as_bytes(),
            );
        }),
        ("a file left behind", &|| {
            repo.git(&["rm", "-q", "-f", "orders/tf/modules/database/variables.tf"]);
            repo.write("orders/tf/modules/db/variables.tf", b"variable \"size\" {\n  default = 1\n}\n");
        }),
        ("the call not updated", &|| {
            repo.write("orders/tf/main.tf", format!("{sg}{}", call("./modules/db")).as_bytes())
        }),
    ];
    for (what, edit) in cases {
        let commit = rename(edit);
        let (change, fired, _) = read_and_assess_from_git(&repo, &base, &commit);
        assert!(change.files.iter().all(|f| !f.declares_read), "{what}: {:?}", change.files);
        assert!(fired.iter().any(|r| r.starts_with("destructive")), "{what}: {fired:?}");
    }

    // A root module's folder renamed: no call names it, its path counts.
    repo.git(&["checkout", "-q", &base]);
    repo.git(&["mv", "orders/tf", "orders/terraform"]);
    let root = repo.commit(2.0, "Rename the root module's folder");
    let (change, fired, _) = read_and_assess_from_git(&repo, &base, &root);
    assert!(change.files.iter().all(|f| !f.declares_read), "{:?}", change.files);
    assert!(fired.iter().any(|r| r == "destructive-infrastructure"), "{fired:?}");
}

/// Red team 35's O16 and red team 29's refactors: a deleted Terraform file
/// counted as a destruction by its path, whatever it declared (a file of
/// outputs or variables; a file whose blocks moved to another file of its
/// module). The git reader reads it whole and states `declares_read` when
/// every resource and module call it declared is declared still after the
/// change, at its address or renamed by a `moved` block; a block renamed
/// without one is destroyed, and counts by its type.
#[test]
fn a_deleted_terraform_file_whose_blocks_stay_destroys_nothing() {
    let repo = Repo::new("deleted-kept");
    let sg = "resource \"aws_security_group\" \"web\" {\n  name = \"web\"\n}\n";
    let db = "resource \"aws_db_instance\" \"main\" {\n  engine = \"postgres\"\n}\n";
    let outputs = "output \"address\" {\n  value = aws_db_instance.main.address\n}\n";
    repo.write("orders/tf/main.tf", sg.as_bytes());
    repo.write("orders/tf/db.tf", db.as_bytes());
    repo.write("orders/tf/outputs.tf", outputs.as_bytes());
    let base = repo.commit(0.0, "Deploy orders");
    let kept = |commit: &str| {
        let (change, fired, _) = read_and_assess_from_git(&repo, &base, commit);
        assert!(change.files.iter().all(|f| f.declares.is_empty() && f.removes.is_empty()), "{:?}", change.files);
        assert!(!fired.iter().any(|r| r.starts_with("destructive")), "{fired:?}");
        change
    };

    repo.git(&["rm", "-q", "orders/tf/outputs.tf"]);
    let outputs_gone = repo.commit(1.0, "Drop the outputs");
    let change = kept(&outputs_gone);
    assert!(change.files[0].declares_read, "{:?}", change.files[0]);
    // The input digest says whether the reader's word counted, when there
    // is one: a changeset without it hashes alike either way.
    let digest = |change: &blastgate::change::Changeset, read: bool| {
        let (engine, context) = leaf_engine();
        let options = blastgate::assess::AssessOptions::default().files_read(read);
        engine.assess_with(change, &context, &options).input_digest
    };
    assert_ne!(digest(&change, true), digest(&change, false));
    let mut unread = change.clone();
    unread.files[0].declares_read = false;
    assert_eq!(digest(&unread, true), digest(&unread, false));

    repo.git(&["checkout", "-q", &base]);
    repo.write("orders/tf/main.tf", format!("{sg}{db}").as_bytes());
    repo.git(&["rm", "-q", "orders/tf/db.tf"]);
    let merged = repo.commit(2.0, "Merge db.tf into main.tf");
    kept(&merged);

    repo.git(&["checkout", "-q", &base]);
    let renamed = db.replace("\"main\"", "\"primary\"");
    let moved = "moved {\n  from = aws_db_instance.main\n  to   = aws_db_instance.primary\n}\n";
    repo.write("orders/tf/main.tf", format!("{sg}{renamed}{moved}").as_bytes());
    repo.git(&["rm", "-q", "orders/tf/db.tf"]);
    let with_moved = repo.commit(3.0, "Merge and rename, with a moved block");
    kept(&with_moved);

    repo.git(&["checkout", "-q", &base]);
    repo.write("orders/tf/main.tf", format!("{sg}{renamed}").as_bytes());
    repo.git(&["rm", "-q", "orders/tf/db.tf"]);
    let without = repo.commit(4.0, "Merge and rename, no moved block");
    let (change, fired, _) = read_and_assess_from_git(&repo, &base, &without);
    let file = change.files.iter().find(|f| f.path == "orders/tf/db.tf").unwrap();
    assert!(!file.declares_read && file.declares == ["aws_db_instance"], "{file:?}");
    assert!(fired.iter().any(|r| r == "destructive-datastore-or-queue"), "{fired:?}");

    // Merged and gated off at once, by a variable or a local the reader
    // does not follow: the block's instances changed, so it is not kept.
    for (what, gate) in
        [("by a variable", "variable \"off\" {\n  default = true\n}\n"), ("by a local", "locals {\n  off = true\n}\n")]
    {
        repo.git(&["checkout", "-q", &base]);
        let reads = if what == "by a local" { "local.off" } else { "var.off" };
        let gated = db.replace("{\n", &format!("{{\n  count  = {reads} ? 0 : 1\n"));
        repo.write("orders/tf/main.tf", format!("{sg}{gate}{gated}").as_bytes());
        repo.git(&["rm", "-q", "orders/tf/db.tf"]);
        let commit = repo.commit(4.5, what);
        let (change, fired, _) = read_and_assess_from_git(&repo, &base, &commit);
        let file = change.files.iter().find(|f| f.path == "orders/tf/db.tf").unwrap();
        assert!(!file.declares_read, "{what}: {file:?}");
        assert!(fired.iter().any(|r| r == "destructive-datastore-or-queue"), "{what}: {fired:?}");
    }

    // Deleted outright, or emptied: destroyed, read or not.
    for (what, emptied) in [("deleted", false), ("emptied", true)] {
        repo.git(&["checkout", "-q", &base]);
        if emptied {
            repo.write("orders/tf/db.tf", b"# retired\n");
        } else {
            repo.git(&["rm", "-q", "orders/tf/db.tf"]);
        }
        let commit = repo.commit(5.0, what);
        let (change, fired, _) = read_and_assess_from_git(&repo, &base, &commit);
        assert!(!change.files[0].declares_read, "{what}: {:?}", change.files[0]);
        assert!(fired.iter().any(|r| r == "destructive-datastore-or-queue"), "{what}: {fired:?}");
    }
}

/// A local database module switched off by a variables file in a folder
/// below its root destroys what the module's folder makes.
#[test]
fn a_module_switched_off_destroys_what_its_folder_made() {
    let repo = Repo::new("module-switch");
    repo.write(
        "orders/tf/main.tf",
        b"variable \"ledger\" {\n  default = true\n}\nmodule \"ledger\" {\n  count  = var.ledger ? 1 : 0\n  source = \"./modules/ledger\"\n}\n",
    );
    repo.write("orders/tf/modules/ledger/main.tf", b"resource \"aws_dynamodb_table\" \"ledger\" {\n}\n");
    repo.write("orders/tf/envs/prod.tfvars", b"ledger = true\n");
    let base = repo.commit(0.0, "Deploy orders");
    repo.write("orders/tf/envs/prod.tfvars", b"ledger = false\n");
    let off = repo.commit(1.0, "Switch the ledger off in prod");
    let (change, fired) = read_and_assess_on_a_leaf(&repo, &base, &off);
    assert_eq!(change.files[0].removes, ["aws_dynamodb_table", "module ../modules/ledger"], "{:?}", change.files[0]);
    assert!(fired.iter().any(|r| r == "destructive-datastore-or-queue"), "{fired:?}");
}

/// A `count` gate added to a database's block in place, that the module's
/// values turn off (`count = var.off ? 0 : 1` with `off` defaulting to
/// true; `var.create ? 1 : 0` with `create = false` in an auto-loaded
/// `terraform.tfvars`), destroys it: it read as an edit (found while
/// checking that a block moved and gated at once is not kept). A gate the
/// values keep on, or a variable no default gives (each environment's to
/// set), destroys nothing.
#[test]
fn a_gate_added_that_the_values_turn_off_destroys_the_block() {
    let repo = Repo::new("gated");
    let db = "resource \"aws_db_instance\" \"main\" {\n  engine = \"postgres\"\n}\n";
    let gated = |count: &str| db.replace("{\n", &format!("{{\n  count  = {count}\n"));
    let variable = |name: &str, default: Option<&str>| match default {
        Some(d) => format!("variable \"{name}\" {{\n  default = {d}\n}}\n"),
        None => format!("variable \"{name}\" {{\n  type = bool\n}}\n"),
    };
    repo.write("orders/tf/main.tf", db.as_bytes());
    let base = repo.commit(0.0, "Deploy orders");
    let cases = [
        ("off by default", variable("off", Some("true")), gated("var.off ? 0 : 1"), None, true),
        ("optional, on by default", variable("create", Some("true")), gated("var.create ? 1 : 0"), None, false),
        ("optional, off by default", variable("create", Some("false")), gated("var.create ? 1 : 0"), None, true),
        ("each environment's", variable("create", None), gated("var.create ? 1 : 0"), None, false),
        (
            "off in terraform.tfvars",
            variable("create", Some("true")),
            gated("var.create ? 1 : 0"),
            Some("create = false\n"),
            true,
        ),
    ];
    for (what, declared, block, tfvars, destroyed) in cases {
        repo.git(&["checkout", "-q", &base]);
        repo.write("orders/tf/variables.tf", declared.as_bytes());
        let prepared = repo.commit(0.5, "Declare the variable");
        if let Some(values) = tfvars {
            repo.write("orders/tf/terraform.tfvars", values.as_bytes());
        }
        repo.write("orders/tf/main.tf", block.as_bytes());
        let commit = repo.commit(1.0, what);
        let (change, fired) = read_and_assess_on_a_leaf(&repo, &prepared, &commit);
        let main = change.files.iter().find(|f| f.path == "orders/tf/main.tf").unwrap();
        assert_eq!(main.removes.iter().any(|t| t == "aws_db_instance"), destroyed, "{what}: {main:?}");
        assert_eq!(fired.iter().any(|r| r == "destructive-datastore-or-queue"), destroyed, "{what}: {fired:?}");
    }
}

/// Instances taken out of a resource whose block stays (`count = 3` to
/// `2`, a key taken out of a `for_each` map written over several lines)
/// are destroyed, as Terraform's plan says (`aws_db_instance.main[2]`
/// deleted): they read as an edit. More instances, a map's values edited,
/// a `dynamic` block's `for_each`, Terraform's own move from no key to
/// `[0]`, and instances a `moved` block moves away destroy nothing.
#[test]
fn instances_taken_out_of_a_resource_destroy_them() {
    let repo = Repo::new("instances");
    let db =
        |arguments: &str| format!("resource \"aws_db_instance\" \"main\" {{\n{arguments}  engine = \"postgres\"\n}}\n");
    let map = |entries: &[(&str, &str)]| {
        let lines: String = entries.iter().map(|(k, v)| format!("    {k} = {{ size = {v} }}\n")).collect();
        format!("  for_each = {{\n{lines}  }}\n")
    };
    let moved = |from: &str, to: &str| format!("moved {{\n  from = {from}\n  to   = {to}\n}}\n");
    let cases: [(&str, String, String, bool); 9] = [
        ("count 3 to 2", db("  count = 3\n"), db("  count = 2\n"), true),
        ("count 2 to 3", db("  count = 2\n"), db("  count = 3\n"), false),
        ("a key out of a map", db(&map(&[("a", "1"), ("b", "2")])), db(&map(&[("a", "1")])), true),
        ("a map's value edited", db(&map(&[("a", "1"), ("b", "2")])), db(&map(&[("a", "1"), ("b", "3")])), false),
        (
            "a key renamed by a moved block",
            db(&map(&[("a", "1"), ("b", "2")])),
            db(&map(&[("a", "1"), ("c", "2")])) + &moved("aws_db_instance.main[\"b\"]", "aws_db_instance.main[\"c\"]"),
            false,
        ),
        ("a key renamed", db(&map(&[("a", "1"), ("b", "2")])), db(&map(&[("a", "1"), ("c", "2")])), true),
        ("count 1 taken out", db("  count = 1\n"), db(""), false),
        ("count 2 taken out", db("  count = 2\n"), db(""), true),
        (
            "a dynamic block's for_each",
            db("  dynamic \"tag\" {\n    for_each = toset([\"a\", \"b\"])\n    content {}\n  }\n"),
            db("  dynamic \"tag\" {\n    for_each = toset([\"a\"])\n    content {}\n  }\n"),
            false,
        ),
    ];
    for (what, before, after, destroyed) in cases {
        repo.write("orders/tf/main.tf", before.as_bytes());
        let base = repo.commit(0.0, "Before");
        repo.write("orders/tf/main.tf", after.as_bytes());
        let head = repo.commit(1.0, what);
        let (change, fired) = read_and_assess_on_a_leaf(&repo, &base, &head);
        let main = change.files.iter().find(|f| f.path == "orders/tf/main.tf").unwrap();
        assert_eq!(main.removes.iter().any(|t| t == "aws_db_instance"), destroyed, "{what}: {main:?}");
        assert_eq!(fired.iter().any(|r| r == "destructive-datastore-or-queue"), destroyed, "{what}: {fired:?}");
    }
    // A module call's instances: what its folder holds.
    let call = |arguments: &str| format!("module \"db\" {{\n  source = \"./modules/db\"\n{arguments}}}\n");
    repo.write("orders/tf/modules/db/main.tf", db("").as_bytes());
    for (what, before, after, destroyed) in [
        ("a module's count 2 to 1", "  count = 2\n", "  count = 1\n", true),
        ("a module's count 1 to 2", "  count = 1\n", "  count = 2\n", false),
        ("a module's key out", "  for_each = toset([\"a\", \"b\"])\n", "  for_each = toset([\"b\"])\n", true),
    ] {
        repo.write("orders/tf/main.tf", call(before).as_bytes());
        let base = repo.commit(2.0, "Before");
        repo.write("orders/tf/main.tf", call(after).as_bytes());
        let head = repo.commit(3.0, what);
        let (change, fired) = read_and_assess_on_a_leaf(&repo, &base, &head);
        let main = change.files.iter().find(|f| f.path == "orders/tf/main.tf").unwrap();
        assert_eq!(main.removes.iter().any(|t| t == "aws_db_instance"), destroyed, "{what}: {main:?}");
        assert_eq!(fired.iter().any(|r| r == "destructive-datastore-or-queue"), destroyed, "{what}: {fired:?}");
    }
}

/// Instances taken out through a value (a key out of the map a
/// `for_each = var.databases` reads, in an environment's variables file
/// over several lines or a variable's default; `replicas` lowered, or its
/// line taken out so that the default applies; a local's map) are
/// destroyed; a key added, or an entry out of a map no `count` or
/// `for_each` reads, is not. An entry of a map written over several lines
/// is no variable of its own: `a = 0` inside `tags = {` turns nothing off
/// (it did).
#[test]
fn instances_taken_out_through_a_value_destroy_them() {
    let repo = Repo::new("instance-values");
    let db =
        |arguments: &str| format!("resource \"aws_db_instance\" \"main\" {{\n{arguments}  engine = \"postgres\"\n}}\n");
    let tfvars = "orders/tf/envs/prod.tfvars";
    let variables = "orders/tf/variables.tf";
    type Files<'a> = Vec<(&'a str, String)>;
    let cases: Vec<(&str, Files<'_>, Files<'_>, bool)> = vec![
        (
            "a key out of an environment's map",
            vec![(variables, "variable \"dbs\" {}\n".into()), (tfvars, "dbs = {\n  a = {}\n  b = {}\n}\n".into())],
            vec![(tfvars, "dbs = {\n  a = {}\n}\n".into())],
            true,
        ),
        (
            "a key added to an environment's map",
            vec![(variables, "variable \"dbs\" {}\n".into()), (tfvars, "dbs = {\n  a = {}\n}\n".into())],
            vec![(tfvars, "dbs = {\n  a = {}\n  b = {}\n}\n".into())],
            false,
        ),
        (
            "a key out of a default",
            vec![(variables, "variable \"dbs\" {\n  default = {\n    a = {}\n    b = {}\n  }\n}\n".into())],
            vec![(variables, "variable \"dbs\" {\n  default = {\n    a = {}\n  }\n}\n".into())],
            true,
        ),
        (
            "replicas lowered",
            vec![
                (variables, "variable \"dbs\" {}\nvariable \"replicas\" {\n  default = 1\n}\n".into()),
                (tfvars, "replicas = 3\ndbs = {}\n".into()),
            ],
            vec![(tfvars, "replicas = 2\ndbs = {}\n".into())],
            true,
        ),
        (
            "replicas back to the default, the file emptied",
            vec![
                (variables, "variable \"dbs\" {}\nvariable \"replicas\" {\n  default = 1\n}\n".into()),
                (tfvars, "replicas = 3\n".into()),
            ],
            vec![(tfvars, "# the default\n".into())],
            true,
        ),
        (
            "an entry out of tags",
            vec![
                (variables, "variable \"dbs\" {}\nvariable \"replicas\" {}\n".into()),
                (tfvars, "replicas = 1\ntags = {\na = 1\n}\n".into()),
            ],
            vec![(tfvars, "replicas = 1\ntags = {\na = 0\n}\n".into())],
            false,
        ),
    ];
    for (what, before, after, destroyed) in cases {
        repo.git(&["rm", "-rq", "--ignore-unmatch", "orders"]);
        repo.write("orders/tf/main.tf", db("  for_each = var.dbs\n").as_bytes());
        repo.write("orders/tf/replicas.tf", b"resource \"aws_db_instance\" \"replica\" {\n  count = var.replicas\n}\n");
        for (path, text) in &before {
            repo.write(path, text.as_bytes());
        }
        let base = repo.commit(0.0, "Before");
        for (path, text) in &after {
            repo.write(path, text.as_bytes());
        }
        let head = repo.commit(1.0, what);
        let (change, fired) = read_and_assess_on_a_leaf(&repo, &base, &head);
        let removed = change.files.iter().any(|f| f.removes.iter().any(|t| t == "aws_db_instance"));
        assert_eq!(removed, destroyed, "{what}: {:?}", change.files);
        assert_eq!(fired.iter().any(|r| r == "destructive-datastore-or-queue"), destroyed, "{what}: {fired:?}");
    }
    // A local's map, a key taken out.
    repo.git(&["rm", "-rq", "--ignore-unmatch", "orders"]);
    repo.write("orders/tf/main.tf", db("  for_each = local.dbs\n").as_bytes());
    repo.write("orders/tf/locals.tf", b"locals {\n  dbs = {\n    a = {}\n    b = {}\n  }\n}\n");
    let base = repo.commit(2.0, "Before");
    repo.write("orders/tf/locals.tf", b"locals {\n  dbs = {\n    a = {}\n  }\n}\n");
    let head = repo.commit(3.0, "One database fewer");
    let (change, fired) = read_and_assess_on_a_leaf(&repo, &base, &head);
    assert_eq!(removes_of(&change), [("orders/tf/locals.tf".to_owned(), vec!["aws_db_instance".to_owned()])]);
    assert!(fired.iter().any(|r| r == "destructive-datastore-or-queue"), "{fired:?}");
}

/// Instances given by a `for` expression over a value, or a `count` of its
/// `length(...)`, read through the value as the value alone is: an object
/// taken out of the list `{ for db in var.databases : db.name => db }`
/// reads, or its name changed, a key out of the map `{ for k, v in
/// var.dbs : k => v }`, an item out of `toset([for ...])`, a name out of
/// the list `count = length(var.names)` reads, a local's list of objects
/// over lines. An object added, a field other than the key edited, the
/// list reordered, a filtered `for` (`if db.enabled`: not every item is an
/// instance) destroy nothing.
#[test]
fn instances_given_by_a_for_expression_over_a_value_are_read() {
    let repo = Repo::new("instance-for");
    let db =
        |argument: &str| format!("resource \"aws_db_instance\" \"main\" {{\n{argument}\n  engine = \"postgres\"\n}}\n");
    let by_name = "  for_each = {\n    for db in var.databases :\n    db.name => db\n  }";
    let two = "[\n    { name = \"orders\", size = 10 },\n    { name = \"users\", size = 5 },\n  ]";
    let one = "[\n    { name = \"orders\", size = 10 },\n  ]";
    let variable = |name: &str, value: &str| format!("variable \"{name}\" {{\n  default = {value}\n}}\n");
    let cases: Vec<(&str, String, String, String, bool)> = vec![
        ("an object out of the list", db(by_name), variable("databases", two), variable("databases", one), true),
        (
            "a name changed",
            db(by_name),
            variable("databases", two),
            variable("databases", &two.replace("\"users\"", "\"customers\"")),
            true,
        ),
        ("an object added", db(by_name), variable("databases", one), variable("databases", two), false),
        (
            "a size edited",
            db(by_name),
            variable("databases", two),
            variable("databases", &two.replace("size = 5", "size = 50")),
            false,
        ),
        (
            "the list reordered",
            db(by_name),
            variable("databases", two),
            variable("databases", "[\n    { name = \"users\", size = 5 },\n    { name = \"orders\", size = 10 },\n  ]"),
            false,
        ),
        (
            "a key out of a map through a for",
            db("  for_each = { for k, v in var.dbs : k => v }"),
            variable("dbs", "{\n    orders = { size = 1 }\n    users  = { size = 2 }\n  }"),
            variable("dbs", "{\n    orders = { size = 1 }\n  }"),
            true,
        ),
        (
            "a name out of a set made by a for",
            db("  for_each = toset([for db in var.databases : db.name])"),
            variable("databases", two),
            variable("databases", one),
            true,
        ),
        (
            "a name out of the list a length counts",
            db("  count = length(var.names)"),
            variable("names", "[\"a\", \"b\", \"c\"]"),
            variable("names", "[\"a\", \"b\"]"),
            true,
        ),
        (
            "names swapped, as many",
            db("  count = length(var.names)"),
            variable("names", "[\"a\", \"b\"]"),
            variable("names", "[\"b\", \"c\"]"),
            false,
        ),
        (
            "an object out of a filtered for",
            db("  for_each = { for db in var.databases : db.name => db if db.size > 1 }"),
            variable("databases", two),
            variable("databases", one),
            false,
        ),
    ];
    for (what, main, before, after, destroyed) in cases {
        repo.git(&["rm", "-rq", "--ignore-unmatch", "orders"]);
        repo.write("orders/tf/main.tf", main.as_bytes());
        repo.write("orders/tf/variables.tf", before.as_bytes());
        let base = repo.commit(0.0, "Before");
        repo.write("orders/tf/variables.tf", after.as_bytes());
        let head = repo.commit(1.0, what);
        let (change, fired) = read_and_assess_on_a_leaf(&repo, &base, &head);
        let removed = change.files.iter().any(|f| f.removes.iter().any(|t| t == "aws_db_instance"));
        assert_eq!(removed, destroyed, "{what}: {:?}", change.files);
        assert_eq!(fired.iter().any(|r| r == "destructive-datastore-or-queue"), destroyed, "{what}: {fired:?}");
    }
    // A local's list of objects, over lines, one taken out.
    repo.git(&["rm", "-rq", "--ignore-unmatch", "orders"]);
    repo.write("orders/tf/main.tf", db("  for_each = { for db in local.databases : db.name => db }").as_bytes());
    repo.write("orders/tf/locals.tf", format!("locals {{\n  databases = {two}\n}}\n").as_bytes());
    let base = repo.commit(2.0, "Before");
    repo.write("orders/tf/locals.tf", format!("locals {{\n  databases = {one}\n}}\n").as_bytes());
    let head = repo.commit(3.0, "One database fewer");
    let (change, fired) = read_and_assess_on_a_leaf(&repo, &base, &head);
    assert_eq!(removes_of(&change), [("orders/tf/locals.tf".to_owned(), vec!["aws_db_instance".to_owned()])]);
    assert!(fired.iter().any(|r| r == "destructive-datastore-or-queue"), "{fired:?}");
}

/// An argument passed to a local module whose change turns off a gate in
/// the module, or takes out instances a block reads from it alone,
/// destroys them (a module's input passed down to its own `count` was
/// not followed): `db_count = 1` to `0` or back to a default of `0`, a
/// switch of another name, a key out of a map. More, or an argument no
/// gate reads, destroys nothing.
#[test]
fn an_argument_passed_to_a_local_module_gates_its_blocks() {
    let repo = Repo::new("passed");
    let module = "resource \"aws_db_instance\" \"x\" {\n  count  = var.db_count\n  engine = \"postgres\"\n}\nresource \"aws_sqs_queue\" \"q\" {\n  count = var.with_queue ? 1 : 0\n}\nresource \"aws_s3_bucket\" \"b\" {\n  for_each = var.buckets\n}\n";
    let variables = "variable \"db_count\" {\n  default = 0\n}\nvariable \"with_queue\" {\n  default = true\n}\nvariable \"buckets\" {\n  default = {}\n}\nvariable \"name\" {}\n";
    repo.write("orders/tf/modules/db/main.tf", module.as_bytes());
    repo.write("orders/tf/modules/db/variables.tf", variables.as_bytes());
    let call = |arguments: &str| format!("module \"db\" {{\n  source = \"./modules/db\"\n{arguments}}}\n");
    let buckets = |keys: &[&str]| {
        let lines: String = keys.iter().map(|k| format!("    {k} = {{}}\n")).collect();
        format!("  buckets = {{\n{lines}  }}\n")
    };
    let cases = [
        ("one database fewer", "  db_count = 2\n".to_owned(), "  db_count = 1\n".to_owned(), Some("aws_db_instance")),
        ("back to the default", "  db_count = 1\n".to_owned(), String::new(), Some("aws_db_instance")),
        ("one database more", "  db_count = 1\n".to_owned(), "  db_count = 2\n".to_owned(), None),
        ("the queue switched off", String::new(), "  with_queue = false\n".to_owned(), Some("aws_sqs_queue")),
        ("a bucket out", buckets(&["logs", "raw"]), buckets(&["logs"]), Some("aws_s3_bucket")),
        ("a bucket in", buckets(&["logs"]), buckets(&["logs", "raw"]), None),
        ("a name", "  name = \"a\"\n".to_owned(), "  name = \"b\"\n".to_owned(), None),
    ];
    for (what, before, after, destroyed) in cases {
        repo.write("orders/tf/main.tf", call(&before).as_bytes());
        let base = repo.commit(0.0, "Before");
        repo.write("orders/tf/main.tf", call(&after).as_bytes());
        let head = repo.commit(1.0, what);
        let (change, fired) = read_and_assess_on_a_leaf(&repo, &base, &head);
        let main = change.files.iter().find(|f| f.path == "orders/tf/main.tf").unwrap();
        let expected: Vec<String> = destroyed.map(str::to_owned).into_iter().collect();
        assert_eq!(main.removes, expected, "{what}: {main:?}");
        assert_eq!(fired.iter().any(|r| r.starts_with("destructive")), destroyed.is_some(), "{what}: {fired:?}");
    }
}

/// Commands a Terraform configuration runs itself (a `local-exec`
/// provisioner, a `remote-exec` one's `inline` list, an `external` data
/// source's program, a machine's `user_data`, an ECS task definition's
/// `container_definitions`) destroy what they name, as a pipeline's
/// would: an agent's `null_resource` deleting the database read as an
/// edit. A
/// provisioner moved to another file of its module, or one for a preview
/// environment, destroys nothing.
#[test]
fn a_terraform_provisioner_runs_its_commands() {
    let repo = Repo::new("provisioners");
    let db = "resource \"aws_db_instance\" \"main\" {\n  engine = \"postgres\"\n}\n";
    let exec = |command: &str| {
        format!(
            "resource \"null_resource\" \"x\" {{\n  provisioner \"local-exec\" {{\n    command = \"{command}\"\n  }}\n}}\n"
        )
    };
    let delete = "aws rds delete-db-instance --db-instance-identifier orders --skip-final-snapshot";
    repo.write("orders/tf/main.tf", db.as_bytes());
    repo.write("orders/tf/ops.tf", b"# operations\n");
    let base = repo.commit(0.0, "Deploy orders");
    repo.write("orders/tf/main.tf", format!("{db}{}", exec(delete)).as_bytes());
    let added = repo.commit(1.0, "Recreate the database");
    let (change, fired) = read_and_assess_on_a_leaf(&repo, &base, &added);
    let main = change.files.iter().find(|f| f.path == "orders/tf/main.tf").unwrap();
    assert_eq!(main.removes, ["aws rds delete-db-instance"], "{main:?}");
    assert!(fired.iter().any(|r| r == "destructive-datastore-or-queue"), "{fired:?}");

    // Moved to another file of the module: nothing new runs.
    repo.write("orders/tf/main.tf", db.as_bytes());
    repo.write("orders/tf/ops.tf", exec(delete).as_bytes());
    let moved = repo.commit(2.0, "Keep operations apart");
    let (change, fired) = read_and_assess_on_a_leaf(&repo, &added, &moved);
    assert!(removes_of(&change).is_empty(), "{:?}", removes_of(&change));
    assert!(!fired.iter().any(|r| r.starts_with("destructive")), "{fired:?}");

    // A remote-exec list over lines, an external program; a preview's.
    let remote = "resource \"null_resource\" \"y\" {\n  provisioner \"remote-exec\" {\n    inline = [\n      \"sudo systemctl stop postgresql\",\n      \"sudo rm -rf /var/lib/postgresql/data\",\n    ]\n  }\n}\n";
    let external = "data \"external\" \"z\" {\n  program = [\"bash\", \"-c\", \"kubectl delete pvc ledger-data\"]\n}\n";
    let preview = exec("kubectl delete namespace preview-${var.pr}");
    // (And a machine's boot script, an ECS task definition's containers,
    // run by what Terraform makes: a red team's; a boot script that
    // installs a package runs nothing destroyed.)
    let boot = "resource \"aws_instance\" \"db\" {\n  ami       = \"ami-123\"\n  user_data = <<-EOF\n    #!/bin/bash\n    dropdb orders\n  EOF\n}\n";
    let containers = "resource \"aws_ecs_task_definition\" \"m\" {\n  family = \"orders-migrate\"\n  container_definitions = jsonencode([{\n    name    = \"migrate\"\n    command = [\"sh\", \"-c\", \"dropdb orders\"]\n  }])\n}\n";
    let nginx = boot.replace("dropdb orders", "apt-get install -y nginx");
    for (what, text, destroyed) in [
        ("remote-exec", remote, true),
        ("external", external, true),
        ("preview", preview.as_str(), false),
        ("user_data", boot, true),
        ("container_definitions", containers, true),
        ("user_data installing a package", nginx.as_str(), false),
    ] {
        repo.write("orders/tf/main.tf", format!("{db}{text}").as_bytes());
        let head = repo.commit(3.0, what);
        let (change, fired) = read_and_assess_on_a_leaf(&repo, &moved, &head);
        assert_eq!(!removes_of(&change).is_empty(), destroyed, "{what}: {:?}", removes_of(&change));
        assert_eq!(fired.iter().any(|r| r.starts_with("destructive")), destroyed, "{what}: {fired:?}");
        repo.git(&["reset", "-q", "--hard", &moved]);
    }
}

/// A gate added in place that an environment's variables file turns off
/// (`envs/prod.tfvars`, passed with `-var-file`) destroys the block in
/// that environment; one a variables file of another module turns off
/// does not.
#[test]
fn a_gate_added_that_an_environment_turns_off_destroys_the_block() {
    let repo = Repo::new("gated-env");
    let db = "resource \"aws_db_instance\" \"main\" {\n  engine = \"postgres\"\n}\n";
    let gated = db.replace("{\n", "{\n  count  = var.create ? 1 : 0\n");
    repo.write("orders/tf/main.tf", db.as_bytes());
    repo.write("orders/tf/variables.tf", b"variable \"create\" {\n  default = true\n}\n");
    repo.write("orders/tf/modules/cache/main.tf", b"variable \"create\" {}\n");
    let base = repo.commit(0.0, "Deploy orders");
    let cases = [
        ("off in envs/prod.tfvars", "orders/tf/envs/prod.tfvars", "create = false\n", true),
        ("off in prod.tfvars beside the module", "orders/tf/prod.tfvars", "create = false\n", true),
        ("off in a JSON file", "orders/tf/envs/prod.tfvars.json", "{\"create\": false}\n", true),
        ("on in envs/prod.tfvars", "orders/tf/envs/prod.tfvars", "create = true\n", false),
        ("off for another module", "orders/tf/modules/cache/prod.tfvars", "create = false\n", false),
    ];
    for (what, path, values, destroyed) in cases {
        repo.git(&["checkout", "-q", &base]);
        repo.write(path, values.as_bytes());
        let prepared = repo.commit(0.5, "An environment");
        repo.write("orders/tf/main.tf", gated.as_bytes());
        let commit = repo.commit(1.0, what);
        let (change, fired) = read_and_assess_on_a_leaf(&repo, &prepared, &commit);
        let main = change.files.iter().find(|f| f.path == "orders/tf/main.tf").unwrap();
        assert_eq!(main.removes.iter().any(|t| t == "aws_db_instance"), destroyed, "{what}: {main:?}");
        assert_eq!(fired.iter().any(|r| r == "destructive-datastore-or-queue"), destroyed, "{what}: {fired:?}");
    }
}

/// A gate through a local given a literal (`count = local.n` with
/// `locals { n = 0 }`) gives the block no instance: added in place, or its
/// local's value turned off, it destroys the block; a local that keeps
/// it, or one read from a variable only environments set, does not.
#[test]
fn a_gate_through_a_local_given_a_literal_is_read() {
    let repo = Repo::new("gated-local");
    let db = "resource \"aws_db_instance\" \"main\" {\n  engine = \"postgres\"\n}\n";
    let gated = |count: &str| db.replace("{\n", &format!("{{\n  count  = {count}\n"));
    let locals = |body: &str| format!("locals {{\n  {body}\n  name = \"orders\"\n}}\n");
    repo.write("orders/tf/main.tf", db.as_bytes());
    let base = repo.commit(0.0, "Deploy orders");
    let cases = [
        ("local of 0", locals("n = 0"), gated("local.n"), true),
        ("local of 1", locals("n = 1"), gated("local.n"), false),
        ("local false in a condition", locals("make_db = false"), gated("local.make_db ? 1 : 0"), true),
        ("local true in a condition", locals("make_db = true"), gated("local.make_db ? 1 : 0"), false),
        ("local from a variable", locals("n = var.replicas"), gated("local.n"), false),
        ("empty map", locals("dbs = {}"), gated("local.dbs").replace("count ", "for_each"), true),
    ];
    for (what, declared, block, destroyed) in cases {
        repo.git(&["checkout", "-q", &base]);
        repo.write("orders/tf/locals.tf", declared.as_bytes());
        let prepared = repo.commit(0.5, "Declare the local");
        repo.write("orders/tf/main.tf", block.as_bytes());
        let commit = repo.commit(1.0, what);
        let (change, fired) = read_and_assess_on_a_leaf(&repo, &prepared, &commit);
        let main = change.files.iter().find(|f| f.path == "orders/tf/main.tf").unwrap();
        assert_eq!(main.removes.iter().any(|t| t == "aws_db_instance"), destroyed, "{what}: {main:?}");
        assert_eq!(fired.iter().any(|r| r == "destructive-datastore-or-queue"), destroyed, "{what}: {fired:?}");
    }
    // The local's value turned off in place, the gate unchanged; and
    // turned back on.
    repo.git(&["checkout", "-q", &base]);
    repo.write("orders/tf/locals.tf", locals("n = 1").as_bytes());
    repo.write("orders/tf/main.tf", gated("local.n").as_bytes());
    let on = repo.commit(2.0, "Gate the database");
    repo.write("orders/tf/locals.tf", locals("n = 0").as_bytes());
    let off = repo.commit(3.0, "No database");
    let (change, fired) = read_and_assess_on_a_leaf(&repo, &on, &off);
    assert_eq!(removes_of(&change), [("orders/tf/locals.tf".to_owned(), vec!["aws_db_instance".to_owned()])]);
    assert!(fired.iter().any(|r| r == "destructive-datastore-or-queue"), "{fired:?}");
    repo.write("orders/tf/locals.tf", locals("n = 1").as_bytes());
    let back = repo.commit(4.0, "The database again");
    let (change, fired) = read_and_assess_on_a_leaf(&repo, &off, &back);
    assert!(removes_of(&change).is_empty(), "{:?}", removes_of(&change));
    assert!(!fired.iter().any(|r| r.starts_with("destructive")), "{fired:?}");
}

/// Red team 11: the commands of a Kubernetes Job's containers (a Helm
/// pre-upgrade hook's `psql -c "DROP DATABASE orders"`, an init
/// container's `kubectl delete pvc`) ran unread. A manifest's containers
/// are read as a pipeline's container steps are, at both ends of the
/// change: a migration job, and a job moved to another file, destroy
/// nothing.
#[test]
fn a_kubernetes_job_runs_its_containers_commands() {
    let repo = Repo::new("jobs");
    let job = |name: &str, command: &str| {
        format!(
            "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: {name}\n  annotations:\n    \"helm.sh/hook\": pre-upgrade\nspec:\n  template:\n    spec:\n      restartPolicy: Never\n      containers:\n        - name: {name}\n          image: postgres:16\n          command: [\"sh\", \"-c\", \"{command}\"]\n"
        )
    };
    let deployment = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: orders\nspec:\n  template:\n    spec:\n      containers:\n        - name: orders\n          image: orders:1\n";
    repo.write("charts/orders/Chart.yaml", b"apiVersion: v2\nname: orders\nversion: 1.0.0\n");
    repo.write("charts/orders/templates/deployment.yaml", deployment.as_bytes());
    repo.write("charts/orders/templates/migrate.yaml", job("migrate", "python manage.py migrate").as_bytes());
    let base = repo.commit(0.0, "Chart");

    repo.write(
        "charts/orders/templates/reset.yaml",
        job("reset", "psql -h orders-db -c 'DROP DATABASE orders'").as_bytes(),
    );
    let reset = repo.commit(1.0, "Reset the database before each upgrade");
    let (change, fired) = read_and_assess_on_a_leaf(&repo, &base, &reset);
    assert_eq!(removes_of(&change), [("charts/orders/templates/reset.yaml".to_owned(), vec!["database".to_owned()])]);
    assert!(fired.iter().any(|r| r == "destructive-datastore-or-queue"), "{fired:?}");

    // A migration job edited, and the reset job moved to another file.
    repo.git(&["mv", "charts/orders/templates/reset.yaml", "charts/orders/templates/hooks.yaml"]);
    repo.write("charts/orders/templates/migrate.yaml", job("migrate", "python manage.py migrate --noinput").as_bytes());
    let moved = repo.commit(2.0, "Move the hook");
    let (change, fired) = read_and_assess_on_a_leaf(&repo, &reset, &moved);
    assert!(removes_of(&change).is_empty(), "{:?}", removes_of(&change));
    assert!(!fired.iter().any(|r| r.starts_with("destructive")), "{fired:?}");
}

/// Red team 11: a table deleted from a declarative schema (Atlas's or
/// sqldef's `schema.sql`, Prisma's `schema.prisma`), which its tool makes
/// the database match, was `auto`: no migration said it. Taking a table
/// or a column out is irreversible; changing a column's type, adding a
/// table, or moving one to another schema file is not.
#[test]
fn a_table_taken_out_of_a_declarative_schema_is_irreversible() {
    let repo = Repo::new("declarative");
    let orders = "CREATE TABLE orders (\n  id bigint PRIMARY KEY,\n  total int NOT NULL,\n  legacy_total int\n);\n";
    let ledger = "CREATE TABLE IF NOT EXISTS \"ledger\" (\n  id bigint PRIMARY KEY\n);\n";
    repo.write("db/schema.sql", format!("{orders}{ledger}").as_bytes());
    repo.write(
        "prisma/schema.prisma",
        b"model Order {\n  id    Int     @id\n  total Decimal\n  customer Customer @relation(fields: [id], references: [id])\n}\n\nmodel Customer {\n  id Int @id\n}\n",
    );
    let base = repo.commit(0.0, "Schema");
    let irreversible = |from: &str, to: &str| {
        let change = git_change(repo.path(), &range(from, to), &GitOptions::default()).unwrap();
        change.changeset.safety.reversible == Some(false)
    };

    repo.write("db/schema.sql", orders.as_bytes());
    let dropped = repo.commit(1.0, "Retire the ledger");
    assert!(irreversible(&base, &dropped));
    repo.git(&["checkout", "-q", &base]);
    repo.write("db/schema.sql", format!("{}{ledger}", orders.replace("  legacy_total int\n", "")).as_bytes());
    let column = repo.commit(2.0, "Drop the legacy total");
    assert!(irreversible(&base, &column));
    repo.git(&["checkout", "-q", &base]);
    repo.write("prisma/schema.prisma", b"model Customer {\n  id Int @id\n}\n");
    let model = repo.commit(3.0, "Retire orders");
    assert!(irreversible(&base, &model));

    repo.git(&["checkout", "-q", &base]);
    repo.write(
        "db/schema.sql",
        format!("{}{ledger}CREATE TABLE refunds (\n  id bigint\n);\n", orders.replace("total int", "total bigint"))
            .as_bytes(),
    );
    let widened = repo.commit(4.0, "Widen the total, add refunds");
    assert!(!irreversible(&base, &widened));
    repo.git(&["checkout", "-q", &base]);
    repo.write("db/schema.sql", orders.as_bytes());
    repo.write("db/schemas/ledger.sql", ledger.as_bytes());
    let split = repo.commit(5.0, "Split the schema");
    assert!(!irreversible(&base, &split));
}

/// Red team 11: a DynamoDB table taken out of a Serverless Framework
/// service's `serverless.yml`, and a SQL database out of an Azure Resource
/// Manager template (`azuredeploy.json`), were read as configuration:
/// `auto` or `peer`. Both are manifests by their content, and what they
/// declare is counted before and after.
#[test]
fn serverless_and_arm_templates_declare_their_resources() {
    let repo = Repo::new("templates");
    let table =
        "    OrdersTable:\n      Type: AWS::DynamoDB::Table\n      Properties:\n        BillingMode: PAY_PER_REQUEST\n";
    let queue = "    Jobs:\n      Type: AWS::SQS::Queue\n";
    let serverless = |resources: &str| {
        format!(
            "service: orders\nprovider:\n  name: aws\nfunctions:\n  api:\n    handler: handler.api\nresources:\n  Resources:\n{resources}"
        )
    };
    repo.write("orders/serverless.yml", serverless(&format!("{table}{queue}")).as_bytes());
    let arm = |databases: &str| {
        format!(
            "{{\n  \"$schema\": \"https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#\",\n  \"contentVersion\": \"1.0.0.0\",\n  \"resources\": [\n    {{\n      \"type\": \"Microsoft.Sql/servers\",\n      \"apiVersion\": \"2022-05-01-preview\",\n      \"name\": \"orders-sql\",\n      \"resources\": [{databases}]\n    }},\n    {{\"type\": \"Microsoft.Web/sites\", \"apiVersion\": \"2022-03-01\", \"name\": \"orders-web\"}}\n  ]\n}}\n"
        )
    };
    repo.write(
        "orders/azuredeploy.json",
        arm("{\"type\": \"databases\", \"apiVersion\": \"2022-05-01-preview\", \"name\": \"ledger\"}").as_bytes(),
    );
    let base = repo.commit(0.0, "Deploy orders");

    repo.write("orders/serverless.yml", serverless(queue).as_bytes());
    let dropped = repo.commit(1.0, "Drop the orders table");
    let (change, fired) = read_and_assess_on_a_leaf(&repo, &base, &dropped);
    assert_eq!(removes_of(&change), [("orders/serverless.yml".to_owned(), vec!["AWS::DynamoDB::Table".to_owned()])]);
    assert!(fired.iter().any(|r| r == "destructive-datastore-or-queue"), "{fired:?}");

    repo.git(&["checkout", "-q", &base]);
    repo.write("orders/azuredeploy.json", arm("").as_bytes());
    let arm_dropped = repo.commit(2.0, "Drop the ledger database");
    let (change, fired) = read_and_assess_on_a_leaf(&repo, &base, &arm_dropped);
    assert_eq!(
        removes_of(&change),
        [("orders/azuredeploy.json".to_owned(), vec!["Microsoft.Sql/servers/databases".to_owned()])]
    );
    assert!(fired.iter().any(|r| r == "destructive-datastore-or-queue"), "{fired:?}");

    // A function's handler changed takes nothing out.
    repo.git(&["checkout", "-q", &base]);
    repo.write(
        "orders/serverless.yml",
        serverless(&format!("{table}{queue}")).replace("handler.api", "handler.v2").as_bytes(),
    );
    let edited = repo.commit(3.0, "New handler");
    let (change, fired) = read_and_assess_on_a_leaf(&repo, &base, &edited);
    assert!(removes_of(&change).is_empty(), "{:?}", removes_of(&change));
    assert!(!fired.iter().any(|r| r.starts_with("destructive")), "{fired:?}");

    // The table moved into a file the service includes from a subfolder
    // is still the service's (red team 35's O53: read as deleted); the
    // included file losing it is a deletion.
    repo.git(&["checkout", "-q", &base]);
    let include = serverless("").replace(
        "resources:\n  Resources:\n",
        "resources:\n  - ${file(./resources/tables.yml)}\n  - Resources:\n      Jobs:\n        Type: AWS::SQS::Queue\n",
    );
    repo.write("orders/serverless.yml", include.as_bytes());
    repo.write("orders/resources/tables.yml", format!("Resources:\n{table}").as_bytes());
    let split = repo.commit(4.0, "Move the table into an included file");
    let (change, fired) = read_and_assess_on_a_leaf(&repo, &base, &split);
    assert!(removes_of(&change).is_empty(), "{:?}", removes_of(&change));
    assert!(!fired.iter().any(|r| r.starts_with("destructive")), "{fired:?}");
    repo.write("orders/resources/tables.yml", b"Resources: {}\n");
    let dropped = repo.commit(5.0, "Drop the included table");
    let (change, fired) = read_and_assess_on_a_leaf(&repo, &split, &dropped);
    assert_eq!(
        removes_of(&change),
        [("orders/resources/tables.yml".to_owned(), vec!["AWS::DynamoDB::Table".to_owned()])]
    );
    assert!(fired.iter().any(|r| r == "destructive-datastore-or-queue"), "{fired:?}");
}

/// Red team 11: a database construct deleted from a CDK or Pulumi program
/// (TypeScript, Python, Go) was read as code in an infrastructure folder,
/// with no destruction. The constructs whose types hold data count, as
/// a Terraform block's do; a function's or a helper's do not.
#[test]
fn an_infrastructure_programs_data_constructs_are_declarations() {
    let repo = Repo::new("programs");
    let table = "    const orders = new dynamodb.Table(this, 'Orders', {\n      partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING },\n    });\n";
    let function = "    const api = new lambda.Function(this, 'Api', { runtime, handler: 'index.handler', code });\n";
    let stack = |body: &str| {
        format!(
            "import * as cdk from 'aws-cdk-lib';\nexport class OrdersStack extends cdk.Stack {{\n  constructor(scope, id) {{\n    super(scope, id);\n{body}  }}\n}}\n"
        )
    };
    repo.write("orders/infra/lib/orders-stack.ts", stack(&format!("{table}{function}")).as_bytes());
    repo.write(
        "orders/pulumi/__main__.py",
        b"import pulumi\nimport pulumi_aws as aws\n\nconfig = pulumi.Config()\ndb = aws.rds.Instance(\"orders\",\n    engine=\"postgres\",\n    instance_class=\"db.t3.micro\")\nbucket = aws.s3.BucketV2(\"assets\")\n",
    );
    repo.write(
        "orders/iac/main.go",
        b"package main\n\nfunc main() {\n\tpulumi.Run(func(ctx *pulumi.Context) error {\n\t\t_, err := rds.NewInstance(ctx, \"orders\", &rds.InstanceArgs{})\n\t\treturn err\n\t})\n}\n",
    );
    let base = repo.commit(0.0, "Stacks");

    repo.write("orders/infra/lib/orders-stack.ts", stack(function).as_bytes());
    let cdk = repo.commit(1.0, "Drop the orders table");
    let (change, fired) = read_and_assess_on_a_leaf(&repo, &base, &cdk);
    assert_eq!(
        removes_of(&change),
        [("orders/infra/lib/orders-stack.ts".to_owned(), vec!["dynamodb.Table".to_owned()])]
    );
    assert!(fired.iter().any(|r| r == "destructive-datastore-or-queue"), "{fired:?}");

    repo.git(&["checkout", "-q", &base]);
    repo.write(
        "orders/pulumi/__main__.py",
        b"import pulumi\nimport pulumi_aws as aws\n\nbucket = aws.s3.BucketV2(\"assets\")\n",
    );
    repo.write("orders/iac/main.go", b"package main\n\nfunc main() {}\n");
    let pulumi = repo.commit(2.0, "Drop the databases");
    let (change, fired) = read_and_assess_on_a_leaf(&repo, &base, &pulumi);
    assert_eq!(
        removes_of(&change),
        [
            ("orders/iac/main.go".to_owned(), vec!["rds.Instance".to_owned()]),
            ("orders/pulumi/__main__.py".to_owned(), vec!["aws.rds.Instance".to_owned()]),
        ]
    );
    assert!(fired.iter().any(|r| r == "destructive-datastore-or-queue"), "{fired:?}");

    // A function taken out, and a construct's options edited, destroy no
    // data. (Its key is no option: another replaces the table, red team
    // 34, see `stack_identities_and_replacing_properties_outside_terraform`.)
    repo.git(&["checkout", "-q", &base]);
    let edited = table.replace("partitionKey:", "pointInTimeRecovery: true,\n      partitionKey:");
    assert!(edited != table);
    repo.write("orders/infra/lib/orders-stack.ts", stack(&edited).as_bytes());
    let calm = repo.commit(3.0, "Drop the API function");
    let (change, fired) = read_and_assess_on_a_leaf(&repo, &base, &calm);
    assert!(removes_of(&change).is_empty(), "{:?}", removes_of(&change));
    assert!(!fired.iter().any(|r| r == "destructive-datastore-or-queue"), "{fired:?}");
}

/// Red team 10: a play given a new `include_tasks:` line that pulls in an
/// existing file of tasks that deletes a database counted nothing (only
/// changed task files were read). The included file is read at the
/// change's end, from the including file's folder, as a task call; so is
/// an included role's tasks file.
#[test]
fn an_included_task_file_runs_its_tasks() {
    let repo = Repo::new("include-tasks");
    let site = "- hosts: db\n  tasks:\n    - name: Deploy\n      ansible.builtin.include_tasks: deploy.yml\n";
    repo.write("ansible/site.yml", site.as_bytes());
    repo.write(
        "ansible/deploy.yml",
        b"- name: Restart\n  ansible.builtin.service:\n    name: orders\n    state: restarted\n",
    );
    repo.write(
        "ansible/teardown.yml",
        b"- name: Drop the database\n  amazon.aws.rds_instance:\n    id: orders-prod\n    state: absent\n",
    );
    let base = repo.commit(0.0, "Playbooks");
    repo.write(
        "ansible/site.yml",
        format!("{site}    - name: Clean up\n      import_tasks:\n        file: teardown.yml\n").as_bytes(),
    );
    let included = repo.commit(1.0, "Clean up after deploying");
    let (change, fired) = read_and_assess_on_a_leaf(&repo, &base, &included);
    assert_eq!(removes_of(&change), [("ansible/site.yml".to_owned(), vec!["amazon.aws.rds_instance".to_owned()])]);
    assert!(fired.iter().any(|r| r == "destructive-datastore-or-queue"), "{fired:?}");

    // A role included by name runs its tasks (`tasks_from:` or `main`).
    repo.git(&["checkout", "-q", &base]);
    repo.write(
        "ansible/roles/db_reset/tasks/wipe.yml",
        b"- name: Drop the ledger\n  community.postgresql.postgresql_db:\n    name: ledger\n    state: absent\n",
    );
    let role = repo.commit(1.5, "A reset role");
    repo.write(
        "ansible/site.yml",
        format!("{site}    - name: Reset\n      ansible.builtin.include_role:\n        name: db_reset\n        tasks_from: wipe\n").as_bytes(),
    );
    let role_included = repo.commit(1.6, "Reset after deploying");
    let (change, fired) = read_and_assess_on_a_leaf(&repo, &role, &role_included);
    assert_eq!(removes_of(&change), [("ansible/site.yml".to_owned(), vec!["database".to_owned()])]);
    assert!(fired.iter().any(|r| r == "destructive-datastore-or-queue"), "{fired:?}");

    // The same role in a flow mapping, and a playbook imported at the
    // play level, run their tasks too.
    repo.git(&["checkout", "-q", &role]);
    repo.write(
        "ansible/site.yml",
        format!("{site}    - include_role: {{name: db_reset, tasks_from: wipe}}\n").as_bytes(),
    );
    let flow = repo.commit(1.7, "Reset after deploying, in one line");
    let (change, _) = read_and_assess_on_a_leaf(&repo, &role, &flow);
    assert_eq!(removes_of(&change), [("ansible/site.yml".to_owned(), vec!["database".to_owned()])]);
    repo.git(&["checkout", "-q", &base]);
    repo.write(
        "ansible/teardown-play.yml",
        b"- hosts: db\n  tasks:\n    - name: Drop the database\n      amazon.aws.rds_instance:\n        id: orders-prod\n        state: absent\n",
    );
    let play = repo.commit(1.8, "A teardown play");
    repo.write("ansible/site.yml", format!("{site}- import_playbook: teardown-play.yml\n").as_bytes());
    let imported = repo.commit(1.9, "Tear down after deploying");
    let (change, fired) = read_and_assess_on_a_leaf(&repo, &play, &imported);
    assert_eq!(removes_of(&change), [("ansible/site.yml".to_owned(), vec!["amazon.aws.rds_instance".to_owned()])]);
    assert!(fired.iter().any(|r| r == "destructive-datastore-or-queue"), "{fired:?}");

    // An include of a harmless file, and a templated one, destroy nothing.
    repo.git(&["checkout", "-q", &base]);
    repo.write(
        "ansible/site.yml",
        format!("{site}    - include_tasks: deploy.yml\n    - include_tasks: \"{{{{ env }}}}.yml\"\n").as_bytes(),
    );
    let calm = repo.commit(2.0, "Deploy twice");
    let (change, _) = read_and_assess_on_a_leaf(&repo, &base, &calm);
    assert!(removes_of(&change).is_empty(), "{:?}", removes_of(&change));
}

/// Red team 12: data services' own command lines in a leaf's scripts were
/// `owner`; each now destroys the data it names, and Docker's volumes
/// count where the command is aimed at another host.
#[test]
fn data_services_command_lines_destroy_their_data() {
    let repo = Repo::new("data-service-commands");
    repo.write("scripts/maintenance.sh", b"#!/bin/sh\nset -eu\nredis-cli -h \"$REDIS_HOST\" INFO\n");
    repo.write(
        ".github/workflows/integration.yml",
        b"on: push\njobs:\n  integration:\n    runs-on: ubuntu-latest\n    steps:\n      - run: docker compose up -d\n",
    );
    let base = repo.commit(0.0, "Maintenance");
    repo.write(
        "scripts/maintenance.sh",
        b"#!/bin/sh\nset -eu\nredis-cli -h \"$REDIS_HOST\" INFO\nredis-cli -h \"$REDIS_HOST\" FLUSHALL\nkafka-topics.sh --bootstrap-server \"$KAFKA\" --delete --topic orders\nssh deploy@orders-db-1 'cd /srv/orders && docker compose down -v'\n",
    );
    // (A CI job's own Docker: its volumes are the runner's.)
    repo.write(
        ".github/workflows/integration.yml",
        b"on: push\njobs:\n  integration:\n    runs-on: ubuntu-latest\n    steps:\n      - run: docker compose up -d\n      - run: docker compose down --volumes\n",
    );
    let head = repo.commit(1.0, "Start over");
    let (change, fired) = read_and_assess_on_a_leaf(&repo, &base, &head);
    assert_eq!(
        removes_of(&change),
        [(
            "scripts/maintenance.sh".to_owned(),
            vec![
                "docker compose down --volumes".to_owned(),
                "kafka-topics --delete".to_owned(),
                "redis flushall".to_owned()
            ]
        )]
    );
    assert!(fired.iter().any(|r| r == "destructive-datastore-or-queue"), "{fired:?}");
}

/// Red team 13: a script under documentation, tests or examples is an
/// illustration, unless a file elsewhere runs it: an unchanged Makefile's
/// `deploy:` ran `./test/release.sh`, and a Redis flushed there was `auto`.
#[test]
fn an_illustrative_script_run_from_elsewhere_is_read() {
    let repo = Repo::new("illustrative-run");
    repo.write("orders/Makefile", b"deploy:\n\t./test/release.sh\n");
    repo.write("orders/test/release.sh", b"#!/bin/sh\necho release\n");
    repo.write("orders/docs/teardown.sh", b"#!/bin/sh\necho example\n");
    let base = repo.commit(0.0, "Release script");
    repo.write("orders/test/release.sh", b"#!/bin/sh\necho release\nredis-cli -h orders-cache.prod FLUSHALL\n");
    repo.write("orders/docs/teardown.sh", b"#!/bin/sh\necho example\nterraform destroy -auto-approve\n");
    let head = repo.commit(1.0, "Start clean");
    let (change, fired) = read_and_assess_on_a_leaf(&repo, &base, &head);
    // (The docs example nothing runs stays an illustration.)
    assert_eq!(removes_of(&change), [("orders/test/release.sh".to_owned(), vec!["redis flushall".to_owned()])]);
    assert!(fired.iter().any(|r| r == "destructive-datastore-or-queue"), "{fired:?}");
    // (Run by the deploy, the script is the service's code, not a test:
    // the change touches `orders` as the same script beside it would.)
    assert_eq!(file(&change.files, "orders/test/release.sh").kind, Some(ChangeKind::Code));
    assert_eq!(file(&change.files, "orders/docs/teardown.sh").kind, None);
}

/// Red team 13: a file edited through a symbolic link is read at the
/// link's path too. `orders/scripts/reset.sh -> ../../docs/ops/reset.sh`
/// and `orders/infra/db.tf -> ../../docs/db.txt` existed at the base; the
/// change edits only the targets, a documentation script and a note, and
/// destroyed nothing read at their own paths.
#[cfg(unix)]
#[test]
fn a_file_edited_through_a_link_is_read_at_the_links_path() {
    let repo = Repo::new("through-links");
    repo.write("docs/ops/reset.sh", b"#!/bin/sh\necho reset\n");
    repo.write("docs/db.txt", b"resource \"aws_db_instance\" \"orders\" {\n  engine = \"postgres\"\n}\n");
    repo.write("orders/main.go", b"package orders\n");
    std::fs::create_dir_all(repo.path().join("orders/scripts")).unwrap();
    std::fs::create_dir_all(repo.path().join("orders/infra")).unwrap();
    std::os::unix::fs::symlink("../../docs/ops/reset.sh", repo.path().join("orders/scripts/reset.sh")).unwrap();
    std::os::unix::fs::symlink("../../docs/db.txt", repo.path().join("orders/infra/db.tf")).unwrap();
    let base = repo.commit(0.0, "Runbooks");
    repo.write("docs/ops/reset.sh", b"#!/bin/sh\necho reset\nredis-cli -h orders-cache.prod FLUSHALL\n");
    repo.write("docs/db.txt", b"# retired\n");
    let head = repo.commit(1.0, "Update the runbooks");
    let (change, fired) = read_and_assess_on_a_leaf(&repo, &base, &head);
    let script = change.files.iter().find(|f| f.path == "orders/scripts/reset.sh").unwrap();
    assert_eq!(script.removes, ["redis flushall"], "{script:?}");
    let terraform = change.files.iter().find(|f| f.path == "orders/infra/db.tf").unwrap();
    assert!(terraform.declares.iter().chain(&terraform.removes).any(|t| t == "aws_db_instance"), "{terraform:?}");
    assert!(fired.iter().any(|r| r == "destructive-datastore-or-queue"), "{fired:?}");
}

/// Red team 13: a test file that checks nothing is no evidence of
/// testing. Two empty Go tests beside new code lowered `senior` to
/// `owner`; read whole after the change, a test file of source code with
/// no word of checking is code, and one that checks stays a test.
#[test]
fn a_test_file_that_checks_nothing_is_code() {
    let repo = Repo::new("empty-tests");
    repo.write("payments/charge.go", b"package payments\n");
    let base = repo.commit(0.0, "Payments");
    repo.write("payments/charge.go", b"package payments\n\nfunc Charge(n int) int { return n * 2 }\n");
    repo.write(
        "payments/charge_test.go",
        b"package payments\n\nimport \"testing\"\n\nfunc TestCharge(t *testing.T) {}\n\nfunc TestRefund(t *testing.T) {}\n",
    );
    repo.write(
        "payments/refund_test.go",
        b"package payments\n\nimport \"testing\"\n\nfunc TestDouble(t *testing.T) {\n\tif Charge(2) != 4 {\n\t\tt.Errorf(\"wrong\")\n\t}\n}\n",
    );
    repo.write("payments/testdata/cases.json", b"[1, 2, 3]\n");
    let head = repo.commit(1.0, "Charge, with tests");
    let change = changeset_from_git(repo.path(), &range(&base, &head), &GitOptions::default()).unwrap();
    assert_eq!(file(&change.files, "payments/charge_test.go").kind, Some(ChangeKind::Code));
    assert_eq!(file(&change.files, "payments/refund_test.go").kind, None);
    assert_eq!(file(&change.files, "payments/testdata/cases.json").kind, None);
}

/// Red team 13's leftovers: the MongoDB shell running a script file,
/// every key a Redis scan lists deleted through `xargs`, and a Redis
/// flushed through its Python client in a scripts folder.
#[test]
fn data_services_reached_through_files_pipes_and_clients_destroy_their_data() {
    let repo = Repo::new("data-service-indirect");
    repo.write("scripts/maintenance.sh", b"#!/bin/sh\nset -eu\nredis-cli -h \"$REDIS_HOST\" INFO\n");
    repo.write(
        "scripts/cache.py",
        b"import os\nimport redis\n\nr = redis.Redis(host=os.environ['REDIS_HOST'])\nprint(r.info())\n",
    );
    let base = repo.commit(0.0, "Maintenance");
    repo.write("scripts/drop.js", b"// Start over.\ndb.getSiblingDB('orders').dropDatabase()\n");
    repo.write(
        "scripts/maintenance.sh",
        b"#!/bin/sh\nset -eu\nredis-cli -h \"$REDIS_HOST\" INFO\nmongosh $MONGO_URI --file scripts/drop.js\nredis-cli -h \"$REDIS_HOST\" --scan | xargs redis-cli -h \"$REDIS_HOST\" DEL\n",
    );
    repo.write(
        "scripts/cache.py",
        b"import os\nimport redis\n\nr = redis.Redis(host=os.environ['REDIS_HOST'])\nprint(r.info())\nr.flushall()\n",
    );
    let head = repo.commit(1.0, "Start over");
    let (change, fired) = read_and_assess_on_a_leaf(&repo, &base, &head);
    assert_eq!(
        removes_of(&change),
        [
            ("scripts/cache.py".to_owned(), vec!["redis flushall".to_owned()]),
            (
                "scripts/maintenance.sh".to_owned(),
                vec!["mongodb dropDatabase".to_owned(), "redis del of listed keys (flushdb)".to_owned()]
            ),
        ]
    );
    assert!(fired.iter().any(|r| r == "destructive-datastore-or-queue"), "{fired:?}");
}

/// Red team 29: over a real range, a guard script that searches for
/// destroying commands destroys nothing, and an environment torn down by
/// its Kustomization, or a tool's destroy written past its global
/// options, destroys what it deploys.
#[test]
fn scripts_that_search_for_commands_run_none_and_teardowns_count() {
    let repo = Repo::new("teardown");
    repo.write("scripts/deploy.sh", b"#!/bin/sh\nset -e\nkubectl apply -k overlays/prod\n");
    let base = repo.commit(0.0, "Deploy script");
    let guard = "#!/bin/sh\n# Refuse what an agent must never run.\nif echo \"$1\" | grep -qiE 'terraform destroy|kubectl delete (ns|namespace)|helm uninstall|dropdb'; then\n  exit 1\nfi\nDENY=( \"terraform destroy\" \"dropdb\" )\n";
    let recreate = "#!/bin/sh\nset -e\nkubectl delete -k overlays/prod --wait\nkubectl apply -k overlays/prod\n";
    let helmfile = "#!/bin/sh\nset -e\nhelmfile -e production destroy\nkubectl apply -k overlays/prod\n";
    assert_file_cases(
        &repo,
        &base,
        &[
            ("Add a guard script", "scripts/guard.sh", guard, &[]),
            (
                "Recreate the environment",
                "scripts/deploy.sh",
                recreate,
                &[("scripts/deploy.sh", &["kubectl delete -k overlays/prod"])],
            ),
            ("Tear down the releases", "scripts/deploy.sh", helmfile, &[("scripts/deploy.sh", &["helmfile destroy"])]),
        ],
    );
}

/// Red team 29: a CDK or Pulumi program laid out as its tool makes it
/// (`cdk init`: `cdk.json`, `lib/orders-stack.ts`; `pulumi new`:
/// `Pulumi.yaml`, `__main__.py`) is infrastructure by its project's
/// marker file, so a table construct taken out of it is destroyed; the
/// same files with no marker stay code.
#[test]
fn stack_programs_are_found_by_their_projects_marker_files() {
    let stack = |table: bool| {
        format!(
            "import * as cdk from 'aws-cdk-lib';\nimport * as dynamodb from 'aws-cdk-lib/aws-dynamodb';\n\nexport class OrdersStack extends cdk.Stack {{\n  constructor(scope: any, id: string) {{\n    super(scope, id);\n{}  }}\n}}\n",
            if table {
                "    new dynamodb.Table(this, 'Orders', { partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING } });\n"
            } else {
                ""
            }
        )
    };
    let program = |db: bool| {
        format!(
            "import pulumi\nimport pulumi_aws as aws\n\n{}pulumi.export('ok', True)\n",
            if db {
                "ledger = aws.rds.Instance('ledger', engine='postgres', instance_class='db.t3.micro')\n"
            } else {
                ""
            }
        )
    };
    for marked in [true, false] {
        let repo = Repo::new("stacks");
        if marked {
            repo.write("cdk.json", b"{\"app\": \"npx ts-node bin/orders.ts\"}\n");
            repo.write("billing/Pulumi.yaml", b"name: billing\nruntime: python\n");
        }
        repo.write("lib/orders-stack.ts", stack(true).as_bytes());
        repo.write("billing/__main__.py", program(true).as_bytes());
        repo.write("test/orders.test.ts", b"test('synth', () => { expect(1).toBe(1); });\n");
        // The application's own code beside the stacks stays code.
        repo.write("src/handlers/orders.ts", b"export const handler = async () => ({ statusCode: 200 });\n");
        let base = repo.commit(0.0, "Stacks");
        repo.write("lib/orders-stack.ts", stack(false).as_bytes());
        repo.write("billing/__main__.py", program(false).as_bytes());
        repo.write("test/orders.test.ts", b"test('synth', () => { expect(2).toBe(2); });\n");
        repo.remove("src/handlers/orders.ts");
        let head = repo.commit(1.0, "Drop the table and the ledger");
        let (change, fired) = read_and_assess_on_a_leaf(&repo, &base, &head);
        let destructive = fired.iter().any(|r| r.starts_with("destructive"));
        if marked {
            assert_eq!(
                removes_of(&change),
                [
                    ("billing/__main__.py".to_owned(), vec!["aws.rds.Instance".to_owned()]),
                    ("lib/orders-stack.ts".to_owned(), vec!["dynamodb.Table".to_owned()]),
                ]
            );
            assert!(destructive, "{fired:?}");
            assert_eq!(file(&change.files, "test/orders.test.ts").kind, None);
            assert_eq!(file(&change.files, "src/handlers/orders.ts").kind, None);
            assert_eq!(
                file(&change.files, "lib/orders-stack.ts").kind,
                Some(blastgate::change::ChangeKind::Infrastructure)
            );
        } else {
            assert_eq!(removes_of(&change), Vec::<(String, Vec<String>)>::new());
            assert!(!destructive, "{fired:?}");
        }
    }
}

/// Red team 29: a SQL file a deploy script runs through its client
/// (`psql -f`) is read whole when the script starts running it: its
/// `DROP TABLE` destroys a database; a data fix does not.
#[test]
fn a_sql_file_a_script_runs_is_read_whole() {
    let repo = Repo::new("sqlfile");
    repo.write("scripts/deploy.sh", b"#!/bin/sh\nset -e\n./bin/migrate up\n");
    let base = repo.commit(0.0, "Deploy script");
    let runs = "#!/bin/sh\nset -e\n./bin/migrate up\npsql \"$DATABASE_URL\" -f db/oneoff/post_deploy.sql\n";
    for (sql, expected) in [
        ("DROP TABLE orders_archive;\n", &[("scripts/deploy.sh", &["database"][..])][..]),
        ("UPDATE orders SET state = 'done' WHERE id = 7;\n", &[][..]),
    ] {
        repo.git(&["checkout", "-q", &base]);
        repo.write("scripts/deploy.sh", runs.as_bytes());
        repo.write("db/oneoff/post_deploy.sql", sql.as_bytes());
        let head = repo.commit(1.0, "Run a one-off script");
        assert_removes(&repo, &base, &head, sql, expected);
    }
}

/// Values a helmfile gives a release inline (a map of its `values` list,
/// its `set` entries), a Terraform `helm_release`'s `set` blocks, and
/// values given to a GitOps release that gave none
/// (an Argo CD application's `helm.parameters`, a Flux `HelmRelease`'s
/// `spec.values`) turn switches off as a values file does: each read as
/// deleting what the switch held. A switch turned on, or a release taken
/// out of a helmfile (left installed), deletes nothing.
#[test]
fn inline_helm_values_turn_switches_off() {
    let repo = Repo::new("inline-helm");
    let helmfile = |extra: &str| {
        format!(
            "releases:\n  - name: orders\n    namespace: orders\n    chart: ./charts/orders\n    values:\n      - values.yaml\n{extra}"
        )
    };
    let app = |helm: &str| {
        format!(
            "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: orders\nspec:\n  source:\n    repoURL: https://charts.acme.io\n    chart: orders\n    targetRevision: 1.2.0\n{helm}  destination:\n    namespace: orders\n"
        )
    };
    let release = |sets: &str| {
        format!(
            "resource \"helm_release\" \"orders\" {{\n  name  = \"orders\"\n  chart = \"./charts/orders\"\n{sets}}}\n"
        )
    };
    let set = |name: &str, value: &str| format!("  set {{\n    name  = \"{name}\"\n    value = \"{value}\"\n  }}\n");
    let charts = |values: &str| {
        format!(
            "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nhelmCharts:\n  - name: postgresql\n    releaseName: orders-db\n{values}"
        )
    };
    let (hf, argo, tf, kz) =
        ("deploy/helmfile.yaml", "deploy/argo/orders.yaml", "deploy/tf/helm.tf", "deploy/kz/kustomization.yaml");
    let encoded = |enabled: &str| {
        release(&format!(
            "  values = [\n    yamlencode({{\n      primary = {{\n        persistence = {{ enabled = {enabled} }}\n      }}\n    }}),\n  ]\n"
        ))
    };
    let cases: [(&str, &str, String, String, &[&str]); 9] = [
        ("a helm_release's yamlencode values", tf, encoded("true"), encoded("false"), &["PersistentVolumeClaim"]),
        (
            "a Kustomization's chart values",
            kz,
            charts(""),
            charts("    valuesInline:\n      primary:\n        persistence:\n          enabled: false\n"),
            &["PersistentVolumeClaim"],
        ),
        (
            "a helm_release's set block",
            tf,
            release(&set("image.tag", "1")),
            release(&(set("image.tag", "1") + &set("postgresql.enabled", "false"))),
            &["postgresql"],
        ),
        ("a helm_release's tag", tf, release(&set("image.tag", "1")), release(&set("image.tag", "2")), &[]),
        (
            "a set entry",
            hf,
            helmfile(""),
            helmfile("    set:\n      - name: postgresql.enabled\n        value: false\n"),
            &["postgresql"],
        ),
        (
            "an inline map",
            hf,
            helmfile("      - postgresql:\n          enabled: true\n"),
            helmfile("      - postgresql:\n          enabled: false\n"),
            &["postgresql"],
        ),
        (
            "turned on",
            hf,
            helmfile(""),
            helmfile("    set:\n      - name: postgresql.enabled\n        value: true\n"),
            &[],
        ),
        (
            "a release taken out",
            hf,
            helmfile("      - postgresql: {enabled: true}\n") + "  - name: web\n    chart: ./web\n",
            "releases:\n  - name: web\n    chart: ./web\n".to_owned(),
            &[],
        ),
        (
            "parameters given to a bare application",
            argo,
            app(""),
            app(
                "    helm:\n      parameters:\n        - name: primary.persistence.enabled\n          value: \"false\"\n",
            ),
            &["PersistentVolumeClaim"],
        ),
    ];
    for (what, path, before, after, removed) in cases {
        repo.git(&["rm", "-rq", "--ignore-unmatch", "deploy"]);
        repo.write(path, before.as_bytes());
        let base = repo.commit(0.0, "Before");
        repo.write(path, after.as_bytes());
        let head = repo.commit(1.0, what);
        let expected: Vec<(&str, &[&str])> = if removed.is_empty() { vec![] } else { vec![(path, removed)] };
        assert_removes(&repo, &base, &head, what, &expected);
    }
}

/// A Helm switch turned off on a pipeline's command line (`--set
/// postgresql.enabled=false`) deletes what it held, as the same switch in
/// a values file does; one that holds nothing (`metrics`), or one turned
/// on, does not.
#[test]
fn a_helm_switch_set_off_on_the_command_line_destroys_what_it_held() {
    let repo = Repo::new("helm-set");
    let workflow = |run: &str| {
        format!(
            "name: deploy\non: push\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    steps:\n      - run: {run}\n"
        )
    };
    let path = ".github/workflows/deploy.yml";
    repo.write(path, workflow("helm upgrade --install orders ./charts/orders --set image.tag=1").as_bytes());
    let base = repo.commit(0.0, "Deploy");
    for (set, expected) in [
        ("postgresql.enabled=false", &[(path, &["postgresql"][..])][..]),
        ("primary.persistence.enabled=false", &[(path, &["PersistentVolumeClaim"][..])][..]),
        ("metrics.enabled=false", &[][..]),
        ("postgresql.enabled=true", &[][..]),
    ] {
        repo.git(&["checkout", "-q", &base]);
        let run = format!("helm upgrade --install orders ./charts/orders --set image.tag=1 --set {set}");
        repo.write(path, workflow(&run).as_bytes());
        let head = repo.commit(1.0, set);
        assert_removes(&repo, &base, &head, set, expected);
    }
}

/// `kubectl delete -f FILE` added to a deploy script deletes what the file
/// declares, read at the head (a claim: its data), where a single file
/// counted nothing; a Job's file deleted to run it again, or a file that
/// is not there, destroys nothing.
#[test]
fn kubectl_delete_of_a_manifest_file_reads_it() {
    let repo = Repo::new("kubectl-file");
    repo.write("scripts/deploy.sh", b"#!/bin/sh\nset -e\nkubectl apply -f k8s/\n");
    repo.write("k8s/pvc.yaml", b"apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: orders-data\n");
    repo.write("k8s/migrate.yaml", b"apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: migrate\n");
    let base = repo.commit(0.0, "Deploy script");
    for (line, expected) in [
        ("kubectl delete -f k8s/pvc.yaml", &[("scripts/deploy.sh", &["PersistentVolumeClaim"][..])][..]),
        (
            "cd k8s && kubectl -n prod delete --filename=pvc.yaml",
            &[("scripts/deploy.sh", &["PersistentVolumeClaim"][..])][..],
        ),
        ("kubectl delete -f k8s/migrate.yaml --ignore-not-found", &[][..]),
        ("kubectl delete -f k8s/missing.yaml", &[][..]),
    ] {
        repo.git(&["checkout", "-q", &base]);
        repo.write("scripts/deploy.sh", format!("#!/bin/sh\nset -e\n{line}\nkubectl apply -f k8s/\n").as_bytes());
        let head = repo.commit(1.0, line);
        assert_removes(&repo, &base, &head, line, expected);
    }
}

/// Red team 29: a claim, volume, stateful set or namespace renamed in
/// place (`metadata.name`) is deleted and made anew, empty, by the tools
/// that prune, as a Terraform label renamed is; a stateless object
/// renamed, or one kept, is an edit.
#[test]
fn a_data_holding_object_renamed_in_place_is_destroyed() {
    let claim = |name: &str| {
        format!(
            "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: {name}\nspec:\n  resources:\n    requests:\n      storage: 10Gi\n"
        )
    };
    let deploy = |name: &str| {
        format!("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {name}\nspec:\n  replicas: 2\n")
    };
    let repo = Repo::new("renamed");
    repo.write("k8s/pvc.yaml", claim("orders-data").as_bytes());
    repo.write("k8s/web.yaml", deploy("web").as_bytes());
    let base = repo.commit(0.0, "Manifests");
    let renamed_claim = claim("orders-data-v2");
    let bigger_claim = claim("orders-data").replace("10Gi", "20Gi");
    let renamed_web = deploy("web-v2");
    assert_file_cases(
        &repo,
        &base,
        &[
            ("Rename the claim", "k8s/pvc.yaml", &renamed_claim, &[("k8s/pvc.yaml", &["PersistentVolumeClaim"])]),
            ("Grow the claim", "k8s/pvc.yaml", &bigger_claim, &[]),
            ("Rename the deployment", "k8s/web.yaml", &renamed_web, &[]),
        ],
    );
}

/// Red team 29 (F4): an edit Terraform applies by replacing a resource
/// that holds data destroys it: a replacing argument changed (an RDS
/// `identifier`, a bucket's name, a table's `hash_key`) or set where it
/// was not, and a registry module switched off (`create_db_instance =
/// false`, `create = false`). Sizes, classes, layout and comments, a
/// part's switch (`create_db_parameter_group`) and a nested block's
/// `name` are edits.
#[test]
fn replacing_edits_and_module_switches_destroy() {
    const PATH: &str = "orders/tf/main.tf";
    let main = "resource \"aws_db_instance\" \"orders\" {\n  identifier     = \"orders\"\n  engine         = \"postgres\"\n  instance_class = \"db.r6g.large\"\n  tags = {\n    name = \"orders\"\n  }\n}\n\
resource \"aws_db_instance\" \"reports\" {\n  engine = \"postgres\"\n}\n\
resource \"aws_s3_bucket\" \"assets\" { bucket = \"acme-assets\" }\n\
resource \"aws_dynamodb_table\" \"carts\" {\n  name     = \"carts\"\n  hash_key = \"id\"\n  attribute {\n    name = \"id\"\n    type = \"S\"\n  }\n}\n\
module \"ledger\" {\n  source  = \"terraform-aws-modules/rds/aws\"\n  version = \"6.1.0\"\n  engine  = \"postgres\"\n}\n";
    let repo = Repo::new("replacing");
    repo.write(PATH, main.as_bytes());
    let base = repo.commit(0.0, "Deploy orders");
    // (Cases of `FileCase` whose text is made here.)
    type Made<'a> = (&'a str, &'a str, String, &'a [(&'a str, &'a [&'a str])]);
    let cases: Vec<Made<'_>> = vec![
        (
            "rename the database",
            PATH,
            main.replace("= \"orders\"\n  engine", "= \"orders-v2\"\n  engine"),
            &[(PATH, &["aws_db_instance"])],
        ),
        (
            "name a database that had a made-up name",
            PATH,
            main.replace("\"reports\" {\n", "\"reports\" {\n  identifier = \"reports\"\n"),
            &[(PATH, &["aws_db_instance"])],
        ),
        ("rename the bucket", PATH, main.replace("acme-assets", "acme-static"), &[(PATH, &["aws_s3_bucket"])]),
        (
            "key the table otherwise",
            PATH,
            main.replace("hash_key = \"id\"", "hash_key = \"cart_id\""),
            &[(PATH, &["aws_dynamodb_table"])],
        ),
        (
            "switch the module's database off",
            PATH,
            main.replace("version = \"6.1.0\"\n", "version = \"6.1.0\"\n  create_db_instance = false\n"),
            &[(PATH, &["module terraform-aws-modules/rds/aws"])],
        ),
        (
            "switch the whole module off",
            PATH,
            main.replace("version = \"6.1.0\"\n", "version = \"6.1.0\"\n  create = false\n"),
            &[(PATH, &["module terraform-aws-modules/rds/aws"])],
        ),
        ("grow the database", PATH, main.replace("db.r6g.large", "db.r6g.xlarge"), &[]),
        (
            "lay the file out again",
            PATH,
            main.replace("identifier     = \"orders\"", "identifier = \"orders\" # the production name"),
            &[],
        ),
        (
            "rename a tag and an attribute",
            PATH,
            main.replace("name = \"orders\"", "name = \"orders-db\"").replace("name = \"id\"", "name = \"cart\""),
            &[],
        ),
        (
            "rename the block with a moved block",
            PATH,
            format!(
                "{}moved {{\n  from = aws_db_instance.orders\n  to   = aws_db_instance.primary\n}}\n",
                main.replace("\"orders\" {", "\"primary\" {")
            ),
            &[],
        ),
        (
            "rename the block with a moved block, and the database",
            PATH,
            format!(
                "{}moved {{\n  from = aws_db_instance.orders\n  to   = aws_db_instance.primary\n}}\n",
                main.replace("\"orders\" {", "\"primary\" {")
                    .replace("= \"orders\"\n  engine", "= \"orders-v2\"\n  engine")
            ),
            &[(PATH, &["aws_db_instance"])],
        ),
        (
            "move the name into a variable",
            PATH,
            main.replace("identifier     = \"orders\"", "identifier     = var.identifier"),
            &[],
        ),
        (
            "state the encryption the database has",
            PATH,
            main.replace("\"reports\" {\n", "\"reports\" {\n  storage_encrypted = false\n"),
            &[],
        ),
        (
            "drop the module's own parameter group",
            PATH,
            main.replace("version = \"6.1.0\"\n", "version = \"6.1.0\"\n  create_db_parameter_group = false\n"),
            &[],
        ),
    ];
    let cases: Vec<FileCase<'_>> = cases.iter().map(|(w, p, t, e)| (*w, *p, t.as_str(), *e)).collect();
    assert_file_cases(&repo, &base, &cases);

    // OpenTofu's own files are read as Terraform's (red team 33: a
    // database deleted from one, or renamed in one, was `auto`).
    let tofu = Repo::new("tofu");
    tofu.write("leaf/db.tofu", main.as_bytes());
    tofu.write("leaf/app.tofu", b"resource \"aws_iam_role\" \"app\" {\n  name = \"app\"\n}\n");
    let base = tofu.commit(0.0, "Deploy orders with OpenTofu");
    let renamed = main.replace("acme-assets", "acme-static");
    assert_file_cases(
        &tofu,
        &base,
        &[("rename the bucket", "leaf/db.tofu", &renamed, &[("leaf/db.tofu", &["aws_s3_bucket"])])],
    );
}

/// A `moved` block within one module explains its own resource's rename
/// only: a database renamed with one beside another of its type deleted
/// destroys that one (red team 33: `peer`, the rename standing for it).
/// A rename alone, and a move into a module the folder calls, are moves.
#[test]
fn a_moved_block_explains_its_own_resource_only() {
    const PATH: &str = "orders/tf/main.tf";
    let db = |name: &str| format!("resource \"aws_db_instance\" \"{name}\" {{\n  engine = \"postgres\"\n}}\n");
    let moved = |from: &str, to: &str| format!("moved {{\n  from = {from}\n  to   = {to}\n}}\n");
    let repo = Repo::new("moved-own");
    repo.write(PATH, format!("{}{}", db("a"), db("b")).as_bytes());
    let base = repo.commit(0.0, "Two databases");
    let renamed = format!("{}{}{}", db("a2"), db("b"), moved("aws_db_instance.a", "aws_db_instance.a2"));
    let renamed_and_dropped = format!("{}{}", db("a2"), moved("aws_db_instance.a", "aws_db_instance.a2"));
    let into_module = format!(
        "{}module \"ledger\" {{\n  source = \"./ledger\"\n}}\n{}",
        db("a"),
        moved("aws_db_instance.b", "module.ledger.aws_db_instance.b")
    );
    let cases: Vec<FileCase<'_>> = vec![
        ("rename one with a moved block", PATH, &renamed, &[]),
        ("rename one, drop the other", PATH, &renamed_and_dropped, &[(PATH, &["aws_db_instance"])]),
        ("move one into a module", PATH, &into_module, &[]),
    ];
    assert_file_cases(&repo, &base, &cases);
}

/// Red team 29's F3 and red team 34: a resource's identity renamed
/// outside Terraform (a CloudFormation logical id, a Pulumi YAML key, a
/// CDK construct id, a Pulumi name) and a CloudFormation property whose
/// change replaces a datastore (its name, its key schema; a name set where
/// CloudFormation generated one) read as edits, where the tools delete the
/// resource and make a new, empty one. Edits that keep every identity and
/// value as the tool reads it (flow or block style, quotes, order, a
/// literal moved behind a `!Ref`, a Pulumi alias, the CDK's
/// `overrideLogicalId`) destroy nothing.
#[test]
fn stack_identities_and_replacing_properties_outside_terraform() {
    const CFN: &str = "orders/cfn/orders.yaml";
    // (Cases of `FileCase` whose text is made here.)
    type Made<'a> = (&'a str, &'a str, String, &'a [(&'a str, &'a [&'a str])]);
    let template = concat!(
        "AWSTemplateFormatVersion: \"2010-09-09\"\nParameters:\n  Env:\n    Type: String\n    Default: prod\n",
        "Resources:\n  OrdersTable:\n    Type: AWS::DynamoDB::Table\n    Properties:\n",
        "      TableName: !Sub \"${Env}-orders\"\n      BillingMode: PAY_PER_REQUEST\n",
        "      KeySchema:\n        - AttributeName: id\n          KeyType: HASH\n",
        "      AttributeDefinitions:\n        - AttributeName: id\n          AttributeType: S\n",
        "  Assets:\n    Type: AWS::S3::Bucket # the shop's images\n    Properties:\n      BucketName: acme-assets\n",
        "  Jobs:\n    Type: AWS::SQS::Queue\n",
    );
    let repo = Repo::new("stacks");
    repo.write(CFN, template.as_bytes());
    repo.write("orders/cfn/other.yaml", b"Resources:\n  Topic:\n    Type: AWS::SNS::Topic\n");
    let base = repo.commit(0.0, "Deploy the orders stack");
    let table: &[(&str, &[&str])] = &[(CFN, &["AWS::DynamoDB::Table"])];
    let cases: Vec<Made<'_>> = vec![
        ("rename the table's logical id", CFN, template.replace("  OrdersTable:", "  OrdersTableV2:"), table),
        ("rename the table", CFN, template.replace("!Sub \"${Env}-orders\"", "!Sub \"${Env}-orders-v2\""), table),
        (
            "key the table otherwise",
            CFN,
            template.replace("AttributeName: id\n          KeyType", "AttributeName: orderId\n          KeyType"),
            table,
        ),
        ("rename the bucket", CFN, template.replace("acme-assets", "acme-static"), &[(CFN, &["AWS::S3::Bucket"])]),
        (
            "name a queue that had a made-up name",
            CFN,
            template.replace("AWS::SQS::Queue\n", "AWS::SQS::Queue\n    Properties:\n      QueueName: jobs\n"),
            &[(CFN, &["AWS::SQS::Queue"])],
        ),
        ("bill the table otherwise", CFN, template.replace("PAY_PER_REQUEST", "PROVISIONED"), &[]),
        (
            "write the key schema in flow style, the bucket's name quoted",
            CFN,
            template
                .replace(
                    "KeySchema:\n        - AttributeName: id\n          KeyType: HASH\n",
                    "KeySchema: [{KeyType: HASH, AttributeName: id}]\n",
                )
                .replace("BucketName: acme-assets", "BucketName: 'acme-assets'"),
            &[],
        ),
        (
            "put the queue first",
            CFN,
            template
                .replace("  Jobs:\n    Type: AWS::SQS::Queue\n", "")
                .replace("Resources:\n", "Resources:\n  Jobs:\n    Type: AWS::SQS::Queue\n"),
            &[],
        ),
        (
            "take the bucket's name from a parameter",
            CFN,
            template.replace("BucketName: acme-assets", "BucketName: !Ref AssetsBucketName"),
            &[],
        ),
        (
            "state the queue's default",
            CFN,
            template.replace("AWS::SQS::Queue\n", "AWS::SQS::Queue\n    Properties:\n      FifoQueue: false\n"),
            &[],
        ),
    ];
    let cases: Vec<FileCase<'_>> = cases.iter().map(|(w, p, t, e)| (*w, *p, t.as_str(), *e)).collect();
    assert_file_cases(&repo, &base, &cases);
    // A template is a stack: a resource moved to another template of the
    // folder is deleted from its own (and made anew, empty, in the other).
    repo.git(&["checkout", "-q", &base]);
    repo.write(CFN, template.replace("  Assets:\n    Type: AWS::S3::Bucket # the shop's images\n    Properties:\n      BucketName: acme-assets\n", "").as_bytes());
    repo.write(
        "orders/cfn/other.yaml",
        b"Resources:\n  Topic:\n    Type: AWS::SNS::Topic\n  Assets:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: acme-assets\n",
    );
    let moved = repo.commit(20.0, "Move the bucket to the other stack");
    assert_removes(&repo, &base, &moved, "move the bucket to another template", &[(CFN, &["AWS::S3::Bucket"])]);

    // Programs: a CDK construct's id, a Pulumi resource's name, a Pulumi
    // YAML resource's key; a CDK Go entry named for its project.
    let programs = Repo::new("stack-programs");
    const CDK: &str = "shop/cdk/lib/orders-stack.ts";
    const PULUMI: &str = "pay/infra/__main__.py";
    const YAML: &str = "ledger/Pulumi.yaml";
    const GO: &str = "jobs/orders-cdk.go";
    let cdk = "import * as dynamodb from \"aws-cdk-lib/aws-dynamodb\";\nexport class OrdersStack extends Stack {\n  constructor(scope: Construct, id: string) {\n    super(scope, id);\n    const orders = new dynamodb.Table(this, \"Orders\", {\n      partitionKey: { name: \"id\", type: dynamodb.AttributeType.STRING },\n    });\n  }\n}\n";
    let pulumi = "import pulumi\nimport pulumi_aws as aws\n\ndb = aws.rds.Instance(\n    \"orders\",\n    engine=\"postgres\",\n    instance_class=\"db.t4g.large\",\n)\n";
    let yaml = "name: ledger\nruntime: yaml\nresources:\n  ledgerDb:\n    type: aws:rds:Instance\n    properties:\n      engine: postgres\noutputs:\n  endpoint: ${ledgerDb.endpoint}\n";
    let go = "package main\n\nfunc NewJobsStack(scope constructs.Construct, id string) awscdk.Stack {\n\tstack := awscdk.NewStack(scope, &id, nil)\n\tawssqs.NewQueue(stack, jsii.String(\"Jobs\"), &awssqs.QueueProps{})\n\treturn stack\n}\n";
    programs.write("shop/cdk/cdk.json", b"{\"app\": \"npx ts-node bin/shop.ts\"}\n");
    programs.write(CDK, cdk.as_bytes());
    programs.write("pay/infra/Pulumi.yaml", b"name: pay\nruntime: python\n");
    programs.write(PULUMI, pulumi.as_bytes());
    programs.write(YAML, yaml.as_bytes());
    programs.write("jobs/cdk.json", b"{\"app\": \"go mod download && go run orders-cdk.go\"}\n");
    programs.write(GO, go.as_bytes());
    let base = programs.commit(0.0, "Deploy the stacks");
    let cases: Vec<Made<'_>> = vec![
        ("rename the construct", CDK, cdk.replace("this, \"Orders\"", "this, \"OrdersTable\""), &[(CDK, &["dynamodb.Table"])]),
        (
            "rename the construct, keeping its logical id",
            CDK,
            cdk.replace("this, \"Orders\"", "this, \"OrdersTable\"").replace(
                "    });\n  }\n",
                "    });\n    (orders.node.defaultChild as dynamodb.CfnTable).overrideLogicalId(\"OrdersE1F2A3B4\");\n  }\n",
            ),
            &[],
        ),
        ("rename the construct's variable", CDK, cdk.replace("const orders =", "const ordersTable ="), &[]),
        // Made in a loop: as many as it runs (red team 35's O07: read as
        // deleted).
        (
            "make the table in a loop",
            CDK,
            cdk.replace(
                "    const orders = new dynamodb.Table(this, \"Orders\", {",
                "    for (const name of [\"Orders\"]) {\n    const orders = new dynamodb.Table(this, name, {",
            )
            .replace("    });\n  }\n", "    });\n    }\n  }\n"),
            &[],
        ),
        ("rename the resource", PULUMI, pulumi.replace("\"orders\",", "\"orders-db\","), &[(PULUMI, &["aws.rds.Instance"])]),
        (
            "rename the resource with an alias",
            PULUMI,
            pulumi.replace("\"orders\",", "\"orders-db\",").replace(
                "instance_class=\"db.t4g.large\",\n",
                "instance_class=\"db.t4g.large\",\n    opts=pulumi.ResourceOptions(aliases=[pulumi.Alias(name=\"orders\")]),\n",
            ),
            &[],
        ),
        ("rename the YAML resource", YAML, yaml.replace("ledgerDb", "ledgerDatabase"), &[(YAML, &["aws:rds:Instance"])]),
        // A type token written in full is the same type (red team 35's
        // O43: read as the database deleted).
        ("write the YAML resource's type in full", YAML, yaml.replace("aws:rds:Instance", "aws:rds/instance:Instance"), &[]),
        (
            "write the YAML resource's type in full, renaming it",
            YAML,
            yaml.replace("aws:rds:Instance", "aws:rds/instance:Instance").replace("ledgerDb", "ledgerDatabase"),
            &[(YAML, &["aws:rds:Instance"])],
        ),
        ("rename the queue", GO, go.replace("\"Jobs\"", "\"JobsQueue\""), &[(GO, &["awssqs.Queue"])]),
        // Imports spelled otherwise name the same classes (red team 34:
        // each read as the resource deleted); a construct of a class
        // imported by name is read, and deleting it destroys.
        (
            "import the table's class by name",
            CDK,
            cdk.replace("import * as dynamodb", "import { Table, AttributeType }")
                .replace("new dynamodb.Table", "new Table")
                .replace("dynamodb.AttributeType", "AttributeType"),
            &[],
        ),
        (
            "import the provider's module by name",
            PULUMI,
            pulumi.replace("import pulumi_aws as aws", "from pulumi_aws import rds").replace("aws.rds.", "rds."),
            &[],
        ),
        // Arguments that replace a datastore: the CDK's props, Pulumi's
        // arguments (red team 34); others, and a literal moved into a
        // variable, do not.
        (
            "name the table",
            CDK,
            cdk.replace("      partitionKey:", "      tableName: \"orders\",\n      partitionKey:"),
            &[(CDK, &["dynamodb.Table"])],
        ),
        ("key the table otherwise", CDK, cdk.replace("name: \"id\"", "name: \"orderId\""), &[(CDK, &["dynamodb.Table"])]),
        (
            "add a local secondary index to the table",
            CDK,
            cdk.replace(
                "    });\n  }\n",
                "    });\n    orders.addLocalSecondaryIndex({ indexName: \"byDate\", sortKey: { name: \"date\", type: dynamodb.AttributeType.STRING } });\n  }\n",
            ),
            &[(CDK, &["dynamodb.Table"])],
        ),
        (
            "bill the table otherwise",
            CDK,
            cdk.replace("      partitionKey:", "      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,\n      partitionKey:"),
            &[],
        ),
        (
            "name the database",
            PULUMI,
            pulumi.replace("    engine=", "    db_name=\"orders\",\n    engine="),
            &[(PULUMI, &["aws.rds.Instance"])],
        ),
        ("grow the database", PULUMI, pulumi.replace("db.t4g.large", "db.t4g.xlarge"), &[]),
        (
            "rename the YAML database",
            YAML,
            yaml.replace("      engine: postgres\n", "      engine: postgres\n      dbName: ledger\n"),
            &[(YAML, &["aws:rds:Instance"])],
        ),
    ];
    let cases: Vec<FileCase<'_>> = cases.iter().map(|(w, p, t, e)| (*w, *p, t.as_str(), *e)).collect();
    assert_file_cases(&programs, &base, &cases);

    let named = cdk
        .replace("import * as dynamodb", "import { Table, AttributeType }")
        .replace("new dynamodb.Table", "new Table")
        .replace("dynamodb.AttributeType", "AttributeType");
    programs.git(&["checkout", "-q", &base]);
    programs.write(CDK, named.as_bytes());
    let named_base = programs.commit(30.0, "Import by name");
    let without = named.replace("    const orders = new Table(this, \"Orders\", {\n      partitionKey: { name: \"id\", type: AttributeType.STRING },\n    });\n", "");
    assert!(without != named);
    programs.write(CDK, without.as_bytes());
    let dropped = programs.commit(31.0, "Drop the table");
    assert_removes(&programs, &named_base, &dropped, "drop a table imported by name", &[(CDK, &["dynamodb.Table"])]);

    // A construct moved into a new file of its folder that the stack
    // imports is still made; into one nothing imports, it is not.
    const HELPER: &str = "shop/cdk/lib/storage.ts";
    let helper = "import * as dynamodb from \"aws-cdk-lib/aws-dynamodb\";\nexport function ordersTable(scope: Construct): dynamodb.Table {\n  return new dynamodb.Table(scope, \"Orders\", {\n    partitionKey: { name: \"id\", type: dynamodb.AttributeType.STRING },\n  });\n}\n";
    let calling = cdk.replace(
        "    const orders = new dynamodb.Table(this, \"Orders\", {\n      partitionKey: { name: \"id\", type: dynamodb.AttributeType.STRING },\n    });\n",
        "    const orders = ordersTable(this);\n",
    );
    assert!(calling != cdk);
    // (Also one in a subfolder, or named by an absolute import: red team
    // 35's O15 and O26, read as deleted.)
    for (what, import, helper_path, expected) in [
        ("move the table into an imported helper", "import { ordersTable } from \"./storage\";\n", HELPER, &[][..]),
        ("move the table into a file nothing imports", "", HELPER, &[(CDK, &["dynamodb.Table"][..])][..]),
        (
            "move the table into a helper in a subfolder",
            "import { ordersTable } from \"./helpers/storage\";\n",
            "shop/cdk/lib/helpers/storage.ts",
            &[][..],
        ),
        (
            "move the table into a helper an absolute import names",
            "import { ordersTable } from \"@lib/helpers/storage\";\n",
            "shop/cdk/lib/helpers/storage.ts",
            &[][..],
        ),
        (
            "move the table into a helper folder's index",
            "import { ordersTable } from \"./helpers\";\n",
            "shop/cdk/lib/helpers/index.ts",
            &[][..],
        ),
        (
            "move the table into a helper in a subfolder nothing imports",
            "",
            "shop/cdk/lib/helpers/storage.ts",
            &[(CDK, &["dynamodb.Table"][..])][..],
        ),
    ] {
        programs.git(&["checkout", "-q", &base]);
        programs.write(CDK, format!("{import}{calling}").as_bytes());
        programs.write(helper_path, helper.as_bytes());
        let moved = programs.commit(40.0, what);
        assert_removes(&programs, &base, &moved, what, expected);
    }

    // A CDK Python package's module beside its stack, and a Pulumi
    // program's module beside its entry point, are the program's (red
    // team 35: read as code, a table moved into one was deleted).
    let package = Repo::new("stack-modules");
    const PY_STACK: &str = "cdk-py/orders/orders_stack.py";
    const PY_MODULE: &str = "cdk-py/orders/storage.py";
    const TS_MODULE: &str = "billing/database.ts";
    let py_table = "        orders = dynamodb.Table(\n            self,\n            \"Orders\",\n            partition_key=dynamodb.Attribute(name=\"id\", type=dynamodb.AttributeType.STRING),\n        )\n";
    let py_stack = format!(
        "from aws_cdk import Stack\nfrom aws_cdk import aws_dynamodb as dynamodb\n\n\nclass OrdersStack(Stack):\n    def __init__(self, scope, construct_id):\n        super().__init__(scope, construct_id)\n{py_table}"
    );
    let ts_module = "import * as aws from \"@pulumi/aws\";\nexport const ledger = new aws.rds.Instance(\"ledger\", { engine: \"postgres\" });\n";
    package.write("cdk-py/cdk.json", b"{\"app\": \"python3 app.py\"}\n");
    package.write(PY_STACK, py_stack.as_bytes());
    package.write("billing/Pulumi.yaml", b"name: billing\nruntime: nodejs\n");
    package.write("billing/index.ts", b"import \"./database\";\n");
    package.write(TS_MODULE, ts_module.as_bytes());
    let base = package.commit(0.0, "Two stacks");
    let py_module = "from aws_cdk import aws_dynamodb as dynamodb\n\n\ndef orders_table(self):\n    return dynamodb.Table(\n        self,\n        \"Orders\",\n        partition_key=dynamodb.Attribute(name=\"id\", type=dynamodb.AttributeType.STRING),\n    )\n";
    package.write(PY_MODULE, py_module.as_bytes());
    package.write(
        PY_STACK,
        format!(
            "from .storage import orders_table\n{}",
            py_stack.replace(py_table, "        orders = orders_table(self)\n")
        )
        .as_bytes(),
    );
    let moved = package.commit(1.0, "Move the table into a module");
    assert_removes(&package, &base, &moved, "move the table into the package's module", &[]);
    package.git(&["checkout", "-q", &base]);
    package.write(TS_MODULE, b"import * as aws from \"@pulumi/aws\";\n");
    let dropped = package.commit(2.0, "Drop the ledger");
    assert_removes(
        &package,
        &base,
        &dropped,
        "drop the database from the program's module",
        &[(TS_MODULE, &["aws.rds.Instance"])],
    );
}

/// Red team 33's T7: Terraform merges an override file's blocks
/// (`override.tf`, `*_override.tf`) into the blocks of the same address,
/// so a replacing argument set there, or `count = 0`, replaces or destroys
/// the resource (each read as an edit), and the file declares nothing of
/// its own (deleting one read as the database deleted).
#[test]
fn terraform_override_files_change_the_blocks_they_name() {
    const MAIN: &str = "orders/tf/main.tf";
    const OVERRIDE: &str = "orders/tf/db_override.tf";
    let db = "resource \"aws_db_instance\" \"orders\" {\n  identifier     = \"orders\"\n  engine         = \"postgres\"\n  instance_class = \"db.t4g.large\"\n}\n";
    let sized = "resource \"aws_db_instance\" \"orders\" {\n  instance_class = \"db.t4g.xlarge\"\n}\n";
    let repo = Repo::new("overrides");
    repo.write(MAIN, db.as_bytes());
    repo.write(OVERRIDE, sized.as_bytes());
    let base = repo.commit(0.0, "Deploy the orders database");
    let renamed = sized.replace("}\n", "  identifier     = \"orders-v2\"\n}\n");
    let uninstanced = sized.replace("}\n", "  count          = 0\n}\n");
    let resized = sized.replace("xlarge", "2xlarge");
    let variable = sized.replace("}\n", "  identifier     = var.identifier\n}\n");
    let cases: Vec<FileCase<'_>> = vec![
        ("rename the database in the override", OVERRIDE, &renamed, &[(OVERRIDE, &["aws_db_instance"])]),
        ("give the database no instance in the override", OVERRIDE, &uninstanced, &[(OVERRIDE, &["aws_db_instance"])]),
        ("resize the database in the override", OVERRIDE, &resized, &[]),
        ("name the database from a variable in the override", OVERRIDE, &variable, &[]),
        (
            "rename the database in a new override",
            "orders/tf/override.tf",
            &renamed,
            &[("orders/tf/override.tf", &["aws_db_instance"])],
        ),
    ];
    assert_file_cases(&repo, &base, &cases);

    // Deleting the override declares no database of its own; deleting one
    // that renamed it reverts the name, which replaces it.
    repo.git(&["checkout", "-q", &base]);
    repo.git(&["rm", "-q", OVERRIDE]);
    let deleted = repo.commit(10.0, "Drop the size override");
    let (change, fired) = read_and_assess_on_a_leaf(&repo, &base, &deleted);
    let file = change.files.iter().find(|f| f.path == OVERRIDE).unwrap();
    assert!(file.declares.is_empty(), "{file:?}");
    assert!(!fired.iter().any(|r| r == "destructive-datastore-or-queue"), "{fired:?}");
    repo.git(&["checkout", "-q", &base]);
    repo.write(OVERRIDE, renamed.as_bytes());
    let renaming = repo.commit(11.0, "Rename the database in the override");
    repo.git(&["rm", "-q", OVERRIDE]);
    let reverted = repo.commit(12.0, "Drop the renaming override");
    let (change, fired) = read_and_assess_on_a_leaf(&repo, &renaming, &reverted);
    let file = change.files.iter().find(|f| f.path == OVERRIDE).unwrap();
    assert_eq!(file.declares, ["aws_db_instance"]);
    assert!(fired.iter().any(|r| r == "destructive-datastore-or-queue"), "{fired:?}");
}

/// Red team 33's T1: Terraform's JSON syntax (`*.tf.json`) is read as its
/// HCL is: each resource by its name (a second database of a type taken
/// out was unread), `"count": 0`, replacing arguments and labels renamed.
#[test]
fn terraform_json_is_read_as_terraform() {
    const MAIN: &str = "orders/tf/main.tf.json";
    let json = |orders: &str, ledger: &str| {
        format!("{{\n  \"resource\": {{\n    \"aws_db_instance\": {{\n{orders}{ledger}    }}\n  }}\n}}\n")
    };
    let orders = "      \"orders\": {\n        \"identifier\": \"orders\",\n        \"instance_class\": \"db.t4g.large\"\n      },\n";
    let ledger = "      \"ledger\": {\n        \"identifier\": \"ledger\"\n      }\n";
    let repo = Repo::new("terraform-json");
    repo.write(MAIN, json(orders, ledger).as_bytes());
    let base = repo.commit(0.0, "Deploy two databases");
    let db: &[(&str, &[&str])] = &[(MAIN, &["aws_db_instance"])];
    let texts = [
        ("drop one database of two", json("", ledger), db),
        (
            "give a database no instance",
            json(&orders.replace("\"identifier\"", "\"count\": 0,\n        \"identifier\""), ledger),
            db,
        ),
        ("rename a database", json(&orders.replace("\"orders\",", "\"orders-v2\","), ledger), db),
        ("rename a database's label", json(&orders.replace("\"orders\": {", "\"orders_db\": {"), ledger), db),
        ("resize a database", json(&orders.replace("large", "xlarge"), ledger), &[][..]),
    ];
    let cases: Vec<FileCase<'_>> = texts.iter().map(|(w, text, e)| (*w, MAIN, text.as_str(), *e)).collect();
    assert_file_cases(&repo, &base, &cases);
}
