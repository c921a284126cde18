//! Every input a fuzz target ever crashed on stays a test: files in
//! `fuzz/regressions/<target>/` are fed to the same entry point as the
//! fuzz target `<target>` (fuzz/fuzz_targets/), on stable, by plain
//! `cargo test`. A failure here is a panic, a hang would be a timeout.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a panic is a failed test"
)]

use std::path::Path;

/// The radius-against-reference check, shared with the fuzz target.
#[path = "../../../fuzz/src/reference.rs"]
mod reference;

/// The assessment-against-reference check, shared with the fuzz target.
#[path = "../../../fuzz/src/assess_reference.rs"]
mod assess_reference;

/// The change-history check, shared with the fuzz target.
#[path = "../../../fuzz/src/history.rs"]
mod history;

use blastgate::GraphFormat;
use blastgate::graph::GraphLoader;

/// The entry point of each fuzz target; keep in step with fuzz/fuzz_targets.
fn run(target: &str, data: &[u8]) {
    match target {
        "graph_native_no_panic" => drop(GraphLoader::default().add_bytes("f.yaml", data, Some(GraphFormat::Native))),
        "graph_backstage_no_panic" => {
            drop(GraphLoader::default().add_bytes("f.yaml", data, Some(GraphFormat::Backstage)));
        }
        "graph_jaeger_no_panic" => drop(GraphLoader::default().add_bytes("f.json", data, Some(GraphFormat::Jaeger))),
        "graph_prometheus_no_panic" => {
            drop(GraphLoader::default().add_bytes("f.json", data, Some(GraphFormat::Prometheus)));
        }
        "graph_edgelist_no_panic" => drop(GraphLoader::default().add_bytes("f", data, Some(GraphFormat::EdgeList))),
        "graph_detect_build_no_panic" => {
            let mut l = GraphLoader::default();
            if l.add_bytes("fuzz", data, None).is_ok()
                && let Ok(g) = l.build()
            {
                let _ = g.to_dot();
                let _ = g.freeze().cycles();
            }
        }
        "changeset_no_panic" => drop(blastgate::change::parse_changeset("f.json", data)),
        "terraform_no_panic" => {
            drop(blastgate::change::parse_plan("f.json", data, &blastgate::change::PlanOptions::default()));
        }
        "codeowners_no_panic" => {
            if let Ok(c) = blastgate::change::CodeOwners::parse("CODEOWNERS", data) {
                let _ = c.owners_of("src/a/b.go");
                codeowners_resolve(c);
            }
        }
        "service_map_no_panic" => {
            if let Ok(m) = blastgate::change::ServiceMap::parse("map", data) {
                let _ = m.service_of("src/a/b.go");
            }
        }
        "context_no_panic" => {
            drop(blastgate::context::parse_context("f.json", data));
            drop(blastgate::context::parse_context_at("f.json", data, fuzz_instant()));
        }
        "policy_no_panic" => drop(blastgate::assess::parse_policy("f.toml", data)),
        "assess_json_no_panic" => {
            assert!(blastgate::json_api::assess_json(&String::from_utf8_lossy(data)).contains("\"type\""));
        }
        "assess_no_panic" => assess(data),
        "radius_reference" => reference::check(data),
        "assess_reference" => assess_reference::check(data),
        "git_no_panic" => {
            use blastgate_ingest::git;
            if let (Ok(n), Ok(s)) = (git::parse_numstat_z(data), git::parse_name_status_z(data)) {
                let _ = git::merge_name_status(n, s);
            }
            let _ = git::parse_gitlinks_z(data);
            assert!(git::hidden_line_breaks(data).len() <= data.len());
            let found = git::destructive_migrations(data, |_| true);
            assert!(found.windows(2).all(|w| w[0] < w[1]), "{found:?}");
            let _ = git::parse_links_z(data);
            let _ = git::declares_nothing(data);
            let _ = git::parse_blobs_z(data);
            let _ = git::migration_destroys("db/migrations/1.sql", data);
            let _ = git::is_down_migration(&String::from_utf8_lossy(data));
            let _ = git::is_manifest(data);
            let _ = git::removed_guards(data, |_| true);
            let _ = git::declared_addresses(data);
            let _ = git::block_addresses(data);
            let _ = git::instance_arguments(data);
            let _ = git::moved_from_types(data);
            assert!(git::moved_from_modules(data).iter().all(|(chain, _)| !chain.is_empty()));
            assert!(git::file_includes(data).len() <= git::MAX_TYPES_READ);
            let _ = git::pulumi_token(&String::from_utf8_lossy(data));
            assert!(git::uninstanced_addresses(data).len() <= git::MAX_TYPES_READ);
            assert!(git::import_targets(data, "cdk/lib").len() <= 256);
            // Stacks by identity, and CloudFormation's replacing values.
            assert!(git::template_resources(data).len() <= git::MAX_TYPES_READ);
            for values in git::cloudformation_replacing_values(data).values() {
                assert!(values.values().all(|v| ["c:", "t:", "e:"].iter().any(|k| v.starts_with(k))), "{values:?}");
            }
            assert!(git::program_identities(data).len() <= git::MAX_TYPES_READ);
            assert!(git::aliased_names(data).len() <= git::MAX_TYPES_READ);
            for values in git::program_replacing_values(data).values() {
                assert!(values.values().all(|v| ["c:", "t:", "e:"].iter().any(|k| v.starts_with(k))), "{values:?}");
            }
            let _ = git::imports_module(data, "storage");
            // Kustomizations: their entries, where each leads, tree listings.
            if let Some(k) = git::parse_kustomization(data) {
                let entries = &k.entries;
                assert!(
                    entries.len() <= git::MAX_KUSTOMIZE_ENTRIES
                        && k.deleted_objects.len() <= git::MAX_KUSTOMIZE_ENTRIES
                        && k.patch_files.len() <= git::MAX_KUSTOMIZE_ENTRIES
                );
                for e in entries {
                    if let Some(t) = git::kustomize_target("apps/ledger", e) {
                        assert!(
                            !t.is_empty()
                                && !t.starts_with('/')
                                && !t.split('/').any(|s| s.is_empty() || s == "." || s == ".."),
                            "{t:?}"
                        );
                    }
                }
            }
            // Helm values: the switches turned off between two halves of the input.
            let (left, right) = data.split_at(data.len() / 2);
            let off = git::helm_turned_off(left, right, left.len() % 2 == 0);
            assert!(off.windows(2).all(|w| w[0] < w[1]) && off.iter().all(|p| !p.is_empty()), "{off:?}");
            let _ = git::is_helm_values(&String::from_utf8_lossy(data));
            if let Some(values) = git::embedded_values(data) {
                for v in values.values() {
                    let _ = git::helm_values_turned_off(v, &serde_json::Value::Null, true);
                }
            }
            // Destructive commands added to scripts, every file a script.
            for (_, types) in git::destructive_commands(data, |_| true) {
                assert!(
                    types.len() <= git::MAX_TYPES_READ
                        && types.iter().all(|t| !t.is_empty() && t.len() <= git::MAX_TYPE_BYTES)
                );
            }
            let _ = git::is_script(&String::from_utf8_lossy(data));
            // The input as a script of each other language, a line at a time.
            let text = String::from_utf8_lossy(data);
            let _ = git::program_language(&text);
            for language in [
                git::Language::Python,
                git::Language::Ruby,
                git::Language::Perl,
                git::Language::JavaScript,
                git::Language::Go,
                git::Language::Jvm,
                git::Language::Unknown,
            ] {
                let mut reader = git::ProgramReader::new(language);
                let mut commands: Vec<String> = text.lines().flat_map(|l| reader.feed(l)).collect();
                commands.extend(reader.finish());
                assert!(commands.iter().all(|c| c.len() <= 64 * 1024), "{commands:?}");
            }
            if let Some(types) = git::pipeline_destroys(data) {
                assert!(types.iter().all(|t| !t.is_empty() && t.len() <= git::MAX_TYPE_BYTES));
            }
            // (The input is also its own role's variables file.)
            if let Some(tasks) = git::ansible_tasks_destroy_with(data, &[data]) {
                assert!(tasks.len() <= git::MAX_TYPES_READ);
            }
            if let Some(tasks) = git::ansible_tasks_destroy(data) {
                assert!(
                    tasks.len() <= git::MAX_TYPES_READ
                        && tasks.iter().all(|(t, n)| !t.is_empty() && t.len() <= git::MAX_TYPE_BYTES && *n > 0)
                );
            }
            if let Some(steps) = git::pipeline_steps_destroy(data) {
                assert!(
                    steps.len() <= git::MAX_TYPES_READ
                        && steps.iter().all(|(t, n)| !t.is_empty() && t.len() <= git::MAX_TYPE_BYTES && *n > 0)
                );
            }
            // What a task of the input, read as each runner's file, runs: the
            // task named by the input's first word.
            let task = String::from_utf8_lossy(data).split_whitespace().next().unwrap_or("destroy").to_owned();
            for runner in [
                git::TaskRunner::Make,
                git::TaskRunner::Just,
                git::TaskRunner::Task,
                git::TaskRunner::PackageScript,
                git::TaskRunner::Action,
                git::TaskRunner::Script,
                git::TaskRunner::AnsibleTasks,
            ] {
                let _ = git::defines_task(runner, data, &task);
                if let Some(kinds) = git::task_destroys(runner, data, &task) {
                    assert!(kinds.iter().all(|k| !k.is_empty() && k.len() <= git::MAX_TYPE_BYTES), "{kinds:?}");
                    for call in kinds.iter().filter_map(|k| git::TaskCall::from_kind(k)) {
                        assert_eq!(call.kind().as_deref().and_then(git::TaskCall::from_kind), Some(call.clone()));
                    }
                }
            }
            // A script of another language read at both ends: the input's halves.
            let (old, new) = data.split_at(data.len() / 2);
            for path in ["scripts/x.py", "bin/x", "tools/x.go", "scripts/x.rb", "scripts/x.js", "x/Dockerfile"] {
                if let Some(kinds) = git::program_change_destroys(path, old, new) {
                    assert!(kinds.iter().all(|k| !k.is_empty() && k.len() <= git::MAX_TYPE_BYTES), "{kinds:?}");
                }
            }
            for (path, language) in [
                ("scripts/x.sh", "sh"),
                ("tools/x", "py"),
                ("bin/x", "-"),
                ("x.bat", "bat"),
                ("k8s/x.yaml", "kubectl-delete"),
            ] {
                if let Some(kinds) = git::script_destroys(path, language, data) {
                    assert!(kinds.iter().all(|k| !k.is_empty() && k.len() <= git::MAX_TYPE_BYTES), "{kinds:?}");
                }
            }
            for runner in [git::TaskRunner::Make, git::TaskRunner::Just, git::TaskRunner::Task] {
                if let Some(counts) = git::task_reach_counts(runner, data) {
                    assert!(counts.iter().all(|(k, n)| !k.is_empty() && *n > 0 && *n <= git::MAX_TASKS_COUNTED));
                }
            }
            // Helmfile releases switched off between the input's two halves.
            let (before, after) = data.split_at(data.len() / 2);
            if let Some(gone) = git::helmfile_uninstalled(before, after) {
                assert!(gone.len() <= git::MAX_KUSTOMIZE_ENTRIES && gone.iter().all(|w| w.starts_with("helm chart")));
            }
            let _ = git::is_helmfile(&String::from_utf8_lossy(data));
            // Patches that delete their target: each a kind, within bounds.
            let objects = git::patch_deleted_objects(data);
            assert!(
                objects.len() <= git::MAX_TYPES_READ
                    && objects.iter().all(|(k, n)| !k.is_empty() && n.len() <= git::MAX_TYPE_BYTES)
            );
            if let Some(t) = git::patch_target("apps/ledger", &String::from_utf8_lossy(data)) {
                assert!(
                    !t.is_empty()
                        && !t.starts_with('/')
                        && !t.split('/').any(|s| s.is_empty() || s == "." || s == ".."),
                    "{t:?}"
                );
            }
            let deleted = git::patch_deleted_kinds(data);
            assert!(deleted.len() <= git::MAX_TYPES_READ && deleted.iter().all(|k| !k.is_empty()), "{deleted:?}");
            if let Some(objects) = git::declared_objects(data) {
                assert!(objects.len() <= git::MAX_TYPES_READ && objects.iter().all(|(kind, _)| !kind.is_empty()));
            }
            if let Some(names) = git::chart_dependencies(data) {
                assert!(names.len() <= git::MAX_KUSTOMIZE_ENTRIES && names.iter().all(|n| !n.is_empty()));
            }
            if let Some(sources) = git::gitops_sources(data) {
                assert!(sources.len() <= git::MAX_KUSTOMIZE_ENTRIES);
            }
            if let Some(t) = git::gitops_target(&String::from_utf8_lossy(data)) {
                assert!(!t.starts_with('/') && !t.split('/').any(|s| s == "." || s == ".."), "{t:?}");
            }
            // Terraform switches: gated blocks, variables files and defaults.
            let gates = git::gated_types(&[data, data]);
            assert!(gates.len() <= git::MAX_TYPES_READ && gates.values().all(|t| !t.is_empty()));
            let commands = git::terraform_commands(data);
            assert!(commands.len() <= git::MAX_TYPES_READ);
            let kinds = git::terraform_commands_destroy(data);
            assert!(kinds.len() <= git::MAX_TYPES_READ && kinds.values().all(|n| *n > 0));
            if let Some(values) = git::helmfile_values(data) {
                for v in values.values() {
                    assert!(git::helm_values_turned_off(v, v, false).is_empty());
                }
            }
            let releases = git::terraform_helm_values(data);
            assert!(releases.len() <= git::MAX_TYPES_READ && releases.values().all(serde_json::Value::is_object));
            let arguments = git::module_arguments(data);
            assert!(
                arguments.len() <= git::MAX_TYPES_READ
                    && arguments.values().flatten().all(|(name, _)| !name.is_empty())
            );
            let sources = git::instance_sources(&[data, data]);
            assert!(sources.len() <= git::MAX_TYPES_READ && sources.values().all(|t| !t.is_empty()));
            for tf in [false, true] {
                let values = git::variable_values(data, tf);
                assert!(values.len() <= git::MAX_TYPES_READ);
                let _ = values.values().filter(|v| git::turns_off(v)).count();
                for (value, count) in values.values().zip([false, true].into_iter().cycle()) {
                    let instances = git::value_instances(count, value);
                    assert!(!git::instances_lost(&instances, &instances, &Default::default()), "{value:?}");
                }
            }
            // Terraform instances: a resource's own `count` and `for_each`.
            let instances = git::resource_instances(data);
            assert!(instances.len() <= git::MAX_TYPES_READ);
            for (address, i) in &instances {
                assert!(!git::instances_lost(i, i, &Default::default()), "{address}: {i:?}");
                let _ = git::instance_moved_from(address, &String::from_utf8_lossy(data), address);
            }
            let text = String::from_utf8_lossy(data);
            let _ = git::value_instances(false, &text);
            let _ = git::value_instances(true, &text);
            for count in [false, true] {
                if let Some((name, reading)) = git::reading_source(count, &text) {
                    assert!(!name.is_empty());
                    let _ = git::read_instances(&reading, &text);
                }
            }
            for reading in [
                git::Reading::Length,
                git::Reading::ForKey,
                git::Reading::ForItem,
                git::Reading::ForField("name".into()),
            ] {
                let instances = git::read_instances(&reading, &text);
                assert!(!git::instances_lost(&instances, &instances, &Default::default()), "{instances:?}");
            }
            let _ = git::kustomize_target("apps/ledger", &String::from_utf8_lossy(data));
            if let Ok(files) = git::parse_tree_files_z(data) {
                assert!(files.len() <= git::MAX_TREE_FILES);
            }
            // Declarative schemas, Kubernetes containers, data directories.
            let drops = git::declarative_schema_drops(data, |_| true);
            assert!(drops.windows(2).all(|w| w[0] < w[1]));
            let _ = git::is_declarative_schema(&String::from_utf8_lossy(data));
            let _ = git::declares_kubernetes_objects(data);
            if let Some(t) = git::data_directory_removed(&String::from_utf8_lossy(data)) {
                assert!(t.starts_with("database directory /") || t.starts_with("database directory $"));
            }
            let declared = git::declared_types(data);
            let counted = git::declared_counts(data);
            assert!(counted.keys().eq(declared.iter()));
            assert!(declared.len() <= git::MAX_TYPES_READ);
            assert!(declared.windows(2).all(|w| w[0] < w[1]), "{declared:?}");
            assert!(
                declared
                    .iter()
                    .all(|t| !t.is_empty() && t.len() <= git::MAX_TYPE_BYTES && !t.chars().any(char::is_control))
            );
            if let Ok(blobs) = git::parse_cat_file_batch(data) {
                let texts = blobs.iter().map(|(h, b)| (h.clone(), String::from_utf8_lossy(b).into_owned())).collect();
                let links = git::resolve_links(&texts);
                let changed: Vec<&str> = links.values().map(String::as_str).collect();
                if let Some(through) = git::paths_through_links(&links, &changed, 1000) {
                    assert!(through.len() <= 1000);
                }
            }
            if let Ok(commits) = git::parse_log(data) {
                let _ = git::provenance(&commits, &git::AiAgents::default());
                let people = git::people(&commits, &git::AiAgents::default());
                let keys: Vec<String> = people.iter().map(|p| p.to_ascii_lowercase()).collect();
                assert!(keys.windows(2).all(|w| w[0] < w[1]), "{people:?}");
                let merges = git::parse_merges_with_content(data).unwrap_or_default();
                let _ = git::range_is_fix(&commits, &merges);
            }
            let text = String::from_utf8_lossy(data);
            let _ = git::trailers(&text);
            let _ = git::subject(&text);
        }
        "graph_roundtrip" => {
            let mut loader = GraphLoader::default();
            if loader.add_bytes("fuzz", data, None).is_ok()
                && let Ok(graph) = loader.build()
            {
                let first = blastgate::graph::to_native_json(&graph).unwrap();
                let mut again = GraphLoader::default();
                again.add_bytes("again.json", first.as_bytes(), None).unwrap();
                assert_eq!(first, blastgate::graph::to_native_json(&again.build().unwrap()).unwrap());
                match blastgate::graph::to_edge_list(&graph) {
                    Ok(edges) => {
                        let mut again = GraphLoader::default();
                        let added = again.add_bytes("again.edges", edges.as_bytes(), Some(GraphFormat::EdgeList));
                        if graph.edge_count() == 0 {
                            let added = added.is_ok();
                            assert!(!added || again.build().is_err(), "an edge list without edges holds no node");
                        } else {
                            added.unwrap();
                            assert_eq!(edges, blastgate::graph::to_edge_list(&again.build().unwrap()).unwrap());
                        }
                    }
                    Err(_) => assert!(graph.nodes().any(|n| n.id().contains([' ', '\t', ',', '#', '"']))),
                }
            }
        }
        "changeset_roundtrip" => {
            if let Ok(c) = blastgate::change::parse_changeset("f.json", data) {
                let text = serde_json::to_vec(&c).unwrap();
                assert_eq!(c, blastgate::change::parse_changeset("again.json", &text).unwrap());
            }
        }
        "context_roundtrip" => {
            if let Ok((c, _)) = blastgate::context::parse_context_at("f.json", data, fuzz_instant()) {
                let text = serde_json::to_vec(&c).unwrap();
                assert_eq!(c, blastgate::context::parse_context("again.json", &text).unwrap());
            }
        }
        "snapshot_no_panic" => snapshot(data),
        "history_no_panic" => history::check(data),
        other => panic!("fuzz/regressions/{other}: no such fuzz target; add it to this test"),
    }
}

