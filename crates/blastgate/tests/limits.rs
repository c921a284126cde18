//! Every documented limit at limit - 1, limit and limit + 1: the first two
//! are accepted, the third is a `limit_exceeded` error naming the limit
//! (never a truncated result).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a panic is a failed test"
)]

use std::io::Read;

use blastgate::graph::{GraphError, GraphLoader, limits as graph_limits};

fn graph(doc: &str) -> Result<(), GraphError> {
    GraphLoader::default().add_bytes("g.yaml", doc.as_bytes(), None).map(drop)
}

fn expect_limit<E: std::fmt::Display>(r: Result<(), E>, kind: &str, what: &str) {
    match r {
        Err(e) => {
            let text = e.to_string();
            assert!(text.contains(what), "{kind}: `{text}` should name `{what}`");
        }
        Ok(()) => panic!("{kind}: accepted past the limit"),
    }
}

/// `n` around `limit`: limit - 1 and limit pass, limit + 1 fails.
fn around(limit: usize, what: &str, run: impl Fn(usize) -> Result<(), String>) {
    for n in [limit - 1, limit] {
        if let Err(e) = run(n) {
            panic!("{what} at {n} (limit {limit}) rejected: {e}");
        }
    }
    expect_limit(run(limit + 1), what, what);
}

#[test]
fn node_id_length() {
    around(graph_limits::MAX_ID_BYTES, "max_id_bytes", |n| {
        graph(&format!("apiVersion: blastgate.dev/v1\nkind: ServiceGraph\nservices:\n  - id: {}\n", "a".repeat(n)))
            .map_err(|e| e.to_string())
    });
}

#[test]
fn labels_per_node() {
    around(graph_limits::MAX_LABELS, "max_labels", |n| {
        let labels: Vec<String> = (0..n).map(|i| format!("k{i}: v")).collect();
        graph(&format!(
            "apiVersion: blastgate.dev/v1\nkind: ServiceGraph\nservices:\n  - id: a\n    labels: {{{}}}\n",
            labels.join(", ")
        ))
        .map_err(|e| e.to_string())
    });
}

#[test]
fn string_length() {
    around(graph_limits::MAX_STRING_BYTES, "max_string_bytes", |n| {
        graph(&format!(
            "apiVersion: blastgate.dev/v1\nkind: ServiceGraph\nservices:\n  - {{id: a, owner: {}}}\n",
            "o".repeat(n)
        ))
        .map_err(|e| e.to_string())
    });
}

