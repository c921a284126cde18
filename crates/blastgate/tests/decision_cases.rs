//! The decision case harness: every folder under `tests/data/decision-cases/`
//! is one assessment, graph + changeset + context + policy -> decision.
//!
//! A case folder holds:
//! - graph files, or `@fixtures/...` names (resolved against the shared
//!   fixtures), listed in `expect.json`'s `graph` and merged in that order;
//! - `change.json` or `change.yaml`, a native changeset;
//! - optionally `context.json` or `context.yaml` (default: nothing going
//!   on, `now` = 2026-11-27T10:00:00Z);
//! - optionally `policy.toml` (default: the embedded default policy);
//! - optionally `CODEOWNERS`, the code owners of the changed paths (as
//!   `--codeowners`; beside the graph's source locations);
//! - optionally `service-map`, a service map file (as `--service-map`);
//! - `expect.json`:
//!
//! ```json
//! {"note": "why the expectation holds, for people",
//!  "graph": ["@fixtures/graphs/online-boutique.edges", "overlay.yaml"],
//!  "plans": ["@fixtures/terraform/hashicorp-terraform-requires-replace.json"],
//!  "resource_nodes": {"test_instance.test": "redis-cart"},
//!  "allow_unknown": false,
//!  "depth": "senior",
//!  "rules": ["ai-change-by-junior-or-mid", "critical-reach"],
//!  "rules_include": ["critical-reach"],
//!  "approvals": [{"role": "owner", "teams": ["team-catalog"]}],
//!  "diagnostics": ["unknown-service"],
//!  "rollout": "staged",
//!  "counterfactuals_lowering": ["add-rollback-plan"],
//!  "counterfactuals_not_lowering": ["add-tests"],
//!  "counterfactuals_absent": ["split-per-service"],
//!  "counterfactual_actions": {"senior-co-author": ["--author"]}}
//! ```
//!
//! - `depth`, or `depth_at_least` and/or `depth_at_most`: at least one is
//!   required, so every case asserts a decision.
//! - `plans` are Terraform/OpenTofu plans appended to the changeset's
//!   `infrastructure`; `resource_nodes` then maps plan addresses to graph
//!   nodes (real plans' resources carry none). An address the plans lack is
//!   an error in the case.
//! - `rules` is the exact set of fired rule ids; `rules_include` a subset.
//! - `excluded_include`: names that `separation_of_duties.excluded` (who
//!   may not approve) must hold.
//! - `approvals` is the exact list of required approvals, compared on role
//!   and teams, ignoring order; an entry's optional `reason_includes` is a
//!   fragment its reason must hold.
//! - `diagnostics_absent`: codes that must not appear.
//! - `not_staged`: fragments that must each appear in some entry of the
//!   rollout's `not_staged` (what its steps cannot stage); `[]` asserts
//!   there is none.
//! - `diagnostics` are codes that must appear. Every error diagnostic's
//!   code must be listed: an error escalates to `block`, and a case must not
//!   pass on an error it did not expect.
//! - `counterfactuals_lowering`: counterfactual ids that must be present
//!   with `lowers: true`; `counterfactuals_not_lowering`: present with
//!   `lowers: false`; `counterfactuals_absent`: not offered at all.
//! - `rule_messages`: by fired rule id, fragments its message must each
//!   contain (the reason a reviewer reads); `rule_messages_absent`:
//!   fragments it must not contain (a fact the reason must not claim).
//! - `counterfactual_actions`: by counterfactual id, fragments its advice
//!   (`action`) must each contain (what the author is told to do).
//! - `fixme`: `{"why": "...", "fails_with": "depth peer != block"}` marks a
//!   case whose expectation (from the docs or the issue) the engine does not
//!   meet today. The case must fail with a message containing `fails_with`;
//!   once the engine meets the expectation the harness reports it, and the
//!   `fixme` goes.
//!
//! For every case the harness also checks that assessing twice gives the
//! same JSON, that every float in the risk and factors is finite, and that
//! the likelihood is in [0, 1].
//!
//! To see what the engine says about one case while writing it:
//! `BLASTGATE_DUMP_CASE=<folder> cargo test -p blastgate --test
//! decision_cases -- --nocapture` prints its assessment.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a panic is a failed test"
)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use blastgate::assess::{AssessOptions, Assessment, Engine, Level, ReviewDepth, default_policy, load_policy, to_json};
use blastgate::change::{Changeset, CodeOwners, RepoMapping, ServiceMap, load_changeset, load_plan};
use blastgate::context::{Context, Timestamp, load_context};
use blastgate::graph::{BuildOptions, FrozenGraph, GraphLoader};
use serde::Deserialize;

