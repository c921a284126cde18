//! Claims a changeset makes that lower its risk, checked against the
//! evidence the gate has before anything is scored.
//!
//! Whoever writes a changeset can write anything in it, so a claim that
//! buys a lower depth counts only as far as evidence backs it:
//!
//! - **The author's seniority** (`vet_author`). An AI-assisted change by
//!   a junior engineer that claims `principal` would skip the senior
//!   review the policy asks for. A context that lists people is the gate's
//!   own record (a directory export), so its level wins, and an author it
//!   does not list counts as the lowest level (fail closed); the
//!   changeset's claimed prior changes are not counted either, nor its
//!   `history` metrics unless the assessing process read them from git
//!   (`AssessOptions::history_measured`). Without a people list the changeset's claims
//!   stand: the gate then trusts whatever produced the changeset; but an
//!   author with no id claims for no one, and counts as the lowest level
//!   with no prior changes. The
//!   contributors' levels come from the list the same way
//!   (`vet_contributors`): unlisted, the lowest.
//! - **Tests changed** (`vet_tests`). `safety.tests_changed: true` lowers
//!   the likelihood. When the changeset lists its files, the files are the
//!   evidence, whatever it claims: the change counts as changing tests
//!   exactly when they add lines to tests (a path that says test, not
//!   deleted; see `blastgate_change::adds_tests`), at least one for every
//!   [`CODE_LINES_PER_TEST_LINE`] lines added to code (a one-line test
//!   beside a thousand lines of code is a token), and a claim without
//!   such files is dropped. A changeset that lists no files has
//!   nothing to check it against, and its claim stands. Once the change
//!   is resolved, each node whose code it changes needs its own tests
//!   (`untested_places`: tests on that node, or tests no node places):
//!   another service's tests do not count (`tests-elsewhere`).
//! - **A rollback plan** (`vet_rollback`). `safety.rollback_plan: true`
//!   lowers the likelihood and lifts the block on destructive changes
//!   that reach tier 0. When the changeset deletes or replaces a resource
//!   that keeps no final snapshot (`final_snapshot: false`, from a plan's
//!   `skip_final_snapshot`), or a datastore or queue (by its resource
//!   type) that does not say it keeps one, no rollback brings its data
//!   back: the claim is dropped. Nor does an autonomous agent's claim on
//!   its own destructive change count (`rollback-claim-by-agent`). Once
//!   the change is resolved, a deleted infrastructure file placed on a
//!   datastore or queue, or on no node, drops it too
//!   (`vet_deleted_data`): the file destroys what it declared and cannot
//!   state a snapshot.
//! - **No AI involvement** (`vet_provenance`). `provenance.ai: none` (or
//!   nothing) beside a named AI `tool` or `model` contradicts itself: the
//!   change counts as AI-assisted. An autonomous agent's account as the
//!   author or a contributor (`copilot-swe-agent[bot]`;
//!   `vet_agent_accounts`) makes it an agent's change, and the account
//!   has no seniority or experience of its own.
//!
//! Every step after this one, counterfactuals included, sees the vetted
//! changeset; the input digest covers the changeset as given.

use std::borrow::Cow;
use std::collections::BTreeMap;

use blastgate_change::{
    AiInvolvement, Changeset, Classifier, Contributor, FileChange, InfraChange, adds_tests, is_agent_account,
    is_ai_tool_account, is_autonomous_tool,
};
use blastgate_graph::NodeKind;

use crate::assessment::{Diagnostic, Level};
use crate::context::Context;

