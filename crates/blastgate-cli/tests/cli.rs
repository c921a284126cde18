//! The command line as users and gate tools call it: exit codes, JSON keys
//! (a contract), messages on stderr.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a panic is a failed test"
)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures")
}

fn boutique() -> String {
    fixtures().join("graphs/online-boutique.edges").display().to_string()
}

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_blastgate")).args(args).output().unwrap()
}

/// Runs the binary with `input` on its standard input.
fn run_with_stdin(args: &[&str], input: &[u8]) -> Output {
    use std::io::Write as _;
    use std::process::Stdio;
    let mut child = Command::new(env!("CARGO_BIN_EXE_blastgate"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // A command that refuses its arguments exits without reading its
    // input: a broken pipe then is its answer, not a failed test (it made
    // `plans_are_read_as_named_and_stdin_once` fail now and then).
    if let Err(e) = child.stdin.take().unwrap().write_all(input) {
        assert_eq!(e.kind(), std::io::ErrorKind::BrokenPipe, "{e}");
    }
    child.wait_with_output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {}", stdout(o)))
}

#[test]
fn graph_check_json_has_the_contract_keys() {
    let o = run(&["graph", "check", &boutique(), "--format", "json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v = json(&o);
    assert_eq!(v["nodes"], 12);
    assert_eq!(v["edges"], 16);
    assert_eq!(v["cycles"], serde_json::json!([]));
    assert!(v["warnings"].as_array().unwrap().is_empty());
}

#[test]
fn graph_check_lists_cycles() {
    let dir = tempdir();
    let file = dir.join("cycle.edges");
    std::fs::write(&file, "a b\nb c\nc a\nc d\nd d\n").unwrap();
    let o = run(&["graph", "check", file.to_str().unwrap(), "--format", "json"]);
    assert_eq!(o.status.code(), Some(0));
    let v = json(&o);
    assert_eq!(v["cycles"], serde_json::json!([["a", "b", "c"]]));
    // The file and line of the self-loop (it said "(merged graph)").
    let warning = v["warnings"][0].as_str().unwrap();
    assert!(
        warning.ends_with("cycle.edges: line 5: self-loop dropped: `d` depends on itself, which adds no blast radius")
    );
    // Text lists a cycle's members without arrows, which would claim
    // edges (`a -> b -> c`, where the edges run a -> b -> c -> a here but
    // not in general), and a large one in part.
    let o = run(&["graph", "check", file.to_str().unwrap()]);
    assert!(stdout(&o).contains("\n    a, b, c\n"), "{}", stdout(&o));
    let ring: String = (0..25).map(|i| format!("n{i:02} n{:02}\n", (i + 1) % 25)).collect();
    std::fs::write(&file, ring).unwrap();
    let o = run(&["graph", "check", file.to_str().unwrap()]);
    assert!(
        stdout(&o).contains("\n    n00, n01, n02, n03, n04, n05, n06, n07, n08, n09, ... (25 in all)\n"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn invalid_input_exits_2_with_file_and_place() {
    let dir = tempdir();
    let file = dir.join("bad.yaml");
    std::fs::write(&file, "apiVersion: blastgate.dev/v1\nkind: ServiceGraph\nservices: [{id: a, teir: 1}]\n").unwrap();
    let o = run(&["graph", "check", file.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(e.contains("bad.yaml") && e.contains("line 3") && e.contains("teir"), "{e}");
    assert!(stdout(&o).is_empty());
}

#[test]
fn missing_file_and_usage_errors_exit_2() {
    assert_eq!(run(&["graph", "check", "/nonexistent/graph.edges"]).status.code(), Some(2));
    assert_eq!(run(&["graph", "check"]).status.code(), Some(2));
    assert_eq!(run(&["no-such-command"]).status.code(), Some(2));
    assert_eq!(run(&["--help"]).status.code(), Some(0));
}

#[test]
fn limit_exceeded_exits_3() {
    let dir = tempdir();
    let file = dir.join("deep.json");
    let doc = format!(
        "{{\"apiVersion\": \"blastgate.dev/v1\", \"kind\": \"ServiceGraph\", \"metadata\": {}{}}}",
        "[".repeat(200),
        "]".repeat(200)
    );
    std::fs::write(&file, doc).unwrap();
    let o = run(&["graph", "check", file.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert!(stderr(&o).contains("max_nesting_depth"));
    // The help says what a user can do: the limit is a documented
    // constant, which a user cannot raise (it said "raise the limit in
    // code", an audit).
    let help = "help: nest the document less deeply; the limit is a fixed constant, listed in docs/reliability.md";
    assert!(stderr(&o).contains(help) && !stderr(&o).contains("in code"), "{}", stderr(&o));
}

#[test]
fn export_json_reloads_unchanged() {
    let o = run(&["graph", "export", &boutique(), "--to", "json"]);
    assert_eq!(o.status.code(), Some(0));
    let dir = tempdir();
    let file = dir.join("exported.json");
    std::fs::write(&file, &o.stdout).unwrap();
    let again = run(&["graph", "export", file.to_str().unwrap(), "--to", "json"]);
    assert_eq!(stdout(&o), stdout(&again));
    let dot = run(&["graph", "export", &boutique(), "--to", "dot"]);
    assert!(stdout(&dot).starts_with("digraph {"));
    assert!(stdout(&dot).contains("productcatalogservice"));
}

#[test]
fn export_edges_reloads_with_the_same_radius() {
    let o = run(&["graph", "export", &boutique(), "--to", "edges"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).starts_with("# blastgate edge list: 12 nodes, 16 edges"), "{}", stdout(&o));
    assert!(stderr(&o).contains("ids and propagation probabilities only"));
    let dir = tempdir();
    let file = dir.join("exported.edges");
    std::fs::write(&file, &o.stdout).unwrap();
    let radius = |graph: &str| stdout(&run(&["radius", "--graph", graph, "productcatalogservice", "--format", "json"]));
    assert_eq!(radius(&boutique()), radius(file.to_str().unwrap()));

    // An id the format cannot hold: exit 2, nothing written.
    let json = dir.write(
        "spaced.json",
        r#"{"apiVersion": "blastgate.dev/v1", "kind": "ServiceGraph", "services": [{"id": "web app"}],
            "dependencies": [{"dependent": "web app", "dependency": "api"}]}"#,
    );
    let o = run(&["graph", "export", json.to_str().unwrap(), "--to", "edges"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(o.stdout.is_empty());
    assert!(stderr(&o).contains("`web app`") && stderr(&o).contains("--to json"), "{}", stderr(&o));
}

/// `--graph /dev/stdin` (or `<(...)`): a pipe is read whole, an edge list
/// or a snapshot alike, instead of failing to seek in it.
#[cfg(target_os = "linux")]
#[test]
fn a_graph_can_come_through_a_pipe() {
    let dir = tempdir();
    let snapshot = dir.join("boutique.bgs");
    let o = run(&["graph", "freeze", &boutique(), "--out", snapshot.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let expected = stdout(&run(&["radius", "--graph", &boutique(), "productcatalogservice", "--format", "json"]));
    for input in [std::fs::read(boutique()).unwrap(), std::fs::read(&snapshot).unwrap()] {
        let o =
            run_with_stdin(&["radius", "--graph", "/dev/stdin", "productcatalogservice", "--format", "json"], &input);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        assert_eq!(stdout(&o), expected);
    }
}

/// `-` is standard input for every input, the changeset and a batch
/// file included; a batch that is not text is a usage error.
#[test]
fn a_dash_reads_standard_input() {
    let dir = tempdir();
    let change = example_change(&dir);
    let args = |change: &str| {
        ["assess", "--graph", &boutique(), "--change", change, "--now", "2026-11-29T12:00:00Z", "--format", "json"]
            .map(str::to_owned)
    };
    let from_file = run(&args(change.to_str().unwrap()).each_ref().map(String::as_str));
    let piped = run_with_stdin(&args("-").each_ref().map(String::as_str), &std::fs::read(&change).unwrap());
    assert_eq!(piped.status.code(), from_file.status.code(), "{}", stderr(&piped));
    assert_eq!(stdout(&piped), stdout(&from_file));

    // Standard input reads once: a second `-` says so, naming both flags.
    let mut twice = args("-").to_vec();
    twice.extend(["--context".to_owned(), "-".to_owned()]);
    let o = run_with_stdin(&twice.iter().map(String::as_str).collect::<Vec<_>>(), &std::fs::read(&change).unwrap());
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(e.contains("standard input is given twice, to --change `-` and to --context `-`"), "{e}");

    let bad = run_with_stdin(&args("-").each_ref().map(String::as_str), b"{\"apiVersion\": \"x\"}");
    assert_eq!(bad.status.code(), Some(2));
    assert!(stderr(&bad).starts_with("error: <stdin>: "), "{}", stderr(&bad));

    let o =
        run_with_stdin(&["radius", "--graph", &boutique(), "--batch", "-", "--summary"], b"frontend\ncartservice\n");
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stdout(&o), "{\"changed\":1,\"affected_count\":1}\n{\"changed\":1,\"affected_count\":3}\n");
    let o = run_with_stdin(&["radius", "--graph", &boutique(), "--batch", "-"], &[0xff, 0xfe, b'\n']);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("not UTF-8"), "{}", stderr(&o));

    let o = run(&["radius", "--graph", dir.to_str().unwrap(), "frontend"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("is a directory"), "{}", stderr(&o));
}

/// Standard input is read once, whatever it is called: `-` for one input
/// and `/dev/stdin`, `/dev/fd/0` or `/proc/self/fd/0` for another, or two
/// names of a pipe, is exit 2 naming both flags, before anything is read
/// (an audit: outside `--terraform-plan`, the second input read the
/// drained pipe as empty: `--codeowners /dev/stdin` asked no owner, and
/// `radius --graph - --batch /dev/stdin` answered nothing, both exit 0).
#[cfg(target_os = "linux")]
#[test]
fn standard_input_by_any_name_is_read_once() {
    let dir = tempdir();
    let change = std::fs::read(example_change(&dir)).unwrap();
    let graph = boutique();
    for (flag, name) in [
        ("--codeowners", "/dev/stdin"),
        ("--service-map", "/dev/fd/0"),
        ("--context", "/proc/self/fd/0"),
        ("--policy", "/dev/stdin"),
        ("--terraform-plan", "/dev/stdin"),
    ] {
        let args = ["assess", "--graph", &graph, "--change", "-", flag, name, "--now", "2026-11-29T12:00:00Z"];
        let o = run_with_stdin(&args, &change);
        assert_eq!(o.status.code(), Some(2), "{flag} {name}: {}", stdout(&o));
        assert!(o.stdout.is_empty());
        let e = stderr(&o);
        assert!(e.contains(&format!("standard input is given twice, to --change `-` and to {flag} `{name}`")), "{e}");
    }
    let edges = std::fs::read(boutique()).unwrap();
    for args in [
        ["radius", "--graph", "-", "--batch", "/dev/stdin"].as_slice(),
        ["radius", "--batch", "-", "--graph", "/dev/stdin"].as_slice(),
        // No `-`: two names of one pipe.
        ["graph", "check", "/dev/stdin", "/dev/fd/0"].as_slice(),
    ] {
        let o = run_with_stdin(args, &edges);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stdout(&o));
        assert!(o.stdout.is_empty(), "{args:?}");
        assert!(stderr(&o).contains("standard input is given twice"), "{args:?}: {}", stderr(&o));
    }
    // One name of it alone is read as `-` is.
    let o = run_with_stdin(&["radius", "--graph", "/dev/stdin", "frontend", "--format", "json"], &edges);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

/// A `--service-map` or `--codeowners` file with no rule (empty, blank,
/// comments only, every line skipped; an empty download or a `git show`
/// of a path missing on the base branch) is exit 2 naming the file and
/// the flag, as an empty graph input is.
#[test]
fn a_service_map_or_codeowners_without_rules_is_refused() {
    let dir = tempdir();
    let change = example_change(&dir);
    let graph = boutique();
    for (flag, contents) in [
        ("--service-map", ""),
        ("--service-map", "  \n# moved to ops/service.map\n\n"),
        ("--codeowners", ""),
        ("--codeowners", "# no owners yet\n"),
        ("--codeowners", "src/ core-team\n"),
    ] {
        let file = dir.write("mapping", contents);
        let file = file.to_str().unwrap();
        let o = run(&["change", "show", "--graph", &graph, "--change", change.to_str().unwrap(), flag, file]);
        assert_eq!(o.status.code(), Some(2), "{flag} {contents:?}: {}", stdout(&o));
        let e = stderr(&o);
        assert!(e.starts_with(&format!("error: {file}: the ")) && e.contains("has no rules"), "{e}");
        assert!(e.contains(&format!("or leave {flag} out")), "{e}");
    }
    let o = run_with_stdin(&["change", "show", "--change", change.to_str().unwrap(), "--service-map", "-"], b"\n");
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
    assert!(stderr(&o).starts_with("error: <stdin>: the service map has no rules"), "{}", stderr(&o));
    // One rule is enough.
    let owners = dir.write("CODEOWNERS", "# the team\n* @org/core-team\n");
    let o = run(&["change", "show", "--change", change.to_str().unwrap(), "--codeowners", owners.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

/// `synth --out PIPE` whose reader stops early is exit 3, as `graph
/// freeze` is (an audit: the broken pipe was taken for standard output's
/// reader going away, a quiet exit 0, with the edge list cut short).
#[cfg(unix)]
#[test]
fn synth_into_a_pipe_that_stops_reading_exits_3() {
    use std::io::Read as _;
    let dir = tempdir();
    let fifo = dir.join("edges.fifo");
    assert!(Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || {
            let mut head = [0u8; 100];
            std::fs::File::open(fifo).unwrap().read_exact(&mut head).unwrap();
        })
    };
    let o = run(&["synth", "--services", "20000", "--edges", "200000", "--seed", "2", "--out", fifo.to_str().unwrap()]);
    reader.join().unwrap();
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert!(stderr(&o).contains("Broken pipe"), "{}", stderr(&o));
}

/// `RAYON_NUM_THREADS` past 4 threads a core (at most 256) is cut to that,
/// with a warning, and the answer is the same (an audit: 10,000 threads
/// kept a 30 ms answer running for five minutes).
#[test]
fn rayon_num_threads_is_bounded() {
    let answer = |threads: &str| {
        let mut child = Command::new(env!("CARGO_BIN_EXE_blastgate"))
            .args(["radius", "--graph", &boutique(), "frontend", "cartservice", "--format", "json"])
            .env("RAYON_NUM_THREADS", threads)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let started = std::time::Instant::now();
        while child.try_wait().unwrap().is_none() {
            if started.elapsed() > std::time::Duration::from_secs(60) {
                let _ = child.kill();
                panic!("RAYON_NUM_THREADS={threads}: still running after 60 s");
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        child.wait_with_output().unwrap()
    };
    let one = answer("1");
    assert_eq!(one.status.code(), Some(0), "{}", stderr(&one));
    assert!(one.stderr.is_empty(), "{}", stderr(&one));
    let many = answer("10000");
    assert_eq!(many.status.code(), Some(0), "{}", stderr(&many));
    assert_eq!(many.stdout, one.stdout);
    assert!(stderr(&many).starts_with("warning: RAYON_NUM_THREADS=10000 is more threads than blastgate starts"));
}

/// `blastgate synth --services N --edges M --seed S --out FILE` (the issue's
/// contract): an edge list of exactly M lines that loads, the same bytes
/// for the same seed; a graph past the loading limits is refused before
/// the file is created.
#[test]
fn synth_writes_a_loadable_edge_list() {
    let dir = tempdir();
    let out = |name: &str| dir.join(name).to_str().unwrap().to_owned();
    for (name, seed) in [("a.edges", "3"), ("b.edges", "3"), ("c.edges", "4")] {
        let o = run(&["synth", "--services", "500", "--edges", "4000", "--seed", seed, "--out", &out(name)]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    }
    let a = std::fs::read_to_string(out("a.edges")).unwrap();
    assert!(a.starts_with("# blastgate synthetic graph: services=500 edges=4000 seed=3"), "{a}");
    assert_eq!(a.lines().filter(|l| !l.starts_with('#')).count(), 4000);
    assert_eq!(a, std::fs::read_to_string(out("b.edges")).unwrap());
    assert_ne!(a, std::fs::read_to_string(out("c.edges")).unwrap());
    let o = run(&["graph", "check", &out("a.edges"), "--format", "json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(json(&o)["nodes"].as_u64().unwrap() <= 500);
    let o = run(&["synth", "--services", "500", "--edges", "4000", "--seed", "3", "--out", "-"]);
    assert_eq!(stdout(&o), a);

    let o =
        run(&["synth", "--services", "10", "--edges", "100000000000000", "--seed", "1", "--out", &out("huge.edges")]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("past what blastgate loads"), "{}", stderr(&o));
    assert!(!dir.join("huge.edges").exists());

    // A failure to write is exit 3, as for every output.
    #[cfg(target_os = "linux")]
    {
        let o = run(&["synth", "--services", "500", "--edges", "4000", "--seed", "3", "--out", "/dev/full"]);
        assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    }
    // A read-only file is refused, exit 2, and left as it was (root could
    // write it, so the mode is what is checked).
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(out("c.edges"), std::fs::Permissions::from_mode(0o400)).unwrap();
        let before = std::fs::read(out("c.edges")).unwrap();
        let o = run(&["synth", "--services", "500", "--edges", "4000", "--seed", "3", "--out", &out("c.edges")]);
        assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
        assert!(stderr(&o).contains("read-only"), "{}", stderr(&o));
        assert_eq!(std::fs::read(out("c.edges")).unwrap(), before);
    }
}

/// `synth --out FILE` replaces the file whole, as `graph freeze` does (an
/// audit: it was cut at once and written in place, so a run stopped or
/// failed left part of an edge list, which loads as a valid, smaller
/// graph): stopped while writing, the old file is as it was; run to the
/// end, the file is replaced and keeps its permissions.
#[cfg(unix)]
#[test]
fn synth_replaces_its_file_whole() {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = tempdir();
    let target = dir.join("g.edges");
    std::fs::write(&target, "old\n").unwrap();
    std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o640)).unwrap();
    let args =
        ["synth", "--services", "100000", "--edges", "3000000", "--seed", "1", "--out", target.to_str().unwrap()];
    let mut child = Command::new(env!("CARGO_BIN_EXE_blastgate")).args(args).spawn().unwrap();
    // Stopped once it has written something (a file beside the target).
    let started = std::time::Instant::now();
    loop {
        // (The staging file may be renamed over the target between the
        // listing and its metadata: a run on a loaded machine failed so.)
        let written = std::fs::read_dir(&*dir)
            .unwrap()
            .filter_map(Result::ok)
            .any(|e| e.path() != target && e.metadata().is_ok_and(|m| m.len() > 0));
        if written {
            break;
        }
        assert!(child.try_wait().unwrap().is_none(), "synth ended before it was seen writing beside its target");
        assert!(started.elapsed() < std::time::Duration::from_secs(60));
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "old\n");

    let o = run(&["synth", "--services", "50", "--edges", "100", "--seed", "1", "--out", target.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(std::fs::read_to_string(&target).unwrap().starts_with("# blastgate synthetic graph"));
    assert_eq!(std::fs::metadata(&target).unwrap().permissions().mode() & 0o7777, 0o640);
}

#[test]
fn radius_json_matches_the_verified_fact() {
    // fixtures/graphs/README.md: changing productcatalogservice affects
    // frontend, checkoutservice, recommendationservice (direct) and
    // loadgenerator (transitive).
    let o = run(&["radius", "--graph", &boutique(), "productcatalogservice", "--format", "json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v = json(&o);
    assert_eq!(v["changed"], serde_json::json!(["productcatalogservice"]));
    let affected = v["affected"].as_array().unwrap();
    let names: Vec<&str> = affected.iter().map(|a| a["service"].as_str().unwrap()).collect();
    assert_eq!(names, ["checkoutservice", "frontend", "loadgenerator", "recommendationservice"]);
    let lg = &affected[2];
    assert_eq!(lg["distance"], 2);
    assert_eq!(lg["path"], serde_json::json!(["productcatalogservice", "frontend", "loadgenerator"]));
    assert!((lg["probability"].as_f64().unwrap() - 0.81).abs() < 1e-6);
    assert_eq!(v["affected_count"], 4);
}

#[test]
fn radius_unknown_service_suggests_close_matches() {
    let o = run(&["radius", "--graph", &boutique(), "productcatalog"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("unknown service `productcatalog`"), "{}", stderr(&o));
    assert!(stderr(&o).contains("did you mean `productcatalogservice`"), "{}", stderr(&o));
    // A catalog's bare name suggests its full id.
    let catalog = fixtures().join("backstage");
    let files: Vec<String> = std::fs::read_dir(&catalog)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .map(|p| p.display().to_string())
        .collect();
    let mut args = vec!["radius", "--graph"];
    args.extend(files.iter().map(String::as_str));
    args.extend(["--", "artist-lookup"]);
    let o = run(&args);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("did you mean `component:artist-lookup`"), "{}", stderr(&o));
}

/// `radius --graph FILE... SERVICE...` run in a folder holding files named
/// like services: a bare name that is a node of the graph the files
/// before it make is a service (a contract audit: `--graph g.edges
/// frontend` beside a file `frontend` read it as a graph and named no
/// service). A bare-named graph file still reads as one.
#[test]
fn radius_services_named_like_files_here() {
    let dir = tempdir();
    let graph = std::fs::read_to_string(boutique()).unwrap();
    dir.write("g.edges", &graph);
    dir.write("edges", &graph);
    dir.write("frontend", "");
    dir.write("adservice", "");
    let in_dir =
        |args: &[&str]| Command::new(env!("CARGO_BIN_EXE_blastgate")).current_dir(&*dir).args(args).output().unwrap();
    let changed = |o: &Output| -> serde_json::Value {
        assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
        serde_json::from_slice::<serde_json::Value>(&o.stdout).unwrap()["changed"].clone()
    };
    let o = in_dir(&["radius", "--graph", "g.edges", "frontend", "--format", "json"]);
    assert_eq!(changed(&o), serde_json::json!(["frontend"]));
    let o = in_dir(&["radius", "--graph", "g.edges", "edges", "frontend", "adservice", "--format", "json"]);
    assert_eq!(changed(&o), serde_json::json!(["adservice", "frontend"]));
    let o = in_dir(&["radius", "--graph", "g.edges", "cartservice", "frontend", "--format", "json"]);
    assert_eq!(changed(&o), serde_json::json!(["cartservice", "frontend"]));
    // Not a node: read as a graph file, so no service is named.
    let o = in_dir(&["radius", "--graph", "g.edges", "edges"]);
    assert_eq!(o.status.code(), Some(2));
    // A node whose file here holds a graph: ambiguous, never a graph file
    // dropped in silence (a red-team audit), and `./` says which.
    dir.write("checkoutservice", "mobile checkoutservice\n");
    let o = in_dir(&["radius", "--graph", "g.edges", "checkoutservice", "--format", "json"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("names both a file here and a service"));
    let o = in_dir(&["radius", "--graph", "g.edges", "./checkoutservice", "--format", "json", "--", "checkoutservice"]);
    assert_eq!(o.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(v["affected"].as_array().unwrap().iter().any(|a| a["service"] == "mobile"), "the file's edge: {v}");
}

/// A single radius as JSON says which engine computed it and on which
/// graph (a determinism audit found radius answers carried neither): the
/// graph's digest is its meaning's, the same from a snapshot of it.
#[test]
fn radius_json_names_its_engine_and_graph() {
    let dir = tempdir();
    let snapshot = dir.join("g.bgs");
    let o = run(&["graph", "freeze", &boutique(), "--out", snapshot.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let radius = |graph: &str| {
        let o = run(&["radius", "--graph", graph, "cartservice", "--format", "json"]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        json(&o)
    };
    let (a, b) = (radius(&boutique()), radius(snapshot.to_str().unwrap()));
    assert_eq!(a["engine_version"], blastgate::assess::ENGINE_VERSION);
    let digest = a["graph_digest"].as_str().unwrap();
    assert!(digest.starts_with("blake3:") && digest.len() == 7 + 64, "{digest}");
    assert_eq!(a, b);
}

#[test]
fn radius_depth_and_probability_bounds() {
    let o = run(&["radius", "--graph", &boutique(), "redis-cart", "--max-depth", "1", "--format", "json"]);
    let v = json(&o);
    assert_eq!(v["affected_count"], 1);
    // The bound, and what it left out, are on the record: the whole radius
    // less the bounded one.
    let all = json(&run(&["radius", "--graph", &boutique(), "redis-cart", "--format", "json"]));
    assert!(all.get("bounds").is_none(), "{all}");
    assert_eq!(v["bounds"]["max_depth"], 1);
    assert_eq!(v["bounds"]["beyond_bounds"].as_u64().unwrap() + 1, all["affected_count"].as_u64().unwrap());
    let o = run(&["radius", "--graph", &boutique(), "redis-cart", "--max-depth", "0"]);
    assert!(stdout(&o).contains("bounded by --max-depth 0: "), "{}", stdout(&o));
    let o = run(&["radius", "--graph", &boutique(), "redis-cart", "--min-probability", "0.8", "--format", "json"]);
    let v = json(&o);
    assert!(v["affected"].as_array().unwrap().iter().all(|a| a["probability"].as_f64().unwrap() >= 0.8));
    let o = run(&["radius", "--graph", &boutique(), "redis-cart", "--min-probability", "1.5"]);
    assert_eq!(o.status.code(), Some(2));
    // A negative zero is zero (an audit: the answer said `-0.0`).
    let o = run(&["radius", "--graph", &boutique(), "redis-cart", "--min-probability=-0", "--format", "json"]);
    assert_eq!(json(&o)["bounds"]["min_probability"].to_string(), "0.0");
}

/// A flag that takes one value, given twice, is refused (docs/cli.md):
/// an argument appended after a wrapper's `--policy` or `--fail-at` must
/// not replace it silently.
#[test]
fn a_single_value_flag_given_twice_is_refused() {
    let graph = boutique();
    for extra in [["--max-depth", "3"], ["--format", "human"]] {
        let mut args = vec!["radius", "--graph", &graph, "redis-cart", "--format", "json", "--max-depth", "1"];
        args.extend(extra);
        let o = run(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).contains("cannot be used multiple times"), "{}", stderr(&o));
    }
}

#[test]
fn radius_dot_highlights_changed_nodes() {
    let o = run(&["radius", "--graph", &boutique(), "cartservice", "--format", "dot"]);
    let text = stdout(&o);
    assert!(text.starts_with("digraph blast_radius {"));
    assert!(text.contains("penwidth = 3"));
    assert!(text.contains("label = \"0.90\""));
}

#[test]
fn radius_batch_is_json_lines_in_input_order() {
    let dir = tempdir();
    let batch = dir.join("batch.txt");
    std::fs::write(&batch, "productcatalogservice\nredis-cart cartservice\n\nadservice adservice\n").unwrap();
    let o = run(&["radius", "--graph", &boutique(), "--batch", batch.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let lines: Vec<serde_json::Value> = stdout(&o).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 4);
    assert_eq!(lines[0]["affected_count"], 4);
    assert_eq!(lines[1]["changed"], serde_json::json!(["cartservice", "redis-cart"]));
    assert_eq!(lines[2]["affected_count"], 0);
    let o = run(&["radius", "--graph", &boutique(), "--batch", batch.to_str().unwrap(), "--summary"]);
    let summary: Vec<String> = stdout(&o).lines().map(|l| l.trim().to_owned()).collect();
    assert_eq!(
        summary,
        [
            r#"{"changed":1,"affected_count":4}"#,
            r#"{"changed":2,"affected_count":3}"#,
            r#"{"changed":0,"affected_count":0}"#,
            r#"{"changed":1,"affected_count":2}"#
        ]
    );
    // Bounds count in the summary as in the full lines and single queries.
    for bound in [["--max-depth", "1"], ["--min-probability", "0.85"]] {
        let b = batch.to_str().unwrap();
        let full = run(&["radius", "--graph", &boutique(), "--batch", b, bound[0], bound[1]]);
        let short = run(&["radius", "--graph", &boutique(), "--batch", b, bound[0], bound[1], "--summary"]);
        let counts = |o: &std::process::Output, key: &str| -> Vec<serde_json::Value> {
            stdout(o).lines().map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()[key].clone()).collect()
        };
        assert_eq!(counts(&full, "affected_count"), counts(&short, "affected_count"), "{bound:?}");
        let single =
            run(&["radius", "--graph", &boutique(), "productcatalogservice", bound[0], bound[1], "--format", "json"]);
        let single: serde_json::Value = serde_json::from_str(&stdout(&single)).unwrap();
        assert_eq!(counts(&short, "affected_count")[0], single["affected_count"], "{bound:?}");
        assert!(counts(&short, "affected_count")[0].as_u64().unwrap() < 4, "{bound:?} bounds the reach");
    }
    std::fs::write(&batch, "productcatalogservice\nnope\n").unwrap();
    let o = run(&["radius", "--graph", &boutique(), "--batch", batch.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("line 2"), "{}", stderr(&o));
    // Tabs separate ids too, and repeats (many more than the graph has
    // nodes) count once.
    let repeats = vec!["redis-cart"; 5000].join(" ");
    std::fs::write(&batch, format!("redis-cart\tcartservice\n{repeats}\tredis-cart\n")).unwrap();
    let o = run(&["radius", "--graph", &boutique(), "--batch", batch.to_str().unwrap(), "--summary"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stdout(&o), "{\"changed\":2,\"affected_count\":3}\n{\"changed\":1,\"affected_count\":4}\n");
    // Lines that end with a carriage return alone read as one line: refused
    // (a batch audit: two changesets were answered as one, exit 0).
    std::fs::write(&batch, "redis-cart\rcartservice\r").unwrap();
    let o = run(&["radius", "--graph", &boutique(), "--batch", batch.to_str().unwrap(), "--summary"]);
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
    assert!(stderr(&o).contains("line 1: a carriage return"), "{}", stderr(&o));
    // A leading byte-order mark is not part of the first id, as in an edge
    // list (it was read as one: "unknown service", exit 2).
    std::fs::write(&batch, "\u{feff}redis-cart\r\ncartservice\r\n").unwrap();
    let o = run(&["radius", "--graph", &boutique(), "--batch", batch.to_str().unwrap(), "--summary"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stdout(&o), "{\"changed\":1,\"affected_count\":4}\n{\"changed\":1,\"affected_count\":3}\n");
}

/// Only ASCII spaces and tabs separate a batch line's ids: a graph id may
/// hold other whitespace, and splitting there answered another changeset
/// (a batch audit: `pay\u{a0}ments` became `pay` and `ments`, 0 affected,
/// exit 0).
#[test]
fn radius_batch_keeps_an_id_with_unicode_whitespace_whole() {
    let dir = tempdir();
    let graph = dir.write(
        "g.yaml",
        "apiVersion: blastgate.dev/v1\nkind: ServiceGraph\nservices:\n  - {id: \"pay\u{a0}ments\"}\n  - {id: pay}\n  \
         - {id: ments}\n  - {id: web}\n  - {id: api}\n  - {id: app}\ndependencies:\n  \
         - {dependent: web, dependency: \"pay\u{a0}ments\"}\n  - {dependent: api, dependency: web}\n  \
         - {dependent: app, dependency: api}\n",
    );
    let batch = dir.write("batch.txt", "pay\u{a0}ments\n");
    let graph = graph.to_str().unwrap();
    let alone = run(&["radius", "--graph", graph, "--format", "json", "--", "pay\u{a0}ments"]);
    assert_eq!(json(&alone)["affected_count"], 3, "{}", stderr(&alone));
    let o = run(&["radius", "--graph", graph, "--batch", batch.to_str().unwrap(), "--summary"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stdout(&o), "{\"changed\":1,\"affected_count\":3}\n");
}

#[test]
fn demo_runs_on_a_fresh_machine() {
    let o = run(&["demo"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(text.contains("27 nodes"));
    assert!(text.contains("checkout-journey"));
}

/// A fresh directory in the system's temporary directory (outside any git
/// repository, which the not-a-repository case needs), removed when the
/// test is done with it.
struct TempDir(PathBuf);

impl std::ops::Deref for TempDir {
    type Target = std::path::Path;
    fn deref(&self) -> &std::path::Path {
        &self.0
    }
}

impl TempDir {
    /// Writes `contents` to the file `name` in this folder; its path.
    fn write(&self, name: &str, contents: &str) -> PathBuf {
        let path = self.0.join(name);
        std::fs::write(&path, contents).unwrap();
        path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn tempdir() -> TempDir {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir =
        std::env::temp_dir().join(format!("blastgate-cli-{}-{}", std::process::id(), N.fetch_add(1, Ordering::SeqCst)));
    std::fs::create_dir_all(&dir).unwrap();
    TempDir(dir)
}

/// Hostile CODEOWNERS patterns (6,250 lines of `*a`, 30 `?`, `b` and
/// three letters) against one file named by 4,000 random `a`s and `b`s
/// spend the matching budget: `change show` exits 3 naming the file and
/// `max_match_state_bytes`, and `assess` is `block` with an
/// `unresolved-change` error (42 s a path, and an answer, before the
/// budget).
#[test]
fn hostile_codeowners_patterns_spend_the_matching_budget_and_block() {
    let dir = tempdir();
    let letter = |i: usize| char::from(b'c' + u8::try_from(i).unwrap());
    let mut owners = String::from("* @org/all\n");
    for i in 0..6250 {
        let tail = [letter(i % 24), letter(i / 24 % 24), letter(i / 576)];
        owners.push_str(&format!("*a{}b{} @org/x\n", "?".repeat(30), String::from_iter(tail)));
    }
    let owners = dir.write("CODEOWNERS", &owners);
    let mut x = 0u64;
    let name: String = (0..4000)
        .map(|_| {
            x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            if x >> 63 == 0 { 'a' } else { 'b' }
        })
        .collect();
    let change = dir.write(
        "c.json",
        &format!(
            r#"{{"apiVersion": "blastgate.dev/v1", "kind": "Changeset", "id": "c1",
                "author": {{"id": "dana", "seniority": "senior"}},
                "files": [{{"path": "src/cartservice/{name}", "added": 1}}]}}"#
        ),
    );
    let (change, owners) = (change.display().to_string(), owners.display().to_string());
    let graph = boutique();
    let o =
        run(&["change", "show", "--graph", &graph, "--change", &change, "--codeowners", &owners, "--format", "json"]);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert!(stderr(&o).contains("CODEOWNERS: limit `max_match_state_bytes` exceeded"), "{}", stderr(&o));
    let o = run(&[
        "assess",
        "--graph",
        &graph,
        "--change",
        &change,
        "--codeowners",
        &owners,
        "--now",
        "2026-12-07T00:00:00Z",
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let v = json(&o);
    assert_eq!(v["decision"]["review_depth"], "block");
    let diagnostics = v["diagnostics"].as_array().unwrap();
    assert!(
        diagnostics
            .iter()
            .any(|d| d["code"] == "unresolved-change"
                && d["message"].as_str().unwrap().contains("max_match_state_bytes")),
        "{diagnostics:?}"
    );
}

fn example_change(dir: &TempDir) -> PathBuf {
    dir.write(
        "example-1.json",
        r#"{
  "apiVersion": "blastgate.dev/v1",
  "kind": "Changeset",
  "id": "example-1",
  "author": {"id": "dana", "seniority": "junior"},
  "provenance": {"ai": "assisted", "tool": "example-agent"},
  "services": ["productcatalogservice"],
  "files": [{"path": "src/productcatalogservice/server.go", "added": 120, "deleted": 30}]
}"#,
    )
}

#[test]
fn change_show_resolves_the_issue_example() {
    let dir = tempdir();
    let change = example_change(&dir);
    let owners = fixtures().join("codeowners/online-boutique.CODEOWNERS");
    let o = run(&[
        "change",
        "show",
        "--change",
        change.to_str().unwrap(),
        "--graph",
        &boutique(),
        "--codeowners",
        owners.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v = json(&o);
    assert_eq!(v["changeset"]["id"], "example-1");
    assert_eq!(v["changeset"]["provenance"]["ai"], "assisted");
    assert_eq!(v["resolved"]["touched"][0]["id"], "productcatalogservice");
    assert_eq!(v["resolved"]["metrics"]["la"], 120);
    assert_eq!(v["resolved"]["kinds"]["code"], 1);
    assert!(v["resolved"]["file_owners"].as_array().unwrap().iter().any(|o| o == "@yoshi-approver"));
}

#[test]
fn change_show_reads_terraform_plans() {
    let plan = fixtures().join("terraform/terraform-compliance-issue522-plan.out.json");
    let o = run(&[
        "change",
        "show",
        "--terraform-plan",
        plan.to_str().unwrap(),
        "--graph",
        &boutique(),
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v = json(&o);
    assert_eq!(v["resolved"]["destructive"].as_array().unwrap().len(), 2);
    assert_eq!(v["changeset"]["infrastructure"].as_array().unwrap().len(), 15);

    // A plan's warnings name the plan once (they named it twice).
    let dir = tempdir();
    let file = dir.join("plan.json");
    std::fs::write(&file, r#"{"resource_changes": []}"#).unwrap();
    let o = run(&["change", "show", "--terraform-plan", file.to_str().unwrap(), "--graph", &boutique()]);
    let name = file.display().to_string();
    let said = format!("{}{}", stdout(&o), stderr(&o));
    assert!(said.contains(&format!("{name}: $: no `format_version`")), "{said}");
    assert!(!said.contains(&format!("{name}: {name}")), "{said}");
}

/// `--label` adds the CI platform's labels to the change: a `security` or
/// `rollback` label claims the exception a spent budget allows, reviewed
/// by `exception-claimed` (an incident-response audit: a git range had no
/// way to claim `security`). An empty label exits 2.
#[test]
fn labels_from_the_platform_claim_exceptions() {
    let case = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../blastgate/tests/data/decision-cases/error-budget-exhausted-blocks");
    let change = case.join("change.json").display().to_string();
    let context = case.join("context.json").display().to_string();
    let graph = boutique();
    let assess = |extra: &[&str]| {
        let mut args = vec!["assess", "--graph", &graph, "--change", &change, "--context", &context];
        args.extend(["--now", "2026-11-27T10:00:00Z", "--format", "json"]);
        args.extend(extra);
        run(&args)
    };
    let depth = |o: &Output| json(o)["decision"]["review_depth"].as_str().unwrap().to_owned();
    let o = assess(&[]);
    assert_eq!(depth(&o), "block", "{}", stderr(&o));
    // The rule says how a remediation states itself.
    let v = json(&o);
    let rule = v["rules"].as_array().unwrap().iter().find(|r| r["id"] == "error-budget-exhausted").unwrap();
    let message = rule["message"].as_str().unwrap();
    assert!(message.contains("a `security` label") && message.contains("`--label`"), "{message}");
    let o = assess(&["--label", "security", "--label", "needs-qa", "--label", "security"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(depth(&o), "owner");
    let v = json(&o);
    assert!(v["rules"].as_array().unwrap().iter().any(|r| r["id"] == "exception-claimed"), "{v}");
    let o = run(&[
        "change", "show", "--change", &change, "--graph", &graph, "--label", "security", "--label", "needs-qa",
        "--label", "security", "--format", "json",
    ]);
    assert_eq!(json(&o)["changeset"]["labels"], serde_json::json!(["security", "needs-qa"]));
    let o = assess(&["--label", ""]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--label: the label is empty"), "{}", stderr(&o));
    // Bounded, and named as the flag (a red-team audit: 100 KiB labels and
    // three million of them were read).
    let long = "x".repeat(5000);
    let o = assess(&["--label", &long]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).starts_with("error: --label: "), "{}", stderr(&o));
    let dir = tempdir();
    let labels: Vec<String> = (0..1001).map(|i| format!("\"l{i}\"")).collect();
    let many = dir.write(
        "many.json",
        &format!(r#"{{"apiVersion": "blastgate.dev/v1", "kind": "Changeset", "id": "x", "services": ["cartservice"], "labels": [{}]}}"#, labels.join(",")),
    );
    let o = run(&["change", "show", "--change", many.to_str().unwrap(), "--graph", &graph]);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert!(stderr(&o).contains("max_change_labels"), "{}", stderr(&o));
    // Flags that take a changeset past the limit are named as the flag,
    // exit 2 (a changelog audit: exit 3, "split the input into smaller
    // files", naming the changeset).
    let flags: Vec<String> = (0..1001).flat_map(|i| ["--label".to_owned(), format!("l{i}")]).collect();
    let flags: Vec<&str> = flags.iter().map(String::as_str).collect();
    let o = assess(&flags);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).starts_with("error: --label: at most 1000 labels"), "{}", stderr(&o));
}

/// `--plan-map ADDRESS=NODE` places a plan's resources before tags and
/// module names (it was library-only, though docs/cli.md promised it); a
/// node the graph lacks, a malformed entry or an address mapped twice is
/// exit 2. `--plan-tag-key` replaces the tag keys.
#[test]
fn plan_resources_map_by_flag() {
    let plan = fixtures().join("terraform/terraform-compliance-issue522-plan.out.json");
    let show = |extra: &[&str]| {
        let mut args = vec!["change", "show", "--terraform-plan", plan.to_str().unwrap()];
        let graph = boutique();
        args.extend(["--graph", graph.as_str(), "--format", "json"]);
        args.extend(extra);
        run(&args)
    };
    let node_of = |o: &Output, address: &str| -> serde_json::Value {
        let v = json(o);
        v["changeset"]["infrastructure"].as_array().unwrap().iter().find(|r| r["address"] == address).unwrap()["node"]
            .clone()
    };
    let o = show(&[
        "--plan-map",
        "aws_lambda_function=checkoutservice",
        "--plan-map",
        "aws_ssm_parameter.lambda_sg_id=frontend",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(node_of(&o, "aws_lambda_function.lambda"), "checkoutservice");
    assert_eq!(node_of(&o, "aws_ssm_parameter.lambda_sg_id"), "frontend");
    assert_eq!(node_of(&o, "aws_security_group.lambda_sg"), serde_json::Value::Null);
    for (bad, says) in [
        // The flag is named, and the near miss (a newcomer audit).
        (
            "aws_lambda_function=checkoutservic",
            "--plan-map: aws_lambda_function: the graph has no such node: `checkoutservic`; help: did you mean `checkoutservice`?",
        ),
        ("aws_lambda_function", "ADDRESS=NODE"),
        ("=frontend", "empty address"),
    ] {
        let o = show(&["--plan-map", bad]);
        assert_eq!(o.status.code(), Some(2), "{bad}: {}", stderr(&o));
        assert!(stderr(&o).contains(says), "{bad}: {}", stderr(&o));
    }
    let o = show(&["--plan-map", "aws_lambda_function=frontend", "--plan-map", "aws_lambda_function=cartservice"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("also mapped to `frontend`"), "{}", stderr(&o));
    // The plan's resources carry `Name` tags, which are no graph nodes:
    // read as the node key, they name unknown services.
    let o = show(&["--plan-tag-key", "Name"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("service not in the graph: `metrics-lambda"), "{}", stderr(&o));
}

#[test]
fn change_show_unknown_service_exits_2() {
    let dir = tempdir();
    let file = dir.write(
        "c.json",
        r#"{"apiVersion": "blastgate.dev/v1", "kind": "Changeset", "id": "x", "services": ["cartservic"]}"#,
    );
    let o = run(&["change", "show", "--change", file.to_str().unwrap(), "--graph", &boutique()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("did you mean `cartservice`"), "{}", stderr(&o));
    let o = run(&[
        "change",
        "show",
        "--change",
        file.to_str().unwrap(),
        "--graph",
        &boutique(),
        "--allow-unknown-services",
    ]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).contains("not in the graph"));
}

#[test]
fn change_show_typo_field_exits_2() {
    let dir = tempdir();
    let file = dir.join("c.yaml");
    std::fs::write(&file, "apiVersion: blastgate.dev/v1\nkind: Changeset\nid: x\nprovenance: {ai: agent, tol: x}\n")
        .unwrap();
    let o = run(&["change", "show", "--change", file.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("tol"), "{}", stderr(&o));
}

/// Runs git in `repo` as `email`, without the user's or the system's
/// configuration; a failure fails the test.
fn git_as<'a>(repo: &'a std::path::Path, email: &'a str) -> impl Fn(&[&str]) + 'a {
    move |args: &[&str]| {
        let o = Command::new("git")
            .arg("-C")
            .arg(repo)
            .args(args)
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
}

/// A real git repository in `dir/repo` with two commits by `email`: one
/// adding `src/cartservice/cart.go`, then one changing it with the message
/// `message`.
fn two_commit_repo(dir: &std::path::Path, email: &str, message: &str) -> PathBuf {
    let repo = dir.join("repo");
    let git = git_as(&repo, email);
    std::fs::create_dir_all(repo.join("src/cartservice")).unwrap();
    git(&["init", "-q"]);
    std::fs::write(repo.join("src/cartservice/cart.go"), "package cart\n").unwrap();
    git(&["add", "."]);
    git(&["commit", "-q", "-m", "init"]);
    std::fs::write(repo.join("src/cartservice/cart.go"), "package cart\n\nfunc Add() {}\n").unwrap();
    git(&["commit", "-q", "-a", "-m", message]);
    drop(git);
    repo
}

/// A commit message with an AI co-author trailer.
const AI_MESSAGE: &str = "Add to cart\n\nCo-authored-by: Claude <noreply@anthropic.com>";

/// A commit subject is free text: a tab in it is a space in the title
/// (the engine refuses control characters in a title, and a red-team audit
/// found `fix:<tab>retry the sender` blocked the change).
#[test]
fn a_tab_in_the_commit_subject_does_not_block() {
    let dir = tempdir();
    let repo = two_commit_repo(&dir, "dana@example.com", "fix:\tretry the cart");
    let o = run(&[
        "assess",
        "--repo",
        repo.to_str().unwrap(),
        "--range",
        "HEAD~1..HEAD",
        "--graph",
        &boutique(),
        "--now",
        "2026-11-27T10:00:00Z",
        "--format",
        "json",
    ]);
    assert!(matches!(o.status.code(), Some(0 | 1)), "{}", stderr(&o));
    let v = json(&o);
    assert!(v["diagnostics"].as_array().unwrap().iter().all(|d| d["code"] != "invalid-changeset"), "{v}");
    assert_ne!(v["decision"]["review_depth"], "block", "{v}");
}

/// The order of a plan's `resource_changes`, which Terraform leaves
/// undefined, does not change the assessment's bytes (a determinism audit:
/// each plan warning named its entry's index, so the warnings and their
/// order changed under the same digest).
#[test]
fn reordered_resource_changes_give_the_same_bytes() {
    let dir = tempdir();
    let entries = [
        r#"{"address": "aws_instance.a", "type": "aws_instance", "change": {"actions": ["frobnicate"], "before": {"tags": {"service": "adservice"}}, "after": null}}"#,
        r#"{"address": "aws_instance.b", "type": "aws_instance", "change": {"actions": ["update"], "before": {"tags": {"service": "emailservice"}}, "after": {"tags": {"service": "adservice"}}}}"#,
        r#"{"address": "aws_instance.c", "type": "aws_instance", "previous_address": "aws_instance.old", "change": {"actions": ["no-op"], "before": {}, "after": {}}}"#,
        r#"{"address": "aws_instance.d", "type": "aws_instance", "change": {"actions": ["delete"], "before": {"tags": {"service": "adservice"}}, "after": null}}"#,
    ];
    let assess = |folder: &str, order: &[usize]| {
        let listed: Vec<&str> = order.iter().map(|&i| entries[i]).collect();
        std::fs::create_dir_all(dir.0.join(folder)).unwrap();
        let plan = dir.write(
            &format!("{folder}/plan.json"),
            &format!(r#"{{"format_version": "1.2", "resource_changes": [{}]}}"#, listed.join(",")),
        );
        let o = run(&[
            "assess",
            "--graph",
            &boutique(),
            "--terraform-plan",
            plan.to_str().unwrap(),
            "--now",
            "2026-11-27T10:00:00Z",
            "--format",
            "json",
        ]);
        assert!(matches!(o.status.code(), Some(0 | 1)), "{}", stderr(&o));
        stdout(&o)
    };
    let forward = assess("a", &[0, 1, 2, 3]);
    assert!(forward.contains("$.resource_changes[*].change.actions"), "{forward}");
    assert!(!forward.contains("$.resource_changes[0]"), "{forward}");
    assert_eq!(forward, assess("b", &[3, 2, 1, 0]));
    assert_eq!(forward, assess("c", &[2, 0, 3, 1]));
}

/// What the CLI merges into a changeset (plans, `--author`) is checked as
/// a changeset document is, before anything is decided: over a limit
/// together exits 3 and a bad value exits 2, as for one file (a red-team
/// audit: two plans over `max_resources` together, or a plan resource
/// with an empty address, reached the engine's own check and exited 1).
#[test]
fn merged_plans_are_checked_as_a_changeset_is() {
    let dir = tempdir();
    let plan = |name: &str, count: usize, address: &dyn Fn(usize) -> String| {
        let changes: Vec<String> = (0..count)
            .map(|i| {
                format!(
                    r#"{{"address": "{}", "type": "aws_instance", "name": "x", "change": {{"actions": ["update"], "before": {{}}, "after": {{}}}}}}"#,
                    address(i)
                )
            })
            .collect();
        dir.write(name, &format!(r#"{{"format_version": "1.2", "resource_changes": [{}]}}"#, changes.join(",")))
    };
    let half = blastgate::change::limits::MAX_RESOURCES / 2 + 1;
    let a = plan("a.json", half, &|i| format!("aws_instance.a{i}"));
    let b = plan("b.json", half, &|i| format!("aws_instance.b{i}"));
    for command in [&["assess", "--now", "2026-11-27T10:00:00Z"][..], &["change", "show"][..]] {
        let o = run(&[
            command,
            &["--graph", &boutique(), "--allow-unknown-services", "--terraform-plan", a.to_str().unwrap()],
            &["--terraform-plan", b.to_str().unwrap()],
        ]
        .concat());
        assert_eq!(o.status.code(), Some(3), "{command:?}: {}", stderr(&o));
        assert!(stderr(&o).contains("max_resources"), "{}", stderr(&o));
    }
    let empty = plan("empty.json", 1, &|_| String::new());
    let o = run(&[
        "assess",
        "--graph",
        &boutique(),
        "--allow-unknown-services",
        "--terraform-plan",
        empty.to_str().unwrap(),
        "--now",
        "2026-11-27T10:00:00Z",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    // At the plan's own place, beside a changeset too: it named
    // `$.infrastructure[N]` of the merged changeset, or blamed the
    // changeset file (an audit).
    let change = dir.write(
        "change.json",
        r#"{"apiVersion": "blastgate.dev/v1", "kind": "Changeset", "id": "c",
            "infrastructure": [{"address": "aws_instance.web", "action": "update", "node": "adservice"}]}"#,
    );
    let o = run(&[
        "assess",
        "--graph",
        &boutique(),
        "--change",
        change.to_str().unwrap(),
        "--terraform-plan",
        empty.to_str().unwrap(),
        "--now",
        "2026-11-27T10:00:00Z",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let expected = format!("{}: $.resource_changes[0].address", empty.display());
    assert!(stderr(&o).contains(&expected), "{}", stderr(&o));
    assert!(!stderr(&o).contains("infrastructure"), "{}", stderr(&o));
}

#[test]
fn change_show_reads_a_real_git_range() {
    let dir = tempdir();
    let repo = two_commit_repo(&dir, "dana@example.com", AI_MESSAGE);
    let o = run(&[
        "change",
        "show",
        "--repo",
        repo.to_str().unwrap(),
        "--range",
        "HEAD~1..HEAD",
        "--graph",
        &boutique(),
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v = json(&o);
    assert_eq!(v["resolved"]["touched"][0]["id"], "cartservice");
    assert_eq!(v["changeset"]["provenance"]["ai"], "generated");
    assert_eq!(v["changeset"]["provenance"]["source"], "trailer");
    assert_eq!(v["resolved"]["metrics"]["la"], 2);
    let o = run(&["change", "show", "--repo", repo.to_str().unwrap(), "--range", "nope..HEAD"]);
    assert_eq!(o.status.code(), Some(2), "an unknown revision fails closed");
    let o = run(&["change", "show", "--repo", dir.to_str().unwrap(), "--range", "HEAD~1..HEAD"]);
    assert_eq!(o.status.code(), Some(2), "not a repository fails closed");
}

/// The change comes from `--change FILE` or `--repo DIR --range A..B`
/// (issues 4 and 6): a range beside `--change`, without `--repo`, is a
/// usage error (exit 2), not a range silently left unread (a contract
/// audit: it exited 0).
#[test]
fn a_range_beside_a_changeset_file_is_a_usage_error() {
    let dir = tempdir();
    let change = dir.join("c.json");
    std::fs::write(
        &change,
        r#"{"apiVersion":"blastgate.dev/v1","kind":"Changeset","id":"c","author":{"id":"a","seniority":"senior"},"services":["cartservice"]}"#,
    )
    .unwrap();
    let change = change.to_str().unwrap();
    let graph = boutique();
    let runs: [Vec<&str>; 2] = [
        vec!["change", "show", "--change", change, "--range", "origin/main...HEAD"],
        vec!["assess", "--graph", &graph, "--change", change, "--range", "a..b", "--now", "2026-11-27T10:00:00Z"],
    ];
    for args in runs {
        let o = run(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).contains("--range"), "{}", stderr(&o));
    }
}

/// A commit's author email is whatever its committer configured: a junior
/// engineer who commits as `principal@example.com` must not take that
/// person's seniority from the context's people list. `--author` gives the
/// author as the CI platform knows it, and that id is looked up (and kept
/// from approving).
#[test]
fn author_flag_replaces_a_forged_commit_author() {
    let dir = tempdir();
    let repo = two_commit_repo(&dir, "principal@example.com", AI_MESSAGE);
    let context = dir.write("context.json", r#"{"apiVersion": "blastgate.dev/v1", "kind": "Context", "now": "2026-11-27T10:00:00Z",
            "people": [{"id": "principal@example.com", "seniority": "principal"}, {"id": "dana", "seniority": "junior"}]}"#);
    let repo_arg = repo.display().to_string();
    let context_arg = context.display().to_string();
    let graph = boutique();
    let base = [
        "assess",
        "--repo",
        &repo_arg,
        "--range",
        "HEAD~1..HEAD",
        "--graph",
        &graph,
        "--context",
        &context_arg,
        "--format",
        "json",
    ];
    let rules = |v: &serde_json::Value| -> Vec<String> {
        v["rules"].as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap().to_owned()).collect()
    };
    // As committed, the AI-generated change is a principal's.
    let forged = run(&base);
    assert!(matches!(forged.status.code(), Some(0 | 1)), "{}", stderr(&forged));
    let forged = json(&forged);
    assert!(!rules(&forged).contains(&"ai-change-by-junior-or-mid".to_owned()), "{forged}");
    // As the platform says, it is Dana's, a junior engineer's.
    let o = run(&[&base[..], &["--author", "dana"]].concat());
    assert!(matches!(o.status.code(), Some(0 | 1)), "{}", stderr(&o));
    let v = json(&o);
    assert!(rules(&v).contains(&"ai-change-by-junior-or-mid".to_owned()), "{v}");
    assert_eq!(v["decision"]["separation_of_duties"]["excluded_author"], "dana", "{v}");
    let replaced = v["diagnostics"].as_array().unwrap().iter().any(|d| {
        d["code"] == "input" && d["message"].as_str().unwrap().contains("`principal@example.com` is replaced by `dana`")
    });
    assert!(replaced, "{v}");
    // The experience git counted is the forged email's, not Dana's: none
    // counts.
    let experience = |v: &serde_json::Value| {
        v["factors"].as_array().unwrap().iter().find(|f| f["id"] == "log_author_experience").unwrap()["value"].clone()
    };
    assert_ne!(experience(&forged), serde_json::json!(0.0), "{forged}");
    assert_eq!(experience(&v), serde_json::json!(0.0), "{v}");
    // An empty id or one with control characters is refused.
    for bad in ["", "  ", "dana\nx"] {
        let o = run(&[&base[..], &["--author", bad]].concat());
        assert_eq!(o.status.code(), Some(2), "{bad:?}: {}", stderr(&o));
        assert!(stderr(&o).contains("--author"), "{}", stderr(&o));
    }
}

/// A repository whose first commit has `src/cartservice/cart.go`, the
/// CODEOWNERS file `owners` (the cart owned by `@shop/cart`) and `extra`
/// files, and whose second commit ("Add to cart") changes the cart and
/// rewrites `owners` to make its author (`@dev`) own everything: the
/// change's own edits must not choose its reviewers (and editing the
/// ownership file takes owner review).
fn cart_repo_with_owners(dir: &std::path::Path, owners: &str, extra: &[(&str, &str)]) -> PathBuf {
    let repo = dir.join("repo");
    let git = git_as(&repo, "dev@example.com");
    let write = |path: &str, text: &str| {
        let path = repo.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    write("src/cartservice/cart.go", "package cart\n");
    write(owners, "/src/cartservice/ @shop/cart\n");
    for (path, text) in extra {
        write(path, text);
    }
    git(&["init", "-q"]);
    git(&["add", "."]);
    git(&["commit", "-q", "-m", "init"]);
    write("src/cartservice/cart.go", "package cart\n\nfunc Add() {}\n");
    write(owners, "* @dev\n");
    git(&["commit", "-q", "-a", "-m", "Add to cart"]);
    drop(git);
    repo
}

/// A deleted Terraform file the git reader read whole, all it declared
/// kept (a file of outputs), destroys nothing when `assess --repo` reads
/// it; its changeset written out by `change show` and assessed from the
/// file counts the deletion by its path, the `declares_read` it states
/// being a claim (`declares-read-not-counted`).
#[test]
fn a_deleted_file_read_from_git_whose_blocks_stay_destroys_nothing() {
    let dir = tempdir();
    let repo = dir.join("repo");
    std::fs::create_dir_all(repo.join("src/cartservice/tf")).unwrap();
    let git = git_as(&repo, "dev@example.com");
    let db = "resource \"aws_db_instance\" \"cart\" {\n  engine = \"postgres\"\n}\n";
    std::fs::write(repo.join("src/cartservice/tf/main.tf"), db).unwrap();
    std::fs::write(repo.join("src/cartservice/tf/outputs.tf"), "output \"a\" {\n  value = 1\n}\n").unwrap();
    git(&["init", "-q"]);
    git(&["add", "."]);
    git(&["commit", "-q", "-m", "init"]);
    git(&["rm", "-q", "src/cartservice/tf/outputs.tf"]);
    git(&["commit", "-q", "-m", "Drop the outputs"]);
    drop(git);
    let (repo_arg, graph) = (repo.display().to_string(), boutique());
    let read = ["--repo", repo_arg.as_str(), "--range", "HEAD~1..HEAD", "--graph", graph.as_str()];
    let at = ["--now", "2026-11-27T10:00:00Z", "--format", "json"];
    let rules = |v: &serde_json::Value| v["rules"].to_string();
    let o = run(&[&["assess"][..], &read, &at].concat());
    assert!(matches!(o.status.code(), Some(0 | 1)), "{}", stderr(&o));
    let v = json(&o);
    assert!(!rules(&v).contains("destructive"), "{v}");

    let shown = run(&[&["change", "show"][..], &read, &["--format", "json"]].concat());
    let shown = json(&shown);
    assert_eq!(shown["changeset"]["files"][0]["declares_read"], true, "{shown}");
    let file = dir.join("change.json");
    std::fs::write(&file, shown["changeset"].to_string()).unwrap();
    let change = file.display().to_string();
    let o = run(&[&["assess", "--change", change.as_str(), "--graph", graph.as_str()][..], &at].concat());
    let v = json(&o);
    assert!(rules(&v).contains("destructive-infrastructure"), "{v}");
    assert!(v["diagnostics"].to_string().contains("declares-read-not-counted"), "{v}");
    let o = run(&["change", "show", "--change", &change, "--graph", &graph]);
    assert!(stdout(&o).contains("delete src/cartservice/tf/outputs.tf"), "{}", stdout(&o));
    assert!(stderr(&o).contains("declares_read") || stdout(&o).contains("declares_read"), "{}", stdout(&o));
}

/// A git range without --codeowners takes its owners from the CODEOWNERS
/// file GitHub uses on the branch the change goes into (`.github/CODEOWNERS`
/// first), not the one the change writes: an audit found `--repo` read no owners at all
/// and said nothing. `--codeowners` still decides when given.
#[test]
fn a_git_range_reads_codeowners_at_its_base() {
    let dir = tempdir();
    // GitHub takes `.github/CODEOWNERS` before the root one.
    let repo = cart_repo_with_owners(&dir, ".github/CODEOWNERS", &[("CODEOWNERS", "* @shop/root\n")]);
    let git = git_as(&repo, "dev@example.com");
    let (repo_arg, graph) = (repo.display().to_string(), boutique());
    let base = ["assess", "--repo", &repo_arg, "--range", "HEAD~1..HEAD", "--graph", &graph];
    let o = run(&[&base[..], &["--now", "2026-11-27T10:00:00Z", "--format", "json"]].concat());
    assert!(matches!(o.status.code(), Some(0 | 1)), "{}", stderr(&o));
    let v = json(&o);
    let owners = owner_approvals_of(&v);
    assert!(owners.contains(&(serde_json::json!(["@shop/cart"]), serde_json::Value::Null)), "{owners:?}");
    assert!(!owners.iter().any(|(teams, _)| teams.to_string().contains("@dev")), "{owners:?}");
    let noted = v["diagnostics"].as_array().unwrap().iter().any(|d| {
        d["code"] == "input" && d["message"].as_str().unwrap().contains(":.github/CODEOWNERS`, the CODEOWNERS file")
    });
    assert!(noted, "{v}");
    // `A...B` reads the file on A, the branch the change goes into, not at
    // the merge base its author chose by where the branch started.
    git(&["branch", "-q", "feat"]);
    git(&["reset", "-q", "--hard", "HEAD~1"]);
    std::fs::write(repo.join(".github/CODEOWNERS"), "/src/cartservice/ @shop/security\n").unwrap();
    git(&["commit", "-q", "-a", "-m", "Security owns the cart"]);
    let o = run(&[
        "assess",
        "--repo",
        &repo_arg,
        "--range",
        "HEAD...feat",
        "--graph",
        &graph,
        "--now",
        "2026-11-27T10:00:00Z",
        "--format",
        "json",
    ]);
    assert!(matches!(o.status.code(), Some(0 | 1)), "{}", stderr(&o));
    let owners = owner_approvals_of(&json(&o));
    assert!(owners.contains(&(serde_json::json!(["@shop/security"]), serde_json::Value::Null)), "{owners:?}");
    // An empty left side is `HEAD`, for the owners too: `...feat` read the
    // file at the merge base, whose old owners the author chose (a git
    // audit). The same answer, byte for byte.
    let three_dot = |range: &str| {
        let args =
            ["assess", "--repo", &repo_arg, "--range", range, "--graph", &graph, "--now", "2026-11-27T10:00:00Z"];
        let o = run(&[&args[..], &["--format", "json"]].concat());
        assert!(matches!(o.status.code(), Some(0 | 1)), "{}", stderr(&o));
        String::from_utf8(o.stdout).unwrap()
    };
    assert_eq!(three_dot("...feat"), three_dot("HEAD...feat"));
    // --codeowners decides when given.
    let file = dir.write("CODEOWNERS", "* @given/team\n");
    let o = run(&[
        &base[..],
        &["--now", "2026-11-27T10:00:00Z", "--format", "json", "--codeowners", &file.display().to_string()],
    ]
    .concat());
    let owners = owner_approvals_of(&json(&o));
    assert!(owners.contains(&(serde_json::json!(["@given/team"]), serde_json::Value::Null)), "{owners:?}");
}

/// `--repo` may name any folder inside the work tree: the answer is the
/// same, byte for byte, as from its top (a git audit: from a folder inside,
/// the root CODEOWNERS was not found and the touched files had no history).
#[test]
fn a_git_range_reads_the_same_from_a_folder_inside() {
    let dir = tempdir();
    let repo = cart_repo_with_owners(&dir, "CODEOWNERS", &[]);
    let graph = boutique();
    let assess = |repo: &std::path::Path| {
        let repo_arg = repo.display().to_string();
        let args = [
            "assess",
            "--repo",
            &repo_arg,
            "--range",
            "HEAD~1..HEAD",
            "--graph",
            &graph,
            "--now",
            "2026-11-27T10:00:00Z",
        ];
        let o = run(&[&args[..], &["--format", "json"]].concat());
        assert!(matches!(o.status.code(), Some(0 | 1)), "{}", stderr(&o));
        o.stdout
    };
    let top = assess(&repo);
    let v: serde_json::Value = serde_json::from_slice(&top).unwrap();
    let owners = owner_approvals_of(&v);
    assert!(owners.contains(&(serde_json::json!(["@shop/cart"]), serde_json::Value::Null)), "{owners:?}");
    assert_eq!(String::from_utf8_lossy(&assess(&repo.join("src/cartservice"))), String::from_utf8_lossy(&top));
}

/// A GitLab repository keeps its CODEOWNERS in `.gitlab/` (GitLab's third
/// place, after GitHub's last two): read when no GitHub place has one (it
/// was not looked for, and the change went without owners). A GitLab file
/// with section headers is refused, not read in part.
#[test]
fn a_git_range_reads_gitlab_codeowners() {
    let dir = tempdir();
    let repo = cart_repo_with_owners(&dir, ".gitlab/CODEOWNERS", &[]);
    let git = git_as(&repo, "dev@example.com");
    let (repo_arg, graph) = (repo.display().to_string(), boutique());
    let args = [
        "assess",
        "--repo",
        &repo_arg,
        "--range",
        "HEAD~1..HEAD",
        "--graph",
        &graph,
        "--now",
        "2026-11-27T10:00:00Z",
        "--format",
        "json",
    ];
    let o = run(&args);
    assert!(matches!(o.status.code(), Some(0 | 1)), "{}", stderr(&o));
    let v = json(&o);
    let owners = owner_approvals_of(&v);
    assert!(owners.contains(&(serde_json::json!(["@shop/cart"]), serde_json::Value::Null)), "{owners:?}");
    let noted = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .any(|d| d["code"] == "input" && d["message"].as_str().unwrap().contains(":.gitlab/CODEOWNERS`"));
    assert!(noted, "{v}");
    // Sections on the target branch: refused, naming the file.
    git(&["branch", "-q", "feat"]);
    git(&["checkout", "-q", "HEAD~1"]);
    std::fs::write(repo.join(".gitlab/CODEOWNERS"), "[Cart]\n/src/cartservice/ @shop/cart\n").unwrap();
    git(&["commit", "-q", "-a", "-m", "Sections"]);
    git(&["branch", "-q", "sections"]);
    let o = run(&[
        "assess",
        "--repo",
        &repo_arg,
        "--range",
        "sections...feat",
        "--graph",
        &graph,
        "--now",
        "2026-11-27T10:00:00Z",
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains(".gitlab/CODEOWNERS"), "{}", stderr(&o));
}

/// With a people list, the author's experience counts only as git measured
/// it in the assessing process: the same `history` section written into a
/// changeset file (by `change show`, or by hand with any numbers) is a
/// claim, not counted (`experience-claim-not-counted`).
#[test]
fn experience_counts_only_when_measured_by_the_assessing_process() {
    let dir = tempdir();
    let repo = two_commit_repo(&dir, "dana@example.com", "Add to cart");
    let context = dir.write(
        "context.json",
        r#"{"apiVersion": "blastgate.dev/v1", "kind": "Context", "now": "2026-11-27T10:00:00Z",
            "people": [{"id": "dana@example.com", "seniority": "mid"}]}"#,
    );
    let (repo_arg, context_arg, graph) = (repo.display().to_string(), context.display().to_string(), boutique());
    let experience = |v: &serde_json::Value| {
        v["factors"].as_array().unwrap().iter().find(|f| f["id"] == "log_author_experience").unwrap()["value"].clone()
    };
    let claimed = |v: &serde_json::Value| {
        v["diagnostics"].as_array().unwrap().iter().any(|d| d["code"] == "experience-claim-not-counted")
    };
    let assess = |change: &[&str]| {
        let o =
            run(&[&["assess", "--graph", &graph, "--context", &context_arg, "--format", "json"][..], change].concat());
        assert!(matches!(o.status.code(), Some(0 | 1)), "{}", stderr(&o));
        json(&o)
    };
    let measured = assess(&["--repo", &repo_arg, "--range", "HEAD~1..HEAD"]);
    assert_ne!(experience(&measured), serde_json::json!(0.0), "{measured}");
    assert!(!claimed(&measured), "{measured}");
    // The same changeset, written to a file.
    let shown = run(&["change", "show", "--repo", &repo_arg, "--range", "HEAD~1..HEAD", "--format", "json"]);
    assert_eq!(shown.status.code(), Some(0), "{}", stderr(&shown));
    let changeset = json(&shown)["changeset"].clone();
    assert!(changeset["history"]["exp"].as_f64().unwrap() > 0.0, "{changeset}");
    let file = dir.write("change.json", &changeset.to_string());
    let stated = assess(&["--change", &file.display().to_string()]);
    assert_eq!(experience(&stated), serde_json::json!(0.0), "{stated}");
    assert!(claimed(&stated), "{stated}");
    assert_ne!(stated["input_digest"], measured["input_digest"]);
}

/// An organisation's own agent account, named with `--ai-agent`, makes its
/// commits `agent` changes; unnamed, they read as a person's.
#[test]
fn ai_agent_flag_names_an_agent_account() {
    let dir = tempdir();
    let repo = two_commit_repo(&dir, "deploy-bot@corp.example", "Bump cart timeouts");
    let repo_arg = repo.display().to_string();
    let graph = boutique();
    let base =
        ["change", "show", "--repo", &repo_arg, "--range", "HEAD~1..HEAD", "--graph", &graph, "--format", "json"];
    let o = run(&base);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(json(&o)["changeset"]["provenance"]["ai"].is_null(), "no trailer: unstated");
    let o = run(&[&base[..], &["--ai-agent", "deploy-bot=Deploy-Bot@corp.example"]].concat());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v = json(&o);
    assert_eq!(v["changeset"]["provenance"]["ai"], "agent", "{v}");
    assert_eq!(v["changeset"]["provenance"]["tool"], "deploy-bot", "{v}");
    for bad in ["deploy-bot", "=a@b", "bot=", "bot=nobody", "b ot=a@b", "bot=a b@c"] {
        let o = run(&[&base[..], &["--ai-agent", bad]].concat());
        assert_eq!(o.status.code(), Some(2), "{bad}: {}", stderr(&o));
        assert!(stderr(&o).contains("--ai-agent"), "{}", stderr(&o));
    }
    // Without a git range there is nothing for it to apply to.
    let change = dir.write(
        "c.json",
        r#"{"apiVersion": "blastgate.dev/v1", "kind": "Changeset", "id": "x", "services": ["cartservice"]}"#,
    );
    let o = run(&["change", "show", "--change", change.to_str().unwrap(), "--ai-agent", "bot=a@b.c"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("needs --repo DIR --range A..B"), "{}", stderr(&o));
    assert!(!stderr(&o).contains("Usage:"), "not clap's usage line beside --change: {}", stderr(&o));
}

/// `--ai` states the involvement the pull request declares: it fills in a
/// range whose commits say nothing, never lowers what a trailer states, and
/// lets a policy that requires a declaration tell "none" from "not said".
#[test]
fn ai_flag_declares_the_involvement_and_never_lowers_a_trailer() {
    let dir = tempdir();
    let plain = two_commit_repo(&dir, "dana@corp.example", "Bump cart timeouts");
    let plain = plain.display().to_string();
    let graph = boutique();
    let show = |repo: &str, extra: &[&str]| {
        let args = ["change", "show", "--repo", repo, "--range", "HEAD~1..HEAD", "--graph", &graph, "--format", "json"];
        run(&[&args[..], extra].concat())
    };
    let o = show(&plain, &["--ai", "none"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v = json(&o);
    assert_eq!(v["changeset"]["provenance"]["ai"], "none", "{v}");
    assert_eq!(v["changeset"]["provenance"]["source"], "explicit", "{v}");
    let o = run(&["change", "show", "--repo", &plain, "--range", "HEAD~1..HEAD", "--graph", &graph, "--ai", "none"]);
    assert!(stdout(&o).contains("AI: none"), "{}", stdout(&o));
    let o = run(&["change", "show", "--repo", &plain, "--range", "HEAD~1..HEAD", "--graph", &graph]);
    assert!(stdout(&o).contains("AI: not stated"), "{}", stdout(&o));

    let other = tempdir();
    let assisted = two_commit_repo(&other, "dana@corp.example", AI_MESSAGE).display().to_string();
    let o = show(&assisted, &["--ai", "none"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(json(&o)["changeset"]["provenance"]["ai"], "generated");
    assert!(stdout(&o).contains("--ai `none` is below the change's own `generated`"), "{}", stdout(&o));
    let o = show(&assisted, &["--ai", "agent"]);
    assert_eq!(json(&o)["changeset"]["provenance"]["ai"], "agent");
    assert!(stdout(&o).contains("raised to --ai `agent`"), "{}", stdout(&o));
    let o = show(&assisted, &["--ai", "sometimes"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));

    // The default policy with the declaration rule turned on.
    let default = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../blastgate-core/src/policy/default.toml"),
    )
    .unwrap();
    let off = "check = \"ai_unstated_below_senior\"\nmin_depth = \"senior\"\nenabled = false";
    assert!(default.contains(off));
    let policy = dir.join("disclose.toml");
    std::fs::write(&policy, default.replace(off, &off.replace("false", "true"))).unwrap();
    let policy = policy.display().to_string();
    let assess = |extra: &[&str]| {
        let args =
            ["assess", "--repo", &plain, "--range", "HEAD~1..HEAD", "--graph", &graph, "--now", "2026-11-29T12:00:00Z"];
        let o = run(&[&args[..], &["--format", "json"], extra].concat());
        assert!(matches!(o.status.code(), Some(0 | 1)), "{}", stderr(&o));
        json(&o)
    };
    let fired = |v: &serde_json::Value| {
        v["rules"].as_array().unwrap().iter().any(|r| r["id"] == "ai-unstated-by-junior-or-mid")
    };
    let undeclared = assess(&["--policy", &policy]);
    assert!(fired(&undeclared), "{undeclared}");
    assert_eq!(undeclared["decision"]["review_depth"], "senior", "{undeclared}");
    let declare = undeclared["counterfactuals"].as_array().unwrap().iter().find(|c| c["id"] == "declare-ai").cloned();
    assert!(declare.as_ref().is_some_and(|c| c["lowers"] == true), "{undeclared}");
    let declared = assess(&["--policy", &policy, "--ai", "none"]);
    assert!(!fired(&declared), "{declared}");
    assert_ne!(declared["decision"]["review_depth"], "senior", "{declared}");
    // With the shipped default the rule is off: not saying is read as none.
    let v = assess(&[]);
    assert!(!fired(&v), "{v}");
    assert_eq!(v["decision"]["review_depth"], declared["decision"]["review_depth"], "{v}");
}

/// Errors a newcomer meets say how to fix them (a newcomer audit): a
/// misspelt field gets its near miss, a mis-indented YAML line says what
/// to check, an empty `--author` says it is empty, and a file named from
/// the wrong folder points at the one beside `--repo`.
#[test]
fn newcomer_errors_say_how_to_fix_them() {
    let dir = tempdir();
    let graph =
        dir.write("g.yaml", "apiVersion: blastgate.dev/v1\nkind: ServiceGraph\nservices:\n  - id: a\n    teir: 0\n");
    let o = run(&["graph", "check", graph.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("unknown field `teir`") && stderr(&o).contains("help: did you mean `tier`?"),
        "{}",
        stderr(&o)
    );
    let graph = dir.write(
        "g.json",
        r#"{"apiVersion": "blastgate.dev/v1", "kind": "ServiceGraph", "services": [{"id": "a", "Owner": "x"}]}"#,
    );
    let o = run(&["graph", "check", graph.to_str().unwrap()]);
    assert!(stderr(&o).contains("help: did you mean `owner`?"), "{}", stderr(&o));
    // Far from every name: no guess.
    let graph = dir.write(
        "g2.json",
        r#"{"apiVersion": "blastgate.dev/v1", "kind": "ServiceGraph", "services": [{"id": "a", "zzzzzz": "x"}]}"#,
    );
    let o = run(&["graph", "check", graph.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(!stderr(&o).contains("did you mean"), "{}", stderr(&o));
    let graph = dir.write(
        "i.yaml",
        "apiVersion: blastgate.dev/v1\nkind: ServiceGraph\nservices:\n  - id: a\n    tier: 0\n   - id: b\n",
    );
    let o = run(&["graph", "check", graph.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("line 6") && stderr(&o).contains("help: check the indentation"), "{}", stderr(&o));
    // An empty --author (a CI variable unset on this event).
    let change = dir.write(
        "c.json",
        r#"{"apiVersion": "blastgate.dev/v1", "kind": "Changeset", "id": "x", "services": ["cartservice"]}"#,
    );
    let o = run(&["change", "show", "--change", change.to_str().unwrap(), "--graph", &boutique(), "--author", " "]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).starts_with("error: --author: the author id is empty; help:"), "{}", stderr(&o));
    // A graph named from the folder above the repository.
    let repo = dir.0.join("repo");
    std::fs::create_dir_all(repo.join("ops")).unwrap();
    std::fs::copy(boutique(), repo.join("ops/graph.edges")).unwrap();
    let git = |args: &[&str]| {
        let o = std::process::Command::new("git")
            .arg("-C")
            .arg(&repo)
            .args(["-c", "user.name=a", "-c", "user.email=a@example.com", "-c", "commit.gpgsign=false"])
            .args(args)
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    };
    git(&["init", "-q"]);
    git(&["commit", "-q", "--allow-empty", "-m", "a"]);
    git(&["commit", "-q", "--allow-empty", "-m", "b"]);
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_blastgate"))
        .current_dir(&dir.0)
        .args(["assess", "--graph", "ops/graph.edges", "--repo", "repo", "--range", "HEAD~1...HEAD"])
        .args(["--now", "2026-12-01T00:00:00Z"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("not from --repo: did you mean `repo/ops/graph.edges`?"), "{}", stderr(&o));
}

#[test]
fn a_service_map_naming_an_unknown_service_says_which_line() {
    let dir = tempdir();
    let map = dir.join("services.map");
    std::fs::write(&map, "# services\nsrc/cartservice/ cartservice\nsrc/ghost/ ghost\n").unwrap();
    let change = dir.write("c.json", r#"{"apiVersion": "blastgate.dev/v1", "kind": "Changeset", "id": "x", "files": [{"path": "src/cartservice/a.go"}]}"#);
    let args = ["change", "show", "--change", change.to_str().unwrap(), "--graph", &boutique()];
    let o = run(&[&args[..], &["--service-map", map.to_str().unwrap()]].concat());
    assert_eq!(o.status.code(), Some(2));
    let want = format!("{}: line 3: the service map names `ghost`", map.display());
    assert!(stderr(&o).contains(&want), "{}", stderr(&o));
    let o = run(&[&args[..], &["--service-map", map.to_str().unwrap(), "--allow-unknown-services"]].concat());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let said = format!("{}{}", stdout(&o), stderr(&o));
    assert!(said.contains(&format!("{}: line 3: `ghost` is not in the graph", map.display())), "{said}");
    // A near miss is suggested, as for a changeset's services.
    std::fs::write(&map, "src/cartservice/ cartservice\nsrc/cart2/ cartservic\n").unwrap();
    let o = run(&[&args[..], &["--service-map", map.to_str().unwrap()]].concat());
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("help: did you mean `cartservice`?"), "{}", stderr(&o));
}

/// Runs the binary with a standard output whose reader is already gone.
fn run_into_closed_pipe(args: &[&str]) -> Output {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    Command::new(env!("CARGO_BIN_EXE_blastgate")).args(args).stdout(writer).output().unwrap()
}

/// A reader that stops early (`| head`) ends a command quietly with 0, as
/// ripgrep does; `assess` exits 3 instead: a gate reads its exit code as
/// the decision, and the answer never reached the reader.
#[test]
fn a_closed_output_is_quiet_except_for_a_gate() {
    let graph = boutique();
    let o = run_into_closed_pipe(&["radius", "--graph", &graph, "cartservice", "--format", "dot"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stderr(&o).is_empty(), "{}", stderr(&o));
    let o = run_into_closed_pipe(&["demo"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = run_into_closed_pipe(&["synth", "--services", "2000", "--edges", "20000", "--seed", "1", "--out", "-"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stderr(&o).is_empty(), "{}", stderr(&o));
    let dir = tempdir();
    let change = dir.write(
        "c.json",
        r#"{"apiVersion": "blastgate.dev/v1", "kind": "Changeset", "id": "x", "services": ["adservice"]}"#,
    );
    let args = ["assess", "--graph", &graph, "--change", change.to_str().unwrap(), "--now", "2026-11-29T12:00:00Z"];
    let o = run_into_closed_pipe(&args);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert!(stderr(&o).contains("broken pipe"), "{}", stderr(&o));
    // The same assessment with a reader: an ordinary answer.
    assert_eq!(run(&args).status.code(), Some(0));
}

/// Help and version that cannot be written (an audit: `--help >
/// /dev/full` exited 0 with nothing said) exit 3 with a message, as every
/// failure to write output; a reader gone first stays quiet with 0.
#[cfg(target_os = "linux")]
#[test]
fn help_that_cannot_be_written_exits_3() {
    for args in [&["--help"][..], &["--version"], &["assess", "--help"]] {
        let o = Command::new(env!("CARGO_BIN_EXE_blastgate"))
            .args(args)
            .stdout(std::fs::File::create("/dev/full").unwrap())
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(3), "{args:?}");
        assert!(stderr(&o).contains("cannot write output"), "{args:?}: {}", stderr(&o));
        let o = run_into_closed_pipe(args);
        assert_eq!(o.status.code(), Some(0), "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).is_empty(), "{args:?}: {}", stderr(&o));
        assert_eq!(run(args).status.code(), Some(0), "{args:?}");
    }
}

/// `assess --format json` of `change` on Online Boutique with `owners` as
/// CODEOWNERS, at a fixed instant; the run must succeed.
fn assess_with_codeowners(change: &Path, owners: &Path) -> serde_json::Value {
    assess_json_on(&boutique(), change, &["--codeowners", owners.to_str().unwrap()])
}

/// The `owner` approvals of an assessment: (teams, min_seniority) each.
fn owner_approvals_of(v: &serde_json::Value) -> Vec<(serde_json::Value, serde_json::Value)> {
    v["decision"]["required_approvals"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["role"] == "owner")
        .map(|a| (a["teams"].clone(), a["min_seniority"].clone()))
        .collect()
}

/// `assess --format json` of `change` on `graph` with `extra` arguments,
/// at a fixed instant; the run must succeed (exit 0 or 1).
fn assess_json_on(graph: &str, change: &Path, extra: &[&str]) -> serde_json::Value {
    let mut args = vec!["assess", "--graph", graph, "--change", change.to_str().unwrap()];
    args.extend_from_slice(extra);
    args.extend_from_slice(&["--now", "2026-11-30T00:00:00Z", "--format", "json"]);
    let o = run(&args);
    assert!(matches!(o.status.code(), Some(0 | 1)), "{}", stderr(&o));
    json(&o)
}

/// Code that maps to no graph node (a shared library) beside a service's
/// code: the rule `unmapped-runtime-files` asks for owner review, and the
/// library's CODEOWNERS (here the real file's `*` owners) approve it beside
/// the service's team.
#[test]
fn unmapped_code_is_reviewed_by_its_codeowners() {
    let dir = tempdir();
    let change = dir.write(
        "change.json",
        r#"{"apiVersion": "blastgate.dev/v1", "kind": "Changeset", "id": "lib-and-cart",
            "author": {"id": "sam", "seniority": "senior", "prior_changes": 300},
            "files": [{"path": "src/cartservice/src/CartStore.cs", "added": 10},
                      {"path": "lib/shared/util.go", "added": 30}],
            "safety": {"rollback_plan": true}}"#,
    );
    let owners = fixtures().join("codeowners/online-boutique.CODEOWNERS");
    let v = assess_with_codeowners(&change, &owners);
    assert_eq!(v["decision"]["review_depth"], "owner");
    let rules: Vec<&str> = v["rules"].as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(rules, ["unmapped-runtime-files"]);
    let approvals = v["decision"]["required_approvals"].as_array().unwrap();
    let for_lib = approvals
        .iter()
        .find(|a| a["reason"].as_str().unwrap().contains("lib/shared/util.go"))
        .unwrap_or_else(|| panic!("no approval for the library: {approvals:#?}"));
    assert_eq!(for_lib["role"], "owner");
    assert_eq!(
        for_lib["teams"],
        serde_json::json!(["@GoogleCloudPlatform/devrel-flagship-app-maintainers", "@yoshi-approver"])
    );
}

/// Without a graph every service a change names is unknown and its blast
/// radius empty: `assess` refuses to decide (exit 2) rather than answer
/// `auto` with exit 0. `change show` may still look at the change.
#[test]
fn assess_needs_a_graph() {
    let dir = tempdir();
    let change = dir.write(
        "change.json",
        r#"{"apiVersion": "blastgate.dev/v1", "kind": "Changeset", "id": "c",
            "services": ["checkoutservice"], "files": [{"path": "src/checkoutservice/main.go", "added": 3}]}"#,
    );
    let change = change.to_str().unwrap();
    let o = run(&["assess", "--change", change, "--now", "2026-11-27T10:00:00Z", "--format", "json"]);
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
    assert!(stdout(&o).is_empty(), "nothing assessed: {}", stdout(&o));
    assert!(stderr(&o).contains("assess needs --graph"), "{}", stderr(&o));
    let o = run(&["change", "show", "--change", change, "--format", "json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

/// When the graph names no owner, the code's CODEOWNERS approve it: one
/// README line owned by a catch-all team must not let that team (anyone)
/// approve the code beside it.
#[test]
fn a_catch_all_owner_of_a_readme_does_not_widen_the_code_owners() {
    let dir = tempdir();
    let owners = dir.write("CODEOWNERS", "* @org/everyone\n/lib/paysdk/ @org/payments\n");
    let files = |readme: bool| {
        let extra = if readme { r#", {"path": "README.md", "added": 1}"# } else { "" };
        format!(
            r#"{{"apiVersion": "blastgate.dev/v1", "kind": "Changeset", "id": "sdk",
                "author": {{"id": "sam", "seniority": "senior"}},
                "files": [{{"path": "lib/paysdk/client.go", "added": 30}}{extra}]}}"#
        )
    };
    let teams = |readme: bool| {
        let change = dir.write(if readme { "with.json" } else { "without.json" }, &files(readme));
        let v = assess_with_codeowners(&change, &owners);
        let owner: Vec<serde_json::Value> = v["decision"]["required_approvals"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|a| a["role"] == "owner")
            .map(|a| a["teams"].clone())
            .collect();
        owner
    };
    assert_eq!(teams(false), [serde_json::json!(["@org/payments"])]);
    assert_eq!(teams(true), teams(false));
}

/// The author cannot approve their own change: a file only the author owns
/// in CODEOWNERS gets a senior stand-in (with `author-sole-owner`), and a
/// file the author co-owns asks its other owners only.
#[test]
fn the_author_is_never_the_code_owner_asked() {
    let dir = tempdir();
    let owners = dir.write("CODEOWNERS", "/lib/paysdk/ @Sam\n/lib/ledger/ @sam @org/ledger\n");
    let change = |files: &str| {
        dir.write(
            "change.json",
            &format!(
                r#"{{"apiVersion": "blastgate.dev/v1", "kind": "Changeset", "id": "sdk",
                    "author": {{"id": "sam", "seniority": "senior"}}, "files": [{files}]}}"#
            ),
        )
    };
    let v = assess_with_codeowners(&change(r#"{"path": "lib/paysdk/client.go", "added": 30}"#), &owners);
    assert_eq!(owner_approvals_of(&v), [(serde_json::json!([]), serde_json::json!("senior"))]);
    let warning = v["diagnostics"].as_array().unwrap().iter().find(|d| d["code"] == "author-sole-owner");
    let message = warning.unwrap_or_else(|| panic!("no author-sole-owner: {v:#}"))["message"].as_str().unwrap();
    assert!(message.contains("lib/paysdk/client.go"), "{message}");
    let v = assess_with_codeowners(&change(r#"{"path": "lib/ledger/post.go", "added": 30}"#), &owners);
    assert_eq!(owner_approvals_of(&v), [(serde_json::json!(["@org/ledger"]), serde_json::Value::Null)]);
    assert!(v["diagnostics"].as_array().unwrap().iter().all(|d| d["code"] != "author-sole-owner"), "{v:#}");
    // Another author: the owners as written.
    let other = dir.write(
        "other.json",
        r#"{"apiVersion": "blastgate.dev/v1", "kind": "Changeset", "id": "sdk",
            "author": {"id": "kim", "seniority": "senior"},
            "files": [{"path": "lib/paysdk/client.go", "added": 30}]}"#,
    );
    let v = assess_with_codeowners(&other, &owners);
    assert_eq!(owner_approvals_of(&v), [(serde_json::json!(["@Sam"]), serde_json::Value::Null)]);
}

/// When the graph names no owner, approvals are taken file by file, as a
/// code host takes them: code owned by two teams needs one approval from
/// each (before, one approval from either team approved both teams'
/// code). A file whose owners include a team asked anyway adds no
/// approval, and a file no rule owns needs a senior engineer who knows it.
#[test]
fn code_owned_by_two_teams_needs_each_team() {
    let dir = tempdir();
    let owners = dir.write(
        "CODEOWNERS",
        "/lib/paysdk/ @org/payments\n/lib/authsdk/ @org/identity\n/lib/both/ @org/payments @org/identity\n",
    );
    let owner_approvals = |name: &str, files: &str| {
        let change = dir.write(
            name,
            &format!(
                r#"{{"apiVersion": "blastgate.dev/v1", "kind": "Changeset", "id": "sdks",
                    "author": {{"id": "sam", "seniority": "senior"}}, "files": [{files}]}}"#
            ),
        );
        let v = assess_with_codeowners(&change, &owners);
        let approvals = owner_approvals_of(&v);
        let warned = v["diagnostics"].as_array().unwrap().iter().any(|d| d["code"] == "no-owner");
        (approvals, warned)
    };
    let pay = r#"{"path": "lib/paysdk/client.go", "added": 30}"#;
    let auth = r#"{"path": "lib/authsdk/token.go", "added": 30}"#;
    let both = r#"{"path": "lib/both/shared.go", "added": 30}"#;
    let nobody = r#"{"path": "tools/gen/main.go", "added": 30}"#;
    let team = |t: &str| (serde_json::json!([t]), serde_json::Value::Null);
    assert_eq!(owner_approvals("one.json", pay), (vec![team("@org/payments")], false));
    assert_eq!(
        owner_approvals("two.json", &format!("{pay}, {auth}")),
        (vec![team("@org/identity"), team("@org/payments")], false)
    );
    assert_eq!(owner_approvals("covered.json", &format!("{pay}, {both}")), (vec![team("@org/payments")], false));
    assert_eq!(
        owner_approvals("alone.json", both),
        (vec![(serde_json::json!(["@org/identity", "@org/payments"]), serde_json::Value::Null)], false)
    );
    let (approvals, warned) = owner_approvals("unowned.json", &format!("{pay}, {nobody}"));
    assert_eq!(approvals, vec![team("@org/payments"), (serde_json::json!([]), serde_json::json!("senior"))]);
    assert!(warned, "a file no rule owns is named in a no-owner warning");
}

/// What building the graph warned about reaches every assessment as a
/// `graph-warnings` warning: before, it showed only in `graph check`, so
/// a gate decided on a graph that had dropped or weakened dependencies
/// without saying so.
#[test]
fn graph_warnings_reach_the_assessment() {
    let dir = tempdir();
    let graph = dir.write(
        "graph.yaml",
        "apiVersion: blastgate.dev/v1\nkind: ServiceGraph\nservices:\n  - {id: checkout, tier: 0, depends_on: [payments]}\n  - {id: payments}\n  - {id: web, depends_on: [paymnets]}\n",
    );
    let change = dir.write(
        "change.json",
        r#"{"apiVersion": "blastgate.dev/v1", "kind": "Changeset", "id": "c", "services": ["payments"]}"#,
    );
    let v = assess_json_on(graph.to_str().unwrap(), &change, &[]);
    let found = v["diagnostics"].as_array().unwrap().iter().find(|d| d["code"] == "graph-warnings");
    let message = found.unwrap_or_else(|| panic!("no graph-warnings: {:#}", v["diagnostics"]))["message"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(message.contains("paymnets") && message.contains("graph check"), "{message}");
    // `radius` says it on standard error, its JSON unchanged.
    let o = run(&["radius", "--graph", graph.to_str().unwrap(), "payments", "--format", "json"]);
    assert!(stderr(&o).contains("warning: ") && stderr(&o).contains("paymnets"), "{}", stderr(&o));
    assert_eq!(json(&o)["changed"], serde_json::json!(["payments"]));
}

/// An ownerless node that no changed file speaks for (here named in
/// `services`) needs a senior engineer who knows it: the CODEOWNERS of
/// another ownerless node's files must not approve it (found by an audit
/// of the per-file approvals).
#[test]
fn a_named_ownerless_node_is_not_approved_by_another_nodes_code_owners() {
    let dir = tempdir();
    let graph = dir.write("g.edges", "web api\napi core\n");
    let owners = dir.write("CODEOWNERS", "/src/core/ @org/core\n/tools/ @org/tools\n");
    let change = dir.write(
        "change.json",
        r#"{"apiVersion": "blastgate.dev/v1", "kind": "Changeset", "id": "c", "services": ["web"],
            "author": {"id": "sam", "seniority": "senior"},
            "files": [{"path": "src/core/b.go", "added": 50}, {"path": "tools/x.go", "added": 50}]}"#,
    );
    let v = assess_json_on(graph.to_str().unwrap(), &change, &["--codeowners", owners.to_str().unwrap()]);
    let owner = owner_approvals_of(&v);
    let senior = (serde_json::json!([]), serde_json::json!("senior"));
    assert!(owner.contains(&(serde_json::json!(["@org/core"]), serde_json::Value::Null)), "{owner:?}");
    assert!(owner.contains(&senior), "web needs someone who knows it: {owner:?}");
    let stand_in = v["decision"]["required_approvals"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["role"] == "owner" && a["min_seniority"] == "senior")
        .unwrap();
    assert!(stand_in["reason"].as_str().unwrap().contains("web"), "{stand_in}");
}

/// A long chain's paths add up to the square of its length: JSON that
/// lists every one is a limit error (exit 3) at once, not a process that
/// grows until memory runs out (found by an audit: a million-service chain
/// reached 7.7 GB in two minutes, printing nothing, even in human format,
/// which shows no such path and now makes none).
#[test]
fn radius_on_a_long_chain_answers_or_says_the_list_is_too_long() {
    let n = 12_000;
    let edges: String = (1..n).map(|i| format!("s{i} s{}\n", i - 1)).collect();
    let dir = tempdir();
    let graph = dir.join("chain.edges");
    std::fs::write(&graph, edges).unwrap();
    let graph = graph.to_str().unwrap();
    let o = run(&["radius", "--graph", graph, "--", "s0"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains(&format!("affected: {}", n - 1)), "{}", stdout(&o));
    let o = run(&["radius", "--graph", graph, "--format", "json", "--", "s0"]);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert!(stderr(&o).contains("max_listed_path_nodes") && stderr(&o).contains("72005999"), "{}", stderr(&o));
    // Bounded, it lists them.
    let o = run(&["radius", "--graph", graph, "--format", "json", "--max-depth", "100", "--", "s0"]);
    assert_eq!(json(&o)["affected"].as_array().unwrap().len(), 100);
    // In a batch, the line that passes the limit stops it after the lines
    // before it, and the error names that line (a batch audit: it named
    // none, and its help suggested a format `--batch` ignores).
    let batch = dir.join("batch.txt");
    std::fs::write(&batch, format!("s{}\ns0\ns{}\n", n - 2, n - 3)).unwrap();
    let o = run(&["radius", "--graph", graph, "--batch", batch.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert_eq!(stdout(&o).lines().count(), 1, "{}", stdout(&o));
    assert!(stderr(&o).contains("batch.txt: line 2: limit `max_listed_path_nodes`"), "{}", stderr(&o));
    assert!(stderr(&o).contains("help: use --summary, or --max-depth"), "{}", stderr(&o));
}

/// Ids may be 512 bytes long, so counting a radius's path ids does not
/// bound its JSON (an audit: 3,000 services with 496-byte ids, a 3 MB
/// graph, made 2.3 GB of JSON and aborted the process out of memory): the
/// ids' bytes are counted too, a limit error (exit 3) before anything is
/// built, also per line of a batch.
#[test]
fn radius_json_with_long_ids_on_a_long_chain_is_a_limit_error() {
    let n = 3_000;
    let id = |i: usize| format!("{}{i:06}", "x".repeat(490));
    let edges: String = (1..n).map(|i| format!("{} {}\n", id(i), id(i - 1))).collect();
    let dir = tempdir();
    let graph = dir.join("chain.edges");
    std::fs::write(&graph, edges).unwrap();
    let graph = graph.to_str().unwrap();
    let o = run(&["radius", "--graph", graph, "--format", "json", "--", &id(0)]);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert!(stderr(&o).contains("max_listed_path_bytes"), "{}", stderr(&o));
    let batch = dir.write("batch.txt", &format!("{}\n", id(0)));
    let o = run(&["radius", "--graph", graph, "--batch", batch.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert!(stderr(&o).contains("max_listed_path_bytes"), "{}", stderr(&o));
    // Human output lists no path, and answers.
    let o = run(&["radius", "--graph", graph, "--", &id(0)]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

/// A stream read as a graph stops where its name or first bytes say: a
/// `.bgs` name that does not start as a snapshot at once, a JSON name at a
/// document's limit (found by an audit: `/dev/zero` named `zero.bgs` read
/// 2 GiB before failing).
#[cfg(unix)]
#[test]
fn a_stream_named_as_a_snapshot_or_document_stops_early() {
    let dir = tempdir();
    let snapshot = dir.join("zero.bgs");
    std::os::unix::fs::symlink("/dev/zero", &snapshot).unwrap();
    let o = run(&["graph", "check", snapshot.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("not a blastgate graph snapshot"), "{}", stderr(&o));
    let document = dir.join("zero.json");
    std::os::unix::fs::symlink("/dev/zero", &document).unwrap();
    let o = run(&["graph", "check", document.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert!(stderr(&o).contains("268435456"), "{}", stderr(&o));
}

/// `--batch` writes JSON Lines: a format it would not write is exit 2, not
/// dropped without a word (a red-team finding); `json` is welcome.
#[test]
fn batch_refuses_a_format_it_does_not_write() {
    let dir = tempdir();
    let graph = dir.write("g.edges", "web api\napi db\n");
    let batch = dir.write("b.txt", "db\n");
    for format in ["dot", "human"] {
        let o = run(&[
            "radius",
            "--graph",
            graph.to_str().unwrap(),
            "--batch",
            batch.to_str().unwrap(),
            "--format",
            format,
        ]);
        assert_eq!(o.status.code(), Some(2), "{format}: {}", stdout(&o));
        assert!(stderr(&o).contains(&format!("--format {format} cannot be used")), "{}", stderr(&o));
        assert!(stdout(&o).is_empty());
    }
    let o =
        run(&["radius", "--graph", graph.to_str().unwrap(), "--batch", batch.to_str().unwrap(), "--format", "json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).starts_with("{\"changed\":[\"db\"]"), "{}", stdout(&o));
}

/// A stream that never ends stops where its first bytes say: after a
/// snapshot header, at the length the header states (exit 2, corrupt) or at
/// once when that length is over the limit (exit 3); after a `{`, at a
/// document's 256 MiB limit (red-team findings: 8 GiB and 2 GiB were read).
#[cfg(unix)]
#[test]
fn a_stream_that_never_ends_stops_where_its_first_bytes_say() {
    let dir = tempdir();
    let header = |length: u64| {
        let mut h = b"\x89BGS\r\n\x1a\n".to_vec();
        h.extend_from_slice(&2u32.to_le_bytes());
        h.extend_from_slice(&9u32.to_le_bytes());
        h.extend_from_slice(&[0; 16]);
        h.extend_from_slice(&[0; 16]);
        h.extend_from_slice(&length.to_le_bytes());
        h.extend_from_slice(&[0; 8]);
        h
    };
    let endless = |head: &[u8]| {
        let path = dir.join("head");
        std::fs::write(&path, head).unwrap();
        let script =
            format!("(cat '{}'; cat /dev/zero) | '{}' graph check -", path.display(), env!("CARGO_BIN_EXE_blastgate"));
        Command::new("sh").args(["-c", &script]).output().unwrap()
    };
    let o = endless(&header(4096));
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("goes on past the 4096 bytes its header gives"), "{}", stderr(&o));
    let o = endless(&header(1 << 40));
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert!(stderr(&o).contains("max_snapshot_bytes"), "{}", stderr(&o));
    let o = endless(b" \n{");
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert!(stderr(&o).contains("268435456"), "{}", stderr(&o));
}

/// A plan is read by the path given (an audit: `./-`, the file named `-`,
/// was shortened to `-` and read standard input), and standard input is a
/// plan once: `-` twice, or `-` and `/dev/stdin`, exit 2 as for every
/// other input (the second `-` was dropped as a duplicate).
#[test]
fn plans_are_read_as_named_and_stdin_once() {
    let plan = fixtures().join("terraform/terraform-json-basic-plan.json");
    let dir = tempdir();
    std::fs::copy(&plan, dir.join("-")).unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_blastgate"))
        .current_dir(&*dir)
        .args(["change", "show", "--terraform-plan", "./-"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("infrastructure: 8 resource(s)"), "{}", stdout(&o));
    let bytes = std::fs::read(&plan).unwrap();
    for twice in [["-", "-"], ["-", "/dev/stdin"]] {
        let o = run_with_stdin(&["change", "show", "--terraform-plan", twice[0], "--terraform-plan", twice[1]], &bytes);
        assert_eq!(o.status.code(), Some(2), "{twice:?}: {}", stdout(&o));
        assert!(stderr(&o).contains("standard input is given twice"), "{}", stderr(&o));
    }
    let o = run_with_stdin(&["change", "show", "--terraform-plan", "-"], &bytes);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

/// Found by a docs audit: `change show` called a plan of creates (and a
/// changeset naming only services the graph lacks) "empty", and the
/// documented `servicegraph` alias of `--input-format prometheus` did not
/// exist.
#[test]
fn change_show_calls_empty_only_an_empty_changeset() {
    let plan = fixtures().join("terraform/terraform-json-basic-plan.json");
    let o = run(&["change", "show", "--terraform-plan", plan.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(!stdout(&o).contains("empty changeset"), "{}", stdout(&o));
    // `null_resource.foo` runs a `local-exec` provisioner: unknown, destructive.
    assert!(stdout(&o).contains("infrastructure: 8 resource(s), 1 destructive"), "{}", stdout(&o));
    let dir = tempdir();
    let empty = dir.join("empty.json");
    std::fs::write(&empty, r#"{"apiVersion": "blastgate.dev/v1", "kind": "Changeset", "id": "x"}"#).unwrap();
    let o = run(&["change", "show", "--change", empty.to_str().unwrap()]);
    assert!(stdout(&o).contains("empty changeset"), "{}", stdout(&o));
    // JSON says so too (found by a contract audit: only the human output
    // did), and a plan of creates is not empty there either.
    let o = run(&["change", "show", "--change", empty.to_str().unwrap(), "--format", "json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["empty"], serde_json::Value::Bool(true), "{v}");
    let o = run(&["change", "show", "--terraform-plan", plan.to_str().unwrap(), "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["empty"], serde_json::Value::Bool(false), "{v}");
    let metrics = dir.join("m.json");
    std::fs::write(
        &metrics,
        r#"{"status": "success", "data": {"resultType": "vector", "result": [{"metric":
            {"__name__": "traces_service_graph_request_total", "client": "web", "server": "cart"},
            "value": [1700000000, "5"]}]}}"#,
    )
    .unwrap();
    let o = run(&["graph", "check", "--input-format", "servicegraph", metrics.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // An answer with no series is no graph (every change would reach
    // nothing): refused, with the warning that no calls were observed.
    std::fs::write(&metrics, r#"{"status": "success", "data": {"resultType": "vector", "result": []}}"#).unwrap();
    let o = run(&["graph", "check", "--input-format", "servicegraph", metrics.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("the graph has no nodes"), "{}", stderr(&o));
}

/// Many owner sets do not hide one (found by a gaming audit: 55 folders
/// co-owned by the author's team and one other each, beside a file the
/// security team owns; past 50 sets the rest became one senior stand-in,
/// and the security team was never asked).
#[test]
fn the_owners_of_one_file_are_asked_beside_many_other_sets() {
    let dir = tempdir();
    let mut owners = String::new();
    let mut files = Vec::new();
    for i in 0..55 {
        owners.push_str(&format!("/lib/f{i:02}/ @org/attacker @org/t{i:02}\n"));
        files.push(format!(r#"{{"path": "lib/f{i:02}/x.go", "added": 1}}"#));
    }
    owners.push_str("/lib/zz-auth/ @org/security\n");
    files.push(r#"{"path": "lib/zz-auth/check.go", "added": 1}"#.to_owned());
    let codeowners = dir.join("CODEOWNERS");
    std::fs::write(&codeowners, owners).unwrap();
    let change = dir.join("c.json");
    std::fs::write(
        &change,
        format!(
            r#"{{"apiVersion": "blastgate.dev/v1", "kind": "Changeset", "id": "x", "files": [{}]}}"#,
            files.join(", ")
        ),
    )
    .unwrap();
    let approvals = owner_approvals_of(&assess_with_codeowners(&change, &codeowners));
    assert!(approvals.iter().any(|(teams, _)| teams == &serde_json::json!(["@org/security"])), "{approvals:?}");
    assert_eq!(approvals.len(), 56, "{approvals:?}");
}

/// The JSON record says what the gate did: `gate.fail_at` and
/// `gate.stops`, which `--fail-at` decides (a determinism audit: the same
/// record for a run that stopped and one that passed).
#[test]
fn the_json_record_says_whether_the_gate_stopped() {
    let dir = tempdir();
    let change = dir.write(
        "change.json",
        r#"{"apiVersion": "blastgate.dev/v1", "kind": "Changeset", "id": "c",
            "author": {"id": "sam", "seniority": "senior"},
            "files": [{"path": "src/cartservice/src/CartStore.cs", "added": 300}]}"#,
    );
    let gate = |fail_at: &str| {
        let v = assess_json_on(&boutique(), &change, &["--fail-at", fail_at]);
        (v["decision"]["review_depth"].as_str().unwrap().to_owned(), v["gate"].clone())
    };
    let (depth, passed) = gate("block");
    assert_eq!(passed, serde_json::json!({"fail_at": "block", "stops": false}));
    let (same, stopped) = gate(&depth);
    assert_eq!(same, depth);
    assert_eq!(stopped, serde_json::json!({"fail_at": depth, "stops": true}));
}

/// Plans given without a changeset make its id from their file names as a
/// set: the order of `--terraform-plan` flags, and the folder they are
/// named from, do not change the id, the output or the digest
/// (determinism audits).
#[test]
fn plan_order_does_not_change_the_assessment() {
    let boutique_path = boutique();
    let a = fixtures().join("terraform/terraform-compliance-issue522-plan.out.json");
    let b = fixtures().join("terraform/hashicorp-terraform-requires-replace.json");
    // `assess` run from `folder` with these plans.
    let assess_in = |folder: &Path, plans: &[&str]| {
        let mut args = vec!["assess", "--graph", &boutique_path, "--allow-unknown-services"];
        for plan in plans {
            args.extend(["--terraform-plan", plan]);
        }
        args.extend(["--now", "2026-11-30T00:00:00Z", "--format", "json"]);
        let o = Command::new(env!("CARGO_BIN_EXE_blastgate")).current_dir(folder).args(&args).output().unwrap();
        assert!(matches!(o.status.code(), Some(0 | 1)), "{}", stderr(&o));
        stdout(&o)
    };
    let here = std::env::temp_dir();
    let assess = |first: &Path, second: &Path| assess_in(&here, &[first.to_str().unwrap(), second.to_str().unwrap()]);
    let absolute = assess(&a, &b);
    assert_eq!(absolute, assess(&b, &a));
    // Nor the folder the plans are named from: the id is their file names.
    let terraform = fixtures().join("terraform");
    let relative = assess_in(
        &terraform,
        &["./hashicorp-terraform-requires-replace.json", "terraform-compliance-issue522-plan.out.json"],
    );
    assert_eq!(relative, absolute);
    assert!(absolute.contains(r#""change_id": "hashicorp-terraform-requires-replace.json+terraform-compliance"#));
    // A plan named twice, by its path and through a link, is one plan: it
    // was loaded twice, doubling what it destroys (a red-team audit).
    let dir = tempdir();
    let link = dir.join("same.json");
    std::os::unix::fs::symlink(&b, &link).unwrap();
    let (a_path, b_path) = (a.to_str().unwrap(), b.to_str().unwrap());
    let named_twice = [a_path, b_path, "./hashicorp-terraform-requires-replace.json", link.to_str().unwrap()];
    assert_eq!(assess_in(&terraform, &named_twice), absolute);
    // With warnings (each plan incomplete): listed in one order too.
    let dir = tempdir();
    let plan = |name: &str| {
        dir.write(
            name,
            &format!(
                r#"{{"format_version": "1.2", "complete": false, "planned_values": {{}},
                    "resource_changes": [{{"address": "aws_instance.{name}", "type": "aws_instance",
                    "change": {{"actions": ["update"], "after": {{"tags": {{"service": "frontend"}}}}}}}}]}}"#,
                name = name.trim_end_matches(".json")
            ),
        )
    };
    let (i, j) = (plan("pi.json"), plan("pj.json"));
    let one = assess(&i, &j);
    assert!(one.contains("$.complete"), "{one}");
    assert_eq!(one, assess(&j, &i));
}

/// Regression (an environment audit): where no worker thread can be
/// started (a container's pids limit, `ulimit -u`), every command panicked
/// in rayon's global pool (exit 3, "a bug"). It now works on its own
/// thread, with a warning, and answers the same bytes. Run where the test
/// can drop to `nobody` with `setpriv` (as root; root's own processes are
/// not limited), else there is nothing to limit and it checks nothing.
#[cfg(unix)]
#[test]
fn no_threads_to_start_means_one_thread_not_a_panic() {
    use std::os::unix::fs::PermissionsExt as _;
    let root = Command::new("id").arg("-u").output().is_ok_and(|o| o.stdout.trim_ascii() == b"0");
    let has = |tool: &str| Command::new(tool).arg("--version").output().is_ok_and(|o| o.status.success());
    if !root || !has("setpriv") || !has("bash") {
        eprintln!("skipped: needs root, setpriv and bash to run as a user with a thread limit");
        return;
    }
    let dir = tempdir();
    std::fs::set_permissions(&dir.0, std::fs::Permissions::from_mode(0o755)).unwrap();
    let binary = dir.join("blastgate");
    std::fs::copy(env!("CARGO_BIN_EXE_blastgate"), &binary).unwrap();
    std::fs::set_permissions(&binary, std::fs::Permissions::from_mode(0o755)).unwrap();
    let expected = run(&["demo", "--format", "json"]);
    assert_eq!(expected.status.code(), Some(0), "{}", stderr(&expected));
    let limited = Command::new("bash")
        .arg("-c")
        .arg("ulimit -u 1 && exec setpriv --reuid=nobody --regid=nogroup --clear-groups \"$0\" demo --format json")
        .arg(&binary)
        .env("RAYON_NUM_THREADS", "4")
        .output()
        .unwrap();
    assert_eq!(limited.status.code(), Some(0), "{}", stderr(&limited));
    assert!(stderr(&limited).contains("cannot start worker threads"), "{}", stderr(&limited));
    assert_eq!(limited.stdout, expected.stdout);
}

/// Regression (an environment audit): a batch was turned into every
/// line's changeset before any was answered (20 MB of empty lines took
/// 869 MB). It is answered a chunk of lines at a time: a batch of more
/// lines than a chunk answers every line in order, the same as when its
/// lines are given one chunk at a time, and an unknown id on its last line
/// still answers nothing.
#[test]
fn a_batch_longer_than_a_chunk_answers_every_line_in_order() {
    let dir = tempdir();
    let batch = dir.join("batch.txt");
    let pattern = ["productcatalogservice", "redis-cart cartservice", "", "adservice adservice"];
    let lines: Vec<&str> = pattern.iter().copied().cycle().take(70_001).collect();
    std::fs::write(&batch, lines.join("\n")).unwrap();
    let graph = boutique();
    for extra in [&[][..], &["--max-depth", "1"][..]] {
        let mut args = vec!["radius", "--graph", &graph, "--batch", batch.to_str().unwrap(), "--summary"];
        args.extend_from_slice(extra);
        let o = run(&args);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let out = stdout(&o);
        let answers: Vec<&str> = out.lines().collect();
        assert_eq!(answers.len(), 70_001);
        // The answer of each line of the pattern, wherever it is.
        for (i, answer) in answers.iter().enumerate() {
            assert_eq!(answer, &answers[i % 4], "line {}", i + 1);
        }
    }
    std::fs::write(&batch, format!("{}\nnope\n", lines.join("\n"))).unwrap();
    let o = run(&["radius", "--graph", &boutique(), "--batch", batch.to_str().unwrap(), "--summary"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stdout(&o).is_empty());
    assert!(stderr(&o).contains("line 70002: unknown service `nope`"), "{}", stderr(&o));
}

/// `policy default` prints the embedded policy as written; `policy check`
/// reads a copy as `assess --policy` does, and names the digest every
/// answer made with it carries. A typo in the copy is exit 2 with its line.
#[test]
fn policy_default_and_check() {
    let printed = run(&["policy", "default"]);
    assert_eq!(printed.status.code(), Some(0), "{}", stderr(&printed));
    assert_eq!(stdout(&printed), blastgate::assess::DEFAULT_POLICY);

    let dir = tempdir();
    let copy = dir.0.join("policy.toml");
    std::fs::write(&copy, &printed.stdout).unwrap();
    let checked = run(&["policy", "check", copy.to_str().unwrap(), "--format", "json"]);
    assert_eq!(checked.status.code(), Some(0), "{}", stderr(&checked));
    let report = json(&checked);
    let change = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../blastgate/tests/data/decision-cases/delivery-control-a-workflow-edit-asks-a-senior/change.json");
    let assessed = run(&[
        "assess",
        "--graph",
        &boutique(),
        "--change",
        change.to_str().unwrap(),
        "--policy",
        copy.to_str().unwrap(),
        "--now",
        "2026-12-01T00:00:00Z",
        "--format",
        "json",
    ]);
    let answer = json(&assessed);
    assert_eq!(report["policy_digest"], answer["versions"]["policy_digest"]);
    assert_eq!(report["policy"], answer["versions"]["policy"]);
    let ids: Vec<&str> = report["rules"].as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert!(ids.contains(&"delivery-control"), "{ids:?}");
    assert_eq!(report["missing_default_rules"], serde_json::json!([]));
    assert_eq!(report["differs_from_default"], serde_json::json!([]));
    // A copy of an older default, here without the sev1 rule and with the
    // delivery-control rule off, is valid and says what it lacks (an
    // upgrade audit: 18 old defaults passed in silence).
    let text = String::from_utf8(printed.stdout.clone()).unwrap();
    let start = text.find("[[rule]]\nid = \"open-sev1-incident\"").unwrap();
    let end = start + text[start + 1..].find("[[rule]]").unwrap() + 1;
    let older = format!("{}{}", &text[..start], &text[end..]).replacen(
        "check = \"delivery_control\"",
        "check = \"delivery_control\"\nenabled = false",
        1,
    );
    std::fs::write(&copy, older).unwrap();
    let checked = run(&["policy", "check", copy.to_str().unwrap(), "--format", "json"]);
    assert_eq!(checked.status.code(), Some(0), "{}", stderr(&checked));
    assert_eq!(
        json(&checked)["missing_default_rules"],
        serde_json::json!([{"id": "delivery-control", "check": "delivery_control"}, {"id": "open-sev1-incident", "check": "incident:sev1"}])
    );
    let said = stdout(&run(&["policy", "check", copy.to_str().unwrap()]));
    assert!(
        said.contains("note: the embedded default policy") && said.contains("open-sev1-incident (incident:sev1)"),
        "{said}"
    );
    // Every setting weakened is named, whether or not another rule shares
    // its check (a gaming audit: a rule off beside one of the same check,
    // a lower depth, a matrix cell lowered passed in silence).
    let weakened = text
        .replacen(
            "id = \"destructive-tier0-without-rollback\"",
            "id = \"destructive-tier0-without-rollback\"\nenabled = false",
            1,
        )
        .replacen(
            "id = \"critical-reach\"\ncheck = \"critical_reach\"\nmin_depth = \"owner\"",
            "id = \"critical-reach\"\ncheck = \"critical_reach\"\nmin_depth = \"peer\"",
            1,
        );
    assert_ne!(weakened, text);
    std::fs::write(&copy, &weakened).unwrap();
    let checked = run(&["policy", "check", copy.to_str().unwrap(), "--format", "json"]);
    assert_eq!(checked.status.code(), Some(0), "{}", stderr(&checked));
    let report = json(&checked);
    assert_eq!(report["missing_default_rules"], serde_json::json!([]), "another rule shares the check");
    let differences = report["differs_from_default"].as_array().unwrap();
    let find = |path: &str| {
        differences.iter().find(|d| d["path"] == path).unwrap_or_else(|| panic!("{path}: {differences:?}"))
    };
    let off = find("rule[destructive-tier0-without-rollback].enabled");
    assert_eq!(
        (off["default"].clone(), off["policy"].clone(), off["direction"].clone()),
        (serde_json::json!(true), serde_json::json!(false), serde_json::json!("weaker"))
    );
    assert_eq!(find("rule[critical-reach].min_depth")["direction"], "weaker");
    let said = stdout(&run(&["policy", "check", copy.to_str().unwrap()]));
    assert!(
        said.contains("weaker   rule[destructive-tier0-without-rollback].enabled: default true, here false"),
        "{said}"
    );
    // Edits that can only let more through, whatever their kind, are
    // weaker too, and their opposites stronger (red team 23: each read
    // `changed`, and the summary counted none weaker).
    let edits = [
        (
            "severity = \"sev2\"\nmin_depth",
            "severity = \"sev2\"\nallow = [\"fix\"]\nmin_depth",
            "rule[open-incident].allow",
            "weaker",
        ),
        ("ai = \"assisted\"", "ai = \"agent\"", "rule[ai-change-by-junior-or-mid].ai", "weaker"),
        ("senior = \"senior\"", "senior = \"mid\"", "seniority.senior", "weaker"),
        ("window_minutes = 60", "window_minutes = 5", "deploy.window_minutes", "weaker"),
        ("window_minutes = 60", "window_minutes = 90", "deploy.window_minutes", "stronger"),
        ("likelihood = [0.05, 0.15, 0.35]", "likelihood = [0.06, 0.15, 0.4]", "bands.likelihood", "weaker"),
        ("likelihood = [0.05, 0.15, 0.35]", "likelihood = [0.06, 0.1, 0.4]", "bands.likelihood", "changed"),
        ("severity = \"sev2\"", "severity = \"sev1\"", "rule[open-incident].severity", "weaker"),
        (
            "node_kinds = [\"datastore\", \"queue\"]",
            "node_kinds = [\"datastore\"]",
            "rule[destructive-datastore-or-queue].node_kinds",
            "weaker",
        ),
        // No kinds is another test, not every kind (red team 24).
        (
            "node_kinds = [\"datastore\", \"queue\"]",
            "node_kinds = []",
            "rule[destructive-datastore-or-queue].node_kinds",
            "changed",
        ),
    ];
    for (from, to, path, direction) in edits {
        let edited = text.replacen(from, to, 1);
        assert_ne!(edited, text, "{from}");
        std::fs::write(&copy, &edited).unwrap();
        let checked = run(&["policy", "check", copy.to_str().unwrap(), "--format", "json"]);
        assert_eq!(checked.status.code(), Some(0), "{}", stderr(&checked));
        let report = json(&checked);
        let found = report["differs_from_default"].as_array().unwrap().iter().find(|d| d["path"] == path).cloned();
        assert_eq!(found.map(|d| d["direction"].clone()), Some(serde_json::json!(direction)), "{to}: {report}");
    }

    // A rule's flag set false is false, not absent (the policy's JSON
    // leaves it out), and turning one off makes its rule fire for more.
    for (from, to, path, value, direction) in [
        (
            "reaches_tier0 = true",
            "reaches_tier0 = false",
            "rule[irreversible-reaching-tier0].reaches_tier0",
            false,
            "stronger",
        ),
        ("by_agent = true", "by_agent = false", "rule[destructive-by-agent].by_agent", false, "stronger"),
    ] {
        let edited = text.replacen(from, to, 1);
        assert_ne!(edited, text, "{from}");
        std::fs::write(&copy, &edited).unwrap();
        let report = json(&run(&["policy", "check", copy.to_str().unwrap(), "--format", "json"]));
        let found = report["differs_from_default"].as_array().unwrap().iter().find(|d| d["path"] == path).cloned();
        let found = found.unwrap_or_else(|| panic!("{path}: {report}"));
        assert_eq!((&found["policy"], &found["direction"]), (&serde_json::json!(value), &serde_json::json!(direction)));
        let shown = run(&["policy", "check", copy.to_str().unwrap()]);
        assert!(
            String::from_utf8_lossy(&[shown.stdout.as_slice(), shown.stderr.as_slice()].concat())
                .contains(&format!("{path}: default true, here false")),
            "{}",
            stderr(&shown)
        );
    }

    let typo =
        String::from_utf8(printed.stdout).unwrap().replacen("min_depth = \"senior\"", "min_dept = \"senior\"", 1);
    std::fs::write(&copy, typo).unwrap();
    let refused = run(&["policy", "check", copy.to_str().unwrap()]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(stderr(&refused).contains("policy.toml: line "), "{}", stderr(&refused));
}