/// `now` when a case has no context file.
const DEFAULT_NOW: &str = "2026-11-27T10:00:00Z";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Expect {
    /// For people: why the expected values hold.
    #[serde(default)]
    #[expect(dead_code, reason = "documentation in the case file, never read")]
    note: String,
    graph: Vec<String>,
    #[serde(default)]
    plans: Vec<String>,
    #[serde(default)]
    resource_nodes: BTreeMap<String, String>,
    #[serde(default)]
    allow_unknown: bool,
    depth: Option<String>,
    depth_at_least: Option<String>,
    depth_at_most: Option<String>,
    rules: Option<Vec<String>>,
    #[serde(default)]
    rules_include: Vec<String>,
    approvals: Option<Vec<ExpectApproval>>,
    #[serde(default)]
    excluded_include: Vec<String>,
    #[serde(default)]
    diagnostics: Vec<String>,
    #[serde(default)]
    diagnostics_absent: Vec<String>,
    rollout: Option<String>,
    not_staged: Option<Vec<String>>,
    #[serde(default)]
    counterfactuals_lowering: Vec<String>,
    #[serde(default)]
    counterfactuals_not_lowering: Vec<String>,
    #[serde(default)]
    counterfactuals_absent: Vec<String>,
    #[serde(default)]
    counterfactual_actions: std::collections::BTreeMap<String, Vec<String>>,
    #[serde(default)]
    rule_messages: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    rule_messages_absent: BTreeMap<String, Vec<String>>,
    fixme: Option<Fixme>,
}

/// A known disagreement between the engine and the documented expectation.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Fixme {
    /// What the engine does instead, and where the expectation comes from.
    #[expect(dead_code, reason = "documentation in the case file, never read")]
    why: String,
    /// A fragment of the failure the case gives today.
    fails_with: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ExpectApproval {
    role: String,
    #[serde(default)]
    teams: Vec<String>,
    /// A fragment the approval's reason must contain.
    reason_includes: Option<String>,
}

fn path_of(dir: &Path, name: &str) -> PathBuf {
    match name.strip_prefix("@fixtures/") {
        Some(rest) => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures").join(rest),
        None => dir.join(name),
    }
}

/// The first of `names` that exists in `dir`.
fn find(dir: &Path, names: &[&str]) -> Option<PathBuf> {
    names.iter().map(|n| dir.join(n)).find(|p| p.exists())
}

fn depth(name: &str) -> Result<ReviewDepth, String> {
    ReviewDepth::parse(name).ok_or_else(|| format!("bad depth `{name}` in expect.json"))
}

fn load_graph(dir: &Path, names: &[String]) -> Result<FrozenGraph, String> {
    let mut loader = GraphLoader::new(BuildOptions::default());
    for g in names {
        loader.add_file(&path_of(dir, g), None).map_err(|e| format!("graph {g}: {e}"))?;
    }
    Ok(loader.build().map_err(|e| format!("graph: {e}"))?.freeze())
}

/// The changeset with the plans' resources appended and mapped.
fn load_change(dir: &Path, expect: &Expect, graph: &FrozenGraph) -> Result<Changeset, String> {
    let file = find(dir, &["change.json", "change.yaml"]).ok_or("no change.json or change.yaml")?;
    let mut change = load_changeset(&file).map_err(|e| format!("changeset: {e}"))?;
    for p in &expect.plans {
        let plan = load_plan(&path_of(dir, p), graph).map_err(|e| format!("plan {p}: {e}"))?;
        change.infrastructure.extend(plan.changes);
    }
    for (address, node) in &expect.resource_nodes {
        let mut found = false;
        for r in change.infrastructure.iter_mut().filter(|r| r.address == *address) {
            r.node = Some(node.clone());
            found = true;
        }
        if !found {
            return Err(format!("resource_nodes: no resource `{address}` in the changeset or plans"));
        }
    }
    Ok(change)
}

