//! CODEOWNERS: the real files in the shared fixtures (with the facts their
//! README lists) and one test per semantic rule.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a panic is a failed test"
)]

use blastgate_ingest::codeowners::{CodeOwners, MAX_PATTERN_WILDCARDS, MAX_RULES, MAX_WILDCARDS};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/fixtures/codeowners");

fn fixture(name: &str) -> (CodeOwners, Vec<String>) {
    let bytes = std::fs::read(format!("{FIXTURES}/{name}.CODEOWNERS")).unwrap();
    let owners = CodeOwners::parse(&format!("{name}.CODEOWNERS"), &bytes).unwrap();
    let files = std::fs::read_to_string(format!("{FIXTURES}/{name}.files.txt")).unwrap();
    (owners, files.lines().map(str::to_owned).collect())
}

fn parse(text: &str) -> CodeOwners {
    CodeOwners::parse("CODEOWNERS", text.as_bytes()).unwrap()
}

/// Checks the README's counts: rules, files, every file owned, files that
/// fall only under the catch-all `*`.
fn check_counts(name: &str, rules: usize, files: usize, only_catch_all: usize) -> CodeOwners {
    let (owners, paths) = fixture(name);
    assert_eq!(owners.rule_count(), rules, "{name}: rules");
    assert!(owners.warnings().is_empty(), "{name}: {:?}", owners.warnings());
    assert_eq!(paths.len(), files, "{name}: files");
    for path in &paths {
        let found = owners.owners_of(path).unwrap_or_else(|| panic!("{name}: `{path}` has no rule"));
        assert!(!found.is_empty(), "{name}: `{path}` is unowned");
    }
    let catch_all = paths.iter().filter(|p| owners.rule_of(p).unwrap().pattern() == "*").count();
    assert_eq!(catch_all, only_catch_all, "{name}: files only under `*`");
    owners
}

#[test]
fn otel_collector_counts() {
    check_counts("otel-collector", 107, 2806, 282);
}

#[test]
fn otel_go_contrib_counts() {
    check_counts("otel-go-contrib", 50, 928, 143);
}

#[test]
fn online_boutique_has_one_catch_all_rule() {
    let owners = check_counts("online-boutique", 1, 364, 364);
    let rule = owners.rules().next().unwrap();
    assert_eq!((rule.line(), rule.pattern()), (6, "*"));
    assert_eq!(
        owners.owners_of("src/cartservice/src/Program.cs").unwrap(),
        ["@GoogleCloudPlatform/devrel-flagship-app-maintainers", "@yoshi-approver"]
    );
}

const APPROVERS: &str = "@open-telemetry/collector-approvers";

#[test]
fn otel_collector_hand_checked_facts() {
    let (owners, _) = fixture("otel-collector");
    let rule = owners.rule_of("pdata/pcommon/map.go").unwrap();
    assert_eq!(rule.pattern(), "pdata/");
    assert_eq!(rule.owners(), [APPROVERS, "@bogdandrutu", "@dmitryax"]);

    // The more specific later rule beats `pdata/`.
    let rule = owners.rule_of("pdata/pprofile/aggregation_temporality.go").unwrap();
    assert_eq!(rule.pattern(), "pdata/pprofile/");
    assert_eq!(rule.owners(), [APPROVERS, "@mx-psi", "@dmathieu"]);

    assert_eq!(owners.owners_of("cmd/mdatagen/main.go").unwrap(), [APPROVERS, "@dmitryax"]);
    // A later, narrower rule drops @dmitryax.
    assert_eq!(owners.owners_of("cmd/mdatagen/internal/samplepkg/x.go").unwrap(), [APPROVERS]);
    assert_eq!(owners.owners_of("cmd/mdatagen/internal/samplepkg/doc.go").unwrap(), [APPROVERS]);

    let rule = owners.rule_of(".github/workflows/scripts/release-prepare-release.sh").unwrap();
    assert_eq!(rule.pattern(), ".github/workflows/scripts/release-*.sh");
    assert_eq!(rule.owners(), [APPROVERS, "@open-telemetry/collector-releases-approvers"]);

    // Line 69 overrides line 68.
    let rule = owners.rule_of("exporter/exporterhelper/internal/queuebatch/batcher.go").unwrap();
    assert_eq!(rule.line(), 69);
    assert_eq!(rule.owners(), [APPROVERS]);
    let rule = owners.rule_of("exporter/exporterhelper/queue_sender.go").unwrap();
    assert_eq!(rule.line(), 68);
    assert_eq!(rule.owners(), [APPROVERS, "@bogdandrutu", "@dmitryax"]);

    let rule = owners.rule_of("README.md").unwrap();
    assert_eq!((rule.line(), rule.pattern()), (12, "*"));
    assert_eq!(rule.owners(), [APPROVERS]);
}

