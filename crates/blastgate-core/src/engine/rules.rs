//! The hard rules: each enabled rule whose condition holds raises the depth
//! to at least its `min_depth`. Rules never lower a depth.

use blastgate_change::{AiInvolvement, Changeset, InfraChange, ResolvedChange};
use blastgate_graph::NodeKind;

use super::{Engine, Facts, bounded, covered_names, name_list, name_list_of, untiered_names};
use crate::assessment::{Diagnostic, FiredRule, Level};
use crate::context::Exception;
use crate::policy::{Rule, RuleCheck};

/// The rules that fire, sorted by id.
pub(crate) fn evaluate(
    engine: &Engine,
    changeset: &Changeset,
    resolved: &ResolvedChange,
    facts: &Facts<'_>,
) -> Vec<FiredRule> {
    let mut fired: Vec<FiredRule> = engine
        .policy
        .rules
        .iter()
        .enumerate()
        .filter(|(_, r)| r.enabled)
        .filter_map(|(i, rule)| {
            check(engine, i, rule, changeset, resolved, facts).map(|(message, services)| FiredRule {
                id: rule.id.clone(),
                min_depth: rule.min_depth,
                message,
                reason: rule.reason.clone(),
                services: bounded(services),
            })
        })
        .collect();
    fired.sort_by(|a, b| a.id.cmp(&b.id));
    fired
}

