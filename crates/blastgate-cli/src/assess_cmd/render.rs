//! Renderings of an assessment: human, markdown (with a Mermaid chart),
//! GitHub workflow commands and SARIF 2.1.0.

use std::collections::BTreeMap;
use std::io::Write;

use blastgate::ReviewDepth;
use blastgate::assess::{AssessOptions, Assessment, Bands, Engine, Level, RolloutStrategy};
use blastgate::change::{ChangedBy, Changeset, Classifier, ResolveOptions, resolve};
use serde_json::json;

/// Most factors shown in text renderings.
const TOP_FACTORS: usize = 6;
/// Most evidence paths drawn in the Mermaid chart.
const CHART_PATHS: usize = 5;

fn strategy(s: RolloutStrategy) -> &'static str {
    match s {
        RolloutStrategy::AllAtOnce => "all at once",
        RolloutStrategy::Canary => "canary",
        RolloutStrategy::Staged => "staged by cell or region",
        RolloutStrategy::DoNotDeploy => "do not deploy",
        _ => "see JSON",
    }
}

fn level(l: Level) -> &'static str {
    match l {
        Level::Error => "error",
        Level::Warning => "warning",
        Level::Note => "note",
    }
}

fn rollout_line(a: &Assessment) -> String {
    let r = &a.rollout;
    let steps: Vec<String> = r.steps.iter().map(|s| format!("{}%", s.percent)).collect();
    let bake = r.steps.iter().map(|s| s.bake_minutes).max().unwrap_or(0);
    let mut line = strategy(r.strategy).to_owned();
    if r.steps.len() > 1 {
        line.push_str(&format!(" {} (bake {bake} min per step)", steps.join(" -> ")));
    }
    if r.mandatory {
        line.push_str(", mandatory");
    }
    line
}

fn approval_line(p: &blastgate::assess::Approval) -> String {
    let teams = if p.teams.is_empty() { "any team".to_owned() } else { p.teams.join(" or ") };
    let seniority = p.min_seniority.as_deref().map(|s| format!(", {s} or above")).unwrap_or_default();
    format!("{} x{} from {teams}{seniority}: {}", p.role.as_str(), p.count, p.reason)
}

use crate::printable::one_line as one;

/// How a counterfactual's depth compares with the change's: `lowers to`,
/// `stays` or `raises to` (an action can add risk too, such as a test file
/// that adds lines).
fn counterfactual_mark(c: &blastgate::assess::Counterfactual, a: &Assessment) -> &'static str {
    match c.review_depth.cmp(&a.review_depth()) {
        std::cmp::Ordering::Less => "lowers to",
        std::cmp::Ordering::Equal => "stays",
        std::cmp::Ordering::Greater => "raises to",
    }
}

/// The likelihood and the impact as the summary writes them: with the
/// decimals that keep each in its band (`Bands::shown`; an explanations
/// audit: "impact 2.0 (low)" beside a cut at 2).
fn shown_risk(a: &Assessment, bands: &Bands) -> (String, String) {
    let r = &a.risk;
    (
        Bands::shown(r.likelihood, 3, &bands.likelihood, r.likelihood_band),
        Bands::shown(r.impact, 1, &bands.impact, r.impact_band),
    )
}

