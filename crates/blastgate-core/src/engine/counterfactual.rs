//! Counterfactuals: what would lower the depth, each checked by assessing
//! a changed input (never by guessing): the engine's decision on it
//! (`Engine::decide`), without the report an assessment carries.
//!
//! Only what the author can act on is tried: split the change per service,
//! state a rollback plan, add a senior co-author, add tests, declare the
//! AI involvement (when a rule asks for it), wait for the freeze or the
//! colliding deploys to end. Each is listed when it applies,
//! with the depth the engine gives it and whether that is lower.

use blastgate_change::{
    AiInvolvement, ChangedBy, Changeset, Classifier, FileChange, FileStatus, Provenance, TouchedNode, is_agent_account,
};
use std::collections::BTreeSet;

use super::{AssessOptions, Engine, InFlightRadii, Radius, Reuse, Waits, vet};
use crate::assessment::{Assessment, Counterfactual, round6};
use crate::context::Context;
use crate::depth::ReviewDepth;
use crate::policy::RuleCheck;

/// Most services a split is tried for (each part is a full assessment).
const MAX_SPLIT: usize = 16;

/// The counterfactuals of `base`, sorted by id: `changeset` is the vetted
/// changeset, `stated` its AI involvement as stated (before an agent's
/// account raised it). `radius` is the base's
/// blast radius, reused by the counterfactuals that change no node and
/// dropped before the split's parts are decided (on a change that reaches
/// much of the graph, it is as large as a part's).
pub(crate) fn explore(
    engine: &Engine,
    (changeset, stated): (&Changeset, &Provenance),
    (context, in_flight): (&Context, &InFlightRadii),
    options: &AssessOptions<'_>,
    base: &Assessment,
    waits: &Waits,
    radius: Radius,
) -> Vec<Counterfactual> {
    let depth = base.review_depth();
    if depth == ReviewDepth::Auto || base.has_errors() {
        return Vec::new();
    }
    let mut out = Vec::new();
    let reuse = Reuse { changeset, resolved: &waits.resolved, radius: &radius };
    // Each tried change is vetted as the gate will vet it when it comes
    // (`Engine::vet_evidence`): a claim its own evidence voids is not
    // counted in the depth promised.
    let mut try_one = |id: &str, action: String, c: &Changeset, ctx: &Context| {
        let c = engine.vet_evidence(std::borrow::Cow::Borrowed(c), &mut Vec::new());
        let d = engine.decide(&c, (ctx, in_flight), options, Some(reuse), false, Vec::new());
        out.push(Counterfactual {
            id: id.to_owned(),
            action,
            review_depth: d.depth,
            lowers: d.depth < depth,
            likelihood: round6(d.likelihood),
        });
    };

    let fired = |check: fn(&RuleCheck) -> bool| {
        base.rules.iter().any(|r| engine.policy.rules.iter().any(|p| p.id == r.id && check(&p.check)))
    };

    if changeset.safety.rollback_plan != Some(true) {
        let mut c = changeset.clone();
        c.safety.rollback_plan = Some(true);
        // Data destroyed without a final snapshot makes a plan worthless
        // (`vet.rs`): the advice is to keep the data first.
        let holds_data = |r: &blastgate_change::InfraChange| engine.holds_data(r);
        // A set: a plan of 100,000 resources made a list's `contains`
        // quadratic (12 s for one assessment). Only a type that can keep a
        // final snapshot is tried with one (a counterfactual audit: the
        // advice named `skip_final_snapshot` for a KMS key, which has no
        // such setting, and promised a depth only a false statement could
        // reach); data of other types stays lost in the trial, so the
        // advice does not promise to lower.
        let lost: std::collections::BTreeSet<String> = vet::lost_data(changeset, &holds_data)
            .filter(|r| blastgate_change::keeps_final_snapshot(&r.resource_type))
            .map(|r| r.address.clone())
            .collect();
        for r in c.infrastructure.iter_mut().filter(|r| lost.contains(&r.address)) {
            r.final_snapshot = Some(true);
        }
        // An agent's own claim on its destructive change does not count
        // (`vet.rs`): the advice is for a person to take it over.
        let by_agent = changeset.provenance.involvement() == AiInvolvement::Agent
            && (changeset.infrastructure.iter().any(|r| r.effective_action().is_destructive())
                || changeset.files.iter().any(|f| blastgate_change::destroys_resources(&engine.classifier, f)));
        // Tried as a person's own change (AI help at most: no agent, no
        // agent's tool named, which would make it the agent's again): a
        // person taking over the agent's commits keeps its trailers, and
        // the gate reads them as the agent's (an audit: the advice to take
        // the change over promised a depth its own input did not get).
        let mut accounts = Vec::new();
        if by_agent {
            accounts = without_agent_accounts(&mut c, stated);
            c.provenance.ai = Some(AiInvolvement::Generated);
            c.provenance.tool = None;
            c.provenance.model = None;
        }
        // Data of a type no final snapshot keeps (a topic, a queue, a
        // bucket) is lost whatever plan is stated: said, so that the advice
        // does not read as a plan's missing statement (a decision audit: a
        // change stating its plan was told to state one).
        let mut unkept: Vec<&str> = vet::lost_data(changeset, &holds_data)
            .filter(|r| !blastgate_change::keeps_final_snapshot(&r.resource_type))
            .map(|r| r.address.as_str())
            .collect();
        unkept.sort_unstable();
        unkept.dedup();
        let backup = match unkept.as_slice() {
            [] => String::new(),
            [one] => format!(
                "back up what `{one}` holds elsewhere (no final snapshot keeps it, so no plan brings it back), then "
            ),
            [one, rest @ ..] => format!(
                "back up what `{one}` and {} more destroyed resources hold elsewhere (no final snapshot keeps it, so no \
                 plan brings it back), then ",
                rest.len()
            ),
        };
        let keep = if lost.is_empty() {
            ""
        } else {
            "keep a final snapshot of the destroyed data (skip_final_snapshot = false), then "
        };
        let whom = if by_agent {
            format!(
                "have a person make the change themselves instead of the agent{} (its own rollback claim on what \
                 it destroys is not counted) and ",
                by_accounts(&accounts)
            )
        } else {
            String::new()
        };
        let action = format!("{whom}{backup}{keep}state a tested rollback plan (safety.rollback_plan)");
        try_one("add-rollback-plan", action, &c, context);
    }
    if engine.policy.seniority.is_below_senior(super::least_senior(engine, changeset).seniority) {
        let senior = &engine.policy.seniority.senior;
        let mut c = changeset.clone();
        // Senior engineers make it: no agent's account among its makers
        // (an advice audit: with the account kept, the change stayed an
        // agent's and the advice promised nothing it did not give).
        let accounts = without_agent_accounts(&mut c, stated);
        c.author.seniority = Some(senior.clone());
        // The AI rule goes by the least senior of the author and the
        // contributors: tried with every one of them senior, the only way
        // it no longer fires (a senior author alone would promise a depth
        // a junior contributor keeps out of reach).
        for person in &mut c.contributors {
            person.seniority = Some(senior.clone());
        }
        // Another person makes it, with a history of their own: tried with
        // no prior changes on record, the least the model credits (an
        // advice audit: tried with the replaced author's 1,000 changes,
        // the advice promised peer and a senior new to the code got owner).
        c.author.prior_changes = None;
        if let Some(h) = &mut c.history {
            h.exp = None;
            h.rexp = None;
            h.sexp = None;
        }
        // The gate goes by the people of record: adding a senior
        // `Co-authored-by:` line lowers nothing, so the advice says who
        // must make the change.
        // An author with no id counts as the lowest level whatever the
        // changeset states (`vet_author`): the advice names the step that
        // counts (an advice audit: a principal with no id was told to
        // have a senior make the change, and following it changed
        // nothing).
        let named = if changeset.author.id.trim().is_empty() {
            ", named in the change (`--author ID` on the command line, `author.id` in the changeset)"
        } else {
            ""
        };
        let agents = by_accounts(&accounts);
        let action = if changeset.contributors.is_empty() {
            format!(
                "have a `{senior}` engineer make the change as its author{named}{agents} (a co-author does not \
                 count; tried with no prior changes of theirs on record)"
            )
        } else {
            format!(
                "have `{senior}` engineers make the whole change: its author{named} and every contributor{agents} \
                 (the other commits' authors and co-authors; adding a senior co-author does not count; tried with \
                 no prior changes of the author's on record)"
            )
        };
        try_one("senior-co-author", action, &c, context);
    }
    // Tests already count when the vetted changeset says so (with files
    // listed, they decided it: see `vet.rs`).
    if changeset.safety.tests_changed != Some(true) {
        let mut c = changeset.clone();
        c.safety.tests_changed = Some(true);
        // With files listed, tests are files too. Tried with tests as
        // large as the code they cover (so that a token test is not what
        // the advice promises; in that proportion their lines stay out of
        // the change's size), beside the source code in each of its
        // folders (each service's code needs its own tests; configuration
        // and infrastructure need none, and a test under `k8s/` would read
        // as infrastructure: a gaming audit), in path order (the order
        // files are listed in must not move them).
        // The rest of what deploys (configuration, migrations,
        // infrastructure) counts in the proportion too (`vet.rs`): tests
        // for it are tried in the repository's top-level test folder (an
        // audit: sized by the code alone, the tests tried were too small
        // to count, and a change of configuration alone was tried with
        // none).
        let mut by_dir: std::collections::BTreeMap<&str, u64> = Default::default();
        let mut other = 0u64;
        for f in &changeset.files {
            let kind = blastgate_change::file_kind(&engine.classifier, f).0;
            if kind == blastgate_change::ChangeKind::Code {
                let dir = f.path.rsplit_once('/').map_or("", |(d, _)| d);
                let lines = by_dir.entry(dir).or_default();
                *lines = lines.saturating_add(f.added);
            } else if kind.deploys() && !blastgate_change::adds_tests(&engine.classifier, f) {
                other = other.saturating_add(f.added);
            }
        }
        let mut tried: Vec<(String, u64)> = by_dir
            .iter()
            .map(|(dir, lines)| {
                let sep = if dir.is_empty() { "" } else { "/" };
                (format!("{dir}{sep}tests/blastgate_counterfactual_test"), (*lines).max(1))
            })
            .collect();
        if other > 0 || (tried.is_empty() && !changeset.files.is_empty()) {
            tried.push(("tests/blastgate_counterfactual_config_test".to_owned(), other.max(1)));
        }
        let total = tried.iter().fold(0u64, |a, (_, n)| a.saturating_add(*n));
        // What the change itself adds to what deploys: a change that adds
        // nothing (deletes, renames) is tried with a one-line test a place,
        // and the advice says so (an advice audit: it said "as many as it
        // adds" of a deletion that adds none).
        let adds = by_dir.values().fold(other, |a, n| a.saturating_add(*n));
        for (path, added) in tried {
            c.files.push(FileChange { path, added, status: FileStatus::Added, ..FileChange::default() });
        }
        let unit = if total == 1 { "line" } else { "lines" };
        let action = if total == 0 {
            "add or change tests that cover the change".to_owned()
        } else if adds == 0 {
            format!(
                "add tests that cover the change (tried as {total} {unit} of tests, one beside each place it \
                 changes, since it adds no lines to what deploys)"
            )
        } else {
            format!(
                "add tests that cover the change (tried as {total} {unit} of tests: as many as it adds to what \
                 deploys, at least one beside each place it changes)"
            )
        };
        try_one("add-tests", action, &c, context);
    }
    // Saying that no AI helped matters only where a rule asks for the
    // declaration; tried as `none`, the one declaration that can lower.
    if !changeset.provenance.is_stated() && fired(|c| matches!(c, RuleCheck::AiUnstatedBelowSenior)) {
        let mut c = changeset.clone();
        c.provenance.ai = Some(AiInvolvement::None);
        try_one(
            "declare-ai",
            "declare the change's AI involvement (`provenance.ai`, the command line's `--ai`): `none` if no AI helped; any AI help is \
             held to the AI rule"
                .into(),
            &c,
            context,
        );
    }
    // A wait that ends at the latest instant blastgate holds (a freeze "until
    // forever") is advice no one can follow: not offered (a counterfactual
    // audit: it was, and its trial blocked for another reason).
    let reachable = |end: &crate::context::Timestamp| *end < crate::context::Timestamp::LATEST;
    // After an exception claimed, only when a rule enforces the freeze
    // (the claim may have passed a budget or an incident instead).
    let freeze_end = waits.freeze_end.filter(reachable).filter(|_| {
        fired(|c| matches!(c, RuleCheck::Freeze))
            || (fired(|c| matches!(c, RuleCheck::Exception)) && super::rules::freezes_enforced(engine))
    });
    // Deploying at `end`, or at the changeset's own later `deploy_at` (the
    // command line moves it to a context dated ahead of the clock, so that
    // the span checked reaches that far): waiting never drops a span the
    // base decision checked (an in-flight audit: the advice promised auto
    // and the same command run after the wait blocked).
    let deploy_at = |end: crate::context::Timestamp| {
        let stated = changeset.deploy_at.as_deref().and_then(|t| crate::context::Timestamp::parse(t).ok());
        stated.filter(|&t| t > end).unwrap_or(end).to_string()
    };
    if let Some(end) = freeze_end {
        // Assessed as it would be then: at the freeze's end, deploying
        // then (the gate answers for now, so waiting means asking again).
        let mut c = changeset.clone();
        c.deploy_at = Some(deploy_at(end));
        let then = later(context, end);
        try_one("wait-for-freeze-end", format!("deploy after the freeze ends ({end}), assessed again then"), &c, &then);
    }
    let collision_end = waits.in_flight_end.filter(reachable).filter(|_| fired(|c| matches!(c, RuleCheck::Collision)));
    if let Some(end) = collision_end {
        let mut c = changeset.clone();
        c.deploy_at = Some(deploy_at(end));
        let then = later(context, end);
        try_one(
            "wait-for-in-flight",
            format!("deploy after the changes in flight finish ({end}), assessed again then"),
            &c,
            &then,
        );
    }
    // The base radius goes before the parts' are made (memory on a large
    // change).
    drop(radius);
    if let Some(parts) = split(changeset, &waits.resolved.touched, &engine.classifier) {
        let mut worst = ReviewDepth::Auto;
        let mut worst_likelihood = 0.0_f64;
        let mut described = Vec::new();
        // The advice deploys the parts one after another, each once the
        // one before has rolled out: each part is decided deploying then
        // (its `deploy_at`), so a freeze or a change in flight that only a
        // later part meets counts (a counterfactual audit: the third part
        // of a split met a freeze at 01:45 that every part decided at 00:00
        // missed, and the split promised owner where following it blocked).
        // So the parts are decided in order, one at a time.
        let start = changeset
            .deploy_at
            .as_deref()
            .and_then(|t| crate::context::Timestamp::parse(t).ok())
            .filter(|&t| t > context.now())
            .unwrap_or_else(|| context.now());
        let mut at = start;
        let mut decided: Vec<(ReviewDepth, f64)> = Vec::with_capacity(parts.len());
        for (_, part) in &parts {
            let mut part = part.clone();
            if at > context.now() {
                part.deploy_at = Some(at.to_string());
            }
            let part = engine.vet_evidence(std::borrow::Cow::Owned(part), &mut Vec::new());
            let d = engine.decide(&part, (context, in_flight), options, None, false, Vec::new());
            // The next part deploys once this one may still be deploying
            // or rolling out: the end of its deploy window (the policy's
            // window, or its rollout when longer). Its bake time alone is
            // zero for an all-at-once rollout, which decided every part at
            // one instant, as if deployed together (an in-flight audit: a
            // part that met a change in flight five minutes on was promised
            // auto).
            at = at.max(d.facts.window_end);
            decided.push((d.depth, d.likelihood));
        }
        for ((service, _), (part_depth, likelihood)) in parts.iter().zip(decided) {
            worst = worst.max(part_depth);
            worst_likelihood = worst_likelihood.max(likelihood);
            described.push(format!("{service}: {part_depth}"));
        }
        out.push(Counterfactual {
            id: "split-per-service".to_owned(),
            action: format!(
                "split into one change per service ({}), each deployed after the one before has finished its \
                 rollout (deployed together, the parts are changes in flight that collide)",
                described.join(", ")
            ),
            review_depth: worst,
            lowers: worst < depth,
            likelihood: round6(worst_likelihood),
        });
    }
    out.sort_by(|a, b| a.id.cmp(&b.id));
    out
}