const GO_APPROVERS: &str = "@open-telemetry/go-approvers";

#[test]
fn otel_go_contrib_hand_checked_facts() {
    let (owners, _) = fixture("otel-go-contrib");
    // The commented-out example on line 19 has other owners; it is ignored.
    let rule = owners.rule_of("instrumentation/net/http/otelhttp/handler.go").unwrap();
    assert_eq!(rule.line(), 65);
    assert_eq!(rule.owners(), [GO_APPROVERS, "@dmathieu", "@sonalgaud12"]);

    // A rule without the go-approvers team.
    assert_eq!(owners.owners_of("CODEOWNERS").unwrap(), ["@MrAlias", "@pellared", "@dashpole", "@XSAM", "@dmathieu"]);

    // No trailing slash: a directory of that name and everything below.
    let rule = owners.rule_of("bridges/otelslog/handler.go").unwrap();
    assert_eq!(rule.pattern(), "bridges/otelslog");
    assert_eq!(rule.owners(), [GO_APPROVERS, "@MrAlias", "@pellared"]);

    let rule = owners.rule_of("go.mod").unwrap();
    assert_eq!(rule.pattern(), "*");
    assert_eq!(rule.owners(), [GO_APPROVERS]);
}

// --- One test per rule of the semantics. ---

#[test]
fn leading_slash_anchors_at_the_root() {
    let owners = parse("/build/logs/ @doctocat\n/config @root\n");
    assert_eq!(owners.owners_of("build/logs/today.log").unwrap(), ["@doctocat"]);
    assert_eq!(owners.owners_of("build/logs/2024/01/today.log").unwrap(), ["@doctocat"]);
    assert_eq!(owners.owners_of("src/build/logs/today.log"), None);
    assert_eq!(owners.owners_of("config").unwrap(), ["@root"]);
    assert_eq!(owners.owners_of("config/app.yaml").unwrap(), ["@root"]);
    assert_eq!(owners.owners_of("src/config/app.yaml"), None);
    assert_eq!(owners.owners_of("configs/app.yaml"), None);
}

#[test]
fn inner_slash_anchors_at_the_root() {
    let owners = parse("docs/api @api\n");
    assert_eq!(owners.owners_of("docs/api/index.md").unwrap(), ["@api"]);
    assert_eq!(owners.owners_of("docs/api").unwrap(), ["@api"]);
    assert_eq!(owners.owners_of("site/docs/api/index.md"), None);
    assert_eq!(owners.owners_of("docs/apis/index.md"), None);
}

#[test]
fn pattern_without_slash_matches_at_any_depth() {
    let owners = parse("*.js @js-owner\napps/ @octocat\nMakefile @make\n");
    assert_eq!(owners.owners_of("index.js").unwrap(), ["@js-owner"]);
    assert_eq!(owners.owners_of("web/src/deep/index.js").unwrap(), ["@js-owner"]);
    assert_eq!(owners.owners_of("index.jsx"), None);
    // `apps/` has a trailing slash only: it matches an `apps` directory anywhere.
    assert_eq!(owners.owners_of("apps/a.go").unwrap(), ["@octocat"]);
    assert_eq!(owners.owners_of("services/apps/b/c.go").unwrap(), ["@octocat"]);
    assert_eq!(owners.owners_of("tools/Makefile").unwrap(), ["@make"]);
}

