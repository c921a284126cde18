//! From the final depth to who approves and how to roll out.

use blastgate_change::{ChangeKind, Changeset, FileOwnership, ResolvedChange};
use blastgate_graph::{Affected, BlastRadius, NodeKind, NodeRef, Tier};

use super::{Engine, name_list};
use crate::assessment::{
    Approval, ApprovalRole, Diagnostic, FiredRule, Level, RolloutPlan, RolloutStep, RolloutStrategy,
    SeparationOfDuties, Watch, round6,
};
use crate::depth::ReviewDepth;
use crate::policy::RuleCheck;

/// What a `block` means and how to break the glass.
pub(crate) const BREAK_GLASS: &str = "Do not deploy now: the gate stops this change. To deploy anyway in an emergency, \
     every approval listed must be given by people other than the author, including the break-glass approver, \
     with a written reason recorded in the deploy tool; the change then rolls out as a `multi_party` change \
     does, staged (1, 10, 25, 50 and 100%, an hour between stages, its owners watching), starting at the \
     deploy window's start: the window covers those four hours. blastgate records the decision; it never \
     grants the exception itself.";

/// A team (or none), the highest weight x probability among the critical
/// nodes it owns that the change reaches, and those nodes.
type TeamExposure<'a> = (Option<&'a str>, (f64, Vec<String>));

/// Most services listed to watch.
pub(crate) const MAX_WATCH: usize = 10;