/// Runs one case: whether it meets its expectation, and its ledger line
/// when it could be assessed.
fn run_case(dir: &Path) -> (Result<(), String>, Option<String>) {
    let mut line = None;
    let outcome = assess_case(dir, &mut line);
    (outcome, line)
}

fn assess_case(dir: &Path, ledger_line: &mut Option<String>) -> Result<(), String> {
    let expect: Expect = serde_json::from_str(&std::fs::read_to_string(dir.join("expect.json")).unwrap())
        .map_err(|e| format!("bad expect.json: {e}"))?;
    if expect.depth.is_none() && expect.depth_at_least.is_none() && expect.depth_at_most.is_none() {
        return Err("expect.json states no depth, depth_at_least or depth_at_most".into());
    }
    let graph = load_graph(dir, &expect.graph)?;
    let change = load_change(dir, &expect, &graph)?;
    let context = match find(dir, &["context.json", "context.yaml"]) {
        Some(p) => load_context(&p).map_err(|e| format!("context: {e}"))?,
        None => Context::new(Timestamp::parse(DEFAULT_NOW).unwrap()),
    };
    let policy = match find(dir, &["policy.toml"]) {
        Some(p) => load_policy(&p).map_err(|e| format!("policy: {e}"))?,
        None => default_policy().unwrap(),
    };
    let mut mapping = RepoMapping::from_graph(&graph);
    let mut mapping_digest = String::new();
    if let Some(p) = find(dir, &["CODEOWNERS"]) {
        let bytes = std::fs::read(&p).map_err(|e| format!("CODEOWNERS: {e}"))?;
        mapping = mapping.with_codeowners(CodeOwners::parse("CODEOWNERS", &bytes).map_err(|e| format!("{e}"))?);
        mapping_digest = blastgate::assess::digest_of(&[b"codeowners".as_slice(), &bytes]);
    }
    if let Some(p) = find(dir, &["service-map"]) {
        let bytes = std::fs::read(&p).map_err(|e| format!("service-map: {e}"))?;
        mapping = mapping.with_service_map(ServiceMap::parse("service-map", &bytes).map_err(|e| format!("{e}"))?);
        let digest = blastgate::assess::digest_of(&[b"service-map".as_slice(), &bytes]);
        mapping_digest = blastgate::assess::digest_of(&[mapping_digest.as_bytes(), digest.as_bytes()]);
    }
    let engine = Engine::new(graph, policy).map_err(|e| format!("engine: {e}"))?;
    let mut options = AssessOptions::default().allow_unknown_services(expect.allow_unknown);
    if !mapping_digest.is_empty() {
        options = options.with_mapping(&mapping, &mapping_digest);
    }
    let a = engine.assess_with(&change, &context, &options);
    if std::env::var_os("BLASTGATE_DUMP_CASE").is_some_and(|n| dir.ends_with(n)) {
        eprintln!("{}", to_json(&a));
    }
    let again = engine.assess_with(&change, &context, &options);
    if to_json(&a) != to_json(&again) {
        return Err("not deterministic: two assessments of the same inputs differ".into());
    }
    *ledger_line = Some(ledger_entry(&a));
    check_numbers(&a)?;
    let outcome = check(&expect, &a).map_err(|e| format!("{e}\n    summary: {}", a.decision.summary));
    match (&expect.fixme, outcome) {
        (None, outcome) => outcome,
        (Some(f), Err(e)) if e.contains(&f.fails_with) => Ok(()),
        (Some(f), Err(e)) => Err(format!("fixme case expected to fail with `{}`, but: {e}", f.fails_with)),
        (Some(_), Ok(())) => Err("fixme case passes now: the engine meets the expectation; remove `fixme`".into()),
    }
}