/// `Some((message, services))` when `rule` fires.
fn check(
    engine: &Engine,
    index: usize,
    rule: &Rule,
    changeset: &Changeset,
    resolved: &ResolvedChange,
    facts: &Facts<'_>,
) -> Option<(String, Vec<String>)> {
    let touched = || resolved.touched.iter().map(|t| t.id.clone()).collect::<Vec<_>>();
    match &rule.check {
        RuleCheck::AiBelowSenior { ai } => {
            // `ai = "none"` asks for every change below senior, AI or not
            // (it was read as `assisted`: a stricter rule did nothing).
            let involvement = changeset.provenance.involvement();
            (involvement >= *ai && facts.below_senior).then(|| {
                let least = super::least_senior(engine, changeset);
                let seniority = least.seniority.unwrap_or("unknown");
                let tool = changeset.provenance.tool.as_deref().map(|t| format!(" ({t})")).unwrap_or_default();
                // The person the rule goes by: the author, or the least
                // senior contributor (the author may be a senior).
                let whom = match least.contributor {
                    None => format!("an author of seniority `{seniority}`"),
                    Some(id) => format!(
                        "a change made with `{}`, a contributor of seniority `{seniority}` (the least senior of \
                         its author and contributors)",
                        blastgate_graph::shorten(id)
                    ),
                };
                let by = if least.contributor.is_some() { "in" } else { "by" };
                (
                    format!(
                        "AI involvement `{}`{tool} {by} {whom}, below `{}`",
                        involvement.as_str(),
                        engine.policy.seniority.senior
                    ),
                    touched(),
                )
            })
        }
        RuleCheck::AiUnstatedBelowSenior => (!changeset.provenance.is_stated() && facts.below_senior).then(|| {
            let least = super::least_senior(engine, changeset);
            let seniority = least.seniority.unwrap_or("unknown");
            let whose = match least.contributor {
                None => "its author's".to_owned(),
                Some(id) => format!("its contributor `{}`'s", blastgate_graph::shorten(id)),
            };
            (
                format!(
                    "the change does not state its AI involvement, and {whose} seniority `{seniority}` is below `{}`: state `provenance.ai` (the command line's `--ai`), `none` included",
                    engine.policy.seniority.senior
                ),
                touched(),
            )
        }),
        RuleCheck::DestructiveInfrastructure { node_kinds, by_agent, tier0_without_rollback } => {
            if *by_agent && changeset.provenance.involvement() != AiInvolvement::Agent {
                return None;
            }
            let no_rollback = changeset.safety.rollback_plan != Some(true);
            // A destroyed resource that maps to no graph node has a reach
            // nobody knows: it may reach tier 0 (fail closed).
            let tier0_reached = facts.highest_tier.is_some_and(|t| t.level() == 0);
            let mut unplaced: Vec<&str> = resolved
                .destructive
                .iter()
                .filter(|r| node_of(engine, r).is_none())
                .map(|r| r.address.as_str())
                .collect();
            unplaced.sort_unstable();
            unplaced.dedup();
            let reaches_tier0 = tier0_reached || !unplaced.is_empty();
            if *tier0_without_rollback && !(no_rollback && reaches_tier0) {
                return None;
            }
            // A rule that names kinds (datastores and queues, by default)
            // is about what is destroyed: their data is lost whoever reads
            // it, so such a resource counts depended on or not (an audit:
            // deleting a datastore nothing depends on, with no final
            // snapshot, was `peer`, any engineer approving). The rule for
            // every kind asks for something that depends on it.
            let hits: Vec<&InfraChange> = resolved
                .destructive
                .iter()
                .filter(|r| {
                    if node_kinds.is_empty() {
                        depended_on(engine, r)
                    } else {
                        kinds_of(engine, r).iter().any(|k| node_kinds.contains(k))
                    }
                })
                .collect();
            if hits.is_empty() {
                return None;
            }
            let mut addresses: Vec<String> = hits.iter().map(|r| describe(r)).collect();
            addresses.sort_unstable();
            addresses.dedup();
            let mut services: Vec<String> = hits.iter().filter_map(|r| r.node.clone()).collect();
            services.sort_unstable();
            services.dedup();
            let mut message = format!("destructive action on {}", name_list(&addresses));
            if *by_agent {
                message.push_str(", made by an autonomous agent");
            }
            if *tier0_without_rollback {
                // Which of the facts held, as they are: a reach nobody
                // knows is not a tier-0 reach, and a plan stated but not
                // counted is not a plan unstated (an explanations audit:
                // both were said of a change that reached tier 2 and
                // stated a plan its deleted database voided).
                if tier0_reached {
                    message.push_str(", the blast radius reaches tier 0");
                } else {
                    let names: Vec<String> = unplaced.iter().map(|a| format!("`{a}`")).collect();
                    let (it, maps) = if names.len() == 1 { ("its", "maps") } else { ("their", "map") };
                    message.push_str(&format!(
                        ", {} {maps} to no graph node, so {it} blast radius is unknown and may reach tier 0",
                        name_list(&names)
                    ));
                }
                match facts.rollback_dropped.as_slice() {
                    [] => message.push_str(", and no rollback plan is stated"),
                    [code] => message.push_str(&format!(
                        ", and the rollback plan the changeset states is not counted (warning `{code}`)"
                    )),
                    codes => {
                        let codes: Vec<String> = codes.iter().map(|c| format!("`{c}`")).collect();
                        message.push_str(&format!(
                            ", and the rollback plan the changeset states is not counted (warnings {})",
                            codes.join(" and ")
                        ));
                    }
                }
            }
            Some((message, services))
        }
        RuleCheck::CriticalReach => (!facts.critical.is_empty()).then(|| {
            (
                format!(
                    "the blast radius reaches tier-0 ({}) services or journeys: {}",
                    engine.policy.tiers.name(0),
                    name_list_of(&facts.critical, facts.critical_count)
                ),
                facts.critical.clone(),
            )
        }),
        RuleCheck::Freeze => facts.freeze_finding.get_or_init(|| freeze_finding(engine, facts)).clone(),
        RuleCheck::ErrorBudgetExhausted { allow } => {
            // The SRE error-budget policy halts features, not remediation:
            // the default policy lets a fix, a rollback (revert) or a
            // security fix through, as at a sev1 (an incident-response
            // audit: the revert of the deploy that spent the budget was
            // blocked). A rule without `allow` passes fixes only, as
            // before the list existed (an upgrade audit).
            if facts.exceptions.iter().any(|e| allow.contains(e)) {
                return None;
            }
            // A budget far below zero prints in scientific notation (an
            // audit: -1e308 printed as 309 digits).
            let shown = |r: f64| if r.abs() < 1e6 { r.to_string() } else { format!("{r:e}") };
            let spent: Vec<String> = exhausted(facts).map(|(s, r)| format!("{s} ({})", shown(*r))).collect();
            let services: Vec<String> = exhausted(facts).map(|(s, _)| s.clone()).collect();
            (!spent.is_empty()).then(|| {
                let how = if allow.is_empty() {
                    "nothing lets a change through (the rule allows no exception)".to_owned()
                } else {
                    remediation_note(allow, claims_reviewed(engine))
                };
                (format!("error budget exhausted on {}, and the change claims no exception it allows; {how}", name_list(&spent)), services)
            })
        }
        RuleCheck::Exception => {
            // What the change is let through, and as which exception.
            let mut passed = Vec::new();
            let mut services = Vec::new();
            let mut claimed: Vec<Exception> = Vec::new();
            // Freezes only when an enabled rule enforces them, as budgets
            // and incidents below (an interactions audit: with `freeze`
            // disabled, a fix was raised to owner as "let through the
            // freeze" beside a warning that nothing checks the freeze).
            let freezes = if freezes_enforced(engine) { facts.freezes.as_slice() } else { &[] };
            let mut covered = Vec::new();
            for (freeze, nodes) in freezes {
                if let Some(&e) = facts.exceptions.iter().find(|e| freeze.allows(**e)) {
                    passed.push(format!("{} (it allows {})", freeze_name(freeze), e.as_str()));
                    covered.push(nodes);
                    claimed.push(e);
                }
            }
            // The first names of the covered nodes are enough: the rule
            // names the first of all its services.
            services.extend(covered_names(&engine.graph, covered).0);
            let spent: Vec<String> = exhausted(facts).map(|(s, _)| s.clone()).collect();
            for budget in engine.policy.rules.iter().filter(|r| r.enabled) {
                let RuleCheck::ErrorBudgetExhausted { allow } = &budget.check else { continue };
                let Some(&e) = facts.exceptions.iter().find(|e| allow.contains(e)) else { continue };
                if spent.is_empty() {
                    break;
                }
                passed.push(format!("the exhausted error budget of {} (it allows {})", name_list(&spent), e.as_str()));
                services.extend(spent.iter().cloned());
                claimed.push(e);
            }
            // An incident rule that lets remediation through (the default
            // `open-sev1-incident`) is passed on the same claim: said, so
            // that the reviewers check it (an incident-response audit: a
            // feature read as a fix passed a sev1 with nothing saying so).
            for other in engine.policy.rules.iter().filter(|r| r.enabled) {
                let RuleCheck::Incident { severity, allow } = &other.check else { continue };
                let Some(&e) = facts.exceptions.iter().find(|e| allow.contains(e)) else { continue };
                let open: Vec<&str> = facts
                    .incidents
                    .iter()
                    .filter(|i| i.severity.is_at_least(*severity))
                    .map(|i| i.service.as_str())
                    .collect();
                if open.is_empty() {
                    continue;
                }
                let mut on: Vec<String> = open.iter().map(|s| (*s).to_owned()).collect();
                on.sort_unstable();
                on.dedup();
                passed.push(format!(
                    "`{}` (an open {} incident on {}; it allows {})",
                    blastgate_graph::shorten(&other.id),
                    severity.as_str(),
                    name_list(&on),
                    e.as_str()
                ));
                services.extend(on);
                claimed.push(e);
            }
            claimed.sort_unstable();
            claimed.dedup();
            services.sort_unstable();
            services.dedup();
            (!passed.is_empty()).then(|| {
                let claims: Vec<&str> = claimed.iter().map(|e| claim_of(*e)).collect();
                (
                    format!(
                        "let through {} only because the change claims to be an exception ({}); the claim is the \
                         author's, so someone who knows these services confirms it",
                        if passed.len() <= 2 { passed.join(" and ") } else { name_list(&passed) },
                        claims.join(", ")
                    ),
                    services,
                )
            })
        }
        RuleCheck::Incident { severity, allow } => {
            if facts.exceptions.iter().any(|e| allow.contains(e)) {
                return None;
            }
            let open: Vec<_> = facts.incidents.iter().filter(|i| i.severity.is_at_least(*severity)).collect();
            let mut services: Vec<String> = open.iter().map(|i| i.service.clone()).collect();
            services.sort_unstable();
            services.dedup();
            let described: Vec<String> = open
                .iter()
                .map(|i| {
                    let id = i.id.as_deref().map(|id| format!(" {id}")).unwrap_or_default();
                    format!("{}{id} on {} since {}", i.severity.as_str(), i.service, i.since)
                })
                .collect();
            (!open.is_empty()).then(|| {
                // How a remediation says it is one (an incident-response
                // audit: a blocked revert was told nothing it could do).
                let how = if allow.is_empty() {
                    String::new()
                } else {
                    format!("; {}", remediation_note(allow, claims_reviewed(engine)))
                };
                (format!("open incident: {}{how}", name_list(&described)), services)
            })
        }
        RuleCheck::Collision => {
            let mut services = Vec::new();
            let described: Vec<String> = facts
                .collisions
                .iter()
                .map(|(other, shared)| {
                    services.extend(shared.names.iter().cloned());
                    let names = if shared.total == 0 {
                        "no node the graph shows".to_owned()
                    } else {
                        super::name_list_of(&shared.names, shared.total)
                    };
                    format!("`{}` ({} to {}; shares {names})", blastgate_graph::shorten(&other.id), other.start, other.end)
                })
                .collect();
            services.sort_unstable();
            services.dedup();
            // A change whose reach the graph cannot tell collides with
            // every change in flight (see `Facts::gather`): say why.
            let unknown = if facts.unplaced.is_empty() {
                String::new()
            } else {
                format!(
                    "; {}",
                    unplaced_note(facts, "whose reach may meet theirs: map it to its node to let the graph decide")
                )
            };
            (!described.is_empty()).then(|| {
                (
                    format!(
                        "collides with {} in the deploy window {} to {}{unknown}",
                        name_list(&described),
                        facts.checked_from,
                        facts.window_end
                    ),
                    services,
                )
            })
        }
        RuleCheck::Irreversible { by_agent, reaches_tier0 } => {
            if changeset.safety.reversible != Some(false)
                || (*by_agent && changeset.provenance.involvement() != AiInvolvement::Agent)
            {
                return None;
            }
            // Placed on no node, the reach is unknown: it may reach tier 0
            // (fail closed), as for a destroyed resource of no node.
            let tier0 = facts.highest_tier.is_some_and(|t| t.level() == 0) || resolved.touched.is_empty();
            if *reaches_tier0 && !tier0 {
                return None;
            }
            let mut message =
                "the change states that it cannot be reverted without loss (`safety.reversible: false`)".to_owned();
            if *by_agent {
                message.push_str(", made by an autonomous agent");
            }
            if *reaches_tier0 {
                message.push_str(if resolved.touched.is_empty() {
                    ", and it is placed on no graph node, so its blast radius may reach tier 0"
                } else {
                    ", and its blast radius reaches tier 0"
                });
            }
            Some((message, touched()))
        }
        RuleCheck::ProtectionRemoved => {
            let mut hits: Vec<String> = changeset
                .files
                .iter()
                .flat_map(|f| {
                    f.unguards.iter().map(move |g| {
                        format!("`{}` in `{}`", blastgate_graph::shorten(g), blastgate_graph::shorten(&f.path))
                    })
                })
                .collect();
            hits.sort_unstable();
            hits.dedup();
            (!hits.is_empty()).then(|| {
                (
                    format!(
                        "the change turns off a guard against deletion ({}): it destroys nothing yet, but the next \
                         change or plan can destroy what it guarded, and its data",
                        name_list(&hits)
                    ),
                    touched(),
                )
            })
        }
        RuleCheck::DeliveryControl { .. } => {
            let matcher = engine.control_paths.get(index)?.as_ref()?;
            let mut hits: Vec<&str> = Vec::new();
            for file in &changeset.files {
                for path in std::iter::once(file.path.as_str()).chain(file.old_path.as_deref()) {
                    // As written, and as its loose readings read: a
                    // backslashed or respelled `.github\workflows\` lost
                    // the rule (red team 18).
                    let spelled = || {
                        blastgate_change::loose_spellings(path)
                            .iter()
                            .any(|(reading, ignore_case)| matcher.rule(reading, false, *ignore_case).is_some())
                    };
                    if matcher.rule_of(path, false).is_some() || spelled() {
                        hits.push(path);
                    }
                }
            }
            hits.sort_unstable();
            hits.dedup();
            let n = hits.len();
            (n > 0).then(|| {
                let shown: Vec<String> =
                    hits.iter().take(5).map(|p| format!("`{}`", blastgate_graph::shorten(p))).collect();
                let more = if n > shown.len() { format!(" and {} more", n - shown.len()) } else { String::new() };
                (
                    format!(
                        "the change edits how changes are built, checked, reviewed or deployed ({}{more}): it acts \
                         on every change after it, and a gate run by a CI definition the change edits may have \
                         judged it as the change wanted",
                        shown.join(", ")
                    ),
                    touched(),
                )
            })
        }
        RuleCheck::UnmappedRuntimeFiles => {
            // The files, and the infrastructure the change creates, changes
            // or destroys that no node places (found by a gaming audit: an
            // untagged resource in a plan reached nothing and went `auto`).
            let unplaced = &facts.unplaced;
            let n = unplaced.len();
            (n > 0).then(|| {
                let shown: Vec<&str> = unplaced.iter().take(5).map(String::as_str).collect();
                let more = if n > shown.len() { format!(" and {} more", n - shown.len()) } else { String::new() };
                (
                    format!(
                        "{n} changed file(s), infrastructure resource(s) or named service(s) that are neither \
                         documentation nor tests map to no graph node ({}{more}; a stated `service` does not vouch \
                         for where a file runs): where they deploy is unknown, so is their blast radius. Map files \
                         with a service map or a folder named after the service, resources with a tag, module name \
                         or explicit mapping, and name services by their graph ids",
                        shown.join(", ")
                    ),
                    Vec::new(),
                )
            })
        }
    }
}