/// The approvals `depth` requires, and the separation of duties.
pub(crate) fn approvals(
    (engine, context): (&Engine, &crate::context::Context),
    changeset: &Changeset,
    resolved: &ResolvedChange,
    blast: &BlastRadius,
    depth: ReviewDepth,
    diagnostics: &mut Vec<Diagnostic>,
) -> (Vec<Approval>, SeparationOfDuties) {
    let graph = &engine.graph;
    let senior = engine.policy.seniority.senior.clone();
    // The author and the contributors: none of them may approve, nor be the
    // owner asked (their own change).
    let excluded = super::excluded_people(changeset, context);
    let people = People::new(&excluded);
    let author = &people;
    let mut out = Vec::new();
    let approval = |role, teams: Vec<String>, min_seniority: Option<String>, reason: String| Approval {
        role,
        count: 1,
        teams,
        min_seniority,
        reason,
    };

    if depth == ReviewDepth::Peer {
        out.push(approval(
            ApprovalRole::Peer,
            Vec::new(),
            None,
            "a second pair of eyes: any engineer but the author".into(),
        ));
    }
    if depth >= ReviewDepth::Owner {
        // One approval per team owning changed nodes: spellings of one
        // team (`Team-A`, `group:default/team-a`) are one approval, any of
        // them approving (a red team: two sources' spellings asked the
        // team twice).
        let mut by_team: std::collections::BTreeMap<String, (Vec<&str>, Vec<String>)> = Default::default();
        let mut unowned = Vec::new();
        // Nodes an owner other than whoever made the change approves.
        let mut asked: std::collections::BTreeSet<&str> = Default::default();
        for t in &resolved.touched {
            // The owner and the co-owners, whom equally trusted sources
            // named beside the owner kept: each approves.
            let mut owners = graph.node(t.index).into_iter().flat_map(NodeRef::owners).peekable();
            if owners.peek().is_none() {
                unowned.push(t.id.clone());
            }
            for team in owners {
                let entry = by_team.entry(team_key(team)).or_default();
                if !entry.0.contains(&team) {
                    entry.0.push(team);
                }
                entry.1.push(t.id.clone());
                if !is_author(team, author) {
                    asked.insert(t.id.as_str());
                }
            }
        }
        // A graph owner who made the change (a person named as a node's
        // owner, a Backstage `user:` owner) cannot approve it: a senior
        // stands in, as for a file only the author owns (an audit: the only
        // owner approval named the excluded author), unless a co-owner
        // approves the node (as for a CODEOWNERS set the author is in).
        let mut authors_nodes: Vec<String> = Vec::new();
        let not_deployed: std::collections::BTreeSet<&str> =
            resolved.touched.iter().filter(|t| !t.runtime).map(|t| t.id.as_str()).collect();
        for (spellings, services) in by_team.values_mut() {
            spellings.sort_unstable();
            if spellings.iter().any(|team| is_author(team, author)) {
                authors_nodes.extend(services.iter().filter(|s| !asked.contains(s.as_str())).cloned());
                continue;
            }
            services.sort_unstable();
            services.dedup();
            // A node changed in its documentation or tests alone is said to
            // be (an explanations audit: "owns changed X" of a README the
            // report says deploys nothing).
            let shown: Vec<String> = services
                .iter()
                .map(|s| match not_deployed.contains(s.as_str()) {
                    true => format!("{s} (documentation or tests only)"),
                    false => s.clone(),
                })
                .collect();
            out.push(approval(
                ApprovalRole::Owner,
                spellings.iter().map(|t| (*t).to_owned()).collect(),
                None,
                format!("owns changed {}", name_list(&shown)),
            ));
        }
        if !authors_nodes.is_empty() {
            authors_nodes.sort_unstable();
            authors_nodes.dedup();
            let names = name_list(&authors_nodes);
            let who = who_made_it(&excluded);
            diagnostics.push(Diagnostic::new(
                Level::Warning,
                "author-sole-owner",
                format!(
                    "{who} is the graph's owner of {names}, and cannot approve their own change: a senior engineer \
                     stands in. Give the node a team as its owner"
                ),
            ));
            out.push(approval(
                ApprovalRole::Owner,
                Vec::new(),
                Some(senior.clone()),
                format!("{who} is the graph's owner of {names}: a senior engineer who knows it"),
            ));
        }
        if !unowned.is_empty() || resolved.touched.is_empty() {
            let what = if !unowned.is_empty() {
                name_list(&unowned)
            } else if changeset.files.is_empty() {
                "the change".to_owned()
            } else {
                "the changed files".to_owned()
            };
            // The files that speak for the ownerless nodes (all of them
            // when the change touches no node), and of those the code, not
            // every file: a README's catch-all owners must not widen who
            // may approve it. A change of docs or tests alone asks those
            // files' owners.
            let theirs: Vec<&FileOwnership> = resolved
                .ownership
                .iter()
                .filter(|f| resolved.touched.is_empty() || f.nodes.iter().any(|n| unowned.contains(n)))
                .collect();
            // An ownerless node no changed file speaks for (named, or
            // changed by infrastructure) needs someone who knows it: the
            // owners of another node's files do not.
            let spoken_for: std::collections::BTreeSet<&str> =
                theirs.iter().flat_map(|f| f.nodes.iter().map(String::as_str)).collect();
            let bare: Vec<String> = unowned.iter().filter(|n| !spoken_for.contains(n.as_str())).cloned().collect();
            let code: Vec<&FileOwnership> = theirs.iter().copied().filter(|f| f.deploys).collect();
            let files = if code.is_empty() { theirs } else { code };
            let help = "Give the graph node an owner, or give a CODEOWNERS file with a rule that covers its changed files (`--codeowners`, or `RepoMapping::with_codeowners`)";
            if !files.is_empty() || bare.is_empty() {
                let context = format!("(no owner in the graph for {what})");
                owners_by_file(&files, (engine, author), &what, &context, help, &mut out, diagnostics);
            }
            if !bare.is_empty() {
                let names = name_list(&bare);
                let context = format!("(no owner in the graph for {names})");
                owners_by_file(&[], (engine, author), &names, &context, help, &mut out, diagnostics);
            }
        }
        if !resolved.touched.is_empty() && !resolved.unmapped_runtime_files.is_empty() {
            // (Such files may be touched nodes' by a stated `service`; the
            // claim does not say where they run.)
            // Files that deploy somewhere the graph does not show, beside
            // the nodes: the nodes' teams do not know where they run. (A
            // change that touches no node asked the files' owners above.)
            let unplaced: std::collections::BTreeSet<&str> =
                resolved.unmapped_runtime_files.iter().map(String::as_str).collect();
            let files: Vec<&FileOwnership> =
                resolved.ownership.iter().filter(|f| f.deploys && unplaced.contains(f.path.as_str())).collect();
            let names = name_list(&resolved.unmapped_runtime_files);
            owners_by_file(
                &files,
                (engine, author),
                &format!("{names}, which map to no graph node by their path"),
                "(they map to no graph node by their path)",
                "Map them to their service, or give a CODEOWNERS file (`--codeowners`, or `RepoMapping::with_codeowners`)",
                &mut out,
                diagnostics,
            );
        }
        if !resolved.touched.is_empty() {
            // Infrastructure that maps to no node, and named services the
            // graph lacks (`--allow-unknown-services`), beside the nodes:
            // where they run is unknown, and the nodes' teams do not own
            // them, so a senior stands in for them as for unplaced files
            // (an interactions audit: beside a one-line change to a known
            // node, its team was the only owner asked for an unplaced
            // resource's delete, with no warning).
            let resources: Vec<String> = changeset
                .infrastructure
                .iter()
                .filter(|r| !r.is_inert())
                .filter(|r| r.node.as_deref().and_then(|n| graph.index_of(n)).is_none())
                .filter(|r| blastgate_change::module_nodes(graph, r).is_empty())
                .map(|r| r.address.clone())
                .collect();
            let services: Vec<String> =
                changeset.services.iter().filter(|s| graph.index_of(s).is_none()).cloned().collect();
            // The advice for what is there (an embedder audit: a named
            // service the graph lacks was told to map its resources).
            let advice = match (resources.is_empty(), services.is_empty()) {
                (false, true) => "Map the resources to their node (`node`, or a module named after it)",
                (true, false) => "Add the services to the graph, or correct their ids",
                _ => {
                    "Map the resources to their node (`node`, or a module named after it), and add the services \
                      to the graph"
                }
            };
            let mut elsewhere: Vec<String> = resources.into_iter().chain(services).collect();
            elsewhere.sort_unstable();
            elsewhere.dedup();
            if !elsewhere.is_empty() {
                let names = name_list(&elsewhere);
                let verb = if elsewhere.len() == 1 { "maps" } else { "map" };
                owners_by_file(
                    &[],
                    (engine, author),
                    &format!("{names}, which {verb} to no graph node"),
                    "(they map to no graph node)",
                    advice,
                    &mut out,
                    diagnostics,
                );
            }
        }
        // The CODEOWNERS owners of code changed in nodes the graph gives an
        // owner: a code host asks them whatever the graph says (an audit:
        // `/orders/auth/ @org/security` went unasked because `orders` has
        // a graph owner, so the security team never saw a change to its
        // code). A set naming a changed node's owner adds nothing: that
        // team is asked anyway; unless the owner made the change, when a
        // senior stands in for it and the set's other owners are asked (a
        // red-team pass: `@bob @org/security`, bob the author and the
        // node's owner, dropped security).
        let owned: std::collections::BTreeMap<&str, &str> = resolved
            .touched
            .iter()
            .filter_map(|t| graph.node(t.index).and_then(|n| n.owner()).map(|o| (t.id.as_str(), o)))
            .collect();
        let asked = |team: &str| !is_author(team, author);
        let beside: Vec<&FileOwnership> = resolved
            .ownership
            .iter()
            .filter(|f| {
                f.deploys
                    && !f.owners.is_empty()
                    && !f.nodes.is_empty()
                    && f.nodes.iter().all(|n| owned.contains_key(n.as_str()))
                    && !f.owners.iter().any(|o| {
                        f.nodes.iter().any(|n| owned.get(n.as_str()).is_some_and(|t| asked(t) && same_team(o, t)))
                    })
            })
            .collect();
        codeowners_beside(&beside, author, &engine.policy.seniority.senior, &mut out);
    }
    // The nodes the change deploys, for who counts as a changed node's
    // team beyond the owner approvals: a README in another service's folder
    // changes nothing there, and must neither let that team supply the
    // senior approval nor turn a tier-0 team's critical-owner approval
    // into a plain owner's (found by a gaming audit). A change that deploys
    // nothing goes by every node it touches.
    let deployed: Vec<&blastgate_change::TouchedNode> = if resolved.touched.iter().any(|t| t.runtime) {
        resolved.touched.iter().filter(|t| t.runtime).collect()
    } else {
        resolved.touched.iter().collect()
    };
    if depth >= ReviewDepth::Senior {
        // Co-owners count as owners here too (a red team: the senior could
        // come only from the team whose name sorts first).
        let mut teams: Vec<String> = deployed
            .iter()
            .filter_map(|t| graph.node(t.index))
            .flat_map(NodeRef::owners)
            .chain(blast.owners())
            .map(str::to_owned)
            .collect();
        // Whoever made the change is no team to take a senior from (a
        // person owning a node): with none left, any senior engineer.
        teams.retain(|t| !is_author(t, author));
        teams.sort_unstable();
        teams.dedup();
        let mut reason =
            format!("a `{senior}` engineer (or above) from an owning or impacted team, besides the owners");
        // Bounded as the other approvals are, by MAX_OWNER_APPROVALS, not
        // by the listing limit: a gate that checks `teams` turned away a
        // senior of the 51st impacted team (a decision audit: 61 teams,
        // 50 listed, against cli.md's "approvals are never bounded by
        // `limits.max_listed_affected`").
        if teams.len() > MAX_OWNER_APPROVALS {
            // A huge radius: the owning teams, then impacted ones by name,
            // up to the bound; any team counts, the list is only bounded.
            let owning: Vec<String> = deployed
                .iter()
                .filter_map(|t| graph.node(t.index))
                .flat_map(NodeRef::owners)
                .map(str::to_owned)
                .collect();
            let more = teams.len() - MAX_OWNER_APPROVALS;
            teams.sort_by_key(|t| !owning.contains(t));
            teams.truncate(MAX_OWNER_APPROVALS);
            teams.sort_unstable();
            reason.push_str(&format!(" ({more} more impacted teams not listed also qualify)"));
        }
        out.push(approval(ApprovalRole::Senior, teams, Some(senior.clone()), reason));
    }
    let mut critical_owners = 0;
    if depth >= ReviewDepth::MultiParty {
        // The changed nodes' teams are asked as owners already, except an
        // owner who made the change: a tier-0 node they own too needs its
        // own stand-in (an approvals audit: the author's tier-0 node was
        // skipped as a changed node's, whose owner was never asked).
        let changed_teams: Vec<&str> = deployed
            .iter()
            .filter_map(|t| graph.node(t.index))
            .flat_map(NodeRef::owners)
            .filter(|o| !is_author(o, author))
            .collect();
        // Each team owning impacted critical nodes, with those nodes and the
        // most critical weight x probability among them.
        let mut by_team: std::collections::BTreeMap<Option<&str>, (f64, Vec<String>)> = Default::default();
        for a in blast.affected() {
            if let Some(n) = graph.node(a.node()) {
                let critical = n.effective_tier() == Tier::CRITICAL || n.kind() == NodeKind::Journey;
                if !critical {
                    continue;
                }
                // Every owner of the node, co-owners too (a red team: only
                // the owner whose name sorts first was asked, so a second
                // source naming another owner moved the sign-off away from
                // the tier-0 team), unless asked as a changed node's.
                let owners: Vec<Option<&str>> = match n.owner() {
                    Some(_) => n.owners().map(Some).collect(),
                    None => vec![None],
                };
                for owner in owners {
                    if owner.is_some_and(|o| changed_teams.contains(&o)) {
                        continue;
                    }
                    let entry = by_team.entry(owner).or_default();
                    entry.0 = entry.0.max(a.probability().get() * engine.config.weight(n));
                    entry.1.push(n.id().to_owned());
                }
            }
        }
        // Every such team is asked, the most exposed first. Not the listing
        // limit (50 by default, and a policy may set 1): past it the rest
        // were one senior stand-in, so the least exposed team (a security
        // team behind a soft edge) was never asked (found by a limits
        // audit). Past [`MAX_OWNER_APPROVALS`] teams, the rest are one
        // requirement, so the list stays bounded on hostile graphs.
        let mut teams: Vec<TeamExposure<'_>> = by_team.into_iter().collect();
        teams.sort_by(|a, b| b.1.0.total_cmp(&a.1.0).then_with(|| a.0.cmp(&b.0)));
        let rest = teams.split_off(teams.len().min(MAX_OWNER_APPROVALS));
        teams.sort_by(|a, b| a.0.cmp(&b.0));
        for (team, (_, services)) in teams {
            critical_owners += 1;
            match team {
                Some(team) if is_author(team, author) => out.push(approval(
                    ApprovalRole::CriticalOwner,
                    Vec::new(),
                    Some(senior.clone()),
                    format!(
                        "impacted critical {} (tier 0, or a user journey) is owned by {}, who cannot approve their own \
                         change: a senior engineer who knows it",
                        name_list(&services),
                        who_made_it(&excluded)
                    ),
                )),
                Some(team) => out.push(approval(
                    ApprovalRole::CriticalOwner,
                    vec![team.to_owned()],
                    None,
                    // (Journeys are critical at any tier: "tier-0" named a tier-1
                    // journey wrongly, a decision audit.)
                    format!("owns impacted critical {} (tier 0, or a user journey)", name_list(&services)),
                )),
                None => out.push(approval(
                    ApprovalRole::CriticalOwner,
                    Vec::new(),
                    Some(senior.clone()),
                    format!(
                        "impacted critical {} (tier 0, or a user journey) has no recorded owner: a senior engineer who \
                         knows it",
                        name_list(&services)
                    ),
                )),
            }
        }
        if !rest.is_empty() {
            let services: usize = rest.iter().map(|(_, (_, s))| s.len()).sum();
            out.push(approval(
                ApprovalRole::CriticalOwner,
                Vec::new(),
                Some(senior.clone()),
                format!(
                    "{} more teams own {services} more impacted tier-0 services or journeys (see blast_radius): \
                     a change this wide needs a `{senior}` engineer to coordinate their sign-off",
                    rest.len()
                ),
            ));
        }
    }
    if depth == ReviewDepth::Block {
        let top = engine.policy.seniority.scale.last().cloned().unwrap_or_else(|| senior.clone());
        out.push(approval(
            ApprovalRole::BreakGlass,
            Vec::new(),
            Some(top),
            "blocked: only an emergency break-glass approval, with a written reason, lets it through".into(),
        ));
    }
    let distinct = match depth {
        ReviewDepth::Auto => 0,
        ReviewDepth::Peer | ReviewDepth::Owner => 1,
        ReviewDepth::Senior => 2,
        ReviewDepth::MultiParty => 2 + u32::from(critical_owners > 0),
        ReviewDepth::Block => 3 + u32::from(critical_owners > 0),
    };
    if depth > ReviewDepth::Auto && changeset.author.id.trim().is_empty() {
        diagnostics.push(Diagnostic::new(
            Level::Warning,
            "no-author",
            "the change names no author, so no one can be excluded as its author from approving it \
             (`separation_of_duties.excluded_author` is empty), and its author counts as the lowest seniority \
             level with no prior changes, whatever the changeset states. Name the author: `--author ID` on the command line (the pull request's author), or \
             `author.id` in the changeset",
        ));
    }
    let separation = SeparationOfDuties {
        excluded_author: changeset.author.id.clone(),
        excluded,
        humans_only: true,
        distinct_approvers: distinct,
    };
    (out, separation)
}