/// The terminal summary; `stops` is whether the gate stops, `bands` the
/// policy's.
pub fn human(out: &mut impl Write, a: &Assessment, stops: bool, bands: &Bands) -> std::io::Result<()> {
    let d = &a.decision;
    let gate = if stops { " (the gate stops)" } else { "" };
    // The id shortened: it is the author's, and padded with blanks it
    // pushed the depth out of sight after a forged one (a red-team
    // finding: `pr-42: auto (no review needed)` and 400 spaces); and
    // quoted, so that it cannot read as the verdict itself (a rendering
    // audit).
    let id = crate::printable::quoted(&blastgate::graph::shorten(&a.change_id));
    writeln!(out, "change {id}: {}{gate}", d.review_depth)?;
    writeln!(out, "  {}", one(&d.summary))?;
    let r = &a.risk;
    let (likelihood, impact) = shown_risk(a, bands);
    writeln!(out, "risk: likelihood {likelihood}, impact {impact}, score {:.3}", r.score)?;
    let b = &a.blast_radius;
    let tiers: Vec<String> = b.by_tier.iter().map(|(t, c)| format!("tier {t}: {c}")).collect();
    writeln!(out, "blast radius: {} changed, {} affected ({})", b.changed.len(), b.affected_count, tiers.join(", "))?;
    if !r.journeys.is_empty() {
        let j: Vec<String> = r.journeys.iter().map(|j| format!("{} (p={:.2})", j.service, j.probability)).collect();
        writeln!(out, "journeys reached: {}", j.join(", "))?;
    }
    if !a.rules.is_empty() {
        writeln!(out, "rules fired:")?;
        for rule in &a.rules {
            writeln!(out, "  {} (at least {}): {}", one(&rule.id), rule.min_depth, one(&rule.message))?;
            if !rule.reason.is_empty() {
                writeln!(out, "    why: {}", one(&rule.reason))?;
            }
        }
    }
    if !d.required_approvals.is_empty() {
        writeln!(out, "approvals:")?;
        for p in &d.required_approvals {
            writeln!(out, "  {}", one(&approval_line(p)))?;
        }
        let s = &d.separation_of_duties;
        writeln!(out, "  at least {}; never {}; humans only", people(s.distinct_approvers), one(&excluded_text(s)))?;
    }
    writeln!(out, "rollout: {}", rollout_line(a))?;
    // Why, and what to do with what the steps cannot stage (an
    // explanations audit: the reason reached the JSON alone).
    if !a.rollout.reason.is_empty() {
        writeln!(out, "  why: {}", one(&a.rollout.reason))?;
    }
    let window = &d.deploy_window;
    writeln!(out, "  deploy window: {} to {} (checked for freezes and changes in flight)", window.start, window.end)?;
    if !a.rollout.watch.is_empty() {
        let w: Vec<String> =
            a.rollout.watch.iter().map(|w| format!("{} (p={:.2})", w.service, w.probability)).collect();
        writeln!(out, "  watch: {}", w.join(", "))?;
    }
    for entry in &a.rollout.not_staged {
        writeln!(out, "  not staged: {}", one(entry))?;
    }
    writeln!(out, "top factors (log-odds):")?;
    for f in a.factors.iter().filter(|f| f.id != "intercept" && f.contribution != 0.0).take(TOP_FACTORS) {
        writeln!(out, "  {:+.2} {} = {}", f.contribution, f.id, f.value)?;
    }
    for e in a.blast_radius.evidence.iter().take(3) {
        writeln!(
            out,
            "evidence: {} (tier {}, p={:.2})",
            one(&path_text(&e.path, e.path_omitted)),
            e.tier,
            e.probability
        )?;
    }
    if !a.counterfactuals.is_empty() {
        writeln!(out, "what would change it:")?;
        for c in &a.counterfactuals {
            let mark = counterfactual_mark(c, a);
            writeln!(out, "  {}: {} {mark} {}", c.id, one(&c.action), c.review_depth)?;
        }
    }
    for diag in &a.diagnostics {
        writeln!(out, "{}[{}]: {}", level(diag.level), diag.code, one(&diag.message))?;
    }
    if let Some(text) = &d.break_glass {
        writeln!(out, "break glass: {}", one(text))?;
    }
    let v = &a.versions;
    writeln!(
        out,
        "engine {} revision {}, model {}, policy {}; input {}",
        v.engine, v.engine_revision, v.model, v.policy, a.input_digest
    )?;
    Ok(())
}

/// Most people named where the output says who may not approve.
const EXCLUDED_SHOWN: usize = 5;

/// Who may not approve, for one line: the author alone as before (`the
/// author` when the change names none), or the first
/// [`EXCLUDED_SHOWN`] names of the author and the contributors (an email
/// with the login it gives), then how many more.
fn excluded_text(s: &blastgate::assess::SeparationOfDuties) -> String {
    if s.excluded.len() <= 1 {
        return if s.excluded_author.is_empty() {
            s.excluded.first().cloned().unwrap_or_else(|| "the author".to_owned())
        } else {
            s.excluded_author.clone()
        };
    }
    let shown: Vec<String> = s.excluded.iter().take(EXCLUDED_SHOWN).map(|p| blastgate::graph::shorten(p)).collect();
    let more = s.excluded.len() - shown.len();
    let more = if more > 0 { format!(" and {more} more") } else { String::new() };
    format!("{}{more} (who made the change, by each name they go by)", shown.join(", "))
}

/// A path as `a -> b -> ... (N more) -> y -> z`.
fn path_text(path: &[String], omitted: usize) -> String {
    if omitted == 0 {
        return path.join(" -> ");
    }
    let (head, tail) = path.split_at(path.len() / 2);
    format!("{} -> ... ({omitted} more) -> {}", head.join(" -> "), tail.join(" -> "))
}

/// `1 person`, `3 distinct people`.
fn people(n: u32) -> String {
    if n == 1 { "1 person".to_owned() } else { format!("{n} distinct people") }
}