/// What a freeze or a change in flight meets because the graph cannot
/// place it; `tail` says where it may run and what to do.
fn unplaced_note(facts: &Facts<'_>, tail: &str) -> String {
    let n = facts.unplaced.len();
    let shown: Vec<&str> = facts.unplaced.iter().take(5).map(String::as_str).collect();
    let more = if n > shown.len() { format!(" and {} more", n - shown.len()) } else { String::new() };
    format!("what the change deploys that no graph node places ({}{more}), {tail}", shown.join(", "))
}

/// [`unplaced_note`]'s tail for a freeze.
const UNPLACED_FROZEN: &str = "which may run in frozen services: map it to its node to let the freeze's scope decide";

fn exception_note(facts: &Facts<'_>) -> String {
    if facts.exceptions.is_empty() {
        "; the change is not an exception the freeze allows".to_owned()
    } else {
        let names: Vec<&str> = facts.exceptions.iter().map(|e| e.as_str()).collect();
        format!("; the freeze does not allow {}", names.join(" or "))
    }
}

/// The reached services whose error budget is spent (remaining <= 0),
/// with what remains.
fn exhausted<'f>(facts: &'f Facts<'_>) -> impl Iterator<Item = &'f (String, f64)> {
    facts.budgets.iter().filter(|(_, remaining)| remaining.total_cmp(&0.0).is_le())
}

/// Whether the policy has a claimed exception confirmed: an enabled rule
/// with the `exception` check.
fn claims_reviewed(engine: &Engine) -> bool {
    engine.policy.rules.iter().any(|r| r.enabled && matches!(r.check, RuleCheck::Exception))
}