/// `changeset` with its author's seniority as the context's people list
/// gives it (when the list is empty, unchanged but for an author with no
/// id, whose stated level and experience are dropped), and a warning in
/// `diagnostics` for each claim the list overrides or cannot confirm.
pub(crate) fn vet_author<'a>(
    changeset: &'a Changeset,
    context: &Context,
    history_measured: bool,
    diagnostics: &mut Vec<Diagnostic>,
) -> Cow<'a, Changeset> {
    if context.people.is_empty() {
        // An author with no id is no one whose level or experience can be
        // told: the lowest level, no prior changes (the `no-author`
        // warning says so). The changeset's claims for no one were used
        // (an AI provenance audit: `seniority: senior` with no id kept an
        // assisted change from a senior's review).
        let author = &changeset.author;
        if author.id.trim().is_empty() && (author.seniority.is_some() || author.prior_changes.is_some()) {
            let mut vetted = changeset.clone();
            vetted.author.seniority = None;
            vetted.author.prior_changes = None;
            return Cow::Owned(vetted);
        }
        return Cow::Borrowed(changeset);
    }
    let author = &changeset.author;
    let stated = author.seniority.as_deref();
    let listed = if author.id.trim().is_empty() { None } else { context.person(&author.id) };
    let seniority = match listed {
        Some(person) => {
            if let Some(claim) = stated.filter(|s| !s.eq_ignore_ascii_case(&person.seniority)) {
                diagnostics.push(Diagnostic::new(
                    Level::Warning,
                    "seniority-from-context",
                    format!(
                        "the changeset states seniority `{claim}` for its author `{}`; the context's people list \
                         gives `{}`, which is used",
                        author.id, person.seniority
                    ),
                ));
            }
            Some(person.seniority.clone())
        }
        None => {
            let claim = stated.map(|s| format!(" (the changeset's `{s}` is not used)")).unwrap_or_default();
            let message = if author.id.trim().is_empty() {
                format!(
                    "the changeset names no author, so the context's people list cannot give a seniority{claim}; \
                     the author counts as the lowest level"
                )
            } else {
                format!(
                    "the context's people list does not list the author `{}`{claim}; the author counts as the \
                     lowest level. Add them to the list",
                    author.id
                )
            };
            diagnostics.push(Diagnostic::new(Level::Warning, "author-not-in-people", message));
            None
        }
    };
    // The author's stated experience is as much a claim as the level, and
    // worth up to a point of log-odds (a gaming audit: 1,000 claimed prior
    // changes took a junior's 2,000 lines from senior to owner). Where the
    // gate keeps its own record of people, the changeset's claims are not
    // counted: `prior_changes` always, and every `history` metric unless
    // the gate measured them itself (`AssessOptions::history_measured`:
    // read from git by the process that assesses). Every metric, not only
    // the author's experience: a claimed `age` of ten years lowered a
    // change from senior to owner (a gaming audit), and a calibrated model
    // may weigh any of them.
    let claimed_history = !history_measured
        && changeset.history.as_ref().is_some_and(|h| h.named().iter().any(|(_, value)| value.is_some()));
    let mut claims = Vec::new();
    if let Some(claimed) = author.prior_changes {
        claims.push(format!("its author's prior changes ({claimed})"));
    }
    if claimed_history {
        claims.push("history metrics (`history`: `ndev`, `age`, `nuc`, `lt`, `exp`, `rexp`, `sexp`)".to_owned());
    }
    if !claims.is_empty() {
        diagnostics.push(Diagnostic::new(
            Level::Warning,
            "experience-claim-not-counted",
            format!(
                "the changeset states {}; with a people list in the context, the gate goes by its own records, \
                 so the claim is not counted (as if not stated: the author counts as having no prior changes, the \
                 files as having no history). Assess the change read from git (`assess --repo DIR --range A..B`) \
                 to count the history as git measures it",
                claims.join(" and ")
            ),
        ));
    }
    let contributors = vet_contributors(changeset, context, diagnostics);
    if seniority.as_deref() == stated && claims.is_empty() && contributors.is_none() {
        return Cow::Borrowed(changeset);
    }
    let mut vetted = changeset.clone();
    vetted.author.seniority = seniority;
    if let Some(contributors) = contributors {
        vetted.contributors = contributors;
    }
    vetted.author.prior_changes = None;
    if claimed_history {
        vetted.history = None;
    }
    Cow::Owned(vetted)
}

/// `changeset` without its files' `declares_read` unless the assessing
/// process read them from git itself (`files_read`): stated in a changeset
/// file it is a claim that would take a deleted file's destruction away,
/// and is cleared, with a warning naming the files (bounded).
pub(crate) fn vet_declares_read<'a>(
    changeset: Cow<'a, Changeset>,
    files_read: bool,
    diagnostics: &mut Vec<Diagnostic>,
) -> Cow<'a, Changeset> {
    if files_read || !changeset.files.iter().any(|f| f.declares_read) {
        return changeset;
    }
    let claimed: Vec<&str> = changeset.files.iter().filter(|f| f.declares_read).map(|f| f.path.as_str()).collect();
    let Some((first, more)) = first_and_more(&claimed) else {
        return changeset;
    };
    diagnostics.push(Diagnostic::new(
        Level::Warning,
        "declares-read-not-counted",
        format!(
            "the changeset states `declares_read` for `{}`{more}: only a changeset the gate read from git itself \
             counts it, so each such file's deletion counts by its path. Assess the change read from git \
             (`assess --repo DIR --range A..B`)",
            blastgate_graph::shorten(first).escape_debug()
        ),
    ));
    let mut vetted = changeset.into_owned();
    for f in &mut vetted.files {
        f.declares_read = false;
    }
    Cow::Owned(vetted)
}