/// How many lengths a rollout can take (the sums of its steps' bake times
/// below: 0, 30, 90 and 240 minutes).
pub(crate) const ROLLOUT_LENGTHS: usize = 4;

/// Why a rollout is at least staged and mandatory whatever the depth.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Critical {
    /// A critical-reach rule fired: the radius reaches tier 0.
    Reach,
    /// The change deploys something no graph node places (`unplaced`):
    /// its reach is unknown, so it may reach tier 0 (fail closed, as the
    /// freeze rule and the destructive rule assume).
    Unknown,
}

/// The rollout's strategy and steps (percent, bake minutes) for `depth`:
/// at least staged, and mandatory, when a critical-reach rule fired or
/// the change deploys something no graph node places (`unplaced`).
fn rollout_steps(
    engine: &Engine,
    depth: ReviewDepth,
    fired: &[FiredRule],
    unplaced: bool,
) -> (RolloutStrategy, Option<Critical>, &'static [(u32, u32)]) {
    let critical_rule = fired
        .iter()
        .any(|f| engine.policy.rules.iter().any(|r| r.id == f.id && matches!(r.check, RuleCheck::CriticalReach)));
    let critical = if critical_rule {
        Some(Critical::Reach)
    } else if unplaced {
        Some(Critical::Unknown)
    } else {
        None
    };
    let by_depth = match depth {
        ReviewDepth::Auto | ReviewDepth::Peer => RolloutStrategy::AllAtOnce,
        ReviewDepth::Owner | ReviewDepth::Senior => RolloutStrategy::Canary,
        ReviewDepth::MultiParty => RolloutStrategy::Staged,
        ReviewDepth::Block => RolloutStrategy::DoNotDeploy,
    };
    let strategy = if critical.is_some() { by_depth.max(RolloutStrategy::Staged) } else { by_depth };
    (strategy, critical, steps_of(strategy, depth))
}