/// Whether an enabled rule of the policy stops changes during a freeze.
pub(crate) fn freezes_enforced(engine: &Engine) -> bool {
    engine.policy.rules.iter().any(|r| r.enabled && matches!(r.check, RuleCheck::Freeze))
}

/// How a change states that it is one of `allowed`, the remediation a
/// rule lets through.
fn remediation_note(allowed: &[Exception], reviewed: bool) -> String {
    let how: Vec<&str> = allowed
        .iter()
        .map(|e| match e {
            Exception::Fix => "`fix: true` (or commits whose subjects start with `fix`)",
            Exception::Rollback => "a `rollback` or `revert` label (or a verified `git revert`)",
            Exception::Security => "a `security` label",
        })
        .collect();
    let confirmed = if reviewed { ", and its owners confirm the claim" } else { "" };
    // The labels' note only where a label is a way through (an
    // explanations audit: a rule that lets fixes alone through pointed
    // the author at `--label`, which changed nothing).
    let labels = if allowed.iter().any(|e| matches!(e, Exception::Rollback | Exception::Security)) {
        " (the CLI's `--label` gives a pull request's)"
    } else {
        ""
    };
    format!("a change that remediates it ships when it says so, with {}{labels}{confirmed}", how.join(", or "))
}

/// Where the changeset claims `exception`.
fn claim_of(exception: Exception) -> &'static str {
    match exception {
        Exception::Fix => "`fix: true`, stated or read from its commits' subjects and `Fixes:` trailers",
        Exception::Rollback => "a `rollback` or `revert` label",
        Exception::Security => "a `security` label",
    }
}

fn freeze_name(freeze: &crate::context::Freeze) -> String {
    match &freeze.name {
        Some(n) => format!("freeze `{}`", blastgate_graph::shorten(n)),
        None => format!("the freeze from {} to {}", freeze.start, freeze.end),
    }
}

pub(crate) fn describe(r: &InfraChange) -> String {
    let action = r.destructive_action_name();
    match &r.node {
        Some(n) => format!("{} ({action}, node {n})", r.address),
        None => format!("{} ({action}, no graph node)", r.address),
    }
}

/// The resource's graph node, if it maps to one the graph has.
fn node_of<'e>(engine: &'e Engine, r: &InfraChange) -> Option<blastgate_graph::NodeRef<'e>> {
    r.node.as_deref().and_then(|n| engine.graph.index_of(n)).and_then(|i| engine.graph.node(i))
}

/// Whether something depends on the resource. A resource that maps to no
/// node, or to one the graph lacks, is assumed to be depended on: nothing
/// says it is safe to delete (fail closed). So is a datastore, queue or
/// cache (by its type) mapped to a node of another kind, such as the
/// service tagged as its owner: that node itself uses it. So is a resource
/// of a node users reach directly (tier 0, a journey, user-facing): its
/// users depend on it though no graph edge says so (an audit: an agent
/// replacing the load balancer, zone and service of a tier-0 gateway that
/// nothing in the graph calls got senior, no destructive rule firing).
fn depended_on(engine: &Engine, r: &InfraChange) -> bool {
    let Some(i) = r.node.as_deref().and_then(|n| engine.graph.index_of(n)) else {
        return true;
    };
    let node = engine.graph.node(i);
    let node_kind = node.map(|n| n.kind());
    let holds_state =
        r.resource_types().into_iter().map(guess_kind).any(|k| k != NodeKind::Infrastructure && Some(k) != node_kind);
    let users_reach = node.is_some_and(|n| {
        n.effective_tier().level() == 0 || n.kind() == NodeKind::Journey || n.user_facing() == Some(true)
    });
    holds_state || users_reach || !engine.graph.dependents_of(i).is_empty()
}

/// The kinds the resource counts as: its graph node's, and the kinds its
/// resource types suggest (the stated type and the address's; datastores,
/// queues and caches by name, else infrastructure). All count, so that
/// mapping a database onto a node of a milder kind, or leaving its type
/// out, does not hide that a database is destroyed.
/// A node the graph lacks as written counts as every node it names
/// (`Engine::stated_nodes`).
fn kinds_of(engine: &Engine, r: &InfraChange) -> Vec<NodeKind> {
    let nodes = r.node.as_deref().map(|id| engine.stated_nodes(id)).unwrap_or_default();
    let mut kinds: Vec<NodeKind> = nodes.into_iter().filter_map(|i| engine.graph.node(i)).map(|n| n.kind()).collect();
    kinds.extend(r.resource_types().into_iter().map(guess_kind));
    if kinds.is_empty() {
        kinds.push(NodeKind::Infrastructure);
    }
    kinds
}

/// A `context-unchecked` warning for each thing the context shows on the
/// change's blast radius that no enabled rule decides on: a freeze in
/// force, an open incident, an exhausted error budget, a change in flight
/// that collides. A policy that leaves such a rule out (an organisation's
/// older copy of the default, say) would otherwise pass the change without
/// a word about it.
pub(crate) fn unchecked(engine: &Engine, facts: &Facts<'_>, diagnostics: &mut Vec<Diagnostic>) {
    let on = |check: &dyn Fn(&RuleCheck) -> bool| engine.policy.rules.iter().any(|r| r.enabled && check(&r.check));
    let mut missing = Vec::new();
    if !facts.freezes.is_empty() && !on(&|c| matches!(c, RuleCheck::Freeze)) {
        missing.push(("a freeze in force", "freeze"));
    }
    // An incident rule whose threshold an incident is below has looked at
    // it and let it be (the default counts from sev2): only a policy with
    // no incident rule at all leaves incidents unchecked. (It said
    // otherwise for every sev3 on the radius.)
    if !facts.incidents.is_empty() && !on(&|c| matches!(c, RuleCheck::Incident { .. })) {
        missing.push(("an open incident", "incident"));
    }
    if facts.budgets.iter().any(|&(_, remaining)| remaining <= 0.0)
        && !on(&|c| matches!(c, RuleCheck::ErrorBudgetExhausted { .. }))
    {
        missing.push(("an exhausted error budget", "error_budget_exhausted"));
    }
    if !facts.collisions.is_empty() && !on(&|c| matches!(c, RuleCheck::Collision)) {
        missing.push(("a change in flight that collides", "collision"));
    }
    for (what, check) in missing {
        diagnostics.push(Diagnostic::new(
            Level::Warning,
            "context-unchecked",
            format!(
                "the context shows {what} on this change's blast radius, but the policy has no enabled rule that \
                 checks it (`check = \"{check}\"`): nothing in the decision looks at it. Add the rule, as the \
                 default policy has it"
            ),
        ));
    }
}