/// One changeset per changed service, each with the files, resources and
/// names that made it changed; `None` when the change touches fewer than
/// two services, more than [`MAX_SPLIT`], or the parts would not add up to
/// the change: a service's reasons were truncated, or a file or resource
/// belongs to no part (a file mapped to no service, a resource mapped to
/// no node). A split that left those out would be judged without them
/// (a deleted database, an unmapped file of 500 lines) and could suggest a
/// lower depth for a change that is not the author's. Also `None` when a
/// file or resource changes two services (a stated service or node that
/// its path or module contradicts, a file mapped to two services): it
/// cannot be put in one part, and the parts would not be a split (an
/// explanation audit: one part held the resource whole, the other nothing,
/// and the advice named the empty part's error depth).
fn split(changeset: &Changeset, touched: &[TouchedNode], classifier: &Classifier) -> Option<Vec<(String, Changeset)>> {
    // A whole changed only through its parts (`ChangedBy::PartOf`) is no
    // piece of its own: each part's resolution changes it again.
    let touched: Vec<&TouchedNode> =
        touched.iter().filter(|t| !t.via.iter().all(|v| matches!(v, ChangedBy::PartOf(_)))).collect();
    if touched.len() < 2 || touched.len() > MAX_SPLIT || touched.iter().any(|t| t.reasons > t.via.len()) {
        return None;
    }
    // A renamed file is one piece under its old path and its new one (an
    // explanations audit: a file moved between two services was advised
    // split in two parts, each the same rename).
    let renamed: std::collections::BTreeMap<&str, &str> =
        changeset.files.iter().filter_map(|f| Some((f.old_path.as_deref()?, f.path.as_str()))).collect();
    let piece = |v: &'_ ChangedBy| match v {
        ChangedBy::File(p) => ChangedBy::File(renamed.get(p.as_str()).map_or_else(|| p.clone(), |n| (*n).to_owned())),
        other => other.clone(),
    };
    let mut pieces = BTreeSet::new();
    let shared = touched.iter().flat_map(|t| &t.via).any(|v| v != &ChangedBy::Named && !pieces.insert(piece(v)));
    if shared {
        return None;
    }
    let parts: Vec<(String, Changeset)> = touched
        .iter()
        .map(|t| {
            let mut c = changeset.clone();
            c.id = format!("{}#{}", changeset.id, t.id);
            c.services = if t.via.contains(&ChangedBy::Named) { vec![t.id.clone()] } else { Vec::new() };
            c.files.retain(|f| {
                t.via.iter().any(|v| matches!(v, ChangedBy::File(p) if *p == f.path || f.old_path.as_ref() == Some(p)))
            });
            c.infrastructure.retain(|r| r.node.as_deref() == Some(t.id.as_str()));
            // A change that lists files decides its tests claim by them
            // (see `vet.rs`): so does each part, by its own files.
            if !changeset.files.is_empty() {
                c.safety.tests_changed = vet::has_test_file(classifier, &c.files).then_some(true);
            }
            (t.id.clone(), c)
        })
        .collect();
    // Whether each piece of the change is in some part, by the rules the
    // parts were cut with (sets, not scans of the parts: a change may hold
    // 100,000 resources of one node).
    let ids: BTreeSet<&str> = touched.iter().map(|t| t.id.as_str()).collect();
    let named: BTreeSet<&str> =
        touched.iter().filter(|t| t.via.contains(&ChangedBy::Named)).map(|t| t.id.as_str()).collect();
    let paths: BTreeSet<&str> = touched
        .iter()
        .flat_map(|t| &t.via)
        .filter_map(|v| match v {
            ChangedBy::File(p) => Some(p.as_str()),
            _ => None,
        })
        .collect();
    let files_covered = changeset
        .files
        .iter()
        .all(|f| paths.contains(f.path.as_str()) || f.old_path.as_deref().is_some_and(|p| paths.contains(p)));
    let resources_covered = changeset.infrastructure.iter().all(|r| r.node.as_deref().is_some_and(|n| ids.contains(n)));
    let services_covered = changeset.services.iter().all(|s| named.contains(s.as_str()));
    // Each part holds something: a node changed only by a resource stated
    // on another node would be an empty changeset, judged as an error.
    let none_empty = parts.iter().all(|(_, c)| !c.is_empty());
    (files_covered && resources_covered && services_covered && none_empty).then_some(parts)
}

