//! `blastgate graph freeze` and snapshots as `--graph` inputs: the same
//! answers as the sources, exit 2 for a snapshot with other files or a
//! damaged one.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a panic is a failed test"
)]

use std::path::PathBuf;
use std::process::{Command, Output};

const GRAPH: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/fixtures/graphs/dsb-hotel-reservation.edges");

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_blastgate")).args(args).output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).unwrap()
}

fn snapshot(name: &str) -> PathBuf {
    let path = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("blastgate-freeze-{}-{name}.bgs", std::process::id()));
    let out = run(&["graph", "freeze", GRAPH, "--out", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).starts_with("froze "), "{}", text(&out.stdout));
    path
}

#[test]
fn a_snapshot_answers_as_its_sources() {
    let bgs = snapshot("same");
    let bgs = bgs.to_str().unwrap();
    for args in [
        vec!["graph", "export", "--to", "json"],
        vec!["graph", "export", "--to", "dot"],
        vec!["radius", "--format", "json", "--graph"],
    ] {
        let with = |graph: &str| {
            let mut a = args.clone();
            a.push(graph);
            if a[0] == "radius" {
                a.push("mongodb-geo");
            }
            let out = run(&a);
            assert_eq!(out.status.code(), Some(0), "{a:?}: {}", text(&out.stderr));
            text(&out.stdout)
        };
        assert_eq!(with(GRAPH), with(bgs), "{args:?}");
    }
    let check = |graph: &str| {
        let out = run(&["graph", "check", "--format", "json", graph]);
        let mut v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        v.as_object_mut().unwrap().remove("sources");
        v
    };
    assert_eq!(check(GRAPH), check(bgs));
    let _ = std::fs::remove_file(bgs);
}