#[test]
fn single_star_does_not_cross_slash() {
    // GitHub's documented example: `docs/*` matches `docs/getting-started.md`
    // but not `docs/build-app/troubleshooting.md`.
    let owners = parse("docs/* docs@example.com\n/*.md @root-docs\n");
    assert_eq!(owners.owners_of("docs/getting-started.md").unwrap(), ["docs@example.com"]);
    assert_eq!(owners.owners_of("docs/build-app/troubleshooting.md"), None);
    assert_eq!(owners.owners_of("README.md").unwrap(), ["@root-docs"]);
    assert_eq!(owners.owners_of("src/README.md"), None);
    let owners = parse("/* @top\n");
    assert_eq!(owners.owners_of("go.mod").unwrap(), ["@top"]);
    assert_eq!(owners.owners_of("src/main.go"), None);
    let owners = parse("src/*/main.go @mains\n");
    assert_eq!(owners.owners_of("src/cart/main.go").unwrap(), ["@mains"]);
    assert_eq!(owners.owners_of("src/cart/cmd/main.go"), None);
}

#[test]
fn double_star_crosses_slash() {
    let owners = parse("docs/**/*.md @md\n**/logs @logs\nsrc/** @src\n");
    assert_eq!(owners.owners_of("docs/a.md").unwrap(), ["@md"]);
    assert_eq!(owners.owners_of("docs/a/b/c.md").unwrap(), ["@md"]);
    assert_eq!(owners.owners_of("docs/a/b/c.txt"), None);
    assert_eq!(owners.owners_of("logs/x").unwrap(), ["@logs"]);
    assert_eq!(owners.owners_of("deep/down/logs/x.log").unwrap(), ["@logs"]);
    assert_eq!(owners.owners_of("src/a/b/c.rs").unwrap(), ["@src"]);
    assert_eq!(owners.owners_of("src"), None);
}

#[test]
fn trailing_slash_covers_everything_below_but_not_a_file() {
    let owners = parse("cmd/builder/ @builders\n");
    assert_eq!(owners.owners_of("cmd/builder/main.go").unwrap(), ["@builders"]);
    assert_eq!(owners.owners_of("cmd/builder/internal/x/y.go").unwrap(), ["@builders"]);
    // A file named like the directory is not matched.
    assert_eq!(owners.owners_of("cmd/builder"), None);
    assert_eq!(owners.owners_of("cmd/builders/main.go"), None);
}

#[test]
fn pattern_without_trailing_slash_matches_file_or_directory() {
    let owners = parse("bridges/otelslog @slog\n");
    assert_eq!(owners.owners_of("bridges/otelslog").unwrap(), ["@slog"]);
    assert_eq!(owners.owners_of("bridges/otelslog/handler.go").unwrap(), ["@slog"]);
    assert_eq!(owners.owners_of("bridges/otelslog/internal/x.go").unwrap(), ["@slog"]);
    assert_eq!(owners.owners_of("bridges/otelslogx/handler.go"), None);
    let owners = parse("*.d @d\n");
    assert_eq!(owners.owners_of("conf.d/x.conf").unwrap(), ["@d"]);
}

#[test]
fn pattern_without_owners_is_explicitly_unowned() {
    // GitHub's documented example.
    let owners = parse("/apps/ @octocat\n/apps/github\n");
    assert_eq!(owners.owners_of("apps/web/index.js").unwrap(), ["@octocat"]);
    assert_eq!(owners.owners_of("apps/github/index.js"), Some(vec![]));
    let rule = owners.rule_of("apps/github/index.js").unwrap();
    assert_eq!((rule.line(), rule.pattern(), rule.owners().len()), (2, "/apps/github", 0));
    assert_eq!(owners.owners_of("README.md"), None);
    assert!(owners.warnings().is_empty());
}