/// The contributors of `changeset` with their seniority as the context's
/// (non-empty) people list gives it, as for the author: a listed one's
/// level, an unlisted one's none (the lowest level), whatever the
/// changeset states; `None` when that changes nothing. One
/// `contributor-not-in-people` warning names the unlisted ones (bounded).
fn vet_contributors(
    changeset: &Changeset,
    context: &Context,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Vec<Contributor>> {
    if changeset.contributors.is_empty() {
        return None;
    }
    // One look-up table, not a scan of the list per contributor.
    let levels = context.people_by_id();
    let mut unlisted = Vec::new();
    let vetted: Vec<Contributor> = changeset
        .contributors
        .iter()
        .map(|c| {
            let level = levels.get(&c.id.to_ascii_lowercase()).map(|p| p.seniority.clone());
            if level.is_none() {
                unlisted.push(blastgate_graph::shorten(&c.id));
            }
            Contributor { id: c.id.clone(), seniority: level }
        })
        .collect();
    if !unlisted.is_empty() {
        unlisted.sort_unstable();
        unlisted.dedup();
        let count = match unlisted.len() {
            1 => "a contributor".to_owned(),
            n => format!("{n} contributors"),
        };
        diagnostics.push(Diagnostic::new(
            Level::Warning,
            "contributor-not-in-people",
            format!(
                "the context's people list does not list {count} of the change (the other commits' authors and \
                 co-authors): {}; they count as the lowest level for the AI rule, whatever the changeset states. Add \
                 them to the list (a person's commit emails as `aliases` of their entry)",
                super::name_list(&unlisted)
            ),
        ));
    }
    (vetted != changeset.contributors).then_some(vetted)
}

/// At least one line added to tests for this many lines added to code, for
/// the tests to count: a one-line test beside a thousand lines of code is
/// a token, not evidence.
pub(crate) const CODE_LINES_PER_TEST_LINE: u64 = 10;

/// `changeset` with its tests claim decided by its files when it lists
/// any (`Some(true)` when they add tests in proportion to the code, else
/// none), and a warning in `diagnostics` when that drops a claim or a
/// test too small to count.
pub(crate) fn vet_tests<'a>(
    changeset: Cow<'a, Changeset>,
    classifier: &Classifier,
    diagnostics: &mut Vec<Diagnostic>,
) -> Cow<'a, Changeset> {
    let files = &changeset.files;
    if files.is_empty() {
        return changeset;
    }
    let tests = Tests::of(classifier, files);
    let evidence = tests.count().then_some(true);
    if tests.any && !tests.count() {
        diagnostics.push(Diagnostic::new(
            Level::Warning,
            "tests-too-small",
            format!(
                "the change adds {} lines to tests for {} lines of code: fewer than one in {CODE_LINES_PER_TEST_LINE}, \
                 so they are not counted as tests that lower the risk. Test the code it adds",
                tests.test_lines, tests.code_lines
            ),
        ));
    }
    if changeset.safety.tests_changed == evidence {
        return changeset;
    }
    if changeset.safety.tests_changed == Some(true) && !tests.any {
        diagnostics.push(Diagnostic::new(
            Level::Warning,
            "tests-claim-unsupported",
            format!(
                "the changeset states `safety.tests_changed: true`, but none of its {} files adds lines to a test \
                 (a file whose path says test, not deleted); the claim is not counted. List the test files it \
                 added or changed, with their line counts",
                files.len()
            ),
        ));
    }
    let mut vetted = changeset.into_owned();
    vetted.safety.tests_changed = evidence;
    Cow::Owned(vetted)
}