/// Words in resource types that name a datastore.
const DATASTORE_TYPES: &[&str] = &[
    "db_instance",
    "db_cluster",
    "rds",
    "dynamodb",
    "database",
    "sql",
    "bigtable",
    "spanner",
    "cosmosdb",
    "s3_bucket",
    "storage_bucket",
    "efs_",
    "ebs_volume",
    "disk",
    "documentdb",
    "docdb",
    "neptune",
    "opensearch",
    "elasticsearch",
    "mongodb",
    "firestore",
    "keyspaces",
    "timestream",
    "redshift",
    // What holds data, or the only key to it (found by a gaming audit:
    // deleting these counted as infrastructure, not as losing data).
    "kms_key",
    "key_vault",
    "backup_vault",
    "glacier_vault",
    "storage_account",
    "storage_container",
    "storage_blob",
    "bigquery_dataset",
    "bigquery_table",
    "persistent_volume",
    "fsx_",
    "secretsmanager_secret",
    "secret_manager_secret",
    // Found by a red-team pass: keys, backups and stores the words above
    // missed (GCP's key beside AWS's, a key's replica, snapshots, which
    // are the backups themselves, file stores, ledgers, repositories).
    "crypto_key",
    "kms_replica_key",
    "_snapshot",
    "filestore",
    "directory_bucket",
    "qldb",
    "memorydb",
    "alloydb",
    "cloudhsm",
    "ecr_repository",
    "artifact_registry_repository",
    "codecommit_repository",
    "netapp_volume",
    // And a second red-team pass: registries and repositories elsewhere,
    // Azure storage, user pools (their password hashes cannot be
    // recreated), log groups, secret mounts, analytics and health stores.
    "container_registry",
    "ecrpublic_repository",
    "codeartifact_repository",
    "sourcerepo_repository",
    "github_repository",
    "gitlab_project",
    "secret_manager_regional_secret",
    "storage_share",
    "data_lake",
    "storage_table",
    "s3tables",
    "digitalocean_volume",
    "lightsail_bucket",
    "cognito_user_pool",
    "cloudwatch_log_group",
    // A log stream's events go with it; a feature store's records with
    // its group (red team 17: each was `peer` deleted).
    "cloudwatch_log_stream",
    "sagemaker_feature_group",
    "vault_mount",
    // As a word: `kustomization` is no database (an audit).
    "kusto_",
    "mongo_cluster",
    "healthcare_fhir_store",
    "healthcare_dataset",
    // A third: other clouds' buckets and volumes, warehouse tables, objects.
    "r2_bucket",
    "spaces_bucket",
    "oss_bucket",
    "hcloud_volume",
    "blockstorage_volume",
    "snowflake_table",
    "snowflake_database",
    "s3_object",
    // A fail-closed audit of plans: secrets and keys (a transit key's
    // deletion leaves everything encrypted with it unreadable, a private
    // CA's its certificates unverifiable), managed databases by their
    // engine, warehouse schemas and catalogs (dropping one drops its
    // tables), key-value stores, other clouds' volumes, buckets and vaults,
    // log workspaces and backup vaults.
    "ssm_parameter",
    "vault_kv_secret",
    "vault_generic_secret",
    "transit_secret_backend_key",
    "kubernetes_secret",
    "acmpca_certificate_authority",
    "privateca_certificate_authority",
    "privateca_ca_pool",
    "kms_vault",
    "vault_secret",
    "aiven_pg",
    "cassandra",
    "clickhouse",
    "influxdb",
    "m3db",
    "workers_kv",
    "kv_namespace",
    "snowflake_schema",
    "snowflake_stage",
    "databricks_table",
    "databricks_schema",
    "databricks_catalog",
    "databricks_volume",
    "cloudsearch_domain",
    "core_volume",
    "boot_volume",
    "objectstorage_bucket",
    "file_storage_file_system",
    "log_analytics_workspace",
    "recovery_services_vault",
    // Containers that delete what they hold: a namespace its volume
    // claims and secrets, a project, resource group or account everything
    // in it, a stack or release the resources it created. And DNS zones:
    // a zone's records go with it, and a new zone gets new name servers,
    // so every name in it stays dark until the registrar's delegation is
    // changed. Neither comes back by applying again: they count as lost
    // state, as data does. (`google_project`, `azurerm_resource_group`
    // and `cloudflare_zone` are also the first words of types that hold
    // nothing, such as `google_project_iam_member`: those are matched
    // whole, in `DATASTORE_WHOLE_TYPES`.)
    "kubernetes_namespace",
    "cloudformation_stack",
    "helm_release",
    "organizations_account",
    "route53_zone",
    "dns_managed_zone",
    "dns_zone",
    // As other tools name them (read in Terraform's words: see
    // `type_words`): `AWS::SecretsManager::Secret`,
    // `AWS::Route53::HostedZone`, `AWS::Logs::LogGroup`.
    "secrets_manager_secret",
    "hosted_zone",
    "logs_log_group",
    // Red team 11: managed databases as add-ons or projects, a group that
    // deletes its projects, user stores (as `cognito_user_pool`), the
    // Terraform state a workspace holds, a workspace's notebooks and
    // tables, and a logical volume (Ansible's `lvol`, its file system with
    // it). (Not clusters: a catalog's `kubernetes-cluster` is an
    // infrastructure node, and what runs on one depends on it.)
    "heroku_addon",
    "neon_project",
    "supabase_project",
    "gitlab_group",
    "keycloak_realm",
    "auth0_connection",
    "tfe_workspace",
    "databricks_workspace",
    "lvol",
    // Kubernetes: a custom resource definition deleted deletes every
    // object of its kind (an operator's databases with it); MinIO's
    // tenants hold objects, Velero's backups the backed-up data.
    "custom_resource_definition",
    "minio",
    "velero",
    // Other forges' repositories (as `github_repository`) and a data
    // catalog's tables.
    "git_repository",
    "glue_catalog_table",
];

/// Words of any provider's types that hold data, as the catalog reader
/// reads them (`bucket`, `volume`, `mariadb`), so that other providers'
/// buckets and volumes (`scaleway_object_bucket`, `linode_volume`,
/// `aws_s3control_bucket`), database servers by their engine and file
/// systems count as they do in a catalog (a Terraform plan audit). Unlike
/// [`DATASTORE_TYPES`], not in a type that attaches one
/// (`aws_volume_attachment`): attaching a volume is not the volume.
const DATA_WORDS: &[&str] = &[
    "bucket",
    "_volume",
    "block_storage",
    "mariadb",
    "mysql",
    "postgres",
    "file_system",
    "filesystem",
    "lustre",
    "hbase",
    "greenplum",
];