#[test]
fn last_matching_line_wins() {
    let owners = parse("* @all\n*.js @js\n/web/ @web\n");
    assert_eq!(owners.owners_of("web/app.js").unwrap(), ["@web"]);
    assert_eq!(owners.owners_of("api/app.js").unwrap(), ["@js"]);
    assert_eq!(owners.owners_of("api/app.go").unwrap(), ["@all"]);
    // Reversed order: the directory rule comes first, so `*.js` wins for
    // JavaScript files inside it, even though the directory rule matches
    // at a higher level of the path.
    let owners = parse("* @all\n/web/ @web\n*.js @js\n");
    assert_eq!(owners.owners_of("web/app.js").unwrap(), ["@js"]);
    assert_eq!(owners.owners_of("web/app.css").unwrap(), ["@web"]);
    // A broad rule after a narrow one takes over (earlier lines are not merged).
    let owners = parse("/web/special/ @special\n/web/ @web\n");
    assert_eq!(owners.owners_of("web/special/x").unwrap(), ["@web"]);
}

#[test]
fn same_pattern_twice_uses_the_later_line() {
    let owners = parse("/src/ @first\n/src/ @second\n");
    let rule = owners.rule_of("src/lib.rs").unwrap();
    assert_eq!(rule.line(), 2);
    assert_eq!(rule.owners(), ["@second"]);
}

#[test]
fn comments_whole_line_and_after_whitespace() {
    let text = "# a comment\n   # indented comment\n* @all # the catch-all\n/a/ @a\t#tab comment\nfoo#bar @hash\n";
    let owners = parse(text);
    assert_eq!(owners.rule_count(), 3);
    assert!(owners.warnings().is_empty(), "{:?}", owners.warnings());
    assert_eq!(owners.owners_of("x").unwrap(), ["@all"]);
    assert_eq!(owners.owners_of("a/x").unwrap(), ["@a"]);
    // A `#` inside a word is part of it.
    assert_eq!(owners.owners_of("foo#bar").unwrap(), ["@hash"]);
    let rule = owners.rule_of("a/x").unwrap();
    assert_eq!(rule.line(), 4);
}

#[test]
fn unsupported_syntax_is_skipped_with_a_warning() {
    let text = "* @all\n!/vendor/ @nobody\nsrc/*.[ch] @c\n\\#notes.md @notes\n/ @root\n/ok/ @ok\n";
    let owners = parse(text);
    assert_eq!(owners.rule_count(), 2);
    let warnings = owners.warnings();
    assert_eq!(warnings.len(), 4, "{warnings:?}");
    assert!(warnings[0].starts_with("CODEOWNERS: line 2: negation"), "{}", warnings[0]);
    assert!(warnings[0].contains("`!/vendor/ @nobody`"), "{}", warnings[0]);
    assert!(warnings[1].starts_with("CODEOWNERS: line 3: character ranges"), "{}", warnings[1]);
    assert!(warnings[2].starts_with("CODEOWNERS: line 4: escaping a leading `#`"), "{}", warnings[2]);
    assert!(warnings[3].starts_with("CODEOWNERS: line 5: the pattern `/` never matches"), "{}", warnings[3]);
    // The skipped lines change nothing.
    assert_eq!(owners.owners_of("vendor/x").unwrap(), ["@all"]);
    assert_eq!(owners.owners_of("src/a.c").unwrap(), ["@all"]);
    assert_eq!(owners.owners_of("ok/x").unwrap(), ["@ok"]);
}

