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
    let _ = std::fs::remove_file(&bgs);
}