/// Every float in the risk and the factors is finite; the likelihood is a
/// probability.
fn check_numbers(a: &Assessment) -> Result<(), String> {
    let r = &a.risk;
    let mut floats =
        vec![("likelihood", r.likelihood), ("log_odds", r.log_odds), ("impact", r.impact), ("score", r.score)];
    floats.extend(r.journeys.iter().map(|j| ("journey probability", j.probability)));
    for f in &a.factors {
        floats.extend([
            ("factor value", f.value),
            ("factor weight", f.weight),
            ("factor contribution", f.contribution),
            ("factor likelihood_delta", f.likelihood_delta),
            ("factor score_delta", f.score_delta),
        ]);
    }
    if let Some((what, x)) = floats.iter().find(|(_, x)| !x.is_finite()) {
        return Err(format!("{what} is not finite: {x}"));
    }
    if !(0.0..=1.0).contains(&r.likelihood) {
        return Err(format!("likelihood {} outside [0, 1]", r.likelihood));
    }
    Ok(())
}

fn check(expect: &Expect, a: &Assessment) -> Result<(), String> {
    let codes: Vec<&str> = a.diagnostics.iter().map(|d| d.code.as_str()).collect();
    for code in &expect.diagnostics {
        if !codes.contains(&code.as_str()) {
            return Err(format!("no diagnostic `{code}`; got {codes:?}"));
        }
    }
    if let Some(code) = expect.diagnostics_absent.iter().find(|c| codes.contains(&c.as_str())) {
        return Err(format!("diagnostic `{code}` should be absent; got {codes:?}"));
    }
    if let Some(d) = a.diagnostics.iter().find(|d| d.level == Level::Error && !expect.diagnostics.contains(&d.code)) {
        return Err(format!("unexpected error diagnostic `{}`: {}", d.code, d.message));
    }
    let got = a.review_depth();
    if let Some(d) = &expect.depth
        && got != depth(d)?
    {
        return Err(format!("depth {got} != {d}"));
    }
    if let Some(d) = &expect.depth_at_least
        && got < depth(d)?
    {
        return Err(format!("depth {got} is below {d}"));
    }
    if let Some(d) = &expect.depth_at_most
        && got > depth(d)?
    {
        return Err(format!("depth {got} is above {d}"));
    }
    let fired: Vec<&str> = a.fired_rule_ids().collect();
    if let Some(rules) = &expect.rules {
        let mut want: Vec<&str> = rules.iter().map(String::as_str).collect();
        want.sort_unstable();
        let mut have = fired.clone();
        have.sort_unstable();
        if have != want {
            return Err(format!("rules {have:?} != {want:?}"));
        }
    }
    for r in &expect.rules_include {
        if !fired.contains(&r.as_str()) {
            return Err(format!("rule `{r}` did not fire; fired: {fired:?}"));
        }
    }
    let excluded = &a.decision.separation_of_duties.excluded;
    if let Some(name) = expect.excluded_include.iter().find(|n| !excluded.contains(n)) {
        return Err(format!("`{name}` is not in separation_of_duties.excluded {excluded:?}"));
    }
    if let Some(approvals) = &expect.approvals {
        let key = |role: String, mut teams: Vec<String>| {
            teams.sort_unstable();
            (role, teams)
        };
        let mut have: Vec<(String, Vec<String>)> = a
            .decision
            .required_approvals
            .iter()
            .map(|x| key(serde_json::to_value(x.role).unwrap().as_str().unwrap().to_owned(), x.teams.clone()))
            .collect();
        let mut want: Vec<(String, Vec<String>)> =
            approvals.iter().map(|x| key(x.role.clone(), x.teams.clone())).collect();
        have.sort();
        want.sort();
        if have != want {
            return Err(format!("approvals {have:?} != {want:?}"));
        }
        for expected in approvals {
            let Some(fragment) = &expected.reason_includes else { continue };
            let mut teams = expected.teams.clone();
            teams.sort_unstable();
            let found = a.decision.required_approvals.iter().any(|x| {
                let mut theirs = x.teams.clone();
                theirs.sort_unstable();
                serde_json::to_value(x.role).unwrap().as_str() == Some(expected.role.as_str())
                    && theirs == teams
                    && x.reason.contains(fragment.as_str())
            });
            if !found {
                return Err(format!("no {} approval of {teams:?} whose reason holds {fragment:?}", expected.role));
            }
        }
    }
    if let Some(strategy) = &expect.rollout {
        let have = serde_json::to_value(a.rollout.strategy).unwrap();
        if have.as_str() != Some(strategy.as_str()) {
            return Err(format!("rollout {have} != {strategy}"));
        }
    }
    if let Some(fragments) = &expect.not_staged {
        let have = &a.rollout.not_staged;
        if fragments.is_empty() != have.is_empty()
            || fragments.iter().any(|f| !have.iter().any(|entry| entry.contains(f.as_str())))
        {
            return Err(format!("not_staged {have:?} lacks one of {fragments:?}"));
        }
    }
    let counterfactual = |id: &str| a.counterfactuals.iter().find(|c| c.id == id);
    let listed: Vec<String> = a.counterfactuals.iter().map(|c| format!("{} -> {}", c.id, c.review_depth)).collect();
    for (ids, lowers) in [(&expect.counterfactuals_lowering, true), (&expect.counterfactuals_not_lowering, false)] {
        for id in ids {
            match counterfactual(id) {
                Some(c) if c.lowers == lowers => {}
                Some(c) => {
                    return Err(format!("counterfactual `{id}` gives {} (lowers: {})", c.review_depth, c.lowers));
                }
                None => return Err(format!("no counterfactual `{id}`; got {listed:?}")),
            }
        }
    }
    if let Some(id) = expect.counterfactuals_absent.iter().find(|id| counterfactual(id).is_some()) {
        return Err(format!("counterfactual `{id}` is offered; got {listed:?}"));
    }
    for (id, fragments, present) in expect
        .rule_messages
        .iter()
        .map(|(id, f)| (id, f, true))
        .chain(expect.rule_messages_absent.iter().map(|(id, f)| (id, f, false)))
    {
        let Some(rule) = a.rules.iter().find(|r| r.id == *id) else {
            return Err(format!("rule `{id}` did not fire"));
        };
        if let Some(f) = fragments.iter().find(|f| rule.message.contains(f.as_str()) != present) {
            let says = if present { "without" } else { "with" };
            return Err(format!("rule `{id}` says {:?}, {says} {f:?}", rule.message));
        }
    }
    for (id, fragments) in &expect.counterfactual_actions {
        let Some(c) = counterfactual(id) else { return Err(format!("no counterfactual `{id}`; got {listed:?}")) };
        if let Some(f) = fragments.iter().find(|f| !c.action.contains(f.as_str())) {
            return Err(format!("counterfactual `{id}` advises {:?}, without {f:?}", c.action));
        }
    }
    Ok(())
}