/// Regression (audit): a GitLab CODEOWNERS file's section headers were
/// skipped with a misleading "character ranges" warning, and the sections
/// merged into one last-match-wins list, losing the owners each section
/// requires. A header refuses the file, naming its line; genuine
/// character ranges in GitHub patterns are still skipped with a warning.
#[test]
fn gitlab_section_headers_refuse_the_file() {
    for (header, line) in [
        ("[Section]", 2),
        ("[Section][2]", 2),
        ("^[Optional]", 2),
        ("[Docs] @docs-team", 2),
        ("  [Section with spaces][] @a @b # comment", 2),
        ("^[Ops][3] @org/ops", 2),
    ] {
        let text = format!("* @all\n{header}\n/docs/ @writers\n");
        let err = CodeOwners::parse("CODEOWNERS", text.as_bytes()).unwrap_err();
        let message = err.to_string();
        assert_eq!(err.kind_name(), "invalid_value", "{message}");
        assert!(message.starts_with(&format!("CODEOWNERS: line {line}: ")), "{message}");
        assert!(message.contains("GitLab sections are not supported"), "{message}");
        assert!(message.contains(&format!("`{}`", header.trim())), "{message}");
        assert!(!message.contains("character ranges"), "{message}");
    }
    // Character ranges in GitHub patterns are not headers.
    // GitLab anchors a header only at the start of its line: these are
    // headers too (an audit found them slipping through).
    for header in ["[Docs] [2] @org/docs", "[Docs]# note", "[Docs][ 2 ]", "[Docs][2]@x", "[Docs] docs-team"] {
        let text = format!("* @org/eng\n{header}\ndocs/ @org/writers\n");
        let err = CodeOwners::parse("CODEOWNERS", text.as_bytes()).unwrap_err();
        assert!(err.to_string().contains("GitLab sections are not supported"), "{header}: {err}");
    }
    for line in ["[Dd]ocs/ @docs", "*.[ch] @c", "/src/[abc]*.go @go", "[]x @a", "#[Section]", "[id]/page.tsx @web"] {
        let owners = CodeOwners::parse("CODEOWNERS", format!("* @all\n{line}\n").as_bytes()).unwrap();
        assert_eq!(owners.rule_count(), 1, "{line}");
        assert!(owners.warnings().len() <= 1, "{line}: {:?}", owners.warnings());
    }
}

#[test]
fn invalid_owners_skip_the_line_with_a_warning() {
    let text = "* @all\n/a/ @ok someone\n/b/ @org/team/extra\n/c/ user@example.com @org/team @user_emu\n/d/ @\n";
    let owners = parse(text);
    assert_eq!(owners.rule_count(), 2);
    let warnings = owners.warnings();
    assert_eq!(warnings.len(), 3, "{warnings:?}");
    assert!(warnings[0].starts_with("CODEOWNERS: line 2: `someone` is not an owner"), "{}", warnings[0]);
    assert!(warnings[1].starts_with("CODEOWNERS: line 3: `@org/team/extra` is not an owner"), "{}", warnings[1]);
    assert!(warnings[2].starts_with("CODEOWNERS: line 5: `@` is not an owner"), "{}", warnings[2]);
    assert_eq!(owners.owners_of("a/x").unwrap(), ["@all"]);
    assert_eq!(owners.owners_of("c/x").unwrap(), ["user@example.com", "@org/team", "@user_emu"]);
}

#[test]
fn crlf_line_ends_and_byte_order_mark() {
    let owners = parse("\u{feff}* @all\r\n/docs/ @docs   \r\n/x @x\r\n");
    assert_eq!(owners.rule_count(), 3);
    assert!(owners.warnings().is_empty(), "{:?}", owners.warnings());
    assert_eq!(owners.owners_of("docs/a.md").unwrap(), ["@docs"]);
    assert_eq!(owners.owners_of("x").unwrap(), ["@x"]);
    assert_eq!(owners.rules().next().unwrap().pattern(), "*");
}

#[test]
fn empty_file_has_no_rules() {
    for text in ["", "\n\n", "# only comments\n", "\u{feff}"] {
        let owners = parse(text);
        assert_eq!(owners.rule_count(), 0);
        assert!(owners.warnings().is_empty());
        assert_eq!(owners.owners_of("any/file.rs"), None);
        assert!(owners.rule_of("x").is_none());
    }
}