/// The commands (as the git reader names what they destroy) that destroy
/// a whole stack, resource group, project, application's add-ons or
/// bucket, or reset a database: what they hold is not read, so, failing
/// closed, they count as holding data, as the generic types of
/// [`DATASTORE_WHOLE_TYPES`] do (a red team's: `terraform destroy` and
/// `Remove-AzResourceGroup` in a leaf service's pipeline, and `aws s3 rb`,
/// were `peer` where the stack's `aws_db_instance` or an `aws_s3_bucket`
/// was `multi_party`). Matched inside the type, in ASCII lower case.
const WHOLE_STACK_COMMANDS: &[&str] = &[
    "terraform destroy",
    "pulumi destroy",
    "cdk destroy",
    "cdktf destroy",
    "sam delete",
    "serverless remove",
    "sst remove",
    "helmfile destroy",
    "complete deployment",
    "copilot app delete",
    "copilot env delete",
    "apps:destroy",
    "addons:destroy",
    "pg:reset",
    "resourcegroup",
    "az group delete",
    "projects delete",
    "delete-stack",
    "cloudformation_stack",
    "s3 rb",
    "gsutil rb",
];

/// Whether `t` names a Helm release's removal (`helm uninstall
/// orders-db`) whose release a word names a database: `db`, or a word
/// ending in it (`mongodb`, `influxdb`). The other data words count
/// through the lists above (`orders-postgresql`).
fn helm_release_of_a_database(t: &str) -> bool {
    let Some(release) = t.strip_prefix("helm uninstall ").or_else(|| t.strip_prefix("helm_uninstall_")) else {
        return false;
    };
    release.split(|c: char| !c.is_ascii_alphanumeric()).any(|w| w.ends_with("db"))
}

/// Resource types that hold data or state but whose names begin other
/// types that do not (`google_project_iam_member`): matched whole, in
/// ASCII lower case.
///
/// And the generic types, whose name says nothing of what they manage
/// (an Azure PostgreSQL server as `azapi_resource`, a namespace or a
/// database operator's cluster as `kubernetes_manifest`, an RDS instance as
/// `aws_cloudcontrolapi_resource`): the kind is in an attribute the plan
/// reader does not read, so, failing closed, they count as holding data
/// (a Terraform plan audit: deleting a database through one was `peer` on
/// a leaf, where the typed resource was `multi_party`).
const DATASTORE_WHOLE_TYPES: &[&str] = &[
    "google_project",
    "google_folder",
    "azurerm_resource_group",
    "azurerm_subscription",
    "cloudflare_zone",
    "azapi_resource",
    "azapi_data_plane_resource",
    "kubernetes_manifest",
    "kubectl_manifest",
    "aws_cloudcontrolapi_resource",
    // Ansible's CloudFormation module told `state: absent` deletes its
    // whole stack.
    "cloudformation",
    "amazon.aws.cloudformation",
    // Kubernetes kinds, by the name the API gives them: a namespace
    // takes everything in it, a secret or a claim its data.
    "namespace",
    "secret",
    "persistent_volume_claim",
    "persistent_volume",
    // A command the git reader could not read because the line decodes it
    // from what it does not show and runs it (`echo "$P" | base64 -d |
    // sh`): what it destroys is unknown, so it counts as the worst.
    "hidden_command",
];

/// Words in resource types that name a queue or stream.
const QUEUE_TYPES: &[&str] = &[
    "sqs",
    "sns_topic",
    "kinesis",
    "msk",
    "kafka",
    "pubsub",
    "eventhub",
    "servicebus",
    "mq_broker",
    "nats",
    "rabbitmq",
    "storage_queue",
    "cloud_tasks_queue",
    "pulsar",
    "redpanda",
    "rpk_topic",
];

/// Words of what holds data that would otherwise read as a cache or as
/// infrastructure: a Redis flushed (`redis flushall`, as the git reader
/// names the command) loses every key, where a cache removed is only
/// refilled; etcd's keys, Vault's secrets engines and secrets
/// (`vault_mount`, `vault_kv_secret_v2`, `vault secrets disable`) and
/// Consul's keys are their systems' only copy (red team 12). Matched
/// before the queue and cache words.
const DATA_SERVICE_WORDS: &[&str] =
    &["flushall", "flushdb", "etcd", "vault_secrets", "vault_kv", "vault_mount", "consul_kv", "consul_key"];

/// Words in resource types that name a cache.
/// (DynamoDB Accelerator and Alibaba's KVStore, Redis or Memcache, red team
/// 17: each was `peer` deleted, where ElastiCache is `senior`.)
const CACHE_TYPES: &[&str] = &["elasticache", "memorystore", "redis", "valkey", "memcache", "dax_cluster", "kvstore"];

/// The node kind a resource type suggests.
///
/// Remembered per thread for the types seen (a plan of 100,000 resources
/// has a few dozen types, and each rule and counterfactual asks again:
/// the word search was a sixth of such an assessment's time). A pure
/// function's cache: answers are the same with it or without.
pub(crate) fn guess_kind(resource_type: &str) -> NodeKind {
    use std::cell::RefCell;
    use std::collections::HashMap;
    /// Types remembered; past it the cache starts over (a plan of
    /// distinct made-up types costs a word search each, as without it).
    const REMEMBERED: usize = 4096;
    thread_local! {
        static KINDS: RefCell<HashMap<Box<str>, NodeKind>> = RefCell::new(HashMap::new());
    }
    KINDS.with(|cache| {
        let known = cache.try_borrow().ok().and_then(|c| c.get(resource_type).copied());
        if let Some(kind) = known {
            return kind;
        }
        let kind = guess_kind_by_words(resource_type);
        if let Ok(mut c) = cache.try_borrow_mut() {
            if c.len() >= REMEMBERED {
                c.clear();
            }
            c.insert(resource_type.into(), kind);
        }
        kind
    })
}

/// [`guess_kind`] without the cache: the words the type contains, as
/// written (in lower case) and in Terraform's spelling ([`type_words`]),
/// so that the same resource named by Kubernetes, CloudFormation or Azure
/// (`PersistentVolumeClaim`, `AWS::EC2::Volume`,
/// `Microsoft.Storage/storageAccounts`) is what it is (a destruction
/// audit: each was `peer` on a leaf where Terraform's name was
/// `multi_party`).
fn guess_kind_by_words(resource_type: &str) -> NodeKind {
    let lower = resource_type.to_ascii_lowercase();
    let words = type_words(resource_type);
    [lower.as_str(), words.as_str()]
        .into_iter()
        .map(kind_of_words)
        .max_by_key(|k| kind_rank(*k))
        .unwrap_or(NodeKind::Infrastructure)
}

