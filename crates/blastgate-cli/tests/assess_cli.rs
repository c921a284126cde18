//! `blastgate assess` as gate tools call it: the JSON envelope's keys (a
//! contract), the exit codes, and snapshots of the rendered formats.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a panic is a failed test"
)]

use std::path::PathBuf;
use std::process::{Command, Output};

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_blastgate")).args(args).output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

/// Writes `text` to `name` in `dir`, and gives its path.
fn write_in(dir: &std::path::Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

fn tempdir() -> PathBuf {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!(
        "blastgate-assess-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The codes of an answer's diagnostics, in its order.
fn codes(v: &serde_json::Value) -> Vec<String> {
    v["diagnostics"].as_array().unwrap().iter().map(|d| d["code"].as_str().unwrap().to_owned()).collect()
}

/// The `now` a context file states.
fn context_now(path: &str) -> String {
    let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    v["now"].as_str().unwrap().to_owned()
}

/// A folder with the demo topology and the ladder step whose changeset id
/// is `id`: (dir, graph, change, context).
fn demo_case(id: &str) -> (PathBuf, String, String, String) {
    let dir = tempdir();
    let step = blastgate::demo::LADDER.iter().find(|s| s.changeset.contains(id)).unwrap();
    let graph = dir.join("topology.yaml");
    std::fs::write(&graph, blastgate::demo::TOPOLOGY).unwrap();
    let change = dir.join("change.json");
    std::fs::write(&change, step.changeset).unwrap();
    let context = dir.join("context.json");
    std::fs::write(&context, step.context).unwrap();
    let s = |p: PathBuf| p.display().to_string();
    (dir, s(graph), s(change), s(context))
}

/// `assess` of a demo case at its context's `now`, stated as `--now` too.
fn assess(id: &str, extra: &[&str]) -> Output {
    let (_dir, graph, change, context) = demo_case(id);
    let now = context_now(&context);
    let mut args = vec!["assess", "--graph", &graph, "--change", &change, "--context", &context, "--now", &now];
    args.extend_from_slice(extra);
    run(&args)
}

/// `assess --graph GRAPH --change CHANGE --now 2026-11-27T10:00:00Z
/// --format FORMAT`: a change on a graph of its own, at a fixed instant.
fn assess_at_fixed_now(graph: &str, change: &str, format: &str) -> Output {
    run(&["assess", "--graph", graph, "--change", change, "--now", "2026-11-27T10:00:00Z", "--format", format])
}

#[test]
fn json_envelope_has_the_contract_keys() {
    let o = assess("pricing-discounts", &["--format", "json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    for key in [
        "schema_version",
        "decision",
        "risk",
        "blast_radius",
        "factors",
        "rules",
        "rollout",
        "counterfactuals",
        "diagnostics",
        "versions",
        "input_digest",
    ] {
        assert!(v.get(key).is_some(), "missing {key}");
    }
    assert_eq!(v["decision"]["review_depth"], "senior");
    assert!(v["decision"]["required_approvals"].as_array().is_some_and(|a| !a.is_empty()));
    let l = v["risk"]["likelihood"].as_f64().unwrap();
    assert!((0.0..=1.0).contains(&l));
    assert!(v["risk"]["impact"].as_f64().is_some() && v["risk"]["score"].as_f64().is_some());
    assert!(v["blast_radius"]["affected"].as_array().is_some());
    assert!(v["factors"][0]["id"].is_string() && v["factors"][0]["contribution"].is_number());
    assert!(
        v["rules"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["id"] == "ai-change-by-junior-or-mid" && r["message"].is_string())
    );
    for k in ["engine", "model", "policy"] {
        assert!(v["versions"][k].is_string());
    }
    assert_eq!(v["versions"]["engine_revision"], blastgate::assess::ENGINE_REVISION);
    assert!(v["input_digest"].as_str().unwrap().starts_with("sha256:"));
}

#[test]
fn json_is_byte_identical_across_runs() {
    let a = assess("orders-db-recreate", &["--format", "json"]);
    let b = assess("orders-db-recreate", &["--format", "json"]);
    assert_eq!(a.stdout, b.stdout);
}

#[test]
fn exit_codes_follow_fail_at() {
    // Below the default --fail-at block: 0.
    assert_eq!(assess("pricing-discounts", &[]).status.code(), Some(0));
    // At or above --fail-at: 1.
    assert_eq!(assess("pricing-discounts", &["--fail-at", "senior"]).status.code(), Some(1));
    assert_eq!(assess("pricing-discounts", &["--fail-at", "multi_party"]).status.code(), Some(0));
    // A block stops the default gate.
    assert_eq!(assess("checkout-banner", &[]).status.code(), Some(1));
    // A bad --fail-at is a usage error: 2.
    assert_eq!(assess("pricing-discounts", &["--fail-at", "lenient"]).status.code(), Some(2));
}

#[test]
fn bad_input_exits_2_and_assesses_nothing() {
    let (dir, graph, change, _) = demo_case("pricing-discounts");
    let context = dir.join("bad-context.json");
    std::fs::write(&context, r#"{"apiVersion": "blastgate.dev/v1", "kind": "Context", "now": "yesterday"}"#).unwrap();
    let o = run(&["assess", "--graph", &graph, "--change", &change, "--context", context.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stdout(&o).is_empty());
    assert!(stderr(&o).contains("bad-context.json"), "{}", stderr(&o));
    let policy = dir.join("policy.toml");
    std::fs::write(&policy, "format = \"blastgate.dev/v1\"\nversion = \"x\"\nnot_a_key = 1\n").unwrap();
    let o = run(&["assess", "--graph", &graph, "--change", &change, "--policy", policy.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let o = run(&["assess", "--graph", &graph, "--change", &change, "--now", "soon"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
}

/// A graph that arrives empty (a failed download, `git show` of a file
/// missing at the base, a closed standard input) is refused: assessed, it
/// reached nothing and a freeze's block became owner, exit 0 (a CLI audit).
#[test]
fn an_empty_graph_is_refused() {
    use std::io::Write;
    let (dir, _graph, change, context) = demo_case("pricing-discounts");
    let empty = dir.join("empty.edges");
    std::fs::write(&empty, "# nothing\n").unwrap();
    let empty = empty.to_str().unwrap();
    let o = run(&["assess", "--graph", empty, "--change", &change, "--context", &context]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stdout(&o).is_empty());
    assert!(stderr(&o).contains("empty.edges: graph: the graph has no nodes"), "{}", stderr(&o));
    // One input that arrived empty beside one that did not (an overlay
    // carrying tiers and owners): refused too, naming it (a red-team pass:
    // the tier-0 rules were dropped, block became senior, exit 0).
    let graph = dir.join("topology.yaml");
    let overlay = dir.join("overlay.yaml");
    std::fs::write(&overlay, "").unwrap();
    let overlay = overlay.to_str().unwrap();
    let o = run(&["assess", "--graph", graph.to_str().unwrap(), overlay, "--change", &change, "--context", &context]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("overlay.yaml: graph: the graph input is empty"), "{}", stderr(&o));
    for args in [vec!["graph", "check", empty], vec!["radius", "--graph", empty, "--", "web"]] {
        let o = run(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
    }
    let mut child = Command::new(env!("CARGO_BIN_EXE_blastgate"))
        .args(["assess", "--graph", "-", "--change", &change, "--context", &context])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(b"").unwrap();
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("the graph input is empty"), "{}", stderr(&o));
}

#[test]
fn an_unknown_service_fails_closed() {
    let (dir, graph, _, _) = demo_case("pricing-discounts");
    let change = dir.join("unknown.json");
    std::fs::write(
        &change,
        r#"{"apiVersion": "blastgate.dev/v1", "kind": "Changeset", "id": "x", "services": ["pricng"]}"#,
    )
    .unwrap();
    let o = assess_at_fixed_now(&graph, change.to_str().unwrap(), "json");
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["decision"]["review_depth"], "block");
    let diags = v["diagnostics"].as_array().unwrap();
    assert!(
        diags.iter().any(|d| d["level"] == "error"
            && d["code"] == "unknown-service"
            && d["message"].as_str().unwrap().contains("pricing")),
        "{diags:?}"
    );
    // Said once, as the error (the lenient pass's warning about the same
    // id was listed too: a docs audit).
    assert_eq!(diags.iter().filter(|d| d["code"] == "unknown-service").count(), 1, "{diags:?}");
    // `change show` without a graph checks no id: one note says so.
    let o = run(&["change", "show", "--change", change.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let shown = stdout(&o) + &stderr(&o);
    assert!(shown.contains("no --graph: service ids are not checked"), "{shown}");
    assert!(!shown.contains("is not in the graph"), "{shown}");
    // The services it names are listed, unchecked (a contract red team:
    // none was shown).
    assert!(shown.contains("services named, on no graph node: pricng"), "{shown}");
    // A `deploy_at` that is no time: the error quotes it.
    std::fs::write(
        &change,
        r#"{"apiVersion": "blastgate.dev/v1", "kind": "Changeset", "id": "x", "services": ["pricing"],
            "deploy_at": "tomorrow"}"#,
    )
    .unwrap();
    let o = assess_at_fixed_now(&graph, change.to_str().unwrap(), "json");
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let said =
        v["diagnostics"].as_array().unwrap().iter().any(|d| {
            d["code"] == "bad-deploy-at" && d["message"].as_str().unwrap().contains("$.deploy_at: `tomorrow`")
        });
    assert!(said, "{v}");
    // It names its input, place and value as the inputs' checks do (a red
    // team: none of them).
    let d = v["diagnostics"].as_array().unwrap().iter().find(|d| d["code"] == "bad-deploy-at").unwrap();
    assert_eq!(
        (&d["input"], &d["place"], &d["value"]),
        (&"change `x`".into(), &"$.deploy_at".into(), &"tomorrow".into())
    );
    assert!(d["message"].as_str().unwrap().starts_with("change `x`: "), "{d}");
}

/// A policy whose matrix is all `auto` and whose `error_depth` is `peer`,
/// the least a policy may set: an error alone makes the depth `peer`.
fn lenient_policy(dir: &std::path::Path) -> String {
    let default = blastgate::assess::DEFAULT_POLICY;
    let matrix: Vec<&str> = default.lines().skip_while(|l| !l.starts_with("matrix = [")).take(5).collect();
    let row = "  [\"auto\", \"auto\", \"auto\", \"auto\"],";
    let text = default.replacen(&matrix.join("\n"), &format!("matrix = [\n{row}\n{row}\n{row}\n{row}"), 1).replacen(
        "error_depth = \"block\"",
        "error_depth = \"peer\"",
        1,
    );
    assert!(text.contains("error_depth = \"peer\"") && !text.contains("multi_party\"],"), "{text}");
    let path = dir.join("lenient.toml");
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

#[test]
fn an_error_stops_the_gate_whatever_the_depth() {
    let (dir, graph, _, _) = demo_case("pricing-discounts");
    let policy = lenient_policy(&dir);
    let unknown = dir.join("unknown.json");
    std::fs::write(
        &unknown,
        r#"{"apiVersion": "blastgate.dev/v1", "kind": "Changeset", "id": "x", "services": ["pricng"]}"#,
    )
    .unwrap();
    let empty = dir.join("empty.json");
    std::fs::write(&empty, r#"{"apiVersion": "blastgate.dev/v1", "kind": "Changeset", "id": "y"}"#).unwrap();
    // The unknown service deploys where the graph cannot see: owner review
    // beside the error's depth (unmapped-runtime-files).
    for (change, code, depth) in [(&unknown, "unknown-service", "owner"), (&empty, "empty-change", "peer")] {
        let change = change.to_str().unwrap();
        let base =
            ["assess", "--graph", &graph, "--change", change, "--policy", &policy, "--now", "2026-11-27T10:00:00Z"];
        let json = |extra: &[&str]| run(&[&base[..], &["--format", "json"], extra].concat());
        let o = json(&[]);
        assert_eq!(o.status.code(), Some(1), "{code}: {}", stderr(&o));
        // The JSON says what was decided, as before: the error raised the
        // depth to the policy's `error_depth`, below --fail-at.
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        assert_eq!(v["decision"]["review_depth"], depth, "{code}");
        assert!(v["diagnostics"].as_array().unwrap().iter().any(|d| d["level"] == "error" && d["code"] == code), "{v}");
        // Whatever --fail-at says.
        assert_eq!(json(&["--fail-at", "block"]).status.code(), Some(1), "{code}");
        let o = run(&[&base[..], &["--format", "human"]].concat());
        assert_eq!(o.status.code(), Some(1), "{code}");
        assert!(
            stdout(&o).starts_with("change ")
                && stdout(&o).lines().next().unwrap().ends_with(&format!("{depth} (the gate stops)")),
            "{}",
            stdout(&o)
        );
        let out = dir.join(format!("{code}-github-output"));
        let o = Command::new(env!("CARGO_BIN_EXE_blastgate"))
            .args([&base[..], &["--format", "github"]].concat())
            .env("GITHUB_OUTPUT", &out)
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(1), "{code}: {}", stderr(&o));
        assert!(stdout(&o).starts_with(&format!("::error title=blastgate%3A {depth} review::")), "{}", stdout(&o));
        let outputs = std::fs::read_to_string(&out).unwrap();
        assert!(
            outputs.contains(&format!("review_depth={depth}\n")) && outputs.contains("gate_stops=true\n"),
            "{outputs}"
        );
    }
}

#[test]
fn github_format_escapes_workflow_commands() {
    let (dir, graph, change, context) = demo_case("checkout-banner");
    let out = dir.join("github-output");
    let summary = dir.join("summary.md");
    let o = Command::new(env!("CARGO_BIN_EXE_blastgate"))
        .args(["assess", "--graph", &graph, "--change", &change, "--context", &context, "--format", "github"])
        .args(["--now", &context_now(&context)])
        .env("GITHUB_OUTPUT", &out)
        .env("GITHUB_STEP_SUMMARY", &summary)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let text = stdout(&o);
    assert!(text.starts_with("::error title=blastgate%3A block review::"), "{text}");
    assert!(text.lines().all(|l| l.starts_with("::")), "{text}");
    // Who approves and the break-glass path, where the check shows them.
    let approvals = text.lines().find(|l| l.starts_with("::notice title=blastgate%3A approvals required::"));
    // With who may not approve, as the other reports say it.
    assert!(approvals.is_some_and(|l| l.contains("distinct people; never ") && l.ends_with("humans only")), "{text}");
    assert!(
        text.lines().any(|l| l.starts_with("::notice title=blastgate%3A break glass::Do not deploy now")),
        "{text}"
    );
    let outputs = std::fs::read_to_string(&out).unwrap();
    assert!(outputs.contains("review_depth=block\n") && outputs.contains("gate_stops=true\n"), "{outputs}");
    assert!(std::fs::read_to_string(&summary).unwrap().contains("```mermaid"));
}

#[test]
fn a_rule_id_cannot_forge_step_outputs() {
    let (dir, graph, change, context) = demo_case("checkout-banner");
    let policy = dir.join("forged.toml");
    let text = blastgate::assess::DEFAULT_POLICY.replacen(
        "id = \"critical-reach\"",
        "id = \"critical-reach\\ngate_stops=false\\nreview_depth=auto\"",
        1,
    );
    assert_ne!(text, blastgate::assess::DEFAULT_POLICY);
    std::fs::write(&policy, text).unwrap();
    let out = dir.join("github-output");
    let o = Command::new(env!("CARGO_BIN_EXE_blastgate"))
        .args(["assess", "--graph", &graph, "--change", &change, "--context", &context, "--format", "github"])
        .args(["--now", &context_now(&context)])
        .args(["--policy", policy.to_str().unwrap()])
        .env("GITHUB_OUTPUT", &out)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("control character"), "{}", stderr(&o));
    assert!(!out.exists(), "{:?}", std::fs::read_to_string(&out));
}

#[test]
fn sarif_is_2_1_0_with_rule_results() {
    let o = assess("pricing-discounts", &["--format", "sarif"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["version"], "2.1.0");
    let results = v["runs"][0]["results"].as_array().unwrap();
    let ai = results.iter().find(|r| r["ruleId"] == "ai-change-by-junior-or-mid").unwrap();
    assert_eq!(ai["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], "pricing/src/discounts.go");
    let decision = |v: &serde_json::Value| {
        let results = v["runs"][0]["results"].as_array().unwrap().clone();
        results.into_iter().find(|r| r["ruleId"] == "review-depth").unwrap()
    };
    assert_eq!(decision(&v)["level"], "warning");
    // Who approves, as the JSON says it (a red team: SARIF named no one).
    let o = assess("pricing-discounts", &["--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let approvals = &json["decision"]["required_approvals"];
    assert!(!approvals.as_array().unwrap().is_empty(), "{json}");
    assert_eq!(&decision(&v)["properties"]["required_approvals"], approvals);
    assert_eq!(decision(&v)["properties"]["separation_of_duties"], json["decision"]["separation_of_duties"]);
    assert!(
        decision(&v)["message"]["text"].as_str().unwrap().contains("\napprovals: owner x1 from team-catalog"),
        "{v}"
    );
    // The gate stops (at `--fail-at senior`): the decision is an error,
    // whatever its depth (found by an audit: a stopped gate read `note`).
    let o = assess("pricing-discounts", &["--format", "sarif", "--fail-at", "senior"]);
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(decision(&v)["level"], "error");
}

/// Every SARIF result has a location, which GitHub code scanning requires
/// of an upload (a red-team finding: a change of infrastructure alone gave
/// none, and the upload was refused): with no changed file, the graph
/// files it was assessed with (here given in full, outside the working
/// folder: by file name).
#[test]
fn every_sarif_result_has_a_location() {
    let o = assess("orders-db-recreate", &["--format", "sarif"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let results = v["runs"][0]["results"].as_array().unwrap();
    assert!(results.len() > 1, "{v}");
    for r in results {
        let uri = r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].as_str();
        assert_eq!(uri, Some("topology.yaml"), "{r}");
    }
}

/// SARIF's bytes depend on what the inputs hold, not on how they are
/// given: the order of `--graph` files, `./a.yaml` or the absolute path,
/// a changeset from a file or a pipe (a determinism audit: each changed
/// the locations of a change with no files).
#[test]
fn sarif_locations_do_not_depend_on_how_inputs_are_given() {
    let dir = tempdir();
    std::fs::write(
        dir.join("a.yaml"),
        "apiVersion: blastgate.dev/v1\nkind: ServiceGraph\nservices:\n  - {id: pay, tier: 1, owner: team-pay}\n  \
         - {id: web, tier: 0, owner: team-web}\n",
    )
    .unwrap();
    std::fs::write(dir.join("b.edges"), "web pay\n").unwrap();
    std::fs::create_dir_all(dir.join("sub")).unwrap();
    let change = r#"{"apiVersion": "blastgate.dev/v1", "kind": "Changeset", "id": "d1",
        "author": {"id": "sam", "seniority": "senior"}, "services": ["pay"]}"#;
    std::fs::write(dir.join("change.json"), change).unwrap();
    let sarif = |graphs: &[String], change_arg: &str| {
        let mut args = vec!["assess".to_owned(), "--graph".to_owned()];
        args.extend(graphs.iter().cloned());
        args.extend(["--change", change_arg, "--now", "2026-11-27T10:00:00Z", "--format", "sarif"].map(String::from));
        let mut child = Command::new(env!("CARGO_BIN_EXE_blastgate"))
            .args(&args)
            .current_dir(&dir)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        use std::io::Write as _;
        child.stdin.take().unwrap().write_all(change.as_bytes()).unwrap();
        let o = child.wait_with_output().unwrap();
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        stdout(&o)
    };
    let full = |name: &str| dir.join(name).to_str().unwrap().to_owned();
    let base = sarif(&["a.yaml".into(), "b.edges".into()], "change.json");
    assert!(base.contains("\"uri\": \"a.yaml\"") || base.contains("\"uri\":\"a.yaml\""), "{base}");
    for (graphs, change_arg) in [
        (vec!["b.edges".to_owned(), "a.yaml".to_owned()], "change.json"),
        (vec!["./a.yaml".to_owned(), "./b.edges".to_owned()], "./change.json"),
        (vec![full("a.yaml"), full("b.edges")], "-"),
        (vec!["sub/../a.yaml".to_owned(), "b.edges".to_owned()], "change.json"),
    ] {
        assert_eq!(sarif(&graphs, change_arg), base, "{graphs:?} {change_arg}");
    }
}

/// A file a service map places only on a service the graph lacks (a typo,
/// under `--allow-unknown-services`) reaches nothing: it is unplaced, and
/// the unmapped-files rule fires, as for the same typo in `services` (a
/// red-team finding: `peer`, no rule).
#[test]
fn a_file_mapped_only_to_a_missing_service_is_unplaced() {
    let dir = tempdir();
    let graph = dir.join("graph.yaml");
    std::fs::write(
        &graph,
        "apiVersion: blastgate.dev/v1\nkind: ServiceGraph\nservices:\n  - {id: payments, tier: 0, owner: team-pay}\n",
    )
    .unwrap();
    let change = dir.join("change.json");
    std::fs::write(&change, r#"{"apiVersion":"blastgate.dev/v1","kind":"Changeset","id":"c","files":[{"path":"src/payments/charge.go","added":5}]}"#).unwrap();
    let map = dir.join("service.map");
    std::fs::write(&map, "src/payments/ paymnts\n").unwrap();
    let (graph, change, map) = (graph.to_str().unwrap(), change.to_str().unwrap(), map.to_str().unwrap());
    let o = run(&[
        "assess",
        "--graph",
        graph,
        "--change",
        change,
        "--service-map",
        map,
        "--allow-unknown-services",
        "--now",
        "2026-12-05T00:00:00Z",
        "--format",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let rules: Vec<&str> = v["rules"].as_array().unwrap().iter().filter_map(|r| r["id"].as_str()).collect();
    assert!(rules.contains(&"unmapped-runtime-files"), "{rules:?}");
}

#[test]
fn rendered_formats_match_snapshots() {
    for (id, format) in
        [("orders-db-recreate", "human"), ("orders-db-recreate", "markdown"), ("catalog-images", "human")]
    {
        let o = assess(id, &["--format", format]);
        // The engine revision rises with every decision change; the
        // snapshots keep its place, not its value (the JSON test checks it).
        let revision = format!("revision {}", blastgate::assess::ENGINE_REVISION);
        let text = stdout(&o).replace(&revision, "revision [ENGINE_REVISION]");
        insta::assert_snapshot!(format!("{id}-{format}"), text);
    }
}

#[test]
fn inputs_never_become_commands_or_markup_in_rendered_output() {
    let dir = tempdir();
    let graph = dir.join("topology.yaml");
    std::fs::write(&graph, blastgate::demo::TOPOLOGY).unwrap();
    let write = |name: &str, text: &str| write_in(&dir, name, text);
    let assess = |change: &str, format: &str| assess_at_fixed_now(graph.to_str().unwrap(), change, format);
    // A line break or escape in the change id (which heads every report)
    // is refused: in a CI log `\n::warning ...` would be a workflow command.
    let bad = write(
        "bad.json",
        r#"{"apiVersion": "blastgate.dev/v1", "kind": "Changeset", "id": "pr-9\n::warning file=x.go::FAKE\u001b[31m", "services": ["notifications"]}"#,
    );
    let o = assess(&bad, "human");
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
    assert!(stderr(&o).contains("$.id") && stderr(&o).contains("control character"), "{}", stderr(&o));
    // A path may hold them (git allows it): diagnostics quote it escaped,
    // on one line. Markup in ids and paths stays text in Markdown.
    let hostile = write(
        "hostile.json",
        r#"{"apiVersion": "blastgate.dev/v1", "kind": "Changeset", "id": "x` <img src=https://evil.example/q.png> `", "services": ["notifications"],
            "files": [{"path": "docs/</details><h1>LGTM</h1>\n::error::x\u001b[2J.md", "added": 1},
                      {"path": "lib/x\n::error title=x::injected\r\n::warning::y.go", "added": 1}]}"#,
    );
    for format in ["human", "markdown"] {
        let o = assess(&hostile, format);
        let out = stdout(&o);
        assert!(!out.contains('\u{1b}'), "{format}: {out:?}");
        assert!(!out.lines().any(|l| l.starts_with("::")), "{format}: {out}");
        // The code path is quoted by the unmapped-runtime-files rule and
        // by the approval it asks for: on one line, the break escaped.
        assert!(out.contains("unmapped-runtime-files"), "{format}: {out}");
        if format == "human" {
            assert!(out.contains(r"lib/x\u{a}::error title=x::injected\u{d}\u{a}::warning::y.go"), "{out}");
        }
        if format == "markdown" {
            // The id is in a code span no backtick of its own can close
            // (HTML in a code span is text); nowhere else is markup raw.
            let heading = "review for `` x` <img src=https://evil.example/q.png> ` ``";
            assert!(out.contains(heading), "{out}");
            assert!(!out.replace(heading, "").contains("<img"), "{out}");
            assert!(!out.contains("</details><h1>"), "{out}");
        }
    }
    let o = run(&["change", "show", "--graph", graph.to_str().unwrap(), "--change", &hostile]);
    assert!(!stdout(&o).contains('\u{1b}') && !stdout(&o).lines().any(|l| l.starts_with("::")), "{:?}", stdout(&o));
}

#[test]
fn sarif_locations_are_uri_references() {
    let dir = tempdir();
    let graph = dir.join("topology.yaml");
    std::fs::write(&graph, blastgate::demo::TOPOLOGY).unwrap();
    let change = dir.join("c.json");
    std::fs::write(
        &change,
        r#"{"apiVersion": "blastgate.dev/v1", "kind": "Changeset", "id": "x", "files": [{"path": "pricing/src/a b#c%zz.go", "added": 3}]}"#,
    )
    .unwrap();
    let o = assess_at_fixed_now(graph.to_str().unwrap(), change.to_str().unwrap(), "sarif");
    let sarif: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let uris: Vec<&str> = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| r["locations"].as_array().unwrap())
        .map(|l| l["physicalLocation"]["artifactLocation"]["uri"].as_str().unwrap())
        .collect();
    assert!(!uris.is_empty());
    assert!(uris.iter().all(|u| *u == "pricing/src/a%20b%23c%25zz.go"), "{uris:?}");
}

/// A decision holds for the deploy window it checked (`decision.deploy_window`):
/// the demo's holiday freeze blocks a checkout change now; dated after the
/// freeze, the same change is checked for that window instead; claimed as a
/// fix, it passes the freeze (which allows fixes) but its owners confirm.
#[test]
fn the_decision_names_its_deploy_window() {
    let (dir, graph, change, context) = demo_case("checkout-banner");
    let decide = |change: &str| -> serde_json::Value {
        let now = context_now(&context);
        let o = run(&[
            "assess",
            "--graph",
            &graph,
            "--change",
            change,
            "--context",
            &context,
            "--now",
            &now,
            "--format",
            "json",
        ]);
        assert!(matches!(o.status.code(), Some(0 | 1)), "{}", stderr(&o));
        serde_json::from_slice(&o.stdout).unwrap()
    };
    let rules = |v: &serde_json::Value| -> Vec<String> {
        v["rules"].as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap().to_owned()).collect()
    };
    let now = decide(&change);
    assert_eq!(now["decision"]["review_depth"], "block");
    assert_eq!(now["decision"]["deploy_window"]["start"], "2026-11-27T10:00:00Z");
    // A blocked change is checked over the staged rollout a break-glass
    // deploy takes (four hours), not only the one-hour window.
    assert_eq!(now["decision"]["deploy_window"]["end"], "2026-11-27T14:00:00Z");
    assert!(rules(&now).contains(&"freeze".to_owned()), "{now}");

    let original: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&change).unwrap()).unwrap();
    let variant = |key: &str, value: serde_json::Value| -> String {
        let mut c = original.clone();
        c[key] = value;
        let path = dir.join(format!("{key}.json"));
        std::fs::write(&path, c.to_string()).unwrap();
        path.display().to_string()
    };
    // A later deploy_at: the gate answers now and cannot hold the deploy
    // until then, so the span checked runs from now to the end of the later
    // window, and the freeze in force now still blocks (a fail-closed
    // audit: a deploy_at of 9999 stepped around every freeze), with a
    // `deploy-later` warning. The wait-for-freeze-end counterfactual,
    // assessed again after the freeze, lowers.
    let later = decide(&variant("deploy_at", "2026-11-30T00:00:00Z".into()));
    assert_eq!(later["decision"]["deploy_window"]["start"], "2026-11-27T10:00:00Z");
    assert_eq!(later["decision"]["deploy_window"]["end"], "2026-11-30T04:00:00Z");
    assert!(rules(&later).contains(&"freeze".to_owned()), "{later}");
    assert_eq!(later["decision"]["review_depth"], "block");
    assert!(later["diagnostics"].as_array().unwrap().iter().any(|d| d["code"] == "deploy-later"), "{later}");
    let wait = later["counterfactuals"].as_array().unwrap().iter().find(|c| c["id"] == "wait-for-freeze-end");
    assert_eq!(wait.unwrap_or_else(|| panic!("{later}"))["lowers"], true);

    let fix = decide(&variant("fix", true.into()));
    assert!(rules(&fix).contains(&"exception-claimed".to_owned()) && !rules(&fix).contains(&"freeze".to_owned()));
    let depth = fix["decision"]["review_depth"].as_str().unwrap();
    assert!(["owner", "senior", "multi_party"].contains(&depth), "{depth}");
}

/// A context's `now` is the instant assessed at unless `--now` gives
/// another (a contract audit: the issue's own context, replayed without
/// `--now`, was assessed at the system clock and its freeze and in-flight
/// change went unseen). A context further behind the clock than the
/// deploy window is warned about (`stale-context`), and its span checked
/// for freezes runs to the clock's instant; both depend on the clock,
/// which is an input without `--now`, so a replay that must give the same
/// bytes passes `--now`, and so does a gate deploying now.
#[test]
fn a_context_is_assessed_at_its_now() {
    let (dir, graph, change, _) = demo_case("checkout-banner");
    let context = dir.join("stale.json");
    std::fs::write(
        &context,
        r#"{"apiVersion": "blastgate.dev/v1", "kind": "Context", "now": "2001-01-01T00:00:00Z",
            "freezes": [{"name": "later", "start": "2002-01-01T00:00:00Z", "end": "2200-01-01T00:00:00Z"}]}"#,
    )
    .unwrap();
    let context = context.display().to_string();
    let run_with = |extra: &[&str]| -> Output {
        let mut args =
            vec!["assess", "--graph", &graph, "--change", &change, "--context", &context, "--format", "json"];
        args.extend_from_slice(extra);
        let o = run(&args);
        assert!(matches!(o.status.code(), Some(0 | 1)), "{}", stderr(&o));
        o
    };
    let decide = |extra: &[&str]| -> serde_json::Value { serde_json::from_slice(&run_with(extra).stdout).unwrap() };
    let fired = |v: &serde_json::Value, id: &str| v["rules"].as_array().unwrap().iter().any(|r| r["id"] == id);
    // Stale: assessed at the context's own instant, when the freeze had
    // not begun, with the span checked running to the clock's instant, when
    // it is in force (red team 32: a stale context hid today's freeze);
    // stale said.
    let stale = decide(&[]);
    assert!(fired(&stale, "freeze"), "{stale}");
    assert_eq!(stale["decision"]["deploy_window"]["start"], "2001-01-01T00:00:00Z", "{stale}");
    assert!(codes(&stale).contains(&"stale-context".to_owned()), "{stale}");
    // A replay at that instant: the freeze has not begun, nothing is stale.
    let replay = decide(&["--now", "2001-01-01T00:00:00Z"]);
    assert!(!fired(&replay, "freeze"), "{replay}");
    assert!(!codes(&replay).contains(&"stale-context".to_owned()), "{replay}");
    let again = run_with(&["--now", "2001-01-01T00:00:00Z"]).stdout;
    assert_eq!(run_with(&["--now", "2001-01-01T00:00:00Z"]).stdout, again, "the same inputs, the same bytes");
    // A gate deploying now passes the time: the freeze in force applies.
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    let today = decide(&["--now", &rfc3339(now)]);
    assert_eq!(today["decision"]["review_depth"], "block", "{today}");
    assert!(fired(&today, "freeze"), "{today}");
    // ... and hears that the context is old, from the instant given, not
    // the clock: the same bytes every run.
    assert!(codes(&today).contains(&"stale-context".to_owned()), "{today}");
    let later = ["--now", "2030-01-01T00:00:00Z"];
    assert_eq!(run_with(&later).stdout, run_with(&later).stdout);
    assert!(codes(&decide(&later)).contains(&"stale-context".to_owned()));
    // A context dated 50 minutes ahead of the clock would hide a freeze in
    // force now that ends before its `now` (a red-team audit): stale, and
    // assessed from the clock's instant, so the freeze blocks.
    let ahead = dir.join("ahead.json");
    std::fs::write(
        &ahead,
        format!(
            r#"{{"apiVersion": "blastgate.dev/v1", "kind": "Context", "now": "{}",
                "freezes": [{{"name": "now", "start": "{}", "end": "{}"}}]}}"#,
            rfc3339(now + 3000),
            rfc3339(now - 3600),
            rfc3339(now + 1800)
        ),
    )
    .unwrap();
    let o = run(&[
        "assess",
        "--graph",
        &graph,
        "--change",
        &change,
        "--context",
        ahead.to_str().unwrap(),
        "--format",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(codes(&v).contains(&"stale-context".to_owned()), "{v}");
    assert_eq!(v["decision"]["review_depth"], "block", "{v}");
    assert!(fired(&v, "freeze"), "{v}");
    // The span is stretched by the command, not by the change: no
    // `deploy-later` naming the context's `now` as a `deploy_at` the
    // change never stated (a docs audit).
    assert!(!codes(&v).contains(&"deploy-later".to_owned()), "{v}");
}

/// A freeze calendar committed to the repository states no `now` (a
/// newcomer audit: with one, every run past the deploy window warned
/// `stale-context`). Dated by `--now`, it is never stale and its freezes
/// apply; without `--now`, the clock dates it, with a note. Incidents in
/// a document without `now` are refused: they could be any age.
#[test]
fn a_freeze_calendar_needs_no_now_of_its_own() {
    let (dir, graph, change, _) = demo_case("checkout-banner");
    let calendar = dir.join("freezes.yaml");
    std::fs::write(
        &calendar,
        "apiVersion: blastgate.dev/v1\nkind: Context\nfreezes:\n  - name: year-end\n    start: 2026-12-20T00:00:00Z\n    end: 2027-01-04T00:00:00Z\n",
    )
    .unwrap();
    let calendar = calendar.display().to_string();
    let decide = |extra: &[&str]| -> serde_json::Value {
        let mut args =
            vec!["assess", "--graph", &graph, "--change", &change, "--context", &calendar, "--format", "json"];
        args.extend_from_slice(extra);
        let o = run(&args);
        assert!(matches!(o.status.code(), Some(0 | 1)), "{}", stderr(&o));
        serde_json::from_slice(&o.stdout).unwrap()
    };
    let in_freeze = decide(&["--now", "2026-12-24T10:00:00Z"]);
    assert_eq!(in_freeze["decision"]["review_depth"], "block", "{in_freeze}");
    assert!(!codes(&in_freeze).contains(&"stale-context".to_owned()), "{in_freeze}");
    let after = decide(&["--now", "2027-02-01T10:00:00Z"]);
    assert_ne!(after["decision"]["review_depth"], "block", "{after}");
    assert!(!codes(&after).contains(&"stale-context".to_owned()), "{after}");
    assert!(!codes(&after).contains(&"clock".to_owned()), "{after}");
    let clock = decide(&[]);
    assert!(codes(&clock).contains(&"clock".to_owned()), "{clock}");
    // Readings need their instant.
    let readings = dir.join("incidents.yaml");
    std::fs::write(
        &readings,
        "apiVersion: blastgate.dev/v1\nkind: Context\nincidents:\n  - {service: checkoutservice, severity: sev1, since: 2026-12-24T09:00:00Z}\n",
    )
    .unwrap();
    let o = run(&[
        "assess",
        "--graph",
        &graph,
        "--change",
        &change,
        "--context",
        readings.to_str().unwrap(),
        "--now",
        "2026-12-24T10:00:00Z",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("$.incidents") && stderr(&o).contains("state the instant"), "{}", stderr(&o));
}

/// `--format github` annotates warnings too (a newcomer audit: a stale
/// context was said only in the step summary); notes stay there.
#[test]
fn github_format_annotates_warnings() {
    let (dir, graph, change, _) = demo_case("checkout-banner");
    let context = dir.join("old.json");
    std::fs::write(&context, r#"{"apiVersion": "blastgate.dev/v1", "kind": "Context", "now": "2001-01-01T00:00:00Z"}"#)
        .unwrap();
    let o = run(&[
        "assess",
        "--graph",
        &graph,
        "--change",
        &change,
        "--context",
        context.to_str().unwrap(),
        "--now",
        "2026-11-27T10:00:00Z",
        "--format",
        "github",
    ]);
    assert!(matches!(o.status.code(), Some(0 | 1)), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(text.lines().any(|l| l.starts_with("::warning title=blastgate stale-context::")), "{text}");
    assert!(text.lines().all(|l| l.starts_with("::")), "{text}");
    assert!(!text.contains("title=blastgate clock"), "{text}");
}

/// A context dated far ahead of the clock (year 2999: a typo, a skewed
/// exporter) cannot be true, and assessed at its `now` it hid a freeze in
/// force now (a fail-closed audit: `auto`, exit 0, with only a warning).
/// Without `--now` the change is assessed from the clock's instant to the
/// end of the deploy window after the context's `now`: a freeze in force
/// at either instant blocks, and `stale-context` says what was done.
#[test]
fn a_context_dated_ahead_of_the_clock_still_meets_a_freeze_in_force_now() {
    let (dir, graph, change, _) = demo_case("checkout-banner");
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    let write = |name: &str, freeze_end: u64| -> String {
        let path = dir.join(name);
        std::fs::write(
            &path,
            format!(
                r#"{{"apiVersion": "blastgate.dev/v1", "kind": "Context", "now": "2999-01-01T00:00:00Z",
                    "freezes": [{{"name": "today", "start": "{}", "end": "{}"}}]}}"#,
                rfc3339(now - 3600),
                rfc3339(freeze_end)
            ),
        )
        .unwrap();
        path.display().to_string()
    };
    let decide = |context: &str| -> serde_json::Value {
        let o = run(&["assess", "--graph", &graph, "--change", &change, "--context", context, "--format", "json"]);
        assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
        serde_json::from_slice(&o.stdout).unwrap()
    };
    let rules = |v: &serde_json::Value| -> Vec<String> {
        v["rules"].as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap().to_owned()).collect()
    };
    let stale = |v: &serde_json::Value| -> String {
        let d = v["diagnostics"].as_array().unwrap().iter().find(|d| d["code"] == "stale-context");
        d.map(|d| d["message"].as_str().unwrap().to_owned()).unwrap_or_default()
    };
    // In force now, over a day before the context's `now`.
    let v = decide(&write("ahead.json", now + 86_400));
    assert_eq!(v["decision"]["review_depth"], "block", "{v}");
    assert!(rules(&v).contains(&"freeze".to_owned()), "{v}");
    assert!(stale(&v).contains("assessed at the clock's instant"), "{v}");
    // The span still reaches the context's own `now`: a freeze in force
    // only then counts too.
    let path = dir.join("late.json");
    std::fs::write(
        &path,
        r#"{"apiVersion": "blastgate.dev/v1", "kind": "Context", "now": "2999-01-01T00:00:00Z",
            "freezes": [{"name": "then", "start": "2998-12-31T23:00:00Z", "end": "2999-01-02T00:00:00Z"}]}"#,
    )
    .unwrap();
    let v = decide(&path.display().to_string());
    assert_eq!(v["decision"]["review_depth"], "block", "{v}");
    assert!(rules(&v).contains(&"freeze".to_owned()), "{v}");

    // Ahead by less than the skew allowed (two minutes), with a freeze in
    // force now that ends a minute from now, before the context's `now`
    // (a red-team pass: assessed at that `now`, `auto` with no word).
    let path = dir.join("skewed.json");
    std::fs::write(
        &path,
        format!(
            r#"{{"apiVersion": "blastgate.dev/v1", "kind": "Context", "now": "{}",
                "freezes": [{{"name": "today", "start": "{}", "end": "{}"}}]}}"#,
            rfc3339(now + 120),
            rfc3339(now - 3600),
            rfc3339(now + 60)
        ),
    )
    .unwrap();
    let v = decide(&path.display().to_string());
    assert_eq!(v["decision"]["review_depth"], "block", "{v}");
    assert!(rules(&v).contains(&"freeze".to_owned()), "{v}");
    assert!(stale(&v).is_empty(), "{v}");
    let clock = v["diagnostics"].as_array().unwrap().iter().find(|d| d["code"] == "clock").unwrap();
    assert!(clock["message"].as_str().unwrap().contains("a little ahead"), "{v}");
}

/// A context dated less than the deploy window before the clock (exported
/// 59 minutes before the gate ran) was assessed at its `now` alone, so a
/// freeze or a change in flight starting within the window after the
/// clock's instant went unseen (a red team: `peer`, exit 0, no word).
/// Without `--now` the span now runs to the end of the window after the
/// clock's instant, with a `clock` note; with `--now` it runs from it.
#[test]
fn a_context_dated_a_little_before_the_clock_still_meets_what_starts_soon() {
    let (dir, graph, change, _) = demo_case("checkout-banner");
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    let path = dir.join("recent.json");
    std::fs::write(
        &path,
        format!(
            r#"{{"apiVersion": "blastgate.dev/v1", "kind": "Context", "now": "{}",
                "freezes": [{{"name": "soon", "start": "{}", "end": "{}"}}]}}"#,
            rfc3339(now - 59 * 60),
            rfc3339(now + 30 * 60),
            rfc3339(now + 40 * 60)
        ),
    )
    .unwrap();
    let context = path.display().to_string();
    let o = run(&["assess", "--graph", &graph, "--change", &change, "--context", &context, "--format", "json"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["decision"]["review_depth"], "block", "{v}");
    assert!(v["rules"].as_array().unwrap().iter().any(|r| r["id"] == "freeze"), "{v}");
    let clock = v["diagnostics"].as_array().unwrap().iter().find(|d| d["code"] == "clock").unwrap();
    assert!(clock["message"].as_str().unwrap().contains("before the system clock"), "{v}");
    assert!(!v["diagnostics"].as_array().unwrap().iter().any(|d| d["code"] == "stale-context"), "{v}");
}

/// The issue's own context document, replayed without `--now`: its freeze
/// (tier 0, 26 to 30 November) and its change in flight (`deploy-77` on
/// cartservice, 09:30 to 11:00 on 27 November) are in force at its `now`.
#[test]
fn the_issue_context_replays_at_its_now() {
    let dir = tempdir();
    let context = dir.join("context.json");
    std::fs::write(
        &context,
        r#"{
  "apiVersion": "blastgate.dev/v1",
  "kind": "Context",
  "now": "2026-11-27T10:00:00Z",
  "incidents": [{"service": "paymentservice", "severity": "sev2", "since": "2026-11-27T09:10:00Z"}],
  "error_budgets": [{"service": "frontend", "remaining": 0.12}],
  "freezes": [{"start": "2026-11-26T00:00:00Z", "end": "2026-11-30T00:00:00Z", "scope": {"tiers": [0]}, "allow": ["fix"]}],
  "in_flight": [{"id": "deploy-77", "services": ["cartservice"], "start": "2026-11-27T09:30:00Z", "end": "2026-11-27T11:00:00Z"}]
}"#,
    )
    .unwrap();
    let change = dir.join("change.json");
    std::fs::write(
        &change,
        r#"{"apiVersion": "blastgate.dev/v1", "kind": "Changeset", "id": "c1",
            "author": {"id": "sam", "seniority": "senior"}, "services": ["cartservice"],
            "files": [{"path": "src/cartservice/cart.go", "added": 5, "deleted": 1}]}"#,
    )
    .unwrap();
    let graph =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures/graphs/online-boutique.edges");
    let o = run(&[
        "assess",
        "--graph",
        graph.to_str().unwrap(),
        "--change",
        change.to_str().unwrap(),
        "--context",
        context.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert!(matches!(o.status.code(), Some(0 | 1)), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let fired: Vec<&str> = v["rules"].as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert!(fired.contains(&"collision"), "{fired:?}");
    assert_eq!(v["decision"]["deploy_window"]["start"], "2026-11-27T10:00:00Z", "{v}");
    // The freeze is said to hold over the deploy window, not "at deploy
    // time" (an SRE audit: a freeze starting inside the window was said to
    // be in force at its start).
    let freeze = v["rules"].as_array().unwrap().iter().find(|r| r["id"] == "freeze").unwrap();
    let end = v["decision"]["deploy_window"]["end"].as_str().unwrap();
    let message = freeze["message"].as_str().unwrap();
    assert!(message.contains(&format!("in force during the deploy window 2026-11-27T10:00:00Z to {end}")), "{message}");
}

/// `seconds` after the epoch as RFC 3339 (UTC), for contexts dated
/// relative to the clock (civil-from-days, Howard Hinnant's algorithm).
fn rfc3339(seconds: u64) -> String {
    let days = (seconds / 86_400) as i64;
    let rest = seconds % 86_400;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z", rest / 3600, rest % 3600 / 60, rest % 60)
}

/// What other commands print from a graph's files is shown, not obeyed: an
/// owner, a Backstage kind, a plan's address or a tool name holding a line
/// break and a workflow command stays on its line, escape sequences and
/// bidirectional overrides are escaped (found by a red-team audit: each
/// reached a terminal or CI log raw).
#[test]
fn other_commands_show_hostile_text_on_one_line() {
    let dir = tempdir();
    let write = |name: &str, text: &str| write_in(&dir, name, text);
    let clean = |o: &std::process::Output| {
        let all = format!("{}{}", stdout(o), stderr(o));
        assert!(!all.contains(['\u{1b}', '\u{7}', '\u{202e}', '\r']), "{all:?}");
        assert!(!all.lines().any(|l| l.trim_start().starts_with("::")), "{all}");
        all
    };
    let graph = write(
        "g.json",
        r#"{"apiVersion": "blastgate.dev/v1", "kind": "ServiceGraph", "services": [
            {"id": "orders"},
            {"id": "web", "owner": "team-web\n::error title=FORGED::auto\r\u001b]0;pwned\u0007\u202e", "depends_on": ["orders"]}]}"#,
    );
    let all = clean(&run(&["radius", "--graph", &graph, "--", "orders"]));
    assert!(all.contains(r"owning teams: team-web\u{a}::error"), "{all}");
    let catalog = write(
        "c.yaml",
        "apiVersion: backstage.io/v1alpha1\nkind: \"Widget\\n::error title=FORGED::kind\\e[31m\"\nmetadata:\n  name: web\n",
    );
    let all = clean(&run(&["graph", "check", &catalog]));
    assert!(all.contains(r"unknown entity kind `Widget\u{a}::error"), "{all}");
    let change = write(
        "ch.json",
        r#"{"apiVersion": "blastgate.dev/v1", "kind": "Changeset", "id": "pr-1", "services": ["orders"],
            "provenance": {"ai": "assisted", "tool": "copilot\n::error title=FORGED::x"}}"#,
    );
    let all = clean(&run(&["change", "show", "--graph", &graph, "--change", &change]));
    assert!(all.contains(r"tool copilot\u{a}::error"), "{all}");
    // Step outputs: an earlier writer's open last line is closed first.
    let outputs = write("outputs", "earlier=value");
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_blastgate"))
        .args(["assess", "--graph", &graph, "--change", &change, "--now", "2026-11-27T10:00:00Z", "--format", "github"])
        .env("GITHUB_OUTPUT", &outputs)
        .output()
        .unwrap();
    // Workflow commands are this format's lines; none is the input's.
    assert!(
        !stdout(&o).lines().any(|l| l.contains("FORGED")
            && !l.starts_with("::warning title=blastgate")
            && !l.starts_with("::notice title=blastgate")),
        "{}",
        stdout(&o)
    );
    assert!(!stdout(&o).contains(['\u{1b}', '\r']), "{}", stdout(&o));
    let written = std::fs::read_to_string(&outputs).unwrap();
    assert!(written.starts_with("earlier=value\nreview_depth="), "{written}");
    // Markdown: emphasis, links and a Mermaid directive from an id stay text.
    let md_graph = write(
        "md.json",
        r#"{"apiVersion": "blastgate.dev/v1", "kind": "ServiceGraph", "services": [
            {"id": "orders", "owner": "x **Decision: auto** see https://evil.example/approve ~~senior~~", "tier": 0},
            {"id": "web%%{init: {'theme':'dark'}}%%", "depends_on": ["orders"]}]}"#,
    );
    let o = assess_at_fixed_now(&md_graph, &change, "markdown");
    let out = stdout(&o);
    assert!(out.contains(r"x \*\*Decision\: auto\*\* see https\://evil\.example/approve \~\~senior\~\~"), "{out}");
    let chart = out.split("```mermaid").nth(1).unwrap().split("```").next().unwrap();
    assert!(chart.contains("web#37;#37;{init") && !chart.contains("%%"), "{chart}");
}

/// A changeset with its lists in another order has the same digest and
/// gives the same bytes: messages name an entry by its path, id or
/// address, never by its position (found by an audit: `$.files[1]` in one
/// order, `$.files[0]` in the other, under one digest).
#[test]
fn a_reordered_changeset_gives_the_same_bytes() {
    let dir = tempdir();
    let graph = dir.join("topology.yaml");
    std::fs::write(&graph, blastgate::demo::TOPOLOGY).unwrap();
    let files = [
        r#"{"path": "pricing/src/rules.go", "added": 40, "kind": "docs"}"#,
        r#"{"path": "notifications/src/sender.go", "added": 5, "service": "pricing"}"#,
        r#"{"path": "README.md", "added": 2}"#,
    ];
    let write = |name: &str, order: [usize; 3]| {
        let listed: Vec<&str> = order.iter().map(|&i| files[i]).collect();
        let text = format!(
            r#"{{"apiVersion": "blastgate.dev/v1", "kind": "Changeset", "id": "pr-7", "services": ["orders", "notifications"],
                "files": [{}]}}"#,
            listed.join(", ")
        );
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        path
    };
    let outputs: Vec<String> = [write("a.json", [0, 1, 2]), write("b.json", [2, 1, 0])]
        .iter()
        .map(|change| {
            let o = assess_at_fixed_now(graph.to_str().unwrap(), change.to_str().unwrap(), "json");
            stdout(&o)
        })
        .collect();
    assert!(outputs[0].contains("is stated to be docs"), "{}", outputs[0]);
    assert_eq!(outputs[0], outputs[1]);
    // One instant spelled two ways is one input.
    let digests: Vec<String> = ["2026-11-27T10:30:00Z", "2026-11-27T12:30:00+02:00"]
        .iter()
        .map(|at| {
            let change = dir.join("at.json");
            std::fs::write(
                &change,
                format!(
                    r#"{{"apiVersion": "blastgate.dev/v1", "kind": "Changeset", "id": "pr-8", "services": ["orders"], "deploy_at": "{at}"}}"#
                ),
            )
            .unwrap();
            let o = assess_at_fixed_now(graph.to_str().unwrap(), change.to_str().unwrap(), "json");
            let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
            v["input_digest"].as_str().unwrap().to_owned()
        })
        .collect();
    assert_eq!(digests[0], digests[1]);
}

/// `assess` and `change show` take the graph-reading flags the other
/// commands take: `--input-format` for a file whose name and contents do
/// not tell its format (the error's own advice; it was refused as an
/// unexpected argument, found by a docs audit) and `--strict` for
/// references to undeclared nodes.
#[test]
fn assess_reads_graphs_with_input_format_and_strict() {
    let dir = tempdir();
    let edges = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures/graphs/online-boutique.edges"),
    )
    .unwrap();
    let odd = dir.join("graph.json");
    std::fs::write(&odd, edges).unwrap();
    let change = dir.join("change.json");
    std::fs::write(
        &change,
        r#"{"apiVersion": "blastgate.dev/v1", "kind": "Changeset", "id": "c1",
            "author": {"id": "sam", "seniority": "senior"}, "services": ["cartservice"]}"#,
    )
    .unwrap();
    let (odd, change) = (odd.display().to_string(), change.display().to_string());
    let base = ["assess", "--graph", &odd, "--change", &change, "--now", "2026-11-27T10:00:00Z", "--format", "json"];
    let o = run(&base);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("--input-format"), "{}", stderr(&o));
    let o = run(&[&base[..], &["--input-format", "edges"]].concat());
    assert!(matches!(o.status.code(), Some(0 | 1)), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(v["blast_radius"]["affected_count"].as_u64().unwrap() > 0, "{v}");
    let o = run(&["change", "show", "--graph", &odd, "--input-format", "edges", "--change", &change]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // A dependency nobody declares: a warning, or with --strict an error.
    let graph = dir.join("graph.yaml");
    std::fs::write(
        &graph,
        "apiVersion: blastgate.dev/v1\nkind: ServiceGraph\nservices:\n  - id: cartservice\n    \
         depends_on: [redis]\n",
    )
    .unwrap();
    let graph = graph.display().to_string();
    let base = ["assess", "--graph", &graph, "--change", &change, "--now", "2026-11-27T10:00:00Z", "--format", "json"];
    let o = run(&base);
    assert!(matches!(o.status.code(), Some(0 | 1)), "{}", stderr(&o));
    let o = run(&[&base[..], &["--strict"]].concat());
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("redis"), "{}", stderr(&o));
}