/// What a change's files show about its tests.
struct Tests {
    /// Some file adds tests (`blastgate_change::adds_tests`).
    any: bool,
    /// Lines added to such files.
    test_lines: u64,
    /// Lines added to files that deploy (neither docs nor tests).
    code_lines: u64,
}

impl Tests {
    fn of(classifier: &Classifier, files: &[FileChange]) -> Self {
        let mut t = Tests { any: false, test_lines: 0, code_lines: 0 };
        for f in files {
            if adds_tests(classifier, f) {
                t.any = true;
                t.test_lines = t.test_lines.saturating_add(f.added);
            } else if blastgate_change::file_kind(classifier, f).0.deploys() {
                t.code_lines = t.code_lines.saturating_add(f.added);
            }
        }
        t
    }

    /// Whether the tests count: some, and at least one line of them for
    /// every [`CODE_LINES_PER_TEST_LINE`] lines of code added.
    fn count(&self) -> bool {
        self.any && self.test_lines.saturating_mul(CODE_LINES_PER_TEST_LINE) >= self.code_lines
    }
}

/// The places whose source code the change's tests do not cover, sorted:
/// a graph node id, or `None` for code no node places. Each place with code added
/// needs its own tests in proportion ([`CODE_LINES_PER_TEST_LINE`]):
/// tests placed on the same node, or tests no node places (a repository's
/// top-level test folder). Tests of a service the change does not touch
/// test nothing it changes, and one service's tests do not vouch for
/// another's code. `ownership` is the resolution's, which gives each path
/// its nodes. Empty when the tests cover every place (or `files` has no
/// code).
pub(crate) fn untested_places(
    classifier: &Classifier,
    files: &[FileChange],
    ownership: &[blastgate_change::FileOwnership],
) -> Vec<Option<String>> {
    let mut nodes_of: BTreeMap<&str, &blastgate_change::FileOwnership> = BTreeMap::new();
    for o in ownership {
        nodes_of.entry(o.path.as_str()).or_insert(o);
    }
    let mut code: BTreeMap<Option<&str>, u64> = BTreeMap::new();
    let mut tests: BTreeMap<Option<&str>, u64> = BTreeMap::new();
    for f in files {
        let test = adds_tests(classifier, f);
        // Source code only, by its path or its kind: a line of
        // configuration, a lock file or a CI workflow beside well-tested
        // code needs no unit test of its own (a later audit: one line of
        // `config.yaml` elsewhere lost the whole discount), but a stated
        // riskier kind (`kind: config` on `engine.go`) must not excuse code
        // from its tests (found by the property
        // a_stated_kind_never_lowers_the_depth).
        let code_kind = blastgate_change::ChangeKind::Code;
        let source = !test
            && f.added > 0
            && (blastgate_change::file_kind(classifier, f).0 == code_kind || classifier.classify(&f.path) == code_kind);
        if !test && !source {
            continue;
        }
        // Code counts for every node it is on (a stated `service` adds
        // one); a test only for the node its path places it on (a stated
        // `service` on a test elsewhere must not lend its lines: a later
        // audit).
        let owned = nodes_of.get(f.path.as_str()).copied();
        let nodes: Vec<&str> = match owned {
            Some(o) if test => o.placed.iter().map(String::as_str).collect(),
            Some(o) => o.nodes.iter().map(String::as_str).collect(),
            None => Vec::new(),
        };
        let into = if test { &mut tests } else { &mut code };
        if nodes.is_empty() {
            let lines = into.entry(None).or_default();
            *lines = lines.saturating_add(f.added);
        }
        for n in nodes {
            let lines = into.entry(Some(n)).or_default();
            *lines = lines.saturating_add(f.added);
        }
    }
    let unplaced = tests.get(&None).copied().unwrap_or(0);
    code.into_iter()
        .filter(|&(place, lines)| {
            let own = if place.is_some() { tests.get(&place).copied().unwrap_or(0) } else { 0 };
            let t = own.saturating_add(unplaced);
            t == 0 || t.saturating_mul(CODE_LINES_PER_TEST_LINE) < lines
        })
        .map(|(place, _)| place.map(str::to_owned))
        .collect()
}

/// Whether `files` add tests that count ([`vet_tests`]).
pub(crate) fn has_test_file(classifier: &Classifier, files: &[FileChange]) -> bool {
    Tests::of(classifier, files).count()
}