#[test]
fn mixed_or_damaged_snapshots_exit_2() {
    let bgs = snapshot("bad");
    let out = run(&["graph", "check", bgs.to_str().unwrap(), GRAPH]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("cannot be merged"), "{}", text(&out.stderr));
    let bytes = std::fs::read(&bgs).unwrap();
    std::fs::write(&bgs, &bytes[..bytes.len() - 3]).unwrap();
    let out = run(&["radius", "--graph", bgs.to_str().unwrap(), "mongodb-geo"]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(err.contains("cut short") && err.contains("graph freeze"), "{err}");
    // Cut to nothing, or not a snapshot at all: a `.bgs` file is read as a
    // snapshot, never as an empty (or any other) edge list.
    for damaged in [&b""[..], b"a b\n"] {
        std::fs::write(&bgs, damaged).unwrap();
        let out = run(&["graph", "check", bgs.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(2), "{damaged:?}: {}", text(&out.stdout));
        assert!(text(&out.stderr).contains("not a blastgate graph snapshot"), "{}", text(&out.stderr));
    }
    let _ = std::fs::remove_file(&bgs);
}

/// Freezing over a file replaces it whole (through a symbolic link, the
/// file it points to, keeping the link); a pipe is written into, never
/// replaced by a file; a directory is refused.
#[cfg(target_os = "linux")]
#[test]
fn freezing_replaces_files_and_writes_into_pipes() {
    use std::os::unix::fs::FileTypeExt as _;
    let dir =
        std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("blastgate-freeze-out-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let expected = std::fs::read(snapshot("expected")).unwrap();

    let real = dir.join("real.bgs");
    std::fs::write(&real, b"an older snapshot").unwrap();
    let link = dir.join("link.bgs");
    std::os::unix::fs::symlink(&real, &link).unwrap();
    let o = run(&["graph", "freeze", GRAPH, "--out", link.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
    assert_eq!(std::fs::read(&real).unwrap(), expected);

    let fifo = dir.join("pipe.bgs");
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read(fifo).unwrap())
    };
    let o = run(&["graph", "freeze", GRAPH, "--out", fifo.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    // Checked before joining: a pipe replaced by a file would leave the
    // reader waiting.
    assert!(std::fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo());
    assert_eq!(reader.join().unwrap(), expected);
    // The size said is what went through the pipe (a pipe's size on disk
    // is 0).
    let said = format!("({} bytes)", expected.len());
    assert!(text(&o.stdout).contains(&said), "{} lacks {said}", text(&o.stdout));

    // `-`: the snapshot on standard output, the summary on standard error.
    let o = run(&["graph", "freeze", GRAPH, "--out", "-"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert_eq!(o.stdout, expected);
    assert!(text(&o.stderr).starts_with("froze ") && text(&o.stderr).contains("standard output"));
    assert!(text(&o.stderr).contains(&said), "{}", text(&o.stderr));

    let o = run(&["graph", "freeze", GRAPH, "--out", dir.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("is a directory"), "{}", text(&o.stderr));
    let left: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(left.len(), 3, "no temporary file is left behind: {left:?}");
    std::fs::remove_dir_all(&dir).ok();
}

/// `graph freeze` over one of its own graph files (an audit: `--out`
/// equal to an input replaced the input with the snapshot), also through a
/// symbolic or hard link, is refused before anything is read or written,
/// as `calibrate` refuses to write over its history.
#[cfg(unix)]
#[test]
fn freezing_over_an_input_exits_2() {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("blastgate-freeze-input-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let input = dir.join("in.edges");
    std::fs::copy(GRAPH, &input).unwrap();
    let before = std::fs::read(&input).unwrap();
    let link = dir.join("link.edges");
    std::os::unix::fs::symlink(&input, &link).unwrap();
    let hard = dir.join("hard.edges");
    std::fs::hard_link(&input, &hard).unwrap();
    let other = dir.join("other.edges");
    std::fs::write(&other, "x y\n").unwrap();
    let spelled = dir.join(".").join("in.edges");
    for out in [&input, &spelled, &link, &hard] {
        let o =
            run(&["graph", "freeze", other.to_str().unwrap(), input.to_str().unwrap(), "--out", out.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(2), "{}: {}", out.display(), text(&o.stderr));
        assert!(text(&o.stderr).contains("that is the graph file"), "{}", text(&o.stderr));
        assert_eq!(std::fs::read(&input).unwrap(), before, "{}", out.display());
    }
    let left: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(left.len(), 4, "nothing else is written: {left:?}");
    // `--out -` is standard output, not a file named `-` given as `./-`.
    std::fs::copy(GRAPH, dir.join("-")).unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_blastgate"))
        .current_dir(&dir)
        .args(["graph", "freeze", "./-", "--out", "-"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert_eq!(o.stdout, std::fs::read(snapshot("dash")).unwrap());
    std::fs::remove_dir_all(&dir).ok();
}

/// A snapshot replaced keeps its file's permissions (an audit: 0600 became
/// the umask's 0644, and a 0400 file was replaced and became 0644); a
/// read-only file is refused, exit 2, and left as it was.
#[cfg(unix)]
#[test]
fn replacing_keeps_permissions_and_refuses_read_only_files() {
    use std::os::unix::fs::PermissionsExt as _;
    let dir =
        std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("blastgate-freeze-mode-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o7777;
    let private = dir.join("private.bgs");
    std::fs::write(&private, b"an older snapshot").unwrap();
    std::fs::set_permissions(&private, std::fs::Permissions::from_mode(0o600)).unwrap();
    let o = run(&["graph", "freeze", GRAPH, "--out", private.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert_ne!(std::fs::read(&private).unwrap(), b"an older snapshot");
    assert_eq!(mode(&private), 0o600);

    let protected = dir.join("protected.bgs");
    std::fs::write(&protected, b"an older snapshot").unwrap();
    std::fs::set_permissions(&protected, std::fs::Permissions::from_mode(0o400)).unwrap();
    let o = run(&["graph", "freeze", GRAPH, "--out", protected.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
    assert!(text(&o.stderr).contains("read-only"), "{}", text(&o.stderr));
    assert_eq!(std::fs::read(&protected).unwrap(), b"an older snapshot");
    assert_eq!(mode(&protected), 0o400);
    let left: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(left.len(), 2, "no staging file is left: {left:?}");
    std::fs::remove_dir_all(&dir).ok();
}

/// A name of standard output is standard output, as `-` is (an audit:
/// `--out /dev/stdout` appended the summary line to the snapshot): the
/// snapshot alone on stdout, the summary on stderr; also when `--out`
/// names the file stdout is redirected to.
#[cfg(unix)]
#[test]
fn a_name_of_standard_output_is_standard_output() {
    let expected = std::fs::read(snapshot("stdout")).unwrap();
    let o = run(&["graph", "freeze", GRAPH, "--out", "/dev/stdout"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert_eq!(o.stdout, expected);
    assert!(text(&o.stderr).starts_with("froze ") && text(&o.stderr).contains("standard output"));

    let file = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("blastgate-freeze-redirected-{}.bgs", std::process::id()));
    let o = Command::new(env!("CARGO_BIN_EXE_blastgate"))
        .args(["graph", "freeze", GRAPH, "--out", file.to_str().unwrap()])
        .stdout(std::fs::File::create(&file).unwrap())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert_eq!(std::fs::read(&file).unwrap(), expected);
    assert!(text(&o.stderr).starts_with("froze "), "{}", text(&o.stderr));
    let _ = std::fs::remove_file(&file);
}

/// A failure to write the snapshot is exit 3 however `--out` names it (an
/// audit: `--out /dev/full` was 2, "invalid input", and `--out - >
/// /dev/full` 3); a folder that does not exist is found before any work,
/// exit 2.
#[cfg(target_os = "linux")]
#[test]
fn a_failure_to_write_exits_3() {
    let o = run(&["graph", "freeze", GRAPH, "--out", "/dev/full"]);
    assert_eq!(o.status.code(), Some(3), "{}", text(&o.stderr));
    assert!(text(&o.stderr).contains("cannot write"), "{}", text(&o.stderr));
    let o = Command::new(env!("CARGO_BIN_EXE_blastgate"))
        .args(["graph", "freeze", GRAPH, "--out", "-"])
        .stdout(std::fs::File::create("/dev/full").unwrap())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(3), "{}", text(&o.stderr));
    let o = run(&["graph", "freeze", GRAPH, "--out", "/no/such/folder/graph.bgs"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
    assert!(text(&o.stderr).contains("the folder `/no/such/folder` does not exist"), "{}", text(&o.stderr));
}

/// Outputs refused before any work (an audit): `--out` naming the file
/// standard input is read from (`--out g.edges - < g.edges` replaced the
/// edge list with a snapshot, exit 0); a symbolic link to nothing (the
/// link was replaced by a file, the place it names never written, exit
/// 0); a folder no file can be made in (exit 3 after the whole load). A
/// standard error that cannot be written does not turn a snapshot written
/// to stdout into exit 3.
#[cfg(target_os = "linux")]
#[test]
fn outputs_that_would_lose_data_are_refused_first() {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("blastgate-freeze-refused-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let edges = dir.join("graph.edges");
    std::fs::copy(GRAPH, &edges).unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_blastgate"))
        .args(["graph", "freeze", "-", "--out", edges.to_str().unwrap()])
        .stdin(std::fs::File::open(&edges).unwrap())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
    assert!(text(&o.stderr).contains("an input"), "{}", text(&o.stderr));
    assert_eq!(std::fs::read(&edges).unwrap(), std::fs::read(GRAPH).unwrap(), "the input is kept");

    let link = dir.join("current.bgs");
    std::os::unix::fs::symlink(dir.join("missing").join("graph.bgs"), &link).unwrap();
    let o = run(&["graph", "freeze", GRAPH, "--out", link.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
    assert!(text(&o.stderr).contains("symbolic link"), "{}", text(&o.stderr));
    assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink(), "the link is kept");

    let o = Command::new(env!("CARGO_BIN_EXE_blastgate"))
        .args(["graph", "freeze", GRAPH, "--out", "-"])
        .stderr(std::fs::File::create("/dev/full").unwrap())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(o.stdout, std::fs::read(snapshot("stderr-full")).unwrap());

    // Root writes anywhere; the folder check is seen by other users only.
    let locked = dir.join("locked");
    std::fs::create_dir_all(&locked).unwrap();
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o555)).unwrap();
    if std::fs::write(locked.join("trial"), b"").is_err() {
        let o = run(&["graph", "freeze", GRAPH, "--out", locked.join("graph.bgs").to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
        assert!(text(&o.stderr).contains("no file can be made"), "{}", text(&o.stderr));
    }
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::remove_dir_all(&dir).ok();
}

/// Regression (an environment audit): the summary line quoted the output's
/// name raw, so a name holding a line break or an escape sequence wrote a
/// line of its own (`::error ::...` in a CI log) or drove the terminal.
/// It is shown escaped, as messages show names; the file is written.
#[test]
fn the_summary_shows_a_hidden_character_in_the_name_escaped() {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("freeze-name-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("a\n::error ::x\u{1b}[2J.bgs");
    let o = run(&["graph", "freeze", GRAPH, "--out", path.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    assert_eq!(out.lines().count(), 1, "{out}");
    assert!(!out.contains('\u{1b}'), "{out}");
    assert!(path.exists());
    let _ = std::fs::remove_dir_all(&dir);
}
