#![no_main]

use blastgate_ingest::git;
use libfuzzer_sys::fuzz_target;

// git's numstat, name-status, raw, patch and log output as read by
// `--repo --range`: typed errors or values, never a panic; trailers and
// provenance and people of any commit message too.
fuzz_target!(|data: &[u8]| {
    let numstat = git::parse_numstat_z(data);
    let statuses = git::parse_name_status_z(data);
    if let (Ok(n), Ok(s)) = (numstat, statuses) {
        let _ = git::merge_name_status(n, s);
    }
    let _ = git::parse_gitlinks_z(data);
    // One run's raw and numstat records, split: the parts are the input.
    if let Ok(git::RawAndNumstat { raw, statuses, numstat }) = git::split_raw_numstat_z(data) {
        assert_eq!(raw.len() + numstat.len(), data.len());
        assert!(statuses.len() <= raw.len());
        let _ = git::parse_name_status_z(&statuses);
    }
    let sections = git::hidden_line_breaks(data);
    assert!(sections.len() <= data.len());
    // Migrations' statements, read from any patch, every file a migration.
    let found = git::destructive_migrations(data, |_| true);
    assert!(found.windows(2).all(|w| w[0] < w[1]), "{found:?}");
    // Symbolic links: listed, their targets, the paths through them.
    let _ = git::parse_links_z(data);
    // Every file's blobs, and whether a text declares anything.
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
            types.len() <= git::MAX_TYPES_READ && types.iter().all(|t| !t.is_empty() && t.len() <= git::MAX_TYPE_BYTES)
        );
    }
    let _ = git::is_script(&String::from_utf8_lossy(data));
    // The input as a script of each other language, a line at a time.
    let text = String::from_utf8_lossy(data);
    let _ = git::program_language(&text);
    for language in [git::Language::Python, git::Language::Ruby, git::Language::Perl, git::Language::JavaScript, git::Language::Go, git::Language::Jvm, git::Language::Unknown] {
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
    for runner in [git::TaskRunner::Make, git::TaskRunner::Just, git::TaskRunner::Task, git::TaskRunner::PackageScript, git::TaskRunner::Action, git::TaskRunner::Script, git::TaskRunner::AnsibleTasks] {
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
    for (path, language) in [("scripts/x.sh", "sh"), ("tools/x", "py"), ("bin/x", "-"), ("x.bat", "bat"), ("k8s/x.yaml", "kubectl-delete")] {
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
    assert!(objects.len() <= git::MAX_TYPES_READ && objects.iter().all(|(k, n)| !k.is_empty() && n.len() <= git::MAX_TYPE_BYTES));
    if let Some(t) = git::patch_target("apps/ledger", &String::from_utf8_lossy(data)) {
        assert!(!t.is_empty() && !t.starts_with('/') && !t.split('/').any(|s| s.is_empty() || s == "." || s == ".."), "{t:?}");
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
    assert!(arguments.len() <= git::MAX_TYPES_READ && arguments.values().flatten().all(|(name, _)| !name.is_empty()));
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
    for reading in [git::Reading::Length, git::Reading::ForKey, git::Reading::ForItem, git::Reading::ForField("name".into())] {
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
        declared.iter().all(|t| !t.is_empty() && t.len() <= git::MAX_TYPE_BYTES && !t.chars().any(char::is_control))
    );
    if let Ok(blobs) = git::parse_cat_file_batch(data) {
        let texts = blobs.iter().map(|(h, b)| (h.clone(), String::from_utf8_lossy(b).into_owned())).collect();
        let links = git::resolve_links(&texts);
        let changed: Vec<&str> = links.values().map(String::as_str).collect();
        // Every link reaches its own target, and never more than asked.
        if let Some(through) = git::paths_through_links(&links, &changed, 1000) {
            assert!(changed.is_empty() || !through.is_empty(), "{through:?}");
            assert!(through.len() <= 1000);
        }
    }
    if let Ok(commits) = git::parse_log(data) {
        let _ = git::provenance(&commits, &git::AiAgents::default());
        // The people of the range: sorted, no two alike (case ignored).
        let people = git::people(&commits, &git::AiAgents::default());
        let keys: Vec<String> = people.iter().map(|p| p.to_ascii_lowercase()).collect();
        assert!(keys.windows(2).all(|w| w[0] < w[1]), "{people:?}");
        let merges = git::parse_merges_with_content(data).unwrap_or_default();
        let _ = git::range_is_fix(&commits, &merges);
    }
    let text = String::from_utf8_lossy(data);
    let _ = git::trailers(&text);
    let _ = git::subject(&text);
});