/// The destructive resources of `changeset` that keep no final snapshot:
/// those that say so (`final_snapshot: false`), and the datastores and
/// queues (by resource type, or by the kind of a node they map to, stated
/// or named by a module of the address: `holds_data`) that do not say
/// they keep one. Leaving the snapshot out must not read as keeping it, nor
/// leaving the type out (an audit: an untyped resource of a datastore node
/// let a bare rollback plan lift a block; a red-team pass: so did one
/// placed on it by its module's name).
pub(crate) fn lost_data<'c>(
    changeset: &'c Changeset,
    holds_data: &'c dyn Fn(&InfraChange) -> bool,
) -> impl Iterator<Item = &'c InfraChange> {
    changeset.infrastructure.iter().filter(move |r| {
        r.effective_action().is_destructive()
            && match r.final_snapshot {
                Some(true) if snapshot_applies(r) => false,
                Some(false) => true,
                // No statement, or `final_snapshot: true` on a type that
                // has no final snapshot (an SQS queue, a bucket; a red-team
                // finding: the claim on an SQS queue lifted its block):
                // read as unstated.
                _ => {
                    holds_data(r)
                        // A provider action on no node: what it does is
                        // not in the plan, and it may purge a database (a
                        // counterfactual audit: a bare rollback plan lifted
                        // its block to senior).
                        || (r.is_provider_action() && r.node.is_none())
                        || typed_as_data(r)
                }
            }
    })
}

/// Whether a resource type `r` names (stated, declared by its file, or in
/// its address) is a datastore's or a queue's.
fn typed_as_data(r: &InfraChange) -> bool {
    r.resource_types()
        .into_iter()
        .map(super::rules::guess_kind)
        .any(|k| matches!(k, NodeKind::Datastore | NodeKind::Queue))
}

/// Whether a `final_snapshot` statement of `r` can be true: every resource
/// type it names (stated, or in its address) can keep a final snapshot
/// when destroyed ([`blastgate_change::SNAPSHOT_ON_DELETE_TYPES`]). An
/// untyped entry names none, so its claim is not read either: the type
/// decides whether a snapshot exists, and what is unknown counts as lost.
fn snapshot_applies(r: &InfraChange) -> bool {
    let types = r.resource_types();
    !types.is_empty() && types.into_iter().all(blastgate_change::can_keep_final_snapshot)
}

/// `changeset` with its rollback-plan claim dropped, and why (`code`,
/// `message`) as a warning in `diagnostics`. The message comes first: it
/// may borrow from the changeset.
fn without_rollback_claim<'a>(
    code: &str,
    message: String,
    changeset: Cow<'a, Changeset>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Cow<'a, Changeset> {
    diagnostics.push(Diagnostic::new(Level::Warning, code, message));
    let mut vetted = changeset.into_owned();
    vetted.safety.rollback_plan = None;
    Cow::Owned(vetted)
}

/// `changeset` with its rollback-plan claim dropped when it deletes an
/// infrastructure file (or empties it, or takes resources out of it) that
/// resolution places on a datastore or a queue, or on no node, or that
/// declares a datastore's or a queue's resource type (`declares`,
/// `removes`): the file destroys what it declared, data included, and a
/// file cannot state a final snapshot (an advice audit: a person's deleted
/// `main.tf` of a tier-0-reaching cache with a bare rollback plan went from
/// `block` to `multi_party`, where the same deletion written as an
/// `infrastructure` entry stayed `block`). Runs once the change is
/// resolved, since the file's node comes from resolution.
pub(crate) fn vet_deleted_data<'a>(
    changeset: Cow<'a, Changeset>,
    resolved: &blastgate_change::ResolvedChange,
    classifier: &Classifier,
    holds_data: &dyn Fn(&InfraChange) -> bool,
    diagnostics: &mut Vec<Diagnostic>,
) -> Cow<'a, Changeset> {
    if changeset.safety.rollback_plan != Some(true) {
        return changeset;
    }
    let deleted: Vec<&str> = changeset
        .files
        .iter()
        .filter(|f| blastgate_change::destroys_resources(classifier, f))
        .map(blastgate_change::destroyed_path)
        .collect();
    let mut lost: Vec<&str> = resolved
        .destructive
        .iter()
        // The file's node, or a type it declares (a red-team finding: a
        // database declared in a service's folder kept the claim).
        .filter(|r| deleted.contains(&r.address.as_str()) && (r.node.is_none() || holds_data(r) || typed_as_data(r)))
        .map(|r| r.address.as_str())
        .collect();
    lost.sort_unstable();
    lost.dedup();
    let Some((first, more)) = first_and_more(&lost) else {
        return changeset;
    };
    without_rollback_claim(
        "rollback-claim-contradicted",
        format!(
            "the changeset states a rollback plan, but it deletes the infrastructure file `{first}`{more} (or \
             renames it out of what deploys), which declares resources of a datastore or queue (or of no node the graph places): applied, it destroys \
             them, and a file cannot say a final snapshot is kept, so the claim is not counted. Take a final \
             snapshot or a backup first, and have the reviewers check it"
        ),
        changeset,
        diagnostics,
    )
}

