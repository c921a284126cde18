//! The changeset case harness: every folder under
//! `tests/data/change-cases/` holds `change.json` or `change.yaml` and
//! `expect.json`:
//!
//! ```json
//! {"graph": ["@fixtures/graphs/online-boutique.edges"], "allow_unknown": false,
//!  "touched": ["productcatalogservice"], "kinds": {"code": 1},
//!  "metrics": {"la": 120}, "unmapped": [], "destructive": [], "warnings": [],
//!  "kind_warnings": [], "service_warnings": [], "empty": false}
//! ```
//! or `{"error": "schema", "message": ["fragment", ...]}` for bad input.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a panic is a failed test"
)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use blastgate::change::{Classifier, NoMapping, ResolveOptions, load_changeset, resolve};
use blastgate::graph::{BuildOptions, GraphLoader};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Expect {
    /// What the case shows, for people.
    #[serde(default, rename = "note")]
    _note: Option<String>,
    graph: Vec<String>,
    #[serde(default)]
    allow_unknown: bool,
    touched: Option<Vec<String>>,
    kinds: Option<BTreeMap<String, usize>>,
    metrics: Option<BTreeMap<String, f64>>,
    unmapped: Option<Vec<String>>,
    destructive: Option<Vec<String>>,
    #[serde(default)]
    warnings: Vec<String>,
    /// Files whose stated kind the path overrules: one fragment per
    /// warning, in file order (all of them when given).
    kind_warnings: Option<Vec<String>>,
    /// Files whose stated service differs from their path's node, the same
    /// way.
    service_warnings: Option<Vec<String>>,
    empty: Option<bool>,
    error: Option<String>,
    #[serde(default)]
    message: Vec<String>,
}

fn path_of(dir: &Path, name: &str) -> PathBuf {
    match name.strip_prefix("@fixtures/") {
        Some(rest) => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures").join(rest),
        None => dir.join(name),
    }
}

fn run_case(dir: &Path) -> Result<(), String> {
    let expect: Expect = serde_json::from_str(&std::fs::read_to_string(dir.join("expect.json")).unwrap())
        .map_err(|e| format!("bad expect.json: {e}"))?;
    let mut loader = GraphLoader::new(BuildOptions::default());
    for g in &expect.graph {
        loader.add_file(&path_of(dir, g), None).map_err(|e| e.to_string())?;
    }
    let graph = loader.build().map_err(|e| e.to_string())?.freeze();
    let file =
        ["change.json", "change.yaml"].iter().map(|n| dir.join(n)).find(|p| p.exists()).ok_or("no change file")?;
    let outcome = load_changeset(&file).and_then(|c| {
        let options = ResolveOptions::allow_unknown(expect.allow_unknown);
        resolve("change", &c, &graph, &NoMapping, &Classifier::default(), options)
    });
    match (&expect.error, outcome) {
        (Some(kind), Err(e)) => {
            let text = e.to_string();
            if e.kind_name() != kind {
                return Err(format!("expected error {kind}, got {} ({text})", e.kind_name()));
            }
            for m in &expect.message {
                if !text.contains(m.as_str()) {
                    return Err(format!("error lacks `{m}`: {text}"));
                }
            }
            Ok(())
        }
        (Some(kind), Ok(_)) => Err(format!("expected a {kind} error")),
        (None, Err(e)) => Err(format!("unexpected error: {e}")),
        (None, Ok(r)) => {
            if let Some(t) = &expect.touched {
                let got: Vec<&str> = r.touched.iter().map(|t| t.id.as_str()).collect();
                if got != *t {
                    return Err(format!("touched {got:?} != {t:?}"));
                }
            }
            if let Some(k) = &expect.kinds {
                let got: BTreeMap<String, usize> = r.kinds.iter().map(|(k, n)| (k.as_str().to_owned(), *n)).collect();
                if got != *k {
                    return Err(format!("kinds {got:?} != {k:?}"));
                }
            }
            if let Some(m) = &expect.metrics {
                let v = serde_json::to_value(&r.metrics).unwrap();
                for (name, want) in m {
                    let got = v[name].as_f64().ok_or(format!("no metric {name}"))?;
                    if (got - want).abs() > 1e-9 {
                        return Err(format!("metric {name} {got} != {want}"));
                    }
                }
            }
            if let Some(u) = &expect.unmapped
                && r.unmapped_files != *u
            {
                return Err(format!("unmapped {:?} != {u:?}", r.unmapped_files));
            }
            if let Some(d) = &expect.destructive {
                let got: Vec<&str> = r.destructive.iter().map(|d| d.address.as_str()).collect();
                if got != *d {
                    return Err(format!("destructive {got:?} != {d:?}"));
                }
            }
            for w in &expect.warnings {
                if !r.warnings.iter().any(|x| x.contains(w.as_str())) {
                    return Err(format!("no warning contains `{w}`: {:?}", r.warnings));
                }
            }
            if let Some(k) = &expect.kind_warnings
                && (k.len() != r.kind_warnings.len()
                    || k.iter().zip(&r.kind_warnings).any(|(want, got)| !got.contains(want.as_str())))
            {
                return Err(format!("kind warnings {:?} do not match {k:?}", r.kind_warnings));
            }
            if let Some(k) = &expect.service_warnings
                && (k.len() != r.service_warnings.len()
                    || k.iter().zip(&r.service_warnings).any(|(want, got)| !got.contains(want.as_str())))
            {
                return Err(format!("service warnings {:?} do not match {k:?}", r.service_warnings));
            }
            if let Some(e) = expect.empty
                && e != r.is_empty()
            {
                return Err(format!("is_empty {} != {e}", r.is_empty()));
            }
            Ok(())
        }
    }
}