/// The steps (percent, bake minutes) of `strategy` at `depth`.
fn steps_of(strategy: RolloutStrategy, depth: ReviewDepth) -> &'static [(u32, u32)] {
    match (strategy, depth) {
        (RolloutStrategy::AllAtOnce, _) => &[(100, 0)],
        (RolloutStrategy::Canary, ReviewDepth::Owner) => &[(5, 15), (50, 15), (100, 0)],
        (RolloutStrategy::Canary, _) => &[(1, 30), (10, 30), (50, 30), (100, 0)],
        (RolloutStrategy::Staged, _) => &[(1, 60), (10, 60), (25, 60), (50, 60), (100, 0)],
        (RolloutStrategy::DoNotDeploy, _) => &[],
    }
}

/// How long the rollout for `depth` takes, in minutes: its bake times. A
/// blocked change deploys only by break glass, and then rolls out as a
/// `multi_party` change does ([`BREAK_GLASS`]): the span checked for
/// freezes and changes in flight covers that rollout (an audit: the text
/// promised a four-hour staged rollout over a window checked for one hour).
/// `unplaced`: the change deploys something no graph node places.
///
/// A rollout the change declares (`safety.rollout`) more careful than the
/// plan's takes longer than the plan's, and the deploy then runs that long:
/// its span counts, as the plan's steps for that strategy at this depth
/// (a red team: a `peer` change declaring `staged` was checked for freezes
/// over one hour while it rolled out over four; the stages it would deploy
/// into a freeze went unseen).
pub(crate) fn rollout_minutes(
    engine: &Engine,
    changeset: &Changeset,
    depth: ReviewDepth,
    fired: &[FiredRule],
    unplaced: bool,
) -> u32 {
    let depth = depth.min(ReviewDepth::MultiParty);
    let (strategy, _, steps) = rollout_steps(engine, depth, fired, unplaced);
    let mandated: u32 = steps.iter().map(|&(_, bake)| bake).sum();
    let declared = changeset.safety.rollout.map(declared_strategy).filter(|&s| s > strategy);
    let declared: u32 = declared.map_or(0, |s| steps_of(s, depth).iter().map(|&(_, bake)| bake).sum());
    mandated.max(declared)
}

/// The strategy a declared rollout counts as: a flag's ramp as a canary,
/// not as staged by cell or region.
fn declared_strategy(declared: blastgate_change::Rollout) -> RolloutStrategy {
    use blastgate_change::Rollout;
    match declared {
        Rollout::AllAtOnce => RolloutStrategy::AllAtOnce,
        Rollout::Canary | Rollout::FeatureFlag => RolloutStrategy::Canary,
        Rollout::Staged => RolloutStrategy::Staged,
    }
}

/// A warning when the rollout the change declares (`safety.rollout`) is
/// less careful than the plan mandates: the decision's deploy window and
/// approvals assume the mandated rollout (a rollout audit: a change
/// declaring `all_at_once` under a mandatory staged plan passed without a
/// word). A flag's ramp counts as a canary, not as staged by cell or
/// region. An advised plan's warning says so. Nothing for a blocked
/// change.
pub(crate) fn declared_rollout_below(changeset: &Changeset, plan: &RolloutPlan) -> Option<Diagnostic> {
    use blastgate_change::Rollout;
    let declared = changeset.safety.rollout?;
    let as_strategy = declared_strategy(declared);
    let name = match declared {
        Rollout::AllAtOnce => "all_at_once",
        Rollout::Canary => "canary",
        Rollout::FeatureFlag => "feature_flag",
        Rollout::Staged => "staged",
    };
    let mandated = match plan.strategy {
        RolloutStrategy::AllAtOnce | RolloutStrategy::DoNotDeploy => return None,
        RolloutStrategy::Canary => "canary",
        RolloutStrategy::Staged => "staged",
    };
    // An advised plan too (a red team: a `senior` change declaring
    // `all_at_once` under its advised canary passed without a word).
    let (verb, consequence) = if plan.mandatory {
        ("mandates", "or the deploy window and approvals decided here do not hold")
    } else {
        ("advises", "the reviewers weigh the faster rollout")
    };
    (as_strategy < plan.strategy).then(|| {
        Diagnostic::new(
            Level::Warning,
            "declared-rollout-below-plan",
            format!(
                "the change declares `safety.rollout: {name}`, but the plan {verb} a `{mandated}` rollout ({}): \
                 roll it out as the plan says, {consequence}",
                plan.reason
            ),
        )
    })
}