/// The `snapshot_no_panic` target: the bytes read as a snapshot as they
/// are, then with every checksum recomputed; a graph that loads is
/// queried, and written again: what it writes reads back and writes the
/// same bytes (a docs audit: the replay threw the written bytes away).
/// The `codeowners_no_panic` target's resolution: a changeset of a few
/// paths (one long, one with capitals) within a small matching budget, an
/// answer or a `max_match_state_bytes` error.
fn codeowners_resolve(c: blastgate::change::CodeOwners) {
    use blastgate::change::{Classifier, RepoMapping, ResolveOptions, parse_changeset, resolve};
    static GRAPH: std::sync::OnceLock<blastgate::graph::FrozenGraph> = std::sync::OnceLock::new();
    let graph = GRAPH.get_or_init(|| {
        let mut loader = GraphLoader::default();
        loader.add_bytes("g.edges", b"web src\n", None).unwrap();
        loader.build().unwrap().freeze()
    });
    let long = "ab".repeat(150);
    let change = format!(
        r#"{{"apiVersion": "blastgate.dev/v1", "kind": "Changeset", "id": "c", "author": {{"id": "a"}},
            "files": [{{"path": "src/a/b.go"}}, {{"path": "src/A/B.go"}}, {{"path": "src/{long}/x.go"}}]}}"#
    );
    let change = parse_changeset("c.json", change.as_bytes()).unwrap();
    let mapping = RepoMapping::from_graph(graph).with_codeowners(c);
    let options = ResolveOptions::default().with_match_state_bytes(1 << 20);
    if let Err(e) = resolve("c.json", &change, graph, &mapping, &Classifier::default(), options) {
        assert!(e.to_string().contains("max_match_state_bytes"), "{e}");
    }
}

