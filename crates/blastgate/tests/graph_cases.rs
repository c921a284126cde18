//! The graph case harness: every folder under `tests/data/graph-cases/` is
//! one case. It holds input files and `expect.json`:
//!
//! ```json
//! {"inputs": ["a.yaml", "@fixtures/graphs/sock-shop.edges"], "strict": false,
//!  "nodes": 3, "edges": 2, "cycles": [["a", "b"]], "warnings": ["fragment"]}
//! ```
//! or, for bad input, `{"error": "schema", "message": ["$.services[0]", "unknown field"]}`.
//!
//! `inputs` defaults to every other file in the folder, sorted by name; a
//! name starting with `@fixtures/` is read from the shared fixtures folder.
//! Adding a case is adding a folder.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a panic is a failed test"
)]

use std::path::{Path, PathBuf};

use blastgate::graph::{BuildOptions, GraphLoader};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Expect {
    /// What the case shows, for people.
    #[serde(default, rename = "note")]
    _note: Option<String>,
    #[serde(default)]
    inputs: Option<Vec<String>>,
    #[serde(default)]
    strict: bool,
    #[serde(default)]
    input_format: Option<String>,
    nodes: Option<usize>,
    edges: Option<usize>,
    cycles: Option<Vec<Vec<String>>>,
    /// Fragments that must each appear in some warning.
    #[serde(default)]
    warnings: Vec<String>,
    /// The exact number of warnings, when given.
    warning_count: Option<usize>,
    /// Error kind (`GraphError::kind_name`).
    error: Option<String>,
    /// Fragments the error message must contain.
    #[serde(default)]
    message: Vec<String>,
    /// Node attribute checks: id -> {"kind": .., "tier": .., "owner": ..}.
    #[serde(default)]
    node_checks: std::collections::BTreeMap<String, NodeCheck>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct NodeCheck {
    kind: Option<String>,
    tier: Option<u8>,
    owner: Option<String>,
    dependencies: Option<Vec<String>>,
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures")
}

fn run_case(dir: &Path) -> Result<(), String> {
    let expect: Expect =
        serde_json::from_str(&std::fs::read_to_string(dir.join("expect.json")).map_err(|e| e.to_string())?)
            .map_err(|e| format!("bad expect.json: {e}"))?;
    let inputs: Vec<PathBuf> = match &expect.inputs {
        Some(list) => list
            .iter()
            .map(|n| match n.strip_prefix("@fixtures/") {
                Some(rest) => fixtures().join(rest),
                None => dir.join(n),
            })
            .collect(),
        None => {
            let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
                .map_err(|e| e.to_string())?
                .map(|e| e.map(|e| e.path()))
                .collect::<Result<_, _>>()
                .map_err(|e| e.to_string())?;
            v.retain(|p| p.file_name().is_some_and(|n| n != "expect.json"));
            v.sort();
            v
        }
    };
    let format = expect
        .input_format
        .as_deref()
        .map(|f| blastgate::GraphFormat::parse(f).ok_or("bad input_format"))
        .transpose()?;
    let mut loader = GraphLoader::new(BuildOptions::strict(expect.strict));
    let mut result = Ok(());
    for p in &inputs {
        if let Err(e) = loader.add_file(p, format) {
            result = Err(e);
            break;
        }
    }
    let outcome = result.and_then(|_| loader.build());
    match (&expect.error, outcome) {
        (Some(kind), Err(e)) => {
            let text = e.to_string();
            if e.kind_name() != kind {
                return Err(format!("expected error kind {kind}, got {} ({text})", e.kind_name()));
            }
            for m in &expect.message {
                if !text.contains(m.as_str()) {
                    return Err(format!("error message lacks `{m}`: {text}"));
                }
            }
            Ok(())
        }
        (Some(kind), Ok(_)) => Err(format!("expected a {kind} error, but the graph loaded")),
        (None, Err(e)) => Err(format!("unexpected error: {e}")),
        (None, Ok(graph)) => {
            let warnings: Vec<String> = graph.warnings().iter().map(ToString::to_string).collect();
            for w in &expect.warnings {
                if !warnings.iter().any(|x| x.contains(w.as_str())) {
                    return Err(format!("no warning contains `{w}`; warnings: {warnings:#?}"));
                }
            }
            if let Some(n) = expect.warning_count
                && n != warnings.len()
            {
                return Err(format!("expected {n} warnings, got {}: {warnings:#?}", warnings.len()));
            }
            for (id, check) in &expect.node_checks {
                let node = graph.node(id).ok_or(format!("no node `{id}`"))?;
                if let Some(k) = &check.kind
                    && node.kind().as_str() != k
                {
                    return Err(format!("`{id}` kind {} != {k}", node.kind()));
                }
                if check.tier.is_some() && node.tier().map(|t| t.level()) != check.tier {
                    return Err(format!("`{id}` tier {:?} != {:?}", node.tier(), check.tier));
                }
                if check.owner.is_some() && node.owner() != check.owner.as_deref() {
                    return Err(format!("`{id}` owner {:?} != {:?}", node.owner(), check.owner));
                }
                if let Some(deps) = &check.dependencies {
                    let i = graph.index_of(id).ok_or("no index")?;
                    let mut got: Vec<String> = graph
                        .dependencies_of(i)
                        .filter_map(|(j, _)| graph.node_at(j).map(|n| n.id().to_owned()))
                        .collect();
                    got.sort();
                    let mut want = deps.clone();
                    want.sort();
                    if got != want {
                        return Err(format!("`{id}` dependencies {got:?} != {want:?}"));
                    }
                }
            }
            let (nodes, edges) = (graph.node_count(), graph.edge_count());
            let frozen = graph.freeze();
            if let Some(n) = expect.nodes
                && n != nodes
            {
                return Err(format!("expected {n} nodes, got {nodes}"));
            }
            if let Some(m) = expect.edges
                && m != edges
            {
                return Err(format!("expected {m} edges, got {edges}"));
            }
            if let Some(c) = &expect.cycles {
                let got: Vec<Vec<String>> =
                    frozen.cycles().into_iter().map(|c| c.into_iter().map(str::to_owned).collect()).collect();
                if &got != c {
                    return Err(format!("expected cycles {c:?}, got {got:?}"));
                }
            }
            Ok(())
        }
    }
}

#[test]
fn graph_cases() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/graph-cases");
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