/// Most entries of [`RolloutPlan::not_staged`], the last counting the
/// destroyed resources not named.
const MAX_NOT_STAGED: usize = 20;

/// What a rollout's steps cannot stage (see [`RolloutPlan::not_staged`]):
/// a change stated irreversible, the schema migrations, then the destroyed
/// or replaced resources, at most [`MAX_NOT_STAGED`] entries in all, the
/// last counting the resources past them (a decision audit: 25 resources,
/// a migration and an irreversible change made 23 entries, the count in
/// the middle).
fn not_staged(changeset: &Changeset, resolved: &ResolvedChange) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    if changeset.safety.reversible == Some(false) {
        out.push(
            "the change, stated irreversible (`safety.reversible: false`): a rollback does not undo it".to_owned(),
        );
    }
    let migrations = resolved.kinds.get(&ChangeKind::SchemaMigration).copied().unwrap_or(0);
    if migrations > 0 {
        let files = if migrations == 1 {
            "1 schema migration file".to_owned()
        } else {
            format!("{migrations} schema migration files")
        };
        out.push(format!(
            "{files}: the database changes once, for every user; deploy code that works with both schemas first"
        ));
    }
    let mut destroyed: Vec<String> = resolved.destructive.iter().map(super::rules::describe).collect();
    destroyed.sort_unstable();
    destroyed.dedup();
    let room = MAX_NOT_STAGED.saturating_sub(out.len());
    let named = if destroyed.len() > room { room.saturating_sub(1) } else { destroyed.len() };
    out.extend(destroyed.iter().take(named).map(|r| format!("{r}: the resource is destroyed once, for every user")));
    if destroyed.len() > named {
        out.push(format!("{} more destroyed or replaced resources", destroyed.len() - named));
    }
    out
}

/// The rollout plan for `depth`, at least staged when a critical-reach rule
/// fired.
pub(crate) fn rollout(
    engine: &Engine,
    (changeset, resolved): (&Changeset, &ResolvedChange),
    ranked: &[(&str, &Affected)],
    depth: ReviewDepth,
    fired: &[FiredRule],
    unplaced: bool,
) -> RolloutPlan {
    let (strategy, critical, steps) = rollout_steps(engine, depth, fired, unplaced);
    let reason = match strategy {
        RolloutStrategy::AllAtOnce => "low risk: deploy at once and watch the dashboards",
        RolloutStrategy::Canary => "a canary first, widening after each bake time if the watched services stay healthy",
        RolloutStrategy::Staged if critical == Some(Critical::Reach) => {
            "the blast radius reaches tier-0 services or journeys: staged by cell or region, one stage at a time"
        }
        RolloutStrategy::Staged if critical == Some(Critical::Unknown) => {
            "the change deploys what no graph node places, so its blast radius is unknown and may reach tier 0: \
             staged by cell or region, one stage at a time"
        }
        RolloutStrategy::Staged => "multi-party review: staged by cell or region, one stage at a time",
        RolloutStrategy::DoNotDeploy => "blocked: do not deploy now",
    };
    // The services the change deploys first (the most critical first, at
    // most half the list), then the most critically affected downstream
    // ones. A rollout audit: a change to a tier-0 service nothing depends
    // on got four mandatory staged hours whose every stage watched nothing.
    let mut deployed: Vec<(f64, &str, u8, Option<&str>)> = resolved
        .deployed_indices()
        .into_iter()
        .filter_map(|i| engine.graph.node(i))
        .map(|n| (engine.config.weight(n), n.id(), n.effective_tier().level(), n.owner()))
        .collect();
    deployed.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(b.1)));
    let mut watch: Vec<Watch> = deployed
        .iter()
        .take(MAX_WATCH / 2)
        .map(|&(_, id, tier, owner)| Watch {
            service: id.to_owned(),
            probability: 1.0,
            tier,
            owner: owner.map(str::to_owned),
        })
        .collect();
    let room = MAX_WATCH.saturating_sub(watch.len());
    watch.extend(ranked.iter().take(room).map(|&(id, a)| Watch {
        service: id.to_owned(),
        probability: round6(a.probability().get()),
        tier: a.tier().level(),
        owner: engine.graph.node(a.node()).and_then(|n| n.owner()).map(str::to_owned),
    }));
    let not_staged = not_staged(changeset, resolved);
    let mut reason = reason.to_owned();
    if !not_staged.is_empty() && strategy != RolloutStrategy::DoNotDeploy {
        // (Steps only where there are some: an explanations audit read
        // "the steps stage the code only" of a rollout all at once.)
        let staged = if steps.len() > 1 { "the steps stage the code only: " } else { "" };
        reason.push_str(&format!(
            "; {staged}what `not_staged` lists happens once, for every user, so apply it on its own, after a \
             verified backup or final snapshot, with the owners watching"
        ));
    }
    RolloutPlan {
        strategy,
        mandatory: critical.is_some() || depth >= ReviewDepth::MultiParty,
        steps: steps.iter().map(|&(percent, bake_minutes)| RolloutStep { percent, bake_minutes }).collect(),
        watch,
        reason,
        not_staged,
    }
}