/// `assess --format json` of `graph` and `change` (paths, or `-` for the
/// change on standard input) run from `dir`, at a fixed instant, with
/// `--author dana` (which adds an `input` warning about the changeset).
fn assess_json_in(dir: &std::path::Path, graph: &str, change: &str, stdin: Option<&[u8]>) -> Vec<u8> {
    use std::io::Write as _;
    let args = [
        "assess",
        "--graph",
        graph,
        "--change",
        change,
        "--author",
        "dana",
        "--now",
        "2026-11-27T10:00:00Z",
        "--format",
        "json",
    ];
    let mut child = Command::new(env!("CARGO_BIN_EXE_blastgate"))
        .args(args)
        .current_dir(dir)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    input.write_all(stdin.unwrap_or_default()).unwrap();
    drop(input);
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    o.stdout
}

const EDGES: &str = "frontend cart\ncart cart\ncheckout cart\nweb web\ncart redis\n";
const WARNED_CHANGE: &str = r#"{"apiVersion":"blastgate.dev/v1","kind":"Changeset","id":"pr-5",
  "author":{"id":"sam","seniority":"senior","prior_changes":40},"services":["redis"]}"#;

/// The same inputs give the same bytes however their paths are spelled
/// and whether the change comes from a file or standard input: warnings
/// name a graph file by its name, and the changeset by its id (a
/// determinism audit: `./a.edges`, an absolute path and `-` each gave
/// other bytes under one digest; standard input was named `-`).
#[test]
fn path_spellings_and_stdin_give_the_same_bytes() {
    let dir = tempdir();
    std::fs::create_dir_all(dir.join("sub")).unwrap();
    std::fs::write(dir.join("sub/a.edges"), EDGES).unwrap();
    std::fs::write(dir.join("change.json"), WARNED_CHANGE).unwrap();
    let absolute = dir.join("sub/a.edges").display().to_string();
    let first = assess_json_in(&dir, "sub/a.edges", "change.json", None);
    for (graph, change, stdin) in [
        ("./sub/a.edges", "./change.json", None),
        (absolute.as_str(), "change.json", None),
        ("sub/../sub/a.edges", "-", Some(WARNED_CHANGE.as_bytes())),
    ] {
        let again = assess_json_in(&dir, graph, change, stdin);
        assert_eq!(String::from_utf8_lossy(&first), String::from_utf8_lossy(&again), "{graph} {change}");
    }
    let text = String::from_utf8(first).unwrap();
    assert!(text.contains("a.edges: self-loop dropped"), "{text}");
    assert!(text.contains("change `pr-5`: the change's author `sam` is replaced by `dana`"), "{text}");
    assert!(!text.contains("line ") && !text.contains("sub/"), "{text}");
}