/// The person a counterfactual puts in place of an agent's account as the
/// author: no one the people list names (the trial is decided on the
/// vetted changeset, so it keeps the level the trial gives it).
const TRIED_PERSON: &str = "a-person";

/// Takes the autonomous agents' accounts out of `c`, as a person taking
/// the change over would: a contributor that is one is dropped, an author
/// that is one is replaced by a person ([`TRIED_PERSON`], with no level or
/// experience of record: the lowest), and, when one was there, the AI
/// involvement goes back to `stated` (vetting raises it again for an
/// agent's tool named). Returns the accounts taken out, sorted.
fn without_agent_accounts(c: &mut Changeset, stated: &Provenance) -> Vec<String> {
    let mut accounts: Vec<String> =
        c.contributors.iter().filter(|p| is_agent_account(&p.id)).map(|p| p.id.clone()).collect();
    c.contributors.retain(|p| !is_agent_account(&p.id));
    if is_agent_account(&c.author.id) {
        accounts.push(std::mem::replace(&mut c.author.id, TRIED_PERSON.to_owned()));
        c.author.seniority = None;
        c.author.prior_changes = None;
    }
    if !accounts.is_empty() {
        c.provenance = stated.clone();
    }
    accounts.sort_unstable();
    accounts.dedup();
    accounts
}

/// `accounts` as the advice names them: ", with none of it by the agent's
/// account `x`" (the first three, then how many more).
fn by_accounts(accounts: &[String]) -> String {
    const SHOWN: usize = 3;
    if accounts.is_empty() {
        return String::new();
    }
    let named: Vec<String> = accounts.iter().take(SHOWN).map(|a| format!("`{}`", a.escape_debug())).collect();
    let more = accounts.len().saturating_sub(SHOWN);
    let more = if more > 0 { format!(" and {more} more") } else { String::new() };
    let whose = if accounts.len() == 1 { "the agent's account" } else { "the agents' accounts" };
    format!(", with none of it made by {whose} {}{more}", named.join(", "))
}

/// `context` as a wait's trial sees it at `at`: its clock moved there, and
/// every incident open at the context's own `now` still open. A
/// `resolved_at` after `now` is a forecast (an estimate typed into the
/// incident tool, a skewed clock), not a resolution: read as one, the
/// advice to wait promised `owner` during a sev1 no one had resolved (an
/// interactions audit). Freezes and changes in flight are schedules, and
/// stay as they are.
fn later(context: &Context, at: crate::context::Timestamp) -> Context {
    context.clone().as_of(at)
}