/// Owner approvals for `files`, taken file by file as a code host takes
/// them: every file needs an approval from one of its CODEOWNERS owners.
/// Files with the same owners share one approval, and so do files whose
/// owners include a smaller set that is asked anyway (an approver from it
/// owns them too). Files no rule owns, or `files` empty, need a senior
/// engineer who knows them (a `no-owner` warning says how to record an
/// owner). Past [`MAX_OWNER_APPROVALS`] sets of owners, the rest are one
/// approval by a senior engineer who coordinates their owners' sign-off.
/// The author is never one of the owners asked (they cannot approve their
/// own change): a file only the author owns needs a senior stand-in, as an
/// unowned one does (an `author-sole-owner` warning says so).
fn owners_by_file(
    files: &[&FileOwnership],
    (engine, author): (&Engine, &People<'_>),
    what: &str,
    context: &str,
    help: &str,
    out: &mut Vec<Approval>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let (groups, unowned, authors_own) = owner_groups(files, author);
    // Bounded by MAX_OWNER_APPROVALS (`owner_sets`), not the listing
    // limit: past 50 sets the rest were one senior stand-in, so touching
    // 55 co-owned folders beside a security-owned file never asked the
    // security team (found by a gaming audit).
    let senior_level = &engine.policy.seniority.senior;
    let senior = |reason: String, out: &mut Vec<Approval>| {
        out.push(Approval {
            role: ApprovalRole::Owner,
            count: 1,
            teams: Vec::new(),
            min_seniority: Some(senior_level.to_owned()),
            reason,
        });
    };
    let no_owner = |whom: &str, out: &mut Vec<Approval>, diagnostics: &mut Vec<Diagnostic>| {
        diagnostics.push(Diagnostic::new(
            Level::Warning,
            "no-owner",
            format!("no owner is recorded for {whom}: a senior engineer stands in. {help}"),
        ));
        senior(format!("no owner recorded for {whom}: a senior engineer who knows it"), out);
    };
    if groups.is_empty() && unowned.is_empty() && authors_own.is_empty() {
        no_owner(what, out, diagnostics);
        return;
    }
    let sets: Vec<&OwnerGroup> = groups.iter().collect();
    owner_sets(&sets, &format!(" {context}"), senior_level, out);
    if !unowned.is_empty() {
        no_owner(&format!("{} {context}", name_list(&unowned)), out, diagnostics);
    }
    if !authors_own.is_empty() {
        let names = name_list(&authors_own);
        let who = who_made_it(author.list);
        diagnostics.push(Diagnostic::new(
            Level::Warning,
            "author-sole-owner",
            format!(
                "{who} is the only code owner of {names} {context}, and cannot approve their own change: \
                 a senior engineer stands in. Add a second owner to CODEOWNERS"
            ),
        ));
        senior(format!("{who} is the only code owner of {names} {context}: a senior engineer who knows it"), out);
    }
    // A catch-all line's owners (`* @org/all-engineers`) own every file:
    // asked, as a code host asks them, but no evidence that anyone knows
    // the service, so a senior engineer who does stands in beside them (a
    // red team: owner review of an ownerless node meant any engineer,
    // with no warning). In a small repository the catch-all may be its
    // maintainers: they are still asked.
    let mut broad: Vec<String> =
        files.iter().filter(|f| f.catch_all && !f.owners.is_empty()).map(|f| f.path.clone()).collect();
    if !broad.is_empty() {
        broad.sort_unstable();
        broad.dedup();
        let names = name_list(&broad);
        diagnostics.push(Diagnostic::new(
            Level::Warning,
            "no-owner",
            format!(
                "only a catch-all CODEOWNERS line (`*`) owns {names} {context}: its owners own every file, so a \
                 senior engineer who knows the service stands in beside them. {help}"
            ),
        ));
        senior(format!("only a catch-all CODEOWNERS line owns {names} {context}: a senior engineer who knows it"), out);
    }
}

/// Owner approvals for the CODEOWNERS owners of `files`, code of nodes
/// the graph gives an owner, who is asked on its own: one per set of
/// owners (as [`owners_by_file`] groups them), none for a set an approval
/// already names. Files no rule owns, or only the author owns, need
/// nothing more: the node's owner is asked.
fn codeowners_beside(files: &[&FileOwnership], author: &People<'_>, senior: &str, out: &mut Vec<Approval>) {
    let (groups, _, _) = owner_groups(files, author);
    let fresh: Vec<&OwnerGroup> = groups
        .iter()
        .filter(|(owners, _)| !out.iter().any(|a| a.role == ApprovalRole::Owner && a.teams == *owners))
        .collect();
    owner_sets(&fresh, ", beside the owner of its node", senior, out);
}

/// One `owner` approval per set of code owners, the files it owns named
/// and `suffix` after them; past [`MAX_OWNER_APPROVALS`] sets, the rest are
/// one approval by a `senior` engineer who coordinates their sign-off.
fn owner_sets(sets: &[&OwnerGroup], suffix: &str, senior: &str, out: &mut Vec<Approval>) {
    for (owners, files) in sets.iter().take(MAX_OWNER_APPROVALS) {
        out.push(Approval {
            role: ApprovalRole::Owner,
            count: 1,
            teams: owners.clone(),
            min_seniority: None,
            reason: format!("CODEOWNERS of {}{suffix}", name_list(files)),
        });
    }
    if let Some(rest) = sets.get(MAX_OWNER_APPROVALS..).filter(|r| !r.is_empty()) {
        let count: usize = rest.iter().map(|(_, f)| f.len()).sum();
        out.push(Approval {
            role: ApprovalRole::Owner,
            count: 1,
            teams: Vec::new(),
            min_seniority: Some(senior.to_owned()),
            reason: format!(
                "{} more sets of code owners own {count} more files{suffix}: a senior engineer to coordinate \
                 their sign-off",
                rest.len()
            ),
        });
    }
}

/// The key under which spellings of one graph owner meet: ASCII case
/// ignored, and a Backstage group ref in the default namespace
/// (`group:default/team-a`, `group:team-a`) read as its name. Other
/// namespaces and a code host's `@org/team` stay apart: merging two teams
/// would ask one where two must approve.
fn team_key(team: &str) -> String {
    let lower = team.trim().to_ascii_lowercase();
    let name = lower.strip_prefix("group:").map_or(lower.as_str(), |g| g.strip_prefix("default/").unwrap_or(g));
    name.to_owned()
}

/// Whether a CODEOWNERS owner names the graph's owner `team`: the same
/// name once a leading `@` and anything up to the last `/` or `:` are
/// dropped, ASCII case ignored (`@acme/team-orders`, `team-orders` and
/// `group:default/team-orders` are one team).
fn same_team(codeowner: &str, team: &str) -> bool {
    let bare = |name: &str| {
        let name = name.trim().trim_start_matches('@');
        name.rsplit(['/', ':']).next().unwrap_or(name).to_owned()
    };
    bare(codeowner).eq_ignore_ascii_case(&bare(team))
}

/// Most CODEOWNERS owner sets asked one by one; past it the rest are one
/// senior engineer who coordinates their sign-off. As many as are compared
/// with each other ([`MAX_COMPARED_OWNER_SETS`]): a bound on the output,
/// far above what a change an author could split would touch.
const MAX_OWNER_APPROVALS: usize = MAX_COMPARED_OWNER_SETS;

/// A set of owners (sorted) and the files it approves (sorted).
type OwnerGroup = (Vec<String>, Vec<String>);

/// Most distinct owner sets compared with each other for [`owner_groups`];
/// past it every set is asked on its own (more approvals, never fewer).
const MAX_COMPARED_OWNER_SETS: usize = 1_000;

/// `files` grouped by their owners other than the people of `author` (the
/// author and the contributors; each set sorted):
/// the sets no other set lies strictly inside, each with its files and the
/// files of the sets containing it (sorted, deduplicated), in the sets'
/// order; the paths no rule owns, sorted; and the paths only the author
/// owns, sorted.
fn owner_groups(files: &[&FileOwnership], author: &People<'_>) -> (Vec<OwnerGroup>, Vec<String>, Vec<String>) {
    let mut by_set: std::collections::BTreeMap<Vec<String>, Vec<String>> = Default::default();
    let mut unowned = Vec::new();
    let mut authors_own = Vec::new();
    for f in files {
        let mut owners: Vec<String> = f.owners.iter().filter(|o| !is_author(o, author)).cloned().collect();
        if f.owners.is_empty() {
            unowned.push(f.path.clone());
        } else if owners.is_empty() {
            authors_own.push(f.path.clone());
        } else {
            owners.sort_unstable();
            owners.dedup();
            by_set.entry(owners).or_default().push(f.path.clone());
        }
    }
    unowned.sort_unstable();
    unowned.dedup();
    authors_own.sort_unstable();
    authors_own.dedup();
    let sets: Vec<Vec<String>> = by_set.keys().cloned().collect();
    let inside = |small: &[String], big: &[String]| {
        small.len() < big.len() && small.iter().all(|o| big.binary_search(o).is_ok())
    };
    if sets.len() <= MAX_COMPARED_OWNER_SETS {
        let minimal: Vec<&Vec<String>> = sets.iter().filter(|s| !sets.iter().any(|t| inside(t, s))).collect();
        for big in &sets {
            // The first set inside `big` that has none inside it.
            if let Some(small) = minimal.iter().find(|s| inside(s, big))
                && let Some(moved) = by_set.remove(big)
                && let Some(files) = by_set.get_mut(*small)
            {
                files.extend(moved);
            }
        }
    }
    let groups = by_set
        .into_iter()
        .map(|(owners, mut files)| {
            files.sort_unstable();
            files.dedup();
            (owners, files)
        })
        .collect();
    (groups, unowned, authors_own)
}

/// How messages name whoever of `excluded` (the author and the
/// contributors) owns what they changed: `the author` when there is one
/// person, else `the change's author or a contributor`.
fn who_made_it(excluded: &[String]) -> &'static str {
    if excluded.len() > 1 { "the change's author or a contributor" } else { "the author" }
}