/// An edge list's lines, or a catalog's documents, in another order give
/// the same bytes: no line number or document index, and the graph's
/// warnings shown in one order (a determinism audit).
#[test]
fn permuted_edge_lines_and_catalog_documents_give_the_same_bytes() {
    let (one, two) = (tempdir(), tempdir());
    let mut lines: Vec<&str> = EDGES.lines().collect();
    std::fs::write(one.join("g.edges"), lines.join("\n")).unwrap();
    lines.reverse();
    std::fs::write(two.join("g.edges"), lines.join("\n")).unwrap();
    for dir in [&one, &two] {
        std::fs::write(dir.join("change.json"), WARNED_CHANGE).unwrap();
    }
    let a = assess_json_in(&one, "g.edges", "change.json", None);
    let b = assess_json_in(&two, "g.edges", "change.json", None);
    assert_eq!(String::from_utf8_lossy(&a), String::from_utf8_lossy(&b));
    assert!(String::from_utf8_lossy(&a).contains("gave 2 warnings"));

    let docs = [
        "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: web}\nspec: {type: website, lifecycle: production, owner: team-a, consumesApis: [component:api], dependsOn: [component:nowhere]}\n",
        "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: api}\nspec: {type: service, lifecycle: production, owner: team-a}\n",
        "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: db}\nspec: {type: service, lifecycle: production, owner: team-b, dependsOn: [component:db]}\n",
    ];
    let change = r#"{"apiVersion":"blastgate.dev/v1","kind":"Changeset","id":"pr-6","services":["component:api"]}"#;
    std::fs::write(one.join("catalog.yaml"), docs.join("---\n")).unwrap();
    std::fs::write(two.join("catalog.yaml"), [docs[2], docs[0], docs[1]].join("---\n")).unwrap();
    let a = assess_json_in(&one, "catalog.yaml", "-", Some(change.as_bytes()));
    let b = assess_json_in(&two, "catalog.yaml", "-", Some(change.as_bytes()));
    assert_eq!(String::from_utf8_lossy(&a), String::from_utf8_lossy(&b));
    let text = String::from_utf8(a).unwrap();
    assert!(text.contains("catalog.yaml: component:default/web, spec.dependsOn[*]: "), "{text}");
    assert!(!text.contains("document "), "{text}");
}