/// `changeset` with its rollback-plan claim dropped when it destroys a
/// resource's data without a final snapshot, and a warning in
/// `diagnostics` when it does.
pub(crate) fn vet_rollback<'a>(
    changeset: Cow<'a, Changeset>,
    classifier: &Classifier,
    holds_data: &dyn Fn(&InfraChange) -> bool,
    diagnostics: &mut Vec<Diagnostic>,
) -> Cow<'a, Changeset> {
    if changeset.safety.rollback_plan != Some(true) {
        return changeset;
    }
    // Sorted: the message must not depend on the order resources are listed in.
    let mut lost: Vec<String> = lost_data(&changeset, holds_data).map(|r| r.address.clone()).collect();
    lost.sort_unstable();
    lost.dedup();
    // Both checks speak when both apply: an agent's destructive change
    // that also destroys data without a snapshot says so twice.
    let changeset = vet_agent_rollback(changeset, classifier, diagnostics);
    let lost: Vec<&str> = lost.iter().map(String::as_str).collect();
    let Some((first, more)) = first_and_more(&lost) else {
        return changeset;
    };
    without_rollback_claim(
        "rollback-claim-contradicted",
        format!(
            "the changeset states a rollback plan, but it destroys `{first}`{more} without a final snapshot \
             (`final_snapshot: false`; in a plan, `skip_final_snapshot = true`), or destroys a datastore or queue \
             without saying it keeps one (`final_snapshot: true` counts only on the types that have one: {}): no \
             rollback brings that data back, so the claim is not counted. Take a final snapshot or a backup \
             first, state `final_snapshot: true` where the type keeps one, and have the reviewers check the \
             backup where it does not",
            blastgate_change::SNAPSHOT_ON_DELETE_TYPES.join(", ")
        ),
        changeset,
        diagnostics,
    )
}

/// The first of `names` and ` and N more` for the rest (empty for none),
/// for a message; `None` when there are no names.
fn first_and_more<'a>(names: &[&'a str]) -> Option<(&'a str, String)> {
    let first = names.first()?;
    let more = match names.len() {
        1 => String::new(),
        n => format!(" and {} more", n - 1),
    };
    Some((first, more))
}

/// `changeset` with its rollback-plan claim dropped when an autonomous
/// agent made it and it deletes or replaces infrastructure, with a warning
/// in `diagnostics`. The claim is what lifts the block on a destructive
/// change that reaches tier 0, and an agent that deletes and recreates
/// production is the party whose own assurance cannot be the evidence (an
/// audit: an agent's plan replacing the production cluster and two tier-0
/// databases went from `block` to `multi_party` on its `rollback_plan:
/// true`). A person who makes the change themselves, instead of the
/// agent, can state the plan.
fn vet_agent_rollback<'a>(
    changeset: Cow<'a, Changeset>,
    classifier: &Classifier,
    diagnostics: &mut Vec<Diagnostic>,
) -> Cow<'a, Changeset> {
    if changeset.provenance.involvement() != AiInvolvement::Agent {
        return changeset;
    }
    // Resources a plan destroys, and infrastructure files deleted (applied,
    // they destroy what they declared: see `resolve`).
    let deleted_file = |f: &&FileChange| blastgate_change::destroys_resources(classifier, f);
    let mut destroyed: Vec<&str> = changeset
        .infrastructure
        .iter()
        .filter(|r| r.effective_action().is_destructive())
        .map(|r| r.address.as_str())
        .chain(changeset.files.iter().filter(deleted_file).map(blastgate_change::destroyed_path))
        .collect();
    destroyed.sort_unstable();
    destroyed.dedup();
    let Some((first, more)) = first_and_more(&destroyed) else {
        return changeset;
    };
    without_rollback_claim(
        "rollback-claim-by-agent",
        format!(
            "the changeset states a rollback plan, but an autonomous agent made it and it deletes or replaces \
             `{first}`{more}: an agent's own assurance is not evidence that its destructive change can be undone, \
             so the claim is not counted. A person who makes the change themselves, instead of the agent, can \
             state the plan"
        ),
        changeset,
        diagnostics,
    )
}