/// Whether the owner `owner` (a CODEOWNERS `@user`, `@org/team` or email,
/// or a graph node's owner) is one of `people` (the author and the
/// contributors: user names, `@` or not, or emails). See [`same_person`].
fn is_author(owner: &str, people: &People<'_>) -> bool {
    people.contains(owner)
}

/// The people of a change (its author and contributors) indexed for
/// [`same_person`]: whether an owner is any of them in a few look-ups, not
/// a comparison with each (a change of 10,000 files and 10,000
/// contributors compared 100 million pairs, 11 s; a complexity audit).
/// Look-ups only: no order of the sets reaches an answer.
struct People<'a> {
    /// The people as given.
    list: &'a [String],
    /// Each person's bare name, lower case.
    exact: std::collections::HashSet<String>,
    /// The user names an email of a person may stand for: its local part
    /// and the name [`same_person`] reads in it, lower case.
    email_names: std::collections::HashSet<String>,
    /// The bare names of the people that are not emails, lower case.
    names: std::collections::HashSet<String>,
}

impl<'a> People<'a> {
    fn new(list: &'a [String]) -> Self {
        let mut people =
            Self { list, exact: Default::default(), email_names: Default::default(), names: Default::default() };
        for person in list {
            let bare = bare_person(person);
            if bare.is_empty() || bare.contains('/') {
                continue;
            }
            people.exact.insert(bare.to_ascii_lowercase());
            match email_names(bare) {
                Some(names) => people.email_names.extend(names.into_iter().map(str::to_ascii_lowercase)),
                None => {
                    people.names.insert(bare.to_ascii_lowercase());
                }
            }
        }
        people
    }

    /// Whether `owner` is one of the people: [`same_person`] with any.
    fn contains(&self, owner: &str) -> bool {
        let bare = bare_person(owner);
        if bare.is_empty() || bare.contains('/') {
            return false;
        }
        let lower = bare.to_ascii_lowercase();
        if self.exact.contains(&lower) {
            return true;
        }
        match email_names(bare) {
            // An email owner: a person named by its local part or name.
            Some(names) => names.into_iter().any(|n| self.names.contains(&n.to_ascii_lowercase())),
            // A user name: a person's email standing for it.
            None => self.email_names.contains(&lower),
        }
    }
}

/// A Backstage user reference (`user:default/alice`, `user:alice`) as the
/// user's name; else the name without a leading `@`, trimmed. (A red-team
/// pass: a native graph owner written as a user reference was not the
/// author `alice`, who was asked to approve her own change.)
fn bare_person(s: &str) -> &str {
    let s = s.trim();
    match s.get(..5).filter(|p| p.eq_ignore_ascii_case("user:")).and_then(|_| s.get(5..)) {
        Some(user) => user.rsplit('/').next().unwrap_or(user),
        None => s.strip_prefix('@').unwrap_or(s),
    }
}

