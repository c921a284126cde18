//! Fault injection: inputs that fail or end early, wherever they do.
//!
//! For real inputs of every kind (native graph YAML, Backstage YAML, an edge
//! list, a Terraform plan, a changeset, a context, CODEOWNERS), at many cut
//! points `n`:
//! - a reader that fails after `n` bytes gives an `io` error naming the
//!   input: nothing read before is ever parsed;
//! - the first `n` bytes alone (a truncated file) parse or give a typed
//!   error naming the input, never a panic;
//! - the input with an invalid UTF-8 byte at `n` parses or gives a typed
//!   error.
//!
//! And an assessment of a changeset that fails to read is never made: the
//! CLI exits 2 (tested in the CLI's tests); a changeset that reads but names
//! unknown services escalates (decision cases).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a panic is a failed test"
)]

use std::io::Read;
use std::path::{Path, PathBuf};

use blastgate::graph::{GraphError, GraphLoader};

/// Gives `good` bytes, then fails.
struct Failing<'a> {
    data: &'a [u8],
    good: usize,
    at: usize,
}

impl Read for Failing<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.at >= self.good {
            return Err(std::io::Error::other("injected fault"));
        }
        // Small reads, so that the fault can land anywhere.
        let n = buf.len().min(self.good - self.at).min(7);
        buf[..n].copy_from_slice(&self.data[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures")
}

fn data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data")
}

/// About 300 cut points spread over `len`, plus the first and last 20.
fn cuts(len: usize) -> Vec<usize> {
    let step = (len / 300).max(1);
    let mut v: Vec<usize> = (0..len).step_by(step).chain(0..len.min(20)).chain(len.saturating_sub(20)..len).collect();
    v.sort_unstable();
    v.dedup();
    v
}

#[derive(Clone, Copy)]
enum Kind {
    Graph,
    Changeset,
    Context,
    Plan,
    CodeOwners,
}

/// Parses `bytes` as `kind`; `Ok(())` or the error's kind and message.
fn parse(kind: Kind, name: &str, bytes: &[u8]) -> Result<(), (String, String)> {
    let graph = |e: GraphError| (e.kind_name().to_owned(), e.to_string());
    let change = |e: blastgate::ChangeError| (e.kind_name().to_owned(), e.to_string());
    match kind {
        Kind::Graph => GraphLoader::default().add_bytes(name, bytes, None).map(drop).map_err(graph),
        Kind::Changeset => blastgate::change::parse_changeset(name, bytes).map(drop).map_err(change),
        Kind::Context => blastgate::context::parse_context(name, bytes).map(drop).map_err(change),
        Kind::Plan => blastgate::change::parse_plan(name, bytes, &blastgate::change::PlanOptions::default())
            .map(drop)
            .map_err(change),
        Kind::CodeOwners => blastgate::change::CodeOwners::parse(name, bytes).map(drop).map_err(change),
    }
}

/// Reads `bytes` as `kind` through a reader that fails after `good` bytes.
fn read_failing(kind: Kind, name: &str, bytes: &[u8], good: usize) -> Result<(), (String, String)> {
    let reader = Failing { data: bytes, good, at: 0 };
    let graph = |e: GraphError| (e.kind_name().to_owned(), e.to_string());
    let change = |e: blastgate::ChangeError| (e.kind_name().to_owned(), e.to_string());
    match kind {
        Kind::Graph => GraphLoader::default().add_reader(name, reader, None).map(drop).map_err(graph),
        Kind::Changeset => blastgate::change::read_changeset(name, reader).map(drop).map_err(change),
        Kind::Context => blastgate::context::read_context(name, reader).map(drop).map_err(change),
        // Plans and CODEOWNERS are read through the same bounded reader.
        Kind::Plan | Kind::CodeOwners => blastgate::change::read_changeset(name, reader).map(drop).map_err(change),
    }
}

fn check(kind: Kind, path: &Path) {
    let bytes = std::fs::read(path).unwrap();
    let name = path.file_name().unwrap().to_str().unwrap();
    assert!(parse(kind, name, &bytes).is_ok(), "{name} must parse whole");
    for n in cuts(bytes.len()) {
        // A reader failing after n bytes: always an io error naming it.
        match read_failing(kind, name, &bytes, n) {
            Err((k, m)) => {
                assert_eq!(k, "io", "{name} failing after {n} bytes: {m}");
                assert!(m.contains(name) && m.contains("injected fault"), "{m}");
            }
            Ok(()) => panic!("{name}: a reader failing after {n} bytes was accepted"),
        }
        // Truncated: parses, or a typed error naming the input.
        if let Err((k, m)) = parse(kind, name, &bytes[..n]) {
            assert!(!k.is_empty() && m.contains(name), "{name} cut at {n}: {k}: {m}");
        }
        // An invalid UTF-8 byte at n.
        let mut broken = bytes.clone();
        broken[n] = 0xFF;
        if let Err((k, m)) = parse(kind, name, &broken) {
            assert!(!k.is_empty() && m.contains(name), "{name} with 0xFF at {n}: {k}: {m}");
        }
    }
}

#[test]
fn graphs_fail_cleanly() {
    check(Kind::Graph, &fixtures().join("backstage/wayback-search-component.yaml"));
    check(Kind::Graph, &fixtures().join("graphs/sock-shop.edges"));
    check(Kind::Graph, &Path::new(env!("CARGO_MANIFEST_DIR")).join("src/demo/topology.yaml"));
}

#[test]
fn changesets_and_contexts_fail_cleanly() {
    check(Kind::Changeset, &data().join("change-cases/issue-example/change.json"));
    check(Kind::Context, &data().join("decision-cases/freeze-allows-fix/context.json"));
}

#[test]
fn plans_and_codeowners_fail_cleanly() {
    check(Kind::Plan, &fixtures().join("terraform/terraform-json-action_reason-plan.json"));
    check(Kind::CodeOwners, &fixtures().join("codeowners/online-boutique.CODEOWNERS"));
}

#[test]
fn a_reader_that_never_ends_is_a_limit_not_an_exhausted_memory() {
    // 256 MiB + 1 of zeros would take a while in debug: the changeset cap
    // is checked with a reader of zeros through the same function.
    let e = blastgate::change::read_changeset("zeros", std::io::repeat(b' ').take(300 << 20)).unwrap_err();
    assert_eq!(e.kind_name(), "limit_exceeded", "{e}");
}