/// Text for Markdown: the characters that make markup backslash-escaped
/// (CommonMark renders `\*` as `*`), so nothing from an input becomes
/// markup in a pull request comment: no HTML (`<img>`, `</details>`, an
/// entity such as `&#x202e;`), link (`[text](url)`, a bare `https://...`
/// or `www.` address, which the escaped `:` and `.` keep from being
/// linked), emphasis (`**Decision: auto**`, `_x_`), strike-through, code
/// span, table cell (`|`), image (`!`) or math (`$`), and nothing starts a
/// block where the text starts a line or list item: no heading (`#`), list
/// (`-`, `+`, `1)`) or code block (leading spaces, written as `&#32;`).
/// `@` and `#` are followed by an empty HTML comment, which shows nothing
/// but splits the text, so that no `@team`, e-mail address or `owner/repo#1`
/// an input holds notifies anyone, links or cross-references (a rendering
/// audit: a commit's author `@org/security` was pinged); the approvers'
/// own team handles are written apart, by [`approval_markdown`]. Hidden
/// characters are shown as escapes and line breaks become spaces. Engine
/// messages quote ids between backticks, which then show as backticks.
fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    let body = s.trim_start_matches([' ', '\t']);
    for c in s.get(..s.len() - body.len()).unwrap_or_default().chars() {
        out.push_str(if c == ' ' { "&#32;" } else { "&#9;" });
    }
    // Whether only digits came before: `1)` would start a list.
    let mut number = true;
    let chars: Vec<char> = body.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        let after_number = number && i > 0;
        number &= c.is_ascii_digit();
        match c {
            '\n' | '\r' => out.push(' '),
            '\\' | '`' | '*' | '_' | '~' | '[' | ']' | '<' | '>' | '|' | '!' | '$' | '&' | ':' | '.' => {
                out.push('\\');
                out.push(c);
            }
            ')' if after_number => {
                out.push('\\');
                out.push(c);
            }
            '-' | '+' | '=' if i == 0 => {
                out.push('\\');
                out.push(c);
            }
            // `GH-12` links and cross-references issue 12 as `#12` does (a
            // rendering audit): split by an empty comment. (A repository's
            // own autolink prefixes, `JIRA-12`, only link to its tracker.)
            '-' if gh_reference(&chars, i) => out.push_str("<!-- -->-"),
            '@' | '#' => {
                out.push(c);
                out.push_str("<!-- -->");
            }
            c if blastgate::graph::is_hidden(c) => out.push_str(&format!("\\\\u{{{:x}}}", u32::from(c))),
            _ => out.push(c),
        }
    }
    out
}

/// Whether the `-` at `i` is that of a `GH-12` issue reference: `gh` in
/// any case, at the start of a word, before it, and a digit after it.
fn gh_reference(chars: &[char], i: usize) -> bool {
    let at = |k: Option<usize>| k.and_then(|k| chars.get(k)).copied();
    let word_start = at(i.checked_sub(3)).is_none_or(|c| !c.is_alphanumeric());
    at(i.checked_sub(2)).is_some_and(|c| c.eq_ignore_ascii_case(&'g'))
        && at(i.checked_sub(1)).is_some_and(|c| c.eq_ignore_ascii_case(&'h'))
        && word_start
        && at(Some(i + 1)).is_some_and(|c| c.is_ascii_digit())
}

/// An approval requirement for Markdown: its teams as handles that notify
/// (`@org/payments`, when a team is written as one: the graph's owners and
/// CODEOWNERS', the people the requirement asks), anything else as
/// [`text`].
fn approval_markdown(p: &blastgate::assess::Approval) -> String {
    approval_markdown_of(p.role.as_str(), p.count, &p.teams, p.min_seniority.as_deref(), &p.reason)
}

/// [`approval_markdown`] of an approval's parts.
fn approval_markdown_of(role: &str, count: u32, teams: &[String], min_seniority: Option<&str>, reason: &str) -> String {
    let handle = |t: &str| {
        t.strip_prefix('@').is_some_and(|name| {
            !name.is_empty()
                && name.split('/').count() <= 2
                && name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '/' | '.'))
                && !name.starts_with(['/', '.'])
                && !name.ends_with(['/', '.'])
        })
    };
    let teams = if teams.is_empty() {
        "any team".to_owned()
    } else {
        // A handle's `_` escaped: `@acme/__security__` rendered as
        // "@acme/**security**", naming another team and mentioning none (a
        // rendering audit); escaped, it still mentions the team.
        teams.iter().map(|t| if handle(t) { t.replace('_', "\\_") } else { text(t) }).collect::<Vec<_>>().join(" or ")
    };
    let seniority = min_seniority.map(|s| format!(", {} or above", text(s))).unwrap_or_default();
    format!("{role} x{count} from {teams}{seniority}: {}", text(reason))
}