#[test]
fn paths_are_case_sensitive_and_normalised() {
    let owners = parse("/Docs/ @docs\n");
    assert_eq!(owners.owners_of("Docs/a.md").unwrap(), ["@docs"]);
    assert_eq!(owners.owners_of("docs/a.md"), None);
    assert_eq!(owners.owners_of("/Docs/a.md").unwrap(), ["@docs"]);
    assert_eq!(owners.owners_of("./Docs/a.md").unwrap(), ["@docs"]);
    assert_eq!(owners.owners_of(""), None);
}

#[test]
fn escaped_spaces_and_literal_braces() {
    let owners = parse("path\\ with\\ spaces/ @space\n{a,b}.txt @brace\n");
    assert!(owners.warnings().is_empty(), "{:?}", owners.warnings());
    assert_eq!(owners.owners_of("path with spaces/x").unwrap(), ["@space"]);
    assert_eq!(owners.owners_of("{a,b}.txt").unwrap(), ["@brace"]);
    assert_eq!(owners.owners_of("a.txt"), None);
}

#[test]
fn question_mark_matches_one_character_but_not_slash() {
    let owners = parse("/v? @v\n");
    assert_eq!(owners.owners_of("v1/x").unwrap(), ["@v"]);
    assert_eq!(owners.owners_of("v10/x"), None);
}

#[test]
fn invalid_utf8_is_a_syntax_error_with_the_line() {
    let err = CodeOwners::parse("CODEOWNERS", b"* @all\n/a\xff/ @a\n").unwrap_err();
    assert_eq!(err.kind_name(), "syntax");
    assert!(err.to_string().contains("line 2"), "{err}");
}

#[test]
fn limits_are_errors() {
    let long = format!("/{} @a\n", "x".repeat(5000));
    let err = CodeOwners::parse("CODEOWNERS", long.as_bytes()).unwrap_err();
    assert_eq!(err.kind_name(), "limit_exceeded");
    let message = err.to_string();
    assert!(message.contains("CODEOWNERS: line 1") && message.contains("max_string_bytes"), "{message}");

    let many: String = (0..=MAX_RULES).map(|i| format!("/d{i}/ @a\n")).collect();
    let err = CodeOwners::parse("CODEOWNERS", many.as_bytes()).unwrap_err();
    assert_eq!(err.kind_name(), "limit_exceeded");
    assert!(err.to_string().contains("max_rules"), "{err}");
}

/// Regression: 500 lines of `*?` repeated 1,990 times took 10 s and 1.35 GB
/// to compile; 2,000 lines over 5 GB.
#[test]
fn hostile_wildcard_patterns_fail_fast() {
    let hostile: String = (0..500).map(|i| format!("{}{} @a\n", "*?".repeat(1990), i % 10)).collect();
    let started = std::time::Instant::now();
    let err = CodeOwners::parse("CODEOWNERS", hostile.as_bytes()).unwrap_err();
    assert!(started.elapsed() < std::time::Duration::from_secs(1), "{:?}", started.elapsed());
    assert_eq!(err.kind_name(), "limit_exceeded");
    let message = err.to_string();
    assert!(message.contains("CODEOWNERS: line 1") && message.contains("max_pattern_wildcards"), "{message}");
    assert!(message.contains(&MAX_PATTERN_WILDCARDS.to_string()) && message.contains("3980"), "{message}");

    // At the limit a pattern compiles and matches; escaped wildcards are
    // literal characters and do not count.
    let at_limit = format!("/a{} @a\n/lit{} @b\n", "*".repeat(MAX_PATTERN_WILDCARDS), "\\*".repeat(40));
    let owners = CodeOwners::parse("CODEOWNERS", at_limit.as_bytes()).unwrap();
    assert_eq!(owners.owners_of("abc").unwrap(), ["@a"]);
    let over = format!("/a{} @a\n", "?".repeat(MAX_PATTERN_WILDCARDS + 1));
    assert_eq!(CodeOwners::parse("CODEOWNERS", over.as_bytes()).unwrap_err().kind_name(), "limit_exceeded");

    // Many patterns under the per-pattern limit are bounded in all.
    let lines = MAX_WILDCARDS / MAX_PATTERN_WILDCARDS + 1;
    let many: String = (0..lines).map(|i| format!("{}{i} @a\n", "*?".repeat(MAX_PATTERN_WILDCARDS / 2))).collect();
    let started = std::time::Instant::now();
    let err = CodeOwners::parse("CODEOWNERS", many.as_bytes()).unwrap_err();
    assert!(started.elapsed() < std::time::Duration::from_secs(1), "{:?}", started.elapsed());
    let message = err.to_string();
    assert!(message.contains(&format!("CODEOWNERS: line {lines}")) && message.contains("max_wildcards"), "{message}");
}