fn snapshot(data: &[u8]) {
    let mut l = GraphLoader::default();
    if l.add_bytes("f.bgs", data, None).is_ok() {
        let _ = l.build().map(|g| g.to_dot());
    }
    let mut sealed = data.to_vec();
    blastgate_graph::snapshot::seal(&mut sealed);
    if let Ok(g) = blastgate::graph::FrozenGraph::read_snapshot("f.bgs", sealed.as_slice()) {
        let _ = g.cycles();
        let n = g.node_count() as u32;
        for v in 0..n {
            let _ = (
                g.dependents_with_probability(v).count(),
                g.dependent_edges_of(v).len(),
                g.node(v).map(|x| g.index_of(x.id())),
            );
        }
        let _ = g.edges().count();
        if n > 0 {
            let _ = blastgate_graph::radius(&g, &[0, n / 2], &blastgate_graph::RadiusConfig::default());
        }
        let mut out = Vec::new();
        g.write_snapshot(&mut out).unwrap();
        let again = blastgate::graph::FrozenGraph::read_snapshot("again.bgs", out.as_slice()).unwrap();
        let mut second = Vec::new();
        again.write_snapshot(&mut second).unwrap();
        assert!(out == second, "write(read(write(graph))) differs from write(graph)");
    }
}

/// The `assess_no_panic` target: a changeset, a NUL byte, a context.
fn assess(data: &[u8]) {
    let (change, context) = match data.iter().position(|&b| b == 0) {
        Some(i) => data.split_at(i),
        None => (data, &b""[..]),
    };
    let Ok(change) = blastgate::change::parse_changeset("c.json", change) else { return };
    let context =
        blastgate::context::parse_context("x.json", context.get(1..).unwrap_or_default()).unwrap_or_else(|_| {
            blastgate::context::Context::new(blastgate::context::Timestamp::from_unix_seconds(1_800_000_000).unwrap())
        });
    let mut loader = GraphLoader::default();
    loader.add_bytes(blastgate::demo::TOPOLOGY_NAME, blastgate::demo::TOPOLOGY.as_bytes(), None).unwrap();
    let engine =
        blastgate::assess::Engine::new(loader.build().unwrap().freeze(), blastgate::assess::default_policy().unwrap())
            .unwrap();
    let a = engine.assess(&change, &context);
    assert!(a.risk.likelihood.is_finite() && a.risk.impact.is_finite() && a.risk.score.is_finite());
    if a.has_errors() {
        assert_eq!(a.review_depth(), blastgate::ReviewDepth::Block);
    }
}