#[test]
fn change_cases() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/change-cases");
    let mut dirs: Vec<PathBuf> =
        std::fs::read_dir(&root).unwrap().map(|e| e.unwrap().path()).filter(|p| p.is_dir()).collect();
    dirs.sort();
    assert!(dirs.len() >= 20, "expected at least 20 cases, found {}", dirs.len());
    let failures: Vec<String> = dirs
        .iter()
        .filter_map(|d| run_case(d).err().map(|e| format!("{}: {e}", d.file_name().unwrap().to_string_lossy())))
        .collect();
    assert!(failures.is_empty(), "{} of {} cases failed:\n{}", failures.len(), dirs.len(), failures.join("\n"));
}

/// Limits at limit - 1, limit and limit + 1 (generated: the file would be
/// too large to keep in the repository).
#[test]
fn file_count_limit() {
    let max = blastgate::change::limits::MAX_FILES;
    for (n, ok) in [(max - 1, true), (max, true), (max + 1, false)] {
        let files: Vec<String> = (0..n).map(|i| format!("{{\"path\":\"f{i}\"}}")).collect();
        let doc = format!(
            "{{\"apiVersion\":\"blastgate.dev/v1\",\"kind\":\"Changeset\",\"id\":\"x\",\"files\":[{}]}}",
            files.join(",")
        );
        let r = blastgate::change::parse_changeset("big.json", doc.as_bytes());
        assert_eq!(r.is_ok(), ok, "{n} files");
        if let Err(e) = r {
            assert_eq!(e.kind_name(), "limit_exceeded");
            assert!(e.to_string().contains("max_files"));
        }
    }
}

/// `replace_author` drops what the change says of its author whenever the
/// author given is not the one it names: the seniority too, and for a
/// change that named no author (a red-team audit: a principal's claimed
/// seniority, or an author-less change's claimed experience, was counted
/// for the platform's author).
#[test]
fn replacing_the_author_drops_every_claim_about_them() {
    use blastgate::change::{parse_changeset, replace_author};
    let mut named = parse_changeset(
        "c.json",
        br#"{"apiVersion": "blastgate.dev/v1", "kind": "Changeset", "id": "c1",
            "author": {"id": "principal@corp.example", "seniority": "principal", "prior_changes": 900}}"#,
    )
    .unwrap();
    let note = replace_author(&mut named, "ana").unwrap().unwrap();
    assert_eq!((named.author.id.as_str(), named.author.seniority.as_deref()), ("ana", None), "{note}");
    assert_eq!(named.author.prior_changes, None);
    let mut nameless = parse_changeset(
        "c.json",
        br#"{"apiVersion": "blastgate.dev/v1", "kind": "Changeset", "id": "c1",
            "author": {"seniority": "staff", "prior_changes": 10000}}"#,
    )
    .unwrap();
    let note = replace_author(&mut nameless, "ana").unwrap().unwrap();
    assert!(note.contains("names no author"), "{note}");
    assert_eq!((nameless.author.seniority.as_deref(), nameless.author.prior_changes), (None, None));
    // The same author: nothing changes, nothing said.
    let mut same = named.clone();
    same.author.seniority = Some("junior".into());
    assert_eq!(replace_author(&mut same, "ana").unwrap(), None);
    assert_eq!(same.author.seniority.as_deref(), Some("junior"));
}