fn changeset_with_services(n: usize) -> String {
    let ids: Vec<String> = (0..n).map(|i| format!("\"s{i}\"")).collect();
    format!(r#"{{"apiVersion": "blastgate.dev/v1", "kind": "Changeset", "id": "c", "services": [{}]}}"#, ids.join(","))
}

#[test]
fn services_per_changeset() {
    around(blastgate::change::limits::MAX_SERVICES, "max_services", |n| {
        blastgate::change::parse_changeset("c.json", changeset_with_services(n).as_bytes())
            .map(drop)
            .map_err(|e| e.to_string())
    });
}

#[test]
fn files_per_changeset() {
    around(blastgate::change::limits::MAX_FILES, "max_files", |n| {
        let files: Vec<String> = (0..n).map(|i| format!(r#"{{"path":"f{i}"}}"#)).collect();
        let doc = format!(
            r#"{{"apiVersion": "blastgate.dev/v1", "kind": "Changeset", "id": "c", "files": [{}]}}"#,
            files.join(",")
        );
        blastgate::change::parse_changeset("c.json", doc.as_bytes()).map(drop).map_err(|e| e.to_string())
    });
}

#[test]
fn entries_per_context_list() {
    around(blastgate::context::limits::MAX_LIST_ENTRIES, "max_list_entries", |n| {
        let budgets: Vec<String> = (0..n).map(|i| format!(r#"{{"service":"s{i}","remaining":0.5}}"#)).collect();
        let doc = format!(
            r#"{{"apiVersion": "blastgate.dev/v1", "kind": "Context", "now": "2026-11-27T10:00:00Z", "error_budgets": [{}]}}"#,
            budgets.join(",")
        );
        blastgate::context::parse_context("x.json", doc.as_bytes()).map(drop).map_err(|e| e.to_string())
    });
}

#[test]
fn context_input_bytes() {
    // The cap is on what is read: at the cap the (blank) document is read and
    // fails to parse; one byte more is the limit.
    let max = usize::try_from(blastgate::context::limits::MAX_INPUT_BYTES).unwrap();
    for n in [max - 1, max] {
        let e = blastgate::context::read_context("x.json", std::io::repeat(b' ').take(n as u64)).unwrap_err();
        assert_ne!(e.kind_name(), "limit_exceeded", "{n} bytes: {e}");
    }
    let e = blastgate::context::read_context("x.json", std::io::repeat(b' ').take(max as u64 + 1)).unwrap_err();
    assert_eq!(e.kind_name(), "limit_exceeded", "{e}");
}

#[test]
fn nesting_depth() {
    // `n` levels in all: the document's object and `n - 1` arrays inside a
    // field. At the limit it is read (and is a schema error: labels are
    // strings); one level more is the limit.
    let depth = graph_limits::MAX_NESTING_DEPTH;
    let doc = |n: usize| {
        format!(
            r#"{{"apiVersion": "blastgate.dev/v1", "kind": "Changeset", "id": "c", "labels": {}1{}}}"#,
            "[".repeat(n - 1),
            "]".repeat(n - 1)
        )
    };
    for n in [depth - 1, depth] {
        let e = blastgate::change::parse_changeset("c.json", doc(n).as_bytes()).unwrap_err();
        assert_ne!(e.kind_name(), "limit_exceeded", "{n} levels: {e}");
    }
    let e = blastgate::change::parse_changeset("c.json", doc(depth + 1).as_bytes()).unwrap_err();
    assert_eq!(e.kind_name(), "limit_exceeded", "{e}");
    assert!(e.to_string().contains("max_nesting_depth"), "{e}");
}

/// YAML nested past the limit is the depth limit however deep it goes,
/// for every YAML reader: 256 levels of `[` and more were a syntax error
/// ("recursion limit exceeded", exit 2), since the parser scans ahead
/// through flow collections to its own limit before the depth is counted
/// (an audit). `n` levels in all: the document's mapping and `n - 1`
/// collections inside a field, written in flow style (`[[[...]]]`) and in
/// block style (`- - - x`).
#[test]
fn yaml_nesting_depth_is_the_limit_however_deep() {
    let depth = graph_limits::MAX_NESTING_DEPTH;
    let flow = |n: usize| format!("{}{}", "[".repeat(n - 1), "]".repeat(n - 1));
    let block = |n: usize| format!("\n  {}x", "- ".repeat(n - 1));
    for what in ["graph", "backstage", "changeset", "context"] {
        for n in [depth, depth + 1, 255, 256, 257, 10_000] {
            for (style, value) in [("flow", flow(n)), ("block", block(n))] {
                let at = format!("{what}, {n} levels in {style} style");
                match read_yaml_with(what, &value) {
                    // Read, and then refused by the schema (or accepted).
                    Err((kind, e)) if n <= depth => assert_ne!(kind, "limit_exceeded", "{at}: {e}"),
                    Ok(()) if n <= depth => {}
                    Ok(()) => panic!("{at}: accepted"),
                    Err((kind, e)) => {
                        assert_eq!(kind, "limit_exceeded", "{at}: {e}");
                        let limit = format!("`max_nesting_depth` exceeded: {} > {depth}", depth + 1);
                        assert!(e.contains(&limit), "{at}: {e}");
                        // With its place, as for JSON (a red-team finding:
                        // none was named).
                        assert!(e.contains(".yaml: line "), "{at}: {e}");
                    }
                }
            }
        }
    }
}

/// One part repeated through many aliases of one anchor is refused by the
/// aliases-per-anchor budget, named with the numbers that passed it (red
/// team 32: "`max_yaml_work` exceeded: 0 > 0", a limit docs/reliability.md
/// does not list).
#[test]
fn yaml_aliases_of_one_anchor_name_their_limit() {
    let entry = "&e {service: search, severity: sev1, since: 2026-11-27T09:00:00Z}";
    let value = format!("[{entry}, {}]", vec!["*e"; 100].join(", "));
    for what in ["graph", "changeset", "context"] {
        let (kind, e) = read_yaml_with(what, &value).unwrap_err();
        assert_eq!(kind, "limit_exceeded", "{what}: {e}");
        assert!(e.contains("limit `max_yaml_aliases_per_anchor` exceeded: 100 > 10"), "{what}: {e}");
    }
    let reliability =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/reliability.md")).unwrap();
    assert!(reliability.contains("max_yaml_aliases_per_anchor"));
}

/// A YAML alias whose replays pass `max_yaml_events` (a small alias bomb:
/// each anchored list repeats the one before nine times) is the limit,
/// placed at the alias whose replay passed it, as every other limit error
/// is placed (a red-team finding: it named only the file).
#[test]
fn yaml_event_limit_names_the_alias_that_passed_it() {
    let mut levels = vec!["&l0 [x, x, x, x, x, x, x, x, x]".to_owned()];
    for i in 1..9 {
        levels.push(format!("&l{i} [{}]", vec![format!("*l{}", i - 1); 9].join(", ")));
    }
    let value = format!("[{}]", levels.join(", "));
    let (kind, e) = read_yaml_with("backstage", &value).unwrap_err();
    assert_eq!(kind, "limit_exceeded", "{e}");
    assert!(e.contains("`max_yaml_events` exceeded"), "{e}");
    // Line 4 holds the field; the column is that of an alias (`*l`).
    let column = e
        .split_once("catalog.yaml: line 4, column ")
        .and_then(|(_, rest)| rest.split(':').next())
        .and_then(|c| c.parse::<usize>().ok())
        .unwrap_or_else(|| panic!("no place in {e}"));
    let line = format!("x: {value}");
    assert!(line.chars().skip(column - 1).collect::<String>().starts_with("*l"), "column {column}: {e}");
}

/// TOML nested past the limit (a policy or a model file) is the depth
/// limit, as for JSON and YAML: the TOML parser stopped at its own depth
/// with "cannot recurse further" (a syntax error, exit 2; an audit). `n`
/// levels in all: the document's table and `n - 1` arrays in a field.
/// Brackets in comments and strings, and table headers, are no nesting;
/// dotted keys deep enough to stop the parser are the limit too.
#[test]
fn toml_nesting_depth_is_the_limit_however_deep() {
    let depth = graph_limits::MAX_NESTING_DEPTH;
    let nested = |n: usize| format!("x = {}1{}\n", "[".repeat(n - 1), "]".repeat(n - 1));
    let model = "format = \"blastgate.dev/calibration/v1\"\n";
    for n in [depth - 1, depth, depth + 1, 80, 81, 200, 10_000] {
        for (what, head) in [("policy", ""), ("model file", model)] {
            let at = format!("{what}, {n} levels");
            let e = blastgate::assess::parse_policy("p.toml", format!("{head}{}", nested(n)).as_bytes()).unwrap_err();
            if n <= depth {
                assert_ne!(e.kind_name(), "limit_exceeded", "{at}: {e}");
            } else {
                assert_eq!(e.kind_name(), "limit_exceeded", "{at}: {e}");
                let limit = format!("`max_nesting_depth` exceeded: {} > {depth}", depth + 1);
                assert!(e.to_string().contains(&limit), "{at}: {e}");
            }
        }
    }
    // Dotted keys and table headers nest too: past the parser's own
    // recursion limit they are the same limit error (a red-team audit:
    // `a.a.a... = 1` of 100 parts was a syntax error, exit 2).
    let dotted = vec!["a"; 100].join(".");
    for (what, text) in [
        ("dotted key", format!("[zz]\n{dotted} = 1\n")),
        ("table header", format!("[{dotted}]\nx = 1\n")),
        ("inline table", format!("x = {{{dotted} = 1}}\n")),
        ("model file", format!("{model}[likelihood]\n{dotted} = 1\n")),
    ] {
        let e = blastgate::assess::parse_policy("p.toml", text.as_bytes()).unwrap_err();
        assert_eq!(e.kind_name(), "limit_exceeded", "{what}: {e}");
    }
    let deep = "[".repeat(200);
    let policy = blastgate::assess::DEFAULT_POLICY;
    blastgate::assess::parse_policy("p.toml", format!("{policy}\n# {deep}\n").as_bytes()).unwrap();
    let strings = [
        format!("'{deep}'"),
        format!(r#""{deep}\"""#),
        format!("\"\"\"\n{deep}\n\"\"\"\"\""),
        format!("'''{deep}''''"),
    ];
    for value in strings {
        let e = blastgate::assess::parse_policy("p.toml", format!("x = {value}\n").as_bytes()).unwrap_err();
        assert_ne!(e.kind_name(), "limit_exceeded", "{value}: {e}");
    }
}

/// Reads a YAML document of kind `what` whose last field is `value`.
fn read_yaml_with(what: &str, value: &str) -> Result<(), (&'static str, String)> {
    let head = "apiVersion: blastgate.dev/v1\nkind:";
    match what {
        "graph" => GraphLoader::default()
            .add_bytes("g.yaml", format!("{head} ServiceGraph\nservices: {value}\n").as_bytes(), None)
            .map(drop)
            .map_err(|e| (e.kind_name(), e.to_string())),
        "backstage" => {
            let text =
                format!("apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {{name: a}}\nx: {value}\n");
            GraphLoader::default()
                .add_bytes("catalog.yaml", text.as_bytes(), Some(blastgate::GraphFormat::Backstage))
                .map(drop)
                .map_err(|e| (e.kind_name(), e.to_string()))
        }
        "changeset" => {
            let text = format!("{head} Changeset\nid: c\nlabels: {value}\n");
            blastgate::change::parse_changeset("c.yaml", text.as_bytes())
                .map(drop)
                .map_err(|e| (e.kind_name(), e.to_string()))
        }
        _ => {
            let text = format!("{head} Context\nnow: 2026-11-27T10:00:00Z\nincidents: {value}\n");
            blastgate::context::parse_context("x.yaml", text.as_bytes())
                .map(drop)
                .map_err(|e| (e.kind_name(), e.to_string()))
        }
    }
}

#[test]
fn work_budget_escalates() {
    // A policy whose work budget is below what one radius scans: the
    // assessment escalates to the error depth with a `work-budget` error.
    let policy = blastgate::assess::DEFAULT_POLICY.replace("work_budget = 200000000", "work_budget = 3");
    let policy = blastgate::assess::parse_policy("p.toml", policy.as_bytes()).unwrap();
    let mut loader = GraphLoader::default();
    loader.add_bytes("g.edges", b"a c\nb c\nd a\nd b\n", None).unwrap();
    let engine = blastgate::assess::Engine::new(loader.build().unwrap().freeze(), policy).unwrap();
    let change =
        blastgate::change::parse_changeset("c.json", changeset_with_services(0).replace("[]", "[\"c\"]").as_bytes())
            .unwrap();
    let context =
        blastgate::context::Context::new(blastgate::context::Timestamp::parse("2026-11-27T10:00:00Z").unwrap());
    let a = engine.assess(&change, &context);
    assert!(a.diagnostics.iter().any(|d| d.code == "work-budget"), "{:?}", a.diagnostics);
    assert_eq!(a.review_depth(), blastgate::ReviewDepth::Block);
}

/// A policy (or model) file that is a device or a pipe is read no further
/// than the policy's own limit, and named by it (a red-team finding:
/// `--policy /dev/zero` read 256 MiB, every input's limit, and named that).
#[cfg(target_os = "linux")]
#[test]
fn a_policy_stream_is_read_within_the_policy_limit() {
    let path = std::path::Path::new("/dev/zero");
    let base = blastgate::assess::default_policy().unwrap();
    for e in [
        blastgate::assess::load_policy(path).unwrap_err(),
        blastgate::calibrate::load_policy_or_model(path, &base).unwrap_err(),
        blastgate::calibrate::load_base_policy(path).unwrap_err(),
    ] {
        assert!(e.is_limit(), "{e}");
        let text = e.to_string();
        assert!(
            text.contains("max_policy_bytes") && text.contains(&blastgate::assess::MAX_POLICY_BYTES.to_string()),
            "{text}"
        );
    }
}

/// Matching a changeset's paths against one file's patterns builds at most
/// `MAX_MATCH_STATE_BYTES` of automaton states (a smaller budget here, for
/// speed): hostile CODEOWNERS patterns (`*a` then 30 `?`) on a long path
/// of `a`s and `b`s are a `max_match_state_bytes` error naming the file,
/// where the catch-all would otherwise own the file (42 s a path before
/// the budget).
#[test]
fn match_state_bytes() {
    use blastgate::change::{
        Classifier, CodeOwners, RepoMapping, ResolveOptions, limits::MAX_MATCH_STATE_BYTES, parse_changeset, resolve,
    };
    let mut owners = String::from("* @org/all\n");
    for i in 0..60u8 {
        owners.push_str(&format!(
            "*a{}b{}{} @org/x\n",
            "?".repeat(30),
            char::from(b'c' + i % 24),
            char::from(b'c' + i / 24)
        ));
    }
    let mut x = 7u64;
    let name: String = (0..600)
        .map(|_| {
            x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            if x >> 63 == 0 { 'a' } else { 'b' }
        })
        .collect();
    let mut loader = GraphLoader::default();
    loader.add_bytes("g.edges", b"web orders\n", None).unwrap();
    let graph = loader.build().unwrap().freeze();
    let mapping =
        RepoMapping::from_graph(&graph).with_codeowners(CodeOwners::parse("CODEOWNERS", owners.as_bytes()).unwrap());
    let change = parse_changeset(
        "c.json",
        format!(
            r#"{{"apiVersion": "blastgate.dev/v1", "kind": "Changeset", "id": "c1",
                "author": {{"id": "ana", "seniority": "senior"}}, "files": [{{"path": "orders/{name}", "added": 1}}]}}"#
        )
        .as_bytes(),
    )
    .unwrap();
    let resolve_within = |bytes: usize| {
        resolve(
            "c.json",
            &change,
            &graph,
            &mapping,
            &Classifier::default(),
            ResolveOptions::default().with_match_state_bytes(bytes),
        )
    };
    let error = resolve_within(256 << 10).unwrap_err();
    let text = error.to_string();
    assert!(text.starts_with("CODEOWNERS: limit `max_match_state_bytes` exceeded: 262145 > 262144"), "{text}");
    let resolved = resolve_within(MAX_MATCH_STATE_BYTES).unwrap();
    assert_eq!(resolved.file_owners, ["@org/all"]);
    let default = resolve("c.json", &change, &graph, &mapping, &Classifier::default(), ResolveOptions::default());
    assert_eq!(default.unwrap().file_owners, ["@org/all"]);
    let reliability =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/reliability.md")).unwrap();
    assert!(reliability.contains("max_match_state_bytes") && reliability.contains("MAX_MATCH_STATE_BYTES"));
}