#[test]
fn fuzz_regressions_replay() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/regressions");
    let mut replayed = 0;
    let mut targets: Vec<_> = std::fs::read_dir(&root).unwrap().map(|e| e.unwrap().path()).collect();
    targets.sort();
    for dir in targets.iter().filter(|p| p.is_dir()) {
        let target = dir.file_name().unwrap().to_string_lossy().into_owned();
        let mut files: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
        files.sort();
        for file in files.iter().filter(|p| p.is_file() && !p.ends_with(".gitkeep")) {
            run(&target, &std::fs::read(file).unwrap());
            replayed += 1;
        }
        // Every target's folder exists, so a new crash file has its place.
        run(&target, b"");
    }
    // A folder for every fuzz target (an audit: `assess_reference` had
    // none, and the count checked was only "at least 10").
    let sources = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/fuzz_targets");
    for entry in std::fs::read_dir(&sources).unwrap() {
        let name = entry.unwrap().path().file_stem().unwrap().to_string_lossy().into_owned();
        assert!(root.join(&name).is_dir(), "fuzz/regressions/{name} is missing: add it (with a .gitkeep)");
    }
    eprintln!("replayed {replayed} regression files");
}

/// The reference checks on seeded pseudo-random inputs, so `cargo test`
/// exercises them on stable between fuzzing runs (the fuzz targets explore
/// far more).
#[test]
fn reference_checks_on_seeded_inputs() {
    let mut state = 0x9e37_79b9_7f4a_7c15_u64;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for _ in 0..300 {
        let len = 8 + (next() % 160) as usize;
        let data: Vec<u8> = (0..len).map(|_| next() as u8).collect();
        reference::check(&data);
        assess_reference::check(&data);
    }
}

/// The instant the context targets date a document without `now` at.
fn fuzz_instant() -> blastgate::context::Timestamp {
    blastgate::context::Timestamp::from_unix_seconds(1_800_000_000).unwrap()
}