/// `changeset` with an autonomous agent's account as its author or a
/// contributor ([`is_agent_account`]: `copilot-swe-agent[bot]`) made an
/// agent's change, and the account's stated seniority and experience
/// dropped: an agent is no engineer of any level. The same account named
/// as the `tool`, or authoring a commit read from git, counted; as the
/// author of a changeset file it did not (an AI provenance audit: `auto`
/// with `ai: none`, and an agent's infrastructure replacement missed
/// `destructive-by-agent`).
fn vet_agent_accounts<'a>(changeset: Cow<'a, Changeset>, diagnostics: &mut Vec<Diagnostic>) -> Cow<'a, Changeset> {
    let author_is_agent = is_agent_account(&changeset.author.id);
    let mut agents: Vec<&str> =
        changeset.contributors.iter().map(|c| c.id.as_str()).filter(|id| is_agent_account(id)).collect();
    // The first by id, not by the list's order: the message must not
    // depend on it (a red team).
    agents.sort_unstable();
    if author_is_agent {
        agents.insert(0, changeset.author.id.as_str());
    }
    let Some(&first) = agents.first() else { return changeset };
    let raise = changeset.provenance.involvement() < AiInvolvement::Agent;
    let claimed = author_is_agent && (changeset.author.seniority.is_some() || changeset.author.prior_changes.is_some())
        || changeset.contributors.iter().any(|c| c.seniority.is_some() && is_agent_account(&c.id));
    if !raise && !claimed {
        return changeset;
    }
    let who = if author_is_agent { "author" } else { "contributor" };
    let raised_to = raise.then_some(AiInvolvement::Agent);
    let what = (who, first, "an autonomous agent's account");
    let message = account_message(what, &changeset.provenance, raised_to, claimed);
    diagnostics.push(Diagnostic::new(Level::Warning, "ai-agent-account", message));
    let mut vetted = changeset.into_owned();
    if raise {
        vetted.provenance.ai = Some(AiInvolvement::Agent);
    }
    if author_is_agent {
        vetted.author.seniority = None;
        vetted.author.prior_changes = None;
    }
    for c in vetted.contributors.iter_mut().filter(|c| is_agent_account(&c.id)) {
        c.seniority = None;
    }
    Cow::Owned(vetted)
}

/// The warning about an AI account (`who`, the account, what it is): the
/// involvement it raised the change to, and whether the seniority and
/// experience stated for it were dropped.
fn account_message(
    (who, account, what): (&str, &str, &str),
    provenance: &blastgate_change::Provenance,
    raised_to: Option<AiInvolvement>,
    claimed: bool,
) -> String {
    let mut message = format!("the changeset's {who} `{}` is {what}", account.escape_debug());
    if let Some(to) = raised_to {
        let stated = if provenance.is_stated() {
            format!("`provenance.ai: {}`", provenance.involvement().as_str())
        } else {
            "no AI involvement".to_owned()
        };
        message.push_str(&format!(" while it states {stated}: it counts as `{}`", to.as_str()));
    }
    if claimed {
        message.push_str(if raised_to.is_some() { ", and" } else { ":" });
        message.push_str(" the seniority and experience it states for the account are not used (the lowest level)");
    }
    message
}