/// `diagnostics` are sorted by level, code and message, what the command
/// line adds (`input` warnings, clock notes) included (docs/model.md; an
/// audit found them appended after the engine's).
#[test]
fn diagnostics_are_sorted_with_what_the_command_line_adds() {
    let dir = tempdir();
    std::fs::write(dir.join("g.edges"), EDGES).unwrap();
    std::fs::write(dir.join("change.json"), WARNED_CHANGE).unwrap();
    let out = assess_json_in(&dir, "g.edges", "change.json", None);
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let rank = |level: &str| ["error", "warning", "note"].iter().position(|l| *l == level).unwrap();
    let keys_of = |v: &serde_json::Value| -> Vec<(usize, String, String)> {
        v["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| {
                (
                    rank(d["level"].as_str().unwrap()),
                    d["code"].as_str().unwrap().into(),
                    d["message"].as_str().unwrap().into(),
                )
            })
            .collect()
    };
    let keys = keys_of(&v);
    assert!(keys.iter().any(|k| k.1 == "input"), "{keys:?}");
    assert!(keys.iter().any(|k| k.1 == "graph-warnings"), "{keys:?}");
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
    // Without --now, the clock note goes in order too.
    let o = Command::new(env!("CARGO_BIN_EXE_blastgate"))
        .args(["assess", "--graph", "g.edges", "--change", "change.json", "--author", "dana", "--format", "json"])
        .current_dir(&dir)
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let keys = keys_of(&v);
    assert!(keys.iter().any(|k| k.1 == "clock"), "{keys:?}");
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
}