#[test]
fn decision_cases() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/decision-cases");
    let mut dirs: Vec<PathBuf> =
        std::fs::read_dir(&root).unwrap().map(|e| e.unwrap().path()).filter(|p| p.is_dir()).collect();
    dirs.sort();
    assert!(dirs.len() >= 25, "expected at least 25 cases, found {}", dirs.len());
    let mut failures = Vec::new();
    let mut entries = Vec::new();
    for d in &dirs {
        let name = d.file_name().unwrap().to_string_lossy().into_owned();
        let (outcome, line) = run_case(d);
        if let Err(e) = outcome {
            failures.push(format!("{name}: {e}"));
        }
        if let Some(line) = line {
            entries.push(format!("{name} {line}"));
        }
    }
    assert!(failures.is_empty(), "{} of {} cases failed:\n{}", failures.len(), dirs.len(), failures.join("\n"));
    check_ledger(&entries);
}

/// What the ledger records of an assessment: its decision (depth,
/// approvals, separation of duties, deploy window), the rules that fired,
/// the rollout, the counterfactuals and the diagnostics' codes, as one
/// line of JSON. Wording (summaries, reasons, messages) is left out, so
/// that rewording a message needs no new revision.
fn ledger_entry(a: &Assessment) -> String {
    let v: serde_json::Value = serde_json::from_str(&to_json(a)).unwrap();
    let keep = |value: &serde_json::Value, keys: &[&str]| -> serde_json::Value {
        let mut out = serde_json::Map::new();
        for k in keys {
            if let Some(x) = value.get(*k) {
                out.insert((*k).to_owned(), x.clone());
            }
        }
        serde_json::Value::Object(out)
    };
    let each = |list: &serde_json::Value, keys: &[&str]| -> serde_json::Value {
        list.as_array().map(|items| items.iter().map(|x| keep(x, keys)).collect()).unwrap_or_default()
    };
    let d = &v["decision"];
    let mut decision = keep(d, &["review_depth", "matrix_depth", "separation_of_duties", "deploy_window"]);
    decision["required_approvals"] = each(&d["required_approvals"], &["role", "count", "teams", "min_seniority"]);
    let mut rollout = keep(&v["rollout"], &["strategy", "mandatory", "steps"]);
    rollout["watch"] = each(&v["rollout"]["watch"], &["service"]);
    let entry = serde_json::json!({
        "decision": decision,
        "rules": each(&v["rules"], &["id", "min_depth", "services"]),
        "rollout": rollout,
        "counterfactuals": each(&v["counterfactuals"], &["id", "review_depth", "lowers"]),
        "diagnostics": each(&v["diagnostics"], &["level", "code"]),
    });
    entry.to_string()
}