/// How much a kind's destruction loses, for picking the worst of two
/// readings: a datastore, then a queue, then a cache, then the rest.
fn kind_rank(kind: NodeKind) -> u8 {
    match kind {
        NodeKind::Datastore => 3,
        NodeKind::Queue => 2,
        NodeKind::Cache => 1,
        _ => 0,
    }
}

/// `resource_type` in the words Terraform's types use: ASCII lower case,
/// split into words where the case changes (`PersistentVolumeClaim` is
/// `persistent_volume_claim`, `DBInstance` `db_instance`), the separators
/// other tools write (`::`, `/`, `.`, `:`, `-`, spaces) read as `_`.
fn type_words(resource_type: &str) -> String {
    let chars: Vec<char> = resource_type.chars().collect();
    let mut out = String::with_capacity(resource_type.len() + 8);
    for (i, &c) in chars.iter().enumerate() {
        let prev = i.checked_sub(1).and_then(|j| chars.get(j)).copied();
        let next = chars.get(i + 1).copied();
        if c.is_ascii_uppercase()
            && prev.is_some_and(|p| {
                p.is_ascii_lowercase()
                    || p.is_ascii_digit()
                    || (p.is_ascii_uppercase() && next.is_some_and(|n| n.is_ascii_lowercase()))
            })
        {
            out.push('_');
        }
        if matches!(c, ':' | '/' | '.' | '-' | ' ') {
            out.push('_');
        } else {
            out.push(c.to_ascii_lowercase());
        }
    }
    let mut words = String::with_capacity(out.len());
    for part in out.split('_').filter(|p| !p.is_empty()) {
        if !words.is_empty() {
            words.push('_');
        }
        words.push_str(part);
    }
    words
}

/// The kind the words of `t` (in ASCII lower case) suggest.
fn kind_of_words(t: &str) -> NodeKind {
    // A database is one whatever else its name says (a red-team pass:
    // `azurerm_redis_enterprise_database` read as a cache, and caches lose
    // nothing that counts).
    if t.contains("database") || DATA_SERVICE_WORDS.iter().any(|w| t.contains(w)) {
        NodeKind::Datastore
    } else if QUEUE_TYPES.iter().any(|w| t.contains(w)) {
        NodeKind::Queue
    } else if CACHE_TYPES.iter().any(|w| t.contains(w)) {
        NodeKind::Cache
    } else if DATASTORE_TYPES.iter().any(|w| t.contains(w))
        || DATASTORE_WHOLE_TYPES.contains(&t)
        || WHOLE_STACK_COMMANDS.iter().any(|w| t.contains(w))
        || helm_release_of_a_database(t)
        || (DATA_WORDS.iter().any(|w| t.contains(w)) && !t.contains("_attachment"))
    {
        NodeKind::Datastore
    } else {
        NodeKind::Infrastructure
    }
}

/// The `freeze` rule's finding: the freezes in force that the change's
/// exceptions do not lift, and what they cover. Nodes a freeze of tiers
/// covers only because they state no tier (fail closed) are said, since
/// the report shows them in the graph's default tier (an explanations
/// audit: a tier-0 freeze blocked what the same report called tier 2,
/// unexplained).
fn freeze_finding(engine: &Engine, facts: &Facts<'_>) -> Option<(String, Vec<String>)> {
    let mut covered = Vec::new();
    let mut of_tiers = Vec::new();
    let mut names = Vec::new();
    for (freeze, nodes) in &facts.freezes {
        if facts.exceptions.iter().any(|e| freeze.allows(*e)) {
            continue;
        }
        names.push(freeze_name(freeze));
        covered.push(nodes);
        if matches!(freeze.scope, crate::context::FreezeScope::Tiers(_)) {
            of_tiers.push(nodes);
        }
    }
    if names.is_empty() {
        return None;
    }
    let (untiered, untiered_count) = untiered_names(&engine.graph, of_tiers);
    let (services, total) = covered_names(&engine.graph, covered);
    let mut listed = name_list_of(&services, total);
    if untiered_count > 0 {
        let (have, their) = if untiered_count == 1 { ("has", "its tier") } else { ("have", "their tiers") };
        listed.push_str(&format!(
            " ({} {have} no tier recorded, and a freeze of tiers covers every service of unknown \
             tier: record {their} in the graph)",
            name_list_of(&untiered, untiered_count)
        ));
    }

    let covers = match (services.is_empty(), facts.unplaced.is_empty()) {
        (false, true) => listed,
        (true, _) => unplaced_note(facts, UNPLACED_FROZEN),
        (false, false) => format!("{listed} and {}", unplaced_note(facts, UNPLACED_FROZEN)),
    };
    Some((
        format!(
            "{}, in force during the deploy window {} to {}, covers {covers}{}",
            name_list(&names),
            facts.checked_from,
            facts.window_end,
            exception_note(facts)
        ),
        services,
    ))
}

#[cfg(test)]
mod kind_tests {
    use super::{NodeKind, guess_kind, type_words};

    /// A destruction audit: the same resources named by Kubernetes,
    /// CloudFormation and Azure were not datastores, where Terraform's
    /// names were.
    #[test]
    fn other_tools_names_read_as_terraforms() {
        assert_eq!(type_words("PersistentVolumeClaim"), "persistent_volume_claim");
        assert_eq!(type_words("AWS::RDS::DBInstance"), "aws_rds_db_instance");
        assert_eq!(type_words("Microsoft.Storage/storageAccounts"), "microsoft_storage_storage_accounts");
        assert_eq!(type_words("aws_db_instance"), "aws_db_instance");
        for t in [
            "PersistentVolumeClaim",
            "PersistentVolume",
            "Namespace",
            "Secret",
            "AWS::EC2::Volume",
            "AWS::Logs::LogGroup",
            "AWS::KMS::Key",
            "AWS::SecretsManager::Secret",
            "AWS::ECR::Repository",
            "AWS::Route53::HostedZone",
            "Microsoft.Storage/storageAccounts",
        ] {
            assert_eq!(guess_kind(t), NodeKind::Datastore, "{t}");
        }
        for t in ["Deployment", "Service", "ConfigMap", "AWS::IAM::Role", "AWS::Lambda::Function"] {
            assert_eq!(guess_kind(t), NodeKind::Infrastructure, "{t}");
        }
        assert_eq!(guess_kind("AWS::SQS::Queue"), NodeKind::Queue);
    }