/// A budget far below zero is named in scientific notation (a context
/// audit: `-1e308` printed as 309 digits in the rule's message).
#[test]
fn an_extreme_budget_prints_compactly() {
    let dir = tempdir();
    let context = dir.join("context.json");
    std::fs::write(
        &context,
        r#"{"apiVersion": "blastgate.dev/v1", "kind": "Context", "now": "2026-11-27T10:00:00Z",
            "error_budgets": [{"service": "cartservice", "remaining": -1e308}]}"#,
    )
    .unwrap();
    let change = dir.join("change.json");
    std::fs::write(
        &change,
        r#"{"apiVersion": "blastgate.dev/v1", "kind": "Changeset", "id": "c1",
            "author": {"id": "sam", "seniority": "senior"}, "services": ["cartservice"]}"#,
    )
    .unwrap();
    let graph =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures/graphs/online-boutique.edges");
    let o = run(&[
        "assess",
        "--graph",
        graph.to_str().unwrap(),
        "--change",
        change.to_str().unwrap(),
        "--context",
        context.to_str().unwrap(),
        "--format",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let budget = v["rules"].as_array().unwrap().iter().find(|r| r["id"] == "error-budget-exhausted").unwrap();
    assert!(budget["message"].as_str().unwrap().contains("cartservice (-1e308)"), "{budget}");
}

/// Regression (an environment audit): `$GITHUB_OUTPUT` naming a named pipe
/// nobody read yet was opened to read and write, so the outputs went into
/// this process's own pipe and were lost, exit 0. A pipe is refused (exit
/// 3), as a file that cannot be written is.
#[cfg(unix)]
#[test]
fn github_outputs_into_a_pipe_are_refused() {
    let (dir, graph, change, context) = demo_case("checkout-banner");
    let fifo = dir.join("outputs.fifo");
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    let o = Command::new(env!("CARGO_BIN_EXE_blastgate"))
        .args(["assess", "--graph", &graph, "--change", &change, "--context", &context, "--format", "github"])
        .args(["--now", &context_now(&context)])
        .env("GITHUB_OUTPUT", &fifo)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert!(stderr(&o).contains("$GITHUB_OUTPUT names a pipe"), "{}", stderr(&o));
}

/// A service map that arrived empty (`<(git show base:ops/service.map)` of
/// a path missing there, an empty download, `/dev/null`) is exit 2, not a
/// map of nothing (an audit: the change under `src/pay/`, which the map
/// places on a tier-0 service, fell to folder names, reached nothing, and
/// `--fail-at senior` let it through with exit 0).
#[test]
fn an_empty_service_map_does_not_pass_the_gate() {
    let dir = tempdir();
    let graph = dir.join("graph.yaml");
    std::fs::write(
        &graph,
        "apiVersion: blastgate.dev/v1\nkind: ServiceGraph\nservices:\n  - {id: payments, kind: service, tier: 0, owner: team-pay}\n  \
         - {id: checkout, kind: service, tier: 0, owner: team-co}\ndependencies:\n  - {dependent: checkout, dependency: payments}\n",
    )
    .unwrap();
    let change = dir.join("change.json");
    std::fs::write(
        &change,
        r#"{"apiVersion":"blastgate.dev/v1","kind":"Changeset","id":"c3","author":{"id":"alice"},"files":[{"path":"src/pay/charge.go","added":120,"deleted":30}]}"#,
    )
    .unwrap();
    let map = dir.join("service.map");
    let gate = |map: &str| {
        let (graph, change) = (graph.to_str().unwrap(), change.to_str().unwrap());
        run(&[
            "assess",
            "--graph",
            graph,
            "--change",
            change,
            "--service-map",
            map,
            "--now",
            "2026-01-01T00:00:00Z",
            "--fail-at",
            "senior",
            "--format",
            "json",
        ])
    };
    std::fs::write(&map, "src/pay/** payments\n").unwrap();
    let o = gate(map.to_str().unwrap());
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    for contents in ["", "\n\n", "# moved to ops/\n"] {
        std::fs::write(&map, contents).unwrap();
        let o = gate(map.to_str().unwrap());
        assert_eq!(o.status.code(), Some(2), "{contents:?}: {}", stdout(&o));
        assert!(o.stdout.is_empty());
        assert!(stderr(&o).contains("the service map has no rules"), "{}", stderr(&o));
    }
    #[cfg(unix)]
    {
        let o = gate("/dev/null");
        assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
        assert!(stderr(&o).starts_with("error: /dev/null: the service map has no rules"), "{}", stderr(&o));
    }
}

/// A changeset's `repository` that no `url:` source location names is
/// said: a misspelt host would otherwise leave every location unused in
/// silence. The case is the decision case whose catalog spans two
/// repositories.
#[test]
fn a_repository_no_source_location_names_is_said() {
    let case = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(
        "../blastgate/tests/data/decision-cases/another-repositorys-source-location-does-not-claim-this-ones-files",
    );
    let catalog = case.join("catalog.yaml");
    let dir = tempdir();
    let change = dir.join("typo.json");
    let text = std::fs::read_to_string(case.join("change.json")).unwrap().replace("Acme/payments", "acme/paymnets");
    std::fs::write(&change, text).unwrap();
    let o = assess_at_fixed_now(catalog.to_str().unwrap(), change.to_str().unwrap(), "json");
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let said = v["diagnostics"].as_array().unwrap().iter().any(|d| {
        d["message"].as_str().unwrap().contains(
            "the change's repository `github.com/acme/paymnets` is none of those the graph's source locations name \
             (`github.com/acme/payments`, `github.com/acme/status`)",
        )
    });
    assert!(said, "{v}");
}

/// A changeset's `repository` is kept as blastgate compares it: a CI
/// job's clone URL carries a token that must reach no output and that
/// changes every job, so it changes neither the output nor the input
/// digest (red team 18: `change show` printed it, and the digest changed
/// with every job).
#[test]
fn a_repository_token_reaches_no_output_and_no_digest() {
    let case = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(
        "../blastgate/tests/data/decision-cases/another-repositorys-source-location-does-not-claim-this-ones-files",
    );
    let catalog = case.join("catalog.yaml");
    let dir = tempdir();
    let text = std::fs::read_to_string(case.join("change.json")).unwrap();
    let mut digests = Vec::new();
    for token in ["ZQXJOBTOKEN1", "ZQXJOBTOKEN2"] {
        let change = dir.join(format!("{token}.json"));
        let url = format!("https://gitlab-ci-token:{token}@github.com/Acme/payments.git?private_token={token}");
        std::fs::write(&change, text.replace("https://github.com/Acme/payments.git", &url)).unwrap();
        let shown = run(&["change", "show", "--change", change.to_str().unwrap(), "--format", "json"]);
        assert!(!stdout(&shown).to_lowercase().contains("zqx"), "{}", stdout(&shown));
        assert!(stdout(&shown).contains("\"repository\": \"github.com/acme/payments\""), "{}", stdout(&shown));
        for format in ["json", "human", "markdown", "github", "sarif"] {
            let o = assess_at_fixed_now(catalog.to_str().unwrap(), change.to_str().unwrap(), format);
            let all = stdout(&o) + &stderr(&o);
            assert!(!all.to_lowercase().contains("zqx"), "{format}: {all}");
        }
        let o = assess_at_fixed_now(catalog.to_str().unwrap(), change.to_str().unwrap(), "json");
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        digests.push(v["input_digest"].as_str().unwrap().to_owned());
    }
    assert_eq!(digests[0], digests[1]);
}

/// `change show` says which placed files `assess` also reviews as code
/// placed nowhere (red team 18: it listed the node alone).
#[test]
fn change_show_names_placed_files_also_reviewed_as_unplaced() {
    let case = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(
        "../blastgate/tests/data/decision-cases/a-change-of-unknown-repository-placed-by-a-multi-repository-catalog-is-also-unplaced",
    );
    let o = run(&[
        "change",
        "show",
        "--graph",
        case.join("catalog.yaml").to_str().unwrap(),
        "--change",
        case.join("change.json").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let shown = stdout(&o);
    assert!(shown.contains("placed, but also reviewed as code placed nowhere: 1\n  cmd/payments/main.go"), "{shown}");
}

/// An impact just under a band's cut is written with the decimals that
/// keep it in its band in every line that prints it beside the band, as
/// the summary writes it (an explanations audit: the risk line and the
/// markdown table read "2.0 (low)" for 1.99994, where 2.0 is medium).
#[test]
fn a_number_beside_its_band_is_written_in_that_band() {
    let dir = tempdir();
    let graph = dir.join("graph.yaml");
    std::fs::write(
        &graph,
        "apiVersion: blastgate.dev/v1\nkind: ServiceGraph\nservices:\n  - {id: leaf, tier: 3, owner: team-leaf}\n  \
         - {id: a, tier: 2, owner: team-a}\ndependencies:\n  - {dependent: a, dependency: leaf, probability: 0.49997}\n",
    )
    .unwrap();
    let change = dir.join("change.json");
    std::fs::write(
        &change,
        r#"{"apiVersion": "blastgate.dev/v1", "kind": "Changeset", "id": "c1",
            "author": {"id": "sam", "seniority": "senior"}, "services": ["leaf"], "safety": {"rollback_plan": true}}"#,
    )
    .unwrap();
    let args = |format| {
        run(&[
            "assess",
            "--graph",
            graph.to_str().unwrap(),
            "--change",
            change.to_str().unwrap(),
            "--now",
            "2026-11-27T10:00:00Z",
            "--format",
            format,
        ])
    };
    let json: serde_json::Value = serde_json::from_str(&stdout(&args("json"))).unwrap();
    assert_eq!(json["risk"]["impact_band"], "low", "{json}");
    assert!(json["risk"]["impact"].as_f64().unwrap() < 2.0, "{json}");
    let human = stdout(&args("human"));
    assert!(human.contains("risk: likelihood 0.011, impact 1.9999,"), "{human}");
    let markdown = stdout(&args("markdown"));
    assert!(markdown.contains("| 1.9999 (low) |"), "{markdown}");
}

/// GitHub's runner trims a line's leading blanks before it looks for `::`:
/// ids and paths that `radius`, `change show` and `graph check` print
/// indented in lists, and a value clap quoted in a usage error after a line
/// break of its own, ran as workflow commands (`::add-mask::block` hid the
/// gate's verdict in the rest of the log; a rendering audit). SARIF's
/// messages carried a path's escape sequences and U+202E raw.
#[test]
fn no_line_of_any_command_is_a_workflow_command() {
    let dir = tempdir();
    let write = |name: &str, text: &str| write_in(&dir, name, text);
    let commands = |o: &std::process::Output| {
        let all = format!("{}{}", stdout(o), stderr(o));
        let forged: Vec<&str> = all.lines().filter(|l| l.trim_start().starts_with("::")).collect();
        assert!(forged.is_empty(), "{forged:?} in\n{all}");
        all
    };
    let graph = write(
        "g.yaml",
        "apiVersion: blastgate.dev/v1\nkind: ServiceGraph\nservices:\n  - {id: api, tier: 0}\n  \
         - {id: \"::error title=x::auto\", tier: 3}\n  - {id: \"::add-mask::senior\", tier: 2}\n\
         dependencies:\n  - {dependent: api, dependency: \"::error title=x::auto\"}\n  \
         - {dependent: \"::error title=x::auto\", dependency: api}\n  - {dependent: \"::add-mask::senior\", dependency: api}\n",
    );
    let all = commands(&run(&["graph", "check", &graph]));
    assert!(all.contains(r"\u{3a}:error title=x::auto, api"), "{all}");
    let all = commands(&run(&["radius", "--graph", &graph, "--", "api"]));
    assert!(all.contains(r"  \u{3a}:add-mask::senior (1, 0.900)"), "{all}");
    let change = write(
        "c.json",
        r#"{"apiVersion": "blastgate.dev/v1", "kind": "Changeset", "id": "pr-9", "author": {"id": "dana"},
            "services": ["::error title=x::auto"],
            "files": [{"path": "::add-mask::block", "added": 1}, {"path": "go/\u202eog.otua\u001bc.go", "added": 1}]}"#,
    );
    let all = commands(&run(&["change", "show", "--graph", &graph, "--change", &change]));
    assert!(all.contains(r"  \u{3a}:add-mask::block"), "{all}");
    let all = commands(&run(&["assess", "--graph", &graph, "--change", &change, "--ai", "agent\n::add-mask::block"]));
    assert!(all.contains(r"\u{3a}:add-mask::block"), "{all}");
    let o =
        run(&["assess", "--graph", &graph, "--change", &change, "--now", "2026-11-27T10:00:00Z", "--format", "sarif"]);
    let text = stdout(&o);
    // Messages are for people; `properties` are data, as in the JSON.
    let messages: Vec<&str> = text.lines().filter(|l| l.trim_start().starts_with("\"text\":")).collect();
    assert!(messages.iter().all(|m| !m.contains(['\u{202e}', '\u{1b}']) && !m.contains(r"\u001b")), "{messages:?}");
    assert!(text.contains(r"go/\\\\u{202e}og.otua\\\\u{1b}c.go"), "{text}");
}