#[test]
fn max_rules_is_accepted() {
    let many: String = (0..MAX_RULES).map(|i| format!("/d{i}/ @o{i}\n")).collect();
    let owners = CodeOwners::parse("CODEOWNERS", many.as_bytes()).unwrap();
    assert_eq!(owners.rule_count(), MAX_RULES);
    assert_eq!(owners.owners_of("d99999/x").unwrap(), ["@o99999"]);
    assert_eq!(owners.owners_of("d5/x").unwrap(), ["@o5"]);
}

#[test]
fn warnings_are_capped() {
    let text: String = (0..2000).map(|_| "!x @a\n").collect();
    let owners = parse(&text);
    assert_eq!(owners.warnings().len(), blastgate_graph::MAX_WARNINGS + 1);
    assert_eq!(owners.warnings().last().unwrap(), "1000 more warnings not shown");
}

#[test]
fn last_match_wins_across_many_rules() {
    // Many rules are matched in chunks; the order must hold across them.
    let mut text = String::from("* @all\n/a/ @a\n");
    text.extend((0..9000).map(|i| format!("src/*x{i}*/**/y?{i} @o{i}\n")));
    text.push_str("*.go @go\n");
    let owners = parse(&text);
    assert_eq!(owners.rule_count(), 9003);
    assert_eq!(owners.owners_of("README.md").unwrap(), ["@all"]);
    assert_eq!(owners.owners_of("a/x.rs").unwrap(), ["@a"]);
    assert_eq!(owners.owners_of("a/x.go").unwrap(), ["@go"]);
    assert_eq!(owners.owners_of("src/ax7b/c/yz7/g.rs").unwrap(), ["@o7"]);
    assert_eq!(owners.owners_of("src/ax8999b/yz8999").unwrap(), ["@o8999"]);
    assert_eq!(owners.rule_of("src/ax8999b/yz8999/q.go").unwrap().line(), 9003);
}

// --- No panics on any input. ---

proptest::proptest! {
    #[test]
    fn codeowners_no_panic_on_raw_bytes(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..512)) {
        if let Ok(owners) = CodeOwners::parse("fuzz", &bytes) {
            let _ = owners.owners_of("a/b/c.go");
        }
    }

    #[test]
    fn codeowners_no_panic_on_pattern_text(
        lines in proptest::collection::vec("[-a-z/*?!#\\\\\\[\\]{} @.]{0,24}", 0..12),
        path in "[-a-z/.*#\\\\]{0,24}",
    ) {
        let text = lines.join("\n");
        // Every pattern text reads, but for a GitLab section header (such
        // as `[a] @b`), which refuses the file.
        match CodeOwners::parse("fuzz", text.as_bytes()) {
            Ok(owners) => {
                let _ = owners.owners_of(&path);
                let _ = owners.rule_of(&path);
            }
            Err(e) => proptest::prop_assert!(e.to_string().contains("GitLab section"), "{e}"),
        }
    }
}