/// For an email (`bare` holds `@`), the user names it may stand for: its
/// local part and the name in it (the login of a GitHub no-reply address
/// `ID+LOGIN@users.noreply.github.com`, else the local part before a `+`
/// tag), the empty ones left out; `None` for a name that is no email.
pub(crate) fn email_names(bare: &str) -> Option<Vec<&str>> {
    if !bare.contains('@') {
        return None;
    }
    let Some((local, domain)) = bare.rsplit_once('@') else {
        return Some(Vec::new());
    };
    let name = if domain.eq_ignore_ascii_case("users.noreply.github.com") {
        local.split_once('+').map_or(local, |(_, login)| login)
    } else {
        local.split('+').next().unwrap_or(local)
    };
    Some([local, name].into_iter().filter(|n| !n.is_empty()).collect())
}

/// Whether the owner `owner` is the person `person`: the same name or
/// email, ASCII case ignored as code hosts ignore it; or a user name and an
/// email that may be the same person's (fail closed): the name equals the
/// email's local part, the local part before a `+` (`alice+ci@...`), or
/// the login of a GitHub no-reply address (`12345+alice@users.noreply.github.com`,
/// `alice@users.noreply.github.com`). Read from git, the author is an
/// email while CODEOWNERS names `@alice` (an audit: the only owner asked
/// was the author). A wrong match only sends the owner's approval to a
/// senior stand-in, never to the author. A team (a name with `/`) is never
/// a person; an empty name is no one.
///
/// The reference [`People::contains`] is tested against: it answers this
/// with any person of its list.
#[cfg(test)]
fn same_person(owner: &str, person: &str) -> bool {
    let (owner, person) = (bare_person(owner), bare_person(person));
    if owner.is_empty() || person.is_empty() || owner.contains('/') || person.contains('/') {
        return false;
    }
    if owner.eq_ignore_ascii_case(person) {
        return true;
    }
    // A user name beside an email, either way round.
    let (login, email) = match (owner.contains('@'), person.contains('@')) {
        (false, true) => (owner, person),
        (true, false) => (person, owner),
        _ => return false,
    };
    let Some((local, domain)) = email.rsplit_once('@') else {
        return false;
    };
    // A GitHub no-reply address is `ID+LOGIN` or `LOGIN`; any other one
    // may carry a `+` tag after the user's name.
    let name = if domain.eq_ignore_ascii_case("users.noreply.github.com") {
        local.split_once('+').map_or(local, |(_, login)| login)
    } else {
        local.split('+').next().unwrap_or(local)
    };
    [local, name].into_iter().any(|n| !n.is_empty() && n.eq_ignore_ascii_case(login))
}

#[cfg(test)]
mod tests {
    use super::{People, is_author, same_person, same_team};

    #[test]
    fn a_code_owner_names_a_graph_team_by_its_last_name() {
        assert!(same_team("@acme/team-orders", "team-orders"));
        assert!(same_team("@acme/Team-Orders", "group:default/team-orders"));
        assert!(same_team("@team-orders", "group:team-orders"));
        assert!(same_team("alice@example.com", "alice@example.com"));
        assert!(!same_team("@acme/security", "team-orders"));
        assert!(!same_team("@acme/orders", "team-orders"));
    }

    #[test]
    fn an_owner_is_the_person_by_name_or_email_case_ignored() {
        assert!(same_person("@alice", "alice"));
        assert!(same_person("@Alice", "@alice"));
        assert!(same_person("alice@example.com", "ALICE@example.com"));
        assert!(!same_person("@alice", "bob"));
        assert!(!same_person("@alice", ""));
        assert!(!same_person("", "alice"));
        assert!(!same_person("@org/alice", "alice"));
        assert!(!same_person("@alice", "@org/alice"));
    }

    #[test]
    fn a_login_is_the_person_of_an_email_whose_local_part_it_is() {
        // The local part, and before a `+` tag.
        assert!(same_person("@alice", "alice@example.com"));
        assert!(same_person("@alice", "Alice@corp.example"));
        assert!(same_person("@alice", "alice+ci@example.com"));
        // Either way round: a CODEOWNERS email and an author's login.
        assert!(same_person("alice@example.com", "alice"));
        assert!(same_person("alice@example.com", "@alice"));
        // GitHub's no-reply addresses, old and new.
        assert!(same_person("@alice", "alice@users.noreply.github.com"));
        assert!(same_person("@alice", "12345+alice@users.noreply.github.com"));
        assert!(same_person("@Alice", "12345+aLICE@Users.NoReply.GitHub.com"));
        // Not someone else's.
        assert!(!same_person("@alice", "alicia@example.com"));
        assert!(!same_person("@alice", "bob@alice.example"));
        assert!(!same_person("@alice", "12345+bob@users.noreply.github.com"));
        assert!(!same_person("@12345", "12345+bob@users.noreply.github.com"));
        assert!(!same_person("@alice", "@example.com"));
        // Two emails are compared whole.
        assert!(!same_person("alice@example.com", "alice@other.example"));
    }

    #[test]
    fn an_owner_is_an_author_when_they_are_any_excluded_person() {
        let people = ["carol@example.com".to_owned(), "alice@example.com".to_owned()];
        assert!(is_author("@alice", &People::new(&people)));
        assert!(is_author("@carol", &People::new(&people)));
        assert!(!is_author("@bob", &People::new(&people)));
        assert!(!is_author("@org/team", &People::new(&people)));
        assert!(!is_author("@alice", &People::new(&[])));
    }

    /// The index answers as comparing with each person does, for every
    /// pair of the forms a person and an owner are written in.
    #[test]
    fn the_index_of_people_agrees_with_comparing_each() {
        let forms = [
            "alice",
            "@alice",
            "Alice",
            "@ALICE",
            "alice@example.com",
            "ALICE@Example.com",
            "alice+ci@example.com",
            "12345+alice@users.noreply.github.com",
            "alice@users.noreply.github.com",
            "12345@users.noreply.github.com",
            "user:default/alice",
            "User:alice",
            "bob",
            "@bob",
            "bob@example.com",
            "@org/alice",
            "org/alice",
            "",
            "  ",
            "@",
            "@example.com",
            "alice@",
            "+alice@example.com",
            "alice@other.example",
            "12345",
            "@12345",
            "a@b@c",
            "x+@example.com",
        ];
        for person in forms {
            for other in forms {
                let people = [person.to_owned(), other.to_owned()];
                for owner in forms {
                    let naive = people.iter().any(|p| same_person(owner, p));
                    assert_eq!(People::new(&people).contains(owner), naive, "{owner:?} among {people:?}");
                }
            }
        }
    }
}