/// A Markdown code span holding `s` as written: fenced with one backtick
/// more than the longest run of backticks in it (padded with spaces when it
/// starts or ends with one), so no id can close it early; hidden
/// characters shown as escapes.
fn code(s: &str) -> String {
    crate::printable::fenced(&blastgate::graph::shown(&s.replace(['\n', '\r'], " ")))
}

/// A Mermaid node label: quoted, with `"`, `#`, `<`, `>`, `%`, `&` and
/// `` ` `` written as Mermaid's entity codes (`#quot;`, `#35;`, `#60;`,
/// `#62;`, `#37;`, `#38;`, `#96;`), so an id cannot close the label, become
/// HTML (`<br>`, `<img>`) in a rendered comment, a character reference or
/// a directive, line breaks as spaces and hidden characters as escapes.
fn mermaid_label(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("#quot;"),
            '#' => out.push_str("#35;"),
            // `%%{init: ...}%%` is a directive that restyles the chart, and
            // a label between backticks is Mermaid's Markdown string.
            '%' => out.push_str("#37;"),
            '`' => out.push_str("#96;"),
            '<' => out.push_str("#60;"),
            '>' => out.push_str("#62;"),
            // Mermaid decodes HTML character references in labels
            // (`&#x202e;`, `&#10;`): an id could add a character ids may
            // not hold (a rendering audit).
            '&' => out.push_str("#38;"),
            '\n' | '\r' => out.push(' '),
            c if blastgate::graph::is_hidden(c) => out.push_str(&format!("\\u{{{:x}}}", u32::from(c))),
            _ => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The Markdown report (a GitHub job summary or a GitLab note).
pub fn markdown(out: &mut impl Write, a: &Assessment, stops: bool, bands: &Bands) -> std::io::Result<()> {
    let d = &a.decision;
    // Said as the other formats say it (a red-team finding: an error under
    // a policy whose `error_depth` is below `block` read as a normal
    // review here, with the error in the folded diagnostics only).
    let gate = if stops { " (the gate stops)" } else { "" };
    writeln!(out, "## blastgate: `{}` review for {}{gate}", d.review_depth, code(&a.change_id))?;
    writeln!(out)?;
    writeln!(out, "{}", text(&d.summary))?;
    writeln!(out)?;
    let r = &a.risk;
    writeln!(out, "| likelihood | impact | score | affected | highest tier |")?;
    writeln!(out, "|---|---|---|---|---|")?;
    let (likelihood, impact) = shown_risk(a, bands);
    writeln!(
        out,
        "| {likelihood} ({}) | {impact} ({}) | {:.3} | {} | {} |",
        r.likelihood_band.as_str(),
        r.impact_band.as_str(),
        r.score,
        a.blast_radius.affected_count,
        r.highest_tier.map_or_else(|| "-".to_owned(), |t| t.to_string())
    )?;
    writeln!(out)?;
    if !a.rules.is_empty() {
        writeln!(out, "### Rules fired")?;
        for rule in &a.rules {
            writeln!(out, "- **{}** (at least `{}`): {}", text(&rule.id), rule.min_depth, text(&rule.message))?;
        }
        writeln!(out)?;
    }
    if !d.required_approvals.is_empty() {
        writeln!(out, "### Approvals required")?;
        for p in &d.required_approvals {
            writeln!(out, "- {}", approval_markdown(p))?;
        }
        let s = &d.separation_of_duties;
        let never = if s.excluded.len() > 1 {
            format!("never {}", text(&excluded_text(s)))
        } else {
            "the author never counts".to_owned()
        };
        writeln!(out, "- at least {}; {never}; humans only", people(s.distinct_approvers))?;
        writeln!(out)?;
    }
    // What an on-call engineer needs when the gate stops a remediation (an
    // incident-response audit: the report a merge request shows left it
    // out, where the text report said it).
    if let Some(break_glass) = &d.break_glass {
        writeln!(out, "**Break glass:** {}", text(break_glass))?;
        writeln!(out)?;
    }
    writeln!(out, "### Rollout")?;
    writeln!(out, "{}", rollout_line(a))?;
    if !a.rollout.reason.is_empty() {
        writeln!(out)?;
        writeln!(out, "Why: {}", text(&a.rollout.reason))?;
    }
    let window = &a.decision.deploy_window;
    writeln!(out)?;
    writeln!(out, "Deploy window: {} to {} (checked for freezes and changes in flight)", window.start, window.end)?;
    if !a.rollout.watch.is_empty() {
        let w: Vec<String> = a.rollout.watch.iter().map(|w| code(&w.service)).collect();
        writeln!(out)?;
        writeln!(out, "Watch: {}", w.join(", "))?;
    }
    if !a.rollout.not_staged.is_empty() {
        writeln!(out)?;
        writeln!(out, "Not staged (applied once, for every user, whatever share a step names):")?;
        for entry in &a.rollout.not_staged {
            writeln!(out, "- {}", text(entry))?;
        }
    }
    writeln!(out)?;
    let paths: Vec<&blastgate::assess::EvidencePath> = a.blast_radius.evidence.iter().take(CHART_PATHS).collect();
    if !paths.is_empty() {
        writeln!(out, "### Evidence paths")?;
        writeln!(out, "```mermaid")?;
        writeln!(out, "flowchart LR")?;
        // Node keys are ids; a shortened path's gap is a node of its own,
        // keyed with a NUL (which no id holds).
        let mut ids: BTreeMap<String, usize> = BTreeMap::new();
        let mut labels: Vec<String> = Vec::new();
        let mut edges: Vec<(usize, usize)> = Vec::new();
        for (k, p) in paths.iter().enumerate() {
            let half = p.path.len() / 2;
            let mut keys: Vec<(String, String)> = p.path.iter().map(|s| (s.clone(), s.clone())).collect();
            if p.path_omitted > 0 {
                keys.insert(half, (format!("\0gap{k}"), format!("... {} more ...", p.path_omitted)));
            }
            let mut previous = None;
            for (key, label) in keys {
                let next = ids.len();
                let i = *ids.entry(key).or_insert_with(|| {
                    labels.push(label);
                    next
                });
                if let Some(f) = previous
                    && !edges.contains(&(f, i))
                {
                    edges.push((f, i));
                }
                previous = Some(i);
            }
        }
        let nodes: Vec<(&str, usize)> =
            ids.iter().filter(|(s, _)| !s.starts_with('\0')).map(|(s, i)| (s.as_str(), *i)).collect();
        for (i, label) in labels.iter().enumerate() {
            writeln!(out, "  n{i}[{}]", mermaid_label(label))?;
        }
        for (f, t) in &edges {
            writeln!(out, "  n{f} --> n{t}")?;
        }
        let changed: Vec<String> = nodes
            .iter()
            .filter(|(s, _)| a.blast_radius.changed.iter().any(|c| c == s))
            .map(|(_, i)| format!("n{i}"))
            .collect();
        if !changed.is_empty() {
            writeln!(out, "  classDef changed fill:#fde2e1,stroke:#c0392b")?;
            writeln!(out, "  class {} changed", changed.join(","))?;
        }
        writeln!(out, "```")?;
        writeln!(out)?;
    }
    if !a.counterfactuals.is_empty() {
        writeln!(out, "### What would change it")?;
        for c in &a.counterfactuals {
            let mark = counterfactual_mark(c, a);
            writeln!(out, "- {}: {mark} `{}`", text(&c.action), c.review_depth)?;
        }
        writeln!(out)?;
    }
    if !a.diagnostics.is_empty() {
        writeln!(out, "<details><summary>Diagnostics ({})</summary>", a.diagnostics.len())?;
        writeln!(out)?;
        for diag in &a.diagnostics {
            writeln!(out, "- {} `{}`: {}", level(diag.level), diag.code, text(&diag.message))?;
        }
        writeln!(out)?;
        writeln!(out, "</details>")?;
        writeln!(out)?;
    }
    let v = &a.versions;
    writeln!(
        out,
        "<sub>engine {} revision {} · model {} · policy {} · input `{}`</sub>",
        text(&v.engine),
        v.engine_revision,
        text(&v.model),
        text(&v.policy),
        a.input_digest
    )?;
    Ok(())
}

/// Escapes a workflow command's message: GitHub's `%25`, `%0D` and `%0A`,
/// and every other hidden character (escape sequences, which the log
/// viewer would obey, bidirectional overrides) shown as `\u{..}`.
fn escape_data(s: &str) -> String {
    let s = s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A");
    blastgate::graph::shown(&s).into_owned()
}

/// A repository path as a relative URI reference (SARIF's
/// `artifactLocation.uri`, RFC 3986): every byte but unreserved characters
/// and `/` percent-encoded, so a space, `#` or `%` in a file name stays part
/// of the path.
fn uri_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Escapes a workflow command's property value.
fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// GitHub workflow commands: one annotation for the decision (`error` when
/// the gate stops, `warning` from `senior` up, `notice` otherwise), one
/// `warning` per fired rule, and errors for error diagnostics.
pub fn github_commands(out: &mut impl Write, a: &Assessment, stops: bool) -> std::io::Result<()> {
    let depth = a.review_depth();
    let command = if stops {
        "error"
    } else if depth >= ReviewDepth::Senior {
        "warning"
    } else {
        "notice"
    };
    let title = escape_property(&format!("blastgate: {depth} review"));
    writeln!(out, "::{command} title={title}::{}", escape_data(&a.decision.summary))?;
    // Who must approve, and the break-glass path, where the pull request's
    // check shows them (an incident-response audit: only the job summary,
    // if set, said either).
    let approvals: Vec<String> = a.decision.required_approvals.iter().map(approval_line).collect();
    if !approvals.is_empty() {
        // With who may not approve, as the text and markdown reports say it
        // (an approvals audit: the notice on the pull request left it out).
        let s = &a.decision.separation_of_duties;
        let who = format!("at least {}; never {}; humans only", people(s.distinct_approvers), excluded_text(s));
        let title = escape_property("blastgate: approvals required");
        writeln!(out, "::notice title={title}::{}", escape_data(&format!("{}; {who}", approvals.join("; "))))?;
    }
    if let Some(break_glass) = &a.decision.break_glass {
        let title = escape_property("blastgate: break glass");
        writeln!(out, "::notice title={title}::{}", escape_data(break_glass))?;
    }
    for rule in &a.rules {
        let title = escape_property(&format!("blastgate rule {}", rule.id));
        writeln!(out, "::warning title={title}::{}", escape_data(&rule.message))?;
    }
    // Warnings too (a newcomer audit: a stale context or a graph warning
    // reached only the step summary, which few open). Notes stay in the
    // summary: they are for the record, not for the pull request's page.
    for diag in a.diagnostics.iter().filter(|d| d.level != Level::Note) {
        let command = if diag.level == Level::Error { "error" } else { "warning" };
        let title = escape_property(&format!("blastgate {}", diag.code));
        writeln!(out, "::{command} title={title}::{}", escape_data(&diag.message))?;
    }
    Ok(())
}

/// Step outputs for `$GITHUB_OUTPUT`: `name=value` lines, or GitHub's
/// multiline form for a value holding a line break ([`github_output`]).
pub fn github_outputs(a: &Assessment, stops: bool) -> String {
    let rules: Vec<&str> = a.fired_rule_ids().collect();
    let outputs = [
        ("review_depth", a.review_depth().to_string()),
        ("likelihood", a.risk.likelihood.to_string()),
        ("impact", a.risk.impact.to_string()),
        ("score", a.risk.score.to_string()),
        ("rules", rules.join(",")),
        ("gate_stops", stops.to_string()),
        ("input_digest", a.input_digest.clone()),
        ("deploy_window_start", a.decision.deploy_window.start.to_string()),
        ("deploy_window_end", a.decision.deploy_window.end.to_string()),
    ];
    outputs.iter().map(|(name, value)| github_output(name, value)).collect()
}

/// One step output. A value with `\r` or `\n` in it is written as
/// `name<<DELIMITER`, the value, and `DELIMITER` on a line of its own, with
/// a delimiter that does not occur anywhere in the value, so that no value
/// can end the block early or add an output of its own. The delimiter is
/// deterministic (`BLASTGATE_EOF`, then `BLASTGATE_EOF_1`, ...): the same
/// assessment writes the same bytes.
fn github_output(name: &str, value: &str) -> String {
    if !value.contains(['\r', '\n']) {
        return format!("{name}={value}\n");
    }
    let mut delimiter = "BLASTGATE_EOF".to_owned();
    let mut n = 0_usize;
    // Terminates: the value is finite, so it holds finitely many of them.
    while value.contains(&delimiter) {
        n += 1;
        delimiter = format!("BLASTGATE_EOF_{n}");
    }
    format!("{name}<<{delimiter}\n{value}\n{delimiter}\n")
}

/// The changed files of each changed service (for SARIF locations).
pub fn files_by_service(
    engine: &Engine,
    changeset: &Changeset,
    options: &AssessOptions<'_>,
) -> BTreeMap<String, Vec<String>> {
    let lenient = ResolveOptions::allow_unknown(true);
    let Ok(resolved) =
        resolve("changeset", changeset, engine.graph(), options.mapping, &Classifier::default(), lenient)
    else {
        return BTreeMap::new();
    };
    resolved
        .touched
        .iter()
        .map(|t| {
            let files = t
                .via
                .iter()
                .filter_map(|v| match v {
                    ChangedBy::File(p) => Some(p.clone()),
                    _ => None,
                })
                .collect();
            (t.id.clone(), files)
        })
        .collect()
}

/// SARIF 2.1.0: one result per fired rule (located on the changed files of
/// the services it concerns, or of every changed service), one for the
/// decision, and one per error diagnostic.
/// SARIF 2.1.0: one `review-depth` result for the decision (`error` when
/// the gate stops, else by depth), one per fired rule, and one per error
/// diagnostic under its own rule (`diagnostic/<code>`).
///
/// Message texts have `\`, `[` and `]` backslash-escaped: SARIF reads
/// `[text](target)` in a plain-text message as an embedded link (section
/// 3.11.6 of the standard), so a path such as `[approved](https://x)`
/// would show as a link in a code-scanning view (a rendering audit).
///
/// Every result has a location, which GitHub code scanning requires of an
/// upload (a red-team finding: a change of infrastructure or services
/// alone gave results without one, and the upload was refused): the
/// changed files of the services concerned; else every changed file,
/// mapped or not (so `unmapped-runtime-files` names the files it is
/// about); else `inputs`, the files the change was read from (the
/// changeset, a plan, the graph).
pub fn sarif(
    a: &Assessment,
    files: &BTreeMap<String, Vec<String>>,
    changed: &[String],
    inputs: &[String],
    stops: bool,
) -> String {
    let all_files: Vec<&String> = {
        let mut v: Vec<&String> = changed.iter().collect();
        if v.is_empty() {
            v = inputs.iter().collect();
        }
        v.sort_unstable();
        v.dedup();
        v
    };
    let locations = |services: &[String]| -> Vec<serde_json::Value> {
        let mut paths: Vec<&String> = services.iter().filter_map(|s| files.get(s)).flatten().collect();
        if paths.is_empty() {
            paths.clone_from(&all_files);
        }
        paths.sort_unstable();
        paths.dedup();
        paths
            .into_iter()
            .take(20)
            .map(|p| json!({"physicalLocation": {"artifactLocation": {"uri": uri_path(p)}}}))
            .collect()
    };
    let sarif_level = |depth: ReviewDepth| match depth {
        ReviewDepth::Block | ReviewDepth::MultiParty => "error",
        ReviewDepth::Senior | ReviewDepth::Owner => "warning",
        _ => "note",
    };
    let mut rules = vec![json!({
        "id": "review-depth",
        "shortDescription": {"text": "How much review the change needs"},
    })];
    // A stopped gate is an error whatever the depth (an error diagnostic
    // stops it at a policy's `error_depth`, which may be low).
    let decision_level = if stops { "error" } else { sarif_level(a.review_depth()) };
    // Who must approve, as the other formats say it (a red team: SARIF
    // alone named no approver, so a dashboard fed it could not tell who
    // signs off).
    let mut message = sarif_text(&a.decision.summary);
    if !a.decision.required_approvals.is_empty() {
        let lines: Vec<String> = a.decision.required_approvals.iter().map(approval_line).collect();
        message.push_str(&format!("\napprovals: {}", sarif_text(&lines.join("; "))));
    }
    let mut results = vec![json!({
        "ruleId": "review-depth",
        "level": decision_level,
        "message": {"text": message},
        "locations": locations(&[]),
        "properties": {
            "review_depth": a.review_depth().as_str(),
            "likelihood": a.risk.likelihood,
            "impact": a.risk.impact,
            "required_approvals": a.decision.required_approvals,
            "separation_of_duties": a.decision.separation_of_duties,
        },
    })];
    for r in &a.rules {
        rules.push(json!({
            "id": r.id,
            "shortDescription": {"text": sarif_text(&r.reason)},
            "defaultConfiguration": {"level": sarif_level(r.min_depth)},
        }));
        results.push(json!({
            "ruleId": r.id,
            "level": sarif_level(r.min_depth),
            "message": {"text": sarif_text(&r.message)},
            "locations": locations(&r.services),
            "properties": {"min_depth": r.min_depth.as_str()},
        }));
    }
    for d in a.diagnostics.iter().filter(|d| d.level == Level::Error) {
        let id = format!("diagnostic/{}", d.code);
        if !rules.iter().any(|r| r["id"] == id.as_str()) {
            rules.push(json!({
                "id": id,
                "shortDescription": {"text": "An error in the inputs: the gate escalates"},
                "defaultConfiguration": {"level": "error"},
            }));
        }
        results.push(json!({
            "ruleId": id,
            "level": "error",
            "message": {"text": sarif_text(&format!("{}: {}", d.code, d.message))},
            "locations": locations(&[]),
        }));
    }
    let doc = json!({
        "version": "2.1.0",
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "runs": [{
            "tool": {"driver": {"name": "blastgate", "version": a.versions.engine, "rules": rules}},
            "results": results,
            "properties": {
                "input_digest": a.input_digest,
                "engine_revision": a.versions.engine_revision,
                "policy": a.versions.policy,
                "model": a.versions.model,
            },
        }],
    });
    serde_json::to_string_pretty(&doc).unwrap_or_default()
}

/// A SARIF plain-text message: `\`, `[` and `]` escaped, so that
/// nothing from an input becomes an embedded link, and hidden characters
/// (controls and line breaks included) shown as escapes, as in every other
/// format (a rendering audit: a path's U+202E read reversed in the alert
/// view, and its escape sequences ran where the SARIF was printed).
fn sarif_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 4);
    for c in s.chars() {
        if blastgate::graph::is_hidden(c) {
            // `\\` is the escaped backslash: the reader sees `\u{202e}`.
            out.push_str(&format!("\\\\u{{{:x}}}", u32::from(c)));
            continue;
        }
        if matches!(c, '\\' | '[' | ']') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mermaid_label_holds_no_markup() {
        assert_eq!(mermaid_label("c]<br>\"x\"#1"), "\"c]#60;br#62;#quot;x#quot;#35;1\"");
        assert_eq!(mermaid_label("a\nb"), "\"a b\"");
        assert_eq!(mermaid_label("a&#x202e;b"), "\"a#38;#35;x202e;b\"");
    }

    /// A rendering audit: inputs started blocks where a list item starts
    /// (`# ... approved` became the comment's largest heading), and
    /// mentioned teams, linked e-mail addresses and cross-referenced
    /// issues in the comment.
    #[test]
    fn markdown_text_starts_no_block_and_notifies_no_one() {
        assert_eq!(text("# Decision: auto"), "#<!-- --> Decision\\: auto");
        assert_eq!(text("- x"), "\\- x");
        assert_eq!(text("+ x"), "\\+ x");
        assert_eq!(text("= x"), "\\= x");
        assert_eq!(text("12) x"), "12\\) x");
        assert_eq!(text("1. x"), "1\\. x");
        // `GH-12` links like `#12`; other words before a `-` are kept.
        assert_eq!(text("GH-12, gh-3 (Gh-4)"), "GH<!-- -->-12, gh<!-- -->-3 (Gh<!-- -->-4)");
        assert_eq!(text("tier-0 JIRA-7 sgh-1 gh-x 2026-12-06"), "tier-0 JIRA-7 sgh-1 gh-x 2026-12-06");
        assert_eq!(text("a-b (c) 1)"), "a-b (c) 1)");
        assert_eq!(text("    code"), "&#32;&#32;&#32;&#32;code");
        assert_eq!(text("never @org/security"), "never @<!-- -->org/security");
        assert_eq!(text("sec@evil"), "sec@<!-- -->evil");
        assert_eq!(text("owner/repo#12"), "owner/repo#<!-- -->12");
    }

    #[test]
    fn approvals_notify_their_team_handles_only() {
        let approval = |teams: &[&str], reason: &str| {
            let teams: Vec<String> = teams.iter().map(|t| (*t).to_owned()).collect();
            approval_markdown_of("owner", 1, &teams, None, reason)
        };
        assert_eq!(
            approval(&["@org/payments", "@alice"], "owns `x @org/evil`"),
            "owner x1 from @org/payments or @alice: owns \\`x @<!-- -->org/evil\\`"
        );
        assert_eq!(
            approval(&["@acme/__security__", "@a_b"], "r"),
            "owner x1 from @acme/\\_\\_security\\_\\_ or @a\\_b: r"
        );
        assert_eq!(
            approval(&["@org/a](http://x)", "team-a"], "r"),
            "owner x1 from @<!-- -->org/a\\](http\\://x) or team-a: r"
        );
    }

    #[test]
    fn sarif_messages_hold_no_embedded_links() {
        assert_eq!(sarif_text("[approved](https://x) a\\b"), "\\[approved\\](https://x) a\\\\b");
        // Hidden characters shown, their backslash escaped like any other.
        assert_eq!(sarif_text("go/\u{202e}x\u{1b}c\n::y"), r"go/\\u{202e}x\\u{1b}c\\u{a}::y");
    }

    #[test]
    fn one_line_escapes_line_breaks_and_tabs() {
        assert_eq!(one("a\n::error::x\r\tb"), r"a\u{a}::error::x\u{d}\u{9}b");
        assert_eq!(one("plain"), "plain");
    }

    #[test]
    fn a_step_output_with_a_line_break_cannot_add_an_output() {
        assert_eq!(github_output("rules", "a,b"), "rules=a,b\n");
        let forged = "critical-reach\ngate_stops=false\rreview_depth=auto";
        let text = github_output("rules", forged);
        assert_eq!(text, format!("rules<<BLASTGATE_EOF\n{forged}\nBLASTGATE_EOF\n"));
        // A value that holds the delimiter gets another one.
        let forged = "x\nBLASTGATE_EOF\nreview_depth=auto\nBLASTGATE_EOF_1";
        let text = github_output("rules", forged);
        assert_eq!(text, format!("rules<<BLASTGATE_EOF_2\n{forged}\nBLASTGATE_EOF_2\n"));
    }
}