/// The decision ledger, `tests/data/decision-ledger.txt`: every case's
/// decision under the engine revision and the default policy named in its
/// head. The test fails when a decision differs from the ledger, so that a
/// change of decisions shows in review as a diff of this file, and it
/// refuses to rewrite the ledger (`BLASTGATE_UPDATE_LEDGER=1`) over
/// changed decisions unless `ENGINE_REVISION` or the default policy's
/// version moved, and over a changed default policy unless its version
/// moved: an assessment's versions must tell apart two builds that decide
/// differently.
fn check_ledger(entries: &[String]) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/decision-ledger.txt");
    let policy = default_policy().unwrap();
    let head_revision = format!("engine_revision {}", blastgate::assess::ENGINE_REVISION);
    let head_policy = format!("default_policy {} {}", policy.version, policy.digest());
    let mut want = String::from(
        "# The decision of every decision case (tests/decision_cases.rs, check_ledger).\n\
         # Regenerate: BLASTGATE_UPDATE_LEDGER=1 cargo test -p blastgate --test decision_cases\n",
    );
    for line in [&head_revision, &head_policy].into_iter().chain(entries) {
        want.push_str(line);
        want.push('\n');
    }
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    if have == want {
        return;
    }
    let old_head = |key: &str| have.lines().find(|l| l.starts_with(key)).unwrap_or_default().to_owned();
    let (old_revision, old_policy) = (old_head("engine_revision "), old_head("default_policy "));
    let old_policy_version = old_policy.split(' ').nth(1).unwrap_or_default();
    let policy_version_moved = old_policy_version != policy.version;
    let mut problems = Vec::new();
    if old_policy != head_policy && !policy_version_moved {
        problems.push(format!(
            "the default policy changed but kept its version `{}`: give it a new `version` in \
             crates/blastgate-core/src/policy/default.toml",
            policy.version
        ));
    }
    let old_entries: std::collections::BTreeSet<&str> = have.lines().filter(|l| !l.starts_with('#')).collect();
    let changed: Vec<&str> = entries
        .iter()
        .filter(|e| !old_entries.contains(e.as_str()))
        .map(|e| e.split(' ').next().unwrap_or_default())
        .collect();
    let was_known = |name: &str| have.lines().any(|l| l.split(' ').next() == Some(name));
    let decided_differently: Vec<&str> = changed.iter().copied().filter(|n| was_known(n)).collect();
    if !decided_differently.is_empty() && old_revision == head_revision && !policy_version_moved {
        problems.push(format!(
            "{} case(s) are decided differently ({}) but `ENGINE_REVISION` ({}) and the default policy's version \
             stayed put: raise `ENGINE_REVISION` in crates/blastgate-core/src/assessment.rs (or the default \
             policy's version if only the policy changed), say so in CHANGELOG.md as [decision], and regenerate",
            decided_differently.len(),
            decided_differently.join(", "),
            blastgate::assess::ENGINE_REVISION,
        ));
    }
    assert!(problems.is_empty(), "decision ledger {}:\n{}", path.display(), problems.join("\n"));
    if std::env::var_os("BLASTGATE_UPDATE_LEDGER").is_some() {
        std::fs::write(&path, want).unwrap();
        return;
    }
    panic!(
        "decision ledger {} is out of date (new or changed cases: {}); regenerate it with \
         BLASTGATE_UPDATE_LEDGER=1 cargo test -p blastgate --test decision_cases and commit it",
        path.display(),
        if changed.is_empty() { "none; cases removed or the head moved".to_owned() } else { changed.join(", ") },
    );
}