    /// Types whose deletion loses data (or the only key to it) are
    /// datastores: the destructive-datastore rule reads them.
    #[test]
    fn resources_that_hold_data_are_datastores() {
        for t in [
            "azapi_resource",
            "kubernetes_manifest",
            "kubectl_manifest",
            "aws_cloudcontrolapi_resource",
            "aws_s3control_bucket",
            "scaleway_object_bucket",
            "tencentcloud_cos_bucket",
            "linode_volume",
            "huaweicloud_evs_volume",
            "vultr_block_storage",
            "azurerm_mariadb_server",
            "azurerm_managed_lustre_file_system",
            "yandex_mdb_greenplum_cluster",
            "alicloud_hbase_instance",
            "aws_kms_key",
            "aws_backup_vault",
            "aws_glacier_vault",
            "azurerm_storage_account",
            "azurerm_storage_container",
            "google_bigquery_dataset",
            "google_bigquery_table",
            "kubernetes_persistent_volume_claim",
            "aws_fsx_lustre_file_system",
            "aws_secretsmanager_secret",
            "google_secret_manager_secret",
            "azurerm_key_vault",
            "google_kms_crypto_key",
            "aws_kms_replica_key",
            "aws_db_snapshot",
            "aws_ebs_snapshot",
            "google_filestore_instance",
            "aws_s3_directory_bucket",
            "aws_qldb_ledger",
            "azurerm_container_registry",
            "google_secret_manager_regional_secret",
            "azurerm_storage_share",
            "aws_cognito_user_pool",
            "aws_cloudwatch_log_group",
            "vault_mount",
            "google_healthcare_fhir_store",
            "azurerm_redis_enterprise_database",
            "cloudflare_r2_bucket",
            "snowflake_table",
            "aws_s3_object",
            // A fail-closed audit of plans: each of these was `peer` when
            // replaced in a leaf service.
            "aws_ssm_parameter",
            "vault_kv_secret_v2",
            "vault_generic_secret",
            "vault_transit_secret_backend_key",
            "kubernetes_secret",
            "kubernetes_secret_v1",
            "aws_acmpca_certificate_authority",
            "google_privateca_certificate_authority",
            "aiven_pg",
            "aiven_cassandra",
            "aiven_clickhouse",
            "aiven_mysql",
            "aiven_opensearch",
            "aiven_m3db",
            "aiven_influxdb",
            "cloudflare_workers_kv_namespace",
            "cloudflare_r2_bucket",
            "cloudflare_d1_database",
            "snowflake_schema",
            "snowflake_database",
            "snowflake_table",
            "databricks_table",
            "databricks_schema",
            "databricks_catalog",
            "aws_cloudsearch_domain",
            "oci_core_volume",
            "oci_core_boot_volume",
            "oci_objectstorage_bucket",
            "oci_database_autonomous_database",
            "oci_mysql_mysql_db_system",
            "oci_file_storage_file_system",
            "oci_kms_vault",
            "oci_vault_secret",
            "azurerm_log_analytics_workspace",
            "azurerm_recovery_services_vault",
            "kubernetes_namespace",
            "kubernetes_namespace_v1",
            "google_project",
            "azurerm_resource_group",
            "aws_cloudformation_stack",
            "helm_release",
            "aws_route53_zone",
            "google_dns_managed_zone",
            "azurerm_dns_zone",
            "azurerm_private_dns_zone",
            "cloudflare_zone",
            "Google_Project",
        ] {
            assert_eq!(guess_kind(t), NodeKind::Datastore, "{t}");
        }
        assert_eq!(guess_kind("aws_lb_listener_rule"), NodeKind::Infrastructure);
        // Types that only begin with a container's name hold nothing.
        for t in ["google_project_iam_member", "google_project_service", "azurerm_resource_group_policy_assignment"] {
            assert_eq!(guess_kind(t), NodeKind::Infrastructure, "{t}");
        }
        // Attaching a volume is not the volume.
        for t in ["aws_volume_attachment", "linode_volume_attachment"] {
            assert_eq!(guess_kind(t), NodeKind::Infrastructure, "{t}");
        }
    }

    /// Queues and caches of the same audit, each in its class.
    #[test]
    fn audited_queues_and_caches_keep_their_class() {
        assert_eq!(guess_kind("google_cloud_tasks_queue"), NodeKind::Queue);
        assert_eq!(guess_kind("aiven_kafka"), NodeKind::Queue);
        assert_eq!(guess_kind("aiven_redis"), NodeKind::Cache);
        assert_eq!(guess_kind("aiven_valkey"), NodeKind::Cache);
    }

    /// Red team 12: data services' own commands, as the git reader names
    /// them, hold data (a flushed Redis most of all, though Redis alone
    /// reads as a cache); the same systems' Terraform types with them.
    #[test]
    fn data_service_commands_hold_data() {
        for t in [
            "redis flushall",
            "redis flushdb",
            "etcdctl del --prefix",
            "vault secrets disable",
            "vault kv destroy",
            "vault kv metadata delete",
            "consul kv delete -recurse",
            "mongodb dropDatabase",
            "mongodb collection drop",
            "docker compose down --volumes",
            "docker volume rm",
            "docker volume prune",
            "vault_mount",
            "vault_kv_secret_v2",
            "consul_keys",
        ] {
            assert_eq!(guess_kind(t), NodeKind::Datastore, "{t}");
        }
        for t in [
            "kafka-topics --delete",
            "kafka-delete-records",
            "rpk topic delete",
            "rabbitmqadmin delete queue",
            "rabbitmqctl purge_queue",
            "rabbitmqctl force_reset",
            "kafka-configs retention",
            "nats stream rm",
            "pulsar-admin topics delete",
            "pulsar-admin tenants delete",
        ] {
            assert!(matches!(guess_kind(t), NodeKind::Queue), "{t}");
        }
        // Neither a cache removed nor a Vault policy holds data.
        assert_eq!(guess_kind("aws_elasticache_cluster"), NodeKind::Cache);
        // Red team 17.
        assert_eq!(guess_kind("aws_dax_cluster"), NodeKind::Cache);
        assert_eq!(guess_kind("alicloud_kvstore_instance"), NodeKind::Cache);
        assert_eq!(guess_kind("aws_cloudwatch_log_stream"), NodeKind::Datastore);
        assert_eq!(guess_kind("aws_sagemaker_feature_group"), NodeKind::Datastore);
        assert_eq!(guess_kind("vault_policy"), NodeKind::Infrastructure);
    }
}