/// `changeset` with an interactive AI tool's account as its author (the
/// tool wrote it: at least `generated`, and the account's stated
/// seniority and experience dropped) or a contributor (at least
/// `assisted`), as the git reader reads the same account on a commit or a
/// trailer ([`is_ai_tool_account`]: `noreply@anthropic.com`,
/// `cursoragent@cursor.com`; a red team: a changeset written from the
/// commit's author, without `provenance`, was no AI change).
fn vet_tool_accounts<'a>(changeset: Cow<'a, Changeset>, diagnostics: &mut Vec<Diagnostic>) -> Cow<'a, Changeset> {
    let author_is_tool = is_ai_tool_account(&changeset.author.id);
    // The first by id, whatever the list's order (a red team: the
    // message named whichever came first).
    let contributor = changeset.contributors.iter().map(|c| c.id.as_str()).filter(|id| is_ai_tool_account(id)).min();
    let (who, account, least) = match (author_is_tool, contributor) {
        (true, _) => ("author", changeset.author.id.as_str(), AiInvolvement::Generated),
        (false, Some(c)) => ("contributor", c, AiInvolvement::Assisted),
        (false, None) => return changeset,
    };
    let raise = changeset.provenance.involvement() < least;
    let claimed = author_is_tool && (changeset.author.seniority.is_some() || changeset.author.prior_changes.is_some());
    if !raise && !claimed {
        return changeset;
    }
    let what = (who, account, "an AI tool's account");
    let mut message = account_message(what, &changeset.provenance, raise.then_some(least), claimed);
    message.push_str(". Name the person who made the change as its author, and the tool in `provenance`");
    diagnostics.push(Diagnostic::new(Level::Warning, "ai-tool-account", message));
    let mut vetted = changeset.into_owned();
    if raise {
        vetted.provenance.ai = Some(least);
    }
    if author_is_tool {
        vetted.author.seniority = None;
        vetted.author.prior_changes = None;
    }
    Cow::Owned(vetted)
}

/// Whether a `provenance.tool` or `model` names something: not a
/// placeholder for none ([`blastgate_change::is_placeholder`]; a red team:
/// `ai: none, tool: none` counted as a named tool, and a junior's change
/// went to senior).
fn names_something(value: &str) -> bool {
    !blastgate_change::is_placeholder(value)
}

/// `changeset` counted as AI-assisted when it states no AI involvement
/// (`none`, or nothing) but names an AI tool or model, with a warning in
/// `diagnostics`.
pub(crate) fn vet_provenance<'a>(
    changeset: Cow<'a, Changeset>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Cow<'a, Changeset> {
    let changeset = vet_agent_accounts(changeset, diagnostics);
    let changeset = vet_tool_accounts(changeset, diagnostics);
    let p = &changeset.provenance;
    // A tool that is an autonomous agent makes the change an agent's,
    // whatever the stated involvement (a gaming audit: `ai: generated`
    // beside `tool: codex-cloud` escaped the rules for agents).
    if let Some(tool) = p.tool.as_deref().filter(|t| is_autonomous_tool(t))
        && p.involvement() < AiInvolvement::Agent
    {
        let stated = if p.is_stated() {
            format!("states `provenance.ai: {}`", p.involvement().as_str())
        } else {
            "states no AI involvement".to_owned()
        };
        diagnostics.push(Diagnostic::new(
            Level::Warning,
            "ai-agent-tool-named",
            format!(
                "the changeset {stated} but names the tool `{}`, an autonomous agent: it counts as `agent`",
                tool.escape_debug()
            ),
        ));
        let mut vetted = changeset.into_owned();
        vetted.provenance.ai = Some(AiInvolvement::Agent);
        return Cow::Owned(vetted);
    }
    let named = |s: &Option<String>| s.as_deref().is_some_and(names_something);
    if p.involvement() != AiInvolvement::None || !(named(&p.tool) || named(&p.model)) {
        return changeset;
    }
    let what: Vec<String> = [("tool", &p.tool), ("model", &p.model)]
        .into_iter()
        .filter_map(|(field, v)| v.as_deref().filter(|v| names_something(v)).map(|v| format!("{field} `{v}`")))
        .collect();
    let stated = if p.is_stated() { "states `provenance.ai: none`" } else { "states no AI involvement" };
    diagnostics.push(Diagnostic::new(
        Level::Warning,
        "ai-tool-named",
        format!(
            "the changeset {stated} but names the AI {}; it counts as `assisted`. State the involvement the tool \
             had (`assisted`, `generated` or `agent`)",
            what.join(" and ")
        ),
    ));
    let mut vetted = changeset.into_owned();
    vetted.provenance.ai = Some(AiInvolvement::Assisted);
    Cow::Owned(vetted)
}
